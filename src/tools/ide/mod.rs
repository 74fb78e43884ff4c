//! What an editor asks about a policy file being edited: diagnostics, hover
//! texts, definitions and references, the outline, completions, renames, fixes,
//! formatting and semantic tokens.
//!
//! An [`Analysis`] is made from one version of a file's text: it parses, checks
//! and lints it once, and indexes every name (see [`index`]). Every question after
//! that is answered from the analysis, in byte offsets into the text; the language
//! server (`clause lsp`) only turns editor positions into offsets and back, and
//! speaks the protocol.
//!
//! A file being typed rarely parses. What needs the syntax tree (hover,
//! definitions, rename, the outline) answers nothing until it parses again; what
//! an editor needs most while typing (diagnostics, completions, highlighting)
//! stands on the forgiving scan in [`lex`], which reads any text.

pub mod actions;
pub mod complete;
pub mod hover;
pub mod index;
pub mod lex;
pub mod outline;
pub mod rename;
pub mod tokens;

use crate::ast::PolicyFile;
use crate::language::check::ir::Policy;
use crate::language::diagnostic::Diagnostic;
use crate::language::source::{Source, Span};
use crate::tools::lint::LintConfig;
pub use index::{Index, Occurrence, SymbolKind};

/// An example claim, for hover texts that show what a definition gives for it.
#[derive(Debug, Clone)]
pub struct Example {
    /// Where the claim comes from, as a person reads it (`imicro.cases.json, case "x"`).
    pub label: String,
    /// The claim, in the contract's JSON.
    pub claim: serde_json::Value,
}

impl Example {
    /// The first case of the cases file at `path`, with the base claim's changes applied.
    pub fn from_cases_file(path: &std::path::Path) -> Result<Example, String> {
        let file = crate::tools::cases::load(path)?;
        let case = file
            .cases
            .into_iter()
            .next()
            .ok_or_else(|| format!("{} has no cases", path.display()))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(Example {
            label: format!("{name}, case \"{}\"", case.name),
            claim: case.claim,
        })
    }
}

/// One version of a policy file, read, checked, linted and indexed.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The text analysed.
    pub source: Source,
    /// The syntax tree, when the text parses.
    pub ast: Option<PolicyFile>,
    /// The checked policy, when the text checks.
    pub policy: Option<Policy>,
    /// Every syntax and checker error, or when there are none, every lint finding
    /// at its configured level (the allowed ones left out).
    pub diagnostics: Vec<Diagnostic>,
    /// Every name's definitions and uses (empty when the text does not parse).
    pub index: Index,
    /// The forgiving scan of the text.
    pub tokens: Vec<lex::Token>,
    /// The example claim hover texts use.
    pub example: Option<Example>,
}

impl Analysis {
    /// Analyses `source` with the lint settings of `config` (clause.toml's) and the
    /// file's own `# clause:` comments.
    pub fn new(source: Source, config: &LintConfig, example: Option<Example>) -> Analysis {
        let tokens = lex::tokens(&source.text);
        let (ast, policy, diagnostics) = match crate::parse(&source) {
            Err(d) => (None, None, d.items),
            Ok(ast) => match crate::language::check::check(&ast, &source) {
                Err(d) => (Some(ast), None, d.items),
                Ok(policy) => {
                    let lints = crate::tools::lint::lint(&ast, &policy, config);
                    (Some(ast), Some(policy), lints)
                }
            },
        };
        let index = ast.as_ref().map(Index::build).unwrap_or_default();
        Analysis {
            source,
            ast,
            policy,
            diagnostics,
            index,
            tokens,
            example,
        }
    }

