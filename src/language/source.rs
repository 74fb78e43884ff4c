//! Policy source text and the spans that point into it.

use std::sync::Arc;

/// A policy file's name and text, shared by every diagnostic that points into it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name diagnostics give the file (usually its path).
    pub name: Arc<str>,
    /// The whole text.
    pub text: Arc<str>,
    /// Byte offset where each line starts, for line and column lookups.
    line_starts: Arc<[usize]>,
}

impl Source {
    /// A text with the name its diagnostics give it.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let line_starts = Source::line_starts_of(&text);
        Source {
            name: Arc::from(name.into()),
            text: Arc::from(text),
            line_starts: Arc::from(line_starts),
        }
    }

    /// The byte offset where each line of `text` starts, lines ending as
    /// editors and the language server protocol end them: at `\n`, `\r\n`,
    /// or a carriage return alone (which the parser refuses when more of its
    /// line follows, and which a diagnostic must count as editors do).
    ///
    /// ```
    /// assert_eq!(clause::Source::line_starts_of("a\nb\r\nc\rd"), [0, 2, 5, 7]);
    /// ```
    pub fn line_starts_of(text: &str) -> Vec<usize> {
        let once = std::iter::once(0);
        if !text.contains('\r') {
            return once
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
        }
        let bytes = text.as_bytes();
        let ends = |&i: &usize| match bytes.get(i) {
            Some(b'\n') => true,
            Some(b'\r') => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        once.chain((0..bytes.len()).filter(ends).map(|i| i + 1))
            .collect()
    }

    /// 1-based line and column of a byte offset (columns count characters; a
    /// byte order mark at the start of the file is not one, as editors do not
    /// show it).
    ///
    /// ```
    /// let s = clause::Source::new("p.policy", "\u{feff}policy p");
    /// assert_eq!(s.line_col(3), (1, 1));
    /// assert_eq!(s.line_col(10), (1, 8));
    /// ```
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // The last line starting at or before the offset.
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(line_start..offset)
            .map_or(0, |s| s.trim_start_matches('\u{feff}').chars().count())
            + 1;
        (line, col)
    }

    /// `file:line:column` of a span's start.
    pub fn location(&self, span: Span) -> String {
        let (line, col) = self.line_col(span.start);
        format!("{}:{}:{}", self.name, line, col)
    }

    /// The text for miette's drawing of diagnostics. miette ends lines at
    /// `\n` only, so each carriage return alone that ends a line here becomes
    /// a line feed (the same byte, so every span stays put): the lines are
    /// drawn as an editor shows them, and no bare carriage return reaches a
    /// terminal.
    pub fn named_source(&self) -> miette::NamedSource<String> {
        let mut bytes = self.text.as_bytes().to_vec();
        for &start in self.line_starts.iter().skip(1) {
            if let Some(b @ b'\r') = bytes.get_mut(start - 1) {
                *b = b'\n';
            }
        }
        // One ASCII byte replaced by another: still UTF-8.
        let text = String::from_utf8(bytes).unwrap_or_else(|_| self.text.to_string());
        miette::NamedSource::new(&*self.name, text)
    }
}

/// A line without its leading blanks, and without the byte order mark a file's
/// first line may start with: where line-based readings of comments
/// (`# clause: ...` directives, quotes) start.
pub(crate) fn trim_line_start(line: &str) -> &str {
    line.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// A byte range in a [`Source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// The byte after the last.
    pub end: usize,
}

impl Span {
    /// The bytes from `start` up to (not including) `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.end.saturating_sub(s.start)).into()
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(s: pest::Span<'_>) -> Self {
        Span::new(s.start(), s.end())
    }
}
