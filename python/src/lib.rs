//! The native half of the `clause` Python package: a thin layer over the
//! `clause` library's documented API (`clause::Policy`, `clause::check_text`,
//! `clause::format`, `clause::diff`) and its Arrow module. The Python half
//! (`clause/__init__.py`) defines the exceptions and re-exports these names.

use std::fmt::Write as _;

mod arrow_in;

use arrow_array::RecordBatch;
use pyo3::exceptions::{
    PyException, PyKeyError, PyMemoryError, PyOSError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use pyo3_arrow::PyRecordBatch;
use rayon::prelude::*;

use clause::parquet::{batch_claims, judge_in, judge_one, judge_rows, Judged, VerdictColumns};
use clause::{ClaimError, ExplainFormat, LoadError, RenderFormat};

/// Terminal width the diagnostics are drawn at (as the command line does).
const WIDTH: usize = 100;

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `json.loads(text)`.
fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    JSON_LOADS.import(py, "json", "loads")?.call1((text,))
}

/// The package's exception classes, defined in Python (`clause/_errors.py`).
fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("clause._errors")?.getattr(name)
}

fn policy_error(py: Python<'_>, e: &LoadError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let findings = serde_json::to_string(&e.findings())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let class = error_class(py, "PolicyError")?;
        let err = class.call1((e.render(WIDTH), loads(py, &findings)?, e.to_string()))?;
        Ok(PyErr::from_value(err))
    };
    build().unwrap_or_else(|err| err)
}

fn claim_error(py: Python<'_>, e: &ClaimError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let problems =
            serde_json::to_string(&e.problems).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let class = error_class(py, "ClaimError")?;
        let err = class.call1((e.to_string(), loads(py, &problems)?))?;
        Ok(PyErr::from_value(err))
    };
    build().unwrap_or_else(|err| err)
}

/// An ``OSError`` about `path`, as Python's own file functions raise it:
/// ``OSError(errno, strerror, filename)``, which Python makes the subclass the
/// error number calls for (``FileNotFoundError``, ``PermissionError``,
/// ``NotADirectoryError``, ...), its text ``[Errno 2] No such file or
/// directory: '/nonexistent'``. An error without a number names the path in
/// its message.
fn os_error(path: &std::path::Path, e: &std::io::Error) -> PyErr {
    let name = path.display().to_string();
    match e.raw_os_error() {
        Some(errno) => {
            let text = e.to_string();
            let suffix = format!(" (os error {errno})");
            let strerror = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
            PyOSError::new_err((errno, strerror, name))
        }
        None => PyOSError::new_err(format!("cannot read {name}: {e}")),
    }
}

fn one_problem(path: &str, message: String) -> ClaimError {
    ClaimError {
        problems: vec![clause::ClaimProblem {
            path: path.to_string(),
            message,
        }],
    }
}

/// A claim given as a dict (or list, str, bytes) to the contract's JSON text.
///
/// A `str` or `bytes` is JSON text already. A dict (or any other mapping) is
/// written out: `str` keys; `None`, `bool`, `int`, `str`, lists and tuples as
/// JSON; numpy's bool, integer, float and datetime64 scalars as their values;
/// `decimal.Decimal` and `float` as the exact decimal number they print as
/// (never through binary arithmetic); `datetime.date` / `datetime.datetime`
/// as ISO 8601 text. Anything else is a claim error naming its JSON path.
///
/// The outer error is an exception that is not the claim's to report, raised
/// by a hook while the claim was written (`KeyboardInterrupt`, `SystemExit`,
/// `MemoryError`): the caller raises it as it is.
fn claim_text(claim: &Bound<'_, PyAny>) -> PyResult<Result<String, ClaimError>> {
    if let Ok(s) = claim.cast::<PyString>() {
        return Ok(s
            .to_str()
            .map(str::to_string)
            .map_err(|e| one_problem("", format!("the claim is not text: {e}"))));
    }
    if let Ok(b) = claim.cast::<PyBytes>() {
        return Ok(String::from_utf8(b.as_bytes().to_vec())
            .map_err(|_| one_problem("", "the claim is not UTF-8 text".into())));
    }
    let mut out = String::with_capacity(1024);
    let mut path = String::new();
    match write_json(claim, &mut out, &mut path, 0) {
        Ok(()) => Ok(Ok(out)),
        Err(Unwritable::Claim(e)) => Ok(Err(e)),
        Err(Unwritable::Raise(e)) => Err(e),
    }
}

