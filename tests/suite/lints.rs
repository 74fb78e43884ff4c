//! Lints: every lint's page in docs/lints/ shows a bad policy that gets the lint
//! and a good one that does not (both executed here, the bad one's findings
//! snapshotted); the seed policies' findings are pinned; configuration works; and
//! a rule reported unreachable never decides a claim.

use clause::{Code, Level, Lint, LintConfig, LintSetting as Setting, Source};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::support::{base_claim, policy, root, run_clause};

/// Every lint at least at info level, so that a page's example shows whatever it finds.
fn all_on() -> LintConfig {
    let mut c = LintConfig::default();
    for l in Lint::ALL {
        if l.default_setting() == Setting::Allow {
            c.settings.insert(*l, Setting::Info);
        }
    }
    c
}

fn findings(name: &str, text: &str, config: &LintConfig) -> Vec<clause::Diagnostic> {
    findings_with_page(name, text, config, None)
}

/// The findings, with the page lints when a page is given.
fn findings_with_page(
    name: &str,
    text: &str,
    config: &LintConfig,
    page: Option<&str>,
) -> Vec<clause::Diagnostic> {
    let source = Source::new(name, text);
    let ast = clause::parse(&source).unwrap_or_else(|d| panic!("{name}:\n{}", d.render(100)));
    let policy = clause::language::check::check(&ast, &source)
        .unwrap_or_else(|d| panic!("{name} does not check:\n{}", d.render(100)));
    let mut found = clause::tools::lint::lint(&ast, &policy, config);
    if let Some(page) = page {
        found.extend(clause::tools::lint::lint_page(&ast, &policy, config, page));
    }
    found
}

fn lints_of(found: &[clause::Diagnostic]) -> Vec<&'static str> {
    found
        .iter()
        .filter_map(|d| match d.code {
            Code::Lint(l) => Some(l.name()),
            _ => None,
        })
        .collect()
}

/// The body of the first fenced block whose info string is `info`.
fn block(page: &str, info: &str) -> Option<String> {
    let fence = format!("```{info}\n");
    let start = page.find(&fence)? + fence.len();
    let end = page.get(start..)?.find("\n```")? + start;
    Some(page.get(start..end)?.to_string() + "\n")
}

#[test]
fn every_lint_page_shows_a_bad_and_a_good_policy() {
    let mut rendered = String::new();
    for lint in Lint::ALL {
        let path = root().join(format!("docs/lints/{}.md", lint.name()));
        let page = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing", path.display()));
        let bad = block(&page, "policy bad")
            .unwrap_or_else(|| panic!("{}: no ```policy bad block", lint.name()));
        let good = block(&page, "policy good")
            .unwrap_or_else(|| panic!("{}: no ```policy good block", lint.name()));
        let name = format!("{}.policy", lint.name());
        // The page lints hold the policy against the page the lint's page shows.
        let merchant_page = block(&page, "page");
        let found = findings_with_page(&name, &bad, &all_on(), merchant_page.as_deref());
        assert!(
            lints_of(&found).contains(&lint.name()),
            "{}: the bad example gets {:?}",
            lint.name(),
            lints_of(&found)
        );
        let fixed = findings_with_page(&name, &good, &all_on(), merchant_page.as_deref());
        assert!(
            !lints_of(&fixed).contains(&lint.name()),
            "{}: the good example still gets it",
            lint.name()
        );
        let mine: Vec<clause::Diagnostic> = found
            .into_iter()
            .filter(|d| d.code == Code::Lint(*lint))
            .collect();
        rendered.push_str(&clause::Diagnostics::new(Source::new(name, bad), mine).render(100));
    }
    insta::assert_snapshot!(rendered);
}

#[test]
fn seed_policies_findings_are_known() {
    let mut out = Vec::new();
    for name in ["boutique", "imicro", "imirror", "import-express", "imro"] {
        let path = root().join(format!("policies/{name}.policy"));
        let text = std::fs::read_to_string(&path).unwrap();
        let page =
            std::fs::read_to_string(root().join(format!("policies/{name}.page.txt"))).unwrap();
        for d in findings_with_page(
            &format!("policies/{name}.policy"),
            &text,
            &all_on(),
            Some(&page),
        ) {
            let src = Source::new(name, text.clone());
            let (line, _) = src.line_col(d.span().start);
            out.push(format!(
                "{name}:{line} {} {}: {}",
                d.level.as_str(),
                d.code,
                d.message
            ));
        }
    }
    insta::assert_snapshot!(out.join("\n"));
}

