//! The expression interpreter and window arithmetic.

use std::cmp::Ordering;

use chrono::{
    DateTime, Duration, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
};
use rust_decimal::Decimal;

use super::facts::{Claim, InputError, Moment, Owned};
use crate::ast::{CompareOp, DayEdge, TimeUnit};
use crate::language::calendar::CalendarError;
use crate::language::check::ir::{ExtendTo, IExpr, Policy, WindowShape, WindowTest};
use crate::language::check::vocab::{Condition, FactRef};
use crate::language::money::{Currency, Money};

/// How many hours a plain day's edge may move out of a gap in the zone's clock
/// (see `Interp::instant`): zones skip at most a whole day.
const MAX_GAP_HOURS: i64 = 48;

/// Why evaluation stopped: always something about the claim.
#[derive(Debug, Clone)]
pub enum EvalError {
    Input(InputError),
    Calendar(CalendarError),
    Overflow,
    /// A window whose end falls after [`LAST_DAY`] (or beyond what dates can
    /// hold at all): its deadline could not be written in a verdict.
    DateRange(crate::language::check::ir::Text),
}

/// The last day a window may end on: a verdict writes days as `YYYY-MM-DD`.
pub const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

impl EvalError {
    pub fn into_input(self) -> InputError {
        match self {
            EvalError::Input(e) => e,
            EvalError::Calendar(e) => InputError {
                path: String::new(),
                message: e.to_string(),
            },
            EvalError::Overflow => InputError {
                path: String::new(),
                message: "an amount in the claim is too large to calculate with".into(),
            },
            EvalError::DateRange(window) => InputError {
                path: String::new(),
                message: format!(
                    "the window `{window}` would end after {LAST_DAY}, later than a verdict can state"
                ),
            },
        }
    }
}

/// Where a day given without a time falls against a window counted in hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayAgainst {
    /// All of the day is before the window's start.
    Before,
    /// Some of the day is after the start, and all of it before the end.
    Within,
    /// The window ends during the day: whether the event came in time is not known.
    EndsDuring,
    /// All of the day is after the end.
    After,
}

/// The engine's reading of a day given without a time (its first and last
/// instants) against an hour window from `start` (when it has one) to `end`:
/// any instant of the day. It is past the start when any of it is, and inside
/// the end only when all of it is (docs/language.md, "Hours"). The evaluator
/// and `explain` both read days through this.
pub fn day_against(
    first: DateTime<FixedOffset>,
    last: DateTime<FixedOffset>,
    start: Option<DateTime<FixedOffset>>,
    end: DateTime<FixedOffset>,
) -> DayAgainst {
    if first > end {
        DayAgainst::After
    } else if last > end {
        DayAgainst::EndsDuring
    } else if start.is_some_and(|s| last < s) {
        DayAgainst::Before
    } else {
        DayAgainst::Within
    }
}

