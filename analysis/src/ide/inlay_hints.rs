//! Inlay hints: the `outPath` after every attribute of the file's value
//! that evaluates to a derivation (evaluation-backed; see
//! `eval_backed`).

use tvix_syntax::TextRange;

use crate::{Analysis, Cancellable, FileId};

pub use crate::eval_backed::InlayHint;

impl Analysis {
    /// The hints of `file` within `range`.
    pub fn inlay_hints(&self, file: FileId, range: TextRange) -> Cancellable<Vec<InlayHint>> {
        let Some(evaluation) = self.evaluate_file(file)? else {
            return Ok(Vec::new());
        };
        Ok(evaluation
            .hints
            .into_iter()
            .filter(|h| range.contains_inclusive(h.offset))
            .collect())
    }
}
