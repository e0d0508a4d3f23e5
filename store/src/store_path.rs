//! Store paths: computing them (C++ Nix's `makeStorePath`, the
//! fingerprint `type:sha256:<hex>:<store dir>:<name>` hashed, compressed
//! to 20 bytes and printed in nixbase32; text, source, fixed-output and
//! derivation-output paths; output placeholders) and parsing and
//! validating them, with C++ Nix's error messages.

use crate::hash::{Algorithm, Hash, hex, sha256};
use crate::nixbase32;

/// The length of a store path's hash part (20 bytes in nixbase32).
pub const HASH_PART_LEN: usize = 32;

/// The longest name a store path may have.
pub const MAX_NAME_LEN: usize = 211;

/// Why a name or path is not a valid store path; the message is C++ Nix's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorePathError(pub String);

impl std::fmt::Display for StorePathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StorePathError {}

/// Checks that `name` may be the name part of a store path (C++ Nix's
/// `checkName`): 1–211 characters from `[A-Za-z0-9+-._?=]`, and not `.`,
/// `..` or starting with `.-` or `..-`.
pub fn check_name(name: &str) -> Result<(), StorePathError> {
    let err = |m: String| Err(StorePathError(m));
    if name.is_empty() {
        return err("name must not be empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return err(format!(
            "name '{name}' must be no longer than {MAX_NAME_LEN} characters"
        ));
    }
    for dots in [".", ".."] {
        if name == dots {
            return err(format!("name '{name}' is not valid"));
        }
        if name.strip_prefix(dots).is_some_and(|r| r.starts_with('-')) {
            return err(format!(
                "name '{name}' is not valid: first dash-separated component must not be '{dots}'"
            ));
        }
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_' | '?' | '=')))
    {
        return err(format!("name '{name}' contains illegal character '{c}'"));
    }
    Ok(())
}

/// A parsed store path: the 20-byte digest and the name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StorePath {
    /// The hash part, as printed (32 nixbase32 characters).
    pub hash_part: String,
    /// The name part.
    pub name: String,
}

/// Checks a base name `<hash>-<name>` as [`StorePath::from_base_name`]
/// parses it, without making anything (every derivation checks its
/// paths).
pub fn check_base_name(base: &str) -> Result<(), StorePathError> {
    if base.len() < HASH_PART_LEN + 1 {
        return Err(StorePathError(format!(
            "'{base}' is too short to be a valid store path"
        )));
    }
    if base.as_bytes()[HASH_PART_LEN] != b'-' || !base.is_char_boundary(HASH_PART_LEN) {
        return Err(StorePathError(format!(
            "'{base}' can't name a store path because the hash part is not followed by a '-'"
        )));
    }
    let (hash_part, name) = (&base[..HASH_PART_LEN], &base[HASH_PART_LEN + 1..]);
    if let Some(c) = hash_part
        .chars()
        .find(|&c| !nixbase32::is_digit(c as u8) || !c.is_ascii())
    {
        return Err(StorePathError(format!(
            "store path '{base}' contains illegal base-32 character '{c}'"
        )));
    }
    check_name(name)
        .map_err(|e| StorePathError(format!("path '{base}' is not a valid store path: {}", e.0)))?;
    Ok(())
}

impl StorePath {
    /// Parses a base name `<hash>-<name>` (C++ Nix's `StorePath`).
    pub fn from_base_name(base: &str) -> Result<StorePath, StorePathError> {
        check_base_name(base)?;
        let (hash_part, name) = (&base[..HASH_PART_LEN], &base[HASH_PART_LEN + 1..]);
        Ok(StorePath {
            hash_part: hash_part.to_string(),
            name: name.to_string(),
        })
    }

    /// Parses an absolute path directly inside [`store_dir`] (C++ Nix's
    /// `parseStorePath`; the path is canonicalised first).
    pub fn parse(path: &str) -> Result<StorePath, StorePathError> {
        if path.is_empty() {
            return Err(StorePathError(
                "empty path is not a valid store path".into(),
            ));
        }
        let canon = canonicalise(path);
        match canon.rsplit_once('/') {
            Some((dir, base)) if dir == store_dir() => StorePath::from_base_name(base),
            _ => Err(StorePathError(format!(
                "path \"{canon}\" is not in the Nix store"
            ))),
        }
    }

    /// Whether the name ends in `.drv`.
    pub fn is_derivation(&self) -> bool {
        self.name.ends_with(".drv")
    }

    /// The absolute path.
    pub fn to_absolute(&self) -> String {
        format!("{}/{}-{}", store_dir(), self.hash_part, self.name)
    }
}

impl std::fmt::Display for StorePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}-{}", store_dir(), self.hash_part, self.name)
    }
}

