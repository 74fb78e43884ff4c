//! Diagnostics: what is wrong with a policy file, where, and how to fix it.
//!
//! The data ([`Diagnostic`], [`Code`]) is separate from its rendering: the
//! library hands out data; [`Diagnostics::render`] and the CLI turn it into
//! text with miette, and `--format json` turns it into JSON.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity};

use crate::language::source::{Source, Span};

/// Stable diagnostic codes. The text of each (`clause::unknown-fact`) never changes
/// once released; docs/diagnostics.md has a page section for every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// The policy cannot be read: a word or sign is missing or out of place (`clause::syntax`).
    Syntax,
    /// A date that is not on the calendar (`clause::invalid-date`).
    InvalidDate,
    /// A number too large or too precise, or a percentage over 100 (`clause::invalid-number`).
    InvalidNumber,
    /// A fact the claim does not carry and no `fact` declaration gives (`clause::unknown-fact`).
    UnknownFact,
    /// A window, threshold or table that is not declared (above its use) (`clause::unknown-name`).
    UnknownName,
    /// A code not in the fact's list, or not a country code (`clause::unknown-code`).
    UnknownCode,
    /// A unit of weight Clause does not know (`clause::unknown-unit`).
    UnknownUnit,
    /// A currency that is not an ISO 4217 code (`clause::unknown-currency`).
    UnknownCurrency,
    /// A time zone not in the IANA database (`clause::unknown-timezone`).
    UnknownTimezone,
    /// A bundled holiday list that does not exist (`clause::unknown-calendar`).
    UnknownCalendar,
    /// A word that is not a day of the week (`clause::unknown-weekday`).
    UnknownWeekday,
    /// A fee that is neither standard nor declared with `fees` (`clause::unknown-fee`).
    UnknownFee,
    /// A fee payer other than customer or merchant (`clause::unknown-payer`).
    UnknownPayer,
    /// A remedy Clause does not know (`clause::unknown-remedy`).
    UnknownRemedy,
    /// A rules block for a kind of claim that does not exist (`clause::unknown-claim-kind`).
    UnknownClaimKind,
    /// A custom fact with an unknown type (`clause::unknown-type`).
    UnknownType,
    /// Something declared or given twice (`clause::duplicate`).
    Duplicate,
    /// Values of different kinds used together (`clause::type-mismatch`).
    TypeMismatch,
    /// Two fixed currencies used together without a conversion (`clause::currency-mismatch`).
    CurrencyMismatch,
    /// A `fee` line that says otherwise than the rule's `deduct` of the same fee (`clause::conflicting-fee`).
    ConflictingFee,
    /// A fact a claim may leave out, used without saying what absence means (`clause::optional-not-handled`).
    OptionalNotHandled,
    /// A window anchored on, or an event test of, something that is not an event (`clause::not-an-event`).
    NotAnEvent,
    /// An item fact read by rules that decide the whole order (`clause::item-outside-item-rules`).
    ItemOutsideItemRules,
    /// An approved refund with no refund amount (`clause::missing-refund-basis`).
    MissingRefundBasis,
    /// A remedy or refund that does not fit the rule's decision (`clause::remedy-mismatch`).
    RemedyMismatch,
    /// A required setting, or rules, missing from the policy (`clause::missing-setting`).
    MissingSetting,
    /// A window whose length, ends or options cannot work (`clause::invalid-window`).
    InvalidWindow,
    /// A calendar with no business days (`clause::invalid-calendar`).
    InvalidCalendar,
    /// A table that cannot be looked up or has no rows (`clause::invalid-table`).
    InvalidTable,
    /// A condition nested or chained past the limits (`clause::too-complex`).
    TooComplex,
    /// A finding of the analysis (`clause check` after the policy checks).
    Lint(Lint),
}

