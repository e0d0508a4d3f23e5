//! Evaluating one lowered node to weak head normal form.

use std::rc::Rc;

use tvix_syntax::exact::BinOp;

use super::Evaluator;
use crate::error::{ErrorKind, EvalError, EvalResult, Frame};
use crate::lower::{AttrKey, AttrScope, AttrsIr, Ir, IrKind};
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, Env, NixString, Slots, Symbol, Value};

/// Adds a trace frame to an error on its way out.
pub(crate) fn frame<M: Into<String>>(
    message: M,
    pos: Pos,
) -> impl FnOnce(Box<EvalError>) -> Box<EvalError> {
    // `message` is converted only when an error actually happens: pass a
    // `&str` or a closure result, never a `format!` on the hot path.
    move |mut e| {
        e.frames.push(Frame {
            message: message.into(),
            pos,
        });
        e
    }
}

/// Gives "infinite recursion encountered" raised by forcing a variable
/// the variable's position, when it has none yet (C++ Nix's
/// `tryFixupBlackHolePos`). Out of line: the variable case of `eval` is
/// the hottest path there is.
#[cold]
#[inline(never)]
pub(crate) fn blackhole_position(mut e: Box<EvalError>, pos: Pos) -> Box<EvalError> {
    if e.position_pending {
        e.position_pending = false;
        e.pos = pos;
    }
    e
}

/// Like [`frame`], with the message computed only on error.
pub(crate) fn frame_with(
    message: impl FnOnce() -> String,
    pos: Pos,
) -> impl FnOnce(Box<EvalError>) -> Box<EvalError> {
    move |mut e| {
        e.frames.push(Frame {
            message: message(),
            pos,
        });
        e
    }
}

/// Empties a `let` frame (or a call's frame with defaults) whose body has
/// returned when nothing but the
/// frame's own bindings still points at it: bindings never forced and
/// functions defined in it hold the frame, which holds them, a cycle
/// reference counting alone keeps until the evaluation ends (see
/// `registry`). A frame anything else still holds — the result, another
/// frame, a binding shared with the outside — is left alone, so this only
/// frees what no one can reach. On `foldl'` over a function whose body is
/// a `let` with an unused binding or a local function, this is the
/// difference between memory growing with every step and staying flat.
#[inline(never)]
pub(super) fn release_if_unreachable(frame: &Rc<Env>) {
    let held_by_own_bindings = {
        let Ok(slots) = frame.slots.try_borrow() else {
            return;
        };
        let points_here =
            |c: &Rc<crate::value::Closure>| Rc::strong_count(c) == 1 && Rc::ptr_eq(&c.env, frame);
        let mut n = 0;
        for v in slots.iter() {
            let own = match v {
                Value::Thunk(t) if Rc::strong_count(&t.0) == 1 => match t.0.try_borrow() {
                    Ok(state) => match &*state {
                        crate::value::ThunkState::Suspended(_, env) => Rc::ptr_eq(env, frame),
                        crate::value::ThunkState::Forced(Value::Lambda(c)) => points_here(c),
                        _ => false,
                    },
                    Err(_) => false,
                },
                Value::Lambda(c) => points_here(c),
                _ => false,
            };
            n += own as usize;
        }
        n
    };
    // One reference is the caller's.
    if Rc::strong_count(frame) == 1 + held_by_own_bindings {
        let slots = std::mem::take(&mut *frame.slots.borrow_mut());
        drop(slots);
    }
}

impl Evaluator {
    /// A new frame whose slots are filled (or changed) after it exists,
    /// so they may point back at it: registered, so that cycles through it
    /// are broken when the evaluation ends.
    pub(crate) fn new_env(&mut self, slots: Slots, parent: &Rc<Env>) -> Rc<Env> {
        let env = crate::value::rc_new_with(|| Env::new(slots, Some(parent.clone())));
        self.registry.env(&env);
        env
    }

    /// A new frame whose slots are complete and never change (a lambda's
    /// argument, a `with` scope, `inherit (e)` sources). Nothing made
    /// before it can point at it except through a later mutation — of a
    /// registered frame or of a thunk, which the registry tracks — so it
    /// needs no registration of its own (see `registry`).
    #[inline]
    pub(crate) fn new_complete_env(&mut self, slots: Slots, parent: &Rc<Env>) -> Rc<Env> {
        crate::value::rc_new_with(|| Env::new(slots, Some(parent.clone())))
    }

