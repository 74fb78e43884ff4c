//! `clause lsp` end to end: the built binary, driven over standard input and
//! output by a JSON-RPC client, on the seed policies and broken copies of them.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::lsp_client::{apply, offset, position, uri, Client};
use super::support::root;

/// The seed policies' file names.
const SEEDS: [&str; 5] = [
    "imicro.policy",
    "boutique.policy",
    "imirror.policy",
    "import-express.policy",
    "imro.policy",
];

fn seed(name: &str) -> (String, String) {
    let path = root().join("policies").join(name);
    (uri(&path), std::fs::read_to_string(&path).unwrap())
}

/// A copy of imicro.policy that parses but does not check: a fact misspelt
/// (`claim.filed_att`) and `return_window` declared twice.
fn broken_imicro() -> String {
    let (_, text) = seed("imicro.policy");
    text.replace(
        "claim.filed_at within return_window",
        "claim.filed_att within return_window",
    )
    .replace(
        "  window label_validity",
        "  window return_window = 3 days from order.placed_at\n  window label_validity",
    )
}

/// A policy with a threshold nothing uses: one `unused-definition` finding.
const SPARE: &str = "policy p {\n  currency USD\n  timezone \"UTC\"\n  threshold spare = order.total > USD 10\n  rules for return {\n    otherwise no: deny \"No returns.\"\n  }\n}\n";

fn start() -> Client {
    Client::start(&root(), Value::Null)
}

/// A fresh folder under the system's temporary one, for files the server reads from disk.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clause-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether `offset` is in a comment (a `#` before it on its line).
fn in_comment(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].contains('#')
}

/// The position of the `n`th occurrence of `needle` outside comments (plus `delta` bytes).
fn at(text: &str, needle: &str, n: usize, delta: usize) -> Value {
    let (i, _) = text
        .match_indices(needle)
        .filter(|(i, _)| !in_comment(text, *i))
        .nth(n)
        .unwrap();
    position(text, i + delta)
}

/// Whether `text` holds `name` as a whole word.
fn has_word(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w == name)
}

/// The position of the `n`th use of `name` as a whole word (plus `delta` bytes).
fn word_at(text: &str, name: &str, n: usize, delta: usize) -> Value {
    let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let (i, _) = text
        .match_indices(name)
        .filter(|(i, _)| {
            !is_ident(text[..*i].chars().next_back())
                && !is_ident(text[i + name.len()..].chars().next())
                && !in_comment(text, *i)
        })
        .nth(n)
        .unwrap();
    position(text, i + delta)
}

fn doc_pos(uri: &str, p: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": p})
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn capabilities_cover_every_feature() {
    let c = start();
    let caps = &c.capabilities;
    for key in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "documentFormattingProvider",
        "documentRangeFormattingProvider",
    ] {
        assert_eq!(caps[key], true, "{key}");
    }
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert!(caps["completionProvider"]["triggerCharacters"]
        .as_array()
        .unwrap()
        .contains(&json!(".")));
    let legend = &caps["semanticTokensProvider"]["legend"]["tokenTypes"];
    assert_eq!(legend[0], "keyword");
    let stderr = c.shutdown();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn seed_policies_have_no_errors_and_lints_link_their_pages() {
    let mut c = start();
    for name in SEEDS {
        let (u, text) = seed(name);
        let diags = c.open(&u, &text);
        for d in &diags {
            assert_ne!(d["severity"], 1, "{name}: {d}");
            assert_eq!(d["source"], "clause");
            let code = d["code"].as_str().unwrap();
            let href = d["codeDescription"]["href"].as_str().unwrap();
            assert!(
                href.ends_with(&format!(
                    "docs/lints/{}.md",
                    code.trim_start_matches("clause::")
                )),
                "{href}"
            );
        }
    }
    c.shutdown();
}

#[test]
fn broken_copies_get_every_error_with_code_help_and_related_places() {
    let mut c = start();
    let (_, text) = seed("imicro.policy");
    let broken = broken_imicro();
    let diags = c.open("file:///broken/imicro.policy", &broken);
    let found = codes(&diags);
    assert!(found.contains(&"clause::unknown-fact".into()), "{found:?}");
    assert!(found.contains(&"clause::duplicate".into()), "{found:?}");
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "clause::unknown-fact")
        .unwrap();
    assert_eq!(unknown["severity"], 1);
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .contains("help: did you mean `claim.filed_at`?"));
    assert_eq!(
        unknown["range"]["start"],
        at(&broken, "claim.filed_att", 0, 0)
    );
    let duplicate = diags
        .iter()
        .find(|d| d["code"] == "clause::duplicate")
        .unwrap();
    let related = &duplicate["relatedInformation"][0];
    assert_eq!(related["message"], "first declared here");
    assert_eq!(
        related["location"]["range"]["start"],
        at(&broken, "return_window", 0, 0)
    );
    // A syntax error: the file does not parse, and the error says where.
    let half = text.replace("when item.category is digital", "when item.category is");
    let diags = c.open("file:///broken/half.policy", &half);
    assert_eq!(codes(&diags), vec!["clause::syntax"]);
    // It keeps an outline, read off its words: the declarations and the rules.
    let symbols = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///broken/half.policy"}}),
    );
    assert_eq!(symbols[0]["name"], "imicro", "{symbols}");
    let children = symbols[0]["children"].as_array().unwrap();
    let names: Vec<&str> = children
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"return_window") && names.contains(&"rules for return"),
        "{names:?}"
    );
    let block = children
        .iter()
        .find(|s| s["name"] == "rules for return")
        .unwrap();
    assert_eq!(block["children"].as_array().unwrap().len(), 12, "{block}");
    c.shutdown();
}

