//! Runtime values.
//!
//! A [`Value`] is 16 bytes: a tag and one word (an immediate or one `Rc`
//! pointer). Aggregates are shared by reference counting, which makes
//! copying a value cheap and gives lists and sets the identity that
//! `«repeated»` printing depends on. Reference cycles (a `rec` set whose
//! attributes refer to the set) are broken when the evaluation that made
//! them ends; see `crate::eval::registry`.

mod attrs;
mod env;
mod string;
mod symbol;
mod thunk;

use std::rc::Rc;

pub use attrs::{Attr, AttrSet};
#[cfg(test)]
pub use env::live_envs;
pub use env::{Env, Slots};
pub use string::{Context, NixString, StringBuilder};
pub use symbol::Symbol;
pub use thunk::{NativeThunk, Thunk, ThunkState};

use crate::builtins::PrimOp;
use crate::lower::Lambda;

/// A Nix value, possibly not yet evaluated ([`Value::Thunk`]).
///
/// Laid out as two words, a tag and a payload, with every payload a
/// word-sized integer or pointer (hence [`NixBool`] and [`NixFloat`]
/// rather than `bool` and `f64`): the compiler then passes and returns a
/// value in two registers, and moves it as two words. With a `bool`
/// payload at byte 1 and an `f64` beside pointers, values travelled
/// through memory as byte-wise partial copies that the CPU cannot
/// forward to the next 16-byte load of the same value — a
/// store-forwarding stall on nearly every value returned or passed (fib:
/// 388 → 281 ms for the word-sized tag alone).
#[derive(Clone)]
#[repr(u64)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(NixBool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A double-precision float.
    Float(NixFloat),
    /// A string with context.
    String(NixString),
    /// An absolute, canonical path (never has context).
    Path(NixString),
    /// An attribute set.
    Attrs(Rc<AttrSet>),
    /// A list.
    List(Rc<Vec<Value>>),
    /// A function defined in Nix.
    Lambda(Rc<Closure>),
    /// A builtin function.
    PrimOp(&'static PrimOp),
    /// A builtin applied to fewer arguments than it takes.
    PrimOpApp(Rc<PrimOpApp>),
    /// A suspended computation.
    Thunk(Thunk),
}

/// A lambda together with the environment it was created in.
pub struct Closure {
    /// The function's code.
    pub lambda: Rc<Lambda>,
    /// The environment of its free variables.
    pub env: Rc<Env>,
}

impl Closure {
    /// The function value of `lambda` made in `env`.
    #[inline]
    pub fn value(lambda: &Rc<Lambda>, env: &Rc<Env>) -> Value {
        Value::Lambda(rc_new_with(|| Closure {
            lambda: lambda.clone(),
            env: env.clone(),
        }))
    }
}

/// A builtin with some of its arguments.
pub struct PrimOpApp {
    /// The builtin.
    pub op: &'static PrimOp,
    /// The arguments so far (fewer than its arity).
    pub args: Vec<Value>,
}

/// A Boolean held in a whole word (see [`Value`]'s layout).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NixBool(u64);

impl NixBool {
    /// `true`, usable in patterns.
    pub const TRUE: NixBool = NixBool(1);
    /// `false`, usable in patterns.
    pub const FALSE: NixBool = NixBool(0);

    /// The Boolean.
    #[inline]
    pub fn get(self) -> bool {
        self.0 != 0
    }
}

impl From<bool> for NixBool {
    #[inline]
    fn from(b: bool) -> NixBool {
        NixBool(u64::from(b))
    }
}

/// A float held as its bits in a word (see [`Value`]'s layout).
#[derive(Clone, Copy)]
pub struct NixFloat(u64);

impl NixFloat {
    /// The float.
    #[inline]
    pub fn get(self) -> f64 {
        f64::from_bits(self.0)
    }
}

impl From<f64> for NixFloat {
    #[inline]
    fn from(f: f64) -> NixFloat {
        NixFloat(f.to_bits())
    }
}

impl std::fmt::Debug for NixFloat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// `Rc::new(make())`, with the value made after the allocation, straight
/// into it. `Rc::new(v)` makes `v` on the stack, calls the allocator and
/// then copies it over with 16-byte loads of what was just stored in
/// 8-byte pieces: the CPU cannot forward those stores to the loads, and a
/// frame or thunk made per call paid that stall every time (half the
/// samples of `call_lambda` in a profile of fib).
#[inline(always)]
pub(crate) fn rc_new_with<T>(make: impl FnOnce() -> T) -> Rc<T> {
    // Not `Rc::new_uninit`: it computes the allocation's layout at run
    // time (4 % of all instructions on lib-modules); `Rc::new` of an
    // uninitialised value has it as a constant.
    let mut rc = Rc::new(std::mem::MaybeUninit::<T>::uninit());
    // A fresh `Rc` is unique.
    if let Some(slot) = Rc::get_mut(&mut rc) {
        slot.write(make());
    } else {
        unreachable!("a new Rc has one owner");
    }
    // SAFETY: written just above.
    unsafe { rc.assume_init() }
}

impl Value {
    /// A Boolean.
    #[inline]
    pub fn bool(b: bool) -> Value {
        Value::Bool(b.into())
    }

    /// A float.
    #[inline]
    pub fn float(f: f64) -> Value {
        Value::Float(f.into())
    }

    /// An empty attribute set.
    pub fn empty_attrs() -> Value {
        Value::Attrs(Rc::new(AttrSet::default()))
    }

    /// A string without context.
    pub fn str(s: impl AsRef<[u8]>) -> Value {
        Value::String(NixString::new(s.as_ref()))
    }

    /// A list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    /// The type name `builtins.typeOf` returns.
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Path(_) => "path",
            Value::Attrs(_) => "set",
            Value::List(_) => "list",
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => "lambda",
            Value::Thunk(_) => "thunk",
        }
    }

    /// The type as C++ Nix's `showType` words it in messages
    /// ("an integer", "a set", …).
    pub fn show_type(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a Boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(_) => "a string",
            Value::Path(_) => "a path",
            Value::Attrs(_) => "a set",
            Value::List(_) => "a list",
            Value::Lambda(_) => "a function",
            Value::PrimOp(_) => "a built-in function",
            Value::PrimOpApp(_) => "a partially applied built-in function",
            Value::Thunk(_) => "a thunk",
        }
    }

    /// Whether this value can be called.
    pub fn is_function(&self) -> bool {
        matches!(
            self,
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_two_words() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        // What the layout is for: no room is left for a niche in the
        // payload, and results stay two words.
        assert_eq!(std::mem::size_of::<crate::EvalResult<Value>>(), 16);
    }

    #[test]
    fn booleans_and_floats_round_trip_through_words() {
        assert!(Value::bool(true).type_of() == "bool");
        assert!(matches!(Value::bool(true), Value::Bool(NixBool::TRUE)));
        assert!(matches!(Value::bool(false), Value::Bool(NixBool::FALSE)));
        for f in [0.0, -0.0, 1.5, f64::MAX, f64::MIN_POSITIVE, f64::INFINITY] {
            let Value::Float(x) = Value::float(f) else {
                panic!("not a float")
            };
            assert_eq!(x.get().to_bits(), f.to_bits());
        }
    }
}
