//! Policy test cases: a file of claims beside a policy with what each verdict
//! must say.
//!
//! A cases file (`policies/imicro.cases.json`) holds one base claim and a list of
//! cases; each case changes a few fields of the base with `set`, so forty
//! boundary cases do not repeat forty whole claims:
//!
//! ```json
//! {
//!   "policy": "imicro.policy",
//!   "base": { "claim_id": "base", "order": { ... }, "items": [ ... ], "claim": { ... } },
//!   "cases": [
//!     { "name": "last-day-of-window",
//!       "text": "30 days after the invoice date is still inside",
//!       "set": { "claim.filed_at": "2023-10-01T23:59:00-07:00", "items[0].weight": null },
//!       "expect": { "decision": "approve", "rule": "standard_return", "refund": "199.00",
//!                   "payers": { "return_shipping": "customer" } } }
//!   ]
//! }
//! ```
//!
//! `set` paths are dotted keys with `[n]` for list positions; `null` clears a field.
//! Expectation keys (each optional): `decision`, `rule` (the first rule in
//! `because`), `rules` (every rule in `because`, in order), `remedy`, `refund` (a
//! decimal string, or null for none), `payers` ({fee: payer}; `null` for a fee that
//! must not appear), `fee_amounts` ({fee: amount}; null for a fee whose amount is
//! not known), `deductions` ({fee: amount}), `possible_deductions` ({fee:
//! amount}), `refund_range` (["min", "max"], or null for none),
//! `deadlines` ({name: ends}), `missing_evidence` (exactly these codes, any
//! order), `items` ({sku: decision}), and `error` (the claim is invalid, and the
//! error names this text).

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::language::check::ir::Policy;
use crate::language::eval::verdict::Verdict;

pub mod boundaries;
mod runner;
pub mod starter;
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use runner::{
    diff, run_cases, run_file, snapshot_path, CaseReport, CasesReport, CoverItem, Coverage,
    FileReport, SnapshotMode, SnapshotStatus,
};

/// One case, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case's name, unique in its file.
    pub name: String,
    /// What the case shows, in words.
    pub text: String,
    /// The whole claim: the base with the case's `set` applied.
    pub claim: Value,
    /// What the verdict must say (the `expect` object).
    pub expect: Map<String, Value>,
    /// Whether the whole verdict is compared with the recorded snapshot.
    pub snapshot: bool,
}

/// A loaded cases file.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The policy file, relative to the cases file.
    pub policy: String,
    /// The cases, in the file's order.
    pub cases: Vec<Case>,
}

/// What running a case gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The verdict, unless the claim was refused.
    pub verdict: Option<Verdict>,
    /// Why the claim was refused, if it was.
    pub error: Option<String>,
    /// Mismatches, each `field: expected X, got Y`.
    pub problems: Vec<String>,
}

/// Reads a cases file and applies each case's `set` to the base claim.
pub fn load(path: &Path) -> Result<CaseFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: {}",
            path.display(),
            crate::language::eval::describe_json_error("the file", &e)
        )
    })?;
    parse(&json, &path.display().to_string())
}

