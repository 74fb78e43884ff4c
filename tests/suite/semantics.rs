//! What the language means, case by case: windows and their boundaries (leap days,
//! year ends, DST, time zones, business days), thresholds and units, money and
//! rounding, precedence, evidence, fees and deductions, item aggregation.

use serde_json::{json, Value};

use super::support::{claim_error, claim_with, policy, verdict};

/// A policy with one rules block for returns around the given declarations and rules.
fn returns(decls: &str, rules: &str) -> clause::language::check::ir::Policy {
    policy(&format!(
        "policy t \"T\" {{\n  currency USD\n  timezone \"America/Los_Angeles\"\n{decls}\n  rules for return {{\n{rules}\n  }}\n}}\n"
    ))
}

fn decision(p: &clause::language::check::ir::Policy, sets: &[(&str, Value)]) -> String {
    verdict(p, &claim_with(sets))["decision"]
        .as_str()
        .unwrap()
        .to_string()
}

const WINDOW_RULES: &str = r#"
    rule inside: approve refund "In." when claim.filed_at within w
      refund item.price
    otherwise outside: deny "Out.""#;

#[test]
fn day_windows_end_inclusive_on_the_last_day() {
    let p = returns(
        "  window w = 30 days from order.invoiced_at else order.placed_at",
        WINDOW_RULES,
    );
    // Invoice 2023-09-01: 30 days ends 2023-10-01, inclusive.
    for (filed, want) in [
        ("2023-10-01T23:59:59-07:00", "approve"),
        ("2023-10-02T00:00:00-07:00", "deny"),
        // 06:30 UTC on Oct 2 is still Oct 1 in Los Angeles.
        ("2023-10-02T06:30:00Z", "approve"),
        ("2023-10-02T07:00:00Z", "deny"),
        ("2023-10-01", "approve"),
        ("2023-10-02", "deny"),
        ("2023-09-01", "approve"),
        ("2023-08-31", "deny"),
    ] {
        assert_eq!(
            decision(&p, &[("claim.filed_at", json!(filed))]),
            want,
            "filed {filed}"
        );
    }
    // Without an invoice date the window starts at the order.
    let v = verdict(
        &p,
        &claim_with(&[
            ("order.invoiced_at", Value::Null),
            ("order.placed_at", json!("2023-09-03T10:00:00-07:00")),
        ]),
    );
    assert_eq!(
        v["deadlines"][0],
        json!({"name": "w", "ends": "2023-10-03"})
    );
}

#[test]
fn windows_across_leap_days_and_year_ends() {
    let p = returns(
        "  window w = 1 days from order.invoiced_at else order.placed_at",
        WINDOW_RULES,
    );
    let ends = |inv: &str| {
        verdict(
            &p,
            &claim_with(&[
                ("order.invoiced_at", json!(inv)),
                ("claim.filed_at", json!(inv)),
            ]),
        )["deadlines"][0]["ends"]
            .clone()
    };
    assert_eq!(ends("2024-02-28"), json!("2024-02-29"));
    assert_eq!(ends("2023-02-28"), json!("2023-03-01"));
    assert_eq!(ends("2023-12-31"), json!("2024-01-01"));
    let m = returns(
        "  window w = 1 months from order.invoiced_at else order.placed_at",
        WINDOW_RULES,
    );
    let ends = |inv: &str| {
        verdict(
            &m,
            &claim_with(&[
                ("order.invoiced_at", json!(inv)),
                ("claim.filed_at", json!(inv)),
            ]),
        )["deadlines"][0]["ends"]
            .clone()
    };
    // A month from January 31 ends on the last day of February.
    assert_eq!(ends("2024-01-31"), json!("2024-02-29"));
    assert_eq!(ends("2023-01-31"), json!("2023-02-28"));
    assert_eq!(ends("2023-12-15"), json!("2024-01-15"));
}

#[test]
fn extensions_lengthen_a_window_for_the_orders_they_name() {
    let p = returns(
        "  window w = 30 days from order.invoiced_at else order.placed_at,\n    extended to 2024-01-31 when order.placed_at between 2023-11-01 and 2023-12-31",
        WINDOW_RULES,
    );
    let case = |placed: &str, filed: &str| {
        decision(
            &p,
            &[
                ("order.placed_at", json!(placed)),
                ("order.invoiced_at", json!(placed)),
                ("claim.filed_at", json!(filed)),
            ],
        )
    };
    assert_eq!(
        case("2023-11-01T00:30:00-07:00", "2024-01-31T20:00:00-08:00"),
        "approve"
    );
    assert_eq!(case("2023-12-31T23:00:00-08:00", "2024-01-31"), "approve");
    assert_eq!(case("2023-12-31T23:00:00-08:00", "2024-02-01"), "deny");
    // 2023-10-31 23:30 in Los Angeles: not in the holiday range, whatever UTC says.
    assert_eq!(case("2023-10-31T23:30:00-07:00", "2024-01-15"), "deny");
    assert_eq!(case("2024-01-01T00:00:00-08:00", "2024-02-05"), "deny");
}

#[test]
fn until_an_event_ends_on_that_day_in_the_policys_zone() {
    let p = returns(
        "  fact warranty_ends: event optional\n  window warranty = until facts.warranty_ends",
        r#"
    rule unknown: review "Unknown." when facts.warranty_ends is missing
    rule inside: approve repair "In." when claim.filed_at within warranty
    otherwise outside: deny "Out.""#,
    );
    let run = |ends: Value, filed: &str| {
        let v = verdict(
            &p,
            &claim_with(&[
                ("facts", json!({"warranty_ends": ends})),
                ("claim.filed_at", json!(filed)),
            ]),
        );
        (
            v["decision"].as_str().unwrap().to_string(),
            v["deadlines"].clone(),
        )
    };
    let (d, deadlines) = run(json!("2023-09-30"), "2023-09-30T23:00:00-07:00");
    assert_eq!(d, "approve");
    assert_eq!(
        deadlines,
        json!([{"name": "warranty", "ends": "2023-09-30"}])
    );
    assert_eq!(run(json!("2023-09-30"), "2023-10-01").0, "deny");
    // An instant is read as its day in Los Angeles: 03:00 UTC on Oct 1 is Sep 30 there.
    assert_eq!(run(json!("2023-10-01T03:00:00Z"), "2023-10-01").0, "deny");
    assert_eq!(run(Value::Null, "2023-10-01").0, "review");
}

#[test]
fn windows_read_through_a_threshold_are_reported_as_deadlines() {
    let p = returns(
        "  window w = 30 days from order.invoiced_at else order.placed_at\n  threshold in_time = claim.filed_at within w",
        r#"
    rule ok: approve refund "In time." when in_time
      refund item.price"#,
    );
    let v = verdict(&p, &claim_with(&[]));
    assert_eq!(v["deadlines"], json!([{"name": "w", "ends": "2023-10-01"}]));
}

