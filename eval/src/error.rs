//! The evaluator's one error type and its C++-Nix-exact rendering.
//!
//! An [`EvalError`] has a message, a primary position, an optional hint
//! printed after the excerpt, and a trace of frames ("while calling …")
//! collected innermost first while the error unwinds. [`ErrorKind`] keeps
//! apart what `builtins.tryEval` may catch (`throw`, failed `assert`) from
//! what it may not.

use crate::pos::{Pos, Sources};

/// What kind of failure this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `throw`: catchable by `tryEval`.
    Thrown,
    /// A failed `assert`: catchable by `tryEval`.
    Assertion,
    /// `abort`: never catchable.
    Abort,
    /// Any other evaluation error (type errors, missing attributes, …):
    /// not catchable.
    Eval,
    /// The call depth or the native stack ran out.
    StackOverflow,
}

impl ErrorKind {
    /// Whether `builtins.tryEval` turns this error into `success = false`.
    pub fn is_catchable(self) -> bool {
        matches!(self, ErrorKind::Thrown | ErrorKind::Assertion)
    }
}

/// One "… while …" line of a trace, with an optional position.
#[derive(Clone, Debug)]
pub struct Frame {
    /// What was happening, e.g. `while calling 'f'`.
    pub message: String,
    /// Where, if anywhere.
    pub pos: Pos,
}

/// An evaluation error.
#[derive(Clone, Debug)]
pub struct EvalError {
    /// The kind.
    pub kind: ErrorKind,
    /// The message after `error: `.
    pub message: String,
    /// Where it happened (`Pos::NONE` if nowhere in particular).
    pub pos: Pos,
    /// Extra text printed after the excerpt (`Did you mean …?`).
    pub hint: Option<String>,
    /// Trace frames, innermost first.
    pub frames: Vec<Frame>,
}

/// Results of evaluation.
pub type EvalResult<T> = Result<T, Box<EvalError>>;

impl EvalError {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>, pos: Pos) -> Box<EvalError> {
        Box::new(EvalError {
            kind,
            message: message.into(),
            pos,
            hint: None,
            frames: Vec::new(),
        })
    }

    /// An uncatchable evaluation error.
    pub fn eval(message: impl Into<String>, pos: Pos) -> Box<EvalError> {
        EvalError::new(ErrorKind::Eval, message, pos)
    }

    /// Renders the message and position with another prefix than
    /// `error` (e.g. `warning`), without the trace.
    pub fn render_as(&self, prefix: &str, sources: &Sources) -> String {
        let mut body = String::new();
        push_block(&mut body, &self.message, self.pos, 0, sources);
        let indent = " ".repeat(prefix.len() + 2);
        let mut out = String::new();
        for (i, line) in body.lines().enumerate() {
            let line = line.strip_prefix("       ").unwrap_or(line);
            if i == 0 {
                out.push_str(&format!("{prefix}: {line}"));
            } else {
                out.push_str(format!("{indent}{line}").trim_end());
            }
            out.push('\n');
        }
        out
    }

    /// Like [`EvalError::render`], as the bytes C++ Nix writes: source
    /// excerpts quote bytes that are not UTF-8 as they are in the file.
    pub fn render_bytes(&self, sources: &Sources, show_trace: bool) -> Vec<u8> {
        restore_source_bytes(self.render(sources, show_trace), sources)
    }

    /// Renders the error as C++ Nix prints it on stderr (with a trailing
    /// newline), with or without the trace.
    pub fn render(&self, sources: &Sources, show_trace: bool) -> String {
        let mut out = String::new();
        if show_trace && self.frames.iter().any(|f| !f.message.is_empty()) {
            out.push_str("error:\n");
            // Like C++ Nix: a frame already shown is skipped; a run of more
            // than five skipped frames is summarised in one line.
            let mut seen: Vec<&Frame> = Vec::new();
            let mut skipped: Vec<&Frame> = Vec::new();
            for f in self.frames.iter().rev() {
                // C++ Nix skips frames with an empty text.
                if f.message.is_empty() {
                    continue;
                }
                if seen.iter().any(|s| same(s, f)) {
                    skipped.push(f);
                    continue;
                }
                flush_skipped(&mut out, &mut skipped, &mut seen, sources);
                seen.push(f);
                push_frame(&mut out, f, sources);
            }
            flush_skipped(&mut out, &mut skipped, &mut seen, sources);
            let mut last = String::new();
            push_block(
                &mut last,
                &format!("error: {}", self.message),
                self.pos,
                0,
                sources,
            );
            out.push_str(&last);
        } else {
            let mut body = String::new();
            push_block(&mut body, &self.message, self.pos, 0, sources);
            // The first line carries `error: ` instead of indentation.
            let body = body.strip_prefix("       ").unwrap_or(&body);
            out.push_str("error: ");
            out.push_str(body);
        }
        if let Some(hint) = &self.hint {
            for line in hint.lines() {
                out.push_str(format!("       {line}").trim_end());
                out.push('\n');
            }
        }
        out
    }
}

