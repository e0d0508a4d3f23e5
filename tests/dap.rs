//! `tvix dap` driven through the Debug Adapter Protocol, as an editor does:
//! a small client speaks to the real binary over its standard streams.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A DAP client talking to a `tvix dap` process.
struct Dap {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Json>,
    backlog: Vec<Json>,
    seq: i64,
    ended: bool,
}

fn read_message(r: &mut impl BufRead) -> Option<Json> {
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Dap {
    fn start() -> Dap {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tvix"))
            .arg("dap")
            .env_remove("RUST_LOG")
            .env_remove("NIX_PATH")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tvix dap starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(m) = read_message(&mut reader) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Dap {
            child,
            stdin,
            messages: rx,
            backlog: Vec::new(),
            seq: 0,
            ended: false,
        }
    }

    /// Started, initialized (1-based lines and columns by default).
    fn initialized(extra: Json) -> Dap {
        let mut d = Dap::start();
        let mut args = json!({
            "clientID": "tvix-tests",
            "adapterID": "tvix",
            "linesStartAt1": true,
            "columnsStartAt1": true,
            "supportsInvalidatedEvent": true,
        });
        for (k, v) in extra.as_object().unwrap() {
            args[k] = v.clone();
        }
        let caps = d.ok("initialize", args);
        assert_eq!(caps["supportsConditionalBreakpoints"], true);
        d.event("initialized");
        d
    }

    fn send(&mut self, command: &str, args: Json) -> i64 {
        self.seq += 1;
        let msg =
            json!({ "seq": self.seq, "type": "request", "command": command, "arguments": args });
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
        self.seq
    }

    fn next(&mut self, deadline: Instant) -> Json {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("timed out; backlog: {:#?}", self.backlog),
            Err(RecvTimeoutError::Disconnected) => {
                panic!(
                    "the adapter closed its output; backlog: {:#?}",
                    self.backlog
                )
            }
        }
    }

    /// The response to a request.
    fn request(&mut self, command: &str, args: Json) -> Json {
        let seq = self.send(command, args);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.next(deadline);
            if m["type"] == "response" && m["request_seq"] == seq {
                assert_eq!(m["command"], command);
                return m;
            }
            self.backlog.push(m);
        }
    }

    /// The body of a successful response.
    fn ok(&mut self, command: &str, args: Json) -> Json {
        let r = self.request(command, args.clone());
        assert_eq!(r["success"], true, "{command} {args} failed: {r}");
        r["body"].clone()
    }

    /// The message of a failed response.
    fn err(&mut self, command: &str, args: Json) -> String {
        let r = self.request(command, args);
        assert_eq!(r["success"], false, "{command} should fail: {r}");
        r["message"].as_str().unwrap_or("").to_owned()
    }

    /// The next event called `name` (earlier ones of other names kept).
    fn event(&mut self, name: &str) -> Json {
        if let Some(i) = self
            .backlog
            .iter()
            .position(|m| m["type"] == "event" && m["event"] == name)
        {
            return self.backlog.remove(i)["body"].clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.next(deadline);
            if m["type"] == "event" && m["event"] == name {
                return m["body"].clone();
            }
            self.backlog.push(m);
        }
    }

    /// All output so far of `category` (waits for `terminated` first).
    fn output_until_end(&mut self, category: &str) -> String {
        if !self.ended {
            self.event("terminated");
            self.ended = true;
        }
        self.backlog
            .iter()
            .filter(|m| m["event"] == "output" && m["body"]["category"] == category)
            .map(|m| m["body"]["output"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    fn launch(&mut self, config: Json) {
        self.ok("launch", config);
        self.ok("configurationDone", json!({}));
    }

    /// Waits for a stop and returns its body.
    fn stopped(&mut self) -> Json {
        self.event("stopped")
    }

    fn frames(&mut self) -> Vec<Json> {
        let body = self.ok("stackTrace", json!({ "threadId": 1 }));
        body["stackFrames"].as_array().unwrap().clone()
    }

    fn top(&mut self) -> (i64, i64, String) {
        let f = self.frames()[0].clone();
        (
            f["line"].as_i64().unwrap(),
            f["column"].as_i64().unwrap(),
            f["name"].as_str().unwrap().to_owned(),
        )
    }

    /// The variables of a reference, as `name = value` lines.
    fn vars(&mut self, reference: &Json) -> Vec<Json> {
        let body = self.ok("variables", json!({ "variablesReference": reference }));
        body["variables"].as_array().unwrap().clone()
    }

    fn scope(&mut self, frame: i64, name: &str) -> Json {
        let body = self.ok("scopes", json!({ "frameId": frame }));
        body["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no scope {name} in {body}"))
            .clone()
    }

    fn resume(&mut self, how: &str) {
        self.ok(how, json!({ "threadId": 1 }));
    }

    fn finish(mut self) {
        let _ = self.request("disconnect", json!({}));
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

/// A directory with the given files.
fn fixture(files: &[(&str, &str)]) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("tvix-dap-test-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        let file = dir.join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    std::fs::canonicalize(dir).unwrap()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn var<'a>(vars: &'a [Json], name: &str) -> &'a Json {
    vars.iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no variable {name} in {vars:?}"))
}

const PROGRAM: &str = r#"let
  double = x: x * 2;
  lazy = throw "not forced";
  items = map double [ 1 2 3 ];
  total = builtins.foldl' (a: b: a + b) 0 items;
in
{
  inherit total;
  message = builtins.trace "computing" "total is ${toString total}";
}
"#;

#[test]
fn launch_prints_trace_and_the_strict_result() {
    let dir = fixture(&[("main.nix", PROGRAM)]);
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "program": path(&dir, "main.nix") }));
    let exited = d.event("exited");
    assert_eq!(exited["exitCode"], 0);
    assert_eq!(d.output_until_end("stderr"), "trace: computing\n");
    assert_eq!(
        d.output_until_end("stdout"),
        "{ message = \"total is 12\"; total = 12; }\n"
    );
    d.finish();
}

