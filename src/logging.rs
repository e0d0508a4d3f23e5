//! Logging set-up: `tracing` to stderr, filtered by `RUST_LOG` or `-v`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `-v` shows info, `-vv` debug, `-vvv`
/// trace; `RUST_LOG` (e.g. `RUST_LOG=tvix_analysis=debug`) overrides both.
pub fn init(verbosity: u8) {
    let default = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(verbosity >= 2)
        .without_time()
        .init();
}
