//! Evaluation: a checked policy and a decoded claim to a verdict.
//!
//! Deterministic and total: no clock (the claim's `as_of` stands for "now"), no
//! I/O, and no loop that can fail to end (rules and items are finite lists;
//! business-day counting is bounded, see `calendar`). The rule block for the
//! claim's kind is run once per claimed item (or once for the whole order); in
//! each run the first rule whose `when` holds and no `unless` holds decides.
//! Item outcomes combine into the claim's: all approve → approve, all deny →
//! deny, any review → review, approve and deny mixed → partial.

mod duplicates;
pub mod facts;
mod fast;
mod interp;
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use interp::{day_against, day_edge_in_zone, DayAgainst, LAST_DAY};
pub(crate) mod json;
mod raw;
mod scan;
mod values;
pub mod verdict;

use crate::ast::{Decision as RuleDecision, Scope};
use crate::language::check::ir::{CheckedDeduction, CheckedRule, Policy, RuleBlock};
use crate::language::money::Money;
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use facts::{claim_json, decode, describe_json_error, Claim, ClaimErrors, InputError};
use interp::{EvalError, Interp};
use rust_decimal::Decimal;
use verdict::Ends;
use verdict::*;

/// Decodes a claim from JSON text and evaluates it.
pub fn eval_json(policy: &Policy, text: &str) -> Result<Verdict, ClaimErrors> {
    let claim = match fast::decode(text, policy) {
        Some(c) => c,
        None => decode(text, policy)?,
    };
    evaluate(policy, &claim)
}

/// The last day (inclusive) or instant of window `w` (its position in
/// `Policy::windows`) for a claim, by the evaluator's own window arithmetic, as a
/// verdict's deadline reports it; `None` when the claim does not set the event
/// the window counts from. Extensions that read an item's facts are judged for
/// the first claimed item.
pub fn window_end(policy: &Policy, claim: &Claim, w: usize) -> Result<Option<Ends>, ClaimErrors> {
    Interp::new(policy, claim, claim.claimed.first().copied())
        .deadline(w)
        .map_err(|e| claim_error(e, claim))
}

/// Decodes a claim from JSON text: the fast path when the claim is well formed,
/// the careful one otherwise (see `fast`). Both give the same claim.
pub fn decode_fast_or_careful(text: &str, policy: &Policy) -> Result<Claim, ClaimErrors> {
    match fast::decode(text, policy) {
        Some(c) => Ok(c),
        None => decode(text, policy),
    }
}

/// Only the fast path, for tests that compare it with the careful one.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn decode_fast_only(text: &str, policy: &Policy) -> Option<Claim> {
    fast::decode(text, policy)
}

/// The fast path with serde reading the JSON instead of the hand-written scanner,
/// for tests and fuzzing that compare the two readers.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn decode_fast_serde_only(text: &str, policy: &Policy) -> Option<Claim> {
    fast::decode_with(text, policy, fast::Reader::Serde)
}

/// Evaluates a decoded claim. The only errors are the claim's: a conversion it
/// gives no rate for, or a date beyond the policy's calendar.
pub fn evaluate(policy: &Policy, claim: &Claim) -> Result<Verdict, ClaimErrors> {
    evaluate_inner(policy, claim, None).map_err(|e| claim_error(e, claim))
}

/// An evaluation error as the claim's input error. An overflow names the
/// largest amount of the claim: only a very large amount can overflow.
fn claim_error(e: EvalError, claim: &Claim) -> ClaimErrors {
    let mut error = e.clone().into_input();
    if matches!(e, EvalError::Overflow) {
        let mut amounts: Vec<(String, Decimal)> = Vec::new();
        let order = &claim.order;
        for (path, m) in [
            ("order.total.amount", order.total),
            ("order.shipping_paid.amount", order.shipping_paid),
            ("claim.return_cost.amount", claim.claim.return_cost),
        ] {
            if let Some(m) = m {
                amounts.push((path.to_string(), m.amount));
            }
        }
        for (i, item) in claim.items.iter().enumerate() {
            if let Some(p) = item.price {
                amounts.push((format!("items[{i}].price.amount"), p.amount));
            }
            amounts.push((format!("items[{i}].quantity"), item.quantity));
        }
        if let Some((path, _)) = amounts.into_iter().max_by_key(|(_, a)| a.abs()) {
            error.message =
                "an amount in the claim is too large to calculate with; this is its largest".into();
            error.path = path;
        }
    }
    ClaimErrors(vec![error])
}

