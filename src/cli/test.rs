//! `clause test PATH...`: run the cases files (`*.cases.json`) beside policies.

use std::path::{Path, PathBuf};

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY, WIDTH};

pub fn run(paths: &[PathBuf]) -> i32 {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files);
    }
    files.sort();
    if files.is_empty() {
        eprintln!("error: no *.cases.json files found\n");
        return EXIT_INPUT;
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut policy_broken = false;
    for f in &files {
        let file = match crate::cases::load(f) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}\n");
                failed += 1;
                continue;
            }
        };
        let policy_path = f.parent().unwrap_or(Path::new(".")).join(&file.policy);
        let policy = match load_policy(&policy_path) {
            Ok(p) => p,
            Err(LoadError::Io(e)) => {
                eprintln!("error: {e}\n");
                policy_broken = true;
                continue;
            }
            Err(LoadError::Policy(d)) => {
                eprint!("{}", d.render(WIDTH));
                policy_broken = true;
                continue;
            }
        };
        let mut decided = std::collections::HashSet::new();
        for case in &file.cases {
            let out = crate::cases::run(&policy, case);
            if let Some(v) = &out.verdict {
                for b in &v.because {
                    decided.insert(b.rule.clone());
                }
                for i in &v.items {
                    decided.insert(i.rule.clone());
                }
            }
            if out.problems.is_empty() {
                passed += 1;
            } else {
                failed += 1;
                outln!("FAIL {} {}", f.display(), case.name);
                for p in &out.problems {
                    outln!("     {p}");
                }
            }
        }
        let never: Vec<&str> = policy
            .blocks
            .iter()
            .flat_map(|b| b.rules.iter().chain(b.otherwise.iter()))
            .map(|r| r.name.as_str())
            .filter(|r| !decided.contains(*r))
            .collect();
        if !never.is_empty() {
            outln!(
                "note {}: rules no case reaches: {}",
                f.display(),
                never.join(", ")
            );
        }
    }
    outln!("{passed} passed, {failed} failed");
    if policy_broken {
        EXIT_POLICY
    } else if failed > 0 {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for e in entries.flatten() {
                collect(&e.path(), out);
            }
        }
    } else if path.to_string_lossy().ends_with(".cases.json") {
        out.push(path.to_path_buf());
    }
}