#[test]
fn hour_windows_are_exact_and_say_how_plain_dates_are_read() {
    let rules = r#"
    rule inside: approve refund "In." when order.delivered_at is set and claim.filed_at within w
      refund item.price
    otherwise outside: deny "Out.""#;
    let end = returns(
        "  window w = 24 hours from order.delivered_at, plain dates at end of day",
        rules,
    );
    let start = returns(
        "  window w = 24 hours from order.delivered_at, plain dates at start of day",
        rules,
    );
    let at = |p: &clause::language::check::ir::Policy, delivered: &str, filed: &str| {
        decision(
            p,
            &[
                ("order.delivered_at", json!(delivered)),
                ("claim.filed_at", json!(filed)),
            ],
        )
    };
    assert_eq!(
        at(
            &end,
            "2023-09-05T12:00:00-07:00",
            "2023-09-06T12:00:00-07:00"
        ),
        "approve"
    );
    assert_eq!(
        at(
            &end,
            "2023-09-05T12:00:00-07:00",
            "2023-09-06T12:00:01-07:00"
        ),
        "deny"
    );
    // A plain delivery date read at its end: 24 hours run to the end of the next day.
    assert_eq!(
        at(&end, "2023-09-05", "2023-09-06T23:00:00-07:00"),
        "approve"
    );
    assert_eq!(
        at(&start, "2023-09-05", "2023-09-06T23:00:00-07:00"),
        "deny"
    );
    // The window begins with a plain delivery day, whichever edge counts the
    // hours: a request that morning is within it (read at the end of the day,
    // the window began at 23:59:59 and the request was "before" it).
    for p in [&end, &start] {
        assert_eq!(at(p, "2023-09-05", "2023-09-05T09:00:00-07:00"), "approve");
    }
    let v = verdict(
        &end,
        &claim_with(&[
            ("order.delivered_at", json!("2023-09-05T12:00:00+09:00")),
            ("claim.filed_at", json!("2023-09-05T20:00:00-07:00")),
        ]),
    );
    assert_eq!(
        v["deadlines"][0]["ends"],
        json!("2023-09-05T20:00:00-07:00")
    );
}

#[test]
fn hour_windows_across_a_dst_change() {
    // 2023-11-05 01:00 PDT + 24 hours = 2023-11-06 00:00 PST: the clock fell back an
    // hour in between, so the window ends at midnight, not at 01:00.
    let p = returns(
        "  window w = 24 hours from order.delivered_at, plain dates at start of day",
        r#"
    rule inside: approve refund "In." when order.delivered_at is set and claim.filed_at within w
      refund item.price
    otherwise outside: deny "Out.""#,
    );
    let v = verdict(
        &p,
        &claim_with(&[
            ("order.delivered_at", json!("2023-11-05T01:00:00-07:00")),
            ("claim.filed_at", json!("2023-11-05T23:30:00-08:00")),
        ]),
    );
    assert_eq!(v["decision"], "approve");
    assert_eq!(
        v["deadlines"][0]["ends"],
        json!("2023-11-06T00:00:00-08:00")
    );
    // The spring-forward day has 23 hours: 24 hours from its midnight end at 01:00 PDT.
    let v = verdict(
        &p,
        &claim_with(&[
            ("order.delivered_at", json!("2024-03-10")),
            ("claim.filed_at", json!("2024-03-11T00:30:00-07:00")),
        ]),
    );
    assert_eq!(v["decision"], "approve");
    assert_eq!(
        v["deadlines"][0]["ends"],
        json!("2024-03-11T01:00:00-07:00")
    );
}

#[test]
fn business_days_skip_weekends_and_korean_holidays_and_roll_forward() {
    let p = policy(
        r#"policy k "K" {
  timezone "Asia/Seoul"
  calendar { weekend saturday, sunday  holidays "KR"  holidays 2023-12-29 covering 2023 to 2024 }
  window dispatch = 3 business days from order.placed_at
  window weekly = 7 days from order.placed_at, rolled forward to a business day
  rules for shipping, whole order {
    rule ok: approve "Ships." deadline dispatch, weekly
  }
}"#,
    );
    let ends = |placed: &str| {
        let v = verdict(
            &p,
            &claim_with(&[
                ("claim.kind", json!("shipping")),
                ("claim.reason", json!("none")),
                ("order.placed_at", json!(placed)),
            ]),
        );
        (
            v["deadlines"][0]["ends"].clone(),
            v["deadlines"][1]["ends"].clone(),
        )
    };
    // Wed 2023-09-27, then Chuseok (28-30), the Oct 2 temporary holiday, Oct 3; business days: Oct 4, 5, 6.
    // 7 days: Wed Oct 4, a business day.
    assert_eq!(
        ends("2023-09-27T10:00:00+09:00"),
        (json!("2023-10-06"), json!("2023-10-04"))
    );
    // Thu 2023-12-28: Dec 29 is the policy's own holiday, then the weekend and New Year's Day.
    // 7 days: Thu 2024-01-04.
    assert_eq!(
        ends("2023-12-28T10:00:00+09:00"),
        (json!("2024-01-04"), json!("2024-01-04"))
    );
    // Placed 2023-09-01 noon in Los Angeles: Saturday 09-02 in Seoul. Three business
    // days: Mon 09-04 to Wed 09-06; 7 days is Sat 09-09, rolled to Mon 09-11.
    assert_eq!(
        ends("2023-09-01T12:00:00-07:00"),
        (json!("2023-09-06"), json!("2023-09-11"))
    );
    // Sat 2024-02-03 + 7 days = Sat 02-10, in Seollal (Feb 9-12): rolled to Tue 02-13.
    assert_eq!(ends("2024-02-03T10:00:00+09:00").1, json!("2024-02-13"));
}

#[test]
fn a_date_beyond_the_bundled_holidays_is_an_input_error() {
    let p = policy(
        r#"policy k "K" {
  timezone "Asia/Seoul"
  calendar { holidays "KR" }
  window dispatch = 3 business days from order.placed_at
  rules for shipping, whole order { rule ok: approve "Ships." deadline dispatch }
}"#,
    );
    let err = claim_error(
        &p,
        &claim_with(&[
            ("claim.kind", json!("shipping")),
            ("order.placed_at", json!("2031-01-02")),
        ]),
    );
    assert!(err.contains("2015 to 2030"), "{err}");
}

#[test]
fn weights_compare_exactly_across_units() {
    let p = returns(
        "  threshold free_label = item.weight is set and item.weight <= 30 lb",
        r#"
    rule ok: approve refund "Ok." refund item.price
      fee return_shipping paid by merchant when free_label, otherwise customer"#,
    );
    let payer = |value: &str, unit: &str| {
        verdict(
            &p,
            &claim_with(&[("items[0].weight", json!({"value": value, "unit": unit}))]),
        )["fees"][0]["payer"]
            .clone()
    };
    assert_eq!(payer("30", "lb"), "merchant");
    assert_eq!(payer("30.0001", "lb"), "customer");
    assert_eq!(payer("13.60777110", "kg"), "merchant"); // 13.6077711 kg = 30 lb exactly
    assert_eq!(payer("13.60777111", "kg"), "customer");
    assert_eq!(payer("480", "oz"), "merchant");
    assert_eq!(payer("13607.7711", "g"), "merchant");
    assert_eq!(payer("13607.7712", "g"), "customer");
    let v = verdict(&p, &claim_with(&[("items[0].weight", Value::Null)]));
    assert_eq!(v["fees"][0]["payer"], "customer");
    // The most digits a pound converts exactly: 20 significant, 23 decimal places.
    assert_eq!(payer("30.000000000000000001", "lb"), "customer");
    assert_eq!(payer("29.999999999999999999", "lb"), "merchant");
    // Trailing zeros add no digits to the weight.
    assert_eq!(payer("30.0000000000000000000000", "lb"), "merchant");
    // More would be rounded to 30 lb: refused instead, never rounded.
    let err = claim_error(
        &p,
        &claim_with(&[(
            "items[0].weight",
            json!({"value": "30.000000000000000000000000001", "unit": "lb"}),
        )]),
    );
    assert_eq!(
        err,
        "items[0].weight.value: \"30.000000000000000000000000001\" has more digits than Clause converts to grams exactly (in lb, at most 20 significant digits and 23 decimal places); it is never rounded"
    );
    // Each problem is put at the part of the weight it is about.
    for (weight, want) in [
        (
            json!({"value": "-4", "unit": "lb"}),
            "items[0].weight.value: \"-4\" is negative; a weight is zero or more",
        ),
        (
            json!({"value": "4", "unit": 5}),
            "items[0].weight.unit: 5 is not one of g, kg, oz, lb",
        ),
        (json!({"value": "4"}), "items[0].weight.unit: is required"),
        (json!({"unit": "lb"}), "items[0].weight.value: is required"),
    ] {
        let err = claim_error(&p, &claim_with(&[("items[0].weight", weight.clone())]));
        assert_eq!(err, want, "{weight}");
    }
}

