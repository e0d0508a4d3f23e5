//! The lowered expression tree the evaluator runs.
//!
//! Shaped like `tvix_syntax::exact::Expr`, with three differences: every
//! variable is resolved (a static `(depth, slot)` pair, or the list of
//! enclosing `with` frames to search), attribute sets list their static
//! attributes sorted by name, and every node carries a [`Pos`] naming its
//! file, so errors and `__curPos` need no other context.

use std::rc::Rc;

use tvix_syntax::exact::BinOp;

use crate::pos::Pos;
use crate::value::{Symbol, Value};

/// One node: what it computes and where it is.
pub struct Ir {
    /// Where C++ Nix says this node is.
    pub pos: Pos,
    /// What it computes.
    pub kind: IrKind,
}

/// The kinds of nodes.
pub enum IrKind {
    /// A literal (integer, float, string, path).
    Const(Value),
    /// A statically resolved variable: `depth` frames up, slot `slot`.
    Var {
        /// Frames to walk up.
        depth: u32,
        /// Index in that frame.
        slot: u32,
        /// The name (for messages).
        name: Symbol,
    },
    /// A variable only a `with` can provide: search the `with` frames at
    /// these depths, innermost first.
    WithVar {
        /// The name.
        name: Symbol,
        /// Depths of the enclosing `with` frames.
        withs: Vec<u32>,
    },
    /// `__curPos`.
    CurPos,
    /// `e.a.b` or `e.a.b or d`.
    Select {
        /// The set.
        expr: Rc<Ir>,
        /// The attribute path.
        path: Vec<AttrKey>,
        /// The `or` default.
        default: Option<Rc<Ir>>,
    },
    /// `e ? a.b`.
    HasAttr {
        /// The set.
        expr: Rc<Ir>,
        /// The attribute path.
        path: Vec<AttrKey>,
    },
    /// `{ … }` or `rec { … }`.
    Attrs(Rc<AttrsIr>),
    /// `let … in body`.
    Let {
        /// The bindings (always recursive, never dynamic).
        attrs: Rc<AttrsIr>,
        /// The body, in the `let` frame (or the inherit-from frame's parent).
        body: Rc<Ir>,
    },
    /// `[ … ]`.
    List(Vec<Rc<Ir>>),
    /// A function.
    Lambda(Rc<Lambda>),
    /// `f a b …`.
    Call {
        /// The function.
        fun: Rc<Ir>,
        /// The arguments, applied one at a time.
        args: Vec<Rc<Ir>>,
    },
    /// `f a b` where `f` is one of the global arithmetic or comparison
    /// builtins (`__sub`, `__mul`, `__div`, `__lessThan`: what C++ Nix's
    /// parser makes of `a - b`, `a * b`, `a / b`, `a < b`), not rebound by
    /// any enclosing scope. Evaluated without a call: the operands are
    /// evaluated directly, with the builtin call's depth, trace frame and
    /// messages. Behaves exactly as the `Call` it replaces.
    BuiltinCall {
        /// Which builtin.
        op: InlineOp,
        /// The variable naming the builtin (what a debugger steps through:
        /// with an observer attached the node runs as a plain call).
        fun: Rc<Ir>,
        /// The two operands.
        args: [Rc<Ir>; 2],
    },
    /// `with e; body`: `body` runs in a frame holding `e` lazily.
    With {
        /// The scope expression.
        env: Rc<Ir>,
        /// The body.
        body: Rc<Ir>,
    },
    /// `if c then a else b`.
    If {
        /// The condition.
        cond: Rc<Ir>,
        /// Then branch.
        then_: Rc<Ir>,
        /// Else branch.
        else_: Rc<Ir>,
    },
    /// `assert c; body`.
    Assert {
        /// The condition.
        cond: Rc<Ir>,
        /// The body.
        body: Rc<Ir>,
        /// The condition printed in `--parse` form, for the message.
        text: Rc<str>,
    },
    /// `! e`.
    Not(Rc<Ir>),
    /// A binary operator.
    BinOp {
        /// Which.
        op: BinOp,
        /// Left operand.
        lhs: Rc<Ir>,
        /// Right operand.
        rhs: Rc<Ir>,
    },
    /// String interpolation or `+` chains.
    ConcatStrings {
        /// Whether the result must be a string (interpolation) rather than
        /// following the first operand's type.
        force_string: bool,
        /// The parts, each with the position C++ Nix records for it (for
        /// `${…}`, the `${`).
        parts: Vec<(Pos, Rc<Ir>)>,
    },
}

/// The builtins a [`IrKind::BuiltinCall`] runs inline.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InlineOp {
    /// `__sub` (`a - b`, `-a`).
    Sub,
    /// `__mul` (`a * b`).
    Mul,
    /// `__div` (`a / b`).
    Div,
    /// `__lessThan` (`a < b`, `a > b`, `a <= b`, `a >= b`).
    LessThan,
}

impl InlineOp {
    /// The op a global variable named `name` called with two arguments
    /// runs, if it is one of them.
    pub fn for_global(name: &str) -> Option<InlineOp> {
        Some(match name {
            "__sub" => InlineOp::Sub,
            "__mul" => InlineOp::Mul,
            "__div" => InlineOp::Div,
            "__lessThan" => InlineOp::LessThan,
            _ => return None,
        })
    }