/// `text` as bytes, with the characters that stand for a source file's
/// non-UTF-8 bytes (see [`crate::source_bytes`]) turned back into them.
pub fn restore_source_bytes(text: String, sources: &Sources) -> Vec<u8> {
    let escapes: Vec<_> = sources.escapes().collect();
    if escapes.is_empty() {
        return text.into_bytes();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        match escapes.iter().find_map(|e| e.byte_of(c)) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    out
}

fn push_frame(out: &mut String, f: &Frame, sources: &Sources) {
    push_block(out, &format!("… {}", f.message), f.pos, 2, sources);
    out.push('\n');
}

fn flush_skipped<'a>(
    out: &mut String,
    skipped: &mut Vec<&'a Frame>,
    seen: &mut Vec<&'a Frame>,
    sources: &Sources,
) {
    if skipped.is_empty() {
        return;
    }
    if skipped.len() <= 5 {
        for f in skipped.iter() {
            push_frame(out, f, sources);
        }
    } else {
        out.push_str(&format!(
            "       ({} duplicate frames omitted)\n\n",
            skipped.len()
        ));
    }
    skipped.clear();
    seen.clear();
}

fn same(a: &Frame, b: &Frame) -> bool {
    a.message == b.message && a.pos == b.pos
}

/// Appends `title` (indented by 7) and, for a real position, the `at`
/// line (indented by 7 + `at_indent`) and the source excerpt.
fn push_block(out: &mut String, title: &str, pos: Pos, at_indent: usize, sources: &Sources) {
    for line in title.split('\n') {
        push_line(out, &format!("       {line}"));
    }
    let Some(src) = (pos.is_some()).then(|| sources.get(pos.file)).flatten() else {
        return;
    };
    let (line, col) = tvix_syntax::exact::render::line_col(&src.text, pos.offset.into());
    push_line(
        out,
        &format!(
            "       {}at {}:{}:{}:",
            " ".repeat(at_indent),
            src.name,
            line,
            col
        ),
    );
    let visible = src.text.split('\0').next().unwrap_or("");
    let all = split_lines(visible);
    let get = |n: usize| n.checked_sub(1).and_then(|i| all.get(i)).copied();
    if line > 1
        && let Some(prev) = get(line - 1)
    {
        push_line(out, &format!("        {:>5}| {}", line - 1, prev));
    }
    if let Some(cur) = get(line) {
        push_line(out, &format!("        {:>5}| {}", line, cur));
        push_line(out, &format!("             |{}^", " ".repeat(col)));
    }
    if let Some(next) = get(line + 1) {
        push_line(out, &format!("        {:>5}| {}", line + 1, next));
    }
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line.trim_end_matches([' ', '\t', '\r', '\n']));
    out.push('\n');
}

/// Lines split like C++ Nix's `LinesIterator`.
fn split_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if text.is_empty() {
        return out;
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    loop {
        let start = pos;
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        out.push(&text[start..end]);
        if end == bytes.len() {
            return out;
        }
        pos = end;
        if bytes[pos] == b'\r' {
            pos += 1;
        }
        if pos < bytes.len() && bytes[pos] == b'\n' {
            pos += 1;
        }
    }
}
