//! Reasoning about rule conditions without a solver.
//!
//! A condition of a checked policy is built from a few kinds of atoms. Those over
//! finite domains are modelled exactly: a yes/no fact (`claim.preapproved`), a
//! code fact (`claim.reason`: each code the policy mentions, one value standing for
//! every code it does not, and "missing" when the claim may leave it out), one
//! yes/no variable per code a list may hold (`item.tags has final_sale`), and
//! whether an open-ended fact is set. Everything else (a window test, a comparison
//! of money or weights) is an *opaque* atom: a yes/no variable of its own, the same
//! variable wherever the same test is written.
//!
//! Treating opaque atoms as independent lets the search consider combinations no
//! real claim can produce (`within w` and `after w` both true). So a condition the
//! search finds *unsatisfiable* is unsatisfiable for every real claim: that is what
//! makes `unreachable-rule` and `impossible-condition` sound. A *satisfying*
//! assignment is only a candidate: the lints that report one (undecided claims,
//! overlapping rules) turn it into a concrete claim and run the real evaluator on
//! it, reporting only what the evaluator confirms.
//!
//! The search is a backtracking walk over the variables with three-valued
//! evaluation (a condition whose value is already decided is not walked further).
//! It stops after [`BUDGET`] steps and says so; nothing loops without bound.

use std::collections::HashMap;

use crate::language::check::ir::{IExpr, Policy, Window};
use crate::language::check::types::{CodeDomain, Ty};
use crate::language::check::vocab::{self, FactRef};

/// The most assignments one question may try before the search gives up.
pub const BUDGET: usize = 200_000;

/// The most expression nodes the whole analysis of one policy may evaluate,
/// over all its questions. Without it the number of questions (each rule
/// against those above it) times their size grows with the cube of the rule
/// count; with it, `clause check` on a policy of any size stops analysing after
/// about a second, and the questions left unanswered are named in an
/// `analysis-limit` note.
pub const TOTAL_BUDGET: u64 = 30_000_000;

/// A condition over a claim: rule conditions combined.
#[derive(Debug, Clone)]
pub enum Formula<'a> {
    Expr(&'a IExpr),
    Not(Box<Formula<'a>>),
    All(Vec<Formula<'a>>),
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    Any(Vec<Formula<'a>>),
}

impl<'a> Formula<'a> {
    /// When a rule applies: every `when` holds and no `unless` does.
    pub fn rule(when: &'a [IExpr], unless: &'a [IExpr]) -> Formula<'a> {
        let mut parts: Vec<Formula<'a>> = when.iter().map(Formula::Expr).collect();
        parts.extend(
            unless
                .iter()
                .map(|u| Formula::Not(Box::new(Formula::Expr(u)))),
        );
        Formula::All(parts)
    }

    pub fn negate(self) -> Formula<'a> {
        Formula::Not(Box::new(self))
    }
}

/// What one variable stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A yes/no or code fact.
    Fact(FactRef),
    /// Whether a list fact holds a code.
    Has(FactRef, String),
    /// Whether an open-ended fact (a date, an amount) is set.
    Set(FactRef),
    /// A test the search does not look inside, by its printed form.
    Opaque(String),
}

/// A value a variable may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Bool(bool),
    Code(String),
    /// A code the policy never mentions for this fact.
    OtherCode,
    Missing,
}

#[derive(Debug, Clone)]
pub struct Var {
    pub key: Key,
    pub domain: Vec<Val>,
}

/// Three-valued truth: `Unknown` while the variables that decide are unassigned,
/// and wherever the model is not precise enough to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

/// An abstract value of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Abs<'v> {
    Bool(bool),
    Code(&'v str),
    OtherCode,
    Missing,
    Unknown,
}

/// The answer to "can this condition hold?".
#[derive(Debug, Clone)]
pub enum Answer {
    /// Possibly, for example under this assignment (variable index, value index).
    Candidate(Vec<Option<usize>>),
    /// No claim satisfies it.
    Never,
    /// The search ran out of budget.
    GaveUp,
}

/// The variables of one policy's conditions.
pub struct Model<'p> {
    policy: &'p Policy,
    pub vars: Vec<Var>,
    index: HashMap<Key, usize>,
    /// Opaque atoms by the address of their expression in the policy, so that
    /// evaluation does not print them again.
    opaque: HashMap<usize, usize>,
    /// Expression nodes evaluated so far, against [`TOTAL_BUDGET`].
    work: std::cell::Cell<u64>,
}

