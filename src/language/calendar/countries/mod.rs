//! The bundled calendars, one file per country or family of countries.

mod americas;
mod british_isles;
mod central_europe;
mod china_hong_kong;
mod germany;
mod japan;
mod korea;
mod nordics;
mod oceania;
mod singapore_india;
mod southern_europe;
mod western_europe;

use super::rules::Def;

/// Every bundled calendar, grouped by file.
const GROUPS: &[&[Def]] = &[
    americas::DEFS,
    british_isles::DEFS,
    germany::DEFS,
    western_europe::DEFS,
    central_europe::DEFS,
    southern_europe::DEFS,
    nordics::DEFS,
    oceania::DEFS,
    japan::DEFS,
    korea::DEFS,
    china_hong_kong::DEFS,
    singapore_india::DEFS,
];

/// Every bundled calendar, in a stable order (by code).
pub fn all() -> Vec<&'static Def> {
    let mut v: Vec<&'static Def> = GROUPS.iter().flat_map(|g| g.iter()).collect();
    v.sort_by_key(|d| d.code);
    v
}

/// The bundled calendar with this code (ISO 3166-1 or 3166-2, as written: `"GB-SCT"`).
pub fn find(code: &str) -> Option<&'static Def> {
    GROUPS
        .iter()
        .flat_map(|g| g.iter())
        .find(|d| d.code == code)
}
