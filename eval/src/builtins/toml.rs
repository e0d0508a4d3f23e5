//! `fromTOML`.

use std::rc::Rc;

use super::{ArgCtx, PrimOp, make_attrs, op};
use crate::error::{EvalError, EvalResult};
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, Symbol, Value};

fn toml_error(msg: impl std::fmt::Display) -> Box<EvalError> {
    EvalError::eval(format!("while parsing TOML: {msg}"), Pos::NONE)
}

/// A parse error as the message C++ Nix's TOML library (toml11) words it
/// where the two libraries agree on the cause (an integer out of range);
/// the `toml` crate's own message otherwise.
fn parse_error_text(text: &str, e: &toml::de::Error) -> String {
    if matches!(
        e.message(),
        "number too large to fit in target type" | "number too small to fit in target type"
    ) && let Some(span) = e.span()
    {
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[span.start..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        let line_no = text[..span.start].matches('\n').count() + 1;
        // The crate's span covers only the number's start; toml11 points
        // just past its end.
        let number_end = text[span.start..line_end]
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '+' | '-' | '_')))
            .map_or(line_end, |i| span.start + i);
        let caret = " ".repeat(number_end - line_start);
        let pad = " ".repeat(line_no.to_string().len());
        return format!(
            "[error] toml::parse_dec_integer: too large integer: current max digits = 2^63\n\
             {pad}--> fromTOML\n \
             {pad} |\n \
             {line_no} | {}\n \
             {pad} | {caret}^-- must be < 2^63\n",
            &text[line_start..line_end],
        );
    }
    e.to_string()
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
        toml::Value::Float(f) => Value::float(f),
        toml::Value::Boolean(b) => Value::bool(b),
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
    let s = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "fromTOML"))?;
    let text = String::from_utf8_lossy(s.as_bytes());
    let parsed: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| toml_error(parse_error_text(&text, &e)))?;
    let timestamps = ev
        .settings
        .experimental_features
        .iter()
        .any(|f| f == "parse-toml-timestamps");
    table(parsed, timestamps)
})];
