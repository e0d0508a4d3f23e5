//! Completion: attribute names after `.` (builtins, imported files, set
//! literals), the formals of the function an attribute set is passed to,
//! module option names where a module defines options,
//! and in expression position the visible locals, the builtins and the
//! keywords that fit.

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::{SyntaxNode, TextRange};

use crate::builtin_docs::builtin_doc;
use crate::db::{self, SourceFile};
use crate::def::{import_target_path, peel_parens_pub as peel_parens, peel_to_value, set_names};
use crate::ide::{definition_value, token_at};
use crate::scopes::{DefinitionKind, NameResolution, Resolution};
use crate::{Analysis, Cancellable, FilePosition};

/// What a completion item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompletionKind {
    /// A local binding.
    Local,
    /// A function's formal (an attribute it accepts).
    Formal,
    /// An attribute of a set.
    Attribute,
    /// A builtin.
    Builtin,
    /// A keyword.
    Keyword,
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    /// The text inserted.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// A one-line detail (a signature, a kind).
    pub detail: Option<String>,
    /// Longer documentation, markdown.
    pub documentation: Option<String>,
    /// The range the label replaces (the name typed so far).
    pub replace: TextRange,
}

impl Analysis {
    /// Suggestions at `position`, filtered by the name typed so far.
    ///
    /// After `base.`, when the source does not show `base`'s attributes
    /// (`pkgs.`, `lib.`, `a // b`), a closed copy of `base` is evaluated
    /// under a short budget and its value's attribute names are offered.
    pub fn completions(&self, position: FilePosition) -> Cancellable<Vec<CompletionItem>> {
        let (mut items, fallback) = self.with_db(|db| complete(db, position.file.0, position))?;
        if let Some(fallback) = fallback
            && let Some(names) = self.evaluated_attribute_names(position.file, &fallback.closed)?
        {
            items.extend(
                names
                    .iter()
                    .filter(|name| name.starts_with(&fallback.prefix))
                    .map(|name| CompletionItem {
                        label: name.clone(),
                        kind: CompletionKind::Attribute,
                        detail: Some("evaluated".into()),
                        documentation: None,
                        replace: fallback.replace,
                    }),
            );
            items.sort_by(|a, b| (a.kind, &a.label).cmp(&(b.kind, &b.label)));
        }
        Ok(items)
    }
}

/// An evaluation to ask for when the source does not show what `base.`
/// selects from.
struct EvaluatedFallback {
    /// The closed copy of the base.
    closed: String,
    /// The name typed so far.
    prefix: String,
    /// What the label replaces.
    replace: TextRange,
}

fn complete(
    db: &dyn db::Db,
    file: SourceFile,
    position: FilePosition,
) -> (Vec<CompletionItem>, Option<EvaluatedFallback>) {
    let root = db::parse(db, file).syntax();
    let offset = position.offset;
    let token = token_at(&root, offset);
    let (prefix, replace) = match &token {
        Some(t) if t.kind() == TOKEN_IDENT && t.text_range().start() < offset => (
            t.text()[..usize::from(offset - t.text_range().start())].to_owned(),
            TextRange::new(t.text_range().start(), offset),
        ),
        _ => (String::new(), TextRange::empty(offset)),
    };
    let resolution = db::name_resolution(db, file);
    let mut items = Vec::new();
    let item = |label: &str, kind, detail: Option<String>| CompletionItem {
        label: label.to_owned(),
        kind,
        detail,
        documentation: None,
        replace,
    };

    // After a `.`: the attributes of what is selected from.
    let mut fallback = None;
    if let Some(base) = token.as_ref().and_then(select_base) {
        let names = attribute_names(db, file, resolution, &base);
        if names.is_empty() && !is_builtins(resolution, &base) {
            fallback = super::closed_expr::closed_expression(&root, resolution, base.syntax()).map(
                |closed| EvaluatedFallback {
                    closed,
                    prefix: prefix.clone(),
                    replace,
                },
            );
        }
        for (name, kind) in names {
            items.push(item(&name, kind, None));
        }
    } else if let Some((set, given)) = token.as_ref().and_then(attr_name_position) {
        // A binding name inside `{ … }` passed to a function: its formals.
        if let Some(formals) = argument_formals(db, file, resolution, &set) {
            for (name, has_default) in formals {
                if !given.contains(&name) || name == prefix {
                    let detail = if has_default {
                        "optional argument"
                    } else {
                        "argument"
                    };
                    items.push(item(&name, CompletionKind::Formal, Some(detail.into())));
                }
            }
        }
        // Module options (`services.|` in a NixOS module).
        for name in crate::module_options::completions_at(db, &root, offset) {
            items.push(item(
                &name,
                CompletionKind::Attribute,
                Some("option".into()),
            ));
        }
        items.push(item("inherit", CompletionKind::Keyword, None));
    } else {
        // Expression position.
        let mut seen = rustc_hash::FxHashSet::default();
        for (_, def) in resolution.definitions() {
            let scope = resolution.scope(def.scope);
            if scope.range.contains_inclusive(offset)
                && def.range.end() != offset
                && seen.insert(def.name.clone())
            {
                items.push(item(
                    &def.name,
                    CompletionKind::Local,
                    Some(describe(def.kind).into()),
                ));
            }
        }
        for name in tvix_syntax::globals::UNPREFIXED_GLOBALS {
            if seen.insert((*name).to_owned()) {
                let mut it = item(name, CompletionKind::Builtin, None);
                if let Some(doc) = builtin_doc(name) {
                    it.detail = Some(doc.signature.to_owned());
                    it.documentation = Some(doc.doc.to_owned());
                }
                items.push(it);
            }
        }
        for keyword in keywords_at(token.as_ref()) {
            items.push(item(keyword, CompletionKind::Keyword, None));
        }
    }
    items.retain(|i| i.label.starts_with(&prefix));
    items.sort_by(|a, b| (a.kind, &a.label).cmp(&(b.kind, &b.label)));
    items.dedup_by(|a, b| a.label == b.label);
    (items, fallback)
}

