//! NAR (Nix ARchive) serialisation: the canonical byte form of a file
//! system tree that store paths of sources and fixed-output hashes are
//! computed from.
//!
//! [`write_nar`] serialises any tree a [`NarSource`] walks; [`parse_nar`]
//! reads one back as a stream, rejecting everything but the canonical
//! form; [`NarNode`] is a whole archive in memory; [`restore_nar`] and
//! [`dump_path`] go between archives and the real file system.

mod error;
mod fs;
mod reader;
mod tree;
mod writer;

pub use error::{NarError, NarErrorKind};
pub use fs::{FsSource, dump_path, restore_nar};
pub use reader::{NarVisitor, parse_nar, parse_nar_exact};
pub use tree::NarNode;
pub use writer::{NarSource, NodeType, PathFilter, write_nar, write_nar_filtered};

/// The string every NAR starts with.
const NAR_MAGIC: &[u8] = b"nix-archive-1";

/// The longest entry name accepted (Linux's `NAME_MAX`).
const NAME_MAX: u64 = 255;

/// The longest symlink target accepted (Linux's `PATH_MAX` less the NUL).
const PATH_MAX: u64 = 4095;

#[cfg(test)]
mod tests;
