//! The canonical `nix-instantiate --parse` form (C++ Nix's `show`).

use std::fmt::{self, Display, Formatter, Write};

use super::expr::{AttrKind, AttrName, Attrs, Expr};

/// Nix's keywords, which print quoted when used as names.
const RESERVED: &[&str] = &[
    "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit",
];

/// A name as C++ Nix's `printIdentifier` shows it: bare if it looks like an
/// identifier and is no keyword, else as a quoted string.
pub fn print_identifier(name: &str) -> String {
    if is_plain_identifier(name) {
        name.to_string()
    } else if RESERVED.contains(&name) {
        format!("\"{name}\"")
    } else {
        quote_string(name)
    }
}

/// Whether [`print_identifier`] prints `name` as it is (an identifier
/// that is not a keyword), for printers that append it without an
/// allocation.
pub fn is_plain_identifier(name: &str) -> bool {
    let b = name.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'\'' | b'-'))
        && !RESERVED.contains(&name)
}

/// A string literal as C++ Nix prints it: `"`, `\`, newline, CR, tab and
/// `${` escaped.
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float as C++ iostreams print it by default (`%g` with 6 significant
/// digits).
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        return if v.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf" } else { "inf" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    const P: i32 = 6;
    let sci = format!("{:.*e}", (P - 1) as usize, v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..P).contains(&exp) {
        let decimals = (P - 1 - exp).max(0) as usize;
        trim_zeros(format!("{v:.decimals$}"))
    } else {
        let m = trim_zeros(mantissa.to_string());
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn show_path(f: &mut Formatter<'_>, path: &[AttrName]) -> fmt::Result {
    for (i, name) in path.iter().enumerate() {
        if i > 0 {
            f.write_char('.')?;
        }
        match name {
            AttrName::Static(s) => f.write_str(&print_identifier(s))?,
            AttrName::Dynamic(e) => write!(f, "\"${{{e}}}\"")?,
        }
    }
    Ok(())
}

/// `showBindings`: plain inherits, then `inherit (src)` groups by source,
/// then ordinary bindings by name, then dynamic ones.
fn show_bindings(f: &mut Formatter<'_>, attrs: &Attrs) -> fmt::Result {
    let mut sorted: Vec<_> = attrs.attrs().iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let inherits: Vec<&str> = sorted
        .iter()
        .filter(|(_, d)| d.kind == AttrKind::Inherited)
        .map(|(n, _)| n.as_str())
        .collect();
    if !inherits.is_empty() {
        f.write_str("inherit")?;
        for n in inherits {
            write!(f, " {}", print_identifier(n))?;
        }
        f.write_str("; ")?;
    }
    let mut from: std::collections::BTreeMap<usize, Vec<&str>> = Default::default();
    for (n, d) in &sorted {
        if d.kind == AttrKind::InheritedFrom
            && let Expr::Select { expr, .. } = &d.value
            && let Expr::InheritFrom { index, .. } = expr.as_ref()
        {
            from.entry(*index).or_default().push(n);
        }
    }
    for (index, names) in from {
        f.write_str("inherit (")?;
        if let Some(src) = attrs.inherit_from.get(index) {
            write!(f, "{src}")?;
        }
        f.write_char(')')?;
        for n in names {
            write!(f, " {}", print_identifier(n))?;
        }
        f.write_str("; ")?;
    }
    for (n, d) in &sorted {
        if d.kind == AttrKind::Plain {
            write!(f, "{} = {}; ", print_identifier(n), d.value)?;
        }
    }
    for d in &attrs.dynamic {
        write!(f, "\"${{{}}}\" = {}; ", d.name, d.value)?;
    }
    Ok(())
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Int { value, .. } => write!(f, "{value}"),
            Expr::Float { value, .. } => f.write_str(&format_float(*value)),
            Expr::String { value, .. } => f.write_str(&quote_string(value)),
            Expr::Path { value, .. } => f.write_str(value),
            Expr::Var { name, .. } => f.write_str(&print_identifier(name)),
            Expr::CurPos { .. } => f.write_str("__curPos"),
            Expr::Select {
                expr,
                path,
                default,
                ..
            } => {
                write!(f, "({expr}).")?;
                show_path(f, path)?;
                if let Some(d) = default {
                    write!(f, " or ({d})")?;
                }
                Ok(())
            }
            Expr::HasAttr { expr, path, .. } => {
                write!(f, "(({expr}) ? ")?;
                show_path(f, path)?;
                f.write_char(')')
            }
            Expr::Attrs(attrs) => {
                if attrs.recursive {
                    f.write_str("rec ")?;
                }
                f.write_str("{ ")?;
                show_bindings(f, attrs)?;
                f.write_char('}')
            }
            Expr::List { elems, .. } => {
                f.write_str("[ ")?;
                for e in elems {
                    write!(f, "({e}) ")?;
                }
                f.write_char(']')
            }
            Expr::Lambda(l) => {
                f.write_char('(')?;
                if let Some(formals) = &l.formals {
                    f.write_str("{ ")?;
                    let mut sorted: Vec<_> = formals.formals.iter().collect();
                    sorted.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
                    for (i, formal) in sorted.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        f.write_str(&print_identifier(&formal.name))?;
                        if let Some(d) = &formal.default {
                            write!(f, " ? {d}")?;
                        }
                    }
                    if formals.ellipsis {
                        if !sorted.is_empty() {
                            f.write_str(", ")?;
                        }
                        f.write_str("...")?;
                    }
                    f.write_str(" }")?;
                    if l.arg.is_some() {
                        f.write_str(" @ ")?;
                    }
                }
                if let Some(arg) = &l.arg {
                    f.write_str(&print_identifier(arg))?;
                }
                write!(f, ": {})", l.body)
            }
            Expr::Call { fun, args, .. } => {
                write!(f, "({fun}")?;
                for a in args {
                    write!(f, " {a}")?;
                }
                f.write_char(')')
            }
            Expr::Let { attrs, body, .. } => {
                f.write_str("(let ")?;
                show_bindings(f, attrs)?;
                write!(f, "in {body})")
            }
            Expr::With { env, body, .. } => write!(f, "(with {env}; {body})"),
            Expr::If {
                cond, then_, else_, ..
            } => write!(f, "(if {cond} then {then_} else {else_})"),
            Expr::Assert { cond, body, .. } => write!(f, "assert {cond}; {body}"),
            Expr::Not { expr, .. } => write!(f, "(! {expr})"),
            Expr::BinOp { op, lhs, rhs, .. } => write!(f, "({lhs} {} {rhs})", op.symbol()),
            Expr::ConcatStrings { parts, .. } => {
                f.write_char('(')?;
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(f, "{}", p.expr)?;
                }
                f.write_char(')')
            }
            // Only reachable inside bindings, which print the source.
            Expr::InheritFrom { index, .. } => write!(f, "«inherit source {index}»"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_iostream() {
        let cases = [
            (1.5, "1.5"),
            (1000.0, "1000"),
            (1e6, "1e+06"),
            (123456789.0, "1.23457e+08"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (100000.0, "100000"),
            (999999.5, "1e+06"),
            (3.0, "3"),
        ];
        for (v, s) in cases {
            assert_eq!(format_float(v), s, "{v}");
        }
    }

    #[test]
    fn identifiers() {
        assert_eq!(print_identifier("a-b'"), "a-b'");
        assert_eq!(print_identifier("if"), "\"if\"");
        assert_eq!(print_identifier("or"), "or");
        assert_eq!(print_identifier("a b"), "\"a b\"");
        assert_eq!(print_identifier("1a"), "\"1a\"");
        assert_eq!(print_identifier(""), "\"\"");
    }
}
