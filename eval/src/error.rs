//! The evaluator's one error type and its C++-Nix-exact rendering.
//!
//! An [`EvalError`] has a message, a primary position, an optional hint
//! printed after the excerpt, and a trace of frames ("while calling …")
//! collected innermost first while the error unwinds. [`ErrorKind`] keeps
//! apart what `builtins.tryEval` may catch (`throw`, failed `assert`) from
//! what it may not.

use std::rc::Rc;

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

/// When a trace frame is shown, as C++ Nix decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FramePrint {
    /// Among the first few frames, or always with `--show-trace`.
    Default,
    /// Even after the trace is truncated (`addErrorContext`, "entering the
    /// infinite recursion", "while evaluating derivation …").
    Always,
    /// Only with `--show-trace` (C++ Nix adds the frames of lambda calls
    /// only then).
    TraceOnly,
}

/// A trace: frames pushed innermost first, as the error unwinds.
///
/// The frames form a list shared between copies: cloning is O(1) and
/// pushing onto a copy leaves the original as it was. A failed thunk keeps
/// a copy of its error, so a deep chain of failing thunks shares one trace
/// instead of each holding its own (memory linear, not quadratic, in the
/// depth), and a memoised error's trace is never changed by those who
/// re-raise it.
#[derive(Clone, Debug, Default)]
pub struct Frames {
    outermost: Option<Rc<FrameNode>>,
    len: usize,
}

#[derive(Debug)]
struct FrameNode {
    frame: Frame,
    print: FramePrint,
    inner: Frames,
}

impl Frames {
    /// Adds an outer frame shown as C++ Nix shows most frames.
    pub fn push(&mut self, frame: Frame) {
        self.push_with(frame, FramePrint::Default);
    }

    /// Adds an outer frame with its printing rule.
    pub fn push_with(&mut self, frame: Frame, print: FramePrint) {
        let inner = Frames {
            outermost: self.outermost.take(),
            len: self.len,
        };
        self.len += 1;
        self.outermost = Some(Rc::new(FrameNode {
            frame,
            print,
            inner,
        }));
    }

    /// The number of frames.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The frames with their printing rule, outermost first (the order
    /// C++ Nix prints them in).
    pub fn outermost_first(&self) -> impl Iterator<Item = (&Frame, FramePrint)> {
        let mut next = self.outermost.as_deref();
        std::iter::from_fn(move || {
            let node = next?;
            next = node.inner.outermost.as_deref();
            Some((&node.frame, node.print))
        })
    }

    /// The frames, innermost first (the order they were pushed in).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Frame> {
        let mut all: Vec<&Frame> = self.outermost_first().map(|(f, _)| f).collect();
        all.reverse();
        all.into_iter()
    }
}