/// Why a claim could not be written out as JSON text.
enum Unwritable {
    /// The claim's own fault, or an ordinary exception (`ValueError`,
    /// `TypeError`, ...) from one of its values' hooks: a claim error naming
    /// the value's JSON path.
    Claim(ClaimError),
    /// An exception that stops the program rather than describes the claim:
    /// one that is not an `Exception` (`KeyboardInterrupt`, `SystemExit`), or
    /// a `MemoryError`.
    Raise(PyErr),
}

impl From<ClaimError> for Unwritable {
    fn from(e: ClaimError) -> Self {
        Unwritable::Claim(e)
    }
}

/// An exception raised while the value at `path` was written: the claim's
/// error, unless it is one to raise as it is (see `Unwritable::Raise`).
fn hook_error(py: Python<'_>, path: &str, e: PyErr) -> Unwritable {
    if e.is_instance_of::<PyException>(py) && !e.is_instance_of::<PyMemoryError>(py) {
        Unwritable::Claim(one_problem(path, e.to_string()))
    } else {
        Unwritable::Raise(e)
    }
}

/// The most dicts and lists nested in one another that a claim may have, the
/// claim's own dict counted: what the library's JSON reading takes (serde_json
/// refuses the 128th level), and a bound on this function's own recursion (a
/// claim that contains itself reaches it too).
const MAX_DEPTH: usize = 127;

