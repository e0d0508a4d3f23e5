//! `unused-let-binding`, `unused-formal`, `unused-with` and `unused-rec`.
//!
//! A `let` binding is used when code that is itself live refers to it: a
//! binding referred to only by itself (`let f = x: f x; in 1`), or only by
//! other unused bindings (`let a = b; b = a; in 1`), is unused. The check is
//! a reachability walk in the style of nil's liveness pass: code outside any
//! `let` value is live; a binding referred to from live code is live, and so
//! is its value. Bindings left over are reported, then their values are
//! walked too, so that one dead binding does not make every binding nested
//! inside it look dead as well.
//!
//! Formals, `with` and `rec` count every reference, live or not: a formal
//! used only by an unused `let` binding is reported once the binding is gone.
//!
//! Exemptions, as in deadnix and nil:
//! - names starting with `_` are never reported (`_: 1`, `__findFile`);
//! - the `body` of a legacy `let { }` is its result;
//! - the formals of `{ a, b, ... }@args:` are not reported when `args` is
//!   used: the whole set is passed on, and the formals document (and check)
//!   which attributes it must have. An unused `args` is still reported.

use crate::scopes::{DefinitionKind, NameResolution, ReferenceId, Resolution, ScopeKind};
use crate::{Diagnostic, DiagnosticCode};

