//! "Extract to a new file": an expression moves into a file of its own
//! beside the current one and is replaced by an `import` of that file.
//!
//! The value must not change. The new file sits in the same directory, so
//! relative path literals keep their meaning; every name the expression
//! takes from an enclosing `let`, `rec` set or function becomes a formal of
//! the new file (`{ a, b }: …`), passed back at the call site with
//! `{ inherit a b; }`, which looks the names up exactly where the
//! expression used to. The extraction is refused when it cannot keep the
//! meaning: a name that comes from an enclosing `with` (the new file has no
//! way to see that `with`), a name that cannot be a formal, or a syntax
//! error inside the expression.

use rnix::SyntaxKind::*;
use rnix::ast;
use rowan::ast::AstNode;
use tvix_syntax::{SyntaxNode, TextRange};

use super::code_actions::{CodeAction, NewFile, TextEdit};
use crate::ide::rename::is_identifier;
use crate::scopes::{NameResolution, Resolution};

/// The extraction offered for `range` of the file at `path`, if any.
/// `taken` tells whether a path is already used (a workspace file or
/// anything on disk).
pub(super) fn extract_to_file(
    root: &SyntaxNode,
    names: &NameResolution,
    range: TextRange,
    path: &str,
    taken: &dyn Fn(&str) -> bool,
) -> Option<CodeAction> {
    let (expr, suggested) = target(root, range)?;
    if matches!(expr.kind(), NODE_IDENT | NODE_LITERAL | NODE_ERROR)
        || expr.descendants().any(|n| n.kind() == NODE_ERROR)
    {
        return None;
    }
    let span = expr.text_range();
    let mut formals: Vec<&str> = Vec::new();
    for (_, reference) in names.references() {
        if !span.contains_range(reference.range) {
            continue;
        }
        match reference.resolution {
            Resolution::Definition(id) => {
                if span.contains_range(names.definition(id).range) {
                    continue;
                }
                if !is_identifier(&reference.name) {
                    return None;
                }
                formals.push(&reference.name);
            }
            Resolution::With(id) => {
                if !span.contains_range(names.with(id).range) {
                    return None;
                }
            }
            Resolution::Global | Resolution::Undefined => {}
        }
    }
    formals.sort_unstable();
    formals.dedup();

    let (dir, _) = path.rsplit_once('/')?;
    let stem = file_stem(suggested.as_deref());
    let name = (1..)
        .map(|n| match n {
            1 => format!("{stem}.nix"),
            n => format!("{stem}-{n}.nix"),
        })
        .find(|name| !taken(&format!("{dir}/{name}")))?;

    let body = dedented(root, &expr);
    let (text, call) = if formals.is_empty() {
        (format!("{body}\n"), format!("import ./{name}"))
    } else {
        (
            format!("{{ {} }}:\n{body}\n", formals.join(", ")),
            format!("import ./{name} {{ inherit {}; }}", formals.join(" ")),
        )
    };
    let call = if needs_parentheses(&expr) {
        format!("({call})")
    } else {
        call
    };
    Some(CodeAction {
        title: format!("Extract to `{name}`"),
        is_quick_fix: false,
        fixes: None,
        edits: vec![TextEdit {
            range: span,
            new_text: call,
        }],
        new_file: Some(NewFile {
            path: format!("{dir}/{name}"),
            text,
        }),
    })
}

