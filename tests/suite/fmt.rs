//! `clause fmt`: the formatter keeps what a policy says and every comment, is
//! idempotent, and its command line reports and rewrites as documented.

use std::path::{Path, PathBuf};

use clause::ast::*;
use clause::tools::fmt::{comments, format_source, print, without_spans};
use clause::Source;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use super::support::{files, root, run_clause, verdict};

/// Every policy text the repository holds: the seed policies, the test corpora and
/// the examples in the docs, as (name, text).
fn corpus() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![root().join("policies"), root().join("tests")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "policy") {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push((rel(&p), text));
                }
            }
        }
    }
    let mut docs = files(&root().join("docs"), ".md");
    docs.push(root().join("README.md"));
    for doc in docs {
        let Ok(text) = std::fs::read_to_string(&doc) else {
            continue;
        };
        for (_, line, body) in super::docs::blocks(&text) {
            out.push((format!("{}:{line}", rel(&doc)), body));
        }
    }
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

fn sorted_comments(text: &str) -> Vec<String> {
    let mut c = comments(text);
    c.sort();
    c
}

#[test]
fn formatting_keeps_meaning_and_comments_and_is_idempotent() {
    let mut formatted = 0;
    let mut failures = Vec::new();
    for (name, text) in corpus() {
        let source = Source::new(name.clone(), text.clone());
        let Ok(before) = clause::parse(&source) else {
            continue;
        };
        let once = match format_source(&source) {
            Ok(t) => t,
            Err(d) => {
                failures.push(format!("{name}: {}", d.render(100)));
                continue;
            }
        };
        formatted += 1;
        let reread = Source::new(name.clone(), once.clone());
        match clause::parse(&reread) {
            Ok(after) if without_spans(&after) == without_spans(&before) => {}
            Ok(_) => failures.push(format!(
                "{name}: the formatted policy says something else:\n{once}"
            )),
            Err(d) => failures.push(format!(
                "{name}: the formatted policy does not parse:\n{}\n{once}",
                d.render(100)
            )),
        }
        match format_source(&reread) {
            Ok(twice) if twice == once => {}
            Ok(twice) => failures.push(format!(
                "{name}: not idempotent:\n--- once\n{once}\n--- twice\n{twice}"
            )),
            Err(_) => {}
        }
        if sorted_comments(&text) != sorted_comments(&once) {
            failures.push(format!("{name}: comments changed:\n{once}"));
        }
        if once.lines().any(|l| l.ends_with(' ') || l.ends_with('\t'))
            || !once.ends_with('\n')
            || once.ends_with("\n\n")
        {
            failures.push(format!("{name}: trailing whitespace or wrong end of file"));
        }
    }
    assert!(formatted >= 100, "only {formatted} policies formatted");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn seed_policies_are_formatted() {
    for p in files(&root().join("policies"), ".policy") {
        let text = std::fs::read_to_string(&p).unwrap();
        let once = format_source(&Source::new(rel(&p), text.clone())).unwrap();
        assert_eq!(once, text, "{} is not in the canonical layout", rel(&p));
    }
}

/// A verdict without `source` fields (they name lines, which formatting may move).
fn without_sources(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "source")
                .map(|(k, v)| (k.clone(), without_sources(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_sources).collect()),
        other => other.clone(),
    }
}

#[test]
fn formatted_seed_policies_give_the_same_verdicts() {
    for p in files(&root().join("policies"), ".policy") {
        let cases_path = p.with_extension("cases.json");
        if !cases_path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let original = clause::load(&Source::new(rel(&p), text.clone())).unwrap();
        let formatted_text = format_source(&Source::new(rel(&p), text)).unwrap();
        let formatted = clause::load(&Source::new(rel(&p), formatted_text)).unwrap();
        let cases = clause::cases::load(&cases_path).unwrap();
        let mut n = 0;
        for case in cases
            .cases
            .iter()
            .filter(|c| !c.expect.contains_key("error"))
        {
            n += 1;
            assert_eq!(
                without_sources(&verdict(&original, &case.claim)),
                without_sources(&verdict(&formatted, &case.claim)),
                "{}: a case gets another verdict after formatting",
                rel(&p)
            );
        }
        assert!(n > 0, "{}: no cases", rel(&p));
    }
}

