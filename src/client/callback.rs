//! Callbacks a shop can trust: a signed `responseURL` per document, and the check of an incoming
//! callback against it and then against the service.
//!
//! The service calls a document's `responseURL` with `GET`, appending `status=SUCCESS` and
//! `qr=<fiscal QR>` to its query, and sends no signature of its own. So the shop signs the URL:
//!
//! ```text
//! <the shop's URL>?<its own query, kept>&mk_doc=<document id, percent-encoded>&mk_sig=<signature>
//! signature = base64url, no padding (43 characters), of
//!             HMAC-SHA256(key = the shop's secret, message = "modulpos-callback-v1" NUL <document id>)
//! ```
//!
//! The signature binds the URL to one document: a callback URL of one document replayed with
//! another document's id is refused. A replay of a genuine URL for its own document (with any
//! `status`/`qr`) gains nothing either, because the result is never taken from the request: the
//! check asks the service for that document's status ([`Client::confirm_callback`]), and only
//! the service's answer counts. The secret (at least 16 bytes; 32 random bytes are best) never
//! appears in a message or a `Debug` output; a signature is compared in constant time.

use ring::hmac;
use serde::Serialize;
use serde_json::Value;

use super::audit::{Attempt, Kind};
use super::config::Secret;
use super::http::{encode_component, Method};
use super::responses::DocumentStatus;
use super::Client;
use crate::error::{Error, Result};

/// The query parameter that carries the document id.
pub const PARAM_DOCUMENT: &str = "mk_doc";
/// The query parameter that carries the signature.
pub const PARAM_SIGNATURE: &str = "mk_sig";
/// The shortest accepted secret, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;
/// The longest signed URL made: the service's limit for `responseURL`.
pub const MAX_URL_CHARS: usize = 2048;
/// The signed message starts with this and a NUL, so the key signs nothing else by accident.
const DOMAIN: &[u8] = b"modulpos-callback-v1\0";

/// The shop's callback key, made from its secret. No `Debug` output shows it.
pub struct CallbackKey {
    key: hmac::Key,
}

impl std::fmt::Debug for CallbackKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackKey(***)")
    }
}

/// What an incoming callback says, once its signature was checked. Its `status` and `qr` are
/// the request's claims, not facts: only [`Client::confirm_callback`]'s status is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackClaim {
    /// The signed document id (`mk_doc`).
    pub document_id: String,
    /// The request's `status` parameter (`SUCCESS` from the service), when there is exactly one.
    pub status: Option<String>,
    /// The request's `qr` parameter, when there is exactly one.
    pub qr: Option<String>,
}

/// A callback whose signature was right, with the document's status as the service tells it.
#[derive(Debug, Clone, Serialize)]
pub struct ConfirmedCallback {
    /// The signed document id.
    pub document_id: String,
    /// The service's answer to `GET /v1/doc/{id}/status`: the only thing to act on.
    pub document_status: DocumentStatus,
    /// Whether that status says the document is fiscalized (`PRINTED`, `WAIT_FOR_CALLBACK`,
    /// `COMPLETED`).
    pub fiscalized: bool,
    /// What the request itself claimed.
    pub claimed: CallbackClaim,
    /// Whether the claim agrees with the service: `status=SUCCESS` exactly when fiscalized, and
    /// the claimed `qr` equal to the service's `fiscalInfo.qr` when both are there. `false` is
    /// worth logging; the status above is right either way.
    pub claim_agrees: bool,
}

