//! `empty-window`: time limits no claim can meet.

use super::{finding, header};
use crate::ast::{self, Decl, PolicyFile};
use crate::language::check::ir::{ExtendTo, IExpr, Policy, Window, WindowShape, WindowTest};
use crate::language::check::vocab::FactRef;
use crate::language::diagnostic::Diagnostic;
use crate::language::source::Span;
use crate::tools::lint::Lint;

pub(super) fn window_name_span(file: &PolicyFile, index: usize) -> Option<Span> {
    file.decls
        .iter()
        .filter_map(|d| match d {
            Decl::Window(w) => Some(w.name.span),
            _ => None,
        })
        .nth(index)
}

pub(super) fn windows(
    file: &PolicyFile,
    policy: &Policy,
    blocks: &[&ast::RulesBlock],
    out: &mut Vec<Diagnostic>,
) {
    let ast_windows: Vec<&ast::WindowDecl> = file
        .decls
        .iter()
        .filter_map(|d| match d {
            Decl::Window(w) => Some(w),
            _ => None,
        })
        .collect();
    for (w, aw) in policy.windows.iter().zip(&ast_windows) {
        let end = match w.shape {
            WindowShape::Until(d) | WindowShape::Between(_, d) => d,
            _ => continue,
        };
        for (ext, aext) in w.extensions.iter().zip(&aw.extensions) {
            if let ExtendTo::Date(to) = ext.to {
                if to <= end {
                    out.push(
                        finding(
                            Lint::EmptyWindow,
                            format!("this extension of `{}` ends on {to}, not after the window's own end ({end}): it never extends it", w.name),
                            aext.span,
                            "extends nothing",
                        )
                        .with_help("extend to a later date, or remove the extension"),
                    );
                }
            }
        }
    }
    // A rule that needs one moment inside two fixed windows that do not meet.
    for (block, ast_block) in policy.blocks.iter().zip(blocks) {
        for (rule, ast_rule) in block.rules.iter().zip(&ast_block.rules) {
            let mut within: Vec<(FactRef, usize)> = Vec::new();
            for w in &rule.when {
                conjuncts_within(w, &mut within);
            }
            'pairs: for (a, (fa, wa)) in within.iter().enumerate() {
                for (fb, wb) in within.iter().skip(a + 1) {
                    if fa != fb || wa == wb {
                        continue;
                    }
                    let (Some(ra), Some(rb)) = (fixed_range(policy, *wa), fixed_range(policy, *wb))
                    else {
                        continue;
                    };
                    let start = ra.0.max(rb.0);
                    let end = ra.1.min(rb.1);
                    if start.is_some_and(|s| end.is_some_and(|e| s > e)) {
                        let name = |i: usize| policy.windows.get(i).map_or("?", |w| &w.name);
                        out.push(
                            finding(
                                Lint::EmptyWindow,
                                format!(
                                    "rule `{}` needs the same moment within `{}` and within `{}`, which have no day in common",
                                    ast_rule.name.node,
                                    name(*wa),
                                    name(*wb)
                                ),
                                header(ast_rule),
                                "never applies",
                            )
                            .with_help("check the windows' dates, or test different events"),
                        );
                        break 'pairs;
                    }
                }
            }
        }
    }
}

