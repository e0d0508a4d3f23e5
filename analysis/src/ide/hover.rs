//! Hover: builtin documentation, what kind of binding a name is and the
//! shape of its value (from syntax), its doc comment, where a path leads,
//! and — when evaluation is on — the evaluated value.

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::TextRange;

use crate::builtin_docs::builtin_doc;
use crate::db;
use crate::def::SelectBase;
use crate::ide::{SymbolAt, definition_node, definition_value, find, path_target, symbol_at};
use crate::scopes::{DefinitionKind, Resolution};
use crate::{Analysis, Cancellable, FilePosition};

/// What a hover shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    /// The range the hover is about.
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

impl Analysis {
    /// The hover at `position`.
    pub fn hover(&self, position: FilePosition) -> Cancellable<Option<HoverResult>> {
        let static_part = self.with_db(|db| static_hover(db, position))?;
        let Some(mut hover) = static_part else {
            return Ok(None);
        };
        if let Some(value) = self.evaluated_value_at(position)? {
            hover
                .markdown
                .push_str(&format!("\n\n---\nValue: `{value}`"));
        }
        Ok(Some(hover))
    }
}

fn static_hover(db: &dyn db::Db, position: FilePosition) -> Option<HoverResult> {
    let file = position.file.0;
    if let Some(hover) = option_hover(db, position) {
        return Some(hover);
    }
    let map = db::source_map(db, file);
    let module = db::module(db, file);
    let range = [
        &map.selects,
        &map.references,
        &map.definitions,
        &map.exports,
        &map.imports,
    ]
    .into_iter()
    .find_map(|ranges| find(ranges, position.offset).map(|i| ranges[i]))?;
    // `builtins.name`: the builtin's documentation.
    if let Some(i) = find(&map.selects, position.offset)
        && let SelectBase::Reference(r) = module.selects[i].base
        && module.references[r.index()].name == "builtins"
        && module.references[r.index()].resolution == Resolution::Global
    {
        let doc = builtin_doc(&module.selects[i].attr)?;
        return Some(HoverResult {
            range,
            markdown: builtin_markdown(doc),
        });
    }
    let markdown = match symbol_at(db, file, position.offset)? {
        SymbolAt::Builtin(name) => builtin_markdown(builtin_doc(&name)?),
        SymbolAt::With(with) => {
            let resolution = db::name_resolution(db, file);
            let line = db::line_index(db, file)
                .line_col(resolution.with(with).keyword.start())
                .line;
            format!("from the `with` on line {}", line + 1)
        }
        SymbolAt::Path(import) => {
            let target = path_target(db, file, import)?;
            format!("`{}`", target.path)
        }
        SymbolAt::UnknownAttr => return None,
        SymbolAt::Binding(binding) => {
            let target_map = db::source_map(db, binding.file);
            let target_module = db::module(db, binding.file);
            let root = db::parse(db, binding.file).syntax();
            let name_range = binding.name_range(db);
            let name = binding.name(db);
            let kind = match binding.def {
                Some(def) => kind_name(target_module.definitions[def.index()].kind),
                None => "attribute",
            };
            let mut text = format!("```nix\n{name}\n```\n{kind}");
            if binding.file != file {
                text.push_str(&format!(" of `{}`", binding.file.path(db)));
            }
            let _ = target_map;
            if let Some(shape) = shape(&root, name_range) {
                text.push_str(&format!(": {shape}"));
            }
            if let Some(doc) = doc_comment(&root, name_range) {
                text.push_str("\n\n");
                text.push_str(&doc);
            }
            text
        }
    };
    Some(HoverResult { range, markdown })
}

/// A builtin's hover text.
pub(crate) fn builtin_markdown(doc: &crate::builtin_docs::BuiltinDoc) -> String {
    format!(
        "```nix\nbuiltins.{} :: {}\n```\n{}",
        doc.name, doc.signature, doc.doc
    )
}

