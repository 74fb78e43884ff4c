//! Claims from Arrow and Parquet, verdicts to Arrow and Parquet.
//!
//! A claim history in a lake is a Parquet file whose rows are claims, in one of
//! two shapes: the contract's shape as nested columns (`claim_id`, `order`
//! a struct, `items` a list of structs, ...), or one column holding each
//! claim's JSON text (chosen by name). Either way a row becomes the claim's
//! JSON (nested columns are written out by `arrow-json`; a missing or null
//! field is left out, which the contract reads as absent) and is evaluated as
//! any other claim is.
//!
//! [`ClaimLines`] reads a Parquet file one batch at a time (a row group is
//! decoded in batches of [`BATCH_ROWS`]) and hands the rows on as JSON lines,
//! so `clause eval --claims` and `clause diff --claims` read Parquet through
//! the same pipeline as JSON lines, in memory bounded by a batch. Row `n`
//! (1-based) is line `n` of their records.
//!
//! [`VerdictColumns`] gathers verdicts and error records into a flat table
//! ([`verdict_schema`]) whose columns a query engine can group and sum; the
//! whole verdict is kept too, as JSON. [`write_verdicts`] evaluates a Parquet
//! history straight into such a Parquet file.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, StringBuilder, UInt64Builder};
use arrow_array::{
    Array, ArrayRef, LargeStringArray, RecordBatch, RecordBatchReader, StringArray, StringViewArray,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ArrowWriter;

use crate::{ClaimError, Policy, Verdict};

/// Rows decoded together from a Parquet file.
pub const BATCH_ROWS: usize = 8192;

/// Whether a file is Parquet (it starts with the magic bytes `PAR1`).
pub fn is_parquet(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"PAR1"
}

/// Each row of a batch as a claim's JSON text, in order: the text of the
/// column named `json_column` (`None` where it is null), or, without a column
/// name, the row's nested columns written as one JSON object.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{RecordBatch, StringArray};
/// let ids = StringArray::from(vec![Some("C-1"), None]);
/// let batch = RecordBatch::try_from_iter([("claim_id", Arc::new(ids) as _)])?;
/// let rows = clause::tools::parquet::batch_claims(&batch, None)?;
/// assert_eq!(rows, vec![Some(r#"{"claim_id":"C-1"}"#.to_string()), Some("{}".to_string())]);
/// let rows = clause::tools::parquet::batch_claims(&batch, Some("claim_id"))?;
/// assert_eq!(rows, vec![Some("C-1".to_string()), None]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn batch_claims(
    batch: &RecordBatch,
    json_column: Option<&str>,
) -> Result<Vec<Option<String>>, String> {
    match json_column {
        Some(name) => json_texts(batch, name),
        None => {
            let mut out = Vec::with_capacity(batch.get_array_memory_size() / 2);
            let mut writer = arrow_json::LineDelimitedWriter::new(&mut out);
            writer
                .write(batch)
                .and_then(|()| writer.finish())
                .map_err(|e| format!("cannot turn the rows into claims: {e}"))?;
            let text =
                String::from_utf8(out).map_err(|_| "the rows' text is not UTF-8".to_string())?;
            // arrow-json escapes line breaks inside strings: each row is one line.
            Ok(text.lines().map(|l| Some(l.to_string())).collect())
        }
    }
}

