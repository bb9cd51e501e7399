//! Tests of `money.rs`, in their own file so the rules read without scrolling past them.

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
        "", " 1", "1 ", "+1", ".5", "5.", "01", "1,5", "-", "1e", "1e+", "0x10", "١٢", "12.3.4",
        "--1", "NaNa", "infinite",
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