    /// Evaluates `ir` in `env` to weak head normal form.
    #[inline]
    pub fn eval(&mut self, ir: &Rc<Ir>, env: &Rc<Env>) -> EvalResult<Value> {
        // The debug hook: one predicted branch when nothing is attached.
        if self.observer.is_some() {
            return self.eval_observed(ir, env);
        }
        self.eval_node(ir, env)
    }

    /// Evaluates an operand (of an operator, a call's function, a
    /// selection's set): a constant or a variable whose value is already
    /// known is answered here, without a call of `eval` (its frame
    /// set-up, stack check and dispatch are a third of the work per node
    /// on call-heavy code). Anything else, or anything with an observer
    /// attached (a debugger sees every node), goes through `eval`.
    #[inline(always)]
    pub(crate) fn eval_operand(&mut self, ir: &Rc<Ir>, env: &Rc<Env>) -> EvalResult<Value> {
        if self.observer.is_none() {
            match &ir.kind {
                IrKind::Const(v) => return Ok(v.clone()),
                IrKind::Var { depth, slot, .. } => {
                    if let Some(frame) = env.ancestor(*depth)
                        && let Ok(slots) = frame.slots.try_borrow()
                    {
                        match slots.get(*slot as usize) {
                            Some(Value::Thunk(t)) => {
                                if let Some(v) = t.forced() {
                                    return Ok(v);
                                }
                                // Forced here, as `eval_node` would, without
                                // a second dispatch and lookup.
                                let t = t.clone();
                                drop(slots);
                                self.check_stack(ir.pos)?;
                                return match self.force_thunk(&t) {
                                    Ok(v) => Ok(v),
                                    Err(e) => Err(blackhole_position(e, ir.pos)),
                                };
                            }
                            Some(v) => return Ok(v.clone()),
                            None => {}
                        }
                    }
                }
                _ => {}
            }
        }
        self.eval(ir, env)
    }

    /// Evaluates `ir` in `env`, without telling the observer.
    #[inline(always)]
    pub(super) fn eval_node(&mut self, ir: &Rc<Ir>, env: &Rc<Env>) -> EvalResult<Value> {
        self.check_stack(ir.pos)?;
        match &ir.kind {
            IrKind::Const(v) => Ok(v.clone()),
            IrKind::Var { depth, slot, name } => {
                // The common cases — a plain value or an already forced
                // thunk — clone the value straight out of the slot, without
                // taking a handle on the thunk first.
                let frame = env.ancestor(*depth);
                let thunk = {
                    let slots = frame.map(|f| f.slots.borrow());
                    match slots.as_ref().and_then(|s| s.get(*slot as usize)) {
                        Some(Value::Thunk(t)) => match t.forced() {
                            Some(v) => return Ok(v),
                            None => t.clone(),
                        },
                        Some(v) => return Ok(v.clone()),
                        None => {
                            return Err(EvalError::eval(
                                format!("undefined variable '{}'", name.as_str()),
                                ir.pos,
                            ));
                        }
                    }
                };
                match self.force_thunk(&thunk) {
                    Ok(v) => Ok(v),
                    Err(e) => Err(blackhole_position(e, ir.pos)),
                }
            }
            IrKind::WithVar { name, withs } => {
                let v = self.lookup_with(name, withs, env, ir.pos)?;
                self.force_owned(v)
            }
            IrKind::CurPos => Ok(self.pos_attrs(ir.pos)),
            IrKind::Select {
                expr,
                path,
                default,
            } => self.eval_select(ir.pos, expr, path, default.as_ref(), env),
            IrKind::HasAttr { expr, path } => self.eval_has_attr(expr, path, env),
            IrKind::Attrs(attrs) => self.eval_attrs(attrs, env),
            IrKind::Let { attrs, body } => {
                let frame = self.bind_recursive(attrs, env)?;
                let result = self.eval(body, &frame);
                if Rc::strong_count(&frame) > 1 {
                    release_if_unreachable(&frame);
                }
                result
            }
            IrKind::List(items) => Ok(self.eval_list(items, env)),
            IrKind::Lambda(l) => Ok(crate::value::Closure::value(l, env)),
            IrKind::Call { fun, args } => self.eval_call(fun, args, env, ir.pos),
            IrKind::BuiltinCall { op, fun, args } => {
                if self.observer.is_some() {
                    // A debugger sees the call the parser made.
                    return self.eval_call(fun, args, env, ir.pos);
                }
                self.eval_builtin_call(*op, args, env, ir.pos)
            }
            IrKind::With { env: scope, body } => self.eval_with(scope, body, env),
            IrKind::If { cond, then_, else_ } => {
                let c = self.eval(cond, env)?;
                let c = self
                    .expect_bool(&c, cond.pos)
                    .map_err(frame("while evaluating a branch condition", cond.pos))?;
                self.eval(if c { then_ } else { else_ }, env)
            }
            IrKind::Assert { cond, body, text } => self.eval_assert(cond, body, text, env, ir.pos),
            IrKind::Not(e) => {
                let b = self
                    .eval(e, env)
                    .and_then(|v| self.expect_bool(&v, e.pos))
                    .map_err(frame("in the argument of '!'", e.pos))?;
                Ok(Value::bool(!b))
            }
            IrKind::BinOp { op, lhs, rhs } => self.eval_binop(*op, lhs, rhs, env, ir.pos),
            IrKind::ConcatStrings {
                force_string,
                parts,
            } => self.concat_strings(*force_string, parts, env, ir.pos),
        }
    }

