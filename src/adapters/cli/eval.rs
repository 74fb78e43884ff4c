//! `clause eval POLICY --claim FILE`: one verdict as JSON; `--claims FILE`: a
//! stream of claims, one record per line (see `batch`).

use clause::Decision;
use std::path::Path;

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY};

/// Loads the policy, printing why it cannot be used.
pub(super) fn policy_or_exit(path: &Path) -> Result<clause::Policy, i32> {
    match load_policy(path) {
        Ok(p) => Ok(p),
        Err(LoadError::Io(e)) => {
            eprintln!("error: {e}");
            Err(EXIT_POLICY)
        }
        Err(LoadError::Policy(d)) => {
            eprint!("{}", super::style::render(&d, super::style::Stream::Stderr));
            Err(EXIT_POLICY)
        }
    }
}

/// What judges a stream: one policy file, or the versions of a policy in a
/// folder, chosen line by line by the order date.
enum Judged {
    One(clause::Policy),
    Versions(clause::PolicySet, String),
}

/// `--claims`: every line gets a record; the summary goes to standard error.
pub fn batch(
    policy: &Path,
    policy_name: Option<&str>,
    claims: &Path,
    out: Option<&Path>,
    json_column: Option<&str>,
    threads: Option<u16>,
) -> i32 {
    let judged = if policy.is_dir() {
        match super::versions::set_or_exit(policy, policy_name) {
            Ok((set, name)) => Judged::Versions(set, name),
            Err(code) => return code,
        }
    } else {
        match policy_or_exit(policy) {
            Ok(p) => Judged::One(p),
            Err(code) => return code,
        }
    };
    let threads = threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    if claims == Path::new("-") && super::STDIN_READ.load(std::sync::atomic::Ordering::SeqCst) {
        eprintln!("error: cannot read the claims from standard input: the policy was read from it");
        return EXIT_INPUT;
    }
    // Send: the batch reads and writes on one of its pool's threads.
    // Unbuffered: the batch reads blocks of a mebibyte itself.
    let input: std::fs::File = if claims == Path::new("-") {
        match stdin_file() {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: cannot read standard input: {e}");
                return EXIT_INPUT;
            }
        }
    } else {
        match std::fs::File::open(claims) {
            // A directory opens on Unix, and fails only at the first read.
            Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => {
                eprintln!(
                    "error: cannot read {}: it is a directory (--claims takes a file of JSON lines or Parquet, or - for standard input)",
                    claims.display()
                );
                return EXIT_INPUT;
            }
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", claims.display());
                return EXIT_INPUT;
            }
        }
    };
    if let Some(out) = out {
        if same_file(&input, out) {
            eprintln!(
                "error: --out {} is the claims file itself (the same file, whatever its name): writing it would destroy the claims",
                out.display()
            );
            return EXIT_INPUT;
        }
    }
    let input: Box<dyn std::io::Read + Send> = match super::parquet::claims(claims, json_column) {
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
        Ok(Some(rows)) => match out.filter(|o| super::parquet::wants_parquet(Some(o))) {
            Some(out) => {
                return match &judged {
                    Judged::One(policy) => super::parquet::eval_to_parquet(out, threads, |f| {
                        clause::parquet::write_verdicts(policy, rows, f, threads)
                    }),
                    Judged::Versions(set, name) => {
                        super::parquet::eval_to_parquet(out, threads, |f| {
                            clause::parquet::write_verdicts_in(set, name, rows, f, threads)
                        })
                    }
                }
            }
            None => Box::new(rows),
        },
        Ok(None) if super::parquet::wants_parquet(out) => {
            eprintln!("error: --out *.parquet needs Parquet claims");
            return EXIT_INPUT;
        }
        Ok(None) => Box::new(input),
    };
    let write_failed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let output: Box<dyn std::io::Write + Send> = match out {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(Watched {
                inner: std::io::BufWriter::with_capacity(1 << 20, f),
                failed: write_failed.clone(),
            }),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", p.display());
                return EXIT_INPUT;
            }
        },
        None => Box::new(Watched {
            inner: std::io::BufWriter::with_capacity(1 << 20, std::io::stdout()),
            failed: write_failed.clone(),
        }),
    };
    let started = std::time::Instant::now();
    let result = match &judged {
        Judged::One(policy) => policy.evaluate_stream(input, output, threads),
        Judged::Versions(set, name) => set.evaluate_stream(name, input, output, threads),
    };
    match result {
        Ok(s) => {
            summary("lines", &s, started, threads);
            EXIT_OK
        }
        Err(e) if !write_failed.load(std::sync::atomic::Ordering::SeqCst) => {
            eprintln!("error: {e}");
            EXIT_INPUT
        }
        // The records could not be written: to `--out`, an input error (1); to
        // standard output, 74 as for every command, except a reader that went away.
        Err(e) => match out {
            Some(p) => {
                eprintln!("error: cannot write {}: {e}", p.display());
                EXIT_INPUT
            }
            None if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            None => {
                eprintln!("error: cannot write to standard output: {e}");
                super::EXIT_OUTPUT
            }
        },
    }
}

