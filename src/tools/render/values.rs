//! Literals in words: dates and date ranges, numbers, percentages and money.

use crate::ast::{BinOp, Expr, ExprKind, Test};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// A faithful rendering of a condition the words renderer does not special-case.
pub(super) fn literal_truth(e: &Expr, pos: bool) -> String {
    if pos {
        format!("“{}” holds", literal(e))
    } else {
        format!("“{}” does not hold", literal(e))
    }
}

/// An expression written back as the policy language.
pub(super) fn literal(e: &Expr) -> String {
    let inner = |x: &Expr| match &x.node {
        ExprKind::Binary(..) | ExprKind::Test(..) | ExprKind::Not(_) => format!("({})", literal(x)),
        _ => literal(x),
    };
    let codes = |c: &[crate::ast::Name]| {
        let v: Vec<&str> = c.iter().map(|n| n.node.as_str()).collect();
        format!("({})", v.join(", "))
    };
    match &e.node {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Percent(p) => fmt_percent(*p),
        ExprKind::Money { currency, amount } => format!("{} {amount}", currency.node),
        ExprKind::Weight { value, unit } => format!("{value} {}", unit.node),
        ExprKind::Date(d) => d.format("%Y-%m-%d").to_string(),
        ExprKind::Path(p) | ExprKind::Ref(p) => p.clone(),
        ExprKind::Not(x) => format!("not {}", inner(x)),
        ExprKind::Binary(op, a, b) => {
            let op = match op {
                BinOp::And => "and",
                BinOp::Or => "or",
                BinOp::Else => "else",
                BinOp::Add => "+",
                BinOp::Sub => "-",
                BinOp::Mul => "*",
            };
            format!("{} {op} {}", inner(a), inner(b))
        }
        ExprKind::Convert(x, cur) => format!("{} in {}", inner(x), cur.node),
        ExprKind::Test(s, t) => {
            let s = inner(s);
            match t {
                Test::IsSet => format!("{s} is set"),
                Test::IsMissing => format!("{s} is missing"),
                Test::Is { codes: c, negated } => {
                    let not = if *negated { "not " } else { "" };
                    match c.as_slice() {
                        [one] => format!("{s} is {not}{}", one.node),
                        _ => format!("{s} is {not}one of {}", codes(c)),
                    }
                }
                Test::HasAny(c) => format!("{s} has any of {}", codes(c)),
                Test::HasAll(c) => format!("{s} has all of {}", codes(c)),
                Test::Within(w) => format!("{s} within {}", w.node),
                Test::After(w) => format!("{s} after {}", w.node),
                Test::Before(w) => format!("{s} before {}", w.node),
                Test::Between(lo, hi) => format!("{s} between {} and {}", inner(lo), inner(hi)),
                Test::Compare(op, rhs) => {
                    let op = op.symbol();
                    format!("{s} {op} {}", inner(rhs))
                }
            }
        }
    }
}

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) fn month_name(d: NaiveDate) -> &'static str {
    MONTHS.get(d.month0() as usize).copied().unwrap_or("")
}

/// "31 January 2024".
pub(super) fn fmt_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), month_name(d), d.year())
}

/// "1 November – 31 December 2023".
pub(super) fn date_range(a: NaiveDate, b: NaiveDate) -> String {
    if a.year() != b.year() {
        format!("{} – {}", fmt_date(a), fmt_date(b))
    } else if a.month() != b.month() {
        format!(
            "{} {} – {} {} {}",
            a.day(),
            month_name(a),
            b.day(),
            month_name(b),
            b.year()
        )
    } else {
        format!("{}–{} {} {}", a.day(), b.day(), month_name(b), b.year())
    }
}

/// "1 November and 31 December 2023" (after "between").
pub(super) fn date_between(a: NaiveDate, b: NaiveDate) -> String {
    if a.year() == b.year() {
        format!("{} {} and {}", a.day(), month_name(a), fmt_date(b))
    } else {
        format!("{} and {}", fmt_date(a), fmt_date(b))
    }
}

/// Dates of one year as runs of consecutive days: "1 Jan, 9–12 Feb, 31 Mar – 1 Apr".
pub(super) fn date_runs(dates: &[NaiveDate]) -> String {
    let short = |d: NaiveDate| format!("{} {}", d.day(), month_name(d).get(..3).unwrap_or(""));
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in dates {
        match runs.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(d) => *end = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                short(a)
            } else if a.month() == b.month() {
                format!("{}–{}", a.day(), short(b))
            } else {
                format!("{} – {}", short(a), short(b))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn fmt_number(n: Decimal) -> String {
    n.normalize().to_string()
}

/// A percentage, held as a fraction: 0.15 → "15%".
pub(super) fn fmt_percent(p: Decimal) -> String {
    match p.checked_mul(Decimal::ONE_HUNDRED) {
        Some(n) => format!("{}%", fmt_number(n)),
        None => format!("{} × 100%", fmt_number(p)),
    }
}

/// "USD 130", "CNY 1,000", "EUR 21.50".
pub(super) fn fmt_money(currency: &str, amount: Decimal) -> String {
    let text = amount.to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", int.clone()),
    };
    let mut grouped = String::new();
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{currency} {sign}{grouped}.{f}"),
        None => format!("{currency} {sign}{grouped}"),
    }
}
