//! Running cases: mapping `nix-instantiate` arguments to `tvix`, the
//! environment, merged output, timeouts and the thread pool.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use super::corpus::Case;

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The exit status; `None` when killed by a signal (or by the timeout).
    pub status: Option<i32>,
    /// stdout, or stdout and stderr merged when the category merges them.
    pub stdout: Vec<u8>,
    /// stderr; empty when merged into `stdout`.
    pub stderr: Vec<u8>,
    pub timed_out: bool,
    /// Set when the binary could not be started at all.
    pub spawn_error: Option<String>,
}

/// Settings of the upstream test `nix.conf`, for an evaluator that reads
/// `NIX_CONFIG` as C++ Nix does.
const NIX_CONFIG: &str =
    "show-trace = true\nexperimental-features = nix-command flakes\npure-eval = false\n";

/// Output beyond this many bytes per stream is read and dropped, so a
/// runaway evaluator cannot exhaust memory before its timeout.
const OUTPUT_CAP: usize = 16 << 20;

/// The `tvix` command line for upstream `nix-instantiate` arguments:
/// `--parse` → `tvix parse`, `--eval` → `tvix eval`, otherwise
/// `tvix instantiate`, each with the remaining arguments unchanged.
pub fn tvix_args(nix_args: &[String]) -> Vec<String> {
    let (subcommand, mode_flag) = if nix_args.iter().any(|a| a == "--parse") {
        ("parse", "--parse")
    } else if nix_args.iter().any(|a| a == "--eval") {
        ("eval", "--eval")
    } else {
        ("instantiate", "")
    };
    std::iter::once(subcommand.to_owned())
        .chain(nix_args.iter().filter(|a| *a != mode_flag).cloned())
        .collect()
}

/// Runs one case with `cwd` (the parent of `lang/`) as working directory.
pub fn run(bin: &Path, cwd: &Path, case: &Case, timeout: Duration) -> Outcome {
    match run_inner(bin, cwd, case, timeout) {
        Ok(outcome) => outcome,
        Err(e) => Outcome {
            spawn_error: Some(format!("cannot run {}: {e}", bin.display())),
            ..Outcome::default()
        },
    }
}

fn run_inner(bin: &Path, cwd: &Path, case: &Case, timeout: Duration) -> io::Result<Outcome> {
    let mut cmd = Command::new(bin);
    cmd.args(tvix_args(&case.nix_args))
        .current_dir(cwd)
        .env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    // The common environment; `NO_SUCH_VAR` and `NIX_PATH` stay unset
    // unless the case adds them.
    cmd.env("TEST_VAR", "foo")
        .env("IMPURE_VAR1", "foo")
        .env("IMPURE_VAR2", "bar")
        .env("NIX_STORE_DIR", "/nix/store")
        .env("NIX_REMOTE", "dummy://")
        .env("NIX_CONFIG", NIX_CONFIG);
    for (key, value) in &case.env {
        cmd.env(key, value);
    }
    cmd.stdin(if case.stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });

    let (tx, rx) = mpsc::channel();
    let merged = case.category.merges_output();
    let mut child = if merged {
        // One pipe for both streams keeps the order in which they were written.
        let (reader, writer) = io::pipe()?;
        cmd.stdout(writer.try_clone()?).stderr(writer);
        let child = cmd.spawn()?;
        // The command holds our copies of the write end; drop them so the
        // reader sees end-of-file when the child exits.
        drop(cmd);
        collect(reader, 0, tx);
        child
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        if let Some(out) = child.stdout.take() {
            collect(out, 0, tx.clone());
        }
        if let Some(err) = child.stderr.take() {
            collect(err, 1, tx);
        }
        child
    };
    if let (Some(bytes), Some(mut stdin)) = (case.stdin.clone(), child.stdin.take()) {
        // A child that exits without reading makes this fail; that is its verdict.
        thread::spawn(move || stdin.write_all(&bytes));
    }

    let (status, timed_out) = wait_with_timeout(&mut child, timeout)?;
    let mut outcome = Outcome {
        status,
        timed_out,
        ..Outcome::default()
    };
    // Readers finish when every holder of the pipe has exited; a stray
    // grandchild must not hang the harness, hence the bound.
    let streams = if merged { 1 } else { 2 };
    for _ in 0..streams {
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok((0, bytes)) => outcome.stdout = bytes,
            Ok((_, bytes)) => outcome.stderr = bytes,
            Err(_) => break,
        }
    }
    Ok(outcome)
}

/// Reads `stream` to its end on a thread, keeping at most [`OUTPUT_CAP`]
/// bytes, and sends `(index, bytes)`.
fn collect(
    mut stream: impl Read + Send + 'static,
    index: usize,
    tx: mpsc::Sender<(usize, Vec<u8>)>,
) {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = OUTPUT_CAP.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        let _ = tx.send((index, kept));
    });
}

/// Waits for the child, killing it once `timeout` has passed. Returns the
/// exit code (`None` if killed by a signal) and whether it timed out.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> io::Result<(Option<i32>, bool)> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((status.code(), false));
        }
        if Instant::now() >= deadline {
            // It may exit between the check and the kill; the wait reaps it either way.
            let _ = child.kill();
            child.wait()?;
            return Ok((None, true));
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Applies `work` to every item on `threads` threads pulling from a shared
/// queue; results come back in input order.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..threads.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = work(item);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.expect("every queued item was processed"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_nix_instantiate_modes_to_subcommands() {
        let args = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(tvix_args(&args("--parse -")), args("parse -"));
        assert_eq!(
            tvix_args(&args("--eval --strict --show-trace f.nix")),
            args("eval --strict --show-trace f.nix")
        );
        assert_eq!(
            tvix_args(&args("--max-call-depth 100 f.nix")),
            args("instantiate --max-call-depth 100 f.nix")
        );
    }

    #[test]
    fn kills_a_child_after_the_timeout() {
        let Ok(mut child) = Command::new("sleep").arg("30").spawn() else {
            return;
        };
        let started = Instant::now();
        let (status, timed_out) =
            wait_with_timeout(&mut child, Duration::from_millis(100)).expect("wait for sleep");
        assert!(timed_out && status.is_none());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
