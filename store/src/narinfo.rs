//! `.narinfo` files: what a binary cache says about a store path, read and
//! written as C++ Nix does.
//!
//! A narinfo is lines of `Name: value`. C++ Nix reads `StorePath`, `URL`,
//! `Compression` (default `bzip2`), `FileHash`, `FileSize`, `NarHash`,
//! `NarSize`, `References` (base names, space-separated), `Deriver`
//! (`unknown-deriver` meaning none), `System`, `Sig` (repeatable) and `CA`,
//! ignores other names, lets a repeated field replace the earlier one except
//! `References` and `CA`, and requires `StorePath`, `NarHash`, `URL` and a
//! non-zero `NarSize`. Where C++ Nix only says "is corrupt", we say which
//! line and why.

use std::collections::BTreeSet;
use std::fmt;

use crate::hash::{Algorithm, Hash};
use crate::signature::{Signature, SigningKey, VerifyingKey, fingerprint};
use crate::store_path::StorePath;

/// A parsed `.narinfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NarInfo {
    /// The store path described.
    pub store_path: StorePath,
    /// Where the (compressed) NAR is, relative to the cache.
    pub url: String,
    /// The NAR's compression (`none`, `xz`, `bzip2`, `zstd`, …).
    pub compression: String,
    /// The hash of the compressed file, if given.
    pub file_hash: Option<Hash>,
    /// The size of the compressed file (0 when not given).
    pub file_size: u64,
    /// The hash of the uncompressed NAR.
    pub nar_hash: Hash,
    /// The size of the uncompressed NAR.
    pub nar_size: u64,
    /// The store paths the path refers to.
    pub references: BTreeSet<StorePath>,
    /// The derivation that built the path, if known.
    pub deriver: Option<StorePath>,
    /// The system the path was built for (empty when not given).
    pub system: String,
    /// The signatures as written (C++ Nix keeps them as a sorted set of
    /// strings and checks them only when verifying).
    pub signatures: BTreeSet<String>,
    /// The content address (`fixed:r:sha256:…`, `text:sha256:…`), if any.
    pub ca: Option<String>,
}

