//! One module per `tvix` subcommand, plus what they share.

pub mod check;
pub mod eval;
pub mod lsp;
pub mod parse;
pub mod repl;
mod source_file;