#[test]
fn clause_toml_and_comments_set_lint_levels() {
    let text = SPARE;
    let mut c = start();
    let plain = c.open("file:///nowhere/p.policy", text);
    assert!(
        codes(&plain).contains(&"clause::unused-definition".into()),
        "{plain:?}"
    );
    let commented = text.replace(
        "  threshold spare",
        "  # clause: allow(unused-definition)\n  threshold spare",
    );
    let quiet = c.open("file:///nowhere/q.policy", &commented);
    assert!(
        !codes(&quiet).contains(&"clause::unused-definition".into()),
        "{quiet:?}"
    );
    // clause.toml beside the file: `deny` makes the finding an error.
    let dir = temp_dir("toml");
    std::fs::write(
        dir.join("clause.toml"),
        "[lints]\nunused-definition = \"deny\"\n",
    )
    .unwrap();
    let path = dir.join("p.policy");
    std::fs::write(&path, text).unwrap();
    let denied = c.open(&uri(&path), text);
    let d = denied
        .iter()
        .find(|d| d["code"] == "clause::unused-definition")
        .unwrap();
    assert_eq!(d["severity"], 1);
    c.shutdown();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn hover_tells_facts_windows_thresholds_rules_and_fees() {
    let mut c = start();
    let (u, text) = seed("imicro.policy");
    c.open(&u, &text);
    let mut hover = |p: Value| {
        let r = c.result("textDocument/hover", doc_pos(&u, p));
        r["contents"]["value"].as_str().unwrap_or("").to_string()
    };
    let fact = hover(at(&text, "order.invoiced_at", 0, 3));
    assert!(fact.contains("a date or time"), "{fact}");
    assert!(fact.contains("optional"), "{fact}");
    assert!(fact.contains("When the order was invoiced"), "{fact}");
    let window = hover(at(&text, "within return_window", 0, 10));
    assert!(
        window.contains("window return_window = 30 days from order.invoiced_at"),
        "{window}"
    );
    assert!(
        window.contains(
            "For imicro.cases.json, case \"base-free-return\": the last day is **2023-10-01**"
        ),
        "{window}"
    );
    let threshold = hover(at(&text, "when free_label", 0, 6));
    assert!(
        threshold.contains("threshold free_label = item.weight is set and item.weight <= 30 lb"),
        "{threshold}"
    );
    let rule = hover(at(&text, "rule digital_final_sale", 0, 6));
    assert!(
        rule.contains("**rule `digital_final_sale`**: deny"),
        "{rule}"
    );
    assert!(
        rule.contains("> Digital Products: All sales of digital products are final"),
        "{rule}"
    );
    let fee = hover(at(&text, "fee return_shipping", 0, 5));
    assert!(
        fee.contains(
            "- `standard_return`: paid by merchant when `free_label`, otherwise by customer"
        ),
        "{fee}"
    );
    // Nothing to say about a keyword.
    let r = c.result(
        "textDocument/hover",
        doc_pos(&u, at(&text, "rules for", 0, 1)),
    );
    assert!(r.is_null());
    c.shutdown();
}

#[test]
fn definitions_references_and_symbols() {
    let mut c = start();
    let (u, text) = seed("imicro.policy");
    c.open(&u, &text);
    let def = c.result(
        "textDocument/definition",
        doc_pos(&u, at(&text, "within return_window", 0, 8)),
    );
    assert_eq!(def["uri"], u);
    assert_eq!(def["range"]["start"], at(&text, "return_window", 0, 0));
    let mut params = doc_pos(&u, at(&text, "window label_validity", 0, 8));
    params["context"] = json!({"includeDeclaration": true});
    let refs = c.result("textDocument/references", params);
    // The declaration, two tests in `label_expired`, and two `deadline` lists.
    assert_eq!(refs.as_array().unwrap().len(), 5, "{refs}");
    let symbols = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let policy = &symbols[0];
    assert_eq!(policy["name"], "imicro");
    let names: Vec<&str> = policy["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"return_window") && names.contains(&"rules for return"),
        "{names:?}"
    );
    let block = policy["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "rules for return")
        .unwrap();
    let rules: Vec<&str> = block["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(rules.first(), Some(&"sold_by_others"));
    assert_eq!(rules.last(), Some(&"window_closed"));
    assert_eq!(rules.len(), 12);
    // Workspace symbols come from every policy under the folder, open or not.
    let found = c.result("workspace/symbol", json!({"query": "standard_return"}));
    let files: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["location"]["uri"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("policies/imicro.policy")),
        "{files:?}"
    );
    c.shutdown();
}

fn labels(items: &Value) -> Vec<String> {
    let list = items
        .as_array()
        .or_else(|| items["items"].as_array())
        .unwrap();
    list.iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_by_context() {
    let mut c = start();
    let (_, seed_text) = seed("imicro.policy");
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "when item.condition.labels_intact is set",
            "item.condition.",
            &["opened", "labels_intact", "accessories_complete"],
        ),
        (
            "when claim.reason is one of (damaged_in_transit",
            "(",
            &["defective", "wrong_item"],
        ),
        (
            "fee return_shipping paid by merchant when free_label",
            "fee ",
            &["return_shipping", "restocking"],
        ),
        (
            "fee return_shipping paid by merchant when free_label",
            "paid by ",
            &["merchant", "customer"],
        ),
        (
            "when claim.filed_at within return_window",
            "within ",
            &["return_window", "label_validity"],
        ),
        (
            "requires evidence photos_packaging",
            "evidence ",
            &["photos_item", "order_number"],
        ),
        ("currency USD", "currency ", &["USD", "EUR", "KRW"]),
        (
            "window label_validity = 14 days",
            "14 ",
            &["days", "business days", "lb"],
        ),
        ("when item.category is digital", "is ", &["set", "missing"]),
    ];
    for (i, (line, after, expected)) in cases.iter().enumerate() {
        let u = format!("file:///complete/{i}.policy");
        let text = seed_text.clone();
        c.open(&u, &text);
        let start = text.find(line).unwrap_or_else(|| panic!("{line}"));
        let cursor = start + line.find(after).unwrap() + after.len();
        let items = c.result(
            "textDocument/completion",
            doc_pos(&u, position(&text, cursor)),
        );
        let got = labels(&items);
        for e in *expected {
            assert!(
                got.contains(&e.to_string()),
                "after `{after}` in `{line}`: {e} not in {got:?}"
            );
        }
    }
    // While typing: the file does not parse, and completions still come.
    let typing = seed_text.replace("when item.category is digital", "when item.condition.");
    c.open("file:///complete/typing.policy", &typing);
    let cursor = typing.find("when item.condition.").unwrap() + "when item.condition.".len();
    let items = c.result(
        "textDocument/completion",
        doc_pos("file:///complete/typing.policy", position(&typing, cursor)),
    );
    let got = labels(&items);
    assert!(
        got.contains(&"opened".to_string()) && !got.contains(&"price".to_string()),
        "{got:?}"
    );
    let edit = &items[0]["textEdit"];
    assert_eq!(edit["range"]["start"], position(&typing, cursor));
    // A blank line in a rules block offers the rule and window snippets; a lint comment, lint names.
    let blank = seed_text.replace(
        "\n    otherwise window_closed",
        "\n    \n    otherwise window_closed",
    );
    c.open("file:///complete/blank.policy", &blank);
    let cursor = blank.find("\n    \n").unwrap() + 5;
    let items = c.result(
        "textDocument/completion",
        doc_pos("file:///complete/blank.policy", position(&blank, cursor)),
    );
    let snippet = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "rule" && i["insertTextFormat"] == 2)
        .unwrap();
    assert!(snippet["textEdit"]["newText"]
        .as_str()
        .unwrap()
        .starts_with("rule ${1:name}"));
    let comment = seed_text.replace(
        "  rules for return {",
        "  # clause: allow(\n  rules for return {",
    );
    c.open("file:///complete/comment.policy", &comment);
    let cursor = comment.find("allow(").unwrap() + 6;
    let items = c.result(
        "textDocument/completion",
        doc_pos(
            "file:///complete/comment.policy",
            position(&comment, cursor),
        ),
    );
    assert!(labels(&items).contains(&"overlapping-outcomes".to_string()));
    c.shutdown();
}

