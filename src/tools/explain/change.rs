//! For a denial, what would have changed it: the nearest deadline missed and by
//! how much, or the threshold or amount the claim fell on the wrong side of.

use super::decision::{Explainer, Late, Place};
use super::phrases::{flip, join_and, lower_first, missed, money, window_words};
use crate::language::check::ir::IExpr;
use crate::language::check::vocab::FactRef;
use crate::language::eval::verdict::{Decision, Ends, ItemVerdict};
use crate::language::money::Money;

impl<'a> Explainer<'a> {
    pub(super) fn what_would_change(&self) -> Option<String> {
        let mut reasons: Vec<(String, Vec<&str>)> = Vec::new();
        for item in self
            .verdict
            .items
            .iter()
            .filter(|i| i.decision == Decision::Deny)
        {
            let Some(reason) = self.change_for(item) else {
                continue;
            };
            match reasons.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, skus)) => skus.push(&item.sku),
                None => reasons.push((reason, vec![&item.sku])),
            }
        }
        match reasons.len() {
            0 => None,
            1 if self.verdict.decision == Decision::Deny => reasons.pop().map(|(r, _)| r),
            _ => Some(
                reasons
                    .iter()
                    .map(|(r, skus)| format!("For {}, {}", join_and(skus), lower_first(r)))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        }
    }

    fn change_for(&self, item: &ItemVerdict) -> Option<String> {
        let rule = self.rule(&item.rule)?;
        let is_otherwise = self
            .block
            .and_then(|b| b.otherwise.as_ref())
            .is_some_and(|o| o.name == rule.name);
        let mut best: Option<(Late, String)> = None;
        for &w in &rule.deadlines {
            let Some(win) = self.policy.windows.get(w) else {
                continue;
            };
            // The deadline counts when this rule tests it, or when the rule is the
            // block's `otherwise` (the claim fell through the rules that did).
            let mut own = Vec::new();
            for e in rule.when.iter().chain(rule.unless.iter()) {
                self.window_tests(e, w, &mut own, 0);
            }
            if own.is_empty() && !is_otherwise {
                continue;
            }
            let Some(d) = self
                .verdict
                .deadlines
                .iter()
                .find(|d| d.name == win.name && d.sku.as_deref().is_none_or(|s| s == item.sku))
            else {
                continue;
            };
            let Some((fact, m)) = self.tested(Some(rule), w) else {
                continue;
            };
            let late = match (self.place(w, d.ends, m), d.ends) {
                (Place::After(n), Ends::Day(_)) | (Place::AfterDays(n), _) => Late::Days(n),
                (Place::After(n), Ends::Instant(_)) => Late::Minutes(n),
                _ => continue,
            };
            let text = missed(
                fact,
                late,
                &window_words(&win.name),
                &self.ends_bare(d.ends),
            );
            if best
                .as_ref()
                .is_none_or(|(b, _)| late.minutes() < b.minutes())
            {
                best = Some((late, text));
            }
        }
        if let Some((_, text)) = best {
            return Some(text);
        }
        let sku_item = self.claim.items.iter().find(|i| i.sku == item.sku);
        if let Some(text) = rule
            .when
            .iter()
            .find_map(|e| self.threshold(e, sku_item, 0))
        {
            return Some(text);
        }
        Some(format!(
            "The decision does not turn on a date; it rests on our policy's words: “{}”",
            rule.message
        ))
    }

    /// For a denial decided by an amount against a limit (`order.total in CNY >
    /// CNY 1000`): the claim's amount, the limit, and the side of it that would
    /// not have been refused.
    fn threshold(
        &self,
        e: &IExpr,
        item: Option<&crate::language::eval::facts::Item>,
        depth: usize,
    ) -> Option<String> {
        use crate::ast::CompareOp as Op;
        if depth > 8 {
            return None;
        }
        match e {
            IExpr::And(a, b) => self
                .threshold(a, item, depth + 1)
                .or_else(|| self.threshold(b, item, depth + 1)),
            IExpr::Threshold(i) => self
                .policy
                .thresholds
                .get(*i)
                .and_then(|t| self.threshold(&t.expr, item, depth + 1)),
            IExpr::Compare(op, l, r) => {
                let (value, what, limit, op) = match (
                    self.amount(l, item),
                    r.as_ref(),
                    self.amount(r, item),
                    l.as_ref(),
                ) {
                    (Some((v, w)), IExpr::Money(a, c), _, _) => (v, w, Money::new(*a, *c), *op),
                    (_, _, Some((v, w)), IExpr::Money(a, c)) => {
                        (v, w, Money::new(*a, *c), flip(*op))
                    }
                    _ => return None,
                };
                let (side, fine) = match op {
                    Op::Gt => ("over", format!("{} or less", money(limit))),
                    Op::Ge => ("at or over", format!("less than {}", money(limit))),
                    Op::Lt => ("under", format!("{} or more", money(limit))),
                    Op::Le => ("at or under", format!("more than {}", money(limit))),
                    Op::Eq | Op::Ne => return None,
                };
                Some(format!(
                    "{what}, {}, is {side} the limit of {}; with {fine} it would not have been refused for this reason.",
                    money(value),
                    money(limit)
                ))
            }
            _ => None,
        }
    }

    /// An amount of the claim a limit is compared with, and its name in words.
    fn amount(
        &self,
        e: &IExpr,
        item: Option<&crate::language::eval::facts::Item>,
    ) -> Option<(Money, String)> {
        match e {
            IExpr::Fact(FactRef::Total) => self
                .claim
                .order
                .total
                .map(|m| (m, "Your order total".to_string())),
            IExpr::Fact(FactRef::Price) => item
                .and_then(|i| i.price)
                .map(|m| (m, "The item's price".to_string())),
            IExpr::Fact(FactRef::ShippingPaid) => self
                .claim
                .order
                .shipping_paid
                .map(|m| (m, "The shipping you paid".to_string())),
            IExpr::Convert(inner, to) => {
                let (m, what) = self.amount(inner, item)?;
                let rate = self.claim.rate(m.currency, *to).ok()?;
                let converted = Money::new(rate.apply(m.amount)?, *to);
                Some((
                    converted,
                    format!("{what} ({} at the exchange rate given)", money(m)),
                ))
            }
            // `order.shipping_paid else CNY 0`: the claim's amount, or the
            // written one when the claim leaves it out.
            IExpr::Else(given, otherwise) => self
                .amount(given, item)
                .or_else(|| self.amount(otherwise, item)),
            IExpr::Money(amount, currency) => {
                let m = Money::new(*amount, *currency);
                Some((m, money(m)))
            }
            // `order.total - (order.shipping_paid else USD 0)`: the purchase
            // less what the claim says was paid for shipping (nothing taken
            // off, nothing said).
            IExpr::Sub(from, off) => {
                let (m, what) = self.amount(from, item)?;
                let (o, off_what) = self.amount(off, item)?;
                if o.amount.is_zero() {
                    return Some((m, what));
                }
                let taken = if o.currency == m.currency {
                    o.amount
                } else {
                    self.claim
                        .rate(o.currency, m.currency)
                        .ok()?
                        .apply(o.amount)?
                };
                let rest = Money::new(m.amount.checked_sub(taken)?, m.currency);
                let mut off_what = off_what;
                if let Some(first) = off_what.get(..1) {
                    off_what = format!(
                        "{}{}",
                        first.to_lowercase(),
                        off_what.get(1..).unwrap_or("")
                    );
                }
                // A converted amount already says what it was.
                let off_what = if off_what.contains('(') {
                    off_what
                } else {
                    format!("{off_what} ({})", money(o))
                };
                Some((rest, format!("{what} less {off_what}")))
            }
            _ => None,
        }
    }
}
