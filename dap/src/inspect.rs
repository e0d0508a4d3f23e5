//! Inspection while stopped: stack frames, scopes, variables, `evaluate`,
//! exception details and sources — all answered on the evaluation thread.
//!
//! Nothing here forces a value unless the user asks: a suspended value is
//! shown as `«thunk»` with the `lazy` hint and forced only when expanded
//! (then an `invalidated` event tells the client other values may have
//! changed); a value under evaluation is `«potential infinite recursion»`.

use std::rc::Rc;
use std::time::Instant;

use serde_json::{Value as Json, json};
use tvix_eval::lower::Ir;
use tvix_eval::observer::{DebugContext, FrameKind, FrameNames, Peek, is_stop, peek};
use tvix_eval::pos::FileId;
use tvix_eval::value::{Env, Value};

use crate::debuggee::{DapObserver, EVAL_TIMEOUT, VarRef};

/// A frame's slots with their names; slots without a name (lowering's
/// temporaries) are left out.
fn named_slots(frame: &FrameNames, slots: &[Value]) -> Vec<(String, Value)> {
    frame
        .names
        .iter()
        .zip(slots.iter())
        .filter(|(n, _)| !n.as_str().is_empty())
        .map(|(n, v)| (n.as_str().to_owned(), v.clone()))
        .collect()
}

/// The names visible from a node, outermost first (so that inner ones win
/// when bound in order): forced `with` sets first, then static frames.
pub fn bindings(cx: &DebugContext<'_>, ir: &Ir, env: &Rc<Env>) -> Vec<(String, Value)> {
    let Some(names) = cx.frame_names(ir) else {
        return Vec::new();
    };
    let envs = std::iter::successors(Some(env), |e| e.parent.as_ref());
    let mut statics = Vec::new();
    let mut withs = Vec::new();
    for (frame, env) in names.chain().zip(envs) {
        let slots = env.slots.borrow();
        match frame.kind {
            FrameKind::Global | FrameKind::InheritFrom => {}
            FrameKind::With => {
                if let Some(Peek::Value(Value::Attrs(set))) = slots.first().map(peek) {
                    let attrs: Vec<(String, Value)> = set
                        .iter()
                        .map(|a| (a.name.as_str().to_owned(), a.value.clone()))
                        .collect();
                    withs.push(attrs);
                }
            }
            _ => {
                statics.push(named_slots(frame, &slots));
            }
        }
    }
    // The innermost `with` wins among `with`s; any static name beats them.
    let mut out: Vec<(String, Value)> = withs.into_iter().rev().flatten().collect();
    out.extend(statics.into_iter().rev().flatten());
    out
}

