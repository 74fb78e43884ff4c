//! The customer-facing page of a policy, generated from the policy file itself,
//! so that the page a customer reads and the verdicts the engine gives can never
//! disagree.
//!
//! [`render`] turns a parsed and checked policy into GitHub-flavoured Markdown or
//! a standalone HTML page. Everything on the page comes from the file: the title,
//! the merchant's quoted words, and every condition, time limit, threshold, table,
//! fee and piece of evidence. Conditions are put into plain English by a small
//! expression-to-words renderer (`Ctx::cond`); nothing is written by hand for
//! one policy. The output depends only on its inputs (no clock, no hash order).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::ast::{
    BinOp, CompareOp, DayEdge, Decision, Decl, Duration, Expr, ExprKind, ExtendTo, FactDecl,
    Holiday, PolicyFile, Rule, RulesBlock, Scope, TableDecl, Test, TimeUnit, WindowDecl,
    WindowShape,
};
use crate::language::calendar::kr_holidays;
use crate::language::check::ir::Policy;

/// The output format of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderFormat {
    /// GitHub-flavoured Markdown, with tables.
    Markdown,
    /// A standalone HTML5 document with a little inline CSS.
    Html,
}

/// Renders a parsed and checked policy as its customer-facing page.
pub fn render(ast: &PolicyFile, policy: &Policy, format: RenderFormat) -> String {
    let ctx = Ctx::new(ast);
    let title = ast
        .title
        .clone()
        .unwrap_or_else(|| capitalize(&humanize(&ast.name.node)));
    let blocks = page(&ctx, ast, policy);
    match format {
        RenderFormat::Markdown => markdown(&title, &blocks),
        RenderFormat::Html => html(&title, &blocks),
    }
}

// ------------------------------------------------------------------ the document

/// A run of text in a paragraph.
enum Inline {
    Text(String),
    Strong(String),
}

/// A piece of the page, independent of the output format.
enum Block {
    /// A heading of level 2 or 3 (the title is level 1).
    Heading(u8, String),
    Para(Vec<Inline>),
    /// The merchant's own words.
    Quote(String),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// The blocks of one rule, with an id for an HTML anchor.
    Group(String, Vec<Block>),
}

fn para(text: impl Into<String>) -> Block {
    Block::Para(vec![Inline::Text(text.into())])
}

// ------------------------------------------------------------------ the page

/// The claim kinds, in the words of the page: heading, plural in running text.
fn kind_words(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "return" => ("Returns", "returns"),
        "cancellation" => ("Cancellations", "cancellations"),
        "delivery_issue" => ("Delivery problems", "delivery problems"),
        "shipping" => ("Shipping", "shipping checks"),
        _ => ("Other requests", "other requests"),
    }
}

fn page(ctx: &Ctx<'_>, ast: &PolicyFile, policy: &Policy) -> Vec<Block> {
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
struct Numbered<'a> {
    number: usize,
    rule: &'a Rule,
    otherwise: bool,
}

impl Numbered<'_> {
    fn title(&self) -> String {
        format!(
            "{}. {}",
            self.number,
            capitalize(&humanize(&self.rule.name.node))
        )
    }
}

fn kind_section(ctx: &Ctx<'_>, policy: &Policy, block: &RulesBlock, out: &mut Vec<Block>) {
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
        let fallback = decision == Decision::Review && block.otherwise.is_none();
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
fn request_noun(kind: &str) -> &'static str {
    match kind {
        "return" => "your return",
        "cancellation" => "your cancellation",
        "delivery_issue" => "your delivery claim",
        "shipping" => "your order",
        _ => "your request",
    }
}

fn rule_entry(ctx: &Ctx<'_>, kind: &str, n: &Numbered<'_>, deadlines: &[String]) -> Block {
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
fn outcome_sentences(ctx: &Ctx<'_>, kind: &str, rule: &Rule) -> Vec<String> {
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
            let mut s = format!(
                "From it we deduct {}: {amount}",
                fee_words(&d.fee.node).to_lowercase()
            );
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
struct PointRows {
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
fn number_runs(numbers: &[usize]) -> String {
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

fn fees_table(ctx: &Ctx<'_>, rules: &[Numbered<'_>], out: &mut Vec<Block>) {
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

fn evidence_table(ctx: &Ctx<'_>, rules: &[Numbered<'_>], out: &mut Vec<Block>) {
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

fn windows_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    if ctx.windows.is_empty() {
        return;
    }
    out.push(Block::Heading(2, "Time limits".into()));
    let rows = ctx
        .windows
        .iter()
        .map(|w| {
            vec![
                capitalize(&window_noun(&w.name.node).replacen("the ", "", 1)),
                ctx.window_text(w),
            ]
        })
        .collect();
    out.push(Block::Table {
        head: ["Time limit", "How long"].map(String::from).to_vec(),
        rows,
    });
    let mut note = String::from("Each time limit includes its last day.");
    let example = ctx.windows.iter().find_map(|w| match &w.shape {
        WindowShape::From { duration, .. } if duration.unit == TimeUnit::Days => {
            let n = u64::try_from(duration.count.node.trunc().mantissa()).ok()?;
            let start = NaiveDate::from_ymd_opt(2023, 9, 1)?;
            let end = start.checked_add_days(chrono::Days::new(n))?;
            Some(format!(
                " For example, {} from {} run to the end of {}.",
                duration_text(duration),
                fmt_date(start),
                fmt_date(end)
            ))
        }
        _ => None,
    });
    if let Some(e) = example {
        note.push_str(&e);
    }
    out.push(para(note));
}

fn terms_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    if ctx.thresholds.is_empty() {
        return;
    }
    out.push(Block::Heading(2, "Terms we use".into()));
    let rows = ctx
        .thresholds
        .iter()
        .map(|(name, e)| {
            vec![
                capitalize(&humanize(name)),
                capitalize(&ctx.cond(e, true, 0).text()),
            ]
        })
        .collect();
    out.push(Block::Table {
        head: ["Term", "Means that"].map(String::from).to_vec(),
        rows,
    });
}

fn tables_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    for t in &ctx.tables {
        let name = capitalize(&humanize(&t.name.node));
        out.push(Block::Heading(2, name.clone()));
        let key = path_noun(&t.key.node);
        out.push(para(format!("By {key}.")));
        let mut rows: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| {
                let keys: Vec<String> = r.keys.iter().map(|k| k.node.clone()).collect();
                vec![keys.join(", "), ctx.value(&r.value)]
            })
            .collect();
        if let Some(d) = &t.default {
            rows.push(vec!["Any other".to_string(), ctx.value(d)]);
        }
        out.push(Block::Table {
            head: vec![capitalize(&key.replacen("the ", "", 1)), name],
            rows,
        });
        if t.default.is_none() {
            out.push(para(format!(
                "When {key} is not listed, this table gives no amount."
            )));
        }
    }
}