/// Reads a cases file's JSON (as [`load`] does for a file); `name` is what
/// error messages call it.
pub fn parse(json: &Value, name: &str) -> Result<CaseFile, String> {
    let path = std::path::Path::new(name);
    let policy = json
        .get("policy")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            format!(
                "{}: needs \"policy\": the policy file's name",
                path.display()
            )
        })?
        .to_string();
    let base = json.get("base").cloned().unwrap_or(Value::Null);
    let snapshot_all = json
        .get("snapshot")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let list = json
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: needs \"cases\": a list", path.display()))?;
    let mut cases = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let name = c
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("case-{i}"), str::to_string);
        if c.get("claim").is_none() && !base.is_object() {
            return Err(format!(
                "{}: case `{name}` has no \"claim\" and the file has no \"base\" claim to change",
                path.display()
            ));
        }
        let mut claim = c.get("claim").cloned().unwrap_or_else(|| base.clone());
        if let Some(obj) = claim.as_object_mut() {
            obj.entry("claim_id")
                .or_insert_with(|| Value::String(name.clone()));
            if c.get("claim").is_none() {
                obj.insert("claim_id".into(), Value::String(name.clone()));
            }
        }
        let fail = |what: &str| format!("{}: case `{name}`: {what}", path.display());
        match c.get("set") {
            None => {}
            Some(Value::Object(sets)) => {
                for (p, v) in sets {
                    set_path(&mut claim, p, v.clone()).map_err(|e| fail(&e))?;
                }
            }
            Some(_) => return Err(fail("\"set\" is an object of paths and values")),
        }
        // A case that expects nothing cannot fail: it is refused below unless it
        // compares the whole verdict with a snapshot.
        let expect = match c.get("expect") {
            Some(Value::Object(e)) => e.clone(),
            None => Map::new(),
            Some(_) => return Err(fail("\"expect\" is an object of expectations")),
        };
        if expect
            .get("error")
            .is_some_and(|e| e.as_str().is_none_or(str::is_empty))
        {
            return Err(fail("\"error\" names the text the error must contain"));
        }
        let snapshot = c
            .get("snapshot")
            .and_then(Value::as_bool)
            .unwrap_or(snapshot_all);
        if expect.is_empty() && !snapshot {
            return Err(fail("\"expect\" needs at least one expectation (decision, rule, refund, ...), or the case needs \"snapshot\": true"));
        }
        if cases.iter().any(|x: &Case| x.name == name) {
            return Err(fail("two cases have this name; each needs its own"));
        }
        cases.push(Case {
            text: c
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            expect,
            name,
            claim,
            snapshot,
        });
    }
    Ok(CaseFile { policy, cases })
}

/// Sets `value` at a dotted path with `[n]` indexes, creating objects on the way.
/// The path must name a place the claim contract has (anything goes under
/// `facts` and `rates`): a misspelt or misplaced key would leave the base claim
/// untouched and the case would test nothing.
pub fn set_path(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let steps = parse_path(path)?;
    check_place(path, &steps)?;
    let Some((last, init)) = steps.split_last() else {
        return Err("an empty path".into());
    };
    let mut cur = root;
    for step in init {
        cur = match step {
            Step::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(Map::new());
                }
                let obj = cur.as_object_mut().ok_or("not an object")?;
                obj.entry(k.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            Step::Index(n) => cur
                .as_array_mut()
                .and_then(|a| a.get_mut(*n))
                .ok_or_else(|| format!("`{path}`: there is no position {n}"))?,
        };
    }
    match last {
        Step::Key(k) => {
            if !cur.is_object() {
                *cur = Value::Object(Map::new());
            }
            cur.as_object_mut()
                .ok_or("not an object")?
                .insert(k.clone(), value);
        }
        Step::Index(n) => {
            let slot = cur
                .as_array_mut()
                .and_then(|a| a.get_mut(*n))
                .ok_or_else(|| format!("`{path}`: there is no position {n}"))?;
            *slot = value;
        }
    }
    Ok(())
}

enum Step {
    Key(String),
    Index(usize),
}

/// `order.destination.country`, `items[0].price.amount`: keys joined by dots, each
/// followed by any number of `[n]`.
fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let bad = |why: &str| format!("`{path}` is not a path: {why}");
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/')
        {
            return Err(bad("each part is a key such as `claim` or `filed_at`"));
        }
        steps.push(Step::Key(key.to_string()));
        if !part.contains('[') {
            continue;
        }
        // Each `[n]` is followed by another `[`, or ends the part.
        for _ in 0..part.len() {
            let Some((n, after)) = rest.split_once(']') else {
                return Err(bad("a `[` without its `]`"));
            };
            let n: usize = n
                .parse()
                .map_err(|_| bad("a list position is a number, such as `[0]`"))?;
            steps.push(Step::Index(n));
            match after.strip_prefix('[') {
                Some(more) => rest = more,
                None if after.is_empty() => break,
                None => return Err(bad("nothing may follow `]` but `[` or `.`")),
            }
        }
    }
    Ok(steps)
}

