//! A closed copy of an expression, for evaluating it on its own: the
//! expression wrapped in a `let` that binds every local name it uses
//! (copied from the bindings and formal defaults that define them) and the
//! `with`s its names come from.
//!
//! Completion after `pkgs.` or `lib.` evaluates such a copy when the
//! attribute names cannot be read off the source. The copy must mean what
//! the expression means in place, so it is refused rather than built
//! approximately: a name bound by a function's parameter or a formal
//! without default (no value without a call), two different bindings of
//! one name (one `let` cannot hold both), a copied binding that would now
//! see a different binding of a name, or a `with` that a copied binding
//! (rather than the expression itself) depends on.

use rnix::ast;
use rowan::ast::AstNode;
use rustc_hash::FxHashMap;
use tvix_syntax::{SyntaxNode, TextRange};

use crate::ide::definition_value;
use crate::scopes::{DefinitionId, DefinitionKind, NameResolution, Resolution, WithId};

/// More bindings than this is not cheap to evaluate anyway.
const MAX_BINDINGS: usize = 64;

/// The closed text of `expr` (a node of the file `root`), or `None` when
/// no copy with the same meaning can be made.
pub(crate) fn closed_expression(
    root: &SyntaxNode,
    names: &NameResolution,
    expr: &SyntaxNode,
) -> Option<String> {
    // Every copied node, and the bindings: name → (definition, value).
    let mut copied: Vec<SyntaxNode> = vec![expr.clone()];
    let mut bindings: FxHashMap<String, (DefinitionId, SyntaxNode)> = FxHashMap::default();
    let mut order: Vec<String> = Vec::new();
    let mut withs: Vec<WithId> = Vec::new();
    let mut next = 0;
    while next < copied.len() {
        let node = copied[next].clone();
        let is_expr = next == 0;
        next += 1;
        let span = node.text_range();
        for (_, reference) in names.references() {
            if !span.contains_range(reference.range) {
                continue;
            }
            match reference.resolution {
                Resolution::Definition(id) => {
                    let definition = names.definition(id);
                    if span.contains_range(definition.range) {
                        continue;
                    }
                    if let Some((bound, _)) = bindings.get(&reference.name) {
                        if *bound != id {
                            return None;
                        }
                        continue;
                    }
                    let value = copyable_value(root, definition.kind, definition.range)?;
                    bindings.insert(reference.name.clone(), (id, value.clone()));
                    order.push(reference.name.clone());
                    copied.push(value);
                    if bindings.len() > MAX_BINDINGS {
                        return None;
                    }
                }
                Resolution::With(id) => {
                    let with = names.with(id);
                    if span.contains_range(with.range) {
                        continue;
                    }
                    // Only the expression's own names may come from a
                    // `with`: the copy puts the `with`s around it alone.
                    if !is_expr {
                        return None;
                    }
                    if withs.is_empty() {
                        withs = names
                            .with_chain(id)
                            .filter(|w| !span.contains_range(names.with(*w).range))
                            .collect();
                        for w in &withs {
                            copied.push(namespace(root, names.with(*w).range)?);
                        }
                    }
                }
                Resolution::Global | Resolution::Undefined => {
                    // A copied binding of this name would capture it.
                    if bindings.contains_key(&reference.name) {
                        return None;
                    }
                }
            }
        }
    }
    // A name looked up through the `with`s or globally before a binding of
    // it was added would now find the binding.
    for node in &copied {
        let span = node.text_range();
        for (_, reference) in names.references() {
            if span.contains_range(reference.range)
                && !matches!(reference.resolution, Resolution::Definition(_))
                && bindings.contains_key(&reference.name)
            {
                return None;
            }
        }
    }
    let text = |node: &SyntaxNode| node.text().to_string();
    let mut out = String::new();
    if !order.is_empty() {
        out.push_str("let\n");
        for name in &order {
            let (_, value) = &bindings[name];
            out.push_str(&format!("  {name} = ({});\n", text(value)));
        }
        out.push_str("in\n");
    }
    // Outermost first.
    for w in withs.iter().rev() {
        let ns = namespace(root, names.with(*w).range)?;
        out.push_str(&format!("with ({}); ", text(&ns)));
    }
    out.push_str(&format!("({})", text(expr)));
    Some(out)
}

/// The value a definition binds, when copying it keeps its meaning.
fn copyable_value(root: &SyntaxNode, kind: DefinitionKind, range: TextRange) -> Option<SyntaxNode> {
    match kind {
        DefinitionKind::LetBinding
        | DefinitionKind::LegacyLetBinding
        | DefinitionKind::RecAttribute
        | DefinitionKind::Formal => {}
        // No value without a call.
        DefinitionKind::Parameter | DefinitionKind::PatternBind | DefinitionKind::LegacyLetBody => {
            return None;
        }
    }
    let value = definition_value(root, range)?;
    // `a.b = …;` binds `a` to a set merged from every `a.…` binding.
    let binding = value.syntax().parent()?;
    if let Some(binding) = ast::AttrpathValue::cast(binding)
        && binding.attrpath()?.attrs().count() != 1
    {
        return None;
    }
    let node = value.syntax().clone();
    if node
        .descendants()
        .any(|n| n.kind() == rnix::SyntaxKind::NODE_ERROR)
    {
        return None;
    }
    Some(node)
}

/// The namespace expression of the `with` spanning `range`.
fn namespace(root: &SyntaxNode, range: TextRange) -> Option<SyntaxNode> {
    let node = root
        .covering_element(range)
        .into_node()?
        .ancestors()
        .find_map(ast::With::cast)?;
    Some(node.namespace()?.syntax().clone())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};
    use rowan::ast::AstNode;

    use crate::db;
    use crate::fixture::fixture;

    /// The closed copy of the expression selected from at the `$0` cursor
    /// (`base.$0`).
    fn check(text: &str, expect: Expect) {
        let (host, cursor) = fixture(text);
        let cursor = cursor.unwrap();
        let analysis = host.analysis();
        let out = analysis
            .with_db(|db| {
                let root = db::parse(db, cursor.file.0).syntax();
                let token = crate::ide::token_at(&root, cursor.offset)?;
                let select = token.parent_ancestors().find_map(rnix::ast::Select::cast)?;
                super::closed_expression(
                    &root,
                    db::name_resolution(db, cursor.file.0),
                    select.expr()?.syntax(),
                )
            })
            .unwrap();
        expect.assert_eq(&out.unwrap_or_default());
    }

    #[test]
    fn locals_and_defaults_are_copied() {
        check(
            "{ n ? 2 }: let a = { x = n; }; b = a // { y = 1; }; in b.$0",
            expect![[r#"
                let
                  b = (a // { y = 1; });
                  a = ({ x = n; });
                  n = (2);
                in
                (b)"#]],
        );
        check(
            "let lib = import ./lib.nix; in with lib; licenses.$0",
            expect![[r#"
                let
                  lib = (import ./lib.nix);
                in
                with (lib); (licenses)"#]],
        );
    }

    #[test]
    fn refused_where_the_copy_could_mean_something_else() {
        // A parameter has no value without a call.
        check("x: x.$0", expect![""]);
        // Two bindings of `a` cannot share one `let`.
        check("let a = { }; b = a; in let a = b; in a.$0", expect![""]);
        // `a.b = 1; a.c = 2;` is a merged set.
        check("let a.b = 1; a.c = 2; in a.$0", expect![""]);
        // The copied `f` uses the global `map`; a copied `map` would
        // capture it.
        check("let f = map; in let map = f; in (f map).$0", expect![""]);
    }
}
