//! Counters for `/metrics`, written in the Prometheus text format (0.0.4).
//!
//! A handful of labelled counters and two histograms (request latency, and the
//! engine's time per claim), kept under one
//! mutex: a request takes it twice for a few map updates, which costs far less
//! than the request itself. The maps are nested by label, so that counting a
//! request or a verdict whose labels were seen before allocates nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the request latency histogram's buckets, in microseconds.
const BUCKETS: [u64; 14] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
    1_000_000, 5_000_000,
];

/// Upper bounds of the evaluation time histogram's buckets, in microseconds:
/// one claim takes microseconds, so the buckets start far below a request's.
const EVAL_BUCKETS: [u64; 12] = [
    5, 10, 15, 20, 30, 50, 100, 250, 1_000, 10_000, 100_000, 1_000_000,
];

/// A histogram with `N` buckets; the sum is kept in nanoseconds, so that a mean
/// of a few microseconds is not lost to rounding.
struct Histogram<const N: usize> {
    counts: [u64; N],
    count: u64,
    sum_nanos: u64,
}

impl<const N: usize> Default for Histogram<N> {
    fn default() -> Self {
        Histogram {
            counts: [0; N],
            count: 0,
            sum_nanos: 0,
        }
    }
}

impl<const N: usize> Histogram<N> {
    /// Counts `took` in every bucket whose bound (`bounds`, microseconds) it is within.
    fn record(&mut self, bounds: &[u64; N], took: Duration) {
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        for (bound, count) in bounds.iter().zip(self.counts.iter_mut()) {
            if nanos <= bound.saturating_mul(1_000) {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum_nanos = self.sum_nanos.saturating_add(nanos);
    }

    /// The histogram's lines for one label (`key="value"`, already escaped).
    fn write(&self, out: &mut String, name: &str, label: &str, bounds: &[u64; N]) {
        for (bound, count) in bounds.iter().zip(self.counts.iter()) {
            let le = seconds(bound.saturating_mul(1_000));
            let _ = writeln!(out, "{name}_bucket{{{label},le=\"{le}\"}} {count}");
        }
        let _ = writeln!(out, "{name}_bucket{{{label},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{label}}} {}", seconds(self.sum_nanos));
        let _ = writeln!(out, "{name}_count{{{label}}} {}", self.count);
    }
}

#[derive(Default)]
struct Inner {
    /// By route, method and status.
    requests: BTreeMap<String, BTreeMap<String, BTreeMap<u16, u64>>>,
    latency: BTreeMap<String, Histogram<{ BUCKETS.len() }>>,
    /// By policy and decision.
    verdicts: BTreeMap<String, BTreeMap<&'static str, u64>>,
    claim_errors: BTreeMap<String, u64>,
    /// The engine's time for each claim sent one per request, by policy.
    evaluation: BTreeMap<String, Histogram<{ EVAL_BUCKETS.len() }>>,
    /// Rounds of one-claim evaluations (see `gather`), and the claims in them.
    rounds: u64,
    claims_in_rounds: u64,
    reloads: BTreeMap<(String, &'static str), u64>,
    errors: BTreeMap<&'static str, u64>,
    versions: BTreeMap<String, String>,
}

impl Inner {
    fn count_verdicts(&mut self, policy: &str, decisions: &[(&'static str, u64)], errors: u64) {
        for (decision, n) in decisions {
            if *n > 0 {
                bump(&mut self.verdicts, policy, |by_decision| {
                    *by_decision.entry(decision).or_default() += n;
                });
            }
        }
        if errors > 0 {
            bump(&mut self.claim_errors, policy, |n| *n += errors);
        }
    }
}

pub struct Metrics {
    inner: Mutex<Inner>,
    /// The log's queue, for its count of dropped lines.
    logs: Option<super::logs::Logs>,
}

impl Metrics {
    /// Counters from zero; `logs` counts the log lines it dropped.
    pub fn new(logs: Option<super::logs::Logs>) -> Metrics {
        Metrics {
            inner: Mutex::default(),
            logs,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        match self.inner.lock() {
            Ok(mut g) => f(&mut g),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// One request answered: its route (the path pattern, or `unmatched`),
    /// method (one of the standard methods, or `other`: see [`method_label`]),
    /// status and time.
    pub fn request(&self, route: &str, method: &axum::http::Method, status: u16, took: Duration) {
        let method = method_label(method);
        self.with(|m| {
            bump(&mut m.requests, route, |by_method| {
                bump(by_method, method, |by_status| {
                    *by_status.entry(status).or_default() += 1;
                });
            });
            bump(&mut m.latency, route, |h| h.record(&BUCKETS, took));
        });
    }

    /// One claim sent alone and judged by `policy`: its decision (`None` when
    /// the claim was refused as invalid) and the engine's time for it.
    pub fn claim(&self, policy: &str, decision: Option<&'static str>, took: Duration) {
        self.with(|m| {
            match decision {
                Some(d) => m.count_verdicts(policy, &[(d, 1)], 0),
                None => m.count_verdicts(policy, &[], 1),
            }
            bump(&mut m.evaluation, policy, |h| h.record(&EVAL_BUCKETS, took));
        });
    }

    /// A round of `claims` one-claim evaluations run back to back.
    pub fn round(&self, claims: usize) {
        self.with(|m| {
            m.rounds += 1;
            m.claims_in_rounds += u64::try_from(claims).unwrap_or(u64::MAX);
        });
    }

    /// Verdicts given by a policy: `decisions` holds (decision, count).
    pub fn verdicts(&self, policy: &str, decisions: &[(&'static str, u64)], claim_errors: u64) {
        self.with(|m| m.count_verdicts(policy, decisions, claim_errors));
    }

    /// A reload of a policy: `result` is `loaded`, `refused` or `removed`.
    pub fn reload(&self, policy: &str, result: &'static str, version: Option<&str>) {
        self.with(|m| {
            *m.reloads.entry((policy.to_string(), result)).or_default() += 1;
            match (result, version) {
                ("removed", _) => {
                    m.versions.remove(policy);
                }
                (_, Some(v)) => {
                    m.versions.insert(policy.to_string(), v.to_string());
                }
                _ => {}
            }
        });
    }

    /// The 408 `header-timeout` written for a request whose headers stalled
    /// (outside the router, so no route and no method are known: `unmatched`
    /// and `other`); `took` is the time its headers were given.
    pub fn header_timeout(&self, took: Duration) {
        self.with(|m| {
            bump(&mut m.requests, "unmatched", |by_method| {
                bump(by_method, "other", |by_status| {
                    *by_status.entry(408).or_default() += 1;
                });
            });
            bump(&mut m.latency, "unmatched", |h| h.record(&BUCKETS, took));
            *m.errors.entry("header-timeout").or_default() += 1;
        });
    }

    /// An error answer, by its problem type.
    pub fn error(&self, kind: &'static str) {
        self.with(|m| *m.errors.entry(kind).or_default() += 1);
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        self.with(|m| {
            let mut out = String::new();
            out.push_str("# HELP clause_http_requests_total HTTP requests answered, by route, method and status.\n# TYPE clause_http_requests_total counter\n");
            for (route, by_method) in &m.requests {
                for (method, by_status) in by_method {
                    for (status, n) in by_status {
                        let _ = writeln!(
                            out,
                            "clause_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                            escape(route),
                            escape(method)
                        );
                    }
                }
            }
            out.push_str("# HELP clause_http_request_duration_seconds Time from a request's arrival to its response's headers, by route.\n# TYPE clause_http_request_duration_seconds histogram\n");
            for (route, h) in &m.latency {
                let label = format!("route=\"{}\"", escape(route));
                h.write(&mut out, "clause_http_request_duration_seconds", &label, &BUCKETS);
            }
            out.push_str("# HELP clause_claim_evaluation_seconds The engine's time for each claim sent one per request to /v1/policies/{name}/evaluate (choosing the version, reading the claim, deciding, writing the verdict; no HTTP), by policy.\n# TYPE clause_claim_evaluation_seconds histogram\n");
            for (policy, h) in &m.evaluation {
                let label = format!("policy=\"{}\"", escape(policy));
                h.write(&mut out, "clause_claim_evaluation_seconds", &label, &EVAL_BUCKETS);
            }
            let _ = writeln!(
                out,
                "# HELP clause_claim_rounds_total Rounds in which claims sent one per request, by requests in flight together, were evaluated back to back.\n# TYPE clause_claim_rounds_total counter\nclause_claim_rounds_total {}",
                m.rounds
            );
            let _ = writeln!(
                out,
                "# HELP clause_claim_round_claims_total Claims evaluated in those rounds (divided by the rounds: claims per round).\n# TYPE clause_claim_round_claims_total counter\nclause_claim_round_claims_total {}",
                m.claims_in_rounds
            );
            out.push_str("# HELP clause_verdicts_total Verdicts given, by policy and decision.\n# TYPE clause_verdicts_total counter\n");
            for (policy, by_decision) in &m.verdicts {
                for (decision, n) in by_decision {
                    let _ = writeln!(
                        out,
                        "clause_verdicts_total{{policy=\"{}\",decision=\"{decision}\"}} {n}",
                        escape(policy)
                    );
                }
            }
            out.push_str("# HELP clause_claim_errors_total Claims refused as invalid (single or batch lines), by policy.\n# TYPE clause_claim_errors_total counter\n");
            for (policy, n) in &m.claim_errors {
                let _ = writeln!(
                    out,
                    "clause_claim_errors_total{{policy=\"{}\"}} {n}",
                    escape(policy)
                );
            }
            out.push_str("# HELP clause_policy_reloads_total Policy loads and reloads, by policy and result (loaded, refused, removed).\n# TYPE clause_policy_reloads_total counter\n");
            for ((policy, result), n) in &m.reloads {
                let _ = writeln!(
                    out,
                    "clause_policy_reloads_total{{policy=\"{}\",result=\"{result}\"}} {n}",
                    escape(policy)
                );
            }
            out.push_str("# HELP clause_policy_info The version (content hash) each policy is served at.\n# TYPE clause_policy_info gauge\n");
            for (policy, version) in &m.versions {
                let _ = writeln!(
                    out,
                    "clause_policy_info{{policy=\"{}\",version=\"{}\"}} 1",
                    escape(policy),
                    escape(version)
                );
            }
            out.push_str("# HELP clause_http_errors_total Error answers, by problem type.\n# TYPE clause_http_errors_total counter\n");
            for (kind, n) in &m.errors {
                let _ = writeln!(out, "clause_http_errors_total{{type=\"{kind}\"}} {n}");
            }
            let _ = writeln!(
                out,
                "# HELP clause_log_lines_dropped_total Log lines dropped because standard error was not read fast enough (requests never wait for the log).\n# TYPE clause_log_lines_dropped_total counter\nclause_log_lines_dropped_total {}",
                self.logs.as_ref().map_or(0, super::logs::Logs::dropped)
            );
            out
        })
    }
}

/// A request's method as a label: the nine methods of RFC 9110 (and PATCH) by
/// name, any other `other`, so that a client making up methods cannot make up
/// series without end.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Applies `f` to the value under `key`, made on first sight: the key is
/// copied only then.
fn bump<V: Default>(map: &mut BTreeMap<String, V>, key: &str, f: impl FnOnce(&mut V)) {
    if let Some(v) = map.get_mut(key) {
        f(v);
        return;
    }
    let mut v = V::default();
    f(&mut v);
    map.insert(key.to_string(), v);
}

/// Nanoseconds as seconds in decimal, without trailing zeros (`0.00025`, `1`).
fn seconds(nanos: u64) -> String {
    let text = format!("{}.{:09}", nanos / 1_000_000_000, nanos % 1_000_000_000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A label value with `\`, `"` and line ends escaped.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
