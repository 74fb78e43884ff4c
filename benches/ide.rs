//! What `clause lsp` does on each keystroke, in-process (criterion): analyse the
//! largest seed policy (parse, check, lint, index: the work of one
//! `textDocument/didChange` before its diagnostics are sent), and the requests an
//! editor sends right after (semantic tokens, a completion, a hover).
//! Run: `cargo bench --bench ide`. Figures: docs/performance.md.

#![expect(clippy::unwrap_used, reason = "benchmarks")]

use std::hint::black_box;
use std::path::Path;

use clause::ide::Analysis;
use clause::LintConfig;
use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The largest seed policy, in bytes.
    let path = ["imicro", "boutique", "imirror", "import-express", "imro"]
        .iter()
        .map(|n| root.join("policies").join(format!("{n}.policy")))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let config = LintConfig::default();
    let source = || clause::Source::new(name.clone(), text.clone());
    c.bench_function(
        &format!("analyse {name} (parse, check, lint, index)"),
        |b| b.iter(|| black_box(Analysis::new(source(), &config, None))),
    );
    // The same file half-typed: it stops at the parser.
    let cut = text.find("rules for").unwrap() + 20;
    let half = format!("{}when item.", &text[..cut]);
    c.bench_function(&format!("analyse {name} cut short (syntax errors)"), |b| {
        b.iter(|| {
            black_box(Analysis::new(
                clause::Source::new("half", half.clone()),
                &config,
                None,
            ))
        })
    });
    let analysis = Analysis::new(source(), &config, None);
    c.bench_function("semantic tokens", |b| {
        b.iter(|| black_box(analysis.semantic_tokens()))
    });
    let at = text.find("item.").unwrap() + 5;
    c.bench_function("completion after `item.`", |b| {
        b.iter(|| black_box(analysis.completions(black_box(at))))
    });
    // The first window declared, where the file last names it (a rule's use).
    let decl = text.find("\n  window ").unwrap() + "\n  window ".len();
    let window_name: String = text[decl..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let window = text.rfind(&window_name).unwrap() + 1;
    assert!(
        analysis.hover(window).is_some(),
        "no hover on {window_name}"
    );
    c.bench_function("hover on a window", |b| {
        b.iter(|| black_box(analysis.hover(black_box(window))))
    });
}

criterion_group!(ide, benches);
criterion_main!(ide);
