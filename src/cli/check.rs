//! `clause check PATH...`: parse and check policy files.

use std::path::{Path, PathBuf};

use super::{read_source, Format, EXIT_INPUT, EXIT_OK, WIDTH};

pub fn run(paths: &[PathBuf], format: Format) -> i32 {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        collect(p, &mut files, &mut problems);
    }
    files.sort();
    let mut failed = 0usize;
    let mut json = Vec::new();
    for f in &files {
        let source = match read_source(f) {
            Ok(s) => s,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        match crate::load(&source) {
            Ok(_) => {
                if format == Format::Human {
                    outln!("ok    {}", f.display());
                }
            }
            Err(diags) => {
                failed += 1;
                match format {
                    Format::Human => {
                        outln!("error {}", f.display());
                        out!("{}", diags.render(WIDTH));
                    }
                    Format::Json => json.extend(diags.to_json()),
                }
            }
        }
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    match format {
        Format::Human => {
            let n = files.len();
            outln!(
                "checked {n} {}: {failed} with errors",
                if n == 1 { "policy" } else { "policies" }
            );
        }
        Format::Json => {
            let out = serde_json::json!({
                "checked": files.len(),
                "failed": failed,
                "diagnostics": json,
            });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    if failed > 0 || !problems.is_empty() || files.is_empty() {
        if files.is_empty() && problems.is_empty() {
            eprintln!("error: no .policy files found");
        }
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>, problems: &mut Vec<String>) {
    if path.is_dir() {
        match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut children: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                for c in children {
                    if c.is_dir() || c.extension().is_some_and(|e| e == "policy") {
                        collect(&c, out, problems);
                    }
                }
            }
            Err(e) => problems.push(format!("cannot read {}: {e}", path.display())),
        }
    } else if path.exists() {
        out.push(path.to_path_buf());
    } else {
        problems.push(format!("{} does not exist", path.display()));
    }
}
