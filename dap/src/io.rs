//! The debug adapter's IO boundary: the real machine, with the
//! evaluator's diagnostics left to the observer (they become output
//! events; standard output carries the protocol).

use tvix_eval::HostIO;

/// The real machine without printing diagnostics.
pub fn dap_io() -> HostIO {
    HostIO::default().with_diagnostics(|_| {})
}