fn write_json(
    v: &Bound<'_, PyAny>,
    out: &mut String,
    path: &mut String,
    depth: usize,
) -> Result<(), Unwritable> {
    let here = |path: &str, what: String| Unwritable::Claim(one_problem(path, what));
    let hook = |path: &str, e: PyErr| hook_error(v.py(), path, e);
    // `depth` dicts and lists hold `v`: a dict or list here is one level more.
    let too_deep = || {
        here(
            path,
            format!("the claim nests dicts and lists deeper than {MAX_DEPTH} levels here (or contains itself)"),
        )
    };
    if v.is_none() {
        out.push_str("null");
    } else if let Ok(b) = v.cast::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
    } else if let Ok(s) = v.cast::<PyString>() {
        let s = s
            .to_str()
            .map_err(|e| here(path, format!("the text is not valid: {e}")))?;
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    } else if v.cast::<PyInt>().is_ok() || v.cast::<PyFloat>().is_ok() || is_decimal(v) {
        // int's and float's own repr() of an int or a float, whatever a
        // subclass's `__str__` or `__repr__` says (numpy's float64 is a float
        // whose repr is `np.float64(...)`; an int subclass could print any
        // number), and str() of a Decimal: the exact decimal text.
        let text = if v.cast::<PyFloat>().is_ok() {
            v.py().get_type::<PyFloat>().call_method1("__repr__", (v,))
        } else if v.cast::<PyInt>().is_ok() {
            v.py().get_type::<PyInt>().call_method1("__repr__", (v,))
        } else {
            v.str().map(Bound::into_any)
        }
        .map_err(|e| hook(path, e))?;
        push_number(&text.to_string(), out, path)?;
    } else if let Some(items) = mapping_items(v).map_err(|e| hook(path, e))? {
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        out.push('{');
        for (i, pair) in items.iter().enumerate() {
            let (k, item): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                pair.extract().map_err(|e| hook(path, e))?;
            let key = k.cast::<PyString>().map_err(|_| {
                here(
                    path,
                    "a claim's keys are text; this mapping has another key".into(),
                )
            })?;
            let key = key.to_str().map_err(|e| hook(path, e))?;
            if i > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(key).unwrap_or_default());
            out.push(':');
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            write_json(&item, out, path, depth + 1)?;
            path.truncate(len);
        }
        out.push('}');
    } else if v.cast::<PyList>().is_ok() || v.cast::<PyTuple>().is_ok() {
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        out.push('[');
        let items = v.try_iter().map_err(|e| hook(path, e))?;
        for (i, item) in items.enumerate() {
            let item = item.map_err(|e| hook(path, e))?;
            if i > 0 {
                out.push(',');
            }
            let len = path.len();
            let _ = write!(path, "[{i}]");
            write_json(&item, out, path, depth + 1)?;
            path.truncate(len);
        }
        out.push(']');
    } else if let Some(kind) = numpy_kind(v) {
        // A numpy scalar (as numpy arrays and some pandas accessors give): its value.
        match kind {
            'b' => out.push_str(if v.is_truthy().map_err(|e| hook(path, e))? {
                "true"
            } else {
                "false"
            }),
            'i' | 'u' | 'f' => {
                let text = v.str().map_err(|e| hook(path, e))?;
                push_number(&text.to_string(), out, path)?;
            }
            _ => {
                // datetime64: a day as its date; a time of day has no UTC
                // offset, which a claim's times need, and NaT is no time.
                let text = v.str().map_err(|e| hook(path, e))?.to_string();
                if text == "NaT" {
                    return Err(here(
                        path,
                        "numpy's NaT is not a date: leave the fact out, or give None".into(),
                    ));
                }
                if text.contains('T') {
                    return Err(here(
                        path,
                        format!("a numpy datetime64 with a time of day ({text}) has no UTC offset, which a claim's times need: give a datetime with a time zone (pandas: Timestamp.tz_localize), or a datetime64[D] for a day"),
                    ));
                }
                // A week prints as the day it starts, a month or a year as
                // "2024-06" or "2024": none of them is one day.
                let unit: String = v
                    .getattr("dtype")
                    .and_then(|d| d.getattr("str"))
                    .and_then(|s| s.extract())
                    .map_err(|e| hook(path, e))?;
                if !unit.ends_with("[D]") {
                    let unit = unit.rsplit_once('[').map_or("", |(_, u)| u);
                    return Err(here(
                        path,
                        format!("a numpy datetime64[{unit} ({text}) is not one day: give a datetime64[D]"),
                    ));
                }
                out.push_str(&serde_json::to_string(&text).unwrap_or_default());
            }
        }
    } else if v.hasattr("isoformat").map_err(|e| hook(path, e))? {
        let text: String = v
            .call_method0("isoformat")
            .and_then(|t| t.extract())
            .map_err(|e| hook(path, e))?;
        out.push_str(&serde_json::to_string(&text).unwrap_or_default());
    } else {
        let kind = v
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        return Err(here(path, format!("a Python {kind} is not a JSON value")));
    }
    Ok(())
}

/// The items of a dict, or of any other `collections.abc.Mapping`, as a list:
/// a copy, since a hook run while they are written (`isoformat`, `__str__`)
/// may change the mapping, which iterating it in place does not allow.
/// `None` for anything else.
fn mapping_items<'py>(v: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyList>>> {
    if let Ok(d) = v.cast::<PyDict>() {
        return Ok(Some(d.items()));
    }
    match v.cast::<PyMapping>() {
        Ok(m) => m.items().map(Some),
        Err(_) => Ok(None),
    }
}

/// A JSON number from the decimal text a number prints as; NaN and the
/// infinities are claim errors.
fn push_number(text: &str, out: &mut String, path: &str) -> Result<(), ClaimError> {
    if text.parse::<serde_json::Number>().is_err() {
        return Err(one_problem(path, format!("{text} is not a finite number")));
    }
    out.push_str(text);
    Ok(())
}

