//! `clause serve` end to end: the real binary on 127.0.0.1 with an ephemeral
//! port, spoken to over HTTP (ureq, and raw TCP for slow clients).
//!
//! Every wait is a bounded loop (a count of tries with a short sleep), and no
//! assertion is about time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use super::support::root;

/// A server started for one test; killed when dropped.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
    /// Standard error as a pipe nobody reads, when a test asks for one.
    _unread_stderr: Option<std::process::ChildStderr>,
}

impl Server {
    fn start(policies: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(policies, extra, &[])
    }

    fn start_with_env(policies: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        Server::spawn(policies, extra, env, false)
    }

    /// The server with its standard error a pipe that is never read (the log
    /// file stays empty).
    fn start_with_stderr_unread(policies: &Path) -> Server {
        Server::spawn(policies, &[], &[], true)
    }

    fn spawn(policies: &Path, extra: &[&str], env: &[(&str, &str)], unread: bool) -> Server {
        let log = std::env::temp_dir().join(format!(
            "clause-serve-log-{}-{}",
            std::process::id(),
            unique()
        ));
        let stderr = if unread {
            Stdio::piped()
        } else {
            Stdio::from(std::fs::File::create(&log).unwrap())
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_clause"));
        cmd.current_dir(root())
            .args(["serve", "--policies"])
            .arg(policies)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .env_remove("CLAUSE_TOKEN");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let unread_stderr = child.stderr.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!(
                    "the server did not start: {line:?}\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .to_string();
        Server {
            child,
            base,
            log,
            _unread_stderr: unread_stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// An answer: status, content type, the version header, body.
struct Answer {
    status: u16,
    content_type: String,
    version: Option<String>,
    vary: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn answer(result: Result<ureq::Response, ureq::Error>) -> Answer {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    Answer {
        status: response.status(),
        content_type: response.content_type().to_string(),
        version: response.header("clause-policy-version").map(str::to_string),
        vary: response.header("vary").map(str::to_string),
        body: response.into_string().unwrap(),
    }
}

fn get(url: &str) -> Answer {
    answer(agent().get(url).call())
}

fn post(url: &str, content_type: &str, body: &str) -> Answer {
    answer(
        agent()
            .post(url)
            .set("Content-Type", content_type)
            .send_string(body),
    )
}

/// Asserts a problem+json answer with this status, and returns it.
fn problem(a: &Answer, status: u16) -> Value {
    assert_eq!(a.status, status, "{}", a.body);
    assert_eq!(a.content_type, "application/problem+json", "{}", a.body);
    let p = a.json();
    assert_eq!(p["status"], status);
    assert!(p["type"]
        .as_str()
        .unwrap()
        .starts_with("https://clause.dev/problems/"));
    p
}

/// A copy of some bundled policies in a fresh directory.
fn policy_dir(names: &[&str]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("clause-serve-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in names {
        std::fs::copy(
            root().join("policies").join(format!("{name}.policy")),
            dir.join(format!("{name}.policy")),
        )
        .unwrap();
    }
    dir
}

/// Writes `text` to a hidden file beside `path` and renames it over `path`, as
/// editors do: a reload pass never reads a file half written (which would be
/// refused, and counted, once more).
fn replace_file(path: &Path, text: &str) {
    let hidden = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&hidden, text).unwrap();
    std::fs::rename(&hidden, path).unwrap();
}

fn claim_text() -> String {
    std::fs::read_to_string(root().join("tests/data/imicro-claim.json")).unwrap()
}

/// Polls `f` up to 100 times, 100 ms apart, until it gives `Some`.
fn eventually<T>(what: &str, f: impl FnMut() -> Option<T>) -> T {
    eventually_within(what, 100, f)
}

/// Polls `f` up to `tries` times, 100 ms apart, until it gives `Some`.
fn eventually_within<T>(what: &str, tries: u32, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..tries {
        if let Some(t) = f() {
            return t;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not happen within {tries} tries");
}

/// Claims sent at the same time are evaluated back to back, in rounds (see
/// `src/adapters/serve/gather.rs`): each request still gets its own claim's
/// answer, the same as when it is sent alone, and rounds do form.
#[test]
fn claims_sent_at_once_each_get_their_own_answer() {
    let server = Server::start(Path::new("policies"), &[]);
    // Every case's claim, with the answer it gets alone (which the test above
    // compares with `clause eval`'s).
    let mut alone = Vec::new();
    for cases_path in super::support::files(&root().join("policies"), ".cases.json") {
        let file = clause::cases::load(&cases_path).unwrap();
        let name = file.policy.trim_end_matches(".policy").to_string();
        let url = server.url(&format!("/v1/policies/{name}/evaluate"));
        for case in &file.cases {
            let claim = serde_json::to_string(&case.claim).unwrap();
            let a = post(&url, "application/json", &claim);
            alone.push((url.clone(), claim, a));
        }
    }
    assert!(alone.len() > 100, "only {} claims", alone.len());
    assert!(alone.iter().any(|(_, _, a)| a.status == 200));
    assert!(alone.iter().any(|(_, _, a)| a.status == 400));
    let alone = std::sync::Arc::new(alone);
    // Eight clients at once, each through every claim, each starting at a
    // different claim, so that different claims are in flight together; again
    // (at most 10 times) until the metrics show a round of more than one claim.
    const CLIENTS: usize = 8;
    let counter = |text: &str, name: &str| -> u64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in /metrics"));
        line[name.len() + 1..].parse().unwrap()
    };
    let mut passes = 0;
    loop {
        passes += 1;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let alone = alone.clone();
                std::thread::spawn(move || {
                    let agent = agent();
                    let n = alone.len();
                    for k in 0..n {
                        let (url, claim, expected) = &alone[(k + c * n / CLIENTS) % n];
                        let got = answer(
                            agent
                                .post(url)
                                .set("Content-Type", "application/json")
                                .send_string(claim),
                        );
                        assert_eq!(got.status, expected.status, "{claim}");
                        assert_eq!(got.body, expected.body, "{claim}");
                        assert_eq!(got.version, expected.version, "{claim}");
                    }
                    n
                })
            })
            .collect();
        let answered: usize = clients.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(answered, CLIENTS * alone.len());
        let metrics = get(&server.url("/metrics")).body;
        let rounds = counter(&metrics, "clause_claim_rounds_total");
        let in_rounds = counter(&metrics, "clause_claim_round_claims_total");
        if in_rounds > rounds {
            break;
        }
        assert!(
            passes < 10,
            "{passes} passes: {in_rounds} claims in {rounds} rounds"
        );
    }
}

#[test]
fn verdicts_over_http_equal_clause_eval_for_every_case() {
    let server = Server::start(Path::new("policies"), &[]);
    let list = get(&server.url("/v1/policies")).json();
    let mut compared = 0;
    for cases_path in super::support::files(&root().join("policies"), ".cases.json") {
        let file = clause::cases::load(&cases_path).unwrap();
        let name = file.policy.trim_end_matches(".policy").to_string();
        let version = list["policies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name.as_str())
            .map(|p| p["version"].as_str().unwrap().to_string())
            .unwrap();
        for case in &file.cases {
            let claim = serde_json::to_string(&case.claim).unwrap();
            let http = post(
                &server.url(&format!("/v1/policies/{name}/evaluate")),
                "application/json",
                &claim,
            );
            let claim_file = std::env::temp_dir().join(format!(
                "clause-serve-claim-{}-{}.json",
                std::process::id(),
                unique()
            ));
            std::fs::write(&claim_file, &claim).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_clause"))
                .current_dir(root())
                .args(["eval", &format!("policies/{name}.policy"), "--claim"])
                .arg(&claim_file)
                .output()
                .unwrap();
            let _ = std::fs::remove_file(&claim_file);
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => {
                    assert_eq!(http.status, 200, "{name} {}: {}", case.name, http.body);
                    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
                    assert_eq!(http.json(), cli, "{name} {}", case.name);
                    assert_eq!(cli["policy_version"], version.as_str());
                    assert_eq!(http.version.as_deref(), Some(version.as_str()));
                }
                Some(1) => {
                    let p = problem(&http, 400);
                    assert_eq!(p["type"], "https://clause.dev/problems/invalid-claim");
                    for e in p["errors"].as_array().unwrap() {
                        let path = e["path"].as_str().unwrap();
                        let message = e["message"].as_str().unwrap();
                        assert!(
                            stderr.contains(message) && stderr.contains(path),
                            "{name} {}: {path}: {message} not in {stderr}",
                            case.name
                        );
                    }
                }
                code => panic!("clause eval exited {code:?}: {stderr}"),
            }
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} cases compared");
}

#[test]
fn a_batch_of_mixed_lines_gives_one_record_per_line_in_order() {
    let server = Server::start(Path::new("policies"), &["--max-line-bytes", "4096"]);
    let claim = claim_text().replace(['\n', '\r'], "");
    let other = claim.replace("imicro-v1", "second");
    let missing_order = r#"{"claim_id": "no-order", "items": [], "claim": {}}"#;
    let long = format!("{{\"claim_id\": \"{}\"}}", "x".repeat(10_000));
    let mut body: Vec<u8> = Vec::new();
    let lines: Vec<&[u8]> = vec![
        claim.as_bytes(),
        b"{not json",
        b"",
        missing_order.as_bytes(),
        b"\xff\xfe not utf-8",
        long.as_bytes(),
        other.as_bytes(),
    ];
    for l in &lines {
        body.extend_from_slice(l);
        body.push(b'\n');
    }
    // A line with CRLF, and a last line without a line end.
    body.extend_from_slice(claim.as_bytes());
    body.extend_from_slice(b"\r\n");
    body.extend_from_slice(other.as_bytes());
    let response = agent()
        .post(&server.url("/v1/policies/imicro/evaluate"))
        .set("Content-Type", "application/x-ndjson")
        .send_bytes(&body)
        .unwrap();
    assert_eq!(response.content_type(), "application/x-ndjson");
    let text = response.into_string().unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 9, "{text}");
    let verdict_ids = [
        (0, "imicro-v1"),
        (6, "second"),
        (7, "imicro-v1"),
        (8, "second"),
    ];
    for (i, id) in verdict_ids {
        assert_eq!(records[i]["claim_id"], id, "record {i}: {}", records[i]);
        assert!(records[i]["decision"].is_string());
        assert!(records[i]["policy_version"]
            .as_str()
            .unwrap()
            .starts_with("sha256:"));
    }
    for i in [1, 2, 3, 4, 5] {
        assert_eq!(records[i]["line"], i + 1, "record {i}: {}", records[i]);
        assert!(!records[i]["errors"].as_array().unwrap().is_empty());
    }
    assert_eq!(records[3]["errors"][0]["path"], "order");
    assert!(records[5]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("longer than 4096 bytes"));

    // Many blocks: lines in = records out, in order, and each verdict is the CLI's.
    let n = 3000;
    let mut big = String::new();
    for i in 0..n {
        if i % 7 == 3 {
            big.push_str("{\"claim_id\": 1}\n");
        } else {
            big.push_str(&claim.replace("imicro-v1", &format!("c{i}")));
            big.push('\n');
        }
    }
    let text = agent()
        .post(&server.url("/v1/policies/imicro/evaluate"))
        .set("Content-Type", "application/x-ndjson")
        .send_string(&big)
        .unwrap()
        .into_string()
        .unwrap();
    let http: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(http.len(), n);
    let claims_file =
        std::env::temp_dir().join(format!("clause-serve-batch-{}", std::process::id()));
    std::fs::write(&claims_file, &big).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_clause"))
        .current_dir(root())
        .args(["eval", "policies/imicro.policy", "--claims"])
        .arg(&claims_file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&claims_file);
    let cli: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cli.len(), n);
    for (i, (h, c)) in http.into_iter().zip(cli).enumerate() {
        assert_eq!(h, c, "line {}", i + 1);
    }
}

#[test]
fn hot_reload_takes_good_edits_keeps_the_last_good_version_and_drops_deleted_files() {
    let dir = policy_dir(&["imicro", "boutique"]);
    let server = Server::start(&dir, &["--reload-interval", "100"]);
    let version = |s: &Server| -> Option<String> {
        get(&s.url("/v1/policies/imicro"))
            .json()
            .get("version")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let v1 = version(&server).unwrap();
    let evaluate = |s: &Server| {
        post(
            &s.url("/v1/policies/imicro/evaluate"),
            "application/json",
            &claim_text(),
        )
    };

    // A good edit replaces the version.
    let path = dir.join("imicro.policy");
    let text = std::fs::read_to_string(&path).unwrap();
    replace_file(&path, &format!("{text}\n# edited\n"));
    let v2 = eventually("the good edit", || version(&server).filter(|v| *v != v1));
    let a = evaluate(&server);
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["policy_version"], v2.as_str());

    // A broken edit: the last good version keeps serving, the diagnostics are on
    // the policy's endpoint and in the log.
    replace_file(&path, "policy imicro \"broken\" {\n  currency XYZ\n");
    let detail = eventually("the broken edit", || {
        let d = get(&server.url("/v1/policies/imicro")).json();
        (d["status"] == "stale").then_some(d)
    });
    assert_eq!(detail["version"], v2.as_str());
    let refused = &detail["refused"];
    assert!(!refused["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(refused["diagnostics"][0]["severity"], "error");
    let a = evaluate(&server);
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["policy_version"], v2.as_str());
    // Log lines are written by a thread of their own, a moment later.
    eventually("the refusal in the log", || {
        server.log().contains("policy refused").then_some(())
    });

    // Fixed again: serving the new text.
    replace_file(&path, &text);
    eventually("the fix", || {
        let d = get(&server.url("/v1/policies/imicro")).json();
        (d["status"] == "ok" && d["version"] == v1.as_str()).then_some(())
    });

    // Deleted: no longer served.
    std::fs::remove_file(&path).unwrap();
    eventually("the deletion", || {
        (get(&server.url("/v1/policies/imicro")).status == 404).then_some(())
    });
    problem(&evaluate(&server), 404);
    assert_eq!(get(&server.url("/v1/policies/boutique")).status, 200);
    // The reload is counted just after the swap, by another task.
    let metrics = eventually("the removal counted", || {
        let m = get(&server.url("/metrics")).body;
        m.contains("clause_policy_reloads_total{policy=\"imicro\",result=\"removed\"} 1")
            .then_some(m)
    });
    assert!(
        metrics.contains("clause_policy_reloads_total{policy=\"imicro\",result=\"refused\"} 1"),
        "{metrics}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sends raw bytes on a new connection and returns what comes back before the
/// server closes it (bounded by a read timeout).
fn raw(addr: &str, send: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(send).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).to_string()
}

/// Sends `head` on a new connection, then one byte of body every 200 ms (at
/// most `tries` bytes, so at most `tries` / 5 seconds) until the server
/// answers; returns what came back before the server closed the connection.
fn trickle(addr: &str, head: &[u8], tries: u32) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(head).unwrap();
    let mut out = Vec::new();
    for _ in 0..tries {
        if s.write_all(b" ").is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
        s.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 4096];
        if let Ok(n) = s.read(&mut buf) {
            out.extend_from_slice(&buf[..n]);
        }
        s.set_nonblocking(false).unwrap();
        if !out.is_empty() {
            break;
        }
    }
    if !out.is_empty() {
        let _ = s.read_to_end(&mut out);
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A request body that sends `first`, then waits for a word on `gate`, then sends `rest`.
struct Gated {
    parts: Vec<Vec<u8>>,
    gate: Option<mpsc::Receiver<()>>,
    pos: usize,
}

impl Read for Gated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let Some(part) = self.parts.first_mut() else {
                return Ok(0);
            };
            if self.pos < part.len() {
                let n = (part.len() - self.pos).min(buf.len());
                buf[..n].copy_from_slice(&part[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            self.parts.remove(0);
            self.pos = 0;
            if !self.parts.is_empty() {
                if let Some(gate) = &self.gate {
                    let _ = gate.recv_timeout(Duration::from_secs(60));
                }
            }
        }
    }
}

#[test]
fn every_limit_is_answered_with_its_status() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start_with_env(
        &dir,
        &[
            "--max-body-bytes",
            "30000",
            "--max-policy-bytes",
            "20000",
            "--max-concurrency",
            "1",
            "--request-timeout",
            "3",
            "--header-timeout",
            "1",
            "--body-timeout",
            "1",
        ],
        &[("CLAUSE_TOKEN", "sesame")],
    );
    let claim = claim_text();
    let with_token = |r: ureq::Request| r.set("Authorization", "Bearer sesame");
    let evaluate = server.url("/v1/policies/imicro/evaluate");

    // The bearer token: 401 without it or with another, 200 with it; health is open.
    let a = answer(
        agent()
            .post(&evaluate)
            .set("Content-Type", "application/json")
            .send_string(&claim),
    );
    problem(&a, 401);
    let a = answer(
        agent()
            .post(&evaluate)
            .set("Authorization", "Bearer nope")
            .send_string(&claim),
    );
    problem(&a, 401);
    let a = answer(
        with_token(agent().post(&evaluate))
            .set("Content-Type", "application/json")
            .send_string(&claim),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(get(&server.url("/healthz")).status, 200);

    // Body size: 413.
    let big = format!("{{\"claim_id\": \"{}\"}}", "x".repeat(40_000));
    let a = answer(
        with_token(agent().post(&evaluate))
            .set("Content-Type", "application/json")
            .send_string(&big),
    );
    problem(&a, 413);
    // A policy text larger than --max-policy-bytes: 413, as JSON and as text.
    let long_policy = serde_json::json!({"policy": "#".repeat(25_000)}).to_string();
    let a = answer(
        with_token(agent().post(&server.url("/v1/check")))
            .set("Content-Type", "application/json")
            .send_string(&long_policy),
    );
    problem(&a, 413);
    let a = answer(
        with_token(agent().post(&server.url("/v1/check")))
            .set("Content-Type", "text/plain")
            .send_string(&"#".repeat(25_000)),
    );
    problem(&a, 413);
    // Content type: 415.
    let a = answer(
        with_token(agent().post(&evaluate))
            .set("Content-Type", "application/xml")
            .send_string("<claim/>"),
    );
    problem(&a, 415);
    // A bad claim: 400 naming the JSON path; a bad request body: 400 naming the field.
    let a = answer(
        with_token(agent().post(&evaluate))
            .set("Content-Type", "application/json")
            .send_string(r#"{"claim_id": "c"}"#),
    );
    let p = problem(&a, 400);
    assert_eq!(p["errors"][0]["path"], "order");
    let a = answer(
        with_token(agent().post(&server.url("/v1/evaluate")))
            .set("Content-Type", "application/json")
            .send_string(r#"{"policy": "x"}"#),
    );
    assert_eq!(problem(&a, 400)["errors"][0]["path"], "claim");
    // Nesting past what the JSON reading takes is named as such (it was "not
    // valid JSON: recursion limit exceeded"), for a claim and for a body.
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for (url, body) in [
        (&evaluate, format!(r#"{{"claim_id": "c", "x": {deep}}}"#)),
        (
            &server.url("/v1/evaluate"),
            format!(r#"{{"policy": {deep}}}"#),
        ),
    ] {
        let a = answer(
            with_token(agent().post(url))
                .set("Content-Type", "application/json")
                .send_string(&body),
        );
        let p = problem(&a, 400);
        let message = p["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("nests lists and objects deeper than 127 levels (at line 1 column"),
            "{p}"
        );
    }
    // An unknown policy: 404.
    let a = answer(with_token(agent().get(&server.url("/v1/policies/nope"))).call());
    problem(&a, 404);

    // Headers that stall: 408, then the connection closes; counted as a
    // request and an error (it was in neither).
    let out = raw(&server.addr(), b"GET /healthz HTTP/1.1\r\nHost: x\r\n");
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    let metrics = get(&server.url("/metrics")).body;
    assert_eq!(
        metric(
            &metrics,
            "clause_http_requests_total{route=\"unmatched\",method=\"other\",status=\"408\"}"
        ),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            "clause_http_errors_total{type=\"header-timeout\"}"
        ),
        Some(1.0),
        "{metrics}"
    );
    // A policy name that is not UTF-8 once decoded names no policy: 404 as
    // problem+json (it was axum's plain-text 400).
    for (method, path) in [
        ("GET", "/v1/policies/%ff"),
        ("GET", "/v1/policies/%ff/page"),
        ("POST", "/v1/policies/%ff/evaluate"),
        ("POST", "/v1/policies/%ff/explain"),
    ] {
        let a = answer(
            with_token(agent().request(method, &server.url(path)))
                .set("Content-Type", "application/json")
                .send_string("{}"),
        );
        let p = problem(&a, 404);
        assert!(
            p["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("not UTF-8"),
            "{path}: {p}"
        );
    }
    // A body that stalls: 408.
    let out = raw(
        &server.addr(),
        b"POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sesame\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{\"claim",
    );
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    assert!(out.contains("body-timeout"), "{out}");
    // A body that trickles in, never idle for the body timeout but past the
    // request timeout: 408 (request-timeout). On a server of its own whose body
    // timeout is far above the pauses between bytes, so that a slow moment of
    // the machine cannot turn it into a body timeout.
    let slow = Server::start(&dir, &["--request-timeout", "3", "--body-timeout", "30"]);
    let out = trickle(
        &slow.addr(),
        b"POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sesame\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 100\r\n\r\n",
        40,
    );
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    assert!(out.contains("request-timeout"), "{out}");
    let metrics = get(&slow.url("/metrics")).body;
    assert!(
        metrics.contains("clause_http_errors_total{type=\"request-timeout\"}"),
        "{metrics}"
    );

    let metrics = get(&server.url("/metrics")).body;
    for kind in [
        "unauthorized",
        "too-large",
        "unsupported-media-type",
        "invalid-claim",
        "not-found",
        "body-timeout",
    ] {
        assert!(
            metrics.contains(&format!("clause_http_errors_total{{type=\"{kind}\"}}")),
            "{kind}: {metrics}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_drains_requests_in_flight_then_exits() {
    // The batch's body pauses while the test waits (up to 20 s in two
    // `eventually`s): the body timeout must not end it first.
    let mut server = Server::start(Path::new("policies"), &["--body-timeout", "60"]);
    let claim = format!("{}\n", claim_text().replace('\n', ""));
    let (go, gate) = mpsc::channel();
    let body = Gated {
        // More than ureq buffers before it writes, so the first part reaches the server.
        parts: vec![claim.repeat(40).into_bytes(), claim.repeat(40).into_bytes()],
        gate: Some(gate),
        pos: 0,
    };
    let url = server.url("/v1/policies/imicro/evaluate");
    let batch = std::thread::spawn(move || {
        agent()
            .post(&url)
            .set("Content-Type", "application/x-ndjson")
            .send(body)
            .map(|r| r.into_string().unwrap())
            .map_err(|e| e.to_string())
    });
    // The batch is in flight once its first lines have been counted.
    eventually("the batch in flight", || {
        let m = get(&server.url("/metrics")).body;
        m.contains("route=\"/v1/policies/{name}/evaluate\"")
            .then_some(())
    });
    std::thread::sleep(Duration::from_millis(200));
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // New connections are refused once the listener has closed.
    eventually("the listener to close", || {
        TcpStream::connect(server.addr()).is_err().then_some(())
    });
    go.send(()).unwrap();
    let records = batch.join().unwrap().unwrap();
    assert_eq!(records.lines().count(), 80, "{records}");
    let exit = eventually("the server to exit", || server.child.try_wait().unwrap());
    assert!(exit.success(), "{exit:?}\n{}", server.log());
    assert!(
        server.log().contains("every connection closed"),
        "{}",
        server.log()
    );
}

#[test]
fn the_playground_api_checks_formats_evaluates_renders_and_runs_cases() {
    let server = Server::start(Path::new("policies"), &[]);
    let text = std::fs::read_to_string(root().join("policies/imicro.policy")).unwrap();
    let body = |extra: Value| {
        let mut v = serde_json::json!({"policy": text});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v.to_string()
    };
    // check: lint findings for a good text; errors with places for a bad one.
    let a = post(
        &server.url("/v1/check"),
        "application/json",
        &body(serde_json::json!({})),
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["ok"], true);
    let broken = text.replace("currency USD", "currency XYZ");
    let a = post(&server.url("/v1/check"), "text/plain", &broken);
    let c = a.json();
    assert_eq!(c["ok"], false);
    let d = &c["diagnostics"][0];
    assert_eq!(d["code"], "clause::unknown-currency");
    let label = &d["labels"][0];
    assert_eq!(
        &broken[label["start"].as_u64().unwrap() as usize..label["end"].as_u64().unwrap() as usize],
        "XYZ"
    );
    // fmt: the canonical layout, or 422 with diagnostics.
    let a = post(
        &server.url("/v1/fmt"),
        "application/json",
        &body(serde_json::json!({})),
    );
    assert_eq!(
        a.json()["formatted"].as_str().unwrap(),
        clause::format("p", &text).unwrap()
    );
    let a = post(&server.url("/v1/fmt"), "text/plain", "policy p {");
    assert!(!problem(&a, 422)["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
    // evaluate: verdict, explanation and timeline; the timeline's window ends are the verdict's deadlines.
    let claim: Value = serde_json::from_str(&claim_text()).unwrap();
    let a = post(
        &server.url("/v1/evaluate"),
        "application/json",
        &body(serde_json::json!({"claim": claim})),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let e = a.json();
    assert_eq!(e["verdict"]["decision"], "approve");
    assert!(!e["explanation"].as_str().unwrap().is_empty());
    for deadline in e["verdict"]["deadlines"].as_array().unwrap() {
        let window = e["timeline"]["windows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == deadline["name"])
            .unwrap();
        assert_eq!(window["end"], deadline["ends"]);
    }
    assert_eq!(e["timeline"]["weekend"], serde_json::json!([6, 7]));
    let mut bad_claim = claim.clone();
    bad_claim["items"][0]["price"] = Value::String("lots".into());
    let a = post(
        &server.url("/v1/evaluate"),
        "application/json",
        &body(serde_json::json!({"claim": bad_claim})),
    );
    let p = problem(&a, 400);
    assert!(
        p["errors"][0]["path"]
            .as_str()
            .unwrap()
            .starts_with("claim.items[0].price"),
        "{p}"
    );
    // render: the page as HTML.
    let a = post(
        &server.url("/v1/render"),
        "application/json",
        &body(serde_json::json!({})),
    );
    assert!(a.content_type.starts_with("text/html"));
    assert!(a.body.contains("<html"));
    // cases/run: the bundled cases pass, with coverage.
    let cases: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("policies/imicro.cases.json")).unwrap(),
    )
    .unwrap();
    let a = post(
        &server.url("/v1/cases/run"),
        "application/json",
        &body(serde_json::json!({"cases": cases})),
    );
    let run = a.json();
    assert_eq!(run["failed"], 0, "{run}");
    assert!(run["passed"].as_u64().unwrap() > 10);
    assert!(!run["rules"].as_array().unwrap().is_empty());
    // policies: source, version and the cases file.
    let d = get(&server.url("/v1/policies/imicro")).json();
    assert_eq!(d["source"].as_str().unwrap(), text);
    assert_eq!(d["cases"], cases);
    // schemas and the OpenAPI document, whose claim schema is the contract's.
    let schema: Value = get(&server.url("/schema/claim.schema.json")).json();
    assert_eq!(schema["title"], "Clause claim");
    let doc = get(&server.url("/openapi.json")).json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["schemas"]["Claim"]["required"],
        schema["required"]
    );
    let evaluate = &doc["paths"]["/v1/policies/{name}/evaluate"]["post"];
    assert!(evaluate.is_object());
    // A panic in a claim's evaluation is answered, and documented, as a 500.
    assert!(evaluate["responses"]["500"].is_object(), "{evaluate}");
    let page = get(&server.url("/v1/policies/imicro/page"));
    assert!(page.body.contains("<html"));
    let root_page = get(&server.url("/"));
    assert_eq!(root_page.status, 200);
}

#[test]
fn requests_beyond_the_concurrency_limit_get_503_while_a_batch_streams() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start(&dir, &["--max-concurrency", "1"]);
    let claim = claim_text();
    let evaluate = server.url("/v1/policies/imicro/evaluate");
    // Concurrency: a batch holds the one slot while it streams; another request gets 503.
    // A poll can take the slot just as the batch arrives (then the batch is the one
    // refused): the batch is sent again, at most 10 times.
    let first = format!("{}\n", claim.replace('\n', ""));
    let mut attempt = 0;
    let (refused, go, batch) = loop {
        attempt += 1;
        assert!(attempt <= 10, "the batch never held the slot");
        let (go, gate) = mpsc::channel();
        let body = Gated {
            // Far more than ureq buffers before it writes (about 600 KB), so the
            // first part reaches the server whatever the client's buffer size.
            parts: vec![first.repeat(400).into_bytes(), first.clone().into_bytes()],
            gate: Some(gate),
            pos: 0,
        };
        let url = evaluate.clone();
        let batch = std::thread::spawn(move || {
            agent()
                .post(&url)
                .set("Content-Type", "application/x-ndjson")
                .send(body)
                .map(|r| r.into_string().unwrap())
                .map_err(|e| e.to_string())
        });
        let mut refused = None;
        for _ in 0..100 {
            if batch.is_finished() {
                break;
            }
            let a = answer(agent().get(&server.url("/v1/policies")).call());
            if a.status == 503 {
                refused = Some(a);
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        match refused {
            Some(a) => break (a, go, batch),
            None => {
                // The batch was refused (or never held the slot): try again.
                let _ = go.send(());
                let _ = batch.join();
            }
        }
    };
    let p = problem(&refused, 503);
    assert_eq!(p["type"], "https://clause.dev/problems/overloaded");
    go.send(()).unwrap();
    let records = batch.join().unwrap().unwrap();
    assert_eq!(records.lines().count(), 401, "{records}");
    let a = answer(agent().get(&server.url("/v1/policies")).call());
    assert_eq!(a.status, 200);

    let metrics = get(&server.url("/metrics")).body;
    assert!(
        metrics.contains("clause_http_errors_total{type=\"overloaded\"}"),
        "{metrics}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_playground_page_is_served_at_the_root_with_its_assets() {
    let server = Server::start(Path::new("policies"), &[]);
    let page = get(&server.url("/"));
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.body.contains("Clause playground"));
    assert!(page.body.contains("./app.js") && page.body.contains("./app.css"));
    // The embedded files are the committed build.
    let js = get(&server.url("/app.js"));
    assert_eq!(js.status, 200);
    assert!(js.content_type.starts_with("text/javascript"));
    assert_eq!(
        js.body,
        std::fs::read_to_string(root().join("web/dist/app.js")).unwrap()
    );
    let css = get(&server.url("/app.css"));
    assert_eq!(css.status, 200);
    assert!(css.content_type.starts_with("text/css"));
    let csp = agent()
        .get(&server.url("/"))
        .call()
        .unwrap()
        .header("content-security-policy")
        .map(str::to_string)
        .unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
}

#[test]
fn boundary_cases_over_http_sit_on_each_side_of_the_window() {
    let server = Server::start(Path::new("policies"), &[]);
    let text = std::fs::read_to_string(root().join("policies/imicro.policy")).unwrap();
    let cases = clause::cases::load(&root().join("policies/imicro.cases.json")).unwrap();
    let body = serde_json::json!({"policy": text, "claim": cases.cases[0].claim}).to_string();
    let a = post(
        &server.url("/v1/cases/boundaries"),
        "application/json",
        &body,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let drafts = a.json()["cases"].as_array().unwrap().clone();
    let find = |name: &str| {
        drafts
            .iter()
            .find(|d| d["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    let inside = find("return_window-last-day-inside-filed_at");
    assert_eq!(inside["expect"]["decision"], "approve");
    assert_eq!(inside["verdict"]["decision"], "approve");
    assert_eq!(
        inside["claim"]["claim"]["filed_at"],
        "2023-10-01T23:59:00-07:00"
    );
    let outside = find("return_window-first-day-outside-filed_at");
    assert_eq!(outside["expect"]["decision"], "deny");
    // The claim must be an object.
    let body = serde_json::json!({"policy": text, "claim": 3}).to_string();
    let a = post(
        &server.url("/v1/cases/boundaries"),
        "application/json",
        &body,
    );
    assert_eq!(problem(&a, 400)["errors"][0]["path"], "claim");
    // A key given twice in the claim is refused, as /v1/evaluate refuses it,
    // not read as its last value.
    let claim = serde_json::to_string(&cases.cases[0].claim).unwrap();
    let twice = claim.replacen(
        "\"reason\":",
        "\"reason\": \"damaged_in_transit\", \"reason\":",
        1,
    );
    assert_ne!(twice, claim);
    let body = format!(
        "{{\"policy\": {}, \"claim\": {twice}}}",
        serde_json::to_string(&text).unwrap()
    );
    let a = post(
        &server.url("/v1/cases/boundaries"),
        "application/json",
        &body,
    );
    let p = problem(&a, 400);
    assert_eq!(p["errors"][0]["path"], "claim.claim.reason", "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than once"),
        "{p}"
    );
}

#[test]
fn saving_a_cases_file_needs_allow_write_and_a_file_clause_test_reads() {
    let original = std::fs::read_to_string(root().join("policies/imicro.cases.json")).unwrap();
    let mut file: Value = serde_json::from_str(&original).unwrap();
    file["cases"][0]["name"] = Value::String("renamed-by-the-playground".into());
    let body = serde_json::json!({"name": "imicro", "cases": file}).to_string();

    // Without --allow-write: 403, and nothing is written.
    let dir = policy_dir(&["imicro"]);
    let server = Server::start(&dir, &[]);
    let a = post(&server.url("/v1/cases/save"), "application/json", &body);
    assert_eq!(problem(&a, 403)["title"], "Writing is not allowed");
    drop(server);

    let server = Server::start(&dir, &["--allow-write"]);
    let a = post(&server.url("/v1/cases/save"), "application/json", &body);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["path"], "imicro.cases.json");
    let written = std::fs::read_to_string(dir.join("imicro.cases.json")).unwrap();
    assert!(written.contains("renamed-by-the-playground"));
    assert!(written.ends_with('\n'));
    // The policy's detail now carries the new file.
    let detail = get(&server.url("/v1/policies/imicro")).json();
    assert_eq!(
        detail["cases"]["cases"][0]["name"],
        "renamed-by-the-playground"
    );

    // A file clause test could not read is refused and the one there is kept.
    let bad =
        serde_json::json!({"name": "imicro", "cases": {"policy": "imicro.policy"}}).to_string();
    let a = post(&server.url("/v1/cases/save"), "application/json", &bad);
    assert_eq!(problem(&a, 400)["errors"][0]["path"], "cases");
    assert_eq!(
        std::fs::read_to_string(dir.join("imicro.cases.json")).unwrap(),
        written
    );
    // A file that names another policy is refused too (it was written, and
    // `clause test` then read it against that policy).
    let mut elsewhere = file.clone();
    elsewhere["policy"] = Value::String("other.policy".into());
    let a = post(
        &server.url("/v1/cases/save"),
        "application/json",
        &serde_json::json!({"name": "imicro", "cases": elsewhere}).to_string(),
    );
    let p = problem(&a, 400);
    assert_eq!(p["errors"][0]["path"], "cases.policy", "{p}");
    assert_eq!(
        std::fs::read_to_string(dir.join("imicro.cases.json")).unwrap(),
        written
    );
    // An unknown policy: 404.
    let other = serde_json::json!({"name": "nope", "cases": file}).to_string();
    let a = post(&server.url("/v1/cases/save"), "application/json", &other);
    problem(&a, 404);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_timeline_draws_every_event_the_claim_carries_and_says_which_the_policy_reads() {
    let server = Server::start(Path::new("policies"), &[]);
    let text = std::fs::read_to_string(root().join("policies/imicro.policy")).unwrap();
    let cases: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("policies/imicro.cases.json")).unwrap(),
    )
    .unwrap();
    // imicro's example claim: the first case of its cases file (the base claim, nothing set).
    assert_eq!(cases["cases"][0]["set"], serde_json::json!({}));
    let mut claim = cases["base"].clone();
    assert_eq!(claim["order"]["delivered_at"], "2023-09-05T13:10:00-07:00");
    // An event the policy does not read is not validated: one that is not a date is left out.
    claim["claim"]["authorized_at"] = Value::String("soon".into());
    let body = serde_json::json!({"policy": text, "claim": claim}).to_string();
    let a = post(&server.url("/v1/evaluate"), "application/json", &body);
    assert_eq!(a.status, 200, "{}", a.body);
    let events: Vec<(String, String, String, bool)> = a.json()["timeline"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["label"].as_str().unwrap().to_string(),
                e["at"].as_str().unwrap().to_string(),
                e["read"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = [
        (
            "order.placed_at",
            "Ordered",
            "2023-09-01T10:00:00-07:00",
            true,
        ),
        ("order.invoiced_at", "Invoiced", "2023-09-01", true),
        (
            "order.shipped_at",
            "Shipped",
            "2023-09-02T15:30:00-07:00",
            false,
        ),
        (
            "order.delivered_at",
            "Delivered",
            "2023-09-05T13:10:00-07:00",
            false,
        ),
        (
            "claim.filed_at",
            "Claim filed",
            "2023-09-12T09:00:00-07:00",
            true,
        ),
        (
            "claim.return_label_issued_at",
            "Return label issued",
            "2023-09-12",
            true,
        ),
        (
            "claim.return_shipped_at",
            "Shipped back",
            "2023-09-13",
            false,
        ),
        (
            "claim.return_received_at",
            "Return received",
            "2023-09-18",
            true,
        ),
    ];
    let got: Vec<(&str, &str, &str, bool)> = events
        .iter()
        .map(|(n, l, at, r)| (n.as_str(), l.as_str(), at.as_str(), *r))
        .collect();
    assert_eq!(&got[..want.len()], &want[..], "{got:?}");
    // as_of last: the claim's own, or claim.filed_at when it has none.
    assert_eq!(got.len(), want.len() + 1, "{got:?}");
    assert_eq!(
        (got[want.len()].0, got[want.len()].1),
        ("as_of", "Judged as of")
    );
}

#[test]
fn clause_playground_refuses_allow_write_without_a_policies_folder() {
    let out = Command::new(env!("CARGO_BIN_EXE_clause"))
        .args(["playground", "--no-open", "--allow-write"])
        .current_dir(std::env::temp_dir())
        .env_remove("CLAUSE_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--allow-write needs --policies DIR")
            && stderr.contains("deleted when it stops"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn clause_playground_serves_the_bundled_policies_and_the_page() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clause"))
        .args(["playground", "--no-open"])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("CLAUSE_TOKEN")
        .spawn()
        .unwrap();
    // The address is chosen before the server starts, and said on standard error.
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    // Read to the end: the server's logs go there too, and a closed pipe would stop it.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = tx.send(line.unwrap_or_default());
        }
    });
    let said = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
    let Some(base) = said
        .strip_prefix("playground at ")
        .and_then(|rest| rest.split('/').nth(2))
        .map(|host| format!("http://{host}"))
    else {
        let _ = child.kill();
        panic!("clause playground did not say where it is: {said:?}")
    };
    assert!(said.contains("the bundled policies"), "{said}");
    // Bounded wait for the server to answer.
    eventually("the playground answers", || {
        agent().get(&format!("{base}/healthz")).call().ok()
    });
    let names: Vec<String> = get(&format!("{base}/v1/policies")).json()["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        ["boutique", "imicro", "imirror", "import-express", "imro"]
    );
    let detail = get(&format!("{base}/v1/policies/imicro")).json();
    assert!(detail["cases"]["cases"].as_array().unwrap().len() > 10);
    // The merchant's page is written beside the policy too.
    assert!(detail["page"]
        .as_str()
        .unwrap()
        .contains("iMicro Return Policy"));
    assert!(get(&format!("{base}/")).body.contains("Clause playground"));
    let _ = child.kill();
    let _ = child.wait();
}

/// Two versions of imicro in one folder (the 30-day window from 2023-01-01, a
/// 45-day window from 2023-12-01), as in `versions.rs`.
fn versions_dir() -> PathBuf {
    let dir = policy_dir(&[]);
    super::support::write_imicro_versions(&dir);
    dir
}

fn claim_placed(placed: &str) -> String {
    let mut claim: Value = serde_json::from_str(&claim_text()).unwrap();
    claim["order"]["placed_at"] = Value::from(placed);
    claim.to_string()
}

#[test]
fn a_policy_and_its_page_on_a_day_are_the_version_in_force_that_day() {
    let dir = versions_dir();
    let server = Server::start(&dir, &["--reload-interval", "0"]);
    let shown = |query: &str| {
        let a = get(&server.url(&format!("/v1/policies/imicro{query}")));
        assert_eq!(a.status, 200, "{query}: {}", a.body);
        a.json()
    };
    // By default the newest version; on a day, the one in force that day.
    assert_eq!(shown("")["effective_from"], "2023-12-01");
    assert_eq!(shown("?on=2023-11-30")["effective_from"], "2023-01-01");
    assert_eq!(shown("?on=2023-12-01")["effective_from"], "2023-12-01");
    let old = shown("?on=2023-06-15");
    assert_eq!(old["name"], "imicro-2023", "{old}");
    assert!(old["source"]
        .as_str()
        .unwrap()
        .contains("30 days from order.invoiced_at"));
    assert_eq!(old["versions"].as_array().map(Vec::len), Some(2), "{old}");
    // The page too.
    let page = |query: &str| get(&server.url(&format!("/v1/policies/imicro/page{query}")));
    let (newest, then) = (page(""), page("?on=2023-06-15"));
    assert_eq!((newest.status, then.status), (200, 200));
    let (days_30, days_45) = (
        "30 days from the invoice date",
        "45 days from the invoice date",
    );
    assert!(newest.body.contains(days_45) && !newest.body.contains(days_30));
    assert!(then.body.contains(days_30) && !then.body.contains(days_45));
    // A day after the newest version took effect: the newest.
    assert_eq!(page("?on=2031-01-01").body, newest.body);
    // A file's own name on a day before it took effect, and the policy's name
    // before its first version: nothing was in force.
    for path in [
        "/v1/policies/imicro-2024?on=2023-11-30",
        "/v1/policies/imicro?on=2022-12-31",
        "/v1/policies/imicro/page?on=2022-12-31",
    ] {
        let p = problem(&get(&server.url(path)), 404);
        assert!(
            p["detail"].as_str().unwrap().contains("was in force on"),
            "{path}: {p}"
        );
    }
    // A file's own name shows that file on any day from its own.
    for day in ["2023-12-01", "2031-01-01"] {
        let a = get(&server.url(&format!("/v1/policies/imicro-2023?on={day}")));
        assert_eq!(a.status, 200, "{day}");
        assert_eq!(a.json()["name"], "imicro-2023");
    }
    assert_eq!(
        get(&server.url("/v1/policies/imicro-2024?on=2023-12-01")).status,
        200
    );
    // Not a day, or two days: 400 naming the parameter.
    for query in [
        "?on=yesterday",
        "?on=2023-02-30",
        "?on=",
        "?on=2023-01-01&on=2023-12-01",
    ] {
        let p = problem(
            &get(&server.url(&format!("/v1/policies/imicro{query}"))),
            400,
        );
        assert_eq!(p["errors"][0]["path"], "on", "{query}: {p}");
    }
}

#[test]
fn the_server_serves_every_version_and_routes_each_claim_by_its_order_date() {
    let dir = versions_dir();
    let server = Server::start(&dir, &["--reload-interval", "100"]);
    let list = get(&server.url("/v1/policies")).json();
    let versioned = &list["versioned"][0];
    assert_eq!(versioned["policy"], "imicro", "{list}");
    let files: Vec<&str> = versioned["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["imicro-2023", "imicro-2024"]);
    assert_eq!(versioned["versions"][1]["effective_from"], "2023-12-01");

    // One claim: the verdict `clause eval DIR --claim` gives, naming the version.
    let evaluate = server.url("/v1/policies/imicro/evaluate");
    for (placed, day, file) in [
        ("2023-09-01T10:00:00-07:00", "2023-01-01", "imicro-2023"),
        // The last minute of 30 November in Los Angeles is 1 December in UTC.
        ("2023-12-01T07:59:00Z", "2023-01-01", "imicro-2023"),
        ("2023-12-01T08:00:00Z", "2023-12-01", "imicro-2024"),
    ] {
        let claim = claim_placed(placed);
        let http = post(&evaluate, "application/json", &claim);
        assert_eq!(http.status, 200, "{}", http.body);
        let v = http.json();
        assert_eq!(v["policy_effective_from"], day, "{placed}");
        assert_eq!(v["policy_file"], format!("{file}.policy"), "{placed}");
        assert_eq!(http.version.as_deref(), v["policy_version"].as_str());
        let claim_file = dir.join("claim.json");
        std::fs::write(&claim_file, &claim).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_clause"))
            .arg("eval")
            .arg(&dir)
            .arg("--claim")
            .arg(&claim_file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v, cli, "{placed}");
        std::fs::remove_file(&claim_file).unwrap();
        // Explain takes the same version.
        let words = post(
            &server.url("/v1/policies/imicro/explain"),
            "application/json",
            &claim,
        );
        assert_eq!(words.status, 200, "{}", words.body);
        assert_eq!(words.version, http.version);
    }
    // A file's own name reaches that version alone, whatever the order date.
    let pinned = post(
        &server.url("/v1/policies/imicro-2024/evaluate"),
        "application/json",
        &claim_placed("2023-09-01"),
    )
    .json();
    assert_eq!(pinned["policy_effective_from"], "2023-12-01");
    // Before the first version: the field is named.
    let early = post(&evaluate, "application/json", &claim_placed("2022-12-31"));
    let p = problem(&early, 400);
    assert_eq!(p["errors"][0]["path"], "order.placed_at", "{p}");

    // A batch: each line by its own order date; a line too early, an empty
    // one and one that is not JSON get error records; lines in = records out.
    let batch = [
        claim_placed("2023-09-01"),
        claim_placed("2023-12-02"),
        claim_placed("2022-01-01"),
        String::new(),
        "not json".to_string(),
    ]
    .join("\n");
    let answer = post(&evaluate, "application/x-ndjson", &batch);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.version.is_none(),
        "each record names its own version"
    );
    let records: Vec<Value> = answer
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 5, "{}", answer.body);
    assert_eq!(records[0]["policy_effective_from"], "2023-01-01");
    assert_eq!(records[1]["policy_effective_from"], "2023-12-01");
    assert_eq!(records[2]["line"], 3);
    assert_eq!(records[2]["errors"][0]["path"], "order.placed_at");
    assert_eq!(records[3]["errors"][0]["message"], "the line is empty");
    assert_eq!(records[4]["line"], 5);

    // A third file taking effect on a day already taken: the name stops
    // routing and says why; each file is still reached by its own name.
    std::fs::copy(
        dir.join("imicro-2024.policy"),
        dir.join("imicro-copy.policy"),
    )
    .unwrap();
    let conflict = eventually("the conflict is seen", || {
        let a = post(&evaluate, "application/json", &claim_placed("2023-09-01"));
        (a.status == 409).then_some(a)
    });
    let p = problem(&conflict, 409);
    assert!(p["detail"].as_str().unwrap().contains("same day"), "{p}");
    let list = get(&server.url("/v1/policies")).json();
    assert_eq!(list["conflicts"][0]["policy"], "imicro", "{list}");
    let a = post(
        &server.url("/v1/policies/imicro-2023/evaluate"),
        "application/json",
        &claim_text(),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    // Removing it restores the routing.
    std::fs::remove_file(dir.join("imicro-copy.policy")).unwrap();
    eventually("the routing is back", || {
        let a = post(&evaluate, "application/json", &claim_placed("2023-09-01"));
        (a.status == 200).then_some(())
    });
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_page_map_over_http_is_clause_map_and_flags_stale_quotes_and_unaccounted_sentences() {
    // imicro with its page beside it; imirror declares a page that is not there.
    let dir = policy_dir(&["imicro", "imirror"]);
    std::fs::copy(
        root().join("policies/imicro.page.txt"),
        dir.join("imicro.page.txt"),
    )
    .unwrap();
    let server = Server::start(&dir, &[]);
    let text = std::fs::read_to_string(root().join("policies/imicro.policy")).unwrap();
    let page = std::fs::read_to_string(root().join("policies/imicro.page.txt")).unwrap();

    // GET /v1/policies/{name} carries the declared page, or why it could not be read.
    let d = get(&server.url("/v1/policies/imicro")).json();
    assert_eq!(d["page"].as_str().unwrap(), page);
    assert!(d["page_error"].is_null(), "{d}");
    let d = get(&server.url("/v1/policies/imirror")).json();
    assert!(d["page"].is_null(), "{d}");
    assert!(
        d["page_error"]
            .as_str()
            .unwrap()
            .contains("imirror.page.txt"),
        "{d}"
    );

    // POST /v1/map answers what `clause map --format json` says of the same page.
    let map = |policy: &str, page: &str| {
        post(
            &server.url("/v1/map"),
            "application/json",
            &serde_json::json!({"policy": policy, "page": page}).to_string(),
        )
    };
    let a = map(&text, &page);
    assert_eq!(a.status, 200, "{}", a.body);
    let m = a.json();
    let cli = Command::new(env!("CARGO_BIN_EXE_clause"))
        .current_dir(root())
        .args(["map", "policies/imicro.policy", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(m["sentences"], cli["sentences"]);
    assert_eq!(m["summary"], cli["summary"]);
    assert_eq!(m["summary"]["unaccounted"], 0, "{m}");
    assert_eq!(m["summary"]["stale_quotes"], 0, "{m}");
    let sentences = m["sentences"].as_array().unwrap();
    assert!(sentences.len() > 10);
    assert!(sentences.iter().all(|s| s["accounted"] == true));
    assert!(sentences.iter().any(|s| s["quoted_by"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == "rule standard_return")));

    // A changed page: the quotes of the 30 days go stale, each with the closest
    // sentence; the changed sentence and a new one are unaccounted for.
    let edited = page.replace(
        "within 30 days of the invoice date",
        "within 21 days of purchase",
    );
    assert_ne!(edited, page);
    let edited = format!("{edited}\nSocks may be returned on Tuesdays only.\n");
    let m = map(&text, &edited).json();
    assert!(m["summary"]["stale_quotes"].as_u64().unwrap() > 0, "{m}");
    assert_eq!(m["summary"]["unaccounted"], 2, "{m}");
    let stale = m["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["on_page"] == false)
        .unwrap();
    assert!(stale["closeness"].as_u64().unwrap() < 100, "{stale}");
    let closest = stale["sentences"][0].as_u64().unwrap() as usize;
    assert!(m["sentences"][closest]["sentence"]["text"]
        .as_str()
        .unwrap()
        .contains("within 21 days of purchase"));
    assert!(stale["quote"]["at"]
        .as_str()
        .unwrap()
        .starts_with("policy:"));
    let last = m["sentences"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["sentence"]["text"],
        "Socks may be returned on Tuesdays only."
    );
    assert_eq!(last["accounted"], false);

    // Refusals name the field; the page is bounded like a policy text.
    for (body, field) in [
        (serde_json::json!({"policy": text}), "page"),
        (serde_json::json!({"policy": text, "page": 3}), "page"),
        (serde_json::json!({"page": page}), "policy"),
    ] {
        let a = post(
            &server.url("/v1/map"),
            "application/json",
            &body.to_string(),
        );
        assert_eq!(problem(&a, 400)["errors"][0]["path"], field, "{body}");
    }
    let a = map(&text, &"a".repeat((256 << 10) + 1));
    assert!(problem(&a, 413)["detail"]
        .as_str()
        .unwrap()
        .contains("page"));
    let a = map("policy p {", &page);
    problem(&a, 422);
    let a = post(&server.url("/v1/map"), "text/plain", &text);
    problem(&a, 415);
    let doc = get(&server.url("/openapi.json")).json();
    assert!(doc["paths"]["/v1/map"]["post"].is_object());
    assert!(doc["components"]["schemas"]["PageMapOut"].is_object());
}

#[test]
fn a_batch_client_that_expects_100_continue_gets_it_before_sending_its_body() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start(&dir, &[]);
    let claim = serde_json::to_string(&serde_json::from_str::<Value>(&claim_text()).unwrap())
        .unwrap()
        + "\n";
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        claim.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // Nothing of the body is sent until the server says to go on.
    let mut first = [0u8; 25];
    s.read_exact(&mut first).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&first),
        "HTTP/1.1 100 Continue\r\n\r\n"
    );
    s.write_all(claim.as_bytes()).unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    let rest = String::from_utf8_lossy(&rest);
    assert!(rest.starts_with("HTTP/1.1 200 OK"), "{rest}");
    assert!(rest.contains("\"decision\":\"approve\""), "{rest}");
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The value of the metrics line that starts with `series ` (name and labels).
fn metric(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.parse().unwrap())
}

#[test]
fn metrics_count_verdicts_refused_claims_and_the_engines_time_per_claim() {
    let server = Server::start(&policy_dir(&["imicro"]), &[]);
    let url = server.url("/v1/policies/imicro/evaluate");
    for _ in 0..2 {
        assert_eq!(post(&url, "application/json", &claim_text()).status, 200);
    }
    problem(&post(&url, "application/json", "{\"items\": 3}"), 400);
    // A batch counts its verdicts but is not timed claim by claim.
    let line = claim_text().replace('\n', "");
    let batch = post(&url, "application/x-ndjson", &format!("{line}\n{line}\n"));
    assert_eq!(batch.body.lines().count(), 2, "{}", batch.body);
    let m = get(&server.url("/metrics")).body;
    assert_eq!(
        metric(
            &m,
            "clause_verdicts_total{policy=\"imicro\",decision=\"approve\"}"
        ),
        Some(4.0),
        "{m}"
    );
    assert_eq!(
        metric(&m, "clause_claim_errors_total{policy=\"imicro\"}"),
        Some(1.0),
        "{m}"
    );
    let series = "clause_claim_evaluation_seconds";
    assert!(m.contains(&format!("# TYPE {series} histogram")), "{m}");
    let count = metric(&m, &format!("{series}_count{{policy=\"imicro\"}}"));
    assert_eq!(
        count,
        Some(3.0),
        "the two verdicts and the refused claim: {m}"
    );
    let sum = metric(&m, &format!("{series}_sum{{policy=\"imicro\"}}")).unwrap();
    assert!(sum > 0.0 && sum < 60.0, "{m}");
    // Buckets grow with their bound and end at the count.
    let buckets: Vec<(String, f64)> = m
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(&format!("{series}_bucket{{policy=\"imicro\",le=\""))?;
            let (le, n) = rest.split_once("\"} ")?;
            Some((le.to_string(), n.parse().unwrap()))
        })
        .collect();
    assert_eq!(
        buckets.first().map(|b| b.0.as_str()),
        Some("0.000005"),
        "{m}"
    );
    assert_eq!(buckets.last(), Some(&("+Inf".to_string(), 3.0)), "{m}");
    assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{m}");
    // The request histogram still reads in seconds from 100 µs.
    assert!(
        m.contains("clause_http_request_duration_seconds_bucket{route=\"/v1/policies/{name}/evaluate\",le=\"0.0001\"}"),
        "{m}"
    );
}

#[test]
fn a_log_reader_that_stops_reading_never_stops_the_answers() {
    // Standard error is a pipe nobody reads: it fills after a few hundred
    // log lines (one per request), and the server's queue of log lines behind
    // it after 16,384. Standard output is closed after the first line.
    let server = Server::start_with_stderr_unread(Path::new("policies"));
    // Enough to overflow both with room to spare, even where a pipe holds 1 MiB.
    const REQUESTS: usize = 40_000;
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    // Pipelined on one connection, written while the answers are read.
    let sending = std::thread::spawn(move || {
        let request = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".repeat(1_000);
        for _ in 0..REQUESTS / 1_000 {
            writer.write_all(&request)?;
        }
        Ok::<(), std::io::Error>(())
    });
    let mut reader = BufReader::new(stream);
    let (mut answered, mut line) = (0, String::new());
    while answered < REQUESTS {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            // A body has no line end: the next status line follows it on its line.
            Ok(_) => answered += line.matches("HTTP/1.1 200 OK").count(),
            Err(e) => panic!("{answered} of {REQUESTS} answered, then: {e}"),
        }
    }
    assert_eq!(answered, REQUESTS);
    sending.join().unwrap().unwrap();
    let m = get(&server.url("/metrics")).body;
    let dropped = metric(&m, "clause_log_lines_dropped_total").unwrap();
    assert!(dropped > 0.0, "{m}");
    // It still shuts down: the lines left in the queue are given up on.
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut server = server;
    let exit = eventually("the server to exit", || server.child.try_wait().unwrap());
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn a_batch_client_that_stops_reading_loses_its_connection_after_the_write_timeout() {
    // One slot, taken by a batch whose client sends every line and reads
    // nothing: once the records fill the socket, the stream waits, holding
    // the slot for as long as the connection lives.
    let server = Server::start(
        Path::new("policies"),
        &["--max-concurrency", "1", "--write-timeout", "2"],
    );
    let line = claim_text().replace('\n', "");
    let body = format!("{line}\n").repeat(20_000);
    let stalled = TcpStream::connect(server.addr()).unwrap();
    let mut writer = stalled.try_clone().unwrap();
    // Bounded: a send that waits this long gives up.
    writer
        .set_write_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let sending = std::thread::spawn(move || {
        let head = format!(
            "POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(body.as_bytes());
    });
    // The batch has the slot before anyone else asks: its status line is
    // read (a few bytes), and nothing after it. Polling before this could
    // take the slot first and have the batch refused instead.
    stalled
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut status = [0u8; 12];
    (&stalled).read_exact(&mut status).unwrap();
    assert_eq!(&status, b"HTTP/1.1 200");
    // The slot is held: a well-behaved client is refused...
    let url = server.url("/v1/policies/imicro/evaluate");
    let claim = claim_text();
    eventually("the batch to hold the slot", || {
        (post(&url, "application/json", &claim).status == 503).then_some(())
    });
    // ...until the write timeout closes the stalled connection: first the
    // server fills the socket's buffers (megabytes of records, in a debug
    // build), then the timeout runs, so the budget is longer than usual.
    eventually_within("the slot to be free again", 1200, || {
        (post(&url, "application/json", &claim).status == 200).then_some(())
    });
    eventually("the closing in the log", || {
        server
            .log()
            .contains("the client took no more of its answer for the write timeout")
            .then_some(())
    });
    drop(stalled);
    sending.join().unwrap();
}

#[test]
fn a_limit_of_zero_is_refused_at_start_naming_the_option() {
    for option in [
        "--request-timeout",
        "--header-timeout",
        "--body-timeout",
        "--write-timeout",
        "--max-concurrency",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_clause"))
            .current_dir(root())
            .args([
                "serve",
                "--policies",
                "policies",
                "--addr",
                "127.0.0.1:0",
                option,
                "0",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(64), "{option}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(option), "{option}: {stderr}");
        assert!(out.stdout.is_empty(), "{option}: it must not start");
    }
}

#[test]
fn a_pipe_named_like_a_policy_is_refused_and_never_waited_on() {
    // Opening a named pipe waits for a writer: a reload pass that opened it
    // would never end, and no edit after it would be seen.
    let dir = policy_dir(&["imicro"]);
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe.policy"))
        .status()
        .unwrap();
    assert!(made.success());
    let server = Server::start(&dir, &["--reload-interval", "100"]);
    let pipe = get(&server.url("/v1/policies/pipe")).json();
    let message = pipe["refused"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("is not a regular file"), "{pipe}");
    assert_eq!(pipe["status"], "error", "{pipe}");
    // The passes go on: an edit of the other policy is taken.
    let v1 = get(&server.url("/v1/policies/imicro")).json()["version"].clone();
    let path = dir.join("imicro.policy");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n# edited\n")).unwrap();
    eventually("the edit after the pipe", || {
        (get(&server.url("/v1/policies/imicro")).json()["version"] != v1).then_some(())
    });
    eventually("the refusal in the log", || {
        server.log().contains("is not a regular file").then_some(())
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A request without the token whose body trickles in (a byte every 200 ms,
/// never idle for the body timeout) is answered 401 within the request
/// timeout: the body is read and dropped so that the client gets its answer,
/// but not for longer than any other request may take.
#[test]
fn an_unauthorized_body_that_trickles_in_is_answered_within_the_request_timeout() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start_with_env(
        &dir,
        &["--request-timeout", "2", "--body-timeout", "30"],
        &[("CLAUSE_TOKEN", "sesame")],
    );
    // 1000 bytes at 5 a second would take 200 s; the test gives up after 12 s.
    let out = trickle(
        &server.addr(),
        b"POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
        60,
    );
    assert!(out.starts_with("HTTP/1.1 401"), "{out}");
    assert!(
        out.contains("https://clause.dev/problems/unauthorized"),
        "{out}"
    );
    assert!(out.contains("www-authenticate: Bearer"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A body a route refuses without reading it (404 no such policy, 415 not
/// JSON, 403 writing not allowed) is read and dropped for the client's sake,
/// but stops before the request timeout: a client trickling it gets the
/// route's own answer, not 408.
#[test]
fn a_refused_body_that_trickles_in_gets_the_routes_answer_not_408() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start(&dir, &["--request-timeout", "2", "--body-timeout", "30"]);
    for (head, status, kind) in [
        (
            "POST /v1/policies/nosuch/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
            "404",
            "not-found",
        ),
        (
            "POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\n",
            "415",
            "unsupported-media-type",
        ),
        (
            "POST /v1/cases/save HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
            "403",
            "write-not-allowed",
        ),
        (
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\n",
            "415",
            "unsupported-media-type",
        ),
    ] {
        // 1000 bytes at 5 a second would take 200 s; the test gives up after 12 s.
        let out = trickle(&server.addr(), head.as_bytes(), 60);
        assert!(out.starts_with(&format!("HTTP/1.1 {status}")), "{head}: {out}");
        assert!(
            out.contains(&format!("https://clause.dev/problems/{kind}")),
            "{head}: {out}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client still uploading when the server is full gets the 503 with
/// `Retry-After`, not a broken pipe: the body is read and dropped first.
#[test]
fn a_body_refused_503_overloaded_is_read_so_the_client_gets_the_answer() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start(
        &dir,
        &[
            "--max-concurrency",
            "1",
            "--body-timeout",
            "30",
            "--request-timeout",
            "30",
        ],
    );
    // The one slot: a request whose body stops half way (held while its body is awaited).
    let mut holder = TcpStream::connect(server.addr()).unwrap();
    holder
        .write_all(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npolicy")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    eventually_within("the slot to be taken", 50, || {
        (get(&server.url("/v1/policies")).status == 503).then_some(())
    });
    // A body of 300 kB, sent in parts with pauses: the server has answered
    // before the last parts are sent.
    const LEN: usize = 300_000;
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(
        format!("POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: {LEN}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let part = vec![b'#'; LEN / 20];
    for i in 0..20 {
        s.write_all(&part)
            .unwrap_or_else(|e| panic!("part {i} of the body could not be sent: {e}"));
        std::thread::sleep(Duration::from_millis(30));
    }
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert!(out.starts_with("HTTP/1.1 503"), "{out}");
    assert!(out.contains("retry-after: 1"), "{out}");
    assert!(
        out.contains("https://clause.dev/problems/overloaded"),
        "{out}"
    );
    // A client that waits for `100 Continue` gets the 503 at once instead,
    // and never sends the body it is refused.
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(
        format!("POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Length: {LEN}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let out = String::from_utf8_lossy(&out);
    assert!(out.starts_with("HTTP/1.1 503"), "{out}");
    assert!(!out.contains("100 Continue"), "{out}");
    drop(holder);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A name that one dated file declares routes as versions do: after a reload
/// leaves imicro-2023.policy alone, `imicro` still judges claims (as `clause
/// eval DIR` does) and refuses an order placed before the version took
/// effect; the list, the policy and its page show the one version.
#[test]
fn a_policy_with_one_dated_version_routes_by_its_declared_name() {
    let dir = versions_dir();
    let server = Server::start(&dir, &["--reload-interval", "100"]);
    let evaluate = server.url("/v1/policies/imicro/evaluate");
    let second = std::fs::read_to_string(dir.join("imicro-2024.policy")).unwrap();
    std::fs::remove_file(dir.join("imicro-2024.policy")).unwrap();
    let list = eventually("the reload to see one version", || {
        let list = get(&server.url("/v1/policies")).json();
        (list["policies"].as_array().map(Vec::len) == Some(1)).then_some(list)
    });
    assert_eq!(list["versioned"][0]["policy"], "imicro", "{list}");
    let versions = list["versioned"][0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1, "{list}");
    assert_eq!(versions[0]["file"], "imicro-2023");

    // A claim: the verdict `clause eval DIR --claim` gives.
    let claim_file = dir.join("claim.json.txt");
    let cli = |claim: &str| {
        std::fs::write(&claim_file, claim).unwrap();
        Command::new(env!("CARGO_BIN_EXE_clause"))
            .arg("eval")
            .arg(&dir)
            .arg("--claim")
            .arg(&claim_file)
            .output()
            .unwrap()
    };
    let claim = claim_placed("2023-12-02");
    let http = post(&evaluate, "application/json", &claim);
    assert_eq!(http.status, 200, "{}", http.body);
    let v = http.json();
    assert_eq!(v["policy_file"], "imicro-2023.policy");
    assert_eq!(v["policy_effective_from"], "2023-01-01");
    let out = cli(&claim);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v, serde_json::from_slice::<Value>(&out.stdout).unwrap());
    let words = post(
        &server.url("/v1/policies/imicro/explain"),
        "application/json",
        &claim,
    );
    assert_eq!(words.status, 200, "{}", words.body);
    // Before the version took effect: refused, naming the field, as by the CLI.
    let early = claim_placed("2022-12-31");
    let p = problem(&post(&evaluate, "application/json", &early), 400);
    assert_eq!(p["errors"][0]["path"], "order.placed_at", "{p}");
    let out = cli(&early);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("order.placed_at"),
        "{out:?}"
    );
    // The file's own name still judges any order date.
    let pinned = post(
        &server.url("/v1/policies/imicro-2023/evaluate"),
        "application/json",
        &early,
    );
    assert_eq!(pinned.status, 200, "{}", pinned.body);

    // The policy and its page, by the declared name.
    let shown = get(&server.url("/v1/policies/imicro"));
    assert_eq!(shown.status, 200, "{}", shown.body);
    let shown = shown.json();
    assert_eq!(shown["name"], "imicro-2023");
    assert_eq!(shown["versions"].as_array().map(Vec::len), Some(1));
    assert_eq!(get(&server.url("/v1/policies/imicro/page")).status, 200);
    problem(&get(&server.url("/v1/policies/imicro?on=2022-12-31")), 404);

    // A file named imicro.policy that declares another policy keeps its
    // file's route: the one dated file is then reached by its own name only.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("policies/boutique.page.txt"),
        dir.join("boutique.page.txt"),
    )
    .unwrap();
    std::fs::copy(
        root.join("policies/boutique.policy"),
        dir.join("imicro.policy"),
    )
    .unwrap();
    let shown = eventually("the reload to see imicro.policy", || {
        let r = get(&server.url("/v1/policies/imicro"));
        (r.status == 200 && r.json()["name"] == "imicro").then_some(r.json())
    });
    assert!(shown["versions"].is_null(), "{shown}");
    let pinned = post(
        &server.url("/v1/policies/imicro-2023/evaluate"),
        "application/json",
        &claim,
    );
    assert_eq!(pinned.status, 200, "{}", pinned.body);
    // So it does beside two dated versions.
    std::fs::write(dir.join("imicro-2024.policy"), &second).unwrap();
    eventually("the reload to see the second version", || {
        let list = get(&server.url("/v1/policies")).json();
        (list["policies"].as_array().map(Vec::len) == Some(3)).then_some(())
    });
    let shown = get(&server.url("/v1/policies/imicro")).json();
    assert_eq!(shown["name"], "imicro", "{shown}");
    assert!(shown["versions"].is_null(), "{shown}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Made-up methods and paths make no series of their own in the metrics:
/// methods other than the standard ones count as `other`, paths that match
/// no route as `unmatched`.
#[test]
fn made_up_methods_and_paths_are_counted_under_bounded_labels() {
    let server = Server::start(Path::new("policies"), &[]);
    for (method, path) in [
        ("MADEUP1", "/healthz"),
        ("MADEUP2", "/v1/policies"),
        ("get", "/nowhere/1"),
        ("PROPFIND", "/nowhere/2"),
    ] {
        let out = raw(
            &server.addr(),
            format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert!(out.starts_with("HTTP/1.1 4"), "{method} {path}: {out}");
    }
    let a = answer(agent().request("PATCH", &server.url("/v1/policies")).call());
    problem(&a, 405);
    let metrics = get(&server.url("/metrics")).body;
    for made_up in ["MADEUP1", "MADEUP2", "\"get\"", "PROPFIND", "/nowhere"] {
        assert!(!metrics.contains(made_up), "{made_up}: {metrics}");
    }
    assert!(
        metrics.contains("route=\"unmatched\",method=\"other\",status=\"404\""),
        "{metrics}"
    );
    assert!(
        metrics.contains("route=\"/v1/policies\",method=\"PATCH\",status=\"405\""),
        "{metrics}"
    );
    for line in metrics
        .lines()
        .filter(|l| l.starts_with("clause_http_requests_total{"))
    {
        let method = line
            .split("method=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap();
        assert!(
            [
                "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE",
                "other"
            ]
            .contains(&method),
            "{line}"
        );
    }
}

/// `Accept` is negotiated (RFC 9110 §12.5.1): weights, `type/*` and `*/*`,
/// `q=0` as not acceptable, ties to the server's preference, and 406 when none
/// of the endpoint's types is acceptable.
#[test]
fn accept_is_negotiated_by_weight_and_406_when_nothing_offered_is_acceptable() {
    let server = Server::start(Path::new("policies"), &[]);
    let explain = |accept: Option<&str>| {
        let mut r = agent()
            .post(&server.url("/v1/policies/imicro/explain"))
            .set("Content-Type", "application/json");
        if let Some(a) = accept {
            r = r.set("Accept", a);
        }
        answer(r.send_string(&claim_text()))
    };
    for (accept, media) in [
        (None, "text/plain"),
        (Some("text/html, application/json"), "application/json"),
        (
            Some("text/plain;q=0.1, application/json;q=1"),
            "application/json",
        ),
        (Some("application/json"), "application/json"),
        (Some("application/*"), "application/json"),
        (Some("*/*"), "text/plain"),
        (Some("text/plain;q=0, */*"), "application/json"),
        (Some("*/*;q=0.5, application/json;q=0.4"), "text/plain"),
        // A tie: the server's preference.
        (Some("application/json, text/plain"), "text/plain"),
        (Some("text/*;q=0.3, application/json;q=0.3"), "text/plain"),
        (Some("APPLICATION/JSON"), "application/json"),
        // A range with a parameter the server's types do not have matches
        // none of them, whatever its place: the plain range decides.
        (
            Some("text/plain, text/plain;format=flowed;q=0"),
            "text/plain",
        ),
        (
            Some("text/plain;format=flowed;q=0, text/plain"),
            "text/plain",
        ),
        (Some("text/plain;charset=utf-8"), "text/plain"),
    ] {
        let a = explain(accept);
        assert_eq!(a.status, 200, "{accept:?}: {}", a.body);
        assert_eq!(a.content_type, media, "{accept:?}");
    }
    for accept in [
        "application/json-seq",
        "text/html",
        "text/plain;q=0, application/json;q=0",
        "*/*;q=0",
    ] {
        let a = explain(Some(accept));
        // A 406 depends on Accept too.
        assert_eq!(a.vary.as_deref(), Some("accept"), "{accept}");
        let p = problem(&a, 406);
        assert_eq!(
            p["type"], "https://clause.dev/problems/not-acceptable",
            "{accept}"
        );
    }

    let page = |accept: &str| {
        answer(
            agent()
                .get(&server.url("/v1/policies/imicro/page"))
                .set("Accept", accept)
                .call(),
        )
    };
    for (accept, media) in [
        ("text/html;q=0.1, text/markdown", "text/markdown"),
        ("text/markdown", "text/markdown"),
        ("text/*", "text/html"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "text/html",
        ),
        ("application/json, text/markdown;q=0.5", "text/markdown"),
    ] {
        let a = page(accept);
        assert_eq!(a.status, 200, "{accept}: {}", a.body);
        assert_eq!(a.content_type, media, "{accept}");
    }
    for accept in [
        "application/json",
        "text/plain",
        "text/html;q=0, text/markdown;q=0",
    ] {
        let a = page(accept);
        assert_eq!(a.vary.as_deref(), Some("accept"), "{accept}");
        let p = problem(&a, 406);
        assert_eq!(
            p["type"], "https://clause.dev/problems/not-acceptable",
            "{accept}"
        );
    }
    // The OpenAPI document says so, for both routes.
    let doc = get(&server.url("/openapi.json")).json();
    for (path, method) in [
        ("/v1/policies/{name}/explain", "post"),
        ("/v1/policies/{name}/page", "get"),
    ] {
        assert!(
            doc["paths"][path][method]["responses"]["406"].is_object(),
            "{path}"
        );
    }
}

/// A claim that gives a key twice is refused by `POST /v1/evaluate` as by
/// `clause eval` and `/v1/policies/{name}/evaluate`, naming the key (under
/// `claim.`): the claim's own text is read, not a copy that kept the last value.
#[test]
fn a_claim_with_a_repeated_key_is_refused_by_v1_evaluate_as_everywhere() {
    let server = Server::start(Path::new("policies"), &[]);
    let claim = claim_text();
    let repeated = claim.replacen('{', "{\"claim_id\": \"first\",", 1);
    assert_ne!(repeated, claim);
    let served = problem(
        &post(
            &server.url("/v1/policies/imicro/evaluate"),
            "application/json",
            &repeated,
        ),
        400,
    );
    assert_eq!(served["errors"][0]["path"], "claim_id", "{served}");
    let policy = std::fs::read_to_string(root().join("policies/imicro.policy")).unwrap();
    let body = format!(
        "{{\"policy\": {}, \"claim\": {repeated}}}",
        Value::from(policy.as_str())
    );
    let p = problem(
        &post(&server.url("/v1/evaluate"), "application/json", &body),
        400,
    );
    assert_eq!(
        p["type"], "https://clause.dev/problems/invalid-claim",
        "{p}"
    );
    assert_eq!(p["errors"][0]["path"], "claim.claim_id", "{p}");
    assert_eq!(p["errors"][0]["message"], served["errors"][0]["message"]);
    // The same claim without the repeated key is judged.
    let body = format!(
        "{{\"policy\": {}, \"claim\": {claim}}}",
        Value::from(policy.as_str())
    );
    let a = post(&server.url("/v1/evaluate"), "application/json", &body);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["verdict"]["decision"], "approve");
    // The body giving `claim` twice: refused, naming it.
    let body = format!(
        "{{\"policy\": {}, \"claim\": {claim}, \"claim\": {claim}}}",
        Value::from(policy.as_str())
    );
    let p = problem(
        &post(&server.url("/v1/evaluate"), "application/json", &body),
        400,
    );
    assert_eq!(p["errors"][0]["path"], "claim", "{p}");
}

/// A name whose files conflict answers 409 everywhere it is used: evaluating,
/// and showing the policy and its page (which answered 404).
#[test]
fn a_name_whose_versions_conflict_answers_409_on_its_source_and_page_too() {
    let dir = versions_dir();
    std::fs::copy(
        dir.join("imicro-2024.policy"),
        dir.join("imicro-copy.policy"),
    )
    .unwrap();
    let server = Server::start(&dir, &["--reload-interval", "0"]);
    let evaluate = problem(
        &post(
            &server.url("/v1/policies/imicro/evaluate"),
            "application/json",
            &claim_text(),
        ),
        409,
    );
    assert_eq!(
        evaluate["type"],
        "https://clause.dev/problems/policy-versions-conflict"
    );
    for path in [
        "/v1/policies/imicro",
        "/v1/policies/imicro?on=2023-06-01",
        "/v1/policies/imicro/page",
    ] {
        let p = problem(&get(&server.url(path)), 409);
        assert_eq!(p, evaluate, "{path}");
    }
    // Each file is still shown by its own name.
    assert_eq!(get(&server.url("/v1/policies/imicro-copy")).status, 200);
    assert_eq!(
        get(&server.url("/v1/policies/imicro-2023/page")).status,
        200
    );
    let doc = get(&server.url("/openapi.json")).json();
    for (path, method) in [
        ("/v1/policies/{name}", "get"),
        ("/v1/policies/{name}/page", "get"),
    ] {
        assert!(
            doc["paths"][path][method]["responses"]["409"].is_object(),
            "{path}"
        );
    }

    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Over a policy's dated versions, the records of lines no version reads
/// (empty, not UTF-8, not JSON, too long, the body's timeout) name no
/// version, on the server as in `clause eval DIR --claims`, whose records the
/// server's are byte for byte.
#[test]
fn batch_records_of_lines_no_version_read_name_no_version() {
    let dir = versions_dir();
    let server = Server::start(
        &dir,
        &[
            "--reload-interval",
            "0",
            "--max-line-bytes",
            "5000",
            "--body-timeout",
            "1",
        ],
    );
    let evaluate = server.url("/v1/policies/imicro/evaluate");
    let mut batch: Vec<u8> = Vec::new();
    for line in [
        claim_placed("2023-09-01"),
        claim_placed("2023-12-02"),
        claim_placed("2022-01-01"),
        String::new(),
        "   ".to_string(),
        "not json".to_string(),
    ] {
        batch.extend_from_slice(line.as_bytes());
        batch.push(b'\n');
    }
    batch.extend_from_slice(b"\xff\xfe not UTF-8\n");
    let http = answer(
        agent()
            .post(&evaluate)
            .set("Content-Type", "application/x-ndjson")
            .send_bytes(&batch),
    );
    assert_eq!(http.status, 200, "{}", http.body);
    let records: Vec<Value> = http
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 7, "{}", http.body);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(
            r.get("policy_version").is_some(),
            i < 2,
            "line {}: {r}",
            i + 1
        );
        assert_eq!(r.get("policy_file").is_some(), i < 2, "line {}: {r}", i + 1);
    }
    // The CLI writes the same records, byte for byte.
    let claims = dir.join("claims.ndjson.txt");
    std::fs::write(&claims, &batch).unwrap();
    let cli = Command::new(env!("CARGO_BIN_EXE_clause"))
        .arg("eval")
        .arg(&dir)
        .arg("--claims")
        .arg(&claims)
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(0), "{cli:?}");
    assert_eq!(String::from_utf8_lossy(&cli.stdout), http.body);

    // A line longer than --max-line-bytes.
    let long = format!("{}\n{}\n", "x".repeat(6000), claim_placed("2023-09-01"));
    let http = post(&evaluate, "application/x-ndjson", &long);
    let records: Vec<Value> = http
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "{}", http.body);
    assert!(
        records[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("longer than 5000 bytes"),
        "{}",
        records[0]
    );
    assert!(records[0].get("policy_version").is_none(), "{}", records[0]);
    assert!(records[1].get("policy_version").is_some(), "{}", records[1]);

    // A body that stops: the last record says so, naming no version.
    let line = format!("{}\n", claim_placed("2023-09-01"));
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(
        format!(
            "POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{line}",
            line.len() + 100
        )
        .as_bytes(),
    )
    .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let out = String::from_utf8_lossy(&out);
    let ending = out
        .lines()
        .find(|l| l.contains("no byte of the request body arrived"))
        .unwrap_or_else(|| panic!("no timeout record: {out}"));
    let ending: Value = serde_json::from_str(ending).unwrap();
    assert_eq!(ending["line"], 2, "{ending}");
    assert!(ending.get("policy_version").is_none(), "{ending}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--max-line-bytes` bounds a line's text: a CRLF line of exactly that many
/// bytes is read (its CR is the line end's, as the claim is read without it),
/// also when the CR and the LF arrive apart; one byte more is refused.
#[test]
fn a_crlf_line_of_exactly_max_line_bytes_is_read() {
    let dir = policy_dir(&["imicro"]);
    let claim =
        serde_json::to_string(&serde_json::from_str::<Value>(&claim_text()).unwrap()).unwrap();
    let limit = claim.len().to_string();
    let server = Server::start(&dir, &["--max-line-bytes", &limit]);
    let evaluate = server.url("/v1/policies/imicro/evaluate");
    let body = format!("{claim}\r\n{claim}\n{claim} \r\n{claim}\r");
    let a = post(&evaluate, "application/x-ndjson", &body);
    assert_eq!(a.status, 200, "{}", a.body);
    let records: Vec<Value> = a
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 4, "{}", a.body);
    assert_eq!(records[0]["decision"], "approve", "{}", records[0]);
    assert_eq!(records[1]["decision"], "approve", "{}", records[1]);
    assert!(
        records[2]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("longer than {limit} bytes")),
        "{}",
        records[2]
    );
    assert_eq!(records[3]["decision"], "approve", "{}", records[3]);

    // The CR at the end of what has arrived, its LF in the next part.
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let rest = format!("\n{claim}\n");
    s.write_all(
        format!(
            "POST /v1/policies/imicro/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{claim}\r",
            claim.len() + 1 + rest.len()
        )
        .as_bytes(),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(rest.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let out = String::from_utf8_lossy(&out);
    let records: Vec<Value> = out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "{out}");
    for r in &records {
        assert_eq!(r["decision"], "approve", "{r}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `Authorization` scheme is case-insensitive (RFC 9110 §11.1); the token is not.
#[test]
fn the_bearer_scheme_is_read_in_any_case() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start_with_env(&dir, &[], &[("CLAUSE_TOKEN", "sesame")]);
    let list = |authorization: &str| {
        answer(
            agent()
                .get(&server.url("/v1/policies"))
                .set("Authorization", authorization)
                .call(),
        )
        .status
    };
    for ok in [
        "Bearer sesame",
        "bearer sesame",
        "BEARER sesame",
        "bEaReR  sesame",
    ] {
        assert_eq!(list(ok), 200, "{ok}");
    }
    for refused in [
        "bearer SESAME",
        "bearer nope",
        "Bearersesame",
        "Basic sesame",
        "bearer",
        "sesame",
    ] {
        assert_eq!(list(refused), 401, "{refused}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the server answers is the JSON `clause eval` writes: a batch's body is
/// byte for byte what `clause eval POLICY --claims` prints for the same lines,
/// and one claim's verdict is byte for byte its `--claims` record (`--claim`
/// prints the same JSON pretty-printed, compared as JSON above).
#[test]
fn verdicts_and_batch_records_over_http_are_clause_eval_claims_lines_byte_for_byte() {
    let server = Server::start(Path::new("policies"), &[]);
    let file = clause::cases::load(&root().join("policies/imicro.cases.json")).unwrap();
    let claims: Vec<String> = file
        .cases
        .iter()
        .map(|c| serde_json::to_string(&c.claim).unwrap())
        .collect();
    assert!(claims.len() > 10);
    let mut batch = claims.join("\n");
    batch.push_str("\n\nnot json\n");
    let claims_file = std::env::temp_dir().join(format!(
        "clause-serve-bytes-{}-{}",
        std::process::id(),
        unique()
    ));
    std::fs::write(&claims_file, &batch).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_clause"))
        .current_dir(root())
        .args(["eval", "policies/imicro.policy", "--claims"])
        .arg(&claims_file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&claims_file);
    assert_eq!(out.status.code(), Some(0));
    let cli = String::from_utf8(out.stdout).unwrap();
    let evaluate = server.url("/v1/policies/imicro/evaluate");
    let http = post(&evaluate, "application/x-ndjson", &batch);
    assert_eq!(http.status, 200);
    assert_eq!(http.body, cli);
    let mut verdicts = 0;
    for (claim, record) in claims.iter().zip(cli.lines()) {
        let one = post(&evaluate, "application/json", claim);
        if one.status == 200 {
            assert_eq!(one.body, record);
            verdicts += 1;
        }
    }
    assert!(verdicts > 5, "{verdicts}");
}

/// Requests that hyper refuses while reading the request itself never reach
/// the server's routes: hyper answers them with an empty body (not a
/// problem) and closes the connection. docs/server.md lists these answers.
/// (Headers larger than hyper's buffer, about 408 KiB, get 431 too; not sent
/// here, since the bytes hyper never reads can reset the connection before
/// the answer is read.)
#[test]
fn hypers_own_answers_to_malformed_requests_have_an_empty_body() {
    let server = Server::start(Path::new("policies"), &[]);
    let many_headers: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    for (what, request, status) in [
        ("a malformed request line", "GARBAGE\r\n\r\n".to_string(), "400 Bad Request"),
        (
            "an HTTP version other than 1.x",
            "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n".to_string(),
            "400 Bad Request",
        ),
        (
            "a Content-Length that is not a number",
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".to_string(),
            "400 Bad Request",
        ),
        (
            "two Content-Lengths",
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"
                .to_string(),
            "400 Bad Request",
        ),
        (
            "a Transfer-Encoding other than chunked",
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n".to_string(),
            "400 Bad Request",
        ),
        (
            "more than 100 headers",
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n"),
            "431 Request Header Fields Too Large",
        ),
        (
            "a path longer than 65,534 bytes",
            format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000)),
            "414 URI Too Long",
        ),
    ] {
        let out = raw(&server.addr(), request.as_bytes());
        assert!(out.starts_with(&format!("HTTP/1.1 {status}\r\n")), "{what}: {out}");
        assert!(out.contains("content-length: 0\r\n"), "{what}: {out}");
        assert!(!out.contains("problem+json"), "{what}: {out}");
    }
    // An HTTP/2 connection preface (h2c with prior knowledge) is closed
    // without an answer: hyper reads it as HTTP/2, which the server does not speak.
    let out = raw(&server.addr(), b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    assert_eq!(out, "");
    assert_eq!(get(&server.url("/healthz")).status, 200);
}

/// Every endpoint but the health checks and metrics can answer 503
/// `overloaded`, and the OpenAPI document says so for each.
#[test]
fn every_counted_endpoint_documents_the_503_it_answers_when_overloaded() {
    let dir = policy_dir(&["imicro"]);
    let server = Server::start(
        &dir,
        &[
            "--max-concurrency",
            "1",
            "--body-timeout",
            "30",
            "--request-timeout",
            "30",
        ],
    );
    let doc = get(&server.url("/openapi.json")).json();
    let mut documented = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            let unavailable = &op["responses"]["503"];
            if ["/healthz", "/metrics"].contains(&path.as_str()) {
                // Not counted, so never overloaded; timed like every request.
                let said = unavailable["description"].as_str().unwrap_or_default();
                assert!(said.contains("`timeout`"), "{method} {path}: {said}");
                assert!(!said.contains("overloaded"), "{method} {path}: {said}");
                continue;
            }
            assert!(
                unavailable["content"]["application/problem+json"].is_object(),
                "{method} {path}: {op}"
            );
            documented += 1;
        }
    }
    assert!(documented > 15, "{documented}");
    // The one slot held by a request whose body stops half way.
    let mut holder = TcpStream::connect(server.addr()).unwrap();
    holder
        .write_all(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npolicy")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    eventually_within("the slot to be taken", 50, || {
        (get(&server.url("/v1/policies")).status == 503).then_some(())
    });
    for path in [
        "/openapi.json",
        "/schema/claim.schema.json",
        "/schema/verdict.schema.json",
        "/v1/policies",
        "/v1/policies/imicro",
    ] {
        let p = problem(&get(&server.url(path)), 503);
        assert_eq!(
            p["type"], "https://clause.dev/problems/overloaded",
            "{path}"
        );
    }
    assert_eq!(get(&server.url("/healthz")).status, 200);
    drop(holder);
    let _ = std::fs::remove_dir_all(&dir);
}
