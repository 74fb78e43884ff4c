//! Boundary cases (`clause cases POLICY --boundaries`) and starting cases files
//! (`--new`): the drafts sit on each side of the policy's edges and expect the
//! verdicts they really get.

use serde_json::{json, Value};

use clause::tools::cases::boundaries::{boundary_cases, Draft};
use clause::tools::cases::{compare, load};

use super::support::{base_claim, policy, policy_file, root, run_clause, verdict};

/// A fresh folder under the system's temporary folder, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("clause-boundaries-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn draft<'a>(drafts: &'a [Draft], name: &str) -> &'a Draft {
    drafts.iter().find(|d| d.name == name).unwrap_or_else(|| {
        let names: Vec<&str> = drafts.iter().map(|d| d.name.as_str()).collect();
        panic!("no draft `{name}` among {names:?}")
    })
}

fn decision(d: &Draft) -> (String, String) {
    let v = d.verdict.as_ref().unwrap();
    (
        v["decision"].as_str().unwrap().to_string(),
        v["because"][0]["rule"].as_str().unwrap().to_string(),
    )
}

fn imicro_base() -> Value {
    let file = load(&root().join("policies/imicro.cases.json")).unwrap();
    file.cases[0].claim.clone()
}

#[test]
fn the_return_window_edge_is_its_last_minute_and_the_next_day_in_the_policy_time_zone() {
    let p = policy_file(&root().join("policies/imicro.policy"));
    let base = imicro_base();
    // The window's end is the deadline the verdict reports for the base claim.
    let ends = verdict(&p, &base)["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "return_window")
        .unwrap()["ends"]
        .clone();
    assert_eq!(ends, "2023-10-01");
    let drafts = boundary_cases(&p, &base).unwrap();
    let inside = draft(&drafts, "return_window-last-day-inside-filed_at");
    assert_eq!(inside.set["claim.filed_at"], "2023-10-01T23:59:00-07:00");
    // The base claim sets as_of: it follows the filing.
    assert_eq!(inside.set["as_of"], "2023-10-01T23:59:00-07:00");
    assert_eq!(
        decision(inside),
        ("approve".into(), "standard_return".into())
    );
    let outside = draft(&drafts, "return_window-first-day-outside-filed_at");
    assert_eq!(outside.set["claim.filed_at"], "2023-10-02T00:00:00-07:00");
    assert_eq!(decision(outside), ("deny".into(), "window_closed".into()));
    // A plain day in the base claim stays a plain day.
    let label = draft(
        &drafts,
        "label_validity-first-day-outside-return_received_at",
    );
    assert_eq!(label.set["claim.return_received_at"], "2023-09-27");
    assert_eq!(decision(label), ("review".into(), "label_expired".into()));
}

#[test]
fn a_weight_limit_is_tried_in_other_units_and_one_gram_over() {
    let p = policy_file(&root().join("policies/imicro.policy"));
    let drafts = boundary_cases(&p, &imicro_base()).unwrap();
    let payer = |name: &str| {
        let v = draft(&drafts, name).verdict.as_ref().unwrap().clone();
        v["fees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fee"] == "return_shipping")
            .unwrap()["payer"]
            .clone()
    };
    let kg = draft(&drafts, "weight-at-limit-in-kg");
    assert_eq!(
        kg.set["items[0].weight"],
        json!({"value": "13.6077711", "unit": "kg"})
    );
    assert_eq!(payer("weight-at-limit-in-kg"), "merchant");
    assert_eq!(payer("weight-at-limit-in-lb"), "merchant");
    assert_eq!(payer("weight-at-limit-in-oz"), "merchant");
    assert_eq!(payer("weight-one-gram-over-limit"), "customer");
}

#[test]
fn an_amount_limit_is_tried_one_minor_unit_either_side() {
    let p = policy(
        r#"policy t {
  currency USD
  timezone "America/New_York"
  rules for return {
    rule big: review "Orders over USD 300 are reviewed." when order.total > USD 300
    otherwise small: approve refund "Refunded." refund item.price * item.quantity
  }
}"#,
    );
    let drafts = boundary_cases(&p, &base_claim()).unwrap();
    let at = draft(&drafts, "total-at-USD-300.00");
    assert_eq!(
        at.set["order.total"],
        json!({"amount": "300.00", "currency": "USD"})
    );
    assert_eq!(decision(at).0, "approve");
    let above = draft(&drafts, "total-above-USD-300.00");
    assert_eq!(above.set["order.total"]["amount"], "300.01");
    assert_eq!(decision(above).0, "review");
    assert_eq!(
        draft(&drafts, "total-below-USD-300.00").set["order.total"]["amount"],
        "299.99"
    );
}

