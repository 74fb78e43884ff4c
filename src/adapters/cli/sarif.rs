//! Diagnostics as a SARIF 2.1.0 log, for code-scanning tools.

use serde_json::{json, Value};

use clause::language::diagnostic::{Code, Level, ALL_CODES};
use clause::tools::lint::{Lint, Setting};
use clause::Diagnostics;

/// Every code a run may report: the checker's, then the lints'.
fn all_codes() -> Vec<Code> {
    ALL_CODES
        .iter()
        .copied()
        .chain(Lint::ALL.iter().map(|l| Code::Lint(*l)))
        .collect()
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// One run of `clause check`: every diagnostic of every file, with the rules
/// (diagnostic codes) they refer to.
pub fn log(reports: &[Diagnostics]) -> Value {
    let codes = all_codes();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            let level = match c {
                Code::Lint(l) => match l.default_setting() {
                    Setting::Allow => "none",
                    Setting::Info => "note",
                    Setting::Warn => "warning",
                    Setting::Deny => "error",
                },
                _ => "error",
            };
            json!({
                "id": c.as_str(),
                "name": c.as_str().trim_start_matches("clause::"),
                "shortDescription": { "text": c.summary() },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let mut results = Vec::new();
    for diags in reports {
        for d in &diags.items {
            let span = d.span();
            let (line, col) = diags.source.line_col(span.start);
            let (end_line, end_col) = diags.source.line_col(span.end.max(span.start + 1));
            let mut text = d.message.clone();
            if let Some(h) = d.help_text() {
                text.push_str(". Help: ");
                text.push_str(&h);
            }
            let rule_index = codes.iter().position(|c| *c == d.code).unwrap_or(0);
            results.push(json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index,
                "level": sarif_level(d.level),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&diags.source.name) },
                        "region": {
                            "startLine": line,
                            "startColumn": col,
                            "endLine": end_line,
                            "endColumn": end_col,
                        }
                    }
                }],
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "clause",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A file path as a relative URI reference (forward slashes, spaces escaped).
fn uri(path: &str) -> String {
    path.trim_start_matches("./")
        .replace('\\', "/")
        .replace(' ', "%20")
}
