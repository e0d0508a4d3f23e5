//! Function application: lambdas (with formals), builtins (partial
//! application), and sets with `__functor`.

use std::rc::Rc;

use super::Evaluator;
use super::expr::{did_you_mean, frame, frame_with};
use crate::error::{EvalError, EvalResult, trace_only_frame};
use crate::lower::{Ir, IrKind, Lambda};
use crate::pos::Pos;
use crate::value::{Closure, Env, PrimOpApp, Slots, Value};

impl Evaluator {
    /// Applies `f` to `arg` (a value or thunk); `pos` is the call site.
    pub fn call(&mut self, f: Value, arg: Value, pos: Pos) -> EvalResult<Value> {
        let f = self.force_owned(f)?;
        self.enter_call(pos)?;
        let r = self.call_forced(f, arg, pos);
        self.leave_call();
        r
    }

    /// How many of `available` arguments a builtin (or a partial
    /// application of one) `f` takes before running, when that many are
    /// available and it needs more than one.
    #[inline]
    pub(crate) fn saturates(&self, f: &Value, available: usize) -> Option<usize> {
        let need = match f {
            Value::PrimOp(op) => op.arity,
            Value::PrimOpApp(app) => app.op.arity - app.args.len(),
            _ => return None,
        };
        (need > 1 && need <= available).then_some(need)
    }

    /// Applies the builtin (or partial application) `f`, which
    /// [`Evaluator::saturates`] accepted, to the lowered `args` at once.
    /// Out of line: its argument arrays would otherwise enlarge the native
    /// frame of every call node.
    #[inline(never)]
    pub(crate) fn call_saturated(
        &mut self,
        f: &Value,
        args: &[Rc<Ir>],
        env: &Rc<Env>,
        pos: Pos,
    ) -> EvalResult<Value> {
        self.enter_call(pos)?;
        let r = match f {
            Value::PrimOp(op) => match args {
                [a, b] => {
                    let argv = [self.make_thunk(a, env), self.make_thunk(b, env)];
                    self.call_primop(op, &argv, pos)
                }
                [a, b, c] => {
                    let argv = [
                        self.make_thunk(a, env),
                        self.make_thunk(b, env),
                        self.make_thunk(c, env),
                    ];
                    self.call_primop(op, &argv, pos)
                }
                _ => {
                    let argv: Vec<Value> = args.iter().map(|a| self.make_thunk(a, env)).collect();
                    self.call_primop(op, &argv, pos)
                }
            },
            Value::PrimOpApp(app) => {
                let mut argv = Vec::with_capacity(app.op.arity);
                argv.extend(app.args.iter().cloned());
                argv.extend(args.iter().map(|a| self.make_thunk(a, env)));
                self.call_primop(app.op, &argv, pos)
            }
            _ => unreachable!("saturates accepts builtins only"),
        };
        self.leave_call();
        r
    }

    #[inline(always)]
    fn call_forced(&mut self, f: Value, arg: Value, pos: Pos) -> EvalResult<Value> {
        match f {
            Value::Lambda(c) => {
                let r = if self.observer.is_some() {
                    self.call_lambda_observed(&c, arg, pos)
                } else {
                    self.call_lambda(&c, arg, pos)
                };
                from_call_site(r, pos)
            }
            other => self.call_non_lambda(other, arg, pos),
        }
    }

