//! The page's order, and each kind's section: its rules one by one, the fees
//! table and the evidence table.

use super::conditions::{is_set_of, path_of, Ctx, Words};
use super::nouns::{
    capitalize, evidence_words, fee_words, humanize, join_plain, payer_words, remedy_words,
    window_noun,
};
use super::sections::{
    calendar_section, facts_section, tables_section, terms_section, windows_section,
};
use super::values::fmt_percent;
use super::{para, Block, Inline};
use crate::ast::{Decision, Expr, ExprKind, PolicyFile, Rule, RulesBlock, Scope};
use crate::language::check::ir::Policy;

/// The claim kinds, in the words of the page: heading, plural in running text.
pub(super) fn kind_words(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "return" => ("Returns", "returns"),
        "cancellation" => ("Cancellations", "cancellations"),
        "delivery_issue" => ("Delivery problems", "delivery problems"),
        "shipping" => ("Shipping", "shipping checks"),
        _ => ("Other requests", "other requests"),
    }
}

pub(super) fn page(ctx: &Ctx<'_>, ast: &PolicyFile, policy: &Policy) -> Vec<Block> {
    let mut out = Vec::new();
    let mut intro = String::from(
        "This page is generated from the same rules we use to decide every request, so it always matches our decisions.",
    );
    intro.push_str(&format!(
        " Days and times are counted in the {} time zone.",
        policy.timezone.name()
    ));
    if let Some(c) = &policy.currency {
        intro.push_str(&format!(" Amounts are in {c} unless shown otherwise."));
    }
    out.push(para(intro));

    let blocks: Vec<&RulesBlock> = ast.rule_blocks();
    for block in &blocks {
        kind_section(ctx, policy, block, &mut out);
    }
    let missing: Vec<&str> = crate::language::check::vocab::CLAIM_KINDS
        .iter()
        .filter(|k| !blocks.iter().any(|b| b.kind.node == **k))
        .map(|k| kind_words(k).1)
        .collect();
    if !missing.is_empty() {
        out.push(Block::Heading(2, "Other requests".into()));
        out.push(para(format!(
            "This policy has no rules for {}: a person decides those.",
            join_plain(&missing, "or")
        )));
    }

    windows_section(ctx, &mut out);
    terms_section(ctx, &mut out);
    tables_section(ctx, &mut out);
    calendar_section(ctx, ast, &mut out);
    facts_section(ctx, &mut out);
    out
}

/// One rule of a block, with its number (its place in the block, from 1).
pub(super) struct Numbered<'a> {
    number: usize,
    rule: &'a Rule,
    otherwise: bool,
}

impl Numbered<'_> {
    /// "3. Porous items during Covid": the rule's title, or its name in words.
    fn title(&self) -> String {
        let title = match &self.rule.title {
            Some(t) => t.node.clone(),
            None => capitalize(&humanize(&self.rule.name.node)),
        };
        format!("{}. {title}", self.number)
    }
}

pub(super) fn kind_section(
    ctx: &Ctx<'_>,
    policy: &Policy,
    block: &RulesBlock,
    out: &mut Vec<Block>,
) {
    let kind = block.kind.node.as_str();
    out.push(Block::Heading(2, kind_words(kind).0.into()));
    let scope = match block.scope {
        Scope::EachItem => "We decide on each item of your request separately.",
        Scope::WholeOrder => "We decide once for your whole order.",
    };
    out.push(para(format!(
        "{scope} We go through the numbered points below in order: the first one that fits your request decides it."
    )));

    let mut rules: Vec<Numbered<'_>> = block
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| Numbered {
            number: i + 1,
            rule,
            otherwise: false,
        })
        .collect();
    if let Some(rule) = &block.otherwise {
        rules.push(Numbered {
            number: block.rules.len() + 1,
            rule,
            otherwise: true,
        });
    }
    let checked = policy.blocks.iter().find(|b| b.kind == kind);
    let deadlines = |rule: &Rule| -> Vec<String> {
        let Some(b) = checked else {
            return Vec::new();
        };
        b.rules
            .iter()
            .chain(b.otherwise.iter())
            .find(|r| *r.name == *rule.name.node)
            .map(|r| {
                r.deadlines
                    .iter()
                    .filter_map(|&w| policy.windows.get(w))
                    .map(|w| window_noun(&w.name))
                    .collect()
            })
            .unwrap_or_default()
    };

    let sections = [
        (
            Decision::Deny,
            "When we say no",
            if kind == "shipping" {
                "We cannot ship your order in these cases.".to_string()
            } else {
                format!("We cannot accept {} in these cases.", request_noun(kind))
            },
        ),
        (
            Decision::Review,
            "When a person decides",
            "In these cases a person from our team looks at your request and decides.".to_string(),
        ),
        (
            Decision::Approve,
            "What we accept",
            if kind == "shipping" {
                "We ship your order in these cases.".to_string()
            } else {
                format!("We accept {} in these cases.", request_noun(kind))
            },
        ),
    ];
    for (decision, heading, lead) in sections {
        let chosen: Vec<&Numbered<'_>> = rules
            .iter()
            .filter(|n| n.rule.decision.node == decision)
            .collect();
        // A rule without `when` or `unless` takes every claim that reaches it, so
        // then no claim is left for a person by default.
        let catches_all = block
            .rules
            .iter()
            .any(|r| r.when.is_empty() && r.unless.is_empty());
        let fallback = decision == Decision::Review && block.otherwise.is_none() && !catches_all;
        if chosen.is_empty() && !fallback {
            continue;
        }
        out.push(Block::Heading(3, heading.into()));
        out.push(para(lead));
        for n in chosen {
            out.push(rule_entry(ctx, kind, n, &deadlines(n.rule)));
        }
        if fallback {
            out.push(Block::Group(
                format!("{kind}-anything-else"),
                vec![
                    Block::Para(vec![Inline::Strong(format!(
                        "{}. Anything else",
                        rules.len() + 1
                    ))]),
                    para("A person decides any request that none of the points above decides."),
                ],
            ));
        }
    }

    fees_table(ctx, &rules, out);
    evidence_table(ctx, &rules, out);
}

