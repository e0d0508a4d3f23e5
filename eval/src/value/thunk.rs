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