#[test]
fn launch_options_expression_attribute_args_search_path() {
    let dir = fixture(&[
        (
            "f.nix",
            "{ a, b, c ? 0 }: { sum = a + c; name = b; both = [ a b ]; }",
        ),
        ("lib/x.nix", "41"),
    ]);
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({
        "program": "f.nix",
        "cwd": dir.display().to_string(),
        "attribute": "sum",
        "args": { "a": "import <here/x.nix> + 1" },
        "argstr": { "b": "bee" },
        "searchPath": [ format!("here={}", dir.join("lib").display()) ],
    }));
    assert_eq!(d.output_until_end("stdout"), "42\n");
    d.finish();

    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "expression": "{ a = 1 + 1; b = [ (2 + 2) ]; }", "strict": false }));
    assert_eq!(
        d.output_until_end("stdout"),
        "{ a = «thunk»; b = «thunk»; }\n"
    );
    d.finish();

    let mut d = Dap::initialized(json!({}));
    let message = d.err("launch", json!({ "program": "/nonexistent/x.nix" }));
    assert!(message.contains("cannot read program"), "{message}");
    let message = d.err("launch", json!({ "cwd": "/" }));
    assert!(
        message.contains("needs `program` or `expression`"),
        "{message}"
    );
    d.finish();
}

#[test]
fn evaluation_errors_go_to_the_console_with_exit_code_1() {
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "expression": "1 + \"a\"" }));
    assert_eq!(d.event("exited")["exitCode"], 1);
    let err = d.output_until_end("stderr");
    assert!(
        err.contains("error:") && err.contains("cannot add a string to an integer"),
        "{err}"
    );
    d.finish();
}

