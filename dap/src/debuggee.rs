//! The evaluation thread: the observer that decides where to stop, and the
//! loop that answers the client while stopped.
//!
//! Stopping is blocking inside an observer callback: the evaluation's
//! stack stays intact, so every inspection (stack, scopes, values,
//! `evaluate`) runs right there, on this thread, with the callback's
//! `DebugContext`. The protocol thread forwards such requests through a
//! channel and this thread answers them itself.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};
use tvix_eval::lower::Ir;
use tvix_eval::observer::{
    BreakEvent, BuiltinEvent, CallEvent, DebugContext, DebugControl, ErrorEvent, ExprEvent,
    LeaveEvent, Observer, OutputEvent, OutputKind, ReturnEvent, ThunkEvent, is_stop,
};
use tvix_eval::pos::Pos;
use tvix_eval::value::{Env, Value};
use tvix_eval::{ErrorKind, EvalError};

use crate::breakpoints::{Action, BreakConfig, LineBreakpoint, file_key};
use crate::spans::SourceMap;
use crate::transport::Client;

/// How long a condition, logpoint, watch or expansion may evaluate.
pub const EVAL_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether the client counts lines and columns from 1.
#[derive(Clone, Copy, Debug)]
pub struct Coords {
    /// `linesStartAt1`.
    pub line1: bool,
    /// `columnsStartAt1`.
    pub col1: bool,
}

/// A source the evaluation has read.
#[derive(Clone, Debug)]
pub struct LoadedSource {
    /// Its name as positions show it.
    pub name: String,
    /// Its file, if it is one.
    pub path: Option<String>,
    /// Its reference for `source` requests (when it has no file).
    pub reference: i64,
}

impl LoadedSource {
    /// As the protocol describes it.
    pub fn to_json(&self) -> Json {
        match &self.path {
            Some(p) => json!({
                "name": std::path::Path::new(p)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned()),
                "path": p,
            }),
            None => json!({ "name": self.name, "sourceReference": self.reference }),
        }
    }
}

/// State shared by the protocol thread and the evaluation thread.
#[derive(Default)]
pub struct Shared {
    /// Set when `pause`, `terminate` or new breakpoints want the
    /// evaluation thread's attention (one load per expression).
    pub attention: AtomicBool,
    /// `pause` was asked for.
    pub pause: AtomicBool,
    /// `terminate` (or `disconnect`, `restart`) was asked for.
    pub terminate: AtomicBool,
    /// The evaluation ends because of a restart: no `terminated` event.
    pub restarting: AtomicBool,
    /// The evaluation is stopped and answers inspection requests.
    pub stopped: AtomicBool,
    /// The breakpoints.
    pub config: Mutex<BreakConfig>,
    /// Bumped on every breakpoint change.
    pub config_version: AtomicU64,
    /// Sources read so far.
    pub sources: Mutex<Vec<LoadedSource>>,
}

impl Shared {
    /// Asks the evaluation thread to look at the flags.
    pub fn poke(&self) {
        self.attention.store(true, Ordering::SeqCst);
    }
}

/// What the protocol thread sends the evaluation thread.
pub enum ToEval {
    /// An inspection request (stackTrace, scopes, variables, evaluate,
    /// exceptionInfo, source), answered by the evaluation thread.
    Request(Json),
    /// Go on.
    Resume(Resume),
    /// End the evaluation.
    Terminate,
}

/// How to go on after a stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// Until the next breakpoint.
    Continue,
    /// Step over.
    Next,
    /// Step in.
    StepIn,
    /// Step out.
    StepOut,
}

