//! A forgiving scan of policy text into words, numbers, strings and comments.
//!
//! The pest grammar reads only whole, valid files; an editor asks about files
//! being typed. This scan never fails: it is what completion, semantic tokens and
//! the declaration list stand on when the file does not parse.

use crate::language::source::Span;

/// What a piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `window`, `return_window`, `USD`.
    Word,
    /// `order.placed_at`, `facts.tier`, and a path being typed (`item.condition.`).
    Path,
    /// `30`, `12.5`, `2024-01-31`, `15%`.
    Number,
    /// `"..."`, up to its closing quote or the end of the line.
    String,
    /// `# ...` to the end of the line.
    Comment,
    /// Any other sign: `{`, `:`, `(`, `<=`, ...
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// A piece of text and what it is.
pub struct Token {
    /// What the piece is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

impl Token {
    /// The token's text in `text`.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.span.start..self.span.end).unwrap_or("")
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Scans the whole text. Every byte is in at most one token; spaces in none.
pub fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = at(i);
        let start = i;
        let kind = if c == b' ' || c == b'\t' || c == b'\r' || c == b'\n' {
            i += 1;
            continue;
        } else if c == b'#' {
            while i < bytes.len() && at(i) != b'\n' {
                i += 1;
            }
            TokenKind::Comment
        } else if c == b'"' {
            i += 1;
            while i < bytes.len() && at(i) != b'"' && at(i) != b'\n' {
                i += if at(i) == b'\\' && at(i + 1) != b'\n' {
                    2
                } else {
                    1
                };
            }
            if at(i) == b'"' {
                i += 1;
            }
            TokenKind::String
        } else if c.is_ascii_digit() {
            while i < bytes.len() && (at(i).is_ascii_digit() || at(i) == b'.' || at(i) == b'-') {
                i += 1;
            }
            if at(i) == b'%' {
                i += 1;
            }
            TokenKind::Number
        } else if is_ident_start(c) {
            let mut kind = TokenKind::Word;
            loop {
                while i < bytes.len() && is_ident(at(i)) {
                    i += 1;
                }
                if at(i) == b'.' && (is_ident_start(at(i + 1)) || !is_ident(at(i + 1))) {
                    kind = TokenKind::Path;
                    i += 1;
                    if !is_ident_start(at(i)) {
                        break;
                    }
                } else {
                    break;
                }
            }
            kind
        } else {
            // One character, whatever its width in bytes.
            i += text
                .get(i..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            if matches!(c, b'<' | b'>' | b'!') && at(i) == b'=' {
                i += 1;
            }
            TokenKind::Punct
        };
        out.push(Token {
            kind,
            span: Span::new(start, i.min(bytes.len())),
        });
    }
    out
}

/// The token that contains `offset` or ends at it (a cursor just after a word is on the word).
pub fn token_at(tokens: &[Token], offset: usize) -> Option<&Token> {
    let i = tokens.partition_point(|t| t.span.end < offset);
    tokens
        .get(i)
        .filter(|t| t.span.start <= offset && offset <= t.span.end)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::indexing_slicing, reason = "tests")]
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokens(text)
            .iter()
            .map(|t| (t.kind, t.text(text)))
            .collect()
    }

    #[test]
    fn words_paths_numbers_strings_comments() {
        let k = kinds("when item.condition.opened <= 30 lb \"a \\\"b\\\"\" # ça\n2024-01-31 15%");
        assert_eq!(
            k,
            vec![
                (TokenKind::Word, "when"),
                (TokenKind::Path, "item.condition.opened"),
                (TokenKind::Punct, "<="),
                (TokenKind::Number, "30"),
                (TokenKind::Word, "lb"),
                (TokenKind::String, "\"a \\\"b\\\"\""),
                (TokenKind::Comment, "# ça"),
                (TokenKind::Number, "2024-01-31"),
                (TokenKind::Number, "15%"),
            ]
        );
    }

    #[test]
    fn half_typed_text() {
        let k = kinds("when item.condition. and \"open");
        assert_eq!(k[1], (TokenKind::Path, "item.condition."));
        assert_eq!(k[3], (TokenKind::String, "\"open"));
        // A lone non-ASCII sign is one token, and scanning goes on after it.
        assert_eq!(
            kinds("é x"),
            vec![(TokenKind::Punct, "é"), (TokenKind::Word, "x")]
        );
    }
}
