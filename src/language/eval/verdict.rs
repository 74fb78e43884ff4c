//! The verdict, in the contract's form.
//!
//! Text the policy fixes (rule names, quotes, sources, fee names, codes) is
//! shared with the checked policy rather than copied into every verdict.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

pub use crate::language::check::ir::Text;
use crate::language::money::Money;

/// What the policy decides: for the claim, and for each claimed item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The claim is granted.
    Approve,
    /// The claim is refused.
    Deny,
    /// A person must decide (missing evidence, an investigation the page
    /// promises, a case the policy leaves open).
    Review,
    /// Some claimed items are approved and some denied.
    Partial,
}

impl Decision {
    /// The decision as the contract spells it: `approve`, `deny`, `review`, `partial`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Deny => "deny",
            Decision::Review => "review",
            Decision::Partial => "partial",
        }
    }
}

/// Money as a verdict writes it: `{"amount": "12.50", "currency": "USD"}`,
/// rounded to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyOut(#[doc(hidden)] pub Money);

impl MoneyOut {
    /// The amount, rounded to the currency's minor unit.
    pub fn amount(&self) -> rust_decimal::Decimal {
        self.0.amount
    }

    /// The ISO 4217 currency code.
    pub fn currency(&self) -> &'static str {
        self.0.currency.code()
    }
}

impl From<Money> for MoneyOut {
    fn from(m: Money) -> Self {
        MoneyOut(m.rounded())
    }
}

impl Serialize for MoneyOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Money", 2)?;
        st.serialize_field(
            "amount",
            &crate::language::money::AmountText(self.0).to_string(),
        )?;
        st.serialize_field("currency", self.0.currency.code())?;
        st.end()
    }
}

/// When a deadline ends: a day (inclusive, in the policy's time zone) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ends {
    /// The last day, inclusive, in the policy's time zone.
    Day(NaiveDate),
    /// The last instant, for windows counted in hours.
    Instant(DateTime<FixedOffset>),
}

impl std::fmt::Display for Ends {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ends::Day(d) => match iso_day(*d) {
                Some(text) => f.write_str(std::str::from_utf8(&text).unwrap_or_default()),
                None => write!(f, "{d}"),
            },
            Ends::Instant(i) => f.write_str(&i.to_rfc3339_opts(SecondsFormat::Secs, true)),
        }
    }
}

/// `YYYY-MM-DD` for years 0 to 9999 (chrono's own formatting writes it a
/// character at a time).
fn iso_day(d: NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike as _;
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (m, day) = (d.month(), d.day());
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

impl Serialize for Ends {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The outcome for one claimed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemVerdict {
    /// The item's SKU.
    pub sku: String,
    /// What is decided for it.
    pub decision: Decision,
    /// The money that goes back for it, after deductions.
    pub refund: Option<MoneyOut>,
    /// The rule that decided it.
    pub rule: Text,
    /// Evidence codes the deciding rule requires that the claim lacks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_evidence: Vec<Text>,
}

/// A fee the claim involves and who bears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fee {
    /// The fee's name (`return_shipping`, `restocking`, ...).
    pub fee: Text,
    /// `customer` or `merchant`.
    pub payer: Text,
    /// Its amount, when the policy or the claim fixes it.
    pub amount: Option<MoneyOut>,
    /// The item it belongs to, when it belongs to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// Money taken off the refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deduction {
    /// The fee the money is taken for.
    pub fee: Text,
    /// How much.
    pub amount: MoneyOut,
    /// The item it is taken from, when it is one item's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// The least and the most a refund can be when the merchant may take some
/// deductions or not (`may deduct`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundRange {
    /// The refund with every possible deduction taken.
    pub min: MoneyOut,
    /// The refund without them: the verdict's `refund`.
    pub max: MoneyOut,
}

/// A deadline the customer must meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The window's name.
    pub name: Text,
    /// A date (inclusive, in the policy's time zone) or, for hour-based windows, an instant.
    pub ends: Ends,
    /// The item it applies to, when it is one item's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// A rule that decided, in the policy's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Because {
    /// The rule's name.
    pub rule: Text,
    /// The policy's words for the decision.
    pub message: Text,
    /// Where the rule stands: `file:line:column`.
    pub source: Text,
    /// The item it decided, when the claim has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// What the policy decides for a claim: the contract's verdict
/// (`docs/schema/verdict.schema.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The claim's `claim_id`.
    pub claim_id: String,
    /// The name of the policy that decided.
    pub policy: Text,
    /// The claim's decision, combined from its items'.
    pub decision: Decision,
    /// What is granted (`refund`, `exchange`, ...), or none.
    pub remedy: Option<Text>,
    /// The money that goes back to the customer, after deductions.
    pub refund: Option<MoneyOut>,
    /// One entry per claimed item.
    pub items: Vec<ItemVerdict>,
    /// Each fee the claim involves and who bears it.
    pub fees: Vec<Fee>,
    /// Money taken off the refund.
    pub deductions: Vec<Deduction>,
    /// Deductions the merchant may take or not (`may deduct`): not taken off
    /// `refund`. Left out of the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible_deductions: Vec<Deduction>,
    /// With possible deductions, the refund without them (`max`, the `refund`)
    /// and with all of them (`min`). Left out of the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_range: Option<RefundRange>,
    /// What the customer must meet.
    pub deadlines: Vec<Deadline>,
    /// Evidence codes the policy requires that the claim lacks.
    pub missing_evidence: Vec<Text>,
    /// The rules that decided, in order, in the policy's words.
    pub because: Vec<Because>,
}