fn calendar_section(ctx: &Ctx<'_>, ast: &PolicyFile, out: &mut Vec<Block>) {
    let cal = ast.decls.iter().find_map(|d| match d {
        Decl::Calendar(c) => Some(c),
        _ => None,
    });
    let uses_business_days = ctx.windows.iter().any(|w| {
        w.roll_forward
            || matches!(&w.shape, WindowShape::From { duration, .. } if duration.unit == TimeUnit::BusinessDays)
            || w.extensions
                .iter()
                .any(|e| matches!(&e.to, ExtendTo::By(d) if d.unit == TimeUnit::BusinessDays))
    });
    if cal.is_none() && !uses_business_days {
        return;
    }
    out.push(Block::Heading(2, "Business days".into()));
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let weekend: Vec<&str> = match cal {
        Some(c) if !c.weekend.is_empty() => c.weekend.iter().map(|w| w.node.as_str()).collect(),
        _ => vec!["saturday", "sunday"],
    };
    let open: Vec<usize> = (0..7)
        .filter(|i| DAYS.get(*i).is_some_and(|d| !weekend.contains(d)))
        .collect();
    let day = |i: usize| capitalize(DAYS.get(i).copied().unwrap_or(""));
    // The business days as one run of the week ("Sunday to Thursday"), when they are one.
    let run = (0..7).find_map(|start| {
        let len = open.len();
        let fits = (0..len).all(|k| open.contains(&((start + k) % 7)));
        (len >= 3 && fits).then(|| format!("{} to {}", day(start), day((start + len - 1) % 7)))
    });
    let open_text =
        run.unwrap_or_else(|| join_plain(&open.iter().map(|&i| day(i)).collect::<Vec<_>>(), "and"));
    let mut bundled = false;
    let mut extra = Vec::new();
    for h in cal.iter().flat_map(|c| c.holidays.iter()) {
        match h {
            Holiday::Bundled(s) if s.node == "KR" => bundled = true,
            Holiday::Bundled(s) => extra.push(format!("the “{}” holidays", s.node)),
            Holiday::Date(d) => extra.push(fmt_date(d.node)),
        }
    }
    let mut holidays = Vec::new();
    if bundled {
        holidays.push(
            "Korean public holidays (with substitute and temporary holidays and election days, listed below)"
                .to_string(),
        );
    }
    holidays.extend(extra);
    let text = if holidays.is_empty() {
        format!("Business days are {open_text}.")
    } else {
        format!(
            "Business days are {open_text}, except {}.",
            join_plain(&holidays, "and")
        )
    };
    out.push(para(text));
    if bundled {
        out.push(para(format!(
            "Korean public holidays we count, {} to {}:",
            kr_holidays::FIRST_YEAR,
            kr_holidays::LAST_YEAR
        )));
        let mut rows = Vec::new();
        for year in kr_holidays::FIRST_YEAR..=kr_holidays::LAST_YEAR {
            let dates: Vec<NaiveDate> = kr_holidays::HOLIDAYS
                .iter()
                .filter(|(y, ..)| *y == year)
                .filter_map(|(y, m, d, _)| NaiveDate::from_ymd_opt(*y, *m, *d))
                .collect();
            rows.push(vec![year.to_string(), date_runs(&dates)]);
        }
        out.push(Block::Table {
            head: ["Year", "Holidays"].map(String::from).to_vec(),
            rows,
        });
    }
}

fn facts_section(ctx: &Ctx<'_>, out: &mut Vec<Block>) {
    if ctx.facts.is_empty() {
        return;
    }
    out.push(Block::Heading(2, "Other things we record".into()));
    out.push(para(
        "Besides your order and your request, we record these for a decision:",
    ));
    let rows = ctx
        .facts
        .iter()
        .map(|f| {
            let codes: Vec<String> = f.codes.iter().map(|c| humanize(&c.node)).collect();
            let ty = match f.ty.node.as_str() {
                "bool" => "yes or no".to_string(),
                "number" => "a number".to_string(),
                "money" => "an amount of money".to_string(),
                "weight" => "a weight".to_string(),
                "event" => "a date".to_string(),
                "text" => "text".to_string(),
                "percent" => "a percentage".to_string(),
                "code" => format!("one of {}", join_plain(&codes, "or")),
                "codes" => format!("any of {}", join_plain(&codes, "and")),
                other => other.to_string(),
            };
            let ty = if f.optional {
                format!("{ty}; may be unknown")
            } else {
                ty
            };
            vec![capitalize(&humanize(&f.name.node)), capitalize(&ty)]
        })
        .collect();
    out.push(Block::Table {
        head: ["What", "Value"].map(String::from).to_vec(),
        rows,
    });
}

// ------------------------------------------------------------------ conditions into words

/// A condition in words, before it is joined into a sentence.
#[derive(Debug, Clone, PartialEq)]
enum Words {
    Atom(String),
    All(Vec<Words>),
    Any(Vec<Words>),
}

/// Beyond this depth of thresholds inside thresholds, conditions are shown literally.
const MAX_DEPTH: usize = 32;

impl Words {
    fn all(parts: Vec<Words>) -> Words {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Words::All(v) => out.extend(v),
                other => out.push(other),
            }
        }
        Words::one_or(out, Words::All)
    }

    fn any(parts: Vec<Words>) -> Words {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Words::Any(v) => out.extend(v),
                other => out.push(other),
            }
        }
        Words::one_or(out, Words::Any)
    }

    fn one_or(mut parts: Vec<Words>, make: fn(Vec<Words>) -> Words) -> Words {
        if parts.len() == 1 {
            if let Some(p) = parts.pop() {
                return p;
            }
        }
        make(parts)
    }

    fn text(&self) -> String {
        self.render(0)
    }

    fn is_atom(&self) -> bool {
        matches!(self, Words::Atom(_))
    }

    fn render(&self, depth: usize) -> String {
        let s = match self {
            Words::Atom(s) => return s.clone(),
            Words::All(parts) => {
                let complex = parts.iter().any(|p| !p.is_atom());
                let items: Vec<String> = parts
                    .iter()
                    .map(|p| match p {
                        Words::Any(_) => format!("either {}", p.render(depth + 1)),
                        _ => p.render(depth + 1),
                    })
                    .collect();
                if complex {
                    join_serial(&items, "and")
                } else {
                    join_plain(&items, "and")
                }
            }
            Words::Any(parts) => {
                let complex = parts.iter().any(|p| !p.is_atom());
                let items: Vec<String> = parts.iter().map(|p| p.render(depth + 1)).collect();
                if complex {
                    let s = items.join(", or ");
                    if depth == 0 {
                        format!("either {s}")
                    } else {
                        s
                    }
                } else {
                    join_plain(&items, "or")
                }
            }
        };
        if depth >= 3 {
            format!("({s})")
        } else {
            s
        }
    }
}

/// The named parts of a policy that conditions refer to.
struct Ctx<'a> {
    thresholds: Vec<(&'a str, &'a Expr)>,
    tables: Vec<&'a TableDecl>,
    windows: Vec<&'a WindowDecl>,
    facts: Vec<&'a FactDecl>,
}

/// Which window test.
#[derive(Clone, Copy)]
enum WinTest {
    Within,
    After,
    Before,
}

impl<'a> Ctx<'a> {
    fn new(ast: &'a PolicyFile) -> Self {
        let mut ctx = Ctx {
            thresholds: Vec::new(),
            tables: Vec::new(),
            windows: Vec::new(),
            facts: Vec::new(),
        };
        for d in &ast.decls {
            match d {
                Decl::Threshold(t) => ctx.thresholds.push((t.name.node.as_str(), &t.expr)),
                Decl::Table(t) => ctx.tables.push(t),
                Decl::Window(w) => ctx.windows.push(w),
                Decl::Fact(f) => ctx.facts.push(f),
                _ => {}
            }
        }
        ctx
    }