#[test]
fn formatting_whole_and_range() {
    let mut c = start();
    let (_, text) = seed("boutique.policy");
    let messy = text
        .replace("  currency USD", "currency     USD")
        .replace("    rule jewelry: deny", "        rule    jewelry:   deny");
    let u = "file:///fmt/boutique.policy";
    c.open(u, &messy);
    let opts = json!({"tabSize": 2, "insertSpaces": true});
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": opts}),
    );
    let formatted = apply(&messy, edits.as_array().unwrap());
    let expected = clause::format_source(&clause::Source::new("b", messy.as_str())).unwrap();
    assert_eq!(formatted, expected);
    // Only the two changed lines are replaced, each whole: the lines between
    // them (and an editor's cursor and marks on them) are not touched.
    let changed: Vec<(u64, u64)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let r = &e["range"];
            assert_eq!(r["start"]["character"], 0, "{e}");
            assert_eq!(r["end"]["character"], 0, "{e}");
            (
                r["start"]["line"].as_u64().unwrap(),
                r["end"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let line_of = |needle: &str| messy[..messy.find(needle).unwrap()].matches('\n').count() as u64;
    let (currency, rule) = (line_of("currency     USD"), line_of("rule    jewelry"));
    assert_eq!(changed, [(currency, currency + 1), (rule, rule + 1)]);
    // A range over the rule only: the `currency` line stays as it is.
    let line = messy[..messy.find("rule    jewelry").unwrap()]
        .matches('\n')
        .count();
    let range =
        json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 5}});
    let edits = c.result(
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": u}, "range": range, "options": opts}),
    );
    let partly = apply(&messy, edits.as_array().unwrap());
    assert!(partly.contains("    rule jewelry: deny"), "{partly}");
    assert!(partly.contains("currency     USD"), "{partly}");
    // A formatted file needs no edits.
    let (su, seed_text) = seed("boutique.policy");
    c.open(&su, &seed_text);
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": su}, "options": opts}),
    );
    assert_eq!(edits, json!([]));
    c.shutdown();
}

/// The edits `textDocument/rangeFormatting` answers for `u` over lines and
/// columns `from` to `to`.
fn range_edits(c: &mut Client, u: &str, from: (u64, u64), to: (u64, u64)) -> Vec<Value> {
    let range = json!({
        "start": {"line": from.0, "character": from.1},
        "end": {"line": to.0, "character": to.1},
    });
    let opts = json!({"tabSize": 2, "insertSpaces": true});
    let r = c.result(
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": u}, "range": range, "options": opts}),
    );
    r.as_array().unwrap().clone()
}

fn line_range(from: u64, to: u64) -> Value {
    json!({"start": {"line": from, "character": 0}, "end": {"line": to, "character": 0}})
}

/// Only the changes that overlap the range: not the line before a range that
/// starts at a line's first column, nor the line a range ends at column 0 of, nor
/// lines inserted at the range's start or end.
#[test]
fn range_formatting_leaves_the_lines_that_only_meet_the_range_alone() {
    let mut c = start();
    let (_, text) = seed("imicro.policy");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert!(
        lines[24].starts_with("  window return_window"),
        "{}",
        lines[24]
    );
    assert!(
        lines[39].starts_with("    rule digital_final_sale"),
        "{}",
        lines[39]
    );
    // Line 24 indented wrongly.
    let u = "file:///range/indent.policy";
    let messy = text.replacen("  window return_window", "      window return_window", 1);
    c.open(u, &messy);
    assert_eq!(
        range_edits(&mut c, u, (25, 0), (25, 3)),
        Vec::<Value>::new()
    );
    assert_eq!(
        range_edits(&mut c, u, (23, 0), (24, 0)),
        Vec::<Value>::new()
    );
    assert_eq!(
        range_edits(&mut c, u, (25, 0), (25, 0)),
        Vec::<Value>::new()
    );
    let fix = json!([{"range": line_range(24, 25), "newText": lines[24]}]);
    for (from, to) in [((24, 0), (24, 3)), ((23, 0), (24, 1)), ((24, 6), (24, 6))] {
        let edits = range_edits(&mut c, u, from, to);
        assert_eq!(json!(edits), fix, "{from:?}-{to:?}");
    }
    // A cursor at the end of the line is still on it.
    let end = lines[24].len() as u64 + 3;
    assert_eq!(json!(range_edits(&mut c, u, (24, end), (24, end))), fix);
    // Two neighbouring lines indented wrongly: a range over one of them gets
    // that line's edit only, though the formatter changes both.
    let u2 = "file:///range/two.policy";
    let both: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| match i {
            24 | 25 => format!("  {l}"),
            _ => (*l).to_string(),
        })
        .collect();
    c.open(u2, &both);
    assert_eq!(json!(range_edits(&mut c, u2, (24, 0), (25, 0))), fix);
    let fix25 = json!([{"range": line_range(25, 26), "newText": lines[25]}]);
    assert_eq!(json!(range_edits(&mut c, u2, (25, 0), (26, 0))), fix25);
    // No blank line between two rules: the formatter inserts one before line 38.
    let u = "file:///range/blank.policy";
    let squeezed: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 38)
        .map(|(_, l)| *l)
        .collect();
    c.open(u, &squeezed);
    for (from, to) in [((38, 0), (39, 0)), ((37, 0), (38, 0)), ((38, 0), (38, 0))] {
        let edits = range_edits(&mut c, u, from, to);
        assert_eq!(edits, Vec::<Value>::new(), "{from:?}-{to:?}");
    }
    let edits = range_edits(&mut c, u, (37, 0), (39, 0));
    assert_eq!(
        json!(edits),
        json!([{"range": line_range(38, 38), "newText": "\n"}])
    );
    c.shutdown();
}

/// A document whose lines end with CRLF: formatting keeps them, so a formatted
/// one needs no edit and a messy one gets only its real changes; the quick fix
/// that allows a lint ends its comment line with CRLF too.
#[test]
fn formatting_and_fixes_keep_crlf_line_ends() {
    let mut c = start();
    let (_, text) = seed("imicro.policy");
    let crlf = text.replace('\n', "\r\n");
    let opts = json!({"tabSize": 2, "insertSpaces": true});
    let u = "file:///crlf/imicro.policy";
    c.open(u, &crlf);
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": opts}),
    );
    assert_eq!(edits, json!([]));
    assert_eq!(
        range_edits(&mut c, u, (0, 0), (200, 0)),
        Vec::<Value>::new()
    );
    // Line 24 indented wrongly: the one edit puts it back, with its CRLF.
    let u = "file:///crlf/indent.policy";
    let messy = crlf.replacen("  window return_window", "      window return_window", 1);
    c.open(u, &messy);
    let line = text
        .split_inclusive('\n')
        .nth(24)
        .unwrap()
        .replace('\n', "\r\n");
    let fix = json!([{"range": line_range(24, 25), "newText": line}]);
    assert_eq!(json!(range_edits(&mut c, u, (0, 0), (200, 0))), fix);
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": opts}),
    );
    assert_eq!(edits, fix);
    assert_eq!(apply(&messy, edits.as_array().unwrap()), crlf);
    // Allowing a lint with a comment.
    let u = "file:///crlf/lint.policy";
    let lint = SPARE.replace('\n', "\r\n");
    c.open(u, &lint);
    let at = lint.find("spare").unwrap();
    let list = actions(&mut c, u, &lint, at, at);
    let allow = list
        .iter()
        .find(|a| a["title"] == "Allow `unused-definition` for `spare` with a comment")
        .unwrap();
    let allowed = apply(&lint, &edits_of(allow, u));
    assert!(
        allowed.contains("\r\n  # clause: allow(unused-definition)\r\n  threshold spare"),
        "{allowed:?}"
    );
    c.shutdown();
}

fn actions(c: &mut Client, u: &str, text: &str, from: usize, to: usize) -> Vec<Value> {
    let range = json!({"start": position(text, from), "end": position(text, to)});
    let r = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range, "context": {"diagnostics": []}}),
    );
    r.as_array().unwrap().clone()
}

fn edits_of(action: &Value, u: &str) -> Vec<Value> {
    action["edit"]["changes"][u].as_array().unwrap().clone()
}

