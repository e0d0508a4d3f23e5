//! Interned attribute names.
//!
//! Every [`Symbol`] with a given text is the same allocation: names are
//! interned in a per-thread table when they are made, so two symbols are
//! equal exactly when their pointers are, hashing a symbol hashes one word,
//! and a symbol is one thin pointer (an [`Attr`](super::Attr) is then 32
//! bytes). Values are `Rc`-based and never leave their thread, so neither
//! do symbols.
//!
//! Each symbol also keeps the first 16 bytes of its name as one big-endian
//! integer, zero-padded, so that comparing two names by their bytes (C++
//! Nix's printing order, which attribute sets are sorted by) is one
//! integer comparison unless both start with the same 16 bytes.
//!
//! The table does not own its names: it holds plain pointers, and a name
//! leaves the table when its last symbol is dropped. A long-running process
//! (the language server evaluating again and again) therefore keeps only
//! the names that live values still use — interning never grows without
//! bound.

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// An attribute name, interned (see the module documentation).
pub struct Symbol(Rc<Name>);

struct Name {
    /// The first 16 bytes of `text`, big-endian, zero-padded: ordered as
    /// the text is wherever two prefixes differ.
    prefix: u128,
    /// The text's hash in the table (see [`text_hash`]), kept so that the
    /// table never hashes a name's text again (growing, removing).
    hash: u64,
    /// See [`Symbol::creation_order`].
    serial: u32,
    text: Box<str>,
}

/// The first 16 bytes of `text`, big-endian, zero-padded (see
/// [`Name::prefix`]).
#[inline]
fn prefix_of(text: &str) -> u128 {
    let mut head = [0u8; 16];
    let n = text.len().min(16);
    head[..n].copy_from_slice(&text.as_bytes()[..n]);
    u128::from_be_bytes(head)
}

impl Name {
    fn new(text: &str) -> Name {
        let serial = match preallocated_index(text) {
            Some(i) => i,
            None => NEXT_SERIAL.with(|n| {
                let serial = n.get();
                n.set(serial.saturating_add(1));
                serial
            }),
        };
        Name {
            prefix: prefix_of(text),
            hash: text_hash(text),
            serial,
            text: Box::from(text),
        }
    }
}

/// The names C++ Nix's symbol table holds before anything else, in their
/// order (`StaticEvalSymbols::preallocate` in its `eval.hh`): they come
/// first in the order C++ Nix keeps attribute sets in.
///
/// One list gives both [`PREALLOCATED`] and [`preallocated_index`].
macro_rules! preallocated {
    ($($name:literal),* $(,)?) => {
        const PREALLOCATED: &[&str] = &[$($name),*];

        /// The place of `text` in [`PREALLOCATED`] (names made at run
        /// time pass through here: comparisons that mostly stop at the
        /// length, no allocation).
        fn preallocated_index(text: &str) -> Option<u32> {
            let mut index = 0;
            $(
                if text == $name {
                    return Some(index);
                }
                index += 1;
            )*
            let _ = index;
            None
        }
    };
}

preallocated![
    "<with>",
    "outPath",
    "drvPath",
    "type",
    "meta",
    "name",
    "value",
    "system",
    "__overrides",
    "outputs",
    "outputName",
    "__ignoreNulls",
    "file",
    "line",
    "column",
    "__functor",
    "__toString",
    "right",
    "wrong",
    "__structuredAttrs",
    "__json",
    "allowedReferences",
    "allowedRequisites",
    "disallowedReferences",
    "disallowedRequisites",
    "maxSize",
    "maxClosureSize",
    "builder",
    "args",
    "__contentAddressed",
    "__impure",
    "outputHash",
    "outputHashAlgo",
    "outputHashMode",
    "recurseForDerivations",
    "description",
    "self",
    "",
    "startSet",
    "operator",
    "key",
    "path",
    "prefix",
    "outputSpecified",
    "requiredSystemFeatures",
    "__sub",
    "__lessThan",
    "__mul",
    "__div",
    "or",
    "__findFile",
    "__nixPath",
    "body",
];

/// A table entry: the address of a live symbol's name.
struct Entry(*const Name);

impl Entry {
    fn name(&self) -> &Name {
        // SAFETY: an entry is removed from the table (in `Symbol::drop`)
        // before the last `Rc` owning the name is dropped, so the pointer
        // is valid for as long as the entry exists.
        unsafe { &*self.0 }
    }

    /// Whether this entry's name is `text`, whose hash is `hash`: the
    /// stored hash and length rule out nearly every other name, and a
    /// name of at most 16 bytes is wholly in its prefix, so its text (a
    /// separate allocation, another cache miss) is read only for longer
    /// names.
    #[inline]
    fn is(&self, hash: u64, text: &str) -> bool {
        let name = self.name();
        if name.hash != hash || name.text.len() != text.len() {
            return false;
        }
        if text.len() <= 16 {
            // Equal lengths: the zero padding cannot hide a difference.
            name.prefix == prefix_of(text)
        } else {
            &*name.text == text
        }
    }
}

