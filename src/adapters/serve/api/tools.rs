//! Policy texts sent by the playground and editors: check, format, evaluate
//! with a claim, render, run cases. Each text is bounded by --max-policy-bytes
//! (413), the whole body by --max-body-bytes, and the work runs off the async
//! threads under the request timeout like every request.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::Value;

use super::{
    blocking, json, media, read_body, utf8, Boundaries, CasesRequest, CasesRun, CheckResult,
    EvaluateRequest, Evaluated, Formatted, MapRequest, Media, PageMapOut, PolicyText,
};
use crate::adapters::serve::engine::{self, FieldError};
use crate::adapters::serve::layers::BodyDone;
use crate::adapters::serve::problem::{Details, Problem, SlowBody, TextToolErrors, Unauthorized};
use crate::adapters::serve::AppState;

/// A request's policy text and, for JSON bodies, the whole body (read, and
/// as sent).
struct PolicyRequest {
    policy: String,
    body: Option<Value>,
    raw: axum::body::Bytes,
}

/// The body's `claim` as sent, for the library to read itself: a `Value`
/// keeps the last of a repeated key, which the library refuses in a claim.
#[derive(serde::Deserialize)]
struct ClaimText<'a> {
    #[serde(borrow)]
    claim: Option<&'a serde_json::value::RawValue>,
}

/// The text of the body's `claim` field, exactly as sent (400 naming `claim`
/// when the body gives the field twice).
fn claim_text(raw: &[u8]) -> Result<String, Problem> {
    match serde_json::from_slice::<ClaimText<'_>>(raw) {
        Ok(ClaimText { claim: Some(c) }) => Ok(c.get().to_string()),
        Ok(ClaimText { claim: None }) => Err(Problem::field(
            "claim",
            "is required: the claim to evaluate",
        )),
        Err(e) if e.to_string().contains("duplicate field") => Err(Problem::field(
            "claim",
            "this key appears more than once in its object; give each key once",
        )),
        Err(e) => Err(Problem::field("", engine::not_json("the body", &e))),
    }
}

/// A JSON body's policy text and the text of its `claim` object, as sent, for
/// the library to read as `clause eval` reads a claim file: a key given twice
/// is refused, not read as its last value. `what` says what the claim is for.
async fn policy_and_claim(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    done: &BodyDone,
    what: &'static str,
) -> Result<(PolicyRequest, String), Problem> {
    let req = policy_request(state, headers, body, done, false).await?;
    object(req.body.as_ref(), "claim", what)?;
    let claim = claim_text(&req.raw)?;
    Ok((req, claim))
}

async fn policy_request(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    done: &BodyDone,
    text_allowed: bool,
) -> Result<PolicyRequest, Problem> {
    let kind = media(headers);
    let limit = state.limits.max_policy;
    match kind {
        Media::Json => {}
        Media::Text if text_allowed => {
            let bytes = read_body(state, headers, body, limit, "--max-policy-bytes", done).await?;
            return Ok(PolicyRequest {
                policy: utf8(&bytes)?.to_string(),
                body: None,
                raw: bytes,
            });
        }
        _ => {
            let mut body = body;
            super::drain(&mut body, state.limits.body_timeout, done).await;
            return Err(Problem::unsupported_media(if text_allowed {
                "send {\"policy\": TEXT} as application/json, or the text as text/plain"
            } else {
                "send the request as application/json"
            }));
        }
    }
    let bytes = read_body(
        state,
        headers,
        body,
        state.limits.max_body,
        "--max-body-bytes",
        done,
    )
    .await?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Problem::field("", engine::not_json("the body", &e)))?;
    let policy = match value.get("policy") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(Problem::field(
                "policy",
                "must be a string: the policy's text",
            ))
        }
        None if value.is_object() => {
            return Err(Problem::field("policy", "is required: the policy's text"))
        }
        None => {
            return Err(Problem::field(
                "",
                "must be a JSON object with a `policy` field",
            ))
        }
    };
    if policy.len() > limit {
        return Err(Problem::too_large("`policy`", limit, "--max-policy-bytes"));
    }
    Ok(PolicyRequest {
        policy,
        body: Some(value),
        raw: bytes,
    })
}

