//! Pass 3: rule blocks, rules and their outcomes.

use super::expr::Env;
use super::ir::{CheckedDeduction, CheckedFee, CheckedRule, IExpr, RuleBlock};
use super::types::{CodeDomain, Ty};
use super::vocab;
use super::Checker;
use crate::ast::{self, Decision, Scope};
use crate::language::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::language::source::Span;

impl Checker<'_> {
    pub(super) fn rule_blocks(&mut self, file: &ast::PolicyFile) -> Vec<RuleBlock> {
        let mut blocks = Vec::new();
        let mut kinds: Vec<(String, Span)> = Vec::new();
        let mut rule_names: std::collections::HashMap<String, Span> =
            std::collections::HashMap::new();
        for decl in &file.decls {
            let ast::Decl::Rules(block) = decl else {
                continue;
            };
            let kind = &block.kind;
            if !vocab::CLAIM_KINDS.contains(&kind.node.as_str()) {
                let mut d = Diagnostic::new(
                    Code::UnknownClaimKind,
                    format!("unknown claim kind `{}`", kind.node),
                    kind.span,
                    "not a kind of claim",
                );
                d = d.with_help(
                    match did_you_mean(&kind.node, vocab::CLAIM_KINDS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("claim kinds: {}", vocab::CLAIM_KINDS.join(", ")),
                    },
                );
                self.error(d);
            }
            if let Some((_, first)) = kinds.iter().find(|(k, _)| *k == kind.node) {
                let first = *first;
                self.duplicate(
                    &kind.node,
                    "the rules for one kind of claim",
                    kind.span,
                    first,
                );
            }
            kinds.push((kind.node.clone(), kind.span));
            let mut rules = Vec::new();
            // Facts known to be set because an earlier rule took every claim where they are missing.
            let mut known: Vec<vocab::FactRef> = Vec::new();
            for r in block.rules.iter().chain(block.otherwise.iter()) {
                if let Some(first) = rule_names.get(&r.name.node) {
                    let first = *first;
                    self.duplicate(&r.name.node, "a rule name", r.name.span, first);
                }
                rule_names.entry(r.name.node.clone()).or_insert(r.name.span);
                if let Some(c) = self.rule(r, &kind.node, block.scope, &mut known) {
                    rules.push(c);
                }
            }
            if block.rules.is_empty() && block.otherwise.is_none() {
                self.error(
                    Diagnostic::new(
                        Code::MissingSetting,
                        format!("the rules for {} are empty", kind.node),
                        kind.span,
                        "no rule decides these claims",
                    )
                    .with_help("add a rule, or remove the block: a claim of a kind the policy has no rules for is sent to review"),
                );
            }
            let otherwise = if block.otherwise.is_some() && rules.len() == block.rules.len() + 1 {
                rules.pop()
            } else {
                None
            };
            blocks.push(RuleBlock {
                kind: kind.node.clone(),
                scope: block.scope,
                span: block.span,
                rules,
                otherwise,
            });
        }
        if kinds.is_empty() {
            self.error(
                Diagnostic::new(
                    Code::MissingSetting,
                    "the policy has no rules",
                    file.name.span,
                    "this policy decides nothing",
                )
                .with_help(
                    "add `rules for return { ... }` (or cancellation, delivery_issue, shipping)",
                ),
            );
        }
        blocks
    }

    /// Checks one rule. `known` holds the facts earlier rules of the block have
    /// shown to be set: a rule with a single `when` and no `unless` takes every
    /// claim its condition holds for, so the rules after it see only claims where
    /// the condition is false (`when order.delivered_at is missing` makes
    /// `order.delivered_at` set for every later rule).
    fn rule(
        &mut self,
        r: &ast::Rule,
        kind: &str,
        scope: Scope,
        known: &mut Vec<vocab::FactRef>,
    ) -> Option<CheckedRule> {
        let errors_before = self.diags.len();
        let mut env = Env {
            item_allowed: scope == Scope::EachItem,
            set: known.clone(),
        };
        self.windows_read.clear();
        let mut when = Vec::new();
        let mut when_false = Vec::new();
        for w in &r.when {
            if let Some(c) = self.cond(w, &env) {
                env.set.extend(c.when_true.iter().copied());
                when_false = c.when_false;
                when.push(c.expr);
            }
        }
        if r.when.len() == 1 && r.unless.is_empty() {
            known.extend(when_false);
        }
        let mut unless = Vec::new();
        for u in &r.unless {
            if let Some(c) = self.cond(u, &env) {
                unless.push(c.expr);
            }
        }
        let mut deadlines = self.windows_read.take();
        // A deadline whose window has no start in a claim is left out of that verdict.
        for d in &r.deadlines {
            if let Some(idx) = self.window_use(d, &env, false) {
                deadlines.push(idx);
            }
        }
        self.windows_read.clear();
        let mut seen = Vec::new();
        deadlines.retain(|d| {
            let fresh = !seen.contains(d);
            seen.push(*d);
            fresh
        });

        let mut evidence = Vec::new();
        if !r.evidence.is_empty() {
            self.reads.insert(vocab::FactRef::Evidence);
        }
        if r.as_requested {
            self.reads.insert(vocab::FactRef::RequestedRemedy);
        }
        for req in &r.evidence {
            let domain = CodeDomain::Fixed(vocab::EVIDENCE);
            let mut codes = Vec::new();
            for c in &req.codes {
                if self.code_in_domain(c, &domain) {
                    codes.push(c.node.as_str().into());
                }
            }
            let cond = req
                .when
                .as_ref()
                .and_then(|w| self.cond(w, &env))
                .map(|c| c.expr);
            evidence.push((codes, cond));
        }

        let refund = r
            .refund
            .as_ref()
            .and_then(|e| self.money(e, &env, "a refund"));
        let mut deductions = Vec::new();
        for d in &r.deductions {
            self.fee_name(&d.fee);
            let mut denv = env.clone();
            let when = match &d.when {
                Some(w) => self.cond(w, &env).map(|c| {
                    denv.set.extend(c.when_true.iter().copied());
                    c.expr
                }),
                None => None,
            };
            let Some(amount) = self.value(&d.amount, &denv) else {
                continue;
            };
            let is_percent = match amount.ty.ty {
                Ty::Percent => {
                    if let super::ir::IExpr::Percent(p) = amount.expr {
                        if p > rust_decimal::Decimal::ONE || p < rust_decimal::Decimal::ZERO {
                            self.error(
                                Diagnostic::new(
                                    Code::InvalidNumber,
                                    format!("a deduction of {}% takes more than the whole refund", p * rust_decimal::Decimal::ONE_HUNDRED),
                                    d.amount.span,
                                    "more than 100%",
                                )
                                .with_help("a percentage deduction is between 0% and 100% of the refund, for example `deduct restocking 15%`"),
                            );
                        }
                    }
                    true
                }
                Ty::Money(_) => false,
                ref other => {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!("a deduction is money or a percentage of the refund, but this is {other}"),
                            d.amount.span,
                            format!("{other}"),
                        )
                        .with_help("for example `deduct return_shipping claim.return_cost` or `deduct restocking 15% up to USD 50`"),
                    );
                    continue;
                }
            };
            let cap = d.cap.as_ref().and_then(|c| self.money(c, &denv, "a cap"));
            let per_claim = scope == Scope::EachItem
                && !is_percent
                && amount.expr.is_claim_level()
                && cap.as_ref().is_none_or(IExpr::reads_no_item);
            deductions.push(CheckedDeduction {
                discretionary: d.discretionary,
                fee: d.fee.node.as_str().into(),
                amount: amount.expr,
                per_claim,
                is_percent,
                cap,
                when,
            });
        }

        let mut fees = Vec::new();
        for (i, f) in r.fees.iter().enumerate() {
            let earlier = r.fees.iter().take(i).find(|g| g.fee.node == f.fee.node);
            if let Some(g) = earlier {
                if g.when.is_none() || f.when.is_none() {
                    self.error(
                        Diagnostic::new(
                            Code::Duplicate,
                            format!("`{}` is given a payer twice in this rule", f.fee.node),
                            f.fee.span,
                            "given again here",
                        )
                        .with_label(g.fee.span, "first given here")
                        .with_help(format!(
                            "give one payer, or say when each pays: `fee {} paid by merchant when CONDITION, otherwise customer`",
                            f.fee.node
                        )),
                    );
                }
            }
            self.fee_name(&f.fee);
            self.payer(&f.payer);
            if let Some(o) = &f.otherwise {
                self.payer(o);
            }
            let mut fenv = env.clone();
            let when = match &f.when {
                Some(w) => self.cond(w, &env).map(|c| {
                    fenv.set.extend(c.when_true.iter().copied());
                    c.expr
                }),
                None => None,
            };
            // A fee's amount may be missing: the verdict then reports it as not known (null).
            let amount = match &f.amount {
                Some(a) => match self.expr(a, &fenv) {
                    Some(c) if matches!(c.ty.ty, Ty::Money(_)) => Some(c.expr),
                    Some(c) => {
                        self.error(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                format!("a fee's amount is money, but this is {}", c.ty.ty),
                                a.span,
                                format!("{}", c.ty.ty),
                            )
                            .with_help("write the amount with its currency: `amount EUR 21`, or a fact of the claim: `amount claim.return_cost`"),
                        );
                        None
                    }
                    None => None,
                },
                None => None,
            };
            fees.push(CheckedFee {
                fee: f.fee.node.as_str().into(),
                payer: f.payer.node.as_str().into(),
                amount,
                when,
                otherwise: f.otherwise.as_ref().map(|o| o.node.as_str().into()),
            });
        }

        self.conflicting_fees(r);
        self.outcome(r, kind);
        if self.diags.len() > errors_before {
            return None;
        }
        Some(CheckedRule {
            name: r.name.node.as_str().into(),
            title: r.title.as_ref().map(|t| t.node.as_str().into()),
            span: r.span,
            location: self.source.location(r.span).into(),
            decision: r.decision.node,
            remedies: r.remedies.iter().map(|n| n.node.as_str().into()).collect(),
            as_requested: r.as_requested,
            message: r.quote.node.as_str().into(),
            when,
            unless,
            unless_spans: r.unless.iter().map(|u| u.span).collect(),
            evidence,
            refund,
            deductions,
            fees,
            deadlines,
        })
    }

    /// A `deduct FEE` is the whole statement of a fee the customer pays out of the
    /// refund: the verdict reports it as a fee paid by the customer, with the
    /// amount worked out. A `fee FEE` line beside it may repeat that, but not say
    /// otherwise: that the merchant pays, or that there is no fee while the
    /// deduction is taken (a `when` other than the deduction's, with no
    /// `otherwise customer`). Beside a `may deduct`, whose fee the merchant may
    /// waive, a `fee` line saying it is always paid is refused too.
    fn conflicting_fees(&mut self, r: &ast::Rule) {
        for f in &r.fees {
            let Some(d) = r.deductions.iter().find(|d| d.fee.node == f.fee.node) else {
                continue;
            };
            let customer = |n: &ast::Name| n.node == "customer";
            let always_customer = customer(&f.payer)
                && (f.when.is_none() || f.otherwise.as_ref().is_some_and(customer));
            let same_condition = customer(&f.payer) && f.when.is_some() && f.when == d.when;
            let (message, label, help) = if d.discretionary {
                (
                    format!("rule `{}` says the merchant may take the `{}` fee, and also that it is paid", r.name.node, f.fee.node),
                    "says it is paid",
                    format!("a `may deduct` fee is reported as a possible deduction: remove this `fee {}` line", f.fee.node),
                )
            } else if !customer(&f.payer) && f.when.is_none() {
                (
                    format!("rule `{}` takes `{}` off the refund but says the merchant pays it", r.name.node, f.fee.node),
                    "the merchant pays",
                    format!("money taken off the refund is paid by the customer: remove this line, or the `deduct {}` line if the merchant pays", f.fee.node),
                )
            } else if always_customer || same_condition {
                continue;
            } else {
                (
                    format!("rule `{}` takes `{}` off the refund in claims where its `fee` line says otherwise", r.name.node, f.fee.node),
                    "a different condition or payer",
                    format!("say it once: `deduct {} AMOUNT when CONDITION` reports the fee as paid by the customer whenever it is taken", f.fee.node),
                )
            };
            self.error(
                Diagnostic::new(Code::ConflictingFee, message, f.fee.span, label)
                    .with_label(d.fee.span, "taken off the refund here")
                    .with_help(help),
            );
        }
    }

    /// An amount of money that must be present.
    fn money(&mut self, e: &ast::Expr, env: &Env, what: &str) -> Option<super::ir::IExpr> {
        let c = self.value(e, env)?;
        if matches!(c.ty.ty, Ty::Money(_)) {
            Some(c.expr)
        } else {
            self.error(
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!("{what} is money, but this is {}", c.ty.ty),
                    e.span,
                    format!("{}", c.ty.ty),
                )
                .with_help("for example `item.price * item.quantity`, `order.total` or `USD 50`"),
            );
            None
        }
    }

    fn fee_name(&mut self, fee: &ast::Name) {
        if self.fees.contains(&fee.node) {
            return;
        }
        let mut d = Diagnostic::new(
            Code::UnknownFee,
            format!("unknown fee `{}`", fee.node),
            fee.span,
            "not a fee this policy knows",
        );
        let known: Vec<&str> = self.fees.iter().map(String::as_str).collect();
        d = d.with_help(match did_you_mean(&fee.node, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "standard fees: {}; declare others with `fees {}`",
                vocab::STANDARD_FEES.join(", "),
                fee.node
            ),
        });
        self.error(d);
    }

    fn payer(&mut self, payer: &ast::Name) {
        if vocab::PAYERS.contains(&payer.node.as_str()) {
            return;
        }
        let mut d = Diagnostic::new(
            Code::UnknownPayer,
            format!("`{}` cannot pay a fee", payer.node),
            payer.span,
            "not a payer",
        );
        d = d.with_help(
            match did_you_mean(&payer.node, vocab::PAYERS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? A fee is paid by `customer` or `merchant`"),
                None => "a fee is paid by `customer` or `merchant`".into(),
            },
        );
        self.error(d);
    }

    /// The decision, its remedies and the refund basis agree. A `shipping` check
    /// may approve with no remedy: the order may ship as it is.
    fn outcome(&mut self, r: &ast::Rule, kind: &str) {
        for rem in &r.remedies {
            if !vocab::REMEDIES.contains(&rem.node.as_str()) {
                let mut d = Diagnostic::new(
                    Code::UnknownRemedy,
                    format!("unknown remedy `{}`", rem.node),
                    rem.span,
                    "not a remedy",
                );
                d = d.with_help(
                    match did_you_mean(&rem.node, vocab::REMEDIES.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("remedies: {}", vocab::REMEDIES.join(", ")),
                    },
                );
                self.error(d);
            }
        }
        match r.decision.node {
            Decision::Approve if r.remedies.is_empty() && kind != "shipping" => {
                self.error(
                    Diagnostic::new(
                        Code::RemedyMismatch,
                        format!("the rule `{}` approves but does not say what it grants", r.name.node),
                        r.decision.span,
                        "approve what?",
                    )
                    .with_help("name the remedy: `approve refund`, `approve exchange`, `approve refund or exchange as requested` (only a `shipping` check approves with no remedy)"),
                );
            }
            Decision::Deny | Decision::Review if !r.remedies.is_empty() => {
                let first = r.remedies.first().map_or(r.decision.span, |n| n.span);
                self.error(
                    Diagnostic::new(
                        Code::RemedyMismatch,
                        format!(
                            "only an approval grants a remedy, but `{}` does not approve",
                            r.name.node
                        ),
                        first,
                        "a remedy",
                    )
                    .with_help("remove the remedy, or make the rule `approve`"),
                );
            }
            _ => {}
        }
        let pays_money = r
            .remedies
            .iter()
            .any(|n| vocab::MONEY_REMEDIES.contains(&n.node.as_str()));
        if r.decision.node == Decision::Approve && pays_money && r.refund.is_none() {
            self.error(
                Diagnostic::new(
                    Code::MissingRefundBasis,
                    format!("the rule `{}` approves a refund but does not say how much", r.name.node),
                    r.name.span,
                    "no `refund` clause",
                )
                .with_help("add the refund basis, for example `refund item.price * item.quantity` or `refund order.total`"),
            );
        }
        if r.decision.node != Decision::Approve || !pays_money {
            if let Some(e) = &r.refund {
                self.error(
                    Diagnostic::new(
                        Code::RemedyMismatch,
                        format!(
                            "the rule `{}` gives a refund amount but grants no refund",
                            r.name.node
                        ),
                        e.span,
                        "this refund is never paid",
                    )
                    .with_help(
                        "a refund amount belongs to `approve refund` or `approve store_credit`",
                    ),
                );
            }
            // A deduction comes off a refund: on a rule that grants none it would
            // vanish from the verdict, so it is refused rather than dropped.
            for d in &r.deductions {
                let payer_line = format!("fee {} paid by customer", d.fee.node);
                self.error(
                    Diagnostic::new(
                        Code::RemedyMismatch,
                        format!(
                            "the rule `{}` takes `{}` off a refund it does not grant",
                            r.name.node, d.fee.node
                        ),
                        d.fee.span,
                        "nothing to take this from",
                    )
                    .with_help(format!(
                        "a deduction belongs to `approve refund` or `approve store_credit`; \
                         to say who pays the fee on this rule, write `{payer_line}`"
                    )),
                );
            }
        }
    }
}
