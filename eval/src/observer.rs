//! Debug hooks: an [`Observer`] attached to an [`Evaluator`] is told what
//! the evaluation does, in order, and may stop it or inspect it.
//!
//! # Events
//!
//! - [`Observer::enter_expr`] / [`Observer::leave_expr`]: every lowered
//!   node evaluated to weak head normal form, with its position and scope.
//!   Enter and leave nest properly (a leave for every enter, even when the
//!   node fails), so they form a tree.
//! - [`Observer::call`] / [`Observer::call_return`]: applying a Nix
//!   function (a lambda, also through `__functor`) with the call site.
//! - [`Observer::builtin_call`] / [`Observer::builtin_return`]: a builtin
//!   runs, once all its arguments are there (partial applications are not
//!   calls).
//! - [`Observer::force_thunk_start`] / [`Observer::force_thunk_end`]: a
//!   suspended value starts and ends being computed — lazily, possibly far
//!   from where it was defined. Already computed thunks are not reported.
//! - [`Observer::error`]: an error leaves the innermost expression that
//!   raised it, with whether `tryEval` may catch it and whether a
//!   `tryEval` is active. A cached failed thunk forced again raises (and
//!   reports) its error again, as C++ Nix rethrows it.
//! - [`Observer::breakpoint`]: `builtins.break` was called.
//! - [`Observer::output`]: `trace`, `warn` and other diagnostics.
//!
//! # Stepping model
//!
//! Every event carries [`depth`](ExprEvent::depth): the number of
//! observed nodes, calls and thunk forcings currently open. A lazy
//! language has no statement sequence, so a debugger steps over this tree:
//! *step in* stops at the next `enter_expr`/`force_thunk_start`/`call`
//! whatever its depth (including a thunk forced as a side effect);
//! *step over* stops at the next `enter_expr` whose depth is at most the
//! current one (the current expression finished, including every thunk it
//! forced); *step out* stops when the current call or thunk ends
//! (`call_return`/`force_thunk_end` at the depth it was opened at), then
//! at the next expression. *Pause* is a flag the observer checks at the
//! next `enter_expr`. Stopping means blocking inside the callback (the
//! evaluation runs on its own thread) until the user resumes; the
//! callback's [`DebugControl`] then says whether to continue or to end the
//! evaluation with an uncatchable "evaluation stopped by the debugger"
//! error. A stack trace is the observer's own stack of open calls and
//! thunks, pushed and popped by the paired events.
//!
//! # Inspection without forcing
//!
//! [`Scope`] gives a node's frames and their slots; [`peek`] tells an
//! evaluated value from a suspended thunk, one under evaluation (the
//! `«potential infinite recursion»` case) or a failed one, without
//! forcing anything. Names of slots come from lowering: once an observer
//! has been attached, lowering records every node's static scope chain
//! ([`DebugContext::frame_names`]: one [`FrameNames`] per frame, matching
//! [`Scope::frames`] one to one), at no run-time cost per frame. While a
//! callback runs the observer is detached, so the [`DebugContext`] can
//! force values and evaluate expressions (a conditional breakpoint, a
//! watch) without triggering hooks — breakpoints are suspended during such
//! nested evaluations; [`DebugContext::evaluate_within`] and
//! [`DebugContext::force_within`] give up after a deadline, leaving the
//! thunks they were computing suspended (an interruption is never cached
//! as a thunk's outcome).
//!
//! # Cost
//!
//! The evaluator holds `Option<Box<dyn Observer>>`; each hook site is one
//! `is_some()` test on a field, predicted not taken, whose taken side is an
//! out-of-line cold function.

use std::rc::Rc;
use std::time::Instant;

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::Evaluator;
use crate::lower::Ir;
pub use crate::lower::{FrameKind, FrameNames};
use crate::pos::{Pos, Sources};
use crate::value::{Closure, Env, Thunk, ThunkState, Value};

