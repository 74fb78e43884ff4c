//! The lints themselves, each over the AST (for places) and the checked policy
//! (for meaning). Every finding is made at the lint's default level; `super::lint`
//! applies the configuration.

use rust_decimal::Decimal;
use serde_json::Value;

use super::logic::{Answer, Formula, Model};
use super::witness::{self, Variant, VARIANTS};
use super::Lint;
use crate::ast::{self, Decision, Decl, PolicyFile, TimeUnit};
use crate::language::check::ir::{
    CheckedRule, ExtendTo, IExpr, Policy, RuleBlock, WindowShape, WindowTest,
};
use crate::language::check::vocab::FactRef;
use crate::language::diagnostic::{Code, Diagnostic};
use crate::language::source::Span;

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

// ---------------------------------------------------------------- rules

/// One rules block, for the lints that reason about which rule decides which
/// claims: unreachable and impossible rules, claims no rule decides,
/// overlapping outcomes, fees some approvals leave unpaid.
struct Block<'a> {
    policy: &'a Policy,
    model: &'a Model<'a>,
    /// The block's position among the policy's blocks (as traces name it).
    index: usize,
    checked: &'a RuleBlock,
    ast: &'a ast::RulesBlock,
    /// When each rule (not `otherwise`) applies, by itself.
    conds: Vec<Formula<'a>>,
}

impl<'a> Block<'a> {
    fn new(
        policy: &'a Policy,
        model: &'a Model<'a>,
        index: usize,
        checked: &'a RuleBlock,
        ast: &'a ast::RulesBlock,
    ) -> Self {
        let conds = checked
            .rules
            .iter()
            .map(|r| Formula::rule(&r.when, &r.unless))
            .collect();
        Block {
            policy,
            model,
            index,
            checked,
            ast,
            conds,
        }
    }

