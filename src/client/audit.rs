//! The audit trail: one [`AttemptEvent`] per HTTP request the client makes, with what was asked
//! for, which attempt it was, the HTTP status, how long it took and how it ended.
//!
//! Every event goes to the `log` facade (target `modulpos::audit`; `info` when the request
//! succeeded, `warn` when it failed; the message is the event's JSON line) and to the client's
//! audit hook, if one is set ([`Client::set_audit_hook`]; the C API's log callback is one).
//!
//! An event holds no credentials: no password, no `Authorization` header, no request or answer
//! body (an associate answer's body holds a password). Its fields are built here from the
//! request's kind, method and outcome only.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::http::{Credentials, Method, Reply};
use super::Client;
use crate::error::Result;

/// The `log` target of audit events.
pub const LOG_TARGET: &str = "modulpos::audit";

/// What a request, or the call that made it, was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Associate,
    DeleteAssociation,
    ServiceStatus,
    /// `POST /v2/doc`; as an operation, the whole send (its POSTs and status checks).
    SendDocument,
    DocumentStatus,
    Requeue,
    /// Only as an operation: checking an incoming callback with the service.
    ConfirmCallback,
}

/// One HTTP request made by the client, after it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptEvent {
    /// Always `"http_attempt"`.
    pub event: &'static str,
    /// The call the application made (`send_document` for every request of one send).
    pub operation: Kind,
    /// What this request was (`document_status` for a status check inside a send).
    pub endpoint: Kind,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The document the request was about, when there is one.
    pub document_id: Option<String>,
    /// 1 for the first request of this endpoint within the operation, 2 for the next, ...
    pub attempt: u32,
    /// The HTTP status of the answer, when one came.
    pub http_status: Option<u16>,
    /// From sending the request to having the whole answer (or the error), in milliseconds.
    pub duration_ms: u64,
    /// `"ok"` (a 2xx answer was read) or `"error"`.
    pub outcome: &'static str,
    /// The stable error code (see `mk_tables`' `error_codes`), when the request failed.
    pub error_code: Option<&'static str>,
    /// Whether the error left it unknown if the request took effect (a lost answer).
    pub may_have_taken_effect: bool,
    /// The error's message, when the request failed (never holds a credential).
    pub message: Option<String>,
}

impl AttemptEvent {
    /// `log::Level::Info` for a success, `Warn` for a failure.
    pub fn level(&self) -> log::Level {
        if self.error_code.is_none() {
            log::Level::Info
        } else {
            log::Level::Warn
        }
    }

    /// The event as one line of JSON (no newline).
    pub fn to_json_line(&self) -> String {
        // Only strings, numbers, booleans and nulls: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// A receiver of audit events. It runs on the thread that made the request, before the call
/// returns, and may run on several threads at once when the client is shared.
pub type AuditHook = Arc<dyn Fn(&AttemptEvent) + Send + Sync>;

/// The client's audit hook slot.
#[derive(Default)]
pub(super) struct Audit {
    hook: RwLock<Option<AuditHook>>,
}

impl Audit {
    /// Replace the hook. Returns once no call of the previous hook is running, so after it
    /// returns the previous hook is never called again.
    fn set(&self, hook: Option<AuditHook>) {
        let mut slot = self.hook.write().unwrap_or_else(|p| p.into_inner());
        *slot = hook;
    }

    fn emit(&self, event: &AttemptEvent) {
        let level = event.level();
        if log::log_enabled!(target: LOG_TARGET, level) {
            log::log!(target: LOG_TARGET, level, "{}", event.to_json_line());
        }
        let slot = self.hook.read().unwrap_or_else(|p| p.into_inner());
        if let Some(hook) = slot.as_ref() {
            // A failing logger must never change the outcome of a send: its panic stops here.
            let _ = catch_unwind(AssertUnwindSafe(|| hook(event)));
        }
    }
}

/// What an HTTP request is, for its audit event.
#[derive(Debug, Clone, Copy)]
pub(super) struct Attempt<'a> {
    pub operation: Kind,
    pub endpoint: Kind,
    pub document_id: Option<&'a str>,
    pub attempt: u32,
}

impl<'a> Attempt<'a> {
    /// The first (and only) request of a single-request operation.
    pub fn single(kind: Kind, document_id: Option<&'a str>) -> Self {
        Attempt {
            operation: kind,
            endpoint: kind,
            document_id,
            attempt: 1,
        }
    }
}

impl Client {
    /// Set (or with `None` remove) the hook that receives an [`AttemptEvent`] for every HTTP
    /// request of this client, in addition to the `log` facade. Returns once no call of the
    /// previous hook is still running. A hook must not call `set_audit_hook` on the same client
    /// (that would wait for itself). A panic in the hook is caught and ignored.
    pub fn set_audit_hook(&self, hook: Option<AuditHook>) {
        self.audit.set(hook);
    }

