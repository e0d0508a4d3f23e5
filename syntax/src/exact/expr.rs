//! The desugared expression tree, shaped like C++ Nix's `Expr` classes.
//!
//! Desugarings happen while parsing, as in C++ Nix: `-e` is
//! `__sub 0 e`, `a < b` is `__lessThan a b`, `a <= b` is
//! `! (__lessThan b a)`, `<p>` is `__findFile __nixPath "p"`, `let { … }`
//! is `(rec { … }).body`, nested attribute paths are merged into nested
//! attribute sets, and string interpolation is a concatenation.
//!
//! Every node carries `pos`, the byte offset C++ Nix records for it (the
//! start of the construct, or the operator for binary operators).

use rustc_hash::FxHashMap;

use rnix::TextSize;

/// A Nix expression as C++ Nix's parser builds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// An integer literal.
    Int { pos: TextSize, value: i64 },
    /// A floating-point literal.
    Float { pos: TextSize, value: f64 },
    /// A string without interpolation (also URI literals).
    String { pos: TextSize, value: String },
    /// A path literal, already resolved to an absolute path.
    Path { pos: TextSize, value: String },
    /// A variable reference (also the desugared `__sub`, `__lessThan`, …).
    Var { pos: TextSize, name: String },
    /// `__curPos`.
    CurPos { pos: TextSize },
    /// `e.a.b` or `e.a.b or default`.
    Select {
        pos: TextSize,
        expr: Box<Expr>,
        path: Vec<AttrName>,
        default: Option<Box<Expr>>,
    },
    /// `e ? a.b`.
    HasAttr {
        pos: TextSize,
        expr: Box<Expr>,
        path: Vec<AttrName>,
    },
    /// `{ … }` or `rec { … }`.
    Attrs(Box<Attrs>),
    /// `[ … ]`.
    List { pos: TextSize, elems: Vec<Expr> },
    /// A function.
    Lambda(Box<Lambda>),
    /// A call with one or more arguments; C++ Nix folds `f a b` into one
    /// call, and appends arguments to any call in function position.
    Call {
        pos: TextSize,
        fun: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `let … in body`; `attrs` is never recursive-flagged and has no
    /// dynamic attributes.
    Let {
        pos: TextSize,
        attrs: Box<Attrs>,
        body: Box<Expr>,
    },
    /// `with env; body`.
    With {
        pos: TextSize,
        env: Box<Expr>,
        body: Box<Expr>,
    },
    /// `if cond then then_ else else_`.
    If {
        pos: TextSize,
        cond: Box<Expr>,
        then_: Box<Expr>,
        else_: Box<Expr>,
    },
    /// `assert cond; body`.
    Assert {
        pos: TextSize,
        cond: Box<Expr>,
        body: Box<Expr>,
    },
    /// `! e`.
    Not { pos: TextSize, expr: Box<Expr> },
    /// A binary operator that is not desugared into a call.
    BinOp {
        pos: TextSize,
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// String interpolation or `+`: `force_string` is true for string and
    /// indented-string interpolation, false for `+` and interpolated paths.
    ConcatStrings {
        pos: TextSize,
        force_string: bool,
        parts: Vec<StrPart>,
    },
    /// The source of an `inherit (src) …`: index into the enclosing
    /// [`Attrs::inherit_from`] (only ever inside an inherited
    /// attribute's [`Expr::Select`]).
    InheritFrom { pos: TextSize, index: usize },
}

/// Binary operators kept as their own node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `==`
    Eq,
    /// `!=`
    NEq,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `->`
    Impl,
    /// `//`
    Update,
    /// `++`
    ConcatLists,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::NEq => "!=",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::Impl => "->",
            BinOp::Update => "//",
            BinOp::ConcatLists => "++",
        }
    }
}

/// One element of a string concatenation, with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct StrPart {
    /// Where this part starts (for `${…}`, the `${`).
    pub pos: TextSize,
    /// The part's expression.
    pub expr: Expr,
}

/// One element of an attribute path.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrName {
    /// A name known while parsing (`a`, `"a"`, `${"a"}`).
    Static(String),
    /// A name computed at evaluation time (`${e}`, `"a${e}"`).
    Dynamic(Expr),
}

/// How an attribute was defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrKind {
    /// `name = value;`
    Plain,
    /// `inherit name;` (the value is a [`Expr::Var`] looked up outside a
    /// `rec`/`let`).
    Inherited,
    /// `inherit (src) name;` (the value is `Select(InheritFrom, [name])`).
    InheritedFrom,
}

/// A static attribute definition.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrDef {
    /// How it was defined.
    pub kind: AttrKind,
    /// Its value.
    pub value: Expr,
    /// Where its attribute path (or inherited name) starts.
    pub pos: TextSize,
}

