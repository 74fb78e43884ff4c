//! Lowering: pest `Pairs` to the AST in [`super::ast`], one `lower_*` function per
//! grammar rule. Nothing here unwraps: a pair that is not where the grammar puts it
//! becomes a diagnostic, as do dates that do not exist and numbers out of range.

use chrono::NaiveDate;
use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::ast::*;
use super::Rule;
use crate::language::diagnostic::{Code, Diagnostic};
use crate::language::source::Span;

mod expr;

pub(crate) use expr::lower_expr;

type Lowered<T> = Result<T, Diagnostic>;

/// The weight units the language knows.
pub const WEIGHT_UNITS: [&str; 4] = ["g", "kg", "oz", "lb"];

/// A pair's span without the whitespace and comments pest may have taken after it.
fn span(pair: &Pair<'_, Rule>) -> Span {
    let start = pair.as_span().start();
    let mut text = pair.as_str().trim_end();
    // A comment runs to the end of its line: only one on the last line can trail.
    loop {
        let line_start = text.rfind('\n').map_or(0, |i| i + 1);
        let last = text.get(line_start..).unwrap_or("");
        match comment_start(last) {
            Some(p) => text = text.get(..line_start + p).unwrap_or("").trim_end(),
            None => break,
        }
    }
    Span::new(start, start + text.len())
}

/// Where a `#` comment starts in a line, outside quoted text.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            return Some(i);
        }
    }
    None
}

fn internal(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        format!("this part of the policy could not be read ({what})"),
        span,
        "here",
    )
    .with_help("this is a bug in Clause; please report it with the policy file")
}

/// The pairs inside a pair, with a cursor that reports what it expected.
struct Inner<'i> {
    pairs: std::iter::Peekable<Box<dyn Iterator<Item = Pair<'i, Rule>> + 'i>>,
    span: Span,
}

/// Keywords are atomic rules so that `policy` does not match the start of
/// `policyholder`; lowering skips their pairs.
fn is_keyword(r: Rule) -> bool {
    matches!(
        r,
        Rule::colon
            | Rule::equals
            | Rule::lbrace
            | Rule::rbrace
            | Rule::kw_policy
            | Rule::kw_currency
            | Rule::kw_timezone
            | Rule::kw_effective
            | Rule::kw_calendar
            | Rule::kw_weekend
            | Rule::kw_holidays
            | Rule::kw_covering
            | Rule::kw_fact
            | Rule::kw_fees
            | Rule::kw_fee
            | Rule::kw_jurisdictions
            | Rule::kw_window
            | Rule::kw_threshold
            | Rule::kw_table
            | Rule::kw_rules
            | Rule::kw_rule
            | Rule::kw_otherwise
            | Rule::kw_optional
            | Rule::kw_from
            | Rule::kw_until
            | Rule::kw_between
            | Rule::kw_extended
            | Rule::kw_rolled
            | Rule::kw_forward
            | Rule::kw_business
            | Rule::kw_day
            | Rule::kw_plain
            | Rule::kw_dates
            | Rule::kw_at
            | Rule::kw_when
            | Rule::kw_unless
            | Rule::kw_requires
            | Rule::kw_evidence
            | Rule::kw_refund
            | Rule::kw_deduct
            | Rule::kw_may
            | Rule::kw_paid
            | Rule::kw_by
            | Rule::kw_amount
            | Rule::kw_deadline
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_is
            | Rule::kw_has
            | Rule::kw_within
            | Rule::kw_after
            | Rule::kw_before
            | Rule::kw_else
            | Rule::kw_in
            | Rule::kw_of
            | Rule::kw_one
            | Rule::kw_any
            | Rule::kw_all
            | Rule::kw_set
            | Rule::kw_missing
            | Rule::kw_up
            | Rule::kw_to
            | Rule::kw_for
            | Rule::kw_as
            | Rule::kw_requested
            | Rule::kw_each
            | Rule::kw_item
            | Rule::kw_whole
            | Rule::kw_order
    )
}

impl<'i> Inner<'i> {
    fn of(pair: Pair<'i, Rule>) -> Self {
        let span = span(&pair);
        let pairs: Box<dyn Iterator<Item = Pair<'i, Rule>> + 'i> =
            Box::new(pair.into_inner().filter(|p| !is_keyword(p.as_rule())));
        Inner {
            pairs: pairs.peekable(),
            span,
        }
    }