/// Why a narinfo could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NarInfoError {
    /// The 1-based line the problem is on; 0 for the file as a whole.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for NarInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "invalid narinfo: {}", self.message)
        } else {
            write!(f, "invalid narinfo, line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for NarInfoError {}

/// Checks a content address the way C++ Nix's `parseContentAddress` does:
/// `text:sha256:<hash>` or `fixed:[r:]<algo>:<hash>`.
fn check_ca(value: &str) -> Result<(), String> {
    let bad = |why: String| format!("invalid content address '{value}': {why}");
    if let Some(rest) = value.strip_prefix("text:") {
        let hash = Hash::parse_any(rest, None).map_err(|e| bad(e.0))?;
        if hash.algo != Algorithm::Sha256 {
            return Err(bad("text content addresses use sha256".into()));
        }
        Ok(())
    } else if let Some(rest) = value.strip_prefix("fixed:") {
        let rest = rest.strip_prefix("r:").unwrap_or(rest);
        Hash::parse_any(rest, None).map_err(|e| bad(e.0))?;
        Ok(())
    } else {
        Err(bad("expected 'text:' or 'fixed:'".into()))
    }
}

impl NarInfo {
    /// Parses the text of a `.narinfo`.
    pub fn parse(text: &str) -> Result<NarInfo, NarInfoError> {
        let mut store_path = None;
        let mut url = String::new();
        let mut compression = String::new();
        let mut file_hash = None;
        let mut file_size = 0;
        let mut nar_hash = None;
        let mut nar_size = 0;
        let mut references = BTreeSet::new();
        let mut deriver = None;
        let mut system = String::new();
        let mut signatures = BTreeSet::new();
        let mut ca: Option<String> = None;

        let mut rest = text;
        let mut line_no = 0;
        while !rest.is_empty() {
            line_no += 1;
            let err = |message: String| NarInfoError {
                line: line_no,
                message,
            };
            let Some((line, after)) = rest.split_once('\n') else {
                return Err(err("the last line does not end with a newline".into()));
            };
            rest = after;
            let Some((name, value)) = line.split_once(": ") else {
                return Err(err(format!("expected 'Name: value', found '{line}'")));
            };
            let size = |value: &str| {
                value
                    .parse::<u64>()
                    .map_err(|_| err(format!("{name} '{value}' is not a size in bytes")))
            };
            let hash = |value: &str| {
                Hash::parse_any(value, None).map_err(|e| err(format!("{name}: {}", e.0)))
            };
            let path = |base: &str| {
                StorePath::from_base_name(base).map_err(|e| err(format!("{name}: {}", e.0)))
            };
            match name {
                "StorePath" => {
                    store_path = Some(
                        StorePath::parse(value).map_err(|e| err(format!("StorePath: {}", e.0)))?,
                    )
                }
                "URL" => url = value.to_owned(),
                "Compression" => compression = value.to_owned(),
                "FileHash" => file_hash = Some(hash(value)?),
                "FileSize" => file_size = size(value)?,
                "NarHash" => nar_hash = Some(hash(value)?),
                "NarSize" => nar_size = size(value)?,
                "References" => {
                    if !references.is_empty() {
                        return Err(err("a second non-empty 'References' line".into()));
                    }
                    for base in value.split(' ').filter(|s| !s.is_empty()) {
                        references.insert(path(base)?);
                    }
                }
                "Deriver" if value == "unknown-deriver" => deriver = None,
                "Deriver" => deriver = Some(path(value)?),
                "System" => system = value.to_owned(),
                "Sig" => {
                    signatures.insert(value.to_owned());
                }
                "CA" => {
                    if ca.is_some() {
                        return Err(err("a second 'CA' line".into()));
                    }
                    check_ca(value).map_err(err)?;
                    ca = Some(value.to_owned());
                }
                // C++ Nix ignores fields it does not know.
                _ => {}
            }
        }

        let missing = |field: &str| NarInfoError {
            line: 0,
            message: format!("the '{field}' field is missing"),
        };
        let store_path = store_path.ok_or_else(|| missing("StorePath"))?;
        let nar_hash = nar_hash.ok_or_else(|| missing("NarHash"))?;
        if url.is_empty() {
            return Err(missing("URL"));
        }
        if nar_size == 0 {
            return Err(NarInfoError {
                line: 0,
                message: "the 'NarSize' field is missing or zero".into(),
            });
        }
        if compression.is_empty() {
            compression = "bzip2".into();
        }
        Ok(NarInfo {
            store_path,
            url,
            compression,
            file_hash,
            file_size,
            nar_hash,
            nar_size,
            references,
            deriver,
            system,
            signatures,
            ca,
        })
    }

    /// What signatures of this path sign (C++ Nix's
    /// `ValidPathInfo::fingerprint`); an error when the NAR hash is not
    /// SHA-256, which C++ Nix refuses too.
    pub fn fingerprint(&self) -> Result<String, String> {
        if self.nar_hash.algo != Algorithm::Sha256 {
            return Err(format!(
                "cannot compute the fingerprint of '{}': its NAR hash is not SHA-256",
                self.store_path
            ));
        }
        let refs: Vec<String> = self.references.iter().map(StorePath::to_absolute).collect();
        Ok(fingerprint(
            &self.store_path.to_absolute(),
            &self.nar_hash.to_nix32(),
            self.nar_size,
            &refs,
        ))
    }

    /// Adds `key`'s signature of this path.
    pub fn sign(&mut self, key: &SigningKey) -> Result<(), String> {
        let sig = key.sign(self.fingerprint()?.as_bytes());
        self.signatures.insert(sig.to_string());
        Ok(())
    }

    /// The signatures that one of `keys` made over this path; signatures
    /// that do not parse or are by other keys do not count.
    pub fn valid_signatures(&self, keys: &[VerifyingKey]) -> Vec<Signature> {
        let Ok(fp) = self.fingerprint() else {
            return Vec::new();
        };
        self.signatures
            .iter()
            .filter_map(|s| Signature::parse(s).ok())
            .filter(|sig| keys.iter().any(|k| k.verify(fp.as_bytes(), sig)))
            .collect()
    }
}

/// `algo:<nixbase32>`, as narinfo files print hashes.
fn prefixed_nix32(hash: &Hash) -> String {
    format!("{}:{}", hash.algo, hash.to_nix32())
}

impl fmt::Display for NarInfo {
    /// The text C++ Nix's `NarInfo::to_string` writes (which requires a
    /// file hash; without one the `FileHash` and `FileSize` lines are left
    /// out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "StorePath: {}", self.store_path)?;
        writeln!(f, "URL: {}", self.url)?;
        writeln!(f, "Compression: {}", self.compression)?;
        if let Some(file_hash) = &self.file_hash {
            writeln!(f, "FileHash: {}", prefixed_nix32(file_hash))?;
            writeln!(f, "FileSize: {}", self.file_size)?;
        }
        writeln!(f, "NarHash: {}", prefixed_nix32(&self.nar_hash))?;
        writeln!(f, "NarSize: {}", self.nar_size)?;
        let refs: Vec<String> = self
            .references
            .iter()
            .map(|r| format!("{}-{}", r.hash_part, r.name))
            .collect();
        writeln!(f, "References: {}", refs.join(" "))?;
        if let Some(deriver) = &self.deriver {
            writeln!(f, "Deriver: {}-{}", deriver.hash_part, deriver.name)?;
        }
        if !self.system.is_empty() {
            writeln!(f, "System: {}", self.system)?;
        }
        for sig in &self.signatures {
            writeln!(f, "Sig: {sig}")?;
        }
        if let Some(ca) = &self.ca {
            writeln!(f, "CA: {ca}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "StorePath: /nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt
URL: nar/04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw.nar
Compression: none
FileHash: sha256:04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw
FileSize: 120
NarHash: sha256:04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw
NarSize: 120
References: 
CA: fixed:r:sha256:04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw
";

    fn error(text: &str) -> String {
        NarInfo::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_and_prints() {
        let info = NarInfo::parse(SAMPLE).unwrap();
        assert_eq!(info.nar_size, 120);
        assert_eq!(info.to_string(), SAMPLE);
    }

    #[test]
    fn defaults_as_cpp_nix() {
        let text = SAMPLE
            .replace("Compression: none\n", "")
            .replace("CA:", "X-Unknown: 1\nCA:");
        let info = NarInfo::parse(&text).unwrap();
        assert_eq!(info.compression, "bzip2");
        let text = SAMPLE.replace("References: \n", "Deriver: unknown-deriver\n");
        assert_eq!(NarInfo::parse(&text).unwrap().deriver, None);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            error(&SAMPLE.replace("NarSize: 120", "NarSize: lots")),
            "invalid narinfo, line 7: NarSize 'lots' is not a size in bytes"
        );
        assert_eq!(
            error(&SAMPLE.replace("URL: ", "URL=")),
            "invalid narinfo, line 2: expected 'Name: value', found 'URL=nar/04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw.nar'"
        );
        assert_eq!(
            error(SAMPLE.trim_end()),
            "invalid narinfo, line 9: the last line does not end with a newline"
        );
        assert_eq!(
            error(&SAMPLE.replace("NarHash: sha256:", "NarHash: sha257:")),
            "invalid narinfo, line 6: NarHash: unknown hash algorithm 'sha257', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'"
        );
        assert_eq!(
            error(&SAMPLE.replace("References: ", "References: nothash-x")),
            "invalid narinfo, line 8: References: 'nothash-x' is too short to be a valid store path"
        );
        assert_eq!(
            error(&SAMPLE.replace("StorePath: /nix/store/", "StorePath: /usr/")),
            "invalid narinfo, line 1: StorePath: path \"/usr/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt\" is not in the Nix store"
        );
        assert_eq!(
            error(&SAMPLE.replace("CA: fixed:r:", "CA: fixd:r:")),
            "invalid narinfo, line 9: invalid content address 'fixd:r:sha256:04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw': expected 'text:' or 'fixed:'"
        );
        assert_eq!(
            error(&format!(
                "{SAMPLE}CA: text:sha256:04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw\n"
            )),
            "invalid narinfo, line 10: a second 'CA' line"
        );
        assert_eq!(
            error(&SAMPLE.replace("NarSize: 120\n", "")),
            "invalid narinfo: the 'NarSize' field is missing or zero"
        );
        assert_eq!(
            error(&SAMPLE.replace("URL: ", "Url: ")),
            "invalid narinfo: the 'URL' field is missing"
        );
        assert_eq!(
            error(""),
            "invalid narinfo: the 'StorePath' field is missing"
        );
    }
}
