//! `derivation` without running its wrapper's Nix code: the same values,
//! built directly.
//!
//! `derivation` is C++ Nix's lazy wrapper around `derivationStrict`
//! (`derivation.nix`). Interpreting it costs a call frame, a `let` frame,
//! a dozen thunks and three `//` results per derivation: for 10,000
//! chained derivations 40 % of the time and half the memory of the whole
//! evaluation. What it returns is fully determined by its argument, so
//! this module builds exactly that — the same sets with the same
//! attribute positions, the same parts left unforced (`builtins.trace`
//! shows which), the same errors and trace frames when a part is forced
//! — in one merge and five thunks. The parts the wrapper leaves
//! suspended are [`NativeThunk`]s: an output's `outPath` and `drvPath`
//! and every output's set but the first are made directly when forced
//! (nothing in them can fail but `derivationStrict`, whose trace frames
//! are added as the wrapper's expressions add them); `all`, rarely
//! forced, makes the frames the wrapper would have made and evaluates
//! the wrapper's own expression for it.
//!
//! It is a fast path, taken only where nothing can tell: no observer
//! attached (a debugger steps through the wrapper's code), `outputs`
//! evaluating without error to distinct plain names, and call depth to
//! spare. Otherwise the wrapper runs. The shape of the wrapper is read
//! off its lowered code ([`Shape::of`]); `tests/derivation_wrapper.rs`
//! holds both ways to the same output.
//!
//! It must not change what any program prints: anything it cannot
//! reproduce exactly goes to the wrapper.

use std::cell::OnceCell;
use std::rc::Rc;

use smallvec::smallvec;
use tvix_syntax::exact::BinOp;

use crate::error::{EvalError, EvalResult};
use crate::eval::{Evaluator, blackhole_position, frame};
use crate::lower::{AttrKey, AttrsIr, Ir, IrKind, Lambda};
use crate::pos::Pos;
use crate::value::{
    Attr, AttrSet, Closure, Env, NativeThunk, Slots, Symbol, Thunk, ThunkState, Value,
};

/// What the native path needs to know of the wrapper: its function, the
/// expressions it evaluates for the rarely forced parts, the slots of
/// its frames and the positions of everything it makes.
pub(crate) struct Shape {
    /// `drvAttrs@{ outputs ? [ "out" ], ... }: …`.
    lambda: Rc<Lambda>,
    /// The frame it was made in.
    env: Rc<Env>,
    /// Slots of the `let` frame.
    slot_common: usize,
    slot_element_fn: usize,
    slot_outputs_list: usize,
    slot_strict: usize,
    /// Number of slots of the `let` frame.
    let_size: usize,
    /// The call `derivationStrict drvAttrs`.
    strict_pos: Pos,
    /// `all = map (x: x.value) outputsList;`: the expression and the
    /// attribute's position.
    all: Rc<Ir>,
    all_pos: Pos,
    /// `inherit drvAttrs;`.
    drv_attrs_pos: Pos,
    /// `outputToAttrListElement = outputName: { name = …; value = …; }`.
    element_fn: Rc<Lambda>,
    name_pos: Pos,
    value_pos: Pos,
    /// Where `commonAttrs // { outPath = …; … }` is.
    output_set_pos: Pos,
    /// `outPath = strict.${outputName};`: the attribute, the selection,
    /// and the variable `strict` in it.
    out_path_pos: Pos,
    out_path_select_pos: Pos,
    out_path_strict_pos: Pos,
    /// `drvPath = strict.drvPath;`, likewise.
    drv_path_pos: Pos,
    drv_path_select_pos: Pos,
    drv_path_strict_pos: Pos,
    /// `type = "derivation";`: position and value.
    type_pos: Pos,
    type_value: Value,
    /// `inherit outputName;`.
    output_name_pos: Pos,
    /// The default of `outputs`: `[ "out" ]`.
    default_outputs: Value,
    default_output: Value,
    /// The names the wrapper adds.
    sym_out_path: Symbol,
    sym_drv_path: Symbol,
    sym_type: Symbol,
    sym_output_name: Symbol,
    sym_all: Symbol,
    sym_drv_attrs: Symbol,
    sym_outputs: Symbol,
    sym_out: Symbol,
}

