//! Store path computation: C++ Nix's `makeStorePath`, the fingerprint
//! `type:sha256:<hex>:<store dir>:<name>` hashed, compressed to 20 bytes
//! and printed in nixbase32.

use crate::hash::{hex, sha256};
use crate::nixbase32;

/// The store directory printed paths are computed for.
pub const STORE_DIR: &str = "/nix/store";

/// XOR-folds `hash` into `N` bytes, as C++ Nix's `compressHash`.
pub fn compress_hash<const N: usize>(hash: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (i, b) in hash.iter().enumerate() {
        out[i % N] ^= b;
    }
    out
}

/// The store path for content of type `path_type` (`"source"`,
/// `"text:…"`, `"output:out"`) whose SHA-256 `inner_hash` is given.
pub fn make_store_path(path_type: &str, inner_hash: &[u8], name: &str) -> String {
    let fingerprint = format!("{path_type}:sha256:{}:{STORE_DIR}:{name}", hex(inner_hash));
    let compressed: [u8; 20] = compress_hash(&sha256(fingerprint.as_bytes()));
    format!("{STORE_DIR}/{}-{name}", nixbase32::encode(&compressed))
}

/// The store path of a flat (single-file) fixed-output SHA-256 hash.
pub fn flat_fixed_store_path(file_hash: &[u8], name: &str) -> String {
    let inner = format!("fixed:out:sha256:{}:", hex(file_hash));
    make_store_path("output:out", &sha256(inner.as_bytes()), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_path_matches_nix() {
        // `nix-instantiate --eval -E 'builtins.toFile "a" "hello"'`
        let path = make_store_path("text", &sha256(b"hello"), "a");
        assert_eq!(path, "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a");
    }
}
