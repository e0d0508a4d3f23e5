//! `tvix-syntax`: everything about Nix source text that needs no meaning.
//!
//! It owns:
//! - decoding a file's bytes into text ([`decode_source`]), with a clear
//!   error for non-UTF-8 input;
//! - the lossless, error-tolerant syntax tree every consumer shares
//!   ([`parse`], built on `rnix`/`rowan`), with its list of syntax errors;
//! - offsets ↔ line/column in UTF-8 and UTF-16 ([`LineIndex`]);
//! - typed helpers over the tree that the evaluator and the IDE share
//!   ([`ast_ext`]).
//!
//! Invariant: this crate knows nothing of names, scopes, values, files on
//! disk or editors. It performs no IO and never panics on any input.

pub mod ast_ext;
pub mod exact;
pub mod globals;
mod line_index;
mod parse;
mod reparse;
mod source;

pub use line_index::{LineCol, LineIndex, WideLineCol};
pub use parse::{Parse, SyntaxError, parse};
pub use reparse::{ChangedBindings, ListKind, changed_bindings, reparse};
pub use rnix::{SyntaxKind, SyntaxNode, SyntaxToken, TextRange, TextSize, ast};
pub use source::{NonUtf8Error, decode_source};
