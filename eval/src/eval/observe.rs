//! The taken side of the debug hooks: out of line and cold, so that with
//! no observer attached each hook site costs one predicted branch.

use std::rc::Rc;

use super::Evaluator;
use crate::error::{EvalError, EvalResult};
use crate::lower::Ir;
use crate::observer::{
    BreakEvent, BuiltinEvent, CallEvent, DebugContext, DebugControl, ErrorEvent, ExprEvent,
    LeaveEvent, Observer, OutputEvent, OutputKind, ReturnEvent, STOPPED, Scope, ThunkEvent,
};
use crate::pos::Pos;
use crate::value::{Closure, Env, Thunk, ThunkState, Value};

/// Identifies a reported error: its address plus what it says, so that a
/// new error reusing a freed one's address is still reported.
fn fingerprint(e: &EvalError) -> (usize, Pos, usize) {
    (e as *const EvalError as usize, e.pos, e.message.len())
}

impl Evaluator {
    /// Attaches `observer` (replacing and returning the previous one).
    /// From now on lowering records frame names for it.
    pub fn set_observer(&mut self, observer: Box<dyn Observer>) -> Option<Box<dyn Observer>> {
        if self.frame_names.is_none() {
            self.frame_names = Some(crate::lower::NameTable::new(&self.globals));
        }
        self.observer.replace(observer)
    }

