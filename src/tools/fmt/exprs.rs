//! Expressions and literals: precedence, the merchant's parentheses, and where
//! long conditions break.

use super::layout::{group, nest, text, Doc};
use super::printer::Printer;
use crate::ast::*;

/// Precedence: a higher number binds tighter.
pub(super) fn prec(e: &ExprKind) -> u8 {
    match e {
        ExprKind::Binary(BinOp::Or, ..) => 1,
        ExprKind::Binary(BinOp::And, ..) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Test(..) => 4,
        ExprKind::Binary(BinOp::Else, ..) => 5,
        ExprKind::Binary(BinOp::Add | BinOp::Sub, ..) => 6,
        ExprKind::Binary(BinOp::Mul, ..) => 7,
        ExprKind::Convert(..) => 8,
        _ => 9,
    }
}

/// Words with a meaning in some place of the grammar though they may be names
/// (`each item`, `whole order`, `plain dates at start of day`, `rolled forward to
/// a business day`): with the reserved words, what a code must not be printed
/// bare after `is` or `has`.
pub(super) const CONTEXT_WORDS: [&str; 11] = [
    "a", "at", "business", "dates", "day", "each", "end", "item", "order", "start", "whole",
];

pub(super) fn is_keyword(word: &str) -> bool {
    crate::language::syntax::RESERVED_WORDS.contains(&word) || CONTEXT_WORDS.contains(&word)
}

