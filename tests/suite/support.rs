//! Shared helpers: load a policy from text, evaluate a claim, read repository files.

use std::path::{Path, PathBuf};

use clause::language::check::ir::Policy;
use clause::Source;
use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Checks a policy given as text; panics with the rendered diagnostics if it does not check.
pub fn policy(text: &str) -> Policy {
    let src = Source::new("test.policy", text);
    match clause::load(&src) {
        Ok(p) => p,
        Err(d) => panic!("policy does not check:\n{}", d.render(100)),
    }
}

pub fn policy_file(path: &Path) -> Policy {
    let text = std::fs::read_to_string(path).unwrap();
    let rel = path.strip_prefix(root()).unwrap_or(path);
    match clause::load(&Source::new(rel.display().to_string(), text)) {
        Ok(p) => p,
        Err(d) => panic!("{} does not check:\n{}", path.display(), d.render(100)),
    }
}

/// Evaluates a claim and returns the verdict as JSON.
pub fn verdict(policy: &Policy, claim: &Value) -> Value {
    let claim = clause::language::eval::facts::decode_value(claim, policy)
        .unwrap_or_else(|e| panic!("invalid claim: {e}"));
    let v = clause::language::eval::evaluate(policy, &claim)
        .unwrap_or_else(|e| panic!("evaluation failed: {e}"));
    serde_json::to_value(v).unwrap()
}

/// The error message an invalid claim gets.
pub fn claim_error(policy: &Policy, claim: &Value) -> String {
    match clause::language::eval::facts::decode_value(claim, policy)
        .and_then(|c| clause::language::eval::evaluate(policy, &c))
    {
        Ok(v) => panic!(
            "expected an invalid claim, got {}",
            serde_json::to_string(&v).unwrap()
        ),
        Err(e) => e.to_string(),
    }
}

/// Files under `dir` whose names end with `suffix`, sorted.
pub fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(suffix))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A valid single-item claim in the contract's form, to change with `set`.
pub fn base_claim() -> Value {
    serde_json::json!({
        "claim_id": "T-1",
        "order": {
            "id": "A-1",
            "placed_at": "2023-09-01T10:00:00-07:00",
            "invoiced_at": "2023-09-01",
            "shipped_at": "2023-09-02",
            "picked_up_by_carrier": true,
            "delivered_at": "2023-09-05",
            "channel": "web",
            "destination": {"country": "US", "address_kind": "street"},
            "payment_method": "credit_card",
            "total": {"amount": "199.00", "currency": "USD"},
            "shipping_paid": {"amount": "0.00", "currency": "USD"}
        },
        "items": [{
            "sku": "SKU-1", "category": "electronics",
            "price": {"amount": "199.00", "currency": "USD"}, "quantity": 1,
            "weight": {"value": "4", "unit": "lb"}, "bundle_id": null, "tags": [],
            "condition": {"opened": true, "used": false, "damaged": false, "original_packaging": true,
                          "packaging_damaged": false, "accessories_complete": true, "labels_intact": true}
        }],
        "claim": {
            "kind": "return", "filed_at": "2023-09-12T09:00:00-07:00", "reason": "changed_mind",
            "requested_remedy": "refund", "items": ["SKU-1"], "evidence": [], "preapproved": true,
            "return_label_issued_at": null, "return_shipped_at": null, "return_received_at": null, "return_cost": null
        }
    })
}

/// The base claim with fields changed (dotted paths, `[n]` for list positions).
pub fn claim_with(sets: &[(&str, Value)]) -> Value {
    let mut c = base_claim();
    for (p, v) in sets {
        clause::tools::cases::set_path(&mut c, p, v.clone()).unwrap();
    }
    c
}

/// The longest a `clause` run in a test may take before the test fails (a
/// hang, such as waiting on a named pipe, fails the test instead of holding CI).
pub const RUN_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs the `clause` binary in the repository root with `stdin` (none: closed at
/// once) and returns its exit code, stdout and stderr; fails the test when it
/// has not ended within [`RUN_LIMIT`].
pub fn run_clause(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_clause"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.map(<[u8]>::to_vec);
    // Written from a thread while the output is read: a command that writes
    // records before it has read all its input would otherwise fill both pipes
    // and wait forever. The command may exit before reading its input (a broken
    // policy): a closed pipe is fine.
    let writer = std::thread::spawn(move || {
        if let Some(input) = input {
            let _ = pipe.write_all(&input);
        }
    });
    let drain = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = from.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let Some(status) = wait_bounded(&mut child, RUN_LIMIT) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("clause {args:?} did not end within {RUN_LIMIT:?}");
    };
    writer.join().unwrap();
    (
        status.code().unwrap_or(-1),
        stdout.join().unwrap(),
        stderr.join().unwrap(),
    )
}

/// Writes two dated versions of imicro into `dir` (`imicro-2023.policy`: the
/// 30-day window from 2023-01-01; `imicro-2024.policy`: a 45-day window from
/// 2023-12-01), as the version tests of the CLI and the server use them.
pub fn write_imicro_versions(dir: &std::path::Path) {
    let text = std::fs::read_to_string(root().join("policies/imicro.policy")).unwrap();
    let tz = "  timezone \"America/Los_Angeles\"\n";
    let v1 = text.replace(tz, &format!("{tz}  effective from 2023-01-01\n"));
    let v2 = text
        .replace(tz, &format!("{tz}  effective from 2023-12-01\n"))
        .replace(
            "30 days from order.invoiced_at",
            "45 days from order.invoiced_at",
        );
    assert_ne!(v1, text);
    assert_ne!(v2, v1);
    std::fs::write(dir.join("imicro-2023.policy"), v1).unwrap();
    std::fs::write(dir.join("imicro-2024.policy"), v2).unwrap();
}

/// Waits for `child` to exit, for at most `limit`; `None` if it has not.
pub fn wait_bounded(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if std::time::Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
