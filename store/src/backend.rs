//! The `Store` trait every backend implements: the embedded local store
//! today, a castore (BLAKE3 blobs and directories) and remote stores later.
//! Callers (the CLI's `EvalIO`, later the builder) only see this trait.

use std::collections::BTreeSet;
use std::fmt;

use crate::hash::{Algorithm, Hash};
use crate::nar::{NarError, NarNode};
use crate::path_info::PathInfo;
use crate::store_path::{StorePath, StorePathError, make_text_path};

/// Why a store operation failed.
#[derive(Debug)]
pub enum StoreError {
    /// The object handed in is not what its metadata says (hash, size,
    /// content address, malformed NAR).
    InvalidObject(String),
    /// A reference of the object is not in the store (a store only holds
    /// whole closures).
    MissingReference {
        /// The object being added.
        path: String,
        /// The reference that is not valid.
        reference: String,
    },
    /// The path is already valid with different contents.
    Conflict(String),
    /// Another process holds the store.
    Busy(String),
    /// The file system failed; `context` says doing what.
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
    /// The metadata database failed.
    Database(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::InvalidObject(m) | StoreError::Conflict(m) | StoreError::Busy(m) => {
                f.write_str(m)
            }
            StoreError::MissingReference { path, reference } => write!(
                f,
                "cannot add '{path}' to the store: its reference '{reference}' is not in the store"
            ),
            StoreError::Io { context, source } => write!(f, "{context}: {source}"),
            StoreError::Database(m) => write!(f, "store database: {m}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<NarError> for StoreError {
    fn from(e: NarError) -> StoreError {
        StoreError::InvalidObject(e.to_string())
    }
}

impl From<StorePathError> for StoreError {
    fn from(e: StorePathError) -> StoreError {
        StoreError::InvalidObject(e.0)
    }
}

/// A Nix store: valid paths with their metadata and contents.
///
/// A path becomes valid only once its contents and metadata are both
/// stored, and only after all its references are valid; adding a path
/// that is already valid with the same NAR hash does nothing.
pub trait Store {
    /// The store directory the paths are computed for (`/nix/store`).
    fn store_dir(&self) -> &str;

    /// The metadata of `path`, or `None` when it is not valid.
    fn query_path_info(&self, path: &StorePath) -> Result<Option<PathInfo>, StoreError>;

    /// Whether `path` is valid.
    fn is_valid_path(&self, path: &StorePath) -> Result<bool, StoreError> {
        Ok(self.query_path_info(path)?.is_some())
    }

    /// Adds the path `info` describes, whose NAR serialisation is `nar`.
    /// The NAR's hash and size must match `info`, a content address must
    /// be the path's, and every reference must be valid already. The path
    /// is valid when this returns; backends may batch making it durable
    /// (see [`crate::LocalStore::flush`]).
    fn add_nar(&self, info: &PathInfo, nar: &[u8]) -> Result<(), StoreError>;

    /// The NAR serialisation of a valid path.
    fn nar(&self, path: &StorePath) -> Result<Vec<u8>, StoreError>;

    /// Adds a text object (a `.drv` file, a `builtins.toFile` text) named
    /// `name` referring to `references`, and returns its path.
    fn add_text(
        &self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> Result<StorePath, StoreError> {
        let refs: Vec<String> = references.iter().map(StorePath::to_absolute).collect();
        let path = StorePath::parse(&make_text_path(
            name,
            contents,
            refs.iter().map(String::as_str),
        ))?;
        let nar = NarNode::Regular {
            executable: false,
            contents: contents.to_vec(),
        }
        .to_nar();
        let mut info = PathInfo::for_nar(path.clone(), &nar, references.clone());
        info.ca = Some(format!(
            "text:sha256:{}",
            Hash::of(Algorithm::Sha256, contents).to_nix32()
        ));
        self.add_nar(&info, &nar)?;
        Ok(path)
    }
}
