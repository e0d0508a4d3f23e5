//! String-context builtins: inspecting and editing the store paths a
//! string refers to.
//!
//! Elements are encoded as C++ Nix encodes them: `/nix/store/…` (a plain
//! path), `=/nix/store/….drv` (a derivation with all its outputs) and
//! `!out!/nix/store/….drv` (one output).

use std::rc::Rc;

use super::{ArgCtx, PrimOp, make_attrs, op};
use crate::error::EvalError;
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, NixString, Symbol, Value};

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("getContext", 1, |ev, args, _| {
        let s = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "getContext"))?;
        // path → (is plain path, all outputs, outputs)
        let mut info: Vec<(String, bool, bool, Vec<String>)> = Vec::new();
        for elem in s.context() {
            let (path, kind) = if let Some(drv) = elem.strip_prefix('=') {
                (drv.to_string(), 1)
            } else if let Some(rest) = elem.strip_prefix('!') {
                let (output, drv) = rest.split_once('!').unwrap_or(("", rest));
                (format!("{drv}\0{output}"), 2)
            } else {
                (elem.to_string(), 0)
            };
            let (path, output) = match path.split_once('\0') {
                Some((p, o)) => (p.to_string(), Some(o.to_string())),
                None => (path, None),
            };
            let entry = match info.iter_mut().find(|e| e.0 == path) {
                Some(e) => e,
                None => {
                    info.push((path.clone(), false, false, Vec::new()));
                    info.last_mut().expect("just pushed")
                }
            };
            match kind {
                0 => entry.1 = true,
                1 => entry.2 = true,
                _ => entry.3.extend(output),
            }
        }
        let entries = info
            .into_iter()
            .map(|(path, plain, all, outputs)| {
                let mut fields = Vec::new();
                if all {
                    fields.push(("allOutputs", Value::bool(true)));
                }
                if !outputs.is_empty() {
                    fields.push((
                        "outputs",
                        Value::list(outputs.into_iter().map(Value::str).collect()),
                    ));
                }
                if plain {
                    fields.push(("path", Value::bool(true)));
                }
                Attr {
                    name: Symbol::new(&path),
                    value: make_attrs(fields),
                    pos: Pos::NONE,
                }
            })
            .collect();
        Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(entries))))
    }),
    op("appendContext", 2, |ev, args, _| {
        let s = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "appendContext"))?;
        let ctx = ev.force_attrs(&args[1], Pos::NONE, ArgCtx(1, "appendContext"))?;
        let mut context = s.context().to_vec();
        for attr in ctx.iter() {
            let path = attr.name.as_str();
            if !path
                .strip_prefix(tvix_store::store_dir())
                .is_some_and(|rest| rest.starts_with('/'))
            {
                return Err(EvalError::eval(
                    format!("context key '{path}' is not a store path"),
                    Pos::NONE,
                ));
            }
            let info = ev.force_attrs(
                &attr.value,
                Pos::NONE,
                "while evaluating the value of a string context",
            )?;
            if let Some(p) = info.get("path")
                && ev.force_bool(
                    &p.value,
                    Pos::NONE,
                    "while evaluating the `path` attribute of a string context",
                )?
            {
                context.push(Rc::from(path));
            }
            if let Some(a) = info.get("allOutputs")
                && ev.force_bool(
                    &a.value,
                    Pos::NONE,
                    "while evaluating the `allOutputs` attribute of a string context",
                )?
            {
                context.push(Rc::from(format!("={path}").as_str()));
            }
            if let Some(o) = info.get("outputs") {
                let outputs = ev.force_list(
                    &o.value,
                    Pos::NONE,
                    "while evaluating the `outputs` attribute of a string context",
                )?;
                for out in outputs.iter() {
                    let name = ev.force_string(
                        out,
                        Pos::NONE,
                        "while evaluating an output name within a string context",
                    )?;
                    context.push(Rc::from(
                        format!("!{}!{path}", name.to_str_lossy()).as_str(),
                    ));
                }
            }
        }
        Ok(Value::String(NixString::with_context(
            s.as_bytes(),
            context,
        )))
    }),
    op("unsafeDiscardOutputDependency", 1, |ev, args, _| {
        let s = ev.force_string(
            &args[0],
            Pos::NONE,
            ArgCtx(0, "unsafeDiscardOutputDependency"),
        )?;
        let context = s
            .context()
            .iter()
            .map(|c| match c.strip_prefix('=') {
                Some(drv) => Rc::from(drv),
                None => c.clone(),
            })
            .collect();
        Ok(Value::String(NixString::with_context(
            s.as_bytes(),
            context,
        )))
    }),
    op("addDrvOutputDependencies", 1, |ev, args, _| {
        let s = ev.coerce_to_string_ctx(
            &args[0],
            Pos::NONE,
            crate::eval::CoerceMode::Plain,
            "while evaluating the argument passed to builtins.addDrvOutputDependencies",
        )?;
        let [elem] = s.context() else {
            return Err(EvalError::eval(
                format!(
                    "context of string '{}' must have exactly one element, but has {}",
                    s.to_str_lossy(),
                    s.context().len()
                ),
                Pos::NONE,
            ));
        };
        let deep: Rc<str> = if elem.starts_with('=') {
            // Already a whole-closure dependency: idempotent.
            elem.clone()
        } else if let Some(rest) = elem.strip_prefix('!') {
            let output = rest.split_once('!').map_or(rest, |(o, _)| o);
            return Err(EvalError::eval(
                format!(
                    "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '{output}'"
                ),
                Pos::NONE,
            ));
        } else if elem.ends_with(".drv") {
            Rc::from(format!("={elem}").as_str())
        } else {
            return Err(EvalError::eval(
                format!("path '{elem}' is not a derivation"),
                Pos::NONE,
            ));
        };
        Ok(Value::String(NixString::with_context(
            s.as_bytes(),
            vec![deep],
        )))
    }),
    op("toXML", 1, |ev, args, _| {
        let v = ev.force_deep(&args[0])?;
        let (text, context) = crate::print::xml::print_xml(&v)?;
        Ok(Value::String(NixString::with_context(
            text.into_bytes(),
            context,
        )))
    }),
];

