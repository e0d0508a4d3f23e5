//! Rewrites that keep a program's meaning: a string literal between its
//! two forms (`"…"` ↔ `''…''`), and an attribute set between its packed
//! and flattened forms (`a = { b = 1; c = 2; };` ↔ `a.b = 1; a.c = 2;`).
//!
//! Every rewrite is refused where it could change the value: a string is
//! re-parsed after conversion and must decode to the same parts; sets are
//! only packed or flattened when no other binding, `rec`, `inherit` or
//! dynamic name is involved.

use rnix::SyntaxKind::*;
use rnix::ast::{self, HasEntry, InterpolPart};
use rowan::ast::AstNode;
use tvix_syntax::{SyntaxNode, TextRange};

use super::code_actions::{CodeAction, TextEdit};

/// The string and attribute-set rewrites available at `range`.
pub(super) fn rewrites(root: &SyntaxNode, range: TextRange) -> Vec<CodeAction> {
    let mut out = Vec::new();
    let start = match root.covering_element(range) {
        rowan::NodeOrToken::Node(n) => Some(n),
        rowan::NodeOrToken::Token(t) => t.parent(),
    };
    let Some(start) = start else { return out };
    if let Some(s) = start.ancestors().find_map(ast::Str::cast) {
        out.extend(convert_string(&s));
    }
    if let Some(binding) = start.ancestors().find_map(ast::AttrpathValue::cast) {
        out.extend(flatten(&binding));
        out.extend(pack(&binding));
    }
    out
}

fn rewrite(title: impl Into<String>, edits: Vec<TextEdit>) -> CodeAction {
    CodeAction {
        title: title.into(),
        is_quick_fix: false,
        fixes: None,
        edits,
        new_file: None,
    }
}

/// A string's decoded parts: literal text, or an interpolation's source.
fn decoded(s: &ast::Str) -> Vec<Result<String, String>> {
    s.normalized_parts()
        .into_iter()
        .map(|p| match p {
            InterpolPart::Literal(text) => Ok(text),
            InterpolPart::Interpolation(i) => Err(i.syntax().text().to_string()),
        })
        .collect()
}

fn is_indented(s: &ast::Str) -> bool {
    s.syntax().first_token().is_some_and(|t| t.text() == "''")
}

/// `"…"` → `''…''` or back, when the re-parsed result decodes the same.
fn convert_string(s: &ast::Str) -> Option<CodeAction> {
    let parts = decoded(s);
    let (title, text) = if is_indented(s) {
        ("Convert to a double-quoted string", to_quoted(&parts))
    } else {
        let indent = line_indent(s.syntax());
        (
            "Convert to an indented string",
            to_indented(&parts, &indent)?,
        )
    };
    // The conversion must round-trip through the parser.
    let reparsed = rnix::Root::parse(&text).tree().expr()?;
    let ast::Expr::Str(new) = reparsed else {
        return None;
    };
    if merge_literals(decoded(&new)) != merge_literals(parts) {
        return None;
    }
    Some(rewrite(
        title,
        vec![TextEdit {
            range: s.syntax().text_range(),
            new_text: text,
        }],
    ))
}

/// Adjacent literal parts joined, empty ones dropped (parsers split
/// literals at escapes differently).
fn merge_literals(parts: Vec<Result<String, String>>) -> Vec<Result<String, String>> {
    let mut out: Vec<Result<String, String>> = Vec::new();
    for part in parts {
        match (out.last_mut(), part) {
            (_, Ok(s)) if s.is_empty() => {}
            (Some(Ok(prev)), Ok(s)) => prev.push_str(&s),
            (_, p) => out.push(p),
        }
    }
    out
}

fn to_quoted(parts: &[Result<String, String>]) -> String {
    let mut out = String::from("\"");
    for part in parts {
        match part {
            Err(interpolation) => out.push_str(interpolation),
            Ok(text) => {
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
                        c => out.push(c),
                    }
                }
            }
        }
    }
    out.push('"');
    out
}

/// The indented form. Multi-line contents go on their own lines, indented
/// two spaces deeper than the line the string starts on, so that Nix's
/// indentation stripping removes exactly what was added.
fn to_indented(parts: &[Result<String, String>], indent: &str) -> Option<String> {
    let mut body = String::new();
    let total: usize = parts.len();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Err(interpolation) => body.push_str(interpolation),
            Ok(text) => {
                let chars: Vec<char> = text.chars().collect();
                let mut j = 0;
                while j < chars.len() {
                    let c = chars[j];
                    let next = chars.get(j + 1).copied();
                    match c {
                        '\'' if next == Some('\'') => {
                            body.push_str("'''");
                            j += 1;
                        }
                        // A quote right before the closing `''` would
                        // merge with it.
                        '\'' if next.is_none() && i + 1 == total => body.push_str("''\\'"),
                        '$' if next == Some('{') => body.push_str("''$"),
                        '\r' => body.push_str("''\\r"),
                        c => body.push(c),
                    }
                    j += 1;
                }
            }
        }
    }
    if !body.contains('\n') {
        // One line: leading spaces would be stripped.
        if body.starts_with(' ') {
            return None;
        }
        return Some(format!("''{body}''"));
    }
    let inner = format!("{indent}  ");
    let ends_with_newline = body.ends_with('\n');
    let content = body.strip_suffix('\n').unwrap_or(&body);
    if content.lines().all(|l| l.trim().is_empty()) {
        return None;
    }
    let mut out = String::from("''\n");
    for (n, line) in content.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if !line.is_empty() {
            out.push_str(&inner);
            out.push_str(line);
        }
    }
    if ends_with_newline {
        out.push('\n');
        out.push_str(indent);
    }
    out.push_str("''");
    Some(out)
}

