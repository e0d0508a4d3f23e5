//! The whole evaluator on arbitrary source text: parse, lower, evaluate and
//! force deeply, then print the value or render the error. None of it may
//! panic, crash or overflow the native stack; a bad program is an error.
//!
//! Budgets keep each input cheap: at most 4 KiB of source, a call depth of
//! 200, and 200,000 evaluation steps (counted by an observer that stops the
//! evaluation, which is an ordinary uncatchable error). File access is
//! confined to a scratch directory holding two small files; everything
//! else reads as "permission denied", the environment is empty, and store
//! objects are computed but never written.
#![no_main]

#[path = "eval_sandbox/mod.rs"]
mod eval_sandbox;

use eval_sandbox::{MAX_SOURCE, ScratchIO, StepBudget, scratch};
use libfuzzer_sys::fuzz_target;
use tvix_eval::{Evaluator, Settings};

fn evaluate(text: String) {
    let base = scratch().to_string_lossy().into_owned();
    let settings = Settings {
        max_call_depth: 200,
        ..Settings::default()
    };
    let mut ev = Evaluator::new(Box::new(ScratchIO), settings);
    ev.set_observer(Box::new(StepBudget(0)));
    let result = ev
        .eval_source(&format!("{base}/fuzz.nix"), &text, &base)
        .and_then(|v| ev.force_deep(&v));
    match result {
        Ok(v) => {
            let _ = ev.show(&v);
        }
        Err(e) => {
            let _ = e.render(&ev.sources, true);
            let _ = e.render(&ev.sources, false);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_SOURCE {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_owned();
    // Evaluation needs a big stack to fail cleanly on deep recursion.
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || evaluate(text))
        .expect("evaluation thread")
        .join()
        .expect("evaluation thread panicked");
});