/// The element C++ Nix names when a string must not have context: its
/// first in C++ Nix's order (plain paths, then whole closures, then
/// outputs), shown as C++ Nix displays it (`/nix/store/….drv (deep)`,
/// `/nix/store/….drv^out`).
pub(crate) fn display_first_context(context: &[Rc<str>]) -> String {
    let rank = |c: &str| match c.as_bytes().first() {
        Some(b'=') => 1,
        Some(b'!') => 2,
        _ => 0,
    };
    let key = |c: &str| -> (u8, String, String) {
        match rank(c) {
            1 => (1, c[1..].to_string(), String::new()),
            2 => {
                let (output, drv) = c[1..].split_once('!').unwrap_or(("", &c[1..]));
                (2, drv.to_string(), output.to_string())
            }
            _ => (0, c.to_string(), String::new()),
        }
    };
    let Some(first) = context.iter().map(|c| key(c)).min() else {
        return String::new();
    };
    match first {
        (1, drv, _) => format!("{drv} (deep)"),
        (2, drv, output) => format!("{drv}^{output}"),
        (_, path, _) => path,
    }
}

/// `placeholder` and `toFile`, which compute store paths from text.
pub(crate) static STORE_TEXT_PRIMOPS: &[PrimOp] = &[
    op("placeholder", 1, |ev, args, _| {
        let name = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "placeholder"))?;
        let mut fingerprint = b"nix-output:".to_vec();
        fingerprint.extend_from_slice(name.as_bytes());
        let hash = crate::store::hash("sha256", &fingerprint).unwrap_or_default();
        Ok(Value::str(format!("/{}", crate::store::nixbase32(&hash))))
    }),
    op("toFile", 2, |ev, args, _| {
        let name = ev.force_string_no_ctx(&args[0], Pos::NONE, ArgCtx(0, "toFile"))?;
        let name = name.to_str_lossy().into_owned();
        let contents = ev.force_string(&args[1], Pos::NONE, ArgCtx(1, "toFile"))?;
        let mut refs: Vec<String> = Vec::new();
        for c in contents.context() {
            if c.starts_with('=') || c.starts_with('!') {
                return Err(EvalError::eval(
                    format!(
                        "files created by builtins.toFile may not reference derivations, but {name} references {c}"
                    ),
                    Pos::NONE,
                ));
            }
            refs.push(c.to_string());
        }
        refs.sort();
        refs.dedup();
        let path = tvix_store::store_path::make_text_path(
            &name,
            contents.as_bytes(),
            refs.iter().map(String::as_str),
        );
        super::derivation::check_store_path(&path)?;
        if !ev.known_paths.texts.contains_key(&path) {
            ev.io
                .add_to_store(crate::io::StoreObject::Text {
                    path: path.clone(),
                    name,
                    contents: contents.as_bytes().to_vec(),
                    references: refs.clone(),
                })
                .map_err(|e| EvalError::eval(format!("writing '{path}': {e}"), Pos::NONE))?;
            ev.known_paths.texts.insert(path.clone(), refs);
        }
        Ok(Value::String(NixString::with_context(
            path.as_bytes(),
            vec![Rc::from(path.as_str())],
        )))
    }),
    op("storePath", 1, |ev, args, pos| {
        if ev.settings.pure_eval {
            return Err(EvalError::eval(
                "'builtins.storePath' is not allowed in pure evaluation mode",
                pos,
            ));
        }
        let path = ev.coerce_to_path(
            &args[0],
            Pos::NONE,
            "while evaluating the first argument passed to 'builtins.storePath'",
        )?;
        let Some((store_path, _)) = tvix_store::store_path::split_store_path(&path) else {
            return Err(EvalError::eval(
                format!("path '{path}' is not in the Nix store"),
                Pos::NONE,
            ));
        };
        let store_path = store_path.to_string();
        super::derivation::check_store_path(&store_path)?;
        Ok(Value::String(NixString::with_context(
            path.as_bytes(),
            vec![Rc::from(store_path.as_str())],
        )))
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_context_element_is_shown_as_cpp_nix_shows_it() {
        let ctx = |elems: &[&str]| -> Vec<Rc<str>> { elems.iter().map(|e| Rc::from(*e)).collect() };
        assert_eq!(
            display_first_context(&ctx(&["!out!/nix/store/b.drv", "=/nix/store/a.drv"])),
            "/nix/store/a.drv (deep)"
        );
        assert_eq!(
            display_first_context(&ctx(&["!out!/nix/store/b.drv", "/nix/store/z"])),
            "/nix/store/z"
        );
        assert_eq!(
            display_first_context(&ctx(&["!out!/nix/store/b.drv", "!dev!/nix/store/c.drv"])),
            "/nix/store/b.drv^out"
        );
    }
}
