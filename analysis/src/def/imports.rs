//! Path literals and how they are used: `import ./x.nix`,
//! `callPackage ./x.nix { }`, `imports = [ ./x.nix ]`, or plain paths.

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use rustc_hash::FxHashMap;
use tvix_syntax::{SyntaxNode, TextSize};

use super::{Import, ImportKind, Module, SourceMap};

/// Records every interpolation-free path literal under `root`; returns
/// each literal's start offset → its index in `module.imports`.
pub(super) fn collect(
    root: &SyntaxNode,
    module: &mut Module,
    map: &mut SourceMap,
) -> FxHashMap<TextSize, usize> {
    let mut index = FxHashMap::default();
    for node in root.descendants().filter(|n| is_path(n.kind())) {
        // Interpolated paths (`./${x}.nix`) name no file statically.
        if node.children().next().is_some() {
            continue;
        }
        let kind = classify(&node);
        index.insert(node.text_range().start(), module.imports.len());
        module.imports.push(Import {
            path: node.text().to_string(),
            kind,
        });
        map.imports.push(node.text_range());
    }
    index
}

/// How the path literal `path` is used by its parents.
fn classify(path: &SyntaxNode) -> ImportKind {
    let Some(parent) = path.parent() else {
        return ImportKind::Path;
    };
    if let Some(apply) = ast::Apply::cast(parent.clone())
        && apply.argument().map(|a| a.syntax().clone()).as_ref() == Some(path)
        && let Some(function) = apply.lambda().and_then(peel_parens)
    {
        match function_name(&function).as_deref() {
            Some("import" | "scopedImport") => return ImportKind::Import,
            Some("callPackage") => return ImportKind::CallPackage,
            _ => {}
        }
    }
    if parent.kind() == NODE_LIST
        && let Some(binding) = parent.parent().and_then(ast::AttrpathValue::cast)
        && let Some(attrs) = binding.attrpath()
        && attrs
            .attrs()
            .last()
            .and_then(|a| crate::scopes::static_name(&a).map(|(name, _)| name))
            .as_deref()
            == Some("imports")
    {
        return ImportKind::ModuleImport;
    }
    ImportKind::Path
}

/// The name a function is called by: `f` or the last attribute of `a.b.f`.
fn function_name(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::Ident(ident) => tvix_syntax::ast_ext::ident_text(ident),
        ast::Expr::Select(select) => select
            .attrpath()?
            .attrs()
            .last()
            .and_then(|a| crate::scopes::static_name(&a).map(|(name, _)| name)),
        _ => None,
    }
}

/// The path literal an expression imports: `import ./x.nix`,
/// `import ./x.nix args` or `callPackage ./x.nix args`, parentheses
/// removed.
pub(crate) fn import_target_path(expr: &ast::Expr) -> Option<SyntaxNode> {
    let ast::Expr::Apply(apply) = peel_parens(expr.clone())? else {
        return None;
    };
    if let Some(path) = direct_import(&apply) {
        return Some(path);
    }
    let ast::Expr::Apply(inner) = peel_parens(apply.lambda()?)? else {
        return None;
    };
    if let Some(path) = direct_import(&inner) {
        return Some(path);
    }
    let callee = peel_parens(inner.lambda()?)?;
    if function_name(&callee).as_deref() != Some("callPackage") {
        return None;
    }
    path_argument(&inner)
}

/// `PATH` of `import PATH`.
fn direct_import(apply: &ast::Apply) -> Option<SyntaxNode> {
    let function = peel_parens(apply.lambda()?)?;
    if function_name(&function).as_deref() != Some("import") {
        return None;
    }
    path_argument(apply)
}

/// The argument of an application when it is a path literal.
fn path_argument(apply: &ast::Apply) -> Option<SyntaxNode> {
    let argument = peel_parens(apply.argument()?)?;
    is_path(argument.syntax().kind()).then(|| argument.syntax().clone())
}

/// Whether `kind` is a path literal's node.
pub(crate) fn is_path(kind: rnix::SyntaxKind) -> bool {
    matches!(
        kind,
        NODE_PATH_ABS | NODE_PATH_REL | NODE_PATH_HOME | NODE_PATH_SEARCH
    )
}

/// `expr` without enclosing parentheses.
pub(crate) fn peel_parens(mut expr: ast::Expr) -> Option<ast::Expr> {
    loop {
        match expr {
            ast::Expr::Paren(paren) => expr = paren.expr()?,
            other => return Some(other),
        }
    }
}

/// The value a file's expression produces once its functions are called:
/// under parentheses, lambdas, `let … in`, `with` and `assert`.
pub(crate) fn peel_to_value(mut expr: ast::Expr) -> Option<ast::Expr> {
    loop {
        expr = match expr {
            ast::Expr::Paren(e) => e.expr()?,
            ast::Expr::Lambda(e) => e.body()?,
            ast::Expr::LetIn(e) => e.body()?,
            ast::Expr::With(e) => e.body()?,
            ast::Expr::Assert(e) => e.body()?,
            other => return Some(other),
        }
    }
}