/// What is open on the evaluation's stack.
pub(crate) enum Open {
    /// A node being evaluated, in its frame.
    Node(Rc<Ir>, Rc<Env>),
    /// A lambda applied.
    Call {
        name: Option<String>,
        lambda: Pos,
        site: Pos,
    },
    /// A builtin running.
    Builtin { name: &'static str, site: Pos },
    /// A thunk being computed.
    Thunk { pos: Pos },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Run,
    In,
    Over(usize),
    Out(usize),
    OutDone,
}

/// One stack frame as shown while stopped.
pub(crate) struct FrameSnap {
    pub(crate) name: String,
    /// The innermost node evaluated in it.
    pub(crate) node: Option<(Rc<Ir>, Rc<Env>)>,
    /// Where it is when no node has started yet.
    pub(crate) pos: Pos,
}

/// What a variables reference refers to (valid until the next resume).
pub(crate) enum VarRef {
    /// A frame's slots with their names.
    Frame {
        env: Rc<Env>,
        names: Rc<tvix_eval::observer::FrameNames>,
    },
    /// A set or list to expand.
    Container(Value),
    /// A thunk to force when expanded (`lazy`).
    Force { name: String, value: Value },
}

struct FileState {
    key: Option<String>,
    bps: Vec<LineBreakpoint>,
    map: Option<Rc<SourceMap>>,
}

/// The debug adapter's observer.
pub struct DapObserver {
    pub(crate) client: Client,
    pub(crate) shared: Arc<Shared>,
    rx: Receiver<ToEval>,
    pub(crate) coords: Coords,
    pub(crate) base_dir: String,
    pub(crate) supports_invalidated: bool,
    config: BreakConfig,
    version: u64,
    files: Vec<FileState>,
    pub(crate) stack: Vec<Open>,
    step: Step,
    hits: HashMap<i64, u64>,
    stop_on_entry: bool,
    pending_function: Option<i64>,
    pub(crate) frames: Vec<FrameSnap>,
    pub(crate) refs: Vec<VarRef>,
    pub(crate) last_error: Option<(String, String)>,
}

/// Why the evaluation stops.
struct StopReason {
    reason: &'static str,
    description: Option<String>,
    text: Option<String>,
    hit: Vec<i64>,
}

impl StopReason {
    fn simple(reason: &'static str) -> StopReason {
        StopReason {
            reason,
            description: None,
            text: None,
            hit: Vec::new(),
        }
    }
}

impl DapObserver {
    /// An observer for one evaluation.
    pub fn new(
        client: Client,
        shared: Arc<Shared>,
        rx: Receiver<ToEval>,
        coords: Coords,
        base_dir: String,
        stop_on_entry: bool,
        supports_invalidated: bool,
    ) -> DapObserver {
        DapObserver {
            client,
            shared,
            rx,
            coords,
            base_dir,
            supports_invalidated,
            config: BreakConfig::default(),
            version: u64::MAX,
            files: Vec::new(),
            stack: Vec::new(),
            step: Step::Run,
            hits: HashMap::new(),
            stop_on_entry,
            pending_function: None,
            frames: Vec::new(),
            refs: Vec::new(),
            last_error: None,
        }
    }

    /// Sends an output event.
    pub(crate) fn send_output(&self, category: &str, text: String) {
        self.client.output(category, &text);
    }

    /// Takes new breakpoints and registers new sources.
    fn refresh(&mut self, cx: &DebugContext<'_>) {
        let version = self.shared.config_version.load(Ordering::SeqCst);
        if version != self.version {
            self.version = version;
            if let Ok(c) = self.shared.config.lock() {
                self.config = c.clone();
            }
            for f in &mut self.files {
                f.bps = f
                    .key
                    .as_ref()
                    .and_then(|k| self.config.files.get(k))
                    .cloned()
                    .unwrap_or_default();
            }
        }
        let mut id = self.files.len();
        while let Some(src) = cx.sources().get(tvix_eval::pos::FileId(id as u32)) {
            let is_file = src.name.starts_with('/');
            let key = is_file.then(|| file_key(&src.name));
            let bps = key
                .as_ref()
                .and_then(|k| self.config.files.get(k))
                .cloned()
                .unwrap_or_default();
            if src.name != "«debugger»" {
                let loaded = LoadedSource {
                    name: src.name.clone(),
                    path: is_file.then(|| src.name.clone()),
                    reference: id as i64 + 1,
                };
                self.client.event(
                    "loadedSource",
                    json!({ "reason": "new", "source": loaded.to_json() }),
                );
                if let Ok(mut s) = self.shared.sources.lock() {
                    s.push(loaded);
                }
            }
            self.files.push(FileState {
                key,
                bps,
                map: None,
            });
            id += 1;
        }
    }

