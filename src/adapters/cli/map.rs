//! `clause map POLICY [--page PAGE]`: the merchant's page beside the policy,
//! sentence by sentence.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clause::{PageMap, Policy};

use super::{load_policy, LoadError, EXIT_INPUT, EXIT_OK, EXIT_POLICY, WIDTH};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// Exit 1 when a quote is no longer on the page or a sentence is unaccounted
/// for (so `clause map` can gate CI on its own), 0 when all is accounted for.
pub fn run(policy_path: &Path, page: Option<&Path>, format: Format) -> i32 {
    let policy = match load_policy(policy_path) {
        Ok(p) => p,
        Err(LoadError::Io(e)) => {
            eprintln!("error: {e}");
            return EXIT_POLICY;
        }
        Err(LoadError::Policy(d)) => {
            eprint!("{}", d.render(WIDTH));
            return EXIT_POLICY;
        }
    };
    let page_path: PathBuf = match page
        .map(Path::to_path_buf)
        .or_else(|| policy.declared_page())
    {
        Some(p) => p,
        None => {
            eprintln!(
                "error: {} declares no page: give one with --page, or add a line \
                 `# clause: page \"page.txt\"` to the policy",
                policy_path.display()
            );
            return EXIT_INPUT;
        }
    };
    let page_text = match std::fs::read_to_string(&page_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", page_path.display());
            return EXIT_INPUT;
        }
    };
    let map = policy.map_page(&page_text);
    let text = match format {
        Format::Json => match serde_json::to_string_pretty(&json(&policy, &page_path, &map)) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: cannot write the map: {e}");
                return EXIT_INPUT;
            }
        },
        Format::Text => text(&policy, &page_path, &map),
        Format::Markdown => markdown(&policy, &page_path, &map),
    };
    out!("{text}");
    if map.stale().next().is_some() || map.unaccounted().next().is_some() {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

fn json(policy: &Policy, page: &Path, map: &PageMap) -> serde_json::Value {
    serde_json::json!({
        "format": "clause-map/1",
        "policy": policy.file_name(),
        "page": page.display().to_string(),
        "sentences": map.sentences,
        "quotes": map.quotes,
        "stale_not_policy": map.stale_not_policy,
        "summary": summary(map),
    })
}

fn summary(map: &PageMap) -> serde_json::Value {
    let count =
        |f: &dyn Fn(&clause::SentenceStatus) -> bool| map.sentences.iter().filter(|s| f(s)).count();
    serde_json::json!({
        "sentences": map.sentences.len(),
        "quoted": count(&|s| !s.quoted_by.is_empty()),
        "noted": count(&|s| s.note.is_some()),
        "headings": count(&|s| s.sentence.kind == clause::SentenceKind::Heading),
        "unaccounted": map.unaccounted().count(),
        "quotes": map.quotes.len(),
        "stale_quotes": map.stale().count(),
    })
}

fn status(s: &clause::SentenceStatus) -> String {
    if !s.quoted_by.is_empty() {
        s.quoted_by.join(", ")
    } else if let Some(note) = &s.note {
        let what = match note.kind {
            clause::NoteKind::NotPolicy => "not policy",
            clause::NoteKind::Covered => "covered",
        };
        match &note.reason {
            Some(why) => format!("{what}: {why}"),
            None => what.to_string(),
        }
    } else if s.sentence.kind == clause::SentenceKind::Heading {
        "heading".to_string()
    } else {
        "UNACCOUNTED FOR".to_string()
    }
}

fn text(policy: &Policy, page: &Path, map: &PageMap) -> String {
    let mut out = format!("{} beside {}\n\n", page.display(), policy.file_name());
    for s in &map.sentences {
        let _ = writeln!(out, "{:>4}  {}", s.sentence.line, s.sentence.text);
        let _ = writeln!(out, "      -> {}", status(s));
    }
    let stale: Vec<_> = map.stale().collect();
    if !stale.is_empty() {
        out.push_str("\nQuotes no longer on the page:\n");
        for q in stale {
            let _ = writeln!(
                out,
                "  {} ({}): \"{}\" (closest sentence {}% alike)",
                q.quote.at, q.quote.owner, q.quote.text, q.closeness
            );
        }
    }
    for n in &map.stale_not_policy {
        let _ = writeln!(out, "\nA page comment matches no sentence: \"{}\"", n.text);
    }
    let un = map.unaccounted().count();
    let _ = writeln!(
        out,
        "\n{} sentences: {} unaccounted for; {} quotes: {} not on the page",
        map.sentences.len(),
        un,
        map.quotes.len(),
        map.stale().count()
    );
    out
}

fn markdown(policy: &Policy, page: &Path, map: &PageMap) -> String {
    let mut out = format!(
        "## The page, sentence by sentence\n\n\
         <!-- generated by `clause map {policy} --format markdown` -->\n\n\
         Page: `{page}`. Each sentence with what accounts for it: the rules and \
         declarations of `{policy}` that quote it, a `not-policy` or `covered` comment \
         in the policy, or a heading.\n\n\
         | line | page | accounted for by |\n|---|---|---|\n",
        page = page.display(),
        policy = policy.file_name()
    );
    let cell = |t: &str| t.replace('|', "\\|");
    for s in &map.sentences {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            s.sentence.line,
            cell(&s.sentence.text),
            cell(&status(s))
        );
    }
    let stale: Vec<_> = map.stale().collect();
    if !stale.is_empty() {
        out.push_str("\n## Quotes no longer on the page\n\n");
        for q in stale {
            let _ = writeln!(
                out,
                "- `{}` ({}): \"{}\" ({}% alike)",
                q.quote.at,
                q.quote.owner,
                cell(&q.quote.text),
                q.closeness
            );
        }
    }
    out
}