#[test]
fn code_actions_fix_what_the_diagnostics_say() {
    let mut c = start();
    let (_, text) = seed("imicro.policy");
    // Did you mean.
    let u = "file:///fix/typo.policy";
    let typo = text.replace(
        "when item.category is digital",
        "when item.categry is digital",
    );
    c.open(u, &typo);
    let at = typo.find("item.categry").unwrap();
    let list = actions(&mut c, u, &typo, at, at);
    let fix = list
        .iter()
        .find(|a| a["title"] == "Replace `item.categry` with `item.category`")
        .unwrap();
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "clause::unknown-fact");
    assert_eq!(apply(&typo, &edits_of(fix, u)), text);
    // The missing `else` for an optional fact read as a condition.
    let u = "file:///fix/else.policy";
    let bare = text.replace(
        "when item.condition.labels_intact is set and not item.condition.labels_intact",
        "when not item.condition.labels_intact",
    );
    let diags = c.open(u, &bare);
    assert!(
        codes(&diags).contains(&"clause::optional-not-handled".into()),
        "{diags:?}"
    );
    let at = bare.find("item.condition.labels_intact").unwrap();
    let list = actions(&mut c, u, &bare, at, at + 3);
    let titles: Vec<&str> = list.iter().map(|a| a["title"].as_str().unwrap()).collect();
    let fix = list
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .ends_with("`(item.condition.labels_intact else false)`")
        })
        .unwrap_or_else(|| panic!("{titles:?}"));
    let fixed = apply(&bare, &edits_of(fix, u));
    assert!(fixed.contains("when not (item.condition.labels_intact else false)"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert!(c.diagnostics(u, 2).iter().all(|d| d["severity"] != 1));
    // Allowing a lint with a comment above its rule makes the finding go.
    let u = "file:///fix/lint.policy";
    let lint = SPARE;
    c.open(u, lint);
    let at = lint.find("spare").unwrap();
    let list = actions(&mut c, u, lint, at, at);
    let allow = list
        .iter()
        .find(|a| a["title"] == "Allow `unused-definition` for `spare` with a comment")
        .unwrap();
    let allowed = apply(lint, &edits_of(allow, u));
    assert!(
        allowed.contains("\n  # clause: allow(unused-definition)\n  threshold spare"),
        "{allowed}"
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": allowed}]}),
    );
    assert_eq!(c.diagnostics(u, 2), Vec::<Value>::new());
    c.shutdown();
}

#[test]
fn rename_windows_thresholds_fees_and_rules() {
    let mut c = start();
    let (_, text) = seed("imro.policy");
    let u = "file:///rename/imro.policy";
    c.open(u, &text);
    for (name, new) in [
        ("report_window", "report_period"),
        ("free_shipping", "ships_free"),
    ] {
        let p = word_at(&text, name, 1, 2);
        let prep = c.result("textDocument/prepareRename", doc_pos(u, p.clone()));
        assert_eq!(prep["placeholder"], name);
        let mut params = doc_pos(u, p);
        params["newName"] = json!(new);
        let edit = c.result("textDocument/rename", params);
        let edits = edit["changes"][u].as_array().unwrap();
        let renamed = apply(&text, edits);
        assert_eq!(renamed.matches(new).count(), edits.len());
        // What is left of the old name is in comments.
        for line in renamed.lines().filter(|l| has_word(l, name)) {
            assert!(line.trim_start().starts_with('#'), "{name}: {line}");
        }
        clause::load(&clause::Source::new("r", renamed)).unwrap();
    }
    // A declared fee and a rule.
    let (_, ie) = seed("import-express.policy");
    let u2 = "file:///rename/ie.policy";
    c.open(u2, &ie);
    let fees_line = ie.find("\n  fees ").unwrap() + 8;
    let fee = ie[fees_line..]
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap()
        .to_string();
    let mut params = doc_pos(u2, position(&ie, fees_line + 1));
    params["newName"] = json!("renamed_fee");
    let edit = c.result("textDocument/rename", params);
    let renamed = apply(&ie, edit["changes"][u2].as_array().unwrap());
    assert!(
        !renamed.contains(&format!("{fee} ")) && !renamed.contains(&format!("{fee},")),
        "{fee}"
    );
    clause::load(&clause::Source::new("r", renamed)).unwrap();
    let rule_at = text.find("\n    rule ").unwrap() + 11;
    let mut params = doc_pos(u, position(&text, rule_at));
    params["newName"] = json!("first_rule");
    let edit = c.result("textDocument/rename", params);
    assert_eq!(edit["changes"][u].as_array().unwrap().len(), 1);
    // What cannot be renamed says why.
    let standard = c.request(
        "textDocument/prepareRename",
        doc_pos(u, at(&text, "order.placed_at", 0, 2)),
    );
    assert!(standard["error"]["message"]
        .as_str()
        .unwrap()
        .contains("fixed by the claim format"));
    let window = at(&text, "report_window", 0, 2);
    for (new, why) in [
        ("when", "word of the language"),
        ("dispatch", "already the name"),
    ] {
        let mut params = doc_pos(u, window.clone());
        params["newName"] = json!(new);
        let refused = c.request("textDocument/rename", params);
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{new}: {message}");
    }
    c.shutdown();
}

/// Semantic tokens decoded: (line, character, length, type, modifiers).
fn decode(data: &[Value]) -> Vec<(u64, u64, u64, u64, u64)> {
    let mut out = Vec::new();
    let (mut line, mut ch) = (0, 0);
    for t in data.chunks(5) {
        let n: Vec<u64> = t.iter().map(|v| v.as_u64().unwrap()).collect();
        line += n[0];
        ch = if n[0] == 0 { ch + n[1] } else { n[1] };
        out.push((line, ch, n[2], n[3], n[4]));
    }
    out
}

#[test]
fn semantic_tokens_and_non_ascii_lines() {
    let mut c = start();
    // A line with characters of 2, 3 and 4 bytes (1, 1 and 2 UTF-16 units) before a name.
    let text = "policy p {\n  currency USD\n  timezone \"UTC\"\n  window w = 30 days from order.placed_at\n  rules for return {\n    rule r: deny \"Café 한 😀\" when claim.filed_at after w\n    otherwise o: deny \"no\"\n  }\n}\n";
    let u = "file:///tokens/p.policy";
    let diags = c.open(u, text);
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");
    let uses = text.rfind(" w\n").unwrap() + 1;
    let p = position(text, uses);
    // "    rule r: deny \"Café 한 😀\" when claim.filed_at after " is 55 units long.
    assert_eq!(p, json!({"line": 5, "character": 55}));
    let def = c.result("textDocument/definition", doc_pos(u, p.clone()));
    assert_eq!(def["range"]["start"], json!({"line": 3, "character": 9}));
    let hover = c.result("textDocument/hover", doc_pos(u, p.clone()));
    assert_eq!(
        hover["range"],
        json!({"start": p, "end": {"line": 5, "character": 56}})
    );
    let tokens = c.result(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": u}}),
    );
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    let decoded = decode(data);
    let legend = clause::ide::tokens::LEGEND;
    let ty = |name: &str| legend.iter().position(|l| *l == name).unwrap() as u64;
    // The window where it is declared, and where it is used after the non-ASCII quote.
    assert!(
        decoded.contains(&(3, 9, 1, ty("function"), 1)),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(5, 55, 1, ty("function"), 0)),
        "{decoded:?}"
    );
    // The quote is one string token, its length in UTF-16 units.
    assert!(
        decoded.contains(&(5, 17, 11, ty("string"), 0)),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(3, 26, 15, ty("property"), 0)),
        "{decoded:?}"
    );
    // An edit given in UTF-16 positions lands where it should on that line.
    let start = position(text, text.find("after w").unwrap());
    let end = position(text, text.find("after w").unwrap() + 5);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"range": {"start": start, "end": end}, "text": "before"}]}),
    );
    assert!(c.diagnostics(u, 2).iter().all(|d| d["severity"] != 1));
    let hover = c.result(
        "textDocument/hover",
        doc_pos(u, json!({"line": 5, "character": 57})),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("window w"));
    c.shutdown();
}

