//! `calendar-coverage`: holidays typed by hand that cover fewer years than the
//! policy looks likely to need. A calendar counts business days only inside the
//! years every one of its holiday lists covers (see `language::calendar`), so a
//! short hand-typed list makes claims outside it fail: better said before a
//! claim finds it.

use crate::ast::{self, Decl, PolicyFile};
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
