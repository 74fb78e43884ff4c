//! The language server's own reading and writing of LSP messages on standard
//! input and output (`Content-Length` framing, JSON-RPC 2.0).
//!
//! `lsp-server`'s `Connection::stdio` was used before. It sizes its buffer from
//! the `Content-Length` header before any of the body arrives (a header of
//! `18446744073709551615` panicked, one of 8 GB aborted, one of 3 GB took 3 GB
//! of memory while waiting), and it ends the whole connection on a body that is
//! not JSON. Here a body is read as it arrives, up to [`MAX_MESSAGE`]; a body
//! that is not JSON, or not a JSON-RPC message, gets its error answer (-32700,
//! -32600) and the server goes on, since the framing is intact. Only broken
//! framing (no `Content-Length`, a length that is not a number or is over the
//! limit, a header line longer than [`MAX_HEADER_LINE`]) ends the connection,
//! with the reason on standard error and exit code 1. `lsp-server`'s message
//! types are kept.

use std::io::{BufRead, Read, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use lsp_server::Message;
use serde_json::{json, Value};

/// The largest message body read (the LSP has no limit; a 50 MB document
/// opened whole is well within this).
pub const MAX_MESSAGE: usize = 256 << 20;

/// The longest header line read.
pub const MAX_HEADER_LINE: u64 = 8 << 10;

/// Messages to and from the client, with the threads that move them.
pub struct Transport {
    pub sender: Sender<Message>,
    pub receiver: Receiver<Message>,
    reader: JoinHandle<Result<(), String>>,
    writer: JoinHandle<std::io::Result<()>>,
}

impl Transport {
    /// Starts reading standard input and writing standard output.
    pub fn stdio() -> Transport {
        let (sender, to_write) = mpsc::channel::<Message>();
        let writer = std::thread::spawn(move || {
            for message in to_write {
                // Locked per message: the reader thread writes its error
                // answers to the same output.
                let mut out = std::io::stdout().lock();
                message.write(&mut out)?;
            }
            Ok(())
        });
        let (read, receiver) = mpsc::channel::<Message>();
        let reader = std::thread::spawn(move || {
            let mut input = std::io::stdin().lock();
            read_messages(&mut input, &read, &mut |answer| {
                let text = answer.to_string();
                let mut out = std::io::stdout().lock();
                let _ = write!(out, "Content-Length: {}\r\n\r\n{text}", text.len());
                let _ = out.flush();
            })
        });
        Transport {
            sender,
            receiver,
            reader,
            writer,
        }
    }

    /// Waits for the answers to be written; returns why the connection broke,
    /// if it did. The reader is waited for only when it has ended or is
    /// ending (it has let go of its end of the channel: after the end of
    /// input or broken framing, and after `exit`), never while it may still
    /// wait on input: a client may leave its end open after `exit`.
    pub fn finish(self) -> Result<(), String> {
        drop(self.sender);
        let ending = matches!(
            self.receiver.try_recv(),
            Err(mpsc::TryRecvError::Disconnected)
        );
        let written = match self.writer.join() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("cannot write to the client: {e}")),
            Err(_) => Err("the writer thread stopped".to_string()),
        };
        let read = if ending || self.reader.is_finished() {
            self.reader
                .join()
                .unwrap_or_else(|_| Err("the reader thread stopped".to_string()))
        } else {
            Ok(())
        };
        read.and(written)
    }
}

/// Reads messages from `input` and sends each to `to`, until the `exit`
/// notification, the end of input, or broken framing (the error). A body that
/// is not a JSON-RPC message is answered through `answer` and passed over.
pub fn read_messages(
    input: &mut impl BufRead,
    to: &Sender<Message>,
    answer: &mut impl FnMut(Value),
) -> Result<(), String> {
    loop {
        let Some(body) = read_frame(input)? else {
            return Ok(());
        };
        match parse(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to.send(message).is_err() || exit {
                    return Ok(());
                }
            }
            Err(Some(error)) => answer(error),
            // A response of the client's that does not read: never answered.
            Err(None) => {}
        }
    }
}

