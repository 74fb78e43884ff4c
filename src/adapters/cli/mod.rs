//! The `clause` command line: one file per subcommand.
//!
//! Exit codes (shared/contract/claim-facts.md): 0 the command did its job; 1 the
//! input was wrong (an invalid claim, errors in a checked policy); 2 a policy given
//! to `eval` does not check; 64 a usage error; 74 standard output could not be
//! written (a closed pipe is not an error: see `output`).

/// `println!` for standard output: a write error is kept and reported when the
/// command ends (`output::finish`), and a closed pipe is quiet.
macro_rules! outln {
    () => {
        $crate::adapters::cli::output::write(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::adapters::cli::output::write(format_args!($($arg)*), true)
    };
}

/// `print!` to standard output, with the error handling of [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::adapters::cli::output::write(format_args!($($arg)*), false)
    };
}

mod calendar;
mod cases;
mod check;
mod diff;
mod eval;
mod explain;
mod fmt;
mod map;
pub(crate) mod output;
mod parquet;
mod playground;
mod render;
mod sarif;
mod style;
mod test;
mod version;
mod versions;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{CommandFactory as _, Parser, Subcommand};

use clause::{Diagnostics, Policy, Source};

/// `--on DAY`: exactly `YYYY-MM-DD`, as claims write a day.
fn day(text: &str) -> Result<chrono::NaiveDate, String> {
    clause::parse_day(text).ok_or_else(|| format!("`{text}` is not a day (YYYY-MM-DD)"))
}

pub const EXIT_OK: i32 = 0;
pub const EXIT_INPUT: i32 = 1;
pub const EXIT_POLICY: i32 = 2;
pub const EXIT_USAGE: i32 = 64;
/// Standard output could not be written (sysexits' `EX_IOERR`).
pub const EXIT_OUTPUT: i32 = 74;

#[derive(Parser)]
#[command(
    name = "clause",
    version = version::LONG,
    about = "Check merchants' refund, return and shipping policies and evaluate claims against them"
)]
struct Cli {
    /// The file name a policy read from standard input (`-`) goes by, in
    /// diagnostics and for finding its clause.toml
    #[arg(long, global = true, value_name = "NAME")]
    stdin_filename: Option<String>,
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
        /// Also report info-level lint findings (overlapping rules) in the human, github and sarif formats (json always has them)
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
        #[arg(long = "policy", value_name = "NAME")]
        policy_name: Option<String>,
        /// One claim as JSON; `-` reads standard input
        #[arg(long, required_unless_present = "claims", conflicts_with = "claims")]
        claim: Option<PathBuf>,
        /// Claims as JSON lines, one per line, or a Parquet file (one claim per
        /// row); `-` reads standard input. Writes one record per line or row, in
        /// order: a verdict or an error record. With a directory of versions,
        /// each line is judged by the version in force when its order was placed
        #[arg(long)]
        claims: Option<PathBuf>,
        /// With --claims: where to write the records (standard output by default);
        /// a name ending in .parquet writes a Parquet table (Parquet claims only)
        #[arg(long, requires = "claims", conflicts_with = "claim")]
        out: Option<PathBuf>,
        /// With --claim: exit 1 when the decision is this (or, for `review`, needs a
        /// person or is worse: review, partial, deny); the verdict is printed all the same
        #[arg(long, value_enum, requires = "claim", conflicts_with = "claims")]
        fail_on: Option<eval::FailOn>,
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
        /// The policy file, or a directory holding the versions of a policy (`effective from`): the page of its newest version, or with --on of the version in force that day
        policy: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = render::Format::Markdown)]
        format: render::Format,
        /// With a directory holding several policies: the policy's name
        #[arg(long = "policy", value_name = "NAME")]
        policy_name: Option<String>,
        /// The page of the version in force on this day (YYYY-MM-DD): the newest that took effect on or before it
        #[arg(long, value_name = "DAY", value_parser = day)]
        on: Option<chrono::NaiveDate>,
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
        /// Write nothing: print every change as a unified diff, and exit 1 if there is any
        #[arg(long, conflicts_with = "check")]
        diff: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff, for `man -l -`) to standard output: clause's, or with COMMAND that command's; --dir writes every page
    Man {
        /// The command whose page to print (`check` prints clause-check(1))
        command: Option<String>,
        /// Write every page (clause.1 and one page per command, clause-check.1 ...) into this directory instead
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
    /// Draft cases for a policy: --boundaries (each side of every window, day, amount and weight edge, with today's verdict) or --new (a starting cases file)
    #[command(group(clap::ArgGroup::new("what").required(true).args(["boundaries", "new"])))]
    Cases {
        /// The policy file
        policy: PathBuf,
        /// Print draft boundary cases as a cases file (JSON) to review
        #[arg(long)]
        boundaries: bool,
        /// Write POLICY's cases file (NAME.cases.json beside it) with one filled-in claim
        #[arg(long)]
        new: bool,
        /// With --boundaries: the claim to start from (default: the first case of the cases file beside the policy)
        #[arg(long, requires = "boundaries")]
        claim: Option<PathBuf>,
        /// With --boundaries: output format
        #[arg(long, value_enum, default_value_t = cases::Format::Json, requires = "boundaries")]
        format: cases::Format,
    },
    /// The playground page (docs/playground.md) on the bundled policies: starts the server, prints its address and opens it
    Playground {
        /// Serve the policies in this directory instead of the bundled ones
        #[arg(long)]
        policies: Option<PathBuf>,
        /// Address to listen on (port 0 picks a free port)
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: std::net::SocketAddr,
        /// Let the page write cases files beside the policies (see `clause serve --allow-write`)
        #[arg(long)]
        allow_write: bool,
        /// Print the address without opening a browser
        #[arg(long)]
        no_open: bool,
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
    /// Serve verdicts over HTTP for every policy in a directory (docs/server.md)
    Serve(crate::adapters::serve::Args),
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
        /// Run only the cases whose name contains this text (coverage and stale
        /// snapshots are then not reported)
        #[arg(long, value_name = "NAME", conflicts_with_all = ["accept", "min_coverage"])]
        filter: Option<String>,
        /// Fail when a policy's rule coverage is below this percentage
        #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u32).range(0..=100))]
        min_coverage: Option<u32>,
    },
    /// The language server for editors, over standard input and output (docs/editors.md)
    Lsp {
        /// Accepted for clients that name the transport; standard input and output is the only one
        #[arg(long)]
        stdio: bool,
    },
}

