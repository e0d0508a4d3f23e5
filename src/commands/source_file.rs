//! Reading Nix source from a file or standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Where a source came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceOrigin {
    /// Standard input (`-`).
    Stdin,
    /// A file, as named by the user.
    File(PathBuf),
}

impl SourceOrigin {
    /// Interprets a command-line argument: `-` is standard input.
    pub fn from_arg(arg: &Path) -> SourceOrigin {
        if arg == Path::new("-") {
            SourceOrigin::Stdin
        } else {
            SourceOrigin::File(arg.to_owned())
        }
    }

    /// Reads the whole source as bytes.
    pub fn read(&self) -> anyhow::Result<Vec<u8>> {
        match self {
            SourceOrigin::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .context("could not read standard input")?;
                Ok(bytes)
            }
            SourceOrigin::File(path) => {
                std::fs::read(path).with_context(|| format!("could not read '{}'", path.display()))
            }
        }
    }
}

/// `path` made absolute against `cwd`, lexically: `..` and `.` are
/// resolved without touching the filesystem and symlinks are kept, as C++
/// Nix keeps them.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    tvix_eval::search_path::lexically_absolute(cwd, path)
}