/// One natively made `derivation` result: what the wrapper's frames
/// would hold, for the parts forced later.
pub struct Parts {
    /// The wrapper these parts stand for.
    shape: Rc<Shape>,
    /// The argument, `drvAttrs`.
    attrs: Rc<AttrSet>,
    /// What `outputs` is bound to.
    outputs_value: Value,
    /// `strict`, the `derivationStrict` application.
    strict: Thunk,
    /// Every output, in the order of `outputs`.
    outputs: Box<[Output]>,
    /// The `all` attribute.
    all: Thunk,
    /// The wrapper's `let` frame, made when a part needs it.
    frame: OnceCell<Rc<Env>>,
}

/// One output of a natively made result.
struct Output {
    /// The name as `outputs` holds it (`outputName`'s value).
    name: Value,
    /// The name as an attribute name.
    symbol: Symbol,
    /// Its set (`value` of its `outputsList` element).
    set: Thunk,
}

impl Shape {
    /// Reads the shape off the wrapper function `v`, or `None` if it is
    /// not shaped as expected (then the wrapper always runs).
    pub(crate) fn of(v: &Value) -> Option<Shape> {
        let Value::Lambda(closure) = v else {
            return None;
        };
        let lambda = &closure.lambda;
        let formals = lambda.formals.as_ref()?;
        let [outputs_formal] = &formals.entries[..] else {
            return None;
        };
        let default_outputs = match &outputs_formal.default.as_ref()?.kind {
            IrKind::Const(v @ Value::List(_)) => v.clone(),
            IrKind::List(items) => match &items[..] {
                [item] => match &item.kind {
                    IrKind::Const(s @ Value::String(_)) => Value::list(vec![s.clone()]),
                    _ => return None,
                },
                _ => return None,
            },
            _ => return None,
        };
        let default_output = match &default_outputs {
            Value::List(items) => items.first()?.clone(),
            _ => return None,
        };
        if !formals.ellipsis
            || outputs_formal.name.as_str() != "outputs"
            || lambda.arg.as_ref()?.as_str() != "drvAttrs"
        {
            return None;
        }
        let IrKind::Let {
            attrs: bindings, ..
        } = &lambda.body.kind
        else {
            return None;
        };
        let slot = |name: &str| bindings.attrs.iter().position(|a| a.name.as_str() == name);
        let binding = |name: &str| slot(name).map(|i| &bindings.attrs[i]);

        let strict = binding("strict")?;
        if !matches!(strict.value.kind, IrKind::Call { .. }) {
            return None;
        }

        // `drvAttrs // (listToAttrs outputsList) // { all = …; inherit
        // drvAttrs; }` (`//` groups to the right).
        let mut common_tail = &binding("commonAttrs")?.value;
        while let IrKind::BinOp {
            op: BinOp::Update,
            rhs,
            ..
        } = &common_tail.kind
        {
            common_tail = rhs;
        }
        let common_tail = attrs_of(common_tail)?;
        let all = find(common_tail, "all")?;
        let drv_attrs = find(common_tail, "drvAttrs")?;

        let IrKind::Lambda(element_fn) = &binding("outputToAttrListElement")?.value.kind else {
            return None;
        };
        let element = attrs_of(&element_fn.body)?;
        let name = find(element, "name")?;
        let value = find(element, "value")?;
        let IrKind::BinOp {
            op: BinOp::Update,
            rhs: output_tail,
            ..
        } = &value.value.kind
        else {
            return None;
        };
        let output_tail = attrs_of(output_tail)?;
        let out_path = find(output_tail, "outPath")?;
        let drv_path = find(output_tail, "drvPath")?;
        let type_ = find(output_tail, "type")?;
        let output_name = find(output_tail, "outputName")?;
        let (out_path_strict_pos, dynamic) = selection_of_strict(&out_path.value)?;
        let (drv_path_strict_pos, static_) = selection_of_strict(&drv_path.value)?;
        if !matches!(dynamic, [AttrKey::Dynamic(..)])
            || !matches!(static_, [AttrKey::Static(s)] if s.as_str() == "drvPath")
        {
            return None;
        }
        let IrKind::Const(type_value @ Value::String(_)) = &type_.value.kind else {
            return None;
        };
        Some(Shape {
            lambda: lambda.clone(),
            env: closure.env.clone(),
            slot_common: slot("commonAttrs")?,
            slot_element_fn: slot("outputToAttrListElement")?,
            slot_outputs_list: slot("outputsList")?,
            slot_strict: slot("strict")?,
            let_size: bindings.attrs.len(),
            strict_pos: strict.value.pos,
            all: all.value.clone(),
            all_pos: all.pos,
            drv_attrs_pos: drv_attrs.pos,
            element_fn: element_fn.clone(),
            name_pos: name.pos,
            value_pos: value.pos,
            output_set_pos: value.value.pos,
            out_path_pos: out_path.pos,
            out_path_select_pos: out_path.value.pos,
            out_path_strict_pos,
            drv_path_pos: drv_path.pos,
            drv_path_select_pos: drv_path.value.pos,
            drv_path_strict_pos,
            type_pos: type_.pos,
            type_value: type_value.clone(),
            output_name_pos: output_name.pos,
            default_outputs,
            default_output,
            sym_out_path: Symbol::new("outPath"),
            sym_drv_path: Symbol::new("drvPath"),
            sym_type: Symbol::new("type"),
            sym_output_name: Symbol::new("outputName"),
            sym_all: Symbol::new("all"),
            sym_drv_attrs: Symbol::new("drvAttrs"),
            sym_outputs: Symbol::new("outputs"),
            sym_out: Symbol::new("out"),
        })
    }

