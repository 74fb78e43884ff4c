//! A small LSP client for the tests: starts `clause lsp` (the built binary),
//! speaks JSON-RPC over its standard input and output, and waits for answers
//! for at most [`TIMEOUT`] each.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for answers, oldest first.
    pub notifications: Vec<Value>,
    /// Requests the server sent (`client/registerCapability`), oldest first; each
    /// was answered with a `null` result.
    pub server_requests: Vec<Value>,
    /// The capabilities the server announced.
    pub capabilities: Value,
    stderr: Option<std::thread::JoinHandle<String>>,
}

/// The text of a file as a `file://` URI.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Starts the server and initialises it with `root` as the workspace folder,
    /// for a client that announces no capabilities.
    pub fn start(root: &Path, options: Value) -> Client {
        Client::start_with(root, options, json!({}))
    }

    /// Starts the server as a client with these `capabilities`.
    pub fn start_with(root: &Path, options: Value, capabilities: Value) -> Client {
        let mut c = Client::spawn();
        let answer = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "root"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        c.capabilities = answer["result"]["capabilities"].clone();
        assert!(c.capabilities.is_object(), "{answer}");
        c.notify("initialized", json!({}));
        c
    }

    /// Starts the server and sends nothing.
    pub fn spawn() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clause"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let (tx, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap()];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            capabilities: Value::Null,
            stderr: Some(stderr),
        }
    }

    /// Sends bytes as they are (framing included); `false` once the server
    /// no longer reads.
    pub fn send_raw(&mut self, bytes: &[u8]) -> bool {
        self.stdin
            .write_all(bytes)
            .and_then(|()| self.stdin.flush())
            .is_ok()
    }

    /// Sends `body` as one message (framed, whatever it holds).
    pub fn send_body(&mut self, body: &str) {
        assert!(self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()));
    }

    /// The next message from the server that is not a notification.
    pub fn next_answer(&mut self) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.receive(deadline);
            if m.get("method").is_some() && m.get("id").is_none() {
                self.notifications.push(m);
                continue;
            }
            return m;
        }
    }

    /// Waits for the server to exit; its exit code and standard error.
    pub fn exit_code(mut self) -> (i32, String) {
        let status = super::support::wait_bounded(&mut self.child, TIMEOUT);
        let status = status.expect("clause lsp did not exit");
        let stderr = self.stderr.take().unwrap().join().unwrap();
        (status.code().unwrap_or(-1), stderr)
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message from the server; a request from it is kept in
    /// `server_requests` and answered.
    fn receive(&mut self, deadline: Instant) -> Value {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = match self.incoming.recv_timeout(left) {
                Ok(v) => v,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("the server did not answer in {TIMEOUT:?}")
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server stopped"),
            };
            if m.get("method").is_some() && m.get("id").is_some() {
                self.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": null}));
                self.server_requests.push(m);
                continue;
            }
            return m;
        }
    }

    /// Waits for the next diagnostics published for `uri`, after those already received.
    pub fn next_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_for = |n: &Value| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
        };
        self.notifications.retain(|n| !is_for(n));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.receive(deadline);
            if m.get("method").is_some() && m.get("id").is_none() {
                if is_for(&m) {
                    return m["params"]["diagnostics"].as_array().unwrap().clone();
                }
                self.notifications.push(m);
            }
        }
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.receive(deadline);
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            if m.get("method").is_some() && m.get("id").is_none() {
                self.notifications.push(m);
            }
        }
    }

    /// A request's `result`; fails the test on an error answer.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let m = self.request(method, params);
        assert!(m.get("error").is_none(), "{method}: {m}");
        m["result"].clone()
    }

    /// The diagnostics published for `uri` at `version` (waits for them).
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self.notifications.iter().rev().find(|n| {
                n["method"] == "textDocument/publishDiagnostics"
                    && n["params"]["uri"] == uri
                    && n["params"]["version"] == version
            });
            if let Some(n) = found {
                return n["params"]["diagnostics"].as_array().unwrap().clone();
            }
            let m = self.receive(deadline);
            if m.get("method").is_some() && m.get("id").is_none() {
                self.notifications.push(m);
            }
        }
    }

    /// Opens a document with `text` and returns its diagnostics.
    pub fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "clause", "version": 1, "text": text}}),
        );
        self.diagnostics(uri, 1)
    }

    /// Shuts the server down and returns what it wrote to standard error.
    pub fn shutdown(mut self) -> String {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.get("error").is_none(), "{answer}");
        self.notify("exit", Value::Null);
        let (code, stderr) = self.exit_code();
        assert_eq!(code, 0, "clause lsp exited with {code}: {stderr}");
        stderr
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A test that failed leaves no server behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A text's position of a byte offset, in UTF-16 units as LSP counts.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// The byte offset of an LSP position in a text.
pub fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let character = p["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies LSP text edits to a text.
pub fn apply(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}
