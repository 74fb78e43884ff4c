//! The language core: a policy's path from text to checked IR ([`source`] →
//! [`syntax`] → [`check`]) and a claim's path from bytes to verdict ([`eval`]),
//! with the values both share ([`money`], [`calendar`]) and the diagnostics both
//! report ([`diagnostic`]).

pub mod calendar;
pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod money;
pub mod source;
pub mod syntax;
