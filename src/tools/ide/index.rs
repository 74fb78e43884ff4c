//! The symbol index: every place a window, threshold, table, fee, declared fact,
//! rule or standard fact is defined or used, with its span.
//!
//! Built from the AST in one walk. Top-level names (windows, thresholds, tables)
//! share one namespace, as the checker has it, so a bare name in an expression
//! is resolved by looking it up among the file's declarations; `facts.NAME` reads
//! the declared fact NAME; fees and rules have namespaces of their own.

use crate::ast::*;
use crate::language::source::Span;

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A window.
    Window,
    /// A threshold.
    Threshold,
    /// A table.
    Table,
    /// A fee.
    Fee,
    /// A fact declared with `fact NAME: TYPE`, read as `facts.NAME`.
    Fact,
    /// A rule.
    Rule,
    /// A fact of the standard vocabulary (`order.placed_at`), by its path.
    StandardFact,
}

impl SymbolKind {
    /// The word a merchant uses for it.
    pub fn word(self) -> &'static str {
        match self {
            SymbolKind::Window => "window",
            SymbolKind::Threshold => "threshold",
            SymbolKind::Table => "table",
            SymbolKind::Fee => "fee",
            SymbolKind::Fact => "fact",
            SymbolKind::Rule => "rule",
            SymbolKind::StandardFact => "fact",
        }
    }
}

/// One place a symbol appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// What the name stands for.
    pub kind: SymbolKind,
    /// The name (for a standard fact, its path).
    pub name: String,
    /// The name itself (for `facts.NAME`, only NAME).
    pub span: Span,
    /// Whether this is where the name is declared.
    pub is_definition: bool,
}

/// A code compared against a fact somewhere in the file (`claim.reason is defective`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeUse {
    /// The fact, as written (`claim.reason`).
    pub path: String,
    /// The code compared with it.
    pub code: String,
}

/// Every occurrence in a file, in source order.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Every occurrence, sorted by where it starts.
    pub occurrences: Vec<Occurrence>,
    /// Every code compared with a fact.
    pub codes: Vec<CodeUse>,
}

impl Index {
    /// Indexes a parsed file.
    pub fn build(file: &PolicyFile) -> Index {
        let mut b = Builder {
            file,
            index: Index::default(),
        };
        b.file();
        b.index.occurrences.sort_by_key(|o| o.span.start);
        b.index
    }

    /// The occurrence under `offset` (a cursor right after a name is on it).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Where `name` of `kind` is defined.
    pub fn definition(&self, kind: SymbolKind, name: &str) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.is_definition && o.kind == kind && o.name == name)
    }

    /// Every occurrence of `name` of `kind`, the definition included.
    pub fn occurrences_of(&self, kind: SymbolKind, name: &str) -> Vec<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.kind == kind && o.name == name)
            .collect()
    }
}

struct Builder<'f> {
    file: &'f PolicyFile,
    index: Index,
}

