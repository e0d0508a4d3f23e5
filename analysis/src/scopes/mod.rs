//! Name resolution: every variable reference in a file, tied to the
//! binding it refers to.
//!
//! [`resolve`] walks the tree once and records, for each reference, one
//! [`Resolution`]: a lexical [`Definition`] (`let`, `rec { }`, legacy
//! `let { }`, a lambda's parameter, formals or `@` name), the innermost
//! enclosing `with`, a global builtin, or nothing at all. The lints build
//! on it, and the language server's go-to-definition, references and rename
//! will too.
//!
//! The rules are C++ Nix's (`bindVars` in `nixexpr.cc`):
//! - lexical scopes always win over `with`, however the two nest, and the
//!   global base environment (`map`, `true`, `__attrNames`, …) is the
//!   outermost lexical scope, so it wins over `with` as well;
//! - `inherit x;` in a `let` or `rec { }` looks `x` up in the *enclosing*
//!   scope, never the bindings being defined; `inherit (e) x;` makes no
//!   reference to `x`, and `e` sees the new bindings;
//! - in `rec { }` and `let`, values, dynamic names `${e}` and `inherit (e)`
//!   sources are all evaluated inside the new scope;
//! - a lambda's formals' defaults see every formal and the `@` name.
//!
//! - when the parser merges `a = rec { … }; a.b = …;` into one set, the
//!   merged set keeps the first literal's `rec` (NixOS/nix#9020); see
//!   the private `merges` module for what is modelled (first-level merges).
//!
//! The walk uses an explicit work stack, so arbitrarily deep trees (long
//! chains of `+`, say) cannot overflow the call stack, and lookups go
//! through one map from name to its stack of visible bindings, so resolving
//! is linear in the size of the file.

mod merges;
mod resolver;

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::{Parse, SyntaxNode, TextRange, TextSize};

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The position of this item in its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            pub(crate) fn from_index(index: usize) -> $name {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }
    };
}

index_type!(
    /// Identifies a [`Definition`] within one [`NameResolution`].
    DefinitionId
);
index_type!(
    /// Identifies a [`Reference`] within one [`NameResolution`].
    ReferenceId
);
index_type!(
    /// Identifies a [`Scope`] within one [`NameResolution`].
    ScopeId
);
index_type!(
    /// Identifies a [`With`] within one [`NameResolution`].
    WithId
);

/// What construct binds a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefinitionKind {
    /// A binding of `let … in …`.
    LetBinding,
    /// A binding of the legacy `let { … }`, other than `body`.
    LegacyLetBinding,
    /// The `body` of a legacy `let { … }`: its value is the result.
    LegacyLetBody,
    /// An attribute of a `rec { }` set.
    RecAttribute,
    /// The parameter of `x: …`.
    Parameter,
    /// A formal of `{ a, b ? 1 }: …`.
    Formal,
    /// The `@` name of `args@{ … }: …` or `{ … }@args: …`.
    PatternBind,
}

/// A name introduced by a scope. Each name has one definition per scope:
/// when a scope binds it twice (a duplicate, or `a.b = …; a.c = …;`), the
/// definition is the first occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The bound name, escapes decoded (`"a b" = 1;` binds `a b`).
    pub name: String,
    /// The name's first occurrence: an identifier, or a string attribute.
    pub range: TextRange,
    /// The construct that binds it.
    pub kind: DefinitionKind,
    /// The scope it belongs to.
    pub scope: ScopeId,
}

/// What kind of construct a [`Scope`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// `let … in …`.
    Let,
    /// The legacy `let { … }`.
    LegacyLet,
    /// `rec { … }`.
    RecAttrSet,
    /// A lambda: its parameter, or its formals and `@` name.
    Lambda,
}

/// A construct that binds names lexically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// What construct it is.
    pub kind: ScopeKind,
    /// The whole construct.
    pub range: TextRange,
    /// Its introducing keyword (`let`, `rec`), or for a lambda its
    /// parameter; a place to point diagnostics at.
    pub keyword: TextRange,
}

/// A `with e; body` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct With {
    /// The `with` keyword.
    pub keyword: TextRange,
    /// The whole expression.
    pub range: TextRange,
    /// The nearest `with` enclosing this one, if any. A name that no
    /// lexical scope binds is looked up in this `with` first, then in the
    /// enclosing ones.
    pub parent: Option<WithId>,
}

/// How a variable is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// An identifier in expression position.
    Variable,
    /// A name in `inherit x;` (without a source expression).
    Inherit,
}

/// What a reference resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// A lexical binding.
    Definition(DefinitionId),
    /// No lexical binding: the value, if any, comes from this `with` (the
    /// innermost one) or one enclosing it.
    With(WithId),
    /// A name of C++ Nix's global environment (`map`, `builtins`, …).
    Global,
    /// Nothing binds the name: evaluating it fails.
    Undefined,
}

/// One use of a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The name used.
    pub name: String,
    /// The identifier (or `inherit`ed name).
    pub range: TextRange,
    /// How it is written.
    pub kind: ReferenceKind,
    /// What it refers to.
    pub resolution: Resolution,
}

/// The result of [`resolve`]: every definition, reference, scope and `with`
/// of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameResolution {
    definitions: Vec<Definition>,
    /// Sorted by range.
    references: Vec<Reference>,
    scopes: Vec<Scope>,
    withs: Vec<With>,
    pub(crate) liveness: LivenessGraph,
}

