//! Reading a policy file: pest grammar (`grammar/policy.pest`) to AST.
//!
//! `parse` returns the AST or every syntax error in the file. After the first
//! syntax error the parser resumes at the next line that starts a declaration or
//! rule, so a merchant sees all of them at once.

pub mod ast;
mod error;
mod lower;

use pest::Parser as _;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Source;
pub use lower::WEIGHT_UNITS;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
pub(crate) struct PolicyParser;

/// The most syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Words that start a declaration or a rule: where reading resumes after an error.
const RESUME_WORDS: [&str; 12] = [
    "rule",
    "otherwise",
    "window",
    "threshold",
    "table",
    "rules",
    "fact",
    "fees",
    "calendar",
    "currency",
    "timezone",
    "}",
];

/// Parses a policy file into its AST, or returns every syntax error in it.
pub fn parse(source: &Source) -> Result<ast::PolicyFile, Diagnostics> {
    let text: &str = &source.text;
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

/// Shorthand used by tests and docs: a diagnostic list from a single diagnostic.
pub fn single(source: &Source, d: Diagnostic) -> Diagnostics {
    Diagnostics::new(source.clone(), vec![d])
}