fn json_texts(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>, String> {
    let column = batch.column_by_name(name).ok_or_else(|| {
        let names: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        format!(
            "there is no column `{name}` (the columns are: {})",
            names.join(", ")
        )
    })?;
    let collect = |get: &dyn Fn(usize) -> Option<String>| (0..column.len()).map(get).collect();
    if let Some(a) = column.as_any().downcast_ref::<StringArray>() {
        Ok(collect(&|i| a.is_valid(i).then(|| a.value(i).to_string())))
    } else if let Some(a) = column.as_any().downcast_ref::<LargeStringArray>() {
        Ok(collect(&|i| a.is_valid(i).then(|| a.value(i).to_string())))
    } else if let Some(a) = column.as_any().downcast_ref::<StringViewArray>() {
        Ok(collect(&|i| a.is_valid(i).then(|| a.value(i).to_string())))
    } else {
        Err(format!(
            "column `{name}` holds {}, not the claims' JSON text",
            column.data_type()
        ))
    }
}

/// A Parquet file of claims read as JSON lines, one batch at a time.
pub struct ClaimLines {
    batches: ParquetRecordBatchReader,
    json_column: Option<String>,
    buffer: Vec<u8>,
    at: usize,
}

impl ClaimLines {
    /// Opens a Parquet file; `json_column` as in [`batch_claims`].
    pub fn open(path: &Path, json_column: Option<&str>) -> Result<ClaimLines, String> {
        let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let batches = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.with_batch_size(BATCH_ROWS).build())
            .map_err(|e| format!("cannot read {} as Parquet: {e}", path.display()))?;
        if let Some(name) = json_column {
            if batches.schema().field_with_name(name).is_err() {
                return Err(format!(
                    "{} has no column `{name}` (--json-column)",
                    path.display()
                ));
            }
        }
        Ok(ClaimLines {
            batches,
            json_column: json_column.map(str::to_string),
            buffer: Vec::new(),
            at: 0,
        })
    }

    /// The next batch of claims' JSON texts (`None` for a null cell), or `None`
    /// at the end of the file.
    pub fn next_batch(&mut self) -> io::Result<Option<Vec<Option<String>>>> {
        match self.batches.next() {
            None => Ok(None),
            Some(batch) => {
                let batch = batch.map_err(io::Error::other)?;
                batch_claims(&batch, self.json_column.as_deref())
                    .map(Some)
                    .map_err(io::Error::other)
            }
        }
    }
}

impl ClaimLines {
    /// Decodes the next batch into the buffer; false at the end of the file.
    fn refill(&mut self) -> io::Result<bool> {
        let Some(rows) = self.next_batch()? else {
            return Ok(false);
        };
        self.buffer.clear();
        self.at = 0;
        for row in rows {
            // A null cell is no claim: `null` gets an error record.
            let text = row.as_deref().unwrap_or("null");
            // JSON text has line breaks only between tokens.
            self.buffer.extend(
                text.bytes()
                    .map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
            );
            self.buffer.push(b'\n');
        }
        Ok(true)
    }
}

impl io::BufRead for ClaimLines {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.at >= self.buffer.len() {
            if !self.refill()? {
                return Ok(&[]);
            }
        }
        Ok(self.buffer.get(self.at..).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.buffer.len());
    }
}

impl Read for ClaimLines {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use io::BufRead;
        let rest = self.fill_buf()?;
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

/// The columns of a verdict table: one row per claim, in input order.
///
/// - `line`: the claim's row, counted from 1;
/// - `claim_id`: null when the claim has none that could be read;
/// - `decision`, `remedy`: as in the verdict; null for an error record;
/// - `rules`: the deciding rules, joined with `+`;
/// - `refund_amount` (a decimal string, never a float) and `refund_currency`;
/// - `fees`: `fee=payer` pairs joined with `;`;
/// - `verdict`: the whole verdict as JSON; `errors`: the claim's problems as
///   JSON (`[{"path", "message"}]`), null for a verdict;
/// - `policy_version`: the version of the policy text that judged the row
///   (`sha256:` and 16 hex digits), as JSON records end with; null only for a
///   row that no version read (over a folder of versions: a claim placed before
///   the first version took effect, or without a readable `order.placed_at`).
pub fn verdict_schema() -> SchemaRef {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        Field::new("line", DataType::UInt64, false),
        text("claim_id", true),
        text("decision", true),
        text("remedy", true),
        text("rules", true),
        text("refund_amount", true),
        text("refund_currency", true),
        text("fees", true),
        text("verdict", true),
        text("errors", true),
        text("policy_version", true),
    ]))
}

/// Verdicts and error records gathered into a [`verdict_schema`] batch, each
/// row with the version of the policy that judged it ([`judge_rows`] fills it).
#[derive(Default)]
pub struct VerdictColumns {
    line: UInt64Builder,
    claim_id: StringBuilder,
    decision: StringBuilder,
    remedy: StringBuilder,
    rules: StringBuilder,
    refund_amount: StringBuilder,
    refund_currency: StringBuilder,
    fees: StringBuilder,
    verdict: StringBuilder,
    errors: StringBuilder,
    policy_version: StringBuilder,
}

