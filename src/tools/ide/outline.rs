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

/// The outline of a text that does not parse, read off the forgiving scan
/// ([`super::lex::tokens`]): the `policy` and, inside it, each `window`,
/// `threshold`, `table` and `fact` by its name, and each `rules for` block with
/// its `rule` and `otherwise` entries, found by their keywords and the braces.
/// An editor keeps its outline and breadcrumbs while a line is half typed.
/// `None` when the text has no `policy NAME` to hang it on.
pub fn forgiving(tokens: &[super::lex::Token], text: &str) -> Option<Entry> {
    use super::lex::TokenKind;
    let word = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text(text))
    };
    let punct = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.kind == TokenKind::Punct)
            .map(|t| t.text(text))
    };
    let start = (0..tokens.len()).find(|&i| word(i) == Some("policy") && word(i + 1).is_some())?;
    let name_token = tokens.get(start + 1)?;
    let mut root = Entry {
        kind: EntryKind::Policy,
        name: name_token.text(text).to_string(),
        detail: String::new(),
        span: Span::new(tokens.get(start)?.span.start, text.len()),
        name_span: name_token.span,
        children: Vec::new(),
    };
    // Entries open at each depth: the last declaration (depth 1) and the last
    // rule of the block being read (depth 2) end where the next one starts.
    let mut depth = 0usize;
    let mut block: Option<Entry> = None;
    let last_end = |i: usize| tokens.get(i.saturating_sub(1)).map_or(0, |t| t.span.end);
    let mut i = start + 2;
    while i < tokens.len() {
        let Some(t) = tokens.get(i) else { break };
        match (punct(i), word(i)) {
            (Some("{"), _) => depth += 1,
            (Some("}"), _) => {
                if depth == 2 {
                    if let Some(mut b) = block.take() {
                        close_last(&mut b.children, last_end(i));
                        b.span = Span::new(b.span.start, t.span.end);
                        root.children.push(b);
                    }
                }
                if depth == 1 {
                    close_last(&mut root.children, last_end(i));
                    root.span = Span::new(root.span.start, t.span.end);
                }
                depth = depth.saturating_sub(1);
            }
            (_, Some(kw)) if depth == 1 => {
                let kind = match kw {
                    "window" => Some(SymbolKind::Window),
                    "threshold" => Some(SymbolKind::Threshold),
                    "table" => Some(SymbolKind::Table),
                    "fact" => Some(SymbolKind::Fact),
                    _ => None,
                };
                if let (Some(kind), Some(name)) = (kind, tokens.get(i + 1)) {
                    if name.kind == TokenKind::Word {
                        close_last(&mut root.children, last_end(i));
                        root.children.push(leaf(
                            EntryKind::Symbol(kind),
                            name.text(text),
                            kind.word().into(),
                            Span::new(t.span.start, name.span.end),
                            name.span,
                        ));
                        i += 2;
                        continue;
                    }
                }
                if kw == "rules" && word(i + 1) == Some("for") {
                    if let Some(kind) = tokens.get(i + 2).filter(|k| k.kind == TokenKind::Word) {
                        close_last(&mut root.children, last_end(i));
                        block = Some(Entry {
                            kind: EntryKind::RulesBlock,
                            name: format!("rules for {}", kind.text(text)),
                            detail: String::new(),
                            span: Span::new(t.span.start, text.len()),
                            name_span: kind.span,
                            children: Vec::new(),
                        });
                        i += 3;
                        continue;
                    }
                }
            }
            (_, Some("rule" | "otherwise")) if depth == 2 => {
                // `rule NAME ["label"] :`; `otherwise` is also a word of expressions.
                let labelled = tokens
                    .get(i + 2)
                    .is_some_and(|t| t.kind == TokenKind::String);
                let colon = punct(i + if labelled { 3 } else { 2 }) == Some(":");
                if let (Some(b), Some(name), true) = (block.as_mut(), tokens.get(i + 1), colon) {
                    if name.kind == TokenKind::Word {
                        close_last(&mut b.children, last_end(i));
                        b.children.push(leaf(
                            EntryKind::Symbol(SymbolKind::Rule),
                            name.text(text),
                            String::new(),
                            Span::new(t.span.start, name.span.end),
                            name.span,
                        ));
                        i += 2;
                        continue;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    // A block still open at the end of the text (its brace not typed yet).
    if let Some(mut b) = block {
        close_last(&mut b.children, text.len());
        root.children.push(b);
    }
    close_last(&mut root.children, text.len());
    Some(root)
}

/// Stretches the last entry of `entries` to end at `end` (when that is later).
fn close_last(entries: &mut [Entry], end: usize) {
    if let Some(last) = entries.last_mut() {
        if end > last.span.end && last.kind != EntryKind::RulesBlock {
            last.span = Span::new(last.span.start, end);
        }
    }
}

#[cfg(test)]
#[allow(clippy::panic, clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn names(e: &Entry) -> Vec<&str> {
        e.children.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn a_half_typed_policy_still_has_its_outline() {
        let text = "policy p \"P\" {\n  currency USD\n  window w = 30 days from order.placed_at\n  threshold big = order.total >\n  rules for return {\n    rule a: approve refund\n      \"A.\"\n      when claim.filed_at within\n    otherwise no: deny \"No.\"\n  }\n";
        assert!(crate::parse(&crate::Source::new("p", text)).is_err());
        let tokens = crate::tools::ide::lex::tokens(text);
        let Some(root) = forgiving(&tokens, text) else {
            panic!("no outline")
        };
        assert_eq!(root.name, "p");
        assert_eq!(names(&root), ["w", "big", "rules for return"]);
        let block = root.children.last().unwrap();
        assert_eq!(names(block), ["a", "no"]);
        // Each entry covers its text up to the next one.
        let w = &root.children[0];
        assert!(text[w.span.start..w.span.end].ends_with("order.placed_at"));
        let a = &block.children[0];
        assert!(text[a.span.start..a.span.end].contains("within"));
        for e in root.children.iter().chain(&block.children) {
            assert!(e.span.start <= e.name_span.start && e.name_span.end <= e.span.end);
            assert!(root.span.start <= e.span.start && e.span.end <= root.span.end);
        }
    }

    #[test]
    fn no_policy_no_outline() {
        let text = "window w = 3 days";
        assert!(forgiving(&crate::tools::ide::lex::tokens(text), text).is_none());
    }
}
