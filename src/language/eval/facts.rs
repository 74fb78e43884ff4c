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
use serde_json::{Map, Value as Json};

pub use super::values::{Moment, Owned};

use super::json::{
    boolean, decimal, in_domain, moment, money, owned, quantity, show, string, weight,
};
use crate::language::check::ir::Policy;
use crate::language::check::types::Ty;
use crate::language::check::vocab::{self, Condition, FactRef};
use crate::language::money::{Currency, Money};

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
/// currencies (either way round) to the first rate that converts between
/// them, so that a conversion does not scan the list (100,000 rates and
/// 100,000 items would otherwise take minutes).
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
        let mut first = std::collections::HashMap::new();
        for (i, r) in list.iter().enumerate() {
            let pair = match &r.value {
                Ok((base, quote, _)) => Some((*base, *quote)),
                // A rate whose value is wrong still answers for its pair, with its error.
                Err(_) => r.key.split_once('/').and_then(|(a, b)| {
                    Some((Currency::parse(a.trim())?, Currency::parse(b.trim())?))
                }),
            };
            if let Some((a, b)) = pair {
                first.entry((a, b)).or_insert(i);
                first.entry((b, a)).or_insert(i);
            }
        }
        Rates { list, first }
    }
}

impl Claim {
    /// The rate to convert `from` into `to`, from the claim's `rates` in either direction.
    pub fn rate(&self, from: Currency, to: Currency) -> Result<Decimal, InputError> {
        if from == to {
            return Ok(Decimal::ONE);
        }
        let found = self
            .rates
            .first
            .get(&(from, to))
            .and_then(|i| self.rates.list.get(*i));
        if let Some(r) = found {
            match &r.value {
                Ok((base, _, rate)) if *base == from => return Ok(*rate),
                Ok((_, _, rate)) => {
                    return Decimal::ONE.checked_div(*rate).ok_or_else(|| InputError {
                        path: format!("rates.{}", r.key),
                        message: "a rate of zero cannot convert".into(),
                    })
                }
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
                "no exchange rate between {from} and {to}; the policy compares amounts in both, so the claim must give \"{from}/{to}\""
            ),
        })
    }
}

