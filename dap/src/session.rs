//! The protocol thread: reads requests, answers what it can itself
//! (configuration, breakpoints, flow control, loaded sources) and forwards
//! inspection requests to the stopped evaluation thread.

use std::io::{self, BufRead};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

use serde_json::{Value as Json, json};
use tvix_eval::Evaluator;

use crate::breakpoints::{
    Action, ExceptionMode, FileLocations, FunctionBreakpoint, HitCondition, LineBreakpoint,
    file_key,
};
use crate::debuggee::{Coords, DapObserver, Resume, Shared, ToEval};
use crate::launch::LaunchConfig;
use crate::transport::{Client, read_message};

/// The exception filters offered to the client.
fn exception_filters() -> Json {
    json!([
        { "filter": "throw", "label": "throw", "description": "Stop where `throw` raises an error", "default": false },
        { "filter": "assert", "label": "Failed assertions", "description": "Stop where an `assert` fails", "default": false },
        { "filter": "abort", "label": "abort", "description": "Stop where `abort` is called", "default": false },
        { "filter": "all", "label": "All errors", "description": "Stop at every evaluation error (type errors, missing attributes, …)", "default": false },
        { "filter": "uncaught", "label": "Ignore errors caught by tryEval", "description": "With the filters above: do not stop for errors `builtins.tryEval` will catch", "default": false }
    ])
}

/// The adapter's capabilities, as truthful as the implementation.
fn capabilities() -> Json {
    json!({
        "supportsConfigurationDoneRequest": true,
        "supportsFunctionBreakpoints": true,
        "supportsConditionalBreakpoints": true,
        "supportsHitConditionalBreakpoints": true,
        "supportsEvaluateForHovers": true,
        "exceptionBreakpointFilters": exception_filters(),
        "supportsExceptionOptions": true,
        "supportsExceptionInfoRequest": true,
        "supportsLogPoints": true,
        "supportsLoadedSourcesRequest": true,
        "supportsTerminateRequest": true,
        "supportsRestartRequest": true,
        "supportTerminateDebuggee": true,
        "supportsDelayedStackTraceLoading": true,
        "supportsStepBack": false,
        "supportsSetVariable": false,
        "supportsRestartFrame": false,
        "supportsGotoTargetsRequest": false,
        "supportsStepInTargetsRequest": false,
        "supportsCompletionsRequest": false,
        "supportsModulesRequest": false,
        "supportsValueFormattingOptions": false,
        "supportsDataBreakpoints": false,
        "supportsReadMemoryRequest": false,
        "supportsDisassembleRequest": false,
        "supportsCancelRequest": false,
        "supportsBreakpointLocationsRequest": false,
        "supportsSteppingGranularity": false,
        "supportsInstructionBreakpoints": false,
        "supportsExceptionFilterOptions": false,
        "supportsSingleThreadExecutionRequests": false,
    })
}

struct Running {
    tx: Sender<ToEval>,
    shared: Arc<Shared>,
    thread: JoinHandle<()>,
}

/// One debug session over one connection.
struct Session {
    client: Client,
    coords: Coords,
    supports_invalidated: bool,
    launch: Option<LaunchConfig>,
    configured: bool,
    shared: Arc<Shared>,
    running: Option<Running>,
    next_breakpoint: i64,
}

/// Serves one client on `input`/`output` until it disconnects.
pub fn serve(input: impl BufRead, output: Box<dyn io::Write + Send>) -> io::Result<()> {
    let mut input = input;
    let mut session = Session {
        client: Client::new(output),
        coords: Coords {
            line1: true,
            col1: true,
        },
        supports_invalidated: false,
        launch: None,
        configured: false,
        shared: Arc::new(Shared::default()),
        running: None,
        next_breakpoint: 1,
    };
    while let Some(message) = read_message(&mut input)? {
        if message["type"] != "request" {
            continue;
        }
        if !session.handle(&message) {
            break;
        }
    }
    session.end();
    Ok(())
}

