//! The page beside the policy (`clause map`, `clause check --page`): every seed
//! policy accounts for every sentence of its page, the sentence maps in
//! docs/policies are what `clause map` makes of them now, and a page edited by
//! legal fails the check.

use serde_json::Value;

use super::support::{root, run_clause};

const SEEDS: [&str; 5] = ["boutique", "imicro", "imirror", "import-express", "imro"];

#[test]
fn every_seed_page_is_fully_accounted_for() {
    for name in SEEDS {
        let policy = format!("policies/{name}.policy");
        let (code, out, err) = run_clause(&["map", &policy, "--format", "json"], None);
        assert_eq!(code, 0, "{name}: {err}\n{out}");
        let map: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(map["format"], "clause-map/1");
        assert_eq!(map["page"], format!("policies/{name}.page.txt"));
        assert_eq!(map["summary"]["unaccounted"], 0, "{name}");
        assert_eq!(map["summary"]["stale_quotes"], 0, "{name}");
        assert!(map["summary"]["quoted"].as_u64().unwrap() > 5, "{name}");
        // The page in the repository is the seed page, unchanged.
        let seed = std::fs::read_dir(root().join("../shared/seed-policies"))
            .ok()
            .and_then(|mut d| {
                d.find(|e| {
                    e.as_ref().is_ok_and(|e| {
                        e.file_name()
                            .to_string_lossy()
                            .starts_with(&format!("{name}-"))
                    })
                })
            })
            .and_then(Result::ok);
        if let Some(seed) = seed {
            assert_eq!(
                std::fs::read_to_string(seed.path()).unwrap(),
                std::fs::read_to_string(root().join(format!("policies/{name}.page.txt"))).unwrap(),
                "{name}: the page copy differs from the seed page"
            );
        }
    }
}

#[test]
fn the_sentence_maps_in_docs_are_generated_and_current() {
    for name in SEEDS {
        let policy = format!("policies/{name}.policy");
        let (code, generated, err) = run_clause(&["map", &policy, "--format", "markdown"], None);
        assert_eq!(code, 0, "{err}");
        let doc = std::fs::read_to_string(root().join(format!("docs/policies/{name}.md"))).unwrap();
        assert!(
            doc.contains(&generated),
            "docs/policies/{name}.md is not current: replace its section \
             \"The page, sentence by sentence\" with the output of \
             `clause map {policy} --format markdown`"
        );
        assert_eq!(
            doc.matches("## The page, sentence by sentence").count(),
            1,
            "docs/policies/{name}.md: the section's heading once"
        );
    }
}

/// A scratch copy of imicro with its page, the page edited by `edit`.
fn edited_imicro(edit: impl Fn(&str) -> String) -> tempdir::Dir {
    let dir = tempdir::Dir::new("map");
    std::fs::copy(
        root().join("policies/imicro.policy"),
        dir.path.join("imicro.policy"),
    )
    .unwrap();
    let page = std::fs::read_to_string(root().join("policies/imicro.page.txt")).unwrap();
    std::fs::write(dir.path.join("imicro.page.txt"), edit(&page)).unwrap();
    dir
}

#[test]
fn a_changed_number_on_the_page_fails_the_check_at_each_quote() {
    let dir = edited_imicro(|p| {
        p.replace(
            "within 30 days of the invoice date",
            "within 21 days of the invoice date",
        )
    });
    let policy = dir.path.join("imicro.policy");
    let policy = policy.to_str().unwrap();
    let (code, out, _) = run_clause(&["check", policy, "--format", "json"], None);
    assert_eq!(code, 1, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let stale: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "clause::quote-not-on-page")
        .collect();
    // The window's comment and the three rules that quote the sentence.
    assert_eq!(stale.len(), 4, "{out}");
    assert!(stale.iter().all(|d| d["severity"] == "error"));
    let (code, out, _) = run_clause(&["map", policy], None);
    assert_eq!(code, 1);
    assert!(out.contains("Quotes no longer on the page:"), "{out}");
    assert!(out.contains("rule standard_return"), "{out}");
}

#[test]
fn a_new_sentence_on_the_page_is_a_warning_naming_it() {
    let dir = edited_imicro(|p| format!("{p}\nStore credit never expires.\n"));
    let policy = dir.path.join("imicro.policy");
    let policy = policy.to_str().unwrap();
    let (code, out, _) = run_clause(&["check", policy], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("page-sentence-unaccounted"), "{out}");
    assert!(out.contains("Store credit never expires."), "{out}");
    let (code, _, _) = run_clause(&["check", policy, "--deny", "warnings"], None);
    assert_eq!(code, 1);
}

#[test]
fn small_edits_and_typographic_quotes_still_match() {
    let dir = edited_imicro(|p| {
        p.replace(
            "Any product \"sold and shipped\"",
            "Any product “sold & shipped”",
        )
        .replace("gather your purchases", "gather  your   purchases")
    });
    let policy = dir.path.join("imicro.policy");
    let (code, out, err) = run_clause(&["map", policy.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_policy_without_a_page_says_how_to_name_one() {
    let (code, _, err) = run_clause(&["map", "tests/hostile/shop.policy"], None);
    assert_eq!(code, 1);
    assert!(err.contains("# clause: page"), "{err}");
    let (code, out, _) = run_clause(
        &[
            "map",
            "tests/hostile/shop.policy",
            "--page",
            "policies/imicro.page.txt",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(out.contains("UNACCOUNTED FOR"), "{out}");
}

/// A scratch directory removed when dropped.
pub(crate) mod tempdir {
    pub struct Dir {
        pub path: std::path::PathBuf,
    }

    impl Dir {
        pub fn new(tag: &str) -> Dir {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "clause-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&path).unwrap();
            Dir { path }
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
