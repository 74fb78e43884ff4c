//! Claims: JSON in the contract's form (shared/contract/claim-facts.md) decoded
//! once, at the boundary, into typed facts. `serde_json::Value` goes no further.
//!
//! What is validated: every required field always, and every optional field the
//! policy reads (its type and, for codes, its list). Fields the policy does not
//! read are not validated, nor kept: the decoded claim holds them as missing.
//! Unknown keys are ignored. Every problem is reported
//! with the JSON path of the field, all at once.

use std::fmt;

use rust_decimal::Decimal;
use serde_json::Value as Json;

pub use super::values::{Moment, Owned};

use crate::language::check::ir::Policy;
use crate::language::money::{Currency, Money};

mod decode;

pub use decode::decode_value;

/// A problem with a claim, naming the field by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in one claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimErrors(pub Vec<InputError>);

impl fmt::Display for ClaimErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ClaimErrors {}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Order {
    pub id: Option<String>,
    pub placed_at: Option<Moment>,
    pub invoiced_at: Option<Moment>,
    pub shipped_at: Option<Moment>,
    pub picked_up: Option<bool>,
    pub delivered_at: Option<Moment>,
    pub channel: Option<String>,
    pub country: Option<String>,
    pub address_kind: Option<String>,
    pub payment_method: Option<String>,
    pub total: Option<Money>,
    pub shipping_paid: Option<Money>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    pub sku: String,
    pub category: String,
    pub price: Option<Money>,
    pub quantity: Decimal,
    /// Grams.
    pub weight: Option<Decimal>,
    pub bundle_id: Option<String>,
    pub tags: Vec<String>,
    pub condition: [Option<bool>; 7],
    pub whole_bundle_claimed: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimPart {
    pub kind: String,
    pub filed_at: Option<Moment>,
    pub reason: String,
    pub requested_remedy: Option<String>,
    pub evidence: Vec<String>,
    pub preapproved: Option<bool>,
    pub authorized_at: Option<Moment>,
    pub label_issued_at: Option<Moment>,
    pub return_shipped_at: Option<Moment>,
    pub return_received_at: Option<Moment>,
    pub return_cost: Option<Money>,
}

/// A decoded claim.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claim {
    pub claim_id: String,
    pub as_of: Option<Moment>,
    pub order: Order,
    pub items: Vec<Item>,
    pub claim: ClaimPart,
    /// Indexes into `items` of the items the claim is about, in claim order.
    pub claimed: Vec<usize>,
    pub custom: Vec<Option<Owned>>,
    pub(super) rates: Rates,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rate {
    key: String,
    value: Result<(Currency, Currency, Decimal), String>,
}

/// A claim's `rates`, in the claim's order, with an index from a pair of
/// currencies to the rate that converts between them, so that a conversion
/// does not scan the list (100,000 rates and 100,000 items would otherwise take
/// minutes). A rate quoted in the direction of the conversion (`USD/CNY` to
/// turn USD into CNY) is used before one quoted the other way (`CNY/USD`,
/// inverted), whatever their order in the claim.
#[derive(Debug, Clone, Default)]
pub(super) struct Rates {
    list: Vec<Rate>,
    first: std::collections::HashMap<(Currency, Currency), usize>,
}

impl PartialEq for Rates {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

impl Rates {
    fn new(list: Vec<Rate>) -> Self {
        let pairs: Vec<(usize, (Currency, Currency))> = list
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let pair = match &r.value {
                    Ok((base, quote, _)) => Some((*base, *quote)),
                    // A rate whose value is wrong still answers for its pair, with its error.
                    Err(_) => r.key.split_once('/').and_then(|(a, b)| {
                        Some((Currency::parse(a.trim())?, Currency::parse(b.trim())?))
                    }),
                };
                pair.map(|p| (i, p))
            })
            .collect();
        let mut first = std::collections::HashMap::new();
        // Each direction as quoted first, then the inverse of the others.
        for &(i, (a, b)) in &pairs {
            first.entry((a, b)).or_insert(i);
        }
        for &(i, (a, b)) in &pairs {
            first.entry((b, a)).or_insert(i);
        }
        Rates { list, first }
    }
}

/// How an amount in one currency becomes an amount in another: multiplied by a
/// rate the claim quotes `FROM/TO`, or divided by one it quotes `TO/FROM`. The
/// quoted rate is used as written: its inverse, rounded to 28 digits, put an
/// amount exactly at a limit (KRW 175,500 at `USD/KRW` 1350 is USD 130) a
/// hair to one side of it.
#[derive(Debug, Clone, Copy)]
pub enum Conversion {
    /// Multiply by it.
    Times(Decimal),
    /// Divide by it (never zero).
    Over(Decimal),
}

impl Conversion {
    /// `amount` converted; `None` when it does not fit a decimal.
    pub fn apply(self, amount: Decimal) -> Option<Decimal> {
        match self {
            Conversion::Times(r) => amount.checked_mul(r),
            Conversion::Over(r) => amount.checked_div(r),
        }
    }
}

