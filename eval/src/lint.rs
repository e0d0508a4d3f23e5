//! C++ Nix's parse-time literal lints (`--lint-short-path-literals`,
//! `--lint-absolute-path-literals`, `--lint-url-literals`).
//!
//! The exact front end has already resolved path literals, so the lints
//! look at the source text where each literal starts to see how it was
//! written.

use tvix_syntax::exact::{AttrName, Expr};

/// What to do when a lint fires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LintLevel {
    /// Nothing.
    #[default]
    Ignore,
    /// Print a warning and continue.
    Warn,
    /// Fail with an error.
    Fatal,
}

impl LintLevel {
    /// Parses `ignore`, `warn` or `fatal`.
    pub fn parse(s: &str) -> Option<LintLevel> {
        match s {
            "ignore" => Some(LintLevel::Ignore),
            "warn" => Some(LintLevel::Warn),
            "fatal" => Some(LintLevel::Fatal),
            _ => None,
        }
    }
}

/// The levels of the three lints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lints {
    /// `foo/bar` instead of `./foo/bar`.
    pub short_path_literals: LintLevel,
    /// `/abs` and `~/home` path literals.
    pub absolute_path_literals: LintLevel,
    /// Unquoted URLs.
    pub url_literals: LintLevel,
}

/// One finding: level, message and byte offset.
pub(crate) struct Finding {
    pub level: LintLevel,
    pub message: String,
    pub offset: u32,
}

/// The findings for `expr` (parsed from `src`), in source order.
pub(crate) fn check(expr: &Expr, src: &str, lints: &Lints) -> Vec<Finding> {
    let mut out = Vec::new();
    if *lints == Lints::default() {
        return out;
    }
    visit(expr, src, lints, &mut out);
    out.sort_by_key(|f| f.offset);
    out
}

fn literal_text(src: &str, offset: u32) -> &str {
    let rest = src.get(offset as usize..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | ')' | ']' | '}' | ',' | '"'))
        .unwrap_or(rest.len());
    &rest[..end]
}

fn visit(e: &Expr, src: &str, lints: &Lints, out: &mut Vec<Finding>) {
    match e {
        Expr::Path { pos, .. } => {
            let offset = u32::from(*pos);
            let text = literal_text(src, offset);
            if text.starts_with("./") || text.starts_with("../") {
                return;
            }
            let (level, message) = if text.starts_with('/') || text.starts_with("~/") {
                let kind = if text.starts_with('/') {
                    "absolute"
                } else {
                    "home"
                };
                (
                    lints.absolute_path_literals,
                    format!(
                        "{kind} path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter (lint-absolute-path-literals)"
                    ),
                )
            } else {
                (
                    lints.short_path_literals,
                    format!(
                        "relative path literal '{text}' should be prefixed with '.' for clarity: './{text}' (lint-short-path-literals)"
                    ),
                )
            };
            if level != LintLevel::Ignore {
                out.push(Finding {
                    level,
                    message,
                    offset,
                });
            }
        }
        Expr::String { pos, value } => {
            let offset = u32::from(*pos);
            let quoted = src
                .get(offset as usize..)
                .is_some_and(|r| r.starts_with('"') || r.starts_with("''"));
            if !quoted && value.contains(':') && lints.url_literals != LintLevel::Ignore {
                let verb = if lints.url_literals == LintLevel::Fatal {
                    "disallowed"
                } else {
                    "discouraged"
                };
                out.push(Finding {
                    level: lints.url_literals,
                    message: format!(
                        "URL literals are {verb}. Consider using a string literal \"{value}\" instead (lint-url-literals)"
                    ),
                    offset,
                });
            }
        }
        Expr::Select {
            expr,
            path,
            default,
            ..
        } => {
            visit(expr, src, lints, out);
            visit_path(path, src, lints, out);
            if let Some(d) = default {
                visit(d, src, lints, out);
            }
        }
        Expr::HasAttr { expr, path, .. } => {
            visit(expr, src, lints, out);
            visit_path(path, src, lints, out);
        }
        Expr::Attrs(a) => visit_attrs(a, src, lints, out),
        Expr::List { elems, .. } => elems.iter().for_each(|x| visit(x, src, lints, out)),
        Expr::Lambda(l) => {
            for f in l.formals.iter().flat_map(|f| f.formals.iter()) {
                if let Some(d) = &f.default {
                    visit(d, src, lints, out);
                }
            }
            visit(&l.body, src, lints, out);
        }
        Expr::Call { fun, args, .. } => {
            visit(fun, src, lints, out);
            args.iter().for_each(|x| visit(x, src, lints, out));
        }
        Expr::Let { attrs, body, .. } => {
            visit_attrs(attrs, src, lints, out);
            visit(body, src, lints, out);
        }
        Expr::With { env, body, .. } => {
            visit(env, src, lints, out);
            visit(body, src, lints, out);
        }
        Expr::If {
            cond, then_, else_, ..
        } => {
            visit(cond, src, lints, out);
            visit(then_, src, lints, out);
            visit(else_, src, lints, out);
        }
        Expr::Assert { cond, body, .. } => {
            visit(cond, src, lints, out);
            visit(body, src, lints, out);
        }
        Expr::Not { expr, .. } => visit(expr, src, lints, out),
        Expr::BinOp { lhs, rhs, .. } => {
            visit(lhs, src, lints, out);
            visit(rhs, src, lints, out);
        }
        Expr::ConcatStrings { parts, .. } => {
            parts.iter().for_each(|p| visit(&p.expr, src, lints, out))
        }
        Expr::Int { .. }
        | Expr::Float { .. }
        | Expr::Var { .. }
        | Expr::CurPos { .. }
        | Expr::InheritFrom { .. } => {}
    }
}

fn visit_path(path: &[AttrName], src: &str, lints: &Lints, out: &mut Vec<Finding>) {
    for p in path {
        if let AttrName::Dynamic(e) = p {
            visit(e, src, lints, out);
        }
    }
}

fn visit_attrs(a: &tvix_syntax::exact::Attrs, src: &str, lints: &Lints, out: &mut Vec<Finding>) {
    for (_, def) in a.attrs() {
        visit(&def.value, src, lints, out);
    }
    for d in &a.dynamic {
        visit(&d.name, src, lints, out);
        visit(&d.value, src, lints, out);
    }
    for e in &a.inherit_from {
        visit(e, src, lints, out);
    }
}
