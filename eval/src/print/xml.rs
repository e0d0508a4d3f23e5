//! `--xml` output: C++ Nix's XML value dump, without source locations.

use std::fmt::Write;

use tvix_syntax::exact::format_float;

use crate::value::Value;

/// The XML document for an already (deeply) forced value.
pub fn print_xml(v: &Value) -> String {
    let mut out = String::from("<?xml version='1.0' encoding='utf-8'?>\n<expr>\n");
    element(&mut out, v, 1);
    out.push_str("</expr>\n");
    out
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

fn element(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::Thunk(t) => match t.forced() {
            Some(v) => element(out, &v, depth),
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
        Value::String(s) => leaf(out, depth, "string", &s.to_str_lossy()),
        Value::Path(p) => leaf(out, depth, "path", &p.to_str_lossy()),
        Value::Attrs(a) => {
            indent(out, depth);
            if a.is_empty() {
                out.push_str("<attrs />\n");
                return;
            }
            out.push_str("<attrs>\n");
            for attr in a.iter() {
                indent(out, depth + 1);
                let _ = writeln!(out, "<attr name=\"{}\">", escape(attr.name.as_str()));
                element(out, &attr.value, depth + 2);
                indent(out, depth + 1);
                out.push_str("</attr>\n");
            }
            indent(out, depth);
            out.push_str("</attrs>\n");
        }
        Value::List(l) => {
            indent(out, depth);
            if l.is_empty() {
                out.push_str("<list />\n");
                return;
            }
            out.push_str("<list>\n");
            for item in l.iter() {
                element(out, item, depth + 1);
            }
            indent(out, depth);
            out.push_str("</list>\n");
        }
        Value::Lambda(c) => {
            indent(out, depth);
            out.push_str("<function>\n");
            let l = &c.lambda;
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
        Value::PrimOp(_) | Value::PrimOpApp(_) => {
            indent(out, depth);
            out.push_str("<unevaluated />\n");
        }
    }
}
