//! Signature help: the parameters of the builtin or local function being
//! called, with the one the cursor is in.

use rnix::ast;
use rowan::ast::AstNode;

use crate::builtin_docs::builtin_doc;
use crate::db;
use crate::def::peel_parens_pub as peel_parens;
use crate::ide::{definition_value, token_at};
use crate::scopes::Resolution;
use crate::{Analysis, Cancellable, FilePosition};

/// A signature and the active parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHelp {
    /// The whole signature, e.g. `map :: (a -> b) -> [a] -> [b]`.
    pub label: String,
    /// The parameter names.
    pub params: Vec<String>,
    /// Index of the parameter the cursor is in.
    pub active: usize,
    /// Documentation, markdown.
    pub documentation: Option<String>,
}

impl Analysis {
    /// Signature help at `position`.
    pub fn signature_help(&self, position: FilePosition) -> Cancellable<Option<SignatureHelp>> {
        self.with_db(|db| {
            let file = position.file.0;
            let root = db::parse(db, file).syntax();
            let token = token_at(&root, position.offset)?;
            // The outermost application whose arguments contain the cursor.
            let apply = token
                .parent_ancestors()
                .filter_map(ast::Apply::cast)
                .take_while(|a| {
                    a.lambda()
                        .is_none_or(|l| !l.syntax().text_range().contains(position.offset))
                        || a.lambda().is_some_and(|l| matches!(l, ast::Expr::Apply(_)))
                })
                .last()?;
            // Flatten `f a b c`.
            let mut args = Vec::new();
            let mut head = ast::Expr::Apply(apply);
            while let ast::Expr::Apply(a) = head {
                args.push(a.argument()?);
                head = a.lambda()?;
            }
            args.reverse();
            let active = args
                .iter()
                .position(|a| a.syntax().text_range().contains_inclusive(position.offset))
                .unwrap_or(args.len());
            let resolution = db::name_resolution(db, file);
            let head = peel_parens(head)?;
            let builtin_name = match &head {
                ast::Expr::Ident(ident) => {
                    let id = resolution.reference_at(ident.syntax().text_range().start())?;
                    let reference = resolution.reference(id);
                    match reference.resolution {
                        Resolution::Global => Some(reference.name.clone()),
                        Resolution::Definition(def) => {
                            let value = definition_value(&root, resolution.definition(def).range)?;
                            return local_signature(&reference.name, value, active);
                        }
                        _ => None,
                    }
                }
                ast::Expr::Select(select) => {
                    let base = select.expr()?;
                    if base.syntax().text() == "builtins" {
                        Some(select.attrpath()?.syntax().text().to_string())
                    } else {
                        None
                    }
                }
                _ => None,
            }?;
            let doc = builtin_doc(&builtin_name)?;
            if doc.params.is_empty() {
                return None;
            }
            Some(SignatureHelp {
                label: format!("{} :: {}", doc.name, doc.signature),
                params: doc.params.iter().map(|p| (*p).to_owned()).collect(),
                active: active.min(doc.params.len() - 1),
                documentation: Some(doc.doc.to_owned()),
            })
        })
    }
}

/// The signature of a local function `a: b: …` or `{ … }: …`.
fn local_signature(name: &str, value: ast::Expr, active: usize) -> Option<SignatureHelp> {
    let mut params = Vec::new();
    let mut current = peel_parens(value);
    while let Some(ast::Expr::Lambda(lambda)) = current {
        params.push(
            crate::ide::hover::lambda_header(&lambda)
                .trim_end_matches(": …")
                .to_owned(),
        );
        current = lambda.body().and_then(peel_parens);
    }
    if params.is_empty() {
        return None;
    }
    Some(SignatureHelp {
        label: format!("{name}: {}", params.join(" → ")),
        active: active.min(params.len() - 1),
        params,
        documentation: None,
    })
}
