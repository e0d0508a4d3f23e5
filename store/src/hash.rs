//! The hash algorithms Nix names (`md5`, `sha1`, `sha256`, `sha512`),
//! typed hashes ([`Hash`]) and their four printed forms: base 16,
//! nixbase32, base 64 and SRI (`sha256-<base64>`).
//!
//! Parsing follows C++ Nix's `Hash::parseAny`: an optional `algo:` or SRI
//! `algo-` prefix, then the encoding chosen by length (SRI is always base
//! 64, padding optional). Error messages are C++ Nix's (current wording,
//! which the language test suite expects).

use sha2::Digest;

/// A hash algorithm Nix knows by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// MD5 (16 bytes).
    Md5,
    /// SHA-1 (20 bytes).
    Sha1,
    /// SHA-256 (32 bytes).
    Sha256,
    /// SHA-512 (64 bytes).
    Sha512,
}

impl Algorithm {
    /// The algorithm called `name` in Nix (`"sha256"`), if any.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "md5" => Algorithm::Md5,
            "sha1" => Algorithm::Sha1,
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    /// The algorithm's name as Nix prints it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// The digest size in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Algorithm::Md5 => 16,
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A hash of a known algorithm.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash {
    /// The algorithm.
    pub algo: Algorithm,
    /// The digest, exactly [`Algorithm::digest_len`] bytes.
    pub digest: Vec<u8>,
}

/// Why a string is not a hash; the message is C++ Nix's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashError(pub String);

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HashError {}

impl PartialOrd for Algorithm {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Algorithm {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

/// The algorithm called `name`, or C++ Nix's error for an unknown one.
pub fn parse_algorithm(name: &str) -> Result<Algorithm, HashError> {
    Algorithm::from_name(name).ok_or_else(|| {
        HashError(format!(
            "unknown hash algorithm '{name}', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"
        ))
    })
}

impl Hash {
    /// The hash of `data` under `algo`.
    pub fn of(algo: Algorithm, data: &[u8]) -> Hash {
        Hash {
            algo,
            digest: digest(algo, data),
        }
    }

    /// The all-zero hash C++ Nix assumes for an empty `outputHash`.
    pub fn zero(algo: Algorithm) -> Hash {
        Hash {
            algo,
            digest: vec![0; algo.digest_len()],
        }
    }

    /// Parses `text` as C++ Nix's `Hash::parseAny`: `algo:` or SRI
    /// `algo-` prefix optional when `algo` is given, which it must then
    /// agree with.
    pub fn parse_any(text: &str, algo: Option<Algorithm>) -> Result<Hash, HashError> {
        let (prefix, rest, sri) = match text.split_once(':') {
            Some((p, r)) => (Some(p), r, false),
            None => match text.split_once('-') {
                Some((p, r)) => (Some(p), r, true),
                None => (None, text, false),
            },
        };
        let parsed = prefix.map(parse_algorithm).transpose()?;
        let algo = match (parsed, algo) {
            (None, None) => {
                return Err(HashError(format!(
                    "hash '{text}' does not include a type, nor is the type otherwise known from context"
                )));
            }
            (Some(p), Some(a)) if p != a => {
                return Err(HashError(format!("hash '{text}' should have type '{a}'")));
            }
            (Some(a), _) | (None, Some(a)) => a,
        };
        if sri {
            return decode_as(rest, algo, Encoding::Sri);
        }
        Hash::parse_unprefixed(rest, algo)
    }

    /// Parses `text` with no prefix: base 16, nixbase32 or base 64, chosen
    /// by length.
    pub fn parse_unprefixed(text: &str, algo: Algorithm) -> Result<Hash, HashError> {
        let len = algo.digest_len();
        let encoding = if text.len() == len * 2 {
            Encoding::Base16
        } else if text.len() == crate::nixbase32::encoded_len(len) {
            Encoding::Nix32
        } else if text.len() == len.div_ceil(3) * 4 {
            Encoding::Base64
        } else {
            return Err(HashError(format!(
                "hash '{text}' has wrong length for hash algorithm '{algo}'"
            )));
        };
        decode_as(text, algo, encoding)
    }

    /// Parses an SRI hash (`sha256-<base64>`).
    pub fn parse_sri(text: &str) -> Result<Hash, HashError> {
        let Some((prefix, rest)) = text.split_once('-') else {
            return Err(HashError(format!("hash '{text}' is not SRI")));
        };
        decode_as(rest, parse_algorithm(prefix)?, Encoding::Sri)
    }

    /// Lower-case base 16.
    pub fn to_base16(&self) -> String {
        hex(&self.digest)
    }

    /// Nix's base 32.
    pub fn to_nix32(&self) -> String {
        crate::nixbase32::encode(&self.digest)
    }

    /// Standard padded base 64.
    pub fn to_base64(&self) -> String {
        base64_encode(&self.digest)
    }

