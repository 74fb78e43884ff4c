//! The OpenAPI 3.1 document at `/openapi.json`, generated from the handlers'
//! `#[utoipa::path]` annotations and the answer types.
//!
//! The claim and verdict schemas are the contract's own (docs/schema): each is
//! put in `components/schemas` as `Claim` and `Verdict`, its `$defs` moved to
//! components of their own (`Claim.money`, `Verdict.fee`, ...) with every
//! `$ref` rewritten to point there.

use std::sync::OnceLock;

use serde_json::Value;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api::{self, ops, policies, tools};
use super::engine::FieldError;
use super::problem::Details;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "clause serve",
        description = "Verdicts for refund, return and shipping claims under merchants' policies (docs/server.md). Errors are RFC 9457 problem details.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        ops::healthz, ops::readyz, ops::metrics, ops::openapi, ops::claim_schema, ops::verdict_schema,
        policies::list, policies::detail, policies::page, policies::evaluate, policies::explain,
        tools::check, tools::fmt, tools::evaluate, tools::render, tools::map, tools::cases_run,
        tools::cases_boundaries, policies::save_cases,
    ),
    components(schemas(
        Details, FieldError, api::Claim, api::Verdict, api::DiagnosticOut, api::LabelOut,
        api::CheckResult, api::Formatted, api::PolicyText, api::EvaluateRequest, api::Evaluated,
        api::CasesRequest, api::CasesRun, api::Boundaries, api::SaveCasesRequest, api::Saved, api::CaseResult, api::CoverageItem, api::PolicyList,
        api::PolicySummary, api::PolicyDetail, api::Refusal, api::Health, api::Timeline,
        api::VersionOut, api::VersionedPolicy, api::VersionConflictOut,
        api::TimelineEvent, api::TimelineWindow, api::TimelineSpan, api::TimelineHoliday,
        api::MapRequest, api::PageMapOut, api::MapSentenceStatus, api::MapSentence,
        api::MapSentenceKind, api::MapNote, api::MapNoteKind, api::MapQuoteStatus, api::MapQuote,
        api::MapSummary,
    )),
    modifiers(&Bearer),
    tags(
        (name = "policies", description = "The policies the server serves"),
        (name = "tools", description = "Policy texts sent with the request (the playground, editors)"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    ),
)]
struct Doc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document, built once.
pub fn document() -> &'static [u8] {
    static DOC: OnceLock<Vec<u8>> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(Doc::openapi()).unwrap_or(Value::Null);
        for (name, text) in [
            ("Claim", ops::CLAIM_SCHEMA),
            ("Verdict", ops::VERDICT_SCHEMA),
        ] {
            if let Ok(schema) = serde_json::from_str::<Value>(text) {
                install(&mut doc, name, schema);
            }
        }
        serde_json::to_vec(&doc).unwrap_or_default()
    })
}

/// Puts a contract schema into `components/schemas` under `name`, with its
/// `$defs` as `name.def` components.
fn install(doc: &mut Value, name: &str, mut schema: Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let defs = schema
        .as_object_mut()
        .and_then(|s| {
            s.remove("$schema");
            s.remove("$id");
            s.remove("$defs")
        })
        .and_then(|d| match d {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    let rewrite = |v: &mut Value| rewrite_refs(v, name);
    rewrite(&mut schema);
    schemas.insert(name.to_string(), schema);
    for (def, mut value) in defs {
        rewrite(&mut value);
        schemas.insert(format!("{name}.{def}"), value);
    }
}

fn rewrite_refs(v: &mut Value, name: &str) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some(def) = r.strip_prefix("#/$defs/") {
                    *r = format!("#/components/schemas/{name}.{def}");
                }
            }
            for value in map.values_mut() {
                rewrite_refs(value, name);
            }
        }
        Value::Array(items) => {
            for value in items {
                rewrite_refs(value, name);
            }
        }
        _ => {}
    }
}
