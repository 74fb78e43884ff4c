//! The explainer, and the decision in words: what is granted or refused, item by
//! item where items differ, and the merchant's own words.

use super::output::Explanation;
use super::phrases::{capitalize, evidence_words, join_and, money, plural, words};
use crate::language::check::ir::Policy;
use crate::language::check::ir::{CheckedRule, RuleBlock, Window};
use crate::language::eval::verdict::Decision;
use crate::language::eval::verdict::Ends;
use crate::language::eval::Claim;
use crate::language::money::Money;
use crate::Verdict;
use chrono_tz::Tz;

/// A fee as the verdict states it for some items: (fee, payer, amount, skus,
/// whether one entry is for the whole claim).
pub(super) type FeeGroup<'v> = (&'v str, &'v str, Option<Money>, Vec<&'v str>, bool);

pub(super) struct Explainer<'a> {
    pub(super) policy: &'a Policy,
    pub(super) claim: &'a Claim,
    pub(super) verdict: &'a Verdict,
    pub(super) tz: Tz,
    pub(super) block: Option<&'a RuleBlock>,
    /// Where each window begins for this claim, by window index, as the
    /// engine resolved it (`None`: no start, or its event not given).
    pub(super) starts: Vec<Option<Ends>>,
}

/// Where a claim's event falls against a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Before,
    Within,
    /// After the end, by this many minutes (whole days for day windows).
    After(i64),
    /// A day given without a time, after the end of an hour window by this
    /// many days (counted from the day the window ends).
    AfterDays(i64),
    /// A day given without a time, on the day an hour window ends: whether it
    /// is within is not known.
    Unknown,
}

/// How late an event came: whole days, or a span of time for an instant deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Late {
    Days(i64),
    Minutes(i64),
}

impl Late {
    pub(super) fn minutes(self) -> i64 {
        match self {
            Late::Days(d) => d.saturating_mul(24 * 60),
            Late::Minutes(m) => m,
        }
    }

    pub(super) fn words(self) -> String {
        match self {
            Late::Days(d) => plural(d, "day"),
            Late::Minutes(m) if m < 60 => plural(m, "minute"),
            // Whole hours and minutes, never rounded up: 61 minutes is "1 hour and 1 minute".
            Late::Minutes(m) if m < 48 * 60 && m % 60 == 0 => plural(m / 60, "hour"),
            Late::Minutes(m) if m < 48 * 60 => format!(
                "{} and {}",
                plural(m / 60, "hour"),
                plural(m % 60, "minute")
            ),
            Late::Minutes(m) => plural(m / (24 * 60), "day"),
        }
    }
}

impl<'a> Explainer<'a> {
    pub(super) fn new(policy: &'a Policy, claim: &'a Claim, verdict: &'a Verdict) -> Self {
        let mut starts = vec![None; policy.windows.len()];
        // A claim the engine judged resolves its windows: explain reads their
        // starts from there rather than working them out a second time.
        for w in crate::language::eval::resolve_windows(policy, claim).unwrap_or_default() {
            if let Some(slot) = starts.get_mut(w.index) {
                *slot = w.start;
            }
        }
        Explainer {
            policy,
            claim,
            verdict,
            tz: policy.timezone,
            block: policy.blocks.iter().find(|b| b.kind == claim.claim.kind),
            starts,
        }
    }

    pub(super) fn run(&self) -> Explanation {
        let decision = self.verdict.decision;
        Explanation {
            decision,
            heading: self.heading(),
            summary: self.summary(),
            items: self.item_by_item(),
            words: self.words(),
            dates: self.dates(),
            // A denial can carry a fee too (a return sent back at the customer's expense).
            money: self.money(),
            missing: self
                .verdict
                .missing_evidence
                .iter()
                .map(|c| evidence_words(c))
                .collect(),
            what_would_change: if matches!(decision, Decision::Deny | Decision::Partial) {
                self.what_would_change()
            } else {
                None
            },
        }
    }

    fn heading(&self) -> String {
        let what = match self.claim.claim.kind.as_str() {
            "return" => "Your return",
            "cancellation" => "Your cancellation",
            "delivery_issue" => "Your delivery claim",
            "shipping" => "Shipping your order",
            _ => "Your request",
        };
        let how = match self.verdict.decision {
            Decision::Approve => "approved",
            Decision::Deny => "not accepted",
            Decision::Review => "under review",
            Decision::Partial => "partly approved",
        };
        format!("{what}: {how}")
    }

    /// "your order A-1", or "your order" when its id is not known.
    fn order(&self) -> String {
        match &self.claim.order.id {
            Some(id) if !id.is_empty() => format!("your order {id}"),
            _ => "your order".to_string(),
        }
    }

    /// What the approval covers: the whole order, or some items of it.
    fn object(&self, skus: &[&str]) -> String {
        let all = skus.len() == self.claim.items.len() || skus.is_empty();
        if all {
            self.order()
        } else {
            format!("{} from {}", join_and(skus), self.order())
        }
    }

