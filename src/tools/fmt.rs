//! `clause fmt`: one canonical layout for a policy file.
//!
//! [`format_source`] parses a file and prints it again in the house style of the
//! bundled policies: 2-space indentation, each declaration, rule header, line of
//! quoted words and clause on its own line, one blank line between rules, and
//! conditions longer than [`WIDTH`] columns broken before `or` (then `and`) with
//! continuation lines indented by two more. The printer works from the AST and
//! reads the source text for what the AST does not keep:
//!
//! - every `#` comment: a comment on its own line goes before the item it precedes
//!   (or the one it sits inside), a comment after code stays at the end of its line;
//! - the pieces of a multi-string quote, grouped on lines as the merchant wrote them;
//! - the merchant's parentheses (the printer adds those that precedence needs);
//! - blank lines between declarations (at most one).
//!
//! [`print`] is the same printer without a source: no comments, each quote as one
//! string, only the parentheses precedence needs. Both are idempotent, and parsing
//! their output gives the AST that was printed (spans aside: see [`without_spans`]).

use crate::ast::*;
use crate::language::diagnostic::Diagnostics;
use crate::language::source::{Source, Span};

/// Lines are broken to fit in this many columns where a condition allows it.
pub const WIDTH: usize = 100;

/// Parses `source` and prints it in the canonical layout, keeping its comments.
pub fn format_source(source: &Source) -> Result<String, Diagnostics> {
    let file = crate::parse(source)?;
    let src = Src::new(source);
    Ok(Printer { src: Some(&src) }.file(&file))
}

/// Prints an AST in the canonical layout, without comments.
pub fn print(file: &PolicyFile) -> String {
    Printer { src: None }.file(file)
}

/// The same AST with every span reset, so that two ASTs read from differently laid
/// out text compare equal when they say the same thing. ([`Spanned`] values
/// already ignore their spans; a few nodes also hold a plain [`Span`] field.)
pub fn without_spans(file: &PolicyFile) -> PolicyFile {
    let mut f = file.clone();
    for d in &mut f.decls {
        match d {
            Decl::Calendar(c) => {
                c.span = Span::default();
                if let Some(cov) = &mut c.covering {
                    cov.span = Span::default();
                }
            }
            Decl::Window(w) => {
                w.span = Span::default();
                if let WindowShape::From { duration, .. } = &mut w.shape {
                    duration.span = Span::default();
                }
                for e in &mut w.extensions {
                    e.span = Span::default();
                    if let ExtendTo::By(d) = &mut e.to {
                        d.span = Span::default();
                    }
                }
            }
            Decl::Rules(b) => {
                b.span = Span::default();
                for r in b.rules.iter_mut().chain(b.otherwise.iter_mut()) {
                    r.span = Span::default();
                }
            }
            _ => {}
        }
    }
    f
}

/// Every comment in `text`, as written (without trailing whitespace), in order.
pub fn comments(text: &str) -> Vec<String> {
    scan(text).0.into_iter().map(|c| c.text).collect()
}

// ---------------------------------------------------------------- documents

/// A layout document (after Wadler's "prettier printer"): a group is printed on one
/// line if it fits, otherwise each of its own `Line`s becomes a line break.
enum Doc {
    Text(String),
    /// A space, or a line break at the current indentation.
    Line,
    Concat(Vec<Doc>),
    /// Line breaks inside are indented two more columns.
    Nest(Box<Doc>),
    Group(Box<Doc>),
}

fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

fn nest(d: Doc) -> Doc {
    Doc::Nest(Box::new(d))
}

fn group(d: Doc) -> Doc {
    Doc::Group(Box::new(d))
}

/// Lays `doc` out starting at column `indent`; returns its lines, indented.
fn layout(doc: &Doc, indent: usize) -> Vec<String> {
    let mut out = " ".repeat(indent);
    let mut col = indent;
    let mut stack: Vec<(usize, bool, &Doc)> = vec![(indent, false, doc)];
    while let Some((ind, flat, d)) = stack.pop() {
        match d {
            Doc::Text(s) => {
                out.push_str(s);
                col += s.chars().count();
            }
            Doc::Line if flat => {
                out.push(' ');
                col += 1;
            }
            Doc::Line => {
                out.push('\n');
                out.push_str(&" ".repeat(ind));
                col = ind;
            }
            Doc::Concat(v) => stack.extend(v.iter().rev().map(|x| (ind, flat, x))),
            Doc::Nest(x) => stack.push((ind + 2, flat, x)),
            Doc::Group(x) => {
                let flat = flat || fits(WIDTH.saturating_sub(col), (ind, x), &stack);
                stack.push((ind, flat, x));
            }
        }
    }
    out.split('\n').map(|l| l.trim_end().to_string()).collect()
}