#[test]
fn line_breakpoints_resolve_to_expressions_and_stop_with_a_stack() {
    let dir = fixture(&[("main.nix", PROGRAM)]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({}));
    let body = d.ok(
        "setBreakpoints",
        json!({ "source": { "path": file }, "breakpoints": [ { "line": 2 }, { "line": 6 }, { "line": 40 } ] }),
    );
    let bps = body["breakpoints"].as_array().unwrap();
    // Line 2 defines `double = x: x * 2`: a function's line means its
    // body, `x * 2` (column 15).
    assert_eq!(bps[0]["verified"], true);
    assert_eq!(
        (bps[0]["line"].clone(), bps[0]["column"].clone()),
        (json!(2), json!(15))
    );
    assert_eq!(
        (bps[0]["endLine"].clone(), bps[0]["endColumn"].clone()),
        (json!(2), json!(20))
    );
    // `in` has no expression: the breakpoint slides to the body's set.
    assert_eq!(
        (bps[1]["line"].clone(), bps[1]["column"].clone()),
        (json!(7), json!(1))
    );
    assert_eq!(bps[2]["verified"], false);
    // Stop inside `double` instead: line 2 column 15 is `x * 2`.
    d.ok(
        "setBreakpoints",
        json!({ "source": { "path": file }, "breakpoints": [ { "line": 2, "column": 15 } ] }),
    );
    d.launch(json!({ "program": file }));
    let stop = d.stopped();
    assert_eq!(stop["reason"], "breakpoint");
    let frames = d.frames();
    let top = &frames[0];
    assert_eq!(top["name"], "double");
    assert_eq!(
        (top["line"].clone(), top["column"].clone()),
        (json!(2), json!(15))
    );
    assert_eq!(
        (top["endLine"].clone(), top["endColumn"].clone()),
        (json!(2), json!(20))
    );
    assert_eq!(top["source"]["path"], file);
    // `double` is called by `map` (a builtin), forced as an element of
    // `items` while `foldl'` adds them up for `total`.
    let names: Vec<&str> = frames.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"total"), "{names:?}");
    assert!(names.contains(&"builtins.foldl'"), "{names:?}");
    assert_eq!(names.last(), Some(&"«program»"));
    // Continue: the same breakpoint for each element, then the end.
    d.resume("continue");
    assert_eq!(d.stopped()["reason"], "breakpoint");
    d.resume("continue");
    d.stopped();
    d.resume("continue");
    assert_eq!(d.event("exited")["exitCode"], 0);
    d.finish();
}

#[test]
fn conditions_hit_counts_and_logpoints() {
    let dir = fixture(&[("main.nix", PROGRAM)]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({}));
    let body = d.ok(
        "setBreakpoints",
        json!({ "source": { "path": file }, "breakpoints": [
            { "line": 2, "column": 15, "condition": "x == 2" },
            { "line": 5, "column": 34, "logMessage": "sum so far: {a}" },
            { "line": 5, "column": 45, "hitCondition": "often" },
        ] }),
    );
    assert_eq!(body["breakpoints"][2]["verified"], false);
    assert!(
        body["breakpoints"][2]["message"]
            .as_str()
            .unwrap()
            .contains("hit condition")
    );
    d.launch(json!({ "program": file }));
    d.stopped();
    let x = d.ok(
        "evaluate",
        json!({ "expression": "x", "frameId": 1, "context": "watch" }),
    );
    assert_eq!(x["result"], "2");
    d.resume("continue");
    assert_eq!(d.event("exited")["exitCode"], 0);
    let console = d.output_until_end("console");
    assert_eq!(console, "sum so far: 0\nsum so far: 2\nsum so far: 6\n");
    d.finish();

    // Every second hit stops.
    let mut d = Dap::initialized(json!({}));
    d.ok(
        "setBreakpoints",
        json!({ "source": { "path": file }, "breakpoints": [ { "line": 2, "column": 15, "hitCondition": "% 2" } ] }),
    );
    d.launch(json!({ "program": file }));
    d.stopped();
    let x = d.ok("evaluate", json!({ "expression": "x", "frameId": 1 }));
    assert_eq!(x["result"], "2");
    d.resume("continue");
    assert_eq!(d.event("exited")["exitCode"], 0);
    d.finish();
}

