//! Operators: equality, comparison, `//`, `++`, `+` and interpolation.

use std::cmp::Ordering;
use std::rc::Rc;

use tvix_syntax::exact::BinOp;

use super::Evaluator;
use super::coerce::CoerceMode;
use super::expr::{frame, frame_with};
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::lower::{InlineOp, Ir};
use crate::pos::Pos;
use crate::value::{Env, NixString, StringBuilder, Value};

/// Where `concat_strings` hands over to `concat_strings_general`: the
/// operand at `index`, already evaluated, and the integer sum before it.
struct Resume {
    index: usize,
    value: Value,
    sum: i64,
}

impl Evaluator {
    #[inline(never)]
    pub(crate) fn eval_binop(
        &mut self,
        op: BinOp,
        lhs: &Rc<Ir>,
        rhs: &Rc<Ir>,
        env: &Rc<Env>,
        _pos: Pos,
    ) -> EvalResult<Value> {
        let (left_ctx, right_ctx) = operand_contexts(op);
        match op {
            BinOp::Eq | BinOp::NEq => {
                let l = self
                    .eval_operand(lhs, env)
                    .map_err(frame(left_ctx, lhs.pos))?;
                let r = self
                    .eval_operand(rhs, env)
                    .map_err(frame(right_ctx, rhs.pos))?;
                // `n == 0` and the like, without the general comparison.
                if let (Value::Int(a), Value::Int(b)) = (&l, &r) {
                    return Ok(Value::bool((a == b) == (op == BinOp::Eq)));
                }
                let eq = self.values_equal(&l, &r, true)?;
                Ok(Value::bool(eq == (op == BinOp::Eq)))
            }
            BinOp::And | BinOp::Or | BinOp::Impl => {
                let l = self.eval_bool(lhs, env, left_ctx)?;
                let short = match op {
                    BinOp::And => (!l).then_some(false),
                    BinOp::Or => l.then_some(true),
                    _ => (!l).then_some(true),
                };
                if let Some(v) = short {
                    return Ok(Value::bool(v));
                }
                Ok(Value::bool(self.eval_bool(rhs, env, right_ctx)?))
            }
            BinOp::Update => {
                let r = self.eval_attrs_operand(rhs, env, right_ctx)?;
                let l = self.eval_attrs_operand(lhs, env, left_ctx)?;
                if l.is_empty() {
                    return Ok(Value::Attrs(r));
                }
                if r.is_empty() {
                    return Ok(Value::Attrs(l));
                }
                Ok(Value::Attrs(Rc::new(crate::value::AttrSet::update_shared(
                    &l, &r,
                ))))
            }
            BinOp::ConcatLists => {
                let l = self.eval(lhs, env).map_err(frame(left_ctx, lhs.pos))?;
                let r = self.eval(rhs, env).map_err(frame(right_ctx, rhs.pos))?;
                let ctx = "while evaluating one of the elements to concatenate";
                let l = self.force_list(&l, _pos, ctx)?;
                let r = self.force_list(&r, _pos, ctx)?;
                if l.is_empty() {
                    return Ok(Value::List(r));
                }
                if r.is_empty() {
                    return Ok(Value::List(l));
                }
                let mut out = Vec::with_capacity(l.len() + r.len());
                out.extend(l.iter().cloned());
                out.extend(r.iter().cloned());
                Ok(Value::list(out))
            }
        }
    }

    /// A [`IrKind::BuiltinCall`](crate::lower::IrKind::BuiltinCall)
    /// without an observer: the same call depth, trace frame and results
    /// as calling the builtin (`call_saturated`), without making thunks of
    /// the operands or dispatching through a call. Evaluating an operand
    /// directly is what forcing a fresh thunk of it would do.
    #[inline(never)]
    pub(crate) fn eval_builtin_call(
        &mut self,
        op: InlineOp,
        args: &[Rc<Ir>; 2],
        env: &Rc<Env>,
        pos: Pos,
    ) -> EvalResult<Value> {
        self.enter_call(pos)?;
        let r = self.builtin_call_operands(op, args, env);
        self.leave_call();
        r.map_err(frame_with(
            || format!("while calling the '{}' builtin", op.builtin_name()),
            pos,
        ))
    }

