//! The `clause` command line: one file per subcommand.
//!
//! Exit codes (shared/contract/claim-facts.md): 0 the command did its job; 1 the
//! input was wrong (an invalid claim, errors in a checked policy); 2 a policy given
//! to `eval` does not check; 64 a usage error.

/// `println!` for standard output that does not panic when the reader has gone
/// away (`clause eval ... | head`): a closed pipe is not worth a crash.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` to standard output, tolerating a closed pipe like [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod calendar;
mod check;
mod diff;
mod eval;
mod explain;
mod fmt;
mod map;
mod parquet;
mod render;
mod sarif;
mod test;
mod versions;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use clause::{Diagnostics, Policy, Source};

pub const EXIT_OK: i32 = 0;
pub const EXIT_INPUT: i32 = 1;
pub const EXIT_POLICY: i32 = 2;
pub const EXIT_USAGE: i32 = 64;

#[derive(Parser)]
#[command(
    name = "clause",
    version,
    about = "Check merchants' refund, return and shipping policies and evaluate claims against them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files (or every .policy file under a directory)
    Check {
        /// Policy files or directories
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = check::CheckFormat::Human)]
        format: check::CheckFormat,
        /// `--deny warnings`: treat every lint warning as an error (for CI)
        #[arg(long, value_enum)]
        deny: Option<check::DenyWhat>,
        /// Lint settings to use instead of the nearest clause.toml
        #[arg(long)]
        config: Option<PathBuf>,
        /// Also show info-level lint findings (overlapping rules) in the human and github formats
        #[arg(long)]
        info: bool,
        /// Only check; run no lints
        #[arg(long, conflicts_with_all = ["deny", "info"])]
        no_lints: bool,
        /// The merchant's page (plain text) to hold the policies against: quotes no
        /// longer on it are errors, sentences nothing accounts for are warnings (by
        /// default each policy's own `# clause: page "..."`)
        #[arg(long, conflicts_with = "no_lints")]
        page: Option<PathBuf>,
    },
    /// Evaluate a claim (or a stream of claims) against a policy; verdicts are JSON
    Eval {
        /// The policy file, or a directory holding the versions of a policy
        /// (`effective from`): the claim is judged by the version in force when
        /// its order was placed
        policy: PathBuf,
        /// With a directory holding several policies: the policy's name
        #[arg(long = "policy", value_name = "NAME", conflicts_with = "claims")]
        policy_name: Option<String>,
        /// One claim as JSON; `-` reads standard input
        #[arg(long, required_unless_present = "claims", conflicts_with = "claims")]
        claim: Option<PathBuf>,
        /// Claims as JSON lines, one per line, or a Parquet file (one claim per
        /// row); `-` reads standard input. Writes one record per line or row, in
        /// order: a verdict or an error record
        #[arg(long)]
        claims: Option<PathBuf>,
        /// With --claims: where to write the records (standard output by default);
        /// a name ending in .parquet writes a Parquet table (Parquet claims only)
        #[arg(long, requires = "claims", conflicts_with = "claim")]
        out: Option<PathBuf>,
        /// With Parquet claims: the column holding each claim's JSON text (by
        /// default each row's columns are the claim's fields)
        #[arg(long, requires = "claims")]
        json_column: Option<String>,
        /// With --claims: threads to evaluate on (all cores by default)
        #[arg(long, requires = "claims", conflicts_with = "claim", value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
    },
    /// The verdict for a claim as plain sentences a support agent can send the customer
    Explain {
        /// The policy file
        policy: PathBuf,
        /// The claim as JSON; `-` reads standard input
        #[arg(long)]
        claim: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = explain::Format::Text)]
        format: explain::Format,
    },
    /// The customer-facing policy page, generated from the file (Markdown or standalone HTML)
    Render {
        /// The policy file
        policy: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = render::Format::Markdown)]
        format: render::Format,
    },
    /// What changes between two versions of a policy: in the file, and (with --claims) on past claims replayed under both
    Diff {
        /// The policy as it is
        old: PathBuf,
        /// The policy as it would be
        new: PathBuf,
        /// Past claims as JSON lines or a Parquet file to replay under both; `-`
        /// reads standard input
        #[arg(long)]
        claims: Option<PathBuf>,
        /// With Parquet claims: the column holding each claim's JSON text
        #[arg(long, requires = "claims")]
        json_column: Option<String>,
        /// Output format (markdown suits a pull-request comment)
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Human)]
        format: diff::DiffFormat,
        /// Fail (exit 1) when the replay finds this; may be given several times
        #[arg(long, value_enum)]
        fail_on: Vec<diff::Guard>,
        /// Example claims to list for each group
        #[arg(long, default_value_t = 3)]
        examples: usize,
        /// Threads to replay on (all cores by default)
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
    },
    /// Rewrite policy files in the canonical layout (comments kept); --check only reports
    Fmt {
        /// Policy files or directories; `-` formats standard input to standard output
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write nothing: list the files that would change and exit 1 if there are any
        #[arg(long)]
        check: bool,
    },
    /// The merchant's page beside the policy: each sentence with the rules that quote it, and quotes no longer on the page
    Map {
        /// The policy file
        policy: PathBuf,
        /// The page as plain text (by default the one the policy declares with `# clause: page "..."`)
        #[arg(long)]
        page: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = map::Format::Text)]
        format: map::Format,
    },
    /// The bundled holiday calendars: one calendar's holidays in a year, or --list
    Calendar(calendar::Args),
    /// Run the cases files (*.cases.json) beside policies: expectations, verdict snapshots, rule coverage
    Test {
        /// Cases files or directories
        #[arg(default_value = "policies")]
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = test::TestFormat::Human)]
        format: test::TestFormat,
        /// Record new and changed verdict snapshots (refused when CI is set)
        #[arg(long)]
        accept: bool,
        /// Fail when a policy's rule coverage is below this percentage
        #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u32).range(0..=100))]
        min_coverage: Option<u32>,
    },
}

