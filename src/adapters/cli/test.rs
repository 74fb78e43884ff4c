//! `clause test [PATH...]`: run the cases files (`*.cases.json`) beside policies,
//! compare verdict snapshots, and report rule coverage.

use std::path::{Path, PathBuf};

use clause::cases::{run_file, FileReport, SnapshotMode, SnapshotStatus};

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
}

/// The version of the JSON this command writes (docs/schema/test.schema.json).
const FORMAT_VERSION: u32 = 1;

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: TestFormat,
    pub accept: bool,
    /// Run only the cases whose name contains this.
    pub filter: Option<String>,
    pub min_coverage: Option<u32>,
    /// Running in CI (`CI` set to anything but `false`/`0`): never write a snapshot.
    pub ci: bool,
}

pub fn run(opts: &Options) -> i32 {
    if opts.accept && opts.ci {
        eprintln!("error: refusing to record snapshots in CI (CI is set); run `clause test --accept` locally and commit the snapshots");
        return EXIT_INPUT;
    }
    let (files, mut problems) = super::collect_files(&opts.paths, ".cases.json");
    if files.is_empty() && problems.is_empty() {
        problems.push("no *.cases.json files found".to_string());
    }
    let mode = if opts.accept {
        SnapshotMode::Accept
    } else if opts.ci {
        SnapshotMode::VerifyReadOnly
    } else {
        SnapshotMode::Verify
    };
    let mut reports = Vec::new();
    let mut named: Vec<PathBuf> = Vec::new();
    // Policies named by a cases file whose cases did not run, with why.
    let mut not_run: Vec<(PathBuf, &'static str)> = Vec::new();
    let mut policy_broken = false;
    for f in &files {
        let mut file = match clause::cases::load(f) {
            Ok(c) => c,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let policy_path = f.parent().unwrap_or(Path::new(".")).join(&file.policy);
        named.push(policy_path.clone());
        // A cases file names a file beside it: a named pipe there would be
        // waited on for ever.
        if policy_path.exists() && !policy_path.is_file() {
            problems.push(format!(
                "{} is {}",
                policy_path.display(),
                clause::NOT_A_REGULAR_FILE
            ));
            not_run.push((policy_path, UNREADABLE));
            policy_broken = true;
            continue;
        }
        let policy = match load_policy(&policy_path) {
            Ok(p) => p,
            Err(LoadError::Io(e)) => {
                problems.push(e);
                not_run.push((policy_path, UNREADABLE));
                policy_broken = true;
                continue;
            }
            Err(LoadError::Policy(d)) => {
                eprint!("{}", super::style::render(&d, super::style::Stream::Stderr));
                let n = d.items.len();
                problems.push(format!(
                    "{}: the policy does not check ({n} {})",
                    policy_path.display(),
                    if n == 1 { "error" } else { "errors" }
                ));
                not_run.push((policy_path, DOES_NOT_CHECK));
                policy_broken = true;
                continue;
            }
        };
        if let Some(filter) = &opts.filter {
            file.cases.retain(|c| c.name.contains(filter.as_str()));
            if file.cases.is_empty() {
                continue;
            }
        }
        match run_file(f, &file, &policy, mode) {
            Ok(mut r) => {
                if opts.filter.is_some() {
                    // The other cases were not run: their snapshots are not stale.
                    r.stale.clear();
                }
                reports.push(r);
            }
            Err(e) => {
                problems.push(e);
                not_run.push((policy_path, CASES_NOT_RUN));
            }
        }
    }
    if let Some(filter) = &opts.filter {
        if reports.iter().all(|r| r.cases.is_empty()) && problems.is_empty() {
            problems.push(format!("no case name contains `{filter}`"));
        }
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    let (untested, not_run) = if opts.filter.is_some() {
        (Vec::new(), Vec::new())
    } else {
        (
            untested_policies(&opts.paths, &named),
            without_reports(not_run, &reports),
        )
    };
    let passed: usize = reports.iter().map(FileReport::passed).sum();
    let failed: usize = reports.iter().map(FileReport::failed).sum();
    // Coverage below the minimum, one line per policy (a policy with no cases,
    // or none that ran, is at 0%).
    let mut below: Vec<String> = Vec::new();
    if let Some(min) = opts.min_coverage {
        // Coverage is a policy's: cases files for the same policy count together.
        for (policy, percent) in coverage_by_policy(&reports) {
            if percent < min {
                below.push(format!(
                    "{}: coverage {percent}% is below {min}%",
                    policy.display()
                ));
            }
        }
        let zero = not_run
            .iter()
            .map(|(p, why)| (p, *why))
            .chain(untested.iter().map(|p| (p, UNTESTED)));
        for (p, why) in zero.filter(|_| min > 0) {
            below.push(format!("{}: {why} (0% is below {min}%)", p.display()));
        }
    }
    let summary = Summary {
        passed,
        failed,
        problems: &problems,
        below: &below,
        untested: &untested,
        not_run: &not_run,
        filtered: opts.filter.is_some(),
    };
    match opts.format {
        TestFormat::Human => human(&reports, opts.min_coverage, &summary),
        TestFormat::Json => json(&reports, &summary),
        TestFormat::Junit => junit(&reports, &summary),
    }
    if policy_broken {
        EXIT_POLICY
    } else if failed > 0 || !problems.is_empty() || !below.is_empty() {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// What the whole run found, beside each file's report.
struct Summary<'a> {
    passed: usize,
    failed: usize,
    /// Files that could not be used (a cases file that does not read, a missing path).
    problems: &'a [String],
    /// Policies below `--min-coverage`.
    below: &'a [String],
    /// Policy files under the given folders that no cases file tests.
    untested: &'a [PathBuf],
    /// Policies a cases file names none of whose cases ran, with why: each is
    /// at 0%, never left out of the coverage.
    not_run: &'a [(PathBuf, &'static str)],
    /// Only some cases ran (`--filter`): coverage is not reported, since the
    /// cases left out would have reached rules of their own.
    filtered: bool,
}

/// Each policy's coverage over all the cases files that test it: a rule or an
/// exception is covered when any of them reaches it.
fn coverage_by_policy(reports: &[FileReport]) -> Vec<(PathBuf, u32)> {
    /// A policy's real path, its path as shown, and each rule or exception with whether it is covered.
    type Merged = (PathBuf, PathBuf, Vec<(String, bool)>);
    let mut merged: Vec<Merged> = Vec::new();
    for r in reports {
        let dir = r.file.parent().unwrap_or(Path::new("."));
        let shown = dir.join(&r.policy);
        let key = std::fs::canonicalize(&shown).unwrap_or_else(|_| shown.clone());
        let items: Vec<(String, bool)> = r
            .coverage
            .rules
            .iter()
            .chain(r.coverage.exceptions.iter())
            .map(|i| (i.name.clone(), i.covered))
            .collect();
        match merged.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, acc)) => {
                for (a, (_, covered)) in acc.iter_mut().zip(items) {
                    a.1 |= covered;
                }
            }
            None => merged.push((key, shown, items)),
        }
    }
    merged
        .into_iter()
        .map(|(_, shown, items)| {
            let covered = items.iter().filter(|(_, c)| *c).count();
            let percent = (covered * 100)
                .checked_div(items.len())
                .map_or(100, |p| u32::try_from(p).unwrap_or(100));
            (shown, percent)
        })
        .collect()
}

