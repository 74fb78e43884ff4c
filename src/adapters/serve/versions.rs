//! A policy over time on the server: the versions of one policy, side by side.
//!
//! Files whose policies declare the same name, each with its own `effective
//! from` day, are the versions of that policy (as for `clause eval DIR`); so is
//! one file alone whose policy says the day it takes effect. The
//! policy's declared name then routes: `POST /v1/policies/{name}/evaluate` (and
//! `explain`) judges each claim by the version in force on the day its order
//! was placed (`order.placed_at` in the policy's time zone), one claim or
//! batch line at a time; a file's own name still reaches that file alone.
//!
//! Files that declare one name without each saying a distinct day are not
//! versions: the name does not route (each file is reached by its own name, as
//! before) and the conflict is reported on `GET /v1/policies` and in the log.
//!
//! With the `engine`, this is the only file of the server that calls into
//! `clause::` (for [`clause::PolicySet`], which picks the version).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::engine::{FieldError, Loaded, VerdictOut};

/// The dated versions of one policy name, oldest first.
pub struct Versions {
    /// The name the files declare (`policy NAME "..."`).
    pub name: String,
    /// The versions, oldest first.
    pub versions: Vec<Arc<Loaded>>,
    set: clause::PolicySet,
    /// Each version by its file label (what `clause::Policy::file_name` says).
    by_file: HashMap<String, Arc<Loaded>>,
}

/// Files that declare one name but cannot stand side by side as its versions.
pub struct Conflict {
    /// The declared name.
    pub name: String,
    /// The files (their names in URLs), in file-name order.
    pub files: Vec<String>,
    /// Why they are not versions of one policy.
    pub message: String,
}

/// Groups the policies being served by the name they declare: each name that
/// two or more files declare becomes [`Versions`], or a [`Conflict`] when they
/// do not each take effect on a day of their own; a name that one file
/// declares becomes [`Versions`] (of one) when that file says the day it takes
/// effect. A name that another file (in `file_names`, every policy file of
/// the folder) has, and that none of the name's files has, is not routed.
pub fn group<'a>(
    serving: impl Iterator<Item = &'a Arc<Loaded>>,
    file_names: &std::collections::HashSet<&str>,
) -> (BTreeMap<String, Arc<Versions>>, Vec<Conflict>) {
    let mut by_name: BTreeMap<String, Vec<&Arc<Loaded>>> = BTreeMap::new();
    for loaded in serving {
        by_name
            .entry(loaded.declared_name().to_string())
            .or_default()
            .push(loaded);
    }
    let mut routed = BTreeMap::new();
    let mut conflicts = Vec::new();
    for (name, files) in by_name {
        // One undated file is a policy of its own, reached by its file's name.
        // One dated file is a policy with one version: its name routes, and
        // refuses an order placed before the version took effect, as
        // `clause eval DIR` does.
        if let [only] = files.as_slice() {
            if only.effective_from().is_none() {
                continue;
            }
        }
        // A file of that name that is none of them (declaring another policy,
        // serving or not) keeps its name's route; the dated files stay
        // reachable by their own files' names.
        if files.iter().all(|l| l.name != name) && file_names.contains(name.as_str()) {
            tracing::warn!(
                policy = %name,
                "{name}.policy declares another policy: the versions of `{name}` are reached by their own files' names only"
            );
            continue;
        }
        let mut set = clause::PolicySet::default();
        let mut by_file = HashMap::new();
        let mut refused = None;
        for loaded in &files {
            match set.add(loaded.policy().clone()) {
                Ok(()) => {
                    by_file.insert(loaded.policy().file_name().to_string(), (*loaded).clone());
                }
                Err(conflict) => {
                    refused = Some(format!("{}.policy {conflict}", loaded.name));
                    break;
                }
            }
        }
        if let Some(message) = refused {
            conflicts.push(Conflict {
                name,
                files: files.iter().map(|l| l.name.clone()).collect(),
                message,
            });
            continue;
        }
        let versions = set
            .versions(&name)
            .iter()
            .filter_map(|p| by_file.get(p.file_name()).cloned())
            .collect();
        routed.insert(
            name.clone(),
            Arc::new(Versions {
                name,
                versions,
                set,
                by_file,
            }),
        );
    }
    (routed, conflicts)
}

