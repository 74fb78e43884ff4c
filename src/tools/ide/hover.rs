//! Hover texts, in Markdown: what the name under the cursor is and means.
//!
//! - a standard fact: its type, whether a claim may leave it out, its meaning;
//! - a declared fact: its declaration;
//! - a window: its definition, and with an example claim, its last day for it;
//! - a threshold or a table: its definition;
//! - a fee: who pays it in each rule that names it;
//! - a rule: its outcome and the policy's sentences it quotes.

use super::index::{Occurrence, SymbolKind};
use super::Analysis;
use crate::ast::{Decl, PolicyFile, Rule};
use crate::language::check::types::Ty;
use crate::language::check::vocab;
use crate::language::source::Span;

/// A hover text and the span it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// What to show, in Markdown.
    pub markdown: String,
    /// The name it is about.
    pub span: Span,
}

impl Analysis {
    /// The hover text for the name under `offset`.
    pub fn hover(&self, offset: usize) -> Option<Hover> {
        let o = self.index.at(offset)?;
        let file = self.ast.as_ref()?;
        let markdown = match o.kind {
            SymbolKind::StandardFact => standard_fact(&o.name)?,
            SymbolKind::Fact => self.declared_fact(file, o)?,
            SymbolKind::Window => self.window(file, o)?,
            SymbolKind::Threshold | SymbolKind::Table => {
                let def = self.index.definition(o.kind, &o.name)?;
                let span = self.declaration_span(file, def.span)?;
                format!("```clause\n{}\n```", self.slice(span).trim_end())
            }
            SymbolKind::Fee => self.fee(file, &o.name),
            SymbolKind::Rule => rule(file, &o.name)?,
        };
        Some(Hover {
            markdown,
            span: o.span,
        })
    }

    /// The span of the whole declaration whose name is at `name`.
    fn declaration_span(&self, file: &PolicyFile, name: Span) -> Option<Span> {
        file.decls.iter().find_map(|d| match d {
            Decl::Window(w) if w.name.span == name => Some(Span::new(
                self.keyword_before(w.name.span.start),
                w.span.end,
            )),
            Decl::Threshold(t) if t.name.span == name => Some(Span::new(
                self.keyword_before(t.name.span.start),
                t.expr.span.end,
            )),
            Decl::Table(t) if t.name.span == name => {
                // A table ends at its closing brace.
                let after = self.text().get(t.key.span.end..)?;
                let close = after.find('}')?;
                Some(Span::new(
                    self.keyword_before(t.name.span.start),
                    t.key.span.end + close + 1,
                ))
            }
            Decl::Fact(f) if f.name.span == name => Some(Span::new(
                self.keyword_before(f.name.span.start),
                f.codes.last().unwrap_or(&f.ty).span.end + usize::from(!f.codes.is_empty()),
            )),
            _ => None,
        })
    }