    /// Claims that reach rule `i` and are decided by it; for `i` past the last
    /// rule, claims no rule decides (what `otherwise` takes).
    fn reaching(&self, i: usize) -> Formula<'a> {
        let mut parts: Vec<Formula<'a>> = self
            .conds
            .iter()
            .take(i)
            .map(|c| c.clone().negate())
            .collect();
        parts.extend(self.conds.get(i).cloned());
        Formula::All(parts)
    }

    /// The checked and written rule at `i`, the `otherwise` just past the rules.
    fn rule(&self, i: usize) -> Option<(&'a CheckedRule, &'a ast::Rule)> {
        let last = self.checked.rules.len();
        let checked = self.checked.rules.get(i).or(self
            .checked
            .otherwise
            .as_ref()
            .filter(|_| i == last));
        let written = self
            .ast
            .rules
            .get(i)
            .or(self.ast.otherwise.as_ref().filter(|_| i == last));
        checked.zip(written)
    }

    /// Every lint of this block; one analysis-limit note if any question went unanswered.
    fn lint(&self, out: &mut Vec<Diagnostic>) {
        let mut gave_up = false;
        let mut overlap_gave_up = false;
        for (j, cond) in self.conds.iter().enumerate() {
            let Some((_, rule)) = self.rule(j) else {
                continue;
            };
            match self.model.satisfiable(cond) {
                Answer::Never => {
                    out.push(
                        finding(
                            Lint::ImpossibleCondition,
                            format!("no claim can meet the conditions of rule `{}`", rule.name.node),
                            header(rule),
                            "this rule never applies",
                        )
                        .with_help("its `when` conditions contradict each other, or an `unless` always holds; fix the condition or remove the rule"),
                    );
                    continue;
                }
                Answer::GaveUp => {
                    gave_up = true;
                    continue;
                }
                Answer::Candidate(_) => {}
            }
            match self.model.satisfiable(&self.reaching(j)) {
                Answer::Never => {
                    out.push(self.unreachable(j, rule));
                    continue;
                }
                Answer::GaveUp => gave_up = true,
                Answer::Candidate(_) => {}
            }
            if !overlap_gave_up && self.overlap(j, out) {
                // One exhausted search is enough: the others on this block would be too.
                overlap_gave_up = true;
                gave_up = true;
            }
        }
        let rest = self.reaching(self.conds.len());
        match &self.ast.otherwise {
            Some(o) => match self.model.satisfiable(&rest) {
                Answer::Never => out.push(
                    finding(
                        Lint::UnreachableRule,
                        format!("`otherwise {}` never decides a claim: the rules above it decide every claim", o.name.node),
                        header(o),
                        "never reached",
                    )
                    .with_help("remove it, or narrow the rules above it"),
                ),
                Answer::GaveUp => gave_up = true,
                Answer::Candidate(_) => {}
            },
            None => gave_up |= self.undecided(&rest, out),
        }
        for i in 0..=self.conds.len() {
            gave_up |= self.fees(i, out);
        }
        if gave_up {
            out.push(
                finding(
                    Lint::AnalysisLimit,
                    format!(
                        "the rules for {} have too many combinations to analyse in full; some lints said nothing about them",
                        self.checked.kind
                    ),
                    self.ast.kind.span,
                    "not fully analysed",
                )
                .with_help("shorter conditions (fewer facts combined with `or`) or fewer rules per block let the analysis finish"),
            );
        }
    }

    /// The finding for rule `j`, which the rules above it always decide first,
    /// naming those that match some of its claims.
    fn unreachable(&self, j: usize, rule: &ast::Rule) -> Diagnostic {
        let mut d = finding(
            Lint::UnreachableRule,
            format!(
                "rule `{}` never decides a claim: the rules above it decide every claim it matches",
                rule.name.node
            ),
            header(rule),
            "never reached",
        );
        let mut named = Vec::new();
        let Some(cond) = self.conds.get(j) else {
            return d;
        };
        for (i, earlier) in self.conds.iter().enumerate().take(j) {
            let both = Formula::All(vec![earlier.clone(), cond.clone()]);
            if !matches!(self.model.satisfiable(&both), Answer::Never) {
                if let Some((_, r)) = self.rule(i) {
                    d = d.with_label(header(r), "decides those claims first");
                    named.push(format!("`{}`", r.name.node));
                }
            }
        }
        d.with_help(format!(
            "move it above {}, narrow the rules above it, or remove it",
            if named.is_empty() {
                "the rules above it".to_string()
            } else {
                named.join(", ")
            }
        ))
    }

    /// Claims that reach the end of a block without `otherwise` (`rest`); true
    /// when the search gave up.
    fn undecided(&self, rest: &Formula<'_>, out: &mut Vec<Diagnostic>) -> bool {
        let assign = match self.model.satisfiable(rest) {
            Answer::Candidate(a) => a,
            Answer::Never => return false,
            Answer::GaveUp => return true,
        };
        let confirmed = self.confirm(&assign, |_, verdict, _| {
            verdict
                .because
                .iter()
                .any(|b| &*b.rule == "no_rule_decides")
        });
        if let Some(claim) = confirmed {
            out.push(
                finding(
                    Lint::UndecidedClaims,
                    format!("some {} claims match no rule, and the block has no `otherwise`: they go to review with no reason given", self.checked.kind),
                    self.ast.kind.span,
                    "no rule decides some of these claims",
                )
                .with_help(format!(
                    "add `otherwise NAME: deny \"...\"` (or review) with the page's words, or a rule for these claims\nfor example: {}",
                    self.describe(&assign)
                ))
                .with_example(claim),
            );
        }
        false
    }

    /// The first rule above rule `j` that decides some claim rule `j` also
    /// matches, with a different outcome, confirmed by evaluating an example
    /// claim; true when a search gave up.
    fn overlap(&self, j: usize, out: &mut Vec<Diagnostic>) -> bool {
        let (Some((later, later_ast)), Some(cond_j)) = (self.rule(j), self.conds.get(j)) else {
            return false;
        };
        for i in 0..j {
            let Some((earlier, earlier_ast)) = self.rule(i) else {
                continue;
            };
            if same_outcome(earlier, later) {
                continue;
            }
            let both = Formula::All(vec![self.reaching(i), cond_j.clone()]);
            let assign = match self.model.satisfiable(&both) {
                Answer::Candidate(a) => a,
                Answer::Never => continue,
                Answer::GaveUp => return true,
            };
            let confirmed = self.confirm(&assign, |claim, _, trace| {
                trace.decided.first() == Some(&(self.index, i))
                    && crate::language::eval::rule_applies(self.policy, claim, self.index, j)
                        .unwrap_or(false)
            });
            if let Some(claim) = confirmed {
                out.push(
                    finding(
                        Lint::OverlappingOutcomes,
                        format!(
                            "rules `{}` and `{}` both match some claims and decide them differently; `{}` wins because it comes first",
                            earlier_ast.name.node, later_ast.name.node, earlier_ast.name.node
                        ),
                        header(later_ast),
                        "also matches",
                    )
                    .with_label(header(earlier_ast), "decides first")
                    .with_help(format!(
                        "if the order is intended, nothing to do (allow this lint); otherwise add an `unless` or narrow a `when`\nfor example: {}",
                        self.describe(&assign)
                    ))
                    .with_example(claim),
                );
                return false;
            }
        }
        false
    }

    /// The first example claim for a candidate that the evaluator runs without
    /// error and `holds` accepts: the confirmation every existence finding needs.
    fn confirm(
        &self,
        assign: &[Option<usize>],
        holds: impl Fn(
            &crate::language::eval::Claim,
            &crate::Verdict,
            &crate::language::eval::Trace,
        ) -> bool,
    ) -> Option<Value> {
        VARIANTS.iter().find_map(|v| {
            let mut claim = witness::base_claim(self.policy, &self.checked.kind, *v);
            witness::apply(self.model, self.policy, assign, &mut claim);
            let decoded = crate::language::eval::decode(&claim.to_string(), self.policy).ok()?;
            let mut trace = crate::language::eval::Trace::default();
            let verdict =
                crate::language::eval::evaluate_traced(self.policy, &decoded, &mut trace).ok()?;
            holds(&decoded, &verdict, &trace).then_some(claim)
        })
    }

    fn describe(&self, assign: &[Option<usize>]) -> String {
        witness::describe(self.model, self.policy, assign)
    }
}

