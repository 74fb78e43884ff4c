//! One JSON value to one typed value, with a message that says what is wrong.
//! The caller (`facts.rs`) puts the field's JSON path in front of the message.

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value as Json;

use super::values::{Moment, Owned};
use crate::language::check::types::{CodeDomain, Ty};
use crate::language::check::vocab;
use crate::language::money::{grams_per, Currency, Money};

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
        CodeDomain::Fixed(list) if list.contains(&s) => Ok(()),
        CodeDomain::Declared(list) if list.iter().any(|c| c == s) => Ok(()),
        _ => Err(format!(
            "\"{s}\" is not one of {}",
            d.codes().unwrap_or_default().join(", ")
        )),
    }
}

pub(super) fn string(v: &Json) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{} is not a string", show(v)))
}

/// A free snake_case word (`items[].category`): lowercase letters and digits
/// joined by single underscores, as the contract and the claim schema say. A
/// word in any other form could never equal a word a policy compares it with,
/// so it is an input error, never a silent mismatch.
pub(super) fn snake_word(v: &Json) -> Result<String, String> {
    let s = string(v)?;
    match snake_word_problem(&s) {
        None => Ok(s),
        Some(m) => Err(m),
    }
}

/// Why `s` is not a snake_case word, or `None` when it is one.
pub(super) fn snake_word_problem(s: &str) -> Option<String> {
    if is_snake_word(s) {
        return None;
    }
    let suggestion: String = s
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' | '.' | '/' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let hint = if is_snake_word(&suggestion) {
        format!(" (write `{suggestion}`)")
    } else {
        String::new()
    };
    Some(format!(
        "{} is not a snake_case word: lowercase letters and digits joined by single underscores{hint}",
        show(&Json::String(s.to_string()))
    ))
}

/// Lowercase ASCII letters and digits, in parts joined by single underscores.
pub(super) fn is_snake_word(s: &str) -> bool {
    s.split('_').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

pub(super) fn boolean(v: &Json) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("{} is not true or false", show(v)))
}

/// A decimal from a string ("12.50") or a JSON number, exactly (never through binary floating point).
pub(super) fn decimal(v: &Json) -> Result<Decimal, String> {
    exact_number(v, "a decimal")
}

/// [`decimal`], whose error says the value is not `what` unless it is written
/// as a number (then: more digits than a decimal holds).
fn exact_number(v: &Json, what: &str) -> Result<Decimal, String> {
    let parsed = match v {
        Json::String(s) => decimal_text(s, false),
        Json::Number(n) => decimal_text(&n.to_string(), true),
        _ => None,
    };
    parsed.ok_or_else(|| {
        if written_as_number(v) {
            beyond_exact(v)
        } else {
            format!("{} is not {what}", show(v))
        }
    })
}

/// A JSON number, or a string of digits with an optional sign and fraction:
/// a number as written, whether or not a decimal holds it.
fn written_as_number(v: &Json) -> bool {
    match v {
        Json::Number(_) => true,
        Json::String(s) => is_plain(s.strip_prefix('-').unwrap_or(s)),
        _ => false,
    }
}

/// The error for a number a decimal cannot hold exactly: too many digits, or
/// too large. It is never rounded.
fn beyond_exact(v: &Json) -> String {
    format!(
        "{} has more digits than Clause holds exactly (28 significant digits, up to {}); it is never rounded",
        show(v),
        Decimal::MAX
    )
}