    fn expect(&mut self, what: &str) -> Lowered<Pair<'i, Rule>> {
        self.pairs.next().ok_or_else(|| internal(self.span, what))
    }

    fn next_if(&mut self, wanted: Rule) -> Option<Pair<'i, Rule>> {
        if self.pairs.peek().map(|p| p.as_rule()) == Some(wanted) {
            self.pairs.next()
        } else {
            None
        }
    }
}

impl<'i> Iterator for Inner<'i> {
    type Item = Pair<'i, Rule>;
    fn next(&mut self) -> Option<Self::Item> {
        self.pairs.next()
    }
}

fn lower_name(pair: Pair<'_, Rule>) -> Name {
    Spanned::new(pair.as_str().to_string(), span(&pair))
}

/// Lowers a whole file; returns the AST and every diagnostic found on the way.
pub fn lower_file(file: Pair<'_, Rule>) -> (Option<PolicyFile>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut inner = Inner::of(file);
    let policy = match inner.expect("policy") {
        Ok(p) => p,
        Err(d) => return (None, vec![d]),
    };
    let mut inner = Inner::of(policy);
    let name = match inner.expect("policy name") {
        Ok(p) => lower_name(p),
        Err(d) => return (None, vec![d]),
    };
    let title = inner.next_if(Rule::string).map(|p| lower_string(p));
    let mut decls = Vec::new();
    for pair in inner {
        if pair.as_rule() == Rule::rules_block {
            match lower_rules_block(pair) {
                Ok(b) => decls.push(Decl::Rules(Box::new(b))),
                Err(mut d) => diags.append(&mut d),
            }
            continue;
        }
        match lower_decl(pair) {
            Ok(d) => decls.push(d),
            Err(d) => diags.push(d),
        }
    }
    (Some(PolicyFile { name, title, decls }), diags)
}

fn lower_decl(pair: Pair<'_, Rule>) -> Lowered<Decl> {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::currency_decl => {
            let mut inner = Inner::of(pair);
            Ok(Decl::Currency(lower_name(inner.expect("currency")?)))
        }
        Rule::timezone_decl => {
            let mut inner = Inner::of(pair);
            let s = inner.expect("time zone")?;
            let sp = span(&s);
            Ok(Decl::Timezone(Spanned::new(lower_string(s), sp)))
        }
        Rule::effective_decl => {
            let mut inner = Inner::of(pair);
            Ok(Decl::Effective(lower_date(inner.expect("date")?)?))
        }
        Rule::calendar_decl => lower_calendar(pair).map(Decl::Calendar),
        Rule::fact_decl => lower_fact(pair).map(Decl::Fact),
        Rule::fees_decl => Ok(Decl::Fees(Inner::of(pair).map(lower_name).collect())),
        Rule::jurisdictions_decl => Ok(Decl::Jurisdictions(
            Inner::of(pair).map(lower_name).collect(),
        )),
        Rule::window_decl => lower_window(pair).map(Decl::Window),
        Rule::threshold_decl => {
            let mut inner = Inner::of(pair);
            let name = lower_name(inner.expect("threshold name")?);
            let expr = lower_expr(inner.expect("condition")?)?;
            Ok(Decl::Threshold(ThresholdDecl { name, expr }))
        }
        Rule::table_decl => lower_table(pair).map(Decl::Table),
        _ => Err(internal(sp, "declaration")),
    }
}

fn lower_calendar(pair: Pair<'_, Rule>) -> Lowered<Calendar> {
    let sp = span(&pair);
    let mut cal = Calendar {
        span: sp,
        weekend: Vec::new(),
        holidays: Vec::new(),
        covering: None,
    };
    for entry in Inner::of(pair) {
        match entry.as_rule() {
            Rule::weekend_entry => cal.weekend.extend(Inner::of(entry).map(lower_name)),
            Rule::holidays_entry => {
                for h in Inner::of(entry) {
                    let hs = span(&h);
                    match h.as_rule() {
                        Rule::date => cal.holidays.push(Holiday::Date(lower_date(h)?)),
                        Rule::covering => {
                            if cal.covering.is_some() {
                                return Err(Diagnostic::new(
                                    Code::InvalidCalendar,
                                    "the calendar says `covering` twice",
                                    hs,
                                    "second `covering`",
                                )
                                .with_help("`covering` gives the years of all the dates typed by hand in the calendar: keep one"));
                            }
                            let mut inner = Inner::of(h);
                            let first = lower_year(inner.expect("first year")?)?;
                            let last = lower_year(inner.expect("last year")?)?;
                            cal.covering = Some(Covering {
                                span: hs,
                                first,
                                last,
                            });
                        }
                        _ => cal
                            .holidays
                            .push(Holiday::Bundled(Spanned::new(lower_string(h), hs))),
                    }
                }
            }
            _ => return Err(internal(span(&entry), "calendar entry")),
        }
    }
    Ok(cal)
}

