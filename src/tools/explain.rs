//! `clause explain`: a verdict as plain sentences a support agent can send a
//! customer.
//!
//! The explanation is made of the verdict, the decoded claim and the checked
//! policy, nothing else: no clock is read, so the same inputs always give the
//! same words. It says, in order:
//!
//! - the decision in words (what is granted, and how much goes back);
//! - the merchant's own words: each `because` message, quoted;
//! - the dates worked out, in long form and in the policy's time zone: when the
//!   time began (the window's anchor event), when it ends (the verdict's
//!   `deadlines`), and where the claim's own event falls;
//! - who pays which fee, and what is taken off the refund;
//! - what is still to be sent (missing evidence);
//! - for a denial, what would have changed it: the nearest deadline the claim
//!   missed and by how much, or else the rule's words as the reason.
//!
//! Only facts the policy reads are kept in a decoded claim (see `eval::facts`):
//! an order id or a delivery date the policy never reads is not known here, and
//! the sentences do without it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use crate::ast::DayEdge;
use crate::language::check::ir::Policy;
use crate::language::check::ir::{CheckedRule, IExpr, RuleBlock, Window, WindowShape};
use crate::language::check::vocab::FactRef;
use crate::language::eval::facts::{Moment, Owned};
use crate::language::eval::verdict::{Decision, Ends, ItemVerdict};
use crate::language::eval::Claim;
use crate::language::money::Money;
use crate::Verdict;

/// How an explanation is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    /// Plain paragraphs, ready to paste into an e-mail.
    Text,
    /// A short heading, paragraphs, quotes and bullets.
    Markdown,
    /// `{"decision", "summary", "sentences": [..], "what_would_change": string|null}`.
    Json,
}

/// Explains a verdict for the customer.
pub fn explain(policy: &Policy, claim: &Claim, verdict: &Verdict, format: ExplainFormat) -> String {
    let e = Explainer::new(policy, claim, verdict).run();
    match format {
        ExplainFormat::Text => e.text(),
        ExplainFormat::Markdown => e.markdown(),
        ExplainFormat::Json => e.json(),
    }
}

/// The explanation, in parts, before it is written in a format.
struct Explanation {
    decision: Decision,
    heading: String,
    summary: String,
    /// Item by item, when items were decided differently.
    items: Option<String>,
    /// The merchant's words, one sentence per `because`.
    words: Vec<String>,
    /// The dates worked out, one sentence per deadline.
    dates: Vec<String>,
    /// Fees and deductions.
    money: Vec<String>,
    /// What to send, each in words.
    missing: Vec<String>,
    what_would_change: Option<String>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    decision: Decision,
    summary: &'a str,
    sentences: Vec<String>,
    what_would_change: Option<&'a str>,
}

impl Explanation {
    fn missing_sentence(&self) -> Option<String> {
        if self.missing.is_empty() {
            None
        } else {
            Some(format!(
                "To go on, we need from you: {}.",
                join_and(&self.missing)
            ))
        }
    }

