//! Request handlers: each turns LSP parameters into an analysis query and
//! its result back into LSP types. They run on a blocking thread with an
//! [`Analysis`] snapshot and return `Err(Cancelled)` when an edit
//! overtakes them.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{self as lsp, Uri};
use tvix_analysis::{
    Analysis, Cancellable, CompletionKind, FileId, FilePosition, FoldKind, HighlightKind,
    SymbolKind,
};
use tvix_syntax::{LineIndex, TextRange};

use crate::convert;

/// The workspace file of a URI.
fn file_of(analysis: &Analysis, uri: &Uri) -> Cancellable<Option<FileId>> {
    match convert::path(uri) {
        Some(path) => analysis.file_id(&path),
        None => Ok(None),
    }
}

/// The file and byte offset of a text document position.
fn position_of(
    analysis: &Analysis,
    params: &lsp::TextDocumentPositionParams,
) -> Cancellable<Option<(FilePosition, std::sync::Arc<LineIndex>)>> {
    let Some(file) = file_of(analysis, &params.text_document.uri)? else {
        return Ok(None);
    };
    let index = analysis.line_index(file)?;
    let offset = convert::offset(&index, params.position);
    Ok(Some((FilePosition { file, offset }, index)))
}

/// An LSP location of a range in a workspace file.
fn location(
    analysis: &Analysis,
    file: FileId,
    range: TextRange,
) -> Cancellable<Option<lsp::Location>> {
    let path = analysis.file_path(file)?;
    let index = analysis.line_index(file)?;
    Ok(convert::uri(&path).map(|uri| lsp::Location::new(uri, convert::range(&index, range))))
}

/// `textDocument/definition`.
pub fn goto_definition(
    analysis: &Analysis,
    params: lsp::GotoDefinitionParams,
) -> Cancellable<Option<lsp::GotoDefinitionResponse>> {
    let Some((position, _)) = position_of(analysis, &params.text_document_position_params)? else {
        return Ok(None);
    };
    let mut locations = Vec::new();
    for target in analysis.goto_definition(position)? {
        let found = match target.file {
            Some(file) => location(analysis, file, target.range)?,
            None => {
                convert::uri(&target.path).map(|uri| lsp::Location::new(uri, lsp::Range::default()))
            }
        };
        locations.extend(found);
    }
    Ok((!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations)))
}

/// `textDocument/references`.
pub fn references(
    analysis: &Analysis,
    params: lsp::ReferenceParams,
) -> Cancellable<Option<Vec<lsp::Location>>> {
    let Some((position, _)) = position_of(analysis, &params.text_document_position)? else {
        return Ok(None);
    };
    let mut refs = analysis.references(position)?;
    if !params.context.include_declaration && !refs.is_empty() {
        refs.remove(0);
    }
    let mut out = Vec::new();
    for r in refs {
        out.extend(location(analysis, r.file, r.range)?);
    }
    Ok(Some(out))
}

/// `textDocument/prepareRename`.
pub fn prepare_rename(
    analysis: &Analysis,
    params: lsp::TextDocumentPositionParams,
) -> Cancellable<Result<Option<lsp::PrepareRenameResponse>, String>> {
    let Some((position, index)) = position_of(analysis, &params)? else {
        return Ok(Ok(None));
    };
    Ok(match analysis.prepare_rename(position)? {
        Ok(range) => Ok(Some(lsp::PrepareRenameResponse::Range(convert::range(
            &index, range,
        )))),
        Err(err) => Err(err.to_string()),
    })
}

/// `textDocument/rename`.
pub fn rename(
    analysis: &Analysis,
    params: lsp::RenameParams,
) -> Cancellable<Result<Option<lsp::WorkspaceEdit>, String>> {
    let Some((position, _)) = position_of(analysis, &params.text_document_position)? else {
        return Ok(Ok(None));
    };
    let change = match analysis.rename(position, &params.new_name)? {
        Ok(change) => change,
        Err(err) => return Ok(Err(err.to_string())),
    };
    let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for (file, edits) in change.edits {
        let index = analysis.line_index(file)?;
        let Some(uri) = convert::uri(&analysis.file_path(file)?) else {
            continue;
        };
        changes.entry(uri).or_default().extend(
            edits
                .into_iter()
                .map(|e| lsp::TextEdit::new(convert::range(&index, e.range), e.new_text)),
        );
    }
    Ok(Ok(Some(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..lsp::WorkspaceEdit::default()
    })))
}