impl VerdictColumns {
    /// Rows gathered so far.
    pub fn len(&self) -> usize {
        self.line.len()
    }

    /// Whether no row has been gathered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn verdict_row(&mut self, line: u64, v: &Verdict, version: Option<&str>) {
        self.line.append_value(line);
        self.claim_id.append_value(&v.claim_id);
        self.decision.append_value(v.decision.as_str());
        self.remedy.append_option(v.remedy.as_deref());
        let rules: Vec<&str> = v.because.iter().map(|b| &*b.rule).collect();
        self.rules.append_value(rules.join("+"));
        match &v.refund {
            Some(m) => {
                self.refund_amount.append_value(m.amount().to_string());
                self.refund_currency.append_value(m.currency());
            }
            None => {
                self.refund_amount.append_null();
                self.refund_currency.append_null();
            }
        }
        let fees: Vec<String> = v
            .fees
            .iter()
            .map(|f| format!("{}={}", f.fee, f.payer))
            .collect();
        self.fees.append_value(fees.join(";"));
        self.verdict.append_value(v.to_json());
        self.errors.append_null();
        self.policy_version.append_option(version);
    }

    fn error_row(
        &mut self,
        line: u64,
        claim_id: Option<&str>,
        e: &ClaimError,
        version: Option<&str>,
    ) {
        self.line.append_value(line);
        self.claim_id.append_option(claim_id);
        for b in [
            &mut self.decision,
            &mut self.remedy,
            &mut self.rules,
            &mut self.refund_amount,
            &mut self.refund_currency,
            &mut self.fees,
            &mut self.verdict,
        ] {
            b.append_null();
        }
        self.errors
            .append_value(serde_json::to_string(&e.problems).unwrap_or_else(|_| "[]".into()));
        self.policy_version.append_option(version);
    }

    /// Adds one claim's outcome with the version that judged it (`None`: no
    /// version read it).
    pub fn push(&mut self, line: u64, claim: Option<&str>, judged: &Judged<'_>) {
        let (policy, outcome) = judged;
        let version = policy.map(Policy::version);
        match outcome {
            Ok(v) => self.verdict_row(line, v, version),
            Err(e) => self.error_row(line, claim.and_then(claim_id_of).as_deref(), e, version),
        }
    }

    /// The rows gathered, as one batch; the columns start empty again.
    pub fn finish(&mut self) -> RecordBatch {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.line.finish()),
            Arc::new(self.claim_id.finish()),
            Arc::new(self.decision.finish()),
            Arc::new(self.remedy.finish()),
            Arc::new(self.rules.finish()),
            Arc::new(self.refund_amount.finish()),
            Arc::new(self.refund_currency.finish()),
            Arc::new(self.fees.finish()),
            Arc::new(self.verdict.finish()),
            Arc::new(self.errors.finish()),
            Arc::new(self.policy_version.finish()),
        ];
        // The columns match the schema by construction.
        RecordBatch::try_new(verdict_schema(), columns)
            .unwrap_or_else(|_| RecordBatch::new_empty(verdict_schema()))
    }
}

/// A claim's verdict, or why it is not a valid claim.
pub type Outcome = Result<Verdict, ClaimError>;

/// A claim's outcome over the versions of a policy, with the version that
/// judged it (`None` when no version could: see [`judge_in`]).
pub type Judged<'s> = (Option<&'s Policy>, Outcome);

/// Judges one cell's claim by the version of `name` in force when its order
/// was placed ([`PolicySet::select`](crate::PolicySet::select)), as `clause
/// eval DIR --claims` judges a line. A claim no version can take (placed
/// before the first, or without a readable `order.placed_at`), and a null
/// cell, are errors that no version read (as `clause eval DIR --claims` reads
/// a null cell: `null` has no `order.placed_at`).
pub fn judge_in<'s>(set: &'s crate::PolicySet, name: &str, claim: Option<&str>) -> Judged<'s> {
    let newest = set.get(name);
    match (claim, newest) {
        (_, None) => (
            None,
            Err(ClaimError::whole(format!(
                "there is no policy named `{name}`"
            ))),
        ),
        (None, Some(newest)) => (None, evaluate_cell(newest, None)),
        (Some(text), Some(_)) => match set.select(name, text) {
            Ok(policy) => (Some(policy), policy.evaluate(text)),
            Err(e) => (None, Err(e)),
        },
    }
}

