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

use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tvix_eval::observer::{DebugContext, DebugControl, ExprEvent, Observer};
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
