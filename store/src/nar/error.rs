//! What can be wrong with a NAR, and where.

use std::fmt;
use std::io;

/// A NAR that could not be read: what was wrong and at which byte offset
/// of the input it was noticed.
#[derive(Debug)]
pub struct NarError {
    /// Offset of the first byte of the token that was rejected.
    pub offset: u64,
    /// What was wrong.
    pub kind: NarErrorKind,
}

/// The ways a NAR can be malformed (or fail to be consumed).
#[derive(Debug)]
pub enum NarErrorKind {
    /// The input ended in the middle of the archive.
    Truncated {
        /// What was being read.
        reading: &'static str,
    },
    /// A string is longer than its place in the grammar allows; nothing
    /// of that size was allocated.
    TooLong {
        /// What was being read.
        what: &'static str,
        /// The length the input claims.
        len: u64,
        /// The most that is accepted.
        max: u64,
    },
    /// A padding byte after a string is not zero.
    NonZeroPadding,
    /// A different token was expected here.
    UnexpectedToken {
        /// The tokens the grammar allows here, as the user should read them.
        expected: &'static str,
        /// What was found instead.
        found: Vec<u8>,
    },
    /// A directory entry's name is empty, `.`, `..`, or contains `/` or NUL.
    InvalidName {
        /// The name.
        name: Vec<u8>,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// A directory entry's name does not sort after the previous one.
    Unsorted {
        /// The previous entry's name.
        previous: Vec<u8>,
        /// This entry's name.
        name: Vec<u8>,
    },
    /// Two entries of one directory have the same name.
    DuplicateEntry {
        /// The name.
        name: Vec<u8>,
    },
    /// A symlink target is empty or contains NUL.
    InvalidSymlinkTarget {
        /// The target.
        target: Vec<u8>,
    },
    /// Bytes follow the end of the archive where none may.
    TrailingData,
    /// Reading the input failed.
    Read(io::Error),
    /// The consumer of the archive (restoring to disk, hashing) failed.
    Sink(io::Error),
}

/// Renders bytes from the archive for a message: valid UTF-8 as is with
/// control characters escaped, anything else as `\xNN`.
pub(crate) fn show(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

impl fmt::Display for NarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid NAR at byte {}: ", self.offset)?;
        match &self.kind {
            NarErrorKind::Truncated { reading } => {
                write!(f, "the input ends in the middle of {reading}")
            }
            NarErrorKind::TooLong { what, len, max } => {
                write!(f, "{what} is {len} bytes long, more than the {max} allowed")
            }
            NarErrorKind::NonZeroPadding => write!(f, "padding bytes after a string are not zero"),
            NarErrorKind::UnexpectedToken { expected, found } => {
                write!(f, "expected {expected}, found '{}'", show(found))
            }
            NarErrorKind::InvalidName { name, reason } => {
                write!(f, "invalid entry name '{}': {reason}", show(name))
            }
            NarErrorKind::Unsorted { previous, name } => write!(
                f,
                "directory entries are not sorted: '{}' comes after '{}'",
                show(name),
                show(previous)
            ),
            NarErrorKind::DuplicateEntry { name } => {
                write!(f, "directory has two entries named '{}'", show(name))
            }
            NarErrorKind::InvalidSymlinkTarget { target } => {
                write!(f, "invalid symlink target '{}'", show(target))
            }
            NarErrorKind::TrailingData => write!(f, "data follows the end of the archive"),
            NarErrorKind::Read(e) => write!(f, "cannot read the archive: {e}"),
            NarErrorKind::Sink(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for NarError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            NarErrorKind::Read(e) | NarErrorKind::Sink(e) => Some(e),
            _ => None,
        }
    }
}

impl From<NarError> for io::Error {
    fn from(e: NarError) -> io::Error {
        let kind = match &e.kind {
            NarErrorKind::Read(inner) | NarErrorKind::Sink(inner) => inner.kind(),
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e)
    }
}
