//! Duplicate object keys in a claim. JSON leaves their meaning open and readers
//! differ (most keep the last value, some the first), so a claim that repeats a
//! key the contract names could mean one thing to the merchant's backend and
//! another to Clause: it is refused, naming the path of every repeated key. Keys
//! the contract does not name are ignored, repeated or not, as everywhere else
//! (the fast decoder ignores them the same way; the claim fuzz target checks that
//! the two paths agree).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The paths (`items[0].price.amount`) of every key that appears more than once
/// in its object, in document order; empty when none does or the text is not JSON
/// (the decoder reports that itself).
pub(super) fn duplicate_keys(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Walk {
        path: String::new(),
        shape: &CLAIM,
        found: &mut found,
    };
    // Not JSON: nothing to add to the decoder's own error.
    if seed.deserialize(&mut de).is_err() {
        return Vec::new();
    }
    found
}

/// The keys the contract names, object by object.
enum Shape {
    /// A value with no keys of interest inside (or one the contract does not name).
    Leaf,
    /// An object whose every key is the claim's own (`rates`, custom `facts`).
    Open,
    /// An object with these named keys; other keys are skipped.
    Object(&'static [(&'static str, Shape)]),
    /// A list of values of one shape.
    List(&'static Shape),
}

const MONEY: Shape = Shape::Object(&[("amount", Shape::Leaf), ("currency", Shape::Leaf)]);
const CONDITION: Shape = Shape::Object(&[
    ("opened", Shape::Leaf),
    ("used", Shape::Leaf),
    ("damaged", Shape::Leaf),
    ("original_packaging", Shape::Leaf),
    ("packaging_damaged", Shape::Leaf),
    ("accessories_complete", Shape::Leaf),
    ("labels_intact", Shape::Leaf),
]);
const ITEM: Shape = Shape::Object(&[
    ("sku", Shape::Leaf),
    ("category", Shape::Leaf),
    ("price", MONEY),
    ("quantity", Shape::Leaf),
    (
        "weight",
        Shape::Object(&[("value", Shape::Leaf), ("unit", Shape::Leaf)]),
    ),
    ("bundle_id", Shape::Leaf),
    ("tags", Shape::Leaf),
    ("condition", CONDITION),
]);
const CLAIM: Shape = Shape::Object(&[
    ("claim_id", Shape::Leaf),
    ("as_of", Shape::Leaf),
    ("rates", Shape::Open),
    ("facts", Shape::Open),
    (
        "order",
        Shape::Object(&[
            ("id", Shape::Leaf),
            ("placed_at", Shape::Leaf),
            ("invoiced_at", Shape::Leaf),
            ("shipped_at", Shape::Leaf),
            ("picked_up_by_carrier", Shape::Leaf),
            ("delivered_at", Shape::Leaf),
            ("channel", Shape::Leaf),
            (
                "destination",
                Shape::Object(&[("country", Shape::Leaf), ("address_kind", Shape::Leaf)]),
            ),
            ("payment_method", Shape::Leaf),
            ("total", MONEY),
            ("shipping_paid", MONEY),
        ]),
    ),
    ("items", Shape::List(&ITEM)),
    (
        "claim",
        Shape::Object(&[
            ("kind", Shape::Leaf),
            ("filed_at", Shape::Leaf),
            ("reason", Shape::Leaf),
            ("requested_remedy", Shape::Leaf),
            ("items", Shape::Leaf),
            ("evidence", Shape::Leaf),
            ("preapproved", Shape::Leaf),
            ("authorized_at", Shape::Leaf),
            ("return_label_issued_at", Shape::Leaf),
            ("return_shipped_at", Shape::Leaf),
            ("return_received_at", Shape::Leaf),
            ("return_cost", MONEY),
        ]),
    ),
]);

/// One JSON value at `path`, walked for repeated keys.
struct Walk<'a> {
    path: String,
    shape: &'static Shape,
    found: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let path = format!("{}[{i}]", self.path);
            let shape = match self.shape {
                Shape::List(item) => item,
                _ => &Shape::Leaf,
            };
            let seed = Walk {
                path,
                shape,
                found: &mut *self.found,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let shape = match self.shape {
                Shape::Open => Some(&Shape::Leaf),
                Shape::Object(keys) => keys.iter().find(|(k, _)| *k == key).map(|(_, s)| s),
                Shape::Leaf | Shape::List(_) => None,
            };
            let Some(shape) = shape else {
                map.next_value::<de::IgnoredAny>()?;
                continue;
            };
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if !seen.insert(key) {
                self.found.push(path.clone());
            }
            map.next_value_seed(Walk {
                path,
                shape,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }
}
