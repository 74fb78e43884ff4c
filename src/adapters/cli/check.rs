//! `clause check PATH...`: parse and check policy files, then lint them.
//!
//! Formats: `human` (miette's drawing), `json`, `github` (workflow commands that
//! GitHub Actions turns into annotations on the pull request) and `sarif`
//! (SARIF 2.1.0, which code-scanning tools read). A file fails when it has an
//! error: a checker error, or a lint at `deny` (every warning with `--deny warnings`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{collect_files, read_source, EXIT_INPUT, EXIT_OK};
use clause::{Diagnostics, Level, LintConfig, Source};

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    Sarif,
}

/// What `--deny` may make errors of.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum DenyWhat {
    Warnings,
}

/// The version of the JSON this command writes (docs/schema/check.schema.json).
const FORMAT_VERSION: u32 = 1;

pub struct LintOptions {
    pub deny_warnings: bool,
    pub config: Option<PathBuf>,
    pub show_info: bool,
    pub enabled: bool,
    /// `--page`: the merchant's page to hold every policy against (otherwise
    /// each policy's own `# clause: page "..."`).
    pub page: Option<PathBuf>,
}

/// Settings for each directory's nearest clause.toml, read once.
struct Configs {
    explicit: Option<LintConfig>,
    found: HashMap<PathBuf, LintConfig>,
    deny_warnings: bool,
}

impl Configs {
    fn for_file(&mut self, file: &Path) -> Result<LintConfig, String> {
        if let Some(c) = &self.explicit {
            return Ok(c.clone());
        }
        let Some(path) = LintConfig::find(file) else {
            return Ok(LintConfig {
                deny_warnings: self.deny_warnings,
                ..LintConfig::default()
            });
        };
        if let Some(c) = self.found.get(&path) {
            return Ok(c.clone());
        }
        let c = read_config(&path, self.deny_warnings)?;
        self.found.insert(path, c.clone());
        Ok(c)
    }
}

fn read_config(path: &Path, deny_warnings: bool) -> Result<LintConfig, String> {
    let mut c = LintConfig::read(path)?;
    c.deny_warnings = deny_warnings;
    Ok(c)
}

/// Parses, checks and (when asked) lints one policy, against its merchant's
/// page when there is one: every diagnostic, in source order.
fn diagnose(source: &Source, config: Option<&LintConfig>, page: Option<&str>) -> Diagnostics {
    match (clause::Policy::from_source(source.clone()), config) {
        (Err(clause::LoadError::Invalid(d)), _) => *d,
        (Err(clause::LoadError::Io { .. }), _) | (Ok(_), None) => {
            Diagnostics::new(source.clone(), Vec::new())
        }
        (Ok(policy), Some(c)) => policy.lint_diagnostics(c, page),
    }
}

/// The merchant's page for a policy file: `--page`, or the page its text
/// declares (relative to its folder); `Ok(None)` when there is none.
fn page_for(file: &Path, text: &str, given: Option<&Path>) -> Result<Option<String>, String> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => match clause::declared_page(text) {
            Some(page) => file.parent().unwrap_or(Path::new("")).join(page),
            None => return Ok(None),
        },
    };
    std::fs::read_to_string(&path)
        .map(Some)
        .map_err(|e| format!("cannot read the page {}: {e}", path.display()))
}

