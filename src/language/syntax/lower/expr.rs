//! Lowering of conditions and values: the Pratt parsers for `and`/`or`/`not`
//! and for arithmetic, and one `lower_*` function per expression rule.

use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;

use super::super::ast::*;
use super::super::Rule;
use super::{internal, lower_date, lower_decimal, lower_name, span, Inner, Lowered};
use crate::language::diagnostic::{Code, Diagnostic};

static LOGIC: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op))
});

static ARITH: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::else_op, Assoc::Left))
        .op(Op::infix(Rule::add_op, Assoc::Left) | Op::infix(Rule::sub_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left))
});

pub(crate) fn lower_expr(pair: Pair<'_, Rule>) -> Lowered<Expr> {
    // The Pratt parser panics on an empty sequence: make sure this is an expression.
    if pair.as_rule() != Rule::expr || pair.clone().into_inner().next().is_none() {
        return Err(internal(span(&pair), "condition"));
    }
    too_many_operators(&pair)?;
    LOGIC
        .map_primary(lower_test)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let sp = span(&op).to(rhs.span);
            Ok(Spanned::new(ExprKind::Not(Box::new(rhs)), sp))
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let bin = if op.as_rule() == Rule::and_op {
                BinOp::And
            } else {
                BinOp::Or
            };
            let sp = lhs.span.to(rhs.span);
            Ok(Spanned::new(
                ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)),
                sp,
            ))
        })
        .parse(pair.into_inner())
}

/// Refuses a condition with more than [`crate::language::syntax::MAX_OPERATORS`] operators: its tree
/// would be deeper than checking and evaluation should recurse.
fn too_many_operators(pair: &Pair<'_, Rule>) -> Lowered<()> {
    let count = pair
        .clone()
        .into_inner()
        .flatten()
        .filter(|p| {
            matches!(
                p.as_rule(),
                Rule::not_op
                    | Rule::and_op
                    | Rule::or_op
                    | Rule::else_op
                    | Rule::add_op
                    | Rule::sub_op
                    | Rule::mul_op
            )
        })
        .count();
    if count > crate::language::syntax::MAX_OPERATORS {
        return Err(Diagnostic::new(
            Code::TooComplex,
            format!(
                "this condition has {count} operators; at most {} are allowed",
                crate::language::syntax::MAX_OPERATORS
            ),
            span(pair),
            "too long",
        )
        .with_help("name parts of the condition with `threshold NAME = ...` and use the names"));
    }
    Ok(())
}

fn lower_test(pair: Pair<'_, Rule>) -> Lowered<Expr> {
    let sp = span(&pair);
    let mut inner = Inner::of(pair);
    let subject = lower_arith(inner.expect("value")?)?;
    let Some(suffix) = inner.next() else {
        return Ok(subject);
    };
    let kind = suffix.as_rule();
    let mut si = Inner::of(suffix);
    let codes = |si: Inner<'_>| -> Vec<Name> {
        si.flat_map(|p| {
            if p.as_rule() == Rule::code_list {
                p.into_inner().map(lower_name).collect::<Vec<_>>()
            } else {
                vec![lower_name(p)]
            }
        })
        .collect()
    };
    let test = match kind {
        Rule::is_set => Test::IsSet,
        Rule::is_missing => Test::IsMissing,
        Rule::is_code | Rule::is_one_of => Test::Is {
            codes: codes(si),
            negated: false,
        },
        Rule::is_not | Rule::is_not_one_of => Test::Is {
            codes: codes(si),
            negated: true,
        },
        Rule::has_code | Rule::has_any => Test::HasAny(codes(si)),
        Rule::has_all => Test::HasAll(codes(si)),
        Rule::within => Test::Within(lower_name(si.expect("window")?)),
        Rule::after_window => Test::After(lower_name(si.expect("window")?)),
        Rule::before_window => Test::Before(lower_name(si.expect("window")?)),
        Rule::between => {
            let lo = lower_arith(si.expect("lower bound")?)?;
            let hi = lower_arith(si.expect("upper bound")?)?;
            Test::Between(Box::new(lo), Box::new(hi))
        }
        Rule::compare => {
            let op = match si.expect("comparison")?.as_str() {
                "<" => CompareOp::Lt,
                "<=" => CompareOp::Le,
                ">" => CompareOp::Gt,
                ">=" => CompareOp::Ge,
                "=" => CompareOp::Eq,
                _ => CompareOp::Ne,
            };
            Test::Compare(op, Box::new(lower_arith(si.expect("value")?)?))
        }
        _ => return Err(internal(sp, "test")),
    };
    Ok(Spanned::new(ExprKind::Test(Box::new(subject), test), sp))
}

fn lower_arith(pair: Pair<'_, Rule>) -> Lowered<Expr> {
    if pair.as_rule() != Rule::arith || pair.clone().into_inner().next().is_none() {
        return Err(internal(span(&pair), "value"));
    }
    ARITH
        .map_primary(lower_term)
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let bin = match op.as_rule() {
                Rule::else_op => BinOp::Else,
                Rule::add_op => BinOp::Add,
                Rule::sub_op => BinOp::Sub,
                _ => BinOp::Mul,
            };
            let sp = lhs.span.to(rhs.span);
            Ok(Spanned::new(
                ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)),
                sp,
            ))
        })
        .parse(pair.into_inner())
}

fn lower_term(pair: Pair<'_, Rule>) -> Lowered<Expr> {
    let sp = span(&pair);
    let mut inner = Inner::of(pair);
    let atom = lower_atom(inner.expect("value")?)?;
    match inner.next() {
        Some(conv) => {
            let cur = lower_name(Inner::of(conv).expect("currency")?);
            Ok(Spanned::new(ExprKind::Convert(Box::new(atom), cur), sp))
        }
        None => Ok(atom),
    }
}

fn lower_atom(pair: Pair<'_, Rule>) -> Lowered<Expr> {
    let sp = span(&pair);
    let kind = match pair.as_rule() {
        Rule::money => {
            let mut inner = Inner::of(pair);
            let currency = lower_name(inner.expect("currency")?);
            let amount = lower_decimal(&inner.expect("amount")?)?;
            ExprKind::Money { currency, amount }
        }
        Rule::measure => {
            let mut inner = Inner::of(pair);
            let value = lower_decimal(&inner.expect("number")?)?;
            let unit = lower_name(inner.expect("unit")?);
            // An unknown unit is the checker's to report, with the file's other errors.
            ExprKind::Weight { value, unit }
        }
        Rule::percent => ExprKind::Percent(
            lower_decimal(&Inner::of(pair).expect("number")?)? / Decimal::ONE_HUNDRED,
        ),
        Rule::date => ExprKind::Date(lower_date(pair)?.node),
        Rule::number => ExprKind::Number(lower_decimal(&Inner::of(pair).expect("number")?)?),
        Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
        Rule::path => ExprKind::Path(pair.as_str().to_string()),
        Rule::name => ExprKind::Ref(pair.as_str().to_string()),
        Rule::paren => return lower_expr(Inner::of(pair).expect("expression")?),
        _ => return Err(internal(sp, "value")),
    };
    Ok(Spanned::new(kind, sp))
}