/// Every example claim a finding carries is valid under its policy and shows
/// what the finding says (the lints confirm before reporting; this checks again
/// from outside).
#[test]
fn example_claims_are_valid_claims() {
    for name in ["boutique", "imicro", "imirror", "import-express", "imro"] {
        let path = root().join(format!("policies/{name}.policy"));
        let text = std::fs::read_to_string(&path).unwrap();
        let p = policy(&text);
        for d in findings(name, &text, &all_on()) {
            if let Some(claim) = &d.example {
                let v = clause::language::eval::eval_json(&p, &claim.to_string());
                assert!(
                    v.is_ok(),
                    "{name}: example of `{}` is not a valid claim",
                    d.message
                );
            }
        }
    }
}

const SHADOWED: &str = r#"
policy shop "Shop" {
  currency USD
  timezone "UTC"
  window returns = 30 days from order.delivered_at else order.placed_at

  rules for return {
    rule digital: deny "Digital goods are final sale."
      when item.category is digital
    rule late: deny "Returns are accepted within 30 days of delivery."
      when claim.filed_at after returns
    rule digital_defect: approve refund "Defective digital goods are refunded."
      when item.category is digital and claim.reason is defective
      refund item.price
    rule defect: approve refund "Defective items are refunded."
      when claim.reason is one of (defective, damaged_in_transit)
      refund item.price
    rule defect_unapproved: review "Defects are checked by our team."
      when claim.reason is defective and not (claim.preapproved else false)
    rule change_of_mind: approve refund "Changed your mind? Return it within 30 days."
      when claim.reason is changed_mind
      refund item.price
      fee return_shipping paid by customer
  }
}
"#;

#[test]
fn shadowed_rules_are_reported_unreachable_and_nothing_else_is() {
    let found = findings("shadowed.policy", SHADOWED, &all_on());
    let unreachable: Vec<String> = found
        .iter()
        .filter(|d| d.code == Code::Lint(Lint::UnreachableRule))
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(unreachable.len(), 2, "{unreachable:#?}");
    assert!(unreachable[0].contains("digital_defect"));
    assert!(unreachable[1].contains("defect_unapproved"));
    // No otherwise: other reasons (wrong_item, ...) are decided by no rule.
    let undecided = found
        .iter()
        .find(|d| d.code == Code::Lint(Lint::UndecidedClaims))
        .expect("undecided claims");
    let claim = undecided.example.as_ref().expect("an example claim");
    let v = super::support::verdict(&policy(SHADOWED), claim);
    assert_eq!(v["because"][0]["rule"], "no_rule_decides");
}

fn claim_for(reason: &str, category: &str, filed_days: i64, preapproved: Option<bool>) -> Value {
    let mut c = base_claim();
    c["claim"]["reason"] = json!(reason);
    c["items"][0]["category"] = json!(category);
    let filed =
        chrono::NaiveDate::from_ymd_opt(2023, 9, 5).unwrap() + chrono::Days::new(filed_days as u64);
    c["claim"]["filed_at"] = json!(format!("{filed}T12:00:00Z"));
    c["as_of"] = json!(format!("{filed}T13:00:00Z"));
    c["claim"]["preapproved"] = preapproved.map_or(Value::Null, Value::Bool);
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Soundness of unreachable-rule: for random claims, a rule the lint reports
    /// unreachable never decides.
    #[test]
    fn a_rule_reported_unreachable_never_decides(
        reason in prop::sample::select(vec!["changed_mind", "defective", "damaged_in_transit", "wrong_item", "not_as_described"]),
        category in prop::sample::select(vec!["digital", "general", "books"]),
        filed in 0i64..60,
        preapproved in prop::option::of(any::<bool>()),
    ) {
        let p = policy(SHADOWED);
        let names: Vec<String> = findings("shadowed.policy", SHADOWED, &all_on())
            .iter()
            .filter(|d| d.code == Code::Lint(Lint::UnreachableRule))
            .filter_map(|d| d.message.split('`').nth(1).map(str::to_string))
            .collect();
        prop_assert_eq!(names.len(), 2);
        let v = super::support::verdict(&p, &claim_for(reason, category, filed, preapproved));
        let rule = v["because"][0]["rule"].as_str().unwrap().to_string();
        prop_assert!(!names.contains(&rule), "{} decided {:?}", rule, v);
    }
}

