//! Renaming a window, threshold, table, declared fee, declared fact or rule:
//! the definition and every use, or a reason why not.

use super::index::SymbolKind;
use super::{is_identifier, Analysis};
use crate::language::check::vocab;
use crate::language::source::Span;

impl Analysis {
    /// The name under `offset` and its span, if it can be renamed.
    pub fn prepare_rename(&self, offset: usize) -> Result<(Span, String), String> {
        if self.ast.is_none() {
            return Err("the file does not parse: fix its syntax errors first".into());
        }
        let o = self
            .index
            .at(offset)
            .ok_or("there is no window, threshold, table, fee, fact or rule here")?;
        match o.kind {
            SymbolKind::StandardFact => Err(format!(
                "`{}` is a fact of the claim: its name is fixed by the claim format",
                o.name
            )),
            SymbolKind::Fee if vocab::STANDARD_FEES.contains(&o.name.as_str()) => {
                Err(format!("`{}` is a standard fee: its name is fixed", o.name))
            }
            _ if self.index.definition(o.kind, &o.name).is_none() => {
                Err(format!("`{}` is not declared in this file", o.name))
            }
            _ => Ok((o.span, o.name.clone())),
        }
    }

    /// The edits that rename the symbol under `offset` to `new_name`.
    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Vec<(Span, String)>, String> {
        let (_, old) = self.prepare_rename(offset)?;
        let kind = self
            .index
            .at(offset)
            .map(|o| o.kind)
            .ok_or("nothing to rename")?;
        if !is_identifier(new_name) {
            return Err(format!(
                "`{new_name}` cannot be a name: use letters, digits and `_`, starting with a letter"
            ));
        }
        if crate::language::syntax::RESERVED_WORDS.contains(&new_name) {
            return Err(format!("`{new_name}` is a word of the language"));
        }
        if new_name == old {
            return Ok(Vec::new());
        }
        let namespace: &[SymbolKind] = match kind {
            SymbolKind::Window | SymbolKind::Threshold | SymbolKind::Table => {
                &[SymbolKind::Window, SymbolKind::Threshold, SymbolKind::Table]
            }
            SymbolKind::Fee => &[SymbolKind::Fee],
            SymbolKind::Fact => &[SymbolKind::Fact],
            SymbolKind::Rule | SymbolKind::StandardFact => &[SymbolKind::Rule],
        };
        let taken = namespace
            .iter()
            .any(|k| self.index.definition(*k, new_name).is_some())
            || (kind == SymbolKind::Fee && vocab::STANDARD_FEES.contains(&new_name));
        if taken {
            return Err(format!(
                "`{new_name}` is already the name of something else here"
            ));
        }
        Ok(self
            .index
            .occurrences_of(kind, &old)
            .into_iter()
            .map(|o| (o.span, new_name.to_string()))
            .collect())
    }
}
