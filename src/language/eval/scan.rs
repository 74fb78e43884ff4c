//! A hand-written reader for claims in the contract's usual shape, for the fast
//! path: one pass over the bytes into the same raw structs serde fills in
//! `super::fast`, without serde's per-key dispatch.
//!
//! It is strict and gives up easily: any string with an escape, a repeated
//! contract key, a value of the wrong JSON type, nesting deeper than
//! [`MAX_DEPTH`], or anything that is not JSON makes it return `None`, and the
//! claim is read by serde (and, if that fails too, by the careful decoder, which
//! reports every problem). Every value it skips is still checked to be JSON, so
//! it never accepts a text serde would refuse. A test and the `claim` fuzz
//! target check that the two readers give the same claim.

use std::borrow::Cow;

use super::json::first_special;
use super::raw::{
    Obj, Raw, RawClaim, RawCondition, RawDestination, RawItem, RawMoney, RawOrder, RawPart,
    RawWeight, Str,
};

/// How deeply skipped values may nest before the reader gives up.
const MAX_DEPTH: usize = 64;

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

/// Reads a claim into `out` (as [`RawClaim::empty`] made it), or `None` when it
/// is not in the usual shape; `out` is then partly filled and not to be used.
/// Filled in place rather than returned, since the raw claim is several hundred
/// bytes that each move would copy.
pub(super) fn claim<'a>(text: &'a str, out: &mut RawClaim<'a>) -> Option<()> {
    let mut r = Reader { text, at: 0 };
    r.claim(out)?;
    r.ws();
    (r.at == text.len()).then_some(())
}

/// A list of strings without escapes (`null` is no list), as the whole of
/// `text`; `None` when it is anything else.
pub(super) fn string_list(text: &str) -> Option<Option<Vec<&str>>> {
    let mut r = Reader { text, at: 0 };
    r.ws();
    if r.null() {
        r.ws();
        return (r.at == text.len()).then_some(None);
    }
    let mut list = Vec::new();
    r.array(|r| {
        list.push(r.string()?);
        Some(())
    })?;
    r.ws();
    (r.at == text.len()).then_some(Some(list))
}

