//! Business-day calendars: which weekdays are weekend, which dates are holidays,
//! and day arithmetic over them.
//!
//! A calendar is a weekend plus holiday lists: bundled ones (`countries`, built
//! from the [`rules`] of each country's law, and tables where a rule cannot say)
//! and lists typed by hand. Every list covers a span of years, and the calendar
//! answers only inside the years all its lists cover ([`Coverage`]): a date
//! outside is an error naming the list, never an answer computed without its
//! holidays.
//!
//! Every loop here is bounded. Without holiday lists, whole weeks are skipped
//! arithmetically (a calendar has at least one business day a week: the checker
//! refuses a seven-day weekend). With them, counting stops at the end of the
//! covered years at the latest, whatever the holidays are, so a search never
//! looks at more days than the covered years hold.

mod countries;
pub mod kr_holidays;
pub mod rules;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

pub use rules::{Def, Named};

/// Every bundled calendar, sorted by code.
pub fn bundled() -> Vec<&'static Def> {
    countries::all()
}

/// The bundled calendar with this code (`"US"`, `"GB-SCT"`), as written.
pub fn find_bundled(code: &str) -> Option<&'static Def> {
    countries::find(code)
}

/// The bundled calendar code someone writing `code` most likely meant: the same
/// code in other letters or with `_` (`"gb_sct"`), `GB` for `UK` (not an ISO
/// code), else the closest code by spelling.
pub fn suggest(code: &str) -> Option<&'static str> {
    let wanted = code.trim().to_ascii_uppercase().replace('_', "-");
    let wanted = match wanted.split_once('-') {
        Some(("UK", region)) => format!("GB-{region}"),
        None if wanted == "UK" => "GB".to_string(),
        _ => wanted,
    };
    let all = countries::all();
    if let Some(d) = all.iter().find(|d| d.code == wanted) {
        return Some(d.code);
    }
    crate::language::diagnostic::did_you_mean(&wanted, all.iter().map(|d| d.code))
}

/// The holidays of a bundled calendar in one year (one entry a date, names
/// joined), or why not: no such calendar, or a year outside its span.
pub fn bundled_holidays(code: &str, year: i32) -> Result<Vec<Named>, CalendarError> {
    let def = countries::find(code).ok_or_else(|| CalendarError::Unknown(code.to_string()))?;
    if year < def.first || year > def.last {
        return Err(CalendarError::NotCovered {
            year,
            coverage: Coverage::bundled(def),
        });
    }
    Ok(def.holidays(year))
}

/// The span of years one holiday list is right for, and what the list is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The first year the list is right for.
    pub first: i32,
    /// The last year the list is right for.
    pub last: i32,
    /// The list, in words: `the bundled US calendar`, `the list of holidays typed by hand`.
    pub list: String,
    /// Whether the list is the dates typed by hand in the policy.
    pub by_hand: bool,
}

impl Coverage {
    fn bundled(def: &Def) -> Coverage {
        Coverage {
            first: def.first,
            last: def.last,
            list: format!("the bundled {} calendar", def.code),
            by_hand: false,
        }
    }
}

/// A business-day calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    weekend: [bool; 7],
    /// Sorted, no duplicates.
    holidays: Vec<NaiveDate>,
    /// Weekend days decreed working days. Sorted, no duplicates.
    workdays: Vec<NaiveDate>,
    /// The span of every holiday list: the calendar answers inside all of them.
    covered: Vec<Coverage>,
    /// The codes of the bundled calendars added (`KR`).
    bundled: Vec<&'static str>,
}

