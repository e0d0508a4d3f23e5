//! Ed25519 signatures over store paths, in C++ Nix's formats.
//!
//! Keys and signatures are written `name:base64`: a secret key is the
//! 64-byte libsodium form (seed then public key), a public key 32 bytes, a
//! signature 64 bytes. What is signed is a path's [`fingerprint`]
//! `1;<store path>;<nar hash>;<nar size>;<references>`.

use std::fmt;

use ed25519_dalek::Signer;

use crate::hash::{base64_decode, base64_encode};

/// Why a key or signature could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureError(pub String);

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SignatureError {}

/// Splits `name:base64` and decodes the base-64 part, which must be
/// `len` bytes.
fn split_named(text: &str, what: &str, len: usize) -> Result<(String, Vec<u8>), SignatureError> {
    let (name, data) = text.split_once(':').ok_or_else(|| {
        SignatureError(format!("{what} '{text}' is not of the form 'name:base64'"))
    })?;
    if name.is_empty() {
        return Err(SignatureError(format!("{what} '{text}' has an empty name")));
    }
    let bytes = base64_decode(data)
        .ok_or_else(|| SignatureError(format!("{what} '{text}' is not valid base 64")))?;
    if bytes.len() != len {
        return Err(SignatureError(format!(
            "{what} '{text}' is {} bytes long instead of {len}",
            bytes.len()
        )));
    }
    Ok((name.to_owned(), bytes))
}

/// A signature over a fingerprint, named after the key that made it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Signature {
    /// The key's name (`cache.nixos.org-1`).
    pub name: String,
    /// The 64 signature bytes.
    pub bytes: [u8; 64],
}

impl Signature {
    /// Parses `name:base64`.
    pub fn parse(text: &str) -> Result<Signature, SignatureError> {
        let (name, bytes) = split_named(text, "signature", 64)?;
        let mut out = [0u8; 64];
        out.copy_from_slice(&bytes);
        Ok(Signature { name, bytes: out })
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, base64_encode(&self.bytes))
    }
}

/// A public key that checks signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyingKey {
    /// The key's name.
    pub name: String,
    key: ed25519_dalek::VerifyingKey,
}

impl VerifyingKey {
    /// Parses `name:base64` (the form `nix-store
    /// --generate-binary-cache-key` writes and `trusted-public-keys` lists).
    pub fn parse(text: &str) -> Result<VerifyingKey, SignatureError> {
        let (name, bytes) = split_named(text.trim(), "public key", 32)?;
        let mut raw = [0u8; 32];
        raw.copy_from_slice(&bytes);
        let key = ed25519_dalek::VerifyingKey::from_bytes(&raw).map_err(|_| {
            SignatureError(format!("public key '{text}' is not a valid Ed25519 point"))
        })?;
        Ok(VerifyingKey { name, key })
    }

    /// Whether `signature` is this key's signature of `message`: the names
    /// must match and the signature must pass libsodium's strict checks.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> bool {
        signature.name == self.name
            && self
                .key
                .verify_strict(
                    message,
                    &ed25519_dalek::Signature::from_bytes(&signature.bytes),
                )
                .is_ok()
    }
}

impl fmt::Display for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, base64_encode(self.key.as_bytes()))
    }
}

/// A secret key that makes signatures.
pub struct SigningKey {
    /// The key's name.
    pub name: String,
    key: ed25519_dalek::SigningKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        f.debug_struct("SigningKey")
            .field("name", &self.name)
            .finish()
    }
}

impl SigningKey {
    /// Parses `name:base64` of the 64-byte seed-and-public-key form; the
    /// public half must be the one the seed derives.
    pub fn parse(text: &str) -> Result<SigningKey, SignatureError> {
        let text = text.trim();
        let (name, bytes) = split_named(text, "secret key", 64)
            .map_err(|e| SignatureError(e.0.replace(text, &redact(text))))?;
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&bytes[..32]);
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        if key.verifying_key().as_bytes()[..] != bytes[32..] {
            return Err(SignatureError(format!(
                "secret key '{name}:…' does not contain the public key its seed derives"
            )));
        }
        Ok(SigningKey { name, key })
    }

    /// The public half, under the same name.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// Signs `message` (Ed25519 is deterministic: the same key and message
    /// always give the same signature).
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature {
            name: self.name.clone(),
            bytes: self.key.sign(message).to_bytes(),
        }
    }
}

