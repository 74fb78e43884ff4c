//! The fast path for decoding a claim: straight from the JSON text into typed
//! fields with serde, borrowing strings, skipping keys the contract does not
//! name, and never building a `serde_json::Value`.
//!
//! It accepts only claims that are entirely well formed. Anything else — a
//! malformed field (read by the policy or not), a code outside its list, a
//! claim with `rates` or custom `facts`, a duplicate key — makes it step aside,
//! and `facts::decode` reads the claim the careful way, which reports every
//! problem with its JSON path (or ignores fields the policy does not read). So
//! for any claim the two paths give the same result; a test checks it.

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::facts::{mark_whole_bundles, Claim, ClaimPart, Item, Moment, Order};
use super::json::{
    decimal_text, in_domain, is_snake_word, moment_str, money_of, quantity_of, weight_of,
};
use crate::language::check::ir::Policy;
use crate::language::check::types::{CodeDomain, Ty};
use crate::language::check::vocab::{self, Condition, FactRef};
use crate::language::money::Money;

use super::raw::{Obj, Raw, RawClaim, RawItem, RawMoney, RawOrder, RawPart, Str};

/// Whether the policy reads a fact: a malformed optional fact it does not read is
/// read as missing, as the careful path does; one it reads sends the claim there.
struct Reads<'p>(&'p [FactRef]);

impl Reads<'_> {
    fn strict(&self, f: FactRef) -> bool {
        self.0.binary_search(&f).is_ok()
    }

    /// A fact the policy reads: `Some(Some(value))` when well formed, `None` (step
    /// aside) when not. A fact it does not read is not parsed: `Some(None)`.
    fn read<T>(&self, f: FactRef, parse: impl FnOnce() -> Option<T>) -> Option<Option<T>> {
        if !self.strict(f) {
            return Some(None);
        }
        parse().map(Some)
    }

    /// A flag the policy reads, or nothing.
    fn flag(&self, f: FactRef, value: Option<bool>) -> Option<bool> {
        if self.strict(f) {
            value
        } else {
            None
        }
    }
}

/// How the raw claim is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// `super::scan` first, serde when it gives up.
    Scanner,
    /// serde only (for tests that compare the two).
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    Serde,
}

/// The claim, if it is entirely well formed; `None` sends it down the careful path.
pub fn decode(text: &str, policy: &Policy) -> Option<Claim> {
    decode_with(text, policy, Reader::Scanner)
}

pub fn decode_with(text: &str, policy: &Policy, reader: Reader) -> Option<Claim> {
    let reads = Reads(&policy.reads);
    if !policy.facts.is_empty() {
        return None;
    }
    let mut raw = RawClaim::empty();
    let scanned = match reader {
        Reader::Scanner => super::scan::claim(text, &mut raw).is_some(),
        Reader::Serde => false,
    };
    if !scanned {
        if super::scan::careful_only(text) {
            return None;
        }
        let Obj(read): Obj<RawClaim<'_>> = serde_json::from_str(text).ok()?;
        raw = read;
    }
    if raw.rates.is_some() || raw.items.is_empty() {
        return None;
    }
    let mut items = Vec::with_capacity(raw.items.len());
    for it in &raw.items {
        items.push(item(it, &reads)?);
    }
    let claimed = match &raw.claim.items {
        None => (0..items.len()).collect(),
        Some(skus) => {
            // A few items are searched in turn; many get an index (no quadratic work).
            let index = (items.len() > 8).then(|| super::facts::sku_index(&items));
            let find = |sku: &str| -> Option<usize> {
                match &index {
                    Some(index) => index.get(sku).copied().flatten(),
                    None => {
                        let mut found = items.iter().enumerate().filter(|(_, it)| it.sku == sku);
                        let first = found.next()?.0;
                        // A SKU given to two items names neither.
                        found.next().is_none().then_some(first)
                    }
                }
            };
            let mut seen = vec![false; items.len()];
            let mut out = Vec::with_capacity(skus.len());
            for sku in skus {
                let idx = find(sku.as_ref())?;
                let flag = seen.get_mut(idx)?;
                if !*flag {
                    *flag = true;
                    out.push(idx);
                }
            }
            if out.is_empty() {
                return None;
            }
            out
        }
    };
    let part = part(&raw.claim, &reads)?;
    let as_of = match &raw.as_of {
        Some(s) => {
            let at = reads.read(FactRef::AsOf, || moment_str(s).ok())?;
            // An as_of before the filing is an input error: the careful decoder words it.
            if let (Some(at), Some(filed)) = (at, part.filed_at) {
                if at.surely_before(filed, policy.timezone) {
                    return None;
                }
            }
            at.or(part.filed_at)
        }
        None => part.filed_at,
    };
    // An empty claim_id is an input error: the careful decoder reports it.
    if raw.claim_id.is_empty() {
        return None;
    }
    let mut claim = Claim {
        claim_id: raw.claim_id.into_owned(),
        as_of,
        order: order(&raw.order, &reads)?,
        items,
        claim: part,
        claimed,
        ..Claim::default()
    };
    mark_whole_bundles(&mut claim);
    Some(claim)
}

