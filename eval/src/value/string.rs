//! Nix strings: immutable byte strings that carry their string context.
//!
//! Nix strings are not required to be UTF-8 (`builtins.readFile` of a binary
//! file is a valid string), so the payload is bytes. The context records
//! which store paths a string refers to; it is kept as a sorted, deduplicated
//! list of encoded elements (`/nix/store/…` for a plain path, `=…drv` for a
//! derivation with all outputs, `!out!…drv` for one output), as C++ Nix
//! encodes them.

use std::fmt;
use std::rc::Rc;

/// A string's context: sorted, deduplicated encoded elements.
pub type Context = Vec<Rc<str>>;

struct Inner {
    bytes: Box<[u8]>,
    /// A boxed slice: one allocation fewer than a boxed `Vec`, for every
    /// string with context (every derivation makes several).
    context: Option<Box<[Rc<str>]>>,
}

/// An immutable Nix string (cheap to clone: one pointer).
#[derive(Clone)]
pub struct NixString(Rc<Inner>);

impl NixString {
    /// A string without context.
    pub fn new(bytes: impl Into<Box<[u8]>>) -> Self {
        NixString(Rc::new(Inner {
            bytes: bytes.into(),
            context: None,
        }))
    }

    /// A string with the given context (sorted and deduplicated here).
    pub fn with_context(bytes: impl Into<Box<[u8]>>, mut context: Context) -> Self {
        context.sort();
        context.dedup();
        NixString(Rc::new(Inner {
            bytes: bytes.into(),
            context: if context.is_empty() {
                None
            } else {
                Some(context.into_boxed_slice())
            },
        }))
    }

    /// The bytes of the string.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0.bytes
    }

    /// The string as text, with invalid UTF-8 replaced (for messages).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0.bytes)
    }

    /// The context elements (empty when the string has none).
    pub fn context(&self) -> &[Rc<str>] {
        self.0.context.as_deref().unwrap_or(&[])
    }

    /// Whether the string carries any context.
    pub fn has_context(&self) -> bool {
        self.0.context.is_some()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.bytes.len()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.0.bytes.is_empty()
    }

    /// Whether both handles point at the same string object.
    pub fn ptr_eq(&self, other: &NixString) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl From<&str> for NixString {
    fn from(s: &str) -> Self {
        NixString::new(s.as_bytes())
    }
}

impl From<String> for NixString {
    fn from(s: String) -> Self {
        NixString::new(s.into_bytes())
    }
}

impl fmt::Debug for NixString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_str_lossy())
    }
}

impl PartialEq for NixString {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

/// Accumulates bytes and context while building a string (interpolation,
/// `+`, `concatStringsSep`, …).
#[derive(Default)]
pub struct StringBuilder {
    /// The bytes so far.
    pub bytes: Vec<u8>,
    /// The context so far (unsorted until [`StringBuilder::finish`]).
    pub context: Context,
}

impl StringBuilder {
    /// Appends a string with its context.
    pub fn push(&mut self, s: &NixString) {
        self.bytes.extend_from_slice(s.as_bytes());
        self.context.extend(s.context().iter().cloned());
    }

    /// Appends bytes without context.
    pub fn push_bytes(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b);
    }

    /// The finished string.
    pub fn finish(self) -> NixString {
        NixString::with_context(self.bytes, self.context)
    }
}
