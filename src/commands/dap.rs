//! `tvix dap`: the debug adapter, speaking the Debug Adapter Protocol on
//! standard input and output.

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

/// Arguments of `tvix dap`.
#[derive(Debug, Args)]
pub struct DapArgs {}

/// Runs the debug adapter until the client disconnects.
pub fn run(_args: DapArgs) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    tvix_dap::serve(stdin, Box::new(std::io::stdout())).context("debug adapter connection")?;
    Ok(ExitCode::SUCCESS)
}
