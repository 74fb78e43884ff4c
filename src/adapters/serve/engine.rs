//! The server's one door into the library: loading and checking policies,
//! evaluating claims, explaining, rendering, formatting, running cases and the
//! timeline. Every call into `clause::` from the server is in this file, so that
//! the rest of the server speaks only the types defined here.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use clause::language::diagnostic::Level;
use clause::language::eval::facts::InputError;
use clause::tools::explain::ExplainFormat;
use clause::tools::lint::LintConfig;
use clause::tools::render::RenderFormat;
use clause::{Diagnostics, Source};

use super::api::{CaseResult, CasesRun, CoverageItem, DiagnosticOut, LabelOut};

/// A policy that checks, ready to evaluate, with what the server reports about it.
pub struct Loaded {
    /// The file's name without `.policy`: the name in every URL.
    pub name: String,
    /// The content hash of the source text (see [`version_of`]).
    pub version: String,
    pub source: Arc<str>,
    /// Lint findings (warnings and notes: a policy with errors does not load).
    pub findings: Vec<DiagnosticOut>,
    policy: clause::Policy,
    ast: clause::ast::PolicyFile,
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

/// The version of a policy text: the first 16 hexadecimal digits of the
/// SHA-256 of its bytes. Two servers given the same file report the same version.
pub fn version_of(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(16);
    for b in digest.iter().take(8) {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Why a policy text was refused: its diagnostics as data and as drawn for a log.
pub struct Refused {
    pub diagnostics: Vec<DiagnosticOut>,
    pub rendered: String,
}

fn refused(d: &Diagnostics) -> Refused {
    Refused {
        diagnostics: diagnostics_out(d),
        rendered: d.render(100),
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
    let source = Source::new(file_label, text);
    let ast = clause::parse(&source).map_err(|d| refused(&d))?;
    let policy = clause::language::check::check(&ast, &source).map_err(|d| refused(&d))?;
    let findings = if lint {
        let lints = clause::tools::lint::lint(&ast, &policy, &LintConfig::default());
        diagnostics_out(&Diagnostics::new(source.clone(), lints))
    } else {
        Vec::new()
    };
    Ok(Loaded {
        name: name.to_string(),
        version: version_of(text),
        source: Arc::from(text),
        findings,
        policy,
        ast,
    })
}

impl Loaded {
    /// The name the policy gives itself (`policy imicro "..."`), which verdicts carry.
    pub fn declared_name(&self) -> &str {
        &self.policy.name
    }

    pub fn title(&self) -> Option<&str> {
        self.policy.title.as_deref()
    }

    /// Evaluates one claim given as JSON text.
    pub fn evaluate(&self, text: &str) -> Result<VerdictOut, Vec<FieldError>> {
        let verdict =
            clause::language::eval::eval_json(&self.policy, text).map_err(field_errors)?;
        let mut json = Vec::with_capacity(512);
        verdict.write_json(&mut json);
        self.add_version(&mut json);
        Ok(VerdictOut {
            decision: decision_word(verdict.decision),
            json,
        })
    }

    /// Appends `"policy_version"` as the last field of a JSON object already written.
    fn add_version(&self, json: &mut Vec<u8>) {
        if json.last() == Some(&b'}') {
            json.pop();
            json.extend_from_slice(b",\"policy_version\":\"");
            json.extend_from_slice(self.version.as_bytes());
            json.extend_from_slice(b"\"}");
        }
    }

    /// One line of a batch: a verdict, or an error record naming the line and
    /// the JSON path of each problem (the records `clause eval --claims` writes,
    /// with the policy version). Returns the decision, or `None` for an error record.
    pub fn batch_record(&self, raw: &[u8], line: u64, out: &mut Vec<u8>) -> Option<&'static str> {
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let start = out.len();
        let result = match std::str::from_utf8(raw) {
            Err(_) => Err((problem("the line is not UTF-8 text"), None)),
            Ok(text) if text.trim().is_empty() => Err((problem("the line is empty"), None)),
            Ok(text) => match clause::language::eval::eval_json(&self.policy, text) {
                Ok(v) => {
                    v.write_json(out);
                    Ok(decision_word(v.decision))
                }
                Err(e) => Err((e.0, claim_id_of(text))),
            },
        };
        match result {
            Ok(decision) => {
                let mut tail = out.split_off(start);
                self.add_version(&mut tail);
                out.extend_from_slice(&tail);
                Some(decision)
            }
            Err((errors, claim_id)) => {
                self.error_record(line, claim_id, &errors, out);
                None
            }
        }
    }

    /// An error record for a line the server could not read as a claim at all
    /// (longer than the line limit, or cut off when the body stopped).
    pub fn line_error(&self, line: u64, message: &str, out: &mut Vec<u8>) {
        self.error_record(line, None, &problem(message), out);
    }

    fn error_record(
        &self,
        line: u64,
        claim_id: Option<String>,
        errors: &[InputError],
        out: &mut Vec<u8>,
    ) {
        let record = serde_json::json!({
            "line": line,
            "claim_id": claim_id,
            "errors": errors.iter().map(|e| serde_json::json!({"path": e.path, "message": e.message})).collect::<Vec<_>>(),
            "policy_version": self.version,
        });
        if serde_json::to_writer(&mut *out, &record).is_err() {
            out.extend_from_slice(format!("{{\"line\":{line},\"errors\":[]}}").as_bytes());
        }
    }

    /// The explanation of a claim's verdict: text, or JSON when `json`.
    pub fn explain(&self, text: &str, json: bool) -> Result<String, Vec<FieldError>> {
        explain_with(&self.policy, text, json)
    }

    /// The customer-facing page, as a standalone HTML document or Markdown.
    pub fn page(&self, html: bool) -> String {
        let format = if html {
            RenderFormat::Html
        } else {
            RenderFormat::Markdown
        };
        clause::tools::render::render(&self.ast, &self.policy, format)
    }

    /// Runs a cases file's JSON against this policy (see [`run_cases`]).
    pub fn run_cases(&self, cases: &Value) -> Result<CasesRun, String> {
        run_cases(&self.policy, cases)
    }

    /// The claim's events and the policy's windows resolved for it (see `clause::tools::timeline`).
    pub fn timeline(&self, text: &str) -> Result<Value, Vec<FieldError>> {
        let claim = clause::language::eval::decode_fast_or_careful(text, &self.policy)
            .map_err(field_errors)?;
        let timeline =
            clause::tools::timeline::timeline(&self.policy, &claim).map_err(field_errors)?;
        serde_json::to_value(&timeline).map_err(|e| {
            vec![FieldError {
                path: String::new(),
                message: format!("cannot write the timeline: {e}"),
            }]
        })
    }
}

fn explain_with(
    policy: &clause::Policy,
    text: &str,
    json: bool,
) -> Result<String, Vec<FieldError>> {
    let mut claim =
        clause::language::eval::decode_fast_or_careful(text, policy).map_err(field_errors)?;
    // The order's id is not a fact the policy reads, but the customer knows their order by it.
    if claim.order.id.is_none() {
        claim.order.id = serde_json::from_str::<Value>(text).ok().and_then(|v| {
            v.pointer("/order/id")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    }
    let verdict = clause::language::eval::evaluate(policy, &claim).map_err(field_errors)?;
    let format = if json {
        ExplainFormat::Json
    } else {
        ExplainFormat::Text
    };
    Ok(clause::tools::explain::explain(
        policy, &claim, &verdict, format,
    ))
}

fn problem(message: &str) -> Vec<InputError> {
    vec![InputError {
        path: String::new(),
        message: message.into(),
    }]
}

fn claim_id_of(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text).ok().and_then(|v| {
        v.get("claim_id")
            .and_then(Value::as_str)
            .map(str::to_string)
    })
}

fn field_errors(e: clause::language::eval::ClaimErrors) -> Vec<FieldError> {
    e.0.into_iter()
        .map(|e| FieldError {
            path: e.path,
            message: e.message,
        })
        .collect()
}

fn decision_word(d: clause::language::eval::verdict::Decision) -> &'static str {
    use clause::language::eval::verdict::Decision;
    match d {
        Decision::Approve => "approve",
        Decision::Deny => "deny",
        Decision::Review => "review",
        Decision::Partial => "partial",
    }
}

/// Every diagnostic of a source as data: byte offsets and 1-based lines and columns.
fn diagnostics_out(d: &Diagnostics) -> Vec<DiagnosticOut> {
    let source = &d.source;
    d.items
        .iter()
        .map(|item| DiagnosticOut {
            code: item.code.as_str().to_string(),
            severity: match item.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Info => "info",
            }
            .to_string(),
            message: item.message.clone(),
            help: item.help.clone(),
            url: item
                .code
                .as_str()
                .strip_prefix("clause::")
                .filter(|_| matches!(item.code, clause::Code::Lint(_)))
                .map(|name| format!("docs/lints/{name}.md")),
            labels: item
                .labels
                .iter()
                .map(|(span, text)| {
                    let (line, column) = source.line_col(span.start);
                    let (end_line, end_column) = source.line_col(span.end);
                    LabelOut {
                        message: text.clone(),
                        start: span.start,
                        end: span.end,
                        line,
                        column,
                        end_line,
                        end_column,
                    }
                })
                .collect(),
            related: Vec::new(),
        })
        .collect()
}

/// What checking a policy text found: every checker error, or, when it checks,
/// every lint finding.
pub fn check(text: &str) -> (bool, Vec<DiagnosticOut>) {
    let source = Source::new("policy", text);
    match clause::tools::lint::lint_source(&source, &LintConfig::default()) {
        Ok(lints) => {
            let d = Diagnostics::new(source, lints);
            let ok = !d.items.iter().any(|i| i.level == Level::Error);
            (ok, diagnostics_out(&d))
        }
        Err(d) => (false, diagnostics_out(&d)),
    }
}

/// The canonical layout of a policy text, or the diagnostics that stop it being parsed.
pub fn format(text: &str) -> Result<String, Vec<DiagnosticOut>> {
    let source = Source::new("policy", text);
    clause::tools::fmt::format_source(&source).map_err(|d| diagnostics_out(&d))
}

/// Runs the cases of a cases file's JSON against a policy: each case's outcome
/// with the mismatches, and which rules and exceptions the cases reached.
/// Snapshots are not compared (they live beside a cases file on disk).
fn run_cases(policy: &clause::Policy, cases: &Value) -> Result<CasesRun, String> {
    let file = clause::tools::cases::parse(cases, "cases")?;
    let report = clause::tools::cases::run_cases(&file, policy);
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
    let item = |c: &clause::tools::cases::CoverItem| CoverageItem {
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
