//! Sweden, Denmark, Norway, Finland: public holidays. A holiday on a weekend is
//! not moved in any of them.
//!
//! Sweden's Midsummer Eve, Christmas Eve and New Year's Eve are not public
//! holidays by law, though most businesses close: the `SE` calendar leaves them
//! out, as the law does; add them by hand where the shop closes.

use chrono::Weekday::{Fri, Sat};

use crate::language::calendar::rules::{easter, fixed, rule, Day, Def, Rule};

/// Sweden, the Public Holidays Act (lag 1989:253).
const SE: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    fixed("Epiphany", 1, 6),
    easter("Good Friday", -2),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    fixed("May Day", 5, 1),
    easter("Ascension Day", 39),
    easter("Pentecost", 49),
    fixed("National Day", 6, 6),
    rule("Midsummer Day", Day::OnOrAfter(6, 20, Sat)),
    rule("All Saints' Day", Day::OnOrAfter(10, 31, Sat)),
    fixed("Christmas Day", 12, 25),
    fixed("Second Day of Christmas", 12, 26),
];

/// Denmark, the holidays of the Holidays Act (helligdagsloven); Great Prayer Day
/// was abolished from 2024.
const DK: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Maundy Thursday", -3),
    easter("Good Friday", -2),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    easter("Great Prayer Day", 26).until(2023),
    easter("Ascension Day", 39),
    easter("Pentecost", 49),
    easter("Pentecost Monday", 50),
    fixed("Christmas Day", 12, 25),
    fixed("Second Day of Christmas", 12, 26),
];

/// Norway, the Public Holidays Act (helligdagsloven) and the Act on 1 and 17 May.
const NO: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Maundy Thursday", -3),
    easter("Good Friday", -2),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    fixed("Labor Day", 5, 1),
    fixed("Constitution Day", 5, 17),
    easter("Ascension Day", 39),
    easter("Pentecost", 49),
    easter("Pentecost Monday", 50),
    fixed("Christmas Day", 12, 25),
    fixed("Second Day of Christmas", 12, 26),
];

/// Finland, the public holidays of the Church Act and the Independence Day Act;
/// Midsummer Eve and Christmas Eve are general days off.
const FI: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    fixed("Epiphany", 1, 6),
    easter("Good Friday", -2),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    fixed("May Day", 5, 1),
    easter("Ascension Day", 39),
    easter("Pentecost", 49),
    rule("Midsummer Eve", Day::OnOrAfter(6, 19, Fri)),
    rule("Midsummer Day", Day::OnOrAfter(6, 20, Sat)),
    rule("All Saints' Day", Day::OnOrAfter(10, 31, Sat)),
    fixed("Independence Day", 12, 6),
    fixed("Christmas Eve", 12, 24),
    fixed("Christmas Day", 12, 25),
    fixed("Second Day of Christmas", 12, 26),
];

pub const DEFS: &[Def] = &[
    Def::new("SE", "Sweden (public holidays by law)", 2020, 2030, &[SE]),
    Def::new("DK", "Denmark", 2020, 2030, &[DK]),
    Def::new("NO", "Norway", 2020, 2030, &[NO]),
    Def::new("FI", "Finland", 2020, 2030, &[FI]),
];
