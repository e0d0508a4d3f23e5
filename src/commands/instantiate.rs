//! `tvix instantiate`: evaluate, write the `.drv` closure into the local
//! store, print the `.drv` paths like `nix-instantiate`.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tvix_eval::pos::Pos;
use tvix_eval::value::{AttrSet, Value};
use tvix_eval::{EvalError, EvalResult, Evaluator, HostIO, StoreObject};
use tvix_store::store_path::StorePath;
use tvix_store::{LocalStore, PathInfo, Store};

use super::eval_input::{
    EvalInputArgs, Prepared, auto_call, on_eval_thread, report_error, select_one,
};

/// Arguments of `tvix instantiate`, mirroring `nix-instantiate`.
#[derive(Debug, Args)]
pub struct InstantiateArgs {
    #[command(flatten)]
    input: EvalInputArgs,

    /// The directory of the local store [default: `$TVIX_STORE_ROOT`, else
    /// `$XDG_DATA_HOME/tvix/store`, else `~/.local/share/tvix/store`].
    #[arg(long, visible_alias = "store", value_name = "DIR")]
    store_root: Option<PathBuf>,
}

/// Where the local store lives when `--store-root` is not given.
fn default_store_root() -> anyhow::Result<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(root) = env("TVIX_STORE_ROOT") {
        return Ok(PathBuf::from(root));
    }
    if let Some(data) = env("XDG_DATA_HOME").map(PathBuf::from)
        && data.is_absolute()
    {
        return Ok(data.join("tvix/store"));
    }
    match env("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/tvix/store")),
        None => anyhow::bail!(
            "cannot tell where the store lives: set --store-root, TVIX_STORE_ROOT or HOME"
        ),
    }
}

/// Runs `tvix instantiate`.
pub fn run(args: InstantiateArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let root = match &args.store_root {
        Some(root) => super::source_file::absolute(&cwd, root),
        None => default_store_root()?,
    };
    let store = Arc::new(
        LocalStore::open(&root)
            .with_context(|| format!("cannot open the store at '{}'", root.display()))?,
    );
    let input = args.input.prepare(&cwd)?;
    let eval_store = store.clone();
    let job = move || -> (Vec<String>, Option<Vec<u8>>) {
        let io =
            HostIO::default().with_store(move |object| add_to_local_store(&eval_store, object));
        let mut ev = Evaluator::new(Box::new(io), input.settings.clone());
        let mut printed = Vec::new();
        let result = instantiate(&mut ev, &args.input, &input, &mut printed);
        let err = result
            .err()
            .map(|e| e.render_bytes(&ev.sources, input.show_trace));
        (printed, err)
    };
    let (printed, err) = on_eval_thread(job)?;
    // Everything written becomes durable before the paths are printed.
    store
        .flush()
        .with_context(|| format!("cannot write the store at '{}'", root.display()))?;
    // Like C++ Nix, what was printed before an error stays printed.
    let mut stdout = std::io::stdout().lock();
    for line in &printed {
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()?;
    match err {
        None => Ok(ExitCode::SUCCESS),
        Some(err) => report_error(&err),
    }
}

/// C++ Nix's `processExpr` without `--eval`: for each `-A` path (or the
/// whole value), the derivations found there, each printed as its `.drv`
/// path, with `!output` when the selected output is not `out`.
fn instantiate(
    ev: &mut Evaluator,
    args: &EvalInputArgs,
    input: &Prepared,
    printed: &mut Vec<String>,
) -> EvalResult<()> {
    let cwd = input.cwd.as_str();
    let root = input.eval_source(ev)?;
    let whole = [String::new()];
    let paths: &[String] = if args.attr.is_empty() {
        &whole
    } else {
        &args.attr
    };
    for path in paths {
        // `findAlongAttrPath`: auto-call, then select, at every step.
        let mut v = root.clone();
        for part in path.split('.').filter(|p| !p.is_empty()) {
            v = auto_call(ev, v, args, cwd)?;
            v = select_one(&v, part, path)?;
        }
        let v = ev.force(&v)?;
        let mut finder = DrvFinder {
            args,
            cwd,
            done: HashSet::new(),
            found: Vec::new(),
        };
        finder.get_derivations(ev, v)?;
        for drv in finder.found {
            let drv_path = query_drv_path(ev, &drv)?;
            let output = query_output_name(ev, &drv)?;
            if output.is_empty() {
                return Err(EvalError::eval(
                    format!("derivation '{drv_path}' lacks an 'outputName' attribute"),
                    Pos::NONE,
                ));
            }
            printed.push(if output == "out" {
                drv_path
            } else {
                format!("{drv_path}!{output}")
            });
        }
    }
    Ok(())
}

/// C++ Nix's `getDerivations`: derivations in a value, a list (deeply) or
/// a set (one level, deeper only under `recurseForDerivations = true`),
/// each set once.
struct DrvFinder<'a> {
    args: &'a EvalInputArgs,
    cwd: &'a str,
    /// The sets already taken (a derivation reachable twice is one).
    done: HashSet<*const AttrSet>,
    found: Vec<Rc<AttrSet>>,
}