/// Evaluates one cell's claim (`None`: a null cell, which is no claim).
pub fn evaluate_cell(policy: &Policy, claim: Option<&str>) -> Outcome {
    match claim {
        Some(text) => policy.evaluate(text),
        None => Err(ClaimError {
            problems: vec![crate::ClaimProblem {
                path: String::new(),
                message: "the row holds no claim (the JSON column is null)".into(),
            }],
        }),
    }
}

/// The `claim_id` of a claim's JSON text, when it has one.
fn claim_id_of(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("claim_id")?.as_str().map(str::to_string)
}

/// Evaluates every claim of a Parquet history on `threads` threads and writes
/// the outcomes, in order, to a Parquet file of [`verdict_schema`] (one row
/// group per input batch). Only reading and writing fail the run.
pub fn write_verdicts<W: Write + Send>(
    policy: &Policy,
    claims: ClaimLines,
    output: W,
    threads: usize,
) -> io::Result<crate::StreamSummary> {
    write_judged(claims, output, threads, |c| judge_one(policy, c))
}

/// [`write_verdicts`] over the versions of `name` in `set`: each row judged by
/// the version in force when its order was placed ([`judge_in`]), its
/// `policy_version` that version's (null for a row no version read). An
/// unknown name is an error of kind `NotFound` before anything is read.
pub fn write_verdicts_in<W: Write + Send>(
    set: &crate::PolicySet,
    name: &str,
    claims: ClaimLines,
    output: W,
    threads: usize,
) -> io::Result<crate::StreamSummary> {
    if set.get(name).is_none() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("there is no policy named `{name}`"),
        ));
    }
    write_judged(claims, output, threads, |c| judge_in(set, name, c))
}

/// Judges every row of a batch (`None`: a null cell) on the current rayon
/// pool and adds the outcomes, in order, numbered from `first_line`; returns
/// how many were verdicts. `judge` is [`judge_one`] for one policy, or
/// [`judge_in`] over the versions of one.
pub fn judge_rows<'s>(
    columns: &mut VerdictColumns,
    rows: &[Option<String>],
    first_line: u64,
    judge: impl Fn(Option<&str>) -> Judged<'s> + Sync,
) -> u64 {
    use rayon::prelude::*;
    let judged: Vec<Judged<'s>> = rows.par_iter().map(|c| judge(c.as_deref())).collect();
    let mut verdicts = 0;
    for (line, (row, judged)) in (first_line..).zip(rows.iter().zip(&judged)) {
        verdicts += u64::from(judged.1.is_ok());
        columns.push(line, row.as_deref(), judged);
    }
    verdicts
}

/// One cell's claim judged by `policy` ([`evaluate_cell`]), with its version.
pub fn judge_one<'s>(policy: &'s Policy, claim: Option<&str>) -> Judged<'s> {
    (Some(policy), evaluate_cell(policy, claim))
}

fn write_judged<'s, W: Write + Send>(
    mut claims: ClaimLines,
    output: W,
    threads: usize,
    judge: impl Fn(Option<&str>) -> Judged<'s> + Sync,
) -> io::Result<crate::StreamSummary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(io::Error::other)?;
    let mut writer =
        ArrowWriter::try_new(output, verdict_schema(), None).map_err(io::Error::other)?;
    let mut columns = VerdictColumns::default();
    let mut summary = crate::StreamSummary::default();
    while let Some(rows) = claims.next_batch()? {
        let verdicts = pool.install(|| judge_rows(&mut columns, &rows, summary.lines + 1, &judge));
        summary.lines += rows.len() as u64;
        summary.verdicts += verdicts;
        summary.errors += rows.len() as u64 - verdicts;
        writer.write(&columns.finish()).map_err(io::Error::other)?;
    }
    writer.close().map_err(io::Error::other)?;
    Ok(summary)
}