    #[inline(always)]
    fn builtin_call_operands(
        &mut self,
        op: InlineOp,
        args: &[Rc<Ir>; 2],
        env: &Rc<Env>,
    ) -> EvalResult<Value> {
        let a = self.eval_operand(&args[0], env)?;
        let b = self.eval_operand(&args[1], env)?;
        if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
            let (x, y) = (*x, *y);
            let fast = match op {
                InlineOp::Sub => x.checked_sub(y).map(Value::Int),
                InlineOp::Mul => x.checked_mul(y).map(Value::Int),
                InlineOp::Div if y != 0 => x.checked_div(y).map(Value::Int),
                InlineOp::Div => None,
                InlineOp::LessThan => Some(Value::bool(x < y)),
            };
            if let Some(v) = fast {
                return Ok(v);
            }
        }
        self.builtin_call_slow(op, a, b)
    }

    /// Everything but integers without overflow: the builtin itself, given
    /// the operands already forced.
    #[cold]
    #[inline(never)]
    fn builtin_call_slow(&mut self, op: InlineOp, a: Value, b: Value) -> EvalResult<Value> {
        if op == InlineOp::LessThan {
            // What `lessThan` does, without looking the builtin up.
            let less = self.compare_values(&a, &b, Pos::NONE)? == Ordering::Less;
            return Ok(Value::bool(less));
        }
        static PRIMOPS: std::sync::OnceLock<[&'static crate::builtins::PrimOp; 3]> =
            std::sync::OnceLock::new();
        let [sub, mul, div] = PRIMOPS.get_or_init(|| {
            ["sub", "mul", "div"].map(|name| {
                crate::builtins::find_primop(name).expect("inline operators are builtins")
            })
        });
        let prim = match op {
            InlineOp::Sub => sub,
            InlineOp::Mul => mul,
            _ => div,
        };
        prim.run(self, &[a, b], Pos::NONE)
    }

    fn eval_bool(&mut self, e: &Rc<Ir>, env: &Rc<Env>, ctx: &str) -> EvalResult<bool> {
        let v = self.eval(e, env).map_err(frame(ctx, e.pos))?;
        self.expect_bool(&v, e.pos).map_err(frame(ctx, e.pos))
    }

    fn eval_attrs_operand(
        &mut self,
        e: &Rc<Ir>,
        env: &Rc<Env>,
        ctx: &str,
    ) -> EvalResult<Rc<crate::value::AttrSet>> {
        let v = self.eval(e, env).map_err(frame(ctx, e.pos))?;
        match v {
            Value::Attrs(a) => Ok(a),
            other => Err(self.type_error("a set", &other, Pos::NONE)).map_err(frame(ctx, e.pos)),
        }
    }

    /// `a + b + …` and string interpolation. Sums of integers (the common
    /// arithmetic case) stay here; anything else continues in
    /// `concat_strings_general`, which has the string builder and the
    /// other kinds (a bigger native frame).
    #[inline(never)]
    pub(crate) fn concat_strings(
        &mut self,
        force_string: bool,
        parts: &[(Pos, Rc<Ir>)],
        env: &Rc<Env>,
        pos: Pos,
    ) -> EvalResult<Value> {
        let Some(((first_pos, first), rest)) = parts.split_first().filter(|_| !force_string) else {
            return self.concat_strings_general(force_string, parts, env, pos, None);
        };
        let first = self
            .eval_operand(first, env)
            .map_err(frame("in an operand of '+'", *first_pos))?;
        let Value::Int(mut n) = first else {
            let resume = Resume {
                index: 0,
                value: first,
                sum: 0,
            };
            return self.concat_strings_general(force_string, parts, env, pos, Some(resume));
        };
        for (i, (part_pos, part)) in rest.iter().enumerate() {
            let v = self
                .eval_operand(part, env)
                .map_err(frame("in an operand of '+'", *part_pos))?;
            match v {
                Value::Int(x) => match n.checked_add(x) {
                    Some(sum) => n = sum,
                    None => {
                        return Err(EvalError::eval(
                            format!("integer overflow in adding {n} + {x}"),
                            *part_pos,
                        ));
                    }
                },
                other => {
                    let resume = Resume {
                        index: i + 1,
                        value: other,
                        sum: n,
                    };
                    return self.concat_strings_general(
                        force_string,
                        parts,
                        env,
                        pos,
                        Some(resume),
                    );
                }
            }
        }
        Ok(Value::Int(n))
    }

    #[inline(never)]
    fn concat_strings_general(
        &mut self,
        force_string: bool,
        parts: &[(Pos, Rc<Ir>)],
        env: &Rc<Env>,
        pos: Pos,
        mut resume: Option<Resume>,
    ) -> EvalResult<Value> {
        #[derive(PartialEq, Clone, Copy)]
        enum Kind {
            Int,
            Float,
            Path,
            Str,
        }
        // Resuming after integers: the kind is already settled as `Int`.
        let start = resume.as_ref().map_or(0, |r| r.index);
        let mut kind = if start > 0 { Kind::Int } else { Kind::Str };
        let mut n: i64 = resume.as_ref().map_or(0, |r| r.sum);
        let mut nf: f64 = 0.0;
        let mut sb = StringBuilder::default();
        for (i, (part_pos, part)) in parts.iter().enumerate().skip(start) {
            let part_pos = *part_pos;
            let v = match resume.take() {
                Some(r) => r.value,
                None => self
                    .eval(part, env)
                    .map_err(frame("in an operand of '+'", part_pos))?,
            };
            let first = i == 0 && !force_string;
            if first {
                kind = match v {
                    Value::Int(_) => Kind::Int,
                    Value::Float(_) => Kind::Float,
                    Value::Path(_) => Kind::Path,
                    _ => Kind::Str,
                };
            }
            match kind {
                Kind::Int => match v {
                    Value::Int(x) => {
                        n = n.checked_add(x).ok_or_else(|| {
                            EvalError::eval(
                                format!("integer overflow in adding {n} + {x}"),
                                part_pos,
                            )
                        })?;
                    }
                    Value::Float(x) => {
                        kind = Kind::Float;
                        nf = n as f64 + x.get();
                    }
                    other => {
                        return Err(EvalError::eval(
                            format!("cannot add {} to an integer", other.show_type()),
                            part_pos,
                        ));
                    }
                },
                Kind::Float => match v {
                    Value::Int(x) => nf += x as f64,
                    Value::Float(x) => nf += x.get(),
                    other => {
                        return Err(EvalError::eval(
                            format!("cannot add {} to a float", other.show_type()),
                            part_pos,
                        ));
                    }
                },
                Kind::Path | Kind::Str => {
                    let mode = if kind == Kind::Str && !first {
                        CoerceMode::Interpolate
                    } else {
                        CoerceMode::Plain
                    };
                    self.coerce_into(
                        &v,
                        part_pos,
                        mode,
                        &mut sb,
                        "while evaluating a path segment",
                    )?;
                }
            }
        }
        Ok(match kind {
            Kind::Int => Value::Int(n),
            Kind::Float => Value::float(nf),
            Kind::Path => {
                if !sb.context.is_empty() {
                    return Err(EvalError::eval(
                        "a string that refers to a store path cannot be appended to a path",
                        pos,
                    ));
                }
                let s = String::from_utf8_lossy(&sb.bytes).into_owned();
                Value::Path(NixString::from(canonicalise_path(&s)))
            }
            Kind::Str => Value::String(sb.finish()),
        })
    }

    /// Nix equality (`==`); `top` is false inside lists and sets, where C++
    /// Nix treats the very same value as equal to itself.
    pub fn values_equal(&mut self, a: &Value, b: &Value, top: bool) -> EvalResult<bool> {
        // Scalars (possibly behind already-forced thunks) compare without
        // forcing or cloning anything.
        if let Some(r) =
            with_forced(a, |a| with_forced(b, |b| scalars_equal(a, b)).flatten()).flatten()
        {
            return Ok(r);
        }
        if !top && same_object(a, b) {
            return Ok(true);
        }
        let a = self.force(a)?;
        let b = self.force(b)?;
        // C++ Nix's shortcut is the identity of the two values' slots
        // (checked above: the same thunk, or the same value stored twice).
        // Two thunks forced to one set or list compare equal element by
        // element anyway, so that shortcut is only quicker; but two thunks
        // forced to one function are two functions to C++ Nix, and
        // functions are never equal.
        if !top && same_container(&a, &b) {
            return Ok(true);
        }
        if let Some(equal) = scalars_equal(&a, &b) {
            return Ok(equal);
        }
        Ok(match (&a, &b) {
            (Value::List(x), Value::List(y)) => {
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if !self.values_equal(p, q, false)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                if is_derivation(self, x)?
                    && is_derivation(self, y)?
                    && let (Some(p), Some(q)) = (x.get("outPath"), y.get("outPath"))
                {
                    let (p, q) = (p.value.clone(), q.value.clone());
                    return self.values_equal(&p, &q, false);
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if p.name != q.name || !self.values_equal(&p.value, &q.value, false)? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        })
    }

    /// Fails with C++ Nix's explanation (`assertEqValues`) when `a != b`;
    /// `pos` is the position of the `==`.
    pub(crate) fn assert_equal(&mut self, a: &Value, b: &Value, pos: Pos) -> EvalResult<()> {
        let fail = |msg: String| Err(EvalError::new(ErrorKind::Assertion, msg, Pos::NONE));
        self.enter_call(pos)?;
        let r = (|| {
            let a = self.force(a)?;
            let b = self.force(b)?;
            let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
            if numeric(&a) && numeric(&b) {
                if self.values_equal(&a, &b, true)? {
                    return Ok(());
                }
                return fail(format!(
                    "{} with value '{}' is not equal to {} with value '{}'",
                    a.show_type(),
                    self.show(&a),
                    b.show_type(),
                    self.show(&b)
                ));
            }
            if a.type_of() != b.type_of()
                || a.show_type() != b.show_type() && !(a.is_function() && b.is_function())
            {
                return fail(format!(
                    "{} of value '{}' is not equal to {} of value '{}'",
                    a.show_type(),
                    self.show(&a),
                    b.show_type(),
                    self.show(&b)
                ));
            }
            match (&a, &b) {
                (Value::Bool(x), Value::Bool(y)) if x != y => fail(format!(
                    "boolean '{}' is not equal to boolean '{}'",
                    self.show(&a),
                    self.show(&b)
                )),
                (Value::String(x), Value::String(y)) if x.as_bytes() != y.as_bytes() => fail(format!(
                    "string '{}' is not equal to string '{}'",
                    self.show(&a),
                    self.show(&b)
                )),
                (Value::Path(x), Value::Path(y)) if x.as_bytes() != y.as_bytes() => fail(format!(
                    "path '{}' is not equal to path '{}'",
                    self.show(&a),
                    self.show(&b)
                )),
                (Value::List(x), Value::List(y)) => {
                    if x.len() != y.len() {
                        return fail(format!(
                            "list of size '{}' is not equal to list of size '{}', left hand side is '{}', right hand side is '{}'",
                            x.len(),
                            y.len(),
                            self.show(&a),
                            self.show(&b)
                        ));
                    }
                    for (n, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                        if same_object(p, q) {
                            continue;
                        }
                        self.assert_equal(p, q, pos).map_err(frame_with(
                            || format!("while comparing list element {n}"),
                            pos,
                        ))?;
                    }
                    Ok(())
                }
                (Value::Attrs(x), Value::Attrs(y)) => {
                    if is_derivation(self, x)?
                        && is_derivation(self, y)?
                        && let (Some(p), Some(q)) = (x.get("outPath"), y.get("outPath"))
                    {
                        let (p, q) = (p.value.clone(), q.value.clone());
                        return self.assert_equal(&p, &q, pos).map_err(frame(
                            "while comparing a derivation by its 'outPath' attribute",
                            pos,
                        ));
                    }
                    if x.len() != y.len() {
                        return fail(format!(
                            "attribute names of attribute set '{}' differs from attribute set '{}'",
                            self.show(&a),
                            self.show(&b)
                        ));
                    }
                    for (p, q) in x.iter().zip(y.iter()) {
                        if p.name != q.name {
                            if y.get_sym(&p.name).is_none() {
                                return fail(format!(
                                    "attribute name '{}' is contained in '{}', but not in '{}'",
                                    p.name.as_str(),
                                    self.show(&a),
                                    self.show(&b)
                                ));
                            }
                            return fail(format!(
                                "attribute name '{}' is missing in '{}', but is contained in '{}'",
                                q.name.as_str(),
                                self.show(&a),
                                self.show(&b)
                            ));
                        }
                        if same_object(&p.value, &q.value) {
                            continue;
                        }
                        self.assert_equal(&p.value, &q.value, pos).map_err(|mut e| {
                            if q.pos.is_some() {
                                e = frame("where right hand side is", q.pos)(e);
                            }
                            if p.pos.is_some() {
                                e = frame("where left hand side is", p.pos)(e);
                            }
                            frame_with(
                                || format!("while comparing attribute '{}'", p.name.as_str()),
                                pos,
                            )(e)
                        })?;
                    }
                    Ok(())
                }
                _ if a.is_function() => fail(
                    "distinct functions and immediate comparisons of identical functions compare as unequal"
                        .to_string(),
                ),
                _ => Ok(()),
            }
        })();
        self.leave_call();
        r
    }

    /// `builtins.lessThan` / `<`: numbers, strings, paths, lists.
    pub fn compare_values(&mut self, a: &Value, b: &Value, pos: Pos) -> EvalResult<Ordering> {
        let a = self.force(a)?;
        let b = self.force(b)?;
        match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
            (Value::Int(x), Value::Float(y)) => {
                Ok((*x as f64).partial_cmp(&y.get()).unwrap_or(Ordering::Equal))
            }
            (Value::Float(x), Value::Int(y)) => {
                Ok(x.get().partial_cmp(&(*y as f64)).unwrap_or(Ordering::Equal))
            }
            (Value::Float(x), Value::Float(y)) => {
                Ok(x.get().partial_cmp(&y.get()).unwrap_or(Ordering::Equal))
            }
            (Value::String(x), Value::String(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
            (Value::Path(x), Value::Path(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
            (Value::List(x), Value::List(y)) => {
                for (p, q) in x.iter().zip(y.iter()) {
                    if !self.values_equal(p, q, false)? {
                        return self
                            .compare_values(p, q, pos)
                            .map_err(frame("while comparing two list elements", Pos::NONE));
                    }
                }
                Ok(x.len().cmp(&y.len()))
            }
            _ => {
                let msg = if a.type_of() == b.type_of() {
                    format!(
                        "cannot compare {} with {}; values of that type are incomparable (values are {} and {})",
                        a.show_type(),
                        b.show_type(),
                        self.show(&a),
                        self.show(&b)
                    )
                } else {
                    format!(
                        "cannot compare {} with {}; values are {} and {}",
                        a.show_type(),
                        b.show_type(),
                        self.show(&a),
                        self.show(&b)
                    )
                };
                Err(EvalError::eval(msg, pos))
            }
        }
    }
}

/// Runs `f` on `v`, or on the value of `v` if it is a thunk already
/// forced; `None` when it is an unforced thunk.
#[inline]
pub(crate) fn with_forced<T>(v: &Value, f: impl FnOnce(&Value) -> T) -> Option<T> {
    match v {
        Value::Thunk(t) => match t.0.try_borrow().ok().as_deref() {
            Some(crate::value::ThunkState::Forced(v)) => Some(f(v)),
            _ => None,
        },
        v => Some(f(v)),
    }
}

/// `a == b` for two forced scalars; `None` when either is not a scalar.
#[inline]
pub(crate) fn scalars_equal(a: &Value, b: &Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(x), Value::Float(y)) => (*x as f64) == y.get(),
        (Value::Float(x), Value::Int(y)) => x.get() == (*y as f64),
        (Value::Float(x), Value::Float(y)) => x.get() == y.get(),
        (Value::String(x), Value::String(y)) => x.as_bytes() == y.as_bytes(),
        (Value::Path(x), Value::Path(y)) => x.as_bytes() == y.as_bytes(),
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => return None,
    })
}

fn same_object(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Lambda(x), Value::Lambda(y)) => Rc::ptr_eq(x, y),
        (Value::PrimOp(x), Value::PrimOp(y)) => std::ptr::eq(*x, *y),
        (Value::Attrs(x), Value::Attrs(y)) => Rc::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Thunk(x), Value::Thunk(y)) => Rc::ptr_eq(&x.0, &y.0),
        _ => false,
    }
}