/// Digits with an optional fraction (`12`, `12.50`), no sign.
fn is_plain(t: &str) -> bool {
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// The exact decimal a string (`number` false: digits with an optional sign and
/// fraction) or a JSON number's text (`number` true: exponents allowed) writes.
pub(super) fn decimal_text(text: &str, number: bool) -> Option<Decimal> {
    if let Some(d) = short_plain(text) {
        return Some(d);
    }
    if is_plain(text.strip_prefix('-').unwrap_or(text)) {
        // Exact: a value with more decimal places than a decimal holds is refused,
        // never rounded.
        Decimal::from_str_exact(text).ok()
    } else if number {
        // Exact whatever the spelling: `1.29999999999999999999999999999e2` is
        // read as the plain `129.999999999999999999999999999` would be (here:
        // refused, 30 significant digits), never rounded.
        Decimal::from_str_exact(&plain_of_scientific(text)?).ok()
    } else {
        None
    }
}

/// A plain decimal of at most 18 digits (`199.00`, `-0.5`, `12`) read in one
/// pass, as `Decimal::from_str_exact` reads it (the same mantissa, scale and
/// sign; `-0.00` is zero); `None` for anything else, which the general
/// path reads. Amounts and weights in claims are nearly always of this kind,
/// and this takes about a sixth of the instructions (docs/performance.md).
fn short_plain(text: &str) -> Option<Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut count = 0u32;
    let mut scale: Option<u32> = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
            }
            // One point, with digits on both sides.
            b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => {
                scale = Some(u32::try_from(digits.len() - i - 1).ok()?);
            }
            _ => return None,
        }
    }
    if count > 18 {
        return None;
    }
    let mut d = Decimal::from_i128_with_scale(i128::from(mantissa), scale.unwrap_or(0));
    // As `from_str_exact` reads it, a negative zero is zero.
    d.set_sign_negative(negative && mantissa != 0);
    Some(d)
}

/// A JSON number written with an exponent, written out plainly (`1.5e2` ->
/// `150`, `25e-1` -> `2.5`); `None` when it is not such a number or lies far
/// outside what a decimal holds (the text would only be refused, and an
/// exponent like `1e999999999` must not become a billion zeros).
fn plain_of_scientific(text: &str) -> Option<String> {
    let (negative, t) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = t.split_once(['e', 'E'])?;
    let exponent: i64 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !digits_only(int)
        || !digits_only(frac)
        || (mantissa.contains('.') && frac.is_empty())
    {
        return None;
    }
    // The digits, and where the decimal point falls among them.
    let digits = format!("{int}{frac}");
    let leading = digits.bytes().take_while(|b| *b == b'0').count();
    let digits = digits.get(leading..)?;
    let point = i64::try_from(int.len()).ok()? - i64::try_from(leading).ok()? + exponent;
    let sign = if negative { "-" } else { "" };
    if digits.is_empty() {
        return Some("0".into());
    }
    // A decimal holds at most 29 integer digits and 28 decimal places.
    const REACH: i64 = 64;
    if !(-REACH..=REACH).contains(&point) {
        return None;
    }
    let len = i64::try_from(digits.len()).ok()?;
    Some(if point <= 0 {
        let zeros = "0".repeat(usize::try_from(-point).ok()?);
        format!("{sign}0.{zeros}{digits}")
    } else if point >= len {
        let zeros = "0".repeat(usize::try_from(point - len).ok()?);
        format!("{sign}{digits}{zeros}")
    } else {
        let (a, b) = digits.split_at(usize::try_from(point).ok()?);
        format!("{sign}{a}.{b}")
    })
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
    // A count is a JSON number (the schema's integer); unlike an amount, a
    // string of digits is not read as one.
    if v.is_string() {
        return Err(format!(
            "{} is text; a quantity is a whole number without quotes, like 2",
            show(v)
        ));
    }
    let d = exact_number(v, "a whole number")?;
    quantity_of(d).ok_or_else(|| format!("{} is not a whole number of at least 1", show(v)))
}

