//! Structure-aware: policies generated from a structure `arbitrary` fills in
//! (windows, thresholds that reuse earlier ones, chains of them, rules repeated
//! many times), printed as text and laid out by the formatter (`clause::format`),
//! then run through everything a merchant can run: check, lints, evaluation of
//! the sample claim, explain and render. Chains, doublings and large rule counts
//! are in reach here, where byte-level mutation of policy text rarely builds
//! them. Asserts: nothing panics or overflows the stack; the formatter's output
//! checks exactly when its input does and formats to itself; evaluating twice
//! gives the same verdict.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

const CLAIM: &str = include_str!("../../tests/data/imicro-claim.json");

const REASONS: &[&str] = &[
    "changed_mind",
    "defective",
    "damaged_in_transit",
    "wrong_item",
];
const CATEGORIES: &[&str] = &["electronics", "apparel", "books"];
const EVENTS: &[&str] = &[
    "order.delivered_at",
    "order.placed_at",
    "order.shipped_at",
    "claim.filed_at",
];
const ZONES: &[&str] = &[
    "America/Los_Angeles",
    "Pacific/Apia",
    "Asia/Pyongyang",
    "America/Guyana",
    "UTC",
];
const UNITS: &[&str] = &["days", "business days", "hours", "weeks", "months"];

#[derive(Arbitrary, Debug)]
enum Atom {
    TotalBelow(u32),
    PriceAbove(u32),
    WeightAtMost(u8),
    ReasonIs(u8),
    CategoryIs(u8),
    Within(u8),
    After(u8),
    Set(u8),
    Yes(bool),
    Threshold(u16),
}

#[derive(Arbitrary, Debug)]
enum Cond {
    Atom(Atom),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    /// The same earlier threshold twice: `t or t`, `t and t` (doublings).
    Twice(u16, bool),
}

#[derive(Arbitrary, Debug)]
struct Window {
    count: u16,
    unit: u8,
    anchor: u8,
    /// `extended by N months when ...`, repeated.
    extensions: Vec<(u16, Cond)>,
}

#[derive(Arbitrary, Debug)]
struct Rule {
    decision: u8,
    when: Cond,
    unless: Option<Cond>,
    /// How many copies of the rule (large rule counts).
    copies: u8,
}

#[derive(Arbitrary, Debug)]
struct Gen {
    zone: u8,
    each_item: bool,
    windows: Vec<Window>,
    thresholds: Vec<Cond>,
    /// A chain `cK = not c(K-1)` of this many links (up to past check::MAX_DEPTH).
    chain: u16,
    rules: Vec<Rule>,
    otherwise: bool,
}

fn pick<'a>(list: &[&'a str], i: impl Into<usize>) -> &'a str {
    list.get(i.into() % list.len()).copied().unwrap_or("")
}

struct Printer<'g> {
    g: &'g Gen,
    /// Thresholds declared so far (a condition may use only those above it).
    thresholds: usize,
}

