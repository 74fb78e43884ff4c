//! Diagnostics as a SARIF 2.1.0 log, for code-scanning tools (GitHub code
//! scanning reads it through `upload-sarif`).
//!
//! Built with serde-sarif's typed structures, so that a field misspelt or
//! misplaced does not compile. What GitHub needs beyond the schema (checked in CI
//! with the SARIF Multitool's GitHub rules): every rule has a full description,
//! help text and a help URI; every result a stable `partialFingerprints` entry;
//! the driver its version and an information URI; file names are URI references
//! with `%`, spaces and non-ASCII characters percent-encoded. A run that could
//! not do its whole job (a path that does not exist, a file that does not read,
//! a broken `clause.toml`) says so: `invocations[0].executionSuccessful` is
//! false and each problem is a tool execution notification, so an upload after
//! a failed step never looks like a clean run.

use std::collections::BTreeMap;

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use clause::{Code, Diagnostics, Level, Lint, LintSetting as Setting, ALL_CODES};

/// Where the package is published; the driver's `informationUri`.
const INFORMATION_URI: &str = "https://crates.io/crates/clause-policy";

/// The documentation of this version, as published with the package.
fn docs_uri(page: &str) -> String {
    format!(
        "https://docs.rs/crate/clause-policy/{}/source/docs/{page}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The key of the fingerprint in `partialFingerprints`; the `/v1` changes if
/// the way it is computed ever does.
const FINGERPRINT_KEY: &str = "clauseDiagnostic/v1";

/// Every code a run may report: the checker's, then the lints'.
fn all_codes() -> Vec<Code> {
    ALL_CODES
        .iter()
        .copied()
        .chain(Lint::ALL.iter().map(|l| Code::Lint(*l)))
        .collect()
}

fn result_level(level: Level) -> ResultLevel {
    match level {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
        Level::Info => ResultLevel::Note,
    }
}

/// The level a rule has unless configured otherwise.
fn default_level(code: Code) -> &'static str {
    match code {
        Code::Lint(l) => match l.default_setting() {
            Setting::Allow => "none",
            Setting::Info => "note",
            Setting::Warn => "warning",
            Setting::Deny => "error",
        },
        _ => "error",
    }
}

/// The page of a lint (docs/lints/NAME.md), as shipped with the package.
fn lint_page(lint: Lint) -> &'static str {
    match lint {
        Lint::UnreachableRule => include_str!("../../../docs/lints/unreachable-rule.md"),
        Lint::OverlappingOutcomes => include_str!("../../../docs/lints/overlapping-outcomes.md"),
        Lint::UndecidedClaims => include_str!("../../../docs/lints/undecided-claims.md"),
        Lint::ImpossibleCondition => include_str!("../../../docs/lints/impossible-condition.md"),
        Lint::EmptyWindow => include_str!("../../../docs/lints/empty-window.md"),
        Lint::UnclearDay => include_str!("../../../docs/lints/unclear-day.md"),
        Lint::NegativeRefund => include_str!("../../../docs/lints/negative-refund.md"),
        Lint::UnassignedFee => include_str!("../../../docs/lints/unassigned-fee.md"),
        Lint::CurrencyWithoutRate => include_str!("../../../docs/lints/currency-without-rate.md"),
        Lint::UnusedDefinition => include_str!("../../../docs/lints/unused-definition.md"),
        Lint::MissingSourceText => include_str!("../../../docs/lints/missing-source-text.md"),
        Lint::StaleQuote => include_str!("../../../docs/lints/stale-quote.md"),
        Lint::QuoteNotOnPage => include_str!("../../../docs/lints/quote-not-on-page.md"),
        Lint::PageSentenceUnaccounted => {
            include_str!("../../../docs/lints/page-sentence-unaccounted.md")
        }
        Lint::LegalFloor => include_str!("../../../docs/lints/legal-floor.md"),
        Lint::CalendarCoverage => include_str!("../../../docs/lints/calendar-coverage.md"),
        Lint::AnalysisLimit => include_str!("../../../docs/lints/analysis-limit.md"),
        Lint::UnknownLint => include_str!("../../../docs/lints/unknown-lint.md"),
    }
}

/// The language reference, whose section 17 has a row for every checker code.
const LANGUAGE_MD: &str = include_str!("../../../docs/language.md");
const CODES_SECTION: &str = "language.md#17-common-mistakes-and-every-diagnostic-code";