/// `textDocument/hover`.
pub fn hover(analysis: &Analysis, params: lsp::HoverParams) -> Cancellable<Option<lsp::Hover>> {
    let Some((position, index)) = position_of(analysis, &params.text_document_position_params)?
    else {
        return Ok(None);
    };
    Ok(analysis.hover(position)?.map(|h| lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(convert::range(&index, h.range)),
    }))
}

/// Completion items sent at most; the list is marked incomplete beyond.
const MAX_COMPLETIONS: usize = 500;

/// `textDocument/completion`.
pub fn completion(
    analysis: &Analysis,
    params: lsp::CompletionParams,
) -> Cancellable<Option<lsp::CompletionResponse>> {
    let Some((position, index)) = position_of(analysis, &params.text_document_position)? else {
        return Ok(None);
    };
    let all = analysis.completions(position)?;
    // Thousands of items cost more to send and filter than they help; the
    // client asks again as the user types more of the name.
    let is_incomplete = all.len() > MAX_COMPLETIONS;
    let items = all
        .into_iter()
        .take(MAX_COMPLETIONS)
        .map(|item| lsp::CompletionItem {
            kind: Some(match item.kind {
                CompletionKind::Local => lsp::CompletionItemKind::VARIABLE,
                CompletionKind::Formal => lsp::CompletionItemKind::FIELD,
                CompletionKind::Attribute => lsp::CompletionItemKind::PROPERTY,
                CompletionKind::Builtin => lsp::CompletionItemKind::FUNCTION,
                CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
            }),
            detail: item.detail,
            documentation: item.documentation.map(|d| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: d,
                })
            }),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                convert::range(&index, item.replace),
                item.label.clone(),
            ))),
            label: item.label,
            ..lsp::CompletionItem::default()
        })
        .collect();
    Ok(Some(lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete,
        items,
    })))
}

/// `textDocument/signatureHelp`.
pub fn signature_help(
    analysis: &Analysis,
    params: lsp::SignatureHelpParams,
) -> Cancellable<Option<lsp::SignatureHelp>> {
    let Some((position, _)) = position_of(analysis, &params.text_document_position_params)? else {
        return Ok(None);
    };
    Ok(analysis
        .signature_help(position)?
        .map(|help| lsp::SignatureHelp {
            signatures: vec![lsp::SignatureInformation {
                label: help.label,
                documentation: help.documentation.map(lsp::Documentation::String),
                parameters: Some(
                    help.params
                        .into_iter()
                        .map(|p| lsp::ParameterInformation {
                            label: lsp::ParameterLabel::Simple(p),
                            documentation: None,
                        })
                        .collect(),
                ),
                active_parameter: None,
            }],
            active_signature: Some(0),
            active_parameter: Some(help.active as u32),
        }))
}

/// `textDocument/documentSymbol`.
pub fn document_symbols(
    analysis: &Analysis,
    uri: &Uri,
) -> Cancellable<Option<lsp::DocumentSymbolResponse>> {
    let Some(file) = file_of(analysis, uri)? else {
        return Ok(None);
    };
    let index = analysis.line_index(file)?;
    #[allow(deprecated)]
    fn convert_symbol(index: &LineIndex, s: tvix_analysis::Symbol) -> lsp::DocumentSymbol {
        lsp::DocumentSymbol {
            name: s.name,
            detail: None,
            kind: match s.kind {
                SymbolKind::Function => lsp::SymbolKind::FUNCTION,
                SymbolKind::Namespace => lsp::SymbolKind::NAMESPACE,
                SymbolKind::Variable => lsp::SymbolKind::VARIABLE,
            },
            tags: None,
            deprecated: None,
            range: convert::range(index, s.range),
            selection_range: convert::range(index, s.selection_range),
            children: Some(
                s.children
                    .into_iter()
                    .map(|c| convert_symbol(index, c))
                    .collect(),
            ),
        }
    }
    let symbols = analysis
        .document_symbols(file)?
        .into_iter()
        .map(|s| convert_symbol(&index, s))
        .collect();
    Ok(Some(lsp::DocumentSymbolResponse::Nested(symbols)))
}

