//! `--xml` output: C++ Nix's XML value dump, without source locations.

use std::fmt::Write;

use tvix_syntax::exact::format_float;

use std::rc::Rc;

use rustc_hash::FxHashSet;

use crate::error::{ErrorKind, EvalError};
use crate::lower::Lambda;
use crate::pos::Pos;
use crate::value::{AttrSet, Value};

/// The XML document for an already (deeply) forced value, with the
/// string context of the strings it shows (what `builtins.toXML` gives
/// its result).
///
/// As in C++ Nix, a derivation (a set whose `type` is `"derivation"`)
/// is a `<derivation>` element with its `drvPath` and `outPath`, its
/// attributes shown only the first time its `drvPath` is met and
/// `<repeated />` after that, which ends the cycles every derivation has
/// (`out` is the set itself). Any other cycle has no end: C++ Nix
/// overflows its stack; this fails with a stack overflow error.
pub fn print_xml(v: &Value) -> Result<(String, Vec<Rc<str>>), Box<EvalError>> {
    let mut printer = XmlPrinter {
        out: String::from("<?xml version='1.0' encoding='utf-8'?>\n<expr>\n"),
        context: Vec::new(),
        drvs_seen: FxHashSet::default(),
        open: Vec::new(),
    };
    printer.element(v, 1)?;
    printer.out.push_str("</expr>\n");
    Ok((printer.out, printer.context))
}

struct XmlPrinter {
    out: String,
    /// Context of the strings shown.
    context: Vec<Rc<str>>,
    /// `drvPath`s of the derivations shown.
    drvs_seen: FxHashSet<Vec<u8>>,
    /// Addresses of the sets and lists being shown (the path from the
    /// root): meeting one again is a cycle.
    open: Vec<usize>,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            c => out.push(c),
        }
    }
    out
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn leaf(out: &mut String, depth: usize, tag: &str, value: &str) {
    indent(out, depth);
    let _ = writeln!(out, "<{tag} value=\"{}\" />", escape(value));
}

impl XmlPrinter {
    fn element(&mut self, v: &Value, depth: usize) -> Result<(), Box<EvalError>> {
        let out = &mut self.out;
        match v {
            Value::Thunk(t) => match t.forced() {
                Some(v) => return self.element(&v, depth),
                None => {
                    indent(out, depth);
                    out.push_str("<unevaluated />\n");
                }
            },
            Value::Null => {
                indent(out, depth);
                out.push_str("<null />\n");
            }
            Value::Bool(b) => leaf(out, depth, "bool", if b.get() { "true" } else { "false" }),
            Value::Int(i) => leaf(out, depth, "int", &i.to_string()),
            Value::Float(f) => leaf(out, depth, "float", &format_float(f.get())),
            Value::String(s) => {
                self.context.extend(s.context().iter().cloned());
                leaf(out, depth, "string", &s.to_str_lossy());
            }
            Value::Path(p) => leaf(out, depth, "path", &p.to_str_lossy()),
            Value::Attrs(a) => {
                let address = Rc::as_ptr(a) as usize;
                if is_derivation(a) {
                    return self.derivation(a, address, depth);
                }
                if self.open.contains(&address) {
                    return Err(cycle());
                }
                indent(out, depth);
                if a.is_empty() {
                    out.push_str("<attrs />\n");
                    return Ok(());
                }
                out.push_str("<attrs>\n");
                self.open.push(address);
                self.attrs(a, depth + 1)?;
                self.open.pop();
                indent(&mut self.out, depth);
                self.out.push_str("</attrs>\n");
            }
            Value::List(l) => {
                indent(out, depth);
                if l.is_empty() {
                    out.push_str("<list />\n");
                    return Ok(());
                }
                let address = Rc::as_ptr(l) as usize;
                if self.open.contains(&address) {
                    return Err(cycle());
                }
                out.push_str("<list>\n");
                self.open.push(address);
                for item in l.iter() {
                    self.element(item, depth + 1)?;
                }
                self.open.pop();
                indent(&mut self.out, depth);
                self.out.push_str("</list>\n");
            }
            Value::Lambda(c) => function(out, &c.lambda, depth),
            Value::PrimOp(_) | Value::PrimOpApp(_) => {
                indent(out, depth);
                out.push_str("<unevaluated />\n");
            }
        }
        Ok(())
    }

