//! `derivation` made natively against the wrapper's Nix code.
//!
//! Without an observer the evaluator builds `derivation`'s result itself
//! (`builtins::derivation_wrapper`); with one attached (a debugger) it
//! runs the wrapper, C++ Nix's `derivation.nix`. Every program below must
//! print the same value or render the same error and trace, and print the
//! same diagnostics (`builtins.trace` shows which parts are still
//! unforced), both ways: multiple outputs, the rarely forced parts (`all`,
//! later outputs), attribute positions, failures of every part, infinite
//! recursion, `outputs` that the native path must leave to the wrapper,
//! and calls at every depth up to the call-depth limit.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use tvix_eval::{EvalIO, Evaluator, FileType, Observer, Settings, StdIO};

/// Observes nothing; attaching it makes the evaluator run the wrapper.
struct Quiet;
impl Observer for Quiet {}

/// The real IO, with diagnostics kept for comparison.
struct Recording(Rc<RefCell<Vec<String>>>);

impl EvalIO for Recording {
    fn read_file(&self, path: &str) -> std::io::Result<Vec<u8>> {
        StdIO.read_file(path)
    }
    fn read_dir(&self, path: &str) -> std::io::Result<Vec<(String, FileType)>> {
        StdIO.read_dir(path)
    }
    fn file_type(&self, path: &str) -> std::io::Result<FileType> {
        StdIO.file_type(path)
    }
    fn path_exists(&self, path: &str) -> bool {
        StdIO.path_exists(path)
    }
    fn env_var(&self, name: &str) -> Option<String> {
        StdIO.env_var(name)
    }
    fn print_diagnostic(&self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

/// The value (or error, with its trace) and the diagnostics.
fn evaluate(src: &str, max_call_depth: Option<usize>, wrapper: bool) -> String {
    let diagnostics = Rc::new(RefCell::new(Vec::new()));
    let mut settings = Settings::default();
    if let Some(depth) = max_call_depth {
        settings.max_call_depth = depth;
    }
    let mut ev = Evaluator::new(Box::new(Recording(diagnostics.clone())), settings);
    if wrapper {
        ev.set_observer(Box::new(Quiet));
    }
    let out = match ev
        .eval_source("/test/case.nix", src, "/test")
        .and_then(|v| ev.force_deep(&v))
    {
        Ok(v) => tvix_eval::print::print_value(&v),
        Err(e) => e.render(&ev.sources, true),
    };
    format!(
        "{out}\n--- diagnostics:\n{}",
        diagnostics.borrow().join("\n")
    )
}

const DRV: &str = r#"name = "p"; system = "x86_64-linux"; builder = "/bin/sh";"#;

fn cases() -> Vec<(String, Option<usize>)> {
    let plain = |body: &str| (body.replace("DRV", DRV), None);
    let mut cases = vec![
        // Values.
        plain("derivation { DRV }"),
        plain(r#"derivation { DRV outputs = [ "out" "dev" "doc" ]; }"#),
        plain(r#"(derivation { DRV outputs = [ "out" "dev" ]; }).dev"#),
        plain(r#"map (o: o.outputName) (derivation { DRV outputs = [ "bin" "out" ]; }).all"#),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; }; in [ d.dev.out.dev.drvPath d.out.outPath (d == d.out) (d.dev == d) ]"#,
        ),
        plain(r#"let d = derivation { DRV args = [ "-c" "x" ]; env = 1; }; in d.drvAttrs"#),
        plain(r#"let d = derivation { DRV }; in d // { extra = 1; }"#),
        plain(r#"let d = derivation { DRV }; in [ "${d}" (toString d) (builtins.toJSON d) ]"#),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "lib" ]; }; in builtins.getContext "${d.lib}${d.drvPath}""#,
        ),
        plain(r#"builtins.toXML (derivation { DRV outputs = [ "out" "dev" ]; })"#),
        plain(r#"builtins.deepSeq (derivation { DRV outputs = [ "out" "dev" ]; }) 1"#),
        plain("[ (builtins.typeOf derivation) (builtins.functionArgs derivation) ]"),
        plain("derivation"),
        // Names the wrapper adds, given by the caller or as outputs.
        plain(
            r#"derivation { DRV type = "t"; all = 1; outPath = "o"; drvPath = 2; drvAttrs = 3; outputName = 4; }"#,
        ),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "all" "type" ]; }; in [ d.all d.type d.outputName ]"#,
        ),
        plain(r#"derivation { DRV outputs = [ "outPath" "drvAttrs" ]; }"#),
        plain(r#"(derivation { DRV outputs = [ "outputName" "out" ]; }).outputName"#),
        // Which parts are unforced.
        plain("builtins.trace (derivation { DRV }) 1"),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; }; in builtins.trace d (builtins.trace d.all (builtins.trace d.dev 1))"#,
        ),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; }; in builtins.seq d.outPath (builtins.seq d.dev.outPath (builtins.trace d.dev (builtins.trace d 1)))"#,
        ),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; }; in builtins.seq (builtins.length d.all) (builtins.trace d.all (builtins.trace d 1))"#,
        ),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; }; in builtins.seq (builtins.elemAt d.all 1).outPath (builtins.trace d.all (builtins.trace d.dev 1))"#,
        ),
        // Positions.
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; }; in map (n: builtins.unsafeGetAttrPos n d) (builtins.attrNames d)"#,
        ),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; }; in map (n: builtins.unsafeGetAttrPos n d.dev) (builtins.attrNames d.dev)"#,
        ),
        // Failures of the parts.
        plain(r#"(derivation { name = "p"; system = "x"; builder = throw "no"; }).outPath"#),
        plain(r#"(derivation { name = "p"; system = "x"; builder = throw "no"; }).drvPath"#),
        plain(
            r#"(derivation { name = "p"; system = "x"; builder = throw "no"; outputs = [ "out" "dev" ]; }).dev.outPath"#,
        ),
        plain(r#"(derivation { system = "x"; builder = "b"; }).outPath"#),
        plain(r#"(derivation { name = "p"; builder = "b"; }).drvPath"#),
        plain(r#"(derivation { name = "p x"; system = "x"; builder = "b"; }).drvPath"#),
        plain(
            r#"let d = derivation { name = "p"; system = "x"; builder = abort "no"; }; in [ (builtins.tryEval d.outPath) (builtins.tryEval d.drvPath) (builtins.tryEval d.outPath) ]"#,
        ),
        plain(
            r#"let d = derivation { name = "p"; system = "x"; builder = throw "no"; }; in [ (builtins.tryEval d.outPath) d.drvPath ]"#,
        ),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; builder = builtins.trace "forcing builder" "/bin/sh"; }; in [ d.dev.drvPath d.outPath d.drvPath ]"#,
        ),
        plain(r#"derivation 1"#),
        plain(
            r#"(derivation { DRV __structuredAttrs = true; outputs = [ "out" "dev" ]; }).dev.outPath"#,
        ),
        plain(
            r#"(derivation { DRV __ignoreNulls = true; outputs = [ "out" ]; x = null; }).drvPath"#,
        ),
        // Infinite recursion through the parts.
        plain(
            r#"let d = derivation { name = "p"; system = "x"; builder = "${d}"; }; in d.outPath"#,
        ),
        plain(
            r#"let d = derivation { name = "p"; system = "x"; builder = d.drvPath; }; in d.drvPath"#,
        ),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" "dev" ]; args = [ d.dev.outPath ]; }; in d.dev.outPath"#,
        ),
        plain(r#"let d = derivation { DRV outputs = d.outputs; }; in d"#),
        plain(r#"let d = derivation { DRV outputs = [ d.outputName ]; }; in d"#),
        // `outputs` the wrapper itself handles.
        plain(r#"derivation { DRV outputs = [ ]; }"#),
        plain(r#"derivation { DRV outputs = "out"; }"#),
        plain(r#"derivation { DRV outputs = [ "out" "out" ]; }"#),
        plain(r#"(derivation { DRV outputs = [ "out" "out" ]; }).outPath"#),
        plain(r#"(derivation { DRV outputs = [ "a b" ]; }).outPath"#),
        plain(r#"(derivation { DRV outputs = [ "" ]; }).outPath"#),
        plain(r#"(derivation { DRV outputs = [ "drvPath" ]; }).outPath"#),
        plain(r#"derivation { DRV outputs = [ 1 ]; }"#),
        plain(r#"derivation { DRV outputs = [ (throw "o") ]; }"#),
        plain(r#"derivation { DRV outputs = throw "outputs"; }"#),
        plain(r#"builtins.tryEval (derivation { DRV outputs = throw "outputs"; })"#),
        plain(r#"let o = derivation { DRV }; in derivation { DRV outputs = [ "${o}" ]; }"#),
        plain(
            r#"derivation { DRV outputs = builtins.trace "outputs" [ (builtins.trace "o1" "out") (builtins.trace "o2" "bin") ]; }"#,
        ),
        plain(r#"derivation { DRV outputs = [ (builtins.trace "o1" "out") (throw "o2") ]; }"#),
        plain(
            r#"let d = derivation { DRV outputs = [ "out" (builtins.trace "o2" "bin") ]; }; in [ d.bin.outPath d.outPath ]"#,
        ),
    ];
    // At every depth near the limit: the native path must fail, or not,
    // exactly where the wrapper does.
    for depth in 0..16 {
        for outputs in [
            r#"[ "out" ]"#,
            r#"[ "out" "dev" ]"#,
            r#"(let f = n: if n == 0 then [ "out" "dev" ] else f (n - 1); in f 3)"#,
        ] {
            cases.push((
                format!(
                    r#"let
                      go = n: if n == 0
                        then let
                          d = derivation {{ {DRV} outputs = {outputs}; }};
                          r = [ d.outPath d.dev.drvPath or null (map (x: x.outputName) d.all) ];
                        in builtins.deepSeq r r
                        else go (n - 1);
                    in go {depth}"#
                ),
                Some(12),
            ));
        }
    }
    cases
}

#[test]
fn native_results_equal_the_wrappers() {
    common::assert_both_ways_agree(
        cases(),
        |(src, _)| src.clone(),
        |(src, depth), wrapper| evaluate(src, *depth, wrapper),
        ["native", "wrapper"],
    );
}
