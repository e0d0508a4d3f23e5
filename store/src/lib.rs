//! `tvix-store`: the Nix-facing formats, bit-exact with C++ Nix, and (as
//! they land) the stores that hold their contents.
//!
//! It owns Nix's base-32 encoding ([`nixbase32`]), the hash algorithms Nix
//! names ([`hash`]), store path computation ([`store_path`]) and NAR
//! serialisation ([`nar`]: writer, streaming reader, restore and dump),
//! `.narinfo` files ([`narinfo`]) and their Ed25519 signatures
//! ([`signature`]).
//!
//! Invariants: this crate knows nothing about the Nix language or the
//! evaluator (`tvix-eval` depends on it, never the reverse); every format
//! it writes is byte-identical to what C++ Nix writes, and every malformed
//! input it reads is a clear error, never a panic. It reads the filesystem
//! only through the traits its callers hand it ([`nar::NarSource`]).

pub mod derivation;
pub mod hash;
pub mod nar;
pub mod narinfo;
pub mod nixbase32;
pub mod signature;
pub mod store_path;

pub use store_path::STORE_DIR;