/// Whether `first`, printed flat, and what follows it up to the next line break fit
/// in `room` columns.
fn fits(room: usize, first: (usize, &Doc), rest: &[(usize, bool, &Doc)]) -> bool {
    let mut room = room;
    let mut stack: Vec<(bool, &Doc)> = vec![(true, first.1)];
    let mut rest = rest.iter().rev();
    loop {
        let (flat, d) = match stack.pop() {
            Some(x) => x,
            None => match rest.next() {
                Some(&(_, flat, d)) => (flat, d),
                None => return true,
            },
        };
        match d {
            Doc::Text(s) => match room.checked_sub(s.chars().count()) {
                Some(r) => room = r,
                None => return false,
            },
            Doc::Line if flat => match room.checked_sub(1) {
                Some(r) => room = r,
                None => return false,
            },
            Doc::Line => return true,
            Doc::Concat(v) => stack.extend(v.iter().rev().map(|x| (flat, x))),
            Doc::Nest(x) | Doc::Group(x) => stack.push((flat, x)),
        }
    }
}

// ---------------------------------------------------------------- the source

/// A comment: where it is and whether code precedes it on its line.
#[derive(Debug, Clone)]
struct Comment {
    start: usize,
    end: usize,
    text: String,
    own_line: bool,
}

/// The source text with what the printer needs to find in it.
struct Src<'a> {
    source: &'a Source,
    text: &'a str,
    /// The text with comments and the insides of strings blanked out (same offsets).
    code: Vec<u8>,
    comments: Vec<Comment>,
}

/// Finds the comments in `text`, and the text with comments and string contents
/// replaced by spaces.
fn scan(text: &str) -> (Vec<Comment>, Vec<u8>) {
    let mut code = text.as_bytes().to_vec();
    let mut comments = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut comment_start: Option<usize> = None;
    let mut line_has_code = false;
    for (i, c) in text.char_indices() {
        if let Some(start) = comment_start {
            if c == '\n' {
                comments.push(comment(text, start, i, !line_has_code));
                comment_start = None;
                line_has_code = false;
            } else {
                blank(&mut code, i, c);
            }
            continue;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            if in_string {
                blank(&mut code, i, c);
            }
            if c == '\n' {
                line_has_code = false;
            }
            continue;
        }
        match c {
            '#' => {
                comment_start = Some(i);
                blank(&mut code, i, c);
            }
            '"' => {
                in_string = true;
                line_has_code = true;
            }
            '\n' => line_has_code = false,
            c if c.is_whitespace() => {}
            _ => line_has_code = true,
        }
    }
    if let Some(start) = comment_start {
        comments.push(comment(text, start, text.len(), !line_has_code));
    }
    (comments, code)
}

fn comment(text: &str, start: usize, end: usize, own_line: bool) -> Comment {
    let t = text.get(start..end).unwrap_or("").trim_end().to_string();
    Comment {
        start,
        end: start + t.len(),
        text: t,
        own_line,
    }
}

fn blank(code: &mut [u8], at: usize, c: char) {
    for k in at..at + c.len_utf8() {
        if let Some(b) = code.get_mut(k) {
            *b = b' ';
        }
    }
}

impl<'a> Src<'a> {
    fn new(source: &'a Source) -> Self {
        let (comments, code) = scan(&source.text);
        Src {
            source,
            text: &source.text,
            code,
            comments,
        }
    }

    /// The last code character before `at`, skipping whitespace and comments.
    fn prev_code(&self, at: usize) -> Option<(usize, u8)> {
        let mut i = at.min(self.code.len());
        while i > 0 {
            i -= 1;
            let b = *self.code.get(i)?;
            if !b.is_ascii_whitespace() {
                return Some((i, b));
            }
        }
        None
    }

    /// The first code character at or after `at`, skipping whitespace and comments.
    fn next_code(&self, at: usize) -> Option<(usize, u8)> {
        (at..self.code.len()).find_map(|i| {
            let b = *self.code.get(i)?;
            (!b.is_ascii_whitespace()).then_some((i, b))
        })
    }

    /// Where the character `c` next occurs in code at or after `at`.
    fn find(&self, at: usize, c: u8) -> Option<usize> {
        (at..self.code.len()).find(|&i| self.code.get(i) == Some(&c))
    }

    /// Whether the text between two offsets holds an empty line.
    fn blank_line_between(&self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        let gap = self.text.get(from..to).unwrap_or("");
        let mut newlines = 0;
        for c in gap.chars() {
            match c {
                '\n' => {
                    newlines += 1;
                    if newlines >= 2 {
                        return true;
                    }
                }
                ' ' | '\t' | '\r' => {}
                _ => newlines = 0,
            }
        }
        false
    }

    fn line(&self, offset: usize) -> usize {
        self.source.line_col(offset).0
    }

