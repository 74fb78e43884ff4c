//! Small phrases: facts and events, windows, fees, evidence, money, dates and
//! lists in words.

use super::decision::Late;
use crate::language::check::ir::IExpr;
use crate::language::check::vocab::FactRef;
use crate::language::eval::facts::{Moment, Owned};
use crate::language::eval::Claim;
use crate::language::money::Money;
use chrono::NaiveDate;

/// Facts an expression reads directly (through `else` defaults too), in order.
pub(super) fn facts_in(e: &IExpr, out: &mut Vec<FactRef>) {
    let mut chain = Vec::new();
    e.else_chain_facts(&mut chain);
    for f in chain {
        if !out.contains(&f) {
            out.push(f);
        }
    }
}

pub(super) fn moment_of(claim: &Claim, f: FactRef) -> Option<Moment> {
    match f {
        FactRef::PlacedAt => claim.order.placed_at,
        FactRef::InvoicedAt => claim.order.invoiced_at,
        FactRef::ShippedAt => claim.order.shipped_at,
        FactRef::DeliveredAt => claim.order.delivered_at,
        FactRef::FiledAt => claim.claim.filed_at,
        FactRef::AuthorizedAt => claim.claim.authorized_at,
        FactRef::LabelIssuedAt => claim.claim.label_issued_at,
        FactRef::ReturnShippedAt => claim.claim.return_shipped_at,
        FactRef::ReturnReceivedAt => claim.claim.return_received_at,
        FactRef::AsOf => claim.as_of,
        FactRef::Custom(i) => match claim.custom.get(i) {
            Some(Some(Owned::Time(m))) => Some(*m),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn custom_name(facts: &[crate::language::check::ir::CustomFact], f: FactRef) -> String {
    match f {
        FactRef::Custom(i) => facts.get(i).map_or_else(
            || "that date".to_string(),
            |c| {
                c.label
                    .clone()
                    .unwrap_or_else(|| format!("the {}", words(&c.name)))
            },
        ),
        _ => "that date".to_string(),
    }
}

/// "You received the order on 16 November 2023": the start of a window.
pub(super) fn started(
    f: FactRef,
    when: &str,
    facts: &[crate::language::check::ir::CustomFact],
) -> String {
    match f {
        FactRef::PlacedAt => format!("you placed the order on {when}"),
        FactRef::InvoicedAt => format!("your order was invoiced on {when}"),
        FactRef::ShippedAt => format!("we shipped the order on {when}"),
        FactRef::DeliveredAt => format!("you received the order on {when}"),
        FactRef::FiledAt => format!("you sent your request on {when}"),
        FactRef::AuthorizedAt => format!("we authorized your return on {when}"),
        FactRef::LabelIssuedAt => format!("your return label was issued on {when}"),
        FactRef::ReturnShippedAt => format!("you sent the item back on {when}"),
        FactRef::ReturnReceivedAt => format!("we received your return on {when}"),
        FactRef::AsOf => format!("the date of this decision is {when}"),
        _ => format!("{} is {when}", custom_name(facts, f)),
    }
}

/// "your request of 20 December 2023": the claim's event tested against a window.
pub(super) fn subject(
    f: FactRef,
    when: &str,
    facts: &[crate::language::check::ir::CustomFact],
) -> String {
    match f {
        FactRef::FiledAt => format!("your request of {when}"),
        FactRef::ReturnShippedAt => format!("your return, sent on {when},"),
        FactRef::ReturnReceivedAt => format!("your return, received on {when},"),
        FactRef::AuthorizedAt => format!("the authorization of {when}"),
        FactRef::LabelIssuedAt => format!("your return label, issued on {when},"),
        FactRef::DeliveredAt => format!("the delivery on {when}"),
        FactRef::ShippedAt => format!("the shipment on {when}"),
        FactRef::PlacedAt => format!("your order of {when}"),
        FactRef::InvoicedAt => format!("the invoice of {when}"),
        FactRef::AsOf => format!("the date of this decision, {when},"),
        _ => format!("{}, {when},", custom_name(facts, f)),
    }
}

/// "Your request came 4 days after the last day of the return window (16 December 2023); ..."
pub(super) fn missed(f: FactRef, late: Late, window: &str, ends: &str) -> String {
    let by = late.words();
    let edge = match late {
        Late::Days(_) => "the last day of",
        Late::Minutes(_) => "the end of",
    };
    match f {
        FactRef::FiledAt => format!(
            "Your request came {by} after {edge} {window} ({ends}); a request made by then would have been in time."
        ),
        FactRef::ReturnShippedAt => format!(
            "Your return was sent {by} after {edge} {window} ({ends}); a return sent by then would have been in time."
        ),
        FactRef::ReturnReceivedAt => format!(
            "Your return reached us {by} after {edge} {window} ({ends}); a return that arrived by then would have been in time."
        ),
        FactRef::AsOf => format!(
            "{} ended on {ends}, {by} before this decision, and what it asks for had not happened by then; doing it within {window} would have been in time.",
            capitalize(window)
        ),
        _ => format!(
            "The date that counts came {by} after {edge} {window} ({ends}); a date within it would have been in time."
        ),
    }
}

/// "the return window", "the label validity period".
pub(super) fn window_words(name: &str) -> String {
    let w = words(name);
    if name.ends_with("_window") || name.ends_with("_period") {
        format!("the {w}")
    } else {
        format!("the {w} period")
    }
}

/// A fee as the subject of a sentence.
pub(super) fn fee_words(fee: &str) -> String {
    match fee {
        "return_shipping" => "the return shipping".to_string(),
        "outbound_shipping" => "the shipping of your order".to_string(),
        "round_trip_shipping" => "the shipping both ways".to_string(),
        "restocking" => "the restocking fee".to_string(),
        "reshipment" => "the cost of sending the item again".to_string(),
        "customs_clearance" => "the customs clearance charges".to_string(),
        other => format!("the {}", words(other)),
    }
}

/// A fee after "for": "USD 45.00 for return shipping".
pub(super) fn deduction_words(fee: &str) -> String {
    match fee {
        "outbound_shipping" => "shipping of your order".to_string(),
        "round_trip_shipping" => "shipping both ways".to_string(),
        "restocking" => "the restocking fee".to_string(),
        "reshipment" => "sending the item again".to_string(),
        other => words(other),
    }
}

/// "the return shipping is on us" / "you pay the return shipping" / "there is no restocking fee".
pub(super) fn fee_clause(fee: &str, payer: &str, amount: Option<Money>, deducted: bool) -> String {
    let what = fee_words(fee);
    if amount.is_some_and(|a| a.amount.is_zero()) {
        match what.strip_prefix("the ") {
            Some(rest) if rest.ends_with(" fee") => format!("there is no {rest}"),
            _ => format!("there is no charge for {what}"),
        }
    } else {
        let shown = match amount {
            Some(a) if !deducted => format!(" ({})", money(a)),
            _ => String::new(),
        };
        if payer == "merchant" {
            format!("{what}{shown} is on us")
        } else {
            format!("you pay {what}{shown}")
        }
    }
}

/// Names the items a fee or deduction belongs to, when that matters.
pub(super) fn with_items(
    clause: &str,
    skus: &[&str],
    general: bool,
    relevant: &[&str],
    has_amount: bool,
) -> String {
    if general || skus.is_empty() {
        return clause.to_string();
    }
    let all = relevant.iter().all(|r| skus.contains(r));
    if all && (!has_amount || relevant.len() <= 1) {
        return clause.to_string();
    }
    let who = if all && skus.len() > 1 {
        "each item".to_string()
    } else {
        join_and(skus)
    };
    format!("for {who}, {clause}")
}

/// An evidence code as what the customer should send.
pub fn evidence_words(code: &str) -> String {
    match code {
        "photos_item" => "photos of the item".to_string(),
        "photos_all_sides" => "photos of the item from all sides".to_string(),
        "photos_packaging" => "photos of the packaging".to_string(),
        "photos_accessories" => "photos of the accessories".to_string(),
        "photos_damage" => "photos of the damage".to_string(),
        "order_number" => "your order number".to_string(),
        "tracking_number" => "the tracking number of the parcel".to_string(),
        "model_number" => "the model number of the item".to_string(),
        "reason_description" => "a short description of the reason for your request".to_string(),
        other => words(other),
    }
}

pub(super) fn sku_prefix(sku: Option<&str>) -> String {
    sku.map_or_else(String::new, |s| format!("For {s}, "))
}

/// "USD 1,753.00": the verdict's rounding, with thousands grouped.
pub(super) fn money(m: Money) -> String {
    let r = m.rounded();
    let digits = r.amount.abs().to_string();
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if r.amount.is_sign_negative() && !r.amount.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{} {sign}{grouped}.{f}", r.currency),
        None => format!("{} {sign}{grouped}", r.currency),
    }
}

pub(super) fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

pub(super) fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// `snake_case` in words.
pub(super) fn words(s: &str) -> String {
    s.replace('_', " ")
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn lower_first(s: &str) -> String {
    // Only a sentence's own opening word is lowered, never a code or amount ("USD").
    match s.split_once(' ') {
        Some((first, rest)) if first.chars().skip(1).all(|c| c.is_lowercase()) => {
            let mut c = first.chars();
            let head: String = c.next().into_iter().flat_map(char::to_lowercase).collect();
            format!("{head}{} {rest}", c.as_str())
        }
        _ => s.to_string(),
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn join_and<S: AsRef<str>>(parts: &[S]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Escapes text for Markdown, so a merchant's `*` or `[` stays a character.
pub(super) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The same comparison with its sides swapped.
pub(super) fn flip(op: crate::ast::CompareOp) -> crate::ast::CompareOp {
    use crate::ast::CompareOp as Op;
    match op {
        Op::Lt => Op::Gt,
        Op::Le => Op::Ge,
        Op::Gt => Op::Lt,
        Op::Ge => Op::Le,
        other => other,
    }
}
