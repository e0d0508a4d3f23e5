//! The `tvix` command-line tool: argument parsing and dispatch only.
//!
//! Every command lives in its own module under `commands/`; the real work
//! happens in the library crates (`tvix-syntax`, `tvix-analysis`, …).

mod allocator;
mod commands;
mod logging;

/// How long the language server keeps freed memory before returning it
/// to the OS. Every keystroke on a large file allocates and frees tens of
/// megabytes (its diagnostics, their JSON); returned after 1 ms (the
/// default then), each one is faulted in again on the next keystroke: 63 → 51 ms
/// from edit to diagnostics on the 20,000-line file of
/// `benches/lsp-latency.py`, for ~50 MiB more resident while typing.
const LSP_PURGE_DELAY_MS: i64 = 1000;

#[global_allocator]
static GLOBAL: allocator::Allocator = allocator::Allocator;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A Nix toolchain centred on the editor.
///
/// tvix parses, checks and (in later releases) evaluates Nix code with the
/// same results as C++ Nix. Run `tvix <command> --help` for details.
#[derive(Debug, Parser)]
#[command(name = "tvix", version, propagate_version = true, max_term_width = 100)]
struct Cli {
    /// Log more (repeat for more detail); `RUST_LOG` takes precedence.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,

    /// The store directory store paths are computed for [default:
    /// `$NIX_STORE_DIR`, else `/nix/store`] (where `tvix instantiate` keeps
    /// its store is `--store-root`).
    #[arg(long, value_name = "DIR", global = true)]
    store_dir: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check Nix files for syntax errors and problems found without evaluating.
    ///
    /// Directories are searched recursively for `*.nix` files, honouring
    /// `.gitignore`, `.ignore` and hidden-file conventions; files named
    /// explicitly are always checked. Exits with 0 when nothing at error
    /// severity was found, 1 otherwise, and 2 on usage errors.
    Check(commands::check::CheckArgs),

    /// Parse a Nix expression and print it the way `nix-instantiate --parse` does.
    ///
    /// The expression is printed on one line in C++ Nix's canonical form
    /// (fully parenthesised, attributes sorted, nested attribute paths
    /// merged). Parse errors are reported exactly as C++ Nix reports them,
    /// with exit status 1.
    Parse(commands::parse::ParseArgs),

    /// Evaluate a Nix expression like `nix-instantiate --eval`.
    Eval(Box<commands::eval::EvalArgs>),

    /// Evaluate Nix expressions interactively, like `nix repl`.
    Repl(commands::repl::ReplArgs),

    /// Run the debug adapter (Debug Adapter Protocol on standard input and
    /// output) for VS Code, Neovim and other DAP clients.
    Dap(commands::dap::DapArgs),

    /// Instantiate derivations like `nix-instantiate`: evaluate, write the
    /// `.drv` files (and the texts and sources they use) into the local
    /// store, and print their paths.
    ///
    /// The local store is a directory (`--store-root`, `$TVIX_STORE_ROOT`,
    /// default `$XDG_DATA_HOME/tvix/store`); printed paths are the ones C++
    /// Nix computes for `/nix/store`.
    Instantiate(Box<commands::instantiate::InstantiateArgs>),

    /// Run the language server (Language Server Protocol on standard input
    /// and output) for VS Code, Neovim and other LSP clients.
    Lsp(commands::lsp::LspArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.verbose);
    // As in C++ Nix, an empty NIX_STORE_DIR means the default.
    let store_dir = cli
        .store_dir
        .clone()
        .or_else(|| std::env::var("NIX_STORE_DIR").ok())
        .filter(|dir| !dir.is_empty());
    if let Some(dir) = store_dir
        && let Err(err) = tvix_store::set_store_dir(&dir)
    {
        eprintln!("error: {err}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Parse(args) => commands::parse::run(args),
        Command::Eval(args) => commands::eval::run(*args),
        Command::Repl(args) => commands::repl::run(args),
        Command::Dap(args) => commands::dap::run(args),
        Command::Instantiate(args) => commands::instantiate::run(*args),
        Command::Lsp(args) => {
            allocator::keep_freed_memory(LSP_PURGE_DELAY_MS);
            commands::lsp::run(args)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
