//! C++ Nix's `bindVars` check: every variable must be bound by a lambda,
//! `let`, `rec` set or the global scope, unless a `with` encloses it.
//! Traversal order follows C++ Nix, so the first undefined variable
//! reported is the same one.

use rnix::TextSize;

use super::expr::{AttrKind, AttrName, Attrs, Expr};
use crate::globals::is_global;

/// One static scope.
enum Scope<'e> {
    /// Names bound by a lambda.
    Lambda(&'e super::expr::Lambda),
    /// Names bound by a `let` or `rec` set.
    Attrs(&'e Attrs),
    /// A `with`: any name may come from it.
    With,
    /// Names the caller provides around the whole file (`scopedImport`).
    Names(&'e std::collections::HashSet<&'e str>),
}

struct Env<'a, 'e> {
    scope: Scope<'e>,
    up: Option<&'a Env<'a, 'e>>,
}

impl Env<'_, '_> {
    fn binds(&self, name: &str) -> bool {
        match &self.scope {
            Scope::Lambda(l) => {
                l.arg.as_deref() == Some(name)
                    || l.formals
                        .as_ref()
                        .is_some_and(|f| f.formals.iter().any(|x| x.name == name))
            }
            Scope::Attrs(a) => a.get(name).is_some(),
            Scope::With => false,
            Scope::Names(n) => n.contains(name),
        }
    }
}

/// The first undefined variable: its name and position, with `names` bound around the whole expression, the way C++
/// Nix's `scopedImport` puts its scope's names in a static environment
/// between the file and the global scope.
pub(crate) fn check_with_names(e: &Expr, names: &[&str]) -> Result<(), (String, TextSize)> {
    if names.is_empty() {
        return visit(e, None);
    }
    let set: std::collections::HashSet<&str> = names.iter().copied().collect();
    let env = Env {
        scope: Scope::Names(&set),
        up: None,
    };
    visit(e, Some(&env))
}

fn lookup(name: &str, env: Option<&Env<'_, '_>>) -> bool {
    let mut with = false;
    let mut cur = env;
    while let Some(e) = cur {
        if matches!(e.scope, Scope::With) {
            with = true;
        } else if e.binds(name) {
            return true;
        }
        cur = e.up;
    }
    is_global(name) || with
}

fn visit_path(path: &[AttrName], env: Option<&Env<'_, '_>>) -> Result<(), (String, TextSize)> {
    for name in path {
        if let AttrName::Dynamic(e) = name {
            visit(e, env)?;
        }
    }
    Ok(())
}

/// Attribute values: plain ones in `inner`, inherited ones in `outer`
/// (`inherit (src)` sources are visited first, in `inner`).
fn visit_attrs(
    attrs: &Attrs,
    inner: Option<&Env<'_, '_>>,
    outer: Option<&Env<'_, '_>>,
) -> Result<(), (String, TextSize)> {
    for src in &attrs.inherit_from {
        visit(src, inner)?;
    }
    for (_, def) in attrs.attrs() {
        match def.kind {
            AttrKind::Plain => visit(&def.value, inner)?,
            AttrKind::Inherited => visit(&def.value, outer)?,
            AttrKind::InheritedFrom => {}
        }
    }
    for d in &attrs.dynamic {
        visit(&d.name, inner)?;
        visit(&d.value, inner)?;
    }
    Ok(())
}

fn visit(e: &Expr, env: Option<&Env<'_, '_>>) -> Result<(), (String, TextSize)> {
    match e {
        Expr::Int { .. }
        | Expr::Float { .. }
        | Expr::String { .. }
        | Expr::Path { .. }
        | Expr::CurPos { .. }
        | Expr::InheritFrom { .. } => Ok(()),
        Expr::Var { pos, name } => {
            if lookup(name, env) {
                Ok(())
            } else {
                Err((name.clone(), *pos))
            }
        }
        Expr::Select {
            expr,
            path,
            default,
            ..
        } => {
            visit(expr, env)?;
            if let Some(d) = default {
                visit(d, env)?;
            }
            visit_path(path, env)
        }
        Expr::HasAttr { expr, path, .. } => {
            visit(expr, env)?;
            visit_path(path, env)
        }
        Expr::Attrs(attrs) => {
            if attrs.recursive {
                let inner = Env {
                    scope: Scope::Attrs(attrs),
                    up: env,
                };
                visit_attrs(attrs, Some(&inner), env)
            } else {
                visit_attrs(attrs, env, env)
            }
        }
        Expr::List { elems, .. } => elems.iter().try_for_each(|e| visit(e, env)),
        Expr::Lambda(l) => {
            let inner = Env {
                scope: Scope::Lambda(l),
                up: env,
            };
            if let Some(formals) = &l.formals {
                for f in &formals.formals {
                    if let Some(d) = &f.default {
                        visit(d, Some(&inner))?;
                    }
                }
            }
            visit(&l.body, Some(&inner))
        }
        Expr::Call { fun, args, .. } => {
            visit(fun, env)?;
            args.iter().try_for_each(|a| visit(a, env))
        }
        Expr::Let { attrs, body, .. } => {
            let inner = Env {
                scope: Scope::Attrs(attrs),
                up: env,
            };
            visit_attrs(attrs, Some(&inner), env)?;
            visit(body, Some(&inner))
        }
        Expr::With {
            env: scope, body, ..
        } => {
            visit(scope, env)?;
            let inner = Env {
                scope: Scope::With,
                up: env,
            };
            visit(body, Some(&inner))
        }
        Expr::If {
            cond, then_, else_, ..
        } => {
            visit(cond, env)?;
            visit(then_, env)?;
            visit(else_, env)
        }
        Expr::Assert { cond, body, .. } => {
            visit(cond, env)?;
            visit(body, env)
        }
        Expr::Not { expr, .. } => visit(expr, env),
        Expr::BinOp { lhs, rhs, .. } => {
            visit(lhs, env)?;
            visit(rhs, env)
        }
        Expr::ConcatStrings { parts, .. } => parts.iter().try_for_each(|p| visit(&p.expr, env)),
    }
}

#[cfg(test)]
mod tests {
    use crate::exact::{ParseContext, parse, parse_in_scope, parse_with_warnings};

    #[test]
    fn scoped_names_are_bound_only_when_given() {
        let ctx = ParseContext {
            source_name: "«string»",
            base_dir: "/",
            home: None,
        };
        let src = "range 1 (x: y)";
        assert!(parse(src, &ctx).is_err());
        let f = parse_in_scope(src, &ctx, &["range"]).unwrap_err();
        assert_eq!(f.message(), "undefined variable 'y'");
        assert!(parse_in_scope(src, &ctx, &["range", "y"]).is_ok());
    }

    #[test]
    fn cursed_or_warns_only_where_cpp_nix_does() {
        let ctx = ParseContext {
            source_name: "«string»",
            base_dir: "/",
            home: None,
        };
        let warned = |src: &str| {
            let (_, w) = parse_with_warnings(src, &ctx, &["or", "f"]).unwrap();
            w.iter().map(|w| u32::from(w.offset)).collect::<Vec<_>>()
        };
        assert_eq!(warned("[ (x: x) or ]"), vec![2]);
        assert_eq!(warned("f (x: x) or"), vec![2]);
        assert_eq!(warned("{ }.a or f or"), vec![9]);
        assert!(warned("map or [ ]").is_empty());
        assert!(warned("f (f or)").is_empty());
        assert!(warned("[ (f or) ]").is_empty());
    }
}
