//! Clause: a policy language for merchants' refund, return and shipping policies.
//!
//! A merchant writes a `.policy` file in words close to their policy page:
//! which windows apply, which thresholds decide and who bears each fee. This
//! library reads and checks such files and evaluates claims (the JSON contract
//! of `docs/schema/claim.schema.json`) into verdicts. The `clause` command, its
//! server and its language server are built on exactly what is documented here.
//!
//! ```
//! // Load every bundled policy, evaluate a claim, and look at a broken policy.
//! let set = clause::PolicySet::load_dir("policies")?;
//! let imicro = set.get("imicro").expect("a bundled policy");
//! let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
//! let verdict = imicro.evaluate(&claim)?;
//! println!("{} ({})", verdict.to_json(), imicro.version());
//!
//! let broken = imicro.text().replace("currency USD", "currency XYZ");
//! let report = clause::check_text("broken.policy", &broken, &Default::default());
//! for f in &report.findings {
//!     println!("{}:{}: {} [{}]", f.labels[0].line, f.labels[0].column, f.message, f.code);
//! }
//! assert!(report.has_errors());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The stages behind it (`language`: source, syntax, check, eval; `tools`:
//! lint, fmt, explain, render, diff, cases, batch) are described in
//! `docs/architecture.md`; they are private to the crate. The non-default
//! `internals` feature re-exposes them for the project's own tests, benches and
//! fuzz targets only; it is not part of the supported API.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod language;
#[cfg(not(feature = "internals"))]
pub(crate) mod language;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod tools;
#[cfg(not(feature = "internals"))]
pub(crate) mod tools;

pub use api::{calendar, cases};
pub use api::{
    check_text, diff, format, replay, Change, CheckOptions, CheckReport, ClaimError, ClaimProblem,
    ExplainFormat, Finding, Label, LoadError, MoneyMoved, PageMap, PayerFlip, Policy, PolicySet,
    RenderFormat, Replay, Severity, StreamSummary, Timeline, Transition, VersionConflict,
};
pub use api::{
    declared_page, format_source, parse_day, read_policy_text, version_of, MAX_LINE_BYTES,
    MAX_POLICY_BYTES, NOT_A_REGULAR_FILE,
};
pub use language::eval::describe_json_error;
pub use language::eval::verdict::{
    Because, Deadline, Decision, Deduction, Ends, Fee, ItemVerdict, MoneyOut, Verdict,
};
/// What editors ask about a policy being edited (hover, completion, rename, ...):
/// the knowledge behind `clause lsp`.
pub use tools::ide;
pub use tools::lint::LintConfig;
pub use tools::map::{
    Kind as SentenceKind, NotPolicy, NoteKind, Quote, QuoteStatus, Sentence, SentenceStatus,
};
/// Claims from Parquet and Arrow, verdicts to them (`clause eval --claims x.parquet`).
#[cfg(feature = "parquet")]
pub use tools::parquet;

// What the checker and the lints say about a policy file, with the text they
// are about: what `LoadError::Invalid` carries, what `clause check` draws and
// what editors are sent.
pub use language::diagnostic::{Code, Diagnostic, Diagnostics, Level, Lint, ALL_CODES};
pub use language::source::{Source, Span};
pub use tools::lint::Setting as LintSetting;

#[cfg(feature = "internals")]
#[doc(hidden)]
pub use language::syntax::ast;
#[cfg(not(feature = "internals"))]
pub(crate) use language::syntax::ast;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub use language::syntax::parse;
#[cfg(not(feature = "internals"))]
pub(crate) use language::syntax::parse;

/// Parses and checks a policy into the checker's IR (the project's own tests,
/// benches and fuzz targets; integrators use [`Policy`]).
#[cfg(feature = "internals")]
#[doc(hidden)]
pub fn load(source: &Source) -> Result<language::check::ir::Policy, Diagnostics> {
    let ast = parse(source)?;
    language::check::check(&ast, source)
}
