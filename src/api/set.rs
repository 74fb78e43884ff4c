//! [`PolicySet`]: the policies of a directory, found by name, each with the
//! versions that stand side by side (`effective from`).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};

use super::error::ClaimError;
use super::policy::{Policy, StreamSummary};
use crate::Verdict;

/// Every policy file (`*.policy`) of a directory, by policy name, with the
/// files that could not be loaded and why.
///
/// Several files may declare the same policy name when each says when it takes
/// effect (`effective from 2024-01-01`): they are the versions of one merchant's
/// policy, and a claim is judged by the version in force on the day its order
/// was placed ([`PolicySet::select`]).
///
/// ```
/// let set = clause::PolicySet::load_dir("policies")?;
/// assert!(set.failures().is_empty());
/// let imicro = set.get("imicro").expect("bundled");
/// assert_eq!(imicro.file_name(), "policies/imicro.policy");
/// assert_eq!(set.names().count(), 5);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// Each name's versions, oldest first.
    policies: BTreeMap<String, Vec<Policy>>,
    failures: Vec<(PathBuf, String)>,
}

/// Why a file met in a folder that is not a regular file is not read (opening
/// a named pipe would wait for a writer): the words every interface that
/// walks folders uses, after the file's name and `is`, or alone.
pub const NOT_A_REGULAR_FILE: &str =
    "not a regular file (a named pipe, a device, a directory or a broken link), so it is not read";

