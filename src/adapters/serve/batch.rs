//! NDJSON batches: one record per input line, in order, streamed in constant memory.
//!
//! The body is read as it arrives and cut into lines; lines are gathered into
//! blocks of about [`BLOCK_BYTES`], and up to [`IN_FLIGHT`] blocks are
//! evaluated on every core while the next is read. Each block's records are
//! sent on before the block after it, through a channel of [`QUEUE`] blocks, so
//! memory stays bounded by a few blocks and the longest line allowed, whatever
//! the batch's length, and a client that reads slowly slows the reading of its
//! body instead of filling memory.
//!
//! Every line gets a record: a verdict with `policy_version`, or an error record
//! (`{"line", "claim_id", "errors": [{"path", "message"}], "policy_version"}`),
//! as `clause eval --claims` writes them. A line longer than `--max-line-bytes`
//! is skipped to its end and gets an error record. The status (200) is sent
//! once the body's first bytes arrive (or `--body-timeout` passes without
//! them), before the rest is read, so a body that stops arriving for
//! `--body-timeout` (or breaks off) ends the stream with one last error record
//! saying so.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt as _;
use rayon::prelude::*;

use super::api::policies::VERSION_HEADER;
use super::layers::BodyDone;
use super::versions::Target;
use super::AppState;

/// Bytes of complete lines evaluated together.
const BLOCK_BYTES: usize = 256 << 10;

/// Blocks of records waiting to be sent.
const QUEUE: usize = 4;

/// Blocks being evaluated while the next is read, so that the cores stay busy
/// across the wait for a block's last, slowest part (docs/performance.md: with
/// one block in flight, a core was idle much of the time).
const IN_FLIGHT: usize = 3;

/// One input line of a block.
enum Line {
    /// A line's bytes in the block's data.
    Text(std::ops::Range<usize>),
    /// A line longer than the limit, skipped.
    TooLong,
}

#[derive(Default)]
struct Block {
    data: Vec<u8>,
    lines: Vec<Line>,
    first: u64,
}

/// What a block's evaluation gave: its records and the counts for the metrics.
struct Done {
    records: Vec<u8>,
    decisions: [(&'static str, u64); 4],
    errors: u64,
}

pub async fn stream(state: Arc<AppState>, loaded: Target, body: Body, done: BodyDone) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(QUEUE);
    let version = loaded.fixed_version().map(str::to_string);
    // The body is polled once before the answer starts: a client that sent
    // `Expect: 100-continue` (curl does, for bodies over 1 MB) then gets its
    // `100 Continue` from hyper at once, instead of waiting out its own timeout
    // (a second, for curl) because the answer's status came first.
    let mut frames = body.into_data_stream().peekable();
    let stalled = tokio::time::timeout(
        state.limits.body_timeout,
        std::pin::Pin::new(&mut frames).peek(),
    )
    .await
    .is_err();
    tokio::spawn(async move {
        run(&state, &loaded, frames, stalled, tx).await;
        done.read.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let stream = tokio_stream(rx).map(Ok::<Bytes, std::convert::Infallible>);
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    // Over a policy's dated versions each record names its own version.
    if let Some(Ok(v)) = version.as_deref().map(HeaderValue::from_str) {
        headers.insert(VERSION_HEADER, v);
    }
    response
}

/// The receiving end of a channel as a stream.
fn tokio_stream(
    mut rx: tokio::sync::mpsc::Receiver<Bytes>,
) -> impl futures_util::Stream<Item = Bytes> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// Reads the body, evaluates its lines block by block and sends the records.
///
/// `stalled`: no byte of the body arrived for the body timeout before the
/// answer started (the batch ends at once, with its error record).
async fn run<S>(
    state: &AppState,
    loaded: &Target,
    mut frames: S,
    mut stalled: bool,
    tx: tokio::sync::mpsc::Sender<Bytes>,
) where
    S: futures_util::Stream<Item = Result<Bytes, axum::Error>> + Unpin,
{
    let max_line = state.limits.max_line;
    let idle = state.limits.body_timeout;
    let mut block = Block {
        first: 1,
        ..Block::default()
    };
    // Where the line being read starts in `block.data`, and whether it is being skipped.
    let mut line_start = 0usize;
    let mut skipping = false;
    let mut in_flight: std::collections::VecDeque<tokio::task::JoinHandle<Done>> =
        std::collections::VecDeque::new();
    let mut ending: Option<String> = None;
    loop {
        let next = if std::mem::take(&mut stalled) {
            Err(())
        } else {
            tokio::time::timeout(idle, frames.next())
                .await
                .map_err(|_| ())
        };
        let chunk = match next {
            Err(()) => {
                ending = Some(format!(
                    "no byte of the request body arrived for {} s (the server's --body-timeout); the batch ends here",
                    idle.as_secs()
                ));
                break;
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                ending = Some(format!(
                    "the request body broke off ({e}); the batch ends here"
                ));
                break;
            }
            Ok(Some(Ok(chunk))) => chunk,
        };
        let mut rest: &[u8] = &chunk;
        while !rest.is_empty() {
            match memchr::memchr(b'\n', rest) {
                Some(i) => {
                    let (segment, tail) = rest.split_at(i + 1);
                    rest = tail;
                    if skipping {
                        skipping = false;
                        block.lines.push(Line::TooLong);
                    } else {
                        block.data.extend_from_slice(segment);
                        if text_len(block.data.get(line_start..).unwrap_or_default()) > max_line {
                            block.data.truncate(line_start);
                            block.lines.push(Line::TooLong);
                        } else {
                            block.lines.push(Line::Text(line_start..block.data.len()));
                        }
                    }
                    line_start = block.data.len();
                    if block.data.len() >= BLOCK_BYTES || block.lines.len() >= BLOCK_BYTES / 64 {
                        let next_first = block.first + block.lines.len() as u64;
                        let full = std::mem::replace(
                            &mut block,
                            Block {
                                first: next_first,
                                data: Vec::with_capacity(BLOCK_BYTES + (16 << 10)),
                                lines: Vec::new(),
                            },
                        );
                        line_start = 0;
                        if !send_previous(state, loaded, &mut in_flight, IN_FLIGHT - 1, &tx).await {
                            return;
                        }
                        in_flight.push_back(spawn_block(loaded.clone(), full, max_line));
                    }
                }
                None => {
                    if !skipping {
                        block.data.extend_from_slice(rest);
                        // A CR at the end may be the start of the line's CRLF.
                        if text_len(block.data.get(line_start..).unwrap_or_default()) > max_line {
                            block.data.truncate(line_start);
                            skipping = true;
                        }
                    }
                    rest = &[];
                }
            }
        }
    }
    // The last line, without a line end.
    let cut = ending.is_some();
    if skipping {
        block.lines.push(Line::TooLong);
    } else if block.data.len() > line_start && !cut {
        block.lines.push(Line::Text(line_start..block.data.len()));
    } else if block.data.len() > line_start {
        block.data.truncate(line_start);
    }
    let last_line = block.first + block.lines.len() as u64;
    if !block.lines.is_empty() {
        in_flight.push_back(spawn_block(loaded.clone(), block, max_line));
    }
    if !send_previous(state, loaded, &mut in_flight, 0, &tx).await {
        return;
    }
    if let Some(message) = ending {
        let mut out = Vec::new();
        loaded.line_error(last_line, &message, &mut out);
        out.push(b'\n');
        state.metrics.verdicts(loaded.declared_name(), &[], 1);
        tracing::warn!(policy = %loaded.name(), line = last_line, "{message}");
        let _ = tx.send(Bytes::from(out)).await;
    }
}

/// The length of a line's text, as a claim is read from it: without its line
/// end (`\n` or `\r\n`), or, for a line still arriving or the last line, without
/// a `\r` at its end. `--max-line-bytes` bounds this length.
fn text_len(line: &[u8]) -> usize {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line).len()
}

/// Waits for the oldest blocks being evaluated, in order, until at most `keep`
/// remain, and sends their records; false when the client has gone away
/// (nothing more is worth doing).
async fn send_previous(
    state: &AppState,
    loaded: &Target,
    in_flight: &mut std::collections::VecDeque<tokio::task::JoinHandle<Done>>,
    keep: usize,
    tx: &tokio::sync::mpsc::Sender<Bytes>,
) -> bool {
    while in_flight.len() > keep {
        let Some(handle) = in_flight.pop_front() else {
            return true;
        };
        let done = match handle.await {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "a batch block stopped");
                return false;
            }
        };
        state
            .metrics
            .verdicts(loaded.declared_name(), &done.decisions, done.errors);
        if tx.send(Bytes::from(done.records)).await.is_err() {
            return false;
        }
    }
    true
}

