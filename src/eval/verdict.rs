//! The verdict, in the contract's form.

use serde::Serialize;

use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Deny,
    Review,
    Partial,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyOut {
    pub amount: String,
    pub currency: String,
}

impl From<Money> for MoneyOut {
    fn from(m: Money) -> Self {
        let r = m.rounded();
        MoneyOut {
            amount: r.amount.to_string(),
            currency: r.currency.code().to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemVerdict {
    pub sku: String,
    pub decision: Decision,
    pub refund: Option<MoneyOut>,
    pub rule: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fee {
    pub fee: String,
    pub payer: String,
    pub amount: Option<MoneyOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deduction {
    pub fee: String,
    pub amount: MoneyOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub name: String,
    /// A date (inclusive, in the policy's time zone) or, for hour-based windows, an instant.
    pub ends: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Because {
    pub rule: String,
    pub message: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// What the policy decides for a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub claim_id: String,
    pub policy: String,
    pub decision: Decision,
    pub remedy: Option<String>,
    pub refund: Option<MoneyOut>,
    pub items: Vec<ItemVerdict>,
    pub fees: Vec<Fee>,
    pub deductions: Vec<Deduction>,
    pub deadlines: Vec<Deadline>,
    pub missing_evidence: Vec<String>,
    pub because: Vec<Because>,
}
