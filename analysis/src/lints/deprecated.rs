//! `deprecated-url-literal`, `deprecated-let-attrset` and
//! `deprecated-or-identifier`.
//!
//! The last follows C++ Nix's "cursed or" warning (NixOS/nix#11121): `or`
//! as an identifier is still valid (`let or = 1; in …`, `{ or = 1; }.or`,
//! `map or [ ]`), but `e or` — a call of `e` with the variable `or` —
//! binds tighter than ordinary application, and a future release will
//! parse it differently. C++ Nix warns, and so do we, only where the two
//! readings differ: when such a call is a function argument (`f (x: x)
//! or`), a list element (`[ (x: x) or ]`) or the default of a selection
//! (`a.b or (x: x) or`).

use rnix::SyntaxKind::{self, *};
use rnix::ast;
use rowan::ast::AstNode;
use rowan::{GreenNodeData, NodeOrToken};
use tvix_syntax::ast_ext::is_trivia;
use tvix_syntax::{SyntaxNode, TextRange, TextSize};

use crate::{Diagnostic, DiagnosticCode};

/// Reports deprecated syntax.
///
/// The scan walks the green tree, which is much cheaper than materializing
/// a red node for every token; the rare hits are then looked up as red
/// nodes.
pub(super) fn check(parse: &tvix_syntax::Parse, out: &mut Vec<Diagnostic>) {
    let root = parse.syntax();
    let mut candidates = Vec::new();
    let mut stack = vec![(parse.green().children(), TextSize::from(0))];
    while let Some((children, offset)) = stack.last_mut() {
        let Some(child) = children.next() else {
            stack.pop();
            continue;
        };
        let start = *offset;
        *offset += child.text_len();
        match child {
            NodeOrToken::Token(token) if token.kind() == raw(TOKEN_URI) => {
                out.push(Diagnostic::new(
                    DiagnosticCode::DeprecatedUrlLiteral,
                    TextRange::at(start, token.text_len()),
                    format!(
                        "URL literals are deprecated; write a string instead: \"{}\"",
                        token.text()
                    ),
                ));
            }
            NodeOrToken::Token(_) => {}
            NodeOrToken::Node(node) => {
                let kind = node.kind();
                if kind == raw(NODE_LEGACY_LET) || (kind == raw(NODE_APPLY) && is_or_call(node)) {
                    let kind = <rnix::NixLanguage as rowan::Language>::kind_from_raw(kind);
                    candidates.push((TextRange::at(start, node.text_len()), kind));
                }
                stack.push((node.children(), start));
            }
        }
    }
    for (range, kind) in candidates {
        let Some(node) = node_at(&root, range, kind) else {
            continue;
        };
        match node.kind() {
            NODE_LEGACY_LET => legacy_let(&node, out),
            NODE_APPLY => cursed_or(&node, out),
            _ => {}
        }
    }
}

fn raw(kind: SyntaxKind) -> rowan::SyntaxKind {
    rowan::SyntaxKind(kind as u16)
}

/// Whether a green `NODE_APPLY` ends in the identifier `or`.
fn is_or_call(apply: &GreenNodeData) -> bool {
    let trivia = [raw(TOKEN_WHITESPACE), raw(TOKEN_COMMENT)];
    let last = apply.children().rfind(|c| !trivia.contains(&c.kind()));
    let Some(NodeOrToken::Node(ident)) = last else {
        return false;
    };
    ident.kind() == raw(NODE_IDENT)
        && ident
            .children()
            .any(|t| matches!(t, NodeOrToken::Token(t) if t.text() == "or"))
}

/// The red node of `kind` spanning exactly `range`.
fn node_at(root: &SyntaxNode, range: TextRange, kind: SyntaxKind) -> Option<SyntaxNode> {
    let covering = match root.covering_element(range) {
        NodeOrToken::Node(node) => node,
        NodeOrToken::Token(token) => token.parent()?,
    };
    covering
        .ancestors()
        .take_while(|n| n.text_range() == range)
        .find(|n| n.kind() == kind)
}

fn legacy_let(node: &SyntaxNode, out: &mut Vec<Diagnostic>) {
    let Some(legacy) = ast::LegacyLet::cast(node.clone()) else {
        return;
    };
    let range = match (legacy.let_token(), legacy.curly_open_token()) {
        (Some(start), Some(end)) => start.text_range().cover(end.text_range()),
        (Some(start), None) => start.text_range(),
        _ => trimmed_range(node),
    };
    out.push(Diagnostic::new(
        DiagnosticCode::DeprecatedLetAttrset,
        range,
        "`let { …; body = …; }` is deprecated; use `let … in …` instead",
    ));
}

/// Warns when `apply` is a "cursed or" call in a position where a future
/// Nix will read it differently.
fn cursed_or(apply: &SyntaxNode, out: &mut Vec<Diagnostic>) {
    let Some(call) = ast::Apply::cast(apply.clone()) else {
        return;
    };
    // rnix builds `e or` as a call whose argument is the identifier `or`;
    // no other expression can have `or` as an argument.
    let Some(ast::Expr::Ident(argument)) = call.argument() else {
        return;
    };
    let Some(token) = argument.ident_token() else {
        return;
    };
    if token.text() != "or" {
        return;
    }
    let Some(parent) = apply.parent() else { return };
    let position_changes = match parent.kind() {
        NODE_APPLY => ast::Apply::cast(parent)
            .and_then(|p| p.argument())
            .is_some_and(|arg| arg.syntax() == apply),
        NODE_LIST => true,
        NODE_SELECT => ast::Select::cast(parent)
            .and_then(|p| p.default_expr())
            .is_some_and(|default| default.syntax() == apply),
        _ => false,
    };
    if !position_changes {
        return;
    }
    let range = trimmed_range(apply);
    let text = apply.text().to_string();
    let text = text.trim();
    let message = if text.len() <= 60 && !text.contains('\n') {
        format!(
            "`or` used as a variable here will change meaning in a future Nix release; \
             wrap the call in parentheses to keep it: `({text})`"
        )
    } else {
        "`or` used as a variable here will change meaning in a future Nix release; \
         wrap the call in parentheses to keep it"
            .to_owned()
    };
    out.push(
        Diagnostic::new(DiagnosticCode::DeprecatedOrIdentifier, range, message)
            .with_label(token.text_range(), "the variable `or`"),
    );
}

/// The range of `node` without leading or trailing trivia.
fn trimmed_range(node: &SyntaxNode) -> TextRange {
    let mut tokens = node
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| !is_trivia(t.kind()));
    match tokens.next() {
        Some(first) => {
            let last = tokens.last().unwrap_or_else(|| first.clone());
            first.text_range().cover(last.text_range())
        }
        None => node.text_range(),
    }
}
