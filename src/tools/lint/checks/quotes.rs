//! `missing-source-text` and `stale-quote`: a rule's quote of the page, missing or
//! saying a period the rule no longer uses.

use super::finding;
use super::windows::window_name_span;
use crate::ast::{self, PolicyFile, TimeUnit};
use crate::language::check::ir::{CheckedRule, Policy, WindowShape};
use crate::language::diagnostic::Diagnostic;
use crate::tools::lint::Lint;

pub(super) fn source_text(rule: &ast::Rule, out: &mut Vec<Diagnostic>) {
    if rule.quote.node.chars().any(char::is_alphanumeric) {
        return;
    }
    out.push(
        finding(
            Lint::MissingSourceText,
            format!("rule `{}` does not quote the policy page", rule.name.node),
            rule.quote.span,
            "no words from the page",
        )
        .with_help("quote the sentence of the policy page this rule encodes: verdicts show it to the customer as the reason"),
    );
}

/// Periods a quote states: (count, unit), units as a window counts them.
pub(super) fn stated_periods(quote: &str) -> Vec<(u32, TimeUnit)> {
    let words: Vec<String> = quote
        .split(|c: char| !(c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(count) = number_word(w) else {
            continue;
        };
        let mut next = words.get(i + 1).map(String::as_str);
        let mut business = false;
        if matches!(next, Some("business" | "working")) {
            business = true;
            next = words.get(i + 2).map(String::as_str);
        }
        let unit = match next {
            Some("day" | "days") if business => TimeUnit::BusinessDays,
            Some("day" | "days") => TimeUnit::Days,
            Some("hour" | "hours") => TimeUnit::Hours,
            Some("week" | "weeks") => TimeUnit::Weeks,
            Some("month" | "months") => TimeUnit::Months,
            _ => continue,
        };
        out.push((count, unit));
    }
    out
}

pub(super) fn number_word(w: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    match w {
        "fourteen" => Some(14),
        "thirty" => Some(30),
        _ => WORDS
            .iter()
            .position(|x| *x == w)
            .and_then(|i| u32::try_from(i).ok())
            .or_else(|| w.parse().ok()),
    }
}

/// A quote that states a period of a unit the rule's windows count in, which
/// none of them has: the page changed, or the window did.
pub(super) fn stale_quote(
    file: &PolicyFile,
    policy: &Policy,
    rule: &CheckedRule,
    ast_rule: &ast::Rule,
    out: &mut Vec<Diagnostic>,
) {
    let windows: Vec<(usize, u32, TimeUnit)> = rule
        .deadlines
        .iter()
        .filter_map(|&w| match policy.windows.get(w)?.shape {
            WindowShape::From { count, unit, .. } => Some((w, count, unit)),
            _ => None,
        })
        .collect();
    for (count, unit) in stated_periods(&ast_rule.quote.node) {
        let same_unit: Vec<&(usize, u32, TimeUnit)> =
            windows.iter().filter(|(_, _, u)| *u == unit).collect();
        if same_unit.is_empty() || same_unit.iter().any(|(_, c, _)| *c == count) {
            continue;
        }
        let mut d = finding(
            Lint::StaleQuote,
            format!(
                "rule `{}` quotes a period of {count} {}, but the windows it uses count {}",
                ast_rule.name.node,
                unit_words(unit),
                same_unit
                    .iter()
                    .map(|(_, c, u)| format!("{c} {}", unit_words(*u)))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            ast_rule.quote.span,
            "these words",
        );
        for (w, _, _) in &same_unit {
            if let Some(span) = window_name_span(file, *w) {
                d = d.with_label(span, "this window");
            }
        }
        out.push(d.with_help(
            "the customer reads these words as the reason for the verdict: update the quote from the current page, or the window",
        ));
        return;
    }
}

pub(super) fn unit_words(u: TimeUnit) -> &'static str {
    match u {
        TimeUnit::Days => "days",
        TimeUnit::BusinessDays => "business days",
        TimeUnit::Hours => "hours",
        TimeUnit::Weeks => "weeks",
        TimeUnit::Months => "months",
    }
}
