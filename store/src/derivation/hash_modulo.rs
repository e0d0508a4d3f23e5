//! C++ Nix's `hashDerivationModulo`: the hash that output paths of
//! input-addressed derivations are made of. A fixed-output derivation
//! hashes to its content address only, so changing how it is fetched does
//! not change anything downstream; any other derivation hashes to the
//! SHA-256 of its ATerm with every input `.drv` path replaced by that
//! input's own hash modulo (in base 16, re-sorted by it).

use std::collections::{BTreeMap, BTreeSet};

use super::{Derivation, DerivationError, DrvFile};
use crate::hash::{hex, sha256};

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
        // Two inputs with the same hash (fixed outputs fetched two ways)
        // become one entry with the union of their outputs, as in C++ Nix.
        let mut inputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (path, outputs) in &self.input_drvs {
            let hash = input_hash(path)
                .ok_or_else(|| DerivationError(format!("path '{path}' is not valid")))?;
            inputs
                .entry(hex(&hash))
                .or_default()
                .extend(outputs.iter().cloned());
        }
        let aterm = self.to_aterm_with_inputs(inputs.iter().map(|(k, v)| (k.as_bytes(), v)));
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
