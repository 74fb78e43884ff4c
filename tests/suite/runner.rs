//! `clause test` and `clause check` as a merchant's CI runs them: passing and
//! failing cases, snapshots created, accepted and refused, coverage, and every
//! output format, each with a snapshot of what the command prints.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::support::root;

const POLICY: &str = r#"policy shop "Shop Returns" {
  timezone "UTC"
  window return_window = 30 days from order.placed_at
  rules for return {
    rule final_sale: deny "Digital products are final sale."
      when item.category is digital
      unless claim.reason is wrong_item
    rule in_time: approve refund "Returns within 30 days."
      when claim.filed_at within return_window
      refund item.price * item.quantity
    otherwise too_late: deny "The return period has ended."
  }
}
"#;

/// A fresh folder holding the shop policy and the given cases.
fn workspace(name: &str, cases: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clause-runner-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("shop.policy"), POLICY).unwrap();
    let base = super::support::base_claim();
    let file = format!(r#"{{"policy": "shop.policy", "base": {base}, "cases": {cases}}}"#);
    std::fs::write(dir.join("shop.cases.json"), file).unwrap();
    dir
}

/// Runs `clause` in `dir`; returns the exit code and standard output then error.
fn run(dir: &Path, args: &[&str], ci: bool) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clause"));
    cmd.args(args).current_dir(dir).env_remove("CI");
    if ci {
        cmd.env("CI", "true");
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

const ALL_PASS: &str = r#"[
  {"name": "in-time", "expect": {"decision": "approve", "refund": "199.00"}},
  {"name": "digital", "set": {"items[0].category": "digital"}, "expect": {"decision": "deny", "rule": "final_sale"}},
  {"name": "digital-wrong-item", "set": {"items[0].category": "digital", "claim.reason": "wrong_item"}, "expect": {"rule": "in_time"}},
  {"name": "late", "set": {"claim.filed_at": "2023-10-30"}, "expect": {"decision": "deny", "rule": "too_late"}}
]"#;

#[test]
fn passing_cases_report_full_coverage() {
    let dir = workspace("pass", ALL_PASS);
    let (code, out) = run(
        &dir,
        &["test", "shop.cases.json", "--min-coverage", "100"],
        false,
    );
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn failing_cases_show_each_mismatch_and_uncovered_rules() {
    let dir = workspace(
        "fail",
        r#"[
  {"name": "in-time", "text": "wrongly expects the customer to pay", "expect": {"decision": "deny", "refund": "10.00", "payers": {"return_shipping": "customer"}}},
  {"name": "digital", "set": {"items[0].category": "digital"}, "expect": {"decision": "deny"}}
]"#,
    );
    let (code, out) = run(&dir, &["test", "shop.cases.json"], false);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
    let (code, out) = run(
        &dir,
        &["test", "shop.cases.json", "--min-coverage", "80"],
        false,
    );
    assert_eq!(code, 1, "coverage below the minimum fails too: {out}");
}

#[test]
fn snapshots_are_created_accepted_and_never_written_in_ci() {
    let dir = workspace(
        "snap",
        r#"[{"name": "in-time", "snapshot": true}, {"name": "late", "snapshot": true, "set": {"claim.filed_at": "2023-10-30"}}]"#,
    );
    // New snapshots fail; locally they are written to a pending file for review.
    let (code, first) = run(&dir, &["test", "shop.cases.json"], false);
    assert_eq!(code, 1);
    assert!(dir.join("shop.snapshots.pending.json").exists());
    assert!(!dir.join("shop.snapshots.json").exists());
    // In CI nothing is written and --accept is refused.
    std::fs::remove_file(dir.join("shop.snapshots.pending.json")).unwrap();
    let (code, ci) = run(&dir, &["test", "shop.cases.json"], true);
    assert_eq!(code, 1);
    assert!(!dir.join("shop.snapshots.pending.json").exists());
    let (code, ci_accept) = run(&dir, &["test", "--accept", "shop.cases.json"], true);
    assert_eq!(code, 1);
    // Accepting records them; then they match.
    let (code, accepted) = run(&dir, &["test", "--accept", "shop.cases.json"], false);
    assert_eq!(code, 0);
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("shop.snapshots.json")).unwrap())
            .unwrap();
    assert_eq!(recorded["late"]["decision"], "deny");
    assert_eq!(
        recorded["in-time"]["because"][0]["source"],
        "shop.policy:8:5"
    );
    let (code, again) = run(&dir, &["test", "shop.cases.json"], false);
    assert_eq!(code, 0);
    // A changed verdict is a failure naming each changed field, not a silent overwrite.
    std::fs::write(
        dir.join("shop.policy"),
        POLICY.replace("30 days from", "20 days from"),
    )
    .unwrap();
    let (code, changed) = run(&dir, &["test", "shop.cases.json"], true);
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read_to_string(dir.join("shop.snapshots.json")).unwrap(),
        serde_json::to_string_pretty(&recorded).unwrap() + "\n"
    );
    insta::assert_snapshot!(format!(
        "--- new\n{first}\n--- new, CI\n{ci}\n--- accept in CI\n{ci_accept}\n--- accept\n{accepted}\n--- again\n{again}\n--- changed, CI\n{changed}"
    ));
}

