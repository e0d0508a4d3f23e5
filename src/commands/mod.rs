//! One module per `tvix` subcommand, plus what they share.

pub mod check;
pub mod eval;
pub mod parse;
mod source_file;
