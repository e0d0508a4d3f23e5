//! Evaluation-backed analysis: evaluating a workspace file with tvix-eval
//! under a time and step budget, on its own thread, stopped as soon as the
//! workspace changes.
//!
//! The evaluator reads files through an overlay: the workspace's current
//! texts (unsaved buffers included) first, then the caller's
//! [`FileSystem`]. A file's value is evaluated once per revision into a
//! [`FileEvaluation`]: the `outPath` of every attribute that is a
//! derivation (inlay hints) and the errors its top-level attributes raise
//! (diagnostics with the trace as related locations).

use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rustc_hash::FxHashMap;
use tvix_eval::value::Value;
use tvix_eval::{EvalIO, Evaluator, FileType};
use tvix_syntax::{TextRange, TextSize};

use crate::db::{self, Workspace};
pub use crate::eval_budget::EvalBudget;
use crate::eval_budget::{BudgetObserver, CancelToken};
use crate::{Analysis, Cancellable, FileId, FilePosition};

/// The file system outside the workspace, as evaluation sees it.
pub trait FileSystem: Send + Sync {
    /// The bytes of a file.
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>>;
    /// A directory's entries and their types.
    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>>;
    /// The type of `path` (not following a final link).
    fn file_type(&self, path: &str) -> io::Result<FileType>;
}

/// A file system with nothing in it (tests, or no disk access wanted).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFileSystem;

impl FileSystem for NoFileSystem {
    fn read_file(&self, _path: &str) -> io::Result<Vec<u8>> {
        Err(io::ErrorKind::NotFound.into())
    }

    fn read_dir(&self, _path: &str) -> io::Result<Vec<(String, FileType)>> {
        Err(io::ErrorKind::NotFound.into())
    }

    fn file_type(&self, _path: &str) -> io::Result<FileType> {
        Err(io::ErrorKind::NotFound.into())
    }
}

/// An `outPath` hint after an attribute name that evaluates to a
/// derivation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes: the end of the attribute's name.
    pub offset: TextSize,
    /// The text shown: the `outPath`.
    pub label: String,
    /// Shown on hover: the `drvPath` and every output.
    pub tooltip: String,
}

/// An evaluation error located in the evaluated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalDiagnostic {
    /// Where (the error's position, or the attribute whose value failed).
    pub range: TextRange,
    /// The message.
    pub message: String,
    /// The trace: each frame's message and position (path, byte offset).
    pub related: Vec<(String, u32, String)>,
}

/// What evaluating one file found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileEvaluation {
    /// `outPath` hints, in source order.
    pub hints: Vec<InlayHint>,
    /// Errors, in source order.
    pub errors: Vec<EvalDiagnostic>,
    /// Whether the budget ran out before everything was evaluated.
    pub incomplete: bool,
}

/// How deep nested attribute sets are searched for derivations.
const HINT_DEPTH: usize = 4;
/// How many attributes are looked at, at most.
const HINT_ATTRS: usize = 20_000;
/// How deep a hovered value is printed.
const HOVER_DEPTH: usize = 2;
/// How many items of a list or set a hover prints.
const HOVER_ITEMS: usize = 12;

impl Analysis {
    /// Evaluates `file` (called with `{ }` when it is a function whose
    /// arguments all have defaults) and collects derivation `outPath`s
    /// and errors. `Ok(None)` when evaluation is disabled.
    pub fn evaluate_file(&self, file: FileId) -> Cancellable<Option<FileEvaluation>> {
        let Some(job) = self.eval_job(file)? else {
            return Ok(None);
        };
        let cancel = self.cancel_token();
        let result = run_on_eval_thread(move || job.evaluate_file(cancel));
        if self.is_stale() {
            return Err(crate::Cancelled::PendingWrite);
        }
        Ok(result)
    }

    /// The evaluated value of the attribute under the cursor (an
    /// attribute path of the file's value), printed a few levels deep.
    pub(crate) fn evaluated_value_at(&self, position: FilePosition) -> Cancellable<Option<String>> {
        let path = self.with_db(|db| {
            let root = db::parse(db, position.file.0).syntax();
            attribute_path_at(&root, position.offset)
        })?;
        let Some(path) = path else {
            return Ok(None);
        };
        let Some(mut job) = self.eval_job(position.file)? else {
            return Ok(None);
        };
        // Hover must be quick.
        job.budget.timeout = job.budget.timeout.min(Duration::from_millis(500));
        let cancel = self.cancel_token();
        let result = run_on_eval_thread(move || job.value_at(&path, cancel));
        if self.is_stale() {
            return Err(crate::Cancelled::PendingWrite);
        }
        Ok(result.flatten())
    }