/// The leading whitespace of the line `node` starts on.
fn line_indent(node: &SyntaxNode) -> String {
    let mut text = String::new();
    let mut token = node.first_token().and_then(|t| t.prev_token());
    while let Some(t) = token {
        let s = t.text();
        if let Some(i) = s.rfind('\n') {
            text.insert_str(0, &s[i + 1..]);
            break;
        }
        text.insert_str(0, s);
        token = t.prev_token();
    }
    text.chars().take_while(|c| *c == ' ').collect()
}

/// The static names of an attribute path, or `None` if any is dynamic.
fn static_path(path: &ast::Attrpath) -> Option<Vec<String>> {
    path.attrs()
        .map(|a| match a {
            ast::Attr::Ident(i) => Some(i.syntax().text().to_string()),
            ast::Attr::Str(s) => {
                // A plain string name is static; keep its source text.
                let parts = decoded(&s);
                parts
                    .iter()
                    .all(Result::is_ok)
                    .then(|| s.syntax().text().to_string())
            }
            ast::Attr::Dynamic(_) => None,
        })
        .collect()
}

/// The bindings of the set or `let` that holds `binding`, if it is one
/// of those (not a legacy `let { … }`).
fn siblings(binding: &ast::AttrpathValue) -> Option<Vec<ast::Entry>> {
    let parent = binding.syntax().parent()?;
    match parent.kind() {
        NODE_ATTR_SET => Some(ast::AttrSet::cast(parent)?.entries().collect()),
        NODE_LET_IN => Some(ast::LetIn::cast(parent)?.entries().collect()),
        _ => None,
    }
}

/// `a = { b = 1; c = 2; };` → `a.b = 1; a.c = 2;`
fn flatten(binding: &ast::AttrpathValue) -> Option<CodeAction> {
    let path = static_path(&binding.attrpath()?)?;
    let ast::Expr::AttrSet(set) = binding.value()? else {
        return None;
    };
    siblings(binding)?;
    if set.rec_token().is_some() {
        return None;
    }
    let mut flat = Vec::new();
    for entry in set.entries() {
        let ast::Entry::AttrpathValue(inner) = entry else {
            return None; // `inherit` would resolve in another scope
        };
        let inner_path = static_path(&inner.attrpath()?)?;
        let value = inner.value()?;
        flat.push(format!(
            "{}.{} = {};",
            path.join("."),
            inner_path.join("."),
            value.syntax().text()
        ));
    }
    if flat.is_empty() {
        return None;
    }
    let indent = line_indent(binding.syntax());
    Some(rewrite(
        format!("Flatten `{}` into attribute paths", path.join(".")),
        vec![TextEdit {
            range: binding.syntax().text_range(),
            new_text: flat.join(&format!("\n{indent}")),
        }],
    ))
}

/// `a.b = 1; a.c = 2;` → `a = { b = 1; c = 2; };` for every binding of
/// the set whose path starts with the same name.
fn pack(binding: &ast::AttrpathValue) -> Option<CodeAction> {
    let path = static_path(&binding.attrpath()?)?;
    if path.len() < 2 {
        return None;
    }
    let head = &path[0];
    let mut group = Vec::new();
    for entry in siblings(binding)? {
        match &entry {
            ast::Entry::AttrpathValue(b) => {
                let p = b.attrpath()?;
                let first = p.attrs().next()?;
                let Some(names) = static_path(&p) else {
                    // A dynamic first name could equal `head`.
                    if matches!(first, ast::Attr::Dynamic(_)) {
                        return None;
                    }
                    if first.syntax().text() == head.as_str() {
                        return None;
                    }
                    continue;
                };
                if &names[0] != head {
                    continue;
                }
                if names.len() < 2 {
                    return None; // `a = …;` beside `a.b = …;`
                }
                group.push((b.clone(), names[1..].join("."), b.value()?));
            }
            ast::Entry::Inherit(i) => {
                if i.attrs().any(|a| a.syntax().text() == head.as_str()) {
                    return None;
                }
            }
        }
    }
    let first = group.first()?.0.clone();
    let inner: Vec<String> = group
        .iter()
        .map(|(_, rest, value)| format!("{rest} = {};", value.syntax().text()))
        .collect();
    let mut edits = vec![TextEdit {
        range: first.syntax().text_range(),
        new_text: format!("{head} = {{ {} }};", inner.join(" ")),
    }];
    for (b, _, _) in group.iter().skip(1) {
        edits.push(TextEdit {
            range: with_leading_space(b.syntax()),
            new_text: String::new(),
        });
    }
    Some(rewrite(
        format!("Pack the `{head}.…` bindings into one set"),
        edits,
    ))
}

/// A node's range extended over the whitespace before it, so that
/// deleting it leaves no empty line.
fn with_leading_space(node: &SyntaxNode) -> TextRange {
    let mut range = node.text_range();
    if let Some(prev) = node.first_token().and_then(|t| t.prev_token())
        && prev.kind() == TOKEN_WHITESPACE
    {
        range = range.cover(prev.text_range());
    }
    range
}
