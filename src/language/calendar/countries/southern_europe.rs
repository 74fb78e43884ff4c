//! Spain, Italy, Portugal: national public holidays.

use chrono::Weekday::Sun;

use crate::language::calendar::rules::{easter, fixed, nth, Def, Observed, Rule};

/// A national holiday of Spain that falls on a Sunday is not a nationwide day
/// off that year: each autonomous community decides whether the Monday after is.
const NOT_ON_SUNDAY: Observed = Observed::NotOnSunday;

/// Spain, the national holidays of the Workers' Statute (article 37.2) and Royal
/// Decree 2001/1983 that every autonomous community keeps. Maundy Thursday, Easter
/// Monday and the regional days vary by community: add them by hand.
const ES: &[Rule] = &[
    fixed("New Year's Day", 1, 1).observed(NOT_ON_SUNDAY),
    fixed("Epiphany", 1, 6).observed(NOT_ON_SUNDAY),
    easter("Good Friday", -2),
    fixed("Labor Day", 5, 1).observed(NOT_ON_SUNDAY),
    fixed("Assumption Day", 8, 15).observed(NOT_ON_SUNDAY),
    fixed("National Day", 10, 12).observed(NOT_ON_SUNDAY),
    fixed("All Saints' Day", 11, 1).observed(NOT_ON_SUNDAY),
    fixed("Constitution Day", 12, 6).observed(NOT_ON_SUNDAY),
    fixed("Immaculate Conception", 12, 8).observed(NOT_ON_SUNDAY),
    fixed("Christmas Day", 12, 25).observed(NOT_ON_SUNDAY),
];

/// Italy, Law 260/1949 as amended (Saint Francis of Assisi from 2026); National
/// Unity Day is kept on the first Sunday of November.
const IT: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    fixed("Epiphany", 1, 6),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    fixed("Liberation Day", 4, 25),
    fixed("Labor Day", 5, 1),
    fixed("Republic Day", 6, 2),
    fixed("Assumption Of Mary Day", 8, 15),
    fixed("Saint Francis of Assisi, Patron Saint of Italy", 10, 4).since(2026),
    fixed("All Saints' Day", 11, 1),
    nth("National Unity Day", 11, Sun, 1),
    fixed("Immaculate Conception", 12, 8),
    fixed("Christmas Day", 12, 25),
    fixed("Saint Stephen's Day", 12, 26),
];

/// Portugal, the Labour Code (article 234), with the four days restored in 2016.
const PT: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Good Friday", -2),
    easter("Easter Sunday", 0),
    fixed("Freedom Day", 4, 25),
    fixed("Labor Day", 5, 1),
    easter("Corpus Christi", 60),
    fixed(
        "Day of Portugal, Camões, and the Portuguese Communities",
        6,
        10,
    ),
    fixed("Assumption Day", 8, 15),
    fixed("Republic Day", 10, 5),
    fixed("All Saints' Day", 11, 1),
    fixed("Restoration of Independence Day", 12, 1),
    fixed("Immaculate Conception", 12, 8),
    fixed("Christmas Day", 12, 25),
];

pub const DEFS: &[Def] = &[
    Def::new(
        "ES",
        "Spain (national holidays every community keeps)",
        2020,
        2030,
        &[ES],
    ),
    Def::new("IT", "Italy", 2020, 2030, &[IT]),
    Def::new("PT", "Portugal", 2020, 2030, &[PT]),
];
