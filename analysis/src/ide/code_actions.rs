//! Code actions: a quick fix for each lint that has a mechanical fix, and
//! small rewrites (`a = a;` ↔ `inherit a;`; strings and attribute sets in
//! `rewrites.rs`; extraction to a new file in `extract.rs`).

use rnix::SyntaxKind::*;
use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;
use tvix_syntax::{SyntaxNode, TextRange, TextSize};

use crate::db::Workspace;
use crate::ide::rename::is_identifier;
use crate::{Analysis, Cancellable, DiagnosticCode, FileId, db};

/// A replacement of a range by text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    /// What is replaced.
    pub range: TextRange,
    /// The replacement.
    pub new_text: String,
}

/// A file an action creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Its absolute path (no file is there yet).
    pub path: String,
    /// Its text.
    pub text: String,
}

/// An action: a title, the edits of the file it was asked for, and
/// possibly a file it creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAction {
    /// What it does.
    pub title: String,
    /// Whether it fixes a diagnostic (a quick fix) or rewrites code.
    pub is_quick_fix: bool,
    /// The diagnostic code it fixes.
    pub fixes: Option<DiagnosticCode>,
    /// The edits.
    pub edits: Vec<TextEdit>,
    /// A file to create before the edits apply.
    pub new_file: Option<NewFile>,
}

impl Analysis {
    /// The actions available for `range` of `file`.
    pub fn code_actions(&self, file: FileId, range: TextRange) -> Cancellable<Vec<CodeAction>> {
        self.with_db(|db| {
            let root = db::parse(db, file.0).syntax();
            let mut actions = Vec::new();
            for diagnostic in db::diagnostics(db, file.0).iter() {
                if diagnostic.range.intersect(range).is_none() {
                    continue;
                }
                if let Some(action) = quick_fix(&root, diagnostic.code, diagnostic.range) {
                    actions.push(action);
                }
            }
            actions.extend(inherit_rewrites(&root, range));
            actions.extend(super::rewrites::rewrites(&root, range));
            let files = Workspace::get(db).files(db);
            let fs = &self.fs;
            let taken = |path: &str| files.contains_key(path) || fs.file_type(path).is_ok();
            actions.extend(super::extract::extract_to_file(
                &root,
                db::name_resolution(db, file.0),
                range,
                file.0.path(db),
                &taken,
            ));
            actions
        })
    }
}

fn action(title: impl Into<String>, fixes: DiagnosticCode, edits: Vec<TextEdit>) -> CodeAction {
    CodeAction {
        title: title.into(),
        is_quick_fix: true,
        fixes: Some(fixes),
        edits,
        new_file: None,
    }
}

fn delete(range: TextRange) -> TextEdit {
    TextEdit {
        range,
        new_text: String::new(),
    }
}

/// The node of one of `kinds` enclosing `range`, innermost first.
fn enclosing(
    root: &SyntaxNode,
    range: TextRange,
    kinds: &[rnix::SyntaxKind],
) -> Option<SyntaxNode> {
    let start = match root.covering_element(range) {
        rowan::NodeOrToken::Node(n) => n,
        rowan::NodeOrToken::Token(t) => t.parent()?,
    };
    start.ancestors().find(|n| kinds.contains(&n.kind()))
}

/// `range` extended over the whitespace after it up to and including one
/// newline, so deleting a line-sized binding leaves no blank line.
fn with_trailing_space(node: &SyntaxNode) -> TextRange {
    let mut range = node.text_range();
    if let Some(next) = node.last_token().and_then(|t| t.next_token())
        && next.kind() == TOKEN_WHITESPACE
    {
        let text = next.text();
        let len = text.find('\n').map_or(text.len(), |i| i + 1);
        range = range.cover(TextRange::at(
            next.text_range().start(),
            TextSize::from(len as u32),
        ));
    }
    range
}

