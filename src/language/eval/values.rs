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

impl Moment {
    /// Whether this moment is surely before `other`: as instants, or by their
    /// days in `tz` when either is only a day (a day is not before an instant
    /// of that same day).
    pub fn surely_before(self, other: Moment, tz: chrono_tz::Tz) -> bool {
        let day = |m: Moment| match m {
            Moment::Day(d) => d,
            Moment::Instant(i) => i.with_timezone(&tz).date_naive(),
        };
        match (self, other) {
            (Moment::Instant(a), Moment::Instant(b)) => a < b,
            _ => day(self) < day(other),
        }
    }
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
