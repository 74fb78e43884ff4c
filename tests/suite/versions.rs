//! A policy over time: versions of one policy side by side (`effective from`),
//! a claim judged by the version in force when its order was placed.

use serde_json::Value;

use super::support::{root, run_clause};

/// A folder with two versions of imicro: the 30-day window from 2023-01-01,
/// a 45-day window from 2023-12-01.
fn two_versions() -> (std::path::PathBuf, Cleanup) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "clause-versions-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    super::support::write_imicro_versions(&dir);
    std::fs::copy(
        root().join("policies/imicro.page.txt"),
        dir.join("imicro.page.txt"),
    )
    .unwrap();
    (dir.clone(), Cleanup(dir))
}

struct Cleanup(std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn claim_placed(dir: &std::path::Path, name: &str, placed: &str) -> String {
    let text = std::fs::read_to_string(root().join("tests/data/imicro-claim.json")).unwrap();
    let mut claim: Value = serde_json::from_str(&text).unwrap();
    claim["order"]["placed_at"] = Value::from(placed);
    let path = dir.join(name);
    std::fs::write(&path, claim.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn the_version_in_force_when_the_order_was_placed_decides() {
    let (dir, _guard) = two_versions();
    let d = dir.display().to_string();
    let old = claim_placed(&dir, "old.json", "2023-09-01T10:00:00-07:00");
    let (code, out, err) = run_clause(&["eval", &d, "--claim", &old], None);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["policy_effective_from"], "2023-01-01");
    assert!(v["policy_file"]
        .as_str()
        .unwrap()
        .ends_with("imicro-2023.policy"));
    assert!(v["policy_version"].as_str().unwrap().starts_with("sha256:"));
    // The last minute of 30 November in Los Angeles is already 1 December in UTC:
    // the order day is counted in the policy's time zone.
    let edge = claim_placed(&dir, "edge.json", "2023-12-01T07:59:00Z");
    let (_, out, _) = run_clause(&["eval", &d, "--claim", &edge], None);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["policy_effective_from"], "2023-01-01");
    let new = claim_placed(&dir, "new.json", "2023-12-01T08:00:00Z");
    let (_, out, _) = run_clause(&["eval", &d, "--claim", &new], None);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["policy_effective_from"], "2023-12-01");
    assert_eq!(v["deadlines"][0]["name"], "return_window");
}

#[test]
fn a_claim_from_before_the_first_version_is_refused_naming_the_field() {
    let (dir, _guard) = two_versions();
    let early = claim_placed(&dir, "early.json", "2022-12-31");
    let (code, _, err) = run_clause(
        &["eval", &dir.display().to_string(), "--claim", &early],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("order.placed_at"), "{err}");
    assert!(
        err.contains("before the first version of `imicro` took effect (2023-01-01)"),
        "{err}"
    );
}

#[test]
fn check_refuses_two_versions_on_one_day_and_an_undated_second_file() {
    let (dir, _guard) = two_versions();
    let d = dir.display().to_string();
    let (code, out, err) = run_clause(&["check", &d], None);
    assert_eq!(code, 0, "{out}{err}");
    std::fs::copy(
        dir.join("imicro-2023.policy"),
        dir.join("imicro-copy.policy"),
    )
    .unwrap();
    let (code, _, err) = run_clause(&["check", &d], None);
    assert_eq!(code, 1);
    assert!(err.contains("cannot take effect on the same day"), "{err}");
    std::fs::copy(
        root().join("policies/imicro.policy"),
        dir.join("imicro-copy.policy"),
    )
    .unwrap();
    let (code, _, err) = run_clause(&["check", &d], None);
    assert_eq!(code, 1);
    assert!(err.contains("must each say when they take effect"), "{err}");
}

#[test]
fn a_folder_of_several_policies_needs_the_policy_named() {
    let claim = root()
        .join("tests/data/imicro-claim.json")
        .display()
        .to_string();
    let (code, _, err) = run_clause(&["eval", "policies", "--claim", &claim], None);
    assert_eq!(code, 64);
    assert!(err.contains("--policy NAME"), "{err}");
    let (code, out, err) = run_clause(
        &["eval", "policies", "--policy", "imicro", "--claim", &claim],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["policy"], "imicro");
    assert!(v.get("policy_effective_from").is_none());
}

