//! The builtins, one module per family, and the global frame.
//!
//! Every name of [`tvix_syntax::globals::BUILTIN_NAMES`] exists: the ones
//! without an implementation are stubs that fail with
//! `not implemented: builtins.X` when called ([`unimplemented_builtins`]).

mod arith;
mod attrs;
mod context;
mod control;
mod derivation;
pub(crate) mod derivation_wrapper;
mod fetch;
mod flake;
mod hash;
mod io;
mod json;
mod lists;
mod output_of;
mod paths;
pub(crate) mod regex;
mod strings;
mod toml;
mod types;

use std::rc::Rc;
use std::sync::LazyLock;

use tvix_syntax::globals::{BUILTIN_NAMES, UNPREFIXED_GLOBALS};

pub(crate) use context::display_first_context;
pub use json::value_to_json;

use crate::error::{EvalError, EvalResult};
use crate::eval::Evaluator;
use crate::pos::Pos;
use crate::value::{Attr, AttrSet, Env, Symbol, Thunk, Value};

/// The signature of a builtin: the evaluator, exactly `arity` arguments
/// (unforced), and the call site.
pub type PrimOpFn = fn(&mut Evaluator, &[Value], Pos) -> EvalResult<Value>;

/// A builtin function.
pub struct PrimOp {
    /// Its name in `builtins`.
    pub name: &'static str,
    /// How many arguments it takes before running.
    pub arity: usize,
    /// The implementation; `None` for builtins not implemented yet.
    pub func: Option<PrimOpFn>,
}

impl PrimOp {
    /// Runs the builtin.
    pub(crate) fn run(&self, ev: &mut Evaluator, args: &[Value], pos: Pos) -> EvalResult<Value> {
        match self.func {
            // Errors raised by builtins themselves carry no position in
            // C++ Nix; the call site shows in the "while calling" frame.
            Some(f) => {
                ev.primop_call_pos = pos;
                f(ev, args, Pos::NONE)
            }
            None => Err(EvalError::eval(
                format!("not implemented: builtins.{}", self.name),
                pos,
            )),
        }
    }
}

/// Shorthand for the tables of the family modules.
pub(crate) const fn op(name: &'static str, arity: usize, func: PrimOpFn) -> PrimOp {
    PrimOp {
        name,
        arity,
        func: Some(func),
    }
}

/// Builtins that are values rather than functions.
const CONSTANTS: &[&str] = &[
    "builtins",
    "currentSystem",
    "currentTime",
    "derivation",
    "false",
    "langVersion",
    "nixPath",
    "nixVersion",
    "null",
    "storeDir",
    "true",
];

fn implemented() -> impl Iterator<Item = &'static PrimOp> {
    arith::PRIMOPS
        .iter()
        .chain(attrs::PRIMOPS)
        .chain(context::PRIMOPS)
        .chain(context::STORE_TEXT_PRIMOPS)
        .chain(control::PRIMOPS)
        .chain(derivation::PRIMOPS)
        .chain(fetch::PRIMOPS)
        .chain(flake::PRIMOPS)
        .chain(io::PRIMOPS)
        .chain(json::PRIMOPS)
        .chain(lists::PRIMOPS)
        .chain(output_of::PRIMOPS)
        .chain(paths::PRIMOPS)
        .chain(strings::PRIMOPS)
        .chain(hash::PRIMOPS)
        .chain(toml::PRIMOPS)
        .chain(types::PRIMOPS)
}

static STUBS: LazyLock<Vec<PrimOp>> = LazyLock::new(|| {
    unimplemented_builtins()
        .into_iter()
        .map(|name| PrimOp {
            name,
            arity: 1,
            func: None,
        })
        .collect()
});

/// The builtins of C++ Nix this evaluator does not implement yet, sorted.
pub fn unimplemented_builtins() -> Vec<&'static str> {
    BUILTIN_NAMES
        .iter()
        .copied()
        .filter(|n| !CONSTANTS.contains(n) && !implemented().any(|p| p.name == *n))
        .collect()
}

pub(crate) fn find_primop(name: &str) -> Option<&'static PrimOp> {
    implemented()
        .find(|p| p.name == name)
        .or_else(|| STUBS.iter().find(|p| p.name == name))
}

