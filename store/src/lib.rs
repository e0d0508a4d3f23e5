//! `tvix-store`: the Nix-facing formats, bit-exact with C++ Nix, and (as
//! they land) the stores that hold their contents.
//!
//! It owns Nix's base-32 encoding ([`nixbase32`]), the hash algorithms Nix
//! names ([`hash`]), store path computation ([`store_path`]) and NAR
//! serialisation ([`nar`]: writer, streaming reader, restore and dump),
//! `.narinfo` files ([`narinfo`]) and their Ed25519 signatures
//! ([`signature`]), and the stores: the [`Store`] trait every backend
//! implements ([`backend`]), path metadata ([`path_info`]) and the
//! embedded [`LocalStore`] ([`local`]: a directory plus a redb database).
//!
//! Invariants: this crate knows nothing about the Nix language or the
//! evaluator (`tvix-eval` depends on it, never the reverse); every format
//! it writes is byte-identical to what C++ Nix writes, and every malformed
//! input it reads is a clear error, never a panic. Only the local store and
//! the NAR dump/restore helpers ([`nar::dump_path`], [`nar::restore_nar`])
//! touch the file system directly; everything else reads through the
//! traits its callers hand it ([`nar::NarSource`]). A store never makes a
//! path valid before its contents and references are complete.

pub mod backend;
pub mod derivation;
pub mod hash;
pub mod local;
pub mod nar;
pub mod narinfo;
pub mod nixbase32;
pub mod path_info;
pub mod signature;
pub mod store_path;

pub use backend::{Store, StoreError};
pub use local::LocalStore;
pub use path_info::PathInfo;
pub use store_path::{DEFAULT_STORE_DIR, set_store_dir, store_dir};
