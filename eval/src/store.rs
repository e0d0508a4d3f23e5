//! The evaluator's bridge to `tvix-store`: NARs and store paths of files
//! read through [`EvalIO`].
//!
//! Nothing is written: like C++ Nix with a dummy store, only the paths are
//! computed.

use tvix_store::hash::{Algorithm, digest, sha256};
use tvix_store::nar::{self, NarSource, NodeType};

pub use tvix_store::STORE_DIR;
pub use tvix_store::hash::hex;
pub use tvix_store::store_path::{flat_fixed_store_path, make_store_path};

use crate::io::{EvalIO, FileType};

/// Hashes `data` with `algo` (`md5`, `sha1`, `sha256`, `sha512`).
pub fn hash(algo: &str, data: &[u8]) -> Option<Vec<u8>> {
    Algorithm::from_name(algo).map(|algo| digest(algo, data))
}

/// Nix's base-32 encoding.
pub fn nixbase32(bytes: &[u8]) -> String {
    tvix_store::nixbase32::encode(bytes)
}

/// Lets the NAR writer walk the evaluator's view of the file system.
struct IoSource<'a>(&'a dyn EvalIO);

fn node_type(ty: FileType) -> NodeType {
    match ty {
        FileType::Regular => NodeType::Regular,
        FileType::Directory => NodeType::Directory,
        FileType::Symlink => NodeType::Symlink,
        FileType::Unknown => NodeType::Unknown,
    }
}

fn file_type(ty: NodeType) -> FileType {
    match ty {
        NodeType::Regular => FileType::Regular,
        NodeType::Directory => FileType::Directory,
        NodeType::Symlink => FileType::Symlink,
        NodeType::Unknown => FileType::Unknown,
    }
}

impl NarSource for IoSource<'_> {
    fn node_type(&self, path: &str) -> std::io::Result<NodeType> {
        self.0.file_type(path).map(node_type)
    }
    fn is_executable(&self, path: &str) -> bool {
        self.0.is_executable(path)
    }
    fn read_file(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self.0.read_file(path)
    }
    fn read_link(&self, path: &str) -> std::io::Result<String> {
        self.0.read_link(path)
    }
    fn read_dir(&self, path: &str) -> std::io::Result<Vec<(String, NodeType)>> {
        Ok(self
            .0
            .read_dir(path)?
            .into_iter()
            .map(|(name, ty)| (name, node_type(ty)))
            .collect())
    }
}

/// The NAR serialisation of `path`.
pub fn nar(io: &dyn EvalIO, path: &str) -> std::io::Result<Vec<u8>> {
    nar::write_nar(&IoSource(io), path)
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
    nar::write_nar_filtered(&IoSource(io), path, &mut |p, ty| filter(p, file_type(ty)))
}

/// The store path `path` would get when added as a source.
pub fn source_store_path(io: &dyn EvalIO, path: &str) -> std::io::Result<String> {
    let name = path.rsplit('/').next().unwrap_or("");
    let nar = nar(io, path)?;
    Ok(make_store_path("source", &sha256(&nar), name))
}