    /// The source map of `file`, built once.
    pub(crate) fn map(
        &mut self,
        cx: &DebugContext<'_>,
        file: tvix_eval::pos::FileId,
    ) -> Option<Rc<SourceMap>> {
        let state = self.files.get_mut(file.0 as usize)?;
        if state.map.is_none() {
            let src = cx.sources().get(file)?;
            state.map = Some(Rc::new(SourceMap::new(&src.text)));
        }
        state.map.clone()
    }

    /// Handles the flags the protocol thread set; `Some` to stop.
    fn attend(&mut self, cx: &DebugContext<'_>) -> Option<Result<StopReason, ()>> {
        if !self.shared.attention.swap(false, Ordering::SeqCst) {
            return None;
        }
        if self.shared.terminate.load(Ordering::SeqCst) {
            return Some(Err(()));
        }
        self.refresh(cx);
        if self.shared.pause.swap(false, Ordering::SeqCst) {
            return Some(Ok(StopReason::simple("pause")));
        }
        None
    }

    /// Whether `action` says to stop here (counting the hit, printing a
    /// logpoint).
    fn check_action(
        &mut self,
        cx: &mut DebugContext<'_>,
        id: i64,
        action: &Action,
        scope: Option<(&Rc<Ir>, &Rc<Env>)>,
    ) -> bool {
        if let Some(cond) = &action.condition {
            match self.eval_in(cx, cond, scope) {
                Ok(Value::Bool(tvix_eval::value::NixBool::TRUE)) => {}
                Ok(Value::Bool(tvix_eval::value::NixBool::FALSE)) => return false,
                Ok(other) => {
                    let msg = format!(
                        "breakpoint condition '{cond}' is {}, not a Boolean; stopping\n",
                        other.type_of()
                    );
                    self.send_output("console", msg);
                }
                Err(e) => {
                    let msg = format!(
                        "breakpoint condition '{cond}' failed: {}; stopping\n",
                        e.message
                    );
                    self.send_output("console", msg);
                }
            }
        }
        let count = self.hits.entry(id).or_insert(0);
        *count += 1;
        if let Some(hit) = action.hit
            && !hit.stops(*count)
        {
            return false;
        }
        if let Some(log) = &action.log {
            let text = self.interpolate(cx, log, scope);
            self.send_output("console", format!("{text}\n"));
            return false;
        }
        true
    }

