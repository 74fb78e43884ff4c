//! A seed policy's cases-file claim with one field replaced by fuzz-chosen JSON:
//! evaluation of all five seed policies never panics and is deterministic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

struct Seed {
    policy: clause::language::check::ir::Policy,
    claims: Vec<serde_json::Value>,
}

static SEEDS: LazyLock<Vec<Seed>> = LazyLock::new(|| {
    let sources = [
        (
            include_str!("../../policies/imicro.policy"),
            include_str!("../../policies/imicro.cases.json"),
        ),
        (
            include_str!("../../policies/boutique.policy"),
            include_str!("../../policies/boutique.cases.json"),
        ),
        (
            include_str!("../../policies/imirror.policy"),
            include_str!("../../policies/imirror.cases.json"),
        ),
        (
            include_str!("../../policies/import-express.policy"),
            include_str!("../../policies/import-express.cases.json"),
        ),
        (
            include_str!("../../policies/imro.policy"),
            include_str!("../../policies/imro.cases.json"),
        ),
    ];
    sources
        .iter()
        .filter_map(|(p, c)| {
            let policy = clause::load(&clause::Source::new("seed.policy", *p)).ok()?;
            let cases: serde_json::Value = serde_json::from_str(c).ok()?;
            let base = cases.get("base")?.clone();
            Some(Seed {
                policy,
                claims: vec![base],
            })
        })
        .collect()
});

const PATHS: [&str; 12] = [
    "claim.filed_at",
    "claim.reason",
    "claim.kind",
    "claim.evidence",
    "claim.return_cost",
    "order.delivered_at",
    "order.total",
    "order.destination",
    "items[0].price",
    "items[0].weight",
    "items[0].condition",
    "rates",
];

fuzz_target!(|data: &[u8]| {
    let (Some(&which), Some(&path)) = (data.first(), data.get(1)) else {
        return;
    };
    let Some(seed) = SEEDS.get(usize::from(which) % SEEDS.len().max(1)) else {
        return;
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data.get(2..).unwrap_or_default())
    else {
        return;
    };
    let Some(base) = seed.claims.first() else {
        return;
    };
    let mut claim = base.clone();
    if clause::tools::cases::set_path(&mut claim, PATHS[usize::from(path) % PATHS.len()], value).is_err() {
        return;
    }
    let text = claim.to_string();
    let first = clause::language::eval::eval_json(&seed.policy, &text);
    let again = clause::language::eval::eval_json(&seed.policy, &text);
    assert_eq!(first, again, "evaluation is not deterministic");
});
