//! `tvix-eval`: the Nix evaluator.
//!
//! It owns lowering the exact front end's tree to a resolved IR
//! ([`lower`]), runtime values ([`value`]), evaluation with C++ Nix's
//! laziness ([`Evaluator`]), the builtins ([`builtins`]), printing values
//! ([`print`]) and errors rendered exactly like C++ Nix's ([`error`]).
//!
//! Invariants: the evaluator performs no IO except through [`EvalIO`]
//! (files, directories, environment, diagnostics output); it never panics
//! on user input, and runaway recursion ends in a clean
//! `stack overflow; max-call-depth exceeded` error as long as it runs on a
//! thread with [`EVAL_STACK`] bytes of stack. Memory does not grow across
//! evaluations: dropping an [`Evaluator`] breaks every reference cycle it
//! made (see `eval::registry`).
//!
//! Entry points: [`Evaluator::new`], [`Evaluator::eval_source`],
//! [`Evaluator::force_deep`], [`print::print_value`].

pub mod builtins;
pub mod error;
mod eval;
pub mod io;
pub mod lint;
pub mod lower;
pub mod observer;
pub mod pos;
pub mod print;
pub mod search_path;
pub mod source_bytes;
pub mod store;
mod store_overlay;
pub mod value;

#[cfg(test)]
mod tests;

pub use error::{ErrorKind, EvalError, EvalResult};
pub use eval::{CoerceMode, EVAL_STACK, Evaluator, Settings};
pub use io::{EvalIO, FileType, HostIO, StdIO, StoreObject};
pub use observer::{DebugContext, DebugControl, Observer};
