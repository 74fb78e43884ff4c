//! The server's one door into the library: loading and checking policies,
//! evaluating claims, explaining, rendering, formatting, running cases and the
//! timeline. Every call into `clause::` from the server is in this file (and in
//! `versions.rs`, which picks among a policy's dated versions), so that the
//! rest of the server speaks only the types defined here.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use clause::{CheckOptions, ClaimError, ExplainFormat, Finding, LintConfig, RenderFormat};

use super::api::{CaseResult, CasesRun, CoverageItem, DiagnosticOut, LabelOut};

/// A policy that checks, ready to evaluate, with what the server reports about it.
pub struct Loaded {
    /// The file's name without `.policy`: the name in every URL.
    pub name: String,
    /// The content hash of the source text (`clause::Policy::version`).
    pub version: String,
    pub source: Arc<str>,
    /// Lint findings (warnings and notes: a policy with errors does not load).
    pub findings: Vec<DiagnosticOut>,
    /// `version` as the `clause-policy-version` header value, made once.
    version_header: Option<axum::http::HeaderValue>,
    policy: clause::Policy,
}

/// A problem with a claim: the JSON path of the field and what is wrong with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field, as a path from the claim's root (`items[0].price.amount`); empty for the whole claim.
    pub path: String,
    pub message: String,
}

/// A verdict, in the contract's JSON with the deciding policy's version added.
pub struct VerdictOut {
    pub decision: &'static str,
    /// The verdict JSON (one object, no line end).
    pub json: Vec<u8>,
}

/// Why a policy text was refused: its diagnostics as data and as drawn for a log.
pub struct Refused {
    pub diagnostics: Vec<DiagnosticOut>,
    pub rendered: String,
}

/// Why a body is not read as JSON (`clause::describe_json_error`).
pub(super) fn not_json(what: &str, e: &serde_json::Error) -> String {
    clause::describe_json_error(what, e)
}

fn refused(e: &clause::LoadError) -> Refused {
    Refused {
        diagnostics: findings_out(&e.findings()),
        rendered: e.render(100),
    }
}

/// Parses, checks and lints a policy text. `name` is the name in URLs;
/// `file_label` is what diagnostics and verdicts' `because[].source` call the file.
pub fn load(name: &str, file_label: &str, text: &str) -> Result<Loaded, Refused> {
    load_with(name, file_label, text, true)
}

/// A policy text sent with a request, checked but not linted (its findings are
/// `POST /v1/check`'s business): `policy` in diagnostics and verdicts' sources.
pub fn load_unlinted(text: &str) -> Result<Loaded, Refused> {
    load_with("policy", "policy", text, false)
}

fn load_with(name: &str, file_label: &str, text: &str, lint: bool) -> Result<Loaded, Refused> {
    let policy = clause::Policy::from_text(file_label, text).map_err(|e| refused(&e))?;
    let findings = if lint {
        findings_out(&policy.lint(&LintConfig::default()))
    } else {
        Vec::new()
    };
    Ok(Loaded {
        name: name.to_string(),
        version: policy.version().to_string(),
        source: Arc::from(text),
        findings,
        version_header: axum::http::HeaderValue::from_str(policy.version()).ok(),
        policy,
    })
}

impl Loaded {
    /// The version as a header value (`clause-policy-version`), shared rather than copied.
    pub fn version_header(&self) -> Option<axum::http::HeaderValue> {
        self.version_header.clone()
    }

    /// The name the policy gives itself (`policy imicro "..."`), which verdicts carry.
    pub fn declared_name(&self) -> &str {
        self.policy.name()
    }

    pub fn title(&self) -> Option<&str> {
        self.policy.title()
    }

    /// Evaluates one claim given as JSON text.
    pub fn evaluate(&self, text: &str) -> Result<VerdictOut, Vec<FieldError>> {
        let verdict = self.policy.evaluate(text).map_err(field_errors)?;
        // Room for a verdict of a few items in one allocation.
        let mut json = Vec::with_capacity(2048);
        self.policy.write_verdict(&verdict, &mut json);
        Ok(VerdictOut {
            decision: verdict.decision.as_str(),
            json,
        })
    }

    /// The checked policy (for `versions`, which groups and selects versions).
    pub(super) fn policy(&self) -> &clause::Policy {
        &self.policy
    }

    /// The day this version takes effect, when it says one.
    pub fn effective_from(&self) -> Option<chrono::NaiveDate> {
        self.policy.effective_from()
    }