/// What the unused-binding lint needs to tell a `let` binding used only by
/// dead code from a live one.
///
/// Every expression has an *owner*: the innermost `let` binding whose value
/// contains it (node 0, the root, when there is none). Evaluating a binding's
/// value activates its node; code is live when its owner is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LivenessGraph {
    /// Number of owner nodes, the root included.
    pub(crate) node_count: usize,
    /// The owner of each reference, in reference order.
    pub(crate) reference_owner: Vec<u32>,
    /// For each definition that is a `let` binding: the owner of its `let`
    /// and the node its value activates.
    pub(crate) binding_nodes: Vec<Option<BindingNodes>>,
}

/// The owner nodes of one `let` binding; see [`LivenessGraph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BindingNodes {
    /// The node owning the `let` expression.
    pub(crate) owner: u32,
    /// The node owning the binding's value.
    pub(crate) value: u32,
}

impl NameResolution {
    /// Every definition, with its id.
    pub fn definitions(&self) -> impl ExactSizeIterator<Item = (DefinitionId, &Definition)> + '_ {
        self.definitions
            .iter()
            .enumerate()
            .map(|(i, d)| (DefinitionId::from_index(i), d))
    }

    /// Every reference, with its id, in source order.
    pub fn references(&self) -> impl ExactSizeIterator<Item = (ReferenceId, &Reference)> + '_ {
        self.references
            .iter()
            .enumerate()
            .map(|(i, r)| (ReferenceId::from_index(i), r))
    }

    /// Every binding scope, with its id.
    pub fn scopes(&self) -> impl ExactSizeIterator<Item = (ScopeId, &Scope)> + '_ {
        self.scopes
            .iter()
            .enumerate()
            .map(|(i, s)| (ScopeId::from_index(i), s))
    }

    /// Every `with`, with its id.
    pub fn withs(&self) -> impl ExactSizeIterator<Item = (WithId, &With)> + '_ {
        self.withs
            .iter()
            .enumerate()
            .map(|(i, w)| (WithId::from_index(i), w))
    }

    /// The definition with this id.
    pub fn definition(&self, id: DefinitionId) -> &Definition {
        &self.definitions[id.index()]
    }

    /// The reference with this id.
    pub fn reference(&self, id: ReferenceId) -> &Reference {
        &self.references[id.index()]
    }

    /// The scope with this id.
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.index()]
    }

    /// The `with` with this id.
    pub fn with(&self, id: WithId) -> &With {
        &self.withs[id.index()]
    }

    /// The reference whose name contains `offset` (either end included).
    pub fn reference_at(&self, offset: TextSize) -> Option<ReferenceId> {
        let after = self.references.partition_point(|r| r.range.end() < offset);
        let found = self.references.get(after)?;
        found
            .range
            .contains_inclusive(offset)
            .then(|| ReferenceId::from_index(after))
    }

    /// The definition whose name contains `offset` (either end included).
    pub fn definition_at(&self, offset: TextSize) -> Option<DefinitionId> {
        self.definitions()
            .find(|(_, d)| d.range.contains_inclusive(offset))
            .map(|(id, _)| id)
    }

    /// The references that resolve to `definition`, in source order.
    pub fn references_to(
        &self,
        definition: DefinitionId,
    ) -> impl Iterator<Item = ReferenceId> + '_ {
        self.references()
            .filter(move |(_, r)| r.resolution == Resolution::Definition(definition))
            .map(|(id, _)| id)
    }

    /// `with`, then each `with` enclosing it, innermost first: where a name
    /// resolved to [`Resolution::With`] may come from.
    pub fn with_chain(&self, with: WithId) -> impl Iterator<Item = WithId> + '_ {
        std::iter::successors(Some(with), |&w| self.with(w).parent)
    }
}

/// Resolves every variable reference of a parsed file.
pub fn resolve(parse: &Parse) -> NameResolution {
    resolver::resolve(parse.syntax())
}

/// The attribute set literal `expr` is, parentheses removed (C++ Nix's
/// parser keeps no trace of them).
pub(crate) fn set_literal(expr: Option<ast::Expr>) -> Option<SyntaxNode> {
    let mut node = expr?.syntax().clone();
    loop {
        match node.kind() {
            NODE_ATTR_SET => return Some(node),
            NODE_PAREN => node = ast::Paren::cast(node)?.expr()?.syntax().clone(),
            _ => return None,
        }
    }
}

/// The static name of an attribute and the range to point at, or `None`
/// for `${e}` (dynamic in C++ Nix even when `e` is a literal string).
pub(crate) fn static_name(attr: &ast::Attr) -> Option<(String, TextRange)> {
    match attr {
        ast::Attr::Ident(ident) => {
            let token = ident.ident_token()?;
            Some((token.text().to_owned(), token.text_range()))
        }
        // rnix's string accessors assert on error nodes inside a string
        // (`"${` being typed); such a string names nothing yet.
        ast::Attr::Str(s) if s.syntax().children().any(|c| c.kind() == NODE_ERROR) => None,
        ast::Attr::Str(s) => Some((
            tvix_syntax::ast_ext::static_string(s)?,
            s.syntax().text_range(),
        )),
        ast::Attr::Dynamic(_) => None,
    }
}

#[cfg(test)]
mod tests;