#[test]
fn function_breakpoints_by_binding_and_builtin_name() {
    let dir = fixture(&[("main.nix", PROGRAM)]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({}));
    let body = d.ok(
        "setFunctionBreakpoints",
        json!({ "breakpoints": [ { "name": "double", "condition": "true" }, { "name": "builtins.trace" }, { "name": "" } ] }),
    );
    assert_eq!(body["breakpoints"][0]["verified"], true);
    assert_eq!(body["breakpoints"][2]["verified"], false);
    d.launch(json!({ "program": file }));
    // `total` is forced first (C++ Nix's order of a set's attributes: the
    // order their names were first seen), and it needs `double`: stopped
    // in its body, `x` bound.
    let stop = d.stopped();
    assert_eq!(stop["reason"], "function breakpoint");
    let (line, column, name) = d.top();
    assert_eq!((line, column, name.as_str()), (2, 15, "double"));
    let args = d.scope(1, "Arguments");
    let vars = d.vars(&args["variablesReference"]);
    assert_eq!(var(&vars, "x")["value"], "1");
    // Only the builtin now (unprefixed works too): `message` stops at the
    // trace, and `double`'s other calls no longer stop.
    d.ok(
        "setFunctionBreakpoints",
        json!({ "breakpoints": [ { "name": "trace" } ] }),
    );
    d.resume("continue");
    let stop = d.stopped();
    assert_eq!(stop["reason"], "function breakpoint");
    assert_eq!(d.top().2, "builtins.trace");
    d.resume("continue");
    d.event("exited");
    d.finish();
}

#[test]
fn exception_filters_and_try_eval() {
    let program = r#"let
  caught = builtins.tryEval (throw "caught one");
  checked = x: assert x > 1; x;
in
  if caught.success then 0 else checked 0
"#;
    let dir = fixture(&[("main.nix", program)]);
    let file = path(&dir, "main.nix");

    // `throw`, tryEval-caught errors included.
    let mut d = Dap::initialized(json!({}));
    d.ok(
        "setExceptionBreakpoints",
        json!({ "filters": ["throw", "assert"] }),
    );
    d.launch(json!({ "program": file }));
    let stop = d.stopped();
    assert_eq!(stop["reason"], "exception");
    assert!(
        stop["description"]
            .as_str()
            .unwrap()
            .contains("caught by tryEval")
    );
    let info = d.ok("exceptionInfo", json!({ "threadId": 1 }));
    assert_eq!(info["exceptionId"], "throw");
    assert_eq!(info["description"], "caught one");
    let (line, column, _) = d.top();
    assert_eq!((line, column), (2, 30));
    d.resume("continue");
    let stop = d.stopped();
    assert_eq!(
        d.ok("exceptionInfo", json!({ "threadId": 1 }))["exceptionId"],
        "assert"
    );
    assert!(stop["text"].as_str().unwrap().contains("assertion"));
    let frames = d.frames();
    assert_eq!(frames[0]["name"], "checked");
    d.resume("continue");
    assert_eq!(d.event("exited")["exitCode"], 1);
    d.finish();

    // Ignoring what tryEval catches: only the assertion stops.
    let mut d = Dap::initialized(json!({}));
    d.ok(
        "setExceptionBreakpoints",
        json!({ "filters": ["throw", "assert", "uncaught"] }),
    );
    d.launch(json!({ "program": file }));
    d.stopped();
    assert_eq!(
        d.ok("exceptionInfo", json!({ "threadId": 1 }))["exceptionId"],
        "assert"
    );
    d.resume("continue");
    d.event("exited");
    d.finish();

    // Per-filter break modes (exceptionOptions): `unhandled` for throw.
    let mut d = Dap::initialized(json!({}));
    d.ok(
        "setExceptionBreakpoints",
        json!({ "filters": [], "exceptionOptions": [ { "path": [ { "names": ["throw"] } ], "breakMode": "unhandled" } ] }),
    );
    d.launch(json!({ "program": file }));
    assert_eq!(d.event("exited")["exitCode"], 1);
    d.finish();

    // `abort` and `all`.
    let mut d = Dap::initialized(json!({}));
    d.ok("setExceptionBreakpoints", json!({ "filters": ["abort"] }));
    d.launch(json!({ "expression": "let f = x: abort \"no\"; in f 1" }));
    d.stopped();
    assert_eq!(
        d.ok("exceptionInfo", json!({ "threadId": 1 }))["exceptionId"],
        "abort"
    );
    d.resume("continue");
    d.event("exited");
    d.finish();
    let mut d = Dap::initialized(json!({}));
    d.ok("setExceptionBreakpoints", json!({ "filters": ["all"] }));
    d.launch(json!({ "expression": "{ a = 1; }.b" }));
    let stop = d.stopped();
    assert!(
        stop["text"]
            .as_str()
            .unwrap()
            .contains("attribute 'b' missing"),
        "{stop}"
    );
    d.resume("continue");
    d.event("exited");
    d.finish();
}