/// "your return", "your cancellation", ...
pub(super) fn request_noun(kind: &str) -> &'static str {
    match kind {
        "return" => "your return",
        "cancellation" => "your cancellation",
        "delivery_issue" => "your delivery claim",
        "shipping" => "your order",
        _ => "your request",
    }
}

pub(super) fn rule_entry(
    ctx: &Ctx<'_>,
    kind: &str,
    n: &Numbered<'_>,
    deadlines: &[String],
) -> Block {
    let rule = n.rule;
    let mut sentences = Vec::new();
    if n.otherwise {
        sentences.push("This applies in every other case.".to_string());
    } else if rule.when.is_empty() {
        sentences.push("This applies in every case that reaches it.".to_string());
    } else {
        let when: Vec<&Expr> = rule.when.iter().collect();
        sentences.push(format!(
            "This applies when {}.",
            ctx.conjunction(&when, true, 0).text()
        ));
    }
    if !rule.unless.is_empty() {
        let unless = Words::any(rule.unless.iter().map(|u| ctx.cond(u, true, 0)).collect());
        sentences.push(format!("It does not apply when {}.", unless.text()));
    }
    if rule.decision.node == Decision::Approve {
        sentences.extend(outcome_sentences(ctx, kind, rule));
    }
    if !deadlines.is_empty() {
        let label = if deadlines.len() == 1 {
            "Time limit"
        } else {
            "Time limits"
        };
        sentences.push(format!(
            "{label}: {} (see “Time limits” below).",
            join_plain(deadlines, "and")
        ));
    }
    let blocks = vec![
        Block::Para(vec![Inline::Strong(n.title())]),
        Block::Quote(rule.quote.node.clone()),
        para(sentences.join(" ")),
    ];
    Block::Group(format!("{kind}-{}", rule.name.node), blocks)
}

/// What an approving rule grants: the remedy, the refund and its deductions.
pub(super) fn outcome_sentences(ctx: &Ctx<'_>, kind: &str, rule: &Rule) -> Vec<String> {
    let mut out = Vec::new();
    let remedies: Vec<&str> = rule.remedies.iter().map(|r| r.node.as_str()).collect();
    // Without `as requested`, the first remedy is the one granted.
    let offered: Vec<&str> = if rule.as_requested {
        remedies.clone()
    } else {
        remedies.iter().take(1).copied().collect()
    };
    match offered.as_slice() {
        [] if kind == "shipping" => out.push("We ship your order.".to_string()),
        [] => out.push("We accept your request.".to_string()),
        [one] => out.push(format!("You get {}.", remedy_words(one))),
        [first, ..] => {
            let words: Vec<String> = offered.iter().map(|r| remedy_words(r)).collect();
            let none = if offered.len() == 2 {
                "neither"
            } else {
                "none of these"
            };
            out.push(format!(
                "You get {}, whichever you ask for ({} if you ask for {none}).",
                join_plain(&words, "or"),
                remedy_words(first)
            ));
        }
    }
    let single_money = matches!(offered.as_slice(), [r] if *r == "refund" || *r == "store_credit");
    if let (true, Some(refund), Some(last)) = (single_money, &rule.refund, out.last_mut()) {
        last.pop();
        last.push_str(&format!(" of {}.", ctx.value(refund)));
    }
    if let Some(refund) = &rule.refund {
        let money: Vec<&str> = offered
            .iter()
            .copied()
            .filter(|r| *r == "refund" || *r == "store_credit")
            .map(|r| {
                if r == "refund" {
                    "refund"
                } else {
                    "store credit"
                }
            })
            .collect();
        let what = if money.is_empty() {
            "refund".to_string()
        } else {
            join_plain(&money, "or")
        };
        if !single_money {
            let article = if offered.len() > 1 { "A" } else { "The" };
            out.push(format!("{article} {what} is {}.", ctx.value(refund)));
        }
        for d in &rule.deductions {
            let amount = match &d.amount.node {
                ExprKind::Percent(p) => format!("{} of the {what}", fmt_percent(*p)),
                _ => ctx.value(&d.amount),
            };
            let mut s = if d.discretionary {
                format!(
                    "We may also deduct {}, or waive it: {amount}",
                    fee_words(&d.fee.node).to_lowercase()
                )
            } else {
                format!(
                    "From it we deduct {}: {amount}",
                    fee_words(&d.fee.node).to_lowercase()
                )
            };
            if let Some(cap) = &d.cap {
                s.push_str(&format!(", at most {}", ctx.value(cap)));
            }
            if let Some(w) = &d.when {
                if is_set_of(w).is_some() && is_set_of(w) == path_of(&d.amount) {
                    s.push_str(", once it is known");
                } else {
                    s.push_str(&format!(", when {}", ctx.cond(w, true, 0).text()));
                }
            }
            s.push('.');
            out.push(s);
        }
        if !rule.deductions.is_empty() {
            out.push(format!("The {what} never goes below zero."));
        }
    }
    out
}