    /// A logpoint's message with each `{expr}` replaced by its value.
    fn interpolate(
        &mut self,
        cx: &mut DebugContext<'_>,
        message: &str,
        scope: Option<(&Rc<Ir>, &Rc<Env>)>,
    ) -> String {
        let mut out = String::new();
        let mut rest = message;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return out;
            };
            let expr = &after[..close];
            match self.eval_in(cx, expr, scope) {
                Ok(v) => out.push_str(&crate::inspect::show_forced(cx, &v)),
                Err(e) => out.push_str(&format!("<error: {}>", e.message)),
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Evaluates `text` in the scope of a node, with the timeout.
    pub(crate) fn eval_in(
        &mut self,
        cx: &mut DebugContext<'_>,
        text: &str,
        scope: Option<(&Rc<Ir>, &Rc<Env>)>,
    ) -> Result<Value, Box<EvalError>> {
        let bindings = match scope {
            Some((ir, env)) => crate::inspect::bindings(cx, ir, env),
            None => Vec::new(),
        };
        let refs: Vec<(&str, Value)> = bindings
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect();
        let deadline = Instant::now() + EVAL_TIMEOUT;
        let v = cx
            .evaluate_within(text, &self.base_dir, &refs, deadline)
            .map_err(|e| {
                if is_stop(&e) {
                    EvalError::eval(
                        format!("evaluation timed out after {}s", EVAL_TIMEOUT.as_secs()),
                        Pos::NONE,
                    )
                } else {
                    e
                }
            })?;
        Ok(v)
    }

    /// The innermost open node.
    fn current_node(&self) -> Option<(&Rc<Ir>, &Rc<Env>)> {
        self.stack.iter().rev().find_map(|o| match o {
            Open::Node(ir, env) => Some((ir, env)),
            _ => None,
        })
    }

    /// The depth of the innermost call, builtin or thunk (for step out).
    fn innermost_frame_depth(&self) -> Option<usize> {
        self.stack
            .iter()
            .rposition(|o| !matches!(o, Open::Node(..)))
    }

    /// Stops: tells the client, answers it until it resumes.
    fn stop(&mut self, cx: &mut DebugContext<'_>, why: StopReason) -> DebugControl {
        self.step = Step::Run;
        self.frames = self.snapshot(cx);
        self.refs.clear();
        self.shared.stopped.store(true, Ordering::SeqCst);
        let mut body = json!({
            "reason": why.reason,
            "threadId": 1,
            "allThreadsStopped": true,
        });
        if let Some(d) = why.description {
            body["description"] = json!(d);
        }
        if let Some(t) = why.text {
            body["text"] = json!(t);
        }
        if !why.hit.is_empty() {
            body["hitBreakpointIds"] = json!(why.hit);
        }
        self.client.event("stopped", body);
        let depth = self.stack.len().saturating_sub(1);
        loop {
            let msg = self.rx.recv();
            match msg {
                Ok(ToEval::Request(req)) => self.answer(cx, &req),
                Ok(ToEval::Resume(r)) => {
                    self.shared.stopped.store(false, Ordering::SeqCst);
                    self.refs.clear();
                    self.step = match r {
                        Resume::Continue => Step::Run,
                        Resume::StepIn => Step::In,
                        Resume::Next => Step::Over(depth),
                        Resume::StepOut => match self.innermost_frame_depth() {
                            Some(d) => Step::Out(d),
                            None => Step::Run,
                        },
                    };
                    return DebugControl::Continue;
                }
                Ok(ToEval::Terminate) | Err(_) => {
                    self.shared.stopped.store(false, Ordering::SeqCst);
                    return DebugControl::Stop;
                }
            }
        }
    }

    /// Stops and, when the stop ends the evaluation, closes what
    /// `enter`/`call`/`start` opened (no leave event will come).
    fn stop_opened(&mut self, cx: &mut DebugContext<'_>, why: StopReason) -> DebugControl {
        let control = self.stop(cx, why);
        if control == DebugControl::Stop {
            self.stack.pop();
        }
        control
    }

    /// The frames, innermost first.
    fn snapshot(&mut self, cx: &DebugContext<'_>) -> Vec<FrameSnap> {
        let mut frames = vec![FrameSnap {
            name: "«program»".into(),
            node: None,
            pos: Pos::NONE,
        }];
        let mut thunk_names = Vec::new();
        for open in &self.stack {
            match open {
                Open::Node(ir, env) => {
                    if let Some(f) = frames.last_mut() {
                        f.node = Some((ir.clone(), env.clone()));
                    }
                }
                Open::Call { name, lambda, site } => frames.push(FrameSnap {
                    name: name.clone().unwrap_or_else(|| "«lambda»".into()),
                    node: None,
                    pos: if site.is_some() { *site } else { *lambda },
                }),
                Open::Builtin { name, site } => frames.push(FrameSnap {
                    name: format!("builtins.{name}"),
                    node: None,
                    pos: *site,
                }),
                Open::Thunk { pos } => {
                    thunk_names.push((frames.len(), *pos));
                    frames.push(FrameSnap {
                        name: "«thunk»".into(),
                        node: None,
                        pos: *pos,
                    });
                }
            }
        }
        for (i, pos) in thunk_names {
            if let Some(map) = self.map(cx, pos.file)
                && let Some(name) = map.binding_name(pos.offset)
            {
                frames[i].name = name;
            }
        }
        frames.reverse();
        frames
    }

    /// Checks line breakpoints at the node just entered.
    fn line_breakpoint(
        &mut self,
        cx: &mut DebugContext<'_>,
        ir: &Rc<Ir>,
        env: &Rc<Env>,
    ) -> Option<StopReason> {
        let state = self.files.get(ir.pos.file.0 as usize)?;
        if state.bps.is_empty() {
            return None;
        }
        let first = state.bps.partition_point(|b| b.offset < ir.pos.offset);
        let matching: Vec<LineBreakpoint> = state.bps[first..]
            .iter()
            .take_while(|b| b.offset == ir.pos.offset)
            .cloned()
            .collect();
        if matching.is_empty() || self.same_as_parent(ir) {
            return None;
        }
        let mut hit = Vec::new();
        for bp in matching {
            if self.check_action(cx, bp.id, &bp.action, Some((ir, env))) {
                hit.push(bp.id);
            }
        }
        (!hit.is_empty()).then_some(StopReason {
            reason: "breakpoint",
            description: None,
            text: None,
            hit,
        })
    }

    /// Whether the node just entered starts where its parent node does
    /// (`f` in `f x`): a stop there would show the same place again.
    fn same_as_parent(&self, ir: &Rc<Ir>) -> bool {
        let n = self.stack.len();
        n >= 2 && matches!(&self.stack[n - 2], Open::Node(p, _) if p.pos == ir.pos)
    }

    /// Whether an error of this kind stops, per the filters.
    fn exception_stops(&self, e: &ErrorEvent<'_>) -> bool {
        let f = &self.config.exceptions;
        let caught = e.catchable && e.inside_try_eval;
        let mode_stops =
            |m: crate::breakpoints::ExceptionMode| m.enabled && !(caught && m.ignore_caught);
        let specific = match e.error.kind {
            ErrorKind::Thrown => f.throw,
            ErrorKind::Assertion => f.assert,
            ErrorKind::Abort => f.abort,
            _ => Default::default(),
        };
        mode_stops(specific) || mode_stops(f.all)
    }

    /// Matches a called function against the function breakpoints.
    fn function_breakpoint(&self, name: &str) -> Option<(i64, Action)> {
        self.config.functions.iter().find_map(|b| {
            let wanted = b.name.strip_prefix("builtins.").unwrap_or(&b.name);
            (wanted == name).then(|| (b.id, b.action.clone()))
        })
    }
}

impl Observer for DapObserver {
    fn enter_expr(&mut self, cx: &mut DebugContext<'_>, e: &ExprEvent<'_>) -> DebugControl {
        self.stack
            .push(Open::Node(e.ir.clone(), e.scope.env().clone()));
        if e.ir.pos.file.0 as usize >= self.files.len() {
            self.refresh(cx);
        }
        let mut why = None;
        if self.shared.attention.load(Ordering::Relaxed) {
            match self.attend(cx) {
                Some(Err(())) => {
                    self.stack.pop();
                    return DebugControl::Stop;
                }
                Some(Ok(r)) => why = Some(r),
                None => {}
            }
        }
        if why.is_none() {
            let step = match self.step {
                Step::Run => false,
                Step::In => !self.same_as_parent(e.ir),
                Step::Over(d) => e.depth <= d,
                Step::Out(_) => false,
                Step::OutDone => true,
            };
            if step {
                why = Some(StopReason::simple("step"));
            } else if std::mem::take(&mut self.stop_on_entry) {
                why = Some(StopReason::simple("entry"));
            } else if let Some(id) = self.pending_function.take() {
                why = Some(StopReason {
                    hit: vec![id],
                    ..StopReason::simple("function breakpoint")
                });
            } else {
                why = self.line_breakpoint(cx, e.ir, e.scope.env());
            }
        }
        match why {
            Some(why) => self.stop_opened(cx, why),
            None => DebugControl::Continue,
        }
    }

