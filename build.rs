//! Build steps: the commit in the version, and the playground switch.
//!
//! Puts the commit a binary was built from into its version
//! (`clause --version`: `clause 0.1.0 (commit 1a2b3c4d5e6f)`), as `CLAUSE_VERSION`.
//!
//! The commit comes from, in order: the `CLAUSE_COMMIT` environment variable (for
//! builds from an exported tree), `git` when the source is a Git checkout and
//! `git` is installed, and the `.cargo_vcs_info.json` that `cargo package` writes
//! (a build from crates.io). With none of them the version is the package's alone.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The commit recorded by `cargo package` (`"sha1": "..."` in `.cargo_vcs_info.json`).
fn packaged_commit() -> Option<String> {
    let info = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let after = info.split("\"sha1\"").nth(1)?;
    let sha: String = after
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 12).then(|| sha.chars().take(12).collect())
}

/// `CLAUSE_VERSION`: the package version and the commit.
fn version() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CLAUSE_COMMIT");
    let from_git = || {
        // Rebuild when HEAD moves: HEAD itself (a checkout) and the branch it names (a commit).
        for file in ["HEAD", "packed-refs"] {
            if let Some(p) = git(&["rev-parse", "--git-path", file]) {
                if Path::new(&p).exists() {
                    println!("cargo:rerun-if-changed={p}");
                }
            }
        }
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            if let Some(p) = git(&["rev-parse", "--git-path", &branch]) {
                if Path::new(&p).exists() {
                    println!("cargo:rerun-if-changed={p}");
                }
            }
        }
        git(&["rev-parse", "--short=12", "HEAD"])
    };
    let commit = std::env::var("CLAUSE_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(from_git)
        .or_else(packaged_commit);
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match commit {
        Some(c) => format!("{version} (commit {})", c.trim()),
        None => version,
    };
    println!("cargo:rustc-env=CLAUSE_VERSION={long}");
}

/// The playground page: if `src/adapters/serve/playground.rs` exists, sets
/// `clause_playground` and writes the module declaration that
/// `src/adapters/serve/mod.rs` includes (a plain `#[cfg] mod playground;` would
/// make `cargo fmt` fail while the file is absent).
fn playground() {
    println!("cargo::rustc-check-cfg=cfg(clause_playground)");
    println!("cargo::rerun-if-changed=src/adapters/serve");
    let file = std::path::Path::new("src/adapters/serve/playground.rs");
    let out = std::env::var("OUT_DIR").map(std::path::PathBuf::from);
    let declaration = match std::fs::canonicalize(file) {
        Ok(path) => {
            println!("cargo::rustc-cfg=clause_playground");
            format!(
                "#[path = {:?}]\nmod playground;\n",
                path.display().to_string()
            )
        }
        Err(_) => String::new(),
    };
    if let Ok(out) = out {
        let _ = std::fs::write(out.join("playground_mod.rs"), declaration);
    }
}

fn main() {
    version();
    playground();
}
