//! The words for facts, codes, remedies, evidence, fees, payers and windows.

use super::values::fmt_number;
use crate::ast::{Duration, TimeUnit};
use rust_decimal::Decimal;

/// A fact of the claim as a noun phrase.
pub(super) fn path_noun(path: &str) -> String {
    if let Some(n) = fact_noun(path) {
        return n.to_string();
    }
    match path.strip_prefix("facts.") {
        Some(name) => format!("“{}”", humanize(name)),
        None => format!("“{path}”"),
    }
}

/// Every path of the standard vocabulary as a noun phrase.
pub(super) fn fact_noun(path: &str) -> Option<&'static str> {
    if let Some((day, _)) = event_nouns(path) {
        return Some(day);
    }
    Some(match path {
        "claim_id" => "the claim number",
        "order.id" => "the order number",
        "order.picked_up_by_carrier" => "whether the carrier has picked up the order",
        "order.channel" => "the sales channel",
        "order.destination.country" => "the destination country",
        "order.destination.address_kind" => "the kind of delivery address",
        "order.payment_method" => "the payment method",
        "order.total" => "the order total",
        "order.shipping_paid" => "the shipping you paid",
        "item.sku" => "the item's SKU",
        "item.category" => "the item's category",
        "item.price" => "the item's price",
        "item.quantity" => "the quantity",
        "item.weight" => "the item's weight",
        "item.bundle_id" => "the item's bundle",
        "item.tags" => "the item's tags",
        "item.condition.opened" => "whether the item has been opened",
        "item.condition.used" => "whether the item has been used",
        "item.condition.damaged" => "whether the item is damaged",
        "item.condition.original_packaging" => "whether the item comes with its original packaging",
        "item.condition.packaging_damaged" => "whether the item's packaging is damaged",
        "item.condition.accessories_complete" => {
            "whether all of the item's accessories are included"
        }
        "item.condition.labels_intact" => "whether the item's labels are intact",
        "item.whole_bundle_claimed" => "whether your request covers the whole bundle",
        "claim.kind" => "the kind of request",
        "claim.reason" => "the reason for your request",
        "claim.requested_remedy" => "the remedy you ask for",
        "claim.evidence" => "what you sent us",
        "claim.preapproved" => "whether we approved your request in advance",
        "claim.return_cost" => "the cost of the return shipment",
        _ => return None,
    })
}

/// An event of the claim: the noun for its day, and for its moment.
pub(super) fn event_nouns(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "as_of" => ("the day we decide", "the time we decide"),
        "order.placed_at" => ("the order date", "the time of the order"),
        "order.invoiced_at" => ("the invoice date", "the time of invoicing"),
        "order.shipped_at" => ("the shipping date", "the time of shipping"),
        "order.delivered_at" => ("the delivery date", "the time of delivery"),
        "claim.filed_at" => ("the day you contact us", "the time you contact us"),
        "claim.authorized_at" => (
            "the day we authorize the return",
            "the time we authorize the return",
        ),
        "claim.return_label_issued_at" => (
            "the day the return label is issued",
            "the time the return label is issued",
        ),
        "claim.return_shipped_at" => (
            "the day you ship the return",
            "the time you ship the return",
        ),
        "claim.return_received_at" => (
            "the day we receive the return",
            "the time we receive the return",
        ),
        _ => return None,
    })
}

/// A yes-or-no fact as a sentence: when it is true, when it is false.
pub(super) fn yes_no_words(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "order.picked_up_by_carrier" => (
            "the carrier has picked up the order",
            "the carrier has not picked up the order",
        ),
        "item.condition.opened" => ("the item has been opened", "the item has not been opened"),
        "item.condition.used" => ("the item has been used", "the item has not been used"),
        "item.condition.damaged" => ("the item is damaged", "the item is not damaged"),
        "item.condition.original_packaging" => (
            "the item comes with its original packaging",
            "the item does not come with its original packaging",
        ),
        "item.condition.packaging_damaged" => (
            "the item's packaging is damaged",
            "the item's packaging is not damaged",
        ),
        "item.condition.accessories_complete" => (
            "all of the item's accessories are included",
            "some of the item's accessories are missing",
        ),
        "item.condition.labels_intact" => (
            "the item's labels are intact",
            "the item's labels are not intact",
        ),
        "item.whole_bundle_claimed" => (
            "your request covers the whole bundle",
            "your request does not cover the whole bundle",
        ),
        "claim.preapproved" => (
            "your request was approved in advance",
            "your request was not approved in advance",
        ),
        _ => return None,
    })
}

