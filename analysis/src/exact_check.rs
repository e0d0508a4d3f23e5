//! C++ Nix's syntax check of a file the tolerant parser accepted, and the
//! incremental form an editor needs.
//!
//! The exact parser takes ~30 ms on a 20,000-line file, on every
//! keystroke. Its syntax errors are local to bindings (a `${…}` name in a
//! `let`, a trailing-slash path, an out-of-range integer), so once a
//! version of a file is known to have none, a later version need only
//! have the bindings that differ from it checked — wrapped in the same
//! kind of binding list — when [`tvix_syntax::changed_bindings`] finds
//! them.
//!
//! C++ Nix stops at its first failure, and some failures are not syntax
//! errors (a duplicate attribute: the lints report those); a syntax error
//! after one is not reported. So a version counts as a base only when the
//! whole parse passed, or when it differs from a base by bindings that
//! pass on their own; bindings with a syntax error of their own are
//! confirmed by a check of the whole file, which may find an earlier
//! failure that hides it.

use std::sync::{Arc, LazyLock, Mutex};

use rustc_hash::FxHashMap;
use tvix_syntax::{ListKind, TextRange, TextSize};

use crate::{Diagnostic, DiagnosticCode};

/// Files at least this long keep their last base text.
const KEEP_BASE_BYTES: usize = 64 * 1024;

/// The last text of each large file (by path) known to hold no syntax
/// error at all. Any such text serves as a base, so a stale one, or one
/// left by another database, is never wrong — only less useful.
static BASES: LazyLock<Mutex<FxHashMap<String, Arc<str>>>> = LazyLock::new(Default::default);

/// What C++ Nix's parser makes of a text.
enum Outcome {
    /// It parses.
    Passes,
    /// Its first failure is this syntax error.
    SyntaxError(Diagnostic),
    /// Its first failure is not a syntax error.
    OtherFailure,
}

/// The exact syntax error of `text` (the file at `path`, parsed without
/// errors as `parse`), checking only the bindings that changed since the
/// file's base when that is possible.
pub(crate) fn exact_syntax_error_since(
    path: &str,
    text: &Arc<str>,
    parse: &tvix_syntax::Parse,
) -> Option<Diagnostic> {
    if text.len() < KEEP_BASE_BYTES {
        return exact_syntax_error(text);
    }
    let base = BASES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(path)
        .cloned();
    if base.as_deref() == Some(&**text) {
        // Back to the base (an edit typed and undone).
        return None;
    }
    let changed = base.and_then(|base| tvix_syntax::changed_bindings(parse, &base, text));
    let local = changed.and_then(|c| outcome_of_bindings(text, c.range, c.kind));
    #[cfg(test)]
    if matches!(local, Some(Outcome::Passes | Outcome::OtherFailure)) {
        tests::LOCAL_ONLY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let (error, is_base) = match local {
        Some(Outcome::Passes) => (None, true),
        Some(Outcome::OtherFailure) => (None, false),
        Some(Outcome::SyntaxError(_)) | None => match outcome(text) {
            Outcome::Passes => (None, true),
            Outcome::SyntaxError(d) => (Some(d), false),
            Outcome::OtherFailure => (None, false),
        },
    };
    if is_base {
        BASES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), text.clone());
    }
    error
}

/// The outcome of the bindings at `range` of `text` alone, in a list of
/// their kind; `None` when a syntax error falls at the bindings' edge,
/// where the text around them might read differently.
fn outcome_of_bindings(text: &str, range: TextRange, kind: ListKind) -> Option<Outcome> {
    let (open, close) = match kind {
        ListKind::Let => ("let ", " in null"),
        ListKind::RecSet => ("rec { ", " }"),
        ListKind::Set => ("{ ", " }"),
    };
    let bindings = &text[usize::from(range.start())..usize::from(range.end())];
    let wrapped = format!("{open}{bindings}{close}");
    match outcome(&wrapped) {
        Outcome::SyntaxError(mut error) => {
            let inner = TextRange::at(TextSize::of(open), TextSize::of(bindings));
            if !(inner.contains(error.range.start()) && error.range.end() <= inner.end()) {
                return None;
            }
            error.range = error.range - TextSize::of(open) + range.start();
            Some(Outcome::SyntaxError(error))
        }
        other => Some(other),
    }
}

