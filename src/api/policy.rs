//! [`Policy`]: a policy file read and checked, and what it does with claims.

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::error::{ClaimError, LoadError};
use super::finding::Finding;
use crate::ast::PolicyFile;
use crate::language::check::ir;
use crate::tools::lint::LintConfig;

/// The largest policy text read from a file or a stream: 64 MiB, thousands of
/// times a real policy (the seed policies are 3 to 12 KB). [`Policy::load`],
/// [`PolicySet::load_dir`](crate::PolicySet::load_dir) and the command line
/// refuse a larger one; `clause serve` has its own, smaller limit
/// (`--max-policy-bytes`).
pub const MAX_POLICY_BYTES: usize = 64 << 20;

/// The longest line of a batch read as a claim (`Policy::evaluate_stream`,
/// `clause eval --claims`), and the largest claim `clause eval --claim`
/// reads: 64 MiB. A longer line gets an error record saying so, and the rest
/// of it is read and dropped without being kept.
pub const MAX_LINE_BYTES: usize = crate::tools::batch::MAX_LINE_BYTES;

/// Reads a policy text from `reader` (a file, standard input), refusing one
/// longer than [`MAX_POLICY_BYTES`] or not UTF-8; `name` names it in the
/// error, which is the whole message.
///
/// ```
/// let text = clause::read_policy_text(&b"policy p {}"[..], "p.policy")?;
/// assert_eq!(text, "policy p {}");
/// let err = clause::read_policy_text(std::io::repeat(b' '), "/dev/zero").unwrap_err();
/// assert!(err.starts_with("/dev/zero is larger than 64 MiB"), "{err}");
/// # Ok::<(), String>(())
/// ```
pub fn read_policy_text(reader: impl Read, name: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_POLICY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() > MAX_POLICY_BYTES {
        return Err(format!(
            "{name} is larger than {} MiB ({MAX_POLICY_BYTES} bytes), the most a policy file may be",
            MAX_POLICY_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))
}
use crate::{Diagnostics, Source, Verdict};

pub use crate::tools::batch::Summary as StreamSummary;
pub use crate::tools::explain::ExplainFormat;
pub use crate::tools::map::PageMap;
pub use crate::tools::render::RenderFormat;
pub use crate::tools::timeline::Timeline;

/// A policy that has been read and checked: ready to evaluate claims.
///
/// Cheap to clone (the checked policy is shared) and safe to share between
/// threads: a server holds one per policy version and swaps them whole.
///
/// ```
/// let policy = clause::Policy::load("policies/imicro.policy")?;
/// assert_eq!(policy.name(), "imicro");
/// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
/// let verdict = policy.evaluate(&claim)?;
/// assert_eq!(verdict.decision.as_str(), "approve");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Policy {
    inner: Arc<Inner>,
}

struct Inner {
    ast: PolicyFile,
    ir: ir::Policy,
    version: String,
    /// What each record of a stream ends with (see [`Policy::stamp`]).
    stamp: String,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("name", &self.name())
            .field("file", &self.file_name())
            .field("version", &self.version())
            .finish()
    }
}

impl Policy {
    /// Parses and checks a policy text. `file_name` names it in diagnostics and
    /// in each verdict's `because[].source`.
    ///
    /// ```
    /// let text = "policy p \"P\" {\n  currency USD\n  timezone \"UTC\"\n  rules for return {\n    otherwise no: deny \"No returns.\"\n  }\n}\n";
    /// let policy = clause::Policy::from_text("p.policy", text)?;
    /// assert_eq!(policy.title(), Some("P"));
    /// # Ok::<(), clause::LoadError>(())
    /// ```
    pub fn from_text(file_name: &str, text: &str) -> Result<Policy, LoadError> {
        Policy::from_source(Source::new(file_name, text))
    }