/// What the evaluator should do after a callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DebugControl {
    /// Go on evaluating.
    #[default]
    Continue,
    /// End the evaluation with an uncatchable error.
    Stop,
}

/// The message of the error a [`DebugControl::Stop`] raises.
pub const STOPPED: &str = "evaluation stopped by the debugger";

/// Whether `e` is the error a [`DebugControl::Stop`] raised.
pub fn is_stop(e: &EvalError) -> bool {
    e.kind == ErrorKind::Eval && !e.pos.is_some() && e.message == STOPPED
}

/// The frames visible from a node: innermost first, up to the global one.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    env: &'a Rc<Env>,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(env: &'a Rc<Env>) -> Self {
        Scope { env }
    }

    /// The innermost frame, to keep (e.g. for a stopped frame's variables
    /// or an `evaluate` request later).
    pub fn env(&self) -> &'a Rc<Env> {
        self.env
    }

    /// The frames, innermost first; the last is the global frame.
    pub fn frames(&self) -> impl Iterator<Item = &'a Rc<Env>> + 'a {
        std::iter::successors(Some(self.env), |e| e.parent.as_ref())
    }

    /// The slots of the frame `depth` levels up, unforced.
    pub fn slots(&self, depth: usize) -> Vec<Value> {
        self.frames()
            .nth(depth)
            .map(|e| e.slots.borrow().to_vec())
            .unwrap_or_default()
    }
}

/// The state of a value, looked at without forcing it.
#[derive(Clone)]
pub enum Peek {
    /// In weak head normal form (a forced thunk shows its value).
    Value(Value),
    /// Suspended: not evaluated yet (`«thunk»`).
    Thunk,
    /// Being evaluated right now (forcing it would be infinite recursion).
    UnderEvaluation,
    /// Its evaluation failed with this error.
    Failed(Box<EvalError>),
    /// Its evaluation has ended and it was cleared.
    Cleared,
}

/// Looks at `v` without forcing it.
pub fn peek(v: &Value) -> Peek {
    match v {
        Value::Thunk(t) => match &*t.0.borrow() {
            ThunkState::Forced(v) => Peek::Value(v.clone()),
            ThunkState::Suspended(..) | ThunkState::Apply(..) | ThunkState::Native(_) => {
                Peek::Thunk
            }
            ThunkState::Blackhole(_) => Peek::UnderEvaluation,
            ThunkState::Failed(e) => Peek::Failed(e.clone()),
            ThunkState::Cleared => Peek::Cleared,
        },
        other => Peek::Value(other.clone()),
    }
}

/// A node about to be evaluated.
pub struct ExprEvent<'a> {
    /// The node (its kind tells what frame it makes, if any); shared, so
    /// that an observer may keep it while the node is open.
    pub ir: &'a Rc<Ir>,
    /// Its position.
    pub pos: Pos,
    /// The scope it is evaluated in.
    pub scope: Scope<'a>,
    /// Open nodes, calls and thunk forcings around it.
    pub depth: usize,
}

/// A node evaluated (or failed).
pub struct LeaveEvent<'a> {
    /// The node.
    pub ir: &'a Ir,
    /// Its position.
    pub pos: Pos,
    /// Its value or error.
    pub result: Result<&'a Value, &'a EvalError>,
    /// The same depth as its [`ExprEvent`].
    pub depth: usize,
}

/// A Nix function applied.
pub struct CallEvent<'a> {
    /// The function (`closure.lambda` has its name, formals, position).
    pub closure: &'a Rc<Closure>,
    /// The argument, unforced.
    pub arg: &'a Value,
    /// The call site (`Pos::NONE` for calls made by builtins).
    pub call_site: Pos,
    /// Open nodes, calls and thunk forcings around it.
    pub depth: usize,
}

impl CallEvent<'_> {
    /// The name the function was bound to, if any.
    pub fn name(&self) -> Option<&str> {
        self.closure.lambda.name.as_ref().map(|s| s.as_str())
    }
}