/// Why a policy is at 0%.
const UNTESTED: &str = "no cases file tests this policy";
const DOES_NOT_CHECK: &str = "none of its cases ran: the policy does not check";
const UNREADABLE: &str = "none of its cases ran: the policy cannot be read";
const CASES_NOT_RUN: &str = "none of its cases ran (see the errors above)";

/// The policies of `not_run` that no report covers (another cases file of the
/// same policy may have run), each once.
fn without_reports(
    not_run: Vec<(PathBuf, &'static str)>,
    reports: &[FileReport],
) -> Vec<(PathBuf, &'static str)> {
    let key = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut seen: Vec<PathBuf> = reports
        .iter()
        .map(|r| key(&r.file.parent().unwrap_or(Path::new(".")).join(&r.policy)))
        .collect();
    let mut out = Vec::new();
    for (p, why) in not_run {
        let k = key(&p);
        if !seen.contains(&k) {
            seen.push(k);
            out.push((p, why));
        }
    }
    out
}

/// Policies found under the folders given that no cases file names.
fn untested_policies(paths: &[PathBuf], named: &[PathBuf]) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    if folders.is_empty() {
        return Vec::new();
    }
    let (policies, _) = super::collect_files(&folders, ".policy");
    let tested: Vec<PathBuf> = named
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    policies
        .into_iter()
        .filter(|p| std::fs::canonicalize(p).map_or(true, |c| !tested.contains(&c)))
        .collect()
}