/// `name:…` for messages about a secret key.
fn redact(text: &str) -> String {
    match text.split_once(':') {
        Some((name, _)) => format!("{name}:…"),
        None => "…".to_owned(),
    }
}

/// What C++ Nix signs for a store path: `1;<path>;<nar hash>;<nar
/// size>;<references>`, the NAR hash as `sha256:<nixbase32>` and the
/// references as full paths joined by commas, sorted.
pub fn fingerprint(
    store_path: &str,
    nar_hash_nix32: &str,
    nar_size: u64,
    references: &[String],
) -> String {
    let mut refs: Vec<&str> = references.iter().map(String::as_str).collect();
    refs.sort_unstable();
    format!(
        "1;{store_path};sha256:{nar_hash_nix32};{nar_size};{}",
        refs.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated with `nix-store --generate-binary-cache-key test-key-1 …`.
    const SECRET: &str = "test-key-1:0upTSOjL1hW7lMr7pIpVHoyWlnZUv6WsIsXYdcrZbrXKpsZcKmG/jIO+6HtlsV1UzjOcy9eV+4UwxMg6kU8acQ==";
    const PUBLIC: &str = "test-key-1:yqbGXCphv4yDvuh7ZbFdVM4znMvXlfuFMMTIOpFPGnE=";

    #[test]
    fn keys_round_trip_and_sign() {
        let secret = SigningKey::parse(SECRET).unwrap();
        let public = VerifyingKey::parse(PUBLIC).unwrap();
        assert_eq!(secret.verifying_key(), public);
        assert_eq!(public.to_string(), PUBLIC);
        let sig = secret.sign(b"message");
        assert!(public.verify(b"message", &sig));
        assert!(!public.verify(b"messagf", &sig));
        let renamed = Signature {
            name: "other".into(),
            ..sig.clone()
        };
        assert!(!public.verify(b"message", &renamed));
        assert_eq!(Signature::parse(&sig.to_string()).unwrap(), sig);
    }

    #[test]
    fn bad_keys_are_clear_errors() {
        let err = |text: &str| VerifyingKey::parse(text).unwrap_err().to_string();
        assert_eq!(
            err("nocolon"),
            "public key 'nocolon' is not of the form 'name:base64'"
        );
        assert_eq!(err(":AAAA"), "public key ':AAAA' has an empty name");
        assert_eq!(err("k:!!!!"), "public key 'k:!!!!' is not valid base 64");
        assert_eq!(
            err("k:AAAA"),
            "public key 'k:AAAA' is 3 bytes long instead of 32"
        );
        // A secret key's bytes never appear in its errors.
        let broken = SECRET.replace("0upT", "1upT");
        let msg = SigningKey::parse(&broken).unwrap_err().to_string();
        assert_eq!(
            msg,
            "secret key 'test-key-1:…' does not contain the public key its seed derives"
        );
        let msg = SigningKey::parse("test-key-1:AAAA")
            .unwrap_err()
            .to_string();
        assert!(!msg.contains("AAAA"), "{msg}");
        assert!(
            Signature::parse("k:AAAA")
                .unwrap_err()
                .to_string()
                .contains("instead of 64")
        );
    }

    #[test]
    fn fingerprint_sorts_references() {
        assert_eq!(
            fingerprint(
                "/nix/store/a-x",
                "0abc",
                120,
                &["/nix/store/c-z".into(), "/nix/store/b-y".into()]
            ),
            "1;/nix/store/a-x;sha256:0abc;120;/nix/store/b-y,/nix/store/c-z"
        );
    }
}
