//! Who pays which fee, and what is taken off the refund.

use super::decision::{Explainer, FeeGroup};
use super::phrases::{
    capitalize, deduction_words, fee_clause, fee_words, join_and, money, with_items,
};
use crate::language::eval::verdict::Decision;
use crate::language::money::Money;

impl<'a> Explainer<'a> {
    pub(super) fn money(&self) -> Vec<String> {
        let v = self.verdict;
        let tentative = v.decision == Decision::Review;
        // Fees and deductions of denied items do not concern the customer.
        let denied: Vec<&str> = self.skus_with(Decision::Deny);
        let relevant: Vec<&str> = v
            .items
            .iter()
            .filter(|i| i.decision != Decision::Deny)
            .map(|i| i.sku.as_str())
            .collect();
        let keep = |sku: &Option<String>| sku.as_deref().is_none_or(|s| !denied.contains(&s));

        // Clauses, lower case and without a full stop: sentences for a decision,
        // one sentence under "If we accept your request" for a review.
        let mut out: Vec<String> = Vec::new();
        // Fees: one clause per (fee, payer, amount), naming items when it matters.
        let mut groups: Vec<FeeGroup<'_>> = Vec::new();
        for f in v.fees.iter().filter(|f| keep(&f.sku)) {
            let amount = f.amount.map(|a| a.0);
            match groups
                .iter_mut()
                .find(|g| g.0 == &*f.fee && g.1 == &*f.payer && g.2 == amount)
            {
                Some(g) => match &f.sku {
                    Some(s) => g.3.push(s),
                    None => g.4 = true,
                },
                None => groups.push((
                    &f.fee,
                    &f.payer,
                    amount,
                    f.sku.iter().map(String::as_str).collect(),
                    f.sku.is_none(),
                )),
            }
        }
        // Deductions.
        let mut dgroups: Vec<(&str, Money, Vec<&str>, bool)> = Vec::new();
        for d in v.deductions.iter().filter(|d| keep(&d.sku)) {
            match dgroups
                .iter_mut()
                .find(|g| g.0 == &*d.fee && g.1 == d.amount.0)
            {
                Some(g) => match &d.sku {
                    Some(s) => g.2.push(s),
                    None => g.3 = true,
                },
                None => dgroups.push((
                    &d.fee,
                    d.amount.0,
                    d.sku.iter().map(String::as_str).collect(),
                    d.sku.is_none(),
                )),
            }
        }
        for (fee, payer, amount, skus, general) in &groups {
            // A fee the customer pays out of the refund is one sentence.
            let same = dgroups.iter().position(|d| {
                *payer == "customer"
                    && d.0 == *fee
                    && Some(d.1) == *amount
                    && d.2 == *skus
                    && d.3 == *general
            });
            if let (Some(i), Some(a)) = (same, amount) {
                dgroups.remove(i);
                let clause = format!(
                    "you pay {}: {} is taken off the refund",
                    fee_words(fee),
                    money(*a)
                );
                out.push(with_items(&clause, skus, *general, &relevant, true));
                continue;
            }
            let deducted = v.deductions.iter().any(|d| &*d.fee == *fee && keep(&d.sku));
            let clause = fee_clause(fee, payer, *amount, deducted);
            let shows_amount = amount.is_some_and(|a| !a.amount.is_zero());
            out.push(with_items(&clause, skus, *general, &relevant, shows_amount));
        }
        for (fee, amount, skus, general) in &dgroups {
            let clause = format!(
                "{} for {} is taken off the refund",
                money(*amount),
                deduction_words(fee)
            );
            out.push(with_items(&clause, skus, *general, &relevant, true));
        }
        // Fees the merchant may take or waive (`may deduct`), and what the refund can be.
        for d in v.possible_deductions.iter().filter(|d| keep(&d.sku)) {
            let skus: Vec<&str> = d.sku.iter().map(String::as_str).collect();
            let clause = format!(
                "we may also take {} ({}) off the refund, or waive it",
                fee_words(&d.fee),
                money(d.amount.0)
            );
            out.push(with_items(&clause, &skus, d.sku.is_none(), &relevant, true));
        }
        if let Some(r) = &v.refund_range {
            out.push(format!(
                "the refund is between {} and {}",
                money(r.min.0),
                money(r.max.0)
            ));
        }
        if out.is_empty() {
            Vec::new()
        } else if tentative {
            vec![format!("If we accept your request, {}.", join_and(&out))]
        } else {
            out.iter().map(|c| format!("{}.", capitalize(c))).collect()
        }
    }
}
