//! Conditions in plain English: the expression-to-words renderer (`Ctx::cond`)
//! and the shapes of expressions it recognises.

use super::nouns::{
    anchor_text, capitalize, code_words, duration_text, event_nouns, evidence_words, humanize,
    join_plain, join_serial, known_words, path_noun, window_noun, yes_no, yes_no_words,
};
use super::values::{
    date_between, date_range, fmt_date, fmt_money, fmt_number, fmt_percent, literal_truth,
};
use crate::ast::{
    BinOp, CompareOp, DayEdge, Decl, Expr, ExprKind, ExtendTo, FactDecl, PolicyFile, TableDecl,
    Test, TimeUnit, WindowDecl, WindowShape,
};
use chrono::NaiveDate;

/// A condition in words, before it is joined into a sentence.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Words {
    Atom(String),
    All(Vec<Words>),
    Any(Vec<Words>),
}

/// Beyond this depth of thresholds inside thresholds, conditions are shown literally.
pub(super) const MAX_DEPTH: usize = 32;

/// A threshold whose words, with every threshold inside it spelt out, would
/// take more than this many expression nodes is named, not spelt out, where it
/// is used; the "Terms we use" table says what it means. Thresholds that reuse
/// others (`t2 = t1 or t1`, forty times over) would otherwise make a page
/// exponentially long.
const MAX_INLINE_NODES: usize = 64;

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

    pub(super) fn any(parts: Vec<Words>) -> Words {
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

    pub(super) fn text(&self) -> String {
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
pub(super) struct Ctx<'a> {
    pub(super) thresholds: Vec<(&'a str, &'a Expr)>,
    /// Each threshold by name (the first of a name), with the number of nodes
    /// its expression has with every threshold inside it spelt out (saturating).
    by_name: std::collections::HashMap<&'a str, (&'a Expr, usize)>,
    pub(super) tables: Vec<&'a TableDecl>,
    pub(super) windows: Vec<&'a WindowDecl>,
    pub(super) facts: Vec<&'a FactDecl>,
}

/// Which window test.
#[derive(Clone, Copy)]
pub(super) enum WinTest {
    Within,
    After,
    Before,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(ast: &'a PolicyFile) -> Self {
        let mut ctx = Ctx {
            thresholds: Vec::new(),
            by_name: std::collections::HashMap::new(),
            tables: Vec::new(),
            windows: Vec::new(),
            facts: Vec::new(),
        };
        for d in &ast.decls {
            match d {
                Decl::Threshold(t) => {
                    let name = t.name.node.as_str();
                    ctx.thresholds.push((name, &t.expr));
                    // Thresholds use only those declared above them: their sizes are known.
                    let size = ctx.inlined_size(&t.expr);
                    ctx.by_name.entry(name).or_insert((&t.expr, size));
                }
                Decl::Table(t) => ctx.tables.push(t),
                Decl::Window(w) => ctx.windows.push(w),
                Decl::Fact(f) => ctx.facts.push(f),
                _ => {}
            }
        }
        ctx
    }

