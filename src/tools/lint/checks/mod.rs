//! The lints themselves, each over the AST (for places) and the checked policy
//! (for meaning). Every finding is made at the lint's default level; `super::lint`
//! applies the configuration.

use super::logic::Model;
use super::Lint;
use crate::ast::{self, PolicyFile};
use crate::language::check::ir::Policy;
use crate::language::diagnostic::{Code, Diagnostic};
use crate::language::source::Span;

mod currencies;
mod fees;
mod legal_floor;
mod quotes;
mod refunds;
mod rules;
mod unused;
mod windows;
use currencies::currencies;
use legal_floor::legal_floor;
use quotes::{source_text, stale_quote};
use refunds::deductions;
use rules::Block;
use unused::unused;
use windows::{unclear_days, windows};

pub fn run(file: &PolicyFile, policy: &Policy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let blocks = file.rule_blocks();
    let model = Model::new(policy);
    for (index, (checked, ast)) in policy.blocks.iter().zip(&blocks).enumerate() {
        Block::new(policy, &model, index, checked, ast).lint(&mut out);
    }
    for ast_block in &blocks {
        for rule in ast_block.rules.iter().chain(ast_block.otherwise.as_ref()) {
            source_text(rule, &mut out);
            deductions(policy, rule, &mut out);
        }
    }
    windows(file, policy, &blocks, &mut out);
    unclear_days(policy, &blocks, &mut out);
    for (block, ast_block) in policy.blocks.iter().zip(&blocks) {
        let rules = block.rules.iter().chain(block.otherwise.as_ref());
        let ast_rules = ast_block.rules.iter().chain(ast_block.otherwise.as_ref());
        for (rule, ast_rule) in rules.zip(ast_rules) {
            stale_quote(file, policy, rule, ast_rule, &mut out);
        }
    }
    currencies(file, policy, &mut out);
    unused(file, policy, &mut out);
    legal_floor(file, policy, &blocks, &mut out);
    super::calendar::coverage(file, policy, &mut out);
    out
}

fn finding(
    lint: Lint,
    message: impl Into<String>,
    span: Span,
    label: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(Code::Lint(lint), message, span, label)
}

/// The span of a rule's header: `rule NAME: OUTCOME`.
fn header(rule: &ast::Rule) -> Span {
    Span::new(rule.span.start, rule.quote.span.start.max(rule.span.start))
}
