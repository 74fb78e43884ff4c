//! What changes between two versions of a policy: statically (rules added and
//! removed, windows lengthened or shortened, thresholds and tables moved, fee
//! payers changed), and on a corpus of past claims replayed under both (how
//! many verdicts change, from which decision to which, by which rules, the
//! refund money moved per currency, the fee payers that flip, with example
//! claims for each group).
//!
//! The replay streams: claims are read in chunks and both policies evaluate a
//! chunk on every core; only counts, sums and a few example claim ids are kept,
//! so memory does not grow with the corpus.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufRead};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::ast::{Decl, PolicyFile, Rule, WindowDecl};
use crate::language::check::ir::Policy;
use crate::language::eval::verdict::{Decision, Verdict};

/// Lines evaluated together.
const CHUNK_LINES: usize = 4096;

/// The few facts of a verdict a diff compares.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Gist {
    decision: Decision,
    rule: String,
    refund: Option<(Decimal, String)>,
    /// Each fee line: the fee, the item it belongs to (if any) and its payer.
    fees: Vec<(String, Option<String>, String)>,
}

fn gist(v: &Verdict) -> Gist {
    Gist {
        decision: v.decision,
        rule: v
            .because
            .iter()
            .map(|b| b.rule.to_string())
            .collect::<Vec<_>>()
            .join("+"),
        refund: v
            .refund
            .map(|m| (m.0.amount, m.0.currency.code().to_string())),
        fees: v
            .fees
            .iter()
            .map(|f| (f.fee.to_string(), f.sku.clone(), f.payer.to_string()))
            .collect(),
    }
}

fn decision_word(d: Option<Decision>) -> String {
    match d {
        Some(Decision::Approve) => "approve",
        Some(Decision::Deny) => "deny",
        Some(Decision::Review) => "review",
        Some(Decision::Partial) => "partial",
        None => "invalid claim",
    }
    .to_string()
}

/// Claims that moved from one decision to another.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Transition {
    /// The decision under the old version (or `invalid claim`).
    pub from: String,
    /// The decision under the new version (or `invalid claim`).
    pub to: String,
    /// How many claims moved so.
    pub count: u64,
    /// Deciding rules, old → new, with how many claims each pair decided.
    pub rules: BTreeMap<String, u64>,
    /// The ids of a few of the claims.
    pub examples: Vec<String>,
}

/// Refund money under each version, in one currency.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MoneyMoved {
    /// The currency (ISO 4217).
    pub currency: String,
    /// The refunds under the old version, summed.
    pub old_total: Decimal,
    /// The refunds under the new version, summed.
    pub new_total: Decimal,
    /// New minus old.
    pub change: Decimal,
    /// Claims refunded more under the new version.
    pub claims_refunded_more: u64,
    /// Claims refunded less under the new version.
    pub claims_refunded_less: u64,
    /// The ids of a few of the claims refunded less.
    pub examples_less: Vec<String>,
}

/// A fee whose payer differs between the versions.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PayerFlip {
    /// The fee.
    pub fee: String,
    /// Who pays it under the old version.
    pub from: String,
    /// Who pays it under the new version.
    pub to: String,
    /// How many claims it flips for.
    pub count: u64,
    /// The ids of a few of those claims.
    pub examples: Vec<String>,
}

/// What replaying a corpus under both versions found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Replay {
    /// The claims replayed (lines that are not blank).
    pub claims: u64,
    /// Claims whose decision, deciding rule, refund or fee payers differ.
    pub changed: u64,
    /// Lines that are not valid claims under the old version, and under the new.
    pub invalid_old: u64,
    /// Lines that are not valid claims under the new version.
    pub invalid_new: u64,
    /// The claims that moved from one decision to another.
    pub transitions: Vec<Transition>,
    /// Refund money under each version, by currency.
    pub money: Vec<MoneyMoved>,
    /// The fees whose payer differs.
    pub payer_flips: Vec<PayerFlip>,
}

