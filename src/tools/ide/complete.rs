//! Completions by context, read from the text before the cursor with the
//! forgiving scan ([`super::lex`]), so that they work while the file does not parse:
//!
//! - after a path's dot: the fields of that path (`item.condition.` offers `opened`, ...);
//! - after `within`, `after`, `before`, `deadline`: windows;
//! - after `fee`, `deduct`: fee names; after `paid by`: payers;
//! - after `requires evidence`: evidence codes;
//! - after `FACT is`, `has`, `is one of (`: the codes valid for that fact (its
//!   list, or the codes the file compares it with elsewhere);
//! - after a number: units of time and weight; after `currency` or `in`: currencies;
//! - after `holidays`, and inside its quotes: bundled calendars; after `weekend`: weekdays;
//! - after `rules for`: claim kinds; after a rule's decision: remedies;
//! - in a `# clause: allow(` comment: lint names;
//! - elsewhere: keywords, thresholds, tables, fact paths, and snippets for a rule
//!   and a window at the start of a line.

use super::lex::{Token, TokenKind};
use super::Analysis;
use crate::language::check::types::{CodeDomain, Ty};
use crate::language::check::vocab;
use crate::language::source::Span;

/// What a completion is, for the editor's icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// A keyword of the language.
    Keyword,
    /// A fact (`order.placed_at`, `facts.NAME`).
    Fact,
    /// A field of a claim.
    Field,
    /// A window.
    Window,
    /// A threshold.
    Threshold,
    /// A table.
    Table,
    /// A fee.
    Fee,
    /// A code of a fact's list.
    Code,
    /// A unit of weight.
    Unit,
    /// A declaration or rule to fill in.
    Snippet,
    /// A lint name.
    Lint,
}

/// One completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// A few words on it: a type, a meaning.
    pub detail: String,
    /// The text to insert; with `snippet`, in the editors' snippet syntax (`${1:name}`).
    pub insert: String,
    /// Whether `insert` is a snippet.
    pub snippet: bool,
    /// The text the insertion replaces: the part of the word already typed.
    pub replace: Span,
}

/// Names declared in the text, found by the forgiving scan.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    /// Window names.
    pub windows: Vec<String>,
    /// Threshold names.
    pub thresholds: Vec<String>,
    /// Table names.
    pub tables: Vec<String>,
    /// Fees declared with `fees`.
    pub fees: Vec<String>,
    /// Declared facts, with the codes their declaration lists.
    pub facts: Vec<(String, Vec<String>)>,
    /// Rule names.
    pub rules: Vec<String>,
    /// Codes the text compares a fact with: (path, code).
    pub codes: Vec<(String, String)>,
}

fn significant(tokens: &[Token]) -> Vec<Token> {
    tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .copied()
        .collect()
}

/// The declarations and code comparisons of any text, parsed or not.
pub fn declared(text: &str, tokens: &[Token]) -> Declared {
    let toks = significant(tokens);
    let word = |i: usize| toks.get(i).map_or("", |t| t.text(text));
    let kind = |i: usize| toks.get(i).map(|t| t.kind);
    let mut d = Declared::default();
    for i in 0..toks.len() {
        let next_is_name = kind(i + 1) == Some(TokenKind::Word);
        let name = word(i + 1).to_string();
        match word(i) {
            "window" if next_is_name => d.windows.push(name),
            "threshold" if next_is_name => d.thresholds.push(name),
            "table" if next_is_name => d.tables.push(name),
            "rule" | "otherwise" if next_is_name && word(i + 2) == ":" => d.rules.push(name),
            "fact" if next_is_name => {
                let mut codes = Vec::new();
                if word(i + 4) == "(" {
                    let mut j = i + 5;
                    while kind(j) == Some(TokenKind::Word) {
                        codes.push(word(j).to_string());
                        j += if word(j + 1) == "," { 2 } else { 1 };
                    }
                }
                d.facts.push((name, codes));
            }
            "fees" => {
                let mut j = i + 1;
                while kind(j) == Some(TokenKind::Word) {
                    d.fees.push(word(j).to_string());
                    if word(j + 1) != "," {
                        break;
                    }
                    j += 2;
                }
            }
            "is" | "has" if kind(i.wrapping_sub(1)) == Some(TokenKind::Path) => {
                let path = word(i - 1).to_string();
                let mut j = i + 1;
                while matches!(word(j), "not" | "one" | "any" | "all" | "of") {
                    j += 1;
                }
                if word(j) == "(" {
                    j += 1;
                    while kind(j) == Some(TokenKind::Word) {
                        d.codes.push((path.clone(), word(j).to_string()));
                        j += if word(j + 1) == "," { 2 } else { 1 };
                    }
                } else if kind(j) == Some(TokenKind::Word)
                    // `is set`, and a half-typed `is` followed by the next clause's word.
                    && !matches!(word(j), "set" | "missing" | "and" | "or" | "else")
                {
                    d.codes.push((path, word(j).to_string()));
                }
            }
            _ => {}
        }
    }
    d
}

