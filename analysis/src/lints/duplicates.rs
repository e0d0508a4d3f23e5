//! `duplicate-attribute` and `duplicate-formal`.
//!
//! Attribute sets follow C++ Nix's `addAttr` exactly. Within one set or
//! `let`, the entries build a tree of attribute paths:
//! - `a.b = 1; a.c = 2;` share the implicit set `a`;
//! - when a path goes through, or ends at, an attribute whose first
//!   definition is an attribute set literal (`rec` or not, parentheses
//!   ignored) and the new value is one too, the two are merged, so
//!   `a = { x = 1; }; a.y = 2;` and `a = { x = 1; }; a = { y = 2; };` are
//!   fine;
//! - anything else defining an existing path is a duplicate: `a = 1; a.b =
//!   2;`, `a.b = 1; a.b = 2;`, `inherit x; x = 1;`, `inherit x; inherit x;`;
//! - `${e}` names are dynamic and never compared (even `${"a"}`, as in
//!   C++ Nix's parser).
//!
//! A literal set that is the value of an entry is checked as part of the
//! enclosing set (it may be merged into it), every other set and `let` on
//! its own, so each entry is looked at once.

use rustc_hash::FxHashMap;

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::{SyntaxNode, TextRange, TextSize};

use crate::scopes::{set_literal, static_name};
use crate::{Diagnostic, DiagnosticCode};

/// Reports duplicate attributes in every set and `let`, and duplicate
/// formals in every lambda.
///
/// The sets, `let`s and patterns are found by walking the green tree,
/// which allocates nothing (a cursor per node of a 20,000-line file was a
/// quarter of this lint); each is then checked through a cursor tree of
/// its own, whose ranges start at 0 and are moved back into place.
pub(crate) fn check(root: &SyntaxNode, out: &mut Vec<Diagnostic>) {
    use rowan::{GreenNodeData, Language, NodeOrToken};
    let kind = |raw| rnix::NixLanguage::kind_from_raw(raw);
    let is_list = |k| matches!(k, NODE_ATTR_SET | NODE_LET_IN | NODE_LEGACY_LET);
    /// A node to visit: where it starts, whether its parent is a set or
    /// `let`, and whether it is the value of an entry of one (parentheses
    /// around it looked through): such a set literal is checked with the
    /// set it is in, since it may be merged into it.
    struct Visit<'a> {
        node: &'a GreenNodeData,
        offset: TextSize,
        in_list: bool,
        entry_value: bool,
    }
    let green = root.green();
    let mut stack = vec![Visit {
        node: green,
        offset: root.text_range().start(),
        in_list: false,
        entry_value: false,
    }];
    while let Some(visit) = stack.pop() {
        let node_kind = kind(visit.node.kind());
        let checked = match node_kind {
            NODE_LET_IN | NODE_LEGACY_LET | NODE_PATTERN => true,
            NODE_ATTR_SET => !visit.entry_value,
            _ => false,
        };
        if checked {
            let own = SyntaxNode::new_root(visit.node.to_owned());
            let mut found = Vec::new();
            if node_kind == NODE_PATTERN {
                check_formals(&own, &mut found);
            } else {
                check_bindings(&own, &mut found);
            }
            out.extend(found.into_iter().map(|mut d| {
                d.range += visit.offset;
                for label in &mut d.labels {
                    label.range += visit.offset;
                }
                d
            }));
        }
        let entry_value = match node_kind {
            NODE_PAREN => visit.entry_value,
            NODE_ATTRPATH_VALUE => visit.in_list,
            _ => false,
        };
        // Children in reverse, so that they are visited in source order.
        let mut at = visit.offset + visit.node.text_len();
        for child in visit.node.children().rev() {
            match child {
                NodeOrToken::Node(child) => {
                    at -= child.text_len();
                    stack.push(Visit {
                        node: child,
                        offset: at,
                        in_list: is_list(node_kind),
                        entry_value,
                    });
                }
                NodeOrToken::Token(t) => at -= t.text_len(),
            }
        }
    }
}

/// One attribute of the tree being built.
struct Slot {
    /// Where it was first defined: its path up to and including its name.
    range: TextRange,
    /// The set it is, if later definitions may merge into it.
    set: Option<usize>,
}

/// A set of the tree being built.
#[derive(Default)]
struct SetNode {
    attrs: FxHashMap<String, Slot>,
    /// The set this one is an attribute of, and its name there; `None` for
    /// the checked set itself and for detached sets.
    parent: Option<(usize, String)>,
}

/// A set's entries being added to a node of the tree.
struct Frame {
    entries: std::vec::IntoIter<SyntaxNode>,
    target: usize,
    /// The node paths in messages start from: C++ Nix checks a literal's
    /// own entries before merging it, so their paths start at the literal.
    base: usize,
}

struct Checker<'a> {
    nodes: Vec<SetNode>,
    out: &'a mut Vec<Diagnostic>,
}

fn check_bindings(set: &SyntaxNode, out: &mut Vec<Diagnostic>) {
    let mut checker = Checker {
        nodes: Vec::new(),
        out,
    };
    let entries = entries(set);
    let root = checker.new_node(None);
    // Sized up front: a `let` of thousands of bindings would otherwise
    // rehash its way there.
    checker.nodes[root].attrs.reserve(entries.len());
    let mut frames = vec![Frame {
        entries,
        target: root,
        base: root,
    }];
    while let Some(frame) = frames.last_mut() {
        let Some(entry) = frame.entries.next() else {
            frames.pop();
            continue;
        };
        let (target, base) = (frame.target, frame.base);
        if let Some(next) = checker.add_entry(&entry, target, base) {
            frames.push(next);
        }
    }
}

