//! Money, currencies and weights, exactly, with decimals.
//!
//! Rounding rule: amounts a verdict reports are rounded to the currency's minor
//! unit (2 digits for USD and EUR, 0 for JPY and KRW, 3 for KWD), half away from
//! zero (0.005 USD rounds to 0.01), and always written with exactly that many
//! digits ("199.00"). Arithmetic before that is exact.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// An ISO 4217 currency code, checked against the ISO list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        use iso_currency::Currency as C;
        // The most common codes first: the ISO table is searched code by code.
        let common = match code {
            "USD" => Some(C::USD),
            "EUR" => Some(C::EUR),
            "GBP" => Some(C::GBP),
            "JPY" => Some(C::JPY),
            "KRW" => Some(C::KRW),
            "CNY" => Some(C::CNY),
            _ => None,
        };
        common.or_else(|| C::from_code(code)).map(Currency)
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point of the currency's minor unit.
    pub fn minor_digits(self) -> u32 {
        self.0.exponent().map_or(2, u32::from)
    }

    /// Every ISO 4217 code, for "did you mean" help.
    pub fn all_codes() -> Vec<&'static str> {
        use iso_currency::IntoEnumIterator;
        iso_currency::Currency::iter().map(|c| c.code()).collect()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Currency::parse(s).ok_or(())
    }
}

/// An amount in a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Rounded to the currency's minor unit, half away from zero, with exactly that scale.
    pub fn rounded(self) -> Money {
        let digits = self.currency.minor_digits();
        let mut amount = self
            .amount
            .round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
        amount.rescale(digits);
        Money::new(amount, self.currency)
    }
}

/// An amount written with exactly its currency's minor digits (`199.00`).
/// `Money::rounded` gives that scale where the decimal can hold it; an amount
/// of 28 or 29 digits cannot take two more (`849999999999999999999999995`),
/// so the missing zeros are written here rather than lost.
pub struct AmountText(pub Money);

impl fmt::Display for AmountText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Money { amount, currency } = self.0;
        write!(f, "{amount}")?;
        let (scale, digits) = (amount.scale(), currency.minor_digits());
        if scale < digits {
            if scale == 0 {
                f.write_str(".")?;
            }
            for _ in scale..digits {
                f.write_str("0")?;
            }
        }
        Ok(())
    }
}

impl AmountText {
    /// Appends the same text as `Display` to `out`. Amounts whose digits fit
    /// in 64 bits (every amount a claim is likely to carry) are written digit
    /// by digit, without the formatting machinery, since a verdict writes
    /// several of them; larger ones go through `Display`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let Money { amount, currency } = self.0;
        let Ok(mut n) = u64::try_from(amount.mantissa().unsigned_abs()) else {
            use std::io::Write as _;
            // Writing to a Vec cannot fail.
            let _ = write!(out, "{self}");
            return;
        };
        let scale = amount.scale() as usize;
        // The mantissa's digits, least significant first, at least one more
        // than the scale (a leading zero before the point). A u64 has at most
        // 20 digits and a decimal's scale is at most 28.
        let mut digits = [b'0'; 32];
        let mut len = 0;
        while n > 0 || len <= scale {
            if let Some(d) = digits.get_mut(len) {
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            len += 1;
        }
        if amount.is_sign_negative() {
            out.push(b'-');
        }
        for (i, d) in digits.iter().take(len).rev().enumerate() {
            if i + scale == len {
                out.push(b'.');
            }
            out.push(*d);
        }
        let minor = currency.minor_digits() as usize;
        if scale < minor {
            if scale == 0 {
                out.push(b'.');
            }
            out.resize(out.len() + (minor - scale), b'0');
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount)
    }
}

/// Grams in one unit of weight, exactly (the pound is 0.45359237 kg by definition).
pub fn grams_per(unit: &str) -> Option<Decimal> {
    Some(match unit {
        "g" => Decimal::ONE,
        "kg" => Decimal::ONE_THOUSAND,
        "lb" => Decimal::new(45_359_237, 5),
        "oz" => Decimal::new(28_349_523_125, 9),
        _ => return None,
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero_at_the_minor_unit() {
        let usd = Currency::parse("USD").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        let r = |s: &str, c| {
            Money::new(Decimal::from_str(s).unwrap(), c)
                .rounded()
                .amount
                .to_string()
        };
        assert_eq!(r("0.005", usd), "0.01");
        assert_eq!(r("2.675", usd), "2.68");
        assert_eq!(r("199", usd), "199.00");
        assert_eq!(r("100.5", jpy), "101");
    }

    #[test]
    fn amounts_are_written_as_display_writes_them() {
        let currencies = ["USD", "JPY", "BHD", "CLF"].map(|c| Currency::parse(c).unwrap());
        let mut mantissas: Vec<i128> = vec![0, 1, 5, 9, 10, 99, 100, 19_900, 123_456_789];
        mantissas.extend([u64::MAX as i128, u64::MAX as i128 + 1, i64::MAX as i128]);
        // The largest decimal.
        mantissas.push(79_228_162_514_264_337_593_543_950_335);
        // A spread of others, from a fixed seed (a linear congruential sequence).
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            mantissas.push(i128::from(x >> (x % 64)));
        }
        let mut checked = 0;
        for &m in &mantissas {
            for negative in [false, true] {
                for scale in 0..=28 {
                    let Ok(mut amount) = Decimal::try_from_i128_with_scale(m, scale) else {
                        continue;
                    };
                    // Negative zero as well: its sign is written.
                    amount.set_sign_negative(negative);
                    for c in currencies {
                        let money = Money::new(amount, c);
                        let mut out = Vec::new();
                        AmountText(money).write_to(&mut out);
                        assert_eq!(
                            String::from_utf8(out).unwrap(),
                            AmountText(money).to_string(),
                            "{m} at scale {scale}, negative {negative}, {c}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    #[test]
    fn weights_convert_exactly() {
        let lb = grams_per("lb").unwrap();
        let oz = grams_per("oz").unwrap();
        assert_eq!(lb, Decimal::from_str("453.59237").unwrap());
        assert_eq!(oz * Decimal::from(16), lb);
    }
}
