//! A small synchronous LSP client driving `tvix lsp` over stdio, shared by
//! the LSP integration tests, the soak test and the latency benchmark.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A running server and the messages it sent that nobody consumed yet.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    pub notifications: VecDeque<Value>,
}

/// The `file://` URI of a path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Starts `tvix lsp` (the binary at `binary`) and initializes it with
    /// `root` as the workspace.
    pub fn start(binary: &str, root: &Path, init_options: Value) -> Client {
        let mut child = Command::new(binary)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tvix lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(message) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming: rx,
            next_id: 0,
            notifications: VecDeque::new(),
        };
        let response = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{ "uri": uri(root), "name": "root" }],
                "capabilities": {
                    "window": { "workDoneProgress": true },
                    "workspace": {
                        "configuration": false,
                        "workspaceEdit": {
                            "documentChanges": true,
                            "resourceOperations": ["create"],
                        },
                    },
                },
                "initializationOptions": init_options,
            }),
        );
        assert!(
            response.get("result").is_some(),
            "initialize failed: {response}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The next message from the server, answering its requests on the way.
    fn next_message(&mut self, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => panic!("the server exited"),
            };
            if message.get("method").is_some() && message.get("id").is_some() {
                // A request from the server: progress, configuration, refresh.
                let result = match message["method"].as_str() {
                    Some("workspace/configuration") => json!([null]),
                    _ => Value::Null,
                };
                let id = message["id"].clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }));
                continue;
            }
            return Some(message);
        }
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64, timeout: Duration) -> Value {
        loop {
            let message = self
                .next_message(timeout)
                .unwrap_or_else(|| panic!("no response to request {id} within {timeout:?}"));
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            self.notifications.push_back(message);
        }
    }

    /// Sends a request and waits (up to 60 s) for its response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id, Duration::from_secs(60))
    }

    /// Waits for a notification satisfying `matches`, taking it out.
    pub fn wait_notification(
        &mut self,
        timeout: Duration,
        matches: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.notifications.iter().position(&matches) {
            return self.notifications.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.next_message(left)?;
            if matches(&message) {
                return Some(message);
            }
            self.notifications.push_back(message);
        }
    }

    /// Waits for `publishDiagnostics` of `uri` at `version` (any version
    /// when `None`).
    pub fn wait_diagnostics(
        &mut self,
        uri: &str,
        version: Option<i64>,
        timeout: Duration,
    ) -> Option<Value> {
        self.wait_notification(timeout, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        })
    }

    /// Waits until indexing has finished (its progress `end`).
    pub fn wait_indexed(&mut self, timeout: Duration) -> bool {
        self.wait_notification(timeout, |m| {
            m["method"] == "$/progress"
                && m["params"]["token"] == "tvix/indexing"
                && m["params"]["value"]["kind"] == "end"
        })
        .is_some()
    }

    /// Opens a document.
    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "nix", "version": 1, "text": text } }),
        );
    }

    /// The server's resident memory in KiB (Linux).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Shuts the server down and waits for it to exit; returns its status.
    pub fn shutdown(mut self) -> Option<i32> {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
