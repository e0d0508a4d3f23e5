//! End-to-end tests of the library: source in, printed value or rendered
//! error out.

use expect_test::{Expect, expect};

use crate::io::{EvalIO, FileType};
use crate::{Evaluator, Settings, print};

/// IO that sees no files and collects diagnostics.
struct NoIO;

impl EvalIO for NoIO {
    fn read_file(&self, _: &str) -> std::io::Result<Vec<u8>> {
        Err(std::io::ErrorKind::NotFound.into())
    }
    fn read_dir(&self, _: &str) -> std::io::Result<Vec<(String, FileType)>> {
        Err(std::io::ErrorKind::NotFound.into())
    }
    fn file_type(&self, _: &str) -> std::io::Result<FileType> {
        Err(std::io::ErrorKind::NotFound.into())
    }
    fn path_exists(&self, _: &str) -> bool {
        false
    }
    fn env_var(&self, _: &str) -> Option<String> {
        None
    }
    fn print_diagnostic(&self, _: &str) {}
}

/// Runs `f` on a thread with the evaluator's stack, as embedders must.
fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(crate::EVAL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn eval_strict(src: &str) -> String {
    let src = src.to_owned();
    on_big_stack(move || eval_here(&src))
}

fn eval_here(src: &str) -> String {
    let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
    match ev
        .eval_source("«string»", src, "/")
        .and_then(|v| ev.force_deep(&v))
    {
        Ok(v) => print::print_value(&v),
        Err(e) => e.render(&ev.sources, true),
    }
}

fn check(src: &str, expected: Expect) {
    expected.assert_eq(&eval_strict(src));
}

#[test]
fn arithmetic_and_strings() {
    check("1 + 2 * 3", expect!["7"]);
    check("1.5 + 1", expect!["2.5"]);
    check(r#""a${toString 1}" + "b""#, expect![[r#""a1b""#]]);
    check("10 / 4", expect!["2"]);
}

#[test]
fn laziness_and_recursion() {
    check(
        "let xs = rec { a = b + 1; b = 1; }; in xs",
        expect!["{ a = 2; b = 1; }"],
    );
    check(
        "let f = n: if n == 0 then 0 else f (n - 1); in f 1000",
        expect!["0"],
    );
    check("(x: 1) (throw \"never\")", expect!["1"]);
}

#[test]
fn with_and_formals() {
    check("with { a = 1; }; a", expect!["1"]);
    check(
        "({ a, b ? a + 1, ... }@args: b + args.a) { a = 1; c = 3; }",
        expect!["3"],
    );
}

#[test]
fn repeated_values_print_once() {
    check(
        "let x = { a = 1; }; in [ x x ]",
        expect!["[ { a = 1; } «repeated» ]"],
    );
}

#[test]
fn errors_render_like_cpp_nix() {
    check(
        "let x = x; in x",
        expect![[r#"
            error:
                   … entering the infinite recursion

                   error: infinite recursion encountered
                   at «string»:1:9:
                        1| let x = x; in x
                         |         ^
        "#]],
    );
    check(
        "builtins.length 1",
        expect![[r#"
            error:
                   … while calling the 'length' builtin
                     at «string»:1:1:
                        1| builtins.length 1
                         | ^

                   … while evaluating the first argument passed to builtins.length

                   error: expected a list but found an integer: 1
        "#]],
    );
}

#[test]
fn deep_recursion_is_a_clean_error() {
    let out = eval_strict("let f = n: 1 + f (n + 1); in f 0");
    assert!(
        out.contains("stack overflow; max-call-depth exceeded"),
        "{out}"
    );
}

#[test]
fn memory_stays_flat_across_evaluations() {
    on_big_stack(evaluate_many_times);
}

fn evaluate_many_times() {
    let before = crate::value::live_envs();
    for i in 0..10_000 {
        let src = format!(
            "let s = rec {{ a = {i}; self = s; b = a + 1; f = x: s.b + x; }}; in (s.f 1) + s.self.a"
        );
        let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
        let v = ev.eval_source("«string»", &src, "/").unwrap();
        let v = ev.force_deep(&v).unwrap();
        assert_eq!(print::print_value(&v), (2 * i + 2).to_string());
        drop(v);
        drop(ev);
        assert_eq!(
            crate::value::live_envs(),
            before,
            "evaluation {i} leaked frames"
        );
    }
}

#[test]
fn printing_matches_nix_instantiate() {
    check(
        "[ 1.0 0.1 1.0e21 123456789.0 (-0.5) ]",
        expect!["[ 1 0.1 1e+21 1.23457e+08 -0.5 ]"],
    );
    check(
        r#"{ "a b" = 1; "if" = 2; x' = 3; "" = 4; }"#,
        expect![[r#"{ "" = 4; "a b" = 1; "if" = 2; x' = 3; }"#]],
    );
    check(r#""q\"\\\n\t\${x}$""#, expect![[r#""q\"\\\n\t\${x}$""#]]);
    check(
        "[ (x: x) builtins.map (builtins.map (x: x)) null true ]",
        expect!["[ <LAMBDA> <PRIMOP> <PRIMOP-APP> null true ]"],
    );
}

#[test]
fn string_context_survives_operations() {
    check(
        r#"builtins.getContext (builtins.substring 0 0 (builtins.toFile "f" "x"))"#,
        expect![[r#"{ "/nix/store/x93g3gvygaiq7h4b6zls3w7l5az1y526-f" = { path = true; }; }"#]],
    );
}

#[test]
fn try_eval_catches_only_throw_and_assert() {
    check(
        "[ (builtins.tryEval (throw \"x\")) (builtins.tryEval (assert false; 1)) ]",
        expect!["[ { success = false; value = false; } { success = false; value = false; } ]"],
    );
    check(
        "builtins.tryEval (abort \"no\")",
        expect![[r#"
            error:
                   … while calling the 'tryEval' builtin
                     at «string»:1:1:
                        1| builtins.tryEval (abort "no")
                         | ^

                   … while calling the 'abort' builtin
                     at «string»:1:19:
                        1| builtins.tryEval (abort "no")
                         |                   ^

                   error: evaluation aborted with the following error message: 'no'
        "#]],
    );
}

#[test]
fn integer_overflow_is_an_error() {
    check(
        "9223372036854775807 + 1",
        expect![[r#"
            error: integer overflow in adding 9223372036854775807 + 1
                   at «string»:1:23:
                        1| 9223372036854775807 + 1
                         |                       ^
        "#]],
    );
}
