//! One module per `tvix` subcommand, plus what they share.

pub mod check;
pub mod parse;
mod source_file;
