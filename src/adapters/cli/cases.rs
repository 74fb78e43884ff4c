//! `clause cases POLICY --boundaries`: draft cases on each side of every edge the
//! policy draws (windows, fixed days, amounts, weights), each with the verdict it
//! gets today, as a cases file on standard output to review and accept.
//! `clause cases POLICY --new`: writes a starting cases file beside the policy.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::eval::policy_or_exit;
use super::{EXIT_INPUT, EXIT_OK};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// A cases file (JSON)
    Json,
    /// One line per draft: its name, today's decision and what it shows
    Human,
}

/// The cases file beside a policy: `returns.policy` -> `returns.cases.json`.
pub fn cases_file_of(policy: &Path) -> PathBuf {
    let stem = policy.file_stem().map_or_else(
        || "policy".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    policy.with_file_name(format!("{stem}.cases.json"))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The path a policy goes by: its own, or for `-` (standard input) the name
/// `--stdin-filename` gives it, beside which its cases file is looked for.
fn named(policy_path: &Path) -> Result<PathBuf, String> {
    if policy_path.as_os_str() != "-" {
        return Ok(policy_path.to_path_buf());
    }
    match super::STDIN_NAME.get() {
        Some(name) => Ok(PathBuf::from(name)),
        None => Err("a policy read from standard input (`-`) has no cases file beside it: name it with --stdin-filename PATH".into()),
    }
}

/// `--boundaries`: the base claim is `--claim`, or the first case of the cases file beside the policy.
pub fn boundaries(policy_path: &Path, claim: Option<&Path>, format: Format) -> i32 {
    let policy = match policy_or_exit(policy_path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // With `--claim`, a policy from standard input needs no name.
    let policy_path = &match (named(policy_path), claim) {
        (Ok(p), _) => p,
        (Err(_), Some(_)) => PathBuf::from(super::stdin_name()),
        (Err(e), None) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let base = match base_claim(policy_path, claim) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let drafts = match clause::cases::boundaries(&policy, &base) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    match format {
        Format::Json => {
            let file = json!({
                "policy": file_name(policy_path),
                "base": base,
                "cases": drafts.iter().map(|d| d.to_case()).collect::<Vec<_>>(),
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&file).unwrap_or_default()
            );
        }
        Format::Human => {
            for d in &drafts {
                let today = match &d.verdict {
                    Ok(v) => {
                        let decision = v.get("decision").and_then(Value::as_str).unwrap_or("?");
                        let rule = v
                            .pointer("/because/0/rule")
                            .and_then(Value::as_str)
                            .unwrap_or("-");
                        format!("{decision} ({rule})")
                    }
                    Err(e) => format!("refused: {e}"),
                };
                outln!("{}: {today}\n    {}", d.name, d.text);
            }
        }
    }
    eprintln!(
        "{} draft cases: review each verdict, then add the ones that say what the page means to {}",
        drafts.len(),
        file_name(&cases_file_of(policy_path))
    );
    EXIT_OK
}

fn base_claim(policy_path: &Path, claim: Option<&Path>) -> Result<Value, String> {
    if let Some(path) = claim {
        let text = if path == Path::new("-") {
            String::from_utf8(super::read_stdin("the claim")?)
                .map_err(|_| "the claim is not UTF-8 text".to_string())?
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        };
        // Read as `clause eval` reads a claim: a key given twice is refused.
        return clause::cases::read_claim(&text).map_err(|e| {
            e.problems
                .iter()
                .map(|p| match p.path.as_str() {
                    "" => format!("{}: {}", path.display(), p.message),
                    at => format!("{}: {at}: {}", path.display(), p.message),
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
    let cases = cases_file_of(policy_path);
    if !cases.exists() {
        return Err(format!(
            "no claim to start from: give one with --claim FILE, or write {} (clause cases {} --new)",
            cases.display(),
            policy_path.display()
        ));
    }
    let file = clause::cases::load(&cases)?;
    file.cases
        .into_iter()
        .next()
        .map(|c| c.claim)
        .ok_or_else(|| format!("{} has no case to take a claim from", cases.display()))
}

/// `--new`: refuses to replace a cases file that is there.
pub fn new(policy_path: &Path) -> i32 {
    let policy = match policy_or_exit(policy_path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let policy_path = &match named(policy_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let target = cases_file_of(policy_path);
    if target.exists() {
        eprintln!(
            "error: {} is there already; it is left as it is (clause cases {} --boundaries drafts more cases)",
            target.display(),
            policy_path.display()
        );
        return EXIT_INPUT;
    }
    // The one clock read: the starting claim is filed today in the policy's time zone.
    let (file, refused) =
        clause::cases::starter(&policy, &file_name(policy_path), chrono::Utc::now());
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&file).unwrap_or_default()
    );
    if let Err(e) = std::fs::write(&target, text) {
        eprintln!("error: cannot write {}: {e}", target.display());
        return EXIT_INPUT;
    }
    outln!("wrote {}", target.display());
    if let Some(why) = refused {
        eprintln!("note: the starting claim is refused by the policy ({why}); fix the base claim and fill in the case's expect");
    }
    EXIT_OK
}