/// The expression to extract and a name for its file: the expression a
/// selection covers exactly (ignoring surrounding whitespace), or with an
/// empty selection on a binding's name, the binding's value.
fn target(root: &SyntaxNode, range: TextRange) -> Option<(SyntaxNode, Option<String>)> {
    if range.is_empty() {
        let binding = root.token_at_offset(range.start()).find_map(|token| {
            let attrpath = token.parent_ancestors().find_map(ast::Attrpath::cast)?;
            ast::AttrpathValue::cast(attrpath.syntax().parent()?)
        })?;
        let attrpath = binding.attrpath()?;
        let value = binding.value()?;
        let last = attrpath.attrs().last()?;
        let name = match &last {
            ast::Attr::Ident(ident) => Some(ident.syntax().text().to_string()),
            _ => None,
        };
        return Some((value.syntax().clone(), name));
    }
    let text = root.text().to_string();
    let selected = &text[range];
    let start = range.start()
        + tvix_syntax::TextSize::of(&selected[..selected.len() - selected.trim_start().len()]);
    let end = range.end() - tvix_syntax::TextSize::of(&selected[selected.trim_end().len()..]);
    if start >= end {
        return None;
    }
    let trimmed = TextRange::new(start, end);
    let node = match root.covering_element(trimmed) {
        rowan::NodeOrToken::Node(n) => n,
        rowan::NodeOrToken::Token(t) => t.parent()?,
    };
    let expr = node
        .ancestors()
        .take_while(|n| n.text_range() == trimmed)
        .filter(|n| ast::Expr::can_cast(n.kind()))
        .last()?;
    // Extracting the whole file would only leave an `import` behind.
    if expr.parent().is_none_or(|p| p.kind() == NODE_ROOT) {
        return None;
    }
    let name = expr
        .parent()
        .and_then(ast::AttrpathValue::cast)
        .and_then(|b| b.attrpath()?.attrs().last())
        .and_then(|a| match a {
            ast::Attr::Ident(ident) => Some(ident.syntax().text().to_string()),
            _ => None,
        });
    Some((expr, name))
}

/// A file name from a binding's name: the characters a path literal
/// allows, `extracted` when nothing is left.
fn file_stem(suggested: Option<&str>) -> String {
    let stem: String = suggested
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "extracted".to_owned()
    } else {
        stem.to_owned()
    }
}

