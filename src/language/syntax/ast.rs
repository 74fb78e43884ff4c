//! The abstract syntax of a policy file, as written. Every node carries the
//! [`Span`] it was read from. The spans inside [`Spanned`] values never take part
//! in equality; the `span` fields of whole declarations and rules (`Rule::span`,
//! `WindowDecl::span`, ...) do, so comparing two parses of differently laid-out
//! text needs `clause::fmt::without_spans` first.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::language::source::Span;

/// A value with the place in the source it came from.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

pub type Name = Spanned<String>;

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFile {
    pub name: Name,
    pub title: Option<String>,
    pub decls: Vec<Decl>,
}

impl PolicyFile {
    /// The file's `rules for ...` blocks, in order.
    pub fn rule_blocks(&self) -> Vec<&RulesBlock> {
        self.decls
            .iter()
            .filter_map(|d| match d {
                Decl::Rules(b) => Some(&**b),
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    Currency(Name),
    Timezone(Spanned<String>),
    /// `effective from DATE`: the first order day this version judges.
    Effective(Spanned<NaiveDate>),
    Calendar(Calendar),
    Fact(FactDecl),
    Fees(Vec<Name>),
    /// `jurisdictions EU, UK`: where the policy applies, for the legal-floor lints.
    Jurisdictions(Vec<Name>),
    Window(WindowDecl),
    Threshold(ThresholdDecl),
    Table(TableDecl),
    Rules(Box<RulesBlock>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub span: Span,
    pub weekend: Vec<Name>,
    pub holidays: Vec<Holiday>,
    /// `covering 2025 to 2026`: the years the dates typed by hand are right for.
    pub covering: Option<Covering>,
}

/// `covering FIRST to LAST` after a `holidays` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Covering {
    pub span: Span,
    pub first: Spanned<i32>,
    pub last: Spanned<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Holiday {
    Date(Spanned<NaiveDate>),
    /// A bundled holiday list, by name (`"KR"`).
    Bundled(Spanned<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    pub name: Name,
    /// How explanations and pages name the fact (`"the authorization date"`).
    pub label: Option<Spanned<String>>,
    pub ty: Name,
    pub codes: Vec<Name>,
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WindowDecl {
    pub name: Name,
    pub span: Span,
    pub shape: WindowShape,
    pub extensions: Vec<Extension>,
    pub roll_forward: bool,
    pub plain_dates: Option<DayEdge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEdge {
    Start,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WindowShape {
    From {
        duration: Duration,
        anchor: Vec<Name>,
    },
    Until(Spanned<NaiveDate>),
    /// `until facts.warranty_ends`: up to and including the day of an event of the claim.
    UntilEvent(Vec<Name>),
    Between(Spanned<NaiveDate>, Spanned<NaiveDate>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Days,
    BusinessDays,
    Hours,
    Weeks,
    Months,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Duration {
    pub count: Spanned<Decimal>,
    pub unit: TimeUnit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    pub span: Span,
    pub to: ExtendTo,
    pub when: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExtendTo {
    Date(Spanned<NaiveDate>),
    By(Duration),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdDecl {
    pub name: Name,
    pub expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub name: Name,
    pub key: Name,
    pub rows: Vec<TableRow>,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub keys: Vec<Name>,
    pub value: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    EachItem,
    WholeOrder,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RulesBlock {
    pub kind: Name,
    pub scope: Scope,
    pub span: Span,
    pub rules: Vec<Rule>,
    pub otherwise: Option<Rule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Deny,
    Review,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: Name,
    /// The rule's display title (`rule covid "Porous items during Covid": ...`).
    pub title: Option<Spanned<String>>,
    /// Where the rule starts: `because[].source` points here.
    pub span: Span,
    pub decision: Spanned<Decision>,
    pub remedies: Vec<Name>,
    pub as_requested: bool,
    pub quote: Spanned<String>,
    pub when: Vec<Expr>,
    pub unless: Vec<Expr>,
    pub evidence: Vec<EvidenceReq>,
    pub refund: Option<Expr>,
    pub deductions: Vec<Deduction>,
    pub fees: Vec<FeeClause>,
    pub deadlines: Vec<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceReq {
    pub codes: Vec<Name>,
    pub when: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deduction {
    /// `may deduct`: the merchant may take the fee or not.
    pub discretionary: bool,
    pub fee: Name,
    pub amount: Expr,
    pub cap: Option<Expr>,
    pub when: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeeClause {
    pub fee: Name,
    pub payer: Name,
    pub amount: Option<Expr>,
    pub when: Option<Expr>,
    pub otherwise: Option<Name>,
}

pub type Expr = Spanned<ExprKind>;

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    Number(Decimal),
    Percent(Decimal),
    Money {
        currency: Name,
        amount: Decimal,
    },
    Weight {
        value: Decimal,
        unit: Name,
    },
    Date(NaiveDate),
    /// A fact of the claim: `order.total`, `item.condition.opened`, `facts.tier`.
    Path(String),
    /// A window, threshold or table, by name.
    Ref(String),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Convert(Box<Expr>, Name),
    Test(Box<Expr>, Test),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Else,
    Add,
    Sub,
    Mul,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CompareOp {
    /// The operator as the policy writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    IsSet,
    IsMissing,
    Is { codes: Vec<Name>, negated: bool },
    HasAny(Vec<Name>),
    HasAll(Vec<Name>),
    Within(Name),
    After(Name),
    Before(Name),
    Between(Box<Expr>, Box<Expr>),
    Compare(CompareOp, Box<Expr>),
}
