//! `undefined-variable`: a name that no scope, `with` or global binds.

use crate::scopes::{NameResolution, Resolution};
use crate::{Diagnostic, DiagnosticCode};

/// Reports every reference that resolves to nothing. Names under a `with`
/// are never reported: the `with` may provide them.
pub(super) fn check(resolution: &NameResolution, out: &mut Vec<Diagnostic>) {
    for (_, reference) in resolution.references() {
        if reference.resolution == Resolution::Undefined {
            out.push(Diagnostic::new(
                DiagnosticCode::UndefinedVariable,
                reference.range,
                format!("undefined variable '{}'", reference.name),
            ));
        }
    }
}