#[test]
fn tables_look_up_by_destination_with_a_default() {
    let p = policy(
        r#"policy s "S" {
  timezone "Asia/Seoul"
  table free_from by order.destination.country {
    US, MO: USD 130
    JP: USD 110
    otherwise: USD 130
  }
  rules for shipping, whole order {
    rule ok: approve "Free shipping from the table."
      fee outbound_shipping paid by merchant
        when order.destination.country is set and order.total >= free_from, otherwise customer
  }
}"#,
    );
    let payer = |country: &str, total: &str| {
        verdict(
            &p,
            &claim_with(&[
                ("claim.kind", json!("shipping")),
                ("order.destination.country", json!(country)),
                ("order.total.amount", json!(total)),
            ]),
        )["fees"][0]["payer"]
            .clone()
    };
    assert_eq!(payer("US", "130.00"), "merchant");
    assert_eq!(payer("US", "129.99"), "customer");
    assert_eq!(payer("JP", "110"), "merchant");
    assert_eq!(payer("FR", "129.99"), "customer");
    assert_eq!(payer("FR", "130"), "merchant");
    // Without a destination no row applies, not even `otherwise`: the rule said what that means.
    let v = verdict(
        &p,
        &claim_with(&[
            ("claim.kind", json!("shipping")),
            ("order.destination", Value::Null),
        ]),
    );
    assert_eq!(v["fees"][0]["payer"], "customer");
}

#[test]
fn other_currencies_convert_through_the_claims_rates() {
    let p = policy(
        r#"policy c "C" {
  timezone "Asia/Seoul"
  rules for shipping, whole order {
    rule customs: deny "Over CNY 1,000 will not pass customs." when order.total in CNY > CNY 1000
    rule ok: approve "Ships."
  }
}"#,
    );
    let run = |total: &str, rates: Value| {
        let c = claim_with(&[
            ("claim.kind", json!("shipping")),
            ("order.total.amount", json!(total)),
            ("rates", rates),
        ]);
        verdict(&p, &c)["decision"].clone()
    };
    assert_eq!(run("140.00", json!({"USD/CNY": "7.1428"})), "approve"); // 999.99
    assert_eq!(run("141.00", json!({"USD/CNY": "7.1012"})), "deny"); // 1001.27
                                                                     // The inverse rate works too: 1 CNY = 0.14 USD, so USD 140.01 is CNY 1000.07.
    assert_eq!(run("140.01", json!({"CNY/USD": "0.14"})), "deny");
    // Both directions given: USD is turned into CNY by the USD/CNY quote,
    // whichever comes first in the claim (USD 200 is CNY 1,420, not 400).
    for rates in [
        r#"{"USD/CNY": "7.1", "CNY/USD": "0.5"}"#,
        r#"{"CNY/USD": "0.5", "USD/CNY": "7.1"}"#,
    ] {
        let rates: Value = serde_json::from_str(rates).unwrap();
        assert_eq!(run("200.00", rates), "deny");
    }
    // An amount exactly at the limit through a rate quoted the other way is at
    // the limit: divided by the quote, not multiplied by its rounded inverse
    // (KRW 180,000 at CNY/KRW 180 is CNY 1,000 exactly; 1/180 rounded to 28
    // digits put it above, and it was refused).
    let krw = |total: &str| {
        let c = claim_with(&[
            ("claim.kind", json!("shipping")),
            ("order.total", json!({"amount": total, "currency": "KRW"})),
            ("rates", json!({"CNY/KRW": "180"})),
        ]);
        verdict(&p, &c)["decision"].clone()
    };
    assert_eq!(krw("180000"), "approve");
    assert_eq!(krw("180001"), "deny");
    let err = claim_error(&p, &claim_with(&[("claim.kind", json!("shipping"))]));
    assert!(
        err.starts_with("rates: no exchange rate between USD and CNY"),
        "{err}"
    );
    // A rate that makes a conversion overflow is the field named, not the
    // claim's largest amount.
    let err = claim_error(
        &p,
        &claim_with(&[
            ("claim.kind", json!("shipping")),
            ("order.total.amount", json!("199.00")),
            ("rates", json!({"USD/CNY": "790000000000000000000000000"})),
        ]),
    );
    assert_eq!(
        err,
        "rates.USD/CNY: 199.00 USD converted at this rate is too large to calculate with"
    );
}

#[test]
fn refunds_round_to_the_minor_unit_and_never_go_negative() {
    let p = returns(
        "",
        r#"
    rule ok: approve refund "Ok." refund item.price * item.quantity
      deduct restocking 15% up to USD 50
      deduct return_shipping claim.return_cost when claim.return_cost is set"#,
    );
    let run = |price: &str, qty: u32, cost: Value| {
        let v = verdict(
            &p,
            &claim_with(&[
                ("items[0].price.amount", json!(price)),
                ("items[0].quantity", json!(qty)),
                ("claim.return_cost", cost),
            ]),
        );
        (v["refund"]["amount"].clone(), v["deductions"].clone())
    };
    // 15% of 33.33 = 4.9995, rounded half away from zero to 5.00.
    let (refund, ded) = run("33.33", 1, Value::Null);
    assert_eq!(refund, "28.33");
    assert_eq!(
        ded,
        json!([{"fee": "restocking", "amount": {"amount": "5.00", "currency": "USD"}}])
    );
    // The cap: 15% of 1000 is 150, capped at 50.
    assert_eq!(run("500.00", 2, Value::Null).0, "950.00");
    // A return cost above what is left takes only what is left: the refund stops at zero.
    let (refund, ded) = run("10.00", 1, json!({"amount": "45.00", "currency": "USD"}));
    assert_eq!(refund, "0.00");
    assert_eq!(ded[1]["amount"]["amount"], "8.50");
    // JSON numbers are read exactly; the refund keeps the currency's two digits.
    assert_eq!(run("199", 1, Value::Null).0, "169.15");
    let v = verdict(
        &p,
        &claim_with(&[("items[0].price", json!({"amount": 0.1, "currency": "USD"}))]),
    );
    // 15% of 0.1 is 0.015, rounded to 0.02.
    assert_eq!(v["refund"]["amount"], "0.08");
    // In yen: 15% of 1999 is 299.85, rounded to 300 (no minor unit); the USD 50 cap
    // is converted with the claim's rate and does not bite.
    let jpy = verdict(
        &p,
        &claim_with(&[
            (
                "items[0].price",
                json!({"amount": "1999", "currency": "JPY"}),
            ),
            ("rates", json!({"USD/JPY": "150"})),
        ]),
    );
    assert_eq!(jpy["refund"], json!({"amount": "1699", "currency": "JPY"}));
}

