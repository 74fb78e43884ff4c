//! The bundled business-day calendars (`calendar weekend ... holidays "US"` in a
//! policy): which there are, and the holidays of one in a year.
//!
//! ```
//! let us = clause::calendar::find("US").expect("a bundled calendar");
//! assert_eq!(us.code(), "US");
//! let days = clause::calendar::holidays("US", 2024)?;
//! assert!(days.iter().any(|h| h.date.to_string() == "2024-07-04"));
//! assert!(clause::calendar::bundled().iter().any(|c| c.code() == "GB-SCT"));
//! assert_eq!(clause::calendar::suggest("uk"), Some("GB"));
//! # Ok::<(), clause::calendar::CalendarError>(())
//! ```

use chrono::NaiveDate;

use crate::language::calendar::Def;

pub use crate::language::calendar::rules::Named as Holiday;
pub use crate::language::calendar::{CalendarError, Coverage};

/// A bundled calendar: a country's holidays, or a region's (the country's and
/// its own).
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    def: &'static Def,
}

impl Bundled {
    /// ISO 3166-1 (`"US"`) or ISO 3166-2 (`"GB-SCT"`).
    pub fn code(&self) -> &'static str {
        self.def.code
    }

    /// What the calendar is, in English (`"United Kingdom, Scotland"`).
    pub fn name(&self) -> &'static str {
        self.def.name
    }

    /// The first year the calendar is right for.
    pub fn first_year(&self) -> i32 {
        self.def.first
    }

    /// The last year the calendar is right for.
    pub fn last_year(&self) -> i32 {
        self.def.last
    }

    /// The weekend days decreed working days in `year` (China's make-up days).
    pub fn workdays(&self, year: i32) -> Vec<NaiveDate> {
        self.def
            .workdays
            .iter()
            .filter(|(y, ..)| *y == year)
            .filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d))
            .collect()
    }
}

/// Every bundled calendar, sorted by code.
pub fn bundled() -> Vec<Bundled> {
    crate::language::calendar::bundled()
        .into_iter()
        .map(|def| Bundled { def })
        .collect()
}

/// The bundled calendar with this code (`"US"`, `"GB-SCT"`), as written.
pub fn find(code: &str) -> Option<Bundled> {
    crate::language::calendar::find_bundled(code).map(|def| Bundled { def })
}

/// The bundled calendar code someone writing `code` most likely meant: the same
/// code in other letters or with `_` (`"gb_sct"`), `GB` for `UK` (not an ISO
/// code), else the closest code by spelling.
pub fn suggest(code: &str) -> Option<&'static str> {
    crate::language::calendar::suggest(code)
}

/// The holidays of a bundled calendar in one year (one entry a date, names
/// joined), or why not: no such calendar, or a year outside its span.
pub fn holidays(code: &str, year: i32) -> Result<Vec<Holiday>, CalendarError> {
    crate::language::calendar::bundled_holidays(code, year)
}
