//! Format checks of single text values: date-times, dates, e-mail or phone contacts, INNs (with
//! the tax service's checksum), phones, callback URLs, country codes, nomenclature codes.
//!
//! Each check returns `Err(reason)` with a reason ready for a
//! [`crate::error::FieldIssue`]; none of them allocates more than the message.

/// An ISO-8601 / RFC 3339 date-time with a UTC offset: `YYYY-MM-DDTHH:MM:SS`, optional
/// fraction of 1 to 9 digits, then `Z` or `±HH:MM` (at most ±18:00, as Java allows). The date
/// and time must exist on the calendar (leap years included; no leap second).
pub fn check_date_time(text: &str) -> Result<(), String> {
    const SHAPE: &str =
        "must be an ISO-8601 date-time with an offset, e.g. 2020-02-26T06:41:04+07:00";
    let b = text.as_bytes();
    if b.len() < 20 || !text.is_ascii() || b[10] != b'T' {
        return Err(SHAPE.to_owned());
    }
    check_date_shape(&text[..10]).map_err(|_| SHAPE.to_owned())?;
    let time = &b[11..19];
    let time_shape = digits(&time[0..2])
        && time[2] == b':'
        && digits(&time[3..5])
        && time[5] == b':'
        && digits(&time[6..8]);
    if !time_shape {
        return Err(SHAPE.to_owned());
    }
    let mut pos = 19;
    if b[pos] == b'.' {
        let start = pos + 1;
        pos = start;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos == start || pos - start > 9 {
            return Err(SHAPE.to_owned());
        }
    }
    match &b[pos..] {
        [b'Z'] => {}
        [b'+' | b'-', h1, h2, b':', m1, m2] if digits(&[*h1, *h2, *m1, *m2]) => {
            let (hours, minutes) = (number(&[*h1, *h2]), number(&[*m1, *m2]));
            if minutes > 59 || hours * 60 + minutes > 18 * 60 {
                return Err(format!("has an impossible UTC offset {}", &text[pos..]));
            }
        }
        _ => return Err(SHAPE.to_owned()),
    }
    check_calendar_date(&text[..10])?;
    let (hour, minute, second) = (
        number(&time[0..2]),
        number(&time[3..5]),
        number(&time[6..8]),
    );
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!("has an impossible time of day {}", &text[11..19]));
    }
    Ok(())
}

/// A date-time as hosts write it, in the form the service surely parses: a time without
/// seconds (`2020-02-26T06:41+03:00`) gets `:00`, and an offset without a colon (`+0300`, PHP's
/// `DATE_ISO8601`) gets one (`+03:00`). Anything else comes back unchanged, for
/// [`check_date_time`] to judge.
pub fn normalize_date_time(text: &str) -> String {
    let mut out = text.to_owned();
    let b = text.as_bytes();
    let hh_mm =
        b.len() >= 16 && b[10] == b'T' && digits(&b[11..13]) && b[13] == b':' && digits(&b[14..16]);
    if hh_mm && matches!(b.get(16), None | Some(b'+' | b'-' | b'Z')) {
        out.insert_str(16, ":00");
    }
    let o = out.as_bytes();
    if o.len() >= 24 && o[10] == b'T' {
        let sign = o.len() - 5;
        if matches!(o[sign], b'+' | b'-') && digits(&o[sign + 1..]) {
            out.insert(sign + 3, ':');
        }
    }
    out
}

/// A calendar date `YYYY-MM-DD`, or a date-time as in [`check_date_time`].
pub fn check_date(text: &str) -> Result<(), String> {
    if text.len() == 10 {
        check_date_shape(text).map_err(|_| date_shape_reason())?;
        return check_calendar_date(text);
    }
    check_date_time(text).map_err(|reason| {
        if reason.starts_with("must be") {
            date_shape_reason()
        } else {
            reason
        }
    })
}

fn date_shape_reason() -> String {
    "must be a date YYYY-MM-DD (or an ISO-8601 date-time with an offset)".to_owned()
}