/// Why a calendar could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The date is outside the years a holiday list covers.
    NotCovered {
        /// The year asked about.
        year: i32,
        /// The list that does not cover it.
        coverage: Coverage,
    },
    /// No bundled calendar has this code.
    Unknown(String),
    /// The date arithmetic left chrono's range.
    OutOfRange,
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalendarError::NotCovered { year, coverage } => {
                write!(f, "{} covers ", coverage.list)?;
                if coverage.first == coverage.last {
                    write!(f, "only {}", coverage.first)?;
                } else {
                    write!(f, "{} to {}", coverage.first, coverage.last)?;
                }
                write!(f, "; business days in {year} cannot be counted")
            }
            CalendarError::Unknown(code) => write!(f, "there is no bundled calendar `{code}`"),
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
            workdays: Vec::new(),
            covered: Vec::new(),
            bundled: Vec::new(),
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
    /// bundled calendar gives one (a holiday typed by hand in the policy has none).
    pub fn holidays_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Vec<(NaiveDate, Option<String>)> {
        let from = self.holidays.partition_point(|d| *d < first);
        let to = self.holidays.partition_point(|d| *d <= last);
        let days = self.holidays.get(from..to.max(from)).unwrap_or_default();
        // Each bundled calendar's named holidays of the years shown.
        let mut named: Vec<rules::Named> = Vec::new();
        if !days.is_empty() {
            for code in &self.bundled {
                if let Some(def) = countries::find(code) {
                    for year in first.year()..=last.year() {
                        named.extend(def.holidays(year));
                    }
                }
            }
        }
        days.iter()
            .map(|d| {
                let name = named.iter().find(|n| n.date == *d).map(|n| n.name.clone());
                (*d, name)
            })
            .collect()
    }

    /// The bundled calendars the calendar uses (`KR`, `US`), in the order added.
    pub fn bundled(&self) -> &[&'static str] {
        &self.bundled
    }

    /// Whether every weekday is weekend (such a calendar has no business days).
    pub fn all_weekend(&self) -> bool {
        self.weekend.iter().all(|w| *w)
    }

    fn add_holiday(&mut self, date: NaiveDate) {
        if let Err(i) = self.holidays.binary_search(&date) {
            self.holidays.insert(i, date);
        }
    }

    /// Adds holidays listed by hand, right for the years `first` to `last`.
    pub fn add_listed(&mut self, dates: &[NaiveDate], first: i32, last: i32) {
        for d in dates {
            self.add_holiday(*d);
        }
        self.covered.push(Coverage {
            first,
            last,
            list: "the list of holidays typed by hand".into(),
            by_hand: true,
        });
    }

    /// Adds a bundled calendar by code; false when there is no such calendar.
    pub fn add_bundled(&mut self, code: &str) -> bool {
        let Some(def) = countries::find(code) else {
            return false;
        };
        for year in def.first..=def.last {
            for h in def.holidays(year) {
                self.add_holiday(h.date);
            }
        }
        for (y, m, d) in def.workdays {
            if let Some(date) = NaiveDate::from_ymd_opt(*y, *m, *d) {
                if let Err(i) = self.workdays.binary_search(&date) {
                    self.workdays.insert(i, date);
                }
            }
        }
        self.covered.push(Coverage::bundled(def));
        self.bundled.push(def.code);
        true
    }

    /// The spans of the calendar's holiday lists, in the order they were added.
    pub fn coverage(&self) -> &[Coverage] {
        &self.covered
    }

    /// The years every holiday list covers (`None` without lists: every year;
    /// `Some((a, b))` with `a > b` when the lists share no year).
    pub fn covered_years(&self) -> Option<(i32, i32)> {
        let first = self.covered.iter().map(|c| c.first).max()?;
        let last = self.covered.iter().map(|c| c.last).min()?;
        Some((first, last))
    }

    fn check_covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        let year = date.year();
        match self
            .covered
            .iter()
            .find(|c| year < c.first || year > c.last)
        {
            Some(c) => Err(CalendarError::NotCovered {
                year,
                coverage: c.clone(),
            }),
            None => Ok(()),
        }
    }

    fn is_weekend(&self, date: NaiveDate) -> bool {
        let weekend = self
            .weekend
            .get(date.weekday().num_days_from_monday() as usize)
            .copied()
            .unwrap_or(false);
        weekend && self.workdays.binary_search(&date).is_err()
    }

    pub fn is_business_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_covered(date)?;
        Ok(!self.is_weekend(date) && self.holidays.binary_search(&date).is_err())
    }

    /// The day `n` business days after `date` (`date` itself does not count).
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut left = n;
        if self.covered.is_empty() {
            // Weekends only: every run of seven days holds the same number of
            // business days, so whole weeks are skipped at once.
            let per_week = self.weekend.iter().filter(|w| !**w).count() as u32;
            if per_week > 0 && left > per_week {
                let weeks = (left - 1) / per_week;
                day = day
                    .checked_add_signed(Duration::days(7 * i64::from(weeks)))
                    .ok_or(CalendarError::OutOfRange)?;
                left -= weeks * per_week;
            }
        }
        // With holiday lists, `is_business_day` fails once the count leaves the
        // covered years; without, fewer than two weeks are left to walk.
        while left > 0 {
            day = day
                .checked_add_signed(Duration::days(1))
                .ok_or(CalendarError::OutOfRange)?;
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

    fn names(code: &str, year: i32) -> Vec<(NaiveDate, String)> {
        bundled_holidays(code, year)
            .unwrap()
            .into_iter()
            .map(|h| (h.date, h.name))
            .collect()
    }

    #[test]
    fn us_federal_holidays_on_a_weekend_are_observed_friday_or_monday() {
        let us = names("US", 2027);
        // Sunday 4 July 2027: Monday 5 July is the day off.
        assert!(us.contains(&(d(2027, 7, 5), "Independence Day (observed)".into())));
        // Saturday 25 December 2027: Friday 24 December.
        assert!(us.contains(&(d(2027, 12, 24), "Christmas Day (observed)".into())));
        // Saturday 1 January 2028: Friday 31 December 2027, in 2027's list.
        assert!(us.contains(&(d(2027, 12, 31), "New Year's Day (observed)".into())));
        // Juneteenth only from 2021.
        assert!(!names("US", 2020)
            .iter()
            .any(|(_, n)| n.starts_with("Juneteenth")));
        let mut cal = Calendar::default();
        assert!(cal.add_bundled("US"));
        // Friday 2 July 2027 + 1 business day: Tuesday 6 July.
        assert_eq!(
            cal.add_business_days(d(2027, 7, 2), 1).unwrap(),
            d(2027, 7, 6)
        );
        assert!(!cal.is_business_day(d(2027, 7, 5)).unwrap());
    }

    #[test]
    fn substitute_days_do_not_land_on_each_other() {
        // Christmas on a Saturday and Boxing Day on a Sunday: Monday 27 and Tuesday 28.
        let gb = names("GB-ENG", 2027);
        assert!(gb.contains(&(d(2027, 12, 27), "Christmas Day (observed)".into())));
        assert!(gb.contains(&(d(2027, 12, 28), "Boxing Day (observed)".into())));
        // Japan: the weekday between Respect for the Aged Day and the equinox, 2026.
        assert!(names("JP", 2026).contains(&(d(2026, 9, 22), "Citizens' Holiday".into())));
    }

    #[test]
    fn a_year_outside_a_bundled_calendar_is_an_error_naming_it() {
        let mut cal = Calendar::default();
        assert!(cal.add_bundled("US"));
        let err = cal.add_business_days(d(2030, 12, 30), 5).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the bundled US calendar covers 2020 to 2030; business days in 2031 cannot be counted"
        );
        assert!(cal.is_business_day(d(2019, 12, 31)).is_err());
        assert!(bundled_holidays("US", 2031).is_err());
        assert!(matches!(
            bundled_holidays("XX", 2025),
            Err(CalendarError::Unknown(_))
        ));
    }

    #[test]
    fn holidays_typed_by_hand_cover_their_years_only() {
        let mut cal = Calendar::default();
        cal.add_listed(&[d(2025, 7, 4), d(2026, 7, 3)], 2025, 2026);
        assert_eq!(
            cal.add_business_days(d(2026, 7, 2), 1).unwrap(),
            d(2026, 7, 6)
        );
        let err = cal.add_business_days(d(2027, 7, 2), 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the list of holidays typed by hand covers 2025 to 2026; business days in 2027 cannot be counted"
        );
        // With a bundled calendar, the years both cover.
        assert!(cal.add_bundled("US"));
        assert_eq!(cal.covered_years(), Some((2025, 2026)));
    }

    #[test]
    fn a_holiday_can_cost_a_whole_week() {
        // Issue #12, item 5: Mondays are the only business days and two are holidays.
        let mut cal = Calendar::new(&[
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ]);
        cal.add_listed(&[d(2023, 9, 4), d(2023, 9, 11)], 2023, 2023);
        assert_eq!(
            cal.add_business_days(d(2023, 9, 1), 1).unwrap(),
            d(2023, 9, 18)
        );
        // Past the covered years, an error, not a wrong day or a hang.
        assert!(cal.add_business_days(d(2023, 9, 1), 20).is_err());
    }

    #[test]
    fn skipping_whole_weeks_gives_the_day_counting_one_by_one_gives() {
        let weekends: [&[Weekday]; 3] = [
            &[Weekday::Sat, Weekday::Sun],
            &[Weekday::Fri, Weekday::Sat],
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
            ],
        ];
        for weekend in weekends {
            let cal = Calendar::new(weekend);
            for start in 0..7 {
                let from = d(2024, 1, 1) + Duration::days(start);
                for n in 0..40u32 {
                    let mut day = from;
                    let mut left = n;
                    while left > 0 {
                        day += Duration::days(1);
                        if !weekend.contains(&day.weekday()) {
                            left -= 1;
                        }
                    }
                    assert_eq!(
                        cal.add_business_days(from, n).unwrap(),
                        day,
                        "{weekend:?} {from} {n}"
                    );
                }
            }
        }
        // A very long count is arithmetic, not a walk.
        let cal = Calendar::default();
        assert_eq!(
            cal.add_business_days(d(2024, 1, 5), 5_000_000).unwrap(),
            d(2024, 1, 5) + Duration::days(7_000_000)
        );
    }
}