/// A lint, by its stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lint {
    /// A rule that can never decide: rules above it take every claim it matches (`clause::unreachable-rule`).
    UnreachableRule,
    /// Two rules with different outcomes that both match a claim: only their order decides (`clause::overlapping-outcomes`).
    OverlappingOutcomes,
    /// Claims that no rule decides and no `otherwise` catches (`clause::undecided-claims`).
    UndecidedClaims,
    /// A rule whose conditions no claim can meet (`clause::impossible-condition`).
    ImpossibleCondition,
    /// A window, or a pair of windows a rule needs at once, that holds no day (`clause::empty-window`).
    EmptyWindow,
    /// A date without a time of day tested against an hour window, with no rule for the day the window ends (`clause::unclear-day`).
    UnclearDay,
    /// Deductions that can be larger than the refund they come from (`clause::negative-refund`).
    NegativeRefund,
    /// An approval that leaves a fee with no one to pay it (`clause::unassigned-fee`).
    UnassignedFee,
    /// Money in a currency other than the policy's: claims must carry an exchange rate (`clause::currency-without-rate`).
    CurrencyWithoutRate,
    /// A window, threshold, table, fact or fee that nothing uses (`clause::unused-definition`).
    UnusedDefinition,
    /// A rule without the words of the policy page it encodes (`clause::missing-source-text`).
    MissingSourceText,
    /// A rule whose quoted words give a period its windows no longer have ("30 days" over a 45-day window) (`clause::stale-quote`).
    StaleQuote,
    /// Words the policy quotes that are no longer on the merchant's page (`clause::quote-not-on-page`).
    QuoteNotOnPage,
    /// A sentence of the merchant's page that no rule quotes and no comment sets aside (`clause::page-sentence-unaccounted`).
    PageSentenceUnaccounted,
    /// A denial below a consumer-law minimum of a declared jurisdiction (`clause::legal-floor`).
    LegalFloor,
    /// Holidays typed by hand for fewer years than the calendar needs: claims outside them are refused (`clause::calendar-coverage`).
    CalendarCoverage,
    /// A question the analysis could not answer within its budget (`clause::analysis-limit`).
    AnalysisLimit,
    /// A lint name in clause.toml or a comment that does not exist (`clause::unknown-lint`).
    UnknownLint,
}

impl Lint {
    /// Every lint.
    pub const ALL: &'static [Lint] = &[
        Lint::UnreachableRule,
        Lint::OverlappingOutcomes,
        Lint::UndecidedClaims,
        Lint::ImpossibleCondition,
        Lint::EmptyWindow,
        Lint::UnclearDay,
        Lint::NegativeRefund,
        Lint::UnassignedFee,
        Lint::CurrencyWithoutRate,
        Lint::UnusedDefinition,
        Lint::MissingSourceText,
        Lint::StaleQuote,
        Lint::QuoteNotOnPage,
        Lint::PageSentenceUnaccounted,
        Lint::LegalFloor,
        Lint::CalendarCoverage,
        Lint::AnalysisLimit,
        Lint::UnknownLint,
    ];

    /// The stable name, as written in `clause.toml` and suppression comments.
    /// The lint's stable name (`unreachable-rule`), as clause.toml and
    /// `# clause: allow(...)` comments write it.
    pub fn name(self) -> &'static str {
        match self {
            Lint::UnreachableRule => "unreachable-rule",
            Lint::OverlappingOutcomes => "overlapping-outcomes",
            Lint::UndecidedClaims => "undecided-claims",
            Lint::ImpossibleCondition => "impossible-condition",
            Lint::EmptyWindow => "empty-window",
            Lint::UnclearDay => "unclear-day",
            Lint::NegativeRefund => "negative-refund",
            Lint::UnassignedFee => "unassigned-fee",
            Lint::CurrencyWithoutRate => "currency-without-rate",
            Lint::UnusedDefinition => "unused-definition",
            Lint::MissingSourceText => "missing-source-text",
            Lint::StaleQuote => "stale-quote",
            Lint::QuoteNotOnPage => "quote-not-on-page",
            Lint::PageSentenceUnaccounted => "page-sentence-unaccounted",
            Lint::LegalFloor => "legal-floor",
            Lint::CalendarCoverage => "calendar-coverage",
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
            Lint::UnclearDay => "clause::unclear-day",
            Lint::NegativeRefund => "clause::negative-refund",
            Lint::UnassignedFee => "clause::unassigned-fee",
            Lint::CurrencyWithoutRate => "clause::currency-without-rate",
            Lint::UnusedDefinition => "clause::unused-definition",
            Lint::MissingSourceText => "clause::missing-source-text",
            Lint::StaleQuote => "clause::stale-quote",
            Lint::QuoteNotOnPage => "clause::quote-not-on-page",
            Lint::PageSentenceUnaccounted => "clause::page-sentence-unaccounted",
            Lint::LegalFloor => "clause::legal-floor",
            Lint::CalendarCoverage => "clause::calendar-coverage",
            Lint::AnalysisLimit => "clause::analysis-limit",
            Lint::UnknownLint => "clause::unknown-lint",
        }
    }

    /// The lint of this name, if there is one.
    pub fn from_name(name: &str) -> Option<Lint> {
        Lint::ALL.iter().copied().find(|l| l.name() == name)
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
            Lint::UnclearDay => "A date without a time of day tested against an hour window, with no rule for the day the window ends",
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
            Lint::CalendarCoverage => {
                "Holidays typed by hand for fewer years than the calendar needs: claims outside them are refused"
            }
            Lint::LegalFloor => "A denial below a consumer-law minimum of a declared jurisdiction",
            Lint::AnalysisLimit => "A question the analysis could not answer within its budget",
            Lint::UnknownLint => "A lint name in clause.toml or a comment that does not exist",
        }
    }
}

