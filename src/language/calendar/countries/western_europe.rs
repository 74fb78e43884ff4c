//! France, the Netherlands, Belgium: national public holidays. A holiday on a
//! weekend is not moved in any of them.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::language::calendar::rules::{easter, fixed, rule, Day, Def, Rule};

/// France, the jours fériés of the Labour Code (article L3133-1). Good Friday
/// and Saint Stephen's Day are kept only in Alsace and Moselle: not here.
const FR: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Easter Monday", 1),
    fixed("Labor Day", 5, 1),
    fixed("Victory Day", 5, 8),
    easter("Ascension Day", 39),
    easter("Pentecost Monday", 50),
    fixed("National Day", 7, 14),
    fixed("Assumption Day", 8, 15),
    fixed("All Saints' Day", 11, 1),
    fixed("Armistice Day", 11, 11),
    fixed("Christmas Day", 12, 25),
];

/// King's Day: 27 April, or 26 April when the 27th is a Sunday.
fn kings_day(year: i32) -> Option<NaiveDate> {
    let day = NaiveDate::from_ymd_opt(year, 4, 27)?;
    if day.weekday() == Weekday::Sun {
        return NaiveDate::from_ymd_opt(year, 4, 26);
    }
    Some(day)
}

/// Liberation Day (5 May) is a general day off once every five years.
fn liberation_day(year: i32) -> Option<NaiveDate> {
    if year % 5 == 0 {
        return NaiveDate::from_ymd_opt(year, 5, 5);
    }
    None
}

/// The Netherlands, the holidays of the General Extension of Time Limits Act
/// (Algemene termijnenwet) as employers observe them.
const NL: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Good Friday", -2),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    rule("King's Day", Day::Custom(kings_day)),
    rule("Liberation Day", Day::Custom(liberation_day)),
    easter("Ascension Day", 39),
    easter("Pentecost", 49),
    easter("Pentecost Monday", 50),
    fixed("Christmas Day", 12, 25),
    fixed("Second Day of Christmas", 12, 26),
];

/// Belgium, the ten legal holidays (Royal Decree of 18 April 1974), with Easter
/// and Whit Sunday.
const BE: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    fixed("Labor Day", 5, 1),
    easter("Ascension Day", 39),
    easter("Pentecost", 49),
    easter("Pentecost Monday", 50),
    fixed("National Day", 7, 21),
    fixed("Assumption Day", 8, 15),
    fixed("All Saints' Day", 11, 1),
    fixed("Armistice Day", 11, 11),
    fixed("Christmas Day", 12, 25),
];

pub const DEFS: &[Def] = &[
    Def::new(
        "FR",
        "France (metropolitan, without Alsace-Moselle's two extra days)",
        2020,
        2030,
        &[FR],
    ),
    Def::new("NL", "Netherlands", 2020, 2030, &[NL]),
    Def::new("BE", "Belgium", 2020, 2030, &[BE]),
];
