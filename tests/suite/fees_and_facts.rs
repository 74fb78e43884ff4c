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

/// The verdict's JSON as batch evaluation writes it (without serde).
fn written(p: &clause::language::check::ir::Policy, claim: &Value) -> Value {
    let v = clause::language::eval::eval_json(p, &claim.to_string()).unwrap();
    let mut out = Vec::new();
    v.write_json(&mut out);
    serde_json::from_slice(&out).unwrap()
}

fn usd(amount: &str) -> Value {
    json!({"amount": amount, "currency": "USD"})
}

const PRICE_100: &[(&str, Value)] = &[];

fn claim_at_100() -> Value {
    let mut c = claim_with(PRICE_100);
    c["items"][0]["price"] = usd("100.00");
    c["items"][0]["quantity"] = json!(1);
    c
}

#[test]
fn a_deduction_is_a_fee_the_customer_pays_with_its_amount() {
    let p = returns(
        "",
        r#"    otherwise opened: approve refund "A 10% restocking fee is taken from your refund."
      refund item.price * item.quantity
      deduct restocking 10%"#,
    );
    let v = verdict_json(&p, &claim_at_100());
    assert_eq!(v["refund"], usd("90.00"));
    assert_eq!(
        v["fees"],
        json!([{"fee": "restocking", "payer": "customer", "amount": usd("10.00")}])
    );
    assert_eq!(
        v["deductions"],
        json!([{"fee": "restocking", "amount": usd("10.00")}])
    );
    assert_eq!(written(&p, &claim_at_100()), v);
}

