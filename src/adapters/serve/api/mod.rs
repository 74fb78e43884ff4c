//! The endpoints. Handlers parse the request, call [`super::engine`], and
//! answer JSON, or a [`Problem`] naming what was wrong.
//!
//! - [`policies`]: the policies served (`/v1/policies...`), evaluation and batches;
//! - [`tools`]: policy texts sent by the playground and editors (`/v1/check`,
//!   `/v1/fmt`, `/v1/evaluate`, `/v1/render`, `/v1/map`, `/v1/cases/run`, `/v1/cases/boundaries`);
//!   `/v1/cases/save` (with `--allow-write`) is in [`policies`];
//! - [`ops`]: health, readiness, metrics, the OpenAPI document and the schemas.

pub mod ops;
pub mod policies;
pub mod tools;
mod types;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::BodyExt as _;

pub use types::*;

use super::layers::BodyDone;
use super::problem::Problem;
use super::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .route("/schema/claim.schema.json", get(ops::claim_schema))
        .route("/schema/verdict.schema.json", get(ops::verdict_schema))
        .route("/v1/policies", get(policies::list))
        .route("/v1/policies/{name}", get(policies::detail))
        .route("/v1/policies/{name}/page", get(policies::page))
        .route("/v1/policies/{name}/evaluate", post(policies::evaluate))
        .route("/v1/policies/{name}/explain", post(policies::explain))
        .route("/v1/check", post(tools::check))
        .route("/v1/fmt", post(tools::fmt))
        .route("/v1/evaluate", post(tools::evaluate))
        .route("/v1/render", post(tools::render))
        .route("/v1/map", post(tools::map))
        .route("/v1/cases/run", post(tools::cases_run))
        .route("/v1/cases/boundaries", post(tools::cases_boundaries))
        .route("/v1/cases/save", post(policies::save_cases))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> Problem {
    Problem::not_found("no endpoint at this path (see /openapi.json)")
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "this endpoint does not answer this method (see /openapi.json)",
    )
}

/// What a request body is, by its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/json`, any `+json` type, or no content type at all.
    Json,
    /// `application/x-ndjson` (also `application/jsonl`, `application/jsonlines`).
    Ndjson,
    /// `text/plain`.
    Text,
    Other,
}

pub fn media(headers: &HeaderMap) -> Media {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Media::Json;
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Media::Json,
        "application/x-ndjson"
        | "application/jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines" => Media::Ndjson,
        "text/plain" => Media::Text,
        e if e.starts_with("application/") && e.ends_with("+json") => Media::Json,
        _ => Media::Other,
    }
}

/// Content negotiation (RFC 9110 §12.5.1): which of `offers` (media types,
/// the server's preference first) the request's `Accept` prefers, or `None`
/// when it accepts none of them (406).
///
/// Each offer takes the weight (`q`, 1 when not said) of the most specific
/// range of `Accept` that matches it (`type/subtype`, then `type/*`, then
/// `*/*`; a range with a parameter other than `q` and `charset` names
/// representations the server does not offer, and matches none); `q=0` means not
/// acceptable. The heaviest offer wins, ties going to the server's
/// preference. Entries that cannot be read (no `/`, a `q` that is not a
/// number from 0 to 1) are passed over; no `Accept`, or one with no entry
/// that can be read, accepts anything: the first offer.
pub fn negotiate(headers: &HeaderMap, offers: &[&'static str]) -> Option<&'static str> {
    let ranges: Vec<(String, String, u16)> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(media_range)
        .collect();
    if ranges.is_empty() {
        return offers.first().copied();
    }
    let mut best: Option<(&'static str, u16)> = None;
    for offer in offers {
        let (otype, osub) = offer.split_once('/').unwrap_or((offer, ""));
        // (specificity, weight) of the most specific range matching the offer.
        let q = ranges
            .iter()
            .filter_map(|(t, s, q)| {
                let specificity = match (t.as_str(), s.as_str()) {
                    ("*", "*") => 0,
                    (t, "*") if t.eq_ignore_ascii_case(otype) => 1,
                    (t, s) if t.eq_ignore_ascii_case(otype) && s.eq_ignore_ascii_case(osub) => 2,
                    _ => return None,
                };
                Some((specificity, *q))
            })
            .max_by_key(|(specificity, _)| *specificity)
            .map_or(0, |(_, q)| q);
        if q > 0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((offer, q));
        }
    }
    best.map(|(offer, _)| offer)
}

/// One entry of `Accept`: type, subtype and weight in thousandths (an empty
/// type and subtype, which match no offer, for a range with a parameter the
/// server's types do not have); `None` when it cannot be read.
fn media_range(entry: &str) -> Option<(String, String, u16)> {
    let mut parts = entry.split(';');
    let range = parts.next()?.trim();
    let (t, s) = range.split_once('/')?;
    let (t, s) = (t.trim(), s.trim());
    if t.is_empty() || s.is_empty() || (t == "*" && s != "*") {
        return None;
    }
    let mut q = 1000;
    for param in parts {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.eq_ignore_ascii_case("q") {
            q = qvalue(value.trim())?;
            // Parameters after the weight are extensions of the entry.
            break;
        }
        // A range with a parameter (`text/html;level=1`) names only
        // representations with it, and the server offers none: it matches
        // nothing (a `charset` aside, which every answer's text is in).
        if !name.eq_ignore_ascii_case("charset") {
            return Some((String::new(), String::new(), q));
        }
    }
    Some((t.to_string(), s.to_string(), q))
}

/// A weight (`0`, `0.5`, `1.000`: at most three decimals, 0 to 1) in thousandths.
fn qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// 406: the request's `Accept` allows none of the types an endpoint answers.
pub fn not_acceptable(offers: &[&str]) -> Response {
    let mut r = Problem::new(
        StatusCode::NOT_ACCEPTABLE,
        "not-acceptable",
        "Not acceptable",
        format!(
            "this endpoint answers {}; the request's Accept allows none of them",
            offers.join(" or ")
        ),
    )
    .into_response();
    // The answer depends on Accept, as the negotiated 200s do.
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    r
}

/// Reads a whole request body: 413 beyond `limit` (by `Content-Length` at
/// once, or as it arrives), 408 when no byte arrives for the body timeout.
pub async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    limit_flag: &str,
    done: &BodyDone,
) -> Result<Bytes, Problem> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut body = body;
    if let Some(n) = declared.filter(|n| *n > limit as u64) {
        // A client still sending a body it announced gets the answer, not a
        // reset connection: what is left is read and dropped, within bounds.
        if n <= (limit + DRAIN_BYTES) as u64 {
            drain(&mut body, state.limits.body_timeout, done).await;
        }
        return Err(Problem::too_large("the request body", limit, limit_flag));
    }
    let mut out: Vec<u8> = Vec::with_capacity(declared.map_or(8 << 10, |n| n as usize));
    let idle = state.limits.body_timeout;
    loop {
        match tokio::time::timeout(idle, body.frame()).await {
            Err(_) => return Err(body_timeout(idle)),
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(Problem::invalid(
                    format!("the request body could not be read: {e}"),
                    Vec::new(),
                ))
            }
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if out.len() + data.len() > limit {
                        drain(&mut body, idle, done).await;
                        return Err(Problem::too_large("the request body", limit, limit_flag));
                    }
                    out.extend_from_slice(&data);
                }
            }
        }
    }
    done.read.store(true, Ordering::SeqCst);
    Ok(Bytes::from(out))
}