/// Both versions' gist of one line (`None`: the claim is invalid for that version).
type Pair = (Option<String>, Option<Gist>, Option<Gist>);

/// Both versions' gist of one line; `None` for a blank line, which is no claim.
fn line_pair(old: &Policy, new: &Policy, raw: &[u8]) -> Option<Pair> {
    let Ok(text) = std::str::from_utf8(raw.strip_suffix(b"\n").unwrap_or(raw)) else {
        return Some((None, None, None));
    };
    if text.trim().is_empty() {
        return None;
    }
    let o = crate::language::eval::eval_json(old, text).ok();
    let n = crate::language::eval::eval_json(new, text).ok();
    let id = o.as_ref().or(n.as_ref()).map(|v| v.claim_id.clone());
    Some((id, o.as_ref().map(gist), n.as_ref().map(gist)))
}

/// Replays every claim of `input` under both versions.
pub fn replay<R: BufRead>(
    old: &Policy,
    new: &Policy,
    mut input: R,
    threads: usize,
    examples: usize,
) -> io::Result<Replay> {
    let pool = crate::tools::batch::pool(threads)?;
    let mut acc = Accumulator {
        examples,
        ..Accumulator::default()
    };
    let mut lines: Vec<Vec<u8>> = (0..CHUNK_LINES).map(|_| Vec::new()).collect();
    loop {
        let filled = crate::tools::batch::read_lines(&mut input, &mut lines)?;
        let pairs: Vec<Option<Pair>> = pool.install(|| {
            use rayon::prelude::*;
            lines
                .par_iter()
                .take(filled)
                .map(|l| line_pair(old, new, l))
                .collect()
        });
        for p in pairs.into_iter().flatten() {
            acc.add(p);
        }
        if filled < CHUNK_LINES {
            break;
        }
    }
    if let Some(currency) = acc.overflow {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the refunds in {currency} add up to more than {}, the largest amount Clause calculates with; replay the claims in smaller files",
                Decimal::MAX
            ),
        ));
    }
    Ok(acc.finish())
}

#[derive(Default)]
struct Accumulator {
    examples: usize,
    claims: u64,
    changed: u64,
    invalid_old: u64,
    invalid_new: u64,
    transitions: BTreeMap<(String, String), Transition>,
    money: BTreeMap<String, MoneyMoved>,
    flips: BTreeMap<(String, String, String), PayerFlip>,
    /// The first currency whose refunds added up past `Decimal::MAX`.
    overflow: Option<String>,
}

