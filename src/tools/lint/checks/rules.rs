//! The rule lints over one rules block: `unreachable-rule`, `impossible-condition`,
//! `undecided-claims` and `overlapping-outcomes` (which rules can decide which claims).

use super::{finding, header};
use crate::ast::{self};
use crate::language::check::ir::{CheckedRule, Policy, RuleBlock};
use crate::language::diagnostic::Diagnostic;
use crate::tools::lint::logic::{Answer, Formula, Model};
use crate::tools::lint::witness::{self, VARIANTS};
use crate::tools::lint::Lint;
use serde_json::Value;

/// One rules block, for the lints that reason about which rule decides which
/// claims: unreachable and impossible rules, claims no rule decides,
/// overlapping outcomes, fees some approvals leave unpaid.
pub(super) struct Block<'a> {
    pub(super) policy: &'a Policy,
    pub(super) model: &'a Model<'a>,
    /// The block's position among the policy's blocks (as traces name it).
    pub(super) index: usize,
    pub(super) checked: &'a RuleBlock,
    ast: &'a ast::RulesBlock,
    /// When each rule (not `otherwise`) applies, by itself.
    conds: Vec<Formula<'a>>,
}

impl<'a> Block<'a> {
    pub(super) fn new(
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
    pub(super) fn reaching(&self, i: usize) -> Formula<'a> {
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
    pub(super) fn rule(&self, i: usize) -> Option<(&'a CheckedRule, &'a ast::Rule)> {
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
    pub(super) fn lint(&self, out: &mut Vec<Diagnostic>) {
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
    pub(super) fn confirm(
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

    pub(super) fn describe(&self, assign: &[Option<usize>]) -> String {
        witness::describe(self.model, self.policy, assign)
    }
}

pub(super) fn same_outcome(a: &CheckedRule, b: &CheckedRule) -> bool {
    a.decision == b.decision && a.remedies == b.remedies
}
