//! Printing values: `nix-instantiate --eval` output and the short form
//! used inside error messages.
//!
//! Both follow C++ Nix: names quoted only when they are not identifiers,
//! floats like C++ iostreams (`%g`), strings with Nix escapes, and
//! containers already printed shown as `«repeated»` (by identity).

pub mod xml;

use std::fmt::Write;
use std::rc::Rc;

use rustc_hash::FxHashSet;
use tvix_syntax::exact::{format_float, is_plain_identifier, print_identifier};

use crate::pos::Sources;
use crate::value::{NixBool, NixString, Value};

/// Prints a value the way `nix-instantiate --eval` does; parts not yet
/// evaluated print as `«thunk»`.
pub fn print_value(v: &Value) -> String {
    let mut out = Out {
        text: String::new(),
        sink: None,
    };
    let mut seen = FxHashSet::default();
    print_into(&mut out, v, v as *const Value as usize, &mut seen);
    out.text
}

/// [`print_value`] written to `w` as it is printed, in pieces of
/// [`Out::CHUNK`] bytes: a large value (the evaluation benchmarks print
/// megabytes) is never held whole in memory.
pub fn write_value(v: &Value, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = Out {
        text: String::with_capacity(Out::CHUNK + 4096),
        sink: Some((w, Ok(()))),
    };
    let mut seen = FxHashSet::default();
    print_into(&mut out, v, v as *const Value as usize, &mut seen);
    out.flush();
    match out.sink {
        Some((_, result)) => result,
        None => Ok(()),
    }
}

/// Where printed text goes: a string, handed to a writer in chunks when
/// there is one (the first write error is kept and ends the writing).
struct Out<'w> {
    text: String,
    sink: Option<(&'w mut dyn std::io::Write, std::io::Result<()>)>,
}

impl Out<'_> {
    /// How much text is gathered before it goes to the writer.
    const CHUNK: usize = 64 * 1024;

    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn push(&mut self, c: char) {
        self.text.push(c);
    }

    /// Hands the text to the writer once there is a chunk of it.
    #[inline]
    fn maybe_flush(&mut self) {
        if self.sink.is_some() && self.text.len() >= Self::CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Some((w, result)) = &mut self.sink {
            if result.is_ok() {
                *result = w.write_all(self.text.as_bytes());
            }
            self.text.clear();
        }
    }
}

/// `cell` is the address of the slot holding `v`: C++ Nix stores lists
/// of up to two elements inside the value cell, so their identity (for
/// `«repeated»`) is the cell's, not the shared payload's.
fn print_into(out: &mut Out, v: &Value, cell: usize, seen: &mut FxHashSet<usize>) {
    match v {
        Value::Attrs(a) => {
            if !a.is_empty() && !seen.insert(Rc::as_ptr(a) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("{ ");
            for attr in a.iter() {
                let name = attr.name.as_str();
                if is_plain_identifier(name) {
                    out.push_str(name);
                } else {
                    out.push_str(&print_identifier(name));
                }
                out.push_str(" = ");
                print_into(out, &attr.value, &attr.value as *const Value as usize, seen);
                out.push_str("; ");
                out.maybe_flush();
            }
            out.push('}');
        }
        Value::List(l) => {
            let identity = if l.len() <= 2 {
                cell
            } else {
                Rc::as_ptr(l) as usize
            };
            if !l.is_empty() && !seen.insert(identity) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("[ ");
            for item in l.iter() {
                print_into(out, item, item as *const Value as usize, seen);
                out.push(' ');
                out.maybe_flush();
            }
            out.push(']');
        }
        Value::Thunk(t) => match t.forced() {
            Some(v) => print_into(out, &v, Rc::as_ptr(&t.0) as usize, seen),
            None => out.push_str("«thunk»"),
        },
        Value::Lambda(_) => out.push_str("<LAMBDA>"),
        Value::PrimOp(_) => out.push_str("<PRIMOP>"),
        Value::PrimOpApp(_) => out.push_str("<PRIMOP-APP>"),
        scalar => print_scalar(&mut out.text, scalar),
    }
}

fn print_scalar(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(NixBool::TRUE) => out.push_str("true"),
        Value::Bool(NixBool::FALSE) => out.push_str("false"),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float(f.get())),
        Value::String(s) => quote_into(out, s.as_bytes()),
        Value::Path(p) => out.push_str(&p.to_str_lossy()),
        _ => {}
    }
}

/// Appends `bytes` in double quotes with Nix's escapes; a string without
/// anything to escape (most are) is appended in one copy.
fn quote_into(out: &mut String, bytes: &[u8]) {
    let plain = !bytes
        .iter()
        .any(|b| matches!(b, b'"' | b'\\' | b'\n' | b'\r' | b'\t' | b'$'));
    match std::str::from_utf8(bytes) {
        Ok(text) if plain => {
            out.reserve(text.len() + 2);
            out.push('"');
            out.push_str(text);
            out.push('"');
        }
        _ => out.push_str(&quote_bytes(bytes)),
    }
}