pub(super) fn money(v: &Json) -> Result<Money, String> {
    let o = v.as_object().ok_or_else(|| {
        format!(
            "{} is not money ({{\"amount\": \"12.50\", \"currency\": \"USD\"}})",
            show(v)
        )
    })?;
    // Each problem names its part (`amount: ...`), which the decoder puts in the path.
    let amount = o.get("amount").ok_or("amount: is required")?;
    let amount = decimal(amount).map_err(|m| format!("amount: {m}"))?;
    let cur = match o.get("currency") {
        None | Some(Json::Null) => return Err("currency: is required".into()),
        Some(Json::String(c)) => c,
        Some(other) => {
            return Err(format!(
                "currency: {} is not a currency code; write it as \"USD\"",
                show(other)
            ))
        }
    };
    money_of(amount, cur, || show(o.get("amount").unwrap_or(&Json::Null)))
}

/// Money from its parts: never negative, in an ISO 4217 currency.
pub(super) fn money_of(
    amount: Decimal,
    cur: &str,
    shown: impl Fn() -> String,
) -> Result<Money, String> {
    if amount < Decimal::ZERO {
        return Err(format!(
            "amount: {} is negative; amounts in a claim are zero or more",
            shown()
        ));
    }
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
    let value =
        decimal(o.get("value").ok_or("value: is required")?).map_err(|m| format!("value: {m}"))?;
    let unit = match o.get("unit") {
        None | Some(Json::Null) => return Err("unit: is required".into()),
        Some(Json::String(u)) => u,
        Some(other) => return Err(format!("unit: {} is not one of g, kg, oz, lb", show(other))),
    };
    weight_of(value, unit)
}

/// A weight in grams from its parts.
pub(super) fn weight_of(value: Decimal, unit: &str) -> Result<Decimal, String> {
    let grams =
        grams_per(unit).ok_or_else(|| format!("unit: \"{unit}\" is not one of g, kg, oz, lb"))?;
    if value < Decimal::ZERO {
        return Err(format!(
            "value: \"{value}\" is negative; a weight is zero or more"
        ));
    }
    // Weights are compared in grams. The product is exact when its digits and
    // decimal places fit a decimal (28 of each); beyond that rust_decimal would
    // round it, and `30.000000000000000000000000001 lb` would weigh 30 lb.
    let digits = |d: Decimal| {
        d.mantissa()
            .unsigned_abs()
            .checked_ilog10()
            .map_or(1, |l| l + 1)
    };
    // Trailing zeros (`12.5000`) change neither the weight nor the product.
    let exact = value.normalize();
    if digits(exact) + digits(grams) > 28 || exact.scale() + grams.scale() > 28 {
        return Err(format!(
            "value: \"{value}\" has more digits than Clause converts to grams exactly (in {unit}, at most {} significant digits and {} decimal places); it is never rounded",
            28 - digits(grams),
            28 - grams.scale()
        ));
    }
    exact
        .checked_mul(grams)
        .ok_or_else(|| "the weight is too large".to_string())
}

/// An RFC 3339 instant with offset, or a plain `YYYY-MM-DD` day.
pub fn moment(v: &Json) -> Result<Moment, String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("{} is not a date or time", show(v)))?;
    moment_str(s)
}

/// [`moment`] of a string.
pub(super) fn moment_str(s: &str) -> Result<Moment, String> {
    if s.len() == 10 {
        return plain_date(s)
            .map(Moment::Day)
            .ok_or_else(|| format!("\"{s}\" is not a date on the calendar"));
    }
    if let Some(i) = common_instant(s) {
        return Ok(Moment::Instant(i));
    }
    let i = DateTime::parse_from_rfc3339(s).map_err(|_| {
        format!("\"{s}\" is neither a date (2023-11-16) nor an RFC 3339 time with an offset (2023-11-16T14:05:00-08:00)")
    })?;
    // chrono reads a 60th second anywhere; RFC 3339 allows it only at a leap second.
    if i.timestamp_subsec_nanos() >= 1_000_000_000 && !is_leap_second(i) {
        return Err(format!(
            "\"{s}\" has a 60th second, but no leap second was inserted then (they come at 23:59:60 UTC on the days listed by the IERS; the last was 2016-12-31)"
        ));
    }
    Ok(Moment::Instant(i))
}

