//! How much code and data one claim touches: the claim `benches/serve.sh` sends
//! (`tests/data/imicro-claim.json` against `policies/imicro.policy`), from JSON
//! text to verdict JSON, as `clause serve` evaluates it. Run it under
//! cachegrind with `benches/footprint.sh`, which prints the figures; on its own
//! it only evaluates.
//!
//! Usage: `footprint N warm|cold`. Evaluates the claim N times; with `cold`,
//! writes 4 MiB of other memory before each claim, so that the claim finds
//! neither its code nor its data in the caches, as in the server, where hyper,
//! tokio and the kernel run between two claims.

#![expect(clippy::unwrap_used, reason = "benchmarks")]

use std::hint::black_box;
use std::path::Path;

/// The server's allocator, so that its code counts as it does there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let cold = args.next().as_deref() == Some("cold");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = clause::Policy::load(root.join("policies/imicro.policy")).unwrap();
    let claim = std::fs::read_to_string(root.join("tests/data/imicro-claim.json")).unwrap();
    let mut other = vec![0u8; 4 << 20];
    for i in 0..n {
        if cold {
            for line in other.chunks_mut(64) {
                if let Some(b) = line.first_mut() {
                    *b = b.wrapping_add(i as u8);
                }
            }
            black_box(&other);
        }
        // What the server's evaluate route does (src/adapters/serve/engine.rs).
        let verdict = policy.evaluate(black_box(&claim)).unwrap();
        let mut json = Vec::with_capacity(2048);
        policy.write_verdict(&verdict, &mut json);
        black_box(json);
    }
}
