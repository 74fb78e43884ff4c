//! The page and the policy side by side (`clause map`): the merchant's page
//! split into sentences, each with the rules and declarations that quote it,
//! and each quote of the policy with whether it is still on the page.
//!
//! A policy quotes its page in two places: a rule's own words (its string
//! literals) and quoted text in the comment just above a declaration (a window,
//! a threshold, a fee). Sentences that are not policy (how to log in, payment
//! methods) are marked once, in the policy, with a comment line
//! `# clause: not-policy "the sentence" -- why`, and the page itself is named
//! with `# clause: page "path"` (relative to the policy file).
//!
//! Matching tolerates case, whitespace, typographic quotes and small edits: the
//! text is normalised, a quote found inside a sentence (or a sentence inside a
//! quote) is exact, and otherwise the closest sentence by edit distance gives a
//! closeness from 0 to 1; [`NEAR`] and above counts as on the page, with small edits.

use serde::Serialize;

use crate::ast::{Decl, PolicyFile};
use crate::language::diagnostic::Lint;
use crate::language::diagnostic::{Code, Diagnostic};
use crate::language::source::{Source, Span};

/// The closeness (in percent) from which a quote counts as still on the page.
pub const NEAR: u8 = 90;

/// A quote spanning several sentences accounts for each one it contains whole,
/// if the sentence has at least this many words (a heading inside a quote does not count).
const MIN_CONTAINED_WORDS: usize = 4;

/// Page lines with no more words than this and no sentence end are headings.
const HEADING_WORDS: usize = 8;

/// Sentences, and stretches of one sentence, compared with a quote by edit
/// distance when a quote is not on the page: beyond these counts, only those
/// sharing the most words with the quote are (edit distance is quadratic in the
/// quote's length, and a page of 256 KiB has tens of thousands of stretches).
/// Pages of ordinary length stay under both, so their closeness is exact.
const MAX_COMPARED: usize = 64;

/// What a piece of the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A short line without a sentence end: a heading, not a promise.
    Heading,
    /// A sentence.
    Sentence,
}

/// One sentence (or heading) of the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// The sentence as written on the page.
    pub text: String,
    /// 1-based line of the page it starts on.
    pub line: usize,
    /// A heading or a sentence.
    pub kind: Kind,
}

/// A piece of page text the policy quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The quoted text.
    pub text: String,
    /// What quotes it: `rule standard_return`, `window return_window`, ...
    pub owner: String,
    /// Where the quote stands in the policy.
    #[serde(skip)]
    pub span: Span,
    /// `file:line:column` of the quote.
    pub at: String,
}

/// A sentence the policy accounts for in a comment: `not-policy` (it decides
/// nothing: how to log in, payment methods) or `covered` (the policy carries it
/// out without quoting it, and the comment says how).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotPolicy {
    /// `not-policy` or `covered`.
    pub kind: NoteKind,
    /// The sentence as given in the comment.
    pub text: String,
    /// Why it is not policy, when the comment says.
    pub reason: Option<String>,
    /// Where the comment stands.
    #[serde(skip)]
    pub span: Span,
}

/// What a page comment says of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// `# clause: not-policy "..." -- why`: the sentence decides nothing.
    NotPolicy,
    /// `# clause: covered "..." -- how`: the policy carries it out as the comment says.
    Covered,
}

/// A quote, and where it was found on the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteStatus {
    /// The quote.
    pub quote: Quote,
    /// The sentences it was found in (indexes into [`PageMap::sentences`]).
    pub sentences: Vec<usize>,
    /// How close the best match is, in percent: 100 for an exact match (after normalising).
    pub closeness: u8,
    /// Whether it is still on the page: closeness at least `NEAR`, and every
    /// number of the quote in the sentence it matches.
    pub on_page: bool,
}

/// One sentence of the page and what accounts for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceStatus {
    /// The sentence.
    pub sentence: Sentence,
    /// The owners of the quotes found in it (`rule x`, `window y`), in policy order.
    pub quoted_by: Vec<String>,
    /// The `not-policy` or `covered` comment that accounts for it.
    pub note: Option<NotPolicy>,
    /// Whether anything accounts for it: quoted, marked not policy, or a heading.
    pub accounted: bool,
}

/// The whole map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageMap {
    /// Every sentence of the page, in order.
    pub sentences: Vec<SentenceStatus>,
    /// Every quote of the policy, in order.
    pub quotes: Vec<QuoteStatus>,
    /// `not-policy` and `covered` comments that match no sentence of the page.
    pub stale_not_policy: Vec<NotPolicy>,
}

