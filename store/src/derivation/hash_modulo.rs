//! C++ Nix's `hashDerivationModulo`: the hash that output paths of
//! input-addressed derivations are made of. A fixed-output derivation
//! hashes to its content address only, so changing how it is fetched does
//! not change anything downstream; any other derivation hashes to the
//! SHA-256 of its ATerm with every input `.drv` path replaced by that
//! input's own hash modulo (in base 16, re-sorted by it).

use std::collections::{BTreeMap, BTreeSet};

use super::{Derivation, DerivationError, DrvFile};
use crate::hash::sha256;

impl Derivation {
    /// The hash modulo of this derivation as it stands (callers mask the
    /// outputs first when computing its own output paths). `input_hash`
    /// gives the hash modulo of an input derivation by its `.drv` path.
    pub fn hash_modulo(
        &self,
        input_hash: &mut dyn FnMut(&str) -> Option<[u8; 32]>,
    ) -> Result<[u8; 32], DerivationError> {
        if self.is_fixed_output() {
            let out = &self.outputs["out"];
            let fingerprint = format!("fixed:out:{}:{}:{}", out.hash_algo, out.hash, out.path);
            return Ok(sha256(fingerprint.as_bytes()));
        }
        let mut inputs: Vec<([u8; 64], &BTreeSet<String>)> =
            Vec::with_capacity(self.input_drvs.len());
        for (path, outputs) in &self.input_drvs {
            let hash = input_hash(path)
                .ok_or_else(|| DerivationError(format!("path '{path}' is not valid")))?;
            inputs.push((hex_digits(&hash), outputs));
        }
        inputs.sort_unstable_by_key(|a| a.0);
        if inputs.windows(2).any(|w| w[0].0 == w[1].0) {
            // Two inputs with the same hash (fixed outputs fetched two
            // ways) become one entry with the union of their outputs, as
            // in C++ Nix.
            let mut merged: BTreeMap<[u8; 64], BTreeSet<String>> = BTreeMap::new();
            for (key, outputs) in inputs {
                merged
                    .entry(key)
                    .or_default()
                    .extend(outputs.iter().cloned());
            }
            let aterm = self.to_aterm_with_inputs(merged.iter().map(|(k, v)| (&k[..], v)));
            return Ok(sha256(&aterm));
        }
        let aterm = self.to_aterm_with_inputs(inputs.iter().map(|(k, v)| (&k[..], *v)));
        Ok(sha256(&aterm))
    }

    /// [`Derivation::hash_modulo`] of a derivation whose `.drv` file is
    /// `file`: without input derivations the hash modulo is the hash of
    /// the file itself, so it is not printed and hashed again.
    pub fn hash_modulo_of_file(
        &self,
        file: &DrvFile,
        input_hash: &mut dyn FnMut(&str) -> Option<[u8; 32]>,
    ) -> Result<[u8; 32], DerivationError> {
        if self.input_drvs.is_empty() && !self.is_fixed_output() {
            return Ok(file.contents_sha256);
        }
        self.hash_modulo(input_hash)
    }
}

/// A SHA-256 digest in base 16, without allocating (every derivation
/// with inputs names each of them this way, twice).
fn hex_digits(hash: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in hash.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}
