//! NixOS-style module options, read from the source: the options a module
//! declares (`options.services.foo.enable = mkEnableOption "…";`) and the
//! option paths a module defines (`services.foo.enable = true;`, or under
//! `config = { … }`), so that go to definition, hover and completion work
//! between the modules of a workspace the way they work for names.
//!
//! A file is a module when its value, under a function's formals, `let`
//! and `with`, is an attribute set. Definitions are followed through the
//! wrappers modules use (`mkIf c { … }`, `mkMerge [ … ]`, `mkDefault`,
//! `mkForce`, `mkOverride n`, `lib.`-prefixed or not). Declarations are
//! the values made by `mkOption`, `mkEnableOption` and `mkPackageOption`
//! inside `options`. In NixOS every module of a system shares one option
//! namespace, so the declarations of every workspace file are searched:
//! a module declaring an option is usually reached through some chain of
//! `imports`, not necessarily from the file being edited.

use std::sync::Arc;

use rnix::SyntaxKind::*;
use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;
use tvix_syntax::{SyntaxNode, TextRange, TextSize};

use crate::db::{self, Db, SourceFile, Workspace};
use crate::scopes::static_name;

/// An option declared by a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OptionDeclaration {
    /// The option's path (`services.foo.enable`).
    pub(crate) path: Vec<String>,
    /// The last name of the path where it is declared.
    pub(crate) range: TextRange,
    /// The declaring function (`mkOption`, `mkEnableOption`, …).
    pub(crate) function: String,
    /// `description` (or `mkEnableOption`'s text), when a string literal.
    pub(crate) description: Option<String>,
    /// The source of `type`.
    pub(crate) ty: Option<String>,
    /// The source of `default`.
    pub(crate) default: Option<String>,
}

/// The options a file declares, in source order.
#[salsa::tracked(returns(ref))]
pub(crate) fn declared_options(db: &dyn Db, file: SourceFile) -> Arc<Vec<OptionDeclaration>> {
    let root = db::parse(db, file).syntax();
    let mut out = Vec::new();
    if let Some(body) = module_body(&root) {
        for (path, value) in entries(&body) {
            if path.first().map(String::as_str) == Some("options") {
                collect_declarations(&path[1..], &value, &mut out);
            }
        }
    }
    Arc::new(out)
}

/// Every option declared in the workspace, with its file, sorted by path.
#[salsa::tracked(returns(ref))]
pub(crate) fn workspace_options(db: &dyn Db) -> Arc<Vec<(SourceFile, OptionDeclaration)>> {
    let mut out: Vec<(SourceFile, OptionDeclaration)> = Vec::new();
    for file in Workspace::get(db).files(db).values() {
        for declaration in declared_options(db, *file).iter() {
            out.push((*file, declaration.clone()));
        }
    }
    out.sort_by(|(fa, a), (fb, b)| {
        (&a.path, fa.path(db), a.range.start()).cmp(&(&b.path, fb.path(db), b.range.start()))
    });
    Arc::new(out)
}

/// The option path an attribute name at `offset` defines or declares, up
/// to and including that name: `Some((path, range of the name))`.
pub(crate) fn option_path_at(
    root: &SyntaxNode,
    offset: TextSize,
) -> Option<(Vec<String>, TextRange)> {
    let token = crate::ide::token_at(root, offset)?;
    let attr = token.parent_ancestors().find_map(ast::Attr::cast)?;
    let range = attr.syntax().text_range();
    let parent = attr.syntax().parent()?;
    // `config.a.b` selected from the module's `config` argument.
    if let Some(select) = ast::Select::cast(parent.parent()?) {
        let ast::Expr::Ident(base) = select.expr()? else {
            return None;
        };
        if base.syntax().text() != "config" || !is_module_argument(root, &base) {
            return None;
        }
        let mut path = Vec::new();
        for a in select.attrpath()?.attrs() {
            path.push(static_name(&a)?.0);
            if a.syntax().text_range() == range {
                return Some((path, range));
            }
        }
        return None;
    }
    let binding = ast::AttrpathValue::cast(parent.parent()?)?;
    let mut path = Vec::new();
    for a in binding.attrpath()?.attrs() {
        path.push(static_name(&a)?.0);
        if a.syntax().text_range() == range {
            break;
        }
    }
    let mut prefix = set_path(binding.syntax().parent()?)?;
    prefix.extend(path);
    // `config.` and `options.` at the top of a module are not part of the
    // option's path.
    match prefix.first().map(String::as_str) {
        Some("config" | "options") if has_explicit_sections(root) => {
            prefix.remove(0);
        }
        _ => {}
    }
    (!prefix.is_empty()).then_some((prefix, range))
}

