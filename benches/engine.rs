//! In-process figures (criterion): parse and check the five seed policies,
//! decode a claim, evaluate an already decoded claim, the whole of one claim
//! from JSON text to verdict JSON, and the claim the server bench sends, warm
//! and with the caches cold. Run: `cargo bench --bench engine`.
//! Whole-process figures against the peer engines: `benches/compare.sh`.

#![expect(clippy::unwrap_used, reason = "benchmarks")]

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// A bench claim (approved, 12.5 lb, inside the 30-day window).
const CLAIM: &str = r#"{"claim_id":"C-1","order":{"id":"A-1","placed_at":"2023-09-10T10:00:00-07:00","invoiced_at":"2023-09-10","shipped_at":"2023-09-11","picked_up_by_carrier":true,"delivered_at":"2023-09-14","channel":"web","destination":{"country":"US","address_kind":"street"},"payment_method":"credit_card","total":{"amount":"99.99","currency":"USD"},"shipping_paid":{"amount":"0.00","currency":"USD"}},"items":[{"sku":"SSD-1TB","category":"electronics","price":{"amount":"99.99","currency":"USD"},"quantity":1,"weight":{"value":"12.5","unit":"lb"},"bundle_id":null,"tags":[],"condition":{"opened":true,"used":false,"damaged":false,"original_packaging":true,"packaging_damaged":false,"accessories_complete":true,"labels_intact":true}}],"claim":{"filed_at":"2023-09-20T09:00:00-07:00","reason":"changed_mind","requested_remedy":"refund","items":["SSD-1TB"],"evidence":["photos_item"],"preapproved":true,"return_label_issued_at":"2023-09-20","return_shipped_at":"2023-09-21","return_received_at":"2023-09-25","return_cost":{"amount":"12.40","currency":"USD"}}}"#;

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds: Vec<clause::Source> = ["imicro", "boutique", "imirror", "import-express", "imro"]
        .iter()
        .map(|n| {
            let path = root.join("policies").join(format!("{n}.policy"));
            clause::Source::new(path.display().to_string(), read(&path))
        })
        .collect();
    c.bench_function("parse+check the five seed policies", |b| {
        b.iter(|| {
            for s in &seeds {
                black_box(clause::load(black_box(s)).unwrap());
            }
        })
    });

    let config = clause::LintConfig::default();
    c.bench_function("parse+check+lint the five seed policies", |b| {
        b.iter(|| {
            for s in &seeds {
                black_box(clause::tools::lint::lint_source(black_box(s), &config).unwrap());
            }
        })
    });

    let bench = clause::Source::new(
        "imicro-bench.policy",
        read(&root.join("benches/imicro-bench.policy")),
    );
    let policy = clause::load(&bench).unwrap();
    c.bench_function("decode a claim (fast path)", |b| {
        b.iter(|| {
            black_box(
                clause::language::eval::decode_fast_or_careful(black_box(CLAIM), &policy).unwrap(),
            )
        })
    });
    let claim = clause::language::eval::decode_fast_or_careful(CLAIM, &policy).unwrap();
    c.bench_function("evaluate a decoded claim", |b| {
        b.iter(|| black_box(clause::language::eval::evaluate(&policy, black_box(&claim)).unwrap()))
    });
    c.bench_function("claim JSON to verdict JSON", |b| {
        let mut out = Vec::with_capacity(4096);
        b.iter(|| {
            out.clear();
            let v = clause::language::eval::eval_json(&policy, black_box(CLAIM)).unwrap();
            serde_json::to_writer(&mut out, &v).unwrap();
            black_box(&out);
        })
    });

    // What `clause serve` does for one claim (`POST /v1/policies/imicro/evaluate`
    // with the claim benches/serve.sh sends), through the façade.
    let imicro = clause::Policy::load(root.join("policies/imicro.policy")).unwrap();
    let served = read(&root.join("tests/data/imicro-claim.json"));
    c.bench_function("imicro: the served claim to verdict JSON", |b| {
        let mut out = Vec::with_capacity(4096);
        b.iter(|| {
            out.clear();
            let v = imicro.evaluate(black_box(&served)).unwrap();
            v.write_json(&mut out);
            black_box(&out);
        })
    });
    // The same with the caches cold, as in the server, where hyper, tokio and
    // the kernel run between two claims: 4 MiB of other memory is written
    // before each timed claim (its own time is not counted).
    c.bench_function("imicro: the served claim, caches cold", |b| {
        let mut out = Vec::with_capacity(4096);
        let mut other = vec![0u8; 4 << 20];
        b.iter_custom(|iters| {
            let mut took = std::time::Duration::ZERO;
            for i in 0..iters {
                for line in other.chunks_mut(64) {
                    if let Some(b) = line.first_mut() {
                        *b = b.wrapping_add(i as u8);
                    }
                }
                black_box(&other);
                let started = std::time::Instant::now();
                out.clear();
                let v = imicro.evaluate(black_box(&served)).unwrap();
                v.write_json(&mut out);
                black_box(&out);
                took += started.elapsed();
            }
            took
        })
    });
}

criterion_group!(engine, benches);
criterion_main!(engine);
