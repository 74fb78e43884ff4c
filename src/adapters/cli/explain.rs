//! `clause explain POLICY --claim FILE`: the verdict as sentences for the customer.

use std::path::Path;

use clause::ExplainFormat;

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY, WIDTH};

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
            eprint!("{}", d.render(WIDTH));
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
    let format = match format {
        Format::Text => ExplainFormat::Text,
        Format::Markdown => ExplainFormat::Markdown,
        Format::Json => ExplainFormat::Json,
    };
    match policy.explain(&text, format) {
        Ok(words) => {
            out!("{words}");
            EXIT_OK
        }
        Err(errors) => {
            super::report_claim_error(&errors);
            EXIT_INPUT
        }
    }
}
