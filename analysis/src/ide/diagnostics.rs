//! Diagnostics: syntax errors and every lint, for one file.

use std::sync::Arc;

use crate::{Analysis, Cancellable, Diagnostic, FileId, db};

impl Analysis {
    /// Every static diagnostic of `file`, sorted by position.
    pub fn diagnostics(&self, file: FileId) -> Cancellable<Arc<Vec<Diagnostic>>> {
        self.with_db(|db| db::diagnostics(db, file.0).clone())
    }
}
