//! The policies being served, and hot reload.
//!
//! The set is an immutable map from name to entry behind one lock, replaced
//! whole: a request takes the entry it needs (an `Arc`) and keeps it until it
//! is answered, so a reload never changes a policy under a request, and no
//! request ever sees a policy half loaded.
//!
//! Reload is a bounded poll: every `--reload-interval` the directory is listed
//! and each `*.policy` file read and hashed; a file whose content changed is
//! checked, and replaces the version served only if it checks. A file that does
//! not check leaves the last good version serving, with the diagnostics on the
//! policy's endpoint and in the log. A deleted file's policy is no longer served.
//! After each pass that changed something, the files' policies are grouped by
//! the name they declare (`versions`): a name that dated files share routes
//! claims by their order date, and the groups are replaced with the files, in
//! one step.
//!
//! Why a poll and not file-system events (`notify`): a Kubernetes ConfigMap
//! volume changes by swapping a symbolic link (`..data`) to a new directory, an
//! editor may write a new file and rename it over the old one, and network and
//! overlay file systems deliver no events at all; comparing content hashes
//! catches every one of these the same way, and at one pass a second over a
//! directory of small files the cost is negligible.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::api::DiagnosticOut;
use super::engine::{self, Loaded};
use super::versions::{self, Conflict, Versions};

/// A policy file and what the server made of it.
pub struct Entry {
    pub name: String,
    /// The version being served, if any version of the file ever checked.
    pub current: Option<Arc<Loaded>>,
    /// When `current` was loaded (RFC 3339).
    pub loaded_at: Option<String>,
    /// The last text that did not check (or could not be read), if the file
    /// holds it now: diagnostics and when it was seen.
    pub failure: Option<Failure>,
    /// The content hash of the file as last read, to notice changes.
    seen: String,
}

pub struct Failure {
    pub at: String,
    /// The version (content hash) of the text that was refused.
    pub version: String,
    pub message: String,
    pub diagnostics: Vec<DiagnosticOut>,
}

/// What one reload pass did to one policy, for the log and the metrics.
pub enum Change {
    Loaded { name: String, version: String },
    Refused { name: String, message: String },
    Removed { name: String },
}

/// What is served at one moment: the files, and the versions their policies
/// form. Replaced whole by a reload.
#[derive(Default)]
pub struct Snapshot {
    /// Every policy file, by its name (the file name without `.policy`).
    pub files: BTreeMap<String, Arc<Entry>>,
    /// Each declared name that several dated files share: its versions.
    pub versioned: BTreeMap<String, Arc<Versions>>,
    /// Declared names that several files share without being versions.
    pub conflicts: Vec<Conflict>,
}

pub struct Registry {
    dir: PathBuf,
    max_bytes: usize,
    entries: RwLock<Arc<Snapshot>>,
}

impl Registry {
    pub fn new(dir: PathBuf, max_bytes: usize) -> Self {
        Registry {
            dir,
            max_bytes,
            entries: RwLock::new(Arc::new(Snapshot::default())),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What is served now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.entries.read() {
            Ok(e) => e.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// A file's entry, by the file's name.
    pub fn get(&self, name: &str) -> Option<Arc<Entry>> {
        self.snapshot().files.get(name).cloned()
    }

    /// Reads the directory and loads what changed. Blocking: run it off the
    /// async threads. Returns what changed, or why the directory could not be read.
    pub fn reload(&self) -> Result<Vec<Change>, String> {
        let files = policy_files(&self.dir)?;
        let old_snapshot = self.snapshot();
        let old = &old_snapshot.files;
        let mut next: BTreeMap<String, Arc<Entry>> = BTreeMap::new();
        let mut changes = Vec::new();
        for (name, path) in files {
            let text = read_limited(&path, self.max_bytes);
            let hash = match &text {
                Ok(t) => clause::version_of(t),
                Err(e) => format!("unreadable: {e}"),
            };
            let previous = old.get(&name);
            if let Some(p) = previous.filter(|p| p.seen == hash) {
                next.insert(name, p.clone());
                continue;
            }
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let label = path.display().to_string();
            let entry = match text.map(|t| (engine::load(&name, &label, &t), t)) {
                Ok((Ok(loaded), _)) => {
                    changes.push(Change::Loaded {
                        name: name.clone(),
                        version: loaded.version.clone(),
                    });
                    Entry {
                        name: name.clone(),
                        current: Some(Arc::new(loaded)),
                        loaded_at: Some(now),
                        failure: None,
                        seen: hash,
                    }
                }
                Ok((Err(refused), _)) => {
                    changes.push(Change::Refused {
                        name: name.clone(),
                        message: refused.rendered.clone(),
                    });
                    failed_entry(
                        &name,
                        previous,
                        hash.clone(),
                        now,
                        hash,
                        refused.rendered,
                        refused.diagnostics,
                    )
                }
                Err(e) => {
                    changes.push(Change::Refused {
                        name: name.clone(),
                        message: e.clone(),
                    });
                    failed_entry(&name, previous, String::new(), now, hash, e, Vec::new())
                }
            };
            next.insert(name, Arc::new(entry));
        }
        for name in old.keys() {
            if !next.contains_key(name) {
                changes.push(Change::Removed { name: name.clone() });
            }
        }
        if !changes.is_empty() {
            let names = next.keys().map(String::as_str).collect();
            let (versioned, conflicts) =
                versions::group(next.values().filter_map(|e| e.current.as_ref()), &names);
            for c in &conflicts {
                tracing::warn!(policy = %c.name, files = ?c.files, "{}", c.message);
            }
            let next = Arc::new(Snapshot {
                files: next,
                versioned,
                conflicts,
            });
            match self.entries.write() {
                Ok(mut e) => *e = next,
                Err(poisoned) => *poisoned.into_inner() = next,
            }
        }
        Ok(changes)
    }
}

/// An entry for a file that does not check now: the last good version (if
/// any) keeps serving.
fn failed_entry(
    name: &str,
    previous: Option<&Arc<Entry>>,
    version: String,
    at: String,
    seen: String,
    message: String,
    diagnostics: Vec<DiagnosticOut>,
) -> Entry {
    Entry {
        name: name.to_string(),
        current: previous.and_then(|p| p.current.clone()),
        loaded_at: previous.and_then(|p| p.loaded_at.clone()),
        failure: Some(Failure {
            at,
            version,
            message,
            diagnostics,
        }),
        seen,
    }
}

/// The `*.policy` entries directly in `dir`, by name (the file name without `.policy`).
fn policy_files(dir: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        let Some(name) = file.strip_suffix(".policy") else {
            continue;
        };
        // Anything else by that name (a directory, a pipe, a broken link) is
        // kept, for `read_limited` to refuse with a reason.
        if name.is_empty() || name.starts_with('.') {
            continue;
        }
        out.insert(name.to_string(), path);
    }
    Ok(out)
}

/// A file's text, refused beyond `max` bytes (the limit on policy texts).
/// Only regular files (or links to them) are read: a named pipe would wait for
/// a writer, and a reload pass must not wait. The file is opened without
/// waiting (`O_NONBLOCK`, which a regular file ignores) and what was opened is
/// checked, so a pipe renamed over the file in between is refused too.
pub fn read_limited(path: &Path, max: usize) -> Result<String, String> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(cannot)?;
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(format!(
            "{} is {}",
            path.display(),
            clause::NOT_A_REGULAR_FILE
        ));
    }
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() > max {
        return Err(format!(
            "{} is larger than {max} bytes (the server's --max-policy-bytes)",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}
