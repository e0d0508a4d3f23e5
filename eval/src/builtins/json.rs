//! `toJSON` and `fromJSON` (also used by `tvix eval --json`).

use std::rc::Rc;

use super::{ArgCtx, PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{CoerceMode, Evaluator, frame};
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, NixString, StringBuilder, Symbol, Value};

/// Serialises a value as JSON the way `builtins.toJSON` does, collecting
/// string context into `ctx`.
///
/// Every nested value counts as a call towards `max-call-depth`, as in C++
/// Nix, so a deeply nested value ends in a clean stack-overflow error.
pub fn value_to_json(
    ev: &mut Evaluator,
    v: &Value,
    pos: Pos,
    out: &mut StringBuilder,
) -> EvalResult<()> {
    ev.check_stack(pos)?;
    ev.enter_call(pos)?;
    let r = value_to_json_nested(ev, v, pos, out);
    ev.leave_call();
    r
}

fn value_to_json_nested(
    ev: &mut Evaluator,
    v: &Value,
    pos: Pos,
    out: &mut StringBuilder,
) -> EvalResult<()> {
    let v = ev.force(v).map_err(crate::error::overflow_at(pos))?;
    match &v {
        Value::Null => out.push_bytes(b"null"),
        Value::Bool(b) => out.push_bytes(if b.get() { b"true" } else { b"false" }),
        Value::Int(i) => out.push_bytes(i.to_string().as_bytes()),
        Value::Float(f) => out.push_bytes(serde_json::Value::from(f.get()).to_string().as_bytes()),
        Value::String(s) => {
            out.context.extend(s.context().iter().cloned());
            push_json_string(out, s)?;
        }
        Value::Path(_) => {
            let s = ev.coerce_to_string(&v, pos, CoerceMode::Interpolate)?;
            out.context.extend(s.context().iter().cloned());
            push_json_string(out, &s)?;
        }
        Value::List(l) => {
            out.push_bytes(b"[");
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push_bytes(b",");
                }
                value_to_json(ev, item, pos, out).map_err(crate::eval::frame_with(
                    || format!("while evaluating list element at index {i}"),
                    pos,
                ))?;
            }
            out.push_bytes(b"]");
        }
        Value::Attrs(a) => {
            if let Some(f) = a.get("__toString") {
                let (f, fpos) = (f.value.clone(), f.pos);
                let r = ev
                    .call(f, v.clone(), fpos)
                    .map_err(frame("while calling the `__toString` attribute", fpos))?;
                return to_string_result_json(ev, &r, fpos, out).map_err(frame(
                    "while using the result of the `__toString` attribute",
                    fpos,
                ));
            }
            if let Some(o) = a.get("outPath") {
                let (o, opos) = (o.value.clone(), o.pos);
                return value_to_json(ev, &o, pos, out)
                    .map_err(frame("while using the `outPath` attribute", opos));
            }
            out.push_bytes(b"{");
            for (i, attr) in a.iter().enumerate() {
                if i > 0 {
                    out.push_bytes(b",");
                }
                push_json_string(out, &NixString::from(attr.name.as_str()))?;
                out.push_bytes(b":");
                value_to_json(ev, &attr.value, attr.pos, out).map_err(frame(
                    format!("while evaluating attribute '{}'", attr.name.as_str()),
                    attr.pos,
                ))?;
            }
            out.push_bytes(b"}");
        }
        other => {
            return Err(EvalError::eval(
                format!("cannot convert {} to JSON", other.show_type()),
                pos,
            ));
        }
    }
    Ok(())
}

/// The JSON of what a `__toString` (at `fpos`) returned: it must be a
/// string (or a path, or a set that is itself one), as current C++ Nix
/// checks.
fn to_string_result_json(
    ev: &mut Evaluator,
    r: &Value,
    fpos: Pos,
    out: &mut StringBuilder,
) -> EvalResult<()> {
    let r = ev.force(r)?;
    match &r {
        Value::String(_) | Value::Path(_) => value_to_json(ev, &r, fpos, out),
        Value::Attrs(a) if a.get("__toString").is_some() || a.get("outPath").is_some() => {
            value_to_json(ev, &r, fpos, out)
        }
        Value::Attrs(_) => Err(EvalError::eval(
            format!(
                "`__toString` must return a string, but got {}: {}",
                r.show_type(),
                ev.show(&r)
            ),
            fpos,
        )),
        other => Err(EvalError::eval(
            format!(
                "`__toString` should return a string, but got {}: {}",
                other.show_type(),
                ev.show(other)
            ),
            fpos,
        )),
    }
}

fn push_json_string(out: &mut StringBuilder, s: &NixString) -> EvalResult<()> {
    let text = match std::str::from_utf8(s.as_bytes()) {
        Ok(text) => text,
        Err(e) => {
            // nlohmann::json's message: the byte offset in the string and
            // the offending byte.
            let at = e.valid_up_to();
            return Err(EvalError::eval(
                format!(
                    "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index {at}: 0x{:02X}",
                    s.as_bytes()[at]
                ),
                Pos::NONE,
            ));
        }
    };
    out.push_bytes(serde_json::Value::from(text).to_string().as_bytes());
    Ok(())
}

/// C++ Nix's strings cannot hold NUL, so JSON strings with `\u0000` fail.
fn no_nul(s: &str) -> EvalResult<()> {
    if s.contains('\0') {
        return Err(EvalError::eval(
            format!(
                "input string '{}' cannot be represented as Nix string because it contains null bytes",
                s.replace('\0', "\u{2400}")
            ),
            Pos::NONE,
        ));
    }
    Ok(())
}

fn from_json(v: serde_json::Value, pos: Pos) -> EvalResult<Value> {
    Ok(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::bool(b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                return Err(EvalError::eval(
                    format!("unsigned json number {u} outside of Nix integer range"),
                    pos,
                ));
            } else {
                Value::float(n.as_f64().unwrap_or(0.0))
            }
        }
        serde_json::Value::String(s) => {
            no_nul(&s)?;
            Value::str(s)
        }
        serde_json::Value::Array(items) => Value::list(
            items
                .into_iter()
                .map(|i| from_json(i, pos))
                .collect::<EvalResult<Vec<_>>>()?,
        ),
        serde_json::Value::Object(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (k, v) in map {
                no_nul(&k)?;
                entries.push(Attr {
                    name: Symbol::new(&k),
                    value: from_json(v, pos)?,
                    pos: Pos::NONE,
                });
            }
            Value::Attrs(Rc::new(AttrSet::from_unsorted(entries)))
        }
    })
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("toJSON", 1, |ev, args, pos| {
        let mut sb = StringBuilder::default();
        value_to_json(ev, &args[0], pos, &mut sb)?;
        Ok(Value::String(sb.finish()))
    }),
    op("fromJSON", 1, |ev, args, pos| {
        let s = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "fromJSON"))?;
        let parsed: serde_json::Value = serde_json::from_slice(s.as_bytes())
            .map_err(|e| EvalError::eval(format!("while decoding a JSON string: {e}"), pos))?;
        from_json(parsed, pos)
    }),
];