/// The expression's text with the indentation of the line it starts on
/// removed from its later lines, so it reads naturally at the top of a
/// file. Text with a line break inside a string is kept as it is, since
/// re-indenting it could change the string.
fn dedented(root: &SyntaxNode, expr: &SyntaxNode) -> String {
    let body = expr.text().to_string();
    let multiline_string = expr
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .any(|t| t.kind() == TOKEN_STRING_CONTENT && t.text().contains('\n'));
    if multiline_string {
        return body;
    }
    let text = root.text().to_string();
    let line_start = text[..usize::from(expr.text_range().start())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .count();
    let mut lines = body.split('\n');
    let mut out = lines.next().unwrap_or_default().to_owned();
    for line in lines {
        let strip = line
            .chars()
            .take(indent)
            .take_while(|c| *c == ' ' || *c == '\t')
            .count();
        out.push('\n');
        out.push_str(&line[strip..]);
    }
    out
}

/// Whether an application put in place of `expr` needs parentheses to
/// parse as one operand.
fn needs_parentheses(expr: &SyntaxNode) -> bool {
    let Some(parent) = expr.parent() else {
        return false;
    };
    match parent.kind() {
        NODE_ROOT | NODE_PAREN | NODE_ATTRPATH_VALUE | NODE_LET_IN | NODE_LAMBDA | NODE_WITH
        | NODE_ASSERT | NODE_IF_ELSE | NODE_BIN_OP | NODE_INTERPOL | NODE_PAT_ENTRY => false,
        // The function of an application: `f x` → `import ./f.nix x`.
        NODE_APPLY => parent.first_child().as_ref() != Some(expr),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};
    use tvix_syntax::{TextRange, TextSize};

    use crate::fixture::fixture;

    /// The extraction offered in `/main.nix` of `text` for the selection
    /// `selected` (its first occurrence; `None`: the `$0` cursor), shown
    /// as the new file and the edited one.
    fn extraction(text: &str, selected: Option<&str>) -> Option<(String, String, String)> {
        let (host, cursor) = fixture(text);
        let analysis = host.analysis();
        let main = analysis.file_id("/main.nix").unwrap().unwrap();
        let source = analysis.file_text(main).unwrap();
        let range = match selected {
            Some(s) => {
                let at = source.find(s).expect("the selection is in the file");
                TextRange::at(TextSize::from(at as u32), TextSize::of(s))
            }
            None => TextRange::empty(cursor.expect("a $0 cursor").offset),
        };
        let action = analysis
            .code_actions(main, range)
            .unwrap()
            .into_iter()
            .find(|a| a.new_file.is_some())?;
        let mut edited = source.to_string();
        for edit in action.edits.iter().rev() {
            edited.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.new_text);
        }
        let new_file = action.new_file.unwrap();
        Some((new_file.path, new_file.text, edited))
    }

    fn check(text: &str, selected: Option<&str>, expect: Expect) {
        let out = match extraction(text, selected) {
            Some((path, new_text, edited)) => format!("{path}:\n{new_text}---\n{edited}"),
            None => String::new(),
        };
        expect.assert_eq(&out);
    }

    /// Evaluates `/main.nix` of a directory holding `files`, strictly.
    fn evaluate(files: &[(&str, &str)]) -> String {
        let dir = std::env::temp_dir().join(format!(
            "tvix-extract-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name.trim_start_matches('/')), text).unwrap();
        }
        let main = dir.join("main.nix");
        let out = std::thread::Builder::new()
            .stack_size(tvix_eval::EVAL_STACK)
            .spawn(move || {
                let mut ev = tvix_eval::Evaluator::new(
                    Box::new(tvix_eval::StdIO),
                    tvix_eval::Settings::default(),
                );
                let text = std::fs::read_to_string(&main).unwrap();
                let dir = main.parent().unwrap().to_str().unwrap().to_owned();
                match ev
                    .eval_source(main.to_str().unwrap(), &text, &dir)
                    .and_then(|v| ev.force_deep(&v))
                {
                    Ok(v) => tvix_eval::print::print_value(&v),
                    Err(e) => format!("error: {}", e.render(&ev.sources, false)),
                }
            })
            .unwrap()
            .join()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        out
    }

    /// Extracts and checks that `/main.nix` evaluates to the same value
    /// before and after.
    fn check_keeps_value(text: &str, selected: Option<&str>) {
        let source = text.replace("$0", "");
        let (path, new_text, edited) =
            extraction(text, selected).unwrap_or_else(|| panic!("no extraction in {text}"));
        let name = path.rsplit('/').next().unwrap();
        let before = evaluate(&[("main.nix", &source)]);
        let after = evaluate(&[("main.nix", &edited), (name, &new_text)]);
        assert!(!before.starts_with("error"), "{before}");
        assert_eq!(
            before, after,
            "{source}\nbecame\n{edited}\nwith {name}:\n{new_text}"
        );
    }

    #[test]
    fn a_binding_moves_to_a_file_named_after_it() {
        check(
            "
            let
              n = 2;
              hello$0 = {
                name = \"hello\";
                count = n + 1;
              };
            in hello
            ",
            None,
            expect![[r#"
                /hello.nix:
                { n }:
                {
                  name = "hello";
                  count = n + 1;
                }
                ---

                let
                  n = 2;
                  hello = import ./hello.nix { inherit n; };
                in hello
            "#]],
        );
    }

    #[test]
    fn a_selection_moves_with_parentheses_where_needed() {
        check(
            "//- /main.nix\nlet f = x: x; in f { a = 1; }\n//- /extracted.nix\n1\n",
            Some(" { a = 1; }"),
            expect![[r#"
                /extracted-2.nix:
                { a = 1; }
                ---
                let f = x: x; in f (import ./extracted-2.nix)
            "#]],
        );
    }

    #[test]
    fn refused_where_the_meaning_could_change() {
        // A name from an enclosing `with`: the new file cannot see it.
        check(
            "{ pkgs }: with pkgs; { a$0 = [ hello ]; }",
            None,
            expect![""],
        );
        // A syntax error inside.
        check("{ a$0 = [ 1 (]; }", None, expect![""]);
        // Nothing worth a file: a name or a literal.
        check("{ a$0 = 1; }", None, expect![""]);
        // A selection that is not one expression.
        check("[ 1 2 3 ]", Some("1 2"), expect![""]);
    }

    #[test]
    fn extraction_keeps_the_value() {
        check_keeps_value(
            "let n = 2; m = 3; a$0 = { x = n * m; y = ./.; }; in a.x",
            None,
        );
        check_keeps_value(
            "rec { base = 40; f$0 = x: x + base + two; two = 2; r = f 0; }",
            None,
        );
        check_keeps_value(
            "let xs = [ 1 2 ]; in map (x: x * 10) xs",
            Some("(x: x * 10)"),
        );
        check_keeps_value(
            "let s = with { v = 1; }; { v = v; }; t$0 = with { w = 2; }; w + 1; in [ s t ]",
            None,
        );
        check_keeps_value("let g = { k = 1; }; in (g).k + 1", Some("(g)"));
    }
}