/// Keywords offered where an expression or a clause may start.
const KEYWORDS: &[&str] = &[
    "when",
    "unless",
    "requires evidence",
    "refund",
    "deduct",
    "fee",
    "deadline",
    "and",
    "or",
    "not",
    "is set",
    "is missing",
    "is one of",
    "is not",
    "has",
    "has any of",
    "has all of",
    "within",
    "after",
    "before",
    "between",
    "else",
    "true",
    "false",
    "window",
    "threshold",
    "table",
    "fact",
    "fees",
    "rules for",
    "rule",
    "otherwise",
    "currency",
    "timezone",
    "calendar",
    "jurisdictions",
];

const TIME_UNITS: &[&str] = &["days", "business days", "hours", "weeks", "months"];
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const RULE_SNIPPET: &str = "rule ${1:name}: ${2|approve,deny,review|}\n  \"${3:the policy's words}\"\n  when ${4:condition}";
const WINDOW_SNIPPET: &str = "window ${1:name} = ${2:30} days from ${3:order.delivered_at}";

impl Analysis {
    /// Completions at `offset`.
    pub fn completions(&self, offset: usize) -> Vec<Completion> {
        let text = self.text();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // Inside a comment or a string.
        if let Some(t) = self
            .tokens
            .iter()
            .find(|t| t.span.start < offset && offset <= t.span.end)
        {
            match t.kind {
                TokenKind::Comment => return lint_names(text, t.span.start, offset),
                TokenKind::String => {
                    let closed = t.span.end - t.span.start >= 2 && t.text(text).ends_with('"');
                    if offset < t.span.end || !closed {
                        return self.calendars_in_quotes(t);
                    }
                }
                _ => {}
            }
        }
        let line_start = text
            .get(..offset)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let typed_start = text
            .get(..offset)
            .unwrap_or("")
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |i| i + 1);
        let typed = text.get(typed_start..offset).unwrap_or("");
        let declared = declared(text, &self.tokens);
        if let Some(dot) = typed.rfind('.') {
            let base = typed.get(..=dot).unwrap_or("");
            let replace = Span::new(typed_start + dot + 1, offset);
            return fields(base, &declared, replace);
        }
        let replace = Span::new(typed_start, offset);
        // The tokens before the word being typed, on its line and before.
        let before: Vec<&Token> = self
            .tokens
            .iter()
            .filter(|t| t.span.end <= typed_start && t.kind != TokenKind::Comment)
            .collect();
        let prev = |n: usize| {
            before
                .len()
                .checked_sub(n)
                .and_then(|i| before.get(i))
                .map_or("", |t| t.text(text))
        };
        let line: Vec<&str> = before
            .iter()
            .filter(|t| t.span.start >= line_start)
            .map(|t| t.text(text))
            .collect();
        let first = line.first().copied().unwrap_or("");
        let item = |label: &str, kind: CompletionKind, detail: &str| Completion {
            label: label.to_string(),
            kind,
            detail: detail.to_string(),
            insert: label.to_string(),
            snippet: false,
            replace,
        };
        let many = |labels: &mut dyn Iterator<Item = &str>, kind: CompletionKind, detail: &str| {
            labels.map(|l| item(l, kind, detail)).collect::<Vec<_>>()
        };
        let p1 = prev(1);
        // `deadline a, b`, `requires evidence x, y`, `weekend saturday, sunday`: a list goes on after a comma.
        let list_of = |word: &str| {
            line.contains(&word) && (p1 == "," || p1 == word) && !line.contains(&"when")
        };
        if matches!(p1, "within" | "after" | "before") || list_of("deadline") {
            return many(
                &mut declared.windows.iter().map(String::as_str),
                CompletionKind::Window,
                "window",
            );
        }
        if matches!(p1, "fee" | "deduct") {
            let fees = vocab::STANDARD_FEES
                .iter()
                .copied()
                .chain(declared.fees.iter().map(String::as_str));
            return many(&mut fees.into_iter(), CompletionKind::Fee, "fee");
        }
        if (p1 == "by" && prev(2) == "paid") || (p1 == "otherwise" && line.contains(&"fee")) {
            return many(
                &mut vocab::PAYERS.iter().copied(),
                CompletionKind::Code,
                "payer",
            );
        }
        if list_of("evidence") {
            return many(
                &mut vocab::EVIDENCE.iter().copied(),
                CompletionKind::Code,
                "evidence",
            );
        }
        if p1 == "for" && prev(2) == "rules" {
            return many(
                &mut vocab::CLAIM_KINDS.iter().copied(),
                CompletionKind::Code,
                "claim kind",
            );
        }
        if matches!(first, "rule" | "otherwise")
            && line.contains(&":")
            && (matches!(p1, "approve" | "deny" | "review")
                || (p1 == "or" && !line.contains(&"when")))
        {
            let mut out = many(
                &mut vocab::REMEDIES.iter().copied(),
                CompletionKind::Code,
                "remedy",
            );
            out.push(item("as requested", CompletionKind::Keyword, "keyword"));
            return out;
        }
        if matches!(p1, "currency" | "in") {
            return crate::language::money::Currency::all_codes()
                .into_iter()
                .map(|c| item(c, CompletionKind::Unit, "currency"))
                .collect();
        }
        if p1 == "holidays" || (p1 == "," && first == "holidays") {
            return crate::language::calendar::bundled()
                .into_iter()
                .map(|d| item(&format!("\"{}\"", d.code), CompletionKind::Code, d.name))
                .collect();
        }
        if list_of("weekend") {
            return many(
                &mut WEEKDAYS.iter().copied(),
                CompletionKind::Code,
                "weekday",
            );
        }
        if p1 == ":" && first == "fact" {
            return many(
                &mut crate::language::check::FACT_TYPES.iter().copied(),
                CompletionKind::Keyword,
                "type",
            );
        }
        if let Some(path) = tested_path(&before, text) {
            if matches!(p1, "is" | "not" | "has" | "(" | ",") {
                let mut out: Vec<Completion> = codes_for(&path, &declared)
                    .into_iter()
                    .map(|c| item(&c, CompletionKind::Code, &format!("code of {path}")))
                    .collect();
                if p1 == "is" {
                    for k in ["set", "missing", "not", "one of"] {
                        out.push(item(k, CompletionKind::Keyword, "keyword"));
                    }
                }
                if p1 == "has" {
                    for k in ["any of", "all of"] {
                        out.push(item(k, CompletionKind::Keyword, "keyword"));
                    }
                }
                return out;
            }
        }
        if before.last().is_some_and(|t| t.kind == TokenKind::Number) && !p1.contains('-') {
            let units = TIME_UNITS
                .iter()
                .map(|u| item(u, CompletionKind::Unit, "unit of time"))
                .chain(
                    crate::language::syntax::WEIGHT_UNITS
                        .iter()
                        .map(|u| item(u, CompletionKind::Unit, "unit of weight")),
                );
            return units.collect();
        }
        // Anywhere else: what may start a clause or a value.
        let mut out = Vec::new();
        if line.is_empty() {
            out.push(Completion {
                label: "rule".into(),
                kind: CompletionKind::Snippet,
                detail: "a rule with its quote and condition".into(),
                insert: RULE_SNIPPET.into(),
                snippet: true,
                replace,
            });
            out.push(Completion {
                label: "window".into(),
                kind: CompletionKind::Snippet,
                detail: "a window counted from an event".into(),
                insert: WINDOW_SNIPPET.into(),
                snippet: true,
                replace,
            });
        }
        out.extend(
            KEYWORDS
                .iter()
                .map(|k| item(k, CompletionKind::Keyword, "keyword")),
        );
        out.extend(
            declared
                .thresholds
                .iter()
                .map(|t| item(t, CompletionKind::Threshold, "threshold")),
        );
        out.extend(
            declared
                .tables
                .iter()
                .map(|t| item(t, CompletionKind::Table, "table")),
        );
        for root in ["order.", "item.", "claim.", "facts."] {
            out.push(item(root, CompletionKind::Fact, "facts of the claim"));
        }
        out.extend(
            ["claim_id", "as_of"]
                .iter()
                .map(|p| item(p, CompletionKind::Fact, "fact")),
        );
        out
    }
}

