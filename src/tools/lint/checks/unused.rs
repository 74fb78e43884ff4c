//! `unused-definition`: facts, tables, windows and calendars nothing reads.

use super::finding;
use crate::ast::{self, Decl, PolicyFile};
use crate::language::check::ir::{IExpr, Policy};
use crate::language::check::vocab::FactRef;
use crate::language::diagnostic::Diagnostic;
use crate::tools::lint::Lint;

pub(super) fn unused(file: &PolicyFile, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let mut used_windows = vec![false; policy.windows.len()];
    let mut used_thresholds = vec![false; policy.thresholds.len()];
    let mut used_tables = vec![false; policy.tables.len()];
    let mut used_facts = vec![false; policy.facts.len()];
    let mut mark = |e: &IExpr| {
        walk_ir(e, &mut |x| match x {
            IExpr::Window(_, _, w) => set(&mut used_windows, *w),
            IExpr::Threshold(t) => set(&mut used_thresholds, *t),
            IExpr::Table(t) => set(&mut used_tables, *t),
            IExpr::Fact(FactRef::Custom(i)) => set(&mut used_facts, *i),
            _ => {}
        });
    };
    for t in &policy.thresholds {
        mark(&t.expr);
    }
    for t in &policy.tables {
        for (_, e) in &t.rows {
            mark(e);
        }
        if let Some(e) = &t.default {
            mark(e);
        }
    }
    for w in &policy.windows {
        for x in &w.extensions {
            mark(&x.when);
        }
    }
    for r in policy
        .blocks
        .iter()
        .flat_map(|b| b.rules.iter().chain(b.otherwise.as_ref()))
    {
        for e in r.expressions() {
            mark(e);
        }
    }
    for r in policy
        .blocks
        .iter()
        .flat_map(|b| b.rules.iter().chain(b.otherwise.as_ref()))
    {
        for w in &r.deadlines {
            set(&mut used_windows, *w);
        }
    }
    // Thresholds and tables used only by unused thresholds are still "used"
    // here: one finding at the top of a chain is enough.
    let mut fees_used: Vec<&str> = Vec::new();
    for d in &file.decls {
        if let Decl::Rules(b) = d {
            for r in b.rules.iter().chain(b.otherwise.as_ref()) {
                fees_used.extend(r.fees.iter().map(|f| f.fee.node.as_str()));
                fees_used.extend(r.deductions.iter().map(|f| f.fee.node.as_str()));
            }
        }
    }
    let (mut wi, mut ti, mut bi, mut fi) = (0, 0, 0, 0);
    let report = |what: &str, name: &ast::Name, out: &mut Vec<Diagnostic>| {
        out.push(
            finding(
                Lint::UnusedDefinition,
                format!("the {what} `{}` is never used", name.node),
                name.span,
                "declared here, used nowhere",
            )
            .with_help("use it in a rule, or remove it if the page no longer says this"),
        );
    };
    for d in &file.decls {
        let (what, name, used) = match d {
            Decl::Window(w) => ("window", &w.name, next(&used_windows, &mut wi)),
            Decl::Threshold(t) => ("threshold", &t.name, next(&used_thresholds, &mut ti)),
            Decl::Table(t) => ("table", &t.name, next(&used_tables, &mut bi)),
            Decl::Fact(f) => ("fact", &f.name, next(&used_facts, &mut fi)),
            Decl::Fees(names) => {
                for n in names {
                    if !fees_used.contains(&n.node.as_str()) {
                        report("fee", n, out);
                    }
                }
                continue;
            }
            _ => continue,
        };
        if !used {
            report(what, name, out);
        }
    }
}

/// Whether the next definition of a kind is used, counting definitions as they come.
pub(super) fn next(flags: &[bool], i: &mut usize) -> bool {
    let used = flags.get(*i).copied().unwrap_or(true);
    *i += 1;
    used
}

pub(super) fn set(flags: &mut [bool], i: usize) {
    if let Some(f) = flags.get_mut(i) {
        *f = true;
    }
}

pub(super) fn walk_ir(e: &IExpr, f: &mut dyn FnMut(&IExpr)) {
    f(e);
    for c in e.children() {
        walk_ir(c, f);
    }
}
