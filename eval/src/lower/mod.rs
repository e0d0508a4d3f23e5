//! Lowering: `tvix_syntax::exact::Expr` → [`Ir`] with resolved variables.
//!
//! Scopes mirror C++ Nix's static environments: a lambda, `let` or `rec`
//! set opens a frame with one slot per name; `with` opens a frame with one
//! slot (its set); `inherit (e)` sources get a frame of their own. The
//! global names (builtins, `true`, …) live in the outermost frame, which is
//! static too, so — as in C++ Nix — a global is never shadowed by `with`.

mod ir;
mod names;

use std::rc::Rc;

use rustc_hash::FxHashMap;
use tvix_syntax::TextSize;
use tvix_syntax::exact::{self, AttrKind, AttrName, Expr};

pub use ir::{
    AttrIr, AttrKey, AttrScope, AttrsIr, DynAttrIr, Formal, Formals, InlineOp, Ir, IrKind, Lambda,
};
pub use names::{FrameKind, FrameNames, NameTable};

use crate::pos::{FileId, Pos};
use crate::source_bytes::ByteEscapes;
use crate::value::{NixString, Symbol, Value};

/// The global frame's layout: name → slot.
pub type Globals = FxHashMap<String, u32>;

enum Scope {
    /// Names bound by a lambda, `let` or `rec`.
    Static(FxHashMap<Symbol, u32>),
    /// A `with` frame.
    With,
    /// An `inherit (e)` frame: no names.
    Hidden,
}

/// Lowers the expressions of one file.
pub struct Lowerer<'g> {
    file: FileId,
    globals: &'g Globals,
    scopes: Vec<Scope>,
    /// Frame names recorded for debuggers, when asked for.
    names: Option<names::Recorder<'g>>,
    /// How the file's bytes that were not UTF-8 appear in its text.
    escapes: Option<ByteEscapes>,
}

/// Lowers `expr` from `file`, whose top level runs directly in the global
/// frame.
pub fn lower(expr: &Expr, file: FileId, globals: &Globals) -> Rc<Ir> {
    lower_in_scope(expr, file, globals, &[])
}

/// Lowers `expr` with one extra frame between it and the global frame,
/// binding `names` in order (`scopedImport`'s scope).
pub fn lower_in_scope(expr: &Expr, file: FileId, globals: &Globals, names: &[Symbol]) -> Rc<Ir> {
    lower_recording(expr, file, globals, names, None)
}

/// Like [`lower_in_scope`], recording every node's frame names in `table`
/// when one is given (for a debugger's scopes view).
pub fn lower_recording(
    expr: &Expr,
    file: FileId,
    globals: &Globals,
    names: &[Symbol],
    table: Option<&mut NameTable>,
) -> Rc<Ir> {
    lower_source(expr, file, globals, names, table, None)
}

/// Like [`lower_recording`] for a file decoded with `escapes`: string
/// literals get the file's original bytes back.
pub fn lower_source(
    expr: &Expr,
    file: FileId,
    globals: &Globals,
    names: &[Symbol],
    table: Option<&mut NameTable>,
    escapes: Option<ByteEscapes>,
) -> Rc<Ir> {
    let mut l = Lowerer {
        file,
        globals,
        scopes: Vec::new(),
        names: table.map(names::Recorder::new),
        escapes,
    };
    if !names.is_empty() {
        let scope = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        l.push_scope(Scope::Static(scope), FrameKind::Bindings);
    }
    let root = l.expr(expr);
    if let Some(r) = &mut l.names {
        r.table.keep_root(&root);
    }
    root
}