    fn threshold(&self, name: &str) -> Option<&'a Expr> {
        self.thresholds
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| *e)
    }

    /// A fact as a noun phrase; a custom event is "the “NAME” date".
    fn noun(&self, path: &str) -> String {
        let event = path.strip_prefix("facts.").is_some_and(|name| {
            self.facts
                .iter()
                .any(|f| f.name.node == name && f.ty.node == "event")
        });
        match path.strip_prefix("facts.") {
            Some(name) if event => format!("the “{}” date", humanize(name)),
            _ => path_noun(path),
        }
    }

    fn table(&self, name: &str) -> Option<&'a TableDecl> {
        self.tables.iter().find(|t| t.name.node == name).copied()
    }

    /// A condition in words, or its negation when `pos` is false.
    fn cond(&self, e: &Expr, pos: bool, depth: usize) -> Words {
        if depth > MAX_DEPTH {
            return Words::Atom(literal_truth(e, pos));
        }
        match &e.node {
            ExprKind::Bool(b) => Words::Atom(if *b == pos { "always" } else { "never" }.into()),
            ExprKind::Path(p) => Words::Atom(yes_no(p, pos)),
            ExprKind::Ref(name) => match self.threshold(name) {
                Some(body) => self.cond(body, pos, depth + 1),
                None => Words::Atom(literal_truth(e, pos)),
            },
            ExprKind::Not(x) => self.cond(x, !pos, depth + 1),
            ExprKind::Binary(BinOp::And, ..) => self.conjunction(&[e], pos, depth),
            ExprKind::Binary(BinOp::Or, ..) => {
                let mut exprs = Vec::new();
                flatten_or(e, &mut exprs);
                // "you do not ask for an exchange" already covers not saying what you want.
                let remedy = "claim.requested_remedy";
                let negated_test = exprs.iter().any(|x| {
                    matches!(&x.node, ExprKind::Test(s, Test::Is { negated: true, .. })
                        if path_of(s) == Some(remedy))
                });
                let parts = exprs
                    .iter()
                    .filter(|x| {
                        !(negated_test
                            && matches!(&x.node, ExprKind::Test(s, Test::IsMissing)
                                if path_of(s) == Some(remedy)))
                    })
                    .map(|x| self.cond(x, pos, depth + 1))
                    .collect();
                if pos {
                    Words::any(parts)
                } else {
                    Words::all(parts)
                }
            }
            ExprKind::Binary(BinOp::Else, a, d) => {
                let w = self.cond(a, pos, depth + 1);
                match &d.node {
                    // An unknown value counts as the default: say so when the default is
                    // what the words claim.
                    ExprKind::Bool(b) if *b == pos => match w {
                        Words::Atom(s) => {
                            Words::Atom(format!("{s} (including when we do not know)"))
                        }
                        other => Words::any(vec![other, Words::Atom(self.known(a, false))]),
                    },
                    ExprKind::Bool(_) => w,
                    _ => Words::Atom(literal_truth(e, pos)),
                }
            }
            ExprKind::Test(subject, test) => Words::Atom(self.test(subject, test, pos)),
            _ => Words::Atom(literal_truth(e, pos)),
        }
    }

    /// Several conditions that must all hold (or, negated, not all hold). A test that a
    /// fact is set is left out when another part tests the same fact in a way that
    /// already says it is known ("the order ships to US", not "the destination country
    /// is known and the order ships to US").
    fn conjunction(&self, exprs: &[&Expr], pos: bool, depth: usize) -> Words {
        let mut parts = Vec::new();
        for e in exprs {
            flatten_and(e, &mut parts);
        }
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if let Some(path) = is_set_of(p) {
                let tested = parts
                    .iter()
                    .enumerate()
                    .any(|(j, q)| j != i && definitely_tests(q, path));
                if tested {
                    dropped.push(*p);
                    continue;
                }
            }
            kept.push(*p);
        }
        if pos {
            Words::all(kept.iter().map(|p| self.cond(p, true, depth + 1)).collect())
        } else {
            let mut alts: Vec<Words> = kept
                .iter()
                .map(|p| self.cond(p, false, depth + 1))
                .collect();
            alts.extend(dropped.iter().map(|p| self.cond(p, false, depth + 1)));
            Words::any(alts)
        }
    }

    fn test(&self, subject: &Expr, test: &Test, pos: bool) -> String {
        match test {
            Test::IsSet => self.known(subject, pos),
            Test::IsMissing => self.known(subject, !pos),
            Test::Is { codes, negated } => self.is_codes(subject, codes, pos != *negated),
            Test::HasAny(codes) => self.has(subject, codes, false, pos),
            Test::HasAll(codes) => self.has(subject, codes, true, pos),
            Test::Within(w) => self.window_test(subject, WinTest::Within, &w.node, pos),
            Test::After(w) => self.window_test(subject, WinTest::After, &w.node, pos),
            Test::Before(w) => self.window_test(subject, WinTest::Before, &w.node, pos),
            Test::Between(lo, hi) => self.between(subject, lo, hi, pos),
            Test::Compare(op, rhs) => self.compare(subject, *op, rhs, pos),
        }
    }

    /// "the order has been delivered" / "we have no delivery date for the order".
    fn known(&self, subject: &Expr, known: bool) -> String {
        if let ExprKind::Path(p) = &subject.node {
            if let Some((set, missing)) = known_words(p) {
                return if known { set } else { missing }.to_string();
            }
            if let Some((yes, _)) = yes_no_words(p) {
                let not = if known { "" } else { " do not" };
                return format!("we{not} know whether {yes}");
            }
        }
        let not = if known { "" } else { "not " };
        format!("{} is {not}known", self.value(subject))
    }

    fn is_codes(&self, subject: &Expr, codes: &[crate::ast::Name], pos: bool) -> String {
        let path = path_of(subject).unwrap_or("");
        let words: Vec<String> = codes.iter().map(|c| code_words(path, &c.node)).collect();
        let list = join_plain(&words, "or");
        let (yes, no) = match path {
            "order.channel" => (
                "the order was placed through",
                "the order was not placed through",
            ),
            "order.destination.country" => ("the order ships to", "the order does not ship to"),
            "order.payment_method" => ("you paid by", "you did not pay by"),
            "claim.requested_remedy" => ("you ask for", "you do not ask for"),
            _ => {
                let noun = match path {
                    "order.destination.address_kind" => "the delivery address".to_string(),
                    "claim.reason" => "the reason".to_string(),
                    "claim.kind" => "your request".to_string(),
                    _ => self.value(subject),
                };
                return match (pos, words.as_slice()) {
                    (true, _) => format!("{noun} is {list}"),
                    (false, [_, _]) => format!("{noun} is neither {}", join_plain(&words, "nor")),
                    (false, [_, _, ..]) => {
                        format!("{noun} is none of these: {}", join_plain(&words, "or"))
                    }
                    (false, _) => format!("{noun} is not {list}"),
                };
            }
        };
        format!("{} {list}", if pos { yes } else { no })
    }

    fn has(&self, subject: &Expr, codes: &[crate::ast::Name], all: bool, pos: bool) -> String {
        let path = path_of(subject).unwrap_or("");
        let conj = if all { "and" } else { "or" };
        match path {
            "item.tags" => {
                let words: Vec<String> = codes
                    .iter()
                    .map(|c| format!("“{}”", humanize(&c.node)))
                    .collect();
                let list = join_plain(&words, conj);
                match (pos, all && codes.len() > 1) {
                    (true, _) => format!("the item is tagged {list}"),
                    (false, false) => format!("the item is not tagged {list}"),
                    (false, true) => format!("the item is not tagged with all of {list}"),
                }
            }
            "claim.evidence" => {
                let words: Vec<String> = codes.iter().map(|c| evidence_words(&c.node)).collect();
                let list = join_plain(&words, conj);
                match (pos, all && codes.len() > 1) {
                    (true, _) => format!("you sent {list}"),
                    (false, false) => format!("you did not send {list}"),
                    (false, true) => format!("you did not send all of {list}"),
                }
            }
            _ => {
                let words: Vec<String> = codes.iter().map(|c| humanize(&c.node)).collect();
                let list = join_plain(&words, conj);
                let noun = self.value(subject);
                let all_of = if all && codes.len() > 1 {
                    "all of "
                } else {
                    ""
                };
                if pos {
                    format!("{noun} includes {all_of}{list}")
                } else {
                    format!("{noun} does not include {all_of}{list}")
                }
            }
        }
    }

    fn window_test(&self, subject: &Expr, t: WinTest, window: &str, pos: bool) -> String {
        let w = window_noun(window);
        if path_of(subject) == Some("as_of") {
            return match (t, pos) {
                (WinTest::Within, true) => format!("{w} is still open"),
                (WinTest::Within, false) => format!("{w} is not open"),
                (WinTest::After, true) => format!("{w} has already ended"),
                (WinTest::After, false) => format!("{w} has not ended yet"),
                (WinTest::Before, true) => format!("{w} has not started yet"),
                (WinTest::Before, false) => format!("{w} has already started"),
            };
        }
        let (happens, not_happens) = self.event_clause(subject);
        match (t, pos) {
            (WinTest::Within, true) => format!("{happens} within {w}"),
            (WinTest::Within, false) => format!("{not_happens} within {w}"),
            (WinTest::After, true) => format!("{happens} after {w} has ended"),
            (WinTest::After, false) => format!("{happens} by the end of {w}"),
            (WinTest::Before, true) => format!("{happens} before {w} starts"),
            (WinTest::Before, false) => format!("{happens} once {w} has started"),
        }
    }

    /// "you contact us" / "you do not contact us": an event of the claim happening.
    fn event_clause(&self, subject: &Expr) -> (String, String) {
        let fixed = match path_of(subject).unwrap_or("") {
            "claim.filed_at" => Some(("you contact us", "you do not contact us")),
            "claim.return_shipped_at" => {
                Some(("you ship the return", "you do not ship the return"))
            }
            "claim.return_received_at" => {
                Some(("we receive the return", "we do not receive the return"))
            }
            "claim.return_label_issued_at" => Some((
                "the return label is issued",
                "the return label is not issued",
            )),
            "order.placed_at" => Some(("the order is placed", "the order is not placed")),
            "order.invoiced_at" => Some(("the order is invoiced", "the order is not invoiced")),
            "order.shipped_at" => Some(("the order ships", "the order does not ship")),
            "order.delivered_at" => Some(("the order is delivered", "the order is not delivered")),
            _ => None,
        };
        match fixed {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => {
                let noun = self.value(subject);
                (format!("{noun} falls"), format!("{noun} does not fall"))
            }
        }
    }

    fn between(&self, subject: &Expr, lo: &Expr, hi: &Expr, pos: bool) -> String {
        let range = match (&lo.node, &hi.node) {
            (ExprKind::Date(a), ExprKind::Date(b)) => date_between(*a, *b),
            _ => format!("{} and {}", self.value(lo), self.value(hi)),
        };
        if is_event(subject) {
            let (happens, not_happens) = self.event_clause(subject);
            let clause = if pos { happens } else { not_happens };
            return format!("{clause} between {range}");
        }
        let not = if pos { "" } else { "not " };
        format!("{} is {not}between {range}", self.value(subject))
    }

    fn compare(&self, subject: &Expr, op: CompareOp, rhs: &Expr, pos: bool) -> String {
        let op = if pos { op } else { negate(op) };
        let value = self.value(rhs);
        if path_of(subject) == Some("item.weight") {
            let verb = match op {
                CompareOp::Lt => "weighs less than",
                CompareOp::Le => "weighs at most",
                CompareOp::Gt => "weighs more than",
                CompareOp::Ge => "weighs at least",
                CompareOp::Eq => "weighs exactly",
                CompareOp::Ne => "does not weigh exactly",
            };
            return format!("the item {verb} {value}");
        }
        let noun = match &subject.node {
            ExprKind::Convert(x, cur) => format!(
                "{}, converted to {} at the exchange rate of the day,",
                self.value(x),
                cur.node
            ),
            _ => self.value(subject),
        };
        let dates = is_event(subject) || matches!(rhs.node, ExprKind::Date(_));
        let verb = match (op, dates) {
            (CompareOp::Lt, true) => "is before",
            (CompareOp::Le, true) => "is on or before",
            (CompareOp::Gt, true) => "is after",
            (CompareOp::Ge, true) => "is on or after",
            (CompareOp::Eq, true) => "is on",
            (CompareOp::Ne, true) => "is not on",
            (CompareOp::Lt, false) => "is less than",
            (CompareOp::Le, false) => "is at most",
            (CompareOp::Gt, false) => "is more than",
            (CompareOp::Ge, false) => "is at least",
            (CompareOp::Eq, false) => "is",
            (CompareOp::Ne, false) => "is not",
        };
        format!("{noun} {verb} {value}")
    }

    /// A value in words: an amount, a fact, a table lookup, a sum.
    fn value(&self, e: &Expr) -> String {
        match &e.node {
            ExprKind::Number(n) => fmt_number(*n),
            ExprKind::Percent(p) => fmt_percent(*p),
            ExprKind::Money { currency, amount } => fmt_money(&currency.node, *amount),
            ExprKind::Weight { value, unit } => format!("{} {}", fmt_number(*value), unit.node),
            ExprKind::Date(d) => fmt_date(*d),
            ExprKind::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            ExprKind::Path(p) => self.noun(p),
            ExprKind::Ref(name) if path_of(e).is_some() => path_noun(name),
            ExprKind::Ref(name) => match self.table(name) {
                Some(t) => {
                    let what = match t.rows.first().map(|r| &r.value.node) {
                        Some(ExprKind::Money { .. }) => "amount",
                        _ => "value",
                    };
                    format!(
                        "the “{}” {what} for {}",
                        humanize(name),
                        path_noun(&t.key.node)
                    )
                }
                None if self.threshold(name).is_some() => {
                    format!("whether {}", self.cond(e, true, 0).text())
                }
                None => format!("“{}”", humanize(name)),
            },
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), a, b) => {
                let word = match op {
                    BinOp::Add => "plus",
                    BinOp::Sub => "minus",
                    _ => "times",
                };
                let side = |x: &Expr| {
                    let s = self.value(x);
                    let sum = matches!(
                        x.node,
                        ExprKind::Binary(BinOp::Add | BinOp::Sub | BinOp::Else, ..)
                    );
                    if sum && *op == BinOp::Mul {
                        format!("({s})")
                    } else {
                        s
                    }
                };
                format!("{} {word} {}", side(a), side(b))
            }
            ExprKind::Binary(BinOp::Else, a, b) => {
                let fallback = self.value(b);
                match &a.node {
                    ExprKind::Ref(name) if self.table(name).is_some() => {
                        let key = self
                            .table(name)
                            .map_or_else(String::new, |t| path_noun(&t.key.node));
                        format!(
                            "{} ({fallback} if {key} is not listed or not known)",
                            self.value(a)
                        )
                    }
                    _ => format!("{} (or {fallback} when that is not known)", self.value(a)),
                }
            }
            ExprKind::Convert(x, cur) => format!(
                "{} in {} at the exchange rate of the day",
                self.value(x),
                cur.node
            ),
            ExprKind::Binary(BinOp::And | BinOp::Or, ..)
            | ExprKind::Not(_)
            | ExprKind::Test(..) => {
                format!("whether {}", self.cond(e, true, 0).text())
            }
        }
    }

    /// How long a window runs, in a sentence or two.
    fn window_text(&self, w: &WindowDecl) -> String {
        let mut s = match &w.shape {
            WindowShape::From { duration, anchor } => format!(
                "{} from {}",
                duration_text(duration),
                anchor_text(anchor, duration.unit == TimeUnit::Hours)
            ),
            WindowShape::Until(d) => format!("Until {}", fmt_date(d.node)),
            WindowShape::UntilEvent(anchor) => format!("Until {}", anchor_text(anchor, false)),
            WindowShape::Between(a, b) => {
                format!("From {} to {}", fmt_date(a.node), fmt_date(b.node))
            }
        };
        for ext in &w.extensions {
            let when = match placed_between(&ext.when) {
                Some((a, b)) => format!("for orders placed {}", date_range(a, b)),
                None => format!("when {}", self.cond(&ext.when, true, 0).text()),
            };
            match &ext.to {
                ExtendTo::Date(d) => {
                    s.push_str(&format!(", extended to {} {when}", fmt_date(d.node)));
                }
                ExtendTo::By(d) => {
                    s.push_str(&format!(", extended by {} {when}", duration_text(d)));
                }
            }
        }
        s.push('.');
        if w.roll_forward {
            s.push_str(" If its last day is not a business day, it runs to the next business day.");
        }
        match w.plain_dates {
            Some(DayEdge::End) => {
                s.push_str(" A date given without a time of day counts as the end of that day.");
            }
            Some(DayEdge::Start) => {
                s.push_str(" A date given without a time of day counts as the start of that day.");
            }
            None => {}
        }
        capitalize(&s)
    }
}

