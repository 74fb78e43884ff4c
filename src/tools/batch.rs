//! Batch evaluation: a stream of claims, one JSON object per line, to a stream
//! of records, one per input line and in input order: a verdict, or an error
//! record naming the line and the JSON path of each problem. No line is lost:
//! an empty line, a line that is not UTF-8 or not JSON, and an invalid claim
//! each get an error record.
//!
//! Input is read in blocks; a block is evaluated on every thread of a pool,
//! then written in order before the next block is read, so memory stays bounded
//! by the block size (or the longest line) whatever the input's length.

use std::io::{self, BufRead, Read, Write};

use serde::Serialize;

use crate::language::check::ir::Policy;
use crate::language::eval::facts::InputError;
use crate::language::eval::verdict::Decision;

/// Lines read together by `clause diff`'s replay (see `read_lines`).
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub const CHUNK_LINES: usize = 4096;

/// Bytes of input evaluated together before their records are written: the
/// block grows past this only to hold one line that is longer.
pub const BLOCK_BYTES: usize = 1 << 20;

/// The longest line read as a claim: 64 MiB. A longer line gets an error
/// record saying so, and the rest of it is read and dropped without being
/// kept (a block holds at most the limit and a byte of it), so that a line
/// without end (`/dev/zero`) cannot take all memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Parts a block is split into per thread, so that threads that finish early
/// take more.
const PARTS_PER_THREAD: usize = 8;

/// What a batch run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Input lines read.
    pub lines: u64,
    /// Lines that got a verdict.
    pub verdicts: u64,
    /// Lines that got an error record.
    pub errors: u64,
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    line: u64,
    claim_id: Option<String>,
    errors: &'a [InputError],
}

/// The claim_id of a line's JSON, when it can be read.
pub fn claim_id_of(text: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.get("claim_id")
                .and_then(|c| c.as_str())
                .map(str::to_string)
        })
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

/// What makes one line's record: a policy (with the stamp its records end
/// with), or a choice among a policy's versions made line by line.
pub trait Judge: Sync {
    /// Writes the record of one input line (its bytes, line end included or
    /// not) into `out`, after what `out` already holds; the decision of a
    /// verdict, `None` for an error record.
    fn record(&self, raw: &[u8], line: u64, out: &mut Vec<u8>) -> Option<Decision>;

    /// Writes the error record of a line that could not be read as a claim
    /// at all (`message` says why) into `out`, after what it already holds.
    fn line_error(&self, line: u64, message: &str, out: &mut Vec<u8>);
}

/// One checked policy, whose records end with `stamp` (JSON fields, each with
/// its leading comma: `,"policy_version":"..."`).
pub struct One<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// What each record ends with.
    pub stamp: &'a str,
}

impl Judge for One<'_> {
    fn record(&self, raw: &[u8], line: u64, out: &mut Vec<u8>) -> Option<Decision> {
        record(self.policy, self.stamp, raw, line, out)
    }

    fn line_error(&self, line: u64, message: &str, out: &mut Vec<u8>) {
        let start = out.len();
        let problem = InputError {
            path: String::new(),
            message: message.to_string(),
        };
        error_record(line, None, &[problem], out);
        append_stamp(out, start, self.stamp);
    }
}

