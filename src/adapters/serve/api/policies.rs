//! The policies being served: listing, source, page, evaluation and explanation.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::{
    blocking, drain, json, json_bytes, media, negotiate, not_acceptable, read_body, utf8_problem,
    Claim, Media, PolicyDetail, PolicyList, PolicySummary, Refusal, SaveCasesRequest, Saved,
    Verdict, VersionConflictOut, VersionOut, VersionedPolicy,
};
use crate::adapters::serve::engine::{self, Loaded};
use crate::adapters::serve::layers::BodyDone;
use crate::adapters::serve::problem::{
    ClaimRouteErrors, Details, Overloaded, Problem, SlowBody, Unauthorized,
};
use crate::adapters::serve::registry::Entry;
use crate::adapters::serve::versions::{Target, Versions};
use crate::adapters::serve::AppState;

/// The header every verdict answer carries: the version of the policy that decided.
pub const VERSION_HEADER: &str = "clause-policy-version";

fn summary(entry: &Entry) -> PolicySummary {
    let current = entry.current.as_deref();
    PolicySummary {
        name: entry.name.clone(),
        policy: current.map(|c| c.declared_name().to_string()),
        title: current.and_then(|c| c.title().map(str::to_string)),
        status: match (current, &entry.failure) {
            (Some(_), None) => "ok",
            (Some(_), Some(_)) => "stale",
            (None, _) => "error",
        }
        .to_string(),
        version: current.map(|c| c.version.clone()),
        loaded_at: entry.loaded_at.clone(),
        findings: current.map(|c| c.findings.clone()).unwrap_or_default(),
        refused: entry.failure.as_ref().map(|f| Refusal {
            version: f.version.clone(),
            at: f.at.clone(),
            message: f.message.clone(),
            diagnostics: f.diagnostics.clone(),
        }),
        effective_from: current.and_then(|c| c.effective_from().map(|d| d.to_string())),
    }
}

fn versions_out(v: &Versions) -> Vec<VersionOut> {
    v.versions
        .iter()
        .map(|l| VersionOut {
            file: l.name.clone(),
            version: l.version.clone(),
            effective_from: l.effective_from().map(|d| d.to_string()),
        })
        .collect()
}

/// What a name in a URL reaches: the versions of the policy that declares it,
/// when several dated files do; else the file of that name.
fn target(state: &AppState, name: &str) -> Result<Target, Problem> {
    let snapshot = state.registry.snapshot();
    if let Some(v) = snapshot.versioned.get(name) {
        return Ok(Target::Versions(v.clone()));
    }
    if let Some(p) = conflict(&snapshot, name) {
        return Err(p);
    }
    match snapshot.files.get(name) {
        Some(e) => current(e, name).map(Target::One),
        None => Err(not_served(name)),
    }
}

/// 409 when `name` is no file's name but the name several files declare
/// without being versions of one policy.
fn conflict(snapshot: &crate::adapters::serve::registry::Snapshot, name: &str) -> Option<Problem> {
    if snapshot.files.contains_key(name) {
        return None;
    }
    let c = snapshot.conflicts.iter().find(|c| c.name == name)?;
    Some(Problem::new(
        StatusCode::CONFLICT,
        "policy-versions-conflict",
        "The policy's versions conflict",
        format!(
            "{}: no version of `{name}` is chosen until each file says a day of its own \
             (each file is still reached by its own name: {})",
            c.message,
            c.files.join(", ")
        ),
    ))
}

/// [`target`], or the answer why not, once the body (unread) has been drained
/// within bounds so that the client gets the answer rather than a reset.
async fn target_or_drain(
    state: &AppState,
    path: Result<Path<String>, PathRejection>,
    body: &mut Body,
    done: &BodyDone,
) -> Result<Target, Response> {
    match policy_name(path).and_then(|name| target(state, &name)) {
        Ok(t) => Ok(t),
        Err(p) => {
            drain(body, state.limits.body_timeout, done).await;
            Err(p.into_response())
        }
    }
}

