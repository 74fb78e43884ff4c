//! The requests the server answers, each a few lines over the library.

use lsp_server::{ErrorCode, Request};
use lsp_types::request::Request as _;
use lsp_types::{self as lt, Url};
use serde_json::Value;

use super::{convert, Document, LineIndex, Server};
use clause::ide::outline;
use clause::ide::tokens::{LEGEND, MODIFIERS};

/// A request's error answer.
pub struct Failure {
    pub code: i32,
    pub message: String,
}

fn failed(code: ErrorCode, message: impl Into<String>) -> Failure {
    Failure {
        code: code as i32,
        message: message.into(),
    }
}

/// What the server can do, sent in answer to `initialize`.
pub fn capabilities() -> lt::ServerCapabilities {
    lt::ServerCapabilities {
        text_document_sync: Some(lt::TextDocumentSyncCapability::Options(
            lt::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lt::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lt::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lt::OneOf::Left(true)),
        references_provider: Some(lt::OneOf::Left(true)),
        document_symbol_provider: Some(lt::OneOf::Left(true)),
        workspace_symbol_provider: Some(lt::OneOf::Left(true)),
        completion_provider: Some(lt::CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into(), "(".into(), ",".into()]),
            ..Default::default()
        }),
        document_formatting_provider: Some(lt::OneOf::Left(true)),
        document_range_formatting_provider: Some(lt::OneOf::Left(true)),
        code_action_provider: Some(lt::CodeActionProviderCapability::Options(
            lt::CodeActionOptions {
                code_action_kinds: Some(vec![lt::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        rename_provider: Some(lt::OneOf::Right(lt::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        semantic_tokens_provider: Some(
            lt::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lt::SemanticTokensOptions {
                    legend: lt::SemanticTokensLegend {
                        token_types: LEGEND
                            .iter()
                            .map(|t| lt::SemanticTokenType::new(t))
                            .collect(),
                        token_modifiers: MODIFIERS
                            .iter()
                            .map(|m| lt::SemanticTokenModifier::new(m))
                            .collect(),
                    },
                    full: Some(lt::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    work_done_progress_options: Default::default(),
                },
            ),
        ),
        ..Default::default()
    }
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, Failure> {
    serde_json::from_value(req.params)
        .map_err(|e| failed(ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

fn json<T: serde::Serialize>(value: T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| failed(ErrorCode::InternalError, e.to_string()))
}

impl Server {
    fn doc(&self, uri: &Url) -> Result<&Document, Failure> {
        self.docs
            .get(uri)
            .ok_or_else(|| failed(ErrorCode::InvalidParams, format!("{uri} is not open")))
    }

    fn at(&self, p: &lt::TextDocumentPositionParams) -> Result<(&Document, usize), Failure> {
        let doc = self.doc(&p.text_document.uri)?;
        let offset = doc.lines.offset(doc.text(), p.position);
        Ok((doc, offset))
    }
}

/// Answers one request.
pub fn dispatch(server: &mut Server, req: Request) -> Result<Value, Failure> {
    use lt::request as R;
    match req.method.as_str() {
        R::HoverRequest::METHOD => {
            let p: lt::HoverParams = params(req)?;
            let (doc, offset) = server.at(&p.text_document_position_params)?;
            json(doc.analysis.hover(offset).map(|h| lt::Hover {
                contents: lt::HoverContents::Markup(lt::MarkupContent {
                    kind: lt::MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(doc.lines.range(doc.text(), h.span)),
            }))
        }
        R::GotoDefinition::METHOD => {
            let p: lt::GotoDefinitionParams = params(req)?;
            let uri = p.text_document_position_params.text_document.uri.clone();
            let (doc, offset) = server.at(&p.text_document_position_params)?;
            json(doc.analysis.definition(offset).map(|span| {
                lt::GotoDefinitionResponse::Scalar(lt::Location::new(
                    uri,
                    doc.lines.range(doc.text(), span),
                ))
            }))
        }
        R::References::METHOD => {
            let p: lt::ReferenceParams = params(req)?;
            let uri = p.text_document_position.text_document.uri.clone();
            let (doc, offset) = server.at(&p.text_document_position)?;
            let spans = doc
                .analysis
                .references(offset, p.context.include_declaration);
            json(
                spans
                    .into_iter()
                    .map(|s| lt::Location::new(uri.clone(), doc.lines.range(doc.text(), s)))
                    .collect::<Vec<_>>(),
            )
        }
        R::DocumentSymbolRequest::METHOD => {
            let p: lt::DocumentSymbolParams = params(req)?;
            let doc = server.doc(&p.text_document.uri)?;
            // A text that does not parse keeps an outline read off its tokens.
            let root = match doc.analysis.ast.as_ref() {
                Some(ast) => Some(outline::outline(ast, doc.text())),
                None => outline::forgiving(&doc.analysis.tokens, doc.text()),
            };
            json(root.map(|root| {
                lt::DocumentSymbolResponse::Nested(vec![convert::document_symbol(doc, &root)])
            }))
        }
        R::WorkspaceSymbolRequest::METHOD => {
            let p: lt::WorkspaceSymbolParams = params(req)?;
            json(workspace_symbols(server, &p.query))
        }
        R::Completion::METHOD => {
            let p: lt::CompletionParams = params(req)?;
            let (doc, offset) = server.at(&p.text_document_position)?;
            let items: Vec<lt::CompletionItem> = doc
                .analysis
                .completions(offset)
                .into_iter()
                .map(|c| convert::completion(doc, c))
                .collect();
            json(lt::CompletionResponse::Array(items))
        }
        R::Formatting::METHOD => {
            let p: lt::DocumentFormattingParams = params(req)?;
            let doc = server.doc(&p.text_document.uri)?;
            // Line by line, so that the lines the formatter keeps keep the
            // editor's cursor, marks and folds.
            let edits: Vec<lt::TextEdit> = doc
                .analysis
                .format_edits()
                .iter()
                .map(|e| convert::edit(doc, e))
                .collect();
            json(edits)
        }
        R::RangeFormatting::METHOD => {
            let p: lt::DocumentRangeFormattingParams = params(req)?;
            let doc = server.doc(&p.text_document.uri)?;
            let range = doc.lines.span(doc.text(), p.range);
            let edits: Vec<lt::TextEdit> = doc
                .analysis
                .format_range(range)
                .iter()
                .map(|e| convert::edit(doc, e))
                .collect();
            json(edits)
        }
        R::CodeActionRequest::METHOD => {
            let p: lt::CodeActionParams = params(req)?;
            let uri = p.text_document.uri;
            let doc = server.doc(&uri)?;
            let range = doc.lines.span(doc.text(), p.range);
            let actions: Vec<lt::CodeActionOrCommand> =
                doc.analysis
                    .actions(range)
                    .into_iter()
                    .map(|a| {
                        let edits = a.edits.iter().map(|e| convert::edit(doc, e)).collect();
                        let diagnostic =
                            doc.analysis.diagnostics.get(a.diagnostic).map(|d| {
                                convert::diagnostic(doc, &uri, server.lint_docs.as_ref(), d)
                            });
                        lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                            title: a.title,
                            kind: Some(lt::CodeActionKind::QUICKFIX),
                            diagnostics: diagnostic.map(|d| vec![d]),
                            edit: Some(lt::WorkspaceEdit::new(
                                [(uri.clone(), edits)].into_iter().collect(),
                            )),
                            is_preferred: Some(a.preferred),
                            ..Default::default()
                        })
                    })
                    .collect();
            json(actions)
        }
        R::PrepareRenameRequest::METHOD => {
            let p: lt::TextDocumentPositionParams = params(req)?;
            let (doc, offset) = server.at(&p)?;
            let (span, name) = doc
                .analysis
                .prepare_rename(offset)
                .map_err(|e| failed(ErrorCode::RequestFailed, e))?;
            json(lt::PrepareRenameResponse::RangeWithPlaceholder {
                range: doc.lines.range(doc.text(), span),
                placeholder: name,
            })
        }
        R::Rename::METHOD => {
            let p: lt::RenameParams = params(req)?;
            let uri = p.text_document_position.text_document.uri.clone();
            let (doc, offset) = server.at(&p.text_document_position)?;
            let edits = doc
                .analysis
                .rename(offset, &p.new_name)
                .map_err(|e| failed(ErrorCode::RequestFailed, e))?;
            let edits = edits.iter().map(|e| convert::edit(doc, e)).collect();
            json(lt::WorkspaceEdit::new([(uri, edits)].into_iter().collect()))
        }
        R::SemanticTokensFullRequest::METHOD => {
            let p: lt::SemanticTokensParams = params(req)?;
            let doc = server.doc(&p.text_document.uri)?;
            json(lt::SemanticTokensResult::Tokens(semantic_tokens(doc)))
        }
        other => Err(failed(
            ErrorCode::MethodNotFound,
            format!("clause lsp does not answer {other}"),
        )),
    }
}

/// The tokens in the protocol's relative encoding: each token's line and start
/// from the previous one's, lengths in UTF-16 units.
fn semantic_tokens(doc: &Document) -> lt::SemanticTokens {
    let text = doc.text();
    let mut data = Vec::new();
    let (mut line, mut start) = (0u32, 0u32);
    let mut cursor = doc.lines.cursor(text);
    for t in doc.analysis.semantic_tokens() {
        // A token that runs to the end of a line (a comment, an unclosed
        // string) ends before a CRLF's `\r`.
        let mut end = t.span.end;
        if end > t.span.start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        let from = cursor.position(t.span.start);
        let to = cursor.position(end);
        if to.line != from.line || to.character <= from.character {
            continue;
        }
        let delta_line = from.line - line;
        let delta_start = if delta_line == 0 {
            from.character - start
        } else {
            from.character
        };
        data.push(lt::SemanticToken {
            delta_line,
            delta_start,
            length: to.character - from.character,
            token_type: t.ty,
            token_modifiers_bitset: u32::from(t.declaration),
        });
        line = from.line;
        start = from.character;
    }
    lt::SemanticTokens {
        result_id: None,
        data,
    }
}

/// The most policy files a workspace-symbol search reads.
const MAX_WORKSPACE_FILES: usize = 500;

/// The most folders a workspace-symbol search lists.
const MAX_WORKSPACE_DIRS: usize = 5_000;

/// Symbols matching `query` in every policy file under the workspace folders (the
/// open files as they are in the editor, the rest as they are on disk).
fn workspace_symbols(server: &Server, query: &str) -> Vec<lt::SymbolInformation> {
    let mut files: Vec<Url> = server.docs.keys().cloned().collect();
    let mut stack: Vec<std::path::PathBuf> = server.roots.clone();
    let mut seen = 0usize;
    // Each folder once (a root given twice, or inside another), and at most
    // MAX_WORKSPACE_DIRS of them: a workspace opened at `/` is not walked whole.
    let mut walked = std::collections::HashSet::new();
    while let Some(dir) = stack.pop() {
        if seen >= MAX_WORKSPACE_FILES || walked.len() >= MAX_WORKSPACE_DIRS {
            break;
        }
        if !walked.insert(dir.clone()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if seen >= MAX_WORKSPACE_FILES {
                break;
            }
            if kind.is_dir()
                && !name.starts_with('.')
                && !matches!(&*name, "target" | "node_modules")
            {
                if walked.len() + stack.len() < MAX_WORKSPACE_DIRS {
                    stack.push(path);
                }
            } else if kind.is_file() && name.ends_with(".policy") {
                seen += 1;
                if let Ok(uri) = Url::from_file_path(&path) {
                    if !files.contains(&uri) {
                        files.push(uri);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for uri in files {
        let text = match server.docs.get(&uri) {
            Some(d) => d.text().to_string(),
            None => match uri.to_file_path().map(std::fs::read_to_string) {
                Ok(Ok(t)) => t,
                _ => continue,
            },
        };
        let Some(root) = outline::outline_text(uri.as_str(), &text) else {
            continue;
        };
        let lines = LineIndex::new(&text);
        for e in outline::matching(&root, query) {
            let container = (e.kind != outline::EntryKind::Policy).then(|| root.name.clone());
            out.push(convert::symbol_information(
                &uri, &lines, &text, e, container,
            ));
        }
    }
    out
}