/// `workspace/symbol`.
pub fn workspace_symbols(
    analysis: &Analysis,
    query: &str,
) -> Cancellable<Option<lsp::WorkspaceSymbolResponse>> {
    let mut out = Vec::new();
    for (name, range) in analysis.workspace_symbols(query)? {
        if let Some(location) = location(analysis, range.file, range.range)? {
            out.push(lsp::WorkspaceSymbol {
                name,
                kind: lsp::SymbolKind::VARIABLE,
                tags: None,
                container_name: None,
                location: lsp::OneOf::Left(location),
                data: None,
            });
        }
    }
    Ok(Some(lsp::WorkspaceSymbolResponse::Nested(out)))
}

/// `textDocument/documentHighlight`.
pub fn document_highlight(
    analysis: &Analysis,
    params: lsp::DocumentHighlightParams,
) -> Cancellable<Option<Vec<lsp::DocumentHighlight>>> {
    let Some((position, index)) = position_of(analysis, &params.text_document_position_params)?
    else {
        return Ok(None);
    };
    Ok(Some(
        analysis
            .document_highlight(position)?
            .into_iter()
            .map(|h| lsp::DocumentHighlight {
                range: convert::range(&index, h.range),
                kind: Some(match h.kind {
                    HighlightKind::Write => lsp::DocumentHighlightKind::WRITE,
                    HighlightKind::Read => lsp::DocumentHighlightKind::READ,
                }),
            })
            .collect(),
    ))
}

/// `textDocument/documentLink`.
pub fn document_links(
    analysis: &Analysis,
    uri: &Uri,
) -> Cancellable<Option<Vec<lsp::DocumentLink>>> {
    let Some(file) = file_of(analysis, uri)? else {
        return Ok(None);
    };
    let index = analysis.line_index(file)?;
    Ok(Some(
        analysis
            .document_links(file)?
            .into_iter()
            .filter_map(|link| {
                let target = if link.target.starts_with('/') {
                    convert::uri(&link.target)?
                } else {
                    link.target.parse().ok()?
                };
                Some(lsp::DocumentLink {
                    range: convert::range(&index, link.range),
                    target: Some(target),
                    tooltip: None,
                    data: None,
                })
            })
            .collect(),
    ))
}

/// `textDocument/foldingRange`.
pub fn folding_ranges(
    analysis: &Analysis,
    uri: &Uri,
) -> Cancellable<Option<Vec<lsp::FoldingRange>>> {
    let Some(file) = file_of(analysis, uri)? else {
        return Ok(None);
    };
    let index = analysis.line_index(file)?;
    Ok(Some(
        analysis
            .folding_ranges(file)?
            .into_iter()
            .map(|fold| {
                let range = convert::range(&index, fold.range);
                lsp::FoldingRange {
                    start_line: range.start.line,
                    start_character: None,
                    end_line: range.end.line,
                    end_character: None,
                    kind: Some(match fold.kind {
                        FoldKind::Comment => lsp::FoldingRangeKind::Comment,
                        FoldKind::Region => lsp::FoldingRangeKind::Region,
                    }),
                    collapsed_text: None,
                }
            })
            .collect(),
    ))
}

/// `textDocument/selectionRange`.
pub fn selection_ranges(
    analysis: &Analysis,
    params: lsp::SelectionRangeParams,
) -> Cancellable<Option<Vec<lsp::SelectionRange>>> {
    let Some(file) = file_of(analysis, &params.text_document.uri)? else {
        return Ok(None);
    };
    let index = analysis.line_index(file)?;
    let offsets: Vec<_> = params
        .positions
        .iter()
        .map(|p| convert::offset(&index, *p))
        .collect();
    let nested = analysis.selection_ranges(file, &offsets)?;
    Ok(Some(
        nested
            .into_iter()
            .map(|ranges| {
                let mut parent: Option<Box<lsp::SelectionRange>> = None;
                for range in ranges.into_iter().rev() {
                    parent = Some(Box::new(lsp::SelectionRange {
                        range: convert::range(&index, range),
                        parent,
                    }));
                }
                parent.map(|b| *b).unwrap_or(lsp::SelectionRange {
                    range: lsp::Range::default(),
                    parent: None,
                })
            })
            .collect(),
    ))
}

