//! The library's public face: what the command line, the server, the language
//! server and the Python package are built on, and what a Rust program embeds.
//!
//! - [`Policy`]: a policy file read and checked, with its [`version`](Policy::version);
//!   it evaluates claims ([`Policy::evaluate`]), explains verdicts
//!   ([`Policy::explain`]), renders the customer page ([`Policy::render`]) and
//!   lints itself ([`Policy::lint`]).
//! - [`PolicySet`]: every policy of a directory, found by name.
//! - [`check_text`] and [`format`]: a policy text's findings as data, and its
//!   canonical layout.
//! - [`diff`]: what changes between two versions of a policy.
//! - [`cases`]: cases files run against a policy; [`calendar`]: the bundled
//!   business-day calendars.
//! - Errors are typed: [`LoadError`] (a policy that cannot be read or does not
//!   check), [`ClaimError`] (a claim that is not valid for the policy).

pub mod calendar;
pub mod cases;
mod diff;
mod error;
mod finding;
mod policy;
mod set;

pub use diff::{diff, replay, Change, MoneyMoved, PayerFlip, Replay, Transition};
pub use error::{ClaimError, ClaimProblem, LoadError};
pub use finding::{check_text, CheckOptions, CheckReport, Finding, Label, Severity};
pub use policy::{
    declared_page, format, format_source, read_policy_text, version_of, ExplainFormat, PageMap,
    Policy, RenderFormat, StreamSummary, Timeline, MAX_LINE_BYTES, MAX_POLICY_BYTES,
};
pub use set::{parse_day, PolicySet, VersionConflict, NOT_A_REGULAR_FILE};
