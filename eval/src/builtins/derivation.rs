//! `derivationStrict` and `derivation`: turning an attribute set into a
//! `.drv` file, its path and its output paths, bit-exact with C++ Nix.
//!
//! `derivationStrict` follows C++ Nix's `prim_derivationStrict`: the
//! attributes are processed in name order, each coerced to a string for
//! the environment (or serialised to JSON into `__json` with
//! `__structuredAttrs`), their string contexts become the inputs, and the
//! output paths are computed by `tvix-store`. `derivation` is C++ Nix's
//! lazy wrapper, written in Nix (`derivation.nix`, evaluated under the
//! name C++ Nix gives it so that traces through it look the same).

use std::rc::Rc;

use tvix_store::derivation::{Derivation, Output};
use tvix_store::hash::{Algorithm, parse_allow_empty};
use tvix_store::store_path::{check_name, hash_placeholder};

use super::{PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{CoerceMode, Evaluator, frame, frame_with};
use crate::io::StoreObject;
use crate::pos::Pos;
use crate::store::KnownDerivation;
use crate::value::{Attr, AttrSet, NixString, StringBuilder, Symbol, Value};

/// The name C++ Nix evaluates its `derivation` wrapper under; traces show
/// it.
pub(crate) const DERIVATION_NIX_NAME: &str = "«nix-internal»/derivation-internal.nix";

/// The `derivation` wrapper. The lines traces show (the `strict` binding,
/// the `value = commonAttrs // { outPath …; drvPath …;` lines) sit at the
/// lines C++ Nix's own wrapper has them, so excerpts match.
pub(crate) const DERIVATION_NIX: &str = include_str!("derivation.nix");

/// `<nix/fetchurl.nix>`: C++ Nix's built-in fetchurl, a fixed-output
/// derivation with the builder `builtin:fetchurl`.
const FETCHURL_NIX: &str = include_str!("fetchurl.nix");

/// The text of a file of C++ Nix's `corepkgs` (`<nix/…>`, which `findFile`
/// resolves to `/__corepkgs__/…` when no search-path entry has it).
pub(crate) fn corepkg(path: &str) -> Option<&'static str> {
    match path {
        "/__corepkgs__/fetchurl.nix" => Some(FETCHURL_NIX),
        _ => None,
    }
}

pub(crate) static PRIMOPS: &[PrimOp] = &[op("derivationStrict", 1, |ev, args, _| {
    derivation_strict(ev, &args[0])
})];

/// `derivationStrict`.
pub(crate) fn derivation_strict_op() -> &'static PrimOp {
    &PRIMOPS[0]
}

/// The value of the global `derivation`: the wrapper, evaluated on first
/// use. Its shape is recorded for making its results natively
/// (`derivation_wrapper`).
pub(crate) static DERIVATION_LOADER: PrimOp = op("derivation", 1, |ev, _, _| {
    let wrapper = ev.eval_source(DERIVATION_NIX_NAME, DERIVATION_NIX, "/")?;
    ev.derivation_wrapper = super::derivation_wrapper::Shape::of(&wrapper).map(Rc::new);
    Ok(wrapper)
});

fn derivation_strict(ev: &mut Evaluator, arg: &Value) -> EvalResult<Value> {
    let attrs = ev.force_attrs(
        arg,
        Pos::NONE,
        "while evaluating the argument passed to builtins.derivationStrict",
    )?;
    let Some(name_attr) = attrs.get("name") else {
        return Err(EvalError::eval("attribute 'name' missing", Pos::NONE)).map_err(frame(
            "in the attrset passed as argument to builtins.derivationStrict",
            Pos::NONE,
        ));
    };
    let name_pos = name_attr.pos;
    let name = ev
        .force_string_no_ctx(
            &name_attr.value.clone(),
            Pos::NONE,
            "while evaluating the `name` attribute passed to builtins.derivationStrict",
        )
        .map_err(frame(
            "while evaluating the derivation attribute 'name'",
            name_pos,
        ))?;
    let name = name.to_str_lossy().into_owned();
    build(ev, &name, &attrs).map_err(|mut e| {
        // Shown even without `--show-trace` in C++ Nix; the position is
        // part of the text so that no excerpt is printed.
        e.frames.push_with(
            crate::error::Frame {
                message: format!(
                    "while evaluating derivation '{name}'\n  whose name attribute is located at {}",
                    describe_pos(ev, name_pos)
                ),
                pos: Pos::NONE,
            },
            crate::error::FramePrint::Always,
        );
        e
    })
}