impl Claim {
    /// How to convert `from` into `to`, from the claim's `rates` in either direction.
    pub fn rate(&self, from: Currency, to: Currency) -> Result<Conversion, InputError> {
        if from == to {
            return Ok(Conversion::Times(Decimal::ONE));
        }
        let found = self
            .rates
            .first
            .get(&(from, to))
            .and_then(|i| self.rates.list.get(*i));
        if let Some(r) = found {
            match &r.value {
                Ok((base, _, rate)) if *base == from => return Ok(Conversion::Times(*rate)),
                Ok((_, _, rate)) if rate.is_zero() => {
                    return Err(InputError {
                        path: format!("rates.{}", r.key),
                        message: "a rate of zero cannot convert".into(),
                    })
                }
                Ok((_, _, rate)) => return Ok(Conversion::Over(*rate)),
                Err(message) => {
                    return Err(InputError {
                        path: format!("rates.{}", r.key),
                        message: message.clone(),
                    })
                }
            }
        }
        Err(InputError {
            path: "rates".into(),
            message: format!(
                "no exchange rate between {from} and {to}; the policy brings amounts in both together (to compare, add or deduct them), so the claim must give \"{from}/{to}\""
            ),
        })
    }

    /// The path of the rate that converts `from` into `to` (`rates.USD/CAD`),
    /// when the claim gives one in either direction.
    pub fn rate_path(&self, from: Currency, to: Currency) -> Option<String> {
        let r = self
            .rates
            .first
            .get(&(from, to))
            .and_then(|i| self.rates.list.get(*i))?;
        Some(format!("rates.{}", r.key))
    }
}

/// Why a text is not read as JSON, in words for the one who sent it: `what` is
/// the text's name ("the claim", "the body"). serde_json's own words for
/// nesting past what it reads ("recursion limit exceeded": it takes 127
/// levels of lists and objects, the outermost counted) are put as a limit of
/// Clause's, since the text may well be valid JSON.
pub fn describe_json_error(what: &str, e: &serde_json::Error) -> String {
    if e.is_syntax() && e.to_string().starts_with("recursion limit exceeded") {
        format!(
            "{what} nests lists and objects deeper than 127 levels (at line {} column {}), more than Clause reads",
            e.line(),
            e.column()
        )
    } else {
        format!("{what} is not valid JSON: {e}")
    }
}

/// Decodes a claim from JSON text for a policy.
pub fn decode(text: &str, policy: &Policy) -> Result<Claim, ClaimErrors> {
    decode_value(&claim_json(text)?, policy)
}

/// A claim's JSON text as a value, refused as [`decode`] refuses it before
/// reading any field: text that is not JSON (a byte order mark named as such),
/// or a key the contract names given twice in its object (a value would keep
/// the last, which another reader may not).
pub fn claim_json(text: &str) -> Result<Json, ClaimErrors> {
    let json: Json = serde_json::from_str(text).map_err(|e| {
        let message = if text.starts_with('\u{feff}') {
            "the claim starts with a byte order mark (U+FEFF), which JSON does not allow; save the file as UTF-8 without a BOM".to_string()
        } else {
            describe_json_error("the claim", &e)
        };
        ClaimErrors(vec![InputError {
            path: String::new(),
            message,
        }])
    })?;
    let repeated = super::duplicates::duplicate_keys(text);
    if !repeated.is_empty() {
        return Err(ClaimErrors(
            repeated
                .into_iter()
                .map(|path| InputError {
                    path,
                    message: "this key appears more than once in its object; give each key once"
                        .to_string(),
                })
                .collect(),
        ));
    }
    Ok(json)
}

/// Each item's position by its sku, so that a claim with many items is looked
/// up in linear time; `None` for a sku that more than one item has (a claim
/// that names it would be ambiguous).
pub(super) fn sku_index(items: &[Item]) -> std::collections::HashMap<&str, Option<usize>> {
    let mut index = std::collections::HashMap::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        index
            .entry(it.sku.as_str())
            .and_modify(|slot| *slot = None)
            .or_insert(Some(i));
    }
    index
}

/// Marks each item whose bundle (if any) the claim covers whole. Linear in the
/// number of items: a bundle is whole when none of its items is left out.
pub(super) fn mark_whole_bundles(c: &mut Claim) {
    let mut claimed = vec![false; c.items.len()];
    for &i in &c.claimed {
        if let Some(flag) = claimed.get_mut(i) {
            *flag = true;
        }
    }
    let mut incomplete: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (i, it) in c.items.iter().enumerate() {
        if let Some(b) = &it.bundle_id {
            if !claimed.get(i).copied().unwrap_or(false) {
                incomplete.insert(b.clone());
            }
        }
    }
    for it in &mut c.items {
        it.whole_bundle_claimed = it
            .bundle_id
            .as_ref()
            .is_none_or(|b| !incomplete.contains(b));
    }
}