    /// Whether `l` is the wrapper function.
    #[inline]
    pub(crate) fn is(&self, l: &Rc<Lambda>) -> bool {
        Rc::ptr_eq(&self.lambda, l)
    }
}

/// The bindings of a non-recursive set literal without dynamic or
/// inherited-from attributes.
fn attrs_of(ir: &Ir) -> Option<&AttrsIr> {
    match &ir.kind {
        IrKind::Attrs(a) if !a.recursive && a.dynamic.is_empty() && a.inherit_from.is_empty() => {
            Some(a)
        }
        _ => None,
    }
}

fn find<'a>(attrs: &'a AttrsIr, name: &str) -> Option<&'a crate::lower::AttrIr> {
    attrs.attrs.iter().find(|a| a.name.as_str() == name)
}

/// `strict.<path>`: the position of `strict` and the path.
fn selection_of_strict(ir: &Ir) -> Option<(Pos, &[AttrKey])> {
    match &ir.kind {
        IrKind::Select {
            expr,
            path,
            default: None,
        } => match &expr.kind {
            IrKind::Var { name, .. } if name.as_str() == "strict" => Some((expr.pos, path)),
            _ => None,
        },
        _ => None,
    }
}

impl Evaluator {
    /// `derivation attrs` made natively, or `None` when only running the
    /// wrapper gives the exact result (see the module docs). Never fails:
    /// whatever would fail is left to the wrapper, which fails the same
    /// way (a thunk that failed here fails again with the same error).
    pub(crate) fn derivation_natively(
        &mut self,
        shape: &Rc<Shape>,
        attrs: &Rc<AttrSet>,
    ) -> Option<Value> {
        // The wrapper's calls nest two deep (`head` → `map`, and
        // `listToAttrs` → `outputToAttrListElement`); it fails when they
        // would exceed the limit, so it runs then.
        if self.call_depth + 2 > self.settings.max_call_depth {
            return None;
        }
        let (outputs_value, names) = self.output_names(shape, attrs)?;

        let strict = Thunk::apply(
            Value::PrimOp(super::derivation::derivation_strict_op()),
            Value::Attrs(attrs.clone()),
            shape.strict_pos,
        );
        let outputs: Box<[Output]> = names
            .into_iter()
            .map(|(name, symbol)| Output {
                name,
                symbol,
                set: Thunk::placeholder(),
            })
            .collect();
        let parts = Rc::new(Parts {
            shape: shape.clone(),
            attrs: attrs.clone(),
            outputs_value,
            strict: strict.clone(),
            outputs,
            all: Thunk::placeholder(),
            frame: OnceCell::new(),
        });
        *parts.all.0.borrow_mut() = ThunkState::Native(NativeThunk::All(parts.clone()));
        for (index, output) in parts.outputs.iter().enumerate().skip(1) {
            *output.set.0.borrow_mut() = ThunkState::Native(NativeThunk::Output {
                parts: parts.clone(),
                index,
            });
        }
        // Each of these holds the parts, which hold it.
        self.registry.thunk(&parts.all);
        for output in parts.outputs.iter() {
            self.registry.thunk(&output.set);
        }

        // The result: the first output's set, forced.
        let set = Value::Attrs(Rc::new(output_set(&parts, 0)));
        *parts.outputs[0].set.0.borrow_mut() = ThunkState::Forced(set.clone());
        Some(set)
    }