/// Runs the command line; returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            return match e.kind() {
                // Help and the version go to standard output, with its write
                // errors reported as for every command.
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    let text = e.render();
                    if style::colour(style::Stream::Stdout) {
                        out!("{}", text.ansi());
                    } else {
                        out!("{text}");
                    }
                    output::finish(EXIT_OK)
                }
                _ => {
                    let _ = e.print();
                    EXIT_USAGE
                }
            };
        }
    };
    if let Some(name) = cli.stdin_filename {
        let _ = STDIN_NAME.set(name);
    }
    let code = dispatch(cli.command);
    output::finish(code)
}

fn dispatch(command: Command) -> i32 {
    match command {
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
            fail_on,
        } => match (claim, claims) {
            _ if policy_name.is_some() && !policy.is_dir() => {
                eprintln!(
                    "error: --policy NAME picks a policy in a folder; {} is not a folder",
                    policy.display()
                );
                EXIT_USAGE
            }
            (Some(_), _) if policy.is_dir() && fail_on.is_some() => {
                eprintln!("error: --fail-on is for one policy file, not a folder of versions");
                EXIT_USAGE
            }
            (Some(claim), _) if policy.is_dir() => {
                versions::run(&policy, policy_name.as_deref(), &claim)
            }
            (Some(claim), _) => eval::run(&policy, &claim, fail_on),
            (None, Some(claims)) => eval::batch(
                &policy,
                policy_name.as_deref(),
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
        Command::Render {
            policy,
            format,
            policy_name,
            on,
        } => render::run(&policy, format, policy_name.as_deref(), on),
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
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "clause", &mut buf);
            out!("{}", String::from_utf8_lossy(&buf));
            EXIT_OK
        }
        Command::Man { command, dir } => man(command.as_deref(), dir.as_deref()),
        Command::Fmt { paths, check, diff } => fmt::run(
            &paths,
            match (check, diff) {
                (_, true) => fmt::Mode::Diff,
                (true, false) => fmt::Mode::Check,
                (false, false) => fmt::Mode::Write,
            },
        ),
        Command::Cases {
            policy,
            boundaries,
            new,
            claim,
            format,
        } => {
            if new && !boundaries {
                cases::new(&policy)
            } else {
                cases::boundaries(&policy, claim.as_deref(), format)
            }
        }
        Command::Map {
            policy,
            page,
            format,
        } => map::run(&policy, page.as_deref(), format),
        Command::Calendar(args) => calendar::run(&args),
        Command::Serve(args) => crate::adapters::serve::run(args),
        Command::Playground {
            policies,
            addr,
            allow_write,
            no_open,
        } => playground::run(playground::Options {
            policies,
            addr,
            allow_write,
            open: !no_open,
        }),
        Command::Test {
            paths,
            format,
            accept,
            filter,
            min_coverage,
        } => test::run(&test::Options {
            paths,
            format,
            accept,
            filter,
            min_coverage,
            ci: std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0"),
        }),
        Command::Lsp { stdio: _ } => super::lsp::run(),
    }
}