    /// Reads a policy file and checks it.
    ///
    /// ```
    /// let err = clause::Policy::load("no/such.policy").unwrap_err();
    /// assert!(matches!(err, clause::LoadError::Io { .. }));
    /// ```
    ///
    /// A file larger than [`MAX_POLICY_BYTES`] is refused after reading that
    /// much (so `/dev/zero` is an error, not all of memory).
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, LoadError> {
        let path = path.as_ref();
        let io = |message: String| LoadError::Io {
            path: path.to_path_buf(),
            message,
        };
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| io(format!("cannot read {name}: {e}")))?;
        let text = read_policy_text(file, &name).map_err(io)?;
        Policy::from_source(Source::new(name, text))
    }

    /// Parses and checks an already-read [`Source`] (a text with the name its
    /// diagnostics give it).
    ///
    /// ```
    /// let text = std::fs::read_to_string("policies/imicro.policy")?;
    /// let policy = clause::Policy::from_source(clause::Source::new("imicro.policy", text))?;
    /// assert_eq!(policy.file_name(), "imicro.policy");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_source(source: Source) -> Result<Policy, LoadError> {
        let invalid = |d: Diagnostics| LoadError::Invalid(Box::new(d));
        let ast = crate::parse(&source).map_err(invalid)?;
        let ir = crate::language::check::check(&ast, &source).map_err(invalid)?;
        let version = version_of(&source.text);
        let stamp = stamp(&version, &source.name, ir.effective_from);
        Ok(Policy {
            inner: Arc::new(Inner {
                ast,
                ir,
                version,
                stamp,
            }),
        })
    }

    /// The policy's name, as declared (`policy imicro "..."`).
    pub fn name(&self) -> &str {
        &self.inner.ir.name
    }

    /// The policy's title, when it declares one.
    pub fn title(&self) -> Option<&str> {
        self.inner.ir.title.as_deref()
    }

    /// The name the text was loaded under (its path, for a file).
    pub fn file_name(&self) -> &str {
        &self.inner.ir.source.name
    }

    /// The first order day (in the policy's time zone) this version judges:
    /// its `effective from`, when it declares one.
    pub fn effective_from(&self) -> Option<chrono::NaiveDate> {
        self.inner.ir.effective_from
    }

    /// The policy's time zone, in which its days are counted.
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.inner.ir.timezone
    }

    /// The policy's text.
    pub fn text(&self) -> &str {
        &self.inner.ir.source.text
    }

    /// The version: `sha256:` and the first 16 hex digits of the SHA-256 of the
    /// text. Two texts with the same version are the same policy, byte for byte,
    /// so a verdict's version lets an audit replay it.
    ///
    /// ```
    /// let a = clause::Policy::load("policies/imicro.policy")?;
    /// let b = clause::Policy::from_text("copy.policy", a.text())?;
    /// assert_eq!(a.version(), b.version());
    /// assert!(a.version().starts_with("sha256:"));
    /// # Ok::<(), clause::LoadError>(())
    /// ```
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// Decodes a claim (the contract's JSON) and evaluates it.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let err = policy.evaluate(r#"{"claim_id": "C-1"}"#).unwrap_err();
    /// assert_eq!(err.problems[0].path, "order");
    /// # Ok::<(), clause::LoadError>(())
    /// ```
    pub fn evaluate(&self, claim: &str) -> Result<Verdict, ClaimError> {
        crate::language::eval::eval_json(&self.inner.ir, claim).map_err(ClaimError::from_internal)
    }

    /// [`evaluate`](Policy::evaluate) for bytes, which must be UTF-8.
    pub fn evaluate_bytes(&self, claim: &[u8]) -> Result<Verdict, ClaimError> {
        let text = std::str::from_utf8(claim)
            .map_err(|e| ClaimError::whole(format!("the claim is not UTF-8 text: {e}")))?;
        self.evaluate(text)
    }

    /// [`evaluate`](Policy::evaluate) for a claim already parsed as JSON.
    pub fn evaluate_value(&self, claim: &serde_json::Value) -> Result<Verdict, ClaimError> {
        self.evaluate(&claim.to_string())
    }

    /// Evaluates a stream of claims, one JSON object per line, on `threads`
    /// threads, writing one record per input line in order: the verdict, or an
    /// error record `{"line", "claim_id", "errors": [{"path", "message"}]}`;
    /// each record ends with the `policy_version` that made it (and, for a
    /// policy that says when it takes effect, `policy_file` and
    /// `policy_effective_from`).
    /// Only reading and writing fail the run.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
    /// let input = format!("{}\nnot json\n", claim.replace('\n', ""));
    /// let mut out = Vec::new();
    /// let summary = policy.evaluate_stream(input.as_bytes(), &mut out, 2)?;
    /// assert_eq!((summary.lines, summary.verdicts, summary.errors), (2, 1, 1));
    /// assert_eq!(String::from_utf8(out)?.lines().count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_stream<R: Read + Send, W: Write + Send>(
        &self,
        input: R,
        output: W,
        threads: usize,
    ) -> std::io::Result<StreamSummary> {
        let judge = crate::tools::batch::One {
            policy: &self.inner.ir,
            stamp: &self.inner.stamp,
        };
        crate::tools::batch::run(&judge, input, output, threads)
    }

    /// One line of a stream, as [`evaluate_stream`](Policy::evaluate_stream)
    /// writes it: the record of `line` (its bytes, with or without its line
    /// end), numbered `number`, appended to `out` without a line end. Gives the
    /// verdict's decision, or `None` for an error record. For servers that cut
    /// their own streams into lines.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let mut out = Vec::new();
    /// assert_eq!(policy.write_record(b"\n", 7, &mut out), None);
    /// let record: serde_json::Value = serde_json::from_slice(&out)?;
    /// assert_eq!(record["line"], 7);
    /// assert_eq!(record["errors"][0]["message"], "the line is empty");
    /// assert_eq!(record["policy_version"], policy.version());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_record(
        &self,
        line: &[u8],
        number: u64,
        out: &mut Vec<u8>,
    ) -> Option<crate::Decision> {
        crate::tools::batch::record(&self.inner.ir, &self.inner.stamp, line, number, out)
    }

    /// `verdict` (one this policy gave) as JSON, ending with the fields that
    /// name this version, as a record of [`write_record`](Policy::write_record)
    /// does: `policy_version`, and for a dated policy `policy_file` and
    /// `policy_effective_from`. What `clause eval DIR --claim` prints, compact.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
    /// let verdict = policy.evaluate(&claim)?;
    /// let json: serde_json::Value = serde_json::from_str(&policy.verdict_json(&verdict))?;
    /// assert_eq!(json["decision"], "approve");
    /// assert_eq!(json["policy_version"], policy.version());
    /// assert!(json.get("policy_file").is_none(), "not a dated policy");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verdict_json(&self, verdict: &Verdict) -> String {
        let mut out = Vec::with_capacity(2048);
        self.write_verdict(verdict, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends to `out` the same JSON as [`verdict_json`](Policy::verdict_json)
    /// gives, as UTF-8 bytes, for a caller that sends bytes on (the server's
    /// response body) and so need not have them checked as text again.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
    /// let verdict = policy.evaluate(&claim)?;
    /// let mut out = Vec::new();
    /// policy.write_verdict(&verdict, &mut out);
    /// assert_eq!(out, policy.verdict_json(&verdict).into_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_verdict(&self, verdict: &Verdict, out: &mut Vec<u8>) {
        let start = out.len();
        verdict.write_json(out);
        crate::tools::batch::append_stamp(out, start, &self.inner.stamp);
    }

    /// The error record for line `number` of a stream that could not be read
    /// as a claim at all (`message` says why: longer than a limit, cut off
    /// before its end), ending with this version's fields as
    /// [`write_record`](Policy::write_record)'s records do.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let mut out = Vec::new();
    /// policy.write_line_error(3, "the line is longer than 1048576 bytes", &mut out);
    /// let record: serde_json::Value = serde_json::from_slice(&out)?;
    /// assert_eq!(record["line"], 3);
    /// assert_eq!(record["errors"][0]["path"], "");
    /// assert_eq!(record["policy_version"], policy.version());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_line_error(&self, number: u64, message: &str, out: &mut Vec<u8>) {
        let start = out.len();
        let problem = crate::language::eval::facts::InputError {
            path: String::new(),
            message: message.to_string(),
        };
        crate::tools::batch::error_record(number, None, &[problem], out);
        crate::tools::batch::append_stamp(out, start, &self.inner.stamp);
    }

    /// Evaluates a claim and explains the verdict in sentences for the customer.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
    /// let text = policy.explain(&claim, clause::ExplainFormat::Text)?;
    /// assert!(!text.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, claim: &str, format: ExplainFormat) -> Result<String, ClaimError> {
        let ir = &self.inner.ir;
        let mut decoded =
            crate::language::eval::decode(claim, ir).map_err(ClaimError::from_internal)?;
        // The order's id is not a fact a policy reads, but the customer knows
        // their order by it.
        if decoded.order.id.is_none() {
            decoded.order.id = serde_json::from_str::<serde_json::Value>(claim)
                .ok()
                .and_then(|v| v.pointer("/order/id")?.as_str().map(str::to_string));
        }
        let verdict =
            crate::language::eval::evaluate(ir, &decoded).map_err(ClaimError::from_internal)?;
        Ok(crate::tools::explain::explain(
            ir, &decoded, &verdict, format,
        ))
    }

    /// The claim's events and the policy's windows resolved for it, by the
    /// evaluator's own window arithmetic (so a picture drawn from it agrees with
    /// the verdict's deadlines), with the calendar's holidays and weekend around
    /// them: what the playground draws beside a verdict.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let claim = std::fs::read_to_string("tests/data/imicro-claim.json")?;
    /// let timeline = policy.timeline(&claim)?;
    /// let window = &timeline.windows[0];
    /// assert_eq!((window.name.as_str(), window.end.as_str()), ("return_window", "2023-10-01"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timeline(&self, claim: &str) -> Result<Timeline, ClaimError> {
        let ir = &self.inner.ir;
        let decoded = crate::language::eval::decode_fast_or_careful(claim, ir)
            .map_err(ClaimError::from_internal)?;
        crate::tools::timeline::timeline(ir, &decoded, claim).map_err(ClaimError::from_internal)
    }

    /// The customer-facing page, generated from the policy.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// assert!(policy.render(clause::RenderFormat::Markdown).starts_with("# "));
    /// # Ok::<(), clause::LoadError>(())
    /// ```
    pub fn render(&self, format: RenderFormat) -> String {
        crate::tools::render::render(&self.inner.ast, &self.inner.ir, format)
    }

    /// The lints' findings at their configured levels, without the allowed ones
    /// (`# clause: allow(...)` comments in the text are honoured).
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let findings = policy.lint(&Default::default());
    /// assert!(findings.iter().all(|f| f.severity != clause::Severity::Error));
    /// # Ok::<(), clause::LoadError>(())
    /// ```
    pub fn lint(&self, config: &LintConfig) -> Vec<Finding> {
        crate::tools::lint::lint(&self.inner.ast, &self.inner.ir, config)
            .iter()
            .map(|d| Finding::new(&self.inner.ir.source, d))
            .collect()
    }

    /// The lints' findings as [`Diagnostics`] over the policy's text (what
    /// `clause check` draws), with those about the merchant's `page` when one
    /// is given.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let page = std::fs::read_to_string("policies/imicro.page.txt")?;
    /// let report = policy.lint_diagnostics(&Default::default(), Some(&page));
    /// assert!(report.items.iter().all(|d| d.level != clause::Level::Error));
    /// assert_eq!(report.source.name.as_ref(), policy.file_name());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lint_diagnostics(&self, config: &LintConfig, page: Option<&str>) -> Diagnostics {
        let (ast, ir) = (&self.inner.ast, &self.inner.ir);
        let mut items = crate::tools::lint::lint(ast, ir, config);
        if let Some(page) = page {
            items.extend(crate::tools::lint::lint_page(ast, ir, config, page));
        }
        Diagnostics::new(ir.source.clone(), items)
    }

    /// The merchant's page this policy declares (`# clause: page "path"`), as a
    /// path relative to the policy file's folder.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// assert_eq!(
    ///     policy.declared_page(),
    ///     Some(std::path::PathBuf::from("policies/imicro.page.txt"))
    /// );
    /// # Ok::<(), clause::LoadError>(())
    /// ```
    pub fn declared_page(&self) -> Option<std::path::PathBuf> {
        let page = declared_page(self.text())?;
        let dir = Path::new(self.file_name())
            .parent()
            .unwrap_or(Path::new(""));
        Some(dir.join(page))
    }

    /// The page beside the policy: each sentence of `page` with the rules and
    /// declarations that quote it (or the `not-policy` comment that sets it
    /// aside), and each quote with whether it is still on the page.
    ///
    /// ```
    /// let policy = clause::Policy::load("policies/imicro.policy")?;
    /// let page = std::fs::read_to_string("policies/imicro.page.txt")?;
    /// let map = policy.map_page(&page);
    /// assert_eq!(map.unaccounted().count(), 0);
    /// assert_eq!(map.stale().count(), 0);
    /// let edited = page.replace("within 30 days of the invoice date", "within 21 days of purchase");
    /// assert!(policy.map_page(&edited).stale().count() > 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_page(&self, page: &str) -> PageMap {
        crate::tools::map::map(&self.inner.ast, &self.inner.ir.source, page)
    }

    /// The parsed file and the checked policy, for the library's own tools.
    pub(crate) fn parts(&self) -> (&PolicyFile, &ir::Policy) {
        (&self.inner.ast, &self.inner.ir)
    }
}

