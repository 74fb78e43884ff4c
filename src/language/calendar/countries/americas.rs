//! The Americas: United States (federal), Canada (federal), Mexico, Brazil.

use chrono::Weekday::{Mon, Thu};

use crate::language::calendar::rules::{dates, easter, fixed, nth, Def, Observed, Rule};

const FRI_OR_MON: Observed = Observed::FridayOrMonday;
const NEXT: Observed = Observed::NextWeekday;

/// United States, federal holidays (5 U.S.C. 6103): a holiday on a Saturday is
/// observed on the Friday before, one on a Sunday on the Monday after (Executive
/// Order 11582), so 1 January on a Saturday gives 31 December of the year before.
const US: &[Rule] = &[
    fixed("New Year's Day", 1, 1).observed(FRI_OR_MON),
    nth("Martin Luther King Jr. Day", 1, Mon, 3),
    nth("Washington's Birthday", 2, Mon, 3),
    nth("Memorial Day", 5, Mon, -1),
    fixed("Juneteenth National Independence Day", 6, 19)
        .since(2021)
        .observed(FRI_OR_MON),
    fixed("Independence Day", 7, 4).observed(FRI_OR_MON),
    nth("Labor Day", 9, Mon, 1),
    nth("Columbus Day", 10, Mon, 2),
    fixed("Veterans Day", 11, 11).observed(FRI_OR_MON),
    nth("Thanksgiving Day", 11, Thu, 4),
    fixed("Christmas Day", 12, 25).observed(FRI_OR_MON),
];

/// Canada, the holidays every province shares (the Holidays Act and the Canada
/// Labour Code where they agree with every province): New Year's Day and
/// Christmas on a weekend move to the next weekday.
const CA: &[Rule] = &[
    fixed("New Year's Day", 1, 1).observed(NEXT),
    easter("Good Friday", -2),
    fixed("Canada Day", 7, 1),
    nth("Labor Day", 9, Mon, 1),
    fixed("Christmas Day", 12, 25).observed(NEXT),
];

/// Mexico, the mandatory rest days of the Federal Labour Law, article 74 (the
/// Monday rule since 2006); the change of federal government every six years
/// (1 October since 2024).
const MX: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    nth("Constitution Day", 2, Mon, 1),
    nth("Benito Juárez's birthday", 3, Mon, 3),
    fixed("Labor Day", 5, 1),
    fixed("Independence Day", 9, 16),
    nth("Revolution Day", 11, Mon, 3),
    dates(
        "Change of Federal Government",
        &[(2018, 12, 1), (2024, 10, 1), (2030, 10, 1), (2036, 10, 1)],
    ),
    fixed("Christmas Day", 12, 25),
];

/// Brazil, national holidays (Laws 662/1949, 6.802/1980, 10.607/2002, 14.759/2023).
const BR: &[Rule] = &[
    fixed("Universal Fraternization Day", 1, 1),
    easter("Good Friday", -2),
    fixed("Tiradentes' Day", 4, 21),
    fixed("Worker's Day", 5, 1),
    fixed("Independence Day", 9, 7),
    fixed("Our Lady of Aparecida", 10, 12),
    fixed("All Souls' Day", 11, 2),
    fixed("Republic Proclamation Day", 11, 15),
    fixed("National Day of Zumbi and Black Awareness", 11, 20).since(2024),
    fixed("Christmas Day", 12, 25),
];

pub const DEFS: &[Def] = &[
    Def::new("US", "United States (federal holidays)", 2020, 2030, &[US]),
    Def::new(
        "CA",
        "Canada (holidays all provinces share)",
        2020,
        2030,
        &[CA],
    ),
    Def::new("MX", "Mexico", 2020, 2030, &[MX]),
    Def::new("BR", "Brazil (national holidays)", 2020, 2030, &[BR]),
];
