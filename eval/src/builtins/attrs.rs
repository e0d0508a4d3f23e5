//! Attribute-set builtins.

use std::rc::Rc;

use super::lists::fn_arg;
use super::{ArgCtx, PrimOp, list_arg, make_attrs, op};
use crate::error::{EvalError, EvalResult};
use crate::eval::{Evaluator, frame};
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, Symbol, Thunk, Value};

fn attrs_arg(ev: &mut Evaluator, args: &[Value], i: usize, name: &str) -> EvalResult<Rc<AttrSet>> {
    // The error context is formatted only when there is an error (forcing
    // again repeats the same error: a failed thunk keeps its error).
    if let Ok(Value::Attrs(a)) = ev.force(&args[i]) {
        return Ok(a);
    }
    ev.force_attrs(&args[i], Pos::NONE, ArgCtx(i, name))
}

fn string_arg(
    ev: &mut Evaluator,
    args: &[Value],
    i: usize,
    name: &str,
    _pos: Pos,
) -> EvalResult<String> {
    if let Ok(Value::String(s)) = ev.force(&args[i])
        && s.context().is_empty()
    {
        return Ok(s.to_str_lossy().into_owned());
    }
    Ok(ev
        .force_string_no_ctx(&args[i], Pos::NONE, ArgCtx(i, name))?
        .to_str_lossy()
        .into_owned())
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    op("attrNames", 1, |ev, args, _| {
        let a = attrs_arg(ev, args, 0, "attrNames")?;
        Ok(Value::list(
            a.iter().map(|x| Value::str(x.name.as_str())).collect(),
        ))
    }),
    op("attrValues", 1, |ev, args, _| {
        let a = attrs_arg(ev, args, 0, "attrValues")?;
        Ok(Value::list(a.iter().map(|x| x.value.clone()).collect()))
    }),
    op("getAttr", 2, |ev, args, pos| {
        let name = string_arg(ev, args, 0, "getAttr", pos)?;
        let a = attrs_arg(ev, args, 1, "getAttr")?;
        match a.get(&name) {
            Some(attr) => ev.force(&attr.value.clone()),
            None => Err(EvalError::eval(format!("attribute '{name}' missing"), pos))
                .map_err(frame("in the attribute set under consideration", Pos::NONE)),
        }
    }),
    op("hasAttr", 2, |ev, args, pos| {
        let name = string_arg(ev, args, 0, "hasAttr", pos)?;
        let a = attrs_arg(ev, args, 1, "hasAttr")?;
        Ok(Value::bool(a.get(&name).is_some()))
    }),
    op("removeAttrs", 2, |ev, args, _pos| {
        let a = attrs_arg(ev, args, 0, "removeAttrs")?;
        let names = list_arg(ev, args, 1, "removeAttrs")?;
        let mut remove = Vec::new();
        for n in names.iter() {
            let s = ev.force_string_no_ctx(
                n,
                Pos::NONE,
                "while evaluating the values of the second argument passed to builtins.removeAttrs",
            )?;
            remove.push(s.to_str_lossy().into_owned());
        }
        // Sorted once, so each attribute is one binary search: the list
        // can be as long as the set (thousands of names).
        remove.sort_unstable();
        remove.dedup();
        let kept = a
            .iter()
            .filter(|x| {
                remove
                    .binary_search_by(|r| r.as_str().cmp(x.name.as_str()))
                    .is_err()
            })
            .cloned()
            .collect();
        Ok(Value::Attrs(Rc::new(AttrSet::from_sorted(kept))))
    }),
    op("listToAttrs", 1, |ev, args, pos| {
        let list = list_arg(ev, args, 0, "listToAttrs")?;
        let mut entries: Vec<Attr> = Vec::with_capacity(list.len());
        for item in list.iter() {
            let pair = ev.force_attrs(
                item,
                Pos::NONE,
                "while evaluating an element of the list passed to builtins.listToAttrs",
            )?;
            let Some(name) = pair.get("name") else {
                return Err(EvalError::eval("attribute 'name' missing", pos))
                    .map_err(frame("in a {name=...; value=...;} pair", Pos::NONE));
            };
            let name = ev.force_string_no_ctx(&name.value.clone(), name.pos,
                "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs",
            )?;
            let Some(value) = pair.get("value") else {
                return Err(EvalError::eval("attribute 'value' missing", pos))
                    .map_err(frame("in a {name=...; value=...;} pair", Pos::NONE));
            };
            entries.push(Attr {
                name: Symbol::new(&name.to_str_lossy()),
                value: value.value.clone(),
                pos: value.pos,
            });
        }
        // The first definition of a name wins; a stable sort keeps it first.
        Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(entries))))
    }),
    op("intersectAttrs", 2, |ev, args, _| {
        let a = attrs_arg(ev, args, 0, "intersectAttrs")?;
        let b = attrs_arg(ev, args, 1, "intersectAttrs")?;
        // Walk the smaller set and look names up in the larger one (as C++
        // Nix does): `intersectAttrs (functionArgs f) pkgs` stays linear in
        // the small side. The kept attributes are always `b`'s.
        let kept = if a.len() < b.len() {
            a.iter()
                .filter_map(|x| b.get(x.name.as_str()).cloned())
                .collect()
        } else {
            b.iter()
                .filter(|x| a.get(x.name.as_str()).is_some())
                .cloned()
                .collect()
        };
        Ok(Value::Attrs(Rc::new(AttrSet::from_sorted(kept))))
    }),
    op("catAttrs", 2, |ev, args, pos| {
        let name = string_arg(ev, args, 0, "catAttrs", pos)?;
        let list = list_arg(ev, args, 1, "catAttrs")?;
        let mut out = Vec::new();
        for item in list.iter() {
            let a = ev.force_attrs(
                item,
                Pos::NONE,
                "while evaluating an element in the list passed as second argument to builtins.catAttrs",
            )?;
            if let Some(x) = a.get(&name) {
                out.push(x.value.clone());
            }
        }
        Ok(Value::list(out))
    }),
    op("mapAttrs", 2, |ev, args, _| {
        let a = attrs_arg(ev, args, 1, "mapAttrs")?;
        let f = args[0].clone();
        let out = a
            .iter()
            .map(|x| {
                let partial = Value::Thunk(Thunk::apply(
                    f.clone(),
                    Value::str(x.name.as_str()),
                    Pos::NONE,
                ));
                // No position, as C++ Nix's: `unsafeGetAttrPos` gives null
                // and traces through the value name no source line.
                Attr {
                    name: x.name.clone(),
                    value: Value::Thunk(Thunk::apply(partial, x.value.clone(), Pos::NONE)),
                    pos: Pos::NONE,
                }
            })
            .collect();
        Ok(Value::Attrs(Rc::new(AttrSet::from_sorted(out))))
    }),
    op("zipAttrsWith", 2, |ev, args, _| {
        // The applications are traced at the function, as C++ Nix's
        // `determinePos` places an application thunk.
        let at = super::lists::lambda_pos(&fn_arg(ev, args, 0, "zipAttrsWith")?);
        let list = list_arg(ev, args, 1, "zipAttrsWith")?;
        let mut acc: Vec<(Symbol, Vec<Value>)> = Vec::new();
        for item in list.iter() {
            let a = ev.force_attrs(
                item,
                Pos::NONE,
                "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith",
            )?;
            for x in a.iter() {
                match acc.binary_search_by(|(n, _)| n.cmp(&x.name)) {
                    Ok(i) => acc[i].1.push(x.value.clone()),
                    Err(i) => acc.insert(i, (x.name.clone(), vec![x.value.clone()])),
                }
            }
        }
        let f = args[0].clone();
        let out = acc
            .into_iter()
            .map(|(name, values)| {
                let partial = Value::Thunk(Thunk::apply(
                    f.clone(),
                    Value::str(name.as_str()),
                    Pos::NONE,
                ));
                Attr {
                    name,
                    value: Value::Thunk(Thunk::apply(partial, Value::list(values), at)),
                    pos: Pos::NONE,
                }
            })
            .collect();
        Ok(Value::Attrs(Rc::new(AttrSet::from_sorted(out))))
    }),
    op("functionArgs", 1, |ev, args, pos| {
        let f = ev.force(&args[0])?;
        match &f {
            Value::Lambda(c) => {
                let pairs = c
                    .lambda
                    .formals
                    .iter()
                    .flat_map(|fs| fs.entries.iter())
                    .map(|e| Attr {
                        name: e.name.clone(),
                        value: Value::bool(e.default.is_some()),
                        pos: e.pos,
                    })
                    .collect();
                Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(pairs))))
            }
            Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(Value::empty_attrs()),
            _ => Err(EvalError::eval("'functionArgs' requires a function", pos)),
        }
    }),
    op("unsafeGetAttrPos", 2, |ev, args, pos| {
        let name = string_arg(ev, args, 0, "unsafeGetAttrPos", pos)?;
        let a = attrs_arg(ev, args, 1, "unsafeGetAttrPos")?;
        Ok(match a.get(&name) {
            Some(x) if x.pos.is_some() => ev.pos_attrs(x.pos),
            _ => Value::Null,
        })
    }),
    op("groupBy", 2, |ev, args, _pos| {
        let f = ev.force_function(&args[0], Pos::NONE, ArgCtx(0, "groupBy"))?;
        let list = list_arg(ev, args, 1, "groupBy")?;
        let mut groups: Vec<(Symbol, Vec<Value>)> = Vec::new();
        for item in list.iter() {
            let key = ev.call(f.clone(), item.clone(), Pos::NONE)?;
            let key = ev.force_string_no_ctx(&key, Pos::NONE,
                "while evaluating the return value of the grouping function passed to builtins.groupBy",
            )?;
            let key = Symbol::new(&key.to_str_lossy());
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(item.clone()),
                None => groups.push((key, vec![item.clone()])),
            }
        }
        Ok(Value::Attrs(Rc::new(AttrSet::from_unsorted(
            groups
                .into_iter()
                .map(|(name, items)| Attr {
                    name,
                    value: Value::list(items),
                    pos: Pos::NONE,
                })
                .collect(),
        ))))
    }),
];

/// `{ right = …; wrong = …; }` for `partition`.
pub(crate) fn right_wrong(right: Vec<Value>, wrong: Vec<Value>) -> Value {
    make_attrs(vec![
        ("right", Value::list(right)),
        ("wrong", Value::list(wrong)),
    ])
}
