//! `clause explain POLICY --claim FILE`: the verdict as sentences for the customer.

use std::path::Path;

use clause::tools::explain::{explain, ExplainFormat};

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

pub fn run(policy_path: &Path, claim_path: &Path, format: Format) -> i32 {
    let policy = match load_policy(policy_path) {
        Ok(p) => p,
        Err(LoadError::Io(e)) => {
            eprintln!("error: {e}");
            return EXIT_POLICY;
        }
        Err(LoadError::Policy(d)) => {
            eprint!("{}", super::style::render(&d, super::style::Stream::Stderr));
            return EXIT_POLICY;
        }
    };
    let text = match super::eval::read_claim(claim_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let mut claim = match clause::language::eval::decode(&text, &policy) {
        Ok(c) => c,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("error: invalid claim: {e}");
            }
            return EXIT_INPUT;
        }
    };
    // The order's id is not a fact the policy reads, but the customer knows their order by it.
    if claim.order.id.is_none() {
        claim.order.id = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| {
                v.pointer("/order/id")
                    .and_then(|i| i.as_str())
                    .map(str::to_string)
            });
    }
    let verdict = match clause::language::eval::evaluate(&policy, &claim) {
        Ok(v) => v,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("error: invalid claim: {e}");
            }
            return EXIT_INPUT;
        }
    };
    let format = match format {
        Format::Text => ExplainFormat::Text,
        Format::Markdown => ExplainFormat::Markdown,
        Format::Json => ExplainFormat::Json,
    };
    out!("{}", explain(&policy, &claim, &verdict, format));
    EXIT_OK
}
