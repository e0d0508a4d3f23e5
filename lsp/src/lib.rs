//! `tvix-lsp`: the language server of tvix, a thin protocol layer over
//! `tvix-analysis`.
//!
//! It owns the Language Server Protocol: document synchronisation,
//! converting positions (UTF-16 lines and columns) and URIs at the edge,
//! indexing the workspace's `*.nix` files from disk, settings
//! (`initializationOptions` and the `tvix` section of
//! `workspace/configuration`), progress, and running an external
//! formatter. Every answer comes from an [`tvix_analysis::Analysis`]
//! snapshot.
//!
//! Invariant: no analysis logic lives here — no syntax walking, no name
//! resolution, no evaluation; only conversion, scheduling and IO.
//!
//! Entry point: [`run_stdio`].

mod config;
mod convert;
mod formatting;
mod handlers;
mod output;
mod server;
mod workspace;

pub use config::Config;
pub use output::Output;
pub use server::Server;

/// Serves the protocol on standard input and output until the client
/// sends `exit` or closes the stream.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("tvix-lsp")
        .build()?;
    runtime.block_on(async {
        let (writer, output) = output::start(tokio::io::stdout());
        let (service, socket) = {
            let output = output.clone();
            tower_lsp_server::LspService::new(move |client| Server::new(client, output))
        };
        tower_lsp_server::Server::new(tokio::io::stdin(), writer, socket)
            .serve(service)
            .await;
        // What is still queued (the answer to `shutdown`, diagnostics) goes
        // out before the process ends.
        output.sync().await;
    });
    // Blocking tasks still running (an evaluation) must not keep the
    // process alive after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(())
}