/// Evaluates a claim and records which rules decided and which `unless`
/// exceptions held, for rule coverage (`clause test`).
pub fn evaluate_traced(
    policy: &Policy,
    claim: &Claim,
    trace: &mut Trace,
) -> Result<Verdict, ClaimErrors> {
    evaluate_inner(policy, claim, Some(trace)).map_err(|e| claim_error(e, claim))
}

/// A window resolved for one claim (see [`resolve_windows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedWindow {
    /// The window's position in `Policy::windows`.
    pub index: usize,
    /// The event it counts from, for a window that counts from one.
    pub anchor: Option<crate::language::check::vocab::FactRef>,
    /// Its first day or instant; `None` for a window that only has an end.
    pub start: Option<Ends>,
    /// Its last day (inclusive) or instant: what a verdict's deadline says.
    pub end: Ends,
}

/// Every window of the policy resolved for a claim, by the evaluator's own
/// window arithmetic (anchors, business days, extensions, roll-forward), so a
/// picture drawn from it agrees with the verdict. A window whose anchor event
/// the claim does not set is left out. Extensions whose conditions read an
/// item's facts are judged for the first claimed item.
pub fn resolve_windows(policy: &Policy, claim: &Claim) -> Result<Vec<ResolvedWindow>, ClaimErrors> {
    let mut interp = Interp::new(policy, claim, claim.claimed.first().copied());
    let mut out = Vec::new();
    for index in 0..policy.windows.len() {
        let bounds = interp
            .window_bounds(index)
            .map_err(|e| claim_error(e, claim))?;
        if let Some((start, end)) = bounds {
            out.push(ResolvedWindow {
                index,
                anchor: interp.window_anchor(index),
                start,
                end,
            });
        }
    }
    Ok(out)
}

/// The moment of an event fact (`order.delivered_at`, ...) in a decoded claim.
pub fn event(
    policy: &Policy,
    claim: &Claim,
    fact: crate::language::check::vocab::FactRef,
) -> Option<facts::Moment> {
    Interp::new(policy, claim, None).moment(fact)
}

/// What an evaluation went through. A rule is named by its block's position in
/// the policy and its own in the block (the `otherwise` rule comes after the
/// others); an exception also by its position among the rule's `unless`es.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub decided: Vec<(usize, usize)>,
    pub exceptions: Vec<(usize, usize, usize)>,
}

/// One item's outcome (or the whole order's).
struct Outcome<'p> {
    rule: Option<&'p CheckedRule>,
    decision: Decision,
    remedy: Option<Text>,
    refund: Option<Money>,
    fees: Vec<(Text, Text, Option<Money>)>,
    deductions: Vec<(Text, Money)>,
    /// `may deduct` amounts, not taken off `refund`.
    possible: Vec<(Text, Money)>,
    /// The refund with every possible deduction taken (never below zero).
    floor: Option<Money>,
    deadlines: Vec<(Text, Ends)>,
    missing: Vec<Text>,
}