/// A value during evaluation. `Missing` is an optional fact the claim left out.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'c> {
    Missing,
    Bool(bool),
    Number(Decimal),
    Percent(Decimal),
    Money(Money),
    Weight(Decimal),
    Time(Moment),
    Code(&'c str),
    Codes(&'c [String]),
    Text(&'c str),
}

/// A window worked out for one claim.
#[derive(Debug, Clone, Copy)]
enum Span {
    Days {
        start: Option<NaiveDate>,
        end: NaiveDate,
    },
    Instants {
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
    },
}

pub struct Interp<'p, 'c> {
    policy: &'p Policy,
    pub claim: &'c Claim,
    item: Option<usize>,
    windows: Vec<Option<Option<Span>>>,
    /// Each threshold's value, worked out at its first use: a threshold is
    /// evaluated once per claim (or per item), however many paths reach it.
    thresholds: Vec<Option<Value<'c>>>,
    /// The same for tables.
    tables: Vec<Option<Value<'c>>>,
}

impl<'p, 'c> Interp<'p, 'c> {
    pub fn new(policy: &'p Policy, claim: &'c Claim, item: Option<usize>) -> Self {
        Interp {
            policy,
            claim,
            item,
            windows: vec![None; policy.windows.len()],
            thresholds: vec![None; policy.thresholds.len()],
            tables: vec![None; policy.tables.len()],
        }
    }

    /// A condition's truth; a missing value is not true (the checker makes sure
    /// every optional value is tested before it is used).
    pub fn truth(&mut self, e: &IExpr) -> Result<bool, EvalError> {
        // The connectives of a condition are read here, without a call to
        // `eval` for each (a condition is mostly these); `eval` reads `and`,
        // `or` and `is set` through this.
        Ok(match e {
            IExpr::And(a, b) => self.truth(a)? && self.truth(b)?,
            IExpr::Or(a, b) => self.truth(a)? || self.truth(b)?,
            // `not` of anything but a yes/no is missing, which is not true.
            IExpr::Not(x) => matches!(self.eval(x)?, Value::Bool(false)),
            IExpr::IsSet(x) => self.eval(x)? != Value::Missing,
            IExpr::Bool(b) => *b,
            _ => matches!(self.eval(e)?, Value::Bool(true)),
        })
    }

    pub fn money(&mut self, e: &IExpr) -> Result<Money, EvalError> {
        match self.eval(e)? {
            Value::Money(m) => Ok(m),
            // The checker makes sure an amount the policy needs is always there.
            _ => Err(EvalError::Input(InputError {
                path: String::new(),
                message: "an amount the policy needs is missing from the claim".into(),
            })),
        }
    }

    pub fn optional_money(&mut self, e: &IExpr) -> Result<Option<Money>, EvalError> {
        match self.eval(e)? {
            Value::Money(m) => Ok(Some(m)),
            _ => Ok(None),
        }
    }

    pub fn money_in(&mut self, e: &IExpr, currency: Currency) -> Result<Money, EvalError> {
        let m = self.money(e)?;
        self.convert(m, currency)
    }

    pub fn percent(&mut self, e: &IExpr) -> Result<Decimal, EvalError> {
        match self.eval(e)? {
            Value::Percent(p) => Ok(p),
            // The checker makes sure a percentage deduction is a percentage.
            _ => Err(EvalError::Input(InputError {
                path: String::new(),
                message: "a percentage the policy needs is missing from the claim".into(),
            })),
        }
    }

    pub fn convert(&self, m: Money, to: Currency) -> Result<Money, EvalError> {
        if m.currency == to {
            return Ok(m);
        }
        let rate = self.claim.rate(m.currency, to).map_err(EvalError::Input)?;
        // Only a rate can make a convertible amount overflow: it is named.
        let amount = rate.apply(m.amount).ok_or_else(|| {
            EvalError::Input(InputError {
                path: self.claim.rate_path(m.currency, to).unwrap_or_default(),
                message: format!(
                    "{} {} converted at this rate is too large to calculate with",
                    m.amount, m.currency
                ),
            })
        })?;
        Ok(Money::new(amount, to))
    }

    fn fact(&self, f: FactRef) -> Value<'c> {
        let c = self.claim;
        let item = self.item.and_then(|i| c.items.get(i));
        let time = |m: Option<Moment>| m.map_or(Value::Missing, Value::Time);
        let money = |m: Option<Money>| m.map_or(Value::Missing, Value::Money);
        let code = |s: &'c Option<String>| s.as_deref().map_or(Value::Missing, Value::Code);
        let flag = |b: Option<bool>| b.map_or(Value::Missing, Value::Bool);
        match f {
            FactRef::ClaimId => Value::Text(&c.claim_id),
            FactRef::AsOf => time(c.as_of),
            FactRef::OrderId => c.order.id.as_deref().map_or(Value::Missing, Value::Text),
            FactRef::PlacedAt => time(c.order.placed_at),
            FactRef::InvoicedAt => time(c.order.invoiced_at),
            FactRef::ShippedAt => time(c.order.shipped_at),
            FactRef::PickedUp => flag(c.order.picked_up),
            FactRef::DeliveredAt => time(c.order.delivered_at),
            FactRef::Channel => code(&c.order.channel),
            FactRef::Country => code(&c.order.country),
            FactRef::AddressKind => code(&c.order.address_kind),
            FactRef::PaymentMethod => code(&c.order.payment_method),
            FactRef::Total => money(c.order.total),
            FactRef::ShippingPaid => money(c.order.shipping_paid),
            FactRef::Kind => Value::Code(&c.claim.kind),
            FactRef::FiledAt => time(c.claim.filed_at),
            FactRef::Reason => Value::Code(&c.claim.reason),
            FactRef::RequestedRemedy => code(&c.claim.requested_remedy),
            FactRef::Evidence => Value::Codes(&c.claim.evidence),
            FactRef::Preapproved => flag(c.claim.preapproved),
            FactRef::AuthorizedAt => time(c.claim.authorized_at),
            FactRef::LabelIssuedAt => time(c.claim.label_issued_at),
            FactRef::ReturnShippedAt => time(c.claim.return_shipped_at),
            FactRef::ReturnReceivedAt => time(c.claim.return_received_at),
            FactRef::ReturnCost => money(c.claim.return_cost),
            FactRef::Custom(i) => match c.custom.get(i).and_then(Option::as_ref) {
                None => Value::Missing,
                Some(Owned::Bool(b)) => Value::Bool(*b),
                Some(Owned::Number(n)) => Value::Number(*n),
                Some(Owned::Percent(n)) => Value::Percent(*n),
                Some(Owned::Money(m)) => Value::Money(*m),
                Some(Owned::Weight(w)) => Value::Weight(*w),
                Some(Owned::Time(t)) => Value::Time(*t),
                Some(Owned::Code(s)) => Value::Code(s),
                Some(Owned::Codes(s)) => Value::Codes(s),
                Some(Owned::Text(s)) => Value::Text(s),
            },
            _ => {
                let Some(item) = item else {
                    return Value::Missing;
                };
                match f {
                    FactRef::Sku => Value::Text(&item.sku),
                    FactRef::Category => Value::Code(&item.category),
                    FactRef::Price => money(item.price),
                    FactRef::Quantity => Value::Number(item.quantity),
                    FactRef::Weight => item.weight.map_or(Value::Missing, Value::Weight),
                    FactRef::BundleId => item
                        .bundle_id
                        .as_deref()
                        .map_or(Value::Missing, Value::Text),
                    FactRef::Tags => Value::Codes(&item.tags),
                    FactRef::WholeBundleClaimed => Value::Bool(item.whole_bundle_claimed),
                    FactRef::Cond(which) => flag(
                        item.condition
                            .get(condition_index(which))
                            .copied()
                            .flatten(),
                    ),
                    _ => Value::Missing,
                }
            }
        }
    }

    pub fn eval(&mut self, e: &IExpr) -> Result<Value<'c>, EvalError> {
        Ok(match e {
            IExpr::Bool(b) => Value::Bool(*b),
            IExpr::Number(n) => Value::Number(*n),
            IExpr::Percent(p) => Value::Percent(*p),
            IExpr::Money(a, c) => Value::Money(Money::new(*a, *c)),
            IExpr::Weight(g) => Value::Weight(*g),
            IExpr::Date(d) => Value::Time(Moment::Day(*d)),
            IExpr::Fact(f) => self.fact(*f),
            IExpr::Threshold(i) => self.threshold(*i)?,
            IExpr::Table(i) => match self.tables.get(*i) {
                Some(Some(v)) => v.clone(),
                _ => {
                    let v = self.table(*i)?;
                    if let Some(slot) = self.tables.get_mut(*i) {
                        *slot = Some(v.clone());
                    }
                    v
                }
            },
            IExpr::Not(x) => match self.eval(x)? {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Missing,
            },
            // Connectives read as `truth` reads them (one place for each).
            IExpr::And(..) | IExpr::Or(..) | IExpr::IsSet(_) => Value::Bool(self.truth(e)?),
            IExpr::Else(a, b) => match self.eval(a)? {
                Value::Missing => self.eval(b)?,
                v => v,
            },
            IExpr::Add(a, b) | IExpr::Sub(a, b) | IExpr::Mul(a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                self.arith(e, x, y)?
            }
            IExpr::Convert(x, to) => match self.eval(x)? {
                Value::Money(m) => Value::Money(self.convert(m, *to)?),
                _ => Value::Missing,
            },
            IExpr::Is(x, codes, negated) => match self.eval(x)? {
                Value::Code(s) | Value::Text(s) => {
                    Value::Bool(codes.iter().any(|c| c == s) != *negated)
                }
                _ => Value::Missing,
            },
            IExpr::HasAny(x, codes) => match self.eval(x)? {
                Value::Codes(list) => Value::Bool(codes.iter().any(|c| list.contains(c))),
                _ => Value::Missing,
            },
            IExpr::HasAll(x, codes) => match self.eval(x)? {
                Value::Codes(list) => Value::Bool(codes.iter().all(|c| list.contains(c))),
                _ => Value::Missing,
            },
            IExpr::Window(x, test, w) => {
                let t = self.eval(x)?;
                let Value::Time(t) = t else {
                    return Ok(Value::Missing);
                };
                match self.window(*w)? {
                    Some(span) => self
                        .test_window(t, span, *test)
                        .map_or(Value::Missing, Value::Bool),
                    None => Value::Missing,
                }
            }
            IExpr::Between(x, lo, hi) => {
                let (v, l, h) = (self.eval(x)?, self.eval(lo)?, self.eval(hi)?);
                match (self.order(&v, &l)?, self.order(&v, &h)?) {
                    (Some(a), Some(b)) => {
                        Value::Bool(a != Ordering::Less && b != Ordering::Greater)
                    }
                    _ => Value::Missing,
                }
            }
            IExpr::Compare(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                match op {
                    CompareOp::Eq | CompareOp::Ne
                        if !matches!(
                            x,
                            Value::Money(_)
                                | Value::Weight(_)
                                | Value::Number(_)
                                | Value::Percent(_)
                                | Value::Time(_)
                        ) =>
                    {
                        if x == Value::Missing || y == Value::Missing {
                            Value::Missing
                        } else {
                            Value::Bool((x == y) == (*op == CompareOp::Eq))
                        }
                    }
                    _ => match self.order(&x, &y)? {
                        Some(o) => Value::Bool(match op {
                            CompareOp::Lt => o == Ordering::Less,
                            CompareOp::Le => o != Ordering::Greater,
                            CompareOp::Gt => o == Ordering::Greater,
                            CompareOp::Ge => o != Ordering::Less,
                            CompareOp::Eq => o == Ordering::Equal,
                            CompareOp::Ne => o != Ordering::Equal,
                        }),
                        None => Value::Missing,
                    },
                }
            }
        })
    }

    fn threshold(&mut self, i: usize) -> Result<Value<'c>, EvalError> {
        if let Some(Some(v)) = self.thresholds.get(i) {
            return Ok(v.clone());
        }
        let policy = self.policy;
        let v = match policy.thresholds.get(i) {
            Some(t) => self.eval(&t.expr)?,
            None => Value::Missing,
        };
        if let Some(slot) = self.thresholds.get_mut(i) {
            *slot = Some(v.clone());
        }
        Ok(v)
    }

    fn table(&mut self, i: usize) -> Result<Value<'c>, EvalError> {
        let Some(t) = self.policy.tables.get(i) else {
            return Ok(Value::Missing);
        };
        // A missing key matches no row, not even `otherwise`.
        let Value::Code(k) = self.fact(t.key) else {
            return Ok(Value::Missing);
        };
        for (keys, value) in &t.rows {
            if keys.iter().any(|x| x == k) {
                return self.eval(value);
            }
        }
        match &t.default {
            Some(d) => self.eval(d),
            None => Ok(Value::Missing),
        }
    }

    fn arith(&self, e: &IExpr, x: Value<'c>, y: Value<'c>) -> Result<Value<'c>, EvalError> {
        use Value as V;
        let add = matches!(e, IExpr::Add(..));
        let sub = matches!(e, IExpr::Sub(..));
        let ov = EvalError::Overflow;
        Ok(match (x, y) {
            (V::Money(a), V::Money(b)) if add || sub => {
                let b = self.convert(b, a.currency)?;
                let r = if add {
                    a.amount.checked_add(b.amount)
                } else {
                    a.amount.checked_sub(b.amount)
                };
                V::Money(Money::new(r.ok_or(ov)?, a.currency))
            }
            (V::Number(a), V::Number(b)) if add || sub => V::Number(
                if add {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                }
                .ok_or(ov)?,
            ),
            (V::Weight(a), V::Weight(b)) if add || sub => V::Weight(
                if add {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                }
                .ok_or(ov)?,
            ),
            (V::Percent(a), V::Percent(b)) if add || sub => V::Percent(
                if add {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                }
                .ok_or(ov)?,
            ),
            (V::Money(m), V::Number(n) | V::Percent(n))
            | (V::Number(n) | V::Percent(n), V::Money(m)) => {
                V::Money(Money::new(m.amount.checked_mul(n).ok_or(ov)?, m.currency))
            }
            (V::Weight(w), V::Number(n)) | (V::Number(n), V::Weight(w)) => {
                V::Weight(w.checked_mul(n).ok_or(ov)?)
            }
            (V::Number(a), V::Number(b) | V::Percent(b)) | (V::Percent(b), V::Number(a)) => {
                V::Number(a.checked_mul(b).ok_or(ov)?)
            }
            _ => V::Missing,
        })
    }

    /// Orders two values of the same kind; money is converted to the left side's currency.
    fn order(&self, x: &Value<'c>, y: &Value<'c>) -> Result<Option<Ordering>, EvalError> {
        Ok(match (x, y) {
            (Value::Money(a), Value::Money(b)) => {
                let b = self.convert(*b, a.currency)?;
                Some(a.amount.cmp(&b.amount))
            }
            (Value::Number(a), Value::Number(b))
            | (Value::Percent(a), Value::Percent(b))
            | (Value::Weight(a), Value::Weight(b)) => Some(a.cmp(b)),
            (Value::Time(a), Value::Time(b)) => Some(match (a, b) {
                (Moment::Instant(p), Moment::Instant(q)) => p.cmp(q),
                _ => self.day(*a).cmp(&self.day(*b)),
            }),
            _ => None,
        })
    }

    /// The calendar day of a moment in the policy's time zone.
    fn day(&self, m: Moment) -> NaiveDate {
        match m {
            Moment::Day(d) => d,
            Moment::Instant(i) => i.with_timezone(&self.policy.timezone).date_naive(),
        }
    }

    /// A moment as an instant; a plain day is read at its start or end in the policy's zone.
    fn instant(&self, m: Moment, edge: DayEdge) -> Option<DateTime<FixedOffset>> {
        match m {
            Moment::Instant(i) => Some(i),
            Moment::Day(d) => {
                let tz = self.policy.timezone;
                let local = match edge {
                    DayEdge::Start => d.and_time(NaiveTime::MIN),
                    DayEdge::End => d.and_hms_nano_opt(23, 59, 59, 999_999_999)?,
                };
                Some(day_edge_in_zone(tz, local, edge)?.fixed_offset())
            }
        }
    }

    fn window(&mut self, w: usize) -> Result<Option<Span>, EvalError> {
        if let Some(Some(cached)) = self.windows.get(w) {
            return Ok(*cached);
        }
        let computed = self.compute_window(w)?;
        if let Some(slot) = self.windows.get_mut(w) {
            *slot = Some(computed);
        }
        Ok(computed)
    }

    fn compute_window(&mut self, w: usize) -> Result<Option<Span>, EvalError> {
        let policy = self.policy;
        let Some(win) = policy.windows.get(w) else {
            return Ok(None);
        };
        let cal = &policy.calendar;
        // The claim's date the window's end is counted from, while it is: a
        // count or roll forward from it that ends past what can be counted (a
        // calendar's years, the last day a verdict can state) is that date's
        // error, named by its JSON path. From the policy's own dates, the
        // error is the whole claim's (an empty path).
        let mut from: Option<FactRef> = None;
        let at = |e: EvalError, from: Option<FactRef>| match (e, from) {
            (e @ (EvalError::Calendar(_) | EvalError::DateRange(_)), Some(fact)) => {
                let mut input = e.into_input();
                input.path = policy.fact_path(fact);
                EvalError::Input(input)
            }
            (e, _) => e,
        };
        let mut span = match &win.shape {
            WindowShape::From {
                count,
                unit,
                anchor,
            } => {
                let Some((fact, start)) = anchor.iter().find_map(|a| match self.fact(*a) {
                    Value::Time(t) => Some((*a, t)),
                    _ => None,
                }) else {
                    return Ok(None);
                };
                from = Some(fact);
                if *unit == TimeUnit::Hours {
                    let Some(s) = self.instant(start, win.plain_dates) else {
                        return Ok(None);
                    };
                    let end = s
                        .checked_add_signed(Duration::hours(i64::from(*count)))
                        .filter(|e| e.date_naive() <= LAST_DAY)
                        .ok_or_else(|| at(EvalError::DateRange(win.name.clone()), from))?;
                    // A starting event given as a day is any instant of it: the
                    // window begins with the day, whichever edge its hours are
                    // counted from (`plain dates at end of day` began them at
                    // 23:59:59, so that a request made that morning came
                    // "before" a window it is plainly inside).
                    let first = match start {
                        Moment::Day(_) => self.instant(start, DayEdge::Start).unwrap_or(s),
                        Moment::Instant(_) => s,
                    };
                    Span::Instants { start: first, end }
                } else {
                    let s = self.day(start);
                    Span::Days {
                        start: Some(s),
                        end: add_days(cal, s, *count, *unit, &win.name).map_err(|e| at(e, from))?,
                    }
                }
            }
            WindowShape::UntilEvent(anchor) => {
                let Some((fact, end)) = anchor.iter().find_map(|a| match self.fact(*a) {
                    Value::Time(t) => Some((*a, t)),
                    _ => None,
                }) else {
                    return Ok(None);
                };
                from = Some(fact);
                Span::Days {
                    start: None,
                    end: self.day(end),
                }
            }
            WindowShape::Until(d) => Span::Days {
                start: None,
                end: *d,
            },
            WindowShape::Between(a, b) => Span::Days {
                start: Some(*a),
                end: *b,
            },
        };
        for ext in &win.extensions {
            if !self.truth(&ext.when)? {
                continue;
            }
            if let Span::Days { end, .. } = &mut span {
                let extended = match ext.to {
                    ExtendTo::Date(d) => d,
                    ExtendTo::Days(n, unit) => {
                        add_days(cal, *end, n, unit, &win.name).map_err(|e| at(e, from))?
                    }
                };
                if extended > *end {
                    *end = extended;
                    if let ExtendTo::Date(_) = ext.to {
                        // The end is now the policy's own date.
                        from = None;
                    }
                }
            } else if let (Span::Instants { end, .. }, ExtendTo::Date(d)) = (&mut span, &ext.to) {
                if let Some(e) = self.instant(Moment::Day(*d), DayEdge::End) {
                    if e > *end {
                        *end = e;
                    }
                }
            }
        }
        if win.roll_forward {
            if let Span::Days { end, .. } = &mut span {
                *end = cal
                    .roll_forward(*end)
                    .map_err(|e| at(EvalError::Calendar(e), from))?;
            }
        }
        Ok(Some(span))
    }

    fn test_window(&self, t: Moment, span: Span, test: WindowTest) -> Option<bool> {
        match span {
            Span::Days { start, end } => {
                let d = self.day(t);
                match test {
                    WindowTest::Within => Some(start.is_none_or(|s| d >= s) && d <= end),
                    WindowTest::After => Some(d > end),
                    WindowTest::Before => Some(start.is_some_and(|s| d < s)),
                }
            }
            Span::Instants { start, end } => match t {
                Moment::Instant(i) => Some(match test {
                    WindowTest::Within => i >= start && i <= end,
                    WindowTest::After => i > end,
                    WindowTest::Before => i < start,
                }),
                // `within` and `after` are missing when the window ends during
                // the day (see `day_against`).
                Moment::Day(_) => {
                    let (Some(first), Some(last)) = (
                        self.instant(t, DayEdge::Start),
                        self.instant(t, DayEdge::End),
                    ) else {
                        return Some(false);
                    };
                    let at = day_against(first, last, Some(start), end);
                    match (test, at) {
                        (WindowTest::Within | WindowTest::After, DayAgainst::EndsDuring) => None,
                        (WindowTest::Before, at) => Some(at == DayAgainst::Before),
                        (WindowTest::After, at) => Some(at == DayAgainst::After),
                        (WindowTest::Within, at) => Some(at == DayAgainst::Within),
                    }
                }
            },
        }
    }

    /// A window resolved for this claim, as the evaluator uses it: its first
    /// day or instant (`None` for a window that only has an end) and its last,
    /// instants in the policy's time zone; `None` when its anchor event is not set.
    pub fn window_bounds(
        &mut self,
        w: usize,
    ) -> Result<Option<(Option<super::verdict::Ends>, super::verdict::Ends)>, EvalError> {
        use super::verdict::Ends;
        let tz = self.policy.timezone;
        Ok(self.window(w)?.map(|span| match span {
            Span::Days { start, end } => (start.map(Ends::Day), Ends::Day(end)),
            Span::Instants { start, end } => (
                Some(Ends::Instant(start.with_timezone(&tz).fixed_offset())),
                Ends::Instant(end.with_timezone(&tz).fixed_offset()),
            ),
        }))
    }

    /// The event a window counts from for this claim: the first of its anchors
    /// that the claim sets (`None` for a window with fixed dates).
    pub fn window_anchor(&self, w: usize) -> Option<FactRef> {
        let anchors = match &self.policy.windows.get(w)?.shape {
            WindowShape::From { anchor, .. } | WindowShape::UntilEvent(anchor) => anchor,
            WindowShape::Until(_) | WindowShape::Between(..) => return None,
        };
        anchors
            .iter()
            .copied()
            .find(|a| matches!(self.fact(*a), Value::Time(_)))
    }

    /// The moment of an event fact, when the claim sets it.
    pub fn moment(&self, f: FactRef) -> Option<Moment> {
        match self.fact(f) {
            Value::Time(m) => Some(m),
            _ => None,
        }
    }

    /// The last moment of a window, as the verdict reports it; `None` when it has no start.
    pub fn deadline(&mut self, w: usize) -> Result<Option<super::verdict::Ends>, EvalError> {
        use super::verdict::Ends;
        Ok(self.window(w)?.map(|span| match span {
            Span::Days { end, .. } => Ends::Day(end),
            Span::Instants { end, .. } => {
                Ends::Instant(end.with_timezone(&self.policy.timezone).fixed_offset())
            }
        }))
    }
}

