//! `clause lsp`: the language server, over standard input and output.
//!
//! A translation layer and nothing more: [`transport`] reads and writes the
//! JSON-RPC messages (`lsp-server`'s types), `lsp-types` gives the LSP's
//! messages, and every answer comes from the
//! library's [`clause::ide`] on one [`Analysis`] per open file. This
//! adapter keeps the open files, converts positions ([`position`]), reads each
//! file's `clause.toml` and cases file from disk, and turns library answers into
//! protocol values ([`convert`]).
//!
//! Files are synchronised incrementally. Changes are applied to the text as they
//! come and analysed when no other message waits (or before a request is
//! answered), so that a burst of keystrokes costs one analysis; the diagnostics
//! of each analysis are published with the version they belong to. A request that fails inside the library is answered
//! with an error and the server goes on.
//!
//! When the client allows it, the server asks to be told of every change to a
//! `clause.toml` (`workspace/didChangeWatchedFiles`); on one, every open file
//! reads its settings again and its diagnostics are published again.

mod convert;
mod handlers;
pub mod position;
mod transport;

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{self as lt, Url};

use clause::ide::{Analysis, Example};
use clause::{LintConfig, Source};
use position::LineIndex;

/// One open file.
pub(crate) struct Document {
    /// The version analysed.
    pub version: i32,
    /// Changes received and not analysed yet: the version and text they make.
    pub pending: Option<(i32, String)>,
    pub analysis: Analysis,
    pub lines: LineIndex,
    /// Settings of the nearest clause.toml, read when the file is opened or saved
    /// and when the client reports a clause.toml changed.
    pub config: LintConfig,
    pub example: Option<Example>,
}

impl Document {
    pub fn text(&self) -> &str {
        self.analysis.text()
    }
}

pub(crate) struct Server {
    pub docs: HashMap<Url, Document>,
    pub roots: Vec<PathBuf>,
    /// Where the lint pages are (`<base><lint-name>.md`), for diagnostics' links.
    pub lint_docs: Option<Url>,
}

/// Runs the server until the client shuts it down; returns the exit code: 0
/// after `shutdown` then `exit`, 1 for `exit` (or the end of input) without
/// `shutdown`, or for a connection that broke.
pub fn run() -> i32 {
    let transport = transport::Transport::stdio();
    let code = match serve(&transport) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: clause lsp: {e}");
            1
        }
    };
    match transport.finish() {
        Ok(()) => code,
        Err(e) => {
            eprintln!("error: clause lsp: {e}");
            1
        }
    }
}

type Failed = Box<dyn std::error::Error + Send + Sync>;

