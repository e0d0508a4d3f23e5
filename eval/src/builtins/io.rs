//! Builtins that read the outside world, always through [`crate::io::EvalIO`].

use std::rc::Rc;

use super::{ArgCtx, PrimOp, arg_ctx, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{CoerceMode, Evaluator};
use crate::io::FileType;
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, Symbol, Value};

impl Evaluator {
    /// Coerces a path or absolute-path string to a path string.
    pub(crate) fn coerce_to_path(
        &mut self,
        v: &Value,
        pos: Pos,
        ctx: impl Into<String> + Copy,
    ) -> EvalResult<String> {
        let v = self.force(v).map_err(crate::eval::frame(ctx, Pos::NONE))?;
        // Sets are peeled first, as C++ Nix's `coerceToPath` does: the
        // absolute-path check then happens inside the `__toString` or
        // `outPath` frame.
        if let Value::Attrs(a) = &v {
            if let Some(f) = a.get("__toString") {
                let (f, fpos) = (f.value.clone(), f.pos);
                let r = self.call(f, v.clone(), fpos).map_err(crate::eval::frame(
                    "while calling the `__toString` attribute",
                    fpos,
                ))?;
                return self
                    .coerce_to_path(&r, pos, ctx)
                    .map_err(crate::eval::frame(
                        "while using the result of the `__toString` attribute",
                        fpos,
                    ));
            }
            if let Some(o) = a.get("outPath") {
                let (o, opos) = (o.value.clone(), o.pos);
                let forced = self.force(&o).map_err(crate::eval::frame(
                    "while evaluating the `outPath` attribute",
                    opos,
                ))?;
                return self
                    .coerce_to_path(&forced, pos, ctx)
                    .map_err(crate::eval::frame(
                        "while using the `outPath` attribute",
                        opos,
                    ));
            }
        }
        let s = self.coerce_to_string_ctx(&v, pos, CoerceMode::Plain, ctx)?;
        let s = s.to_str_lossy().into_owned();
        if !s.starts_with('/') {
            return Err(EvalError::eval(
                format!("string '{s}' doesn't represent an absolute path"),
                pos,
            ))
            .map_err(crate::eval::frame(ctx, Pos::NONE));
        }
        Ok(s)
    }

    /// Evaluates a file (or a directory's `default.nix`), once per
    /// evaluation.
    pub(crate) fn import_file(&mut self, path: &str, pos: Pos) -> EvalResult<Value> {
        self.import_scoped(path, None, pos)
    }

    /// Evaluates a file; with a scope (`scopedImport`), the scope's names
    /// shadow the globals and the result is not cached.
    pub(crate) fn import_scoped(
        &mut self,
        path: &str,
        scope: Option<Rc<AttrSet>>,
        pos: Pos,
    ) -> EvalResult<Value> {
        let mut path = crate::eval::canonicalise(path);
        self.check_source_path(&path, pos)?;
        if self.io.file_type(&path).ok() == Some(FileType::Directory)
            || (self.io.path_exists(&path) && self.io.read_dir(&path).is_ok())
        {
            path = format!("{}/default.nix", path.trim_end_matches('/'));
        }
        if scope.is_none()
            && let Some(v) = self.import_cache.get(&path)
        {
            return Ok(v.clone());
        }
        let bytes = match super::derivation::corepkg(&path) {
            Some(text) => text.as_bytes().to_vec(),
            None => self
                .io
                .read_file(&path)
                .map_err(|_| EvalError::eval(format!("path '{path}' does not exist"), pos))?,
        };
        let (text, escapes) = crate::source_bytes::decode(&bytes);
        let dir = match path.rfind('/') {
            Some(0) | None => "/".to_string(),
            Some(i) => path[..i].to_string(),
        };
        let names: Vec<Symbol> = scope
            .iter()
            .flat_map(|s| s.iter().map(|a| a.name.clone()))
            .collect();
        let (ir, _) = self.parse_and_lower_escaped(&path, &text, escapes, &dir, &names)?;
        let base = self.base_env.clone();
        let env = match &scope {
            Some(s) => self.new_complete_env(s.iter().map(|a| a.value.clone()).collect(), &base),
            None => base,
        };
        let v = self.eval(&ir, &env)?;
        if scope.is_none() {
            self.import_cache.insert(path, v.clone());
        }
        Ok(v)
    }
}

/// `path` with its final symbolic links followed (at most 40, as the
/// kernel does).
fn resolve_links(ev: &Evaluator, path: &str) -> String {
    let mut target = path.to_owned();
    for _ in 0..40 {
        if ev.io.file_type(&target).ok() != Some(FileType::Symlink) {
            break;
        }
        let Ok(link) = ev.io.read_link(&target) else {
            break;
        };
        target = if link.starts_with('/') {
            crate::eval::canonicalise(&link)
        } else {
            let dir = target.rsplit_once('/').map_or("", |(d, _)| d);
            crate::eval::canonicalise(&format!("{dir}/{link}"))
        };
    }
    target
}