/// The dtype kind of a numpy scalar (`b` bool, `i`/`u` integer, `f` float,
/// `M` datetime64), for the kinds a claim can hold; `None` for anything else,
/// numpy's arrays included. numpy is not imported: its scalars are known by
/// their type's module, `numpy.generic` among their bases, and their `dtype`.
fn numpy_kind(v: &Bound<'_, PyAny>) -> Option<char> {
    let ty = v.get_type();
    if ty.getattr("__module__").ok()?.extract::<&str>().ok()? != "numpy" {
        return None;
    }
    let scalar = ty.mro().iter().any(|t| {
        t.getattr("__name__")
            .is_ok_and(|n| n.extract::<&str>().is_ok_and(|n| n == "generic"))
    });
    if !scalar {
        return None;
    }
    let kind: String = v
        .getattr("dtype")
        .ok()?
        .getattr("kind")
        .ok()?
        .extract()
        .ok()?;
    let kind = kind.chars().next()?;
    "biufM".contains(kind).then_some(kind)
}

fn is_decimal(v: &Bound<'_, PyAny>) -> bool {
    v.get_type()
        .name()
        .is_ok_and(|n| n.to_str().is_ok_and(|n| n == "Decimal"))
}

/// An error record as the command line writes it for a line that is not a
/// valid claim: `{"line", "claim_id", "errors": [{"path", "message"}]}`.
fn error_record(line: usize, claim: Option<&str>, e: &ClaimError) -> String {
    let claim_id = claim
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| v.get("claim_id")?.as_str().map(str::to_string));
    serde_json::json!({ "line": line, "claim_id": claim_id, "errors": e.problems }).to_string()
}

fn explain_format(name: &str) -> PyResult<ExplainFormat> {
    match name {
        "text" => Ok(ExplainFormat::Text),
        "markdown" => Ok(ExplainFormat::Markdown),
        "json" => Ok(ExplainFormat::Json),
        _ => Err(PyValueError::new_err(format!(
            "format {name:?}: expected \"text\", \"markdown\" or \"json\""
        ))),
    }
}

/// One claim of an `evaluate_many` call.
enum Line {
    /// Its JSON text.
    Text(String),
    /// An empty line of a JSON-lines text.
    Empty,
    /// An object that could not be turned into JSON.
    Bad(ClaimError),
}

/// The claims an `evaluate_many` call was given: an iterable of claims, or
/// one `str`/`bytes` of JSON lines.
fn claim_lines(py: Python<'_>, claims: &Bound<'_, PyAny>) -> PyResult<Vec<Line>> {
    // Iterating a dict gives its keys: one claim passed alone is a mistake
    // to name, not a list of error records.
    if claims.cast::<PyDict>().is_ok() || claims.cast::<PyMapping>().is_ok() {
        return Err(PyTypeError::new_err(
            "evaluate_many takes an iterable of claims or JSON lines, not one claim (a dict or other mapping): use evaluate for one claim, or pass [claim]",
        ));
    }
    if claims.cast::<PyString>().is_ok() || claims.cast::<PyBytes>().is_ok() {
        // Bytes are split into lines first, so that a line that is not UTF-8
        // gets its error record, as on the command line, and the others
        // their verdicts.
        let whole: &[u8] = match claims.cast::<PyBytes>() {
            Ok(b) => b.as_bytes(),
            Err(_) => claims
                .cast::<PyString>()?
                .to_str()
                .map_err(|e| {
                    claim_error(
                        py,
                        &one_problem("", format!("the claims are not text: {e}")),
                    )
                })?
                .as_bytes(),
        };
        // No text is no line; a lone line end is one empty line, which gets
        // its error record as on the command line.
        if whole.is_empty() {
            return Ok(Vec::new());
        }
        let body = whole.strip_suffix(b"\n").unwrap_or(whole);
        return Ok(body
            .split(|&b| b == b'\n')
            .map(|l| {
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                match std::str::from_utf8(l) {
                    Ok(l) if l.trim().is_empty() => Line::Empty,
                    Ok(l) => Line::Text(l.to_string()),
                    Err(_) => Line::Bad(one_problem("", "the line is not UTF-8 text".into())),
                }
            })
            .collect());
    }
    let mut out = Vec::new();
    for c in claims.try_iter()? {
        out.push(match claim_text(&c?)? {
            Ok(text) => Line::Text(text),
            Err(e) => Line::Bad(e),
        });
    }
    Ok(out)
}

