//! The checker: from the AST to a [`Policy`] the evaluator can run, or every
//! error in the file at once.
//!
//! It works in three passes over the declarations:
//! 1. settings (`currency`, `timezone`, `calendar`), custom `fact`s and `fees`;
//! 2. windows, thresholds and tables, in file order: each may use only those
//!    declared before it, so no definition can refer to itself;
//! 3. rule blocks, which may use everything.
//!
//! Expressions are typed as they are resolved ([`types::Ty`]). A value a claim may
//! leave out is *optional*; using one where a definite value is needed is an error
//! unless the condition has already said what absence means. Saying it narrows the
//! value: in `claim.return_received_at is set and claim.return_received_at after w`
//! the second use is definite, and so is every use in the rule's other clauses once
//! a `when` has tested it. `x is missing or ...` narrows the right-hand side too.

pub mod ir;
pub mod types;
pub mod vocab;

mod definitions;
mod expr;
mod rules;

use std::collections::HashMap;

use chrono::Weekday;
use chrono_tz::Tz;

use crate::ast::{self, Decl, PolicyFile};
use crate::language::calendar::{self, Calendar};
use crate::language::diagnostic::{did_you_mean, Code, Diagnostic, Diagnostics};
use crate::language::money::Currency;
use crate::language::source::{Source, Span};
use ir::{CustomFact, Policy};
use types::{CodeDomain, Ty, TyInfo};
use vocab::FactRef;

/// Checks a parsed policy.
pub fn check(file: &PolicyFile, source: &Source) -> Result<Policy, Diagnostics> {
    let mut c = Checker::new(source);
    c.settings(file);
    c.definitions(file);
    let blocks = c.rule_blocks(file);
    if !c.diags.is_empty() {
        let mut d = Diagnostics::new(source.clone(), c.diags);
        d.omitted = c.omitted;
        return Err(d);
    }
    let mut reads: Vec<FactRef> = c.reads.into_iter().collect();
    reads.sort();
    Ok(Policy {
        name: file.name.node.as_str().into(),
        title: file.title.clone(),
        source: source.clone(),
        currency: c.currency,
        timezone: c.timezone.unwrap_or(Tz::UTC),
        calendar: c.calendar,
        facts: c.facts,
        windows: c.windows,
        thresholds: c.thresholds,
        tables: c.tables,
        blocks,
        reads,
        jurisdictions: c.jurisdictions,
        effective_from: c.effective_from,
    })
}

/// What a name declared at the top level stands for.
#[derive(Debug, Clone)]
enum Definition {
    Window(usize),
    Threshold(usize),
    Table(usize),
    Fact(usize),
}

/// What the checker knows about a window, for its uses.
#[derive(Debug, Clone)]
struct WindowInfo {
    anchors: Vec<FactRef>,
    optional: bool,
    uses_item: bool,
}

pub(crate) struct Checker<'s> {
    source: &'s Source,
    diags: Vec<Diagnostic>,
    currency: Option<String>,
    timezone: Option<Tz>,
    calendar: Calendar,
    facts: Vec<CustomFact>,
    fees: Vec<String>,
    windows: Vec<ir::Window>,
    window_info: Vec<WindowInfo>,
    thresholds: Vec<ir::Threshold>,
    threshold_info: Vec<(TyInfo, bool)>,
    /// Per threshold: the facts its truth shows set, and those its falsehood shows set.
    threshold_facts: Vec<(Vec<vocab::FactRef>, Vec<vocab::FactRef>)>,
    /// The windows each threshold reads.
    threshold_windows: Vec<Vec<usize>>,
    /// How deep each threshold's and each table's expression goes, counting
    /// through the thresholds and tables it uses (see [`MAX_DEPTH`]).
    threshold_depth: Vec<usize>,
    table_depth: Vec<usize>,
    tables: Vec<ir::Table>,
    /// A table's value type, whether it reads item facts, and its key when a claim may leave it out.
    table_info: Vec<(TyInfo, bool, Option<FactRef>)>,
    /// Names defined so far, and where.
    defined: HashMap<String, (Definition, Span)>,
    /// Every top-level name in the file, defined yet or not.
    declared_later: HashMap<String, Span>,
    /// The name of the window, threshold or table being checked, where it is
    /// declared: a use of it inside its own definition is refused.
    defining: Option<Span>,
    reads: std::collections::HashSet<FactRef>,
    /// Windows read by the expression being checked (for a rule's deadlines).
    windows_read: WindowsRead,
    /// Whether the expression being checked reads an item fact.
    item_read: bool,
    /// Custom facts whose declarations have errors: their uses are not reported again.
    failed_facts: Vec<String>,
    jurisdictions: Vec<String>,
    effective_from: Option<chrono::NaiveDate>,
    /// Diagnostics beyond `diagnostic::MAX_KEPT`, counted and not kept.
    omitted: usize,
}

