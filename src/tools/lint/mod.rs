//! Lints: mistakes in a policy that checks, found before a claim finds them.
//!
//! Each lint has a stable kebab-case name, a default level, and a page in
//! docs/lints/. The analysis behind the rule lints (which rules can decide which
//! claims) is in [`logic`]; docs/analysis.md explains it. Findings that claim
//! something exists (a claim no rule decides, two rules that both match) come with
//! an example claim the real evaluator has confirmed; findings that claim
//! something cannot happen (a rule that never decides) come from the search
//! proving it, never from failing to find a counterexample.

mod checks;
pub mod config;
pub mod logic;
pub mod witness;

use crate::ast::PolicyFile;
use crate::language::check::ir::Policy;
use crate::language::diagnostic::{Diagnostic, Level};
pub use config::{LintConfig, Setting};

/// A lint, by its stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lint {
    UnreachableRule,
    OverlappingOutcomes,
    UndecidedClaims,
    ImpossibleCondition,
    EmptyWindow,
    NegativeRefund,
    UnassignedFee,
    CurrencyWithoutRate,
    UnusedDefinition,
    MissingSourceText,
    StaleQuote,
    QuoteNotOnPage,
    PageSentenceUnaccounted,
    LegalFloor,
    AnalysisLimit,
    UnknownLint,
}

impl Lint {
    pub const ALL: &'static [Lint] = &[
        Lint::UnreachableRule,
        Lint::OverlappingOutcomes,
        Lint::UndecidedClaims,
        Lint::ImpossibleCondition,
        Lint::EmptyWindow,
        Lint::NegativeRefund,
        Lint::UnassignedFee,
        Lint::CurrencyWithoutRate,
        Lint::UnusedDefinition,
        Lint::MissingSourceText,
        Lint::StaleQuote,
        Lint::QuoteNotOnPage,
        Lint::PageSentenceUnaccounted,
        Lint::LegalFloor,
        Lint::AnalysisLimit,
        Lint::UnknownLint,
    ];

    /// The stable name, as written in `clause.toml` and suppression comments.
    pub fn name(self) -> &'static str {
        match self {
            Lint::UnreachableRule => "unreachable-rule",
            Lint::OverlappingOutcomes => "overlapping-outcomes",
            Lint::UndecidedClaims => "undecided-claims",
            Lint::ImpossibleCondition => "impossible-condition",
            Lint::EmptyWindow => "empty-window",
            Lint::NegativeRefund => "negative-refund",
            Lint::UnassignedFee => "unassigned-fee",
            Lint::CurrencyWithoutRate => "currency-without-rate",
            Lint::UnusedDefinition => "unused-definition",
            Lint::MissingSourceText => "missing-source-text",
            Lint::StaleQuote => "stale-quote",
            Lint::QuoteNotOnPage => "quote-not-on-page",
            Lint::PageSentenceUnaccounted => "page-sentence-unaccounted",
            Lint::LegalFloor => "legal-floor",
            Lint::AnalysisLimit => "analysis-limit",
            Lint::UnknownLint => "unknown-lint",
        }
    }

    /// The diagnostic code: `clause::` and the name.
    pub fn code(self) -> &'static str {
        match self {
            Lint::UnreachableRule => "clause::unreachable-rule",
            Lint::OverlappingOutcomes => "clause::overlapping-outcomes",
            Lint::UndecidedClaims => "clause::undecided-claims",
            Lint::ImpossibleCondition => "clause::impossible-condition",
            Lint::EmptyWindow => "clause::empty-window",
            Lint::NegativeRefund => "clause::negative-refund",
            Lint::UnassignedFee => "clause::unassigned-fee",
            Lint::CurrencyWithoutRate => "clause::currency-without-rate",
            Lint::UnusedDefinition => "clause::unused-definition",
            Lint::MissingSourceText => "clause::missing-source-text",
            Lint::StaleQuote => "clause::stale-quote",
            Lint::QuoteNotOnPage => "clause::quote-not-on-page",
            Lint::PageSentenceUnaccounted => "clause::page-sentence-unaccounted",
            Lint::LegalFloor => "clause::legal-floor",
            Lint::AnalysisLimit => "clause::analysis-limit",
            Lint::UnknownLint => "clause::unknown-lint",
        }
    }

    pub fn from_name(name: &str) -> Option<Lint> {
        Lint::ALL.iter().copied().find(|l| l.name() == name)
    }

    /// The level a lint has unless configured otherwise.
    pub fn default_setting(self) -> Setting {
        match self {
            Lint::OverlappingOutcomes | Lint::AnalysisLimit => Setting::Info,
            Lint::QuoteNotOnPage => Setting::Deny,
            _ => Setting::Warn,
        }
    }

    /// One line on what the lint finds.
    pub fn summary(self) -> &'static str {
        match self {
            Lint::UnreachableRule => "A rule that can never decide: rules above it take every claim it matches",
            Lint::OverlappingOutcomes => {
                "Two rules with different outcomes that both match a claim: only their order decides"
            }
            Lint::UndecidedClaims => "Claims that no rule decides and no `otherwise` catches",
            Lint::ImpossibleCondition => "A rule whose conditions no claim can meet",
            Lint::EmptyWindow => "A window, or a pair of windows a rule needs at once, that holds no day",
            Lint::NegativeRefund => "Deductions that can be larger than the refund they come from",
            Lint::UnassignedFee => "An approval that leaves a fee with no one to pay it",
            Lint::CurrencyWithoutRate => {
                "Money in a currency other than the policy's: claims must carry an exchange rate"
            }
            Lint::UnusedDefinition => "A window, threshold, table, fact or fee that nothing uses",
            Lint::MissingSourceText => "A rule without the words of the policy page it encodes",
            Lint::StaleQuote => {
                "A rule whose quoted words give a period its windows no longer have (\"30 days\" over a 45-day window)"
            }
            Lint::QuoteNotOnPage => {
                "Words the policy quotes that are no longer on the merchant's page"
            }
            Lint::PageSentenceUnaccounted => {
                "A sentence of the merchant's page that no rule quotes and no comment sets aside"
            }
            Lint::LegalFloor => "A denial below a consumer-law minimum of a declared jurisdiction",
            Lint::AnalysisLimit => "A question the analysis could not answer within its budget",
            Lint::UnknownLint => "A lint name in clause.toml or a comment that does not exist",
        }
    }
}

/// Parses, checks and lints a policy: the lint findings, or the errors that
/// stop the policy from checking.
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