/// The entries of a set or `let`, in source order.
fn entries(set: &SyntaxNode) -> std::vec::IntoIter<SyntaxNode> {
    set.children()
        .filter(|c| matches!(c.kind(), NODE_ATTRPATH_VALUE | NODE_INHERIT))
        .collect::<Vec<_>>()
        .into_iter()
}

impl Checker<'_> {
    fn new_node(&mut self, parent: Option<(usize, String)>) -> usize {
        self.nodes.push(SetNode {
            attrs: FxHashMap::default(),
            parent,
        });
        self.nodes.len() - 1
    }

    /// The names leading from `base` down to `node`.
    fn path(&self, base: usize, mut node: usize) -> Vec<String> {
        let mut path = Vec::new();
        while node != base {
            let Some((parent, name)) = &self.nodes[node].parent else {
                break;
            };
            path.push(name.clone());
            node = *parent;
        }
        path.reverse();
        path
    }

    /// Reports `names` (a path below `node`) as already defined at `first`.
    fn duplicate(
        &mut self,
        (base, node): (usize, usize),
        names: &[&str],
        range: TextRange,
        first: TextRange,
    ) {
        let mut path = self.path(base, node);
        path.extend(names.iter().map(|n| (*n).to_owned()));
        self.out.push(
            Diagnostic::new(
                DiagnosticCode::DuplicateAttribute,
                range,
                format!("attribute '{}' already defined", path.join(".")),
            )
            .with_label(first, "first defined here"),
        );
    }

    /// Adds one entry to node `target`; returns the frame of a set literal
    /// to add next (merged, new, or detached after an error).
    fn add_entry(&mut self, entry: &SyntaxNode, target: usize, base: usize) -> Option<Frame> {
        if let Some(inherit) = ast::Inherit::cast(entry.clone()) {
            for attr in inherit.attrs() {
                let Some((name, range)) = static_name(&attr) else {
                    continue;
                };
                match self.nodes[target].attrs.get(&name) {
                    Some(slot) => {
                        let first = slot.range;
                        self.duplicate((base, target), &[&name], range, first);
                    }
                    None => {
                        self.nodes[target]
                            .attrs
                            .insert(name, Slot { range, set: None });
                    }
                }
            }
            return None;
        }

        let entry = ast::AttrpathValue::cast(entry.clone())?;
        let literal = set_literal(entry.value());
        let attrs: Vec<ast::Attr> = entry
            .attrpath()
            .map(|p| p.attrs().collect())
            .unwrap_or_default();
        let start = attrs.first().map(|a| a.syntax().text_range().start());
        // `None` once the path leaves the checked tree: after a dynamic name
        // (a fresh set C++ Nix never compares) or after an error.
        let mut current = Some(target);
        let mut fresh = false;
        // The static names of this path so far, for messages.
        let mut names: Vec<String> = Vec::new();
        for (i, attr) in attrs.iter().enumerate() {
            let last = i + 1 == attrs.len();
            let Some(node) = current else { break };
            let Some((name, name_range)) = static_name(attr) else {
                current = None;
                break;
            };
            let range = TextRange::new(start.unwrap_or(name_range.start()), name_range.end());
            let existing = self.nodes[node]
                .attrs
                .get(&name)
                .map(|slot| (slot.range, slot.set));
            match (existing, last, &literal) {
                // Through, or merging into, an attribute set.
                (Some((_, Some(set))), false, _) | (Some((_, Some(set))), true, Some(_)) => {
                    current = Some(set);
                    names.push(name);
                }
                // C++ Nix names the path up to the clash: `a = 1; a.b = 2;`
                // reports 'a'.
                (Some((first, _)), _, _) => {
                    names.push(name);
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    self.duplicate((base, target), &names, range, first);
                    current = None;
                    break;
                }
                (None, _, literal) => {
                    let value_is_set = !last || literal.is_some();
                    let set = value_is_set.then(|| self.new_node(Some((node, name.clone()))));
                    self.nodes[node]
                        .attrs
                        .insert(name.clone(), Slot { range, set });
                    current = set;
                    // A literal defining a new attribute: C++ Nix checked its
                    // entries on their own before.
                    fresh = last;
                    names.push(name);
                }
            }
        }

        // A literal's own entries are checked even where C++ Nix would have
        // stopped, in a detached set with its own paths.
        let literal = literal?;
        let (target, base) = match current {
            Some(set) if fresh => (set, set),
            Some(set) => (set, base),
            None => {
                let detached = self.new_node(None);
                (detached, detached)
            }
        };
        Some(Frame {
            entries: entries(&literal),
            target,
            base,
        })
    }
}

/// `{ a, a }:` and `a@{ a }:`: every later occurrence of a name.
fn check_formals(pattern: &SyntaxNode, out: &mut Vec<Diagnostic>) {
    let mut seen: FxHashMap<String, TextRange> = FxHashMap::default();
    for child in pattern.children() {
        let ident = match child.kind() {
            NODE_PAT_ENTRY => ast::PatEntry::cast(child).and_then(|e| e.ident()),
            NODE_PAT_BIND => ast::PatBind::cast(child).and_then(|b| b.ident()),
            _ => None,
        };
        let Some(token) = ident.and_then(|i| i.ident_token()) else {
            continue;
        };
        let name = token.text().to_owned();
        match seen.get(&name) {
            Some(&first) => out.push(
                Diagnostic::new(
                    DiagnosticCode::DuplicateFormal,
                    token.text_range(),
                    format!("duplicate formal function argument '{name}'"),
                )
                .with_label(first, "first defined here"),
            ),
            None => {
                seen.insert(name, token.text_range());
            }
        }
    }
}