#[test]
fn first_rule_wins_unless_carves_exceptions_otherwise_catches_the_rest() {
    let p = returns(
        "",
        r#"
    rule accessories: deny "Accessories do not support returns unless damaged on arrival."
      when item.category is accessory
      unless claim.reason is damaged_in_transit
    rule digital: deny "Digital sales are final." when item.category is one of (digital, software)
    rule changed: approve exchange "Exchanges for a change of mind." when claim.reason is changed_mind
    otherwise other: review "A person decides.""#,
    );
    let v = |cat: &str, reason: &str| {
        let v = verdict(
            &p,
            &claim_with(&[
                ("items[0].category", json!(cat)),
                ("claim.reason", json!(reason)),
            ]),
        );
        (
            v["decision"].as_str().unwrap().to_string(),
            v["because"][0]["rule"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        v("accessory", "changed_mind"),
        ("deny".into(), "accessories".into())
    );
    assert_eq!(
        v("accessory", "damaged_in_transit"),
        ("review".into(), "other".into())
    );
    assert_eq!(
        v("software", "changed_mind"),
        ("deny".into(), "digital".into())
    );
    assert_eq!(
        v("electronics", "changed_mind"),
        ("approve".into(), "changed".into())
    );
    let exchange = verdict(&p, &claim_with(&[]));
    assert_eq!(exchange["remedy"], "exchange");
    assert_eq!(exchange["refund"], Value::Null);
    assert_eq!(exchange["because"][0]["source"], "test.policy:11:5");
}

#[test]
fn a_claim_no_rule_decides_is_reviewed_and_so_is_a_kind_without_rules() {
    let p = returns(
        "",
        r#"    rule digital: deny "Final." when item.category is digital"#,
    );
    let v = verdict(&p, &claim_with(&[]));
    assert_eq!(v["decision"], "review");
    assert_eq!(v["because"][0]["rule"], "no_rule_decides");
    let v = verdict(&p, &claim_with(&[("claim.kind", json!("cancellation"))]));
    assert_eq!(v["decision"], "review");
    assert_eq!(v["because"][0]["rule"], "no_rules_for_kind");
}

#[test]
fn missing_evidence_turns_an_approval_into_review() {
    let p = returns(
        "",
        r#"
    rule damaged: approve refund or exchange as requested "Pictures are required."
      when claim.reason is damaged_in_transit
      requires evidence photos_packaging, photos_item
      requires evidence model_number when claim.reason is wrong_item
      refund item.price
      fee round_trip_shipping paid by merchant"#,
    );
    let v = verdict(
        &p,
        &claim_with(&[
            ("claim.reason", json!("damaged_in_transit")),
            ("claim.evidence", json!(["photos_item"])),
        ]),
    );
    assert_eq!(v["decision"], "review");
    assert_eq!(v["missing_evidence"], json!(["photos_packaging"]));
    assert_eq!(v["refund"], Value::Null);
    // A review still states the fees the page settles.
    assert_eq!(v["fees"][0]["payer"], "merchant");
    let v = verdict(
        &p,
        &claim_with(&[
            ("claim.reason", json!("damaged_in_transit")),
            ("claim.evidence", json!(["photos_item", "photos_packaging"])),
            ("claim.requested_remedy", json!("exchange")),
        ]),
    );
    assert_eq!(v["decision"], "approve");
    assert_eq!(v["remedy"], "exchange");
    assert_eq!(v["refund"], Value::Null);
}

#[test]
fn items_are_decided_one_by_one_and_combined() {
    let p = returns(
        "",
        r#"
    rule jewelry: deny "Jewelry is final." when item.category is jewelry
    rule bundle: deny "Return the entire bundle." when item.bundle_id is set and not item.whole_bundle_claimed
    otherwise ok: approve refund "Returns accepted." refund item.price * item.quantity"#,
    );
    let item = |sku: &str, cat: &str, price: &str, bundle: Value| json!({"sku": sku, "category": cat, "price": {"amount": price, "currency": "USD"}, "quantity": 1, "bundle_id": bundle});
    let two = claim_with(&[
        (
            "items",
            json!([
                item("A", "apparel", "20.00", Value::Null),
                item("B", "jewelry", "30.00", Value::Null)
            ]),
        ),
        ("claim.items", Value::Null),
    ]);
    let v = verdict(&p, &two);
    assert_eq!(v["decision"], "partial");
    assert_eq!(v["refund"]["amount"], "20.00");
    assert_eq!(
        v["items"][1],
        json!({"sku": "B", "decision": "deny", "refund": null, "rule": "jewelry"})
    );
    let bundle = |claimed: Value| {
        let c = claim_with(&[
            (
                "items",
                json!([
                    item("A", "apparel", "20.00", json!("K1")),
                    item("B", "apparel", "5.00", json!("K1"))
                ]),
            ),
            ("claim.items", claimed),
        ]);
        verdict(&p, &c)
    };
    assert_eq!(bundle(json!(["A"]))["decision"], "deny");
    let whole = bundle(json!(["A", "B"]));
    assert_eq!(whole["decision"], "approve");
    assert_eq!(whole["refund"]["amount"], "25.00");
}

#[test]
fn custom_facts_are_declared_typed_and_validated() {
    let p = returns(
        "  fact tier: code (gold, silver) optional\n  fact warranty_ends: event",
        r#"
    rule gold: approve store_credit "Gold members get store credit." when facts.tier is set and facts.tier is gold
      refund item.price
    rule warranty: review "Under warranty." when claim.filed_at <= facts.warranty_ends
    otherwise no: deny "No.""#,
    );
    let with = |facts: Value| claim_with(&[("facts", facts)]);
    assert_eq!(
        verdict(
            &p,
            &with(json!({"tier": "gold", "warranty_ends": "2020-01-01"}))
        )["remedy"],
        "store_credit"
    );
    assert_eq!(
        verdict(&p, &with(json!({"warranty_ends": "2024-01-01"})))["decision"],
        "review"
    );
    assert_eq!(
        claim_error(
            &p,
            &with(json!({"tier": "bronze", "warranty_ends": "2024-01-01"}))
        ),
        "facts.tier: \"bronze\" is not one of gold, silver"
    );
    assert_eq!(
        claim_error(&p, &with(json!({}))),
        "facts.warranty_ends: is required by this policy"
    );
    // A list names its element, money and weights their part.
    let p = returns(
        "  fact kinds: codes (a, b)\n  fact credit: money\n  fact heavy: weight",
        r#"
    rule ok: approve refund "Ok." when facts.kinds has a and facts.credit > USD 0 and facts.heavy > 0 kg
      refund item.price
    otherwise no: deny "No.""#,
    );
    let good = json!({"kinds": ["a"], "credit": {"amount": "5", "currency": "USD"},
                      "heavy": {"value": "1", "unit": "kg"}});
    assert_eq!(verdict(&p, &with(good.clone()))["decision"], "approve");
    for (key, value, want) in [
        (
            "kinds",
            json!(["a", "c"]),
            "facts.kinds[1]: \"c\" is not one of a, b",
        ),
        (
            "credit",
            json!({"amount": "5", "currency": "usd"}),
            "facts.credit.currency: \"usd\" is not an ISO 4217 currency code",
        ),
        (
            "heavy",
            json!({"value": "1", "unit": "KG"}),
            "facts.heavy.unit: \"KG\" is not one of g, kg, oz, lb",
        ),
    ] {
        let mut facts = good.clone();
        facts[key] = value;
        assert_eq!(claim_error(&p, &with(facts)), want, "{key}");
    }
}

#[test]
fn invalid_claims_name_the_json_path() {
    let p = returns(
        "  window w = 30 days from order.invoiced_at else order.placed_at",
        r#"
    rule ok: approve refund "Ok." when claim.filed_at within w and not (item.condition.used else false)
      refund item.price * item.quantity"#,
    );
    for (path, value, want) in [
        (
            "items[0].price.amount",
            json!("12,5"),
            "items[0].price.amount: \"12,5\" is not a decimal",
        ),
        (
            "claim.reason",
            json!("bogus"),
            "claim.reason: \"bogus\" is not one of changed_mind",
        ),
        (
            "claim.filed_at",
            json!("2023-02-30"),
            "claim.filed_at: \"2023-02-30\" is not a date on the calendar",
        ),
        (
            "claim.filed_at",
            json!("2023-09-12T09:00:00"),
            "claim.filed_at: \"2023-09-12T09:00:00\" is neither a date",
        ),
        (
            "order.invoiced_at",
            json!(20230901),
            "order.invoiced_at: 20230901 is not a date or time",
        ),
        (
            "items[0].condition.used",
            json!("no"),
            "items[0].condition.used: \"no\" is not true or false",
        ),
        (
            "items[0].quantity",
            json!(0),
            "items[0].quantity: 0 is not a whole number of at least 1",
        ),
        (
            "claim.items",
            json!(["NOPE"]),
            "claim.items[0]: \"NOPE\" is not the sku of any item",
        ),
        (
            "order.total.currency",
            json!("XYZ"),
            "order.total.currency: \"XYZ\" is not an ISO 4217 currency code",
        ),
        ("claim_id", Value::Null, "claim_id: is required"),
    ] {
        let err = claim_error(&p, &claim_with(&[(path, value)]));
        assert!(err.starts_with(want), "{path}: got `{err}`");
    }
    // A field the policy does not read is not validated.
    let v = verdict(
        &p,
        &claim_with(&[
            ("order.shipped_at", json!("soon")),
            ("items[0].condition.opened", json!("maybe")),
        ]),
    );
    assert_eq!(v["decision"], "approve");
    let err = clause::language::eval::eval_json(&p, "{not json")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("the claim is not valid JSON"), "{err}");
}

#[test]
fn evaluation_reads_no_floating_point() {
    // Grep-able guarantee: no f32/f64 anywhere in the language core (parsing,
    // checking, evaluation) or the façade. (Adapters may measure time in seconds.)
    let mut offenders = Vec::new();
    let mut stack = vec![
        super::support::root().join("src/language"),
        super::support::root().join("src/api"),
        super::support::root().join("src/tools"),
    ];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for word in ["f32", "f64", "as_f64"] {
                    if text
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|w| w == word)
                    {
                        offenders.push(format!("{}: {word}", p.display()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn every_figure_is_rounded_before_it_is_added_so_verdicts_add_up() {
    let p = returns(
        "",
        r#"
    rule ok: approve refund "Ok." refund item.price * item.quantity
      deduct restocking 10%
      deduct return_shipping claim.return_cost when claim.return_cost is set"#,
    );
    // EUR 10 at 1.0835 is USD 10.835, rounded to 10.84 before it is taken off.
    let v = verdict(
        &p,
        &claim_with(&[
            (
                "claim.return_cost",
                json!({"amount": "10", "currency": "EUR"}),
            ),
            ("rates", json!({"EUR/USD": "1.0835"})),
        ]),
    );
    let amounts: Vec<&str> = v["deductions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["amount"]["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["19.90", "10.84"]);
    assert_eq!(v["refund"]["amount"], "168.26"); // 199.00 - 19.90 - 10.84
                                                 // Two items of 0.005 each: each refund rounds to 0.01, and the total is their sum.
    let item = |sku: &str| json!({"sku": sku, "category": "x", "price": {"amount": "0.005", "currency": "USD"}, "quantity": 1});
    let v = verdict(
        &p,
        &claim_with(&[
            ("items", json!([item("A"), item("B")])),
            ("claim.items", Value::Null),
        ]),
    );
    assert_eq!(v["items"][0]["refund"]["amount"], "0.01");
    assert_eq!(v["refund"]["amount"], "0.02");
}

#[test]
fn a_refund_basis_below_zero_refunds_nothing_and_negative_amounts_are_refused() {
    let p = returns(
        "",
        r#"    rule ok: approve refund "Ok." refund item.price - USD 500"#,
    );
    assert_eq!(verdict(&p, &claim_with(&[]))["refund"]["amount"], "0.00");
    let err = claim_error(
        &p,
        &claim_with(&[("items[0].price.amount", json!("-5.00"))]),
    );
    assert!(
        err.starts_with("items[0].price.amount: \"-5.00\" is negative"),
        "{err}"
    );
}

#[test]
fn malformed_objects_and_codes_the_policy_reads_are_errors() {
    let p = returns(
        "",
        r#"
    rule used: deny "Used." when item.condition.used else false
    rule late: deny "Late." when as_of > 2024-01-01
    otherwise ok: approve refund or exchange as requested "Ok."
      requires evidence photos_item
      refund item.price"#,
    );
    for (path, value, want) in [
        (
            "items[0].condition",
            json!("used"),
            "items[0].condition: \"used\" is not an object",
        ),
        (
            "as_of",
            json!("2024-13-01"),
            "as_of: \"2024-13-01\" is not a date on the calendar",
        ),
        (
            "claim.evidence",
            json!(["photo"]),
            "claim.evidence[0]: \"photo\" is not one of photos_item",
        ),
        (
            "claim.evidence",
            json!("photos_item"),
            "claim.evidence: \"photos_item\" is not a list",
        ),
        (
            "claim.requested_remedy",
            json!("exchnage"),
            "claim.requested_remedy: \"exchnage\" is not one of refund",
        ),
        ("rates", json!(7.1), "rates: 7.1 is not an object"),
        // Money names the part that is wrong, whether of the wrong type or missing.
        (
            "items[0].price",
            json!({"amount": "10.00", "currency": 5}),
            "items[0].price.currency: 5 is not a currency code",
        ),
        (
            "items[0].price",
            json!({"amount": "10.00"}),
            "items[0].price.currency: is required",
        ),
        (
            "order.total",
            json!({"currency": "USD"}),
            "order.total.amount: is required",
        ),
    ] {
        let err = claim_error(&p, &claim_with(&[(path, value)]));
        assert!(err.starts_with(want), "{path}: got `{err}`");
    }
    let v = verdict(
        &p,
        &claim_with(&[
            ("claim.evidence", json!(["photos_item"])),
            ("claim.requested_remedy", json!("exchange")),
        ]),
    );
    assert_eq!(v["remedy"], "exchange");
}

#[test]
fn a_denial_reports_no_missing_evidence() {
    let p = returns(
        "",
        r#"
    rule digital: deny "Final." when item.category is digital
      requires evidence photos_item
    otherwise ok: review "A person looks." requires evidence photos_item"#,
    );
    assert_eq!(
        verdict(&p, &claim_with(&[("items[0].category", json!("digital"))]))["missing_evidence"],
        json!([])
    );
    assert_eq!(
        verdict(&p, &claim_with(&[]))["missing_evidence"],
        json!(["photos_item"])
    );
}

#[test]
fn end_of_day_is_the_last_instant_of_the_day_even_when_the_clock_falls_back_at_midnight() {
    // In Asuncion the clock fell back from 00:00 to 23:00 on 2023-03-26, so 23:59:59 on
    // 2023-03-25 happened twice; the end of that day is the later one (-04:00).
    let p = policy(
        r#"policy py "PY" {
  timezone "America/Asuncion"
  window w = 24 hours from order.delivered_at, plain dates at end of day
  rules for return {
    rule ok: approve refund "In." when order.delivered_at is set and claim.filed_at within w
      refund item.price
    otherwise late: deny "Late."
  }
}"#,
    );
    let v = verdict(
        &p,
        &claim_with(&[
            ("order.delivered_at", json!("2023-03-25")),
            ("claim.filed_at", json!("2023-03-26")),
        ]),
    );
    assert_eq!(
        v["deadlines"][0]["ends"],
        json!("2023-03-26T23:59:59-04:00")
    );
}

#[test]
fn per_item_deadlines_that_differ_carry_their_sku() {
    let p = returns(
        "  window w = 14 days from claim.return_label_issued_at",
        r#"
    rule ok: approve refund "Ok." refund item.price
      deadline w"#,
    );
    let item = |sku: &str| json!({"sku": sku, "category": "x", "price": {"amount": "5.00", "currency": "USD"}, "quantity": 1});
    let v = verdict(
        &p,
        &claim_with(&[
            ("items", json!([item("A"), item("B")])),
            ("claim.items", Value::Null),
            ("claim.return_label_issued_at", json!("2023-09-10")),
        ]),
    );
    assert_eq!(v["deadlines"], json!([{"name": "w", "ends": "2023-09-24"}]));
}

#[test]
fn conditions_at_the_nesting_limits_check_and_evaluate_and_beyond_them_are_refused() {
    let policy_with = |cond: String| {
        format!("policy h \"H\" {{\n  timezone \"UTC\"\n  rules for return {{\n    rule a: deny \"A.\" when {cond}\n  }}\n}}\n")
    };
    let at_limit = [
        format!("{}item.category is x", "not ".repeat(64)),
        format!("item.price{} > USD 1", " + item.price".repeat(63)),
        format!("{}item.category is x{}", "(".repeat(16), ")".repeat(16)),
    ];
    for cond in at_limit {
        let p = policy(&policy_with(cond));
        verdict(&p, &claim_with(&[]));
    }
    for cond in [
        format!("{}item.category is x", "not ".repeat(5000)),
        format!("{}item.category is x{}", "(".repeat(5000), ")".repeat(5000)),
        vec!["item.category is x"; 3000].join(" and "),
    ] {
        let d = clause::load(&clause::Source::new("h.policy", policy_with(cond))).unwrap_err();
        assert_eq!(d.items[0].code.as_str(), "clause::too-complex");
    }
}

#[test]
fn explaining_a_denial_by_a_limit_names_the_amount_and_the_limit() {
    let p = policy(
        r#"policy c "C" {
  timezone "Asia/Seoul"
  rules for shipping, whole order {
    rule customs: deny "Over CNY 1,000 will not pass customs." when order.total in CNY > CNY 1000
    rule ok: approve "Ships."
  }
}"#,
    );
    let c = claim_with(&[
        ("claim.kind", json!("shipping")),
        ("order.total.amount", json!("141.00")),
        ("rates", json!({"USD/CNY": "7.1012"})),
    ]);
    let claim = clause::language::eval::facts::decode_value(&c, &p).unwrap();
    let v = clause::language::eval::evaluate(&p, &claim).unwrap();
    let text = clause::tools::explain::explain(
        &p,
        &claim,
        &v,
        clause::tools::explain::ExplainFormat::Text,
    );
    assert!(
        text.contains("Your order total (USD 141.00 at the exchange rate given), CNY 1,001.27, is over the limit of CNY 1,000.00; with CNY 1,000.00 or less it would not have been refused"),
        "{text}"
    );
}

#[test]
fn a_claim_with_many_items_is_decided_item_by_item() {
    // Item lookups, bundles and deadlines are linear in the number of items: a
    // claim with 20,000 items gets 20,000 item verdicts (and no quadratic work).
    let p = returns(
        "  window w = 30 days from order.invoiced_at else order.placed_at",
        r#"
    rule bundle: deny "Return the entire bundle." when item.bundle_id is set and not item.whole_bundle_claimed
    rule ok: approve refund "Ok." when claim.filed_at within w
      refund item.price"#,
    );
    let items: Vec<Value> = (0..20_000)
        .map(|i| json!({"sku": format!("S-{i}"), "category": "x", "price": {"amount": "1.00", "currency": "USD"}, "quantity": 1, "bundle_id": if i % 2 == 0 { Value::Null } else { json!(format!("B-{}", i / 100)) }}))
        .collect();
    // Claim every item but S-1, so bundle B-0 is incomplete (S-1, S-3, ... S-99 are in it).
    let skus: Vec<Value> = (0..20_000)
        .filter(|i| *i != 1)
        .map(|i| json!(format!("S-{i}")))
        .collect();
    let v = verdict(
        &p,
        &claim_with(&[("items", json!(items)), ("claim.items", json!(skus))]),
    );
    assert_eq!(v["items"].as_array().unwrap().len(), 19_999);
    assert_eq!(v["decision"], "partial");
    let denied = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["decision"] == "deny")
        .count();
    assert_eq!(denied, 49); // S-3 ... S-99: the other odd items of B-0
    assert_eq!(v["deadlines"].as_array().unwrap().len(), 1);
}

#[test]
fn an_array_where_the_contract_has_an_object_is_refused_on_every_path() {
    let p = returns(
        "",
        r#"    rule ok: approve refund "Ok." when not (item.condition.used else false) refund item.price"#,
    );
    for (path, value, want) in [
        (
            "items[0].price",
            json!(["5.00", "USD"]),
            "items[0].price: [\"5.00\",\"USD\"] is not money",
        ),
        (
            "items[0].condition",
            json!([true, true]),
            "items[0].condition: [true,true] is not an object",
        ),
        ("order", json!([1]), "order: [1] is not an object"),
    ] {
        let text = claim_with(&[(path, value)]).to_string();
        assert!(
            clause::language::eval::decode_fast_only(&text, &p).is_none(),
            "{path}"
        );
        let err = clause::language::eval::eval_json(&p, &text)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{path}: {err}");
    }
}

#[test]
fn a_claim_naming_a_sku_two_items_share_is_refused() {
    let p = returns("", r#"    rule ok: approve refund "Ok." refund item.price"#);
    let item = json!({"sku": "A", "category": "x", "price": {"amount": "1.00", "currency": "USD"}, "quantity": 1});
    let err = claim_error(
        &p,
        &claim_with(&[
            ("items", json!([item.clone(), item])),
            ("claim.items", json!(["A"])),
        ]),
    );
    assert_eq!(
        err,
        "claim.items[0]: \"A\" is the sku of more than one item of the order"
    );
}

/// Without `claim.items`, two items sharing a sku are both judged, each in its
/// own entry of the verdict, in the order's order (docs/language.md).
#[test]
fn items_sharing_a_sku_are_each_judged_when_the_claim_names_none() {
    let p = returns("", r#"    rule ok: approve refund "Ok." refund item.price"#);
    let item = |amount: &str| json!({"sku": "A", "category": "x", "price": {"amount": amount, "currency": "USD"}, "quantity": 1});
    let mut claim = claim_with(&[("items", json!([item("1.00"), item("2.00")]))]);
    claim["claim"].as_object_mut().unwrap().remove("items");
    let v = verdict(&p, &claim);
    assert_eq!(v["refund"]["amount"], "3.00", "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{v}");
    assert_eq!(items[0]["refund"]["amount"], "1.00");
    assert_eq!(items[1]["refund"]["amount"], "2.00");
}

#[test]
fn a_category_that_is_not_a_snake_case_word_is_an_input_error() {
    let p = returns(
        "",
        r#"
    rule final_sale: deny "Digital products are final sale." when item.category is digital
    rule ok: approve refund "Ok." refund item.price * item.quantity"#,
    );
    // "Digital" could never equal `digital`: a silent approve is what it would give.
    for (given, hint) in [
        ("Digital", " (write `digital`)"),
        ("digital ", " (write `digital`)"),
        ("home-audio", " (write `home_audio`)"),
        ("a__b", ""),
        ("", ""),
    ] {
        let err = claim_error(&p, &claim_with(&[("items[0].category", json!(given))]));
        assert_eq!(
            err,
            format!(
                "items[0].category: {} is not a snake_case word: lowercase letters and digits joined by single underscores{hint}",
                json!(given)
            )
        );
    }
    let v = verdict(&p, &claim_with(&[("items[0].category", json!("digital"))]));
    assert_eq!(v["decision"], "deny");
    let v = verdict(&p, &claim_with(&[("items[0].category", json!("usb_c2"))]));
    assert_eq!(v["decision"], "approve");
}

/// One line of an order: the base claim's item with this SKU, category and
/// price (quantity 1).
fn order_line(sku: &str, category: &str, price: &str, currency: &str) -> Value {
    let mut i = claim_with(&[])["items"][0].clone();
    i["sku"] = json!(sku);
    i["category"] = json!(category);
    i["price"] = json!({"amount": price, "currency": currency});
    i["quantity"] = json!(1);
    i
}

#[test]
fn a_claim_level_amount_is_deducted_once_across_the_items() {
    let p = returns(
        "",
        r#"
    rule ok: approve refund "Ok." refund item.price * item.quantity
      deduct return_shipping claim.return_cost when claim.return_cost is set
      deduct restocking USD 5"#,
    );
    let item = |sku: &str, price: &str| order_line(sku, "electronics", price, "USD");
    let run = |first: &str, second: &str, cost: &str| {
        verdict(
            &p,
            &claim_with(&[
                ("items", json!([item("A", first), item("B", second)])),
                ("claim.items", json!(["A", "B"])),
                (
                    "claim.return_cost",
                    json!({"amount": cost, "currency": "USD"}),
                ),
            ]),
        )
    };
    let refunds = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["refund"]["amount"].as_str().unwrap().to_string())
            .collect()
    };
    let taken = |v: &Value, fee: &str| -> Vec<(String, String)> {
        v["deductions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["fee"] == fee)
            .map(|d| {
                (
                    d["sku"].as_str().unwrap().to_string(),
                    d["amount"]["amount"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // The return shipment's 45.00 once (from the first item), the 5.00 restocking per item.
    let v = run("899.00", "100.00", "45.00");
    assert_eq!(v["refund"]["amount"], "944.00");
    assert_eq!(refunds(&v), ["849.00", "95.00"]);
    assert_eq!(taken(&v, "return_shipping"), [("A".into(), "45.00".into())]);
    assert_eq!(taken(&v, "restocking").len(), 2);
    let fees: Vec<&Value> = v["fees"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fee"] == "return_shipping")
        .collect();
    assert_eq!(fees.len(), 1, "{fees:?}");
    // A first refund too small for it: the second item gives the rest.
    let v = run("20.00", "100.00", "45.00");
    // (Deductions are taken in the order written: the return shipment first.)
    assert_eq!(refunds(&v), ["0.00", "70.00"]);
    assert_eq!(
        taken(&v, "return_shipping"),
        [("A".into(), "20.00".into()), ("B".into(), "25.00".into())]
    );
    assert_eq!(v["refund"]["amount"], "70.00");
    // More than both refunds: they stop at zero, and nothing more is taken.
    let v = run("20.00", "10.00", "450.00");
    assert_eq!(refunds(&v), ["0.00", "0.00"]);
    assert_eq!(v["refund"]["amount"], "0.00");
}

#[test]
fn a_claim_level_amount_is_shared_across_currencies_reviews_and_may_deduct() {
    let p = returns(
        "",
        r#"
    rule held: approve refund "Held." when item.category is held
      requires evidence photos_item
      refund item.price * item.quantity
      deduct return_shipping claim.return_cost when claim.return_cost is set
    rule ok: approve refund "Ok." refund item.price * item.quantity
      deduct return_shipping claim.return_cost when claim.return_cost is set
      may deduct restocking order.shipping_paid when order.shipping_paid is set"#,
    );
    let usd = |a: &str| json!({"amount": a, "currency": "USD"});
    let run = |items: Value, cost: &str, extra: &[(&str, Value)]| {
        let skus: Vec<Value> = items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["sku"].clone())
            .collect();
        let mut sets = vec![
            ("items", items.clone()),
            ("claim.items", Value::Array(skus)),
            ("claim.return_cost", usd(cost)),
            ("order.shipping_paid", usd("15.00")),
        ];
        sets.extend(extra.iter().cloned());
        verdict(&p, &claim_with(&sets))
    };
    let lines = |v: &Value, list: &str| -> Vec<(String, String)> {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["sku"].as_str().unwrap_or("").to_string(),
                    format!(
                        "{} {}",
                        d["amount"]["amount"].as_str().unwrap(),
                        d["amount"]["currency"].as_str().unwrap()
                    ),
                )
            })
            .collect()
    };
    let two = json!([
        order_line("A", "electronics", "100.00", "USD"),
        order_line("B", "electronics", "100.00", "USD")
    ]);
    // A `may deduct` of one claim-level amount is shared too: the refund's
    // lowest is 200 - 20 - 15, not 200 - 20 - 30.
    let v = run(two.clone(), "20.00", &[]);
    assert_eq!(v["refund"]["amount"], "180.00");
    assert_eq!(v["refund_range"]["min"]["amount"], "165.00");
    assert_eq!(
        lines(&v, "possible_deductions"),
        [("A".into(), "15.00 USD".into())]
    );
    // A zero amount still says who pays it, once.
    let v = run(two.clone(), "0.00", &[]);
    assert_eq!(lines(&v, "fees"), [("A".into(), "0.00 USD".into())]);
    // An item held for evidence takes nothing and states what is left at its
    // turn; the approved item after it takes the amount.
    let mut held = two.clone();
    held[0]["category"] = json!("held");
    let v = run(held, "20.00", &[]);
    assert_eq!(v["items"][1]["refund"]["amount"], "80.00");
    assert_eq!(lines(&v, "deductions"), [("B".into(), "20.00 USD".into())]);
    // An item priced in another currency takes its share converted with the
    // claim's rates (USD 20 is EUR 10): EUR 5 from A, USD 10 from B, none from C.
    let three = json!([
        order_line("A", "electronics", "5.00", "EUR"),
        order_line("B", "electronics", "100.00", "USD"),
        order_line("C", "electronics", "100.00", "USD")
    ]);
    let v = run(three, "20.00", &[("rates", json!({"EUR/USD": "2"}))]);
    assert_eq!(
        lines(&v, "deductions"),
        [
            ("A".into(), "5.00 EUR".into()),
            ("B".into(), "10.00 USD".into())
        ]
    );
    assert_eq!(v["items"][2]["refund"]["amount"], "100.00");
}

#[test]
fn a_claim_level_amount_is_taken_once_whatever_the_rules_caps_and_order() {
    let p = returns(
        "",
        r#"
    rule capped: approve refund "Capped." when item.category is capped
      refund item.price * item.quantity
      deduct return_shipping claim.return_cost up to USD 30 when claim.return_cost is set
    rule maybe: approve refund "Maybe." when item.category is maybe
      refund item.price * item.quantity
      may deduct return_shipping claim.return_cost up to USD 30 when claim.return_cost is set
      deduct restocking USD 15
    rule ok: approve refund "Ok." refund item.price * item.quantity
      deduct return_shipping claim.return_cost when claim.return_cost is set"#,
    );
    let item = order_line;
    let run = |items: Vec<Value>, extra: &[(&str, Value)]| {
        let skus: Vec<Value> = items.iter().map(|i| i["sku"].clone()).collect();
        let mut sets = vec![
            ("items", Value::Array(items)),
            ("claim.items", Value::Array(skus)),
            (
                "claim.return_cost",
                json!({"amount": "45.00", "currency": "USD"}),
            ),
        ];
        sets.extend(extra.iter().cloned());
        verdict(&p, &claim_with(&sets))
    };
    let total = |v: &Value, list: &str, fee: &str| -> rust_decimal::Decimal {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["fee"] == fee)
            .map(|d| {
                d["amount"]["amount"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            })
            .sum()
    };
    // One shipment: never more than its 45.00, whichever rule's item comes
    // first (the capped rule's first item makes it 30.00).
    let a = item("A", "capped", "100.00", "USD");
    let b = item("B", "other", "100.00", "USD");
    let v = run(vec![a.clone(), b.clone()], &[]);
    assert_eq!(
        total(&v, "deductions", "return_shipping").to_string(),
        "30.00"
    );
    let v = run(vec![b.clone(), a.clone()], &[]);
    assert_eq!(
        total(&v, "deductions", "return_shipping").to_string(),
        "45.00"
    );
    // A `may deduct` is bounded by what the rule's deductions leave, wherever
    // it is written: 20.00 - 15.00 leaves 5.00 for the first item, and the
    // second gives the rest of the 30.00 cap.
    let v = run(
        vec![
            item("A", "maybe", "20.00", "USD"),
            item("B", "maybe", "100.00", "USD"),
        ],
        &[],
    );
    assert_eq!(
        total(&v, "possible_deductions", "return_shipping").to_string(),
        "30.00"
    );
    assert_eq!(v["refund_range"]["min"]["amount"], "60.00");
    assert_eq!(v["refund_range"]["max"]["amount"], "90.00");
    // What no refund could take goes on the fee line of the last item that
    // gave some, in its currency: the fee lines add up to USD 45.00.
    let v = run(
        vec![
            item("A", "other", "5.00", "EUR"),
            item("B", "other", "10.00", "USD"),
        ],
        &[("rates", json!({"USD/EUR": "0.5"}))],
    );
    let fees: Vec<(String, String)> = v["fees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["amount"]["amount"].as_str().unwrap().to_string(),
                f["amount"]["currency"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        fees,
        [
            ("5.00".into(), "EUR".into()),
            ("35.00".into(), "USD".into())
        ]
    );
}

/// A day tested against an hour window is any instant of it: within when the
/// whole day is before the end, after when the whole day is after it, and
/// missing (neither) when the end falls inside the day; `is missing` catches
/// that. docs/language.md, "Hours, and claims that give only a day".
#[test]
fn a_day_tested_against_an_hour_window_is_any_instant_of_it() {
    let p = policy(
        r#"policy day "Day" {
  timezone "Asia/Seoul"
  window w = 24 hours from order.delivered_at, plain dates at end of day
  rules for return {
    rule not_received: review "Not yet." when order.delivered_at is missing
    rule late: deny "Late." when claim.filed_at after w
    rule unclear: review "Unclear." when (claim.filed_at within w) is missing
    rule early: review "Early." when claim.filed_at before w
    rule in_time: approve refund "In time." when claim.filed_at within w
      refund item.price
    otherwise never: deny "Neither."
  }
}"#,
    );
    let rule = |delivered: &str, filed: &str| {
        let v = verdict(
            &p,
            &claim_with(&[
                ("order.delivered_at", json!(delivered)),
                ("claim.filed_at", json!(filed)),
                ("as_of", Value::Null),
            ]),
        );
        v["because"][0]["rule"].as_str().unwrap().to_string()
    };
    let noon = "2023-09-05T12:00:00+09:00";
    // The window runs from noon on 5 September to noon on 6 September.
    assert_eq!(rule(noon, "2023-09-05"), "in_time"); // part of the day after the start
    assert_eq!(rule(noon, "2023-09-06"), "unclear"); // the end falls inside the day
    assert_eq!(rule(noon, "2023-09-07"), "late"); // the whole day after the end
    assert_eq!(rule(noon, "2023-09-04"), "early"); // the whole day before the start
    assert_eq!(rule(noon, "2023-09-06T11:59:00+09:00"), "in_time");
    assert_eq!(rule(noon, "2023-09-06T12:01:00+09:00"), "late");
    // A delivery day starts the window at its end (the window's own choice):
    // the whole next day is inside.
    assert_eq!(rule("2023-09-05", "2023-09-06"), "in_time");
    assert_eq!(rule("2023-09-05", "2023-09-07"), "late");
}

/// A verdict is computed at the claim's filing or later: an `as_of` surely
/// before `claim.filed_at` is refused at its path, by both claim readers; a
/// day is compared by its day.
#[test]
fn an_as_of_before_the_filing_is_refused() {
    let p = returns(
        "  window w = 30 days from order.invoiced_at else order.placed_at",
        r#"
    rule late: deny "Late." when as_of after w
    otherwise ok: approve refund "Ok." refund item.price"#,
    );
    let filed = "2023-09-12T09:00:00-07:00";
    for (as_of, refused) in [
        ("2023-09-12T08:59:59-07:00", true),
        ("2023-09-11", true),
        ("2023-09-12T09:00:00-07:00", false),
        ("2023-09-12", false), // the filing's own day
        ("2023-09-12T16:00:00Z", false),
    ] {
        let claim = claim_with(&[("claim.filed_at", json!(filed)), ("as_of", json!(as_of))]);
        if refused {
            assert_eq!(
                claim_error(&p, &claim),
                "as_of: is before claim.filed_at: a verdict is computed at the claim's filing or later",
                "{as_of}"
            );
        } else {
            assert_eq!(verdict(&p, &claim)["decision"], "approve", "{as_of}");
        }
    }
}
