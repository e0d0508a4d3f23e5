//! `fromTOML`.

use std::rc::Rc;

use super::{PrimOp, arg_ctx, make_attrs, op};
use crate::error::{EvalError, EvalResult};
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, Symbol, Value};

fn toml_error(msg: impl std::fmt::Display) -> Box<EvalError> {
    EvalError::eval(format!("while parsing TOML: {msg}"), Pos::NONE)
}

fn no_nul(s: &str) -> EvalResult<()> {
    if s.contains('\0') {
        return Err(toml_error(format!(
            "error: input string '{}' cannot be represented as Nix string because it contains null bytes",
            s.replace('\0', "␀")
        )));
    }
    Ok(())
}

/// A timestamp as C++ Nix prints it: fractional seconds padded to
/// milli-, micro- or nanoseconds.
fn timestamp(d: &toml::value::Datetime) -> String {
    let mut out = String::new();
    if let Some(date) = d.date {
        out.push_str(&format!(
            "{:04}-{:02}-{:02}",
            date.year, date.month, date.day
        ));
    }
    if let Some(time) = d.time {
        if d.date.is_some() {
            out.push('T');
        }
        out.push_str(&format!(
            "{:02}:{:02}:{:02}",
            time.hour, time.minute, time.second
        ));
        let ns = time.nanosecond;
        if ns != 0 {
            let digits = format!("{ns:09}");
            let keep = if ns % 1_000_000 == 0 {
                3
            } else if ns % 1000 == 0 {
                6
            } else {
                9
            };
            out.push('.');
            out.push_str(&digits[..keep]);
        }
    }
    match d.offset {
        Some(toml::value::Offset::Z) => out.push('Z'),
        Some(toml::value::Offset::Custom { minutes }) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
        None => {}
    }
    out
}

fn convert(v: toml::Value, timestamps: bool) -> EvalResult<Value> {
    Ok(match v {
        toml::Value::String(s) => {
            no_nul(&s)?;
            Value::str(s)
        }
        toml::Value::Integer(i) => Value::Int(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => {
            if !timestamps {
                return Err(toml_error("Dates and times are not supported"));
            }
            make_attrs(vec![
                ("_type", Value::str("timestamp")),
                ("value", Value::str(timestamp(&d))),
            ])
        }
        toml::Value::Array(items) => Value::list(
            items
                .into_iter()
                .map(|i| convert(i, timestamps))
                .collect::<EvalResult<Vec<_>>>()?,
        ),
        toml::Value::Table(t) => table(t, timestamps)?,
    })
}

fn table(t: toml::Table, timestamps: bool) -> EvalResult<Value> {
    let mut entries = Vec::with_capacity(t.len());
    for (k, v) in t {
        no_nul(&k)?;
        entries.push(Attr {
            name: Symbol::new(&k),
            value: convert(v, timestamps)?,
            pos: Pos::NONE,
        });
    }
    Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(entries))))
}

pub(crate) static PRIMOPS: &[PrimOp] = &[op("fromTOML", 1, |ev, args, _| {
    let s = ev.force_string(&args[0], Pos::NONE, &arg_ctx(0, "fromTOML"))?;
    let text = String::from_utf8_lossy(s.as_bytes());
    let parsed: toml::Table = text.parse().map_err(toml_error)?;
    let timestamps = ev
        .settings
        .experimental_features
        .iter()
        .any(|f| f == "parse-toml-timestamps");
    table(parsed, timestamps)
})];