fn same_outcome(a: &CheckedRule, b: &CheckedRule) -> bool {
    a.decision == b.decision && a.remedies == b.remedies
}

// ---------------------------------------------------------------- rule clauses

fn source_text(rule: &ast::Rule, out: &mut Vec<Diagnostic>) {
    if rule.quote.node.chars().any(char::is_alphanumeric) {
        return;
    }
    out.push(
        finding(
            Lint::MissingSourceText,
            format!("rule `{}` does not quote the policy page", rule.name.node),
            rule.quote.span,
            "no words from the page",
        )
        .with_help("quote the sentence of the policy page this rule encodes: verdicts show it to the customer as the reason"),
    );
}

fn deductions(policy: &Policy, rule: &ast::Rule, out: &mut Vec<Diagnostic>) {
    let currency = policy.currency.as_deref().unwrap_or("USD");
    if rule.decision.node != Decision::Approve {
        return;
    }
    let refund_from_claim = rule.refund.as_ref().is_some_and(reads_claim);
    let mut percent = Decimal::ZERO;
    let mut percent_spans = Vec::new();
    for d in &rule.deductions {
        if let ast::ExprKind::Percent(p) = &d.amount.node {
            // Conditional percentages count too: all their conditions may hold at once.
            percent += *p;
            percent_spans.push(d.amount.span);
            continue;
        }
        if d.cap.is_some() {
            continue;
        }
        let message = if reads_claim(&d.amount) {
            format!(
                "the `{}` deduction of rule `{}` comes from the claim and can be larger than the refund",
                d.fee.node, rule.name.node
            )
        } else if refund_from_claim {
            format!(
                "the fixed `{}` deduction of rule `{}` is larger than the refund of any claim whose refund is smaller",
                d.fee.node, rule.name.node
            )
        } else {
            continue;
        };
        out.push(
            finding(Lint::NegativeRefund, message, d.amount.span, "no limit on this amount").with_help(
                format!(
                    "Clause stops the refund at zero; say so on the page, or cap it: `deduct {} AMOUNT up to {currency} 20`",
                    d.fee.node
                ),
            ),
        );
    }
    // Percentages are held as fractions: 60% is 0.6.
    if percent > Decimal::ONE {
        let percent = (percent * Decimal::ONE_HUNDRED).normalize();
        let mut spans = percent_spans.into_iter();
        if let Some(first) = spans.next() {
            let mut d = finding(
                Lint::NegativeRefund,
                format!(
                    "the deductions of rule `{}` can add up to {percent}% of the refund",
                    rule.name.node
                ),
                first,
                "these percentages",
            );
            for s in spans {
                d = d.with_label(s, "");
            }
            out.push(
                d.with_help("deductions above 100% take the whole refund; check the percentages and their conditions"),
            );
        }
    }
}

