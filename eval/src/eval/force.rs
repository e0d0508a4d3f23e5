//! Forcing a value to an expected type, with C++ Nix's messages: scalar
//! type errors carry the position, container type errors only a frame.

use std::rc::Rc;

use super::Evaluator;
use super::expr::frame;
use crate::error::{EvalError, EvalResult};
use crate::pos::Pos;
use crate::value::{AttrSet, NixString, Value};

impl Evaluator {
    fn scalar_error(&self, expected: &str, v: &Value, pos: Pos) -> Box<EvalError> {
        EvalError::eval(
            format!(
                "expected {} but found {}: {}",
                expected,
                v.show_type(),
                self.show(v)
            ),
            pos,
        )
    }

    /// A forced value as a Boolean.
    pub(crate) fn expect_bool(&self, v: &Value, pos: Pos) -> EvalResult<bool> {
        match v {
            Value::Bool(b) => Ok(b.get()),
            _ => Err(self.scalar_error("a Boolean", v, pos)),
        }
    }

    /// A forced value as a string (context kept).
    pub(crate) fn expect_string(&self, v: &Value, pos: Pos) -> EvalResult<NixString> {
        match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(self.scalar_error("a string", v, pos)),
        }
    }

    /// Forces `v` to a Boolean; `ctx` becomes a frame at `pos`.
    pub(crate) fn force_bool(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<bool> {
        let v = self.force(v).map_err(frame(ctx, pos))?;
        self.expect_bool(&v, pos).map_err(frame(ctx, pos))
    }

    /// Forces `v` to an integer.
    pub(crate) fn force_int(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<i64> {
        let v = self.force(v).map_err(frame(ctx, pos))?;
        match v {
            Value::Int(i) => Ok(i),
            _ => Err(self.scalar_error("an integer", &v, pos)).map_err(frame(ctx, pos)),
        }
    }

    /// Forces `v` to a float (integers convert).
    pub(crate) fn force_float(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<f64> {
        let v = self.force(v).map_err(frame(ctx, pos))?;
        match v {
            Value::Int(i) => Ok(i as f64),
            Value::Float(f) => Ok(f.get()),
            _ => Err(self.scalar_error("a float", &v, pos)).map_err(frame(ctx, pos)),
        }
    }

    /// Forces `v` to a string, keeping its context.
    pub(crate) fn force_string(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<NixString> {
        let v = self.force(v).map_err(frame(ctx, pos))?;
        self.expect_string(&v, pos).map_err(frame(ctx, pos))
    }

    /// Forces `v` to a string that must not have context.
    pub(crate) fn force_string_no_ctx(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<NixString> {
        let s = self.force_string(v, pos, ctx)?;
        if s.has_context() {
            return Err(EvalError::eval(
                format!(
                    "the string '{}' is not allowed to refer to a store path (such as '{}')",
                    s.to_str_lossy(),
                    crate::builtins::display_first_context(s.context())
                ),
                pos,
            ))
            .map_err(frame(ctx, pos));
        }
        Ok(s)
    }

    /// Forces `v` to a list.
    pub(crate) fn force_list(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<Rc<Vec<Value>>> {
        match self.force(v).map_err(frame(ctx, pos))? {
            Value::List(l) => Ok(l),
            other => Err(self.type_error("a list", &other, Pos::NONE)).map_err(frame(ctx, pos)),
        }
    }

    /// Forces `v` to a set.
    pub(crate) fn force_attrs(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<Rc<AttrSet>> {
        match self.force(v).map_err(frame(ctx, pos))? {
            Value::Attrs(a) => Ok(a),
            other => Err(self.type_error("a set", &other, Pos::NONE)).map_err(frame(ctx, pos)),
        }
    }

    /// Forces `v` to a function.
    pub(crate) fn force_function(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<Value> {
        let f = self.force(v).map_err(frame(ctx, pos))?;
        if f.is_function() || matches!(&f, Value::Attrs(a) if a.get("__functor").is_some()) {
            Ok(f)
        } else {
            Err(self.scalar_error("a function", &f, pos)).map_err(frame(ctx, pos))
        }
    }
}