    /// Every sentence after the summary, in order (without `what_would_change`).
    fn sentences(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.items.iter().cloned());
        out.extend(self.words.iter().cloned());
        out.extend(self.dates.iter().cloned());
        out.extend(self.money.iter().cloned());
        out.extend(self.missing_sentence());
        out
    }

    fn text(&self) -> String {
        let mut paragraphs = vec![self.summary.clone()];
        paragraphs.extend(self.items.iter().cloned());
        if !self.words.is_empty() {
            paragraphs.push(self.words.join("\n"));
        }
        if !self.dates.is_empty() {
            paragraphs.push(self.dates.join("\n"));
        }
        if !self.money.is_empty() {
            paragraphs.push(self.money.join(" "));
        }
        if !self.missing.is_empty() {
            let mut p = String::from("To go on, we need from you:");
            for m in &self.missing {
                p.push_str("\n- ");
                p.push_str(m);
            }
            paragraphs.push(p);
        }
        if let Some(w) = &self.what_would_change {
            paragraphs.push(format!("What would have changed it:\n{w}"));
        }
        let mut s = paragraphs.join("\n\n");
        s.push('\n');
        s
    }

    fn markdown(&self) -> String {
        let mut blocks = vec![
            format!("## {}", md(&self.heading)),
            format!("**{}**", md(&self.summary)),
        ];
        blocks.extend(self.items.iter().map(|s| md(s)));
        for w in &self.words {
            // "Our policy says: “...”" becomes a lead-in and a block quote.
            match w.split_once(": “") {
                Some((lead, quote)) => blocks.push(format!("{}:\n\n> “{}", md(lead), md(quote))),
                None => blocks.push(md(w)),
            }
        }
        if !self.dates.is_empty() {
            blocks.push(
                self.dates
                    .iter()
                    .map(|d| format!("- {}", md(d)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        if !self.money.is_empty() {
            blocks.push(
                self.money
                    .iter()
                    .map(|m| md(m))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        if !self.missing.is_empty() {
            blocks.push("### What we need from you".to_string());
            blocks.push(
                self.missing
                    .iter()
                    .map(|m| format!("- {}", md(m)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        if let Some(w) = &self.what_would_change {
            blocks.push("### What would have changed it".to_string());
            blocks.push(md(w));
        }
        let mut s = blocks.join("\n\n");
        s.push('\n');
        s
    }

    fn json(&self) -> String {
        let out = JsonOut {
            decision: self.decision,
            summary: &self.summary,
            sentences: self.sentences(),
            what_would_change: self.what_would_change.as_deref(),
        };
        let mut s = serde_json::to_string_pretty(&out).unwrap_or_else(|_| String::from("{}"));
        s.push('\n');
        s
    }
}

/// A fee as the verdict states it for some items: (fee, payer, amount, skus,
/// whether one entry is for the whole claim).
type FeeGroup<'v> = (&'v str, &'v str, Option<Money>, Vec<&'v str>, bool);

struct Explainer<'a> {
    policy: &'a Policy,
    claim: &'a Claim,
    verdict: &'a Verdict,
    tz: Tz,
    block: Option<&'a RuleBlock>,
}

/// Where a claim's event falls against a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Before,
    Within,
    /// After the end, by this many minutes (whole days for day windows).
    After(i64),
}

/// How late an event came: whole days, or a span of time for an instant deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Late {
    Days(i64),
    Minutes(i64),
}

impl Late {
    fn minutes(self) -> i64 {
        match self {
            Late::Days(d) => d.saturating_mul(24 * 60),
            Late::Minutes(m) => m,
        }
    }

    fn words(self) -> String {
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
    fn new(policy: &'a Policy, claim: &'a Claim, verdict: &'a Verdict) -> Self {
        Explainer {
            policy,
            claim,
            verdict,
            tz: policy.timezone,
            block: policy.blocks.iter().find(|b| b.kind == claim.claim.kind),
        }
    }

    fn run(&self) -> Explanation {
        let decision = self.verdict.decision;
        Explanation {
            decision,
            heading: self.heading(),
            summary: self.summary(),
            items: self.item_by_item(),
            words: self.words(),
            dates: self.dates(),
            money: if decision == Decision::Deny {
                Vec::new()
            } else {
                self.money()
            },
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

    // ------------------------------------------------------------------ opening

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

    fn skus_with(&self, d: Decision) -> Vec<&'a str> {
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

    // ------------------------------------------------------------------ the merchant's words

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

    fn rule(&self, name: &str) -> Option<&'a CheckedRule> {
        let block = self.block?;
        block
            .rules
            .iter()
            .chain(block.otherwise.iter())
            .find(|r| &*r.name == name)
    }

    // ------------------------------------------------------------------ dates

    fn window(&self, name: &str) -> Option<(usize, &'a Window)> {
        self.policy
            .windows
            .iter()
            .enumerate()
            .find(|(_, w)| &*w.name == name)
    }

    fn dates(&self) -> Vec<String> {
        let mut out = Vec::new();
        // An event already stated ("You received the order on ...") is not repeated.
        let mut stated: Vec<FactRef> = Vec::new();
        for d in &self.verdict.deadlines {
            let Some((idx, win)) = self.window(&d.name) else {
                out.push(format!(
                    "{}{} ends {}.",
                    sku_prefix(d.sku.as_deref()),
                    window_words(&d.name),
                    self.ends(d.ends)
                ));
                continue;
            };
            let sku_rule = d
                .sku
                .as_deref()
                .and_then(|s| self.verdict.items.iter().find(|i| i.sku == s))
                .or_else(|| self.verdict.items.first())
                .and_then(|i| self.rule(&i.rule));
            let instant = matches!(d.ends, Ends::Instant(_));
            let mut parts = Vec::new();
            let anchor = self.anchor(win);
            if let Some((fact, m)) = anchor {
                if !stated.contains(&fact) {
                    stated.push(fact);
                    parts.push(started(fact, &self.moment(m, instant), &self.policy.facts));
                }
            }
            parts.push(self.deadline_clause(win, d.ends));
            if let Some((fact, m)) = self.tested(sku_rule, idx) {
                if anchor.is_none_or(|(a, _)| a != fact) {
                    match self.place(win, anchor.map(|(_, m)| m), d.ends, m) {
                        // "Now" matters only once a deadline has passed.
                        Place::Within | Place::Before if fact == FactRef::AsOf => {}
                        Place::Within => parts.push(format!(
                            "{} is within that time",
                            subject(fact, &self.moment(m, instant), &self.policy.facts)
                        )),
                        Place::Before => parts.push(format!(
                            "{} is before that time begins",
                            subject(fact, &self.moment(m, instant), &self.policy.facts)
                        )),
                        Place::After(_) => parts.push(format!(
                            "{} is after that {}",
                            subject(fact, &self.moment(m, instant), &self.policy.facts),
                            if instant { "time" } else { "date" }
                        )),
                    }
                }
            }
            let sentence = format!("{}{}.", sku_prefix(d.sku.as_deref()), parts.join("; "));
            out.push(capitalize(&sentence));
        }
        out
    }

    /// The event a window starts at, as the engine reads it: the first anchor that is set.
    fn anchor(&self, win: &Window) -> Option<(FactRef, Moment)> {
        match &win.shape {
            WindowShape::From { anchor, .. } => anchor
                .iter()
                .find_map(|f| moment_of(self.claim, *f).map(|m| (*f, m))),
            _ => None,
        }
    }

    /// "returns are accepted until 16 December 2023", "the label validity period ends on ...".
    fn deadline_clause(&self, win: &Window, ends: Ends) -> String {
        if let WindowShape::Between(a, b) = &win.shape {
            return format!(
                "{} runs from {} to {}",
                window_words(&win.name),
                long_date(*a),
                long_date(*b)
            );
        }
        if &*win.name == "return_window" {
            return format!("returns are accepted until {}", self.ends_bare(ends));
        }
        format!("{} ends {}", window_words(&win.name), self.ends(ends))
    }

    /// "on 16 December 2023" or "on 17 November 2023 at 23:59 (Asia/Seoul time)".
    fn ends(&self, ends: Ends) -> String {
        format!("on {}", self.ends_bare(ends))
    }

    fn ends_bare(&self, ends: Ends) -> String {
        match ends {
            Ends::Day(d) => long_date(d),
            Ends::Instant(i) => format!("{} {} time", self.long_instant(i), self.tz.name()),
        }
    }

    fn long_instant(&self, i: DateTime<FixedOffset>) -> String {
        i.with_timezone(&self.tz)
            .format("%-d %B %Y at %H:%M")
            .to_string()
    }

    /// A claim's moment in words: a date, or with its time when the deadline is an instant.
    fn moment(&self, m: Moment, with_time: bool) -> String {
        match m {
            Moment::Day(d) => long_date(d),
            Moment::Instant(i) if with_time => self.long_instant(i),
            Moment::Instant(i) => long_date(i.with_timezone(&self.tz).date_naive()),
        }
    }

    /// The claim event tested against window `w`: from the deciding rule's
    /// conditions first, then any rule of the block; the first one the claim has.
    fn tested(&self, rule: Option<&CheckedRule>, w: usize) -> Option<(FactRef, Moment)> {
        let mut facts = Vec::new();
        if let Some(r) = rule {
            for e in r.when.iter().chain(r.unless.iter()) {
                self.window_tests(e, w, &mut facts, 0);
            }
        }
        if let Some(b) = self.block {
            for r in b.rules.iter().chain(b.otherwise.iter()) {
                for e in r.when.iter().chain(r.unless.iter()) {
                    self.window_tests(e, w, &mut facts, 0);
                }
            }
        }
        facts
            .into_iter()
            .find_map(|f| moment_of(self.claim, f).map(|m| (f, m)))
    }

    /// Collects the facts an expression tests against window `w`, in order.
    fn window_tests(&self, e: &IExpr, w: usize, out: &mut Vec<FactRef>, depth: usize) {
        if depth > 64 {
            return;
        }
        let d = depth + 1;
        match e {
            IExpr::Window(x, _, i) => {
                if *i == w {
                    facts_in(x, out);
                }
            }
            IExpr::Threshold(i) => {
                if let Some(t) = self.policy.thresholds.get(*i) {
                    self.window_tests(&t.expr, w, out, d);
                }
            }
            other => {
                for c in other.children() {
                    self.window_tests(c, w, out, d);
                }
            }
        }
    }

    /// Where a moment falls against a window, read as the engine reads it.
    fn place(&self, win: &Window, anchor: Option<Moment>, ends: Ends, m: Moment) -> Place {
        match ends {
            Ends::Day(end) => {
                let d = self.day(m);
                let start = match &win.shape {
                    WindowShape::Between(a, _) => Some(*a),
                    WindowShape::From { .. } => anchor.map(|a| self.day(a)),
                    _ => None,
                };
                if d > end {
                    Place::After((d - end).num_days())
                } else if start.is_some_and(|s| d < s) {
                    Place::Before
                } else {
                    Place::Within
                }
            }
            Ends::Instant(end) => {
                let Some(i) = self.instant(m, win.plain_dates) else {
                    return Place::Within;
                };
                let start = anchor.and_then(|a| self.instant(a, win.plain_dates));
                if i > end {
                    Place::After((i - end).num_minutes().max(1))
                } else if start.is_some_and(|s| i < s) {
                    Place::Before
                } else {
                    Place::Within
                }
            }
        }
    }

    fn day(&self, m: Moment) -> NaiveDate {
        match m {
            Moment::Day(d) => d,
            Moment::Instant(i) => i.with_timezone(&self.tz).date_naive(),
        }
    }

    /// A moment as an instant; a plain day at its start or end in the policy's zone
    /// (as the engine reads it for hour windows).
    fn instant(&self, m: Moment, edge: DayEdge) -> Option<DateTime<FixedOffset>> {
        match m {
            Moment::Instant(i) => Some(i),
            Moment::Day(d) => {
                let local = match edge {
                    DayEdge::Start => d.and_time(NaiveTime::MIN),
                    DayEdge::End => d.and_hms_nano_opt(23, 59, 59, 999_999_999)?,
                };
                let hour = chrono::Duration::hours(1);
                let resolved = match edge {
                    DayEdge::Start => self
                        .tz
                        .from_local_datetime(&local)
                        .earliest()
                        .or_else(|| self.tz.from_local_datetime(&(local + hour)).earliest()),
                    DayEdge::End => self
                        .tz
                        .from_local_datetime(&local)
                        .latest()
                        .or_else(|| self.tz.from_local_datetime(&(local - hour)).latest()),
                }?;
                Some(resolved.fixed_offset())
            }
        }
    }

    // ------------------------------------------------------------------ fees and deductions

    fn money(&self) -> Vec<String> {
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
        for (fee, payer, amount, skus, general) in &groups {
            let deducted = v.deductions.iter().any(|d| &*d.fee == *fee && keep(&d.sku));
            let clause = fee_clause(fee, payer, *amount, deducted);
            let shows_amount = amount.is_some_and(|a| !a.amount.is_zero());
            out.push(with_items(&clause, skus, *general, &relevant, shows_amount));
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
        for (fee, amount, skus, general) in &dgroups {
            let clause = format!(
                "{} for {} is taken off the refund",
                money(*amount),
                deduction_words(fee)
            );
            out.push(with_items(&clause, skus, *general, &relevant, true));
        }
        if out.is_empty() {
            Vec::new()
        } else if tentative {
            vec![format!("If we accept your request, {}.", join_and(&out))]
        } else {
            out.iter().map(|c| format!("{}.", capitalize(c))).collect()
        }
    }

    // ------------------------------------------------------------------ what would have changed it

    fn what_would_change(&self) -> Option<String> {
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
            let anchor = self.anchor(win).map(|(_, m)| m);
            let Place::After(n) = self.place(win, anchor, d.ends, m) else {
                continue;
            };
            let late = match d.ends {
                Ends::Day(_) => Late::Days(n),
                Ends::Instant(_) => Late::Minutes(n),
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
                let converted = Money::new(m.amount.checked_mul(rate)?, *to);
                Some((
                    converted,
                    format!("{what} ({} at the exchange rate given)", money(m)),
                ))
            }
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------- words

/// Facts an expression reads directly (through `else` defaults too), in order.
fn facts_in(e: &IExpr, out: &mut Vec<FactRef>) {
    let mut chain = Vec::new();
    e.else_chain_facts(&mut chain);
    for f in chain {
        if !out.contains(&f) {
            out.push(f);
        }
    }
}

fn moment_of(claim: &Claim, f: FactRef) -> Option<Moment> {
    match f {
        FactRef::PlacedAt => claim.order.placed_at,
        FactRef::InvoicedAt => claim.order.invoiced_at,
        FactRef::ShippedAt => claim.order.shipped_at,
        FactRef::DeliveredAt => claim.order.delivered_at,
        FactRef::FiledAt => claim.claim.filed_at,
        FactRef::LabelIssuedAt => claim.claim.label_issued_at,
        FactRef::ReturnShippedAt => claim.claim.return_shipped_at,
        FactRef::ReturnReceivedAt => claim.claim.return_received_at,
        FactRef::AsOf => claim.as_of,
        FactRef::Custom(i) => match claim.custom.get(i) {
            Some(Some(Owned::Time(m))) => Some(*m),
            _ => None,
        },
        _ => None,
    }
}

fn custom_name(facts: &[crate::language::check::ir::CustomFact], f: FactRef) -> String {
    match f {
        FactRef::Custom(i) => facts
            .get(i)
            .map_or_else(|| "that date".to_string(), |c| words(&c.name)),
        _ => "that date".to_string(),
    }
}

/// "You received the order on 16 November 2023": the start of a window.
fn started(f: FactRef, when: &str, facts: &[crate::language::check::ir::CustomFact]) -> String {
    match f {
        FactRef::PlacedAt => format!("you placed the order on {when}"),
        FactRef::InvoicedAt => format!("your order was invoiced on {when}"),
        FactRef::ShippedAt => format!("we shipped the order on {when}"),
        FactRef::DeliveredAt => format!("you received the order on {when}"),
        FactRef::FiledAt => format!("you sent your request on {when}"),
        FactRef::LabelIssuedAt => format!("your return label was issued on {when}"),
        FactRef::ReturnShippedAt => format!("you sent the item back on {when}"),
        FactRef::ReturnReceivedAt => format!("we received your return on {when}"),
        FactRef::AsOf => format!("the date of this decision is {when}"),
        _ => format!("the {} is {when}", custom_name(facts, f)),
    }
}

/// "your request of 20 December 2023": the claim's event tested against a window.
fn subject(f: FactRef, when: &str, facts: &[crate::language::check::ir::CustomFact]) -> String {
    match f {
        FactRef::FiledAt => format!("your request of {when}"),
        FactRef::ReturnShippedAt => format!("your return, sent on {when},"),
        FactRef::ReturnReceivedAt => format!("your return, received on {when},"),
        FactRef::LabelIssuedAt => format!("your return label, issued on {when},"),
        FactRef::DeliveredAt => format!("the delivery on {when}"),
        FactRef::ShippedAt => format!("the shipment on {when}"),
        FactRef::PlacedAt => format!("your order of {when}"),
        FactRef::InvoicedAt => format!("the invoice of {when}"),
        FactRef::AsOf => format!("the date of this decision, {when},"),
        _ => format!("the {}, {when},", custom_name(facts, f)),
    }
}

/// "Your request came 4 days after the last day of the return window (16 December 2023); ..."
fn missed(f: FactRef, late: Late, window: &str, ends: &str) -> String {
    let by = late.words();
    let edge = match late {
        Late::Days(_) => "the last day of",
        Late::Minutes(_) => "the end of",
    };
    match f {
        FactRef::FiledAt => format!(
            "Your request came {by} after {edge} {window} ({ends}); a request made by then would have been in time."
        ),
        FactRef::ReturnShippedAt => format!(
            "Your return was sent {by} after {edge} {window} ({ends}); a return sent by then would have been in time."
        ),
        FactRef::ReturnReceivedAt => format!(
            "Your return reached us {by} after {edge} {window} ({ends}); a return that arrived by then would have been in time."
        ),
        FactRef::AsOf => format!(
            "{} ended on {ends}, {by} before this decision, and what it asks for had not happened by then; doing it within {window} would have been in time.",
            capitalize(window)
        ),
        _ => format!(
            "The date that counts came {by} after {edge} {window} ({ends}); a date within it would have been in time."
        ),
    }
}

/// "the return window", "the label validity period".
fn window_words(name: &str) -> String {
    let w = words(name);
    if name.ends_with("_window") || name.ends_with("_period") {
        format!("the {w}")
    } else {
        format!("the {w} period")
    }
}

/// A fee as the subject of a sentence.
fn fee_words(fee: &str) -> String {
    match fee {
        "return_shipping" => "the return shipping".to_string(),
        "outbound_shipping" => "the shipping of your order".to_string(),
        "round_trip_shipping" => "the shipping both ways".to_string(),
        "restocking" => "the restocking fee".to_string(),
        "reshipment" => "the cost of sending the item again".to_string(),
        "customs_clearance" => "the customs clearance charges".to_string(),
        other => format!("the {}", words(other)),
    }
}

/// A fee after "for": "USD 45.00 for return shipping".
fn deduction_words(fee: &str) -> String {
    match fee {
        "outbound_shipping" => "shipping of your order".to_string(),
        "round_trip_shipping" => "shipping both ways".to_string(),
        "restocking" => "the restocking fee".to_string(),
        "reshipment" => "sending the item again".to_string(),
        other => words(other),
    }
}

/// "the return shipping is on us" / "you pay the return shipping" / "there is no restocking fee".
fn fee_clause(fee: &str, payer: &str, amount: Option<Money>, deducted: bool) -> String {
    let what = fee_words(fee);
    if amount.is_some_and(|a| a.amount.is_zero()) {
        match what.strip_prefix("the ") {
            Some(rest) if rest.ends_with(" fee") => format!("there is no {rest}"),
            _ => format!("there is no charge for {what}"),
        }
    } else {
        let shown = match amount {
            Some(a) if !deducted => format!(" ({})", money(a)),
            _ => String::new(),
        };
        if payer == "merchant" {
            format!("{what}{shown} is on us")
        } else {
            format!("you pay {what}{shown}")
        }
    }
}

/// Names the items a fee or deduction belongs to, when that matters.
fn with_items(
    clause: &str,
    skus: &[&str],
    general: bool,
    relevant: &[&str],
    has_amount: bool,
) -> String {
    if general || skus.is_empty() {
        return clause.to_string();
    }
    let all = relevant.iter().all(|r| skus.contains(r));
    if all && (!has_amount || relevant.len() <= 1) {
        return clause.to_string();
    }
    let who = if all && skus.len() > 1 {
        "each item".to_string()
    } else {
        join_and(skus)
    };
    format!("for {who}, {clause}")
}

/// An evidence code as what the customer should send.
pub fn evidence_words(code: &str) -> String {
    match code {
        "photos_item" => "photos of the item".to_string(),
        "photos_all_sides" => "photos of the item from all sides".to_string(),
        "photos_packaging" => "photos of the packaging".to_string(),
        "photos_accessories" => "photos of the accessories".to_string(),
        "photos_damage" => "photos of the damage".to_string(),
        "order_number" => "your order number".to_string(),
        "tracking_number" => "the tracking number of the parcel".to_string(),
        "model_number" => "the model number of the item".to_string(),
        "reason_description" => "a short description of the reason for your request".to_string(),
        other => words(other),
    }
}

fn sku_prefix(sku: Option<&str>) -> String {
    sku.map_or_else(String::new, |s| format!("For {s}, "))
}

/// "USD 1,753.00": the verdict's rounding, with thousands grouped.
fn money(m: Money) -> String {
    let r = m.rounded();
    let digits = r.amount.abs().to_string();
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if r.amount.is_sign_negative() && !r.amount.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{} {sign}{grouped}.{f}", r.currency),
        None => format!("{} {sign}{grouped}", r.currency),
    }
}

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// `snake_case` in words.
fn words(s: &str) -> String {
    s.replace('_', " ")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    // Only a sentence's own opening word is lowered, never a code or amount ("USD").
    match s.split_once(' ') {
        Some((first, rest)) if first.chars().skip(1).all(|c| c.is_lowercase()) => {
            let mut c = first.chars();
            let head: String = c.next().into_iter().flat_map(char::to_lowercase).collect();
            format!("{head}{} {rest}", c.as_str())
        }
        _ => s.to_string(),
    }
}

/// "a", "a and b", "a, b and c".
fn join_and<S: AsRef<str>>(parts: &[S]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Escapes text for Markdown, so a merchant's `*` or `[` stays a character.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The same comparison with its sides swapped.
fn flip(op: crate::ast::CompareOp) -> crate::ast::CompareOp {
    use crate::ast::CompareOp as Op;
    match op {
        Op::Lt => Op::Gt,
        Op::Le => Op::Ge,
        Op::Gt => Op::Lt,
        Op::Ge => Op::Le,
        other => other,
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::*;
    use crate::language::check::vocab::EVIDENCE;

    const POLICY: &str = r#"
policy shop "Shop Returns" {
  currency USD
  timezone "America/New_York"

  window return_window = 30 days from order.delivered_at else order.placed_at

  rules for return {
    rule final_sale: deny
      "Final sale items cannot be returned."
      when item.tags has final_sale

    rule damaged: approve refund
      "Items damaged in transit are refunded in full."
      "Please send photos of the item and of the damage."
      when claim.reason is damaged_in_transit
      requires evidence photos_item, photos_damage
      refund item.price * item.quantity
      fee return_shipping paid by merchant
      deadline return_window

    rule standard: approve refund
      "Returns are accepted within 30 days of delivery."
      "Return shipping is taken off the refund."
      when claim.filed_at within return_window
      refund item.price * item.quantity
      deduct return_shipping USD 45
      fee return_shipping paid by customer
      deadline return_window

    otherwise too_late: deny
      "Returns are accepted within 30 days of delivery."
      deadline return_window
  }
}
"#;

    fn claim_json(filed: &str, reason: &str, tags: &str) -> String {
        format!(
            r#"{{
  "claim_id": "C-1",
  "order": {{
    "id": "A-1",
    "placed_at": "2023-11-10T10:00:00-05:00",
    "delivered_at": "2023-11-16T14:05:00-05:00",
    "total": {{"amount": "199.00", "currency": "USD"}}
  }},
  "items": [{{"sku": "SKU-1", "category": "electronics", "price": {{"amount": "199.00", "currency": "USD"}},
              "quantity": 1, "tags": [{tags}]}}],
  "claim": {{"filed_at": "{filed}", "reason": "{reason}", "evidence": ["photos_item"]}}
}}"#
        )
    }

    fn run(filed: &str, reason: &str, tags: &str, format: ExplainFormat) -> String {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let mut claim =
            crate::language::eval::decode(&claim_json(filed, reason, tags), &policy).unwrap();
        // The policy does not read order.id, so decoding drops it; a caller may fill it in.
        claim.order.id = Some("A-1".to_string());
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        explain(&policy, &claim, &verdict, format)
    }

    #[test]
    fn approval_says_what_goes_back_and_who_pays() {
        let t = run("2023-12-01", "changed_mind", "", ExplainFormat::Text);
        assert!(
            t.starts_with("We can refund your order A-1: USD 154.00 goes back to you.\n"),
            "{t}"
        );
        assert!(t.contains("Our policy says: “Returns are accepted within 30 days of delivery. Return shipping is taken off the refund.”"), "{t}");
        assert!(t.contains("You received the order on 16 November 2023; returns are accepted until 16 December 2023; your request of 1 December 2023 is within that time."), "{t}");
        assert!(t.contains("You pay the return shipping."), "{t}");
        assert!(
            t.contains("USD 45.00 for return shipping is taken off the refund."),
            "{t}"
        );
        assert!(!t.contains("What would have changed it"), "{t}");
    }

    #[test]
    fn denial_after_the_window_counts_the_days() {
        let t = run(
            "2023-12-20T09:00:00-05:00",
            "changed_mind",
            "",
            ExplainFormat::Text,
        );
        assert!(t.starts_with("We cannot accept this return.\n"), "{t}");
        assert!(t.contains("You received the order on 16 November 2023; returns are accepted until 16 December 2023; your request of 20 December 2023 is after that date."), "{t}");
        assert!(t.contains("Your request came 4 days after the last day of the return window (16 December 2023)"), "{t}");
        assert!(!t.contains("You pay"), "{t}");

        let j: serde_json::Value = serde_json::from_str(&run(
            "2023-12-20T09:00:00-05:00",
            "changed_mind",
            "",
            ExplainFormat::Json,
        ))
        .unwrap();
        assert_eq!(j["decision"], "deny");
        assert_eq!(j["summary"], "We cannot accept this return.");
        assert!(j["sentences"].as_array().unwrap().len() >= 2);
        assert!(j["what_would_change"]
            .as_str()
            .unwrap()
            .starts_with("Your request came 4 days after"));
    }

    #[test]
    fn denial_by_a_rule_gives_its_words_as_the_reason() {
        let t = run(
            "2023-12-01",
            "changed_mind",
            "\"final_sale\"",
            ExplainFormat::Json,
        );
        let j: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(j["decision"], "deny");
        assert_eq!(
            j["what_would_change"],
            "The decision does not turn on a date; it rests on our policy's words: “Final sale items cannot be returned.”"
        );
    }

    #[test]
    fn review_lists_the_missing_evidence() {
        let t = run("2023-12-01", "damaged_in_transit", "", ExplainFormat::Text);
        assert!(
            t.starts_with("A member of our team will look at your request.\n"),
            "{t}"
        );
        assert!(
            t.contains("To go on, we need from you:\n- photos of the damage"),
            "{t}"
        );
        assert!(!t.contains("- photos of the item\n"), "{t}");
        assert!(
            t.contains("If we accept your request, the return shipping is on us."),
            "{t}"
        );

        let m = run(
            "2023-12-01",
            "damaged_in_transit",
            "",
            ExplainFormat::Markdown,
        );
        assert!(m.starts_with("## Your return: under review\n"), "{m}");
        assert!(
            m.contains("### What we need from you\n\n- photos of the damage"),
            "{m}"
        );
        assert!(
            m.contains("> “Items damaged in transit are refunded in full."),
            "{m}"
        );

        let j: serde_json::Value = serde_json::from_str(&run(
            "2023-12-01",
            "damaged_in_transit",
            "",
            ExplainFormat::Json,
        ))
        .unwrap();
        assert_eq!(j["decision"], "review");
        assert!(j["what_would_change"].is_null());
        assert!(j["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "To go on, we need from you: photos of the damage."));
    }

    #[test]
    fn partial_names_the_items_on_each_side() {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let json = claim_json("2023-12-01", "changed_mind", "").replace(
            r#""tags": []}]"#,
            r#""tags": []},
              {"sku": "SKU-2", "category": "toys", "price": {"amount": "1200.00", "currency": "USD"},
               "quantity": 1, "tags": ["final_sale"]}]"#,
        );
        let claim = crate::language::eval::decode(&json, &policy).unwrap();
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        let t = explain(&policy, &claim, &verdict, ExplainFormat::Text);
        assert!(t.starts_with("We can refund SKU-1 from your order: USD 154.00 goes back to you, but we cannot accept SKU-2.\n"), "{t}");
        assert!(
            t.contains("For SKU-2, our policy says: “Final sale items cannot be returned.”"),
            "{t}"
        );
        // Only the accepted item has fees; it needs no name.
        assert!(t.contains("You pay the return shipping. USD 45.00 for return shipping is taken off the refund."), "{t}");
        assert!(
            t.contains("For SKU-2, the decision does not turn on a date"),
            "{t}"
        );
    }

    #[test]
    fn review_of_several_items_goes_item_by_item() {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let json = claim_json("2023-12-01", "damaged_in_transit", "").replace(
            r#""tags": []}]"#,
            r#""tags": []},
              {"sku": "SKU-2", "category": "toys", "price": {"amount": "20.00", "currency": "USD"},
               "quantity": 1, "tags": ["final_sale"]}]"#,
        );
        let claim = crate::language::eval::decode(&json, &policy).unwrap();
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        let t = explain(&policy, &claim, &verdict, ExplainFormat::Markdown);
        assert!(
            t.contains(
                "\n\nItem by item: SKU-1 will be looked at by our team, SKU-2 is not accepted.\n"
            ),
            "{t}"
        );
        assert!(
            t.contains("If we accept your request, the return shipping is on us."),
            "{t}"
        );
        assert!(!t.contains("What would have changed it"), "{t}");
    }

    #[test]
    fn a_kind_without_rules_goes_to_a_person_without_engine_words() {
        let policy = crate::load(&crate::Source::new("shop.policy", POLICY)).unwrap();
        let json = claim_json("2023-12-01", "none", "")
            .replace(r#""filed_at""#, r#""kind": "shipping", "filed_at""#);
        let claim = crate::language::eval::decode(&json, &policy).unwrap();
        let verdict = crate::language::eval::evaluate(&policy, &claim).unwrap();
        let t = explain(&policy, &claim, &verdict, ExplainFormat::Text);
        assert_eq!(t, "A member of our team will look at your request.\n");
    }

    #[test]
    fn money_is_grouped() {
        let usd = crate::language::money::Currency::parse("USD").unwrap();
        let m = |s: &str| Money::new(s.parse().unwrap(), usd);
        assert_eq!(money(m("1753")), "USD 1,753.00");
        assert_eq!(money(m("1234567.5")), "USD 1,234,567.50");
        assert_eq!(money(m("999.999")), "USD 1,000.00");
        assert_eq!(money(m("0")), "USD 0.00");
    }

    #[test]
    fn every_evidence_code_has_words() {
        for code in EVIDENCE {
            assert_ne!(evidence_words(code), words(code), "{code}");
        }
    }

    #[test]
    fn output_is_the_same_every_time() {
        let a = run("2023-12-20", "changed_mind", "", ExplainFormat::Markdown);
        let b = run("2023-12-20", "changed_mind", "", ExplainFormat::Markdown);
        assert_eq!(a, b);
    }

    #[test]
    fn small_words() {
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_and(&["a"]), "a");
        assert_eq!(window_words("label_validity"), "the label validity period");
        assert_eq!(window_words("return_window"), "the return window");
        assert_eq!(md("a_b*c"), "a\\_b\\*c");
        assert_eq!(Late::Minutes(90).words(), "1 hour and 30 minutes");
        assert_eq!(Late::Minutes(120).words(), "2 hours");
        assert_eq!(Late::Days(1).words(), "1 day");
    }
}
