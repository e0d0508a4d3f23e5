//! The API surface: an [`AnalysisHost`] that owns the database and takes
//! changes, and cheap [`Analysis`] snapshots that answer queries and are
//! cancelled when the host changes.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHashSet};
use salsa::Setter;
use tvix_syntax::{LineIndex, TextRange, TextSize};

use crate::db::{self, RootDatabase, SettingsInput, SourceFile, Workspace};
use crate::eval_backed::{CompletionCache, FileSystem, NoFileSystem};

/// A file known to the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(pub(crate) SourceFile);

/// An offset in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FilePosition {
    /// The file.
    pub file: FileId,
    /// Byte offset.
    pub offset: TextSize,
}

/// A range in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileRange {
    /// The file.
    pub file: FileId,
    /// Byte range.
    pub range: TextRange,
}

/// Settings that change analysis results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisSettings {
    /// Diagnostic codes (`unused-with`, …) not to report.
    pub disabled_lints: Vec<String>,
    /// Whether evaluation-backed features (values on hover, `outPath`
    /// hints, evaluation errors) run at all.
    pub eval_enabled: bool,
    /// Wall-clock budget of one evaluation, in milliseconds.
    pub eval_timeout_ms: u64,
    /// Budget of one evaluation in evaluation steps (expressions entered);
    /// it bounds memory as well as time, since every value is made by a
    /// step.
    pub eval_max_steps: u64,
    /// Budget of one evaluation in memory: how much the server's resident
    /// set may grow while it runs, in MiB.
    pub eval_max_memory_mb: u64,
    /// `<name>` search path entries (`NIX_PATH`-style `name=path`).
    pub search_path: Vec<(String, String)>,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        AnalysisSettings {
            disabled_lints: Vec::new(),
            eval_enabled: true,
            eval_timeout_ms: 2_000,
            eval_max_steps: 5_000_000,
            eval_max_memory_mb: 1024,
            search_path: Vec::new(),
        }
    }
}

/// A query was cancelled because the host changed; ask again.
pub use salsa::Cancelled;

/// The result of a query that an edit may cancel.
pub type Cancellable<T> = Result<T, Cancelled>;

/// Owns the database; applies changes. There is one host; it hands out
/// [`Analysis`] snapshots to other threads.
pub struct AnalysisHost {
    db: RootDatabase,
    files: FxHashMap<String, SourceFile>,
    disk: FxHashMap<String, Arc<str>>,
    buffers: FxHashMap<String, Arc<str>>,
    fs: Arc<dyn FileSystem>,
    /// Bumped by every change; evaluations started at an older value stop.
    generation: Arc<AtomicU64>,
    /// Evaluated completions, shared by every snapshot.
    completion_cache: Arc<Mutex<CompletionCache>>,
}

/// A batch of changes applied at once (one new revision).
#[derive(Debug, Default, Clone)]
pub struct Change {
    /// Files read from disk (`None`: deleted).
    pub disk: Vec<(String, Option<Arc<str>>)>,
    /// Open buffers (`None`: closed, the disk's text is used again).
    pub buffers: Vec<(String, Option<Arc<str>>)>,
    /// New settings.
    pub settings: Option<AnalysisSettings>,
}

impl Default for AnalysisHost {
    fn default() -> Self {
        AnalysisHost::new(Arc::new(NoFileSystem))
    }
}

impl AnalysisHost {
    /// An empty host; evaluation reads files outside the workspace through
    /// `fs`.
    pub fn new(fs: Arc<dyn FileSystem>) -> AnalysisHost {
        AnalysisHost::with_database(RootDatabase::new(None), fs)
    }

    pub(crate) fn with_database(db: RootDatabase, fs: Arc<dyn FileSystem>) -> AnalysisHost {
        AnalysisHost {
            db,
            files: FxHashMap::default(),
            disk: FxHashMap::default(),
            buffers: FxHashMap::default(),
            fs,
            generation: Arc::default(),
            completion_cache: Arc::default(),
        }
    }