/// The syntax error C++ Nix would report for a text the tolerant parser
/// accepted: rnix is more permissive in places (dynamic attributes in
/// `let`, pipe operators without the experimental feature, paths with a
/// trailing slash, out-of-range integers, …), and a file that C++ Nix
/// rejects must not pass `tvix check`. Undefined names and duplicates are
/// left to the lints, which report all of them rather than the first.
pub(crate) fn exact_syntax_error(text: &str) -> Option<Diagnostic> {
    match outcome(text) {
        Outcome::SyntaxError(d) => Some(d),
        _ => None,
    }
}

fn outcome(text: &str) -> Outcome {
    use tvix_syntax::exact::{FailureKind, ParseContext, parse};
    // Path literals are resolved against these, but never read.
    let ctx = ParseContext {
        source_name: "",
        base_dir: "/",
        home: Some("/"),
    };
    let Err(failure) = parse(text, &ctx) else {
        return Outcome::Passes;
    };
    if failure.kind() != FailureKind::Syntax {
        return Outcome::OtherFailure;
    }
    let range = failure.range().unwrap_or_default();
    Outcome::SyntaxError(Diagnostic::new(
        DiagnosticCode::SyntaxError,
        range,
        failure.message(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks answered from the changed bindings alone.
    pub(super) static LOCAL_ONLY: std::sync::atomic::AtomicUsize =
        std::sync::atomic::AtomicUsize::new(0);

    /// A large file whose bindings have what only the exact parser
    /// rejects nearby: dynamic names (fine in sets, not in `let`), paths,
    /// large integers.
    fn sample() -> String {
        let mut out = String::from("let\n");
        for i in 0..1200 {
            out.push_str(&format!(
                "  a{i} = {{ ${{\"d{i}\"}} = ./p{i}.nix; n = {i}; }};\n  b{i} = rec {{ x = a{i}; }};\n"
            ));
        }
        out.push_str("in a1\n");
        out
    }

    /// Typed into the file: some make it fail C++ Nix's grammar only.
    const SNIPPETS: &[&str] = &[
        "${\"q\"} = 1; ",
        "z = 99999999999999999999; ",
        "z = ./a/; ",
        "z = 1; ",
        "x",
        " ",
        ";",
        "\"",
        "z = a |> b; ",
        "inherit z; ",
    ];

    #[test]
    fn checking_changed_bindings_agrees_with_checking_the_file() {
        let path = "/exact-check-test.nix";
        let mut seed = 11u64;
        let mut next = |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % bound
        };
        let (mut compared, mut failing) = (0, 0);
        let mut text = sample();
        for _ in 0..300 {
            // Where a binding may start: a line of the `let`, or just
            // inside a set.
            let starts: Vec<usize> = text
                .match_indices("\n  ")
                .map(|(i, _)| i + 1)
                .chain(text.match_indices("{ ").map(|(i, _)| i + 2))
                .collect();
            let at = starts[next(starts.len())];
            let mut edited = text.clone();
            edited.insert_str(at, SNIPPETS[next(SNIPPETS.len())]);
            let parse = tvix_syntax::parse(&edited);
            if !parse.errors().is_empty() {
                continue;
            }
            let shared: Arc<str> = edited.as_str().into();
            let incremental = exact_syntax_error_since(path, &shared, &parse);
            assert_eq!(incremental, exact_syntax_error(&edited), "{edited}");
            compared += 1;
            failing += usize::from(incremental.is_some());
            // Edits that pass are kept, so later ones start from them.
            if incremental.is_none() {
                text = edited;
            }
        }
        let local = LOCAL_ONLY.load(std::sync::atomic::Ordering::Relaxed);
        // 178 compared, 12 with a syntax error, 166 answered locally when
        // written.
        assert!(
            compared > 150 && failing > 8 && local > 120,
            "{compared} compared, {failing} failing, {local} local"
        );
    }
}