/// A small deterministic generator (xorshift), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The random seeds of the edit test: each replays the same edits every run.
const EDIT_SEEDS: [u64; 3] = [0x2026_1206, 0x9e37_79b9_7f4a_7c15, 0x0123_4567_89ab_cdef];

#[test]
fn random_edits_of_seed_policies_never_stop_the_server() {
    const EDITS: usize = 40;
    let pieces = [
        "",
        " ",
        "\n",
        "when ",
        "item.",
        "item.condition.",
        "(",
        ")",
        "\"",
        "\"x\"",
        "#",
        "é",
        "😀",
        "}",
        "{",
        "rule x: ",
        "window w = ",
        "30 days",
        "USD 1",
        ",",
        ":",
        "else ",
        "is ",
        "2024-02-30",
        "otherwise",
        "\r\n",
        "\t",
        "fee ",
        "% ",
        "&",
        "\\",
    ];
    let mut c = start();
    for seed_value in EDIT_SEEDS {
        let mut rng = Rng(seed_value);
        for name in SEEDS {
            let (_, text) = seed(name);
            let u = format!("file:///fuzz/{seed_value:x}/{name}");
            c.open(&u, &text);
            let lines = text.lines().count() as u64 + 2;
            for version in 2..(EDITS as i64 + 2) {
                // Positions anywhere, past line ends and past the end of the text too.
                let pos = |rng: &mut Rng| json!({"line": rng.next() % lines, "character": rng.next() % 120});
                let ordered = |a: Value, b: Value| {
                    if (a["line"].as_u64(), a["character"].as_u64())
                        <= (b["line"].as_u64(), b["character"].as_u64())
                    {
                        (a, b)
                    } else {
                        (b, a)
                    }
                };
                let (start, end) = ordered(pos(&mut rng), pos(&mut rng));
                let piece = pieces[rng.below(pieces.len())];
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": u, "version": version}, "contentChanges": [{"range": {"start": start, "end": end}, "text": piece}]}),
                );
                if version % 6 != 0 {
                    continue;
                }
                let at = format!("{seed_value:x} {name} v{version}");
                let p = pos(&mut rng);
                for method in [
                    "textDocument/hover",
                    "textDocument/completion",
                    "textDocument/definition",
                    "textDocument/prepareRename",
                ] {
                    let r = c.request(method, doc_pos(&u, p.clone()));
                    // Requests may fail with a reason (a rename of nothing), never with a crash.
                    assert_ne!(r["error"]["code"], -32603, "{at} {method}: {r}");
                }
                let mut params = doc_pos(&u, p.clone());
                params["context"] = json!({"includeDeclaration": version % 12 == 0});
                let r = c.request("textDocument/references", params);
                assert!(r.get("error").is_none(), "{at} references: {r}");
                let mut params = doc_pos(&u, p.clone());
                params["newName"] = json!(["renamed", "when", "1x", "é"][rng.below(4)]);
                let r = c.request("textDocument/rename", params);
                assert_ne!(r["error"]["code"], -32603, "{at} rename: {r}");
                let options = json!({"tabSize": 2, "insertSpaces": true});
                for method in [
                    "textDocument/semanticTokens/full",
                    "textDocument/documentSymbol",
                    "textDocument/formatting",
                ] {
                    let r = c.request(
                        method,
                        json!({"textDocument": {"uri": u}, "options": options}),
                    );
                    assert!(r.get("error").is_none(), "{at} {method}: {r}");
                }
                let (from, to) = ordered(p.clone(), pos(&mut rng));
                let r = c.request(
                    "textDocument/rangeFormatting",
                    json!({"textDocument": {"uri": u}, "range": {"start": from, "end": to}, "options": options}),
                );
                assert!(r.get("error").is_none(), "{at} rangeFormatting: {r}");
                let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": u}, "range": {"start": p, "end": p}, "context": {"diagnostics": []}}));
                assert!(r.get("error").is_none(), "{at} codeAction: {r}");
                if version == 24 {
                    let query = ["", "return", "w", "é"][rng.below(4)];
                    let r = c.request("workspace/symbol", json!({"query": query}));
                    assert!(r.get("error").is_none(), "{at} workspace/symbol: {r}");
                }
            }
            // Every change was taken: the last version's diagnostics come.
            c.diagnostics(&u, EDITS as i64 + 1);
        }
    }
    let stderr = c.shutdown();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn offsets_round_trip_in_the_test_client() {
    let text = "a é😀\nb";
    for (i, _) in text.char_indices() {
        assert_eq!(offset(text, &position(text, i)), i);
    }
}

/// The library under the server, in-process: every seed policy cut short at many
/// places (a file being typed), every question asked at many offsets of each. Any
/// panic fails the test; each answer's spans must lie inside the text.
#[test]
fn ide_answers_everywhere_in_cut_seed_policies() {
    use clause::ide::Analysis;
    let config = clause::LintConfig::default();
    for name in SEEDS {
        let (_, text) = seed(name);
        let mut cut = 0;
        while cut <= text.len() {
            let end = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap();
            let part = &text[..end];
            let a = Analysis::new(clause::Source::new(name, part), &config, None);
            let inside = |s: clause::Span| s.start <= s.end && s.end <= part.len();
            for t in a.semantic_tokens() {
                assert!(inside(t.span));
            }
            for (s, _) in a.format_range(clause::Span::new(0, part.len() / 2)) {
                assert!(inside(s));
            }
            let mut offset = 0;
            while offset <= part.len() {
                if let Some(h) = a.hover(offset) {
                    assert!(inside(h.span));
                }
                for c in a.completions(offset) {
                    assert!(inside(c.replace), "{name} cut at {end}, offset {offset}");
                }
                assert!(a.definition(offset).is_none_or(inside));
                assert!(a.references(offset, true).into_iter().all(inside));
                let _ = a.prepare_rename(offset);
                for action in a.actions(clause::Span::new(offset, offset)) {
                    assert!(action.edits.iter().all(|(s, _)| inside(*s)));
                }
                offset += 37;
            }
            cut += 601;
        }
    }
}

/// The start of every range in a list of locations, in order.
fn starts(locations: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = locations
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"].clone())
        .collect();
    out.sort_by_key(|p| (p["line"].as_u64(), p["character"].as_u64()));
    out
}

/// Every whole-word use of `name` outside comments, in order.
fn every_word(text: &str, name: &str) -> Vec<Value> {
    let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(name)
        .filter(|(i, _)| {
            !is_ident(text[..*i].chars().next_back())
                && !is_ident(text[i + name.len()..].chars().next())
                && !in_comment(text, *i)
        })
        .map(|(i, _)| position(text, i))
        .collect()
}