    // The less common nodes are out of line, so that `eval`, which every
    // node passes through, keeps a small native stack frame (deep Nix
    // recursion nests it thousands of times) and a short prologue.

    #[inline(never)]
    fn eval_has_attr(
        &mut self,
        expr: &Rc<Ir>,
        path: &[AttrKey],
        env: &Rc<Env>,
    ) -> EvalResult<Value> {
        let mut v = self
            .eval(expr, env)
            .map_err(frame("in the argument of '?'", expr.pos))?;
        for key in path {
            v = self.force_owned(v)?;
            let name = self.attr_key(key, env)?;
            let next = match &v {
                Value::Attrs(a) => match a.get_sym(&name) {
                    Some(attr) => attr.value.clone(),
                    None => return Ok(Value::bool(false)),
                },
                _ => return Ok(Value::bool(false)),
            };
            v = next;
        }
        Ok(Value::bool(true))
    }

    #[inline(never)]
    fn eval_list(&mut self, items: &[Rc<Ir>], env: &Rc<Env>) -> Value {
        let items = items.iter().map(|i| self.make_thunk(i, env)).collect();
        Value::list(items)
    }

    #[inline(never)]
    fn eval_with(&mut self, scope: &Rc<Ir>, body: &Rc<Ir>, env: &Rc<Env>) -> EvalResult<Value> {
        let scope = self.make_thunk(scope, env);
        let frame = self.new_complete_env(smallvec::smallvec![scope], env);
        self.eval(body, &frame)
    }

    #[inline(never)]
    fn eval_assert(
        &mut self,
        cond: &Rc<Ir>,
        body: &Rc<Ir>,
        text: &str,
        env: &Rc<Env>,
        pos: Pos,
    ) -> EvalResult<Value> {
        let c = self
            .eval(cond, env)
            .and_then(|c| self.expect_bool(&c, cond.pos))
            .map_err(frame("in the condition of the assert statement", cond.pos))?;
        if !c {
            return Err(self.assertion_failed(cond, env, text, pos));
        }
        self.eval(body, env)
    }

    /// `fun args…`: the arguments are applied one at a time, except that a
    /// builtin given all its remaining arguments at once runs directly,
    /// without a partial application per argument (same call depth and
    /// traces as one by one).
    #[inline(never)]
    pub(super) fn eval_call(
        &mut self,
        fun: &Rc<Ir>,
        args: &[Rc<Ir>],
        env: &Rc<Env>,
        pos: Pos,
    ) -> EvalResult<Value> {
        let mut f = self.eval_operand(fun, env)?;
        let mut rest = args;
        while let Some((first, tail)) = rest.split_first() {
            if let Some(need) = self.saturates(&f, rest.len()) {
                f = self.call_saturated(&f, &rest[..need], env, pos)?;
                rest = &rest[need..];
                continue;
            }
            let a = self.make_thunk(first, env);
            if let [second, after @ ..] = tail
                && super::call::curried(&f).is_some()
            {
                let b = self.make_thunk(second, env);
                f = self.call2(f, a, b, pos)?;
                rest = after;
                continue;
            }
            f = self.call(f, a, pos)?;
            rest = tail;
        }
        Ok(f)
    }