#[test]
fn builtins_break_stops_only_under_a_debugger() {
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "expression": "let x = 5; in builtins.break (x + 1)" }));
    let stop = d.stopped();
    assert_eq!(stop["reason"], "breakpoint");
    assert_eq!(stop["description"], "builtins.break");
    d.resume("continue");
    assert_eq!(d.output_until_end("stdout"), "6\n");
    d.finish();
}

#[test]
fn stepping_through_a_lazy_program() {
    let program = "let\n  a = 1 + 2;\n  f = y: y * 10 + y * 2;\nin\n  f a\n";
    let dir = fixture(&[("main.nix", program)]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "program": file, "stopOnEntry": true }));
    assert_eq!(d.stopped()["reason"], "entry");
    assert_eq!(d.top(), (1, 1, "«program»".into()));
    // Step over the whole `let`: nothing else at its depth, so the end.
    d.resume("stepIn");
    assert_eq!(d.stopped()["reason"], "step");
    // The body: `f a`.
    assert_eq!(d.top(), (5, 3, "«program»".into()));
    d.resume("stepIn");
    d.stopped();
    // Into the call: `y * 10 + y * 2` in `f`, then its left operand.
    assert_eq!(d.top(), (3, 10, "f".into()));
    d.resume("stepIn");
    d.stopped();
    let frames = d.frames();
    assert_eq!(
        (frames[0]["endLine"].clone(), frames[0]["endColumn"].clone()),
        (json!(3), json!(16))
    );
    // `y` is a thunk: multiplying forces it, stepping into `a`'s
    // definition, in a frame named after the binding.
    d.resume("stepIn");
    d.stopped();
    assert_eq!(d.top(), (2, 7, "a".into()));
    // Step out of the thunk: back in `f`, at the next expression.
    d.resume("stepOut");
    d.stopped();
    assert_eq!(d.top(), (3, 19, "f".into()));
    // Step over finishes it (`y` is computed now), then the evaluation.
    d.resume("next");
    assert_eq!(d.event("exited")["exitCode"], 0);
    assert_eq!(d.output_until_end("stdout"), "36\n");
    d.finish();
}

#[test]
fn pause_stops_a_running_evaluation() {
    let mut d = Dap::initialized(json!({}));
    // Shallow but exponential, so it is still running when the pause
    // arrives however slow the machine (a deep recursion would end early in
    // a max-call-depth error).
    d.launch(json!({ "expression": "let loop = n: if n < 2 then n else loop (n - 1) + loop (n - 2); in loop 80" }));
    std::thread::sleep(Duration::from_millis(200));
    d.ok("pause", json!({ "threadId": 1 }));
    assert_eq!(d.stopped()["reason"], "pause");
    assert!(d.frames().iter().any(|f| f["name"] == "loop"));
    d.ok("terminate", json!({}));
    d.event("terminated");
    d.finish();
}

