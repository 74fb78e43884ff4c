//! The contract's example cases (a copy of shared/contract/examples/cases.jsonl),
//! judged the way shared/contract/check_cases.py judges them.

use rust_decimal::Decimal;
use serde_json::Value;

use super::support::{policy_file, root, verdict};

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/schema").join(name)).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn contract_example_cases_pass() {
    let text = std::fs::read_to_string(root().join("tests/data/contract-cases.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    let claim_schema = schema("claim.schema.json");
    let verdict_schema = schema("verdict.schema.json");
    // The schemas do reject: a claim with a bad amount and a verdict with an unknown decision.
    let mut bad = super::support::base_claim();
    bad["items"][0]["price"]["amount"] = serde_json::json!("12,5");
    assert!(!claim_schema.is_valid(&bad));
    assert!(!verdict_schema.is_valid(&serde_json::json!({"decision": "maybe"})));
    // What the decoder reads as an instant, the schema allows: RFC 3339's
    // lowercase t and z and a space for the T, as well as the usual form.
    let imicro = policy_file(&root().join("policies/imicro.policy"));
    for at in [
        "2023-09-12T09:00:00-07:00",
        "2023-09-12t16:00:00z",
        "2023-09-12 16:00:00Z",
    ] {
        let mut claim = super::support::base_claim();
        claim["claim"]["filed_at"] = serde_json::json!(at);
        assert!(claim_schema.is_valid(&claim), "{at}");
        assert_eq!(verdict(&imicro, &claim)["decision"], "approve", "{at}");
    }
    let mut claim = super::support::base_claim();
    claim["claim"]["filed_at"] = serde_json::json!("2023-09-12T09:00:00");
    assert!(
        !claim_schema.is_valid(&claim),
        "an instant needs its offset"
    );
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let name = case["policy"].as_str().unwrap();
        let path = root().join("policies").join(format!("{name}.policy"));
        if !path.exists() {
            failures.push(format!("{}: policies/{name}.policy is missing", case["id"]));
            continue;
        }
        let v = verdict(&policy_file(&path), &case["claim"]);
        ran += 1;
        for (schema, instance, what) in [
            (&claim_schema, &case["claim"], "claim"),
            (&verdict_schema, &v, "verdict"),
        ] {
            for e in schema.iter_errors(instance) {
                failures.push(format!(
                    "{}: {what} schema: {e} at {}",
                    case["id"],
                    e.instance_path()
                ));
            }
        }
        let expect = &case["expect"];
        let id = &case["id"];
        if let Some(want) = expect.get("decision") {
            let ok = match want {
                Value::Array(list) => list.contains(&v["decision"]),
                one => *one == v["decision"],
            };
            if !ok {
                failures.push(format!("{id}: decision {}, expected {want}", v["decision"]));
            }
        }
        if let Some(want) = expect.get("refund").and_then(Value::as_str) {
            let got = v["refund"]["amount"]
                .as_str()
                .and_then(|s| s.parse::<Decimal>().ok());
            if got != want.parse::<Decimal>().ok() {
                failures.push(format!("{id}: refund {}, expected {want}", v["refund"]));
            }
        }
        if let Some(want) = expect.get("remedy") {
            if v["remedy"] != *want {
                failures.push(format!("{id}: remedy {}, expected {want}", v["remedy"]));
            }
        }
        if let Some(payers) = expect.get("payers").and_then(Value::as_object) {
            for (fee, payer) in payers {
                let names: Vec<&str> = fee.split('|').collect();
                let found: Vec<&Value> = v["fees"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| names.contains(&f["fee"].as_str().unwrap_or("")))
                    .map(|f| &f["payer"])
                    .collect();
                if !found.contains(&payer) {
                    failures.push(format!(
                        "{id}: fee {fee} payers {found:?}, expected {payer}"
                    ));
                }
            }
        }
        for code in expect
            .get("missing_evidence")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !v["missing_evidence"].as_array().unwrap().contains(code) {
                failures.push(format!("{id}: missing_evidence lacks {code}"));
            }
        }
    }
    assert!(ran > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn contract_copy_is_current() {
    let shared = root().join("../shared/contract/examples/cases.jsonl");
    if let Ok(theirs) = std::fs::read_to_string(shared) {
        let ours = std::fs::read_to_string(root().join("tests/data/contract-cases.jsonl")).unwrap();
        assert_eq!(
            ours, theirs,
            "tests/data/contract-cases.jsonl is out of date: copy it again from shared/"
        );
    }
}