impl DrvFinder<'_> {
    /// Takes `v` if it is a derivation; returns whether it was not (so the
    /// caller may look inside).
    fn get_derivation(&mut self, ev: &mut Evaluator, v: &Value) -> EvalResult<bool> {
        let v = ev.force(v)?;
        let Value::Attrs(attrs) = &v else {
            return Ok(true);
        };
        if !is_derivation(ev, attrs)? {
            return Ok(true);
        }
        if self.done.insert(Rc::as_ptr(attrs)) {
            // `DrvInfo::queryName`: a derivation must have a name.
            match attrs.get("name") {
                Some(attr) => {
                    force_string(ev, &attr.value)?;
                }
                None => return Err(EvalError::eval("derivation name missing", Pos::NONE)),
            }
            self.found.push(attrs.clone());
        }
        Ok(false)
    }

    fn get_derivations(&mut self, ev: &mut Evaluator, v: Value) -> EvalResult<()> {
        let v = auto_call(ev, v, self.args, self.cwd)?;
        if !self.get_derivation(ev, &v)? {
            return Ok(());
        }
        match &v {
            Value::Attrs(attrs) => {
                let combine_channels = attrs.get("_combineChannels").is_some();
                let mut entries: Vec<(&str, &Value)> =
                    attrs.iter().map(|a| (a.name.as_str(), &a.value)).collect();
                entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                for (name, value) in entries {
                    if !is_attr_name(name) {
                        continue;
                    }
                    if combine_channels {
                        self.get_derivations(ev, value.clone())?;
                    } else if self.get_derivation(ev, value)? {
                        let value = ev.force(value)?;
                        if let Value::Attrs(inner) = &value
                            && let Some(flag) = inner.get("recurseForDerivations")
                            && force_bool(ev, &flag.value)?
                        {
                            self.get_derivations(ev, value.clone())?;
                        }
                    }
                }
                Ok(())
            }
            Value::List(items) => {
                for item in items.iter() {
                    if self.get_derivation(ev, item)? {
                        self.get_derivations(ev, item.clone())?;
                    }
                }
                Ok(())
            }
            _ => Err(EvalError::eval(
                "expression does not evaluate to a derivation (or a set or list of those)",
                Pos::NONE,
            )),
        }
    }
}

/// The attribute names `getDerivations` looks at: `[A-Za-z_][A-Za-z0-9-_+]*`.
fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
}

/// `type == "derivation"`.
fn is_derivation(ev: &mut Evaluator, attrs: &AttrSet) -> EvalResult<bool> {
    let Some(ty) = attrs.get("type") else {
        return Ok(false);
    };
    Ok(matches!(ev.force(&ty.value)?, Value::String(s) if s.as_bytes() == b"derivation"))
}

fn force_string(ev: &mut Evaluator, v: &Value) -> EvalResult<String> {
    match ev.force(v)? {
        Value::String(s) => Ok(s.to_str_lossy().into_owned()),
        other => Err(EvalError::eval(
            format!("value is {} while a string was expected", other.type_of()),
            Pos::NONE,
        )),
    }
}

fn force_bool(ev: &mut Evaluator, v: &Value) -> EvalResult<bool> {
    match ev.force(v)? {
        Value::Bool(b) => Ok(b.get()),
        other => Err(EvalError::eval(
            format!("value is {} while a Boolean was expected", other.type_of()),
            Pos::NONE,
        )),
    }
}

/// `DrvInfo::requireDrvPath`: the `drvPath` attribute as a store path.
fn query_drv_path(ev: &mut Evaluator, drv: &AttrSet) -> EvalResult<String> {
    let Some(attr) = drv.get("drvPath") else {
        return Err(EvalError::eval(
            "derivation does not contain a 'drvPath' attribute",
            Pos::NONE,
        ));
    };
    let path = ev
        .coerce_to_string(&attr.value, attr.pos, tvix_eval::CoerceMode::Plain)?
        .to_str_lossy()
        .into_owned();
    match StorePath::parse(&path) {
        Ok(p) => Ok(p.to_absolute()),
        Err(_) => Err(EvalError::eval(
            format!("path '{path}' is not in the Nix store"),
            attr.pos,
        )),
    }
}

/// `DrvInfo::queryOutputName`: `outputName`, or empty.
fn query_output_name(ev: &mut Evaluator, drv: &AttrSet) -> EvalResult<String> {
    match drv.get("outputName") {
        Some(attr) => force_string(ev, &attr.value),
        None => Ok(String::new()),
    }
}

fn store_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Keeps a store object the evaluation created in the local store.
fn add_to_local_store(store: &LocalStore, object: StoreObject) -> std::io::Result<()> {
    match object {
        StoreObject::Text {
            path,
            name,
            contents,
            references,
        } => {
            let refs = references
                .iter()
                .map(|r| StorePath::parse(r))
                .collect::<Result<BTreeSet<_>, _>>()
                .map_err(store_error)?;
            let stored = store
                .add_text(&name, &contents, &refs)
                .map_err(store_error)?;
            if stored.to_absolute() != path {
                return Err(store_error(format!(
                    "the store put '{name}' at '{stored}', not at '{path}'"
                )));
            }
            Ok(())
        }
        StoreObject::Source { path, nar, ca, .. } => {
            let path = StorePath::parse(&path).map_err(store_error)?;
            let mut info = PathInfo::for_nar(path, &nar, BTreeSet::new());
            info.ca = Some(ca);
            store.add_nar(&info, &nar).map_err(store_error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_names_as_get_derivations_accepts_them() {
        for ok in ["a", "_x", "foo-bar", "x+y", "A9_-+"] {
            assert!(is_attr_name(ok), "{ok}");
        }
        for bad in ["", "1a", "-a", "a.b", "a b", "é"] {
            assert!(!is_attr_name(bad), "{bad}");
        }
    }
}