    /// One line of a batch: the record `clause eval --claims` writes for it (a
    /// verdict, or an error record naming the line and each problem's JSON
    /// path, ending with the version). Returns the decision, or `None` for an
    /// error record.
    pub fn batch_record(&self, raw: &[u8], line: u64, out: &mut Vec<u8>) -> Option<&'static str> {
        self.policy
            .write_record(raw, line, out)
            .map(clause::Decision::as_str)
    }

    /// An error record for a line the server could not read as a claim at all
    /// (longer than the line limit, or cut off when the body stopped).
    pub fn line_error(&self, line: u64, message: &str, out: &mut Vec<u8>) {
        self.policy.write_line_error(line, message, out);
    }

    /// The explanation of a claim's verdict: text, or JSON when `json`.
    pub fn explain(&self, text: &str, json: bool) -> Result<String, Vec<FieldError>> {
        let format = if json {
            ExplainFormat::Json
        } else {
            ExplainFormat::Text
        };
        self.policy.explain(text, format).map_err(field_errors)
    }

    /// The customer-facing page, as a standalone HTML document or Markdown.
    pub fn page(&self, html: bool) -> String {
        let format = if html {
            RenderFormat::Html
        } else {
            RenderFormat::Markdown
        };
        self.policy.render(format)
    }

    /// Runs a cases file's JSON against this policy (see [`run_cases`]).
    pub fn run_cases(&self, cases: &Value) -> Result<CasesRun, String> {
        run_cases(&self.policy, cases)
    }

    /// Draft boundary cases around a claim (`clause cases POLICY --boundaries`):
    /// each a cases-file entry (`name`, `text`, `set`, `expect`) with the whole
    /// `claim` and today's `verdict` (or the `error` the claim gets).
    pub fn boundaries(&self, claim: &Value) -> Result<Vec<Value>, String> {
        let drafts = clause::cases::boundaries(&self.policy, claim)?;
        Ok(drafts
            .iter()
            .map(|d| {
                let mut case = d.to_case();
                if let Some(obj) = case.as_object_mut() {
                    obj.insert("claim".into(), d.claim.clone());
                    match &d.verdict {
                        Ok(v) => obj.insert("verdict".into(), v.clone()),
                        Err(e) => obj.insert("error".into(), Value::String(e.clone())),
                    };
                }
                case
            })
            .collect())
    }

    /// The claim's events and the policy's windows resolved for it (`clause::Policy::timeline`).
    pub fn timeline(&self, text: &str) -> Result<Value, Vec<FieldError>> {
        let timeline = self.policy.timeline(text).map_err(field_errors)?;
        serde_json::to_value(&timeline).map_err(|e| {
            vec![FieldError {
                path: String::new(),
                message: format!("cannot write the timeline: {e}"),
            }]
        })
    }
}

/// An error record for a batch line that no version of a policy could take
/// (its order date is missing, unreadable, or before the first version).
pub fn unrouted_record(line: u64, text: &str, errors: &[FieldError], out: &mut Vec<u8>) {
    let errors: Vec<(String, String)> = errors
        .iter()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect();
    write_error_record(line, claim_id_of(text), &errors, out);
}

/// An error record (`{"line", "claim_id", "errors"}`) for a batch line.
fn write_error_record(
    line: u64,
    claim_id: Option<String>,
    errors: &[(String, String)],
    out: &mut Vec<u8>,
) {
    let record = serde_json::json!({
        "line": line,
        "claim_id": claim_id,
        "errors": errors.iter().map(|(path, message)| serde_json::json!({"path": path, "message": message})).collect::<Vec<_>>(),
    });
    if serde_json::to_writer(&mut *out, &record).is_err() {
        out.extend_from_slice(format!("{{\"line\":{line},\"errors\":[]}}").as_bytes());
    }
}

fn claim_id_of(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text).ok().and_then(|v| {
        v.get("claim_id")
            .and_then(Value::as_str)
            .map(str::to_string)
    })
}

pub fn field_errors(e: ClaimError) -> Vec<FieldError> {
    e.problems
        .into_iter()
        .map(|p| FieldError {
            path: p.path,
            message: p.message,
        })
        .collect()
}

/// Findings as the API writes them.
fn findings_out(findings: &[Finding]) -> Vec<DiagnosticOut> {
    findings
        .iter()
        .map(|f| DiagnosticOut {
            code: f.code.clone(),
            severity: match f.severity {
                clause::Severity::Error => "error",
                clause::Severity::Warning => "warning",
                clause::Severity::Info => "info",
            }
            .to_string(),
            message: f.message.clone(),
            help: f.help.clone(),
            url: f.url.clone(),
            labels: f
                .labels
                .iter()
                .map(|l| LabelOut {
                    message: l.message.clone(),
                    start: l.start,
                    end: l.end,
                    line: l.line,
                    column: l.column,
                    end_line: l.end_line,
                    end_column: l.end_column,
                })
                .collect(),
            related: Vec::new(),
        })
        .collect()
}

/// What checking a policy text found: every checker error, or, when it checks,
/// every lint finding.
pub fn check(text: &str) -> (bool, Vec<DiagnosticOut>) {
    let report = clause::check_text("policy", text, &CheckOptions::default());
    (!report.has_errors(), findings_out(&report.findings))
}

/// The canonical layout of a policy text, or the diagnostics that stop it being parsed.
pub fn format(text: &str) -> Result<String, Vec<DiagnosticOut>> {
    clause::format("policy", text).map_err(|e| findings_out(&e.findings()))
}