#[test]
fn definitions_and_references_of_tables_fees_and_declared_facts() {
    let mut c = start();
    let (u, text) = seed("imro.policy");
    c.open(&u, &text);
    let refs = |c: &mut Client, u: &str, p: Value, decl: bool| {
        let mut params = doc_pos(u, p);
        params["context"] = json!({"includeDeclaration": decl});
        starts(&c.result("textDocument/references", params))
    };
    // A table: declared once, read once in the `free_shipping` threshold.
    let table_decl = at(&text, "table free_shipping_from", 0, 6);
    let table_use = at(&text, "(free_shipping_from else", 0, 1);
    let def = c.result(
        "textDocument/definition",
        doc_pos(&u, at(&text, "(free_shipping_from else", 0, 5)),
    );
    assert_eq!(def["uri"], u);
    assert_eq!(
        def["range"],
        json!({"start": table_decl, "end": at(&text, "table free_shipping_from", 0, 24)})
    );
    assert_eq!(
        refs(&mut c, &u, table_decl.clone(), true),
        vec![table_decl.clone(), table_use.clone()]
    );
    assert_eq!(refs(&mut c, &u, table_decl.clone(), false), vec![table_use]);
    // A declared fact: `fact NAME` and its one reading, `facts.NAME` (the name only).
    let fact_decl = at(&text, "fact damaged_intentionally", 0, 5);
    let fact_use = at(&text, "facts.damaged_intentionally", 0, 6);
    let def = c.result(
        "textDocument/definition",
        doc_pos(&u, at(&text, "facts.damaged_intentionally", 0, 10)),
    );
    assert_eq!(def["range"]["start"], fact_decl);
    assert_eq!(
        refs(&mut c, &u, fact_use.clone(), true),
        vec![fact_decl, fact_use]
    );
    // The rule of the same name is another symbol: its references are its own.
    let rule = at(&text, "rule damaged_intentionally", 0, 5);
    assert_eq!(refs(&mut c, &u, rule.clone(), true), vec![rule]);
    // A declared fee: the `fees` line and every rule that charges it.
    let (u2, ie) = seed("import-express.policy");
    c.open(&u2, &ie);
    let uses = every_word(&ie, "agency_service");
    assert_eq!(uses.len(), 8, "{uses:?}");
    let def = c.result("textDocument/definition", doc_pos(&u2, uses[5].clone()));
    assert_eq!(def["range"]["start"], at(&ie, "fees agency_service", 0, 5));
    assert_eq!(def["range"]["start"], uses[0]);
    assert_eq!(refs(&mut c, &u2, uses[3].clone(), true), uses);
    assert_eq!(
        refs(&mut c, &u2, uses[0].clone(), false),
        uses[1..].to_vec()
    );
    c.shutdown();
}

#[test]
fn hover_on_declared_facts_and_tables() {
    let mut c = start();
    let (u, text) = seed("imro.policy");
    c.open(&u, &text);
    let mut hover = |p: Value| {
        let r = c.result("textDocument/hover", doc_pos(&u, p));
        (
            r["contents"]["value"].as_str().unwrap().to_string(),
            r["range"].clone(),
        )
    };
    let (fact, range) = hover(at(&text, "facts.info_in_english", 0, 8));
    assert_eq!(
        fact,
        "```clause\nfact info_in_english: bool optional\n```\nRead as `facts.info_in_english`. A claim may leave it out: a rule that reads it says what absence means."
    );
    assert_eq!(
        range,
        json!({"start": at(&text, "facts.info_in_english", 0, 6), "end": at(&text, "facts.info_in_english", 0, 21)})
    );
    let (table, _) = hover(at(&text, "(free_shipping_from else", 0, 3));
    assert_eq!(
        table,
        "```clause\ntable free_shipping_from by order.destination.country {\n    US, MO: USD 130\n    AU, NZ: USD 150\n    JP: USD 110\n    SG, HK: USD 105\n    # \"EMS Others (free shipping from USD 130)\"\n    otherwise: USD 130\n  }\n```"
    );
    // A required declared fact says the claim must carry it.
    let required = "policy p {\n  currency USD\n  timezone \"UTC\"\n  fact tier: code (gold, silver)\n  rules for return {\n    rule gold: approve refund \"Gold members get refunds.\" when facts.tier is gold\n    otherwise no: deny \"No returns.\"\n  }\n}\n";
    let u2 = "file:///hover/required.policy";
    c.open(u2, required);
    let r = c.result(
        "textDocument/hover",
        doc_pos(u2, at(required, "facts.tier", 0, 7)),
    );
    assert_eq!(
        r["contents"]["value"],
        "```clause\nfact tier: code (gold, silver)\n```\nRead as `facts.tier`. Every claim must carry it, under `facts`."
    );
    c.shutdown();
}

/// The completions at the end of `marker` (its first occurrence) in `text`.
fn complete_at(c: &mut Client, u: &str, text: &str, marker: &str) -> Value {
    c.open(u, text);
    let cursor = text.find(marker).unwrap_or_else(|| panic!("{marker}")) + marker.len();
    c.result(
        "textDocument/completion",
        doc_pos(u, position(text, cursor)),
    )
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn completion_of_calendars_remedies_categories_keywords_and_the_window_snippet() {
    let mut c = start();
    let (_, imro) = seed("imro.policy");
    let calendars: Vec<String> = clause::language::calendar::bundled()
        .iter()
        .map(|d| format!("\"{}\"", d.code))
        .collect();
    assert!(calendars.contains(&"\"KR\"".to_string()) && calendars.len() > 10);
    // After `holidays `, after `holidays "` (typed), in `holidays ""` (closed by the
    // editor) and after `holidays "K`: every bundled calendar, replacing the quotes.
    for (i, typed) in ["holidays ", "holidays \"", "holidays \"\"", "holidays \"K"]
        .iter()
        .enumerate()
    {
        let text = imro.replace("holidays \"KR\"", typed);
        let u = format!("file:///complete/holidays{i}.policy");
        // In `holidays ""` the cursor is between the quotes.
        let marker = typed.strip_suffix('"').filter(|t| t.ends_with('"'));
        let items = complete_at(&mut c, &u, &text, marker.unwrap_or(typed));
        assert_eq!(sorted(labels(&items)), sorted(calendars.clone()), "{typed}");
        let kr = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["label"] == "\"KR\"")
            .unwrap();
        assert_eq!(kr["detail"], "Republic of Korea", "{kr}");
        let done = apply(&text, &[kr["textEdit"].clone()]);
        assert_eq!(done, imro, "{typed}");
    }
    // A list continued on the next line, after a name and a date: still calendars.
    let typed = "holidays \"KR\", 2023-12-29,\n      \"K";
    let text = imro.replace("holidays \"KR\"", typed);
    let items = complete_at(
        &mut c,
        "file:///complete/holidays-lines.policy",
        &text,
        typed,
    );
    assert_eq!(sorted(labels(&items)), sorted(calendars.clone()), "{typed}");
    // Inside any other string: nothing.
    let items = complete_at(
        &mut c,
        "file:///complete/quote.policy",
        &imro,
        "rule change_of_mind: deny\n      \"The",
    );
    assert_eq!(labels(&items), Vec::<String>::new());
    // After a rule's decision: the remedies, and `as requested`.
    let remedies = [
        "refund",
        "exchange",
        "store_credit",
        "reship",
        "repair",
        "cancel",
        "as requested",
    ];
    let expected = sorted(remedies.iter().map(|s| s.to_string()).collect());
    let items = complete_at(
        &mut c,
        "file:///complete/remedy.policy",
        &imro,
        "rule missing_item: approve ",
    );
    assert_eq!(sorted(labels(&items)), expected);
    let items = complete_at(
        &mut c,
        "file:///complete/remedy-or.policy",
        &imro,
        "damaged_or_wrong_item: approve refund or ",
    );
    assert_eq!(sorted(labels(&items)), expected);
    // `item.category` is a free list: the codes the file compares it with, and the tests.
    let (_, ie) = seed("import-express.policy");
    let items = complete_at(
        &mut c,
        "file:///complete/category.policy",
        &ie,
        "when item.category is one of (",
    );
    assert_eq!(sorted(labels(&items)), vec!["media", "software"]);
    let typed = ie.replace(
        "when item.category is one of (software, media)",
        "when item.category is  and item.category is one of (software, media)",
    );
    let items = complete_at(
        &mut c,
        "file:///complete/category-is.policy",
        &typed,
        "when item.category is ",
    );
    assert_eq!(
        sorted(labels(&items)),
        sorted(
            ["media", "software", "set", "missing", "not", "one of"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        )
    );
    // In a rule, on a line of its own after a condition: keywords, thresholds,
    // tables and fact roots; no snippet there (the line is not empty).
    let keywords_at = imro.replace(
        "      when to_china and order.total in CNY - (order.shipping_paid else CNY 0) > CNY 1000\n",
        "      when to_china and order.total in CNY - (order.shipping_paid else CNY 0) > CNY 1000\n      and \n",
    );
    let items = complete_at(
        &mut c,
        "file:///complete/keywords.policy",
        &keywords_at,
        "CNY 1000\n      and ",
    );
    let got = labels(&items);
    for e in [
        "when",
        "unless",
        "requires evidence",
        "deadline",
        "not",
        "is one of",
        "rules for",
        "free_shipping",
        "to_france",
        "free_shipping_from",
        "order.",
        "facts.",
    ] {
        assert!(got.contains(&e.to_string()), "{e} not in {got:?}");
    }
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["insertTextFormat"] != 2),
        "{items}"
    );
    // A blank line among the declarations: the window snippet, as it is written.
    let blank = imro.replace("\n  window dispatch", "\n  \n  window dispatch");
    c.open("file:///complete/window.policy", &blank);
    let cursor = blank.find("\n  \n").unwrap() + 3;
    let items = c.result(
        "textDocument/completion",
        doc_pos("file:///complete/window.policy", position(&blank, cursor)),
    );
    let snippet = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "window" && i["insertTextFormat"] == 2)
        .unwrap_or_else(|| panic!("{items}"));
    assert_eq!(
        snippet["textEdit"]["newText"],
        "window ${1:name} = ${2:30} days from ${3:order.delivered_at}"
    );
    assert_eq!(
        snippet["textEdit"]["range"],
        json!({"start": position(&blank, cursor), "end": position(&blank, cursor)})
    );
    c.shutdown();
}