/// Whether a claim must be left to the careful decoder even though serde's
/// fast reading would accept it: serde skips a lone surrogate escape (`\ud800`)
/// and any depth of nesting in parts it ignores, which the careful decoder's
/// `serde_json::Value` refuses. Any `\uD...` escape and any nesting past
/// [`CAREFUL_DEPTH`] count (valid surrogate pairs only take the slower path).
pub(super) fn careful_only(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'"' => in_string = false,
                b'\\' => {
                    if bytes.get(i + 1) == Some(&b'u')
                        && matches!(bytes.get(i + 2), Some(b'd' | b'D'))
                    {
                        return true;
                    }
                    i += 1;
                }
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > CAREFUL_DEPTH {
                        return true;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    false
}

/// Nesting the careful decoder's `serde_json::Value` accepts, with room to spare
/// (its limit is 128).
const CAREFUL_DEPTH: usize = 100;

/// Marks a key as read; `None` when it was read before.
fn first(seen: &mut u32, bit: u32) -> Option<()> {
    if *seen & (1 << bit) != 0 {
        return None;
    }
    *seen |= 1 << bit;
    Some(())
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.at += 1)
    }

    /// Reads `{ "key": value, ... }`, calling `field` on each key with the reader
    /// at its value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.eat(b':')?;
            self.ws();
            field(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Reads `[ value, ... ]`, calling `element` with the reader at each value.
    fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.ws();
            element(self)?;
            self.ws();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string without escapes, borrowed from the text.
    fn string(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at + 1;
        let i = first_special(bytes, start);
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        self.at = i + 1;
        self.text.get(start..i)
    }

    fn null(&mut self) -> bool {
        if self.text.as_bytes().get(self.at..self.at + 4) == Some(b"null") {
            self.at += 4;
            true
        } else {
            false
        }
    }

    /// A string, or `None` for `null`; anything else gives up.
    fn opt_string(&mut self) -> Option<Option<Str<'a>>> {
        if self.null() {
            return Some(None);
        }
        Some(Some(Cow::Borrowed(self.string()?)))
    }

    fn req_string(&mut self) -> Option<Str<'a>> {
        Some(Cow::Borrowed(self.string()?))
    }

    fn opt_bool(&mut self) -> Option<Option<bool>> {
        let rest = self.text.as_bytes().get(self.at..)?;
        let (value, len) = if rest.starts_with(b"true") {
            (Some(true), 4)
        } else if rest.starts_with(b"false") {
            (Some(false), 5)
        } else if rest.starts_with(b"null") {
            (None, 4)
        } else {
            return None;
        };
        self.at += len;
        Some(value)
    }

    /// Any JSON value, checked, as its text.
    fn raw(&mut self) -> Option<Raw<'a>> {
        let start = self.at;
        self.skip(0)?;
        Some(Raw(self.text.get(start..self.at)?))
    }

    /// A value, or `None` for `null`.
    fn opt_raw(&mut self) -> Option<Option<Raw<'a>>> {
        if self.null() {
            return Some(None);
        }
        self.raw().map(Some)
    }

    /// Skips any JSON value, checking that it is JSON.
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' => self.object(|r, _| r.skip(depth + 1)),
            b'[' => self.array(|r| r.skip(depth + 1)),
            b't' | b'f' | b'n' => {
                let rest = self.text.as_bytes().get(self.at..)?;
                let len = [&b"true"[..], b"false", b"null"]
                    .iter()
                    .find(|w| rest.starts_with(w))?
                    .len();
                self.at += len;
                Some(())
            }
            _ => self.number(),
        }
    }

    /// Skips a string, escapes included, checking them.
    fn skip_string(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mut i = self.at + 1;
        loop {
            i = first_special(bytes, i);
            match *bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    match *bytes.get(i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                        b'u' => {
                            let hex = bytes.get(i + 2..i + 6)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            // A lone surrogate is refused by serde: leave such
                            // strings to it rather than judge them here.
                            if matches!(hex.first(), Some(b'd' | b'D')) {
                                return None;
                            }
                            i += 6;
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        self.at = i + 1;
        Some(())
    }

    /// A number as JSON writes it: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mut i = self.at;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let start = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > start
        };
        match bytes.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => {
                digits(&mut i);
            }
            _ => return None,
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if !digits(&mut i) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            if !digits(&mut i) {
                return None;
            }
        }
        self.at = i;
        Some(())
    }

    fn money(&mut self) -> Option<Obj<RawMoney<'a>>> {
        let (mut amount, mut currency, mut seen) = (None, None, 0u32);
        self.object(|r, key| {
            match key {
                "amount" => {
                    first(&mut seen, 0)?;
                    amount = Some(r.raw()?);
                }
                "currency" => {
                    first(&mut seen, 1)?;
                    currency = Some(r.req_string()?);
                }
                _ => r.skip(0)?,
            }
            Some(())
        })?;
        Some(Obj(RawMoney {
            amount: amount?,
            currency: currency?,
        }))
    }

    fn opt_money(&mut self) -> Option<Option<Obj<RawMoney<'a>>>> {
        if self.null() {
            return Some(None);
        }
        self.money().map(Some)
    }

    fn claim(&mut self, out: &mut RawClaim<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|r, key| {
            match key {
                "claim_id" => {
                    first(&mut seen, 0)?;
                    out.claim_id = r.req_string()?;
                }
                "as_of" => {
                    first(&mut seen, 1)?;
                    out.as_of = r.opt_string()?;
                }
                "rates" => {
                    first(&mut seen, 2)?;
                    // Exchange rates are read by the careful decoder only.
                    if !r.null() {
                        return None;
                    }
                }
                "order" => {
                    first(&mut seen, 3)?;
                    r.order(&mut out.order.0)?;
                }
                "items" => {
                    first(&mut seen, 4)?;
                    r.array(|r| {
                        out.items.push(Obj(RawItem::empty()));
                        r.item(&mut out.items.last_mut()?.0)
                    })?;
                }
                "claim" => {
                    first(&mut seen, 5)?;
                    r.part(&mut out.claim.0)?;
                }
                _ => r.skip(0)?,
            }
            Some(())
        })?;
        // The required keys: claim_id, order, items and claim.
        const REQUIRED: u32 = 1 << 0 | 1 << 3 | 1 << 4 | 1 << 5;
        (seen & REQUIRED == REQUIRED).then_some(())
    }

    fn order(&mut self, o: &mut RawOrder<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|r, key| {
            match key {
                "id" => {
                    first(&mut seen, 0)?;
                    o.id = r.opt_string()?;
                }
                "placed_at" => {
                    first(&mut seen, 1)?;
                    o.placed_at = r.req_string()?;
                }
                "invoiced_at" => {
                    first(&mut seen, 2)?;
                    o.invoiced_at = r.opt_string()?;
                }
                "shipped_at" => {
                    first(&mut seen, 3)?;
                    o.shipped_at = r.opt_string()?;
                }
                "picked_up_by_carrier" => {
                    first(&mut seen, 4)?;
                    o.picked_up_by_carrier = r.opt_bool()?;
                }
                "delivered_at" => {
                    first(&mut seen, 5)?;
                    o.delivered_at = r.opt_string()?;
                }
                "channel" => {
                    first(&mut seen, 6)?;
                    o.channel = r.opt_string()?;
                }
                "destination" => {
                    first(&mut seen, 7)?;
                    o.destination = if r.null() {
                        None
                    } else {
                        Some(Obj(r.destination()?))
                    };
                }
                "payment_method" => {
                    first(&mut seen, 8)?;
                    o.payment_method = r.opt_string()?;
                }
                "total" => {
                    first(&mut seen, 9)?;
                    o.total = r.money()?;
                }
                "shipping_paid" => {
                    first(&mut seen, 10)?;
                    o.shipping_paid = r.opt_money()?;
                }
                _ => r.skip(0)?,
            }
            Some(())
        })?;
        // The required keys: placed_at and total.
        (seen & (1 << 1) != 0 && seen & (1 << 9) != 0).then_some(())
    }

    fn destination(&mut self) -> Option<RawDestination<'a>> {
        let mut d = RawDestination {
            country: None,
            address_kind: None,
        };
        let mut seen = 0u32;
        self.object(|r, key| {
            match key {
                "country" => {
                    first(&mut seen, 0)?;
                    d.country = r.opt_string()?;
                }
                "address_kind" => {
                    first(&mut seen, 1)?;
                    d.address_kind = r.opt_string()?;
                }
                _ => r.skip(0)?,
            }
            Some(())
        })?;
        Some(d)
    }

    fn item(&mut self, it: &mut RawItem<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|r, key| {
            match key {
                "sku" => {
                    first(&mut seen, 0)?;
                    it.sku = r.req_string()?;
                }
                "category" => {
                    first(&mut seen, 1)?;
                    it.category = r.req_string()?;
                }
                "price" => {
                    first(&mut seen, 2)?;
                    it.price = r.money()?;
                }
                "quantity" => {
                    first(&mut seen, 3)?;
                    it.quantity = r.raw()?;
                }
                "weight" => {
                    first(&mut seen, 4)?;
                    it.weight = if r.null() {
                        None
                    } else {
                        Some(Obj(r.weight()?))
                    };
                }
                "bundle_id" => {
                    first(&mut seen, 5)?;
                    it.bundle_id = r.opt_string()?;
                }
                "tags" => {
                    first(&mut seen, 6)?;
                    it.tags = r.opt_raw()?;
                }
                "condition" => {
                    first(&mut seen, 7)?;
                    it.condition = if r.null() {
                        None
                    } else {
                        Some(Obj(r.condition()?))
                    };
                }
                _ => r.skip(0)?,
            }
            Some(())
        })?;
        // The required keys: sku, category, price and quantity.
        (seen & 0b1111 == 0b1111).then_some(())
    }

    fn weight(&mut self) -> Option<RawWeight<'a>> {
        let (mut value, mut unit, mut seen) = (None, None, 0u32);
        self.object(|r, key| {
            match key {
                "value" => {
                    first(&mut seen, 0)?;
                    value = Some(r.raw()?);
                }
                "unit" => {
                    first(&mut seen, 1)?;
                    unit = Some(r.req_string()?);
                }
                _ => r.skip(0)?,
            }
            Some(())
        })?;
        Some(RawWeight {
            value: value?,
            unit: unit?,
        })
    }

    fn condition(&mut self) -> Option<RawCondition> {
        let mut c = RawCondition {
            opened: None,
            used: None,
            damaged: None,
            original_packaging: None,
            packaging_damaged: None,
            accessories_complete: None,
            labels_intact: None,
        };
        let mut seen = 0u32;
        self.object(|r, key| {
            let (bit, slot) = match key {
                "opened" => (0, &mut c.opened),
                "used" => (1, &mut c.used),
                "damaged" => (2, &mut c.damaged),
                "original_packaging" => (3, &mut c.original_packaging),
                "packaging_damaged" => (4, &mut c.packaging_damaged),
                "accessories_complete" => (5, &mut c.accessories_complete),
                "labels_intact" => (6, &mut c.labels_intact),
                _ => return r.skip(0),
            };
            first(&mut seen, bit)?;
            *slot = r.opt_bool()?;
            Some(())
        })?;
        Some(c)
    }

    fn part(&mut self, p: &mut RawPart<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|r, key| {
            match key {
                "kind" => {
                    first(&mut seen, 0)?;
                    p.kind = r.opt_string()?;
                }
                "filed_at" => {
                    first(&mut seen, 1)?;
                    p.filed_at = r.req_string()?;
                }
                "reason" => {
                    first(&mut seen, 2)?;
                    p.reason = r.req_string()?;
                }
                "requested_remedy" => {
                    first(&mut seen, 3)?;
                    p.requested_remedy = r.opt_string()?;
                }
                "items" => {
                    first(&mut seen, 4)?;
                    p.items = if r.null() {
                        None
                    } else {
                        let mut list = Vec::new();
                        r.array(|r| {
                            list.push(r.req_string()?);
                            Some(())
                        })?;
                        Some(list)
                    };
                }
                "evidence" => {
                    first(&mut seen, 5)?;
                    p.evidence = r.opt_raw()?;
                }
                "preapproved" => {
                    first(&mut seen, 6)?;
                    p.preapproved = r.opt_bool()?;
                }
                "return_label_issued_at" => {
                    first(&mut seen, 7)?;
                    p.return_label_issued_at = r.opt_string()?;
                }
                "return_shipped_at" => {
                    first(&mut seen, 8)?;
                    p.return_shipped_at = r.opt_string()?;
                }
                "return_received_at" => {
                    first(&mut seen, 9)?;
                    p.return_received_at = r.opt_string()?;
                }
                "return_cost" => {
                    first(&mut seen, 10)?;
                    p.return_cost = r.opt_money()?;
                }
                "authorized_at" => {
                    first(&mut seen, 11)?;
                    p.authorized_at = r.opt_string()?;
                }
                _ => r.skip(0)?,
            }
            Some(())
        })?;
        // The required keys: filed_at and reason.
        (seen & (1 << 1) != 0 && seen & (1 << 2) != 0).then_some(())
    }
}
