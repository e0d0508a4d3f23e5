//! `tvix eval`: evaluate like `nix-instantiate --eval`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use tvix_eval::{EvalResult, Evaluator, StdIO, print};

use super::eval_input::{
    EvalInputArgs, Prepared, auto_call, on_eval_thread_then_exit, report_error, select_path,
};

/// Arguments of `tvix eval`, mirroring `nix-instantiate --eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    input: EvalInputArgs,

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

    /// Accepted for compatibility with `nix-instantiate --eval`.
    #[arg(long)]
    eval: bool,
}

/// Runs `tvix eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let input = args.input.prepare(&cwd)?;
    let job = move || -> anyhow::Result<u8> {
        // Never dropped (below): no cycles to break at the end.
        let settings = tvix_eval::Settings {
            break_cycles_on_drop: false,
            ..input.settings.clone()
        };
        let mut ev = Evaluator::new(Box::new(StdIO), settings);
        let result = evaluate(&mut ev, &args, &input);
        let code = match result {
            Ok(out) => {
                let mut stdout = std::io::stdout().lock();
                match out {
                    Output::Text(text) => stdout.write_all(text.as_bytes())?,
                    Output::Value(v) => {
                        print::write_value(&v, &mut stdout)?;
                        stdout.write_all(b"\n")?;
                    }
                }
                stdout.flush()?;
                0
            }
            Err(e) => {
                report_error(&e.render_bytes(&ev.sources, input.show_trace))?;
                1
            }
        };
        // The process ends right after: freeing every value the
        // evaluation made would only cost time (C++ Nix never frees them).
        std::mem::forget(ev);
        Ok(code)
    };
    on_eval_thread_then_exit(job)
}

/// What `tvix eval` prints.
enum Output {
    /// JSON or XML, already made.
    Text(String),
    /// A value, printed as it is written out.
    Value(tvix_eval::value::Value),
}

fn evaluate(ev: &mut Evaluator, args: &EvalArgs, input: &Prepared) -> EvalResult<Output> {
    let cwd = &input.cwd;
    let mut v = input.eval_source(ev)?;
    v = auto_call(ev, v, &args.input, cwd)?;
    for path in &args.input.attr {
        v = select_path(ev, v, path)?;
        v = auto_call(ev, v, &args.input, cwd)?;
    }
    if args.strict || args.json || args.xml {
        v = ev.force_deep(&v)?;
    }
    if args.json {
        let mut sb = tvix_eval::value::StringBuilder::default();
        tvix_eval::builtins::value_to_json(ev, &v, tvix_eval::pos::Pos::NONE, &mut sb)?;
        let mut out = String::from_utf8_lossy(&sb.bytes).into_owned();
        out.push('\n');
        return Ok(Output::Text(out));
    }
    if args.xml {
        return Ok(Output::Text(print::xml::print_xml(&v)?.0));
    }
    Ok(Output::Value(v))
}