/// Whether `a` and `b` are one set or one list.
fn same_container(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Attrs(x), Value::Attrs(y)) => Rc::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

fn is_derivation(ev: &mut Evaluator, a: &crate::value::AttrSet) -> EvalResult<bool> {
    match a.get("type") {
        Some(t) => {
            let t = ev.force(&t.value.clone())?;
            Ok(matches!(&t, Value::String(s) if s.as_bytes() == b"derivation"))
        }
        None => Ok(false),
    }
}

/// A path with `.`/`..` segments and repeated slashes resolved lexically,
/// as C++ Nix's `CanonPath` does.
pub(crate) fn canonicalise_path(s: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in s.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The trace texts for a binary operator's operands.
fn operand_contexts(op: BinOp) -> (&'static str, &'static str) {
    match op {
        BinOp::Eq => (
            "in the left operand of '=='",
            "in the right operand of '=='",
        ),
        BinOp::NEq => (
            "in the left operand of '!='",
            "in the right operand of '!='",
        ),
        BinOp::And => (
            "in the left operand of '&&'",
            "in the right operand of '&&'",
        ),
        BinOp::Or => (
            "in the left operand of '||'",
            "in the right operand of '||'",
        ),
        BinOp::Impl => (
            "in the left operand of '->'",
            "in the right operand of '->'",
        ),
        BinOp::Update => (
            "in the left operand of '//'",
            "in the right operand of '//'",
        ),
        BinOp::ConcatLists => (
            "in the left operand of '++'",
            "in the right operand of '++'",
        ),
    }
}
