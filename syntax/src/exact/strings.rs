//! String-literal semantics: escapes, indented-string indentation
//! stripping, and path canonicalisation, as C++ Nix applies them while
//! parsing.

use super::expr::{Expr, StrPart};

/// Unescapes the text of a `"…"` string part: `\n`, `\r`, `\t` and `\c`
/// for any other `c`; a raw CR or CR LF becomes LF.
pub(crate) fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        i += 1;
        if c == b'\\' && i < raw.len() {
            let e = raw[i];
            i += 1;
            out.push(match e {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                other => other,
            });
        } else if c == b'\r' {
            out.push(b'\n');
            if raw.get(i) == Some(&b'\n') {
                i += 1;
            }
        } else {
            out.push(c);
        }
    }
    // Escapes copy bytes in order, so valid UTF-8 in stays valid out.
    String::from_utf8_lossy(&out).into_owned()
}

/// One part of an indented string before indentation stripping.
pub(crate) enum IndPart {
    /// Literal text; `true` if its leading spaces are indentation (raw
    /// text), `false` for escapes and lone `$`/`'`.
    Text(String, bool, u32),
    /// An interpolation `${…}`.
    Interp(Expr, u32),
}

/// C++ Nix's `stripIndentation`: removes the common indentation of all
/// lines (ignoring whitespace-only lines and a whitespace-only last line),
/// and drops a final line consisting of spaces only.
pub(crate) fn strip_indentation(pos: u32, parts: Vec<IndPart>) -> Expr {
    if parts.is_empty() {
        return Expr::String {
            pos: pos.into(),
            value: String::new(),
        };
    }
    let mut at_start = true;
    let mut min_indent = usize::MAX;
    let mut cur = 0;
    for part in &parts {
        match part {
            IndPart::Text(s, true, _) => {
                for b in s.bytes() {
                    if at_start {
                        if b == b' ' {
                            cur += 1;
                        } else if b == b'\n' {
                            cur = 0;
                        } else {
                            at_start = false;
                            min_indent = min_indent.min(cur);
                        }
                    } else if b == b'\n' {
                        at_start = true;
                        cur = 0;
                    }
                }
            }
            _ => {
                if at_start {
                    at_start = false;
                    min_indent = min_indent.min(cur);
                }
            }
        }
    }
    // C++ Nix starts from 1000000; only the comparison matters.
    let mut out: Vec<StrPart> = Vec::new();
    at_start = true;
    let mut dropped = 0;
    let n = parts.len();
    for (k, part) in parts.into_iter().enumerate() {
        match part {
            IndPart::Interp(e, p) => {
                at_start = false;
                dropped = 0;
                out.push(StrPart {
                    pos: p.into(),
                    expr: e,
                });
            }
            IndPart::Text(s, _, p) => {
                let mut s2 = String::with_capacity(s.len());
                for ch in s.chars() {
                    if at_start {
                        if ch == ' ' {
                            if dropped >= min_indent {
                                s2.push(ch);
                            }
                            dropped += 1;
                        } else if ch == '\n' {
                            dropped = 0;
                            s2.push(ch);
                        } else {
                            at_start = false;
                            dropped = 0;
                            s2.push(ch);
                        }
                    } else {
                        s2.push(ch);
                        if ch == '\n' {
                            at_start = true;
                        }
                    }
                }
                if k + 1 == n
                    && let Some(nl) = s2.rfind('\n')
                    && s2[nl + 1..].bytes().all(|b| b == b' ')
                {
                    s2.truncate(nl + 1);
                }
                if !s2.is_empty() {
                    out.push(StrPart {
                        pos: p.into(),
                        expr: Expr::String {
                            pos: p.into(),
                            value: s2,
                        },
                    });
                }
            }
        }
    }
    match out.len() {
        0 => Expr::String {
            pos: pos.into(),
            value: String::new(),
        },
        1 if matches!(out[0].expr, Expr::String { .. }) => {
            out.pop().map(|p| p.expr).unwrap_or(Expr::String {
                pos: pos.into(),
                value: String::new(),
            })
        }
        _ => Expr::ConcatStrings {
            pos: pos.into(),
            force_string: true,
            parts: out,
        },
    }
}

/// Canonicalises an absolute path like C++ Nix's `CanonPath`: collapses
/// repeated slashes, drops `.` and resolves `..` lexically (never above
/// the root).
#[cfg(test)]
pub(crate) fn canon_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    push_canon(&mut out, path);
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Appends the segments of `path` to `out` (a canonical path without a
/// trailing slash, or empty for the root), canonicalising as
/// [`canon_path`] does: one buffer, no per-segment allocation.
fn push_canon(out: &mut String, path: &str) {
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                let cut = out.rfind('/').unwrap_or(0);
                out.truncate(cut);
            }
            s => {
                out.push('/');
                out.push_str(s);
            }
        }
    }
}

/// Resolves a path literal: absolute ones canonicalised, relative ones
/// against `base_dir`; a literal ending in `/` (before an interpolation)
/// keeps one trailing slash.
pub(crate) fn resolve_path_literal(literal: &str, base_dir: &str) -> String {
    let mut path = String::with_capacity(base_dir.len() + literal.len() + 1);
    if !literal.starts_with('/') {
        push_canon(&mut path, base_dir);
    }
    push_canon(&mut path, literal);
    if path.is_empty() {
        path.push('/');
    }
    if literal.len() > 1 && literal.ends_with('/') {
        path.push('/');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_line_ends() {
        assert_eq!(unescape(br"a\n\t\r\$\\\q"), "a\n\t\r$\\q");
        assert_eq!(unescape(b"a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn canonical_paths() {
        assert_eq!(canon_path("/a//b/./c/../d"), "/a/b/d");
        assert_eq!(canon_path("/.."), "/");
        assert_eq!(resolve_path_literal("./x/", "/pwd"), "/pwd/x/");
        assert_eq!(resolve_path_literal("../..", "/pwd"), "/");
        assert_eq!(resolve_path_literal("/", "/pwd"), "/");
    }
}