/// One message's body; `None` at the end of input (also in the middle of a
/// message: the client has gone).
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, String> {
    let mut length = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read from the client: {e}"))?;
        if n == 0 {
            return Ok(None);
        }
        if line.last() != Some(&b'\n') {
            if (n as u64) < MAX_HEADER_LINE {
                return Ok(None);
            }
            return Err(format!(
                "a message header line is longer than {MAX_HEADER_LINE} bytes"
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(format!("a message header is not `Name: value`: {text:?}"));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            let n: usize = value
                .parse()
                .map_err(|_| format!("a message's Content-Length is not a length: {value:?}"))?;
            if n > MAX_MESSAGE {
                return Err(format!(
                    "a message's Content-Length of {n} bytes is over the limit of {MAX_MESSAGE} bytes"
                ));
            }
            length = Some(n);
        }
    }
    let Some(length) = length else {
        return Err("a message has no Content-Length header".to_string());
    };
    // Grown as the body arrives, never sized from the header alone.
    let mut body = Vec::with_capacity(length.min(1 << 20));
    input
        .by_ref()
        .take(length as u64)
        .read_to_end(&mut body)
        .map_err(|e| format!("cannot read from the client: {e}"))?;
    if body.len() < length {
        return Ok(None);
    }
    Ok(Some(body))
}

/// A body as a message, or the error answer it gets (JSON-RPC 2.0: -32700 for
/// a body that is not JSON, -32600 for JSON that is not a message; with the
/// message's `id` when it is a string or an integer, else `null`); `None` for
/// a response of the client's that does not read, which gets no answer.
fn parse(body: &[u8]) -> Result<Message, Option<Value>> {
    let error = |id: &Value, code: i32, message: String| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Some(error(
            &Value::Null,
            lsp_server::ErrorCode::ParseError as i32,
            format!("the message is not JSON: {e}"),
        ))
    })?;
    let id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned()
        .unwrap_or(Value::Null);
    let invalid = |message: &str| {
        Some(error(
            &id,
            lsp_server::ErrorCode::InvalidRequest as i32,
            message.to_string(),
        ))
    };
    if !value.is_object() {
        return Err(invalid("the message is not a JSON object"));
    }
    let is_request = value.get("method").is_some() && value.get("id").is_some();
    // An id that is neither a string nor a 32-bit integer (LSP's `integer`)
    // would be read as a notification, and the request never answered.
    if is_request && !(id.is_string() || id.as_i64().is_some_and(|n| i32::try_from(n).is_ok())) {
        return Err(invalid(
            "a request's id must be a string or an integer from -2^31 to 2^31-1",
        ));
    }
    let has = |key: &str| value.get(key).is_some();
    let message = if has("method") && has("id") {
        serde_json::from_value(value).map(Message::Request)
    } else if has("method") {
        serde_json::from_value(value).map(Message::Notification)
    } else if has("id") && (has("result") || has("error")) {
        return serde_json::from_value(value)
            .map(Message::Response)
            .map_err(|_| None);
    } else {
        return Err(invalid(
            "the message is not a request, a response or a notification",
        ));
    };
    message.map_err(|e| invalid(&format!("the message does not read: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// The messages read and the answers given, and how reading ended.
    fn read(input: &[u8]) -> (Vec<Message>, Vec<Value>, Result<(), String>) {
        let (to, from) = mpsc::channel();
        let mut answers = Vec::new();
        let end = read_messages(&mut &input[..], &to, &mut |a| answers.push(a));
        drop(to);
        (from.into_iter().collect(), answers, end)
    }

    #[test]
    fn bodies_that_are_not_messages_are_answered_and_reading_goes_on() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = [
            frame("{not json"),
            frame("[1]"),
            frame(r#"{"id":77,"method":{}}"#),
            frame(r#"{"jsonrpc":"2.0","id":2147483648,"method":"x"}"#),
            frame(r#"{"jsonrpc":"2.0","id":null,"method":"x"}"#),
            frame(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#),
            // A response that does not read: never answered.
            frame(r#"{"jsonrpc":"2.0","id":1099511627776,"result":null}"#),
            frame(ok),
        ]
        .concat();
        let (messages, answers, end) = read(input.as_bytes());
        assert_eq!(end, Ok(()));
        assert_eq!(messages.len(), 1);
        let codes: Vec<i64> = answers
            .iter()
            .map(|a| a["error"]["code"].as_i64().unwrap())
            .collect();
        assert_eq!(codes, [-32700, -32600, -32600, -32600, -32600, -32600]);
        assert_eq!(answers[5]["id"], Value::Null);
        assert_eq!(answers[0]["id"], Value::Null);
        assert_eq!(answers[2]["id"], 77);
        assert_eq!(answers[3]["id"], 2147483648u64);
    }

    #[test]
    fn broken_framing_ends_reading_with_the_reason_and_no_allocation_from_the_header() {
        for (input, says) in [
            (
                "Content-Length: 18446744073709551615\r\n\r\n{}",
                "over the limit",
            ),
            (
                "Content-Length: 99999999999999999999\r\n\r\n{}",
                "not a length",
            ),
            ("Content-Length: -1\r\n\r\n{}", "not a length"),
            ("Content-Type: x\r\n\r\n{}", "no Content-Length"),
            ("garbage\r\n\r\n", "not `Name: value`"),
        ] {
            let (messages, _, end) = read(input.as_bytes());
            assert!(messages.is_empty());
            let e = end.unwrap_err();
            assert!(e.contains(says), "{input:?}: {e}");
        }
        let long = format!("X-{}: y\r\n", "a".repeat(MAX_HEADER_LINE as usize));
        assert!(read(long.as_bytes()).2.unwrap_err().contains("longer than"));
    }

    #[test]
    fn a_body_shorter_than_its_length_or_a_cut_header_is_the_end_of_input() {
        let (messages, answers, end) = read(b"Content-Length: 3000000\r\n\r\n{}");
        assert!(messages.is_empty() && answers.is_empty());
        assert_eq!(end, Ok(()));
        assert_eq!(read(b"Content-Len").2, Ok(()));
        // Line ends of `\n` alone are taken too.
        let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = format!("Content-Length: {}\n\n{exit}", exit.len());
        assert_eq!(read(input.as_bytes()).0.len(), 1);
    }

    #[test]
    fn reading_stops_after_exit() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        ]
        .concat();
        let (messages, _, end) = read(input.as_bytes());
        assert_eq!(end, Ok(()));
        assert_eq!(messages.len(), 1);
    }
}
