//! The client of the fiscalization API: one HTTP agent per (base URL, credentials, settings) per
//! process, shared by every client with the same ones (`agents.rs`), one method per endpoint
//! (API section 2), and sending documents without losing or doubling them.
//!
//! A [`Client`] is `Send + Sync`: share one (e.g. in an `Arc`) across threads. Its agent's
//! connection pool gives keep-alive to all of them, and to the next client built with the same
//! base URL, credentials and settings (a PHP-FPM worker's next request).
//!
//! ```no_run
//! use modulpos::{Client, Config, Secret};
//!
//! let client = Client::new(Config {
//!     login: Some("association-user-name".into()),
//!     password: Some(Secret::new("association-password")),
//!     test_mode: true,
//!     ..Config::default()
//! })?;
//! let receipt = serde_json::json!({
//!     "id": "3f2b8c1e-5d1a-4c5e-9a57-1f0e2d3c4b5a", "docNum": "SALE-1", "docType": "SALE",
//!     "checkoutDateTime": "2026-11-28T10:00:00+03:00", "email": "buyer@example.com",
//!     "inventPositions": [{"name": "Tea", "price": 100, "quantity": 1, "vatTag": 1105}],
//!     "moneyPositions": [{"paymentType": "CARD", "sum": 100}]
//! });
//! let sent = client.send_document_json(&receipt)?;
//! println!("{} after {} attempt(s): {:?}", sent.document_status.status(),
//!          sent.delivery.attempts, sent.delivery.outcome);
//! # Ok::<(), modulpos::Error>(())
//! ```
//!
//! Files: `config.rs` (the config keys, base URL), `agents.rs` (the process-wide agent cache),
//! `http.rs` (agent building, auth, error mapping),
//! `resolver.rs` (the agent's name resolution: IP literals directly, names cached briefly),
//! `responses.rs` (the service's answers), `delivery.rs` (the retry loop of `send_document`),
//! `transport.rs` (a host's own HTTP client in place of the agent, `mk_client_set_transport`).

mod agents;
mod associate;
pub mod audit;
pub mod callback;
mod config;
mod delivery;
#[cfg(test)]
mod delivery_table;
pub(crate) mod http;
/// The native HTTP/1.1 client; public only for `benches/library.rs` (not a supported API).
#[doc(hidden)]
pub mod native;
mod proxied;
mod resolver;
mod responses;
pub mod transport;
/// One connection of the native client; public only for `benches/library.rs`.
#[doc(hidden)]
pub mod wire;

use serde_json::Value;

pub use audit::{AttemptEvent, AuditHook};
pub use callback::{CallbackClaim, CallbackKey, ConfirmedCallback};
pub use config::{
    resolve_base_url, BaseUrl, Config, Secret, DEFAULT_BASE_URL, DEFAULT_TEST_BASE_URL,
    ENV_BASE_URL, ENV_TEST_BASE_URL,
};
pub use delivery::is_ambiguous;
pub use http::MAX_RESPONSE_BYTES;
pub use responses::{Association, Delivery, DocumentStatus, Outcome, SendResult, ServiceStatus};

use crate::error::{Error, Result};
use crate::receipt::{self, Document, ValidationOptions};
use audit::{Attempt, Audit, Kind};
use http::{encode_component, Credentials, Http, Method};

/// A client of the fiscalization API.
pub struct Client {
    http: Http,
    association: Option<Credentials>,
    validation: ValidationOptions,
    max_attempts: u32,
    retry_backoff_ms: u64,
    deadline_ms: u64,
    audit: Audit,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.http.base_url().as_str())
            .field("association", &self.association)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// Account credentials and options for [`Client::associate`].
#[derive(Debug, Clone)]
pub struct AssociateRequest {
    /// Account login (the my.modulkassa.ru / service login).
    pub login: String,
    /// Account password.
    pub password: Secret,
    /// The retail point's UUID.
    pub retail_point_id: String,
    /// Optional application id, when several applications send for one point.
    pub client_id: Option<String>,
}

impl AssociateRequest {
    /// Check the request (nothing is sent) and build its path:
    /// `/v1/associate/{retailPointId}[?clientId=]`.
    pub(crate) fn path(&self) -> Result<String> {
        let point = self.retail_point_id.trim();
        if point.is_empty() {
            return Err(Error::invalid_argument(
                Some("retail_point_id"),
                "must not be empty",
            ));
        }
        check_path_segment(point)
            .map_err(|reason| Error::invalid_argument(Some("retail_point_id"), reason))?;
        if self.login.is_empty() {
            return Err(Error::invalid_argument(Some("login"), "must not be empty"));
        }
        config::check_login(&self.login)?;
        let mut path = format!("/v1/associate/{}", encode_component(point));
        if let Some(client_id) = self.client_id.as_deref().filter(|c| !c.is_empty()) {
            path.push_str("?clientId=");
            path.push_str(&encode_component(client_id));
        }
        Ok(path)
    }
}

