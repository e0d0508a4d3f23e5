//! Static lints over the lossless tree, one file per family.
//!
//! Every lint is linear in the size of the file: name-based lints share one
//! [`crate::scopes::resolve`] pass, and the others walk the
//! tree iteratively, so deeply nested input cannot overflow the stack.

mod deprecated;
mod duplicates;
mod undefined;
mod unused;

#[cfg(test)]
mod tests;

use crate::{Diagnostic, scopes};

/// Runs every lint on a parsed file; the order is unspecified.
pub(crate) fn lint(parse: &tvix_syntax::Parse) -> Vec<Diagnostic> {
    lint_resolved(parse, &scopes::resolve(parse))
}

/// [`lint`] with the file's name resolution already made (the language
/// server shares it with the other features).
pub(crate) fn lint_resolved(
    parse: &tvix_syntax::Parse,
    resolution: &scopes::NameResolution,
) -> Vec<Diagnostic> {
    let root = parse.syntax();
    let mut diagnostics = Vec::new();
    undefined::check(resolution, &mut diagnostics);
    unused::check(resolution, &mut diagnostics);
    duplicates::check(&root, &mut diagnostics);
    deprecated::check(parse, &mut diagnostics);
    diagnostics
}