fn quick_fix(root: &SyntaxNode, code: DiagnosticCode, range: TextRange) -> Option<CodeAction> {
    let text = |r: TextRange| root.text().slice(r).to_string();
    match code {
        DiagnosticCode::UnusedLetBinding | DiagnosticCode::DuplicateAttribute => {
            let binding = enclosing(root, range, &[NODE_ATTRPATH_VALUE, NODE_INHERIT])?;
            if binding.kind() == NODE_INHERIT {
                let inherit = ast::Inherit::cast(binding.clone())?;
                if inherit.attrs().count() > 1 {
                    return Some(action(
                        format!("Remove `{}`", text(range)),
                        code,
                        vec![delete(range)],
                    ));
                }
            }
            Some(action(
                format!("Remove the binding of `{}`", text(range)),
                code,
                vec![delete(with_trailing_space(&binding))],
            ))
        }
        DiagnosticCode::UnusedFormal | DiagnosticCode::DuplicateFormal => {
            if let Some(entry) = enclosing(root, range, &[NODE_PAT_ENTRY]) {
                // The entry and the comma that follows (or precedes) it.
                let mut remove = entry.text_range();
                let mut next = entry.last_token()?.next_token();
                while let Some(t) = next.clone().filter(|t| t.kind() == TOKEN_WHITESPACE) {
                    next = t.next_token();
                }
                if let Some(comma) = next.filter(|t| t.kind() == TOKEN_COMMA) {
                    remove = remove.cover(comma.text_range());
                    if let Some(ws) = comma.next_token().filter(|t| t.kind() == TOKEN_WHITESPACE) {
                        remove = remove.cover(ws.text_range());
                    }
                } else {
                    let mut prev = entry.first_token()?.prev_token();
                    while let Some(t) = prev.clone().filter(|t| t.kind() == TOKEN_WHITESPACE) {
                        prev = t.prev_token();
                    }
                    if let Some(comma) = prev.filter(|t| t.kind() == TOKEN_COMMA) {
                        remove = remove.cover(comma.text_range());
                    }
                }
                return Some(action(
                    format!("Remove the argument `{}`", text(range)),
                    code,
                    vec![delete(remove)],
                ));
            }
            // `x: …`: mark the parameter unused.
            Some(action(
                format!("Rename `{}` to `_{}`", text(range), text(range)),
                code,
                vec![TextEdit {
                    range,
                    new_text: format!("_{}", text(range)),
                }],
            ))
        }
        DiagnosticCode::UnusedWith => {
            let with = ast::With::cast(enclosing(root, range, &[NODE_WITH])?)?;
            let body = with.body()?;
            Some(action(
                "Remove the unused `with`",
                code,
                vec![delete(TextRange::new(
                    with.syntax().text_range().start(),
                    body.syntax().text_range().start(),
                ))],
            ))
        }
        DiagnosticCode::UnusedRec => {
            let set = enclosing(root, range, &[NODE_ATTR_SET])?;
            let rec = set.first_token().filter(|t| t.kind() == TOKEN_REC)?;
            let mut remove = rec.text_range();
            if let Some(ws) = rec.next_token().filter(|t| t.kind() == TOKEN_WHITESPACE) {
                remove = remove.cover(ws.text_range());
            }
            Some(action(
                "Remove the unused `rec`",
                code,
                vec![delete(remove)],
            ))
        }
        DiagnosticCode::UndefinedVariable => {
            let name = text(range);
            if !is_identifier(&name) {
                return None;
            }
            let lambda = enclosing(root, range, &[NODE_LAMBDA]).and_then(ast::Lambda::cast)?;
            let ast::Param::Pattern(pattern) = lambda.param()? else {
                return None;
            };
            let close = pattern
                .syntax()
                .last_token()
                .filter(|t| t.kind() == TOKEN_R_BRACE)?;
            let has_entries =
                pattern.pat_entries().next().is_some() || pattern.ellipsis_token().is_some();
            let edit = match (pattern.ellipsis_token(), has_entries) {
                (Some(dots), _) => TextEdit {
                    range: TextRange::empty(dots.text_range().start()),
                    new_text: format!("{name}, "),
                },
                (None, true) => {
                    let last = pattern.pat_entries().last()?;
                    TextEdit {
                        range: TextRange::empty(last.syntax().text_range().end()),
                        new_text: format!(", {name}"),
                    }
                }
                (None, false) => TextEdit {
                    range: TextRange::empty(close.text_range().start()),
                    new_text: format!(" {name} "),
                },
            };
            Some(action(
                format!("Add `{name}` to the function's arguments"),
                code,
                vec![edit],
            ))
        }
        DiagnosticCode::DeprecatedUrlLiteral => {
            let url = text(range);
            Some(action(
                "Quote the URL",
                code,
                vec![TextEdit {
                    range,
                    new_text: format!("\"{url}\""),
                }],
            ))
        }
        DiagnosticCode::DeprecatedLetAttrset => {
            let legacy =
                enclosing(root, range, &[NODE_LEGACY_LET]).and_then(ast::LegacyLet::cast)?;
            let mut bindings = Vec::new();
            let mut body = None;
            for entry in legacy.entries() {
                if let ast::Entry::AttrpathValue(b) = &entry
                    && b.attrpath().is_some_and(|p| p.syntax().text() == "body")
                {
                    body = b.value().map(|v| v.syntax().text().to_string());
                    continue;
                }
                bindings.push(entry.syntax().text().to_string());
            }
            let body = body?;
            Some(action(
                "Rewrite as `let … in …`",
                code,
                vec![TextEdit {
                    range: legacy.syntax().text_range(),
                    new_text: format!("let {} in {body}", bindings.join(" ")),
                }],
            ))
        }
        DiagnosticCode::DeprecatedOrIdentifier => Some(action(
            "Parenthesise `or`",
            code,
            vec![TextEdit {
                range,
                new_text: format!("({})", text(range)),
            }],
        )),
        DiagnosticCode::SyntaxError => None,
    }
}

