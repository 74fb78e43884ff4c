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
    // Buffers for the lines of a chunk and their records, reused from chunk to chunk.
    let mut lines: Vec<Vec<u8>> = (0..CHUNK_LINES).map(|_| Vec::new()).collect();
    let mut records: Vec<(Vec<u8>, bool)> = (0..CHUNK_LINES).map(|_| (Vec::new(), false)).collect();
    loop {
        let filled = read_lines(&mut input, &mut lines)?;
        let first = summary.lines + 1;
        pool.install(|| {
            use rayon::prelude::*;
            lines
                .par_iter()
                .zip(records.par_iter_mut())
                .take(filled)
                .enumerate()
                .for_each(|(i, (line, (out, ok)))| {
                    out.clear();
                    *ok = record(policy, line, first + i as u64, out);
                });
        });
        for (text, ok) in records.iter().take(filled) {
            output.write_all(text)?;
            output.write_all(b"\n")?;
            summary.lines += 1;
            if *ok {
                summary.verdicts += 1;
            } else {
                summary.errors += 1;
            }
        }
        if filled < CHUNK_LINES {
            break;
        }
    }
    output.flush()?;
    Ok(summary)
}

/// Reads up to `lines.len()` lines into the buffers (reusing them); returns how many.
pub(crate) fn read_lines<R: BufRead>(input: &mut R, lines: &mut [Vec<u8>]) -> io::Result<usize> {
    let mut filled = 0;
    for line in lines.iter_mut() {
        line.clear();
        if input.read_until(b'\n', line)? == 0 {
            break;
        }
        filled += 1;
    }
    Ok(filled)
}

/// Writes one line's record into `out`; true when it is a verdict.
fn record(policy: &Policy, raw: &[u8], line: u64, out: &mut Vec<u8>) -> bool {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let problem = |message: &str| {
        vec![InputError {
            path: String::new(),
            message: message.into(),
        }]
    };
    let (errors, claim_id) = match std::str::from_utf8(raw) {
        Err(_) => (problem("the line is not UTF-8 text"), None),
        Ok(text) if text.trim().is_empty() => (problem("the line is empty"), None),
        Ok(text) => match crate::eval::eval_json(policy, text) {
            Ok(v) => {
                v.write_json(out);
                return true;
            }
            Err(e) => {
                let claim_id = serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .and_then(|v| {
                        v.get("claim_id")
                            .and_then(|c| c.as_str())
                            .map(str::to_string)
                    });
                (e.0, claim_id)
            }
        },
    };
    let rec = ErrorRecord {
        line,
        claim_id,
        errors: &errors,
    };
    if serde_json::to_writer(&mut *out, &rec).is_err() {
        out.clear();
        out.extend_from_slice(format!("{{\"line\":{line},\"errors\":[]}}").as_bytes());
    }
    false
}
