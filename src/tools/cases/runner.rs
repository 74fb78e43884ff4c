//! Running a whole cases file: expectations, verdict snapshots and rule coverage.
//!
//! Snapshots live beside the cases file, in `NAME.snapshots.json`: one object
//! mapping each snapshotted case to its whole verdict (or its error). A snapshot
//! that is missing or differs fails the case; `Accept` records it instead. With
//! `Verify`, the verdicts that would be recorded are written to
//! `NAME.snapshots.pending.json` for review, unless the caller forbids writing
//! (in CI nothing is ever written).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::{Case, CaseFile};
use crate::language::check::ir::Policy;
use crate::language::eval::Trace;

/// What to do with verdict snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotMode {
    /// Compare; write differences to a pending file for review.
    Verify,
    /// Compare; write nothing (CI).
    VerifyReadOnly,
    /// Record every snapshot as it is now.
    Accept,
}

/// How a case's verdict compared with its recorded snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotStatus {
    /// The case has no snapshot.
    None,
    /// The verdict is the one recorded.
    Matched,
    /// No snapshot was recorded for this case yet.
    New,
    /// The verdict differs from the one recorded.
    Changed,
    /// Recorded now (`--accept`).
    Accepted,
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// What the case shows, in words.
    pub text: String,
    /// Whether the verdict said what the case expects (and matched its snapshot).
    pub passed: bool,
    /// Each mismatch: `field: expected X, got Y`.
    pub problems: Vec<String>,
    /// How the verdict compared with its snapshot.
    pub snapshot: SnapshotStatus,
    /// How long the case took to run (for JUnit's `time`; not part of the JSON,
    /// which stays the same from run to run).
    #[serde(skip)]
    pub duration: std::time::Duration,
}

/// A rule or an exception, and whether any case reached it.
#[derive(Debug, Clone, Serialize)]
pub struct CoverItem {
    /// `rule_name`, or `rule_name unless #2` for a rule's second exception.
    pub name: String,
    /// `file:line:column`.
    pub location: String,
    /// Whether any case reached it.
    pub covered: bool,
}

/// Which rules decided a case, and which `unless` exceptions held for one.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Every rule, in source order.
    pub rules: Vec<CoverItem>,
    /// Every `unless` exception, in source order.
    pub exceptions: Vec<CoverItem>,
}

impl Coverage {
    /// Covered items out of all items, rules and exceptions together.
    pub fn counts(&self) -> (usize, usize) {
        let all = self.rules.iter().chain(self.exceptions.iter());
        let (mut covered, mut total) = (0, 0);
        for item in all {
            total += 1;
            covered += usize::from(item.covered);
        }
        (covered, total)
    }

    /// Percentage covered (100 when there is nothing to cover).
    pub fn percent(&self) -> u32 {
        let (covered, total) = self.counts();
        (covered * 100)
            .checked_div(total)
            .map_or(100, |p| u32::try_from(p).unwrap_or(100))
    }

    /// The rules and exceptions no case reached.
    pub fn uncovered(&self) -> impl Iterator<Item = &CoverItem> {
        self.rules
            .iter()
            .chain(self.exceptions.iter())
            .filter(|i| !i.covered)
    }
}

/// A cases file's results.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The cases file.
    pub file: PathBuf,
    /// The policy file, relative to the cases file.
    pub policy: String,
    /// Each case's result, in the file's order.
    pub cases: Vec<CaseReport>,
    /// The rules and exceptions the cases reached.
    pub coverage: Coverage,
    /// Snapshot files written (recorded or pending).
    pub wrote: Vec<PathBuf>,
    /// Recorded snapshots of cases that no longer exist (dropped by `--accept`).
    pub stale: Vec<String>,
}

