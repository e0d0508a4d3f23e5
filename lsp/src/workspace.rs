//! The workspace on disk: finding its `*.nix` files (honouring
//! `.gitignore`), reading them, and the file system evaluation sees.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tvix_analysis::FileSystem;
use tvix_eval::FileType;

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

/// The real file system.
pub struct DiskFileSystem;

impl FileSystem for DiskFileSystem {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            out.push((
                entry.file_name().to_string_lossy().into_owned(),
                convert(entry.file_type()?),
            ));
        }
        Ok(out)
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        Ok(convert(std::fs::symlink_metadata(path)?.file_type()))
    }
}

fn convert(ty: std::fs::FileType) -> FileType {
    if ty.is_symlink() {
        FileType::Symlink
    } else if ty.is_dir() {
        FileType::Directory
    } else if ty.is_file() {
        FileType::Regular
    } else {
        FileType::Unknown
    }
}
