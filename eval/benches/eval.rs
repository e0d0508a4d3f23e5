//! Evaluation benchmarks (never run by `cargo test`): a call-heavy,
//! an attribute-set-heavy and a list-heavy workload, each evaluated
//! strictly from source by a fresh `Evaluator`.

use criterion::{Criterion, criterion_group, criterion_main};
use tvix_eval::{Evaluator, Settings, StdIO};

const FIB: &str = "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 25";

const ATTRS: &str = r#"
let
  names = builtins.genList (i: "a${toString i}") 2000;
  set = builtins.listToAttrs (map (n: { name = n; value = n; }) names);
  updated = builtins.foldl' (acc: n: acc // { ${n} = acc.${n} + "!"; }) set (builtins.genList (i: "a${toString (i * 7)}") 200);
in builtins.length (builtins.attrNames (builtins.mapAttrs (k: v: v + k) updated))
"#;

const LISTS: &str = r#"
let
  xs = builtins.genList (i: i * 7919 - (i / 3) * 17) 20000;
  sorted = builtins.sort (a: b: a < b) xs;
  evens = builtins.filter (x: x / 2 * 2 == x) sorted;
in builtins.foldl' (a: b: a + b) 0 (map (x: x + 1) evens)
"#;

fn eval(src: &str) {
    let mut ev = Evaluator::new(Box::new(StdIO), Settings::default());
    let v = ev.eval_source("«bench»", src, "/").expect("evaluates");
    ev.force_deep(&v).expect("forces");
}

fn bench(c: &mut Criterion) {
    // Evaluation needs a big stack; run the whole benchmark on one.
    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    for (name, src) in [("fib-25", FIB), ("attrsets", ATTRS), ("lists", LISTS)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let src = src.to_owned();
                std::thread::Builder::new()
                    .stack_size(tvix_eval::EVAL_STACK)
                    .spawn(move || eval(&src))
                    .expect("thread starts")
                    .join()
                    .expect("no panic")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