#[test]
fn a_messy_policy_is_laid_out() {
    let path = root().join("tests/fmt/messy.policy");
    let text = std::fs::read_to_string(&path).unwrap();
    let out = format_source(&Source::new("messy.policy", text)).unwrap();
    insta::assert_snapshot!(out);
}

#[test]
fn multi_string_quotes_and_parentheses_are_kept() {
    let text = "policy p {\n  rules for return {\n    rule r: deny\n      \"one\"\n      \"two\" \"three\"\n      when (a.b is set) and ((c.d))\n  }\n}\n";
    let out = format_source(&Source::new("p.policy", text)).unwrap();
    assert_eq!(
        out,
        "policy p {\n  rules for return {\n    rule r: deny\n      \"one\"\n      \"two\" \"three\"\n      when (a.b is set) and (c.d)\n  }\n}\n"
    );
    // Without the source: one string, only the parentheses precedence needs.
    let ast = clause::parse(&Source::new("p.policy", text)).unwrap();
    assert!(print(&ast).contains("\"one two three\"\n      when a.b is set and c.d\n"));
}

#[test]
fn precedence_gets_parentheses() {
    let text = "policy p {\n  threshold t = (a.b or c.d) and not (e.f and g.h) and (x.y - (y.z - w.v)) * 2 in EUR > (p.q in EUR) in USD\n}\n";
    let ast = clause::parse(&Source::new("p.policy", text)).unwrap();
    let printed = print(&ast);
    assert_eq!(
        printed,
        "policy p {\n  threshold t = (a.b or c.d)\n    and not (e.f and g.h)\n    and (x.y - (y.z - w.v)) * 2 in EUR > (p.q in EUR) in USD\n}\n"
    );
    let short =
        "policy p {\n  threshold t = a.b or c.d and (e.f or g.h) and not not i.j is set\n}\n";
    let ast = clause::parse(&Source::new("p.policy", short)).unwrap();
    assert_eq!(print(&ast), short);
}

// ---------------------------------------------------------------- command line

/// A scratch directory under the target directory, emptied.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("fmt-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const UGLY: &str = "policy p \"P\" {\ntimezone \"UTC\"\n  rules for return { rule ok: approve refund \"Ok.\" # why\n refund item.price }\n}\n";
const PRETTY: &str = "policy p \"P\" {\n  timezone \"UTC\"\n  rules for return {\n    rule ok: approve refund\n      \"Ok.\" # why\n      refund item.price\n  }\n}\n";

