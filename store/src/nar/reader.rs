//! Reading NARs as a stream, accepting only the canonical form C++ Nix
//! writes.
//!
//! The reader checks the input against the grammar
//!
//! ```text
//! nar   = str("nix-archive-1") node
//! node  = "(" "type" ( "regular" ["executable" ""] "contents" BYTES
//!                    | "symlink" "target" TARGET
//!                    | "directory" entry* ) ")"
//! entry = "entry" "(" "name" NAME "node" node ")"
//! ```
//!
//! where every string is a little-endian u64 length, the bytes and zero
//! padding to a multiple of 8. Anything else is rejected: names that could
//! escape the directory being restored (`..`, `/`, NUL, empty), entries out
//! of order or repeated, non-zero padding, unknown tags, truncation. No
//! length the input claims is allocated before it is checked against a
//! limit, file contents are streamed to the consumer, and directories are
//! walked with an explicit stack, so neither memory nor the call stack grows
//! with what a malicious archive claims, only with what it contains.

use std::io::{self, Read};

use super::error::{NarError, NarErrorKind};
use super::{NAME_MAX, NAR_MAGIC, PATH_MAX};

/// Longest grammar token (`nix-archive-1`), rounded up: tags longer than
/// this are rejected without being read.
const MAX_TAG: u64 = 16;

/// Receives the contents of a NAR as it is read, in archive order.
///
/// Paths are relative to the archive's root, `/`-separated, and empty for
/// the root itself; each component has been checked to be a valid file
/// name, so joining them below a directory cannot escape it.
pub trait NarVisitor {
    /// A regular file of `size` bytes; `contents` yields exactly those bytes
    /// (whatever the visitor leaves unread is skipped).
    fn regular_file(
        &mut self,
        path: &[u8],
        executable: bool,
        size: u64,
        contents: &mut dyn Read,
    ) -> io::Result<()>;
    /// A symbolic link.
    fn symlink(&mut self, path: &[u8], target: &[u8]) -> io::Result<()>;
    /// A directory, before its entries.
    fn enter_directory(&mut self, path: &[u8]) -> io::Result<()>;
    /// The end of a directory's entries.
    fn leave_directory(&mut self, _path: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

/// Reads one NAR from `input`, handing its contents to `visitor`, and
/// returns the number of bytes it occupied. Bytes after the archive are
/// left unread (use [`parse_nar_exact`] to reject them).
pub fn parse_nar(input: &mut dyn Read, visitor: &mut dyn NarVisitor) -> Result<u64, NarError> {
    let mut reader = Reader { input, offset: 0 };
    reader.expect(NAR_MAGIC, "the NAR magic 'nix-archive-1'")?;
    reader.node_tree(visitor)?;
    Ok(reader.offset)
}

/// Reads a NAR that must make up the whole of `input`.
pub fn parse_nar_exact(
    input: &mut dyn Read,
    visitor: &mut dyn NarVisitor,
) -> Result<u64, NarError> {
    let len = parse_nar(input, visitor)?;
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) => return Ok(len),
            Ok(_) => {
                return Err(NarError {
                    offset: len,
                    kind: NarErrorKind::TrailingData,
                });
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(NarError {
                    offset: len,
                    kind: NarErrorKind::Read(e),
                });
            }
        }
    }
}

/// One open directory while walking the archive.
struct Frame {
    /// Length of the path buffer before this directory's name was added.
    parent_len: usize,
    /// The previous entry's name, for the order check.
    previous: Option<Vec<u8>>,
}

struct Reader<'a> {
    input: &'a mut dyn Read,
    offset: u64,
}