impl FileReport {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Where a cases file's snapshots are kept.
pub fn snapshot_path(cases_file: &Path) -> PathBuf {
    let name = cases_file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem = name.strip_suffix(".cases.json").unwrap_or(&name);
    cases_file.with_file_name(format!("{stem}.snapshots.json"))
}

fn pending_path(cases_file: &Path) -> PathBuf {
    let p = snapshot_path(cases_file);
    p.with_extension("pending.json")
}

/// Runs every case of a file against its (already checked) policy.
pub fn run_file(
    path: &Path,
    file: &CaseFile,
    policy: &Policy,
    mode: SnapshotMode,
) -> Result<FileReport, String> {
    let snap_path = snapshot_path(path);
    let recorded: BTreeMap<String, Value> = match std::fs::read_to_string(&snap_path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| format!("{}: not valid JSON: {e}", snap_path.display()))?,
        Err(_) => BTreeMap::new(),
    };
    let mut trace = Trace::default();
    let mut current = BTreeMap::new();
    let mut reports = Vec::new();
    for case in &file.cases {
        let started = std::time::Instant::now();
        let (out, snapshot_value) = run_case(policy, case, &mut trace);
        let mut problems = out;
        let mut status = SnapshotStatus::None;
        if case.snapshot {
            status = match recorded.get(&case.name) {
                None => SnapshotStatus::New,
                Some(old) if *old == snapshot_value => SnapshotStatus::Matched,
                Some(old) => {
                    for d in diff(old, &snapshot_value) {
                        problems.push(format!("snapshot {d}"));
                    }
                    SnapshotStatus::Changed
                }
            };
            let expectations_hold = problems.iter().all(|p| p.starts_with("snapshot"));
            if status == SnapshotStatus::New {
                problems.push(if expectations_hold {
                    "snapshot: none recorded yet; run `clause test --accept` to record it".into()
                } else {
                    "snapshot: none recorded yet (it is recorded once the case's expectations hold)"
                        .into()
                });
            }
            if mode == SnapshotMode::Accept && status != SnapshotStatus::Matched {
                if expectations_hold {
                    problems.retain(|p| !p.starts_with("snapshot"));
                    status = SnapshotStatus::Accepted;
                } else {
                    // A verdict its own expectations call wrong is not recorded.
                    problems.push(
                        "snapshot: not recorded, because the case's expectations fail".into(),
                    );
                }
            }
            let keep_old = mode == SnapshotMode::Accept && status != SnapshotStatus::Accepted;
            match (keep_old, recorded.get(&case.name)) {
                (true, Some(old)) => current.insert(case.name.clone(), old.clone()),
                (true, None) => None,
                (false, _) => current.insert(case.name.clone(), snapshot_value),
            };
        }
        reports.push(CaseReport {
            name: case.name.clone(),
            text: case.text.clone(),
            passed: problems.is_empty(),
            problems,
            snapshot: status,
            duration: started.elapsed(),
        });
    }
    let mut wrote = Vec::new();
    let changed = reports.iter().any(|r| {
        matches!(
            r.snapshot,
            SnapshotStatus::New | SnapshotStatus::Changed | SnapshotStatus::Accepted
        )
    });
    let stale: Vec<String> = recorded
        .keys()
        .filter(|k| !file.cases.iter().any(|c| c.snapshot && c.name == **k))
        .cloned()
        .collect();
    let stale_any = !stale.is_empty();
    let unchanged = mode == SnapshotMode::Accept && current == recorded;
    if !unchanged && (changed || (mode == SnapshotMode::Accept && stale_any)) {
        let target = match mode {
            SnapshotMode::Accept => Some(snap_path),
            SnapshotMode::Verify => Some(pending_path(path)),
            SnapshotMode::VerifyReadOnly => None,
        };
        if let Some(target) = target {
            let text = serde_json::to_string_pretty(&current).map_err(|e| e.to_string())? + "\n";
            std::fs::write(&target, text)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            wrote.push(target);
        }
        if mode == SnapshotMode::Accept {
            let _ = std::fs::remove_file(pending_path(path));
        }
    } else if mode != SnapshotMode::VerifyReadOnly {
        // Nothing is pending any more.
        let _ = std::fs::remove_file(pending_path(path));
    }
    Ok(FileReport {
        file: path.to_path_buf(),
        policy: file.policy.clone(),
        cases: reports,
        coverage: coverage(policy, &trace),
        wrote,
        stale: if mode == SnapshotMode::Accept {
            Vec::new()
        } else {
            stale
        },
    })
}

