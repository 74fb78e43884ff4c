//! `currency-without-rate`: amounts in a currency the policy cannot convert.

use super::finding;
use crate::ast::{self, Decl, PolicyFile};
use crate::language::check::ir::Policy;
use crate::language::diagnostic::Diagnostic;
use crate::tools::lint::Lint;

pub(super) fn currencies(file: &PolicyFile, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Some(own) = policy.currency.as_deref() else {
        return;
    };
    let visit = |e: &ast::Expr, out: &mut Vec<Diagnostic>| {
        walk_ast(e, &mut |x| {
            let code = match &x.node {
                ast::ExprKind::Money { currency, .. } => Some(currency),
                ast::ExprKind::Convert(_, currency) => Some(currency),
                _ => None,
            };
            if let Some(c) = code {
                // Every occurrence: `super::lint` keeps the first one per
                // currency that is not allowed where it stands.
                if c.node != own {
                    out.push(
                        finding(
                            Lint::CurrencyWithoutRate,
                            format!("the policy's currency is {own}, but this amount is in {}: every claim it applies to must carry a {own}/{} rate", c.node, c.node),
                            x.span,
                            format!("in {}", c.node),
                        )
                        .with_help(format!("write the amount in {own}, or make sure claims carry `rates` (the contract's `rates` object) for {}", c.node)),
                    );
                }
            }
        });
    };
    for_each_expr(file, &mut |e| visit(e, out));
}

/// Calls `f` on every expression of the file that computes or compares (fee
/// amounts, which are reported as written, are left out), in source order.
pub(super) fn for_each_expr(file: &PolicyFile, f: &mut dyn FnMut(&ast::Expr)) {
    for d in &file.decls {
        match d {
            Decl::Window(w) => {
                for x in &w.extensions {
                    f(&x.when);
                }
            }
            Decl::Threshold(t) => f(&t.expr),
            Decl::Table(t) => {
                for r in &t.rows {
                    f(&r.value);
                }
                if let Some(x) = &t.default {
                    f(x);
                }
            }
            Decl::Rules(b) => {
                for r in b.rules.iter().chain(b.otherwise.as_ref()) {
                    for x in r.when.iter().chain(&r.unless).chain(&r.refund) {
                        f(x);
                    }
                    for e in &r.evidence {
                        if let Some(x) = &e.when {
                            f(x);
                        }
                    }
                    for d in &r.deductions {
                        f(&d.amount);
                        for x in d.cap.iter().chain(&d.when) {
                            f(x);
                        }
                    }
                    // A fee's amount is reported as written, never converted.
                    for fee in &r.fees {
                        if let Some(x) = &fee.when {
                            f(x);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

pub(super) fn walk_ast(e: &ast::Expr, f: &mut dyn FnMut(&ast::Expr)) {
    f(e);
    match &e.node {
        ast::ExprKind::Not(x) | ast::ExprKind::Convert(x, _) => walk_ast(x, f),
        ast::ExprKind::Binary(_, a, b) => {
            walk_ast(a, f);
            walk_ast(b, f);
        }
        ast::ExprKind::Test(x, t) => {
            walk_ast(x, f);
            match t {
                ast::Test::Between(a, b) => {
                    walk_ast(a, f);
                    walk_ast(b, f);
                }
                ast::Test::Compare(_, a) => walk_ast(a, f),
                _ => {}
            }
        }
        _ => {}
    }
}
