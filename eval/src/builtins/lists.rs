//! List builtins.

use std::cmp::Ordering;

use super::{ArgCtx, PrimOp, list_arg, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{Evaluator, frame};
use crate::pos::Pos;
use crate::print::show_value;
use crate::value::{Thunk, Value};

fn int_arg(ev: &mut Evaluator, args: &[Value], i: usize, name: &str) -> EvalResult<i64> {
    if let Ok(Value::Int(n)) = ev.force(&args[i]) {
        return Ok(n);
    }
    ev.force_int(&args[i], Pos::NONE, ArgCtx(i, name))
}

/// Where a function is defined, when it is a lambda.
pub(crate) fn lambda_pos(f: &Value) -> Pos {
    match f {
        Value::Lambda(c) => c.lambda.pos,
        _ => Pos::NONE,
    }
}

pub(crate) fn fn_arg(
    ev: &mut Evaluator,
    args: &[Value],
    i: usize,
    name: &str,
) -> EvalResult<Value> {
    if let Ok(f) = ev.force(&args[i])
        && f.is_function()
    {
        return Ok(f);
    }
    ev.force_function(&args[i], Pos::NONE, ArgCtx(i, name))
}

fn predicate(ev: &mut Evaluator, f: &Value, item: &Value, name: &str) -> EvalResult<bool> {
    let r = ev.call(f.clone(), item.clone(), Pos::NONE)?;
    if let Ok(Value::Bool(b)) = ev.force(&r) {
        return Ok(b.get());
    }
    ev.force_bool(
        &r,
        Pos::NONE,
        &format!(
            "while evaluating the return value of the {} function passed to builtins.{name}",
            if name == "partition" {
                "partition"
            } else {
                "filtering"
            }
        ),
    )
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("length", 1, |ev, args, _| {
        Ok(Value::Int(list_arg(ev, args, 0, "length")?.len() as i64))
    }),
    op("head", 1, |ev, args, pos| {
        let l = list_arg(ev, args, 0, "head")?;
        match l.first() {
            Some(v) => ev.force(v),
            None => Err(EvalError::eval(
                "'builtins.head' called on an empty list",
                pos,
            )),
        }
    }),
    op("tail", 1, |ev, args, pos| {
        let l = list_arg(ev, args, 0, "tail")?;
        if l.is_empty() {
            return Err(EvalError::eval(
                "'builtins.tail' called on an empty list",
                pos,
            ));
        }
        Ok(Value::list(l[1..].to_vec()))
    }),
    op("elemAt", 2, |ev, args, pos| {
        let l = list_arg(ev, args, 0, "elemAt")?;
        let i = int_arg(ev, args, 1, "elemAt")?;
        match usize::try_from(i).ok().and_then(|i| l.get(i)) {
            Some(v) => ev.force(v),
            None => Err(EvalError::eval(
                format!(
                    "'builtins.elemAt' called with index {i} on a list of size {}",
                    l.len()
                ),
                pos,
            )),
        }
    }),
    op("elem", 2, |ev, args, _| {
        let l = list_arg(ev, args, 1, "elem")?;
        if l.is_empty() {
            return Ok(Value::bool(false));
        }
        // The needle is forced once (the first comparison would force it
        // anyway); a scalar then meets each already-computed scalar
        // element without the general comparison.
        let needle = ev.force(&args[0])?;
        for item in l.iter() {
            let quick = crate::eval::with_forced(item, |x| crate::eval::scalars_equal(&needle, x));
            let equal = match quick.flatten() {
                Some(equal) => equal,
                None => ev.values_equal(&needle, item, true)?,
            };
            if equal {
                return Ok(Value::bool(true));
            }
        }
        Ok(Value::bool(false))
    }),
    op("map", 2, |ev, args, _| {
        let l = list_arg(ev, args, 1, "map")?;
        if l.is_empty() {
            return Ok(Value::List(l));
        }
        let f = fn_arg(ev, args, 0, "map")?;
        Ok(Value::list(
            l.iter()
                .map(|x| Value::Thunk(Thunk::apply(f.clone(), x.clone(), Pos::NONE)))
                .collect(),
        ))
    }),
    op("filter", 2, |ev, args, _| {
        let l = list_arg(ev, args, 1, "filter")?;
        let f = fn_arg(ev, args, 0, "filter")?;
        let mut out = Vec::new();
        for item in l.iter() {
            if predicate(ev, &f, item, "filter")? {
                out.push(item.clone());
            }
        }
        if out.len() == l.len() {
            return Ok(Value::List(l));
        }
        Ok(Value::list(out))
    }),
    op("foldl'", 3, |ev, args, _| {
        let f = fn_arg(ev, args, 0, "foldl'")?;
        let l = list_arg(ev, args, 2, "foldl'")?;
        let mut acc = args[1].clone();
        if l.is_empty() {
            return ev.force(&acc);
        }
        for item in l.iter() {
            acc = ev.call2(f.clone(), acc, item.clone(), Pos::NONE)?;
            acc = ev.force(&acc)?;
        }
        Ok(acc)
    }),
    op("genList", 2, |ev, args, pos| {
        let n = int_arg(ev, args, 1, "genList")?;
        if n < 0 {
            return Err(EvalError::eval(
                format!("cannot create list of size {n}"),
                pos,
            ));
        }
        let f = fn_arg(ev, args, 0, "genList")?;
        Ok(Value::list(
            (0..n)
                .map(|i| Value::Thunk(Thunk::apply(f.clone(), Value::Int(i), Pos::NONE)))
                .collect(),
        ))
    }),
    op("concatLists", 1, |ev, args, _| {
        let l = list_arg(ev, args, 0, "concatLists")?;
        let mut out = Vec::new();
        for item in l.iter() {
            let inner = ev.force_list(
                item,
                Pos::NONE,
                "while evaluating a value of the list passed to builtins.concatLists",
            )?;
            out.extend(inner.iter().cloned());
        }
        Ok(Value::list(out))
    }),
    op("concatMap", 2, |ev, args, _| {
        let f = fn_arg(ev, args, 0, "concatMap")?;
        let l = list_arg(ev, args, 1, "concatMap")?;
        let mut out = Vec::new();
        for item in l.iter() {
            let r = ev.call(f.clone(), item.clone(), Pos::NONE)?;
            // Traced at the function, as C++ Nix's `determinePos` does for
            // a returned value without a position of its own.
            let inner = ev.force_list(
                &r,
                lambda_pos(&f),
                "while evaluating the return value of the function passed to builtins.concatMap",
            )?;
            out.extend(inner.iter().cloned());
        }
        Ok(Value::list(out))
    }),
    op("all", 2, |ev, args, _| {
        let f = fn_arg(ev, args, 0, "all")?;
        let l = list_arg(ev, args, 1, "all")?;
        for item in l.iter() {
            let r = ev.call(f.clone(), item.clone(), Pos::NONE)?;
            if !ev.force_bool(
                &r,
                Pos::NONE,
                "while evaluating the return value of the function passed to builtins.all",
            )? {
                return Ok(Value::bool(false));
            }
        }
        Ok(Value::bool(true))
    }),
    op("any", 2, |ev, args, _| {
        let f = fn_arg(ev, args, 0, "any")?;
        let l = list_arg(ev, args, 1, "any")?;
        for item in l.iter() {
            let r = ev.call(f.clone(), item.clone(), Pos::NONE)?;
            if ev.force_bool(
                &r,
                Pos::NONE,
                "while evaluating the return value of the function passed to builtins.any",
            )? {
                return Ok(Value::bool(true));
            }
        }
        Ok(Value::bool(false))
    }),
    op("partition", 2, |ev, args, _| {
        let f = fn_arg(ev, args, 0, "partition")?;
        let l = list_arg(ev, args, 1, "partition")?;
        let (mut right, mut wrong) = (Vec::new(), Vec::new());
        for item in l.iter() {
            if predicate(ev, &f, item, "partition")? {
                right.push(item.clone());
            } else {
                wrong.push(item.clone());
            }
        }
        Ok(super::attrs::right_wrong(right, wrong))
    }),
    op("sort", 2, |ev, args, _| {
        let l = list_arg(ev, args, 1, "sort")?;
        if l.is_empty() {
            return Ok(Value::List(l));
        }
        let f = fn_arg(ev, args, 0, "sort")?;
        for item in l.iter() {
            ev.force(item)?;
        }
        // A stable merge sort with a fallible comparator.
        let mut items: Vec<Value> = l.iter().cloned().collect();
        let mut err = None;
        merge_sort(&mut items, &mut |a, b| {
            if err.is_some() {
                return false;
            }
            let r = ev
                .call2(f.clone(), a.clone(), b.clone(), Pos::NONE)
                .and_then(|r| {
                    ev.force_bool(
                        &r,
                        Pos::NONE,
                        "while evaluating the return value of the sorting function passed to builtins.sort",
                    )
                });
            match r {
                Ok(b) => b,
                Err(e) => {
                    err = Some(e);
                    false
                }
            }
        });
        match err {
            Some(e) => Err(e),
            None => Ok(Value::list(items)),
        }
    }),
    op("genericClosure", 1, |ev, args, pos| {
        let a = ev.force_attrs(&args[0], Pos::NONE, ArgCtx(0, "genericClosure"))?;
        let get = |name: &str| {
            a.get(name)
                .map(|x| x.value.clone())
                .ok_or_else(|| EvalError::eval(format!("attribute '{name}' missing"), pos))
        };
        let start = get("startSet").map_err(frame(
            "in the attrset passed as argument to builtins.genericClosure",
            Pos::NONE,
        ))?;
        let operator = get("operator").map_err(frame(
            "in the attrset passed as argument to builtins.genericClosure",
            Pos::NONE,
        ))?;
        let start = ev.force_list(
            &start,
            Pos::NONE,
            "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure",
        )?;
        let operator = ev.force_function(
            &operator,
            Pos::NONE,
            "while evaluating the 'operator' attribute passed as argument to builtins.genericClosure",
        )?;
        let mut queue: std::collections::VecDeque<Value> = start.iter().cloned().collect();
        let mut seen: Vec<(Value, Value)> = Vec::new();
        let mut out = Vec::new();
        while let Some(item) = queue.pop_front() {
            let in_element = |ev: &Evaluator, item: &Value| {
                let shown = ev.show(item);
                move |e| frame(format!("in genericClosure element {shown}"), Pos::NONE)(e)
            };
            let e = match ev.force_attrs(&item, Pos::NONE, "") {
                Ok(e) => e,
                Err(err) => {
                    let item = ev.force(&item).unwrap_or(item.clone());
                    return Err(in_element(ev, &item)(err));
                }
            };
            let Some(key) = e.get("key") else {
                let err = EvalError::eval("attribute 'key' missing", pos);
                return Err(in_element(ev, &Value::Attrs(e.clone()))(err));
            };
            let key = ev.force(&key.value.clone())?;
            // `seen` is sorted by key: a binary search keeps the whole
            // closure at O(n log n) comparisons, as C++ Nix's set does.
            let (mut lo, mut hi) = (0, seen.len());
            let mut dup = false;
            while lo < hi {
                let mid = (lo + hi) / 2;
                let (other_key, other) = &seen[mid];
                match ev.compare_values(&key, other_key, Pos::NONE) {
                    Ok(Ordering::Equal) => {
                        dup = true;
                        break;
                    }
                    Ok(Ordering::Less) => hi = mid,
                    Ok(Ordering::Greater) => lo = mid + 1,
                    Err(err) => {
                        let this = ev.show(&Value::Attrs(e.clone()));
                        let that = ev.show(other);
                        let err = frame(format!("with element {that}"), Pos::NONE)(err);
                        return Err(frame(format!("while comparing element {this}"), Pos::NONE)(
                            err,
                        ));
                    }
                }
            }
            if dup {
                continue;
            }
            seen.insert(lo, (key, Value::Attrs(e.clone())));
            out.push(Value::Attrs(e.clone()));
            let shown = ev.show(&Value::Attrs(e.clone()));
            let next = ev
                .call(operator.clone(), Value::Attrs(e), Pos::NONE)
                .and_then(|next| {
                    ev.force_list(
                        &next,
                        Pos::NONE,
                        "while evaluating the return value of the `operator` passed to builtins.genericClosure",
                    )
                })
                .map_err(|err| {
                    frame(format!("while calling operator on genericClosure element {shown}"), Pos::NONE)(err)
                })?;
            queue.extend(next.iter().cloned());
        }
        Ok(Value::list(out))
    }),
];

/// Stable merge sort; `less(a, b)` says whether `a` must come before `b`.
fn merge_sort(items: &mut Vec<Value>, less: &mut dyn FnMut(&Value, &Value) -> bool) {
    if items.len() <= 1 {
        return;
    }
    let mut right = items.split_off(items.len() / 2);
    merge_sort(items, less);
    merge_sort(&mut right, less);
    let left = std::mem::take(items);
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if less(&right[j], &left[i]) {
            items.push(right[j].clone());
            j += 1;
        } else {
            items.push(left[i].clone());
            i += 1;
        }
    }
    items.extend_from_slice(&left[i..]);
    items.extend_from_slice(&right[j..]);
}

/// Used by error messages elsewhere.
#[allow(dead_code)]
fn describe(v: &Value) -> String {
    show_value(v)
}
