//! `builtins.outputOf`: a derivation output as a string, as current C++
//! Nix has it behind the `dynamic-derivations` experimental feature.
//!
//! The first argument is a string with exactly one context element naming
//! a derivation: its `.drv` path with a plain context
//! (`builtins.unsafeDiscardOutputDependency drv.drvPath`). The result is
//! the output's path when it is known before building (input-addressed or
//! fixed-output derivations), else the downstream placeholder C++ Nix
//! computes for it (content-addressed derivations), with the context
//! `!output!drv`. The output of an output (a derivation built by a
//! derivation, `outputOf (outputOf d "out") "out"`) needs string contexts
//! that nest, which tvix does not model: that is a clear error.

use std::rc::Rc;

use tvix_store::store_path::downstream_placeholder;

use super::{PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{Evaluator, frame};
use crate::pos::Pos;
use crate::value::{NixString, Value};

const FEATURE: &str = "dynamic-derivations";
const FIRST: &str = "while evaluating the first argument to builtins.outputOf";
const SECOND: &str = "while evaluating the second argument to builtins.outputOf";

fn err(message: String) -> Box<EvalError> {
    EvalError::eval(message, Pos::NONE)
}

/// The string C++ Nix's `mkSingleDerivedPathStringRaw` gives output
/// `output` of the derivation at `drv_path`: its path when known, else its
/// placeholder.
fn output_string(ev: &Evaluator, drv_path: &str, output: &str) -> EvalResult<String> {
    let Some(known) = ev.known_paths.derivations.get(drv_path) else {
        return Err(err(format!("path '{drv_path}' is not valid")));
    };
    let Some(i) = known.outputs.iter().position(|o| o == output) else {
        return Err(err(format!(
            "derivation '{drv_path}' does not have output '{output}'"
        )));
    };
    Ok(match known.output_paths[i].as_str() {
        "" => downstream_placeholder(drv_path, output),
        path => path.to_string(),
    })
}

fn output_of(ev: &mut Evaluator, args: &[Value]) -> EvalResult<Value> {
    if !ev
        .settings
        .experimental_features
        .iter()
        .any(|f| f == FEATURE)
    {
        return Err(err(format!(
            "experimental Nix feature '{FEATURE}' is disabled; add '--extra-experimental-features {FEATURE}' to enable it"
        )));
    }
    let reference = ev.force_string(&args[0], Pos::NONE, FIRST)?;
    let text = reference.to_str_lossy().into_owned();
    let context = reference.context();
    if context.len() != 1 {
        return Err(err(format!(
            "string '{text}' has {} entries in its context. It should only have exactly one entry",
            context.len()
        )))
        .map_err(frame(FIRST, Pos::NONE));
    }
    let element = &*context[0];
    let drv_path = if element.starts_with('=') {
        return Err(err(format!(
            "string '{text}' has a context which refers to a complete source and binary closure. This is not supported at this time"
        )))
        .map_err(frame(FIRST, Pos::NONE));
    } else if let Some(rest) = element.strip_prefix('!') {
        let (output, drv) = rest.split_once('!').unwrap_or((rest, ""));
        let expected = output_string(ev, drv, output)?;
        if text != expected {
            return Err(err(format!(
                "string '{text}' has context with the output '{output}' from derivation '{drv}', but the string is not the right placeholder for this derivation output. It should be '{expected}'"
            )))
            .map_err(frame(FIRST, Pos::NONE));
        }
        return Err(err(format!(
            "builtins.outputOf on an output of a derivation ('{drv}^{output}'), a derivation built by a derivation, is not supported by tvix: its string context would nest"
        )));
    } else {
        if text != element {
            return Err(err(format!(
                "path string '{text}' has context with the different path '{element}'"
            )))
            .map_err(frame(FIRST, Pos::NONE));
        }
        element.to_string()
    };
    let output = ev
        .force_string_no_ctx(&args[1], Pos::NONE, SECOND)?
        .to_str_lossy()
        .into_owned();
    let path = output_string(ev, &drv_path, &output)?;
    Ok(Value::String(NixString::with_context(
        path.as_bytes(),
        vec![Rc::from(format!("!{output}!{drv_path}").as_str())],
    )))
}

pub(crate) static PRIMOPS: &[PrimOp] = &[op("outputOf", 2, |ev, args, _| output_of(ev, args))];

#[cfg(test)]
mod tests {
    use crate::{Evaluator, Settings, StdIO, print};

    /// `src` evaluated deeply with `features` on, printed (or its error).
    fn eval_with_features(src: &str, features: &[&str]) -> String {
        let src = src.to_owned();
        let settings = Settings {
            experimental_features: features.iter().map(|f| f.to_string()).collect(),
            ..Settings::default()
        };
        std::thread::Builder::new()
            .stack_size(crate::EVAL_STACK)
            .spawn(move || {
                let mut ev = Evaluator::new(Box::new(StdIO), settings);
                match ev
                    .eval_source("«string»", &src, "/")
                    .and_then(|v| ev.force_deep(&v))
                {
                    Ok(v) => print::print_value(&v),
                    Err(e) => e.render(&ev.sources, true),
                }
            })
            .unwrap()
            .join()
            .unwrap()
    }

    const DRV: &str = r#"d = derivation { name = "d"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };"#;

    #[test]
    fn an_input_addressed_output_is_its_path_with_a_built_context() {
        let expr = format!(
            r#"let {DRV} r = builtins.outputOf (builtins.unsafeDiscardOutputDependency d.drvPath) "dev"; in [ (r == d.dev.outPath) (builtins.getContext r) ]"#
        );
        let out = eval_with_features(&expr, &["dynamic-derivations"]);
        assert!(out.starts_with("[ true { \"/nix/store/"), "{out}");
        assert!(
            out.ends_with(".drv\" = { outputs = [ \"dev\" ]; }; } ]"),
            "{out}"
        );
    }

    #[test]
    fn misuse_is_a_clear_error() {
        let deep = format!(r#"let {DRV} in builtins.outputOf d.drvPath "out""#);
        assert!(
            eval_with_features(&deep, &["dynamic-derivations"])
                .contains("refers to a complete source and binary closure")
        );
        let missing = format!(
            r#"let {DRV} in builtins.outputOf (builtins.unsafeDiscardOutputDependency d.drvPath) "lib""#
        );
        assert!(
            eval_with_features(&missing, &["dynamic-derivations"])
                .contains("does not have output 'lib'")
        );
        assert!(
            eval_with_features(r#"builtins.outputOf "x" "out""#, &["dynamic-derivations"])
                .contains("has 0 entries in its context")
        );
        assert!(
            eval_with_features(&deep, &[])
                .contains("experimental Nix feature 'dynamic-derivations' is disabled")
        );
    }
}
