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
//! Known simplification: when C++ Nix merges `a = rec { … }; a.b = …;` into
//! one set, the `rec` scope of the merged set gains or loses bindings
//! (NixOS/nix#9020); each `rec { }` literal is resolved here as written.
//!
//! The walk uses an explicit work stack, so arbitrarily deep trees (long
//! chains of `+`, say) cannot overflow the call stack, and lookups go
//! through one map from name to its stack of visible bindings, so resolving
//! is linear in the size of the file.

use crate::fxhash::FxHashMap;

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::{Parse, SyntaxNode, TextRange, TextSize, globals::is_global};

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
    let mut resolver = Resolver::default();
    resolver.liveness.node_count = 1;
    resolver.run(parse.syntax());
    resolver.finish()
}

/// The root of the liveness graph: code outside every `let` binding.
const ROOT_OWNER: u32 = 0;

enum Task {
    Visit(SyntaxNode, u32),
    PopScope(ScopeId),
    PushWith(WithId),
    PopWith,
}

#[derive(Default)]
struct Resolver {
    definitions: Vec<Definition>,
    references: Vec<(Reference, u32)>,
    scopes: Vec<Scope>,
    /// The definitions of each scope, pushed onto `visible` together.
    scope_definitions: Vec<Vec<DefinitionId>>,
    withs: Vec<With>,
    liveness: LivenessGraph,
    /// For each name, the definitions currently in scope, innermost last.
    visible: FxHashMap<String, Vec<DefinitionId>>,
    with_stack: Vec<WithId>,
    tasks: Vec<Task>,
}

/// Definitions being collected for one new scope, one per name.
struct ScopeBuilder {
    scope: ScopeId,
    by_name: FxHashMap<String, DefinitionId>,
    order: Vec<DefinitionId>,
}

impl Resolver {
    fn run(&mut self, root: SyntaxNode) {
        self.tasks.push(Task::Visit(root, ROOT_OWNER));
        while let Some(task) = self.tasks.pop() {
            match task {
                Task::Visit(node, owner) => self.visit(node, owner),
                Task::PopScope(scope) => {
                    for &def in &self.scope_definitions[scope.index()] {
                        let name = &self.definitions[def.index()].name;
                        if let Some(stack) = self.visible.get_mut(name) {
                            stack.pop();
                        }
                    }
                }
                Task::PushWith(with) => self.with_stack.push(with),
                Task::PopWith => {
                    self.with_stack.pop();
                }
            }
        }
    }

    fn finish(mut self) -> NameResolution {
        self.references
            .sort_by_key(|(r, _)| (r.range.start(), r.range.end()));
        let (references, owners) = self.references.into_iter().unzip();
        self.liveness.reference_owner = owners;
        self.liveness
            .binding_nodes
            .resize(self.definitions.len(), None);
        NameResolution {
            definitions: self.definitions,
            references,
            scopes: self.scopes,
            withs: self.withs,
            liveness: self.liveness,
        }
    }

    fn visit(&mut self, node: SyntaxNode, owner: u32) {
        match node.kind() {
            NODE_IDENT => {
                if let Some(token) = ast::Ident::cast(node).and_then(|i| i.ident_token()) {
                    let range = token.text_range();
                    self.reference(token.text(), range, ReferenceKind::Variable, owner);
                }
            }
            NODE_LET_IN => self.visit_bindings(node, ScopeKind::Let, owner),
            NODE_LEGACY_LET => self.visit_bindings(node, ScopeKind::LegacyLet, owner),
            NODE_ATTR_SET => {
                let is_rec = ast::AttrSet::cast(node.clone())
                    .and_then(|set| set.rec_token())
                    .is_some();
                if is_rec {
                    self.visit_bindings(node, ScopeKind::RecAttrSet, owner);
                } else {
                    self.visit_children(&node, owner);
                }
            }
            NODE_INHERIT => self.visit_inherit(&node, owner),
            NODE_LAMBDA => self.visit_lambda(node, owner),
            NODE_WITH => self.visit_with(node, owner),
            // `__curPos` is a position literal, not a variable.
            NODE_CUR_POS => {}
            _ => self.visit_children(&node, owner),
        }
    }

    /// Queues every child node. Identifiers directly under an attribute
    /// path or a pattern are names, not references; under an error node
    /// they are debris.
    fn visit_children(&mut self, node: &SyntaxNode, owner: u32) {
        let names_not_refs = matches!(
            node.kind(),
            NODE_ATTRPATH
                | NODE_PAT_ENTRY
                | NODE_PAT_BIND
                | NODE_IDENT_PARAM
                | NODE_ERROR
                | NODE_PATTERN
        );
        let start = self.tasks.len();
        for child in node.children() {
            if names_not_refs && child.kind() == NODE_IDENT {
                continue;
            }
            self.tasks.push(Task::Visit(child, owner));
        }
        // Visit in source order (the stack pops last first).
        self.tasks[start..].reverse();
    }

