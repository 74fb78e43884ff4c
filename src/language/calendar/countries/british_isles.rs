//! The United Kingdom (what the whole kingdom shares, and each nation) and Ireland.

use chrono::Weekday::Mon;
use chrono::{Datelike, NaiveDate, Weekday};

use crate::language::calendar::rules::{dates, easter, fixed, nth, rule, Day, Def, Observed, Rule};

const NEXT: Observed = Observed::NextWeekday;

/// The bank holidays every part of the United Kingdom has (Banking and Financial
/// Dealings Act 1971 and the royal proclamations that move or add days). A
/// holiday on a weekend is made up on the next weekday that is not one already.
const GB: &[Rule] = &[
    fixed("New Year's Day", 1, 1).observed(NEXT),
    easter("Good Friday", -2),
    // 2020: moved to Friday 8 May for the 75th anniversary of VE Day.
    nth("May Day", 5, Mon, 1).except(&[2020]),
    dates("May Day", &[(2020, 5, 8)]),
    // 2022: moved to Thursday 2 June for the Platinum Jubilee.
    nth("Spring Bank Holiday", 5, Mon, -1).except(&[2022]),
    dates("Spring Bank Holiday", &[(2022, 6, 2)]),
    dates("Platinum Jubilee of Elizabeth II", &[(2022, 6, 3)]),
    dates("State Funeral of Queen Elizabeth II", &[(2022, 9, 19)]),
    dates("Coronation of Charles III", &[(2023, 5, 8)]),
    fixed("Christmas Day", 12, 25).observed(NEXT),
    fixed("Boxing Day", 12, 26).observed(NEXT),
];

/// England and Wales add Easter Monday and the last Monday of August.
const ENG: &[Rule] = &[
    easter("Easter Monday", 1),
    nth("Late Summer Bank Holiday", 8, Mon, -1),
];

/// Scotland adds 2 January, the first Monday of August and Saint Andrew's Day.
const SCT: &[Rule] = &[
    fixed("New Year Holiday", 1, 2).observed(NEXT),
    nth("Summer Bank Holiday", 8, Mon, 1),
    fixed("Saint Andrew's Day", 11, 30).observed(NEXT),
    // A one-off bank holiday by royal proclamation.
    dates(
        "Scotland's participation in the FIFA World Cup final",
        &[(2026, 6, 15)],
    ),
];

/// Northern Ireland adds Saint Patrick's Day, Easter Monday, the Battle of the
/// Boyne and the last Monday of August.
const NIR: &[Rule] = &[
    fixed("Saint Patrick's Day", 3, 17).observed(NEXT),
    easter("Easter Monday", 1),
    fixed("Battle of the Boyne", 7, 12).observed(NEXT),
    nth("Late Summer Bank Holiday", 8, Mon, -1),
];

/// Saint Brigid's Day (Ireland, from 2023): 1 February when it is a Friday,
/// otherwise the first Monday of February.
fn saint_brigid(year: i32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, 2, 1)?;
    if first.weekday() == Weekday::Fri {
        return Some(first);
    }
    crate::language::calendar::rules::nth_weekday(year, 2, Mon, 1)
}

/// Ireland, public holidays (Organisation of Working Time Act 1997, Schedule 2).
/// A public holiday on a weekend gives no substitute day off by law.
const IE: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    rule("Saint Brigid's Day", Day::Custom(saint_brigid)).since(2023),
    fixed("Saint Patrick's Day", 3, 17),
    dates("Day of Remembrance and Recognition", &[(2022, 3, 18)]),
    easter("Easter Monday", 1),
    nth("May Bank Holiday", 5, Mon, 1),
    nth("June Bank Holiday", 6, Mon, 1),
    nth("August Bank Holiday", 8, Mon, 1),
    nth("October Bank Holiday", 10, Mon, -1),
    fixed("Christmas Day", 12, 25),
    fixed("Saint Stephen's Day", 12, 26),
];

pub const DEFS: &[Def] = &[
    Def::new(
        "GB",
        "United Kingdom (bank holidays all nations share)",
        2020,
        2030,
        &[GB],
    ),
    Def::new("GB-ENG", "United Kingdom, England", 2020, 2030, &[GB, ENG]),
    Def::new("GB-WLS", "United Kingdom, Wales", 2020, 2030, &[GB, ENG]),
    Def::new("GB-SCT", "United Kingdom, Scotland", 2020, 2030, &[GB, SCT]),
    Def::new(
        "GB-NIR",
        "United Kingdom, Northern Ireland",
        2020,
        2030,
        &[GB, NIR],
    ),
    Def::new("IE", "Ireland", 2020, 2030, &[IE]),
];
