//! Any bytes as a claim for the iMicro policy: decoding and evaluation never
//! panic, the fast path's two JSON readers (the hand-written scanner and serde)
//! give the same claim, and the fast and careful decoders agree whenever the
//! fast one accepts.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static POLICY: LazyLock<Option<clause::language::check::ir::Policy>> = LazyLock::new(|| {
    let text = include_str!("../../policies/imicro.policy");
    clause::load(&clause::Source::new("imicro.policy", text)).ok()
});

fuzz_target!(|data: &[u8]| {
    let Some(policy) = POLICY.as_ref() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let careful = clause::language::eval::decode(text, policy);
    let fast = clause::language::eval::decode_fast_only(text, policy);
    assert_eq!(
        fast,
        clause::language::eval::decode_fast_serde_only(text, policy),
        "the scanner and serde read the claim differently"
    );
    if let Some(fast) = fast {
        assert_eq!(
            Ok(fast),
            careful,
            "the fast decoder disagrees with the careful one"
        );
    }
    if let Ok(claim) = careful {
        let _ = clause::language::eval::evaluate(policy, &claim);
    }
});
