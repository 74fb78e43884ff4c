//! Boundary cases: the claims on each side of every edge a policy draws, made
//! from the policy itself so that a merchant does not have to think of them.
//!
//! The conditions of the rules for the base claim's kind are walked once
//! (their expressions, the thresholds they use, the extensions of the windows
//! they read) for three kinds of edge, and those rules' `deadline` lines for a
//! fourth:
//!
//! - **A window tested against an event** (`claim.filed_at within return_window`):
//!   the window's end is computed for the base claim with the evaluator's own
//!   window arithmetic (business days, holidays, extensions, roll-forward), then
//!   the event is set to the last moment inside (the last day at 23:59 in the
//!   policy's time zone, or the last day itself when the base claim gives the
//!   event as a plain day; the end instant itself for an hour-based window) and
//!   to the first moment outside (the next day at 00:00, or one minute after the
//!   end). An event that the window counts from is left alone: moving it would
//!   move the window too. When the event is `claim.filed_at` and the base claim
//!   sets `as_of`, `as_of` follows it, so the verdict is judged at the filing.
//!   The text names the weekends and holidays on either side of a business-day
//!   window's end.
//! - **A date compared with a fixed day** (`order.placed_at between 2023-11-01 and
//!   2023-12-31`, `order.placed_at < 2024-01-01`): the day before, the day and the
//!   day after each fixed day.
//! - **An amount or a weight compared with a limit** (`order.total >= USD 50`,
//!   `item.weight <= 30 lb`): money one minor unit of the limit's currency below
//!   it, at it and above it; a weight at the limit in each unit it converts to
//!   exactly (30 lb is 13.6077711 kg and 480 oz) and one gram above it.
//!
//! - **A window only reported as a deadline** (`deadline dispatch`, counted in
//!   days, business days, weeks or months from an event, and tested by no
//!   condition): the event at the last moment of a day and at the first moment
//!   of the next (23:59 and 00:00 in the policy's time zone, or the two days for
//!   a plain-day event; across a daylight-saving jump at midnight, the first
//!   moment after it), so that the cases pin the deadline each gets. A draft
//!   whose verdict does not report that deadline with the end its text names is
//!   left out. The day is the base claim's; for a business-day window, the first
//!   business day on or after it whose next day is not one (the eve of a weekend
//!   or holiday), so that the cases show how an event on a day off is counted.
//!   Hour-based windows get none: they move with their event minute by minute.
//!
//! Each draft is evaluated as it stands and carries that verdict as its
//! expectation: the merchant reviews it and accepts it or changes the policy.
//! Facts under `item.` are set on the first claimed item.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::ast::CompareOp;
use crate::ast::{DayEdge, TimeUnit};
use crate::language::check::ir::Policy;
use crate::language::check::ir::{IExpr, WindowShape};
use crate::language::check::vocab::{path_of, FactRef};
use crate::language::eval::verdict::Ends;
use crate::language::money::grams_per;

use super::{expectations, set_path};

/// A claim on one side of an edge, with the verdict it gets today.
#[derive(Debug, Clone)]
pub struct Draft {
    /// A name for the case (`return_window-last-day-inside-filed_at`).
    pub name: String,
    /// What the case shows, in words.
    pub text: String,
    /// The fields changed from the base claim, as a cases file's `set`.
    pub set: Map<String, Value>,
    /// The base claim with `set` applied.
    pub claim: Value,
    /// The verdict as JSON, or the reason the claim was refused.
    pub verdict: Result<Value, String>,
}

impl Draft {
    /// What the case expects: today's verdict, as `clause test` checks it.
    pub fn expect(&self) -> Map<String, Value> {
        match &self.verdict {
            Ok(v) => expectations(v),
            Err(e) => {
                let mut m = Map::new();
                m.insert("error".into(), Value::String(e.clone()));
                m
            }
        }
    }

    /// The draft as an entry of a cases file (`name`, `text`, `set`, `expect`).
    pub fn to_case(&self) -> Value {
        json!({
            "name": self.name,
            "text": self.text,
            "set": self.set,
            "expect": self.expect(),
        })
    }
}

/// An edge found in the policy's conditions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Edge {
    Window {
        fact: FactRef,
        window: usize,
    },
    Day {
        fact: FactRef,
        day: NaiveDate,
    },
    Money {
        fact: FactRef,
        amount: Decimal,
        currency: &'static str,
        digits: u32,
    },
    Weight {
        fact: FactRef,
        grams: Decimal,
    },
    /// A window that only a `deadline` reports: its edge is the day its event falls on.
    Counted {
        window: usize,
    },
}