/// A writer that remembers whether a write to it failed, so that a failed run
/// can tell an error writing the records from one reading the claims.
struct Watched<W> {
    inner: W,
    failed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl<W: std::io::Write> Watched<W> {
    fn watch<T>(&self, result: std::io::Result<T>) -> std::io::Result<T> {
        if result.is_err() {
            self.failed.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        result
    }
}

impl<W: std::io::Write> std::io::Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let result = self.inner.write_all(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

/// Standard input as a file, so that its device and inode can be compared with
/// `--out` (`--claims - --out F < F`).
fn stdin_file() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(
        std::io::stdin().as_fd().try_clone_to_owned()?,
    ))
}

/// Whether `out` names the file `input` reads: the same device and inode, so
/// that a hard link, a symbolic link, another spelling of the path or standard
/// input redirected from the file are all caught. A file that does not exist
/// yet is not the input.
fn same_file(input: &std::fs::File, out: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (input.metadata(), std::fs::metadata(out)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// The run's summary on standard error (`unit`: lines or rows).
pub(super) fn summary(
    unit: &str,
    s: &clause::StreamSummary,
    started: std::time::Instant,
    threads: usize,
) {
    eprintln!(
        "{} {unit}: {} verdicts, {} errors ({} ms, {threads} {})",
        s.lines,
        s.verdicts,
        s.errors,
        started.elapsed().as_millis(),
        if threads == 1 { "thread" } else { "threads" },
    );
}

/// What `eval --fail-on` fails on, for scripts (`clause eval ... --fail-on deny && ship`).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// The claim is denied.
    Deny,
    /// The claim is not simply approved: review, partial or deny.
    Review,
}

impl FailOn {
    fn fails(self, decision: Decision) -> bool {
        match self {
            FailOn::Deny => decision == Decision::Deny,
            FailOn::Review => decision != Decision::Approve,
        }
    }
}

pub fn run(policy: &Path, claim: &Path, fail_on: Option<FailOn>) -> i32 {
    let policy = match policy_or_exit(policy) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let text = match read_claim(claim) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    // The verdict names the version of the policy that decided it, as the
    // server's verdicts do, so that an audit can replay it.
    let verdict = policy.evaluate(&text).map(|v| {
        let mut json = serde_json::to_value(&v).unwrap_or_default();
        if let Some(fields) = json.as_object_mut() {
            super::versions::stamp(fields, &policy);
        }
        (v.decision, json)
    });
    match verdict {
        Ok((decision, v)) => match serde_json::to_string_pretty(&v) {
            Ok(s) => {
                outln!("{s}");
                match fail_on {
                    Some(f) if f.fails(decision) => EXIT_INPUT,
                    _ => EXIT_OK,
                }
            }
            Err(e) => {
                eprintln!("error: cannot write the verdict: {e}");
                EXIT_INPUT
            }
        },
        Err(errors) => {
            super::report_claim_error(&errors);
            EXIT_INPUT
        }
    }
}

/// Reads one claim (`--claim FILE|-`), refusing one longer than a batch's
/// line may be (`clause::MAX_LINE_BYTES`, 64 MiB), so that a file
/// without end (`/dev/zero`) cannot take all memory.
pub(super) fn read_claim(path: &Path) -> Result<String, String> {
    let limit = clause::MAX_LINE_BYTES;
    let bytes = if path == Path::new("-") {
        super::read_stdin_limited("the claim", limit)?
    } else {
        std::fs::File::open(path)
            .and_then(|f| super::read_up_to(f, limit))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    if bytes.len() > limit {
        return Err(format!(
            "the claim is larger than {} MiB ({limit} bytes), the most a claim may be",
            limit >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|_| "the claim is not UTF-8 text".to_string())
}