impl PageMap {
    /// Sentences nothing accounts for.
    pub fn unaccounted(&self) -> impl Iterator<Item = &SentenceStatus> {
        self.sentences.iter().filter(|s| !s.accounted)
    }

    /// Quotes no longer on the page.
    pub fn stale(&self) -> impl Iterator<Item = &QuoteStatus> {
        self.quotes.iter().filter(|q| !q.on_page)
    }
}

/// The page named by a `# clause: page "path"` comment, as written.
pub fn declared_page(text: &str) -> Option<(String, Span)> {
    directives(text).into_iter().find_map(|d| match d {
        Directive::Page(p, span) => Some((p, span)),
        Directive::NotPolicy(_) => None,
    })
}

/// Maps a page onto a policy.
pub fn map(file: &PolicyFile, source: &Source, page: &str) -> PageMap {
    let sentences = split_sentences(page);
    let normal: Vec<String> = sentences.iter().map(|s| normalize(&s.text)).collect();
    let quotes = quotes(file, source);
    let not_policy: Vec<NotPolicy> = directives(&source.text)
        .into_iter()
        .filter_map(|d| match d {
            Directive::NotPolicy(n) => Some(n),
            Directive::Page(..) => None,
        })
        .collect();

    let mut statuses: Vec<SentenceStatus> = sentences
        .iter()
        .map(|s| SentenceStatus {
            sentence: s.clone(),
            quoted_by: Vec::new(),
            note: None,
            accounted: s.kind == Kind::Heading,
        })
        .collect();

    let mut quote_statuses = Vec::new();
    for quote in quotes {
        let (found, closeness) = locate_parts(&quote.text, &normal);
        // Small edits are tolerated, a changed number (30 days to 21) is not.
        let wanted = numbers(&quote.text);
        let numbers_kept = closeness >= 100
            || found.iter().any(|&i| {
                normal
                    .get(i)
                    .is_some_and(|s| wanted.iter().all(|n| numbers(s).contains(n)))
            });
        let on_page = closeness >= NEAR && numbers_kept;
        if on_page {
            for &i in &found {
                if let Some(s) = statuses.get_mut(i) {
                    if !s.quoted_by.contains(&quote.owner) {
                        s.quoted_by.push(quote.owner.clone());
                    }
                    s.accounted = true;
                }
            }
        }
        quote_statuses.push(QuoteStatus {
            quote,
            sentences: found,
            closeness,
            on_page,
        });
    }

    let mut stale_not_policy = Vec::new();
    for n in not_policy {
        let (found, closeness) = locate(&normalize(&n.text), &normal);
        if closeness < NEAR {
            stale_not_policy.push(n);
            continue;
        }
        for i in found {
            if let Some(s) = statuses.get_mut(i) {
                s.note = Some(n.clone());
                s.accounted = true;
            }
        }
    }
    PageMap {
        sentences: statuses,
        quotes: quote_statuses,
        stale_not_policy,
    }
}

/// The page lints of a map: each quote no longer on the page
/// (`quote-not-on-page`, at the quote) and each page sentence nothing accounts
/// for (`page-sentence-unaccounted`, at the `# clause: page` line, or at the
/// policy's start when the page was given on the command line).
pub fn findings(map: &PageMap, source: &Source) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for q in map.stale() {
        let closest = q
            .sentences
            .first()
            .and_then(|&i| map.sentences.get(i))
            .map(|s| {
                format!(
                    " (the closest, {}% alike, is on line {}: \"{}\")",
                    q.closeness, s.sentence.line, s.sentence.text
                )
            })
            .unwrap_or_default();
        out.push(
            Diagnostic::new(
                Code::Lint(Lint::QuoteNotOnPage),
                format!("{} quotes words that are no longer on the page", q.quote.owner),
                q.quote.span,
                "not on the page",
            )
            .with_help(format!(
                "update the quote to what the page says now, or the rule to what it promises{closest}"
            )),
        );
    }
    let anchor = declared_page(&source.text)
        .map(|(_, span)| span)
        .unwrap_or_else(|| Span::new(0, source.text.find('\n').unwrap_or(source.text.len())));
    for s in map.unaccounted() {
        out.push(
            Diagnostic::new(
                Code::Lint(Lint::PageSentenceUnaccounted),
                format!(
                    "line {} of the page is not accounted for: \"{}\"",
                    s.sentence.line, s.sentence.text
                ),
                anchor,
                "the page",
            )
            .with_help(format!(
                "quote it in the rule that carries it out, or set it aside: `# clause: not-policy \"{}\" -- why`",
                s.sentence.text.replace('"', "\\\"")
            )),
        );
    }
    for n in &map.stale_not_policy {
        out.push(
            Diagnostic::new(
                Code::Lint(Lint::QuoteNotOnPage),
                "this page comment names a sentence that is no longer on the page",
                n.span,
                "not on the page",
            )
            .with_help("remove the comment, or update it to the page's words"),
        );
    }
    out
}