impl CallbackKey {
    /// A key from the shop's secret (at least [`MIN_SECRET_BYTES`] bytes).
    pub fn new(secret: &Secret) -> Result<CallbackKey> {
        let bytes = secret.expose().as_bytes();
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(Error::invalid_argument(
                Some("secret"),
                format!("must be at least {MIN_SECRET_BYTES} bytes (32 random bytes are best)"),
            ));
        }
        Ok(CallbackKey {
            key: hmac::Key::new(hmac::HMAC_SHA256, bytes),
        })
    }

    /// The signature of a document id: 43 base64url characters.
    pub fn signature(&self, document_id: &str) -> String {
        use base64::Engine as _;
        let tag = hmac::sign(&self.key, &message(document_id));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref())
    }

    /// The signed `responseURL` of one document: `base_url` (absolute `http://` or `https://`,
    /// without a `#fragment`; its own query is kept) with `mk_doc` and `mk_sig` appended.
    pub fn url(&self, base_url: &str, document_id: &str) -> Result<String> {
        crate::receipt::check_document_id(document_id)
            .map_err(|reason| Error::invalid_argument(Some("document_id"), reason))?;
        crate::receipt::formats::check_url(base_url)
            .map_err(|reason| Error::invalid_argument(Some("base_url"), reason))?;
        if base_url.contains('#') {
            return Err(Error::invalid_argument(
                Some("base_url"),
                "must not have a #fragment (the service drops it, so the signature would be lost)",
            ));
        }
        let query = base_url.split_once('?').map_or("", |(_, q)| q);
        if query_pairs(query)
            .iter()
            .any(|(k, _)| k == PARAM_DOCUMENT || k == PARAM_SIGNATURE)
        {
            return Err(Error::invalid_argument(
                Some("base_url"),
                "already has an mk_doc or mk_sig parameter",
            ));
        }
        let separator = match base_url.as_bytes().last() {
            _ if !base_url.contains('?') => "?",
            Some(b'?' | b'&') => "",
            _ => "&",
        };
        let url = format!(
            "{base_url}{separator}{PARAM_DOCUMENT}={}&{PARAM_SIGNATURE}={}",
            encode_component(document_id),
            self.signature(document_id)
        );
        let chars = url.chars().count();
        if chars > MAX_URL_CHARS {
            return Err(Error::invalid_argument(
                Some("base_url"),
                format!(
                    "the signed URL would have {chars} characters; the service takes at most \
                     {MAX_URL_CHARS}"
                ),
            ));
        }
        Ok(url)
    }

    /// Check an incoming callback's signature. `request` is its query string
    /// (`$_SERVER['QUERY_STRING']`) or its whole URL or request target (`/cb?...`). Says nothing
    /// about the document's state: see [`Client::confirm_callback`].
    pub fn verify(&self, request: &str) -> Result<CallbackClaim> {
        let query = match request.split_once('?') {
            Some((_, q)) => q,
            None if request.contains('=') => request,
            None => "",
        };
        let query = query.split('#').next().unwrap_or("");
        let pairs = query_pairs(query);
        let document_id = only_one(&pairs, PARAM_DOCUMENT)?;
        let signature = only_one(&pairs, PARAM_SIGNATURE)?;
        let tag = {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(signature.as_bytes())
                .unwrap_or_default()
        };
        // ring compares in constant time; a tag of the wrong length simply fails.
        hmac::verify(&self.key, &message(document_id), &tag).map_err(|_| {
            Error::CallbackSignature(format!(
                "{PARAM_SIGNATURE} does not match {PARAM_DOCUMENT}: not a URL signed with this secret"
            ))
        })?;
        let claim = |name: &str| {
            let mut values = pairs.iter().filter(|(k, _)| k == name);
            match (values.next(), values.next()) {
                (Some((_, v)), None) => Some(v.clone()),
                _ => None,
            }
        };
        Ok(CallbackClaim {
            document_id: document_id.to_owned(),
            status: claim("status"),
            qr: claim("qr"),
        })
    }
}

fn message(document_id: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(DOMAIN.len() + document_id.len());
    m.extend_from_slice(DOMAIN);
    m.extend_from_slice(document_id.as_bytes());
    m
}

/// The decoded `name=value` pairs of a query (`+` is a space, as in HTML forms). A pair that is
/// not valid UTF-8 once decoded is skipped.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

/// The value of a parameter that must be there exactly once.
fn only_one<'p>(pairs: &'p [(String, String)], name: &str) -> Result<&'p str> {
    let mut values = pairs.iter().filter(|(k, _)| k == name);
    match (values.next(), values.next()) {
        (Some((_, v)), None) if !v.is_empty() => Ok(v),
        (None, _) | (Some(_), None) => Err(Error::CallbackSignature(format!(
            "the callback has no {name} parameter: not a signed callback URL"
        ))),
        (Some(_), Some(_)) => Err(Error::CallbackSignature(format!(
            "the callback has {name} more than once"
        ))),
    }
}