    /// `algo-<base64>`.
    pub fn to_sri(&self) -> String {
        format!("{}-{}", self.algo, self.to_base64())
    }
}

/// C++ Nix's `newHashAllowEmpty`: an empty string is the all-zero hash of
/// `algo` (C++ Nix warns), which must then be known.
pub fn parse_allow_empty(text: &str, algo: Option<Algorithm>) -> Result<Hash, HashError> {
    if text.is_empty() {
        return match algo {
            Some(a) => Ok(Hash::zero(a)),
            None => Err(HashError(
                "empty hash requires explicit hash algorithm".to_string(),
            )),
        };
    }
    Hash::parse_any(text, algo)
}

#[derive(Clone, Copy)]
enum Encoding {
    Base16,
    Nix32,
    Base64,
    Sri,
}

/// Decodes `text` and checks the length, with C++ Nix's messages (a bad
/// character decodes to nothing, so it reports length 0 as C++ Nix does).
fn decode_as(text: &str, algo: Algorithm, encoding: Encoding) -> Result<Hash, HashError> {
    let (decoded, name) = match encoding {
        Encoding::Base16 => (base16_decode(text), "base16"),
        Encoding::Nix32 => (nix32_decode_lenient(text), "nix32"),
        Encoding::Base64 => (base64_decode(text), "Base64"),
        Encoding::Sri => (base64_decode(text), "SRI"),
    };
    let decoded = decoded.unwrap_or_default();
    if decoded.len() != algo.digest_len() {
        return Err(HashError(format!(
            "invalid {name} hash '{text}', length {} != expected length {}",
            decoded.len(),
            algo.digest_len()
        )));
    }
    Ok(Hash {
        algo,
        digest: decoded,
    })
}

fn base16_decode(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    text.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [a, b] => Some(digit(*a)? << 4 | digit(*b)?),
            _ => None,
        })
        .collect()
}

/// Nixbase32 as C++ Nix decodes it for hashes: excess bits in the top
/// digit make the result one byte longer (and so the wrong length).
fn nix32_decode_lenient(text: &str) -> Option<Vec<u8>> {
    let len = crate::nixbase32::encoded_len(text.len() * 5 / 8);
    if len == text.len()
        && let Ok(bytes) = crate::nixbase32::decode(text.as_bytes())
    {
        return Some(bytes);
    }
    if !text.bytes().all(crate::nixbase32::is_digit) {
        return None;
    }
    // Valid digits with bits to spare: one byte too many.
    Some(vec![0; text.len() * 5 / 8 + 1])
}

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base 64 with `=` padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(BASE64_ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base 64 as C++ Nix decodes it: stops at the first `=` (so padding is
/// optional), skips newlines, ignores leftover bits; `None` for any other
/// character outside the alphabet.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        match c {
            b'=' => break,
            b'\n' => continue,
            _ => {}
        }
        let digit = BASE64_ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6 | digit) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// The digest of `data` under `algo`.
pub fn digest(algo: Algorithm, data: &[u8]) -> Vec<u8> {
    match algo {
        Algorithm::Md5 => md5::Md5::digest(data).to_vec(),
        Algorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
        Algorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Algorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
    }
}

/// The SHA-256 digest of `data`, the hash store paths are made of.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

/// Lower-case base 16.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for algo in [
            Algorithm::Md5,
            Algorithm::Sha1,
            Algorithm::Sha256,
            Algorithm::Sha512,
        ] {
            assert_eq!(Algorithm::from_name(algo.name()), Some(algo));
            assert_eq!(digest(algo, b"abc").len(), algo.digest_len());
        }
        assert_eq!(Algorithm::from_name("blake3"), None);
    }

    #[test]
    fn parses_every_encoding() {
        let h = Hash::of(Algorithm::Sha256, b"abc");
        for text in [
            h.to_base16(),
            h.to_nix32(),
            h.to_base64(),
            format!("sha256:{}", h.to_nix32()),
            h.to_sri(),
            h.to_sri().trim_end_matches('=').to_string(),
        ] {
            assert_eq!(
                Hash::parse_any(&text, Some(Algorithm::Sha256)),
                Ok(h.clone()),
                "{text}"
            );
        }
        assert_eq!(Hash::parse_any(&h.to_sri(), None), Ok(h.clone()));
        for algo in [Algorithm::Md5, Algorithm::Sha1, Algorithm::Sha512] {
            let h = Hash::of(algo, b"x");
            for text in [h.to_base16(), h.to_nix32(), h.to_base64()] {
                assert_eq!(Hash::parse_any(&text, Some(algo)), Ok(h.clone()));
            }
        }
    }

    #[test]
    fn parse_errors_are_nix_messages() {
        let err = |t: &str, a| Hash::parse_any(t, a).unwrap_err().0;
        assert_eq!(
            err("abc", Some(Algorithm::Sha256)),
            "hash 'abc' has wrong length for hash algorithm 'sha256'"
        );
        assert_eq!(
            err("abc", None),
            "hash 'abc' does not include a type, nor is the type otherwise known from context"
        );
        assert_eq!(
            err("md5:abc", Some(Algorithm::Sha256)),
            "hash 'md5:abc' should have type 'sha256'"
        );
        assert_eq!(
            err("foo:abc", None),
            "unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"
        );
        assert_eq!(
            err("sha1-AAAA", None),
            "invalid SRI hash 'AAAA', length 3 != expected length 20"
        );
        let bad16 = "g".repeat(32);
        assert_eq!(
            err(&bad16, Some(Algorithm::Md5)),
            format!("invalid base16 hash '{bad16}', length 0 != expected length 16")
        );
        assert_eq!(
            parse_allow_empty("", None).unwrap_err().0,
            "empty hash requires explicit hash algorithm"
        );
        assert_eq!(
            parse_allow_empty("", Some(Algorithm::Md5)),
            Ok(Hash::zero(Algorithm::Md5))
        );
    }

    #[test]
    fn base64_round_trips() {
        for len in 0..8 {
            let bytes: Vec<u8> = (0..len)
                .map(|i: u8| i.wrapping_mul(91).wrapping_add(7))
                .collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)), Some(bytes));
        }
        assert_eq!(base64_encode(b"ab"), "YWI=");
    }

    #[test]
    fn hex_of_md5() {
        assert_eq!(
            hex(&digest(Algorithm::Md5, b"abc")),
            "900150983cd24fb0d6963f7d28e17f72"
        );
    }
}
