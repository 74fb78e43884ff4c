//! The tests of a condition (`is`, `is one of`, `has`, `within`, `after`,
//! comparisons) and the windows they read: split from the expression checker.

use super::*;

impl Checker<'_> {
    pub(super) fn test(
        &mut self,
        subject: &Expr,
        test: &Test,
        span: Span,
        env: &Env,
    ) -> Option<Checked> {
        let boolean = |expr| Checked::plain(expr, Ty::Bool, false);
        match test {
            Test::IsSet | Test::IsMissing => {
                let c = self.expr(subject, env)?;
                let fact = match c.expr {
                    IExpr::Fact(f) => Some(f),
                    _ => None,
                };
                let is_set = IExpr::IsSet(Box::new(c.expr));
                let mut out = if matches!(test, Test::IsSet) {
                    boolean(is_set)
                } else {
                    boolean(IExpr::Not(Box::new(is_set)))
                };
                if let Some(f) = fact {
                    if matches!(test, Test::IsSet) {
                        out.when_true.push(f);
                    } else {
                        out.when_false.push(f);
                    }
                }
                Some(out)
            }
            Test::Is { codes, negated } => {
                let c = self.value(subject, env)?;
                let domain = match &c.ty.ty {
                    Ty::Code(d) => d.clone(),
                    Ty::Text => CodeDomain::Free,
                    other => {
                        self.error(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                format!("`is` compares a code, but this is {other}"),
                                subject.span,
                                format!("{other}"),
                            )
                            .with_help(match other {
                                Ty::Codes(_) => "for a list, ask whether it holds a code: `item.tags has final_sale`".to_string(),
                                Ty::Bool => "a condition is tested directly: `(item.condition.used else false)`, or `not (item.condition.used else false)`".to_string(),
                                _ => "compare amounts, weights and dates with `<`, `<=`, `>`, `>=`, `=`".to_string(),
                            }),
                        );
                        return None;
                    }
                };
                let mut ok = true;
                for code in codes {
                    ok &= self.code_in_domain(code, &domain);
                }
                ok.then(|| {
                    boolean(IExpr::Is(
                        Box::new(c.expr),
                        codes.iter().map(|c| c.node.clone()).collect(),
                        *negated,
                    ))
                })
            }
            Test::HasAny(codes) | Test::HasAll(codes) => {
                let c = self.value(subject, env)?;
                let Ty::Codes(domain) = &c.ty.ty else {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!(
                                "`has` asks whether a list holds a code, but this is {}",
                                c.ty.ty
                            ),
                            subject.span,
                            format!("{}", c.ty.ty),
                        )
                        .with_help("for a single code use `is`: `claim.reason is defective`"),
                    );
                    return None;
                };
                let domain = domain.clone();
                let mut ok = true;
                for code in codes {
                    ok &= self.code_in_domain(code, &domain);
                }
                let list = codes.iter().map(|c| c.node.clone()).collect();
                ok.then(|| {
                    boolean(if matches!(test, Test::HasAll(_)) {
                        IExpr::HasAll(Box::new(c.expr), list)
                    } else {
                        IExpr::HasAny(Box::new(c.expr), list)
                    })
                })
            }
            Test::Within(w) | Test::After(w) | Test::Before(w) => {
                let c = self.value(subject, env);
                let idx = self.window_use(w, env, true);
                let (c, idx) = (c?, idx?);
                if c.ty.ty != Ty::Time {
                    self.error(
                        Diagnostic::new(
                            Code::NotAnEvent,
                            format!(
                                "only an event can fall within a window, but this is {}",
                                c.ty.ty
                            ),
                            subject.span,
                            format!("{}", c.ty.ty),
                        )
                        .with_help(format!(
                            "test an event of the claim: `claim.filed_at within {}`",
                            w.node
                        )),
                    );
                    return None;
                }
                let kind = match test {
                    Test::Within(_) => WindowTest::Within,
                    Test::After(_) => WindowTest::After,
                    _ => WindowTest::Before,
                };
                Some(boolean(IExpr::Window(Box::new(c.expr), kind, idx)))
            }
            Test::Between(lo, hi) => {
                let c = self.value(subject, env);
                let l = self.value(lo, env);
                let h = self.value(hi, env);
                let (c, l, h) = (c?, l?, h?);
                self.ordered(&c.ty.ty, subject.span)?;
                self.unify(
                    &c.ty.ty,
                    &l.ty.ty,
                    subject.span,
                    lo.span,
                    "the bounds of `between` are of the same kind as the value",
                )?;
                self.unify(
                    &c.ty.ty,
                    &h.ty.ty,
                    subject.span,
                    hi.span,
                    "the bounds of `between` are of the same kind as the value",
                )?;
                let (s1, lo_e) = self.convert_pair(c.expr.clone(), &c.ty.ty, l.expr, &l.ty.ty);
                let (_, hi_e) = self.convert_pair(c.expr, &c.ty.ty, h.expr, &h.ty.ty);
                Some(boolean(IExpr::Between(
                    Box::new(s1),
                    Box::new(lo_e),
                    Box::new(hi_e),
                )))
            }
            Test::Compare(op, rhs) => {
                let ca = self.value(subject, env);
                let cb = self.value(rhs, env);
                let (ca, cb) = (ca?, cb?);
                if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
                    self.ordered(&ca.ty.ty, subject.span)?;
                }
                if !ca.ty.ty.same_kind(&cb.ty.ty) {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!("{} cannot be compared with {}", ca.ty.ty, cb.ty.ty),
                            span,
                            "this comparison",
                        )
                        .with_label(subject.span, format!("{}", ca.ty.ty))
                        .with_label(rhs.span, format!("{}", cb.ty.ty))
                        .with_help("compare like with like: money with money (`order.total >= USD 130`), weights with weights (`item.weight <= 30 lb`), dates with dates"),
                    );
                    return None;
                }
                if let (Ty::Money(Some(x)), Ty::Money(Some(y))) = (&ca.ty.ty, &cb.ty.ty) {
                    if x != y {
                        let (x, y) = (*x, *y);
                        self.currency_mismatch(&x, &y, subject.span, rhs.span);
                        return None;
                    }
                }
                let (x, y) = self.convert_pair(ca.expr, &ca.ty.ty, cb.expr, &cb.ty.ty);
                Some(boolean(IExpr::Compare(*op, Box::new(x), Box::new(y))))
            }
        }
    }

    pub(super) fn ordered(&mut self, ty: &Ty, span: Span) -> Option<()> {
        match ty {
            Ty::Money(_) | Ty::Weight | Ty::Number | Ty::Percent | Ty::Time => Some(()),
            other => {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("{other} has no order, so it cannot be compared with `<`, `>` or `between`"),
                        span,
                        format!("{other}"),
                    )
                    .with_help("codes are tested with `is` and `is one of (...)`; conditions are used directly"),
                );
                None
            }
        }
    }

    /// Resolves a window used in a test; reports a window whose start may be missing.
    pub(in crate::language::check) fn window_use(
        &mut self,
        w: &ast::Name,
        env: &Env,
        needs_start: bool,
    ) -> Option<usize> {
        let Some((Definition::Window(idx), _)) = self.defined.get(&w.node).cloned() else {
            if matches!(
                self.defined.get(&w.node),
                Some((Definition::Threshold(_) | Definition::Table(_), _))
            ) {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("`{}` is not a window", w.node),
                        w.span,
                        "not a window",
                    )
                    .with_help("`within`, `after` and `before` take a window declared with `window NAME = ...`; a threshold is a condition used on its own: `when free_label`"),
                );
            } else {
                self.unknown_name(&w.node, w.span, "a window");
            }
            return None;
        };
        let info = self.window_info.get(idx)?.clone();
        if info.uses_item {
            self.item_scoped(true, &w.node, w.span, env)?;
        }
        for a in &info.anchors {
            self.reads.insert(*a);
        }
        let narrowed = info.anchors.iter().any(|a| env.set.contains(a));
        if needs_start && info.optional && !narrowed {
            let anchor = info
                .anchors
                .first()
                .map_or_else(|| "its event".to_string(), |a| self.fact_path(*a));
            self.error(
                Diagnostic::new(
                    Code::OptionalNotHandled,
                    format!("the window `{}` depends on `{anchor}`, which a claim may leave out", w.node),
                    w.span,
                    "may have no dates",
                )
                .with_help(format!("say what happens when it is missing: `{anchor} is set and ...` before this test")),
            );
            return None;
        }
        self.windows_read.push(idx);
        Some(idx)
    }
}