/// The types a `fact` declaration may give.
pub const FACT_TYPES: &[&str] = &[
    "bool", "number", "money", "weight", "event", "date", "text", "percent", "code", "codes",
];

/// How deep an expression may go, counting through the thresholds and tables
/// it uses: `threshold t2 = not t1` is one deeper than `t1`. Evaluation, the
/// lints, `explain` and `render` walk expressions recursively, so a chain of
/// thousands of thresholds would otherwise be stopped by the stack, not by a
/// diagnostic. One condition alone stays far below it (`syntax::MAX_NESTING`,
/// `syntax::MAX_OPERATORS`); a real policy's deepest chain is a few dozen.
pub const MAX_DEPTH: usize = 256;

/// The windows an expression reads, each once, in the order first read.
///
/// Thresholds form a DAG: `t2 = t1 and t1` reaches `t1`'s windows twice, and a
/// chain of such doublings reaches them 2^n times, so the list is a set.
#[derive(Default)]
struct WindowsRead {
    order: Vec<usize>,
    seen: std::collections::HashSet<usize>,
}

impl WindowsRead {
    fn push(&mut self, w: usize) {
        if self.seen.insert(w) {
            self.order.push(w);
        }
    }

    fn extend(&mut self, ws: &[usize]) {
        for w in ws {
            self.push(*w);
        }
    }

    fn clear(&mut self) {
        self.order.clear();
        self.seen.clear();
    }

    /// The windows read, in order; the set is left empty.
    fn take(&mut self) -> Vec<usize> {
        self.seen.clear();
        std::mem::take(&mut self.order)
    }
}

/// Jurisdictions whose consumer law the `legal-floor` lint knows.
pub const JURISDICTIONS: &[&str] = &["EU", "UK", "KR"];

impl<'s> Checker<'s> {
    fn new(source: &'s Source) -> Self {
        Checker {
            source,
            diags: Vec::new(),
            currency: None,
            timezone: None,
            calendar: Calendar::default(),
            facts: Vec::new(),
            fees: vocab::STANDARD_FEES.iter().map(|s| s.to_string()).collect(),
            windows: Vec::new(),
            window_info: Vec::new(),
            thresholds: Vec::new(),
            threshold_info: Vec::new(),
            threshold_facts: Vec::new(),
            threshold_windows: Vec::new(),
            threshold_depth: Vec::new(),
            table_depth: Vec::new(),
            tables: Vec::new(),
            table_info: Vec::new(),
            defined: HashMap::new(),
            declared_later: HashMap::new(),
            defining: None,
            reads: std::collections::HashSet::new(),
            windows_read: WindowsRead::default(),
            item_read: false,
            failed_facts: Vec::new(),
            jurisdictions: Vec::new(),
            effective_from: None,
            omitted: 0,
        }
    }

    fn error(&mut self, d: Diagnostic) {
        if self.diags.len() < crate::language::diagnostic::MAX_KEPT {
            self.diags.push(d);
        } else {
            self.omitted += 1;
        }
    }