/// `evaluate_many`'s steps: the claims read (holding the GIL), one record per
/// claim made by `record` (its number from 1, its line) on the pool without
/// the GIL, and the records returned as dicts, in order.
fn many_records<'py>(
    py: Python<'py>,
    claims: &Bound<'py, PyAny>,
    threads: Option<usize>,
    record: impl Fn(usize, &Line) -> String + Sync + Send,
) -> PyResult<Bound<'py, PyList>> {
    let lines = claim_lines(py, claims)?;
    let pool = pool(threads)?;
    let records: Vec<String> = py.detach(|| {
        on_pool(pool.as_ref(), || {
            lines
                .par_iter()
                .enumerate()
                .map(|(i, line)| record(i + 1, line))
                .collect()
        })
    });
    let out = PyList::empty(py);
    for r in &records {
        out.append(loads(py, r)?)?;
    }
    Ok(out)
}

/// A day given as a `datetime.date` (not a `datetime.datetime`, whose day
/// depends on a time zone) or a `"YYYY-MM-DD"` string: `TypeError` for any
/// other type, `ValueError` for a string that is not a day.
fn day_of(day: &Bound<'_, PyAny>) -> PyResult<chrono::NaiveDate> {
    let py = day.py();
    let datetime = py.import("datetime")?;
    let text: String = if let Ok(s) = day.cast::<PyString>() {
        s.to_str()?.to_string()
    } else if day.is_instance(&datetime.getattr("date")?)?
        && !day.is_instance(&datetime.getattr("datetime")?)?
    {
        day.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(
            "a day is a datetime.date or a \"YYYY-MM-DD\" string",
        ));
    };
    clause::parse_day(&text)
        .ok_or_else(|| PyValueError::new_err(format!("{text:?} is not a day (YYYY-MM-DD)")))
}

/// The outcome columns of an Arrow batch of claims (`evaluate_arrow`), each
/// row judged by `judge` on the pool, without the GIL.
fn arrow_outcomes<'s, 'py>(
    py: Python<'py>,
    batch: &Bound<'py, PyAny>,
    json_column: Option<&str>,
    threads: Option<usize>,
    judge: impl Fn(Option<&str>) -> Judged<'s> + Sync + Send,
) -> PyResult<Bound<'py, PyAny>> {
    let batch: RecordBatch = arrow_in::import_batch(batch)?;
    let pool = pool(threads)?;
    let out = py.detach(|| -> Result<RecordBatch, String> {
        let rows = batch_claims(&batch, json_column)?;
        let mut columns = VerdictColumns::default();
        on_pool(pool.as_ref(), || judge_rows(&mut columns, &rows, 1, judge));
        Ok(columns.finish())
    });
    let out = out.map_err(PyValueError::new_err)?;
    PyRecordBatch::new(out).into_pyarrow(py)
}

/// The most threads a call may ask for: each is an OS thread made for the
/// call, and asking for millions would exhaust the machine before any claim
/// is judged.
const MAX_THREADS: usize = 1024;