/// A Nix function returned (or failed).
pub struct ReturnEvent<'a> {
    /// The function.
    pub closure: &'a Rc<Closure>,
    /// The call site.
    pub call_site: Pos,
    /// Its value or error.
    pub result: Result<&'a Value, &'a EvalError>,
    /// The same depth as its [`CallEvent`].
    pub depth: usize,
}

/// A thunk starting or ending its evaluation.
pub struct ThunkEvent<'a> {
    /// The thunk (under evaluation: [`peek`] shows `UnderEvaluation`).
    pub thunk: &'a Thunk,
    /// Where its expression is (or the lazy application was made).
    pub pos: Pos,
    /// Its scope, for a suspended expression (`None` for an application
    /// made by a builtin).
    pub scope: Option<Scope<'a>>,
    /// At the end: its value or error; `None` at the start.
    pub result: Option<Result<&'a Value, &'a EvalError>>,
    /// Open nodes, calls and thunk forcings around it.
    pub depth: usize,
}

/// An error raised.
pub struct ErrorEvent<'a> {
    /// The error (its position and message; frames are added later as it
    /// unwinds).
    pub error: &'a EvalError,
    /// The node (or function) it left first: where to show it when the
    /// error itself has no position (`throw`).
    pub pos: Pos,
    /// Whether `tryEval` catches this kind of error.
    pub catchable: bool,
    /// Whether a `tryEval` is active (with `catchable`: it will be caught).
    pub inside_try_eval: bool,
    /// Open nodes, calls and thunk forcings.
    pub depth: usize,
}

/// A builtin running (all its arguments given) or returned.
pub struct BuiltinEvent<'a> {
    /// Its name in `builtins`.
    pub name: &'static str,
    /// Its arguments, unforced.
    pub args: &'a [Value],
    /// The call site (`Pos::NONE` for calls made by builtins).
    pub call_site: Pos,
    /// At the return: its value or error; `None` at the call.
    pub result: Option<Result<&'a Value, &'a EvalError>>,
    /// Open nodes, calls and thunk forcings around it.
    pub depth: usize,
}

/// `builtins.break` called.
pub struct BreakEvent<'a> {
    /// The call site (the innermost expression being evaluated).
    pub pos: Pos,
    /// Its argument, unforced (it is returned after the callback).
    pub value: &'a Value,
    /// Open nodes, calls and thunk forcings.
    pub depth: usize,
}

/// What kind of diagnostic an [`OutputEvent`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// `builtins.trace`.
    Trace,
    /// `builtins.warn` and other warnings.
    Warning,
    /// Anything else.
    Other,
}

/// A diagnostic line printed (also printed through `EvalIO`).
pub struct OutputEvent<'a> {
    /// Its kind.
    pub kind: OutputKind,
    /// The whole text (`trace: …`).
    pub text: &'a str,
}

/// What a callback may do with the evaluation: the observer is detached
/// while it runs, so nothing here triggers hooks.
pub struct DebugContext<'a> {
    pub(crate) ev: &'a mut Evaluator,
}

