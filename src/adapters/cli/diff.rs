//! `clause diff OLD NEW [--claims FILE]`: what changes between two versions of a policy.

use std::path::{Path, PathBuf};

use clause::{replay, Change, Replay};

use super::{read_source, EXIT_INPUT, EXIT_OK, EXIT_POLICY};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

/// What makes `clause diff` fail, for CI.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Guard {
    /// Some claim gets less money back (or none) under the new version.
    RefundDecrease,
    /// Some claim gets another decision.
    DecisionChange,
    /// Some fee changes payer.
    PayerChange,
    /// Any verdict changes at all.
    AnyChange,
}

/// The version of the JSON this command writes (docs/schema/diff.schema.json).
const FORMAT_VERSION: u32 = 1;

pub struct Options {
    pub old: PathBuf,
    pub new: PathBuf,
    pub claims: Option<PathBuf>,
    pub json_column: Option<String>,
    pub format: DiffFormat,
    pub fail_on: Vec<Guard>,
    pub examples: usize,
    pub threads: Option<u16>,
}

/// Reads, parses and checks one version; prints why it cannot be used.
fn load(path: &Path) -> Result<clause::Policy, i32> {
    let source = read_source(path).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_POLICY
    })?;
    clause::Policy::from_source(source).map_err(|e| {
        match e {
            clause::LoadError::Invalid(d) => {
                eprint!("{}", super::style::render(&d, super::style::Stream::Stderr))
            }
            clause::LoadError::Io { message, .. } => eprintln!("error: {message}"),
        }
        EXIT_POLICY
    })
}

