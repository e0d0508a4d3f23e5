//! The server: document synchronisation, workspace indexing, publishing
//! diagnostics, and dispatching requests to [`crate::handlers`] on
//! blocking threads with an analysis snapshot each.
//!
//! Concurrency: one [`AnalysisHost`] behind a mutex takes every change;
//! requests take a snapshot and run off the async executor. A change
//! cancels running queries (they answer `ContentModified`) and running
//! evaluations. `$/cancelRequest` drops the request's future, so its
//! answer is never sent.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustc_hash::FxHashMap;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};
use tvix_analysis::{
    Analysis, AnalysisHost, Cancellable, Change, FileEvaluation, SEMANTIC_TOKEN_TYPES,
};

use crate::config::Config;
use crate::output::Output;
use crate::{convert, formatting, handlers, workspace};

/// How long after the last edit evaluation starts.
const EVAL_DEBOUNCE: Duration = Duration::from_millis(250);
/// Files per batch while indexing (one analysis revision each).
const INDEX_BATCH: usize = 250;

/// Everything that changes, behind one lock.
struct State {
    host: AnalysisHost,
    root: Option<PathBuf>,
    config: Config,
    /// Open documents: their version and text.
    open: FxHashMap<String, (i32, String)>,
    /// Bumped by every change.
    revision: u64,
    /// The last evaluation of each open file, with the revision it is of.
    evaluations: FxHashMap<String, (u64, Arc<FileEvaluation>)>,
    /// Whether the client can be asked to refresh inlay hints.
    can_refresh_hints: bool,
    /// Whether the client supports `window/workDoneProgress/create`.
    can_show_progress: bool,
    /// Whether the client pulls configuration.
    can_pull_configuration: bool,
    /// Whether the client applies workspace edits that create files.
    can_create_files: bool,
}

/// Publishes a file's diagnostics (all of them, replacing the last list).
fn publish(output: &Output, uri: lsp::Uri, diagnostics: &[lsp::Diagnostic], version: Option<i32>) {
    /// `PublishDiagnosticsParams` over a borrowed list: a file with
    /// thousands of warnings is not copied to be sent.
    #[derive(serde::Serialize)]
    struct Params<'a> {
        uri: lsp::Uri,
        diagnostics: &'a [lsp::Diagnostic],
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<i32>,
    }
    output.notify(
        "textDocument/publishDiagnostics",
        &Params {
            uri,
            diagnostics,
            version,
        },
    );
}

/// The language server.
pub struct Server {
    client: Client,
    /// Where diagnostics are written, past the library's `Value` step.
    output: Output,
    state: Arc<Mutex<State>>,
}

impl Server {
    /// A server talking to `client`, writing diagnostics to `output`.
    pub fn new(client: Client, output: Output) -> Server {
        Server {
            client,
            output,
            state: Arc::new(Mutex::new(State {
                host: AnalysisHost::new(Arc::new(workspace::DiskFileSystem)),
                root: None,
                config: Config::default(),
                open: FxHashMap::default(),
                revision: 0,
                evaluations: FxHashMap::default(),
                can_refresh_hints: false,
                can_show_progress: false,
                can_pull_configuration: false,
                can_create_files: false,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every
        // change is applied whole), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn snapshot(&self) -> (Analysis, u64) {
        let state = self.lock();
        (state.host.analysis(), state.revision)
    }

    /// Applies a change and re-publishes diagnostics of the open files.
    fn apply(&self, change: Change) {
        {
            let mut state = self.lock();
            state.host.apply_change(change);
            state.revision += 1;
        }
        self.publish_diagnostics();
    }

    /// Runs a query on a blocking thread with a fresh snapshot.
    async fn query<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Analysis) -> Cancellable<T> + Send + 'static,
    ) -> Result<T> {
        let (analysis, _) = self.snapshot();
        match tokio::task::spawn_blocking(move || f(&analysis)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_cancelled)) => Err(Error {
                code: ErrorCode::ContentModified,
                message: "the document changed".into(),
                data: None,
            }),
            Err(join) => Err(Error {
                code: ErrorCode::InternalError,
                message: format!("the request failed: {join}").into(),
                data: None,
            }),
        }
    }

