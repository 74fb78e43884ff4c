//! Connections: HTTP/1.1 with hyper, a header read timeout, a write timeout,
//! and graceful shutdown.
//!
//! axum's own `serve` has no header read timeout, so connections are served
//! here with hyper's HTTP/1 builder. A client that sends part of a request's
//! headers and then stalls gets `408 Request Timeout` and the connection is
//! closed; an idle keep-alive connection is closed quietly after the same time.
//!
//! A client that stops reading a streamed answer (a batch) would otherwise
//! hold its request's concurrency slot for as long as the connection lives: a
//! few such connections would leave every other client with 503. When a write
//! has waited the write timeout for the socket to take more bytes, the
//! connection is closed. As with nginx's `send_timeout`, this is the time
//! between two writes: the socket takes more once about a third of its send
//! buffer is free, so a client reading very slowly is cut off too.
//!
//! On shutdown the listener stops accepting, every connection finishes the
//! request it is serving (a streaming batch to its end) and closes, and the
//! server exits once all are closed or the drain timeout has passed.

use std::future::Future as _;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

pub struct Timeouts {
    /// How long a request's headers may take; the 408 written when they stall
    /// is reported to `header_timed_out` (for the metrics).
    pub header: Duration,
    /// How long a write may wait for the client to take any byte.
    pub write: Duration,
    pub drain: Duration,
}

/// The answer to a client whose request headers stalled.
fn timeout_response() -> Vec<u8> {
    let body = "{\"type\":\"https://clause.dev/problems/header-timeout\",\"title\":\"Request headers too slow\",\"status\":408,\"detail\":\"the request headers did not arrive within the server's --header-timeout\"}";
    format!(
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    header_timed_out: Arc<dyn Fn(Duration) + Send + Sync>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok((stream, spare)) = with_spare(stream) else {
            continue;
        };
        let pending = Arc::new(AtomicBool::new(false));
        let io = TokioIo::new(Watched {
            inner: stream,
            pending: pending.clone(),
            write_timeout: timeouts.write,
            stalled: None,
        });
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(builder.serve_connection(io, service));
        let header_timed_out = header_timed_out.clone();
        let header_timeout = timeouts.header;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                if e.is_timeout() && pending.load(Ordering::SeqCst) {
                    // Part of a request arrived and then nothing: say why the
                    // connection closes. The socket is non-blocking and the answer
                    // small; if it cannot be written at once it is dropped.
                    let _ = (&spare).write_all(&timeout_response());
                    let _ = spare.shutdown(std::net::Shutdown::Both);
                    header_timed_out(header_timeout);
                    tracing::info!(%peer, "request headers too slow: 408");
                } else if is_write_timeout(&e) {
                    tracing::info!(%peer, "the client took no more of its answer for the write timeout: connection closed");
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("every connection closed"),
        () = tokio::time::sleep(timeouts.drain) => {
            tracing::warn!(seconds = timeouts.drain.as_secs(), "drain timeout passed; exiting with connections open");
        }
    }
}

/// The stream, and a second handle to the same socket to write the 408 after
/// hyper has given the stream up.
fn with_spare(stream: TcpStream) -> std::io::Result<(TcpStream, std::net::TcpStream)> {
    let std_stream = stream.into_std()?;
    let spare = std_stream.try_clone()?;
    Ok((TcpStream::from_std(std_stream)?, spare))
}

/// Why a write gave up: the client's socket took no more bytes for the write timeout.
#[derive(Debug)]
struct WriteTimedOut;

impl std::fmt::Display for WriteTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the client's socket took no more bytes for the write timeout")
    }
}

impl std::error::Error for WriteTimedOut {}

/// Whether hyper gave the connection up because a write timed out.
fn is_write_timeout(e: &hyper::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        // An io::Error's `source` skips the error it wraps: look inside.
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return io
                .get_ref()
                .is_some_and(|inner| inner.is::<WriteTimedOut>());
        }
        source = s.source();
    }
    false
}

/// A stream that remembers whether bytes arrived since the last response was
/// written (that is, whether a request is partly read), and that gives up a
/// write the client has taken nothing of for `write_timeout`.
struct Watched {
    inner: TcpStream,
    pending: Arc<AtomicBool>,
    write_timeout: Duration,
    /// Started when a write first has to wait; gone once a write goes through.
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Watched {
    /// A write's result, as the write timeout sees it.
    fn watch_write(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<std::io::Result<usize>>,
    ) -> Poll<std::io::Result<usize>> {
        if result.is_pending() {
            let timeout = self.write_timeout;
            let stalled = self
                .stalled
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
            if stalled.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    WriteTimedOut,
                )));
            }
            return Poll::Pending;
        }
        self.stalled = None;
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.pending.store(false, Ordering::SeqCst);
        }
        result
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.pending.store(true, Ordering::SeqCst);
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch_write(cx, result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch_write(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
