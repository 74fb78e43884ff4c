//! Reading a policy file: pest grammar (`grammar/policy.pest`) to AST.
//!
//! `parse` returns the AST or every syntax error in the file. After the first
//! syntax error the parser resumes at the next line that starts a declaration or
//! rule, so a merchant sees all of them at once.

pub mod ast;
mod error;
mod lower;

use pest::Parser as _;

use crate::language::diagnostic::{Diagnostic, Diagnostics};
use crate::language::source::Source;
pub use lower::WEIGHT_UNITS;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
pub(crate) struct PolicyParser;

/// The most syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Words that start a declaration or a rule: where reading resumes after an error.
const RESUME_WORDS: [&str; 13] = [
    "rule",
    "otherwise",
    "window",
    "threshold",
    "table",
    "rules",
    "fact",
    "fees",
    "jurisdictions",
    "calendar",
    "currency",
    "timezone",
    "}",
];

/// The words of the language, which cannot be names (the grammar's `keyword`).
pub(crate) const RESERVED_WORDS: &[&str] = &[
    "policy",
    "currency",
    "timezone",
    "calendar",
    "weekend",
    "holidays",
    "fact",
    "fees",
    "fee",
    "window",
    "threshold",
    "table",
    "rules",
    "rule",
    "otherwise",
    "optional",
    "from",
    "until",
    "between",
    "extended",
    "rolled",
    "forward",
    "plain",
    "when",
    "unless",
    "requires",
    "evidence",
    "refund",
    "deduct",
    "may",
    "paid",
    "by",
    "amount",
    "deadline",
    "and",
    "or",
    "not",
    "is",
    "has",
    "within",
    "after",
    "before",
    "else",
    "in",
    "of",
    "one",
    "any",
    "all",
    "set",
    "missing",
    "up",
    "to",
    "true",
    "false",
    "approve",
    "deny",
    "review",
    "for",
    "as",
    "requested",
];

/// How deeply parentheses may nest, and how many operators one condition may
/// hold. Both keep parsing, checking and evaluation within a bounded stack; real
/// policies stay far below them.
pub const MAX_NESTING: usize = 16;
pub const MAX_OPERATORS: usize = 64;

/// Parses a policy file into its AST, or returns every syntax error in it.
pub fn parse(source: &Source) -> Result<ast::PolicyFile, Diagnostics> {
    let text: &str = &source.text;
    if let Some(d) = lone_carriage_return(text) {
        return Err(Diagnostics::new(source.clone(), vec![d]));
    }
    if let Some(d) = too_deep(text) {
        return Err(Diagnostics::new(source.clone(), vec![d]));
    }
    match PolicyParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let Some(file) = pairs.next() else {
                return Err(Diagnostics::new(source.clone(), vec![]));
            };
            let (ast, diags) = lower::lower_file(file);
            match ast {
                Some(ast) if diags.is_empty() => Ok(ast),
                _ => Err(Diagnostics::new(source.clone(), diags)),
            }
        }
        Err(first) => {
            let mut diags = vec![error::from_pest(&first, text, 0)];
            let mut offset = error::position(&first);
            let mut min = 1;
            while diags.len() < MAX_SYNTAX_ERRORS {
                let Some(start) = next_resume_point(text, offset, min) else {
                    break;
                };
                min = start + 1;
                let rest = text.get(start..).unwrap_or("");
                match PolicyParser::parse(Rule::resume, rest) {
                    Ok(_) => break,
                    Err(e) => {
                        let pos = start + error::position(&e);
                        // Reading again from the failing line finds the same error: report it once.
                        if pos != offset {
                            diags.push(error::from_pest(&e, rest, start));
                        }
                        offset = pos.max(start);
                    }
                }
            }
            Err(Diagnostics::new(source.clone(), diags))
        }
    }
}

/// A carriage return alone (not part of a CR LF) with more of the line after
/// it. Editors show it as a line break (classic Mac OS ended lines so), but the
/// grammar, its comments and quotes, and every line-based reading here end
/// lines at a line feed: a classic Mac OS file would read as one line, its
/// first comment hiding the rest. Refused at the first, saying how many there
/// are. One at a line's end, with only blanks after it (`\r\r\n`, left by
/// converting line ends twice), changes nothing and is read as a space. Lines
/// and columns count a lone carriage return as a line break everywhere
/// ([`Source::line_starts_of`]), as editors do.
fn lone_carriage_return(text: &str) -> Option<Diagnostic> {
    if !text.contains('\r') {
        return None;
    }
    let mut first = None;
    let mut count = 0usize;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        // Where the line's last character that is not blank ends.
        let content = bytes
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .map_or(0, |i| i + 1);
        for (i, &b) in bytes.iter().enumerate().take(content) {
            if b == b'\r' {
                count += 1;
                first.get_or_insert(start + i);
            }
        }
        start += line.len();
    }
    let at = first?;
    let more = if count > 1 {
        format!(" ({count} such line breaks in the file)")
    } else {
        String::new()
    };
    Some(
        Diagnostic::new(
            crate::language::diagnostic::Code::Syntax,
            format!("a carriage return alone breaks this line (as classic Mac OS ended lines): an editor shows a new line here, but Clause reads lines that end with a line feed{more}"),
            crate::language::source::Span::new(at, at + 1),
            "a carriage return alone",
        )
        .with_help("save the file with Unix (LF) or Windows (CR LF) line endings; in a shell, perl -pe 's/\\r\\n?/\\n/g' FILE > FIXED converts it"),
    )
}

/// The first place where parentheses nest deeper than [`MAX_NESTING`], outside
/// quotes and comments.
fn too_deep(text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
        } else if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '#' => in_comment = true,
                '"' => in_string = true,
                '(' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(
                            Diagnostic::new(
                                crate::language::diagnostic::Code::TooComplex,
                                format!("parentheses nest more than {MAX_NESTING} deep here"),
                                crate::language::source::Span::new(i, i + 1),
                                "too deep",
                            )
                            .with_help("name parts of the condition with `threshold NAME = ...` and use the names"),
                        );
                    }
                }
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// Where reading resumes after an error at `offset`: the first line at or after the
/// error's own line that starts with a resume word, beyond `min`.
fn next_resume_point(text: &str, offset: usize, min: usize) -> Option<usize> {
    let mut pos = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    loop {
        let line = text.get(pos..)?;
        let trimmed = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - trimmed.len();
        let starts = RESUME_WORDS.iter().any(|w| {
            trimmed.starts_with(w)
                && trimmed
                    .get(w.len()..)
                    .and_then(|r| r.chars().next())
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        });
        if starts && pos + indent >= min {
            return Some(pos + indent);
        }
        pos += line.find('\n')? + 1;
    }
}
