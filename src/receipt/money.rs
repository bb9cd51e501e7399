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
mod tests {
    use super::*;
    use serde_json::json;

    fn money(v: Value) -> Result<i64, String> {
        Money::from_json(&v)
            .map(Money::kopecks)
            .map_err(|e| e.reason)
    }

    fn qty(v: Value) -> Result<i64, String> {
        Quantity::from_json(&v)
            .map(Quantity::thousandths)
            .map_err(|e| e.reason)
    }

    fn money_text(text: &str) -> Result<Money, String> {
        Money::parse_str(text).map_err(|e| e.reason)
    }

    fn from_text(json_text: &str) -> Result<i64, String> {
        money(serde_json::from_str(json_text).unwrap())
    }

    #[test]
    fn integers_and_plain_decimals() {
        assert_eq!(money(json!(0)), Ok(0));
        assert_eq!(money(json!(5)), Ok(500));
        assert_eq!(money(json!(12.3)), Ok(1230));
        assert_eq!(money(json!(12.34)), Ok(1234));
        assert_eq!(money(json!(0.01)), Ok(1));
        assert_eq!(money(json!(-7.5)), Ok(-750));
        assert_eq!(from_text("99.99"), Ok(9999));
        assert_eq!(from_text("0.0"), Ok(0));
        assert_eq!(from_text("-0"), Ok(0));
    }

    #[test]
    fn exponent_forms() {
        assert_eq!(from_text("1e2"), Ok(10000));
        assert_eq!(from_text("1E+2"), Ok(10000));
        assert_eq!(from_text("1.5e1"), Ok(1500));
        assert_eq!(from_text("123e-2"), Ok(123));
        assert_eq!(from_text("1e-3"), Err("has more than 2 decimals".into()));
        assert_eq!(money_text("2.5e-1"), Ok(Money(25)));
        assert_eq!(money_text("0e999999999999999"), Ok(Money(0)));
    }

    #[test]
    fn float_noise_reads_as_the_meant_value() {
        assert_eq!(money(json!(0.1 + 0.2)), Ok(30)); // 0.30000000000000004
        assert_eq!(from_text("0.30000000000000004"), Ok(30));
        assert_eq!(money(json!(0.1 + 0.7)), Ok(80)); // 0.7999999999999999
        assert_eq!(money(json!(1.1 * 3.0)), Ok(330)); // 3.3000000000000003
        assert_eq!(money(json!(19.99 * 3.0)), Ok(5997)); // 59.97000000000001
        let mut sum = 0.0;
        for _ in 0..1000 {
            sum += 0.01;
        }
        assert_eq!(money(json!(sum)), Ok(1000)); // 10.000000000000009 after 1000 additions
        assert_eq!(money(json!(0.1 + 0.2 - 0.3)), Ok(0)); // 5.551115123125783e-17
        assert_eq!(money_text("0.30000000000000004"), Ok(Money(30)));
        assert_eq!(money_text("2814749767106.5499999"), Ok(Money::MAX));
        assert_eq!(qty(json!(0.1 + 0.2)), Ok(300));
        assert_eq!(qty(json!(1.0 / 3.0 * 3.0)), Ok(1000));
    }

    #[test]
    fn a_real_extra_decimal_is_an_error() {
        let err = Err("has more than 2 decimals".to_owned());
        assert_eq!(money(json!(10.005)), err);
        assert_eq!(money(json!(1.005)), err);
        assert_eq!(money(json!(0.001)), err);
        assert_eq!(money(json!(12.3456789)), err);
        assert_eq!(money(json!(1.0 / 3.0)), err);
        assert_eq!(money(json!(123456789.001)), err);
        assert_eq!(money(json!(2814749767106.001)), err);
        assert_eq!(money_text("10.005"), err.clone().map(Money));
        assert_eq!(money_text("0.00001"), err.clone().map(Money));
        assert_eq!(from_text("100.000001"), err);
        assert_eq!(from_text("100.0000001"), Ok(10000)); // one part in a billion: noise
        assert_eq!(
            qty(json!(1.0005)),
            Err("has more than 3 decimals".to_owned())
        );
        assert_eq!(qty(json!(0.0001)), Err("has more than 3 decimals".into()));
    }

    #[test]
    fn ranges() {
        assert_eq!(from_text("2814749767106.55"), Ok(Money::MAX.0));
        assert_eq!(from_text("-2814749767106.55"), Ok(-Money::MAX.0));
        let too_large = Err("is too large (at most 2814749767106.55)".to_owned());
        assert_eq!(from_text("2814749767106.56"), too_large);
        assert_eq!(from_text("1e300"), too_large);
        assert_eq!(from_text("-1e300"), too_large);
        assert_eq!(money_text("1e1000000"), too_large.clone().map(Money));
        assert_eq!(from_text("18446744073709551615"), too_large);
        assert_eq!(from_text("99999999999999999999999999"), too_large);
        assert_eq!(from_text("9223372036854775807"), too_large);
        assert_eq!(from_text("-9223372036854775808"), too_large);
        assert_eq!(money_text("1e999999999999999999999"), too_large.map(Money));
        assert_eq!(from_text("1e-300"), Ok(0)); // noise around zero
        assert_eq!(qty(json!(999999999999.999)), Ok(Quantity::MAX.0));
        assert_eq!(
            qty(json!(1e12)),
            Err("is too large (at most 999999999999.999)".into())
        );
    }