/// `textDocument/semanticTokens/full` and `/range`.
pub fn semantic_tokens(
    analysis: &Analysis,
    uri: &Uri,
    range: Option<lsp::Range>,
) -> Cancellable<Option<lsp::SemanticTokens>> {
    let Some(file) = file_of(analysis, uri)? else {
        return Ok(None);
    };
    let index = analysis.line_index(file)?;
    let text = analysis.file_text(file)?;
    let range = range.map(|r| convert::text_range(&index, r));
    let mut data = Vec::new();
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for token in analysis.semantic_tokens(file, range)? {
        // Tokens may not span lines in LSP: split strings and comments.
        let mut start = token.range.start();
        for piece in text[token.range].split_inclusive('\n') {
            let len = tvix_syntax::TextSize::of(piece.trim_end_matches('\n'));
            let begin = convert::position(&index, start);
            let end = convert::position(&index, start + len);
            start += tvix_syntax::TextSize::of(piece);
            if end.character <= begin.character {
                continue;
            }
            let delta_line = begin.line - prev_line;
            let delta_start = if delta_line == 0 {
                begin.character - prev_start
            } else {
                begin.character
            };
            data.push(lsp::SemanticToken {
                delta_line,
                delta_start,
                length: end.character - begin.character,
                token_type: token.token_type,
                token_modifiers_bitset: token.modifiers,
            });
            prev_line = begin.line;
            prev_start = begin.character;
        }
    }
    Ok(Some(lsp::SemanticTokens {
        result_id: None,
        data,
    }))
}

/// `textDocument/codeAction`.
///
/// Actions that create a file are offered only to clients that said they
/// can apply `create` operations in workspace edits.
pub fn code_actions(
    analysis: &Analysis,
    params: lsp::CodeActionParams,
    can_create_files: bool,
) -> Cancellable<Option<lsp::CodeActionResponse>> {
    let uri = params.text_document.uri;
    let Some(file) = file_of(analysis, &uri)? else {
        return Ok(None);
    };
    let index = analysis.line_index(file)?;
    let range = convert::text_range(&index, params.range);
    let actions = analysis
        .code_actions(file, range)?
        .into_iter()
        .filter(|action| can_create_files || action.new_file.is_none())
        .filter_map(|action| {
            let edits: Vec<lsp::TextEdit> = action
                .edits
                .into_iter()
                .map(|e| lsp::TextEdit::new(convert::range(&index, e.range), e.new_text))
                .collect();
            let diagnostics = action.fixes.map(|code| {
                params
                    .context
                    .diagnostics
                    .iter()
                    .filter(|d| {
                        d.code == Some(lsp::NumberOrString::String(code.as_str().to_owned()))
                    })
                    .cloned()
                    .collect()
            });
            let kind = if action.is_quick_fix {
                lsp::CodeActionKind::QUICKFIX
            } else if action.new_file.is_some() {
                lsp::CodeActionKind::REFACTOR_EXTRACT
            } else {
                lsp::CodeActionKind::REFACTOR_REWRITE
            };
            let edit = match action.new_file {
                None => lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..lsp::WorkspaceEdit::default()
                },
                Some(new_file) => creating_edit(&uri, edits, new_file)?,
            };
            Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: action.title,
                kind: Some(kind),
                diagnostics,
                edit: Some(edit),
                ..lsp::CodeAction::default()
            }))
        })
        .collect();
    Ok(Some(actions))
}