fn spawn_block(loaded: Target, block: Block, max_line: usize) -> tokio::task::JoinHandle<Done> {
    tokio::task::spawn_blocking(move || evaluate_block(&loaded, &block, max_line))
}

/// Evaluates a block's lines on every core; the records come out in line order.
fn evaluate_block(loaded: &Target, block: &Block, max_line: usize) -> Done {
    let parts = rayon::current_num_threads().max(1) * 4;
    let per_part = block.lines.len().div_ceil(parts).max(1);
    let results: Vec<Done> = block
        .lines
        .par_chunks(per_part)
        .enumerate()
        .map(|(part, lines)| {
            let mut done = Done {
                records: Vec::with_capacity(lines.len() * 512),
                decisions: [("approve", 0), ("deny", 0), ("review", 0), ("partial", 0)],
                errors: 0,
            };
            let first = block.first + (part * per_part) as u64;
            for (i, line) in lines.iter().enumerate() {
                let number = first + i as u64;
                let decision = match line {
                    Line::Text(range) => loaded.batch_record(
                        block.data.get(range.clone()).unwrap_or_default(),
                        number,
                        &mut done.records,
                    ),
                    Line::TooLong => {
                        loaded.line_error(
                            number,
                            &format!("the line is longer than {max_line} bytes (the server's --max-line-bytes)"),
                            &mut done.records,
                        );
                        None
                    }
                };
                done.records.push(b'\n');
                match decision {
                    Some(d) => {
                        if let Some(slot) = done.decisions.iter_mut().find(|(name, _)| *name == d) {
                            slot.1 += 1;
                        }
                    }
                    None => done.errors += 1,
                }
            }
            done
        })
        .collect();
    let mut all = Done {
        records: Vec::with_capacity(results.iter().map(|r| r.records.len()).sum()),
        decisions: [("approve", 0), ("deny", 0), ("review", 0), ("partial", 0)],
        errors: 0,
    };
    for r in results {
        all.records.extend_from_slice(&r.records);
        for (slot, (_, n)) in all.decisions.iter_mut().zip(r.decisions) {
            slot.1 += n;
        }
        all.errors += r.errors;
    }
    all
}