pub(super) fn yes_no(path: &str, pos: bool) -> String {
    if let Some((yes, no)) = yes_no_words(path) {
        return if pos { yes } else { no }.to_string();
    }
    format!("{} is {}", path_noun(path), if pos { "yes" } else { "no" })
}

/// Whether a fact is known, in words: when it is, when it is not.
pub(super) fn known_words(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "order.invoiced_at" => ("the order has been invoiced", "there is no invoice date"),
        "order.shipped_at" => (
            "the order has shipped",
            "we have no shipping date for the order",
        ),
        "order.delivered_at" => (
            "the order has been delivered",
            "we have no delivery date for the order",
        ),
        "order.picked_up_by_carrier" => (
            "we know whether the carrier has picked up the order",
            "we do not know whether the carrier has picked up the order",
        ),
        "item.bundle_id" => (
            "the item is part of a bundle",
            "the item is not part of a bundle",
        ),
        "claim.requested_remedy" => (
            "you say which remedy you want",
            "you do not say which remedy you want",
        ),
        "claim.authorized_at" => (
            "we have authorized the return",
            "we have not authorized the return",
        ),
        "claim.return_label_issued_at" => (
            "a return label has been issued",
            "no return label has been issued",
        ),
        "claim.return_shipped_at" => (
            "you have shipped the return",
            "the return has no shipping date yet",
        ),
        "claim.return_received_at" => (
            "we have received the return",
            "we have not received the return yet",
        ),
        "claim.return_cost" => (
            "the cost of the return shipment is known",
            "the cost of the return shipment is not known yet",
        ),
        _ => return None,
    })
}

/// A code of a fact in words.
pub(super) fn code_words(path: &str, code: &str) -> String {
    let fixed = match (path, code) {
        ("order.channel", "web") => "our website",
        ("order.channel", "app") => "our app",
        ("order.channel", "marketplace") => "a marketplace",
        ("order.channel", "kickstarter") => "Kickstarter",
        ("order.channel", "indiegogo") => "Indiegogo",
        ("order.channel", "personal_request") => "a personal request",
        ("order.channel", "wholesale") => "wholesale",
        ("order.destination.address_kind", "street") => "a street address",
        ("order.destination.address_kind", "po_box") => "a P.O. box",
        ("order.destination.address_kind", "military") => "a military address (APO, FPO, DPO)",
        ("order.payment_method", "credit_card") => "credit card",
        ("order.payment_method", "debit_card") => "debit card",
        ("order.payment_method", "paypal") => "PayPal",
        ("order.payment_method", "bank_transfer") => "bank transfer",
        ("order.payment_method", "store_credit") => "store credit",
        ("order.payment_method", "gift_card") => "gift card",
        ("order.payment_method", "cash_on_delivery") => "cash on delivery",
        ("order.payment_method", "other") => "another method",
        ("claim.reason", "changed_mind") => "a change of mind",
        ("claim.reason", "defective") => "a defect",
        ("claim.reason", "damaged_in_transit") => "damage in transit",
        ("claim.reason", "wrong_item") => "a wrong item",
        ("claim.reason", "missing_item") => "a missing item",
        ("claim.reason", "not_as_described") => "an item not as described",
        ("claim.reason", "quality_issue") => "a quality issue",
        ("claim.reason", "address_problem") => "an address problem",
        ("claim.reason", "carrier_delay") => "a carrier delay",
        ("claim.reason", "none") => "none",
        ("claim.reason", "other") => "another reason",
        ("claim.kind", "return") => "a return",
        ("claim.kind", "cancellation") => "a cancellation",
        ("claim.kind", "delivery_issue") => "a delivery problem",
        ("claim.kind", "shipping") => "a shipping check",
        ("claim.requested_remedy", r) => return remedy_words(r),
        ("order.destination.country", c) => return c.to_string(),
        _ => return humanize(code),
    };
    fixed.to_string()
}

pub(super) fn remedy_words(remedy: &str) -> String {
    match remedy {
        "refund" => "a refund",
        "exchange" => "an exchange",
        "store_credit" => "store credit",
        "reship" => "a replacement shipment",
        "repair" => "a repair",
        "cancel" => "a cancellation of the order",
        other => return humanize(other),
    }
    .to_string()
}

