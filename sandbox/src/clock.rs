//! Wall-clock formatting (UTC) and the date-time format checks, without a date crate.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Civil date-time in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl DateTime {
    pub fn from_system(time: SystemTime) -> DateTime {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        let secs = since.as_secs() as i64;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            millis: since.subsec_millis(),
        }
    }

    /// `2019-09-04T07:14:51+00:00`
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2019-09-04T07:14:51.123+00:00` (Spring error timestamps carry milliseconds).
    pub fn rfc3339_millis(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+00:00",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.millis
        )
    }

    /// The `t=` value of the tax service's receipt QR code: `20190904T0714`.
    pub fn qr_time(&self) -> String {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute
        )
    }

    /// The same instant with seconds and milliseconds cut (fiscal documents carry minutes).
    pub fn to_minute(self) -> DateTime {
        DateTime {
            second: 0,
            millis: 0,
            ..self
        }
    }
}

pub fn now() -> DateTime {
    DateTime::from_system(SystemTime::now())
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

fn number(text: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| range.contains(n))
}

/// `YYYY-MM-DD` with a real calendar day.
pub fn is_valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return false;
    }
    let (Some(year), Some(month)) = (number(parts[0], 1..=9999), number(parts[1], 1..=12)) else {
        return false;
    };
    number(parts[2], 1..=days_in_month(year, month)).is_some()
}

/// ISO-8601 / RFC 3339 date-time with a mandatory offset: `2020-02-26T06:41:04+07:00`, also
/// with fractions (`.123`, up to 9 digits), `Z`, or an offset without colon (`+0700`, as Java
/// prints it). Seconds may be omitted (`2020-02-26T06:41+07:00`), as ISO-8601 allows.
pub fn is_valid_date_time_with_offset(text: &str) -> bool {
    let Some((date, rest)) = text.split_once('T') else {
        return false;
    };
    if !is_valid_date(date) {
        return false;
    }
    let (time, offset) = if let Some(time) = rest.strip_suffix('Z') {
        (time, None)
    } else {
        match rest.rfind(['+', '-']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => return false, // no offset
        }
    };
    if let Some(offset) = offset {
        let (h, m) = match offset.len() {
            5 if offset.as_bytes()[2] == b':' => (&offset[..2], &offset[3..]),
            4 if offset.is_char_boundary(2) => offset.split_at(2),
            _ => return false,
        };
        if number(h, 0..=18).is_none()
            || number(m, 0..=59).is_none()
            || h.len() != 2
            || m.len() != 2
        {
            return false;
        }
    }
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (time, None),
    };
    if let Some(fraction) = fraction {
        if fraction.is_empty()
            || fraction.len() > 9
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return false;
        }
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let ranges = [0..=23, 0..=59, 0..=59];
    if !(parts.len() == 3 || (parts.len() == 2 && fraction.is_none())) {
        return false;
    }
    parts
        .iter()
        .zip(ranges)
        .all(|(part, range)| part.len() == 2 && number(part, range).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let t = DateTime::from_system(UNIX_EPOCH + Duration::from_millis(1_567_581_291_123));
        assert_eq!(t.rfc3339(), "2019-09-04T07:14:51+00:00");
        assert_eq!(t.rfc3339_millis(), "2019-09-04T07:14:51.123+00:00");
        assert_eq!(t.qr_time(), "20190904T0714");
        let leap = DateTime::from_system(UNIX_EPOCH + Duration::from_secs(951_782_400)); // 2000-02-29
        assert_eq!((leap.year, leap.month, leap.day), (2000, 2, 29));
        assert_eq!(
            DateTime::from_system(UNIX_EPOCH).rfc3339(),
            "1970-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn accepts_date_times_with_offset() {
        for ok in [
            "2020-02-26T06:41:04+07:00",
            "2020-02-26T06:41:04-03:30",
            "2020-02-26T06:41:04Z",
            "2020-02-26T06:41:04.1234567+03:00",
            "2020-02-26T00:31:19.000+0000",
            "2024-02-29T23:59:59+00:00",
            "2020-02-26T06:41+07:00",
        ] {
            assert!(is_valid_date_time_with_offset(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_date_times() {
        for bad in [
            "2020-02-26T06:41:04",
            "2020-02-26 06:41:04+07:00",
            "2020-02-30T06:41:04+07:00",
            "2023-02-29T06:41:04+07:00",
            "2020-13-01T06:41:04+07:00",
            "2020-02-26T24:00:00+07:00",
            "2020-02-26T06:60:04+07:00",
            "2020-02-26T06:41:04+7:00",
            "2020-02-26T06:41:04.+07:00",
            "2020-02-26",
            "26.02.2020T06:41:04+07:00",
            "",
            "2020-02-26T06:41:04+07:00:00",
            // A 4-byte offset whose byte 2 is inside a character: rejected, not a slicing panic.
            "2020-02-26T06:41:04+1\u{436}0",
        ] {
            assert!(!is_valid_date_time_with_offset(bad), "{bad}");
        }
    }
}
