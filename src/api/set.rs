//! [`PolicySet`]: the policies of a directory, found by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::policy::Policy;

/// Every policy file (`*.policy`) of a directory, by policy name, with the
/// files that could not be loaded and why.
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
    policies: BTreeMap<String, Policy>,
    failures: Vec<(PathBuf, String)>,
}

impl PolicySet {
    /// Loads every `*.policy` file directly in `dir` (not in its subfolders),
    /// in name order. A file that does not check, or a second file declaring a
    /// name already taken, is kept in [`failures`](PolicySet::failures); only a
    /// directory that cannot be listed is an error.
    pub fn load_dir(dir: impl AsRef<Path>) -> std::io::Result<PolicySet> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.as_ref())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "policy"))
            .collect();
        files.sort();
        let mut set = PolicySet::default();
        for file in files {
            match Policy::load(&file) {
                Ok(p) => {
                    if let Some(first) = set.policies.get(p.name()) {
                        let why = format!(
                            "declares policy `{}`, already declared by {}",
                            p.name(),
                            first.file_name()
                        );
                        set.failures.push((file, why));
                    } else {
                        set.policies.insert(p.name().to_string(), p);
                    }
                }
                Err(e) => {
                    set.failures.push((file, e.to_string()));
                }
            }
        }
        Ok(set)
    }

    /// The policy declared with this name.
    pub fn get(&self, name: &str) -> Option<&Policy> {
        self.policies.get(name)
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.policies.keys().map(String::as_str)
    }

    /// The policies, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Policy> {
        self.policies.values()
    }

    /// The files that could not be loaded, each with the reason.
    pub fn failures(&self) -> &[(PathBuf, String)] {
        &self.failures
    }
}
