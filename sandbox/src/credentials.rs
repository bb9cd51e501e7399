//! HTTP Basic credentials and random association credentials.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// A login/password pair from an `Authorization: Basic` header. Debug never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Parses `Basic base64(user:password)`; None when absent or malformed.
pub fn parse_basic(header: Option<&str>) -> Option<BasicCredentials> {
    let header = header?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some(BasicCredentials {
        user: user.to_string(),
        password: password.to_string(),
    })
}

/// Standard base64 with padding (RFC 4648 §4), as HTTP Basic uses; None when malformed
/// (wrong length, bad padding, a character outside the alphabet, non-canonical trailing bits).
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Compares secrets without an early exit on the first differing byte.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random 64-bit values from the standard library's per-process random hash keys (seeded by the
/// OS) and a counter. Good enough for emulated credentials; this sandbox guards no real secret.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// A random version-4 UUID, as the service's association `userName`.
pub fn random_uuid() -> String {
    let (a, b) = (random_u64(), random_u64());
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000; // version 4
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000; // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// A random password of `len` ASCII letters and digits.
pub fn random_password(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| ALPHABET[(random_u64() % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in [
            "",
            "a",
            "ab",
            "abc",
            "sandbox-login:sandbox-password",
            "логин:пароль",
        ] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64_decode("dXNlcjpwYXNz=").as_deref(), None);
        assert_eq!(base64_decode("dX=lcjpw"), None);
        assert_eq!(base64_decode("dXNl*3Bh"), None);
    }

    #[test]
    fn parses_basic_headers() {
        let c = parse_basic(Some("Basic dXNlcjpwYXNz")).unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("user", "pass"));
        assert_eq!(
            parse_basic(Some("basic dXNlcjpwYXNz")).unwrap().user,
            "user"
        );
        assert!(parse_basic(Some("Bearer abc")).is_none());
        assert!(parse_basic(Some("Basic dXNlcg==")).is_none()); // no colon
        assert!(parse_basic(None).is_none());
        assert!(!format!("{c:?}").contains("pass\""));
    }

    #[test]
    fn random_credentials_have_the_service_shape() {
        let uuid = random_uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
        let p = random_password(12);
        assert_eq!(p.len(), 12);
        assert!(p.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(random_password(12), random_password(12));
        assert!(
            secrets_equal("abc", "abc")
                && !secrets_equal("abc", "abd")
                && !secrets_equal("abc", "ab")
        );
    }
}