fn human(reports: &[FileReport], min: Option<u32>, s: &Summary<'_>) {
    for r in reports {
        for c in r.cases.iter().filter(|c| !c.passed) {
            outln!("FAIL {} {}", r.file.display(), c.name);
            if !c.text.is_empty() {
                outln!("     ({})", c.text);
            }
            for p in &c.problems {
                outln!("     {p}");
            }
        }
        for w in &r.wrote {
            let what = if w.to_string_lossy().ends_with(".pending.json") {
                "new verdicts for review (accept them with `clause test --accept`)"
            } else {
                "recorded snapshots"
            };
            outln!("wrote {}: {what}", w.display());
        }
    }
    for r in reports.iter().filter(|_| !s.filtered) {
        let (covered, total) = r.coverage.counts();
        let rules_cov = r.coverage.rules.iter().filter(|i| i.covered).count();
        let exc_cov = r.coverage.exceptions.iter().filter(|i| i.covered).count();
        let flag = match min {
            Some(m) if r.coverage.percent() < m => format!(" (below {m}%)"),
            _ => String::new(),
        };
        outln!(
            "coverage {}: {}% ({covered}/{total}: {rules_cov}/{} rules, {exc_cov}/{} exceptions){flag}",
            r.file.display(),
            r.coverage.percent(),
            r.coverage.rules.len(),
            r.coverage.exceptions.len(),
        );
        for item in r.coverage.uncovered() {
            outln!("     not reached: {} ({})", item.name, item.location);
        }
    }
    for (p, why) in s.not_run {
        outln!("coverage {}: 0% ({why})", p.display());
    }
    for p in s.untested {
        outln!("coverage {}: 0% ({UNTESTED})", p.display());
    }
    for r in reports.iter().filter(|r| !r.stale.is_empty()) {
        outln!(
            "note {}: snapshots of cases that no longer exist: {} (`clause test --accept` drops them)",
            clause::cases::snapshot_path(&r.file).display(),
            r.stale.join(", ")
        );
    }
    let new = reports
        .iter()
        .flat_map(|r| r.cases.iter())
        .filter(|c| c.snapshot == SnapshotStatus::Accepted)
        .count();
    if new > 0 {
        outln!(
            "accepted {new} {}",
            if new == 1 { "snapshot" } else { "snapshots" }
        );
    }
    for b in s.below {
        outln!("coverage too low: {b}");
    }
    if !s.problems.is_empty() {
        let n = s.problems.len();
        outln!(
            "{n} {} (see the errors above)",
            if n == 1 { "problem" } else { "problems" }
        );
    }
    outln!("{} passed, {} failed", s.passed, s.failed);
}

fn json(reports: &[FileReport], s: &Summary<'_>) {
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            serde_json::json!({
                "file": r.file.display().to_string(),
                "policy": r.policy,
                "passed": r.passed(),
                "failed": r.failed(),
                "cases": r.cases,
                // Under --filter only some cases ran: no coverage.
                "coverage": (!s.filtered).then(|| serde_json::json!({
                    "percent": r.coverage.percent(),
                    "rules": r.coverage.rules,
                    "exceptions": r.coverage.exceptions,
                })),
                "wrote": r.wrote.iter().map(|w| w.display().to_string()).collect::<Vec<_>>(),
                "stale_snapshots": r.stale,
            })
        })
        .collect();
    let out = serde_json::json!({
        "format_version": FORMAT_VERSION,
        "passed": s.passed,
        "failed": s.failed,
        "files": files,
        "errors": s.problems,
        "coverage_below_minimum": s.below,
        "untested_policies": s.untested.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    });
    outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}

/// The report as JUnit XML (quick-junit, the writer nextest uses), valid
/// under the Jenkins junit-10 schema: one `testsuite` per cases file (`file`
/// names it, `time` is how long its cases took), one `testcase` per case; what
/// is not a case (a file that could not be used, coverage below the minimum) is
/// a testcase of an extra suite named `clause`, each with a name of its own.
fn junit(reports: &[FileReport], s: &Summary<'_>) {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("clause test");
    if !s.problems.is_empty() || !s.below.is_empty() {
        let mut suite = TestSuite::new("clause");
        for p in s.problems {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(xml_text(p));
            let mut case = TestCase::new(xml_text(p), status);
            case.set_classname("clause");
            suite.add_test_case(case);
        }
        for b in s.below {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(xml_text(b));
            // `coverage POLICY`: one case per policy, so that no two share a name.
            let policy = b.split(": ").next().unwrap_or(b);
            let mut case = TestCase::new(xml_text(&format!("coverage {policy}")), status);
            case.set_classname("clause");
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    for r in reports {
        let file = xml_text(&r.file.display().to_string());
        let mut suite = TestSuite::new(file.clone());
        suite.extra.insert("file".into(), file.clone().into());
        suite.set_time(r.cases.iter().map(|c| c.duration).sum());
        for c in &r.cases {
            let status = if c.passed {
                TestCaseStatus::success()
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(xml_text(c.problems.first().map_or("", String::as_str)));
                status.set_description(xml_text(&c.problems.join("\n")));
                status
            };
            let mut case = TestCase::new(xml_text(&c.name), status);
            case.set_classname(file.clone());
            case.set_time(c.duration);
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.set_time(
        reports
            .iter()
            .flat_map(|r| r.cases.iter().map(|c| c.duration))
            .sum(),
    );
    match report.to_string() {
        Ok(xml) => out!("{}", without_root_skipped(&xml)),
        Err(e) => eprintln!("error: cannot write the JUnit report: {e}"),
    }
}

/// quick-junit writes `skipped="0"` on the root `testsuites` element, which the
/// junit-10 schema does not allow there (clause never skips a case).
fn without_root_skipped(xml: &str) -> String {
    match xml.find("<testsuites ") {
        Some(at) => {
            let (head, tail) = xml.split_at(at);
            format!("{head}{}", tail.replacen(" skipped=\"0\"", "", 1))
        }
        None => xml.to_string(),
    }
}

/// Text as XML 1.0 can hold it: characters it forbids (control characters
/// other than tab and line ends, U+FFFE, U+FFFF) become U+FFFD, so that one odd
/// case name cannot make the whole report unreadable.
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}
