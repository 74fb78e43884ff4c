//! `calendar-coverage`: holidays typed by hand that cover fewer years than the
//! policy looks likely to need. A calendar counts business days only inside the
//! years every one of its holiday lists covers (see `language::calendar`), so a
//! short hand-typed list makes claims outside it fail: better said before a
//! claim finds it.

use chrono::{Datelike, NaiveDate};

use crate::ast::{self, Decl, PolicyFile};
use crate::language::calendar;
use crate::language::check::ir::Policy;
use crate::language::diagnostic::{Code, Diagnostic};
use crate::tools::lint::Lint;

/// Fewer years than this, with no bundled calendar to compare with, looks short.
const SHORT_YEARS: i32 = 2;

pub fn coverage(file: &PolicyFile, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Some(cal) = file.decls.iter().find_map(|d| match d {
        Decl::Calendar(c) => Some(c),
        _ => None,
    }) else {
        return;
    };
    let first_date = cal.holidays.iter().find_map(|h| match h {
        ast::Holiday::Date(d) => Some(d.span),
        ast::Holiday::Bundled(_) => None,
    });
    let Some(date_span) = first_date else {
        return;
    };
    let span = cal.covering.as_ref().map_or(date_span, |c| c.span);
    let lists = policy.calendar.coverage();
    let Some(hand) = lists.iter().find(|c| c.by_hand) else {
        return;
    };
    let years = |first: i32, last: i32| {
        if first == last {
            format!("only {first}")
        } else {
            format!("only {first} to {last}")
        }
    };
    let how = match &cal.covering {
        Some(_) => "as `covering` says",
        None => "from the years of its dates",
    };
    let help = format!(
        "list the business's own closing days for every year it takes claims in and say so: `covering {} to {}`; a claim that counts business days in a year outside is refused",
        hand.first,
        lists.iter().map(|c| c.last).max().unwrap_or(hand.last).max(hand.first + 1),
    );
    let bundled: Vec<_> = lists.iter().filter(|c| !c.by_hand).collect();
    // Only the end counts: a list that starts after the bundled calendar only
    // leaves out claims from before the business took them.
    if let Some(wider) = bundled.iter().find(|b| b.last > hand.last) {
        out.push(
            Diagnostic::new(
                Code::Lint(Lint::CalendarCoverage),
                format!(
                    "the holidays typed by hand cover {} ({how}), so business days are counted up to {} though {} covers up to {}",
                    years(hand.first, hand.last),
                    hand.last,
                    wider.list,
                    wider.last
                ),
                span,
                "the calendar's years end here",
            )
            .with_help(help),
        );
    } else if let Some(same) = bundled
        .is_empty()
        .then(|| resembling(&typed(cal)))
        .flatten()
    {
        // Most likely a country's public holidays typed out for a year or two:
        // the bundled calendar keeps them right for longer.
        out.push(
            Diagnostic::new(
                Code::Lint(Lint::CalendarCoverage),
                format!(
                    "the holidays typed by hand are the bundled {} calendar's ({} of {} dates) and cover {} ({how}): business days in any other year cannot be counted",
                    same.code,
                    same.matched,
                    same.typed,
                    years(hand.first, hand.last),
                ),
                span,
                "the calendar's years end here",
            )
            .with_help(format!(
                "write `holidays \"{}\"` instead: it is kept right from {} to {} (`clause calendar {} --year {}` lists its days); keep typed dates only for the business's own closing days{}",
                same.code,
                same.first,
                same.last,
                same.code,
                hand.last + 1,
                untyped_note(&same.untyped)
            )),
        );
    } else if bundled.is_empty() && hand.last - hand.first + 1 < SHORT_YEARS {
        out.push(
            Diagnostic::new(
                Code::Lint(Lint::CalendarCoverage),
                format!(
                    "the holidays typed by hand cover {} ({how}): business days in any other year cannot be counted",
                    years(hand.first, hand.last)
                ),
                span,
                "a single year of holidays",
            )
            .with_help(help),
        );
    }
}

/// What the bundled calendar would add, when it holds days that were not typed.
fn untyped_note(untyped: &[NaiveDate]) -> String {
    const SHOWN: usize = 5;
    if untyped.is_empty() {
        return String::new();
    }
    let mut days: Vec<String> = untyped.iter().take(SHOWN).map(|d| d.to_string()).collect();
    if untyped.len() > SHOWN {
        days.push(format!("and {} more", untyped.len() - SHOWN));
    }
    format!(
        ". It also closes {} day{} not typed here ({}): check that the business closes then too",
        untyped.len(),
        if untyped.len() == 1 { "" } else { "s" },
        days.join(", ")
    )
}

/// The dates typed by hand in a calendar.
fn typed(cal: &ast::Calendar) -> Vec<NaiveDate> {
    cal.holidays
        .iter()
        .filter_map(|h| match h {
            ast::Holiday::Date(d) => Some(d.node),
            ast::Holiday::Bundled(_) => None,
        })
        .collect()
}

/// A bundled calendar that dates typed by hand reproduce.
struct Resembled {
    code: &'static str,
    first: i32,
    last: i32,
    matched: usize,
    typed: usize,
    /// The calendar's days in those years that were not typed.
    untyped: Vec<NaiveDate>,
}

/// Typed dates fewer than this are a business's own days, not a country's.
const MIN_TYPED: usize = 4;
/// Typed dates in more years than this are left alone (and cost nothing to check).
const MAX_YEARS: usize = 12;

/// The bundled calendar whose holidays the typed dates are, when at least
/// four in five of them are its holidays (a company day or two may be among
/// them) and at least two in three of its days in those years were typed: the
/// calendar with the most of them, then the one with the fewest days of its
/// own (a country before its regions). `None` for a list of a business's own
/// days.
fn resembling(dates: &[NaiveDate]) -> Option<Resembled> {
    if dates.len() < MIN_TYPED {
        return None;
    }
    let mut years: Vec<i32> = dates.iter().map(|d| d.year()).collect();
    years.sort_unstable();
    years.dedup();
    if years.len() > MAX_YEARS {
        return None;
    }
    let mut best: Option<(usize, Vec<NaiveDate>, &'static calendar::Def)> = None;
    for def in calendar::bundled() {
        if years.iter().any(|y| *y < def.first || *y > def.last) {
            continue;
        }
        let days: Vec<NaiveDate> = years
            .iter()
            .flat_map(|y| def.holidays(*y))
            .map(|n| n.date)
            .collect();
        let matched = dates.iter().filter(|d| days.contains(d)).count();
        // Four in five typed dates are the calendar's, and two in three of the
        // calendar's days were typed: a few common closing days (New Year,
        // Christmas) are a business's own list, not the country's.
        if matched * 5 < dates.len() * 4 || matched * 3 < days.len() * 2 {
            continue;
        }
        let better = best
            .as_ref()
            .is_none_or(|(m, d, _)| matched > *m || (matched == *m && days.len() < d.len()));
        if better {
            best = Some((matched, days, def));
        }
    }
    best.map(|(matched, days, def)| Resembled {
        code: def.code,
        first: def.first,
        last: def.last,
        matched,
        typed: dates.len(),
        untyped: days.into_iter().filter(|d| !dates.contains(d)).collect(),
    })
}
