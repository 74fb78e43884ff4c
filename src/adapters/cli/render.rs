//! `clause render POLICY`: the customer-facing policy page, generated from the
//! file; `clause render DIR [--policy NAME] [--on DAY]`: the page of a version.

use std::path::Path;

use chrono::NaiveDate;
use clause::RenderFormat;

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY, EXIT_USAGE};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Html,
}

pub fn run(path: &Path, format: Format, name: Option<&str>, on: Option<NaiveDate>) -> i32 {
    let format = match format {
        Format::Markdown => RenderFormat::Markdown,
        Format::Html => RenderFormat::Html,
    };
    if path.is_dir() {
        return run_dir(path, format, name, on);
    }
    if name.is_some() {
        eprintln!(
            "error: --policy NAME picks a policy in a folder; {} is not a folder",
            path.display()
        );
        return EXIT_USAGE;
    }
    match load_policy(path) {
        Ok(policy) => {
            if let (Some(day), Some(from)) = (on, policy.effective_from()) {
                if from > day {
                    eprintln!(
                        "error: {} takes effect on {from}: it was not in force on {day}",
                        path.display()
                    );
                    return EXIT_INPUT;
                }
            }
            out!("{}", policy.render(format));
            EXIT_OK
        }
        Err(LoadError::Io(e)) => {
            eprintln!("error: {e}");
            EXIT_POLICY
        }
        Err(LoadError::Policy(d)) => {
            eprint!("{}", super::style::render(&d, super::style::Stream::Stderr));
            EXIT_POLICY
        }
    }
}

/// The page of a policy in a folder of versions: the newest, or the one in
/// force on `on` (the server's `GET /v1/policies/{name}/page?on=DAY`).
fn run_dir(dir: &Path, format: RenderFormat, name: Option<&str>, on: Option<NaiveDate>) -> i32 {
    let (set, name) = match super::versions::set_or_exit(dir, name) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let policy = match on {
        None => set.get(&name),
        Some(day) => set.in_force(&name, day),
    };
    match policy {
        Some(policy) => {
            out!("{}", policy.render(format));
            EXIT_OK
        }
        None => {
            let first = set
                .versions(&name)
                .first()
                .and_then(clause::Policy::effective_from)
                .map_or_else(String::new, |d| format!(" (the first took effect on {d})"));
            let day = on.map_or_else(String::new, |d| d.to_string());
            eprintln!("error: no version of `{name}` was in force on {day}{first}");
            EXIT_INPUT
        }
    }
}