impl Client {
    /// Build a client: check the config, resolve the base URL, create the agent. No request is
    /// made.
    pub fn new(config: Config) -> Result<Client> {
        config.check()?;
        let base = config.resolved_base_url()?;
        let association = match (&config.login, &config.password) {
            (Some(login), Some(password)) => Some(Credentials::new(login, password.clone())),
            (None, None) => None,
            (Some(_), None) => {
                return Err(Error::invalid_argument(
                    Some("password"),
                    "is required when login is set",
                ))
            }
            (None, Some(_)) => {
                return Err(Error::invalid_argument(
                    Some("login"),
                    "is required when password is set",
                ))
            }
        };
        Ok(Client {
            http: Http::new(&config, base, association.as_ref()),
            association,
            validation: ValidationOptions {
                allow_unknown_values: config.allow_unknown_values,
                strict: config.strict,
            },
            max_attempts: config.max_attempts,
            retry_backoff_ms: config.retry_backoff_ms,
            deadline_ms: config.deadline_ms,
            audit: Audit::default(),
        })
    }

    /// Route every HTTP exchange of this client through `transport` (a host's HTTP client), or
    /// back through the native agent with `None`. See [`transport`].
    pub fn set_transport(&self, transport: Option<std::sync::Arc<dyn transport::Transport>>) {
        self.http.transport.set(transport);
    }

    /// The API root in use.
    pub fn base_url(&self) -> &str {
        self.http.base_url().as_str()
    }

    fn association(&self) -> Result<&Credentials> {
        self.association.as_ref().ok_or_else(|| {
            Error::invalid_argument(
                Some("login"),
                "no association credentials: associate first and pass its userName and \
                 password as login and password in the config",
            )
        })
    }

    /// `POST /v1/associate/{retailPointId}[?clientId=]` with account credentials. Returns the
    /// association credentials (`userName`, `password`) for every other call. Calling it again
    /// for the same point rotates the password. This client keeps using its own credentials;
    /// build a new client with the returned ones.
    pub fn associate(&self, request: &AssociateRequest) -> Result<Association> {
        let path = request.path()?;
        let auth = Credentials::new(&request.login, request.password.clone());
        let reply = self.call(
            Attempt::single(Kind::Associate, None),
            Method::Post,
            &path,
            &auth,
            None,
        )?;
        Association::from_json(reply.json(&path)?, &path, reply.status)
    }

    /// `DELETE /v1/associate`: revoke this client's association.
    pub fn delete_association(&self) -> Result<()> {
        let attempt = Attempt::single(Kind::DeleteAssociation, None);
        self.call(
            attempt,
            Method::Delete,
            "/v1/associate",
            self.association()?,
            None,
        )
        .map(|_| ())
    }

    /// `GET /v1/status`: the fiscal service's state.
    pub fn service_status(&self) -> Result<ServiceStatus> {
        let path = "/v1/status";
        let attempt = Attempt::single(Kind::ServiceStatus, None);
        let reply = self.call(attempt, Method::Get, path, self.association()?, None)?;
        ServiceStatus::from_json(reply.json(path)?, path, reply.status)
    }

    /// Parse and validate a receipt (JSON, API section 3) with this client's options.
    pub fn validate(&self, document: &Value) -> Result<Document> {
        receipt::parse_document(document, &self.validation)
    }

    /// Validate the receipt JSON, then send it (see [`Client::send_document`]). The result
    /// carries the validation warnings.
    pub fn send_document_json(&self, document: &Value) -> Result<SendResult> {
        let checked = receipt::check_document(document, &self.validation)?;
        let mut sent = self.send_validated(&checked.document)?;
        sent.warnings = checked.warnings;
        Ok(sent)
    }

    /// `POST /v2/doc`: send a receipt, validated first (nothing invalid reaches the network).
    /// A lost answer is retried with the same `id`, asking the document's status before any
    /// resend, at most `max_attempts` times; the result says how it went.
    pub fn send_document(&self, document: &Document) -> Result<SendResult> {
        // Validate what will really go on the wire, whoever built the Document.
        let wire = serde_json::to_value(document)
            .map_err(|e| Error::Internal(format!("cannot serialize the document: {e}")))?;
        let checked = receipt::check_document(&wire, &self.validation)?;
        let mut sent = self.send_validated(&checked.document)?;
        sent.warnings = checked.warnings;
        Ok(sent)
    }