fn evaluate_inner(
    policy: &Policy,
    claim: &Claim,
    mut trace: Option<&mut Trace>,
) -> Result<Verdict, EvalError> {
    let mut v = Verdict {
        claim_id: claim.claim_id.clone(),
        policy: policy.name.clone(),
        decision: Decision::Review,
        remedy: None,
        refund: None,
        items: Vec::new(),
        fees: Vec::new(),
        deductions: Vec::new(),
        possible_deductions: Vec::new(),
        refund_range: None,
        deadlines: Vec::new(),
        missing_evidence: Vec::new(),
        because: Vec::new(),
    };
    let Some((block_idx, block)) = policy
        .blocks
        .iter()
        .enumerate()
        .find(|(_, b)| b.kind == claim.claim.kind)
    else {
        for &i in &claim.claimed {
            if let Some(item) = claim.items.get(i) {
                v.items.push(ItemVerdict {
                    sku: item.sku.clone(),
                    decision: Decision::Review,
                    refund: None,
                    rule: "no_rules_for_kind".into(),
                    missing_evidence: Vec::new(),
                });
            }
        }
        v.because.push(Because {
            rule: "no_rules_for_kind".into(),
            message: format!(
                "This policy has no rules for {} claims; a person must decide.",
                claim.claim.kind.replace('_', " ")
            )
            .into(),
            source: policy
                .source
                .location(crate::language::source::Span::default())
                .into(),
            sku: None,
        });
        return Ok(v);
    };

    let per_item = block.scope == Scope::EachItem;
    let many = per_item && claim.claimed.len() > 1;
    let mut outcomes = Vec::with_capacity(if per_item { claim.claimed.len() } else { 1 });
    // What is left of each per-claim deduction, as the items take it in turn.
    let mut once = Vec::new();
    if per_item {
        for &i in &claim.claimed {
            let mut interp = Interp::new(policy, claim, Some(i));
            outcomes.push((
                Some(i),
                decide(
                    &mut interp,
                    block,
                    policy,
                    block_idx,
                    (&mut once, outcomes.len()),
                    trace.as_deref_mut(),
                )?,
            ));
        }
    } else {
        let mut interp = Interp::new(policy, claim, None);
        outcomes.push((
            None,
            decide(&mut interp, block, policy, block_idx, (&mut once, 0), trace)?,
        ));
    }

    // What no item's refund could take of a per-claim deduction is still the
    // fee's worked-out amount: it goes on the fee line of the last item that
    // gave some of it, so that the fee lines add up to the amount, as for a
    // deduction taken from one refund.
    for share in once
        .iter()
        .filter(|s| !s.deduction.discretionary && s.rest.amount > Decimal::ZERO)
    {
        let Some((at, currency)) = share.last else {
            continue;
        };
        let rest = if share.rest.currency == currency {
            share.rest
        } else {
            let rate = claim
                .rate(share.rest.currency, currency)
                .map_err(EvalError::Input)?;
            Money::new(
                rate.apply(share.rest.amount).ok_or(EvalError::Overflow)?,
                currency,
            )
            .rounded()
        };
        let fee = &share.deduction.fee;
        if let Some((_, o)) = outcomes.get_mut(at) {
            let line = o
                .fees
                .iter_mut()
                .find_map(|(f, _, amount)| amount.as_mut().filter(|_| f == fee));
            if let Some(m) = line.filter(|m| m.currency == rest.currency) {
                m.amount += rest.amount;
            }
        }
    }

    // Each vector sized once, to what the outcomes give it (never more).
    // `because` is left to grow: its entries are merged, often into one.
    v.items.reserve(claim.claimed.len());
    let total = |len: fn(&Outcome<'_>) -> usize| outcomes.iter().map(|(_, o)| len(o)).sum();
    v.fees.reserve(total(|o| o.fees.len()));
    v.deductions.reserve(total(|o| o.deductions.len()));
    v.deadlines.reserve(total(|o| o.deadlines.len()));
    for (idx, out) in &outcomes {
        let sku = idx
            .and_then(|i| claim.items.get(i))
            .map(|it| it.sku.clone());
        let tag = if many { sku.clone() } else { None };
        let rule_name: Text = out
            .rule
            .map_or_else(|| "no_rule_decides".into(), |r| r.name.clone());
        match idx {
            Some(_) => v.items.push(ItemVerdict {
                sku: sku.clone().unwrap_or_default(),
                decision: out.decision,
                refund: out.refund.map(MoneyOut::from),
                rule: rule_name.clone(),
                missing_evidence: out.missing.clone(),
            }),
            None => {
                for &i in &claim.claimed {
                    if let Some(item) = claim.items.get(i) {
                        v.items.push(ItemVerdict {
                            sku: item.sku.clone(),
                            decision: out.decision,
                            refund: None,
                            rule: rule_name.clone(),
                            missing_evidence: out.missing.clone(),
                        });
                    }
                }
            }
        }
        for (fee, payer, amount) in &out.fees {
            v.fees.push(Fee {
                fee: fee.clone(),
                payer: payer.clone(),
                amount: amount.map(MoneyOut::from),
                sku: tag.clone(),
            });
        }
        for (fee, amount) in &out.deductions {
            v.deductions.push(Deduction {
                fee: fee.clone(),
                amount: MoneyOut::from(*amount),
                sku: tag.clone(),
            });
        }
        if out.decision == Decision::Approve {
            for (fee, amount) in &out.possible {
                v.possible_deductions.push(Deduction {
                    fee: fee.clone(),
                    amount: MoneyOut::from(*amount),
                    sku: tag.clone(),
                });
            }
        }
        for (name, ends) in &out.deadlines {
            v.deadlines.push(Deadline {
                name: name.clone(),
                ends: *ends,
                sku: tag.clone(),
            });
        }
        for m in &out.missing {
            if !v.missing_evidence.contains(m) {
                v.missing_evidence.push(m.clone());
            }
        }
        let because = match out.rule {
            Some(r) => Because {
                rule: r.name.clone(),
                message: r.message.clone(),
                source: r.location.clone(),
                sku: None,
            },
            None => Because {
                rule: "no_rule_decides".into(),
                message: "No rule of this policy decides this claim; a person must decide.".into(),
                source: policy.source.location(block.span).into(),
                sku: None,
            },
        };
        if !v.because.contains(&because) {
            v.because.push(because);
        }
    }

    v.deadlines = merge_deadlines(std::mem::take(&mut v.deadlines));
    let decisions: Vec<Decision> = outcomes.iter().map(|(_, o)| o.decision).collect();
    v.decision = combine(&decisions);
    if matches!(v.decision, Decision::Approve | Decision::Partial) {
        v.remedy = outcomes
            .iter()
            .find(|(_, o)| o.decision == Decision::Approve)
            .and_then(|(_, o)| o.remedy.clone());
        let approved = || {
            outcomes
                .iter()
                .filter(|(_, o)| o.decision == Decision::Approve)
                .map(|(_, o)| o)
        };
        let total = sum_refunds(claim, approved().filter_map(|o| o.refund))?;
        if !v.possible_deductions.is_empty() {
            let floor = sum_refunds(claim, approved().filter_map(|o| o.floor.or(o.refund)))?;
            if let (Some(min), Some(max)) = (floor, total) {
                v.refund_range = Some(RefundRange {
                    min: MoneyOut::from(min),
                    max: MoneyOut::from(max),
                });
            }
        }
        v.refund = total.map(MoneyOut::from);
    }
    Ok(v)
}

/// The sum of item refunds, in the first one's currency: each is converted with
/// the claim's rates and rounded before it is added.
fn sum_refunds(
    claim: &Claim,
    refunds: impl Iterator<Item = Money>,
) -> Result<Option<Money>, EvalError> {
    let mut total: Option<Money> = None;
    for r in refunds {
        total = Some(match total {
            None => r,
            Some(t) => {
                let rate = claim
                    .rate(r.currency, t.currency)
                    .map_err(EvalError::Input)?;
                let add = Money::new(rate.apply(r.amount).ok_or(EvalError::Overflow)?, t.currency)
                    .rounded()
                    .amount;
                Money::new(
                    t.amount.checked_add(add).ok_or(EvalError::Overflow)?,
                    t.currency,
                )
            }
        });
    }
    Ok(total)
}

/// One entry per deadline that ends on the same day for every item; a deadline
/// whose end differs between items keeps one entry per item, with its sku.
/// Linear in the number of entries (a claim may have many items).
fn merge_deadlines(all: Vec<Deadline>) -> Vec<Deadline> {
    use std::collections::{HashMap, HashSet};
    // The common case, a deadline or two: compare in turn, no hashing.
    if all.len() <= 8 {
        let varies = |d: &Deadline| all.iter().any(|e| e.name == d.name && e.ends != d.ends);
        let mut out: Vec<Deadline> = Vec::with_capacity(all.len());
        for d in &all {
            let sku = if varies(d) { d.sku.clone() } else { None };
            if !out
                .iter()
                .any(|o| o.name == d.name && same_text(&o.ends, &d.ends) && o.sku == sku)
            {
                out.push(Deadline { sku, ..d.clone() });
            }
        }
        return out;
    }
    let mut first_end: HashMap<Text, Ends> = HashMap::new();
    let mut varies: HashSet<Text> = HashSet::new();
    for d in &all {
        match first_end.get(&d.name) {
            None => {
                first_end.insert(d.name.clone(), d.ends);
            }
            Some(e) if *e != d.ends => {
                varies.insert(d.name.clone());
            }
            Some(_) => {}
        }
    }
    let mut seen: HashSet<(Text, String, Option<String>)> = HashSet::new();
    let mut out = Vec::new();
    for d in all {
        let sku = if varies.contains(&d.name) {
            d.sku
        } else {
            None
        };
        if seen.insert((d.name.clone(), d.ends.to_string(), sku.clone())) {
            out.push(Deadline { sku, ..d });
        }
    }
    out
}

/// Whether two ends are written the same (as the hashed path compares them).
fn same_text(a: &Ends, b: &Ends) -> bool {
    match (a, b) {
        (Ends::Day(x), Ends::Day(y)) => x == y,
        _ => a.to_string() == b.to_string(),
    }
}

fn combine(decisions: &[Decision]) -> Decision {
    if decisions.contains(&Decision::Review) || decisions.is_empty() {
        Decision::Review
    } else if decisions.iter().all(|d| *d == Decision::Approve) {
        Decision::Approve
    } else if decisions.iter().all(|d| *d == Decision::Deny) {
        Decision::Deny
    } else {
        Decision::Partial
    }
}

/// One per-claim deduction (`CheckedDeduction::per_claim`) as the claim's
/// items are decided in turn: what is left of it to take, and which item took
/// some of it last. Deductions with the same fee and amount share
/// one, whichever rule of the block each item falls under and whatever its cap
/// (each rule's cap bounds what its items take); `may deduct`s share their own.
struct Share<'p> {
    deduction: &'p CheckedDeduction,
    rest: Money,
    /// The outcome (by its place in the claim's outcomes) that last took some
    /// of it, and the currency it took it in; `None` until an item takes it.
    last: Option<(usize, crate::language::money::Currency)>,
}