/// Where a step leads in the contract's shape.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Order,
    Destination,
    ItemList,
    Item,
    Condition,
    Part,
    Money,
    Weight,
    List,
    Value,
    Free,
}

fn child(place: Place, key: &str) -> Option<Place> {
    use Place as P;
    Some(match (place, key) {
        (P::Free, _) => P::Free,
        (P::Root, "facts" | "rates") => P::Free,
        (P::Root, "order") => P::Order,
        (P::Root, "items") => P::ItemList,
        (P::Root, "claim") => P::Part,
        (P::Root, "claim_id" | "as_of") => P::Value,
        (P::Order, "destination") => P::Destination,
        (P::Order, "total" | "shipping_paid") => P::Money,
        (
            P::Order,
            "id"
            | "placed_at"
            | "invoiced_at"
            | "shipped_at"
            | "picked_up_by_carrier"
            | "delivered_at"
            | "channel"
            | "payment_method",
        ) => P::Value,
        (P::Destination, "country" | "address_kind") => P::Value,
        (P::Item, "price") => P::Money,
        (P::Item, "weight") => P::Weight,
        (P::Item, "condition") => P::Condition,
        (P::Item, "tags") => P::List,
        (P::Item, "sku" | "category" | "quantity" | "bundle_id") => P::Value,
        (
            P::Condition,
            "opened"
            | "used"
            | "damaged"
            | "original_packaging"
            | "packaging_damaged"
            | "accessories_complete"
            | "labels_intact",
        ) => P::Value,
        (P::Part, "return_cost") => P::Money,
        (P::Part, "items" | "evidence") => P::List,
        (
            P::Part,
            "kind"
            | "filed_at"
            | "reason"
            | "requested_remedy"
            | "preapproved"
            | "authorized_at"
            | "return_label_issued_at"
            | "return_shipped_at"
            | "return_received_at",
        ) => P::Value,
        (P::Money, "amount" | "currency") => P::Value,
        (P::Weight, "value" | "unit") => P::Value,
        _ => return None,
    })
}

fn check_place(path: &str, steps: &[Step]) -> Result<(), String> {
    let mut place = Place::Root;
    for step in steps {
        place = match (step, place) {
            (Step::Index(_), Place::ItemList) => Place::Item,
            (Step::Index(_), Place::List) => Place::Value,
            (Step::Index(_), Place::Free) => Place::Free,
            (Step::Index(n), _) => {
                return Err(format!(
                    "`{path}`: `[{n}]` follows something that is not a list"
                ))
            }
            (Step::Key(k), p) => child(p, k).ok_or_else(|| {
                format!("`{path}`: `{k}` is not a field of a claim at this place")
            })?,
        };
    }
    Ok(())
}

/// Runs one case against a checked policy.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn run(policy: &Policy, case: &Case) -> Outcome {
    run_traced(policy, case, &mut crate::language::eval::Trace::default())
}

/// [`run`], recording the rules and exceptions the case went through.
pub(crate) fn run_traced(
    policy: &Policy,
    case: &Case,
    trace: &mut crate::language::eval::Trace,
) -> Outcome {
    let result = crate::language::eval::facts::decode_value(&case.claim, policy)
        .and_then(|c| crate::language::eval::evaluate_traced(policy, &c, trace));
    match result {
        Ok(v) => {
            let value = serde_json::to_value(&v).unwrap_or(Value::Null);
            let mut problems = compare(&value, &case.expect);
            if let Some(want) = case.expect.get("error") {
                problems.push(format!(
                    "error: expected an invalid claim ({want}), got a verdict"
                ));
            }
            Outcome {
                verdict: Some(v),
                error: None,
                problems,
            }
        }
        Err(e) => {
            let msg = e.to_string();
            let problems = match case.expect.get("error").and_then(Value::as_str) {
                Some(want) if msg.contains(want) => Vec::new(),
                Some(want) => vec![format!("error: expected one naming `{want}`, got `{msg}`")],
                None => vec![format!("the claim was refused: {msg}")],
            };
            Outcome {
                verdict: None,
                error: Some(msg),
                problems,
            }
        }
    }
}