    /// The string literals in a span, raw (with their quotes), grouped by line.
    fn quote_lines(&self, span: Span) -> Vec<Vec<&'a str>> {
        let mut lines: Vec<Vec<&str>> = Vec::new();
        let mut last_line = 0;
        let mut i = span.start;
        while i < span.end.min(self.code.len()) {
            if self.code.get(i) == Some(&b'"') {
                let Some(close) = self.find(i + 1, b'"') else {
                    break;
                };
                let raw = self.text.get(i..close + 1).unwrap_or("\"\"");
                let line = self.line(i);
                match lines.last_mut() {
                    Some(l) if line == last_line => l.push(raw),
                    _ => lines.push(vec![raw]),
                }
                last_line = line;
                i = close + 1;
            } else {
                i += 1;
            }
        }
        lines
    }
}

// ---------------------------------------------------------------- items

/// Whether an empty line goes before an element.
#[derive(Clone, Copy)]
enum Blank {
    No,
    Yes,
    /// As the source had it; without a source, the value given.
    Source(bool),
}

/// A unit of output that starts a line: a declaration, a rule header, a clause, a
/// brace. Comments attach to items.
struct Item {
    /// Where the item is in the source: comments attach by position.
    anchor: usize,
    end: usize,
    /// Indentation of comments placed before the item.
    indent: usize,
    lines: Vec<String>,
    /// Before the first element (a leading comment or the item itself).
    first: Blank,
    /// Between leading comments, and before the item after them.
    rest: Blank,
    /// A closing brace: never an empty line right before it.
    close: bool,
}

struct Printer<'s, 'a> {
    src: Option<&'s Src<'a>>,
}

/// Precedence: a higher number binds tighter.
fn prec(e: &ExprKind) -> u8 {
    match e {
        ExprKind::Binary(BinOp::Or, ..) => 1,
        ExprKind::Binary(BinOp::And, ..) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Test(..) => 4,
        ExprKind::Binary(BinOp::Else, ..) => 5,
        ExprKind::Binary(BinOp::Add | BinOp::Sub, ..) => 6,
        ExprKind::Binary(BinOp::Mul, ..) => 7,
        ExprKind::Convert(..) => 8,
        _ => 9,
    }
}

/// Words with a meaning in some place of the grammar though they may be names
/// (`each item`, `whole order`, `plain dates at start of day`, `rolled forward to
/// a business day`): with the reserved words, what a code must not be printed
/// bare after `is` or `has`.
const CONTEXT_WORDS: [&str; 11] = [
    "a", "at", "business", "dates", "day", "each", "end", "item", "order", "start", "whole",
];

fn is_keyword(word: &str) -> bool {
    crate::language::syntax::RESERVED_WORDS.contains(&word) || CONTEXT_WORDS.contains(&word)
}