/// The conjuncts of a chain of `and`.
fn flatten_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.node {
        ExprKind::Binary(BinOp::And, a, b) => {
            flatten_and(a, out);
            flatten_and(b, out);
        }
        _ => out.push(e),
    }
}

/// The disjuncts of a chain of `or`.
fn flatten_or<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.node {
        ExprKind::Binary(BinOp::Or, a, b) => {
            flatten_or(a, out);
            flatten_or(b, out);
        }
        _ => out.push(e),
    }
}

/// The path `P` of `P is set`.
fn is_set_of(e: &Expr) -> Option<&str> {
    match &e.node {
        ExprKind::Test(subject, Test::IsSet) => path_of(subject),
        _ => None,
    }
}

/// The fact a value reads, if it is one: `order.total`, or `as_of` and `claim_id`,
/// which are written without a dot and so read as names.
fn path_of(e: &Expr) -> Option<&str> {
    match &e.node {
        ExprKind::Path(p) => Some(p.as_str()),
        ExprKind::Ref(n) if n == "as_of" || n == "claim_id" => Some(n.as_str()),
        _ => None,
    }
}

/// Whether `e` tests `path` in words that already imply it is known.
fn definitely_tests(e: &Expr, path: &str) -> bool {
    match &e.node {
        ExprKind::Path(p) => p == path,
        ExprKind::Not(x) => matches!(&x.node, ExprKind::Path(p) if p == path),
        ExprKind::Test(subject, test) => {
            path_of(subject) == Some(path)
                && matches!(
                    test,
                    Test::Is { negated: false, .. }
                        | Test::HasAny(_)
                        | Test::HasAll(_)
                        | Test::Within(_)
                        | Test::After(_)
                        | Test::Before(_)
                        | Test::Between(..)
                        | Test::Compare(..)
                )
        }
        _ => false,
    }
}