impl Session {
    /// Handles one request; `false` after `disconnect`.
    fn handle(&mut self, req: &Json) -> bool {
        let seq = req["seq"].as_i64().unwrap_or(0);
        let command = req["command"].as_str().unwrap_or("").to_owned();
        let args = &req["arguments"];
        let ok = |s: &Self, body: Json| s.client.respond_json(seq, &command, body);
        match command.as_str() {
            "initialize" => {
                self.coords = Coords {
                    line1: args["linesStartAt1"].as_bool().unwrap_or(true),
                    col1: args["columnsStartAt1"].as_bool().unwrap_or(true),
                };
                self.supports_invalidated =
                    args["supportsInvalidatedEvent"].as_bool().unwrap_or(false);
                ok(self, capabilities());
                self.client.event("initialized", Json::Null);
            }
            "launch" => match LaunchConfig::from_json(args) {
                Ok(config) => {
                    if let Err(e) = config.source() {
                        self.client.fail(seq, &command, &e);
                        return true;
                    }
                    self.launch = Some(config);
                    ok(self, json!({}));
                    self.start_if_ready();
                }
                Err(e) => self.client.fail(seq, &command, &e),
            },
            "attach" => self.client.fail(
                seq,
                &command,
                "tvix evaluates in the adapter: use a launch configuration",
            ),
            "configurationDone" => {
                self.configured = true;
                ok(self, json!({}));
                self.start_if_ready();
            }
            "setBreakpoints" => {
                let body = self.set_breakpoints(args);
                ok(self, body);
            }
            "setFunctionBreakpoints" => match self.set_function_breakpoints(args) {
                Ok(body) => ok(self, body),
                Err(e) => self.client.fail(seq, &command, &e),
            },
            "setExceptionBreakpoints" => {
                self.set_exception_breakpoints(args);
                ok(self, json!({}));
            }
            "threads" => ok(
                self,
                json!({ "threads": [{ "id": 1, "name": "tvix evaluation" }] }),
            ),
            "continue" | "next" | "stepIn" | "stepOut" => {
                let how = match command.as_str() {
                    "continue" => Resume::Continue,
                    "next" => Resume::Next,
                    "stepIn" => Resume::StepIn,
                    _ => Resume::StepOut,
                };
                if self.is_stopped() {
                    // The response goes first: the next `stopped` event
                    // must follow it.
                    let body = if how == Resume::Continue {
                        json!({ "allThreadsContinued": true })
                    } else {
                        json!({})
                    };
                    ok(self, body);
                    self.forward_if_stopped(ToEval::Resume(how));
                } else {
                    self.client
                        .fail(seq, &command, "the evaluation is not stopped");
                }
            }
            "pause" => {
                self.shared.pause.store(true, Ordering::SeqCst);
                self.shared.poke();
                ok(self, json!({}));
            }
            "stackTrace" | "scopes" | "variables" | "evaluate" | "exceptionInfo" | "source" => {
                if !self.forward_if_stopped(ToEval::Request(req.clone())) {
                    let message = if command == "evaluate" {
                        "the evaluation is running: pause it (or stop at a breakpoint) to evaluate"
                    } else {
                        "the evaluation is not stopped"
                    };
                    self.client.fail(seq, &command, message);
                }
            }
            "loadedSources" => {
                let sources: Vec<Json> = self
                    .shared
                    .sources
                    .lock()
                    .map(|s| s.iter().map(|x| x.to_json()).collect())
                    .unwrap_or_default();
                ok(self, json!({ "sources": sources }));
            }
            "terminate" => {
                self.stop_evaluation(false);
                ok(self, json!({}));
            }
            "restart" => {
                if let Some(new) = args.get("arguments").filter(|a| a.is_object()) {
                    match LaunchConfig::from_json(new) {
                        Ok(c) => self.launch = Some(c),
                        Err(e) => {
                            self.client.fail(seq, &command, &e);
                            return true;
                        }
                    }
                }
                self.stop_evaluation(true);
                if let Some(r) = self.running.take() {
                    let _ = r.thread.join();
                }
                ok(self, json!({}));
                self.start_if_ready();
            }
            "disconnect" => {
                self.end();
                ok(self, json!({}));
                return false;
            }
            other => self
                .client
                .fail(seq, &command, &format!("unsupported request '{other}'")),
        }
        true
    }

