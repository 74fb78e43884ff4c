//! `clause serve`: verdicts over HTTP (axum on tokio).
//!
//! - [`registry`]: the policies being served and hot reload;
//! - [`api`]: the endpoints; [`batch`]: NDJSON batches streamed in constant memory;
//! - [`layers`]: what every request goes through (metrics and logs, auth,
//!   concurrency, timeouts); [`conn`]: connections, the header read timeout and
//!   graceful shutdown;
//! - [`engine`]: the one module that calls the library;
//! - [`openapi`]: the OpenAPI 3.1 document, generated from the handlers' annotations.
//!
//! The playground page is mounted from `playground.rs` when that file exists
//! (`build.rs` sets `clause_playground`); it provides `pub fn router() -> axum::Router`
//! serving `/` and its assets. Without it, `/` answers with a short text.

mod api;
mod batch;
mod conn;
mod engine;
mod gather;
mod layers;
mod logs;
mod metrics;
mod openapi;
#[cfg(clause_playground)]
include!(concat!(env!("OUT_DIR"), "/playground_mod.rs"));
mod problem;
mod registry;
mod versions;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::sync::Semaphore;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

use super::cli::{EXIT_INPUT, EXIT_OK, EXIT_POLICY};

/// `clause serve`'s options.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Directory of policy files (`NAME.policy`, served as /v1/policies/NAME)
    #[arg(long)]
    pub policies: PathBuf,
    /// Address to listen on (port 0 picks a free port; the address is printed)
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Log format on standard error
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// File holding the bearer token /v1 requests must send (`Authorization: Bearer TOKEN`);
    /// the CLAUSE_TOKEN environment variable is read when this is not given
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Largest request body, except NDJSON batches (413 beyond it)
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Largest line of an NDJSON batch (the line gets an error record beyond it)
    #[arg(long, default_value_t = 1 << 20)]
    pub max_line_bytes: usize,
    /// Largest policy text, sent for checking or read from the directory (413 beyond it)
    #[arg(long, default_value_t = 256 << 10)]
    pub max_policy_bytes: usize,
    /// Requests served at once; more are refused with 503 at once (health checks are not counted)
    #[arg(long, default_value_t = 256, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub max_concurrency: usize,
    /// Seconds a request may take until its response starts (408 if the body was still arriving, else 503)
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub request_timeout: u64,
    /// Seconds a client may take to send a request's headers (408, then the connection is closed)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub header_timeout: u64,
    /// Seconds a request body may go without a byte arriving (408; a batch ends with an error record)
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub body_timeout: u64,
    /// Seconds the client's socket may take no more of an answer between two writes (the connection is then closed)
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub write_timeout: u64,
    /// Let the playground write cases files (`NAME.cases.json`) beside the policies
    /// (`POST /v1/cases/save`); without it that endpoint answers 403
    #[arg(long)]
    pub allow_write: bool,
    /// Milliseconds between reload passes over the policy directory (0: no reload)
    #[arg(long, default_value_t = 1000)]
    pub reload_interval: u64,
    /// Seconds to let requests in flight finish after SIGTERM before exiting
    #[arg(long, default_value_t = 30)]
    pub drain_timeout: u64,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The limits every request is held to.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_body: usize,
    pub max_line: usize,
    pub max_policy: usize,
    pub request_timeout: Duration,
    pub body_timeout: Duration,
}

/// What every handler shares.
pub struct AppState {
    pub registry: registry::Registry,
    pub metrics: metrics::Metrics,
    pub limits: Limits,
    pub token: Option<String>,
    /// False once shutdown has begun (readiness fails, so load balancers stop sending).
    pub ready: AtomicBool,
    pub concurrency: Arc<Semaphore>,
    pub max_concurrency: usize,
    /// Whether `POST /v1/cases/save` may write cases files (`--allow-write`).
    pub allow_write: bool,
    /// Claims sent one per request, evaluated back to back (see `gather`).
    pub gather: gather::Gather,
}

impl AppState {
    /// Whether the request asking is the only one in flight (each request but
    /// health checks and metrics holds a concurrency slot while it runs).
    pub fn alone(&self) -> bool {
        self.concurrency.available_permits() + 1 >= self.max_concurrency
    }
}

/// Runs the server until SIGTERM or SIGINT; returns the exit code.
pub fn run(args: Args) -> i32 {
    run_on(args, None)
}

/// [`run`], on a socket already bound (to `args.addr`) when `listener` is
/// given: `clause playground` binds first, so that the address it prints is
/// the one served, with no moment in which another program could take the port.
pub fn run_on(args: Args, listener: Option<std::net::TcpListener>) -> i32 {
    let logs = init_logs(args.log_format);
    let token = match read_token(args.token_file.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server's runtime: {e}");
            return EXIT_INPUT;
        }
    };
    let code = runtime.block_on(serve(args, listener, token, logs.clone()));
    drop(runtime);
    // The last lines (shutdown) are written, unless nothing reads them.
    settle_logs(logs.as_ref());
    code
}

/// Waits (at most 1 s) for the log lines queued so far to be written: before
/// the process exits, and before a message written to standard error directly.
fn settle_logs(logs: Option<&logs::Logs>) {
    if let Some(logs) = logs {
        logs.wait_written(Duration::from_secs(1));
    }
}

