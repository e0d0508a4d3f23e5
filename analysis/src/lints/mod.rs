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

/// The lints about names (undefined, unused), from the file's name
/// resolution (the language server shares it with the other features).
pub(crate) fn lint_names(resolution: &scopes::NameResolution) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    undefined::check(resolution, &mut diagnostics);
    unused::check(resolution, &mut diagnostics);
    diagnostics
}

/// The lints that need only the tree (duplicates, deprecated syntax): on
/// large files they run on a thread of their own, beside [`lint_names`].
pub(crate) fn lint_tree(parse: &tvix_syntax::Parse) -> Vec<Diagnostic> {
    let root = parse.syntax();
    let mut diagnostics = Vec::new();
    duplicates::check(&root, &mut diagnostics);
    deprecated::check(parse, &mut diagnostics);
    diagnostics
}
