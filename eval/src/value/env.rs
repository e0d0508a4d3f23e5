//! Environments: the runtime frames of static scopes.
//!
//! Lowering assigns every variable a (depth, slot) pair, so lookup walks
//! `depth` parents and indexes `slot`. A `with` frame holds one slot, the
//! (lazy) attribute set of its expression.

#[cfg(test)]
use std::cell::Cell;
use std::cell::RefCell;
use std::rc::Rc;

use smallvec::SmallVec;

use super::Value;

/// A frame's slots: most frames (a lambda's argument, a `with` scope, a
/// small `let`) have one or two, kept inline so that making the frame is
/// one allocation.
pub type Slots = SmallVec<[Value; 2]>;

// Counted in the crate's own tests only: a thread-local update on every
// frame made and dropped is measurable on call-heavy evaluations.
#[cfg(test)]
thread_local! {
    static LIVE_ENVS: Cell<usize> = const { Cell::new(0) };
}

/// How many environments are alive on this thread (for leak tests).
#[cfg(test)]
pub fn live_envs() -> usize {
    LIVE_ENVS.with(Cell::get)
}

/// One frame.
pub struct Env {
    /// The frame's values, filled while the frame is set up (`rec` and
    /// `let` frames refer to themselves, hence the cell).
    pub slots: RefCell<Slots>,
    /// The enclosing frame.
    pub parent: Option<Rc<Env>>,
}

impl Env {
    /// A frame with the given slots.
    pub fn new(slots: Slots, parent: Option<Rc<Env>>) -> Env {
        #[cfg(test)]
        LIVE_ENVS.with(|c| c.set(c.get() + 1));
        Env {
            slots: RefCell::new(slots),
            parent,
        }
    }

    /// The value in `slot` of the frame `depth` levels up.
    #[inline]
    pub fn lookup(self: &Rc<Env>, depth: u32, slot: u32) -> Option<Value> {
        self.ancestor(depth)?
            .slots
            .borrow()
            .get(slot as usize)
            .cloned()
    }

    /// The frame `depth` levels up.
    #[inline]
    pub fn ancestor(self: &Rc<Env>, depth: u32) -> Option<&Rc<Env>> {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent.as_ref()?;
        }
        Some(env)
    }
}

#[cfg(test)]
impl Drop for Env {
    fn drop(&mut self) {
        LIVE_ENVS.with(|c| c.set(c.get() - 1));
    }
}