    fn settings(&mut self, file: &PolicyFile) {
        let mut seen_currency: Option<Span> = None;
        let mut seen_timezone: Option<Span> = None;
        let mut seen_calendar: Option<Span> = None;
        let mut seen_effective: Option<Span> = None;
        for decl in &file.decls {
            match decl {
                Decl::Currency(code) => {
                    if let Some(first) = seen_currency {
                        self.duplicate("currency", "the policy's currency", code.span, first);
                    }
                    seen_currency = Some(code.span);
                    if self.currency_code(code).is_some() {
                        self.currency = Some(code.node.clone());
                    }
                }
                Decl::Timezone(tz) => {
                    if let Some(first) = seen_timezone {
                        self.duplicate("timezone", "the policy's time zone", tz.span, first);
                    }
                    seen_timezone = Some(tz.span);
                    match tz.node.parse::<Tz>() {
                        Ok(t) => self.timezone = Some(t),
                        Err(_) => {
                            let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
                            let mut d = Diagnostic::new(
                                Code::UnknownTimezone,
                                format!("unknown time zone `{}`", tz.node),
                                tz.span,
                                "not in the IANA time zone database",
                            );
                            d = d.with_help(match did_you_mean(&tz.node, names) {
                                Some(s) => format!("did you mean `\"{s}\"`?"),
                                None => "time zones are IANA names such as \"America/Los_Angeles\" or \"Asia/Seoul\"".into(),
                            });
                            self.error(d);
                        }
                    }
                }
                Decl::Effective(date) => {
                    if let Some(first) = seen_effective {
                        self.duplicate(
                            "effective from",
                            "the day this version takes effect",
                            date.span,
                            first,
                        );
                    }
                    seen_effective = Some(date.span);
                    self.effective_from = Some(date.node);
                }
                Decl::Calendar(cal) => {
                    if let Some(first) = seen_calendar {
                        self.duplicate("calendar", "the business-day calendar", cal.span, first);
                    }
                    seen_calendar = Some(cal.span);
                    self.calendar_decl(cal);
                }
                Decl::Fact(f) => self.fact_decl(f),
                Decl::Fees(names) => {
                    for n in names {
                        if self.fees.contains(&n.node) {
                            self.error(
                                Diagnostic::new(
                                    Code::Duplicate,
                                    format!("the fee `{}` is already known", n.node),
                                    n.span,
                                    "declared again here",
                                )
                                .with_help("standard fees (return_shipping, restocking, ...) need no declaration"),
                            );
                        } else {
                            self.fees.push(n.node.clone());
                        }
                    }
                }
                Decl::Jurisdictions(codes) => {
                    for c in codes {
                        if !JURISDICTIONS.contains(&c.node.as_str()) {
                            let mut d = Diagnostic::new(
                                Code::UnknownCode,
                                format!("Clause knows no consumer law for `{}`", c.node),
                                c.span,
                                "not a known jurisdiction",
                            );
                            d = match did_you_mean(&c.node, JURISDICTIONS.iter().copied()) {
                                Some(m) => d.with_help(format!("did you mean `{m}`?")),
                                None => d.with_help(format!(
                                    "the jurisdictions with legal-floor lints are {}",
                                    JURISDICTIONS.join(", ")
                                )),
                            };
                            self.error(d);
                        } else if !self.jurisdictions.contains(&c.node) {
                            self.jurisdictions.push(c.node.clone());
                        }
                    }
                }
                Decl::Window(w) => self.note_name(&w.name),
                Decl::Threshold(t) => self.note_name(&t.name),
                Decl::Table(t) => self.note_name(&t.name),
                Decl::Rules(_) => {}
            }
        }
        if seen_timezone.is_none() {
            self.error(
                Diagnostic::new(
                    Code::MissingSetting,
                    "the policy does not say which time zone its dates are in",
                    file.name.span,
                    "this policy",
                )
                .with_help("add `timezone \"America/Los_Angeles\"` (or the merchant's own zone): windows count days in it"),
            );
        }
    }

    fn note_name(&mut self, name: &ast::Name) {
        if let Some(first) = self.declared_later.get(&name.node).copied() {
            self.duplicate(&name.node, "a name", name.span, first);
        } else {
            self.declared_later.insert(name.node.clone(), name.span);
        }
    }

    fn duplicate(&mut self, name: &str, what: &str, span: Span, first: Span) {
        self.error(
            Diagnostic::new(
                Code::Duplicate,
                format!("`{name}` is declared twice"),
                span,
                "declared again here",
            )
            .with_label(first, "first declared here")
            .with_help(format!(
                "{what} can be declared only once; remove or rename one of them"
            )),
        );
    }

