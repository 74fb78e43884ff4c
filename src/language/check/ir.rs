//! The checked policy: names resolved to slots, types known, currencies made
//! explicit. This is what the evaluator runs; nothing in it is looked up by name.

use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::vocab::FactRef;
use crate::ast::{CompareOp, DayEdge, Decision, Scope, TimeUnit};
use crate::language::calendar::Calendar;
use crate::language::money::Currency;

/// Text the policy fixes (names, quotes, codes), shared by every verdict that shows it.
pub type Text = std::sync::Arc<str>;
use crate::language::source::{Source, Span};

/// A policy that has passed every check.
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: Text,
    pub title: Option<String>,
    pub source: Source,
    pub currency: Option<String>,
    pub timezone: Tz,
    pub calendar: Calendar,
    pub facts: Vec<CustomFact>,
    pub windows: Vec<Window>,
    pub thresholds: Vec<Threshold>,
    pub tables: Vec<Table>,
    pub blocks: Vec<RuleBlock>,
    /// Every standard fact some part of the policy reads: these are validated in claims.
    pub reads: Vec<FactRef>,
    /// Where the policy applies (`jurisdictions EU, UK`), for the legal-floor lints.
    pub jurisdictions: Vec<String>,
    /// `effective from`: the first order day (in the policy's time zone) this
    /// version judges; `None` for a policy with one version.
    pub effective_from: Option<chrono::NaiveDate>,
}

