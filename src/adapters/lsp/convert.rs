//! Library values to protocol values.

use lsp_types::{self as lt, Url};

use super::Document;
use clause::ide::complete::{Completion, CompletionKind};
use clause::ide::outline::{Entry, EntryKind};
use clause::ide::SymbolKind;
use clause::{Code, Level, Span};

/// A file's diagnostics: code, severity (errors, warnings, and notes as hints),
/// the help after the message, the other
/// labels as related information, and for a lint a link to its page.
pub fn diagnostics(doc: &Document, uri: &Url, lint_docs: Option<&Url>) -> Vec<lt::Diagnostic> {
    doc.analysis
        .diagnostics
        .iter()
        .map(|d| diagnostic(doc, uri, lint_docs, d))
        .collect()
}

pub fn diagnostic(
    doc: &Document,
    uri: &Url,
    lint_docs: Option<&Url>,
    d: &clause::Diagnostic,
) -> lt::Diagnostic {
    let text = doc.text();
    let severity = match d.level {
        Level::Error => lt::DiagnosticSeverity::ERROR,
        Level::Warning => lt::DiagnosticSeverity::WARNING,
        // Notes (overlapping rules) are for people who look for them, as
        // `clause check` leaves them out unless `--info`: a hint, not a listed problem.
        Level::Info => lt::DiagnosticSeverity::HINT,
    };
    let mut message = d.message.clone();
    if let Some(help) = d.help_text() {
        message.push_str("\nhelp: ");
        message.push_str(&help);
    }
    let related: Vec<lt::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .map(|(span, label)| lt::DiagnosticRelatedInformation {
            location: lt::Location::new(uri.clone(), doc.lines.range(text, *span)),
            message: if label.is_empty() {
                "see here".into()
            } else {
                label.clone()
            },
        })
        .collect();
    let code_description = match (d.code, lint_docs) {
        (Code::Lint(l), Some(base)) => base
            .join(&format!("{}.md", l.name()))
            .ok()
            .map(|href| lt::CodeDescription { href }),
        _ => None,
    };
    lt::Diagnostic {
        range: doc.lines.range(text, d.span()),
        severity: Some(severity),
        code: Some(lt::NumberOrString::String(d.code.as_str().into())),
        code_description,
        source: Some("clause".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn edit(doc: &Document, (span, new_text): &(Span, String)) -> lt::TextEdit {
    lt::TextEdit::new(doc.lines.range(doc.text(), *span), new_text.clone())
}

pub fn completion(doc: &Document, c: Completion) -> lt::CompletionItem {
    let kind = match c.kind {
        CompletionKind::Keyword => lt::CompletionItemKind::KEYWORD,
        CompletionKind::Fact => lt::CompletionItemKind::FIELD,
        CompletionKind::Field => lt::CompletionItemKind::FIELD,
        CompletionKind::Window => lt::CompletionItemKind::FUNCTION,
        CompletionKind::Threshold => lt::CompletionItemKind::VARIABLE,
        CompletionKind::Table => lt::CompletionItemKind::STRUCT,
        CompletionKind::Fee => lt::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Code => lt::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Unit => lt::CompletionItemKind::UNIT,
        CompletionKind::Snippet => lt::CompletionItemKind::SNIPPET,
        CompletionKind::Lint => lt::CompletionItemKind::VALUE,
    };
    lt::CompletionItem {
        label: c.label,
        kind: Some(kind),
        detail: Some(c.detail),
        insert_text_format: Some(if c.snippet {
            lt::InsertTextFormat::SNIPPET
        } else {
            lt::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lt::CompletionTextEdit::Edit(lt::TextEdit::new(
            doc.lines.range(doc.text(), c.replace),
            c.insert,
        ))),
        ..Default::default()
    }
}

fn symbol_kind(kind: EntryKind) -> lt::SymbolKind {
    match kind {
        EntryKind::Policy => lt::SymbolKind::MODULE,
        EntryKind::Setting => lt::SymbolKind::PROPERTY,
        EntryKind::RulesBlock => lt::SymbolKind::NAMESPACE,
        EntryKind::Symbol(s) => match s {
            SymbolKind::Window => lt::SymbolKind::FUNCTION,
            SymbolKind::Threshold => lt::SymbolKind::VARIABLE,
            SymbolKind::Table => lt::SymbolKind::STRUCT,
            SymbolKind::Fee => lt::SymbolKind::ENUM_MEMBER,
            SymbolKind::Fact | SymbolKind::StandardFact => lt::SymbolKind::FIELD,
            SymbolKind::Rule => lt::SymbolKind::METHOD,
        },
    }
}

#[expect(
    deprecated,
    reason = "DocumentSymbol's `deprecated` field must be given"
)]
pub fn document_symbol(doc: &Document, e: &Entry) -> lt::DocumentSymbol {
    let text = doc.text();
    let range = doc.lines.range(text, e.span);
    let mut selection = doc.lines.range(text, e.name_span);
    // The selection must lie inside the range.
    if selection.start < range.start || selection.end > range.end {
        selection = range;
    }
    lt::DocumentSymbol {
        name: e.name.clone(),
        detail: (!e.detail.is_empty()).then(|| e.detail.clone()),
        kind: symbol_kind(e.kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: Some(e.children.iter().map(|c| document_symbol(doc, c)).collect()),
    }
}

#[expect(
    deprecated,
    reason = "SymbolInformation's `deprecated` field must be given"
)]
pub fn symbol_information(
    uri: &Url,
    lines: &super::LineIndex,
    text: &str,
    e: &Entry,
    container: Option<String>,
) -> lt::SymbolInformation {
    lt::SymbolInformation {
        name: e.name.clone(),
        kind: symbol_kind(e.kind),
        tags: None,
        deprecated: None,
        location: lt::Location::new(uri.clone(), lines.range(text, e.name_span)),
        container_name: container,
    }
}