impl PolicySet {
    /// Loads every `*.policy` file directly in `dir` (not in its subfolders),
    /// in file-name order. A file that does not check, one that declares a
    /// name already taken without a distinct `effective from` day, or a
    /// `*.policy` that is not a regular file (a named pipe, which opening would
    /// wait on, a directory, a device) is kept in
    /// [`failures`](PolicySet::failures); only a directory that cannot be
    /// listed is an error.
    pub fn load_dir(dir: impl AsRef<Path>) -> std::io::Result<PolicySet> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.as_ref())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "policy"))
            .collect();
        files.sort();
        let mut set = PolicySet::default();
        for file in files {
            if !file.is_file() {
                set.failures.push((file, NOT_A_REGULAR_FILE.to_string()));
                continue;
            }
            match Policy::load(&file) {
                Ok(p) => {
                    if let Err(conflict) = set.add(p) {
                        set.failures.push((file, conflict.to_string()));
                    }
                }
                Err(e) => set.failures.push((file, e.to_string())),
            }
        }
        Ok(set)
    }

    /// Adds a policy: a new name, or a further version of a name whose
    /// versions all say when they take effect, on different days.
    ///
    /// ```
    /// let text = |day: &str| format!(
    ///     "policy p \"P\" {{\n  currency USD\n  timezone \"UTC\"\n  effective from {day}\n  rules for return {{\n    otherwise no: deny \"No returns.\"\n  }}\n}}\n"
    /// );
    /// let mut set = clause::PolicySet::default();
    /// set.add(clause::Policy::from_text("a.policy", &text("2024-01-01"))?).unwrap();
    /// set.add(clause::Policy::from_text("b.policy", &text("2025-01-01"))?).unwrap();
    /// assert!(set.add(clause::Policy::from_text("c.policy", &text("2025-01-01"))?).is_err());
    /// assert_eq!(set.versions("p").len(), 2);
    /// # Ok::<(), clause::LoadError>(())
    /// ```
    pub fn add(&mut self, policy: Policy) -> Result<(), VersionConflict> {
        let versions = self.policies.entry(policy.name().to_string()).or_default();
        if let Some(first) = versions.first() {
            let undated = versions.iter().find(|v| v.effective_from().is_none());
            if let Some(other) = undated.or(policy.effective_from().is_none().then_some(first)) {
                return Err(VersionConflict::Undated {
                    name: policy.name().to_string(),
                    other: other.file_name().to_string(),
                });
            }
            if let Some(same) = versions
                .iter()
                .find(|v| v.effective_from() == policy.effective_from())
            {
                return Err(VersionConflict::SameDay {
                    name: policy.name().to_string(),
                    day: policy.effective_from().unwrap_or_default(),
                    other: same.file_name().to_string(),
                });
            }
        }
        versions.push(policy);
        versions.sort_by_key(Policy::effective_from);
        Ok(())
    }

    /// The policy declared with this name: its newest version.
    pub fn get(&self, name: &str) -> Option<&Policy> {
        self.policies.get(name).and_then(|v| v.last())
    }

    /// Every version of a name, oldest first (empty for an unknown name).
    pub fn versions(&self, name: &str) -> &[Policy] {
        self.policies.get(name).map_or(&[], Vec::as_slice)
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.policies.keys().map(String::as_str)
    }

    /// The policies (every version), in name order, oldest version first.
    pub fn iter(&self) -> impl Iterator<Item = &Policy> {
        self.policies.values().flatten()
    }

    /// The files that could not be loaded, each with the reason.
    pub fn failures(&self) -> &[(PathBuf, String)] {
        &self.failures
    }

    /// The version of `name` in force when the claim's order was placed
    /// (`order.placed_at`, its day in the policy's time zone): the newest
    /// version that took effect on or before that day. A policy with one
    /// undated version judges every claim.
    ///
    /// ```
    /// let text = |day: &str, words: &str| format!(
    ///     "policy p \"P\" {{\n  currency USD\n  timezone \"America/New_York\"\n  effective from {day}\n  rules for return {{\n    otherwise no: deny \"{words}\"\n  }}\n}}\n"
    /// );
    /// let mut set = clause::PolicySet::default();
    /// set.add(clause::Policy::from_text("v1.policy", &text("2024-01-01", "Old terms."))?).unwrap();
    /// set.add(clause::Policy::from_text("v2.policy", &text("2025-01-01", "New terms."))?).unwrap();
    /// let claim = |placed: &str| format!(r#"{{"order": {{"placed_at": "{placed}"}}}}"#);
    /// // 1 January 2025, 01:00 UTC is still 31 December 2024 in New York.
    /// assert_eq!(set.select("p", &claim("2025-01-01T01:00:00Z"))?.file_name(), "v1.policy");
    /// assert_eq!(set.select("p", &claim("2025-01-01"))?.file_name(), "v2.policy");
    /// let err = set.select("p", &claim("2023-06-30")).unwrap_err();
    /// assert_eq!(err.problems[0].path, "order.placed_at");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn select(&self, name: &str, claim: &str) -> Result<&Policy, ClaimError> {
        let versions = self.versions(name);
        if let [only] = versions {
            if only.effective_from().is_none() {
                return Ok(only);
            }
        }
        let Some(first) = versions.first() else {
            return Err(ClaimError::whole(format!(
                "there is no policy named `{name}`"
            )));
        };
        let placed = placed_at(claim)?;
        // Each version's day is counted in its own time zone: versions of one
        // policy may change the zone.
        let chosen = versions.iter().rev().find(|v| {
            v.effective_from()
                .is_none_or(|from| from <= placed.day_in(v.timezone()))
        });
        let day = placed.day_in(first.timezone());
        chosen.ok_or_else(|| ClaimError {
            problems: vec![super::error::ClaimProblem {
                path: "order.placed_at".into(),
                message: format!(
                    "the order was placed on {day}, before the first version of `{name}` \
                         took effect ({})",
                    first
                        .effective_from()
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ),
            }],
        })
    }

    /// The one version of `name` when it says no day: it judges every claim.
    fn only_undated(&self, name: &str) -> Option<&Policy> {
        match self.versions(name) {
            [only] if only.effective_from().is_none() => Some(only),
            _ => None,
        }
    }

    /// The version of `name` in force on `day`: the newest version that took
    /// effect on or before it (an undated version counts as in force from the
    /// start). `None` for an unknown name, or a day before the first version.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let text = |day: &str| format!(
    ///     "policy p \"P\" {{\n  currency USD\n  timezone \"UTC\"\n  effective from {day}\n  rules for return {{\n    otherwise no: deny \"No.\"\n  }}\n}}\n"
    /// );
    /// let mut set = clause::PolicySet::default();
    /// set.add(clause::Policy::from_text("v1.policy", &text("2024-01-01"))?).unwrap();
    /// set.add(clause::Policy::from_text("v2.policy", &text("2025-01-01"))?).unwrap();
    /// let on = |d: &str| set.in_force("p", d.parse::<NaiveDate>().unwrap()).map(|p| p.file_name());
    /// assert_eq!(on("2024-12-31"), Some("v1.policy"));
    /// assert_eq!(on("2025-01-01"), Some("v2.policy"));
    /// assert_eq!(on("2023-12-31"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_force(&self, name: &str, day: NaiveDate) -> Option<&Policy> {
        self.versions(name)
            .iter()
            .rev()
            .find(|v| v.effective_from().is_none_or(|from| from <= day))
    }

    /// Evaluates a claim under the version of `name` in force when its order
    /// was placed; the version that decided is returned beside the verdict.
    pub fn evaluate(&self, name: &str, claim: &str) -> Result<(&Policy, Verdict), ClaimError> {
        let policy = self.select(name, claim)?;
        policy.evaluate(claim).map(|v| (policy, v))
    }

    /// [`Policy::write_record`] over the versions of `name`: the line is
    /// judged by the version in force when its order was placed (as
    /// [`evaluate_stream`](PolicySet::evaluate_stream) judges each line). A
    /// line no version can take (an empty line, one that is not UTF-8 or not
    /// JSON, one without a readable `order.placed_at` or placed before the
    /// first version) gets an error record without a version; an unknown
    /// name, an error record saying so. A name with one undated version: that
    /// policy's own records ([`Policy::write_record`]), every one with its
    /// version.
    ///
    /// ```
    /// let set = clause::PolicySet::load_dir("policies")?;
    /// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
    /// let mut out = Vec::new();
    /// let decision = set.write_record("imicro", claim.replace('\n', "").as_bytes(), 1, &mut out);
    /// assert_eq!(decision, Some(clause::Decision::Approve));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_record(
        &self,
        name: &str,
        line: &[u8],
        number: u64,
        out: &mut Vec<u8>,
    ) -> Option<crate::Decision> {
        match self.get(name) {
            Some(_) => self.write_record_with(name, line, number, out),
            None => {
                let problem = ClaimError::whole(format!("there is no policy named `{name}`"));
                unrouted(number, "", problem, out);
                None
            }
        }
    }

    fn write_record_with(
        &self,
        name: &str,
        raw: &[u8],
        number: u64,
        out: &mut Vec<u8>,
    ) -> Option<crate::Decision> {
        // One undated version reads every line: its own records.
        if let Some(only) = self.only_undated(name) {
            return only.write_record(raw, number, out);
        }
        // A line that is not UTF-8, or is empty, has no order date: no
        // version reads it, and its record names none (as a line that is
        // not JSON).
        if let Some(why) = crate::tools::batch::unreadable(raw) {
            unrouted(number, "", ClaimError::whole(why.to_string()), out);
            return None;
        }
        let text = std::str::from_utf8(raw).unwrap_or_default();
        match self.select(name, text) {
            Ok(policy) => policy.write_record(raw, number, out),
            Err(e) => {
                unrouted(number, text, e, out);
                None
            }
        }
    }

    /// [`Policy::evaluate_stream`] over the versions of `name`: each line is
    /// judged by the version in force when its order was placed, and its
    /// record names that version (`policy_version`, and for a dated version
    /// `policy_file` and `policy_effective_from`). A line no version can take
    /// (its `order.placed_at` missing, unreadable or before the first version)
    /// gets an error record naming `order.placed_at`, without a version; so do,
    /// without a version, the records of lines no version reads at all (empty,
    /// not UTF-8, not JSON, longer than the longest line read). A name with
    /// one undated version writes that policy's own records, each with its
    /// version, as [`Policy::evaluate_stream`] does. An
    /// unknown name is an error of kind `NotFound` before anything is read.
    ///
    /// ```
    /// let text = |day: &str, words: &str| format!(
    ///     "policy p \"P\" {{\n  currency USD\n  timezone \"UTC\"\n  effective from {day}\n  rules for return {{\n    otherwise no: deny \"{words}\"\n  }}\n}}\n"
    /// );
    /// let mut set = clause::PolicySet::default();
    /// set.add(clause::Policy::from_text("v1.policy", &text("2024-01-01", "Old terms."))?).unwrap();
    /// set.add(clause::Policy::from_text("v2.policy", &text("2025-01-01", "New terms."))?).unwrap();
    /// let claim = |placed: &str| {
    ///     let c = std::fs::read_to_string("tests/data/imicro-claim.json").unwrap();
    ///     let mut c: serde_json::Value = serde_json::from_str(&c).unwrap();
    ///     c["order"]["placed_at"] = placed.into();
    ///     c.to_string()
    /// };
    /// let input = [claim("2024-06-01"), claim("2025-06-01"), claim("2023-06-01")].join("\n");
    /// let mut out = Vec::new();
    /// let summary = set.evaluate_stream("p", input.as_bytes(), &mut out, 2)?;
    /// assert_eq!((summary.verdicts, summary.errors), (2, 1));
    /// let records: Vec<serde_json::Value> = String::from_utf8(out)?
    ///     .lines()
    ///     .map(|l| serde_json::from_str(l).unwrap())
    ///     .collect();
    /// assert_eq!(records[0]["policy_file"], "v1.policy");
    /// assert_eq!(records[1]["policy_effective_from"], "2025-01-01");
    /// assert_eq!(records[2]["errors"][0]["path"], "order.placed_at");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_stream<R: Read + Send, W: Write + Send>(
        &self,
        name: &str,
        input: R,
        output: W,
        threads: usize,
    ) -> std::io::Result<StreamSummary> {
        if self.get(name).is_none() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("there is no policy named `{name}`"),
            ));
        }
        let judge = Routed {
            set: self,
            name,
            only: self.only_undated(name),
        };
        crate::tools::batch::run(&judge, input, output, threads)
    }
}