async fn serve(
    args: Args,
    listener: Option<std::net::TcpListener>,
    token: Option<String>,
    logs: Option<logs::Logs>,
) -> i32 {
    let state = Arc::new(AppState {
        registry: registry::Registry::new(args.policies.clone(), args.max_policy_bytes),
        metrics: metrics::Metrics::new(logs.clone()),
        limits: Limits {
            max_body: args.max_body_bytes,
            max_line: args.max_line_bytes,
            max_policy: args.max_policy_bytes,
            request_timeout: Duration::from_secs(args.request_timeout),
            body_timeout: Duration::from_secs(args.body_timeout),
        },
        token,
        ready: AtomicBool::new(false),
        concurrency: Arc::new(Semaphore::new(args.max_concurrency)),
        max_concurrency: args.max_concurrency,
        gather: gather::Gather::default(),
        allow_write: args.allow_write,
    });
    // The first load: the server refuses to start when no policy checks.
    let loaded = {
        let s = state.clone();
        tokio::task::spawn_blocking(move || s.registry.reload()).await
    };
    let changes = match loaded {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_POLICY;
        }
        Err(e) => {
            eprintln!("error: loading the policies stopped: {e}");
            return EXIT_POLICY;
        }
    };
    record_changes(&state, &changes);
    let serving = state
        .registry
        .snapshot()
        .files
        .values()
        .filter(|e| e.current.is_some())
        .count();
    if serving == 0 {
        // The refusals logged above come first, then the summary.
        settle_logs(logs.as_ref());
        eprintln!(
            "error: no policy in {} checks; the server does not start",
            args.policies.display()
        );
        for c in &changes {
            if let registry::Change::Refused { name, message } = c {
                eprintln!("{name}:\n{message}");
            }
        }
        if changes.is_empty() {
            eprintln!("(the directory holds no .policy file)");
        }
        return EXIT_POLICY;
    }
    let bound = match listener {
        Some(l) => l
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(l)),
        None => tokio::net::TcpListener::bind(args.addr).await,
    };
    let listener = match bound {
        Ok(l) => l,
        Err(e) => {
            settle_logs(logs.as_ref());
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return EXIT_INPUT;
        }
    };
    let addr = listener.local_addr().unwrap_or(args.addr);
    // The address on standard output, alone on its line, for scripts and tests
    // that start the server on port 0.
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
    }
    tracing::info!(%addr, policies = serving, "listening");
    state.ready.store(true, Ordering::SeqCst);

    if args.reload_interval > 0 {
        tokio::spawn(reload_loop(
            state.clone(),
            Duration::from_millis(args.reload_interval),
        ));
    }
    let app = router(state.clone());
    let shutdown = shutdown_signal(state.clone());
    let counted = state.clone();
    conn::serve(
        listener,
        app,
        conn::Timeouts {
            header: Duration::from_secs(args.header_timeout),
            write: Duration::from_secs(args.write_timeout),
            drain: Duration::from_secs(args.drain_timeout),
        },
        Arc::new(move |took| counted.metrics.header_timeout(took)),
        shutdown,
    )
    .await;
    tracing::info!("stopped");
    EXIT_OK
}

/// Every route, with the layers every request goes through.
fn router(state: Arc<AppState>) -> Router {
    let app = api::routes()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layers::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layers::observe,
        ))
        .with_state(state);
    app.merge(playground())
}

#[cfg(clause_playground)]
fn playground() -> Router {
    playground::router()
}

/// Without the playground, `/` says so.
#[cfg(not(clause_playground))]
fn playground() -> Router {
    Router::new().route(
        "/",
        axum::routing::get(|| async {
            "clause serve: the playground page is not built into this binary.\n\
             The API is under /v1 (see /openapi.json); health at /healthz and /readyz.\n"
        }),
    )
}

/// Logs the policies a reload pass loaded, refused or removed, and counts them.
fn record_changes(state: &AppState, changes: &[registry::Change]) {
    for c in changes {
        match c {
            registry::Change::Loaded { name, version } => {
                tracing::info!(policy = %name, %version, "policy loaded");
                state.metrics.reload(name, "loaded", Some(version));
            }
            registry::Change::Refused { name, message } => {
                let serving = state
                    .registry
                    .get(name)
                    .and_then(|e| e.current.as_ref().map(|c| c.version.clone()));
                tracing::warn!(
                    policy = %name,
                    still_serving = serving.as_deref().unwrap_or("nothing"),
                    diagnostics = %message,
                    "policy refused"
                );
                state.metrics.reload(name, "refused", None);
            }
            registry::Change::Removed { name } => {
                tracing::info!(policy = %name, "policy removed");
                state.metrics.reload(name, "removed", None);
            }
        }
    }
}

async fn reload_loop(state: Arc<AppState>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let s = state.clone();
        match tokio::task::spawn_blocking(move || s.registry.reload()).await {
            Ok(Ok(changes)) => record_changes(&state, &changes),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "reload pass failed; every policy keeps serving")
            }
            Err(e) => tracing::warn!(error = %e, "reload pass stopped"),
        }
    }
}

/// Resolves on SIGTERM or SIGINT, after marking the server not ready.
async fn shutdown_signal(state: Arc<AppState>) {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    state.ready.store(false, Ordering::SeqCst);
    tracing::info!("shutting down: draining requests in flight");
}

fn read_token(file: Option<&std::path::Path>) -> Result<Option<String>, String> {
    let token = match file {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read the token file {}: {e}", p.display()))?,
        ),
        None => std::env::var("CLAUSE_TOKEN").ok(),
    };
    match token.map(|t| t.trim().to_string()) {
        Some(t) if t.is_empty() => Err("the bearer token is empty".into()),
        other => Ok(other),
    }
}

/// Logs go to standard error through [`logs::Logs`]: a request never waits for
/// its log line. Without a writer thread (it could not be started) they go to
/// standard error directly.
fn init_logs(format: LogFormat) -> Option<logs::Logs> {
    let queue = logs::Logs::start(std::io::stderr()).ok();
    let builder = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false);
    let builder = builder.with_writer(match &queue {
        Some(q) => BoxMakeWriter::new(q.clone()),
        None => BoxMakeWriter::new(std::io::stderr),
    });
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
    queue
}