    /// The attribute names of the value of `closed` (a closed expression
    /// written in `file`'s directory), evaluated under a short budget:
    /// completion only uses values that are cheap to get. Results are
    /// remembered while the rest of the workspace stays the same, so the
    /// next keystroke after `lib.` does not evaluate again.
    pub(crate) fn evaluated_attribute_names(
        &self,
        file: FileId,
        closed: &str,
    ) -> Cancellable<Option<Arc<Vec<String>>>> {
        let Some(mut job) = self.eval_job(file)? else {
            return Ok(None);
        };
        let key = completion_key(&job, closed);
        if let Some(names) = self.completion_cache.lock().unwrap().get(key) {
            return Ok(Some(names));
        }
        job.budget.timeout = job.budget.timeout.min(COMPLETION_TIMEOUT);
        let cancel = self.cancel_token();
        let closed = closed.to_owned();
        let result = run_on_eval_thread(move || job.attribute_names(&closed, cancel)).flatten();
        if self.is_stale() {
            return Err(crate::Cancelled::PendingWrite);
        }
        let Some(names) = result else {
            return Ok(None);
        };
        let names = Arc::new(names);
        self.completion_cache
            .lock()
            .unwrap()
            .insert(key, names.clone());
        Ok(Some(names))
    }

    fn cancel_token(&self) -> CancelToken {
        CancelToken {
            generation: self.generation_handle(),
            started_at: self.started_at(),
        }
    }

    /// Everything an evaluation needs, copied out of the database so the
    /// database is not held while evaluating.
    fn eval_job(&self, file: FileId) -> Cancellable<Option<EvalJob>> {
        self.with_db(|db| {
            let settings = db::SettingsInput::get(db).settings(db).clone();
            if !settings.eval_enabled {
                return None;
            }
            let files: FxHashMap<String, Arc<str>> = Workspace::get(db)
                .files(db)
                .iter()
                .map(|(path, f)| (path.clone(), f.text(db).clone()))
                .collect();
            Some(EvalJob {
                path: file.0.path(db).clone(),
                text: file.0.text(db).clone(),
                overlay: OverlayIO {
                    files,
                    fs: self.fs.clone(),
                },
                search_path: settings.search_path.clone(),
                budget: EvalBudget {
                    timeout: Duration::from_millis(settings.eval_timeout_ms),
                    max_steps: settings.eval_max_steps,
                    max_memory: settings.eval_max_memory_mb.saturating_mul(1024 * 1024),
                },
            })
        })
    }
}

/// How long completion waits for an evaluated value.
const COMPLETION_TIMEOUT: Duration = Duration::from_millis(1_000);
/// How many evaluated completions are remembered.
const COMPLETION_CACHE_SIZE: usize = 32;

/// A key for [`CompletionCache`]: the closed expression, the directory it
/// is evaluated in, the search path and every workspace file's text but
/// the edited file's (whose relevant part the closed expression holds).
fn completion_key(job: &EvalJob, closed: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    closed.hash(&mut hasher);
    job.path.rsplit_once('/').map(|(d, _)| d).hash(&mut hasher);
    job.search_path.hash(&mut hasher);
    let mut files: Vec<(&String, &Arc<str>)> = job
        .overlay
        .files
        .iter()
        .filter(|(path, _)| **path != job.path)
        .collect();
    files.sort_unstable_by_key(|(path, _)| *path);
    files.hash(&mut hasher);
    hasher.finish()
}

/// Recently evaluated attribute names for completion, most recent first.
#[derive(Default)]
pub(crate) struct CompletionCache {
    entries: Vec<(u64, Arc<Vec<String>>)>,
}

impl CompletionCache {
    fn get(&mut self, key: u64) -> Option<Arc<Vec<String>>> {
        let at = self.entries.iter().position(|(k, _)| *k == key)?;
        let entry = self.entries.remove(at);
        let names = entry.1.clone();
        self.entries.insert(0, entry);
        Some(names)
    }

    fn insert(&mut self, key: u64, names: Arc<Vec<String>>) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.insert(0, (key, names));
        self.entries.truncate(COMPLETION_CACHE_SIZE);
    }
}