/// `order.placed_at between DATE and DATE`: the dates.
fn placed_between(e: &Expr) -> Option<(NaiveDate, NaiveDate)> {
    match &e.node {
        ExprKind::Test(subject, Test::Between(lo, hi))
            if path_of(subject) == Some("order.placed_at") =>
        {
            match (&lo.node, &hi.node) {
                (ExprKind::Date(a), ExprKind::Date(b)) => Some((*a, *b)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_event(e: &Expr) -> bool {
    path_of(e).is_some_and(|p| event_nouns(p).is_some())
}

fn negate(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Ge,
        CompareOp::Le => CompareOp::Gt,
        CompareOp::Gt => CompareOp::Le,
        CompareOp::Ge => CompareOp::Lt,
        CompareOp::Eq => CompareOp::Ne,
        CompareOp::Ne => CompareOp::Eq,
    }
}

// ------------------------------------------------------------------ the vocabulary in words

/// A fact of the claim as a noun phrase.
fn path_noun(path: &str) -> String {
    if let Some(n) = fact_noun(path) {
        return n.to_string();
    }
    match path.strip_prefix("facts.") {
        Some(name) => format!("“{}”", humanize(name)),
        None => format!("“{path}”"),
    }
}

/// Every path of the standard vocabulary as a noun phrase.
fn fact_noun(path: &str) -> Option<&'static str> {
    if let Some((day, _)) = event_nouns(path) {
        return Some(day);
    }
    Some(match path {
        "claim_id" => "the claim number",
        "order.id" => "the order number",
        "order.picked_up_by_carrier" => "whether the carrier has picked up the order",
        "order.channel" => "the sales channel",
        "order.destination.country" => "the destination country",
        "order.destination.address_kind" => "the kind of delivery address",
        "order.payment_method" => "the payment method",
        "order.total" => "the order total",
        "order.shipping_paid" => "the shipping you paid",
        "item.sku" => "the item's SKU",
        "item.category" => "the item's category",
        "item.price" => "the item's price",
        "item.quantity" => "the quantity",
        "item.weight" => "the item's weight",
        "item.bundle_id" => "the item's bundle",
        "item.tags" => "the item's tags",
        "item.condition.opened" => "whether the item has been opened",
        "item.condition.used" => "whether the item has been used",
        "item.condition.damaged" => "whether the item is damaged",
        "item.condition.original_packaging" => "whether the item comes with its original packaging",
        "item.condition.packaging_damaged" => "whether the item's packaging is damaged",
        "item.condition.accessories_complete" => {
            "whether all of the item's accessories are included"
        }
        "item.condition.labels_intact" => "whether the item's labels are intact",
        "item.whole_bundle_claimed" => "whether your request covers the whole bundle",
        "claim.kind" => "the kind of request",
        "claim.reason" => "the reason for your request",
        "claim.requested_remedy" => "the remedy you ask for",
        "claim.evidence" => "what you sent us",
        "claim.preapproved" => "whether we approved your request in advance",
        "claim.return_cost" => "the cost of the return shipment",
        _ => return None,
    })
}

/// An event of the claim: the noun for its day, and for its moment.
fn event_nouns(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "as_of" => ("the day we decide", "the time we decide"),
        "order.placed_at" => ("the order date", "the time of the order"),
        "order.invoiced_at" => ("the invoice date", "the time of invoicing"),
        "order.shipped_at" => ("the shipping date", "the time of shipping"),
        "order.delivered_at" => ("the delivery date", "the time of delivery"),
        "claim.filed_at" => ("the day you contact us", "the time you contact us"),
        "claim.return_label_issued_at" => (
            "the day the return label is issued",
            "the time the return label is issued",
        ),
        "claim.return_shipped_at" => (
            "the day you ship the return",
            "the time you ship the return",
        ),
        "claim.return_received_at" => (
            "the day we receive the return",
            "the time we receive the return",
        ),
        _ => return None,
    })
}

/// A yes-or-no fact as a sentence: when it is true, when it is false.
fn yes_no_words(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "order.picked_up_by_carrier" => (
            "the carrier has picked up the order",
            "the carrier has not picked up the order",
        ),
        "item.condition.opened" => ("the item has been opened", "the item has not been opened"),
        "item.condition.used" => ("the item has been used", "the item has not been used"),
        "item.condition.damaged" => ("the item is damaged", "the item is not damaged"),
        "item.condition.original_packaging" => (
            "the item comes with its original packaging",
            "the item does not come with its original packaging",
        ),
        "item.condition.packaging_damaged" => (
            "the item's packaging is damaged",
            "the item's packaging is not damaged",
        ),
        "item.condition.accessories_complete" => (
            "all of the item's accessories are included",
            "some of the item's accessories are missing",
        ),
        "item.condition.labels_intact" => (
            "the item's labels are intact",
            "the item's labels are not intact",
        ),
        "item.whole_bundle_claimed" => (
            "your request covers the whole bundle",
            "your request does not cover the whole bundle",
        ),
        "claim.preapproved" => (
            "your request was approved in advance",
            "your request was not approved in advance",
        ),
        _ => return None,
    })
}

