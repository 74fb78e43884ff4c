//! `clause test [PATH...]`: run the cases files (`*.cases.json`) beside policies,
//! compare verdict snapshots, and report rule coverage.

use std::path::{Path, PathBuf};

use clause::tools::cases::{run_file, FileReport, SnapshotMode, SnapshotStatus};

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY, WIDTH};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: TestFormat,
    pub accept: bool,
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
    let mut policy_broken = false;
    for f in &files {
        let file = match clause::tools::cases::load(f) {
            Ok(c) => c,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let policy_path = f.parent().unwrap_or(Path::new(".")).join(&file.policy);
        named.push(policy_path.clone());
        let policy = match load_policy(&policy_path) {
            Ok(p) => p,
            Err(LoadError::Io(e)) => {
                problems.push(e);
                policy_broken = true;
                continue;
            }
            Err(LoadError::Policy(d)) => {
                eprint!("{}", d.render(WIDTH));
                let n = d.items.len();
                problems.push(format!(
                    "{}: the policy does not check ({n} {})",
                    policy_path.display(),
                    if n == 1 { "error" } else { "errors" }
                ));
                policy_broken = true;
                continue;
            }
        };
        match run_file(f, &file, policy.parts().1, mode) {
            Ok(r) => reports.push(r),
            Err(e) => problems.push(e),
        }
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    let untested = untested_policies(&opts.paths, &named);
    let passed: usize = reports.iter().map(FileReport::passed).sum();
    let failed: usize = reports.iter().map(FileReport::failed).sum();
    // Coverage below the minimum, one line per policy (a policy with no cases is at 0%).
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
        for p in untested.iter().filter(|_| min > 0) {
            below.push(format!(
                "{}: no cases file tests this policy (0% is below {min}%)",
                p.display()
            ));
        }
    }
    let summary = Summary {
        passed,
        failed,
        problems: &problems,
        below: &below,
        untested: &untested,
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
    for r in reports {
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
    for p in s.untested {
        outln!(
            "coverage {}: 0% (no cases file tests this policy)",
            p.display()
        );
    }
    for r in reports.iter().filter(|r| !r.stale.is_empty()) {
        outln!(
            "note {}: snapshots of cases that no longer exist: {} (`clause test --accept` drops them)",
            clause::tools::cases::snapshot_path(&r.file).display(),
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
                "coverage": {
                    "percent": r.coverage.percent(),
                    "rules": r.coverage.rules,
                    "exceptions": r.coverage.exceptions,
                },
                "wrote": r.wrote.iter().map(|w| w.display().to_string()).collect::<Vec<_>>(),
                "stale_snapshots": r.stale,
            })
        })
        .collect();
    let out = serde_json::json!({
        "passed": s.passed,
        "failed": s.failed,
        "files": files,
        "errors": s.problems,
        "coverage_below_minimum": s.below,
        "untested_policies": s.untested.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    });
    outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}

fn junit(reports: &[FileReport], s: &Summary<'_>) {
    let extra = s.problems.len() + s.below.len();
    outln!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    outln!(
        "<testsuites name=\"clause test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        s.passed + s.failed + extra,
        s.failed + s.below.len(),
        s.problems.len()
    );
    if extra > 0 {
        // What is not a case still shows in the report: unusable files and coverage below the minimum.
        outln!(
            "  <testsuite name=\"clause\" tests=\"{extra}\" failures=\"{}\" errors=\"{}\">",
            s.below.len(),
            s.problems.len()
        );
        for p in s.problems {
            outln!("    <testcase name=\"{}\" classname=\"clause\">", xml(p));
            outln!("      <error message=\"{}\"/>", xml(p));
            outln!("    </testcase>");
        }
        for b in s.below {
            outln!("    <testcase name=\"coverage\" classname=\"clause\">");
            outln!("      <failure message=\"{}\"/>", xml(b));
            outln!("    </testcase>");
        }
        outln!("  </testsuite>");
    }
    for r in reports {
        let suite = xml(&r.file.display().to_string());
        outln!(
            "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{}\">",
            r.cases.len(),
            r.failed()
        );
        for c in &r.cases {
            let name = xml(&c.name);
            if c.passed {
                outln!("    <testcase name=\"{name}\" classname=\"{suite}\"/>");
            } else {
                let first = xml(c.problems.first().map_or("", String::as_str));
                outln!("    <testcase name=\"{name}\" classname=\"{suite}\">");
                outln!(
                    "      <failure message=\"{first}\">{}</failure>",
                    xml(&c.problems.join("\n"))
                );
                outln!("    </testcase>");
            }
        }
        outln!("  </testsuite>");
    }
    outln!("</testsuites>");
}

/// Text escaped for an XML attribute or element.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
