//! Rename: every occurrence of a binding across the workspace, refused
//! when the new name would change what any name refers to.

use std::fmt;

use crate::db;
use crate::ide::{Binding, SymbolAt, TextEdit, binding_occurrences, symbol_at};
use crate::scopes::{ReferenceKind, Resolution};
use crate::{Analysis, Cancellable, FileId, FilePosition};

/// The edits of a rename, per file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceChange {
    /// Edits by file, sorted by range within each file.
    pub edits: Vec<(FileId, Vec<TextEdit>)>,
}

/// Why a rename was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Nix's keywords, which cannot be identifiers.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or",
];

/// Whether `name` can be written as a bare identifier.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'))
        && !KEYWORDS.contains(&name)
}

impl Analysis {
    /// The range of the name a rename at `position` would change.
    pub fn prepare_rename(
        &self,
        position: FilePosition,
    ) -> Cancellable<Result<tvix_syntax::TextRange, RenameError>> {
        self.with_db(|db| {
            let file = position.file.0;
            match symbol_at(db, file, position.offset) {
                Some(SymbolAt::Binding(_)) => {
                    let map = db::source_map(db, file);
                    [
                        &map.selects,
                        &map.references,
                        &map.definitions,
                        &map.exports,
                    ]
                    .into_iter()
                    .find_map(|ranges| crate::ide::find(ranges, position.offset).map(|i| ranges[i]))
                    .ok_or_else(|| RenameError("no name here".into()))
                }
                _ => Err(RenameError("only bindings can be renamed".into())),
            }
        })
    }

    /// Renames the binding at `position` to `new_name` everywhere.
    pub fn rename(
        &self,
        position: FilePosition,
        new_name: &str,
    ) -> Cancellable<Result<SourceChange, RenameError>> {
        self.with_db(|db| {
            let Some(SymbolAt::Binding(binding)) = symbol_at(db, position.file.0, position.offset)
            else {
                return Err(RenameError(
                    "there is no binding here to rename (builtins and `with` names cannot be renamed)"
                        .into(),
                ));
            };
            if !is_identifier(new_name) {
                return Err(RenameError(format!("`{new_name}` is not a valid Nix identifier")));
            }
            check_meaning_kept(db, &binding, new_name)?;
            let mut edits = Vec::new();
            for (file, ranges) in binding_occurrences(db, &binding) {
                edits.push((
                    FileId(file),
                    ranges
                        .into_iter()
                        .map(|(range, _)| TextEdit {
                            range,
                            new_text: new_name.to_owned(),
                        })
                        .collect(),
                ));
            }
            Ok(SourceChange { edits })
        })
    }
}

/// Refuses a rename that would make some name refer to something else.
fn check_meaning_kept(
    db: &dyn db::Db,
    binding: &Binding,
    new_name: &str,
) -> Result<(), RenameError> {
    let file = binding.file;
    let module = db::module(db, file);
    let old_name = binding.name(db);
    if old_name == new_name {
        return Ok(());
    }
    if binding.export.is_some() && module.export(new_name).is_some() {
        return Err(RenameError(format!(
            "the file's value already has an attribute `{new_name}`"
        )));
    }
    let Some(def) = binding.def else {
        return Ok(());
    };
    let resolution = db::name_resolution(db, file);
    let scope_id = resolution.definition(def).scope;
    let scope = resolution.scope(scope_id).range;
    for (_, other) in resolution.definitions() {
        if other.name == new_name && other.scope == scope_id {
            return Err(RenameError(format!(
                "`{new_name}` is already defined in the same scope"
            )));
        }
    }
    for (_, reference) in resolution.references() {
        let to_this = reference.resolution == Resolution::Definition(def);
        if to_this && reference.kind == ReferenceKind::Inherit {
            return Err(RenameError(format!(
                "`inherit {old_name};` also names an attribute; renaming it would change that attribute's name"
            )));
        }
        if to_this {
            // An inner binding of `new_name` between the definition and
            // this use would capture it.
            let shadowed = resolution.definitions().any(|(_, other)| {
                let inner = resolution.scope(other.scope).range;
                other.name == new_name
                    && other.scope != scope_id
                    && scope.contains_range(inner)
                    && inner.contains_range(reference.range)
            });
            if shadowed {
                return Err(RenameError(format!(
                    "a use of `{old_name}` would refer to an inner `{new_name}` instead"
                )));
            }
        } else if reference.name == new_name && scope.contains_range(reference.range) {
            // An existing `new_name` inside the scope that refers to
            // something further out would be captured by the renamed
            // binding.
            let captured = match reference.resolution {
                Resolution::Definition(other) => {
                    let outer = resolution.scope(resolution.definition(other).scope).range;
                    outer.contains_range(scope) && outer != scope
                }
                Resolution::With(_) | Resolution::Global | Resolution::Undefined => true,
            };
            if captured {
                return Err(RenameError(format!(
                    "an existing use of `{new_name}` would refer to the renamed binding"
                )));
            }
        }
    }
    Ok(())
}