impl Policy {
    /// The JSON path of a fact in a claim: `order.delivered_at`,
    /// `facts.warranty_ends` for a fact the policy declares.
    pub fn fact_path(&self, fact: super::vocab::FactRef) -> String {
        match fact {
            super::vocab::FactRef::Custom(i) => self
                .facts
                .get(i)
                .map_or_else(|| "facts".into(), |f| format!("facts.{}", f.name)),
            other => super::vocab::path_of(other).to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CustomFact {
    pub name: String,
    /// How explanations and pages name the fact, when the policy says.
    pub label: Option<String>,
    pub ty: super::types::Ty,
    pub optional: bool,
}

#[derive(Debug, Clone)]
pub struct Window {
    pub name: Text,
    pub span: Span,
    pub shape: WindowShape,
    pub extensions: Vec<WindowExtension>,
    pub roll_forward: bool,
    pub plain_dates: DayEdge,
}

impl Window {
    /// Whether the window is counted in hours (`24 hours from ...`): its ends
    /// are instants, and a day tested against it may fall either side of its end.
    pub fn counts_hours(&self) -> bool {
        matches!(
            self.shape,
            WindowShape::From {
                unit: TimeUnit::Hours,
                ..
            }
        )
    }
}

#[derive(Debug, Clone)]
pub enum WindowShape {
    From {
        count: u32,
        unit: TimeUnit,
        /// The first of these events that is set.
        anchor: Vec<FactRef>,
    },
    Until(NaiveDate),
    /// Up to and including the day of the first of these events that is set.
    UntilEvent(Vec<FactRef>),
    Between(NaiveDate, NaiveDate),
}

#[derive(Debug, Clone)]
pub enum ExtendTo {
    Date(NaiveDate),
    Days(u32, TimeUnit),
}

#[derive(Debug, Clone)]
pub struct WindowExtension {
    pub to: ExtendTo,
    pub when: IExpr,
}

#[derive(Debug, Clone)]
pub struct Threshold {
    pub name: String,
    pub expr: IExpr,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub key: FactRef,
    pub rows: Vec<(Vec<String>, IExpr)>,
    pub default: Option<IExpr>,
}

#[derive(Debug, Clone)]
pub struct RuleBlock {
    pub kind: String,
    pub scope: Scope,
    pub span: Span,
    pub rules: Vec<CheckedRule>,
    pub otherwise: Option<CheckedRule>,
}

#[derive(Debug, Clone)]
pub struct CheckedRule {
    pub name: Text,
    /// The rule's display title, when the policy gives one.
    pub title: Option<Text>,
    pub span: Span,
    /// `file:line:column` of the rule, for `because`.
    pub location: Text,
    pub decision: Decision,
    pub remedies: Vec<Text>,
    pub as_requested: bool,
    pub message: Text,
    pub when: Vec<IExpr>,
    pub unless: Vec<IExpr>,
    pub unless_spans: Vec<Span>,
    pub evidence: Vec<(Vec<Text>, Option<IExpr>)>,
    pub refund: Option<IExpr>,
    pub deductions: Vec<CheckedDeduction>,
    pub fees: Vec<CheckedFee>,
    /// Windows reported as deadlines: those named by `deadline` and those the conditions read.
    pub deadlines: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct CheckedDeduction {
    /// `may deduct`: a deduction the merchant may take or not. It is not taken
    /// off the refund; the verdict states it and the range of the refund.
    pub discretionary: bool,
    pub fee: Text,
    /// Money, or a percentage of the refund.
    pub amount: IExpr,
    pub is_percent: bool,
    pub cap: Option<IExpr>,
    pub when: Option<IExpr>,
    /// One amount for the whole claim, in a block judged item by item: an
    /// amount (and cap) that reads the claim's or order's facts and no item's
    /// (such as `claim.return_cost`, what the one return shipment cost). It is
    /// taken once, from the approved items' refunds in the claim's order, each
    /// item giving what it has left until the amount is taken; a `may deduct`
    /// of one is shared the same way.
    pub per_claim: bool,
}

#[derive(Debug, Clone)]
pub struct CheckedFee {
    pub fee: Text,
    pub payer: Text,
    pub amount: Option<IExpr>,
    pub when: Option<IExpr>,
    pub otherwise: Option<Text>,
}

/// Which comparison a time test makes against a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowTest {
    Within,
    After,
    Before,
}

/// A checked expression.
#[derive(Debug, Clone, PartialEq)]
pub enum IExpr {
    Bool(bool),
    Number(Decimal),
    Percent(Decimal),
    Money(Decimal, Currency),
    /// A weight, in grams.
    Weight(Decimal),
    Date(NaiveDate),
    Fact(FactRef),
    Threshold(usize),
    Table(usize),
    Not(Box<IExpr>),
    And(Box<IExpr>, Box<IExpr>),
    Or(Box<IExpr>, Box<IExpr>),
    Else(Box<IExpr>, Box<IExpr>),
    Add(Box<IExpr>, Box<IExpr>),
    Sub(Box<IExpr>, Box<IExpr>),
    Mul(Box<IExpr>, Box<IExpr>),
    /// Money converted to a currency through the claim's `rates`.
    Convert(Box<IExpr>, Currency),
    IsSet(Box<IExpr>),
    /// Code membership; `negated` for `is not`.
    Is(Box<IExpr>, Vec<String>, bool),
    HasAny(Box<IExpr>, Vec<String>),
    HasAll(Box<IExpr>, Vec<String>),
    Window(Box<IExpr>, WindowTest, usize),
    Between(Box<IExpr>, Box<IExpr>, Box<IExpr>),
    Compare(CompareOp, Box<IExpr>, Box<IExpr>),
}

impl IExpr {
    /// Whether this expression reads no item's facts: only the claim's and
    /// the order's, or none (thresholds and tables count as reading an item,
    /// since they may).
    pub fn reads_no_item(&self) -> bool {
        self.walk_facts(&mut |_| {})
    }

    /// Whether this expression is one value for the whole claim: it reads at
    /// least one fact, and only the claim's and order's.
    pub fn is_claim_level(&self) -> bool {
        let mut facts = false;
        self.walk_facts(&mut |_| facts = true) && facts
    }

    /// Calls `seen` on each fact read, and says whether none is an item's (a
    /// threshold or table counts as one).
    fn walk_facts(&self, seen: &mut impl FnMut(FactRef)) -> bool {
        match self {
            IExpr::Fact(f) => {
                seen(*f);
                !f.is_item_fact()
            }
            IExpr::Threshold(_) | IExpr::Table(_) => false,
            other => other.children().into_iter().all(|c| c.walk_facts(seen)),
        }
    }

    /// The facts an `x else y else ...` chain may take its value from, in order
    /// (a bare fact is a chain of one; anything else has none).
    pub fn else_chain_facts(&self, out: &mut Vec<FactRef>) {
        match self {
            IExpr::Else(a, b) => {
                a.else_chain_facts(out);
                b.else_chain_facts(out);
            }
            IExpr::Fact(f) => out.push(*f),
            _ => {}
        }
    }

    /// The expressions directly inside this one, for walks over a whole condition.
    pub fn children(&self) -> Vec<&IExpr> {
        match self {
            IExpr::Not(x)
            | IExpr::Convert(x, _)
            | IExpr::IsSet(x)
            | IExpr::Is(x, _, _)
            | IExpr::HasAny(x, _)
            | IExpr::HasAll(x, _)
            | IExpr::Window(x, _, _) => vec![x],
            IExpr::And(a, b)
            | IExpr::Or(a, b)
            | IExpr::Else(a, b)
            | IExpr::Add(a, b)
            | IExpr::Sub(a, b)
            | IExpr::Mul(a, b)
            | IExpr::Compare(_, a, b) => vec![a, b],
            IExpr::Between(a, b, c) => vec![a, b, c],
            IExpr::Bool(_)
            | IExpr::Number(_)
            | IExpr::Percent(_)
            | IExpr::Money(..)
            | IExpr::Weight(_)
            | IExpr::Date(_)
            | IExpr::Fact(_)
            | IExpr::Threshold(_)
            | IExpr::Table(_) => Vec::new(),
        }
    }
}

impl CheckedRule {
    /// Every expression of the rule: conditions, evidence conditions, the refund,
    /// deductions and fees.
    pub fn expressions(&self) -> Vec<&IExpr> {
        let mut out: Vec<&IExpr> = self
            .when
            .iter()
            .chain(&self.unless)
            .chain(&self.refund)
            .collect();
        out.extend(self.evidence.iter().filter_map(|(_, w)| w.as_ref()));
        for d in &self.deductions {
            out.push(&d.amount);
            out.extend(d.cap.iter().chain(&d.when));
        }
        for f in &self.fees {
            out.extend(f.amount.iter().chain(&f.when));
        }
        out
    }
}
