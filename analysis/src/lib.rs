//! `tvix-analysis`: what we can know about Nix files without evaluating them.
//!
//! It owns the diagnostics model ([`Diagnostic`], [`DiagnosticCode`],
//! [`Severity`]) and the static checks behind `tvix check` and (later) the
//! language server: syntax errors, scoping lints (undefined and unused
//! names, `with`, `rec`), duplicates and deprecated syntax. The entry point
//! is [`check_file`]; [`scopes`] is the name resolution the lints (and,
//! later, go-to-definition, references and rename) build on.
//!
//! Invariant: this crate performs no IO and knows nothing of protocols or
//! terminals: it takes text and returns data. Positions are byte ranges;
//! converting them to lines, columns or UTF-16 is the caller's business.

mod diagnostic;
mod lints;
pub mod scopes;

pub use diagnostic::{Diagnostic, DiagnosticCode, Label, Severity};

/// Every diagnostic for one file's text, sorted by position.
pub fn check_file(text: &str) -> Vec<Diagnostic> {
    let parse = tvix_syntax::parse(text);
    let mut diagnostics: Vec<Diagnostic> = parse
        .errors()
        .iter()
        // Duplicate formals are reported by the `duplicate-formal` lint, once
        // per duplicate, whether or not the parser noticed them too.
        .filter(|err| !err.message.starts_with(DUPLICATE_FORMAL_PREFIX))
        .map(|err| Diagnostic::new(DiagnosticCode::SyntaxError, err.range, err.message.clone()))
        .collect();
    if diagnostics.is_empty() {
        diagnostics.extend(exact_syntax_error(text));
    }
    diagnostics.extend(lints::lint(&parse));
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
