//! The evaluator: forcing values, evaluating lowered expressions, calls.
//!
//! One [`Evaluator`] is one evaluation: it owns the sources it has read,
//! the global frame, the import cache and the registry that breaks
//! reference cycles when it is dropped (see [`registry`]). Evaluation is
//! recursive on the native stack; a call-depth counter and a stack-usage
//! check turn runaway recursion into a clean error.

mod call;
mod coerce;
mod expr;
mod force;
mod observe;
mod ops;

pub(crate) use expr::{blackhole_position, frame, frame_with};
pub(crate) use ops::{scalars_equal, with_forced};
pub mod registry;

use std::rc::Rc;

use rustc_hash::FxHashMap;
use tvix_syntax::exact;

pub use coerce::CoerceMode;

use crate::error::{ErrorKind, EvalError, EvalResult, Frame};
use crate::io::EvalIO;
use crate::lower::{self, Globals, Ir};
use crate::pos::{FileId, Pos, Sources};
use crate::value::{Env, Thunk, ThunkState, Value};

/// Settings of one evaluation.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `-I` entries then `NIX_PATH` entries: `(prefix, path)`, as written
    /// (see [`crate::search_path`]).
    pub search_path: Vec<(String, String)>,
    /// The directory relative search-path entries are resolved against;
    /// `None`: the process's working directory.
    pub cwd: Option<std::path::PathBuf>,
    /// Nested calls allowed before "max-call-depth exceeded".
    pub max_call_depth: usize,
    /// Native stack bytes kept free: evaluation fails cleanly when less
    /// than this is left on the current thread.
    pub stack_reserve: usize,
    /// `$HOME`, for `~/` path literals.
    pub home: Option<String>,
    /// Experimental features switched on (`parse-toml-timestamps`, …).
    pub experimental_features: Vec<String>,
    /// Parse-time literal lints.
    pub lints: crate::lint::Lints,
    /// Pure evaluation (`--pure-eval`), with C++ Nix 2.8's rules: no
    /// search path, no `currentTime`/`currentSystem`, `getEnv` always
    /// `""`, no file access outside what fetchers produced, fetchers only
    /// with a hash or a locked revision, no `storePath`.
    pub pure_eval: bool,
    /// Whether dropping the evaluator breaks the reference cycles its
    /// evaluations made (see [`registry`]), so that their memory is
    /// freed. Off only for a process that ends right after evaluating and
    /// never drops the evaluator (`tvix eval`): the
    /// handles it keeps cost time and keep the memory of freed frames and
    /// thunks allocated until they are pruned.
    pub break_cycles_on_drop: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            search_path: Vec::new(),
            cwd: None,
            max_call_depth: 10000,
            stack_reserve: 4 * 1024 * 1024,
            home: None,
            experimental_features: Vec::new(),
            lints: crate::lint::Lints::default(),
            pure_eval: false,
            break_cycles_on_drop: true,
        }
    }
}

/// Stack size for a thread that runs evaluations with the default
/// [`Settings::stack_reserve`], leaving headroom for the parser and printing.
pub const EVAL_STACK: usize = 512 * 1024 * 1024;