/// The policy name in a `/v1/policies/{name}/...` URL. A name that is not UTF-8
/// once its %-escapes are decoded (`%ff`) names no policy: 404 as problem+json
/// (axum's own answer was a plain-text 400).
fn policy_name(path: Result<Path<String>, PathRejection>) -> Result<String, Problem> {
    path.map(|Path(name)| name).map_err(|_| {
        Problem::not_found(
            "no policy has this name: the name in the URL is not UTF-8 text once its %-escapes are decoded",
        )
    })
}

/// One claim's body as text: 413 beyond `--max-body-bytes`, 408 when it is
/// too slow, 400 when it is not UTF-8. The bytes read become the text without
/// a copy.
async fn claim_text(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    done: &BodyDone,
) -> Result<String, Problem> {
    let limit = state.limits.max_body;
    let bytes = read_body(state, headers, body, limit, "--max-body-bytes", done).await?;
    String::from_utf8(Vec::from(bytes)).map_err(|e| utf8_problem(e.utf8_error()))
}

/// The policy a `/v1/policies/{name}/...` URL names (for the OpenAPI document;
/// handlers take the name as a `Path<String>`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code, reason = "OpenAPI only: the field documents the parameter")]
pub struct PolicyName {
    /// The policy file's name without `.policy`, or the name a policy's dated
    /// versions declare (claims are then judged by the version in force when
    /// their order was placed)
    #[param(example = "imicro")]
    name: String,
}

/// `?on=YYYY-MM-DD` on a policy's source and page: the version in force that day.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct On {
    /// A day (YYYY-MM-DD): show the version in force that day (by default the
    /// newest version, which may take effect in the future)
    #[param(format = Date, example = "2023-06-01")]
    on: Option<String>,
}

/// The day `?on=` names, if any; 400 naming the parameter when it is not a day.
fn on_day(query: Result<Query<On>, QueryRejection>) -> Result<Option<chrono::NaiveDate>, Problem> {
    let on = match query {
        Ok(Query(q)) => q.on,
        Err(e) => {
            return Err(Problem::field(
                "on",
                format!(
                    "the query string could not be read as one day: {}",
                    e.body_text()
                ),
            ))
        }
    };
    on.map(|text| {
        clause::parse_day(&text).ok_or_else(|| {
            Problem::field("on", format!("must be a day (YYYY-MM-DD), not `{text}`"))
        })
    })
    .transpose()
}

/// The file a name shows (`GET /v1/policies/{name}`, its page): the file of
/// that name, or for a policy with dated versions its newest version's file,
/// with the versions. With a day (`?on=`), the version in force that day:
/// 404 when none had taken effect by then.
fn shown(
    state: &AppState,
    name: &str,
    on: Option<chrono::NaiveDate>,
) -> Result<(Arc<Entry>, Option<Arc<Versions>>), Problem> {
    let snapshot = state.registry.snapshot();
    if let Some(v) = snapshot.versioned.get(name) {
        let chosen = match on {
            None => v.newest().cloned(),
            Some(day) => Some(v.on(day).ok_or_else(|| {
                not_in_force(
                    name,
                    day,
                    v.versions.first().and_then(|l| l.effective_from()),
                )
            })?),
        };
        if let Some(e) = chosen.and_then(|l| snapshot.files.get(&l.name)) {
            return Ok((e.clone(), Some(v.clone())));
        }
    }
    if let Some(p) = conflict(&snapshot, name) {
        return Err(p);
    }
    let e = entry(state, name)?;
    let from = e.current.as_ref().and_then(|c| c.effective_from());
    if let (Some(day), Some(from)) = (on, from) {
        if from > day {
            return Err(not_in_force(name, day, Some(from)));
        }
    }
    Ok((e, None))
}