impl Builder<'_> {
    fn push(&mut self, kind: SymbolKind, name: &str, span: Span, is_definition: bool) {
        self.index.occurrences.push(Occurrence {
            kind,
            name: name.to_string(),
            span,
            is_definition,
        });
    }

    fn def(&mut self, kind: SymbolKind, name: &Name) {
        self.push(kind, &name.node, name.span, true);
    }

    fn reference(&mut self, kind: SymbolKind, name: &Name) {
        self.push(kind, &name.node, name.span, false);
    }

    /// The kind of a top-level name, from the file's declarations.
    fn top_level(&self, name: &str) -> Option<SymbolKind> {
        self.file.decls.iter().find_map(|d| match d {
            Decl::Window(w) if w.name.node == name => Some(SymbolKind::Window),
            Decl::Threshold(t) if t.name.node == name => Some(SymbolKind::Threshold),
            Decl::Table(t) if t.name.node == name => Some(SymbolKind::Table),
            _ => None,
        })
    }

    /// A path as written: `facts.NAME` reads a declared fact, anything else the vocabulary.
    fn path(&mut self, path: &str, span: Span) {
        match path.strip_prefix("facts.") {
            Some(name) => {
                let start = span.start + "facts.".len();
                self.push(
                    SymbolKind::Fact,
                    name,
                    Span::new(start, start + name.len()),
                    false,
                );
            }
            None => self.push(SymbolKind::StandardFact, path, span, false),
        }
    }

    fn file(&mut self) {
        let file = self.file;
        for d in &file.decls {
            match d {
                Decl::Fact(f) => self.def(SymbolKind::Fact, &f.name),
                Decl::Fees(names) => {
                    for n in names {
                        self.def(SymbolKind::Fee, n);
                    }
                }
                Decl::Window(w) => self.window(w),
                Decl::Threshold(t) => {
                    self.def(SymbolKind::Threshold, &t.name);
                    self.expr(&t.expr);
                }
                Decl::Table(t) => {
                    self.def(SymbolKind::Table, &t.name);
                    self.path(&t.key.node, t.key.span);
                    for r in &t.rows {
                        self.expr(&r.value);
                    }
                    if let Some(e) = &t.default {
                        self.expr(e);
                    }
                }
                Decl::Rules(b) => {
                    for r in b.rules.iter().chain(&b.otherwise) {
                        self.rule(r);
                    }
                }
                Decl::Currency(_)
                | Decl::Effective(_)
                | Decl::Timezone(_)
                | Decl::Calendar(_)
                | Decl::Jurisdictions(_) => {}
            }
        }
    }

    fn window(&mut self, w: &WindowDecl) {
        self.def(SymbolKind::Window, &w.name);
        match &w.shape {
            WindowShape::From { anchor, .. } | WindowShape::UntilEvent(anchor) => {
                for a in anchor {
                    self.path(&a.node, a.span);
                }
            }
            WindowShape::Until(_) | WindowShape::Between(..) => {}
        }
        for e in &w.extensions {
            self.expr(&e.when);
        }
    }

    fn rule(&mut self, r: &Rule) {
        self.def(SymbolKind::Rule, &r.name);
        for e in r.when.iter().chain(&r.unless).chain(&r.refund) {
            self.expr(e);
        }
        for ev in &r.evidence {
            if let Some(e) = &ev.when {
                self.expr(e);
            }
        }
        for d in &r.deductions {
            self.reference(SymbolKind::Fee, &d.fee);
            for e in std::iter::once(&d.amount).chain(&d.cap).chain(&d.when) {
                self.expr(e);
            }
        }
        for f in &r.fees {
            self.reference(SymbolKind::Fee, &f.fee);
            for e in f.amount.iter().chain(&f.when) {
                self.expr(e);
            }
        }
        for w in &r.deadlines {
            self.reference(SymbolKind::Window, w);
        }
    }

    fn codes(&mut self, subject: &Expr, codes: &[Name]) {
        if let ExprKind::Path(p) = &subject.node {
            for c in codes {
                self.index.codes.push(CodeUse {
                    path: p.clone(),
                    code: c.node.clone(),
                });
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::Path(p) => self.path(p, e.span),
            ExprKind::Ref(n) => {
                if let Some(kind) = self.top_level(n) {
                    self.push(kind, n, e.span, false);
                }
            }
            ExprKind::Not(x) | ExprKind::Convert(x, _) => self.expr(x),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Test(x, t) => {
                self.expr(x);
                match t {
                    Test::Within(w) | Test::After(w) | Test::Before(w) => {
                        self.reference(SymbolKind::Window, w)
                    }
                    Test::Between(a, b) => {
                        self.expr(a);
                        self.expr(b);
                    }
                    Test::Compare(_, a) => self.expr(a),
                    Test::Is { codes, .. } | Test::HasAny(codes) | Test::HasAll(codes) => {
                        self.codes(x, codes)
                    }
                    Test::IsSet | Test::IsMissing => {}
                }
            }
            ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::Percent(_)
            | ExprKind::Money { .. }
            | ExprKind::Weight { .. }
            | ExprKind::Date(_) => {}
        }
    }
}