/// A display name in quotes (a rule's title, a fact's label), with its span.
fn lower_label(pair: Pair<'_, Rule>) -> Spanned<String> {
    let sp = span(&pair);
    let text = Inner::of(pair)
        .map(lower_string)
        .collect::<Vec<_>>()
        .join(" ");
    Spanned::new(text, sp)
}

fn lower_fact(pair: Pair<'_, Rule>) -> Lowered<FactDecl> {
    let mut inner = Inner::of(pair);
    let name = lower_name(inner.expect("fact name")?);
    let label = inner.next_if(Rule::label).map(lower_label);
    let mut ty_inner = Inner::of(inner.expect("fact type")?);
    let ty = lower_name(ty_inner.expect("type name")?);
    let codes = ty_inner.map(lower_name).collect();
    let optional = inner.next_if(Rule::optional).is_some();
    Ok(FactDecl {
        name,
        label,
        ty,
        codes,
        optional,
    })
}

fn lower_window(pair: Pair<'_, Rule>) -> Lowered<WindowDecl> {
    let sp = span(&pair);
    let mut inner = Inner::of(pair);
    let name = lower_name(inner.expect("window name")?);
    let shape_pair = inner.expect("window span")?;
    let shape = match shape_pair.as_rule() {
        Rule::span_from => {
            let mut si = Inner::of(shape_pair);
            let duration = lower_duration(si.expect("duration")?)?;
            let anchor = Inner::of(si.expect("anchor")?).map(lower_name).collect();
            WindowShape::From { duration, anchor }
        }
        Rule::span_until => {
            let end = Inner::of(shape_pair).expect("date")?;
            if end.as_rule() == Rule::anchor {
                WindowShape::UntilEvent(Inner::of(end).map(lower_name).collect())
            } else {
                WindowShape::Until(lower_date(end)?)
            }
        }
        Rule::span_between => {
            let mut si = Inner::of(shape_pair);
            let a = lower_date(si.expect("start date")?)?;
            let b = lower_date(si.expect("end date")?)?;
            WindowShape::Between(a, b)
        }
        _ => return Err(internal(span(&shape_pair), "window span")),
    };
    let mut w = WindowDecl {
        name,
        span: sp,
        shape,
        extensions: Vec::new(),
        roll_forward: false,
        plain_dates: None,
    };
    for opt in inner {
        match opt.as_rule() {
            Rule::extension => {
                let esp = span(&opt);
                let mut ei = Inner::of(opt);
                let target = ei.expect("extension")?;
                let to = match target.as_rule() {
                    Rule::extend_to => {
                        ExtendTo::Date(lower_date(Inner::of(target).expect("date")?)?)
                    }
                    _ => ExtendTo::By(lower_duration(Inner::of(target).expect("duration")?)?),
                };
                let when = lower_expr(ei.expect("condition")?)?;
                w.extensions.push(Extension {
                    span: esp,
                    to,
                    when,
                });
            }
            Rule::roll_forward => w.roll_forward = true,
            Rule::plain_dates if w.plain_dates.is_some() => {
                return Err(Diagnostic::new(
                    Code::Duplicate,
                    format!("the window `{}` says `plain dates` twice", w.name.node),
                    span(&opt),
                    "said again here",
                )
                .with_help(
                    "keep one: `plain dates at start of day` or `plain dates at end of day`",
                ));
            }
            Rule::plain_dates => {
                let edge =
                    Inner::of(Inner::of(opt).expect("start or end")?).expect("start or end")?;
                w.plain_dates = Some(if edge.as_rule() == Rule::edge_start {
                    DayEdge::Start
                } else {
                    DayEdge::End
                });
            }
            _ => return Err(internal(span(&opt), "window option")),
        }
    }
    Ok(w)
}