/// Runs the command line; returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    EXIT_OK
                }
                _ => EXIT_USAGE,
            };
        }
    };
    match cli.command {
        Command::Check {
            paths,
            format,
            deny,
            config,
            info,
            no_lints,
            page,
        } => check::run(
            &paths,
            format,
            &check::LintOptions {
                deny_warnings: deny.is_some(),
                config,
                show_info: info,
                enabled: !no_lints,
                page,
            },
        ),
        Command::Eval {
            policy,
            policy_name,
            claim,
            claims,
            out,
            json_column,
            threads,
        } => match (claim, claims) {
            (Some(claim), _) if policy.is_dir() => {
                versions::run(&policy, policy_name.as_deref(), &claim)
            }
            (Some(claim), _) => eval::run(&policy, &claim),
            (None, Some(claims)) => eval::batch(
                &policy,
                &claims,
                out.as_deref(),
                json_column.as_deref(),
                threads,
            ),
            (None, None) => EXIT_USAGE,
        },
        Command::Explain {
            policy,
            claim,
            format,
        } => explain::run(&policy, &claim, format),
        Command::Render { policy, format } => render::run(&policy, format),
        Command::Diff {
            old,
            new,
            claims,
            json_column,
            format,
            fail_on,
            examples,
            threads,
        } => diff::run(&diff::Options {
            old,
            new,
            claims,
            json_column,
            format,
            fail_on,
            examples,
            threads,
        }),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Map {
            policy,
            page,
            format,
        } => map::run(&policy, page.as_deref(), format),
        Command::Calendar(args) => calendar::run(&args),
        Command::Test {
            paths,
            format,
            accept,
            min_coverage,
        } => test::run(&test::Options {
            paths,
            format,
            accept,
            min_coverage,
            ci: std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0"),
        }),
    }
}

/// Reads a policy file into a [`Source`] named by its path as given.
pub(crate) fn read_source(path: &Path) -> Result<Source, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))?;
    Ok(Source::new(path.display().to_string(), text))
}

/// Reads and checks a policy.
pub(crate) fn load_policy(path: &Path) -> Result<Policy, LoadError> {
    Policy::load(path).map_err(|e| match e {
        clause::LoadError::Io { message, .. } => LoadError::Io(message),
        clause::LoadError::Invalid(d) => LoadError::Policy(*d),
    })
}

/// Prints each problem of an invalid claim, naming its JSON path.
pub(crate) fn report_claim_error(errors: &clause::ClaimError) {
    for p in &errors.problems {
        if p.path.is_empty() {
            eprintln!("error: invalid claim: {}", p.message);
        } else {
            eprintln!("error: invalid claim: {}: {}", p.path, p.message);
        }
    }
}

pub(crate) enum LoadError {
    Io(String),
    Policy(Diagnostics),
}

/// The width diagnostics are drawn at.
pub(crate) const WIDTH: usize = 100;

/// Files under `paths` (files given directly, or found in directories) whose
/// names end with `suffix`, sorted; and the paths that could not be read.
pub(crate) fn collect_files(paths: &[PathBuf], suffix: &str) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    // Folders already walked, by their real path: a link back up cannot loop.
    let mut walked: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if !walked.insert(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone())) {
                continue;
            }
            match std::fs::read_dir(&path) {
                Ok(entries) => {
                    let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                    children.sort();
                    for c in children.into_iter().rev() {
                        if c.is_dir() || c.to_string_lossy().ends_with(suffix) {
                            stack.push(c);
                        }
                    }
                }
                Err(e) => problems.push(format!("cannot read {}: {e}", path.display())),
            }
        } else if path.exists() {
            // `./x.policy` is shown as `x.policy`.
            files.push(
                path.strip_prefix(".")
                    .map(Path::to_path_buf)
                    .unwrap_or(path),
            );
        } else {
            problems.push(format!("{} does not exist", path.display()));
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}
