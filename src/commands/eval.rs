//! `tvix eval`: evaluate like `nix-instantiate --eval`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use tvix_eval::{EvalError, EvalResult, Evaluator, Settings, StdIO, print, value::Value};

use super::source_file::{SourceOrigin, absolute};

/// Arguments of `tvix eval`, mirroring `nix-instantiate --eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The file to evaluate (default `./default.nix`); `-` reads standard input.
    #[arg(value_name = "FILE", conflicts_with = "expr")]
    file: Option<PathBuf>,

    /// Evaluate this expression instead of a file.
    #[arg(short = 'E', long = "expr", value_name = "EXPR")]
    expr: Option<String>,

    /// Evaluate the result deeply (lists and sets included).
    #[arg(long)]
    strict: bool,

    /// Print the result as JSON.
    #[arg(long, conflicts_with = "xml")]
    json: bool,

    /// Print the result as XML.
    #[arg(long)]
    xml: bool,

    /// Leave source locations out of XML output (they are never printed).
    #[arg(long)]
    no_location: bool,

    /// Pass `NAME = EXPR` to the function the file evaluates to.
    #[arg(long = "arg", num_args = 2, value_names = ["NAME", "EXPR"], action = clap::ArgAction::Append)]
    arg: Vec<String>,

    /// Pass `NAME = "VALUE"` to the function the file evaluates to.
    #[arg(long = "argstr", num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append)]
    argstr: Vec<String>,

    /// Select this attribute path from the result.
    #[arg(short = 'A', long = "attr", value_name = "PATH")]
    attr: Vec<String>,

    /// Add a search path entry (`DIR` or `PREFIX=DIR`) before `NIX_PATH`.
    #[arg(short = 'I', value_name = "PATH")]
    include: Vec<String>,

    /// Show "while evaluating …" traces in errors (the default).
    #[arg(long, overrides_with = "no_show_trace")]
    show_trace: bool,

    /// Leave the trace out of errors.
    #[arg(long)]
    no_show_trace: bool,

    /// Maximum depth of nested function calls.
    #[arg(long, value_name = "N", default_value_t = 10000)]
    max_call_depth: usize,

    /// Accepted for compatibility: evaluation is always impure.
    #[arg(long)]
    impure: bool,

    /// Accepted for compatibility with `nix-instantiate --eval`.
    #[arg(long)]
    eval: bool,

    /// Enable experimental features (e.g. `parse-toml-timestamps`).
    #[arg(long, value_name = "FEATURE")]
    extra_experimental_features: Vec<String>,

    /// Lint level for path literals without `./` (`ignore`, `warn`, `fatal`).
    #[arg(long, value_name = "LEVEL")]
    lint_short_path_literals: Option<String>,

    /// Lint level for absolute path literals.
    #[arg(long, value_name = "LEVEL")]
    lint_absolute_path_literals: Option<String>,

    /// Lint level for URL literals.
    #[arg(long, value_name = "LEVEL")]
    lint_url_literals: Option<String>,
}

