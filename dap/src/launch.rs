//! The `launch` configuration and the evaluation it describes.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Deserialize;
use serde_json::Value as Json;
use tvix_eval::pos::Pos;
use tvix_eval::value::{Attr, AttrSet, Symbol, Value};
use tvix_eval::{EvalError, EvalResult, Evaluator, Settings};

/// What to evaluate, as a `launch` request's arguments say.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchConfig {
    /// A `.nix` file (or a directory with `default.nix`) to evaluate.
    pub program: Option<String>,
    /// An expression to evaluate instead of `program`, relative to `cwd`.
    pub expression: Option<String>,
    /// An attribute path selected from the result, like `-A`.
    pub attribute: Option<String>,
    /// `--arg NAME EXPR` pairs.
    #[serde(default)]
    pub args: std::collections::BTreeMap<String, String>,
    /// `--argstr NAME VALUE` pairs.
    #[serde(default)]
    pub argstr: std::collections::BTreeMap<String, String>,
    /// `-I` entries (`DIR` or `PREFIX=DIR`).
    #[serde(default)]
    pub search_path: Vec<String>,
    /// Force the result deeply (default true).
    #[serde(default = "yes")]
    pub strict: bool,
    /// Stop at the first expression.
    #[serde(default)]
    pub stop_on_entry: bool,
    /// The directory relative paths resolve against (default: the
    /// adapter's working directory).
    pub cwd: Option<String>,
    /// `noDebug`: run without stopping.
    #[serde(default)]
    pub no_debug: bool,
}

fn yes() -> bool {
    true
}

impl LaunchConfig {
    /// Reads the arguments of a `launch` request.
    pub fn from_json(args: &Json) -> Result<LaunchConfig, String> {
        let config: LaunchConfig = serde_json::from_value(args.clone())
            .map_err(|e| format!("invalid launch configuration: {e}"))?;
        if config.program.is_none() && config.expression.is_none() {
            return Err("the launch configuration needs `program` or `expression`".into());
        }
        Ok(config)
    }

    /// The working directory, absolute.
    pub fn cwd(&self) -> PathBuf {
        let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        match &self.cwd {
            Some(c) => here.join(c),
            None => here,
        }
    }

    /// The evaluator settings (search path from `searchPath` then
    /// `NIX_PATH`).
    pub fn settings(&self) -> Settings {
        Settings {
            search_path: tvix_eval::search_path::from_env(
                self.search_path.iter().map(String::as_str),
            ),
            cwd: Some(self.cwd()),
            home: std::env::var("HOME").ok(),
            ..Settings::default()
        }
    }

    /// The source to evaluate: `(name, text, base directory)`.
    pub fn source(&self) -> Result<(String, String, String), String> {
        let cwd = self.cwd();
        if let Some(e) = &self.expression {
            return Ok(("«string»".into(), e.clone(), cwd.display().to_string()));
        }
        let program = self.program.as_deref().unwrap_or("default.nix");
        let mut path = cwd.join(program);
        if path.is_dir() {
            path.push("default.nix");
        }
        let text = std::fs::read(&path)
            .map_err(|e| format!("cannot read program '{}': {e}", path.display()))?;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_owned);
        Ok((
            path.display().to_string(),
            String::from_utf8_lossy(&text).into_owned(),
            dir.display().to_string(),
        ))
    }

    /// Evaluates the configured program to the value to print.
    pub fn evaluate(&self, ev: &mut Evaluator) -> EvalResult<Value> {
        let (name, text, base) = self.source().map_err(|m| EvalError::eval(m, Pos::NONE))?;
        let cwd = self.cwd().display().to_string();
        let mut v = ev.eval_source(&name, &text, &base)?;
        v = self.auto_call(ev, v, &cwd)?;
        if let Some(path) = &self.attribute {
            v = select_path(ev, v, path)?;
            v = self.auto_call(ev, v, &cwd)?;
        }
        if self.strict {
            v = ev.force_deep(&v)?;
        }
        Ok(v)
    }

    /// Calls a function taking a set with `args`/`argstr`, as
    /// `nix-instantiate` does.
    fn auto_call(&self, ev: &mut Evaluator, v: Value, cwd: &str) -> EvalResult<Value> {
        let v = ev.force(&v)?;
        let Value::Lambda(c) = &v else { return Ok(v) };
        let Some(formals) = &c.lambda.formals else {
            return Ok(v);
        };
        let mut entries = Vec::new();
        let wanted =
            |n: &str| formals.ellipsis || formals.entries.iter().any(|f| f.name.as_str() == n);
        for (n, e) in &self.args {
            if wanted(n) {
                let value = ev.eval_source("«string»", e, cwd)?;
                entries.push(attr(n, value));
            }
        }
        for (n, s) in &self.argstr {
            if wanted(n) {
                entries.push(attr(n, Value::str(s)));
            }
        }
        let set = Value::Attrs(Rc::new(AttrSet::from_unsorted(entries)));
        ev.call(v.clone(), set, Pos::NONE)
    }
}

fn attr(name: &str, value: Value) -> Attr {
    Attr {
        name: Symbol::new(name),
        value,
        pos: Pos::NONE,
    }
}

/// `-A a.b.0`: attribute names and list indices.
fn select_path(ev: &mut Evaluator, mut v: Value, path: &str) -> EvalResult<Value> {
    for part in path.split('.').filter(|p| !p.is_empty()) {
        v = ev.force(&v)?;
        v = match (&v, part.parse::<usize>()) {
            (Value::List(l), Ok(i)) => l.get(i).cloned().ok_or_else(|| {
                EvalError::eval(
                    format!("list index {i} in selection path '{path}' is out of range"),
                    Pos::NONE,
                )
            })?,
            (Value::Attrs(a), _) => a.get(part).map(|x| x.value.clone()).ok_or_else(|| {
                EvalError::eval(
                    format!("attribute '{part}' in selection path '{path}' not found"),
                    Pos::NONE,
                )
            })?,
            (other, _) => {
                return Err(EvalError::eval(
                    format!(
                        "the expression selected by the selection path '{path}' should be a set but is {}",
                        other.type_of()
                    ),
                    Pos::NONE,
                ));
            }
        };
    }
    ev.force(&v)
}

#[cfg(test)]
mod tests {
    use super::LaunchConfig;
    use serde_json::json;

    #[test]
    fn defaults_and_errors() {
        let c = LaunchConfig::from_json(&json!({"program": "a.nix", "type": "tvix"})).unwrap();
        assert!(c.strict && !c.stop_on_entry);
        assert!(LaunchConfig::from_json(&json!({})).is_err());
        let e = LaunchConfig::from_json(&json!({"expression": 1})).unwrap_err();
        assert!(e.contains("invalid launch configuration"), "{e}");
    }
}
