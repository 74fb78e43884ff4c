//! The timeline of a claim under a policy: the claim's events, the policy's
//! windows resolved for it, and the calendar around them, as data a page can
//! draw (the playground's picture beside a verdict).
//!
//! The windows come from [`resolve_windows`], the evaluator's own window
//! arithmetic (anchor events, business days, extensions, roll-forward), so the
//! picture and the verdict agree: a window's `end` is the deadline a verdict
//! reports for it. Every event the claim carries is listed, each with a label in
//! words and whether the policy reads it: the events the policy reads as the
//! decoded claim has them, the others read from the claim's JSON (they are not
//! validated, so one that is not a date or an RFC 3339 instant is left out). A
//! window whose anchor event the claim does not set is left out.
//! Holidays are listed from a week before the earliest date shown to a week
//! after the latest.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::ast::TimeUnit;
use crate::language::check::ir::Policy;
use crate::language::check::ir::WindowShape;
use crate::language::check::vocab::{path_of, FactRef};
use crate::language::eval::facts::Moment;
use crate::language::eval::verdict::Ends;
use crate::language::eval::{event, resolve_windows, Claim, ClaimErrors};

/// The events of a claim (the contract's `*_at` facts and `as_of`), in the
/// order the contract lists them, each with the words a picture labels it with.
const EVENTS: &[(FactRef, &str)] = &[
    (FactRef::PlacedAt, "Ordered"),
    (FactRef::InvoicedAt, "Invoiced"),
    (FactRef::ShippedAt, "Shipped"),
    (FactRef::DeliveredAt, "Delivered"),
    (FactRef::FiledAt, "Claim filed"),
    (FactRef::AuthorizedAt, "Return authorized"),
    (FactRef::LabelIssuedAt, "Return label issued"),
    (FactRef::ReturnShippedAt, "Shipped back"),
    (FactRef::ReturnReceivedAt, "Return received"),
    (FactRef::AsOf, "Judged as of"),
];

/// A claim's timeline under a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// Every event the claim carries, in the contract's order.
    pub events: Vec<Event>,
    /// The windows resolved for the claim, in the policy's order.
    pub windows: Vec<WindowSpan>,
    /// Holidays of the policy's calendar from a week before the first date shown to a week after the last.
    pub holidays: Vec<Holiday>,
    /// Weekend days of the policy's calendar, ISO numbered (6 Saturday, 7 Sunday).
    pub weekend: Vec<u32>,
}

/// One event of the claim: its contract path and when it happened (an RFC 3339
/// instant, or a plain day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// The contract path (`order.delivered_at`).
    pub name: String,
    /// The event in words (`Delivered`).
    pub label: &'static str,
    /// An RFC 3339 instant or a plain day (`YYYY-MM-DD`).
    pub at: String,
    /// Whether the policy reads this event (it is validated, and may decide);
    /// `false` for an event the claim carries that no part of the policy reads.
    pub read: bool,
}

/// A window resolved for the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowSpan {
    /// The window's name in the policy.
    pub name: String,
    /// The event it counts from, when it counts from one.
    pub from: Option<String>,
    /// Its first day or instant; `None` for a window that only has an end.
    pub start: Option<String>,
    /// Its last day (inclusive) or instant.
    pub end: String,
    /// What it counts: `days`, `business_days`, `hours`, `weeks`, `months`, or
    /// `dates` for a window between fixed dates or up to an event.
    pub unit: &'static str,
    /// The bundled holiday calendar business days are counted with, if any
    /// (`KR`; the first, when the policy names several).
    pub calendar: Option<&'static str>,
    /// Where the window is declared in the policy text.
    pub span: SourceSpan,
}

/// A place in the policy text: byte offsets and the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceSpan {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset just past the end.
    pub end: usize,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start, counting characters.
    pub column: usize,
}

/// A holiday of the policy's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The day (`YYYY-MM-DD`).
    pub date: String,
    /// The holiday's name, when the bundled list gives one.
    pub name: Option<String>,
}

