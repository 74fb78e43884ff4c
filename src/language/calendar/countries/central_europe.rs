//! Austria, Switzerland, Poland: national public holidays. A holiday on a weekend
//! is not moved in any of them.

use crate::language::calendar::rules::{easter, fixed, Def, Rule};

/// Austria, the Holiday Rest Act (Feiertagsruhegesetz 1957, § 7).
const AT: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    fixed("Epiphany", 1, 6),
    easter("Easter Monday", 1),
    fixed("Labor Day", 5, 1),
    easter("Ascension Day", 39),
    easter("Pentecost Monday", 50),
    easter("Corpus Christi", 60),
    fixed("Assumption Day", 8, 15),
    fixed("National Day", 10, 26),
    fixed("All Saints' Day", 11, 1),
    fixed("Immaculate Conception", 12, 8),
    fixed("Christmas Day", 12, 25),
    fixed("Saint Stephen's Day", 12, 26),
];

/// Switzerland, the days every canton keeps (1 August by the Federal
/// Constitution, the others by every cantonal law). Good Friday, Easter and Whit
/// Monday, 2 January, 26 December and the rest are cantonal: add them by hand.
const CH: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Ascension Day", 39),
    fixed("National Day", 8, 1),
    fixed("Christmas Day", 12, 25),
];

/// Poland, the Act on Public Holidays of 18 January 1951 (Christmas Eve from 2025).
const PL: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    fixed("Epiphany", 1, 6),
    easter("Easter Sunday", 0),
    easter("Easter Monday", 1),
    fixed("National Day", 5, 1),
    fixed("National Day of the Third of May", 5, 3),
    easter("Pentecost", 49),
    easter("Corpus Christi", 60),
    fixed("Assumption Day", 8, 15),
    fixed("All Saints' Day", 11, 1),
    fixed("National Independence Day", 11, 11),
    fixed("Christmas Eve", 12, 24).since(2025),
    fixed("Christmas Day", 12, 25),
    fixed("Second Day of Christmas", 12, 26),
];

pub const DEFS: &[Def] = &[
    Def::new("AT", "Austria", 2020, 2030, &[AT]),
    Def::new(
        "CH",
        "Switzerland (days every canton keeps)",
        2020,
        2030,
        &[CH],
    ),
    Def::new("PL", "Poland", 2020, 2030, &[PL]),
];
