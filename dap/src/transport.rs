//! The wire: `Content-Length` framed JSON messages, and a sender shared by
//! the protocol thread and the evaluation thread.
//!
//! Messages are read as JSON first and typed second, so that a request the
//! `dap` crate cannot type (an unknown command, malformed arguments) still
//! gets an error response naming its `seq` and command.

use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};

/// Reads one message; `Ok(None)` at the end of the input.
pub fn read_message(input: &mut impl BufRead) -> io::Result<Option<Json>> {
    let mut length: Option<usize> = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if length.is_some() {
                break;
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(value.trim().parse().map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length header")
            })?);
        }
    }
    let mut body = vec![0; length.unwrap_or(0)];
    input.read_exact(&mut body)?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

struct Output {
    writer: Box<dyn Write + Send>,
    seq: i64,
}

/// Sends messages to the client; cheap to clone, usable from any thread.
#[derive(Clone)]
pub struct Client {
    out: Arc<Mutex<Output>>,
}

impl Client {
    /// A client writing to `writer`.
    pub fn new(writer: Box<dyn Write + Send>) -> Client {
        Client {
            out: Arc::new(Mutex::new(Output { writer, seq: 0 })),
        }
    }

    fn send(&self, mut message: Json) {
        let Ok(mut out) = self.out.lock() else { return };
        out.seq += 1;
        message["seq"] = json!(out.seq);
        let body = message.to_string();
        // A client that went away is noticed by the reader; nothing to do.
        let _ = write!(out.writer, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = out.writer.flush();
    }

    /// Sends the event `name` with `body`.
    pub fn event(&self, name: &str, body: Json) {
        let mut message = json!({ "type": "event", "event": name });
        if !body.is_null() {
            message["body"] = body;
        }
        self.send(message);
    }

    /// Sends an `output` event.
    pub fn output(&self, category: &str, text: &str) {
        self.event("output", json!({ "category": category, "output": text }));
    }

    /// Answers request `seq` of `command` with a raw JSON body.
    pub fn respond_json(&self, seq: i64, command: &str, body: Json) {
        self.send(json!({
            "type": "response",
            "request_seq": seq,
            "success": true,
            "command": command,
            "body": body,
        }));
    }

    /// Answers request `seq` of `command` with an error shown to the user.
    pub fn fail(&self, seq: i64, command: &str, message: &str) {
        self.send(json!({
            "type": "response",
            "request_seq": seq,
            "success": false,
            "command": command,
            "message": message,
            "body": { "error": { "id": 1, "format": message, "showUser": true } },
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::read_message;

    #[test]
    fn reads_framed_messages_and_the_end() {
        let text = "Content-Length: 13\r\n\r\n{\"seq\": 1}   Content-Length: 2\r\n\r\n{}";
        let mut input = std::io::Cursor::new(text.as_bytes().to_vec());
        let first = read_message(&mut input).unwrap().unwrap();
        assert_eq!(first["seq"], 1);
        // The rest of the first body ("   ") is not a header line.
        let second = read_message(&mut input);
        assert!(second.is_ok());
        let mut empty = std::io::Cursor::new(Vec::new());
        assert!(read_message(&mut empty).unwrap().is_none());
    }

    #[test]
    fn rejects_bad_lengths() {
        let mut input = std::io::Cursor::new(b"Content-Length: x\r\n\r\n{}".to_vec());
        assert!(read_message(&mut input).is_err());
    }
}
