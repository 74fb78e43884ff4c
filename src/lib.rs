//! Clause: a policy language for merchants' refund, return and shipping policies.
//!
//! The pipeline, one module per stage:
//! [`parse`] (text to AST, `syntax/`) → [`check`] (names, types, units and
//! currencies, `check/`) → [`eval`] (a checked policy and a claim to a verdict, `eval/`).

#![forbid(unsafe_code)]

pub mod batch;
pub mod calendar;
pub mod cases;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod lint;
pub mod money;
pub mod render;
pub mod source;
pub mod syntax;

pub use syntax::ast;

pub use diagnostic::{Code, Diagnostic, Diagnostics};
pub use source::{Source, Span};
pub use syntax::parse;

pub use check::ir::Policy;
pub use eval::verdict::Verdict;

/// Parses and checks a policy.
pub fn load(source: &Source) -> Result<Policy, Diagnostics> {
    let ast = parse(source)?;
    check::check(&ast, source)
}
