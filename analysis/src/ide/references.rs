//! Find references: every place in the workspace that names the binding
//! under the cursor, its definition included.

use crate::ide::{SymbolAt, binding_occurrences, symbol_at};
use crate::{Analysis, Cancellable, FileId, FilePosition, FileRange};

impl Analysis {
    /// Every occurrence of the binding at `position`, definition first in
    /// its file; empty when the cursor is on no binding.
    pub fn references(&self, position: FilePosition) -> Cancellable<Vec<FileRange>> {
        self.with_db(|db| {
            let Some(SymbolAt::Binding(binding)) = symbol_at(db, position.file.0, position.offset)
            else {
                return Vec::new();
            };
            binding_occurrences(db, &binding)
                .into_iter()
                .flat_map(|(file, ranges)| {
                    ranges.into_iter().map(move |(range, _)| FileRange {
                        file: FileId(file),
                        range,
                    })
                })
                .collect()
        })
    }
}
