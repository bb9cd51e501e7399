//! Exact money ([`Money`], kopecks) and quantities ([`Quantity`], thousandths), their parsing from
//! JSON, their JSON form, and the line arithmetic of the totals rule.
//!
//! No value here is ever computed with floating point. A JSON number that reaches us as an `f64`
//! (serde_json stores non-integers that way) means the shortest decimal text that denotes it, and
//! that text is read digit by digit. The common case skips the text: when the double is exactly
//! the nearest double to some in-range `k / 10^scale`, that decimal is the text it denotes, so its
//! value is `k` units (see [`units_from_double`]; a test compares both paths).
//!
//! **Host float noise.** Hosts such as PHP and JavaScript compute prices in binary floating
//! point, so `0.1 + 0.2` arrives as `0.30000000000000004`. A value with more decimals than
//! allowed is read as the nearest allowed value when it lies within the noise tolerance of it:
//! `|x − r| ≤ max(2 ulp(r), 1e-11, min(1e-9·|r|, 1e-6))`, i.e. two units in the last place of a
//! double, or one part in a billion capped at a millionth (so a real extra decimal such as
//! `10.005` or `0.3333` is an error for every sum up to [`Money::MAX`]). The same rule applies to
//! numeric strings, so text made from a host float (`String(0.1 + 0.2)`) reads the same way.
//!
//! **Ranges.** The fiscal data format stores sums as 6-byte unsigned integers of kopecks, so a
//! sum is at most [`Money::MAX`] = 2 814 749 767 106.55 roubles; quantities are at most
//! [`Quantity::MAX`] = 999 999 999 999.999. Both bounds have at most 15 significant digits, which
//! is what makes the JSON form below exact.
//!
//! **JSON form.** Values serialize as JSON numbers in their shortest exact decimal form: `12.3`,
//! `0.05`, `100` (a whole value is written as an integer). The number is produced from the
//! integer's decimal text; a double is only the carrier that `serde_json` prints, and every value
//! with at most 15 significant digits prints back as exactly that text.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

/// An amount of money in kopecks (1/100 rouble). May be negative as a value; validation
/// rejects negative prices and sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// A quantity in thousandths (3 decimals). Validation requires it to be greater than zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(i64);

const MONEY_SCALE: u32 = 2;
const QUANTITY_SCALE: u32 = 3;

impl Money {
    /// 2^48 − 1 kopecks: the largest sum the fiscal data format can carry.
    pub const MAX: Money = Money(281_474_976_710_655);
    pub const ZERO: Money = Money(0);

    pub const fn from_kopecks(kopecks: i64) -> Money {
        Money(kopecks)
    }

    pub const fn kopecks(self) -> i64 {
        self.0
    }

    /// Reads a JSON number or numeric string (at most 2 decimals, see the module docs).
    /// The error carries the rule broken and a reason, e.g. `has more than 2 decimals`.
    pub fn from_json(value: &Value) -> Result<Money, NumberError> {
        units_from_json(value, MONEY_SCALE, Money::MAX.0).map(Money)
    }

    /// Reads decimal text in JSON number syntax (`12.30`, `5`, `1e2`).
    pub fn parse_str(text: &str) -> Result<Money, NumberError> {
        units_from_text(text, MONEY_SCALE, Money::MAX.0).map(Money)
    }

