//! `tvix lsp`: the language server on standard input and output.

use std::process::ExitCode;

use clap::Args;

/// Arguments of `tvix lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; standard input and output are
    /// the only transport.
    #[arg(long)]
    stdio: bool,
}

/// Serves until the client exits.
pub fn run(_args: LspArgs) -> anyhow::Result<ExitCode> {
    tvix_lsp::run_stdio()?;
    Ok(ExitCode::SUCCESS)
}