    /// Where the keyword before a declared name starts (`window` in `window w = ...`).
    fn keyword_before(&self, name_start: usize) -> usize {
        let before = self.text().get(..name_start).unwrap_or("").trim_end();
        before
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |i| i + 1)
    }

    fn declared_fact(&self, file: &PolicyFile, o: &Occurrence) -> Option<String> {
        let def = self.index.definition(SymbolKind::Fact, &o.name)?;
        let span = self.declaration_span(file, def.span)?;
        let mut text = self.slice(span).to_string();
        // `fact f: code (a, b) optional`: the declaration ends after `optional`.
        let optional = file
            .decls
            .iter()
            .any(|d| matches!(d, Decl::Fact(f) if f.name.node == o.name && f.optional));
        if optional && !text.ends_with("optional") {
            text.push_str(" optional");
        }
        let presence = if optional {
            "A claim may leave it out: a rule that reads it says what absence means."
        } else {
            "Every claim must carry it, under `facts`."
        };
        Some(format!(
            "```clause\n{text}\n```\nRead as `facts.{}`. {presence}",
            o.name
        ))
    }

    fn window(&self, file: &PolicyFile, o: &Occurrence) -> Option<String> {
        let def = self.index.definition(SymbolKind::Window, &o.name)?;
        let span = self.declaration_span(file, def.span)?;
        let mut text = format!("```clause\n{}\n```", self.slice(span).trim_end());
        if let Some(line) = self.window_for_example(&o.name) {
            text.push_str("\n\n");
            text.push_str(&line);
        }
        Some(text)
    }

    /// The window's last day for the example claim, or why there is none.
    fn window_for_example(&self, name: &str) -> Option<String> {
        let example = self.example.as_ref()?;
        let policy = self.policy.as_ref()?;
        let w = policy.windows.iter().position(|w| &*w.name == name)?;
        let claim = match crate::language::eval::facts::decode_value(&example.claim, policy) {
            Ok(c) => c,
            Err(e) => {
                let first =
                    e.0.first()
                        .map_or_else(String::new, |e| format!(": `{}` {}", e.path, e.message));
                return Some(format!(
                    "For {}: the claim does not decode{first}",
                    example.label
                ));
            }
        };
        Some(match crate::language::eval::window_end(policy, &claim, w) {
            Ok(Some(ends)) => format!("For {}: the last day is **{ends}**.", example.label),
            Ok(None) => format!(
                "For {}: the window has no start (the event it counts from is not set).",
                example.label
            ),
            Err(e) => format!("For {}: {}", example.label, e),
        })
    }

    /// Who pays a fee in each rule that names it.
    fn fee(&self, file: &PolicyFile, name: &str) -> String {
        let origin = if vocab::STANDARD_FEES.contains(&name) {
            "a standard fee"
        } else {
            "declared with `fees`"
        };
        let mut lines = vec![format!("**fee `{name}`** ({origin})")];
        for b in file.rule_blocks() {
            for r in b.rules.iter().chain(&b.otherwise) {
                for f in r.fees.iter().filter(|f| f.fee.node == name) {
                    let mut line = format!("- `{}`: paid by {}", r.name.node, f.payer.node);
                    if let Some(w) = &f.when {
                        line.push_str(&format!(" when `{}`", squash(self.slice(w.span))));
                        if let Some(o) = &f.otherwise {
                            line.push_str(&format!(", otherwise by {}", o.node));
                        }
                    }
                    if let Some(a) = &f.amount {
                        line.push_str(&format!(", amount `{}`", squash(self.slice(a.span))));
                    }
                    lines.push(line);
                }
                for d in r.deductions.iter().filter(|d| d.fee.node == name) {
                    lines.push(format!(
                        "- `{}`: deducted from the refund, `{}`",
                        r.name.node,
                        squash(self.slice(d.amount.span))
                    ));
                }
            }
        }
        if lines.len() == 1 {
            lines.push("No rule names it.".into());
        }
        lines.join("\n")
    }
}

/// Text on one line, its runs of spaces made one.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a type is, in a merchant's words, with the codes of a closed list.
fn type_text(ty: &Ty) -> String {
    match ty {
        Ty::Code(d) | Ty::Codes(d) => {
            let what = if matches!(ty, Ty::Code(_)) {
                "a code"
            } else {
                "a list of codes"
            };
            match (d.codes(), d) {
                (Some(codes), _) => format!("{what}: {}", codes.join(", ")),
                (None, crate::language::check::types::CodeDomain::Country) => {
                    format!("{what} (ISO 3166-1 alpha-2 country)")
                }
                (None, _) => format!("{what} (free words)"),
            }
        }
        other => other.to_string(),
    }
}

fn standard_fact(path: &str) -> Option<String> {
    let info = vocab::lookup(path)?;
    let presence = if info.optional {
        "optional: a claim may leave it out, and a rule that reads it says what absence means (`is set`, `is missing`, `else`)"
    } else {
        "required: every claim carries it"
    };
    let item = if info.fact.is_item_fact() {
        "\n\nOne item's fact: read in `each item` rules."
    } else {
        ""
    };
    Some(format!(
        "**`{path}`**: {}\n\n{}\n\n{presence}{item}",
        type_text(&info.ty),
        vocab::meaning(info.fact)
    ))
}

fn rule(file: &PolicyFile, name: &str) -> Option<String> {
    let r: &Rule = file
        .rule_blocks()
        .into_iter()
        .flat_map(|b| b.rules.iter().chain(&b.otherwise))
        .find(|r| r.name.node == name)?;
    let decision = match r.decision.node {
        crate::ast::Decision::Approve => "approve",
        crate::ast::Decision::Deny => "deny",
        crate::ast::Decision::Review => "review",
    };
    let remedies: Vec<&str> = r.remedies.iter().map(|n| n.node.as_str()).collect();
    let outcome = if remedies.is_empty() {
        decision.to_string()
    } else {
        format!("{decision} {}", remedies.join(" or "))
    };
    Some(format!(
        "**rule `{name}`**: {outcome}\n\n> {}",
        r.quote.node
    ))
}