/// The strings of a JSON list (nothing for anything else).
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn decimal_eq(a: &Value, b: &str) -> bool {
    let got = a.as_str().and_then(|s| s.parse::<Decimal>().ok());
    got.is_some() && got == b.parse::<Decimal>().ok()
}

/// What a verdict (as JSON) says, as the expectations of a case that
/// [`compare`] finds met: `decision`, `rule`, `remedy`, `refund`, `payers`,
/// `fee_amounts` (fees whose amount is known), `deductions`, `deadlines`,
/// `missing_evidence` and `items`. A drafted case starts from these.
pub fn expectations(v: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    let list = |key: &str| {
        v.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let text = |e: &Value, key: &str| e.get(key).and_then(Value::as_str).map(str::to_string);
    let amount = |e: &Value| e.get("amount").and_then(|a| a.get("amount")).cloned();
    if let Some(d) = v.get("decision") {
        out.insert("decision".into(), d.clone());
    }
    if let Some(rule) = list("because").first().and_then(|b| text(b, "rule")) {
        out.insert("rule".into(), Value::String(rule));
    }
    if let Some(r) = v.get("remedy").filter(|r| !r.is_null()) {
        out.insert("remedy".into(), r.clone());
    }
    out.insert(
        "refund".into(),
        v.get("refund")
            .and_then(|r| r.get("amount"))
            .cloned()
            .unwrap_or(Value::Null),
    );
    let fees = list("fees");
    if !fees.is_empty() {
        let mut payers = Map::new();
        let mut amounts = Map::new();
        for f in &fees {
            let Some(name) = text(f, "fee") else { continue };
            if let Some(p) = f.get("payer") {
                payers.insert(name.clone(), p.clone());
            }
            if let Some(a) = amount(f) {
                amounts.insert(name, a);
            }
        }
        out.insert("payers".into(), Value::Object(payers));
        if !amounts.is_empty() {
            out.insert("fee_amounts".into(), Value::Object(amounts));
        }
    }
    let deductions: Map<String, Value> = list("deductions")
        .iter()
        .filter_map(|d| Some((text(d, "fee")?, amount(d)?)))
        .collect();
    if !deductions.is_empty() {
        out.insert("deductions".into(), Value::Object(deductions));
    }
    let deadlines: Map<String, Value> = list("deadlines")
        .iter()
        .filter_map(|d| Some((text(d, "name")?, d.get("ends")?.clone())))
        .collect();
    if !deadlines.is_empty() {
        out.insert("deadlines".into(), Value::Object(deadlines));
    }
    out.insert(
        "missing_evidence".into(),
        v.get("missing_evidence")
            .cloned()
            .unwrap_or_else(|| Value::Array(Vec::new())),
    );
    let items: Map<String, Value> = list("items")
        .iter()
        .filter_map(|i| Some((text(i, "sku")?, i.get("decision")?.clone())))
        .collect();
    if !items.is_empty() {
        out.insert("items".into(), Value::Object(items));
    }
    out
}

/// Compares a verdict (as JSON) with expectations; returns the mismatches.
pub fn compare(v: &Value, expect: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    let show = |x: Option<&Value>| x.map_or_else(|| "nothing".to_string(), Value::to_string);
    let because: Vec<&str> = v
        .get("because")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|b| b.get("rule").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    for (key, want) in expect {
        match key.as_str() {
            "decision" | "remedy" => {
                if v.get(key) != Some(want) {
                    out.push(format!("{key}: expected {want}, got {}", show(v.get(key))));
                }
            }
            "rule" => {
                if because.first().copied() != want.as_str() {
                    out.push(format!(
                        "rule: expected {want}, got [{}]",
                        because.join(", ")
                    ));
                }
            }
            "rules" => {
                let want: Vec<&str> = want
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if want != because {
                    out.push(format!(
                        "rules: expected [{}], got [{}]",
                        want.join(", "),
                        because.join(", ")
                    ));
                }
            }
            "refund" => {
                let got = v.get("refund").and_then(|r| r.get("amount"));
                let ok = match (want.as_str(), got) {
                    (None, None) => want.is_null(),
                    (Some(w), Some(g)) => decimal_eq(g, w),
                    _ => false,
                };
                if !ok {
                    out.push(format!("refund: expected {want}, got {}", show(got)));
                }
            }
            "refund_range" => {
                let got = v.get("refund_range");
                let side = |r: Option<&Value>, k: &str| {
                    r.and_then(|r| r.get(k))
                        .and_then(|m| m.get("amount"))
                        .cloned()
                };
                let ok = match (want.as_array().map(Vec::as_slice), got) {
                    (Some([Value::String(lo), Value::String(hi)]), Some(_)) => {
                        side(got, "min").is_some_and(|g| decimal_eq(&g, lo))
                            && side(got, "max").is_some_and(|g| decimal_eq(&g, hi))
                    }
                    (None, None) => want.is_null(),
                    _ => false,
                };
                if !ok {
                    out.push(format!("refund_range: expected {want}, got {}", show(got)));
                }
            }
            "payers" | "fee_amounts" | "deductions" | "possible_deductions" | "deadlines" => {
                let (list, name_key, value_key) = match key.as_str() {
                    "payers" => ("fees", "fee", "payer"),
                    "fee_amounts" => ("fees", "fee", "amount"),
                    "deductions" => ("deductions", "fee", "amount"),
                    "possible_deductions" => ("possible_deductions", "fee", "amount"),
                    _ => ("deadlines", "name", "ends"),
                };
                let entries = v
                    .get(list)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (name, w) in want.as_object().cloned().unwrap_or_default() {
                    let found: Vec<&Value> = entries
                        .iter()
                        .filter(|e| e.get(name_key).and_then(Value::as_str) == Some(name.as_str()))
                        .filter_map(|e| e.get(value_key))
                        .collect();
                    let ok = match &w {
                        // An amount of null: the fee is there and its amount is not known.
                        Value::Null if key == "fee_amounts" => found.iter().any(|f| f.is_null()),
                        Value::Null => found.is_empty(),
                        Value::String(s) if value_key == "amount" => found
                            .iter()
                            .any(|f| f.get("amount").is_some_and(|a| decimal_eq(a, s))),
                        other => found.contains(&other),
                    };
                    if !ok {
                        let got: Vec<String> = found.iter().map(|f| f.to_string()).collect();
                        if got.is_empty() {
                            out.push(format!("{key}.{name}: expected {w}, got nothing (the verdict has no such entry)"));
                            continue;
                        }
                        out.push(format!(
                            "{key}.{name}: expected {w}, got [{}]",
                            got.join(", ")
                        ));
                    }
                }
            }
            "missing_evidence" => {
                let mut got = strings(v.get("missing_evidence"));
                let mut want = strings(Some(want));
                got.sort();
                want.sort();
                if got != want {
                    out.push(format!(
                        "missing_evidence: expected [{}], got [{}]",
                        want.join(", "),
                        got.join(", ")
                    ));
                }
            }
            "items" => {
                let items = v
                    .get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (sku, w) in want.as_object().cloned().unwrap_or_default() {
                    let got = items
                        .iter()
                        .find(|i| i.get("sku").and_then(Value::as_str) == Some(sku.as_str()))
                        .and_then(|i| i.get("decision"));
                    if got != Some(&w) {
                        out.push(format!("items.{sku}: expected {w}, got {}", show(got)));
                    }
                }
            }
            "error" => {}
            other => out.push(format!("unknown expectation `{other}`")),
        }
    }
    out
}
