//! Pass 2: windows, thresholds and tables, in file order. Each may use only the
//! definitions above it, so none can refer to itself.

use super::expr::{Checked, Env};
use super::ir::{self, ExtendTo, WindowShape};
use super::types::{Ty, TyInfo};
use super::vocab::FactRef;
use super::{Checker, Definition, WindowInfo};
use crate::ast::{self, DayEdge, TimeUnit};
use crate::language::diagnostic::{Code, Diagnostic};
use crate::language::source::Span;

const MAX_WINDOW_COUNT: u32 = 3650;

impl Checker<'_> {
    /// Pass 2: windows, thresholds and tables in file order.
    pub(super) fn definitions(&mut self, file: &ast::PolicyFile) {
        for decl in &file.decls {
            match decl {
                ast::Decl::Window(w) => {
                    self.defining = Some(w.name.span);
                    self.window(w);
                }
                ast::Decl::Threshold(t) => {
                    self.defining = Some(t.name.span);
                    self.threshold(t);
                }
                ast::Decl::Table(t) => {
                    self.defining = Some(t.name.span);
                    self.table(t);
                }
                _ => {}
            }
            self.defining = None;
        }
    }

    /// How deep `e` goes, counting through the thresholds and tables it uses.
    /// The recursion is over one condition's tree, which the parser bounds.
    pub(super) fn expr_depth(&self, e: &ir::IExpr) -> usize {
        match e {
            ir::IExpr::Threshold(i) => self.threshold_depth.get(*i).copied().unwrap_or(1),
            ir::IExpr::Table(i) => self.table_depth.get(*i).copied().unwrap_or(1),
            _ => {
                1 + e
                    .children()
                    .into_iter()
                    .map(|c| self.expr_depth(c))
                    .max()
                    .unwrap_or(0)
            }
        }
    }

    /// The depth of a threshold's expression, with a diagnostic past [`super::MAX_DEPTH`].
    fn limit_depth(&mut self, e: &ir::IExpr, name: &ast::Name, what: &str) -> usize {
        let depth = self.expr_depth(e);
        self.depth_within_limit(depth, name, what)
    }

    /// Reports a definition deeper than [`super::MAX_DEPTH`]; the depth recorded
    /// for it is then 1, so that each further stretch of the chain is reported
    /// once, not every definition after it.
    fn depth_within_limit(&mut self, depth: usize, name: &ast::Name, what: &str) -> usize {
        if depth <= super::MAX_DEPTH {
            return depth;
        }
        self.error(
            Diagnostic::new(
                Code::TooComplex,
                format!(
                    "the {what} `{}` is built from a chain of definitions {depth} levels deep; at most {} are allowed",
                    name.node,
                    super::MAX_DEPTH
                ),
                name.span,
                "too deep",
            )
            .with_help("write the condition with fewer intermediate names: each threshold that uses another adds a level"),
        );
        1
    }

    fn define(&mut self, name: &ast::Name, def: Definition) {
        self.defined.insert(name.node.clone(), (def, name.span));
    }

    fn window(&mut self, w: &ast::WindowDecl) {
        self.item_read = false;
        let env = Env {
            item_allowed: true,
            set: Vec::new(),
        };
        let mut anchors = Vec::new();
        let mut optional = false;
        let mut ok = true;
        let day_based;
        let shape = match &w.shape {
            ast::WindowShape::From { duration, anchor } => {
                let count = self.duration_count(duration);
                (anchors, optional, ok) = self.anchors(anchor, &env, "start from");
                if duration.unit == TimeUnit::Hours && w.plain_dates.is_none() {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidWindow,
                            format!("the window `{}` counts hours but does not say how to read a plain date", w.name.node),
                            duration.span,
                            "an hour-based window",
                        )
                        .with_help("a claim may give only the day of an event (\"2023-11-16\"); add `, plain dates at start of day` or `, plain dates at end of day`"),
                    );
                }
                day_based = duration.unit != TimeUnit::Hours;
                WindowShape::From {
                    count: count.unwrap_or(0),
                    unit: duration.unit,
                    anchor: anchors.clone(),
                }
            }
            ast::WindowShape::Until(d) => {
                day_based = true;
                WindowShape::Until(d.node)
            }
            ast::WindowShape::UntilEvent(anchor) => {
                day_based = true;
                (anchors, optional, ok) = self.anchors(anchor, &env, "end at");
                WindowShape::UntilEvent(anchors.clone())
            }
            ast::WindowShape::Between(a, b) => {
                day_based = true;
                if b.node < a.node {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidWindow,
                            format!("the window `{}` ends before it starts", w.name.node),
                            b.span,
                            "this end",
                        )
                        .with_label(a.span, "comes before this start")
                        .with_help(
                            "write the earlier date first: `between 2023-11-01 and 2023-12-31`",
                        ),
                    );
                }
                WindowShape::Between(a.node, b.node)
            }
        };
        if w.roll_forward && !day_based {
            self.error(
                Diagnostic::new(
                    Code::InvalidWindow,
                    format!("the window `{}` counts hours, so it cannot be rolled forward to a business day", w.name.node),
                    w.name.span,
                    "an hour-based window",
                )
                .with_help("roll forward a window that counts days: `7 days from order.delivered_at, rolled forward to a business day`"),
            );
        }
        let mut extensions = Vec::new();
        for ext in &w.extensions {
            let to = match &ext.to {
                ast::ExtendTo::Date(d) => Some(ExtendTo::Date(d.node)),
                ast::ExtendTo::By(duration) => {
                    if duration.unit == TimeUnit::Hours || !day_based {
                        self.error(
                            Diagnostic::new(
                                Code::InvalidWindow,
                                "a window can be extended only by days, business days, weeks or months, and only when it counts days",
                                duration.span,
                                "this extension",
                            )
                            .with_help("extend a day-based window: `extended by 10 days when ...`"),
                        );
                        None
                    } else {
                        self.duration_count(duration)
                            .map(|n| ExtendTo::Days(n, duration.unit))
                    }
                }
            };
            if let (Some(to), Some(when)) = (to, self.cond(&ext.when, &env)) {
                extensions.push(ir::WindowExtension {
                    to,
                    when: when.expr,
                });
            }
        }
        let uses_item = self.item_read;
        let idx = self.windows.len();
        if ok {
            self.windows.push(ir::Window {
                name: w.name.node.as_str().into(),
                span: w.span,
                shape,
                extensions,
                roll_forward: w.roll_forward,
                plain_dates: w.plain_dates.unwrap_or(DayEdge::Start),
            });
            self.window_info.push(WindowInfo {
                anchors,
                optional,
                uses_item,
            });
            self.define(&w.name, Definition::Window(idx));
        }
    }

    /// Resolves the events a window is anchored on (`A else B`): their facts,
    /// whether all of them may be missing, and whether all resolved as events.
    fn anchors(
        &mut self,
        anchor: &[ast::Name],
        env: &Env,
        verb: &str,
    ) -> (Vec<FactRef>, bool, bool) {
        let mut facts = Vec::new();
        let mut optional = true;
        let mut ok = true;
        for a in anchor {
            let Some((fact, info)) = self.resolve_path(&a.node, a.span, env) else {
                ok = false;
                continue;
            };
            if info.ty != Ty::Time {
                ok = false;
                self.error(
                    Diagnostic::new(
                        Code::NotAnEvent,
                        format!("a window cannot {verb} `{}`", a.node),
                        a.span,
                        format!("this is {}, not an event", info.ty),
                    )
                    .with_help("windows start from an event of the claim, such as `order.delivered_at`, `order.invoiced_at` or `claim.return_label_issued_at`"),
                );
            }
            optional = optional && info.optional;
            facts.push(fact);
        }
        (facts, optional, ok)
    }

    fn duration_count(&mut self, d: &ast::Duration) -> Option<u32> {
        let n = d.count.node;
        let whole = n.fract().is_zero();
        let value: Option<u32> = if whole {
            rust_decimal::prelude::ToPrimitive::to_u32(&n)
        } else {
            None
        };
        match value {
            Some(v) if v <= MAX_WINDOW_COUNT => Some(v),
            _ => {
                self.error(
                    Diagnostic::new(
                        Code::InvalidWindow,
                        format!("`{}` is not a usable length for a window", d.count.node),
                        d.count.span,
                        "here",
                    )
                    .with_help(format!("a window is a whole number of days, business days, hours, weeks or months, at most {MAX_WINDOW_COUNT}")),
                );
                None
            }
        }
    }

    fn threshold(&mut self, t: &ast::ThresholdDecl) {
        self.item_read = false;
        self.windows_read.clear();
        let env = Env {
            item_allowed: true,
            set: Vec::new(),
        };
        if let Some(c) = self.cond(&t.expr, &env) {
            let idx = self.thresholds.len();
            let depth = self.limit_depth(&c.expr, &t.name, "threshold");
            self.threshold_depth.push(depth);
            self.thresholds.push(ir::Threshold {
                name: t.name.node.clone(),
                expr: c.expr,
            });
            self.threshold_info.push((c.ty, self.item_read));
            // `threshold t = X is set and ...` shows X set wherever `t` holds.
            self.threshold_facts.push((c.when_true, c.when_false));
            // A rule that reads this threshold reads its windows too (for its deadlines).
            self.threshold_windows.push(self.windows_read.take());
            self.define(&t.name, Definition::Threshold(idx));
        }
    }

    fn table(&mut self, t: &ast::TableDecl) {
        self.item_read = false;
        let env = Env {
            item_allowed: true,
            set: Vec::new(),
        };
        let Some((key, key_info)) = self.resolve_path(&t.key.node, t.key.span, &env) else {
            return;
        };
        let domain = match &key_info.ty {
            Ty::Code(d) => Some(d.clone()),
            other => {
                self.error(
                    Diagnostic::new(
                        Code::InvalidTable,
                        format!("a table cannot be looked up by `{}`", t.key.node),
                        t.key.span,
                        format!("this is {other}, not a code"),
                    )
                    .with_help("tables are keyed by a code such as `order.destination.country` or `claim.reason`"),
                );
                None
            }
        };
        let mut rows = Vec::new();
        let mut value_ty: Option<(Ty, Span)> = None;
        let mut seen: Vec<(String, Span)> = Vec::new();
        let mut ok = domain.is_some();
        for row in &t.rows {
            for k in &row.keys {
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == k.node) {
                    let first = *first;
                    self.duplicate(&k.node, "a table key", k.span, first);
                    ok = false;
                }
                seen.push((k.node.clone(), k.span));
                if let Some(d) = &domain {
                    if !self.code_in_domain(k, d) {
                        ok = false;
                    }
                }
            }
            match self.value(&row.value, &env) {
                Some(v) => {
                    self.table_value_type(&mut value_ty, &v, row.value.span, &mut ok);
                    rows.push((row.keys.iter().map(|k| k.node.clone()).collect(), v.expr));
                }
                None => ok = false,
            }
        }
        let default = match &t.default {
            Some(e) => match self.value(e, &env) {
                Some(v) => {
                    self.table_value_type(&mut value_ty, &v, e.span, &mut ok);
                    Some(v.expr)
                }
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let Some((ty, _)) = value_ty else {
            if ok {
                self.error(
                    Diagnostic::new(
                        Code::InvalidTable,
                        format!("the table `{}` has no rows", t.name.node),
                        t.name.span,
                        "empty table",
                    )
                    .with_help("give at least one row: `US, MO: USD 130`"),
                );
            }
            return;
        };
        if ok {
            let idx = self.tables.len();
            let optional = default.is_none();
            let depth = rows
                .iter()
                .map(|(_, e)| e)
                .chain(&default)
                .map(|e| self.expr_depth(e))
                .max()
                .unwrap_or(1);
            let depth = self.depth_within_limit(depth, &t.name, "table");
            self.table_depth.push(depth);
            self.tables.push(ir::Table {
                name: t.name.node.clone(),
                key,
                rows,
                default,
            });
            // A key the claim leaves out matches no row and not the `otherwise` row
            // either: the use must then say what absence means, unless it has
            // already tested the key (`order.destination.country is set`).
            let key_optional = key_info.optional.then_some(key);
            self.table_info
                .push((TyInfo::new(ty, optional), self.item_read, key_optional));
            self.define(&t.name, Definition::Table(idx));
        }
    }

    fn table_value_type(
        &mut self,
        slot: &mut Option<(Ty, Span)>,
        v: &Checked,
        span: Span,
        ok: &mut bool,
    ) {
        match slot {
            None => *slot = Some((v.ty.ty.clone(), span)),
            Some((ty, first)) => {
                if !ty.same_kind(&v.ty.ty) || (matches!(ty, Ty::Money(Some(_))) && *ty != v.ty.ty) {
                    let (ty, first) = (ty.clone(), *first);
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            "the rows of a table must all hold the same kind of value",
                            span,
                            format!("this is {}", v.ty.ty),
                        )
                        .with_label(first, format!("this is {ty}"))
                        .with_help("every row of a table gives the same kind of value, for example money in one currency"),
                    );
                    *ok = false;
                }
            }
        }
    }
}
