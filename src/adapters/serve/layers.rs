//! What every request goes through, outermost first:
//!
//! 1. [`observe`]: times the request, counts it by route and status in the
//!    metrics, counts error answers by problem type, and logs it;
//! 2. [`limit`]: the bearer token (on `/v1`), the concurrency limit (503 with
//!    `Retry-After` when full; health checks and metrics are not counted) and the
//!    request timeout (408 when the body was still arriving, 503 otherwise).
//!    A request refused 401 or 503 `overloaded` has its body read and dropped
//!    first (up to 1 MiB, within the request timeout), so that a client still
//!    sending gets the answer.
//!
//! A request's concurrency slot is held until its response body has been sent,
//! so a streaming batch counts for as long as it streams.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::OwnedSemaphorePermit;

use super::problem::{Problem, ProblemKind};
use super::AppState;

/// Set once a handler has read the whole request body (see `api::read_body`),
/// so that a timeout can tell a slow client (408) from slow work (503); and
/// the instant by which a handler that refuses a body it has not read stops
/// reading and dropping it (`api::drain`), so that its own answer (403, 404,
/// 409, 413, 415) goes out before the request timeout would answer 408.
#[derive(Clone)]
pub struct BodyDone {
    pub read: Arc<AtomicBool>,
    pub drain_until: tokio::time::Instant,
}

impl BodyDone {
    /// For a request answered by `timeout` after it arrived: draining stops a
    /// tenth of the timeout (at most one second) before that.
    pub fn new(timeout: std::time::Duration) -> BodyDone {
        let margin = (timeout / 10).min(std::time::Duration::from_secs(1));
        BodyDone {
            read: Arc::default(),
            drain_until: tokio::time::Instant::now() + timeout.saturating_sub(margin),
        }
    }
}

pub async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    // The route table's pattern, or `unmatched` (the fallback): a bounded
    // label, whatever paths clients send.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let took = started.elapsed();
    let status = response.status();
    state
        .metrics
        .request(&route, &method, status.as_u16(), took);
    if let Some(kind) = response.extensions().get::<ProblemKind>() {
        state.metrics.error(kind.0);
    }
    tracing::info!(
        method = %method,
        path = %path,
        status = status.as_u16(),
        micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

pub async fn limit(State(state): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let exempt = matches!(path, "/healthz" | "/readyz" | "/metrics");
    if path.starts_with("/v1/") || path == "/v1" {
        if let Some(token) = &state.token {
            if !authorized(req.headers().get(header::AUTHORIZATION), token) {
                return answer_unread(
                    &state,
                    req,
                    Problem::new(
                        StatusCode::UNAUTHORIZED,
                        "unauthorized",
                        "Unauthorized",
                        "send the server's token as `Authorization: Bearer TOKEN`",
                    )
                    .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"clause\""),
                )
                .await;
            }
        }
    }
    let permit = if exempt {
        None
    } else {
        match state.concurrency.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            Err(_) => {
                let overloaded = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "overloaded",
                    "Too many requests in flight",
                    format!(
                        "the server is answering {} requests at once (its --max-concurrency); try again shortly",
                        state.max_concurrency
                    ),
                )
                .with_header(header::RETRY_AFTER, "1");
                return answer_unread(&state, req, overloaded).await;
            }
        }
    };
    let timeout = state.limits.request_timeout;
    let done = BodyDone::new(timeout);
    // A request without a body (a GET) has read it all already: a timeout is
    // then the server's (503), never a slow client's (408).
    if http_body::Body::is_end_stream(req.body()) {
        done.read.store(true, Ordering::SeqCst);
    }
    req.extensions_mut().insert(done.clone());
    let response = match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) if !done.read.load(Ordering::SeqCst) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "request-timeout",
            "Request body too slow",
            format!(
                "the request body did not arrive within {} s (the server's --request-timeout)",
                timeout.as_secs()
            ),
        )
        .into_response(),
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "Request took too long",
            format!(
                "the answer was not ready within {} s (the server's --request-timeout)",
                timeout.as_secs()
            ),
        )
        .into_response(),
    };
    match permit {
        Some(permit) => hold_until_sent(response, permit),
        None => response,
    }
}

/// An answer given without reading the request (401, 503 `overloaded`): what
/// the client is still sending is read and dropped first, so that it gets the
/// answer rather than a reset, within the request timeout as every other
/// answer, and holding no concurrency slot (`api::drain_within` says when
/// nothing is read).
async fn answer_unread(state: &AppState, req: Request, answer: Problem) -> Response {
    let (parts, mut body) = req.into_parts();
    super::api::drain_within(
        &parts.headers,
        &mut body,
        state.limits.body_timeout,
        state.limits.request_timeout,
    )
    .await;
    answer.into_response()
}

/// Compares the `Authorization` header with the token in time that does not
/// depend on where they first differ. The scheme is `Bearer` in any case
/// (RFC 9110 §11.1: `bearer`, `BEARER`), then one or more spaces and the token.
fn authorized(header: Option<&axum::http::HeaderValue>, token: &str) -> bool {
    let Some(given) = header
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.split_once(' '))
        .and_then(|(scheme, rest)| scheme.eq_ignore_ascii_case("bearer").then_some(rest))
    else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The response with its body holding the concurrency slot until it is sent
/// (or the client goes away).
fn hold_until_sent(response: Response, permit: OwnedSemaphorePermit) -> Response {
    let (parts, body) = response.into_parts();
    Response::from_parts(
        parts,
        Body::new(Held {
            inner: body,
            _permit: permit,
        }),
    )
}

struct Held {
    inner: Body,
    _permit: OwnedSemaphorePermit,
}

impl http_body::Body for Held {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
