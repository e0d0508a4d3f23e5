//! Workspace symbols: the attributes of every file's value and every
//! `let`/`rec` binding, by name.

use crate::db::{self, Workspace};
use crate::scopes::DefinitionKind;
use crate::{Analysis, Cancellable, FileId, FileRange};
use salsa::Database;

/// How many symbols a query returns at most.
const LIMIT: usize = 256;

impl Analysis {
    /// Symbols whose name contains `query` (case-insensitively).
    pub fn workspace_symbols(&self, query: &str) -> Cancellable<Vec<(String, FileRange)>> {
        let query = query.to_lowercase();
        self.with_db(|db| {
            let files = Workspace::get(db).files(db);
            let mut sorted: Vec<_> = files.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            let mut out = Vec::new();
            for (_, &file) in sorted {
                db.unwind_if_revision_cancelled();
                let module = db::module(db, file);
                let map = db::source_map(db, file);
                let exports = module.exports.iter().zip(&map.exports);
                let bindings = module
                    .definitions
                    .iter()
                    .zip(&map.definitions)
                    .filter(|(d, _)| {
                        matches!(
                            d.kind,
                            DefinitionKind::LetBinding | DefinitionKind::RecAttribute
                        )
                    })
                    .map(|(d, r)| (&d.name, r));
                for (name, range) in exports.chain(bindings) {
                    if name.to_lowercase().contains(&query)
                        && !out.iter().any(|(_, r): &(String, FileRange)| {
                            r.range == *range && r.file.0 == file
                        })
                    {
                        out.push((
                            name.clone(),
                            FileRange {
                                file: FileId(file),
                                range: *range,
                            },
                        ));
                        if out.len() >= LIMIT {
                            return out;
                        }
                    }
                }
            }
            out
        })
    }
}
