//! What `tvix eval` and `tvix instantiate` share with `nix-instantiate`:
//! the flags naming the expression and its arguments, reading it, the
//! evaluator settings, auto-calling with `--arg`/`--argstr`, `-A` paths,
//! and the big-stack thread evaluation runs on.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use tvix_eval::{EvalError, EvalResult, Evaluator, Settings, value::Value};

use super::source_file::{SourceOrigin, absolute};

/// The flags naming what to evaluate and how, as `nix-instantiate` takes them.
#[derive(Debug, Args)]
pub struct EvalInputArgs {
    /// The file to evaluate (default `./default.nix`); `-` reads standard input.
    #[arg(value_name = "FILE", conflicts_with = "expr")]
    pub file: Option<PathBuf>,

    /// Evaluate this expression instead of a file.
    #[arg(short = 'E', long = "expr", value_name = "EXPR")]
    pub expr: Option<String>,

    /// Pass `NAME = EXPR` to the function the file evaluates to.
    #[arg(long = "arg", num_args = 2, value_names = ["NAME", "EXPR"], action = clap::ArgAction::Append)]
    pub arg: Vec<String>,

    /// Pass `NAME = "VALUE"` to the function the file evaluates to.
    #[arg(long = "argstr", num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append)]
    pub argstr: Vec<String>,

    /// Select this attribute path from the result.
    #[arg(short = 'A', long = "attr", value_name = "PATH")]
    pub attr: Vec<String>,

    /// Add a search path entry (`DIR` or `PREFIX=DIR`) before `NIX_PATH`.
    #[arg(short = 'I', value_name = "PATH")]
    pub include: Vec<String>,

    /// Show "while evaluating …" traces in errors (the default).
    #[arg(long, overrides_with = "no_show_trace")]
    pub show_trace: bool,

    /// Leave the trace out of errors.
    #[arg(long)]
    pub no_show_trace: bool,

    /// Maximum depth of nested function calls.
    #[arg(long, value_name = "N", default_value_t = 10000)]
    pub max_call_depth: usize,

    /// Evaluate purely (C++ Nix 2.8's rules): no search path, no
    /// `currentTime`/`currentSystem`, empty `getEnv`, no file access
    /// outside fetched sources, fetchers only with a hash or revision.
    #[arg(long, overrides_with = "impure")]
    pub pure_eval: bool,

    /// Evaluate impurely (the default; overrides `--pure-eval`).
    #[arg(long, overrides_with = "pure_eval")]
    pub impure: bool,

    /// Enable experimental features (e.g. `parse-toml-timestamps`).
    #[arg(long, value_name = "FEATURE")]
    pub extra_experimental_features: Vec<String>,

    /// Lint level for path literals without `./` (`ignore`, `warn`, `fatal`).
    #[arg(long, value_name = "LEVEL")]
    pub lint_short_path_literals: Option<String>,

    /// Lint level for absolute path literals.
    #[arg(long, value_name = "LEVEL")]
    pub lint_absolute_path_literals: Option<String>,

    /// Lint level for URL literals.
    #[arg(long, value_name = "LEVEL")]
    pub lint_url_literals: Option<String>,
}

/// The expression to evaluate, read.
pub struct Source {
    /// The bytes (Nix source need not be UTF-8).
    pub bytes: Vec<u8>,
    /// Its name in messages (`«string»`, `«stdin»`, the file's path).
    pub name: String,
    /// The directory relative paths in it are resolved against.
    pub base_dir: PathBuf,
    /// Whether it was read from a file (not `-E` or standard input).
    pub is_file: bool,
}

/// An evaluation command's input, read and ready: the expression, the
/// settings, and the directories as the evaluator takes them.
pub struct Prepared {
    /// The expression.
    pub source: Source,
    /// `source.base_dir` as a string.
    pub base: String,
    /// The working directory (`--arg` paths are relative to it).
    pub cwd: String,
    /// The evaluator settings.
    pub settings: Settings,
    /// Whether errors show their trace.
    pub show_trace: bool,
}

impl Prepared {
    /// Evaluates the expression in `ev`.
    pub fn eval_source(&self, ev: &mut Evaluator) -> EvalResult<Value> {
        // C++ Nix imports the file, which pure evaluation forbids too.
        if self.source.is_file {
            ev.check_source_path(&self.source.name, tvix_eval::pos::Pos::NONE)?;
        }
        ev.eval_source_bytes(&self.source.name, &self.source.bytes, &self.base)
    }
}

/// Prints a rendered evaluation error on stderr; exit status 1.
pub fn report_error(rendered: &[u8]) -> anyhow::Result<std::process::ExitCode> {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    stderr.write_all(rendered)?;
    stderr.flush()?;
    Ok(std::process::ExitCode::from(1))
}