/// Judges each line of a stream by the version of a policy in force when its
/// order was placed.
struct Routed<'a> {
    set: &'a PolicySet,
    name: &'a str,
    /// The one version, when it says no day (it reads every line).
    only: Option<&'a Policy>,
}

impl crate::tools::batch::Judge for Routed<'_> {
    fn record(&self, raw: &[u8], line: u64, out: &mut Vec<u8>) -> Option<crate::Decision> {
        self.set.write_record_with(self.name, raw, line, out)
    }

    fn line_error(&self, line: u64, message: &str, out: &mut Vec<u8>) {
        // As for a line that is not UTF-8: no version read it.
        match self.only {
            Some(only) => only.write_line_error(line, message, out),
            None => unrouted(line, "", ClaimError::whole(message.to_string()), out),
        }
    }
}

/// Why a policy cannot stand beside the versions of its name already in a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionConflict {
    /// Two files declare the name, and one of them says nothing of when it
    /// takes effect.
    Undated {
        /// The policy's name.
        name: String,
        /// The other file declaring it.
        other: String,
    },
    /// Two versions take effect on the same day.
    SameDay {
        /// The policy's name.
        name: String,
        /// The day both take effect.
        day: NaiveDate,
        /// The other file taking effect that day.
        other: String,
    },
}