/// Runs `f` on a thread with the evaluator's stack and waits for it.
fn run_on_eval_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    std::thread::Builder::new()
        .name("tvix-eval".into())
        .stack_size(tvix_eval::EVAL_STACK)
        .spawn(f)
        .ok()?
        .join()
        .ok()
}

/// The workspace's texts over the caller's file system.
struct OverlayIO {
    files: FxHashMap<String, Arc<str>>,
    fs: Arc<dyn FileSystem>,
}

impl EvalIO for OverlayIO {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => self.fs.read_file(path),
        }
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        self.fs.read_dir(path)
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        if self.files.contains_key(path) {
            return Ok(FileType::Regular);
        }
        self.fs.file_type(path)
    }

    fn path_exists(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.fs.file_type(path).is_ok()
    }

    fn env_var(&self, _name: &str) -> Option<String> {
        // The editor's environment is not the user's shell's; evaluation
        // in the editor is pure.
        None
    }

    fn print_diagnostic(&self, _line: &str) {}
}

/// One evaluation to run on the evaluation thread.
struct EvalJob {
    path: String,
    text: Arc<str>,
    overlay: OverlayIO,
    search_path: Vec<(String, String)>,
    budget: EvalBudget,
}

impl EvalJob {
    fn evaluator(
        self,
        cancel: CancelToken,
    ) -> (
        Evaluator,
        Arc<std::sync::atomic::AtomicBool>,
        String,
        Arc<str>,
    ) {
        let settings = tvix_eval::Settings {
            search_path: self.search_path,
            ..tvix_eval::Settings::default()
        };
        let mut ev = Evaluator::new(Box::new(self.overlay), settings);
        let exhausted = Arc::new(std::sync::atomic::AtomicBool::new(false));
        ev.set_observer(Box::new(BudgetObserver::new(
            self.budget,
            cancel,
            exhausted.clone(),
        )));
        (ev, exhausted, self.path, self.text)
    }

    /// The file's value, called with `{ }` when it is a function of
    /// defaulted formals.
    fn file_value(
        ev: &mut Evaluator,
        path: &str,
        text: &str,
    ) -> Result<Value, Box<tvix_eval::EvalError>> {
        let dir = path
            .rsplit_once('/')
            .map_or("/", |(d, _)| if d.is_empty() { "/" } else { d });
        let value = ev.eval_source(path, text, dir)?;
        let value = ev.force(&value)?;
        if !value.is_function() {
            return Ok(value);
        }
        let call = "f: if builtins.all (x: x) (builtins.attrValues (builtins.functionArgs f)) then f { } else f";
        let caller = ev.eval_source("«tvix-lsp»", call, "/")?;
        let applied = ev.eval_with_bindings(
            "«tvix-lsp»",
            "caller value",
            "/",
            &[("caller", caller), ("value", value)],
        )?;
        ev.force(&applied)
    }

    fn evaluate_file(self, cancel: CancelToken) -> FileEvaluation {
        let (mut ev, exhausted, path, text) = self.evaluator(cancel);
        let mut out = FileEvaluation::default();
        let file_id = |ev: &Evaluator, pos: tvix_eval::pos::Pos| {
            ev.sources.get(pos.file).is_some_and(|s| s.name == path)
        };
        let value = match Self::file_value(&mut ev, &path, &text) {
            Ok(v) => v,
            Err(err) => {
                if !exhausted.load(Ordering::SeqCst) {
                    out.errors.push(eval_diagnostic(&ev, &err, None, &path));
                }
                out.incomplete = exhausted.load(Ordering::SeqCst);
                return out;
            }
        };
        let mut work: Vec<(Value, usize)> = vec![(value, 0)];
        let mut seen = 0usize;
        while let Some((value, depth)) = work.pop() {
            let Value::Attrs(set) = value else { continue };
            for attr in set.iter() {
                seen += 1;
                if seen > HINT_ATTRS || exhausted.load(Ordering::SeqCst) {
                    out.incomplete = true;
                    break;
                }
                // Only attributes written in this file get hints.
                if !file_id(&ev, attr.pos) {
                    continue;
                }
                let name_range = TextRange::at(
                    TextSize::from(attr.pos.offset),
                    TextSize::from(attr.name.as_str().len() as u32),
                );
                match ev.force(&attr.value) {
                    Ok(Value::Attrs(inner)) => {
                        if is_derivation(&mut ev, &inner) {
                            if let Some(hint) = derivation_hint(&mut ev, &inner, name_range.end()) {
                                out.hints.push(hint);
                            }
                        } else if depth + 1 < HINT_DEPTH {
                            work.push((Value::Attrs(inner), depth + 1));
                        }
                    }
                    Ok(_) => {}
                    Err(err) => {
                        if exhausted.load(Ordering::SeqCst) {
                            out.incomplete = true;
                            break;
                        }
                        out.errors
                            .push(eval_diagnostic(&ev, &err, Some(name_range), &path));
                    }
                }
            }
        }
        out.hints.sort_by_key(|h| h.offset);
        out.hints.dedup_by_key(|h| h.offset);
        out.errors.sort_by_key(|e| e.range.start());
        out.errors.dedup();
        out.incomplete |= exhausted.load(Ordering::SeqCst);
        out
    }