/// Evaluates every line of `input` and writes one record per line to `output`.
///
/// The input is read in blocks of about [`BLOCK_BYTES`] that end at a line's
/// end; a block is cut into parts at line ends and the parts are evaluated on
/// the pool, each into its own buffer with its lines numbered from the lines
/// before it. While one block is evaluated, the records of the one before are
/// written and the next is read, on one of the pool's threads, which then joins
/// the evaluation. Lines are never copied one by one: each is a slice of its block.
pub fn run<J: Judge, R: Read + Send, W: Write + Send>(
    judge: &J,
    mut input: R,
    mut output: W,
    threads: usize,
) -> io::Result<Summary> {
    let threads = threads.max(1);
    let pool = pool(threads)?;
    let mut summary = Summary::default();
    let mut eof = false;
    let mut current: Vec<u8> = Vec::with_capacity(BLOCK_BYTES + (64 << 10));
    let mut next: Vec<u8> = Vec::with_capacity(BLOCK_BYTES + (64 << 10));
    // Where each block holds the one-byte stand-in ("\n") of a line that was
    // longer than MAX_LINE_BYTES (offsets in the block, ascending).
    let mut current_long: Vec<usize> = Vec::new();
    let mut next_long: Vec<usize> = Vec::new();
    // Records being made, and those of the block before, waiting to be written.
    let mut making: Vec<(Vec<u8>, Summary)> = Vec::new();
    let mut made: Vec<(Vec<u8>, Summary)> = Vec::new();
    fill(&mut input, &mut current, &mut current_long, &mut eof)?;
    loop {
        let end = if eof {
            current.len()
        } else {
            memchr::memrchr(b'\n', &current).map_or(current.len(), |i| i + 1)
        };
        let region = current.get(..end).unwrap_or_default();
        let parts = split_at_line_ends(region, threads * PARTS_PER_THREAD);
        let mut first = Vec::with_capacity(parts.len());
        let mut number = summary.lines + 1;
        let mut offset = 0;
        for part in &parts {
            first.push((number, offset));
            number += line_count(part);
            offset += part.len();
        }
        summary.lines = number - 1;
        next.clear();
        next.extend_from_slice(current.get(end..).unwrap_or_default());
        next_long.clear();
        making.resize_with(parts.len(), Default::default);
        let mut io_result = Ok(());
        let long = &current_long;
        pool.scope(|scope| {
            for ((part, &first), slot) in parts.iter().zip(&first).zip(making.iter_mut()) {
                scope.spawn(move |_| evaluate_part(judge, part, first, long, slot));
            }
            // Meanwhile: write what the block before made, and read the next block.
            io_result = write_records(&mut output, &made, &mut summary)
                .and_then(|()| fill(&mut input, &mut next, &mut next_long, &mut eof));
        });
        io_result?;
        let evaluated = parts.len();
        std::mem::swap(&mut made, &mut making);
        made.truncate(evaluated);
        std::mem::swap(&mut current, &mut next);
        std::mem::swap(&mut current_long, &mut next_long);
        if evaluated == 0 && current.is_empty() && eof {
            break;
        }
    }
    write_records(&mut output, &made, &mut summary)?;
    output.flush()?;
    Ok(summary)
}

/// Appends input to `block` until it holds [`BLOCK_BYTES`] and a line end, or
/// the input ends. A line that grows past [`MAX_LINE_BYTES`] is replaced by a
/// stand-in, an empty line whose offset is added to `long`, and the rest of it
/// is read and dropped.
fn fill<R: Read>(
    input: &mut R,
    block: &mut Vec<u8>,
    long: &mut Vec<usize>,
    eof: &mut bool,
) -> io::Result<()> {
    // How much of the block is known to hold no line end: each byte is searched
    // once, so a line of any length is read in linear time.
    let mut searched = 0;
    // Where the block's last line starts.
    let mut line_start = memchr::memrchr(b'\n', block).map_or(0, |i| i + 1);
    loop {
        if past_limit(block.len() - line_start, block.last()) {
            let stand_in = line_start;
            block.truncate(stand_in);
            long.push(stand_in);
            block.push(b'\n');
            if !*eof {
                drop_rest_of_line(input, block, eof)?;
            }
            line_start = memchr::memrchr(b'\n', block).map_or(0, |i| i + 1);
            searched = searched.min(stand_in);
            block.shrink_to(BLOCK_BYTES + (64 << 10));
        }
        if *eof {
            break;
        }
        if block.len() >= BLOCK_BYTES {
            if memchr::memchr(b'\n', block.get(searched..).unwrap_or_default()).is_some() {
                break;
            }
            searched = block.len();
        }
        // Straight into the block: the batch needs no buffered reader. A long
        // line grows the block by half again each time (never far past the
        // line limit, which is checked on each turn).
        let want = BLOCK_BYTES
            .saturating_sub(block.len())
            .max(block.len() / 2)
            .clamp(64 << 10, MAX_LINE_BYTES)
            // Never more of the last line than one byte past the limit: a
            // longer line is known as soon as that byte arrives.
            .min(
                (MAX_LINE_BYTES + 1)
                    .saturating_sub(block.len() - line_start)
                    .max(1),
            );
        let before = block.len();
        // Exactly: left to itself, the block would double its capacity, and a
        // long line's block would hold four times the limit.
        block.reserve_exact(want);
        input.by_ref().take(want as u64).read_to_end(block)?;
        if block.len() == before {
            *eof = true;
        } else if let Some(i) = memchr::memchr(b'\n', block.get(before..).unwrap_or_default()) {
            // The line this read ended. Only it can be too long (the part of
            // it read before was not, and a read is at most the limit long),
            // and only by a byte: a read stops one byte past the limit.
            let line_end = before + i;
            if past_limit(
                line_end - line_start,
                line_end.checked_sub(1).and_then(|i| block.get(i)),
            ) {
                block.drain(line_start..line_end);
                long.push(line_start);
                searched = searched.min(line_start);
                block.shrink_to(BLOCK_BYTES + (64 << 10));
            }
            line_start = memchr::memrchr(b'\n', block).map_or(0, |i| i + 1);
        }
    }
    Ok(())
}