#[test]
fn check_lists_files_that_would_change_and_writes_nothing() {
    let dir = scratch("check");
    std::fs::write(dir.join("ugly.policy"), UGLY).unwrap();
    std::fs::write(dir.join("pretty.policy"), PRETTY).unwrap();
    let (code, out, err) = run_clause(&["fmt", "--check", dir.to_str().unwrap()], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("would reformat") && out.contains("ugly.policy"),
        "{out}"
    );
    assert!(!out.contains("pretty.policy"), "{out}");
    assert!(out.contains("1 would be reformatted"), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.join("ugly.policy")).unwrap(),
        UGLY
    );

    let (code, out, _) = run_clause(
        &[
            "fmt",
            "--check",
            dir.join("pretty.policy").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = run_clause(&["fmt", "--check", "policies"], None);
    assert_eq!(code, 0, "the seed policies are in the canonical layout");
}

#[test]
fn fmt_rewrites_in_place() {
    let dir = scratch("write");
    let ugly = dir.join("ugly.policy");
    std::fs::write(&ugly, UGLY).unwrap();
    std::fs::write(dir.join("pretty.policy"), PRETTY).unwrap();
    let (code, out, err) = run_clause(&["fmt", dir.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("formatted") && out.contains("ugly.policy"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&ugly).unwrap(), PRETTY);
    // Nothing else is left in the folder: no temporary files.
    assert_eq!(files(&dir, "").len(), 2);
    let (code, out, _) = run_clause(&["fmt", "--check", dir.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_file_with_syntax_errors_is_reported_and_the_others_formatted() {
    let dir = scratch("broken");
    std::fs::write(
        dir.join("a_broken.policy"),
        "policy p {\n  rules for return {\n    rule r deny \"x\"\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("b_ugly.policy"), UGLY).unwrap();
    let (code, out, err) = run_clause(&["fmt", dir.to_str().unwrap()], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("a_broken.policy") && err.contains("expected"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("b_ugly.policy")).unwrap(),
        PRETTY
    );
}

#[test]
fn fmt_reads_standard_input() {
    let (code, out, _) = run_clause(&["fmt", "-"], Some(UGLY.as_bytes()));
    assert_eq!(code, 0);
    assert_eq!(out, PRETTY);
    let (code, _, _) = run_clause(&["fmt", "--check", "-"], Some(UGLY.as_bytes()));
    assert_eq!(code, 1);
}

/// A file whose first line ends with CRLF is written with CRLF throughout; one
/// whose first line ends with LF alone, with LF throughout.
#[test]
fn fmt_keeps_the_files_line_ending() {
    let crlf = |t: &str| t.replace('\n', "\r\n");
    // An already formatted CRLF file is left as it is, on disk and on standard input.
    let dir = scratch("crlf");
    let pretty = dir.join("pretty.policy");
    std::fs::write(&pretty, crlf(PRETTY)).unwrap();
    let (code, out, err) = run_clause(&["fmt", "--check", pretty.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("would reformat"), "{out}");
    let (code, out, _) = run_clause(&["fmt", "--check", "-"], Some(crlf(PRETTY).as_bytes()));
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run_clause(&["fmt", "--diff", "-"], Some(crlf(PRETTY).as_bytes()));
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = run_clause(&["fmt", "-"], Some(crlf(UGLY).as_bytes()));
    assert_eq!((code, out), (0, crlf(PRETTY)));
    // A messy CRLF file: only the lines whose layout changes are listed, and the
    // file is rewritten with CRLF.
    let ugly = dir.join("ugly.policy");
    std::fs::write(&ugly, crlf(UGLY)).unwrap();
    let (code, out, _) = run_clause(&["fmt", "--check", ugly.to_str().unwrap()], None);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("-policy p"), "{out}");
    let (code, out, err) = run_clause(&["fmt", ugly.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(std::fs::read_to_string(&ugly).unwrap(), crlf(PRETTY));
    // Every policy of the corpus, given CRLF line ends, is formatted as with LF.
    for (name, text) in corpus().into_iter().filter(|(_, t)| !t.contains('\r')) {
        let Ok(lf) = format_source(&Source::new(name.as_str(), text.as_str())) else {
            continue;
        };
        let formatted = format_source(&Source::new(name.as_str(), crlf(&text))).unwrap();
        assert_eq!(formatted, crlf(&lf), "{name}");
    }
    // The first line decides: LF there gives LF everywhere.
    let mixed = PRETTY.replace("  }\n", "  }\r\n");
    assert_ne!(mixed, PRETTY);
    let (code, out, _) = run_clause(&["fmt", "-"], Some(mixed.as_bytes()));
    assert_eq!((code, out.as_str()), (0, PRETTY));
    let mixed = crlf(PRETTY).replacen("  }\r\n", "  }\n", 1);
    let (code, out, _) = run_clause(&["fmt", "-"], Some(mixed.as_bytes()));
    assert_eq!((code, out), (0, crlf(PRETTY)));
}

// ---------------------------------------------------------------- generated ASTs

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, clause::Span::default())
}

fn name(pool: &'static [&'static str]) -> impl Strategy<Value = Name> {
    prop::sample::select(pool).prop_map(|s| sp(s.to_string()))
}

const NAMES: &[&str] = &["w1", "free_label", "return_window", "t_2", "big"];
const PATHS: &[&str] = &[
    "order.total",
    "item.price",
    "claim.filed_at",
    "facts.in",
    "item.condition.opened",
];
/// Codes, some of them words of the grammar, printed in `one of (...)` form.
const CODES: &[&str] = &[
    "gold",
    "silver",
    "damaged_in_transit",
    "one",
    "set",
    "not",
    "any",
    "missing",
    "x1",
];

fn decimal() -> impl Strategy<Value = Decimal> {
    (0i64..100_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s))
}

fn arith_leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        decimal().prop_map(|d| sp(ExprKind::Number(d))),
        decimal().prop_map(|d| sp(ExprKind::Percent(d / Decimal::ONE_HUNDRED))),
        (name(&["USD", "EUR"]), decimal())
            .prop_map(|(currency, amount)| sp(ExprKind::Money { currency, amount })),
        (decimal(), name(&["lb", "kg", "g", "oz"]))
            .prop_map(|(value, unit)| sp(ExprKind::Weight { value, unit })),
        (2000i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| sp(ExprKind::Date(
            chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
        ))),
        any::<bool>().prop_map(|b| sp(ExprKind::Bool(b))),
        prop::sample::select(PATHS).prop_map(|p| sp(ExprKind::Path(p.to_string()))),
        prop::sample::select(NAMES).prop_map(|p| sp(ExprKind::Ref(p.to_string()))),
    ]
}

fn codes() -> impl Strategy<Value = Vec<Name>> {
    prop::collection::vec(name(CODES), 1..3)
}

fn expr() -> impl Strategy<Value = Expr> {
    arith_leaf().prop_recursive(4, 24, 2, |inner| {
        let b = |op: BinOp| {
            (inner.clone(), inner.clone())
                .prop_map(move |(l, r)| sp(ExprKind::Binary(op, Box::new(l), Box::new(r))))
        };
        let test = prop_oneof![
            Just(Test::IsSet),
            Just(Test::IsMissing),
            (codes(), any::<bool>()).prop_map(|(codes, negated)| Test::Is { codes, negated }),
            codes().prop_map(Test::HasAny),
            codes().prop_map(Test::HasAll),
            name(NAMES).prop_map(Test::Within),
            name(NAMES).prop_map(Test::After),
            name(NAMES).prop_map(Test::Before),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Test::Between(Box::new(a), Box::new(b))),
            (
                prop::sample::select(
                    &[
                        CompareOp::Lt,
                        CompareOp::Le,
                        CompareOp::Gt,
                        CompareOp::Ge,
                        CompareOp::Eq,
                        CompareOp::Ne
                    ][..]
                ),
                inner.clone()
            )
                .prop_map(|(op, x)| Test::Compare(op, Box::new(x))),
        ];
        prop_oneof![
            b(BinOp::And),
            b(BinOp::Or),
            b(BinOp::Else),
            b(BinOp::Add),
            b(BinOp::Sub),
            b(BinOp::Mul),
            inner.clone().prop_map(|x| sp(ExprKind::Not(Box::new(x)))),
            (inner.clone(), name(&["USD", "EUR"]))
                .prop_map(|(x, c)| sp(ExprKind::Convert(Box::new(x), c))),
            (inner.clone(), test).prop_map(|(x, t)| sp(ExprKind::Test(Box::new(x), t))),
        ]
    })
}

fn quote() -> impl Strategy<Value = Spanned<String>> {
    "[a-z \"\\\\\n’é#{}]{1,20}".prop_map(sp)
}

fn duration() -> impl Strategy<Value = Duration> {
    (
        decimal(),
        prop::sample::select(
            &[
                TimeUnit::Days,
                TimeUnit::BusinessDays,
                TimeUnit::Hours,
                TimeUnit::Weeks,
                TimeUnit::Months,
            ][..],
        ),
    )
        .prop_map(|(count, unit)| Duration {
            count: sp(count),
            unit,
            span: clause::Span::default(),
        })
}

fn date() -> impl Strategy<Value = Spanned<chrono::NaiveDate>> {
    (2000i32..2100, 1u32..13, 1u32..29)
        .prop_map(|(y, m, d)| sp(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()))
}

fn paths() -> impl Strategy<Value = Vec<Name>> {
    prop::collection::vec(name(PATHS), 1..3)
}

fn window() -> impl Strategy<Value = Decl> {
    let shape = prop_oneof![
        (duration(), paths()).prop_map(|(duration, anchor)| WindowShape::From { duration, anchor }),
        date().prop_map(WindowShape::Until),
        paths().prop_map(WindowShape::UntilEvent),
        (date(), date()).prop_map(|(a, b)| WindowShape::Between(a, b)),
    ];
    let extension = (
        prop_oneof![
            date().prop_map(ExtendTo::Date),
            duration().prop_map(ExtendTo::By)
        ],
        expr(),
    )
        .prop_map(|(to, when)| Extension {
            span: clause::Span::default(),
            to,
            when,
        });
    (
        name(NAMES),
        shape,
        prop::collection::vec(extension, 0..2),
        any::<bool>(),
        prop::option::of(prop::sample::select(&[DayEdge::Start, DayEdge::End][..])),
    )
        .prop_map(|(name, shape, extensions, roll_forward, plain_dates)| {
            Decl::Window(WindowDecl {
                name,
                span: clause::Span::default(),
                shape,
                extensions,
                roll_forward,
                plain_dates,
            })
        })
}

fn rule(otherwise: bool) -> impl Strategy<Value = Rule> {
    let conditions = if otherwise { 0..1 } else { 0..3 };
    let deduction = (
        any::<bool>(),
        name(&["restocking", "return_shipping"]),
        expr(),
        prop::option::of(expr()),
        prop::option::of(expr()),
    )
        .prop_map(|(discretionary, fee, amount, cap, when)| Deduction {
            discretionary,
            fee,
            amount,
            cap,
            when,
        });
    let fee = (
        name(&["restocking", "return_shipping"]),
        name(&["merchant", "customer"]),
        prop::option::of(expr()),
        prop::option::of((expr(), prop::option::of(name(&["customer"])))),
    )
        .prop_map(|(fee, payer, amount, when)| {
            let (when, otherwise) = match when {
                Some((w, o)) => (Some(w), o),
                None => (None, None),
            };
            FeeClause {
                fee,
                payer,
                amount,
                when,
                otherwise,
            }
        });
    let evidence = (
        prop::collection::vec(name(&["photos_item", "order_number"]), 1..3),
        prop::option::of(expr()),
    )
        .prop_map(|(codes, when)| EvidenceReq { codes, when });
    (
        (
            name(&["r1", "too_late", "ok"]),
            prop::sample::select(&[Decision::Approve, Decision::Deny, Decision::Review][..]),
            prop::collection::vec(name(&["refund", "exchange", "store_credit"]), 0..3),
            any::<bool>(),
            (quote(), prop::option::of(quote())),
        ),
        (
            prop::collection::vec(expr(), conditions.clone()),
            prop::collection::vec(expr(), conditions),
            prop::collection::vec(evidence, 0..2),
            prop::option::of(expr()),
            prop::collection::vec(deduction, 0..2),
            prop::collection::vec(fee, 0..2),
            prop::collection::vec(name(NAMES), 0..3),
        ),
    )
        .prop_map(
            |(
                (name, decision, remedies, as_requested, (quote, title)),
                (when, unless, evidence, refund, deductions, fees, deadlines),
            )| Rule {
                name,
                title,
                span: clause::Span::default(),
                decision: sp(decision),
                as_requested: as_requested && !remedies.is_empty(),
                remedies,
                quote,
                when,
                unless,
                evidence,
                refund,
                deductions,
                fees,
                deadlines,
            },
        )
}

fn decl() -> impl Strategy<Value = Decl> {
    let holiday = prop_oneof![
        date().prop_map(Holiday::Date),
        "[A-Z]{2}".prop_map(|s| Holiday::Bundled(sp(s)))
    ];
    prop_oneof![
        name(&["USD", "EUR"]).prop_map(Decl::Currency),
        "[A-Za-z/_\"\\\\]{1,12}".prop_map(|s| Decl::Timezone(sp(s))),
        (
            prop::collection::vec(name(&["saturday", "sunday"]), 0..3),
            prop::collection::vec(holiday, 0..3),
            prop::option::of((0i32..10_000, 0i32..10_000))
        )
            .prop_map(|(weekend, holidays, years)| Decl::Calendar(Calendar {
                span: clause::Span::default(),
                // `covering` ends a `holidays` line: only with one.
                covering: years.filter(|_| !holidays.is_empty()).map(|(a, b)| {
                    clause::ast::Covering {
                        span: clause::Span::default(),
                        first: sp(a),
                        last: sp(b),
                    }
                }),
                weekend,
                holidays,
            })),
        (
            name(NAMES),
            name(&["bool", "code", "event"]),
            prop::collection::vec(name(CODES), 0..3),
            any::<bool>(),
            prop::option::of(quote()),
        )
            .prop_map(|(name, ty, codes, optional, label)| Decl::Fact(FactDecl {
                name,
                label,
                ty,
                codes,
                optional
            })),
        prop::collection::vec(name(NAMES), 1..3).prop_map(Decl::Fees),
        prop::collection::vec(name(&["EU", "UK", "KR"]), 1..3).prop_map(Decl::Jurisdictions),
        window(),
        (name(NAMES), expr())
            .prop_map(|(name, expr)| Decl::Threshold(ThresholdDecl { name, expr })),
        (
            name(NAMES),
            name(PATHS),
            prop::collection::vec(
                (
                    prop::collection::vec(name(&["US", "CA", "x_1", "12"]), 1..3),
                    expr()
                )
                    .prop_map(|(keys, value)| TableRow { keys, value }),
                0..3
            ),
            prop::option::of(expr()),
        )
            .prop_map(|(name, key, rows, default)| Decl::Table(TableDecl {
                name,
                key,
                rows,
                default
            })),
        (
            name(&["return", "shipping"]),
            prop::sample::select(&[Scope::EachItem, Scope::WholeOrder][..]),
            prop::collection::vec(rule(false), 0..3),
            prop::option::of(rule(true)),
        )
            .prop_map(|(kind, scope, rules, otherwise)| Decl::Rules(Box::new(
                RulesBlock {
                    kind,
                    scope,
                    span: clause::Span::default(),
                    rules,
                    otherwise,
                }
            ))),
    ]
}

fn policy_file() -> impl Strategy<Value = PolicyFile> {
    (
        name(&["p", "shop_2"]),
        prop::option::of("[ -~’]{0,12}"),
        prop::collection::vec(decl(), 0..5),
    )
        .prop_map(|(name, title, decls)| PolicyFile { name, title, decls })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn printed_asts_parse_back_and_print_the_same(file in policy_file()) {
        let printed = print(&file);
        let parsed = match clause::parse(&Source::new("gen.policy", printed.clone())) {
            Ok(p) => p,
            Err(d) => return Err(TestCaseError::fail(format!("does not parse:\n{printed}\n{}", d.render(100)))),
        };
        prop_assert_eq!(without_spans(&parsed), without_spans(&file), "{}", printed);
        prop_assert_eq!(&print(&parsed), &printed);
        // With the source, the printer keeps the layout it made.
        let again = format_source(&Source::new("gen.policy", printed.clone())).unwrap();
        prop_assert_eq!(&again, &printed);
    }
}
