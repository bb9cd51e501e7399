//! The HTTP layer: the agent shared through `agents.rs` (the native HTTP/1.1 client of `native.rs`
//! and `wire.rs`, or ureq behind a proxy, `proxied.rs`: keep-alive pool, timeouts, rustls with
//! certificate checks), Basic auth, a response size cap, and the mapping of every HTTP outcome
//! onto [`Error`].
//!
//! Nothing here ever formats a request header into a message, so neither the password nor the
//! `Authorization` header can reach an error.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use super::agents::{self, AgentKey};
use super::config::{BaseUrl, Config, Secret};
use super::native::NativeAgent;
use super::proxied;
use super::transport::{Transport, TransportSlot};
use super::wire::WireError;
use crate::error::{Error, Result};

/// The largest response body read; anything longer is a malformed response.
pub const MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;
/// The longest service message kept from an error body, in characters.
const MAX_SERVICE_MESSAGE_CHARS: usize = 2000;
/// The longest `Retry-After` taken from an answer (a send's deadline bounds the wait anyway).
const MAX_RETRY_AFTER_MS: u64 = 10 * 60 * 1000;
/// Idle connections kept per host: one agent is shared by every handle and thread of a process with
/// the same key (PHP-FPM workers are processes, but a Rust or C host runs many threads on one
/// handle), so the pool keeps enough for that many concurrent calls instead of ureq's default of 3, which made about one call
/// in nine open a new connection with 8 threads.
pub const POOL_IDLE_PER_HOST: usize = 64;

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("modulpos/", env!("CARGO_PKG_VERSION"));

/// Everything except RFC 3986 unreserved characters is percent-encoded in a path segment or a
/// query value.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encode one path segment or query value.
pub fn encode_component(s: &str) -> String {
    // Through Cow, not Display: no formatting machinery on the per-call path.
    String::from(std::borrow::Cow::from(utf8_percent_encode(s, COMPONENT)))
}

/// A login and password for HTTP Basic auth, with the header value encoded once (not per call).
#[derive(Clone)]
pub struct Credentials {
    login: String,
    /// `Basic base64(login:password)`: holds the password, so it is a [`Secret`].
    header: Secret,
}

impl Credentials {
    pub fn new(login: impl Into<String>, password: Secret) -> Self {
        let login = login.into();
        let pair = format!("{}:{}", login, password.expose());
        let header = Secret::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ));
        Credentials { login, header }
    }

    fn header_value(&self) -> &str {
        self.header.expose()
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("password", &"***")
            .finish()
    }
}

impl Credentials {
    /// The same login and password (the agent cache's key comparison).
    pub fn same_as(&self, other: &Credentials) -> bool {
        self.login == other.login && self.header == other.header
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// `METHOD path`, the request named in error messages; written out only when an error is made.
#[derive(Clone, Copy)]
pub(super) struct What<'a>(pub Method, pub &'a str);

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0.as_str(), self.1)
    }
}

/// A successful (2xx) answer. No `Debug`: the body of an associate answer holds a password.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON, or a `malformed_response` error naming the request.
    pub fn json(&self, what: &str) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|e| Error::MalformedResponse {
            http_status: Some(self.status),
            detail: format!("{what}: the body is not valid JSON ({e})"),
        })
    }
}

/// A client's HTTP side. It keeps only the key of its agent and takes the agent from the
/// process-wide cache on each call (`agents.rs`): handles with the same base URL, credentials and
/// settings share one connection pool, across handles and threads, and never across a fork.
pub struct Http {
    key: AgentKey,
    /// A host's transport, when one is registered (`transport.rs`); the agent otherwise.
    pub transport: TransportSlot,
}

/// What carries a key's requests: the native HTTP/1.1 client for direct connections, or ureq
/// when the environment names a proxy for a non-loopback host (`proxied.rs`).
pub enum Agent {
    Native(NativeAgent),
    Proxied(ureq::Agent),
}

/// A new agent for `key`: everything it is built from is in the key.
fn build_agent(key: &AgentKey) -> Agent {
    if !proxied::wanted(key) {
        if let Ok(native) = NativeAgent::new(&key.base, key.connect_timeout_ms) {
            return Agent::Native(native);
        }
    }
    Agent::Proxied(proxied::build_agent(key))
}

impl Http {
    pub fn new(config: &Config, base: BaseUrl, credentials: Option<&Credentials>) -> Http {
        Http {
            transport: TransportSlot::default(),
            key: AgentKey {
                base,
                credentials: credentials.cloned(),
                connect_timeout_ms: config.connect_timeout_ms,
                timeout_ms: config.timeout_ms,
            },
        }
    }

    fn agent(&self) -> Arc<Agent> {
        agents::shared(&self.key, build_agent)
    }

    pub fn base_url(&self) -> &BaseUrl {
        &self.key.base
    }

