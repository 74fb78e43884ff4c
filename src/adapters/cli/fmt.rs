//! `clause fmt [--check] PATH...`: rewrite policy files in the canonical layout.
//!
//! Files are rewritten in place only when their layout changes, through a temporary
//! file in the same directory renamed over the original, so an interrupted run never
//! leaves half a policy. `--check` writes nothing: it lists the files that would
//! change, with every line that would change, and exits 1 if there are any. A file with
//! syntax errors gets its diagnostics and exit 1; the other files are still done.
//! `clause fmt -` formats standard input to standard output.

use std::path::{Path, PathBuf};

use super::{collect_files, read_source, EXIT_INPUT, EXIT_OK};
use clause::format_source;

/// What `clause fmt` does with a file whose layout changes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite it.
    Write,
    /// Name it, with every difference (`--check`).
    Check,
    /// Print every change as a unified diff (`--diff`).
    Diff,
}

pub fn run(paths: &[PathBuf], mode: Mode) -> i32 {
    let check = mode != Mode::Write;
    if let [only] = paths {
        if only.as_os_str() == "-" {
            return stdin(mode);
        }
    }
    if paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: `-` (standard input) must be the only path given to `clause fmt`");
        return super::EXIT_USAGE;
    }
    let (files, mut problems) = collect_files(paths, ".policy");
    let mut changed = 0;
    let mut broken = 0;
    for f in &files {
        let source = match read_source(f) {
            Ok(s) => s,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let formatted = match format_source(&source) {
            Ok(t) => t,
            Err(d) => {
                broken += 1;
                eprintln!("error {}", f.display());
                eprint!("{}", super::style::render(&d, super::style::Stream::Stderr));
                continue;
            }
        };
        if formatted == *source.text {
            continue;
        }
        changed += 1;
        if mode == Mode::Diff {
            out!("{}", unified_diff(&source.name, &source.text, &formatted));
        } else if check {
            outln!("would reformat {}", f.display());
            out!("{}", differences(&source.text, &formatted));
        } else {
            match write_atomically(f, &formatted) {
                Ok(()) => outln!("formatted {}", f.display()),
                Err(e) => problems.push(format!("cannot write {}: {e}", f.display())),
            }
        }
    }
    if files.is_empty() && problems.is_empty() {
        problems.push("no .policy files found".into());
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    let n = files.len();
    let policies = if n == 1 { "policy" } else { "policies" };
    if mode == Mode::Diff {
        eprintln!(
            "checked {n} {policies}: {changed} would be reformatted, {broken} with syntax errors"
        );
    } else if check {
        outln!(
            "checked {n} {policies}: {changed} would be reformatted, {broken} with syntax errors"
        );
    } else {
        outln!("{changed} of {n} {policies} reformatted, {broken} with syntax errors");
    }
    if broken > 0 || !problems.is_empty() || (check && changed > 0) {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// `clause fmt -`: standard input to standard output (with `--check`, only the verdict).
fn stdin(mode: Mode) -> i32 {
    let source = match read_source(Path::new("-")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    match format_source(&source) {
        Ok(formatted) if mode != Mode::Write => {
            if formatted == *source.text {
                EXIT_OK
            } else if mode == Mode::Diff {
                out!("{}", unified_diff(&source.name, &source.text, &formatted));
                EXIT_INPUT
            } else {
                outln!("would reformat {}", source.name);
                out!("{}", differences(&source.text, &formatted));
                EXIT_INPUT
            }
        }
        Ok(formatted) => {
            out!("{formatted}");
            EXIT_OK
        }
        Err(d) => {
            eprint!("{}", super::style::render(&d, super::style::Stream::Stderr));
            EXIT_INPUT
        }
    }
}

/// Writes `text` to a temporary file beside `path` and renames it over `path`.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.fmt-{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, text)
        .and_then(|()| {
            let perms = std::fs::metadata(path)?.permissions();
            std::fs::set_permissions(&tmp, perms)
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Every change formatting makes to `name`, as a unified diff with three lines
/// of context (`--- a/NAME`, `+++ b/NAME`), as `git apply` and `patch -p1` read it.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Every run of lines that differ (each hunk, without context), as `-` old
/// and `+` new lines under `@@ line N @@`, N the hunk's first line in the file.
fn differences(old: &str, new: &str) -> String {
    use similar::ChangeTag;
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    for group in diff.grouped_ops(0) {
        let Some(first) = group.first() else {
            continue;
        };
        out.push_str(&format!("  @@ line {} @@\n", first.old_range().start + 1));
        for op in &group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => continue,
                };
                let line = change.value();
                out.push_str(&format!(
                    "  {sign}{}\n",
                    line.strip_suffix('\n').unwrap_or(line)
                ));
            }
        }
    }
    if old.ends_with('\n') != new.ends_with('\n') {
        out.push_str("  (newline at the end of the file)\n");
    }
    out
}
