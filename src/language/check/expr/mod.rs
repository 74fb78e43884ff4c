//! Typing expressions: resolving facts and names, narrowing optional facts, and
//! making currency conversions explicit.

use super::ir::{IExpr, WindowTest};
use super::types::{CodeDomain, Ty, TyInfo};
use super::vocab::{self, FactRef};
use super::{Checker, Definition};
use crate::ast::{self, BinOp, CompareOp, Expr, ExprKind, Test};
use crate::language::diagnostic::{did_you_mean, quoted, Code, Diagnostic};
use crate::language::money::{grams_per, Currency};
use crate::language::source::Span;

mod condition_tests;

/// Where an expression is checked: may it read item facts, and which optional
/// facts are known to be set here.
#[derive(Debug, Clone, Default)]
pub(super) struct Env {
    pub item_allowed: bool,
    pub set: Vec<FactRef>,
}

impl Env {
    pub fn with(&self, more: &[FactRef]) -> Env {
        let mut e = self.clone();
        e.set.extend_from_slice(more);
        e
    }
}

/// A checked expression with its type and what it tells about optional facts.
pub(super) struct Checked {
    pub expr: IExpr,
    pub ty: TyInfo,
    /// Facts known to be set when this condition is true.
    pub when_true: Vec<FactRef>,
    /// Facts known to be set when this condition is false.
    pub when_false: Vec<FactRef>,
}

impl Checked {
    fn plain(expr: IExpr, ty: Ty, optional: bool) -> Self {
        Checked {
            expr,
            ty: TyInfo::new(ty, optional),
            when_true: Vec::new(),
            when_false: Vec::new(),
        }
    }
}

