//! Turning a file's bytes into text.

use std::fmt;

/// The input was not valid UTF-8; Nix source must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonUtf8Error {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    /// 1-based line of the first invalid byte.
    pub line: u32,
    /// 1-based column (in bytes) of the first invalid byte.
    pub column: u32,
}

impl fmt::Display for NonUtf8Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "file is not valid UTF-8 (invalid byte at line {}, column {})",
            self.line, self.column
        )
    }
}

impl std::error::Error for NonUtf8Error {}

/// Decodes `bytes` as UTF-8 source text, reporting where it is not.
pub fn decode_source(bytes: &[u8]) -> Result<&str, NonUtf8Error> {
    std::str::from_utf8(bytes).map_err(|err| {
        let offset = err.valid_up_to();
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        NonUtf8Error {
            offset,
            line,
            column: (offset - line_start) as u32 + 1,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_position_of_first_invalid_byte() {
        let err = decode_source(b"let\n  x = \xff;\nin x").unwrap_err();
        assert_eq!(
            err,
            NonUtf8Error {
                offset: 10,
                line: 2,
                column: 7
            }
        );
        assert_eq!(
            err.to_string(),
            "file is not valid UTF-8 (invalid byte at line 2, column 7)"
        );
    }

    #[test]
    fn accepts_utf8() {
        assert_eq!(decode_source("é".as_bytes()), Ok("é"));
    }
}
