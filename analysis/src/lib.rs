//! `tvix-analysis`: what we can know about Nix files without evaluating them.
//!
//! It owns the diagnostics model ([`Diagnostic`], [`DiagnosticCode`],
//! [`Severity`]) and the static checks behind `tvix check` and (later) the
//! language server: syntax errors, scoping lints (undefined and unused
//! names, `with`, `rec`), duplicates and deprecated syntax. The entry point
//! is [`check_file`].
//!
//! Invariant: this crate performs no IO and knows nothing of protocols or
//! terminals: it takes text and returns data. Positions are byte ranges;
//! converting them to lines, columns or UTF-16 is the caller's business.

mod diagnostic;
mod lints;

pub use diagnostic::{Diagnostic, DiagnosticCode, Label, Severity};

/// Every diagnostic for one file's text, sorted by position.
pub fn check_file(text: &str) -> Vec<Diagnostic> {
    let parse = tvix_syntax::parse(text);
    let mut diagnostics: Vec<Diagnostic> = parse
        .errors()
        .iter()
        .map(|err| Diagnostic::new(DiagnosticCode::SyntaxError, err.range, err.message.clone()))
        .collect();
    diagnostics.extend(lints::lint(&parse));
    diagnostics.sort_by_key(|d| (d.range.start(), d.range.end(), d.code));
    diagnostics
}