/// The path argument of a builtin that reads the file system: coerced as
/// C++ Nix's `realisePath` does (its trace frame, not the argument's),
/// except `toPath`, which names its argument.
fn path_arg(ev: &mut Evaluator, args: &[Value], name: &str, _pos: Pos) -> EvalResult<String> {
    let ctx = if name == "toPath" {
        arg_ctx(0, name)
    } else {
        "while realising the context of a path".to_owned()
    };
    let path = ev.coerce_to_path(&args[0], Pos::NONE, &ctx)?;
    if name != "toPath" && name != "pathExists" {
        ev.check_source_path(&path, _pos)?;
    }
    Ok(path)
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("getEnv", 1, |ev, args, _pos| {
        let name = ev.force_string_no_ctx(&args[0], Pos::NONE, ArgCtx(0, "getEnv"))?;
        if ev.settings.pure_eval {
            return Ok(Value::str(""));
        }
        Ok(Value::str(
            ev.io.env_var(&name.to_str_lossy()).unwrap_or_default(),
        ))
    }),
    op("pathExists", 1, |ev, args, pos| {
        let p = path_arg(ev, args, "pathExists", pos)?;
        // A path pure evaluation may not read does not exist for it.
        if ev.check_source_path(&p, pos).is_err() {
            return Ok(Value::bool(false));
        }
        // A trailing `/` or `/.` on a string requires a directory.
        let raw = ev.force(&args[0])?;
        let must_be_dir = matches!(&raw, Value::String(s)
            if s.as_bytes().ends_with(b"/") || s.as_bytes().ends_with(b"/."));
        let p = crate::eval::canonicalise(&p);
        let exists = if must_be_dir {
            matches!(ev.io.file_type(&p), Ok(FileType::Directory)) || ev.io.read_dir(&p).is_ok()
        } else {
            ev.io.path_exists(&p)
        };
        Ok(Value::bool(exists))
    }),
    op("readFile", 1, |ev, args, pos| {
        let p = path_arg(ev, args, "readFile", pos)?;
        let bytes = ev
            .io
            .read_file(&p)
            .map_err(|e| EvalError::eval(format!("reading file '{p}': {e}"), pos))?;
        Ok(Value::str(bytes))
    }),
    op("readDir", 1, |ev, args, pos| {
        let p = path_arg(ev, args, "readDir", pos)?;
        let entries = match ev.io.read_dir(&p) {
            Ok(entries) => entries,
            Err(_) => {
                // C++ Nix names the file a chain of links ends at.
                let target = resolve_links(ev, &p);
                let message = match ev.io.file_type(&target) {
                    Ok(ty) if ty != FileType::Directory => {
                        format!("'{target}' is not a directory")
                    }
                    _ => format!("path '{p}' does not exist"),
                };
                return Err(EvalError::eval(message, pos));
            }
        };
        Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(
            entries
                .into_iter()
                .map(|(name, ty)| Attr {
                    name: Symbol::new(&name),
                    value: Value::str(ty.as_str()),
                    pos: Pos::NONE,
                })
                .collect(),
        ))))
    }),
    op("readFileType", 1, |ev, args, pos| {
        let p = path_arg(ev, args, "readFileType", pos)?;
        let ty = ev
            .io
            .file_type(&p)
            .map_err(|_| EvalError::eval(format!("path '{p}' does not exist"), pos))?;
        Ok(Value::str(ty.as_str()))
    }),
    op("findFile", 2, |ev, args, pos| {
        let list = ev.force_list(&args[0], Pos::NONE, ArgCtx(0, "findFile"))?;
        let wanted = ev.force_string_no_ctx(&args[1], Pos::NONE, ArgCtx(1, "findFile"))?;
        let wanted = wanted.to_str_lossy().into_owned();
        for entry in list.iter() {
            let a = ev.force_attrs(
                entry,
                Pos::NONE,
                "while evaluating an element of the list passed to builtins.findFile",
            )?;
            let prefix = match a.get("prefix") {
                Some(p) => ev.force_string_no_ctx(&p.value.clone(), Pos::NONE, "while evaluating the `prefix` attribute of an element of the list passed to builtins.findFile")?.to_str_lossy().into_owned(),
                None => String::new(),
            };
            let Some(path) = a.get("path") else {
                return Err(EvalError::eval("attribute 'path' missing", pos));
            };
            // A path value names its directory as it is (not copied to the
            // store), as C++ Nix's `coerceToString` without `copyToStore`.
            let path = ev
                .coerce_to_string_ctx(
                    &path.value.clone(),
                    Pos::NONE,
                    crate::eval::CoerceMode::Plain,
                    "while evaluating the `path` attribute of an element of the list passed to builtins.findFile",
                )?
                .to_str_lossy()
                .into_owned();
            let rest = if prefix.is_empty() {
                Some(wanted.as_str())
            } else if wanted == prefix {
                Some("")
            } else {
                wanted.strip_prefix(&format!("{prefix}/"))
            };
            let Some(rest) = rest else { continue };
            let cwd = match &ev.settings.cwd {
                Some(dir) => dir.clone(),
                None => std::env::current_dir().unwrap_or_else(|_| "/".into()),
            };
            let Some(dir) = crate::search_path::resolve_dir(&path, &cwd) else {
                continue;
            };
            let candidate = if rest.is_empty() {
                dir
            } else {
                format!("{}/{}", dir.trim_end_matches('/'), rest)
            };
            let candidate = crate::eval::canonicalise(&candidate);
            if ev.io.path_exists(&candidate) {
                return Ok(Value::Path(candidate.as_str().into()));
            }
        }
        if wanted == "nix/fetchurl.nix" || wanted.starts_with("nix/") {
            return Ok(Value::Path(
                format!("/__corepkgs__/{}", &wanted[4..]).as_str().into(),
            ));
        }
        Err(EvalError::new(
            crate::error::ErrorKind::Thrown,
            if ev.settings.pure_eval {
                format!(
                    "cannot look up '<{wanted}>' in pure evaluation mode (use '--impure' to override)"
                )
            } else {
                format!(
                    "file '{wanted}' was not found in the Nix search path (add it using $NIX_PATH or -I)"
                )
            },
            pos,
        ))
    }),
    op("toPath", 1, |ev, args, pos| {
        let p = path_arg(ev, args, "toPath", pos)?;
        Ok(Value::str(crate::eval::canonicalise(&p)))
    }),
];