const FEE_POLICY: &str = r#"
policy shop "Shop" {
  currency USD
  timezone "UTC"

  rules for return {
    rule damaged: approve refund "Damaged items come back at our cost."
      when claim.reason is damaged_in_transit
      refund item.price
      fee return_shipping paid by merchant
    rule other: approve refund "Other returns are refunded; return shipping is free on orders over USD 100."
      when claim.reason is not damaged_in_transit
      refund item.price
      fee return_shipping paid by merchant when order.total >= USD 100
  }
}
"#;

#[test]
fn configuration_allows_warns_and_denies() {
    let default = findings("fees.policy", FEE_POLICY, &LintConfig::default());
    let fee = default
        .iter()
        .find(|d| d.code == Code::Lint(Lint::UnassignedFee))
        .expect("unassigned-fee");
    assert_eq!(fee.level, Level::Warning);

    let mut denied = LintConfig::from_toml("[lints]\nunassigned-fee = \"deny\"\n").unwrap();
    let found = findings("fees.policy", FEE_POLICY, &denied);
    assert!(found
        .iter()
        .any(|d| d.code == Code::Lint(Lint::UnassignedFee) && d.level == Level::Error));

    denied.settings.insert(Lint::UnassignedFee, Setting::Allow);
    let found = findings("fees.policy", FEE_POLICY, &denied);
    assert!(!lints_of(&found).contains(&"unassigned-fee"));

    let warnings_denied = LintConfig {
        deny_warnings: true,
        ..LintConfig::default()
    };
    let found = findings("fees.policy", FEE_POLICY, &warnings_denied);
    assert!(found.iter().all(|d| d.level != Level::Warning));

    // A comment above the rule allows it there only.
    let commented = FEE_POLICY.replace(
        "    rule other:",
        "    # clause: allow(unassigned-fee) -- the page says nothing more\n    rule other:",
    );
    let found = findings("fees.policy", &commented, &LintConfig::default());
    assert!(!lints_of(&found).contains(&"unassigned-fee"), "{found:#?}");

    // A misspelt name in a comment is itself reported.
    let misspelt = FEE_POLICY.replace(
        "    rule other:",
        "    # clause: allow(unasigned-fee)\n    rule other:",
    );
    let found = findings("fees.policy", &misspelt, &LintConfig::default());
    let unknown = found
        .iter()
        .find(|d| d.code == Code::Lint(Lint::UnknownLint))
        .unwrap();
    assert_eq!(
        unknown.help.as_deref(),
        Some("did you mean `unassigned-fee`?")
    );

    for bad in [
        "[lints]\nunreachable-rules = \"deny\"\n",
        "[lints]\nunreachable-rule = \"error\"\n",
        "[lint]\n",
    ] {
        assert!(LintConfig::from_toml(bad).is_err(), "{bad}");
    }
}