fn not_in_force(name: &str, day: chrono::NaiveDate, first: Option<chrono::NaiveDate>) -> Problem {
    let first = first.map_or_else(String::new, |d| format!(" (the first took effect on {d})"));
    Problem::not_found(format!(
        "no version of `{name}` was in force on {day}{first}"
    ))
}

fn entry(state: &AppState, name: &str) -> Result<Arc<Entry>, Problem> {
    state.registry.get(name).ok_or_else(|| not_served(name))
}

fn not_served(name: &str) -> Problem {
    Problem::not_found(format!(
        "no policy `{name}` is served (GET /v1/policies lists them)"
    ))
}

/// The version serving a policy, or why none does.
fn serving(state: &AppState, name: &str) -> Result<Arc<Loaded>, Problem> {
    current(&*entry(state, name)?, name)
}

/// The version serving a file's entry, or why none does.
fn current(e: &Entry, name: &str) -> Result<Arc<Loaded>, Problem> {
    e.current.clone().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "policy-unavailable",
            "Policy not available",
            format!("policy `{name}` does not check and no earlier version did; its diagnostics are at /v1/policies/{name}"),
        )
    })
}

/// Every policy with its version, load time and findings.
#[utoipa::path(get, path = "/v1/policies", tag = "policies",
    responses(
        (status = 200, description = "The policies", body = PolicyList),
        Unauthorized,
        Overloaded,
    ),
    security((), ("bearer" = [])))]
pub async fn list(State(state): State<Arc<AppState>>) -> Response {
    let snapshot = state.registry.snapshot();
    let policies = snapshot.files.values().map(|e| summary(e)).collect();
    let versioned = snapshot
        .versioned
        .values()
        .map(|v| VersionedPolicy {
            policy: v.name.clone(),
            versions: versions_out(v),
        })
        .collect();
    let conflicts = snapshot
        .conflicts
        .iter()
        .map(|c| VersionConflictOut {
            policy: c.name.clone(),
            files: c.files.clone(),
            message: c.message.clone(),
        })
        .collect();
    json(
        StatusCode::OK,
        &PolicyList {
            policies,
            versioned,
            conflicts,
        },
    )
}

/// One policy: version, findings, source, its cases file and its merchant's page
/// (`# clause: page "NAME.page.txt"`) when there are.
#[utoipa::path(get, path = "/v1/policies/{name}", tag = "policies",
    params(PolicyName, On),
    responses(
        (status = 200, description = "The policy", body = PolicyDetail),
        (status = 400, description = "`on` is not a day", body = Details, content_type = "application/problem+json"),
        Unauthorized,
        (status = 404, description = "No such policy, or no version of it in force on the day `on` names", body = Details, content_type = "application/problem+json"),
        (status = 409, description = "Several files declare the policy without each saying a day of its own", body = Details, content_type = "application/problem+json"),
        Overloaded,
    ),
    security((), ("bearer" = [])))]
pub async fn detail(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<On>, QueryRejection>,
) -> Response {
    let (e, versions) = match policy_name(path)
        .and_then(|name| on_day(query).map(|on| (name, on)))
        .and_then(|(name, on)| shown(&state, &name, on))
    {
        Ok(e) => e,
        Err(p) => return p.into_response(),
    };
    let cases_path = state.registry.dir().join(format!("{}.cases.json", e.name));
    let limit = state.limits.max_body;
    let (cases, cases_error) =
        match tokio::task::spawn_blocking(move || read_cases(&cases_path, limit)).await {
            Ok(r) => r,
            Err(e) => (None, Some(e.to_string())),
        };
    let declared = e
        .current
        .as_ref()
        .and_then(|c| engine::declared_page(&c.source));
    let dir = state.registry.dir().to_path_buf();
    // A page is bounded as POST /v1/map bounds it, so that it can be sent back there.
    let page_limit = state.limits.max_policy;
    let (page, page_error) =
        match tokio::task::spawn_blocking(move || read_page(&dir, declared, page_limit)).await {
            Ok(r) => r,
            Err(e) => (None, Some(e.to_string())),
        };
    json(
        StatusCode::OK,
        &PolicyDetail {
            summary: summary(&e),
            versions: versions.as_deref().map(versions_out),
            source: e.current.as_ref().map(|c| c.source.to_string()),
            cases,
            cases_error,
            page,
            page_error,
        },
    )
}