    fn lookup_with(
        &mut self,
        name: &Symbol,
        withs: &[u32],
        env: &Rc<Env>,
        pos: Pos,
    ) -> EvalResult<Value> {
        for &depth in withs {
            let scope = env.lookup(depth, 0).unwrap_or(Value::Null);
            let scope = self.force(&scope)?;
            let Value::Attrs(attrs) = scope else {
                return Err(self.type_error("a set", &scope, pos));
            };
            if let Some(attr) = attrs.get_sym(name) {
                return Ok(attr.value.clone());
            }
        }
        Err(EvalError::eval(
            format!(
                "undefined variable '{}'",
                tvix_syntax::exact::print_identifier(name.as_str())
            ),
            pos,
        ))
    }

    fn assertion_failed(
        &mut self,
        cond: &Rc<Ir>,
        env: &Rc<Env>,
        text: &str,
        pos: Pos,
    ) -> Box<EvalError> {
        // C++ Nix explains a failed `a == b` by comparing again and
        // reporting the first difference.
        if let IrKind::BinOp {
            op: BinOp::Eq,
            lhs,
            rhs,
        } = &cond.kind
        {
            let explained = (|| -> EvalResult<()> {
                let l = self.eval(lhs, env)?;
                let r = self.eval(rhs, env)?;
                self.assert_equal(&l, &r, cond.pos)
            })();
            if let Err(e) = explained {
                return frame(
                    format!("while evaluating the condition of the assertion '{text}'"),
                    pos,
                )(e);
            }
        }
        EvalError::new(
            ErrorKind::Assertion,
            format!("assertion '{text}' failed"),
            pos,
        )
    }

    /// The name an attribute path element denotes.
    pub(crate) fn attr_key(&mut self, key: &AttrKey, env: &Rc<Env>) -> EvalResult<Symbol> {
        match key {
            AttrKey::Static(s) => Ok(s.clone()),
            AttrKey::Dynamic(e, _) => {
                let v = self.eval(e, env)?;
                let s = self
                    .expect_string(&v, e.pos)
                    .map_err(frame("while evaluating an attribute name", e.pos))?;
                Ok(Symbol::new(&s.to_str_lossy()))
            }
        }
    }

    #[inline(never)]
    fn eval_select(
        &mut self,
        pos: Pos,
        expr: &Rc<Ir>,
        path: &[AttrKey],
        default: Option<&Rc<Ir>>,
        env: &Rc<Env>,
    ) -> EvalResult<Value> {
        let mut v = self
            .eval_operand(expr, env)
            .map_err(frame("while selecting an attribute", expr.pos))?;
        // Like C++ Nix: errors while walking the path get "from the
        // definition of" (the last attribute found) and "while evaluating
        // the attribute" (the whole path) frames.
        let mut attr_pos = Pos::NONE;
        let mut resolved = 0;
        let walked = (|| -> EvalResult<Option<Value>> {
            for key in path {
                // A static name is borrowed, not cloned (a symbol's count
                // up and down on every selection).
                let dynamic;
                let name = match key {
                    AttrKey::Static(s) => s,
                    AttrKey::Dynamic(..) => {
                        dynamic = self.attr_key(key, env)?;
                        &dynamic
                    }
                };
                v = self.force_owned(std::mem::replace(&mut v, Value::Null))?;
                let next = match &v {
                    Value::Attrs(attrs) => match attrs.get_sym(name) {
                        Some(attr) => {
                            attr_pos = attr.pos;
                            resolved += 1;
                            attr.value.clone()
                        }
                        None if default.is_some() => return Ok(None),
                        None => {
                            let mut e = EvalError::eval(
                                format!(
                                    "attribute '{}' missing",
                                    tvix_syntax::exact::print_identifier(name.as_str())
                                ),
                                Pos::NONE,
                            );
                            e.hint = did_you_mean(name, attrs.iter().map(|a| a.name.as_str()));
                            return Err(e);
                        }
                    },
                    _ if default.is_some() => return Ok(None),
                    other => {
                        return Err(self
                            .type_error("a set", other, Pos::NONE)
                            .pipe(frame("while selecting an attribute", pos)));
                    }
                };
                v = next;
            }
            let forced = self.force_owned(std::mem::replace(&mut v, Value::Null))?;
            Ok(Some(forced))
        })();
        match walked {
            Ok(Some(v)) => Ok(v),
            Ok(None) => match default {
                Some(d) => self.eval(d, env),
                None => Ok(Value::Null),
            },
            Err(mut e) => {
                if attr_pos.is_some() {
                    let shown = self.show_attr_path(&path[..resolved], env);
                    e = frame(format!("from the definition of '{shown}'"), attr_pos)(e);
                }
                let shown = self.show_attr_path(path, env);
                Err(frame(
                    format!("while evaluating the attribute '{shown}'"),
                    pos,
                )(e))
            }
        }
    }