    fn send_validated(&self, document: &Document) -> Result<SendResult> {
        let auth = self.association()?;
        let id = document.id().to_owned();
        // Sized for the usual receipt (~250 bytes a line), so the body is not regrown from
        // serde_json's 128 bytes four or five times.
        let mut body = Vec::with_capacity(512 + 256 * document.invent_positions.len());
        serde_json::to_writer(&mut body, document)
            .map_err(|e| Error::Internal(format!("cannot serialize the document: {e}")))?;
        let post_path = "/v2/doc";
        let limits = delivery::Limits {
            max_attempts: self.max_attempts,
            first_backoff_ms: self.retry_backoff_ms,
            deadline: std::time::Duration::from_millis(self.deadline_ms),
        };
        let clock = delivery::RealClock::starting_now(limits.deadline);
        // Numbered per endpoint for the audit trail: POST 1, 2, ... and status check 1, 2, ...
        let (posts, checks) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let attempt = |endpoint, counter: &std::cell::Cell<u32>| {
            counter.set(counter.get() + 1);
            Attempt {
                operation: Kind::SendDocument,
                endpoint,
                document_id: Some(id.as_str()),
                attempt: counter.get(),
            }
        };
        let (document_status, delivery) = delivery::deliver(
            limits,
            &clock,
            |left| {
                let attempt = attempt(Kind::SendDocument, &posts);
                let reply = self.call_within(
                    attempt,
                    Method::Post,
                    post_path,
                    auth,
                    Some(&body),
                    Some(left),
                )?;
                DocumentStatus::from_json(reply.json(post_path)?, post_path, reply.status)
            },
            |left| {
                let attempt = attempt(Kind::DocumentStatus, &checks);
                self.fetch_document_status(attempt, auth, &id, Some(left))
            },
        )?;
        Ok(SendResult {
            document_id: id,
            document_status,
            delivery,
            warnings: Vec::new(),
        })
    }

    /// `GET /v1/doc/{id}/status`. An unknown id is a `not_found` error.
    pub fn document_status(&self, document_id: &str) -> Result<DocumentStatus> {
        check_document_id(document_id)?;
        let attempt = Attempt::single(Kind::DocumentStatus, Some(document_id));
        self.fetch_document_status(attempt, self.association()?, document_id, None)
    }

    /// The document's status; an answer that is not a document status (say, the service's own
    /// `{"status":"READY","dateTime":...}` from a path a proxy rewrote) is `malformed_response`.
    fn fetch_document_status(
        &self,
        attempt: Attempt<'_>,
        auth: &Credentials,
        id: &str,
        limit: Option<std::time::Duration>,
    ) -> Result<DocumentStatus> {
        let path = format!("/v1/doc/{}/status", encode_component(id));
        let reply = self.call_within(attempt, Method::Get, &path, auth, None, limit)?;
        DocumentStatus::from_status_answer(reply.json(&path)?, &path, reply.status)
    }

    /// `PUT /v1/doc/{id}/re-queue`: run a `FAILED` document again. The service refuses (HTTP
    /// 400, `rejected`) documents in any other state.
    pub fn requeue(&self, document_id: &str) -> Result<DocumentStatus> {
        check_document_id(document_id)?;
        let path = format!("/v1/doc/{}/re-queue", encode_component(document_id));
        let attempt = Attempt::single(Kind::Requeue, Some(document_id));
        let reply = self.call(attempt, Method::Put, &path, self.association()?, None)?;
        DocumentStatus::from_json(reply.json(&path)?, &path, reply.status)
    }
}

/// An id that goes into a URL path as one segment: `.` and `..` are refused, since percent-encoding
/// cannot protect them (RFC 3986 normalization decodes `%2E` and then removes dot segments).
fn check_path_segment(segment: &str) -> std::result::Result<(), String> {
    receipt::check_path_segment(segment)
}

fn check_document_id(id: &str) -> Result<()> {
    receipt::check_document_id(id)
        .map_err(|reason| Error::invalid_argument(Some("document_id"), reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn _client_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Client>();
    }

    #[test]
    fn half_credentials_are_refused() {
        let c = Config {
            login: Some("u".into()),
            ..Config::default()
        };
        assert_eq!(Client::new(c).unwrap_err().field(), Some("password"));
        let c = Config {
            password: Some(Secret::new("p")),
            ..Config::default()
        };
        assert_eq!(Client::new(c).unwrap_err().field(), Some("login"));
    }

    #[test]
    fn calls_needing_an_association_say_so_without_network() {
        let c = Config {
            base_url: Some("http://127.0.0.1:9/api/fn".into()),
            ..Config::default()
        };
        let client = Client::new(c).unwrap();
        for e in [
            client.service_status().unwrap_err(),
            client.delete_association().unwrap_err(),
            client.document_status("x").unwrap_err(),
            client.requeue("x").unwrap_err(),
        ] {
            assert_eq!(e.code(), "invalid_argument");
            assert_eq!(e.field(), Some("login"));
        }
    }

    #[test]
    fn document_ids_are_checked() {
        assert!(check_document_id("abc-123").is_ok());
        let too_long = "x".repeat(receipt::MAX_ID_CHARS + 1);
        for bad in ["", "a\nb", too_long.as_str(), ".", ".."] {
            assert_eq!(
                check_document_id(bad).unwrap_err().field(),
                Some("document_id")
            );
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let c = Config {
            login: Some("user".into()),
            password: Some(Secret::new("pa55-word-xyz")),
            ..Config::default()
        };
        let client = Client::new(c).unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("pa55"), "{shown}");
        assert!(shown.contains("user"));
    }
}