fn check_date_shape(text: &str) -> Result<(), ()> {
    let b = text.as_bytes();
    if b.len() == 10
        && digits(&b[0..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
    {
        Ok(())
    } else {
        Err(())
    }
}

/// `text` is `YYYY-MM-DD` in shape; is it a real day?
fn check_calendar_date(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let (year, month, day) = (number(&b[0..4]), number(&b[5..7]), number(&b[8..10]));
    if year == 0 {
        return Err(format!(
            "has an impossible date {text}: there is no year 0000"
        ));
    }
    if !(1..=12).contains(&month) {
        return Err(format!("has an impossible date {text}: month {month}"));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days {
        return Err(format!(
            "has an impossible date {text}: day {day} of a month with {days} days"
        ));
    }
    Ok(())
}

fn digits(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_digit)
}

/// The value of ASCII digits (callers checked them; at most 4 here).
fn number(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0, |acc, b| acc * 10 + (b.wrapping_sub(b'0') as u32 % 10))
}

/// The buyer contact (`email`): an e-mail address, or `+7` followed by exactly 10 digits.
pub fn check_contact(text: &str) -> Result<(), String> {
    const REASON: &str = "must be an e-mail address or a phone number +7 followed by 10 digits";
    if let Some(rest) = text.strip_prefix('+') {
        if rest.len() == 11 && rest.starts_with('7') && digits(rest.as_bytes()) {
            return Ok(());
        }
        return Err(REASON.to_owned());
    }
    if is_email(text) {
        Ok(())
    } else {
        Err(REASON.to_owned())
    }
}

/// A practical e-mail address check: `local@domain`, no quoting or comments. The local part is
/// 1–64 characters of letters (any script), digits and ``!#$%&'*+/=?^_`{|}~-``, with dots only
/// between them; the domain has at least two dot-separated labels of letters, digits and inner
/// hyphens (1–63 characters each; Cyrillic domains such as `почта.рф` included), and a top-level
/// label that is not all digits.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.chars().count() > 64 || domain.contains('@') {
        return false;
    }
    let local_ok = local.split('.').all(|atom| {
        !atom.is_empty()
            && atom
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c))
    });
    if !local_ok {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|label| {
        let count = label.chars().count();
        (1..=63).contains(&count)
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    let tld = labels[labels.len() - 1];
    labels_ok && !tld.chars().all(|c| c.is_ascii_digit())
}

/// An INN (taxpayer number): 10 digits (organisation) or 12 digits (person), whose check digits
/// match the tax service's algorithm (see [`check_inn_format`] and [`check_inn_checksum`]).
pub fn check_inn(text: &str) -> Result<(), String> {
    check_inn_format(text)?;
    check_inn_checksum(text)
}

/// The shape of an INN: 10 or 12 ASCII digits.
pub fn check_inn_format(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    if (b.len() == 10 || b.len() == 12) && digits(b) {
        Ok(())
    } else {
        Err("must be an INN of 10 or 12 digits".to_owned())
    }
}

/// The check digits of an INN that has the right shape ([`check_inn_format`]): each check digit
/// is the weighted sum of the digits before it, modulo 11, modulo 10.
pub fn check_inn_checksum(text: &str) -> Result<(), String> {
    let d: Vec<u32> = text
        .bytes()
        .map(|c| c.wrapping_sub(b'0') as u32 % 10)
        .collect();
    let check = |weights: &[u32]| -> u32 {
        weights.iter().zip(&d).map(|(w, x)| w * x).sum::<u32>() % 11 % 10
    };
    let valid = match d.len() {
        10 => check(&[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9],
        12 => {
            check(&[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
                && check(&[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
        }
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err("is not a valid INN (the check digit does not match)".to_owned())
    }
}

/// A phone of an agent, operator or supplier: `+`, then the number with its country code, digits
/// only, at most 19 characters in all.
pub fn check_phone(text: &str) -> Result<(), String> {
    match text.strip_prefix('+') {
        Some(rest) if !rest.is_empty() && rest.len() <= 18 && digits(rest.as_bytes()) => Ok(()),
        _ => Err(
            "must be a phone number: + and the digits with the country code, at most 19 characters"
                .to_owned(),
        ),
    }
}

/// The callback URL (`responseURL`): absolute `http://` or `https://`, a non-empty host, no
/// whitespace or control characters.
pub fn check_url(text: &str) -> Result<(), String> {
    const REASON: &str = "must be an absolute http:// or https:// URL";
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &text[8..]
    } else if lower.starts_with("http://") {
        &text[7..]
    } else {
        return Err(REASON.to_owned());
    };
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{REASON} without spaces or control characters"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[')
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(format!("{REASON} with a host"));
    }
    Ok(())
}

/// An OKSM numeric country code: 1 to 3 digits.
pub fn check_country_code(text: &str) -> Result<(), String> {
    if (1..=3).contains(&text.len()) && digits(text.as_bytes()) {
        Ok(())
    } else {
        Err("must be a numeric country code of 1 to 3 digits (OKSM), e.g. 643".to_owned())
    }
}

/// A nomenclature code (fiscal tag 1162): 1 to 32 bytes written as two hex digits each,
/// separated by single spaces, e.g. `00 00 00 01 23 af`.
pub fn check_nomenclature_code(text: &str) -> Result<(), String> {
    let bytes: Vec<&str> = text.split(' ').collect();
    let ok = bytes.len() <= 32
        && bytes
            .iter()
            .all(|byte| byte.len() == 2 && byte.bytes().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(
            "must be 1 to 32 bytes as hex pairs separated by spaces, e.g. 00 00 00 01 23 af"
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        for ok in [
            "2020-02-26T06:41:04+07:00",
            "2020-02-26T06:41:04Z",
            "2020-02-26T06:41:04.1234567+03:00",
            "2020-02-26T06:41:04.5-05:30",
            "2020-02-29T23:59:59+18:00",
            "2000-02-29T00:00:00-18:00",
            "2019-12-31T23:59:59.999999999Z",
        ] {
            assert_eq!(check_date_time(ok), Ok(()), "{ok}");
        }
        let shape = Err(
            "must be an ISO-8601 date-time with an offset, e.g. 2020-02-26T06:41:04+07:00"
                .to_owned(),
        );
        for bad in [
            "",
            "2020-02-26",
            "2020-02-26T06:41:04",
            "2020-02-26 06:41:04+07:00",
            "2020-02-26t06:41:04z",
            "2020-02-26T06:41+07:00",
            "2020-02-26T06:41:04+0700",
            "2020-02-26T06:41:04+07",
            "2020-02-26T06:41:04.+07:00",
            "2020-02-26T06:41:04.1234567890Z",
            "2020-2-26T06:41:04Z",
            "20-02-26T06:41:04Z",
            "2020-02-26T06:41:04Z ",
            "2020-02-26T06:41:04ZZ",
            "２０２０-02-26T06:41:04Z",
            "26.02.2020 06:41:04",
        ] {
            assert_eq!(check_date_time(bad), shape, "{bad:?}");
        }
        assert_eq!(
            check_date_time("2021-02-29T10:00:00Z"),
            Err("has an impossible date 2021-02-29: day 29 of a month with 28 days".into())
        );
        assert!(check_date_time("1900-02-29T10:00:00Z").is_err());
        assert!(check_date_time("2020-13-01T10:00:00Z").is_err());
        assert!(check_date_time("2020-00-01T10:00:00Z").is_err());
        assert!(check_date_time("2020-04-31T10:00:00Z").is_err());
        assert!(check_date_time("2020-04-00T10:00:00Z").is_err());
        assert!(check_date_time("0000-01-01T10:00:00Z").is_err());
        assert_eq!(
            check_date_time("2020-04-01T24:00:00Z"),
            Err("has an impossible time of day 24:00:00".into())
        );
        assert!(check_date_time("2020-04-01T23:60:00Z").is_err());
        assert!(check_date_time("2020-04-01T23:59:60Z").is_err());
        assert_eq!(
            check_date_time("2020-04-01T10:00:00+18:01"),
            Err("has an impossible UTC offset +18:01".into())
        );
        assert!(check_date_time("2020-04-01T10:00:00+03:60").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(check_date("2024-02-29"), Ok(()));
        assert_eq!(check_date("2020-02-26T06:41:04+07:00"), Ok(()));
        assert!(check_date("2023-02-29").unwrap_err().contains("day 29"));
        assert_eq!(check_date("26.02.2020"), Err(date_shape_reason()));
        assert_eq!(check_date("2020-02-26T06:41:04"), Err(date_shape_reason()));
        assert_eq!(check_date(""), Err(date_shape_reason()));
    }

    #[test]
    fn contacts() {
        for ok in [
            "buyer@example.com",
            "first.last+tag@mail.example.ru",
            "иван@почта.рф",
            "a@b.co",
            "o'brien@x-y.org",
            "+79001234567",
        ] {
            assert_eq!(check_contact(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "buyer",
            "buyer@",
            "@example.com",
            "buyer@localhost",
            "buyer@@example.com",
            "a@b@example.com",
            "buyer@example..com",
            ".buyer@example.com",
            "buyer.@example.com",
            "bu..yer@example.com",
            "buyer @example.com",
            "buyer@-example.com",
            "buyer@example-.com",
            "buyer@1.2.3.4",
            "buyer@exa_mple.com",
            "\"quoted\"@example.com",
            "+7900123456",
            "+790012345678",
            "+89001234567",
            "89001234567",
            "+7 900 123-45-67",
            "+7900123456a",
            "+7900123456٧",
        ] {
            assert!(check_contact(bad).is_err(), "{bad:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(check_contact(&long_local).is_err());
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert!(check_contact(&long_label).is_err());
    }

    #[test]
    fn inns() {
        // Valid by the checksum (organisations: 10 digits; persons: 12 digits).
        for ok in ["7707083893", "7728168971", "500100732259", "773370857141"] {
            assert_eq!(check_inn(ok), Ok(()), "{ok}");
        }
        let checksum = Err("is not a valid INN (the check digit does not match)".to_owned());
        for bad in [
            "7707083894",
            "7728168970",
            "500100732258",
            "500100732269",
            "773370857140",
        ] {
            assert_eq!(check_inn(bad), checksum, "{bad}");
        }
        let shape = Err("must be an INN of 10 or 12 digits".to_owned());
        for bad in [
            "",
            "770708389",
            "77070838931",
            "7707083893 ",
            "77070838a3",
            "7707-83893",
        ] {
            assert_eq!(check_inn(bad), shape, "{bad:?}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(check_phone("+79001234567"), Ok(()));
        assert_eq!(check_phone("+1"), Ok(()));
        assert_eq!(check_phone(&format!("+{}", "1".repeat(18))), Ok(()));
        for bad in [
            "",
            "+",
            "79001234567",
            "+7 900 1234567",
            "+7(900)1234567",
            "++7900",
        ] {
            assert!(check_phone(bad).is_err(), "{bad:?}");
        }
        assert!(check_phone(&format!("+{}", "1".repeat(19))).is_err());
    }

    #[test]
    fn urls() {
        for ok in [
            "https://shop.example.ru/callback?order=15&token=x",
            "http://127.0.0.1:8080/cb",
            "HTTPS://example.com",
            "https://user@example.com:8443/",
            "https://[::1]:8080/cb",
            "https://магазин.рф/cb",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "example.com/cb",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://:80/",
            "https://exa mple.com",
            "https://example.com/\n",
            "javascript:alert(1)",
        ] {
            assert!(check_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn country_and_nomenclature_codes() {
        for ok in ["6", "64", "643"] {
            assert_eq!(check_country_code(ok), Ok(()));
        }
        for bad in ["", "6430", "RU", " 643", "６４３"] {
            assert!(check_country_code(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_nomenclature_code("00 00 00 01 23 af"), Ok(()));
        assert_eq!(check_nomenclature_code("AB"), Ok(()));
        assert_eq!(check_nomenclature_code(&vec!["ff"; 32].join(" ")), Ok(()));
        for bad in [
            "",
            "0",
            "000",
            "00  01",
            "00 01 ",
            " 00",
            "0g",
            "00,01",
            "00\u{a0}01",
        ] {
            assert!(check_nomenclature_code(bad).is_err(), "{bad:?}");
        }
        assert!(check_nomenclature_code(&vec!["ff"; 33].join(" ")).is_err());
    }
}
