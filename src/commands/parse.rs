//! `tvix parse`: print an expression in C++ Nix's canonical `--parse` form.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use tvix_syntax::exact;

use super::source_file::{SourceOrigin, absolute};

/// Arguments of `tvix parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The file to parse; `-` (the default) reads standard input.
    #[arg(value_name = "FILE", default_value = "-", conflicts_with = "expr")]
    file: PathBuf,

    /// Parse this expression instead of a file (positions show as `«string»`).
    #[arg(short = 'E', long = "expr", value_name = "EXPR")]
    expr: Option<String>,
}

/// Runs `tvix parse`.
pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let (bytes, source_name, base_dir) = match &args.expr {
        Some(expr) => (expr.clone().into_bytes(), "«string»".to_owned(), cwd),
        None => match SourceOrigin::from_arg(&args.file) {
            SourceOrigin::Stdin => (SourceOrigin::Stdin.read()?, "«stdin»".to_owned(), cwd),
            origin @ SourceOrigin::File(_) => {
                let bytes = origin.read()?;
                let path = absolute(&cwd, &args.file);
                let dir = path
                    .parent()
                    .map_or_else(|| PathBuf::from("/"), Path::to_owned);
                (bytes, path.display().to_string(), dir)
            }
        },
    };
    let source = match tvix_syntax::decode_source(&bytes) {
        Ok(source) => source,
        Err(err) => {
            eprintln!(
                "error: {err}\n       at {source_name}:{}:{}",
                err.line, err.column
            );
            return Ok(ExitCode::from(1));
        }
    };
    let home = std::env::var("HOME").ok();
    let base_dir = base_dir.display().to_string();
    let ctx = exact::ParseContext {
        source_name: &source_name,
        base_dir: &base_dir,
        home: home.as_deref(),
    };
    // The expression tree may be deep (long operator chains); print and
    // drop it on a thread with the parser's stack.
    let parse_and_print = || match exact::parse(source, &ctx) {
        Ok(expr) => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{expr}")?;
            stdout.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            eprint!("{}", failure.render(source));
            Ok(ExitCode::from(1))
        }
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("tvix-parse".into())
            .stack_size(exact::PARSER_STACK)
            .spawn_scoped(scope, parse_and_print)
            .context("cannot start the parser thread")?
            .join()
            .map_err(|_| anyhow::anyhow!("the parser thread panicked"))?
    })
}
