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

use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tvix_eval::observer::{DebugContext, DebugControl, ExprEvent, Observer, is_stop};
use tvix_eval::{EvalIO, Evaluator, FileType, Settings, StdIO};

const MAX_SOURCE: usize = 4096;
const MAX_STEPS: u64 = 200_000;

/// The only directory evaluation may read.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tvix-fuzz-eval-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).expect("scratch directory");
        std::fs::write(dir.join("default.nix"), "{ a = 1; b = [ 2 3 ]; }").unwrap();
        std::fs::write(dir.join("sub/data.txt"), "hello\n").unwrap();
        dir
    })
}

/// `StdIO` inside the scratch directory, nothing outside it.
struct ScratchIO;

impl ScratchIO {
    fn check(path: &str) -> io::Result<()> {
        let inside = std::path::Path::new(path)
            .components()
            .all(|c| !matches!(c, std::path::Component::ParentDir))
            && path.starts_with(scratch().to_str().unwrap_or("\0"));
        if inside {
            Ok(())
        } else {
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        }
    }
}

impl EvalIO for ScratchIO {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        Self::check(path)?;
        StdIO.read_file(path)
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        Self::check(path)?;
        StdIO.read_dir(path)
    }
    fn file_type(&self, path: &str) -> io::Result<FileType> {
        Self::check(path)?;
        StdIO.file_type(path)
    }
    fn path_exists(&self, path: &str) -> bool {
        Self::check(path).is_ok() && StdIO.path_exists(path)
    }
    fn env_var(&self, _name: &str) -> Option<String> {
        None
    }
    fn print_diagnostic(&self, _line: &str) {}
}

/// Stops the evaluation after [`MAX_STEPS`] expressions.
struct StepBudget(u64);

impl Observer for StepBudget {
    fn enter_expr(&mut self, _cx: &mut DebugContext<'_>, _e: &ExprEvent<'_>) -> DebugControl {
        self.0 += 1;
        if self.0 > MAX_STEPS {
            DebugControl::Stop
        } else {
            DebugControl::Continue
        }
    }
}

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
