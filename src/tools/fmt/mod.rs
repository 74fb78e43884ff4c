//! `clause fmt`: one canonical layout for a policy file.
//!
//! [`format_source`] parses a file and prints it again in the house style of the
//! bundled policies: 2-space indentation, each declaration, rule header, line of
//! quoted words and clause on its own line, one blank line between rules, and
//! conditions longer than [`WIDTH`] columns broken before `or` (then `and`) with
//! continuation lines indented by two more. The printer works from the AST and
//! reads the source text for what the AST does not keep:
//!
//! - every `#` comment: a comment on its own line goes before the item it precedes
//!   (or the one it sits inside), a comment after code stays at the end of its line;
//! - the pieces of a multi-string quote, grouped on lines as the merchant wrote them;
//! - the merchant's parentheses (the printer adds those that precedence needs);
//! - blank lines between declarations (at most one);
//! - the line ending of its first line, used for every line (see [`line_ending`]).
//!
//! [`print`] is the same printer without a source: no comments, each quote as one
//! string, only the parentheses precedence needs. Both are idempotent, and parsing
//! their output gives the AST that was printed (spans aside: see [`without_spans`]).

use crate::ast::*;
use crate::language::diagnostic::Diagnostics;
use crate::language::source::{Source, Span};

mod decls;
mod exprs;
mod layout;
mod printer;
mod rules;
mod source_text;
use printer::Printer;
use source_text::{scan, Src};

/// Lines are broken to fit in this many columns where a condition allows it.
pub const WIDTH: usize = 100;

/// Parses `source` and prints it in the canonical layout, keeping its comments
/// and its line endings: when the text's first line ends with a carriage return
/// and a line feed (CRLF, as on Windows), every line of the result does; otherwise
/// every line ends with a line feed alone (rustfmt's `newline_style = "Auto"`).
pub fn format_source(source: &Source) -> Result<String, Diagnostics> {
    let file = crate::parse(source)?;
    let src = Src::new(source);
    let text = Printer { src: Some(&src) }.file(&file);
    let text = match line_ending(&source.text) {
        "\r\n" => text.replace('\n', "\r\n"),
        _ => text,
    };
    // A byte order mark at the start stays, as the line ending does.
    Ok(if source.text.starts_with('\u{feff}') {
        format!("\u{feff}{text}")
    } else {
        text
    })
}

/// The line ending `text` uses, read off its first line: `"\r\n"` when that line
/// ends with a carriage return and a line feed, else `"\n"` (also for a text of
/// one line). `clause fmt` writes every line with it.
pub fn line_ending(text: &str) -> &'static str {
    let first_line = text.split_once('\n').map(|(line, _)| line);
    if first_line.is_some_and(|l| l.ends_with('\r')) {
        "\r\n"
    } else {
        "\n"
    }
}

/// Prints an AST in the canonical layout, without comments.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn print(file: &PolicyFile) -> String {
    Printer { src: None }.file(file)
}

/// The same AST with every span reset, so that two ASTs read from differently laid
/// out text compare equal when they say the same thing. ([`Spanned`] values
/// already ignore their spans; a few nodes also hold a plain [`Span`] field.)
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn without_spans(file: &PolicyFile) -> PolicyFile {
    let mut f = file.clone();
    for d in &mut f.decls {
        match d {
            Decl::Calendar(c) => {
                c.span = Span::default();
                if let Some(cov) = &mut c.covering {
                    cov.span = Span::default();
                }
            }
            Decl::Window(w) => {
                w.span = Span::default();
                if let WindowShape::From { duration, .. } = &mut w.shape {
                    duration.span = Span::default();
                }
                for e in &mut w.extensions {
                    e.span = Span::default();
                    if let ExtendTo::By(d) = &mut e.to {
                        d.span = Span::default();
                    }
                }
            }
            Decl::Rules(b) => {
                b.span = Span::default();
                for r in b.rules.iter_mut().chain(b.otherwise.iter_mut()) {
                    r.span = Span::default();
                }
            }
            _ => {}
        }
    }
    f
}

/// Every comment in `text`, as written (without trailing whitespace), in order.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn comments(text: &str) -> Vec<String> {
    scan(text).0.into_iter().map(|c| c.text).collect()
}

// ---------------------------------------------------------------- documents
