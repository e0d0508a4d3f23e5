//! C++ Nix's merging of `a = rec { … }; a.b = …;` into one set, as far as
//! it changes scoping (NixOS/nix#9020, nil#114).
//!
//! When an attribute's first definition is an attribute set literal, later
//! definitions of the same attribute are merged into it by the parser. The
//! merged set keeps the *first* literal's `rec` marker:
//! - `{ a = rec { x = y; }; a.y = 1; }`: `y` joins the `rec` set, so `x = y`
//!   refers to it, and `a.y`'s value is evaluated inside that scope;
//! - `{ a.y = 1; a = rec { x = y; }; }`: the `rec` is discarded, and `y` is
//!   undefined.
//!
//! Only merges at the first level of a set are modelled; deeper ones
//! (`a.b = rec { … }; a.b.c = …;`) are resolved as written.

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::SyntaxNode;

use super::{set_literal, static_name};
use rustc_hash::{FxHashMap, FxHashSet};

/// Where entries move, once their sets are merged.
#[derive(Default)]
pub(super) struct MergePlan {
    /// For a `rec` literal, entries written elsewhere that belong to it,
    /// each with how many leading attribute path elements to skip.
    pub(super) extra_entries: FxHashMap<SyntaxNode, Vec<(SyntaxNode, usize)>>,
    /// Entries that have moved into a `rec` literal.
    pub(super) moved: FxHashSet<SyntaxNode>,
    /// `rec` literals merged into a set that is not recursive.
    pub(super) not_rec: FxHashSet<SyntaxNode>,
}

/// The first definition of a name in a set.
enum First {
    /// A `rec { }` literal: later definitions join its scope.
    Rec(SyntaxNode),
    /// A set that is not recursive: later `rec` literals lose their `rec`.
    NotRec,
    /// Anything else: later definitions are duplicates.
    Other,
}

impl MergePlan {
    /// Plans the merges among the entries of `set` (a set or `let`).
    pub(super) fn plan(&mut self, set: &SyntaxNode) {
        // Merges change scoping only when some value is a `rec` literal:
        // check that cheaply before looking at names.
        if !may_have_rec_value(set) {
            return;
        }

        let mut first: FxHashMap<String, First> = FxHashMap::default();
        for child in set.children() {
            if let Some(inherit) = ast::Inherit::cast(child.clone()) {
                for attr in inherit.attrs() {
                    if let Some((name, _)) = static_name(&attr) {
                        first.entry(name).or_insert(First::Other);
                    }
                }
                continue;
            }
            let Some(entry) = ast::AttrpathValue::cast(child.clone()) else {
                continue;
            };
            let attrs: Vec<ast::Attr> = entry
                .attrpath()
                .map(|p| p.attrs().collect())
                .unwrap_or_default();
            let Some((name, _)) = attrs.first().and_then(static_name) else {
                continue;
            };
            let literal = if attrs.len() == 1 {
                set_literal(entry.value())
            } else {
                None
            };
            match first.get(&name) {
                None => {
                    let kind = match (&literal, attrs.len()) {
                        (Some(set), _) if is_rec(set) => First::Rec(set.clone()),
                        (Some(_), _) => First::NotRec,
                        (None, 1) => First::Other,
                        (None, _) => First::NotRec,
                    };
                    first.insert(name, kind);
                }
                Some(First::Rec(target)) => {
                    let extra = self.extra_entries.entry(target.clone()).or_default();
                    if attrs.len() > 1 {
                        extra.push((child.clone(), 1));
                        self.moved.insert(child);
                    } else if let Some(literal) = literal {
                        extra.extend(
                            literal
                                .children()
                                .filter(|c| matches!(c.kind(), NODE_ATTRPATH_VALUE | NODE_INHERIT))
                                .map(|c| (c, 0)),
                        );
                        self.moved.insert(child);
                    }
                }
                Some(First::NotRec) => {
                    if let Some(literal) = literal.filter(is_rec) {
                        self.not_rec.insert(literal);
                    }
                }
                Some(First::Other) => {}
            }
        }
    }

    /// Whether `child` has moved into another set.
    pub(super) fn has_moved(&self, child: &SyntaxNode) -> bool {
        !self.moved.is_empty() && self.moved.contains(child)
    }
}

/// Whether some entry of `set` may have a `rec { … }` literal (maybe in
/// parentheses) as its value — never false when one has. Read off the
/// green tree: this runs on every set and `let`, and a cursor per entry
/// of a `let` of 15,000 bindings was an eighth of name resolution.
fn may_have_rec_value(set: &SyntaxNode) -> bool {
    use rowan::{GreenNodeData, Language, NodeOrToken};
    let kind = |raw| rnix::NixLanguage::kind_from_raw(raw);
    fn is_rec_literal(
        n: &GreenNodeData,
        kind: &dyn Fn(rowan::SyntaxKind) -> rnix::SyntaxKind,
    ) -> bool {
        match kind(n.kind()) {
            NODE_ATTR_SET => n
                .children()
                .any(|c| matches!(c, NodeOrToken::Token(t) if kind(t.kind()) == TOKEN_REC)),
            NODE_PAREN => n
                .children()
                .filter_map(NodeOrToken::into_node)
                .any(|inner| is_rec_literal(inner, kind)),
            _ => false,
        }
    }
    let green = set.green();
    green
        .children()
        .filter_map(NodeOrToken::into_node)
        .filter(|entry| kind(entry.kind()) == NODE_ATTRPATH_VALUE)
        .any(|entry| {
            entry
                .children()
                .filter_map(NodeOrToken::into_node)
                .any(|value| is_rec_literal(value, &kind))
        })
}

fn is_rec(set: &SyntaxNode) -> bool {
    ast::AttrSet::cast(set.clone()).is_some_and(|s| s.rec_token().is_some())
}
