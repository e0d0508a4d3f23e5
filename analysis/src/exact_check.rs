//! C++ Nix's syntax check of a file the tolerant parser accepted, and the
//! incremental form an editor needs.
//!
//! The exact parser takes ~30 ms on a 20,000-line file, on every
//! keystroke. Its errors are local to bindings (a `${…}` name in a `let`,
//! a trailing-slash path, an out-of-range integer), so once a version of
//! a file has passed, a later version need only have the bindings that
//! differ from it checked — wrapped in the same kind of binding list —
//! when [`tvix_syntax::changed_bindings`] finds them. The last version of
//! each file that passed is kept for that, for large files only.

use std::sync::{Arc, LazyLock, Mutex};

use rustc_hash::FxHashMap;
use tvix_syntax::{ListKind, TextRange, TextSize};

use crate::{Diagnostic, DiagnosticCode};

/// Files at least this long keep their last text that passed.
const KEEP_CLEAN_BYTES: usize = 64 * 1024;

/// The last text of each large file (by path) that passed the check.
/// Any text that passed serves as a base, so a stale one, or one left by
/// another database, is never wrong — only less useful.
static CLEAN_TEXTS: LazyLock<Mutex<FxHashMap<String, Arc<str>>>> = LazyLock::new(Default::default);

/// The exact syntax error of `text` (the file at `path`, parsed without
/// errors as `parse`), checking only the bindings that changed since the
/// file last passed when that is possible.
pub(crate) fn exact_syntax_error_since(
    path: &str,
    text: &Arc<str>,
    parse: &tvix_syntax::Parse,
) -> Option<Diagnostic> {
    if text.len() < KEEP_CLEAN_BYTES {
        return exact_syntax_error(text);
    }
    let base = CLEAN_TEXTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(path)
        .cloned();
    if base.as_deref() == Some(&**text) {
        // Back to a text that passed (an edit typed and undone).
        return None;
    }
    let changed = base.and_then(|base| tvix_syntax::changed_bindings(parse, &base, text));
    let error = match changed {
        Some(changed) => match error_in_bindings(text, changed.range, changed.kind) {
            Some(local) => local,
            None => exact_syntax_error(text),
        },
        None => exact_syntax_error(text),
    };
    if error.is_none() {
        CLEAN_TEXTS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), text.clone());
    }
    error
}

/// The exact check of the bindings at `range` of `text` alone, in a list
/// of their kind: `Some(result)`, or `None` when an error falls at the
/// bindings' edge, where the text around them might read differently.
fn error_in_bindings(text: &str, range: TextRange, kind: ListKind) -> Option<Option<Diagnostic>> {
    let (open, close) = match kind {
        ListKind::Let => ("let ", " in null"),
        ListKind::RecSet => ("rec { ", " }"),
        ListKind::Set => ("{ ", " }"),
    };
    let bindings = &text[usize::from(range.start())..usize::from(range.end())];
    let wrapped = format!("{open}{bindings}{close}");
    let Some(mut error) = exact_syntax_error(&wrapped) else {
        return Some(None);
    };
    let inner = TextRange::at(TextSize::of(open), TextSize::of(bindings));
    if !(inner.contains(error.range.start()) && error.range.end() <= inner.end()) {
        return None;
    }
    error.range = error.range - TextSize::of(open) + range.start();
    Some(Some(error))
}

/// The syntax error C++ Nix would report for a text the tolerant parser
/// accepted: rnix is more permissive in places (dynamic attributes in
/// `let`, pipe operators without the experimental feature, paths with a
/// trailing slash, out-of-range integers, …), and a file that C++ Nix
/// rejects must not pass `tvix check`. Undefined names and duplicates are
/// left to the lints, which report all of them rather than the first.
pub(crate) fn exact_syntax_error(text: &str) -> Option<Diagnostic> {
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
