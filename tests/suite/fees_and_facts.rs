//! Fees taken from the refund, discretionary deductions, and the standard facts
//! and words added for pages a newcomer encoded (`claim.authorized_at`,
//! `debit_card`, rule titles, fact labels).

use serde_json::{json, Value};

use super::support::{claim_with, policy, verdict};

/// A policy with one rules block for returns around the given declarations and rules.
fn returns(decls: &str, rules: &str) -> clause::language::check::ir::Policy {
    policy(&format!(
        "policy t \"T\" {{\n  currency USD\n  timezone \"America/Los_Angeles\"\n{decls}\n  rules for return {{\n{rules}\n  }}\n}}\n"
    ))
}

/// The verdict through the command line's path (fast decoder, then careful).
fn verdict_json(p: &clause::language::check::ir::Policy, claim: &Value) -> Value {
    let v = clause::language::eval::eval_json(p, &claim.to_string()).unwrap();
    serde_json::to_value(v).unwrap()
}

#[test]
fn an_authorization_is_valid_for_seven_days() {
    let p = returns(
        "  window authorization = 7 days from claim.authorized_at",
        r#"    rule not_authorized: deny "Returns need an authorization." when claim.authorized_at is missing
    rule in_time: approve refund "Authorizations are valid for 7 days."
      when claim.return_shipped_at is set and claim.return_shipped_at within authorization
      refund item.price
    otherwise expired: deny "Authorizations are valid for 7 days.""#,
    );
    for (shipped, want) in [("2023-09-17", "approve"), ("2023-09-18", "deny")] {
        let c = claim_with(&[
            ("claim.authorized_at", json!("2023-09-10")),
            ("claim.return_shipped_at", json!(shipped)),
        ]);
        assert_eq!(verdict(&p, &c)["decision"], want, "shipped {shipped}");
        assert_eq!(verdict_json(&p, &c)["decision"], want, "shipped {shipped}");
    }
    let c = claim_with(&[("claim.authorized_at", Value::Null)]);
    assert_eq!(verdict_json(&p, &c)["decision"], "deny");
    let bad = claim_with(&[("claim.authorized_at", json!("yesterday"))]);
    let err = clause::language::eval::eval_json(&p, &bad.to_string()).unwrap_err();
    assert!(err.to_string().contains("claim.authorized_at"), "{err}");
}

#[test]
fn debit_card_is_a_payment_method() {
    let p = returns(
        "",
        r#"    rule cards: approve refund "Card payments are refunded to the card."
      when order.payment_method is set and order.payment_method is one of (credit_card, debit_card)
      refund item.price
    otherwise other: review "Other payments are refunded by hand.""#,
    );
    let c = claim_with(&[("order.payment_method", json!("debit_card"))]);
    assert_eq!(verdict_json(&p, &c)["decision"], "approve");
}
