//! Resident memory stays flat when one process evaluates the same program
//! many times with fresh evaluators (the language server's situation):
//! after a warm-up of 50 evaluations, 150 more may not grow RSS by more than
//! a small allocator slack. The program is a self-contained miniature of
//! the module system (fixed points through `rec` and lambdas, option
//! merging with `//`, `mapAttrs`, `foldl'`, closures holding their frames),
//! i.e. full of the reference cycles that must not outlive an evaluation,
//! and derivations (whose results refer to themselves).
//! The 1,000-iteration soak over nixpkgs' real `lib.evalModules` is
//! `examples/soak.rs`. This file holds one test so that no other test
//! runs in the process while RSS is measured.

use tvix_eval::{EVAL_STACK, Evaluator, Settings, StdIO};

const PROGRAM: &str = r#"
let
  fix = f: let x = f x; in x;
  mkOption = default: { _type = "option"; inherit default; };
  modules = builtins.genList (i: self: {
    options."opt${toString i}" = mkOption i;
    config."opt${toString i}" = if i > 0 then self.config."opt${toString (i - 1)}" + 1 else 0;
    config.names = [ "m${toString i}" ];
  }) 300;
  merge = self: builtins.foldl' (acc: m: let r = m self; in {
    options = acc.options // r.options;
    config = acc.config // removeAttrs r.config [ "names" ] // { names = acc.config.names ++ r.config.names; };
  }) { options = { }; config = { names = [ ]; }; } modules;
  result = fix merge;
  rec-set = rec { a = b + 1; b = c * 2; c = builtins.length result.config.names; self = rec-set; };
  # Derivations hold themselves (`out`, `all`) and are made natively.
  drvs = builtins.genList (i: let
    d = derivation { name = "d${toString i}"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
  in [ d.outPath d.dev.drvPath (map (o: o.outputName) d.all) d.drvAttrs.name ]) 50;
in {
  inherit drvs;
  total = builtins.foldl' (a: b: a + b) 0 (builtins.attrValues (removeAttrs result.config [ "names" ]));
  defaults = builtins.mapAttrs (_: o: o.default) result.options;
  inherit (rec-set) a;
}
"#;

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn evaluate_once() -> usize {
    let mut ev = Evaluator::new(Box::new(StdIO), Settings::default());
    let v = ev
        .eval_source("/flat-memory.nix", PROGRAM, "/")
        .and_then(|v| ev.force_deep(&v))
        .unwrap_or_else(|e| panic!("{}", e.render(&ev.sources, true)));
    ev.show(&v).len()
}

#[test]
fn repeated_evaluations_keep_rss_flat() {
    std::thread::Builder::new()
        .stack_size(EVAL_STACK)
        .spawn(|| {
            let len = evaluate_once();
            for _ in 1..50 {
                assert_eq!(evaluate_once(), len);
            }
            let after_50 = rss_bytes();
            for _ in 50..200 {
                assert_eq!(evaluate_once(), len);
            }
            let after_200 = rss_bytes();
            let growth = after_200.saturating_sub(after_50);
            eprintln!("RSS after 50 evaluations: {after_50} bytes, after 200: {after_200} bytes");
            assert!(
                growth <= 1024 * 1024,
                "RSS grew by {growth} bytes between evaluation 50 ({after_50}) and 200 ({after_200})"
            );
        })
        .unwrap()
        .join()
        .unwrap();
}