/// Whether an expression reads a fact of the claim.
fn reads_claim(e: &ast::Expr) -> bool {
    let mut found = false;
    walk_ast(e, &mut |x| {
        found |= matches!(x.node, ast::ExprKind::Path(_))
    });
    found
}

impl Block<'_> {
    /// Rule `ri` approves and deducts a fee without saying who pays it, or says
    /// who pays it only for some of the claims it approves while the block's
    /// other approvals always say (confirmed on an example claim). True when the
    /// search gave up.
    fn fees(&self, ri: usize, out: &mut Vec<Diagnostic>) -> bool {
        let Some((rule, ast_rule)) = self.rule(ri) else {
            return false;
        };
        if rule.decision != Decision::Approve {
            return false;
        }
        for d in &ast_rule.deductions {
            if !ast_rule.fees.iter().any(|f| f.fee.node == d.fee.node) {
                out.push(
                    finding(
                        Lint::UnassignedFee,
                        format!(
                            "rule `{}` deducts `{}` from the refund but does not say who pays it",
                            ast_rule.name.node, d.fee.node
                        ),
                        d.fee.span,
                        "deducted here",
                    )
                    .with_help(format!(
                        "add `fee {} paid by customer` so the verdict says who bears it",
                        d.fee.node
                    )),
                );
            }
        }
        let mut done: Vec<&str> = Vec::new();
        for (k, f) in rule.fees.iter().enumerate() {
            if done.contains(&&*f.fee) || f.when.is_none() || f.otherwise.is_some() {
                continue;
            }
            done.push(&f.fee);
            let clauses: Vec<&crate::language::check::ir::CheckedFee> =
                rule.fees.iter().filter(|g| g.fee == f.fee).collect();
            if clauses
                .iter()
                .any(|g| g.when.is_none() || g.otherwise.is_some())
            {
                continue;
            }
            // Do the block's other approvals always say who pays this fee?
            let always_elsewhere = self
                .checked
                .rules
                .iter()
                .chain(self.checked.otherwise.as_ref())
                .any(|o| {
                    !std::ptr::eq(o, rule)
                        && o.decision == Decision::Approve
                        && o.fees
                            .iter()
                            .any(|g| g.fee == f.fee && (g.when.is_none() || g.otherwise.is_some()))
                });
            if !always_elsewhere {
                continue;
            }
            let mut parts = vec![self.reaching(ri)];
            parts.extend(
                clauses
                    .iter()
                    .filter_map(|g| g.when.as_ref())
                    .map(|w| Formula::Expr(w).negate()),
            );
            let assign = match self.model.satisfiable(&Formula::All(parts)) {
                Answer::Candidate(a) => a,
                Answer::Never => continue,
                Answer::GaveUp => return true,
            };
            let confirmed = self.confirm(&assign, |_, verdict, trace| {
                trace.decided.first() == Some(&(self.index, ri))
                    && !verdict.fees.iter().any(|g| g.fee == f.fee)
            });
            let Some(claim) = confirmed else { continue };
            let Some(span) = ast_rule.fees.get(k).map(|g| g.fee.span) else {
                continue;
            };
            out.push(
                finding(
                    Lint::UnassignedFee,
                    format!("rule `{}` approves some claims without saying who pays `{}`", ast_rule.name.node, f.fee),
                    span,
                    "paid only when its condition holds",
                )
                .with_help(format!(
                    "say who pays otherwise: `fee {} paid by {} when ..., otherwise customer`\nfor example: {}",
                    f.fee,
                    f.payer,
                    self.describe(&assign)
                ))
                .with_example(claim),
            );
        }
        false
    }
}

