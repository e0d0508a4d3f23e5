//! Attribute sets: vectors sorted by name.
//!
//! Names are interned [`Symbol`]s, which are equal exactly when their
//! pointers are. Sorting by bytes gives the printing order directly and
//! makes lookups a binary search.

use std::cmp::Ordering;

use super::{Symbol, Value};
use crate::pos::Pos;

/// Sets up to this size are searched by scanning, not bisecting.
const LINEAR_LOOKUP_MAX: usize = 8;

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
    entries: Vec<Attr>,
}

impl AttrSet {
    /// Builds a set from attributes in any order; on duplicate names the
    /// first one wins (callers report duplicates before this).
    pub fn from_unsorted(mut entries: Vec<Attr>) -> AttrSet {
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        AttrSet { entries }
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
        AttrSet { entries }
    }

    /// The attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&Attr> {
        if self.entries.len() <= LINEAR_LOOKUP_MAX {
            return self.entries.iter().find(|a| a.name.as_str() == name);
        }
        // A name no live symbol has is in no set; otherwise compare
        // labels, not bytes.
        self.get_sym(&Symbol::existing(name)?)
    }

    /// The attribute called `name` (pointer and label comparisons only).
    pub fn get_sym(&self, name: &Symbol) -> Option<&Attr> {
        if self.entries.len() <= LINEAR_LOOKUP_MAX {
            return self.entries.iter().find(|a| a.name == *name);
        }
        self.entries
            .binary_search_by(|a| a.name.cmp(name))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The attributes in name order.
    pub fn iter(&self) -> std::slice::Iter<'_, Attr> {
        self.entries.iter()
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `self // other`: a merge of two sorted vectors, `other` winning.
    pub fn update(&self, other: &AttrSet) -> AttrSet {
        let (a, b) = (&self.entries, &other.entries);
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
            return AttrSet { entries: out };
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
        AttrSet { entries: out }
    }

    /// Takes the entries out.
    pub fn into_entries(self) -> Vec<Attr> {
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_four_words() {
        assert_eq!(std::mem::size_of::<Attr>(), 32);
    }
}
