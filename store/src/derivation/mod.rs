//! Derivations: the model C++ Nix writes to `.drv` files, its ATerm form
//! ([`Derivation::to_aterm`], [`Derivation::from_aterm`]), C++ Nix's
//! `hashDerivationModulo` ([`Derivation::hash_modulo`]) and the paths of a
//! derivation's outputs and of the `.drv` file itself.
//!
//! Strings that come from the Nix language (builder, arguments,
//! environment values) are bytes; names and store paths are text.

mod aterm;
mod hash_modulo;
mod parse;

use std::collections::{BTreeMap, BTreeSet};

pub use parse::ParseError;

use crate::hash::{Hash, sha256};
use crate::store_path::{make_fixed_output_path, make_output_path, make_text_path_from_hash};

/// One output as the `.drv` file records it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The output's store path; empty while being computed (masked).
    pub path: String,
    /// For a fixed output, the content address: `r:sha256` for a
    /// recursive (NAR) hash, `sha256` for a flat one; empty otherwise.
    pub hash_algo: String,
    /// For a fixed output, the expected hash in base 16; empty otherwise.
    pub hash: String,
}

impl Output {
    /// The output of a fixed-output derivation with this hash.
    pub fn fixed(recursive: bool, hash: &Hash) -> Output {
        Output {
            path: String::new(),
            hash_algo: format!("{}{}", if recursive { "r:" } else { "" }, hash.algo),
            hash: hash.to_base16(),
        }
    }

    /// Whether this is a fixed output (it carries a hash).
    pub fn is_fixed(&self) -> bool {
        !self.hash.is_empty()
    }
}

/// A derivation as its `.drv` file records it. Maps and sets are sorted
/// by byte order, as C++ Nix's `std::map`/`std::set`, so printing needs
/// no further sorting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derivation {
    /// Outputs by name.
    pub outputs: BTreeMap<String, Output>,
    /// Input derivations (their `.drv` paths) and the outputs used.
    pub input_drvs: BTreeMap<String, BTreeSet<String>>,
    /// Input sources: store paths used as they are.
    pub input_srcs: BTreeSet<String>,
    /// The system type (`x86_64-linux`).
    pub platform: Vec<u8>,
    /// The program to run.
    pub builder: Vec<u8>,
    /// Its arguments.
    pub args: Vec<Vec<u8>>,
    /// Its environment.
    pub env: BTreeMap<String, Vec<u8>>,
}

impl Derivation {
    /// Whether this is a fixed-output derivation: one output, `out`, with
    /// a hash.
    pub fn is_fixed_output(&self) -> bool {
        self.outputs.len() == 1 && self.outputs.get("out").is_some_and(Output::is_fixed)
    }

    /// The store paths a `.drv` file refers to: its input sources and
    /// input derivations.
    pub fn references(&self) -> BTreeSet<&str> {
        self.input_srcs
            .iter()
            .chain(self.input_drvs.keys())
            .map(String::as_str)
            .collect()
    }

    /// The path of the `.drv` file of this derivation, named `name`.
    pub fn drv_path(&self, name: &str) -> String {
        self.drv_file(name).path
    }

    /// The `.drv` file of this derivation, named `name`: its path, its
    /// contents and their SHA-256, printed and hashed once (an evaluation
    /// needs all three for every derivation it creates).
    pub fn drv_file(&self, name: &str) -> DrvFile {
        let contents = self.to_aterm();
        let contents_sha256 = sha256(&contents);
        let path =
            make_text_path_from_hash(&format!("{name}.drv"), &contents_sha256, self.references());
        DrvFile {
            path,
            contents,
            contents_sha256,
        }
    }

    /// Fills in the output paths (and the environment variables named
    /// after the outputs) of a derivation whose outputs are declared but
    /// whose paths are empty, as C++ Nix's `derivationStrict` does:
    /// fixed outputs get their content-addressed path; otherwise all
    /// outputs are hashed from the masked derivation (empty paths and
    /// output variables) with `input_hash` resolving the hash modulo of
    /// each input derivation.
    pub fn fill_output_paths(
        &mut self,
        name: &str,
        input_hash: &mut dyn FnMut(&str) -> Option<[u8; 32]>,
    ) -> Result<(), DerivationError> {
        if self.is_fixed_output() {
            let out = self
                .outputs
                .get_mut("out")
                .expect("checked by is_fixed_output");
            let recursive = out.hash_algo.starts_with("r:");
            let hash = crate::hash::parse_algorithm(out.hash_algo.trim_start_matches("r:"))
                .and_then(|algo| Hash::parse_unprefixed(&out.hash, algo))
                .map_err(|e| DerivationError(e.0))?;
            out.path = make_fixed_output_path(recursive, &hash, name);
            self.env.insert("out".into(), out.path.clone().into_bytes());
            return Ok(());
        }
        for (output, o) in self.outputs.iter_mut() {
            o.path.clear();
            self.env.insert(output.clone(), Vec::new());
        }
        let hash = self.hash_modulo(input_hash)?;
        for (output, o) in self.outputs.iter_mut() {
            o.path = make_output_path(output, &hash, name);
            self.env.insert(output.clone(), o.path.clone().into_bytes());
        }
        Ok(())
    }
}

/// A derivation's `.drv` file ([`Derivation::drv_file`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrvFile {
    /// Its store path.
    pub path: String,
    /// Its contents (the ATerm).
    pub contents: Vec<u8>,
    /// The SHA-256 of the contents.
    pub contents_sha256: [u8; 32],
}

/// Why output paths could not be computed: an input derivation whose hash
/// modulo is unknown, or a malformed fixed-output hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivationError(pub String);

impl std::fmt::Display for DerivationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DerivationError {}

#[cfg(test)]
mod tests;