/// Periods a quote states: (count, unit), units as a window counts them.
fn stated_periods(quote: &str) -> Vec<(u32, TimeUnit)> {
    let words: Vec<String> = quote
        .split(|c: char| !(c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(count) = number_word(w) else {
            continue;
        };
        let mut next = words.get(i + 1).map(String::as_str);
        let mut business = false;
        if matches!(next, Some("business" | "working")) {
            business = true;
            next = words.get(i + 2).map(String::as_str);
        }
        let unit = match next {
            Some("day" | "days") if business => TimeUnit::BusinessDays,
            Some("day" | "days") => TimeUnit::Days,
            Some("hour" | "hours") => TimeUnit::Hours,
            Some("week" | "weeks") => TimeUnit::Weeks,
            Some("month" | "months") => TimeUnit::Months,
            _ => continue,
        };
        out.push((count, unit));
    }
    out
}

fn number_word(w: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    match w {
        "fourteen" => Some(14),
        "thirty" => Some(30),
        _ => WORDS
            .iter()
            .position(|x| *x == w)
            .and_then(|i| u32::try_from(i).ok())
            .or_else(|| w.parse().ok()),
    }
}

/// A quote that states a period of a unit the rule's windows count in, which
/// none of them has: the page changed, or the window did.
fn stale_quote(
    file: &PolicyFile,
    policy: &Policy,
    rule: &CheckedRule,
    ast_rule: &ast::Rule,
    out: &mut Vec<Diagnostic>,
) {
    let windows: Vec<(usize, u32, TimeUnit)> = rule
        .deadlines
        .iter()
        .filter_map(|&w| match policy.windows.get(w)?.shape {
            WindowShape::From { count, unit, .. } => Some((w, count, unit)),
            _ => None,
        })
        .collect();
    for (count, unit) in stated_periods(&ast_rule.quote.node) {
        let same_unit: Vec<&(usize, u32, TimeUnit)> =
            windows.iter().filter(|(_, _, u)| *u == unit).collect();
        if same_unit.is_empty() || same_unit.iter().any(|(_, c, _)| *c == count) {
            continue;
        }
        let mut d = finding(
            Lint::StaleQuote,
            format!(
                "rule `{}` quotes a period of {count} {}, but the windows it uses count {}",
                ast_rule.name.node,
                unit_words(unit),
                same_unit
                    .iter()
                    .map(|(_, c, u)| format!("{c} {}", unit_words(*u)))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            ast_rule.quote.span,
            "these words",
        );
        for (w, _, _) in &same_unit {
            if let Some(span) = window_name_span(file, *w) {
                d = d.with_label(span, "this window");
            }
        }
        out.push(d.with_help(
            "the customer reads these words as the reason for the verdict: update the quote from the current page, or the window",
        ));
        return;
    }
}

fn unit_words(u: TimeUnit) -> &'static str {
    match u {
        TimeUnit::Days => "days",
        TimeUnit::BusinessDays => "business days",
        TimeUnit::Hours => "hours",
        TimeUnit::Weeks => "weeks",
        TimeUnit::Months => "months",
    }
}

fn window_name_span(file: &PolicyFile, index: usize) -> Option<Span> {
    file.decls
        .iter()
        .filter_map(|d| match d {
            Decl::Window(w) => Some(w.name.span),
            _ => None,
        })
        .nth(index)
}

// ---------------------------------------------------------------- windows

fn windows(
    file: &PolicyFile,
    policy: &Policy,
    blocks: &[&ast::RulesBlock],
    out: &mut Vec<Diagnostic>,
) {
    let ast_windows: Vec<&ast::WindowDecl> = file
        .decls
        .iter()
        .filter_map(|d| match d {
            Decl::Window(w) => Some(w),
            _ => None,
        })
        .collect();
    for (w, aw) in policy.windows.iter().zip(&ast_windows) {
        let end = match w.shape {
            WindowShape::Until(d) | WindowShape::Between(_, d) => d,
            _ => continue,
        };
        for (ext, aext) in w.extensions.iter().zip(&aw.extensions) {
            if let ExtendTo::Date(to) = ext.to {
                if to <= end {
                    out.push(
                        finding(
                            Lint::EmptyWindow,
                            format!("this extension of `{}` ends on {to}, not after the window's own end ({end}): it never extends it", w.name),
                            aext.span,
                            "extends nothing",
                        )
                        .with_help("extend to a later date, or remove the extension"),
                    );
                }
            }
        }
    }
    // A rule that needs one moment inside two fixed windows that do not meet.
    for (block, ast_block) in policy.blocks.iter().zip(blocks) {
        for (rule, ast_rule) in block.rules.iter().zip(&ast_block.rules) {
            let mut within: Vec<(FactRef, usize)> = Vec::new();
            for w in &rule.when {
                conjuncts_within(w, &mut within);
            }
            'pairs: for (a, (fa, wa)) in within.iter().enumerate() {
                for (fb, wb) in within.iter().skip(a + 1) {
                    if fa != fb || wa == wb {
                        continue;
                    }
                    let (Some(ra), Some(rb)) = (fixed_range(policy, *wa), fixed_range(policy, *wb))
                    else {
                        continue;
                    };
                    let start = ra.0.max(rb.0);
                    let end = ra.1.min(rb.1);
                    if start.is_some_and(|s| end.is_some_and(|e| s > e)) {
                        let name = |i: usize| policy.windows.get(i).map_or("?", |w| &w.name);
                        out.push(
                            finding(
                                Lint::EmptyWindow,
                                format!(
                                    "rule `{}` needs the same moment within `{}` and within `{}`, which have no day in common",
                                    ast_rule.name.node,
                                    name(*wa),
                                    name(*wb)
                                ),
                                header(ast_rule),
                                "never applies",
                            )
                            .with_help("check the windows' dates, or test different events"),
                        );
                        break 'pairs;
                    }
                }
            }
        }
    }
}