/// Every case of a file with its outcome, and the rule coverage: what
/// [`run_file`] reports, without snapshots (for a cases file that is not on
/// disk, such as one sent to the server). A case's snapshot is not compared:
/// only its expectations decide whether it passes.
pub fn run_cases(file: &CaseFile, policy: &Policy) -> CasesReport {
    let mut trace = Trace::default();
    let cases = file
        .cases
        .iter()
        .map(|case| {
            let started = std::time::Instant::now();
            let outcome = super::run_traced(policy, case, &mut trace);
            let report = CaseReport {
                name: case.name.clone(),
                text: case.text.clone(),
                passed: outcome.problems.is_empty(),
                problems: outcome.problems.clone(),
                snapshot: SnapshotStatus::None,
                duration: started.elapsed(),
            };
            (report, outcome)
        })
        .collect();
    CasesReport {
        cases,
        coverage: coverage(policy, &trace),
    }
}

/// What running a cases file without snapshots found (`clause::cases::run`).
#[derive(Debug, Clone)]
pub struct CasesReport {
    /// Each case's result with what running it gave, in the file's order.
    pub cases: Vec<(CaseReport, super::Outcome)>,
    /// The rules and exceptions the cases reached.
    pub coverage: Coverage,
}

/// Runs one case: its problems, and the value its snapshot holds.
fn run_case(policy: &Policy, case: &Case, trace: &mut Trace) -> (Vec<String>, Value) {
    let out = super::run_traced(policy, case, trace);
    let snapshot = match (&out.verdict, &out.error) {
        (Some(v), _) => {
            let mut json = serde_json::to_value(v).unwrap_or(Value::Null);
            strip_source_dirs(&mut json);
            json
        }
        (None, error) => serde_json::json!({ "error": error }),
    };
    (out.problems, snapshot)
}

/// `because[].source` without its directory, so a snapshot does not depend on
/// where `clause test` was run from.
fn strip_source_dirs(v: &mut Value) {
    if let Some(list) = v.get_mut("because").and_then(Value::as_array_mut) {
        for b in list {
            if let Some(Value::String(s)) = b.get_mut("source") {
                if let Some(i) = s.rfind('/') {
                    *s = s.get(i + 1..).unwrap_or("").to_string();
                }
            }
        }
    }
}

fn coverage(policy: &Policy, trace: &Trace) -> Coverage {
    let mut rules = Vec::new();
    let mut exceptions = Vec::new();
    for (b, block) in policy.blocks.iter().enumerate() {
        for (r, rule) in block.rules.iter().chain(block.otherwise.iter()).enumerate() {
            rules.push(CoverItem {
                name: rule.name.to_string(),
                location: rule.location.to_string(),
                covered: trace.decided.contains(&(b, r)),
            });
            for (k, span) in rule.unless_spans.iter().enumerate() {
                exceptions.push(CoverItem {
                    name: format!("{} unless #{}", rule.name, k + 1),
                    location: policy.source.location(*span),
                    covered: trace.exceptions.contains(&(b, r, k)),
                });
            }
        }
    }
    Coverage { rules, exceptions }
}

/// Where two JSON values differ, field by field: `fees[0].payer: expected "merchant", got "customer"`.
pub fn diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    let here = |p: &str| {
        if p.is_empty() {
            "(the verdict)".to_string()
        } else {
            p.to_string()
        }
    };
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(vb) => diff_at(&p, va, vb, out),
                    None => out.push(format!("{p}: expected {va}, got nothing")),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    out.push(format!("{p}: expected nothing, got {vb}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (va, vb)) in a.iter().zip(b.iter()).enumerate() {
                diff_at(&format!("{path}[{i}]"), va, vb, out);
            }
            for (i, va) in a.iter().enumerate().skip(b.len()) {
                out.push(format!("{path}[{i}]: expected {va}, got nothing"));
            }
            for (i, vb) in b.iter().enumerate().skip(a.len()) {
                out.push(format!("{path}[{i}]: expected nothing, got {vb}"));
            }
        }
        _ if expected != actual => {
            out.push(format!("{}: expected {expected}, got {actual}", here(path)))
        }
        _ => {}
    }
}
