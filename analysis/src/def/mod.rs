//! Lowering: one file's names, imports and exports as a position-free
//! [`Module`], with every range kept apart in a [`SourceMap`].
//!
//! The split is what makes analysis incremental in practice: an edit that
//! only moves text (whitespace, comments, reindenting) changes the source
//! map but leaves the module equal, so salsa skips every query that reads
//! only the module. Items are numbered in source order; the same index
//! finds an item in the module and its range in the source map.

mod imports;

use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::{Parse, TextRange};

use crate::scopes::{self, DefinitionId, DefinitionKind, ReferenceId, ReferenceKind, Resolution};

pub(crate) use imports::{import_target_path, peel_parens as peel_parens_pub, peel_to_value};

/// How a path literal is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    /// `import ./x.nix` (or `builtins.import`, `scopedImport … ./x.nix`).
    Import,
    /// `callPackage ./x.nix { … }` (any function named `callPackage`).
    CallPackage,
    /// An element of a module's `imports = [ … ]`.
    ModuleImport,
    /// Any other path literal.
    Path,
}

/// A path literal, as written (no interpolation).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Import {
    /// The literal's text, e.g. `./lib/default.nix` or `<nixpkgs>`.
    pub path: String,
    /// How it is used.
    pub kind: ImportKind,
}

/// Where the value of a selected attribute comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SelectBase {
    /// `x.attr` where `x` is this reference.
    Reference(ReferenceId),
    /// `(import ./x.nix).attr`: the import with this index.
    Import(usize),
}

/// The first attribute of a selection `base.attr…` or of
/// `inherit (base) attr;`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrSelect {
    /// What is selected from.
    pub base: SelectBase,
    /// The attribute name.
    pub attr: String,
}

/// One definition, without its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefData {
    /// The bound name.
    pub name: String,
    /// What binds it.
    pub kind: DefinitionKind,
}

/// One reference, without its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RefData {
    /// The name used.
    pub name: String,
    /// How it is written.
    pub kind: ReferenceKind,
    /// What it refers to.
    pub resolution: Resolution,
}

/// A file's names, imports and exports, free of positions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Module {
    /// Every definition, indexed by [`DefinitionId`].
    pub definitions: Vec<DefData>,
    /// Every reference, indexed by [`ReferenceId`], in source order.
    pub references: Vec<RefData>,
    /// Every path literal, in source order.
    pub imports: Vec<Import>,
    /// The attribute names of the file's value (its top-level set, under
    /// any lambdas, `let`, `with` and `assert`), first occurrence each.
    pub exports: Vec<String>,
    /// Every first attribute selected from a variable or an import.
    pub selects: Vec<AttrSelect>,
    /// Definitions bound directly to an import (`x = import ./x.nix;`),
    /// with the import's index.
    pub import_bindings: Vec<(DefinitionId, usize)>,
}

/// The ranges of a [`Module`]'s items, indexed alike.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// The name of each definition.
    pub definitions: Vec<TextRange>,
    /// The name of each reference.
    pub references: Vec<TextRange>,
    /// Each path literal.
    pub imports: Vec<TextRange>,
    /// Each export's name.
    pub exports: Vec<TextRange>,
    /// Each selected attribute's name.
    pub selects: Vec<TextRange>,
}

impl Module {
    /// The index of the export named `name`.
    pub fn export(&self, name: &str) -> Option<usize> {
        self.exports.iter().position(|e| e == name)
    }

    /// The import `definition` is bound to, if any.
    pub fn import_of(&self, definition: DefinitionId) -> Option<usize> {
        self.import_bindings
            .iter()
            .find(|(d, _)| *d == definition)
            .map(|(_, i)| *i)
    }
}

/// Lowers a parsed file.
pub(crate) fn lower(parse: &Parse) -> (Module, SourceMap) {
    let root = parse.syntax();
    let resolution = scopes::resolve(parse);
    let mut module = Module::default();
    let mut map = SourceMap::default();
    for (_, d) in resolution.definitions() {
        module.definitions.push(DefData {
            name: d.name.clone(),
            kind: d.kind,
        });
        map.definitions.push(d.range);
    }
    for (_, r) in resolution.references() {
        module.references.push(RefData {
            name: r.name.clone(),
            kind: r.kind,
            resolution: r.resolution,
        });
        map.references.push(r.range);
    }

    let import_index = imports::collect(&root, &mut module, &mut map);
    let reference_at = |range: TextRange| {
        map.references
            .binary_search_by(|r| r.start().cmp(&range.start()))
            .ok()
            .map(ReferenceId::from_index)
    };
    let base_of = |expr: ast::Expr| -> Option<SelectBase> {
        let expr = imports::peel_parens(expr)?;
        if let ast::Expr::Ident(ident) = &expr {
            return reference_at(ident.syntax().text_range()).map(SelectBase::Reference);
        }
        let path = import_target_path(&expr)?;
        import_index
            .get(&path.text_range().start())
            .map(|&i| SelectBase::Import(i))
    };

    for node in root.descendants() {
        if let Some(select) = ast::Select::cast(node.clone()) {
            let (Some(base), Some(attr)) = (
                select.expr().and_then(base_of),
                select.attrpath().and_then(|p| p.attrs().next()),
            ) else {
                continue;
            };
            if let Some((name, range)) = scopes::static_name(&attr) {
                module.selects.push(AttrSelect { base, attr: name });
                map.selects.push(range);
            }
        } else if let Some(inherit) = ast::Inherit::cast(node.clone()) {
            let Some(base) = inherit
                .from()
                .and_then(|from| from.expr())
                .and_then(base_of)
            else {
                continue;
            };
            for attr in inherit.attrs() {
                if let Some((name, range)) = scopes::static_name(&attr) {
                    module.selects.push(AttrSelect { base, attr: name });
                    map.selects.push(range);
                }
            }
        } else if let Some(binding) = ast::AttrpathValue::cast(node) {
            let mut attrs = binding.attrpath().into_iter().flat_map(|p| p.attrs());
            let (Some(attr), None) = (attrs.next(), attrs.next()) else {
                continue;
            };
            let Some(path) = binding.value().as_ref().and_then(import_target_path) else {
                continue;
            };
            let Some(&import) = import_index.get(&path.text_range().start()) else {
                continue;
            };
            let Some((_, range)) = scopes::static_name(&attr) else {
                continue;
            };
            if let Some(def) = map.definitions.iter().position(|r| *r == range) {
                module
                    .import_bindings
                    .push((DefinitionId::from_index(def), import));
            }
        }
    }

    if let Some(value) = root_expr(parse).and_then(peel_to_value)
        && let ast::Expr::AttrSet(set) = value
    {
        for (name, range) in set_names(&set) {
            if !module.exports.contains(&name) {
                module.exports.push(name);
                map.exports.push(range);
            }
        }
    }
    (module, map)
}

/// The file's top-level expression.
fn root_expr(parse: &Parse) -> Option<ast::Expr> {
    parse.root().expr()
}

/// The first-level names a set literal binds, with their first occurrence.
pub(crate) fn set_names(set: &ast::AttrSet) -> Vec<(String, TextRange)> {
    use ast::HasEntry;
    let mut out = Vec::new();
    for entry in set.entries() {
        match entry {
            ast::Entry::AttrpathValue(binding) => {
                if let Some(attr) = binding.attrpath().and_then(|p| p.attrs().next())
                    && let Some(named) = scopes::static_name(&attr)
                {
                    out.push(named);
                }
            }
            ast::Entry::Inherit(inherit) => {
                out.extend(inherit.attrs().filter_map(|a| scopes::static_name(&a)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