    /// The attributes of a set, in name order.
    fn attrs(&mut self, a: &AttrSet, depth: usize) -> Result<(), Box<EvalError>> {
        for attr in a.iter() {
            indent(&mut self.out, depth);
            let _ = writeln!(self.out, "<attr name=\"{}\">", escape(attr.name.as_str()));
            self.element(&attr.value, depth + 1)?;
            indent(&mut self.out, depth);
            self.out.push_str("</attr>\n");
        }
        Ok(())
    }

    /// `<derivation drvPath=… outPath=…>`: its attributes the first time
    /// its `drvPath` is met, `<repeated />` after that (and when it has
    /// no `drvPath`).
    fn derivation(
        &mut self,
        a: &AttrSet,
        address: usize,
        depth: usize,
    ) -> Result<(), Box<EvalError>> {
        let string_attr = |name: &str| match a.get(name).map(|x| forced(&x.value)) {
            Some(Value::String(s)) => Some(s.as_bytes().to_vec()),
            _ => None,
        };
        let drv_path = string_attr("drvPath");
        let out_path = string_attr("outPath");
        indent(&mut self.out, depth);
        self.out.push_str("<derivation");
        for (name, value) in [("drvPath", &drv_path), ("outPath", &out_path)] {
            if let Some(value) = value {
                let _ = write!(
                    self.out,
                    " {name}=\"{}\"",
                    escape(&String::from_utf8_lossy(value))
                );
            }
        }
        self.out.push_str(">\n");
        match drv_path {
            Some(path) if !path.is_empty() && self.drvs_seen.insert(path.clone()) => {
                self.open.push(address);
                self.attrs(a, depth + 1)?;
                self.open.pop();
            }
            _ => {
                indent(&mut self.out, depth + 1);
                self.out.push_str("<repeated />\n");
            }
        }
        indent(&mut self.out, depth);
        self.out.push_str("</derivation>\n");
        Ok(())
    }
}

/// A thunk's value if it was forced, or the value itself.
fn forced(v: &Value) -> Value {
    match v {
        Value::Thunk(t) => t.forced().unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

/// C++ Nix's `isDerivation`: `type` is the string `"derivation"`.
fn is_derivation(a: &AttrSet) -> bool {
    a.get("type").is_some_and(
        |t| matches!(forced(&t.value), Value::String(s) if s.as_bytes() == b"derivation"),
    )
}

/// What C++ Nix runs into on a cycle: the end of its stack.
fn cycle() -> Box<EvalError> {
    EvalError::new(
        ErrorKind::StackOverflow,
        "stack overflow; max-call-depth exceeded",
        Pos::NONE,
    )
}

fn function(out: &mut String, l: &Lambda, depth: usize) {
    indent(out, depth);
    out.push_str("<function>\n");
    match &l.formals {
        Some(f) => {
            indent(out, depth + 1);
            out.push_str("<attrspat");
            if f.ellipsis {
                out.push_str(" ellipsis=\"1\"");
            }
            if let Some(a) = &l.arg {
                let _ = write!(out, " name=\"{}\"", escape(a.as_str()));
            }
            out.push_str(">\n");
            let mut names: Vec<&str> = f.entries.iter().map(|e| e.name.as_str()).collect();
            names.sort();
            for n in names {
                indent(out, depth + 2);
                let _ = writeln!(out, "<attr name=\"{}\" />", escape(n));
            }
            indent(out, depth + 1);
            out.push_str("</attrspat>\n");
        }
        None => {
            indent(out, depth + 1);
            let name = l.arg.as_ref().map_or("", |a| a.as_str());
            let _ = writeln!(out, "<varpat name=\"{}\" />", escape(name));
        }
    }
    indent(out, depth);
    out.push_str("</function>\n");
}
