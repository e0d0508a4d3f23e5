//! `tvix-dap`: the debug adapter — the Debug Adapter Protocol over the
//! evaluator's debug hooks (`tvix_eval::observer`).
//!
//! It owns the protocol session ([`serve`]): launch configurations,
//! breakpoints (line, conditional, hit-count, logpoints, function,
//! exception filters, `builtins.break`), stepping through a lazy program,
//! stack frames for calls and thunk forcing, scopes and variables that
//! never force a value unless the user expands it, `evaluate` with a
//! timeout, loaded sources, terminate and restart.
//!
//! Two threads: the protocol thread reads requests and stays responsive;
//! the evaluation runs on its own thread with [`tvix_eval::EVAL_STACK`]
//! bytes of stack, and a stop is that thread blocking inside an observer
//! callback, answering inspection requests until it is resumed.
//!
//! Invariants: no evaluation logic lives here (it is all in `tvix-eval`);
//! nothing is forced implicitly by looking at it; standard output carries
//! only protocol messages; no user input panics the adapter.

mod breakpoints;
mod debuggee;
mod inspect;
mod io;
mod launch;
mod session;
mod spans;
mod transport;

pub use launch::LaunchConfig;
pub use session::serve;