/// `v` forced deeply enough to print (for logpoints): its weak head only.
pub fn show_forced(cx: &mut DebugContext<'_>, v: &Value) -> String {
    match v {
        Value::String(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        other => cx.show(other),
    }
}

/// How a value is shown: text, type and what expanding it gives.
struct Shown {
    text: String,
    kind: &'static str,
    child: Option<VarRef>,
    named: Option<usize>,
    indexed: Option<usize>,
    lazy: bool,
}

/// Describes `v` without forcing anything.
fn describe(cx: &DebugContext<'_>, name: &str, v: &Value) -> Shown {
    let plain = |text: String, kind| Shown {
        text,
        kind,
        child: None,
        named: None,
        indexed: None,
        lazy: false,
    };
    match peek(v) {
        Peek::Thunk => Shown {
            text: "«thunk»".into(),
            kind: "thunk",
            child: Some(VarRef::Force {
                name: name.to_owned(),
                value: v.clone(),
            }),
            named: None,
            indexed: None,
            lazy: true,
        },
        Peek::UnderEvaluation => plain("«potential infinite recursion»".into(), "thunk"),
        Peek::Failed(e) => plain(format!("«error: {}»", e.message), "error"),
        Peek::Cleared => plain("«cleared»".into(), "thunk"),
        Peek::Value(x) => match &x {
            Value::Attrs(set) => {
                let text = if let Some(t) = set.get("type")
                    && matches!(peek(&t.value), Peek::Value(Value::String(s)) if s.as_bytes() == b"derivation")
                {
                    match set.get("outPath").map(|o| peek(&o.value)) {
                        Some(Peek::Value(Value::String(p))) => {
                            format!("«derivation {}»", String::from_utf8_lossy(p.as_bytes()))
                        }
                        _ => "«derivation»".to_owned(),
                    }
                } else {
                    let names: Vec<&str> = set.iter().take(4).map(|a| a.name.as_str()).collect();
                    let more = if set.len() > 4 { ", …" } else { "" };
                    format!(
                        "{{ {}{more} }} ({} attributes)",
                        names.join(", "),
                        set.len()
                    )
                };
                Shown {
                    text,
                    kind: "set",
                    named: Some(set.len()),
                    indexed: None,
                    child: Some(VarRef::Container(x.clone())),
                    lazy: false,
                }
            }
            Value::List(items) => Shown {
                text: format!("[ {} items ]", items.len()),
                kind: "list",
                named: None,
                indexed: Some(items.len()),
                child: Some(VarRef::Container(x.clone())),
                lazy: false,
            },
            other => plain(cx.show(other), other.type_of()),
        },
    }
}

impl DapObserver {
    fn add_ref(&mut self, r: VarRef) -> i64 {
        self.refs.push(r);
        self.refs.len() as i64
    }

    /// A variable (or evaluate result) as JSON, registering its children.
    fn variable(
        &mut self,
        cx: &DebugContext<'_>,
        name: &str,
        v: &Value,
        evaluate_name: Option<String>,
    ) -> Json {
        let shown = describe(cx, name, v);
        let reference = match shown.child {
            Some(r) => self.add_ref(r),
            None => 0,
        };
        let mut out = json!({
            "name": name,
            "value": shown.text,
            "type": shown.kind,
            "variablesReference": reference,
        });
        if let Some(n) = shown.named {
            out["namedVariables"] = json!(n);
        }
        if let Some(n) = shown.indexed {
            out["indexedVariables"] = json!(n);
        }
        if shown.lazy {
            out["presentationHint"] = json!({ "lazy": true });
        }
        if let Some(e) = evaluate_name {
            out["evaluateName"] = json!(e);
        }
        out
    }

    /// A line/column in the client's units.
    fn client_position(&mut self, cx: &DebugContext<'_>, file: FileId, offset: u32) -> (i64, i64) {
        let p = match self.map(cx, file) {
            Some(m) => m.position(offset),
            None => return (0, 0),
        };
        (
            i64::from(p.line) + i64::from(self.coords.line1),
            i64::from(p.col) + i64::from(self.coords.col1),
        )
    }

    fn source_json(&self, cx: &DebugContext<'_>, file: FileId) -> Json {
        match cx.sources().get(file) {
            Some(src) if src.name.starts_with('/') => json!({
                "name": std::path::Path::new(&src.name).file_name().map(|n| n.to_string_lossy().into_owned()),
                "path": src.name,
            }),
            Some(src) => json!({ "name": src.name, "sourceReference": file.0 as i64 + 1 }),
            None => json!({ "name": "«unknown»" }),
        }
    }

    /// Answers one forwarded request.
    pub(crate) fn answer(&mut self, cx: &mut DebugContext<'_>, req: &Json) {
        let seq = req["seq"].as_i64().unwrap_or(0);
        let command = req["command"].as_str().unwrap_or("").to_owned();
        let args = &req["arguments"];
        let result = match command.as_str() {
            "stackTrace" => Ok(self.stack_trace(cx, args)),
            "scopes" => self.scopes(cx, args),
            "variables" => self.variables(cx, args),
            "evaluate" => self.evaluate(cx, args),
            "exceptionInfo" => self.exception_info(),
            "source" => self.source(cx, args),
            other => Err(format!("'{other}' is not answered while stopped")),
        };
        match result {
            Ok(body) => self.client.respond_json(seq, &command, body),
            Err(message) => self.client.fail(seq, &command, &message),
        }
    }

    fn stack_trace(&mut self, cx: &DebugContext<'_>, args: &Json) -> Json {
        let start = args["startFrame"].as_u64().unwrap_or(0) as usize;
        let levels = args["levels"]
            .as_u64()
            .filter(|&l| l > 0)
            .unwrap_or(u64::MAX) as usize;
        let total = self.frames.len();
        let mut frames = Vec::new();
        for i in start..total.min(start.saturating_add(levels)) {
            let (name, pos, ir) = {
                let f = &self.frames[i];
                let ir = f.node.as_ref().map(|(ir, _)| ir.clone());
                let pos = ir.as_ref().map_or(f.pos, |ir| ir.pos);
                (f.name.clone(), pos, ir)
            };
            let mut frame = json!({ "id": i as i64 + 1, "name": name, "line": 0, "column": 0 });
            if pos.is_some() {
                // The whole expression: from its span's start (a binary
                // operation's position is its operator) to its end.
                let span = match (&ir, self.map(cx, pos.file)) {
                    (Some(ir), Some(map)) => Some(map.span(ir)),
                    _ => None,
                };
                let start = span.map_or(pos.offset, |s| s.0);
                let (line, column) = self.client_position(cx, pos.file, start);
                frame["line"] = json!(line);
                frame["column"] = json!(column);
                frame["source"] = self.source_json(cx, pos.file);
                if let Some((_, end)) = span {
                    let (end_line, end_column) = self.client_position(cx, pos.file, end);
                    frame["endLine"] = json!(end_line);
                    frame["endColumn"] = json!(end_column);
                }
            } else {
                frame["presentationHint"] = json!("subtle");
            }
            frames.push(frame);
        }
        json!({ "stackFrames": frames, "totalFrames": total })
    }

    fn frame(&self, args: &Json) -> Result<(Rc<Ir>, Rc<Env>), String> {
        let id = args["frameId"].as_i64().unwrap_or(0);
        let frame = usize::try_from(id - 1)
            .ok()
            .and_then(|i| self.frames.get(i))
            .ok_or_else(|| format!("no stack frame {id}"))?;
        frame
            .node
            .clone()
            .ok_or_else(|| "this frame has not started evaluating".to_owned())
    }

    fn scopes(&mut self, cx: &DebugContext<'_>, args: &Json) -> Result<Json, String> {
        let (ir, env) = match self.frame(args) {
            Ok(f) => f,
            Err(_) => return Ok(json!({ "scopes": [] })),
        };
        let Some(names) = cx.frame_names(&ir) else {
            return Ok(json!({ "scopes": [] }));
        };
        let envs: Vec<Rc<Env>> = std::iter::successors(Some(&env), |e| e.parent.as_ref())
            .cloned()
            .collect();
        let mut scopes = Vec::new();
        let frames: Vec<_> = names.chain().cloned().collect();
        for (frame, env) in frames.into_iter().zip(envs) {
            let (title, expensive) = match frame.kind {
                FrameKind::Lambda => ("Arguments", false),
                FrameKind::Let => ("Let", false),
                FrameKind::Rec => ("Recursive set", false),
                FrameKind::With => ("With", false),
                FrameKind::Bindings => ("Bindings", false),
                FrameKind::Global => ("Builtins", true),
                FrameKind::InheritFrom => continue,
            };
            let count = frame.names.len();
            let reference = self.add_ref(VarRef::Frame { env, names: frame });
            scopes.push(json!({
                "name": title,
                "variablesReference": reference,
                "namedVariables": count,
                "expensive": expensive,
                "presentationHint": if title == "Arguments" { "arguments" } else { "locals" },
            }));
        }
        Ok(json!({ "scopes": scopes }))
    }

    fn variables(&mut self, cx: &mut DebugContext<'_>, args: &Json) -> Result<Json, String> {
        let id = args["variablesReference"].as_i64().unwrap_or(0);
        let start = args["start"].as_u64().unwrap_or(0) as usize;
        let count = args["count"]
            .as_u64()
            .filter(|&c| c > 0)
            .unwrap_or(u64::MAX) as usize;
        let target = usize::try_from(id - 1)
            .ok()
            .and_then(|i| self.refs.get(i))
            .ok_or_else(|| {
                format!("no variables reference {id} (they last until the next step)")
            })?;
        let mut entries: Vec<(String, Value)> = Vec::new();
        let mut forced = false;
        match target {
            VarRef::Frame { env, names } => {
                let slots = env.slots.borrow();
                let mut pairs = named_slots(names, &slots);
                if names.kind == FrameKind::Global {
                    pairs.sort_by(|a, b| a.0.cmp(&b.0));
                }
                entries = pairs;
            }
            VarRef::Container(Value::Attrs(set)) => {
                entries = set
                    .iter()
                    .map(|a| (a.name.as_str().to_owned(), a.value.clone()))
                    .collect();
            }
            VarRef::Container(Value::List(items)) => {
                entries = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v.clone()))
                    .collect();
            }
            VarRef::Container(_) => {}
            VarRef::Force { name, value } => {
                let (name, value) = (name.clone(), value.clone());
                let deadline = Instant::now() + EVAL_TIMEOUT;
                forced = true;
                match cx.force_within(&value, deadline) {
                    Ok(v) => entries.push((name, v)),
                    Err(e) => {
                        let message = if is_stop(&e) {
                            format!("«timed out after {}s»", EVAL_TIMEOUT.as_secs())
                        } else {
                            format!("«error: {}»", e.message)
                        };
                        let var =
                            json!({ "name": name, "value": message, "variablesReference": 0 });
                        self.invalidated();
                        return Ok(json!({ "variables": [var] }));
                    }
                }
            }
        }
        let page: Vec<(String, Value)> = entries.into_iter().skip(start).take(count).collect();
        let vars: Vec<Json> = page
            .iter()
            .map(|(n, v)| self.variable(cx, n, v, None))
            .collect();
        if forced {
            self.invalidated();
        }
        Ok(json!({ "variables": vars }))
    }

    /// Tells the client that forcing may have changed what it shows.
    fn invalidated(&self) {
        if !self.supports_invalidated {
            return;
        }
        self.client
            .event("invalidated", json!({ "areas": ["variables"] }));
    }

    fn evaluate(&mut self, cx: &mut DebugContext<'_>, args: &Json) -> Result<Json, String> {
        let text = args["expression"].as_str().unwrap_or("").to_owned();
        let frame = if args["frameId"].is_i64() {
            Some(self.frame(args)?)
        } else {
            self.frames.first().and_then(|f| f.node.clone())
        };
        let scope = frame.as_ref().map(|(i, e)| (i, e));
        let v = self
            .eval_in(cx, &text, scope)
            .map_err(|e| e.message.clone())?;
        let var = self.variable(cx, "", &v, Some(text));
        let mut out = json!({
            "result": var["value"],
            "type": var["type"],
            "variablesReference": var["variablesReference"],
        });
        for key in ["namedVariables", "indexedVariables", "presentationHint"] {
            if !var[key].is_null() {
                out[key] = var[key].clone();
            }
        }
        Ok(out)
    }

    fn exception_info(&self) -> Result<Json, String> {
        let (kind, message) = self
            .last_error
            .clone()
            .ok_or_else(|| "not stopped on an error".to_owned())?;
        Ok(json!({
            "exceptionId": kind,
            "description": message,
            "breakMode": "always",
            "details": { "message": message, "typeName": kind },
        }))
    }

    fn source(&self, cx: &DebugContext<'_>, args: &Json) -> Result<Json, String> {
        let reference = args["sourceReference"]
            .as_i64()
            .or_else(|| args["source"]["sourceReference"].as_i64())
            .unwrap_or(0);
        let file = FileId(u32::try_from(reference - 1).map_err(|_| "no such source".to_owned())?);
        let src = cx.sources().get(file).ok_or("no such source")?;
        Ok(json!({ "content": src.text, "mimeType": "text/x-nix" }))
    }
}