/// `file:line:col` of a position, as C++ Nix prints a `Pos`.
fn describe_pos(ev: &Evaluator, pos: Pos) -> String {
    match (ev.sources.get(pos.file), ev.sources.line_col(pos)) {
        (Some(src), Some((line, col))) if pos.is_some() => format!("{}:{line}:{col}", src.name),
        _ => "«none»:0".to_string(),
    }
}

/// What the attributes say about the outputs.
#[derive(Default)]
struct OutputSpec {
    outputs: Vec<String>,
    hash: Option<String>,
    hash_algo: Option<String>,
    recursive: bool,
    content_addressed: bool,
    impure: bool,
}

fn feature_disabled(feature: &str) -> Box<EvalError> {
    EvalError::eval(
        format!(
            "experimental Nix feature '{feature}' is disabled; add '--extra-experimental-features {feature}' to enable it"
        ),
        Pos::NONE,
    )
}

/// C++ Nix's `derivationStrictInternal`.
fn build(ev: &mut Evaluator, name: &str, attrs: &Rc<AttrSet>) -> EvalResult<Value> {
    check_name(name).map_err(|e| {
        EvalError::eval(
            format!(
                "invalid derivation name: {}. Please pass a different 'name'.",
                e.0
            ),
            Pos::NONE,
        )
    })?;
    let structured = match attrs.get("__structuredAttrs") {
        Some(a) => ev.force_bool(
            &a.value.clone(),
            Pos::NONE,
            "while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict",
        )?,
        None => false,
    };
    let ignore_nulls = match attrs.get("__ignoreNulls") {
        Some(a) => ev.force_bool(
            &a.value.clone(),
            Pos::NONE,
            "while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict",
        )?,
        None => false,
    };

    let mut drv = Derivation::default();
    let mut context: Vec<Rc<str>> = Vec::new();
    let mut json: Vec<(String, Vec<u8>)> = Vec::new();
    let mut spec = OutputSpec {
        outputs: vec!["out".to_string()],
        ..OutputSpec::default()
    };

    for attr in attrs.iter() {
        let key = attr.name.as_str();
        if key == "__ignoreNulls" {
            continue;
        }
        process_attr(
            ev,
            name,
            attr,
            structured,
            ignore_nulls,
            &mut drv,
            &mut context,
            &mut json,
            &mut spec,
        )
        .map_err(frame_with(
            || format!("while evaluating attribute '{key}' of derivation '{name}'"),
            attr.pos,
        ))?;
    }

    if structured {
        let mut text = b"{".to_vec();
        for (i, (key, value)) in json.iter().enumerate() {
            if i > 0 {
                text.push(b',');
            }
            text.extend_from_slice(serde_json::Value::from(key.as_str()).to_string().as_bytes());
            text.push(b':');
            text.extend_from_slice(value);
        }
        text.push(b'}');
        drv.env.insert("__json".to_string(), text);
    }

    add_inputs(ev, &mut drv, &context)?;

    if drv.builder.is_empty() {
        return Err(EvalError::eval(
            "required attribute 'builder' missing",
            Pos::NONE,
        ));
    }
    if drv.platform.is_empty() {
        return Err(EvalError::eval(
            "required attribute 'system' missing",
            Pos::NONE,
        ));
    }
    if name.ends_with(".drv") {
        return Err(EvalError::eval(
            "derivation names are allowed to end in '.drv' only if they produce a single derivation file",
            Pos::NONE,
        ));
    }

    if let Some(hash_text) = &spec.hash {
        if spec.outputs != ["out"] {
            return Err(EvalError::eval(
                "multiple outputs are not supported in fixed-output derivations",
                Pos::NONE,
            ));
        }
        let algo = spec.hash_algo.as_deref().and_then(Algorithm::from_name);
        let hash =
            parse_allow_empty(hash_text, algo).map_err(|e| EvalError::eval(e.0, Pos::NONE))?;
        if hash_text.is_empty() {
            ev.diagnostic(&format!(
                "warning: found empty hash, assuming '{}'",
                hash.to_sri()
            ));
        }
        drv.outputs
            .insert("out".to_string(), Output::fixed(spec.recursive, &hash));
    } else if spec.content_addressed || spec.impure {
        if spec.content_addressed && spec.impure {
            return Err(EvalError::eval(
                "derivation cannot be both content-addressed and impure",
                Pos::NONE,
            ));
        }
        let algo = spec
            .hash_algo
            .as_deref()
            .and_then(Algorithm::from_name)
            .unwrap_or(Algorithm::Sha256);
        let method = if spec.recursive || spec.hash.is_none() {
            "r:"
        } else {
            ""
        };
        for output in &spec.outputs {
            drv.env
                .insert(output.clone(), hash_placeholder(output).into_bytes());
            drv.outputs.insert(
                output.clone(),
                Output {
                    path: String::new(),
                    hash_algo: format!("{method}{algo}"),
                    hash: if spec.impure {
                        "impure".into()
                    } else {
                        String::new()
                    },
                },
            );
        }
    } else {
        for output in &spec.outputs {
            drv.outputs.insert(output.clone(), Output::default());
        }
    }

    if !(spec.content_addressed || spec.impure) {
        let known = &ev.known_paths;
        drv.fill_output_paths(name, &mut |p| {
            known.derivations.get(p).map(|k| k.hash_modulo)
        })
        .map_err(|e| EvalError::eval(e.0, Pos::NONE))?;
    }

    let file = drv.drv_file(name);
    let drv_path = file.path.clone();
    check_store_path(&drv_path)?;
    for out in drv.outputs.values() {
        if !out.path.is_empty() {
            check_store_path(&out.path)?;
        }
    }
    if !ev.known_paths.derivations.contains_key(&drv_path) {
        let known = &ev.known_paths;
        let hash_modulo = drv
            .hash_modulo_of_file(&file, &mut |p| {
                known.derivations.get(p).map(|k| k.hash_modulo)
            })
            .map_err(|e| EvalError::eval(e.0, Pos::NONE))?;
        let known = KnownDerivation::new(&drv, hash_modulo);
        if ev.io.keeps_derivations() {
            ev.io
                .add_to_store(StoreObject::Text {
                    path: drv_path.clone(),
                    name: format!("{name}.drv"),
                    contents: file.contents,
                    references: known.references.to_vec(),
                })
                .map_err(|e| EvalError::eval(format!("writing '{drv_path}': {e}"), Pos::NONE))?;
        }
        ev.known_paths
            .derivations
            .insert(drv_path.clone(), Rc::new(known));
    }
    Ok(result(&drv_path, &drv))
}