/// The boundary cases of `policy` around `base` (a claim the policy accepts as
/// input). Fails only when `base` is not a JSON object.
pub fn boundary_cases(policy: &Policy, base: &Value) -> Result<Vec<Draft>, String> {
    if !base.is_object() {
        return Err("the base claim must be a JSON object".into());
    }
    let item = first_claimed_item(base);
    let mut drafts = Vec::new();
    // The edges of the rules that decide the base claim's kind (a window only
    // delivery issues test drew inside/outside drafts on a return claim, both
    // sides with the same verdict).
    let kind = base
        .get("claim")
        .and_then(|c| c.get("kind"))
        .and_then(Value::as_str)
        .unwrap_or("return");
    for edge in edges(policy, kind) {
        match edge {
            Edge::Window { fact, window } => {
                window_drafts(policy, base, item, fact, window, &mut drafts)
            }
            Edge::Counted { window } => counted_drafts(policy, base, item, window, &mut drafts),
            Edge::Day { fact, day } => {
                let Some(path) = json_path(policy, fact, item) else {
                    continue;
                };
                let uses_day = base_is_plain_day(base, &path);
                for (offset, side) in [(-1, "day-before"), (0, "on"), (1, "day-after")] {
                    let Some(d) = day.checked_add_signed(Duration::days(offset)) else {
                        continue;
                    };
                    let value = if uses_day {
                        Value::String(d.to_string())
                    } else {
                        noon(policy, d)
                    };
                    let text = format!(
                        "{} on {d}, {} the policy's fixed day {day}",
                        policy.fact_path(fact),
                        match offset {
                            -1 => "the day before",
                            0 => "exactly",
                            _ => "the day after",
                        }
                    );
                    push(
                        policy,
                        base,
                        &mut drafts,
                        format!("{}-{side}-{day}", leaf(&path)),
                        text,
                        vec![(path.clone(), value)],
                    );
                }
            }
            Edge::Money {
                fact,
                amount,
                currency,
                digits,
            } => {
                let Some(path) = json_path(policy, fact, item) else {
                    continue;
                };
                let minor = Decimal::new(1, digits);
                for (delta, side) in [(-minor, "below"), (Decimal::ZERO, "at"), (minor, "above")] {
                    let value = amount + delta;
                    if value.is_sign_negative() {
                        continue;
                    }
                    let shown = format!("{value:.prec$}", prec = digits as usize);
                    let text = format!(
                        "{} of {currency} {shown}: {} the limit of {currency} {}",
                        policy.fact_path(fact),
                        match side {
                            "below" => "one minor unit below",
                            "at" => "exactly",
                            _ => "one minor unit above",
                        },
                        format_args!("{amount:.prec$}", prec = digits as usize),
                    );
                    push(
                        policy,
                        base,
                        &mut drafts,
                        format!(
                            "{}-{side}-{currency}-{}",
                            leaf(&path),
                            format_args!("{amount:.prec$}", prec = digits as usize)
                        ),
                        text,
                        vec![(path.clone(), json!({"amount": shown, "currency": currency}))],
                    );
                }
            }
            Edge::Weight { fact, grams } => {
                let Some(path) = json_path(policy, fact, item) else {
                    continue;
                };
                for unit in ["lb", "kg", "oz"] {
                    let Some(per) = grams_per(unit) else { continue };
                    let Some(value) = grams.checked_div(per) else {
                        continue;
                    };
                    // Only units the limit converts to exactly: a rounded limit is not at the edge.
                    if value.checked_mul(per) != Some(grams) || value.scale() > 8 {
                        continue;
                    }
                    let value = value.normalize();
                    push(
                        policy,
                        base,
                        &mut drafts,
                        format!("{}-at-limit-in-{unit}", leaf(&path)),
                        format!(
                            "{} of exactly {value} {unit}: the limit of {} g, written in {unit}",
                            policy.fact_path(fact),
                            grams.normalize()
                        ),
                        vec![(
                            path.clone(),
                            json!({"value": value.to_string(), "unit": unit}),
                        )],
                    );
                }
                let over = (grams + Decimal::ONE).normalize();
                push(
                    policy,
                    base,
                    &mut drafts,
                    format!("{}-one-gram-over-limit", leaf(&path)),
                    format!(
                        "{} of {over} g: one gram over the limit of {} g",
                        policy.fact_path(fact),
                        grams.normalize()
                    ),
                    vec![(
                        path.clone(),
                        json!({"value": over.to_string(), "unit": "g"}),
                    )],
                );
            }
        }
    }
    // Two edges may give the same case (a window read by two rules): keep the first.
    let mut seen = BTreeSet::new();
    drafts.retain(|d| seen.insert(d.name.clone()));
    Ok(drafts)
}