type Once<'p> = Vec<Share<'p>>;

/// The ledger entry of `d`, made on first use with the worked-out `amount`.
fn share_of<'o, 'p>(
    once: &'o mut Once<'p>,
    d: &'p CheckedDeduction,
    amount: Money,
) -> Option<&'o mut Share<'p>> {
    let same = |s: &Share<'p>| {
        s.deduction.fee == d.fee
            && s.deduction.discretionary == d.discretionary
            && s.deduction.amount == d.amount
    };
    if !once.iter().any(same) {
        once.push(Share {
            deduction: d,
            rest: amount,
            last: None,
        });
    }
    once.iter_mut().find(|s| same(s))
}

/// Takes from `share` what this item gives of it: `here` (what is left of it,
/// in this item's currency, within the rule's cap), at most `room`. The share
/// keeps what is left in its own currency.
fn take_share(
    interp: &Interp<'_, '_>,
    share: &mut Share<'_>,
    here: Money,
    room: Decimal,
    at: usize,
) -> Result<Money, EvalError> {
    let mut taken = here;
    taken.amount = taken.amount.clamp(Decimal::ZERO, room.max(Decimal::ZERO));
    let back = interp.convert(taken, share.rest.currency)?.rounded();
    share.rest.amount = (share.rest.amount - back.amount).max(Decimal::ZERO);
    share.last = Some((at, taken.currency));
    Ok(taken)
}

