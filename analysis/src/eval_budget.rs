//! The limits of one evaluation in the editor: wall-clock time, evaluation
//! steps and memory, and cancellation by the next edit. An observer on the
//! evaluator checks them as expressions are entered and stops the
//! evaluation cleanly (the evaluator unwinds with a "stopped" error; no
//! thread is killed).
//!
//! Memory is measured as the growth of the process's resident set since
//! the evaluation started, read from `/proc/self/status` every few
//! thousand steps; elsewhere than Linux only time and steps bound an
//! evaluation. A single builtin call (`genList` of a huge length) cannot
//! be interrupted, so the limit is a bound checked between steps, not an
//! allocator cap.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tvix_eval::observer::{DebugContext, ExprEvent};
use tvix_eval::{DebugControl, Observer};

/// Limits of one evaluation.
#[derive(Debug, Clone, Copy)]
pub struct EvalBudget {
    /// Wall-clock limit.
    pub timeout: Duration,
    /// Expressions entered at most.
    pub max_steps: u64,
    /// Growth of the resident set at most, in bytes.
    pub max_memory: u64,
}

/// Stops an evaluation when the workspace changes.
#[derive(Clone)]
pub(crate) struct CancelToken {
    pub(crate) generation: Arc<AtomicU64>,
    pub(crate) started_at: u64,
}

impl CancelToken {
    pub(crate) fn is_cancelled(&self) -> bool {
        self.generation.load(Ordering::SeqCst) != self.started_at
    }
}

/// How many steps pass between checks of the clock and the flag: checking
/// every step would dominate.
const CHECK_EVERY: u64 = 1024;
/// How many steps pass between reads of the resident set (a file read).
const MEMORY_CHECK_EVERY: u64 = 16 * 1024;

/// Ends the evaluation when the budget is spent or the workspace changed.
pub(crate) struct BudgetObserver {
    deadline: Instant,
    steps_left: u64,
    /// Resident bytes at the start and the most it may grow by; `None`
    /// where the resident set cannot be read.
    memory: Option<(u64, u64)>,
    cancel: CancelToken,
    exhausted: Arc<AtomicBool>,
}

impl BudgetObserver {
    /// An observer enforcing `budget` from now on; it sets `exhausted`
    /// when it stops the evaluation.
    pub(crate) fn new(
        budget: EvalBudget,
        cancel: CancelToken,
        exhausted: Arc<AtomicBool>,
    ) -> BudgetObserver {
        BudgetObserver {
            deadline: Instant::now() + budget.timeout,
            steps_left: budget.max_steps.max(CHECK_EVERY),
            memory: resident_bytes().map(|start| (start, budget.max_memory)),
            cancel,
            exhausted,
        }
    }

    fn over_budget(&self) -> bool {
        if self.steps_left == 0 || Instant::now() > self.deadline || self.cancel.is_cancelled() {
            return true;
        }
        if let Some((start, limit)) = self.memory
            && self.steps_left.is_multiple_of(MEMORY_CHECK_EVERY)
            && resident_bytes().is_some_and(|now| now.saturating_sub(start) > limit)
        {
            return true;
        }
        false
    }
}

impl Observer for BudgetObserver {
    fn enter_expr(&mut self, _cx: &mut DebugContext<'_>, _e: &ExprEvent<'_>) -> DebugControl {
        self.steps_left = self.steps_left.saturating_sub(1);
        if self.steps_left.is_multiple_of(CHECK_EVERY) && self.over_budget() {
            self.exhausted.store(true, Ordering::SeqCst);
            return DebugControl::Stop;
        }
        DebugControl::Continue
    }
}

/// The process's resident set in bytes (Linux), from the `VmRSS` line of
/// `/proc/self/status`.
pub(crate) fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::fixture;
    use crate::{AnalysisSettings, Change};

    /// Evaluates `/main.nix` of `text` with a memory budget of `mib` and
    /// no other effective limit.
    fn evaluate_with_memory(text: &str, mib: u64) -> (crate::FileEvaluation, Duration) {
        let (mut host, _) = fixture(text);
        host.apply_change(Change {
            settings: Some(AnalysisSettings {
                eval_max_memory_mb: mib,
                eval_max_steps: u64::MAX,
                eval_timeout_ms: 600_000,
                ..AnalysisSettings::default()
            }),
            ..Change::default()
        });
        let analysis = host.analysis();
        let file = analysis.file_id("/main.nix").unwrap().unwrap();
        let started = Instant::now();
        let result = analysis.evaluate_file(file).unwrap().unwrap();
        (result, started.elapsed())
    }

    /// Builds about 2 million strings, each forced by a step of `filter`.
    const HUNGRY: &str = r#"{ n = builtins.length (builtins.filter (s: s != "") (builtins.genList (x: "item number ${toString x} with some padding to make it long") 2000000)); }"#;

    #[test]
    fn a_memory_hungry_evaluation_stops_at_its_budget() {
        if resident_bytes().is_none() {
            return;
        }
        let (result, elapsed) = evaluate_with_memory(HUNGRY, 64);
        assert!(result.incomplete, "{result:?} after {elapsed:?}");
        assert!(result.errors.is_empty(), "{result:?}");
        // The same evaluation with room for it finishes.
        let (result, _) = evaluate_with_memory(
            "{ n = builtins.length (builtins.genList (x: x) 1000); }",
            64,
        );
        assert!(!result.incomplete, "{result:?}");
    }

    #[test]
    fn the_resident_set_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let bytes = resident_bytes().expect("VmRSS in /proc/self/status");
            assert!(bytes > 1024 * 1024, "{bytes}");
        }
    }
}