/// The text of the page a policy declares, read from the policies folder; or
/// why it could not be read.
fn read_page(
    dir: &std::path::Path,
    declared: Option<Result<String, String>>,
    limit: usize,
) -> (Option<String>, Option<String>) {
    match declared {
        None => (None, None),
        Some(Err(e)) => (None, Some(e)),
        Some(Ok(file)) => {
            let path = dir.join(&file);
            if !path.is_file() {
                return (
                    None,
                    Some(format!("the declared page {file} is not beside the policy")),
                );
            }
            match crate::adapters::serve::registry::read_limited(&path, limit) {
                Ok(text) => (Some(text), None),
                Err(e) => (None, Some(e)),
            }
        }
    }
}

/// A cases file's JSON, if there is one; or why it could not be read.
fn read_cases(path: &std::path::Path, limit: usize) -> (Option<serde_json::Value>, Option<String>) {
    if !path.exists() {
        return (None, None);
    }
    match crate::adapters::serve::registry::read_limited(path, limit) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(v) => (Some(v), None),
            Err(e) => (
                None,
                Some(format!(
                    "{}: {}",
                    path.display(),
                    engine::not_json("the file", &e)
                )),
            ),
        },
        Err(e) => (None, Some(e)),
    }
}

/// The customer-facing policy page: HTML, or Markdown when `Accept` prefers
/// `text/markdown` (406 when it allows neither).
#[utoipa::path(get, path = "/v1/policies/{name}/page", tag = "policies",
    params(PolicyName, On),
    responses(
        (status = 200, description = "The page", content(
            (String = "text/html"),
            (String = "text/markdown"),
        )),
        (status = 400, description = "`on` is not a day", body = Details, content_type = "application/problem+json"),
        Unauthorized,
        (status = 404, description = "No such policy, or no version of it in force on the day `on` names", body = Details, content_type = "application/problem+json"),
        (status = 406, description = "The request's Accept allows neither text/html nor text/markdown", body = Details, content_type = "application/problem+json"),
        (status = 409, description = "Several files declare the policy without each saying a day of its own", body = Details, content_type = "application/problem+json"),
        (status = 503, description = "The policy has no version that checks (`policy-unavailable`), too many requests in flight (`overloaded`, with `Retry-After`), or the answer was not ready within --request-timeout (`timeout`)", body = Details, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])))]
pub async fn page(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<On>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let loaded = match policy_name(path)
        .and_then(|name| on_day(query).map(|on| (name, on)))
        .and_then(|(name, on)| shown(&state, &name, on))
        .and_then(|(e, _)| serving(&state, &e.name))
    {
        Ok(l) => l,
        Err(p) => return p.into_response(),
    };
    let Some(media) = negotiate(&headers, PAGE_MEDIA) else {
        return not_acceptable(PAGE_MEDIA).into_response();
    };
    let markdown = media == "text/markdown";
    let text = match super::blocking(move || loaded.page(!markdown)).await {
        Ok(t) => t,
        Err(p) => return p.into_response(),
    };
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(if markdown {
            "text/markdown; charset=utf-8"
        } else {
            "text/html; charset=utf-8"
        }),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    r
}

/// What a policy's page is answered as, the server's preference first.
const PAGE_MEDIA: &[&str] = &["text/html", "text/markdown"];

/// What an explanation is answered as, the server's preference first.
const EXPLAIN_MEDIA: &[&str] = &["text/plain", "application/json"];