    /// An attribute path as traces show it: names computed where possible,
    /// `"${expr}"` where not.
    fn show_attr_path(&mut self, path: &[AttrKey], env: &Rc<Env>) -> String {
        let mut parts = Vec::new();
        for key in path {
            match key {
                AttrKey::Static(s) => parts.push(s.as_str().to_string()),
                AttrKey::Dynamic(e, text) => {
                    let name = self.eval(e, env).ok().and_then(|v| match v {
                        Value::String(s) => Some(s.to_str_lossy().into_owned()),
                        _ => None,
                    });
                    parts.push(name.unwrap_or_else(|| format!("\"${{{text}}}\"")));
                }
            }
        }
        parts.join(".")
    }

    #[inline(never)]
    fn eval_attrs(&mut self, ir: &Rc<AttrsIr>, env: &Rc<Env>) -> EvalResult<Value> {
        if ir.recursive {
            let frame = self.bind_recursive(ir, env)?;
            let values = frame.slots.borrow().clone();
            let mut entries: Vec<Attr> = ir
                .attrs
                .iter()
                .zip(values)
                .map(|(a, value)| Attr {
                    name: a.name.clone(),
                    value,
                    pos: a.pos,
                })
                .collect();
            if let Some(i) = ir
                .attrs
                .iter()
                .position(|a| a.name.as_str() == "__overrides")
            {
                self.apply_overrides(ir, i, &frame, &mut entries)?;
            }
            self.add_dynamic(ir, &frame, &mut entries)?;
            return Ok(Value::Attrs(Rc::new(AttrSet::from_sorted_or_sort(
                entries,
                !ir.dynamic.is_empty(),
            ))));
        }
        let inherit_env = self.inherit_from_env(ir, env);
        let mut entries = Vec::with_capacity(ir.attrs.len() + ir.dynamic.len());
        for a in &ir.attrs {
            let scope_env = match a.scope {
                AttrScope::InheritFrom => inherit_env.as_ref().unwrap_or(env),
                _ => env,
            };
            let value = self.make_thunk(&a.value, scope_env);
            entries.push(Attr {
                name: a.name.clone(),
                value,
                pos: a.pos,
            });
        }
        self.add_dynamic(ir, env, &mut entries)?;
        Ok(Value::Attrs(Rc::new(AttrSet::from_sorted_or_sort(
            entries,
            !ir.dynamic.is_empty(),
        ))))
    }

    /// `rec { __overrides = { … }; … }`: the overrides replace attributes
    /// both in the set and in the frame the other attributes see.
    fn apply_overrides(
        &mut self,
        ir: &AttrsIr,
        index: usize,
        frame: &Rc<Env>,
        entries: &mut Vec<Attr>,
    ) -> EvalResult<()> {
        let value = entries[index].value.clone();
        let overrides = self.force_attrs(
            &value,
            Pos::NONE,
            "while evaluating the `__overrides` attribute",
        )?;
        for o in overrides.iter() {
            match entries.binary_search_by(|a| a.name.cmp(&o.name)) {
                Ok(i) => {
                    entries[i].value = o.value.clone();
                    if let Some(slot) = ir.attrs.iter().position(|a| a.name == o.name)
                        && let Some(v) = frame.slots.borrow_mut().get_mut(slot)
                    {
                        *v = o.value.clone();
                    }
                }
                Err(i) => entries.insert(i, o.clone()),
            }
        }
        Ok(())
    }

    fn inherit_from_env(&mut self, ir: &AttrsIr, env: &Rc<Env>) -> Option<Rc<Env>> {
        if ir.inherit_from.is_empty() {
            return None;
        }
        let sources = ir
            .inherit_from
            .iter()
            .map(|s| self.make_thunk(s, env))
            .collect();
        Some(self.new_complete_env(sources, env))
    }

