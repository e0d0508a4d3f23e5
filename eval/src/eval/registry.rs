//! Breaking reference cycles when an evaluation ends.
//!
//! Values are reference counted. Nix programs make cycles routinely — a
//! `rec` set or `let` frame holds thunks that hold the frame, and a forced
//! thunk may hold a set that holds the thunk — and reference counting alone
//! would leak them. A cycle needs an object that was changed to point at
//! something made after it: values are immutable, so that is either a
//! frame whose slots were filled after it existed (`rec`, `let`, a lambda
//! frame with defaults, which are thunks in that frame) or a thunk forced
//! to a container. The evaluation keeps weak handles to exactly those and,
//! when it ends, empties them. Frames whose slots are complete when they
//! are made (a lambda's argument, a `with` scope, `inherit (e)` sources)
//! cannot close a cycle themselves and are not registered, which keeps the
//! registry out of the hot path of calls. Whatever is still alive after
//! clearing is owned by the caller and acyclic.
//!
//! This keeps memory flat in a long-running process (the language server
//! evaluates thousands of times) at the cost of one weak pointer per frame
//! and per forced container thunk, with no tracing and no pauses.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::value::{Env, Thunk, ThunkState, Value};

/// The weak handles of one evaluation.
pub struct Registry {
    envs: Vec<Weak<Env>>,
    thunks: Vec<Weak<RefCell<ThunkState>>>,
    prune_at: usize,
    /// Off: nothing is registered (`Settings::break_cycles_on_drop`).
    enabled: bool,
}

/// Whether a forced value can lead back to the thunk that holds it.
pub(crate) fn may_close_cycle(v: &Value) -> bool {
    matches!(
        v,
        Value::Attrs(_) | Value::List(_) | Value::Lambda(_) | Value::PrimOpApp(_)
    )
}

impl Registry {
    /// A registry that keeps handles only when `enabled`.
    pub fn new(enabled: bool) -> Registry {
        Registry {
            envs: Vec::new(),
            thunks: Vec::new(),
            prune_at: 0,
            enabled,
        }
    }

    /// Registers a new frame.
    #[inline]
    pub fn env(&mut self, env: &Rc<Env>) {
        if self.enabled {
            self.envs.push(Rc::downgrade(env));
            self.maybe_prune();
        }
    }

    /// Registers a thunk forced to a container.
    #[inline]
    pub fn thunk(&mut self, t: &Thunk) {
        if self.enabled {
            self.thunks.push(Rc::downgrade(&t.0));
            self.maybe_prune();
        }
    }

    /// Drops handles to objects already freed, so the registry itself
    /// stays proportional to what is alive.
    fn maybe_prune(&mut self) {
        let len = self.envs.len() + self.thunks.len();
        if len > self.prune_at.max(1024) {
            self.envs.retain(|w| w.strong_count() > 0);
            self.thunks.retain(|w| w.strong_count() > 0);
            self.prune_at = 2 * (self.envs.len() + self.thunks.len());
        }
    }

    /// Empties every registered frame and thunk, breaking all cycles.
    pub fn clear(&mut self) {
        // Take the values out before dropping them, so no borrow is held
        // while destructors run.
        for w in std::mem::take(&mut self.envs) {
            if let Some(env) = w.upgrade() {
                let slots = std::mem::take(&mut *env.slots.borrow_mut());
                drop(slots);
            }
        }
        for w in std::mem::take(&mut self.thunks) {
            if let Some(t) = w.upgrade() {
                let state = std::mem::replace(&mut *t.borrow_mut(), ThunkState::Cleared);
                drop(state);
            }
        }
    }
}
