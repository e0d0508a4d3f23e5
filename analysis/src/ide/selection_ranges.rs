//! Selection ranges: from the token under the cursor outwards through
//! every enclosing node.

use tvix_syntax::{TextRange, TextSize};

use crate::ide::token_at;
use crate::{Analysis, Cancellable, FileId, db};

impl Analysis {
    /// For each offset, the ranges to expand the selection through,
    /// innermost first.
    pub fn selection_ranges(
        &self,
        file: FileId,
        offsets: &[TextSize],
    ) -> Cancellable<Vec<Vec<TextRange>>> {
        self.with_db(|db| {
            let root = db::parse(db, file.0).syntax();
            offsets
                .iter()
                .map(|&offset| {
                    let mut ranges: Vec<TextRange> = Vec::new();
                    if let Some(token) = token_at(&root, offset) {
                        ranges.push(token.text_range());
                        for node in token.parent_ancestors() {
                            if ranges.last() != Some(&node.text_range()) {
                                ranges.push(node.text_range());
                            }
                        }
                    }
                    ranges
                })
                .collect()
        })
    }
}