/// The option path of the attribute set `set` (a node holding bindings)
/// within its module: empty for the module's body.
fn set_path(set: SyntaxNode) -> Option<Vec<String>> {
    let mut node = set;
    if !matches!(node.kind(), NODE_ATTR_SET) {
        return None;
    }
    let root_body = node.ancestors().last().and_then(|r| module_body(&r))?;
    let mut path: Vec<String> = Vec::new();
    loop {
        if node == root_body {
            return Some(path);
        }
        let parent = node.parent()?;
        match parent.kind() {
            NODE_PAREN | NODE_LIST => node = parent,
            NODE_APPLY => {
                let apply = ast::Apply::cast(parent.clone())?;
                if apply.argument()?.syntax() != &node || !is_wrapper(&apply) {
                    return None;
                }
                node = parent;
            }
            NODE_WITH | NODE_LET_IN => {
                let body = match parent.kind() {
                    NODE_WITH => ast::With::cast(parent.clone())?.body()?,
                    _ => ast::LetIn::cast(parent.clone())?.body()?,
                };
                if body.syntax() != &node {
                    return None;
                }
                node = parent;
            }
            NODE_ATTRPATH_VALUE => {
                let binding = ast::AttrpathValue::cast(parent.clone())?;
                let mut names: Vec<String> = binding
                    .attrpath()?
                    .attrs()
                    .map(|a| static_name(&a).map(|(n, _)| n))
                    .collect::<Option<_>>()?;
                names.extend(path);
                path = names;
                node = binding.syntax().parent()?;
                if node.kind() != NODE_ATTR_SET {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Whether `apply` is a module wrapper applied to its last argument:
/// `mkIf c x`, `mkMerge xs`, `mkDefault x`, `mkForce x`, `mkOverride n x`,
/// `mkBefore x`, `mkAfter x` (also as `lib.…`).
fn is_wrapper(apply: &ast::Apply) -> bool {
    let mut function = apply.lambda();
    // `mkIf c` / `mkOverride n`: the function is itself an application.
    if let Some(ast::Expr::Apply(inner)) = &function {
        function = inner.lambda();
    }
    let name = match function {
        Some(ast::Expr::Ident(i)) => i.syntax().text().to_string(),
        Some(ast::Expr::Select(s)) => match s.attrpath().and_then(|p| p.attrs().last()) {
            Some(a) => a.syntax().text().to_string(),
            None => return false,
        },
        _ => return false,
    };
    matches!(
        name.as_str(),
        "mkIf" | "mkMerge" | "mkDefault" | "mkForce" | "mkOverride" | "mkBefore" | "mkAfter"
    )
}

/// The attribute set a module file's value is: the file's expression under
/// a function's formals, `let … in` and `with …;`. A file counts as a
/// module when that function takes module arguments (`config`, `lib`,
/// `pkgs`, `options`, `modulesPath` or `...`) or the set has `imports`,
/// `options` or `config`: a plain attribute set file (`{ a = 1; }`) is
/// not one.
pub(crate) fn module_body(root: &SyntaxNode) -> Option<SyntaxNode> {
    let mut expr = rnix::Root::cast(root.clone())?.expr()?;
    let mut takes_module_arguments = false;
    loop {
        expr = match expr {
            ast::Expr::Lambda(l) => {
                let ast::Param::Pattern(pattern) = l.param()? else {
                    return None;
                };
                takes_module_arguments |= pattern.ellipsis_token().is_some()
                    || pattern.pat_entries().any(|e| {
                        e.ident().is_some_and(|i| {
                            matches!(
                                i.syntax().text().to_string().as_str(),
                                "config" | "lib" | "pkgs" | "options" | "modulesPath"
                            )
                        })
                    });
                l.body()?
            }
            ast::Expr::LetIn(l) => l.body()?,
            ast::Expr::With(w) => w.body()?,
            ast::Expr::Paren(p) => p.expr()?,
            ast::Expr::AttrSet(set) if set.rec_token().is_none() => {
                let body = set.syntax().clone();
                let has_sections = || {
                    entries(&body).iter().any(|(path, _)| {
                        matches!(
                            path.first().map(String::as_str),
                            Some("imports" | "options" | "config")
                        )
                    })
                };
                return (takes_module_arguments || has_sections()).then_some(body);
            }
            _ => return None,
        };
    }
}

/// Whether the module separates `options` and `config` (otherwise every
/// top-level binding but `imports` and a few others defines an option).
fn has_explicit_sections(root: &SyntaxNode) -> bool {
    let Some(body) = module_body(root) else {
        return false;
    };
    entries(&body)
        .iter()
        .any(|(path, _)| matches!(path.first().map(String::as_str), Some("options" | "config")))
}

/// Whether `ident` is the `config` formal of the module's function.
fn is_module_argument(root: &SyntaxNode, ident: &ast::Ident) -> bool {
    let Some(ast::Expr::Lambda(lambda)) = rnix::Root::cast(root.clone()).and_then(|r| r.expr())
    else {
        return false;
    };
    let Some(ast::Param::Pattern(pattern)) = lambda.param() else {
        return false;
    };
    let name = ident.syntax().text().to_string();
    pattern.pat_entries().any(|e| {
        e.ident()
            .is_some_and(|i| i.syntax().text() == name.as_str())
    })
}

/// The bindings of a set with static names: their paths and values.
fn entries(set: &SyntaxNode) -> Vec<(Vec<String>, ast::Expr)> {
    let Some(set) = ast::AttrSet::cast(set.clone()) else {
        return Vec::new();
    };
    set.attrpath_values()
        .filter_map(|b| {
            let path = b
                .attrpath()?
                .attrs()
                .map(|a| static_name(&a).map(|(n, _)| n))
                .collect::<Option<Vec<_>>>()?;
            Some((path, b.value()?))
        })
        .collect()
}

/// Declarations under `prefix` in `value` (a set of options, an option,
/// or a wrapper around a set).
fn collect_declarations(prefix: &[String], value: &ast::Expr, out: &mut Vec<OptionDeclaration>) {
    let value = peel(value.clone());
    if let Some(declaration) = declaration(prefix, &value) {
        out.push(declaration);
        return;
    }
    if let ast::Expr::AttrSet(set) = &value {
        for (path, inner) in entries(set.syntax()) {
            let mut full = prefix.to_vec();
            full.extend(path);
            collect_declarations(&full, &inner, out);
        }
    }
}

fn peel(mut expr: ast::Expr) -> ast::Expr {
    while let ast::Expr::Paren(p) = &expr {
        match p.expr() {
            Some(inner) => expr = inner,
            None => break,
        }
    }
    expr
}

/// The declaration `value` makes at `path`, if it is an option.
fn declaration(path: &[String], value: &ast::Expr) -> Option<OptionDeclaration> {
    let ast::Expr::Apply(apply) = value else {
        return None;
    };
    // `mkPackageOption pkgs "name" { }` applies more than once.
    let mut function = apply.lambda()?;
    while let ast::Expr::Apply(inner) = &function {
        function = inner.lambda()?;
    }
    let function_name = match &function {
        ast::Expr::Ident(i) => i.syntax().text().to_string(),
        ast::Expr::Select(s) => s.attrpath()?.attrs().last()?.syntax().text().to_string(),
        _ => return None,
    };
    if !matches!(
        function_name.as_str(),
        "mkOption" | "mkEnableOption" | "mkPackageOption"
    ) {
        return None;
    }
    let name_range = name_range_of(value)?;
    let argument = peel(apply.argument()?);
    let mut declaration = OptionDeclaration {
        path: path.to_vec(),
        range: name_range,
        function: function_name.clone(),
        description: None,
        ty: None,
        default: None,
    };
    match (&function_name[..], &argument) {
        ("mkOption", ast::Expr::AttrSet(set)) => {
            for (key, v) in entries(set.syntax()) {
                let text = v.syntax().text().to_string();
                match key.as_slice() {
                    [k] if k == "description" => declaration.description = string_text(&v),
                    [k] if k == "type" => declaration.ty = Some(text),
                    [k] if k == "default" => declaration.default = Some(text),
                    _ => {}
                }
            }
        }
        ("mkEnableOption", _) => {
            declaration.description =
                string_text(&argument).map(|s| format!("Whether to enable {s}."));
            declaration.ty = Some("types.bool".into());
            declaration.default = Some("false".into());
        }
        _ => {}
    }
    Some(declaration)
}

/// The range of the last attribute name of the binding whose value is
/// `value`.
fn name_range_of(value: &ast::Expr) -> Option<TextRange> {
    let binding = value
        .syntax()
        .ancestors()
        .find_map(ast::AttrpathValue::cast)?;
    Some(binding.attrpath()?.attrs().last()?.syntax().text_range())
}

/// The text of a string literal without interpolation (also under
/// `lib.mdDoc` or `mdDoc`).
fn string_text(expr: &ast::Expr) -> Option<String> {
    let expr = peel(expr.clone());
    if let ast::Expr::Apply(apply) = &expr {
        return string_text(&apply.argument()?);
    }
    let ast::Expr::Str(s) = expr else {
        return None;
    };
    let mut out = String::new();
    for part in s.normalized_parts() {
        match part {
            ast::InterpolPart::Literal(text) => out.push_str(&text),
            ast::InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(out.trim().to_owned())
}

/// The markdown shown on hover for a declaration.
pub(crate) fn markdown(declaration: &OptionDeclaration, declared_in: &str) -> String {
    let mut out = format!("```nix\n{}\n```", declaration.path.join("."));
    if let Some(description) = &declaration.description {
        out.push_str(&format!("\n\n{description}"));
    }
    if let Some(ty) = &declaration.ty {
        out.push_str(&format!("\n\n*Type:* `{ty}`"));
    }
    if let Some(default) = &declaration.default {
        out.push_str(&format!("\n\n*Default:* `{default}`"));
    }
    out.push_str(&format!(
        "\n\n*Declared in* `{declared_in}` (`{}`)",
        declaration.function
    ));
    out
}

/// The option names that can follow what is written before `offset`,
/// when it is an attribute name position in a module's definitions
/// (`services.|`, `{ | }` inside `services = { … }`).
pub(crate) fn completions_at(db: &dyn Db, root: &SyntaxNode, offset: TextSize) -> Vec<String> {
    let Some(token) = crate::ide::token_at(root, offset) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let set = if let Some(attrpath) = token.parent_ancestors().find_map(ast::Attrpath::cast) {
        for a in attrpath.attrs() {
            if a.syntax().text_range().end() >= offset {
                break;
            }
            match static_name(&a) {
                Some((name, _)) => names.push(name),
                None => return Vec::new(),
            }
        }
        let Some(set) = attrpath
            .syntax()
            .parent()
            .and_then(|b| b.parent())
            .filter(|s| s.kind() == NODE_ATTR_SET)
        else {
            return Vec::new();
        };
        set
    } else {
        match token.parent() {
            Some(set) if set.kind() == NODE_ATTR_SET => set,
            _ => return Vec::new(),
        }
    };
    let Some(mut prefix) = set_path(set) else {
        return Vec::new();
    };
    prefix.extend(names);
    match prefix.first().map(String::as_str) {
        Some("config" | "options") if has_explicit_sections(root) => {
            prefix.remove(0);
        }
        // Before `config`/`options` is written, or in a module without
        // them: top-level names are option paths only in the shorthand form.
        _ if prefix.is_empty() && has_explicit_sections(root) => return Vec::new(),
        _ => {}
    }
    let mut out: Vec<String> = workspace_options(db)
        .iter()
        .filter(|(_, d)| d.path.len() > prefix.len() && d.path.starts_with(&prefix))
        .map(|(_, d)| d.path[prefix.len()].clone())
        .collect();
    out.dedup();
    out.sort();
    out.dedup();
    out
}
