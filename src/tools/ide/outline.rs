//! The outline of a policy file: its declarations, its rule blocks and their
//! rules, each with the span it covers and the span of its name.

use super::index::SymbolKind;
use crate::ast::{Decl, PolicyFile, RulesBlock, Scope};
use crate::language::source::Span;

/// What an outline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The `policy` block.
    Policy,
    /// `currency`, `timezone`, `calendar`, `jurisdictions`.
    Setting,
    /// A named declaration or a rule.
    Symbol(SymbolKind),
    /// A `rules for` block.
    RulesBlock,
}

/// One entry of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it is.
    pub kind: EntryKind,
    /// Its name, or its keyword for a setting.
    pub name: String,
    /// A few words on it: a rule's outcome, a block's scope.
    pub detail: String,
    /// Everything it covers.
    pub span: Span,
    /// Its name (or first word), which an editor selects.
    pub name_span: Span,
    /// What is inside it.
    pub children: Vec<Entry>,
}

fn leaf(kind: EntryKind, name: &str, detail: String, span: Span, name_span: Span) -> Entry {
    Entry {
        kind,
        name: name.to_string(),
        detail,
        span,
        name_span,
        children: Vec::new(),
    }
}

/// The outline of a policy text that parses (`None` when it does not), with
/// `name` naming it: what a search of a folder's symbols looks through.
///
/// ```
/// let text = std::fs::read_to_string("policies/imicro.policy")?;
/// let root = clause::ide::outline::outline_text("imicro.policy", &text).expect("it parses");
/// assert_eq!(root.name, "imicro");
/// assert!(clause::ide::outline::outline_text("broken.policy", "policy {").is_none());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn outline_text(name: &str, text: &str) -> Option<Entry> {
    let ast = crate::parse(&crate::Source::new(name, text)).ok()?;
    Some(outline(&ast, text))
}

/// The file's outline: the policy, and inside it each declaration and rule block.
pub fn outline(file: &PolicyFile, text: &str) -> Entry {
    let mut children = Vec::new();
    for d in &file.decls {
        let entry = match d {
            Decl::Currency(n) => leaf(
                EntryKind::Setting,
                "currency",
                n.node.clone(),
                n.span,
                n.span,
            ),
            Decl::Timezone(n) => leaf(
                EntryKind::Setting,
                "timezone",
                n.node.clone(),
                n.span,
                n.span,
            ),
            Decl::Effective(d) => leaf(
                EntryKind::Setting,
                "effective from",
                d.node.to_string(),
                d.span,
                d.span,
            ),
            Decl::Calendar(c) => leaf(
                EntryKind::Setting,
                "calendar",
                String::new(),
                c.span,
                c.span,
            ),
            Decl::Jurisdictions(names) | Decl::Fees(names) => {
                let (Some(first), Some(last)) = (names.first(), names.last()) else {
                    continue;
                };
                if matches!(d, Decl::Fees(_)) {
                    for n in names {
                        children.push(leaf(
                            EntryKind::Symbol(SymbolKind::Fee),
                            &n.node,
                            "fee".into(),
                            n.span,
                            n.span,
                        ));
                    }
                    continue;
                }
                let words: Vec<&str> = names.iter().map(|n| n.node.as_str()).collect();
                leaf(
                    EntryKind::Setting,
                    "jurisdictions",
                    words.join(", "),
                    first.span.to(last.span),
                    first.span,
                )
            }
            Decl::Fact(f) => {
                let end = f.codes.last().unwrap_or(&f.ty).span.end;
                let optional = if f.optional { " optional" } else { "" };
                leaf(
                    EntryKind::Symbol(SymbolKind::Fact),
                    &f.name.node,
                    format!("{}{optional}", f.ty.node),
                    Span::new(f.name.span.start, end),
                    f.name.span,
                )
            }
            Decl::Window(w) => leaf(
                EntryKind::Symbol(SymbolKind::Window),
                &w.name.node,
                "window".into(),
                w.span,
                w.name.span,
            ),
            Decl::Threshold(t) => leaf(
                EntryKind::Symbol(SymbolKind::Threshold),
                &t.name.node,
                text.get(t.expr.span.start..t.expr.span.end)
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                t.name.span.to(t.expr.span),
                t.name.span,
            ),
            Decl::Table(t) => {
                let end = t
                    .default
                    .iter()
                    .chain(t.rows.iter().map(|r| &r.value))
                    .map(|e| e.span.end)
                    .max()
                    .unwrap_or(t.key.span.end);
                leaf(
                    EntryKind::Symbol(SymbolKind::Table),
                    &t.name.node,
                    format!("by {}", t.key.node),
                    Span::new(t.name.span.start, end),
                    t.name.span,
                )
            }
            Decl::Rules(b) => block(b),
        };
        children.push(entry);
    }
    let end = children
        .iter()
        .map(|c| c.span.end)
        .max()
        .unwrap_or(file.name.span.end);
    let start = text
        .get(..file.name.span.start)
        .and_then(|t| t.rfind("policy"))
        .unwrap_or(file.name.span.start);
    // The policy's closing brace ends the file's last entry.
    let close = text
        .get(end..)
        .and_then(|t| t.find('}'))
        .map_or(end, |i| end + i + 1);
    Entry {
        kind: EntryKind::Policy,
        name: file.name.node.clone(),
        detail: file.title.clone().unwrap_or_default(),
        span: Span::new(start, close),
        name_span: file.name.span,
        children,
    }
}

fn block(b: &RulesBlock) -> Entry {
    let scope = match b.scope {
        Scope::EachItem => "each item",
        Scope::WholeOrder => "whole order",
    };
    let rules = b
        .rules
        .iter()
        .chain(&b.otherwise)
        .map(|r| {
            let decision = match r.decision.node {
                crate::ast::Decision::Approve => "approve",
                crate::ast::Decision::Deny => "deny",
                crate::ast::Decision::Review => "review",
            };
            let remedies: Vec<&str> = r.remedies.iter().map(|n| n.node.as_str()).collect();
            let detail = if remedies.is_empty() {
                decision.to_string()
            } else {
                format!("{decision} {}", remedies.join(" or "))
            };
            leaf(
                EntryKind::Symbol(SymbolKind::Rule),
                &r.name.node,
                detail,
                r.span,
                r.name.span,
            )
        })
        .collect();
    Entry {
        kind: EntryKind::RulesBlock,
        name: format!("rules for {}", b.kind.node),
        detail: scope.into(),
        span: b.span,
        name_span: b.kind.span,
        children: rules,
    }
}

/// Entries of an outline and all their children, depth first, that match a
/// workspace-symbol query: every character of the query in order, case ignored.
pub fn matching<'e>(root: &'e Entry, query: &str) -> Vec<&'e Entry> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        let name = e.name.to_lowercase();
        let mut chars = name.chars();
        if query.chars().all(|q| chars.any(|c| c == q)) {
            out.push(e);
        }
        stack.extend(e.children.iter().rev());
    }
    out
}