    /// A value of `i128` kopecks if it is within ±[`Money::MAX`].
    pub fn from_i128(kopecks: i128) -> Option<Money> {
        if kopecks.unsigned_abs() <= Money::MAX.0 as u128 {
            Some(Money(kopecks as i64))
        } else {
            None
        }
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl Quantity {
    /// 999 999 999 999.999: the largest quantity with 15 significant digits.
    pub const MAX: Quantity = Quantity(999_999_999_999_999);
    pub const ONE: Quantity = Quantity(1000);

    pub const fn from_thousandths(thousandths: i64) -> Quantity {
        Quantity(thousandths)
    }

    pub const fn thousandths(self) -> i64 {
        self.0
    }

    /// Reads a JSON number or numeric string (at most 3 decimals).
    pub fn from_json(value: &Value) -> Result<Quantity, NumberError> {
        units_from_json(value, QUANTITY_SCALE, Quantity::MAX.0).map(Quantity)
    }

    /// Reads decimal text in JSON number syntax.
    pub fn parse_str(text: &str) -> Result<Quantity, NumberError> {
        units_from_text(text, QUANTITY_SCALE, Quantity::MAX.0).map(Quantity)
    }
}

/// `price × quantity` rounded half up (away from zero) to whole kopecks, the gross amount of a
/// line before its discount. Exact: `i64 × i64` always fits in `i128`.
pub fn line_gross_kopecks(price: Money, quantity: Quantity) -> i128 {
    let product = price.0 as i128 * quantity.0 as i128;
    let whole = product / 1000;
    let rest = product % 1000;
    if rest >= 500 {
        whole + 1
    } else if rest <= -500 {
        whole - 1
    } else {
        whole
    }
}

/// The amount of a line: `round_half_up(price × quantity) − discSum`, in kopecks (exact).
pub fn line_amount_kopecks(price: Money, quantity: Quantity, disc_sum: Money) -> i128 {
    line_gross_kopecks(price, quantity) - disc_sum.0 as i128
}

impl fmt::Display for Money {
    /// Always two decimals: `12.30`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&units_to_text(self.0, MONEY_SCALE, false))
    }
}

impl fmt::Display for Quantity {
    /// The shortest exact form: `1`, `1.5`, `0.001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&units_to_text(self.0, QUANTITY_SCALE, true))
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_units(self.0, MONEY_SCALE, serializer)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_units(self.0, QUANTITY_SCALE, serializer)
    }
}

fn serialize_units<S: Serializer>(
    units: i64,
    scale: u32,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let factor = 10i64.pow(scale);
    if units % factor == 0 {
        return serializer.serialize_i64(units / factor);
    }
    // The carrier is the double nearest to the decimal `units / 10^scale`; for at most 15
    // significant digits it prints back as exactly that decimal.
    if let Some(carrier) = nearest_double(units, scale) {
        return serializer.serialize_f64(carrier);
    }
    // Decimal text → nearest double (a correctly rounded conversion, no arithmetic).
    let text = units_to_text(units, scale, true);
    let carrier: f64 = text
        .parse()
        .map_err(|_| serde::ser::Error::custom("internal: unformattable amount"))?;
    serializer.serialize_f64(carrier)
}

/// The double nearest to `units / 10^scale`, computed without text when `units` is an exact
/// double (|units| ≤ 2^53): both operands are then exact and IEEE division rounds the exact
/// quotient to nearest (ties to even), just as reading the decimal text does. `None` beyond.
fn nearest_double(units: i64, scale: u32) -> Option<f64> {
    if units.unsigned_abs() > 1 << 53 {
        return None;
    }
    Some(units as f64 / 10u32.pow(scale) as f64)
}

/// `units / 10^scale` as decimal text; `trim` drops trailing zeros (and a bare point).
fn units_to_text(units: i64, scale: u32, trim: bool) -> String {
    let factor = 10u64.pow(scale);
    let magnitude = units.unsigned_abs();
    let sign = if units < 0 { "-" } else { "" };
    let whole = magnitude / factor;
    let fraction = magnitude % factor;
    let mut digits = format!("{fraction:0width$}", width = scale as usize);
    if trim {
        while digits.ends_with('0') {
            digits.pop();
        }
    }
    if digits.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{digits}")
    }
}

/// An exact decimal: `digits × 10^exponent`, with `digits` free of leading and trailing zeros
/// (empty for zero).
#[derive(Debug, PartialEq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