    /// Makes the frame of a `rec` set or `let` and fills it.
    #[inline(never)]
    fn bind_recursive(&mut self, ir: &AttrsIr, env: &Rc<Env>) -> EvalResult<Rc<Env>> {
        let frame = self.new_env(Slots::new(), env);
        let inherit_env = self.inherit_from_env(ir, &frame);
        let scope_env = |a: &crate::lower::AttrIr| match a.scope {
            AttrScope::Own => &frame,
            AttrScope::Outer => env,
            AttrScope::InheritFrom => inherit_env.as_ref().unwrap_or(&frame),
        };
        let values: Slots = match &ir.fill_plan {
            None => {
                let mut values = Slots::with_capacity(ir.attrs.len());
                for a in &ir.attrs {
                    values.push(self.make_thunk(&a.value, scope_env(a)));
                }
                values
            }
            Some(plan) => {
                // C++ Nix's order, sharing values (see `FillStep`). The
                // frame's slots stay empty until all are made, so a
                // variable of this frame becomes a thunk of its own.
                let mut values: Slots = smallvec::smallvec![Value::Null; ir.attrs.len()];
                for step in plan.iter() {
                    let slot = step.slot as usize;
                    values[slot] = match step.alias_of {
                        Some(j) => values[j as usize].clone(),
                        None => {
                            let a = &ir.attrs[slot];
                            self.make_thunk(&a.value, scope_env(a))
                        }
                    };
                }
                values
            }
        };
        *frame.slots.borrow_mut() = values;
        Ok(frame)
    }

    fn add_dynamic(
        &mut self,
        ir: &AttrsIr,
        env: &Rc<Env>,
        entries: &mut Vec<Attr>,
    ) -> EvalResult<()> {
        for d in &ir.dynamic {
            let name = self.eval(&d.name, env)?;
            if matches!(name, Value::Null) {
                continue;
            }
            let name = self.expect_string(&name, d.name.pos).map_err(frame(
                "while evaluating the name of a dynamic attribute",
                d.pos,
            ))?;
            let name = Symbol::new(&name.to_str_lossy());
            if let Some(prev) = entries.iter().find(|a| a.name == name) {
                let where_ = self.show_pos(prev.pos);
                return Err(EvalError::eval(
                    format!(
                        "dynamic attribute '{}' already defined at {}",
                        name.as_str(),
                        where_
                    ),
                    d.pos,
                ));
            }
            let value = self.make_thunk(&d.value, env);
            entries.push(Attr {
                name,
                value,
                pos: d.pos,
            });
        }
        Ok(())
    }

    /// `file:line:col` of a position, as messages show it.
    pub(crate) fn show_pos(&self, pos: Pos) -> String {
        match (self.sources.get(pos.file), self.sources.line_col(pos)) {
            (Some(src), Some((l, c))) => format!("{}:{}:{}", src.name, l, c),
            _ => "«none»:0".to_string(),
        }
    }

    /// `{ column, file, line }` for `__curPos` and `unsafeGetAttrPos`.
    pub(crate) fn pos_attrs(&self, pos: Pos) -> Value {
        let (Some(src), Some((line, col))) =
            (self.sources.get(pos.file), self.sources.line_col(pos))
        else {
            return Value::Null;
        };
        let file = if src.name.starts_with('/') {
            Value::String(NixString::from(src.name.as_str()))
        } else {
            Value::str(&src.name)
        };
        Value::Attrs(Rc::new(AttrSet::from_sorted(vec![
            Attr {
                name: Symbol::new("column"),
                value: Value::Int(col as i64),
                pos: Pos::NONE,
            },
            Attr {
                name: Symbol::new("file"),
                value: file,
                pos: Pos::NONE,
            },
            Attr {
                name: Symbol::new("line"),
                value: Value::Int(line as i64),
                pos: Pos::NONE,
            },
        ])))
    }

    /// "expected X but found Y: value".
    pub(crate) fn type_error(&self, expected: &str, found: &Value, pos: Pos) -> Box<EvalError> {
        EvalError::eval(
            format!(
                "expected {} but found {}: {}",
                expected,
                found.show_type(),
                self.show(found)
            ),
            pos,
        )
    }
}

/// C++ Nix's "Did you mean …?" suggestions: names within edit distance 2.
pub(crate) fn did_you_mean<'a>(
    name: &Symbol,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<String> {
    let target = name.as_str();
    let mut close: Vec<(usize, &str)> = candidates
        .map(|c| (levenshtein(target, c), c))
        .filter(|(d, _)| *d <= 2)
        .collect();
    if close.is_empty() {
        return None;
    }
    close.sort();
    close.truncate(10);
    let names: Vec<&str> = close.iter().map(|(_, n)| *n).collect();
    Some(match names.as_slice() {
        [one] => format!("Did you mean {one}?"),
        many => {
            let (last, init) = many.split_last().unwrap_or((&"", &[]));
            format!("Did you mean one of {} or {}?", init.join(", "), last)
        }
    })
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `x.pipe(f)` = `f(x)`, for readable error construction.
pub(crate) trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}

impl<T> Pipe for T {}