/// Runs the cases of a cases file's JSON against a policy: each case's outcome
/// with the mismatches, and which rules and exceptions the cases reached.
/// Snapshots are not compared (they live beside a cases file on disk).
/// Checks that `cases` is a cases file `clause test` can read, and gives it
/// back as the text to write (pretty-printed, with a final line end).
pub fn cases_file_text(cases: &Value) -> Result<String, String> {
    clause::cases::parse(cases, "cases")?;
    serde_json::to_string_pretty(cases)
        .map(|t| t + "\n")
        .map_err(|e| e.to_string())
}

fn run_cases(policy: &clause::Policy, cases: &Value) -> Result<CasesRun, String> {
    let file = clause::cases::parse(cases, "cases")?;
    let report = clause::cases::run(policy, &file);
    let results = report
        .cases
        .into_iter()
        .map(|(case, outcome)| CaseResult {
            name: case.name,
            text: case.text,
            passed: case.passed,
            problems: case.problems,
            verdict: outcome.verdict.and_then(|v| serde_json::to_value(&v).ok()),
            error: outcome.error,
        })
        .collect::<Vec<_>>();
    let item = |c: &clause::cases::CoverItem| CoverageItem {
        name: c.name.clone(),
        location: c.location.clone(),
        covered: c.covered,
    };
    Ok(CasesRun {
        passed: results.iter().filter(|c| c.passed).count(),
        failed: results.iter().filter(|c| !c.passed).count(),
        coverage_percent: report.coverage.percent(),
        rules: report.coverage.rules.iter().map(item).collect(),
        exceptions: report.coverage.exceptions.iter().map(item).collect(),
        cases: results,
    })
}

// ------------------------------------------------ the merchant's page (`clause map`)

/// The page a policy text declares (`# clause: page "NAME.page.txt"`), as written;
/// `Err` when it is not a plain name of a file in the policy's folder (no
/// folders, no `..`): the server reads pages only from beside the policy.
pub fn declared_page(text: &str) -> Option<Result<String, String>> {
    let page = clause::declared_page(text)?;
    let plain = !page.is_empty()
        && std::path::Path::new(&page)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        && !page.contains(['/', '\\']);
    Some(if plain {
        Ok(page)
    } else {
        Err(format!(
            "the declared page `{page}` is not a file beside the policy: the server reads only pages in the policies folder"
        ))
    })
}

impl Loaded {
    /// The merchant's page beside this policy (`clause map`): each sentence with
    /// what accounts for it, each quote with whether it is still on the page.
    pub fn map_page(&self, page: &str) -> super::api::PageMapOut {
        page_map_out(&self.policy.map_page(page))
    }
}

fn page_map_out(map: &clause::PageMap) -> super::api::PageMapOut {
    use super::api::{
        MapNote, MapNoteKind, MapQuote, MapQuoteStatus, MapSentence, MapSentenceKind,
        MapSentenceStatus, MapSummary, PageMapOut,
    };
    let note = |n: &clause::NotPolicy| MapNote {
        kind: match n.kind {
            clause::NoteKind::NotPolicy => MapNoteKind::NotPolicy,
            clause::NoteKind::Covered => MapNoteKind::Covered,
        },
        text: n.text.clone(),
        reason: n.reason.clone(),
    };
    let count =
        |f: &dyn Fn(&clause::SentenceStatus) -> bool| map.sentences.iter().filter(|s| f(s)).count();
    PageMapOut {
        sentences: map
            .sentences
            .iter()
            .map(|s| MapSentenceStatus {
                sentence: MapSentence {
                    text: s.sentence.text.clone(),
                    line: s.sentence.line,
                    kind: match s.sentence.kind {
                        clause::SentenceKind::Heading => MapSentenceKind::Heading,
                        clause::SentenceKind::Sentence => MapSentenceKind::Sentence,
                    },
                },
                quoted_by: s.quoted_by.clone(),
                note: s.note.as_ref().map(note),
                accounted: s.accounted,
            })
            .collect(),
        quotes: map
            .quotes
            .iter()
            .map(|q| MapQuoteStatus {
                quote: MapQuote {
                    text: q.quote.text.clone(),
                    owner: q.quote.owner.clone(),
                    at: q.quote.at.clone(),
                },
                sentences: q.sentences.clone(),
                closeness: q.closeness,
                on_page: q.on_page,
            })
            .collect(),
        stale_not_policy: map.stale_not_policy.iter().map(note).collect(),
        summary: MapSummary {
            sentences: map.sentences.len(),
            quoted: count(&|s| !s.quoted_by.is_empty()),
            noted: count(&|s| s.note.is_some()),
            headings: count(&|s| s.sentence.kind == clause::SentenceKind::Heading),
            unaccounted: map.unaccounted().count(),
            quotes: map.quotes.len(),
            stale_quotes: map.stale().count(),
        },
    }
}
