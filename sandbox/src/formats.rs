//! Format checks of single values in a `Document`: INN check digits, phones, e-mail addresses,
//! callback URLs, nomenclature codes (tag 1162).

/// Russian taxpayer number: 10 digits (organisation) or 12 (person) with valid check digits.
pub fn is_valid_inn(inn: &str) -> bool {
    let digits: Vec<u32> = inn.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != inn.len() {
        return false;
    }
    let check =
        |weights: &[u32]| weights.iter().zip(&digits).map(|(w, d)| w * d).sum::<u32>() % 11 % 10;
    match digits.len() {
        10 => check(&[2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[9],
        12 => {
            check(&[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[10]
                && check(&[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[11]
        }
        _ => false,
    }
}

/// `+7` and 10 digits.
pub fn is_valid_phone_ru(s: &str) -> bool {
    s.len() == 12 && s.starts_with("+7") && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// A plain e-mail address: one `@`, a non-empty local part without spaces, a dotted domain.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || s.len() > 254 || domain.contains('@') {
        return false;
    }
    if local
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "()<>,;:\\\"[]".contains(c))
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// A phone of an agent/supplier: digits with an optional leading `+`, at most 19 characters.
pub fn is_valid_agent_phone(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    !digits.is_empty() && s.len() <= 19 && digits.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    let Some(rest) = rest else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    !authority.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Tag 1162: bytes as two hex digits separated by single spaces, at most 32 bytes.
pub fn is_valid_nomenclature_code(s: &str) -> bool {
    let bytes: Vec<&str> = s.split(' ').collect();
    !bytes.is_empty()
        && bytes.len() <= 32
        && bytes
            .iter()
            .all(|b| b.len() == 2 && b.bytes().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inn_checksums() {
        assert!(is_valid_inn("7707083893")); // Sberbank
        assert!(is_valid_inn("500100732259"));
        assert!(!is_valid_inn("7707083894"));
        assert!(!is_valid_inn("500100732258"));
        assert!(!is_valid_inn("770708389"));
        assert!(!is_valid_inn("77070838９3"));
        assert!(!is_valid_inn(""));
    }

    #[test]
    fn contacts() {
        assert!(is_valid_email("buyer@example.com"));
        assert!(is_valid_email("a.b+c@sub.example.ru"));
        assert!(is_valid_email("покупатель@пример.рф"));
        for bad in [
            "buyer",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@@example.com",
            "a@example.c0m",
            "a@-x.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        assert!(is_valid_phone_ru("+79001234567"));
        for bad in [
            "79001234567",
            "+7900123456",
            "+790012345678",
            "+19001234567",
            "+7900123456a",
        ] {
            assert!(!is_valid_phone_ru(bad), "{bad}");
        }
    }

    #[test]
    fn nomenclature_codes() {
        assert!(is_valid_nomenclature_code("15 20 2F 61"));
        assert!(!is_valid_nomenclature_code("15  20"));
        assert!(!is_valid_nomenclature_code("1520"));
        assert!(!is_valid_nomenclature_code(&vec!["AA"; 33].join(" ")));
    }
}
