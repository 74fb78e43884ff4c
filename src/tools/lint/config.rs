//! Which lints run at which level: `clause.toml` for a repository, comments for
//! a policy file or one of its rules, `--deny warnings` for CI.
//!
//! ```toml
//! # clause.toml
//! [lints]
//! overlapping-outcomes = "allow"
//! missing-source-text = "deny"
//! ```
//!
//! In a policy, a comment `# clause: allow(negative-refund)` (or `warn(...)`,
//! `deny(...)`, several names separated by commas) above the `policy` line sets
//! the level for the whole file; above a rule or declaration it sets it for that
//! one only. The nearest setting wins: the rule's, the file's, clause.toml's, the
//! lint's default.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Lint;
use crate::ast::{Decl, PolicyFile};
use crate::language::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::language::source::Span;

/// A lint's level, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Not reported.
    Allow,
    /// Reported as a note.
    Info,
    /// Reported as a warning.
    Warn,
    /// Reported as an error.
    Deny,
}

impl Setting {
    fn parse(word: &str) -> Option<Setting> {
        match word {
            "allow" => Some(Setting::Allow),
            "info" => Some(Setting::Info),
            "warn" => Some(Setting::Warn),
            "deny" => Some(Setting::Deny),
            _ => None,
        }
    }
}

/// The repository's settings, and the command line's.
#[derive(Debug, Clone, Default)]
pub struct LintConfig {
    /// Each lint set in the file or on the command line, with its setting.
    pub settings: HashMap<Lint, Setting>,
    /// `--deny warnings`: every warning is an error.
    pub deny_warnings: bool,
    /// The file the settings came from, if any.
    pub path: Option<PathBuf>,
}

/// The name of the repository's configuration file.
pub const CONFIG_FILE: &str = "clause.toml";

impl LintConfig {
    /// Reads `clause.toml`'s text; an error names the key that is wrong.
    pub fn from_toml(text: &str) -> Result<LintConfig, String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let mut config = LintConfig::default();
        for (key, value) in &table {
            if key != "lints" {
                return Err(format!(
                    "unknown section `{key}` (clause.toml has only `[lints]`)"
                ));
            }
            let Some(lints) = value.as_table() else {
                return Err("`lints` must be a table: `[lints]`".into());
            };
            for (name, level) in lints {
                let Some(lint) = Lint::from_name(name) else {
                    let names = Lint::ALL.iter().map(|l| l.name());
                    return Err(match did_you_mean(name, names) {
                        Some(m) => format!("unknown lint `{name}` in [lints]; did you mean `{m}`?"),
                        None => format!("unknown lint `{name}` in [lints]"),
                    });
                };
                let setting = level.as_str().and_then(Setting::parse).ok_or_else(|| {
                    format!("lints.{name} must be \"allow\", \"info\", \"warn\" or \"deny\"")
                })?;
                config.settings.insert(lint, setting);
            }
        }
        Ok(config)
    }

    /// Reads a `clause.toml` file; an error names the file.
    pub fn read(path: &Path) -> Result<LintConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut c = LintConfig::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        c.path = Some(path.to_path_buf());
        Ok(c)
    }

    /// The nearest `clause.toml` at or above `start` (a file or a directory).
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = if start.is_dir() {
            start.to_path_buf()
        } else {
            start.parent()?.to_path_buf()
        };
        // `x.policy` has the parent "": the current directory.
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let start = std::fs::canonicalize(&start).unwrap_or(start);
        start
            .ancestors()
            .map(|d| d.join(CONFIG_FILE))
            .find(|p| p.is_file())
    }

    /// A lint's setting: the configured one, or its default.
    pub fn setting(&self, lint: Lint) -> Setting {
        self.settings
            .get(&lint)
            .copied()
            .unwrap_or_else(|| lint.default_setting())
    }
}

/// Settings written in one policy file's comments.
#[derive(Debug, Default)]
pub struct Local {
    file: HashMap<Lint, Setting>,
    /// Settings for one rule or declaration: the span they cover.
    scoped: Vec<(Span, Lint, Setting)>,
    /// Unknown names in those comments.
    pub problems: Vec<Diagnostic>,
}

