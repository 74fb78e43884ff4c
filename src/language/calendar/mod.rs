//! Business-day calendars: which weekdays are weekend, which dates are holidays,
//! and day arithmetic over them.
//!
//! Every loop here is bounded: a calendar always has at least one business day a
//! week (the checker refuses a seven-day weekend), so advancing N business days
//! looks at no more than `7 * (N + 1) + holidays` days.

pub mod kr_holidays;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Bundled holiday lists, by the name a policy gives them.
pub const BUNDLED: &[&str] = &["KR"];

/// A business-day calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    weekend: [bool; 7],
    /// Sorted, no duplicates.
    holidays: Vec<NaiveDate>,
    /// Years the bundled lists cover, when one is used: outside them the calendar cannot say.
    covered: Option<(i32, i32, &'static str)>,
}

/// Why a calendar could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The date is outside the years a bundled holiday list covers.
    NotCovered {
        year: i32,
        list: &'static str,
        first: i32,
        last: i32,
    },
    /// The date arithmetic left chrono's range.
    OutOfRange,
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalendarError::NotCovered { year, list, first, last } => write!(
                f,
                "the bundled {list} holiday list covers {first} to {last}; business days in {year} cannot be counted"
            ),
            CalendarError::OutOfRange => f.write_str("the date is out of the supported range"),
        }
    }
}

impl Default for Calendar {
    /// Saturday and Sunday off, no holidays.
    fn default() -> Self {
        Calendar::new(&[Weekday::Sat, Weekday::Sun])
    }
}

impl Calendar {
    pub fn new(weekend: &[Weekday]) -> Self {
        let mut days = [false; 7];
        for d in weekend {
            if let Some(slot) = days.get_mut(d.num_days_from_monday() as usize) {
                *slot = true;
            }
        }
        Calendar {
            weekend: days,
            holidays: Vec::new(),
            covered: None,
        }
    }

    /// The weekend days, ISO numbered (Monday 1 to Sunday 7).
    pub fn weekend_days(&self) -> Vec<u32> {
        (1..=7)
            .zip(self.weekend.iter())
            .filter(|(_, off)| **off)
            .map(|(n, _)| n)
            .collect()
    }

    /// The holidays from `first` to `last` (inclusive), with their names when a
    /// bundled list gives one.
    pub fn holidays_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Vec<(NaiveDate, Option<&'static str>)> {
        let from = self.holidays.partition_point(|d| *d < first);
        let to = self.holidays.partition_point(|d| *d <= last);
        self.holidays
            .get(from..to.max(from))
            .unwrap_or_default()
            .iter()
            .map(|d| {
                let name = match self.covered {
                    Some((_, _, "KR")) => kr_holidays::HOLIDAYS
                        .iter()
                        .find(|(y, m, day, _)| NaiveDate::from_ymd_opt(*y, *m, *day) == Some(*d))
                        .map(|h| h.3),
                    _ => None,
                };
                (*d, name)
            })
            .collect()
    }

    /// The bundled holiday list the calendar uses, if any (`KR`).
    pub fn bundled_list(&self) -> Option<&'static str> {
        self.covered.map(|c| c.2)
    }

    /// Whether every weekday is weekend (such a calendar has no business days).
    pub fn all_weekend(&self) -> bool {
        self.weekend.iter().all(|w| *w)
    }

    pub fn add_holiday(&mut self, date: NaiveDate) {
        if let Err(i) = self.holidays.binary_search(&date) {
            self.holidays.insert(i, date);
        }
    }

    /// Adds a bundled list by name; false when there is no such list.
    pub fn add_bundled(&mut self, name: &str) -> bool {
        match name {
            "KR" => {
                for (y, m, d, _) in kr_holidays::HOLIDAYS {
                    if let Some(date) = NaiveDate::from_ymd_opt(*y, *m, *d) {
                        self.add_holiday(date);
                    }
                }
                self.covered = Some((kr_holidays::FIRST_YEAR, kr_holidays::LAST_YEAR, "KR"));
                true
            }
            _ => false,
        }
    }

    fn check_covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        match self.covered {
            Some((first, last, list)) if date.year() < first || date.year() > last => {
                Err(CalendarError::NotCovered {
                    year: date.year(),
                    list,
                    first,
                    last,
                })
            }
            _ => Ok(()),
        }
    }

    pub fn is_business_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_covered(date)?;
        let weekend = self
            .weekend
            .get(date.weekday().num_days_from_monday() as usize)
            .copied()
            .unwrap_or(false);
        Ok(!weekend && self.holidays.binary_search(&date).is_err())
    }

    /// The day `n` business days after `date` (`date` itself does not count).
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut left = n;
        let limit = 7 * (u64::from(n) + 1) + self.holidays.len() as u64;
        let mut steps = 0u64;
        while left > 0 {
            day = day
                .checked_add_signed(Duration::days(1))
                .ok_or(CalendarError::OutOfRange)?;
            steps += 1;
            if steps > limit {
                return Err(CalendarError::OutOfRange);
            }
            if self.is_business_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// `date` if it is a business day, else the next business day.
    pub fn roll_forward(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_business_day(date)? {
            return Ok(date);
        }
        self.add_business_days(date, 1)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn business_days_skip_weekends() {
        let cal = Calendar::default();
        // Friday 2023-09-01 + 1 business day = Monday 2023-09-04.
        assert_eq!(
            cal.add_business_days(d(2023, 9, 1), 1).unwrap(),
            d(2023, 9, 4)
        );
        assert_eq!(
            cal.add_business_days(d(2023, 9, 1), 5).unwrap(),
            d(2023, 9, 8)
        );
        assert_eq!(
            cal.add_business_days(d(2023, 9, 1), 0).unwrap(),
            d(2023, 9, 1)
        );
    }

    #[test]
    fn korean_holidays_are_not_business_days() {
        let mut cal = Calendar::default();
        assert!(cal.add_bundled("KR"));
        // Chuseok 2023: Sep 28-30, then the Oct 2 temporary holiday and Oct 3.
        assert!(!cal.is_business_day(d(2023, 9, 28)).unwrap());
        assert!(!cal.is_business_day(d(2023, 10, 2)).unwrap());
        // Wednesday 2023-09-27 + 1 business day = Wednesday 2023-10-04.
        assert_eq!(
            cal.add_business_days(d(2023, 9, 27), 1).unwrap(),
            d(2023, 10, 4)
        );
        assert_eq!(cal.roll_forward(d(2023, 9, 30)).unwrap(), d(2023, 10, 4));
    }

    #[test]
    fn bundled_list_outside_its_years_is_an_error() {
        let mut cal = Calendar::default();
        cal.add_bundled("KR");
        assert!(matches!(
            cal.is_business_day(d(2040, 1, 2)),
            Err(CalendarError::NotCovered { year: 2040, .. })
        ));
    }

    #[test]
    fn leap_day_and_year_end() {
        let cal = Calendar::default();
        // Thursday 2024-02-29 + 1 = Friday 2024-03-01; Friday 2023-12-29 + 1 = Monday 2024-01-01.
        assert_eq!(
            cal.add_business_days(d(2024, 2, 28), 1).unwrap(),
            d(2024, 2, 29)
        );
        assert_eq!(
            cal.add_business_days(d(2023, 12, 29), 1).unwrap(),
            d(2024, 1, 1)
        );
    }
}