    /// Computes and publishes diagnostics for every open file, static ones
    /// first, then (after a pause without edits) with evaluation errors.
    fn publish_diagnostics(&self) {
        let client = self.client.clone();
        let output = self.output.clone();
        let state = self.state.clone();
        tokio::spawn(async move {
            let (analysis, revision, open) = {
                let state = state.lock().unwrap_or_else(|e| e.into_inner());
                let open: Vec<(String, i32)> = state
                    .open
                    .iter()
                    .map(|(path, (version, _))| (path.clone(), *version))
                    .collect();
                (state.host.analysis(), state.revision, open)
            };
            let current = |state: &Arc<Mutex<State>>| {
                state.lock().unwrap_or_else(|e| e.into_inner()).revision == revision
            };
            // The snapshot lives only on the blocking thread: an async task
            // holding one while waiting for the state lock would deadlock
            // with an edit, which holds the lock while salsa waits for
            // every snapshot to go.
            let snapshot = analysis;
            let paths = open;
            let computed = tokio::task::spawn_blocking(move || -> Cancellable<Vec<_>> {
                let mut out = Vec::new();
                for (path, version) in paths {
                    if let Some(file) = snapshot.file_id(&path)? {
                        out.push((path, version, file, handlers::diagnostics(&snapshot, file)?));
                    }
                }
                Ok(out)
            })
            .await;
            let Ok(Ok(static_diagnostics)) = computed else {
                return;
            };
            if !current(&state) {
                return;
            }
            for (path, version, _, diagnostics) in &static_diagnostics {
                if let Some(uri) = convert::uri(path) {
                    publish(&output, uri, diagnostics, Some(*version));
                }
            }

            // Evaluation, once the user pauses.
            tokio::time::sleep(EVAL_DEBOUNCE).await;
            if !current(&state) {
                return;
            }
            let show_progress = state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .can_show_progress;
            let total = static_diagnostics.len();
            let progress = if show_progress && total > 0 {
                let token = lsp::NumberOrString::String(format!("tvix/evaluation/{revision}"));
                match client.create_work_done_progress(token.clone()).await {
                    Ok(()) => Some(
                        client
                            .progress(token, "Evaluating")
                            .with_percentage(0)
                            .begin()
                            .await,
                    ),
                    Err(_) => None,
                }
            } else {
                None
            };
            // Runs every open file's evaluation; `None` when an edit made
            // the results stale (the progress still ends below).
            let run = async {
                let mut refreshed = false;
                for (done, (path, version, file, mut diagnostics)) in
                    static_diagnostics.into_iter().enumerate()
                {
                    if let Some(progress) = &progress {
                        let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
                        progress
                            .report_with_message(name, (done * 100 / total) as u32)
                            .await;
                    }
                    let Some(evaluation) = evaluate(&state, &path, file).await else {
                        continue;
                    };
                    if !current(&state) {
                        return None;
                    }
                    let analysis = state
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .host
                        .analysis();
                    let extra = tokio::task::spawn_blocking({
                        let evaluation = evaluation.clone();
                        move || handlers::eval_diagnostics(&analysis, file, &evaluation)
                    })
                    .await;
                    if let Ok(Ok(extra)) = extra {
                        diagnostics.extend(extra);
                    }
                    if !current(&state) {
                        return None;
                    }
                    if let Some(uri) = convert::uri(&path) {
                        publish(&output, uri, &diagnostics, Some(version));
                    }
                    refreshed |= !evaluation.hints.is_empty();
                }
                Some(refreshed)
            };
            let refreshed = run.await;
            if let Some(progress) = progress {
                let message = match refreshed {
                    Some(_) => format!("{total} file(s)"),
                    None => "superseded by an edit".to_owned(),
                };
                progress.finish_with_message(message).await;
            }
            let Some(refreshed) = refreshed else { return };
            let can_refresh = state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .can_refresh_hints;
            if refreshed && can_refresh {
                let _ = client.inlay_hint_refresh().await;
            }
        });
    }

