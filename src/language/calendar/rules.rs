//! How a law names a holiday, as data, and the dates that follows from it.
//!
//! A bundled calendar ([`Def`]) is a list of [`Rule`]s: each names a day the way
//! the law does ("the last Monday of May", "Easter Monday", "1 January"), says in
//! which years it applies, and whether a day falling on a weekend is made up by a
//! substitute day ([`Observed`]). Tables ([`Day::Table`]) hold what no rule can
//! say: lunar dates and days decreed one at a time.
//!
//! The holidays of a year are worked out in four steps:
//! 1. every rule in force gives its dates, for the year and its two neighbours
//!    (a substitute for 1 January on a Saturday can fall on 31 December before);
//! 2. substitute days are added in date order, each on the first day its rule
//!    allows that is not already a holiday or a substitute, so that two holidays
//!    on one weekend get two substitutes (Christmas and Boxing Day in England);
//! 3. with [`Def::bridge`], a weekday between two holidays becomes a holiday
//!    (Japan's citizens' holiday);
//! 4. the dates inside the year are kept; two names on one date are joined.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A day as a law names it.
#[derive(Debug, Clone, Copy)]
pub enum Day {
    /// Month and day.
    Fixed(u32, u32),
    /// The `n`th weekday of a month (1 to 5), or the last one when `n` is -1.
    Nth(u32, Weekday, i8),
    /// The first such weekday on or after a month and day.
    OnOrAfter(u32, u32, Weekday),
    /// The last such weekday on or before a month and day.
    OnOrBefore(u32, u32, Weekday),
    /// Days after Western (Gregorian) Easter Sunday; negative before it.
    Easter(i64),
    /// A rule none of the forms above says; `None` in a year it gives no day.
    Custom(fn(i32) -> Option<NaiveDate>),
    /// Single dates (year, month, day), for days decreed one at a time.
    Dates(&'static [(i32, u32, u32)]),
    /// Named dates (year, month, day, name), for calendars kept as tables.
    Table(&'static [(i32, u32, u32, &'static str)]),
}

/// What happens when a holiday falls on a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// Nothing: the holiday is lost.
    Never,
    /// Saturday: the Friday before; Sunday: the Monday after (US federal law).
    FridayOrMonday,
    /// Saturday or Sunday: the next weekday that is not already a holiday.
    NextWeekday,
    /// Sunday only: the next day that is not already a holiday (Japan).
    SundayToNextFreeDay,
    /// On a Sunday the day is no holiday at all that year (Spain's national list:
    /// each region then decides whether the Monday is).
    NotOnSunday,
}

/// One holiday as the law gives it.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub day: Day,
    /// First and last year the rule is in force (inclusive).
    pub from: i32,
    pub until: i32,
    /// Years in force without the day (a holiday moved by decree that year).
    pub except: &'static [i32],
    pub observed: Observed,
}

/// A rule in force in every year, with no substitute day.
pub const fn rule(name: &'static str, day: Day) -> Rule {
    Rule {
        name,
        day,
        from: i32::MIN,
        until: i32::MAX,
        except: &[],
        observed: Observed::Never,
    }
}

/// `rule(name, Day::Fixed(month, day))`.
pub const fn fixed(name: &'static str, month: u32, day: u32) -> Rule {
    rule(name, Day::Fixed(month, day))
}

/// `rule(name, Day::Easter(offset))`.
pub const fn easter(name: &'static str, offset: i64) -> Rule {
    rule(name, Day::Easter(offset))
}

/// `rule(name, Day::Nth(month, weekday, n))`.
pub const fn nth(name: &'static str, month: u32, weekday: Weekday, n: i8) -> Rule {
    rule(name, Day::Nth(month, weekday, n))
}

/// `rule(name, Day::Dates(dates))`: days decreed one at a time.
pub const fn dates(name: &'static str, dates: &'static [(i32, u32, u32)]) -> Rule {
    rule(name, Day::Dates(dates))
}

