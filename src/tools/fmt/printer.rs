//! The printer: the items a file becomes (each with its source anchor, so that
//! comments and blank lines find their place) and the file itself.

use super::exprs::escape;
use super::layout::{layout, Doc};
use super::source_text::Src;
use crate::ast::*;

/// Whether an empty line goes before an element.
#[derive(Clone, Copy)]
pub(super) enum Blank {
    No,
    Yes,
    /// As the source had it; without a source, the value given.
    Source(bool),
}

/// A unit of output that starts a line: a declaration, a rule header, a clause, a
/// brace. Comments attach to items.
pub(super) struct Item {
    /// Where the item is in the source: comments attach by position.
    pub(super) anchor: usize,
    pub(super) end: usize,
    /// Indentation of comments placed before the item.
    pub(super) indent: usize,
    pub(super) lines: Vec<String>,
    /// Before the first element (a leading comment or the item itself).
    pub(super) first: Blank,
    /// Between leading comments, and before the item after them.
    pub(super) rest: Blank,
    /// A closing brace: never an empty line right before it.
    pub(super) close: bool,
}

pub(super) struct Printer<'s, 'a> {
    pub(super) src: Option<&'s Src<'a>>,
}

impl Printer<'_, '_> {
    pub(super) fn item(
        &self,
        items: &mut Vec<Item>,
        anchor: usize,
        end: usize,
        indent: usize,
        doc: Doc,
    ) {
        self.push(items, anchor, end, indent, layout(&doc, indent), Blank::No);
    }

    pub(super) fn push(
        &self,
        items: &mut Vec<Item>,
        anchor: usize,
        end: usize,
        indent: usize,
        lines: Vec<String>,
        first: Blank,
    ) {
        items.push(Item {
            anchor,
            end: end.max(anchor),
            indent,
            lines,
            first,
            rest: Blank::No,
            close: false,
        });
    }

    /// A closing brace at `indent`, at source offset `at`.
    pub(super) fn close(&self, items: &mut Vec<Item>, at: usize, indent: usize) {
        items.push(Item {
            anchor: at,
            end: at + 1,
            indent: indent + 2,
            lines: vec![format!("{}}}", " ".repeat(indent))],
            first: Blank::Source(false),
            rest: Blank::Source(false),
            close: true,
        });
    }

    /// The offset of the `{` that opens a block after `at`.
    pub(super) fn open_brace(&self, at: usize) -> usize {
        self.src.and_then(|s| s.find(at, b'{')).unwrap_or(at)
    }

    pub(super) fn file(&self, file: &PolicyFile) -> String {
        let mut items = Vec::new();
        let anchor = self.back(file.name.span.start, 1);
        let brace = self.open_brace(file.name.span.end);
        let header = match &file.title {
            Some(t) => format!("policy {} {} {{", file.name.node, escape(t)),
            None => format!("policy {} {{", file.name.node),
        };
        items.push(Item {
            anchor,
            end: brace + 1,
            indent: 0,
            lines: vec![header],
            first: Blank::No,
            rest: Blank::Source(false),
            close: false,
        });
        let mut prev: Option<&Decl> = None;
        for d in &file.decls {
            let start = items.len();
            self.decl(&mut items, d);
            let settings = |d: &Decl| {
                matches!(
                    d,
                    Decl::Currency(_) | Decl::Timezone(_) | Decl::Effective(_)
                )
            };
            if let Some(first) = items.get_mut(start) {
                first.first = match prev {
                    None => Blank::No,
                    Some(p) => Blank::Source(!(settings(p) && settings(d))),
                };
                first.rest = Blank::Source(false);
            }
            prev = Some(d);
        }
        let end = self
            .src
            .and_then(|s| s.code.iter().rposition(|&b| b == b'}'))
            .unwrap_or(0);
        self.close(&mut items, end, 0);
        let eof = self.src.map_or(0, |s| s.text.len());
        items.push(Item {
            anchor: eof,
            end: eof,
            indent: 0,
            lines: Vec::new(),
            first: Blank::Source(false),
            rest: Blank::Source(false),
            close: false,
        });
        self.finish(items)
    }
}