fn time(s: &Option<Str<'_>>, fact: FactRef, reads: &Reads<'_>) -> Option<Option<Moment>> {
    match s {
        None => Some(None),
        Some(s) => reads.read(fact, || moment_str(s).ok()),
    }
}

/// A code of a standard fact, checked against its list.
fn code(s: &Option<Str<'_>>, fact: FactRef, reads: &Reads<'_>) -> Option<Option<String>> {
    match s {
        None => Some(None),
        Some(s) => reads.read(fact, || valid_code(s, fact).map(|()| s.to_string())),
    }
}

fn valid_code(s: &str, fact: FactRef) -> Option<()> {
    let info = vocab::VOCABULARY.iter().find(|f| f.fact == fact)?;
    match &info.ty {
        Ty::Code(d) | Ty::Codes(d) => in_domain(s, d).ok(),
        _ => Some(()),
    }
}

/// A list of strings (`null` is an empty list).
fn strings(raw: Raw<'_>) -> Option<Vec<String>> {
    if let Some(list) = super::scan::string_list(raw.0) {
        return Some(
            list.unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
        );
    }
    let list: Option<Vec<Str<'_>>> = serde_json::from_str(raw.0).ok()?;
    Some(
        list.unwrap_or_default()
            .into_iter()
            .map(Cow::into_owned)
            .collect(),
    )
}

fn decimal(raw: Raw<'_>) -> Option<Decimal> {
    let text = raw.0;
    // A quoted amount without escapes is its text between the quotes.
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        if !inner.contains('\\') {
            return decimal_text(inner, false);
        }
    }
    if text.starts_with('"') {
        let s: Str<'_> = serde_json::from_str(text).ok()?;
        decimal_text(&s, false)
    } else {
        decimal_text(text, true)
    }
}

/// A count: a JSON number only (a quoted one is left to the careful decoder,
/// which refuses it).
fn count(raw: Raw<'_>) -> Option<Decimal> {
    (!raw.0.starts_with('"')).then(|| decimal(raw)).flatten()
}

fn money(m: &RawMoney<'_>) -> Option<Money> {
    money_of(decimal(m.amount)?, &m.currency, String::new).ok()
}

fn optional_money(
    m: &Option<Obj<RawMoney<'_>>>,
    fact: FactRef,
    reads: &Reads<'_>,
) -> Option<Option<Money>> {
    match m {
        None => Some(None),
        Some(m) => reads.read(fact, || money(m)),
    }
}

