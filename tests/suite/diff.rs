//! `clause diff`: the static diff of two policy files and the replay of past
//! claims under both, in every format, and its CI guards.

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;

use super::support::claim_with;

const OLD: &str = r#"policy shop "Shop" {
  timezone "UTC"
  window return_window = 30 days from order.placed_at
  threshold free_label = item.weight is set and item.weight <= 30 lb
  rules for return {
    rule final_sale: deny "Digital products are final sale." when item.category is digital
    rule in_time: approve refund "Returns within 30 days."
      when claim.filed_at within return_window
      refund item.price * item.quantity
      fee return_shipping paid by merchant when free_label, otherwise customer
    otherwise too_late: deny "The return period has ended."
  }
}
"#;

/// A fresh folder for one test (tests run in parallel: each needs its own).
fn workspace(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clause-diff-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("old.policy"), OLD).unwrap();
    let new = OLD
        .replace("30 days from", "14 days from")
        .replace("<= 30 lb", "<= 10 lb")
        .replace("rule final_sale", "rule final_sale_digital");
    std::fs::write(dir.join("new.policy"), new).unwrap();
    let claims: Vec<String> = [
        ("A", "2023-09-05", "4", "electronics"), // 4 days: both approve, merchant pays both times
        ("B", "2023-09-20", "4", "electronics"), // 19 days: old approves, new denies
        ("C", "2023-09-05", "20", "electronics"), // heavy: payer flips merchant -> customer
        ("D", "2023-09-05", "4", "digital"),     // deny both, by a renamed rule
    ]
    .iter()
    .map(|(id, filed, lb, cat)| {
        claim_with(&[
            ("claim_id", json!(id)),
            ("claim.filed_at", json!(filed)),
            ("items[0].weight", json!({"value": lb, "unit": "lb"})),
            ("items[0].category", json!(cat)),
        ])
        .to_string()
    })
    .chain(["{broken".to_string()])
    .collect();
    std::fs::write(dir.join("claims.jsonl"), claims.join("\n") + "\n").unwrap();
    dir
}

fn run(dir: &PathBuf, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_clause"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn diff_reports_file_changes_and_replayed_verdicts() {
    let dir = workspace("report");
    let (code, human, _) = run(
        &dir,
        &[
            "diff",
            "old.policy",
            "new.policy",
            "--claims",
            "claims.jsonl",
            "--threads",
            "2",
        ],
    );
    assert_eq!(code, 0);
    let (_, markdown, _) = run(
        &dir,
        &[
            "diff",
            "old.policy",
            "new.policy",
            "--claims",
            "claims.jsonl",
            "--format",
            "markdown",
        ],
    );
    let (_, static_only, _) = run(&dir, &["diff", "old.policy", "new.policy"]);
    insta::assert_snapshot!(format!(
        "--- human\n{human}\n--- markdown\n{markdown}\n--- without claims\n{static_only}"
    ));
}

