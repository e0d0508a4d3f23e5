//! Conversions at the protocol edge: LSP positions (line, UTF-16 column)
//! ↔ byte offsets, URIs ↔ absolute paths, and analysis results → LSP
//! types.

use tower_lsp_server::ls_types::{self as lsp, Uri};
use tvix_analysis::Severity;
use tvix_syntax::{LineIndex, TextRange, TextSize, WideLineCol};

/// The byte offset of an LSP position; columns past a line's end clamp to
/// it, lines past the last to the end of the text.
pub fn offset(index: &LineIndex, position: lsp::Position) -> TextSize {
    let utf8 = index.to_utf8(WideLineCol {
        line: position.line,
        col: position.character,
    });
    index.offset(utf8).unwrap_or(index.len())
}

/// The LSP position of a byte offset.
pub fn position(index: &LineIndex, offset: TextSize) -> lsp::Position {
    let wide = index.to_wide(index.line_col(offset.min(index.len())));
    lsp::Position::new(wide.line, wide.col)
}

/// The LSP range of a byte range.
pub fn range(index: &LineIndex, range: TextRange) -> lsp::Range {
    lsp::Range::new(position(index, range.start()), position(index, range.end()))
}

/// The byte range of an LSP range.
pub fn text_range(index: &LineIndex, range: lsp::Range) -> TextRange {
    let start = offset(index, range.start);
    let end = offset(index, range.end).max(start);
    TextRange::new(start, end)
}

/// The absolute path of a `file:` URI.
pub fn path(uri: &Uri) -> Option<String> {
    let path = uri.to_file_path()?;
    Some(path.to_string_lossy().into_owned())
}

/// The `file:` URI of an absolute path.
pub fn uri(path: &str) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// An analysis severity as LSP's.
pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trip() {
        let text = "a = \"é😀\";\nb = 1;\n";
        let index = LineIndex::new(text);
        // `;` after the emoji: é is 1 UTF-16 unit, 😀 is 2.
        let semicolon = TextSize::from(text.find(';').unwrap() as u32);
        let pos = position(&index, semicolon);
        assert_eq!(pos, lsp::Position::new(0, 9));
        assert_eq!(offset(&index, pos), semicolon);
        // Past the end of a line: clamped to the line's end.
        assert_eq!(
            offset(&index, lsp::Position::new(1, 99)),
            TextSize::from(20)
        );
        // Past the last line: the end of the text.
        assert_eq!(offset(&index, lsp::Position::new(9, 0)), index.len());
    }
}
