//! The JSON the API answers with, as types: each is serialised for the answer
//! and described in the OpenAPI document by the same definition.

use serde::Serialize;
use utoipa::ToSchema;

/// A finding about a policy text: a checker error or a lint finding.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DiagnosticOut {
    /// Stable code (`clause::unknown-fact`, `clause::unreachable-rule`).
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    pub message: String,
    pub help: Option<String>,
    /// The lint's documentation page (`docs/lints/NAME.md`), or null for checker errors.
    pub url: Option<String>,
    /// The primary label first, then any secondary ones.
    pub labels: Vec<LabelOut>,
    /// Diagnostics that belong with this one.
    #[schema(no_recursion)]
    pub related: Vec<DiagnosticOut>,
}

/// A place in the policy text a diagnostic points at: byte offsets, and
/// 1-based lines and columns (columns count characters).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelOut {
    pub message: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// `POST /v1/check`: whether the text checks, and every finding.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResult {
    /// True when the text checks and no lint finding is an error.
    pub ok: bool,
    pub diagnostics: Vec<DiagnosticOut>,
}

/// `POST /v1/fmt`: the canonical layout.
#[derive(Debug, Serialize, ToSchema)]
pub struct Formatted {
    pub formatted: String,
}

/// A policy text sent for checking, formatting or rendering.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the request body in the OpenAPI document"
)]
pub struct PolicyText {
    /// The policy's text (bounded by the server's --max-policy-bytes).
    pub policy: String,
}

/// `POST /v1/evaluate`'s request: a policy text and a claim.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the request body in the OpenAPI document"
)]
pub struct EvaluateRequest {
    pub policy: String,
    pub claim: Claim,
}

/// `POST /v1/cases/run`'s request: a policy text and a cases file's JSON.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the request body in the OpenAPI document"
)]
pub struct CasesRequest {
    pub policy: String,
    /// A cases file's JSON: `{"policy", "base", "cases": [...]}` (docs/cli.md, `clause test`).
    #[schema(value_type = Object)]
    pub cases: serde_json::Value,
}

/// `POST /v1/evaluate`: the verdict, its explanation and the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluated {
    #[schema(value_type = Verdict)]
    pub verdict: serde_json::Value,
    /// The verdict as sentences for the customer (`clause explain`).
    pub explanation: String,
    #[schema(value_type = Timeline)]
    pub timeline: serde_json::Value,
}

/// `POST /v1/cases/boundaries`: draft cases on each side of the policy's edges.
#[derive(Debug, Serialize, ToSchema)]
pub struct Boundaries {
    /// Each a cases-file entry (`name`, `text`, `set`, `expect`) with the whole
    /// `claim` and today's `verdict`, or the `error` the claim gets.
    #[schema(value_type = Vec<Object>)]
    pub cases: Vec<serde_json::Value>,
}

/// `POST /v1/cases/save`'s request: a policy's name and its cases file.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the request body in the OpenAPI document"
)]
pub struct SaveCasesRequest {
    /// The policy's name, as in `/v1/policies/{name}`.
    pub name: String,
    /// The cases file's JSON: `{"policy", "base", "cases": [...]}`.
    #[schema(value_type = Object)]
    pub cases: serde_json::Value,
}

/// `POST /v1/cases/save`: the file written, beside the policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    /// The file's name in the policy directory (`imicro.cases.json`).
    pub path: String,
    /// How many cases it holds.
    pub cases: usize,
}

/// One case of a cases file, run.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseResult {
    pub name: String,
    pub text: String,
    pub passed: bool,
    /// Each mismatch: `field: expected X, got Y`.
    pub problems: Vec<String>,
    /// The verdict, unless the claim was refused.
    #[schema(value_type = Option<Verdict>)]
    pub verdict: Option<serde_json::Value>,
    /// Why the claim was refused, if it was.
    pub error: Option<String>,
}

/// A rule or exception, and whether a case reached it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageItem {
    pub name: String,
    /// `file:line:column`.
    pub location: String,
    pub covered: bool,
}

/// `POST /v1/cases/run`: every case, and rule coverage. Snapshots are not compared.
#[derive(Debug, Serialize, ToSchema)]
pub struct CasesRun {
    pub passed: usize,
    pub failed: usize,
    /// Rules and exceptions reached, in percent (rounded down).
    pub coverage_percent: u32,
    pub rules: Vec<CoverageItem>,
    pub exceptions: Vec<CoverageItem>,
    pub cases: Vec<CaseResult>,
}

