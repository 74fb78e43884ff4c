//! `clause render POLICY`: the customer-facing policy page, generated from the file.

use std::path::Path;

use clause::RenderFormat;

use super::{load_policy, LoadError, EXIT_OK, EXIT_POLICY, WIDTH};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Html,
}

pub fn run(path: &Path, format: Format) -> i32 {
    match load_policy(path) {
        Ok(policy) => {
            let format = match format {
                Format::Markdown => RenderFormat::Markdown,
                Format::Html => RenderFormat::Html,
            };
            out!("{}", policy.render(format));
            EXIT_OK
        }
        Err(LoadError::Io(e)) => {
            eprintln!("error: {e}");
            EXIT_POLICY
        }
        Err(LoadError::Policy(d)) => {
            eprint!("{}", d.render(WIDTH));
            EXIT_POLICY
        }
    }
}