    /// The builtin's name in `builtins` (as its trace frame says it).
    pub fn builtin_name(self) -> &'static str {
        match self {
            InlineOp::Sub => "sub",
            InlineOp::Mul => "mul",
            InlineOp::Div => "div",
            InlineOp::LessThan => "lessThan",
        }
    }
}

/// An element of an attribute path.
pub enum AttrKey {
    /// Known when lowering.
    Static(Symbol),
    /// Computed when evaluating.
    /// Computed when evaluating; the text is the expression in `--parse`
    /// form, for traces that cannot compute the name.
    Dynamic(Rc<Ir>, Rc<str>),
}

/// Where an attribute's value is evaluated.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AttrScope {
    /// In the set's own frame (`rec`, `let`) or the current one.
    Own,
    /// In the frame around a `rec`/`let` (plain `inherit x;`).
    Outer,
    /// In the inherit-from frame (`inherit (e) x;`).
    InheritFrom,
}

/// A static attribute.
pub struct AttrIr {
    /// Its name.
    pub name: Symbol,
    /// Its value.
    pub value: Rc<Ir>,
    /// Where it was defined.
    pub pos: Pos,
    /// Which frame the value is evaluated in.
    pub scope: AttrScope,
}

/// A dynamic attribute `${name} = value;`.
pub struct DynAttrIr {
    /// The name.
    pub name: Rc<Ir>,
    /// The value.
    pub value: Rc<Ir>,
    /// Where it was defined.
    pub pos: Pos,
}

/// The bindings of a set or `let`.
pub struct AttrsIr {
    /// Whether the bindings see each other (a frame is made for them).
    pub recursive: bool,
    /// Static attributes, sorted by name; in recursive sets slot `i` of
    /// the frame holds attribute `i`.
    pub attrs: Vec<AttrIr>,
    /// Dynamic attributes in source order.
    pub dynamic: Vec<DynAttrIr>,
    /// Sources of `inherit (e)`; when present they live in their own frame
    /// inside the set's frame.
    pub inherit_from: Vec<Rc<Ir>>,
    /// For recursive sets, when it matters: the order C++ Nix fills the
    /// frame in (see [`FillStep`]). `None`: attribute order, nothing shared.
    pub fill_plan: Option<Box<[FillStep]>>,
}

/// One slot of a recursive frame, in the order C++ Nix fills it: its
/// attributes in symbol-table order (`Symbol::creation_order`), and a
/// binding whose value is just a variable of the same frame that is
/// already filled shares that slot's value instead of getting a thunk of
/// its own (C++ Nix's `ExprVar::maybeThunk`). Which thunk is forced again
/// decides where "infinite recursion encountered" is reported.
#[derive(Clone, Copy, Debug)]
pub struct FillStep {
    /// The slot to fill.
    pub slot: u32,
    /// The slot whose value it shares, if any.
    pub alias_of: Option<u32>,
}

/// The [`FillStep`]s for slots named `names` whose values are `values`
/// (for each, the slot of the same frame it is just a variable of), or
/// `None` when that is slot order with nothing shared.
pub fn fill_plan(names: &[&Symbol], var_of: &[Option<u32>]) -> Option<Box<[FillStep]>> {
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_by_key(|&i| names[i as usize].creation_order());
    if var_of.iter().all(Option::is_none) {
        // Making thunks has no effect of its own: order alone does not
        // matter.
        return None;
    }
    let mut filled = vec![false; names.len()];
    let mut natural = true;
    let steps: Vec<FillStep> = order
        .iter()
        .enumerate()
        .map(|(n, &slot)| {
            let alias_of = var_of[slot as usize].filter(|&j| filled.get(j as usize) == Some(&true));
            filled[slot as usize] = true;
            natural &= alias_of.is_none() && slot as usize == n;
            FillStep { slot, alias_of }
        })
        .collect();
    (!natural).then(|| steps.into_boxed_slice())
}

/// A function.
pub struct Lambda {
    /// Where it starts.
    pub pos: Pos,
    /// The name it was bound to (`f = x: …`), for traces.
    pub name: Option<Symbol>,
    /// The whole-argument name (`x:` or `@x`), bound in the last slot.
    pub arg: Option<Symbol>,
    /// The formals, bound in slots `0..formals.len()` in source order.
    pub formals: Option<Formals>,
    /// The body.
    pub body: Rc<Ir>,
}

impl Lambda {
    /// Number of slots of the call frame.
    pub fn frame_size(&self) -> usize {
        self.formals.as_ref().map_or(0, |f| f.entries.len()) + usize::from(self.arg.is_some())
    }
}

/// `{ a, b ? d, ... }`.
pub struct Formals {
    /// In source order.
    pub entries: Vec<Formal>,
    /// `...` present.
    pub ellipsis: bool,
}

/// One formal.
pub struct Formal {
    /// Its name.
    pub name: Symbol,
    /// Its default, evaluated in the call frame.
    pub default: Option<Rc<Ir>>,
    /// Where the name is.
    pub pos: Pos,
}