    /// Applies a builtin, a partial application or a functor (out of line,
    /// keeping the lambda path's native frame small).
    #[inline(never)]
    fn call_non_lambda(&mut self, f: Value, arg: Value, pos: Pos) -> EvalResult<Value> {
        match f {
            Value::PrimOp(op) => {
                if op.arity == 1 {
                    self.call_primop(op, &[arg], pos)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp {
                        op,
                        args: vec![arg],
                    })))
                }
            }
            Value::PrimOpApp(app) => {
                let mut args = app.args.clone();
                args.push(arg);
                if args.len() == app.op.arity {
                    self.call_primop(app.op, &args, pos)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp { op: app.op, args })))
                }
            }
            Value::Attrs(ref a) if a.get("__functor").is_some() => {
                let functor = a
                    .get("__functor")
                    .map(|x| x.value.clone())
                    .unwrap_or(Value::Null);
                let inner = self.call(functor, f.clone(), pos).map_err(frame(
                    "while calling a functor (an attribute set with a '__functor' attribute)",
                    pos,
                ))?;
                self.call(inner, arg, pos).map_err(frame(
                    "while calling a functor (an attribute set with a '__functor' attribute)",
                    pos,
                ))
            }
            other => Err(EvalError::eval(
                format!(
                    "attempt to call something which is not a function but {}: {}",
                    other.show_type(),
                    self.show(&other)
                ),
                pos,
            )),
        }
    }

    #[inline]
    fn call_primop(
        &mut self,
        op: &'static crate::builtins::PrimOp,
        args: &[Value],
        pos: Pos,
    ) -> EvalResult<Value> {
        if self.observer.is_some() {
            return self.call_primop_observed(op, args, pos);
        }
        self.run_primop(op, args, pos)
    }

    /// Runs a saturated builtin, adding its trace frame to errors.
    pub(super) fn run_primop(
        &mut self,
        op: &'static crate::builtins::PrimOp,
        args: &[Value],
        pos: Pos,
    ) -> EvalResult<Value> {
        op.run(self, args, pos).map_err(|e| {
            // C++ Nix registers `addErrorContext` without this frame.
            if op.name == "addErrorContext" {
                return e;
            }
            frame_with(|| format!("while calling the '{}' builtin", op.name), pos)(e)
        })
    }

    pub(super) fn call_lambda(
        &mut self,
        c: &Rc<Closure>,
        arg: Value,
        pos: Pos,
    ) -> EvalResult<Value> {
        self.call_lambda_in(&c.lambda, &c.env, arg, pos)
    }

    /// Applies the function `l` defined in `outer` (a closure's two
    /// halves) to `arg`.
    #[inline]
    fn call_lambda_in(
        &mut self,
        l: &Rc<Lambda>,
        outer: &Rc<Env>,
        arg: Value,
        pos: Pos,
    ) -> EvalResult<Value> {
        let Some(formals) = &l.formals else {
            let env = self.new_complete_env(smallvec::smallvec![arg], outer);
            return self
                .eval(&l.body, &env)
                .map_err(trace_only_frame(|| lambda_frame(l), l.pos));
        };
        self.call_lambda_formals(l, outer, formals, arg, pos)
    }

    /// `f a b`, as `call(call(f, a), b)` computes it, except that for a
    /// function of the form `x: y: body` (a curried function, what
    /// `foldl'` and most two-argument library functions are given) no
    /// closure for `y: body` is made between the two calls: nothing but
    /// the second call could see it. Same call depths, checks and traces.
    pub(crate) fn call2(&mut self, f: Value, a: Value, b: Value, pos: Pos) -> EvalResult<Value> {
        let f = self.force_owned(f)?;
        if self.observer.is_none()
            && let Some((c, inner)) = curried(&f)
            && self.check_stack(c.lambda.body.pos).is_ok()
        {
            // The first call: its frame, and its body's value — the inner
            // function, which cannot fail to evaluate.
            self.enter_call(pos)?;
            let frame = self.new_complete_env(smallvec::smallvec![a], &c.env);
            self.leave_call();
            // The second, as `call` makes it.
            self.enter_call(pos)?;
            let r = self.call_lambda_in(inner, &frame, b, pos);
            self.leave_call();
            return from_call_site(r, pos);
        }
        let partial = self.call(f, a, pos)?;
        self.call(partial, b, pos)
    }

    /// A call of a lambda with formals (`{ a, b ? d, ... }@x`): out of line,
    /// so that the plain `x: …` call keeps a small native frame.
    #[inline(never)]
    fn call_lambda_formals(
        &mut self,
        l: &Rc<Lambda>,
        outer: &Rc<Env>,
        formals: &crate::lower::Formals,
        arg: Value,
        pos: Pos,
    ) -> EvalResult<Value> {
        let attrs_v = self.force(&arg)?;
        let Value::Attrs(attrs) = &attrs_v else {
            return Err(self.type_error("a set", &attrs_v, pos).pipe_frame(
                "while evaluating the value passed for the lambda argument".to_string(),
                l.pos,
            ));
        };
        if self.observer.is_none()
            && let Some(shape) = &self.derivation_wrapper
            && shape.is(l)
            && let Some(result) = self.derivation_natively(&shape.clone(), attrs)
        {
            return Ok(result);
        }
        // Registered only when a default is used: defaults are thunks in
        // this frame, filled in after it exists.
        let env = self.new_complete_env(Slots::new(), outer);
        let mut slots = Slots::with_capacity(l.frame_size());
        let mut used = 0;
        // Formals whose default is used: filled once the rest are.
        let mut defaulted: smallvec::SmallVec<[usize; 4]> = smallvec::SmallVec::new();
        for (i, formal) in formals.entries.iter().enumerate() {
            match attrs.get_sym(&formal.name) {
                Some(a) => {
                    used += 1;
                    slots.push(a.value.clone());
                }
                None => match &formal.default {
                    Some(_) => {
                        defaulted.push(i);
                        slots.push(Value::Null);
                    }
                    None => {
                        return Err(EvalError::eval(
                            format!(
                                "function '{}' called without required argument '{}'",
                                lambda_name(l),
                                formal.name.as_str()
                            ),
                            l.pos,
                        ));
                    }
                },
            }
        }
        if !formals.ellipsis && used != attrs.len() {
            for a in attrs.iter() {
                if !formals.entries.iter().any(|f| f.name == a.name) {
                    let mut e = EvalError::eval(
                        format!(
                            "function '{}' called with unexpected argument '{}'",
                            lambda_name(l),
                            a.name.as_str()
                        ),
                        l.pos,
                    );
                    e.hint = did_you_mean(&a.name, formals.entries.iter().map(|f| f.name.as_str()));
                    return Err(e);
                }
            }
        }
        if l.arg.is_some() {
            slots.push(attrs_v.clone());
        }
        if !defaulted.is_empty() {
            self.fill_defaults(formals, &defaulted, &mut slots, &env);
        }
        *env.slots.borrow_mut() = slots;
        if defaulted.is_empty() {
            return self
                .eval(&l.body, &env)
                .map_err(frame_with(|| lambda_frame(l), l.pos));
        }
        self.registry.env(&env);
        let result = self
            .eval(&l.body, &env)
            .map_err(frame_with(|| lambda_frame(l), l.pos));
        // Defaults never used hold this frame, which holds them.
        if Rc::strong_count(&env) > 1 {
            super::expr::release_if_unreachable(&env);
        }
        result
    }

    /// Fills the slots of the formals in `defaulted` (indices into
    /// `formals.entries`) with their defaults as C++ Nix does: in
    /// symbol-table order (`Symbol::creation_order`), a default that is
    /// just a variable naming a slot already filled (a formal given by
    /// the caller or defaulted before it, or the `@` argument) sharing
    /// that slot's value, any other a thunk in the call's frame.
    #[inline(never)]
    fn fill_defaults(
        &mut self,
        formals: &crate::lower::Formals,
        defaulted: &[usize],
        slots: &mut Slots,
        env: &Rc<Env>,
    ) {
        let mut order: smallvec::SmallVec<[usize; 4]> = defaulted.into();
        order.sort_by_key(|&i| formals.entries[i].name.creation_order());
        let mut pending: smallvec::SmallVec<[usize; 4]> = defaulted.into();
        for i in order {
            let Some(d) = &formals.entries[i].default else {
                continue;
            };
            let shared = match &d.kind {
                crate::lower::IrKind::Var { depth: 0, slot, .. }
                    if (*slot as usize) < slots.len() && !pending.contains(&(*slot as usize)) =>
                {
                    Some(slots[*slot as usize].clone())
                }
                _ => None,
            };
            slots[i] = match shared {
                Some(v) => v,
                None => self.make_thunk(d, env),
            };
            pending.retain(|p| *p != i);
        }
    }
}