impl Analysis {
    /// Inside the quotes after `holidays` (`holidays "`, `holidays "K`, `"US", "`):
    /// the bundled calendars, each replacing the whole string. Elsewhere in a
    /// string, nothing.
    fn calendars_in_quotes(&self, string: &Token) -> Vec<Completion> {
        let text = self.text();
        let before: Vec<&Token> = self
            .tokens
            .iter()
            .filter(|t| t.span.end <= string.span.start && t.kind != TokenKind::Comment)
            .collect();
        // The list so far (names, dates and commas, over any number of lines),
        // and the word before it.
        let list = before
            .iter()
            .rev()
            .take_while(|t| {
                matches!(t.kind, TokenKind::String | TokenKind::Number) || t.text(text) == ","
            })
            .count();
        let head = before
            .len()
            .checked_sub(list + 1)
            .and_then(|i| before.get(i))
            .map_or("", |t| t.text(text));
        let p1 = before.last().map_or("", |t| t.text(text));
        if !(p1 == "holidays" || (p1 == "," && head == "holidays")) {
            return Vec::new();
        }
        crate::language::calendar::bundled()
            .into_iter()
            .map(|d| {
                let quoted = format!("\"{}\"", d.code);
                Completion {
                    label: quoted.clone(),
                    kind: CompletionKind::Code,
                    detail: d.name.to_string(),
                    insert: quoted,
                    snippet: false,
                    replace: string.span,
                }
            })
            .collect()
    }
}

