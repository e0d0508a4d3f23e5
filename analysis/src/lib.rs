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
mod exact_check;
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
    check_resolved(
        text,
        parse,
        || exact_check::exact_syntax_error(text),
        || lints::lint_names(&scopes::resolve(parse)),
    )
}

/// Texts at least this long have their tree-only checks (the exact syntax
/// check, duplicates, deprecated syntax) run on a thread of their own,
/// beside name resolution and the lints about names (the two halves take
/// similar time).
const PARALLEL_CHECK_BYTES: usize = 64 * 1024;

/// Every diagnostic of a parsed text: its syntax errors, the exact syntax
/// check made by `exact` (when the tolerant parse found no error), the
/// name lints made by `name_lints` and the tree lints.
pub(crate) fn check_resolved(
    text: &str,
    parse: &tvix_syntax::Parse,
    exact: impl FnOnce() -> Option<Diagnostic> + Send,
    name_lints: impl FnOnce() -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = parse
        .errors()
        .iter()
        // Duplicate formals are reported by the `duplicate-formal` lint, once
        // per duplicate, whether or not the parser noticed them too.
        .filter(|err| !err.message.starts_with(DUPLICATE_FORMAL_PREFIX))
        .map(|err| Diagnostic::new(DiagnosticCode::SyntaxError, err.range, err.message.clone()))
        .collect();
    let clean = diagnostics.is_empty();
    let tree_checks = || {
        let exact = if clean { exact() } else { None };
        (exact, lints::lint_tree(parse))
    };
    let ((exact, tree), names) = if text.len() >= PARALLEL_CHECK_BYTES {
        std::thread::scope(|scope| {
            let tree = scope.spawn(tree_checks);
            let names = name_lints();
            // The checks never panic on any input (fuzzed); should one,
            // the name lints are still reported.
            (tree.join().unwrap_or_default(), names)
        })
    } else {
        (tree_checks(), name_lints())
    };
    diagnostics.extend(exact);
    diagnostics.extend(names);
    diagnostics.extend(tree);
    diagnostics.sort_by_key(|d| (d.range.start(), d.range.end(), d.code));
    diagnostics
}

/// How tvix-syntax words the duplicate-formal parse error it may report.
const DUPLICATE_FORMAL_PREFIX: &str = "duplicate formal function argument";
