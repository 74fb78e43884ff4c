//! Diagnostics as data: what the server, the language server and the Python
//! package hand on, and what [`check_text`] returns.

use serde::Serialize;

use super::policy::Policy;
use crate::language::diagnostic::{Code, Diagnostic, Level};
use crate::tools::lint::LintConfig;
use crate::{Diagnostics, Source};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Likely a mistake; fails a run with `--deny warnings`.
    Warning,
    /// The policy does not check, or a lint set to deny found something.
    Error,
}

/// A place in the policy text a finding points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// What this place has to do with the finding.
    pub message: String,
    /// Byte offset where the place starts.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, counting characters.
    pub column: usize,
    /// 1-based line of `end`.
    pub end_line: usize,
    /// 1-based column of `end`, counting characters.
    pub end_column: usize,
}

/// One finding about a policy text: a checker error or a lint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The stable code, such as `clause::unknown-name` or `clause::unreachable-rule`.
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in the merchant's words.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
    /// The lint's documentation page (lints only).
    pub url: Option<String>,
    /// The primary place first, then the other places involved.
    pub labels: Vec<Label>,
    /// A claim that shows the finding, in the contract's JSON (some lints).
    pub example: Option<serde_json::Value>,
}

/// Where each lint's page is published: the repository's docs/lints folder.
const LINT_DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/lints/");

impl Finding {
    /// Converts one diagnostic of `source`.
    pub(crate) fn new(source: &Source, d: &Diagnostic) -> Finding {
        let labels = d
            .labels
            .iter()
            .map(|(span, message)| {
                let (line, column) = source.line_col(span.start);
                let (end_line, end_column) = source.line_col(span.end);
                Label {
                    message: message.clone(),
                    start: span.start,
                    end: span.end,
                    line,
                    column,
                    end_line,
                    end_column,
                }
            })
            .collect();
        let url = match d.code {
            Code::Lint(lint) => Some(format!("{LINT_DOCS}{}.md", lint.name())),
            _ => None,
        };
        Finding {
            code: d.code.as_str().to_string(),
            severity: match d.level {
                Level::Info => Severity::Info,
                Level::Warning => Severity::Warning,
                Level::Error => Severity::Error,
            },
            message: d.message.clone(),
            help: d.help.clone(),
            url,
            labels,
            example: d.example.as_deref().cloned(),
        }
    }

    /// Every diagnostic of a set, in source order.
    pub(crate) fn all(d: &Diagnostics) -> Vec<Finding> {
        d.items.iter().map(|i| Finding::new(&d.source, i)).collect()
    }
}

/// What [`check_text`] runs.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Lint settings (`clause.toml`); the defaults when `None`.
    pub lints: Option<LintConfig>,
    /// Check only: run no lint.
    pub no_lints: bool,
}

/// The outcome of checking a policy text.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Every finding, errors and lints, in source order.
    pub findings: Vec<Finding>,
    /// The policy, when it checks (lint findings do not stop it).
    pub policy: Option<Policy>,
}

impl CheckReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Checks and lints a policy text: every error of the file at once, or, when
/// it checks, the lints' findings.
///
/// ```
/// let text = "policy p \"P\" {\n  currency USD\n  timezone \"UTC\"\n  rules for return {\n    otherwise no: deny \"No returns.\"\n  }\n}\n";
/// let report = clause::check_text("p.policy", text, &clause::CheckOptions::default());
/// assert!(!report.has_errors());
/// assert!(report.policy.is_some());
///
/// let broken = text.replace("USD", "XYZ");
/// let report = clause::check_text("p.policy", &broken, &clause::CheckOptions::default());
/// assert_eq!(report.findings[0].code, "clause::unknown-currency");
/// assert_eq!(report.findings[0].labels[0].line, 2);
/// ```
pub fn check_text(name: &str, text: &str, options: &CheckOptions) -> CheckReport {
    match Policy::from_text(name, text) {
        Ok(policy) => {
            let findings = if options.no_lints {
                Vec::new()
            } else {
                let config = options.lints.clone().unwrap_or_default();
                policy.lint(&config)
            };
            CheckReport {
                findings,
                policy: Some(policy),
            }
        }
        Err(e) => CheckReport {
            findings: e.findings(),
            policy: None,
        },
    }
}
