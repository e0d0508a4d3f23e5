//! `tvix repl`: interactive evaluation like `nix repl`.
//!
//! One [`Evaluator`] lives for the whole session, so bindings made with
//! `NAME = EXPR` or `:l FILE` stay (lazy, shared) between lines. On a
//! terminal lines are read with `rustyline` and kept in a history file;
//! otherwise standard input is read line by line without prompts, so the
//! REPL can be scripted.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use tvix_eval::{EvalError, EvalResult, Evaluator, Settings, StdIO, print, value::Value};

/// Arguments of `tvix repl`.
#[derive(Debug, Args)]
pub struct ReplArgs {
    /// Add a search path entry (`DIR` or `PREFIX=DIR`) before `NIX_PATH`.
    #[arg(short = 'I', value_name = "PATH")]
    include: Vec<String>,

    /// Leave the "while evaluating …" trace out of errors.
    #[arg(long)]
    no_show_trace: bool,
}

const HELP: &str = "\
The following commands are available:

  <expr>        Evaluate and print expression
  <x> = <expr>  Bind expression to variable
  :? :help      Show this help
  :l <path>     Load Nix expression and add it to scope
  :p <expr>     Evaluate and print expression recursively
  :q :quit      Exit the REPL
  :t <expr>     Describe result of evaluation
";

/// Runs `tvix repl`.
pub fn run(args: ReplArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let search_path = tvix_eval::search_path::from_env(args.include.iter().map(String::as_str));
    let settings = Settings {
        search_path,
        home: std::env::var("HOME").ok(),
        ..Settings::default()
    };
    let show_trace = !args.no_show_trace;
    let job = move || -> anyhow::Result<()> {
        let mut repl = Repl {
            ev: Evaluator::new(Box::new(StdIO), settings),
            bindings: Vec::new(),
            cwd: cwd.display().to_string(),
            show_trace,
        };
        if std::io::stdin().is_terminal() {
            interactive(&mut repl)
        } else {
            for line in std::io::stdin().lock().lines() {
                if repl.line(&line?) == Flow::Quit {
                    break;
                }
            }
            Ok(())
        }
    };
    std::thread::Builder::new()
        .name("tvix-repl".into())
        .stack_size(tvix_eval::EVAL_STACK)
        .spawn(job)
        .context("cannot start the evaluation thread")?
        .join()
        .map_err(|_| anyhow::anyhow!("the evaluation thread panicked"))??;
    Ok(ExitCode::SUCCESS)
}

/// Reads lines with `rustyline`, keeping a history file.
fn interactive(repl: &mut Repl) -> anyhow::Result<()> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()?;
    let history = history_file();
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.load_history(h);
    }
    println!("Welcome to tvix repl. Type :? for help.\n");
    loop {
        match editor.readline("tvix-repl> ") {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                let flow = repl.line(&line);
                if let Some(h) = &history {
                    let _ = editor.save_history(h);
                }
                if flow == Flow::Quit {
                    break;
                }
                println!();
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// `$XDG_DATA_HOME/tvix/repl-history`, or under `~/.local/share`.
fn history_file() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("tvix").join("repl-history"))
}

/// Whether to go on reading lines.
#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// The session: the evaluator and the names bound so far.
struct Repl {
    ev: Evaluator,
    /// Bindings in the order made; a name bound again replaces its entry.
    bindings: Vec<(String, Value)>,
    cwd: String,
    show_trace: bool,
}

impl Repl {
    /// Handles one line, printing its result or error.
    fn line(&mut self, line: &str) -> Flow {
        let line = line.trim();
        if line.is_empty() {
            return Flow::Continue;
        }
        let result = if let Some(rest) = line.strip_prefix(':') {
            let (cmd, arg) = rest
                .split_once(char::is_whitespace)
                .map_or((rest, ""), |(c, a)| (c, a.trim()));
            match cmd {
                "q" | "quit" => return Flow::Quit,
                "?" | "help" => Ok(HELP.trim_end().to_owned()),
                "p" | "print" => self
                    .eval(arg)
                    .and_then(|v| self.ev.force_deep(&v))
                    .map(|v| print::print_value(&v)),
                "t" | "type" => self.eval(arg).map(|v| v.show_type().to_owned()),
                "l" | "load" => self.load(arg),
                _ => Err(EvalError::eval(
                    format!("unknown command ':{cmd}'"),
                    tvix_eval::pos::Pos::NONE,
                )),
            }
        } else if let Some((name, expr)) = split_binding(line) {
            self.ev
                .thunk_with_bindings("«string»", expr, &self.cwd, &refs(&self.bindings))
                .map(|v| {
                    self.bind(name.to_owned(), v);
                    String::new()
                })
        } else {
            self.eval(line).map(|v| print::print_value(&v))
        };
        match result {
            Ok(out) if out.is_empty() => {}
            Ok(out) => println!("{out}"),
            Err(e) => {
                let _ = std::io::stdout().flush();
                eprint!("{}", e.render(&self.ev.sources, self.show_trace));
            }
        }
        let _ = std::io::stdout().flush();
        Flow::Continue
    }

    /// Binds `name`, replacing an earlier binding of it.
    fn bind(&mut self, name: String, value: Value) {
        self.bindings.retain(|(n, _)| *n != name);
        self.bindings.push((name, value));
    }

    /// Evaluates `text` to weak head normal form with the bindings in scope.
    fn eval(&mut self, text: &str) -> EvalResult<Value> {
        let bindings = refs(&self.bindings);
        self.ev
            .eval_with_bindings("«string»", text, &self.cwd, &bindings)
    }

    /// `:l FILE`: imports FILE, which must be a set, and binds its attributes.
    fn load(&mut self, file: &str) -> EvalResult<String> {
        let path = Path::new(&self.cwd).join(file);
        let quoted = print::quote(&tvix_eval::value::NixString::from(
            path.display().to_string().as_str(),
        ));
        let v = self.eval(&format!("import (/. + {quoted})"))?;
        let Value::Attrs(set) = self.ev.force(&v)? else {
            return Err(EvalError::eval(
                format!(
                    "file '{}' evaluates to {}, not a set",
                    path.display(),
                    self.ev.force(&v)?.show_type()
                ),
                tvix_eval::pos::Pos::NONE,
            ));
        };
        for attr in set.iter() {
            self.bind(attr.name.as_str().to_owned(), attr.value.clone());
        }
        Ok(format!("Added {} variables.", set.len()))
    }
}

/// The bindings as the evaluator takes them.
fn refs(bindings: &[(String, Value)]) -> Vec<(&str, Value)> {
    bindings
        .iter()
        .map(|(n, v)| (n.as_str(), v.clone()))
        .collect()
}

/// `NAME = EXPR` (but not `a == b`): the name and the expression.
fn split_binding(line: &str) -> Option<(&str, &str)> {
    let (name, expr) = line.split_once('=')?;
    let name = name.trim();
    if expr.starts_with('=') || name.is_empty() {
        return None;
    }
    let mut chars = name.chars();
    let first = chars.next()?;
    let ident = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'));
    (ident
        && !matches!(
            name,
            "let" | "in" | "if" | "then" | "else" | "with" | "rec" | "assert" | "inherit"
        ))
    .then_some((name, expr.trim()))
}
