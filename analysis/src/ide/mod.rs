//! IDE features, one file per feature, each adding its methods to
//! [`crate::Analysis`]. This module holds what several share: finding the
//! symbol under the cursor and following selections into other files.

mod closed_expr;
mod code_actions;
mod completion;
mod diagnostics;
mod document_highlight;
mod document_links;
mod document_symbols;
mod extract;
mod folding_ranges;
mod goto_definition;
mod hover;
mod inlay_hints;
mod references;
mod rename;
mod rewrites;
mod selection_ranges;
mod semantic_tokens;
mod signature_help;
mod workspace_symbols;

use std::sync::Arc;

use tvix_syntax::{TextRange, TextSize};

use crate::FileId;
use crate::db::{self, Db, SourceFile};
use crate::scopes::{DefinitionId, Resolution, WithId};

pub use code_actions::{CodeAction, NewFile, TextEdit};
pub use completion::{CompletionItem, CompletionKind};
pub use document_highlight::{Highlight, HighlightKind};
pub use document_links::DocumentLink;
pub use document_symbols::{Symbol, SymbolKind};
pub use folding_ranges::{Fold, FoldKind};
pub use hover::HoverResult;
pub use inlay_hints::InlayHint;
pub use rename::{RenameError, SourceChange};
pub use semantic_tokens::{SEMANTIC_TOKEN_TYPES, SemanticToken};
pub use signature_help::SignatureHelp;

/// Where a definition is: a file of the workspace, or a file outside it
/// (a search-path entry), by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavigationTarget {
    /// The file, when the workspace has it.
    pub file: Option<FileId>,
    /// Its absolute path.
    pub path: String,
    /// The name (or the whole file: an empty range at 0).
    pub range: TextRange,
}

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SymbolAt {
    /// A binding: a lexical definition, an attribute of a file's value
    /// (an "export"), or both (`rec { a = …; }` at the top of a file).
    Binding(Binding),
    /// A name that a `with` provides.
    With(WithId),
    /// A global builtin.
    Builtin(String),
    /// A selected attribute that cannot be followed statically.
    UnknownAttr,
    /// A path literal (its index in the module).
    Path(usize),
}

/// A binding, identified across files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Binding {
    pub(crate) file: SourceFile,
    pub(crate) def: Option<DefinitionId>,
    pub(crate) export: Option<String>,
}

impl Binding {
    /// The binding of definition `def`, which is also an export when its
    /// name is one of the file's exports at the same place.
    pub(crate) fn of_definition(db: &dyn Db, file: SourceFile, def: DefinitionId) -> Binding {
        let map = db::source_map(db, file);
        let range = map.definitions[def.index()];
        let export = map
            .exports
            .iter()
            .position(|r| *r == range)
            .map(|i| db::module(db, file).exports[i].clone());
        Binding {
            file,
            def: Some(def),
            export,
        }
    }

    /// The binding of export `name` of `file`.
    pub(crate) fn of_export(db: &dyn Db, file: SourceFile, name: &str) -> Option<Binding> {
        let module = db::module(db, file);
        let index = module.export(name)?;
        let range = db::source_map(db, file).exports[index];
        let def = db::source_map(db, file)
            .definitions
            .iter()
            .position(|r| *r == range)
            .map(DefinitionId::from_index);
        Some(Binding {
            file,
            def,
            export: Some(name.to_owned()),
        })
    }

    /// The range of the binding's name.
    pub(crate) fn name_range(&self, db: &dyn Db) -> TextRange {
        let map = db::source_map(db, self.file);
        match (&self.def, &self.export) {
            (Some(def), _) => map.definitions[def.index()],
            (None, Some(name)) => db::module(db, self.file)
                .export(name)
                .map(|i| map.exports[i])
                .unwrap_or_default(),
            (None, None) => TextRange::default(),
        }
    }

