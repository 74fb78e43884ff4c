//! The Markdown writer: GitHub-flavoured Markdown from the page's blocks.

use super::{Block, Inline};

pub(super) fn markdown(title: &str, blocks: &[Block]) -> String {
    let mut out = format!("# {}\n", md_start(title));
    for b in blocks {
        md_block(b, &mut out);
    }
    out
}

pub(super) fn md_block(b: &Block, out: &mut String) {
    match b {
        Block::Heading(level, text) => {
            let hashes = "#".repeat(usize::from(*level));
            out.push_str(&format!("\n{hashes} {}\n", md_escape(text)));
        }
        Block::Para(inlines) => {
            let mut s = String::new();
            for i in inlines {
                match i {
                    Inline::Text(t) => s.push_str(&md_escape(t)),
                    Inline::Strong(t) => s.push_str(&format!("**{}**", md_escape(t))),
                }
            }
            out.push_str(&format!("\n{}\n", md_fix_start(s)));
        }
        Block::Quote(text) => out.push_str(&format!("\n> {}\n", md_start(text))),
        Block::Table { head, rows } => {
            out.push('\n');
            let cells = |r: &[String]| {
                let c: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
                format!("| {} |\n", c.join(" | "))
            };
            out.push_str(&cells(head));
            out.push_str(&format!(
                "|{}\n",
                head.iter().map(|_| "---|").collect::<String>()
            ));
            for r in rows {
                out.push_str(&cells(r));
            }
        }
        Block::Group(_, blocks) => {
            for b in blocks {
                md_block(b, out);
            }
        }
    }
}

/// Escapes text so that Markdown shows it as written.
pub(super) fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Inside a word (`Los_Angeles`) an underscore never starts emphasis.
            '_' if prev.is_some_and(|p: char| p.is_alphanumeric())
                && chars.peek().is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push('_');
            }
            '_' => out.push_str("\\_"),
            '&' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
            _ => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// Escaped text that starts a block: a leading `#`, `-`, `+`, `=` or `1.` would
/// otherwise make a heading or a list.
pub(super) fn md_start(s: &str) -> String {
    md_fix_start(md_escape(s))
}

pub(super) fn md_fix_start(s: String) -> String {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if matches!(s.chars().next(), Some('#' | '-' | '+' | '=')) {
        return format!("\\{s}");
    }
    if digits > 0 && matches!(s.chars().nth(digits), Some('.' | ')')) {
        // The digits are ASCII: `digits` is also their length in bytes.
        let (head, tail) = s.split_at(digits);
        return format!("{head}\\{tail}");
    }
    s
}