impl Drop for Frames {
    // Frees a long unshared list in a loop: dropping it recursively could
    // overflow the stack after a deep recursion.
    fn drop(&mut self) {
        let mut next = self.outermost.take();
        while let Some(node) = next {
            match Rc::try_unwrap(node) {
                Ok(mut node) => next = node.inner.outermost.take(),
                Err(_) => break,
            }
        }
    }
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
    /// Trace frames, pushed innermost first.
    pub frames: Frames,
    /// For "infinite recursion encountered": the thunk that was forced
    /// while being evaluated, so that the force that started evaluating
    /// it adds the "entering the infinite recursion" frame (as C++ Nix
    /// does).
    pub(crate) recursion_thunk: Option<usize>,
    /// For "infinite recursion encountered": set until the error leaves
    /// the expression that forced the thunk again, which gives it its
    /// position if it can (C++ Nix's `tryFixupBlackHolePos`).
    pub(crate) position_pending: bool,
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
            frames: Frames::default(),
            recursion_thunk: None,
            position_pending: false,
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
        // C++ Nix adds lambda-call frames only with `--show-trace`; such
        // an error has no frames at all when none other was added.
        let frames: Vec<(&Frame, FramePrint)> = self
            .frames
            .outermost_first()
            .filter(|(_, print)| show_trace || *print != FramePrint::TraceOnly)
            .collect();
        if !frames.is_empty() {
            out.push_str("error:\n");
            push_trace(&mut out, &frames, show_trace, sources);
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

/// Prints the frames (outermost first) as C++ Nix's `showErrorInfo`
/// does: a frame equal to one already shown (same text and position) is
/// held back; a run of more than five held-back frames becomes one
/// `(N duplicate frames omitted)` line. Without `--show-trace`, once
/// more than three "units" were printed (a frame is one, its position
/// another) only `Always` frames follow, then a truncation note.
fn push_trace(
    out: &mut String,
    frames: &[(&Frame, FramePrint)],
    show_trace: bool,
    sources: &Sources,
) {
    let mut seen: std::collections::HashSet<(&str, Pos)> = std::collections::HashSet::new();
    let mut skipped: Vec<&Frame> = Vec::new();
    let mut count = 0usize;
    let mut truncate = false;
    for &(f, print) in frames {
        // C++ Nix skips frames with an empty text.
        if f.message.is_empty() {
            continue;
        }
        if !show_trace && count > 3 {
            truncate = true;
        }
        if truncate && print != FramePrint::Always {
            continue;
        }
        if !seen.insert((f.message.as_str(), f.pos)) {
            skipped.push(f);
            continue;
        }
        flush_skipped(out, &mut skipped, &mut count, sources);
        count += 1;
        push_frame(out, f, &mut count, sources);
    }
    flush_skipped(out, &mut skipped, &mut count, sources);
    if truncate {
        out.push_str(
            "       (stack trace truncated; use '--show-trace' to show the full, detailed trace)\n\n",
        );
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

/// Prints one frame; a shown position counts towards truncation.
fn push_frame(out: &mut String, f: &Frame, count: &mut usize, sources: &Sources) {
    push_block(out, &format!("… {}", f.message), f.pos, 2, sources);
    out.push('\n');
    if f.pos.is_some() && sources.get(f.pos.file).is_some() {
        *count += 1;
    }
}

/// Prints the held-back frames: each one when there are at most five,
/// else one line counting them. (C++ Nix means to forget the frames seen
/// so far at that point, but clears a copy: they stay seen.)
fn flush_skipped(
    out: &mut String,
    skipped: &mut Vec<&Frame>,
    count: &mut usize,
    sources: &Sources,
) {
    if skipped.is_empty() {
        return;
    }
    if skipped.len() <= 5 {
        for f in skipped.iter() {
            push_frame(out, f, count, sources);
        }
    } else {
        out.push_str(&format!(
            "       ({} duplicate frames omitted)\n\n",
            skipped.len()
        ));
    }
    skipped.clear();
}

/// Appends `title` (indented by 7) and, for a real position, the `at`
/// line (indented by 7 + `at_indent`) and the source excerpt.
fn push_block(out: &mut String, title: &str, pos: Pos, at_indent: usize, sources: &Sources) {
    // C++ Nix indents message lines without trimming them: a message
    // that ends in a newline leaves a line of seven spaces.
    for line in title.split('\n') {
        out.push_str("       ");
        out.push_str(line);
        out.push('\n');
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
    let visible = src.text.as_str();
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

/// The position C++ Nix's `Value::determinePos` gives a value: a
/// function's, a suspended call's function's, or none.
pub(crate) fn determine_pos(v: &crate::value::Value) -> Pos {
    use crate::value::{ThunkState, Value};
    match v {
        Value::Lambda(c) => c.lambda.pos,
        Value::Thunk(t) => match &*t.0.borrow() {
            ThunkState::Apply(f, _, _) => determine_pos(f),
            ThunkState::Forced(v) => determine_pos(v),
            _ => Pos::NONE,
        },
        _ => Pos::NONE,
    }
}

/// For `map_err` where a value is forced at `pos`: C++ Nix runs a
/// suspended call (a `genList` or `map` element) at the position it is
/// forced from, so a call-depth overflow raised by that call itself is
/// reported there.
pub(crate) fn overflow_at(pos: Pos) -> impl FnOnce(Box<EvalError>) -> Box<EvalError> {
    move |mut e| {
        if e.kind == ErrorKind::StackOverflow && !e.pos.is_some() && e.frames.is_empty() {
            e.pos = pos;
        }
        e
    }
}

/// Adds a frame that C++ Nix records only with `--show-trace` (the
/// frames of lambda calls), for `map_err`.
pub(crate) fn trace_only_frame(
    message: impl FnOnce() -> String,
    pos: Pos,
) -> impl FnOnce(Box<EvalError>) -> Box<EvalError> {
    move |mut e| {
        e.frames.push_with(
            Frame {
                message: message(),
                pos,
            },
            FramePrint::TraceOnly,
        );
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(message: &str, pos: Pos) -> Frame {
        Frame {
            message: message.into(),
            pos,
        }
    }

    #[test]
    fn without_show_trace_only_always_frames_follow_the_first_few() {
        let mut sources = Sources::default();
        let file = sources.add("/f.nix".into(), "a\nb\nc\n".into());
        let at = |offset| Pos { file, offset };
        let mut e = EvalError::new(ErrorKind::Thrown, "kaboom", Pos::NONE);
        e.frames.push(frame("inner default", at(4)));
        e.frames
            .push_with(frame("context 2", Pos::NONE), FramePrint::Always);
        e.frames.push(frame("shown default", Pos::NONE));
        e.frames
            .push_with(frame("call", at(2)), FramePrint::TraceOnly);
        e.frames.push(frame("in an operand", at(2)));
        e.frames
            .push_with(frame("context 1", Pos::NONE), FramePrint::Always);
        expect_test::expect![[r#"
            error:
                   … context 1

                   … in an operand
                     at /f.nix:2:1:
                        1| a
                        2| b
                         | ^
                        3| c

                   … shown default

                   … context 2

                   (stack trace truncated; use '--show-trace' to show the full, detailed trace)

                   error: kaboom
        "#]]
        .assert_eq(&e.render(&sources, false));
        let full = e.render(&sources, true);
        assert!(full.contains("… call\n") && full.contains("… inner default\n"));
        assert!(!full.contains("truncated"));
    }

    #[test]
    fn copies_share_frames_and_keep_their_own_pushes() {
        let mut e = EvalError::new(ErrorKind::Eval, "x", Pos::NONE);
        e.frames.push(frame("inner", Pos::NONE));
        let kept = e.clone();
        e.frames.push(frame("outer", Pos::NONE));
        assert_eq!(kept.frames.len(), 1);
        // The copy's frame is the pushed one's inner frame, not a copy.
        let pushed = e.frames.outermost.as_ref().unwrap();
        let inner = pushed.inner.outermost.as_ref().unwrap();
        assert!(Rc::ptr_eq(inner, kept.frames.outermost.as_ref().unwrap()));
        let order: Vec<&str> = e.frames.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(order, ["inner", "outer"]);
    }

    #[test]
    fn a_very_long_trace_is_dropped_without_recursion() {
        let mut e = EvalError::new(ErrorKind::Eval, "x", Pos::NONE);
        for _ in 0..1_000_000 {
            e.frames.push(frame("f", Pos::NONE));
        }
        drop(e);
    }
}
