//! One module per `tvix` subcommand, plus what they share.

pub mod check;
mod source_file;