impl<'p> Model<'p> {
    /// Builds the variables every condition of the policy reads.
    pub fn new(policy: &'p Policy) -> Self {
        let mut codes: HashMap<FactRef, Vec<String>> = HashMap::new();
        let mut all: Vec<&IExpr> = Vec::new();
        for t in &policy.thresholds {
            all.push(&t.expr);
        }
        for b in &policy.blocks {
            for r in b.rules.iter().chain(b.otherwise.as_ref()) {
                all.extend(r.when.iter());
                all.extend(r.unless.iter());
                all.extend(r.fees.iter().filter_map(|f| f.when.as_ref()));
            }
        }
        for e in &all {
            collect_codes(e, &mut codes);
        }
        let mut m = Model {
            policy,
            vars: Vec::new(),
            index: HashMap::new(),
            opaque: HashMap::new(),
            work: std::cell::Cell::new(0),
        };
        for e in all {
            m.collect_vars(e, &codes);
        }
        m
    }

    fn add(&mut self, key: Key, domain: Vec<Val>) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.vars.len();
        self.index.insert(key.clone(), i);
        self.vars.push(Var { key, domain });
        i
    }

    fn add_opaque(&mut self, e: &IExpr, key: String) {
        let i = self.add(Key::Opaque(key), bools());
        self.opaque.insert(address(e), i);
    }

    fn collect_vars(&mut self, e: &IExpr, codes: &HashMap<FactRef, Vec<String>>) {
        match e {
            IExpr::Fact(f) => {
                let (ty, optional) = fact_type(self.policy, *f);
                let mut domain = match &ty {
                    Some(Ty::Bool) => vec![Val::Bool(true), Val::Bool(false)],
                    Some(Ty::Code(d)) => {
                        let named = codes.get(f).cloned().unwrap_or_default();
                        let open = match d.codes() {
                            Some(list) => list.iter().any(|c| !named.iter().any(|n| n == c)),
                            None => true,
                        };
                        let mut v: Vec<Val> = named.into_iter().map(Val::Code).collect();
                        if open {
                            v.push(Val::OtherCode);
                        }
                        v
                    }
                    _ => return,
                };
                if optional {
                    domain.push(Val::Missing);
                }
                self.add(Key::Fact(*f), domain);
            }
            IExpr::IsSet(x) => match &**x {
                IExpr::Fact(f) if !is_finite(self.policy, *f) => {
                    if fact_type(self.policy, *f).1 {
                        self.add(Key::Set(*f), bools());
                    }
                    self.collect_vars(x, codes);
                }
                other => self.collect_vars(other, codes),
            },
            IExpr::HasAny(x, cs) | IExpr::HasAll(x, cs) => match &**x {
                IExpr::Fact(f) => {
                    for c in cs {
                        self.add(Key::Has(*f, c.clone()), bools());
                    }
                }
                _ => self.add_opaque(e, format!("{e:?}")),
            },
            IExpr::Not(x) => self.collect_vars(x, codes),
            IExpr::And(a, b) | IExpr::Or(a, b) | IExpr::Else(a, b) => {
                self.collect_vars(a, codes);
                self.collect_vars(b, codes);
            }
            IExpr::Is(x, _, _) => self.collect_vars(x, codes),
            // A day given without a time, tested against an hour window whose
            // end falls inside it, is neither within nor after: missing.
            IExpr::Window(_, _, w)
                if self
                    .policy
                    .windows
                    .get(*w)
                    .is_some_and(Window::counts_hours) =>
            {
                let i = self.add(
                    Key::Opaque(format!("{e:?}")),
                    vec![Val::Bool(true), Val::Bool(false), Val::Missing],
                );
                self.opaque.insert(address(e), i);
            }
            IExpr::Window(..) | IExpr::Between(..) | IExpr::Compare(..) => {
                self.add_opaque(e, format!("{e:?}"));
            }
            // Thresholds are read through their own expressions, collected above.
            IExpr::Threshold(_)
            | IExpr::Bool(_)
            | IExpr::Number(_)
            | IExpr::Percent(_)
            | IExpr::Money(..)
            | IExpr::Weight(_)
            | IExpr::Date(_)
            | IExpr::Table(_)
            | IExpr::Add(..)
            | IExpr::Sub(..)
            | IExpr::Mul(..)
            | IExpr::Convert(..) => {}
        }
    }

    /// Whether the whole analysis has used up [`TOTAL_BUDGET`]: every question
    /// asked from now on gives up at once.
    pub fn exhausted(&self) -> bool {
        self.work.get() > TOTAL_BUDGET
    }

    /// Can `f` hold for some claim? See the module's notes on what each answer means.
    pub fn satisfiable(&self, f: &Formula<'_>) -> Answer {
        if self.exhausted() {
            return Answer::GaveUp;
        }
        let mut relevant = Vec::new();
        let mut seen = vec![false; self.policy.thresholds.len()];
        self.formula_vars(f, &mut relevant, 0, &mut seen);
        let mut assign: Vec<Option<usize>> = vec![None; self.vars.len()];
        let mut steps = 0usize;
        // An explicit stack of (position in `relevant`, next value to try).
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut depth = 0usize;
        loop {
            steps += 1;
            if steps > BUDGET || self.exhausted() {
                return Answer::GaveUp;
            }
            // Each threshold once per assignment, however many paths reach it.
            let mut memo = vec![None; self.policy.thresholds.len()];
            let value = self.formula(f, &assign, 0, &mut memo);
            let descend = match value {
                Tri::False => false,
                Tri::True => return Answer::Candidate(assign),
                Tri::Unknown if depth == relevant.len() => return Answer::Candidate(assign),
                Tri::Unknown => true,
            };
            if descend {
                stack.push((depth, 0));
            }
            // Advance to the next untried value, backtracking as needed.
            loop {
                let Some((pos, next)) = stack.pop() else {
                    return Answer::Never;
                };
                let Some(&var) = relevant.get(pos) else {
                    return Answer::Never;
                };
                let size = self.vars.get(var).map_or(0, |v| v.domain.len());
                if next < size {
                    if let Some(slot) = assign.get_mut(var) {
                        *slot = Some(next);
                    }
                    stack.push((pos, next + 1));
                    depth = pos + 1;
                    break;
                }
                if let Some(slot) = assign.get_mut(var) {
                    *slot = None;
                }
            }
        }
    }

    fn formula_vars(&self, f: &Formula<'_>, out: &mut Vec<usize>, depth: usize, seen: &mut [bool]) {
        match f {
            Formula::Expr(e) => self.expr_vars(e, out, depth, seen),
            Formula::Not(x) => self.formula_vars(x, out, depth, seen),
            Formula::All(xs) | Formula::Any(xs) => {
                for x in xs {
                    self.formula_vars(x, out, depth, seen);
                }
            }
        }
    }

    fn push_key(&self, key: &Key, out: &mut Vec<usize>) {
        if let Some(&i) = self.index.get(key) {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }

    /// The variables `e` reads; `seen` marks the thresholds already walked (a
    /// threshold reached twice adds nothing the second time).
    fn expr_vars(&self, e: &IExpr, out: &mut Vec<usize>, depth: usize, seen: &mut [bool]) {
        if depth > MAX_THRESHOLD_DEPTH {
            return;
        }
        match e {
            IExpr::Fact(f) => self.push_key(&Key::Fact(*f), out),
            IExpr::Threshold(i) => {
                if let Some(done) = seen.get_mut(*i) {
                    if *done {
                        return;
                    }
                    *done = true;
                }
                if let Some(t) = self.policy.thresholds.get(*i) {
                    self.expr_vars(&t.expr, out, depth + 1, seen);
                }
            }
            IExpr::IsSet(x) => {
                if let IExpr::Fact(f) = &**x {
                    self.push_key(&Key::Set(*f), out);
                }
                self.expr_vars(x, out, depth, seen);
            }
            IExpr::HasAny(x, cs) | IExpr::HasAll(x, cs) => match &**x {
                IExpr::Fact(f) => {
                    for c in cs {
                        self.push_key(&Key::Has(*f, c.clone()), out);
                    }
                }
                _ => self.push_opaque(e, out),
            },
            IExpr::Not(x) | IExpr::Is(x, _, _) => self.expr_vars(x, out, depth, seen),
            IExpr::And(a, b) | IExpr::Or(a, b) | IExpr::Else(a, b) => {
                self.expr_vars(a, out, depth, seen);
                self.expr_vars(b, out, depth, seen);
            }
            IExpr::Window(..) | IExpr::Between(..) | IExpr::Compare(..) => self.push_opaque(e, out),
            _ => {}
        }
    }

    fn push_opaque(&self, e: &IExpr, out: &mut Vec<usize>) {
        if let Some(&i) = self.opaque.get(&address(e)) {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }

    fn value(&self, key: &Key, assign: &[Option<usize>]) -> Option<&Val> {
        self.value_at(*self.index.get(key)?, assign)
    }

    fn value_at(&self, i: usize, assign: &[Option<usize>]) -> Option<&Val> {
        let chosen = (*assign.get(i)?)?;
        self.vars.get(i)?.domain.get(chosen)
    }

    fn formula<'v>(
        &'v self,
        f: &Formula<'v>,
        assign: &[Option<usize>],
        depth: usize,
        memo: &mut Memo<'v>,
    ) -> Tri {
        match f {
            Formula::Expr(e) => truth(&self.abs(e, assign, depth, memo)),
            Formula::Not(x) => not(self.formula(x, assign, depth, memo)),
            Formula::All(xs) => xs.iter().fold(Tri::True, |acc, x| {
                and(acc, self.formula(x, assign, depth, memo))
            }),
            Formula::Any(xs) => xs.iter().fold(Tri::False, |acc, x| {
                or(acc, self.formula(x, assign, depth, memo))
            }),
        }
    }

    fn abs<'v>(
        &'v self,
        e: &'v IExpr,
        assign: &[Option<usize>],
        depth: usize,
        memo: &mut Memo<'v>,
    ) -> Abs<'v> {
        self.work.set(self.work.get().saturating_add(1));
        if depth > MAX_THRESHOLD_DEPTH {
            return Abs::Unknown;
        }
        match e {
            IExpr::Bool(b) => Abs::Bool(*b),
            IExpr::Fact(f) => match self.value(&Key::Fact(*f), assign) {
                Some(v) => from_val(v),
                None => Abs::Unknown,
            },
            IExpr::Threshold(i) => {
                if let Some(Some(v)) = memo.get(*i) {
                    return v.clone();
                }
                let v = match self.policy.thresholds.get(*i) {
                    Some(t) => self.abs(&t.expr, assign, depth + 1, memo),
                    None => Abs::Unknown,
                };
                if let Some(slot) = memo.get_mut(*i) {
                    *slot = Some(v.clone());
                }
                v
            }
            IExpr::Not(x) => match self.abs(x, assign, depth, memo) {
                Abs::Bool(b) => Abs::Bool(!b),
                _ => Abs::Unknown,
            },
            IExpr::And(a, b) => from_tri(and(
                truth(&self.abs(a, assign, depth, memo)),
                truth(&self.abs(b, assign, depth, memo)),
            )),
            IExpr::Or(a, b) => from_tri(or(
                truth(&self.abs(a, assign, depth, memo)),
                truth(&self.abs(b, assign, depth, memo)),
            )),
            IExpr::Else(a, b) => match self.abs(a, assign, depth, memo) {
                Abs::Missing => self.abs(b, assign, depth, memo),
                other => other,
            },
            IExpr::IsSet(x) => {
                if let IExpr::Fact(f) = &**x {
                    if let Some(v) = self.value(&Key::Set(*f), assign) {
                        return from_val(v);
                    }
                    if !is_finite(self.policy, *f) && !fact_type(self.policy, *f).1 {
                        return Abs::Bool(true);
                    }
                }
                match self.abs(x, assign, depth, memo) {
                    Abs::Missing => Abs::Bool(false),
                    Abs::Unknown => Abs::Unknown,
                    _ => Abs::Bool(true),
                }
            }
            IExpr::Is(x, codes, negated) => match self.abs(x, assign, depth, memo) {
                Abs::Code(c) => Abs::Bool(codes.iter().any(|k| k == c) != *negated),
                Abs::OtherCode => Abs::Bool(*negated),
                _ => Abs::Unknown,
            },
            IExpr::HasAny(x, cs) | IExpr::HasAll(x, cs) => {
                let all = matches!(e, IExpr::HasAll(..));
                let IExpr::Fact(f) = &**x else {
                    return self.opaque(e, assign);
                };
                let mut acc = if all { Tri::True } else { Tri::False };
                for c in cs {
                    let t = match self.value(&Key::Has(*f, c.clone()), assign) {
                        Some(Val::Bool(b)) => bool_tri(*b),
                        _ => Tri::Unknown,
                    };
                    acc = if all { and(acc, t) } else { or(acc, t) };
                }
                from_tri(acc)
            }
            IExpr::Window(..) | IExpr::Between(..) | IExpr::Compare(..) => self.opaque(e, assign),
            _ => Abs::Unknown,
        }
    }

    fn opaque(&self, e: &IExpr, assign: &[Option<usize>]) -> Abs<'_> {
        let value = self
            .opaque
            .get(&address(e))
            .and_then(|&i| self.value_at(i, assign));
        match value {
            Some(Val::Bool(b)) => Abs::Bool(*b),
            Some(Val::Missing) => Abs::Missing,
            _ => Abs::Unknown,
        }
    }
}

