//! Claims sent one per request, evaluated back to back when several requests
//! are in flight.
//!
//! A request's claim is queued and its task yields once, so that the other
//! connections with a request ready are read first and queue their claims too.
//! The first of these tasks to run again evaluates every queued claim in one
//! go and hands each verdict to its request. The engine's code (about 70 KiB
//! for one claim, docs/performance.md) is then run for several claims in a
//! row instead of between hyper, tokio and the kernel each time. Measured
//! with `benches/serve.sh` (docs/performance.md, "Claims evaluated back to
//! back"): about 5.7 claims per round at concurrency 16 and 64, 1 to 1.5 µs
//! less engine time per claim, and 5 points more of the `/healthz` ratio.
//!
//! Nothing about an answer changes: each claim is evaluated on its own, by the
//! same engine, with the same target; only the order in which the CPU runs
//! them differs. A request alone in the server evaluates its claim at once,
//! without the yield, which would cost it a turn of tokio's event loop for
//! nothing. A panic in one claim's evaluation is caught there: that request
//! gets a 500, and the others in the round their verdicts.
//!
//! A request that ends while its claim waits (a timeout, a closed connection)
//! leaves the claim in the queue; the next round evaluates it and drops the
//! answer. Between two rounds no more claims can be queued than the server's
//! `--max-concurrency`.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::engine::{FieldError, Loaded, VerdictOut};
use super::versions::Target;

/// A claim's verdict (with the version that decided) or its errors, and the
/// engine's time for it.
pub type Judged = (Result<(VerdictOut, Arc<Loaded>), Vec<FieldError>>, Duration);

struct Job {
    target: Target,
    text: String,
    answer: oneshot::Sender<Judged>,
}

/// The claims waiting for the next round.
#[derive(Default)]
pub struct Gather {
    queue: Mutex<Vec<Job>>,
}

impl Gather {
    fn queue(&self) -> MutexGuard<'_, Vec<Job>> {
        // A panic is never raised with the lock held (evaluation runs after the
        // queue is taken); a poisoned lock still guards a whole Vec.
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Evaluates `text` with `target`: at once when `alone` (no other request
    /// in flight), else in a round with the claims of the other requests ready
    /// at the same moment. `None` if its evaluation panicked.
    pub async fn evaluate(&self, target: Target, text: String, alone: bool) -> Option<Judged> {
        if alone {
            return judge(&target, &text);
        }
        let (answer, answered) = oneshot::channel();
        self.queue().push(Job {
            target,
            text,
            answer,
        });
        tokio::task::yield_now().await;
        let round = std::mem::take(&mut *self.queue());
        for job in round {
            if let Some(judged) = judge(&job.target, &job.text) {
                // The request may have ended meanwhile; its answer is dropped.
                let _ = job.answer.send(judged);
            }
        }
        // If this claim was not in the round, another task took it with its
        // own and is evaluating it now; the answer comes when that is done.
        answered.await.ok()
    }
}

/// One claim, timed; `None` if the evaluation panicked (the panic's message
/// is printed by the panic hook, as anywhere else).
fn judge(target: &Target, text: &str) -> Option<Judged> {
    let started = Instant::now();
    let judged = std::panic::catch_unwind(AssertUnwindSafe(|| target.evaluate(text))).ok()?;
    Some((judged, started.elapsed()))
}