    /// Send one request to `path` (already encoded) and return its 2xx answer, or the error its
    /// status or failure maps to. Bounded by `timeout_ms`, and by `limit` too when it is shorter
    /// (what is left of a send's deadline). A GET whose connection closed before any answer (typically a
    /// kept-alive connection the server closed just as it was reused) is sent once more at once:
    /// it changes nothing.
    pub fn call_within(
        &self,
        method: Method,
        path: &str,
        auth: &Credentials,
        json_body: Option<&[u8]>,
        limit: Option<Duration>,
    ) -> Result<Reply> {
        let started = std::time::Instant::now();
        let mut stale = false;
        match self.call_once(method, path, auth, json_body, limit, &mut stale) {
            Err(Error::Transport(_)) if method == Method::Get && stale => {
                let limit = limit.map(|l| l.saturating_sub(started.elapsed()));
                if limit.is_some_and(|l| l.is_zero()) {
                    return Err(Error::Timeout(format!(
                        "GET {path}: no time left to ask again after a broken connection"
                    )));
                }
                self.call_once(method, path, auth, json_body, limit, &mut stale)
            }
            other => other,
        }
    }

    fn call_once(
        &self,
        method: Method,
        path: &str,
        auth: &Credentials,
        json_body: Option<&[u8]>,
        limit: Option<Duration>,
        stale: &mut bool,
    ) -> Result<Reply> {
        let what = What(method, path);
        let authorization = auth.header_value();
        if let Some(host) = self.transport.current() {
            let url = self.key.base.join(path);
            return host_call(&*host, method, &url, authorization, json_body, what);
        }
        let agent = self.agent();
        let timeout =
            Duration::from_millis(self.key.timeout_ms).min(limit.unwrap_or(Duration::MAX));
        let answer = match &*agent {
            Agent::Native(native) => {
                let mut headers = [
                    ("Authorization", authorization),
                    ("Accept", "application/json"),
                    ("User-Agent", USER_AGENT),
                    ("Content-Type", "application/json; charset=utf-8"),
                ];
                let with_body = matches!(method, Method::Post | Method::Put);
                let headers = if json_body.is_some() {
                    &mut headers[..]
                } else {
                    &mut headers[..3]
                };
                let request =
                    native.request_bytes(method.as_str(), path, headers, json_body, with_body);
                let deadline = std::time::Instant::now() + timeout;
                native
                    .exchange(&request, deadline, MAX_RESPONSE_BYTES)
                    .map_err(|e| self.map_wire_error(what, e, timeout, stale))?
            }
            Agent::Proxied(agent) => {
                let url = self.key.base.join(path);
                proxied::call(
                    agent,
                    &self.key,
                    &url,
                    what,
                    authorization,
                    json_body,
                    timeout,
                    stale,
                )?
            }
        };
        reply_or_status_error(
            answer.status,
            answer.body,
            answer.retry_after.as_deref(),
            what,
        )
    }

    fn map_wire_error(
        &self,
        what: What,
        e: WireError,
        timeout: Duration,
        stale: &mut bool,
    ) -> Error {
        use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
        match e {
            WireError::ClosedBeforeAnswer(io) => {
                *stale = matches!(
                    io.kind(),
                    UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
                );
                Error::Transport(format!(
                    "{what}: the connection closed before an answer: {io}"
                ))
            }
            WireError::Timeout => Error::Timeout(format!(
                "{what}: no answer in time ({})",
                bound_text(&self.key, timeout)
            )),
            WireError::Connect(io) => Error::Transport(format!("{what}: cannot connect: {io}")),
            WireError::Broken(io) => Error::Transport(format!(
                "{what}: the connection broke while reading the answer: {io}"
            )),
            WireError::Protocol(detail) => Error::Transport(format!("{what}: {detail}")),
            WireError::TooLarge(status) => Error::MalformedResponse {
                http_status: Some(status),
                detail: format!("{what}: the answer is larger than {MAX_RESPONSE_BYTES} bytes"),
            },
        }
    }
}

/// Which bound a timed-out call had, for its message.
pub(super) fn bound_text(key: &AgentKey, timeout: Duration) -> String {
    if timeout.as_millis() < u128::from(key.timeout_ms) {
        format!("{} ms left of the send's deadline_ms", timeout.as_millis())
    } else {
        format!("timeout_ms is {}", key.timeout_ms)
    }
}

/// One exchange through a host's transport: the same request the agent would send, and the same
/// mapping of its answer. A host failure is a `transport` error (the document may exist; resending
/// the same id is safe); the host's text never holds a header value of ours, and none is added.
fn host_call(
    host: &dyn Transport,
    method: Method,
    url: &str,
    authorization: &str,
    json_body: Option<&[u8]>,
    what: What,
) -> Result<Reply> {
    let mut headers = vec![
        ("Authorization", authorization),
        ("Accept", "application/json"),
        ("User-Agent", USER_AGENT),
    ];
    if json_body.is_some() {
        headers.push(("Content-Type", "application/json; charset=utf-8"));
    }
    let answer = host
        .exchange(method.as_str(), url, &headers, json_body)
        .map_err(|reason| {
            Error::Transport(format!("{what}: the host's transport failed: {reason}"))
        })?;
    let status = answer.status;
    if answer.body.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(Error::MalformedResponse {
            http_status: Some(status),
            detail: format!("{what}: the answer is larger than {MAX_RESPONSE_BYTES} bytes"),
        });
    }
    reply_or_status_error(status, answer.body, answer.retry_after.as_deref(), what)
}