/// Parses JSON number syntax: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn parse_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let negative = bytes.first() == Some(&b'-');
    if negative {
        pos += 1;
    }
    let int_start = pos;
    while pos < bytes.len() && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    let int_part = &bytes[int_start..pos];
    if int_part.is_empty() || (int_part.len() > 1 && int_part[0] == b'0') {
        return None;
    }
    let mut frac_part: &[u8] = &[];
    if pos < bytes.len() && bytes[pos] == b'.' {
        pos += 1;
        let frac_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        frac_part = &bytes[frac_start..pos];
        if frac_part.is_empty() {
            return None;
        }
    }
    let mut exponent: i64 = 0;
    if pos < bytes.len() && (bytes[pos] == b'e' || bytes[pos] == b'E') {
        pos += 1;
        let exp_negative = match bytes.get(pos) {
            Some(b'-') => {
                pos += 1;
                true
            }
            Some(b'+') => {
                pos += 1;
                false
            }
            _ => false,
        };
        let exp_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            // Saturate: anything beyond ±10^12 is far out of every range anyway.
            exponent = (exponent * 10 + (bytes[pos] - b'0') as i64).min(1_000_000_000_000);
            pos += 1;
        }
        if pos == exp_start {
            return None;
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if pos != bytes.len() {
        return None;
    }
    let mut digits: Vec<u8> = int_part
        .iter()
        .chain(frac_part)
        .map(|b| b - b'0')
        .skip_while(|d| *d == 0)
        .collect();
    exponent -= frac_part.len() as i64;
    while digits.last() == Some(&0) {
        digits.pop();
        exponent += 1;
    }
    if digits.is_empty() {
        exponent = 0;
    }
    Some(Decimal {
        negative,
        digits,
        exponent,
    })
}

/// Why a value is not a valid amount: the rule broken (one of [`super::rules::RULES`]) and a
/// reason for a [`crate::error::FieldIssue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub rule: &'static str,
    pub reason: String,
}

impl NumberError {
    fn new(rule: &'static str, reason: impl Into<String>) -> Self {
        NumberError {
            rule,
            reason: reason.into(),
        }
    }
}

fn too_large(scale: u32, max_units: i64) -> NumberError {
    NumberError::new(
        "too_large",
        format!(
            "is too large (at most {})",
            units_to_text(max_units, scale, false)
        ),
    )
}

fn units_from_json(value: &Value, scale: u32, max_units: i64) -> Result<i64, NumberError> {
    match value {
        Value::Number(number) => {
            if let Some(i) = number.as_i64() {
                return (i as i128)
                    .checked_mul(10i128.pow(scale))
                    .filter(|u| u.unsigned_abs() <= max_units as u128)
                    .map(|u| u as i64)
                    .ok_or_else(|| too_large(scale, max_units));
            }
            if number.as_u64().is_some() {
                return Err(too_large(scale, max_units));
            }
            match number.as_f64() {
                Some(double) if double.is_finite() => {
                    match units_from_double(double, scale, max_units) {
                        Some(units) => Ok(units),
                        // `{:e}` prints the shortest digits that read back as the same double.
                        None => units_from_text(&format!("{double:e}"), scale, max_units),
                    }
                }
                _ => Err(NumberError::new("not_finite", "is not a finite number")),
            }
        }
        Value::String(text) => units_from_text(text, scale, max_units),
        _ => Err(NumberError::new("type", "must be a number")),
    }
}

/// The value of a double in units of `10^-scale` without going through its text, when the double
/// is the nearest double to `k / 10^scale` for some `|k| ≤ max_units`; `None` otherwise (the
/// caller then reads the double's shortest text).
///
/// Why this equals the text path: `k` and `10^scale` are exact doubles (below 2^53), so IEEE
/// division rounds the exact quotient `k / 10^scale` correctly: the check below holds exactly
/// when `double` is the nearest double to that decimal. Over the whole range the spacing of
/// doubles (at most 2^-11 < 10^-scale) is finer than the unit, so no other multiple of
/// `10^-scale`, and no shorter decimal, rounds to the same double: the shortest text of `double`
/// is that decimal, which the text path reads as exactly `k`.
fn units_from_double(double: f64, scale: u32, max_units: i64) -> Option<i64> {
    debug_assert!(max_units < 1 << 53, "units must be exact doubles");
    debug_assert!(double.is_finite(), "JSON numbers are finite");
    let factor = 10u32.pow(scale) as f64;
    // Any rounding in this product only makes the check below fail (then the text path runs).
    let units = (double * factor).round();
    // `units` is never NaN: `double` is finite, so the product is finite or infinite.
    if units.abs() > max_units as f64 || units / factor != double {
        return None;
    }
    Some(units as i64)
}

