//! The evaluator's bridge to `tvix-store`: NARs and store paths of files
//! read through [`EvalIO`], and the store objects an evaluation creates.
//!
//! The evaluator computes every path itself; the objects (sources, texts,
//! `.drv` files) are handed to [`EvalIO::add_to_store`], which keeps
//! nothing by default (C++ Nix's dummy store). [`KnownPaths`] remembers
//! what this evaluation created, which derivations need for the closure
//! of a `=drv` context and for their inputs' hashes.

use tvix_store::hash::{Algorithm, digest, sha256};
use tvix_store::nar::{self, NarSource, NodeType};

pub use tvix_store::hash::hex;
pub use tvix_store::store_dir;
pub use tvix_store::store_path::{flat_fixed_store_path, make_store_path};

use std::rc::Rc;

use rustc_hash::FxHashMap;
use tvix_store::derivation::Derivation;

use crate::io::{EvalIO, FileType, StoreObject};

/// What this evaluation keeps of a derivation it instantiated: what its
/// dependents need, not the whole derivation (an evaluation may create
/// tens of thousands; the `.drv` file itself went to the store).
#[derive(Debug)]
pub struct KnownDerivation {
    /// The store paths its `.drv` file refers to (input sources and input
    /// derivations), sorted.
    pub references: Box<[String]>,
    /// Its output names, sorted.
    pub outputs: Box<[String]>,
    /// The paths of those outputs, in the same order; empty where the path
    /// is not known before building (content-addressed, impure).
    pub output_paths: Box<[String]>,
    /// Its hash modulo (unmasked), the key its dependents are hashed with.
    pub hash_modulo: [u8; 32],
}

impl KnownDerivation {
    /// What to keep of `drv`, whose hash modulo is `hash_modulo`.
    pub fn new(drv: &Derivation, hash_modulo: [u8; 32]) -> KnownDerivation {
        KnownDerivation {
            references: sorted_union(&drv.input_srcs, drv.input_drvs.keys()),
            outputs: drv.outputs.keys().cloned().collect(),
            output_paths: drv.outputs.values().map(|o| o.path.clone()).collect(),
            hash_modulo,
        }
    }
}

/// The paths of `a` and `b` (each sorted) in one sorted list without
/// repeats, made straight from the two (no set in between).
fn sorted_union<'a>(
    a: &'a std::collections::BTreeSet<String>,
    b: impl Iterator<Item = &'a String>,
) -> Box<[String]> {
    let mut out: Vec<String> = Vec::with_capacity(a.len() + b.size_hint().0);
    let mut a = a.iter().peekable();
    let mut b = b.peekable();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x < y => a.next(),
            (Some(x), Some(y)) if x > y => b.next(),
            (Some(_), Some(_)) => {
                b.next();
                a.next()
            }
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        out.extend(next.cloned());
    }
    out.into_boxed_slice()
}

/// The store objects this evaluation created, by store path.
#[derive(Debug, Default)]
pub struct KnownPaths {
    /// Derivations by `.drv` path.
    pub derivations: FxHashMap<String, Rc<KnownDerivation>>,
    /// Text objects (`toFile`) by path, with their references.
    pub texts: FxHashMap<String, Vec<String>>,
}

impl KnownPaths {
    /// The store paths `path` refers to, if this evaluation created it
    /// (sources refer to nothing).
    pub fn references(&self, path: &str) -> Vec<String> {
        if let Some(d) = self.derivations.get(path) {
            return d.references.to_vec();
        }
        self.texts.get(path).cloned().unwrap_or_default()
    }

    /// `path` and everything it refers to, transitively (C++ Nix's
    /// `computeFSClosure`), sorted.
    pub fn closure(&self, path: &str) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = vec![path.to_string()];
        while let Some(p) = todo.pop() {
            if seen.insert(p.clone()) {
                todo.extend(self.references(&p));
            }
        }
        seen
    }
}

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

/// Imports `path` as a source named after its last component (path
/// interpolation): computes its store path from the NAR and hands the
/// NAR to the embedder.
///
/// A name that cannot be a store path name is an error of kind
/// `InvalidInput` carrying C++ Nix's message.
pub fn import_source(io: &dyn EvalIO, path: &str) -> std::io::Result<String> {
    let name = path.rsplit('/').next().unwrap_or("");
    let nar = nar(io, path)?;
    let stored = make_store_path("source", &sha256(&nar), name);
    check_path_name(&stored)?;
    add_source(io, name, nar)
}

/// Checks the name of a computed store path, with C++ Nix's message.
pub fn check_path_name(path: &str) -> std::io::Result<()> {
    let base = path.rsplit('/').next().unwrap_or(path);
    tvix_store::store_path::StorePath::from_base_name(base)
        .map(drop)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.0))
}

/// Hands a flat (single-file) import named `name` to the embedder and
/// returns its fixed-output store path; `nar` is the file's NAR.
pub fn add_flat_source(
    io: &dyn EvalIO,
    name: &str,
    contents: &[u8],
    nar: Vec<u8>,
) -> std::io::Result<String> {
    let hash = sha256(contents);
    let path = flat_fixed_store_path(&hash, name);
    check_path_name(&path)?;
    io.add_to_store(StoreObject::Source {
        path: path.clone(),
        name: name.to_string(),
        nar,
        ca: format!("fixed:sha256:{}", nixbase32(&hash)),
    })?;
    Ok(path)
}

/// Hands a NAR-serialised source named `name` to the embedder and returns
/// its (recursive SHA-256, `source`) store path.
pub fn add_source(io: &dyn EvalIO, name: &str, nar: Vec<u8>) -> std::io::Result<String> {
    let hash = sha256(&nar);
    let path = make_store_path("source", &hash, name);
    check_path_name(&path)?;
    io.add_to_store(StoreObject::Source {
        path: path.clone(),
        name: name.to_string(),
        nar,
        ca: format!("fixed:r:sha256:{}", nixbase32(&hash)),
    })?;
    Ok(path)
}
