//! Offsets ↔ line/column, in UTF-8 bytes and in UTF-16 code units (LSP).

use rnix::TextSize;

/// A 0-based line and a 0-based column counted in UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 0-based line number.
    pub line: u32,
    /// 0-based column, in bytes from the start of the line.
    pub col: u32,
}

/// A 0-based line and a 0-based column counted in UTF-16 code units, as the
/// Language Server Protocol counts them by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WideLineCol {
    /// 0-based line number.
    pub line: u32,
    /// 0-based column, in UTF-16 code units from the start of the line.
    pub col: u32,
}

/// Maps byte offsets of one text to lines and columns and back.
///
/// Lines end at `\n`; a `\r` before it belongs to the line's text, as in
/// C++ Nix's positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset at which each line starts; the first is always 0.
    line_starts: Vec<TextSize>,
    /// For each line that contains non-ASCII text, the multi-byte chars on it.
    wide_chars: Vec<(u32, Vec<WideChar>)>,
    len: TextSize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WideChar {
    /// Column (bytes) where the char starts.
    start: u32,
    /// Length of the char in UTF-8 bytes.
    len_utf8: u32,
    /// Length of the char in UTF-16 code units.
    len_utf16: u32,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![TextSize::from(0)];
        let mut wide_chars = Vec::new();
        let mut current_wide = Vec::new();
        let mut line_start = 0usize;
        for (offset, c) in text.char_indices() {
            if c == '\n' {
                let line = line_starts.len() as u32 - 1;
                if !current_wide.is_empty() {
                    wide_chars.push((line, std::mem::take(&mut current_wide)));
                }
                line_start = offset + 1;
                line_starts.push(TextSize::from(line_start as u32));
            } else if !c.is_ascii() {
                current_wide.push(WideChar {
                    start: (offset - line_start) as u32,
                    len_utf8: c.len_utf8() as u32,
                    len_utf16: c.len_utf16() as u32,
                });
            }
        }
        if !current_wide.is_empty() {
            wide_chars.push((line_starts.len() as u32 - 1, current_wide));
        }
        LineIndex {
            line_starts,
            wide_chars,
            len: TextSize::of(text),
        }
    }

    /// Number of lines (a text without newline has one).
    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Length of the indexed text.
    pub fn len(&self) -> TextSize {
        self.len
    }

    /// Whether the indexed text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == TextSize::from(0)
    }

    /// Byte offset at which `line` (0-based) starts, if it exists.
    pub fn line_start(&self, line: u32) -> Option<TextSize> {
        self.line_starts.get(line as usize).copied()
    }

    /// Line and byte column of `offset`; offsets past the end clamp to it.
    pub fn line_col(&self, offset: TextSize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        LineCol {
            line: line as u32,
            col: u32::from(offset - self.line_starts[line]),
        }
    }

    /// Offset of a line and byte column, or `None` when the line does not
    /// exist. Columns past the end of the line clamp to the line's end.
    pub fn offset(&self, pos: LineCol) -> Option<TextSize> {
        let start = *self.line_starts.get(pos.line as usize)?;
        let end = self
            .line_starts
            .get(pos.line as usize + 1)
            .map_or(self.len, |&next| next - TextSize::from(1));
        Some((start + TextSize::from(pos.col)).min(end))
    }

    /// Converts a UTF-8 column to a UTF-16 one.
    pub fn to_wide(&self, pos: LineCol) -> WideLineCol {
        let mut col = pos.col;
        for wide in self.wide_chars_on(pos.line) {
            if wide.start >= pos.col {
                break;
            }
            col -= wide.len_utf8 - wide.len_utf16;
        }
        WideLineCol {
            line: pos.line,
            col,
        }
    }

    /// Converts a UTF-16 column to a UTF-8 one. A column inside a surrogate
    /// pair snaps to the start of its char.
    pub fn to_utf8(&self, pos: WideLineCol) -> LineCol {
        let (mut utf8, mut utf16) = (0u32, 0u32);
        for wide in self.wide_chars_on(pos.line) {
            let ascii_run = wide.start - utf8;
            if pos.col <= utf16 + ascii_run {
                break;
            }
            utf16 += ascii_run;
            utf8 = wide.start;
            if pos.col < utf16 + wide.len_utf16 {
                return LineCol {
                    line: pos.line,
                    col: wide.start,
                };
            }
            utf16 += wide.len_utf16;
            utf8 += wide.len_utf8;
        }
        LineCol {
            line: pos.line,
            col: utf8 + (pos.col - utf16),
        }
    }

    fn wide_chars_on(&self, line: u32) -> impl Iterator<Item = &WideChar> {
        self.wide_chars
            .binary_search_by_key(&line, |(l, _)| *l)
            .ok()
            .map(|i| self.wide_chars[i].1.iter())
            .into_iter()
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_round_trip() {
        let text = "let\n  x = 1;\nin x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        for offset in 0..=text.len() as u32 {
            let pos = index.line_col(offset.into());
            assert_eq!(index.offset(pos), Some(offset.into()), "{pos:?}");
            assert_eq!(index.to_utf8(index.to_wide(pos)), pos);
        }
        assert_eq!(index.line_col(6.into()), LineCol { line: 1, col: 2 });
    }

    #[test]
    fn utf16_columns() {
        // 'é' is 2 bytes / 1 unit; '𝕏' is 4 bytes / 2 units.
        let text = "a\né𝕏x = 1;\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        let pos = index.line_col(x.into());
        assert_eq!(pos, LineCol { line: 1, col: 6 });
        assert_eq!(index.to_wide(pos), WideLineCol { line: 1, col: 3 });
        assert_eq!(index.to_utf8(WideLineCol { line: 1, col: 3 }), pos);
        assert_eq!(
            index.to_utf8(WideLineCol { line: 1, col: 1 }),
            LineCol { line: 1, col: 2 }
        );
        // Inside the surrogate pair: snap to the start of '𝕏'.
        assert_eq!(
            index.to_utf8(WideLineCol { line: 1, col: 2 }),
            LineCol { line: 1, col: 2 }
        );
    }

    #[test]
    fn clamps_past_end() {
        let index = LineIndex::new("ab");
        assert_eq!(index.line_col(10.into()), LineCol { line: 0, col: 2 });
        assert_eq!(index.offset(LineCol { line: 0, col: 9 }), Some(2.into()));
        assert_eq!(index.offset(LineCol { line: 3, col: 0 }), None);
    }
}
