//! The resolving walk behind [`resolve`](super::resolve).

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::{SyntaxNode, TextRange, globals::is_global};

use super::merges::MergePlan;
use super::{
    BindingNodes, Definition, DefinitionId, DefinitionKind, LivenessGraph, NameResolution,
    Reference, ReferenceKind, Resolution, Scope, ScopeId, ScopeKind, With, WithId, static_name,
};
use rustc_hash::FxHashMap;

/// Resolves every reference under `root`.
pub(super) fn resolve(root: SyntaxNode) -> NameResolution {
    let mut resolver = Resolver::default();
    resolver.liveness.node_count = 1;
    resolver.run(root);
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
    merges: MergePlan,
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
                if is_rec && !self.merges.not_rec.contains(&node) {
                    self.visit_bindings(node, ScopeKind::RecAttrSet, owner);
                } else {
                    self.merges.plan(&node);
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
            if (names_not_refs && child.kind() == NODE_IDENT) || self.merges.has_moved(&child) {
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
        // At most one rehash for a scope of thousands of names.
        self.visible.reserve(builder.order.len());
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

        // The entries written here, and those merged in from elsewhere (with
        // the leading path elements that name this set skipped).
        self.merges.plan(&node);
        let extra = self.merges.extra_entries.remove(&node).unwrap_or_default();
        let children: Vec<(SyntaxNode, usize)> = node
            .children()
            .filter(|child| !self.merges.has_moved(child))
            .map(|child| (child, 0))
            .chain(extra)
            .collect();
        // Sized up front: a `let` of thousands of bindings would otherwise
        // rehash its way there.
        builder.by_name.reserve(children.len());
        builder.order.reserve(children.len());
        value_owner.reserve(children.len());
        for (child, skip) in children {
            match child.kind() {
                NODE_ATTRPATH_VALUE => {
                    let Some(entry) = ast::AttrpathValue::cast(child.clone()) else {
                        continue;
                    };
                    let first = entry.attrpath().and_then(|path| path.attrs().nth(skip));
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