/// Reports unused `let` bindings, function arguments, `with`s and `rec`s.
pub(super) fn check(resolution: &NameResolution, out: &mut Vec<Diagnostic>) {
    let mut referenced = vec![false; resolution.definitions().len()];
    let mut scope_used = vec![false; resolution.scopes().len()];
    let mut with_used = vec![false; resolution.withs().len()];
    for (_, reference) in resolution.references() {
        match reference.resolution {
            Resolution::Definition(def) => {
                referenced[def.index()] = true;
                scope_used[resolution.definition(def).scope.index()] = true;
            }
            Resolution::With(with) => {
                // The innermost `with` may lack the attribute, so the name
                // counts for every enclosing one. Marking stops at the first
                // `with` already marked: its ancestors are marked too.
                for with in resolution.with_chain(with) {
                    if std::mem::replace(&mut with_used[with.index()], true) {
                        break;
                    }
                }
            }
            Resolution::Global | Resolution::Undefined => {}
        }
    }

    // Lambdas whose `@` name is used: their formals are exempt.
    let mut bind_used = vec![false; resolution.scopes().len()];
    for (id, def) in resolution.definitions() {
        if def.kind == DefinitionKind::PatternBind && referenced[id.index()] {
            bind_used[def.scope.index()] = true;
        }
    }

    let live = live_let_bindings(resolution);
    for (id, def) in resolution.definitions() {
        if def.name.starts_with('_') {
            continue;
        }
        let used = referenced[id.index()];
        let (code, message) = match def.kind {
            DefinitionKind::LetBinding | DefinitionKind::LegacyLetBinding if !live[id.index()] => (
                DiagnosticCode::UnusedLetBinding,
                format!("unused let binding '{}'", def.name),
            ),
            DefinitionKind::Parameter if !used => (
                DiagnosticCode::UnusedFormal,
                format!("unused function argument '{}'", def.name),
            ),
            DefinitionKind::Formal if !used && !bind_used[def.scope.index()] => (
                DiagnosticCode::UnusedFormal,
                format!("unused formal argument '{}'", def.name),
            ),
            DefinitionKind::PatternBind if !used => (
                DiagnosticCode::UnusedFormal,
                format!("unused argument set binding '{}'", def.name),
            ),
            _ => continue,
        };
        out.push(Diagnostic::new(code, def.range, message));
    }

    for (id, with) in resolution.withs() {
        if !with_used[id.index()] {
            out.push(Diagnostic::new(
                DiagnosticCode::UnusedWith,
                with.keyword,
                "unused `with`: no variable in its body can come from it",
            ));
        }
    }

    for (id, scope) in resolution.scopes() {
        if scope.kind == ScopeKind::RecAttrSet && !scope_used[id.index()] {
            out.push(Diagnostic::new(
                DiagnosticCode::UnusedRec,
                scope.keyword,
                "unused `rec`: no attribute of this set refers to another",
            ));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unknown,
    Live,
    Dead,
}

/// For each definition, whether it is a `let` binding reachable from live
/// code; `true` for every other definition.
fn live_let_bindings(resolution: &NameResolution) -> Vec<bool> {
    let graph = &resolution.liveness;
    let nodes = graph.node_count;
    let refs_by_owner = Groups::new(
        nodes,
        graph
            .reference_owner
            .iter()
            .copied()
            .enumerate()
            .map(|(r, o)| (o, r)),
    );
    let bindings_by_owner = Groups::new(
        nodes,
        graph
            .binding_nodes
            .iter()
            .enumerate()
            .filter_map(|(def, n)| n.map(|n| (n.owner, def))),
    );

    let mut walk = Walk {
        state: vec![State::Unknown; graph.binding_nodes.len()],
        activated: vec![false; nodes],
        stack: Vec::new(),
        candidates: Vec::new(),
    };
    walk.activate(0, &bindings_by_owner);
    loop {
        while let Some(node) = walk.stack.pop() {
            for reference in refs_by_owner.get(node) {
                let id = ReferenceId::from_index(reference);
                let Resolution::Definition(def) = resolution.reference(id).resolution else {
                    continue;
                };
                let Some(Some(binding)) = graph.binding_nodes.get(def.index()) else {
                    continue;
                };
                if walk.state[def.index()] == State::Unknown {
                    walk.state[def.index()] = State::Live;
                    walk.activate(binding.value, &bindings_by_owner);
                }
            }
        }
        // Everything reachable is found: the remaining candidates are dead.
        // Walk their values as if live, without reviving anything decided.
        let dead: Vec<usize> = walk
            .candidates
            .drain(..)
            .filter(|&d| walk.state[d] == State::Unknown)
            .collect();
        if dead.is_empty() {
            break;
        }
        for def in dead {
            walk.state[def] = State::Dead;
            if let Some(binding) = graph.binding_nodes[def] {
                walk.activate(binding.value, &bindings_by_owner);
            }
        }
    }
    walk.state.into_iter().map(|s| s != State::Dead).collect()
}

struct Walk {
    state: Vec<State>,
    activated: Vec<bool>,
    stack: Vec<usize>,
    /// Bindings whose `let` is reachable, not yet decided.
    candidates: Vec<usize>,
}

impl Walk {
    fn activate(&mut self, node: u32, bindings_by_owner: &Groups) {
        let node = node as usize;
        if node < self.activated.len() && !self.activated[node] {
            self.activated[node] = true;
            self.stack.push(node);
            self.candidates.extend(bindings_by_owner.get(node));
        }
    }
}

/// Items grouped by a key in `0..keys`, as compressed adjacency lists.
struct Groups {
    starts: Vec<usize>,
    items: Vec<usize>,
}

impl Groups {
    fn new(keys: usize, pairs: impl Iterator<Item = (u32, usize)>) -> Groups {
        let pairs: Vec<(usize, usize)> = pairs
            .map(|(k, v)| (k as usize, v))
            .filter(|&(k, _)| k < keys)
            .collect();
        let mut starts = vec![0usize; keys + 1];
        for &(key, _) in &pairs {
            starts[key + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut items = vec![0usize; pairs.len()];
        for (key, item) in pairs {
            items[next[key]] = item;
            next[key] += 1;
        }
        Groups { starts, items }
    }

    fn get(&self, key: usize) -> impl Iterator<Item = usize> + '_ {
        let range = match (self.starts.get(key), self.starts.get(key + 1)) {
            (Some(&start), Some(&end)) => start..end,
            _ => 0..0,
        };
        self.items[range].iter().copied()
    }
}