    /// Whether the evaluation is stopped.
    fn is_stopped(&self) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| r.shared.stopped.load(Ordering::SeqCst))
    }

    /// Sends `msg` to the evaluation thread if it is stopped.
    fn forward_if_stopped(&self, msg: ToEval) -> bool {
        match &self.running {
            Some(r) if r.shared.stopped.load(Ordering::SeqCst) => r.tx.send(msg).is_ok(),
            _ => false,
        }
    }

    /// Asks the evaluation to end (`restart`: silently).
    fn stop_evaluation(&mut self, restarting: bool) {
        if let Some(r) = &self.running {
            r.shared.restarting.store(restarting, Ordering::SeqCst);
            r.shared.terminate.store(true, Ordering::SeqCst);
            r.shared.poke();
            let _ = r.tx.send(ToEval::Terminate);
        }
    }

    /// Ends the evaluation and waits for its thread.
    fn end(&mut self) {
        self.stop_evaluation(false);
        if let Some(r) = self.running.take() {
            let _ = r.thread.join();
        }
    }

    fn start_if_ready(&mut self) {
        if self.running.is_some() || !self.configured {
            return;
        }
        let Some(config) = self.launch.clone() else {
            return;
        };
        // A fresh evaluation keeps the breakpoints but nothing else.
        let shared = Arc::new(Shared::default());
        if let Ok(c) = self.shared.config.lock()
            && let Ok(mut n) = shared.config.lock()
        {
            *n = c.clone();
        }
        shared.config_version.store(1, Ordering::SeqCst);
        self.shared = shared.clone();
        let (tx, rx) = mpsc::channel();
        let client = self.client.clone();
        let coords = self.coords;
        let invalidated = self.supports_invalidated;
        let thread_shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("tvix-eval".into())
            .stack_size(tvix_eval::EVAL_STACK)
            .spawn(move || run_evaluation(config, client, thread_shared, rx, coords, invalidated));
        match spawned {
            Ok(thread) => self.running = Some(Running { tx, shared, thread }),
            Err(e) => {
                self.client.output(
                    "stderr",
                    &format!("cannot start the evaluation thread: {e}\n"),
                );
                self.client.event("terminated", Json::Null);
            }
        }
    }

    fn set_breakpoints(&mut self, args: &Json) -> Json {
        let path = args["source"]["path"].as_str().unwrap_or("").to_owned();
        let requested: Vec<Json> = args["breakpoints"]
            .as_array()
            .cloned()
            .or_else(|| {
                args["lines"]
                    .as_array()
                    .map(|lines| lines.iter().map(|l| json!({ "line": l })).collect())
            })
            .unwrap_or_default();
        let locations = FileLocations::load(&path);
        let mut resolved = Vec::new();
        let mut answer = Vec::new();
        for bp in requested {
            let id = self.next_breakpoint;
            self.next_breakpoint += 1;
            let line = bp["line"].as_i64().unwrap_or(0) - i64::from(self.coords.line1);
            let col = bp["column"]
                .as_i64()
                .map(|c| (c - i64::from(self.coords.col1)).max(0) as u32);
            let hit = match hit_condition(&bp) {
                Ok(h) => h,
                Err(e) => {
                    answer.push(json!({ "id": id, "verified": false, "message": e }));
                    continue;
                }
            };
            let action = Action {
                condition: bp["condition"]
                    .as_str()
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_owned),
                hit,
                log: bp["logMessage"].as_str().map(str::to_owned),
            };
            let place = match &locations {
                Ok(l) => l
                    .resolve(line.max(0) as u32, col)
                    .ok_or_else(|| "no expression on or after this line".to_owned()),
                Err(e) => Err(e.clone()),
            };
            match place {
                Ok(r) => {
                    resolved.push(LineBreakpoint {
                        id,
                        offset: r.offset,
                        action,
                    });
                    let l1 = i64::from(self.coords.line1);
                    let c1 = i64::from(self.coords.col1);
                    answer.push(json!({
                        "id": id,
                        "verified": true,
                        "source": { "path": path },
                        "line": i64::from(r.start.line) + l1,
                        "column": i64::from(r.start.col) + c1,
                        "endLine": i64::from(r.end.line) + l1,
                        "endColumn": i64::from(r.end.col) + c1,
                    }));
                }
                Err(message) => answer.push(json!({
                    "id": id,
                    "verified": false,
                    "message": message,
                })),
            }
        }
        resolved.sort_by_key(|b| b.offset);
        let key = file_key(&path);
        self.update_config(|c| {
            if resolved.is_empty() {
                c.files.remove(&key);
            } else {
                c.files.insert(key, resolved);
            }
        });
        json!({ "breakpoints": answer })
    }

    fn set_function_breakpoints(&mut self, args: &Json) -> Result<Json, String> {
        let mut functions = Vec::new();
        let mut answer = Vec::new();
        for bp in args["breakpoints"].as_array().cloned().unwrap_or_default() {
            let id = self.next_breakpoint;
            self.next_breakpoint += 1;
            let name = bp["name"].as_str().unwrap_or("").trim().to_owned();
            let hit = match hit_condition(&bp) {
                Ok(h) => h,
                Err(e) => {
                    answer.push(json!({ "id": id, "verified": false, "message": e }));
                    continue;
                }
            };
            if name.is_empty() {
                answer.push(json!({ "id": id, "verified": false, "message": "a function breakpoint needs a name" }));
                continue;
            }
            functions.push(FunctionBreakpoint {
                id,
                name,
                action: Action {
                    condition: bp["condition"]
                        .as_str()
                        .filter(|s| !s.trim().is_empty())
                        .map(str::to_owned),
                    hit,
                    log: None,
                },
            });
            answer.push(json!({ "id": id, "verified": true }));
        }
        self.update_config(|c| c.functions = functions);
        Ok(json!({ "breakpoints": answer }))
    }

    fn set_exception_breakpoints(&mut self, args: &Json) {
        let filters: Vec<String> = args["filters"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let uncaught_only = filters.iter().any(|f| f == "uncaught");
        let mut modes = crate::breakpoints::ExceptionFilters::default();
        let mode = |on: bool| ExceptionMode {
            enabled: on,
            ignore_caught: uncaught_only,
        };
        modes.throw = mode(filters.iter().any(|f| f == "throw"));
        modes.assert = mode(filters.iter().any(|f| f == "assert"));
        modes.abort = mode(filters.iter().any(|f| f == "abort"));
        modes.all = mode(filters.iter().any(|f| f == "all"));
        // Per-filter break modes: `unhandled` ignores what tryEval catches.
        for option in args["exceptionOptions"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let mode = match option["breakMode"].as_str() {
                Some("never") => ExceptionMode::default(),
                Some("always") => ExceptionMode {
                    enabled: true,
                    ignore_caught: false,
                },
                Some(_) => ExceptionMode {
                    enabled: true,
                    ignore_caught: true,
                },
                None => continue,
            };
            let names: Vec<String> = option["path"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|seg| seg["names"].as_array().cloned().unwrap_or_default())
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect();
            for name in names {
                match name.as_str() {
                    "throw" => modes.throw = mode,
                    "assert" => modes.assert = mode,
                    "abort" => modes.abort = mode,
                    "all" => modes.all = mode,
                    _ => {}
                }
            }
        }
        self.update_config(|c| c.exceptions = modes);
    }

    fn update_config(&mut self, f: impl FnOnce(&mut crate::breakpoints::BreakConfig)) {
        if let Ok(mut c) = self.shared.config.lock() {
            f(&mut c);
        }
        self.shared.config_version.fetch_add(1, Ordering::SeqCst);
        self.shared.poke();
    }
}