pub(super) fn evidence_words(code: &str) -> String {
    match code {
        "photos_item" => "photos of the item",
        "photos_all_sides" => "photos of all sides of the item",
        "photos_packaging" => "photos of the packaging",
        "photos_accessories" => "photos of the accessories",
        "photos_damage" => "photos of the damage",
        "order_number" => "your order number",
        "tracking_number" => "the tracking number",
        "model_number" => "the model number",
        "reason_description" => "a description of the reason",
        other => return humanize(other),
    }
    .to_string()
}

pub(super) fn fee_words(fee: &str) -> String {
    match fee {
        "return_shipping" => "Return shipping",
        "outbound_shipping" => "Shipping to you",
        "round_trip_shipping" => "Shipping both ways",
        "restocking" => "Restocking fee",
        "reshipment" => "Reshipping",
        "customs_clearance" => "Customs clearance",
        other => return capitalize(&humanize(other)),
    }
    .to_string()
}

pub(super) fn payer_words(payer: &str) -> String {
    match payer {
        "customer" => "You",
        "merchant" => "We",
        other => return capitalize(&humanize(other)),
    }
    .to_string()
}

/// "the return window", "the label validity period".
pub(super) fn window_noun(name: &str) -> String {
    let words = humanize(name);
    if words.ends_with("window") || words.ends_with("period") {
        format!("the {words}")
    } else {
        format!("the {words} period")
    }
}

/// "30 days from the invoice date (or the order date when that is not known)".
/// `fact` names a custom fact (`facts.NAME`): its label, when it has one.
pub(super) fn anchor_text(
    anchor: &[crate::ast::Name],
    moment: bool,
    fact: &dyn Fn(&str) -> String,
) -> String {
    let nouns: Vec<String> = anchor
        .iter()
        .map(|a| match event_nouns(&a.node) {
            Some((day, time)) => if moment { time } else { day }.to_string(),
            None if a.node.starts_with("facts.") => fact(&a.node),
            None => path_noun(&a.node),
        })
        .collect();
    let mut parts = nouns.iter();
    let mut s = parts.next().cloned().unwrap_or_default();
    for n in parts {
        s.push_str(&format!(" (or {n} when that is not known)"));
    }
    s
}

pub(super) fn duration_text(d: &Duration) -> String {
    let one = d.count.node == Decimal::ONE;
    let unit = match (d.unit, one) {
        (TimeUnit::Days, false) => "days",
        (TimeUnit::Days, true) => "day",
        (TimeUnit::BusinessDays, false) => "business days",
        (TimeUnit::BusinessDays, true) => "business day",
        (TimeUnit::Hours, false) => "hours",
        (TimeUnit::Hours, true) => "hour",
        (TimeUnit::Weeks, false) => "weeks",
        (TimeUnit::Weeks, true) => "week",
        (TimeUnit::Months, false) => "months",
        (TimeUnit::Months, true) => "month",
    };
    format!("{} {unit}", fmt_number(d.count.node))
}

/// A name the merchant chose, in words: `ship_back_window` → "ship back window".
/// A custom event fact with no label, as a noun: "the “return authorized”
/// date", and "the “plain date”" for a name that already says it is a day.
pub(super) fn event_fact_noun(name: &str) -> String {
    let words = humanize(name);
    let says_day = ["date", "day", "time"]
        .iter()
        .any(|w| words == *w || words.ends_with(&format!(" {w}")));
    if says_day {
        format!("the “{words}”")
    } else {
        format!("the “{words}” date")
    }
}

pub(super) fn humanize(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "us" | "uk" | "eu" | "po" | "sku" | "id" | "rma" | "ems" | "dhl" | "ups" | "usps"
            | "vat" => w.to_uppercase(),
            "english" | "korean" | "chinese" | "french" | "european" | "france" | "china"
            | "korea" | "japan" | "germany" | "canada" | "australia" => capitalize(w),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn join_plain<S: AsRef<str>>(items: &[S], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {conj} {}", init.join(", "), last.as_ref())
        }
    }
}

/// "a, and b", "a, b, and c": for parts that hold commas or conjunctions themselves.
pub(super) fn join_serial<S: AsRef<str>>(items: &[S], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{}, {conj} {}", init.join(", "), last.as_ref())
        }
    }
}
