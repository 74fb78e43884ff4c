//! Holiday calendars end to end: a claim past the years a calendar covers is
//! refused with the reason, never answered without the holidays (issue #13); the
//! bundled US calendar's observed days; `covering`; `clause calendar`.

use serde_json::{json, Value};

use super::support::{claim_error, claim_with, policy, run_clause, verdict};

/// "Damage must be reported within 2 business days of receipt", with a calendar.
fn damage_source(calendar: &str) -> String {
    format!(
        r#"policy b2b "B2B Supplies" {{
  currency USD
  timezone "America/New_York"
  calendar {{ {calendar} }}
  window report = 2 business days from order.delivered_at
  rules for return {{
    rule damaged: approve refund "Damage must be reported within 2 business days of receipt."
      when order.delivered_at is set and claim.filed_at within report
      refund item.price * item.quantity
    otherwise late: deny "Damage must be reported within 2 business days of receipt."
      deadline report
  }}
}}
"#
    )
}

/// [`damage_source`], checked.
fn damage_policy(calendar: &str) -> clause::language::check::ir::Policy {
    policy(&damage_source(calendar))
}

/// Delivered Friday 2 July 2027, reported Wednesday 7 July.
fn july_2027_claim() -> Value {
    claim_with(&[
        ("order.delivered_at", json!("2027-07-02")),
        ("claim.filed_at", json!("2027-07-07T10:00:00-04:00")),
    ])
}

#[test]
fn federal_holidays_typed_for_2025_and_2026_refuse_a_claim_in_2027() {
    let p = damage_policy(
        "holidays 2025-01-01, 2025-07-04, 2025-12-25, 2026-01-01, 2026-07-03, 2026-12-25",
    );
    let err = claim_error(&p, &july_2027_claim());
    assert!(
        err.contains("the list of holidays typed by hand covers 2025 to 2026; business days in 2027 cannot be counted"),
        "{err}"
    );
}

/// `clause check --deny warnings` on the damage policy with this calendar, read
/// from standard input: its exit code and its diagnostics.
fn check_calendar(calendar: &str) -> (i32, String) {
    let source = damage_source(calendar);
    let (code, out, err) = run_clause(
        &[
            "check",
            "--deny",
            "warnings",
            "-",
            "--stdin-filename",
            "b2b.policy",
        ],
        Some(source.as_bytes()),
    );
    // Long lines wrap in the terminal's drawing: read the words only.
    let words: Vec<&str> = out
        .split_whitespace()
        .chain(err.split_whitespace())
        .filter(|w| *w != "│")
        .collect();
    (code, words.join(" "))
}

#[test]
fn federal_holidays_typed_by_hand_are_named_for_what_they_are() {
    // The newcomer's list: the federal holidays of 2025 and 2026, typed out.
    let dates: Vec<String> = [2025, 2026]
        .iter()
        .flat_map(|y| clause::calendar::holidays("US", *y).unwrap())
        .map(|h| h.date.to_string())
        .collect();
    assert!(dates.len() > 20, "{dates:?}");
    let (code, said) = check_calendar(&format!("holidays {}", dates.join(", ")));
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("the holidays typed by hand are the bundled US calendar's (23 of 23 dates) and cover only 2025 to 2026"),
        "{said}"
    );
    assert!(said.contains(r#"write `holidays "US"` instead"#), "{said}");
    // Most of them, with a company day among them, are still the US calendar's.
    let mut some: Vec<String> = dates[..8].to_vec();
    some.push("2025-12-24".into());
    let (code, said) = check_calendar(&format!("holidays {}", some.join(", ")));
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("bundled US calendar's (8 of 9 dates)"),
        "{said}"
    );
    // The help says which days the bundled calendar would close besides.
    assert!(
        said.contains("It also closes 3 days not typed here (2025-11-11, 2025-11-27, 2025-12-25)"),
        "{said}"
    );
    // A business's common closing days are a subset of the country's holidays,
    // not the country's calendar: `holidays "US"` would close five more days.
    let (code, said) = check_calendar(
        "holidays 2025-01-01, 2025-05-26, 2025-07-04, 2025-09-01, 2025-11-27, 2025-12-25, 2026-01-01, 2026-05-25, 2026-07-03, 2026-09-07, 2026-11-26, 2026-12-25",
    );
    assert_eq!(code, 0, "{said}");
    // A business's own closing days are not a country's.
    let (code, said) = check_calendar(
        "holidays 2025-11-28, 2025-12-24, 2025-12-31, 2026-11-27, 2026-12-24, 2026-12-31 covering 2025 to 2026",
    );
    assert_eq!(code, 0, "{said}");
}

