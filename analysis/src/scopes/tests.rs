//! Name-resolution tests: each reference and what it resolves to.

use expect_test::{Expect, expect};

use super::*;

/// Renders each reference as `name@offset -> target`.
fn check(text: &str, expect: Expect) {
    let resolution = resolve(&tvix_syntax::parse(text));
    let mut out = String::new();
    for (_, reference) in resolution.references() {
        let target = match reference.resolution {
            Resolution::Definition(def) => {
                let def = resolution.definition(def);
                format!(
                    "{:?} {}@{}",
                    def.kind,
                    def.name,
                    u32::from(def.range.start())
                )
            }
            Resolution::With(with) => {
                format!("with@{}", u32::from(resolution.with(with).keyword.start()))
            }
            Resolution::Global => "global".to_owned(),
            Resolution::Undefined => "undefined".to_owned(),
        };
        out.push_str(&format!(
            "{}@{} -> {}\n",
            reference.name,
            u32::from(reference.range.start()),
            target
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn let_and_lambda() {
    check(
        "let a = 1; f = x: { y ? a, ... }@s: x + y + s.z; in f a",
        expect![[r#"
            a@24 -> LetBinding a@4
            x@36 -> Parameter x@15
            y@40 -> Formal y@20
            s@44 -> PatternBind s@33
            f@52 -> LetBinding f@11
            a@54 -> LetBinding a@4
        "#]],
    );
}

#[test]
fn lexical_wins_over_with() {
    check(
        "x: with x; with y; [ x z map ]",
        expect![[r#"
            x@8 -> Parameter x@0
            y@16 -> with@3
            x@21 -> Parameter x@0
            z@23 -> with@11
            map@25 -> global
        "#]],
    );
}

#[test]
fn inherit_looks_outside() {
    check(
        "let x = 1; in let inherit x; inherit (x) y; in rec { inherit y; z = y; }",
        expect![[r#"
            x@26 -> LetBinding x@4
            x@38 -> LetBinding x@26
            y@61 -> LetBinding y@41
            y@68 -> RecAttribute y@61
        "#]],
    );
}

#[test]
fn api_for_the_language_server() {
    let text = "let a = 1; in with w; with v; a + a + b";
    let resolution = resolve(&tvix_syntax::parse(text));
    let a = resolution.definition_at(TextSize::from(4)).unwrap();
    assert_eq!(resolution.definition(a).name, "a");
    let uses: Vec<u32> = resolution
        .references_to(a)
        .map(|r| u32::from(resolution.reference(r).range.start()))
        .collect();
    assert_eq!(uses, [30, 34]);
    let b = resolution.reference_at(TextSize::from(38)).unwrap();
    let Resolution::With(inner) = resolution.reference(b).resolution else {
        panic!()
    };
    assert_eq!(resolution.with_chain(inner).count(), 2);
}

#[test]
fn deep_nesting_does_not_overflow() {
    // Deep enough to overflow a recursive walk on this small stack. (The
    // depth stays moderate because dropping a rowan tree is recursive.)
    let text = format!("x: {}x", "x + ".repeat(5_000));
    let parse = tvix_syntax::parse(&text);
    let in_thread = parse.clone();
    let count = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || resolve(&in_thread).references().len())
        .and_then(|thread| thread.join().map_err(|_| std::io::Error::other("panicked")))
        .unwrap();
    assert_eq!(count, 5_001);
    let resolution = resolve(&parse);
    assert_eq!(
        resolution.reference_at(TextSize::from(3)),
        Some(ReferenceId(0))
    );
    assert_eq!(resolution.reference_at(TextSize::from(1)), None);
}
