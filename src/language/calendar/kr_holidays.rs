//! Public holidays of the Republic of Korea, 2015–2030, as a static table.
//!
//! Sources of the rules: the Regulations on Holidays of Government Offices
//! (관공서의 공휴일에 관한 규정, Presidential Decree), the Public Holidays Act
//! (공휴일에 관한 법률, 2021, amended 2026), the National Holidays Act, and
//! Article 34 of the Public Official Election Act for election days. Lunar dates
//! (Seollal, Buddha's Birthday, Chuseok) follow the Korean lunisolar calendar
//! as published by the Korea Astronomy and Space Science Institute, computed
//! for Korean Standard Time; in 2027 and 2028 Seollal falls one day later than
//! Chinese New Year.
//!
//! Included: New Year's Day; Seollal (the eve, the day and the day after of
//! lunar 1/1); Independence Movement Day (Mar 1); Labor Day (May 1, from 2026);
//! Children's Day (May 5); Buddha's Birthday (lunar 4/8); Memorial Day (Jun 6);
//! Constitution Day (Jul 17, from 2026); Liberation Day (Aug 15); Chuseok (the
//! eve, the day and the day after of lunar 8/15); National Foundation Day
//! (Oct 3); Hangul Day (Oct 9); Christmas Day (Dec 25); the election days held
//! at the end of a term or early after an impeachment (public holidays by law);
//! one-off temporary holidays designated by the cabinet; and substitute
//! holidays (대체공휴일).
//!
//! Substitute days: a substitute holiday is the first following day that is
//! neither a Saturday, a Sunday nor another public holiday. For Seollal and
//! Chuseok it is granted when a day of the three-day period falls on a Sunday
//! or on another public holiday (a Saturday does not count). For the other
//! covered holidays it is granted when the day falls on a Saturday, a Sunday
//! or another public holiday; two holidays on the same day give one
//! substitute. Coverage grew over time: from 2014 Seollal, Chuseok and
//! Children's Day; from August 2021 also Mar 1, Aug 15, Oct 3 and Oct 9; from
//! May 2023 also Buddha's Birthday and Christmas; from 2026 also Labor Day and
//! Constitution Day. New Year's Day, Memorial Day and election days never get
//! one. Each year carries the days as they were actually designated; for the
//! years still ahead the current rules are applied, future election days are
//! computed from the election law, and temporary holidays, which are decided
//! case by case, cannot be known (comments in the table mark such dates).
//!
//! Years before [`FIRST_YEAR`] or after [`LAST_YEAR`] are not covered: the
//! calendar does not guess them and reports that the year is out of range.

/// First and last year the table covers.
pub const FIRST_YEAR: i32 = 2015;
pub const LAST_YEAR: i32 = 2030;

