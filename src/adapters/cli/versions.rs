//! `clause eval DIR --claim FILE [--policy NAME]`: the claim judged by the
//! version of the policy in force when its order was placed (and the set that
//! `eval DIR --claims` judges each line by).

use std::path::Path;

use clause::PolicySet;

use super::{EXIT_INPUT, EXIT_OK, EXIT_POLICY, EXIT_USAGE};

/// Loads the versions in `dir` and settles which policy's (`--policy NAME`,
/// or the only one), printing why when it cannot.
pub(super) fn set_or_exit(dir: &Path, name: Option<&str>) -> Result<(PolicySet, String), i32> {
    let set = match PolicySet::load_dir(dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return Err(EXIT_POLICY);
        }
    };
    for (file, why) in set.failures() {
        eprintln!("error: {}: {why}", file.display());
    }
    if !set.failures().is_empty() {
        return Err(EXIT_POLICY);
    }
    let names: Vec<&str> = set.names().collect();
    let name = match (name, names.as_slice()) {
        (Some(n), _) if names.contains(&n) => n,
        (Some(n), _) => {
            eprintln!(
                "error: {} holds no policy named `{n}` (it holds: {})",
                dir.display(),
                names.join(", ")
            );
            return Err(EXIT_USAGE);
        }
        (None, [only]) => only,
        (None, []) => {
            eprintln!("error: {} holds no .policy files", dir.display());
            return Err(EXIT_POLICY);
        }
        (None, _) => {
            eprintln!(
                "error: {} holds several policies ({}): say which with --policy NAME",
                dir.display(),
                names.join(", ")
            );
            return Err(EXIT_USAGE);
        }
    }
    .to_string();
    Ok((set, name))
}

pub fn run(dir: &Path, name: Option<&str>, claim: &Path) -> i32 {
    let (set, name) = match set_or_exit(dir, name) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let name = name.as_str();
    let text = match super::eval::read_claim(claim) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    match set.evaluate(name, &text) {
        Ok((policy, verdict)) => {
            let mut json = serde_json::to_value(&verdict).unwrap_or_default();
            if let Some(fields) = json.as_object_mut() {
                stamp(fields, policy);
            }
            match serde_json::to_string_pretty(&json) {
                Ok(s) => {
                    outln!("{s}");
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: cannot write the verdict: {e}");
                    EXIT_INPUT
                }
            }
        }
        Err(errors) => {
            super::report_claim_error(&errors);
            EXIT_INPUT
        }
    }
}

/// Adds what names the version that decided to a verdict's fields: its
/// `policy_version`, and for a dated version its file's name and the day it
/// took effect (as the server's verdicts say them).
pub(super) fn stamp(
    fields: &mut serde_json::Map<String, serde_json::Value>,
    policy: &clause::Policy,
) {
    fields.insert("policy_version".into(), policy.version().into());
    if let Some(day) = policy.effective_from() {
        let file = std::path::Path::new(policy.file_name())
            .file_name()
            .map_or_else(
                || policy.file_name().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
        fields.insert("policy_file".into(), file.into());
        fields.insert("policy_effective_from".into(), day.to_string().into());
    }
}