impl Lowerer<'_> {
    fn pos(&self, p: TextSize) -> Pos {
        Pos {
            file: self.file,
            offset: p.into(),
        }
    }

    fn sym(&mut self, s: &str) -> Symbol {
        Symbol::new(s)
    }

    fn node(&mut self, p: TextSize, kind: IrKind) -> Rc<Ir> {
        let ir = Rc::new(Ir {
            pos: self.pos(p),
            kind,
        });
        if let Some(r) = &mut self.names {
            r.record(&ir);
        }
        ir
    }

    /// Opens a scope (and, when recording, its frame's names).
    fn push_scope(&mut self, scope: Scope, kind: FrameKind) {
        if let Some(r) = &mut self.names {
            let names = match &scope {
                Scope::Static(map) => {
                    let mut names = vec![Symbol::new(""); map.len()];
                    for (n, &slot) in map {
                        if let Some(x) = names.get_mut(slot as usize) {
                            *x = n.clone();
                        }
                    }
                    names
                }
                Scope::With => vec![Symbol::new("with")],
                Scope::Hidden => Vec::new(),
            };
            r.push(kind, names);
        }
        self.scopes.push(scope);
    }

    /// Closes the innermost scope.
    fn pop_scope(&mut self) -> Option<Scope> {
        if let Some(r) = &mut self.names {
            r.pop();
        }
        self.scopes.pop()
    }

    fn var(&mut self, p: TextSize, name: &str) -> Rc<Ir> {
        let sym = self.sym(name);
        let mut withs = Vec::new();
        for (depth, scope) in self.scopes.iter().rev().enumerate() {
            match scope {
                Scope::Static(names) => {
                    if let Some(&slot) = names.get(&sym) {
                        return self.node(
                            p,
                            IrKind::Var {
                                depth: depth as u32,
                                slot,
                                name: sym,
                            },
                        );
                    }
                }
                Scope::With => withs.push(depth as u32),
                Scope::Hidden => {}
            }
        }
        if let Some(&slot) = self.globals.get(name) {
            match name {
                "true" => return self.node(p, IrKind::Const(Value::bool(true))),
                "false" => return self.node(p, IrKind::Const(Value::bool(false))),
                "null" => return self.node(p, IrKind::Const(Value::Null)),
                _ => {}
            }
            return self.node(
                p,
                IrKind::Var {
                    depth: self.scopes.len() as u32,
                    slot,
                    name: sym,
                },
            );
        }
        // With no `with` around, the parser has already rejected the name;
        // an empty list makes evaluation report it anyway.
        self.node(p, IrKind::WithVar { name: sym, withs })
    }

    fn exprs(&mut self, es: &[Expr]) -> Vec<Rc<Ir>> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn path(&mut self, path: &[AttrName]) -> Vec<AttrKey> {
        path.iter()
            .map(|n| match n {
                AttrName::Static(s) => AttrKey::Static(self.sym(s)),
                AttrName::Dynamic(e) => AttrKey::Dynamic(self.expr(e), Rc::from(e.to_string())),
            })
            .collect()
    }

    /// Lowers one expression.
    pub fn expr(&mut self, e: &Expr) -> Rc<Ir> {
        match e {
            Expr::Int { pos, value } => self.node(*pos, IrKind::Const(Value::Int(*value))),
            Expr::Float { pos, value } => self.node(*pos, IrKind::Const(Value::float(*value))),
            Expr::String { pos, value } => self.node(
                *pos,
                IrKind::Const(Value::String(match self.escapes {
                    Some(e) => NixString::new(e.restore(value)),
                    None => NixString::from(value.as_str()),
                })),
            ),
            Expr::Path { pos, value } => self.node(
                *pos,
                IrKind::Const(Value::Path(NixString::from(value.as_str()))),
            ),
            Expr::Var { pos, name } => self.var(*pos, name),
            Expr::CurPos { pos } => self.node(*pos, IrKind::CurPos),
            Expr::Select {
                pos,
                expr,
                path,
                default,
            } => {
                let expr = self.expr(expr);
                let path = self.path(path);
                let default = default.as_ref().map(|d| self.expr(d));
                self.node(
                    *pos,
                    IrKind::Select {
                        expr,
                        path,
                        default,
                    },
                )
            }
            Expr::HasAttr { pos, expr, path } => {
                let expr = self.expr(expr);
                let path = self.path(path);
                self.node(*pos, IrKind::HasAttr { expr, path })
            }
            Expr::Attrs(attrs) => {
                let ir = self.attrs(attrs, attrs.recursive, FrameKind::Rec);
                self.node(attrs.pos, IrKind::Attrs(ir))
            }
            Expr::List { pos, elems } => {
                let elems = self.exprs(elems);
                self.node(*pos, IrKind::List(elems))
            }
            Expr::Lambda(l) => {
                let lambda = self.lambda(l, None);
                self.node(l.pos, IrKind::Lambda(lambda))
            }
            Expr::Call { pos, fun, args } => {
                let fun_ir = self.expr(fun);
                let mut args = self.exprs(args);
                // A global arithmetic or comparison builtin (as the parser
                // desugars `a - b`, `a < b`, …) given both its operands runs
                // inline; a rebinding of its name in scope is a plain call.
                let inline = match (&**fun, &fun_ir.kind) {
                    (Expr::Var { name, .. }, IrKind::Var { depth, .. })
                        if args.len() == 2 && *depth as usize == self.scopes.len() =>
                    {
                        InlineOp::for_global(name)
                    }
                    _ => None,
                };
                match inline {
                    Some(op) => {
                        let rhs = args.pop().expect("two arguments");
                        let lhs = args.pop().expect("two arguments");
                        self.node(
                            *pos,
                            IrKind::BuiltinCall {
                                op,
                                fun: fun_ir,
                                args: [lhs, rhs],
                            },
                        )
                    }
                    None => self.node(*pos, IrKind::Call { fun: fun_ir, args }),
                }
            }
            Expr::Let { pos, attrs, body } => {
                let ir = self.attrs(attrs, true, FrameKind::Let);
                let frames = self.push_binding_frames(&ir);
                let body = self.expr(body);
                self.pop_frames(frames);
                self.node(*pos, IrKind::Let { attrs: ir, body })
            }
            Expr::With { pos, env, body } => {
                let env = self.expr(env);
                self.push_scope(Scope::With, FrameKind::With);
                let body = self.expr(body);
                self.pop_scope();
                self.node(*pos, IrKind::With { env, body })
            }
            Expr::If {
                pos,
                cond,
                then_,
                else_,
            } => {
                let (cond, then_, else_) = (self.expr(cond), self.expr(then_), self.expr(else_));
                self.node(*pos, IrKind::If { cond, then_, else_ })
            }
            Expr::Assert { pos, cond, body } => {
                let text: Rc<str> = Rc::from(cond.to_string());
                let (cond, body) = (self.expr(cond), self.expr(body));
                self.node(*pos, IrKind::Assert { cond, body, text })
            }
            Expr::Not { pos, expr } => {
                let e = self.expr(expr);
                self.node(*pos, IrKind::Not(e))
            }
            Expr::BinOp { pos, op, lhs, rhs } => {
                let (lhs, rhs) = (self.expr(lhs), self.expr(rhs));
                self.node(*pos, IrKind::BinOp { op: *op, lhs, rhs })
            }
            Expr::ConcatStrings {
                pos,
                force_string,
                parts,
            } => {
                let parts = parts
                    .iter()
                    .map(|p| (self.pos(p.pos), self.expr(&p.expr)))
                    .collect();
                self.node(
                    *pos,
                    IrKind::ConcatStrings {
                        force_string: *force_string,
                        parts,
                    },
                )
            }
            Expr::InheritFrom { pos, index } => {
                // Only reachable inside an inherited attribute, lowered with
                // the inherit-from frame innermost.
                self.node(
                    *pos,
                    IrKind::Var {
                        depth: 0,
                        slot: *index as u32,
                        name: Symbol::new("<inherit-from>"),
                    },
                )
            }
        }
    }

    /// Pushes the frames a `let`/`rec` body runs in: the bindings' frame.
    fn push_binding_frames(&mut self, ir: &AttrsIr) -> usize {
        let names = ir
            .attrs
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i as u32))
            .collect();
        self.push_scope(Scope::Static(names), FrameKind::Let);
        1
    }

    fn pop_frames(&mut self, n: usize) {
        for _ in 0..n {
            self.pop_scope();
        }
    }

    fn attrs(&mut self, attrs: &exact::Attrs, recursive: bool, kind: FrameKind) -> Rc<AttrsIr> {
        let mut defs: Vec<(Symbol, &exact::AttrDef)> = attrs
            .attrs()
            .iter()
            .map(|(n, d)| (self.sym(n), d))
            .collect();
        defs.sort_by(|a, b| a.0.cmp(&b.0));
        if recursive {
            let names = defs
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (n.clone(), i as u32))
                .collect();
            self.push_scope(Scope::Static(names), kind);
        }
        let inherit_from = self.exprs(&attrs.inherit_from);
        let mut out = Vec::with_capacity(defs.len());
        for (name, def) in defs {
            let (value, scope) = match def.kind {
                AttrKind::Plain => (self.named_value(&def.value, &name), AttrScope::Own),
                AttrKind::Inherited => {
                    let saved = if recursive { self.pop_scope() } else { None };
                    let v = self.expr(&def.value);
                    if let Some(s) = saved {
                        self.push_scope(s, kind);
                    }
                    (
                        v,
                        if recursive {
                            AttrScope::Outer
                        } else {
                            AttrScope::Own
                        },
                    )
                }
                AttrKind::InheritedFrom => {
                    self.push_scope(Scope::Hidden, FrameKind::InheritFrom);
                    let v = self.expr(&def.value);
                    self.pop_scope();
                    (v, AttrScope::InheritFrom)
                }
            };
            out.push(AttrIr {
                name,
                value,
                pos: self.pos(def.pos),
                scope,
            });
        }
        let dynamic = attrs
            .dynamic
            .iter()
            .map(|d| DynAttrIr {
                name: self.expr(&d.name),
                value: self.expr(&d.value),
                pos: self.pos(d.pos),
            })
            .collect();
        if recursive {
            self.pop_scope();
        }
        // With `__overrides` C++ Nix gives every attribute a thunk of its
        // own (an override replaces the slot, and whoever shared it would
        // keep the old value).
        let fill_plan = if recursive && !out.iter().any(|a| a.name.as_str() == "__overrides") {
            let names: Vec<&Symbol> = out.iter().map(|a| &a.name).collect();
            let var_of: Vec<Option<u32>> = out
                .iter()
                .map(|a| match (&a.scope, &a.value.kind) {
                    (AttrScope::Own, IrKind::Var { depth: 0, slot, .. }) => Some(*slot),
                    _ => None,
                })
                .collect();
            ir::fill_plan(&names, &var_of)
        } else {
            None
        };
        Rc::new(AttrsIr {
            recursive,
            attrs: out,
            dynamic,
            inherit_from,
            fill_plan,
        })
    }

    /// Lowers an attribute's value, naming it if it is a function (C++
    /// Nix's traces say "while calling 'f'").
    fn named_value(&mut self, e: &Expr, name: &Symbol) -> Rc<Ir> {
        match e {
            Expr::Lambda(l) => {
                let lambda = self.lambda(l, Some(name.clone()));
                self.node(l.pos, IrKind::Lambda(lambda))
            }
            _ => self.expr(e),
        }
    }

    fn lambda(&mut self, l: &exact::Lambda, name: Option<Symbol>) -> Rc<Lambda> {
        let mut names = FxHashMap::default();
        let formal_names: Vec<Symbol> = l
            .formals
            .iter()
            .flat_map(|f| f.formals.iter())
            .map(|f| self.sym(&f.name))
            .collect();
        for (i, n) in formal_names.iter().enumerate() {
            names.insert(n.clone(), i as u32);
        }
        let arg = l.arg.as_ref().map(|a| self.sym(a));
        if let Some(a) = &arg {
            names.insert(a.clone(), formal_names.len() as u32);
        }
        self.push_scope(Scope::Static(names), FrameKind::Lambda);
        let formals = l.formals.as_ref().map(|f| Formals {
            entries: f
                .formals
                .iter()
                .zip(&formal_names)
                .map(|(formal, sym)| Formal {
                    name: sym.clone(),
                    default: formal.default.as_ref().map(|d| self.expr(d)),
                    pos: self.pos(formal.pos),
                })
                .collect(),
            ellipsis: f.ellipsis,
        });
        // C++ Nix names curried inner lambdas after the binding too.
        let body = match &name {
            Some(n) => self.named_value(&l.body, n),
            None => self.expr(&l.body),
        };
        self.pop_scope();
        Rc::new(Lambda {
            pos: self.pos(l.pos),
            name,
            arg,
            formals,
            body,
        })
    }
}
