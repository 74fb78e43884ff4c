//! Any text as a policy: parsing and checking never panic or overflow the stack;
//! a policy that checks can evaluate a well-formed claim.
#![no_main]

use libfuzzer_sys::fuzz_target;

const CLAIM: &str = include_str!("../../tests/data/imicro-claim.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = clause::Source::new("fuzz.policy", text);
    match clause::load(&source) {
        Ok(policy) => {
            let _ = clause::language::eval::eval_json(&policy, CLAIM);
        }
        Err(d) => {
            let _ = d.render(80);
        }
    }
});
