//! The error of the exact front end: one message at one position.

use rnix::{TextRange, TextSize};

use super::render::render_error;

/// The kinds of problem C++ Nix's parser reports. Static lints find the
/// last three on their own, with richer context; only [`FailureKind::Syntax`]
/// is news to a caller that already has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The text is not a Nix expression: grammar, lexer and literal errors.
    Syntax,
    /// A name no scope binds (`undefined variable 'x'`).
    UndefinedVariable,
    /// An attribute defined twice in one set or `let`.
    DuplicateAttribute,
    /// A formal function argument listed twice.
    DuplicateFormal,
}

/// Why [`parse`](super::parse) rejected its input, as C++ Nix reports it:
/// syntax errors with bison's wording, lexer errors, duplicate attributes or
/// formals, and undefined variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub(crate) kind: FailureKind,
    pub(crate) message: String,
    /// `None` for the few errors C++ Nix reports without a position.
    pub(crate) offset: Option<TextSize>,
    pub(crate) source_name: String,
}

impl ParseFailure {
    /// An error at a byte offset; the source name is filled in by `parse`.
    pub(crate) fn at(message: impl Into<String>, offset: u32) -> Self {
        ParseFailure {
            kind: FailureKind::Syntax,
            message: message.into(),
            offset: Some(TextSize::from(offset)),
            source_name: String::new(),
        }
    }

    /// An error C++ Nix reports without a source position.
    pub(crate) fn unpositioned(message: impl Into<String>) -> Self {
        ParseFailure {
            kind: FailureKind::Syntax,
            message: message.into(),
            offset: None,
            source_name: String::new(),
        }
    }

    /// Marks this failure as one of the scope or duplicate checks C++ Nix
    /// performs after building the tree.
    pub(crate) fn with_kind(mut self, kind: FailureKind) -> Self {
        self.kind = kind;
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    /// The message after `error: `, e.g. `syntax error, unexpected '}'`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte offset the error points at (0 for unpositioned errors).
    pub fn offset(&self) -> TextSize {
        self.offset.unwrap_or_default()
    }

    /// The error position as an empty range, or `None` when C++ Nix prints
    /// no position for this error.
    pub fn range(&self) -> Option<TextRange> {
        self.offset.map(TextRange::empty)
    }

    /// The source name positions are shown with, e.g. `«stdin»`.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The whole error exactly as C++ Nix prints it on stderr, with a
    /// trailing newline: `error: <message>`, then `at <source>:L:C:` and an
    /// excerpt of `src` with a line-number gutter and a caret.
    pub fn render(&self, src: &str) -> String {
        render_error(&self.message, &self.source_name, src, self.offset)
    }
}

impl std::fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseFailure {}