/// The fields a stream's records end with, each with its leading comma:
/// `"policy_version"`, and for a dated policy its file's name (without the
/// folder) and the day it takes effect.
fn stamp(version: &str, file: &str, effective_from: Option<chrono::NaiveDate>) -> String {
    let mut stamp = format!(",\"policy_version\":\"{version}\"");
    if let Some(day) = effective_from {
        let name = Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |f| f.to_string_lossy().into_owned());
        let name = serde_json::to_string(&name).unwrap_or_else(|_| "\"\"".into());
        stamp.push_str(&format!(
            ",\"policy_file\":{name},\"policy_effective_from\":\"{day}\""
        ));
    }
    stamp
}

/// The canonical layout of a policy text, keeping every comment; the text's
/// errors when it does not parse.
///
/// ```
/// let messy = "policy p \"P\" {\ncurrency USD\n   timezone \"UTC\"\nrules for return {\notherwise no: deny \"No.\"\n}\n}\n";
/// let tidy = clause::format("p.policy", messy)?;
/// assert!(tidy.contains("\n  currency USD\n"));
/// assert_eq!(clause::format("p.policy", &tidy)?, tidy);
/// # Ok::<(), clause::LoadError>(())
/// ```
pub fn format(file_name: &str, text: &str) -> Result<String, LoadError> {
    crate::tools::fmt::format_source(&Source::new(file_name, text))
        .map_err(|d| LoadError::Invalid(Box::new(d)))
}

