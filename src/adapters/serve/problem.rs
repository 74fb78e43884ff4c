//! Errors as RFC 9457 problem details (`application/problem+json`).
//!
//! Every error the server answers is a [`Problem`]: a stable `type` URI (one per
//! kind of problem, listed in docs/server.md), a title, the status, a detail in
//! words, and, where the request's JSON was wrong, `errors` naming each field by
//! its JSON path; where a policy text does not check, `diagnostics`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::api::DiagnosticOut;
use super::engine::FieldError;

/// The kind of a problem, recorded on the response for the error metrics.
#[derive(Debug, Clone, Copy)]
pub struct ProblemKind(pub &'static str);

/// An error answer (boxed: it travels in `Result`s).
#[derive(Debug)]
pub struct Problem(Box<Details>);

/// The answer of every `/v1` endpoint to a request without the server's bearer
/// token (when it has one): one entry for the OpenAPI document, listed beside
/// each endpoint's own answers. Never built: `layers::limit` gives it.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 401,
    description = "Missing or wrong bearer token",
    content_type = "application/problem+json"
)]
#[allow(dead_code, reason = "OpenAPI only: documents the answer")]
pub struct Unauthorized(Details);

/// The answer of every endpoint that reads a body to a body that arrives too
/// slowly (`--body-timeout`, `--request-timeout`): as [`Unauthorized`].
#[derive(utoipa::IntoResponses)]
#[response(
    status = 408,
    description = "The request body was too slow",
    content_type = "application/problem+json"
)]
#[allow(dead_code, reason = "OpenAPI only: documents the answer")]
pub struct SlowBody(Details);

/// The answer of every endpoint but `/healthz`, `/readyz` and `/metrics` when
/// `--max-concurrency` requests are in flight (`overloaded`), or when its
/// answer was not ready within `--request-timeout` (`timeout`): as
/// [`Unauthorized`], for the endpoints that give no other 503.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 503,
    description = "Too many requests in flight (`overloaded`, with `Retry-After`), or the answer was not ready within --request-timeout (`timeout`)",
    content_type = "application/problem+json",
    headers(("Retry-After" = String, description = "With `overloaded`: seconds to wait before trying again"))
)]
#[allow(dead_code, reason = "OpenAPI only: documents the answer")]
pub struct Overloaded(Details);

/// The 503 of `/healthz` and `/metrics`: they are not counted against
/// `--max-concurrency`, but are timed by `--request-timeout` like every
/// request (`timeout`).
#[derive(utoipa::IntoResponses)]
#[response(
    status = 503,
    description = "The answer was not ready within --request-timeout (`timeout`)",
    content_type = "application/problem+json"
)]
#[allow(dead_code, reason = "OpenAPI only: documents the answer")]
pub struct TimedOut(Details);

/// The answers every endpoint that takes a policy text (`POST /v1/check`,
/// `/v1/fmt`, `/v1/evaluate`, `/v1/render`, `/v1/cases/run`,
/// `/v1/cases/boundaries`) can give, whatever its body says, besides
/// [`Unauthorized`] and [`SlowBody`]: one list for the OpenAPI document, so
/// that the endpoints cannot drift apart. Never built:
/// the layers and `api::read_body` give these answers as [`Problem`]s.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "OpenAPI only: the variants document answers")]
pub enum TextToolErrors {
    #[response(
        status = 413,
        description = "The text or body is too large",
        content_type = "application/problem+json"
    )]
    TooLarge(Details),
    #[response(
        status = 503,
        description = "Too many requests in flight, or too slow",
        content_type = "application/problem+json"
    )]
    Unavailable(Details),
}

/// The answers a claim sent to a served policy (`POST
/// /v1/policies/{name}/evaluate` and `.../explain`) can get besides its
/// verdict, the route's own 415, [`Unauthorized`] and [`SlowBody`]: one list
/// for the OpenAPI document. Never
/// built, as [`TextToolErrors`].
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "OpenAPI only: the variants document answers")]
pub enum ClaimRouteErrors {
    #[response(
        status = 400,
        description = "The claim is invalid; `errors` names each field by its JSON path",
        content_type = "application/problem+json"
    )]
    InvalidClaim(Details),
    #[response(
        status = 404,
        description = "No such policy",
        content_type = "application/problem+json"
    )]
    NotServed(Details),
    #[response(
        status = 409,
        description = "Several files declare the policy without each saying a day of its own",
        content_type = "application/problem+json"
    )]
    VersionsConflict(Details),
    #[response(
        status = 413,
        description = "The body is larger than --max-body-bytes",
        content_type = "application/problem+json"
    )]
    TooLarge(Details),
    #[response(
        status = 503,
        description = "Too many requests in flight, too slow, or the policy has no version that checks",
        content_type = "application/problem+json"
    )]
    Unavailable(Details),
}

/// A problem's fields, as its JSON has them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct Details {
    /// `https://clause.dev/problems/<kind>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The fields of the request that are wrong, each by its JSON path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// A policy text's diagnostics, when it does not check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Vec<DiagnosticOut>>,
    #[serde(skip)]
    slug: &'static str,
    #[serde(skip)]
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        Problem(Box::new(Details {
            kind: format!("https://clause.dev/problems/{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            diagnostics: None,
            slug,
            headers: Vec::new(),
        }))
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.0.errors = errors;
        self
    }

    pub fn with_diagnostics(mut self, diagnostics: Vec<DiagnosticOut>) -> Self {
        self.0.diagnostics = Some(diagnostics);
        self
    }

    pub fn with_header(mut self, name: header::HeaderName, value: &'static str) -> Self {
        self.0.headers.push((name, HeaderValue::from_static(value)));
        self
    }

    /// 400: the request's JSON is wrong; `errors` names each field.
    pub fn invalid(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            detail,
        )
        .with_errors(errors)
    }

    /// 400: one field of the request body is wrong.
    pub fn field(path: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let detail = if path.is_empty() {
            message.clone()
        } else {
            format!("{path}: {message}")
        };
        Problem::invalid(
            detail,
            vec![FieldError {
                path: path.to_string(),
                message,
            }],
        )
    }

    /// 400: a claim that cannot be evaluated; `errors` names each field.
    pub fn invalid_claim(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| {
                if e.path.is_empty() {
                    e.message.clone()
                } else {
                    format!("{}: {}", e.path, e.message)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-claim",
            "Invalid claim",
            detail,
        )
        .with_errors(errors)
    }

    /// 422: a policy text that does not check, with its diagnostics.
    pub fn policy_does_not_check(diagnostics: Vec<DiagnosticOut>) -> Self {
        let errors = diagnostics.iter().filter(|d| d.severity == "error").count();
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "policy-does-not-check",
            "The policy does not check",
            format!(
                "the policy has {errors} {}; see `diagnostics`",
                if errors == 1 { "error" } else { "errors" }
            ),
        )
        .with_diagnostics(diagnostics)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn too_large(what: &str, limit: usize, flag: &str) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request body too large",
            format!("{what} is larger than {limit} bytes (the server's {flag})"),
        )
    }

    pub fn unsupported_media(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let details = *self.0;
        let status =
            StatusCode::from_u16(details.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&details).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (name, value) in details.headers {
            headers.insert(name, value);
        }
        response.extensions_mut().insert(ProblemKind(details.slug));
        response
    }
}
