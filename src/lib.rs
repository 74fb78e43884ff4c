//! Clause: a policy language for merchants' refund, return and shipping policies.
//!
//! The pipeline, one module per stage:
//! [`parse`] (text to AST, `syntax/`) → [`check`] (names, types, units and
//! currencies, `check/`) → [`eval`] (a checked policy and a claim to a verdict, `eval/`).

#![forbid(unsafe_code)]

pub mod language;
pub mod tools;

pub use language::syntax::ast;

pub use language::diagnostic::{Code, Diagnostic, Diagnostics};
pub use language::source::{Source, Span};
pub use language::syntax::parse;

pub use language::check::ir::Policy;
pub use language::eval::verdict::Verdict;

/// Parses and checks a policy.
pub fn load(source: &Source) -> Result<Policy, Diagnostics> {
    let ast = parse(source)?;
    language::check::check(&ast, source)
}