fn yes_no(path: &str, pos: bool) -> String {
    if let Some((yes, no)) = yes_no_words(path) {
        return if pos { yes } else { no }.to_string();
    }
    format!("{} is {}", path_noun(path), if pos { "yes" } else { "no" })
}

/// Whether a fact is known, in words: when it is, when it is not.
fn known_words(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "order.invoiced_at" => ("the order has been invoiced", "there is no invoice date"),
        "order.shipped_at" => (
            "the order has shipped",
            "we have no shipping date for the order",
        ),
        "order.delivered_at" => (
            "the order has been delivered",
            "we have no delivery date for the order",
        ),
        "order.picked_up_by_carrier" => (
            "we know whether the carrier has picked up the order",
            "we do not know whether the carrier has picked up the order",
        ),
        "item.bundle_id" => (
            "the item is part of a bundle",
            "the item is not part of a bundle",
        ),
        "claim.requested_remedy" => (
            "you say which remedy you want",
            "you do not say which remedy you want",
        ),
        "claim.return_label_issued_at" => (
            "a return label has been issued",
            "no return label has been issued",
        ),
        "claim.return_shipped_at" => (
            "you have shipped the return",
            "you have not shipped the return yet",
        ),
        "claim.return_received_at" => (
            "we have received the return",
            "we have not received the return yet",
        ),
        "claim.return_cost" => (
            "the cost of the return shipment is known",
            "the cost of the return shipment is not known yet",
        ),
        _ => return None,
    })
}

/// A code of a fact in words.
fn code_words(path: &str, code: &str) -> String {
    let fixed = match (path, code) {
        ("order.channel", "web") => "our website",
        ("order.channel", "app") => "our app",
        ("order.channel", "marketplace") => "a marketplace",
        ("order.channel", "kickstarter") => "Kickstarter",
        ("order.channel", "indiegogo") => "Indiegogo",
        ("order.channel", "personal_request") => "a personal request",
        ("order.channel", "wholesale") => "wholesale",
        ("order.destination.address_kind", "street") => "a street address",
        ("order.destination.address_kind", "po_box") => "a P.O. box",
        ("order.destination.address_kind", "military") => "a military address (APO, FPO, DPO)",
        ("order.payment_method", "credit_card") => "credit card",
        ("order.payment_method", "paypal") => "PayPal",
        ("order.payment_method", "bank_transfer") => "bank transfer",
        ("order.payment_method", "store_credit") => "store credit",
        ("order.payment_method", "gift_card") => "gift card",
        ("order.payment_method", "cash_on_delivery") => "cash on delivery",
        ("order.payment_method", "other") => "another method",
        ("claim.reason", "changed_mind") => "a change of mind",
        ("claim.reason", "defective") => "a defect",
        ("claim.reason", "damaged_in_transit") => "damage in transit",
        ("claim.reason", "wrong_item") => "a wrong item",
        ("claim.reason", "missing_item") => "a missing item",
        ("claim.reason", "not_as_described") => "an item not as described",
        ("claim.reason", "quality_issue") => "a quality issue",
        ("claim.reason", "address_problem") => "an address problem",
        ("claim.reason", "carrier_delay") => "a carrier delay",
        ("claim.reason", "none") => "none",
        ("claim.reason", "other") => "another reason",
        ("claim.kind", "return") => "a return",
        ("claim.kind", "cancellation") => "a cancellation",
        ("claim.kind", "delivery_issue") => "a delivery problem",
        ("claim.kind", "shipping") => "a shipping check",
        ("claim.requested_remedy", r) => return remedy_words(r),
        ("order.destination.country", c) => return c.to_string(),
        _ => return humanize(code),
    };
    fixed.to_string()
}

fn remedy_words(remedy: &str) -> String {
    match remedy {
        "refund" => "a refund",
        "exchange" => "an exchange",
        "store_credit" => "store credit",
        "reship" => "a replacement shipment",
        "repair" => "a repair",
        "cancel" => "a cancellation of the order",
        other => return humanize(other),
    }
    .to_string()
}

fn evidence_words(code: &str) -> String {
    match code {
        "photos_item" => "photos of the item",
        "photos_all_sides" => "photos of all sides of the item",
        "photos_packaging" => "photos of the packaging",
        "photos_accessories" => "photos of the accessories",
        "photos_damage" => "photos of the damage",
        "order_number" => "your order number",
        "tracking_number" => "the tracking number",
        "model_number" => "the model number",
        "reason_description" => "a description of the reason",
        other => return humanize(other),
    }
    .to_string()
}

fn fee_words(fee: &str) -> String {
    match fee {
        "return_shipping" => "Return shipping",
        "outbound_shipping" => "Shipping to you",
        "round_trip_shipping" => "Shipping both ways",
        "restocking" => "Restocking fee",
        "reshipment" => "Reshipping",
        "customs_clearance" => "Customs clearance",
        other => return capitalize(&humanize(other)),
    }
    .to_string()
}

fn payer_words(payer: &str) -> String {
    match payer {
        "customer" => "You",
        "merchant" => "We",
        other => return capitalize(&humanize(other)),
    }
    .to_string()
}

/// "the return window", "the label validity period".
fn window_noun(name: &str) -> String {
    let words = humanize(name);
    if words.ends_with("window") || words.ends_with("period") {
        format!("the {words}")
    } else {
        format!("the {words} period")
    }
}

/// "30 days from the invoice date (or the order date when that is not known)".
fn anchor_text(anchor: &[crate::ast::Name], moment: bool) -> String {
    let nouns: Vec<String> = anchor
        .iter()
        .map(|a| match event_nouns(&a.node) {
            Some((day, time)) => if moment { time } else { day }.to_string(),
            None => match a.node.strip_prefix("facts.") {
                Some(name) => format!("the “{}” date", humanize(name)),
                None => path_noun(&a.node),
            },
        })
        .collect();
    let mut parts = nouns.iter();
    let mut s = parts.next().cloned().unwrap_or_default();
    for n in parts {
        s.push_str(&format!(" (or {n} when that is not known)"));
    }
    s
}

fn duration_text(d: &Duration) -> String {
    let one = d.count.node == Decimal::ONE;
    let unit = match (d.unit, one) {
        (TimeUnit::Days, false) => "days",
        (TimeUnit::Days, true) => "day",
        (TimeUnit::BusinessDays, false) => "business days",
        (TimeUnit::BusinessDays, true) => "business day",
        (TimeUnit::Hours, false) => "hours",
        (TimeUnit::Hours, true) => "hour",
        (TimeUnit::Weeks, false) => "weeks",
        (TimeUnit::Weeks, true) => "week",
        (TimeUnit::Months, false) => "months",
        (TimeUnit::Months, true) => "month",
    };
    format!("{} {unit}", fmt_number(d.count.node))
}