#[test]
fn scopes_never_force_and_expanding_a_thunk_does() {
    let program = r#"let
  lazy = throw "not forced";
  big = builtins.listToAttrs (map (n: { name = "a${toString n}"; value = n; }) (builtins.genList (x: x) 30));
  list = [ 1 2 3 ];
  f = { x, y ? x + 1 }: with { w = 1; }; x + y;
in
  builtins.seq big (builtins.seq list (f { x = lazy; }))
"#;
    let dir = fixture(&[("main.nix", program)]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({}));
    d.ok(
        "setBreakpoints",
        json!({ "source": { "path": file }, "breakpoints": [ { "line": 5, "column": 42 } ] }),
    );
    d.launch(json!({ "program": file }));
    d.stopped();
    assert_eq!(d.top().2, "f");
    let args = d.scope(1, "Arguments");
    let vars = d.vars(&args["variablesReference"]);
    let x = var(&vars, "x").clone();
    assert_eq!(x["value"], "«thunk»");
    assert_eq!(x["presentationHint"]["lazy"], true);
    // The let frame is two levels out: the thunk stays a thunk.
    let lets = d.scope(1, "Let");
    let vars = d.vars(&lets["variablesReference"]);
    assert_eq!(var(&vars, "lazy")["value"], "«thunk»");
    let big = var(&vars, "big").clone();
    assert_eq!(big["namedVariables"], 30);
    let page = d.ok(
        "variables",
        json!({ "variablesReference": big["variablesReference"], "filter": "named", "start": 10, "count": 5 }),
    );
    let page = page["variables"].as_array().unwrap();
    assert_eq!(page.len(), 5);
    let list = var(&vars, "list").clone();
    assert_eq!(list["indexedVariables"], 3);
    let items = d.vars(&list["variablesReference"]);
    assert_eq!(items[0]["name"], "0");
    assert_eq!(items[0]["value"], "1");
    // `with` scope and lazily listed builtins.
    let with = d.scope(1, "With");
    assert!(with["variablesReference"].as_i64().unwrap() > 0);
    let builtins = d.scope(1, "Builtins");
    assert_eq!(builtins["expensive"], true);
    // Expanding the thunk forces it: here, the `throw`.
    let forced = d.vars(&x["variablesReference"]);
    assert_eq!(forced[0]["value"], "«error: not forced»");
    d.event("invalidated");
    d.ok("terminate", json!({}));
    d.event("terminated");
    d.finish();
}

#[test]
fn a_thunk_under_evaluation_is_potential_infinite_recursion() {
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "expression": "let x = builtins.break 1 + 1; in x" }));
    d.stopped();
    let lets = d.scope(2, "Let");
    let vars = d.vars(&lets["variablesReference"]);
    assert_eq!(var(&vars, "x")["value"], "«potential infinite recursion»");
    d.resume("continue");
    assert_eq!(d.output_until_end("stdout"), "2\n");
    d.finish();
}

#[test]
fn evaluate_in_frames_with_breakpoints_suspended_and_a_timeout() {
    let dir = fixture(&[("main.nix", PROGRAM)]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({}));
    d.ok(
        "setBreakpoints",
        json!({ "source": { "path": file }, "breakpoints": [ { "line": 2, "column": 15 } ] }),
    );
    d.launch(json!({ "program": file }));
    d.stopped();
    // In the frame's scope; `double` has a breakpoint that does not fire.
    let r = d.ok(
        "evaluate",
        json!({ "expression": "double x + 100", "frameId": 1, "context": "repl" }),
    );
    assert_eq!(r["result"], "102");
    let r = d.ok(
        "evaluate",
        json!({ "expression": "{ a = x; b = [ ]; }", "frameId": 1, "context": "hover" }),
    );
    assert_eq!(r["namedVariables"], 2);
    let message = d.err("evaluate", json!({ "expression": "x +", "frameId": 1 }));
    assert!(message.contains("syntax error"), "{message}");
    let message = d.err(
        "evaluate",
        json!({ "expression": "let l = n: l (n + 1); in l 0", "frameId": 1, "context": "watch" }),
    );
    assert!(
        message.contains("timed out") || message.contains("stack overflow"),
        "{message}"
    );
    d.ok(
        "setBreakpoints",
        json!({ "source": { "path": file }, "breakpoints": [] }),
    );
    d.resume("continue");
    d.event("exited");
    d.finish();
}