/// (year, month, day, name), sorted ascending, no duplicates.
pub const HOLIDAYS: &[(i32, u32, u32, &str)] = &[
    // 2015: substitute days only for Seollal, Chuseok and Children's Day.
    (2015, 1, 1, "New Year's Day"),
    (2015, 2, 18, "Day before Seollal"),
    (2015, 2, 19, "Seollal"),
    (2015, 2, 20, "Day after Seollal"),
    (2015, 3, 1, "Independence Movement Day"),
    (2015, 5, 5, "Children's Day"),
    (2015, 5, 25, "Buddha's Birthday"),
    (2015, 6, 6, "Memorial Day"),
    // One-off: 70th anniversary of liberation.
    (2015, 8, 14, "Temporary holiday"),
    (2015, 8, 15, "Liberation Day"),
    (2015, 9, 26, "Day before Chuseok"),
    (2015, 9, 27, "Chuseok"),
    (2015, 9, 28, "Day after Chuseok"),
    (2015, 9, 29, "Substitute holiday (Chuseok)"),
    (2015, 10, 3, "National Foundation Day"),
    (2015, 10, 9, "Hangul Day"),
    (2015, 12, 25, "Christmas Day"),
    (2016, 1, 1, "New Year's Day"),
    (2016, 2, 7, "Day before Seollal"),
    (2016, 2, 8, "Seollal"),
    (2016, 2, 9, "Day after Seollal"),
    (2016, 2, 10, "Substitute holiday (Seollal)"),
    (2016, 3, 1, "Independence Movement Day"),
    // 20th National Assembly election.
    (2016, 4, 13, "National Assembly election day"),
    (2016, 5, 5, "Children's Day"),
    // One-off temporary holiday.
    (2016, 5, 6, "Temporary holiday"),
    (2016, 5, 14, "Buddha's Birthday"),
    (2016, 6, 6, "Memorial Day"),
    (2016, 8, 15, "Liberation Day"),
    (2016, 9, 14, "Day before Chuseok"),
    (2016, 9, 15, "Chuseok"),
    (2016, 9, 16, "Day after Chuseok"),
    (2016, 10, 3, "National Foundation Day"),
    (2016, 10, 9, "Hangul Day"),
    (2016, 12, 25, "Christmas Day"),
    (2017, 1, 1, "New Year's Day"),
    (2017, 1, 27, "Day before Seollal"),
    (2017, 1, 28, "Seollal"),
    (2017, 1, 29, "Day after Seollal"),
    (2017, 1, 30, "Substitute holiday (Seollal)"),
    (2017, 3, 1, "Independence Movement Day"),
    (2017, 5, 3, "Buddha's Birthday"),
    (2017, 5, 5, "Children's Day"),
    // 19th presidential election (early, after impeachment).
    (2017, 5, 9, "Presidential election day"),
    (2017, 6, 6, "Memorial Day"),
    (2017, 8, 15, "Liberation Day"),
    // One-off temporary holiday (ten-day Chuseok break).
    (2017, 10, 2, "Temporary holiday"),
    // Day before Chuseok falls on National Foundation Day.
    (2017, 10, 3, "Day before Chuseok / National Foundation Day"),
    (2017, 10, 4, "Chuseok"),
    (2017, 10, 5, "Day after Chuseok"),
    // Substitute for the Chuseok / National Foundation Day overlap.
    (2017, 10, 6, "Substitute holiday (Chuseok)"),
    (2017, 10, 9, "Hangul Day"),
    (2017, 12, 25, "Christmas Day"),
    (2018, 1, 1, "New Year's Day"),
    (2018, 2, 15, "Day before Seollal"),
    (2018, 2, 16, "Seollal"),
    (2018, 2, 17, "Day after Seollal"),
    (2018, 3, 1, "Independence Movement Day"),
    (2018, 5, 5, "Children's Day"),
    (2018, 5, 7, "Substitute holiday (Children's Day)"),
    (2018, 5, 22, "Buddha's Birthday"),
    (2018, 6, 6, "Memorial Day"),
    // 7th local elections (moved a week: Jun 6 is Memorial Day).
    (2018, 6, 13, "Local election day"),
    (2018, 8, 15, "Liberation Day"),
    (2018, 9, 23, "Day before Chuseok"),
    (2018, 9, 24, "Chuseok"),
    (2018, 9, 25, "Day after Chuseok"),
    (2018, 9, 26, "Substitute holiday (Chuseok)"),
    (2018, 10, 3, "National Foundation Day"),
    (2018, 10, 9, "Hangul Day"),
    (2018, 12, 25, "Christmas Day"),
    (2019, 1, 1, "New Year's Day"),
    (2019, 2, 4, "Day before Seollal"),
    (2019, 2, 5, "Seollal"),
    (2019, 2, 6, "Day after Seollal"),
    (2019, 3, 1, "Independence Movement Day"),
    (2019, 5, 5, "Children's Day"),
    (2019, 5, 6, "Substitute holiday (Children's Day)"),
    (2019, 5, 12, "Buddha's Birthday"),
    (2019, 6, 6, "Memorial Day"),
    (2019, 8, 15, "Liberation Day"),
    (2019, 9, 12, "Day before Chuseok"),
    (2019, 9, 13, "Chuseok"),
    // Chuseok period ends on a Saturday: no substitute (Sundays only).
    (2019, 9, 14, "Day after Chuseok"),
    (2019, 10, 3, "National Foundation Day"),
    (2019, 10, 9, "Hangul Day"),
    (2019, 12, 25, "Christmas Day"),
    (2020, 1, 1, "New Year's Day"),
    (2020, 1, 24, "Day before Seollal"),
    (2020, 1, 25, "Seollal"),
    (2020, 1, 26, "Day after Seollal"),
    (2020, 1, 27, "Substitute holiday (Seollal)"),
    (2020, 3, 1, "Independence Movement Day"),
    // 21st National Assembly election.
    (2020, 4, 15, "National Assembly election day"),
    (2020, 4, 30, "Buddha's Birthday"),
    (2020, 5, 5, "Children's Day"),
    (2020, 6, 6, "Memorial Day"),
    (2020, 8, 15, "Liberation Day"),
    // One-off temporary holiday.
    (2020, 8, 17, "Temporary holiday"),
    (2020, 9, 30, "Day before Chuseok"),
    (2020, 10, 1, "Chuseok"),
    (2020, 10, 2, "Day after Chuseok"),
    (2020, 10, 3, "National Foundation Day"),
    (2020, 10, 9, "Hangul Day"),
    (2020, 12, 25, "Christmas Day"),
    (2021, 1, 1, "New Year's Day"),
    (2021, 2, 11, "Day before Seollal"),
    (2021, 2, 12, "Seollal"),
    (2021, 2, 13, "Day after Seollal"),
    (2021, 3, 1, "Independence Movement Day"),
    (2021, 5, 5, "Children's Day"),
    (2021, 5, 19, "Buddha's Birthday"),
    (2021, 6, 6, "Memorial Day"),
    (2021, 8, 15, "Liberation Day"),
    // From 2021-08 substitutes also cover Mar 1, Aug 15, Oct 3, Oct 9.
    (2021, 8, 16, "Substitute holiday (Liberation Day)"),
    (2021, 9, 20, "Day before Chuseok"),
    (2021, 9, 21, "Chuseok"),
    (2021, 9, 22, "Day after Chuseok"),
    (2021, 10, 3, "National Foundation Day"),
    (2021, 10, 4, "Substitute holiday (National Foundation Day)"),
    (2021, 10, 9, "Hangul Day"),
    (2021, 10, 11, "Substitute holiday (Hangul Day)"),
    (2021, 12, 25, "Christmas Day"),
    (2022, 1, 1, "New Year's Day"),
    (2022, 1, 31, "Day before Seollal"),
    (2022, 2, 1, "Seollal"),
    (2022, 2, 2, "Day after Seollal"),
    (2022, 3, 1, "Independence Movement Day"),
    // 20th presidential election (moved a week: Mar 2 follows the Mar 1 holiday).
    (2022, 3, 9, "Presidential election day"),
    (2022, 5, 5, "Children's Day"),
    (2022, 5, 8, "Buddha's Birthday"),
    // 8th local elections.
    (2022, 6, 1, "Local election day"),
    (2022, 6, 6, "Memorial Day"),
    (2022, 8, 15, "Liberation Day"),
    (2022, 9, 9, "Day before Chuseok"),
    (2022, 9, 10, "Chuseok"),
    (2022, 9, 11, "Day after Chuseok"),
    (2022, 9, 12, "Substitute holiday (Chuseok)"),
    (2022, 10, 3, "National Foundation Day"),
    (2022, 10, 9, "Hangul Day"),
    (2022, 10, 10, "Substitute holiday (Hangul Day)"),
    (2022, 12, 25, "Christmas Day"),
    (2023, 1, 1, "New Year's Day"),
    (2023, 1, 21, "Day before Seollal"),
    (2023, 1, 22, "Seollal"),
    (2023, 1, 23, "Day after Seollal"),
    (2023, 1, 24, "Substitute holiday (Seollal)"),
    (2023, 3, 1, "Independence Movement Day"),
    (2023, 5, 5, "Children's Day"),
    (2023, 5, 27, "Buddha's Birthday"),
    // From 2023-05 substitutes also cover Buddha's Birthday and Christmas.
    (2023, 5, 29, "Substitute holiday (Buddha's Birthday)"),
    (2023, 6, 6, "Memorial Day"),
    (2023, 8, 15, "Liberation Day"),
    (2023, 9, 28, "Day before Chuseok"),
    (2023, 9, 29, "Chuseok"),
    (2023, 9, 30, "Day after Chuseok"),
    // One-off temporary holiday.
    (2023, 10, 2, "Temporary holiday"),
    (2023, 10, 3, "National Foundation Day"),
    (2023, 10, 9, "Hangul Day"),
    (2023, 12, 25, "Christmas Day"),
    (2024, 1, 1, "New Year's Day"),
    (2024, 2, 9, "Day before Seollal"),
    (2024, 2, 10, "Seollal"),
    (2024, 2, 11, "Day after Seollal"),
    (2024, 2, 12, "Substitute holiday (Seollal)"),
    (2024, 3, 1, "Independence Movement Day"),
    // 22nd National Assembly election.
    (2024, 4, 10, "National Assembly election day"),
    (2024, 5, 5, "Children's Day"),
    (2024, 5, 6, "Substitute holiday (Children's Day)"),
    (2024, 5, 15, "Buddha's Birthday"),
    (2024, 6, 6, "Memorial Day"),
    (2024, 8, 15, "Liberation Day"),
    (2024, 9, 16, "Day before Chuseok"),
    (2024, 9, 17, "Chuseok"),
    (2024, 9, 18, "Day after Chuseok"),
    // One-off: Armed Forces Day designated a temporary holiday in 2024 only.
    (2024, 10, 1, "Armed Forces Day (temporary holiday)"),
    (2024, 10, 3, "National Foundation Day"),
    (2024, 10, 9, "Hangul Day"),
    (2024, 12, 25, "Christmas Day"),
    (2025, 1, 1, "New Year's Day"),
    // One-off temporary holiday.
    (2025, 1, 27, "Temporary holiday"),
    (2025, 1, 28, "Day before Seollal"),
    (2025, 1, 29, "Seollal"),
    (2025, 1, 30, "Day after Seollal"),
    (2025, 3, 1, "Independence Movement Day"),
    (2025, 3, 3, "Substitute holiday (Independence Movement Day)"),
    // Children's Day and Buddha's Birthday coincide.
    (2025, 5, 5, "Children's Day / Buddha's Birthday"),
    // A single substitute day for the coincidence.
    (
        2025,
        5,
        6,
        "Substitute holiday (Children's Day / Buddha's Birthday)",
    ),
    // 21st presidential election (early, after impeachment).
    (2025, 6, 3, "Presidential election day"),
    (2025, 6, 6, "Memorial Day"),
    (2025, 8, 15, "Liberation Day"),
    (2025, 10, 3, "National Foundation Day"),
    (2025, 10, 5, "Day before Chuseok"),
    (2025, 10, 6, "Chuseok"),
    (2025, 10, 7, "Day after Chuseok"),
    (2025, 10, 8, "Substitute holiday (Chuseok)"),
    (2025, 10, 9, "Hangul Day"),
    (2025, 12, 25, "Christmas Day"),
    // 2026 onwards: the current rules applied to the calendar; one-off
    // temporary holidays for these years cannot be known in advance.
    (2026, 1, 1, "New Year's Day"),
    (2026, 2, 16, "Day before Seollal"),
    (2026, 2, 17, "Seollal"),
    (2026, 2, 18, "Day after Seollal"),
    (2026, 3, 1, "Independence Movement Day"),
    (2026, 3, 2, "Substitute holiday (Independence Movement Day)"),
    // Labor Day became a public holiday from 2026 (Public Holidays Act
    // amendment passed 2026-03-31), with substitute days.
    (2026, 5, 1, "Labor Day"),
    (2026, 5, 5, "Children's Day"),
    (2026, 5, 24, "Buddha's Birthday"),
    (2026, 5, 25, "Substitute holiday (Buddha's Birthday)"),
    // 9th local elections.
    (2026, 6, 3, "Local election day"),
    (2026, 6, 6, "Memorial Day"),
    // Constitution Day is a public holiday again from 2026 (Public Holidays
    // Act amendment promulgated 2026-02-10), with substitute days.
    (2026, 7, 17, "Constitution Day"),
    (2026, 8, 15, "Liberation Day"),
    (2026, 8, 17, "Substitute holiday (Liberation Day)"),
    (2026, 9, 24, "Day before Chuseok"),
    (2026, 9, 25, "Chuseok"),
    // Chuseok period ends on a Saturday: no substitute (Sundays only).
    (2026, 9, 26, "Day after Chuseok"),
    (2026, 10, 3, "National Foundation Day"),
    (2026, 10, 5, "Substitute holiday (National Foundation Day)"),
    (2026, 10, 9, "Hangul Day"),
    (2026, 12, 25, "Christmas Day"),
    (2027, 1, 1, "New Year's Day"),
    (2027, 2, 6, "Day before Seollal"),
    // Korean calendar (KST): Seollal is Feb 7 although Chinese New Year is Feb 6.
    (2027, 2, 7, "Seollal"),
    (2027, 2, 8, "Day after Seollal"),
    (2027, 2, 9, "Substitute holiday (Seollal)"),
    (2027, 3, 1, "Independence Movement Day"),
    (2027, 5, 1, "Labor Day"),
    // Labor Day substitute (listed in the official 2027 calendar).
    (2027, 5, 3, "Substitute holiday (Labor Day)"),
    (2027, 5, 5, "Children's Day"),
    (2027, 5, 13, "Buddha's Birthday"),
    (2027, 6, 6, "Memorial Day"),
    (2027, 7, 17, "Constitution Day"),
    // Constitution Day substitute (listed in the official 2027 calendar).
    (2027, 7, 19, "Substitute holiday (Constitution Day)"),
    (2027, 8, 15, "Liberation Day"),
    (2027, 8, 16, "Substitute holiday (Liberation Day)"),
    (2027, 9, 14, "Day before Chuseok"),
    (2027, 9, 15, "Chuseok"),
    (2027, 9, 16, "Day after Chuseok"),
    (2027, 10, 3, "National Foundation Day"),
    (2027, 10, 4, "Substitute holiday (National Foundation Day)"),
    (2027, 10, 9, "Hangul Day"),
    (2027, 10, 11, "Substitute holiday (Hangul Day)"),
    (2027, 12, 25, "Christmas Day"),
    // First Christmas substitute under the 2023 rule.
    (2027, 12, 27, "Substitute holiday (Christmas Day)"),
    (2028, 1, 1, "New Year's Day"),
    (2028, 1, 26, "Day before Seollal"),
    // Korean calendar (KST): Seollal is Jan 27 although Chinese New Year is Jan 26.
    (2028, 1, 27, "Seollal"),
    (2028, 1, 28, "Day after Seollal"),
    (2028, 3, 1, "Independence Movement Day"),
    // 23rd National Assembly election, computed from the Public Official
    // Election Act art. 34 (first Wednesday from Apr 9); not yet official.
    (2028, 4, 12, "National Assembly election day"),
    (2028, 5, 1, "Labor Day"),
    (2028, 5, 2, "Buddha's Birthday"),
    (2028, 5, 5, "Children's Day"),
    (2028, 6, 6, "Memorial Day"),
    (2028, 7, 17, "Constitution Day"),
    (2028, 8, 15, "Liberation Day"),
    (2028, 10, 2, "Day before Chuseok"),
    // Chuseok falls on National Foundation Day.
    (2028, 10, 3, "Chuseok / National Foundation Day"),
    (2028, 10, 4, "Day after Chuseok"),
    // A single substitute for the Chuseok / National Foundation Day overlap
    // (as in 2017 and 2025); computed, not yet official.
    (2028, 10, 5, "Substitute holiday (Chuseok)"),
    (2028, 10, 9, "Hangul Day"),
    (2028, 12, 25, "Christmas Day"),
    (2029, 1, 1, "New Year's Day"),
    (2029, 2, 12, "Day before Seollal"),
    (2029, 2, 13, "Seollal"),
    (2029, 2, 14, "Day after Seollal"),
    (2029, 3, 1, "Independence Movement Day"),
    (2029, 5, 1, "Labor Day"),
    (2029, 5, 5, "Children's Day"),
    (2029, 5, 7, "Substitute holiday (Children's Day)"),
    (2029, 5, 20, "Buddha's Birthday"),
    (2029, 5, 21, "Substitute holiday (Buddha's Birthday)"),
    (2029, 6, 6, "Memorial Day"),
    (2029, 7, 17, "Constitution Day"),
    (2029, 8, 15, "Liberation Day"),
    (2029, 9, 21, "Day before Chuseok"),
    (2029, 9, 22, "Chuseok"),
    (2029, 9, 23, "Day after Chuseok"),
    (2029, 9, 24, "Substitute holiday (Chuseok)"),
    (2029, 10, 3, "National Foundation Day"),
    (2029, 10, 9, "Hangul Day"),
    (2029, 12, 25, "Christmas Day"),
    (2030, 1, 1, "New Year's Day"),
    (2030, 2, 2, "Day before Seollal"),
    (2030, 2, 3, "Seollal"),
    (2030, 2, 4, "Day after Seollal"),
    (2030, 2, 5, "Substitute holiday (Seollal)"),
    (2030, 3, 1, "Independence Movement Day"),
    // Presidential election, computed from art. 34 (term ends 2030-06-03;
    // first Wednesday from Mar 25); uncertain: may change if the election
    // law or the constitution is amended.
    (2030, 3, 27, "Presidential election day"),
    (2030, 5, 1, "Labor Day"),
    (2030, 5, 5, "Children's Day"),
    (2030, 5, 6, "Substitute holiday (Children's Day)"),
    (2030, 5, 9, "Buddha's Birthday"),
    (2030, 6, 6, "Memorial Day"),
    // 10th local elections, computed from art. 34: Jun 5 would be the day
    // before Memorial Day, so moved a week; not yet official.
    (2030, 6, 12, "Local election day"),
    (2030, 7, 17, "Constitution Day"),
    (2030, 8, 15, "Liberation Day"),
    (2030, 9, 11, "Day before Chuseok"),
    (2030, 9, 12, "Chuseok"),
    (2030, 9, 13, "Day after Chuseok"),
    (2030, 10, 3, "National Foundation Day"),
    (2030, 10, 9, "Hangul Day"),
    (2030, 12, 25, "Christmas Day"),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::{FIRST_YEAR, HOLIDAYS, LAST_YEAR};
    use chrono::{Datelike, NaiveDate, Weekday};

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }

    fn name_of(year: i32, month: u32, day: u32) -> Option<&'static str> {
        HOLIDAYS
            .iter()
            .find(|&&(y, m, d, _)| (y, m, d) == (year, month, day))
            .map(|&(_, _, _, name)| name)
    }

    #[test]
    fn sorted_strictly_ascending() {
        for pair in HOLIDAYS.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert!(
                (a.0, a.1, a.2) < (b.0, b.1, b.2),
                "not strictly ascending: {a:?} then {b:?}"
            );
        }
    }

    #[test]
    fn every_date_is_valid_and_in_range() {
        for &(year, month, day, name) in HOLIDAYS {
            assert!(
                NaiveDate::from_ymd_opt(year, month, day).is_some(),
                "invalid date {year}-{month}-{day} ({name})"
            );
            assert!(
                (FIRST_YEAR..=LAST_YEAR).contains(&year),
                "{year} out of range"
            );
            assert!(!name.is_empty(), "empty name on {year}-{month}-{day}");
        }
    }

    #[test]
    fn every_year_has_at_least_fifteen_entries() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let count = HOLIDAYS.iter().filter(|h| h.0 == year).count();
            assert!(count >= 15, "{year} has only {count} entries");
        }
    }

    #[test]
    fn substitute_days_fall_on_weekdays() {
        for &(year, month, day, name) in HOLIDAYS {
            if name.starts_with("Substitute holiday") {
                let weekday = date(year, month, day).weekday();
                assert!(
                    weekday != Weekday::Sat && weekday != Weekday::Sun,
                    "{name} on {year}-{month}-{day} is a {weekday}"
                );
            }
        }
    }

    #[test]
    fn fixed_holidays_present_every_year() {
        for year in FIRST_YEAR..=LAST_YEAR {
            for (month, day) in [
                (1, 1),
                (3, 1),
                (5, 5),
                (6, 6),
                (8, 15),
                (10, 3),
                (10, 9),
                (12, 25),
            ] {
                assert!(
                    name_of(year, month, day).is_some(),
                    "{year}-{month}-{day} missing"
                );
            }
            let seollal = HOLIDAYS
                .iter()
                .filter(|h| h.0 == year && h.3.contains("Seollal") && !h.3.starts_with("Sub"))
                .count();
            let chuseok = HOLIDAYS
                .iter()
                .filter(|h| h.0 == year && h.3.contains("Chuseok") && !h.3.starts_with("Sub"))
                .count();
            assert_eq!(seollal, 3, "{year}: Seollal should span three days");
            assert_eq!(chuseok, 3, "{year}: Chuseok should span three days");
        }
    }

    #[test]
    fn known_spot_checks() {
        let expect = [
            (2023, 1, 22, "Seollal"),
            (2023, 1, 24, "Substitute holiday (Seollal)"),
            (2023, 5, 27, "Buddha's Birthday"),
            (2023, 5, 29, "Substitute holiday (Buddha's Birthday)"),
            (2023, 9, 29, "Chuseok"),
            (2023, 10, 2, "Temporary holiday"),
            (2024, 2, 10, "Seollal"),
            (2024, 2, 12, "Substitute holiday (Seollal)"),
            (2024, 9, 17, "Chuseok"),
            (2024, 10, 1, "Armed Forces Day (temporary holiday)"),
            (2025, 1, 27, "Temporary holiday"),
            (2025, 6, 3, "Presidential election day"),
            (2017, 5, 9, "Presidential election day"),
            (2022, 3, 9, "Presidential election day"),
        ];
        for (year, month, day, name) in expect {
            assert_eq!(
                name_of(year, month, day),
                Some(name),
                "{year}-{month}-{day}"
            );
        }
        // Saturdays in a Seollal or Chuseok period give no substitute day.
        assert_eq!(name_of(2023, 10, 4), None);
        assert_eq!(name_of(2019, 9, 16), None);
    }
}