/// A name the merchant chose, in words: `ship_back_window` → "ship back window".
fn humanize(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "us" | "uk" | "eu" | "po" | "sku" | "id" | "rma" | "ems" | "dhl" | "ups" | "usps"
            | "vat" => w.to_uppercase(),
            "english" | "korean" | "chinese" | "french" | "european" | "france" | "china"
            | "korea" | "japan" | "germany" | "canada" | "australia" => capitalize(w),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a", "a and b", "a, b and c".
fn join_plain<S: AsRef<str>>(items: &[S], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {conj} {}", init.join(", "), last.as_ref())
        }
    }
}

/// "a, and b", "a, b, and c": for parts that hold commas or conjunctions themselves.
fn join_serial<S: AsRef<str>>(items: &[S], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{}, {conj} {}", init.join(", "), last.as_ref())
        }
    }
}

/// A faithful rendering of a condition the words renderer does not special-case.
fn literal_truth(e: &Expr, pos: bool) -> String {
    if pos {
        format!("“{}” holds", literal(e))
    } else {
        format!("“{}” does not hold", literal(e))
    }
}

/// An expression written back as the policy language.
fn literal(e: &Expr) -> String {
    let inner = |x: &Expr| match &x.node {
        ExprKind::Binary(..) | ExprKind::Test(..) | ExprKind::Not(_) => format!("({})", literal(x)),
        _ => literal(x),
    };
    let codes = |c: &[crate::ast::Name]| {
        let v: Vec<&str> = c.iter().map(|n| n.node.as_str()).collect();
        format!("({})", v.join(", "))
    };
    match &e.node {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Percent(p) => fmt_percent(*p),
        ExprKind::Money { currency, amount } => format!("{} {amount}", currency.node),
        ExprKind::Weight { value, unit } => format!("{value} {}", unit.node),
        ExprKind::Date(d) => d.format("%Y-%m-%d").to_string(),
        ExprKind::Path(p) | ExprKind::Ref(p) => p.clone(),
        ExprKind::Not(x) => format!("not {}", inner(x)),
        ExprKind::Binary(op, a, b) => {
            let op = match op {
                BinOp::And => "and",
                BinOp::Or => "or",
                BinOp::Else => "else",
                BinOp::Add => "+",
                BinOp::Sub => "-",
                BinOp::Mul => "*",
            };
            format!("{} {op} {}", inner(a), inner(b))
        }
        ExprKind::Convert(x, cur) => format!("{} in {}", inner(x), cur.node),
        ExprKind::Test(s, t) => {
            let s = inner(s);
            match t {
                Test::IsSet => format!("{s} is set"),
                Test::IsMissing => format!("{s} is missing"),
                Test::Is { codes: c, negated } => {
                    let not = if *negated { "not " } else { "" };
                    match c.as_slice() {
                        [one] => format!("{s} is {not}{}", one.node),
                        _ => format!("{s} is {not}one of {}", codes(c)),
                    }
                }
                Test::HasAny(c) => format!("{s} has any of {}", codes(c)),
                Test::HasAll(c) => format!("{s} has all of {}", codes(c)),
                Test::Within(w) => format!("{s} within {}", w.node),
                Test::After(w) => format!("{s} after {}", w.node),
                Test::Before(w) => format!("{s} before {}", w.node),
                Test::Between(lo, hi) => format!("{s} between {} and {}", inner(lo), inner(hi)),
                Test::Compare(op, rhs) => {
                    let op = op.symbol();
                    format!("{s} {op} {}", inner(rhs))
                }
            }
        }
    }
}

// ------------------------------------------------------------------ numbers and dates

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(d: NaiveDate) -> &'static str {
    MONTHS.get(d.month0() as usize).copied().unwrap_or("")
}

/// "31 January 2024".
fn fmt_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), month_name(d), d.year())
}

/// "1 November – 31 December 2023".
fn date_range(a: NaiveDate, b: NaiveDate) -> String {
    if a.year() != b.year() {
        format!("{} – {}", fmt_date(a), fmt_date(b))
    } else if a.month() != b.month() {
        format!(
            "{} {} – {} {} {}",
            a.day(),
            month_name(a),
            b.day(),
            month_name(b),
            b.year()
        )
    } else {
        format!("{}–{} {} {}", a.day(), b.day(), month_name(b), b.year())
    }
}

/// "1 November and 31 December 2023" (after "between").
fn date_between(a: NaiveDate, b: NaiveDate) -> String {
    if a.year() == b.year() {
        format!("{} {} and {}", a.day(), month_name(a), fmt_date(b))
    } else {
        format!("{} and {}", fmt_date(a), fmt_date(b))
    }
}

/// Dates of one year as runs of consecutive days: "1 Jan, 9–12 Feb, 31 Mar – 1 Apr".
fn date_runs(dates: &[NaiveDate]) -> String {
    let short = |d: NaiveDate| format!("{} {}", d.day(), month_name(d).get(..3).unwrap_or(""));
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in dates {
        match runs.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(d) => *end = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                short(a)
            } else if a.month() == b.month() {
                format!("{}–{}", a.day(), short(b))
            } else {
                format!("{} – {}", short(a), short(b))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn fmt_number(n: Decimal) -> String {
    n.normalize().to_string()
}

/// A percentage, held as a fraction: 0.15 → "15%".
fn fmt_percent(p: Decimal) -> String {
    match p.checked_mul(Decimal::ONE_HUNDRED) {
        Some(n) => format!("{}%", fmt_number(n)),
        None => format!("{} × 100%", fmt_number(p)),
    }
}

/// "USD 130", "CNY 1,000", "EUR 21.50".
fn fmt_money(currency: &str, amount: Decimal) -> String {
    let text = amount.to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", int.clone()),
    };
    let mut grouped = String::new();
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{currency} {sign}{grouped}.{f}"),
        None => format!("{currency} {sign}{grouped}"),
    }
}

// ------------------------------------------------------------------ Markdown

fn markdown(title: &str, blocks: &[Block]) -> String {
    let mut out = format!("# {}\n", md_start(title));
    for b in blocks {
        md_block(b, &mut out);
    }
    out
}

fn md_block(b: &Block, out: &mut String) {
    match b {
        Block::Heading(level, text) => {
            let hashes = "#".repeat(usize::from(*level));
            out.push_str(&format!("\n{hashes} {}\n", md_escape(text)));
        }
        Block::Para(inlines) => {
            let mut s = String::new();
            for i in inlines {
                match i {
                    Inline::Text(t) => s.push_str(&md_escape(t)),
                    Inline::Strong(t) => s.push_str(&format!("**{}**", md_escape(t))),
                }
            }
            out.push_str(&format!("\n{}\n", md_fix_start(s)));
        }
        Block::Quote(text) => out.push_str(&format!("\n> {}\n", md_start(text))),
        Block::Table { head, rows } => {
            out.push('\n');
            let cells = |r: &[String]| {
                let c: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
                format!("| {} |\n", c.join(" | "))
            };
            out.push_str(&cells(head));
            out.push_str(&format!(
                "|{}\n",
                head.iter().map(|_| "---|").collect::<String>()
            ));
            for r in rows {
                out.push_str(&cells(r));
            }
        }
        Block::Group(_, blocks) => {
            for b in blocks {
                md_block(b, out);
            }
        }
    }
}

/// Escapes text so that Markdown shows it as written.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Inside a word (`Los_Angeles`) an underscore never starts emphasis.
            '_' if prev.is_some_and(|p: char| p.is_alphanumeric())
                && chars.peek().is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push('_');
            }
            '_' => out.push_str("\\_"),
            '&' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
            _ => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// Escaped text that starts a block: a leading `#`, `-`, `+`, `=` or `1.` would