    /// The bound name.
    pub(crate) fn name(&self, db: &dyn Db) -> String {
        match (&self.def, &self.export) {
            (_, Some(name)) => name.clone(),
            (Some(def), None) => db::module(db, self.file).definitions[def.index()]
                .name
                .clone(),
            (None, None) => String::new(),
        }
    }
}

/// The file and export each selection of `file` reaches, indexed like
/// `Module::selects` (position-free, so it survives edits that move text).
#[salsa::tracked]
pub(crate) fn select_targets(
    db: &dyn Db,
    file: SourceFile,
) -> Arc<Vec<Option<(SourceFile, String)>>> {
    let module = db::module(db, file);
    let imports = db::resolved_imports(db, file);
    Arc::new(
        module
            .selects
            .iter()
            .map(|select| {
                let import = match select.base {
                    crate::def::SelectBase::Import(i) => i,
                    crate::def::SelectBase::Reference(r) => {
                        let Resolution::Definition(def) = module.references[r.index()].resolution
                        else {
                            return None;
                        };
                        module.import_of(def)?
                    }
                };
                let target = imports.get(import).copied().flatten()?;
                db::module(db, target).export(&select.attr)?;
                Some((target, select.attr.clone()))
            })
            .collect(),
    )
}

/// What is at `offset` in `file`.
pub(crate) fn symbol_at(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<SymbolAt> {
    let module = db::module(db, file);
    let map = db::source_map(db, file);
    if let Some(i) = find(&map.selects, offset) {
        return Some(match &select_targets(db, file)[i] {
            Some((target, name)) => SymbolAt::Binding(Binding::of_export(db, *target, name)?),
            None => SymbolAt::UnknownAttr,
        });
    }
    if let Some(i) = find(&map.references, offset) {
        let reference = &module.references[i];
        return match reference.resolution {
            Resolution::Definition(def) => {
                Some(SymbolAt::Binding(Binding::of_definition(db, file, def)))
            }
            Resolution::With(with) => Some(SymbolAt::With(with)),
            Resolution::Global => Some(SymbolAt::Builtin(reference.name.clone())),
            Resolution::Undefined => None,
        };
    }
    if let Some(i) = find(&map.definitions, offset) {
        return Some(SymbolAt::Binding(Binding::of_definition(
            db,
            file,
            DefinitionId::from_index(i),
        )));
    }
    if let Some(i) = find(&map.exports, offset) {
        return Binding::of_export(db, file, &module.exports[i]).map(SymbolAt::Binding);
    }
    find(&map.imports, offset).map(SymbolAt::Path)
}

/// The index of the range containing `offset` (either end included).
pub(crate) fn find(ranges: &[TextRange], offset: TextSize) -> Option<usize> {
    ranges.iter().position(|r| r.contains_inclusive(offset))
}

/// Every place that names `binding`: its definition, the references to it
/// in its file, and (for exports) every selection of it in the workspace,
/// grouped by file, definition file first.
pub(crate) fn binding_occurrences(
    db: &dyn Db,
    binding: &Binding,
) -> Vec<(SourceFile, Vec<(TextRange, bool)>)> {
    let mut out: Vec<(SourceFile, Vec<(TextRange, bool)>)> = Vec::new();
    let mut own = vec![(binding.name_range(db), true)];
    let module = db::module(db, binding.file);
    let map = db::source_map(db, binding.file);
    if let Some(def) = binding.def {
        for (i, reference) in module.references.iter().enumerate() {
            if reference.resolution == Resolution::Definition(def) {
                own.push((map.references[i], false));
            }
        }
    }
    out.push((binding.file, own));
    if let Some(name) = &binding.export {
        let files = db::Workspace::get(db).files(db);
        let mut sorted: Vec<&SourceFile> = files.values().collect();
        sorted.sort_by(|a, b| a.path(db).cmp(b.path(db)));
        for &other in sorted {
            db.unwind_if_revision_cancelled();
            let targets = select_targets(db, other);
            let ranges = &db::source_map(db, other).selects;
            let found: Vec<(TextRange, bool)> = targets
                .iter()
                .zip(ranges.iter())
                .filter(|(t, _)| {
                    t.as_ref()
                        .is_some_and(|(f, n)| *f == binding.file && n == name)
                })
                .map(|(_, r)| (*r, false))
                .collect();
            if found.is_empty() {
                continue;
            }
            match out.iter_mut().find(|(f, _)| *f == other) {
                Some((_, ranges)) => ranges.extend(found),
                None => out.push((other, found)),
            }
        }
    }
    for (_, ranges) in &mut out {
        ranges.sort_by_key(|(r, _)| (r.start(), r.end()));
        ranges.dedup_by_key(|(r, _)| *r);
    }
    out
}

/// The navigation target of a path literal, resolved against the
/// workspace and the search path.
pub(crate) fn path_target(
    db: &dyn Db,
    file: SourceFile,
    import: usize,
) -> Option<NavigationTarget> {
    let module = db::module(db, file);
    let literal = &module.imports.get(import)?.path;
    if let Some(target) = db::resolved_imports(db, file)[import] {
        return Some(NavigationTarget {
            file: Some(FileId(target)),
            path: target.path(db).clone(),
            range: TextRange::default(),
        });
    }
    let path = if let Some(inner) = literal.strip_prefix('<').and_then(|l| l.strip_suffix('>')) {
        let settings = db::SettingsInput::get(db).settings(db);
        let (first, rest) = inner.split_once('/').unwrap_or((inner, ""));
        let (_, base) = settings
            .search_path
            .iter()
            .find(|(name, _)| name == first)?;
        let base = base.trim_end_matches('/');
        if rest.is_empty() {
            base.to_owned()
        } else {
            format!("{base}/{rest}")
        }
    } else {
        db::absolute_path(file.path(db), literal)?
    };
    Some(NavigationTarget {
        file: None,
        path,
        range: TextRange::default(),
    })
}

#[cfg(test)]
mod tests;

/// The identifier-like token at `offset`, preferring the one that ends
/// there (the cursor just after a name is on that name).
pub(crate) fn token_at(
    root: &tvix_syntax::SyntaxNode,
    offset: TextSize,
) -> Option<tvix_syntax::SyntaxToken> {
    use rowan::TokenAtOffset;
    match root.token_at_offset(offset) {
        TokenAtOffset::None => None,
        TokenAtOffset::Single(t) => Some(t),
        TokenAtOffset::Between(left, right) => {
            if left.kind() == rnix::SyntaxKind::TOKEN_IDENT {
                Some(left)
            } else {
                Some(right)
            }
        }
    }
}

/// The syntax that binds a definition whose name is at `range`: the
/// binding (`name = value;`), the formal, or the lambda of a parameter.
pub(crate) fn definition_node(
    root: &tvix_syntax::SyntaxNode,
    range: TextRange,
) -> Option<tvix_syntax::SyntaxNode> {
    use rnix::SyntaxKind::*;
    let element = root.covering_element(range);
    let start = match element {
        rowan::NodeOrToken::Node(n) => n,
        rowan::NodeOrToken::Token(t) => t.parent()?,
    };
    start.ancestors().find(|n| {
        matches!(
            n.kind(),
            NODE_ATTRPATH_VALUE | NODE_PAT_ENTRY | NODE_LAMBDA | NODE_PAT_BIND | NODE_INHERIT
        )
    })
}

/// The value bound to the definition whose name is at `range`, if it is
/// written there (`name = value;`, or a formal's default).
pub(crate) fn definition_value(
    root: &tvix_syntax::SyntaxNode,
    range: TextRange,
) -> Option<rnix::ast::Expr> {
    use rowan::ast::AstNode;
    let node = definition_node(root, range)?;
    if let Some(binding) = rnix::ast::AttrpathValue::cast(node.clone()) {
        return binding.value();
    }
    rnix::ast::PatEntry::cast(node)?.default()
}