impl Printer<'_> {
    fn cond(&self, c: &Cond, depth: usize) -> String {
        // Parentheses nest at most syntax::MAX_NESTING deep; stay well inside.
        if depth > 6 {
            return "order.total > USD 0".into();
        }
        match c {
            Cond::Atom(a) => self.atom(a),
            Cond::Not(x) => format!("not ({})", self.cond(x, depth + 1)),
            Cond::And(a, b) => format!(
                "({}) and ({})",
                self.cond(a, depth + 1),
                self.cond(b, depth + 1)
            ),
            Cond::Or(a, b) => format!(
                "({}) or ({})",
                self.cond(a, depth + 1),
                self.cond(b, depth + 1)
            ),
            Cond::Twice(t, and) if self.thresholds > 0 => {
                let t = usize::from(*t) % self.thresholds;
                format!("t{t} {} t{t}", if *and { "and" } else { "or" })
            }
            Cond::Twice(..) => "true".into(),
        }
    }

    fn atom(&self, a: &Atom) -> String {
        let windows = self.g.windows.len();
        match a {
            Atom::TotalBelow(n) => format!("order.total < USD {}", n % 100_000),
            Atom::PriceAbove(n) => format!("item.price > USD {}.{:02}", n % 10_000, n % 100),
            Atom::WeightAtMost(n) => format!("item.weight is set and item.weight <= {n} lb"),
            Atom::ReasonIs(r) => format!("claim.reason is {}", pick(REASONS, *r)),
            Atom::CategoryIs(c) => format!("item.category is {}", pick(CATEGORIES, *c)),
            Atom::Within(w) if windows > 0 => {
                format!("claim.filed_at within w{}", usize::from(*w) % windows)
            }
            Atom::After(w) if windows > 0 => {
                format!("claim.filed_at after w{}", usize::from(*w) % windows)
            }
            Atom::Within(_) | Atom::After(_) => "true".into(),
            Atom::Set(e) => format!("{} is set", pick(EVENTS, *e)),
            Atom::Yes(b) => b.to_string(),
            Atom::Threshold(t) if self.thresholds > 0 => {
                format!("t{}", usize::from(*t) % self.thresholds)
            }
            Atom::Threshold(_) => "false".into(),
        }
    }

    fn text(mut self) -> String {
        let g = self.g;
        let mut out = format!(
            "policy gen \"Generated\" {{\n  currency USD\n  timezone \"{}\"\n",
            pick(ZONES, g.zone)
        );
        // Windows come first: their extensions may use no threshold.
        for (i, w) in g.windows.iter().take(64).enumerate() {
            out.push_str(&format!(
                "  window w{i} = {} {} from order.placed_at",
                1 + w.count % 3650,
                pick(UNITS, w.unit),
            ));
            let _ = w.anchor;
            for (n, when) in w.extensions.iter().take(1000) {
                out.push_str(&format!(
                    ",\n    extended by {} months when {}",
                    1 + n % 3650,
                    self.cond(when, 0)
                ));
            }
            out.push('\n');
        }
        for t in g.thresholds.iter().take(512) {
            let text = self.cond(t, 0);
            out.push_str(&format!("  threshold t{} = {text}\n", self.thresholds));
            self.thresholds += 1;
        }
        let chain = usize::from(g.chain % 600);
        if chain > 0 {
            out.push_str("  threshold c0 = order.total < USD 10\n");
            for k in 1..chain {
                out.push_str(&format!("  threshold c{k} = not c{}\n", k - 1));
            }
        }
        out.push_str(&format!(
            "  rules for return{} {{\n",
            if g.each_item { ", each item" } else { "" }
        ));
        let mut n = 0;
        for r in g.rules.iter().take(64) {
            for _ in 0..=r.copies % 32 {
                // Up to 256 rules: past the point where the whole-analysis budget
                // of the lints is reached.
                if n >= 256 {
                    break;
                }
                let decision = match r.decision % 3 {
                    0 => "approve refund",
                    1 => "deny",
                    _ => "review",
                };
                out.push_str(&format!(
                    "    rule r{n}: {decision} \"Rule {n}.\" when {}",
                    self.cond(&r.when, 0)
                ));
                if chain > 0 && n == 0 {
                    out.push_str(&format!(" and c{}", chain - 1));
                }
                if let Some(u) = &r.unless {
                    out.push_str(&format!("\n      unless {}", self.cond(u, 0)));
                }
                if r.decision % 3 == 0 {
                    out.push_str("\n      refund item.price");
                }
                out.push('\n');
                n += 1;
            }
        }
        if g.otherwise || n == 0 {
            out.push_str("    otherwise rest: deny \"Not covered.\"\n");
        }
        out.push_str("  }\n}\n");
        out
    }
}

fuzz_target!(|g: Gen| {
    let text = Printer {
        g: &g,
        thresholds: 0,
    }
    .text();
    // Laid out by the formatter: what is checked is the canonical text.
    let formatted = match clause::format("gen.policy", &text) {
        Ok(f) => f,
        // The generator writes only what the grammar accepts.
        Err(e) => panic!("generated text does not parse: {e}\n{text}"),
    };
    assert_eq!(
        clause::format("gen.policy", &formatted).ok().as_deref(),
        Some(formatted.as_str()),
        "formatting is not idempotent"
    );
    let checked = clause::Policy::from_text("gen.policy", &text);
    let policy = match clause::Policy::from_text("gen.policy", &formatted) {
        Ok(p) => {
            assert!(
                checked.is_ok(),
                "the formatted text checks, the original does not"
            );
            p
        }
        Err(_) => {
            assert!(
                checked.is_err(),
                "the original checks, the formatted text does not"
            );
            return;
        }
    };
    let _ = policy.lint(&clause::LintConfig::default());
    let first = policy
        .evaluate(CLAIM)
        .map(|v| serde_json::to_string(&v).unwrap_or_default());
    let again = policy
        .evaluate(CLAIM)
        .map(|v| serde_json::to_string(&v).unwrap_or_default());
    assert_eq!(first.is_ok(), again.is_ok());
    if let (Ok(a), Ok(b)) = (&first, &again) {
        assert_eq!(a, b, "evaluation is not deterministic");
    }
    let _ = policy.explain(CLAIM, clause::ExplainFormat::Text);
    let _ = policy.render(clause::RenderFormat::Markdown);
});
