//! The types of Clause values, as the checker sees them.

use std::fmt;

use crate::language::money::Currency;

/// Where the codes a value may hold come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeDomain {
    /// A list fixed by the contract (`claim.reason`).
    Fixed(&'static [&'static str]),
    /// A list a `fact` declaration gives.
    Declared(Vec<String>),
    /// ISO 3166-1 alpha-2 country codes.
    Country,
    /// Free words chosen by the merchant (`item.category`, `item.tags`).
    Free,
}

impl CodeDomain {
    /// The codes, when the domain is a closed list.
    pub fn codes(&self) -> Option<Vec<&str>> {
        match self {
            CodeDomain::Fixed(list) => Some(list.to_vec()),
            CodeDomain::Declared(list) => Some(list.iter().map(String::as_str).collect()),
            CodeDomain::Country | CodeDomain::Free => None,
        }
    }
}

/// A type. Money carries its currency when the policy fixes it (`USD 130`), and
/// `None` when it is whatever currency the claim's amount is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Number,
    Percent,
    Money(Option<Currency>),
    Weight,
    Time,
    Code(CodeDomain),
    Codes(CodeDomain),
    Text,
}

impl Ty {
    pub fn same_kind(&self, other: &Ty) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => f.write_str("a condition (true or false)"),
            Ty::Number => f.write_str("a number"),
            Ty::Percent => f.write_str("a percentage"),
            Ty::Money(Some(c)) => write!(f, "money in {c}"),
            Ty::Money(None) => f.write_str("money"),
            Ty::Weight => f.write_str("a weight"),
            Ty::Time => f.write_str("a date or time"),
            Ty::Code(_) => f.write_str("a code"),
            Ty::Codes(_) => f.write_str("a list of codes"),
            Ty::Text => f.write_str("text"),
        }
    }
}

/// A type and whether a claim may leave the value out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TyInfo {
    pub ty: Ty,
    pub optional: bool,
}

impl TyInfo {
    pub fn new(ty: Ty, optional: bool) -> Self {
        TyInfo { ty, optional }
    }
}
