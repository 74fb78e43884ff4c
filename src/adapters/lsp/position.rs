//! Editor positions and byte offsets.
//!
//! The library speaks byte offsets into UTF-8 text; LSP speaks zero-based lines
//! and characters counted in UTF-16 code units (the protocol's default encoding,
//! and the only one every client supports). This is the one place that converts.
//! A position past the end of its line is the line's end; a line past the end of
//! the text is the text's end; a character inside a surrogate pair is the
//! character's start. No position is an error. Lines end as the protocol
//! says: at `\n`, `\r\n` or a carriage return alone (`clause::Source::line_starts_of`,
//! which the library's diagnostics count lines by too).

use lsp_types::{Position, Range};

use clause::Span;

/// Where each line of a text starts, and which lines are ASCII (where a
/// character is a byte, so a position is found without counting).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = clause::Source::line_starts_of(text);
        let ascii = starts
            .iter()
            .zip(starts.iter().skip(1).chain([&text.len()]))
            .map(|(&a, &b)| text.as_bytes().get(a..b).is_some_and(<[u8]>::is_ascii))
            .collect();
        LineIndex { starts, ascii }
    }

    /// The byte offset of a position.
    pub fn offset(&self, text: &str, p: Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return text.len();
        };
        let line = text.get(start..).unwrap_or("");
        let content = line
            .get(..line.find(['\n', '\r']).unwrap_or(line.len()))
            .unwrap_or("");
        let mut units = 0u32;
        for (i, c) in content.char_indices() {
            let next = units + c.len_utf16() as u32;
            if next > p.character {
                return start + i;
            }
            units = next;
        }
        start + content.len()
    }

    /// The position of a byte offset (one inside a character counts as its start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let (line, start, offset) = self.line_of(text, offset);
        Position::new(line as u32, self.units(text, line, start, offset))
    }

    /// The line of a byte offset, the line's start, and the offset moved back
    /// to a character boundary.
    fn line_of(&self, text: &str, offset: usize) -> (usize, usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        (line, start, offset)
    }

    /// UTF-16 units from `from` to `to`, both on `line`.
    fn units(&self, text: &str, line: usize, from: usize, to: usize) -> u32 {
        if self.ascii.get(line) == Some(&true) {
            return (to - from) as u32;
        }
        text.get(from..to)
            .map_or(0, |s| s.chars().map(|c| c.len_utf16() as u32).sum())
    }

    /// Positions of offsets given in increasing order, each counted on from
    /// the one before when on the same line: linear in the text for any
    /// number of offsets, where [`position`](Self::position) would count
    /// each from its line's start (quadratic on one long line that is not ASCII).
    pub fn cursor<'a>(&'a self, text: &'a str) -> Cursor<'a> {
        Cursor {
            index: self,
            text,
            line: usize::MAX,
            at: 0,
            units: 0,
        }
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    pub fn span(&self, text: &str, range: Range) -> Span {
        let start = self.offset(text, range.start);
        let end = self.offset(text, range.end);
        Span::new(start.min(end), end.max(start))
    }
}

/// See [`LineIndex::cursor`].
pub struct Cursor<'a> {
    index: &'a LineIndex,
    text: &'a str,
    /// The line of the last position given (`usize::MAX` before the first).
    line: usize,
    at: usize,
    units: u32,
}

impl Cursor<'_> {
    pub fn position(&mut self, offset: usize) -> Position {
        let (line, start, offset) = self.index.line_of(self.text, offset);
        let units = if line == self.line && offset >= self.at {
            self.units + self.index.units(self.text, line, self.at, offset)
        } else {
            self.index.units(self.text, line, start, offset)
        };
        (self.line, self.at, self.units) = (line, offset, units);
        Position::new(line as u32, units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_round_trip() {
        let text = "policy p {\n  currency USD\n}\n";
        let ix = LineIndex::new(text);
        for offset in 0..=text.len() {
            assert_eq!(ix.offset(text, ix.position(text, offset)), offset);
        }
        assert_eq!(ix.position(text, 13), Position::new(1, 2));
    }

    #[test]
    fn non_ascii_lines_count_utf16_units() {
        // é is 2 bytes and 1 unit; 😀 is 4 bytes and 2 units (a surrogate pair); 한 is 3 bytes, 1 unit.
        let text = "# é😀한\n  rule x: deny \"Café 😀\" when y\n";
        let ix = LineIndex::new(text);
        let x = text.find("x:").unwrap_or(0);
        assert_eq!(ix.position(text, x), Position::new(1, 7));
        let after_emoji = text.find('한').unwrap_or(0);
        assert_eq!(ix.position(text, after_emoji), Position::new(0, 5));
        assert_eq!(ix.offset(text, Position::new(0, 5)), after_emoji);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(
            ix.offset(text, Position::new(0, 4)),
            text.find('😀').unwrap_or(0)
        );
        // Every character boundary survives the round trip.
        for (offset, _) in text.char_indices() {
            assert_eq!(ix.offset(text, ix.position(text, offset)), offset);
        }
        let when = text.find("when").unwrap_or(0);
        let p = ix.position(text, when);
        assert_eq!(p, Position::new(1, 25));
    }

    #[test]
    fn a_cursor_gives_what_position_gives() {
        let text = "# é😀한 x y\n  rule x: deny \"Café 😀\" when y\nplain ascii line\n😀";
        let ix = LineIndex::new(text);
        let mut cursor = ix.cursor(text);
        let mut offsets: Vec<usize> = (0..=text.len() + 2).collect();
        // In order, then out of order (counted afresh).
        offsets.extend([30, 3, 0, text.len()]);
        for offset in offsets {
            assert_eq!(
                cursor.position(offset),
                ix.position(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn positions_out_of_range_are_clamped() {
        let text = "ab\r\ncd";
        let ix = LineIndex::new(text);
        assert_eq!(ix.offset(text, Position::new(0, 99)), 2);
        assert_eq!(ix.offset(text, Position::new(7, 0)), text.len());
        assert_eq!(ix.position(text, 99), Position::new(1, 2));
    }

    #[test]
    fn a_carriage_return_alone_ends_a_line() {
        let text = "ab\rcd\r\nef\n\rg";
        let ix = LineIndex::new(text);
        assert_eq!(ix.position(text, 2), Position::new(0, 2));
        assert_eq!(ix.position(text, 3), Position::new(1, 0));
        assert_eq!(ix.position(text, 7), Position::new(2, 0));
        assert_eq!(ix.position(text, 10), Position::new(3, 0));
        assert_eq!(ix.position(text, 11), Position::new(4, 0));
        assert_eq!(ix.offset(text, Position::new(0, 9)), 2);
        assert_eq!(ix.offset(text, Position::new(1, 9)), 5);
        assert_eq!(ix.offset(text, Position::new(3, 9)), 10);
        assert_eq!(ix.offset(text, Position::new(4, 1)), 12);
    }
}