    /// Checks a currency code against ISO 4217.
    fn currency_code(&mut self, code: &ast::Name) -> Option<Currency> {
        match Currency::parse(&code.node) {
            Some(c) => Some(c),
            None => {
                let mut all = vec![
                    "USD", "EUR", "GBP", "JPY", "CNY", "KRW", "CAD", "AUD", "CHF", "HKD", "SGD",
                ];
                all.extend(Currency::all_codes());
                let mut d = Diagnostic::new(
                    Code::UnknownCurrency,
                    format!("unknown currency `{}`", code.node),
                    code.span,
                    "not an ISO 4217 currency code",
                );
                let alias = match code.node.as_str() {
                    "UKP" | "UKL" => Some("GBP"),
                    "RMB" => Some("CNY"),
                    "YEN" => Some("JPY"),
                    "WON" => Some("KRW"),
                    _ => None,
                };
                d = d.with_help(match alias.or_else(|| did_you_mean(&code.node, all)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "currencies are ISO 4217 codes such as USD, EUR, KRW, CNY".into(),
                });
                self.error(d);
                None
            }
        }
    }

    fn calendar_decl(&mut self, cal: &ast::Calendar) {
        let mut weekend = Vec::new();
        for day in &cal.weekend {
            match weekday(&day.node) {
                Some(w) => weekend.push(w),
                None => {
                    let names = [
                        "monday",
                        "tuesday",
                        "wednesday",
                        "thursday",
                        "friday",
                        "saturday",
                        "sunday",
                    ];
                    let mut d = Diagnostic::new(
                        Code::UnknownWeekday,
                        format!("`{}` is not a day of the week", day.node),
                        day.span,
                        "unknown weekday",
                    );
                    d = d.with_help(match did_you_mean(&day.node, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "weekdays are written in full: monday, tuesday, ... sunday".into(),
                    });
                    self.error(d);
                }
            }
        }
        // Without a `weekend` line the weekend is Saturday and Sunday, as with no calendar at all.
        let mut calendar = if cal.weekend.is_empty() {
            Calendar::default()
        } else {
            Calendar::new(&weekend)
        };
        if calendar.all_weekend() {
            self.error(
                Diagnostic::new(
                    Code::InvalidCalendar,
                    "every day of the week is a weekend day",
                    cal.span,
                    "this calendar has no business days",
                )
                .with_help("list only the days the business is closed, for example `weekend saturday, sunday`"),
            );
        }
        let mut listed = Vec::new();
        for h in &cal.holidays {
            match h {
                ast::Holiday::Date(d) => listed.push(d),
                ast::Holiday::Bundled(name) => {
                    if !calendar.add_bundled(&name.node) {
                        self.unknown_calendar(name);
                    }
                }
            }
        }
        self.listed_holidays(cal, &listed, &mut calendar);
        self.calendar = calendar;
    }

    fn unknown_calendar(&mut self, name: &ast::Spanned<String>) {
        let codes: Vec<&str> = calendar::bundled().iter().map(|d| d.code).collect();
        let mut d = Diagnostic::new(
            Code::UnknownCalendar,
            format!("there is no bundled holiday calendar `{}`", name.node),
            name.span,
            "unknown holiday calendar",
        );
        d = d.with_help(match calendar::suggest(&name.node) {
            Some(s) => format!(
                "did you mean `\"{s}\"`? `clause calendar --list` shows every bundled calendar"
            ),
            None => format!(
                "bundled calendars are ISO 3166 codes: {}; list other holidays as dates: `holidays 2024-05-01, 2024-12-25`",
                codes.join(", ")
            ),
        });
        self.error(d);
    }