/// One evaluation.
pub struct Evaluator {
    /// Every source read so far (files, `-E` text).
    pub sources: Sources,
    /// Settings.
    pub settings: Settings,
    pub(crate) io: Rc<dyn EvalIO>,
    pub(crate) globals: Globals,
    pub(crate) base_env: Rc<Env>,
    pub(crate) builtins: Value,
    pub(crate) import_cache: FxHashMap<String, Value>,
    pub(crate) registry: registry::Registry,
    pub(crate) call_depth: usize,
    /// The shape of the `derivation` wrapper, once it is loaded (see
    /// `builtins::derivation_wrapper`).
    pub(crate) derivation_wrapper: Option<Rc<crate::builtins::derivation_wrapper::Shape>>,
    /// Lowest address of this thread's native stack (`usize::MAX`: not
    /// computed yet).
    stack_bottom: usize,
    /// `stack_bottom + stack_reserve`, once computed (`usize::MAX` until
    /// then, which sends the first check to the slow path).
    stack_limit: usize,
    /// Nesting of `tryEval` (debug hooks and `trace` want to know).
    pub(crate) try_depth: usize,
    /// Thunks that memoised an error still on its way out (see
    /// [`Evaluator::settle_memoised_errors`]).
    pub(crate) unsettled_failures: Vec<std::rc::Weak<std::cell::RefCell<ThunkState>>>,
    pub(crate) regex_cache: crate::builtins::regex::Cache,
    /// Paths already "copied" to the store, with their store path strings.
    pub(crate) store_paths: FxHashMap<String, crate::value::NixString>,
    /// Derivations and texts this evaluation put into the store.
    pub(crate) known_paths: crate::store::KnownPaths,
    /// In pure evaluation, the paths files may be read from (what
    /// fetchers produced).
    pub(crate) allowed_paths: Vec<String>,
    /// Where the builtin running now was called, for the few messages
    /// that name it in their text (builtins get no position otherwise).
    pub(crate) primop_call_pos: Pos,
    /// The attached debug observer; every hook site tests this once.
    pub(crate) observer: Option<Box<dyn crate::observer::Observer>>,
    /// Open observed nodes, calls and thunk forcings.
    pub(crate) obs_depth: usize,
    /// The last error reported to the observer (by address), so that an
    /// error is reported once, where it is raised.
    pub(crate) obs_last_error: (usize, Pos, usize),
    /// Position of the innermost observed node being evaluated.
    pub(crate) obs_pos: Pos,
    /// Frame names of the code lowered since an observer was first
    /// attached (for a debugger's scopes view).
    pub(crate) frame_names: Option<lower::NameTable>,
}

impl Evaluator {
    /// A fresh evaluation that does IO through `io`.
    pub fn new(io: Box<dyn EvalIO>, mut settings: Settings) -> Evaluator {
        // C++ Nix does not even read the search path in pure mode.
        if settings.pure_eval {
            settings.search_path.clear();
        }
        let registry = registry::Registry::new(settings.break_cycles_on_drop);
        let mut ev = Evaluator {
            sources: Sources::default(),
            settings,
            io: Rc::new(crate::store_overlay::StoreOverlay::new(Rc::from(io))),
            globals: Globals::default(),
            base_env: Rc::new(Env::new(crate::value::Slots::new(), None)),
            builtins: Value::Null,
            import_cache: FxHashMap::default(),
            registry,
            call_depth: 0,
            derivation_wrapper: None,
            stack_bottom: usize::MAX,
            stack_limit: usize::MAX,
            try_depth: 0,
            unsettled_failures: Vec::new(),
            regex_cache: FxHashMap::default(),
            store_paths: FxHashMap::default(),
            known_paths: crate::store::KnownPaths::default(),
            allowed_paths: Vec::new(),
            primop_call_pos: Pos::NONE,
            observer: None,
            obs_depth: 0,
            obs_last_error: (0, Pos::NONE, 0),
            obs_pos: Pos::NONE,
            frame_names: None,
        };
        crate::builtins::install(&mut ev);
        ev
    }

    /// Parses and evaluates `text` (named `name`, relative paths resolved
    /// against `base_dir`) to weak head normal form.
    pub fn eval_source(&mut self, name: &str, text: &str, base_dir: &str) -> EvalResult<Value> {
        let (ir, _) = self.parse_and_lower(name, text, base_dir)?;
        let env = self.base_env.clone();
        self.eval(&ir, &env)
    }

