//! Example claims: a candidate from the search in [`super::logic`] made into a
//! concrete claim in the contract's JSON, which the real evaluator then judges.
//!
//! A claim starts from a plain, favourable base (an unopened item in its box, a
//! claim filed a few days after delivery) and takes every value the candidate
//! fixes. What the candidate leaves open (dates against windows, amounts against
//! thresholds) is tried in a few variants: early and late filing, small and large
//! amounts. A lint reports an example only after the evaluator agrees with it.

use chrono::{Days, NaiveDate};
use serde_json::{json, Map, Value};

use super::logic::{fact_type, unmentioned_code, Key, Model, Val};
use crate::language::check::ir::Policy;
use crate::language::check::types::Ty;
use crate::language::check::vocab::{self, FactRef};

/// The day every example claim's order is placed on (a Monday with no holidays
/// in the bundled lists).
pub fn base_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 4).unwrap_or_default()
}

fn day(offset: u64) -> String {
    base_day()
        .checked_add_days(Days::new(offset))
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// How an example claim's open values are chosen.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    /// Days from delivery to filing the claim.
    pub filed_after_delivery: u64,
    /// The price of the item, in whole units of the currency.
    pub price: u32,
}

/// The variants tried, in order: the first the evaluator agrees with is shown.
pub const VARIANTS: [Variant; 4] = [
    Variant {
        filed_after_delivery: 3,
        price: 80,
    },
    Variant {
        filed_after_delivery: 400,
        price: 80,
    },
    Variant {
        filed_after_delivery: 3,
        price: 5000,
    },
    Variant {
        filed_after_delivery: 400,
        price: 5000,
    },
];

/// A favourable claim of `kind` for `policy`, with one item.
pub fn base_claim(policy: &Policy, kind: &str, v: Variant) -> Value {
    let currency = policy.currency.clone().unwrap_or_else(|| "USD".into());
    let money = |amount: u32| json!({"amount": format!("{amount}.00"), "currency": currency});
    let delivered = 4;
    let filed = delivered + v.filed_after_delivery;
    let mut claim = json!({
        "claim_id": "example",
        "order": {
            "id": "example-order",
            "placed_at": format!("{}T10:00:00Z", day(0)),
            "invoiced_at": day(0),
            "shipped_at": day(1),
            "picked_up_by_carrier": true,
            "delivered_at": day(delivered),
            "channel": "web",
            "destination": {"country": "US", "address_kind": "street"},
            "payment_method": "credit_card",
            "total": money(v.price),
            "shipping_paid": money(0),
        },
        "items": [{
            "sku": "SKU-1",
            "category": "general",
            "price": money(v.price),
            "quantity": 1,
            "weight": {"value": "2", "unit": "lb"},
            "bundle_id": null,
            "tags": [],
            "condition": {
                "opened": false, "used": false, "damaged": false, "original_packaging": true,
                "packaging_damaged": false, "accessories_complete": true, "labels_intact": true
            }
        }],
        "claim": {
            "kind": kind,
            "filed_at": format!("{}T10:00:00Z", day(filed)),
            "reason": "changed_mind",
            "requested_remedy": "refund",
            "items": ["SKU-1"],
            "evidence": [],
            "preapproved": true,
            "return_label_issued_at": day(filed),
            "return_shipped_at": null,
            "return_received_at": null,
            "return_cost": null
        },
        "as_of": format!("{}T10:00:00Z", day(filed + 1)),
    });
    let mut facts = Map::new();
    for f in &policy.facts {
        let value = match &f.ty {
            Ty::Bool => json!(false),
            Ty::Number => json!(1),
            Ty::Percent => json!("10"),
            Ty::Money(c) => {
                json!({"amount": "10.00", "currency": c.map_or(currency.clone(), |c| c.to_string())})
            }
            Ty::Weight => json!({"value": "1", "unit": "kg"}),
            Ty::Time => json!(day(delivered)),
            Ty::Code(d) => json!(d.codes().and_then(|c| c.first().map(|s| s.to_string()))),
            Ty::Codes(_) => json!([]),
            Ty::Text => json!("example"),
        };
        facts.insert(f.name.clone(), value);
    }
    if !facts.is_empty() {
        if let Some(o) = claim.as_object_mut() {
            o.insert("facts".into(), Value::Object(facts));
        }
    }
    claim
}