fn units_from_text(text: &str, scale: u32, max_units: i64) -> Result<i64, NumberError> {
    let bare = text.strip_prefix('-').unwrap_or(text);
    if ["nan", "inf", "infinity"]
        .iter()
        .any(|word| bare.eq_ignore_ascii_case(word))
    {
        // What a host prints for a non-finite float (PHP: NAN, INF, -INF).
        return Err(NumberError::new("not_finite", "is not a finite number"));
    }
    let decimal =
        parse_decimal(text).ok_or_else(|| NumberError::new("number", "is not a valid number"))?;
    decimal_to_units(&decimal, scale, max_units)
}

/// The decimal in units of `10^-scale`, exact, or read through float noise (module docs).
fn decimal_to_units(decimal: &Decimal, scale: u32, max_units: i64) -> Result<i64, NumberError> {
    if decimal.digits.is_empty() {
        return Ok(0);
    }
    let len = decimal.digits.len() as i64;
    let shift = decimal.exponent + scale as i64;
    // Split into whole units and the digits below one unit.
    let (whole_digits, fraction_zeros, fraction_digits): (&[u8], i64, &[u8]) = if shift >= 0 {
        if len + shift > 19 {
            return Err(too_large(scale, max_units));
        }
        (&decimal.digits, 0, &[])
    } else {
        let below = -shift; // digits after the unit point
        if below >= len {
            (&[], below - len, &decimal.digits)
        } else {
            let split = (len - below) as usize;
            (&decimal.digits[..split], 0, &decimal.digits[split..])
        }
    };
    if whole_digits.len() > 19 {
        return Err(too_large(scale, max_units));
    }
    let mut whole: i128 = 0;
    for d in whole_digits {
        whole = whole * 10 + *d as i128;
    }
    if shift > 0 {
        whole *= 10i128.pow(shift as u32);
    }
    let mut units = whole;
    if !fraction_digits.is_empty() {
        // More decimals than allowed: read as noise around the nearest allowed value, or reject.
        let fraction = fraction_value(fraction_zeros, fraction_digits);
        let round_up = fraction_zeros == 0 && fraction_digits[0] >= 5;
        if round_up {
            units += 1;
        }
        let distance_units = if round_up { 1.0 - fraction } else { fraction };
        let unit = 10f64.powi(-(scale as i32));
        let distance = distance_units * unit;
        let nearest = units as f64 * unit;
        if distance > noise_tolerance(nearest) {
            return Err(NumberError::new(
                "decimals",
                format!("has more than {scale} decimals"),
            ));
        }
    }
    if units > max_units as i128 {
        return Err(too_large(scale, max_units));
    }
    let units = units as i64;
    Ok(if decimal.negative { -units } else { units })
}

/// `0.<zeros><digits>` as a double (only used to measure a distance, never a value).
fn fraction_value(zeros: i64, digits: &[u8]) -> f64 {
    if zeros > 40 {
        return 0.0;
    }
    let mut text = String::from("0.");
    for _ in 0..zeros {
        text.push('0');
    }
    for d in digits.iter().take(40) {
        text.push((b'0' + d) as char);
    }
    text.parse().unwrap_or(0.0)
}

/// How far a double may lie from the allowed value it means (see the module docs).
fn noise_tolerance(nearest: f64) -> f64 {
    let magnitude = nearest.abs();
    let ulp = if magnitude > 0.0 && magnitude.is_finite() {
        f64::from_bits(magnitude.to_bits() + 1) - magnitude
    } else {
        0.0
    };
    (2.0 * ulp).max(1e-11).max((1e-9 * magnitude).min(1e-6))
}

#[cfg(test)]
mod tests;