    /// The value `outputs` is bound to and the output names it gives,
    /// forced as the wrapper forces them (the list inside `head` and
    /// `map`, each name inside `listToAttrs`), or `None` when the wrapper
    /// must run: a failure, something not a list of plain strings, no
    /// output, a repeated name, or a name that `derivationStrict` would
    /// split or reject differently from the wrapper (empty, with white
    /// space).
    fn output_names(
        &mut self,
        shape: &Shape,
        attrs: &AttrSet,
    ) -> Option<(Value, Vec<(Value, Symbol)>)> {
        let Some(given) = attrs.get_sym(&shape.sym_outputs) else {
            let name = shape.default_output.clone();
            return Some((
                shape.default_outputs.clone(),
                vec![(name, shape.sym_out.clone())],
            ));
        };
        let given = given.value.clone();
        self.call_depth += 2;
        let list = self.force(&given);
        self.call_depth -= 2;
        let Ok(Value::List(items)) = list else {
            return None;
        };
        if items.is_empty() {
            return None;
        }
        let mut names: Vec<(Value, Symbol)> = Vec::with_capacity(items.len());
        self.call_depth += 1;
        let forced: Option<()> = (|| {
            for item in items.iter() {
                let Ok(v) = self.force(item) else {
                    return None;
                };
                let Value::String(s) = &v else {
                    return None;
                };
                let text = std::str::from_utf8(s.as_bytes()).ok()?;
                if s.has_context()
                    || text.is_empty()
                    || text.bytes().any(|b| b.is_ascii_whitespace())
                    || names.iter().any(|(_, n)| n.as_str() == text)
                {
                    return None;
                }
                names.push((v.clone(), Symbol::new(text)));
            }
            Some(())
        })();
        self.call_depth -= 1;
        forced?;
        Some((given, names))
    }

    /// Evaluates a native part of a `derivation` result, as the wrapper
    /// evaluates the expression it stands for.
    pub(crate) fn force_native(&mut self, n: &NativeThunk) -> EvalResult<Value> {
        match n {
            NativeThunk::StrictAttr {
                parts,
                name,
                out_path,
            } => {
                let (shape, strict) = (&parts.shape, &parts.strict);
                // `strict.${outputName}` / `strict.drvPath`, as
                // `eval_select` evaluates it: the variable `strict` forced
                // (an infinite recursion placed at it), then the attribute,
                // which `derivationStrict`'s result always has.
                let (select_pos, strict_pos) = if *out_path {
                    (shape.out_path_select_pos, shape.out_path_strict_pos)
                } else {
                    (shape.drv_path_select_pos, shape.drv_path_strict_pos)
                };
                self.check_stack(select_pos)?;
                let result = match strict.forced() {
                    Some(v) => v,
                    None => {
                        self.check_stack(strict_pos)?;
                        self.force(&Value::Thunk(strict.clone()))
                            .map_err(|e| blackhole_position(e, strict_pos))
                            .map_err(frame("while selecting an attribute", strict_pos))?
                    }
                };
                // `derivationStrict`'s result is a set with `drvPath` and
                // every output the names were checked to give.
                match &result {
                    Value::Attrs(set) if let Some(attr) = set.get_sym(name) => {
                        let v = attr.value.clone();
                        self.force_owned(v)
                    }
                    _ => Err(EvalError::eval(
                        format!("attribute '{}' missing", name.as_str()),
                        select_pos,
                    )),
                }
            }
            // `commonAttrs // { … }` cannot fail (`commonAttrs` was
            // forced with the first output), so it is made directly.
            NativeThunk::Output { parts, index } => {
                self.check_stack(parts.shape.output_set_pos)?;
                Ok(Value::Attrs(Rc::new(output_set(parts, *index))))
            }
            NativeThunk::All(parts) => {
                let frame = self.wrapper_frame(parts);
                self.eval(&parts.shape.all, &frame)
            }
        }
    }

