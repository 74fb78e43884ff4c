//! The `clause` binary: exit codes and what it prints.

use super::support::base_claim;

fn clause(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    super::support::run_clause(args, stdin.map(str::as_bytes))
}

#[test]
fn check_bundled_policies_is_clean() {
    let (code, out, _) = clause(&["check", "policies"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 with errors"));
}

#[test]
fn check_reports_errors_with_exit_1_and_json() {
    let (code, out, _) = clause(
        &["check", "tests/corpus/check-errors", "--format", "json"],
        None,
    );
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &json["diagnostics"][0];
    assert!(first["code"].as_str().unwrap().starts_with("clause::"));
    assert!(first["line"].as_u64().unwrap() >= 1);
}

#[test]
fn eval_prints_a_verdict_and_exits_0() {
    let claim = base_claim().to_string();
    let (code, out, err) = clause(
        &["eval", "policies/imicro.policy", "--claim", "-"],
        Some(&claim),
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["decision"], "approve");
    assert_eq!(
        v["because"][0]["source"]
            .as_str()
            .unwrap()
            .split(':')
            .next(),
        Some("policies/imicro.policy")
    );
}

#[test]
fn eval_names_the_json_path_of_a_bad_field_and_exits_1() {
    let mut claim = base_claim();
    claim["items"][0]["price"]["amount"] = serde_json::json!("12,5");
    let (code, _, err) = clause(
        &["eval", "policies/imicro.policy", "--claim", "-"],
        Some(&claim.to_string()),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("items[0].price.amount: \"12,5\" is not a decimal"),
        "{err}"
    );
}

#[test]
fn eval_with_a_broken_policy_exits_2() {
    let dir = std::env::temp_dir().join(format!("clause-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.policy");
    std::fs::write(&path, "policy broken \"B\" {\n  timezone \"UTC\"\n  rules for return {\n    rule a: deny \"A.\" when order.totl > USD 1\n  }\n}\n").unwrap();
    let (code, _, err) = clause(
        &["eval", path.to_str().unwrap(), "--claim", "-"],
        Some("{}"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("clause::"), "{err}");
}

#[test]
fn usage_errors_exit_64() {
    let (code, _, _) = clause(&["eval", "policies/imicro.policy"], None);
    assert_eq!(code, 64);
    let (code, _, _) = clause(&["frobnicate"], None);
    assert_eq!(code, 64);
    let (code, _, _) = clause(&["check", "--no-such-flag", "policies"], None);
    assert_eq!(code, 64);
}

/// `clause eval policies/imicro.policy --claims -` on `input`: its records, and stderr.
fn batch(input: &str, threads: &str) -> (Vec<serde_json::Value>, String) {
    let (code, out, err) = clause(
        &[
            "eval",
            "policies/imicro.policy",
            "--claims",
            "-",
            "--threads",
            threads,
        ],
        Some(input),
    );
    assert_eq!(code, 0, "{err}");
    let records = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (records, err)
}

#[test]
fn batch_evaluation_gives_every_line_one_record_in_order() {
    let good = base_claim().to_string();
    let mut bad_amount = base_claim();
    bad_amount["items"][0]["price"]["amount"] = serde_json::json!("12,5");
    let input = [
        good.clone(),
        "{not json".to_string(),
        String::new(),
        bad_amount.to_string(),
        "[1, 2]".to_string(),
        good.replace("T-1", "T-6"),
    ]
    .join("\n")
        + "\n";
    for threads in ["1", "2"] {
        let (records, err) = batch(&input, threads);
        assert_eq!(records.len(), 6);
        assert_eq!(records[0]["claim_id"], "T-1");
        assert_eq!(records[0]["decision"], "approve");
        assert_eq!(records[1]["line"], 2);
        assert!(records[1]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("the claim is not valid JSON"));
        assert_eq!(records[2]["errors"][0]["message"], "the line is empty");
        assert_eq!(records[3]["line"], 4);
        assert_eq!(records[3]["claim_id"], "T-1");
        assert_eq!(records[3]["errors"][0]["path"], "items[0].price.amount");
        assert_eq!(
            records[4]["errors"][0]["message"],
            "a claim must be a JSON object, found an array"
        );
        assert_eq!(records[5]["claim_id"], "T-6");
        assert!(err.contains("6 lines: 2 verdicts, 4 errors"), "{err}");
    }
}

#[test]
fn explain_tells_the_customer_in_the_merchants_words() {
    let claim =
        std::fs::read_to_string(super::support::root().join("tests/data/imicro-claim.json"))
            .unwrap();
    let mut late: serde_json::Value = serde_json::from_str(&claim).unwrap();
    late["claim"]["filed_at"] = serde_json::json!("2023-10-05T10:00:00-07:00");
    // Judged at the filing (an as_of before it is refused).
    late["as_of"] = serde_json::Value::Null;
    let mut outputs = Vec::new();
    for (input, format) in [
        (claim.clone(), "text"),
        (late.to_string(), "text"),
        (late.to_string(), "markdown"),
        (late.to_string(), "json"),
    ] {
        let (code, out, err) = clause(
            &[
                "explain",
                "policies/imicro.policy",
                "--claim",
                "-",
                "--format",
                format,
            ],
            Some(&input),
        );
        assert_eq!(code, 0, "{err}");
        outputs.push(format!("--- {format}\n{out}"));
    }
    assert!(
        outputs[1].contains("4 days after the last day"),
        "{}",
        outputs[1]
    );
    insta::assert_snapshot!(outputs.join("\n"));
}

/// Batch input is read in blocks of a mebibyte cut at line ends: lines that
/// straddle blocks, a line longer than a block, CRLF endings and a last line
/// without a line end all keep their numbers and their order.
#[test]
fn batch_records_keep_their_lines_across_blocks() {
    let good = base_claim().to_string();
    let block = clause::tools::batch::BLOCK_BYTES;
    // A claim padded past a whole block with a key nobody reads.
    let mut long = base_claim();
    long["x_padding"] = serde_json::json!("p".repeat(block + block / 2));
    let mut lines = Vec::new();
    let n = 3 * block / good.len();
    for i in 0..n {
        lines.push(good.replace("T-1", &format!("T-{i}")));
    }
    lines.insert(n / 3, long.to_string());
    lines.insert(2 * n / 3, "{not json".to_string());
    let mut input = lines.join("\r\n");
    input.push_str("\r\n");
    input.push_str(&good.replace("T-1", "last")); // no line end
    for threads in ["1", "2"] {
        let (records, _) = batch(&input, threads);
        assert_eq!(records.len(), lines.len() + 1);
        for (i, (line, record)) in lines.iter().zip(&records).enumerate() {
            if line.starts_with("{not") {
                assert_eq!(record["line"], i as u64 + 1);
            } else {
                let want: serde_json::Value = serde_json::from_str(line).unwrap();
                assert_eq!(record["claim_id"], want["claim_id"], "line {}", i + 1);
            }
        }
        assert_eq!(records.last().unwrap()["claim_id"], "last");
    }
}

/// Standard error that cannot be written loses its messages and changes no
/// exit code (std's `eprintln!` panicked: exit 101).
#[cfg(target_os = "linux")]
#[test]
fn a_standard_error_that_cannot_be_written_is_no_panic() {
    use std::process::{Command, Stdio};
    let claims =
        std::env::temp_dir().join(format!("clause-stderr-full-{}.jsonl", std::process::id()));
    std::fs::write(&claims, format!("{}\n\n", base_claim())).unwrap();
    let claims = claims.to_str().unwrap().to_string();
    let runs: &[(&[&str], i32)] = &[
        (
            &[
                "eval",
                "policies/imicro.policy",
                "--claim",
                "no-such-claim.json",
            ],
            1,
        ),
        (
            &[
                "eval",
                "no-such.policy",
                "--claim",
                "tests/data/imicro-claim.json",
            ],
            2,
        ),
        (&["eval", "policies/imicro.policy", "--claims", &claims], 0),
        (
            &[
                "check",
                "tests/corpus/check-errors/48-threshold-used-before-declared.policy",
            ],
            1,
        ),
        (&["eval", "--no-such-flag"], 64),
    ];
    for (args, code) in runs {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_clause"))
            .args(*args)
            .current_dir(super::support::root())
            .stdout(Stdio::null())
            .stderr(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(*code), "{args:?}");
    }
    let _ = std::fs::remove_file(&claims);
}

/// Every command that writes to standard output reports a write error and
/// exits 74; a reader that goes away is not an error.
#[cfg(target_os = "linux")]
#[test]
fn write_errors_fail_and_a_closed_pipe_is_quiet() {
    use std::process::{Command, Stdio};
    let claim = "tests/data/imicro-claim.json";
    // Claims as JSON lines, enough that their records fill a pipe's buffer.
    let claims =
        std::env::temp_dir().join(format!("clause-write-errors-{}.jsonl", std::process::id()));
    let line = base_claim().to_string();
    std::fs::write(&claims, format!("{line}\n").repeat(2000)).unwrap();
    let claims = claims.to_str().unwrap().to_string();
    let commands: &[&[&str]] = &[
        &["eval", "policies/imicro.policy", "--claims", &claims],
        &["--version"],
        &["-V"],
        &["--help"],
        &["help"],
        &["check", "--help"],
        &["eval", "policies/imicro.policy", "--claim", claim],
        &["explain", "policies/imicro.policy", "--claim", claim],
        &["render", "policies/imicro.policy"],
        &["check", "--format", "json", "policies"],
        &["check", "--format", "sarif", "policies"],
        &["test", "--format", "junit", "policies"],
        &["diff", "policies/imicro.policy", "policies/imirror.policy"],
        &["fmt", "-"],
        &["completions", "bash"],
        &["man"],
    ];
    for args in commands {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let stdin =
            std::fs::File::open(super::support::root().join("policies/imicro.policy")).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_clause"))
            .args(*args)
            .current_dir(super::support::root())
            .stdin(stdin)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(74), "{args:?}: {err}");
        // Said once, in the same words by every command.
        assert_eq!(
            err.matches("error: cannot write to standard output: ")
                .count(),
            1,
            "{args:?}: {err}"
        );
    }
    // A reader that has gone away: the command still exits 0, and says nothing.
    let quiet: &[&[&str]] = &[
        &["render", "policies/imicro.policy"],
        &["eval", "policies/imicro.policy", "--claims", &claims],
        &["--help"],
        &["--version"],
    ];
    for args in quiet {
        // The pipe's reading end is closed before the command starts, so every
        // write fails with a broken pipe, however little the command writes.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_clause"))
            .args(*args)
            .current_dir(super::support::root())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
    }
    let _ = std::fs::remove_file(&claims);
}

#[test]
fn eval_fail_on_fails_scripts_on_the_decisions_named() {
    let claim = base_claim().to_string();
    let run = |fail_on: &str, c: &str| {
        clause(
            &[
                "eval",
                "policies/imicro.policy",
                "--claim",
                "-",
                "--fail-on",
                fail_on,
            ],
            Some(c),
        )
    };
    let (code, out, _) = run("deny", &claim);
    assert_eq!(code, 0);
    assert!(out.contains("\"approve\""));
    let mut late = base_claim();
    late["claim"]["filed_at"] = serde_json::json!("2024-03-01T09:00:00-08:00");
    let late = late.to_string();
    let (code, out, _) = run("deny", &late);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("\"deny\""),
        "the verdict is printed all the same"
    );
    assert_eq!(run("review", &late).0, 1);
    assert_eq!(run("review", &claim).0, 0);
}

#[test]
fn an_empty_claim_id_is_refused() {
    let mut claim = base_claim();
    claim["claim_id"] = serde_json::json!("");
    let (code, _, err) = clause(
        &["eval", "policies/imicro.policy", "--claim", "-"],
        Some(&claim.to_string()),
    );
    assert_eq!(code, 1);
    assert!(err.contains("claim_id: the claim_id is empty"), "{err}");
    // So is an empty sku, which a verdict's items, fees and deductions name,
    // whether or not `claim.items` names it.
    let mut claim = base_claim();
    claim["items"][0]["sku"] = serde_json::json!("");
    for claimed in [serde_json::Value::Null, serde_json::json!([""])] {
        claim["claim"]["items"] = claimed;
        let (code, _, err) = clause(
            &["eval", "policies/imicro.policy", "--claim", "-"],
            Some(&claim.to_string()),
        );
        assert_eq!(code, 1);
        assert!(err.contains("items[0].sku: the sku is empty"), "{err}");
    }
}

#[test]
fn version_completions_and_manual() {
    let (code, out, _) = clause(&["--version"], None);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!("clause {}", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, out, err) = clause(&["completions", shell], None);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("explain") && out.contains("min-coverage"),
            "{shell}"
        );
    }
    let (code, out, _) = clause(&["man"], None);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(".ie") || out.contains(".TH clause"),
        "{}",
        &out[..out.len().min(200)]
    );
    assert_eq!(clause(&["completions", "tcsh"], None).0, 64);
}