/// How serious a diagnostic is. Checker findings are errors; a lint's level is
/// its configured one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// A note, for people who ask (`clause check --show-info`).
    Info,
    /// Worth a look; fails the check only with `--deny warnings`.
    Warning,
    /// Fails the check.
    Error,
}

impl Level {
    /// The level in words: `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// How many diagnostics [`Diagnostics::render`] draws.
pub const MAX_RENDERED: usize = 100;

/// How many diagnostics the checker keeps for one file; the rest are counted
/// ([`Diagnostics::omitted`]). Nobody reads more, and keeping 200,000 of them
/// took gigabytes.
pub const MAX_KEPT: usize = 1_000;

/// Every code, for documentation and tests.
pub const ALL_CODES: &[Code] = &[
    Code::Syntax,
    Code::InvalidDate,
    Code::InvalidNumber,
    Code::UnknownFact,
    Code::UnknownName,
    Code::UnknownCode,
    Code::UnknownUnit,
    Code::UnknownCurrency,
    Code::UnknownTimezone,
    Code::UnknownCalendar,
    Code::UnknownWeekday,
    Code::UnknownFee,
    Code::UnknownPayer,
    Code::UnknownRemedy,
    Code::UnknownClaimKind,
    Code::UnknownType,
    Code::Duplicate,
    Code::TypeMismatch,
    Code::CurrencyMismatch,
    Code::OptionalNotHandled,
    Code::NotAnEvent,
    Code::ItemOutsideItemRules,
    Code::MissingRefundBasis,
    Code::RemedyMismatch,
    Code::MissingSetting,
    Code::InvalidWindow,
    Code::InvalidCalendar,
    Code::InvalidTable,
    Code::TooComplex,
    Code::ConflictingFee,
];

impl Code {
    /// The stable code in words (`clause::unknown-fact`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "clause::syntax",
            Code::InvalidDate => "clause::invalid-date",
            Code::InvalidNumber => "clause::invalid-number",
            Code::UnknownFact => "clause::unknown-fact",
            Code::UnknownName => "clause::unknown-name",
            Code::UnknownCode => "clause::unknown-code",
            Code::UnknownUnit => "clause::unknown-unit",
            Code::UnknownCurrency => "clause::unknown-currency",
            Code::UnknownTimezone => "clause::unknown-timezone",
            Code::UnknownCalendar => "clause::unknown-calendar",
            Code::UnknownWeekday => "clause::unknown-weekday",
            Code::UnknownFee => "clause::unknown-fee",
            Code::UnknownPayer => "clause::unknown-payer",
            Code::UnknownRemedy => "clause::unknown-remedy",
            Code::UnknownClaimKind => "clause::unknown-claim-kind",
            Code::UnknownType => "clause::unknown-type",
            Code::Duplicate => "clause::duplicate",
            Code::TypeMismatch => "clause::type-mismatch",
            Code::CurrencyMismatch => "clause::currency-mismatch",
            Code::ConflictingFee => "clause::conflicting-fee",
            Code::OptionalNotHandled => "clause::optional-not-handled",
            Code::NotAnEvent => "clause::not-an-event",
            Code::ItemOutsideItemRules => "clause::item-outside-item-rules",
            Code::MissingRefundBasis => "clause::missing-refund-basis",
            Code::RemedyMismatch => "clause::remedy-mismatch",
            Code::MissingSetting => "clause::missing-setting",
            Code::InvalidWindow => "clause::invalid-window",
            Code::InvalidCalendar => "clause::invalid-calendar",
            Code::InvalidTable => "clause::invalid-table",
            Code::TooComplex => "clause::too-complex",
            Code::Lint(l) => l.code(),
        }
    }
}