fn pool(threads: Option<usize>) -> PyResult<Option<rayon::ThreadPool>> {
    if let Some(n) = threads.filter(|&n| n > MAX_THREADS) {
        return Err(PyValueError::new_err(format!(
            "threads={n}: at most {MAX_THREADS} threads may be asked for"
        )));
    }
    threads
        .map(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
        .transpose()
}

fn on_pool<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// A policy that has been read and checked: ready to evaluate claims.
///
/// Safe to share between threads; evaluation never reads the clock or does I/O.
#[pyclass(frozen, module = "clause")]
struct Policy {
    inner: clause::Policy,
}

#[pymethods]
impl Policy {
    /// Reads a policy file and checks it; raises ``PolicyError`` when it does not check.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Policy> {
        py.detach(|| clause::Policy::load(&path))
            .map(|inner| Policy { inner })
            .map_err(|e| policy_error(py, &e))
    }

    /// Parses and checks a policy text; ``name`` names it in diagnostics and verdicts.
    #[staticmethod]
    #[pyo3(signature = (text, name = "policy.policy"))]
    fn from_text(py: Python<'_>, text: &str, name: &str) -> PyResult<Policy> {
        py.detach(|| clause::Policy::from_text(name, text))
            .map(|inner| Policy { inner })
            .map_err(|e| policy_error(py, &e))
    }

    /// The policy's declared name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The policy's title, when it declares one.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.inner.title()
    }

    /// ``sha256:`` and 16 hex digits of the text's SHA-256.
    #[getter]
    fn version(&self) -> &str {
        self.inner.version()
    }

    /// The policy's text.
    #[getter]
    fn text(&self) -> &str {
        self.inner.text()
    }

    /// The name the text was loaded under (its path, for a file).
    #[getter]
    fn file_name(&self) -> &str {
        self.inner.file_name()
    }

    fn __repr__(&self) -> String {
        format!(
            "<clause.Policy {} {} from {}>",
            self.inner.name(),
            self.inner.version(),
            self.inner.file_name()
        )
    }

    /// The verdict for one claim (a dict, or JSON text or bytes) as JSON text.
    fn evaluate_json(&self, py: Python<'_>, claim: &Bound<'_, PyAny>) -> PyResult<String> {
        let text = claim_text(claim)?.map_err(|e| claim_error(py, &e))?;
        py.detach(|| self.inner.evaluate(&text).map(|v| v.to_json()))
            .map_err(|e| claim_error(py, &e))
    }

    /// The verdict for one claim (a dict, or JSON text or bytes) as a dict;
    /// raises ``ClaimError`` naming the JSON path of each problem.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        claim: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let json = self.evaluate_json(py, claim)?;
        loads(py, &json)
    }

    /// Evaluates many claims on every core, without holding the GIL.
    ///
    /// ``claims`` is an iterable of claims (dicts, JSON texts or bytes), or one
    /// ``str``/``bytes`` of JSON lines. Returns one record per claim, in order:
    /// the verdict as a dict, or an error record
    /// ``{"line": n, "claim_id": ..., "errors": [{"path", "message"}]}`` as
    /// ``clause eval --claims`` writes it (``line`` counts from 1).
    #[pyo3(signature = (claims, threads = None))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        claims: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        many_records(py, claims, threads, |number, line| match line {
            Line::Text(text) => match self.inner.evaluate(text) {
                Ok(v) => v.to_json(),
                Err(e) => error_record(number, Some(text), &e),
            },
            Line::Empty => error_record(number, None, &one_problem("", "the line is empty".into())),
            Line::Bad(e) => error_record(number, None, e),
        })
    }

    /// Evaluates an Arrow record batch of claims (a ``pyarrow.RecordBatch`` or
    /// anything with ``__arrow_c_array__``) on every core, without holding the
    /// GIL, and returns a ``pyarrow.RecordBatch`` of outcomes, one row per claim
    /// in order (the columns of ``clause eval --out verdicts.parquet``).
    ///
    /// The claims are the rows' nested columns in the contract's shape, or the
    /// JSON text of the column named ``json_column``.
    #[pyo3(signature = (batch, json_column = None, threads = None))]
    fn evaluate_arrow<'py>(
        &self,
        py: Python<'py>,
        batch: &Bound<'py, PyAny>,
        json_column: Option<&str>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let policy = &self.inner;
        arrow_outcomes(py, batch, json_column, threads, |c| judge_one(policy, c))
    }

    /// The verdict for a claim explained in sentences for the customer:
    /// ``format`` is ``"text"``, ``"markdown"`` or ``"json"`` (JSON text).
    #[pyo3(signature = (claim, format = "text"))]
    fn explain(&self, py: Python<'_>, claim: &Bound<'_, PyAny>, format: &str) -> PyResult<String> {
        let format = explain_format(format)?;
        let text = claim_text(claim)?.map_err(|e| claim_error(py, &e))?;
        py.detach(|| self.inner.explain(&text, format))
            .map_err(|e| claim_error(py, &e))
    }

    /// The customer-facing page: ``format`` is ``"markdown"`` or ``"html"``.
    #[pyo3(signature = (format = "markdown"))]
    fn render(&self, format: &str) -> PyResult<String> {
        let format = match format {
            "markdown" => RenderFormat::Markdown,
            "html" => RenderFormat::Html,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "format {format:?}: expected \"markdown\" or \"html\""
                )))
            }
        };
        Ok(self.inner.render(format))
    }

    /// The lints' findings with the default settings, as dicts.
    fn lint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let findings = self.inner.lint(&Default::default());
        let json =
            serde_json::to_string(&findings).map_err(|e| PyValueError::new_err(e.to_string()))?;
        loads(py, &json)
    }
}

