//! Japan: the Act on National Holidays (国民の祝日に関する法律).
//!
//! A national holiday on a Sunday gives a substitute holiday on the next day that
//! is not a holiday already (article 3.2); a day between two national holidays is
//! a holiday too (article 3.3, the citizens' holiday). The equinox days are fixed
//! each February for the next year by the Cabinet from the National Astronomical
//! Observatory's ephemeris: the table below holds the published and the computed
//! dates. In 2020 and 2021 the Olympic Games moved three holidays by special law.

use chrono::Weekday::Mon;

use crate::language::calendar::rules::{dates, fixed, nth, Def, Observed, Rule};

const SUB: Observed = Observed::SundayToNextFreeDay;

const JP: &[Rule] = &[
    fixed("New Year's Day", 1, 1).observed(SUB),
    nth("Coming of Age Day", 1, Mon, 2).observed(SUB),
    fixed("Foundation Day", 2, 11).observed(SUB),
    fixed("Emperor's Birthday", 2, 23).observed(SUB),
    dates(
        "Vernal Equinox Day",
        &[
            (2020, 3, 20),
            (2021, 3, 20),
            (2022, 3, 21),
            (2023, 3, 21),
            (2024, 3, 20),
            (2025, 3, 20),
            (2026, 3, 20),
            (2027, 3, 21),
            (2028, 3, 20),
            (2029, 3, 20),
            (2030, 3, 20),
        ],
    )
    .observed(SUB),
    fixed("Showa Day", 4, 29).observed(SUB),
    fixed("Constitution Day", 5, 3).observed(SUB),
    fixed("Greenery Day", 5, 4).observed(SUB),
    fixed("Children's Day", 5, 5).observed(SUB),
    nth("Marine Day", 7, Mon, 3)
        .except(&[2020, 2021])
        .observed(SUB),
    dates("Marine Day", &[(2020, 7, 23), (2021, 7, 22)]),
    fixed("Mountain Day", 8, 11)
        .except(&[2020, 2021])
        .observed(SUB),
    dates("Mountain Day", &[(2020, 8, 10), (2021, 8, 8)]).observed(SUB),
    nth("Respect for the Aged Day", 9, Mon, 3).observed(SUB),
    dates(
        "Autumnal Equinox Day",
        &[
            (2020, 9, 22),
            (2021, 9, 23),
            (2022, 9, 23),
            (2023, 9, 23),
            (2024, 9, 22),
            (2025, 9, 23),
            (2026, 9, 23),
            (2027, 9, 23),
            (2028, 9, 22),
            (2029, 9, 23),
            (2030, 9, 23),
        ],
    )
    .observed(SUB),
    nth("Sports Day", 10, Mon, 2)
        .except(&[2020, 2021])
        .observed(SUB),
    dates("Sports Day", &[(2020, 7, 24), (2021, 7, 23)]),
    fixed("Culture Day", 11, 3).observed(SUB),
    fixed("Labor Thanksgiving Day", 11, 23).observed(SUB),
];

pub const DEFS: &[Def] = &[Def::new("JP", "Japan", 2020, 2030, &[JP]).with_bridge()];