impl Client {
    /// Check an incoming callback: its signature first ([`CallbackKey::verify`]; a wrong or
    /// missing one is a `callback_signature` error and makes no request), then the document's
    /// status at the service (`GET /v1/doc/{id}/status`), which is the result. Answer the
    /// callback with HTTP 200 on success, 403 on `callback_signature`, and 503 when the status
    /// could not be read (a retryable error), so that the service calls again.
    pub fn confirm_callback(&self, key: &CallbackKey, request: &str) -> Result<ConfirmedCallback> {
        let claimed = key.verify(request)?;
        let id = claimed.document_id.as_str();
        super::check_document_id(id)?;
        let auth = self.association()?;
        let path = format!("/v1/doc/{}/status", encode_component(id));
        let attempt = Attempt {
            operation: Kind::ConfirmCallback,
            endpoint: Kind::DocumentStatus,
            document_id: Some(id),
            attempt: 1,
        };
        let reply = self.call(attempt, Method::Get, &path, auth, None)?;
        // As for `document_status`: an answer that is not a document's status is
        // `malformed_response`, never a confirmation.
        let document_status =
            DocumentStatus::from_status_answer(reply.json(&path)?, &path, reply.status)?;
        let fiscalized = document_status.is_fiscalized();
        let service_qr = document_status
            .fiscal_info()
            .and_then(|info| info.get("qr"))
            .and_then(|q| q.as_str());
        let claim_agrees = (claimed.status.as_deref() == Some("SUCCESS")) == fiscalized
            && match (claimed.qr.as_deref(), service_qr) {
                (Some(claimed), Some(known)) => claimed == known,
                _ => true,
            };
        Ok(ConfirmedCallback {
            document_id: claimed.document_id.clone(),
            document_status,
            fiscalized,
            claimed,
            claim_agrees,
        })
    }
}

/// The request of `mk_callback_url`: `{"secret", "base_url", "document_id"}`.
#[derive(Debug)]
pub struct UrlRequest {
    pub key: CallbackKey,
    pub base_url: String,
    pub document_id: String,
}

/// The request of `mk_callback_verify`: `{"secret", "request"}`.
#[derive(Debug)]
pub struct VerifyRequest {
    pub key: CallbackKey,
    /// The callback's query string or URL.
    pub request: String,
}

impl UrlRequest {
    pub fn from_json(value: &Value) -> Result<UrlRequest> {
        let [secret, base_url, document_id] =
            string_fields(value, ["secret", "base_url", "document_id"])?;
        Ok(UrlRequest {
            key: CallbackKey::new(&Secret::new(secret))?,
            base_url: base_url.to_owned(),
            document_id: document_id.to_owned(),
        })
    }
}

impl VerifyRequest {
    pub fn from_json(value: &Value) -> Result<VerifyRequest> {
        let [secret, request] = string_fields(value, ["secret", "request"])?;
        Ok(VerifyRequest {
            key: CallbackKey::new(&Secret::new(secret))?,
            request: request.to_owned(),
        })
    }
}