/// Where a quote is on the page, part by part: a quote may join sentences, or
/// leave words out where it says so (`...`) or between clauses (`:`, `;`). Each
/// part of three words or more must be on the page; the closeness is the
/// lowest of the parts'.
fn locate_parts(quote: &str, sentences: &[String]) -> (Vec<usize>, u8) {
    let whole = normalize(quote);
    let (found, closeness) = locate(&whole, sentences);
    if closeness >= 100 {
        return (found, closeness);
    }
    let parts: Vec<String> = quote
        .split(['…', ':', ';'])
        .flat_map(|p| p.split("..."))
        .flat_map(|p| split_sentences(p).into_iter().map(|s| s.text))
        .map(|p| normalize(&p))
        .filter(|p| p.split(' ').count() >= 3)
        .collect();
    if parts.len() < 2 {
        return (found, closeness);
    }
    let mut all = Vec::new();
    let mut lowest = 100u8;
    for part in &parts {
        let (f, c) = locate(part, sentences);
        lowest = lowest.min(c);
        for i in f {
            if !all.contains(&i) {
                all.push(i);
            }
        }
    }
    if lowest > closeness {
        all.sort_unstable();
        (all, lowest)
    } else {
        (found, closeness)
    }
}

/// Where a normalised quote is on the page: the sentences that contain it (or
/// that it contains, for a quote spanning several), with closeness 1; else the
/// single closest sentence and its closeness.
fn locate(quote: &str, sentences: &[String]) -> (Vec<usize>, u8) {
    if quote.is_empty() {
        return (Vec::new(), 0);
    }
    let exact: Vec<usize> = sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            !s.is_empty()
                && (s.contains(quote)
                    || (s.split(' ').count() >= MIN_CONTAINED_WORDS && quote.contains(s.as_str())))
        })
        .map(|(i, _)| i)
        .collect();
    if !exact.is_empty() {
        return (exact, 100);
    }
    let mut best: Option<(usize, u8)> = None;
    let candidates: Vec<usize> = if sentences.len() > MAX_COMPARED {
        let words: std::collections::HashSet<&str> = quote.split(' ').collect();
        most_shared(
            sentences
                .iter()
                .map(|s| s.split(' ').filter(|w| words.contains(w)).count()),
        )
    } else {
        (0..sentences.len()).collect()
    };
    for i in candidates {
        let Some(s) = sentences.get(i) else { continue };
        let c = closeness(quote, s);
        if best.is_none_or(|(_, b)| c > b) {
            best = Some((i, c));
        }
    }
    match best {
        Some((i, c)) => (vec![i], c),
        None => (Vec::new(), 0),
    }
}

/// How close a quote is to a sentence: edit similarity of the quote with the
/// best-aligned stretch of the sentence of the same length (a quote of part of
/// a sentence is compared with that part).
fn closeness(quote: &str, sentence: &str) -> u8 {
    let q: Vec<char> = quote.chars().collect();
    let s: Vec<char> = sentence.chars().collect();
    if s.len() <= q.len() {
        return percent_alike(quote, sentence);
    }
    // Slide a window of the quote's length along the sentence, in word steps.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            s.iter()
                .enumerate()
                .filter(|(_, c)| **c == ' ')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let windows = starts
        .iter()
        .position(|&start| start + q.len() >= s.len())
        .map_or(starts.len(), |last| last + 1);
    let chosen: Vec<usize> = if windows > MAX_COMPARED {
        // The stretches (of as many words as the quote) sharing most words with it.
        let words: std::collections::HashSet<&str> = quote.split(' ').collect();
        let in_quote: Vec<bool> = sentence.split(' ').map(|w| words.contains(w)).collect();
        let span = quote.split(' ').count();
        most_shared((0..windows).map(|k| {
            in_quote
                .get(k..(k + span).min(in_quote.len()))
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b)
                .count()
        }))
    } else {
        (0..windows).collect()
    };
    let mut best = 0u8;
    for k in chosen {
        let Some(&start) = starts.get(k) else {
            continue;
        };
        let end = (start + q.len()).min(s.len());
        let window: String = s.get(start..end).unwrap_or_default().iter().collect();
        best = best.max(percent_alike(quote, &window));
    }
    best
}