/// Whether a line of `len` bytes (its LF not counted) whose last byte is
/// `last` is past [`MAX_LINE_BYTES`]: a CR before the LF ends the line, as in
/// the server's batches, and is not counted either.
fn past_limit(len: usize, last: Option<&u8>) -> bool {
    len > MAX_LINE_BYTES && !(len == MAX_LINE_BYTES + 1 && last == Some(&b'\r'))
}

/// Reads and drops input up to the next line end; what follows the line end
/// in the last read is appended to `block`.
fn drop_rest_of_line<R: Read>(
    input: &mut R,
    block: &mut Vec<u8>,
    eof: &mut bool,
) -> io::Result<()> {
    let mut scratch = vec![0u8; 64 << 10];
    loop {
        let n = match input.read(&mut scratch) {
            Ok(0) => {
                *eof = true;
                return Ok(());
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let read = scratch.get(..n).unwrap_or_default();
        if let Some(i) = memchr::memchr(b'\n', read) {
            block.extend_from_slice(read.get(i + 1..).unwrap_or_default());
            return Ok(());
        }
    }
}

/// Writes the records of a block's parts in order and counts them.
fn write_records<W: Write>(
    output: &mut W,
    parts: &[(Vec<u8>, Summary)],
    summary: &mut Summary,
) -> io::Result<()> {
    for (records, counts) in parts {
        output.write_all(records)?;
        summary.verdicts += counts.verdicts;
        summary.errors += counts.errors;
    }
    Ok(())
}

/// What the record of a line longer than [`MAX_LINE_BYTES`] says.
fn too_long() -> String {
    format!(
        "the line is longer than {MAX_LINE_BYTES} bytes ({} MiB), the most a claim's line may be",
        MAX_LINE_BYTES >> 20
    )
}

/// Evaluates the lines of one part, numbered from `first`, into `slot`.
/// `first` is the number of the part's first line and the part's offset in
/// its block; `long`, the offsets in the block of the stand-ins of lines
/// longer than [`MAX_LINE_BYTES`].
fn evaluate_part<J: Judge>(
    judge: &J,
    part: &[u8],
    (first, offset): (u64, usize),
    long: &[usize],
    slot: &mut (Vec<u8>, Summary),
) {
    let (out, counts) = slot;
    out.clear();
    *counts = Summary::default();
    let mut start = 0;
    let mut number = first;
    while start < part.len() {
        let end = memchr::memchr(b'\n', part.get(start..).unwrap_or_default())
            .map_or(part.len(), |i| start + i + 1);
        let line = part.get(start..end).unwrap_or_default();
        let verdict = if long.binary_search(&(offset + start)).is_ok() {
            judge.line_error(number, &too_long(), out);
            None
        } else {
            judge.record(line, number, out)
        };
        start = end;
        out.push(b'\n');
        number += 1;
        counts.lines += 1;
        if verdict.is_some() {
            counts.verdicts += 1;
        } else {
            counts.errors += 1;
        }
    }
}

/// How many lines a part holds: one per line end, and one more for a last line
/// without one.
fn line_count(part: &[u8]) -> u64 {
    let ends = memchr::memchr_iter(b'\n', part).count() as u64;
    ends + u64::from(part.last().is_some_and(|&b| b != b'\n'))
}

/// Cuts `region` into about `n` parts of similar size, each ending at a line end
/// (the last one at the region's end).
fn split_at_line_ends(region: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = region;
    let size = (region.len() / n.max(1)).max(1);
    while !rest.is_empty() {
        let cut = match rest
            .get(size..)
            .and_then(|tail| memchr::memchr(b'\n', tail))
        {
            Some(i) => size + i + 1,
            None => rest.len(),
        };
        let (part, tail) = rest.split_at(cut.min(rest.len()));
        parts.push(part);
        rest = tail;
    }
    parts
}

/// Reads up to `lines.len()` lines into the buffers (reusing them); returns how
/// many. What a line holds past [`MAX_LINE_BYTES`] is read and dropped as it
/// comes, not held: its buffer holds the one byte 0xFF instead, which is not
/// UTF-8, so that the line counts as a claim that cannot be read.
pub(crate) fn read_lines<R: BufRead>(input: &mut R, lines: &mut [Vec<u8>]) -> io::Result<usize> {
    let mut filled = 0;
    for line in lines.iter_mut() {
        line.clear();
        let mut read = 0;
        loop {
            let available = match input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            let (take, ended) = match memchr::memchr(b'\n', available) {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if read + take - usize::from(ended) > MAX_LINE_BYTES {
                line.clear();
                line.push(0xFF);
            } else {
                line.extend_from_slice(available.get(..take).unwrap_or_default());
            }
            read += take;
            input.consume(take);
            if ended {
                break;
            }
        }
        if read == 0 {
            break;
        }
        filled += 1;
    }
    Ok(filled)
}

/// Writes one line's record into `out` (after what it already holds), ending
/// with the fields of `stamp`; the decision when it is a verdict.
pub fn record(
    policy: &Policy,
    stamp: &str,
    raw: &[u8],
    line: u64,
    out: &mut Vec<u8>,
) -> Option<Decision> {
    let start = out.len();
    let verdict = record_body(policy, raw, line, out);
    append_stamp(out, start, stamp);
    verdict
}

/// Ends the JSON object written into `out` from `start` with a version's
/// stamp (`,"policy_version":...`, see `Policy::write_record`); nothing when
/// nothing was written.
pub(crate) fn append_stamp(out: &mut Vec<u8>, start: usize, stamp: &str) {
    if out.len() > start && out.last() == Some(&b'}') {
        out.pop();
        out.extend_from_slice(stamp.as_bytes());
        out.push(b'}');
    }
}

/// Writes an error record for a line, with no stamp (no policy read it).
pub fn error_record(line: u64, claim_id: Option<String>, errors: &[InputError], out: &mut Vec<u8>) {
    let start = out.len();
    let rec = ErrorRecord {
        line,
        claim_id,
        errors,
    };
    if serde_json::to_writer(&mut *out, &rec).is_err() {
        out.truncate(start);
        out.extend_from_slice(format!("{{\"line\":{line},\"errors\":[]}}").as_bytes());
    }
}

/// What the record of a line that is not UTF-8 says.
const NOT_UTF8: &str = "the line is not UTF-8 text";

/// What the record of an empty line (or one of only white space) says.
const EMPTY: &str = "the line is empty";

/// Why a line (its line end included or not) cannot be a claim before any
/// policy reads it: not UTF-8, or empty; `None` for a line of text.
pub fn unreadable(raw: &[u8]) -> Option<&'static str> {
    match std::str::from_utf8(raw) {
        Err(_) => Some(NOT_UTF8),
        Ok(text) if text.trim().is_empty() => Some(EMPTY),
        Ok(_) => None,
    }
}

fn record_body(policy: &Policy, raw: &[u8], line: u64, out: &mut Vec<u8>) -> Option<Decision> {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let problem = |message: &str| {
        vec![InputError {
            path: String::new(),
            message: message.into(),
        }]
    };
    let (errors, claim_id) = match std::str::from_utf8(raw) {
        Err(_) => (problem(NOT_UTF8), None),
        Ok(text) if text.trim().is_empty() => (problem(EMPTY), None),
        Ok(text) => match crate::language::eval::eval_json(policy, text) {
            Ok(v) => {
                v.write_json(out);
                return Some(v.decision);
            }
            Err(e) => (e.0, claim_id_of(text)),
        },
    };
    error_record(line, claim_id, &errors, out);
    None
}

/// Stack for each worker thread of a batch (and of `diff`'s replay): the same
/// as the binary's main worker, so that the limits on depth
/// (`check::MAX_DEPTH`, `syntax::MAX_NESTING`) are what stops a hostile
/// policy, never a worker's stack. Only the pages used are committed.
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// A pool of `threads` workers with [`WORKER_STACK_BYTES`] of stack each.
pub fn pool(threads: usize) -> io::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .map_err(io::Error::other)
}
