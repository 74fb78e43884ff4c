//! The Republic of Korea, from the table in [`kr_holidays`](super::super::kr_holidays).

use crate::language::calendar::kr_holidays::{FIRST_YEAR, HOLIDAYS, LAST_YEAR};
use crate::language::calendar::rules::{rule, Day, Def, Rule};

const KR: &[Rule] = &[rule("", Day::Table(HOLIDAYS))];

pub const DEFS: &[Def] = &[Def::new(
    "KR",
    "Republic of Korea",
    FIRST_YEAR,
    LAST_YEAR,
    &[KR],
)];