    /// Detaches the observer and returns it.
    pub fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        self.observer.take()
    }

    /// Whether an observer is attached.
    pub fn has_observer(&self) -> bool {
        self.observer.is_some()
    }

    /// Runs `f` on the observer, detached meanwhile so that what the
    /// callback evaluates triggers no hooks.
    fn notify(
        &mut self,
        f: impl FnOnce(&mut dyn Observer, &mut DebugContext<'_>) -> DebugControl,
    ) -> EvalResult<()> {
        let Some(mut obs) = self.observer.take() else {
            return Ok(());
        };
        let control = f(&mut *obs, &mut DebugContext { ev: self });
        if self.observer.is_none() {
            self.observer = Some(obs);
        }
        match control {
            DebugControl::Continue => Ok(()),
            DebugControl::Stop => {
                let e = EvalError::eval(STOPPED, Pos::NONE);
                self.obs_last_error = fingerprint(&e);
                Err(e)
            }
        }
    }

    /// Reports `e` unless it was reported already.
    fn observe_error(&mut self, e: &EvalError, pos: Pos) {
        let fp = fingerprint(e);
        if fp == self.obs_last_error {
            return;
        }
        self.obs_last_error = fp;
        let inside_try_eval = self.try_depth > 0;
        let depth = self.obs_depth;
        // An error is already on its way out; a stop changes nothing.
        let _ = self.notify(|o, cx| {
            o.error(
                cx,
                &ErrorEvent {
                    error: e,
                    pos,
                    catchable: e.kind.is_catchable(),
                    inside_try_eval,
                    depth,
                },
            )
        });
    }

    /// `eval` with an observer attached.
    #[cold]
    #[inline(never)]
    pub(super) fn eval_observed(&mut self, ir: &Rc<Ir>, env: &Rc<Env>) -> EvalResult<Value> {
        let depth = self.obs_depth;
        let prev_error = self.obs_last_error;
        self.notify(|o, cx| {
            o.enter_expr(
                cx,
                &ExprEvent {
                    ir,
                    pos: ir.pos,
                    scope: Scope::new(env),
                    depth,
                },
            )
        })?;
        self.obs_depth += 1;
        let outer_pos = std::mem::replace(&mut self.obs_pos, ir.pos);
        let r = self.eval_node(ir, env);
        self.obs_pos = outer_pos;
        self.obs_depth -= 1;
        match &r {
            Ok(_) => self.obs_last_error = prev_error,
            Err(e) => self.observe_error(e, ir.pos),
        }
        let left = self.notify(|o, cx| {
            o.leave_expr(
                cx,
                &LeaveEvent {
                    ir,
                    pos: ir.pos,
                    result: r.as_ref().map_err(|e| &**e),
                    depth,
                },
            )
        });
        left?;
        r
    }

    /// Applying a lambda with an observer attached.
    #[cold]
    #[inline(never)]
    pub(super) fn call_lambda_observed(
        &mut self,
        c: &Rc<Closure>,
        arg: Value,
        pos: Pos,
    ) -> EvalResult<Value> {
        let depth = self.obs_depth;
        self.notify(|o, cx| {
            o.call(
                cx,
                &CallEvent {
                    closure: c,
                    arg: &arg,
                    call_site: pos,
                    depth,
                },
            )
        })?;
        self.obs_depth += 1;
        let r = self.call_lambda(c, arg, pos);
        self.obs_depth -= 1;
        if let Err(e) = &r {
            self.observe_error(e, c.lambda.pos);
        }
        self.notify(|o, cx| {
            o.call_return(
                cx,
                &ReturnEvent {
                    closure: c,
                    call_site: pos,
                    result: r.as_ref().map_err(|e| &**e),
                    depth,
                },
            )
        })?;
        r
    }

    /// Evaluating a thunk (taken out as `state`) with an observer attached.
    #[cold]
    #[inline(never)]
    pub(super) fn force_thunk_observed(
        &mut self,
        t: &Thunk,
        state: ThunkState,
    ) -> EvalResult<Value> {
        let depth = self.obs_depth;
        let (pos, env) = match &state {
            ThunkState::Suspended(ir, env) => (ir.pos, Some(env.clone())),
            ThunkState::Apply(_, _, pos) => (*pos, None),
            _ => (Pos::NONE, None),
        };
        let started = self.notify(|o, cx| {
            o.force_thunk_start(
                cx,
                &ThunkEvent {
                    thunk: t,
                    pos,
                    scope: env.as_ref().map(Scope::new),
                    result: None,
                    depth,
                },
            )
        });
        if let Err(e) = started {
            // Stopped before it began: it stays suspended.
            *t.0.borrow_mut() = state;
            return Err(e);
        }
        self.obs_depth += 1;
        let r = self.finish_thunk(t, state);
        self.obs_depth -= 1;
        self.notify(|o, cx| {
            o.force_thunk_end(
                cx,
                &ThunkEvent {
                    thunk: t,
                    pos,
                    scope: env.as_ref().map(Scope::new),
                    result: Some(r.as_ref().map_err(|e| &**e)),
                    depth,
                },
            )
        })?;
        r
    }

    /// A saturated builtin with an observer attached.
    #[cold]
    #[inline(never)]
    pub(super) fn call_primop_observed(
        &mut self,
        op: &'static crate::builtins::PrimOp,
        args: &[Value],
        pos: Pos,
    ) -> EvalResult<Value> {
        let depth = self.obs_depth;
        self.notify(|o, cx| {
            o.builtin_call(
                cx,
                &BuiltinEvent {
                    name: op.name,
                    args,
                    call_site: pos,
                    result: None,
                    depth,
                },
            )
        })?;
        self.obs_depth += 1;
        let r = self.run_primop(op, args, pos);
        self.obs_depth -= 1;
        if let Err(e) = &r {
            self.observe_error(e, if pos.is_some() { pos } else { self.obs_pos });
        }
        self.notify(|o, cx| {
            o.builtin_return(
                cx,
                &BuiltinEvent {
                    name: op.name,
                    args,
                    call_site: pos,
                    result: Some(r.as_ref().map_err(|e| &**e)),
                    depth,
                },
            )
        })?;
        r
    }

    /// `builtins.break` with an observer attached.
    #[cold]
    #[inline(never)]
    pub(crate) fn observe_break(&mut self, value: &Value, pos: Pos) -> EvalResult<()> {
        let depth = self.obs_depth;
        // Builtins get no position; the call is the innermost node.
        let pos = if pos.is_some() { pos } else { self.obs_pos };
        self.notify(|o, cx| o.breakpoint(cx, &BreakEvent { pos, value, depth }))
    }

    /// A diagnostic line with an observer attached.
    #[cold]
    #[inline(never)]
    pub(super) fn observe_output(&mut self, text: &str) {
        let kind = if text.starts_with("trace: ") {
            OutputKind::Trace
        } else if text.starts_with("evaluation warning:") || text.starts_with("warning:") {
            OutputKind::Warning
        } else {
            OutputKind::Other
        };
        if let Some(obs) = self.observer.as_mut() {
            obs.output(&OutputEvent { kind, text });
        }
    }
}
