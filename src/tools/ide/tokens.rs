//! Semantic tokens: what each word of the file is, for an editor's colours.
//!
//! Built on the forgiving scan, so that a file being typed keeps its colours;
//! names the symbol index knows (when the file parses) get their kind, and their
//! definitions the `declaration` modifier.

use super::index::SymbolKind;
use super::lex::TokenKind;
use super::Analysis;
use crate::language::source::Span;

/// The token types, in the order their indexes refer to (the LSP legend).
pub const LEGEND: &[&str] = &[
    "keyword",
    "comment",
    "string",
    "number",
    "property",
    "variable",
    "function",
    "struct",
    "enumMember",
    "method",
    "parameter",
    "type",
    "operator",
    "namespace",
];

/// The one token modifier: a name where it is defined.
pub const MODIFIERS: &[&str] = &["declaration"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// One coloured token.
pub struct SemanticToken {
    /// Where it is (never more than one line).
    pub span: Span,
    /// An index into [`LEGEND`].
    pub ty: u32,
    /// Whether it is a name where it is declared.
    pub declaration: bool,
}

fn ty(name: &str) -> u32 {
    LEGEND
        .iter()
        .position(|l| *l == name)
        .and_then(|p| u32::try_from(p).ok())
        .unwrap_or(0)
}

/// Words that are keywords where they stand, beyond the reserved words.
const CONTEXT_WORDS: &[&str] = &[
    "business", "day", "days", "hour", "hours", "week", "weeks", "month", "months", "each", "item",
    "whole", "order", "dates", "at", "start", "end",
];

impl Analysis {
    /// Every token an editor colours, in source order.
    pub fn semantic_tokens(&self) -> Vec<SemanticToken> {
        let text = self.text();
        let mut out = Vec::with_capacity(self.tokens.len());
        let mut previous = "";
        for t in &self.tokens {
            let word = t.text(text);
            let (name, declaration) = match t.kind {
                TokenKind::Comment => ("comment", false),
                TokenKind::String => ("string", false),
                TokenKind::Number => ("number", false),
                TokenKind::Path => ("property", false),
                TokenKind::Punct
                    if matches!(word, "<" | "<=" | ">" | ">=" | "=" | "!=" | "+" | "-" | "*") =>
                {
                    ("operator", false)
                }
                TokenKind::Punct => {
                    previous = word;
                    continue;
                }
                TokenKind::Word => {
                    let symbol = self
                        .index
                        .occurrences
                        .binary_search_by_key(&t.span.start, |o| o.span.start)
                        .ok()
                        .and_then(|i| self.index.occurrences.get(i))
                        .filter(|o| o.span == t.span);
                    match symbol {
                        Some(o) => (
                            match o.kind {
                                SymbolKind::Window => "function",
                                SymbolKind::Threshold => "variable",
                                SymbolKind::Table => "struct",
                                SymbolKind::Fee => "parameter",
                                SymbolKind::Rule => "method",
                                SymbolKind::Fact | SymbolKind::StandardFact => "property",
                            },
                            o.is_definition,
                        ),
                        None if previous == "policy" => ("namespace", true),
                        None if crate::language::syntax::RESERVED_WORDS.contains(&word)
                            || CONTEXT_WORDS.contains(&word) =>
                        {
                            ("keyword", false)
                        }
                        None if word.len() == 3 && word.bytes().all(|b| b.is_ascii_uppercase()) => {
                            ("type", false)
                        }
                        None => ("enumMember", false),
                    }
                }
            };
            previous = word;
            out.push(SemanticToken {
                span: t.span,
                ty: ty(name),
                declaration,
            });
        }
        out
    }
}
