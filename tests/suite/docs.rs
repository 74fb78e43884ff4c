//! The examples in docs/ are executed: every ```policy block must check clean,
//! every ```policy-error block must fail with the code its first line names.

use clause::Source;

use super::support::{files, root};

/// (tag, first line number, text) of each fenced block tagged policy or policy-error.
pub(crate) fn blocks(markdown: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None => {
                if let Some(tag) = trimmed.strip_prefix("```") {
                    let tag = tag.trim();
                    if tag == "policy" || tag == "policy-error" {
                        current = Some((tag.to_string(), n + 1, String::new()));
                    }
                }
            }
            Some((_, _, body)) => {
                if trimmed.starts_with("```") {
                    out.extend(current.take());
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn policy_examples_in_docs_check() {
    let mut docs = files(&root().join("docs"), ".md");
    docs.extend(files(&root().join("docs/policies"), ".md"));
    docs.push(root().join("README.md"));
    let mut count = 0;
    let mut failures = Vec::new();
    for doc in docs {
        let Ok(text) = std::fs::read_to_string(&doc) else {
            continue;
        };
        for (tag, line, body) in blocks(&text) {
            count += 1;
            let name = format!(
                "{}:{line}",
                doc.strip_prefix(root()).unwrap_or(&doc).display()
            );
            let result = clause::load(&Source::new(name.clone(), body.clone()));
            match (tag.as_str(), result) {
                ("policy", Err(d)) => {
                    failures.push(format!("{name}: does not check:\n{}", d.render(100)))
                }
                ("policy-error", Ok(_)) => {
                    failures.push(format!("{name}: checks clean but shows a mistake"))
                }
                ("policy-error", Err(d)) => {
                    let want = body
                        .lines()
                        .next()
                        .and_then(|l| l.strip_prefix("# expect:"))
                        .map(str::trim);
                    match want {
                        Some(code) if d.items.iter().any(|x| x.code.as_str() == code) => {}
                        Some(code) => failures
                            .push(format!("{name}: expected {code}, got:\n{}", d.render(100))),
                        None => failures.push(format!(
                            "{name}: a policy-error block starts with `# expect: CODE`"
                        )),
                    }
                }
                _ => {}
            }
        }
    }
    assert!(count >= 10, "only {count} policy examples found in docs/");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Each seed policy's sentence map names every rule, window, threshold and table
/// of the policy, so the map cannot fall behind the file.
#[test]
fn policy_maps_name_every_rule() {
    let mut missing = Vec::new();
    for name in ["imicro", "boutique", "imirror", "import-express", "imro"] {
        let map = std::fs::read_to_string(root().join(format!("docs/policies/{name}.md"))).unwrap();
        let policy = super::support::policy_file(&root().join(format!("policies/{name}.policy")));
        let mut names: Vec<&str> = policy
            .blocks
            .iter()
            .flat_map(|b| b.rules.iter().chain(b.otherwise.iter()))
            .map(|r| &*r.name)
            .collect();
        names.extend(policy.windows.iter().map(|w| &*w.name));
        names.extend(policy.thresholds.iter().map(|t| t.name.as_str()));
        names.extend(policy.tables.iter().map(|t| t.name.as_str()));
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let mentions = |n: &str| {
            map.match_indices(n).any(|(i, _)| {
                !is_word(map.get(..i).and_then(|s| s.chars().next_back()))
                    && !is_word(map.get(i + n.len()..).and_then(|s| s.chars().next()))
            })
        };
        for n in names {
            if !mentions(n) {
                missing.push(format!("docs/policies/{name}.md does not mention `{n}`"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The rendered pages in docs/policies are what `clause render` makes of the
/// policies now: the page and the engine cannot disagree.
#[test]
fn rendered_policy_pages_are_current() {
    use clause::tools::render::{render, RenderFormat};
    let mut stale = Vec::new();
    for name in ["imicro", "boutique", "imirror", "import-express", "imro"] {
        let path = root().join(format!("policies/{name}.policy"));
        let source = Source::new(
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        );
        let ast = clause::parse(&source).unwrap();
        let policy = clause::language::check::check(&ast, &source).unwrap();
        for (format, ext) in [(RenderFormat::Markdown, "md"), (RenderFormat::Html, "html")] {
            let page = root().join(format!("docs/policies/{name}.page.{ext}"));
            let committed = std::fs::read_to_string(&page).unwrap_or_default();
            let fresh = render(&ast, &policy, format);
            if committed != fresh {
                if std::env::var_os("CLAUSE_UPDATE_PAGES").is_some() {
                    std::fs::write(&page, &fresh).unwrap();
                } else {
                    stale.push(page.display().to_string());
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "rendered pages out of date (run `CLAUSE_UPDATE_PAGES=1 cargo test rendered_policy_pages` and review the diff): {stale:?}"
    );
}