    /// The attribute names of `closed`'s value, evaluated in the file's
    /// directory; `None` when it is not a set or the budget ran out.
    fn attribute_names(self, closed: &str, cancel: CancelToken) -> Option<Vec<String>> {
        let (mut ev, exhausted, path, _) = self.evaluator(cancel);
        let dir = path
            .rsplit_once('/')
            .map_or("/", |(d, _)| if d.is_empty() { "/" } else { d })
            .to_owned();
        let value = ev.eval_source("«tvix-lsp completion»", closed, &dir).ok()?;
        let Ok(Value::Attrs(set)) = ev.force(&value) else {
            return None;
        };
        if exhausted.load(Ordering::SeqCst) {
            return None;
        }
        Some(set.iter().map(|a| a.name.as_str().to_owned()).collect())
    }

    fn value_at(self, attr_path: &[String], cancel: CancelToken) -> Option<String> {
        let (mut ev, _exhausted, path, text) = self.evaluator(cancel);
        let mut value = Self::file_value(&mut ev, &path, &text).ok()?;
        for name in attr_path {
            let Value::Attrs(set) = ev.force(&value).ok()? else {
                return None;
            };
            value = set.get(name)?.value.clone();
        }
        let value = ev.force(&value).ok()?;
        let mut out = String::new();
        print_shallow(&mut ev, &value, HOVER_DEPTH, &mut out);
        Some(out)
    }
}

/// Whether a set is a derivation (`type = "derivation"`).
fn is_derivation(ev: &mut Evaluator, set: &tvix_eval::value::AttrSet) -> bool {
    let Some(ty) = set.get("type") else {
        return false;
    };
    matches!(ev.force(&ty.value), Ok(Value::String(s)) if s.as_bytes() == b"derivation")
}

/// The hint for a derivation: its `outPath`, with `drvPath` and outputs
/// as the tooltip.
fn derivation_hint(
    ev: &mut Evaluator,
    set: &tvix_eval::value::AttrSet,
    offset: TextSize,
) -> Option<InlayHint> {
    let string_attr = |ev: &mut Evaluator, set: &tvix_eval::value::AttrSet, name: &str| match ev
        .force(&set.get(name)?.value)
    {
        Ok(Value::String(s)) => Some(s.to_str_lossy().into_owned()),
        _ => None,
    };
    let out_path = string_attr(ev, set, "outPath")?;
    let mut tooltip = String::new();
    if let Some(drv) = string_attr(ev, set, "drvPath") {
        tooltip.push_str(&format!("drvPath: {drv}"));
    }
    // `outputs` is only there when the derivation names its outputs.
    let mut names = vec!["out".to_owned()];
    if let Some(outputs) = set.get("outputs")
        && let Ok(Value::List(list)) = ev.force(&outputs.value)
    {
        names = list
            .iter()
            .filter_map(|o| match ev.force(o) {
                Ok(Value::String(name)) => Some(name.to_str_lossy().into_owned()),
                _ => None,
            })
            .collect();
    }
    for name in names {
        if let Some(Ok(Value::Attrs(o))) = set
            .get(&name)
            .map(|a| a.value.clone())
            .map(|v| ev.force(&v))
            && let Some(p) = string_attr(ev, &o, "outPath")
        {
            tooltip.push_str(&format!("\n{name}: {p}"));
        }
    }
    Some(InlayHint {
        offset,
        label: out_path,
        tooltip,
    })
}