    /// Make one HTTP request and record its audit event.
    pub(super) fn call(
        &self,
        attempt: Attempt<'_>,
        method: Method,
        path: &str,
        auth: &Credentials,
        json_body: Option<&[u8]>,
    ) -> Result<Reply> {
        self.call_within(attempt, method, path, auth, json_body, None)
    }

    /// [`Client::call`], bounded by `limit` too (what is left of a send's deadline; see
    /// `Http::call_within`, whose one quiet resend of a GET on a stale connection is part of this
    /// attempt).
    pub(super) fn call_within(
        &self,
        attempt: Attempt<'_>,
        method: Method,
        path: &str,
        auth: &Credentials,
        json_body: Option<&[u8]>,
        limit: Option<Duration>,
    ) -> Result<Reply> {
        let started = Instant::now();
        let result = self.http.call_within(method, path, auth, json_body, limit);
        let elapsed = started.elapsed();
        let (http_status, error) = match &result {
            Ok(reply) => (Some(reply.status), None),
            Err(e) => (e.http_status(), Some(e)),
        };
        self.audit.emit(&AttemptEvent {
            event: "http_attempt",
            operation: attempt.operation,
            endpoint: attempt.endpoint,
            method: method.as_str(),
            document_id: attempt.document_id.map(str::to_owned),
            attempt: attempt.attempt,
            http_status,
            duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            outcome: if error.is_none() { "ok" } else { "error" },
            error_code: error.map(|e| e.code()),
            may_have_taken_effect: error.is_some_and(super::delivery::is_ambiguous),
            message: error.map(ToString::to_string),
        });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn event(error_code: Option<&'static str>) -> AttemptEvent {
        AttemptEvent {
            event: "http_attempt",
            operation: Kind::SendDocument,
            endpoint: Kind::DocumentStatus,
            method: "GET",
            document_id: Some("d-1".into()),
            attempt: 2,
            http_status: Some(404),
            duration_ms: 7,
            outcome: if error_code.is_none() { "ok" } else { "error" },
            error_code,
            may_have_taken_effect: false,
            message: None,
        }
    }

    #[test]
    fn json_line_names_every_field() {
        let line = event(Some("not_found")).to_json_line();
        assert_eq!(
            line,
            r#"{"event":"http_attempt","operation":"send_document","endpoint":"document_status","method":"GET","document_id":"d-1","attempt":2,"http_status":404,"duration_ms":7,"outcome":"error","error_code":"not_found","may_have_taken_effect":false,"message":null}"#
        );
        assert_eq!(event(Some("x")).level(), log::Level::Warn);
        assert_eq!(event(None).level(), log::Level::Info);
    }

    #[test]
    fn hook_is_replaced_and_a_panicking_hook_is_contained() {
        let audit = Audit::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        audit.set(Some(Arc::new(move |e: &AttemptEvent| {
            sink.lock().unwrap().push(e.attempt)
        })));
        audit.emit(&event(None));
        audit.set(Some(Arc::new(|_: &AttemptEvent| panic!("logger broke"))));
        audit.emit(&event(None));
        audit.set(None);
        audit.emit(&event(None));
        assert_eq!(*seen.lock().unwrap(), vec![2]);
    }
}
