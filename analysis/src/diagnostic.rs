//! The diagnostics model shared by `tvix check` and the language server.

use std::fmt;

use tvix_syntax::TextRange;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file cannot be evaluated as written.
    Error,
    /// The file works but is probably not what was meant.
    Warning,
}

impl Severity {
    /// Lower-case name, as printed and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What kind of problem a diagnostic reports. The kebab-case name is the
/// stable code shown to users and in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticCode {
    /// The text does not parse.
    SyntaxError,
    /// A name that no enclosing scope, `with` or builtin provides.
    UndefinedVariable,
    /// A `let` binding nothing refers to.
    UnusedLetBinding,
    /// A function argument (formal or `x:` parameter) nothing refers to.
    UnusedFormal,
    /// A `with` whose attributes can never be used.
    UnusedWith,
    /// A `rec` attribute set whose bindings never refer to each other.
    UnusedRec,
    /// An attribute defined twice in one set or `let`.
    DuplicateAttribute,
    /// A formal function argument listed twice.
    DuplicateFormal,
    /// An unquoted URL literal (`http://…`).
    DeprecatedUrlLiteral,
    /// The old `let { …; body = …; }` syntax.
    DeprecatedLetAttrset,
    /// `or` used as a variable where a future Nix will read it differently
    /// (C++ Nix's "cursed or" warning, e.g. `f (x: x) or`).
    DeprecatedOrIdentifier,
}

impl DiagnosticCode {
    /// Every code, in order.
    pub const ALL: [DiagnosticCode; 11] = [
        DiagnosticCode::SyntaxError,
        DiagnosticCode::UndefinedVariable,
        DiagnosticCode::UnusedLetBinding,
        DiagnosticCode::UnusedFormal,
        DiagnosticCode::UnusedWith,
        DiagnosticCode::UnusedRec,
        DiagnosticCode::DuplicateAttribute,
        DiagnosticCode::DuplicateFormal,
        DiagnosticCode::DeprecatedUrlLiteral,
        DiagnosticCode::DeprecatedLetAttrset,
        DiagnosticCode::DeprecatedOrIdentifier,
    ];

    /// The stable, kebab-case name of this code.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::SyntaxError => "syntax-error",
            DiagnosticCode::UndefinedVariable => "undefined-variable",
            DiagnosticCode::UnusedLetBinding => "unused-let-binding",
            DiagnosticCode::UnusedFormal => "unused-formal",
            DiagnosticCode::UnusedWith => "unused-with",
            DiagnosticCode::UnusedRec => "unused-rec",
            DiagnosticCode::DuplicateAttribute => "duplicate-attribute",
            DiagnosticCode::DuplicateFormal => "duplicate-formal",
            DiagnosticCode::DeprecatedUrlLiteral => "deprecated-url-literal",
            DiagnosticCode::DeprecatedLetAttrset => "deprecated-let-attrset",
            DiagnosticCode::DeprecatedOrIdentifier => "deprecated-or-identifier",
        }
    }

    /// The severity diagnostics of this code have.
    pub fn severity(self) -> Severity {
        match self {
            DiagnosticCode::SyntaxError
            | DiagnosticCode::UndefinedVariable
            | DiagnosticCode::DuplicateAttribute
            | DiagnosticCode::DuplicateFormal => Severity::Error,
            DiagnosticCode::UnusedLetBinding
            | DiagnosticCode::UnusedFormal
            | DiagnosticCode::UnusedWith
            | DiagnosticCode::UnusedRec
            | DiagnosticCode::DeprecatedUrlLiteral
            | DiagnosticCode::DeprecatedLetAttrset
            | DiagnosticCode::DeprecatedOrIdentifier => Severity::Warning,
        }
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary span with a short explanation ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// What the label points at.
    pub range: TextRange,
    /// A few words about it.
    pub message: String,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem this is.
    pub code: DiagnosticCode,
    /// How serious it is (derived from the code).
    pub severity: Severity,
    /// The primary span.
    pub range: TextRange,
    /// One sentence for a human.
    pub message: String,
    /// Secondary spans, e.g. the first definition of a duplicate.
    pub labels: Vec<Label>,
}

impl Diagnostic {
    /// A diagnostic with the code's severity and no labels.
    pub fn new(code: DiagnosticCode, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            range,
            message: message.into(),
            labels: Vec::new(),
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            range,
            message: message.into(),
        });
        self
    }
}