/// Builds the global frame and the `builtins` set of a new evaluation.
pub(crate) fn install(ev: &mut Evaluator) {
    let mut entries = Vec::new();
    for &name in BUILTIN_NAMES {
        let value = match name {
            "builtins" => continue,
            // Impure values do not exist in pure evaluation.
            "currentSystem" | "currentTime" if ev.settings.pure_eval => continue,
            "true" => Value::bool(true),
            "false" => Value::bool(false),
            "null" => Value::Null,
            "currentSystem" => Value::str("x86_64-linux"),
            "currentTime" => Value::Int(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64),
            ),
            "langVersion" => Value::Int(6),
            "nixVersion" => Value::str("2.31.0"),
            "storeDir" => Value::str(tvix_store::store_dir()),
            "nixPath" => nix_path(ev),
            // C++ Nix's `derivation` is written in Nix; it is evaluated
            // when first used (a thunk the registry clears at the end).
            "derivation" => Value::Thunk(Thunk::apply(
                Value::PrimOp(&derivation::DERIVATION_LOADER),
                Value::Null,
                Pos::NONE,
            )),
            _ => match find_primop(name) {
                Some(op) => Value::PrimOp(op),
                None => continue,
            },
        };
        entries.push(Attr {
            name: Symbol::new(name),
            value,
            pos: Pos::NONE,
        });
    }
    // `builtins.builtins` is the set itself: a thunk that the registry
    // clears when the evaluation ends, breaking the cycle.
    let base = Rc::new(Env::new(crate::value::Slots::new(), None));
    let self_ref = Thunk::apply(Value::PrimOp(&BUILTINS_SELF), Value::Null, Pos::NONE);
    entries.push(Attr {
        name: Symbol::new("builtins"),
        value: Value::Thunk(self_ref),
        pos: Pos::NONE,
    });
    let builtins = Value::Attrs(Rc::new(AttrSet::from_unsorted(entries)));
    ev.builtins = builtins.clone();

    let mut slots = crate::value::Slots::new();
    let Value::Attrs(set) = &builtins else {
        unreachable!("just built")
    };
    for attr in set.iter() {
        let name = attr.name.as_str();
        let global = if UNPREFIXED_GLOBALS.binary_search(&name).is_ok() {
            name.to_string()
        } else {
            format!("__{name}")
        };
        ev.globals.insert(global, slots.len() as u32);
        slots.push(attr.value.clone());
    }
    *base.slots.borrow_mut() = slots;
    ev.base_env = base;
}

/// The value of `builtins.builtins`.
static BUILTINS_SELF: PrimOp = op("builtins", 1, |ev, _, _| Ok(ev.builtins.clone()));

fn nix_path(ev: &Evaluator) -> Value {
    let items = ev
        .settings
        .search_path
        .iter()
        .map(|(prefix, path)| {
            Value::Attrs(Rc::new(AttrSet::from_sorted(vec![
                Attr {
                    name: Symbol::new("path"),
                    value: Value::str(path),
                    pos: Pos::NONE,
                },
                Attr {
                    name: Symbol::new("prefix"),
                    value: Value::str(prefix),
                    pos: Pos::NONE,
                },
            ])))
        })
        .collect();
    Value::list(items)
}

/// "first", "second", … for argument frames.
pub(crate) fn nth(i: usize) -> &'static str {
    ["first", "second", "third", "fourth"]
        .get(i)
        .copied()
        .unwrap_or("next")
}

/// Argument `i` of builtin `name`, forced to a list. The error context is
/// formatted only on error (forcing again repeats the same error: a failed
/// thunk keeps its error), so the common case allocates nothing.
pub(crate) fn list_arg(
    ev: &mut Evaluator,
    args: &[Value],
    i: usize,
    name: &str,
) -> EvalResult<std::rc::Rc<Vec<Value>>> {
    if let Ok(Value::List(l)) = ev.force(&args[i]) {
        return Ok(l);
    }
    ev.force_list(&args[i], crate::pos::Pos::NONE, ArgCtx(i, name))
}

/// The frame text C++ Nix uses for argument `.0` of builtin `.1`, made
/// only when an error needs it: builtins are called far more often than
/// they fail, and formatting it up front was 4 % of a `callPackage`-heavy
/// evaluation.
#[derive(Clone, Copy)]
pub(crate) struct ArgCtx<'a>(pub usize, pub &'a str);

impl From<ArgCtx<'_>> for String {
    fn from(ArgCtx(i, name): ArgCtx<'_>) -> String {
        let n = nth(i);
        match name {
            // C++ Nix words a few of these differently.
            "elemAt" | "head" | "tail" | "storePath" => {
                format!("while evaluating the {n} argument passed to 'builtins.{name}'")
            }
            "attrNames" | "attrValues" | "listToAttrs" => {
                format!("while evaluating the argument passed to builtins.{name}")
            }
            "foldl'" => format!("while evaluating the {n} argument passed to builtins.foldlStrict"),
            "add" => format!("while evaluating the {n} argument of the addition"),
            "sub" => format!("while evaluating the {n} argument of the subtraction"),
            "mul" => format!("while evaluating the {n} argument of the multiplication"),
            "div" => format!("while evaluating the {n} operand of the division"),
            "concatStringsSep" if i == 0 => format!(
                "while evaluating the first argument (the separator string) passed to builtins.{name}"
            ),
            "concatStringsSep" => format!(
                "while evaluating the second argument (the list of strings to concat) passed to builtins.{name}"
            ),
            _ => format!("while evaluating the {n} argument passed to builtins.{name}"),
        }
    }
}

/// The frame text C++ Nix uses for a builtin's argument, formatted now.
pub(crate) fn arg_ctx(i: usize, name: &str) -> String {
    ArgCtx(i, name).into()
}

/// A set from name/value pairs (sorted here).
pub(crate) fn make_attrs(pairs: Vec<(&str, Value)>) -> Value {
    Value::Attrs(Rc::new(AttrSet::from_unsorted(
        pairs
            .into_iter()
            .map(|(n, v)| Attr {
                name: Symbol::new(n),
                value: v,
                pos: Pos::NONE,
            })
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_implemented_builtin_is_a_real_builtin() {
        for op in implemented() {
            assert!(BUILTIN_NAMES.contains(&op.name), "{}", op.name);
        }
    }
}
