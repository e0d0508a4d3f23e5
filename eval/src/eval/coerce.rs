//! Coercion to strings: interpolation, `+` on strings, `toString`.

use super::Evaluator;
use super::expr::frame;
use crate::error::{EvalError, EvalResult};
use crate::pos::Pos;
use crate::value::{NixString, StringBuilder, Value};

/// How far a coercion may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoerceMode {
    /// Strings, paths as they are, sets via `__toString`/`outPath`.
    Plain,
    /// Like `Plain`, but paths are copied to the store (interpolation).
    Interpolate,
    /// `toString`: also null, Booleans, numbers and lists.
    ToString,
    /// Like `ToString`, but paths are copied to the store (derivation
    /// attributes: C++ Nix's `coerceMore` with `copyToStore`).
    ToStringCopy,
}

impl CoerceMode {
    /// Whether null, Booleans, numbers and lists coerce.
    fn coerces_more(self) -> bool {
        matches!(self, CoerceMode::ToString | CoerceMode::ToStringCopy)
    }
}

impl Evaluator {
    /// Coerces `v` to a string with its context.
    pub fn coerce_to_string(
        &mut self,
        v: &Value,
        pos: Pos,
        mode: CoerceMode,
    ) -> EvalResult<NixString> {
        self.coerce_to_string_ctx(v, pos, mode, "")
    }

    /// Like [`Evaluator::coerce_to_string`]; `ctx` becomes a frame at
    /// `pos` on the errors C++ Nix attaches it to (a value that cannot be
    /// coerced, a failing list element), not on errors forcing `v`.
    pub fn coerce_to_string_ctx(
        &mut self,
        v: &Value,
        pos: Pos,
        mode: CoerceMode,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<NixString> {
        // A string coerces to itself in every mode: shared, not copied
        // (`substring` of a long string would otherwise copy all of it).
        match v {
            Value::String(s) => return Ok(s.clone()),
            Value::Thunk(t) => {
                if let Some(Value::String(s)) = t.forced() {
                    return Ok(s);
                }
            }
            _ => {}
        }
        let mut sb = StringBuilder::default();
        self.coerce_into(v, pos, mode, &mut sb, ctx)?;
        Ok(sb.finish())
    }

    /// Appends the coercion of `v` to `out`.
    pub(crate) fn coerce_into(
        &mut self,
        v: &Value,
        pos: Pos,
        mode: CoerceMode,
        out: &mut StringBuilder,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<()> {
        let with_ctx = |e: Box<EvalError>| {
            let text: String = ctx.into();
            if text.is_empty() {
                e
            } else {
                frame(text, pos)(e)
            }
        };
        let v = self.force(v)?;
        match &v {
            Value::String(s) => out.push(s),
            Value::Path(p) => {
                if matches!(mode, CoerceMode::Interpolate | CoerceMode::ToStringCopy) {
                    let stored = self.copy_path_to_store(p, pos)?;
                    out.push(&stored);
                } else {
                    out.push(p);
                }
            }
            Value::Attrs(a) => {
                if let Some(f) = a.get("__toString") {
                    let (f, fpos) = (f.value.clone(), f.pos);
                    let r = self
                        .call(f, v.clone(), fpos)
                        .map_err(frame("while calling the `__toString` attribute", fpos))?;
                    // The outer position, as C++ Nix's peeling keeps it for
                    // the context frame of the final coercion.
                    return self.coerce_into(&r, pos, mode, out, ctx).map_err(frame(
                        "while using the result of the `__toString` attribute",
                        fpos,
                    ));
                }
                if let Some(o) = a.get("outPath") {
                    let (o, opos) = (o.value.clone(), o.pos);
                    let forced = self
                        .force(&o)
                        .map_err(frame("while evaluating the `outPath` attribute", opos))?;
                    return self
                        .coerce_into(&forced, pos, mode, out, ctx)
                        .map_err(frame("while using the `outPath` attribute", opos));
                }
                return Err(with_ctx(self.cannot_coerce(&v, pos)));
            }
            Value::Null if mode.coerces_more() => {}
            Value::Bool(b) if mode.coerces_more() => {
                if b.get() {
                    out.push_bytes(b"1");
                }
            }
            Value::Int(i) if mode.coerces_more() => out.push_bytes(i.to_string().as_bytes()),
            Value::Float(f) if mode.coerces_more() => {
                out.push_bytes(format!("{:.6}", f.get()).as_bytes())
            }
            Value::List(items) if mode.coerces_more() => {
                let n = items.len();
                for (i, item) in items.iter().enumerate() {
                    let item = self.force(item).map_err(with_ctx)?;
                    self.coerce_into(
                        &item,
                        pos,
                        mode,
                        out,
                        "while evaluating one element of the list",
                    )
                    .map_err(with_ctx)?;
                    if i + 1 < n && !matches!(&item, Value::List(l) if l.is_empty()) {
                        out.push_bytes(b" ");
                    }
                }
            }
            _ => return Err(with_ctx(self.cannot_coerce(&v, pos))),
        }
        Ok(())
    }

    fn cannot_coerce(&self, v: &Value, _pos: Pos) -> Box<EvalError> {
        EvalError::eval(
            format!(
                "cannot coerce {} to a string: {}",
                v.show_type(),
                self.show(v)
            ),
            Pos::NONE,
        )
    }

    /// Interpolating a path "copies" it to the store: its store path is
    /// computed (nothing is written) and becomes the string's context.
    fn copy_path_to_store(&mut self, p: &NixString, _pos: Pos) -> EvalResult<NixString> {
        let path = p.to_str_lossy().into_owned();
        if let Some(done) = self.store_paths.get(&path) {
            return Ok(done.clone());
        }
        self.check_source_path(&path, Pos::NONE)?;
        let stored = crate::store::import_source(self.io.as_ref(), &path).map_err(|e| {
            // C++ Nix reports both without a position.
            if e.kind() == std::io::ErrorKind::InvalidInput {
                EvalError::eval(e.to_string(), Pos::NONE)
            } else {
                EvalError::eval(format!("path '{path}' does not exist"), Pos::NONE)
            }
        })?;
        let s =
            NixString::with_context(stored.as_bytes(), vec![std::rc::Rc::from(stored.as_str())]);
        self.store_paths.insert(path, s.clone());
        Ok(s)
    }
}