/// Decodes a claim from JSON text for a policy.
pub fn decode(text: &str, policy: &Policy) -> Result<Claim, ClaimErrors> {
    let json: Json = serde_json::from_str(text).map_err(|e| {
        let message = if text.starts_with('\u{feff}') {
            "the claim starts with a byte order mark (U+FEFF), which JSON does not allow; save the file as UTF-8 without a BOM".to_string()
        } else {
            format!("the claim is not valid JSON: {e}")
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
    decode_value(&json, policy)
}

/// Decodes a claim from parsed JSON.
pub fn decode_value(json: &Json, policy: &Policy) -> Result<Claim, ClaimErrors> {
    let mut d = Decoder {
        reads: &policy.reads,
        errors: Vec::new(),
    };
    let claim = d.claim(json, policy);
    if d.errors.is_empty() {
        Ok(claim)
    } else {
        Err(ClaimErrors(d.errors))
    }
}

struct Decoder<'p> {
    reads: &'p [FactRef],
    errors: Vec<InputError>,
}

type Parse<T> = fn(&Json) -> Result<T, String>;

impl Decoder<'_> {
    fn err(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(InputError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Reads `obj[key]`: a required field must be there; a field is validated when
    /// it is required or the policy reads it, and otherwise skipped if malformed.
    fn field<T>(
        &mut self,
        obj: Option<&Map<String, Json>>,
        key: &str,
        path: &str,
        fact: Option<FactRef>,
        required: bool,
        parse: Parse<T>,
    ) -> Option<T> {
        let strict = required || fact.is_some_and(|f| self.reads.contains(&f));
        if !strict && fact.is_some() {
            // A fact the policy does not read is neither validated nor kept.
            return None;
        }
        match obj.and_then(|o| o.get(key)) {
            None | Some(Json::Null) => {
                if required {
                    self.err(path, "is required");
                }
                None
            }
            Some(v) => match parse(v) {
                Ok(t) => Some(t),
                Err(m) => {
                    if strict {
                        // Money and weights say which part is wrong: name it in the path.
                        match m.split_once(": ") {
                            Some((part, rest))
                                if ["amount", "currency", "value", "unit"].contains(&part) =>
                            {
                                self.err(&format!("{path}.{part}"), rest);
                            }
                            _ => self.err(path, m),
                        }
                    }
                    None
                }
            },
        }
    }

    fn code(
        &mut self,
        obj: Option<&Map<String, Json>>,
        key: &str,
        path: &str,
        fact: FactRef,
        required: bool,
    ) -> Option<String> {
        let s = self.field(obj, key, path, Some(fact), required, string)?;
        let strict = required || self.reads.contains(&fact);
        if let Some(info) = vocab::VOCABULARY.iter().find(|f| f.fact == fact) {
            if let Ty::Code(domain) | Ty::Codes(domain) = &info.ty {
                if let Err(m) = in_domain(&s, domain) {
                    if strict {
                        self.err(path, m);
                    }
                    return None;
                }
            }
        }
        Some(s)
    }

    fn claim(&mut self, json: &Json, policy: &Policy) -> Claim {
        let Some(root) = json.as_object() else {
            self.err(
                "",
                format!("a claim must be a JSON object, found {}", kind_of(json)),
            );
            return Claim::default();
        };
        let mut c = Claim {
            claim_id: self
                .field(Some(root), "claim_id", "claim_id", None, true, string)
                .unwrap_or_default(),
            ..Claim::default()
        };
        let order = self.object(root, "order", "order", true);
        let part = self.object(root, "claim", "claim", true);
        c.order = self.order(order);
        c.claim = self.claim_part(part);
        c.as_of = self
            .field(
                Some(root),
                "as_of",
                "as_of",
                Some(FactRef::AsOf),
                false,
                moment,
            )
            .or(c.claim.filed_at);
        c.items = self.items(root);
        c.claimed = self.claimed(part, &c.items);
        mark_whole_bundles(&mut c);
        c.rates = self.rates(root);
        c.custom = self.custom(root, policy);
        c
    }

    fn object<'j>(
        &mut self,
        obj: &'j Map<String, Json>,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<&'j Map<String, Json>> {
        match obj.get(key) {
            Some(Json::Object(o)) => Some(o),
            None | Some(Json::Null) => {
                if required {
                    self.err(path, "is required");
                }
                None
            }
            Some(other) => {
                self.err(path, format!("{} is not an object", show(other)));
                None
            }
        }
    }

    fn order(&mut self, o: Option<&Map<String, Json>>) -> Order {
        use FactRef as F;
        let destination = match o.and_then(|o| o.get("destination")) {
            Some(Json::Object(d)) => Some(d),
            Some(Json::Null) | None => None,
            Some(other) => {
                if self.reads.contains(&F::Country) || self.reads.contains(&F::AddressKind) {
                    self.err(
                        "order.destination",
                        format!("{} is not an object", show(other)),
                    );
                }
                None
            }
        };
        Order {
            id: self.field(o, "id", "order.id", Some(F::OrderId), false, string),
            placed_at: self.field(
                o,
                "placed_at",
                "order.placed_at",
                Some(F::PlacedAt),
                true,
                moment,
            ),
            invoiced_at: self.field(
                o,
                "invoiced_at",
                "order.invoiced_at",
                Some(F::InvoicedAt),
                false,
                moment,
            ),
            shipped_at: self.field(
                o,
                "shipped_at",
                "order.shipped_at",
                Some(F::ShippedAt),
                false,
                moment,
            ),
            picked_up: self.field(
                o,
                "picked_up_by_carrier",
                "order.picked_up_by_carrier",
                Some(F::PickedUp),
                false,
                boolean,
            ),
            delivered_at: self.field(
                o,
                "delivered_at",
                "order.delivered_at",
                Some(F::DeliveredAt),
                false,
                moment,
            ),
            channel: self.code(o, "channel", "order.channel", F::Channel, false),
            country: self.code(
                destination,
                "country",
                "order.destination.country",
                F::Country,
                false,
            ),
            address_kind: self.code(
                destination,
                "address_kind",
                "order.destination.address_kind",
                F::AddressKind,
                false,
            ),
            payment_method: self.code(
                o,
                "payment_method",
                "order.payment_method",
                F::PaymentMethod,
                false,
            ),
            total: self.field(o, "total", "order.total", Some(F::Total), true, money),
            shipping_paid: self.field(
                o,
                "shipping_paid",
                "order.shipping_paid",
                Some(F::ShippingPaid),
                false,
                money,
            ),
        }
    }

    fn claim_part(&mut self, o: Option<&Map<String, Json>>) -> ClaimPart {
        use FactRef as F;
        let kind = match o.and_then(|o| o.get("kind")) {
            None | Some(Json::Null) => Some("return".to_string()),
            Some(_) => self.code(o, "kind", "claim.kind", F::Kind, true),
        };
        let evidence = self.list(o, "evidence", "claim.evidence", F::Evidence);
        ClaimPart {
            kind: kind.unwrap_or_default(),
            filed_at: self.field(
                o,
                "filed_at",
                "claim.filed_at",
                Some(F::FiledAt),
                true,
                moment,
            ),
            reason: self
                .code(o, "reason", "claim.reason", F::Reason, true)
                .unwrap_or_default(),
            requested_remedy: self.code(
                o,
                "requested_remedy",
                "claim.requested_remedy",
                F::RequestedRemedy,
                false,
            ),
            evidence,
            preapproved: self.field(
                o,
                "preapproved",
                "claim.preapproved",
                Some(F::Preapproved),
                false,
                boolean,
            ),
            authorized_at: self.field(
                o,
                "authorized_at",
                "claim.authorized_at",
                Some(F::AuthorizedAt),
                false,
                moment,
            ),
            label_issued_at: self.field(
                o,
                "return_label_issued_at",
                "claim.return_label_issued_at",
                Some(F::LabelIssuedAt),
                false,
                moment,
            ),
            return_shipped_at: self.field(
                o,
                "return_shipped_at",
                "claim.return_shipped_at",
                Some(F::ReturnShippedAt),
                false,
                moment,
            ),
            return_received_at: self.field(
                o,
                "return_received_at",
                "claim.return_received_at",
                Some(F::ReturnReceivedAt),
                false,
                moment,
            ),
            return_cost: self.field(
                o,
                "return_cost",
                "claim.return_cost",
                Some(F::ReturnCost),
                false,
                money,
            ),
        }
    }

    /// A list of codes; a missing list is empty.
    fn list(
        &mut self,
        o: Option<&Map<String, Json>>,
        key: &str,
        path: &str,
        fact: FactRef,
    ) -> Vec<String> {
        let strict = self.reads.contains(&fact);
        let domain = vocab::VOCABULARY
            .iter()
            .find(|f| f.fact == fact)
            .and_then(|f| match &f.ty {
                Ty::Codes(d) => Some(d.clone()),
                _ => None,
            });
        if !strict {
            return Vec::new();
        }
        match o.and_then(|o| o.get(key)) {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(values)) => {
                let mut out = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    let checked = string(v).and_then(|s| match &domain {
                        Some(d) => in_domain(&s, d).map(|_| s),
                        None => Ok(s),
                    });
                    match checked {
                        Ok(s) => out.push(s),
                        Err(m) if strict => self.err(&format!("{path}[{i}]"), m),
                        Err(_) => {}
                    }
                }
                out
            }
            Some(other) => {
                if strict {
                    self.err(path, format!("{} is not a list", show(other)));
                }
                Vec::new()
            }
        }
    }

    fn items(&mut self, root: &Map<String, Json>) -> Vec<Item> {
        let values = match root.get("items") {
            Some(Json::Array(v)) if !v.is_empty() => v,
            Some(Json::Array(_)) => {
                self.err("items", "a claim needs at least one item");
                return Vec::new();
            }
            None | Some(Json::Null) => {
                self.err("items", "is required");
                return Vec::new();
            }
            Some(other) => {
                self.err("items", format!("{} is not a list", show(other)));
                return Vec::new();
            }
        };
        let mut items = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            let p = format!("items[{i}]");
            let Some(o) = v.as_object() else {
                self.err(&p, format!("{} is not an object", show(v)));
                continue;
            };
            items.push(self.item(o, &p));
        }
        items
    }

    fn item(&mut self, o: &Map<String, Json>, p: &str) -> Item {
        use FactRef as F;
        let o = Some(o);
        let cond = match o.and_then(|o| o.get("condition")) {
            Some(Json::Object(c)) => Some(c),
            None | Some(Json::Null) => None,
            Some(other) => {
                if self.reads.iter().any(|f| matches!(f, F::Cond(_))) {
                    self.err(
                        &format!("{p}.condition"),
                        format!("{} is not an object", show(other)),
                    );
                }
                None
            }
        };
        const FLAGS: [(&str, Condition); 7] = [
            ("opened", Condition::Opened),
            ("used", Condition::Used),
            ("damaged", Condition::Damaged),
            ("original_packaging", Condition::OriginalPackaging),
            ("packaging_damaged", Condition::PackagingDamaged),
            ("accessories_complete", Condition::AccessoriesComplete),
            ("labels_intact", Condition::LabelsIntact),
        ];
        let mut condition = [None; 7];
        for (slot, (key, which)) in condition.iter_mut().zip(FLAGS) {
            *slot = self.field(
                cond,
                key,
                &format!("{p}.condition.{key}"),
                Some(F::Cond(which)),
                false,
                boolean,
            );
        }
        Item {
            sku: self
                .field(o, "sku", &format!("{p}.sku"), None, true, string)
                .unwrap_or_default(),
            category: self
                .field(o, "category", &format!("{p}.category"), None, true, string)
                .unwrap_or_default(),
            price: self.field(
                o,
                "price",
                &format!("{p}.price"),
                Some(F::Price),
                true,
                money,
            ),
            quantity: self
                .field(
                    o,
                    "quantity",
                    &format!("{p}.quantity"),
                    None,
                    true,
                    quantity,
                )
                .unwrap_or(Decimal::ONE),
            weight: self.field(
                o,
                "weight",
                &format!("{p}.weight"),
                Some(F::Weight),
                false,
                weight,
            ),
            bundle_id: self.field(
                o,
                "bundle_id",
                &format!("{p}.bundle_id"),
                Some(F::BundleId),
                false,
                string,
            ),
            tags: self.list(o, "tags", &format!("{p}.tags"), F::Tags),
            condition,
            whole_bundle_claimed: true,
        }
    }

    fn claimed(&mut self, part: Option<&Map<String, Json>>, items: &[Item]) -> Vec<usize> {
        match part.and_then(|p| p.get("items")) {
            None | Some(Json::Null) => (0..items.len()).collect(),
            Some(Json::Array(skus)) => {
                let index = sku_index(items);
                let mut seen = vec![false; items.len()];
                let mut out = Vec::new();
                for (i, s) in skus.iter().enumerate() {
                    let path = format!("claim.items[{i}]");
                    match s.as_str() {
                        Some(sku) => match index.get(sku).copied() {
                            Some(None) => self.err(
                                &path,
                                format!("\"{sku}\" is the sku of more than one item of the order"),
                            ),
                            Some(Some(idx)) if !seen.get(idx).copied().unwrap_or(true) => {
                                if let Some(flag) = seen.get_mut(idx) {
                                    *flag = true;
                                }
                                out.push(idx);
                            }
                            Some(Some(_)) => {}
                            None => self.err(
                                &path,
                                format!("\"{sku}\" is not the sku of any item of the order"),
                            ),
                        },
                        None => self.err(&path, format!("{} is not a sku", show(s))),
                    }
                }
                if out.is_empty() && self.errors.is_empty() {
                    self.err("claim.items", "names no item");
                }
                out
            }
            Some(other) => {
                self.err(
                    "claim.items",
                    format!("{} is not a list of skus", show(other)),
                );
                Vec::new()
            }
        }
    }

    fn rates(&mut self, root: &Map<String, Json>) -> Rates {
        let rates = match root.get("rates") {
            Some(Json::Object(r)) => r,
            None | Some(Json::Null) => return Rates::default(),
            Some(other) => {
                self.err(
                    "rates",
                    format!(
                        "{} is not an object of rates such as {{\"USD/CNY\": \"7.1012\"}}",
                        show(other)
                    ),
                );
                return Rates::default();
            }
        };
        let list = rates
            .iter()
            .map(|(key, v)| {
                let value = (|| {
                    let (a, b) = key
                        .split_once('/')
                        .ok_or("a rate's key is \"BASE/QUOTE\", such as \"USD/CNY\"")?;
                    let base = Currency::parse(a)
                        .ok_or_else(|| format!("`{a}` is not an ISO 4217 currency"))?;
                    let quote = Currency::parse(b)
                        .ok_or_else(|| format!("`{b}` is not an ISO 4217 currency"))?;
                    let rate = decimal(v)?;
                    if rate <= Decimal::ZERO {
                        return Err("a rate must be more than zero".to_string());
                    }
                    Ok((base, quote, rate))
                })();
                Rate {
                    key: key.clone(),
                    value,
                }
            })
            .collect();
        Rates::new(list)
    }

    fn custom(&mut self, root: &Map<String, Json>, policy: &Policy) -> Vec<Option<Owned>> {
        let facts = match root.get("facts") {
            Some(Json::Object(f)) => Some(f),
            None | Some(Json::Null) => None,
            Some(other) => {
                if !policy.facts.is_empty() {
                    self.err("facts", format!("{} is not an object", show(other)));
                }
                None
            }
        };
        policy
            .facts
            .iter()
            .map(|decl| {
                let path = format!("facts.{}", decl.name);
                match facts.and_then(|f| f.get(&decl.name)) {
                    None | Some(Json::Null) => {
                        if !decl.optional {
                            self.err(&path, "is required by this policy");
                        }
                        None
                    }
                    Some(v) => match owned(v, &decl.ty) {
                        Ok(o) => Some(o),
                        Err(m) => {
                            self.err(&path, m);
                            None
                        }
                    },
                }
            })
            .collect()
    }
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "true or false",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
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
