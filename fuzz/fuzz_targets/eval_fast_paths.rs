//! The evaluator's fast paths against its general ones, on arbitrary
//! source text. With an observer attached the evaluator takes the general
//! path everywhere (no inline operators or fused calls, `derivation` run
//! as its Nix wrapper, …); without one it takes the fast paths. A program
//! is evaluated first with the step-counting observer of `eval_source`;
//! if that finishes within the budget, it is evaluated again without any
//! observer (the same work, so it finishes too), and both must print the
//! same value or render the same error with the same trace. Neither may
//! panic.
//!
//! Budgets and IO as in `eval_source`: at most 4 KiB of source, a call
//! depth of 200, 200,000 steps for the observed run, reads confined to a
//! scratch directory. Programs that read the clock are skipped (two runs
//! may see different times).
//!
//! Run it without a sanitizer (`cargo fuzz run -s none eval_fast_paths`):
//! AddressSanitizer enlarges native stack frames, and the observed run,
//! whose hooks take more native stack per level, then runs out of stack
//! where the other reaches the call-depth limit — a property of the
//! instrumented build, not of the evaluator (the same program agrees in
//! an ordinary build).
#![no_main]

#[path = "eval_sandbox/mod.rs"]
mod eval_sandbox;

use eval_sandbox::{MAX_SOURCE, ScratchIO, StepBudget, scratch};
use libfuzzer_sys::fuzz_target;
use tvix_eval::observer::is_stop;
use tvix_eval::{Evaluator, Settings};

fn evaluate(text: &str, observed: bool) -> Option<String> {
    let base = scratch().to_string_lossy().into_owned();
    let settings = Settings {
        max_call_depth: 200,
        ..Settings::default()
    };
    let mut ev = Evaluator::new(Box::new(ScratchIO), settings);
    if observed {
        ev.set_observer(Box::new(StepBudget(0)));
    }
    let result = ev
        .eval_source(&format!("{base}/fuzz.nix"), text, &base)
        .and_then(|v| ev.force_deep(&v));
    match result {
        Ok(v) => Some(tvix_eval::print::print_value(&v)),
        // Out of budget: not compared.
        Err(e) if is_stop(&e) => None,
        Err(e) => Some(e.render(&ev.sources, true)),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_SOURCE {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains("currentTime") {
        return;
    }
    let text = text.to_owned();
    // Evaluation needs a big stack to fail cleanly on deep recursion.
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let Some(general) = evaluate(&text, true) else {
                return;
            };
            let fast = evaluate(&text, false).expect("no observer, no stop");
            assert_eq!(fast, general, "fast and general paths differ on:\n{text}");
        })
        .expect("evaluation thread")
        .join()
        .expect("evaluation thread panicked");
});