/// `clause man`: the page of clause or of one command on standard output, or
/// every page (clause.1, clause-check.1, ...) written into `dir`.
fn man(command: Option<&str>, dir: Option<&Path>) -> i32 {
    // As clap_mangen names the pages: the `help` command has none.
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    if let Some(dir) = dir {
        let written = std::fs::create_dir_all(dir).and_then(|()| {
            let mut pages = Vec::new();
            let mut stack = vec![cli];
            while let Some(cmd) = stack.pop() {
                stack.extend(cmd.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
                pages.push(man_page(cmd).generate_to(dir)?);
            }
            Ok(pages)
        });
        return match written {
            Ok(mut pages) => {
                pages.sort();
                for p in &pages {
                    outln!("wrote {}", p.display());
                }
                EXIT_OK
            }
            Err(e) => {
                eprintln!(
                    "error: cannot write the manual pages into {}: {e}",
                    dir.display()
                );
                EXIT_INPUT
            }
        };
    }
    let page = match command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) if !sub.is_hide_set() => sub.clone(),
            _ => {
                let names: Vec<&str> = cli
                    .get_subcommands()
                    .filter(|c| !c.is_hide_set())
                    .map(clap::Command::get_name)
                    .collect();
                eprintln!(
                    "error: `{name}` is not a clause command; the commands are: {}",
                    names.join(", ")
                );
                return EXIT_USAGE;
            }
        },
    };
    let mut buf = Vec::new();
    match man_page(page).render(&mut buf) {
        Ok(()) => {
            out!("{}", String::from_utf8_lossy(&buf));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write the manual page: {e}");
            EXIT_OUTPUT
        }
    }
}

/// The manual page of `cmd`, each naming clause and its version as its source.
fn man_page(cmd: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(cmd).source(format!("clause {}", env!("CARGO_PKG_VERSION")))
}

/// The name of what `-` reads (`--stdin-filename`).
pub(crate) static STDIN_NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
/// Whether standard input has been read already: it can be read only once.
static STDIN_READ: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The name a policy read from standard input goes by: `--stdin-filename`, or `<stdin>`.
pub(crate) fn stdin_name() -> &'static str {
    STDIN_NAME.get().map_or("<stdin>", String::as_str)
}

/// Takes standard input for `what`: an error when it was taken already.
fn claim_stdin(what: &str) -> Result<(), String> {
    if STDIN_READ.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return Err(format!(
            "cannot read {what} from standard input: `-` is given twice, and standard input can be read once"
        ));
    }
    Ok(())
}

/// All of standard input, once; `what` names it in errors.
pub(crate) fn read_stdin(what: &str) -> Result<Vec<u8>, String> {
    read_stdin_limited(what, usize::MAX)
}

/// Standard input, once, up to `limit` bytes and one more (so that the
/// caller can tell a longer input); `what` names it in errors.
pub(crate) fn read_stdin_limited(what: &str, limit: usize) -> Result<Vec<u8>, String> {
    claim_stdin(what)?;
    read_up_to(std::io::stdin().lock(), limit)
        .map_err(|e| format!("cannot read {what} from standard input: {e}"))
}

/// All of `reader` up to `limit` bytes and one more, so that the caller can
/// tell a longer input without reading one that never ends.
pub(crate) fn read_up_to(reader: impl std::io::Read, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a policy file into a [`Source`] named by its path as given; `-` reads
/// standard input, named by `--stdin-filename`.
/// Either is refused past `clause::MAX_POLICY_BYTES`.
pub(crate) fn read_source(path: &Path) -> Result<Source, String> {
    if path.as_os_str() == "-" {
        claim_stdin("the policy")?;
        let name = stdin_name().to_string();
        let text = clause::read_policy_text(std::io::stdin().lock(), &name)?;
        return Ok(Source::new(name, text));
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let text = clause::read_policy_text(file, &name)?;
    Ok(Source::new(name, text))
}

/// Reads and checks a policy.
pub(crate) fn load_policy(path: &Path) -> Result<Policy, LoadError> {
    let loaded = if path.as_os_str() == "-" {
        let source = read_source(path).map_err(LoadError::Io)?;
        Policy::from_text(&source.name, &source.text)
    } else {
        Policy::load(path)
    };
    loaded.map_err(|e| match e {
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
        if path.as_os_str() == "-" {
            // Standard input, read by whoever reads the file.
            files.push(path);
        } else if path.is_dir() {
            if !walked.insert(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone())) {
                continue;
            }
            match std::fs::read_dir(&path) {
                Ok(entries) => {
                    let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                    children.sort();
                    for c in children.into_iter().rev() {
                        if c.is_dir() {
                            stack.push(c);
                        } else if c.to_string_lossy().ends_with(suffix) {
                            if c.is_file() {
                                stack.push(c);
                            } else {
                                // A named pipe would hold the walk up until
                                // something wrote to it.
                                problems.push(format!(
                                    "{} is {}",
                                    c.display(),
                                    clause::NOT_A_REGULAR_FILE
                                ));
                            }
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