fn serve(transport: &transport::Transport) -> Result<i32, Failed> {
    let send = |m: Message| transport.sender.send(m).map_err(|e| Box::new(e) as Failed);
    let Some(params) = initialize(transport)? else {
        return Ok(1);
    };
    let mut server = Server::new(&params);
    // Asked for once the client says it is initialized, as the LSP wants.
    let mut watch = watches_dynamically(&params);
    let mut shut_down = false;
    let mut next = transport.receiver.recv().ok();
    while let Some(msg) = next.take() {
        match msg {
            Message::Request(req) if shut_down => send(refuse(
                req.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down: only `exit` is taken now",
            ))?,
            Message::Request(req) if req.method == lt::request::Shutdown::METHOD => {
                shut_down = true;
                send(Message::Response(Response::new_ok(req.id, ())))?;
            }
            Message::Request(req) if req.method == lt::request::Initialize::METHOD => {
                send(refuse(
                    req.id,
                    ErrorCode::InvalidRequest,
                    "the server is already initialized",
                ))?
            }
            Message::Request(req) => {
                // A request is answered on the text as it is now.
                for out in server.flush() {
                    send(Message::Notification(out))?;
                }
                let response = server.request(req);
                send(Message::Response(response))?;
            }
            Message::Notification(n) if n.method == lt::notification::Exit::METHOD => {
                return Ok(if shut_down { 0 } else { 1 });
            }
            Message::Notification(_) if shut_down => {}
            Message::Notification(n) if n.method == lt::notification::Initialized::METHOD => {
                if std::mem::take(&mut watch) {
                    send(Message::Request(watch_clause_toml()))?;
                }
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
        // Changes are analysed once nothing else waits: a burst of keystrokes
        // is analysed once, at its end.
        next = transport.receiver.try_recv().ok();
        if next.is_none() && !shut_down {
            for out in server.flush() {
                send(Message::Notification(out))?;
            }
        }
        if next.is_none() {
            next = transport.receiver.recv().ok();
        }
    }
    // The end of input without `exit`.
    Ok(if shut_down { 0 } else { 1 })
}

/// Waits for `initialize` and answers it; `None` when the client leaves
/// (`exit`, or the end of input) first. Before it, requests are answered
/// -32002; an `initialize` whose parameters do not read is answered -32602 and
/// another may follow.
fn initialize(transport: &transport::Transport) -> Result<Option<lt::InitializeParams>, Failed> {
    let send = |m: Message| transport.sender.send(m).map_err(|e| Box::new(e) as Failed);
    for msg in &transport.receiver {
        match msg {
            Message::Request(req) if req.method == lt::request::Initialize::METHOD => {
                match serde_json::from_value::<lt::InitializeParams>(req.params) {
                    Ok(params) => {
                        let capabilities = serde_json::to_value(handlers::capabilities())?;
                        let result = serde_json::json!({
                            "capabilities": capabilities,
                            "serverInfo": {"name": "clause", "version": env!("CARGO_PKG_VERSION")},
                        });
                        send(Message::Response(Response::new_ok(req.id, result)))?;
                        return Ok(Some(params));
                    }
                    Err(e) => send(refuse(
                        req.id,
                        ErrorCode::InvalidParams,
                        &format!("initialize: the parameters do not read: {e}"),
                    ))?,
                }
            }
            Message::Request(req) => send(refuse(
                req.id,
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet: send `initialize` first",
            ))?,
            Message::Notification(n) if n.method == lt::notification::Exit::METHOD => {
                return Ok(None);
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    Ok(None)
}

/// An error answer to a request.
fn refuse(id: RequestId, code: ErrorCode, message: &str) -> Message {
    Message::Response(Response::new_err(id, code as i32, message.to_string()))
}

impl Server {
    fn new(params: &lt::InitializeParams) -> Server {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[expect(
            deprecated,
            reason = "clients that send no workspace folders send a root"
        )]
        if roots.is_empty() {
            if let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
                roots.push(root);
            }
        }
        let configured = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("lintDocsUrl"))
            .and_then(|v| v.as_str())
            .and_then(|s| Url::parse(&format!("{}/", s.trim_end_matches('/'))).ok());
        // The pages in the workspace when it is a Clause checkout, else the
        // project's published ones.
        let lint_docs = configured
            .or_else(|| {
                roots
                    .iter()
                    .map(|r| r.join("docs/lints"))
                    .find(|d| d.is_dir())
                    .and_then(|d| Url::from_directory_path(d).ok())
            })
            .or_else(|| {
                let repository = env!("CARGO_PKG_REPOSITORY");
                (!repository.is_empty())
                    .then(|| Url::parse(&format!("{repository}/blob/main/docs/lints/")).ok())
                    .flatten()
            });
        Server {
            docs: HashMap::new(),
            roots,
            lint_docs,
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handlers::dispatch(self, req)
        }));
        match answer {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(handlers::Failure { code, message })) => Response::new_err(id, code, message),
            Err(_) => Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                format!("clause could not answer {method}: this is a bug in Clause"),
            ),
        }
    }

    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        let method = n.method.clone();
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notified(n)));
        out.unwrap_or_else(|_| {
            vec![show_message(
                lt::MessageType::ERROR,
                format!("clause could not handle {method}: this is a bug in Clause"),
            )]
        })
    }

    fn notified(&mut self, n: Notification) -> Vec<Notification> {
        use lt::notification as N;
        match n.method.as_str() {
            N::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params)
                else {
                    return Vec::new();
                };
                let d = p.text_document;
                let (config, example, mut out) = read_surroundings(&d.uri);
                self.docs.insert(
                    d.uri.clone(),
                    Document::new(&d.uri, d.version, d.text, config, example),
                );
                out.extend(self.publish(&d.uri));
                out
            }
            N::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params)
                else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return Vec::new();
                };
                let (_, text) = doc
                    .pending
                    .get_or_insert_with(|| (doc.version, doc.analysis.text().to_string()));
                for change in p.content_changes {
                    apply_change(text, change);
                }
                if let Some(pending) = &mut doc.pending {
                    pending.0 = p.text_document.version;
                }
                Vec::new()
            }
            N::DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidSaveTextDocumentParams>(n.params)
                else {
                    return Vec::new();
                };
                self.reread(&p.text_document.uri)
            }
            N::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidChangeWatchedFilesParams>(n.params)
                else {
                    return Vec::new();
                };
                let touched = p
                    .changes
                    .iter()
                    .any(|c| c.uri.path().ends_with("/clause.toml"));
                if touched {
                    self.reread_surroundings()
                } else {
                    Vec::new()
                }
            }
            N::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params)
                else {
                    return Vec::new();
                };
                self.docs.remove(&p.text_document.uri);
                vec![Notification::new(
                    N::PublishDiagnostics::METHOD.into(),
                    lt::PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None),
                )]
            }
            _ => Vec::new(),
        }
    }

    /// A clause.toml was created, changed or deleted: every open file reads its
    /// nearest one again (and its cases file), is analysed again at the version it
    /// has, and has its diagnostics published.
    fn reread_surroundings(&mut self) -> Vec<Notification> {
        let mut uris: Vec<Url> = self.docs.keys().cloned().collect();
        uris.sort();
        let mut out: Vec<Notification> = uris.iter().flat_map(|uri| self.reread(uri)).collect();
        // A broken clause.toml read for each open file is one message, not one per file.
        let mut shown: Vec<String> = Vec::new();
        out.retain(|n| {
            if n.method != lt::notification::ShowMessage::METHOD {
                return true;
            }
            let said = n.params.to_string();
            let first = !shown.contains(&said);
            shown.push(said);
            first
        });
        out
    }

    /// One open file reads its clause.toml and cases file again, is analysed
    /// again at the version it has, and has its diagnostics published (nothing
    /// for a file that is not open).
    fn reread(&mut self, uri: &Url) -> Vec<Notification> {
        let Some(doc) = self.docs.get_mut(uri) else {
            return Vec::new();
        };
        let (config, example, mut out) = read_surroundings(uri);
        let (version, text) = doc
            .pending
            .take()
            .unwrap_or_else(|| (doc.version, doc.text().to_string()));
        *doc = Document::new(uri, version, text, config, example);
        out.extend(self.publish(uri));
        out
    }

    /// Analyses every file changed since its last analysis, and publishes its diagnostics.
    fn flush(&mut self) -> Vec<Notification> {
        let changed: Vec<Url> = self
            .docs
            .iter()
            .filter(|(_, d)| d.pending.is_some())
            .map(|(u, _)| u.clone())
            .collect();
        let mut out = Vec::new();
        for uri in changed {
            let Some(doc) = self.docs.get_mut(&uri) else {
                continue;
            };
            let Some((version, text)) = doc.pending.take() else {
                continue;
            };
            let (config, example) = (doc.config.clone(), doc.example.clone());
            let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Document::new(&uri, version, text, config, example)
            }));
            match analysed {
                Ok(d) => *doc = d,
                Err(_) => out.push(show_message(
                    lt::MessageType::ERROR,
                    format!("clause could not analyse {uri}: this is a bug in Clause"),
                )),
            }
            out.extend(self.publish(&uri));
        }
        out
    }

    /// The diagnostics of an open file, as a notification.
    fn publish(&self, uri: &Url) -> Vec<Notification> {
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        let diagnostics = convert::diagnostics(doc, uri, self.lint_docs.as_ref());
        vec![Notification::new(
            lt::notification::PublishDiagnostics::METHOD.into(),
            lt::PublishDiagnosticsParams::new(uri.clone(), diagnostics, Some(doc.version)),
        )]
    }
}