/// Every edge the conditions of `kind`'s rules draw (through the thresholds
/// they use and the extensions of the windows they read), each once, in a
/// stable order.
fn edges(policy: &Policy, kind: &str) -> Vec<Edge> {
    let blocks: Vec<_> = policy.blocks.iter().filter(|b| b.kind == kind).collect();
    let reported: BTreeSet<usize> = blocks
        .iter()
        .flat_map(|b| b.rules.iter().chain(&b.otherwise))
        .flat_map(|r| r.deadlines.iter().copied())
        .collect();
    let mut stack: Vec<&IExpr> = Vec::new();
    for block in &blocks {
        for rule in block.rules.iter().chain(&block.otherwise) {
            stack.extend(rule.expressions());
        }
    }
    let mut windows_seen: BTreeSet<usize> = BTreeSet::new();
    let mut thresholds_seen: BTreeSet<usize> = BTreeSet::new();
    for w in &reported {
        if windows_seen.insert(*w) {
            if let Some(win) = policy.windows.get(*w) {
                stack.extend(win.extensions.iter().map(|e| &e.when));
            }
        }
    }
    let mut out = BTreeSet::new();
    let mut steps = 0usize;
    while let Some(e) = stack.pop() {
        steps += 1;
        if steps > 1_000_000 {
            break;
        }
        match e {
            IExpr::Window(x, _, w) => {
                for fact in facts_of(x) {
                    out.insert(Edge::Window { fact, window: *w });
                }
                if windows_seen.insert(*w) {
                    if let Some(win) = policy.windows.get(*w) {
                        stack.extend(win.extensions.iter().map(|e| &e.when));
                    }
                }
            }
            IExpr::Threshold(i) if thresholds_seen.insert(*i) => {
                if let Some(t) = policy.thresholds.get(*i) {
                    stack.push(&t.expr);
                }
            }
            IExpr::Between(x, lo, hi) => {
                for fact in facts_of(x) {
                    for bound in [lo, hi] {
                        if let Some(edge) = literal_edge(fact, bound) {
                            out.insert(edge);
                        }
                    }
                }
            }
            IExpr::Compare(op, a, b) if *op != CompareOp::Ne => {
                for (side, other) in [(a, b), (b, a)] {
                    for fact in facts_of(side) {
                        if let Some(edge) = literal_edge(fact, other) {
                            out.insert(edge);
                        }
                    }
                }
            }
            _ => {}
        }
        stack.extend(e.children());
    }
    for w in reported {
        let tested = out
            .iter()
            .any(|e| matches!(e, Edge::Window { window, .. } if *window == w));
        if !tested {
            out.insert(Edge::Counted { window: w });
        }
    }
    out.into_iter().collect()
}

/// The facts an operand reads directly (`x`, `x else y`, `x in CNY`).
fn facts_of(e: &IExpr) -> Vec<FactRef> {
    let mut facts = Vec::new();
    match e {
        IExpr::Convert(x, _) => x.else_chain_facts(&mut facts),
        _ => e.else_chain_facts(&mut facts),
    }
    facts
}

fn literal_edge(fact: FactRef, e: &IExpr) -> Option<Edge> {
    match e {
        IExpr::Date(day) => Some(Edge::Day { fact, day: *day }),
        IExpr::Money(amount, currency) => Some(Edge::Money {
            fact,
            amount: *amount,
            currency: currency.code(),
            digits: currency.minor_digits(),
        }),
        IExpr::Weight(grams) => Some(Edge::Weight {
            fact,
            grams: *grams,
        }),
        _ => None,
    }
}

