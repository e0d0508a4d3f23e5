//! Fixture tests: Nix text in, rendered diagnostics out.

use expect_test::{Expect, expect};
use tvix_syntax::{LineIndex, TextRange};

/// Renders every diagnostic of `text` (syntax errors included) as
/// `code @ line:col-line:col: message`, 1-based, with labels indented.
fn render(text: &str) -> String {
    let index = LineIndex::new(text);
    let span = |range: TextRange| {
        let start = index.line_col(range.start());
        let end = index.line_col(range.end());
        format!(
            "{}:{}-{}:{}",
            start.line + 1,
            start.col + 1,
            end.line + 1,
            end.col + 1
        )
    };
    let mut out = String::new();
    for diagnostic in crate::check_file(text) {
        out.push_str(&format!(
            "{} @ {}: {}\n",
            diagnostic.code,
            span(diagnostic.range),
            diagnostic.message
        ));
        for label in &diagnostic.labels {
            out.push_str(&format!(
                "    label @ {}: {}\n",
                span(label.range),
                label.message
            ));
        }
    }
    out
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text));
}

// ---- undefined-variable -------------------------------------------------

#[test]
fn undefined_variables() {
    check(
        "let a = 1; in a + b + map + __attrNames + __curPos + builtins.c",
        expect![[r#"
            undefined-variable @ 1:19-1:20: undefined variable 'b'
        "#]],
    );
}

#[test]
fn names_under_with_are_never_undefined() {
    check("with import ./x.nix; foo + bar", expect![[r#""#]]);
    check(
        "(with x; y) + y",
        expect![[r#"
        undefined-variable @ 1:7-1:8: undefined variable 'x'
        undefined-variable @ 1:15-1:16: undefined variable 'y'
    "#]],
    );
}

#[test]
fn with_namespace_is_outside_the_with() {
    check(
        "with y; with y; z",
        expect![[r#"
        undefined-variable @ 1:6-1:7: undefined variable 'y'
    "#]],
    );
}

#[test]
fn string_interpolation_references() {
    check(
        r#"let v = "1"; in [ "a-${v}-${w}" ''x ${v} ${u}'' ./p/${v} ]"#,
        expect![[r#"
            undefined-variable @ 1:29-1:30: undefined variable 'w'
            undefined-variable @ 1:44-1:45: undefined variable 'u'
        "#]],
    );
}

#[test]
fn selections_and_has_attr_name_attributes_not_variables() {
    check(
        "x: [ x.a.b (x ? c) x.${d} (x.e or f) ]",
        expect![[r#"
        undefined-variable @ 1:24-1:25: undefined variable 'd'
        undefined-variable @ 1:35-1:36: undefined variable 'f'
    "#]],
    );
}

#[test]
fn let_shadowing_an_outer_name() {
    check(
        "let a = 1; in let a = 2; in a",
        expect![[r#"
            unused-let-binding @ 1:5-1:6: unused let binding 'a'
        "#]],
    );
}

// ---- inherit --------------------------------------------------------------

#[test]
fn inherit_in_a_non_rec_set_refers_to_the_enclosing_scope() {
    check(
        "let x = 1; in { inherit x y; }",
        expect![[r#"
        undefined-variable @ 1:27-1:28: undefined variable 'y'
    "#]],
    );
}

#[test]
fn inherit_in_let_never_refers_to_itself() {
    check(
        "let inherit x; in x",
        expect![[r#"
        undefined-variable @ 1:13-1:14: undefined variable 'x'
    "#]],
    );
    check("let x = 1; in let inherit x; in x", expect![[r#""#]]);
}

#[test]
fn inherit_in_rec_refers_to_the_enclosing_scope() {
    check(
        "rec { inherit x; y = x; }",
        expect![[r#"
        undefined-variable @ 1:15-1:16: undefined variable 'x'
    "#]],
    );
}

#[test]
fn inherit_from_references_only_its_source() {
    // `lib` is defined by the same `let`: the source sees the new scope.
    check(
        "let inherit (lib) map filter; lib = import ./lib.nix; in map",
        expect![[r#"
            unused-let-binding @ 1:23-1:29: unused let binding 'filter'
        "#]],
    );
    check(
        "{ inherit (pkgs) hello; }",
        expect![[r#"
        undefined-variable @ 1:12-1:16: undefined variable 'pkgs'
    "#]],
    );
}

// ---- rec ------------------------------------------------------------------

#[test]
fn rec_self_and_mutual_reference() {
    check("rec { a = 1; b = a; }", expect![[r#""#]]);
    check("rec { a = b; b = a; }", expect![[r#""#]]);
    check("rec { a = a; }", expect![[r#""#]]);
}

#[test]
fn unused_rec() {
    check(
        "rec { a = 1; b = 2; }",
        expect![[r#"
        unused-rec @ 1:1-1:4: unused `rec`: no attribute of this set refers to another
    "#]],
    );
    check(
        "rec { }",
        expect![[r#"
        unused-rec @ 1:1-1:4: unused `rec`: no attribute of this set refers to another
    "#]],
    );
    check(
        "let a = 1; in rec { inherit a; }",
        expect![[r#"
        unused-rec @ 1:15-1:18: unused `rec`: no attribute of this set refers to another
    "#]],
    );
    check("rec { a = 1; b = { c = a; }; }", expect![[r#""#]]);
}

#[test]
fn dynamic_attributes_of_rec_are_evaluated_inside_it() {
    // C++ Nix binds a rec set's dynamic names in the new scope.
    check(
        r#"rec { a = "x"; ${a} = 1; ${b} = 2; }"#,
        expect![[r#"
        undefined-variable @ 1:28-1:29: undefined variable 'b'
    "#]],
    );
    check(
        r#"{ a = "x"; ${a} = 1; }"#,
        expect![[r#"
        undefined-variable @ 1:14-1:15: undefined variable 'a'
    "#]],
    );
}

#[test]
fn merged_rec_sets_share_one_scope() {
    // C++ Nix merges `a.y` into the first `rec` literal: `y` is in scope
    // there, and `a.y`'s value sees the `rec` attributes.
    check("{ a = rec { x = y; }; a.y = 1; }", expect![[r#""#]]);
    check("{ a = rec { x = 1; }; a.y = x; }", expect![[r#""#]]);
    check("{ a = rec { x = 1; }; a = { y = x; }; }", expect![[r#""#]]);
    check(
        "{ a = rec { }; a.b = 1; }",
        expect![[r#"
        unused-rec @ 1:7-1:10: unused `rec`: no attribute of this set refers to another
    "#]],
    );
    // Merged into a set that is not recursive, a `rec` is discarded.
    check(
        "{ a.y = 1; a = rec { x = y; }; }",
        expect![[r#"
        undefined-variable @ 1:26-1:27: undefined variable 'y'
    "#]],
    );
    check("let a = rec { x = y; }; a.y = 1; in a", expect![[r#""#]]);
}

// ---- unused let bindings ----------------------------------------------------

#[test]
fn unused_let_bindings() {
    check(
        "let a = 1; b = 2; _c = 3; in b",
        expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'a'
    "#]],
    );
}

#[test]
fn let_binding_used_only_by_itself_is_unused() {
    check(
        "let f = x: f x; in 1",
        expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'f'
    "#]],
    );
    check(
        "let a = b; b = a; in 1",
        expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'a'
        unused-let-binding @ 1:12-1:13: unused let binding 'b'
    "#]],
    );
}

#[test]
fn let_binding_used_only_by_unused_bindings_is_unused() {
    check(
        "let a = 1; b = a; in 2",
        expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'a'
        unused-let-binding @ 1:12-1:13: unused let binding 'b'
    "#]],
    );
    check(
        "let a = 1; b = let c = a; in 1; in b",
        expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'a'
        unused-let-binding @ 1:20-1:21: unused let binding 'c'
    "#]],
    );
    // Inside an unused binding, nested bindings are judged on their own.
    check(
        "let a = let b = 1; in b; in 2",
        expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'a'
    "#]],
    );
}

#[test]
fn let_inherit_from_is_live_when_any_name_is() {
    check(
        "let pkgs = import ./. { }; inherit (pkgs) a b; in a",
        expect![[r#"
            unused-let-binding @ 1:45-1:46: unused let binding 'b'
        "#]],
    );
}

#[test]
fn nested_attribute_paths_in_let_bind_one_name() {
    check("let a.b = 1; a.c = 2; in a", expect![[r#""#]]);
}

// ---- unused formals ---------------------------------------------------------

#[test]
fn unused_function_arguments() {
    check(
        "x: y: _z: y",
        expect![[r#"
        unused-formal @ 1:1-1:2: unused function argument 'x'
    "#]],
    );
    check(
        "{ a, b ? 1, _c, ... }: a",
        expect![[r#"
        unused-formal @ 1:6-1:7: unused formal argument 'b'
    "#]],
    );
    check(
        "args@{ a }: a",
        expect![[r#"
        unused-formal @ 1:1-1:5: unused argument set binding 'args'
    "#]],
    );
    check(
        "{ a }@args: a",
        expect![[r#"
        unused-formal @ 1:7-1:11: unused argument set binding 'args'
    "#]],
    );
}

#[test]
fn formals_defaults_see_each_other() {
    check("{ a ? b, b ? a, c ? args.d }@args: c", expect![[r#""#]]);
}

#[test]
fn formals_are_exempt_when_the_pattern_binding_is_used() {
    check(
        "{ lib, config, ... }@args: import ./m.nix args",
        expect![[r#""#]],
    );
}

// ---- with -------------------------------------------------------------------

#[test]
fn unused_with() {
    // Every name is lexical (or global, which also wins over `with`).
    check(
        "x: with x; [ x map ]",
        expect![[r#"
        unused-with @ 1:4-1:8: unused `with`: no variable in its body can come from it
    "#]],
    );
    check(
        "with x; 1",
        expect![[r#"
        unused-with @ 1:1-1:5: unused `with`: no variable in its body can come from it
        undefined-variable @ 1:6-1:7: undefined variable 'x'
    "#]],
    );
    check(
        "with x; y",
        expect![[r#"
        undefined-variable @ 1:6-1:7: undefined variable 'x'
    "#]],
    );
}

#[test]
fn nested_withs_all_count_as_used() {
    check(
        "with a; with b; c",
        expect![[r#"
        undefined-variable @ 1:6-1:7: undefined variable 'a'
    "#]],
    );
    // The inner `with` binds nothing the body uses lexically, the outer is
    // used by the inner's namespace.
    check(
        "with a; with b; 1",
        expect![[r#"
        undefined-variable @ 1:6-1:7: undefined variable 'a'
        unused-with @ 1:9-1:13: unused `with`: no variable in its body can come from it
    "#]],
    );
}

#[test]
fn with_is_shadowed_by_let_and_inherit_goes_through_with() {
    check(
        "let x = 1; in with y; x",
        expect![[r#"
        unused-with @ 1:15-1:19: unused `with`: no variable in its body can come from it
        undefined-variable @ 1:20-1:21: undefined variable 'y'
    "#]],
    );
    check(
        "with pkgs; let inherit hello; in hello",
        expect![[r#"
        undefined-variable @ 1:6-1:10: undefined variable 'pkgs'
    "#]],
    );
    check("pkgs: with pkgs; { inherit hello; }", expect![[r#""#]]);
}

// ---- duplicates -------------------------------------------------------------

#[test]
fn duplicate_attributes() {
    check(
        "{ a = 1; a = 2; }",
        expect![[r#"
        duplicate-attribute @ 1:10-1:11: attribute 'a' already defined
            label @ 1:3-1:4: first defined here
    "#]],
    );
    check(
        "{ a = 1; a.b = 2; }",
        expect![[r#"
        duplicate-attribute @ 1:10-1:11: attribute 'a' already defined
            label @ 1:3-1:4: first defined here
    "#]],
    );
    check(
        "{ a.b = 1; a = 2; }",
        expect![[r#"
        duplicate-attribute @ 1:12-1:13: attribute 'a' already defined
            label @ 1:3-1:4: first defined here
    "#]],
    );
    check(
        "{ a.b = 1; a.b = 2; }",
        expect![[r#"
        duplicate-attribute @ 1:12-1:15: attribute 'a.b' already defined
            label @ 1:3-1:6: first defined here
    "#]],
    );
    check(
        "x: { inherit x; x = 1; }",
        expect![[r#"
        duplicate-attribute @ 1:17-1:18: attribute 'x' already defined
            label @ 1:14-1:15: first defined here
    "#]],
    );
    check(
        "x: { inherit x; inherit x; }",
        expect![[r#"
        duplicate-attribute @ 1:25-1:26: attribute 'x' already defined
            label @ 1:14-1:15: first defined here
    "#]],
    );
    check(
        r#"{ "a" = 1; a = 2; }"#,
        expect![[r#"
        duplicate-attribute @ 1:12-1:13: attribute 'a' already defined
            label @ 1:3-1:6: first defined here
    "#]],
    );
    check(
        "let a = 1; a = 2; in a",
        expect![[r#"
        duplicate-attribute @ 1:12-1:13: attribute 'a' already defined
            label @ 1:5-1:6: first defined here
    "#]],
    );
}

#[test]
fn merged_attribute_sets_are_not_duplicates() {
    check("{ a.b = 1; a.c = 2; }", expect![[r#""#]]);
    check("{ a = { x = 1; }; a.y = 2; }", expect![[r#""#]]);
    check("{ a.y = 2; a = { x = 1; }; }", expect![[r#""#]]);
    check("{ a = { x = 1; }; a = ({ y = 2; }); }", expect![[r#""#]]);
    check(
        r#"{ a.${x} = 1; a.${x} = 2; ${"b"} = 1; b = 2; }"#,
        expect![[r#"
        undefined-variable @ 1:7-1:8: undefined variable 'x'
        undefined-variable @ 1:19-1:20: undefined variable 'x'
    "#]],
    );
}

#[test]
fn merged_attribute_sets_still_clash_inside() {
    check(
        "{ a = { x = 1; }; a.x = 2; }",
        expect![[r#"
        duplicate-attribute @ 1:19-1:22: attribute 'a.x' already defined
            label @ 1:9-1:10: first defined here
    "#]],
    );
    check(
        "{ a = { inherit b; }; a.b = 2; }",
        expect![[r#"
        undefined-variable @ 1:17-1:18: undefined variable 'b'
        duplicate-attribute @ 1:23-1:26: attribute 'a.b' already defined
            label @ 1:17-1:18: first defined here
    "#]],
    );
    check(
        "{ a = { b = { c = 1; }; }; a.b.c = 2; }",
        expect![[r#"
        duplicate-attribute @ 1:28-1:33: attribute 'a.b.c' already defined
            label @ 1:15-1:16: first defined here
    "#]],
    );
}

#[test]
fn duplicates_inside_nested_literals() {
    check(
        "{ a = { x = 1; x = 2; }; }",
        expect![[r#"
        duplicate-attribute @ 1:16-1:17: attribute 'x' already defined
            label @ 1:9-1:10: first defined here
    "#]],
    );
    check(
        "[ { x = 1; x = 2; } ]",
        expect![[r#"
        duplicate-attribute @ 1:12-1:13: attribute 'x' already defined
            label @ 1:5-1:6: first defined here
    "#]],
    );
    check(
        "{ ${a} = { x = 1; x = 2; }; }",
        expect![[r#"
        undefined-variable @ 1:5-1:6: undefined variable 'a'
        duplicate-attribute @ 1:19-1:20: attribute 'x' already defined
            label @ 1:12-1:13: first defined here
    "#]],
    );
}

#[test]
fn duplicate_formals() {
    check(
        "{ a, b, a }: a + b",
        expect![[r#"
        duplicate-formal @ 1:9-1:10: duplicate formal function argument 'a'
            label @ 1:3-1:4: first defined here
    "#]],
    );
    check(
        "a@{ a }: a",
        expect![[r#"
        duplicate-formal @ 1:5-1:6: duplicate formal function argument 'a'
            label @ 1:1-1:2: first defined here
    "#]],
    );
    check(
        "{ a }@a: a",
        expect![[r#"
        duplicate-formal @ 1:7-1:8: duplicate formal function argument 'a'
            label @ 1:3-1:4: first defined here
    "#]],
    );
}

// ---- deprecated ---------------------------------------------------------

#[test]
fn deprecated_url_literal() {
    check(
        r#"[ http://example.org/x "https://example.org" ]"#,
        expect![[r#"
        deprecated-url-literal @ 1:3-1:23: URL literals are deprecated; write a string instead: "http://example.org/x"
    "#]],
    );
}

#[test]
fn deprecated_legacy_let() {
    check(
        "let { a = 1; unused = 2; body = a; }",
        expect![[r#"
        deprecated-let-attrset @ 1:1-1:6: `let { …; body = …; }` is deprecated; use `let … in …` instead
        unused-let-binding @ 1:14-1:20: unused let binding 'unused'
    "#]],
    );
}

#[test]
fn deprecated_cursed_or() {
    check(
        "let or = 1; f = x: x; in [ (f (x: x) or) [ (x: x) or ] ({ a = 2; }.a or (x: x) or) ]",
        expect![[r#"
            deprecated-or-identifier @ 1:31-1:40: `or` used as a variable here will change meaning in a future Nix release; wrap the call in parentheses to keep it: `((x: x) or)`
                label @ 1:38-1:40: the variable `or`
            deprecated-or-identifier @ 1:44-1:53: `or` used as a variable here will change meaning in a future Nix release; wrap the call in parentheses to keep it: `((x: x) or)`
                label @ 1:51-1:53: the variable `or`
            deprecated-or-identifier @ 1:73-1:82: `or` used as a variable here will change meaning in a future Nix release; wrap the call in parentheses to keep it: `((x: x) or)`
                label @ 1:80-1:82: the variable `or`
        "#]],
    );
    // Not cursed: these keep their meaning.
    check(
        "let or = x: x; f = x: x; in [ (map or [ ]) (f or) { or = 1; }.or ]",
        expect![""],
    );
}

// ---- whole files --------------------------------------------------------

#[test]
fn realistic_package_is_clean() {
    check(
        r#"{ lib, stdenv, fetchurl, pkg-config, openssl, withDocs ? false }:

stdenv.mkDerivation rec {
  pname = "hello";
  version = "2.12.1";

  src = fetchurl {
    url = "mirror://gnu/hello/${pname}-${version}.tar.gz";
    hash = "sha256-jZkUKv2SV28wsM18tCqNxoCZmLxdYH2Idh9RLibH2yA=";
  };

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ openssl ];

  configureFlags = lib.optional withDocs "--enable-docs";

  postInstall = ''
    mkdir -p $out/share/${pname}
    echo ${lib.escapeShellArg version} > $out/share/${pname}/VERSION
  '';

  passthru.tests = {
    version = builtins.toString version;
  };

  meta = with lib; {
    description = "A program that produces a familiar, friendly greeting";
    homepage = "https://www.gnu.org/software/hello/";
    license = licenses.gpl3Plus;
    maintainers = [ ];
    platforms = platforms.all;
  };
}
"#,
        expect![[r#""#]],
    );
}

#[test]
fn realistic_module_is_clean() {
    check(
        r#"{ config, lib, pkgs, ... }:

let
  cfg = config.services.hello;
  inherit (lib) mkIf mkOption types;
in
{
  options.services.hello = {
    enable = mkOption { type = types.bool; default = false; };
    greeting = mkOption { type = types.str; default = "hi"; };
  };

  config = mkIf cfg.enable {
    environment.systemPackages = [ pkgs.hello ];
    environment.etc."hello".text = cfg.greeting;
  };
}
"#,
        expect![[r#""#]],
    );
}

/// C++ Nix's own test cases for duplicates and "cursed or", from the
/// conformance corpus (`$TVIX_CONFORMANCE_DIR`, else `shared/` beside the
/// workspace); positions must match the `.err.exp` files. Skipped when the
/// corpus is absent.
#[test]
fn conformance_corpus_duplicates_and_cursed_or() {
    let dir = match std::env::var_os("TVIX_CONFORMANCE_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/conformance/nix-lang"),
    };
    let Ok(listing) = std::fs::read_dir(&dir) else {
        eprintln!("conformance corpus not found at {}: skipped", dir.display());
        return;
    };
    let mut names: Vec<String> = listing
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            n.ends_with(".nix")
                && (n.contains("-dup-") || n.contains("mixed-nested") || n.contains("cursed"))
        })
        .collect();
    names.sort();
    let mut out = String::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| {
            n.ends_with(".nix")
                && (n.contains("dup-") || n.contains("mixed-nested") || n.contains("cursed"))
        })
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
        out.push_str(&format!("== {name}\n{}", render(&text)));
    }
    expect![[r#"
        == eval-fail-dup-dynamic-attrs.nix
        == eval-okay-deprecate-cursed-or.nix
        unused-let-binding @ 3:3-3:10: unused let binding 'cursed0'
        deprecated-or-identifier @ 3:47-3:56: `or` used as a variable here will change meaning in a future Nix release; wrap the call in parentheses to keep it: `((x: x) or)`
            label @ 3:54-3:56: the variable `or`
        unused-let-binding @ 4:3-4:10: unused let binding 'cursed1'
        deprecated-or-identifier @ 4:39-4:52: `or` used as a variable here will change meaning in a future Nix release; wrap the call in parentheses to keep it: `((x: x + 1) or)`
            label @ 4:50-4:52: the variable `or`
        unused-let-binding @ 5:3-5:10: unused let binding 'cursed2'
        deprecated-or-identifier @ 5:44-5:53: `or` used as a variable here will change meaning in a future Nix release; wrap the call in parentheses to keep it: `((x: x) or)`
            label @ 5:51-5:53: the variable `or`
        unused-let-binding @ 8:3-8:11: unused let binding 'allowed0'
        unused-let-binding @ 9:3-9:11: unused let binding 'allowed1'
        == parse-fail-dup-attrs-1.nix
        duplicate-attribute @ 3:3-3:4: attribute 'x' already defined
            label @ 1:3-1:4: first defined here
        == parse-fail-dup-attrs-2.nix
        deprecated-let-attrset @ 1:1-1:6: `let { …; body = …; }` is deprecated; use `let … in …` instead
        unused-let-binding @ 3:3-3:5: unused let binding 'as'
        unused-let-binding @ 8:3-8:5: unused let binding 'bs'
        duplicate-attribute @ 10:18-10:19: attribute 'x' already defined
            label @ 9:5-9:6: first defined here
        == parse-fail-dup-attrs-3.nix
        deprecated-let-attrset @ 1:1-1:6: `let { …; body = …; }` is deprecated; use `let … in …` instead
        unused-let-binding @ 3:3-3:5: unused let binding 'as'
        unused-let-binding @ 8:3-8:5: unused let binding 'bs'
        unused-rec @ 8:8-8:11: unused `rec`: no attribute of this set refers to another
        duplicate-attribute @ 10:18-10:19: attribute 'x' already defined
            label @ 9:5-9:6: first defined here
        == parse-fail-dup-attrs-4.nix
        duplicate-attribute @ 3:3-3:20: attribute 'services.ssh.port' already defined
            label @ 2:3-2:20: first defined here
        == parse-fail-dup-attrs-7.nix
        duplicate-attribute @ 7:13-7:14: attribute 'x' already defined
            label @ 6:13-6:14: first defined here
        == parse-fail-dup-formals.nix
        unused-formal @ 1:5-1:6: unused formal argument 'y'
        duplicate-formal @ 1:8-1:9: duplicate formal function argument 'x'
            label @ 1:2-1:3: first defined here
        == parse-fail-mixed-nested-attrs1.nix
        duplicate-attribute @ 3:16-3:17: attribute 'x.z' already defined
            label @ 2:3-2:6: first defined here
        == parse-fail-mixed-nested-attrs2.nix
        duplicate-attribute @ 3:9-3:12: attribute 'x.y.y' already defined
            label @ 2:3-2:8: first defined here
        == parse-okay-dup-attrs-5.nix
        == parse-okay-dup-attrs-6.nix
        == parse-okay-mixed-nested-attrs-1.nix
        == parse-okay-mixed-nested-attrs-2.nix
        == parse-okay-mixed-nested-attrs-3.nix
    "#]].assert_eq(&out);
}

#[test]
fn broken_inputs_do_not_panic() {
    let inputs = [
        "",
        "{",
        "{ a = ; b = 2; }",
        "let a = 1; in",
        "let in",
        "x:",
        "{ a, b ? }: a",
        "a@{",
        "with",
        "with x;",
        "rec {",
        "let { a = 1;",
        "{ inherit (x; }",
        "{ inherit ${x}; }",
        "{ a.${ = 1; }",
        "[ (x: x) or",
        "a.b or",
        "{ a = 1; a = }",
        "{ a, a",
        "x: y: { inherit (x) ; }",
        "let a = 1 in a",
        "${x}",
        "''${",
        "{ a.b.c.d = 1; a.b = 2; a = 3; }",
        "a: b: c",
        "((((",
        "}}}}",
        "let ${x} = 1; in 2",
        "@",
        "or",
        "x or y",
    ];
    for input in inputs {
        let _ = crate::check_file(input);
    }
}

#[test]
fn broken_input_reports_syntax_errors_and_lints() {
    check(
        "let a = 1; b = ; in c",
        expect![[r#"
        unused-let-binding @ 1:5-1:6: unused let binding 'a'
        unused-let-binding @ 1:12-1:13: unused let binding 'b'
        syntax-error @ 1:16-1:17: unexpected ';', expecting '(', 'rec', '{', '[', '"' or identifier
        syntax-error @ 1:18-1:22: unexpected 'in', expecting ';'
        syntax-error @ 1:22-1:22: unexpected end of file, expecting ';'
        syntax-error @ 1:22-1:22: unexpected end of file
    "#]],
    );
}