/// A workspace edit that creates `new_file` with its text, then edits
/// `uri`. Creation fails rather than overwrite a file made in the meantime.
/// `None` when the new path has no URI.
fn creating_edit(
    uri: &lsp::Uri,
    edits: Vec<lsp::TextEdit>,
    new_file: tvix_analysis::NewFile,
) -> Option<lsp::WorkspaceEdit> {
    let new_uri = convert::uri(&new_file.path)?;
    let edit_of = |uri: &lsp::Uri, edits: Vec<lsp::TextEdit>| {
        lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: None,
            },
            edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
        })
    };
    let start = lsp::Position::new(0, 0);
    Some(lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Operations(vec![
            lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                uri: new_uri.clone(),
                options: Some(lsp::CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(false),
                }),
                annotation_id: None,
            })),
            edit_of(
                &new_uri,
                vec![lsp::TextEdit::new(
                    lsp::Range::new(start, start),
                    new_file.text,
                )],
            ),
            edit_of(uri, edits),
        ])),
        ..lsp::WorkspaceEdit::default()
    })
}

/// Static diagnostics of a file, as LSP diagnostics.
pub fn diagnostics(analysis: &Analysis, file: FileId) -> Cancellable<Vec<lsp::Diagnostic>> {
    let index = analysis.line_index(file)?;
    let path = analysis.file_path(file)?;
    let uri = convert::uri(&path);
    Ok(analysis
        .diagnostics(file)?
        .iter()
        .map(|d| lsp::Diagnostic {
            range: convert::range(&index, d.range),
            severity: Some(convert::severity(d.severity)),
            code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
            source: Some("tvix".to_owned()),
            message: d.message.clone(),
            // Left out when empty: on a file with thousands of warnings the
            // empty lists are a noticeable part of the message.
            related_information: uri.as_ref().filter(|_| !d.labels.is_empty()).map(|uri| {
                d.labels
                    .iter()
                    .map(|l| lsp::DiagnosticRelatedInformation {
                        location: lsp::Location::new(uri.clone(), convert::range(&index, l.range)),
                        message: l.message.clone(),
                    })
                    .collect()
            }),
            tags: d
                .code
                .as_str()
                .starts_with("unused")
                .then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
            data: None,
            code_description: None,
        })
        .collect())
}

/// Evaluation errors of a file, as LSP diagnostics with the trace as
/// related information.
pub fn eval_diagnostics(
    analysis: &Analysis,
    file: FileId,
    evaluation: &tvix_analysis::FileEvaluation,
) -> Cancellable<Vec<lsp::Diagnostic>> {
    let index = analysis.line_index(file)?;
    let mut out = Vec::new();
    for error in &evaluation.errors {
        let mut related = Vec::new();
        for (path, offset, message) in &error.related {
            let Some(uri) = convert::uri(path) else {
                continue;
            };
            let position = match analysis.file_id(path)? {
                Some(other) => convert::position(&*analysis.line_index(other)?, (*offset).into()),
                None => lsp::Position::default(),
            };
            related.push(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri, lsp::Range::new(position, position)),
                message: message.clone(),
            });
        }
        out.push(lsp::Diagnostic {
            range: convert::range(&index, error.range),
            severity: Some(lsp::DiagnosticSeverity::ERROR),
            code: Some(lsp::NumberOrString::String("evaluation-error".to_owned())),
            source: Some("tvix eval".to_owned()),
            message: error.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            ..lsp::Diagnostic::default()
        });
    }
    Ok(out)
}

/// `outPath` inlay hints in `range`.
pub fn inlay_hints(
    analysis: &Analysis,
    file: FileId,
    evaluation: &tvix_analysis::FileEvaluation,
    range: lsp::Range,
) -> Cancellable<Vec<lsp::InlayHint>> {
    let index = analysis.line_index(file)?;
    let range = convert::text_range(&index, range);
    Ok(evaluation
        .hints
        .iter()
        .filter(|h| range.contains_inclusive(h.offset))
        .map(|h| lsp::InlayHint {
            position: convert::position(&index, h.offset),
            label: lsp::InlayHintLabel::String(format!(" {}", h.label)),
            kind: None,
            text_edits: None,
            tooltip: (!h.tooltip.is_empty())
                .then(|| lsp::InlayHintTooltip::String(h.tooltip.clone())),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect())
}