pub fn run(o: &Options) -> i32 {
    let old = match load(&o.old) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let new = match load(&o.new) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let changes = clause::diff(&old, &new);
    let replayed = match &o.claims {
        None => None,
        Some(path) => {
            let threads = o.threads.map_or_else(
                || std::thread::available_parallelism().map_or(1, |n| n.get()),
                usize::from,
            );
            if path == Path::new("-") && super::STDIN_READ.load(std::sync::atomic::Ordering::SeqCst)
            {
                eprintln!(
                    "error: cannot read the claims from standard input: a policy was read from it"
                );
                return EXIT_INPUT;
            }
            let parquet = match super::parquet::claims(path, o.json_column.as_deref()) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_INPUT;
                }
            };
            let input: Box<dyn std::io::BufRead> = if let Some(rows) = parquet {
                Box::new(rows)
            } else if path == Path::new("-") {
                Box::new(std::io::BufReader::new(std::io::stdin().lock()))
            } else {
                match std::fs::File::open(path) {
                    Ok(f) => Box::new(std::io::BufReader::with_capacity(1 << 20, f)),
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", path.display());
                        return EXIT_INPUT;
                    }
                }
            };
            match replay(&old, &new, input, threads, o.examples) {
                Ok(r) => Some(r),
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_INPUT;
                }
            }
        }
    };
    let (old_name, new_name) = (o.old.display().to_string(), o.new.display().to_string());
    match o.format {
        DiffFormat::Human => human(&old_name, &new_name, &changes, replayed.as_ref()),
        DiffFormat::Markdown => markdown(&old_name, &new_name, &changes, replayed.as_ref()),
        DiffFormat::Json => {
            let out = serde_json::json!({
                "format_version": FORMAT_VERSION,
                "old": old_name,
                "new": new_name,
                "static": changes,
                "replay": replayed,
            });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    let tripped = guards_tripped(&o.fail_on, replayed.as_ref());
    for t in &tripped {
        eprintln!("error: --fail-on {t}");
    }
    if tripped.is_empty() {
        EXIT_OK
    } else {
        EXIT_INPUT
    }
}

fn guards_tripped(guards: &[Guard], r: Option<&Replay>) -> Vec<String> {
    let Some(r) = r else {
        return if guards.is_empty() {
            Vec::new()
        } else {
            vec!["needs --claims to replay".into()]
        };
    };
    let mut out = Vec::new();
    for g in guards {
        match g {
            Guard::RefundDecrease => {
                let less: u64 = r.money.iter().map(|m| m.claims_refunded_less).sum();
                if less > 0 {
                    out.push(format!(
                        "refund-decrease: {less} claims get less money back"
                    ));
                }
            }
            Guard::DecisionChange => {
                let n: u64 = r
                    .transitions
                    .iter()
                    .filter(|t| t.from != t.to)
                    .map(|t| t.count)
                    .sum();
                if n > 0 {
                    out.push(format!("decision-change: {n} claims get another decision"));
                }
            }
            Guard::PayerChange => {
                let n: u64 = r.payer_flips.iter().map(|f| f.count).sum();
                if n > 0 {
                    out.push(format!("payer-change: {n} fees change payer"));
                }
            }
            Guard::AnyChange => {
                if r.changed > 0 {
                    out.push(format!("any-change: {} verdicts change", r.changed));
                }
            }
        }
    }
    out
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    // Rounded to the nearest tenth, halves up (2 of 3 is 66.7%, not 66.6%),
    // but never to 100.0% when some did not change, nor to 0.0% when some did.
    let tenths = (u128::from(part) * 1000 + u128::from(whole) / 2) / u128::from(whole);
    let tenths = match (part, tenths) {
        (0, _) => 0,
        (_, 0) => 1,
        (p, 1000) if p < whole => 999,
        (_, t) => t,
    };
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn signed(d: rust_decimal::Decimal) -> String {
    if d.is_sign_negative() {
        d.to_string()
    } else {
        format!("+{d}")
    }
}

fn human(old: &str, new: &str, changes: &[Change], r: Option<&Replay>) {
    outln!("{old} -> {new}");
    if changes.is_empty() {
        outln!("no change in the file's windows, thresholds, tables, settings or rules");
    } else {
        outln!("changes in the file:");
        for c in changes {
            outln!("  {} `{}`: {}", c.what, c.name, c.change);
        }
    }
    let Some(r) = r else { return };
    outln!(
        "replayed {} claims: {} verdicts change ({})",
        r.claims,
        r.changed,
        percent(r.changed, r.claims)
    );
    if r.invalid_old + r.invalid_new > 0 {
        outln!(
            "  not valid claims: {} lines under the old version, {} under the new (`clause eval --claims` names each problem)",
            r.invalid_old,
            r.invalid_new
        );
    }
    if !r.transitions.is_empty() {
        outln!(
            "  {:<14} {:<14} {:>8}  rules (old -> new), examples",
            "from",
            "to",
            "claims"
        );
        for t in &r.transitions {
            let rules: Vec<String> = t.rules.iter().map(|(k, v)| format!("{k} ({v})")).collect();
            outln!(
                "  {:<14} {:<14} {:>8}  {}{}",
                t.from,
                t.to,
                t.count,
                rules.join(", "),
                examples("; e.g. ", &t.examples, "")
            );
        }
    }
    for m in &r.money {
        outln!(
            "refunds in {}: {} -> {} ({}); {} claims get more, {} get less{}",
            m.currency,
            m.old_total,
            m.new_total,
            signed(m.change),
            m.claims_refunded_more,
            m.claims_refunded_less,
            examples(" (e.g. ", &m.examples_less, ")")
        );
    }
    for f in &r.payer_flips {
        outln!(
            "fee {}: {} -> {} for {} claims{}",
            f.fee,
            f.from,
            f.to,
            f.count,
            examples(" (e.g. ", &f.examples, ")")
        );
    }
}

fn markdown(old: &str, new: &str, changes: &[Change], r: Option<&Replay>) {
    let cell = |s: &str| s.replace('|', "\\|");
    outln!("### Policy change: `{}` → `{}`\n", cell(old), cell(new));
    if changes.is_empty() {
        outln!("No change in the file's windows, thresholds, tables, settings or rules.\n");
    } else {
        outln!("| | name | change |\n|---|---|---|");
        for c in changes {
            outln!("| {} | `{}` | {} |", c.what, cell(&c.name), cell(&c.change));
        }
        outln!();
    }
    let Some(r) = r else { return };
    outln!(
        "**{} of {} claims ({}) get a different verdict.**\n",
        r.changed,
        r.claims,
        percent(r.changed, r.claims)
    );
    if r.invalid_old + r.invalid_new > 0 {
        outln!(
            "{} lines are not valid claims under the old version, {} under the new.\n",
            r.invalid_old,
            r.invalid_new
        );
    }
    if !r.transitions.is_empty() {
        outln!("| from | to | claims | rules (old → new) | examples |\n|---|---|---:|---|---|");
        for t in &r.transitions {
            let rules: Vec<String> = t
                .rules
                .iter()
                .map(|(k, v)| format!("`{}` ({v})", cell(k)))
                .collect();
            outln!(
                "| {} | {} | {} | {} | {} |",
                t.from,
                t.to,
                t.count,
                rules.join("<br>"),
                cell(&t.examples.join(", "))
            );
        }
        outln!();
    }
    if !r.money.is_empty() {
        outln!("| currency | refunds before | refunds after | change | claims refunded more | claims refunded less |\n|---|---:|---:|---:|---:|---:|");
        for m in &r.money {
            outln!(
                "| {} | {} | {} | {} | {} | {} |",
                m.currency,
                m.old_total,
                m.new_total,
                signed(m.change),
                m.claims_refunded_more,
                m.claims_refunded_less
            );
        }
        outln!();
    }
    if !r.payer_flips.is_empty() {
        outln!("| fee | payer before | payer after | claims | examples |\n|---|---|---|---:|---|");
        for f in &r.payer_flips {
            outln!(
                "| {} | {} | {} | {} | {} |",
                f.fee,
                f.from,
                f.to,
                f.count,
                cell(&f.examples.join(", "))
            );
        }
    }
}

/// ` (e.g. A, B)`, or nothing when there are no examples (`--examples 0`).
fn examples(before: &str, list: &[String], after: &str) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!("{before}{}{after}", list.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percent_rounds_but_never_to_all_or_none_falsely() {
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(163, 2000), "8.2%");
        assert_eq!(percent(1999, 2000), "99.9%");
        assert_eq!(percent(2000, 2000), "100.0%");
        assert_eq!(percent(1, 20001), "0.1%");
        assert_eq!(percent(0, 5), "0.0%");
        assert_eq!(percent(0, 0), "0%");
    }
}