    /// Applies a batch of changes; cancels every running query and
    /// evaluation of older snapshots (waiting for them to notice).
    pub fn apply_change(&mut self, change: Change) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let mut touched: Vec<String> = Vec::new();
        for (path, text) in change.disk {
            match text {
                Some(text) => self.disk.insert(path.clone(), text),
                None => self.disk.remove(&path),
            };
            touched.push(path);
        }
        let mut edited: FxHashSet<String> = FxHashSet::default();
        for (path, text) in change.buffers {
            match text {
                Some(text) => {
                    edited.insert(path.clone());
                    self.buffers.insert(path.clone(), text)
                }
                None => self.buffers.remove(&path),
            };
            touched.push(path);
        }
        let mut files_changed = false;
        for path in touched {
            // The open buffer wins over the disk.
            let text = self.buffers.get(&path).or_else(|| self.disk.get(&path));
            match (text, self.files.get(&path)) {
                (Some(text), Some(file)) => {
                    if **file.text(&self.db) != **text {
                        // An edited buffer is reparsed from its last parse
                        // (which its diagnostics made): a few bindings
                        // instead of the whole file.
                        let reparsed = edited.contains(&path).then(|| {
                            let old = db::parse(&self.db, *file);
                            tvix_syntax::reparse(old, file.text(&self.db), text)
                        });
                        file.set_text(&mut self.db).to(text.clone());
                        file.set_reparsed(&mut self.db).to(reparsed);
                    }
                }
                (Some(text), None) => {
                    let file = SourceFile::new(&self.db, path.clone(), text.clone(), None);
                    self.files.insert(path, file);
                    files_changed = true;
                }
                (None, Some(_)) => {
                    self.files.remove(&path);
                    files_changed = true;
                }
                (None, None) => {}
            }
        }
        if files_changed {
            Workspace::get(&self.db)
                .set_files(&mut self.db)
                .to(Arc::new(self.files.clone()));
        }
        if let Some(settings) = change.settings {
            SettingsInput::get(&self.db)
                .set_settings(&mut self.db)
                .to(Arc::new(settings));
        }
    }

    /// Sets one open buffer's text (convenience for [`Self::apply_change`]).
    pub fn set_buffer(&mut self, path: &str, text: Option<Arc<str>>) {
        self.apply_change(Change {
            buffers: vec![(path.to_owned(), text)],
            ..Change::default()
        });
    }

    /// A snapshot for answering queries, possibly on another thread.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            db: self.db.clone(),
            fs: self.fs.clone(),
            generation: self.generation.clone(),
            started_at: self.generation.load(Ordering::SeqCst),
            completion_cache: self.completion_cache.clone(),
        }
    }

    /// The file at `path`, if the workspace has it.
    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.files.get(path).copied().map(FileId)
    }

    /// The number of files known.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The open buffers' paths.
    pub fn open_buffers(&self) -> impl Iterator<Item = &str> {
        self.buffers.keys().map(String::as_str)
    }
}

/// A consistent view of the database at one revision. Every query returns
/// `Err(Cancelled)` once the host has changed since.
#[derive(Clone)]
pub struct Analysis {
    pub(crate) db: RootDatabase,
    pub(crate) fs: Arc<dyn FileSystem>,
    generation: Arc<AtomicU64>,
    started_at: u64,
    pub(crate) completion_cache: Arc<Mutex<CompletionCache>>,
}

impl Analysis {
    /// Runs `f` against the database, turning cancellation into `Err`.
    pub(crate) fn with_db<T>(&self, f: impl FnOnce(&RootDatabase) -> T) -> Cancellable<T> {
        Cancelled::catch(AssertUnwindSafe(|| f(&self.db)))
    }

    pub(crate) fn generation_handle(&self) -> Arc<AtomicU64> {
        self.generation.clone()
    }

    pub(crate) fn started_at(&self) -> u64 {
        self.started_at
    }

    /// Whether the host has changed since this snapshot was taken (for
    /// long computations outside salsa, such as evaluation).
    pub fn is_stale(&self) -> bool {
        self.generation.load(Ordering::SeqCst) != self.started_at
    }

    /// The file at `path`, if the workspace has it.
    pub fn file_id(&self, path: &str) -> Cancellable<Option<FileId>> {
        self.with_db(|db| Workspace::get(db).files(db).get(path).copied().map(FileId))
    }

    /// Every file of the workspace.
    pub fn files(&self) -> Cancellable<Vec<FileId>> {
        self.with_db(|db| {
            let mut files: Vec<FileId> = Workspace::get(db)
                .files(db)
                .values()
                .copied()
                .map(FileId)
                .collect();
            files.sort_by_key(|f| f.0.path(db).clone());
            files
        })
    }

    /// A file's absolute path.
    pub fn file_path(&self, file: FileId) -> Cancellable<String> {
        self.with_db(|db| file.0.path(db).clone())
    }

    /// A file's current text.
    pub fn file_text(&self, file: FileId) -> Cancellable<Arc<str>> {
        self.with_db(|db| file.0.text(db).clone())
    }

    /// A file's line index.
    pub fn line_index(&self, file: FileId) -> Cancellable<Arc<LineIndex>> {
        self.with_db(|db| db::line_index(db, file.0).clone())
    }

    /// The settings in force.
    pub fn settings(&self) -> Cancellable<Arc<AnalysisSettings>> {
        self.with_db(|db| SettingsInput::get(db).settings(db).clone())
    }
}