#[test]
fn a_business_day_window_ends_after_the_holiday_and_the_draft_names_it() {
    let p = policy(
        r#"policy t {
  currency USD
  timezone "Asia/Seoul"
  calendar {
    weekend saturday, sunday
    holidays 2024-05-06
  }
  window report = 3 business days from order.delivered_at
  rules for return {
    rule in_time: approve refund "Report within 3 business days." when order.delivered_at is set and claim.filed_at within report
      refund item.price * item.quantity
    otherwise late: deny "Reported late."
  }
}"#,
    );
    let mut base = base_claim();
    base["order"]["delivered_at"] = json!("2024-05-02");
    base["claim"]["filed_at"] = json!("2024-05-03T10:00:00+09:00");
    let drafts = boundary_cases(&p, &base).unwrap();
    // Thursday the 2nd: Friday, (weekend, holiday Monday) Tuesday, Wednesday.
    let inside = draft(&drafts, "report-last-day-inside-filed_at");
    assert_eq!(inside.set["claim.filed_at"], "2024-05-08T23:59:00+09:00");
    assert_eq!(decision(inside).0, "approve");
    assert!(inside.text.contains("2024-05-06"), "{}", inside.text);
    let outside = draft(&drafts, "report-first-day-outside-filed_at");
    assert_eq!(outside.set["claim.filed_at"], "2024-05-09T00:00:00+09:00");
    assert_eq!(decision(outside).0, "deny");
}

fn deadline<'a>(d: &'a Draft, name: &str) -> &'a str {
    let v = d.verdict.as_ref().unwrap();
    v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("{}: no deadline {name} in {v}", d.name))["ends"]
        .as_str()
        .unwrap()
}

/// The drafts of a policy in `timezone` whose `label_validity` (14 days from
/// claim.return_label_issued_at) and `contact` (48 hours) are reported by
/// `in_time` and tested by no condition, for a claim whose label was issued at
/// `issued_at`: the label drafts on the day's last moment and the next day's first.
fn label_drafts(timezone: &str, issued_at: &str) -> (Vec<Draft>, [(String, String); 2]) {
    label_drafts_with(timezone, "", issued_at)
}

/// [`label_drafts`] with `label_validity`'s options after its count (such as
/// `, rolled forward to a business day`).
fn label_drafts_with(
    timezone: &str,
    options: &str,
    issued_at: &str,
) -> (Vec<Draft>, [(String, String); 2]) {
    let p = policy(&format!(
        r#"policy t {{
  currency USD
  timezone "{timezone}"
  calendar {{
    weekend saturday, sunday
  }}
  window return_window = 30 days from order.delivered_at
  window label_validity = 14 days from claim.return_label_issued_at{options}
  window contact = 48 hours from order.delivered_at, plain dates at end of day
  rules for return {{
    rule in_time: approve refund "Return within 30 days."
      when order.delivered_at is set and claim.filed_at within return_window
      refund item.price * item.quantity
      deadline label_validity, contact
    otherwise late: deny "Returned late."
  }}
}}"#
    ));
    let mut base = base_claim();
    base["claim"]["return_label_issued_at"] = json!(issued_at);
    let drafts = boundary_cases(&p, &base).unwrap();
    let pair = ["end-of-day", "next-day"].map(|side| {
        let d = draft(
            &drafts,
            &format!("label_validity-counted-from-{side}-return_label_issued_at"),
        );
        (
            d.set["claim.return_label_issued_at"]
                .as_str()
                .unwrap()
                .to_string(),
            deadline(d, "label_validity").to_string(),
        )
    });
    (drafts, pair)
}

