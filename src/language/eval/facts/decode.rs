//! The decoder: a claim's JSON read field by field against what the policy
//! reads, collecting every problem with its JSON path.

use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};

use super::super::json::{
    boolean, decimal, in_domain, moment, money, owned, quantity, show, snake_word, string, weight,
};
use super::{
    mark_whole_bundles, sku_index, Claim, ClaimErrors, ClaimPart, InputError, Item, Order, Owned,
    Rate, Rates,
};
use crate::language::check::ir::Policy;
use crate::language::check::types::Ty;
use crate::language::check::vocab::{self, Condition, FactRef};
use crate::language::money::Currency;

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

    /// A problem with the value at `path`, put at the part it names: money and
    /// weights say which of their parts is wrong (`currency: ...`), a list which
    /// element (`[1]: ...`).
    fn err_in(&mut self, path: &str, m: &str) {
        match m.split_once(": ") {
            Some((part, rest)) if ["amount", "currency", "value", "unit"].contains(&part) => {
                self.err(&format!("{path}.{part}"), rest);
            }
            Some((index, rest))
                if index
                    .strip_prefix('[')
                    .and_then(|i| i.strip_suffix(']'))
                    .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit())) =>
            {
                self.err(&format!("{path}{index}"), rest);
            }
            _ => self.err(path, m),
        }
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
                        self.err_in(path, &m);
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
        if c.claim_id.is_empty() && root.get("claim_id").is_some_and(Json::is_string) {
            // A verdict names its claim: an empty name names none (the schemas say minLength 1).
            self.err("claim_id", "the claim_id is empty");
        }
        let order = self.object(root, "order", "order", true);
        let part = self.object(root, "claim", "claim", true);
        c.order = self.order(order);
        c.claim = self.claim_part(part);
        let as_of = self.field(
            Some(root),
            "as_of",
            "as_of",
            Some(FactRef::AsOf),
            false,
            moment,
        );
        if let (Some(at), Some(filed)) = (as_of, c.claim.filed_at) {
            if at.surely_before(filed, policy.timezone) {
                self.err(
                    "as_of",
                    "is before claim.filed_at: a verdict is computed at the claim's filing or later",
                );
            }
        }
        c.as_of = as_of.or(c.claim.filed_at);
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
        let sku = self
            .field(o, "sku", &format!("{p}.sku"), None, true, string)
            .unwrap_or_default();
        if sku.is_empty() && o.and_then(|o| o.get("sku")).is_some_and(Json::is_string) {
            // A verdict names an item by its sku: an empty one names none (the schemas say minLength 1).
            self.err(&format!("{p}.sku"), "the sku is empty");
        }
        Item {
            sku,
            category: self
                .field(
                    o,
                    "category",
                    &format!("{p}.category"),
                    None,
                    true,
                    snake_word,
                )
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
                            self.err_in(&path, &m);
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