/// Checks and lints a policy text: every diagnostic as data.
#[utoipa::path(post, path = "/v1/check", tag = "tools",
    request_body(content(
        (PolicyText = "application/json"),
        (String = "text/plain"),
    )),
    responses(
        (status = 200, description = "Whether the text checks, and every diagnostic (checker errors, or lint findings)", body = CheckResult),
        (status = 400, description = "The body is not the expected JSON; `errors` names the field", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor text", body = Details, content_type = "application/problem+json"),
        TextToolErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn check(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req = match policy_request(&state, &headers, body, &done, true).await {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    match blocking(move || engine::check(&req.policy)).await {
        Ok((ok, diagnostics)) => json(StatusCode::OK, &CheckResult { ok, diagnostics }),
        Err(p) => p.into_response(),
    }
}

/// The canonical layout of a policy text (comments kept).
#[utoipa::path(post, path = "/v1/fmt", tag = "tools",
    request_body(content(
        (PolicyText = "application/json"),
        (String = "text/plain"),
    )),
    responses(
        (status = 200, description = "The text in the canonical layout", body = Formatted),
        (status = 400, description = "The body is not the expected JSON; `errors` names the field", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor text", body = Details, content_type = "application/problem+json"),
        (status = 422, description = "The text does not parse; `diagnostics` says where", body = Details, content_type = "application/problem+json"),
        TextToolErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn fmt(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req = match policy_request(&state, &headers, body, &done, true).await {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    match blocking(move || engine::format(&req.policy)).await {
        Ok(Ok(formatted)) => json(StatusCode::OK, &Formatted { formatted }),
        Ok(Err(diagnostics)) => Problem::policy_does_not_check(diagnostics).into_response(),
        Err(p) => p.into_response(),
    }
}

/// Loads a policy text for one request (checked, not linted), or says why not.
async fn load(policy: String) -> Result<engine::Loaded, Problem> {
    match blocking(move || engine::load_unlinted(&policy)).await? {
        Ok(l) => Ok(l),
        Err(refused) => Err(Problem::policy_does_not_check(refused.diagnostics)),
    }
}

/// A field of the body that must be a JSON object.
fn object<'a>(body: Option<&'a Value>, field: &str, what: &str) -> Result<&'a Value, Problem> {
    match body.and_then(|b| b.get(field)) {
        Some(v @ Value::Object(_)) => Ok(v),
        Some(_) => Err(Problem::field(
            field,
            format!("must be a JSON object: {what}"),
        )),
        None => Err(Problem::field(field, format!("is required: {what}"))),
    }
}

/// Claim errors with their paths made relative to the request body (`claim.items[0].sku`).
fn under(prefix: &str, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            path: if e.path.is_empty() {
                prefix.to_string()
            } else {
                format!("{prefix}.{}", e.path)
            },
            message: e.message,
        })
        .collect()
}

/// Evaluates a claim against a policy text: the verdict, its explanation, and
/// the timeline (the claim's events and the windows resolved for it).
#[utoipa::path(post, path = "/v1/evaluate", tag = "tools",
    request_body(content((EvaluateRequest = "application/json"))),
    responses(
        (status = 200, description = "The verdict (with policy_version), its explanation and the timeline", body = Evaluated),
        (status = 400, description = "The body or the claim is invalid; `errors` names each field by its JSON path from the body (`claim.items[0].price`)", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Details, content_type = "application/problem+json"),
        (status = 422, description = "The policy does not check; `diagnostics` says why", body = Details, content_type = "application/problem+json"),
        TextToolErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn evaluate(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (req, claim) =
        match policy_and_claim(&state, &headers, body, &done, "the claim to evaluate").await {
            Ok(r) => r,
            Err(p) => return p.into_response(),
        };
    let loaded = match load(req.policy).await {
        Ok(l) => l,
        Err(p) => return p.into_response(),
    };
    let result = blocking(move || -> Result<Evaluated, Vec<FieldError>> {
        let verdict = loaded.evaluate(&claim)?;
        let explanation = loaded.explain(&claim, false)?;
        let timeline = loaded.timeline(&claim)?;
        Ok(Evaluated {
            verdict: serde_json::from_slice(&verdict.json).unwrap_or(Value::Null),
            explanation,
            timeline,
        })
    })
    .await;
    match result {
        Ok(Ok(evaluated)) => json(StatusCode::OK, &evaluated),
        Ok(Err(errors)) => Problem::invalid_claim(under("claim", errors)).into_response(),
        Err(p) => p.into_response(),
    }
}

/// The customer-facing page of a policy text, as a standalone HTML document.
#[utoipa::path(post, path = "/v1/render", tag = "tools",
    request_body(content(
        (PolicyText = "application/json"),
        (String = "text/plain"),
    )),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 400, description = "The body is not the expected JSON; `errors` names the field", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor text", body = Details, content_type = "application/problem+json"),
        (status = 422, description = "The policy does not check; `diagnostics` says why", body = Details, content_type = "application/problem+json"),
        TextToolErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn render(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req = match policy_request(&state, &headers, body, &done, true).await {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    let loaded = match load(req.policy).await {
        Ok(l) => l,
        Err(p) => return p.into_response(),
    };
    match blocking(move || loaded.page(true)).await {
        Ok(html) => {
            let mut r = html.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        Err(p) => p.into_response(),
    }
}

/// Runs a cases file's JSON against a policy text: each case passes or fails
/// with its mismatches, and the rule coverage. Snapshots are not compared.
#[utoipa::path(post, path = "/v1/cases/run", tag = "tools",
    request_body(content((CasesRequest = "application/json"))),
    responses(
        (status = 200, description = "Every case's result and the rule coverage", body = CasesRun),
        (status = 400, description = "The body or the cases file is invalid; `errors` names the field", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Details, content_type = "application/problem+json"),
        (status = 422, description = "The policy does not check; `diagnostics` says why", body = Details, content_type = "application/problem+json"),
        TextToolErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn cases_run(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let field = ("cases", "a cases file's JSON");
    on_object(&state, &headers, body, &done, field, |loaded, cases| {
        loaded.run_cases(cases)
    })
    .await
}

/// The steps of a tool that runs a policy text on one JSON object of the body
/// (`field`: its name, and what it must be): read the body, take the object,
/// load the policy, run. A `run` error is the object's fault (400 naming it).
async fn on_object<T: serde::Serialize + Send + 'static>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    done: &BodyDone,
    (field, what): (&'static str, &'static str),
    run: impl FnOnce(&engine::Loaded, &Value) -> Result<T, String> + Send + 'static,
) -> Response {
    let req = match policy_request(state, headers, body, done, false).await {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    let value = match object(req.body.as_ref(), field, what) {
        Ok(v) => v.clone(),
        Err(p) => return p.into_response(),
    };
    let loaded = match load(req.policy).await {
        Ok(l) => l,
        Err(p) => return p.into_response(),
    };
    match blocking(move || run(&loaded, &value)).await {
        Ok(Ok(out)) => json(StatusCode::OK, &out),
        Ok(Err(message)) => Problem::field(field, message).into_response(),
        Err(p) => p.into_response(),
    }
}

/// Draft boundary cases for a policy text around a claim: the claims on each side
/// of every window, fixed day, amount and weight edge the policy draws, each with
/// today's verdict (`clause cases POLICY --boundaries`, docs/cli.md).
#[utoipa::path(post, path = "/v1/cases/boundaries", tag = "tools",
    request_body(content((EvaluateRequest = "application/json"))),
    responses(
        (status = 200, description = "The draft cases, each a cases-file entry with its claim and verdict", body = Boundaries),
        (status = 400, description = "The body is invalid; `errors` names the field", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Details, content_type = "application/problem+json"),
        (status = 422, description = "The policy does not check; `diagnostics` says why", body = Details, content_type = "application/problem+json"),
        TextToolErrors,
        SlowBody,
        Unauthorized,
    ),
    security((), ("bearer" = [])))]
pub async fn cases_boundaries(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (req, claim) =
        match policy_and_claim(&state, &headers, body, &done, "the claim to start from").await {
            Ok(r) => r,
            Err(p) => return p.into_response(),
        };
    // The policy first, as /v1/evaluate: a policy that does not check is 422
    // whatever the claim says.
    let loaded = match load(req.policy).await {
        Ok(l) => l,
        Err(p) => return p.into_response(),
    };
    let claim = match clause::cases::read_claim(&claim) {
        Ok(c) => c,
        Err(e) => {
            return Problem::invalid_claim(under("claim", engine::field_errors(e))).into_response()
        }
    };
    match blocking(move || loaded.boundaries(&claim)).await {
        Ok(Ok(cases)) => json(StatusCode::OK, &Boundaries { cases }),
        Ok(Err(message)) => Problem::field("claim", message).into_response(),
        Err(p) => p.into_response(),
    }
}

/// Pages mapped at once: one per core. Matching a page of --max-policy-bytes
/// against every quote is bounded (tools::map compares at most 64 sentences
/// and stretches per quote: 0.2 s in release for a page of stale quotes), but
/// the work goes on after the request timeout has answered, so the maps in
/// progress are bounded too; beyond them, 503.
fn map_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    })
}

/// The merchant's page beside a policy text (`clause map`): each sentence of the
/// page with the rules that quote it, the `not-policy` or `covered` comment that
/// accounts for it, or nothing (unaccounted); each quote of the policy with
/// whether it is still on the page and how close the nearest sentence is.
#[utoipa::path(post, path = "/v1/map", tag = "tools",
    request_body(content((MapRequest = "application/json"))),
    responses(
        (status = 200, description = "Every sentence of the page with what accounts for it, every quote with where it was found, and the counts", body = PageMapOut),
        (status = 400, description = "The body is invalid; `errors` names the field (`policy` or `page`)", body = Details, content_type = "application/problem+json"),
        Unauthorized,
        SlowBody,
        (status = 413, description = "The policy, the page or the body is too large", body = Details, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Details, content_type = "application/problem+json"),
        (status = 422, description = "The policy does not check; `diagnostics` says why", body = Details, content_type = "application/problem+json"),
        (status = 503, description = "Too many requests in flight, as many maps in progress as the server has cores, or too slow", body = Details, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])))]
pub async fn map(
    State(state): State<Arc<AppState>>,
    Extension(done): Extension<BodyDone>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req = match policy_request(&state, &headers, body, &done, false).await {
        Ok(r) => r,
        Err(p) => return p.into_response(),
    };
    let page = match req.body.as_ref().and_then(|b| b.get("page")) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Problem::field(
                "page",
                "must be a string: the merchant's page as plain text",
            )
            .into_response()
        }
        None => {
            return Problem::field("page", "is required: the merchant's page as plain text")
                .into_response()
        }
    };
    let limit = state.limits.max_policy;
    if page.len() > limit {
        return Problem::too_large("`page`", limit, "--max-policy-bytes").into_response();
    }
    let loaded = match load(req.policy).await {
        Ok(l) => l,
        Err(p) => return p.into_response(),
    };
    let Ok(permit) = map_permits().try_acquire() else {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "Too many maps in progress",
            "the server is already mapping as many pages as it has cores; try again shortly",
        )
        .into_response();
    };
    match blocking(move || {
        let map = loaded.map_page(&page);
        drop(permit);
        map
    })
    .await
    {
        Ok(map) => json(StatusCode::OK, &map),
        Err(p) => p.into_response(),
    }
}