#[test]
fn hover_definition_and_rename_answer_on_broken_copies() {
    let mut c = start();
    let (_, text) = seed("imicro.policy");
    let broken = broken_imicro();
    let u = "file:///broken/checks.policy";
    let diags = c.open(u, &broken);
    assert!(diags.iter().any(|d| d["severity"] == 1), "{diags:?}");
    // The window's hover: its definition (the first), and no example (nothing checks).
    let use_at = at(&broken, "within return_window", 0, 9);
    let hover = c.result("textDocument/hover", doc_pos(u, use_at.clone()));
    assert_eq!(
        hover["contents"]["value"],
        "```clause\nwindow return_window = 30 days from order.invoiced_at else order.placed_at,\n    extended to 2024-01-31 when order.placed_at between 2023-11-01 and 2023-12-31\n```"
    );
    let def = c.result("textDocument/definition", doc_pos(u, use_at.clone()));
    assert_eq!(def["range"]["start"], at(&broken, "return_window", 0, 0));
    // The threshold still resolves.
    let def = c.result(
        "textDocument/definition",
        doc_pos(u, at(&broken, "when free_label", 0, 6)),
    );
    assert_eq!(
        def["range"]["start"],
        at(&broken, "threshold free_label", 0, 10)
    );
    // Rename changes every use, the misspelt fact's line included, and nothing else.
    let mut params = doc_pos(u, at(&broken, "deadline label_validity", 0, 10));
    params["newName"] = json!("label_period");
    let edit = c.result("textDocument/rename", params);
    let renamed = apply(&broken, edit["changes"][u].as_array().unwrap());
    assert_eq!(
        renamed,
        broken
            .replace(" label_validity", " label_period")
            .replace(",label_validity", ",label_period")
    );
    assert!(every_word(&renamed, "label_validity").is_empty());
    // Once the typo and the duplicate are gone, the renamed file loads.
    let fixed = renamed
        .replace("claim.filed_att", "claim.filed_at")
        .replace("  window return_window = 3 days from order.placed_at\n", "");
    clause::load(&clause::Source::new("fixed", fixed)).unwrap();
    // A copy that does not parse: hover, definition and rename have no tree to
    // answer from, so they answer nothing (and say why, for rename).
    let half = text.replace("when item.category is digital", "when item.category is");
    let u = "file:///broken/syntax.policy";
    c.open(u, &half);
    let p = at(&half, "within return_window", 0, 9);
    assert_eq!(
        c.result("textDocument/hover", doc_pos(u, p.clone())),
        Value::Null
    );
    assert_eq!(
        c.result("textDocument/definition", doc_pos(u, p.clone())),
        Value::Null
    );
    let mut params = doc_pos(u, p);
    params["newName"] = json!("x");
    let refused = c.request("textDocument/rename", params);
    assert!(refused["error"]["message"].as_str().is_some(), "{refused}");
    // Typing the code back: the answers come back at the next version.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": text.clone()}]}),
    );
    c.diagnostics(u, 2);
    let hover = c.result(
        "textDocument/hover",
        doc_pos(u, at(&text, "within return_window", 0, 9)),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("```clause\nwindow return_window = 30 days from order.invoiced_at else"));
    c.shutdown();
}

/// The severity of the `unused-definition` finding, if there is one.
fn unused_severity(diags: &[Value]) -> Option<Value> {
    diags
        .iter()
        .find(|d| d["code"] == "clause::unused-definition")
        .map(|d| d["severity"].clone())
}

