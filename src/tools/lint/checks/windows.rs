//! `empty-window`: time limits no claim can meet.

use super::{finding, header};
use crate::ast::{self, Decl, PolicyFile};
use crate::language::check::ir::{ExtendTo, IExpr, Policy, WindowShape, WindowTest};
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
