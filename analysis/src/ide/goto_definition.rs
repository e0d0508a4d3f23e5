//! Go to definition: locals, `inherit`, `with` names (to the `with`),
//! attributes selected from imported files, and path literals (to the
//! file, `<name>` through the search path).

use crate::db;
use crate::ide::{NavigationTarget, SymbolAt, path_target, symbol_at};
use crate::{Analysis, Cancellable, FileId, FilePosition};

impl Analysis {
    /// Where the symbol at `position` is defined.
    pub fn goto_definition(&self, position: FilePosition) -> Cancellable<Vec<NavigationTarget>> {
        self.with_db(|db| {
            let file = position.file.0;
            let Some(symbol) = symbol_at(db, file, position.offset) else {
                return Vec::new();
            };
            match symbol {
                SymbolAt::Binding(binding) => vec![NavigationTarget {
                    file: Some(FileId(binding.file)),
                    path: binding.file.path(db).clone(),
                    range: binding.name_range(db),
                }],
                SymbolAt::With(with) => {
                    let resolution = db::name_resolution(db, file);
                    vec![NavigationTarget {
                        file: Some(position.file),
                        path: file.path(db).clone(),
                        range: resolution.with(with).keyword,
                    }]
                }
                SymbolAt::Path(import) => path_target(db, file, import).into_iter().collect(),
                SymbolAt::Builtin(_) | SymbolAt::UnknownAttr => Vec::new(),
            }
        })
    }
}