/// The indices of the [`MAX_COMPARED`] highest scores, in index order (the
/// earlier first among equal scores).
fn most_shared(scores: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut ranked: Vec<(usize, usize)> = scores.enumerate().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(MAX_COMPARED);
    let mut chosen: Vec<usize> = ranked.into_iter().map(|(i, _)| i).collect();
    chosen.sort_unstable();
    chosen
}

/// How alike two texts are, in whole percent: 100 less the edit distance as a
/// share of the longer text's length (characters).
fn percent_alike(a: &str, b: &str) -> u8 {
    let longest = a.chars().count().max(b.chars().count());
    if longest == 0 {
        return 100;
    }
    let distance = strsim::levenshtein(a, b).min(longest);
    u8::try_from(100 - distance * 100 / longest).unwrap_or(0)
}

/// The numbers written in digits in a text, in order.
fn numbers(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .collect()
}

/// Lower case, one kind of quote mark and apostrophe, single spaces, and no
/// punctuation at either end.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '“' | '”' | '„' | '«' | '»' => '"',
            '‘' | '’' | '`' => '\'',
            '–' | '—' => '-',
            '•' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    let trim: &[char] = &['.', ',', ';', ':', '!', '?', '"', '\'', ' ', '(', ')'];
    out.trim_matches(trim).to_string()
}

/// Splits a page into sentences: each line is a paragraph (a bullet is its own);
/// inside a line, a sentence ends at `.`, `!` or `?` followed by a space and a
/// capital letter, a digit or a quote. A short line with no sentence end is a
/// heading.
pub fn split_sentences(page: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (n, line) in page.lines().enumerate() {
        let line = line.trim().trim_start_matches(['•', '*', '-']).trim();
        if line.is_empty() {
            continue;
        }
        let ends = line.ends_with(['.', '!', '?', ':', '"', '”', ')']);
        if !ends && line.split_whitespace().count() <= HEADING_WORDS {
            out.push(Sentence {
                text: line.to_string(),
                line: n + 1,
                kind: Kind::Heading,
            });
            continue;
        }
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut start = 0;
        for (k, &(i, c)) in chars.iter().enumerate() {
            if !matches!(c, '.' | '!' | '?') {
                continue;
            }
            let next = chars.get(k + 1).map(|p| p.1);
            let after = chars.get(k + 2).map(|p| p.1);
            // The next word starts a sentence unless it starts in lower case
            // and has no capital at all ("iMicro" does start one).
            let next_word = line
                .get(i + 1..)
                .unwrap_or("")
                .split_whitespace()
                .next()
                .unwrap_or("");
            let boundary = next == Some(' ')
                && after.is_some_and(|a| {
                    !a.is_lowercase() || next_word.chars().any(char::is_uppercase)
                });
            // "e.g. X", "U.S. Y": a single letter before the dot is no sentence end.
            let before = line.get(..i).unwrap_or("");
            let last_word = before.rsplit(' ').next().unwrap_or("");
            let abbreviation = last_word.chars().filter(|c| c.is_alphabetic()).count() <= 1
                && !last_word.is_empty();
            if boundary && !abbreviation {
                let text = line.get(start..=i).unwrap_or("").trim();
                if !text.is_empty() {
                    out.push(Sentence {
                        text: text.to_string(),
                        line: n + 1,
                        kind: Kind::Sentence,
                    });
                }
                start = i + 1;
            }
        }
        let rest = line.get(start..).unwrap_or("").trim();
        if !rest.is_empty() {
            out.push(Sentence {
                text: rest.to_string(),
                line: n + 1,
                kind: Kind::Sentence,
            });
        }
    }
    out
}

/// Every quote of the policy: each string literal of each rule's words, and
/// quoted text in the comment just above a declaration.
pub fn quotes(file: &PolicyFile, source: &Source) -> Vec<Quote> {
    let text = &*source.text;
    let mut out = Vec::new();
    for decl in &file.decls {
        let Decl::Rules(block) = decl else { continue };
        for rule in block.rules.iter().chain(block.otherwise.iter()) {
            let span = rule.quote.span;
            let owner = format!("rule {}", rule.name.node);
            for (lit, at) in string_literals(text.get(span.start..span.end).unwrap_or("")) {
                let span = Span::new(span.start + at.start, span.start + at.end);
                out.push(Quote {
                    text: lit,
                    owner: owner.clone(),
                    span,
                    at: source.location(span),
                });
            }
        }
    }
    out.extend(comment_quotes(source));
    out.sort_by_key(|q| q.span.start);
    out
}