/// The evaluation thread's body: evaluate, print, report the end.
fn run_evaluation(
    config: LaunchConfig,
    client: Client,
    shared: Arc<Shared>,
    rx: mpsc::Receiver<ToEval>,
    coords: Coords,
    invalidated: bool,
) {
    let base_dir = config.cwd().display().to_string();
    let mut ev = Evaluator::new(Box::new(crate::io::dap_io()), config.settings());
    if !config.no_debug {
        ev.set_observer(Box::new(DapObserver::new(
            client.clone(),
            shared.clone(),
            rx,
            coords,
            base_dir,
            config.stop_on_entry,
            invalidated,
        )));
    } else {
        drop(rx);
    }
    let result = config.evaluate(&mut ev);
    // Nothing stops after the result: printing forces nothing more.
    drop(ev.take_observer());
    let output = |category: &str, text: String| client.output(category, &text);
    let code = match result {
        Ok(v) => {
            output("stdout", format!("{}\n", tvix_eval::print::print_value(&v)));
            0
        }
        Err(e) if tvix_eval::observer::is_stop(&e) => {
            output("console", "evaluation terminated\n".into());
            1
        }
        Err(e) => {
            output("stderr", e.render(&ev.sources, true));
            1
        }
    };
    drop(ev);
    if shared.restarting.load(Ordering::SeqCst) {
        return;
    }
    client.event("exited", json!({ "exitCode": code }));
    client.event("terminated", Json::Null);
}

/// A breakpoint's `hitCondition`, if it has a non-blank one.
fn hit_condition(bp: &Json) -> Result<Option<HitCondition>, String> {
    match bp["hitCondition"].as_str().filter(|s| !s.trim().is_empty()) {
        Some(h) => HitCondition::parse(h).map(Some),
        None => Ok(None),
    }
}