#[test]
fn the_bundled_us_calendar_skips_independence_day_observed_in_2027() {
    let p = damage_policy(r#"holidays "US""#);
    let v = verdict(&p, &july_2027_claim());
    // Friday 2 July + 2 business days: Tuesday 6 July and Wednesday 7 July
    // (Monday 5 July is Independence Day observed).
    assert_eq!(v["decision"], "approve", "{v}");
    let late = verdict(
        &p,
        &claim_with(&[
            ("order.delivered_at", json!("2027-07-02")),
            ("claim.filed_at", json!("2027-07-08T10:00:00-04:00")),
        ]),
    );
    assert_eq!(late["decision"], "deny", "{late}");
    assert_eq!(late["deadlines"][0]["ends"], json!("2027-07-07"), "{late}");
}

#[test]
fn a_claim_past_the_bundled_span_is_refused_with_the_reason() {
    let p = damage_policy(r#"holidays "US""#);
    let err = claim_error(
        &p,
        &claim_with(&[
            ("order.delivered_at", json!("2030-12-30")),
            ("claim.filed_at", json!("2031-01-02T10:00:00-05:00")),
        ]),
    );
    assert!(
        err.contains(
            "the bundled US calendar covers 2020 to 2030; business days in 2031 cannot be counted"
        ),
        "{err}"
    );
    // The error names the date the window counts from, by its JSON path
    // (it had an empty path, as if the whole claim were at fault).
    assert!(err.starts_with("order.delivered_at: "), "{err}");
    let claim = claim_with(&[
        ("order.delivered_at", json!("2030-12-30")),
        ("claim.filed_at", json!("2031-01-02T10:00:00-05:00")),
    ]);
    let loaded =
        clause::Policy::from_text("b2b.policy", &damage_source(r#"holidays "US""#)).unwrap();
    let problems = loaded.evaluate(&claim.to_string()).unwrap_err().problems;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "order.delivered_at");
}

#[test]
fn covering_gives_the_years_of_the_dates_typed_by_hand() {
    let p = damage_policy(r#"holidays "US"  holidays 2027-07-06 covering 2027 to 2028"#);
    // The shop's own closing day, Tuesday 6 July 2027, counts too: the deadline is Thursday 8 July.
    let v = verdict(
        &p,
        &claim_with(&[
            ("order.delivered_at", json!("2027-07-02")),
            ("claim.filed_at", json!("2027-07-08T10:00:00-04:00")),
        ]),
    );
    assert_eq!(v["decision"], "approve", "{v}");
    // 2028 is covered though no date falls in it; 2029 is not.
    let err = claim_error(
        &p,
        &claim_with(&[
            ("order.delivered_at", json!("2029-03-01")),
            ("claim.filed_at", json!("2029-03-02T10:00:00-05:00")),
        ]),
    );
    assert!(err.contains("covers 2027 to 2028"), "{err}");
}

#[test]
fn a_covering_that_says_nothing_true_is_refused() {
    for calendar in [
        r#"holidays "US" covering 2025 to 2026"#,
        "holidays 2025-12-24 covering 2026 to 2027",
        "holidays 2025-12-24 covering 2026 to 2025",
        r#"holidays "CN"  holidays 2028-01-03"#,
        "holidays 2025-12-24 covering 2025 to 2026  holidays 2026-12-24 covering 2025 to 2026",
    ] {
        let text = format!(
            "policy p \"P\" {{\n  timezone \"UTC\"\n  calendar {{ {calendar} }}\n  rules for return {{ otherwise a: review \"A.\" }}\n}}\n"
        );
        let err = clause::load(&clause::Source::new("p.policy", text)).unwrap_err();
        assert!(
            err.items
                .iter()
                .any(|d| d.code.as_str() == "clause::invalid-calendar"),
            "{calendar}: {}",
            err.render(100)
        );
    }
}

#[test]
fn clause_calendar_lists_a_years_holidays_as_json() {
    let (code, out, err) = run_clause(
        &["calendar", "US", "--year", "2027", "--format", "json"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .contains(&json!({"date": "2027-07-05", "name": "Independence Day (observed)"})),
        "{out}"
    );
    let (code, out, _) = run_clause(&["calendar", "GB-SCT", "--year", "2027"], None);
    assert_eq!(code, 0);
    assert!(out.contains("2027-11-30  Tue  Saint Andrew's Day"), "{out}");
}

#[test]
fn clause_calendar_list_names_every_required_market() {
    let (code, out, err) = run_clause(&["calendar", "--list", "--format", "json"], None);
    assert_eq!(code, 0, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    for want in [
        "US", "CA", "GB", "GB-ENG", "GB-SCT", "IE", "DE", "DE-BY", "FR", "NL", "BE", "ES", "IT",
        "AT", "CH", "SE", "DK", "NO", "FI", "PL", "PT", "AU", "NZ", "JP", "KR", "CN", "HK", "SG",
        "IN", "BR", "MX",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    let us = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "US")
        .unwrap();
    assert_eq!(us["first_year"], 2020);
    assert_eq!(us["last_year"], 2030);
}

#[test]
fn clause_calendar_refuses_an_unknown_code_or_a_year_outside_the_span() {
    let (code, _, err) = run_clause(&["calendar", "UK", "--year", "2027"], None);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `GB`?"), "{err}");
    let (code, _, err) = run_clause(&["calendar", "US", "--year", "2031"], None);
    assert_eq!(code, 1);
    assert!(err.contains("covers 2020 to 2030"), "{err}");
    let (code, _, _) = run_clause(&["calendar", "US"], None);
    assert_eq!(code, 64);
}

/// The JSON path of a claim's error when a window ends past what can be
/// counted: the claim's date the window's end was counted from, or none
/// (the whole claim) when the end is the policy's own date.
#[test]
fn a_window_past_what_can_be_counted_names_the_date_it_counted_from() {
    let path_of_error = |window: &str, facts: &[(&str, Value)]| -> String {
        let mut when = "claim.filed_at within w".to_string();
        for fact in ["facts.start", "facts.ends", "order.delivered_at"] {
            if window.contains(fact) {
                when = format!("{fact} is set and {when}");
            }
        }
        let source = format!(
            r#"policy t "T" {{
  currency USD
  timezone "America/New_York"
  calendar {{ holidays "US" }}
  fact ends: event optional
  fact start: event optional
  {window}
  rules for return {{
    rule ok: approve refund "x"
      when {when}
      refund item.price * item.quantity
    otherwise late: deny "y"
      deadline w
  }}
}}
"#
        );
        let policy = clause::Policy::from_text("t.policy", &source).unwrap();
        let mut claim = claim_with(facts);
        claim["facts"] = json!({});
        for (path, value) in facts {
            if let Some(name) = path.strip_prefix("facts.") {
                claim["facts"][name] = value.clone();
            }
        }
        let problems = policy.evaluate(&claim.to_string()).unwrap_err().problems;
        assert_eq!(problems.len(), 1, "{window}: {problems:?}");
        problems[0].path.clone()
    };
    let late = json!("2040-01-02");
    assert_eq!(
        path_of_error(
            "window w = 2 business days from facts.start",
            &[("facts.start", late.clone())]
        ),
        "facts.start"
    );
    assert_eq!(
        path_of_error(
            "window w = until facts.ends, rolled forward to a business day",
            &[("facts.ends", json!("2040-01-01"))]
        ),
        "facts.ends"
    );
    assert_eq!(
        path_of_error(
            "window w = 48 hours from order.delivered_at, plain dates at end of day",
            &[("order.delivered_at", json!("9999-12-31"))]
        ),
        "order.delivered_at"
    );
    // Extended to the policy's own date past the calendar, then rolled
    // forward: the claim's delivery date is not at fault.
    assert_eq!(
        path_of_error(
            "window w = 2 days from order.delivered_at, extended to 2040-01-31 when order.delivered_at is set, rolled forward to a business day",
            &[("order.delivered_at", json!("2023-11-20"))]
        ),
        ""
    );
    assert_eq!(
        path_of_error(
            "window w = between 2040-01-01 and 2040-01-31, rolled forward to a business day",
            &[]
        ),
        ""
    );
}