/// A dynamic attribute definition `${name} = value;`.
#[derive(Clone, Debug, PartialEq)]
pub struct DynamicAttrDef {
    /// The name expression.
    pub name: Expr,
    /// The value.
    pub value: Expr,
    /// Where the attribute path starts.
    pub pos: TextSize,
}

/// Sets up to this size are searched by scanning their names.
const LINEAR_LOOKUP_MAX: usize = 8;

/// The bindings of an attribute set or `let`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attrs {
    /// Where the set starts (`{`, `rec` or `let`).
    pub pos: TextSize,
    /// `rec { … }` (and `let { … }`).
    pub recursive: bool,
    /// Static attributes in definition order (C++ Nix orders them by
    /// symbol, which is close to first-mention order).
    attrs: Vec<(String, AttrDef)>,
    /// Name → position in `attrs`, built only once the set is larger than
    /// [`LINEAR_LOOKUP_MAX`]: most sets are small, and scanning a few
    /// names beats hashing them.
    index: FxHashMap<String, usize>,
    /// Dynamic attributes in source order.
    pub dynamic: Vec<DynamicAttrDef>,
    /// The sources of `inherit (src) …`, in source order.
    pub inherit_from: Vec<Expr>,
}

impl Attrs {
    /// An empty set at `pos`.
    pub fn new(pos: TextSize) -> Self {
        Attrs {
            pos,
            ..Attrs::default()
        }
    }

    /// Static attributes in definition order.
    pub fn attrs(&self) -> &[(String, AttrDef)] {
        &self.attrs
    }

    /// The static attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&AttrDef> {
        self.position(name).map(|i| &self.attrs[i].1)
    }

    pub(crate) fn get_mut(&mut self, name: &str) -> Option<&mut AttrDef> {
        self.position(name).map(|i| &mut self.attrs[i].1)
    }

    fn position(&self, name: &str) -> Option<usize> {
        if self.attrs.len() <= LINEAR_LOOKUP_MAX {
            self.attrs.iter().position(|(n, _)| n == name)
        } else {
            self.index.get(name).copied()
        }
    }

    pub(crate) fn insert(&mut self, name: String, def: AttrDef) {
        let i = self.attrs.len();
        if i >= LINEAR_LOOKUP_MAX {
            if i == LINEAR_LOOKUP_MAX {
                for (k, (n, _)) in self.attrs.iter().enumerate() {
                    self.index.insert(n.clone(), k);
                }
            }
            self.index.insert(name.clone(), i);
        }
        self.attrs.push((name, def));
    }

    pub(crate) fn take_attrs(&mut self) -> Vec<(String, AttrDef)> {
        self.index.clear();
        std::mem::take(&mut self.attrs)
    }
}

/// A function `arg: body`, `{ formals }: body` or with `@`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// Where the function starts.
    pub pos: TextSize,
    /// The name bound to the whole argument, if any.
    pub arg: Option<String>,
    /// The destructuring pattern, if any.
    pub formals: Option<Formals>,
    /// The body.
    pub body: Expr,
}

/// `{ a, b ? d, ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Formals {
    /// The formals in source order (printing sorts them by name).
    pub formals: Vec<Formal>,
    /// Whether `...` is present.
    pub ellipsis: bool,
}

/// One formal argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Formal {
    /// Where its name is.
    pub pos: TextSize,
    /// Its name.
    pub name: String,
    /// Its default value.
    pub default: Option<Expr>,
}

impl Expr {
    /// The position C++ Nix records for this node.
    pub fn pos(&self) -> TextSize {
        match self {
            Expr::Int { pos, .. }
            | Expr::Float { pos, .. }
            | Expr::String { pos, .. }
            | Expr::Path { pos, .. }
            | Expr::Var { pos, .. }
            | Expr::CurPos { pos }
            | Expr::Select { pos, .. }
            | Expr::HasAttr { pos, .. }
            | Expr::List { pos, .. }
            | Expr::Call { pos, .. }
            | Expr::Let { pos, .. }
            | Expr::With { pos, .. }
            | Expr::If { pos, .. }
            | Expr::Assert { pos, .. }
            | Expr::Not { pos, .. }
            | Expr::BinOp { pos, .. }
            | Expr::ConcatStrings { pos, .. }
            | Expr::InheritFrom { pos, .. } => *pos,
            Expr::Attrs(a) => a.pos,
            Expr::Lambda(l) => l.pos,
        }
    }

    pub(crate) fn var(pos: TextSize, name: &str) -> Expr {
        Expr::Var {
            pos,
            name: name.to_string(),
        }
    }
}
