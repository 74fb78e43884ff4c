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
                "write `holidays \"{}\"` instead: it is kept right from {} to {} (`clause calendar {} --year {}` lists its days); keep typed dates only for the business's own closing days",
                same.code, same.first, same.last, same.code, hand.last + 1
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
}

/// Typed dates fewer than this are a business's own days, not a country's.
const MIN_TYPED: usize = 4;
/// Typed dates in more years than this are left alone (and cost nothing to check).
const MAX_YEARS: usize = 12;

/// The bundled calendar whose holidays the typed dates are, when at least
/// four in five of them are its holidays (a company day or two may be among
/// them) and it holds no more than twice as many days in those years as were
/// typed: the calendar with the most of them, then the one with the fewest
/// days of its own (a country before its regions). `None` for a list of a
/// business's own days.
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
    let mut best: Option<(usize, usize, &'static calendar::Def)> = None;
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
        if matched * 5 < dates.len() * 4 || days.len() > 2 * dates.len() {
            continue;
        }
        let better = best.is_none_or(|(m, n, _)| matched > m || (matched == m && days.len() < n));
        if better {
            best = Some((matched, days.len(), def));
        }
    }
    best.map(|(matched, _, def)| Resembled {
        code: def.code,
        first: def.first,
        last: def.last,
        matched,
        typed: dates.len(),
    })
}
