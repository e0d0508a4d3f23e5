//! The few store computations evaluation needs before `tvix-store`
//! exists: hashing, NAR serialisation of a path read through `EvalIO`,
//! and the store path of a path added to the store ("source" paths).
//!
//! Nothing is written: like C++ Nix with a dummy store, only the paths are
//! computed.

use sha2::Digest;

use crate::io::{EvalIO, FileType};

/// The store directory.
pub const STORE_DIR: &str = "/nix/store";

/// Hashes `data` with `algo` (`md5`, `sha1`, `sha256`, `sha512`).
pub fn hash(algo: &str, data: &[u8]) -> Option<Vec<u8>> {
    Some(match algo {
        "md5" => md5::Md5::digest(data).to_vec(),
        "sha1" => sha1::Sha1::digest(data).to_vec(),
        "sha256" => sha2::Sha256::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Nix's base-32 encoding (its own alphabet, least significant first).
pub fn nixbase32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdfghijklmnpqrsvwxyz";
    let len = (bytes.len() * 8).div_ceil(5);
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let c = (bytes[i] >> j) as u16
            | if i + 1 < bytes.len() {
                (bytes[i + 1] as u16) << (8 - j)
            } else {
                0
            };
        out.push(ALPHABET[(c & 0x1f) as usize] as char);
    }
    out
}

/// The store path for content addressed by `fingerprint_type` and a
/// SHA-256 `hash`, as C++ Nix's `makeStorePath` computes it.
pub fn make_store_path(path_type: &str, hash: &[u8], name: &str) -> String {
    let fingerprint = format!("{path_type}:sha256:{}:{STORE_DIR}:{name}", hex(hash));
    let digest = sha2::Sha256::digest(fingerprint.as_bytes());
    let mut compressed = [0u8; 20];
    for (i, b) in digest.iter().enumerate() {
        compressed[i % 20] ^= b;
    }
    format!("{STORE_DIR}/{}-{name}", nixbase32(&compressed))
}

fn nar_str(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s);
    out.resize(out.len() + (8 - s.len() % 8) % 8, 0);
}

/// The NAR serialisation of `path`.
pub fn nar(io: &dyn EvalIO, path: &str) -> std::io::Result<Vec<u8>> {
    let mut keep_all = |_: &str, _: FileType| Ok(true);
    nar_filtered(io, path, &mut keep_all)
}

/// Decides whether a path below the root goes into a NAR.
pub type PathFilter<'a> = dyn FnMut(&str, FileType) -> std::io::Result<bool> + 'a;

/// The NAR serialisation of `path` with only the entries `filter` keeps
/// (a rejected directory is not descended into).
pub fn nar_filtered(
    io: &dyn EvalIO,
    path: &str,
    filter: &mut PathFilter<'_>,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    nar_str(&mut out, b"nix-archive-1");
    nar_node(io, path, &mut out, filter)?;
    Ok(out)
}

fn nar_node(
    io: &dyn EvalIO,
    path: &str,
    out: &mut Vec<u8>,
    filter: &mut PathFilter<'_>,
) -> std::io::Result<()> {
    nar_str(out, b"(");
    match io.file_type(path)? {
        FileType::Regular => {
            nar_str(out, b"type");
            nar_str(out, b"regular");
            if io.is_executable(path) {
                nar_str(out, b"executable");
                nar_str(out, b"");
            }
            nar_str(out, b"contents");
            nar_str(out, &io.read_file(path)?);
        }
        FileType::Symlink => {
            nar_str(out, b"type");
            nar_str(out, b"symlink");
            nar_str(out, b"target");
            nar_str(out, io.read_link(path)?.as_bytes());
        }
        FileType::Directory => {
            nar_str(out, b"type");
            nar_str(out, b"directory");
            let mut entries = io.read_dir(path)?;
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            for (name, ty) in entries {
                let child = format!("{}/{}", path.trim_end_matches('/'), name);
                if !filter(&child, ty)? {
                    continue;
                }
                nar_str(out, b"entry");
                nar_str(out, b"(");
                nar_str(out, b"name");
                nar_str(out, name.as_bytes());
                nar_str(out, b"node");
                nar_node(io, &child, out, filter)?;
                nar_str(out, b")");
            }
        }
        FileType::Unknown => {
            return Err(std::io::Error::other(format!(
                "file '{path}' has an unsupported type"
            )));
        }
    }
    nar_str(out, b")");
    Ok(())
}

/// The store path `path` would get when added as a source.
pub fn source_store_path(io: &dyn EvalIO, path: &str) -> std::io::Result<String> {
    let name = path.rsplit('/').next().unwrap_or("");
    let nar = nar(io, path)?;
    Ok(make_store_path("source", &sha2::Sha256::digest(&nar), name))
}

/// The store path of a flat (single-file) fixed-output SHA-256 hash.
pub fn flat_fixed_store_path(file_hash: &[u8], name: &str) -> String {
    let inner = format!("fixed:out:sha256:{}:", hex(file_hash));
    make_store_path("output:out", &sha2::Sha256::digest(inner.as_bytes()), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_nix() {
        assert_eq!(
            nixbase32(&hash("sha256", b"").unwrap()),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
    }
}
