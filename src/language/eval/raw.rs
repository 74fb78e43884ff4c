//! The raw shape of a claim as the fast path reads it: borrowed strings and
//! values as written, before any of them is checked. Filled by serde
//! (`super::fast`) or by the hand-written scanner (`super::scan`), which share
//! these types and nothing else.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

pub(super) type Str<'a> = Cow<'a, str>;

/// A JSON value's text as written: a number, or a string with its quotes, or a
/// list. serde reads it as a `RawValue`; `super::scan` slices it from the text.
#[derive(Clone, Copy)]
pub(super) struct Raw<'a>(pub(super) &'a str);

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = Deserialize::deserialize(d)?;
        Ok(Raw(raw.get()))
    }
}

/// A JSON object read into `T`. serde's derived structs also accept a JSON array
/// (fields by position); the contract's objects are objects only, so a claim
/// that writes an array where an object belongs leaves the fast path.
pub(super) struct Obj<T>(pub(super) T);

impl<T> std::ops::Deref for Obj<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OnlyMaps<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for OnlyMaps<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(OnlyMaps(std::marker::PhantomData))
            .map(Obj)
    }
}

#[derive(Deserialize)]
pub(super) struct RawClaim<'a> {
    #[serde(borrow)]
    pub(super) claim_id: Str<'a>,
    #[serde(borrow, default)]
    pub(super) as_of: Option<Str<'a>>,
    #[serde(default)]
    pub(super) rates: Option<IgnoredAny>,
    #[serde(borrow)]
    pub(super) order: Obj<RawOrder<'a>>,
    #[serde(borrow)]
    pub(super) items: Vec<Obj<RawItem<'a>>>,
    #[serde(borrow)]
    pub(super) claim: Obj<RawPart<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawOrder<'a> {
    #[serde(borrow, default)]
    pub(super) id: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) placed_at: Str<'a>,
    #[serde(borrow, default)]
    pub(super) invoiced_at: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) shipped_at: Option<Str<'a>>,
    #[serde(default)]
    pub(super) picked_up_by_carrier: Option<bool>,
    #[serde(borrow, default)]
    pub(super) delivered_at: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) channel: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) destination: Option<Obj<RawDestination<'a>>>,
    #[serde(borrow, default)]
    pub(super) payment_method: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) total: Obj<RawMoney<'a>>,
    #[serde(borrow, default)]
    pub(super) shipping_paid: Option<Obj<RawMoney<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct RawDestination<'a> {
    #[serde(borrow, default)]
    pub(super) country: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) address_kind: Option<Str<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawMoney<'a> {
    #[serde(borrow)]
    pub(super) amount: Raw<'a>,
    #[serde(borrow)]
    pub(super) currency: Str<'a>,
}

#[derive(Deserialize)]
pub(super) struct RawWeight<'a> {
    #[serde(borrow)]
    pub(super) value: Raw<'a>,
    #[serde(borrow)]
    pub(super) unit: Str<'a>,
}

#[derive(Deserialize)]
pub(super) struct RawItem<'a> {
    #[serde(borrow)]
    pub(super) sku: Str<'a>,
    #[serde(borrow)]
    pub(super) category: Str<'a>,
    #[serde(borrow)]
    pub(super) price: Obj<RawMoney<'a>>,
    #[serde(borrow)]
    pub(super) quantity: Raw<'a>,
    #[serde(borrow, default)]
    pub(super) weight: Option<Obj<RawWeight<'a>>>,
    #[serde(borrow, default)]
    pub(super) bundle_id: Option<Str<'a>>,
    /// Read only when the policy reads the tags.
    #[serde(borrow, default)]
    pub(super) tags: Option<Raw<'a>>,
    #[serde(default)]
    pub(super) condition: Option<Obj<RawCondition>>,
}

#[derive(Deserialize)]
pub(super) struct RawCondition {
    #[serde(default)]
    pub(super) opened: Option<bool>,
    #[serde(default)]
    pub(super) used: Option<bool>,
    #[serde(default)]
    pub(super) damaged: Option<bool>,
    #[serde(default)]
    pub(super) original_packaging: Option<bool>,
    #[serde(default)]
    pub(super) packaging_damaged: Option<bool>,
    #[serde(default)]
    pub(super) accessories_complete: Option<bool>,
    #[serde(default)]
    pub(super) labels_intact: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct RawPart<'a> {
    #[serde(borrow, default)]
    pub(super) kind: Option<Str<'a>>,
    #[serde(borrow)]
    pub(super) filed_at: Str<'a>,
    #[serde(borrow)]
    pub(super) reason: Str<'a>,
    #[serde(borrow, default)]
    pub(super) requested_remedy: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) items: Option<Vec<Str<'a>>>,
    /// Read only when the policy reads the evidence.
    #[serde(borrow, default)]
    pub(super) evidence: Option<Raw<'a>>,
    #[serde(default)]
    pub(super) preapproved: Option<bool>,
    #[serde(borrow, default)]
    pub(super) authorized_at: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) return_label_issued_at: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) return_shipped_at: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) return_received_at: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(super) return_cost: Option<Obj<RawMoney<'a>>>,
}

impl RawMoney<'_> {
    /// Money with no amount and no currency yet, for the scanner to fill.
    pub(super) fn empty() -> Self {
        RawMoney {
            amount: Raw(""),
            currency: Cow::Borrowed(""),
        }
    }
}

impl RawClaim<'_> {
    /// A claim with nothing read yet, for the scanner to fill in place (its
    /// required keys are checked by the scanner, which marks each one read).
    pub(super) fn empty() -> Self {
        RawClaim {
            claim_id: Cow::Borrowed(""),
            as_of: None,
            rates: None,
            order: Obj(RawOrder::empty()),
            items: Vec::new(),
            claim: Obj(RawPart::empty()),
        }
    }
}

impl RawOrder<'_> {
    pub(super) fn empty() -> Self {
        RawOrder {
            id: None,
            placed_at: Cow::Borrowed(""),
            invoiced_at: None,
            shipped_at: None,
            picked_up_by_carrier: None,
            delivered_at: None,
            channel: None,
            destination: None,
            payment_method: None,
            total: Obj(RawMoney::empty()),
            shipping_paid: None,
        }
    }
}

impl RawItem<'_> {
    pub(super) fn empty() -> Self {
        RawItem {
            sku: Cow::Borrowed(""),
            category: Cow::Borrowed(""),
            price: Obj(RawMoney::empty()),
            quantity: Raw(""),
            weight: None,
            bundle_id: None,
            tags: None,
            condition: None,
        }
    }
}

impl RawPart<'_> {
    pub(super) fn empty() -> Self {
        RawPart {
            kind: None,
            filed_at: Cow::Borrowed(""),
            reason: Cow::Borrowed(""),
            requested_remedy: None,
            items: None,
            evidence: None,
            preapproved: None,
            authorized_at: None,
            return_label_issued_at: None,
            return_shipped_at: None,
            return_received_at: None,
            return_cost: None,
        }
    }
}