#[test]
fn a_policy_from_standard_input_goes_by_its_stdin_filename() {
    let text =
        std::fs::read_to_string(super::support::root().join("policies/imicro.policy")).unwrap();
    let broken = text.replace("order.placed_at", "order.placd_at");
    let (code, out, _) = clause(
        &["check", "--stdin-filename", "policies/imicro.policy", "-"],
        Some(&broken),
    );
    assert_eq!(code, 1);
    assert!(out.contains("policies/imicro.policy:"), "{out}");
    assert!(!out.contains("<stdin>"), "{out}");
    let (code, out, err) = clause(&["render", "-"], Some(&text));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# iMicro"), "{out}");
    // Standard input is read once: a policy and a claim cannot both come from it.
    let (code, _, err) = clause(&["eval", "-", "--claim", "-"], Some(&text));
    assert_eq!(code, 1);
    assert!(err.contains("`-` is given twice"), "{err}");
}

#[test]
fn fmt_diff_shows_every_hunk_and_writes_nothing() {
    let text =
        std::fs::read_to_string(super::support::root().join("policies/imicro.policy")).unwrap();
    // Two changes far apart: two hunks.
    let messy = text
        .replacen("  rules for return {", "rules for return {", 1)
        .replacen("  timezone", "      timezone", 1);
    let (code, out, _) = clause(
        &["fmt", "--diff", "--stdin-filename", "p/imicro.policy", "-"],
        Some(&messy),
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("--- a/p/imicro.policy\n+++ b/p/imicro.policy\n"),
        "{out}"
    );
    assert_eq!(out.matches("\n@@ ").count(), 2, "{out}");
    let (code, out, _) = clause(&["fmt", "--diff", "-"], Some(&text));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let broken = "policy x \"X\" {\n  timezone \"UTC\"\n  rules for return {\n    rule a: deny \"A.\" when order.totl > USD 1\n  }\n}\n";
    let run = |env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_clause"));
        cmd.args(["check", "-"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(broken.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    assert!(!run(&[]).contains('\u{1b}'), "a pipe gets plain text");
    assert!(run(&[("CLICOLOR_FORCE", "1")]).contains('\u{1b}'));
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'));
}

#[test]
fn fmt_check_shows_every_hunk_and_writes_nothing() {
    let text =
        std::fs::read_to_string(super::support::root().join("policies/imicro.policy")).unwrap();
    // Two changes far apart: two hunks, each with its line and both sides.
    let messy = text
        .replacen("  rules for return {", "rules for return {", 1)
        .replacen("  timezone", "      timezone", 1);
    let line_of = |needle: &str| messy.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let (code, out, _) = clause(
        &["fmt", "--check", "--stdin-filename", "p/imicro.policy", "-"],
        Some(&messy),
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("would reformat p/imicro.policy\n"), "{out}");
    assert_eq!(out.matches("  @@ line ").count(), 2, "{out}");
    assert!(
        out.contains(&format!(
            "  @@ line {} @@\n  -      timezone",
            line_of("      timezone")
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "  @@ line {} @@\n  -rules for return {{\n  +  rules for return {{\n",
            line_of("rules for return")
        )),
        "{out}"
    );
    let (code, out, _) = clause(&["fmt", "--check", "-"], Some(&text));
    assert_eq!((code, out.as_str()), (0, ""));
}

/// Under `--filter` only some cases run, so no format reports coverage.
#[test]
fn test_filter_reports_no_coverage() {
    let file = "policies/imicro.cases.json";
    let (code, out, err) = clause(&["test", "--filter", "weight", file], None);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("coverage"), "{out}");
    assert!(!out.contains("not reached"), "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
    let (code, out, _) = clause(
        &["test", "--filter", "weight", "--format", "json", file],
        None,
    );
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert!(files[0]["coverage"].is_null(), "{out}");
    assert!(report["passed"].as_u64().unwrap() > 0);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(super::support::root().join("docs/schema/test.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    let (code, out, _) = clause(
        &["test", "--filter", "weight", "--format", "junit", file],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("<testcase name=\"weight"), "{out}");
    assert!(!out.contains("coverage"), "{out}");
    // Without --filter, the same file reports its coverage.
    let (_, out, _) = clause(&["test", file], None);
    assert!(
        out.contains("coverage policies/imicro.cases.json: 100%"),
        "{out}"
    );
    let (_, out, _) = clause(&["test", "--format", "json", file], None);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["files"][0]["coverage"]["percent"], 100);
}

/// The ```console blocks of a Markdown page.
fn console_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim() == "```console" => current = Some(String::new()),
            None => {}
            Some(_) if line.trim() == "```" => blocks.extend(current.take()),
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    blocks
}

/// Runs each `$ clause ...` of a console block from the repository root and
/// compares what it prints (and each `$ echo $?`) with the block.
fn console_block_is_true(block: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut last_code = None;
    let mut lines = block.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(command) = line.strip_prefix("$ ") else {
            continue;
        };
        let mut shown = String::new();
        while let Some(next) = lines.peek().filter(|l| !l.starts_with("$ ")) {
            shown.push_str(next);
            shown.push('\n');
            lines.next();
        }
        if command == "echo $?" {
            if last_code.map(|c: i32| format!("{c}\n")).as_deref() != Some(shown.as_str()) {
                wrong.push(format!(
                    "`{command}` shows {shown:?}, the code was {last_code:?}"
                ));
            }
            continue;
        }
        let (args, redirected) = match command.split_once(" > ") {
            Some((args, _file)) => (args, true),
            None => (command, false),
        };
        let args: Vec<&str> = args.split_whitespace().collect();
        assert_eq!(args.first(), Some(&"clause"), "{command}");
        let (code, out, _) = clause(&args[1..], None);
        last_code = Some(code);
        if !redirected && out != shown {
            wrong.push(format!(
                "`{command}` prints:\n{out}\nthe page shows:\n{shown}"
            ));
        }
    }
    wrong
}

/// Every number written right after `prefix` in `text` (line ends read as spaces).
fn numbers_after(text: &str, prefix: &str) -> Vec<usize> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let digits: String = text[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// The figures that docs/ci.md and docs/cli.md show for this project's own
/// policies are what the commands print now: the run of every step when all
/// is well, the JUnit report's suites, and the counts of SARIF rules and notes.
#[test]
fn the_ci_and_cli_pages_show_what_the_commands_print_now() {
    let root = super::support::root();
    let ci = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let cli = std::fs::read_to_string(root.join("docs/cli.md")).unwrap();
    let well = &ci[ci
        .find("### What each step prints when all is well")
        .unwrap()..];
    let mut wrong = Vec::new();
    let blocks: Vec<String> = console_blocks(well)
        .into_iter()
        .take(1)
        .chain(
            console_blocks(&cli)
                .into_iter()
                .filter(|b| b.contains("coverage policies/boutique.cases.json")),
        )
        .collect();
    assert_eq!(blocks.len(), 2, "the run on policies/ in each page");
    for block in &blocks {
        wrong.extend(console_block_is_true(block));
    }
    // results.xml: every suite line shown is in the real report (times vary).
    let untimed = |s: &str| -> String {
        s.split(" time=\"")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_string()
                } else {
                    part.split_once('"')
                        .map_or(String::new(), |(_, rest)| rest.to_string())
                }
            })
            .collect()
    };
    let (_, xml, _) = clause(&["test", "--format", "junit", "policies/"], None);
    let real: Vec<String> = xml.lines().map(|l| untimed(l.trim())).collect();
    let shown = &well[well.find("```xml\n").unwrap()..];
    let shown = &shown[..shown[3..].find("```").unwrap()];
    let mut suites = 0;
    for line in shown
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("<test"))
    {
        suites += usize::from(line.starts_with("<testsuite"));
        if !real.contains(&untimed(line)) {
            wrong.push(format!("results.xml has no line {line}"));
        }
    }
    assert!(suites >= 3, "{shown}");
    // SARIF: the rules (the checker's, then the lints', whose help is a page
    // of docs/lints/) and the lint notes that --info adds.
    let (_, sarif, _) = clause(&["check", "--format", "sarif", "--info", "policies/"], None);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let lints = rules
        .iter()
        .filter(|r| r["helpUri"].as_str().unwrap().contains("/docs/lints/"))
        .count();
    let notes = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "note")
        .count();
    for (page, prefix, real) in [
        (&cli, "the checker's ", rules.len() - lints),
        (&cli, "then the ", lints),
        (&ci, "has (", rules.len()),
        (&ci, "There are ", notes),
    ] {
        let shown = numbers_after(page, prefix);
        if shown != [real] {
            wrong.push(format!(
                "`{prefix}N`: the page says {shown:?}, the run {real}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The JSON of `map`, `calendar` (both lists) and `cases` (the drafts of
/// `--boundaries`, the starting file of `--new`, and the bundled cases files)
/// follows its schema in docs/schema/.
#[test]
fn map_calendar_and_cases_json_follow_their_schemas() {
    let root = super::support::root();
    let validate = |schema: &str, what: &str, instance: &serde_json::Value| -> Vec<String> {
        let text = std::fs::read_to_string(root.join("docs/schema").join(schema)).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        validator
            .iter_errors(instance)
            .map(|e| format!("{what}: {e} at {}", e.instance_path()))
            .collect()
    };
    let run_json = |args: &[&str]| -> serde_json::Value {
        let (code, out, err) = clause(args, None);
        assert_eq!(code, 0, "{args:?}: {err}");
        serde_json::from_str(&out).unwrap()
    };
    let mut wrong = Vec::new();
    let map = run_json(&["map", "policies/imicro.policy", "--format", "json"]);
    assert_eq!(map["format"], "clause-map/1");
    wrong.extend(validate("map.schema.json", "map", &map));
    let holidays = run_json(&["calendar", "US", "--year", "2026", "--format", "json"]);
    assert!(holidays.as_array().is_some_and(|h| h.len() >= 10));
    wrong.extend(validate("calendar.schema.json", "calendar", &holidays));
    let list = run_json(&["calendar", "--list", "--format", "json"]);
    wrong.extend(validate(
        "calendar-list.schema.json",
        "calendar --list",
        &list,
    ));
    // The schemas are not empty promises: each refuses a wrong shape.
    assert!(!validate("calendar.schema.json", "", &list).is_empty());
    assert!(!validate("calendar-list.schema.json", "", &holidays).is_empty());
    assert!(!validate(
        "map.schema.json",
        "",
        &serde_json::json!({"format": "clause-map/2"})
    )
    .is_empty());
    for policy in ["imicro", "boutique", "imirror", "import-express", "imro"] {
        let path = format!("policies/{policy}.policy");
        let drafts = run_json(&["cases", &path, "--boundaries", "--format", "json"]);
        assert!(
            drafts["cases"].as_array().is_some_and(|c| !c.is_empty()),
            "{policy}"
        );
        wrong.extend(validate("cases.schema.json", &path, &drafts));
    }
    let mut kept = super::support::files(&root.join("policies"), ".cases.json");
    kept.extend(super::support::files(
        &root.join("policies/examples"),
        ".cases.json",
    ));
    assert!(kept.len() >= 5);
    for file in kept {
        let cases: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        wrong.extend(validate(
            "cases.schema.json",
            &file.display().to_string(),
            &cases,
        ));
    }
    let dir = std::env::temp_dir().join(format!("clause-cases-new-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        root.join("policies/imicro.policy"),
        dir.join("imicro.policy"),
    )
    .unwrap();
    let policy = dir.join("imicro.policy");
    let (code, _, err) = clause(&["cases", policy.to_str().unwrap(), "--new"], None);
    assert_eq!(code, 0, "{err}");
    let started: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("imicro.cases.json")).unwrap())
            .unwrap();
    wrong.extend(validate("cases.schema.json", "cases --new", &started));
    let mut misspelt = started.clone();
    misspelt["cases"][0]["expects"] = serde_json::json!({"decision": "approve"});
    assert!(!validate("cases.schema.json", "", &misspelt).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `clause man` writes a page for clause and for every command that clause(1)
/// refers to (clause-check(1), ...), one on standard output or all into a folder.
#[test]
fn a_manual_page_for_every_command() {
    let dir = std::env::temp_dir().join(format!("clause-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out, err) = clause(&["man", "--dir", dir.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    let top = std::fs::read_to_string(dir.join("clause.1")).unwrap();
    // Every page clause(1) refers to is there, with its own title.
    let mut referred = 0;
    for part in top.split("clause\\-").skip(1) {
        let Some((name, _)) = part.split_once("(1)") else {
            continue;
        };
        assert!(name.chars().all(|c| c.is_ascii_lowercase()), "{name}");
        referred += 1;
        let page = std::fs::read_to_string(dir.join(format!("clause-{name}.1")))
            .unwrap_or_else(|e| panic!("clause-{name}.1: {e}"));
        assert!(page.contains(&format!(".TH clause-{name} 1")), "{name}");
        assert!(out.contains(&format!("clause-{name}.1")), "{out}");
    }
    assert!(referred >= 10, "{top}");
    let check = std::fs::read_to_string(dir.join("clause-check.1")).unwrap();
    assert!(
        check.contains("\\-\\-deny"),
        "the page lists the command's options"
    );
    let _ = std::fs::remove_dir_all(&dir);
    // One command's page on standard output, as in the folder.
    let (code, out, _) = clause(&["man", "check"], None);
    assert_eq!((code, out), (0, check));
    let (code, _, err) = clause(&["man", "nothere"], None);
    assert_eq!(code, 64);
    assert!(err.contains("the commands are: check"), "{err}");
}

/// `clause cases -` reads the policy from standard input and finds its cases
/// file beside the name --stdin-filename gives it.
#[test]
fn cases_from_standard_input_go_by_their_stdin_filename() {
    let text =
        std::fs::read_to_string(super::support::root().join("policies/imicro.policy")).unwrap();
    let (code, out, err) = clause(
        &[
            "cases",
            "--stdin-filename",
            "policies/imicro.policy",
            "-",
            "--boundaries",
        ],
        Some(&text),
    );
    assert_eq!(code, 0, "{err}");
    let drafts: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(drafts["policy"], "imicro.policy");
    assert!(drafts["cases"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(err.contains("imicro.cases.json"), "{err}");
    // Without a name there is no cases file to take a claim from.
    let (code, _, err) = clause(&["cases", "-", "--boundaries"], Some(&text));
    assert_eq!(code, 1);
    assert!(err.contains("--stdin-filename"), "{err}");
    assert!(!err.contains("-.cases.json"), "{err}");
}

/// `--claim` is read as `clause eval` reads a claim: a key given twice is
/// refused with its path, not read as its last value.
#[test]
fn boundaries_refuse_a_claim_that_gives_a_key_twice() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-boundaries-twice");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let claim = dir.join("twice.json");
    let text = std::fs::read_to_string(super::support::root().join("tests/data/imicro-claim.json"))
        .unwrap();
    let twice = text.replacen("\"reason\":", "\"reason\": \"wrong_item\", \"reason\":", 1);
    assert_ne!(twice, text);
    std::fs::write(&claim, twice).unwrap();
    let args = [
        "cases",
        "policies/imicro.policy",
        "--boundaries",
        "--claim",
        claim.to_str().unwrap(),
    ];
    let (code, out, err) = clause(&args, None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("twice.json: claim.reason: this key appears more than once"),
        "{err}"
    );
    assert!(out.is_empty(), "{out}");
    // The same file without the repeat drafts cases.
    std::fs::write(&claim, text).unwrap();
    let (code, _, err) = clause(&args, None);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn claims_from_a_directory_is_refused_naming_it() {
    let (code, _, err) = super::support::run_clause(
        &["eval", "policies/imicro.policy", "--claims", "policies"],
        None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error: cannot read policies: it is a directory"),
        "{err}"
    );
}

/// The `base` claim of a bundled cases file.
fn cases_base(policy: &str) -> serde_json::Value {
    let path = super::support::root().join(format!("policies/{policy}.cases.json"));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["base"].clone()
}

/// What `clause explain POLICY --claim -` prints for `claim` (exit 0).
fn explain_text(policy: &str, claim: &serde_json::Value) -> String {
    let text = claim.to_string();
    let (code, out, err) =
        super::support::run_clause(&["explain", policy, "--claim", "-"], Some(text.as_bytes()));
    assert_eq!(code, 0, "{err}");
    out
}

/// `explain` reads a window that begins with a delivery given as a day as the
/// engine does: a request made that morning is within it (it said "before
/// that time begins" of a request the verdict approved).
#[test]
fn explain_puts_a_request_on_a_plain_delivery_day_inside_the_window() {
    let mut claim = cases_base("boutique");
    claim["order"]["delivered_at"] = serde_json::json!("2023-09-05");
    claim["claim"]["filed_at"] = serde_json::json!("2023-09-05T09:00:00+09:00");
    claim["claim"]["return_shipped_at"] = serde_json::Value::Null;
    claim["claim"]["return_received_at"] = serde_json::Value::Null;
    claim.as_object_mut().unwrap().remove("as_of");
    let out = explain_text("policies/boutique.policy", &claim);
    assert!(
        out.contains("your request of 5 September 2023 at 09:00 is within that time"),
        "{out}"
    );
    assert!(!out.contains("before that time begins"), "{out}");
}

/// `explain` places the event the claim gives against a window before the
/// decision's date: a return received inside the window to send is said to be
/// within it (it said the date of the decision was after that time, on an
/// approved claim).
#[test]
fn explain_prefers_the_claims_event_to_the_date_of_the_decision() {
    let mut claim = cases_base("boutique");
    claim["claim"]["return_shipped_at"] = serde_json::Value::Null;
    claim["claim"]["return_received_at"] = serde_json::json!("2023-09-06T10:00:00+09:00");
    let out = explain_text("policies/boutique.policy", &claim);
    assert!(
        out.contains("your return, received on 6 September 2023 at 10:00, is within that time"),
        "{out}"
    );
    assert!(!out.contains("the date of this decision"), "{out}");
}

/// When the deciding rule tests the decision's date against the window, that
/// date is what `explain` places, not another event the block tests (it said
/// the request "is within that time" of a refusal resting on the date).
#[test]
fn explain_keeps_the_decisions_date_when_the_rule_tests_it() {
    let dir = std::env::temp_dir().join(format!("clause-explain-asof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("asof.policy");
    std::fs::write(
        &policy,
        r#"policy asof "As Of" {
  currency USD
  timezone "America/New_York"
  window return_window = 30 days from order.placed_at

  rules for return {
    rule filed_late: deny "Ask for a return within 30 days."
      when claim.filed_at after return_window
      deadline return_window
    rule never_arrived: deny "The return must reach us within 30 days."
      when claim.return_received_at is missing and as_of after return_window
      deadline return_window
    otherwise ok: approve refund "Returns within 30 days." refund item.price
  }
}
"#,
    )
    .unwrap();
    let mut claim = base_claim();
    claim["order"]["placed_at"] = serde_json::json!("2023-08-30T10:00:00-04:00");
    claim["claim"]["filed_at"] = serde_json::json!("2023-09-10T10:00:00-04:00");
    claim["claim"]["return_received_at"] = serde_json::Value::Null;
    claim["as_of"] = serde_json::json!("2023-10-20T10:00:00-04:00");
    let out = explain_text(policy.to_str().unwrap(), &claim);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.contains("the date of this decision, 20 October 2023, is after that date"),
        "{out}"
    );
}

/// `explain` words a limit read on the total less the shipping paid, as imro's
/// China limit is (it said nothing of the amount once the policy subtracted).
#[test]
fn explain_words_a_total_less_the_shipping_paid() {
    let mut claim = cases_base("imro");
    claim["claim"]["kind"] = serde_json::json!("shipping");
    claim["claim"]["reason"] = serde_json::json!("none");
    claim["order"]["delivered_at"] = serde_json::Value::Null;
    claim["order"]["total"] = serde_json::json!({"amount": "170.00", "currency": "USD"});
    claim["order"]["shipping_paid"] = serde_json::json!({"amount": "10.00", "currency": "USD"});
    claim["order"]["destination"] = serde_json::json!({"country": "CN", "address_kind": "street"});
    claim["rates"] = serde_json::json!({"USD/CNY": "7.2"});
    let out = explain_text("policies/imro.policy", &claim);
    assert!(
        out.contains("Your order total (USD 170.00 at the exchange rate given) less the shipping you paid (USD 10.00 at the exchange rate given), CNY 1,152.00, is over the limit of CNY 1,000.00"),
        "{out}"
    );
}
