//! Control flow and debugging: errors, `tryEval`, `seq`, tracing, import.

use super::{ArgCtx, PrimOp, make_attrs, op};
use crate::error::{ErrorKind, EvalError, EvalResult, Frame};
use crate::eval::{CoerceMode, Evaluator};
use crate::pos::Pos;
use crate::value::Value;

fn message(ev: &mut Evaluator, v: &Value, pos: Pos, name: &str) -> EvalResult<String> {
    let v = ev.force(v)?;
    let s = ev.coerce_to_string_ctx(
        &v,
        pos,
        CoerceMode::Plain,
        &format!("while evaluating the error message passed to builtins.{name}"),
    )?;
    Ok(s.to_str_lossy().into_owned())
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("throw", 1, |ev, args, _| {
        let msg = message(ev, &args[0], Pos::NONE, "throw")?;
        Err(EvalError::new(ErrorKind::Thrown, msg, Pos::NONE))
    }),
    op("abort", 1, |ev, args, _| {
        let msg = message(ev, &args[0], Pos::NONE, "abort")?;
        Err(EvalError::new(
            ErrorKind::Abort,
            format!("evaluation aborted with the following error message: '{msg}'"),
            Pos::NONE,
        ))
    }),
    op("tryEval", 1, |ev, args, _| {
        ev.try_depth += 1;
        let mark = ev.unsettled_failures.len();
        let r = ev.force(&args[0]);
        ev.try_depth -= 1;
        match &r {
            Err(e) if e.kind.is_catchable() => ev.settle_memoised_errors(mark, e),
            // Failures inside were caught further in, or are still on
            // their way out.
            Ok(_) => ev.unsettled_failures.truncate(mark),
            Err(_) => {}
        }
        match r {
            Ok(v) => Ok(make_attrs(vec![
                ("success", Value::bool(true)),
                ("value", v),
            ])),
            Err(e) if e.kind.is_catchable() => Ok(make_attrs(vec![
                ("success", Value::bool(false)),
                ("value", Value::bool(false)),
            ])),
            Err(e) => Err(e),
        }
    }),
    op("seq", 2, |ev, args, _| {
        ev.force(&args[0])?;
        ev.force(&args[1])
    }),
    op("deepSeq", 2, |ev, args, _| {
        ev.force_deep(&args[0])?;
        ev.force(&args[1])
    }),
    op("trace", 2, |ev, args, _| {
        let v = ev.force(&args[0])?;
        let shown = match &v {
            Value::String(s) => s.to_str_lossy().into_owned(),
            other => ev.show(other),
        };
        ev.diagnostic(&format!("trace: {shown}"));
        ev.force(&args[1])
    }),
    op("traceVerbose", 2, |ev, args, _| ev.force(&args[1])),
    op("warn", 2, |ev, args, _pos| {
        let msg = ev.force_string(&args[0], Pos::NONE, ArgCtx(0, "warn"))?;
        let msg = msg.to_str_lossy();
        let text = if msg.contains('\n') && !msg.starts_with('\n') {
            msg.replace('\n', "\n                    ")
        } else {
            msg.into_owned()
        };
        let sep = if text.starts_with('\n') { "" } else { " " };
        ev.diagnostic(&format!("evaluation warning:{sep}{text}"));
        ev.force(&args[1])
    }),
    op("break", 1, |ev, args, pos| {
        // Identity; with an observer attached, a breakpoint first.
        if ev.observer.is_some() {
            ev.observe_break(&args[0], pos)?;
        }
        ev.force(&args[0])
    }),
    op("addErrorContext", 2, |ev, args, _| {
        match ev.force(&args[1]) {
            Ok(v) => Ok(v),
            Err(mut e) => {
                if let Ok(ctx) = ev.force(&args[0])
                    && let Value::String(s) = ctx
                {
                    e.frames.push_with(
                        Frame {
                            message: s.to_str_lossy().into_owned(),
                            pos: Pos::NONE,
                        },
                        crate::error::FramePrint::Always,
                    );
                }
                Err(e)
            }
        }
    }),
    op("scopedImport", 2, |ev, args, pos| {
        let scope = ev.force_attrs(&args[0], Pos::NONE, ArgCtx(0, "scopedImport"))?;
        let path = ev.coerce_to_path(&args[1], Pos::NONE, ArgCtx(1, "scopedImport"))?;
        ev.import_scoped(&path, Some(scope), pos)
    }),
    op("import", 1, |ev, args, pos| {
        let path = ev.coerce_to_path(
            &args[0],
            pos,
            "while evaluating the first argument passed to builtins.import",
        )?;
        ev.import_file(&path, pos)
    }),
];