/// An evaluation error as a diagnostic in the file `path`: at the error's
/// position when it is in that file, otherwise at `fallback`.
fn eval_diagnostic(
    ev: &Evaluator,
    err: &tvix_eval::EvalError,
    fallback: Option<TextRange>,
    path: &str,
) -> EvalDiagnostic {
    let in_file = ev.sources.get(err.pos.file).is_some_and(|s| s.name == path);
    let range = if in_file {
        TextRange::empty(TextSize::from(err.pos.offset))
    } else {
        fallback.unwrap_or_default()
    };
    let related = err
        .frames
        .iter()
        .filter_map(|frame| {
            let source = ev.sources.get(frame.pos.file)?;
            Some((source.name.clone(), frame.pos.offset, frame.message.clone()))
        })
        .collect();
    EvalDiagnostic {
        range,
        message: err.message.clone(),
        related,
    }
}

/// Prints a value, forcing at most `depth` levels and a few items each.
fn print_shallow(ev: &mut Evaluator, value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Attrs(set) => {
            if is_derivation(ev, set) {
                let path = set
                    .get("outPath")
                    .and_then(|a| ev.force(&a.value).ok())
                    .map(|v| tvix_eval::print::show_value(&v))
                    .unwrap_or_default();
                out.push_str(&format!("«derivation {path}»"));
                return;
            }
            if depth == 0 {
                out.push_str(if set.is_empty() { "{ }" } else { "{ … }" });
                return;
            }
            out.push_str("{ ");
            for attr in set.iter().take(HOVER_ITEMS) {
                out.push_str(attr.name.as_str());
                out.push_str(" = ");
                match ev.force(&attr.value) {
                    Ok(v) => print_shallow(ev, &v, depth - 1, out),
                    Err(_) => out.push_str("«error»"),
                }
                out.push_str("; ");
            }
            if set.len() > HOVER_ITEMS {
                out.push_str("… ");
            }
            out.push('}');
        }
        Value::List(items) => {
            if depth == 0 {
                out.push_str(if items.is_empty() { "[ ]" } else { "[ … ]" });
                return;
            }
            out.push_str("[ ");
            for item in items.iter().take(HOVER_ITEMS) {
                match ev.force(item) {
                    Ok(v) => print_shallow(ev, &v, depth - 1, out),
                    Err(_) => out.push_str("«error»"),
                }
                out.push(' ');
            }
            if items.len() > HOVER_ITEMS {
                out.push_str("… ");
            }
            out.push(']');
        }
        other => out.push_str(&tvix_eval::print::show_value(other)),
    }
}

/// The attribute path from the file's value to the binding name under
/// the cursor (`a.b.c = …;` nested in sets), if the cursor is on one.
fn attribute_path_at(root: &tvix_syntax::SyntaxNode, offset: TextSize) -> Option<Vec<String>> {
    use rnix::ast;
    use rowan::ast::AstNode;
    let token = crate::ide::token_at(root, offset)?;
    let mut path: Vec<String> = Vec::new();
    let mut on_name = false;
    for node in token.parent_ancestors() {
        if let Some(binding) = ast::AttrpathValue::cast(node.clone()) {
            let attrpath = binding.attrpath()?;
            let mut names: Vec<String> = attrpath
                .attrs()
                .map(|a| crate::scopes::static_name(&a).map(|(name, _)| name))
                .collect::<Option<_>>()?;
            if !on_name {
                if !attrpath.syntax().text_range().contains_inclusive(offset) {
                    return None;
                }
                // Up to the attribute under the cursor.
                let upto = attrpath
                    .attrs()
                    .position(|a| a.syntax().text_range().contains_inclusive(offset))?;
                names.truncate(upto + 1);
                on_name = true;
            }
            names.extend(path);
            path = names;
        } else if on_name {
            match node.kind() {
                rnix::SyntaxKind::NODE_ATTR_SET
                | rnix::SyntaxKind::NODE_PAREN
                | rnix::SyntaxKind::NODE_LAMBDA
                | rnix::SyntaxKind::NODE_ROOT => {}
                rnix::SyntaxKind::NODE_LET_IN => {
                    // A binding of a `let` in the body's path is not an
                    // attribute of the value.
                    let let_in = ast::LetIn::cast(node.clone())?;
                    if !let_in
                        .body()
                        .is_some_and(|b| b.syntax().text_range().contains_range(token.text_range()))
                    {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }
    on_name.then_some(path)
}
