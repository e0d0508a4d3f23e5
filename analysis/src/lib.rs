//! `tvix-analysis`: what we can know about Nix files, statically and by
//! evaluating them.
//!
//! It owns the diagnostics model ([`Diagnostic`], [`DiagnosticCode`],
//! [`Severity`]), the static checks behind `tvix check` ([`check_file`]),
//! and the incremental salsa database behind `tvix lsp`: an
//! [`AnalysisHost`] takes changes (file texts, settings) and hands out
//! cheap, cancellable [`Analysis`] snapshots that answer every IDE query
//! (one file per feature in `ide/`). [`scopes`] is the name resolution
//! everything builds on; `def/` lowers a file to a position-free module and
//! a separate source map, so edits that only move text do not invalidate
//! the queries behind them.
//!
//! Invariant: this crate performs no IO of its own and knows nothing of
//! protocols or terminals: it takes text and returns data. Evaluation-backed
//! features read files only through the [`FileSystem`] the caller passes
//! in. Positions are byte offsets; lines, columns and UTF-16 are the
//! caller's business (with [`tvix_syntax::LineIndex`]).

mod builtin_docs;
mod db;
mod def;
mod diagnostic;
mod eval_backed;
mod eval_budget;
#[cfg(test)]
mod fixture;
mod host;
mod ide;
#[cfg(test)]
mod incremental_tests;
mod lints;
mod module_options;
pub mod scopes;

pub use builtin_docs::{BuiltinDoc, builtin_doc};
pub use diagnostic::{Diagnostic, DiagnosticCode, Label, Severity};
pub use eval_backed::{EvalBudget, EvalDiagnostic, FileEvaluation, FileSystem, NoFileSystem};
pub use host::{
    Analysis, AnalysisHost, AnalysisSettings, Cancellable, Cancelled, Change, FileId, FilePosition,
    FileRange,
};
pub use ide::*;

/// Every diagnostic for one file's text, sorted by position.
pub fn check_file(text: &str) -> Vec<Diagnostic> {
    check_parsed(text, &tvix_syntax::parse(text))
}

/// Every diagnostic for a text already parsed, sorted by position.
pub(crate) fn check_parsed(text: &str, parse: &tvix_syntax::Parse) -> Vec<Diagnostic> {
    check_resolved(text, parse, || lints::lint(parse))
}

/// Texts at least this long have their exact syntax check run on a thread
/// of its own, beside the lints (the two take similar time).
const PARALLEL_CHECK_BYTES: usize = 64 * 1024;

/// [`check_parsed`] with the lints computed by `lint`: the exact syntax
/// check (when the tolerant parse found no error) runs concurrently with
/// it on large texts.
pub(crate) fn check_resolved(
    text: &str,
    parse: &tvix_syntax::Parse,
    lint: impl FnOnce() -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = parse
        .errors()
        .iter()
        // Duplicate formals are reported by the `duplicate-formal` lint, once
        // per duplicate, whether or not the parser noticed them too.
        .filter(|err| !err.message.starts_with(DUPLICATE_FORMAL_PREFIX))
        .map(|err| Diagnostic::new(DiagnosticCode::SyntaxError, err.range, err.message.clone()))
        .collect();
    if !diagnostics.is_empty() {
        diagnostics.extend(lint());
    } else if text.len() >= PARALLEL_CHECK_BYTES {
        let (exact, lints) = std::thread::scope(|scope| {
            let exact = scope.spawn(|| exact_syntax_error(text));
            let lints = lint();
            // The check never panics on any input (fuzzed); should it, the
            // lints are still reported.
            (exact.join().ok().flatten(), lints)
        });
        diagnostics.extend(exact);
        diagnostics.extend(lints);
    } else {
        diagnostics.extend(exact_syntax_error(text));
        diagnostics.extend(lint());
    }
    diagnostics.sort_by_key(|d| (d.range.start(), d.range.end(), d.code));
    diagnostics
}

/// The syntax error C++ Nix would report for a text the tolerant parser
/// accepted: rnix is more permissive in places (dynamic attributes in
/// `let`, pipe operators without the experimental feature, paths with a
/// trailing slash, out-of-range integers, …), and a file that C++ Nix
/// rejects must not pass `tvix check`. Undefined names and duplicates are
/// left to the lints, which report all of them rather than the first.
fn exact_syntax_error(text: &str) -> Option<Diagnostic> {
    use tvix_syntax::exact::{FailureKind, ParseContext, parse};
    // Path literals are resolved against these, but never read.
    let ctx = ParseContext {
        source_name: "",
        base_dir: "/",
        home: Some("/"),
    };
    let failure = parse(text, &ctx).err()?;
    if failure.kind() != FailureKind::Syntax {
        return None;
    }
    let range = failure.range().unwrap_or_default();
    Some(Diagnostic::new(
        DiagnosticCode::SyntaxError,
        range,
        failure.message(),
    ))
}

/// How tvix-syntax words the duplicate-formal parse error it may report.
const DUPLICATE_FORMAL_PREFIX: &str = "duplicate formal function argument";