/// `a = a;` → `inherit a;` and `inherit a b;` → `a = a; b = b;` for the
/// bindings intersecting `range`.
fn inherit_rewrites(root: &SyntaxNode, range: TextRange) -> Vec<CodeAction> {
    let mut out = Vec::new();
    let Some(node) = enclosing(root, range, &[NODE_ATTRPATH_VALUE, NODE_INHERIT]) else {
        return out;
    };
    if let Some(binding) = ast::AttrpathValue::cast(node.clone()) {
        let (Some(path), Some(value)) = (binding.attrpath(), binding.value()) else {
            return out;
        };
        let name = path.syntax().text().to_string();
        if is_identifier(&name)
            && value.syntax().text() == name.as_str()
            && !binds_recursively(binding.syntax())
        {
            out.push(CodeAction {
                title: format!("Convert to `inherit {name};`"),
                is_quick_fix: false,
                fixes: None,
                edits: vec![TextEdit {
                    range: binding.syntax().text_range(),
                    new_text: format!("inherit {name};"),
                }],
                new_file: None,
            });
        }
    } else if let Some(inherit) = ast::Inherit::cast(node) {
        let from = inherit
            .from()
            .and_then(|f| f.expr())
            .map(|e| e.syntax().text().to_string());
        let bindings: Vec<String> = inherit
            .attrs()
            .map(|a| {
                let name = a.syntax().text().to_string();
                match &from {
                    Some(source) => format!("{name} = ({source}).{name};"),
                    None => format!("{name} = {name};"),
                }
            })
            .collect();
        if !bindings.is_empty() && (from.is_some() || !binds_recursively(inherit.syntax())) {
            out.push(CodeAction {
                title: "Convert `inherit` to bindings".into(),
                is_quick_fix: false,
                fixes: None,
                edits: vec![TextEdit {
                    range: inherit.syntax().text_range(),
                    new_text: bindings.join(" "),
                }],
                new_file: None,
            });
        }
    }
    out
}

/// Whether the binding `node` sits in a `let` or a `rec` set, where `a = a;`
/// refers to itself while `inherit a;` refers to the enclosing scope: there
/// the two are not interchangeable.
fn binds_recursively(node: &SyntaxNode) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    match parent.kind() {
        NODE_LET_IN | NODE_LEGACY_LET => true,
        NODE_ATTR_SET => ast::AttrSet::cast(parent)
            .and_then(|set| set.rec_token())
            .is_some(),
        _ => false,
    }
}