/// Fails with C++ Nix's message when a computed path's name is not valid
/// (too long once `-dev` or `.drv` is added, …).
pub(crate) fn check_store_path(path: &str) -> EvalResult<()> {
    let base = path.rsplit('/').next().unwrap_or(path);
    tvix_store::store_path::check_base_name(base).map_err(|e| EvalError::eval(e.0, Pos::NONE))
}

/// `{ drvPath; <output> = path; … }` with their contexts.
fn result(drv_path: &str, drv: &Derivation) -> Value {
    let mut attrs = Vec::with_capacity(1 + drv.outputs.len());
    attrs.push(Attr {
        name: Symbol::new("drvPath"),
        value: Value::String(NixString::with_context(
            drv_path.as_bytes(),
            vec![context_element(&["=", drv_path])],
        )),
        pos: Pos::NONE,
    });
    for (output, out) in &drv.outputs {
        let context = context_element(&["!", output, "!", drv_path]);
        let value = if out.path.is_empty() {
            // Floating content-addressed outputs are known only after
            // the build: C++ Nix hands out a placeholder for them.
            let placeholder = tvix_store::store_path::downstream_placeholder(drv_path, output);
            NixString::with_context(placeholder.into_bytes(), vec![context])
        } else {
            NixString::with_context(out.path.as_bytes(), vec![context])
        };
        attrs.push(Attr {
            name: Symbol::new(output),
            value: Value::String(value),
            pos: Pos::NONE,
        });
    }
    Value::Attrs(Rc::new(AttrSet::from_unsorted(attrs)))
}

/// A string context element made of `parts`, in one allocation.
fn context_element(parts: &[&str]) -> Rc<str> {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut text = String::with_capacity(len);
    for part in parts {
        text.push_str(part);
    }
    Rc::from(text)
}