    pub(super) fn threshold(&self, name: &str) -> Option<&'a Expr> {
        self.by_name.get(name).map(|(e, _)| *e)
    }

    /// The nodes of `e` with every threshold in it spelt out, saturating. The
    /// recursion is over one expression's tree, which the parser bounds.
    fn inlined_size(&self, e: &Expr) -> usize {
        let sum = |xs: &[&Expr]| {
            xs.iter()
                .fold(1usize, |acc, x| acc.saturating_add(self.inlined_size(x)))
        };
        match &e.node {
            ExprKind::Ref(name) => self.by_name.get(name.as_str()).map_or(1, |(_, n)| *n),
            ExprKind::Not(x) | ExprKind::Convert(x, _) => sum(&[x]),
            ExprKind::Binary(_, a, b) => sum(&[a, b]),
            ExprKind::Test(x, Test::Between(a, b)) => sum(&[x, a, b]),
            ExprKind::Test(x, Test::Compare(_, y)) => sum(&[x, y]),
            ExprKind::Test(x, _) => sum(&[x]),
            _ => 1,
        }
    }

    /// A fact as a noun phrase; a custom fact with a label is its label, and a
    /// custom event without one is "the “NAME” date".
    fn noun(&self, path: &str) -> String {
        let label = path.strip_prefix("facts.").and_then(|name| {
            self.facts
                .iter()
                .find(|f| f.name.node == name)
                .and_then(|f| f.label.as_ref())
        });
        if let Some(l) = label {
            return l.node.clone();
        }
        let event = path.strip_prefix("facts.").is_some_and(|name| {
            self.facts
                .iter()
                .any(|f| f.name.node == name && f.ty.node == "event")
        });
        match path.strip_prefix("facts.") {
            Some(name) if event => super::nouns::event_fact_noun(name),
            _ => path_noun(path),
        }
    }

    fn table(&self, name: &str) -> Option<&'a TableDecl> {
        self.tables.iter().find(|t| t.name.node == name).copied()
    }

    /// A condition in words, or its negation when `pos` is false.
    pub(super) fn cond(&self, e: &Expr, pos: bool, depth: usize) -> Words {
        if depth > MAX_DEPTH {
            return Words::Atom(literal_truth(e, pos));
        }
        match &e.node {
            ExprKind::Bool(b) => Words::Atom(if *b == pos { "always" } else { "never" }.into()),
            ExprKind::Path(p) => Words::Atom(yes_no(p, pos)),
            ExprKind::Ref(name) => match self.by_name.get(name.as_str()) {
                Some((body, size)) if *size <= MAX_INLINE_NODES => self.cond(body, pos, depth + 1),
                // Too large to spell out here: named, as the terms table defines it.
                _ => Words::Atom(literal_truth(e, pos)),
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
    pub(super) fn conjunction(&self, exprs: &[&Expr], pos: bool, depth: usize) -> Words {
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
            "claim.authorized_at" => {
                Some(("we authorize the return", "we do not authorize the return"))
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
    pub(super) fn value(&self, e: &Expr) -> String {
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
    pub(super) fn window_text(&self, w: &WindowDecl) -> String {
        let mut s = match &w.shape {
            WindowShape::From { duration, anchor } => format!(
                "{} from {}",
                duration_text(duration),
                anchor_text(anchor, duration.unit == TimeUnit::Hours, &|p| self.noun(p))
            ),
            WindowShape::Until(d) => format!("Until {}", fmt_date(d.node)),
            WindowShape::UntilEvent(anchor) => {
                format!("Until {}", anchor_text(anchor, false, &|p| self.noun(p)))
            }
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
        // The plain-dates choice reads the starting date; a date checked against
        // the window without a time of day may fall either side of its end.
        let edge = match w.plain_dates {
            Some(DayEdge::End) => Some("end"),
            Some(DayEdge::Start) => Some("start"),
            None => None,
        };
        if let Some(edge) = edge {
            s.push_str(&format!(
                " If the date it starts from has no time of day, the time limit begins with that day and its hours count from the {edge} of that day. A date checked against it without a time of day counts as in time when the whole day is before its end, and as late only when the whole day is after it."
            ));
        }
        capitalize(&s)
    }
}

/// The conjuncts of a chain of `and`.
pub(super) fn flatten_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.node {
        ExprKind::Binary(BinOp::And, a, b) => {
            flatten_and(a, out);
            flatten_and(b, out);
        }
        _ => out.push(e),
    }
}

/// The disjuncts of a chain of `or`.
pub(super) fn flatten_or<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.node {
        ExprKind::Binary(BinOp::Or, a, b) => {
            flatten_or(a, out);
            flatten_or(b, out);
        }
        _ => out.push(e),
    }
}

/// The path `P` of `P is set`.
pub(super) fn is_set_of(e: &Expr) -> Option<&str> {
    match &e.node {
        ExprKind::Test(subject, Test::IsSet) => path_of(subject),
        _ => None,
    }
}

/// The fact a value reads, if it is one: `order.total`, or `as_of` and `claim_id`,
/// which are written without a dot and so read as names.
pub(super) fn path_of(e: &Expr) -> Option<&str> {
    match &e.node {
        ExprKind::Path(p) => Some(p.as_str()),
        ExprKind::Ref(n) if n == "as_of" || n == "claim_id" => Some(n.as_str()),
        _ => None,
    }
}

/// Whether `e` tests `path` in words that already imply it is known.
pub(super) fn definitely_tests(e: &Expr, path: &str) -> bool {
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
pub(super) fn placed_between(e: &Expr) -> Option<(NaiveDate, NaiveDate)> {
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

pub(super) fn is_event(e: &Expr) -> bool {
    path_of(e).is_some_and(|p| event_nouns(p).is_some())
}

pub(super) fn negate(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Ge,
        CompareOp::Le => CompareOp::Gt,
        CompareOp::Gt => CompareOp::Le,
        CompareOp::Ge => CompareOp::Lt,
        CompareOp::Eq => CompareOp::Ne,
        CompareOp::Ne => CompareOp::Eq,
    }
}