/// Whether `base` is the global `builtins`, whose names are known.
fn is_builtins(resolution: &NameResolution, base: &ast::Expr) -> bool {
    let ast::Expr::Ident(ident) = base else {
        return false;
    };
    resolution
        .reference_at(ident.syntax().text_range().start())
        .map(|id| resolution.reference(id))
        .is_some_and(|r| r.resolution == Resolution::Global && r.name == "builtins")
}

fn describe(kind: DefinitionKind) -> &'static str {
    match kind {
        DefinitionKind::LetBinding | DefinitionKind::LegacyLetBinding => "let binding",
        DefinitionKind::LegacyLetBody => "let body",
        DefinitionKind::RecAttribute => "rec attribute",
        DefinitionKind::Parameter => "parameter",
        DefinitionKind::Formal => "formal",
        DefinitionKind::PatternBind => "argument set",
    }
}

/// Keywords that can start an expression here; `in` and `then`/`else`
/// only inside the construct that expects them.
fn keywords_at(token: Option<&tvix_syntax::SyntaxToken>) -> Vec<&'static str> {
    let mut out = vec!["let", "with", "rec", "if", "assert", "inherit"];
    let Some(token) = token else {
        return out;
    };
    for node in token.parent_ancestors() {
        match node.kind() {
            NODE_LET_IN
                if ast::LetIn::cast(node.clone()).is_some_and(|l| l.in_token().is_none()) =>
            {
                out.push("in");
            }
            NODE_IF_ELSE => {
                let if_else = ast::IfElse::cast(node.clone());
                if if_else.as_ref().is_some_and(|i| i.then_token().is_none()) {
                    out.push("then");
                } else if if_else.is_some_and(|i| i.else_token().is_none()) {
                    out.push("else");
                }
            }
            _ => {}
        }
    }
    out
}

/// The expression selected from when the cursor is on an attribute of a
/// selection (`base.na|` or `base.|`).
fn select_base(token: &tvix_syntax::SyntaxToken) -> Option<ast::Expr> {
    let select = token
        .parent_ancestors()
        .take(3)
        .find_map(ast::Select::cast)?;
    let base = select.expr()?;
    // The cursor must be after the base, not inside it.
    (token.text_range().start() >= base.syntax().text_range().end()).then_some(base)
}

/// The set literal whose binding name the cursor is on (`{ na| }`,
/// `{ | }`), with the names it already binds. `f { na }` parses as a
/// lambda's pattern missing its body; that counts as a set too.
fn attr_name_position(token: &tvix_syntax::SyntaxToken) -> Option<(SyntaxNode, Vec<String>)> {
    let parent = token.parent()?;
    if let Some(set) = ast::AttrSet::cast(parent.clone()) {
        let given = set_names(&set).into_iter().map(|(n, _)| n).collect();
        return Some((parent, given));
    }
    if let Some(pattern) = parent.ancestors().find_map(ast::Pattern::cast) {
        let lambda = ast::Lambda::cast(pattern.syntax().parent()?)?;
        if lambda.body().is_some() {
            return None;
        }
        let given = pattern
            .pat_entries()
            .filter(|e| {
                !e.syntax()
                    .text_range()
                    .contains_inclusive(token.text_range().start())
            })
            .filter_map(|e| Some(e.ident()?.syntax().text().to_string()))
            .collect();
        return Some((lambda.syntax().clone(), given));
    }
    let attrpath = parent.ancestors().find(|n| n.kind() == NODE_ATTRPATH)?;
    let binding = ast::AttrpathValue::cast(attrpath.parent()?)?;
    let set = ast::AttrSet::cast(binding.syntax().parent()?)?;
    let given = set_names(&set).into_iter().map(|(n, _)| n).collect();
    Some((set.syntax().clone(), given))
}

