//! A host-provided transport: when a host registers one on a client (`mk_client_set_transport`),
//! every HTTP exchange of that client goes through it instead of the native agent. The library
//! still builds each request (URL, Basic auth, JSON body), validates, maps statuses onto errors
//! and runs the exactly-once delivery; the host only moves the bytes (e.g. PHP through the
//! shop's own Guzzle client, with its proxy, CA bundle, middleware or MockHandler).
//!
//! The exchange crosses the C ABI as JSON text: the request is
//! `{"method","url","headers":{name: value},"body": text | null}` and the host answers by calling
//! [`MkExchange::respond`] (status and body) or [`MkExchange::fail`] (the connection failed),
//! through `mk_exchange_respond` / `mk_exchange_fail`, before its callback returns. The C
//! callback adapter itself is in `ffi/host_transport.rs` (the C ABI, where the `unsafe` code lives).
//!
//! A host failure is a `transport` error: the document may or may not have reached the service,
//! and resending the same id is safe (the delivery loop asks for its status first). No header
//! value (the `Authorization` header holds the password) is ever put into an error message.

use std::sync::{Arc, RwLock};

use serde_json::json;

/// One answer of the host: the HTTP status, the body, and its `Retry-After` header as the host
/// passed it (`mk_exchange_header`), read as the native path reads it.
pub struct HostResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<String>,
}

/// Moves one request to the service and its answer back. `Err` is the host's description of a
/// failed exchange (no answer); it must not contain header values.
pub trait Transport: Send + Sync {
    fn exchange(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<HostResponse, String>;
}

/// The transport a client uses, if a host registered one (set after the client is built, from
/// any thread; read on every call).
#[derive(Default)]
pub struct TransportSlot(RwLock<Option<Arc<dyn Transport>>>);

impl TransportSlot {
    pub fn set(&self, transport: Option<Arc<dyn Transport>>) {
        // A poisoned lock only means a panic elsewhere while setting; the value is still whole.
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = transport;
    }

    pub fn current(&self) -> Option<Arc<dyn Transport>> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// One exchange in progress: what the host answered.
pub struct MkExchange {
    outcome: Option<Result<HostResponse, String>>,
    retry_after: Option<String>,
}

impl MkExchange {
    /// The host's answer: an HTTP status (100–599) and the body.
    pub fn respond(&mut self, status: u16, body: Vec<u8>) {
        self.outcome = Some(Ok(HostResponse {
            status,
            body,
            retry_after: None,
        }));
    }

    /// One header of the host's answer, before or after [`MkExchange::respond`]. Only
    /// `Retry-After` (any case) is read; the others are ignored. Its value is kept up to 64 bytes.
    pub fn header(&mut self, name: &str, value: &str) {
        if name.trim().eq_ignore_ascii_case("retry-after") {
            self.retry_after = Some(value.chars().take(64).collect());
        }
    }

    /// The host could not complete the exchange (no answer); `message` says why.
    pub fn fail(&mut self, message: String) {
        self.outcome = Some(Err(message));
    }
}

/// The request of one exchange as the host sees it: `{"method","url","headers","body"}`.
pub fn request_json(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> String {
    let headers: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect();
    let body = match body {
        Some(bytes) => json!(String::from_utf8_lossy(bytes)),
        None => serde_json::Value::Null,
    };
    json!({ "method": method, "url": url, "headers": headers, "body": body }).to_string()
}

impl MkExchange {
    /// A new exchange, not answered yet.
    pub fn new() -> Self {
        MkExchange {
            outcome: None,
            retry_after: None,
        }
    }

    /// What the host answered; no answer at all is a failed exchange.
    pub fn outcome(self) -> Result<HostResponse, String> {
        let retry_after = self.retry_after;
        self.outcome
            .unwrap_or_else(|| Err("the host's transport returned without an answer".to_owned()))
            .map(|answer| HostResponse {
                retry_after,
                ..answer
            })
    }
}

impl Default for MkExchange {
    fn default() -> Self {
        MkExchange::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_json_and_an_unanswered_exchange_is_a_failure() {
        let text = request_json(
            "POST",
            "http://h/x",
            &[("Accept", "application/json")],
            Some(b"{\"a\":1}"),
        );
        let seen: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            seen,
            json!({"method":"POST","url":"http://h/x","headers":{"Accept":"application/json"},"body":"{\"a\":1}"})
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&request_json("GET", "u", &[], None))
                .unwrap()["body"],
            serde_json::Value::Null
        );
        assert!(MkExchange::new()
            .outcome()
            .err()
            .unwrap()
            .contains("without an answer"));
        let mut answered = MkExchange::new();
        answered.respond(201, b"ok".to_vec());
        let answer = answered.outcome().ok().unwrap();
        assert_eq!((answer.status, answer.body), (201, b"ok".to_vec()));
        let mut failed = MkExchange::new();
        failed.fail("proxy refused".into());
        assert_eq!(failed.outcome().err().unwrap(), "proxy refused");
        // Retry-After, in any case and before or after the answer, is kept; other headers not.
        let mut throttled = MkExchange::new();
        throttled.header("Content-Type", "application/json");
        throttled.header("retry-after", "7");
        throttled.respond(429, Vec::new());
        assert_eq!(
            throttled.outcome().ok().unwrap().retry_after.as_deref(),
            Some("7")
        );
        let slot = TransportSlot::default();
        assert!(slot.current().is_none());
    }
}