    /// Reads the `tvix` configuration section from the client.
    async fn pull_configuration(&self) {
        if !self.lock().can_pull_configuration {
            return;
        }
        let items = vec![lsp::ConfigurationItem {
            scope_uri: None,
            section: Some("tvix".to_owned()),
        }];
        if let Ok(values) = self.client.configuration(items).await
            && let Some(value) = values.into_iter().next()
        {
            self.set_config(&value).await;
        }
    }

    async fn set_config(&self, value: &serde_json::Value) {
        match Config::from_json(value) {
            Ok(config) => {
                let settings = config.analysis_settings();
                self.lock().config = config;
                self.apply(Change {
                    settings: Some(settings),
                    ..Change::default()
                });
            }
            Err(err) => {
                self.client
                    .show_message(
                        lsp::MessageType::WARNING,
                        format!("tvix: invalid settings: {err}"),
                    )
                    .await;
            }
        }
    }

    /// Indexes every `*.nix` file under the root, reporting progress.
    async fn index_workspace(&self) {
        let (root, show_progress) = {
            let state = self.lock();
            (state.root.clone(), state.can_show_progress)
        };
        let Some(root) = root else { return };
        let files = tokio::task::spawn_blocking(move || workspace::nix_files(&root))
            .await
            .unwrap_or_default();
        let token = lsp::NumberOrString::String("tvix/indexing".to_owned());
        let progress = if show_progress
            && self
                .client
                .create_work_done_progress(token.clone())
                .await
                .is_ok()
        {
            Some(
                self.client
                    .progress(token, "Indexing")
                    .with_percentage(0)
                    .with_message(format!("0/{} files", files.len()))
                    .begin()
                    .await,
            )
        } else {
            None
        };
        let total = files.len().max(1);
        let mut done = 0;
        for batch in files.chunks(INDEX_BATCH) {
            let batch = batch.to_vec();
            let read = tokio::task::spawn_blocking(move || {
                batch
                    .into_iter()
                    .map(|path| {
                        let text = workspace::read_text(&path);
                        (path, text)
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            done += read.len();
            {
                let mut state = self.lock();
                state.host.apply_change(Change {
                    disk: read,
                    ..Change::default()
                });
                state.revision += 1;
            }
            if let Some(progress) = &progress {
                progress
                    .report_with_message(
                        format!("{done}/{} files", files.len()),
                        (done * 100 / total) as u32,
                    )
                    .await;
            }
        }
        if let Some(progress) = progress {
            progress
                .finish_with_message(format!("{} files", files.len()))
                .await;
        }
        self.publish_diagnostics();
    }
}

/// The evaluation of an open file at the current revision, computed once.
async fn evaluate(
    state: &Arc<Mutex<State>>,
    path: &str,
    file: tvix_analysis::FileId,
) -> Option<Arc<FileEvaluation>> {
    let (analysis, revision) = {
        let s = state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((rev, evaluation)) = s.evaluations.get(path)
            && *rev == s.revision
        {
            return Some(evaluation.clone());
        }
        (s.host.analysis(), s.revision)
    };
    let evaluation = tokio::task::spawn_blocking(move || analysis.evaluate_file(file))
        .await
        .ok()?
        .ok()??;
    let evaluation = Arc::new(evaluation);
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    if s.revision == revision {
        s.evaluations
            .insert(path.to_owned(), (revision, evaluation.clone()));
    }
    Some(evaluation)
}

/// Applies LSP content changes (ranges in UTF-16) to a text.
fn apply_content_changes(text: &mut String, changes: Vec<lsp::TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let index = tvix_syntax::LineIndex::new(text);
                let range = convert::text_range(&index, range);
                text.replace_range(std::ops::Range::<usize>::from(range), &change.text);
            }
        }
    }
}

fn request_failed(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .and_then(|folder| convert::path(&folder.uri))
            .or_else(|| {
                #[allow(deprecated)]
                params.root_uri.as_ref().and_then(convert::path)
            })
            .map(PathBuf::from);
        {
            let mut state = self.lock();
            state.root = root;
            let caps = &params.capabilities;
            state.can_refresh_hints = caps
                .workspace
                .as_ref()
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|h| h.refresh_support)
                .unwrap_or(false);
            state.can_show_progress = caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false);
            state.can_pull_configuration = caps
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false);
            state.can_create_files = caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .is_some_and(|e| {
                    e.document_changes == Some(true)
                        && e.resource_operations
                            .as_ref()
                            .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Create))
                });
        }
        if let Some(options) = &params.initialization_options {
            self.set_config(options).await;
        }
        let legend = lsp::SemanticTokensLegend {
            token_types: SEMANTIC_TOKEN_TYPES
                .iter()
                .map(|t| lsp::SemanticTokenType::new(t))
                .collect(),
            token_modifiers: vec![
                lsp::SemanticTokenModifier::DEFINITION,
                lsp::SemanticTokenModifier::DEFAULT_LIBRARY,
            ],
        };
        Ok(lsp::InitializeResult {
            server_info: Some(lsp::ServerInfo {
                name: "tvix".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: lsp::ServerCapabilities {
                text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                    lsp::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                        save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                        ..lsp::TextDocumentSyncOptions::default()
                    },
                )),
                definition_provider: Some(lsp::OneOf::Left(true)),
                references_provider: Some(lsp::OneOf::Left(true)),
                rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
                })),
                hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
                completion_provider: Some(lsp::CompletionOptions {
                    trigger_characters: Some(vec![".".to_owned()]),
                    ..lsp::CompletionOptions::default()
                }),
                signature_help_provider: Some(lsp::SignatureHelpOptions {
                    trigger_characters: Some(vec![" ".to_owned()]),
                    ..lsp::SignatureHelpOptions::default()
                }),
                document_symbol_provider: Some(lsp::OneOf::Left(true)),
                workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
                document_highlight_provider: Some(lsp::OneOf::Left(true)),
                document_link_provider: Some(lsp::DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
                }),
                folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(lsp::SelectionRangeProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(
                    lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                        lsp::SemanticTokensOptions {
                            legend,
                            full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                            range: Some(true),
                            ..lsp::SemanticTokensOptions::default()
                        },
                    ),
                ),
                inlay_hint_provider: Some(lsp::OneOf::Left(true)),
                code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
                document_formatting_provider: Some(lsp::OneOf::Left(true)),
                ..lsp::ServerCapabilities::default()
            },
            ..lsp::InitializeResult::default()
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        self.pull_configuration().await;
        self.index_workspace().await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let Some(path) = convert::path(&params.text_document.uri) else {
            return;
        };
        let text = params.text_document.text;
        self.lock()
            .open
            .insert(path.clone(), (params.text_document.version, text.clone()));
        self.apply(Change {
            buffers: vec![(path, Some(text.into()))],
            ..Change::default()
        });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = convert::path(&params.text_document.uri) else {
            return;
        };
        let text = {
            let mut state = self.lock();
            let Some((version, text)) = state.open.get_mut(&path) else {
                return;
            };
            *version = params.text_document.version;
            apply_content_changes(text, params.content_changes);
            text.clone()
        };
        self.apply(Change {
            buffers: vec![(path, Some(text.into()))],
            ..Change::default()
        });
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let Some(path) = convert::path(&params.text_document.uri) else {
            return;
        };
        {
            let mut state = self.lock();
            state.open.remove(&path);
            state.evaluations.remove(&path);
        }
        // The disk's text counts again; it may have changed meanwhile.
        let disk = workspace::read_text(&path);
        self.apply(Change {
            buffers: vec![(path.clone(), None)],
            disk: vec![(path, disk)],
            ..Change::default()
        });
        publish(&self.output, params.text_document.uri, &[], None);
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        let Some(path) = convert::path(&params.text_document.uri) else {
            return;
        };
        let disk = workspace::read_text(&path);
        self.apply(Change {
            disk: vec![(path, disk)],
            ..Change::default()
        });
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let disk = params
            .changes
            .iter()
            .filter_map(|c| convert::path(&c.uri))
            .filter(|p| p.ends_with(".nix"))
            .map(|p| {
                let text = workspace::read_text(&p);
                (p, text)
            })
            .collect();
        self.apply(Change {
            disk,
            ..Change::default()
        });
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        if self.lock().can_pull_configuration {
            self.pull_configuration().await;
        } else {
            self.set_config(&params.settings).await;
        }
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        self.query(move |a| handlers::goto_definition(a, params))
            .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        self.query(move |a| handlers::references(a, params)).await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        self.query(move |a| handlers::prepare_rename(a, params))
            .await?
            .map_err(request_failed)
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        self.query(move |a| handlers::rename(a, params))
            .await?
            .map_err(request_failed)
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        self.query(move |a| handlers::hover(a, params)).await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        self.query(move |a| handlers::completion(a, params)).await
    }

    async fn signature_help(
        &self,
        params: lsp::SignatureHelpParams,
    ) -> Result<Option<lsp::SignatureHelp>> {
        self.query(move |a| handlers::signature_help(a, params))
            .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.query(move |a| handlers::document_symbols(a, &params.text_document.uri))
            .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.query(move |a| handlers::workspace_symbols(a, &params.query))
            .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        self.query(move |a| handlers::document_highlight(a, params))
            .await
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> Result<Option<Vec<lsp::DocumentLink>>> {
        self.query(move |a| handlers::document_links(a, &params.text_document.uri))
            .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.query(move |a| handlers::folding_ranges(a, &params.text_document.uri))
            .await
    }

    async fn selection_range(
        &self,
        params: lsp::SelectionRangeParams,
    ) -> Result<Option<Vec<lsp::SelectionRange>>> {
        self.query(move |a| handlers::selection_ranges(a, params))
            .await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let tokens = self
            .query(move |a| handlers::semantic_tokens(a, &params.text_document.uri, None))
            .await?;
        Ok(tokens.map(lsp::SemanticTokensResult::Tokens))
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        let range = params.range;
        let tokens = self
            .query(move |a| handlers::semantic_tokens(a, &params.text_document.uri, Some(range)))
            .await?;
        Ok(tokens.map(lsp::SemanticTokensRangeResult::Tokens))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let can_create_files = self.lock().can_create_files;
        self.query(move |a| handlers::code_actions(a, params, can_create_files))
            .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let Some(path) = convert::path(&params.text_document.uri) else {
            return Ok(None);
        };
        let (analysis, _) = self.snapshot();
        let file = match analysis.file_id(&path) {
            Ok(Some(file)) => file,
            _ => return Ok(None),
        };
        drop(analysis);
        let Some(evaluation) = evaluate(&self.state, &path, file).await else {
            return Ok(None);
        };
        let range = params.range;
        self.query(move |a| handlers::inlay_hints(a, file, &evaluation, range))
            .await
            .map(Some)
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        let Some(path) = convert::path(&params.text_document.uri) else {
            return Ok(None);
        };
        let (text, command) = {
            let state = self.lock();
            let Some((_, text)) = state.open.get(&path) else {
                return Ok(None);
            };
            (text.clone(), state.config.formatting.command.clone())
        };
        match formatting::format(&command, &text).await {
            Ok(formatted) if formatted != text => {
                let index = tvix_syntax::LineIndex::new(&text);
                let whole = tvix_syntax::TextRange::up_to(index.len());
                Ok(Some(vec![lsp::TextEdit::new(
                    convert::range(&index, whole),
                    formatted,
                )]))
            }
            Ok(_) => Ok(Some(Vec::new())),
            Err(formatting::FormatError::NotFound(program)) => Err(request_failed(format!(
                "formatter `{program}` not found; install nixfmt or set tvix.formatting.command"
            ))),
            Err(formatting::FormatError::Failed(stderr)) => {
                Err(request_failed(format!("the formatter failed: {stderr}")))
            }
        }
    }
}
