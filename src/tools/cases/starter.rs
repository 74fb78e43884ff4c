//! A starting cases file for a policy that has none (`clause cases POLICY --new`):
//! one filled-in claim as the base, and one case that expects the verdict the
//! claim gets today, so that the merchant edits a claim instead of writing JSON.
//!
//! The claim is built from the policy's own declarations: its currency, its time
//! zone, the kind its first rule block decides, and a value of the declared type
//! for every custom fact. Its dates are counted back from `today`, which the
//! day of `now` in the policy's time zone (the caller supplies `now`: the library
//! reads no clock): ordered 14 days before, invoiced the same day, shipped the
//! next, delivered 10 days before, filed today at noon.

use chrono::{DateTime, Duration, NaiveDate, TimeZone as _, Utc};
use serde_json::{json, Map, Value};

use crate::language::check::ir::Policy;
use crate::language::check::types::Ty;
use crate::language::eval::verdict::Ends;

use super::expectations;

/// A starting cases file for `policy` (whose file is named `policy_file`), and
/// the reason its one claim was refused, if it was (then the case expects
/// nothing yet, and the merchant has a field to fix).
pub fn starter_cases(
    policy: &Policy,
    policy_file: &str,
    now: DateTime<Utc>,
) -> (Value, Option<String>) {
    let today = now.with_timezone(&policy.timezone).date_naive();
    let base = starter_claim(policy, today);
    let verdict = crate::language::eval::facts::decode_value(&base, policy)
        .and_then(|c| crate::language::eval::evaluate(policy, &c))
        .map(|v| serde_json::to_value(&v).unwrap_or(Value::Null));
    let (expect, refused) = match verdict {
        Ok(v) => (expectations(&v), None),
        Err(e) => (Map::new(), Some(e.to_string())),
    };
    let file = json!({
        "policy": policy_file,
        "base": base,
        "cases": [{
            "name": "example",
            "text": "A starting claim: change the fields in \"set\" (or the base) to what your page describes, and the expectation to what the page promises.",
            "set": {},
            "expect": expect,
        }],
    });
    (file, refused)
}

/// A claim of the kind the policy's first rule block decides, with every
/// standard field filled and every declared fact given a value of its type.
pub fn starter_claim(policy: &Policy, today: NaiveDate) -> Value {
    let currency = policy.currency.clone().unwrap_or_else(|| "USD".to_string());
    let money = |amount: &str| json!({"amount": amount, "currency": currency});
    let day = |back: i64| {
        today
            .checked_sub_signed(Duration::days(back))
            .unwrap_or(today)
            .to_string()
    };
    let at = |back: i64, hour: u32| {
        let d = today
            .checked_sub_signed(Duration::days(back))
            .unwrap_or(today);
        d.and_hms_opt(hour, 0, 0)
            .and_then(|t| policy.timezone.from_local_datetime(&t).earliest())
            .map_or_else(
                || d.to_string(),
                |i| Ends::Instant(i.fixed_offset()).to_string(),
            )
    };
    let kind = policy
        .blocks
        .first()
        .map_or("return", |b| b.kind.as_str())
        .to_string();
    let (reason, remedy) = match kind.as_str() {
        "shipping" => ("none", Value::Null),
        "cancellation" => ("changed_mind", json!("cancel")),
        "delivery_issue" => ("carrier_delay", json!("refund")),
        _ => ("changed_mind", json!("refund")),
    };
    let mut facts = Map::new();
    for f in &policy.facts {
        let value = match &f.ty {
            Ty::Bool => json!(false),
            Ty::Number => json!("1"),
            Ty::Percent => json!("10"),
            Ty::Money(c) => {
                json!({"amount": "10.00", "currency": c.map_or(currency.clone(), |c| c.code().to_string())})
            }
            Ty::Weight => json!({"value": "1", "unit": "kg"}),
            Ty::Time => json!(day(0)),
            Ty::Code(d) => json!(d
                .codes()
                .and_then(|c| c.first().map(|s| s.to_string()))
                .unwrap_or_else(|| "other".into())),
            Ty::Codes(d) => json!(d
                .codes()
                .and_then(|c| c.first().map(|s| vec![s.to_string()]))
                .unwrap_or_default()),
            Ty::Text => json!(""),
        };
        facts.insert(f.name.clone(), value);
    }
    let mut claim = json!({
        "claim_id": "example",
        "order": {
            "id": "ORDER-1",
            "placed_at": at(14, 10),
            "invoiced_at": day(14),
            "shipped_at": at(13, 15),
            "picked_up_by_carrier": true,
            "delivered_at": at(10, 13),
            "channel": "web",
            "destination": {"country": "US", "address_kind": "street"},
            "payment_method": "credit_card",
            "total": money("100.00"),
            "shipping_paid": money("0.00"),
        },
        "items": [{
            "sku": "ITEM-1",
            "category": "general",
            "price": money("100.00"),
            "quantity": 1,
            "weight": {"value": "1", "unit": "kg"},
            "bundle_id": null,
            "tags": [],
            "condition": {
                "opened": false,
                "used": false,
                "damaged": false,
                "original_packaging": true,
                "packaging_damaged": false,
                "accessories_complete": true,
                "labels_intact": true,
            },
        }],
        "claim": {
            "kind": kind,
            "filed_at": at(0, 12),
            "reason": reason,
            "requested_remedy": remedy,
            "items": ["ITEM-1"],
            "evidence": [],
            "preapproved": true,
        },
    });
    if !facts.is_empty() {
        if let Some(obj) = claim.as_object_mut() {
            obj.insert("facts".into(), Value::Object(facts));
        }
    }
    claim
}