/// An answer of any carrier (the native client, ureq behind a proxy, a host's transport): a 2xx
/// is the reply; any other status is the error it maps to, with its `Retry-After`.
fn reply_or_status_error(
    status: u16,
    body: Vec<u8>,
    retry_after: Option<&str>,
    what: What,
) -> Result<Reply> {
    if (200..300).contains(&status) {
        return Ok(Reply { status, body });
    }
    let retry_after_ms = retry_after.and_then(parse_retry_after_ms);
    Err(status_error(
        status,
        &body,
        &what.to_string(),
        retry_after_ms,
    ))
}

/// `Retry-After` in its delta-seconds form, in milliseconds (capped); an HTTP-date is ignored
/// (the backoff applies then).
fn parse_retry_after_ms(value: &str) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() || value.len() > 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = value.parse().ok()?;
    Some(seconds.saturating_mul(1000).min(MAX_RETRY_AFTER_MS))
}

/// Map a non-2xx status (and its body) onto the taxonomy.
pub(super) fn status_error(
    status: u16,
    body: &[u8],
    what: &str,
    retry_after_ms: Option<u64>,
) -> Error {
    let message = service_message(body);
    match status {
        401 => Error::Authentication,
        403 => Error::Forbidden { message },
        404 => Error::NotFound { message },
        400..=499 => Error::Rejected {
            http_status: status,
            message,
            retry_after_ms,
        },
        500..=599 => Error::ServerError {
            http_status: status,
            message,
            retry_after_ms,
        },
        _ => Error::MalformedResponse {
            http_status: Some(status),
            detail: format!("{what}: unexpected HTTP status {status}"),
        },
    }
}

/// The `message` of a Spring-style JSON error body, when the body is one.
pub(crate) fn service_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let message = value.get("message")?.as_str()?.trim();
    if message.is_empty() {
        return None;
    }
    Some(message.chars().take(MAX_SERVICE_MESSAGE_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("abc-1.2_3~"), "abc-1.2_3~");
        assert_eq!(encode_component("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode_component("чек"), "%D1%87%D0%B5%D0%BA");
        assert_eq!(encode_component("../x"), "..%2Fx");
    }

    #[test]
    fn basic_auth_header() {
        let c = Credentials::new("Aladdin", Secret::new("open sesame"));
        assert_eq!(c.header_value(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(!format!("{c:?}").contains("sesame"));
    }

    #[test]
    fn statuses_map_onto_the_taxonomy() {
        let spring = br#"{"timestamp":"x","status":400,"error":"Bad Request","message":"email: is required","path":"/api/fn/v2/doc"}"#;
        let e = status_error(400, spring, "POST /v2/doc", None);
        assert_eq!(e.code(), "rejected");
        assert_eq!(e.service_message(), Some("email: is required"));
        assert_eq!(e.http_status(), Some(400));
        assert_eq!(status_error(401, b"", "x", None).code(), "authentication");
        assert_eq!(status_error(403, b"", "x", None).code(), "forbidden");
        assert_eq!(status_error(404, b"", "x", None).code(), "not_found");
        assert_eq!(status_error(409, b"", "x", None).code(), "rejected");
        let e = status_error(503, b"<html>busy</html>", "x", None);
        assert_eq!(e.code(), "server_error");
        assert!(e.retryable());
        assert_eq!(e.service_message(), None);
        assert_eq!(
            status_error(302, b"", "x", None).code(),
            "malformed_response"
        );
    }

    #[test]
    fn transient_refusals_carry_retry_after() {
        let e = status_error(429, b"", "x", parse_retry_after_ms(" 3 "));
        assert!(e.retryable());
        assert_eq!(e.retry_after_ms(), Some(3000));
        assert!(status_error(408, b"", "x", None).retryable());
        assert!(!status_error(409, b"", "x", None).retryable());
        assert_eq!(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after_ms("-1"), None);
        assert_eq!(parse_retry_after_ms(""), None);
        assert_eq!(
            parse_retry_after_ms("99999999999"),
            Some(MAX_RETRY_AFTER_MS)
        );
    }

    #[test]
    fn service_message_is_capped() {
        let long = format!(r#"{{"message":"{}"}}"#, "я".repeat(5000));
        assert_eq!(
            service_message(long.as_bytes()).unwrap().chars().count(),
            MAX_SERVICE_MESSAGE_CHARS
        );
        assert_eq!(service_message(br#"{"message":"  "}"#), None);
        assert_eq!(service_message(br#"{"message":5}"#), None);
        assert_eq!(service_message(b"[]"), None);
    }
}