#[test]
fn a_window_only_reported_as_a_deadline_is_tried_on_each_side_of_its_event_s_day() {
    let (drafts, [late, next]) = label_drafts("America/New_York", "2023-09-12");
    assert_eq!(late, ("2023-09-12".into(), "2023-09-26".into()));
    assert_eq!(next, ("2023-09-13".into(), "2023-09-27".into()));
    let d = draft(
        &drafts,
        "label_validity-counted-from-end-of-day-return_label_issued_at",
    );
    assert_eq!(d.expect()["deadlines"]["label_validity"], "2023-09-26");
    assert!(d.text.contains("makes it end 2023-09-26"), "{}", d.text);
    // An hour-based window moves with its event minute by minute: no drafts.
    assert!(!drafts.iter().any(|d| d.name.starts_with("contact-")));

    // An instant is moved to 23:59 and to midnight in the policy's time zone.
    let (_, [late, next]) = label_drafts("America/New_York", "2023-09-12T15:00:00Z");
    assert_eq!(late.0, "2023-09-12T23:59:00-04:00");
    assert_eq!(
        next,
        ("2023-09-13T00:00:00-04:00".into(), "2023-09-27".into())
    );
}

#[test]
fn a_rolled_forward_deadline_is_tried_on_the_day_whose_next_day_rolls_it_past_a_weekend() {
    // Issued Tuesday 2023-09-12: 14 days end on a weekday until the event
    // moves to Saturday 2023-09-16, whose 14th day (Saturday 09-30) rolls
    // forward to Monday 2023-10-02.
    let (drafts, [late, next]) = label_drafts_with(
        "America/New_York",
        ", rolled forward to a business day",
        "2023-09-12",
    );
    assert_eq!(late, ("2023-09-15".into(), "2023-09-29".into()));
    assert_eq!(next, ("2023-09-16".into(), "2023-10-02".into()));
    let d = draft(
        &drafts,
        "label_validity-counted-from-next-day-return_label_issued_at",
    );
    assert!(
        d.text.contains("rolls forward to a business day"),
        "{}",
        d.text
    );
    // From a Saturday, whose 14th day already rolls to Monday 10-02 (as do
    // Sunday's and Monday's): the next edge is Friday 09-22 and Saturday 09-23.
    let (_, [late, next]) = label_drafts_with(
        "America/New_York",
        ", rolled forward to a business day",
        "2023-09-16",
    );
    assert_eq!(late, ("2023-09-22".into(), "2023-10-06".into()));
    assert_eq!(next, ("2023-09-23".into(), "2023-10-09".into()));
    // Without rolling forward, the same claim's drafts stay on its own day.
    let (_, [late, _]) = label_drafts("America/New_York", "2023-09-12");
    assert_eq!(late.0, "2023-09-12");
}

#[test]
fn across_a_daylight_saving_jump_at_midnight_the_next_day_starts_after_the_jump() {
    // Santiago's clocks went from 00:00 to 01:00 on 2023-09-03.
    let (_, [late, next]) = label_drafts("America/Santiago", "2023-09-02T12:00:00-04:00");
    assert_eq!(
        late,
        ("2023-09-02T23:59:00-04:00".into(), "2023-09-16".into())
    );
    assert_eq!(
        next,
        ("2023-09-03T01:00:00-03:00".into(), "2023-09-17".into())
    );
}

#[test]
fn a_business_day_deadline_is_tried_on_the_eve_of_a_day_off_in_the_policy_time_zone() {
    // imro's dispatch (3 business days from order.placed_at) is reported only by
    // its shipping rules: a shipping claim gets the drafts, a return claim not.
    let p = policy_file(&root().join("policies/imro.policy"));
    let file = load(&root().join("policies/imro.cases.json")).unwrap();
    let mut base = file.cases[0].claim.clone();
    let returns = boundary_cases(&p, &base).unwrap();
    assert!(
        !returns.iter().any(|d| d.name.starts_with("dispatch-")),
        "a return claim's verdict does not report dispatch"
    );
    // Only the rules of the claim's kind draw edges: the 2 months only delivery
    // issues test gave a return claim inside/outside drafts with one verdict.
    assert!(
        !returns
            .iter()
            .any(|d| d.name.starts_with("returned_claim_window-")),
        "{:?}",
        returns.iter().map(|d| &d.name).collect::<Vec<_>>()
    );
    assert!(returns.iter().any(|d| d.name.starts_with("report_window-")));
    base["claim"]["kind"] = json!("shipping");
    base["claim"]["reason"] = json!("other");
    // Placed 2023-09-04 (a Monday in Seoul): the first business day whose next
    // day is off is Friday 2023-09-08.
    base["order"]["placed_at"] = json!("2023-09-04T10:00:00+09:00");
    let drafts = boundary_cases(&p, &base).unwrap();
    let friday = draft(&drafts, "dispatch-counted-from-end-of-day-placed_at");
    assert_eq!(friday.set["order.placed_at"], "2023-09-08T23:59:00+09:00");
    assert_eq!(decision(friday).1, "ship_free");
    // Friday: Monday, Tuesday, Wednesday.
    assert_eq!(deadline(friday, "dispatch"), "2023-09-13");
    let saturday = draft(&drafts, "dispatch-counted-from-next-day-placed_at");
    assert_eq!(saturday.set["order.placed_at"], "2023-09-09T00:00:00+09:00");
    assert_eq!(deadline(saturday, "dispatch"), "2023-09-13");
    assert!(
        saturday.text.contains("not a business day"),
        "{}",
        saturday.text
    );
}