/// The place of a fact in a claim: keys from the root (`item.` facts are the
/// first item's).
fn json_path(policy: &Policy, f: FactRef) -> Vec<String> {
    if let FactRef::Custom(i) = f {
        let name = policy.facts.get(i).map_or("", |c| c.name.as_str());
        return vec!["facts".into(), name.into()];
    }
    let path = vocab::path_of(f);
    let mut parts: Vec<String> = path.split('.').map(str::to_string).collect();
    if parts.first().map(String::as_str) == Some("item") {
        parts.splice(0..1, ["items".to_string(), "0".to_string()]);
    }
    parts
}

fn slot<'v>(root: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    let mut at = root;
    for p in path {
        at = match at {
            Value::Object(m) => m.entry(p.clone()).or_insert(Value::Null),
            Value::Array(a) => a.get_mut(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

/// Applies a candidate assignment to a claim.
pub fn apply(model: &Model<'_>, policy: &Policy, assign: &[Option<usize>], claim: &mut Value) {
    for (var, chosen) in model.vars.iter().zip(assign) {
        let Some(val) = chosen.and_then(|c| var.domain.get(c)) else {
            continue;
        };
        match &var.key {
            Key::Fact(f) => {
                let path = json_path(policy, *f);
                let value = match val {
                    Val::Bool(b) => json!(b),
                    Val::Code(c) => json!(c),
                    Val::Missing => Value::Null,
                    Val::OtherCode => {
                        let mentioned: Vec<&str> = var
                            .domain
                            .iter()
                            .filter_map(|v| match v {
                                Val::Code(c) => Some(c.as_str()),
                                _ => None,
                            })
                            .collect();
                        match fact_type(policy, *f).0 {
                            Some(Ty::Code(d)) => {
                                unmentioned_code(&d, &mentioned).map_or(Value::Null, Value::String)
                            }
                            _ => Value::Null,
                        }
                    }
                };
                if let Some(s) = slot(claim, &path) {
                    *s = value;
                }
            }
            Key::Has(f, code) => {
                if let Some(s) = slot(claim, &json_path(policy, *f)) {
                    if !s.is_array() {
                        *s = json!([]);
                    }
                    if let Value::Array(list) = s {
                        list.retain(|x| x.as_str() != Some(code));
                        if *val == Val::Bool(true) {
                            list.push(json!(code));
                        }
                    }
                }
            }
            Key::Set(f) => {
                if *val == Val::Bool(false) {
                    if let Some(s) = slot(claim, &json_path(policy, *f)) {
                        *s = Value::Null;
                    }
                } else if let Some(s) = slot(claim, &json_path(policy, *f)) {
                    if s.is_null() {
                        *s = set_value(policy, *f);
                    }
                }
            }
            Key::Opaque(_) => {}
        }
    }
}

/// A value for an open-ended fact the base claim leaves out.
fn set_value(policy: &Policy, f: FactRef) -> Value {
    let currency = policy.currency.clone().unwrap_or_else(|| "USD".into());
    match fact_type(policy, f).0 {
        Some(Ty::Time) => json!(day(10)),
        Some(Ty::Money(_)) => json!({"amount": "10.00", "currency": currency}),
        Some(Ty::Weight) => json!({"value": "2", "unit": "lb"}),
        Some(Ty::Number) => json!(1),
        Some(Ty::Text) => json!("example"),
        _ => Value::Null,
    }
}

/// The values a candidate fixes, in a few words: `claim.reason = missing_item,
/// order.delivered_at missing`. Opaque tests are not listed.
pub fn describe(model: &Model<'_>, policy: &Policy, assign: &[Option<usize>]) -> String {
    let mut parts = Vec::new();
    for (var, chosen) in model.vars.iter().zip(assign) {
        let Some(val) = chosen.and_then(|c| var.domain.get(c)) else {
            continue;
        };
        let path = |f: FactRef| match f {
            FactRef::Custom(i) => format!(
                "facts.{}",
                policy.facts.get(i).map_or("", |c| c.name.as_str())
            ),
            other => vocab::path_of(other).to_string(),
        };
        let text = match (&var.key, val) {
            (Key::Fact(f), Val::Missing) | (Key::Set(f), Val::Bool(false)) => {
                format!("{} missing", path(*f))
            }
            (Key::Fact(f), Val::Bool(b)) => format!("{} = {b}", path(*f)),
            (Key::Fact(f), Val::Code(c)) => format!("{} = {c}", path(*f)),
            (Key::Fact(f), Val::OtherCode) => format!("{} = another code", path(*f)),
            (Key::Has(f, c), Val::Bool(true)) => format!("{} has {c}", path(*f)),
            (Key::Has(f, c), Val::Bool(false)) => format!("{} without {c}", path(*f)),
            _ => continue,
        };
        parts.push(text);
    }
    if parts.is_empty() {
        "any claim".into()
    } else {
        parts.join(", ")
    }
}