impl EvalInputArgs {
    /// Reads the expression and works out the settings (what `tvix eval`
    /// and `tvix instantiate` do before evaluating).
    pub fn prepare(&self, cwd: &Path) -> anyhow::Result<Prepared> {
        let source = self.read_source(cwd)?;
        Ok(Prepared {
            base: source.base_dir.display().to_string(),
            source,
            cwd: cwd.display().to_string(),
            settings: self.settings(cwd)?,
            show_trace: self.show_trace(),
        })
    }

    /// Reads the expression: `-E`, standard input or a file (a directory
    /// means its `default.nix`).
    pub fn read_source(&self, cwd: &Path) -> anyhow::Result<Source> {
        if let Some(expr) = &self.expr {
            return Ok(Source {
                bytes: expr.clone().into_bytes(),
                name: "«string»".to_owned(),
                base_dir: cwd.to_owned(),
                is_file: false,
            });
        }
        let file = self
            .file
            .clone()
            .unwrap_or_else(|| PathBuf::from("default.nix"));
        match SourceOrigin::from_arg(&file) {
            SourceOrigin::Stdin => Ok(Source {
                bytes: SourceOrigin::Stdin.read()?,
                name: "«stdin»".to_owned(),
                base_dir: cwd.to_owned(),
                is_file: false,
            }),
            origin @ SourceOrigin::File(_) => {
                let mut path = absolute(cwd, &file);
                if path.is_dir() {
                    path.push("default.nix");
                }
                let bytes = SourceOrigin::File(path.clone())
                    .read()
                    .or_else(|_| origin.read())?;
                let dir = path
                    .parent()
                    .map_or_else(|| PathBuf::from("/"), Path::to_owned);
                Ok(Source {
                    bytes,
                    name: path.display().to_string(),
                    base_dir: dir,
                    is_file: true,
                })
            }
        }
    }

    /// The evaluator settings these flags and the environment (`NIX_PATH`,
    /// `HOME`) ask for.
    pub fn settings(&self, cwd: &Path) -> anyhow::Result<Settings> {
        let search_path = tvix_eval::search_path::from_env(self.include.iter().map(String::as_str));
        let config = NixConfig::from_env();
        let mut experimental_features = config.experimental_features;
        experimental_features.extend(self.extra_experimental_features.iter().cloned());
        // A flag wins over NIX_CONFIG.
        let pure_eval = if self.pure_eval || self.impure {
            self.pure_eval
        } else {
            config.pure_eval.unwrap_or(false)
        };
        Ok(Settings {
            search_path,
            cwd: Some(cwd.to_owned()),
            max_call_depth: self.max_call_depth,
            home: std::env::var("HOME").ok(),
            experimental_features,
            lints: tvix_eval::lint::Lints {
                short_path_literals: lint_level(&self.lint_short_path_literals)?,
                absolute_path_literals: lint_level(&self.lint_absolute_path_literals)?,
                url_literals: lint_level(&self.lint_url_literals)?,
            },
            pure_eval,
            ..Settings::default()
        })
    }

    /// Whether errors show their trace.
    pub fn show_trace(&self) -> bool {
        !self.no_show_trace
    }
}

/// Runs `job` on a thread with the stack evaluation needs.
pub fn on_eval_thread<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    std::thread::Builder::new()
        .name("tvix-eval".into())
        .stack_size(tvix_eval::EVAL_STACK)
        .spawn(job)
        .context("cannot start the evaluation thread")?
        .join()
        .map_err(|_| anyhow::anyhow!("the evaluation thread panicked"))
}

/// Runs `job` on a thread with the stack evaluation needs and ends the
/// process there with the exit status it returns, once it has written
/// (and flushed) its output. Ending it any other way first walks every
/// page the allocator handed out: a returning thread's heap teardown,
/// and then mimalloc's own exit handler, each ~3 % of the time of
/// `benches/eval/derivation-chain.nix`, for memory the exit frees anyway.
pub fn on_eval_thread_then_exit(
    job: impl FnOnce() -> anyhow::Result<u8> + Send + 'static,
) -> anyhow::Result<std::process::ExitCode> {
    on_eval_thread(move || {
        let code = match job() {
            Ok(code) => code,
            // As `main` reports a command's failure.
            Err(err) => {
                eprintln!("error: {err:#}");
                2
            }
        };
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        // SAFETY: `_exit` ends the process at once; the output is
        // flushed above and nothing else is left to do (no files are
        // open for writing, no temporary files wait to be removed).
        unsafe { _exit(i32::from(code)) }
    })
}

unsafe extern "C" {
    /// libc's `_exit`: ends the process without running exit handlers.
    fn _exit(status: std::ffi::c_int) -> !;
}

