//! `clause render POLICY`: the customer-facing policy page, generated from the file.

use std::path::Path;

use clause::tools::render::{render, RenderFormat};

use super::{read_source, EXIT_OK, EXIT_POLICY};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Html,
}

pub fn run(path: &Path, format: Format) -> i32 {
    let source = match read_source(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_POLICY;
        }
    };
    let checked = clause::parse(&source)
        .and_then(|ast| clause::language::check::check(&ast, &source).map(|p| (ast, p)));
    match checked {
        Ok((ast, policy)) => {
            let format = match format {
                Format::Markdown => RenderFormat::Markdown,
                Format::Html => RenderFormat::Html,
            };
            out!("{}", render(&ast, &policy, format));
            EXIT_OK
        }
        Err(d) => {
            eprint!("{}", super::style::render(&d, super::style::Stream::Stderr));
            EXIT_POLICY
        }
    }
}