/// Checks and lints a policy text: its findings as dicts (``code``,
/// ``severity``, ``message``, ``help``, ``url``, ``labels`` with byte offsets and
/// 1-based lines and columns, ``example``), errors and lints in source order.
#[pyfunction]
#[pyo3(signature = (text, name = "policy.policy", lints = true))]
fn check<'py>(py: Python<'py>, text: &str, name: &str, lints: bool) -> PyResult<Bound<'py, PyAny>> {
    let options = clause::CheckOptions {
        lints: None,
        no_lints: !lints,
    };
    let report = py.detach(|| clause::check_text(name, text, &options));
    let json = serde_json::to_string(&report.findings)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    loads(py, &json)
}

/// The canonical layout of a policy text, comments kept; raises ``PolicyError``
/// when the text does not parse.
#[pyfunction]
#[pyo3(signature = (text, name = "policy.policy"))]
fn format(py: Python<'_>, text: &str, name: &str) -> PyResult<String> {
    py.detach(|| clause::format(name, text))
        .map_err(|e| policy_error(py, &e))
}

/// What changes between two versions of a policy, declaration by declaration:
/// dicts with ``what``, ``name`` and ``change``.
#[pyfunction]
fn diff<'py>(py: Python<'py>, old: &Policy, new: &Policy) -> PyResult<Bound<'py, PyAny>> {
    let changes = clause::diff(&old.inner, &new.inner);
    let json = serde_json::to_string(&changes).map_err(|e| PyValueError::new_err(e.to_string()))?;
    loads(py, &json)
}

/// The policies of a folder, found by the name they declare, each with its
/// versions (files that declare one name, each `effective from` a day of its
/// own): a claim is judged by the version in force when its order was placed.
#[pyclass(frozen, module = "clause")]
struct PolicySet {
    inner: clause::PolicySet,
}

impl PolicySet {
    fn policy(&self, p: &clause::Policy) -> Policy {
        Policy { inner: p.clone() }
    }

    /// `KeyError` for a name no file declares (rather than one claim error per claim).
    fn known(&self, name: &str) -> PyResult<()> {
        if self.inner.versions(name).is_empty() {
            let names: Vec<&str> = self.inner.names().collect();
            return Err(PyKeyError::new_err(format!(
                "no policy named {name:?} (the folder holds: {})",
                names.join(", ")
            )));
        }
        Ok(())
    }

    fn select_text(
        &self,
        py: Python<'_>,
        name: &str,
        claim: &Bound<'_, PyAny>,
    ) -> PyResult<(clause::Policy, String)> {
        self.known(name)?;
        let text = claim_text(claim)?.map_err(|e| claim_error(py, &e))?;
        let policy = py
            .detach(|| self.inner.select(name, &text).cloned())
            .map_err(|e| claim_error(py, &e))?;
        Ok((policy, text))
    }
}

#[pymethods]
impl PolicySet {
    /// Reads every ``*.policy`` file directly in a folder. A file that does not
    /// check, declares a name already taken without a day of its own, or is not
    /// a regular file (a named pipe is never opened) is left out and listed in
    /// ``failures``; raises ``OSError`` when the folder cannot be read, with
    /// ``filename`` the folder (``FileNotFoundError`` for one that does not exist).
    #[staticmethod]
    fn load_dir(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PolicySet> {
        py.detach(|| clause::PolicySet::load_dir(&path))
            .map(|inner| PolicySet { inner })
            .map_err(|e| os_error(&path, &e))
    }

    /// The files that were left out, each ``(path, why)``.
    #[getter]
    fn failures(&self) -> Vec<(String, String)> {
        self.inner
            .failures()
            .iter()
            .map(|(p, why)| (p.display().to_string(), why.clone()))
            .collect()
    }

    /// The policy names, in order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.inner.names().map(str::to_string).collect()
    }

