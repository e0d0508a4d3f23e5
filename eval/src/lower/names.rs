//! The names of runtime frames, recorded while lowering for debuggers.
//!
//! Frames (`Env`) hold values only: lowering resolved every variable to a
//! slot, so the evaluator never needs names. A debugger showing a scope
//! does, and so lowering can record, for every node it makes, the static
//! scope chain the node is evaluated in — one [`FrameNames`] per frame,
//! innermost first, shared by all the nodes of a scope. That costs one
//! table entry per node while lowering with recording on (only when an
//! observer is attached) and nothing per frame at run time.

use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::{Globals, Ir};
use crate::value::Symbol;

/// What made a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// A lambda's call frame: its formals in source order, then its
    /// whole-argument name.
    Lambda,
    /// A `let`: its bindings, sorted by name.
    Let,
    /// A `rec { … }`: its attributes, sorted by name.
    Rec,
    /// A `with`: one slot holding the (lazy) set.
    With,
    /// The sources of `inherit (e) …`: unnamed (`<inherit-from>`).
    InheritFrom,
    /// Names bound from outside (a REPL's bindings, `scopedImport`'s scope).
    Bindings,
    /// The global frame: builtins and `true`, `map`, … .
    Global,
}

/// One frame of a static scope chain.
#[derive(Debug)]
pub struct FrameNames {
    /// What made the frame.
    pub kind: FrameKind,
    /// The name of each slot (`names[i]` names slot `i`); a `with` frame's
    /// one slot is named `with`.
    pub names: Vec<Symbol>,
    /// The enclosing frame (`None` above the global frame).
    pub parent: Option<Rc<FrameNames>>,
}

impl FrameNames {
    /// The frames, innermost first, down to the global one.
    pub fn chain(self: &Rc<Self>) -> impl Iterator<Item = &Rc<FrameNames>> {
        std::iter::successors(Some(self), |f| f.parent.as_ref())
    }
}

/// Every recorded node's scope chain, keyed by the node's address; the
/// lowered roots are kept alive here so that no address is reused.
pub struct NameTable {
    global: Rc<FrameNames>,
    scopes: FxHashMap<usize, Rc<FrameNames>>,
    roots: Vec<Rc<Ir>>,
}

impl NameTable {
    /// An empty table whose chains end in the global frame laid out by
    /// `globals`.
    pub fn new(globals: &Globals) -> NameTable {
        let mut names = vec![Symbol::new(""); globals.len()];
        for (name, &slot) in globals {
            if let Some(n) = names.get_mut(slot as usize) {
                *n = Symbol::new(name);
            }
        }
        NameTable {
            global: Rc::new(FrameNames {
                kind: FrameKind::Global,
                names,
                parent: None,
            }),
            scopes: FxHashMap::default(),
            roots: Vec::new(),
        }
    }

    /// The scope chain `ir` is evaluated in, if it was recorded.
    pub fn scope_of(&self, ir: &Ir) -> Option<&Rc<FrameNames>> {
        self.scopes.get(&(ir as *const Ir as usize))
    }

    /// The global frame.
    pub fn global(&self) -> &Rc<FrameNames> {
        &self.global
    }

    pub(super) fn record(&mut self, ir: &Rc<Ir>, scope: &Rc<FrameNames>) {
        self.scopes.insert(Rc::as_ptr(ir) as usize, scope.clone());
    }

    pub(super) fn keep_root(&mut self, root: &Rc<Ir>) {
        self.roots.push(root.clone());
    }
}

/// The lowerer's recording state: the table and the current chain.
pub(super) struct Recorder<'t> {
    pub(super) table: &'t mut NameTable,
    pub(super) stack: Vec<Rc<FrameNames>>,
}

impl<'t> Recorder<'t> {
    pub(super) fn new(table: &'t mut NameTable) -> Self {
        let global = table.global.clone();
        Recorder {
            table,
            stack: vec![global],
        }
    }

    pub(super) fn push(&mut self, kind: FrameKind, names: Vec<Symbol>) {
        let parent = self.stack.last().cloned();
        self.stack.push(Rc::new(FrameNames {
            kind,
            names,
            parent,
        }));
    }

    pub(super) fn pop(&mut self) {
        self.stack.pop();
    }

    pub(super) fn record(&mut self, ir: &Rc<Ir>) {
        if let Some(top) = self.stack.last() {
            self.table.record(ir, top);
        }
    }
}