    /// The text analysed.
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.source.text.get(span.start..span.end).unwrap_or("")
    }

    /// Where the symbol under `offset` is defined.
    pub fn definition(&self, offset: usize) -> Option<Span> {
        let o = self.index.at(offset)?;
        self.index.definition(o.kind, &o.name).map(|d| d.span)
    }

    /// Every use of the symbol under `offset`, with its definition when asked.
    pub fn references(&self, offset: usize, include_definition: bool) -> Vec<Span> {
        let Some(o) = self.index.at(offset) else {
            return Vec::new();
        };
        self.index
            .occurrences_of(o.kind, &o.name)
            .into_iter()
            .filter(|r| include_definition || !r.is_definition)
            .map(|r| r.span)
            .collect()
    }

    /// The whole file in the canonical layout (`clause fmt`), or `None` when it
    /// does not parse or is already laid out so.
    pub fn format(&self) -> Option<String> {
        crate::tools::fmt::format_source(&self.source)
            .ok()
            .filter(|t| *t != *self.source.text)
    }

    /// The formatter's changes that intersect `range`, as replacements of whole
    /// lines of the current text: formatting a range leaves the rest alone.
    ///
    /// A change of lines belongs to the range when it overlaps it: it starts before
    /// the range ends and ends after the range starts, so a change that only meets
    /// the range at its start or end (the line before a range starting at a line's
    /// first column, the line a range ends at column 0 of) is left out. Lines the
    /// formatter rewrites one for one are taken a line at a time; a run that
    /// changes how many lines there are is taken whole. An empty
    /// range (a cursor) takes the change of the line it is on. A change that only
    /// inserts lines sits between two lines and belongs to the range when it is
    /// strictly inside it, never at its start or end, nor at a cursor.
    pub fn format_range(&self, range: Span) -> Vec<(Span, String)> {
        let old = self.text();
        self.format_edits()
            .into_iter()
            .filter(|(span, _)| {
                if span.start == span.end {
                    // Lines inserted at `span.start`: inside the range, not at its ends.
                    range.start < span.start && span.start < range.end
                } else if range.start == range.end {
                    // A cursor: the change of the line it is on (the last line, at
                    // the end of a text whose last line has no line feed).
                    let on_last_line =
                        range.start == old.len() && span.end == old.len() && !old.ends_with('\n');
                    span.start <= range.start && (range.start < span.end || on_last_line)
                } else {
                    span.start < range.end && range.start < span.end
                }
            })
            .collect()
    }

    /// The formatter's changes as replacements of whole lines of the current
    /// text, in order and not overlapping: applied together they give
    /// [`Self::format`]'s text, and lines the formatter keeps are not touched
    /// (so an editor keeps its cursor, marks and folds on them). Lines the
    /// formatter rewrites one for one are an edit each; a run that changes how
    /// many lines there are is one edit. Empty when the file does not parse or
    /// is already laid out so.
    pub fn format_edits(&self) -> Vec<(Span, String)> {
        let Some(new) = self.format() else {
            return Vec::new();
        };
        let old = self.text();
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
        let starts: Vec<usize> = old_lines
            .iter()
            .scan(0, |at, l| {
                let s = *at;
                *at += l.len();
                Some(s)
            })
            .collect();
        let offset_of = |line: usize| starts.get(line).copied().unwrap_or(old.len());
        let diff = similar::TextDiff::from_slices(&old_lines, &new_lines);
        let mut pieces = Vec::new();
        for op in diff.ops() {
            let (tag, old_r, new_r) = op.as_tag_tuple();
            match tag {
                similar::DiffTag::Equal => {}
                similar::DiffTag::Replace if old_r.len() == new_r.len() => {
                    pieces.extend(old_r.zip(new_r).map(|(o, n)| (o..o + 1, n..n + 1)));
                }
                _ => pieces.push((old_r, new_r)),
            }
        }
        pieces
            .into_iter()
            .map(|(old_r, new_r)| {
                let span = Span::new(offset_of(old_r.start), offset_of(old_r.end));
                let text: String = new_lines
                    .get(new_r.start..new_r.end)
                    .unwrap_or(&[])
                    .concat();
                (span, text)
            })
            .collect()
    }
}

/// Whether `name` can name something: a letter or `_`, then letters, digits and `_`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