#[test]
fn a_changed_clause_toml_is_read_again_when_the_client_watches_files() {
    let dir = temp_dir("watch");
    let path = dir.join("p.policy");
    std::fs::write(&path, SPARE).unwrap();
    let toml = dir.join("clause.toml");
    let u = uri(&path);
    let watching = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut c = Client::start_with(&dir, Value::Null, watching);
    assert_eq!(unused_severity(&c.open(&u, SPARE)), Some(json!(2)));
    // A second open file in the same folder.
    let other = dir.join("q.policy");
    std::fs::write(&other, SPARE).unwrap();
    let uq = uri(&other);
    c.open(&uq, SPARE);
    // The server asked to be told of every clause.toml.
    assert_eq!(c.server_requests.len(), 1, "{:?}", c.server_requests);
    let register = &c.server_requests[0];
    assert_eq!(register["method"], "client/registerCapability");
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"],
        json!([{"globPattern": "**/clause.toml"}])
    );
    // Created, changed, deleted: each time the open file's diagnostics follow it.
    let changed = |c: &mut Client, content: Option<&str>, kind: i64| {
        match content {
            Some(text) => std::fs::write(&toml, text).unwrap(),
            None => std::fs::remove_file(&toml).unwrap(),
        }
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&toml), "type": kind}]}),
        );
        unused_severity(&c.next_diagnostics(&u))
    };
    let deny = "[lints]\nunused-definition = \"deny\"\n";
    assert_eq!(changed(&mut c, Some(deny), 1), Some(json!(1)));
    let allow = "[lints]\nunused-definition = \"allow\"\n";
    assert_eq!(changed(&mut c, Some(allow), 2), None);
    assert_eq!(changed(&mut c, None, 3), Some(json!(2)));
    // A clause.toml that does not read: the user is told, the defaults apply.
    assert_eq!(changed(&mut c, Some("[lints\n"), 1), Some(json!(2)));
    assert_eq!(unused_severity(&c.next_diagnostics(&uq)), Some(json!(2)));
    // Told once, though both open files read it.
    let told = c
        .notifications
        .iter()
        .filter(|n| {
            n["method"] == "window/showMessage"
                && n["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("the default lint levels apply")
        })
        .count();
    assert_eq!(told, 1, "{:?}", c.notifications);
    // Other files changing is no reason to analyse again.
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.join("notes.toml")), "type": 2}]}),
    );
    c.result("workspace/symbol", json!({"query": "spare"}));
    assert!(
        !c.notifications
            .iter()
            .any(|n| n["method"] == "textDocument/publishDiagnostics"),
        "{:?}",
        c.notifications
    );
    c.shutdown();
    // A client that cannot register watchers is not asked to.
    let mut plain = Client::start(&dir, Value::Null);
    plain.open(&u, SPARE);
    assert!(
        plain.server_requests.is_empty(),
        "{:?}",
        plain.server_requests
    );
    plain.shutdown();
    let _ = std::fs::remove_dir_all(dir);
}

/// A request body of `method` with `id` and `params`, as text.
fn request_body(id: Value, method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string()
}

#[test]
fn a_client_that_breaks_the_protocol_gets_its_error_answers_and_the_server_goes_on() {
    let mut c = Client::spawn();
    let code = |m: &Value| m["error"]["code"].as_i64();
    let symbols = json!({"query": "zzz"});
    // Before `initialize`: -32002.
    c.send_body(&request_body(json!(1), "workspace/symbol", symbols.clone()));
    assert_eq!(code(&c.next_answer()), Some(-32002));
    // An `initialize` whose parameters do not read: -32602, and another may follow.
    c.send_body(&request_body(
        json!(2),
        "initialize",
        json!({"capabilities": 5}),
    ));
    assert_eq!(code(&c.next_answer()), Some(-32602));
    let root = uri(&root());
    c.send_body(&request_body(
        json!(3),
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}}),
    ));
    let answer = c.next_answer();
    assert!(answer["result"]["capabilities"].is_object(), "{answer}");
    assert_eq!(answer["result"]["serverInfo"]["name"], "clause");
    // A notification before `initialized` is taken like any other.
    c.notify("$/setTrace", json!({"value": "off"}));
    c.notify("initialized", json!({}));
    // A body that is not JSON: -32700 with a null id.
    c.send_body("{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\"");
    let answer = c.next_answer();
    assert_eq!(code(&answer), Some(-32700), "{answer}");
    assert_eq!(answer["id"], Value::Null);
    // An id that is not an LSP integer: -32600 with that id, not silence.
    c.send_body(&request_body(
        json!(2147483648u64),
        "workspace/symbol",
        symbols.clone(),
    ));
    let answer = c.next_answer();
    assert_eq!(code(&answer), Some(-32600), "{answer}");
    assert_eq!(answer["id"], 2147483648u64);
    // A second `initialize`: -32600.
    c.send_body(&request_body(
        json!(5),
        "initialize",
        json!({"processId": null, "capabilities": {}}),
    ));
    assert_eq!(code(&c.next_answer()), Some(-32600));
    // Still answering.
    c.send_body(&request_body(json!(6), "workspace/symbol", symbols.clone()));
    let answer = c.next_answer();
    assert_eq!(answer["id"], 6);
    assert!(answer["result"].is_array(), "{answer}");
    // After `shutdown`, requests get -32600; `exit` then ends with 0.
    c.send_body(&request_body(json!(7), "shutdown", Value::Null));
    let answer = c.next_answer();
    assert_eq!(answer["id"], 7);
    assert!(answer.get("error").is_none(), "{answer}");
    c.send_body(&request_body(json!(8), "workspace/symbol", symbols));
    assert_eq!(code(&c.next_answer()), Some(-32600));
    c.notify("exit", Value::Null);
    let (exit, stderr) = c.exit_code();
    assert_eq!(exit, 0, "{stderr}");
}

#[test]
fn exit_without_shutdown_is_1_and_an_absurd_length_ends_the_connection_with_its_reason() {
    let mut c = Client::start(&root(), Value::Null);
    c.notify("exit", Value::Null);
    let (exit, stderr) = c.exit_code();
    assert_eq!(exit, 1, "{stderr}");
    // Before, a length near 2^64 panicked, and one of 8 GB was allocated
    // before any of the body arrived.
    for length in ["18446744073709551615", "8589934592"] {
        let mut c = Client::start(&root(), Value::Null);
        c.send_raw(format!("Content-Length: {length}\r\n\r\n{{}}").as_bytes());
        let (exit, stderr) = c.exit_code();
        assert_eq!(exit, 1, "{stderr}");
        assert!(stderr.contains("over the limit"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn semantic_tokens_end_before_a_crlf_and_a_long_line_costs_no_more_than_its_length() {
    let mut c = Client::start(&root(), Value::Null);
    let tokens = |c: &mut Client, uri: &str| -> Vec<u64> {
        let r = c.result(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        );
        r["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect()
    };
    // CRLF line ends: the comment is 7 characters long, not 8.
    let crlf = "file:///tmp/clause-crlf.policy";
    c.open(
        crlf,
        &SPARE
            .replace('\n', "\r\n")
            .replacen("policy", "# hello\r\npolicy", 1),
    );
    let data = tokens(&mut c, crlf);
    assert_eq!(&data[..3], [0, 0, 7], "{data:?}");
    // One line of 360 KB that is not ASCII: before, each token's position was
    // counted from the line's start, and no answer came in 120 s.
    let long = "file:///tmp/clause-long-line.policy";
    let text = format!(
        "policy p \"P\" {{ currency USD timezone \"UTC\" {}\n",
        "\"é.y \" ".repeat(45_000)
    );
    c.open(long, &text);
    let data = tokens(&mut c, long);
    assert!(data.len() >= 5 * 45_000, "{}", data.len());
    c.shutdown();
}

/// A file whose lines end with a carriage return alone: the one syntax error
/// sits where the editor shows the first such line's end. (Where LSP, which
/// counts a lone `\r` as a line break, and the server agree on later lines is
/// checked by `LineIndex`'s own tests: a refused file has no tokens or
/// symbols to place there.)
#[test]
fn lines_ended_by_a_carriage_return_alone_are_placed_as_the_editor_shows_them() {
    let mut c = start();
    let (u, text) = seed("imicro.policy");
    let cr = text.replace('\n', "\r");
    let diags = c.open(&u, &cr);
    assert_eq!(codes(&diags), ["clause::syntax"], "{diags:?}");
    let first_line = text.lines().next().unwrap();
    let at = json!({"line": 0, "character": first_line.encode_utf16().count()});
    assert_eq!(diags[0]["range"]["start"], at, "{:?}", diags[0]);
    assert!(diags[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("a carriage return alone breaks this line"));
    c.shutdown();
}