/// `unclear-day`: a claim may give an event as a day without a time; tested
/// against an hour window whose end falls inside that day it is neither within
/// nor after (docs/language.md, "Hours"), so no rule testing it decides. A
/// block that tests an event against an hour window should say what happens
/// then, with `(E within W) is missing` or `else`. `as_of` is left out: a
/// deadline not surely passed is still open, which is what a missing test means.
pub(super) fn unclear_days(
    policy: &Policy,
    blocks: &[&ast::RulesBlock],
    out: &mut Vec<Diagnostic>,
) {
    for (block, ast_block) in policy.blocks.iter().zip(blocks) {
        let mut tested: Vec<(FactRef, usize, &ast::Rule)> = Vec::new();
        let mut handled: Vec<(FactRef, usize)> = Vec::new();
        for (rule, ast_rule) in block.rules.iter().zip(&ast_block.rules) {
            // Each threshold is walked once per rule, and once per kind of use.
            let mut seen = vec![[false; 2]; policy.thresholds.len()];
            for e in rule.when.iter().chain(&rule.unless) {
                window_tests(policy, e, false, &mut seen, &mut |f, w, is_handled| {
                    if is_handled {
                        handled.push((f, w));
                    } else if !tested.iter().any(|(g, v, _)| (*g, *v) == (f, w)) {
                        tested.push((f, w, ast_rule));
                    }
                });
            }
        }
        for (f, w, ast_rule) in tested {
            if handled.contains(&(f, w)) {
                continue;
            }
            let fact = policy.fact_path(f);
            let window = policy.windows.get(w).map_or("?", |x| &x.name);
            out.push(
                finding(
                    Lint::UnclearDay,
                    format!(
                        "rule `{}` tests `{fact}` against the hour window `{window}`, and no rule of its block says what happens when the claim gives `{fact}` as a day without a time and `{window}` ends during that day: such a day is neither within nor after the window, so no test of it decides",
                        ast_rule.name.node
                    ),
                    header(ast_rule),
                    "a day without a time may fall either side of the end",
                )
                .with_help(format!(
                    "add a rule for that day, such as `rule {window}_day_unclear: review \"...\" when ({fact} within {window}) is missing`"
                )),
            );
        }
    }
}

/// Calls `found(fact, window, handled)` for each test of an event fact against
/// an hour window in `e` (thresholds included), `handled` when it sits under
/// `is set`/`is missing` or on the left of `else`.
fn window_tests(
    policy: &Policy,
    e: &IExpr,
    handled: bool,
    seen: &mut [[bool; 2]],
    found: &mut impl FnMut(FactRef, usize, bool),
) {
    match e {
        IExpr::Window(x, WindowTest::Within | WindowTest::After, w) => {
            let hours = policy.windows.get(*w).is_some_and(Window::counts_hours);
            if let (true, IExpr::Fact(f)) = (hours, &**x) {
                if *f != FactRef::AsOf {
                    found(*f, *w, handled);
                }
            }
        }
        IExpr::IsSet(x) => window_tests(policy, x, true, seen, found),
        IExpr::Else(a, b) => {
            window_tests(policy, a, true, seen, found);
            window_tests(policy, b, handled, seen, found);
        }
        IExpr::Threshold(i) => {
            // Thresholds refer only to those declared above them, so marking a
            // threshold before its walk also bounds the depth.
            let first = seen
                .get_mut(*i)
                .and_then(|s| s.get_mut(usize::from(handled)))
                .is_some_and(|s| !std::mem::replace(s, true));
            if let (true, Some(t)) = (first, policy.thresholds.get(*i)) {
                window_tests(policy, &t.expr, handled, seen, found);
            }
        }
        other => {
            for c in other.children() {
                window_tests(policy, c, handled, seen, found);
            }
        }
    }
}

/// `X within W` tests among the conjuncts of a condition.
pub(super) fn conjuncts_within(e: &IExpr, out: &mut Vec<(FactRef, usize)>) {
    match e {
        IExpr::And(a, b) => {
            conjuncts_within(a, out);
            conjuncts_within(b, out);
        }
        IExpr::Window(x, WindowTest::Within, w) => {
            if let IExpr::Fact(f) = &**x {
                out.push((*f, *w));
            }
        }
        _ => {}
    }
}

/// The days a window without extensions covers, when they are fixed dates.
pub(super) fn fixed_range(
    policy: &Policy,
    w: usize,
) -> Option<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> {
    let w = policy.windows.get(w)?;
    if !w.extensions.is_empty() {
        return None;
    }
    match w.shape {
        WindowShape::Until(d) => Some((None, Some(d))),
        WindowShape::Between(a, b) => Some((Some(a), Some(b))),
        _ => None,
    }
}
