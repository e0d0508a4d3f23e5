//! What the evaluation fuzz targets share: the budgets, and IO confined
//! to a scratch directory (see `eval_source.rs`).

use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

use tvix_eval::observer::{DebugContext, DebugControl, ExprEvent, Observer};
use tvix_eval::{EvalIO, FileType, StdIO};

/// Longest source evaluated.
pub const MAX_SOURCE: usize = 4096;
/// Steps the observed evaluation may take.
const MAX_STEPS: u64 = 200_000;

/// The only directory evaluation may read.
pub fn scratch() -> &'static PathBuf {
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
pub struct ScratchIO;

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
pub struct StepBudget(pub u64);

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