    /// The newest version of a name, or ``None``.
    fn get(&self, name: &str) -> Option<Policy> {
        self.inner.get(name).map(|p| self.policy(p))
    }

    /// Every version of a name, oldest first (empty for an unknown name).
    fn versions(&self, name: &str) -> Vec<Policy> {
        self.inner
            .versions(name)
            .iter()
            .map(|p| self.policy(p))
            .collect()
    }

    /// The version in force on a day (``datetime.date`` or ``"YYYY-MM-DD"``):
    /// the newest that took effect on or before it; ``None`` before the first
    /// or for an unknown name. ``TypeError`` for another type of day,
    /// ``ValueError`` for a string that is not one.
    fn in_force(&self, name: &str, day: &Bound<'_, PyAny>) -> PyResult<Option<Policy>> {
        let day = day_of(day)?;
        Ok(self.inner.in_force(name, day).map(|p| self.policy(p)))
    }

    /// The version that judges a claim: the one in force when its order was
    /// placed; raises ``ClaimError`` naming ``order.placed_at`` when none is,
    /// and ``KeyError`` for a name no file declares.
    fn select(&self, py: Python<'_>, name: &str, claim: &Bound<'_, PyAny>) -> PyResult<Policy> {
        self.select_text(py, name, claim)
            .map(|(inner, _)| Policy { inner })
    }

    /// The verdict of the version in force when the claim's order was placed,
    /// as a dict naming that version (``policy_version``, and for a dated
    /// version ``policy_file`` and ``policy_effective_from``), as ``clause eval
    /// DIR --claim`` prints it; raises ``ClaimError`` (``KeyError`` for an
    /// unknown name).
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        claim: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (policy, text) = self.select_text(py, name, claim)?;
        let json = py
            .detach(|| policy.evaluate(&text).map(|v| policy.verdict_json(&v)))
            .map_err(|e| claim_error(py, &e))?;
        loads(py, &json)
    }

    /// One record per claim, in order, as ``clause eval DIR --claims`` writes
    /// them: each claim judged by the version in force when its order was
    /// placed, its record naming that version; or an error record. Runs on
    /// every core without the GIL; raises ``KeyError`` for an unknown name.
    #[pyo3(signature = (name, claims, threads = None))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        claims: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        self.known(name)?;
        many_records(py, claims, threads, |number, line| {
            let raw: &[u8] = match line {
                Line::Text(text) => text.as_bytes(),
                Line::Empty => b"",
                Line::Bad(e) => return error_record(number, None, e),
            };
            let mut out = Vec::new();
            self.inner.write_record(name, raw, number as u64, &mut out);
            String::from_utf8_lossy(&out).into_owned()
        })
    }

    /// ``Policy.evaluate_arrow`` over the versions of ``name``: each row judged
    /// by the version in force when its order was placed, its
    /// ``policy_version`` that version's (null for a row no version read), as
    /// ``clause eval DIR --claims x.parquet --out y.parquet`` writes them;
    /// raises ``KeyError`` for an unknown name.
    #[pyo3(signature = (name, batch, json_column = None, threads = None))]
    fn evaluate_arrow<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        batch: &Bound<'py, PyAny>,
        json_column: Option<&str>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.known(name)?;
        let set = &self.inner;
        arrow_outcomes(py, batch, json_column, threads, |c| judge_in(set, name, c))
    }

    fn __repr__(&self) -> String {
        let versions: usize = self
            .inner
            .names()
            .map(|n| self.inner.versions(n).len())
            .sum();
        format!(
            "<clause.PolicySet {} names, {versions} files, {} left out>",
            self.inner.names().count(),
            self.inner.failures().len()
        )
    }
}

#[pymodule]
fn _clause(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Policy>()?;
    m.add_class::<PolicySet>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(format, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