pub(super) fn names(ns: &[Name]) -> String {
    ns.iter()
        .map(|n| n.node.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn duration(d: &Duration) -> String {
    let one = d.count.node == rust_decimal::Decimal::ONE;
    let unit = match (d.unit, one) {
        (TimeUnit::Days, true) => "day",
        (TimeUnit::Days, false) => "days",
        (TimeUnit::BusinessDays, true) => "business day",
        (TimeUnit::BusinessDays, false) => "business days",
        (TimeUnit::Hours, true) => "hour",
        (TimeUnit::Hours, false) => "hours",
        (TimeUnit::Weeks, true) => "week",
        (TimeUnit::Weeks, false) => "weeks",
        (TimeUnit::Months, true) => "month",
        (TimeUnit::Months, false) => "months",
    };
    format!("{} {unit}", d.count.node)
}

pub(super) fn percent(p: rust_decimal::Decimal) -> String {
    let mut v = p
        .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
        .unwrap_or(p);
    v.rescale(p.scale().saturating_sub(2));
    v.to_string()
}

pub(super) fn date(d: &chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Printer<'_, '_> {
    /// The extent of an expression in the source, parentheses included, and whether
    /// the merchant wrote parentheses around it.
    fn extent(&self, e: &Expr) -> (usize, usize, bool) {
        let Some(src) = self.src else {
            return (e.span.start, e.span.end, false);
        };
        let (mut s, mut t) = (e.span.start, e.span.end);
        let mut grow = |c: &Expr| {
            let (cs, ct, _) = self.extent(c);
            s = s.min(cs);
            t = t.max(ct);
        };
        match &e.node {
            ExprKind::Not(x) | ExprKind::Convert(x, _) => grow(x),
            ExprKind::Binary(_, l, r) => {
                grow(l);
                grow(r);
            }
            ExprKind::Test(subject, test) => {
                grow(subject);
                match test {
                    Test::Between(lo, hi) => {
                        grow(lo);
                        grow(hi);
                    }
                    Test::Compare(_, x) => grow(x),
                    _ => {}
                }
            }
            _ => {}
        }
        let mut parens = false;
        while let (Some((p, b'(')), Some((q, b')'))) = (src.prev_code(s), src.next_code(t)) {
            parens = true;
            s = p;
            t = q + 1;
        }
        (s, t, parens)
    }

    fn parenthesized(&self, e: &Expr) -> bool {
        self.src.is_some() && self.extent(e).2
    }

    /// An expression in a place that needs precedence at least `min`.
    fn expr(&self, e: &Expr, min: u8) -> Doc {
        let bare = self.bare(e);
        if self.wrapped(e, min) {
            Doc::Concat(vec![text("("), nest(group(bare)), text(")")])
        } else {
            bare
        }
    }

    /// Whether an expression is printed in parentheses in a place that needs
    /// precedence at least `min`.
    fn wrapped(&self, e: &Expr, min: u8) -> bool {
        prec(&e.node) < min || self.parenthesized(e)
    }

    /// A whole condition or value (a clause's, a threshold's), grouped.
    pub(super) fn top(&self, e: &Expr) -> Doc {
        nest(group(self.expr(e, 1)))
    }

    fn bare(&self, e: &Expr) -> Doc {
        let p = prec(&e.node);
        match &e.node {
            ExprKind::Binary(op @ (BinOp::Or | BinOp::And), l, r) => {
                // `a or b or c` is one chain: its `or`s break together.
                let mut operands = vec![r.as_ref()];
                let mut cur = l.as_ref();
                while let ExprKind::Binary(op2, l2, r2) = &cur.node {
                    if op2 != op || self.parenthesized(cur) {
                        break;
                    }
                    operands.push(r2);
                    cur = l2;
                }
                operands.push(cur);
                operands.reverse();
                let word = if *op == BinOp::Or { "or " } else { "and " };
                let mut parts = Vec::new();
                for (i, o) in operands.iter().enumerate() {
                    let min = if i == 0 { p } else { p + 1 };
                    let d = self.expr(o, min);
                    if i > 0 {
                        parts.push(Doc::Line);
                        parts.push(text(word));
                    }
                    // An `and` chain inside an `or` breaks two columns further in;
                    // parentheses already do that.
                    let own_group = *op == BinOp::Or && !self.wrapped(o, min);
                    parts.push(if own_group { nest(group(d)) } else { d });
                }
                Doc::Concat(parts)
            }
            ExprKind::Binary(op, l, r) => {
                let word = match op {
                    BinOp::Else => " else ",
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    _ => " * ",
                };
                Doc::Concat(vec![self.expr(l, p), text(word), self.expr(r, p + 1)])
            }
            ExprKind::Not(x) => Doc::Concat(vec![text("not "), self.expr(x, 3)]),
            ExprKind::Convert(x, cur) => {
                Doc::Concat(vec![self.expr(x, 9), text(format!(" in {}", cur.node))])
            }
            ExprKind::Test(subject, test) => {
                let mut parts = vec![self.expr(subject, 5)];
                let codes = |prefix: &str, list: &str, cs: &[Name]| match cs {
                    [one] if !is_keyword(&one.node) => {
                        format!(" {prefix} {}", one.node)
                    }
                    _ => format!(" {prefix} {list} of ({})", names(cs)),
                };
                match test {
                    Test::IsSet => parts.push(text(" is set")),
                    Test::IsMissing => parts.push(text(" is missing")),
                    Test::Is { codes: cs, negated } => {
                        let prefix = if *negated { "is not" } else { "is" };
                        parts.push(text(codes(prefix, "one", cs)));
                    }
                    Test::HasAny(cs) => parts.push(text(codes("has", "any", cs))),
                    Test::HasAll(cs) => parts.push(text(format!(" has all of ({})", names(cs)))),
                    Test::Within(w) => parts.push(text(format!(" within {}", w.node))),
                    Test::After(w) => parts.push(text(format!(" after {}", w.node))),
                    Test::Before(w) => parts.push(text(format!(" before {}", w.node))),
                    Test::Between(lo, hi) => {
                        parts.push(text(" between "));
                        parts.push(self.expr(lo, 5));
                        parts.push(text(" and "));
                        parts.push(self.expr(hi, 5));
                    }
                    Test::Compare(op, x) => {
                        let op = op.symbol();
                        parts.push(text(format!(" {op} ")));
                        parts.push(self.expr(x, 5));
                    }
                }
                Doc::Concat(parts)
            }
            ExprKind::Bool(b) => text(b.to_string()),
            ExprKind::Number(n) => text(n.to_string()),
            ExprKind::Percent(n) => text(format!("{}%", percent(*n))),
            ExprKind::Money { currency, amount } => text(format!("{} {amount}", currency.node)),
            ExprKind::Weight { value, unit } => text(format!("{value} {}", unit.node)),
            ExprKind::Date(d) => text(date(d)),
            ExprKind::Path(p) | ExprKind::Ref(p) => text(p.clone()),
        }
    }

    pub(super) fn end_of(&self, e: &Expr) -> usize {
        self.extent(e).1
    }

    pub(super) fn start_of(&self, e: &Expr) -> usize {
        self.extent(e).0
    }

    /// Where the `n` words (or punctuation marks) of code before `at` start: the
    /// keywords that begin an item whose first span is further in.
    pub(super) fn back(&self, at: usize, n: usize) -> usize {
        let Some(src) = self.src else {
            return at;
        };
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut at = at;
        for _ in 0..n {
            let Some((mut p, b)) = src.prev_code(at) else {
                break;
            };
            if ident(b) {
                while p > 0 && src.code.get(p - 1).is_some_and(|&c| ident(c)) {
                    p -= 1;
                }
            }
            at = p;
        }
        at
    }
}