#[test]
fn test_results_as_json_and_junit() {
    let dir = workspace(
        "formats",
        r#"[
  {"name": "in-time", "expect": {"decision": "approve"}},
  {"name": "bad <expectation> & \"quotes\"", "expect": {"decision": "deny"}}
]"#,
    );
    let (code, json) = run(
        &dir,
        &["test", "--format", "json", "shop.cases.json"],
        false,
    );
    assert_eq!(code, 1);
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["failed"], 1);
    let (code, junit) = run(
        &dir,
        &["test", "--format", "junit", "shop.cases.json"],
        false,
    );
    assert_eq!(code, 1);
    assert!(junit.contains("bad &lt;expectation&gt; &amp; &quot;quotes&quot;"));
    // quick-junit reads it back: the counts hold, and every case has a time.
    let report = quick_junit::Report::deserialize_from_str(&junit).unwrap();
    assert_eq!((report.tests, report.failures), (2, 1));
    // Times differ from run to run.
    let junit = regex_lite_times(&junit);
    insta::assert_snapshot!(format!("--- json\n{json}\n--- junit\n{junit}"));
}

/// `time="0.012"` as `time="[time]"`.
fn regex_lite_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find(" time=\"") {
        let (head, tail) = rest.split_at(at + 7);
        out.push_str(head);
        out.push_str("[time]");
        rest = &tail[tail.find('"').unwrap()..];
    }
    out.push_str(rest);
    out
}

/// The SARIF 2.1.0 schema, as the serde-sarif crate (a dev-dependency) ships it.
fn sarif_schema() -> Value {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let registry = cargo_home.join("registry").join("src");
    for entry in std::fs::read_dir(&registry).unwrap().flatten() {
        let path = entry
            .path()
            .join("serde-sarif-0.8.0")
            .join("src")
            .join("schema.json");
        if let Ok(text) = std::fs::read_to_string(&path) {
            // The published schema's pattern for `language` properties has a stray
            // `]` (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) that a strict regex
            // engine refuses; this is the pattern it means. Clause never writes
            // `language`.
            let text = text.replace(
                r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
                r"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
            );
            return serde_json::from_str(&text).unwrap();
        }
    }
    panic!(
        "the SARIF schema (serde-sarif 0.8.0's src/schema.json) was not found under {}",
        registry.display()
    );
}

#[test]
fn check_output_for_github_annotations_and_sarif() {
    let dir = root().join("tests/corpus/check-errors");
    let (code, github) = run(
        &dir,
        &[
            "check",
            "35-optional-bool.policy",
            "01-misspelt-fact.policy",
            "--format",
            "github",
        ],
        false,
    );
    assert_eq!(code, 1);
    for line in github.lines() {
        assert!(line.starts_with("::error file="), "{line}");
    }
    let (code, sarif) = run(
        &dir,
        &[
            "check",
            "35-optional-bool.policy",
            "58-two-syntax-errors.policy",
            "--format",
            "sarif",
        ],
        false,
    );
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let validator = jsonschema::validator_for(&sarif_schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema does reject a log that is not SARIF.
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]}))
    );
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(log.clone()).unwrap();
    assert_eq!(typed.runs[0].results.as_ref().map(Vec::len), Some(3));
    let mut results = log["runs"][0]["results"].clone();
    insta::assert_snapshot!(format!(
        "{github}\n{}",
        serde_json::to_string_pretty(results.take().as_array_mut().unwrap()).unwrap()
    ));
}

#[test]
fn untested_policies_stale_snapshots_and_failing_cases_are_not_passed_over() {
    let dir = workspace(
        "edges",
        r#"[
  {"name": "in-time", "snapshot": true},
  {"name": "wrong", "snapshot": true, "expect": {"decision": "deny"}}
]"#,
    );
    std::fs::write(
        dir.join("other.policy"),
        POLICY.replace("policy shop", "policy other"),
    )
    .unwrap();
    // --accept records the passing case only; the failing one is not pinned.
    let (code, accepted) = run(&dir, &["test", "--accept", "."], false);
    assert_eq!(code, 1);
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("shop.snapshots.json")).unwrap())
            .unwrap();
    assert!(recorded.get("in-time").is_some());
    assert!(recorded.get("wrong").is_none());
    assert!(!dir.join("shop.snapshots.pending.json").exists());
    // A snapshot whose case is gone is reported; a policy with no cases is at 0%.
    std::fs::write(
        dir.join("shop.snapshots.json"),
        serde_json::json!({"in-time": recorded["in-time"], "gone": {}}).to_string(),
    )
    .unwrap();
    let (code, report) = run(&dir, &["test", "--min-coverage", "50", "."], true);
    assert_eq!(code, 1);
    insta::assert_snapshot!(format!("--- accept\n{accepted}\n--- again, CI\n{report}"));
}