#[test]
fn diff_json_counts_and_guards() {
    let dir = workspace("json");
    let (code, out, _) = run(
        &dir,
        &[
            "diff",
            "old.policy",
            "new.policy",
            "--claims",
            "claims.jsonl",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["replay"];
    assert_eq!(r["claims"], 5);
    // B: approve -> deny; C: payer flips; D: renamed rule. A and the broken line do not change.
    assert_eq!(r["changed"], 3);
    assert_eq!(r["money"][0]["claims_refunded_less"], 1);
    assert_eq!(r["money"][0]["change"], "-199.00");
    assert_eq!(r["payer_flips"][0]["examples"], json!(["C"]));
    let (code, _, err) = run(
        &dir,
        &[
            "diff",
            "old.policy",
            "new.policy",
            "--claims",
            "claims.jsonl",
            "--fail-on",
            "refund-decrease",
            "--fail-on",
            "payer-change",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("refund-decrease: 1 claims get less money back"),
        "{err}"
    );
    assert!(err.contains("payer-change: 1 fees change payer"), "{err}");
    let (code, _, _) = run(
        &dir,
        &[
            "diff",
            "old.policy",
            "old.policy",
            "--claims",
            "claims.jsonl",
            "--fail-on",
            "any-change",
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn comments_are_not_changes_but_calendars_facts_and_fees_are() {
    let dir = workspace("comments");
    let new = OLD
        .replace("  rules for return {", "  calendar { holidays 2023-12-25 }\n  fact vip: bool optional\n  fees gift_wrap\n  rules for return {")
        .replace("      refund item.price * item.quantity", "      # the page's own words\n      refund item.price * item.quantity");
    std::fs::write(dir.join("commented.policy"), new).unwrap();
    let (code, out, _) = run(
        &dir,
        &["diff", "old.policy", "commented.policy", "--format", "json"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changes: Vec<String> = v["static"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}: {}", c["what"], c["name"], c["change"]))
        .collect();
    assert_eq!(
        changes,
        [
            r#""calendar" "calendar": "added: `calendar { holidays 2023-12-25 }`""#,
            r#""fact" "vip": "added: `vip: bool optional`""#,
            r#""fees" "fees": "added: `gift_wrap`""#,
        ]
    );
}

#[test]
fn diff_names_what_changed_in_a_rule_and_compares_like_with_like() {
    let dir = workspace("kinds");
    let new = r#"policy shop_v2 "Shop" {
  timezone "UTC"
  window return_window = 25 business days from order.placed_at
  rules for return, whole order {
    rule final_sale: deny "Orders through the app are final sale." when order.channel is set and order.channel is app
    rule in_time: approve refund "Returns within 25 business days."
      when claim.filed_at within return_window and order.total > USD 1
      refund order.total
      fee return_shipping paid by merchant
    otherwise too_late: deny "The return period has ended."
  }
}
"#;
    std::fs::write(dir.join("kinds.policy"), new).unwrap();
    let (code, out, err) = run(&dir, &["diff", "old.policy", "kinds.policy"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("setting `policy`: `shop` -> `shop_v2`"),
        "{out}"
    );
    assert!(
        out.contains("window `return_window`: changed:"),
        "business days are not compared with days: {out}"
    );
    assert!(
        out.contains("rule `in_time`: changed: fee payers, words, conditions"),
        "{out}"
    );
    assert!(
        out.contains("decided for each item -> the whole order"),
        "{out}"
    );
    assert!(!out.contains("(order)"), "{out}");
}

#[test]
fn rules_that_change_places_are_reported_once_per_block() {
    let dir = workspace("order");
    let first = "    rule final_sale: deny \"Digital products are final sale.\" when item.category is digital\n";
    assert!(OLD.contains(first));
    let swapped = OLD.replace(first, "").replace(
        "    otherwise too_late",
        &format!("{first}    otherwise too_late"),
    );
    std::fs::write(dir.join("swapped.policy"), swapped).unwrap();
    let (code, out, err) = run(
        &dir,
        &["diff", "old.policy", "swapped.policy", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changes: Vec<String> = v["static"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}: {}", c["name"], c["change"]))
        .collect();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(
        changes[0].starts_with("\"(order)\": \"rules of the return block"),
        "{changes:?}"
    );
}

/// `clause diff old.policy new.policy --claims FILE --format json` in `dir`.
fn replay_json(dir: &PathBuf, claims: &str) -> serde_json::Value {
    let (code, out, err) = run(
        dir,
        &[
            "diff",
            "old.policy",
            "new.policy",
            "--claims",
            claims,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// A fee that flips payer on two items of one claim is one claim (it was
/// counted, and named as an example, once per item); the share of verdicts
/// that change is rounded, not cut (2 of 3 is 66.7%).
#[test]
fn payer_flips_count_claims_and_the_share_is_rounded() {
    let dir = workspace("flips");
    let mut item = super::support::base_claim()["items"][0].clone();
    item["weight"] = json!({"value": "20", "unit": "lb"});
    let mut second = item.clone();
    second["sku"] = json!("SKU-2");
    let two = claim_with(&[
        ("claim_id", json!("TWO")),
        ("claim.filed_at", json!("2023-09-05")),
        ("items", json!([item, second])),
        ("claim.items", json!(null)),
    ]);
    let same = claim_with(&[
        ("claim_id", json!("SAME")),
        ("claim.filed_at", json!("2023-09-05")),
    ]);
    let late = claim_with(&[
        ("claim_id", json!("LATE")),
        ("claim.filed_at", json!("2023-09-20")),
    ]);
    let lines = [two, same, late].map(|c| c.to_string()).join("\n") + "\n";
    std::fs::write(dir.join("flips.jsonl"), lines).unwrap();
    let v = replay_json(&dir, "flips.jsonl");
    let flip = &v["replay"]["payer_flips"][0];
    assert_eq!(flip["count"], 1, "{flip}");
    assert_eq!(flip["examples"], json!(["TWO"]));
    let (_, human, _) = run(
        &dir,
        &[
            "diff",
            "old.policy",
            "new.policy",
            "--claims",
            "flips.jsonl",
        ],
    );
    assert!(
        human.contains("replayed 3 claims: 2 verdicts change (66.7%)"),
        "{human}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fee line is matched to the same item's line under the new version: a
/// claim whose second item's fee flips counts whatever the items' order (the
/// first line of that fee's name was taken, and one order was missed).
#[test]
fn payer_flips_are_matched_item_by_item() {
    let dir = workspace("items");
    let light = {
        let mut i = super::support::base_claim()["items"][0].clone();
        i["sku"] = json!("LIGHT");
        i["weight"] = json!({"value": "4", "unit": "lb"});
        i
    };
    let heavy = {
        let mut i = light.clone();
        i["sku"] = json!("HEAVY");
        i["weight"] = json!({"value": "20", "unit": "lb"});
        i
    };
    let claim = |id: &str, items: Vec<serde_json::Value>| {
        claim_with(&[
            ("claim_id", json!(id)),
            ("claim.filed_at", json!("2023-09-05")),
            ("items", json!(items)),
            ("claim.items", json!(null)),
        ])
        .to_string()
    };
    let lines = [
        claim("LIGHT-FIRST", vec![light.clone(), heavy.clone()]),
        claim("HEAVY-FIRST", vec![heavy, light]),
    ]
    .join("\n")
        + "\n";
    std::fs::write(dir.join("items.jsonl"), lines).unwrap();
    let v = replay_json(&dir, "items.jsonl");
    let flip = &v["replay"]["payer_flips"][0];
    assert_eq!(flip["count"], 2, "{flip}");
    assert_eq!(flip["examples"], json!(["LIGHT-FIRST", "HEAVY-FIRST"]));
    let _ = std::fs::remove_dir_all(&dir);
}