    /// Queues nodes to visit in the given order.
    fn queue_in_order(&mut self, visits: Vec<(SyntaxNode, u32)>) {
        self.tasks.extend(
            visits
                .into_iter()
                .rev()
                .map(|(node, owner)| Task::Visit(node, owner)),
        );
    }

    fn reference(&mut self, name: &str, range: TextRange, kind: ReferenceKind, owner: u32) {
        let resolution = match self.visible.get(name).and_then(|stack| stack.last()) {
            Some(&def) => Resolution::Definition(def),
            None if is_global(name) => Resolution::Global,
            None => match self.with_stack.last() {
                Some(&with) => Resolution::With(with),
                None => Resolution::Undefined,
            },
        };
        let reference = Reference {
            name: name.to_owned(),
            range,
            kind,
            resolution,
        };
        self.references.push((reference, owner));
    }

    fn new_scope(&mut self, kind: ScopeKind, range: TextRange, keyword: TextRange) -> ScopeBuilder {
        let scope = ScopeId::from_index(self.scopes.len());
        self.scopes.push(Scope {
            kind,
            range,
            keyword,
        });
        self.scope_definitions.push(Vec::new());
        ScopeBuilder {
            scope,
            by_name: FxHashMap::default(),
            order: Vec::new(),
        }
    }

    /// The definition of `name` in the scope being built, created on first
    /// sight; the boolean says whether it is new.
    fn define(
        &mut self,
        builder: &mut ScopeBuilder,
        name: String,
        range: TextRange,
        kind: DefinitionKind,
    ) -> (DefinitionId, bool) {
        if let Some(&def) = builder.by_name.get(&name) {
            return (def, false);
        }
        let def = DefinitionId::from_index(self.definitions.len());
        self.definitions.push(Definition {
            name: name.clone(),
            range,
            kind,
            scope: builder.scope,
        });
        builder.by_name.insert(name, def);
        builder.order.push(def);
        (def, true)
    }

    /// Makes the scope's names visible and queues its removal after
    /// everything queued later has run.
    fn enter_scope(&mut self, builder: ScopeBuilder) -> ScopeId {
        for &def in &builder.order {
            let name = self.definitions[def.index()].name.clone();
            self.visible.entry(name).or_default().push(def);
        }
        self.scope_definitions[builder.scope.index()] = builder.order;
        self.tasks.push(Task::PopScope(builder.scope));
        builder.scope
    }

    fn new_liveness_node(&mut self) -> u32 {
        let node = u32::try_from(self.liveness.node_count).unwrap_or(u32::MAX);
        self.liveness.node_count += 1;
        node
    }

    /// Records that `def` is a `let` binding; returns the node owning its
    /// value (a fresh one unless `value` is given).
    fn track_binding(&mut self, def: DefinitionId, owner: u32, value: Option<u32>) -> u32 {
        let value = value.unwrap_or_else(|| self.new_liveness_node());
        let nodes = &mut self.liveness.binding_nodes;
        if nodes.len() <= def.index() {
            nodes.resize(def.index() + 1, None);
        }
        nodes[def.index()] = Some(BindingNodes { owner, value });
        value
    }

    /// `let … in`, legacy `let { }` and `rec { }`: a scope made of the
    /// entries' names.
    fn visit_bindings(&mut self, node: SyntaxNode, kind: ScopeKind, owner: u32) {
        let keyword = node
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| matches!(t.kind(), TOKEN_LET | TOKEN_REC))
            .map_or_else(
                || TextRange::empty(node.text_range().start()),
                |t| t.text_range(),
            );
        let mut builder = self.new_scope(kind, node.text_range(), keyword);
        let is_let = kind == ScopeKind::Let;
        let def_kind = |name: &str| match kind {
            ScopeKind::Let => DefinitionKind::LetBinding,
            ScopeKind::LegacyLet if name == "body" => DefinitionKind::LegacyLetBody,
            ScopeKind::LegacyLet => DefinitionKind::LegacyLetBinding,
            _ => DefinitionKind::RecAttribute,
        };
        // Whether a new definition of this kind gets its own liveness node.
        let tracked = |kind: DefinitionKind| {
            matches!(
                kind,
                DefinitionKind::LetBinding | DefinitionKind::LegacyLetBinding
            )
        };
        // The value owner of each definition that has one.
        let mut value_owner: FxHashMap<DefinitionId, u32> = FxHashMap::default();
        // Visits to run inside the new scope, in source order.
        let mut inside: Vec<(SyntaxNode, u32)> = Vec::new();
        let mut body = None;