/// One attribute of the argument set.
#[allow(clippy::too_many_arguments)]
fn process_attr(
    ev: &mut Evaluator,
    drv_name: &str,
    attr: &Attr,
    structured: bool,
    ignore_nulls: bool,
    drv: &mut Derivation,
    context: &mut Vec<Rc<str>>,
    json: &mut Vec<(String, Vec<u8>)>,
    spec: &mut OutputSpec,
) -> EvalResult<()> {
    let key = attr.name.as_str();
    let value = attr.value.clone();
    if ignore_nulls && matches!(ev.force(&value)?, Value::Null) {
        return Ok(());
    }
    match key {
        "__contentAddressed" => {
            if ev.force_bool(&value, Pos::NONE, "")? {
                if !ev
                    .settings
                    .experimental_features
                    .iter()
                    .any(|f| f == "ca-derivations")
                {
                    return Err(feature_disabled("ca-derivations"));
                }
                spec.content_addressed = true;
            }
        }
        "__impure" => {
            if ev.force_bool(&value, Pos::NONE, "")? {
                if !ev
                    .settings
                    .experimental_features
                    .iter()
                    .any(|f| f == "impure-derivations")
                {
                    return Err(feature_disabled("impure-derivations"));
                }
                spec.impure = true;
            }
        }
        "args" => {
            let items = ev.force_list(&value, Pos::NONE, "")?;
            for item in items.iter() {
                let s = ev.coerce_to_string_ctx(
                    item,
                    Pos::NONE,
                    CoerceMode::ToStringCopy,
                    "while evaluating an element of the argument list",
                )?;
                context.extend(s.context().iter().cloned());
                drv.args.push(s.as_bytes().to_vec());
            }
        }
        _ if structured => {
            if key == "__structuredAttrs" {
                return Ok(());
            }
            let mut sb = StringBuilder::default();
            super::json::value_to_json(ev, &value, Pos::NONE, &mut sb)?;
            let s = sb.finish();
            context.extend(s.context().iter().cloned());
            json.push((key.to_string(), s.as_bytes().to_vec()));
            if matches!(
                key,
                "allowedReferences"
                    | "allowedRequisites"
                    | "disallowedReferences"
                    | "disallowedRequisites"
                    | "maxSize"
                    | "maxClosureSize"
            ) {
                warn_attr(
                    ev,
                    drv_name,
                    &format!(
                        "'structuredAttrs' disables the effect of the derivation attribute '{key}'; use 'outputChecks.<output>.{key}' instead"
                    ),
                    attr.pos,
                );
            }
            match key {
                "builder" => {
                    let s = ev.force_string(&value, Pos::NONE, "")?;
                    context.extend(s.context().iter().cloned());
                    drv.builder = s.as_bytes().to_vec();
                }
                "system" => drv.platform = no_ctx(ev, &value)?.into_bytes(),
                "outputHash" => spec.hash = Some(no_ctx(ev, &value)?),
                "outputHashAlgo" => spec.hash_algo = Some(no_ctx(ev, &value)?),
                "outputHashMode" => set_hash_mode(spec, &no_ctx(ev, &value)?)?,
                "outputs" => {
                    let items = ev.force_list(&value, Pos::NONE, "")?;
                    let mut names = Vec::new();
                    for item in items.iter() {
                        names.push(no_ctx(ev, item)?);
                    }
                    set_outputs(spec, names)?;
                }
                _ => {}
            }
        }
        _ => {
            let s = ev.coerce_to_string_ctx(&value, Pos::NONE, CoerceMode::ToStringCopy, "")?;
            context.extend(s.context().iter().cloned());
            let bytes = s.as_bytes().to_vec();
            if key == "__json" {
                warn_attr(
                    ev,
                    drv_name,
                    "setting structured attributes via '__json' is deprecated, and may be disallowed in future versions of Nix. Set '__structuredAttrs = true' instead.",
                    attr.pos,
                );
            }
            let text = || String::from_utf8_lossy(&bytes).into_owned();
            match key {
                "builder" => drv.builder = bytes.clone(),
                "system" => drv.platform = bytes.clone(),
                "outputHash" => spec.hash = Some(text()),
                "outputHashAlgo" => spec.hash_algo = Some(text()),
                "outputHashMode" => set_hash_mode(spec, &text())?,
                "outputs" => set_outputs(
                    spec,
                    text()
                        .split([' ', '\t', '\n', '\r'])
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                        .collect(),
                )?,
                _ => {}
            }
            drv.env.insert(key.to_string(), bytes);
        }
    }
    Ok(())
}

