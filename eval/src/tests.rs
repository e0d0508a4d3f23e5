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

/// `==` is C++ Nix's: values in the same slot are equal (even
/// functions), functions reached through two different thunks never are.
/// Expectations checked against `nix-instantiate --eval --strict` 2.8.
#[test]
fn equality_follows_value_identity() {
    let cases = [
        (
            "let s = { f = x: x; }; t = { inherit (s) f; }; in s == t",
            "false",
        ),
        ("let s = { f = x: x; }; in [ s.f ] == [ s.f ]", "false"),
        ("let f = x: x; a = f; in [ a ] == [ f ]", "true"),
        ("[ builtins.add ] == [ builtins.add ]", "false"),
        ("let a = builtins.add; in [ a ] == [ a ]", "true"),
        ("let l = [ (x: x) ]; in l == l", "true"),
        (
            "let l = [ (x: x) ]; s = { inherit l; }; t = { l = s.l; }; in s == t",
            "true",
        ),
        ("let f = x: x; in f == f", "false"),
    ];
    for (src, want) in cases {
        assert_eq!(eval_strict(src), want, "{src}");
    }
}

/// A binding that is just another binding of the same frame shares its
/// value (C++ Nix's `maybeThunk`), which only identity can tell.
#[test]
fn bindings_share_the_value_of_a_variable() {
    check(
        "let a = b; b = 1; c = { f = x: x; }; d = c; in [ a (d == c) ]",
        expect!["[ 1 true ]"],
    );
    check(
        "({ a ? b, b ? 2, f ? (x: x), g ? f }: [ a ([ f ] == [ g ]) ]) { }",
        expect!["[ 2 true ]"],
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
fn operators_run_inline_exactly_as_builtin_calls() {
    // `a - b` is a call of `__sub` from the current scope (as in C++
    // Nix's parser): a rebinding is honoured, `with` cannot supply one.
    check("let __sub = a: b: 42; in 5 - 1", expect!["42"]);
    check("with { __sub = a: b: 42; }; 5 - 1", expect!["4"]);
    check(
        "[ (7 - 2) (3 * 4) (7 / 2) (1 < 2) (2 > 1) (1.5 - 1) (\"a\" < \"b\") (-3) ]",
        expect!["[ 5 12 3 true true 0.5 true -3 ]"],
    );
    // The inline form keeps the builtin's trace frame and messages, and
    // its operands' errors.
    check(
        "let x = 1; in x - \"a\"",
        expect![[r#"
            error:
                   … while calling the 'sub' builtin
                     at «string»:1:17:
                        1| let x = 1; in x - "a"
                         |                 ^

                   … while evaluating the second argument of the subtraction

                   error: expected an integer but found a string: "a"
        "#]],
    );
    check(
        "let x = throw \"boom\"; in 1 < x",
        expect![[r#"
            error:
                   … while calling the 'lessThan' builtin
                     at «string»:1:28:
                        1| let x = throw "boom"; in 1 < x
                         |                            ^

                   … while calling the 'throw' builtin
                     at «string»:1:9:
                        1| let x = throw "boom"; in 1 < x
                         |         ^

                   error: boom
        "#]],
    );
    check(
        "1 / 0",
        expect![[r#"
            error:
                   … while calling the 'div' builtin
                     at «string»:1:3:
                        1| 1 / 0
                         |   ^

                   error: division by zero
        "#]],
    );
}

/// Evaluates `src` strictly with a do-nothing observer attached, which
/// makes every fast path of the evaluator take its general form.
fn eval_strict_observed(src: &str) -> String {
    struct Quiet;
    impl crate::Observer for Quiet {}
    let src = src.to_owned();
    on_big_stack(move || {
        let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
        ev.set_observer(Box::new(Quiet));
        match ev
            .eval_source("«string»", &src, "/")
            .and_then(|v| ev.force_deep(&v))
        {
            Ok(v) => print::print_value(&v),
            Err(e) => e.render(&ev.sources, true),
        }
    })
}

#[test]
fn curried_calls_behave_as_calls_one_by_one() {
    // `f a b` of an `x: y: …` function skips the closure in between
    // (`call2`); values, errors and traces are those of the general path.
    for src in [
        "let f = x: y: x - y; in f 5 3",
        "let f = x: y: z: x + y + z; in f 1 2 3",
        "let f = x: y: throw \"boom ${toString x}\"; in f 1 2",
        "let f = x: y: x + y; in f 1 \"a\"",
        "let f = x: y: y.missing; in f 1 { }",
        "builtins.foldl' (acc: x: acc + x) 0 [ 1 2 3 ]",
        "builtins.foldl' (acc: x: if x == 2 then throw \"two\" else acc + x) 0 [ 1 2 3 ]",
        "builtins.sort (a: b: a < b) [ 3 1 2 ]",
        "builtins.sort (a: b: a < \"x\") [ 3 1 2 ]",
        "let f = n: acc: if n == 0 then acc else f (n - 1) (acc + n); in f 10000 0",
        // `mapAttrs`' and `zipAttrsWith`'s two lazy applications, run as one.
        "builtins.mapAttrs (k: v: v + 1) { a = 1; b = 2; }",
        "builtins.mapAttrs (k: v: throw k) { a = 1; }",
        "builtins.mapAttrs builtins.seq { a = 1; }",
        "builtins.mapAttrs ({ x }: v: v) { a = 1; }",
        "builtins.mapAttrs (k: 1) { a = 1; }",
        "let s = builtins.mapAttrs (k: v: v * 2) { a = 1; }; in [ s.a s.a ]",
        "builtins.zipAttrsWith (n: vs: builtins.length vs) [ { a = 1; } { a = 2; b = 3; } ]",
        "builtins.zipAttrsWith (n: vs: throw n) [ { a = 1; } ]",
    ] {
        assert_eq!(eval_strict(src), eval_strict_observed(src), "{src}");
    }
    assert_eq!(
        eval_strict("let f = n: acc: if n == 0 then acc else f (n - 1) (acc + n); in f 1000 0"),
        "500500"
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
fn cycles_through_unregistered_frames_are_broken() {
    on_big_stack(evaluate_cycles_many_times);
}

/// Frames complete at creation (a plain lambda's argument, `with`,
/// `inherit (e)`, a formals frame without defaults) are not registered;
/// every cycle through them must still pass through a registered thunk or
/// frame.
fn evaluate_cycles_many_times() {
    let programs = [
        // thunk x -> set -> closure g -> frame of f (y = x) -> x
        "let x = f x; f = y: { a = y; g = z: y; }; in x.g 1 == x",
        // `with` frame holding the set that holds a closure over it
        "let s = with { v = 1; }; { w = v; f = z: s.w; }; in s.f 0",
        // inherit-from frame
        "let t = { k = 2; }; s = rec { inherit (t) k; me = s; f = z: me.k; }; in s.f 0",
        // formals without defaults (unregistered) and with defaults (registered)
        "let s = ({ a, ... }: { inherit a; f = z: a; }) { a = s; b = 1; }; in s.f 0 == s",
        "let s = ({ a, b ? s }: { inherit a b; f = z: b; }) { a = 1; }; in s.f 0 == s",
    ];
    let before = crate::value::live_envs();
    for i in 0..1_000 {
        for src in programs {
            let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
            let v = ev.eval_source("«string»", src, "/").unwrap();
            let v = ev.force_deep(&v).unwrap();
            assert!(
                matches!(
                    v,
                    crate::value::Value::Bool(crate::value::NixBool::TRUE)
                        | crate::value::Value::Int(_)
                ),
                "{src}"
            );
            drop(v);
            drop(ev);
            assert_eq!(
                crate::value::live_envs(),
                before,
                "evaluation {i} of {src} leaked frames"
            );
        }
    }
}

#[test]
fn frames_only_their_own_bindings_hold_are_freed_during_evaluation() {
    on_big_stack(|| {
        // Each step's `let` frame and each defaulted call's frame close a
        // cycle with a local function and a binding never forced; nothing
        // else holds them once the body returned.
        let before = crate::value::live_envs();
        let src = "let step = acc: i: let f = x: x + i; unused = throw \"no\"; \
                   g = { a, b ? a + i, c ? throw \"no\" }: b; in g { a = f acc; }; \
                   in builtins.foldl' step 0 (builtins.genList (i: i) 10000)";
        let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
        let v = ev.eval_source("«string»", src, "/").unwrap();
        let v = ev.force_deep(&v).unwrap();
        assert_eq!(print::print_value(&v), "99990000");
        let alive = crate::value::live_envs() - before;
        assert!(alive < 100, "{alive} frames alive after 10,000 steps");
        drop(v);
        drop(ev);
        assert_eq!(crate::value::live_envs(), before);
    });
}

#[test]
fn frames_the_result_still_reaches_are_kept() {
    // The functions returned hold their `let` frames (whose other
    // bindings are unforced); the frames must survive the `let`.
    check(
        "let mk = i: let k = i * 2; unused = throw \"no\"; f = x: x + k; in f; \
         fs = builtins.genList mk 100; in builtins.foldl' (a: f: a + f 1) 0 fs",
        expect!["10000"],
    );
    check(
        "let mk = i: let k = i * 2; later = k + 1; in { get = later; }; \
         in builtins.foldl' (a: s: a + s.get) 0 (builtins.genList mk 10)",
        expect!["100"],
    );
    check(
        "let mk = { i, d ? i + 1 }: { get = d; }; in (mk { i = 4; }).get",
        expect!["5"],
    );
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

/// The debug hooks, recorded by a test observer.
mod observer {
    use std::cell::RefCell;
    use std::rc::Rc;

    use expect_test::{Expect, expect};

    use super::{NoIO, on_big_stack};
    use crate::observer::{
        BreakEvent, BuiltinEvent, CallEvent, DebugContext, DebugControl, ErrorEvent, ExprEvent,
        LeaveEvent, Observer, OutputEvent, Peek, ReturnEvent, ThunkEvent, peek,
    };
    use crate::pos::Pos;
    use crate::value::Value;
    use crate::{Evaluator, Settings, print};

    /// Records every event as one line, indented by depth.
    struct Recorder {
        log: Rc<RefCell<Vec<String>>>,
        /// Record `enter_expr`/`leave_expr` too.
        exprs: bool,
        /// Stop at `builtins.break`.
        stop_at_break: bool,
    }

    fn loc(cx: &DebugContext<'_>, pos: Pos) -> String {
        match cx.sources().line_col(pos) {
            Some((l, c)) if pos.is_some() => format!("{l}:{c}"),
            _ => "-".into(),
        }
    }

    fn snippet(cx: &DebugContext<'_>, pos: Pos) -> String {
        let Some(src) = cx.sources().get(pos.file) else {
            return String::new();
        };
        let rest = &src.text[pos.offset as usize..];
        let line = rest.lines().next().unwrap_or("");
        line.chars().take(16).collect()
    }

    fn peeked(cx: &DebugContext<'_>, v: &Value) -> String {
        match peek(v) {
            Peek::Value(v) => cx.show(&v),
            Peek::Thunk => "«thunk»".into(),
            Peek::UnderEvaluation => "«potential infinite recursion»".into(),
            Peek::Failed(_) => "«failed»".into(),
            Peek::Cleared => "«cleared»".into(),
        }
    }

    fn outcome(cx: &DebugContext<'_>, r: Result<&Value, &crate::EvalError>) -> String {
        match r {
            Ok(v) => cx.show(v).chars().take(30).collect(),
            Err(e) => format!("error({})", e.message),
        }
    }

    impl Recorder {
        fn push(&self, depth: usize, line: String) {
            self.log
                .borrow_mut()
                .push(format!("{}{line}", "  ".repeat(depth)));
        }
    }

    impl Observer for Recorder {
        fn enter_expr(&mut self, cx: &mut DebugContext<'_>, e: &ExprEvent<'_>) -> DebugControl {
            if self.exprs {
                // The innermost frame's slots, unless it is the global one.
                let frame = if e.scope.frames().count() > 1 {
                    let slots: Vec<String> =
                        e.scope.slots(0).iter().map(|v| peeked(cx, v)).collect();
                    format!(" frame=[{}]", slots.join(", "))
                } else {
                    String::new()
                };
                self.push(
                    e.depth,
                    format!("enter {} `{}`{frame}", loc(cx, e.pos), snippet(cx, e.pos)),
                );
            }
            DebugControl::Continue
        }
        fn leave_expr(&mut self, cx: &mut DebugContext<'_>, e: &LeaveEvent<'_>) -> DebugControl {
            if self.exprs {
                self.push(
                    e.depth,
                    format!("leave {} = {}", loc(cx, e.pos), outcome(cx, e.result)),
                );
            }
            DebugControl::Continue
        }
        fn call(&mut self, cx: &mut DebugContext<'_>, e: &CallEvent<'_>) -> DebugControl {
            self.push(
                e.depth,
                format!(
                    "call {} at {} arg={}",
                    e.name().unwrap_or("«lambda»"),
                    loc(cx, e.call_site),
                    peeked(cx, e.arg)
                ),
            );
            DebugControl::Continue
        }
        fn call_return(&mut self, cx: &mut DebugContext<'_>, e: &ReturnEvent<'_>) -> DebugControl {
            let name = e
                .closure
                .lambda
                .name
                .as_ref()
                .map_or("«lambda»", |s| s.as_str());
            self.push(
                e.depth,
                format!("return {name} = {}", outcome(cx, e.result)),
            );
            DebugControl::Continue
        }
        fn builtin_call(
            &mut self,
            cx: &mut DebugContext<'_>,
            e: &BuiltinEvent<'_>,
        ) -> DebugControl {
            let args: Vec<String> = e.args.iter().map(|a| peeked(cx, a)).collect();
            self.push(
                e.depth,
                format!(
                    "builtin {} at {} args=[{}]",
                    e.name,
                    loc(cx, e.call_site),
                    args.join(", ")
                ),
            );
            DebugControl::Continue
        }
        fn builtin_return(
            &mut self,
            cx: &mut DebugContext<'_>,
            e: &BuiltinEvent<'_>,
        ) -> DebugControl {
            let r = e.result.expect("a return has a result");
            self.push(e.depth, format!("returned {} = {}", e.name, outcome(cx, r)));
            DebugControl::Continue
        }
        fn force_thunk_start(
            &mut self,
            cx: &mut DebugContext<'_>,
            e: &ThunkEvent<'_>,
        ) -> DebugControl {
            let me = peeked(cx, &Value::Thunk(e.thunk.clone()));
            self.push(
                e.depth,
                format!("force {} `{}` ({me})", loc(cx, e.pos), snippet(cx, e.pos)),
            );
            DebugControl::Continue
        }
        fn force_thunk_end(
            &mut self,
            cx: &mut DebugContext<'_>,
            e: &ThunkEvent<'_>,
        ) -> DebugControl {
            let r = e.result.expect("end has a result");
            self.push(
                e.depth,
                format!("forced {} = {}", loc(cx, e.pos), outcome(cx, r)),
            );
            DebugControl::Continue
        }
        fn error(&mut self, cx: &mut DebugContext<'_>, e: &ErrorEvent<'_>) -> DebugControl {
            self.push(
                e.depth,
                format!(
                    "error at {} `{}` catchable={} inside_try_eval={}",
                    loc(cx, e.pos),
                    e.error.message,
                    e.catchable,
                    e.inside_try_eval
                ),
            );
            DebugControl::Continue
        }
        fn breakpoint(&mut self, cx: &mut DebugContext<'_>, e: &BreakEvent<'_>) -> DebugControl {
            let value = peeked(cx, e.value);
            // A conditional breakpoint's condition, evaluated in a scope
            // binding the argument, without hooks.
            let cond = cx
                .evaluate("v == 2", "/", &[("v", e.value.clone())])
                .map(|v| cx.show(&v))
                .unwrap_or_else(|e| format!("error({})", e.message));
            self.push(
                e.depth,
                format!("break at {} value={value} (v == 2: {cond})", loc(cx, e.pos),),
            );
            if self.stop_at_break {
                DebugControl::Stop
            } else {
                DebugControl::Continue
            }
        }
        fn output(&mut self, e: &OutputEvent<'_>) {
            self.push(0, format!("output {:?} {}", e.kind, e.text));
        }
    }

    fn record(src: &str, exprs: bool, stop_at_break: bool) -> String {
        let src = src.to_owned();
        on_big_stack(move || {
            let log = Rc::new(RefCell::new(Vec::new()));
            let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
            ev.set_observer(Box::new(Recorder {
                log: log.clone(),
                exprs,
                stop_at_break,
            }));
            let result = match ev
                .eval_source("«string»", &src, "/")
                .and_then(|v| ev.force_deep(&v))
            {
                Ok(v) => print::print_value(&v),
                Err(e) => format!("error: {}", e.message),
            };
            assert!(ev.take_observer().is_some());
            let mut out = log.borrow().join("\n");
            out.push_str(&format!("\n=> {result}\n"));
            out
        })
    }

    fn check(src: &str, exprs: bool, expected: Expect) {
        expected.assert_eq(&record(src, exprs, false));
    }

    #[test]
    fn nested_calls_enter_and_leave_in_order() {
        check(
            "let f = x: g x + 1; g = y: y * 2; in f 3",
            true,
            expect![[r#"
                enter 1:1 `let f = x: g x +`
                  enter 1:38 `f 3` frame=[«lambda @ «string»:1:9», «lambda @ «string»:1:25»]
                    enter 1:38 `f 3` frame=[«lambda @ «string»:1:9», «lambda @ «string»:1:25»]
                    leave 1:38 = «lambda @ «string»:1:9»
                    call f at 1:38 arg=3
                      enter 1:16 `+ 1; g = y: y * ` frame=[3]
                        enter 1:12 `g x + 1; g = y: ` frame=[3]
                          enter 1:12 `g x + 1; g = y: ` frame=[3]
                          leave 1:12 = «lambda @ «string»:1:25»
                          call g at 1:12 arg=3
                            enter 1:30 `* 2; in f 3` frame=[3]
                              enter 1:30 `* 2; in f 3` frame=[3]
                              leave 1:30 = «primop mul»
                              builtin mul at 1:30 args=[3, 2]
                              returned mul = 6
                            leave 1:30 = 6
                          return g = 6
                        leave 1:12 = 6
                        enter 1:18 `1; g = y: y * 2;` frame=[3]
                        leave 1:18 = 1
                      leave 1:16 = 7
                    return f = 7
                  leave 1:38 = 7
                leave 1:1 = 7
                => 7
            "#]],
        );
    }

    #[test]
    fn thunk_forced_lazily_after_its_definition() {
        check(
            "let x = builtins.trace \"forcing x\" 1; f = y: [ y ]; in builtins.head (f x) + 1",
            false,
            expect![[r#"
                          force - `` («potential infinite recursion»)
                            builtin builtins at - args=[null]
                            returned builtins = { abort = «primop abort»; add 
                          forced - = { abort = «primop abort»; add 
                      builtin head at 1:56 args=[«thunk»]
                        force 1:71 `f x) + 1` («potential infinite recursion»)
                            call f at 1:71 arg=«thunk»
                            return f = [ «thunk» ]
                        forced 1:71 = [ «thunk» ]
                        force 1:9 `builtins.trace "` («potential infinite recursion»)
                            builtin trace at 1:9 args=["forcing x", 1]
                output Trace trace: forcing x
                            returned trace = 1
                        forced 1:9 = 1
                      returned head = 1
                => 2
            "#]],
        );
    }

    #[test]
    fn errors_inside_and_outside_try_eval() {
        check(
            "[ (builtins.tryEval (throw \"caught\")).success (throw \"uncaught\") ]",
            false,
            expect![[r#"
                force 1:3 `(builtins.tryEva` («potential infinite recursion»)
                          force - `` («potential infinite recursion»)
                            builtin builtins at - args=[null]
                            returned builtins = { abort = «primop abort»; add 
                          forced - = { abort = «primop abort»; add 
                      builtin tryEval at 1:4 args=[«thunk»]
                        force 1:22 `throw "caught"))` («potential infinite recursion»)
                            builtin throw at 1:22 args=["caught"]
                            error at 1:22 `caught` catchable=true inside_try_eval=true
                            returned throw = error(caught)
                        forced 1:22 = error(caught)
                      returned tryEval = { success = false; value = fal
                forced 1:3 = false
                force 1:48 `throw "uncaught"` («potential infinite recursion»)
                    builtin throw at 1:48 args=["uncaught"]
                    error at 1:48 `uncaught` catchable=true inside_try_eval=false
                    returned throw = error(uncaught)
                forced 1:48 = error(uncaught)
                => error: uncaught
            "#]],
        );
    }

    #[test]
    fn uncatchable_error_inside_try_eval() {
        check(
            "(builtins.tryEval (abort \"no\")).success",
            false,
            expect![[r#"
                        force - `` («potential infinite recursion»)
                          builtin builtins at - args=[null]
                          returned builtins = { abort = «primop abort»; add 
                        forced - = { abort = «primop abort»; add 
                    builtin tryEval at 1:2 args=[«thunk»]
                      force 1:20 `abort "no")).suc` («potential infinite recursion»)
                          builtin abort at 1:20 args=["no"]
                          error at 1:20 `evaluation aborted with the following error message: 'no'` catchable=false inside_try_eval=true
                          returned abort = error(evaluation aborted with the following error message: 'no')
                      forced 1:20 = error(evaluation aborted with the following error message: 'no')
                    returned tryEval = error(evaluation aborted with the following error message: 'no')
                => error: evaluation aborted with the following error message: 'no'
            "#]],
        );
    }

    #[test]
    fn break_notifies_and_returns_its_argument() {
        check(
            "builtins.break (1 + 1) + 1",
            false,
            expect![[r#"
                        force - `` («potential infinite recursion»)
                          builtin builtins at - args=[null]
                          returned builtins = { abort = «primop abort»; add 
                        forced - = { abort = «primop abort»; add 
                    builtin break at 1:1 args=[«thunk»]
                      break at 1:1 value=«thunk» (v == 2: true)
                    returned break = 2
                => 3
            "#]],
        );
    }

    #[test]
    fn break_can_stop_the_evaluation() {
        expect![[r#"
                    force - `` («potential infinite recursion»)
                      builtin builtins at - args=[null]
                      returned builtins = { abort = «primop abort»; add 
                    forced - = { abort = «primop abort»; add 
                builtin break at 1:1 args=[2]
                  break at 1:1 value=2 (v == 2: true)
                returned break = error(evaluation stopped by the debugger)
            => error: evaluation stopped by the debugger
        "#]]
        .assert_eq(&record("builtins.break 2 + 1", false, true));
    }

    #[test]
    fn trace_and_warn_output() {
        check(
            "builtins.trace { a = 1; } (builtins.warn \"careful\" 3)",
            false,
            expect![[r#"
                      force - `` («potential infinite recursion»)
                        builtin builtins at - args=[null]
                        returned builtins = { abort = «primop abort»; add 
                      forced - = { abort = «primop abort»; add 
                  builtin trace at 1:1 args=[«thunk», «thunk»]
                    force 1:16 `{ a = 1; } (buil` («potential infinite recursion»)
                    forced 1:16 = { a = 1; }
                output Trace trace: { a = 1; }
                    force 1:28 `builtins.warn "c` («potential infinite recursion»)
                        builtin warn at 1:28 args=["careful", 3]
                output Warning evaluation warning: careful
                        returned warn = 3
                    forced 1:28 = 3
                  returned trace = 3
                => 3
            "#]],
        );
    }

    /// Names every frame of the scope each `x` is evaluated in, from the
    /// table lowering recorded.
    struct Names {
        log: Rc<RefCell<Vec<String>>>,
    }

    impl Observer for Names {
        fn enter_expr(&mut self, cx: &mut DebugContext<'_>, e: &ExprEvent<'_>) -> DebugControl {
            if !matches!(&e.ir.kind, crate::lower::IrKind::Var { name, .. } if name.as_str() == "x")
            {
                return DebugControl::Continue;
            }
            let Some(names) = cx.frame_names(e.ir) else {
                self.log.borrow_mut().push("no names".into());
                return DebugControl::Continue;
            };
            let frames: Vec<String> = names
                .chain()
                .zip(e.scope.frames())
                .filter(|(f, _)| f.kind != crate::observer::FrameKind::Global)
                .map(|(f, env)| {
                    let slots = env.slots.borrow();
                    let vars: Vec<String> = f
                        .names
                        .iter()
                        .zip(slots.iter())
                        .map(|(n, v)| format!("{}={}", n.as_str(), peeked(cx, v)))
                        .collect();
                    format!("{:?}[{}]", f.kind, vars.join(" "))
                })
                .collect();
            let global = names.chain().last().map(|g| g.kind);
            self.log
                .borrow_mut()
                .push(format!("{} then {global:?}", frames.join(" ")));
            DebugControl::Continue
        }
    }

    #[test]
    fn frame_names_match_frames() {
        let out = on_big_stack(|| {
            let log = Rc::new(RefCell::new(Vec::new()));
            let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
            ev.set_observer(Box::new(Names { log: log.clone() }));
            let src = "let a = 1; f = { x, y ? 2, ... }@args: with { w = 3; }; rec { r = x + w + z; inherit (args) z; }; in (f { x = a; z = 4; }).r";
            let v = ev.eval_source("«string»", src, "/").unwrap();
            let v = ev.force_deep(&v).unwrap();
            let mut out = log.borrow().join("\n");
            out.push_str(&format!("\n=> {}", print::print_value(&v)));
            out
        });
        expect![[r#"
            Rec[r=«potential infinite recursion» z=«thunk»] With[with=«thunk»] Lambda[x=1 y=2 args={ x = 1; z = 4; }] Let[a=1 f=«lambda @ «string»:1:16»] then Some(Global)
            => 8"#]].assert_eq(&out);
    }

    #[test]
    fn deadlines_interrupt_without_poisoning_thunks() {
        struct Watch {
            log: Rc<RefCell<Vec<String>>>,
        }
        impl Observer for Watch {
            fn breakpoint(
                &mut self,
                cx: &mut DebugContext<'_>,
                e: &BreakEvent<'_>,
            ) -> DebugControl {
                let past = std::time::Instant::now();
                let r = cx.force_within(e.value, past);
                let msg = match r {
                    Ok(v) => cx.show(&v),
                    Err(e) => format!(
                        "error({}, stop={})",
                        e.message,
                        crate::observer::is_stop(&e)
                    ),
                };
                self.log
                    .borrow_mut()
                    .push(format!("{msg} now {}", peeked(cx, e.value)));
                let r = cx.evaluate_within("let l = n: l (n + 1); in l 0", "/", &[], past);
                self.log.borrow_mut().push(format!(
                    "loop: {}",
                    r.err().map(|e| e.message).unwrap_or_default()
                ));
                DebugControl::Continue
            }
        }
        let out = on_big_stack(|| {
            let log = Rc::new(RefCell::new(Vec::new()));
            let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
            ev.set_observer(Box::new(Watch { log: log.clone() }));
            let src = "let big = builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 1000); in builtins.break big";
            let v = ev.eval_source("«string»", src, "/").unwrap();
            let mut out = log.borrow().join("\n");
            out.push_str(&format!("\n=> {}", print::print_value(&v)));
            out
        });
        expect![[r#"
            error(evaluation stopped by the debugger, stop=true) now «thunk»
            loop: evaluation stopped by the debugger
            => 499500"#]]
        .assert_eq(&out);
    }

    #[test]
    fn detached_observer_sees_nothing() {
        let log = on_big_stack(|| {
            let log = Rc::new(RefCell::new(Vec::new()));
            let mut ev = Evaluator::new(Box::new(NoIO), Settings::default());
            ev.set_observer(Box::new(Recorder {
                log: log.clone(),
                exprs: true,
                stop_at_break: true,
            }));
            ev.take_observer();
            let v = ev.eval_source("«string»", "builtins.break 1", "/").unwrap();
            let shown = print::print_value(&v);
            let n = log.borrow().len();
            (shown, n)
        });
        assert_eq!(log, ("1".to_string(), 0));
    }
}

/// `toXML` of derivations: a `<derivation>` element, its attributes shown
/// once per `drvPath` and `<repeated />` after (which ends the cycle every
/// derivation has through its outputs), as `nix-instantiate --eval --xml
/// --strict --no-location` prints it (checked against Nix 2.8); any other
/// cycle fails cleanly instead of overflowing the native stack.
#[test]
fn xml_of_derivations_and_cycles() {
    check(
        r#"builtins.toXML (derivation { name = "p"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }).dev"#,
        expect![[
            r#""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <derivation drvPath=\"/nix/store/1gn07c25qhrqzs0xqdrz68239a7pp0jj-p.drv\" outPath=\"/nix/store/nj9y896jwk56mcwra52qvwf5whardxy3-p-dev\">\n    <attr name=\"all\">\n      <list>\n        <derivation drvPath=\"/nix/store/1gn07c25qhrqzs0xqdrz68239a7pp0jj-p.drv\" outPath=\"/nix/store/3v5l493nzpi68sp54wx4idhq5q34w4qf-p\">\n          <repeated />\n        </derivation>\n        <derivation drvPath=\"/nix/store/1gn07c25qhrqzs0xqdrz68239a7pp0jj-p.drv\" outPath=\"/nix/store/nj9y896jwk56mcwra52qvwf5whardxy3-p-dev\">\n          <repeated />\n        </derivation>\n      </list>\n    </attr>\n    <attr name=\"builder\">\n      <string value=\"/bin/sh\" />\n    </attr>\n    <attr name=\"dev\">\n      <derivation drvPath=\"/nix/store/1gn07c25qhrqzs0xqdrz68239a7pp0jj-p.drv\" outPath=\"/nix/store/nj9y896jwk56mcwra52qvwf5whardxy3-p-dev\">\n        <repeated />\n      </derivation>\n    </attr>\n    <attr name=\"drvAttrs\">\n      <attrs>\n        <attr name=\"builder\">\n          <string value=\"/bin/sh\" />\n        </attr>\n        <attr name=\"name\">\n          <string value=\"p\" />\n        </attr>\n        <attr name=\"outputs\">\n          <list>\n            <string value=\"out\" />\n            <string value=\"dev\" />\n          </list>\n        </attr>\n        <attr name=\"system\">\n          <string value=\"x\" />\n        </attr>\n      </attrs>\n    </attr>\n    <attr name=\"drvPath\">\n      <string value=\"/nix/store/1gn07c25qhrqzs0xqdrz68239a7pp0jj-p.drv\" />\n    </attr>\n    <attr name=\"name\">\n      <string value=\"p\" />\n    </attr>\n    <attr name=\"out\">\n      <derivation drvPath=\"/nix/store/1gn07c25qhrqzs0xqdrz68239a7pp0jj-p.drv\" outPath=\"/nix/store/3v5l493nzpi68sp54wx4idhq5q34w4qf-p\">\n        <repeated />\n      </derivation>\n    </attr>\n    <attr name=\"outPath\">\n      <string value=\"/nix/store/nj9y896jwk56mcwra52qvwf5whardxy3-p-dev\" />\n    </attr>\n    <attr name=\"outputName\">\n      <string value=\"dev\" />\n    </attr>\n    <attr name=\"outputs\">\n      <list>\n        <string value=\"out\" />\n        <string value=\"dev\" />\n      </list>\n    </attr>\n    <attr name=\"system\">\n      <string value=\"x\" />\n    </attr>\n    <attr name=\"type\">\n      <string value=\"derivation\" />\n    </attr>\n  </derivation>\n</expr>\n""#
        ]],
    );
    check(
        "builtins.toXML (let a = { x = a; }; in a)",
        expect![[r#"
        error:
               … while calling the 'toXML' builtin
                 at «string»:1:1:
                    1| builtins.toXML (let a = { x = a; }; in a)
                     | ^

               error: stack overflow; max-call-depth exceeded
    "#]],
    );
}
