//! Batch evaluation: a stream of claims, one JSON object per line, to a stream
//! of records, one per input line and in input order: a verdict, or an error
//! record naming the line and the JSON path of each problem. No line is lost:
//! an empty line, a line that is not UTF-8 or not JSON, and an invalid claim
//! each get an error record.
//!
//! Lines are read in chunks and a chunk is evaluated on every thread of a pool,
//! then written in order before the next chunk is read, so memory stays bounded
//! by the chunk size whatever the input's length.

use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::eval::facts::InputError;
use crate::Policy;

/// Lines evaluated together before their records are written.
pub const CHUNK_LINES: usize = 4096;

/// What a batch run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub lines: u64,
    pub verdicts: u64,
    pub errors: u64,
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    line: u64,
    claim_id: Option<String>,
    errors: &'a [InputError],
}

impl Serialize for InputError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("InputError", 2)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

/// Evaluates every line of `input` and writes one record per line to `output`.
pub fn run<R: BufRead, W: Write>(
    policy: &Policy,
    mut input: R,
    mut output: W,
    threads: usize,
) -> io::Result<Summary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(io::Error::other)?;
    let mut summary = Summary::default();
    let mut chunk: Vec<Vec<u8>> = Vec::with_capacity(CHUNK_LINES);
    loop {
        chunk.clear();
        let mut eof = false;
        while chunk.len() < CHUNK_LINES {
            let mut line = Vec::new();
            if input.read_until(b'\n', &mut line)? == 0 {
                eof = true;
                break;
            }
            chunk.push(line);
        }
        let first = summary.lines + 1;
        let records: Vec<(String, bool)> = pool.install(|| {
            use rayon::prelude::*;
            chunk
                .par_iter()
                .enumerate()
                .map(|(i, line)| record(policy, line, first + i as u64))
                .collect()
        });
        for (text, ok) in &records {
            output.write_all(text.as_bytes())?;
            output.write_all(b"\n")?;
            summary.lines += 1;
            if *ok {
                summary.verdicts += 1;
            } else {
                summary.errors += 1;
            }
        }
        if eof {
            break;
        }
    }
    output.flush()?;
    Ok(summary)
}

/// One line's record, and whether it is a verdict.
fn record(policy: &Policy, raw: &[u8], line: u64) -> (String, bool) {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let fail = |errors: &[InputError], claim_id: Option<String>| {
        let rec = ErrorRecord {
            line,
            claim_id,
            errors,
        };
        (
            serde_json::to_string(&rec)
                .unwrap_or_else(|_| format!("{{\"line\":{line},\"errors\":[]}}")),
            false,
        )
    };
    let Ok(text) = std::str::from_utf8(raw) else {
        return fail(
            &[InputError {
                path: String::new(),
                message: "the line is not UTF-8 text".into(),
            }],
            None,
        );
    };
    if text.trim().is_empty() {
        return fail(
            &[InputError {
                path: String::new(),
                message: "the line is empty".into(),
            }],
            None,
        );
    }
    match crate::eval::eval_json(policy, text) {
        Ok(v) => match serde_json::to_string(&v) {
            Ok(s) => (s, true),
            Err(e) => fail(
                &[InputError {
                    path: String::new(),
                    message: format!("cannot write the verdict: {e}"),
                }],
                Some(v.claim_id),
            ),
        },
        Err(e) => {
            let claim_id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| {
                    v.get("claim_id")
                        .and_then(|c| c.as_str())
                        .map(str::to_string)
                });
            fail(&e.0, claim_id)
        }
    }
}