    fn leave_expr(&mut self, _: &mut DebugContext<'_>, _: &LeaveEvent<'_>) -> DebugControl {
        self.stack.pop();
        DebugControl::Continue
    }

    fn call(&mut self, cx: &mut DebugContext<'_>, e: &CallEvent<'_>) -> DebugControl {
        let name = e.name().map(str::to_owned);
        self.stack.push(Open::Call {
            name: name.clone(),
            lambda: e.closure.lambda.pos,
            site: e.call_site,
        });
        if let Some(name) = name
            && let Some((id, action)) = self.function_breakpoint(&name)
        {
            // Stop at the body's first node, where the arguments are bound;
            // the condition is checked in the caller's scope.
            let scope = self.current_node().map(|(i, e)| (i.clone(), e.clone()));
            let scope = scope.as_ref().map(|(i, e)| (i, e));
            if self.check_action(cx, id, &action, scope) {
                self.pending_function = Some(id);
            }
        }
        DebugControl::Continue
    }

    fn call_return(&mut self, _: &mut DebugContext<'_>, e: &ReturnEvent<'_>) -> DebugControl {
        self.stack.pop();
        if self.step == Step::Out(e.depth) {
            self.step = Step::OutDone;
        }
        DebugControl::Continue
    }

    fn builtin_call(&mut self, cx: &mut DebugContext<'_>, e: &BuiltinEvent<'_>) -> DebugControl {
        self.stack.push(Open::Builtin {
            name: e.name,
            site: e.call_site,
        });
        if let Some((id, action)) = self.function_breakpoint(e.name) {
            let scope = self.current_node().map(|(i, e)| (i.clone(), e.clone()));
            let scope = scope.as_ref().map(|(i, e)| (i, e));
            if self.check_action(cx, id, &action, scope) {
                let why = StopReason {
                    hit: vec![id],
                    ..StopReason::simple("function breakpoint")
                };
                return self.stop_opened(cx, why);
            }
        }
        DebugControl::Continue
    }