#[test]
fn every_draft_expects_the_verdict_it_gets() {
    for name in ["imicro", "boutique", "imirror", "import-express", "imro"] {
        let p = policy_file(&root().join(format!("policies/{name}.policy")));
        let file = load(&root().join(format!("policies/{name}.cases.json"))).unwrap();
        let drafts = boundary_cases(&p, &file.cases[0].claim).unwrap();
        for d in &drafts {
            let v = d
                .verdict
                .as_ref()
                .unwrap_or_else(|e| panic!("{name} {}: {e}", d.name));
            let problems = compare(v, &d.expect());
            assert!(problems.is_empty(), "{name} {}: {problems:?}", d.name);
            assert_eq!(d.claim["claim_id"], d.name.as_str());
        }
    }
}

#[test]
fn cli_boundaries_prints_a_cases_file_that_clause_test_passes() {
    let (code, out, err) = run_clause(&["cases", "policies/imicro.policy", "--boundaries"], None);
    assert_eq!(code, 0, "{err}");
    let file: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(file["policy"], "imicro.policy");
    assert!(file["cases"].as_array().unwrap().len() >= 6);
    assert!(err.contains("draft cases"), "{err}");
    let dir = Scratch::new("t1");
    std::fs::copy(
        root().join("policies/imicro.policy"),
        dir.path().join("imicro.policy"),
    )
    .unwrap();
    std::fs::write(dir.path().join("imicro.cases.json"), &out).unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let (code, out, err) = run_clause(&["test", dir_arg], None);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn cli_boundaries_without_a_claim_says_where_to_get_one() {
    let dir = Scratch::new("t2");
    let policy = dir.path().join("shop.policy");
    std::fs::copy(root().join("policies/imicro.policy"), &policy).unwrap();
    let (code, _, err) = run_clause(&["cases", policy.to_str().unwrap(), "--boundaries"], None);
    assert_eq!(code, 1);
    assert!(err.contains("--claim") && err.contains("--new"), "{err}");
}

#[test]
fn cli_new_writes_a_starting_cases_file_once() {
    let dir = Scratch::new("t3");
    for name in ["imicro", "boutique", "imirror", "import-express", "imro"] {
        let policy = dir.path().join(format!("{name}.policy"));
        std::fs::copy(root().join(format!("policies/{name}.policy")), &policy).unwrap();
        let (code, out, err) = run_clause(&["cases", policy.to_str().unwrap(), "--new"], None);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.contains(&format!("{name}.cases.json")), "{out}");
        assert!(!err.contains("refused"), "{name}: {err}");
        let file: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(format!("{name}.cases.json"))).unwrap(),
        )
        .unwrap();
        assert!(
            file["cases"][0]["expect"]["decision"].is_string(),
            "{name}: {file}"
        );
        // A second run leaves the file alone.
        let (code, _, err) = run_clause(&["cases", policy.to_str().unwrap(), "--new"], None);
        assert_eq!(code, 1);
        assert!(err.contains("is there already"), "{err}");
    }
    let (code, out, err) = run_clause(&["test", dir.path().to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn cli_cases_needs_boundaries_or_new() {
    let (code, _, err) = run_clause(&["cases", "policies/imicro.policy"], None);
    assert_eq!(code, 64, "{err}");
}
