//! The salsa database: inputs (file texts, the workspace's file table,
//! settings) and the base queries every feature builds on.
//!
//! Query graph, from inputs to features:
//!
//! ```text
//! SourceFile.text ─▶ parse ─▶ lower ─┬▶ module (position-free) ─▶ resolved_imports ─▶ cross-file features
//!                      │             └▶ source_map (ranges)
//!                      └──────────────▶ diagnostics
//! Workspace.files ──────────────────────▶ resolved_imports
//! ```
//!
//! `module` compares equal across edits that only move text (whitespace,
//! comments, reindenting), so salsa "backdates" it and every query that
//! reads only the module — import resolution, the cross-file index — is
//! not re-run.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tvix_syntax::{LineIndex, Parse};

use crate::Diagnostic;
use crate::def::{self, Module, SourceMap};

/// One file of the workspace: its absolute path and its current text
/// (the open buffer's when the editor has it open, otherwise the disk's).
#[salsa::input(debug)]
pub struct SourceFile {
    /// Absolute path, `/`-separated.
    #[returns(ref)]
    pub path: String,
    /// The text analysed.
    #[returns(ref)]
    pub text: Arc<str>,
    /// The parse of `text` when the host already made it — incrementally,
    /// from the parse before an edit (see [`tvix_syntax::reparse`]);
    /// `None`: [`parse`] parses `text` itself.
    #[returns(ref)]
    pub reparsed: Option<Parse>,
}

/// The set of files the workspace knows, by path.
#[salsa::input(singleton, debug)]
pub struct Workspace {
    /// Every known file by absolute path.
    #[returns(ref)]
    pub files: Arc<FxHashMap<String, SourceFile>>,
}

/// User settings that change what analysis reports.
#[salsa::input(singleton, debug)]
pub struct SettingsInput {
    /// The settings.
    #[returns(ref)]
    pub settings: Arc<crate::AnalysisSettings>,
}

/// The concrete database. Cloning it is how an [`crate::Analysis`]
/// snapshot is made; writing an input cancels every clone's running
/// queries.
#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
}

impl RootDatabase {
    /// An empty database; `events` sees every salsa event (tests use it to
    /// check what was re-executed).
    pub(crate) fn new(events: Option<Box<dyn Fn(salsa::Event) + Send + Sync + 'static>>) -> Self {
        let db = RootDatabase {
            storage: salsa::Storage::new(events),
        };
        Workspace::new(&db, Arc::default());
        SettingsInput::new(&db, Arc::default());
        db
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

/// What queries need from the database (only salsa's own interface).
pub use salsa::Database as Db;

/// The lossless parse of a file.
#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn Db, file: SourceFile) -> Parse {
    match file.reparsed(db) {
        Some(parse) => parse.clone(),
        None => tvix_syntax::parse(file.text(db)),
    }
}

/// Offsets ↔ lines for a file.
#[salsa::tracked]
pub fn line_index(db: &dyn Db, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

/// Lowering: the position-free module and its source map, computed
/// together; never compared (the two projections below are).
#[salsa::tracked(no_eq)]
pub fn lower(db: &dyn Db, file: SourceFile) -> (Arc<Module>, Arc<SourceMap>) {
    let (module, source_map) = def::lower(parse(db, file));
    (Arc::new(module), Arc::new(source_map))
}

/// The position-free half of lowering: unchanged by edits that only move
/// text.
#[salsa::tracked]
pub fn module(db: &dyn Db, file: SourceFile) -> Arc<Module> {
    lower(db, file).0.clone()
}

/// Where each item of [`module`] is in the text.
#[salsa::tracked]
pub fn source_map(db: &dyn Db, file: SourceFile) -> Arc<SourceMap> {
    lower(db, file).1.clone()
}

/// Name resolution with ranges, for features that need the scope tree
/// itself (completion, highlighting).
#[salsa::tracked(returns(ref), no_eq)]
pub fn name_resolution(db: &dyn Db, file: SourceFile) -> Arc<crate::scopes::NameResolution> {
    Arc::new(crate::scopes::resolve(parse(db, file)))
}

/// The file each import of [`module`] names, when the workspace has it;
/// position-free (indexed like `Module::imports`).
#[salsa::tracked]
pub fn resolved_imports(db: &dyn Db, file: SourceFile) -> Arc<Vec<Option<SourceFile>>> {
    let module = module(db, file);
    let files = Workspace::get(db).files(db);
    let from = file.path(db);
    Arc::new(
        module
            .imports
            .iter()
            .map(|import| resolve_path_literal(from, &import.path, files))
            .collect(),
    )
}

/// Every diagnostic of a file: syntax errors and lints.
#[salsa::tracked]
pub fn diagnostics(db: &dyn Db, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    let settings = SettingsInput::get(db).settings(db);
    let parsed = parse(db, file);
    let (text, path) = (file.text(db), file.path(db));
    let mut all = crate::check_resolved(
        text,
        parsed,
        || crate::exact_check::exact_syntax_error_since(path, text, parsed),
        || crate::lints::lint_names(name_resolution(db, file)),
    );
    all.retain(|d| !settings.disabled_lints.iter().any(|c| c == d.code.as_str()));
    Arc::new(all)
}

/// The workspace file a path literal written in `from` names: the file
/// itself, or `default.nix` inside the directory it names.
pub(crate) fn resolve_path_literal(
    from: &str,
    literal: &str,
    files: &FxHashMap<String, SourceFile>,
) -> Option<SourceFile> {
    let target = absolute_path(from, literal)?;
    if let Some(file) = files.get(&target) {
        return Some(*file);
    }
    files
        .get(&format!("{}/default.nix", target.trim_end_matches('/')))
        .copied()
}

/// The absolute, normalised path a relative or absolute path literal
/// written in the file `from` denotes (`None` for `~/…` and `<…>`).
pub(crate) fn absolute_path(from: &str, literal: &str) -> Option<String> {
    let joined = if literal.starts_with('/') {
        literal.to_owned()
    } else if literal.starts_with("./") || literal.starts_with("../") {
        let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("{dir}/{literal}")
    } else {
        return None;
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}