/// How a definition kind is described.
fn kind_name(kind: DefinitionKind) -> &'static str {
    match kind {
        DefinitionKind::LetBinding => "`let` binding",
        DefinitionKind::LegacyLetBinding => "legacy `let { }` binding",
        DefinitionKind::LegacyLetBody => "result of a legacy `let { }`",
        DefinitionKind::RecAttribute => "attribute of a `rec` set",
        DefinitionKind::Parameter => "function parameter",
        DefinitionKind::Formal => "formal function argument",
        DefinitionKind::PatternBind => "the whole argument set",
    }
}

/// The shape of the value bound at `range`, from its syntax.
fn shape(root: &tvix_syntax::SyntaxNode, range: TextRange) -> Option<String> {
    let value = crate::def::peel_parens_pub(definition_value(root, range)?)?;
    Some(match value {
        ast::Expr::Lambda(lambda) => format!("function {}", lambda_header(&lambda)),
        ast::Expr::AttrSet(set) => {
            let names: Vec<String> = crate::def::set_names(&set)
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            let shown: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
            let more = if names.len() > shown.len() {
                ", …"
            } else {
                ""
            };
            format!("attribute set {{ {}{more} }}", shown.join(", "))
        }
        ast::Expr::List(_) => "list".into(),
        ast::Expr::Str(_) => "string".into(),
        ast::Expr::Literal(literal) => match literal.syntax().first_token()?.kind() {
            TOKEN_INTEGER => "integer".into(),
            TOKEN_FLOAT => "float".into(),
            TOKEN_URI => "string (URL literal)".into(),
            _ => return None,
        },
        ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => "path".into(),
        ast::Expr::PathSearch(_) => "search path lookup".into(),
        ast::Expr::Apply(_) => {
            let path = crate::def::import_target_path(&value)?;
            format!("the value of `{}`", path.text())
        }
        _ => return None,
    })
}

/// `{ a, b ? …, ... }:` or `x:` as written, shortened.
pub(crate) fn lambda_header(lambda: &ast::Lambda) -> String {
    match lambda.param() {
        Some(ast::Param::IdentParam(ident)) => format!("{}: …", ident.syntax().text()),
        Some(ast::Param::Pattern(pattern)) => {
            let mut parts: Vec<String> = pattern
                .pat_entries()
                .filter_map(|e| {
                    let name = e.ident()?.syntax().text().to_string();
                    Some(if e.default().is_some() {
                        format!("{name} ? …")
                    } else {
                        name
                    })
                })
                .collect();
            if pattern.ellipsis_token().is_some() {
                parts.push("...".into());
            }
            format!("{{ {} }}: …", parts.join(", "))
        }
        None => "…".into(),
    }
}

/// The comment block right above a binding (`# …` lines or `/* … */`),
/// as lib's functions are documented.
fn doc_comment(root: &tvix_syntax::SyntaxNode, range: TextRange) -> Option<String> {
    let node = definition_node(root, range)?;
    let mut lines = Vec::new();
    let mut token = node.first_token()?.prev_token();
    while let Some(t) = token {
        match t.kind() {
            TOKEN_WHITESPACE => {
                if t.text().matches('\n').count() > 1 {
                    break;
                }
            }
            TOKEN_COMMENT => lines.push(t.text().to_owned()),
            _ => break,
        }
        token = t.prev_token();
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    let text: Vec<String> = lines
        .iter()
        .flat_map(|c| {
            let body = c
                .strip_prefix("/**")
                .or_else(|| c.strip_prefix("/*"))
                .map(|b| b.strip_suffix("*/").unwrap_or(b))
                .unwrap_or_else(|| c.trim_start_matches('#'));
            body.lines()
                .map(|l| l.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let joined = text.join("\n").trim().to_owned();
    (!joined.is_empty()).then_some(joined)
}

/// The declaration of the module option whose path the name at
/// `position` ends.
fn option_hover(db: &dyn db::Db, position: FilePosition) -> Option<HoverResult> {
    let root = db::parse(db, position.file.0).syntax();
    let (path, range) = crate::module_options::option_path_at(&root, position.offset)?;
    let (file, declaration) = crate::module_options::workspace_options(db)
        .iter()
        .find(|(_, d)| d.path == path)?;
    Some(HoverResult {
        range,
        markdown: crate::module_options::markdown(declaration, file.path(db)),
    })
}