#[test]
fn check_applies_clause_toml_and_deny_warnings() {
    let dir = std::env::temp_dir().join(format!("clause-lints-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    let file = dir.join("policies/fees.policy");
    std::fs::write(&file, FEE_POLICY).unwrap();

    let path = file.to_str().unwrap();
    let (code, text, _) = run_clause(&["check", path], None);
    assert_eq!(code, 0);
    assert!(text.contains("clause::unassigned-fee"), "{text}");
    assert!(text.contains("1 warning"), "{text}");

    let (code, _, _) = run_clause(&["check", "--deny", "warnings", path], None);
    assert_eq!(code, 1);

    std::fs::write(
        dir.join("clause.toml"),
        "[lints]\nunassigned-fee = \"allow\"\n",
    )
    .unwrap();
    let (code, text, _) = run_clause(&["check", "--deny", "warnings", path], None);
    assert_eq!(code, 0, "{text}");

    std::fs::write(
        dir.join("clause.toml"),
        "[lints]\nunassigned-fees = \"allow\"\n",
    )
    .unwrap();
    let (code, _, err) = run_clause(&["check", path], None);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `unassigned-fee`?"), "{err}");

    let (code, _, _) = run_clause(&["check", "--format", "json", "--no-lints", path], None);
    assert_eq!(code, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Conditions random policies are built from: yes/no, code, list and optional
/// facts (modelled exactly by the analysis) and window and money tests (opaque).
const CONDITIONS: &[&str] = &[
    "claim.reason is defective",
    "claim.reason is one of (defective, damaged_in_transit)",
    "claim.reason is not changed_mind",
    "item.category is digital",
    "item.category is one of (digital, books)",
    "not (claim.preapproved else false)",
    "claim.preapproved else false",
    "claim.filed_at after returns",
    "claim.filed_at within returns",
    "item.tags has final_sale",
    "item.tags has any of (final_sale, clearance)",
    "order.channel is set and order.channel is marketplace",
    "order.channel is missing",
    "(item.condition.opened else false) or item.tags has clearance",
    "order.total > USD 100",
    "claim.reason is defective and item.category is digital",
];

fn random_policy(rules: &[(usize, Option<usize>, Option<usize>, bool)], otherwise: bool) -> String {
    let mut text = String::from(
        "policy random \"Random\" {\n  currency USD\n  timezone \"UTC\"\n  window returns = 30 days from order.delivered_at else order.placed_at\n\n  rules for return {\n",
    );
    for (i, (when, and, unless, deny)) in rules.iter().enumerate() {
        let decision = if *deny { "deny" } else { "review" };
        text.push_str(&format!("    rule r{i}: {decision} \"Rule {i}.\"\n"));
        text.push_str(&format!(
            "      when {}\n",
            CONDITIONS[when % CONDITIONS.len()]
        ));
        if let Some(a) = and {
            text.push_str(&format!(
                "      when {}\n",
                CONDITIONS[a % CONDITIONS.len()]
            ));
        }
        if let Some(u) = unless {
            text.push_str(&format!(
                "      unless {}\n",
                CONDITIONS[u % CONDITIONS.len()]
            ));
        }
    }
    if otherwise {
        text.push_str("    otherwise rest: review \"Everything else.\"\n");
    }
    text.push_str("  }\n}\n");
    text
}

#[allow(clippy::type_complexity)]
fn random_claim(
    c: &(
        usize,
        usize,
        Option<bool>,
        i64,
        (bool, bool),
        Option<bool>,
        Option<bool>,
        bool,
    ),
) -> Value {
    let (
        reason,
        category,
        preapproved,
        filed,
        (final_sale, clearance),
        marketplace,
        opened,
        expensive,
    ) = *c;
    let reasons = [
        "changed_mind",
        "defective",
        "damaged_in_transit",
        "wrong_item",
    ];
    let categories = ["digital", "books", "general"];
    let mut claim = claim_for(
        reasons[reason % 4],
        categories[category % 3],
        filed,
        preapproved,
    );
    let mut tags = Vec::new();
    if final_sale {
        tags.push("final_sale");
    }
    if clearance {
        tags.push("clearance");
    }
    claim["items"][0]["tags"] = json!(tags);
    claim["order"]["channel"] = match marketplace {
        None => Value::Null,
        Some(true) => json!("marketplace"),
        Some(false) => json!("web"),
    };
    claim["items"][0]["condition"]["opened"] = opened.map_or(Value::Null, Value::Bool);
    let total = if expensive { "150.00" } else { "50.00" };
    claim["order"]["total"] = json!({"amount": total, "currency": "USD"});
    claim
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Soundness over random policies: a rule reported unreachable or impossible
    /// never decides any of a batch of random claims, and an `otherwise` reported
    /// unreachable never catches one.
    #[test]
    fn no_rule_reported_dead_decides_a_random_claim(
        rules in prop::collection::vec((0usize..100, prop::option::of(0usize..100), prop::option::weighted(0.3, 0usize..100), any::<bool>()), 1..7),
        otherwise in any::<bool>(),
        claims in prop::collection::vec((0usize..4, 0usize..3, prop::option::of(any::<bool>()), 0i64..60, (any::<bool>(), any::<bool>()), prop::option::of(any::<bool>()), prop::option::of(any::<bool>()), any::<bool>()), 24),
    ) {
        let text = random_policy(&rules, otherwise);
        let p = policy(&text);
        let dead: Vec<String> = findings("random.policy", &text, &all_on())
            .iter()
            .filter(|d| matches!(d.code, Code::Lint(Lint::UnreachableRule | Lint::ImpossibleCondition)))
            .filter_map(|d| d.message.split('`').nth(1).map(|s| s.trim_start_matches("otherwise ").to_string()))
            .collect();
        // (Measured once: about 40% of these policies have a rule reported dead.)
        for c in &claims {
            let v = super::support::verdict(&p, &random_claim(c));
            let rule = v["because"][0]["rule"].as_str().unwrap().to_string();
            prop_assert!(!dead.contains(&rule), "{} decided although reported dead\n{}\n{}", rule, text, v);
        }
    }
}

/// `(a else b) is gold` can hold through `b`: the codes a test names belong to
/// every fact of the `else` chain (a review found `b`'s domain missing them and
/// the rule wrongly reported impossible).
#[test]
fn codes_tested_through_else_belong_to_both_facts() {
    let text = r#"
policy tiers "Tiers" {
  currency USD
  timezone "America/New_York"
  fact primary: code (gold, silver) optional
  fact fallback: code (gold, silver)
  rules for return {
    rule gold_via_fallback: approve refund "Gold members are refunded."
      when (facts.primary else facts.fallback) is gold and facts.primary is missing
      refund item.price * item.quantity
    otherwise rest: deny "Other returns are not accepted."
  }
}
"#;
    let found = findings("tiers.policy", text, &all_on());
    assert!(
        !lints_of(&found)
            .iter()
            .any(|l| *l == "impossible-condition" || *l == "unreachable-rule"),
        "{found:#?}"
    );
    let mut claim = base_claim();
    claim["facts"] = json!({"fallback": "gold"});
    let v = super::support::verdict(&policy(text), &claim);
    assert_eq!(v["because"][0]["rule"], "gold_via_fallback");
}

/// A day tested against an hour window may be neither within nor after it
/// (missing): a rule that asks `(E within W) is missing` can apply, and is not
/// reported impossible.
#[test]
fn an_hour_window_test_may_be_missing() {
    let text = r#"
policy day "Day" {
  currency USD
  timezone "Asia/Seoul"
  window w = 24 hours from order.delivered_at, plain dates at end of day
  rules for return {
    rule not_received: review "Not yet." when order.delivered_at is missing
    rule late: deny "Late." when claim.filed_at after w
    rule unclear: review "Unclear." when (claim.filed_at within w) is missing
    otherwise ok: approve refund "Ok."
      refund item.price * item.quantity
  }
}
"#;
    let found = findings("day.policy", text, &all_on());
    assert!(
        !lints_of(&found)
            .iter()
            .any(|l| *l == "impossible-condition" || *l == "unreachable-rule"),
        "{found:#?}"
    );
    // A day window's test is never missing: the same question is impossible.
    let days = text.replace(
        "24 hours from order.delivered_at, plain dates at end of day",
        "1 day from order.delivered_at",
    );
    let found = findings("days.policy", &days, &all_on());
    assert!(
        lints_of(&found).contains(&"impossible-condition"),
        "{found:#?}"
    );
}

/// `unclear-day` finds an event tested against an hour window (in a rule or a
/// threshold it reads) that no rule of the block handles with `is missing` or
/// `else`; `as_of` and day windows are left out.
#[test]
fn unclear_day_asks_for_the_day_an_hour_window_ends() {
    let policy = |late: &str, extra: &str| {
        format!(
            r#"
policy day "Day" {{
  currency USD
  timezone "Asia/Seoul"
  window w = 24 hours from order.delivered_at, plain dates at end of day
  window d = 7 days from order.delivered_at
  threshold late = {late}
  rules for return {{
    rule not_received: review "Not yet." when order.delivered_at is missing
    rule too_late: deny "Late." when late
    rule as_of_late: deny "Late." when claim.return_received_at is missing and as_of after w
    rule arrived_late: deny "Late." when claim.filed_at after d
    {extra}
    otherwise ok: approve refund "Ok."
      refund item.price * item.quantity
  }}
}}
"#
        )
    };
    let unclear = |text: &str| {
        findings("day.policy", text, &all_on())
            .into_iter()
            .filter(|d| d.code == Code::Lint(Lint::UnclearDay))
            .count()
    };
    // Through a threshold, unhandled: found once.
    let after = "order.delivered_at is set and claim.filed_at after w";
    assert_eq!(unclear(&policy(after, "")), 1);
    // Handled by `else` in the threshold, or by a rule asking `is missing`.
    assert_eq!(
        unclear(&policy(
            "order.delivered_at is set and ((claim.filed_at after w) else true)",
            ""
        )),
        0
    );
    assert_eq!(
        unclear(&policy(
            after,
            r#"rule unclear: review "A person looks." when (claim.filed_at within w) is missing"#
        )),
        0
    );
}

/// A `# clause:` comment above a declaration covers all of it: every name of a
/// `fees` line, every row of a table.
#[test]
fn a_comment_covers_the_whole_declaration_below_it() {
    let text = r#"
policy d3 "D3" {
  currency USD
  timezone "America/New_York"
  # clause: allow(unused-definition)
  fees insurance, handling
  # clause: allow(currency-without-rate)
  table t by order.destination.country {
    US: EUR 5
    otherwise: EUR 9
  }
  rules for return {
    rule a: deny "A" when order.destination.country is set and order.total > t
    otherwise c: review "C"
  }
}
"#;
    let found = findings("d3.policy", text, &LintConfig::default());
    assert!(found.is_empty(), "{found:#?}");
}

/// Allowing the first amount in a foreign currency does not hide a later one in
/// another place; two unallowed ones give one finding.
#[test]
fn currency_findings_are_counted_after_suppression() {
    let text = r#"
policy fx "FX" {
  currency USD
  timezone "America/New_York"
  # clause: allow(currency-without-rate)
  threshold big_order = order.total in EUR > EUR 500
  threshold huge_order = order.total in EUR > EUR 900
  rules for return {
    rule a: deny "Large orders are final." when big_order or huge_order or order.total in EUR > EUR 2000
    otherwise c: review "Other returns are reviewed."
  }
}
"#;
    let found = findings("fx.policy", text, &LintConfig::default());
    let fx: Vec<&clause::Diagnostic> = found
        .iter()
        .filter(|d| d.code == Code::Lint(Lint::CurrencyWithoutRate))
        .collect();
    assert_eq!(fx.len(), 1, "{found:#?}");
    let src = Source::new("fx.policy", text);
    assert_eq!(src.line_col(fx[0].span().start).0, 7);
}

#[test]
fn negative_refund_help_fits_the_deduction() {
    let text = r#"policy shop "Shop" {
  timezone "America/New_York"
  rules for return {
    otherwise standard: approve refund "Returns are refunded less a USD 10 fee and the shipping."
      refund item.price * item.quantity
      deduct restocking USD 10
      deduct return_shipping claim.return_cost when claim.return_cost is set
  }
}
"#;
    let found = findings("fixed.policy", text, &all_on());
    let helps: Vec<(String, String)> = found
        .iter()
        .filter(|d| d.code.as_str() == "clause::negative-refund")
        .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
        .collect();
    assert_eq!(helps.len(), 2, "{helps:?}");
    let (fixed, from_claim) = if helps[0].0.contains("fixed") {
        (&helps[0].1, &helps[1].1)
    } else {
        (&helps[1].1, &helps[0].1)
    };
    // Capping a fixed USD 10 at some other amount says nothing: the help
    // proposes what does.
    assert!(!fixed.contains("up to"), "{fixed}");
    assert!(fixed.contains("allow(negative-refund)"), "{fixed}");
    assert!(
        from_claim.contains("`deduct return_shipping AMOUNT up to USD 20`"),
        "{from_claim}"
    );
}

#[test]
fn the_bundled_policies_pass_check_deny_warnings() {
    // What a merchant's CI runs on its policies folder: every finding of the
    // bundled policies (the examples folder included) is fixed or suppressed
    // on its line with the page's reason.
    let (code, out, err) = run_clause(&["check", "--deny", "warnings", "policies/"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("checked 7 policies: 0 with errors, 0 warnings"),
        "{out}"
    );
}

#[test]
fn unassigned_fee_help_proposes_the_other_payer_either_way() {
    let text = r#"policy shop "Shop" {
  timezone "America/New_York"
  rules for return {
    rule damaged: approve refund "Damaged items come back at our cost."
      when claim.reason is damaged_in_transit
      refund item.price * item.quantity
      fee return_shipping paid by merchant
    otherwise standard: approve refund "Opened items come back at your cost."
      refund item.price * item.quantity
      fee return_shipping paid by customer when item.condition.opened else false
  }
}
"#;
    let found = findings("customer.policy", text, &all_on());
    let help: Vec<String> = found
        .iter()
        .filter(|d| d.code.as_str() == "clause::unassigned-fee")
        .map(|d| d.help.clone().unwrap_or_default())
        .collect();
    assert_eq!(help.len(), 1, "{found:?}");
    assert!(
        help[0].contains("`fee return_shipping paid by customer when item.condition.opened else false, otherwise merchant`"),
        "{}",
        help[0]
    );
}