#[test]
fn diff_between_versions_names_the_new_day_and_fmt_keeps_it() {
    let (dir, _guard) = two_versions();
    let a = dir.join("imicro-2023.policy").display().to_string();
    let b = dir.join("imicro-2024.policy").display().to_string();
    let (code, out, err) = run_clause(&["diff", &a, &b, "--format", "json"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("effective from"), "{out}");
    assert!(out.contains("2023-01-01 -> 2023-12-01"), "{out}");
    let (code, out, _) = run_clause(&["fmt", "--check", &a], None);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_stream_over_versions_judges_each_line_by_its_order_date() {
    let (dir, _guard) = two_versions();
    let claim = |placed: &str| {
        let text = std::fs::read_to_string(root().join("tests/data/imicro-claim.json")).unwrap();
        let mut claim: Value = serde_json::from_str(&text).unwrap();
        claim["order"]["placed_at"] = Value::from(placed);
        claim.to_string()
    };
    let input = [
        claim("2023-09-01"),
        claim("2023-12-02"),
        claim("2022-01-01"),
        String::new(),
        "{".to_string(),
    ]
    .join("\n");
    let d = dir.display().to_string();
    let (code, out, err) = run_clause(&["eval", &d, "--claims", "-"], Some(input.as_bytes()));
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("5 lines: 2 verdicts, 3 errors"), "{err}");
    let records: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 5);
    assert_eq!(records[0]["policy_file"], "imicro-2023.policy");
    assert_eq!(records[0]["policy_effective_from"], "2023-01-01");
    assert_eq!(records[1]["policy_file"], "imicro-2024.policy");
    assert_eq!(records[2]["line"], 3);
    assert_eq!(records[2]["errors"][0]["path"], "order.placed_at");
    assert!(records[2].get("policy_version").is_none());
    assert_eq!(records[3]["errors"][0]["message"], "the line is empty");
    assert_eq!(records[4]["line"], 5);
    // Each verdict is the one `eval DIR --claim` gives for the line.
    let one = dir.join("one.json");
    std::fs::write(&one, claim("2023-12-02")).unwrap();
    let (_, single, _) = run_clause(&["eval", &d, "--claim", &one.display().to_string()], None);
    assert_eq!(serde_json::from_str::<Value>(&single).unwrap(), records[1]);
    // --policy names a policy in a folder, not a file.
    let file = dir.join("imicro-2023.policy").display().to_string();
    let (code, _, err) = run_clause(
        &["eval", &file, "--policy", "imicro", "--claims", "-"],
        Some(b""),
    );
    assert_eq!(code, 64, "{err}");
}

#[test]
fn render_gives_the_page_of_the_newest_version_or_of_the_one_in_force_on_a_day() {
    let (dir, _guard) = two_versions();
    let d = dir.display().to_string();
    let file = |name: &str| dir.join(name).display().to_string();
    let page = |args: &[&str]| {
        let (code, out, err) = run_clause(args, None);
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    let newest = page(&["render", &d]);
    assert_eq!(newest, page(&["render", &file("imicro-2024.policy")]));
    assert_ne!(newest, page(&["render", &file("imicro-2023.policy")]));
    for (day, version) in [
        ("2023-11-30", "imicro-2023.policy"),
        ("2023-12-01", "imicro-2024.policy"),
    ] {
        assert_eq!(
            page(&["render", &d, "--on", day, "--format", "html"]),
            page(&["render", &file(version), "--format", "html"]),
            "{day}"
        );
    }
    // Nothing was in force before the first version, or before a file's own day.
    let (code, out, err) = run_clause(&["render", &d, "--on", "2022-12-31"], None);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("took effect on 2023-01-01"), "{err}");
    let (code, _, err) = run_clause(
        &["render", &file("imicro-2024.policy"), "--on", "2023-11-30"],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("takes effect on 2023-12-01"), "{err}");
    // An undated file is in force on any day; --policy needs a folder, and a
    // folder of several policies needs it; a day must be one.
    assert_eq!(
        page(&["render", "policies/imicro.policy", "--on", "1999-01-01"]),
        page(&["render", "policies", "--policy", "imicro"])
    );
    for args in [
        &["render", "policies/imicro.policy", "--policy", "imicro"][..],
        &["render", "policies"],
        &["render", &d, "--on", "2023-02-30"],
    ] {
        assert_eq!(run_clause(args, None).0, 64, "{args:?}");
    }
}

#[test]
fn each_version_counts_the_order_day_in_its_own_time_zone() {
    let text = |zone: &str, day: &str, words: &str| {
        format!(
            "policy p \"P\" {{\n  currency USD\n  timezone \"{zone}\"\n  effective from {day}\n  rules for return {{\n    otherwise no: deny \"{words}\"\n  }}\n}}\n"
        )
    };
    let mut set = clause::PolicySet::default();
    let v1 = text("America/New_York", "2024-01-01", "Old terms.");
    let v2 = text("Asia/Seoul", "2025-03-01", "New terms.");
    set.add(clause::Policy::from_text("v1.policy", &v1).unwrap())
        .unwrap();
    set.add(clause::Policy::from_text("v2.policy", &v2).unwrap())
        .unwrap();
    let claim = |placed: &str| format!(r#"{{"order": {{"placed_at": "{placed}"}}}}"#);
    // 10:00 on 28 February in New York is already 1 March in Seoul, where the
    // second version takes effect: it is in force for this order.
    let chosen = |placed: &str| {
        set.select("p", &claim(placed))
            .unwrap()
            .file_name()
            .to_string()
    };
    assert_eq!(chosen("2025-02-28T10:00:00-05:00"), "v2.policy");
    // 09:59 is still 28 February in Seoul.
    assert_eq!(chosen("2025-02-28T09:59:00-05:00"), "v1.policy");
    assert_eq!(chosen("2025-03-01"), "v2.policy");
    assert_eq!(chosen("2025-02-28"), "v1.policy");
}
