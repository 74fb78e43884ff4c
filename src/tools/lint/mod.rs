//! Lints: mistakes in a policy that checks, found before a claim finds them.
//!
//! Each lint has a stable kebab-case name, a default level, and a page in
//! docs/lints/. The analysis behind the rule lints (which rules can decide which
//! claims) is in [`logic`]; docs/analysis.md explains it. Findings that claim
//! something exists (a claim no rule decides, two rules that both match) come with
//! an example claim the real evaluator has confirmed; findings that claim
//! something cannot happen (a rule that never decides) come from the search
//! proving it, never from failing to find a counterexample.

mod calendar;
mod checks;
pub mod config;
pub mod logic;
pub mod witness;

use crate::ast::PolicyFile;
use crate::language::check::ir::Policy;
pub use crate::language::diagnostic::Lint;
use crate::language::diagnostic::{Diagnostic, Level};
pub use config::{LintConfig, Setting};

// The lints are named in the core (`language::diagnostic::Lint`) so that a
// diagnostic can carry one; their levels are configuration, which is the analysis's.
impl Lint {
    /// The level a lint has unless configured otherwise.
    pub fn default_setting(self) -> Setting {
        match self {
            Lint::OverlappingOutcomes | Lint::AnalysisLimit => Setting::Info,
            Lint::QuoteNotOnPage => Setting::Deny,
            _ => Setting::Warn,
        }
    }
}

/// Parses, checks and lints a policy: the lint findings, or the errors that
/// stop the policy from checking.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn lint_source(
    source: &crate::Source,
    config: &LintConfig,
) -> Result<Vec<Diagnostic>, crate::Diagnostics> {
    let ast = crate::parse(source)?;
    let policy = crate::language::check::check(&ast, source)?;
    Ok(lint(&ast, &policy, config))
}

/// Lints a checked policy: every finding at its configured level, without the
/// allowed ones, in source order.
pub fn lint(file: &PolicyFile, policy: &Policy, config: &LintConfig) -> Vec<Diagnostic> {
    settle(checks::run(file, policy), file, policy, config, true)
}

/// The page lints (`quote-not-on-page`, `page-sentence-unaccounted`) of a
/// policy against its merchant's page, at their configured levels.
pub fn lint_page(
    file: &PolicyFile,
    policy: &Policy,
    config: &LintConfig,
    page: &str,
) -> Vec<Diagnostic> {
    let map = crate::tools::map::map(file, &policy.source, page);
    settle(
        crate::tools::map::findings(&map, &policy.source),
        file,
        policy,
        config,
        false,
    )
}

/// Findings at their configured levels, without the allowed ones, in source
/// order; `with_local` adds the problems of the file's own `clause:` comments.
fn settle(
    mut found: Vec<Diagnostic>,
    file: &PolicyFile,
    policy: &Policy,
    config: &LintConfig,
    with_local: bool,
) -> Vec<Diagnostic> {
    let source = &policy.source;
    let local = config::Local::read(&source.text, file);
    if with_local {
        found.extend(local.problems.iter().cloned());
    }
    let mut out = Vec::new();
    for d in found {
        let crate::language::diagnostic::Code::Lint(lint) = d.code else {
            continue;
        };
        let setting = local.setting(lint, d.span(), config);
        let level = match setting {
            Setting::Allow => continue,
            Setting::Info => Level::Info,
            Setting::Warn if config.deny_warnings => Level::Error,
            Setting::Warn => Level::Warning,
            Setting::Deny => Level::Error,
        };
        // One currency-without-rate finding per currency is enough.
        if lint == Lint::CurrencyWithoutRate
            && out.iter().any(|o: &Diagnostic| o.message == d.message)
        {
            continue;
        }
        out.push(d.with_level(level));
    }
    out.sort_by_key(|d| (d.span().start, d.code));
    out
}