/// The fields after `base` (`item.` offers `price`, `condition.`, ...).
fn fields(base: &str, declared: &Declared, replace: Span) -> Vec<Completion> {
    let mut out: Vec<Completion> = Vec::new();
    let mut add = |rest: &str, detail: String| {
        let (label, insert) = match rest.find('.') {
            Some(i) => {
                let seg = rest.get(..i).unwrap_or(rest);
                (seg.to_string(), format!("{seg}."))
            }
            None => (rest.to_string(), rest.to_string()),
        };
        if out.iter().any(|c| c.label == label) {
            return;
        }
        let (kind, detail) = if insert.ends_with('.') {
            (CompletionKind::Field, format!("{base}{insert}"))
        } else {
            (CompletionKind::Field, detail)
        };
        out.push(Completion {
            label,
            kind,
            detail,
            insert,
            snippet: false,
            replace,
        });
    };
    if base == "facts." {
        for (name, _) in &declared.facts {
            add(name, format!("facts.{name}: declared fact"));
        }
    }
    for info in vocab::VOCABULARY {
        if let Some(rest) = info.path.strip_prefix(base) {
            let optional = if info.optional { ", optional" } else { "" };
            add(rest, format!("{}{optional}", info.ty));
        }
    }
    out
}

/// The fact being tested by an `is`/`has` at the end of `before`: the last path
/// before the last `is` or `has` on the same line, when nothing but test words follow.
fn tested_path(before: &[&Token], text: &str) -> Option<String> {
    let mut i = before.len();
    while i > 0 {
        i -= 1;
        let t = before.get(i)?;
        let w = t.text(text);
        match t.kind {
            TokenKind::Path => return Some(w.to_string()),
            TokenKind::Word if matches!(w, "is" | "has" | "not" | "one" | "any" | "all" | "of") => {
            }
            TokenKind::Word
                if before
                    .get(i.wrapping_sub(1))
                    .is_some_and(|p| matches!(p.text(text), "(" | ",")) => {}
            TokenKind::Punct if matches!(w, "(" | ",") => {}
            _ => return None,
        }
    }
    None
}

/// The codes a fact may be compared with.
fn codes_for(path: &str, declared: &Declared) -> Vec<String> {
    if let Some(name) = path.strip_prefix("facts.") {
        if let Some((_, codes)) = declared.facts.iter().find(|(n, _)| n == name) {
            if !codes.is_empty() {
                return codes.clone();
            }
        }
    } else if let Some(info) = vocab::lookup(path) {
        let domain = match &info.ty {
            Ty::Code(d) | Ty::Codes(d) => Some(d),
            _ => None,
        };
        match domain {
            Some(CodeDomain::Fixed(list)) => return list.iter().map(|c| c.to_string()).collect(),
            Some(CodeDomain::Country) => {
                return vocab::COUNTRIES.iter().map(|c| c.to_string()).collect()
            }
            _ => {}
        }
    }
    // A free list: the codes the file already compares it with.
    let mut used: Vec<String> = declared
        .codes
        .iter()
        .filter(|(p, _)| p == path)
        .map(|(_, c)| c.clone())
        .collect();
    used.sort();
    used.dedup();
    used
}

/// Lint names inside `# clause: allow(`, `warn(`, `deny(` or `info(`.
fn lint_names(text: &str, comment_start: usize, offset: usize) -> Vec<Completion> {
    let before = text.get(comment_start..offset).unwrap_or("");
    let body = before.trim_start_matches('#').trim_start();
    let open = before.rfind('(');
    let inside = body.starts_with("clause:")
        && open.is_some()
        && before.rfind(')').is_none_or(|close| Some(close) < open);
    if !inside {
        return Vec::new();
    }
    let typed_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map_or(0, |i| i + 1);
    let replace = Span::new(comment_start + typed_start, offset);
    crate::tools::lint::Lint::ALL
        .iter()
        .map(|l| Completion {
            label: l.name().to_string(),
            kind: CompletionKind::Lint,
            detail: l.summary().to_string(),
            insert: l.name().to_string(),
            snippet: false,
            replace,
        })
        .collect()
}
