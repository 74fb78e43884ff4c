//! The values a claim's facts take once read: moments and custom facts' values.
//! Below both claim readers (`json` reads values into these, `facts` builds the
//! claim from them), so that neither depends on the other.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

use crate::language::money::Money;

/// A moment of a claim: an instant with its offset, or only a calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Instant(DateTime<FixedOffset>),
    Day(NaiveDate),
}

/// A custom fact's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Owned {
    Bool(bool),
    Number(Decimal),
    Percent(Decimal),
    Money(Money),
    Weight(Decimal),
    Time(Moment),
    Code(String),
    Codes(Vec<String>),
    Text(String),
}