impl Document {
    pub fn new(
        uri: &Url,
        version: i32,
        text: String,
        config: LintConfig,
        example: Option<Example>,
    ) -> Document {
        let name = uri
            .to_file_path()
            .map_or_else(|_| uri.to_string(), |p| p.display().to_string());
        let lines = LineIndex::new(&text);
        let analysis = Analysis::new(Source::new(name, text), &config, example.clone());
        Document {
            version,
            pending: None,
            analysis,
            lines,
            config,
            example,
        }
    }
}

/// Applies one change of `textDocument/didChange` to a text: a range replaced,
/// or without a range the whole text.
pub(crate) fn apply_change(text: &mut String, change: lt::TextDocumentContentChangeEvent) {
    match change.range {
        Some(range) => {
            let lines = LineIndex::new(text);
            let span = lines.span(text, range);
            text.replace_range(span.start..span.end, &change.text);
        }
        None => *text = change.text,
    }
}

/// The nearest clause.toml's settings and the cases file beside a policy, and a
/// message for the user when clause.toml cannot be read.
fn read_surroundings(uri: &Url) -> (LintConfig, Option<Example>, Vec<Notification>) {
    let Ok(path) = uri.to_file_path() else {
        return (LintConfig::default(), None, Vec::new());
    };
    let mut out = Vec::new();
    let config = match LintConfig::find(&path) {
        Some(file) => match LintConfig::read(&file) {
            Ok(c) => c,
            Err(e) => {
                out.push(show_message(
                    lt::MessageType::WARNING,
                    format!("{e}; the default lint levels apply"),
                ));
                LintConfig::default()
            }
        },
        None => LintConfig::default(),
    };
    let cases = path.with_extension("cases.json");
    let example = cases
        .is_file()
        .then(|| Example::from_cases_file(&cases).ok())
        .flatten();
    (config, example, out)
}

/// Whether the client lets the server ask it to watch files (`client/registerCapability`
/// for `workspace/didChangeWatchedFiles`).
fn watches_dynamically(params: &lt::InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

/// The request asking the client to report every change to a clause.toml.
fn watch_clause_toml() -> Request {
    let options = lt::DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![lt::FileSystemWatcher {
            glob_pattern: lt::GlobPattern::String("**/clause.toml".into()),
            kind: None,
        }],
    };
    let registration = lt::Registration {
        id: "clause-toml".into(),
        method: lt::notification::DidChangeWatchedFiles::METHOD.into(),
        register_options: serde_json::to_value(options).ok(),
    };
    Request::new(
        lsp_server::RequestId::from("watch-clause-toml".to_string()),
        lt::request::RegisterCapability::METHOD.into(),
        lt::RegistrationParams {
            registrations: vec![registration],
        },
    )
}

fn show_message(typ: lt::MessageType, message: String) -> Notification {
    Notification::new(
        lt::notification::ShowMessage::METHOD.into(),
        lt::ShowMessageParams { typ, message },
    )
}