    /// The wrapper's `let` frame (and its call frame under it) for
    /// `parts`, as running it would have made them, made once.
    fn wrapper_frame(&mut self, parts: &Rc<Parts>) -> Rc<Env> {
        let shape = &parts.shape;
        if let Some(frame) = parts.frame.get() {
            return frame.clone();
        }
        let call = self.new_complete_env(
            smallvec![
                parts.outputs_value.clone(),
                Value::Attrs(parts.attrs.clone())
            ],
            &shape.env,
        );
        let frame = self.new_env(Slots::new(), &call);
        let mut slots: Slots = smallvec![Value::Null; shape.let_size];
        slots[shape.slot_common] = Value::Attrs(Rc::new(common_attrs(parts, &[])));
        slots[shape.slot_element_fn] = Closure::value(&shape.element_fn, &frame);
        slots[shape.slot_outputs_list] = Value::list(
            parts
                .outputs
                .iter()
                .map(|o| {
                    Value::Attrs(Rc::new(AttrSet::from_unsorted(vec![
                        Attr {
                            name: Symbol::new("name"),
                            value: o.name.clone(),
                            pos: shape.name_pos,
                        },
                        Attr {
                            name: Symbol::new("value"),
                            value: Value::Thunk(o.set.clone()),
                            pos: shape.value_pos,
                        },
                    ])))
                })
                .collect(),
        );
        slots[shape.slot_strict] = Value::Thunk(parts.strict.clone());
        *frame.slots.borrow_mut() = slots;
        let _ = parts.frame.set(frame.clone());
        frame
    }
}

/// Output `index`'s set: `commonAttrs // { outPath = strict.${outputName};
/// drvPath = strict.drvPath; type = "derivation"; inherit outputName; }`.
fn output_set(parts: &Rc<Parts>, index: usize) -> AttrSet {
    let shape = &parts.shape;
    let output = &parts.outputs[index];
    let own = [
        Attr {
            name: shape.sym_out_path.clone(),
            value: Value::Thunk(Thunk::native(NativeThunk::StrictAttr {
                parts: parts.clone(),
                name: output.symbol.clone(),
                out_path: true,
            })),
            pos: shape.out_path_pos,
        },
        Attr {
            name: shape.sym_drv_path.clone(),
            value: Value::Thunk(Thunk::native(NativeThunk::StrictAttr {
                parts: parts.clone(),
                name: shape.sym_drv_path.clone(),
                out_path: false,
            })),
            pos: shape.drv_path_pos,
        },
        Attr {
            name: shape.sym_type.clone(),
            value: shape.type_value.clone(),
            pos: shape.type_pos,
        },
        Attr {
            name: shape.sym_output_name.clone(),
            value: output.name.clone(),
            pos: shape.output_name_pos,
        },
    ];
    common_attrs(parts, &own)
}

/// `drvAttrs // (listToAttrs outputsList) // { all = …; inherit drvAttrs; }`,
/// and over that `own` (an output's `outPath`, `drvPath`, `type` and
/// `outputName`), in one merge: later layers win, as with `//`.
fn common_attrs(parts: &Parts, own: &[Attr]) -> AttrSet {
    let shape = &parts.shape;
    let mut added: Vec<Attr> = Vec::with_capacity(own.len() + 2 + parts.outputs.len());
    // Highest layer first: on equal names the first is kept.
    added.extend_from_slice(own);
    added.push(Attr {
        name: shape.sym_all.clone(),
        value: Value::Thunk(parts.all.clone()),
        pos: shape.all_pos,
    });
    added.push(Attr {
        name: shape.sym_drv_attrs.clone(),
        value: Value::Attrs(parts.attrs.clone()),
        pos: shape.drv_attrs_pos,
    });
    added.extend(parts.outputs.iter().map(|o| Attr {
        name: o.symbol.clone(),
        value: Value::Thunk(o.set.clone()),
        pos: shape.value_pos,
    }));
    parts.attrs.update(&AttrSet::from_unsorted(added))
}

#[cfg(test)]
mod tests {
    use crate::{Evaluator, Settings, StdIO};

    /// The native path is on: the wrapper's shape is recognised.
    #[test]
    fn the_wrappers_shape_is_recognised() {
        let recognised = std::thread::Builder::new()
            .stack_size(crate::EVAL_STACK)
            .spawn(|| {
                let mut ev = Evaluator::new(Box::new(StdIO), Settings::default());
                let v = ev.eval_source("«test»", "derivation", "/").unwrap();
                ev.force(&v).unwrap();
                ev.derivation_wrapper.is_some()
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(recognised);
    }
}
