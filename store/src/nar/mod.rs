//! NAR (Nix ARchive) serialisation: the canonical byte form of a file
//! system tree that store paths of sources and fixed-output hashes are
//! computed from.

mod writer;

pub use writer::{NarSource, NodeType, PathFilter, write_nar, write_nar_filtered};
