//! One module per `tvix` subcommand, plus what they share.

pub mod check;
pub mod dap;
pub mod eval;
mod eval_input;
pub mod instantiate;
pub mod lsp;
pub mod parse;
pub mod repl;
mod source_file;