/// A policy whose cases could not run (it does not check, or cannot be read)
/// is at 0% with the reason, and `--min-coverage` counts it below the minimum
/// in every format: it never looks covered, nor is it passed over. (Before,
/// it had no coverage line and no `coverage too low` line at all.)
#[test]
fn a_policy_that_does_not_check_is_at_zero_percent_and_below_the_minimum() {
    let dir = workspace("broken", ALL_PASS);
    let broken = POLICY.replace("within return_window", "within return_windw");
    std::fs::write(dir.join("shop.policy"), broken).unwrap();
    let (code, out) = run(&dir, &["test", "."], true);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "coverage shop.policy: 0% (none of its cases ran: the policy does not check)\n"
        ),
        "{out}"
    );
    assert!(!out.contains("coverage too low"), "{out}");
    let (code, out) = run(&dir, &["test", "--min-coverage", "100", "."], true);
    assert_eq!(code, 2, "{out}");
    let below = "shop.policy: none of its cases ran: the policy does not check (0% is below 100%)";
    assert!(
        out.contains(&format!("\ncoverage too low: {below}\n")),
        "{out}"
    );
    let (code, json) = run(
        &dir,
        &["test", "--format", "json", "--min-coverage", "100", "."],
        true,
    );
    assert_eq!(code, 2);
    let first: Value = serde_json::Deserializer::from_str(&json)
        .into_iter::<Value>()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(first["coverage_below_minimum"], serde_json::json!([below]));
    assert_eq!(
        first["errors"],
        serde_json::json!(["shop.policy: the policy does not check (1 error)"])
    );
    assert_eq!(first["untested_policies"], serde_json::json!([]));
    let (code, junit) = run(
        &dir,
        &["test", "--format", "junit", "--min-coverage", "100", "."],
        true,
    );
    assert_eq!(code, 2);
    assert!(
        junit.contains(&format!(
            "<testcase name=\"coverage shop.policy\" classname=\"clause\">\n            <failure message=\"{below}\"/>"
        )),
        "{junit}"
    );
    // A cases file whose policy is not there: 0%, the policy cannot be read.
    std::fs::remove_file(dir.join("shop.policy")).unwrap();
    let (code, out) = run(&dir, &["test", "--min-coverage", "100", "."], true);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "coverage shop.policy: 0% (none of its cases ran: the policy cannot be read)\n"
        ),
        "{out}"
    );
    assert!(out.contains("\ncoverage too low: shop.policy: none of its cases ran: the policy cannot be read (0% is below 100%)\n"), "{out}");
    // With --filter there is no coverage, as for cases that ran.
    let (code, out) = run(&dir, &["test", "--filter", "in", "."], true);
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains("coverage"), "{out}");
}

#[test]
fn test_filter_runs_only_the_cases_named() {
    let dir = workspace(
        "filter",
        r#"[
  {"name": "in-time", "expect": {"decision": "approve"}},
  {"name": "late", "set": {"claim.filed_at": "2024-03-01T09:00:00Z"}, "expect": {"decision": "approve"}}
]"#,
    );
    let (code, out) = run(&dir, &["test", "--filter", "in-t", "."], true);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    let (code, out) = run(&dir, &["test", "--filter", "late", "."], true);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("0 passed, 1 failed"), "{out}");
    let (code, out) = run(&dir, &["test", "--filter", "nothing", "."], true);
    assert_eq!(code, 1);
    assert!(out.contains("no case name contains `nothing`"), "{out}");
}

#[test]
fn a_check_that_could_not_read_a_path_says_so_in_sarif_and_json() {
    let dir = root().join("tests/corpus/check-errors");
    let (code, sarif) = run(
        &dir,
        &[
            "check",
            "01-misspelt-fact.policy",
            "nothere",
            "--format",
            "sarif",
        ],
        false,
    );
    assert_eq!(code, 1);
    // Standard output, then standard error (`error: nothere does not exist`).
    let first = |text: &str| -> Value {
        serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .next()
            .unwrap()
            .unwrap()
    };
    let log = first(&sarif);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["message"]["text"],
        "nothere does not exist"
    );
    let (code, json) = run(&dir, &["check", "nothere", "--format", "json"], false);
    assert_eq!(code, 1);
    let json = first(&json);
    assert_eq!(json["errors"][0], "nothere does not exist");
    assert_eq!(json["format_version"], 1);
}
