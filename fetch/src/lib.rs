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
/// modification time, which C++ Nix takes as the newest mtime of anything
/// in the tree (`dumpPathAndGetMtime`, links not followed).
pub fn fetch_path(path: &str) -> io::Result<FetchedTree> {
    let mtime = newest_mtime(Path::new(path))
        .map_err(|e| io::Error::new(e.kind(), format!("getting status of '{path}': {e}")))?;
    Ok(FetchedTree {
        nar: tvix_store::nar::dump_path(Path::new(path))?,
        last_modified: Some(mtime.max(0) as u64),
    })
}

/// The newest modification time of `path` and, for a directory, of
/// everything below it (walked with an explicit stack).
fn newest_mtime(path: &Path) -> io::Result<i64> {
    use std::os::unix::fs::MetadataExt;
    let mut newest = i64::MIN;
    let mut todo = vec![path.to_owned()];
    while let Some(p) = todo.pop() {
        let meta = std::fs::symlink_metadata(&p)?;
        newest = newest.max(meta.mtime());
        if meta.is_dir() {
            for entry in std::fs::read_dir(&p)? {
                todo.push(entry?.path());
            }
        }
    }
    Ok(newest)
}

/// An error with a message for the user (the fetchers' errors are shown
/// as they are, after `error: `).
pub(crate) fn error(message: impl Into<String>) -> io::Error {
    io::Error::other(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trees_time_is_its_newest_entrys() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let file = sub.join("f");
        std::fs::write(&file, b"x").unwrap();
        let set = |p: &Path, secs: u64| {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            std::fs::File::options()
                .write(p.is_file())
                .read(true)
                .open(p)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        set(&file, 1_700_000_000);
        set(&sub, 1_600_000_000);
        set(dir.path(), 1_500_000_000);
        let tree = fetch_path(dir.path().to_str().unwrap()).unwrap();
        assert_eq!(tree.last_modified, Some(1_700_000_000));
    }
}