/// How much of a refused body is read and dropped before the answer, so that
/// the client can finish sending and read it (beyond this, the connection is
/// closed on a client still sending).
const DRAIN_BYTES: usize = 1 << 20;

/// Reads and drops up to [`DRAIN_BYTES`] of what is left of a body, stopping
/// at its end, an error, or `idle` without a byte.
pub async fn drain(body: &mut Body, idle: std::time::Duration, done: &BodyDone) {
    let _ = tokio::time::timeout_at(done.drain_until, drain_idle(body, idle)).await;
}

/// Reads and drops up to [`DRAIN_BYTES`] of `body`, until it ends or no byte
/// arrives for `idle`.
async fn drain_idle(body: &mut Body, idle: std::time::Duration) {
    let mut left = DRAIN_BYTES;
    while left > 0 {
        match tokio::time::timeout(idle, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    left = left.saturating_sub(data.len().max(1));
                }
            }
            _ => break,
        }
    }
}

/// [`drain`], given up after `deadline` in all (the request timeout): a client
/// that trickles a byte now and then, never idle for `idle`, still gets its
/// answer in time, and a connection is never held by a body nobody will read.
pub async fn drain_within(
    headers: &HeaderMap,
    body: &mut Body,
    idle: std::time::Duration,
    deadline: std::time::Duration,
) {
    // A client waiting for `100 Continue` has sent nothing yet: reading would
    // invite the upload being refused (hyper sends the 100 when the body is
    // read); answered at once, it sends nothing. A body announced past what is
    // drained would be cut off anyway.
    let expects = headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let too_long = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > DRAIN_BYTES as u64);
    if expects || too_long {
        return;
    }
    let _ = tokio::time::timeout(deadline, drain_idle(body, idle)).await;
}

pub fn body_timeout(idle: std::time::Duration) -> Problem {
    Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "body-timeout",
        "Request body too slow",
        format!(
            "no byte of the request body arrived for {} s (the server's --body-timeout)",
            idle.as_secs()
        ),
    )
}

/// A body as UTF-8 text (400 otherwise).
pub fn utf8(bytes: &Bytes) -> Result<&str, Problem> {
    std::str::from_utf8(bytes).map_err(utf8_problem)
}

/// Why a body is not text.
pub fn utf8_problem(e: std::str::Utf8Error) -> Problem {
    Problem::field(
        "",
        format!(
            "the body is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ),
    )
}

/// A JSON answer with an exact body.
pub fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A JSON answer from a value.
pub fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => json_bytes(status, body),
        Err(e) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            format!("the answer could not be written: {e}"),
        )
        .into_response(),
    }
}

/// Runs CPU-heavy work (checking, linting, rendering) off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            format!("the work stopped: {e}"),
        )
    })
}
