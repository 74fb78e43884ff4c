//! `negative-refund`: deductions that can take more than the refund.

use super::currencies::walk_ast;
use super::finding;
use crate::ast::{self, Decision};
use crate::language::check::ir::Policy;
use crate::language::diagnostic::Diagnostic;
use crate::tools::lint::Lint;
use rust_decimal::Decimal;

pub(super) fn deductions(policy: &Policy, rule: &ast::Rule, out: &mut Vec<Diagnostic>) {
    let currency = policy.currency.as_deref().unwrap_or("USD");
    if rule.decision.node != Decision::Approve {
        return;
    }
    let refund_from_claim = rule.refund.as_ref().is_some_and(reads_claim);
    let mut percent = Decimal::ZERO;
    let mut percent_spans = Vec::new();
    for d in &rule.deductions {
        if let ast::ExprKind::Percent(p) = &d.amount.node {
            // Conditional percentages count too: all their conditions may hold at once.
            percent += *p;
            percent_spans.push(d.amount.span);
            continue;
        }
        if d.cap.is_some() {
            continue;
        }
        let (message, help) = if reads_claim(&d.amount) {
            (
                format!(
                    "the `{}` deduction of rule `{}` comes from the claim and can be larger than the refund",
                    d.fee.node, rule.name.node
                ),
                format!(
                    "Clause stops the refund at zero; say so on the page, or cap the amount: `deduct {} AMOUNT up to {currency} 20`",
                    d.fee.node
                ),
            )
        } else if refund_from_claim {
            (
                format!(
                    "the fixed `{}` deduction of rule `{}` is larger than the refund of any claim whose refund is smaller",
                    d.fee.node, rule.name.node
                ),
                format!(
                    "Clause stops the refund at zero, so a smaller refund comes to nothing; if the page means that, say so with `# clause: allow(negative-refund) -- REASON` above the rule, or take it only from refunds at least that large: `deduct {} AMOUNT when` the refund's amount `>= AMOUNT`",
                    d.fee.node
                ),
            )
        } else {
            continue;
        };
        out.push(
            finding(
                Lint::NegativeRefund,
                message,
                d.amount.span,
                "no limit on this amount",
            )
            .with_help(help),
        );
    }
    // Percentages are held as fractions: 60% is 0.6.
    if percent > Decimal::ONE {
        let percent = (percent * Decimal::ONE_HUNDRED).normalize();
        let mut spans = percent_spans.into_iter();
        if let Some(first) = spans.next() {
            let mut d = finding(
                Lint::NegativeRefund,
                format!(
                    "the deductions of rule `{}` can add up to {percent}% of the refund",
                    rule.name.node
                ),
                first,
                "these percentages",
            );
            for s in spans {
                d = d.with_label(s, "");
            }
            out.push(
                d.with_help("deductions above 100% take the whole refund; check the percentages and their conditions"),
            );
        }
    }
}

/// Whether an expression reads a fact of the claim.
pub(super) fn reads_claim(e: &ast::Expr) -> bool {
    let mut found = false;
    walk_ast(e, &mut |x| {
        found |= matches!(x.node, ast::ExprKind::Path(_))
    });
    found
}