impl Code {
    /// One line on what the diagnostic means, for tools that list rules (SARIF).
    pub fn summary(self) -> &'static str {
        match self {
            Code::Syntax => "The policy cannot be read: a word or sign is missing or out of place",
            Code::InvalidDate => "A date that is not on the calendar",
            Code::InvalidNumber => "A number too large or too precise, or a percentage over 100",
            Code::UnknownFact => "A fact the claim does not carry and no `fact` declaration gives",
            Code::UnknownName => {
                "A window, threshold or table that is not declared (above its use)"
            }
            Code::UnknownCode => "A code not in the fact's list, or not a country code",
            Code::UnknownUnit => "A unit of weight Clause does not know",
            Code::UnknownCurrency => "A currency that is not an ISO 4217 code",
            Code::UnknownTimezone => "A time zone not in the IANA database",
            Code::UnknownCalendar => "A bundled holiday list that does not exist",
            Code::UnknownWeekday => "A word that is not a day of the week",
            Code::UnknownFee => "A fee that is neither standard nor declared with `fees`",
            Code::UnknownPayer => "A fee payer other than customer or merchant",
            Code::UnknownRemedy => "A remedy Clause does not know",
            Code::UnknownClaimKind => "A rules block for a kind of claim that does not exist",
            Code::UnknownType => "A custom fact with an unknown type",
            Code::Duplicate => "Something declared or given twice",
            Code::TypeMismatch => "Values of different kinds used together",
            Code::CurrencyMismatch => "Two fixed currencies used together without a conversion",
            Code::ConflictingFee => {
                "A `fee` line that says otherwise than the rule's `deduct` of the same fee"
            }
            Code::OptionalNotHandled => {
                "A fact a claim may leave out, used without saying what absence means"
            }
            Code::NotAnEvent => {
                "A window anchored on, or an event test of, something that is not an event"
            }
            Code::ItemOutsideItemRules => "An item fact read by rules that decide the whole order",
            Code::MissingRefundBasis => "An approved refund with no refund amount",
            Code::RemedyMismatch => "A remedy or refund that does not fit the rule's decision",
            Code::MissingSetting => "A required setting, or rules, missing from the policy",
            Code::InvalidWindow => "A window whose length, ends or options cannot work",
            Code::InvalidCalendar => "A calendar with no business days",
            Code::InvalidTable => "A table that cannot be looked up or has no rows",
            Code::TooComplex => "A condition nested or chained past the limits",
            Code::Lint(l) => l.summary(),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The primary span first, then any secondary ones.
    pub labels: Vec<(Span, String)>,
    /// How to fix it, if there is something to say.
    pub help: Option<String>,
    /// How serious it is.
    pub level: Level,
    /// A claim that shows the finding, in the contract's JSON (lints only).
    pub example: Option<Box<serde_json::Value>>,
}

impl Diagnostic {
    /// An error with its code, message and primary span with its label.
    pub fn new(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            labels: vec![(span, label.into())],
            help: None,
            level: Level::Error,
            example: None,
        }
    }

    /// The same diagnostic at another level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The same diagnostic with a claim that shows it.
    pub fn with_example(mut self, claim: serde_json::Value) -> Self {
        self.example = Some(Box::new(claim));
        self
    }

    /// The help text as drawn for a person: the example claim itself is left to
    /// the JSON and SARIF formats, which carry it whole.
    pub fn help_text(&self) -> Option<String> {
        match (&self.help, &self.example) {
            (h, None) => h.clone(),
            (None, Some(_)) => Some("the example claim is in `--format json`".into()),
            (Some(h), Some(_)) => Some(format!("{h} (the whole claim is in `--format json`)")),
        }
    }

    /// The same diagnostic with help on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic with a secondary span and its label.
    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.labels.push((span, label.into()));
        self
    }

    /// The primary span (empty at the start when there is none).
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.0).unwrap_or_default()
    }
}

/// Every diagnostic found in one source, in source order.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// The text the diagnostics point into.
    pub source: Source,
    /// The diagnostics, in source order.
    pub items: Vec<Diagnostic>,
    /// Diagnostics found beyond `MAX_KEPT` (1,000) and not kept.
    pub omitted: usize,
}

impl Diagnostics {
    /// The diagnostics of `source`, sorted into source order, duplicates dropped.
    pub fn new(source: Source, mut items: Vec<Diagnostic>) -> Self {
        items.sort_by_key(|d| (d.span().start, d.code));
        items.dedup();
        Diagnostics {
            source,
            items,
            omitted: 0,
        }
    }

    /// Renders the diagnostics as miette draws them, without colour, at `width`
    /// columns: the first `MAX_RENDERED` (100), then a line saying how many more there
    /// are (drawing one costs time in proportion to its offset in the file, so
    /// drawing a million of them would not end in reasonable time).
    pub fn render(&self, width: usize) -> String {
        self.render_styled(width, false)
    }

