//! Between NARs and the real file system: dumping a path (`nix-store
//! --dump`) and restoring an archive into a new path (`nix-store
//! --restore`).

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::error::NarError;
use super::reader::{NarVisitor, parse_nar_exact};
use super::writer::{NarSource, NodeType, write_nar};

/// The real file system as a [`NarSource`]: paths are the absolute (or
/// working-directory-relative) paths of the files.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsSource;

fn node_type(ty: fs::FileType) -> NodeType {
    if ty.is_symlink() {
        NodeType::Symlink
    } else if ty.is_dir() {
        NodeType::Directory
    } else if ty.is_file() {
        NodeType::Regular
    } else {
        NodeType::Unknown
    }
}

fn utf8(path: PathBuf, what: &str) -> io::Result<String> {
    path.into_os_string().into_string().map_err(|p| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what} '{}' is not valid UTF-8", p.display()),
        )
    })
}

impl NarSource for FsSource {
    fn node_type(&self, path: &str) -> io::Result<NodeType> {
        Ok(node_type(fs::symlink_metadata(path)?.file_type()))
    }

    fn is_executable(&self, path: &str) -> bool {
        fs::symlink_metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0)
    }

    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        fs::read(path)
    }

    fn read_link(&self, path: &str) -> io::Result<String> {
        utf8(fs::read_link(path)?, "the target of symlink")
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, NodeType)>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(path)? {
            let entry = entry?;
            let name = utf8(PathBuf::from(entry.file_name()), "the file name")?;
            out.push((name, node_type(entry.file_type()?)));
        }
        Ok(out)
    }
}

/// The NAR serialisation of `path`, as `nix-store --dump` prints it.
pub fn dump_path(path: &Path) -> io::Result<Vec<u8>> {
    let path = utf8(path.to_owned(), "the path")?;
    write_nar(&FsSource, &path)
}

/// Restores the NAR read from `nar` at `dest`, which must not exist yet;
/// returns the archive's size. Regular files get mode 0644 or 0755 less
/// the process's umask, like `nix-store --restore`. On error whatever was
/// already created is left for the caller to remove.
pub fn restore_nar(nar: &mut dyn Read, dest: &Path) -> Result<u64, NarError> {
    let mut restorer = Restorer { dest };
    parse_nar_exact(nar, &mut restorer)
}

struct Restorer<'a> {
    dest: &'a Path,
}

impl Restorer<'_> {
    /// `dest` joined with a path from the archive, whose components the
    /// reader has checked cannot escape it.
    fn target(&self, path: &[u8]) -> PathBuf {
        if path.is_empty() {
            self.dest.to_owned()
        } else {
            self.dest.join(OsStr::from_bytes(path))
        }
    }
}

fn context(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("cannot {what} '{}': {e}", path.display()))
}

impl NarVisitor for Restorer<'_> {
    fn regular_file(
        &mut self,
        path: &[u8],
        executable: bool,
        _size: u64,
        contents: &mut dyn Read,
    ) -> io::Result<()> {
        let target = self.target(path);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(if executable { 0o777 } else { 0o666 })
            .open(&target)
            .map_err(|e| context(e, "create file", &target))?;
        io::copy(contents, &mut file).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                e
            } else {
                context(e, "write file", &target)
            }
        })?;
        Ok(())
    }

    fn symlink(&mut self, path: &[u8], target: &[u8]) -> io::Result<()> {
        let link = self.target(path);
        std::os::unix::fs::symlink(OsStr::from_bytes(target), &link)
            .map_err(|e| context(e, "create symlink", &link))
    }

    fn enter_directory(&mut self, path: &[u8]) -> io::Result<()> {
        let dir = self.target(path);
        fs::create_dir(&dir).map_err(|e| context(e, "create directory", &dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_then_dump_round_trips() {
        let tree = crate::nar::NarNode::Directory(vec![
            (
                b"bin".to_vec(),
                crate::nar::NarNode::Directory(vec![(
                    b"run".to_vec(),
                    crate::nar::NarNode::Regular {
                        executable: true,
                        contents: b"#!/bin/sh\n".to_vec(),
                    },
                )]),
            ),
            (
                b"link".to_vec(),
                crate::nar::NarNode::Symlink {
                    target: b"bin/run".to_vec(),
                },
            ),
        ]);
        let nar = tree.to_nar();
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        assert_eq!(restore_nar(&mut &nar[..], &dest).unwrap(), nar.len() as u64);
        assert_eq!(dump_path(&dest).unwrap(), nar);
    }

    #[test]
    fn restore_refuses_an_existing_destination() {
        let nar = crate::nar::NarNode::Regular {
            executable: false,
            contents: b"x".to_vec(),
        }
        .to_nar();
        let tmp = tempfile::tempdir().unwrap();
        let err = restore_nar(&mut &nar[..], tmp.path()).unwrap_err();
        assert!(err.to_string().contains("cannot create file"), "{err}");
    }
}