/// `f` as a function of the form `x: y: body`, with `y: body` (see
/// [`Evaluator::call2`]).
#[inline]
pub(super) fn curried(f: &Value) -> Option<(&Rc<Closure>, &Rc<Lambda>)> {
    match f {
        Value::Lambda(c) if c.lambda.formals.is_none() => match &c.lambda.body.kind {
            IrKind::Lambda(inner) => Some((c, inner)),
            _ => None,
        },
        _ => None,
    }
}

/// A lambda call's result, with the "from call site" trace frame C++ Nix
/// adds to an error when the call has a position.
#[inline(always)]
fn from_call_site(r: EvalResult<Value>, pos: Pos) -> EvalResult<Value> {
    if pos.is_some() {
        r.map_err(trace_only_frame(|| "from call site".into(), pos))
    } else {
        r
    }
}

fn lambda_frame(l: &Lambda) -> String {
    match &l.name {
        Some(n) => format!("while calling '{}'", n.as_str()),
        None => "while calling anonymous lambda".to_string(),
    }
}

/// The name C++ Nix uses for a lambda in messages.
pub(crate) fn lambda_name(l: &Lambda) -> String {
    match &l.name {
        Some(n) => n.as_str().to_string(),
        None => "anonymous lambda".to_string(),
    }
}

trait PipeFrame {
    fn pipe_frame(self, message: String, pos: Pos) -> Self;
}

impl PipeFrame for Box<EvalError> {
    fn pipe_frame(self, message: String, pos: Pos) -> Self {
        frame(message, pos)(self)
    }
}
