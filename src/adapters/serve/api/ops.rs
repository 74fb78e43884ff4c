//! Health, readiness, metrics, the OpenAPI document and the contract's schemas.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{json, Health};
use crate::adapters::serve::problem::{Details, Overloaded, Problem, TimedOut};
use crate::adapters::serve::AppState;

pub const CLAIM_SCHEMA: &str = include_str!("../../../../docs/schema/claim.schema.json");
pub const VERDICT_SCHEMA: &str = include_str!("../../../../docs/schema/verdict.schema.json");

fn serving(state: &AppState) -> usize {
    state
        .registry
        .snapshot()
        .files
        .values()
        .filter(|e| e.current.is_some())
        .count()
}

/// The process is up and answering.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses(
        (status = 200, description = "The server is alive", body = Health),
        TimedOut,
    ))]
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    json(
        StatusCode::OK,
        &Health {
            status: "ok".into(),
            policies: serving(&state),
        },
    )
}

/// The server serves at least one policy and is not shutting down.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready for traffic", body = Health),
        (status = 503, description = "Shutting down, or no policy is served (`not-ready`), or the answer was not ready within --request-timeout (`timeout`)", body = Details, content_type = "application/problem+json"),
    ))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let policies = serving(&state);
    if !state.ready.load(Ordering::SeqCst) {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            "the server is shutting down",
        )
        .into_response();
    }
    if policies == 0 {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            "no policy is being served",
        )
        .into_response();
    }
    json(
        StatusCode::OK,
        &Health {
            status: "ready".into(),
            policies,
        },
    )
}

/// Prometheus metrics: requests, latency, verdicts, reloads, errors.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"),
        TimedOut,
    ))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let mut r = state.metrics.render().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", body = Object),
        Overloaded,
    ))]
pub async fn openapi() -> Response {
    super::json_bytes(
        StatusCode::OK,
        crate::adapters::serve::openapi::document().to_vec(),
    )
}

fn schema(text: &'static str) -> Response {
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/schema+json"),
    );
    r
}

/// The claim JSON Schema (docs/schema/claim.schema.json).
#[utoipa::path(get, path = "/schema/claim.schema.json", tag = "operations",
    responses(
        (status = 200, description = "JSON Schema 2020-12", body = Object, content_type = "application/schema+json"),
        Overloaded,
    ))]
pub async fn claim_schema() -> Response {
    schema(CLAIM_SCHEMA)
}

/// The verdict JSON Schema (docs/schema/verdict.schema.json).
#[utoipa::path(get, path = "/schema/verdict.schema.json", tag = "operations",
    responses(
        (status = 200, description = "JSON Schema 2020-12", body = Object, content_type = "application/schema+json"),
        Overloaded,
    ))]
pub async fn verdict_schema() -> Response {
    schema(VERDICT_SCHEMA)
}
