//! The C++-Nix-exact parser front end.
//!
//! rnix's lossless tree serves the IDE; this module answers a different
//! question: what does C++ Nix make of this text? It has its own lexer
//! (C++ Nix's flex rules) and a recursive-descent parser over C++ Nix's
//! bison grammar, builds the desugared [`Expr`] tree C++ Nix builds, runs
//! the checks C++ Nix runs while parsing (duplicate attributes and formals,
//! undefined variables), and reports failures with C++ Nix's exact
//! messages ([`ParseFailure::render`]).
//!
//! Entry point: [`parse`]. Printing: `Display` for [`Expr`] gives the
//! `nix-instantiate --parse` form. Error excerpts: [`render`].
//!
//! Invariant: no IO (the base directory and home directory come in through
//! [`ParseContext`]), no panics on any input, bounded recursion.

use rnix::TextSize;

mod binds;
mod error;
mod expr;
mod lexer;
mod parser;
mod print;
pub mod render;
mod scope;
mod strings;
mod token;

#[cfg(test)]
mod tests;

pub use error::{FailureKind, ParseFailure};
pub use expr::{
    AttrDef, AttrKind, AttrName, Attrs, BinOp, DynamicAttrDef, Expr, Formal, Formals, Lambda,
    StrPart,
};
pub use print::{format_float, is_plain_identifier, print_identifier, quote_string};

/// What a parse needs to know about its surroundings.
#[derive(Clone, Copy, Debug)]
pub struct ParseContext<'a> {
    /// How positions name the source: "«stdin»", "«string»", or a file path.
    pub source_name: &'a str,
    /// Directory that relative path literals resolve against (absolute, no
    /// trailing slash).
    pub base_dir: &'a str,
    /// Value of $HOME for `~/` paths; `None` makes `~/` paths an error like
    /// C++ Nix's in pure mode.
    pub home: Option<&'a str>,
}

/// Stack for the parsing thread: recursion is bounded by the parser's
/// depth limit, and this leaves room for it even in debug builds.
pub const PARSER_STACK: usize = 256 * 1024 * 1024;

/// Stack the parser may need at its depth limits (measured: about 8 MiB
/// in debug builds at the bracket limit), with a wide margin.
const PARSER_STACK_NEEDED: usize = 64 * 1024 * 1024;

/// Parses `src` exactly as C++ Nix does, including its parse-time checks.
pub fn parse(src: &str, ctx: &ParseContext<'_>) -> Result<Expr, ParseFailure> {
    parse_in_scope(src, ctx, &[])
}

/// A warning C++ Nix prints while parsing (the parse still succeeds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// Where C++ Nix says the problem is.
    pub offset: TextSize,
    /// The text after C++ Nix's `warning: at <file>:<line>:<col>: `.
    pub message: String,
}

/// [`parse_in_scope`] that also returns the warnings C++ Nix prints while
/// parsing: today the "cursed `or`" (a legacy `f or` call used as an
/// argument, list element or `or` default, whose meaning will change).
pub fn parse_with_warnings(
    src: &str,
    ctx: &ParseContext<'_>,
    names: &[&str],
) -> Result<(Expr, Vec<ParseWarning>), ParseFailure> {
    run_on_parser_stack(|| parse_here(src, ctx, names))
}

/// [`parse`] for a file evaluated with extra names in scope, as
/// `scopedImport` does: the undefined-variable check treats `names` as bound
/// around the whole file (C++ Nix parses such files with a static
/// environment holding the scope's names). With no names this is [`parse`].
pub fn parse_in_scope(
    src: &str,
    ctx: &ParseContext<'_>,
    names: &[&str],
) -> Result<Expr, ParseFailure> {
    run_on_parser_stack(|| parse_here(src, ctx, names)).map(|(e, _)| e)
}

/// Runs `f`, on a thread with a big stack unless this one has room.
fn run_on_parser_stack<T: Send>(f: impl Fn() -> T + Send + Sync) -> T {
    // The nesting limit, not the caller's stack size, must decide how deep
    // input may nest. Callers on big stacks (`tvix check`'s workers) parse
    // in place; others get a thread whose stack is only reserved, and
    // touched only if the input nests deeply.
    if stacker::remaining_stack().is_some_and(|left| left >= PARSER_STACK_NEEDED) {
        return f();
    }
    let spawned = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("tvix-exact-parser".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, &f)
            .ok()
            .map(|handle| handle.join())
    });
    match spawned {
        Some(Ok(result)) => result,
        // Thread creation failed (or, impossibly, the parser panicked):
        // parse on this thread instead.
        _ => f(),
    }
}

fn cursed_or_warning(src: &str, start: u32, end: u32) -> ParseWarning {
    let snippet = src
        .get(start as usize..end as usize)
        .unwrap_or("could not read expression");
    ParseWarning {
        offset: TextSize::from(start),
        message: format!(
            "This expression uses `or` as an identifier in a way that will change in a future Nix release.\n\
             Wrap this entire expression in parentheses to preserve its current meaning:\n    \
             ({snippet})\n\
             Give feedback at https://github.com/NixOS/nix/pull/11121"
        ),
    }
}

fn parse_here(
    src: &str,
    ctx: &ParseContext<'_>,
    names: &[&str],
) -> Result<(Expr, Vec<ParseWarning>), ParseFailure> {
    let mut parser = parser::Parser::new(src, ctx);
    let result = parser
        .parse_root()
        .and_then(|e| match scope::check_with_names(&e, names) {
            Ok(()) => Ok((
                e,
                parser
                    .cursed_or_warnings
                    .iter()
                    .map(|&(start, end)| cursed_or_warning(src, start, end))
                    .collect(),
            )),
            Err((name, pos)) => Err(ParseFailure::at(
                format!("undefined variable '{}'", print_identifier(&name)),
                pos.into(),
            )
            .with_kind(FailureKind::UndefinedVariable)),
        });
    result.map_err(|mut f| {
        f.source_name = ctx.source_name.to_string();
        f
    })
}