/// Removes `.`, `..` and repeated slashes (lexically, as C++ Nix's
/// `canonPath` without following links).
fn canonicalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// If `path` is inside the store, the store path it is in (`/nix/store/x-y`
/// for `/nix/store/x-y/bin/z`) and the rest.
pub fn split_store_path(path: &str) -> Option<(&str, &str)> {
    let dir = store_dir();
    let rest = path.strip_prefix(dir)?.strip_prefix('/')?;
    let end = rest.find('/').unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let split = dir.len() + 1 + end;
    Some((&path[..split], &path[split..]))
}

/// The store directory paths are computed for unless another is chosen:
/// C++ Nix's default.
pub const DEFAULT_STORE_DIR: &str = "/nix/store";

static STORE_DIR: std::sync::OnceLock<Box<str>> = std::sync::OnceLock::new();

/// The store directory every store path of this process is computed for
/// (C++ Nix's `storeDir`): [`DEFAULT_STORE_DIR`] unless [`set_store_dir`]
/// chose another first. The first call fixes it.
pub fn store_dir() -> &'static str {
    STORE_DIR.get_or_init(|| DEFAULT_STORE_DIR.into())
}

/// Chooses the store directory for the whole process (`NIX_STORE_DIR`,
/// `--store-dir`), canonicalised as C++ Nix does. It is a process-wide
/// setting, as in C++ Nix, because every printed path depends on it: it
/// must be chosen before the first path is computed, and cannot change.
///
/// Errors: a relative directory, or a store directory already fixed to
/// another one.
pub fn set_store_dir(dir: &str) -> Result<(), StorePathError> {
    if !dir.starts_with('/') {
        return Err(StorePathError(format!(
            "store directory '{dir}' is not an absolute path"
        )));
    }
    let canon = canonicalise(dir);
    let chosen = STORE_DIR.get_or_init(|| canon.clone().into_boxed_str());
    if **chosen != *canon {
        return Err(StorePathError(format!(
            "the store directory is already '{chosen}'; it cannot become '{canon}'"
        )));
    }
    Ok(())
}

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
    store_path_with_type(path_type.len(), |f| f.push_str(path_type), inner_hash, name)
}

/// [`make_store_path`] with the type written into the fingerprint by
/// `write_type` (`type_len` bytes, for sizing): built by hand rather than
/// with `format!`, and with no string for the type alone, since every
/// derivation makes three or more of these.
fn store_path_with_type(
    type_len: usize,
    write_type: impl FnOnce(&mut String),
    inner_hash: &[u8],
    name: &str,
) -> String {
    let mut fingerprint = String::with_capacity(
        type_len + inner_hash.len() * 2 + store_dir().len() + name.len() + 12,
    );
    write_type(&mut fingerprint);
    fingerprint.push_str(":sha256:");
    push_hex(&mut fingerprint, inner_hash);
    fingerprint.push(':');
    fingerprint.push_str(store_dir());
    fingerprint.push(':');
    fingerprint.push_str(name);
    let compressed: [u8; 20] = compress_hash(&sha256(fingerprint.as_bytes()));
    let mut path = String::with_capacity(store_dir().len() + 34 + name.len());
    path.push_str(store_dir());
    path.push('/');
    nixbase32::encode_into(&mut path, &compressed);
    path.push('-');
    path.push_str(name);
    path
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
}

/// The store path of a flat (single-file) fixed-output SHA-256 hash.
pub fn flat_fixed_store_path(file_hash: &[u8], name: &str) -> String {
    let inner = format!("fixed:out:sha256:{}:", hex(file_hash));
    make_store_path("output:out", &sha256(inner.as_bytes()), name)
}

/// The path of a text object (`builtins.toFile`, `.drv` files): C++ Nix's
/// `makeTextPath`, the references (sorted) part of the type.
pub fn make_text_path<'a>(
    name: &str,
    contents: &[u8],
    references: impl IntoIterator<Item = &'a str>,
) -> String {
    make_text_path_from_hash(name, &sha256(contents), references)
}

/// [`make_text_path`] for contents whose SHA-256 is already known.
pub fn make_text_path_from_hash<'a>(
    name: &str,
    contents_sha256: &[u8; 32],
    references: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut refs: Vec<&str> = references.into_iter().collect();
    refs.sort_unstable();
    refs.dedup();
    let type_len = 4 + refs.iter().map(|r| r.len() + 1).sum::<usize>();
    let write_type = |f: &mut String| {
        f.push_str("text");
        for r in &refs {
            f.push(':');
            f.push_str(r);
        }
    };
    store_path_with_type(type_len, write_type, contents_sha256, name)
}