    #[test]
    fn strings_and_wrong_types() {
        assert_eq!(money(json!("12.30")), Ok(1230));
        assert_eq!(money(json!("5")), Ok(500));
        assert_eq!(money(json!("-1.5")), Ok(-150));
        let bad = Err("is not a valid number".to_owned());
        for text in [
            "", " 1", "1 ", "+1", ".5", "5.", "01", "1,5", "-", "1e", "1e+", "0x10", "١٢",
            "12.3.4", "--1", "NaNa", "infinite",
        ] {
            assert_eq!(money(json!(text)), bad, "{text:?}");
        }
        for text in [
            "NaN",
            "nan",
            "NAN",
            "inf",
            "INF",
            "-INF",
            "Infinity",
            "-infinity",
        ] {
            assert_eq!(
                Money::from_json(&json!(text)).unwrap_err().rule,
                "not_finite",
                "{text:?}"
            );
        }
        for v in [json!(null), json!(true), json!([1]), json!({"a": 1})] {
            assert_eq!(money(v), Err("must be a number".into()));
        }
    }

    #[test]
    fn display_and_json_form() {
        assert_eq!(Money(1230).to_string(), "12.30");
        assert_eq!(Money(-5).to_string(), "-0.05");
        assert_eq!(Money(0).to_string(), "0.00");
        assert_eq!(Money::MAX.to_string(), "2814749767106.55");
        assert_eq!(Money(i64::MIN).to_string(), "-92233720368547758.08");
        assert_eq!(Quantity(1500).to_string(), "1.5");
        assert_eq!(Quantity(1000).to_string(), "1");
        assert_eq!(Quantity(1).to_string(), "0.001");
        fn text<T: Serialize>(value: &T) -> String {
            serde_json::to_string(value).unwrap()
        }
        assert_eq!(text(&Money(1230)), "12.3");
        assert_eq!(text(&Money(1234)), "12.34");
        assert_eq!(text(&Money(10000)), "100");
        assert_eq!(text(&Money(5)), "0.05");
        assert_eq!(text(&Money(-30)), "-0.3");
        assert_eq!(text(&Money::MAX), "2814749767106.55");
        assert_eq!(text(&Quantity(1500)), "1.5");
        assert_eq!(text(&Quantity(1)), "0.001");
        assert_eq!(text(&Quantity::MAX), "999999999999.999");
    }