/// The first paragraph of a Markdown page after its title, joined into one line.
fn first_paragraph(page: &str) -> String {
    page.lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// "When it fires" for a checker code, from its row in language.md's table.
fn code_row(code: Code) -> Option<String> {
    let start = format!("| `{}` |", code.as_str());
    let row = LANGUAGE_MD.lines().find(|l| l.starts_with(&start))?;
    let when = row.get(start.len()..)?.trim().trim_end_matches('|').trim();
    Some(when.to_string())
}

/// Markdown links `[text](target)` as their text alone.
fn link_texts(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        let link = from.find("](").and_then(|mid| {
            let close = mid + from.get(mid..)?.find(')')?;
            Some((from.get(1..mid)?, close))
        });
        match link {
            Some((text, close)) => {
                out.push_str(text);
                rest = from.get(close + 1..).unwrap_or_default();
            }
            None => {
                out.push('[');
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// A rule's descriptions, help and help URI.
fn descriptor(code: Code) -> ReportingDescriptor {
    let summary = code.summary();
    let (full, help_text, help_markdown, uri) = match code {
        Code::Lint(l) => {
            let page = lint_page(l);
            let full = first_paragraph(page);
            let uri = docs_uri(&format!("lints/{}.md", l.name()));
            (full.clone(), full, page.to_string(), uri)
        }
        _ => {
            let when = code_row(code).unwrap_or_else(|| summary.to_string());
            let uri = docs_uri(CODES_SECTION);
            // The row's links point into language.md: absolute in Markdown, dropped in text.
            let language = docs_uri("language.md");
            let markdown = format!(
                "{summary}. When it fires: {}.\n\nEvery diagnostic code is listed in [the language reference]({uri}).",
                when.replace("](#", &format!("]({language}#"))
            );
            let full = format!("{summary}. When it fires: {}.", link_texts(&when));
            (full.clone(), full, markdown, uri)
        }
    };
    ReportingDescriptor::builder()
        .id(code.as_str())
        .name(pascal_case(code.as_str().trim_start_matches("clause::")))
        .short_description(MultiformatMessageString::builder().text(summary).build())
        .full_description(MultiformatMessageString::builder().text(full).build())
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        )
        .help_uri(uri)
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::Value::from(default_level(code)))
                .build(),
        )
        .build()
}

/// `unknown-fact` as `UnknownFact`: SARIF's convention for a rule's name.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// One run of `clause check`: every diagnostic of every file, the rules
/// (diagnostic codes) they refer to, and whether the run did its whole job
/// (`problems`: what kept it from doing so).
pub fn log(reports: &[Diagnostics], problems: &[String]) -> Sarif {
    let codes = all_codes();
    let rules: Vec<ReportingDescriptor> = codes.iter().map(|c| descriptor(*c)).collect();
    let mut results = Vec::new();
    for diags in reports {
        // How often each (code, text) pair has been seen in this file: the
        // fingerprint of the second identical finding differs from the first's.
        let mut seen: BTreeMap<(Code, String), u32> = BTreeMap::new();
        for d in &diags.items {
            let span = d.span();
            let (line, col) = diags.source.line_col(span.start);
            let (end_line, end_col) = diags.source.line_col(span.end.max(span.start + 1));
            let mut text = d.message.clone();
            if let Some(h) = d.help_text() {
                text.push_str(". Help: ");
                text.push_str(&h);
            }
            let flagged = diags
                .source
                .text
                .get(span.start..span.end)
                .unwrap_or_default()
                .to_string();
            let count = seen.entry((d.code, flagged.clone())).or_insert(0);
            *count += 1;
            let fingerprint = fingerprint(&[
                d.code.as_str(),
                &diags.source.name,
                &d.message,
                &flagged,
                &count.to_string(),
            ]);
            let rule_index = codes.iter().position(|c| *c == d.code).unwrap_or(0);
            results.push(
                SarifResult::builder()
                    .rule_id(d.code.as_str())
                    .rule_index(i64::try_from(rule_index).unwrap_or(0))
                    .level(result_level(d.level))
                    .message(Message::builder().text(text).build())
                    .locations(vec![Location::builder()
                        .physical_location(
                            PhysicalLocation::builder()
                                .artifact_location(
                                    ArtifactLocation::builder()
                                        .uri(uri(&diags.source.name))
                                        .build(),
                                )
                                .region(
                                    Region::builder()
                                        .start_line(to_i64(line))
                                        .start_column(to_i64(col))
                                        .end_line(to_i64(end_line))
                                        .end_column(to_i64(end_col))
                                        .build(),
                                )
                                .build(),
                        )
                        .build()])
                    .partial_fingerprints(BTreeMap::from([(
                        FINGERPRINT_KEY.to_string(),
                        fingerprint,
                    )]))
                    .build(),
            );
        }
    }
    let notifications: Vec<Notification> = problems
        .iter()
        .map(|p| {
            Notification::builder()
                .level(serde_json::Value::from("error"))
                .message(Message::builder().text(p.clone()).build())
                .build()
        })
        .collect();
    let invocation = Invocation::builder()
        .execution_successful(problems.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    let driver = ToolComponent::builder()
        .name("clause")
        .version(super::version::long())
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .results(results)
        .build();
    Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build()
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// FNV-1a (64 bits) over the parts, each followed by a zero byte, in hex: a
/// finding keeps its fingerprint when lines are added above it, so code
/// scanning tracks it as the same alert.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A file path as a relative URI reference: forward slashes, and every byte
/// outside RFC 3986's unreserved characters and `/` percent-encoded (a space,
/// a `%`, a `#`, a non-ASCII letter).
pub(crate) fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_is_not_unreserved() {
        assert_eq!(uri("./policies/a b.policy"), "policies/a%20b.policy");
        assert_eq!(uri("p/100%.policy"), "p/100%25.policy");
        assert_eq!(uri("p/café.policy"), "p/caf%C3%A9.policy");
        assert_eq!(uri("p\\w#1.policy"), "p/w%231.policy");
    }

    #[test]
    fn link_texts_keep_the_words() {
        assert_eq!(
            link_texts("see [section 4](#4-facts) or [x"),
            "see section 4 or [x"
        );
    }

    #[test]
    fn every_rule_has_help_and_a_description() {
        for code in all_codes() {
            let d = descriptor(code);
            let full = d.full_description.map(|f| f.text).unwrap_or_default();
            assert!(full.len() > 20, "{code}: {full}");
            assert!(d.help.is_some() && d.help_uri.is_some(), "{code}");
        }
    }
}