/// Each threshold's abstract value under the current assignment, worked out once.
type Memo<'v> = Vec<Option<Abs<'v>>>;

/// Thresholds refer only to thresholds declared above them; this bounds the
/// walk all the same.
const MAX_THRESHOLD_DEPTH: usize = 64;

/// Where an expression of the policy lives: a name for it that is cheap to hash.
fn address(e: &IExpr) -> usize {
    std::ptr::from_ref(e) as usize
}

fn bools() -> Vec<Val> {
    vec![Val::Bool(true), Val::Bool(false)]
}

fn from_val(v: &Val) -> Abs<'_> {
    match v {
        Val::Bool(b) => Abs::Bool(*b),
        Val::Code(c) => Abs::Code(c),
        Val::OtherCode => Abs::OtherCode,
        Val::Missing => Abs::Missing,
    }
}

fn truth(a: &Abs<'_>) -> Tri {
    match a {
        Abs::Bool(b) => bool_tri(*b),
        _ => Tri::Unknown,
    }
}

fn bool_tri(b: bool) -> Tri {
    if b {
        Tri::True
    } else {
        Tri::False
    }
}

fn from_tri(t: Tri) -> Abs<'static> {
    match t {
        Tri::True => Abs::Bool(true),
        Tri::False => Abs::Bool(false),
        Tri::Unknown => Abs::Unknown,
    }
}

