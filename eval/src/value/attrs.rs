//! Attribute sets: vectors sorted by name.
//!
//! Names are interned [`Symbol`]s, which are equal exactly when their
//! pointers are. Sorting by bytes gives the printing order directly and
//! makes lookups a binary search.
//!
//! `big // { few = …; }` does not copy `big`: the result is a *layer*, the
//! few attributes over a shared base, looked up layer by layer; it is
//! flattened into one vector the first time it is iterated. Layers stack
//! at most [`MAX_LAYERS`] deep (one more `//` copies), so a lookup visits
//! a bounded number of vectors. Nixpkgs-style overlays (`super // { x =
//! …; }` over thousands of packages) and sets grown one attribute at a
//! time then cost a fraction of the copying. A layer flattened by
//! iteration keeps both its flat vector and its base; with at most
//! [`MAX_LAYERS`] layers over any base that bounds the extra memory.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::rc::Rc;

use super::{Symbol, Value};
use crate::pos::Pos;

/// Sets up to this size are searched by scanning, not bisecting.
const LINEAR_LOOKUP_MAX: usize = 8;

/// How many layers may stack before `//` copies (see the module docs).
const MAX_LAYERS: u8 = 8;

/// `//` makes a layer when its right side has fewer than one attribute
/// per this many of the left side's.
const LAYER_RATIO: usize = 16;

/// One attribute: name, value and where it was defined.
#[derive(Clone)]
pub struct Attr {
    /// The name.
    pub name: Symbol,
    /// The value (often a thunk).
    pub value: Value,
    /// Where it was defined (for `unsafeGetAttrPos` and traces).
    pub pos: Pos,
}

/// An attribute set, sorted by name bytes, names unique.
#[derive(Clone, Default)]
pub struct AttrSet {
    /// All the attributes, or, in a layered set, the layer's own.
    entries: Vec<Attr>,
    /// For a layered set: what lies under `entries` (boxed: most sets
    /// have no layer, and every set is allocated with this field).
    layer: Option<Box<Layer>>,
}

/// The part of a layered set under its own attributes.
#[derive(Clone)]
struct Layer {
    /// The set `//` was applied to.
    base: Rc<AttrSet>,
    /// Number of attributes of the whole set.
    len: usize,
    /// Layers in the whole set, this one included.
    depth: u8,
    /// All attributes in order, made when first iterated.
    flat: OnceCell<Vec<Attr>>,
}

impl AttrSet {
    /// Builds a set from attributes in any order; on duplicate names the
    /// first one wins (callers report duplicates before this).
    pub fn from_unsorted(mut entries: Vec<Attr>) -> AttrSet {
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        AttrSet {
            entries,
            layer: None,
        }
    }

    /// Builds a set from attributes that are sorted unless `maybe_unsorted`.
    pub fn from_sorted_or_sort(entries: Vec<Attr>, maybe_unsorted: bool) -> AttrSet {
        if maybe_unsorted {
            AttrSet::from_unsorted(entries)
        } else {
            AttrSet::from_sorted(entries)
        }
    }

    /// Builds a set from attributes already sorted with unique names.
    pub fn from_sorted(entries: Vec<Attr>) -> AttrSet {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        AttrSet {
            entries,
            layer: None,
        }
    }

