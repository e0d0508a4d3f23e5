//! `builtins.path` and `filterSource`: store paths of (filtered) source
//! trees, computed without writing anything.

use std::rc::Rc;

use super::{ArgCtx, PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::Evaluator;
use crate::io::FileType;
use crate::pos::Pos;
use crate::store;
use crate::value::{NixString, Value};

/// Adds `path` to the (dummy) store under `name`, keeping what `filter`
/// accepts, and returns the store path with itself as context.
fn add_path(
    ev: &mut Evaluator,
    path: &str,
    name: &str,
    filter: Option<Value>,
    recursive: bool,
    expected: Option<String>,
) -> EvalResult<Value> {
    add_path_inner(ev, path, name, filter, recursive, expected).map_err(crate::eval::frame_with(
        || format!("while adding path '{path}'"),
        Pos::NONE,
    ))
}

fn add_path_inner(
    ev: &mut Evaluator,
    path: &str,
    name: &str,
    filter: Option<Value>,
    recursive: bool,
    expected: Option<String>,
) -> EvalResult<Value> {
    // With a hash, pure evaluation may add any path: the result is fixed.
    if !(ev.settings.pure_eval && expected.is_some()) {
        ev.check_source_path(path, Pos::NONE)?;
    }
    let io = ev.io.clone();
    if !io.path_exists(path) {
        return Err(EvalError::eval(
            format!("path '{path}' does not exist"),
            Pos::NONE,
        ));
    }
    let stored = if recursive {
        let mut failure = None;
        let nar = {
            let mut keep = |child: &str, ty: FileType| -> std::io::Result<bool> {
                let Some(f) = &filter else { return Ok(true) };
                let r = ev
                    .call(f.clone(), Value::str(child), Pos::NONE)
                    .and_then(|g| ev.call(g, Value::str(ty.as_str()), Pos::NONE))
                    .and_then(|r| {
                        ev.force_bool(
                            &r,
                            Pos::NONE,
                            "while evaluating the return value of the path filter function",
                        )
                    });
                match r {
                    Ok(b) => Ok(b),
                    Err(e) => {
                        failure = Some(e);
                        Err(std::io::Error::other("filter failed"))
                    }
                }
            };
            store::nar_filtered(io.as_ref(), path, &mut keep)
        };
        if let Some(e) = failure {
            return Err(e);
        }
        let nar = nar.map_err(|e| EvalError::eval(format!("reading '{path}': {e}"), Pos::NONE))?;
        let hash = store::hash("sha256", &nar).unwrap_or_default();
        check_expected(&expected, &hash, path)?;
        store::add_source(io.as_ref(), name, nar).map_err(store_error)?
    } else {
        let bytes = io
            .read_file(path)
            .map_err(|e| EvalError::eval(format!("reading '{path}': {e}"), Pos::NONE))?;
        let hash = store::hash("sha256", &bytes).unwrap_or_default();
        check_expected(&expected, &hash, path)?;
        let nar = store::nar(io.as_ref(), path)
            .map_err(|e| EvalError::eval(format!("reading '{path}': {e}"), Pos::NONE))?;
        store::add_flat_source(io.as_ref(), name, &bytes, nar).map_err(store_error)?
    };
    Ok(Value::String(NixString::with_context(
        stored.as_bytes(),
        vec![Rc::from(stored.as_str())],
    )))
}

/// A store error (an invalid name, the embedder's store failing) as an
/// evaluation error.
fn store_error(e: std::io::Error) -> Box<EvalError> {
    EvalError::eval(e.to_string(), Pos::NONE)
}

/// C++ Nix compares the store path the expected SHA-256 gives with the
/// one the content gives; the same test is comparing the hashes.
fn check_expected(expected: &Option<String>, hash: &[u8], path: &str) -> EvalResult<()> {
    let Some(text) = expected else {
        return Ok(());
    };
    let parsed =
        tvix_store::hash::parse_allow_empty(text, Some(tvix_store::hash::Algorithm::Sha256))
            .map_err(|e| EvalError::eval(e.0, Pos::NONE))?;
    if parsed.digest != hash {
        return Err(EvalError::eval(
            format!("store path mismatch in (possibly filtered) path added from '{path}'"),
            Pos::NONE,
        ));
    }
    Ok(())
}

fn base_name(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("filterSource", 2, |ev, args, _| {
        let path = ev.coerce_to_path(
            &args[1],
            Pos::NONE,
            "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'",
        )?;
        let filter = ev.force_function(&args[0], Pos::NONE, ArgCtx(0, "filterSource"))?;
        let name = base_name(&path).to_string();
        add_path(ev, &path, &name, Some(filter), true, None)
    }),
    op("path", 1, |ev, args, _| {
        let a = ev.force_attrs(&args[0], Pos::NONE, ArgCtx(0, "path"))?;
        let mut path = None;
        let mut name = None;
        let mut filter = None;
        let mut recursive = true;
        let mut expected = None;
        for attr in a.iter() {
            let v = attr.value.clone();
            match attr.name.as_str() {
                "path" => {
                    path = Some(ev.coerce_to_path(
                        &v,
                        Pos::NONE,
                        "while evaluating the 'path' attribute passed to 'builtins.path'",
                    )?)
                }
                "name" => {
                    name = Some(
                        ev.force_string_no_ctx(
                            &v,
                            Pos::NONE,
                            "while evaluating the `name` attribute passed to builtins.path",
                        )?
                        .to_str_lossy()
                        .into_owned(),
                    )
                }
                "filter" => {
                    filter = Some(ev.force_function(
                        &v,
                        Pos::NONE,
                        "while evaluating the `filter` parameter passed to builtins.path",
                    )?)
                }
                "recursive" => {
                    recursive = ev.force_bool(
                        &v,
                        Pos::NONE,
                        "while evaluating the `recursive` attribute passed to builtins.path",
                    )?
                }
                "sha256" => {
                    expected = Some(
                        ev.force_string_no_ctx(
                            &v,
                            Pos::NONE,
                            "while evaluating the `sha256` attribute passed to builtins.path",
                        )?
                        .to_str_lossy()
                        .into_owned(),
                    )
                }
                other => {
                    return Err(EvalError::eval(
                        format!("unsupported argument '{other}' to 'builtins.path'"),
                        attr.pos,
                    ));
                }
            }
        }
        let Some(path) = path else {
            return Err(EvalError::eval(
                "missing required 'path' attribute in the first argument to 'builtins.path'",
                Pos::NONE,
            ));
        };
        let name = name.unwrap_or_else(|| base_name(&path).to_string());
        add_path(ev, &path, &name, filter, recursive, expected)
    }),
];