    #[test]
    fn json_form_is_exact_across_the_range() {
        // A deterministic spread of values of every length up to 15 digits: each must print
        // as its exact decimal and read back to the same kopecks.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..20_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = 1 + (i % 15) as u32;
            let kopecks = (state % 10u64.pow(digits)) as i64;
            let kopecks = kopecks.min(Money::MAX.0);
            let printed = serde_json::to_string(&Money(kopecks)).unwrap();
            assert_eq!(
                printed,
                units_to_text(kopecks, 2, true),
                "kopecks {kopecks}"
            );
            assert_eq!(from_text(&printed), Ok(kopecks));
        }
    }

    /// Reads `double` through the fast path and through its shortest text, checks that they agree
    /// whenever the fast path answers (also through `from_json`); returns whether it answered.
    fn fast_path_agrees(double: f64, scale: u32, max_units: i64) -> bool {
        if !double.is_finite() {
            return false; // JSON has no such number (the next double after f64::MAX)
        }
        let text = units_from_text(&format!("{double:e}"), scale, max_units);
        let via_json = if scale == MONEY_SCALE {
            Money::from_json(&json!(double)).map(Money::kopecks)
        } else {
            Quantity::from_json(&json!(double)).map(Quantity::thousandths)
        };
        assert_eq!(via_json, text, "{double:e} (scale {scale})");
        match units_from_double(double, scale, max_units) {
            Some(fast) => {
                assert_eq!(Ok(fast), text, "{double:e} (scale {scale})");
                true
            }
            None => false,
        }
    }

    #[test]
    fn double_fast_path_equals_the_text_path() {
        let scales = [
            (MONEY_SCALE, Money::MAX.0),
            (QUANTITY_SCALE, Quantity::MAX.0),
        ];
        // Neighbours of a non-negative double (below zero comes -0.0's neighbour, 5e-324 negated).
        let next_up = |d: f64| f64::from_bits(d.to_bits() + 1);
        let next_down = |d: f64| match d.to_bits() {
            0 => -5e-324,
            bits => f64::from_bits(bits - 1),
        };
        let mut edges = vec![
            0.0,
            0.1 + 0.2,
            0.3,
            0.1 + 0.7,
            19.99 * 3.0,
            199.995,
            199.99,
            0.005,
            0.015,
            1.005,
            10.005,
            0.01,
            0.001,
            0.0005,
            1.0 / 3.0,
            45.9,
            1e12,
            1e15,
            1e16,
            1e300,
            999999999999.999,
            1000000000000.0,
            2814749767106.55,
            2814749767106.56,
            2814749767106.5,
            9007199254740993.0,
            f64::MIN_POSITIVE,
            5e-324,
            1e-300,
            f64::MAX,
            f64::EPSILON,
        ];
        for d in edges.clone() {
            if d > 0.0 {
                edges.extend([next_up(d), next_down(d)]);
            }
        }
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (scale, max_units) in scales {
            let mut hits = 0;
            for &d in &edges {
                fast_path_agrees(d, scale, max_units);
                fast_path_agrees(-d, scale, max_units);
            }
            for i in 0..50_000u64 {
                // The nearest double to a random in-range decimal: the fast path must answer.
                let digits = 1 + (i % 16) as u32;
                let units = (next() % 10u64.pow(digits)) as i64 % (max_units + 1);
                let units = if i % 3 == 0 { -units } else { units };
                let nearest: f64 = units_to_text(units, scale, false).parse().unwrap();
                assert!(fast_path_agrees(nearest, scale, max_units), "{nearest:e}");
                hits += 1;
                // Its neighbours (float noise or a real extra decimal) and host arithmetic.
                fast_path_agrees(next_up(nearest.abs()), scale, max_units);
                fast_path_agrees(next_down(nearest.abs()), scale, max_units);
                fast_path_agrees(nearest * 3.0, scale, max_units);
                fast_path_agrees(nearest + 0.1, scale, max_units);
                fast_path_agrees(nearest / 7.0, scale, max_units);
                // Arbitrary doubles of every magnitude.
                let any = f64::from_bits(next());
                if any.is_finite() {
                    fast_path_agrees(any, scale, max_units);
                }
                let small = (next() % 1_000_000_000) as f64 / 10f64.powi((next() % 12) as i32);
                fast_path_agrees(small, scale, max_units);
            }
            assert_eq!(hits, 50_000);
        }
    }

    #[test]
    fn nearest_double_equals_reading_the_text() {
        let mut state: u64 = 0x6A09_E667_F3BC_C909;
        let check = |units: i64| {
            for scale in [MONEY_SCALE, QUANTITY_SCALE] {
                let text = units_to_text(units, scale, true);
                let read: f64 = text.parse().unwrap();
                match nearest_double(units, scale) {
                    Some(computed) => assert_eq!(computed.to_bits(), read.to_bits(), "{text}"),
                    None => assert!(units.unsigned_abs() > 1 << 53, "{text}"),
                }
            }
        };
        for units in [
            0,
            1,
            5,
            30,
            1230,
            19999,
            Money::MAX.0,
            Quantity::MAX.0,
            1 << 53,
        ] {
            check(units);
            check(-units);
            check(units.saturating_sub(1));
        }
        for i in 0..200_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = 1 + (i % 16) as u32;
            let units = (state % 10u64.pow(digits)) as i64;
            check(if i % 2 == 0 { units } else { -units });
        }
        assert_eq!(nearest_double((1 << 53) + 1, MONEY_SCALE), None);
        assert_eq!(nearest_double(i64::MIN, MONEY_SCALE), None);
        // Beyond 2^53 the text path still gives the exact nearest double.
        let text = |value: &Money| serde_json::to_string(value).unwrap();
        assert_eq!(text(&Money(i64::MAX)), "9.223372036854776e+16");
    }

    #[test]
    fn line_rounding_is_half_up() {
        let gross = |p: i64, q: i64| line_gross_kopecks(Money(p), Quantity(q));
        assert_eq!(gross(1000, 1000), 1000); // 10.00 × 1
        assert_eq!(gross(1, 500), 1); // 0.01 × 0.5 = 0.005 → 0.01
        assert_eq!(gross(1, 499), 0); // 0.00499 → 0.00
        assert_eq!(gross(333, 1500), 500); // 3.33 × 1.5 = 4.995 → 5.00
        assert_eq!(gross(999, 333), 333); // 9.99 × 0.333 = 3.32667 → 3.33
        assert_eq!(gross(-1, 500), -1); // half away from zero
        assert_eq!(gross(5200, 1000) - 520, 4680); // Ruby example 52 × 1 − 5.2
        assert_eq!(
            line_amount_kopecks(Money(5200), Quantity(1000), Money(520)),
            4680
        );
        // The largest operands do not overflow.
        let huge = line_gross_kopecks(Money(i64::MAX), Quantity(i64::MAX));
        assert!(huge > 0);
        assert_eq!(Money::from_i128(huge), None);
        assert_eq!(
            Money::from_i128(-(Money::MAX.0 as i128)),
            Some(Money(-Money::MAX.0))
        );
    }

    #[test]
    fn decimal_parser() {
        assert_eq!(parse_decimal("-0012"), None, "leading zeros are not JSON");
        assert_eq!(
            parse_decimal("120.500e1"),
            Some(Decimal {
                negative: false,
                digits: vec![1, 2, 0, 5],
                exponent: 0
            })
        );
        assert_eq!(
            parse_decimal("0.000"),
            Some(Decimal {
                negative: false,
                digits: vec![],
                exponent: 0
            })
        );
    }
}