#[test]
fn a_percentage_is_of_the_gross_refund_in_either_order() {
    for rules in [
        "      deduct return_shipping USD 10\n      deduct restocking 10%",
        "      deduct restocking 10%\n      deduct return_shipping USD 10",
    ] {
        let p = returns(
            "",
            &format!("    otherwise r: approve refund \"Fees come off the refund.\"\n      refund item.price * item.quantity\n{rules}"),
        );
        let v = verdict_json(&p, &claim_at_100());
        assert_eq!(v["refund"], usd("80.00"), "{rules}");
        let restocking = v["deductions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["fee"] == "restocking")
            .unwrap()
            .clone();
        assert_eq!(restocking["amount"], usd("10.00"), "{rules}");
    }
}

#[test]
fn a_fee_larger_than_what_is_left_takes_only_what_is_left_and_states_its_whole_amount() {
    let p = returns(
        "",
        r#"    otherwise r: approve refund "Fees come off the refund."
      refund item.price * item.quantity
      deduct return_shipping USD 95
      deduct restocking 10%"#,
    );
    let v = verdict_json(&p, &claim_at_100());
    assert_eq!(v["refund"], usd("0.00"));
    assert_eq!(
        v["deductions"],
        json!([
            {"fee": "return_shipping", "amount": usd("95.00")},
            {"fee": "restocking", "amount": usd("5.00")}
        ])
    );
    assert_eq!(
        v["fees"],
        json!([
            {"fee": "return_shipping", "payer": "customer", "amount": usd("95.00")},
            {"fee": "restocking", "payer": "customer", "amount": usd("10.00")}
        ])
    );
}

#[test]
fn a_fee_line_that_repeats_a_deduction_gives_one_fee_and_one_that_contradicts_it_is_refused() {
    let p = returns(
        "",
        r#"    otherwise r: approve refund "A USD 7.95 return fee is taken from your refund."
      refund item.price * item.quantity
      deduct return_shipping USD 7.95
      fee return_shipping paid by customer amount USD 7.95"#,
    );
    let v = verdict_json(&p, &claim_at_100());
    assert_eq!(
        v["fees"],
        json!([{"fee": "return_shipping", "payer": "customer", "amount": usd("7.95")}])
    );
    for (fee_line, why) in [
        ("fee restocking paid by merchant", "the merchant pays"),
        (
            "fee restocking paid by customer when item.condition.opened else false",
            "a different condition",
        ),
        (
            "fee restocking paid by customer when claim.reason is changed_mind, otherwise merchant",
            "a different condition",
        ),
    ] {
        let text = format!(
            "policy t \"T\" {{\n  timezone \"UTC\"\n  rules for return {{\n    otherwise r: approve refund \"R.\"\n      refund item.price\n      deduct restocking 10%\n      {fee_line}\n  }}\n}}\n"
        );
        let err = clause::load(&clause::Source::new("t.policy", text)).unwrap_err();
        let d = &err.items[0];
        assert_eq!(d.code.as_str(), "clause::conflicting-fee", "{fee_line}");
        let labels: Vec<&str> = d.labels.iter().map(|(_, l)| l.as_str()).collect();
        assert!(
            labels.iter().any(|l| l.contains(why)),
            "{fee_line}: {labels:?}"
        );
    }
    // The same condition on both lines says the same thing.
    returns(
        "",
        r#"    otherwise r: approve refund "Opened items carry a 10% restocking fee."
      refund item.price
      deduct restocking 10% when item.condition.opened else false
      fee restocking paid by customer when item.condition.opened else false"#,
    );
}

#[test]
fn may_deduct_approves_and_states_the_possible_deduction_and_the_refund_range() {
    let p = returns(
        "",
        r#"    otherwise r: approve refund "Return shipping (USD 12) is deducted. New, unopened items may be subject to a 10% restocking fee."
      refund item.price * item.quantity
      deduct return_shipping USD 12
      may deduct restocking 10%"#,
    );
    let v = verdict_json(&p, &claim_at_100());
    assert_eq!(v["decision"], "approve");
    assert_eq!(v["refund"], usd("88.00"));
    assert_eq!(
        v["possible_deductions"],
        json!([{"fee": "restocking", "amount": usd("10.00")}])
    );
    assert_eq!(
        v["refund_range"],
        json!({"min": usd("78.00"), "max": usd("88.00")})
    );
    assert_eq!(
        v["fees"],
        json!([{"fee": "return_shipping", "payer": "customer", "amount": usd("12.00")}])
    );
    assert_eq!(written(&p, &claim_at_100()), v);

    // Two items: the range adds up the items' refunds.
    let mut two = claim_at_100();
    let mut second = two["items"][0].clone();
    second["sku"] = json!("B");
    two["items"].as_array_mut().unwrap().push(second);
    two["claim"]["items"] = Value::Null;
    let v = verdict_json(&p, &two);
    assert_eq!(v["refund"], usd("176.00"));
    assert_eq!(
        v["refund_range"],
        json!({"min": usd("156.00"), "max": usd("176.00")})
    );
    assert_eq!(written(&p, &two), v);
}

#[test]
fn an_approval_held_for_evidence_still_states_the_fees_its_deductions_charge() {
    let p = returns(
        "",
        r#"    otherwise r: approve refund "Send photos; a 10% restocking fee is taken from your refund."
      requires evidence photos_item
      refund item.price * item.quantity
      deduct restocking 10%"#,
    );
    let mut c = claim_at_100();
    c["claim"]["evidence"] = json!([]);
    let v = verdict_json(&p, &c);
    assert_eq!(v["decision"], "review");
    assert_eq!(v["refund"], Value::Null);
    assert_eq!(v["deductions"], json!([]));
    assert_eq!(
        v["fees"],
        json!([{"fee": "restocking", "payer": "customer", "amount": usd("10.00")}])
    );
}

/// `clause explain` in text for a policy and claim.
fn explain_text(text: &str, claim: &Value) -> String {
    use clause::tools::explain::{explain, ExplainFormat};
    let p = policy(text);
    let c = clause::language::eval::facts::decode_value(claim, &p).unwrap();
    let v = clause::language::eval::evaluate(&p, &c).unwrap();
    explain(&p, &c, &v, ExplainFormat::Text)
}

/// `clause render` in Markdown for a policy.
fn render_md(text: &str) -> String {
    use clause::tools::render::{render, RenderFormat};
    let src = clause::Source::new("t.policy", text);
    let ast = clause::parse(&src).unwrap();
    let p = policy(text);
    render(&ast, &p, RenderFormat::Markdown)
}

const SUPPLY: &str = r#"policy supply "Supply" {
  currency USD
  timezone "America/Chicago"
  fact lot_expires "the lot's expiry date": event optional
  rules for return {
    rule unauthorized "Returns without an authorization": deny
      "Returns sent without a Return Authorization are sent back at the customer's expense."
      when not (claim.preapproved else false)
      fee return_shipping paid by customer
    rule unopened "New, unopened items": approve refund
      "Return shipping (USD 12) is deducted. New, unopened items may be subject to a 10% restocking fee."
      refund item.price * item.quantity
      deduct return_shipping USD 12
      may deduct restocking 10%
  }
}
"#;

