//! `legal-floor`: time limits shorter than the law of the policy's market allows.

use super::{finding, header};
use crate::ast::{self, Decl, PolicyFile};
use crate::language::check::ir::Policy;
use crate::language::diagnostic::Diagnostic;
use crate::tools::lint::witness::{self, Variant};
use crate::tools::lint::Lint;
use serde_json::Value;

/// A consumer-law minimum: a claim the law says a merchant must not deny.
pub(super) struct Floor {
    jurisdiction: &'static str,
    /// A destination in the jurisdiction, for the example claim.
    country: &'static str,
    reason: &'static str,
    days_after_delivery: u64,
    law: &'static str,
}

pub(super) const FLOORS: &[Floor] = &[
    Floor {
        jurisdiction: "EU",
        country: "DE",
        reason: "changed_mind",
        days_after_delivery: 14,
        law: "EU Consumer Rights Directive 2011/83/EU, art. 9: 14 days to withdraw from a distance sale, counted from delivery",
    },
    Floor {
        jurisdiction: "UK",
        country: "GB",
        reason: "changed_mind",
        days_after_delivery: 14,
        law: "UK Consumer Contracts Regulations 2013, reg. 30: 14 days to cancel a distance sale, counted from delivery",
    },
    Floor {
        jurisdiction: "UK",
        country: "GB",
        reason: "defective",
        days_after_delivery: 30,
        law: "UK Consumer Rights Act 2015, s. 22: 30 days to reject faulty goods, counted from delivery",
    },
    Floor {
        jurisdiction: "KR",
        country: "KR",
        reason: "changed_mind",
        days_after_delivery: 7,
        law: "Korea's Act on Consumer Protection in Electronic Commerce, art. 17: 7 days to withdraw, counted from receipt",
    },
];

pub(super) fn legal_floor(
    file: &PolicyFile,
    policy: &Policy,
    blocks: &[&ast::RulesBlock],
    out: &mut Vec<Diagnostic>,
) {
    let Some(declared) = file.decls.iter().find_map(|d| match d {
        Decl::Jurisdictions(j) => Some(j),
        _ => None,
    }) else {
        return;
    };
    let Some((bi, _)) = policy
        .blocks
        .iter()
        .enumerate()
        .find(|(_, b)| b.kind == "return")
    else {
        return;
    };
    for floor in FLOORS {
        let Some(j) = declared.iter().find(|j| j.node == floor.jurisdiction) else {
            continue;
        };
        let v = Variant {
            filed_after_delivery: floor.days_after_delivery,
            price: 80,
        };
        let mut claim = witness::base_claim(policy, "return", v);
        if let Some(r) = claim.pointer_mut("/claim/reason") {
            *r = Value::String(floor.reason.into());
        }
        if let Some(c) = claim.pointer_mut("/order/destination/country") {
            *c = Value::String(floor.country.into());
        }
        let Ok(decoded) = crate::language::eval::decode(&claim.to_string(), policy) else {
            continue;
        };
        let mut trace = crate::language::eval::Trace::default();
        let Ok(verdict) = crate::language::eval::evaluate_traced(policy, &decoded, &mut trace)
        else {
            continue;
        };
        if verdict.decision != crate::language::eval::verdict::Decision::Deny {
            continue;
        }
        let rule = trace.decided.first().and_then(|&(b, r)| {
            let ast_block = blocks.get(b)?;
            if b != bi {
                return None;
            }
            ast_block.rules.get(r).or(ast_block.otherwise.as_ref())
        });
        let Some(rule) = rule else { continue };
        out.push(
            finding(
                Lint::LegalFloor,
                format!(
                    "in {}, a return for `{}` filed {} days after delivery must be accepted, but rule `{}` denies it",
                    floor.jurisdiction,
                    floor.reason,
                    floor.days_after_delivery,
                    rule.name.node
                ),
                header(rule),
                "denies it",
            )
            .with_label(j.span, "declared here")
            .with_help(format!(
                "{}. Lengthen the window, or add a rule for these claims above this one\nfor example: claim.reason = {}, claim.filed_at {} days after order.delivered_at",
                floor.law, floor.reason, floor.days_after_delivery
            ))
            .with_example(claim),
        );
    }
}