/// A local time in `tz` as an instant, for the start (`DayEdge::Start`) or the
/// end of a day. A local time that happens twice (the clock fell back) is read
/// as its first instant for a start and its last for an end. One that does not
/// exist (a gap) is read as the first instant the clock shows after it for a
/// start, and the last before it for an end: inside the day for a
/// daylight-saving gap, the next (or previous) day for a day the zone skipped
/// whole (Pacific/Apia, 2011-12-30). Gaps need not be whole hours nor start on
/// one (Asia/Pyongyang 2018-05-04 23:30, 30 minutes; America/Guyana
/// 1975-08-01 00:00, 45 minutes): the hour of the gap's edge is found by
/// stepping an hour at a time (at most `MAX_GAP_HOURS`), then its exact
/// nanosecond by bisection.
pub fn day_edge_in_zone<Z: TimeZone>(
    tz: Z,
    local: NaiveDateTime,
    edge: DayEdge,
) -> Option<DateTime<Z>> {
    let pick = |l: NaiveDateTime| match edge {
        DayEdge::Start => tz.from_local_datetime(&l).earliest(),
        DayEdge::End => tz.from_local_datetime(&l).latest(),
    };
    if let Some(t) = pick(local) {
        return Some(t);
    }
    // `local` moved `ns` nanoseconds in the edge's direction: later for a start,
    // earlier for an end.
    let moved = |ns: i64| match edge {
        DayEdge::Start => local.checked_add_signed(Duration::nanoseconds(ns)),
        DayEdge::End => local.checked_sub_signed(Duration::nanoseconds(ns)),
    };
    const HOUR_NS: i64 = 3_600_000_000_000;
    let hours = (1..=MAX_GAP_HOURS).find(|h| moved(h * HOUR_NS).and_then(pick).is_some())?;
    // Not valid at `bad`, valid at `good`, and a gap is one stretch of
    // invalid local times: bisect for the first valid one.
    let (mut bad, mut good) = ((hours - 1) * HOUR_NS, hours * HOUR_NS);
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if moved(mid).and_then(pick).is_some() {
            good = mid;
        } else {
            bad = mid;
        }
    }
    moved(good).and_then(pick)
}

fn add_days(
    cal: &crate::language::calendar::Calendar,
    d: NaiveDate,
    n: u32,
    unit: TimeUnit,
    window: &crate::language::check::ir::Text,
) -> Result<NaiveDate, EvalError> {
    let r = match unit {
        TimeUnit::Days => d.checked_add_signed(Duration::days(i64::from(n))),
        TimeUnit::Weeks => d.checked_add_signed(Duration::days(7 * i64::from(n))),
        TimeUnit::Months => d.checked_add_months(Months::new(n)),
        TimeUnit::BusinessDays => return cal.add_business_days(d, n).map_err(EvalError::Calendar),
        TimeUnit::Hours => Some(d),
    };
    r.filter(|d| *d <= LAST_DAY)
        .ok_or_else(|| EvalError::DateRange(window.clone()))
}

fn condition_index(c: Condition) -> usize {
    match c {
        Condition::Opened => 0,
        Condition::Used => 1,
        Condition::Damaged => 2,
        Condition::OriginalPackaging => 3,
        Condition::PackagingDamaged => 4,
        Condition::AccessoriesComplete => 5,
        Condition::LabelsIntact => 6,
    }
}
