//! An explanation and its three forms: plain text, Markdown and JSON.

use super::phrases::{join_and, md};
use crate::language::eval::verdict::Decision;
use serde::Serialize;

/// The explanation, in parts, before it is written in a format.
pub(super) struct Explanation {
    pub(super) decision: Decision,
    pub(super) heading: String,
    pub(super) summary: String,
    /// Item by item, when items were decided differently.
    pub(super) items: Option<String>,
    /// The merchant's words, one sentence per `because`.
    pub(super) words: Vec<String>,
    /// The dates worked out, one sentence per deadline.
    pub(super) dates: Vec<String>,
    /// Fees and deductions.
    pub(super) money: Vec<String>,
    /// What to send, each in words.
    pub(super) missing: Vec<String>,
    pub(super) what_would_change: Option<String>,
}

#[derive(Serialize)]
pub(super) struct JsonOut<'a> {
    decision: Decision,
    summary: &'a str,
    sentences: Vec<String>,
    what_would_change: Option<&'a str>,
}

impl Explanation {
    fn missing_sentence(&self) -> Option<String> {
        if self.missing.is_empty() {
            None
        } else {
            Some(format!(
                "To go on, we need from you: {}.",
                join_and(&self.missing)
            ))
        }
    }

    /// Every sentence after the summary, in order (without `what_would_change`).
    fn sentences(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.items.iter().cloned());
        out.extend(self.words.iter().cloned());
        out.extend(self.dates.iter().cloned());
        out.extend(self.money.iter().cloned());
        out.extend(self.missing_sentence());
        out
    }

    pub(super) fn text(&self) -> String {
        let mut paragraphs = vec![self.summary.clone()];
        paragraphs.extend(self.items.iter().cloned());
        if !self.words.is_empty() {
            paragraphs.push(self.words.join("\n"));
        }
        if !self.dates.is_empty() {
            paragraphs.push(self.dates.join("\n"));
        }
        if !self.money.is_empty() {
            paragraphs.push(self.money.join(" "));
        }
        if !self.missing.is_empty() {
            let mut p = String::from("To go on, we need from you:");
            for m in &self.missing {
                p.push_str("\n- ");
                p.push_str(m);
            }
            paragraphs.push(p);
        }
        if let Some(w) = &self.what_would_change {
            paragraphs.push(format!("What would have changed it:\n{w}"));
        }
        let mut s = paragraphs.join("\n\n");
        s.push('\n');
        s
    }

    pub(super) fn markdown(&self) -> String {
        let mut blocks = vec![
            format!("## {}", md(&self.heading)),
            format!("**{}**", md(&self.summary)),
        ];
        blocks.extend(self.items.iter().map(|s| md(s)));
        for w in &self.words {
            // "Our policy says: “...”" becomes a lead-in and a block quote.
            match w.split_once(": “") {
                Some((lead, quote)) => blocks.push(format!("{}:\n\n> “{}", md(lead), md(quote))),
                None => blocks.push(md(w)),
            }
        }
        if !self.dates.is_empty() {
            blocks.push(
                self.dates
                    .iter()
                    .map(|d| format!("- {}", md(d)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        if !self.money.is_empty() {
            blocks.push(
                self.money
                    .iter()
                    .map(|m| md(m))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        if !self.missing.is_empty() {
            blocks.push("### What we need from you".to_string());
            blocks.push(
                self.missing
                    .iter()
                    .map(|m| format!("- {}", md(m)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        if let Some(w) = &self.what_would_change {
            blocks.push("### What would have changed it".to_string());
            blocks.push(md(w));
        }
        let mut s = blocks.join("\n\n");
        s.push('\n');
        s
    }

    pub(super) fn json(&self) -> String {
        let out = JsonOut {
            decision: self.decision,
            summary: &self.summary,
            sentences: self.sentences(),
            what_would_change: self.what_would_change.as_deref(),
        };
        let mut s = serde_json::to_string_pretty(&out).unwrap_or_else(|_| String::from("{}"));
        s.push('\n');
        s
    }
}