/// A JSON object of exactly these string fields, in this order. Errors name the field and never
/// show a value (the secret is one).
fn string_fields<'v, const N: usize>(value: &'v Value, keys: [&str; N]) -> Result<[&'v str; N]> {
    let map = value
        .as_object()
        .ok_or_else(|| Error::invalid_argument(Some("request_json"), "must be a JSON object"))?;
    if let Some(unknown) = map.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(Error::invalid_argument(
            Some(unknown),
            format!("unknown field; expected {}", keys.join(", ")),
        ));
    }
    let mut out = [""; N];
    for (slot, key) in out.iter_mut().zip(keys) {
        *slot = match map.get(key) {
            Some(Value::String(s)) => s,
            None | Some(Value::Null) => {
                return Err(Error::invalid_argument(Some(key), "is required"))
            }
            Some(_) => return Err(Error::invalid_argument(Some(key), "must be a string")),
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CallbackKey {
        CallbackKey::new(&Secret::new("0123456789abcdef-shop-secret")).unwrap()
    }

    #[test]
    fn signature_is_hmac_sha256_of_the_domain_and_id() {
        // Computed independently with Python: base64.urlsafe_b64encode(hmac.new(
        // b"0123456789abcdef-shop-secret", b"modulpos-callback-v1\0doc-1", "sha256").digest())
        // without the trailing "=".
        let k = key();
        let sig = k.signature("doc-1");
        assert_eq!(sig, "scAyz122K7zROaK9Jrilsrj1C5YDCIsqa2bzWn2zEr0");
        assert!(sig
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(sig, k.signature("doc-2"));
        let other = CallbackKey::new(&Secret::new("another-secret-of-16+")).unwrap();
        assert_ne!(sig, other.signature("doc-1"));
    }

    #[test]
    fn url_keeps_the_shops_query_and_round_trips() {
        let k = key();
        let url = k
            .url("https://shop.example/cb?order=7", "чек 1+2&x")
            .unwrap();
        assert!(
            url.starts_with("https://shop.example/cb?order=7&mk_doc="),
            "{url}"
        );
        // As the service calls it: status and qr appended.
        let called = format!("{url}&status=SUCCESS&qr=t%3D1%26s%3D2");
        let claim = k.verify(&called).unwrap();
        assert_eq!(claim.document_id, "чек 1+2&x");
        assert_eq!(claim.status.as_deref(), Some("SUCCESS"));
        assert_eq!(claim.qr.as_deref(), Some("t=1&s=2"));
        // The query string alone works too.
        let query = called.split_once('?').unwrap().1;
        assert_eq!(k.verify(query).unwrap(), claim);
        assert!(k
            .url("https://shop.example/cb", "d")
            .unwrap()
            .contains("/cb?mk_doc=d&mk_sig="));
        assert!(k
            .url("https://shop.example/cb?", "d")
            .unwrap()
            .contains("/cb?mk_doc=d&"));
    }

    #[test]
    fn forged_and_replayed_callbacks_are_refused() {
        let k = key();
        let url_a = k.url("http://127.0.0.1/cb", "doc-a").unwrap();
        let sig_a = k.signature("doc-a");
        for forged in [
            // doc-a's signature replayed for doc-b
            format!("http://127.0.0.1/cb?mk_doc=doc-b&mk_sig={sig_a}&status=SUCCESS"),
            // a signature made with another secret
            CallbackKey::new(&Secret::new("not-the-shop-secret!"))
                .unwrap()
                .url("http://127.0.0.1/cb", "doc-a")
                .unwrap(),
            // no signature, an empty one, a truncated one, a duplicated id
            "http://127.0.0.1/cb?mk_doc=doc-a&status=SUCCESS".to_owned(),
            "mk_doc=doc-a&mk_sig=".to_owned(),
            format!("mk_doc=doc-a&mk_sig={}", &sig_a[..20]),
            format!("{url_a}&mk_doc=doc-b"),
            String::new(),
        ] {
            let e = k.verify(&forged).unwrap_err();
            assert_eq!(e.code(), "callback_signature", "{forged}");
            assert!(!e.retryable());
            assert!(!e.to_string().contains("shop-secret"));
            assert!(!e.to_string().contains(&sig_a), "{e}");
        }
    }

    #[test]
    fn bad_inputs_are_refused_without_showing_the_secret() {
        let e = CallbackKey::new(&Secret::new("short-secret")).unwrap_err();
        assert_eq!(e.field(), Some("secret"));
        assert!(!e.to_string().contains("short-secret"));
        assert!(!format!("{:?}", key()).contains("shop-secret"));
        let k = key();
        for (base, id, field) in [
            ("ftp://shop/cb", "d", "base_url"),
            ("https://shop/cb#frag", "d", "base_url"),
            ("https://shop/cb?mk_sig=1", "d", "base_url"),
            ("https://shop/cb", "", "document_id"),
            ("https://shop/cb", "a/b", "document_id"),
        ] {
            assert_eq!(
                k.url(base, id).unwrap_err().field(),
                Some(field),
                "{base} {id}"
            );
        }
        let long = format!("https://shop/{}", "x".repeat(MAX_URL_CHARS));
        assert_eq!(k.url(&long, "d").unwrap_err().field(), Some("base_url"));
    }

    #[test]
    fn requests_name_the_bad_field_and_never_echo_a_value() {
        use serde_json::json;
        let ok = UrlRequest::from_json(&json!({"secret": "0123456789abcdef",
            "base_url": "https://s/cb", "document_id": "d"}))
        .unwrap();
        assert_eq!(ok.document_id, "d");
        for (request, field) in [
            (
                json!({"secret": 1234567890123456789u64, "request": "q"}),
                "secret",
            ),
            (json!({"request": "q"}), "secret"),
            (
                json!({"secret": "0123456789abcdef", "request": "q", "extra": 1}),
                "extra",
            ),
            (
                json!({"secret": "0123456789abcde", "request": "q"}),
                "secret",
            ),
            (
                json!({"secret": "0123456789abcdef", "request": 5}),
                "request",
            ),
        ] {
            let e = VerifyRequest::from_json(&request).unwrap_err();
            assert_eq!(e.field(), Some(field), "{request}");
            assert!(!e.to_string().contains("123456789"), "{e}");
        }
        assert_eq!(
            VerifyRequest::from_json(&json!([])).unwrap_err().field(),
            Some("request_json")
        );
    }
}