fn order(o: &RawOrder<'_>, r: &Reads<'_>) -> Option<Order> {
    let (country, address_kind) = match &o.destination {
        Some(d) => (
            code(&d.country, FactRef::Country, r)?,
            code(&d.address_kind, FactRef::AddressKind, r)?,
        ),
        None => (None, None),
    };
    Some(Order {
        id: o
            .id
            .as_ref()
            .filter(|_| r.strict(FactRef::OrderId))
            .map(|s| s.to_string()),
        placed_at: Some(moment_str(&o.placed_at).ok()?),
        invoiced_at: time(&o.invoiced_at, FactRef::InvoicedAt, r)?,
        shipped_at: time(&o.shipped_at, FactRef::ShippedAt, r)?,
        picked_up: r.flag(FactRef::PickedUp, o.picked_up_by_carrier),
        delivered_at: time(&o.delivered_at, FactRef::DeliveredAt, r)?,
        channel: code(&o.channel, FactRef::Channel, r)?,
        country,
        address_kind,
        payment_method: code(&o.payment_method, FactRef::PaymentMethod, r)?,
        total: Some(money(&o.total)?),
        shipping_paid: optional_money(&o.shipping_paid, FactRef::ShippingPaid, r)?,
    })
}

fn item(i: &RawItem<'_>, r: &Reads<'_>) -> Option<Item> {
    let weight = match &i.weight {
        None => None,
        Some(w) => r.read(FactRef::Weight, || {
            decimal(w.value).and_then(|v| weight_of(v, &w.unit).ok())
        })?,
    };
    let condition = match &i.condition {
        None => [None; 7],
        Some(c) => [
            r.flag(FactRef::Cond(Condition::Opened), c.opened),
            r.flag(FactRef::Cond(Condition::Used), c.used),
            r.flag(FactRef::Cond(Condition::Damaged), c.damaged),
            r.flag(
                FactRef::Cond(Condition::OriginalPackaging),
                c.original_packaging,
            ),
            r.flag(
                FactRef::Cond(Condition::PackagingDamaged),
                c.packaging_damaged,
            ),
            r.flag(
                FactRef::Cond(Condition::AccessoriesComplete),
                c.accessories_complete,
            ),
            r.flag(FactRef::Cond(Condition::LabelsIntact), c.labels_intact),
        ],
    };
    // A category that is not a snake_case word is an input error, which the
    // careful decoder words.
    if !is_snake_word(&i.category) || i.sku.is_empty() {
        return None;
    }
    Some(Item {
        sku: i.sku.to_string(),
        category: i.category.to_string(),
        price: Some(money(&i.price)?),
        quantity: quantity_of(count(i.quantity)?)?,
        weight,
        bundle_id: i
            .bundle_id
            .as_ref()
            .filter(|_| r.strict(FactRef::BundleId))
            .map(|s| s.to_string()),
        tags: match i.tags {
            Some(t) if r.strict(FactRef::Tags) => strings(t)?,
            _ => Vec::new(),
        },
        condition,
        whole_bundle_claimed: true,
    })
}

fn part(p: &RawPart<'_>, r: &Reads<'_>) -> Option<ClaimPart> {
    let kind = match &p.kind {
        None => "return".to_string(),
        Some(k) => {
            valid_code(k, FactRef::Kind)?;
            k.to_string()
        }
    };
    valid_code(&p.reason, FactRef::Reason)?;
    let evidence = match p.evidence {
        Some(list) if r.strict(FactRef::Evidence) => {
            let list = strings(list)?;
            let domain = CodeDomain::Fixed(vocab::EVIDENCE);
            for e in &list {
                in_domain(e, &domain).ok()?;
            }
            list
        }
        _ => Vec::new(),
    };
    Some(ClaimPart {
        kind,
        filed_at: Some(moment_str(&p.filed_at).ok()?),
        reason: p.reason.to_string(),
        requested_remedy: code(&p.requested_remedy, FactRef::RequestedRemedy, r)?,
        evidence,
        preapproved: r.flag(FactRef::Preapproved, p.preapproved),
        authorized_at: time(&p.authorized_at, FactRef::AuthorizedAt, r)?,
        label_issued_at: time(&p.return_label_issued_at, FactRef::LabelIssuedAt, r)?,
        return_shipped_at: time(&p.return_shipped_at, FactRef::ReturnShippedAt, r)?,
        return_received_at: time(&p.return_received_at, FactRef::ReturnReceivedAt, r)?,
        return_cost: optional_money(&p.return_cost, FactRef::ReturnCost, r)?,
    })
}