/// A policy being served (or refused).
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicySummary {
    /// The file's name without `.policy`: the name in URLs.
    pub name: String,
    /// The name the policy gives itself, which verdicts carry in `policy`.
    pub policy: Option<String>,
    pub title: Option<String>,
    /// `ok` (the file is the version served), `stale` (the file does not check;
    /// the last good version serves) or `error` (no version checks; nothing serves).
    pub status: String,
    /// The version served: the content hash of its text.
    pub version: Option<String>,
    /// When the version served was loaded (RFC 3339).
    pub loaded_at: Option<String>,
    /// Lint findings of the version served.
    pub findings: Vec<DiagnosticOut>,
    /// Why the file as it is now was refused (status `stale` or `error`).
    pub refused: Option<Refusal>,
    /// The day the version served takes effect (`effective from`), when it says one.
    pub effective_from: Option<String>,
}

/// One version of a policy whose dated versions stand side by side.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    /// The version's file name without `.policy` (`/v1/policies/{file}` reaches it alone).
    pub file: String,
    /// Its content hash.
    pub version: String,
    /// The day it takes effect.
    pub effective_from: Option<String>,
}

/// A policy name that several dated files declare: claims to
/// `/v1/policies/{policy}/evaluate` are judged by the version in force when
/// their order was placed.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionedPolicy {
    /// The name the files declare, which routes.
    pub policy: String,
    /// Its versions, oldest first.
    pub versions: Vec<VersionOut>,
}

/// A policy name that several files declare without each taking effect on a
/// day of its own: the name does not route; each file is reached by its own name.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionConflictOut {
    /// The declared name.
    pub policy: String,
    /// The files declaring it (names without `.policy`).
    pub files: Vec<String>,
    /// Why they are not versions of one policy.
    pub message: String,
}

/// A text of a policy file that was refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct Refusal {
    /// The refused text's content hash (empty when the file could not be read).
    pub version: String,
    pub at: String,
    pub message: String,
    pub diagnostics: Vec<DiagnosticOut>,
}

/// `GET /v1/policies`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyList {
    pub policies: Vec<PolicySummary>,
    /// The names that route claims among dated versions.
    pub versioned: Vec<VersionedPolicy>,
    /// The names several files declare without being versions.
    pub conflicts: Vec<VersionConflictOut>,
}

/// `GET /v1/policies/{name}`: the summary, the source and the cases file.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyDetail {
    #[serde(flatten)]
    pub summary: PolicySummary,
    /// When the name is a policy's with dated versions: every version, oldest
    /// first (the summary and source are then the newest version's).
    pub versions: Option<Vec<VersionOut>>,
    /// The text of the version served.
    pub source: Option<String>,
    /// `NAME.cases.json` beside the policy, when there is one.
    #[schema(value_type = Option<Object>)]
    pub cases: Option<serde_json::Value>,
    /// Why the cases file could not be read, when it is there but unreadable.
    pub cases_error: Option<String>,
    /// The merchant's page the policy declares (`# clause: page "NAME.page.txt"`),
    /// read from beside the policy, when it declares one.
    pub page: Option<String>,
    /// Why the declared page could not be read (missing, too large, not UTF-8,
    /// or not a file beside the policy).
    pub page_error: Option<String>,
}

/// `GET /healthz` and `GET /readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (alive) or `ready`.
    pub status: String,
    /// Policies being served.
    pub policies: usize,
}

/// A claim: the contract's claim JSON (docs/schema/claim.schema.json).
pub struct Claim;

/// A verdict: the contract's verdict JSON with `policy_version` (docs/schema/verdict.schema.json).
pub struct Verdict;

macro_rules! contract_schema {
    ($t:ty, $name:literal) => {
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                // Replaced by the schema in docs/schema when the document is built (see `openapi`).
                utoipa::openapi::ObjectBuilder::new()
                    .description(Some(concat!("docs/schema/", $name)))
                    .into()
            }
        }
        impl utoipa::ToSchema for $t {}
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($name)
            }
        }
    };
}
contract_schema!(Claim, "claim.schema.json");
contract_schema!(Verdict, "verdict.schema.json");

/// The claim's events and the policy's windows resolved for it, as the evaluator resolves them.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the timeline in the OpenAPI document")]
pub struct Timeline {
    pub events: Vec<TimelineEvent>,
    pub windows: Vec<TimelineWindow>,
    pub holidays: Vec<TimelineHoliday>,
    /// Weekend days, ISO numbered (6 Saturday, 7 Sunday).
    pub weekend: Vec<u32>,
}