impl Versions {
    /// The version in force when the claim's order was placed.
    pub fn select(&self, claim: &str) -> Result<Arc<Loaded>, Vec<FieldError>> {
        let policy = self.set.select(&self.name, claim).map_err(|e| {
            e.problems
                .into_iter()
                .map(|p| FieldError {
                    path: p.path,
                    message: p.message,
                })
                .collect::<Vec<_>>()
        })?;
        self.by_file
            .get(policy.file_name())
            .cloned()
            .ok_or_else(|| {
                vec![FieldError {
                    path: String::new(),
                    message: format!("no version of `{}` is loaded", self.name),
                }]
            })
    }

    /// The version that takes effect last.
    pub fn newest(&self) -> Option<&Arc<Loaded>> {
        self.versions.last()
    }

    /// The version in force on `day`, if one had taken effect by then.
    pub fn on(&self, day: chrono::NaiveDate) -> Option<Arc<Loaded>> {
        let policy = self.set.in_force(&self.name, day)?;
        self.by_file.get(policy.file_name()).cloned()
    }
}

/// What a request's policy name reaches: one file's policy, or the versions
/// of a policy, chosen claim by claim.
#[derive(Clone)]
pub enum Target {
    One(Arc<Loaded>),
    Versions(Arc<Versions>),
}

impl Target {
    /// The name in the URL.
    pub fn name(&self) -> &str {
        match self {
            Target::One(l) => &l.name,
            Target::Versions(v) => &v.name,
        }
    }

    /// The name the policy declares (the metrics' label).
    pub fn declared_name(&self) -> &str {
        match self {
            Target::One(l) => l.declared_name(),
            Target::Versions(v) => &v.name,
        }
    }

    /// The version every answer comes from, when there is one for the whole
    /// request (a batch over versions has one per record).
    pub fn fixed_version(&self) -> Option<&str> {
        match self {
            Target::One(l) => Some(&l.version),
            Target::Versions(_) => None,
        }
    }

    /// The version that judges this claim.
    pub fn select(&self, claim: &str) -> Result<Arc<Loaded>, Vec<FieldError>> {
        match self {
            Target::One(l) => Ok(l.clone()),
            Target::Versions(v) => v.select(claim),
        }
    }

    /// Evaluates one claim; the version that decided comes back beside the verdict.
    pub fn evaluate(&self, claim: &str) -> Result<(VerdictOut, Arc<Loaded>), Vec<FieldError>> {
        let loaded = self.select(claim)?;
        loaded.evaluate(claim).map(|v| (v, loaded))
    }

    /// One line of a batch (see [`Loaded::batch_record`]); over versions, the
    /// line's version is chosen first, and a line none can judge gets an
    /// error record naming `order.placed_at`.
    pub fn batch_record(&self, raw: &[u8], line: u64, out: &mut Vec<u8>) -> Option<&'static str> {
        match self {
            Target::One(l) => l.batch_record(raw, line, out),
            Target::Versions(v) => v
                .set
                .write_record(&v.name, raw, line, out)
                .map(clause::Decision::as_str),
        }
    }

    /// An error record for a line that could not be read as a claim (longer
    /// than the line limit, or cut off when the body stopped). Over versions
    /// no version read it, and the record names none (as `clause eval DIR
    /// --claims` writes it).
    pub fn line_error(&self, line: u64, message: &str, out: &mut Vec<u8>) {
        match self {
            Target::One(l) => l.line_error(line, message, out),
            Target::Versions(_) => super::engine::unrouted_record(
                line,
                "",
                &[FieldError {
                    path: String::new(),
                    message: message.to_string(),
                }],
                out,
            ),
        }
    }
}
