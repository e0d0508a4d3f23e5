//! Lowering tests: what a file's module holds.

use expect_test::{Expect, expect};

use super::*;

fn check(text: &str, expect: Expect) {
    let (module, map) = lower(&tvix_syntax::parse(text));
    let mut out = String::new();
    for (import, range) in module.imports.iter().zip(&map.imports) {
        out.push_str(&format!(
            "import {:?} {} @{:?}\n",
            import.kind, import.path, range
        ));
    }
    for (name, range) in module.exports.iter().zip(&map.exports) {
        out.push_str(&format!("export {name} @{range:?}\n"));
    }
    for (select, range) in module.selects.iter().zip(&map.selects) {
        out.push_str(&format!(
            "select {:?}.{} @{range:?}\n",
            select.base, select.attr
        ));
    }
    for (def, import) in &module.import_bindings {
        out.push_str(&format!(
            "binding {} = import #{import}\n",
            module.definitions[def.index()].name
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn imports_exports_and_selects() {
    check(
        r#"{ pkgs, ... }:
let
  lib = import ./lib.nix;
  hello = pkgs.callPackage ./hello { };
in {
  imports = [ ./module.nix ];
  inherit (lib) greet;
  x = lib.double 2 + (import ../other.nix).y;
  src = ./src;
  dyn = ./${pkgs.x}.nix;
}"#,
        expect![[r#"
            import Import ./lib.nix @34..43
            import CallPackage ./hello @72..79
            import ModuleImport ./module.nix @104..116
            import Import ../other.nix @172..184
            import Path ./src @197..202
            export imports @92..99
            export greet @136..141
            export x @145..146
            export src @191..194
            export dyn @206..209
            select Reference(ReferenceId(1)).callPackage @60..71
            select Reference(ReferenceId(2)).greet @136..141
            select Reference(ReferenceId(3)).double @153..159
            select Import(3).y @186..187
            select Reference(ReferenceId(5)).x @221..222
            binding lib = import #0
            binding hello = import #1
        "#]],
    );
}

#[test]
fn moving_text_keeps_the_module_equal() {
    let before = lower(&tvix_syntax::parse("let a = import ./a.nix; in a.b"));
    let after = lower(&tvix_syntax::parse(
        "# comment\nlet  a = import ./a.nix;\n in a.b",
    ));
    assert_eq!(before.0, after.0);
    assert_ne!(before.1, after.1);
}
