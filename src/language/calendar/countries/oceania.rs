//! Australia (the days every state and territory shares) and New Zealand.

use chrono::Weekday::Mon;

use crate::language::calendar::rules::{dates, easter, fixed, nth, Def, Observed, Rule};

const NEXT: Observed = Observed::NextWeekday;

/// Australia, the public holidays every state and territory keeps on the same
/// day. Whether a day on a weekend moves, and the King's Birthday, Labour Day and
/// Easter Saturday, are state law: use the state's own list by hand where it
/// matters (the national list gives no substitute days).
const AU: &[Rule] = &[
    fixed("New Year's Day", 1, 1),
    fixed("Australia Day", 1, 26),
    easter("Good Friday", -2),
    easter("Easter Monday", 1),
    fixed("ANZAC Day", 4, 25),
    dates(
        "National Day of Mourning for Queen Elizabeth II",
        &[(2022, 9, 22)],
    ),
    fixed("Christmas Day", 12, 25),
    fixed("Boxing Day", 12, 26),
];

/// New Zealand, the Holidays Act 2003 (section 44) with Mondayisation: a day on a
/// weekend moves to the next weekday that is not a holiday already (for Waitangi
/// and Anzac Day since 2014). Matariki follows the table in the Te Kāhui o
/// Matariki Public Holiday Act 2022.
const NZ: &[Rule] = &[
    fixed("New Year's Day", 1, 1).observed(NEXT),
    fixed("Day after New Year's Day", 1, 2).observed(NEXT),
    fixed("Waitangi Day", 2, 6).observed(NEXT),
    easter("Good Friday", -2),
    easter("Easter Monday", 1),
    fixed("Anzac Day", 4, 25).observed(NEXT),
    nth("King's Birthday", 6, Mon, 1),
    dates(
        "Matariki",
        &[
            (2022, 6, 24),
            (2023, 7, 14),
            (2024, 6, 28),
            (2025, 6, 20),
            (2026, 7, 10),
            (2027, 6, 25),
            (2028, 7, 14),
            (2029, 7, 6),
            (2030, 6, 21),
        ],
    ),
    dates("Queen Elizabeth II Memorial Day", &[(2022, 9, 26)]),
    nth("Labour Day", 10, Mon, 4),
    fixed("Christmas Day", 12, 25).observed(NEXT),
    fixed("Boxing Day", 12, 26).observed(NEXT),
];

pub const DEFS: &[Def] = &[
    Def::new(
        "AU",
        "Australia (days every state shares, without substitutes)",
        2020,
        2030,
        &[AU],
    ),
    Def::new(
        "NZ",
        "New Zealand (national holidays, without anniversary days)",
        2020,
        2030,
        &[NZ],
    ),
];
