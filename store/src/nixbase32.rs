//! Nix's base-32 encoding: its own 32-letter alphabet (no `e`, `o`, `u`,
//! `t`) and the bytes read least significant first, so the printed string
//! is the reverse of a textbook base-32.

const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// The length of the encoding of `bytes` bytes.
pub fn encoded_len(bytes: usize) -> usize {
    (bytes * 8).div_ceil(5)
}

/// Encodes `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(encoded_len(bytes.len()));
    encode_into(&mut out, bytes);
    out
}

/// Appends the encoding of `bytes` to `out`.
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    let len = encoded_len(bytes.len());
    out.reserve(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let low = (bytes[i] >> j) as u16;
        let high = if i + 1 < bytes.len() {
            (bytes[i + 1] as u16) << (8 - j)
        } else {
            0
        };
        out.push(ALPHABET[((low | high) & 0x1f) as usize] as char);
    }
}

/// Why a string is not the nixbase32 encoding of some bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A character outside the alphabet, at this byte offset.
    InvalidChar(usize),
    /// The string's length is the encoding of no whole number of bytes
    /// of the requested size.
    WrongLength,
    /// The top character carries bits beyond the last byte (C++ Nix
    /// rejects these, so that every hash has one encoding).
    Overflow,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::InvalidChar(i) => write!(f, "invalid character at offset {i}"),
            DecodeError::WrongLength => f.write_str("wrong length"),
            DecodeError::Overflow => f.write_str("excess bits in the first character"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Each byte's digit value, or `NOT_A_DIGIT` (every store path's hash
/// part is checked against this table).
const DIGIT_VALUES: [u8; 256] = {
    let mut table = [NOT_A_DIGIT; 256];
    let mut d = 0;
    while d < ALPHABET.len() {
        table[ALPHABET[d] as usize] = d as u8;
        d += 1;
    }
    table
};
const NOT_A_DIGIT: u8 = 0xff;

/// The value of one nixbase32 digit.
fn digit_value(c: u8) -> Option<u8> {
    let d = DIGIT_VALUES[usize::from(c)];
    (d != NOT_A_DIGIT).then_some(d)
}

/// Decodes `text` into `len` bytes, accepting exactly the strings
/// [`encode`] produces for `len` bytes.
pub fn decode_exact(text: &[u8], len: usize) -> Result<Vec<u8>, DecodeError> {
    if text.len() != encoded_len(len) {
        return Err(DecodeError::WrongLength);
    }
    let mut out = vec![0u8; len];
    for (n, &c) in text.iter().rev().enumerate() {
        let offset = text.len() - 1 - n;
        let digit = digit_value(c).ok_or(DecodeError::InvalidChar(offset))?;
        let b = n * 5;
        let (i, j) = (b / 8, b % 8);
        out[i] |= ((digit as u16) << j) as u8;
        let carry = (digit as u16) >> (8 - j);
        if i + 1 < len {
            out[i + 1] |= carry as u8;
        } else if carry != 0 {
            return Err(DecodeError::Overflow);
        }
    }
    Ok(out)
}

/// Decodes `text` into as many bytes as it encodes (`len * 5 / 8`).
pub fn decode(text: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let len = text.len() * 5 / 8;
    decode_exact(text, len)
}

/// Whether `c` is a nixbase32 digit.
pub fn is_digit(c: u8) -> bool {
    digit_value(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_inverts_encode() {
        for len in [0usize, 1, 16, 20, 32, 64] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode(&bytes);
            assert_eq!(
                decode_exact(text.as_bytes(), len).as_deref(),
                Ok(&bytes[..])
            );
            assert_eq!(decode(text.as_bytes()).as_deref(), Ok(&bytes[..]));
        }
    }

    #[test]
    fn decode_rejects_bad_input() {
        assert_eq!(decode_exact(b"0e", 1), Err(DecodeError::InvalidChar(1)));
        assert_eq!(decode_exact(b"00", 2), Err(DecodeError::WrongLength));
        // 2 characters = 10 bits for 1 byte: the top 2 bits must be zero.
        assert_eq!(decode_exact(b"z0", 1), Err(DecodeError::Overflow));
        assert_eq!(decode_exact(b"7z", 1), Ok(vec![0xff]));
    }

    #[test]
    fn sha256_of_nothing_matches_nix() {
        // `nix-hash --type sha256 --to-base32 $(sha256sum </dev/null)`
        let digest = crate::hash::digest(crate::hash::Algorithm::Sha256, b"");
        assert_eq!(
            encode(&digest),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
    }

    #[test]
    fn lengths() {
        assert_eq!(encoded_len(20), 32);
        assert_eq!(encoded_len(32), 52);
        assert_eq!(encoded_len(64), 103);
        assert_eq!(encode(&[]), "");
    }
}
