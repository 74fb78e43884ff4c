//! What the printer reads from the source text because the AST does not keep
//! it: comments, blank lines, parentheses, and how a quote's pieces were grouped
//! on lines.

use crate::language::source::{Source, Span};

/// A comment: where it is and whether code precedes it on its line.
#[derive(Debug, Clone)]
pub(super) struct Comment {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) text: String,
    pub(super) own_line: bool,
}

/// The source text with what the printer needs to find in it.
pub(super) struct Src<'a> {
    source: &'a Source,
    pub(super) text: &'a str,
    /// The text with comments and the insides of strings blanked out (same offsets).
    pub(super) code: Vec<u8>,
    pub(super) comments: Vec<Comment>,
}

/// Finds the comments in `text`, and the text with comments and string contents
/// replaced by spaces.
pub(super) fn scan(text: &str) -> (Vec<Comment>, Vec<u8>) {
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

pub(super) fn comment(text: &str, start: usize, end: usize, own_line: bool) -> Comment {
    let t = text.get(start..end).unwrap_or("").trim_end().to_string();
    Comment {
        start,
        end: start + t.len(),
        text: t,
        own_line,
    }
}

pub(super) fn blank(code: &mut [u8], at: usize, c: char) {
    for k in at..at + c.len_utf8() {
        if let Some(b) = code.get_mut(k) {
            *b = b' ';
        }
    }
}

impl<'a> Src<'a> {
    pub(super) fn new(source: &'a Source) -> Self {
        let (comments, code) = scan(&source.text);
        Src {
            source,
            text: &source.text,
            code,
            comments,
        }
    }

    /// The last code character before `at`, skipping whitespace and comments.
    pub(super) fn prev_code(&self, at: usize) -> Option<(usize, u8)> {
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
    pub(super) fn next_code(&self, at: usize) -> Option<(usize, u8)> {
        (at..self.code.len()).find_map(|i| {
            let b = *self.code.get(i)?;
            (!b.is_ascii_whitespace()).then_some((i, b))
        })
    }

    /// Where the character `c` next occurs in code at or after `at`.
    pub(super) fn find(&self, at: usize, c: u8) -> Option<usize> {
        (at..self.code.len()).find(|&i| self.code.get(i) == Some(&c))
    }

    /// Whether the text between two offsets holds an empty line.
    pub(super) fn blank_line_between(&self, from: usize, to: usize) -> bool {
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

    pub(super) fn line(&self, offset: usize) -> usize {
        self.source.line_col(offset).0
    }

    /// The string literals in a span, raw (with their quotes), grouped by line.
    pub(super) fn quote_lines(&self, span: Span) -> Vec<Vec<&'a str>> {
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