    fn builtin_return(&mut self, _: &mut DebugContext<'_>, e: &BuiltinEvent<'_>) -> DebugControl {
        self.stack.pop();
        if self.step == Step::Out(e.depth) {
            self.step = Step::OutDone;
        }
        DebugControl::Continue
    }

    fn force_thunk_start(&mut self, _: &mut DebugContext<'_>, e: &ThunkEvent<'_>) -> DebugControl {
        self.stack.push(Open::Thunk { pos: e.pos });
        DebugControl::Continue
    }

    fn force_thunk_end(&mut self, _: &mut DebugContext<'_>, e: &ThunkEvent<'_>) -> DebugControl {
        self.stack.pop();
        if self.step == Step::Out(e.depth) {
            self.step = Step::OutDone;
        }
        DebugControl::Continue
    }

    fn error(&mut self, cx: &mut DebugContext<'_>, e: &ErrorEvent<'_>) -> DebugControl {
        if is_stop(e.error) || !self.exception_stops(e) {
            return DebugControl::Continue;
        }
        let kind = match e.error.kind {
            ErrorKind::Thrown => "throw",
            ErrorKind::Assertion => "assert",
            ErrorKind::Abort => "abort",
            ErrorKind::StackOverflow => "stack overflow",
            ErrorKind::Eval => "error",
        };
        let caught = if e.catchable && e.inside_try_eval {
            " (caught by tryEval)"
        } else {
            ""
        };
        self.last_error = Some((kind.to_owned(), e.error.message.clone()));
        let why = StopReason {
            reason: "exception",
            description: Some(format!("{kind}{caught}: {}", e.error.message)),
            text: Some(e.error.message.clone()),
            hit: Vec::new(),
        };
        // The error is on its way out whatever happens; a stop from here
        // only matters through the `terminate` flag.
        let _ = self.stop(cx, why);
        DebugControl::Continue
    }

    fn breakpoint(&mut self, cx: &mut DebugContext<'_>, _: &BreakEvent<'_>) -> DebugControl {
        let why = StopReason {
            description: Some("builtins.break".into()),
            ..StopReason::simple("breakpoint")
        };
        self.stop(cx, why)
    }

    fn output(&mut self, e: &OutputEvent<'_>) {
        // Traces, warnings and other diagnostics all go where C++ Nix
        // prints them: standard error.
        let _: OutputKind = e.kind;
        self.send_output("stderr", format!("{}\n", e.text));
    }
}