/// The timeline of `claim` (decoded from `json`, the claim's JSON text) under
/// `policy`. The only errors are the claim's (a date beyond a bundled
/// calendar's years), as evaluation would report them.
pub fn timeline(policy: &Policy, claim: &Claim, json: &str) -> Result<Timeline, ClaimErrors> {
    let resolved = resolve_windows(policy, claim)?;
    let tz = policy.timezone;
    let day_of = |m: Moment| match m {
        Moment::Day(d) => d,
        Moment::Instant(i) => i.with_timezone(&tz).date_naive(),
    };
    let ends_day = |e: Ends| match e {
        Ends::Day(d) => d,
        Ends::Instant(i) => i.with_timezone(&tz).date_naive(),
    };
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut events = Vec::new();
    // The claim's JSON is read only for the events the policy does not read.
    let raw: Option<serde_json::Value> = EVENTS
        .iter()
        .any(|(fact, _)| !policy.reads.contains(fact))
        .then(|| serde_json::from_str(json).ok())
        .flatten();
    for (fact, label) in EVENTS {
        let read = policy.reads.contains(fact);
        // An event the policy reads is the decoded claim's (`as_of` is
        // `claim.filed_at` when the claim does not set it, as the evaluator takes it).
        let found = if read {
            event(policy, claim, *fact)
        } else {
            raw.as_ref().and_then(|v| unread_event(v, path_of(*fact)))
        };
        if let Some(m) = found {
            days.push(day_of(m));
            events.push(Event {
                name: path_of(*fact).to_string(),
                label,
                at: moment_text(m),
                read,
            });
        }
    }
    let mut windows = Vec::new();
    for r in resolved {
        let Some(w) = policy.windows.get(r.index) else {
            continue;
        };
        let unit = match &w.shape {
            WindowShape::From { unit, .. } => unit_word(*unit),
            _ => "dates",
        };
        let business = matches!(
            w.shape,
            WindowShape::From {
                unit: TimeUnit::BusinessDays,
                ..
            }
        );
        days.extend(r.start.map(ends_day));
        days.push(ends_day(r.end));
        let (line, column) = policy.source.line_col(w.span.start);
        windows.push(WindowSpan {
            name: w.name.to_string(),
            from: r.anchor.map(|a| path_of(a).to_string()),
            start: r.start.map(|s| s.to_string()),
            end: r.end.to_string(),
            unit,
            calendar: policy
                .calendar
                .bundled()
                .first()
                .copied()
                .filter(|_| business),
            span: SourceSpan {
                start: w.span.start,
                end: w.span.end,
                line,
                column,
            },
        });
    }
    let holidays = match (days.iter().min(), days.iter().max()) {
        (Some(first), Some(last)) => {
            let first = first
                .checked_sub_signed(Duration::days(7))
                .unwrap_or(*first);
            let last = last.checked_add_signed(Duration::days(7)).unwrap_or(*last);
            policy
                .calendar
                .holidays_between(first, last)
                .into_iter()
                .map(|(d, name)| Holiday {
                    date: Ends::Day(d).to_string(),
                    name,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    Ok(Timeline {
        events,
        windows,
        holidays,
        weekend: policy.calendar.weekend_days(),
    })
}

/// An event the policy does not read, from the claim's JSON at its contract
/// path: a plain day or an RFC 3339 instant; anything else (not validated, as
/// the policy does not read it) gives `None`.
fn unread_event(claim: &serde_json::Value, path: &str) -> Option<Moment> {
    let pointer = format!("/{}", path.replace('.', "/"));
    let text = claim.pointer(&pointer)?.as_str()?;
    if text.len() == 10 {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(Moment::Day);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(Moment::Instant)
}

fn moment_text(m: Moment) -> String {
    match m {
        Moment::Day(d) => Ends::Day(d).to_string(),
        Moment::Instant(i) => Ends::Instant(i).to_string(),
    }
}

fn unit_word(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Days => "days",
        TimeUnit::BusinessDays => "business_days",
        TimeUnit::Hours => "hours",
        TimeUnit::Weeks => "weeks",
        TimeUnit::Months => "months",
    }
}