impl Local {
    pub fn read(text: &str, file: &PolicyFile) -> Local {
        let items = item_spans(file);
        let policy_start = text
            .get(..file.name.span.start)
            .and_then(|t| t.rfind("policy"))
            .unwrap_or(0);
        let mut local = Local::default();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let trimmed = crate::language::source::trim_line_start(line);
            let Some(comment) = trimmed.strip_prefix('#') else {
                continue;
            };
            let Some(directive) = comment.trim().strip_prefix("clause:") else {
                continue;
            };
            // The page comments (`page`, `not-policy`, `covered`) are read by
            // `tools::map`, not here.
            if crate::tools::map::is_page_directive(directive) {
                continue;
            }
            let at = start + (line.len() - trimmed.len());
            let span = Span::new(at, start + line.trim_end().len());
            for (lint, setting) in local.directives(directive, span) {
                if at < policy_start {
                    local.file.insert(lint, setting);
                } else if let Some(item) = items.iter().find(|s| s.start >= offset) {
                    local.scoped.push((*item, lint, setting));
                }
            }
        }
        local
    }

    /// `allow(a, b) deny(c)`: the settings, reporting names that are not lints.
    fn directives(&mut self, text: &str, span: Span) -> Vec<(Lint, Setting)> {
        let mut out = Vec::new();
        let mut rest = text.trim();
        while !rest.is_empty() {
            let Some(open) = rest.find('(') else { break };
            let Some(close) = rest.find(')') else { break };
            let word = rest.get(..open).unwrap_or("").trim();
            let names = rest.get(open + 1..close).unwrap_or("");
            let Some(setting) = Setting::parse(word) else {
                self.problems.push(
                    Diagnostic::new(
                        Code::Lint(Lint::UnknownLint),
                        format!("`{word}` is not a lint level"),
                        span,
                        "in this comment",
                    )
                    .with_help(
                        "write `# clause: allow(NAME)`, `warn(NAME)`, `deny(NAME)` or `info(NAME)`",
                    ),
                );
                break;
            };
            for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                match Lint::from_name(name) {
                    Some(l) => out.push((l, setting)),
                    None => {
                        let mut d = Diagnostic::new(
                            Code::Lint(Lint::UnknownLint),
                            format!("there is no lint named `{name}`"),
                            span,
                            "in this comment",
                        );
                        if let Some(m) = did_you_mean(name, Lint::ALL.iter().map(|l| l.name())) {
                            d = d.with_help(format!("did you mean `{m}`?"));
                        }
                        self.problems.push(d);
                    }
                }
            }
            rest = rest.get(close + 1..).unwrap_or("").trim_start();
        }
        out
    }

    /// The setting for a finding of `lint` at `span`.
    pub fn setting(&self, lint: Lint, span: Span, config: &LintConfig) -> Setting {
        self.scoped
            .iter()
            .rev()
            .find(|(s, l, _)| {
                *l == lint && s.start <= span.start && span.start < s.end.max(s.start + 1)
            })
            .map(|(_, _, setting)| *setting)
            .or_else(|| self.file.get(&lint).copied())
            .unwrap_or_else(|| config.setting(lint))
    }
}

/// Where each rule and declaration is, in source order: a comment setting covers
/// the first of these after it.
fn item_spans(file: &PolicyFile) -> Vec<Span> {
    let mut out = Vec::new();
    for d in &file.decls {
        match d {
            Decl::Rules(b) => {
                out.extend(b.rules.iter().map(|r| r.span));
                out.extend(b.otherwise.iter().map(|r| r.span));
            }
            Decl::Window(w) => out.push(w.span),
            Decl::Threshold(t) => out.push(Span::new(t.name.span.start, t.expr.span.end)),
            Decl::Table(t) => {
                let end = t
                    .default
                    .iter()
                    .chain(t.rows.iter().map(|r| &r.value))
                    .map(|e| e.span.end)
                    .max()
                    .unwrap_or(t.key.span.end);
                out.push(Span::new(t.name.span.start, end));
            }
            Decl::Fact(f) => {
                let end = f.codes.last().unwrap_or(&f.ty).span.end;
                out.push(Span::new(f.name.span.start, end));
            }
            Decl::Fees(names) | Decl::Jurisdictions(names) => {
                if let (Some(first), Some(last)) = (names.first(), names.last()) {
                    out.push(Span::new(first.span.start, last.span.end));
                }
            }
            Decl::Currency(n) | Decl::Timezone(n) => out.push(n.span),
            Decl::Calendar(c) => out.push(c.span),
            Decl::Effective(d) => out.push(d.span),
        }
    }
    out.sort_by_key(|s| s.start);
    out
}