/// `X within W` tests among the conjuncts of a condition.
fn conjuncts_within(e: &IExpr, out: &mut Vec<(FactRef, usize)>) {
    match e {
        IExpr::And(a, b) => {
            conjuncts_within(a, out);
            conjuncts_within(b, out);
        }
        IExpr::Window(x, WindowTest::Within, w) => {
            if let IExpr::Fact(f) = &**x {
                out.push((*f, *w));
            }
        }
        _ => {}
    }
}

/// The days a window without extensions covers, when they are fixed dates.
fn fixed_range(
    policy: &Policy,
    w: usize,
) -> Option<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> {
    let w = policy.windows.get(w)?;
    if !w.extensions.is_empty() {
        return None;
    }
    match w.shape {
        WindowShape::Until(d) => Some((None, Some(d))),
        WindowShape::Between(a, b) => Some((Some(a), Some(b))),
        _ => None,
    }
}

// ---------------------------------------------------------------- money

fn currencies(file: &PolicyFile, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Some(own) = policy.currency.as_deref() else {
        return;
    };
    let visit = |e: &ast::Expr, out: &mut Vec<Diagnostic>| {
        walk_ast(e, &mut |x| {
            let code = match &x.node {
                ast::ExprKind::Money { currency, .. } => Some(currency),
                ast::ExprKind::Convert(_, currency) => Some(currency),
                _ => None,
            };
            if let Some(c) = code {
                // Every occurrence: `super::lint` keeps the first one per
                // currency that is not allowed where it stands.
                if c.node != own {
                    out.push(
                        finding(
                            Lint::CurrencyWithoutRate,
                            format!("the policy's currency is {own}, but this amount is in {}: every claim it applies to must carry a {own}/{} rate", c.node, c.node),
                            x.span,
                            format!("in {}", c.node),
                        )
                        .with_help(format!("write the amount in {own}, or make sure claims carry `rates` (the contract's `rates` object) for {}", c.node)),
                    );
                }
            }
        });
    };
    for_each_expr(file, &mut |e| visit(e, out));
}