fn window_drafts(
    policy: &Policy,
    base: &Value,
    item: usize,
    fact: FactRef,
    window: usize,
    drafts: &mut Vec<Draft>,
) {
    let Some(w) = policy.windows.get(window) else {
        return;
    };
    if let WindowShape::From { anchor, .. } | WindowShape::UntilEvent(anchor) = &w.shape {
        if anchor.contains(&fact) {
            return;
        }
    }
    let Some(path) = json_path(policy, fact, item) else {
        return;
    };
    let Ok(claim) = crate::language::eval::facts::decode_value(base, policy) else {
        return;
    };
    let Ok(Some(end)) = crate::language::eval::window_end(policy, &claim, window) else {
        return;
    };
    let name = w.name.to_string();
    let tz = policy.timezone;
    let (inside, outside, inside_text, outside_text) = match end {
        Ends::Day(d) => {
            let Some(next) = d.succ_opt() else { return };
            if base_is_plain_day(base, &path) {
                (
                    Value::String(d.to_string()),
                    Value::String(next.to_string()),
                    format!("on {d}, its last day,"),
                    format!("on {next}, the day after,"),
                )
            } else {
                let Some((a, b)) = day_edges(policy, d, next) else {
                    return;
                };
                (
                    Value::String(a.clone()),
                    Value::String(b.clone()),
                    format!("at {a}, its last moment,"),
                    format!("at {b}, the first moment after it,"),
                )
            }
        }
        Ends::Instant(i) => {
            let after = i + Duration::minutes(1);
            let a = Ends::Instant(i).to_string();
            let b = Ends::Instant(after).to_string();
            (
                Value::String(a.clone()),
                Value::String(b.clone()),
                format!("at {a}, its last moment,"),
                format!("at {b}, a minute after it,"),
            )
        }
    };
    let business = matches!(
        w.shape,
        WindowShape::From {
            unit: crate::ast::TimeUnit::BusinessDays,
            ..
        }
    ) || w.roll_forward;
    let around = if business {
        calendar_note(policy, end)
    } else {
        String::new()
    };
    let what = policy.fact_path(fact);
    let mut pair = |side: &str, value: Value, text: String| {
        let mut set = vec![(path.clone(), value.clone())];
        if fact == FactRef::FiledAt && base.get("as_of").is_some_and(|v| !v.is_null()) {
            set.push(("as_of".to_string(), value));
        }
        push(
            policy,
            base,
            drafts,
            format!("{name}-{side}-{}", leaf(&path)),
            text,
            set,
        );
    };
    pair(
        "last-day-inside",
        inside,
        format!("{name} ends {end} ({tz}); {what} {inside_text} is inside{around}"),
    );
    pair(
        "first-day-outside",
        outside,
        format!("{name} ends {end} ({tz}); {what} {outside_text} is outside{around}"),
    );
}

/// The drafts of a window that only a `deadline` reports ([`Edge::Counted`]):
/// its event at the last moment of a day and at the first moment of the next.
fn counted_drafts(
    policy: &Policy,
    base: &Value,
    item: usize,
    window: usize,
    drafts: &mut Vec<Draft>,
) {
    let Some(w) = policy.windows.get(window) else {
        return;
    };
    let WindowShape::From {
        count,
        unit,
        anchor,
    } = &w.shape
    else {
        return;
    };
    let unit_words = match unit {
        TimeUnit::Days => "days",
        TimeUnit::BusinessDays => "business days",
        TimeUnit::Weeks => "weeks",
        TimeUnit::Months => "months",
        // An hour-based window moves with its event minute by minute: no day edge.
        TimeUnit::Hours => return,
    };
    // The event it counts from: the first of its events the base claim sets.
    let Some((fact, path, day, plain)) = anchor.iter().find_map(|f| {
        let path = json_path(policy, *f, item)?;
        let text = value_at(base, &path)?.as_str()?;
        let (day, plain) = local_day(policy, text)?;
        Some((*f, path, day, plain))
    }) else {
        return;
    };
    let business = *unit == TimeUnit::BusinessDays;
    // A window rolled forward to a business day: the first event day (from the
    // base claim's) whose next day makes it end past a day off.
    let rolled = (!business && w.roll_forward)
        .then(|| rolled_edge(policy, base, (fact, &path), plain, window, day))
        .flatten();
    let day = if business {
        eve_of_day_off(policy, day).unwrap_or(day)
    } else {
        rolled.unwrap_or(day)
    };
    let Some(next) = day.succ_opt() else { return };
    let (late, early) = if plain {
        (
            Value::String(day.to_string()),
            Value::String(next.to_string()),
        )
    } else {
        let Some((a, b)) = day_edges(policy, day, next) else {
            return;
        };
        (Value::String(a), Value::String(b))
    };
    let name = w.name.to_string();
    let tz = policy.timezone;
    let what = policy.fact_path(fact);
    let next_off = business && policy.calendar.is_business_day(next) == Ok(false);
    let off = if next_off { "; not a business day" } else { "" };
    for (side, value, moment) in [
        (
            "end-of-day",
            late,
            format!("the last moment of {day} ({tz})"),
        ),
        (
            "next-day",
            early,
            format!("the first moment of {next} ({tz}{off})"),
        ),
    ] {
        let mut set = vec![(path.clone(), value.clone())];
        if fact == FactRef::FiledAt && base.get("as_of").is_some_and(|v| !v.is_null()) {
            set.push(("as_of".to_string(), value.clone()));
        }
        let Some(end) = end_with(policy, base, &set, window) else {
            continue;
        };
        let shown = value.as_str().unwrap_or_default();
        let at = match (plain, side) {
            (true, "next-day") if next_off => format!("on {shown} (not a business day)"),
            (true, _) => format!("on {shown}"),
            (false, _) => format!("at {shown}, {moment},"),
        };
        let rolls = if rolled.is_some() && side == "next-day" {
            " (its last day falls on a day off and rolls forward to a business day)"
        } else {
            ""
        };
        let text = format!(
            "{name} counts {count} {unit_words} from {what}; {what} {at} makes it end {end}{rolls}"
        );
        let before = drafts.len();
        push(
            policy,
            base,
            drafts,
            format!("{name}-counted-from-{side}-{}", leaf(&path)),
            text,
            set,
        );
        // A case pins the deadline only when its verdict reports it, with the
        // end its text names (a return claim's verdict does not report a
        // shipping rule's deadline; another claimed item may report another end).
        let ends = end.to_string();
        let reported = drafts.len() > before
            && drafts.last().is_some_and(|d| {
                d.verdict.as_ref().is_ok_and(|v| {
                    v["deadlines"].as_array().is_some_and(|l| {
                        l.iter()
                            .any(|e| e["name"] == name.as_str() && e["ends"] == ends.as_str())
                    })
                })
            });
        if drafts.len() > before && !reported {
            drafts.pop();
        }
    }
}