fn not(t: Tri) -> Tri {
    match t {
        Tri::True => Tri::False,
        Tri::False => Tri::True,
        Tri::Unknown => Tri::Unknown,
    }
}

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::False, _) | (_, Tri::False) => Tri::False,
        (Tri::True, Tri::True) => Tri::True,
        _ => Tri::Unknown,
    }
}

fn or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::True, _) | (_, Tri::True) => Tri::True,
        (Tri::False, Tri::False) => Tri::False,
        _ => Tri::Unknown,
    }
}

/// The type of a fact and whether a claim may leave it out.
pub fn fact_type(policy: &Policy, f: FactRef) -> (Option<Ty>, bool) {
    match f {
        FactRef::Custom(i) => policy
            .facts
            .get(i)
            .map_or((None, true), |c| (Some(c.ty.clone()), c.optional)),
        _ => vocab::lookup(vocab::path_of(f))
            .map_or((None, true), |i| (Some(i.ty.clone()), i.optional)),
    }
}

fn is_finite(policy: &Policy, f: FactRef) -> bool {
    matches!(fact_type(policy, f).0, Some(Ty::Bool | Ty::Code(_)))
}

/// Every code a policy tests each code fact against.
fn collect_codes(e: &IExpr, out: &mut HashMap<FactRef, Vec<String>>) {
    match e {
        IExpr::Is(x, codes, _) => {
            // `(a else b) is c` tests `b` when `a` is missing: both facts may hold `c`.
            let mut facts = Vec::new();
            x.else_chain_facts(&mut facts);
            for f in facts {
                let list = out.entry(f).or_default();
                for c in codes {
                    if !list.contains(c) {
                        list.push(c.clone());
                    }
                }
            }
            collect_codes(x, out);
        }
        IExpr::Not(x) | IExpr::IsSet(x) | IExpr::HasAny(x, _) | IExpr::HasAll(x, _) => {
            collect_codes(x, out);
        }
        IExpr::And(a, b) | IExpr::Or(a, b) | IExpr::Else(a, b) => {
            collect_codes(a, out);
            collect_codes(b, out);
        }
        _ => {}
    }
}

/// Codes of a closed domain the policy does not mention, for example claims.
pub fn unmentioned_code(domain: &CodeDomain, mentioned: &[&str]) -> Option<String> {
    match domain {
        CodeDomain::Fixed(_) | CodeDomain::Declared(_) => domain
            .codes()
            .and_then(|list| list.into_iter().find(|c| !mentioned.contains(c)))
            .map(str::to_string),
        CodeDomain::Country => vocab::COUNTRIES
            .iter()
            .find(|c| !mentioned.contains(c))
            .map(|c| (*c).to_string()),
        CodeDomain::Free => (0..)
            .map(|i| format!("other_{i}"))
            .take(mentioned.len() + 1)
            .find(|c| !mentioned.contains(&c.as_str())),
    }
}