#[test]
fn explain_says_who_pays_on_a_denial_and_what_the_merchant_may_take() {
    let mut c = claim_at_100();
    c["claim"]["preapproved"] = json!(false);
    let t = explain_text(SUPPLY, &c);
    assert!(t.contains("You pay the return shipping"), "{t}");

    c["claim"]["preapproved"] = json!(true);
    let t = explain_text(SUPPLY, &c);
    assert!(t.contains("up to USD 88.00 goes back to you"), "{t}");
    assert!(
        t.contains("You pay the return shipping: USD 12.00 is taken off the refund"),
        "{t}"
    );
    assert!(
        t.contains("We may also take the restocking fee (USD 10.00) off the refund, or waive it"),
        "{t}"
    );
    assert!(
        t.contains("The refund is between USD 78.00 and USD 88.00"),
        "{t}"
    );
}

#[test]
fn render_uses_titles_and_labels_and_says_may() {
    let page = render_md(SUPPLY);
    assert!(
        page.contains("1. Returns without an authorization"),
        "{page}"
    );
    assert!(page.contains("2. New, unopened items"), "{page}");
    assert!(
        page.contains("We may also deduct restocking fee, or waive it: 10% of the refund"),
        "{page}"
    );
    assert!(page.contains("The lot's expiry date"), "{page}");
    // The last rule has no `when`: nothing is left for "anything else".
    assert!(!page.contains("Anything else"), "{page}");
}

#[test]
fn a_threshold_that_requires_a_fact_set_guards_it() {
    let p = returns(
        "  threshold costly_return = claim.return_cost is set and claim.return_cost > USD 20",
        r#"    otherwise r: approve refund "Return shipping over USD 20 is deducted."
      refund item.price * item.quantity
      deduct return_shipping claim.return_cost when costly_return"#,
    );
    let mut c = claim_at_100();
    c["claim"]["return_cost"] = usd("25.00");
    assert_eq!(verdict_json(&p, &c)["refund"], usd("75.00"));
    c["claim"]["return_cost"] = Value::Null;
    assert_eq!(verdict_json(&p, &c)["refund"], usd("100.00"));
}

#[test]
fn an_unknown_unit_does_not_hide_the_files_other_errors() {
    let text = r#"policy shop "Shop" {
  timezone "UTC"
  threshold heavy = item.weight is set and item.weight > 30 pounds
  rules for return {
    rule used: deny "Used items cannot be returned." when item.condition.used
    otherwise ok: approve exchange "Exchanges are free."
  }
}"#;
    let d = clause::load(&clause::Source::new("t.policy", text)).unwrap_err();
    let codes: Vec<&str> = d.items.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["clause::unknown-unit", "clause::optional-not-handled"]
    );
}

#[test]
fn fmt_fills_a_long_holidays_list_within_the_width() {
    let dates: Vec<String> = (1..=28).map(|d| format!("2026-02-{d:02}")).collect();
    let text = format!(
        "policy shop \"Shop\" {{\n  timezone \"UTC\"\n  calendar {{\n    holidays \"KR\", {}\n  }}\n  rules for return {{\n    otherwise ask: review \"Ask us.\"\n  }}\n}}\n",
        dates.join(", ")
    );
    let out = clause::format_source(&clause::Source::new("t.policy", text)).unwrap();
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    assert!(out.contains("    holidays \"KR\", 2026-02-01,"), "{out}");
    assert!(out.contains("\n      2026-02-"), "{out}");
    let again = clause::format_source(&clause::Source::new("t.policy", out.clone())).unwrap();
    assert_eq!(again, out);
    for d in &dates {
        assert!(out.contains(d.as_str()), "{d} lost:\n{out}");
    }
    policy(&out);
}

#[test]
fn render_names_custom_dates_by_label_and_without_saying_date_twice() {
    let page = render_md(
        r#"policy lab "Lab" {
  timezone "America/New_York"
  fact authorization_date "the authorization date": event optional
  fact plain_date: event optional
  fact return_authorized: event optional
  window auth = 7 days from facts.authorization_date
  window pwin = 7 days from facts.plain_date
  window ra = 7 days from facts.return_authorized
  rules for return {
    rule late: deny "Late."
      when (facts.authorization_date is set and claim.filed_at after auth)
        or (facts.plain_date is set and claim.filed_at after pwin)
        or (facts.return_authorized is set and claim.filed_at after ra)
    otherwise ok: approve refund "ok"
      refund item.price * item.quantity
  }
}
"#,
    );
    assert!(
        page.contains("7 days from the authorization date."),
        "{page}"
    );
    assert!(page.contains("7 days from the “plain date”."), "{page}");
    assert!(page.contains("the “plain date” is known"), "{page}");
    assert!(
        page.contains("7 days from the “return authorized” date."),
        "{page}"
    );
    assert!(!page.contains("date” date"), "{page}");
}
