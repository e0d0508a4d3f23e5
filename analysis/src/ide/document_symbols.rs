//! Document symbols: the bindings of a file as an outline, nested sets
//! as children.

use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;
use tvix_syntax::TextRange;

use crate::def::peel_parens_pub as peel_parens;
use crate::{Analysis, Cancellable, FileId, db};

/// What a symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A function.
    Function,
    /// An attribute set.
    Namespace,
    /// Any other value.
    Variable,
}

/// One outline entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// The attribute path as written.
    pub name: String,
    /// What its value is.
    pub kind: SymbolKind,
    /// The whole binding.
    pub range: TextRange,
    /// The name.
    pub selection_range: TextRange,
    /// Nested bindings.
    pub children: Vec<Symbol>,
}

/// Sets nested deeper than this are not outlined (and recursion stays
/// bounded on pathological input).
const MAX_DEPTH: usize = 32;

impl Analysis {
    /// The outline of `file`.
    pub fn document_symbols(&self, file: FileId) -> Cancellable<Vec<Symbol>> {
        self.with_db(|db| {
            let root = db::parse(db, file.0).root();
            root.expr().map(|e| symbols_in(e, 0)).unwrap_or_default()
        })
    }
}

/// The symbols an expression defines: its bindings if it is (under
/// lambdas and `let`) a set or a `let`.
fn symbols_in(expr: ast::Expr, depth: usize) -> Vec<Symbol> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut current = Some(expr);
    while let Some(expr) = current.take().and_then(peel_parens) {
        match expr {
            ast::Expr::Lambda(l) => current = l.body(),
            ast::Expr::With(w) => current = w.body(),
            ast::Expr::Assert(a) => current = a.body(),
            ast::Expr::LetIn(l) => {
                out.extend(entries(&l, depth));
                current = l.body();
            }
            ast::Expr::AttrSet(s) => out.extend(entries(&s, depth)),
            _ => {}
        }
    }
    out
}

fn entries(node: &impl HasEntry, depth: usize) -> Vec<Symbol> {
    let mut out = Vec::new();
    for entry in node.entries() {
        match entry {
            ast::Entry::AttrpathValue(binding) => {
                let Some(path) = binding.attrpath() else {
                    continue;
                };
                let value = binding.value();
                let kind = match value.clone().and_then(peel_parens) {
                    Some(ast::Expr::Lambda(_)) => SymbolKind::Function,
                    Some(ast::Expr::AttrSet(_)) => SymbolKind::Namespace,
                    _ => SymbolKind::Variable,
                };
                out.push(Symbol {
                    name: path.syntax().text().to_string(),
                    kind,
                    range: binding.syntax().text_range(),
                    selection_range: path.syntax().text_range(),
                    children: value.map(|v| symbols_in(v, depth + 1)).unwrap_or_default(),
                });
            }
            ast::Entry::Inherit(inherit) => {
                for attr in inherit.attrs() {
                    out.push(Symbol {
                        name: attr.syntax().text().to_string(),
                        kind: SymbolKind::Variable,
                        range: inherit.syntax().text_range(),
                        selection_range: attr.syntax().text_range(),
                        children: Vec::new(),
                    });
                }
            }
        }
    }
    out
}