/// Runs a block's rules for one item (or the order) and works out the outcome.
fn decide<'p>(
    interp: &mut Interp<'p, '_>,
    block: &'p RuleBlock,
    policy: &'p Policy,
    block_idx: usize,
    (once, at): (&mut Once<'p>, usize),
    mut trace: Option<&mut Trace>,
) -> Result<Outcome<'p>, EvalError> {
    let mut chosen = None;
    for (i, rule) in block.rules.iter().enumerate() {
        if applies(interp, rule, (block_idx, i), trace.as_deref_mut())? {
            chosen = Some((i, rule));
            break;
        }
    }
    let chosen = chosen.or(block.otherwise.as_ref().map(|o| (block.rules.len(), o)));
    if let (Some(t), Some((i, _))) = (trace, chosen) {
        t.decided.push((block_idx, i));
    }
    let chosen = chosen.map(|(_, r)| r);
    let Some(rule) = chosen else {
        return Ok(Outcome {
            rule: None,
            decision: Decision::Review,
            remedy: None,
            refund: None,
            fees: Vec::new(),
            deductions: Vec::new(),
            possible: Vec::new(),
            floor: None,
            deadlines: Vec::new(),
            missing: Vec::new(),
        });
    };
    let mut decision = match rule.decision {
        RuleDecision::Approve => Decision::Approve,
        RuleDecision::Deny => Decision::Deny,
        RuleDecision::Review => Decision::Review,
    };

    // Evidence matters to a rule that approves or sends to review, not to a denial.
    let mut missing = Vec::new();
    let evidence = if decision == Decision::Deny {
        &[][..]
    } else {
        &rule.evidence[..]
    };
    for (codes, when) in evidence {
        let needed = match when {
            Some(w) => interp.truth(w)?,
            None => true,
        };
        if needed {
            for c in codes {
                if !interp.claim.claim.evidence.iter().any(|e| **e == **c) && !missing.contains(c) {
                    missing.push(c.clone());
                }
            }
        }
    }
    if decision == Decision::Approve && !missing.is_empty() {
        decision = Decision::Review;
    }

    let remedy = if rule.as_requested {
        interp
            .claim
            .claim
            .requested_remedy
            .as_ref()
            .and_then(|r| rule.remedies.iter().find(|x| ***x == **r))
            .or_else(|| rule.remedies.first())
            .cloned()
    } else {
        rule.remedies.first().cloned()
    };
    let pays_money = remedy
        .as_deref()
        .is_some_and(|r| r == "refund" || r == "store_credit");

    let mut refund = None;
    let mut deductions = Vec::new();
    let mut possible = Vec::new();
    let mut floor = None;
    // The fees the deductions charge the customer, each at its worked-out amount.
    let mut charged: Vec<(Text, Money)> = Vec::new();
    // Per-claim deductions an earlier item has taken whole: nothing of them,
    // nor their fee line, is stated again for this item.
    let mut taken_before: Vec<Text> = Vec::new();
    // Per-claim `may deduct`s, taken from what the deductions leave.
    let mut shared_possible: Vec<(&'p CheckedDeduction, Money)> = Vec::new();
    // An approval held for evidence still states the fees its deductions charge.
    if rule.decision == RuleDecision::Approve && pays_money {
        if let Some(e) = &rule.refund {
            // Every amount is rounded to the currency's minor unit before it is added or
            // taken away, so the verdict's figures always add up.
            let mut gross = interp.money(e)?.rounded();
            gross.amount = gross.amount.max(Decimal::ZERO);
            let mut left = gross;
            for d in &rule.deductions {
                if let Some(w) = &d.when {
                    if !interp.truth(w)? {
                        continue;
                    }
                }
                // A percentage is of the gross refund, wherever the deduction stands.
                let mut amount = if d.is_percent {
                    let p = interp.percent(&d.amount)?;
                    Money::new(
                        gross.amount.checked_mul(p).ok_or(EvalError::Overflow)?,
                        gross.currency,
                    )
                } else {
                    interp.money_in(&d.amount, gross.currency)?
                }
                .rounded();
                if let Some(cap) = &d.cap {
                    let cap = interp.money_in(cap, gross.currency)?.rounded();
                    if amount.amount > cap.amount {
                        amount = cap;
                    }
                }
                if d.per_claim && d.discretionary {
                    // Bounded by what the deductions after it leave: taken below.
                    shared_possible.push((d, amount));
                    continue;
                }
                if d.per_claim {
                    // One amount for the claim: the approved items give it in
                    // turn, each what its refund has left (and its rule's cap
                    // allows). An item held for review takes nothing, and
                    // states what is left of it.
                    let Some(share) = share_of(once, d, amount) else {
                        continue;
                    };
                    if share.last.is_some() && share.rest.amount <= Decimal::ZERO {
                        // Taken whole by earlier items: nothing to state here.
                        taken_before.push(d.fee.clone());
                        continue;
                    }
                    let mut here = interp.convert(share.rest, left.currency)?.rounded();
                    here.amount = here.amount.min(amount.amount);
                    if decision != Decision::Approve {
                        charged.push((d.fee.clone(), here));
                        continue;
                    }
                    let taken = take_share(interp, share, here, left.amount, at)?;
                    left.amount -= taken.amount;
                    charged.push((d.fee.clone(), taken));
                    deductions.push((d.fee.clone(), taken));
                    continue;
                }
                if d.discretionary {
                    possible.push((d.fee.clone(), amount));
                    continue;
                }
                charged.push((d.fee.clone(), amount));
                // A refund never goes below zero: a deduction takes at most what is left.
                amount.amount = amount.amount.clamp(Decimal::ZERO, left.amount);
                left.amount -= amount.amount;
                deductions.push((d.fee.clone(), amount));
            }
            if decision == Decision::Approve {
                let mut low = left.amount;
                for (_, p) in &possible {
                    low -= p.amount.clamp(Decimal::ZERO, low);
                }
                for (d, amount) in shared_possible {
                    let Some(share) = share_of(once, d, amount) else {
                        continue;
                    };
                    if share.last.is_some() && share.rest.amount <= Decimal::ZERO {
                        continue;
                    }
                    let mut here = interp.convert(share.rest, left.currency)?.rounded();
                    here.amount = here.amount.min(amount.amount);
                    let taken = take_share(interp, share, here, low, at)?;
                    low -= taken.amount;
                    possible.push((d.fee.clone(), taken));
                }
                if !possible.is_empty() {
                    let mut low = left;
                    for (_, p) in &possible {
                        low.amount -= p.amount.clamp(Decimal::ZERO, low.amount);
                    }
                    floor = Some(low);
                }
                refund = Some(left);
            } else {
                deductions.clear();
                possible.clear();
            }
        }
    }

    let mut fees = Vec::with_capacity(rule.fees.len() + charged.len());
    for f in &rule.fees {
        if taken_before.contains(&f.fee) {
            continue;
        }
        // A `fee` line beside a `deduct` of the same fee says the same (the checker
        // makes sure): the deduction's line, with its amount, stands in for it.
        if let Some(i) = charged.iter().position(|(fee, _)| *fee == f.fee) {
            let (fee, amount) = charged.remove(i);
            fees.push((fee, "customer".into(), Some(amount)));
            continue;
        }
        let payer = match &f.when {
            Some(w) if !interp.truth(w)? => f.otherwise.clone(),
            _ => Some(f.payer.clone()),
        };
        let Some(payer) = payer else { continue };
        let amount = match &f.amount {
            Some(a) => interp.optional_money(a)?,
            None => None,
        };
        fees.push((f.fee.clone(), payer, amount));
    }
    for (fee, amount) in charged {
        fees.push((fee, "customer".into(), Some(amount)));
    }

    let mut deadlines = Vec::with_capacity(rule.deadlines.len());
    for &w in &rule.deadlines {
        if let Some(ends) = interp.deadline(w)? {
            if let Some(win) = policy.windows.get(w) {
                deadlines.push((win.name.clone(), ends));
            }
        }
    }

    Ok(Outcome {
        rule: Some(rule),
        decision,
        remedy: if decision == Decision::Approve {
            remedy
        } else {
            None
        },
        refund,
        fees,
        deductions,
        possible,
        floor,
        deadlines,
        missing,
    })
}