/// The hash a name is filed under.
fn text_hash(text: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// The live names of one thread. A raw table rather than a set keyed by
/// text: growing it rehashes from the stored hashes and a dropped name is
/// found by its address, where a `HashSet<Entry>` read every name's text
/// again each time (a third of the interning cost on set-heavy code).
type Table = hashbrown::HashTable<Entry>;

thread_local! {
    static TABLE: RefCell<Table> = const { RefCell::new(Table::new()) };
    static NEXT_SERIAL: Cell<u32> = const { Cell::new(PREALLOCATED.len() as u32) };
}

impl Symbol {
    /// The symbol for `s`: the existing one when a live symbol has this
    /// text, a new one otherwise.
    pub fn new(s: &str) -> Symbol {
        TABLE.with(|table| {
            let mut table = table.borrow_mut();
            let hash = text_hash(s);
            if let Some(entry) = table.find(hash, |e| e.is(hash, s)) {
                // SAFETY: the entry points at a live `Rc<Name>` (see
                // `Entry::name`); taking one more strong reference to it
                // keeps it alive.
                unsafe {
                    Rc::increment_strong_count(entry.0);
                    return Symbol(Rc::from_raw(entry.0));
                }
            }
            let rc = Rc::new(Name::new(s));
            table.insert_unique(hash, Entry(Rc::as_ptr(&rc)), |e| e.name().hash);
            Symbol(rc)
        })
    }

    /// The symbol for `s` if some live symbol has that text (otherwise no
    /// attribute set can have an attribute called `s`).
    pub fn existing(s: &str) -> Option<Symbol> {
        TABLE.with(|table| {
            let table = table.borrow();
            let hash = text_hash(s);
            let entry = table.find(hash, |e| e.is(hash, s))?;
            // SAFETY: as in `Symbol::new`.
            unsafe {
                Rc::increment_strong_count(entry.0);
                Some(Symbol(Rc::from_raw(entry.0)))
            }
        })
    }

    /// Where this name sorts in C++ Nix's own order of attribute sets,
    /// which is its symbol table's: the names it preallocates first (in
    /// their order), then every other name in the order it was first
    /// made. Forcing a set deeply (`--strict`, `deepSeq`) walks its
    /// attributes in this order, which decides which failing attribute is
    /// reported. (A name made again after it left the table gets a new,
    /// later place; C++ Nix never forgets a name.)
    pub fn creation_order(&self) -> u32 {
        self.0.serial
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// How many live symbols the current thread's table holds (for tests
    /// that check interning does not grow without bound).
    pub fn live_count() -> usize {
        TABLE.with(|t| t.borrow().len())
    }
}

impl Drop for Symbol {
    fn drop(&mut self) {
        if Rc::strong_count(&self.0) == 1 {
            // The last symbol with this text: forget it before the text is
            // freed. During thread teardown the table may be gone already,
            // and then there is nothing to forget.
            let name = Rc::as_ptr(&self.0);
            let hash = self.0.hash;
            let _ = TABLE.try_with(|table| {
                if let Ok(found) = table
                    .borrow_mut()
                    .find_entry(hash, |e| std::ptr::eq(e.0, name))
                {
                    found.remove();
                }
            });
        }
    }
}

impl Clone for Symbol {
    fn clone(&self) -> Self {
        Symbol(self.0.clone())
    }
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(Rc::as_ptr(&self.0), state)
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By bytes: the order C++ Nix prints attributes in.
impl Ord for Symbol {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&*self.0, &*other.0);
        match a.prefix.cmp(&b.prefix) {
            Ordering::Equal if !Rc::ptr_eq(&self.0, &other.0) => {
                a.text.as_bytes().cmp(b.text.as_bytes())
            }
            unequal_or_same => unequal_or_same,
        }
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_share_one_symbol() {
        let a = Symbol::new("interned-equal");
        let b = Symbol::new(&String::from("interned-equal"));
        assert!(Rc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
        assert_ne!(a, Symbol::new("interned-other"));
        assert!(Symbol::new("a") < Symbol::new("b"));
        assert!(Symbol::new("B") < Symbol::new("a"));
    }

    #[test]
    fn order_is_byte_order() {
        let mut names: Vec<Symbol> = (0..300)
            .map(|i| Symbol::new(&format!("order-{}", "a".repeat(i))))
            .collect();
        names.extend((0..300).map(|i| Symbol::new(&format!("order-{i}"))));
        names.push(Symbol::new(""));
        names.push(Symbol::new("order-aaaaaaaaaaa\0"));
        names.push(Symbol::new("order-aaaaaaaaaaa\0\0b"));
        names.push(Symbol::new("\u{10FFFF}"));
        for a in &names {
            for b in &names {
                assert_eq!(a.cmp(b), a.as_str().cmp(b.as_str()), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn preallocated_index_matches_the_list() {
        for (i, name) in PREALLOCATED.iter().enumerate() {
            assert_eq!(preallocated_index(name), Some(i as u32), "{name}");
        }
        assert_eq!(preallocated_index("outPaths"), None);
    }

    #[test]
    fn creation_order_puts_preallocated_names_first() {
        let later = Symbol::new("creation-order-a");
        let latest = Symbol::new("creation-order-b");
        let out_path = Symbol::new("outPath");
        let drv_path = Symbol::new("drvPath");
        assert!(out_path.creation_order() < drv_path.creation_order());
        assert!(drv_path.creation_order() < later.creation_order());
        assert!(later.creation_order() < latest.creation_order());
    }

    #[test]
    fn names_leave_the_table_with_their_last_symbol() {
        let before = Symbol::live_count();
        let names: Vec<Symbol> = (0..1000)
            .map(|i| Symbol::new(&format!("leaves-{i}")))
            .collect();
        let again: Vec<Symbol> = (0..1000)
            .map(|i| Symbol::new(&format!("leaves-{i}")))
            .collect();
        assert_eq!(Symbol::live_count(), before + 1000);
        drop(names);
        assert_eq!(Symbol::live_count(), before + 1000);
        drop(again);
        assert_eq!(Symbol::live_count(), before);
        // A name made again after it left is a fresh, working symbol.
        let s = Symbol::new("leaves-7");
        assert_eq!(s.as_str(), "leaves-7");
        assert_eq!(Symbol::live_count(), before + 1);
    }
}