/// The string literals of a stretch of policy text, unescaped, with their spans
/// relative to it.
fn string_literals(text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut lit = String::new();
        let mut end = text.len();
        while let Some((j, d)) = chars.next() {
            match d {
                '\\' => {
                    if let Some((_, e)) = chars.next() {
                        lit.push(if e == 'n' { '\n' } else { e });
                    }
                }
                '"' => {
                    end = j + 1;
                    break;
                }
                d => lit.push(d),
            }
        }
        out.push((lit, Span::new(i, end)));
    }
    out
}

/// Quoted text in comment blocks, owned by the declaration right below.
fn comment_quotes(source: &Source) -> Vec<Quote> {
    let text = &*source.text;
    let mut out = Vec::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = crate::language::source::trim_line_start(line);
        let indent = line.len() - trimmed.len();
        if let Some(body) = trimmed.strip_prefix('#') {
            if !body.trim_start().starts_with("clause:") {
                block.push((offset + indent + 1, body));
            }
        } else if !trimmed.trim().is_empty() {
            if !block.is_empty() {
                let owner = owner_of(trimmed);
                if let Some(owner) = owner {
                    out.extend(quotes_in_comment(source, &block, &owner));
                }
                block.clear();
            }
        } else {
            block.clear();
        }
        offset += line.len();
    }
    out
}

/// `window return_window` for a line declaring a window, threshold, fee or rule.
fn owner_of(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let kind = words.next()?;
    let name = words.next()?;
    let name = name.trim_end_matches([':', ',', '=']);
    match kind {
        "window" | "threshold" | "table" | "fee" | "fees" | "rule" | "deadline" | "fact" => {
            Some(format!("{kind} {name}"))
        }
        "otherwise" => Some(format!("rule {name}")),
        _ => None,
    }
}

/// The `"..."` stretches of a comment block (which may run over several lines).
fn quotes_in_comment(source: &Source, block: &[(usize, &str)], owner: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (start, body) in block {
        for (i, c) in body.char_indices() {
            let at = start + i;
            if c == '"' {
                match current.take() {
                    None => current = Some((at, String::new())),
                    Some((from, text)) => {
                        let span = Span::new(from, at + 1);
                        if !text.trim().is_empty() {
                            out.push(Quote {
                                text: text.trim().to_string(),
                                owner: owner.to_string(),
                                span,
                                at: source.location(span),
                            });
                        }
                    }
                }
            } else if let Some((_, text)) = current.as_mut() {
                text.push(c);
            }
        }
        if let Some((_, text)) = current.as_mut() {
            text.push(' ');
        }
    }
    out
}

enum Directive {
    Page(String, Span),
    NotPolicy(NotPolicy),
}

/// The `# clause: page "..."` and `# clause: not-policy "..." -- why` lines.
fn directives(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = crate::language::source::trim_line_start(line).trim_end();
        let Some(rest) = trimmed
            .strip_prefix('#')
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix("clause:"))
            .map(str::trim_start)
        else {
            continue;
        };
        let indent = line.len() - crate::language::source::trim_line_start(line).len();
        let span = Span::new(start + indent, start + indent + trimmed.len());
        if let Some(arg) = rest.strip_prefix("page") {
            if let Some((path, _)) = first_literal(arg) {
                out.push(Directive::Page(path, span));
            }
        } else if let Some((kind, arg)) = rest
            .strip_prefix("not-policy")
            .map(|a| (NoteKind::NotPolicy, a))
            .or_else(|| rest.strip_prefix("covered").map(|a| (NoteKind::Covered, a)))
        {
            if let Some((sentence, after)) = first_literal(arg) {
                let reason = after
                    .trim()
                    .strip_prefix("--")
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty());
                out.push(Directive::NotPolicy(NotPolicy {
                    kind,
                    text: sentence,
                    reason,
                    span,
                }));
            }
        }
    }
    out
}

/// Whether the text after `# clause:` is one of the page comments.
pub fn is_page_directive(directive: &str) -> bool {
    let word = directive.trim_start();
    ["page", "not-policy", "covered"].iter().any(|d| {
        word.strip_prefix(d)
            .is_some_and(|rest| rest.trim_start().starts_with('"'))
    })
}

/// The first `"..."` of a text and what follows it.
fn first_literal(text: &str) -> Option<(String, &str)> {
    let (lit, span) = string_literals(text).into_iter().next()?;
    Some((lit, text.get(span.end..).unwrap_or("")))
}

#[cfg(test)]
mod tests;
