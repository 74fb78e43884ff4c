//! The verdict, in the contract's form.
//!
//! Text the policy fixes (rule names, quotes, sources, fee names, codes) is
//! shared with the checked policy rather than copied into every verdict.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

pub use crate::check::ir::Text;
use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Deny,
    Review,
    Partial,
}

/// Money as a verdict writes it: `{"amount": "12.50", "currency": "USD"}`,
/// rounded to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyOut(pub Money);

impl From<Money> for MoneyOut {
    fn from(m: Money) -> Self {
        MoneyOut(m.rounded())
    }
}

impl Serialize for MoneyOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Money", 2)?;
        st.serialize_field("amount", &self.0.amount.to_string())?;
        st.serialize_field("currency", self.0.currency.code())?;
        st.end()
    }
}

/// When a deadline ends: a day (inclusive, in the policy's time zone) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ends {
    Day(NaiveDate),
    Instant(DateTime<FixedOffset>),
}

impl std::fmt::Display for Ends {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ends::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Ends::Instant(i) => f.write_str(&i.to_rfc3339_opts(SecondsFormat::Secs, true)),
        }
    }
}

impl Serialize for Ends {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemVerdict {
    pub sku: String,
    pub decision: Decision,
    pub refund: Option<MoneyOut>,
    pub rule: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_evidence: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fee {
    pub fee: Text,
    pub payer: Text,
    pub amount: Option<MoneyOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deduction {
    pub fee: Text,
    pub amount: MoneyOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub name: Text,
    /// A date (inclusive, in the policy's time zone) or, for hour-based windows, an instant.
    pub ends: Ends,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Because {
    pub rule: Text,
    pub message: Text,
    pub source: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// What the policy decides for a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub claim_id: String,
    pub policy: Text,
    pub decision: Decision,
    pub remedy: Option<Text>,
    pub refund: Option<MoneyOut>,
    pub items: Vec<ItemVerdict>,
    pub fees: Vec<Fee>,
    pub deductions: Vec<Deduction>,
    pub deadlines: Vec<Deadline>,
    pub missing_evidence: Vec<Text>,
    pub because: Vec<Because>,
}
