//! Exact decimal numbers parsed from JSON number text, for the money and quantity checks.

/// Values are limited to 12 integer digits (below one trillion) and 12 decimals after
/// normalization; all the arithmetic the checks need then fits in i128 without overflow.
const MAX_INTEGER_DIGITS: usize = 12;
const MAX_FRACTION_DIGITS: u32 = 12;

/// `units × 10^-scale`, normalized so that `units` has no trailing zero digit when `scale > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

impl Decimal {
    /// Parses a JSON number literal (as produced by `json::parse`). Errors are reasons for messages.
    pub fn parse(text: &str) -> Result<Decimal, &'static str> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => {
                let exp: i64 = rest[i + 1..].parse().map_err(|_| "is not a valid number")?;
                (&rest[..i], exp)
            }
            None => (rest, 0),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty()
            || !int_part
                .bytes()
                .chain(frac_part.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err("is not a valid number");
        }
        // All significant digits, and the power of ten of the last one.
        let digits: String = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        let mut exp10 = exponent.saturating_sub(frac_part.len() as i64);
        let digits_trimmed = digits.trim_end_matches('0');
        exp10 = exp10.saturating_add((digits.len() - digits_trimmed.len()) as i64);
        if digits_trimmed.is_empty() {
            return Ok(Decimal { units: 0, scale: 0 });
        }
        let integer_digits = digits_trimmed.len() as i64 + exp10;
        if integer_digits > MAX_INTEGER_DIGITS as i64 {
            return Err("is too large");
        }
        if -exp10 > i64::from(MAX_FRACTION_DIGITS) {
            return Err("has too many decimals");
        }
        // Now at most 24 significant digits and a small exponent: fits in i128.
        let mut units: i128 = digits_trimmed
            .parse()
            .map_err(|_| "is not a valid number")?;
        let scale = if exp10 >= 0 {
            units *= 10i128.pow(exp10 as u32);
            0
        } else {
            (-exp10) as u32
        };
        if negative {
            units = -units;
        }
        Ok(Decimal { units, scale })
    }

    /// Number of decimals after removing trailing zeros (`1.50` → 1).
    pub fn decimals(&self) -> u32 {
        self.scale
    }

    pub fn is_negative(&self) -> bool {
        self.units < 0
    }

    pub fn is_zero(&self) -> bool {
        self.units == 0
    }

    /// The value in units of `10^-scale`, if it has at most `scale` decimals.
    pub fn to_scaled(&self, scale: u32) -> Option<i128> {
        if self.scale > scale {
            None
        } else {
            Some(self.units * 10i128.pow(scale - self.scale))
        }
    }
}

/// Formats an amount in kopecks as `R.KK` (e.g. 20000 → "200.00").
pub fn format_kopecks(kopecks: i128) -> String {
    let sign = if kopecks < 0 { "-" } else { "" };
    let abs = kopecks.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Rounds a non-negative amount in units of `10^-scale` (scale ≥ 2) to kopecks, half up.
pub fn round_to_kopecks(units: i128, scale: u32) -> i128 {
    debug_assert!(scale >= 2);
    let divisor = 10i128.pow(scale - 2);
    if units >= 0 {
        (units + divisor / 2) / divisor
    } else {
        -((-units + divisor / 2) / divisor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn normalizes_trailing_zeros_and_exponents() {
        assert_eq!(d("1.50").decimals(), 1);
        assert_eq!(d("1.500").to_scaled(2), Some(150));
        assert_eq!(d("1e2").to_scaled(0), Some(100));
        assert_eq!(d("12345e-3").to_scaled(3), Some(12345));
        assert_eq!(d("12345e-3").decimals(), 3);
        assert_eq!(d("0.000").decimals(), 0);
        assert!(d("0").is_zero());
        assert!(d("-0.01").is_negative());
        assert_eq!(d("-0.01").to_scaled(2), Some(-1));
        assert_eq!(d("0.001").to_scaled(2), None);
        assert_eq!(d("100").decimals(), 0);
    }

    #[test]
    fn bounds_magnitude() {
        assert_eq!(Decimal::parse("1e12"), Err("is too large"));
        assert!(Decimal::parse("999999999999.99").is_ok());
        assert_eq!(Decimal::parse("1e-13"), Err("has too many decimals"));
        assert_eq!(
            Decimal::parse("1e999999999999999999999"),
            Err("is not a valid number")
        );
        assert_eq!(
            Decimal::parse("0e999999"),
            Ok(Decimal { units: 0, scale: 0 })
        );
    }

    #[test]
    fn rounds_half_up_and_formats() {
        assert_eq!(round_to_kopecks(12345, 3), 1235);
        assert_eq!(round_to_kopecks(12344, 3), 1234);
        assert_eq!(round_to_kopecks(100_500, 5), 101);
        assert_eq!(round_to_kopecks(100_499, 5), 100);
        assert_eq!(format_kopecks(20000), "200.00");
        assert_eq!(format_kopecks(5), "0.05");
        assert_eq!(format_kopecks(-105), "-1.05");
    }
}