/// Calls `f` on every expression of the file that computes or compares (fee
/// amounts, which are reported as written, are left out), in source order.
fn for_each_expr(file: &PolicyFile, f: &mut dyn FnMut(&ast::Expr)) {
    for d in &file.decls {
        match d {
            Decl::Window(w) => {
                for x in &w.extensions {
                    f(&x.when);
                }
            }
            Decl::Threshold(t) => f(&t.expr),
            Decl::Table(t) => {
                for r in &t.rows {
                    f(&r.value);
                }
                if let Some(x) = &t.default {
                    f(x);
                }
            }
            Decl::Rules(b) => {
                for r in b.rules.iter().chain(b.otherwise.as_ref()) {
                    for x in r.when.iter().chain(&r.unless).chain(&r.refund) {
                        f(x);
                    }
                    for e in &r.evidence {
                        if let Some(x) = &e.when {
                            f(x);
                        }
                    }
                    for d in &r.deductions {
                        f(&d.amount);
                        for x in d.cap.iter().chain(&d.when) {
                            f(x);
                        }
                    }
                    // A fee's amount is reported as written, never converted.
                    for fee in &r.fees {
                        if let Some(x) = &fee.when {
                            f(x);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn walk_ast(e: &ast::Expr, f: &mut dyn FnMut(&ast::Expr)) {
    f(e);
    match &e.node {
        ast::ExprKind::Not(x) | ast::ExprKind::Convert(x, _) => walk_ast(x, f),
        ast::ExprKind::Binary(_, a, b) => {
            walk_ast(a, f);
            walk_ast(b, f);
        }
        ast::ExprKind::Test(x, t) => {
            walk_ast(x, f);
            match t {
                ast::Test::Between(a, b) => {
                    walk_ast(a, f);
                    walk_ast(b, f);
                }
                ast::Test::Compare(_, a) => walk_ast(a, f),
                _ => {}
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- definitions

fn unused(file: &PolicyFile, policy: &Policy, out: &mut Vec<Diagnostic>) {
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
fn next(flags: &[bool], i: &mut usize) -> bool {
    let used = flags.get(*i).copied().unwrap_or(true);
    *i += 1;
    used
}

fn set(flags: &mut [bool], i: usize) {
    if let Some(f) = flags.get_mut(i) {
        *f = true;
    }
}

fn walk_ir(e: &IExpr, f: &mut dyn FnMut(&IExpr)) {
    f(e);
    for c in e.children() {
        walk_ir(c, f);
    }
}

// ---------------------------------------------------------------- law

/// A consumer-law minimum: a claim the law says a merchant must not deny.
struct Floor {
    jurisdiction: &'static str,
    /// A destination in the jurisdiction, for the example claim.
    country: &'static str,
    reason: &'static str,
    days_after_delivery: u64,
    law: &'static str,
}

const FLOORS: &[Floor] = &[
    Floor {
        jurisdiction: "EU",
        country: "DE",
        reason: "changed_mind",
        days_after_delivery: 14,
        law: "EU Consumer Rights Directive 2011/83/EU, art. 9: 14 days to withdraw from a distance sale, counted from delivery",
    },
    Floor {
        jurisdiction: "UK",
        country: "GB",
        reason: "changed_mind",
        days_after_delivery: 14,
        law: "UK Consumer Contracts Regulations 2013, reg. 30: 14 days to cancel a distance sale, counted from delivery",
    },
    Floor {
        jurisdiction: "UK",
        country: "GB",
        reason: "defective",
        days_after_delivery: 30,
        law: "UK Consumer Rights Act 2015, s. 22: 30 days to reject faulty goods, counted from delivery",
    },
    Floor {
        jurisdiction: "KR",
        country: "KR",
        reason: "changed_mind",
        days_after_delivery: 7,
        law: "Korea's Act on Consumer Protection in Electronic Commerce, art. 17: 7 days to withdraw, counted from receipt",
    },
];

fn legal_floor(
    file: &PolicyFile,
    policy: &Policy,
    blocks: &[&ast::RulesBlock],
    out: &mut Vec<Diagnostic>,
) {
    let Some(declared) = file.decls.iter().find_map(|d| match d {
        Decl::Jurisdictions(j) => Some(j),
        _ => None,
    }) else {
        return;
    };
    let Some((bi, _)) = policy
        .blocks
        .iter()
        .enumerate()
        .find(|(_, b)| b.kind == "return")
    else {
        return;
    };
    for floor in FLOORS {
        let Some(j) = declared.iter().find(|j| j.node == floor.jurisdiction) else {
            continue;
        };
        let v = Variant {
            filed_after_delivery: floor.days_after_delivery,
            price: 80,
        };
        let mut claim = witness::base_claim(policy, "return", v);
        if let Some(r) = claim.pointer_mut("/claim/reason") {
            *r = Value::String(floor.reason.into());
        }
        if let Some(c) = claim.pointer_mut("/order/destination/country") {
            *c = Value::String(floor.country.into());
        }
        let Ok(decoded) = crate::language::eval::decode(&claim.to_string(), policy) else {
            continue;
        };
        let mut trace = crate::language::eval::Trace::default();
        let Ok(verdict) = crate::language::eval::evaluate_traced(policy, &decoded, &mut trace)
        else {
            continue;
        };
        if verdict.decision != crate::language::eval::verdict::Decision::Deny {
            continue;
        }
        let rule = trace.decided.first().and_then(|&(b, r)| {
            let ast_block = blocks.get(b)?;
            if b != bi {
                return None;
            }
            ast_block.rules.get(r).or(ast_block.otherwise.as_ref())
        });
        let Some(rule) = rule else { continue };
        out.push(
            finding(
                Lint::LegalFloor,
                format!(
                    "in {}, a return for `{}` filed {} days after delivery must be accepted, but rule `{}` denies it",
                    floor.jurisdiction,
                    floor.reason,
                    floor.days_after_delivery,
                    rule.name.node
                ),
                header(rule),
                "denies it",
            )
            .with_label(j.span, "declared here")
            .with_help(format!(
                "{}. Lengthen the window, or add a rule for these claims above this one\nfor example: claim.reason = {}, claim.filed_at {} days after order.delivered_at",
                floor.law, floor.reason, floor.days_after_delivery
            ))
            .with_example(claim),
        );
    }
}
