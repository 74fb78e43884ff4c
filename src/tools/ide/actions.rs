//! Quick fixes for the diagnostics of an analysis:
//!
//! - a "did you mean `x`?" in a diagnostic's help replaces the misspelt word;
//! - a fact a claim may leave out, read as a condition without saying what
//!   absence means, gets the `else` its help proposes (and the opposite default);
//! - a lint finding is allowed by a `# clause: allow(NAME)` comment above the
//!   rule or declaration it is in (the scope a comment has, see
//!   the lint configuration), or above the `policy` line for the whole file,
//!   ended as the file's lines are (CRLF when its first line ends so).

use super::outline::{outline, Entry, EntryKind};
use super::Analysis;
use crate::language::diagnostic::{Code, Diagnostic};
use crate::language::source::Span;

/// One fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// What the fix does, for a menu.
    pub title: String,
    /// The replacements it makes.
    pub edits: Vec<(Span, String)>,
    /// The diagnostic it fixes: an index into [`Analysis::diagnostics`].
    pub diagnostic: usize,
    /// Whether it is the fix an editor may apply without asking (a sure correction).
    pub preferred: bool,
}

/// The backticked words of a text, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

impl Analysis {
    /// The fixes for the diagnostics whose first span meets `range`.
    pub fn actions(&self, range: Span) -> Vec<Action> {
        let mut out = Vec::new();
        for (i, d) in self.diagnostics.iter().enumerate() {
            let span = d.span();
            if span.start > range.end || range.start > span.end {
                continue;
            }
            if let Some(a) = self.did_you_mean(i, d) {
                out.push(a);
            }
            if d.code == Code::OptionalNotHandled {
                out.extend(self.add_else(i, d));
            }
            if let Code::Lint(lint) = d.code {
                if let Some(a) = self.allow(i, d, lint.name()) {
                    out.push(a);
                }
            }
        }
        out
    }

    fn did_you_mean(&self, i: usize, d: &Diagnostic) -> Option<Action> {
        let help = d.help.as_deref()?;
        let at = help.find("did you mean `")?;
        let suggestion = backticked(help.get(at..)?).into_iter().next()?;
        let span = d.span();
        let text = self.slice(span);
        let edit = if !text.is_empty() && !text.contains(char::is_whitespace) {
            (span, suggestion.to_string())
        } else {
            // A longer span (a comment): replace the one word the message names.
            let wrong = backticked(&d.message)
                .into_iter()
                .find(|w| !w.is_empty() && text.matches(w).count() == 1)?;
            let start = span.start + text.find(wrong)?;
            (
                Span::new(start, start + wrong.len()),
                suggestion.to_string(),
            )
        };
        let old = self.slice(edit.0).to_string();
        (old != edit.1).then(|| Action {
            title: format!("Replace `{old}` with `{suggestion}`"),
            edits: vec![edit],
            diagnostic: i,
            preferred: true,
        })
    }

    fn add_else(&self, i: usize, d: &Diagnostic) -> Vec<Action> {
        let span = d.span();
        let written = self.slice(span).to_string();
        let Some(fix) = d.help.as_deref().and_then(|h| {
            backticked(h)
                .into_iter()
                .find(|b| {
                    b.contains(" else ") && !b.contains("...") && b.contains(written.as_str())
                })
                .map(str::to_string)
        }) else {
            return Vec::new();
        };
        let mut fixes = vec![fix.clone()];
        if let Some(stem) = fix.strip_suffix(" else false)") {
            fixes.push(format!("{stem} else true)"));
        }
        fixes
            .into_iter()
            .enumerate()
            .map(|(n, f)| Action {
                title: format!("Say what a missing `{written}` means: `{f}`"),
                edits: vec![(span, f)],
                diagnostic: i,
                preferred: n == 0,
            })
            .collect()
    }

    fn allow(&self, i: usize, d: &Diagnostic, name: &str) -> Option<Action> {
        let file = self.ast.as_ref()?;
        let root = outline(file, self.text());
        let at = d.span().start;
        // The innermost rule or declaration holding the finding, or the whole file.
        let mut item: Option<&Entry> = None;
        let mut stack: Vec<&Entry> = root.children.iter().collect();
        while let Some(e) = stack.pop() {
            if e.span.start <= at && at < e.span.end.max(e.span.start + 1) {
                if e.kind != EntryKind::RulesBlock {
                    item = Some(e);
                }
                stack.extend(e.children.iter());
            }
        }
        let (start, scope) = match item {
            Some(e) => (self.keyword_start(e.span.start), format!("`{}`", e.name)),
            None => (root.span.start, "the whole file".to_string()),
        };
        let line_start = self
            .text()
            .get(..start)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |n| n + 1);
        let indent = self.text().get(line_start..start).unwrap_or("");
        let indent: String = indent.chars().take_while(|c| c.is_whitespace()).collect();
        Some(Action {
            title: format!("Allow `{name}` for {scope} with a comment"),
            edits: vec![(
                Span::new(line_start, line_start),
                format!(
                    "{indent}# clause: allow({name}){}",
                    crate::tools::fmt::line_ending(self.text())
                ),
            )],
            diagnostic: i,
            preferred: false,
        })
    }

    /// The start of the word that opens a declaration whose span starts at its name
    /// (`threshold` in `threshold x = ...`); a span that starts at its keyword stays.
    fn keyword_start(&self, start: usize) -> usize {
        let line_start = self
            .text()
            .get(..start)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |n| n + 1);
        let before = self.text().get(line_start..start).unwrap_or("");
        if before.trim().is_empty() {
            start
        } else {
            line_start + before.len() - before.trim_start().len()
        }
    }
}