impl Rule {
    /// In force from this year on.
    pub const fn since(self, year: i32) -> Rule {
        Rule { from: year, ..self }
    }
    /// In force up to this year.
    pub const fn until(self, year: i32) -> Rule {
        Rule {
            until: year,
            ..self
        }
    }
    /// Not in these years.
    pub const fn except(self, years: &'static [i32]) -> Rule {
        Rule {
            except: years,
            ..self
        }
    }
    /// With substitute days.
    pub const fn observed(self, observed: Observed) -> Rule {
        Rule { observed, ..self }
    }

    fn in_force(&self, year: i32) -> bool {
        self.from <= year && year <= self.until && !self.except.contains(&year)
    }

    /// The dates the rule gives in `year` (before substitute days).
    fn dates(&self, year: i32, out: &mut Vec<Holiday>) {
        if !self.in_force(year) {
            return;
        }
        let observed = self.observed;
        let mut push = |date: Option<NaiveDate>, name: &'static str| {
            if let Some(date) = date {
                if observed == Observed::NotOnSunday && date.weekday() == Weekday::Sun {
                    return;
                }
                out.push(Holiday {
                    date,
                    name,
                    observed,
                    substitute: false,
                });
            }
        };
        match self.day {
            Day::Fixed(m, d) => push(NaiveDate::from_ymd_opt(year, m, d), self.name),
            Day::Nth(m, w, n) => push(nth_weekday(year, m, w, n), self.name),
            Day::OnOrAfter(m, d, w) => push(
                NaiveDate::from_ymd_opt(year, m, d).map(|start| {
                    let ahead =
                        (7 + w.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
                    start + Duration::days(i64::from(ahead))
                }),
                self.name,
            ),
            Day::OnOrBefore(m, d, w) => push(
                NaiveDate::from_ymd_opt(year, m, d).map(|end| {
                    let back =
                        (7 + end.weekday().num_days_from_monday() - w.num_days_from_monday()) % 7;
                    end - Duration::days(i64::from(back))
                }),
                self.name,
            ),
            Day::Easter(offset) => push(
                easter_sunday(year).and_then(|e| e.checked_add_signed(Duration::days(offset))),
                self.name,
            ),
            Day::Custom(f) => push(f(year), self.name),
            Day::Dates(list) => {
                for (y, m, d) in list.iter().filter(|e| e.0 == year) {
                    push(NaiveDate::from_ymd_opt(*y, *m, *d), self.name);
                }
            }
            Day::Table(list) => {
                for (y, m, d, name) in list.iter().filter(|e| e.0 == year) {
                    push(NaiveDate::from_ymd_opt(*y, *m, *d), name);
                }
            }
        }
    }
}

/// A bundled calendar: a country's holidays, or a region's (the country's and its own).
#[derive(Debug)]
pub struct Def {
    /// ISO 3166-1 (`"US"`) or ISO 3166-2 (`"GB-SCT"`).
    pub code: &'static str,
    /// What the calendar is, in English (`"United Kingdom, Scotland"`).
    pub name: &'static str,
    /// The years the calendar is right for: outside them it refuses to count.
    pub first: i32,
    pub last: i32,
    /// The rule lists that make it up (a region: the country's list and its own).
    pub rules: &'static [&'static [Rule]],
    /// A weekday between two holidays is a holiday too (Japan's citizens' holiday).
    pub bridge: bool,
    /// Weekend days decreed working days (China's make-up days), (year, month, day).
    pub workdays: &'static [(i32, u32, u32)],
}

/// A holiday on a date.
#[derive(Debug, Clone, Copy)]
struct Holiday {
    date: NaiveDate,
    name: &'static str,
    observed: Observed,
    substitute: bool,
}

/// One date of a calendar, with every name it carries that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The day.
    pub date: NaiveDate,
    /// Every name the day carries, joined (`"New Year's Day"`).
    pub name: String,
}