impl Verdict {
    /// The verdict as compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes the verdict as compact JSON, byte for byte what `serde_json::to_writer`
    /// writes, without serde's per-field dispatch (batch evaluation's hot path).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"claim_id\":");
        json_str(out, &self.claim_id);
        out.extend_from_slice(b",\"policy\":");
        json_str(out, &self.policy);
        out.extend_from_slice(b",\"decision\":");
        out.extend_from_slice(decision_json(self.decision));
        out.extend_from_slice(b",\"remedy\":");
        opt_str(out, self.remedy.as_deref());
        out.extend_from_slice(b",\"refund\":");
        opt_money(out, self.refund.as_ref());
        out.extend_from_slice(b",\"items\":[");
        for (i, it) in self.items.iter().enumerate() {
            comma(out, i);
            out.extend_from_slice(b"{\"sku\":");
            json_str(out, &it.sku);
            out.extend_from_slice(b",\"decision\":");
            out.extend_from_slice(decision_json(it.decision));
            out.extend_from_slice(b",\"refund\":");
            opt_money(out, it.refund.as_ref());
            out.extend_from_slice(b",\"rule\":");
            json_str(out, &it.rule);
            if !it.missing_evidence.is_empty() {
                out.extend_from_slice(b",\"missing_evidence\":");
                str_list(out, &it.missing_evidence);
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"fees\":[");
        for (i, f) in self.fees.iter().enumerate() {
            comma(out, i);
            out.extend_from_slice(b"{\"fee\":");
            json_str(out, &f.fee);
            out.extend_from_slice(b",\"payer\":");
            json_str(out, &f.payer);
            out.extend_from_slice(b",\"amount\":");
            opt_money(out, f.amount.as_ref());
            sku(out, f.sku.as_deref());
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"deductions\":");
        deduction_list(out, &self.deductions);
        if !self.possible_deductions.is_empty() {
            out.extend_from_slice(b",\"possible_deductions\":");
            deduction_list(out, &self.possible_deductions);
        }
        if let Some(r) = &self.refund_range {
            out.extend_from_slice(b",\"refund_range\":{\"min\":");
            money(out, &r.min);
            out.extend_from_slice(b",\"max\":");
            money(out, &r.max);
            out.push(b'}');
        }
        out.extend_from_slice(b",\"deadlines\":[");
        for (i, d) in self.deadlines.iter().enumerate() {
            comma(out, i);
            out.extend_from_slice(b"{\"name\":");
            json_str(out, &d.name);
            out.extend_from_slice(b",\"ends\":");
            match d.ends {
                // A day needs no escaping: write its ten digits and dashes straight.
                Ends::Day(day) if iso_day(day).is_some() => {
                    out.push(b'"');
                    out.extend_from_slice(&iso_day(day).unwrap_or_default());
                    out.push(b'"');
                }
                ends => json_str(out, &ends.to_string()),
            }
            sku(out, d.sku.as_deref());
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"missing_evidence\":");
        str_list(out, &self.missing_evidence);
        out.extend_from_slice(b",\"because\":[");
        for (i, b) in self.because.iter().enumerate() {
            comma(out, i);
            out.extend_from_slice(b"{\"rule\":");
            json_str(out, &b.rule);
            out.extend_from_slice(b",\"message\":");
            json_str(out, &b.message);
            out.extend_from_slice(b",\"source\":");
            json_str(out, &b.source);
            sku(out, b.sku.as_deref());
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
}

/// A list of deductions: `[{"fee", "amount", "sku"?}, ...]`.
fn deduction_list(out: &mut Vec<u8>, list: &[Deduction]) {
    out.push(b'[');
    for (i, d) in list.iter().enumerate() {
        comma(out, i);
        out.extend_from_slice(b"{\"fee\":");
        json_str(out, &d.fee);
        out.extend_from_slice(b",\"amount\":");
        money(out, &d.amount);
        sku(out, d.sku.as_deref());
        out.push(b'}');
    }
    out.push(b']');
}

fn decision_json(d: Decision) -> &'static [u8] {
    match d {
        Decision::Approve => b"\"approve\"",
        Decision::Deny => b"\"deny\"",
        Decision::Review => b"\"review\"",
        Decision::Partial => b"\"partial\"",
    }
}

fn comma(out: &mut Vec<u8>, i: usize) {
    if i > 0 {
        out.push(b',');
    }
}

fn sku(out: &mut Vec<u8>, sku: Option<&str>) {
    if let Some(s) = sku {
        out.extend_from_slice(b",\"sku\":");
        json_str(out, s);
    }
}

fn str_list(out: &mut Vec<u8>, list: &[Text]) {
    out.push(b'[');
    for (i, s) in list.iter().enumerate() {
        comma(out, i);
        json_str(out, s);
    }
    out.push(b']');
}

fn opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn money(out: &mut Vec<u8>, m: &MoneyOut) {
    out.extend_from_slice(b"{\"amount\":\"");
    crate::language::money::AmountText(m.0).write_to(out);
    out.extend_from_slice(b"\",\"currency\":\"");
    out.extend_from_slice(m.0.currency.code().as_bytes());
    out.extend_from_slice(b"\"}");
}

fn opt_money(out: &mut Vec<u8>, m: Option<&MoneyOut>) {
    match m {
        Some(m) => money(out, m),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string, escaped as serde_json escapes it.
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        let i = super::json::first_special(bytes, start);
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => b"",
        };
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
            out.push(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0'));
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.push(b'"');
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "plain",
            "quote \" and \\ back",
            "tab\tnew\nline\r",
            "\u{1}\u{1f}\u{7f}é✓",
            "",
        ] {
            let mut out = Vec::new();
            json_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }
}
