//! `clause check PATH...`: parse and check policy files.
//!
//! Formats: `human` (miette's drawing), `json`, `github` (workflow commands that
//! GitHub Actions turns into annotations on the pull request) and `sarif`
//! (SARIF 2.1.0, which code-scanning tools read).

use std::path::PathBuf;

use super::{collect_files, read_source, EXIT_INPUT, EXIT_OK, WIDTH};
use crate::Diagnostics;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    Sarif,
}

pub fn run(paths: &[PathBuf], format: CheckFormat) -> i32 {
    let (files, mut problems) = collect_files(paths, ".policy");
    let mut failures: Vec<Diagnostics> = Vec::new();
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
                if format == CheckFormat::Human {
                    outln!("ok    {}", f.display());
                }
            }
            Err(diags) => {
                if format == CheckFormat::Human {
                    outln!("error {}", f.display());
                    out!("{}", diags.render(WIDTH));
                }
                failures.push(diags);
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
    match format {
        CheckFormat::Human => outln!(
            "checked {n} {}: {} with errors",
            if n == 1 { "policy" } else { "policies" },
            failures.len()
        ),
        CheckFormat::Json => {
            let diagnostics: Vec<serde_json::Value> =
                failures.iter().flat_map(Diagnostics::to_json).collect();
            let out = serde_json::json!({ "checked": n, "failed": failures.len(), "diagnostics": diagnostics });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        CheckFormat::Github => {
            for diags in &failures {
                for d in &diags.items {
                    let span = d.span();
                    let (line, col) = diags.source.line_col(span.start);
                    let (end_line, end_col) = diags.source.line_col(span.end);
                    let mut message = d.message.clone();
                    if let Some(h) = &d.help {
                        message.push_str("\nhelp: ");
                        message.push_str(h);
                    }
                    outln!(
                        "::error file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                        github_property(&diags.source.name),
                        github_property(d.code.as_str()),
                        github_data(&message)
                    );
                }
            }
        }
        CheckFormat::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&super::sarif::log(&failures)).unwrap_or_default()
        ),
    }
    if !failures.is_empty() || !problems.is_empty() {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// A workflow command's message: `%`, CR and LF escaped as GitHub expects.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}