    fn summary(&self) -> String {
        let v = self.verdict;
        let approved: Vec<&str> = self.skus_with(Decision::Approve);
        let denied: Vec<&str> = self.skus_with(Decision::Deny);
        match v.decision {
            Decision::Approve => self.granted(&approved, true),
            Decision::Deny => self.refused(),
            Decision::Review => "A member of our team will look at your request.".to_string(),
            Decision::Partial => {
                let yes = self.granted(&approved, false);
                let yes = yes.trim_end_matches('.');
                format!("{yes}, but we cannot accept {}.", join_and(&denied))
            }
        }
    }

    pub(super) fn skus_with(&self, d: Decision) -> Vec<&'a str> {
        self.verdict
            .items
            .iter()
            .filter(|i| i.decision == d)
            .map(|i| i.sku.as_str())
            .collect()
    }

    /// The opening for what is granted; `whole` when every claimed item is.
    fn granted(&self, skus: &[&str], whole: bool) -> String {
        let object = if whole {
            self.object(skus)
        } else {
            format!("{} from {}", join_and(skus), self.order())
        };
        let refund = self.verdict.refund.map(|m| money(m.0));
        match (self.verdict.remedy.as_deref(), refund) {
            (Some("refund"), Some(_)) if self.refund_is_zero() => {
                format!("We accept your request for {object}, but after deductions nothing is left to refund.")
            }
            (Some("refund"), Some(r)) if self.verdict.refund_range.is_some() => {
                format!("We can refund {object}: up to {r} goes back to you.")
            }
            (Some("refund"), Some(r)) => {
                format!("We can refund {object}: {r} goes back to you.")
            }
            (Some("refund"), None) => format!("We can refund {object}."),
            (Some("store_credit"), Some(r)) => {
                format!(
                    "We can give you store credit for {object}: {r} is credited to your account."
                )
            }
            (Some("store_credit"), None) => format!("We can give you store credit for {object}."),
            (Some("exchange"), _) => format!("We can exchange {object}."),
            (Some("reship"), _) => format!("We will send {object} to you again."),
            (Some("repair"), _) => format!("We can repair {object}."),
            (Some("cancel"), _) => format!("We can cancel {object}."),
            (Some(other), _) => format!("We can offer {} for {object}.", words(other)),
            (None, _) if self.claim.claim.kind == "shipping" => {
                capitalize(&format!("{object} can ship as it is."))
            }
            (None, _) => "We can accept your request.".to_string(),
        }
    }

    fn refund_is_zero(&self) -> bool {
        self.verdict.refund.is_some_and(|r| r.0.amount.is_zero())
            && !self.verdict.deductions.is_empty()
    }

    fn refused(&self) -> String {
        match self.claim.claim.kind.as_str() {
            "return" => "We cannot accept this return.".to_string(),
            "cancellation" => format!("We cannot cancel {}.", self.order()),
            "delivery_issue" => "We cannot accept this claim about the delivery.".to_string(),
            "shipping" => format!("We cannot ship {} as it is.", self.order()),
            _ => "We cannot accept this request.".to_string(),
        }
    }

    /// "SKU-1 is accepted, SKU-2 will be looked at by our team." when a
    /// review's items were decided differently.
    fn item_by_item(&self) -> Option<String> {
        let items = &self.verdict.items;
        let first = items.first()?;
        if self.verdict.decision != Decision::Review
            || items.iter().all(|i| i.decision == first.decision)
        {
            return None;
        }
        let parts: Vec<String> = items
            .iter()
            .map(|i| match i.decision {
                Decision::Approve => match &i.refund {
                    Some(r) => format!("{} is accepted ({} back to you)", i.sku, money(r.0)),
                    None => format!("{} is accepted", i.sku),
                },
                Decision::Deny => format!("{} is not accepted", i.sku),
                Decision::Review | Decision::Partial => {
                    format!("{} will be looked at by our team", i.sku)
                }
            })
            .collect();
        Some(format!("Item by item: {}.", parts.join(", ")))
    }

    fn words(&self) -> Vec<String> {
        let items = &self.verdict.items;
        let rules_differ = items
            .first()
            .is_some_and(|f| items.iter().any(|i| i.rule != f.rule));
        self.verdict
            .because
            .iter()
            // The engine's own words ("no rule decides ...") are not the merchant's.
            .filter(|b| self.rule(&b.rule).is_some())
            .map(|b| {
                let skus: Vec<&str> = items
                    .iter()
                    .filter(|i| i.rule == b.rule)
                    .map(|i| i.sku.as_str())
                    .collect();
                if rules_differ && !skus.is_empty() {
                    format!("For {}, our policy says: “{}”", join_and(&skus), b.message)
                } else {
                    format!("Our policy says: “{}”", b.message)
                }
            })
            .collect()
    }

    pub(super) fn rule(&self, name: &str) -> Option<&'a CheckedRule> {
        let block = self.block?;
        block
            .rules
            .iter()
            .chain(block.otherwise.iter())
            .find(|r| &*r.name == name)
    }

    pub(super) fn window(&self, name: &str) -> Option<(usize, &'a Window)> {
        self.policy
            .windows
            .iter()
            .enumerate()
            .find(|(_, w)| &*w.name == name)
    }
}