/// Prints C++ Nix's warning about a derivation attribute: the message at
/// the attribute, under a "while evaluating derivation" frame.
fn warn_attr(ev: &mut Evaluator, drv_name: &str, message: &str, pos: Pos) {
    let mut e = EvalError::eval(message, pos);
    e.frames.push(crate::error::Frame {
        message: format!("while evaluating derivation '{drv_name}'"),
        pos: Pos::NONE,
    });
    // Rendered as an error with its trace, then re-labelled and indented
    // as C++ Nix prints warnings.
    let rendered = e.render(&ev.sources, true);
    let mut out = String::from("warning:");
    for line in rendered.lines().skip(1) {
        out.push('\n');
        if line.is_empty() {
            continue;
        }
        let body = line.strip_prefix("       ").unwrap_or(line);
        let body = match body.strip_prefix("error: ") {
            Some(rest) => format!("warning: {rest}"),
            None => body.to_string(),
        };
        out.push_str("         ");
        out.push_str(&body);
    }
    ev.diagnostic(&out);
}

/// A string attribute that must not carry context.
fn no_ctx(ev: &mut Evaluator, v: &Value) -> EvalResult<String> {
    Ok(ev
        .force_string_no_ctx(v, Pos::NONE, "")?
        .to_str_lossy()
        .into_owned())
}

fn set_hash_mode(spec: &mut OutputSpec, mode: &str) -> EvalResult<()> {
    spec.recursive = match mode {
        "recursive" | "nar" => true,
        "flat" => false,
        "text" => return Err(feature_disabled("dynamic-derivations")),
        "git" => return Err(feature_disabled("git-hashing")),
        _ => {
            return Err(EvalError::eval(
                format!("invalid value '{mode}' for 'outputHashMode' attribute"),
                Pos::NONE,
            ));
        }
    };
    Ok(())
}

fn set_outputs(spec: &mut OutputSpec, names: Vec<String>) -> EvalResult<()> {
    let mut seen: Vec<String> = Vec::new();
    for name in names {
        if seen.contains(&name) {
            return Err(EvalError::eval(
                format!("duplicate derivation output '{name}'"),
                Pos::NONE,
            ));
        }
        if name == "drvPath" {
            return Err(EvalError::eval(
                "invalid derivation output name 'drvPath'",
                Pos::NONE,
            ));
        }
        seen.push(name);
    }
    if seen.is_empty() {
        return Err(EvalError::eval(
            "derivation cannot have an empty set of outputs",
            Pos::NONE,
        ));
    }
    seen.sort();
    spec.outputs = seen;
    Ok(())
}

/// Turns the collected string context into input sources and input
/// derivations. A `=drv` element brings in the whole closure of the
/// `.drv` file: every path in it as a source and every derivation in it
/// with all its outputs (C++ Nix's rule for `drvPath` references).
fn add_inputs(ev: &Evaluator, drv: &mut Derivation, context: &[Rc<str>]) -> EvalResult<()> {
    let mut context: Vec<&str> = context.iter().map(|c| &**c).collect();
    context.sort_unstable();
    context.dedup();
    for elem in context {
        if let Some(drv_path) = elem.strip_prefix('=') {
            if !ev.known_paths.derivations.contains_key(drv_path) {
                return Err(EvalError::eval(
                    format!("path '{drv_path}' is not valid"),
                    Pos::NONE,
                ));
            }
            for path in ev.known_paths.closure(drv_path) {
                if let Some(known) = ev.known_paths.derivations.get(&path) {
                    drv.input_drvs
                        .entry(path.clone())
                        .or_default()
                        .extend(known.outputs.iter().cloned());
                }
                drv.input_srcs.insert(path);
            }
        } else if let Some(rest) = elem.strip_prefix('!') {
            let (output, drv_path) = rest.split_once('!').unwrap_or((rest, ""));
            drv.input_drvs
                .entry(drv_path.to_string())
                .or_default()
                .insert(output.to_string());
        } else {
            drv.input_srcs.insert(elem.to_string());
        }
    }
    Ok(())
}
