//! Any text that parses as a policy: `clause fmt` never panics, its output parses
//! to the same AST, formatting it again changes nothing, and no comment is lost.
#![no_main]

use clause::tools::fmt::{comments, format_source, without_spans};
use clause::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::new("fuzz.policy", text);
    let Ok(before) = clause::parse(&source) else {
        return;
    };
    let once = match format_source(&source) {
        Ok(t) => t,
        Err(d) => panic!("parses but does not format:\n{}", d.render(80)),
    };
    let reread = Source::new("fuzz.policy", once.clone());
    match clause::parse(&reread) {
        Ok(after) => assert!(
            without_spans(&after) == without_spans(&before),
            "the formatted policy says something else:\n{once}"
        ),
        Err(d) => panic!("the formatted policy does not parse:\n{once}\n{}", d.render(80)),
    }
    let twice = format_source(&reread).unwrap_or_default();
    assert!(twice == once, "not idempotent:\n{once}\n---\n{twice}");
    let mut a = comments(text);
    let mut b = comments(&once);
    a.sort();
    b.sort();
    assert!(a == b, "comments changed:\n{once}");
});