fn names(ns: &[Name]) -> String {
    ns.iter()
        .map(|n| n.node.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn duration(d: &Duration) -> String {
    let one = d.count.node == rust_decimal::Decimal::ONE;
    let unit = match (d.unit, one) {
        (TimeUnit::Days, true) => "day",
        (TimeUnit::Days, false) => "days",
        (TimeUnit::BusinessDays, true) => "business day",
        (TimeUnit::BusinessDays, false) => "business days",
        (TimeUnit::Hours, true) => "hour",
        (TimeUnit::Hours, false) => "hours",
        (TimeUnit::Weeks, true) => "week",
        (TimeUnit::Weeks, false) => "weeks",
        (TimeUnit::Months, true) => "month",
        (TimeUnit::Months, false) => "months",
    };
    format!("{} {unit}", d.count.node)
}

fn percent(p: rust_decimal::Decimal) -> String {
    let mut v = p
        .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
        .unwrap_or(p);
    v.rescale(p.scale().saturating_sub(2));
    v.to_string()
}

fn date(d: &chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Printer<'_, '_> {
    // ------------------------------------------------------------ expressions

    /// The extent of an expression in the source, parentheses included, and whether
    /// the merchant wrote parentheses around it.
    fn extent(&self, e: &Expr) -> (usize, usize, bool) {
        let Some(src) = self.src else {
            return (e.span.start, e.span.end, false);
        };
        let (mut s, mut t) = (e.span.start, e.span.end);
        let mut grow = |c: &Expr| {
            let (cs, ct, _) = self.extent(c);
            s = s.min(cs);
            t = t.max(ct);
        };
        match &e.node {
            ExprKind::Not(x) | ExprKind::Convert(x, _) => grow(x),
            ExprKind::Binary(_, l, r) => {
                grow(l);
                grow(r);
            }
            ExprKind::Test(subject, test) => {
                grow(subject);
                match test {
                    Test::Between(lo, hi) => {
                        grow(lo);
                        grow(hi);
                    }
                    Test::Compare(_, x) => grow(x),
                    _ => {}
                }
            }
            _ => {}
        }
        let mut parens = false;
        while let (Some((p, b'(')), Some((q, b')'))) = (src.prev_code(s), src.next_code(t)) {
            parens = true;
            s = p;
            t = q + 1;
        }
        (s, t, parens)
    }

    fn parenthesized(&self, e: &Expr) -> bool {
        self.src.is_some() && self.extent(e).2
    }

    /// An expression in a place that needs precedence at least `min`.
    fn expr(&self, e: &Expr, min: u8) -> Doc {
        let bare = self.bare(e);
        if self.wrapped(e, min) {
            Doc::Concat(vec![text("("), nest(group(bare)), text(")")])
        } else {
            bare
        }
    }

    /// Whether an expression is printed in parentheses in a place that needs
    /// precedence at least `min`.
    fn wrapped(&self, e: &Expr, min: u8) -> bool {
        prec(&e.node) < min || self.parenthesized(e)
    }

    /// A whole condition or value (a clause's, a threshold's), grouped.
    fn top(&self, e: &Expr) -> Doc {
        nest(group(self.expr(e, 1)))
    }

    fn bare(&self, e: &Expr) -> Doc {
        let p = prec(&e.node);
        match &e.node {
            ExprKind::Binary(op @ (BinOp::Or | BinOp::And), l, r) => {
                // `a or b or c` is one chain: its `or`s break together.
                let mut operands = vec![r.as_ref()];
                let mut cur = l.as_ref();
                while let ExprKind::Binary(op2, l2, r2) = &cur.node {
                    if op2 != op || self.parenthesized(cur) {
                        break;
                    }
                    operands.push(r2);
                    cur = l2;
                }
                operands.push(cur);
                operands.reverse();
                let word = if *op == BinOp::Or { "or " } else { "and " };
                let mut parts = Vec::new();
                for (i, o) in operands.iter().enumerate() {
                    let min = if i == 0 { p } else { p + 1 };
                    let d = self.expr(o, min);
                    if i > 0 {
                        parts.push(Doc::Line);
                        parts.push(text(word));
                    }
                    // An `and` chain inside an `or` breaks two columns further in;
                    // parentheses already do that.
                    let own_group = *op == BinOp::Or && !self.wrapped(o, min);
                    parts.push(if own_group { nest(group(d)) } else { d });
                }
                Doc::Concat(parts)
            }
            ExprKind::Binary(op, l, r) => {
                let word = match op {
                    BinOp::Else => " else ",
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    _ => " * ",
                };
                Doc::Concat(vec![self.expr(l, p), text(word), self.expr(r, p + 1)])
            }
            ExprKind::Not(x) => Doc::Concat(vec![text("not "), self.expr(x, 3)]),
            ExprKind::Convert(x, cur) => {
                Doc::Concat(vec![self.expr(x, 9), text(format!(" in {}", cur.node))])
            }
            ExprKind::Test(subject, test) => {
                let mut parts = vec![self.expr(subject, 5)];
                let codes = |prefix: &str, list: &str, cs: &[Name]| match cs {
                    [one] if !is_keyword(&one.node) => {
                        format!(" {prefix} {}", one.node)
                    }
                    _ => format!(" {prefix} {list} of ({})", names(cs)),
                };
                match test {
                    Test::IsSet => parts.push(text(" is set")),
                    Test::IsMissing => parts.push(text(" is missing")),
                    Test::Is { codes: cs, negated } => {
                        let prefix = if *negated { "is not" } else { "is" };
                        parts.push(text(codes(prefix, "one", cs)));
                    }
                    Test::HasAny(cs) => parts.push(text(codes("has", "any", cs))),
                    Test::HasAll(cs) => parts.push(text(format!(" has all of ({})", names(cs)))),
                    Test::Within(w) => parts.push(text(format!(" within {}", w.node))),
                    Test::After(w) => parts.push(text(format!(" after {}", w.node))),
                    Test::Before(w) => parts.push(text(format!(" before {}", w.node))),
                    Test::Between(lo, hi) => {
                        parts.push(text(" between "));
                        parts.push(self.expr(lo, 5));
                        parts.push(text(" and "));
                        parts.push(self.expr(hi, 5));
                    }
                    Test::Compare(op, x) => {
                        let op = op.symbol();
                        parts.push(text(format!(" {op} ")));
                        parts.push(self.expr(x, 5));
                    }
                }
                Doc::Concat(parts)
            }
            ExprKind::Bool(b) => text(b.to_string()),
            ExprKind::Number(n) => text(n.to_string()),
            ExprKind::Percent(n) => text(format!("{}%", percent(*n))),
            ExprKind::Money { currency, amount } => text(format!("{} {amount}", currency.node)),
            ExprKind::Weight { value, unit } => text(format!("{value} {}", unit.node)),
            ExprKind::Date(d) => text(date(d)),
            ExprKind::Path(p) | ExprKind::Ref(p) => text(p.clone()),
        }
    }

    fn end_of(&self, e: &Expr) -> usize {
        self.extent(e).1
    }

    fn start_of(&self, e: &Expr) -> usize {
        self.extent(e).0
    }

    /// Where the `n` words (or punctuation marks) of code before `at` start: the
    /// keywords that begin an item whose first span is further in.
    fn back(&self, at: usize, n: usize) -> usize {
        let Some(src) = self.src else {
            return at;
        };
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut at = at;
        for _ in 0..n {
            let Some((mut p, b)) = src.prev_code(at) else {
                break;
            };
            if ident(b) {
                while p > 0 && src.code.get(p - 1).is_some_and(|&c| ident(c)) {
                    p -= 1;
                }
            }
            at = p;
        }
        at
    }

    // ------------------------------------------------------------ items

    fn item(&self, items: &mut Vec<Item>, anchor: usize, end: usize, indent: usize, doc: Doc) {
        self.push(items, anchor, end, indent, layout(&doc, indent), Blank::No);
    }

    fn push(
        &self,
        items: &mut Vec<Item>,
        anchor: usize,
        end: usize,
        indent: usize,
        lines: Vec<String>,
        first: Blank,
    ) {
        items.push(Item {
            anchor,
            end: end.max(anchor),
            indent,
            lines,
            first,
            rest: Blank::No,
            close: false,
        });
    }

    /// A closing brace at `indent`, at source offset `at`.
    fn close(&self, items: &mut Vec<Item>, at: usize, indent: usize) {
        items.push(Item {
            anchor: at,
            end: at + 1,
            indent: indent + 2,
            lines: vec![format!("{}}}", " ".repeat(indent))],
            first: Blank::Source(false),
            rest: Blank::Source(false),
            close: true,
        });
    }

    /// The offset of the `{` that opens a block after `at`.
    fn open_brace(&self, at: usize) -> usize {
        self.src.and_then(|s| s.find(at, b'{')).unwrap_or(at)
    }

    fn file(&self, file: &PolicyFile) -> String {
        let mut items = Vec::new();
        let anchor = self.back(file.name.span.start, 1);
        let brace = self.open_brace(file.name.span.end);
        let header = match &file.title {
            Some(t) => format!("policy {} {} {{", file.name.node, escape(t)),
            None => format!("policy {} {{", file.name.node),
        };
        items.push(Item {
            anchor,
            end: brace + 1,
            indent: 0,
            lines: vec![header],
            first: Blank::No,
            rest: Blank::Source(false),
            close: false,
        });
        let mut prev: Option<&Decl> = None;
        for d in &file.decls {
            let start = items.len();
            self.decl(&mut items, d);
            let settings = |d: &Decl| matches!(d, Decl::Currency(_) | Decl::Timezone(_));
            if let Some(first) = items.get_mut(start) {
                first.first = match prev {
                    None => Blank::No,
                    Some(p) => Blank::Source(!(settings(p) && settings(d))),
                };
                first.rest = Blank::Source(false);
            }
            prev = Some(d);
        }
        let end = self
            .src
            .and_then(|s| s.code.iter().rposition(|&b| b == b'}'))
            .unwrap_or(0);
        self.close(&mut items, end, 0);
        let eof = self.src.map_or(0, |s| s.text.len());
        items.push(Item {
            anchor: eof,
            end: eof,
            indent: 0,
            lines: Vec::new(),
            first: Blank::Source(false),
            rest: Blank::Source(false),
            close: false,
        });
        self.finish(items)
    }

    fn decl(&self, items: &mut Vec<Item>, d: &Decl) {
        const IND: usize = 2;
        match d {
            Decl::Currency(c) => {
                self.item(
                    items,
                    self.back(c.span.start, 1),
                    c.span.end,
                    IND,
                    text(format!("currency {}", c.node)),
                );
            }
            Decl::Timezone(t) => {
                let doc = text(format!("timezone {}", escape(&t.node)));
                self.item(items, self.back(t.span.start, 1), t.span.end, IND, doc);
            }
            Decl::Calendar(c) => {
                let brace = self.open_brace(c.span.start);
                self.item(items, c.span.start, brace + 1, IND, text("calendar {"));
                if let (Some(first), Some(last)) = (c.weekend.first(), c.weekend.last()) {
                    let doc = text(format!("weekend {}", names(&c.weekend)));
                    self.item(
                        items,
                        self.back(first.span.start, 1),
                        last.span.end,
                        IND + 2,
                        doc,
                    );
                }
                let span = |h: &Holiday| match h {
                    Holiday::Date(d) => d.span,
                    Holiday::Bundled(s) => s.span,
                };
                if let (Some(first), Some(last)) = (c.holidays.first(), c.holidays.last()) {
                    let list: Vec<String> = c
                        .holidays
                        .iter()
                        .map(|h| match h {
                            Holiday::Date(d) => date(&d.node),
                            Holiday::Bundled(s) => escape(&s.node),
                        })
                        .collect();
                    let covering = c
                        .covering
                        .as_ref()
                        .map(|c| format!(" covering {:04} to {:04}", c.first.node, c.last.node))
                        .unwrap_or_default();
                    let doc = text(format!("holidays {}{covering}", list.join(", ")));
                    let end = c
                        .covering
                        .as_ref()
                        .map_or(span(last).end, |cov| cov.span.end.max(span(last).end));
                    self.item(items, self.back(span(first).start, 1), end, IND + 2, doc);
                }
                self.close(items, c.span.end.saturating_sub(1), IND);
            }
            Decl::Fact(f) => {
                let mut s = format!("fact {}: {}", f.name.node, f.ty.node);
                if !f.codes.is_empty() {
                    s.push_str(&format!(" ({})", names(&f.codes)));
                }
                if f.optional {
                    s.push_str(" optional");
                }
                let end = f.codes.last().unwrap_or(&f.ty).span.end;
                self.item(items, self.back(f.name.span.start, 1), end, IND, text(s));
            }
            Decl::Fees(fs) | Decl::Jurisdictions(fs) => {
                let word = if matches!(d, Decl::Fees(_)) {
                    "fees"
                } else {
                    "jurisdictions"
                };
                if let (Some(first), Some(last)) = (fs.first(), fs.last()) {
                    let doc = text(format!("{word} {}", names(fs)));
                    self.item(
                        items,
                        self.back(first.span.start, 1),
                        last.span.end,
                        IND,
                        doc,
                    );
                }
            }
            Decl::Window(w) => self.window(items, w),
            Decl::Threshold(t) => {
                let doc = Doc::Concat(vec![
                    text(format!("threshold {} = ", t.name.node)),
                    self.top(&t.expr),
                ]);
                let end = self.end_of(&t.expr);
                self.item(items, self.back(t.name.span.start, 1), end, IND, doc);
            }
            Decl::Table(t) => {
                let brace = self.open_brace(t.key.span.end);
                let header = text(format!("table {} by {} {{", t.name.node, t.key.node));
                self.item(
                    items,
                    self.back(t.name.span.start, 1),
                    brace + 1,
                    IND,
                    header,
                );
                let mut last_end = brace + 1;
                for row in &t.rows {
                    let doc = Doc::Concat(vec![
                        text(format!("{}: ", names(&row.keys))),
                        self.top(&row.value),
                    ]);
                    let anchor = row
                        .keys
                        .first()
                        .map_or(row.value.span.start, |k| k.span.start);
                    last_end = self.end_of(&row.value);
                    self.item(items, anchor, last_end, IND + 2, doc);
                }
                if let Some(v) = &t.default {
                    let doc = Doc::Concat(vec![text("otherwise: "), self.top(v)]);
                    last_end = self.end_of(v);
                    self.item(
                        items,
                        self.back(self.start_of(v), 2),
                        last_end,
                        IND + 2,
                        doc,
                    );
                }
                let close = self.src.and_then(|s| s.find(last_end, b'}')).unwrap_or(0);
                self.close(items, close, IND);
            }
            Decl::Rules(b) => self.rules(items, b),
        }
    }

    fn window(&self, items: &mut Vec<Item>, w: &WindowDecl) {
        let paths = |ps: &[Name]| {
            ps.iter()
                .map(|p| p.node.as_str())
                .collect::<Vec<_>>()
                .join(" else ")
        };
        let shape = match &w.shape {
            WindowShape::From {
                duration: d,
                anchor,
            } => {
                format!("{} from {}", duration(d), paths(anchor))
            }
            WindowShape::Until(d) => format!("until {}", date(&d.node)),
            WindowShape::UntilEvent(ps) => format!("until {}", paths(ps)),
            WindowShape::Between(a, b) => {
                format!("between {} and {}", date(&a.node), date(&b.node))
            }
        };
        let mut options = Vec::new();
        for e in &w.extensions {
            let to = match &e.to {
                ExtendTo::Date(d) => format!("extended to {} when ", date(&d.node)),
                ExtendTo::By(d) => format!("extended by {} when ", duration(d)),
            };
            options.push(Doc::Concat(vec![text(to), self.top(&e.when)]));
        }
        if w.roll_forward {
            options.push(text("rolled forward to a business day"));
        }
        match w.plain_dates {
            Some(DayEdge::Start) => options.push(text("plain dates at start of day")),
            Some(DayEdge::End) => options.push(text("plain dates at end of day")),
            None => {}
        }
        let mut tail = Vec::new();
        for o in options {
            tail.push(text(","));
            tail.push(Doc::Line);
            tail.push(o);
        }
        let doc = group(Doc::Concat(vec![
            text(format!("window {} = {shape}", w.name.node)),
            nest(Doc::Concat(tail)),
        ]));
        self.item(items, w.span.start, w.span.end, 2, doc);
    }

    fn rules(&self, items: &mut Vec<Item>, b: &RulesBlock) {
        let scope = match b.scope {
            Scope::EachItem => "",
            Scope::WholeOrder => ", whole order",
        };
        let brace = self.open_brace(b.kind.span.end);
        let header = text(format!("rules for {}{scope} {{", b.kind.node));
        self.item(items, b.span.start, brace + 1, 2, header);
        let all = b.rules.iter().map(|r| ("rule", r));
        let all = all.chain(b.otherwise.iter().map(|r| ("otherwise", r)));
        for (i, (word, r)) in all.enumerate() {
            let start = items.len();
            self.rule(items, word, r);
            if let Some(first) = items.get_mut(start) {
                first.first = if i == 0 { Blank::No } else { Blank::Yes };
                first.rest = Blank::Source(false);
            }
        }
        self.close(items, b.span.end.saturating_sub(1), 2);
    }

    fn rule(&self, items: &mut Vec<Item>, word: &str, r: &Rule) {
        const IND: usize = 4;
        const CL: usize = 6;
        let decision = match r.decision.node {
            Decision::Approve => "approve",
            Decision::Deny => "deny",
            Decision::Review => "review",
        };
        let mut header = format!("{word} {}: {decision}", r.name.node);
        let remedies: Vec<&str> = r.remedies.iter().map(|n| n.node.as_str()).collect();
        if !remedies.is_empty() {
            header.push(' ');
            header.push_str(&remedies.join(" or "));
        }
        if r.as_requested {
            header.push_str(" as requested");
        }
        let header_end = r
            .remedies
            .last()
            .map_or(r.decision.span.end, |n| n.span.end);
        self.item(items, r.span.start, header_end, IND, text(header));

        let quote_lines: Vec<String> = match self.src {
            Some(src) if r.quote.span.end > r.quote.span.start => src
                .quote_lines(r.quote.span)
                .iter()
                .map(|l| format!("{}{}", " ".repeat(CL), l.join(" ")))
                .collect(),
            _ => vec![format!("{}{}", " ".repeat(CL), escape(&r.quote.node))],
        };
        let quote_lines = if quote_lines.is_empty() {
            vec![format!("{}{}", " ".repeat(CL), escape(&r.quote.node))]
        } else {
            quote_lines
        };
        self.push(
            items,
            r.quote.span.start,
            r.quote.span.end,
            CL,
            quote_lines,
            Blank::No,
        );

        for (word, e) in r
            .when
            .iter()
            .map(|e| ("when ", e))
            .chain(r.unless.iter().map(|e| ("unless ", e)))
        {
            let doc = Doc::Concat(vec![text(word), self.top(e)]);
            self.item(
                items,
                self.back(self.start_of(e), 1),
                self.end_of(e),
                CL,
                doc,
            );
        }
        for ev in &r.evidence {
            let Some(first) = ev.codes.first() else {
                continue;
            };
            let mut parts = vec![text(format!("requires evidence {}", names(&ev.codes)))];
            let mut end = ev.codes.last().map_or(first.span.end, |c| c.span.end);
            if let Some(w) = &ev.when {
                parts.push(self.tail(vec![(Doc::Line, "when ", w, None)]));
                end = self.end_of(w);
            }
            self.item(
                items,
                self.back(first.span.start, 2),
                end,
                CL,
                Doc::Concat(parts),
            );
        }
        if let Some(e) = &r.refund {
            let doc = Doc::Concat(vec![text("refund "), self.top(e)]);
            self.item(
                items,
                self.back(self.start_of(e), 1),
                self.end_of(e),
                CL,
                doc,
            );
        }
        for d in &r.deductions {
            let mut parts = vec![text(format!("deduct {} ", d.fee.node)), self.top(&d.amount)];
            let mut end = self.end_of(&d.amount);
            let mut tail = Vec::new();
            if let Some(c) = &d.cap {
                tail.push((Doc::Line, "up to ", c, None));
                end = self.end_of(c);
            }
            if let Some(w) = &d.when {
                tail.push((Doc::Line, "when ", w, None));
                end = self.end_of(w);
            }
            if !tail.is_empty() {
                parts.push(self.tail(tail));
            }
            self.item(
                items,
                self.back(d.fee.span.start, 1),
                end,
                CL,
                Doc::Concat(parts),
            );
        }
        for f in &r.fees {
            let mut parts = vec![text(format!("fee {} paid by {}", f.fee.node, f.payer.node))];
            let mut end = f.payer.span.end;
            let mut tail = Vec::new();
            if let Some(a) = &f.amount {
                tail.push((Doc::Line, "amount ", a, None));
                end = self.end_of(a);
            }
            if let Some(w) = &f.when {
                let otherwise = f.otherwise.as_ref().map(|o| o.node.as_str());
                tail.push((Doc::Line, "when ", w, otherwise));
                end = f
                    .otherwise
                    .as_ref()
                    .map_or_else(|| self.end_of(w), |o| o.span.end);
            }
            if !tail.is_empty() {
                parts.push(self.tail(tail));
            }
            self.item(
                items,
                self.back(f.fee.span.start, 1),
                end,
                CL,
                Doc::Concat(parts),
            );
        }
        if let (Some(first), Some(last)) = (r.deadlines.first(), r.deadlines.last()) {
            let doc = text(format!("deadline {}", names(&r.deadlines)));
            self.item(
                items,
                self.back(first.span.start, 1),
                last.span.end,
                CL,
                doc,
            );
        }
    }

    /// The parts of a clause after its head (`up to ...`, `amount ...`, `when ...`):
    /// on the clause's line if they fit, otherwise each on a continuation line.
    fn tail(&self, parts: Vec<(Doc, &str, &Expr, Option<&str>)>) -> Doc {
        let mut docs = Vec::new();
        for (line, word, e, otherwise) in parts {
            docs.push(line);
            docs.push(text(word));
            docs.push(self.top(e));
            if let Some(o) = otherwise {
                docs.push(text(format!(", otherwise {o}")));
            }
        }
        nest(group(Doc::Concat(docs)))
    }

    // ------------------------------------------------------------ output

    /// Places the comments and empty lines, and joins the items' lines.
    fn finish(&self, mut items: Vec<Item>) -> String {
        let mut leading: Vec<Vec<Comment>> = items.iter().map(|_| Vec::new()).collect();
        let mut trailing: Vec<Vec<Comment>> = items.iter().map(|_| Vec::new()).collect();
        if let Some(src) = self.src {
            let mut order: Vec<(usize, usize)> = items
                .iter()
                .enumerate()
                .map(|(i, it)| (it.anchor, i))
                .collect();
            order.sort_unstable();
            for c in &src.comments {
                let n = order.partition_point(|&(a, _)| a <= c.start);
                let before = n.checked_sub(1).and_then(|k| order.get(k)).map(|&(_, i)| i);
                let after = order.get(n).map(|&(_, i)| i);
                let inside = before.filter(|&i| items.get(i).is_some_and(|it| c.start <= it.end));
                let target = if c.own_line {
                    inside.or(after).map(|i| (i, true))
                } else {
                    before.map(|i| (i, false)).or(after.map(|i| (i, true)))
                };
                match target {
                    Some((i, true)) => leading
                        .get_mut(i)
                        .into_iter()
                        .for_each(|l| l.push(c.clone())),
                    Some((i, false)) => trailing
                        .get_mut(i)
                        .into_iter()
                        .for_each(|l| l.push(c.clone())),
                    None => {}
                }
            }
            // Comments after code go at the ends of the item's lines.
            for (i, it) in items.iter_mut().enumerate() {
                let (Some(tr), Some(lead)) = (trailing.get_mut(i), leading.get_mut(i)) else {
                    continue;
                };
                if tr.is_empty() {
                    continue;
                }
                let n = it.lines.len();
                let first_line = src.line(it.anchor);
                let source_lines = (src.line(it.end) + 1).saturating_sub(first_line);
                let rel: Vec<usize> = tr
                    .iter()
                    .map(|c| src.line(c.start).saturating_sub(first_line))
                    .collect();
                let exact = source_lines == n && rel.iter().all(|&r| r < n);
                if exact {
                    for (c, r) in tr.iter().zip(rel) {
                        if let Some(l) = it.lines.get_mut(r) {
                            l.push(' ');
                            l.push_str(&c.text);
                        }
                    }
                } else {
                    let extra = tr.len().saturating_sub(n);
                    lead.extend(tr.iter().take(extra).cloned());
                    lead.sort_by_key(|c| c.start);
                    let rest = tr.len() - extra;
                    for (k, c) in tr.iter().skip(extra).enumerate() {
                        if let Some(l) = it.lines.get_mut(n - rest + k) {
                            l.push(' ');
                            l.push_str(&c.text);
                        }
                    }
                }
            }
        }
        let mut out = String::new();
        let mut last_end: Option<usize> = None;
        let blank = |rule: Blank, last_end: Option<usize>, start: usize| match rule {
            Blank::No => false,
            Blank::Yes => true,
            Blank::Source(default) => match self.src {
                Some(src) => last_end.is_some_and(|e| src.blank_line_between(e, start)),
                None => default,
            },
        };
        for (i, it) in items.iter().enumerate() {
            let lead = leading.get(i).map(Vec::as_slice).unwrap_or(&[]);
            for (j, c) in lead.iter().enumerate() {
                let rule = if j == 0 { it.first } else { it.rest };
                if blank(rule, last_end, c.start) && !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&" ".repeat(it.indent));
                out.push_str(&c.text);
                out.push('\n');
                last_end = Some(c.end);
            }
            if it.lines.is_empty() {
                continue;
            }
            let rule = match (lead.is_empty(), it.close) {
                (_, true) => Blank::No,
                (true, false) => it.first,
                (false, false) => it.rest,
            };
            if blank(rule, last_end, it.anchor) && !out.is_empty() {
                out.push('\n');
            }
            for l in &it.lines {
                out.push_str(l.trim_end());
                out.push('\n');
            }
            last_end = Some(it.end);
        }
        out
    }
}