fn lower_duration(pair: Pair<'_, Rule>) -> Lowered<Duration> {
    let sp = span(&pair);
    let mut inner = Inner::of(pair);
    let count_pair = inner.expect("number")?;
    let count = Spanned::new(lower_decimal(&count_pair)?, span(&count_pair));
    let unit_text = inner.expect("unit of time")?.as_str().to_string();
    let unit = if unit_text.starts_with("business") {
        TimeUnit::BusinessDays
    } else if unit_text.starts_with("day") {
        TimeUnit::Days
    } else if unit_text.starts_with("hour") {
        TimeUnit::Hours
    } else if unit_text.starts_with("week") {
        TimeUnit::Weeks
    } else {
        TimeUnit::Months
    };
    Ok(Duration {
        count,
        unit,
        span: sp,
    })
}

fn lower_table(pair: Pair<'_, Rule>) -> Lowered<TableDecl> {
    let mut inner = Inner::of(pair);
    let name = lower_name(inner.expect("table name")?);
    let key = lower_name(inner.expect("table key")?);
    let mut rows = Vec::new();
    let mut default = None;
    for p in inner {
        match p.as_rule() {
            Rule::table_row => {
                let mut keys = Vec::new();
                let mut value = None;
                for q in Inner::of(p) {
                    if q.as_rule() == Rule::table_key {
                        keys.push(lower_name(q));
                    } else {
                        value = Some(lower_expr(q)?);
                    }
                }
                let sp = keys.first().map(|k| k.span).unwrap_or_default();
                let value = value.ok_or_else(|| internal(sp, "table value"))?;
                rows.push(TableRow { keys, value });
            }
            Rule::table_default => default = Some(lower_expr(Inner::of(p).expect("value")?)?),
            _ => return Err(internal(span(&p), "table row")),
        }
    }
    Ok(TableDecl {
        name,
        key,
        rows,
        default,
    })
}

/// A rules block; every rule with a problem is reported, not only the first.
fn lower_rules_block(pair: Pair<'_, Rule>) -> Result<RulesBlock, Vec<Diagnostic>> {
    let sp = span(&pair);
    let mut inner = Inner::of(pair);
    let kind = lower_name(inner.expect("claim kind").map_err(|d| vec![d])?);
    let mut block = RulesBlock {
        kind,
        scope: Scope::EachItem,
        span: sp,
        rules: Vec::new(),
        otherwise: None,
    };
    let mut errors = Vec::new();
    for p in inner {
        match p.as_rule() {
            Rule::scope => {
                if Inner::of(p)
                    .next()
                    .is_some_and(|s| s.as_rule() == Rule::scope_whole_order)
                {
                    block.scope = Scope::WholeOrder;
                }
            }
            Rule::rule => match lower_rule(p) {
                Ok(r) => block.rules.push(r),
                Err(d) => errors.push(d),
            },
            Rule::otherwise_rule => match lower_rule(p) {
                Ok(r) => block.otherwise = Some(r),
                Err(d) => errors.push(d),
            },
            _ => errors.push(internal(span(&p), "rule")),
        }
    }
    if errors.is_empty() {
        Ok(block)
    } else {
        Err(errors)
    }
}

fn lower_rule(pair: Pair<'_, Rule>) -> Lowered<Rule_> {
    let sp = span(&pair);
    let mut inner = Inner::of(pair);
    let name = lower_name(inner.expect("rule name")?);
    let title = inner.next_if(Rule::label).map(lower_label);
    let mut outcome = Inner::of(inner.expect("outcome")?);
    let decision_pair = outcome.expect("decision")?;
    let decision = Spanned::new(
        match decision_pair.as_str() {
            "approve" => Decision::Approve,
            "deny" => Decision::Deny,
            _ => Decision::Review,
        },
        span(&decision_pair),
    );
    let mut remedies = Vec::new();
    let mut as_requested = false;
    if let Some(r) = outcome.next() {
        for q in Inner::of(r) {
            if q.as_rule() == Rule::as_requested {
                as_requested = true;
            } else {
                remedies.push(lower_name(q));
            }
        }
    }
    let quote_pair = inner.expect("the policy's words")?;
    let qsp = span(&quote_pair);
    let quote = Inner::of(quote_pair)
        .map(lower_string)
        .collect::<Vec<_>>()
        .join(" ");
    let mut rule = Rule_ {
        name,
        title,
        span: sp,
        decision,
        remedies,
        as_requested,
        quote: Spanned::new(quote, qsp),
        when: Vec::new(),
        unless: Vec::new(),
        evidence: Vec::new(),
        refund: None,
        deductions: Vec::new(),
        fees: Vec::new(),
        deadlines: Vec::new(),
    };
    for clause in inner {
        lower_clause(clause, &mut rule)?;
    }
    Ok(rule)
}