    /// Like [`Evaluator::eval_source`] for a source file's bytes, which
    /// need not be UTF-8 (string literals keep such bytes as they are).
    pub fn eval_source_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        base_dir: &str,
    ) -> EvalResult<Value> {
        let (text, escapes) = crate::source_bytes::decode(bytes);
        let (ir, _) = self.parse_and_lower_escaped(name, &text, escapes, base_dir, &[])?;
        let env = self.base_env.clone();
        self.eval(&ir, &env)
    }

    /// Parses and evaluates `text` (named `name`, relative paths resolved
    /// against `base_dir`) to weak head normal form with `bindings` in
    /// scope over the global frame. Bindings shadow builtins, and a later
    /// binding shadows an earlier one of the same name.
    pub fn eval_with_bindings(
        &mut self,
        name: &str,
        text: &str,
        base_dir: &str,
        bindings: &[(&str, Value)],
    ) -> EvalResult<Value> {
        let (ir, env) = self.lower_with_bindings(name, text, base_dir, bindings)?;
        self.eval(&ir, &env)
    }

    /// Like [`Evaluator::eval_with_bindings`], but parses only: the result
    /// is a suspended evaluation (a thunk) that runs when first forced, as
    /// `NAME = EXPR` in `nix repl` binds lazily. Parse errors are reported
    /// at once.
    pub fn thunk_with_bindings(
        &mut self,
        name: &str,
        text: &str,
        base_dir: &str,
        bindings: &[(&str, Value)],
    ) -> EvalResult<Value> {
        let (ir, env) = self.lower_with_bindings(name, text, base_dir, bindings)?;
        Ok(self.make_thunk(&ir, &env))
    }

    /// Parses and lowers `text` with `bindings` (the last of each name
    /// kept) in a frame over the global one, and builds that frame.
    fn lower_with_bindings(
        &mut self,
        name: &str,
        text: &str,
        base_dir: &str,
        bindings: &[(&str, Value)],
    ) -> EvalResult<(Rc<Ir>, Rc<Env>)> {
        // Keep only the last binding of each name (later wins).
        let mut kept: Vec<(&str, Value)> = Vec::with_capacity(bindings.len());
        for (i, (n, v)) in bindings.iter().enumerate() {
            if !bindings[i + 1..].iter().any(|(m, _)| m == n) {
                kept.push((n, v.clone()));
            }
        }
        let names: Vec<crate::value::Symbol> = kept
            .iter()
            .map(|(n, _)| crate::value::Symbol::new(n))
            .collect();
        let (ir, _) = self.parse_and_lower_in_scope(name, text, base_dir, &names)?;
        let base = self.base_env.clone();
        let env = if kept.is_empty() {
            base
        } else {
            self.new_complete_env(kept.into_iter().map(|(_, v)| v).collect(), &base)
        };
        Ok((ir, env))
    }

    /// Parses `text` and lowers it against the global frame.
    pub(crate) fn parse_and_lower(
        &mut self,
        name: &str,
        text: &str,
        base_dir: &str,
    ) -> EvalResult<(Rc<Ir>, FileId)> {
        self.parse_and_lower_in_scope(name, text, base_dir, &[])
    }

    /// Like `parse_and_lower`, with an extra frame binding `scope`.
    pub(crate) fn parse_and_lower_in_scope(
        &mut self,
        name: &str,
        text: &str,
        base_dir: &str,
        scope: &[crate::value::Symbol],
    ) -> EvalResult<(Rc<Ir>, FileId)> {
        self.parse_and_lower_escaped(name, text, None, base_dir, scope)
    }

    /// Like `parse_and_lower_in_scope` for a text decoded by
    /// [`crate::source_bytes::decode`] with `escapes`.
    pub(crate) fn parse_and_lower_escaped(
        &mut self,
        name: &str,
        text: &str,
        escapes: Option<crate::source_bytes::ByteEscapes>,
        base_dir: &str,
        scope: &[crate::value::Symbol],
    ) -> EvalResult<(Rc<Ir>, FileId)> {
        let file = self
            .sources
            .add_escaped(name.to_owned(), text.to_owned(), escapes);
        let ctx = exact::ParseContext {
            source_name: name,
            base_dir,
            home: self.settings.home.as_deref(),
        };
        let names: Vec<&str> = scope.iter().map(|s| s.as_str()).collect();
        let (expr, warnings) = exact::parse_with_warnings(text, &ctx, &names).map_err(|f| {
            let pos = match f.range() {
                Some(r) => Pos {
                    file,
                    offset: r.start().into(),
                },
                None => Pos::NONE,
            };
            EvalError::new(ErrorKind::Eval, f.message(), pos)
        })?;
        for w in warnings {
            let at = Pos {
                file,
                offset: w.offset.into(),
            };
            let (line, col) = self.sources.line_col(at).unwrap_or((1, 1));
            self.diagnostic(&format!("warning: at {name}:{line}:{col}: {}", w.message));
        }
        for finding in crate::lint::check(&expr, text, &self.settings.lints) {
            let pos = Pos {
                file,
                offset: finding.offset,
            };
            if finding.level == crate::lint::LintLevel::Fatal {
                return Err(EvalError::eval(finding.message, pos));
            }
            let warning = EvalError::eval(finding.message, pos).render_as("warning", &self.sources);
            self.diagnostic(warning.trim_end_matches('\n'));
        }
        Ok((
            lower::lower_source(
                &expr,
                file,
                &self.globals,
                scope,
                self.frame_names.as_mut(),
                escapes,
            ),
            file,
        ))
    }

    /// Fails cleanly when the native stack is nearly used up.
    #[inline]
    pub(crate) fn check_stack(&mut self, pos: Pos) -> EvalResult<()> {
        // The end of the stack is computed once (an evaluator never leaves
        // its thread); after that the check is one comparison with the
        // address of a local.
        let marker = 0u8;
        let here = std::ptr::addr_of!(marker) as usize;
        if here < self.stack_limit {
            return self.stack_exhausted(here, pos);
        }
        Ok(())
    }

    /// The slow side of [`Evaluator::check_stack`]: computes the limit
    /// from `settings.stack_reserve` on first use (it starts at
    /// `usize::MAX`), then fails when the stack really is nearly used up.
    #[cold]
    #[inline(never)]
    fn stack_exhausted(&mut self, here: usize, pos: Pos) -> EvalResult<()> {
        if self.stack_bottom == usize::MAX {
            self.stack_bottom = match stacker::remaining_stack() {
                Some(left) => here.saturating_sub(left),
                None => 0,
            };
        }
        self.stack_limit = self
            .stack_bottom
            .saturating_add(self.settings.stack_reserve);
        if here < self.stack_limit {
            return Err(EvalError::new(
                ErrorKind::StackOverflow,
                "stack overflow; max-call-depth exceeded",
                pos,
            ));
        }
        Ok(())
    }

    /// A suspended evaluation of `ir` in `env`, or its value directly when
    /// that needs no work (literals, variables, functions), as C++ Nix's
    /// `maybeThunk` does.
    pub(crate) fn make_thunk(&mut self, ir: &Rc<Ir>, env: &Rc<Env>) -> Value {
        use crate::lower::IrKind;
        match &ir.kind {
            IrKind::Const(v) => v.clone(),
            // A forced thunk is passed on as its value: whoever forces it
            // next skips the indirection.
            IrKind::Var { depth, slot, .. } => match env.lookup(*depth, *slot) {
                Some(Value::Thunk(t)) => t.forced().unwrap_or(Value::Thunk(t)),
                Some(v) => v,
                None => Value::Thunk(Thunk::suspended(ir.clone(), env.clone())),
            },
            IrKind::Lambda(l) => crate::value::Closure::value(l, env),
            _ => Value::Thunk(Thunk::suspended(ir.clone(), env.clone())),
        }
    }

    /// Forces `v` to weak head normal form.
    pub fn force(&mut self, v: &Value) -> EvalResult<Value> {
        match v {
            Value::Thunk(t) => self.force_thunk(t),
            other => Ok(other.clone()),
        }
    }

    /// Forces an owned `v`: like [`Evaluator::force`], without cloning a
    /// value that is already in weak head normal form.
    #[inline]
    pub(crate) fn force_owned(&mut self, v: Value) -> EvalResult<Value> {
        match v {
            Value::Thunk(t) => self.force_thunk(&t),
            other => Ok(other),
        }
    }

    // Out of line: inlined into `eval` it would enlarge the native frame
    // every node evaluation pays for.
    #[inline(never)]
    fn force_thunk(&mut self, t: &Thunk) -> EvalResult<Value> {
        let state = {
            let mut cell = t.0.borrow_mut();
            match &*cell {
                ThunkState::Forced(v) => return Ok(v.clone()),
                ThunkState::Blackhole(_) => {
                    drop(cell);
                    // Without a position: the expression forcing it gives
                    // one, if it has one (`eval_node`'s variables).
                    let mut e = EvalError::new(
                        ErrorKind::Eval,
                        "infinite recursion encountered",
                        Pos::NONE,
                    );
                    e.recursion_thunk = Some(Rc::as_ptr(&t.0) as usize);
                    e.position_pending = true;
                    return Err(e);
                }
                ThunkState::Failed(e) => return Err(e.clone()),
                ThunkState::Cleared => {
                    return Err(EvalError::eval(
                        "value used after its evaluation ended",
                        Pos::NONE,
                    ));
                }
                ThunkState::Suspended(ir, _) => {
                    let pos = ir.pos;
                    std::mem::replace(&mut *cell, ThunkState::Blackhole(pos))
                }
                ThunkState::Apply(_, _, pos) => {
                    let pos = *pos;
                    std::mem::replace(&mut *cell, ThunkState::Blackhole(pos))
                }
                ThunkState::Native(_) => {
                    std::mem::replace(&mut *cell, ThunkState::Blackhole(Pos::NONE))
                }
            }
        };
        if self.observer.is_some() {
            return self.force_thunk_observed(t, state);
        }
        self.finish_thunk(t, state)
    }

    /// Evaluates the suspended `state` taken out of `t` (now a blackhole)
    /// and stores the outcome in `t`.
    #[inline(always)]
    fn finish_thunk(&mut self, t: &Thunk, state: ThunkState) -> EvalResult<Value> {
        let result = match &state {
            ThunkState::Suspended(ir, env) => self.eval(ir, env),
            ThunkState::Apply(f, arg, pos) => self.apply_thunk(f, arg, *pos),
            ThunkState::Native(n) => self.force_native(n),
            _ => unreachable!("only suspended states are taken out"),
        };
        match result.and_then(|v| self.force_owned(v)) {
            Ok(v) => {
                if registry::may_close_cycle(&v) {
                    self.registry.thunk(t);
                }
                let mut cell = t.0.borrow_mut();
                let forced = ThunkState::Forced(v.clone());
                if let ThunkState::Blackhole(_) = &*cell {
                    // What `force_thunk` left: nothing to drop, so the
                    // out-of-line drop of a whole state is skipped.
                    std::mem::forget(std::mem::replace(&mut *cell, forced));
                } else {
                    *cell = forced;
                }
                drop(cell);
                Ok(v)
            }
            Err(e) => Err(self.thunk_failed(t, state, e)),
        }
    }

    /// Runs a lazy application `f arg`. `mapAttrs` and `zipAttrsWith`
    /// make `f name` a lazy application of its own that only this one
    /// holds: then nothing else can ever see its value, and both are
    /// applied at once ([`Evaluator::call2`]) instead of through a second
    /// thunk and an intermediate closure. (Not with an observer, which is
    /// told about every thunk forced.)
    #[inline]
    fn apply_thunk(&mut self, f: &Value, arg: &Value, pos: Pos) -> EvalResult<Value> {
        if self.observer.is_none()
            && let Value::Thunk(inner) = f
            && Rc::strong_count(&inner.0) == 1
            && let Ok(state) = inner.0.try_borrow()
            && let ThunkState::Apply(f0, a0, pos0) = &*state
            && *pos0 == pos
        {
            let (f0, a0) = (f0.clone(), a0.clone());
            drop(state);
            return self.call2(f0, a0, arg.clone(), pos);
        }
        self.call(f.clone(), arg.clone(), pos)
    }

    /// Records that evaluating `t` (whose suspended `state` was taken
    /// out) failed with `e`. Out of line: `finish_thunk` is inlined into
    /// `force_thunk`, on the hottest path.
    #[cold]
    #[inline(never)]
    fn thunk_failed(
        &mut self,
        t: &Thunk,
        state: ThunkState,
        mut e: Box<EvalError>,
    ) -> Box<EvalError> {
        e.position_pending = false;
        if e.recursion_thunk == Some(Rc::as_ptr(&t.0) as usize) {
            // This force started the cycle.
            e.frames.push_with(
                Frame {
                    message: "entering the infinite recursion".into(),
                    pos: Pos::NONE,
                },
                crate::error::FramePrint::Always,
            );
        }
        // A debugger's interruption is no outcome of the thunk: it stays
        // suspended, to be computed again when next forced.
        let outcome = if crate::observer::is_stop(&e) {
            state
        } else {
            drop(state);
            self.unsettled_failures.push(Rc::downgrade(&t.0));
            ThunkState::Failed(e.clone())
        };
        *t.0.borrow_mut() = outcome;
        e
    }

    /// Called where an error is caught (`tryEval`) with the error as it
    /// arrived there, and `mark`, the length of `unsettled_failures` when
    /// the catching expression started. In C++ Nix a failed thunk keeps
    /// the very exception object that went on to be caught, and every
    /// trace frame added on its way out is added to that object: the
    /// memoised error ends up with all of them (forcing the thunk again
    /// throws a copy, which later frames no longer reach). The thunks
    /// that failed with this error since `mark` are given it as caught.
    pub(crate) fn settle_memoised_errors(&mut self, mark: usize, caught: &EvalError) {
        for weak in self.unsettled_failures.drain(mark..) {
            let Some(cell) = weak.upgrade() else { continue };
            let mut state = cell.borrow_mut();
            if let ThunkState::Failed(memo) = &mut *state
                && memo.kind == caught.kind
                && memo.message == caught.message
                && memo.pos == caught.pos
            {
                memo.frames = caught.frames.clone();
            }
        }
    }

    /// Forces `v` and everything inside it (lists and sets), as `--strict`
    /// and `deepSeq` do.
    pub fn force_deep(&mut self, v: &Value) -> EvalResult<Value> {
        let mut seen = rustc_hash::FxHashSet::default();
        let v = self.force(v)?;
        self.force_deep_inner(&v, &mut seen)?;
        Ok(v)
    }

    /// One level of `force_deep`, counted as a call at the value's
    /// position as in C++ Nix (so a deep structure ends in a clean
    /// max-call-depth error); the frame of an attribute or list element
    /// covers everything below it.
    fn force_deep_inner(
        &mut self,
        v: &Value,
        seen: &mut rustc_hash::FxHashSet<usize>,
    ) -> EvalResult<()> {
        self.check_stack(Pos::NONE)?;
        let pos = crate::error::determine_pos(v);
        self.enter_call(pos)?;
        let r = self.force_deep_level(v, pos, seen);
        self.leave_call();
        r
    }

    fn force_deep_level(
        &mut self,
        v: &Value,
        pos: Pos,
        seen: &mut rustc_hash::FxHashSet<usize>,
    ) -> EvalResult<()> {
        // C++ Nix forces each value here at its `determinePos`: a
        // suspended call a builtin made without a call site, of a function
        // the builtin forced (a `genList` or `map` element), is called
        // from the function's position. (`mapAttrs` does not force its
        // function: C++ Nix finds no position through it, and neither
        // does this, its element calling a partial application.)
        if pos.is_some()
            && let Value::Thunk(t) = v
            && let Ok(mut state) = t.0.try_borrow_mut()
            && let ThunkState::Apply(Value::Lambda(_), _, call_site) = &mut *state
            && !call_site.is_some()
        {
            *call_site = pos;
        }
        let v = self.force(v).map_err(crate::error::overflow_at(pos))?;
        match &v {
            Value::Attrs(a) => {
                if !seen.insert(Rc::as_ptr(a) as usize) {
                    return Ok(());
                }
                // In C++ Nix's order of the set (see
                // `Symbol::creation_order`): it decides which of several
                // failing attributes is reported.
                let mut order: smallvec::SmallVec<[&crate::value::Attr; 8]> = a.iter().collect();
                order.sort_unstable_by_key(|attr| attr.name.creation_order());
                for attr in order {
                    self.force_deep_inner(&attr.value, seen).map_err(|mut e| {
                        e.frames.push(Frame {
                            message: format!(
                                "while evaluating the attribute '{}'",
                                attr.name.as_str()
                            ),
                            pos: attr.pos,
                        });
                        e
                    })?;
                }
            }
            Value::List(l) => {
                if !seen.insert(Rc::as_ptr(l) as usize) {
                    return Ok(());
                }
                for (i, item) in l.iter().enumerate() {
                    self.force_deep_inner(item, seen).map_err(frame(
                        format!("while evaluating list element at index {i}"),
                        Pos::NONE,
                    ))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Records an entered call; fails when `max-call-depth` is exceeded.
    #[inline(always)]
    pub(crate) fn enter_call(&mut self, pos: Pos) -> EvalResult<()> {
        // As C++ Nix: the check comes before the increment, so the
        // deepest call runs at depth `max_call_depth + 1`.
        if self.call_depth > self.settings.max_call_depth {
            return Err(call_depth_exceeded(pos));
        }
        self.call_depth += 1;
        Ok(())
    }

    /// Records a left call.
    pub(crate) fn leave_call(&mut self) {
        self.call_depth -= 1;
    }

    /// A value as error messages show it.
    pub fn show(&self, v: &Value) -> String {
        crate::print::show_value_in(v, Some(&self.sources))
    }

    /// The `builtins` set.
    pub fn builtins(&self) -> &Value {
        &self.builtins
    }

    /// Prints a diagnostic through the IO boundary (and tells the
    /// observer).
    pub(crate) fn diagnostic(&mut self, line: &str) {
        if self.observer.is_some() {
            self.observe_output(line);
        }
        self.io.print_diagnostic(line);
    }
}

impl Drop for Evaluator {
    fn drop(&mut self) {
        self.import_cache.clear();
        self.builtins = Value::Null;
        self.base_env.slots.borrow_mut().clear();
        self.registry.clear();
    }
}

/// Lexical canonicalisation of an absolute path (`.`, `..`, `//`).
pub(crate) fn canonicalise(path: &str) -> String {
    ops::canonicalise_path(path)
}

impl Evaluator {
    /// C++ Nix's `checkSourcePath`: in pure evaluation, reading `path`
    /// is allowed only inside what a fetcher produced (and the built-in
    /// `<nix/…>` files).
    pub fn check_source_path(&self, path: &str, pos: Pos) -> EvalResult<()> {
        if !self.settings.pure_eval || path.starts_with("/__corepkgs__") {
            return Ok(());
        }
        let path = canonicalise(path);
        let inside = |dir: &String| {
            path == *dir
                || path
                    .strip_prefix(dir.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        if self.allowed_paths.iter().any(inside) {
            return Ok(());
        }
        Err(EvalError::eval(
            format!(
                "access to absolute path '{path}' is forbidden in pure eval mode (use '--impure' to override)"
            ),
            pos,
        ))
    }
}

/// The error of a call past `max-call-depth` (out of line: every call
/// checks the depth).
#[cold]
#[inline(never)]
fn call_depth_exceeded(pos: Pos) -> Box<EvalError> {
    EvalError::new(
        ErrorKind::StackOverflow,
        "stack overflow; max-call-depth exceeded",
        pos,
    )
}

#[cfg(test)]
mod tests {
    use super::{Evaluator, Settings, Value};

    #[test]
    fn bindings_shadow_builtins_and_later_bindings_win() {
        std::thread::Builder::new()
            .stack_size(super::EVAL_STACK)
            .spawn(bindings_check)
            .unwrap()
            .join()
            .unwrap();
    }

    fn bindings_check() {
        let mut ev = Evaluator::new(Box::new(crate::StdIO), Settings::default());
        let bindings = [
            ("map", Value::Int(1)),
            ("x", Value::Int(2)),
            ("x", Value::Int(3)),
        ];
        let v = ev
            .eval_with_bindings("«test»", "map * 100 + x", "/", &bindings)
            .unwrap();
        assert!(matches!(v, Value::Int(103)), "{}", ev.show(&v));
        let t = ev
            .thunk_with_bindings("«test»", "throw \"not yet\"", "/", &bindings)
            .unwrap();
        assert!(matches!(t, Value::Thunk(_)));
        assert!(ev.force(&t).is_err());
    }
}