/// An event of the claim.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the timeline in the OpenAPI document")]
pub struct TimelineEvent {
    /// The contract path (`order.delivered_at`).
    pub name: String,
    /// The event in words (`Delivered`).
    pub label: String,
    /// An RFC 3339 instant or a plain day.
    pub at: String,
    /// Whether the policy reads the event; false for one the claim carries that no part of the policy reads.
    pub read: bool,
}

/// A window resolved for the claim.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the timeline in the OpenAPI document")]
pub struct TimelineWindow {
    pub name: String,
    /// The event it counts from, if it counts from one.
    pub from: Option<String>,
    /// First day or instant; null for a window with only an end.
    pub start: Option<String>,
    /// Last day (inclusive) or instant: the verdict's deadline for it.
    pub end: String,
    /// `days`, `business_days`, `hours`, `weeks`, `months` or `dates`.
    pub unit: String,
    /// The bundled holiday list business days are counted with (`KR`), or null.
    pub calendar: Option<String>,
    pub span: TimelineSpan,
}

/// Where a window is declared: byte offsets, 1-based line and column.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the timeline in the OpenAPI document")]
pub struct TimelineSpan {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

/// A holiday of the policy's calendar near the claim's dates.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "describes the timeline in the OpenAPI document")]
pub struct TimelineHoliday {
    pub date: String,
    pub name: Option<String>,
}

/// `POST /v1/map`'s request: a policy text and the merchant's page it encodes.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the request body in the OpenAPI document"
)]
pub struct MapRequest {
    /// The policy's text (bounded by the server's --max-policy-bytes).
    pub policy: String,
    /// The merchant's page as plain text (bounded by --max-policy-bytes too).
    pub page: String,
}

/// `POST /v1/map`: the page beside the policy, as `clause map --format json` gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMapOut {
    /// Every sentence (and heading) of the page, in order.
    pub sentences: Vec<MapSentenceStatus>,
    /// Every quote of the policy, in order.
    pub quotes: Vec<MapQuoteStatus>,
    /// `not-policy` and `covered` comments that match no sentence of the page.
    pub stale_not_policy: Vec<MapNote>,
    pub summary: MapSummary,
}

/// One sentence of the page and what accounts for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapSentenceStatus {
    pub sentence: MapSentence,
    /// What quotes it (`rule standard_return`, `window return_window`), in policy order.
    pub quoted_by: Vec<String>,
    /// The `not-policy` or `covered` comment that accounts for it.
    pub note: Option<MapNote>,
    /// Whether anything accounts for it: quoted, a comment, or a heading.
    pub accounted: bool,
}

/// A sentence (or heading) as written on the page.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapSentence {
    pub text: String,
    /// 1-based line of the page it starts on.
    pub line: usize,
    pub kind: MapSentenceKind,
}

/// A short line without a sentence end is a heading, not a promise.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MapSentenceKind {
    Heading,
    Sentence,
}

/// A comment of the policy that accounts for a sentence it does not quote.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapNote {
    pub kind: MapNoteKind,
    /// The sentence as the comment gives it.
    pub text: String,
    /// Why it is not policy, or how the policy carries it out, when the comment says.
    pub reason: Option<String>,
}

/// `not-policy` (the sentence decides nothing) or `covered` (the policy carries it out without quoting it).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MapNoteKind {
    NotPolicy,
    Covered,
}

/// A quote of the policy and where it was found on the page.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapQuoteStatus {
    pub quote: MapQuote,
    /// The sentences it was found in (indexes into `sentences`); for a quote
    /// no longer on the page, the closest sentence.
    pub sentences: Vec<usize>,
    /// How close the best match is, in percent: 100 for an exact match.
    #[schema(maximum = 100)]
    pub closeness: u8,
    /// Whether it is still on the page (closeness at least 90, numbers unchanged).
    pub on_page: bool,
}

/// Page text the policy quotes.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapQuote {
    pub text: String,
    /// What quotes it: `rule standard_return`, `window return_window`, ...
    pub owner: String,
    /// `policy:line:column` of the quote.
    pub at: String,
}

/// The counts of a map.
#[derive(Debug, Serialize, ToSchema)]
pub struct MapSummary {
    pub sentences: usize,
    /// Sentences a quote of the policy is found in.
    pub quoted: usize,
    /// Sentences a `not-policy` or `covered` comment accounts for.
    pub noted: usize,
    pub headings: usize,
    /// Sentences nothing accounts for.
    pub unaccounted: usize,
    pub quotes: usize,
    /// Quotes no longer on the page.
    pub stale_quotes: usize,
}
