//! Cases files: claims beside a policy with what each verdict must say (the
//! format is described in `docs/cli.md`, under `clause test`).
//!
//! A cases file is read with [`load`] (or [`parse`] for JSON in hand) and run
//! against a [`Policy`] with [`run`] (results as data: each case's problems and
//! the rule coverage) or [`run_file`] (the same, comparing verdict snapshots kept
//! beside the file). [`boundaries`] drafts cases on each side of every edge a
//! policy draws; [`starter`] writes a first cases file for a policy.
//!
//! ```
//! let policy = clause::Policy::load("policies/imicro.policy")?;
//! let file = clause::cases::load(std::path::Path::new("policies/imicro.cases.json"))?;
//! let report = clause::cases::run(&policy, &file);
//! assert!(report.cases.iter().all(|(case, _)| case.passed));
//! assert!(report.coverage.percent() > 0);
//!
//! let base = &file.cases[0].claim;
//! let drafts = clause::cases::boundaries(&policy, base)?;
//! assert!(drafts.iter().all(|d| !d.name.is_empty()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::policy::Policy;

pub use crate::tools::cases::boundaries::Draft;
pub use crate::tools::cases::{
    Case, CaseFile, CaseReport, CasesReport, CoverItem, Coverage, FileReport, Outcome,
    SnapshotMode, SnapshotStatus,
};

/// Reads a cases file and applies each case's `set` to the base claim.
pub fn load(path: &Path) -> Result<CaseFile, String> {
    crate::tools::cases::load(path)
}

/// Reads a cases file's JSON (as [`load`] does for a file); `name` is what
/// error messages call it.
///
/// ```
/// let json = serde_json::json!({"policy": "p.policy", "base": {}, "cases": []});
/// assert!(clause::cases::parse(&json, "cases").is_ok());
/// assert!(clause::cases::parse(&serde_json::json!([]), "cases").is_err());
/// ```
pub fn parse(json: &Value, name: &str) -> Result<CaseFile, String> {
    crate::tools::cases::parse(json, name)
}

/// Every case of a file run against `policy`, with its outcome, and the rule
/// coverage. Snapshots are not compared (see [`run_file`]): only a case's
/// expectations decide whether it passes.
pub fn run(policy: &Policy, file: &CaseFile) -> CasesReport {
    crate::tools::cases::run_cases(file, policy.parts().1)
}

/// Runs every case of the cases file at `path` (read as `file`) against
/// `policy`, comparing or recording verdict snapshots as `mode` says.
pub fn run_file(
    path: &Path,
    file: &CaseFile,
    policy: &Policy,
    mode: SnapshotMode,
) -> Result<FileReport, String> {
    crate::tools::cases::run_file(path, file, policy.parts().1, mode)
}

/// Where the verdict snapshots of the cases file at `cases_file` are kept.
///
/// ```
/// let p = clause::cases::snapshot_path(std::path::Path::new("p/imicro.cases.json"));
/// assert_eq!(p, std::path::Path::new("p/imicro.snapshots.json"));
/// ```
pub fn snapshot_path(cases_file: &Path) -> PathBuf {
    crate::tools::cases::snapshot_path(cases_file)
}

/// Draft cases on each side of every edge `policy` draws (windows, fixed days,
/// amounts, weights) around `base`, each with the verdict it gets today.
/// Fails only when `base` is not a JSON object.
pub fn boundaries(policy: &Policy, base: &Value) -> Result<Vec<Draft>, String> {
    crate::tools::cases::boundaries::boundary_cases(policy.parts().1, base)
}

/// A claim's JSON text read as [`boundaries`] takes its base, refused where
/// [`Policy::evaluate`] refuses the text before reading any field: not JSON, or
/// a key the contract names given twice in its object (as a value it would keep
/// its last value, so the drafts would start from a claim other readers read
/// otherwise). Each problem names its JSON path.
///
/// ```
/// let claim = clause::cases::read_claim(r#"{"claim_id": "c-1"}"#)?;
/// assert_eq!(claim["claim_id"], "c-1");
/// let twice = clause::cases::read_claim(r#"{"claim_id": "a", "claim_id": "b"}"#).unwrap_err();
/// assert_eq!(twice.problems[0].path, "claim_id");
/// # Ok::<(), clause::ClaimError>(())
/// ```
pub fn read_claim(text: &str) -> Result<Value, super::ClaimError> {
    crate::language::eval::claim_json(text).map_err(super::ClaimError::from_internal)
}

/// A starting cases file for `policy` (whose file is named `policy_file`), with
/// one claim filed on the day of `now` in the policy's time zone, and the
/// reason that claim was refused, if it was.
///
/// ```
/// let policy = clause::Policy::load("policies/imicro.policy")?;
/// let (file, refused) = clause::cases::starter(&policy, "imicro.policy", chrono::Utc::now());
/// assert_eq!(file["policy"], "imicro.policy");
/// assert!(clause::cases::parse(&file, "starter").is_ok());
/// # let _ = refused;
/// # Ok::<(), clause::LoadError>(())
/// ```
pub fn starter(
    policy: &Policy,
    policy_file: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> (Value, Option<String>) {
    crate::tools::cases::starter::starter_cases(policy.parts().1, policy_file, now)
}