        for child in node.children() {
            match child.kind() {
                NODE_ATTRPATH_VALUE => {
                    let Some(entry) = ast::AttrpathValue::cast(child.clone()) else {
                        continue;
                    };
                    let first = entry.attrpath().and_then(|path| path.attrs().next());
                    let mut entry_owner = owner;
                    if let Some((name, range)) = first.as_ref().and_then(static_name) {
                        let kind = def_kind(&name);
                        let (def, new) = self.define(&mut builder, name, range, kind);
                        if new && tracked(kind) {
                            let value = self.track_binding(def, owner, None);
                            value_owner.insert(def, value);
                        }
                        entry_owner = value_owner.get(&def).copied().unwrap_or(owner);
                    }
                    if let Some(path) = entry.attrpath() {
                        inside.push((path.syntax().clone(), entry_owner));
                    }
                    if let Some(value) = entry.value() {
                        inside.push((value.syntax().clone(), entry_owner));
                    }
                }
                NODE_INHERIT => {
                    let Some(inherit) = ast::Inherit::cast(child.clone()) else {
                        continue;
                    };
                    // `inherit (e) a b;` shares `e` between its names: `e` is
                    // live when any of them is.
                    let from = inherit.from().and_then(|from| from.expr());
                    let group = match (&from, is_let || kind == ScopeKind::LegacyLet) {
                        (Some(_), true) => Some(self.new_liveness_node()),
                        _ => None,
                    };
                    for attr in inherit.attrs() {
                        let Some((name, range)) = static_name(&attr) else {
                            continue;
                        };
                        let kind = def_kind(&name);
                        let (def, new) = self.define(&mut builder, name.clone(), range, kind);
                        let value = if new && tracked(kind) {
                            let value = self.track_binding(def, owner, group);
                            value_owner.insert(def, value);
                            value
                        } else {
                            value_owner.get(&def).copied().unwrap_or(owner)
                        };
                        if from.is_none() {
                            // Resolved now, before the new names are visible:
                            // `inherit x;` never refers to itself.
                            self.reference(&name, range, ReferenceKind::Inherit, value);
                        }
                    }
                    if let Some(from) = from {
                        inside.push((from.syntax().clone(), group.unwrap_or(owner)));
                    }
                }
                // The `in` body of `let`; anything else is error recovery.
                _ => {
                    if is_let && body.is_none() && ast::Expr::cast(child.clone()).is_some() {
                        body = Some(child);
                    } else {
                        inside.push((child, owner));
                    }
                }
            }
        }

