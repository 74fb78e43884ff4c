//! Claims sent one per request, evaluated back to back when several requests
//! are in flight.
//!
//! A request's claim is queued and its task yields, so that the other
//! connections with a request ready are read first and queue their claims too.
//! The first of these tasks to run again takes a round from the queue (at most
//! [`ROUND_CLAIMS`] claims and about [`ROUND_BYTES`] of claim text), evaluates
//! its claims in one go and hands each verdict to its request. The engine's
//! code (about 70 KiB for one claim, docs/performance.md) then runs for
//! several claims in a row instead of between hyper, tokio and the kernel each
//! time. Measured with `benches/serve.sh` (docs/performance.md, "Claims
//! evaluated back to back"): rounds of 5.7 claims on average at concurrency 16
//! and 64, and 2 to 6 points more of the `/healthz` ratio there.
//!
//! Nothing about an answer changes: each claim is evaluated on its own, by the
//! same engine, with the target its request chose; only the order in which the
//! CPU runs them differs. A request alone in the server evaluates its claim at
//! once, without the yield, which would cost it a turn of tokio's event loop
//! for nothing. A panic in one claim's evaluation is caught there: that
//! request gets a 500, and the others in the round their verdicts. Every claim
//! evaluated is counted in the metrics (verdicts, claim errors, evaluation
//! time) by the round that evaluated it, even if its request has ended.
//!
//! A task runs rounds until its own claim has left the queue, so no claim
//! waits on a task that has ended. A request that ends while its claim waits
//! (a timeout, a closed connection) leaves the claim in the queue: it is
//! dropped unevaluated by the next round, or by the next one-claim evaluate
//! request that comes while the queue is not empty; until then it holds its
//! text and its policy version in memory.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::oneshot;

use super::engine::{FieldError, Loaded, VerdictOut};
use super::metrics::Metrics;
use super::versions::Target;

/// The most claims in one round: the request whose task runs the round waits
/// for all of them before it answers.
pub const ROUND_CLAIMS: usize = 16;

/// Claim text after which a round takes no more claims (it always takes one):
/// a large claim takes long enough that running it warm gains nothing.
pub const ROUND_BYTES: usize = 64 * 1024;

/// A claim's verdict (with the version that decided) or its errors.
pub type Judged = Result<(VerdictOut, Arc<Loaded>), Vec<FieldError>>;

struct Job {
    target: Target,
    text: String,
    answer: oneshot::Sender<Judged>,
}

/// The claims waiting for a round.
#[derive(Default)]
pub struct Gather {
    queue: Mutex<Vec<Job>>,
}