/// The attribute names of the value of `base`.
fn attribute_names(
    db: &dyn db::Db,
    file: SourceFile,
    resolution: &NameResolution,
    base: &ast::Expr,
) -> Vec<(String, CompletionKind)> {
    let base = match peel_parens(base.clone()) {
        Some(b) => b,
        None => return Vec::new(),
    };
    if let ast::Expr::Ident(ident) = &base {
        let Some(id) = resolution.reference_at(ident.syntax().text_range().start()) else {
            return Vec::new();
        };
        let reference = resolution.reference(id);
        match reference.resolution {
            Resolution::Global if reference.name == "builtins" => {
                return tvix_syntax::globals::BUILTIN_NAMES
                    .iter()
                    .map(|n| ((*n).to_owned(), CompletionKind::Builtin))
                    .collect();
            }
            Resolution::Definition(def) => {
                let root = db::parse(db, file).syntax();
                let range = resolution.definition(def).range;
                if let Some(value) = definition_value(&root, range) {
                    return expr_attribute_names(db, file, &value);
                }
            }
            _ => {}
        }
        return Vec::new();
    }
    expr_attribute_names(db, file, &base)
}

/// The attribute names of a set literal or of an imported file's value.
fn expr_attribute_names(
    db: &dyn db::Db,
    file: SourceFile,
    expr: &ast::Expr,
) -> Vec<(String, CompletionKind)> {
    if let Some(target) = imported_file(db, file, expr) {
        return db::module(db, target)
            .exports
            .iter()
            .map(|n| (n.clone(), CompletionKind::Attribute))
            .collect();
    }
    match peel_parens(expr.clone()) {
        Some(ast::Expr::AttrSet(set)) => set_names(&set)
            .into_iter()
            .map(|(n, _)| (n, CompletionKind::Attribute))
            .collect(),
        _ => Vec::new(),
    }
}

/// The workspace file an import expression names.
fn imported_file(db: &dyn db::Db, file: SourceFile, expr: &ast::Expr) -> Option<SourceFile> {
    let path = import_target_path(expr)?;
    let index = db::source_map(db, file)
        .imports
        .iter()
        .position(|r| *r == path.text_range())?;
    db::resolved_imports(db, file)[index]
}

/// The formals of the function `set` is passed to, with whether each has
/// a default: a local function, or the file `callPackage`/`import` loads.
fn argument_formals(
    db: &dyn db::Db,
    file: SourceFile,
    resolution: &NameResolution,
    set: &SyntaxNode,
) -> Option<Vec<(String, bool)>> {
    let apply = ast::Apply::cast(set.parent()?)?;
    if apply.argument()?.syntax() != set {
        return None;
    }
    let function = peel_parens(apply.lambda()?)?;
    let lambda: ast::Lambda = match &function {
        ast::Expr::Lambda(l) => l.clone(),
        ast::Expr::Ident(ident) => {
            let id = resolution.reference_at(ident.syntax().text_range().start())?;
            let Resolution::Definition(def) = resolution.reference(id).resolution else {
                return None;
            };
            let root = db::parse(db, file).syntax();
            match peel_parens(definition_value(&root, resolution.definition(def).range)?)? {
                ast::Expr::Lambda(l) => l,
                _ => return None,
            }
        }
        _ => {
            // `callPackage ./x.nix { … }` / `import ./x.nix { … }`.
            let whole = ast::Expr::Apply(apply.clone());
            let target = imported_file(db, file, &whole)?;
            file_lambda(&db::parse(db, target).syntax())?
        }
    };
    let ast::Param::Pattern(pattern) = lambda.param()? else {
        return None;
    };
    Some(
        pattern
            .pat_entries()
            .filter_map(|e| {
                Some((
                    e.ident()?.syntax().text().to_string(),
                    e.default().is_some(),
                ))
            })
            .collect(),
    )
}

/// The function a file's expression is, under parentheses.
fn file_lambda(root: &SyntaxNode) -> Option<ast::Lambda> {
    let expr = rnix::Root::cast(root.clone())?.expr()?;
    let _ = peel_to_value;
    match peel_parens(expr)? {
        ast::Expr::Lambda(l) => Some(l),
        _ => None,
    }
}