/// Evaluates one claim (`application/json`): the verdict `clause eval` gives,
/// with `policy_version`. Or a batch (`application/x-ndjson`): one record per
/// input line, in order, streamed (a verdict or an error record naming the line
/// and each problem's JSON path).
#[utoipa::path(post, path = "/v1/policies/{name}/evaluate", tag = "policies",
    params(PolicyName),
    request_body(content(
        (Claim = "application/json"),
        (String = "application/x-ndjson"),
    )),
    responses(
        (status = 200, description = "The verdict, or a stream of records for a batch",
            headers(("clause-policy-version" = String, description = "The version of the policy that decided")),
            content(
                (Verdict = "application/json"),
                (String = "application/x-ndjson"),
            )),
        (status = 415, description = "Neither JSON nor NDJSON", body = Details, content_type = "application/problem+json"),
        (status = 500, description = "The claim's evaluation stopped inside the server (a bug; the server's standard error has its panic)", body = Details, content_type = "application/problem+json"),
        ClaimRouteErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn evaluate(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    request: axum::extract::Request,
) -> Response {
    // The request's own headers and marker, borrowed rather than copied by
    // extractors: this is the route a backend calls once per claim.
    let (parts, mut body) = request.into_parts();
    let headers = &parts.headers;
    let done = parts
        .extensions
        .get::<BodyDone>()
        .cloned()
        .unwrap_or_else(|| BodyDone::new(state.limits.request_timeout));
    let target = match target_or_drain(&state, path, &mut body, &done).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match media(headers) {
        Media::Json => {}
        Media::Ndjson => {
            return crate::adapters::serve::batch::stream(state, target, body, done).await
        }
        Media::Text | Media::Other => {
            drain(&mut body, state.limits.body_timeout, &done).await;
            return Problem::unsupported_media(
                "send one claim as application/json, or a batch as application/x-ndjson",
            )
            .into_response();
        }
    }
    let text = match claim_text(&state, headers, body, &done).await {
        Ok(t) => t,
        Err(p) => return p.into_response(),
    };
    let judged = state
        .gather
        .evaluate(&state.metrics, target, text, state.alone())
        .await;
    let Some(judged) = judged else {
        return Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "evaluating this claim failed inside the server; its log names the cause",
        )
        .into_response();
    };
    match judged {
        Ok((v, loaded)) => {
            let mut r = json_bytes(StatusCode::OK, v.json);
            if let Some(value) = loaded.version_header() {
                r.headers_mut().insert(VERSION_HEADER, value);
            }
            r
        }
        Err(errors) => Problem::invalid_claim(errors).into_response(),
    }
}

/// The verdict for a claim as sentences for the customer: text, or JSON when
/// `Accept` prefers `application/json` (406 when it allows neither).
#[utoipa::path(post, path = "/v1/policies/{name}/explain", tag = "policies",
    params(PolicyName),
    request_body(content((Claim = "application/json"))),
    responses(
        (status = 200, description = "The explanation",
            headers(("clause-policy-version" = String, description = "The version of the policy that decided")),
            content(
                (String = "text/plain"),
                (Object = "application/json"),
            )),
        (status = 406, description = "The request's Accept allows neither text/plain nor application/json", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Details, content_type = "application/problem+json"),
        ClaimRouteErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn explain(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    mut body: Body,
) -> Response {
    let target = match target_or_drain(&state, path, &mut body, &done).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    if media(&headers) != Media::Json {
        drain(&mut body, state.limits.body_timeout, &done).await;
        return Problem::unsupported_media("send the claim as application/json").into_response();
    }
    let text = match claim_text(&state, &headers, body, &done).await {
        Ok(t) => t,
        Err(p) => return p.into_response(),
    };
    let text = text.as_str();
    let Some(media) = negotiate(&headers, EXPLAIN_MEDIA) else {
        return not_acceptable(EXPLAIN_MEDIA).into_response();
    };
    let as_json = media == "application/json";
    let loaded = match target.select(text) {
        Ok(l) => l,
        Err(errors) => return Problem::invalid_claim(errors).into_response(),
    };
    match loaded.explain(text, as_json) {
        Ok(words) => {
            let mut r = words.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(if as_json {
                    "application/json"
                } else {
                    "text/plain; charset=utf-8"
                }),
            );
            if let Some(value) = loaded.version_header() {
                r.headers_mut().insert(VERSION_HEADER, value);
            }
            r.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept"));
            r
        }
        Err(errors) => Problem::invalid_claim(errors).into_response(),
    }
}