/// The path of fixed-output content (C++ Nix's `makeFixedOutputPath`):
/// recursive SHA-256 is a `source` path, anything else goes through the
/// `fixed:out:` fingerprint.
pub fn make_fixed_output_path(recursive: bool, hash: &Hash, name: &str) -> String {
    if recursive && hash.algo == Algorithm::Sha256 {
        make_store_path("source", &hash.digest, name)
    } else {
        let inner = format!(
            "fixed:out:{}{}:{}:",
            if recursive { "r:" } else { "" },
            hash.algo,
            hash.to_base16()
        );
        make_store_path("output:out", &sha256(inner.as_bytes()), name)
    }
}

/// The name of output `output` of the derivation named `drv_name`.
pub fn output_path_name(drv_name: &str, output: &str) -> String {
    if output == "out" {
        drv_name.to_string()
    } else {
        format!("{drv_name}-{output}")
    }
}

/// The path of output `output` of an input-addressed derivation whose
/// masked hash modulo is `drv_hash` (C++ Nix's `makeOutputPath`).
pub fn make_output_path(output: &str, drv_hash: &[u8], drv_name: &str) -> String {
    let write_type = |f: &mut String| {
        f.push_str("output:");
        f.push_str(output);
    };
    if output == "out" {
        return store_path_with_type(7 + output.len(), write_type, drv_hash, drv_name);
    }
    let name = output_path_name(drv_name, output);
    store_path_with_type(7 + output.len(), write_type, drv_hash, &name)
}

/// The placeholder `builtins.placeholder output` returns, replaced by the
/// output's path at build time.
pub fn hash_placeholder(output: &str) -> String {
    let digest = sha256(format!("nix-output:{output}").as_bytes());
    format!("/{}", nixbase32::encode(&digest))
}

/// The placeholder for output `output` of a floating content-addressed
/// derivation whose `.drv` is at `drv_path` (C++ Nix's
/// `DownstreamPlaceholder::unknownCaOutput`): its path is known only once
/// built.
pub fn downstream_placeholder(drv_path: &str, output: &str) -> String {
    let base = drv_path.rsplit('/').next().unwrap_or(drv_path);
    let hash_part = base.get(..HASH_PART_LEN).unwrap_or("");
    let drv_name = base
        .get(HASH_PART_LEN + 1..)
        .unwrap_or("")
        .trim_end_matches(".drv");
    let fingerprint = format!(
        "nix-upstream-output:{hash_part}:{}",
        output_path_name(drv_name, output)
    );
    format!("/{}", nixbase32::encode(&sha256(fingerprint.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_matches_nix() {
        // `nix-instantiate --eval -E 'builtins.placeholder "out"'`
        assert_eq!(
            hash_placeholder("out"),
            "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9"
        );
    }

    #[test]
    fn names_are_checked_as_nix_does() {
        assert!(check_name("hello-1.0_x+y?z=w").is_ok());
        let err = |n: &str| check_name(n).unwrap_err().0;
        assert_eq!(err(""), "name must not be empty");
        assert_eq!(err("~a"), "name '~a' contains illegal character '~'");
        assert_eq!(err(".."), "name '..' is not valid");
        assert_eq!(
            err(".-x"),
            "name '.-x' is not valid: first dash-separated component must not be '.'"
        );
        assert!(check_name(".x").is_ok());
        assert!(err(&"a".repeat(212)).ends_with("must be no longer than 211 characters"));
    }

    #[test]
    fn store_paths_parse_and_fail_as_nix_does() {
        let p = StorePath::parse("/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a").unwrap();
        assert_eq!(p.name, "a");
        assert_eq!(
            p.to_string(),
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a"
        );
        let err = |t: &str| StorePath::parse(t).unwrap_err().0;
        assert_eq!(err("/tmp/x"), "path \"/tmp/x\" is not in the Nix store");
        assert_eq!(
            err("/nix/store/abc"),
            "'abc' is too short to be a valid store path"
        );
        assert_eq!(
            err("/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-a"),
            "store path 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-a' contains illegal base-32 character 'e'"
        );
        assert_eq!(
            err("/nix/store/00000000000000000000000000000000-a~"),
            "path '00000000000000000000000000000000-a~' is not a valid store path: name 'a~' contains illegal character '~'"
        );
        assert_eq!(
            split_store_path("/nix/store/x-y/bin/z"),
            Some(("/nix/store/x-y", "/bin/z"))
        );
    }

    #[test]
    fn text_path_matches_nix() {
        // `nix-instantiate --eval -E 'builtins.toFile "a" "hello"'`
        let path = make_store_path("text", &sha256(b"hello"), "a");
        assert_eq!(path, "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a");
    }
}