    /// The dates typed by hand: one list, right for the years `covering` gives,
    /// or else for the years its dates fall in.
    fn listed_holidays(
        &mut self,
        cal: &ast::Calendar,
        listed: &[&ast::Spanned<chrono::NaiveDate>],
        calendar: &mut Calendar,
    ) {
        use chrono::Datelike as _;
        let dates: Vec<chrono::NaiveDate> = listed.iter().map(|d| d.node).collect();
        let from_dates = (
            dates.iter().map(|d| d.year()).min(),
            dates.iter().map(|d| d.year()).max(),
        );
        let span = match (&cal.covering, from_dates) {
            (Some(c), _) => {
                if c.first.node > c.last.node {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidCalendar,
                            format!(
                                "`covering {} to {}` ends before it starts",
                                c.first.node, c.last.node
                            ),
                            c.span,
                            "no year in this span",
                        )
                        .with_help(format!(
                            "write the earlier year first: `covering {} to {}`",
                            c.last.node, c.first.node
                        )),
                    );
                    return;
                }
                if dates.is_empty() {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidCalendar,
                            "`covering` says which years the dates typed by hand are right for, and this calendar lists none",
                            c.span,
                            "no dates to cover",
                        )
                        .with_help("list the business's own closing days as dates, `holidays 2025-12-24, 2026-12-24 covering 2025 to 2026`, or remove `covering`"),
                    );
                    return;
                }
                for d in listed {
                    if d.node.year() < c.first.node || d.node.year() > c.last.node {
                        self.error(
                            Diagnostic::new(
                                Code::InvalidCalendar,
                                format!(
                                    "{} is outside the years the calendar's `covering` gives",
                                    d.node
                                ),
                                d.span,
                                "outside the covered years",
                            )
                            .with_label(c.span, "the covered years")
                            .with_help(format!(
                                "widen `covering` to include {}, or remove the date",
                                d.node.year()
                            )),
                        );
                    }
                }
                (c.first.node, c.last.node)
            }
            (None, (Some(first), Some(last))) => (first, last),
            (None, _) => return,
        };
        calendar.add_listed(&dates, span.0, span.1);
        if let Some((first, last)) = calendar.covered_years() {
            if first > last {
                let spans: Vec<String> = calendar
                    .coverage()
                    .iter()
                    .map(|c| format!("{} covers {} to {}", c.list, c.first, c.last))
                    .collect();
                self.error(
                    Diagnostic::new(
                        Code::InvalidCalendar,
                        "the calendar's holiday lists have no year in common",
                        cal.span,
                        "no business day can be counted with this calendar",
                    )
                    .with_help(format!(
                        "{}; a business day is counted only in a year every list covers",
                        spans.join("; ")
                    )),
                );
            }
        }
    }

    fn fact_decl(&mut self, f: &ast::FactDecl) {
        if self.facts.iter().any(|x| x.name == f.name.node) {
            let first = self
                .defined
                .get(&format!("facts.{}", f.name.node))
                .map(|d| d.1)
                .unwrap_or_default();
            self.duplicate(&f.name.node, "a fact", f.name.span, first);
            return;
        }
        let codes: Vec<String> = f.codes.iter().map(|c| c.node.clone()).collect();
        let ty = match f.ty.node.as_str() {
            "bool" => Some(Ty::Bool),
            "number" => Some(Ty::Number),
            "money" => Some(Ty::Money(None)),
            "weight" => Some(Ty::Weight),
            "event" | "date" => Some(Ty::Time),
            "text" => Some(Ty::Text),
            "percent" => Some(Ty::Percent),
            "code" if !codes.is_empty() => Some(Ty::Code(CodeDomain::Declared(codes.clone()))),
            "codes" if !codes.is_empty() => Some(Ty::Codes(CodeDomain::Declared(codes.clone()))),
            "code" => Some(Ty::Code(CodeDomain::Free)),
            "codes" => Some(Ty::Codes(CodeDomain::Free)),
            _ => None,
        };
        let Some(ty) = ty else {
            self.failed_facts.push(f.name.node.clone());
            let names = FACT_TYPES.iter().copied();
            let mut d = Diagnostic::new(
                Code::UnknownType,
                format!("unknown type `{}`", f.ty.node),
                f.ty.span,
                "not a type of fact",
            );
            d = d.with_help(match did_you_mean(&f.ty.node, names) {
                Some(s) => format!("did you mean `{s}`? Types: {}", FACT_TYPES.join(", ")),
                None => format!(
                    "types: {}; `code (a, b)` lists the codes allowed",
                    FACT_TYPES.join(", ")
                ),
            });
            self.error(d);
            return;
        };
        self.defined.insert(
            format!("facts.{}", f.name.node),
            (Definition::Fact(self.facts.len()), f.name.span),
        );
        self.facts.push(CustomFact {
            name: f.name.node.clone(),
            label: f.label.as_ref().map(|l| l.node.clone()),
            ty,
            optional: f.optional,
        });
    }
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}