/// otherwise make a heading or a list.
fn md_start(s: &str) -> String {
    md_fix_start(md_escape(s))
}

fn md_fix_start(s: String) -> String {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if matches!(s.chars().next(), Some('#' | '-' | '+' | '=')) {
        return format!("\\{s}");
    }
    if digits > 0 && matches!(s.chars().nth(digits), Some('.' | ')')) {
        // The digits are ASCII: `digits` is also their length in bytes.
        let (head, tail) = s.split_at(digits);
        return format!("{head}\\{tail}");
    }
    s
}

// ------------------------------------------------------------------ HTML

const CSS: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;line-height:1.5;color:#1f2328;max-width:50rem;margin:2rem auto;padding:0 1rem}\
h1,h2,h3{line-height:1.25}\
h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}\
blockquote{margin:.5rem 0;padding:0 1rem;color:#59636e;border-left:.25rem solid #d0d7de}\
table{border-collapse:collapse;margin:1rem 0}\
th,td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}\
section.rule{margin:1.25rem 0}\
section.rule p{margin:.35rem 0}";

fn html(title: &str, blocks: &[Block]) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", html_escape(title)));
    out.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n<main>\n"));
    out.push_str(&format!("<h1>{}</h1>\n", html_escape(title)));
    for b in blocks {
        html_block(b, &mut out);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn html_block(b: &Block, out: &mut String) {
    match b {
        Block::Heading(level, text) => {
            out.push_str(&format!("<h{level}>{}</h{level}>\n", html_escape(text)));
        }
        Block::Para(inlines) => {
            out.push_str("<p>");
            for i in inlines {
                match i {
                    Inline::Text(t) => out.push_str(&html_escape(t)),
                    Inline::Strong(t) => {
                        out.push_str(&format!("<strong>{}</strong>", html_escape(t)));
                    }
                }
            }
            out.push_str("</p>\n");
        }
        Block::Quote(text) => {
            out.push_str(&format!(
                "<blockquote><p>{}</p></blockquote>\n",
                html_escape(text)
            ));
        }
        Block::Table { head, rows } => {
            out.push_str("<table>\n<thead><tr>");
            for h in head {
                out.push_str(&format!("<th>{}</th>", html_escape(h)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in rows {
                out.push_str("<tr>");
                for c in r {
                    out.push_str(&format!("<td>{}</td>", html_escape(c)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Group(id, blocks) => {
            out.push_str(&format!(
                "<section class=\"rule\" id=\"{}\">\n",
                html_escape(id)
            ));
            for b in blocks {
                html_block(b, out);
            }
            out.push_str("</section>\n");
        }
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::language::source::Source;

    /// The words for a condition, given as the body of a threshold.
    fn words(decls: &str, cond: &str) -> String {
        let text = format!(
            "policy t {{ timezone \"UTC\" fact tier: code (gold, silver) optional \
             window return_window = 30 days from order.invoiced_at else order.placed_at \
             {decls} threshold subject = {cond} }}"
        );
        let ast = crate::parse(&Source::new("t.policy", text)).unwrap();
        let ctx = Ctx::new(&ast);
        let e = ctx.threshold("subject").unwrap();
        ctx.cond(e, true, 0).text()
    }

    #[test]
    fn codes_and_comparisons() {
        assert_eq!(
            words("", "item.category is digital"),
            "the item's category is digital"
        );
        assert_eq!(
            words("", "item.weight is set and item.weight <= 30 lb"),
            "the item weighs at most 30 lb"
        );
        assert_eq!(
            words("", "order.destination.country is one of (US, MO)"),
            "the order ships to US or MO"
        );
        assert_eq!(
            words("", "claim.reason is not one of (defective, quality_issue)"),
            "the reason is neither a defect nor a quality issue"
        );
        assert_eq!(
            words("", "order.total in CNY > CNY 1000"),
            "the order total, converted to CNY at the exchange rate of the day, is more than CNY 1,000"
        );
    }

    #[test]
    fn windows_and_known_facts() {
        assert_eq!(
            words("", "claim.filed_at within return_window"),
            "you contact us within the return window"
        );
        assert_eq!(
            words("", "not (claim.filed_at after return_window)"),
            "you contact us by the end of the return window"
        );
        assert_eq!(words("", "facts.tier is set"), "“tier” is known");
        assert_eq!(
            words("", "order.delivered_at is missing"),
            "we have no delivery date for the order"
        );
    }

    #[test]
    fn not_and_or_else() {
        assert_eq!(
            words("", "not (claim.preapproved else false)"),
            "your request was not approved in advance (including when we do not know)"
        );
        assert_eq!(
            words("", "item.condition.used else false"),
            "the item has been used"
        );
        assert_eq!(
            words(
                "",
                "claim.return_label_issued_at is set and ((claim.return_received_at is set \
                 and claim.return_received_at after return_window) or \
                 (claim.return_received_at is missing and as_of after return_window))"
            ),
            "a return label has been issued, and either we receive the return after the return \
             window has ended, or we have not received the return yet and the return window has \
             already ended"
        );
        // A negated threshold: the country may be unknown.
        assert_eq!(
            words(
                "threshold to_fr = order.destination.country is set and order.destination.country is FR",
                "not to_fr"
            ),
            "the order does not ship to FR or the destination country is not known"
        );
    }

    #[test]
    fn every_standard_fact_has_a_noun() {
        for f in crate::language::check::vocab::VOCABULARY {
            let noun = path_noun(f.path);
            assert!(!noun.contains('“'), "{} has no noun phrase", f.path);
        }
    }

    #[test]
    fn renders_a_whole_page() {
        let text = r#"policy shop "Shop <Returns> & More" {
  currency USD
  timezone "Asia/Seoul"
  calendar { weekend friday, saturday  holidays "KR"  holidays 2024-05-01 }
  window w = 5 business days from order.delivered_at, rolled forward to a business day
  table limit by order.destination.country { US, MO: USD 130  otherwise: USD 99 }
  rules for return {
    rule late: deny "Too late | sorry." when order.delivered_at is set and claim.filed_at after w
    rule ok: approve refund "Fine." when order.total >= (limit else USD 1)
      requires evidence order_number
      refund item.price * item.quantity
      deduct restocking 15% up to USD 50 when item.condition.opened else false
      fee return_shipping paid by customer
  }
}"#;
        let source = Source::new("shop.policy", text);
        let ast = crate::parse(&source).unwrap();
        let policy = crate::language::check::check(&ast, &source).unwrap();
        let md = render(&ast, &policy, RenderFormat::Markdown);
        assert!(md.starts_with("# Shop \\<Returns\\> & More\n"), "{md}");
        assert!(md.contains("> Too late \\| sorry."), "{md}");
        assert!(md.contains("| US, MO | USD 130 |"), "{md}");
        assert!(
            md.contains("Business days are Sunday to Thursday, except Korean"),
            "{md}"
        );
        assert!(md.contains("From it we deduct restocking fee: 15% of the refund, at most USD 50, when the item has been opened."), "{md}");
        assert!(md.contains("If its last day is not a business day"), "{md}");
        assert!(md.contains("a person decides those"), "{md}");
        let html = render(&ast, &policy, RenderFormat::Html);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>Shop &lt;Returns&gt; &amp; More</title>"));
        assert_eq!(html, render(&ast, &policy, RenderFormat::Html));
    }

    #[test]
    fn escaping() {
        assert_eq!(md_escape("a | b * c_d _e"), "a \\| b \\* c_d \\_e");
        assert_eq!(md_start("1. first"), "1\\. first");
        assert_eq!(html_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