/// For a window rolled forward to a business day: the first day on or after
/// `from` (within 60 days) such that its event on that day ends the window on a
/// business day, and on the next day past a day off (the end jumps by more than
/// a day). `None` when no such day is near, or an end is not a day.
fn rolled_edge(
    policy: &Policy,
    base: &Value,
    (fact, path): (FactRef, &str),
    plain: bool,
    w: usize,
    from: NaiveDate,
) -> Option<NaiveDate> {
    let end_on = |d: NaiveDate| -> Option<NaiveDate> {
        let value = if plain {
            Value::String(d.to_string())
        } else {
            noon(policy, d)
        };
        // As the drafts set it: `as_of` moves with `claim.filed_at`.
        let mut set = vec![(path.to_string(), value.clone())];
        if fact == FactRef::FiledAt && base.get("as_of").is_some_and(|v| !v.is_null()) {
            set.push(("as_of".to_string(), value));
        }
        match end_with(policy, base, &set, w)? {
            Ends::Day(end) => Some(end),
            Ends::Instant(_) => None,
        }
    };
    let mut d = from;
    let mut end = end_on(d)?;
    for _ in 0..60 {
        let next = d.succ_opt()?;
        let next_end = end_on(next)?;
        if next_end > end.succ_opt()? {
            return Some(d);
        }
        (d, end) = (next, next_end);
    }
    None
}

/// Where window `w` ends for `base` with `set` applied, as a verdict's deadline says.
fn end_with(policy: &Policy, base: &Value, set: &[(String, Value)], w: usize) -> Option<Ends> {
    let mut claim = base.clone();
    for (path, value) in set {
        set_path(&mut claim, path, value.clone()).ok()?;
    }
    let claim = crate::language::eval::facts::decode_value(&claim, policy).ok()?;
    crate::language::eval::window_end(policy, &claim, w).ok()?
}

/// The value at a cases-file path (`order.placed_at`, `items[0].x`) of a claim.
fn value_at<'v>(claim: &'v Value, path: &str) -> Option<&'v Value> {
    let pointer = format!("/{}", path.replace(['.', '['], "/").replace(']', ""));
    claim.pointer(&pointer)
}

/// The day an event falls on in the policy's time zone, and whether it was
/// given as a plain day.
fn local_day(policy: &Policy, text: &str) -> Option<(NaiveDate, bool)> {
    if let Ok(d) = text.parse::<NaiveDate>() {
        return Some((d, true));
    }
    let at = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    Some((at.with_timezone(&policy.timezone).date_naive(), false))
}