impl Accumulator {
    fn add(&mut self, (id, old, new): Pair) {
        self.claims += 1;
        self.invalid_old += u64::from(old.is_none());
        self.invalid_new += u64::from(new.is_none());
        let id = id.unwrap_or_else(|| format!("line {}", self.claims));
        let keep = |list: &mut Vec<String>, limit: usize, id: &str| {
            if list.len() < limit {
                list.push(id.to_string());
            }
        };
        for (g, is_new) in [(&old, false), (&new, true)] {
            if let Some((amount, cur)) = g.as_ref().and_then(|g| g.refund.clone()) {
                let m = self.money.entry(cur.clone()).or_insert_with(|| MoneyMoved {
                    currency: cur.clone(),
                    ..MoneyMoved::default()
                });
                let total = if is_new {
                    &mut m.new_total
                } else {
                    &mut m.old_total
                };
                match total.checked_add(amount) {
                    Some(sum) => *total = sum,
                    None => {
                        self.overflow.get_or_insert(cur);
                    }
                }
            }
        }
        if old == new {
            return;
        }
        self.changed += 1;
        let from = decision_word(old.as_ref().map(|g| g.decision));
        let to = decision_word(new.as_ref().map(|g| g.decision));
        let t = self
            .transitions
            .entry((from.clone(), to.clone()))
            .or_insert_with(|| Transition {
                from,
                to,
                ..Transition::default()
            });
        t.count += 1;
        let rules = format!(
            "{} -> {}",
            old.as_ref().map_or("-", |g| g.rule.as_str()),
            new.as_ref().map_or("-", |g| g.rule.as_str())
        );
        *t.rules.entry(rules).or_insert(0) += 1;
        keep(&mut t.examples, self.examples, &id);

        // Refund moved, per currency: a claim that lost its refund counts as refunded
        // less; one that is not a valid claim under a version is counted apart.
        if old.is_none() || new.is_none() {
            return;
        }
        let old_refund = old.as_ref().and_then(|g| g.refund.clone());
        let new_refund = new.as_ref().and_then(|g| g.refund.clone());
        let currency = old_refund
            .as_ref()
            .or(new_refund.as_ref())
            .map(|(_, c)| c.clone());
        if let Some(cur) = currency {
            let o = old_refund.map_or(Decimal::ZERO, |(a, _)| a);
            let n = new_refund.map_or(Decimal::ZERO, |(a, _)| a);
            let m = self.money.entry(cur.clone()).or_insert_with(|| MoneyMoved {
                currency: cur,
                ..MoneyMoved::default()
            });
            if n > o {
                m.claims_refunded_more += 1;
            } else if n < o {
                m.claims_refunded_less += 1;
                keep(&mut m.examples_less, self.examples, &id);
            }
        }

        // Fee payers that flip (a fee present under both versions with another
        // payer), each once per claim: a claim whose items each state the fee
        // is one claim.
        if let (Some(o), Some(n)) = (&old, &new) {
            let mut seen = std::collections::BTreeSet::new();
            for (fee, sku, payer) in &o.fees {
                // The same fee of the same item under the new version (the
                // first of that name was taken: which item's line it was
                // depended on the items' order).
                if let Some((_, _, new_payer)) =
                    n.fees.iter().find(|(f, s, _)| f == fee && s == sku)
                {
                    if new_payer != payer {
                        let key = (fee.clone(), payer.clone(), new_payer.clone());
                        if !seen.insert(key.clone()) {
                            continue;
                        }
                        let f = self.flips.entry(key).or_insert_with(|| PayerFlip {
                            fee: fee.clone(),
                            from: payer.clone(),
                            to: new_payer.clone(),
                            ..PayerFlip::default()
                        });
                        f.count += 1;
                        keep(&mut f.examples, self.examples, &id);
                    }
                }
            }
        }
    }

    fn finish(self) -> Replay {
        let mut transitions: Vec<Transition> = self.transitions.into_values().collect();
        transitions.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
        });
        let money = self
            .money
            .into_values()
            .map(|mut m| {
                m.change = m.new_total.saturating_sub(m.old_total);
                m
            })
            .collect();
        let mut payer_flips: Vec<PayerFlip> = self.flips.into_values().collect();
        payer_flips.sort_by_key(|f| std::cmp::Reverse(f.count));
        Replay {
            claims: self.claims,
            changed: self.changed,
            invalid_old: self.invalid_old,
            invalid_new: self.invalid_new,
            transitions,
            money,
            payer_flips,
        }
    }
}

/// One difference between the two files, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticChange {
    /// `rule`, `window`, `threshold`, `table`, `fee`, `setting`.
    pub what: String,
    /// The declaration's name.
    pub name: String,
    /// What changed, in words.
    pub change: String,
}