impl std::fmt::Display for VersionConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VersionConflict::Undated { name, other } => write!(
                f,
                "declares policy `{name}`, as {other} does; versions of a policy must each say \
                 when they take effect (`effective from YYYY-MM-DD`)"
            ),
            VersionConflict::SameDay { name, day, other } => write!(
                f,
                "takes effect on {day}, as {other} does: two versions of `{name}` cannot take \
                 effect on the same day"
            ),
        }
    }
}

impl std::error::Error for VersionConflict {}

/// When the claim's order was placed: a day, or an instant whose day depends
/// on the time zone it is counted in.
enum Placed {
    Day(NaiveDate),
    Instant(DateTime<chrono::FixedOffset>),
}

impl Placed {
    fn day_in(&self, zone: chrono_tz::Tz) -> NaiveDate {
        match self {
            Placed::Day(d) => *d,
            Placed::Instant(t) => t.with_timezone(&zone).date_naive(),
        }
    }
}

/// The claim's `order.placed_at`.
fn placed_at(claim: &str) -> Result<Placed, ClaimError> {
    let problem = |message: String| ClaimError {
        problems: vec![super::error::ClaimProblem {
            path: "order.placed_at".into(),
            message,
        }],
    };
    let value: serde_json::Value = serde_json::from_str(claim).map_err(|e| {
        ClaimError::whole(crate::language::eval::describe_json_error("the claim", &e))
    })?;
    let text = value
        .pointer("/order/placed_at")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| {
            problem("is required to choose the version of the policy in force".into())
        })?;
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(Placed::Day(day));
    }
    DateTime::parse_from_rfc3339(text)
        .map(Placed::Instant)
        .map_err(|_| {
            problem(format!(
                "`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 instant with an offset"
            ))
        })
}

/// A day written as claims write one: exactly `YYYY-MM-DD` (no spaces, no
/// time, no other separator), or `None`. What [`PolicySet::in_force`]'s callers
/// read a day with: `clause render DIR --on`, the server's `?on=`, Python's
/// `PolicySet.in_force`.
///
/// ```
/// use chrono::NaiveDate;
/// assert_eq!(clause::parse_day("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
/// for not_a_day in ["2023-02-29", " 2024-01-01", "2024-1-01", "2024-01-01T00:00:00Z", ""] {
///     assert_eq!(clause::parse_day(not_a_day), None, "{not_a_day:?}");
/// }
/// ```
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    crate::language::eval::json::plain_date(text)
}

/// The error record of a line that no version took (no version stamp).
fn unrouted(number: u64, text: &str, e: ClaimError, out: &mut Vec<u8>) {
    let errors: Vec<_> = e
        .problems
        .into_iter()
        .map(|p| crate::language::eval::facts::InputError {
            path: p.path,
            message: p.message,
        })
        .collect();
    let id = crate::tools::batch::claim_id_of(text);
    crate::tools::batch::error_record(number, id, &errors, out);
}
