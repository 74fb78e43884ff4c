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
    pub fn flush(&self, wait: Duration) {
        let (done, written) = sync_channel(1);
        if self.queue.try_send(Msg::Flush(done)).is_ok() {
            let _ = written.recv_timeout(wait);
        }
    }
}

fn write_lines(lines: Receiver<Msg>, out: impl Write, dropped: &AtomicU64) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let write = |msg: Msg, out: &mut std::io::BufWriter<_>| match msg {
        Msg::Line(line) => {
            if out.write_all(&line).is_err() {
                dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        Msg::Flush(done) => {
            let _ = out.flush();
            let _ = done.try_send(());
        }
    };
    while let Ok(msg) = lines.recv() {
        write(msg, &mut out);
        // Lines that came meanwhile go out in the same write.
        while let Ok(msg) = lines.try_recv() {
            write(msg, &mut out);
        }
        let _ = out.flush();
        // While the server is busy, lines are gathered for a moment rather than
        // each waking this thread: a line sent while it sleeps costs its sender
        // no wake-up, and the next pass writes them all at once.
        std::thread::sleep(PAUSE);
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
        // Lines of 1 KiB: the writer thread buffers at most 64 of them before
        // it blocks on the gate; the queue holds QUEUED more; the rest are dropped.
        let line = |i: usize| format!("{i:01023}\n");
        let sent = QUEUED + 200;
        for i in 0..sent {
            logs.write_all(line(i).as_bytes()).unwrap();
        }
        let dropped = logs.dropped();
        assert!((200 - 65..=200).contains(&dropped), "{dropped}");
        // Stuck, with the queue full: a flush gives up at once rather than wait.
        logs.flush(Duration::from_secs(10));
        *gate.open.lock().unwrap() = true;
        let kept = (sent as u64 - dropped) as usize;
        // A flush returns at once while the queue is still full, else waits
        // at most 1 s; the queue is empty well within 200 tries.
        let mut written = 0;
        for _ in 0..200 {
            logs.flush(Duration::from_secs(1));
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
}