impl DebugContext<'_> {
    /// The sources, to map positions to files, lines and columns.
    pub fn sources(&self) -> &Sources {
        &self.ev.sources
    }

    /// Whether a `tryEval` is active.
    pub fn inside_try_eval(&self) -> bool {
        self.ev.try_depth > 0
    }

    /// Forces `v` (the user expanded a `«thunk»`).
    pub fn force(&mut self, v: &Value) -> EvalResult<Value> {
        self.ev.force(v)
    }

    /// Evaluates `text` (a watch, a breakpoint condition) with `bindings`
    /// in scope over the global frame; relative paths resolve against
    /// `base_dir`.
    pub fn evaluate(
        &mut self,
        text: &str,
        base_dir: &str,
        bindings: &[(&str, Value)],
    ) -> EvalResult<Value> {
        self.ev
            .eval_with_bindings("«debugger»", text, base_dir, bindings)
    }

    /// A value as error messages show it (forces nothing).
    pub fn show(&self, v: &Value) -> String {
        self.ev.show(v)
    }

    /// The names of the frames `ir` is evaluated in (innermost first, as
    /// [`Scope::frames`]), for code lowered while an observer was attached.
    pub fn frame_names(&self, ir: &Ir) -> Option<Rc<FrameNames>> {
        self.ev.frame_names.as_ref()?.scope_of(ir).cloned()
    }

    /// The global frame's names.
    pub fn global_names(&self) -> Option<Rc<FrameNames>> {
        self.ev.frame_names.as_ref().map(|t| t.global().clone())
    }

    /// Like [`DebugContext::evaluate`], giving up with a [`STOPPED`] error
    /// at `deadline`.
    pub fn evaluate_within(
        &mut self,
        text: &str,
        base_dir: &str,
        bindings: &[(&str, Value)],
        deadline: Instant,
    ) -> EvalResult<Value> {
        self.with_deadline(deadline, |ev| {
            ev.eval_with_bindings("«debugger»", text, base_dir, bindings)
        })
    }

    /// Like [`DebugContext::force`], giving up with a [`STOPPED`] error at
    /// `deadline` (the value stays suspended).
    pub fn force_within(&mut self, v: &Value, deadline: Instant) -> EvalResult<Value> {
        self.with_deadline(deadline, |ev| ev.force(v))
    }

    /// Runs `f` with an observer that only watches the clock.
    fn with_deadline<T>(
        &mut self,
        deadline: Instant,
        f: impl FnOnce(&mut Evaluator) -> EvalResult<T>,
    ) -> EvalResult<T> {
        let outer = self.ev.observer.replace(Box::new(Deadline {
            at: deadline,
            ticks: 0,
        }));
        let r = f(self.ev);
        self.ev.observer = outer;
        r
    }
}

/// Stops an evaluation at a deadline (the clock is read every 256 nodes).
struct Deadline {
    at: Instant,
    ticks: u32,
}

impl Observer for Deadline {
    fn enter_expr(&mut self, _: &mut DebugContext<'_>, _: &ExprEvent<'_>) -> DebugControl {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(256) && Instant::now() >= self.at {
            DebugControl::Stop
        } else {
            DebugControl::Continue
        }
    }
}

/// Receives the evaluator's debug events; every method has a default that
/// does nothing and continues.
#[allow(unused_variables)]
pub trait Observer {
    /// A node is about to be evaluated.
    fn enter_expr(&mut self, cx: &mut DebugContext<'_>, e: &ExprEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A node was evaluated (or failed).
    fn leave_expr(&mut self, cx: &mut DebugContext<'_>, e: &LeaveEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A Nix function is applied.
    fn call(&mut self, cx: &mut DebugContext<'_>, e: &CallEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A Nix function returned (or failed).
    fn call_return(&mut self, cx: &mut DebugContext<'_>, e: &ReturnEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A builtin runs.
    fn builtin_call(&mut self, cx: &mut DebugContext<'_>, e: &BuiltinEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A builtin returned (or failed).
    fn builtin_return(&mut self, cx: &mut DebugContext<'_>, e: &BuiltinEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A thunk starts being evaluated.
    fn force_thunk_start(&mut self, cx: &mut DebugContext<'_>, e: &ThunkEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A thunk was evaluated (or failed).
    fn force_thunk_end(&mut self, cx: &mut DebugContext<'_>, e: &ThunkEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// An error was raised.
    fn error(&mut self, cx: &mut DebugContext<'_>, e: &ErrorEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// `builtins.break` was called.
    fn breakpoint(&mut self, cx: &mut DebugContext<'_>, e: &BreakEvent<'_>) -> DebugControl {
        DebugControl::Continue
    }
    /// A diagnostic was printed.
    fn output(&mut self, e: &OutputEvent<'_>) {}
}
