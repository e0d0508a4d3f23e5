//! Thunks: suspended computations, updated in place once forced.

use std::cell::RefCell;
use std::rc::Rc;

use super::{Env, Value};
use crate::lower::Ir;
use crate::pos::Pos;

/// What a thunk holds.
pub enum ThunkState {
    /// An expression to evaluate in an environment.
    Suspended(Rc<Ir>, Rc<Env>),
    /// A function application made lazily by a builtin (`map`, `genList`).
    Apply(Value, Value, Pos),
    /// A part of `derivation`'s result that its Nix code would leave
    /// suspended, made without running that code
    /// (`builtins::derivation_wrapper`).
    Native(NativeThunk),
    /// Being evaluated: forcing it again is infinite recursion.
    Blackhole(Pos),
    /// Evaluated.
    Forced(Value),
    /// Evaluating it failed; forcing it again fails the same way, as in
    /// C++ Nix (side effects such as `trace` do not run twice).
    Failed(Box<crate::error::EvalError>),
    /// Cleared when its evaluation ended (see the registry).
    Cleared,
}

/// The suspended parts of a `derivation` result made natively; each
/// evaluates as the wrapper's expression it stands for (see
/// `builtins::derivation_wrapper`).
pub enum NativeThunk {
    /// `strict.${outputName}` or `strict.drvPath` (`out_path`): one
    /// attribute of the result of `derivationStrict`.
    StrictAttr {
        /// The derivation's parts (`strict`, the `derivationStrict`
        /// application, among them).
        parts: Rc<crate::builtins::derivation_wrapper::Parts>,
        /// The attribute: an output's name, or `drvPath`.
        name: super::Symbol,
        /// Whether this is an output's `outPath` (else `drvPath`).
        out_path: bool,
    },
    /// `commonAttrs // { outPath = …; … }` of output `index`.
    Output {
        /// The derivation's parts.
        parts: Rc<crate::builtins::derivation_wrapper::Parts>,
        /// Which output, in the order of `outputs`.
        index: usize,
    },
    /// `map (x: x.value) outputsList`: the `all` attribute.
    All(Rc<crate::builtins::derivation_wrapper::Parts>),
}

/// A shared, mutable thunk.
#[derive(Clone)]
pub struct Thunk(pub Rc<RefCell<ThunkState>>);

impl Thunk {
    /// A suspended expression.
    pub fn suspended(ir: Rc<Ir>, env: Rc<Env>) -> Thunk {
        Thunk(super::rc_new_with(|| {
            RefCell::new(ThunkState::Suspended(ir, env))
        }))
    }

    /// A lazy application `f arg`.
    pub fn apply(f: Value, arg: Value, pos: Pos) -> Thunk {
        Thunk(super::rc_new_with(|| {
            RefCell::new(ThunkState::Apply(f, arg, pos))
        }))
    }

    /// A thunk whose state is set right after it is made (by whoever made
    /// it, before anything else can see it).
    pub(crate) fn placeholder() -> Thunk {
        Thunk(super::rc_new_with(|| RefCell::new(ThunkState::Cleared)))
    }

    /// A part of a natively made `derivation` result.
    pub(crate) fn native(n: NativeThunk) -> Thunk {
        Thunk(super::rc_new_with(|| RefCell::new(ThunkState::Native(n))))
    }

    /// The value, if already forced.
    #[inline(always)]
    pub fn forced(&self) -> Option<Value> {
        // `try_borrow`: a thunk being evaluated may be mutably borrowed
        // higher up; it is not forced then.
        match &*self.0.try_borrow().ok()? {
            ThunkState::Forced(v) => Some(v.clone()),
            _ => None,
        }
    }
}
