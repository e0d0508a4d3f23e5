//! Go to definition: locals, `inherit`, `with` names (to the `with`),
//! attributes selected from imported files, and path literals (to the
//! file, `<name>` through the search path), and module option paths (to
//! the option's declaration in any module of the workspace).

use crate::ide::{NavigationTarget, SymbolAt, path_target, symbol_at};
use crate::{Analysis, Cancellable, FileId, FilePosition};
use crate::{db, module_options};

impl Analysis {
    /// Where the symbol at `position` is defined.
    pub fn goto_definition(&self, position: FilePosition) -> Cancellable<Vec<NavigationTarget>> {
        self.with_db(|db| {
            let file = position.file.0;
            let options = option_declarations_at(db, position);
            if !options.is_empty() {
                return options;
            }
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

/// The declarations of the module option whose path the name at
/// `position` ends (`services.foo.enable = …;`, `config.services.foo`).
pub(crate) fn option_declarations_at(
    db: &dyn db::Db,
    position: FilePosition,
) -> Vec<NavigationTarget> {
    let root = db::parse(db, position.file.0).syntax();
    let Some((path, _)) = module_options::option_path_at(&root, position.offset) else {
        return Vec::new();
    };
    module_options::workspace_options(db)
        .iter()
        .filter(|(_, d)| d.path == path)
        .map(|(file, d)| NavigationTarget {
            file: Some(FileId(*file)),
            path: file.path(db).clone(),
            range: d.range,
        })
        .collect()
}