impl Def {
    pub const fn new(
        code: &'static str,
        name: &'static str,
        first: i32,
        last: i32,
        rules: &'static [&'static [Rule]],
    ) -> Def {
        Def {
            code,
            name,
            first,
            last,
            rules,
            bridge: false,
            workdays: &[],
        }
    }

    /// With the citizens' holiday between two holidays.
    pub const fn with_bridge(self) -> Def {
        Def {
            bridge: true,
            ..self
        }
    }

    /// With weekend days decreed working days.
    pub const fn with_workdays(self, workdays: &'static [(i32, u32, u32)]) -> Def {
        Def { workdays, ..self }
    }

    /// The holidays of `year`, sorted by date, one entry a date.
    pub fn holidays(&self, year: i32) -> Vec<Named> {
        let mut days = Vec::new();
        for y in [year - 1, year, year + 1] {
            for list in self.rules {
                for r in *list {
                    r.dates(y, &mut days);
                }
            }
        }
        days.sort_by_key(|h| h.date);
        let mut taken: std::collections::BTreeSet<NaiveDate> =
            days.iter().map(|h| h.date).collect();
        let mut subs = Vec::new();
        for h in &days {
            if let Some(date) = substitute(h, &mut taken) {
                subs.push(Holiday {
                    date,
                    substitute: true,
                    ..*h
                });
            }
        }
        if self.bridge {
            let proper: std::collections::BTreeSet<NaiveDate> =
                days.iter().map(|h| h.date).collect();
            for h in &days {
                let mid = h.date + Duration::days(1);
                if !taken.contains(&mid)
                    && mid.weekday() != Weekday::Sun
                    && proper.contains(&(mid + Duration::days(1)))
                {
                    subs.push(Holiday {
                        date: mid,
                        name: "Citizens' Holiday",
                        observed: Observed::Never,
                        substitute: false,
                    });
                }
            }
        }
        days.extend(subs);
        days.retain(|h| h.date.year() == year);
        days.sort_by_key(|h| h.date);
        let mut out: Vec<Named> = Vec::new();
        for h in days {
            let name = if h.substitute {
                format!("{} (observed)", h.name)
            } else {
                h.name.to_string()
            };
            match out.last_mut() {
                Some(last) if last.date == h.date => {
                    last.name.push_str("; ");
                    last.name.push_str(&name);
                }
                _ => out.push(Named { date: h.date, name }),
            }
        }
        out
    }
}

/// The substitute day for `h`, if its rule gives one, marked as taken.
fn substitute(h: &Holiday, taken: &mut std::collections::BTreeSet<NaiveDate>) -> Option<NaiveDate> {
    let wd = h.date.weekday();
    let weekend = |d: NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let date = match (h.observed, wd) {
        (Observed::FridayOrMonday, Weekday::Sat) => h.date - Duration::days(1),
        (Observed::FridayOrMonday, Weekday::Sun) => h.date + Duration::days(1),
        (Observed::NextWeekday, Weekday::Sat | Weekday::Sun) => {
            let mut d = h.date + Duration::days(1);
            // At most two weekend days and a handful of holidays in a row.
            for _ in 0..14 {
                if !weekend(d) && !taken.contains(&d) {
                    break;
                }
                d += Duration::days(1);
            }
            d
        }
        (Observed::SundayToNextFreeDay, Weekday::Sun) => {
            let mut d = h.date + Duration::days(1);
            for _ in 0..14 {
                if !taken.contains(&d) {
                    break;
                }
                d += Duration::days(1);
            }
            d
        }
        _ => return None,
    };
    taken.insert(date);
    Some(date)
}

/// The `n`th `weekday` of a month (`n` from 1), or the last when `n` is -1.
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: i8) -> Option<NaiveDate> {
    if n < 0 {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }?;
        let end = next.pred_opt()?;
        let back = (7 + end.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        return Some(end - Duration::days(i64::from(back)));
    }
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
}

/// Western Easter Sunday (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn easter_sundays() {
        for (y, m, d) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(
                easter_sunday(y).unwrap(),
                NaiveDate::from_ymd_opt(y, m, d).unwrap()
            );
        }
    }

    #[test]
    fn nth_and_last_weekdays() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            nth_weekday(2027, 5, Weekday::Mon, -1).unwrap(),
            d(2027, 5, 31)
        );
        assert_eq!(
            nth_weekday(2027, 11, Weekday::Thu, 4).unwrap(),
            d(2027, 11, 25)
        );
        assert_eq!(
            nth_weekday(2026, 12, Weekday::Thu, -1).unwrap(),
            d(2026, 12, 31)
        );
        assert_eq!(nth_weekday(2027, 2, Weekday::Mon, 5), None);
    }
}