fn applies(
    interp: &mut Interp<'_, '_>,
    rule: &CheckedRule,
    at: (usize, usize),
    trace: Option<&mut Trace>,
) -> Result<bool, EvalError> {
    for w in &rule.when {
        if !interp.truth(w)? {
            return Ok(false);
        }
    }
    for (k, u) in rule.unless.iter().enumerate() {
        if interp.truth(u)? {
            if let Some(t) = trace {
                t.exceptions.push((at.0, at.1, k));
            }
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether one rule's conditions hold for a claim (its first claimed item, for
/// item rules), whatever the rules above it decide. The analysis uses this to
/// confirm that two rules really overlap.
pub fn rule_applies(
    policy: &Policy,
    claim: &Claim,
    block: usize,
    rule: usize,
) -> Result<bool, ClaimErrors> {
    let Some(b) = policy.blocks.get(block) else {
        return Ok(false);
    };
    let Some(r) = b.rules.get(rule) else {
        return Ok(false);
    };
    let item = match b.scope {
        Scope::EachItem => claim.claimed.first().copied(),
        Scope::WholeOrder => None,
    };
    let mut interp = Interp::new(policy, claim, item);
    applies(&mut interp, r, (block, rule), None).map_err(|e| ClaimErrors(vec![e.into_input()]))
}