/// Runs `tvix eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let (text, name, base_dir) = match (&args.expr, &args.file) {
        (Some(expr), _) => (expr.clone(), "«string»".to_owned(), cwd.clone()),
        (None, file) => {
            let file = file.clone().unwrap_or_else(|| PathBuf::from("default.nix"));
            match SourceOrigin::from_arg(&file) {
                SourceOrigin::Stdin => (
                    String::from_utf8_lossy(&SourceOrigin::Stdin.read()?).into_owned(),
                    "«stdin»".to_owned(),
                    cwd.clone(),
                ),
                origin @ SourceOrigin::File(_) => {
                    let mut path = absolute(&cwd, &file);
                    if path.is_dir() {
                        path.push("default.nix");
                    }
                    let bytes = SourceOrigin::File(path.clone())
                        .read()
                        .or_else(|_| origin.read())?;
                    let dir = path
                        .parent()
                        .map_or_else(|| PathBuf::from("/"), Path::to_owned);
                    (
                        String::from_utf8_lossy(&bytes).into_owned(),
                        path.display().to_string(),
                        dir,
                    )
                }
            }
        }
    };
    let mut search_path = Vec::new();
    let nix_path = std::env::var("NIX_PATH").unwrap_or_default();
    for entry in args
        .include
        .iter()
        .map(String::as_str)
        .chain(nix_path.split(':').filter(|s| !s.is_empty()))
    {
        let (prefix, dir) = entry.split_once('=').unwrap_or(("", entry));
        let dir = if dir.contains("://") {
            dir.to_owned()
        } else {
            absolute(&cwd, Path::new(dir)).display().to_string()
        };
        search_path.push((prefix.to_owned(), dir));
    }
    let settings = Settings {
        search_path,
        max_call_depth: args.max_call_depth,
        home: std::env::var("HOME").ok(),
        experimental_features: args.extra_experimental_features.clone(),
        lints: tvix_eval::lint::Lints {
            short_path_literals: lint_level(&args.lint_short_path_literals)?,
            absolute_path_literals: lint_level(&args.lint_absolute_path_literals)?,
            url_literals: lint_level(&args.lint_url_literals)?,
        },
        ..Settings::default()
    };
    let show_trace = !args.no_show_trace;
    let cwd_str = cwd.display().to_string();
    let base = base_dir.display().to_string();
    let job = move || -> (Option<String>, Option<String>) {
        let mut ev = Evaluator::new(Box::new(StdIO), settings);
        let result = evaluate(&mut ev, &args, &name, &text, &base, &cwd_str);
        match result {
            Ok(out) => (Some(out), None),
            Err(e) => (None, Some(e.render(&ev.sources, show_trace))),
        }
    };
    let (out, err) = std::thread::Builder::new()
        .name("tvix-eval".into())
        .stack_size(tvix_eval::EVAL_STACK)
        .spawn(job)
        .context("cannot start the evaluation thread")?
        .join()
        .map_err(|_| anyhow::anyhow!("the evaluation thread panicked"))?;
    if let Some(out) = out {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(out.as_bytes())?;
        stdout.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    eprint!("{}", err.unwrap_or_default());
    Ok(ExitCode::from(1))
}

fn evaluate(
    ev: &mut Evaluator,
    args: &EvalArgs,
    name: &str,
    text: &str,
    base: &str,
    cwd: &str,
) -> EvalResult<String> {
    let mut v = ev.eval_source(name, text, base)?;
    v = auto_call(ev, v, args, cwd)?;
    for path in &args.attr {
        v = select_path(ev, v, path)?;
        v = auto_call(ev, v, args, cwd)?;
    }
    if args.strict || args.json || args.xml {
        v = ev.force_deep(&v)?;
    }
    if args.json {
        let mut sb = tvix_eval::value::StringBuilder::default();
        tvix_eval::builtins::value_to_json(ev, &v, tvix_eval::pos::Pos::NONE, &mut sb)?;
        let mut out = String::from_utf8_lossy(&sb.bytes).into_owned();
        out.push('\n');
        return Ok(out);
    }
    if args.xml {
        return Ok(print::xml::print_xml(&v));
    }
    Ok(format!("{}\n", print::print_value(&v)))
}

/// Calls a function taking a set with the `--arg`/`--argstr` values, as
/// `nix-instantiate` does.
fn auto_call(ev: &mut Evaluator, v: Value, args: &EvalArgs, cwd: &str) -> EvalResult<Value> {
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
fn select_path(ev: &mut Evaluator, mut v: Value, path: &str) -> EvalResult<Value> {
    for part in path.split('.').filter(|p| !p.is_empty()) {
        v = ev.force(&v)?;
        v = match (&v, part.parse::<usize>()) {
            (Value::List(l), Ok(i)) => l.get(i).cloned().ok_or_else(|| {
                EvalError::eval(
                    format!("list index {i} in selection path '{path}' is out of range"),
                    tvix_eval::pos::Pos::NONE,
                )
            })?,
            (Value::Attrs(a), _) => a.get(part).map(|x| x.value.clone()).ok_or_else(|| {
                EvalError::eval(
                    format!("attribute '{part}' in selection path '{path}' not found"),
                    tvix_eval::pos::Pos::NONE,
                )
            })?,
            (other, _) => {
                return Err(EvalError::eval(
                    format!(
                        "the expression selected by the selection path '{path}' should be a set but is {}",
                        other.type_of()
                    ),
                    tvix_eval::pos::Pos::NONE,
                ));
            }
        };
    }
    ev.force(&v)
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