impl Gather {
    fn queue(&self) -> MutexGuard<'_, Vec<Job>> {
        // The lock is held only to push, take or drop jobs, never while a claim
        // is evaluated; a poisoned lock still guards a whole Vec.
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Evaluates `text` with `target`: at once when `alone` (no other request
    /// in flight), else in a round with the claims of the other requests ready
    /// at the same moment. `None` if its evaluation panicked.
    pub async fn evaluate(
        &self,
        metrics: &Metrics,
        target: Target,
        text: String,
        alone: bool,
    ) -> Option<Judged> {
        if alone {
            {
                let mut queue = self.queue();
                if !queue.is_empty() {
                    queue.retain(|job| !job.answer.is_closed());
                }
            }
            return judge(metrics, &target, &text);
        }
        let (answer, mut answered) = oneshot::channel();
        self.queue().push(Job {
            target,
            text,
            answer,
        });
        // Rounds until this claim has left the queue: a round takes the oldest
        // claims, so one queued behind a full round is taken by a later one.
        // Each round comes after a yield, so that other tasks (and their
        // connections) run between two rounds of this one.
        loop {
            tokio::task::yield_now().await;
            let round = self.round();
            if round.is_empty() {
                break;
            }
            metrics.round(round.len());
            for job in round {
                if let Some(judged) = judge(metrics, &job.target, &job.text) {
                    // The request may have ended meanwhile; its answer is dropped.
                    let _ = job.answer.send(judged);
                }
            }
            match answered.try_recv() {
                Ok(judged) => return Some(judged),
                Err(oneshot::error::TryRecvError::Closed) => return None,
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
        }
        // The queue is empty and this claim was not in this task's rounds:
        // another task took it and is evaluating it now.
        answered.await.ok()
    }

    /// Takes the next round from the queue, dropping the claims of requests
    /// that have ended.
    fn round(&self) -> Vec<Job> {
        let mut queue = self.queue();
        queue.retain(|job| !job.answer.is_closed());
        let mut bytes = 0;
        let mut n = 0;
        for job in queue.iter() {
            if n == ROUND_CLAIMS || (n > 0 && bytes + job.text.len() > ROUND_BYTES) {
                break;
            }
            bytes += job.text.len();
            n += 1;
        }
        queue.drain(..n).collect()
    }
}

/// One claim, timed and counted; `None` if the evaluation panicked (the
/// panic's message is printed by the panic hook, as anywhere else).
fn judge(metrics: &Metrics, target: &Target, text: &str) -> Option<Judged> {
    let started = Instant::now();
    let judged = std::panic::catch_unwind(AssertUnwindSafe(|| target.evaluate(text))).ok()?;
    let decision = judged.as_ref().ok().map(|(v, _)| v.decision);
    metrics.claim(target.declared_name(), decision, started.elapsed());
    Some(judged)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// A file of the repository, as text.
    fn read(path: &str) -> String {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .unwrap()
    }

    /// Runs a future to its end on a runtime of one thread.
    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// Asserts that `/metrics` has each of these lines.
    fn assert_metrics(metrics: &Metrics, lines: &[&str]) {
        let text = metrics.render();
        for line in lines {
            assert!(text.contains(&format!("{line}\n")), "{line} not in {text}");
        }
    }

    fn target() -> Target {
        let text = read("policies/imicro.policy");
        Target::One(Arc::new(
            super::super::engine::load("imicro", "imicro.policy", &text)
                .ok()
                .unwrap(),
        ))
    }

    /// Queues claims of these lengths; keeps the receivers of those not ended.
    fn queue(
        gather: &Gather,
        lengths: &[usize],
        ended: &[usize],
    ) -> Vec<oneshot::Receiver<Judged>> {
        let target = target();
        let mut kept = Vec::new();
        for (i, &len) in lengths.iter().enumerate() {
            let (answer, answered) = oneshot::channel();
            gather.queue().push(Job {
                target: target.clone(),
                text: "x".repeat(len),
                answer,
            });
            if !ended.contains(&i) {
                kept.push(answered);
            }
        }
        kept
    }

    #[test]
    fn a_round_takes_the_oldest_claims_up_to_its_count_and_its_bytes() {
        let gather = Gather::default();
        let _kept = queue(&gather, &[10; 20], &[]);
        assert_eq!(gather.round().len(), ROUND_CLAIMS);
        assert_eq!(gather.round().len(), 20 - ROUND_CLAIMS);
        assert!(gather.round().is_empty());

        // A claim larger than a round's bytes still makes a round of its own.
        let _kept = queue(
            &gather,
            &[ROUND_BYTES + 1, 10, ROUND_BYTES - 10, 10, 1],
            &[],
        );
        let lengths = |round: Vec<Job>| round.iter().map(|j| j.text.len()).collect::<Vec<_>>();
        assert_eq!(lengths(gather.round()), [ROUND_BYTES + 1]);
        assert_eq!(lengths(gather.round()), [10, ROUND_BYTES - 10]);
        assert_eq!(lengths(gather.round()), [10, 1]);
    }

    #[test]
    fn the_claims_of_requests_that_ended_are_dropped_unevaluated() {
        let gather = Gather::default();
        let _kept = queue(&gather, &[1, 2, 3, 4], &[0, 2]);
        let round = gather.round();
        assert_eq!(
            round.iter().map(|j| j.text.len()).collect::<Vec<_>>(),
            [2, 4]
        );
        // A request alone in the server clears them too, before it is evaluated.
        let _kept = queue(&gather, &[1, 2], &[0, 1]);
        let metrics = Metrics::new(None);
        let claim = read("tests/data/imicro-claim.json");
        let judged = run(gather.evaluate(&metrics, target(), claim, true));
        assert!(judged.unwrap().is_ok());
        assert!(gather.queue().is_empty());
        // Only the request's own claim was evaluated.
        assert_metrics(
            &metrics,
            &[
                "clause_claim_rounds_total 0",
                "clause_claim_evaluation_seconds_count{policy=\"imicro\"} 1",
            ],
        );
    }

    #[test]
    fn a_task_runs_rounds_until_its_own_claim_has_left_the_queue() {
        let gather = Gather::default();
        let metrics = Metrics::new(None);
        let claim = read("tests/data/imicro-claim.json");
        // Twenty claims ahead of this one, whose tasks never run (their
        // requests are still waiting): more than one round holds.
        let waiting = queue(&gather, &[10; 20], &[]);
        let judged = run(gather.evaluate(&metrics, target(), claim, false));
        assert!(judged.unwrap().is_ok());
        assert!(gather.queue().is_empty());
        // Each waiting request got an answer (the text is not a claim: its errors).
        for mut answered in waiting {
            assert!(answered.try_recv().unwrap().is_err());
        }
        assert_metrics(
            &metrics,
            &[
                "clause_claim_rounds_total 2",
                "clause_claim_round_claims_total 21",
            ],
        );
    }

    #[test]
    fn claims_queued_together_are_answered_each_with_its_own_verdict() {
        let gather = Gather::default();
        let metrics = Metrics::new(None);
        let claim = read("tests/data/imicro-claim.json");
        let other = claim.replace("\"imicro-v1\"", "\"imicro-other\"");
        let (a, b) = run(async {
            tokio::join!(
                gather.evaluate(&metrics, target(), claim, false),
                gather.evaluate(&metrics, target(), other, false),
            )
        });
        let id = |j: Option<Judged>| {
            let json = j.unwrap().ok().unwrap().0.json;
            serde_json::from_slice::<serde_json::Value>(&json).unwrap()["claim_id"].clone()
        };
        assert_eq!(id(a), "imicro-v1");
        assert_eq!(id(b), "imicro-other");
        // Both were in one round: the first task to run again took them both.
        assert_metrics(
            &metrics,
            &[
                "clause_claim_rounds_total 1",
                "clause_claim_round_claims_total 2",
            ],
        );
    }
}
