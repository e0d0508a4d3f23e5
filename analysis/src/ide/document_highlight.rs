//! Document highlight: the occurrences of the binding under the cursor in
//! the current file, the definition marked as a write.

use tvix_syntax::TextRange;

use crate::ide::{SymbolAt, binding_occurrences, symbol_at};
use crate::{Analysis, Cancellable, FilePosition};

/// Whether an occurrence defines or uses the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HighlightKind {
    /// The definition.
    Write,
    /// A use.
    Read,
}

/// One occurrence in the current file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// The name's range.
    pub range: TextRange,
    /// Definition or use.
    pub kind: HighlightKind,
}

impl Analysis {
    /// The occurrences, in the file of `position`, of the binding there.
    pub fn document_highlight(&self, position: FilePosition) -> Cancellable<Vec<Highlight>> {
        self.with_db(|db| {
            let Some(SymbolAt::Binding(binding)) = symbol_at(db, position.file.0, position.offset)
            else {
                return Vec::new();
            };
            binding_occurrences(db, &binding)
                .into_iter()
                .filter(|(file, _)| *file == position.file.0)
                .flat_map(|(_, ranges)| ranges)
                .map(|(range, is_def)| Highlight {
                    range,
                    kind: if is_def {
                        HighlightKind::Write
                    } else {
                        HighlightKind::Read
                    },
                })
                .collect()
        })
    }
}