pub fn run(paths: &[PathBuf], format: CheckFormat, opts: &LintOptions) -> i32 {
    let (mut files, mut problems) = collect_files(paths, ".policy");
    let explicit = match &opts.config {
        Some(p) => match read_config(p, opts.deny_warnings) {
            Ok(c) => Some(c),
            Err(e) => {
                // Nothing is checked as asked; the machine formats still say why.
                problems.push(e);
                files.clear();
                None
            }
        },
        None => None,
    };
    let mut configs = Configs {
        explicit,
        found: HashMap::new(),
        deny_warnings: opts.deny_warnings,
    };
    let mut reports: Vec<Diagnostics> = Vec::new();
    // The versions of each folder's policies: two files of one name must take
    // effect on different days.
    let mut versions: HashMap<PathBuf, clause::PolicySet> = HashMap::new();
    let mut failed = 0usize;
    let mut warnings = 0usize;
    for f in &files {
        let source = match read_source(f) {
            Ok(s) => s,
            Err(e) => {
                // Checked and found wanting: the summary counts it.
                failed += 1;
                problems.push(e);
                continue;
            }
        };
        // A policy read from standard input takes the settings and the page of
        // its `--stdin-filename`.
        let named = if f.as_os_str() == "-" {
            Path::new(super::stdin_name())
        } else {
            f.as_path()
        };
        let config = if opts.enabled {
            match configs.for_file(named) {
                Ok(c) => Some(c),
                Err(e) => {
                    // The file is not checked as configured: it fails, and the
                    // broken clause.toml is named once.
                    failed += 1;
                    if !problems.contains(&e) {
                        problems.push(e);
                    }
                    continue;
                }
            }
        } else {
            None
        };
        let page = if config.is_some() {
            match page_for(named, &source.text, opts.page.as_deref()) {
                Ok(p) => p,
                Err(e) => {
                    failed += 1;
                    problems.push(e);
                    continue;
                }
            }
        } else {
            None
        };
        let mut diags = diagnose(&source, config.as_ref(), page.as_deref());
        // Notes are for people who ask: not drawn, not annotated on every pull
        // request, and not code-scanning alerts that stay open until "fixed".
        if format != CheckFormat::Json && !opts.show_info {
            diags.items.retain(|d| d.level != Level::Info);
        }
        let mut errors = diags
            .items
            .iter()
            .filter(|d| d.level == Level::Error)
            .count();
        if errors == 0 {
            if let Ok(policy) = clause::Policy::from_source(source.clone()) {
                let folder = f.parent().unwrap_or(Path::new("")).to_path_buf();
                if let Err(conflict) = versions.entry(folder).or_default().add(policy) {
                    problems.push(format!("{}: {conflict}", f.display()));
                    errors += 1;
                }
            }
        }
        let warns = diags
            .items
            .iter()
            .filter(|d| d.level == Level::Warning)
            .count();
        warnings += warns;
        if errors > 0 {
            failed += 1;
        }
        if format == CheckFormat::Human {
            let status = if errors > 0 { "error" } else { "ok   " };
            match warns {
                0 => outln!("{status} {}", diags.source.name),
                1 => outln!("{status} {} (1 warning)", diags.source.name),
                n => outln!("{status} {} ({n} warnings)", diags.source.name),
            }
            if !diags.items.is_empty() {
                out!(
                    "{}",
                    super::style::render(&diags, super::style::Stream::Stdout)
                );
            }
        }
        if !diags.items.is_empty() {
            reports.push(diags);
        }
    }
    if files.is_empty() && problems.is_empty() {
        problems.push("no .policy files found".into());
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    let n = files.len();
    match format {
        CheckFormat::Human => outln!(
            "checked {n} {}: {failed} with errors, {warnings} {}",
            if n == 1 { "policy" } else { "policies" },
            if warnings == 1 { "warning" } else { "warnings" }
        ),
        CheckFormat::Json => {
            let diagnostics: Vec<serde_json::Value> =
                reports.iter().flat_map(Diagnostics::to_json).collect();
            let omitted: usize = reports.iter().map(|d| d.omitted).sum();
            let out = serde_json::json!({
                "format_version": FORMAT_VERSION,
                "checked": n,
                "failed": failed,
                "warnings": warnings,
                "omitted": omitted,
                "errors": problems,
                "diagnostics": diagnostics,
            });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        CheckFormat::Github => {
            for diags in &reports {
                for d in &diags.items {
                    let span = d.span();
                    let (line, col) = diags.source.line_col(span.start);
                    let (end_line, end_col) = diags.source.line_col(span.end);
                    let mut message = d.message.clone();
                    if let Some(h) = d.help_text() {
                        message.push_str("\nhelp: ");
                        message.push_str(&h);
                    }
                    let command = match d.level {
                        Level::Error => "error",
                        Level::Warning => "warning",
                        Level::Info => "notice",
                    };
                    outln!(
                        "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                        github_property(&diags.source.name),
                        github_property(d.code.as_str()),
                        github_data(&message)
                    );
                }
            }
        }
        CheckFormat::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&super::sarif::log(&reports, &problems))
                .unwrap_or_default()
        ),
    }
    if failed > 0 || !problems.is_empty() {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// A workflow command's message: `%`, CR and LF escaped as GitHub expects.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}