/// The days (UTC) at whose end a leap second was inserted, 1972-2016 (IERS
/// Bulletin C; none has been announced since 2016-12-31).
const LEAP_SECOND_DAYS: [(i32, u32, u32); 27] = [
    (1972, 6, 30),
    (1972, 12, 31),
    (1973, 12, 31),
    (1974, 12, 31),
    (1975, 12, 31),
    (1976, 12, 31),
    (1977, 12, 31),
    (1978, 12, 31),
    (1979, 12, 31),
    (1981, 6, 30),
    (1982, 6, 30),
    (1983, 6, 30),
    (1985, 6, 30),
    (1987, 12, 31),
    (1989, 12, 31),
    (1990, 12, 31),
    (1992, 6, 30),
    (1993, 6, 30),
    (1994, 6, 30),
    (1995, 12, 31),
    (1997, 6, 30),
    (1998, 12, 31),
    (2005, 12, 31),
    (2008, 12, 31),
    (2012, 6, 30),
    (2015, 6, 30),
    (2016, 12, 31),
];

/// Whether an instant read with a 60th second is a real leap second: 23:59:60 UTC
/// on one of [`LEAP_SECOND_DAYS`].
fn is_leap_second(i: DateTime<chrono::FixedOffset>) -> bool {
    use chrono::{Datelike, Timelike};
    let utc = i.naive_utc();
    utc.hour() == 23
        && utc.minute() == 59
        && utc.second() == 59
        && LEAP_SECOND_DAYS.contains(&(utc.year(), utc.month(), utc.day()))
}

/// Digits `r` of `b` as a number.
fn digits(b: &[u8], r: std::ops::Range<usize>) -> Option<u32> {
    let mut n = 0u32;
    for &c in b.get(r)? {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// `YYYY-MM-DD`, read digit by digit (chrono's format parser is slow for this).
pub(crate) fn plain_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(digits(b, 0..4)?).ok()?,
        digits(b, 5..7)?,
        digits(b, 8..10)?,
    )
}

/// The common shape of an RFC 3339 instant, `YYYY-MM-DDTHH:MM:SS(Z|±HH:MM)`, read
/// directly; anything else (fractions of a second, other separators) is left to
/// chrono's full parser.
fn common_instant(s: &str) -> Option<DateTime<chrono::FixedOffset>> {
    let b = s.as_bytes();
    if !(b.len() == 20 || b.len() == 25)
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let date = plain_date(s.get(..10)?)?;
    let time = chrono::NaiveTime::from_hms_opt(
        digits(b, 11..13)?,
        digits(b, 14..16)?,
        digits(b, 17..19)?,
    )?;
    let offset = match b.get(19)? {
        b'Z' if b.len() == 20 => 0,
        sign @ (b'+' | b'-') if b.len() == 25 && b.get(22) == Some(&b':') => {
            // RFC 3339: the offset's minutes are 00-59, never carried into the hour.
            let minutes = digits(b, 23..25).filter(|m| *m < 60)?;
            let secs = i32::try_from(digits(b, 20..22)? * 3600 + minutes * 60).ok()?;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let offset = chrono::FixedOffset::east_opt(offset)?;
    date.and_time(time).and_local_timezone(offset).single()
}

/// A quantity: a whole number of at least one.
pub(super) fn quantity_of(d: Decimal) -> Option<Decimal> {
    (d.fract().is_zero() && d >= Decimal::ONE).then_some(d)
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
            for (i, x) in list.iter().enumerate() {
                let s = string(x)
                    .and_then(|s| in_domain(&s, d).map(|()| s))
                    .map_err(|m| format!("[{i}]: {m}"))?;
                out.push(s);
            }
            Owned::Codes(out)
        }
    })
}

