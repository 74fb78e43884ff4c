//! `unassigned-fee`: an approval that says who pays a fee only for some of the
//! claims it approves, while the block's other approvals always say. (A
//! `deduct` says it itself: the customer pays what is taken off the refund.)

use super::finding;
use super::rules::Block;
use crate::ast::Decision;
use crate::language::diagnostic::Diagnostic;
use crate::tools::lint::logic::{Answer, Formula};
use crate::tools::lint::Lint;

impl Block<'_> {
    /// Rule `ri` says who pays a fee only for some of the claims it approves
    /// while the block's other approvals always say (confirmed on an example
    /// claim). True when the search gave up.
    pub(super) fn fees(&self, ri: usize, out: &mut Vec<Diagnostic>) -> bool {
        let Some((rule, ast_rule)) = self.rule(ri) else {
            return false;
        };
        if rule.decision != Decision::Approve {
            return false;
        }
        let mut done: Vec<&str> = Vec::new();
        for (k, f) in rule.fees.iter().enumerate() {
            if done.contains(&&*f.fee) || f.when.is_none() || f.otherwise.is_some() {
                continue;
            }
            done.push(&f.fee);
            let clauses: Vec<&crate::language::check::ir::CheckedFee> =
                rule.fees.iter().filter(|g| g.fee == f.fee).collect();
            if clauses
                .iter()
                .any(|g| g.when.is_none() || g.otherwise.is_some())
            {
                continue;
            }
            // Do the block's other approvals always say who pays this fee?
            let always_elsewhere = self
                .checked
                .rules
                .iter()
                .chain(self.checked.otherwise.as_ref())
                .any(|o| {
                    !std::ptr::eq(o, rule)
                        && o.decision == Decision::Approve
                        && o.fees
                            .iter()
                            .any(|g| g.fee == f.fee && (g.when.is_none() || g.otherwise.is_some()))
                });
            if !always_elsewhere {
                continue;
            }
            let mut parts = vec![self.reaching(ri)];
            parts.extend(
                clauses
                    .iter()
                    .filter_map(|g| g.when.as_ref())
                    .map(|w| Formula::Expr(w).negate()),
            );
            let assign = match self.model.satisfiable(&Formula::All(parts)) {
                Answer::Candidate(a) => a,
                Answer::Never => continue,
                Answer::GaveUp => return true,
            };
            let confirmed = self.confirm(&assign, |_, verdict, trace| {
                trace.decided.first() == Some(&(self.index, ri))
                    && !verdict.fees.iter().any(|g| g.fee == f.fee)
            });
            let Some(claim) = confirmed else { continue };
            let Some(ast_fee) = ast_rule.fees.get(k) else {
                continue;
            };
            let span = ast_fee.fee.span;
            let condition = ast_fee
                .when
                .as_ref()
                .and_then(|w| self.policy.source.text.get(w.span.start..w.span.end))
                .unwrap_or("CONDITION");
            let other = if &*f.payer == "customer" {
                "merchant"
            } else {
                "customer"
            };
            out.push(
                finding(
                    Lint::UnassignedFee,
                    format!("rule `{}` approves some claims without saying who pays `{}`", ast_rule.name.node, f.fee),
                    span,
                    "paid only when its condition holds",
                )
                .with_help(format!(
                    "say who pays when `{condition}` does not hold: `fee {} paid by {} when {condition}, otherwise {other}`, or drop the condition if the {} pays either way\nfor example: {}",
                    f.fee,
                    f.payer,
                    f.payer,
                    self.describe(&assign)
                ))
                .with_example(claim),
            );
        }
        false
    }
}
