//! Soak test: evaluates one Nix file many times in one process, each time
//! with a fresh `Evaluator`, and prints the resident set size every 100
//! iterations, to show that memory stays flat in a long-running process
//! (the language server's situation). Not part of `cargo test`; the cheap
//! check that is lives in `tests/flat_memory.rs`.
//!
//! usage: cargo run --release -p tvix-eval --example soak -- [FILE] [ITERATIONS]
//! (default: benches/eval/lib-modules.nix, after benches/fetch-nixpkgs-lib.sh,
//! 1,000 iterations). Each result is forced deeply and printed to a string,
//! and its length is checked to be the same every time.

use std::time::Instant;

use tvix_eval::{EVAL_STACK, Evaluator, Settings, StdIO};

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../benches/eval/lib-modules.nix"
        )
        .to_string()
    });
    let iterations: usize = args
        .next()
        .map_or(1000, |n| n.parse().expect("ITERATIONS is a number"));
    let file = std::fs::canonicalize(&file)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .to_string_lossy()
        .into_owned();
    let text = std::fs::read_to_string(&file).unwrap();
    let base = std::path::Path::new(&file)
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    std::thread::Builder::new()
        .stack_size(EVAL_STACK)
        .spawn(move || {
            println!(
                "soak: {file}, {iterations} iterations, RSS at start {} KiB",
                rss_kib()
            );
            let start = Instant::now();
            let mut expected_len = None;
            for i in 1..=iterations {
                let mut ev = Evaluator::new(Box::new(StdIO), Settings::default());
                let printed = match ev
                    .eval_source(&file, &text, &base)
                    .and_then(|v| ev.force_deep(&v))
                {
                    Ok(v) => ev.show(&v),
                    Err(e) => panic!("{}", e.render(&ev.sources, true)),
                };
                drop(ev);
                assert_eq!(*expected_len.get_or_insert(printed.len()), printed.len());
                if i % 100 == 0 || i == 1 {
                    println!(
                        "iteration {i:>5}: RSS {:>7} KiB, {:.1} s",
                        rss_kib(),
                        start.elapsed().as_secs_f64()
                    );
                }
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
