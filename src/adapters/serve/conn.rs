//! Connections: HTTP/1.1 with hyper, a header read timeout, and graceful shutdown.
//!
//! axum's own `serve` has no header read timeout, so connections are served
//! here with hyper's HTTP/1 builder. A client that sends part of a request's
//! headers and then stalls gets `408 Request Timeout` and the connection is
//! closed; an idle keep-alive connection is closed quietly after the same time.
//!
//! On shutdown the listener stops accepting, every connection finishes the
//! request it is serving (a streaming batch to its end) and closes, and the
//! server exits once all are closed or the drain timeout has passed.

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
    pub header: Duration,
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
        });
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                if e.is_timeout() && pending.load(Ordering::SeqCst) {
                    // Part of a request arrived and then nothing: say why the
                    // connection closes. The socket is non-blocking and the answer
                    // small; if it cannot be written at once it is dropped.
                    let _ = (&spare).write_all(&timeout_response());
                    let _ = spare.shutdown(std::net::Shutdown::Both);
                    tracing::info!(%peer, "request headers too slow: 408");
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

/// A stream that remembers whether bytes arrived since the last response was
/// written: that is, whether a request is partly read.
struct Watched {
    inner: TcpStream,
    pending: Arc<AtomicBool>,
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
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.pending.store(false, Ordering::SeqCst);
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.pending.store(false, Ordering::SeqCst);
        }
        result
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
