//! Nix source files are bytes, not text: a string literal may hold bytes
//! that are not UTF-8 (`"\xff"` written raw), and C++ Nix keeps them in
//! the string's value and quotes them raw in error excerpts.
//!
//! The parser works on `&str`, so a file that is not valid UTF-8 is
//! decoded with each invalid byte replaced by one private-use character
//! from a block of 128 that the file's valid text does not use
//! ([`decode`]). The block is remembered with the file ([`ByteEscapes`]),
//! so lowering turns such characters in string literals back into the
//! original bytes and error rendering prints them raw. Valid UTF-8 files
//! are untouched and carry no escapes.

/// The first private-use character a block of escapes may start at
/// (Supplementary Private Use Area-A).
const FIRST_BASE: u32 = 0xF_0000;
/// One past the last character a block may use.
const LAST_CHAR: u32 = 0x10_FFFE;

/// The block of characters standing for the invalid bytes `0x80..=0xFF`
/// of one source file (ASCII bytes are always valid UTF-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteEscapes {
    base: u32,
}

impl ByteEscapes {
    /// The character standing for `byte` (`0x80..=0xFF`).
    fn escape(self, byte: u8) -> char {
        char::from_u32(self.base + u32::from(byte - 0x80)).expect("escape block is in range")
    }

    /// The byte `c` stands for, if it is one of this block's characters.
    pub fn byte_of(self, c: char) -> Option<u8> {
        let c = u32::from(c);
        (self.base..self.base + 128)
            .contains(&c)
            .then(|| (c - self.base + 0x80) as u8)
    }

    /// `text` (a piece of the decoded source) as the source's bytes.
    pub fn restore(self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        let mut buf = [0u8; 4];
        for c in text.chars() {
            match self.byte_of(c) {
                Some(b) => out.push(b),
                None => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
            }
        }
        out
    }
}

/// Decodes a source file: valid UTF-8 as is, otherwise with every invalid
/// byte replaced by a character of a fresh escape block (returned too).
/// A file whose valid text uses every candidate block falls back to
/// U+FFFD replacement without escapes.
pub fn decode(bytes: &[u8]) -> (String, Option<ByteEscapes>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), None);
    }
    let in_use = |base: u32| {
        bytes.utf8_chunks().any(|chunk| {
            chunk
                .valid()
                .chars()
                .any(|c| (base..base + 128).contains(&u32::from(c)))
        })
    };
    let Some(base) = (FIRST_BASE..LAST_CHAR - 128)
        .step_by(128)
        .find(|&base| !in_use(base))
    else {
        return (String::from_utf8_lossy(bytes).into_owned(), None);
    };
    let escapes = ByteEscapes { base };
    let mut text = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(chunk.invalid().iter().map(|&b| escapes.escape(b)));
    }
    (text, Some(escapes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_is_untouched() {
        let (text, escapes) = decode("a \u{F0000} é".as_bytes());
        assert_eq!(text, "a \u{F0000} é");
        assert_eq!(escapes, None);
    }

    #[test]
    fn invalid_bytes_round_trip() {
        let raw = b"\"\xff\xc3(\" \xf0\x80";
        let (text, escapes) = decode(raw);
        let escapes = escapes.expect("escaped");
        assert_eq!(escapes.restore(&text), raw.to_vec());
        assert!(!text.contains('\u{FFFD}'));
    }

    #[test]
    fn the_block_avoids_characters_the_file_uses() {
        let mut raw = "\u{F0005}".as_bytes().to_vec();
        raw.push(0xff);
        let (text, escapes) = decode(&raw);
        let escapes = escapes.expect("escaped");
        assert_eq!(escapes.byte_of('\u{F0005}'), None);
        assert_eq!(escapes.restore(&text), raw);
    }
}
