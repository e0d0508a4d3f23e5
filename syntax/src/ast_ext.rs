//! Typed helpers over `rnix`'s AST that the evaluator and the IDE share.

use rnix::ast::{self, AstToken, HasEntry};
use rnix::{SyntaxKind, SyntaxNode, TextRange};
use rowan::ast::AstNode;

/// The static name of an attribute-path element (`a`, `"a"`, `${"a"}`), or
/// `None` when it is computed at evaluation time.
pub fn static_attr_name(attr: &ast::Attr) -> Option<String> {
    match attr {
        ast::Attr::Ident(ident) => Some(ident.ident_token()?.text().to_owned()),
        ast::Attr::Str(s) => static_string(s),
        ast::Attr::Dynamic(dynamic) => match dynamic.expr()? {
            ast::Expr::Str(s) => static_string(&s),
            _ => None,
        },
    }
}

/// The value of a string literal without interpolations, escapes decoded.
pub fn static_string(s: &ast::Str) -> Option<String> {
    let mut out = String::new();
    for part in s.normalized_parts() {
        match part {
            ast::InterpolPart::Literal(text) => out.push_str(&text),
            ast::InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(out)
}

/// The names bound by an attribute set's or `let`'s entries, with the range
/// that defines each one: the first element of every `a.b = …` path and
/// every name of every `inherit`. Dynamic names are skipped.
pub fn bound_names(entries: &impl HasEntry) -> Vec<(String, TextRange)> {
    let mut names = Vec::new();
    for entry in entries.entries() {
        match entry {
            ast::Entry::AttrpathValue(binding) => {
                let first = binding.attrpath().and_then(|path| path.attrs().next());
                if let Some((attr, name)) =
                    first.and_then(|a| Some((a.clone(), static_attr_name(&a)?)))
                {
                    names.push((name, attr.syntax().text_range()));
                }
            }
            ast::Entry::Inherit(inherit) => {
                for attr in inherit.attrs() {
                    if let Some(name) = static_attr_name(&attr) {
                        names.push((name, attr.syntax().text_range()));
                    }
                }
            }
        }
    }
    names
}

/// The identifier token's text of a name node.
pub fn ident_text(ident: &ast::Ident) -> Option<String> {
    Some(ident.ident_token()?.text().to_owned())
}

/// The range of the first token of `node` that is not trivia; a precise
/// place to point at for a diagnostic about a whole node.
pub fn first_token_range(node: &SyntaxNode) -> TextRange {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .find(|token| {
            !matches!(
                token.kind(),
                SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT
            )
        })
        .map_or_else(|| node.text_range(), |token| token.text_range())
}

/// Whether `token` is a comment or whitespace.
pub fn is_trivia(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT
    )
}

/// Whether `whitespace` contains a newline; used by lints that care about
/// layout.
pub fn has_newline(token: &ast::Whitespace) -> bool {
    token.syntax().text().contains('\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_set(text: &str) -> ast::AttrSet {
        crate::parse(text)
            .syntax()
            .descendants()
            .find_map(ast::AttrSet::cast)
            .unwrap()
    }

    #[test]
    fn names_of_bindings() {
        let set =
            first_set(r#"{ a.b = 1; "c" = 2; ${"d"} = 3; ${x} = 4; inherit e; inherit (y) f; }"#);
        let names: Vec<String> = bound_names(&set).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "c", "d", "e", "f"]);
    }

    #[test]
    fn escapes_are_decoded() {
        let set = first_set(r#"{ "a\nb" = 1; }"#);
        assert_eq!(bound_names(&set)[0].0, "a\nb");
    }
}