/// Rows of a table about numbered points, with rows that differ only in their point
/// merged into one ("6–12").
pub(super) struct PointRows {
    rows: Vec<(Vec<usize>, String, Vec<String>)>,
}

impl PointRows {
    fn new() -> Self {
        PointRows { rows: Vec::new() }
    }

    fn push(&mut self, n: &Numbered<'_>, cells: Vec<String>) {
        match self.rows.iter_mut().find(|(_, _, c)| *c == cells) {
            Some((numbers, _, _)) => numbers.push(n.number),
            None => self.rows.push((vec![n.number], n.title(), cells)),
        }
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn into_rows(self) -> Vec<Vec<String>> {
        self.rows
            .into_iter()
            .map(|(numbers, title, cells)| {
                let point = if numbers.len() == 1 {
                    title
                } else {
                    number_runs(&numbers)
                };
                std::iter::once(point).chain(cells).collect()
            })
            .collect()
    }
}

/// "6–12", "3 and 5", "1, 4–6 and 9".
pub(super) fn number_runs(numbers: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &n in numbers {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .flat_map(|&(a, b)| match b - a {
            0 => vec![a.to_string()],
            1 => vec![a.to_string(), b.to_string()],
            _ => vec![format!("{a}–{b}")],
        })
        .collect();
    join_plain(&parts, "and")
}

pub(super) fn fees_table(ctx: &Ctx<'_>, rules: &[Numbered<'_>], out: &mut Vec<Block>) {
    let mut rows = PointRows::new();
    for n in rules {
        for f in &n.rule.fees {
            let amount = f
                .amount
                .as_ref()
                .map_or("—".to_string(), |a| capitalize(&ctx.value(a)));
            let when = f.when.as_ref().map_or("Always".to_string(), |w| {
                capitalize(&format!("when {}", ctx.cond(w, true, 0).text()))
            });
            rows.push(
                n,
                vec![
                    fee_words(&f.fee.node),
                    payer_words(&f.payer.node),
                    amount.clone(),
                    when,
                ],
            );
            if let Some(other) = &f.otherwise {
                rows.push(
                    n,
                    vec![
                        fee_words(&f.fee.node),
                        payer_words(&other.node),
                        amount,
                        "In any other case".to_string(),
                    ],
                );
            }
        }
    }
    if rows.is_empty() {
        return;
    }
    out.push(Block::Heading(3, "Who pays what".into()));
    out.push(para(
        "Each row applies when the numbered point decides your request. A dash means the amount is whatever the cost turns out to be.",
    ));
    out.push(Block::Table {
        head: ["Point", "Cost", "Who pays", "Amount", "When"]
            .map(String::from)
            .to_vec(),
        rows: rows.into_rows(),
    });
}

pub(super) fn evidence_table(ctx: &Ctx<'_>, rules: &[Numbered<'_>], out: &mut Vec<Block>) {
    let mut rows = PointRows::new();
    let mut approves = false;
    for n in rules {
        // Evidence matters to a rule that approves or sends to a person, not to a refusal.
        if n.rule.decision.node == Decision::Deny {
            continue;
        }
        for e in &n.rule.evidence {
            approves |= n.rule.decision.node == Decision::Approve;
            let what: Vec<String> = e.codes.iter().map(|c| evidence_words(&c.node)).collect();
            let when = e.when.as_ref().map_or("Always".to_string(), |w| {
                capitalize(&format!("when {}", ctx.cond(w, true, 0).text()))
            });
            rows.push(n, vec![capitalize(&join_plain(&what, "and")), when]);
        }
    }
    if rows.is_empty() {
        return;
    }
    out.push(Block::Heading(3, "What to send us".into()));
    let mut lead = String::from("Please send these with your request.");
    if approves {
        lead.push_str(
            " If anything listed is missing, your request goes to a person instead of being approved straight away, and we ask you for it.",
        );
    }
    out.push(para(lead));
    out.push(Block::Table {
        head: ["Point", "What to send", "When"].map(String::from).to_vec(),
        rows: rows.into_rows(),
    });
}