/// Calls a function taking a set with the `--arg`/`--argstr` values, as
/// `nix-instantiate` does.
pub fn auto_call(
    ev: &mut Evaluator,
    v: Value,
    args: &EvalInputArgs,
    cwd: &str,
) -> EvalResult<Value> {
    let v = ev.force(&v)?;
    let Value::Lambda(c) = &v else { return Ok(v) };
    if c.lambda.formals.is_none() {
        return Ok(v);
    }
    let mut pairs: Vec<(String, Value)> = Vec::new();
    for pair in args.arg.chunks(2) {
        if let [n, e] = pair {
            let value = ev.eval_source("«string»", e, cwd)?;
            pairs.push((n.clone(), value));
        }
    }
    for pair in args.argstr.chunks(2) {
        if let [n, s] = pair {
            pairs.push((n.clone(), Value::str(s)));
        }
    }
    let formals = c.lambda.formals.as_ref().map(|f| &f.entries);
    let mut entries = Vec::new();
    for (n, value) in pairs {
        let wanted = formals.is_none_or(|f| f.iter().any(|x| x.name.as_str() == n))
            || c.lambda.formals.as_ref().is_some_and(|f| f.ellipsis);
        if wanted {
            entries.push(tvix_eval::value::Attr {
                name: tvix_eval::value::Symbol::new(&n),
                value,
                pos: tvix_eval::pos::Pos::NONE,
            });
        }
    }
    let set = Value::Attrs(std::rc::Rc::new(tvix_eval::value::AttrSet::from_unsorted(
        entries,
    )));
    ev.call(v.clone(), set, tvix_eval::pos::Pos::NONE)
}

/// `-A a.b.0`: attribute names and list indices.
pub fn select_path(ev: &mut Evaluator, mut v: Value, path: &str) -> EvalResult<Value> {
    for part in path.split('.').filter(|p| !p.is_empty()) {
        v = ev.force(&v)?;
        v = select_one(&v, part, path)?;
    }
    ev.force(&v)
}

/// One step of an attribute path on a forced value.
pub fn select_one(v: &Value, part: &str, path: &str) -> EvalResult<Value> {
    match (v, part.parse::<usize>()) {
        (Value::List(l), Ok(i)) => l.get(i).cloned().ok_or_else(|| {
            EvalError::eval(
                format!("list index {i} in selection path '{path}' is out of range"),
                tvix_eval::pos::Pos::NONE,
            )
        }),
        (Value::Attrs(a), _) => a.get(part).map(|x| x.value.clone()).ok_or_else(|| {
            EvalError::eval(
                format!("attribute '{part}' in selection path '{path}' not found"),
                tvix_eval::pos::Pos::NONE,
            )
        }),
        (other, _) => Err(EvalError::eval(
            format!(
                "the expression selected by the selection path '{path}' should be a set but is {}",
                other.type_of()
            ),
            tvix_eval::pos::Pos::NONE,
        )),
    }
}

/// A `--lint-*` level; anything but `ignore`, `warn` or `fatal` is a usage
/// error.
fn lint_level(arg: &Option<String>) -> anyhow::Result<tvix_eval::lint::LintLevel> {
    match arg {
        None => Ok(tvix_eval::lint::LintLevel::Ignore),
        Some(s) => tvix_eval::lint::LintLevel::parse(s).ok_or_else(|| {
            anyhow::anyhow!("invalid lint level '{s}' (expected ignore, warn or fatal)")
        }),
    }
}

/// The settings of `NIX_CONFIG` (nix.conf syntax: `name = value` lines,
/// `#` comments) that evaluation honours: `experimental-features` and
/// `extra-experimental-features`, and `pure-eval`. Others are ignored, as
/// C++ Nix ignores settings it does not know (with a warning there).
#[derive(Debug, Default, PartialEq)]
struct NixConfig {
    experimental_features: Vec<String>,
    pure_eval: Option<bool>,
}

impl NixConfig {
    fn from_env() -> NixConfig {
        std::env::var("NIX_CONFIG")
            .map(|text| NixConfig::parse(&text))
            .unwrap_or_default()
    }

    fn parse(text: &str) -> NixConfig {
        let mut config = NixConfig::default();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let words = value.split_whitespace().map(str::to_owned);
            match name.trim() {
                "experimental-features" => config.experimental_features = words.collect(),
                "extra-experimental-features" => config.experimental_features.extend(words),
                "pure-eval" => config.pure_eval = Some(value.trim() == "true"),
                _ => {}
            }
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::NixConfig;

    #[test]
    fn nix_config_features_and_pure_eval() {
        let config = NixConfig::parse(
            "show-trace = true\nexperimental-features = nix-command flakes # both\nextra-experimental-features = parse-toml-timestamps\npure-eval = false\n",
        );
        assert_eq!(
            config,
            NixConfig {
                experimental_features: vec![
                    "nix-command".into(),
                    "flakes".into(),
                    "parse-toml-timestamps".into()
                ],
                pure_eval: Some(false),
            }
        );
    }
}