impl Reader<'_> {
    fn error(&self, offset: u64, kind: NarErrorKind) -> NarError {
        NarError { offset, kind }
    }

    /// Fills `buf`, or fails with `Truncated` naming `reading`.
    fn fill(&mut self, buf: &mut [u8], start: u64, reading: &'static str) -> Result<(), NarError> {
        match self.input.read_exact(buf) {
            Ok(()) => {
                self.offset += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                Err(self.error(start, NarErrorKind::Truncated { reading }))
            }
            Err(e) => Err(self.error(start, NarErrorKind::Read(e))),
        }
    }

    fn u64(&mut self, reading: &'static str) -> Result<u64, NarError> {
        let mut buf = [0u8; 8];
        self.fill(&mut buf, self.offset, reading)?;
        Ok(u64::from_le_bytes(buf))
    }

    /// Reads and checks the zero padding after a string of `len` bytes.
    fn padding(&mut self, len: u64, start: u64) -> Result<(), NarError> {
        let pad = ((8 - len % 8) % 8) as usize;
        let mut buf = [0u8; 8];
        let at = self.offset;
        self.fill(&mut buf[..pad], start, "the padding of a string")?;
        if buf[..pad].iter().any(|&b| b != 0) {
            return Err(self.error(at, NarErrorKind::NonZeroPadding));
        }
        Ok(())
    }

    /// Reads a string of at most `max` bytes; a longer claimed length is an
    /// error before anything is allocated.
    fn string(&mut self, max: u64, what: &'static str) -> Result<Vec<u8>, NarError> {
        let start = self.offset;
        let len = self.u64(what)?;
        if len > max {
            return Err(self.error(start, NarErrorKind::TooLong { what, len, max }));
        }
        let mut buf = vec![0u8; len as usize];
        self.fill(&mut buf, start, what)?;
        self.padding(len, start)?;
        Ok(buf)
    }

    /// Reads a grammar token; anything longer than a token is reported as
    /// the unexpected token it starts with.
    fn token(&mut self, expected: &'static str) -> Result<(u64, Vec<u8>), NarError> {
        let start = self.offset;
        let len = self.u64(expected)?;
        if len > MAX_TAG {
            return Err(self.error(
                start,
                NarErrorKind::UnexpectedToken {
                    expected,
                    found: format!("<a string of {len} bytes>").into_bytes(),
                },
            ));
        }
        let mut buf = vec![0u8; len as usize];
        self.fill(&mut buf, start, expected)?;
        self.padding(len, start)?;
        Ok((start, buf))
    }

    fn expect(&mut self, tag: &[u8], expected: &'static str) -> Result<(), NarError> {
        let (start, found) = self.token(expected)?;
        if found != tag {
            return Err(self.error(start, NarErrorKind::UnexpectedToken { expected, found }));
        }
        Ok(())
    }

    fn unexpected(&self, start: u64, expected: &'static str, found: Vec<u8>) -> NarError {
        self.error(start, NarErrorKind::UnexpectedToken { expected, found })
    }

    /// Walks the node at the current position and everything below it.
    fn node_tree(&mut self, visitor: &mut dyn NarVisitor) -> Result<(), NarError> {
        let mut path: Vec<u8> = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        // The root node has no name; `node` pushes a frame when it opens a
        // directory, and returns after any other node is complete.
        self.node(visitor, &mut path, &mut stack, 0)?;
        while let Some(frame) = stack.last_mut() {
            let (start, tag) = self.token("'entry' or ')'")?;
            match tag.as_slice() {
                b")" => {
                    let at = self.offset;
                    visitor
                        .leave_directory(&path)
                        .map_err(|e| self.error(at, NarErrorKind::Sink(e)))?;
                    let parent_len = frame.parent_len;
                    stack.pop();
                    path.truncate(parent_len);
                    if !stack.is_empty() {
                        self.expect(b")", "')' closing the entry")?;
                    }
                }
                b"entry" => {
                    self.expect(b"(", "'(' opening the entry")?;
                    self.expect(b"name", "'name'")?;
                    let name_start = self.offset;
                    let name = self.string(NAME_MAX, "an entry name")?;
                    check_name(&name).map_err(|reason| {
                        self.error(
                            name_start,
                            NarErrorKind::InvalidName {
                                name: name.clone(),
                                reason,
                            },
                        )
                    })?;
                    if let Some(previous) = frame.previous.take() {
                        if name == previous {
                            return Err(
                                self.error(name_start, NarErrorKind::DuplicateEntry { name })
                            );
                        }
                        if name < previous {
                            return Err(
                                self.error(name_start, NarErrorKind::Unsorted { previous, name })
                            );
                        }
                    }
                    frame.previous = Some(name.clone());
                    self.expect(b"node", "'node'")?;
                    let parent_len = path.len();
                    if !path.is_empty() {
                        path.push(b'/');
                    }
                    path.extend_from_slice(&name);
                    let depth = stack.len();
                    self.node(visitor, &mut path, &mut stack, parent_len)?;
                    if stack.len() == depth {
                        // Not a directory: the node is complete.
                        path.truncate(parent_len);
                        self.expect(b")", "')' closing the entry")?;
                    }
                }
                _ => return Err(self.unexpected(start, "'entry' or ')'", tag)),
            }
        }
        Ok(())
    }

    /// Reads one node up to its closing `)`, or, for a directory, up to its
    /// first entry (pushing a frame for it).
    fn node(
        &mut self,
        visitor: &mut dyn NarVisitor,
        path: &mut [u8],
        stack: &mut Vec<Frame>,
        parent_len: usize,
    ) -> Result<(), NarError> {
        self.expect(b"(", "'('")?;
        self.expect(b"type", "'type'")?;
        let (start, kind) = self.token("a node type")?;
        let at = self.offset;
        match kind.as_slice() {
            b"regular" => {
                let (start, tag) = self.token("'executable' or 'contents'")?;
                let executable = tag == b"executable";
                if executable {
                    let (start, value) = self.token("'' after 'executable'")?;
                    if !value.is_empty() {
                        return Err(self.unexpected(start, "'' after 'executable'", value));
                    }
                    self.expect(b"contents", "'contents'")?;
                } else if tag != b"contents" {
                    return Err(self.unexpected(start, "'executable' or 'contents'", tag));
                }
                self.contents(visitor, path, executable)?;
                self.expect(b")", "')' closing the file")?;
            }
            b"symlink" => {
                self.expect(b"target", "'target'")?;
                let target_start = self.offset;
                let target = self.string(PATH_MAX, "a symlink target")?;
                if target.is_empty() || target.contains(&0) {
                    return Err(
                        self.error(target_start, NarErrorKind::InvalidSymlinkTarget { target })
                    );
                }
                let at = self.offset;
                visitor
                    .symlink(path, &target)
                    .map_err(|e| self.error(at, NarErrorKind::Sink(e)))?;
                self.expect(b")", "')' closing the symlink")?;
            }
            b"directory" => {
                visitor
                    .enter_directory(path)
                    .map_err(|e| self.error(at, NarErrorKind::Sink(e)))?;
                stack.push(Frame {
                    parent_len,
                    previous: None,
                });
            }
            _ => {
                return Err(self.unexpected(start, "'regular', 'symlink' or 'directory'", kind));
            }
        }
        Ok(())
    }

    /// Streams a regular file's contents to the visitor, then skips what it
    /// left unread and checks the padding.
    fn contents(
        &mut self,
        visitor: &mut dyn NarVisitor,
        path: &[u8],
        executable: bool,
    ) -> Result<(), NarError> {
        let start = self.offset;
        let size = self.u64("the size of a file")?;
        let mut contents = Contents {
            input: &mut *self.input,
            remaining: size,
            truncated: false,
            failed: None,
        };
        let visited = visitor.regular_file(path, executable, size, &mut contents);
        let drained = match &visited {
            Ok(()) => io::copy(&mut contents, &mut io::sink()).map(|_| ()),
            Err(_) => Ok(()),
        };
        let consumed = size - contents.remaining;
        let (truncated, failed) = (contents.truncated, contents.failed.take());
        self.offset += consumed;
        if truncated {
            return Err(self.error(
                start,
                NarErrorKind::Truncated {
                    reading: "a file's contents",
                },
            ));
        }
        if let Some(e) = failed {
            return Err(self.error(start, NarErrorKind::Read(e)));
        }
        if let Err(e) = visited {
            return Err(self.error(start, NarErrorKind::Sink(e)));
        }
        if let Err(e) = drained {
            return Err(self.error(start, NarErrorKind::Read(e)));
        }
        self.padding(size, start)
    }
}

/// A file's contents inside the archive: at most `remaining` bytes, an
/// early end of input is an error (remembered, so the reader reports
/// truncation rather than whatever the visitor made of it).
struct Contents<'a> {
    input: &'a mut dyn Read,
    remaining: u64,
    truncated: bool,
    failed: Option<io::Error>,
}

impl Read for Contents<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        loop {
            match self.input.read(&mut buf[..want]) {
                Ok(0) => {
                    self.truncated = true;
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the NAR ends in the middle of a file's contents",
                    ));
                }
                Ok(n) => {
                    self.remaining -= n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let copy = io::Error::new(e.kind(), e.to_string());
                    self.failed = Some(e);
                    return Err(copy);
                }
            }
        }
    }
}

/// Why `name` cannot be a directory entry, if it cannot.
pub(crate) fn check_name(name: &[u8]) -> Result<(), &'static str> {
    if name.is_empty() {
        Err("names may not be empty")
    } else if name == b"." || name == b".." {
        Err("'.' and '..' are not allowed")
    } else if name.contains(&b'/') {
        Err("names may not contain '/'")
    } else if name.contains(&0) {
        Err("names may not contain NUL")
    } else {
        Ok(())
    }
}
