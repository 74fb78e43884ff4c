//! The server's log lines go to standard error from a thread of their own, so
//! that a request never waits for its log line.
//!
//! Written directly from the request's thread, a log line blocks that thread
//! whenever whatever reads standard error stops reading (a stuck log shipper, a
//! full pipe, a paused terminal): once the pipe's buffer is full, every worker
//! blocks on its next line and the whole server stops answering, health checks
//! included. Here each line is queued (at most [`QUEUED`] lines) and a writer
//! thread writes them, all the lines of up to [`PAUSE`] per write while lines
//! keep coming (a log line is then a queue push, not a system call on the
//! request's thread). When the queue is
//! full, a new line is dropped and counted ([`Logs::dropped`],
//! `clause_log_lines_dropped_total` in `/metrics`).
//!
//! tracing-appender's non-blocking writer does the same, but its guard prints
//! to standard output when the writer thread does not finish in time on exit;
//! with standard output closed that print panics, and the panic message then
//! blocks on the full standard error, so the server never exits. This writer's
//! exit waits a bounded time and prints nothing.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

/// Lines waiting for standard error before new ones are dropped (a few MB).
pub const QUEUED: usize = 16_384;

enum Msg {
    Line(Vec<u8>),
    /// Write what is queued before this, then answer.
    Flush(SyncSender<()>),
}

/// The log's queue: a `tracing_subscriber` writer, cloned for every line.
#[derive(Clone)]
pub struct Logs {
    queue: SyncSender<Msg>,
    dropped: Arc<AtomicU64>,
}

impl Logs {
    /// Starts the writer thread over `out` (standard error in the server).
    pub fn start(out: impl Write + Send + 'static) -> std::io::Result<Logs> {
        let (queue, lines) = sync_channel(QUEUED);
        let dropped = Arc::new(AtomicU64::new(0));
        let failed = dropped.clone();
        std::thread::Builder::new()
            .name("clause-log".into())
            .spawn(move || write_lines(lines, out, &failed))?;
        Ok(Logs { queue, dropped })
    }

    /// Lines dropped so far: the queue was full, or writing them failed.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Waits until the lines queued so far are written, for at most `wait`;
    /// gives up at once when the queue is full (nothing is reading them).
    pub fn wait_written(&self, wait: Duration) {
        let (done, written) = sync_channel(1);
        if self.queue.try_send(Msg::Flush(done)).is_ok() {
            let _ = written.recv_timeout(wait);
        }
    }
}

fn write_lines(lines: Receiver<Msg>, out: impl Write, dropped: &AtomicU64) {
    let mut out = Batch {
        out,
        buf: Vec::with_capacity(BATCH_BYTES),
        lines: 0,
        dropped,
    };
    while let Ok(msg) = lines.recv() {
        out.take(msg);
        // Lines that came meanwhile go out in the same write.
        while let Ok(msg) = lines.try_recv() {
            out.take(msg);
        }
        out.write();
        // While the server is busy, lines are gathered for a moment rather than
        // each waking this thread: a line sent while it sleeps costs its sender
        // no wake-up, and the next pass writes them all at once.
        std::thread::sleep(PAUSE);
    }
}

/// Bytes gathered before they are written even though more lines wait.
const BATCH_BYTES: usize = 64 * 1024;

/// Lines gathered for one write.
struct Batch<'a, W: Write> {
    out: W,
    buf: Vec<u8>,
    /// Lines in `buf`.
    lines: u64,
    dropped: &'a AtomicU64,
}

impl<W: Write> Batch<'_, W> {
    fn take(&mut self, msg: Msg) {
        match msg {
            Msg::Line(line) => {
                self.buf.extend_from_slice(&line);
                self.lines += 1;
                if self.buf.len() >= BATCH_BYTES {
                    self.write();
                }
            }
            Msg::Flush(done) => {
                self.write();
                let _ = done.try_send(());
            }
        }
    }

    /// Writes the gathered lines; when that fails they count as dropped (a
    /// failed write may have sent part of them).
    fn write(&mut self) {
        if !self.buf.is_empty() && self.out.write_all(&self.buf).is_err() {
            self.dropped.fetch_add(self.lines, Ordering::Relaxed);
        }
        let _ = self.out.flush();
        self.buf.clear();
        self.lines = 0;
    }
}

/// How long the writer gathers lines between two writes while lines keep coming.
const PAUSE: Duration = Duration::from_millis(10);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.queue.try_send(Msg::Line(buf.to_vec())) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A writer that blocks until `open` is set, then keeps what it is given.
    #[derive(Clone)]
    struct Gate {
        open: Arc<Mutex<bool>>,
        got: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for Gate {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            for _ in 0..2_000 {
                if *self.open.lock().unwrap() {
                    self.got.lock().unwrap().extend_from_slice(buf);
                    return Ok(buf.len());
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(std::io::Error::other("the gate stayed shut"))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_queue_while_the_reader_is_stuck_and_are_dropped_and_counted_past_the_limit() {
        let gate = Gate {
            open: Arc::new(Mutex::new(false)),
            got: Arc::new(Mutex::new(Vec::new())),
        };
        let mut logs = Logs::start(gate.clone()).unwrap();
        // Lines of 1 KiB: the writer thread gathers at most 64 of them before
        // it blocks on the gate; the queue holds QUEUED more; the rest are dropped.
        let line = |i: usize| format!("{i:01023}\n");
        let sent = QUEUED + 200;
        for i in 0..sent {
            logs.write_all(line(i).as_bytes()).unwrap();
        }
        let dropped = logs.dropped();
        assert!((200 - 65..=200).contains(&dropped), "{dropped}");
        // Stuck, with the queue full: waiting gives up at once.
        logs.wait_written(Duration::from_secs(10));
        *gate.open.lock().unwrap() = true;
        let kept = (sent as u64 - dropped) as usize;
        // Waiting returns at once while the queue is still full, else waits
        // at most 1 s; the queue is empty well within 200 tries.
        let mut written = 0;
        for _ in 0..200 {
            logs.wait_written(Duration::from_secs(1));
            written = gate.got.lock().unwrap().len() / 1024;
            if written == kept {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(written, kept);
        // In order, from the first line, with a gap where lines were dropped.
        let got = String::from_utf8(gate.got.lock().unwrap().clone()).unwrap();
        let numbers: Vec<usize> = got.lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(numbers.first(), Some(&0));
        assert!(numbers.windows(2).all(|w| w[0] < w[1]));
    }

    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("the reader went away"))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_that_cannot_be_written_are_counted_as_dropped() {
        let mut logs = Logs::start(Broken).unwrap();
        for i in 0..10 {
            logs.write_all(format!("{i}\n").as_bytes()).unwrap();
        }
        // Once the writer has answered, every line before the question was tried.
        logs.wait_written(Duration::from_secs(10));
        assert_eq!(logs.dropped(), 10);
    }
}