type Rule_ = super::ast::Rule;

fn lower_clause(clause: Pair<'_, Rule>, rule: &mut Rule_) -> Lowered<()> {
    let sp = span(&clause);
    let kind = clause.as_rule();
    let mut inner = Inner::of(clause);
    match kind {
        Rule::when_clause => rule.when.push(lower_expr(inner.expect("condition")?)?),
        Rule::unless_clause => rule.unless.push(lower_expr(inner.expect("condition")?)?),
        Rule::evidence_clause => {
            let mut codes = Vec::new();
            let mut when = None;
            for p in inner {
                if p.as_rule() == Rule::word {
                    codes.push(lower_name(p));
                } else {
                    when = Some(lower_expr(p)?);
                }
            }
            rule.evidence.push(EvidenceReq { codes, when });
        }
        Rule::refund_clause => {
            if let Some(first) = &rule.refund {
                return Err(Diagnostic::new(
                    Code::Duplicate,
                    format!("rule `{}` says `refund` twice", rule.name.node),
                    sp,
                    "a second refund",
                )
                .with_label(first.span, "the first")
                .with_help("a rule refunds one amount: keep one `refund` clause"));
            }
            rule.refund = Some(lower_expr(inner.expect("refund")?)?);
        }
        Rule::deduct_clause => {
            let discretionary = inner.next_if(Rule::may).is_some();
            let fee = lower_name(inner.expect("fee name")?);
            let amount = lower_expr(inner.expect("amount")?)?;
            let mut cap = None;
            let mut when = None;
            for p in inner {
                if p.as_rule() == Rule::up_to {
                    cap = Some(lower_expr(Inner::of(p).expect("cap")?)?);
                } else {
                    when = Some(lower_expr(p)?);
                }
            }
            rule.deductions.push(Deduction {
                discretionary,
                fee,
                amount,
                cap,
                when,
            });
        }
        Rule::fee_clause => {
            let fee = lower_name(inner.expect("fee name")?);
            let payer = lower_name(inner.expect("payer")?);
            let mut clause = FeeClause {
                fee,
                payer,
                amount: None,
                when: None,
                otherwise: None,
            };
            for p in inner {
                if p.as_rule() == Rule::fee_amount {
                    clause.amount = Some(lower_expr(Inner::of(p).expect("amount")?)?);
                } else {
                    let mut ci = Inner::of(p);
                    clause.when = Some(lower_expr(ci.expect("condition")?)?);
                    clause.otherwise = ci.next().map(lower_name);
                }
            }
            rule.fees.push(clause);
        }
        Rule::deadline_clause => rule.deadlines.extend(inner.map(lower_name)),
        _ => return Err(internal(sp, "rule clause")),
    }
    Ok(())
}

fn lower_decimal(pair: &Pair<'_, Rule>) -> Lowered<Decimal> {
    Decimal::from_str_exact(pair.as_str()).map_err(|_| {
        Diagnostic::new(
            Code::InvalidNumber,
            format!("the number `{}` is too large or too precise", pair.as_str()),
            span(pair),
            "cannot be represented exactly",
        )
        .with_help("a number may have at most 28 digits after the point, and its digits, read without the point, at most 79228162514264337593543950335: every number of up to 28 digits fits")
    })
}

fn lower_year(pair: Pair<'_, Rule>) -> Lowered<Spanned<i32>> {
    let sp = span(&pair);
    pair.as_str()
        .parse::<i32>()
        .map(|y| Spanned::new(y, sp))
        .map_err(|_| internal(sp, "year"))
}

fn lower_date(pair: Pair<'_, Rule>) -> Lowered<Spanned<NaiveDate>> {
    let sp = span(&pair);
    NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d")
        .map(|d| Spanned::new(d, sp))
        .map_err(|_| {
            Diagnostic::new(
                Code::InvalidDate,
                format!("`{}` is not a date on the calendar", pair.as_str()),
                sp,
                "no such day",
            )
            .with_help("dates are written year-month-day, for example `2024-01-31`")
        })
}

fn lower_string(pair: Pair<'_, Rule>) -> String {
    let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