/// Writes a policy's cases file (`NAME.cases.json` beside `NAME.policy`), as the
/// playground's "save as a case" does. Only with `clause serve --allow-write`.
/// The file is checked as `clause test` reads it, then replaced whole (written
/// beside it and renamed over it).
#[utoipa::path(post, path = "/v1/cases/save", tag = "policies",
    request_body(content((SaveCasesRequest = "application/json"))),
    responses(
        (status = 200, description = "The file was written", body = Saved),
        (status = 400, description = "The body or the cases file is invalid; `errors` names the field", body = Details, content_type = "application/problem+json"),
        Unauthorized,
        (status = 403, description = "The server was started without --allow-write", body = Details, content_type = "application/problem+json"),
        (status = 404, description = "No such policy", body = Details, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Details, content_type = "application/problem+json"),
        (status = 500, description = "The file could not be written", body = Details, content_type = "application/problem+json"),
        SlowBody,
        Overloaded,
    ),
    security((), ("bearer" = [])))]
pub async fn save_cases(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    mut body: Body,
) -> Response {
    if !state.allow_write {
        drain(&mut body, state.limits.body_timeout, &done).await;
        return Problem::new(
            StatusCode::FORBIDDEN,
            "write-not-allowed",
            "Writing is not allowed",
            "this server does not write files: start it with --allow-write to save cases files beside the policies",
        )
        .into_response();
    }
    if media(&headers) != Media::Json {
        drain(&mut body, state.limits.body_timeout, &done).await;
        return Problem::unsupported_media("send {\"name\", \"cases\"} as application/json")
            .into_response();
    }
    let bytes = match read_body(
        &state,
        &headers,
        body,
        state.limits.max_body,
        "--max-body-bytes",
        &done,
    )
    .await
    {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return Problem::field("", engine::not_json("the body", &e)).into_response(),
    };
    let Some(name) = value.get("name").and_then(serde_json::Value::as_str) else {
        return Problem::field(
            "name",
            "is required: the policy's name, as in /v1/policies/NAME",
        )
        .into_response();
    };
    if let Err(p) = entry(&state, name) {
        return p.into_response();
    }
    let Some(cases) = value.get("cases").filter(|c| c.is_object()).cloned() else {
        return Problem::field("cases", "is required: a cases file's JSON object").into_response();
    };
    let text = match engine::cases_file_text(&cases) {
        Ok(t) => t,
        Err(message) => return Problem::field("cases", message).into_response(),
    };
    // `clause test` runs the file against the policy it names, beside it: a
    // file saved for NAME must name NAME.policy (another name left NAME.policy
    // untested and the file pointing elsewhere).
    let policy_file = format!("{name}.policy");
    let named = cases
        .get("policy")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if named.strip_prefix("./").unwrap_or(named) != policy_file {
        return Problem::field(
            "cases.policy",
            format!(
                "is {}; a cases file saved for `{name}` tests {policy_file}: write \"policy\": \"{policy_file}\"",
                serde_json::Value::from(named)
            ),
        )
        .into_response();
    }
    let file = format!("{name}.cases.json");
    let path = state.registry.dir().join(&file);
    let count = cases
        .get("cases")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    let written = blocking(move || {
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, text)
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    })
    .await;
    match written {
        Ok(Ok(())) => json(
            StatusCode::OK,
            &Saved {
                path: file,
                cases: count,
            },
        ),
        Ok(Err(message)) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "write-failed",
            "The cases file could not be written",
            message,
        )
        .into_response(),
        Err(p) => p.into_response(),
    }
}