/// The differences between two policy files, declaration by declaration.
pub fn static_diff(
    old: &PolicyFile,
    old_text: &str,
    new: &PolicyFile,
    new_text: &str,
) -> Vec<StaticChange> {
    let mut out = Vec::new();
    let text = |src: &str, span: crate::Span| -> String {
        without_comments(src.get(span.start..span.end).unwrap_or(""))
    };
    let change = |what: &str, name: &str, change: String| StaticChange {
        what: what.into(),
        name: name.into(),
        change,
    };
    // Settings.
    let setting = |f: &PolicyFile, currency: bool| {
        f.decls.iter().find_map(|d| match d {
            Decl::Currency(c) if currency => Some(c.node.clone()),
            Decl::Timezone(t) if !currency => Some(t.node.clone()),
            _ => None,
        })
    };
    let effective = |f: &PolicyFile| {
        f.decls.iter().find_map(|d| match d {
            Decl::Effective(e) => Some(e.node.to_string()),
            _ => None,
        })
    };
    let (a, b) = (effective(old), effective(new));
    if a != b {
        out.push(change(
            "setting",
            "effective from",
            format!(
                "{} -> {}",
                a.unwrap_or_else(|| "none".into()),
                b.unwrap_or_else(|| "none".into())
            ),
        ));
    }
    for (label, currency) in [("currency", true), ("timezone", false)] {
        let (a, b) = (setting(old, currency), setting(new, currency));
        if a != b {
            out.push(change(
                "setting",
                label,
                format!("{} -> {}", a.unwrap_or_default(), b.unwrap_or_default()),
            ));
        }
    }
    // The calendar, custom facts and extra fees, as written.
    let decls = |f: &PolicyFile, src: &str, kind: &str| -> Vec<String> {
        f.decls
            .iter()
            .filter_map(|d| match (d, kind) {
                (Decl::Calendar(c), "calendar") => Some(text(src, c.span)),
                (Decl::Fact(x), "fact") => Some(format!(
                    "{}: {}{}",
                    x.name.node,
                    x.ty.node,
                    if x.optional { " optional" } else { "" }
                )),
                (Decl::Fees(names), "fees") => Some(
                    names
                        .iter()
                        .map(|n| n.node.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => None,
            })
            .collect()
    };
    for kind in ["calendar", "fact", "fees"] {
        let (a, b) = (decls(old, old_text, kind), decls(new, new_text, kind));
        let name = |x: &str| {
            if kind == "fact" {
                x.split(':').next().unwrap_or(kind).to_string()
            } else {
                kind.to_string()
            }
        };
        for x in a.iter().filter(|x| !b.contains(x)) {
            out.push(change(kind, &name(x), format!("removed: `{x}`")));
        }
        for x in b.iter().filter(|x| !a.contains(x)) {
            out.push(change(kind, &name(x), format!("added: `{x}`")));
        }
    }
    // Windows, thresholds and tables, by name.
    let windows = |f: &PolicyFile| -> Vec<WindowDecl> {
        f.decls
            .iter()
            .filter_map(|d| {
                if let Decl::Window(w) = d {
                    Some(w.clone())
                } else {
                    None
                }
            })
            .collect()
    };
    let (ow, nw) = (windows(old), windows(new));
    for w in &ow {
        match nw.iter().find(|x| x.name.node == w.name.node) {
            None => out.push(change("window", &w.name.node, "removed".into())),
            Some(x) => {
                let (a, b) = (text(old_text, w.span), text(new_text, x.span));
                if a != b {
                    let verdict = match (window_days(w), window_days(x)) {
                        (Some((k, p)), Some((l, q))) if k == l && q > p => "lengthened: ",
                        (Some((k, p)), Some((l, q))) if k == l && q < p => "shortened: ",
                        _ => "changed: ",
                    };
                    out.push(change(
                        "window",
                        &w.name.node,
                        format!("{verdict}`{a}` -> `{b}`"),
                    ));
                }
            }
        }
    }
    for x in &nw {
        if !ow.iter().any(|w| w.name.node == x.name.node) {
            out.push(change(
                "window",
                &x.name.node,
                format!("added: `{}`", text(new_text, x.span)),
            ));
        }
    }
    let named = |f: &PolicyFile, src: &str| -> Vec<(String, &'static str, String)> {
        f.decls
            .iter()
            .filter_map(|d| match d {
                Decl::Threshold(t) => {
                    Some((t.name.node.clone(), "threshold", text(src, t.expr.span)))
                }
                Decl::Table(t) => {
                    let rows: Vec<String> = t
                        .rows
                        .iter()
                        .map(|r| {
                            format!(
                                "{}: {}",
                                r.keys
                                    .iter()
                                    .map(|k| k.node.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                text(src, r.value.span)
                            )
                        })
                        .chain(
                            t.default
                                .iter()
                                .map(|d| format!("otherwise: {}", text(src, d.span))),
                        )
                        .collect();
                    Some((t.name.node.clone(), "table", rows.join("; ")))
                }
                _ => None,
            })
            .collect()
    };
    let (ot, nt) = (named(old, old_text), named(new, new_text));
    for (name, what, body) in &ot {
        match nt.iter().find(|(n, w, _)| n == name && w == what) {
            None => out.push(change(what, name, "removed".into())),
            Some((_, _, b)) if b != body => {
                out.push(change(what, name, format!("moved: `{body}` -> `{b}`")))
            }
            _ => {}
        }
    }
    for (name, what, body) in &nt {
        if !ot.iter().any(|(n, w, _)| n == name && w == what) {
            out.push(change(what, name, format!("added: `{body}`")));
        }
    }
    // Rules, by name.
    let rules = |f: &PolicyFile| -> Vec<(String, Rule)> {
        f.decls
            .iter()
            .filter_map(|d| {
                if let Decl::Rules(b) = d {
                    Some(b)
                } else {
                    None
                }
            })
            .flat_map(|b| {
                b.rules
                    .iter()
                    .chain(b.otherwise.iter())
                    .map(move |r| (b.kind.node.clone(), r.clone()))
            })
            .collect()
    };
    let (or, nr) = (rules(old), rules(new));
    for (kind, r) in &or {
        match nr
            .iter()
            .find(|(k, x)| k == kind && x.name.node == r.name.node)
        {
            None => out.push(change(
                "rule",
                &r.name.node,
                format!("removed from the {kind} rules"),
            )),
            Some((_, x)) => {
                let (a, b) = (text(old_text, r.span), text(new_text, x.span));
                if a != b {
                    let mut what = Vec::new();
                    if r.decision.node != x.decision.node {
                        what.push(
                            format!("decision {:?} -> {:?}", r.decision.node, x.decision.node)
                                .to_lowercase(),
                        );
                    }
                    let fees = |rule: &Rule, src: &str| {
                        rule.fees
                            .iter()
                            .map(|f| text(src, f.fee.span.to(f.payer.span)))
                            .collect::<Vec<_>>()
                    };
                    if fees(r, old_text) != fees(x, new_text)
                        || r.fees.iter().zip(&x.fees).any(|(p, q)| {
                            p.payer.node != q.payer.node
                                || p.otherwise.as_ref().map(|o| &o.node)
                                    != q.otherwise.as_ref().map(|o| &o.node)
                        })
                    {
                        what.push("fee payers".into());
                    }
                    if r.quote.node != x.quote.node {
                        what.push("words".into());
                    }
                    let parts =
                        |rule: &Rule, src: &str| {
                            let conditions: Vec<String> = rule
                                .when
                                .iter()
                                .chain(rule.unless.iter())
                                .map(|e| text(src, e.span))
                                .collect();
                            let money: Vec<String> =
                                rule.refund
                                    .iter()
                                    .map(|e| text(src, e.span))
                                    .chain(
                                        rule.deductions
                                            .iter()
                                            .map(|d| text(src, d.fee.span.to(d.amount.span))),
                                    )
                                    .chain(rule.fees.iter().filter_map(|f| {
                                        f.amount.as_ref().map(|a| text(src, a.span))
                                    }))
                                    .collect();
                            let evidence: Vec<String> = rule
                                .evidence
                                .iter()
                                .flat_map(|e| e.codes.iter().map(|c| c.node.clone()))
                                .collect();
                            (conditions, money, evidence)
                        };
                    let (oc, om, oe) = parts(r, old_text);
                    let (nc, nm, ne) = parts(x, new_text);
                    if oc != nc {
                        what.push("conditions".into());
                    }
                    if om != nm {
                        what.push("amounts".into());
                    }
                    if oe != ne {
                        what.push("evidence".into());
                    }
                    if what.is_empty() {
                        what.push("other clauses".into());
                    }
                    out.push(change(
                        "rule",
                        &r.name.node,
                        format!("changed: {}", what.join(", ")),
                    ));
                }
            }
        }
    }
    for (kind, x) in &nr {
        if !or
            .iter()
            .any(|(k, r)| k == kind && r.name.node == x.name.node)
        {
            out.push(change(
                "rule",
                &x.name.node,
                format!("added to the {kind} rules"),
            ));
        }
    }
    // The order of rules within a block decides: say when it changed. Each
    // block once, with the names in sets (a block may hold thousands of rules).
    let mut kinds: Vec<&String> = Vec::new();
    for (k, _) in &or {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    for kind in kinds {
        let in_kind = |list: &[(String, Rule)]| {
            list.iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, r)| r.name.node.clone())
                .collect::<Vec<_>>()
        };
        let (oo, no) = (in_kind(&or), in_kind(&nr));
        let (old_set, new_set): (HashSet<&String>, HashSet<&String>) =
            (oo.iter().collect(), no.iter().collect());
        let common_old: Vec<&String> = oo.iter().filter(|x| new_set.contains(x)).collect();
        let common_new: Vec<&String> = no.iter().filter(|x| old_set.contains(x)).collect();
        if common_old != common_new {
            out.push(change(
                "rule",
                "(order)",
                format!("rules of the {kind} block that both versions have are in a different order: which rule wins may change"),
            ));
        }
    }
    // A block that switches between deciding each item and the whole order.
    let scopes = |f: &PolicyFile| -> Vec<(String, crate::ast::Scope)> {
        f.decls
            .iter()
            .filter_map(|d| {
                if let Decl::Rules(b) = d {
                    Some((b.kind.node.clone(), b.scope))
                } else {
                    None
                }
            })
            .collect()
    };
    let new_scopes = scopes(new);
    for (kind, scope) in scopes(old) {
        if let Some((_, s)) = new_scopes.iter().find(|(k, _)| *k == kind) {
            if *s != scope {
                let words = |s: crate::ast::Scope| {
                    if s == crate::ast::Scope::EachItem {
                        "each item"
                    } else {
                        "the whole order"
                    }
                };
                out.push(change(
                    "rules",
                    &kind,
                    format!("decided for {} -> {}", words(scope), words(*s)),
                ));
            }
        }
    }
    if old.name.node != new.name.node || old.title != new.title {
        out.insert(
            0,
            change(
                "setting",
                "policy",
                format!("`{}` -> `{}`", old.name.node, new.name.node),
            ),
        );
    }
    out
}

/// A window's length, for "lengthened" and "shortened": calendar time in hours
/// (days, weeks and hours compare with each other), or business days and months
/// on their own scales (they compare only with their own kind).
fn window_days(w: &WindowDecl) -> Option<(u8, Decimal)> {
    use crate::ast::{TimeUnit, WindowShape};
    match &w.shape {
        WindowShape::From { duration, .. } => {
            let n = duration.count.node;
            Some(match duration.unit {
                TimeUnit::Hours => (0, n),
                TimeUnit::Days => (0, n * Decimal::from(24)),
                TimeUnit::Weeks => (0, n * Decimal::from(168)),
                TimeUnit::BusinessDays => (1, n),
                TimeUnit::Months => (2, n),
            })
        }
        _ => None,
    }
}

/// A piece of policy text with its comments removed and its spacing folded, so
/// that a comment or a new line is not taken for a change.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            if in_string {
                in_string = c != '"' || escaped;
                escaped = c == '\\' && !escaped;
            } else if c == '#' {
                break;
            } else if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
