//! Germany: the holidays every Land shares, and each Land's own (ISO 3166-2:DE).
//!
//! Public holidays in Germany are set by the Länder; the nine below are the ones
//! all sixteen keep (German Unity Day by the Unification Treaty). A holiday on a
//! weekend is not moved. Days kept only in some municipalities (Assumption in
//! Catholic Bavaria, Corpus Christi in parts of Saxony and Thuringia, Augsburg's
//! Peace Festival) are left out: add them by hand where a shop is.

use chrono::Weekday::Wed;

use crate::language::calendar::rules::{dates, easter, fixed, rule, Day, Def, Rule};

const DE: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    easter("Good Friday", -2),
    easter("Easter Monday", 1),
    fixed("Labor Day", 5, 1),
    easter("Ascension Day", 39),
    easter("Pentecost Monday", 50),
    fixed("German Unity Day", 10, 3),
    fixed("Christmas Day", 12, 25),
    fixed("Second Day of Christmas", 12, 26),
];

const EPIPHANY: Rule = fixed("Epiphany", 1, 6);
const CORPUS_CHRISTI: Rule = easter("Corpus Christi", 60);
const ALL_SAINTS: Rule = fixed("All Saints' Day", 11, 1);
const REFORMATION: Rule = fixed("Reformation Day", 10, 31);
/// Made a holiday in Bremen, Hamburg, Lower Saxony and Schleswig-Holstein from 2018.
const REFORMATION_2018: Rule = REFORMATION.since(2018);

const BW: &[Rule] = &[EPIPHANY, CORPUS_CHRISTI, ALL_SAINTS];
const BY: &[Rule] = &[EPIPHANY, CORPUS_CHRISTI, ALL_SAINTS];
const BE: &[Rule] = &[
    fixed("International Women's Day", 3, 8).since(2019),
    dates(
        "Anniversary of the liberation from Nazism",
        &[(2020, 5, 8), (2025, 5, 8)],
    ),
    // A one-off day by Berlin's Holidays Act, for the 75th anniversary.
    dates(
        "75th anniversary of the East German uprising of 1953",
        &[(2028, 6, 17)],
    ),
];
const BB: &[Rule] = &[
    easter("Easter Sunday", 0),
    easter("Pentecost", 49),
    REFORMATION,
];
const HB: &[Rule] = &[REFORMATION_2018];
const HH: &[Rule] = &[REFORMATION_2018];
const HE: &[Rule] = &[CORPUS_CHRISTI];
const MV: &[Rule] = &[
    fixed("International Women's Day", 3, 8).since(2023),
    REFORMATION,
];
const NI: &[Rule] = &[REFORMATION_2018];
const NW: &[Rule] = &[CORPUS_CHRISTI, ALL_SAINTS];
const RP: &[Rule] = &[CORPUS_CHRISTI, ALL_SAINTS];
const SL: &[Rule] = &[CORPUS_CHRISTI, fixed("Assumption Day", 8, 15), ALL_SAINTS];
const SN: &[Rule] = &[
    REFORMATION,
    // The Wednesday before 23 November.
    rule("Repentance and Prayer Day", Day::OnOrBefore(11, 22, Wed)),
];
const ST: &[Rule] = &[EPIPHANY, REFORMATION];
const SH: &[Rule] = &[REFORMATION_2018];
const TH: &[Rule] = &[
    fixed("World Children's Day", 9, 20).since(2019),
    REFORMATION,
];

pub const DEFS: &[Def] = &[
    Def::new(
        "DE",
        "Germany (holidays all Länder share)",
        2020,
        2030,
        &[DE],
    ),
    Def::new("DE-BW", "Germany, Baden-Württemberg", 2020, 2030, &[DE, BW]),
    Def::new("DE-BY", "Germany, Bavaria", 2020, 2030, &[DE, BY]),
    Def::new("DE-BE", "Germany, Berlin", 2020, 2030, &[DE, BE]),
    Def::new("DE-BB", "Germany, Brandenburg", 2020, 2030, &[DE, BB]),
    Def::new("DE-HB", "Germany, Bremen", 2020, 2030, &[DE, HB]),
    Def::new("DE-HH", "Germany, Hamburg", 2020, 2030, &[DE, HH]),
    Def::new("DE-HE", "Germany, Hesse", 2020, 2030, &[DE, HE]),
    Def::new(
        "DE-MV",
        "Germany, Mecklenburg-Vorpommern",
        2020,
        2030,
        &[DE, MV],
    ),
    Def::new("DE-NI", "Germany, Lower Saxony", 2020, 2030, &[DE, NI]),
    Def::new(
        "DE-NW",
        "Germany, North Rhine-Westphalia",
        2020,
        2030,
        &[DE, NW],
    ),
    Def::new(
        "DE-RP",
        "Germany, Rhineland-Palatinate",
        2020,
        2030,
        &[DE, RP],
    ),
    Def::new("DE-SL", "Germany, Saarland", 2020, 2030, &[DE, SL]),
    Def::new("DE-SN", "Germany, Saxony", 2020, 2030, &[DE, SN]),
    Def::new("DE-ST", "Germany, Saxony-Anhalt", 2020, 2030, &[DE, ST]),
    Def::new(
        "DE-SH",
        "Germany, Schleswig-Holstein",
        2020,
        2030,
        &[DE, SH],
    ),
    Def::new("DE-TH", "Germany, Thuringia", 2020, 2030, &[DE, TH]),
];
