//! Fixture tests of every IDE feature: multi-file fixtures with a `$0`
//! cursor, checked against inline snapshots (`UPDATE_EXPECT=1` updates
//! them).

use expect_test::{Expect, expect};
use tvix_syntax::{TextRange, TextSize};

use crate::fixture::{file, fixture};
use crate::{AnalysisHost, FileId};

/// `path:start..end "text"` for a range.
fn show(host: &AnalysisHost, file: FileId, range: TextRange) -> String {
    let analysis = host.analysis();
    let text = analysis.file_text(file).unwrap();
    format!(
        "{}:{}..{} {:?}",
        analysis.file_path(file).unwrap(),
        u32::from(range.start()),
        u32::from(range.end()),
        &text[range]
    )
}

fn check_definition(text: &str, expect: Expect) {
    let (host, position) = fixture(text);
    let targets = host.analysis().goto_definition(position.unwrap()).unwrap();
    let out: Vec<String> = targets
        .iter()
        .map(|t| match t.file {
            Some(file) => show(&host, file, t.range),
            None => format!("{} (outside the workspace)", t.path),
        })
        .collect();
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn definition_of_locals() {
    check_definition(
        "let a = 1; f = { x ? a }: x; in f { x = a$0; }",
        expect![[r#"/main.nix:4..5 "a""#]],
    );
    check_definition(
        "{ pkgs }: with pkgs; hel$0lo",
        expect![[r#"/main.nix:10..14 "with""#]],
    );
    check_definition("map$0", expect![""]);
}

#[test]
fn definition_across_files() {
    check_definition(
        r#"
//- /default.nix
let lib = import ./lib.nix; in lib.dou$0ble 2
//- /lib.nix
{ double = x: x * 2; triple = x: x * 3; }
"#,
        expect![[r#"/lib.nix:2..8 "double""#]],
    );
    check_definition(
        r#"
//- /default.nix
{ pkgs }: { hello = pkgs.callPackage ./hel$0lo { }; }
//- /hello/default.nix
{ stdenv }: stdenv.mkDerivation { name = "hello"; }
"#,
        expect![[r#"/hello/default.nix:0..0 """#]],
    );
    check_definition(
        r#"
//- /default.nix
(import ./lib.nix { }).gre$0et
//- /lib.nix
{ prefix ? "hi" }: rec { greet = n: "${prefix} ${n}"; }
"#,
        expect![[r#"/lib.nix:25..30 "greet""#]],
    );
    check_definition(
        r#"
//- /main.nix
let lib = import ./lib.nix; in { inherit (lib) dou$0ble; }
//- /lib.nix
{ double = x: x * 2; }
"#,
        expect![[r#"/lib.nix:2..8 "double""#]],
    );
}

fn check_references(text: &str, expect: Expect) {
    let (host, position) = fixture(text);
    let refs = host.analysis().references(position.unwrap()).unwrap();
    let out: Vec<String> = refs.iter().map(|r| show(&host, r.file, r.range)).collect();
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn references_local_and_cross_file() {
    check_references(
        "let a$0 = 1; b = a + a; in b",
        expect![[r#"
            /main.nix:4..5 "a"
            /main.nix:15..16 "a"
            /main.nix:19..20 "a""#]],
    );
    check_references(
        r#"
//- /lib.nix
rec { dou$0ble = x: x * 2; quad = x: double (double x); }
//- /a.nix
let lib = import ./lib.nix; in lib.double 1
//- /b.nix
(import ./lib.nix).double 2
"#,
        expect![[r#"
            /lib.nix:6..12 "double"
            /lib.nix:35..41 "double"
            /lib.nix:43..49 "double"
            /a.nix:35..41 "double"
            /b.nix:19..25 "double""#]],
    );
}

fn check_rename(text: &str, new_name: &str, expect: Expect) {
    let (host, position) = fixture(text);
    let out = match host.analysis().rename(position.unwrap(), new_name).unwrap() {
        Ok(change) => {
            let mut out = String::new();
            for (file, edits) in change.edits {
                for edit in edits {
                    out.push_str(&format!(
                        "{} -> {}\n",
                        show(&host, file, edit.range),
                        edit.new_text
                    ));
                }
            }
            out
        }
        Err(err) => format!("refused: {err}\n"),
    };
    expect.assert_eq(&out);
}

#[test]
fn rename_across_files() {
    check_rename(
        r#"
//- /lib.nix
{ double = x: x * 2; }
//- /main.nix
let lib = import ./lib.nix; in lib.dou$0ble 1
"#,
        "twice",
        expect![[r#"
            /lib.nix:2..8 "double" -> twice
            /main.nix:35..41 "double" -> twice
        "#]],
    );
}

#[test]
fn rename_refuses_meaning_changes() {
    check_rename(
        "let a$0 = 1; b = 2; in a + b",
        "b",
        expect![[r#"
            refused: `b` is already defined in the same scope
        "#]],
    );
    check_rename(
        "let a$0 = 1; in x: a + x",
        "x",
        expect![[r#"
            refused: a use of `a` would refer to an inner `x` instead
        "#]],
    );
    check_rename(
        "let a$0 = 1; in a + map",
        "map",
        expect![[r#"
            refused: an existing use of `map` would refer to the renamed binding
        "#]],
    );
    check_rename(
        "let a$0 = 1; in { inherit a; }",
        "b",
        expect![[r#"
            refused: `inherit a;` also names an attribute; renaming it would change that attribute's name
        "#]],
    );
    check_rename(
        "let a$0 = 1; in a",
        "if",
        expect![[r#"
            refused: `if` is not a valid Nix identifier
        "#]],
    );
    check_rename(
        "map$0",
        "f",
        expect![[r#"
            refused: there is no binding here to rename (builtins and `with` names cannot be renamed)
        "#]],
    );
    check_rename(
        "let a$0 = 1; in a",
        "b",
        expect![[r#"
            /main.nix:4..5 "a" -> b
            /main.nix:14..15 "a" -> b
        "#]],
    );
}

fn check_hover(text: &str, expect: Expect) {
    let (host, position) = fixture(text);
    let hover = host.analysis().hover(position.unwrap()).unwrap();
    expect.assert_eq(&hover.map(|h| h.markdown).unwrap_or_default());
}

#[test]
fn hover_builtins_bindings_and_values() {
    check_hover(
        "ma$0p (x: x) [ ]",
        expect![[r#"
            ```nix
            builtins.map :: (a -> b) -> [a] -> [b]
            ```
            Applies `f` to each element of `list` (lazily)."#]],
    );
    check_hover(
        "builtins.attrNa$0mes { }",
        expect![[r#"
            ```nix
            builtins.attrNames :: attrset -> [string]
            ```
            The names of the attributes of `set`, sorted."#]],
    );
    check_hover(
        "let\n  # Doubles a number.\n  double = { x, y ? 1 }: x * 2;\nin doub$0le",
        expect![[r#"
            ```nix
            double
            ```
            `let` binding: function { x, y ? … }: …

            Doubles a number."#]],
    );
    check_hover(
        "{ a$0 = { b = 1; c = [ 1 2 ]; }; }",
        expect![[r#"
            ```nix
            a
            ```
            attribute: attribute set { b, c }

            ---
            Value: `{ b = 1; c = [ 1 2 ]; }`"#]],
    );
}

fn check_completion(text: &str, expect: Expect) {
    let (host, position) = fixture(text);
    let items = host.analysis().completions(position.unwrap()).unwrap();
    let out: Vec<String> = items
        .iter()
        .map(|i| format!("{:?} {}", i.kind, i.label))
        .collect();
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn completion_from_evaluated_values() {
    // Not a set literal: the names come from evaluating a copy of `lib`.
    check_completion(
        "let lib = { strings = 1; } // { lists = 2; }; in lib.l$0",
        expect!["Attribute lists"],
    );
    // Through a formal's default, an imported function and a `with`.
    check_completion(
        r#"
//- /main.nix
{ pkgs ? import ./pkgs.nix { } }: with pkgs; [ tools.$0 ]
//- /pkgs.nix
{ }: { tools = builtins.listToAttrs (map (n: { name = n; value = n; }) [ "hello" "jq" ]); }
"#,
        expect![[r#"
            Attribute hello
            Attribute jq"#]],
    );
    // Incomplete text after the dot still completes.
    check_completion(
        "let s = builtins.mapAttrs (n: v: v) { a = 1; b = 2; }; in s.$0",
        expect![[r#"
            Attribute a
            Attribute b"#]],
    );
    // A parameter has no value without a call; an error is no value.
    check_completion("x: x.$0", expect![""]);
    check_completion("let e = throw \"no\"; in e.$0", expect![""]);
}

#[test]
fn completion_in_context() {
    check_completion(
        "let alpha = 1; albert = 2; in al$0",
        expect![[r#"
            Local albert
            Local alpha"#]],
    );
    check_completion("builtins.attrN$0", expect!["Builtin attrNames"]);
    check_completion(
        "let x = 1; in if x == 1 th$0",
        expect![[r#"
            Builtin throw
            Keyword then"#]],
    );
    check_completion(
        r#"
//- /main.nix
let lib = import ./lib.nix; in lib.$0
//- /lib.nix
{ double = x: x * 2; triple = x: x * 3; }
"#,
        expect![[r#"
            Attribute double
            Attribute triple"#]],
    );
    check_completion(
        r#"
//- /main.nix
{ callPackage }: callPackage ./pkg.nix { stdenv = 1; $0 }
//- /pkg.nix
{ stdenv, fetchurl, enableX ? false }: stdenv
"#,
        expect![[r#"
            Formal enableX
            Formal fetchurl
            Keyword inherit"#]],
    );
    check_completion(
        "let f = { name, version ? \"1\" }: name; in f { na$0 }",
        expect!["Formal name"],
    );
}

#[test]
fn document_symbols_outline() {
    let (host, _) =
        fixture("{ pkgs }: let helper = x: x; in { a.b = 1; c = { d = helper; }; inherit pkgs; }");
    let symbols = host
        .analysis()
        .document_symbols(file(&host, "/main.nix"))
        .unwrap();
    fn render(symbols: &[crate::Symbol], depth: usize, out: &mut String) {
        for s in symbols {
            out.push_str(&format!("{}{} {:?}\n", "  ".repeat(depth), s.name, s.kind));
            render(&s.children, depth + 1, out);
        }
    }
    let mut out = String::new();
    render(&symbols, 0, &mut out);
    expect![[r#"
        helper Function
        a.b Variable
        c Namespace
          d Variable
        pkgs Variable
    "#]]
    .assert_eq(&out);
}

#[test]
fn document_highlight_marks_definition() {
    let (host, position) = fixture("let a$0 = 1; in a + a");
    let highlights = host
        .analysis()
        .document_highlight(position.unwrap())
        .unwrap();
    let out: Vec<String> = highlights
        .iter()
        .map(|h| format!("{:?} {:?}", h.kind, h.range))
        .collect();
    expect!["Write 4..5, Read 14..15, Read 18..19"].assert_eq(&out.join(", "));
}

#[test]
fn document_links_paths_and_urls() {
    let (host, _) = fixture(
        r#"
//- /main.nix
# See https://nixos.org/manual.
{ a = import ./lib.nix; b = "https://example.org/x.tar.gz"; c = <nixpkgs>; }
//- /lib.nix
{ }
"#,
    );
    let links = host
        .analysis()
        .document_links(file(&host, "/main.nix"))
        .unwrap();
    let out: Vec<String> = links
        .iter()
        .map(|l| format!("{:?} {}", l.range, l.target))
        .collect();
    expect![[r#"
        6..30 https://nixos.org/manual
        45..54 /lib.nix
        61..89 https://example.org/x.tar.gz"#]]
    .assert_eq(&out.join("\n"));
}

#[test]
fn folding_and_selection_ranges() {
    let (host, _) = fixture("{\n  # one\n  # two\n  a = [\n    1\n  ];\n}");
    let main = file(&host, "/main.nix");
    let folds = host.analysis().folding_ranges(main).unwrap();
    let out: Vec<String> = folds
        .iter()
        .map(|f| format!("{:?} {:?}", f.kind, f.range))
        .collect();
    expect!["Region 0..38, Comment 4..17, Region 24..35"].assert_eq(&out.join(", "));
    let ranges = host
        .analysis()
        .selection_ranges(main, &[TextSize::from(28)])
        .unwrap();
    expect!["[[25..30, 24..35, 20..36, 0..38, 0..39]]"].assert_eq(&format!("{ranges:?}"));
}

#[test]
fn semantic_tokens_classify_names() {
    let (host, _) = fixture("{ x }: let y = map; in x + y # c");
    let tokens = host
        .analysis()
        .semantic_tokens(file(&host, "/main.nix"), None)
        .unwrap();
    let out: Vec<String> = tokens
        .iter()
        .map(|t| {
            format!(
                "{:?} {} {}",
                t.range,
                crate::SEMANTIC_TOKEN_TYPES[t.token_type as usize],
                t.modifiers
            )
        })
        .collect();
    expect![[r#"
        2..3 parameter 1
        7..10 keyword 0
        11..12 variable 1
        15..18 function 2
        20..22 keyword 0
        23..24 parameter 0
        25..26 operator 0
        27..28 variable 0
        29..32 comment 0"#]]
    .assert_eq(&out.join("\n"));
}

#[test]
fn signature_help_for_builtins_and_locals() {
    let (host, position) = fixture("builtins.foldl' (a: b: a) 0 [ $0 ]");
    let help = host
        .analysis()
        .signature_help(position.unwrap())
        .unwrap()
        .unwrap();
    expect![[r#"foldl' :: (b -> a -> b) -> b -> [a] -> b; active list"#]].assert_eq(&format!(
        "{}; active {}",
        help.label, help.params[help.active]
    ));
    let (host, position) = fixture("let f = a: { b }: a; in f 1 { $0 }");
    let help = host
        .analysis()
        .signature_help(position.unwrap())
        .unwrap()
        .unwrap();
    expect![[r#"f: a → { b }; active { b }"#]].assert_eq(&format!(
        "{}; active {}",
        help.label, help.params[help.active]
    ));
}

#[test]
fn workspace_symbols_by_name() {
    let (host, _) = fixture(
        r#"
//- /a.nix
{ fooBar = 1; }
//- /b.nix
let foo = 2; in foo
"#,
    );
    let symbols = host.analysis().workspace_symbols("foo").unwrap();
    let out: Vec<String> = symbols
        .iter()
        .map(|(n, r)| show(&host, r.file, r.range) + " " + n)
        .collect();
    expect![[r#"
        /a.nix:2..8 "fooBar" fooBar
        /b.nix:4..7 "foo" foo"#]]
    .assert_eq(&out.join("\n"));
}

fn check_fixes(text: &str, expect: Expect) {
    let (host, _) = fixture(text);
    let main = file(&host, "/main.nix");
    let analysis = host.analysis();
    let source = analysis.file_text(main).unwrap();
    let all = TextRange::up_to(TextSize::of(&*source));
    let mut out = String::new();
    for action in analysis.code_actions(main, all).unwrap() {
        let mut fixed = source.to_string();
        let mut edits = action.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start()));
        for edit in edits {
            fixed.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.new_text);
        }
        out.push_str(&format!("{}: {}", action.title, fixed));
    }
    expect.assert_eq(&out);
}

#[test]
fn quick_fixes_for_lints() {
    check_fixes(
        "let\n  a = 1;\n  b = 2;\nin a\n",
        expect![[r#"
            Remove the binding of `b`: let
              a = 1;
              in a
        "#]],
    );
    check_fixes(
        "{ a, b, ... }: a\n",
        expect![[r#"
            Remove the argument `b`: { a, ... }: a
        "#]],
    );
    check_fixes(
        "{ a }: a + missing\n",
        expect![[r#"
            Add `missing` to the function's arguments: { a, missing }: a + missing
        "#]],
    );
    check_fixes(
        "x: with x; rec { a = 1; }\n",
        expect![[r#"
            Remove the unused `with`: x: rec { a = 1; }
            Remove the unused `rec`: x: with x; { a = 1; }
        "#]],
    );
    check_fixes(
        "http://example.org\n",
        expect![[r#"
            Quote the URL: "http://example.org"
        "#]],
    );
    check_fixes(
        "let { a = 1; body = a; }\n",
        expect![[r#"
            Rewrite as `let … in …`: let a = 1; in a
        "#]],
    );
}

#[test]
fn diagnostics_through_the_database() {
    let (host, _) = fixture("let a = 1; in b");
    let diagnostics = host
        .analysis()
        .diagnostics(file(&host, "/main.nix"))
        .unwrap();
    let out: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("{} {:?} {}", d.code.as_str(), d.range, d.message))
        .collect();
    expect![[r#"
        unused-let-binding 4..5 unused let binding 'a'
        undefined-variable 14..15 undefined variable 'b'"#]]
    .assert_eq(&out.join("\n"));
}

/// The titles and results of the non-fix code actions at the cursor.
fn check_rewrites(text: &str, expect: Expect) {
    let (host, cursor) = fixture(text);
    let cursor = cursor.expect("a $0 cursor");
    let analysis = host.analysis();
    let source = analysis.file_text(cursor.file).unwrap();
    let mut out = String::new();
    for action in analysis
        .code_actions(cursor.file, TextRange::empty(cursor.offset))
        .unwrap()
        .into_iter()
        .filter(|a| !a.is_quick_fix && a.new_file.is_none())
    {
        let mut fixed = source.to_string();
        for edit in action.edits.iter().rev() {
            fixed.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.new_text);
        }
        out.push_str(&format!("{}: {}\n", action.title, fixed));
    }
    expect.assert_eq(&out);
}

#[test]
fn inherit_rewrites_only_where_they_keep_the_meaning() {
    check_rewrites(
        "a: { a$0 = a; }",
        expect![[r#"
            Convert to `inherit a;`: a: { inherit a; }

        "#]],
    );
    check_rewrites(
        "a: { inherit a$0; }",
        expect![[r#"
            Convert `inherit` to bindings: a: { a = a; }

        "#]],
    );
    // In `let` and `rec`, `a = a;` is the binding itself (infinite
    // recursion) while `inherit a;` is the outer `a`: no rewrite either way.
    check_rewrites("a: let a$0 = a; in a", expect![""]);
    check_rewrites("a: rec { inherit a$0; }", expect![""]);
    // `inherit (x) a;` ↔ `a = (x).a;` keeps its meaning everywhere.
    check_rewrites(
        "x: let inherit (x) a$0; in a",
        expect![[r#"
            Convert `inherit` to bindings: x: let a = (x).a; in a

        "#]],
    );
}

/// Evaluates `text` strictly with the real evaluator, for checking that a
/// rewrite keeps the value.
fn evaluate(text: &str) -> String {
    let text = text.to_owned();
    std::thread::Builder::new()
        .stack_size(tvix_eval::EVAL_STACK)
        .spawn(move || {
            let mut ev = tvix_eval::Evaluator::new(
                Box::new(tvix_eval::StdIO),
                tvix_eval::Settings::default(),
            );
            match ev
                .eval_source("«test»", &text, "/")
                .and_then(|v| ev.force_deep(&v))
            {
                Ok(v) => tvix_eval::print::print_value(&v),
                Err(e) => format!("error: {}", e.render(&ev.sources, false)),
            }
        })
        .unwrap()
        .join()
        .unwrap()
}

/// Applies every non-quick-fix action at the `$0` cursor of `fixture`
/// and checks that each result evaluates to what the original does.
fn check_rewrites_keep_value(text: &str) -> usize {
    let fixture_text = text;
    let (host, cursor) = fixture(fixture_text);
    let cursor = cursor.expect("a $0 cursor");
    let analysis = host.analysis();
    let source = analysis.file_text(cursor.file).unwrap();
    let before = evaluate(&source);
    let mut count = 0;
    for action in analysis
        .code_actions(cursor.file, TextRange::empty(cursor.offset))
        .unwrap()
        .into_iter()
        .filter(|a| !a.is_quick_fix && a.new_file.is_none())
    {
        let mut fixed = source.to_string();
        for edit in action.edits.iter().rev() {
            fixed.replace_range(std::ops::Range::<usize>::from(edit.range), &edit.new_text);
        }
        assert_eq!(
            evaluate(&fixed),
            before,
            "{}: changed the value of\n{source}\ninto\n{fixed}",
            action.title
        );
        count += 1;
    }
    count
}

#[test]
fn strings_convert_between_their_two_forms() {
    check_rewrites(
        r#"x: "a$0 \"q\" ${x} \${not} tab\t''""#,
        expect![[r#"
            Convert to an indented string: x: ''a "q" ${x} ''${not} tab	'''''

        "#]],
    );
    check_rewrites(
        "let s = ''\n  line one\n    ${toString 1}\n  it'''s $0''${x}\n''; in s",
        expect![[r#"
            Convert to a double-quoted string: let s = "line one\n  ${toString 1}\nit''s \${x}\n"; in s

        "#]],
    );
    check_rewrites(
        "{\n  s = \"one$0\\ntwo\\n  three\\n\";\n}",
        expect![[r#"
            Convert to an indented string: {
              s = ''
                one
                two
                  three
              '';
            }

        "#]],
    );
    // Leading spaces on one line would be stripped: no action.
    check_rewrites(r#""  x$0""#, expect![[""]]);
}

#[test]
fn string_rewrites_keep_the_value() {
    for fixture in [
        r#"let x = "v"; in "a$0 \"q\" ${x} \${not} tab\t''""#,
        "let x = 1; in ''\n  line one\n    ${toString x}\n  it'''s $0''${y}\n''",
        "\"one$0\\ntwo\\n  three\\n\"",
        "\"one$0\\n\\n  three\"",
        "''\n  a\n\n    b$0\n  c''",
        "\"ends with a quote'$0\"",
        "let x = \"X\"; in \"dollars $$0$${x} $ $$ {\"",
        "''\r\n  crlf$0\r\n''",
    ] {
        assert_eq!(check_rewrites_keep_value(fixture), 1, "{fixture}");
    }
}

#[test]
fn attribute_sets_pack_and_flatten() {
    check_rewrites(
        "{\n  a$0 = { b = 1; c.d = 2; };\n  e = 3;\n}",
        expect![[r#"
            Flatten `a` into attribute paths: {
              a.b = 1;
              a.c.d = 2;
              e = 3;
            }

        "#]],
    );
    check_rewrites(
        "{\n  a.b$0 = 1;\n  x = 0;\n  a.c = 2;\n}",
        expect![[r#"
            Pack the `a.…` bindings into one set: {
              a = { b = 1; c = 2; };
              x = 0;
            }

        "#]],
    );
    // `rec`, `inherit` inside, a plain `a = …` beside, dynamic names: no
    // action that could change the meaning.
    check_rewrites("{ a$0 = rec { b = 1; c = b; }; }", expect![[""]]);
    check_rewrites("x: { a$0 = { inherit x; }; }", expect![[""]]);
    check_rewrites("{ a.b$0 = 1; a = { c = 2; }; }", expect![""]);
    check_rewrites("n: { a.b$0 = 1; ${n}.c = 2; }", expect![[""]]);
    for fixture in [
        "{ a$0 = { b = 1; c.d = 2; }; e = 3; }",
        "let a.b$0 = 1; a.c = 2; in a",
        "rec { x = 1; a.b$0 = x; a.c = a.b; }",
        "{ \"a\".b$0 = 1; \"a\".c = 2; }",
    ] {
        assert!(check_rewrites_keep_value(fixture) >= 1, "{fixture}");
    }
}

/// A NixOS-style workspace: one module declares options, another (which
/// imports it) defines them.
const MODULES: &str = r#"
//- /configuration.nix
{ config, lib, pkgs, ... }:
{
  imports = [ ./greeter.nix ];
  services.greeter.enable = true;
  services.greeter.port = config.services.greeter.port$1;
  services.greeter = lib.mkIf true { $2 };
}
//- /greeter.nix
{ config, lib, ... }:
with lib;
{
  options.services.greeter = {
    enable = mkEnableOption "the greeter";
    port = lib.mkOption {
      type = types.port;
      default = 8080;
      description = "Port the greeter listens on.";
    };
  };
  config = mkIf config.services.greeter.enable {
    services.greeter.port = mkDefault 9090;
  };
}
"#;

/// `MODULES` with the `$0` cursor where `pattern` (which holds `$0`)
/// matches once the marker is removed; other markers removed.
fn modules_at(pattern: &str) -> String {
    let mut text = MODULES.to_owned();
    for m in ["$1", "$2"] {
        if !pattern.contains(m) {
            text = text.replace(m, "");
        }
    }
    let plain = pattern.replace("$0", "");
    assert!(text.contains(&plain), "{plain}");
    text.replacen(&plain, pattern, 1)
        .replace("$1", "$0")
        .replace("$2", "$0")
}

#[test]
fn module_options_definition_hover_and_completion() {
    // From a definition to the declaration in the imported module.
    check_definition(
        &modules_at("services.greeter.ena$0ble = true"),
        expect![[r#"/greeter.nix:69..75 "enable""#]],
    );
    // `config.…` selected from the module argument.
    check_definition(
        &modules_at("config.services.greeter.po$0rt;"),
        expect![[r#"/greeter.nix:112..116 "port""#]],
    );
    // Inside the declaring module's own `config = mkIf …`.
    check_definition(
        &modules_at("greeter.po$0rt = mkDefault"),
        expect![[r#"/greeter.nix:112..116 "port""#]],
    );
    // Not an option path: the binding itself as before.
    check_definition(
        &modules_at("servi$0ces.greeter.enable"),
        expect![[r#"/configuration.nix:63..71 "services""#]],
    );
    let hover = |text: &str| {
        let (host, position) = fixture(text);
        host.analysis()
            .hover(position.unwrap())
            .unwrap()
            .unwrap()
            .markdown
    };
    expect![[r#"
        ```nix
        services.greeter.port
        ```

        Port the greeter listens on.

        *Type:* `types.port`

        *Default:* `8080`

        *Declared in* `/greeter.nix` (`mkOption`)"#]]
    .assert_eq(&hover(&modules_at("services.greeter.po$0rt = config")));
    expect![[r#"
        ```nix
        services.greeter.enable
        ```

        Whether to enable the greeter.

        *Type:* `types.bool`

        *Default:* `false`

        *Declared in* `/greeter.nix` (`mkEnableOption`)"#]]
    .assert_eq(&hover(&modules_at("greeter.en$0able = true")));
    // Option names in a set under a wrapper, and after a path's dot.
    check_completion(
        &modules_at("{ $2 }"),
        expect![[r#"
            Attribute enable
            Attribute port
            Keyword inherit"#]],
    );
    check_completion(
        &modules_at("services.greeter.e$0nable = true"),
        expect!["Attribute enable"],
    );
}

#[test]
fn plain_sets_are_not_modules() {
    // `{ a = 1; }` files define no options even when a module declares one
    // with the same path.
    check_definition(
        r#"
//- /main.nix
{ gree$0ter = 1; }
//- /m.nix
{ lib, ... }: { options.greeter = lib.mkOption { }; }
"#,
        expect![[r#"/main.nix:2..9 "greeter""#]],
    );
}