impl Checker<'_> {
    /// Checks that a code belongs to a domain; reports it when not.
    pub(super) fn code_in_domain(&mut self, code: &ast::Name, domain: &CodeDomain) -> bool {
        match domain {
            CodeDomain::Free => true,
            CodeDomain::Country => {
                let ok = vocab::COUNTRIES.contains(&code.node.as_str());
                if !ok {
                    let help = match code.node.as_str() {
                        "UK" => "the United Kingdom's ISO 3166-1 code is `GB`".to_string(),
                        "EL" => "Greece's ISO 3166-1 code is `GR`".to_string(),
                        other => match did_you_mean(&other.to_ascii_uppercase(), vocab::COUNTRIES.iter().copied()) {
                            Some(s) if other.len() == 2 => format!("did you mean `{s}`? Countries are ISO 3166-1 alpha-2 codes: US, FR, KR, CN, ..."),
                            _ => "countries are ISO 3166-1 alpha-2 codes in capitals: US, FR, KR, CN, ...".to_string(),
                        },
                    };
                    self.error(
                        Diagnostic::new(
                            Code::UnknownCode,
                            format!("`{}` is not a country code", code.node),
                            code.span,
                            "not an ISO 3166-1 country",
                        )
                        .with_help(help),
                    );
                }
                ok
            }
            _ => {
                let codes = domain.codes().unwrap_or_default();
                if codes.contains(&code.node.as_str()) {
                    return true;
                }
                let mut d = Diagnostic::new(
                    Code::UnknownCode,
                    format!("unknown code `{}`", code.node),
                    code.span,
                    "not one of the codes this fact can hold",
                );
                d = d.with_help(match did_you_mean(&code.node, codes.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the codes are: {}", codes.join(", ")),
                });
                self.error(d);
                false
            }
        }
    }

    /// Resolves a fact path; reports unknown facts and item facts outside item rules.
    pub(super) fn resolve_path(
        &mut self,
        path: &str,
        span: Span,
        env: &Env,
    ) -> Option<(FactRef, TyInfo)> {
        if let Some(name) = path.strip_prefix("facts.") {
            if self.failed_facts.iter().any(|f| f == name) {
                // Its declaration has an error of its own, reported there.
                return None;
            }
            if let Some((Definition::Fact(i), _)) = self.defined.get(path) {
                let i = *i;
                let f = self.facts.get(i)?;
                let optional = f.optional && !env.set.contains(&FactRef::Custom(i));
                return Some((FactRef::Custom(i), TyInfo::new(f.ty.clone(), optional)));
            }
            let names: Vec<&str> = self.facts.iter().map(|f| f.name.as_str()).collect();
            let mut d = Diagnostic::new(
                Code::UnknownFact,
                format!("unknown fact `{path}`"),
                span,
                "no `fact` declaration gives this",
            );
            d = d.with_help(match did_you_mean(name, names) {
                Some(s) => format!("did you mean `facts.{s}`?"),
                None => format!("declare it first: `fact {name}: bool optional` (types: bool, number, money, weight, event, code, codes, text)"),
            });
            self.error(d);
            return None;
        }
        let Some(info) = vocab::lookup(path) else {
            let mut d = Diagnostic::new(
                Code::UnknownFact,
                format!("unknown fact `{path}`"),
                span,
                "not a fact of the claim",
            );
            let paths = vocab::VOCABULARY.iter().map(|f| f.path);
            d = d.with_help(match did_you_mean(path, paths) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "the facts a claim carries are listed in docs/language.md; a policy can declare its own with `fact NAME: TYPE` and read them as `facts.NAME`".into(),
            });
            self.error(d);
            return None;
        };
        if info.fact.is_item_fact() {
            self.item_read = true;
            if !env.item_allowed {
                self.error(
                    Diagnostic::new(
                        Code::ItemOutsideItemRules,
                        format!("`{path}` is a fact of one item, but these rules decide the whole order"),
                        span,
                        "an item fact",
                    )
                    .with_help("read item facts in `rules for KIND { ... }` (each item), or use an order fact such as `order.total`"),
                );
                return None;
            }
        }
        self.reads.insert(info.fact);
        if info.fact == FactRef::WholeBundleClaimed {
            // Worked out from every item's bundle.
            self.reads.insert(FactRef::BundleId);
        }
        let optional = info.optional && !env.set.contains(&info.fact);
        Some((info.fact, TyInfo::new(info.ty.clone(), optional)))
    }

    /// A condition: a definite true-or-false value.
    pub(super) fn cond(&mut self, e: &Expr, env: &Env) -> Option<Checked> {
        let c = self.expr(e, env)?;
        if c.ty.ty != Ty::Bool {
            self.error(
                Diagnostic::new(
                    Code::TypeMismatch,
                    "expected a condition",
                    e.span,
                    format!("this is {}", c.ty.ty),
                )
                .with_help("a condition compares or tests a value: `item.weight <= 30 lb`, `claim.reason is defective`, `claim.filed_at within return_window`"),
            );
            return None;
        }
        self.definite(&c, e)?;
        Some(c)
    }

    /// A value that must be present.
    pub(super) fn value(&mut self, e: &Expr, env: &Env) -> Option<Checked> {
        let c = self.expr(e, env)?;
        self.definite(&c, e)?;
        Some(c)
    }

    fn definite(&mut self, c: &Checked, e: &Expr) -> Option<()> {
        if !c.ty.optional {
            return Some(());
        }
        let what = self.describe_expr(e);
        let plain = what.trim_matches('`');
        let default = match &c.ty.ty {
            Ty::Bool => format!("({plain} else false)"),
            _ => format!("{plain} else ..."),
        };
        // A table without an `otherwise` row, or one whose key a claim may leave out.
        let table_key = match &e.node {
            ExprKind::Ref(n) => match self.defined.get(n) {
                Some((Definition::Table(i), _)) => self
                    .tables
                    .get(*i)
                    .map(|t| (t.default.is_some(), self.fact_path(t.key))),
                _ => None,
            },
            _ => None,
        };
        let (message, help) = match table_key {
            Some((true, key)) => (
                format!("{what} has no value when a claim leaves out `{key}`, and the policy does not say what that means"),
                format!("test the key first: `{key} is set and ...`, or give a default: `({default})`"),
            ),
            Some((false, _)) => (
                format!("{what} has no value when no row matches, and the policy does not say what that means"),
                format!("add an `otherwise: VALUE` row to the table, or give a default: `({default})`"),
            ),
            None => (
                format!("{what} may be missing from a claim, and the policy does not say what that means"),
                format!("say what absence means: `{plain} is set and ...`, `{plain} is missing or ...`, or a default with `else`, such as `{default}`"),
            ),
        };
        self.error(
            Diagnostic::new(Code::OptionalNotHandled, message, e.span, "may be missing")
                .with_help(help),
        );
        None
    }

    /// `30 pounds`: a unit of weight Clause does not know.
    fn unknown_unit(&mut self, unit: &ast::Name) {
        let d = Diagnostic::new(
            Code::UnknownUnit,
            format!("unknown unit `{}`", unit.node),
            unit.span,
            "not a unit of weight Clause knows",
        );
        let spelled = match unit.node.as_str() {
            "pound" | "pounds" | "lbs" => Some("lb"),
            "kilo" | "kilos" | "kilogram" | "kilograms" | "kgs" => Some("kg"),
            "gram" | "grams" => Some("g"),
            "ounce" | "ounces" => Some("oz"),
            _ => did_you_mean(&unit.node, crate::language::syntax::WEIGHT_UNITS),
        };
        let help = match spelled {
            Some(s) => format!("did you mean `{s}`? Weights are written in g, kg, oz or lb"),
            None if ["day", "days", "hours", "months", "weeks"].contains(&unit.node.as_str()) => {
                "spans of time belong in a `window` declaration: `window name = 30 days from order.delivered_at`".to_string()
            }
            None => "weights are written in g, kg, oz or lb, for example `30 lb`".to_string(),
        };
        self.error(d.with_help(help));
    }

    fn describe_expr(&self, e: &Expr) -> String {
        match &e.node {
            ExprKind::Path(p) => format!("`{p}`"),
            ExprKind::Ref(n) => format!("`{n}`"),
            _ => self
                .source
                .text
                .get(e.span.start..e.span.end)
                .map_or_else(|| "this value".to_string(), |s| format!("`{s}`")),
        }
    }

    /// Types an expression.
    pub(super) fn expr(&mut self, e: &Expr, env: &Env) -> Option<Checked> {
        match &e.node {
            ExprKind::Bool(b) => Some(Checked::plain(IExpr::Bool(*b), Ty::Bool, false)),
            ExprKind::Number(n) => Some(Checked::plain(IExpr::Number(*n), Ty::Number, false)),
            ExprKind::Percent(p) => Some(Checked::plain(IExpr::Percent(*p), Ty::Percent, false)),
            ExprKind::Money { currency, amount } => {
                let c = self.currency_code(currency)?;
                Some(Checked::plain(
                    IExpr::Money(*amount, c),
                    Ty::Money(Some(c)),
                    false,
                ))
            }
            ExprKind::Weight { value, unit } => {
                let Some(grams) = grams_per(&unit.node) else {
                    self.unknown_unit(unit);
                    return None;
                };
                let g = value.checked_mul(grams)?;
                Some(Checked::plain(IExpr::Weight(g), Ty::Weight, false))
            }
            ExprKind::Date(d) => Some(Checked::plain(IExpr::Date(*d), Ty::Time, false)),
            ExprKind::Path(p) => {
                let (fact, info) = self.resolve_path(p, e.span, env)?;
                Some(Checked::plain(IExpr::Fact(fact), info.ty, info.optional))
            }
            ExprKind::Ref(name) => self.reference(name, e.span, env),
            ExprKind::Not(inner) => {
                let c = self.cond(inner, env)?;
                Some(Checked {
                    expr: IExpr::Not(Box::new(c.expr)),
                    ty: c.ty,
                    when_true: c.when_false,
                    when_false: c.when_true,
                })
            }
            ExprKind::Binary(BinOp::And, a, b) => {
                let ca = self.cond(a, env);
                let env2 = env.with(ca.as_ref().map_or(&[][..], |c| &c.when_true));
                let cb = self.cond(b, &env2);
                let (ca, cb) = (ca?, cb?);
                let mut when_true = ca.when_true;
                when_true.extend(cb.when_true);
                Some(Checked {
                    expr: IExpr::And(Box::new(ca.expr), Box::new(cb.expr)),
                    ty: TyInfo::new(Ty::Bool, false),
                    when_true,
                    when_false: Vec::new(),
                })
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                let ca = self.cond(a, env);
                let env2 = env.with(ca.as_ref().map_or(&[][..], |c| &c.when_false));
                let cb = self.cond(b, &env2);
                let (ca, cb) = (ca?, cb?);
                let mut when_false = ca.when_false;
                when_false.extend(cb.when_false);
                Some(Checked {
                    expr: IExpr::Or(Box::new(ca.expr), Box::new(cb.expr)),
                    ty: TyInfo::new(Ty::Bool, false),
                    when_true: Vec::new(),
                    when_false,
                })
            }
            ExprKind::Binary(BinOp::Else, a, b) => {
                let ca = self.expr(a, env);
                let cb = self.expr(b, env);
                let (ca, cb) = (ca?, cb?);
                let ty = self.unify(
                    &ca.ty.ty,
                    &cb.ty.ty,
                    a.span,
                    b.span,
                    "`else` gives a default of the same kind",
                )?;
                let (x, y) = self.convert_pair(ca.expr, &ca.ty.ty, cb.expr, &cb.ty.ty);
                Some(Checked::plain(
                    IExpr::Else(Box::new(x), Box::new(y)),
                    ty,
                    cb.ty.optional,
                ))
            }
            ExprKind::Binary(op, a, b) => self.arith(*op, a, b, e.span, env),
            ExprKind::Convert(inner, cur) => {
                let c = self.value(inner, env)?;
                let to = self.currency_code(cur)?;
                if !matches!(c.ty.ty, Ty::Money(_)) {
                    self.error(Diagnostic::new(
                        Code::TypeMismatch,
                        "only money can be converted to another currency",
                        inner.span,
                        format!("this is {}", c.ty.ty),
                    ));
                    return None;
                }
                Some(Checked::plain(
                    IExpr::Convert(Box::new(c.expr), to),
                    Ty::Money(Some(to)),
                    false,
                ))
            }
            ExprKind::Test(subject, test) => self.test(subject, test, e.span, env),
        }
    }

    fn reference(&mut self, name: &str, span: Span, env: &Env) -> Option<Checked> {
        if let Some(info) = vocab::lookup(name) {
            // `as_of` and `claim_id` stand at the top of a claim, without a dot.
            self.reads.insert(info.fact);
            return Some(Checked::plain(
                IExpr::Fact(info.fact),
                info.ty.clone(),
                info.optional,
            ));
        }
        match self.defined.get(name).map(|d| d.0.clone()) {
            Some(Definition::Threshold(i)) => {
                let (ty, item) = self.threshold_info.get(i)?.clone();
                if let Some(ws) = self.threshold_windows.get(i) {
                    self.windows_read.extend(ws);
                }
                self.item_scoped(item, name, span, env)?;
                let (when_true, when_false) =
                    self.threshold_facts.get(i).cloned().unwrap_or_default();
                Some(Checked {
                    when_true,
                    when_false,
                    ..Checked::plain(IExpr::Threshold(i), ty.ty, ty.optional)
                })
            }
            Some(Definition::Table(i)) => {
                let (ty, item, key) = self.table_info.get(i)?.clone();
                self.item_scoped(item, name, span, env)?;
                let key_missing = key.is_some_and(|k| !env.set.contains(&k));
                Some(Checked::plain(
                    IExpr::Table(i),
                    ty.ty,
                    ty.optional || key_missing,
                ))
            }
            Some(Definition::Window(_)) => {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("`{name}` is a window, not a value"),
                        span,
                        "a window",
                    )
                    .with_help(format!("test an event against it: `claim.filed_at within {name}` (or `after`, `before`)")),
                );
                None
            }
            Some(Definition::Fact(_)) | None => {
                if let Some(fact) = self.fact_holding_code(name) {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!("`{name}` is a code, and a code is not a value on its own"),
                            span,
                            "a code",
                        )
                        .with_help(format!(
                            "test a code with `is`: `{fact} is {name}`, or `{fact} is one of ({name}, ...)`; codes have no order, so `<`, `>=` and `=` do not apply"
                        )),
                    );
                } else if self.facts.iter().any(|f| f.name == name) {
                    self.error(
                        Diagnostic::new(
                            Code::UnknownName,
                            format!("unknown name `{name}`"),
                            span,
                            "not a name of this policy",
                        )
                        .with_help(format!("custom facts are read as `facts.{name}`")),
                    );
                } else {
                    self.unknown_name(name, span, "a threshold or table");
                }
                None
            }
        }
    }

    /// The path a fact is written with: `order.delivered_at`, `facts.warranty_ends`.
    pub(super) fn fact_path(&self, f: FactRef) -> String {
        match f {
            FactRef::Custom(i) => self
                .facts
                .get(i)
                .map_or_else(|| "facts".to_string(), |c| format!("facts.{}", c.name)),
            other => vocab::path_of(other).to_string(),
        }
    }

    /// A fact whose closed list of codes holds `code`, for help on a code used as a value.
    fn fact_holding_code(&self, code: &str) -> Option<String> {
        for f in vocab::VOCABULARY {
            if let Ty::Code(CodeDomain::Fixed(list)) | Ty::Codes(CodeDomain::Fixed(list)) = &f.ty {
                if list.contains(&code) {
                    return Some(f.path.to_string());
                }
            }
        }
        self.facts.iter().find_map(|f| match &f.ty {
            Ty::Code(CodeDomain::Declared(list)) | Ty::Codes(CodeDomain::Declared(list))
                if list.iter().any(|c| c == code) =>
            {
                Some(format!("facts.{}", f.name))
            }
            _ => None,
        })
    }

    fn item_scoped(&mut self, item: bool, name: &str, span: Span, env: &Env) -> Option<()> {
        if item {
            self.item_read = true;
            if !env.item_allowed {
                self.error(
                    Diagnostic::new(
                        Code::ItemOutsideItemRules,
                        format!("`{name}` reads facts of one item, but these rules decide the whole order"),
                        span,
                        "reads item facts",
                    )
                    .with_help("use it in `rules for KIND { ... }` (each item)"),
                );
                return None;
            }
        }
        Some(())
    }

    pub(super) fn unknown_name(&mut self, name: &str, span: Span, what: &str) {
        if let Some(decl) = self.declared_later.get(name).copied() {
            if self.defining == Some(decl) {
                self.error(
                    Diagnostic::new(
                        Code::UnknownName,
                        format!("{} is used in its own definition", quoted(name)),
                        span,
                        "used here",
                    )
                    .with_label(decl, "defined here")
                    .with_help("a window, threshold or table cannot use itself: write it from the claim's facts and the names declared above it"),
                );
                return;
            }
            if decl.start < span.start {
                // Declared above, with errors of its own that are already reported there.
                return;
            }
            self.error(
                Diagnostic::new(
                    Code::UnknownName,
                    format!("{} is used before it is declared", quoted(name)),
                    span,
                    "used here",
                )
                .with_label(decl, "declared later here")
                .with_help("windows, thresholds and tables may use only those declared above them; move the declaration up"),
            );
            return;
        }
        let money_like = name.len() > 3
            && name
                .get(..3)
                .is_some_and(|c| c.chars().all(|x| x.is_ascii_uppercase()))
            && name
                .get(3..)
                .is_some_and(|n| n.chars().all(|x| x.is_ascii_digit() || x == '.'));
        if money_like {
            let (cur, amount) = name.split_at(3);
            self.error(
                Diagnostic::new(Code::UnknownName, format!("unknown name {}", quoted(name)), span, "not a name of this policy")
                    .with_help(format!("did you mean {}? Money is written with a space between the currency and the amount", quoted(&format!("{cur} {amount}")))),
            );
            return;
        }
        let names: Vec<&str> = self
            .defined
            .keys()
            .filter(|k| !k.starts_with("facts."))
            .map(String::as_str)
            .collect();
        let mut d = Diagnostic::new(
            Code::UnknownName,
            format!("unknown name {}", quoted(name)),
            span,
            format!("not {what} of this policy"),
        );
        d = d.with_help(match did_you_mean(name, names) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "declare it with `window`, `threshold` or `table` before this point; facts of the claim are written with their full path, such as `order.total`".into(),
        });
        self.error(d);
    }

    /// Two types that must agree (for `else`, `between`, table rows); returns the result type.
    fn unify(&mut self, a: &Ty, b: &Ty, sa: Span, sb: Span, why: &str) -> Option<Ty> {
        match (a, b) {
            (Ty::Money(Some(x)), Ty::Money(Some(y))) if x != y => {
                self.currency_mismatch(x, y, sa, sb);
                None
            }
            (Ty::Money(x), Ty::Money(y)) => Some(Ty::Money(x.or(*y))),
            _ if a.same_kind(b) => Some(a.clone()),
            _ => {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("{a} and {b} cannot be used together here"),
                        sb,
                        format!("this is {b}"),
                    )
                    .with_label(sa, format!("this is {a}"))
                    .with_help(why.to_string()),
                );
                None
            }
        }
    }

    fn currency_mismatch(&mut self, x: &Currency, y: &Currency, sa: Span, sb: Span) {
        self.error(
            Diagnostic::new(
                Code::CurrencyMismatch,
                format!("{x} and {y} are used together without a conversion"),
                sb,
                format!("money in {y}"),
            )
            .with_label(sa, format!("money in {x}"))
            .with_help(format!(
                "convert one side with the claim's exchange rates: `... in {x}`"
            )),
        );
    }

    /// Wraps the side whose currency is the claim's in a conversion to the other side's fixed currency.
    fn convert_pair(&self, a: IExpr, ta: &Ty, b: IExpr, tb: &Ty) -> (IExpr, IExpr) {
        match (ta, tb) {
            (Ty::Money(Some(c)), Ty::Money(None)) => (a, IExpr::Convert(Box::new(b), *c)),
            (Ty::Money(None), Ty::Money(Some(c))) => (IExpr::Convert(Box::new(a), *c), b),
            _ => (a, b),
        }
    }

    fn arith(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span, env: &Env) -> Option<Checked> {
        let ca = self.value(a, env);
        let cb = self.value(b, env);
        let (ca, cb) = (ca?, cb?);
        let (ta, tb) = (ca.ty.ty.clone(), cb.ty.ty.clone());
        let result = match (op, &ta, &tb) {
            (BinOp::Add | BinOp::Sub, Ty::Money(_), Ty::Money(_)) => {
                self.unify(&ta, &tb, a.span, b.span, "")?
            }
            (BinOp::Add | BinOp::Sub, Ty::Number, Ty::Number)
            | (BinOp::Add | BinOp::Sub, Ty::Weight, Ty::Weight)
            | (BinOp::Add | BinOp::Sub, Ty::Percent, Ty::Percent) => ta.clone(),
            (BinOp::Mul, Ty::Money(_), Ty::Number | Ty::Percent) => ta.clone(),
            (BinOp::Mul, Ty::Number | Ty::Percent, Ty::Money(_)) => tb.clone(),
            (BinOp::Mul, Ty::Weight, Ty::Number) => Ty::Weight,
            (BinOp::Mul, Ty::Number, Ty::Weight) => Ty::Weight,
            (BinOp::Mul, Ty::Number, Ty::Number) => Ty::Number,
            (BinOp::Mul, Ty::Number, Ty::Percent) | (BinOp::Mul, Ty::Percent, Ty::Number) => {
                Ty::Number
            }
            _ => {
                let verb = match op {
                    BinOp::Add => "added to",
                    BinOp::Sub => "subtracted from",
                    _ => "multiplied by",
                };
                let (first, second) = if op == BinOp::Sub {
                    (&tb, &ta)
                } else {
                    (&ta, &tb)
                };
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("{first} cannot be {verb} {second}"),
                        span,
                        "this calculation",
                    )
                    .with_label(a.span, format!("{ta}"))
                    .with_label(b.span, format!("{tb}"))
                    .with_help("money adds to money in the same currency, and is multiplied by a number or a percentage; weights add to weights"),
                );
                return None;
            }
        };
        let (x, y) = self.convert_pair(ca.expr, &ta, cb.expr, &tb);
        let expr = match op {
            BinOp::Add => IExpr::Add(Box::new(x), Box::new(y)),
            BinOp::Sub => IExpr::Sub(Box::new(x), Box::new(y)),
            _ => IExpr::Mul(Box::new(x), Box::new(y)),
        };
        // Arithmetic on constants alone overflows for every claim: say so now.
        if let IExpr::Add(x, y) | IExpr::Sub(x, y) | IExpr::Mul(x, y) = &expr {
            if constant(x).is_some() && constant(y).is_some() && constant(&expr).is_none() {
                self.error(
                    Diagnostic::new(
                        Code::InvalidNumber,
                        format!(
                            "this calculation on constants overflows: its result lies beyond ±{}, the largest amount Clause calculates with",
                            rust_decimal::Decimal::MAX
                        ),
                        span,
                        "overflows",
                    )
                    .with_help("check the numbers: every claim would be refused with an overflow here"),
                );
                return None;
            }
        }
        Some(Checked::plain(expr, result, false))
    }
}

/// The value of an expression made of literals and arithmetic alone, as the
/// evaluator would compute it; `None` when it reads a claim or overflows.
fn constant(e: &IExpr) -> Option<rust_decimal::Decimal> {
    match e {
        IExpr::Number(n) | IExpr::Percent(n) | IExpr::Money(n, _) | IExpr::Weight(n) => Some(*n),
        IExpr::Add(a, b) => constant(a)?.checked_add(constant(b)?),
        IExpr::Sub(a, b) => constant(a)?.checked_sub(constant(b)?),
        IExpr::Mul(a, b) => constant(a)?.checked_mul(constant(b)?),
        _ => None,
    }
}