/// The index of the first byte at or after `from` that a JSON string cannot hold
/// as it is (`"`, `\` or a control character), or the length: eight bytes at a
/// time. Each of the three tests below sets the high bit of a byte that matches;
/// a borrow can also set it in bytes *after* a match, never before one, so the
/// lowest set bit is always the first match.
pub(crate) fn first_special(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let v = u64::from_le_bytes(word);
        let hits = zero_in(v ^ (ONES * u64::from(b'"')))
            | zero_in(v ^ (ONES * u64::from(b'\\')))
            | (v.wrapping_sub(ONES * 0x20) & !v & HIGH);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::needless_range_loop,
    reason = "tests"
)]
mod tests {
    use super::{first_special, short_plain};
    use rust_decimal::Decimal;

    /// What `decimal_text` gave for a string before `short_plain`.
    fn general(text: &str) -> Option<Decimal> {
        super::is_plain(text.strip_prefix('-').unwrap_or(text))
            .then(|| Decimal::from_str_exact(text).ok())
            .flatten()
    }

    /// `short_plain` reads what it reads exactly as the general path does: the
    /// same mantissa, scale and sign, bit for bit.
    fn agrees(text: &str) {
        if let Some(d) = short_plain(text) {
            let g = general(text);
            assert_eq!(g.map(|g| g.serialize()), Some(d.serialize()), "{text:?}");
        }
    }

    #[test]
    fn short_plain_decimals_read_as_the_general_path_reads_them() {
        // Every text of up to five characters over digits, point, sign and
        // letters that appear in numbers.
        let alphabet = ['0', '1', '9', '.', '-', 'e', '+', ' '];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for t in &texts {
                for c in alphabet {
                    next.push(format!("{t}{c}"));
                }
            }
            texts.extend(next);
            texts.sort();
            texts.dedup();
        }
        for t in &texts {
            agrees(t);
        }
        // Every length and point position up to 21 digits, with and without a
        // sign and leading zeros, at the edges of what 18 digits hold.
        let mut read = 0;
        for len in 1..=21 {
            for lead in ["", "0", "00"] {
                for body in ["9", "1", "0", "5"] {
                    let digits = format!("{lead}{}", body.repeat(len));
                    for point in 0..=digits.len() {
                        for sign in ["", "-"] {
                            let (int, frac) = digits.split_at(point);
                            let text = if frac.is_empty() {
                                format!("{sign}{int}")
                            } else {
                                format!("{sign}{int}.{frac}")
                            };
                            agrees(&text);
                            read += usize::from(short_plain(&text).is_some());
                        }
                    }
                }
            }
        }
        assert!(read > 1000, "the fast path read only {read} texts");
        // What claims hold.
        for t in ["199.00", "0.00", "-0.00", "-0", "4", "12.5", "007.50"] {
            assert!(short_plain(t).is_some(), "{t}");
            agrees(t);
        }
        for t in [
            "",
            "-",
            ".5",
            "5.",
            "1.2.3",
            "1e2",
            "+1",
            " 1",
            "1 ",
            "1234567890123456789",
        ] {
            assert!(short_plain(t).is_none(), "{t}");
        }
    }

    #[test]
    fn first_special_finds_the_first_of_every_kind_at_every_offset() {
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for len in 0..20 {
                for at in 0..len {
                    let mut s = vec![b'a'; len];
                    // Bytes that look like matches to a careless test: 0x20, 0x7f, 0xff.
                    for (k, b) in s.iter_mut().enumerate() {
                        *b = [b'a', 0x20, 0x7f, 0xc3, b'!'][k % 5];
                    }
                    s[at] = special;
                    for later in at + 1..len {
                        if later % 3 == 0 {
                            s[later] = b'"';
                        }
                    }
                    for from in 0..=at {
                        assert_eq!(
                            first_special(&s, from),
                            at,
                            "{special:#x} at {at} of {len}, from {from}"
                        );
                    }
                }
                for from in 0..=len + 1 {
                    assert_eq!(first_special(&vec![b'x'; len], from), len);
                }
            }
        }
    }
}