/// The first business day on or after `from` (within 60 days) whose next day
/// is not a business day.
fn eve_of_day_off(policy: &Policy, from: NaiveDate) -> Option<NaiveDate> {
    let mut d = from;
    for _ in 0..60 {
        let next = d.succ_opt()?;
        if policy.calendar.is_business_day(d).ok()?
            && !policy.calendar.is_business_day(next).ok()?
        {
            return Some(d);
        }
        d = next;
    }
    None
}

/// For a window counted in business days: the days around its end that are not business days.
fn calendar_note(policy: &Policy, end: Ends) -> String {
    let Ends::Day(d) = end else {
        return String::new();
    };
    let mut off = Vec::new();
    for offset in -3..=3 {
        let Some(day) = d.checked_add_signed(Duration::days(offset)) else {
            continue;
        };
        if let Ok(false) = policy.calendar.is_business_day(day) {
            off.push(day.to_string());
        }
    }
    if off.is_empty() {
        String::new()
    } else {
        format!(" (not business days near the end: {})", off.join(", "))
    }
}

/// `d` at `h:m` in the policy's time zone, as an RFC 3339 instant. A time the
/// clocks skip (a daylight-saving jump at midnight) becomes the first one after
/// the jump for [`DayEdge::Start`], the last one before it for
/// [`DayEdge::End`]; a time they repeat, its first or its last occurrence.
fn local(policy: &Policy, d: NaiveDate, h: u32, m: u32, edge: DayEdge) -> Option<String> {
    let t = d.and_hms_opt(h, m, 0)?;
    let at = crate::language::eval::day_edge_in_zone(policy.timezone, t, edge)?;
    Some(Ends::Instant(at.fixed_offset()).to_string())
}

/// The last moment of `d` (23:59) and the first of the day after it (00:00).
fn day_edges(policy: &Policy, d: NaiveDate, next: NaiveDate) -> Option<(String, String)> {
    Some((
        local(policy, d, 23, 59, DayEdge::End)?,
        local(policy, next, 0, 0, DayEdge::Start)?,
    ))
}

fn noon(policy: &Policy, d: NaiveDate) -> Value {
    local(policy, d, 12, 0, DayEdge::Start)
        .map_or_else(|| Value::String(d.to_string()), Value::String)
}

/// Where a fact is in a claim: `item.` facts on the first claimed item.
fn json_path(policy: &Policy, fact: FactRef, item: usize) -> Option<String> {
    match fact {
        FactRef::Custom(i) => policy.facts.get(i).map(|f| format!("facts.{}", f.name)),
        FactRef::ClaimId | FactRef::WholeBundleClaimed => None,
        _ => {
            let p = path_of(fact);
            Some(match p.strip_prefix("item.") {
                Some(rest) => format!("items[{item}].{rest}"),
                None => p.to_string(),
            })
        }
    }
}

/// The last word of a path, for case names.
fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// The position in `items` of the first item the claim is about.
fn first_claimed_item(base: &Value) -> usize {
    let items = base.get("items").and_then(Value::as_array);
    let first_sku = base.pointer("/claim/items/0").and_then(Value::as_str);
    match (items, first_sku) {
        (Some(items), Some(sku)) => items
            .iter()
            .position(|i| i.get("sku").and_then(Value::as_str) == Some(sku))
            .unwrap_or(0),
        _ => 0,
    }
}

/// Whether the base claim gives the event at `path` as a plain day.
fn base_is_plain_day(base: &Value, path: &str) -> bool {
    value_at(base, path)
        .and_then(Value::as_str)
        .is_some_and(|s| s.len() == 10)
}

fn push(
    policy: &Policy,
    base: &Value,
    drafts: &mut Vec<Draft>,
    name: String,
    text: String,
    set: Vec<(String, Value)>,
) {
    let mut claim = base.clone();
    let mut map = Map::new();
    for (path, value) in set {
        if set_path(&mut claim, &path, value.clone()).is_err() {
            return;
        }
        map.insert(path, value);
    }
    if let Some(obj) = claim.as_object_mut() {
        obj.insert("claim_id".into(), Value::String(name.clone()));
    }
    let verdict = crate::language::eval::facts::decode_value(&claim, policy)
        .and_then(|c| crate::language::eval::evaluate(policy, &c))
        .map(|v| serde_json::to_value(&v).unwrap_or(Value::Null))
        .map_err(|e| e.to_string());
    drafts.push(Draft {
        name,
        text,
        set: map,
        claim,
        verdict,
    });
}
