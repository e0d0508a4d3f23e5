//! tvix-fetch: what the fetchers (`fetchurl`, `fetchTarball`, `fetchGit`,
//! `fetchTree`) fetch, as bytes and NARs.
//!
//! This crate owns the outside world of fetching: downloading a URL
//! (`file://` read directly, HTTP(S) with a progress bar on a terminal),
//! unpacking tarballs the way C++ Nix does (one top-level directory,
//! stripped), and exporting a git revision or a dirty working tree. It
//! returns contents; it never computes store paths, never checks expected
//! hashes and never writes to a store — the evaluator does that, so paths
//! stay bit-exact in one place. It must never depend on the evaluator.

mod download;
mod git;
mod tarball;

use std::io;
use std::path::Path;

pub use download::download;
pub use git::{GitCheckout, GitRequest, fetch_git};
pub use tarball::unpack_tarball;

/// A directory tree (or single file) fetched and serialised as a NAR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedTree {
    /// The NAR serialisation of the tree.
    pub nar: Vec<u8>,
    /// Seconds since the epoch of the tree's last modification, when the
    /// source has one (the mtime of a local path).
    pub last_modified: Option<u64>,
}

/// A local path as `fetchTree { type = "path"; }` sees it: its NAR and its
/// modification time (C++ Nix reports the mtime of the path itself).
pub fn fetch_path(path: &str) -> io::Result<FetchedTree> {
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| io::Error::new(e.kind(), format!("getting status of '{path}': {e}")))?;
    let mtime = std::os::unix::fs::MetadataExt::mtime(&meta);
    Ok(FetchedTree {
        nar: tvix_store::nar::dump_path(Path::new(path))?,
        last_modified: Some(mtime.max(0) as u64),
    })
}

/// An error with a message for the user (the fetchers' errors are shown
/// as they are, after `error: `).
pub(crate) fn error(message: impl Into<String>) -> io::Error {
    io::Error::other(message.into())
}