#[test]
fn sources_terminate_restart_and_zero_based_positions() {
    let dir = fixture(&[
        ("main.nix", "import ./lib.nix { n = 2; }\n"),
        ("lib.nix", "{ n }:\nbuiltins.break (n * 21)\n"),
    ]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({ "linesStartAt1": false, "columnsStartAt1": false }));
    d.launch(json!({ "program": file }));
    d.stopped();
    let (line, column, _) = d.top();
    assert_eq!((line, column), (1, 0));
    let sources = d.ok("loadedSources", json!({}));
    let paths: Vec<&str> = sources["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["path"].as_str())
        .collect();
    assert!(
        paths.contains(&file.as_str()) && paths.iter().any(|p| p.ends_with("lib.nix")),
        "{paths:?}"
    );
    // Restart: the evaluation runs again and stops at the same place.
    d.ok("restart", json!({}));
    d.stopped();
    assert_eq!(d.top().0, 1);
    d.resume("continue");
    assert_eq!(d.output_until_end("stdout"), "42\n");
    let message = d.err("stackTrace", json!({ "threadId": 1 }));
    assert!(message.contains("not stopped"));
    let message = d.err("goto", json!({ "threadId": 1, "targetId": 1 }));
    assert!(message.contains("unsupported"));
    d.finish();

    // Terminate while running.
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "expression": "let loop = n: loop (n + 1); in loop 0" }));
    d.ok("terminate", json!({}));
    d.event("terminated");
    d.finish();
}

#[test]
fn derivations_show_their_out_path_once_known_without_forcing_it() {
    // `known` has had its outPath computed (no build: only the store path);
    // `unknown` has not, and looking at it must not compute it.
    let program = r#"let
  known = derivation { name = "hello"; system = "x86_64-linux"; builder = "/bin/sh"; };
  unknown = derivation { name = "other"; system = "x86_64-linux"; builder = "/bin/sh"; };
in
  builtins.seq known.outPath (builtins.seq unknown (builtins.break 1))
"#;
    let dir = fixture(&[("main.nix", program)]);
    let file = path(&dir, "main.nix");
    let mut d = Dap::initialized(json!({}));
    d.launch(json!({ "program": file }));
    d.stopped();
    let frames = d.frames().len() as i64;
    let lets = (1..=frames)
        .find_map(|id| {
            let body = d.ok("scopes", json!({ "frameId": id }));
            body["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == "Let")
                .cloned()
        })
        .expect("a frame with the let scope");
    let vars = d.vars(&lets["variablesReference"]);
    assert_eq!(
        var(&vars, "known")["value"],
        "«derivation /nix/store/pnwh4xsfs4j508bs9iw6bpkyc4zw6ryx-hello»"
    );
    assert_eq!(var(&vars, "unknown")["value"], "«derivation»");
    // Expanding the derivation lists its attributes; `outPath` of the one not
    // yet computed stays a thunk.
    let unknown = var(&vars, "unknown").clone();
    let attrs = d.vars(&unknown["variablesReference"]);
    assert_eq!(var(&attrs, "outPath")["value"], "«thunk»");
    d.resume("continue");
    assert_eq!(d.output_until_end("stdout"), "1\n");
    d.finish();
}
