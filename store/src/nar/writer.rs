//! Writing NARs from any tree a [`NarSource`] can walk.

use std::io;

/// The kind of a node in a tree being archived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// Anything else (sockets, devices): cannot be archived.
    Unknown,
}

/// A file system tree to archive; paths are `/`-separated strings.
pub trait NarSource {
    /// The type of the node at `path` (not following a final symlink).
    fn node_type(&self, path: &str) -> io::Result<NodeType>;
    /// Whether the regular file at `path` is executable.
    fn is_executable(&self, path: &str) -> bool;
    /// The contents of the regular file at `path`.
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>>;
    /// The target of the symlink at `path`.
    fn read_link(&self, path: &str) -> io::Result<String>;
    /// The entries of the directory at `path`, in any order.
    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, NodeType)>>;
}

/// Decides whether a path below the root goes into a NAR.
pub type PathFilter<'a> = dyn FnMut(&str, NodeType) -> io::Result<bool> + 'a;

/// The NAR serialisation of `path`.
pub fn write_nar(source: &dyn NarSource, path: &str) -> io::Result<Vec<u8>> {
    write_nar_filtered(source, path, &mut |_, _| Ok(true))
}

/// The NAR serialisation of `path` with only the entries `filter` keeps
/// (a rejected directory is not descended into).
pub fn write_nar_filtered(
    source: &dyn NarSource,
    path: &str,
    filter: &mut PathFilter<'_>,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    put_str(&mut out, super::NAR_MAGIC);
    put_node(source, path, &mut out, filter)?;
    Ok(out)
}

/// A NAR string: little-endian u64 length, the bytes, zero padding to 8.
pub(crate) fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s);
    out.resize(out.len() + (8 - s.len() % 8) % 8, 0);
}

fn put_node(
    source: &dyn NarSource,
    path: &str,
    out: &mut Vec<u8>,
    filter: &mut PathFilter<'_>,
) -> io::Result<()> {
    put_str(out, b"(");
    match source.node_type(path)? {
        NodeType::Regular => {
            put_str(out, b"type");
            put_str(out, b"regular");
            if source.is_executable(path) {
                put_str(out, b"executable");
                put_str(out, b"");
            }
            put_str(out, b"contents");
            put_str(out, &source.read_file(path)?);
        }
        NodeType::Symlink => {
            put_str(out, b"type");
            put_str(out, b"symlink");
            put_str(out, b"target");
            put_str(out, source.read_link(path)?.as_bytes());
        }
        NodeType::Directory => {
            put_str(out, b"type");
            put_str(out, b"directory");
            let mut entries = source.read_dir(path)?;
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            for (name, ty) in entries {
                let child = format!("{}/{}", path.trim_end_matches('/'), name);
                if !filter(&child, ty)? {
                    continue;
                }
                put_str(out, b"entry");
                put_str(out, b"(");
                put_str(out, b"name");
                put_str(out, name.as_bytes());
                put_str(out, b"node");
                put_node(source, &child, out, filter)?;
                put_str(out, b")");
            }
        }
        NodeType::Unknown => {
            return Err(io::Error::other(format!(
                "file '{path}' has an unsupported type"
            )));
        }
    }
    put_str(out, b")");
    Ok(())
}
