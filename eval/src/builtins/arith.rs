//! Arithmetic, bit operations and comparison.

use std::cmp::Ordering;

use super::{ArgCtx, PrimOp, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::Evaluator;
use crate::pos::Pos;
use crate::value::Value;

fn numbers(ev: &mut Evaluator, args: &[Value], _name: &str) -> EvalResult<(Value, Value)> {
    Ok((ev.force(&args[0])?, ev.force(&args[1])?))
}

#[allow(clippy::too_many_arguments)]
fn arith(
    ev: &mut Evaluator,
    args: &[Value],
    pos: Pos,
    name: &str,
    verb: &str,
    sym: &str,
    int: fn(i64, i64) -> Option<i64>,
    float: fn(f64, f64) -> f64,
) -> EvalResult<Value> {
    let (a, b) = numbers(ev, args, name)?;
    match (&a, &b) {
        // The common case, without building any error context.
        (Value::Int(x), Value::Int(y)) => int(*x, *y).map(Value::Int).ok_or_else(|| {
            EvalError::eval(format!("integer overflow in {verb} {x} {sym} {y}"), pos)
        }),
        (Value::Float(_), _) | (_, Value::Float(_)) => {
            let x = ev.force_float(&a, Pos::NONE, ArgCtx(0, name))?;
            let y = ev.force_float(&b, Pos::NONE, ArgCtx(1, name))?;
            Ok(Value::float(float(x, y)))
        }
        _ => {
            let x = ev.force_int(&a, Pos::NONE, ArgCtx(0, name))?;
            let y = ev.force_int(&b, Pos::NONE, ArgCtx(1, name))?;
            int(x, y).map(Value::Int).ok_or_else(|| {
                EvalError::eval(format!("integer overflow in {verb} {x} {sym} {y}"), pos)
            })
        }
    }
}

fn int_args(ev: &mut Evaluator, args: &[Value], _pos: Pos, name: &str) -> EvalResult<(i64, i64)> {
    Ok((
        ev.force_int(&args[0], Pos::NONE, ArgCtx(0, name))?,
        ev.force_int(&args[1], Pos::NONE, ArgCtx(1, name))?,
    ))
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("add", 2, |ev, a, p| {
        arith(ev, a, p, "add", "adding", "+", i64::checked_add, |x, y| {
            x + y
        })
    }),
    op("sub", 2, |ev, a, p| {
        arith(
            ev,
            a,
            p,
            "sub",
            "subtracting",
            "-",
            i64::checked_sub,
            |x, y| x - y,
        )
    }),
    op("mul", 2, |ev, a, p| {
        arith(
            ev,
            a,
            p,
            "mul",
            "multiplying",
            "*",
            i64::checked_mul,
            |x, y| x * y,
        )
    }),
    op("div", 2, |ev, args, pos| {
        let (a, b) = numbers(ev, args, "div")?;
        // The common case, without building any error context.
        if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
            if *y == 0 {
                return Err(EvalError::eval("division by zero", pos));
            }
            return x.checked_div(*y).map(Value::Int).ok_or_else(|| {
                EvalError::eval(format!("integer overflow in dividing {x} / {y}"), pos)
            });
        }
        let divisor = ev.force_float(&b, Pos::NONE, ArgCtx(1, "div"))?;
        if divisor == 0.0 {
            return Err(EvalError::eval("division by zero", pos));
        }
        if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) {
            let x = ev.force_float(&a, Pos::NONE, ArgCtx(0, "div"))?;
            return Ok(Value::float(x / divisor));
        }
        let x = ev.force_int(&a, Pos::NONE, ArgCtx(0, "div"))?;
        let y = ev.force_int(&b, Pos::NONE, ArgCtx(1, "div"))?;
        x.checked_div(y)
            .map(Value::Int)
            .ok_or_else(|| EvalError::eval(format!("integer overflow in dividing {x} / {y}"), pos))
    }),
    op("bitAnd", 2, |ev, a, p| {
        int_args(ev, a, p, "bitAnd").map(|(x, y)| Value::Int(x & y))
    }),
    op("bitOr", 2, |ev, a, p| {
        int_args(ev, a, p, "bitOr").map(|(x, y)| Value::Int(x | y))
    }),
    op("bitXor", 2, |ev, a, p| {
        int_args(ev, a, p, "bitXor").map(|(x, y)| Value::Int(x ^ y))
    }),
    op("ceil", 1, |ev, a, p| rounding(ev, a, p, "ceil", f64::ceil)),
    op("floor", 1, |ev, a, p| {
        rounding(ev, a, p, "floor", f64::floor)
    }),
    op("lessThan", 2, |ev, args, pos| {
        let (a, b) = (ev.force(&args[0])?, ev.force(&args[1])?);
        Ok(Value::bool(
            ev.compare_values(&a, &b, pos)? == Ordering::Less,
        ))
    }),
];

fn rounding(
    ev: &mut Evaluator,
    args: &[Value],
    pos: Pos,
    name: &str,
    f: fn(f64) -> f64,
) -> EvalResult<Value> {
    let v = ev.force(&args[0])?;
    if let Value::Int(i) = v {
        return Ok(Value::Int(i));
    }
    let x = ev.force_float(&v, Pos::NONE, ArgCtx(0, name))?;
    let r = f(x);
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
        Ok(Value::Int(r as i64))
    } else {
        Err(EvalError::eval(
            format!(
                "Float {} cannot be represented as an integer",
                tvix_syntax::exact::format_float(x)
            ),
            pos,
        ))
    }
}