/// A string in double quotes with Nix's escapes.
pub fn quote(s: &NixString) -> String {
    quote_bytes(s.as_bytes())
}

fn quote_bytes(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'"');
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'$' if bytes.get(i + 1) == Some(&b'{') => out.extend_from_slice(b"\\$"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
    String::from_utf8_lossy(&out).into_owned()
}

/// Limits for values shown inside error messages (C++ Nix's
/// `errorPrintOptions`).
const MAX_DEPTH: usize = 10;
const MAX_ITEMS: usize = 10;

/// A value as error messages show it: unforced parts as `«thunk»`,
/// functions as `«lambda»`, long containers elided.
pub fn show_value(v: &Value) -> String {
    show_value_in(v, None)
}

/// Like [`show_value`], with `«lambda @ file:line:col»` when the sources
/// are known.
pub fn show_value_in(v: &Value, sources: Option<&Sources>) -> String {
    let mut out = String::new();
    let mut seen = FxHashSet::default();
    let mut budget = Budget::default();
    show_into(&mut out, v, 0, &mut seen, sources, &mut budget);
    out
}

/// Items printed so far; C++ Nix's limits are for the whole message.
#[derive(Default)]
struct Budget {
    attrs: usize,
    items: usize,
}

fn show_into(
    out: &mut String,
    v: &Value,
    depth: usize,
    seen: &mut FxHashSet<usize>,
    sources: Option<&Sources>,
    budget: &mut Budget,
) {
    match v {
        Value::Attrs(a) => {
            if a.is_empty() {
                out.push_str("{ }");
                return;
            }
            if !seen.insert(Rc::as_ptr(a) as usize) {
                out.push_str("«repeated»");
                return;
            }
            if depth >= MAX_DEPTH {
                out.push_str("{ ... }");
                return;
            }
            if let Some(t) = a.get("type")
                && let Some(Value::String(s)) = forced(&t.value)
                && s.as_bytes() == b"derivation"
            {
                out.push_str("«derivation");
                if let Some(p) = a.get("drvPath")
                    && let Some(Value::String(s)) = forced(&p.value)
                {
                    out.push(' ');
                    out.push_str(&s.to_str_lossy());
                }
                out.push('»');
                return;
            }
            out.push_str("{ ");
            for (i, attr) in a.iter().enumerate() {
                if budget.attrs >= MAX_ITEMS {
                    let rest = a.len() - i;
                    let _ = write!(
                        out,
                        "«{} attribute{} elided» ",
                        rest,
                        if rest == 1 { "" } else { "s" }
                    );
                    break;
                }
                out.push_str(&print_identifier(attr.name.as_str()));
                out.push_str(" = ");
                show_into(out, &attr.value, depth + 1, seen, sources, budget);
                budget.attrs += 1;
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(l) => {
            if l.is_empty() {
                out.push_str("[ ]");
                return;
            }
            if !seen.insert(Rc::as_ptr(l) as usize) {
                out.push_str("«repeated»");
                return;
            }
            if depth >= MAX_DEPTH {
                out.push_str("[ ... ]");
                return;
            }
            out.push_str("[ ");
            for (i, item) in l.iter().enumerate() {
                if budget.items >= MAX_ITEMS {
                    let rest = l.len() - i;
                    let _ = write!(
                        out,
                        "«{} item{} elided» ",
                        rest,
                        if rest == 1 { "" } else { "s" }
                    );
                    break;
                }
                show_into(out, item, depth + 1, seen, sources, budget);
                budget.items += 1;
                out.push(' ');
            }
            out.push(']');
        }
        Value::Thunk(t) => match t.forced() {
            Some(v) => show_into(out, &v, depth, seen, sources, budget),
            None => out.push_str("«thunk»"),
        },
        Value::Lambda(c) => {
            let pos = c.lambda.pos;
            match (
                sources.and_then(|s| s.get(pos.file)),
                sources.and_then(|s| s.line_col(pos)),
            ) {
                (Some(src), Some((l, col))) => {
                    let _ = write!(out, "«lambda @ {}:{}:{}»", src.name, l, col);
                }
                _ => out.push_str("«lambda»"),
            }
        }
        Value::PrimOp(op) => {
            let _ = write!(out, "«primop {}»", op.name);
        }
        Value::PrimOpApp(app) => {
            let _ = write!(out, "«partially applied primop {}»", app.op.name);
        }
        Value::String(s) if s.len() > 1024 => {
            let cut = NixString::new(&s.as_bytes()[..1024]);
            out.push_str(&quote(&cut));
            let _ = write!(out, "«{} bytes elided»", s.len() - 1024);
        }
        scalar => print_scalar(out, scalar),
    }
}

fn forced(v: &Value) -> Option<Value> {
    match v {
        Value::Thunk(t) => t.forced(),
        other => Some(other.clone()),
    }
}
