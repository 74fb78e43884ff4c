//! One JSON value to one typed value, with a message that says what is wrong.
//! The caller (`facts.rs`) puts the field's JSON path in front of the message.

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::str::FromStr;

use super::facts::{Moment, Owned};
use crate::check::types::{CodeDomain, Ty};
use crate::check::vocab;
use crate::money::{grams_per, Currency, Money};

pub(super) fn show(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(37).collect();
        format!("{cut}...")
    } else {
        s
    }
}

pub(super) fn in_domain(s: &str, d: &CodeDomain) -> Result<(), String> {
    match d {
        CodeDomain::Country => {
            if vocab::COUNTRIES.contains(&s) {
                Ok(())
            } else {
                Err(format!("\"{s}\" is not an ISO 3166-1 alpha-2 country code"))
            }
        }
        CodeDomain::Free => Ok(()),
        _ => {
            let codes = d.codes().unwrap_or_default();
            if codes.contains(&s) {
                Ok(())
            } else {
                Err(format!("\"{s}\" is not one of {}", codes.join(", ")))
            }
        }
    }
}

pub(super) fn string(v: &Json) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{} is not a string", show(v)))
}

pub(super) fn boolean(v: &Json) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("{} is not true or false", show(v)))
}

/// A decimal from a string ("12.50") or a JSON number, exactly (never through binary floating point).
pub(super) fn decimal(v: &Json) -> Result<Decimal, String> {
    let text = match v {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        other => return Err(format!("{} is not a decimal", show(other))),
    };
    let plain = {
        let t = text.strip_prefix('-').unwrap_or(&text);
        let mut parts = t.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    let parsed = if plain {
        Decimal::from_str(&text).ok()
    } else if matches!(v, Json::Number(_)) {
        Decimal::from_scientific(&text).ok()
    } else {
        None
    };
    parsed.ok_or_else(|| format!("{} is not a decimal", show(v)))
}

/// A percentage written as "15%".
pub(super) fn percent(v: &Json) -> Result<Decimal, String> {
    let text = v.as_str().and_then(|s| s.strip_suffix('%'));
    let value = text.and_then(|t| decimal(&Json::String(t.trim().to_string())).ok());
    value
        .map(|p| p / Decimal::ONE_HUNDRED)
        .ok_or_else(|| format!("{} is not a percentage; write it as \"15%\"", show(v)))
}

pub(super) fn quantity(v: &Json) -> Result<Decimal, String> {
    let d = decimal(v).map_err(|_| format!("{} is not a whole number", show(v)))?;
    if d.fract().is_zero() && d >= Decimal::ONE {
        Ok(d)
    } else {
        Err(format!("{} is not a whole number of at least 1", show(v)))
    }
}

pub(super) fn money(v: &Json) -> Result<Money, String> {
    let o = v.as_object().ok_or_else(|| {
        format!(
            "{} is not money ({{\"amount\": \"12.50\", \"currency\": \"USD\"}})",
            show(v)
        )
    })?;
    let amount = o.get("amount").ok_or("money needs an \"amount\"")?;
    let amount = decimal(amount).map_err(|m| format!("amount: {m}"))?;
    if amount < Decimal::ZERO {
        return Err(format!(
            "amount: {} is negative; amounts in a claim are zero or more",
            show(o.get("amount").unwrap_or(&Json::Null))
        ));
    }
    let cur = o
        .get("currency")
        .and_then(Json::as_str)
        .ok_or("money needs a \"currency\"")?;
    let currency = Currency::parse(cur)
        .ok_or_else(|| format!("currency: \"{cur}\" is not an ISO 4217 currency code"))?;
    Ok(Money::new(amount, currency))
}

pub(super) fn weight(v: &Json) -> Result<Decimal, String> {
    let o = v.as_object().ok_or_else(|| {
        format!(
            "{} is not a weight ({{\"value\": \"12.5\", \"unit\": \"lb\"}})",
            show(v)
        )
    })?;
    let value = decimal(o.get("value").ok_or("a weight needs a \"value\"")?)
        .map_err(|m| format!("value: {m}"))?;
    let unit = o
        .get("unit")
        .and_then(Json::as_str)
        .ok_or("a weight needs a \"unit\"")?;
    let grams =
        grams_per(unit).ok_or_else(|| format!("unit: \"{unit}\" is not one of g, kg, oz, lb"))?;
    if value < Decimal::ZERO {
        return Err("a weight cannot be negative".into());
    }
    value
        .checked_mul(grams)
        .ok_or_else(|| "the weight is too large".to_string())
}

/// An RFC 3339 instant with offset, or a plain `YYYY-MM-DD` day.
pub fn moment(v: &Json) -> Result<Moment, String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("{} is not a date or time", show(v)))?;
    if s.len() == 10 {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Moment::Day)
            .map_err(|_| format!("\"{s}\" is not a date on the calendar"));
    }
    DateTime::parse_from_rfc3339(s).map(Moment::Instant).map_err(|_| {
        format!("\"{s}\" is neither a date (2023-11-16) nor an RFC 3339 time with an offset (2023-11-16T14:05:00-08:00)")
    })
}

pub(super) fn owned(v: &Json, ty: &Ty) -> Result<Owned, String> {
    Ok(match ty {
        Ty::Bool => Owned::Bool(boolean(v)?),
        Ty::Number => Owned::Number(decimal(v)?),
        Ty::Percent => Owned::Percent(percent(v)?),
        Ty::Money(_) => Owned::Money(money(v)?),
        Ty::Weight => Owned::Weight(weight(v)?),
        Ty::Time => Owned::Time(moment(v)?),
        Ty::Text => Owned::Text(string(v)?),
        Ty::Code(d) => {
            let s = string(v)?;
            in_domain(&s, d)?;
            Owned::Code(s)
        }
        Ty::Codes(d) => {
            let list = v
                .as_array()
                .ok_or_else(|| format!("{} is not a list", show(v)))?;
            let mut out = Vec::new();
            for x in list {
                let s = string(x)?;
                in_domain(&s, d)?;
                out.push(s);
            }
            Owned::Codes(out)
        }
    })
}