/// The canonical layout of an already-read [`Source`], keeping every comment;
/// its diagnostics when it does not parse.
///
/// ```
/// let messy = "policy p \"P\" {\ncurrency USD\n   timezone \"UTC\"\nrules for return {\notherwise no: deny \"No.\"\n}\n}\n";
/// let source = clause::Source::new("p.policy", messy);
/// assert!(clause::format_source(&source)?.contains("\n  currency USD\n"));
/// let broken = clause::Source::new("b.policy", "policy {");
/// assert!(clause::format_source(&broken).is_err());
/// # Ok::<(), clause::Diagnostics>(())
/// ```
pub fn format_source(source: &Source) -> Result<String, Diagnostics> {
    crate::tools::fmt::format_source(source)
}

/// The merchant's page a policy text declares (`# clause: page "path"`), as
/// written: a path relative to the policy file's folder. The text need not
/// check.
///
/// ```
/// let text = "# clause: page \"returns.txt\"\npolicy {";
/// assert_eq!(clause::declared_page(text).as_deref(), Some("returns.txt"));
/// assert_eq!(clause::declared_page("policy p {}"), None);
/// ```
pub fn declared_page(text: &str) -> Option<String> {
    crate::tools::map::declared_page(text).map(|(page, _)| page)
}

/// The version [`Policy::version`] gives a text, without checking it: a server
/// uses it to notice that a file changed, and to name a text that was refused.
///
/// ```
/// let policy = clause::Policy::load("policies/imicro.policy")?;
/// assert_eq!(clause::version_of(policy.text()), policy.version());
/// # Ok::<(), clause::LoadError>(())
/// ```
pub fn version_of(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::from("sha256:");
    for b in digest.iter().take(8) {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