    /// The attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&Attr> {
        if self.layer.is_none() && self.entries.len() <= LINEAR_LOOKUP_MAX {
            return self.entries.iter().find(|a| a.name.as_str() == name);
        }
        // A name no live symbol has is in no set; otherwise compare
        // labels, not bytes.
        self.get_sym(&Symbol::existing(name)?)
    }

    /// The attribute called `name` (pointer and label comparisons only).
    pub fn get_sym(&self, name: &Symbol) -> Option<&Attr> {
        let mut set = self;
        loop {
            if let Some(flat) = set.layer.as_ref().and_then(|l| l.flat.get()) {
                return find(flat, name);
            }
            if let Some(attr) = find(&set.entries, name) {
                return Some(attr);
            }
            set = &set.layer.as_ref()?.base;
        }
    }

    /// The attributes in name order.
    pub fn iter(&self) -> std::slice::Iter<'_, Attr> {
        self.flat().iter()
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        match &self.layer {
            Some(layer) => layer.len,
            None => self.entries.len(),
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All attributes in one sorted slice (a layered set is flattened the
    /// first time, and keeps the result).
    fn flat(&self) -> &[Attr] {
        match &self.layer {
            None => &self.entries,
            Some(layer) => layer.flat.get_or_init(|| self.collect()),
        }
    }

    /// Calls `f` with all attributes in one sorted slice, flattening a
    /// layered set into a temporary (nothing kept) if it was not yet.
    fn with_flat<R>(&self, f: impl FnOnce(&[Attr]) -> R) -> R {
        match &self.layer {
            None => f(&self.entries),
            Some(layer) => match layer.flat.get() {
                Some(flat) => f(flat),
                None => f(&self.collect()),
            },
        }
    }

    /// The attributes of a layered set in one vector: the layers' own
    /// attributes merged top-down (upper ones winning) into one small
    /// vector, then merged once with the bottom (a set without layers,
    /// or a layer already flattened). Intermediate layers keep nothing.
    fn collect(&self) -> Vec<Attr> {
        let mut over: Vec<Attr> = Vec::new();
        let mut set = self;
        let bottom: &[Attr] = loop {
            match &set.layer {
                None => break &set.entries,
                Some(layer) => {
                    if !std::ptr::eq(set, self)
                        && let Some(flat) = layer.flat.get()
                    {
                        break flat;
                    }
                    over = merge(&set.entries, &over);
                    set = &layer.base;
                }
            }
        };
        merge(bottom, &over)
    }

    /// `base // other`, sharing `base` under a layer of `other`'s
    /// attributes when `other` is small (see the module docs).
    pub fn update_shared(base: &Rc<AttrSet>, other: &AttrSet) -> AttrSet {
        let depth = base.layer.as_ref().map_or(1, |l| l.depth);
        if other.len() * LAYER_RATIO >= base.len() || depth >= MAX_LAYERS {
            return base.update(other);
        }
        let own = other.with_flat(<[Attr]>::to_vec);
        let shadowed = own
            .iter()
            .filter(|a| base.get_sym(&a.name).is_some())
            .count();
        AttrSet {
            layer: Some(Box::new(Layer {
                base: base.clone(),
                len: base.len() + own.len() - shadowed,
                depth: depth + 1,
                flat: OnceCell::new(),
            })),
            entries: own,
        }
    }

    /// `self // other`: a merge of two sorted vectors, `other` winning.
    pub fn update(&self, other: &AttrSet) -> AttrSet {
        AttrSet {
            entries: self.with_flat(|a| other.with_flat(|b| merge(a, b))),
            layer: None,
        }
    }

    /// Takes the entries out.
    pub fn into_entries(self) -> Vec<Attr> {
        match self.layer {
            None => self.entries,
            Some(ref layer) => match layer.flat.get() {
                Some(flat) => flat.clone(),
                None => self.collect(),
            },
        }
    }
}

/// The attribute called `name` in one sorted vector.
#[inline]
fn find<'a>(entries: &'a [Attr], name: &Symbol) -> Option<&'a Attr> {
    if entries.len() <= LINEAR_LOOKUP_MAX {
        return entries.iter().find(|a| a.name == *name);
    }
    entries
        .binary_search_by(|a| a.name.cmp(name))
        .ok()
        .map(|i| &entries[i])
}

/// Two sorted vectors merged, `b` winning on equal names.
fn merge(a: &[Attr], b: &[Attr]) -> Vec<Attr> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    if b.len() * 16 < a.len() {
        // A few attributes into a big set (`acc // { x = …; }`): find
        // each by binary search and copy the runs between them.
        let mut start = 0;
        for attr in b {
            let rest = &a[start..];
            let (k, skip) = match rest.binary_search_by(|x| x.name.cmp(&attr.name)) {
                Ok(k) => (k, 1),
                Err(k) => (k, 0),
            };
            out.extend_from_slice(&rest[..k]);
            out.push(attr.clone());
            start += k + skip;
        }
        out.extend_from_slice(&a[start..]);
        return out;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].name.cmp(&b[j].name) {
            Ordering::Less => {
                out.push(a[i].clone());
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j].clone());
                j += 1;
            }
            Ordering::Equal => {
                out.push(b[j].clone());
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_four_words() {
        assert_eq!(std::mem::size_of::<Attr>(), 32);
    }

    #[test]
    fn sets_are_four_words() {
        assert_eq!(std::mem::size_of::<AttrSet>(), 32);
    }

    fn set(names: impl IntoIterator<Item = (String, i64)>) -> AttrSet {
        AttrSet::from_unsorted(
            names
                .into_iter()
                .map(|(n, v)| Attr {
                    name: Symbol::new(&n),
                    value: Value::Int(v),
                    pos: Pos::NONE,
                })
                .collect(),
        )
    }

    fn dump(s: &AttrSet) -> Vec<(String, i64)> {
        s.iter()
            .map(|a| match a.value {
                Value::Int(v) => (a.name.as_str().to_owned(), v),
                _ => unreachable!(),
            })
            .collect()
    }

    /// Layered `//` (small right sides over a big set, stacked past the
    /// layer limit) gives exactly what copying does: lookups, length,
    /// order, overrides.
    #[test]
    fn layers_equal_copies() {
        let mut shared = Rc::new(set((0..100).map(|i| (format!("k{i:03}"), i))));
        let mut copied = (*shared).clone();
        for step in 0..20i64 {
            // One new name and one existing name per step.
            let right = set([
                (format!("n{step}"), step),
                (format!("k{:03}", step * 3), -step),
            ]);
            shared = Rc::new(AttrSet::update_shared(&shared, &right));
            copied = copied.update(&right);
            assert_eq!(shared.len(), copied.len(), "step {step}");
            for probe in ["k000", "k003", "k057", "n0", &format!("n{step}"), "missing"] {
                let (a, b) = (shared.get(probe), copied.get(probe));
                assert_eq!(a.map(|x| x.name.as_str()), b.map(|x| x.name.as_str()));
                assert!(
                    matches!((a.map(|x| &x.value), b.map(|x| &x.value)),
                    (Some(Value::Int(x)), Some(Value::Int(y))) if x == y)
                        || a.is_none()
                );
            }
        }
        assert!(shared.layer.is_some());
        assert_eq!(dump(&shared), dump(&copied));
        let entries = (*shared).clone().into_entries();
        assert_eq!(dump(&AttrSet::from_sorted(entries)), dump(&copied));
    }
}
