//! A whole NAR in memory, for small archives and tests.

use std::io::{self, Read};

use super::error::NarError;
use super::reader::{NarVisitor, parse_nar_exact};
use super::writer::put_str;

/// A file system tree as a NAR describes it. Names and targets are bytes:
/// a NAR is not required to be UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NarNode {
    /// A regular file.
    Regular {
        /// Whether the file is executable.
        executable: bool,
        /// The file's bytes.
        contents: Vec<u8>,
    },
    /// A symbolic link.
    Symlink {
        /// Where the link points.
        target: Vec<u8>,
    },
    /// A directory with its entries, sorted by name.
    Directory(Entries),
}

impl NarNode {
    /// Reads `nar`, which must be exactly one canonical archive.
    pub fn from_nar(mut nar: &[u8]) -> Result<NarNode, NarError> {
        let mut builder = TreeBuilder::default();
        parse_nar_exact(&mut nar, &mut builder)?;
        // A successful parse delivered exactly one root.
        Ok(builder.root.unwrap_or(NarNode::Directory(Vec::new())))
    }

    /// The canonical NAR serialisation of this tree.
    pub fn to_nar(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_str(&mut out, super::NAR_MAGIC);
        // An explicit stack, so a deep tree cannot overflow the call stack.
        enum Step<'a> {
            Node(&'a NarNode),
            Bytes(&'static [u8]),
            Entry(&'a [u8], &'a NarNode),
        }
        let mut work = vec![Step::Node(self)];
        while let Some(step) = work.pop() {
            match step {
                Step::Bytes(b) => put_str(&mut out, b),
                Step::Entry(name, node) => {
                    for tag in [&b"entry"[..], b"(", b"name"] {
                        put_str(&mut out, tag);
                    }
                    put_str(&mut out, name);
                    put_str(&mut out, b"node");
                    work.push(Step::Bytes(b")"));
                    work.push(Step::Node(node));
                }
                Step::Node(node) => {
                    put_str(&mut out, b"(");
                    put_str(&mut out, b"type");
                    match node {
                        NarNode::Regular {
                            executable,
                            contents,
                        } => {
                            put_str(&mut out, b"regular");
                            if *executable {
                                put_str(&mut out, b"executable");
                                put_str(&mut out, b"");
                            }
                            put_str(&mut out, b"contents");
                            put_str(&mut out, contents);
                            put_str(&mut out, b")");
                        }
                        NarNode::Symlink { target } => {
                            put_str(&mut out, b"symlink");
                            put_str(&mut out, b"target");
                            put_str(&mut out, target);
                            put_str(&mut out, b")");
                        }
                        NarNode::Directory(entries) => {
                            put_str(&mut out, b"directory");
                            work.push(Step::Bytes(b")"));
                            for (name, child) in entries.iter().rev() {
                                work.push(Step::Entry(name, child));
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// A directory's entries, sorted by name.
type Entries = Vec<(Vec<u8>, NarNode)>;

/// Builds a [`NarNode`] from the reader's events.
#[derive(Default)]
struct TreeBuilder {
    /// Directories being filled, innermost last, with their paths.
    open: Vec<(Vec<u8>, Entries)>,
    root: Option<NarNode>,
}

impl TreeBuilder {
    fn add(&mut self, path: &[u8], node: NarNode) {
        let name = path.rsplit(|&b| b == b'/').next().unwrap_or(b"").to_vec();
        match self.open.last_mut() {
            Some((_, entries)) => entries.push((name, node)),
            None => self.root = Some(node),
        }
    }
}

impl NarVisitor for TreeBuilder {
    fn regular_file(
        &mut self,
        path: &[u8],
        executable: bool,
        _size: u64,
        contents: &mut dyn Read,
    ) -> io::Result<()> {
        // Grows with the bytes actually present, never with the claimed size.
        let mut bytes = Vec::new();
        contents.read_to_end(&mut bytes)?;
        self.add(
            path,
            NarNode::Regular {
                executable,
                contents: bytes,
            },
        );
        Ok(())
    }

    fn symlink(&mut self, path: &[u8], target: &[u8]) -> io::Result<()> {
        self.add(
            path,
            NarNode::Symlink {
                target: target.to_vec(),
            },
        );
        Ok(())
    }

    fn enter_directory(&mut self, path: &[u8]) -> io::Result<()> {
        self.open.push((path.to_vec(), Vec::new()));
        Ok(())
    }

    fn leave_directory(&mut self, _path: &[u8]) -> io::Result<()> {
        if let Some((path, entries)) = self.open.pop() {
            self.add(&path, NarNode::Directory(entries));
        }
        Ok(())
    }
}
