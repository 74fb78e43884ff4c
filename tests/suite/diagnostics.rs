//! Malformed policies (tests/corpus/check-errors/): each must fail with the codes
//! its `# expect:` header names, and its rendered diagnostics (no colour, 80
//! columns) must match the snapshot.

use clause::Source;

use super::support::{files, root};

fn expected_codes(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("# expect:"))
        .flat_map(|l| l.split_whitespace().map(str::to_string))
        .collect()
}

#[test]
fn corpus_has_enough_distinct_mistakes() {
    let n = files(&root().join("tests/corpus/check-errors"), ".policy").len();
    assert!(n >= 30, "{n} malformed policies; at least 30 wanted");
}

#[test]
fn malformed_policies_get_their_diagnostics() {
    insta::glob!("..", "corpus/check-errors/*.policy", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let want = expected_codes(&text);
        assert!(!want.is_empty(), "{name}: no `# expect:` header");
        let diags = match clause::load(&Source::new(name.clone(), text)) {
            Ok(_) => panic!("{name} checked clean, but it should fail with {want:?}"),
            Err(d) => d,
        };
        let mut got_sorted: Vec<String> = diags
            .items
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect();
        got_sorted.sort();
        got_sorted.dedup();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        want_sorted.dedup();
        assert_eq!(got_sorted, want_sorted, "{name}: diagnostic codes");
        for d in &diags.items {
            assert!(d.help.is_some(), "{name}: `{}` has no help", d.message);
            for word in ["kw_", "expr", "arith", "test_suffix", "Rule::"] {
                assert!(
                    !d.message.contains(word),
                    "{name}: grammar word `{word}` in `{}`",
                    d.message
                );
            }
        }
        insta::assert_snapshot!(diags.render(80));
    });
}

#[test]
fn every_diagnostic_code_has_a_corpus_file() {
    let mut seen = std::collections::HashSet::new();
    for p in files(&root().join("tests/corpus/check-errors"), ".policy") {
        seen.extend(expected_codes(&std::fs::read_to_string(p).unwrap()));
    }
    let missing: Vec<&str> = clause::language::diagnostic::ALL_CODES
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(*c))
        .collect();
    assert!(missing.is_empty(), "no corpus file triggers: {missing:?}");
}

#[test]
fn all_errors_are_reported_at_once() {
    let text = r#"policy shop "Shop" {
  timezone "UTC"
  threshold heavy = item.weigth > 30 lb
  rules for return {
    rule a: deny "A." when claim.reason is chaged_mind
    rule b: approve refund "B." when item.category is digital
  }
}"#;
    let d = clause::load(&Source::new("t.policy", text)).unwrap_err();
    let codes: Vec<&str> = d.items.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "clause::unknown-fact",
            "clause::unknown-code",
            "clause::missing-refund-basis"
        ]
    );
}

#[test]
fn syntax_errors_after_the_first_are_reported_too() {
    let text = r#"policy shop "Shop" {
  timezone "UTC"
  rules for return {
    rule a: deny "A." when claim.reason is
    rule b: deny "B." when when
    rule c: deny "C." when claim.reason is defective
  }
}"#;
    let d = clause::load(&Source::new("t.policy", text)).unwrap_err();
    assert_eq!(d.items.len(), 2, "{}", d.render(80));
    let lines: Vec<usize> = d
        .items
        .iter()
        .map(|x| d.source.line_col(x.span().start).0)
        .collect();
    assert_eq!(lines, [5, 5]);
}

/// Lines ended by a carriage return alone (classic Mac OS): the first comment
/// used to hide the rest of the file, and the error said "expected `policy`,
/// found the end of the file" on line 96. Such a file is refused at its first
/// lone carriage return, saying what it is and how to fix it; CR LF reads as
/// before, and so does a carriage return with nothing after it on its line.
#[test]
fn lines_ended_by_a_carriage_return_alone_are_named() {
    let text = std::fs::read_to_string(root().join("policies/imicro.policy")).unwrap();
    assert!(clause::load(&Source::new("crlf.policy", text.replace('\n', "\r\n"))).is_ok());
    // Line ends converted twice: an editor shows a blank line after each.
    assert!(clause::load(&Source::new("twice.policy", text.replace('\n', "\r\r\n"))).is_ok());

    let cr = text.replace('\n', "\r");
    // Every line break but the last, which has nothing after it.
    let breaks = text.trim_end().matches('\n').count();
    let d = clause::load(&Source::new("cr.policy", cr.clone())).unwrap_err();
    assert_eq!(d.items.len(), 1, "{}", d.render(80));
    let item = &d.items[0];
    assert_eq!(item.code.as_str(), "clause::syntax");
    assert_eq!(item.span().start, cr.find('\r').unwrap());
    assert!(
        item.message
            .ends_with(&format!("({breaks} such line breaks in the file)")),
        "{}",
        item.message
    );
    let rendered = d.render(100);
    assert!(rendered.contains("perl -pe"), "{rendered}");
    // miette is given the lines as an editor shows them: the first line
    // alone, numbered 1, and the second on a line of its own.
    assert!(rendered.contains("cr.policy:1:"), "{rendered}");
    assert!(rendered.contains("\n 2 │ # The page"), "{rendered}");

    // One stray carriage return, inside a comment, is one line break.
    let stray = text.replacen("# iMicro", "# i\rMicro", 1);
    let d = clause::load(&Source::new("stray.policy", stray)).unwrap_err();
    assert!(d.items[0]
        .message
        .starts_with("a carriage return alone breaks this line"));
    assert!(!d.items[0].message.contains("such line breaks"));
    assert_eq!(d.items[0].span().start, 3);

    // Lines and columns count a lone carriage return as a line break, as
    // editors do: an error on the fourth line an editor shows is on line 4.
    let small = "policy p {\r\n  currency USD\r\r\n  timezone \"UTC\"\n  windw w = 30 days from order.placed_at\n}\n";
    let d = clause::load(&Source::new("small.policy", small)).unwrap_err();
    assert_eq!(
        d.source.line_col(d.items[0].span().start).0,
        5,
        "{}",
        d.render(100)
    );
}
