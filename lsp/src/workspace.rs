//! The workspace on disk: finding its `*.nix` files (honouring
//! `.gitignore`), reading them, and the file system evaluation sees.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tvix_analysis::FileSystem;
use tvix_eval::{EvalIO, FileType, StdIO};

/// The `*.nix` files under `root`, skipping what `.gitignore` (and hidden
/// directories) exclude, sorted.
pub fn nix_files(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = ignore::WalkBuilder::new(root)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "nix"))
        .map(|entry| entry.path().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

/// A file's text, if it is readable UTF-8 (other files are not analysed).
pub fn read_text(path: &str) -> Option<Arc<str>> {
    let bytes = std::fs::read(path).ok()?;
    String::from_utf8(bytes).ok().map(Arc::from)
}

/// The real file system, read exactly as `tvix eval` reads it (so the
/// server's evaluation sees what the command line would).
pub struct DiskFileSystem;

impl FileSystem for DiskFileSystem {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        StdIO.read_file(path)
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        StdIO.read_dir(path)
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        StdIO.file_type(path)
    }
}