        self.enter_scope(builder);
        if let Some(body) = body {
            inside.push((body, owner));
        }
        self.queue_in_order(inside);
    }

    /// `inherit` in a non-recursive set: names refer to the current scope.
    fn visit_inherit(&mut self, node: &SyntaxNode, owner: u32) {
        let Some(inherit) = ast::Inherit::cast(node.clone()) else {
            return;
        };
        if let Some(from) = inherit.from() {
            self.visit_children(from.syntax(), owner);
            return;
        }
        for attr in inherit.attrs() {
            if let Some((name, range)) = static_name(&attr) {
                self.reference(&name, range, ReferenceKind::Inherit, owner);
            }
        }
    }

    fn visit_lambda(&mut self, node: SyntaxNode, owner: u32) {
        let Some(lambda) = ast::Lambda::cast(node.clone()) else {
            return;
        };
        let param_range = lambda.param().map_or_else(
            || TextRange::empty(node.text_range().start()),
            |p| p.syntax().text_range(),
        );
        let mut builder = self.new_scope(ScopeKind::Lambda, node.text_range(), param_range);
        let mut defaults = Vec::new();
        match lambda.param() {
            Some(ast::Param::IdentParam(param)) => {
                if let Some(token) = param.ident().and_then(|i| i.ident_token()) {
                    let name = token.text().to_owned();
                    self.define(
                        &mut builder,
                        name,
                        token.text_range(),
                        DefinitionKind::Parameter,
                    );
                }
            }
            Some(ast::Param::Pattern(pattern)) => {
                // Bind in source order, so that with a duplicate the first
                // occurrence is the definition.
                for child in pattern.syntax().children() {
                    match child.kind() {
                        NODE_PAT_BIND => {
                            let ident = ast::PatBind::cast(child).and_then(|b| b.ident());
                            if let Some(token) = ident.and_then(|i| i.ident_token()) {
                                let name = token.text().to_owned();
                                self.define(
                                    &mut builder,
                                    name,
                                    token.text_range(),
                                    DefinitionKind::PatternBind,
                                );
                            }
                        }
                        NODE_PAT_ENTRY => {
                            let Some(entry) = ast::PatEntry::cast(child) else {
                                continue;
                            };
                            if let Some(token) = entry.ident().and_then(|i| i.ident_token()) {
                                let name = token.text().to_owned();
                                self.define(
                                    &mut builder,
                                    name,
                                    token.text_range(),
                                    DefinitionKind::Formal,
                                );
                            }
                            if let Some(default) = entry.default() {
                                defaults.push((default.syntax().clone(), owner));
                            }
                        }
                        _ => defaults.push((child, owner)),
                    }
                }
            }
            None => {}
        }
        self.enter_scope(builder);
        // Everything but the parameter itself: the body, and any debris.
        for child in node.children() {
            if child.kind() != NODE_IDENT_PARAM && child.kind() != NODE_PATTERN {
                defaults.push((child, owner));
            }
        }
        self.queue_in_order(defaults);
    }

    fn visit_with(&mut self, node: SyntaxNode, owner: u32) {
        let keyword = node
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == TOKEN_WITH)
            .map_or_else(
                || TextRange::empty(node.text_range().start()),
                |t| t.text_range(),
            );
        let with = WithId::from_index(self.withs.len());
        self.withs.push(With {
            keyword,
            range: node.text_range(),
            parent: self.with_stack.last().copied(),
        });
        // The namespace is evaluated outside the `with`; the body, and any
        // debris after it, inside.
        let mut children = node.children();
        let namespace = children.next();
        self.tasks.push(Task::PopWith);
        let body: Vec<(SyntaxNode, u32)> = children.map(|c| (c, owner)).collect();
        self.queue_in_order(body);
        self.tasks.push(Task::PushWith(with));
        if let Some(namespace) = namespace {
            self.tasks.push(Task::Visit(namespace, owner));
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
        ast::Attr::Str(s) => Some((
            tvix_syntax::ast_ext::static_string(s)?,
            s.syntax().text_range(),
        )),
        ast::Attr::Dynamic(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    /// Renders each reference as `name@offset -> target`.
    fn check(text: &str, expect: Expect) {
        let resolution = resolve(&tvix_syntax::parse(text));
        let mut out = String::new();
        for (_, reference) in resolution.references() {
            let target = match reference.resolution {
                Resolution::Definition(def) => {
                    let def = resolution.definition(def);
                    format!(
                        "{:?} {}@{}",
                        def.kind,
                        def.name,
                        u32::from(def.range.start())
                    )
                }
                Resolution::With(with) => {
                    format!("with@{}", u32::from(resolution.with(with).keyword.start()))
                }
                Resolution::Global => "global".to_owned(),
                Resolution::Undefined => "undefined".to_owned(),
            };
            out.push_str(&format!(
                "{}@{} -> {}\n",
                reference.name,
                u32::from(reference.range.start()),
                target
            ));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn let_and_lambda() {
        check(
            "let a = 1; f = x: { y ? a, ... }@s: x + y + s.z; in f a",
            expect![[r#"
                a@24 -> LetBinding a@4
                x@36 -> Parameter x@15
                y@40 -> Formal y@20
                s@44 -> PatternBind s@33
                f@52 -> LetBinding f@11
                a@54 -> LetBinding a@4
            "#]],
        );
    }

    #[test]
    fn lexical_wins_over_with() {
        check(
            "x: with x; with y; [ x z map ]",
            expect![[r#"
                x@8 -> Parameter x@0
                y@16 -> with@3
                x@21 -> Parameter x@0
                z@23 -> with@11
                map@25 -> global
            "#]],
        );
    }

    #[test]
    fn inherit_looks_outside() {
        check(
            "let x = 1; in let inherit x; inherit (x) y; in rec { inherit y; z = y; }",
            expect![[r#"
                x@26 -> LetBinding x@4
                x@38 -> LetBinding x@26
                y@61 -> LetBinding y@41
                y@68 -> RecAttribute y@61
            "#]],
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // Deep enough to overflow a recursive walk on this small stack. (The
        // depth stays moderate because dropping a rowan tree is recursive.)
        let text = format!("x: {}x", "x + ".repeat(5_000));
        let parse = tvix_syntax::parse(&text);
        let in_thread = parse.clone();
        let count = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || resolve(&in_thread).references().len())
            .and_then(|thread| thread.join().map_err(|_| std::io::Error::other("panicked")))
            .unwrap();
        assert_eq!(count, 5_001);
        let resolution = resolve(&parse);
        assert_eq!(
            resolution.reference_at(TextSize::from(3)),
            Some(ReferenceId(0))
        );
        assert_eq!(resolution.reference_at(TextSize::from(1)), None);
    }
}
