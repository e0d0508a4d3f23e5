//! Environments: the runtime frames of static scopes.
//!
//! Lowering assigns every variable a (depth, slot) pair, so lookup walks
//! `depth` parents and indexes `slot`. A `with` frame holds one slot, the
//! (lazy) attribute set of its expression.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::Value;

thread_local! {
    static LIVE_ENVS: Cell<usize> = const { Cell::new(0) };
}

/// How many environments are alive on this thread (for leak tests).
pub fn live_envs() -> usize {
    LIVE_ENVS.with(Cell::get)
}

/// One frame.
pub struct Env {
    /// The frame's values, filled while the frame is set up (`rec` and
    /// `let` frames refer to themselves, hence the cell).
    pub slots: RefCell<Vec<Value>>,
    /// The enclosing frame.
    pub parent: Option<Rc<Env>>,
}

impl Env {
    /// A frame with the given slots.
    pub fn new(slots: Vec<Value>, parent: Option<Rc<Env>>) -> Env {
        LIVE_ENVS.with(|c| c.set(c.get() + 1));
        Env {
            slots: RefCell::new(slots),
            parent,
        }
    }

    /// The value in `slot` of the frame `depth` levels up.
    pub fn lookup(self: &Rc<Env>, depth: u32, slot: u32) -> Option<Value> {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent.as_ref()?;
        }
        env.slots.borrow().get(slot as usize).cloned()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        LIVE_ENVS.with(|c| c.set(c.get() - 1));
    }
}