    /// [`Diagnostics::render`], in colour (ANSI escapes) when `colour` is true:
    /// for a terminal; files, pipes and tests get plain text.
    pub fn render_styled(&self, width: usize, colour: bool) -> String {
        let theme = if colour {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false);
        let mut out = String::new();
        for d in self.items.iter().take(MAX_RENDERED) {
            let report = Rendered {
                diag: d,
                source: CharColumns(self.source.named_source()),
            };
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&format!("{}: {}\n", d.code, d.message));
            }
            out.push('\n');
        }
        let more = self.items.len().saturating_sub(MAX_RENDERED) + self.omitted;
        if more > 0 {
            let all = if self.omitted > 0 {
                format!("`--format json` lists the first {MAX_KEPT}")
            } else {
                "see them all with `--format json`".to_string()
            };
            out.push_str(&format!(
                "… and {more} more problems in {}; fix these first, or {all}\n\n",
                self.source.name
            ));
        }
        out
    }

    /// The diagnostics as JSON objects: code, message, file, line, column, labels, help.
    pub fn to_json(&self) -> Vec<serde_json::Value> {
        self.items
            .iter()
            .map(|d| {
                let (line, column) = self.source.line_col(d.span().start);
                serde_json::json!({
                    "severity": d.level.as_str(),
                    "code": d.code.as_str(),
                    "message": d.message,
                    "file": &*self.source.name,
                    "line": line,
                    "column": column,
                    "labels": d.labels.iter().map(|(s, l)| {
                        let (line, column) = self.source.line_col(s.start);
                        serde_json::json!({"line": line, "column": column, "start": s.start, "end": s.end, "text": l})
                    }).collect::<Vec<_>>(),
                    "help": d.help,
                    "example": d.example,
                })
            })
            .collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(100))
    }
}

impl std::error::Error for Diagnostics {}

struct Rendered<'a> {
    diag: &'a Diagnostic,
    source: CharColumns,
}

/// The source as miette reads it, with columns counted in characters, as the
/// JSON, GitHub and SARIF formats and editors count them (miette counts bytes,
/// so a line with Korean text before the mistake gave a larger column in the
/// `file:line:column` heading than everywhere else).
struct CharColumns(miette::NamedSource<String>);

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .0
            .read_span(span, context_lines_before, context_lines_after)?;
        // The characters between the start of the line and where the contents
        // start (the span itself when read without lines around it).
        let text = self.0.inner().as_str();
        let start = inner.span().offset().min(text.len());
        let line_start = text
            .get(..start)
            .and_then(|before| before.rfind('\n').map(|i| i + 1))
            .unwrap_or(0);
        // A byte order mark at the start of the file is no column (editors do
        // not show it), as in `Source::line_col`.
        let column = text.get(line_start..start).map_or(inner.column(), |t| {
            t.trim_start_matches('\u{feff}').chars().count()
        });
        let contents = miette::MietteSpanContents::new_named(
            inner.name().unwrap_or_default().to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        );
        Ok(Box::new(contents))
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code.as_str()))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.diag.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help_text()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.diag.labels.iter().enumerate().map(
            |(i, (span, text))| {
                let text = if text.is_empty() {
                    None
                } else {
                    Some(text.clone())
                };
                if i == 0 {
                    LabeledSpan::new_primary_with_span(text, *span)
                } else {
                    LabeledSpan::new_with_span(text, *span)
                }
            },
        )))
    }
}

/// The closest candidate to `word`, for "did you mean" help: the one with the
/// fewest edits, if it is within a third of the word's length.
/// How much of a word from the policy a message quotes.
pub const MAX_QUOTED_CHARS: usize = 40;

/// A word from the policy in backquotes for a message: its first
/// [`MAX_QUOTED_CHARS`] characters and `…` when it is longer (the label marks
/// all of it; a message quoting a 50 MB name whole would be 50 MB).
pub fn quoted(word: &str) -> String {
    match word.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("`{}…`", word.get(..cut).unwrap_or(word)),
        None => format!("`{word}`"),
    }
}

pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = word.chars().count();
    let limit = (length / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // The distance is at least the difference in length: skip those that
        // cannot be near (and never build a matrix for a 50 MB word).
        if c.chars().count().abs_diff(length) > limit {
            continue;
        }
        let distance = strsim::damerau_levenshtein(word, c);
        if distance <= limit && best.is_none_or(|(b, _)| distance < b) {
            best = Some((distance, c));
        }
    }
    best.map(|(_, c)| c)
}
