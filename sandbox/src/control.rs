//! The control interface under `/sandbox`: health, counters, fault injection, planned register
//! failures, the register's state and reset. Tests and shops drive the sandbox through it; it
//! never answers like the service (its errors are `{"error": "..."}`).

use std::time::{Instant, SystemTime};

use serde_json::{json, Value};

use crate::app::App;
use crate::faults::Fault;
use crate::http::{Request, Response};
use crate::state::{PlannedFailure, FN_STATES};

/// The `failureInfo.type` values `/sandbox/fail-next` accepts.
pub const FAILURE_TYPES: &[&str] = &[
    "FN_MEMORY_OVERFLOW",
    "FN_EXPIRED",
    "FN_GENERIC_FAILURE",
    "NON_FN_FAILURE",
];

fn control_error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

impl App {
    pub(crate) fn control(&self, request: &Request) -> Response {
        let method = request.method.as_str();
        let body = || -> Result<Value, Response> {
            if request.body.iter().all(u8::is_ascii_whitespace) {
                return Ok(json!({}));
            }
            serde_json::from_slice(&request.body)
                .map_err(|e| control_error(400, &format!("body: {e}")))
        };
        let (allowed, result) = match request.path.as_str() {
            "/sandbox/health" => (
                "GET",
                (method == "GET").then(|| Response::json(200, &json!({"ok": true}))),
            ),
            "/sandbox/counters" => ("GET", (method == "GET").then(|| self.counters())),
            "/sandbox/faults" => (
                "POST, DELETE",
                match method {
                    "POST" => Some(body().map_or_else(|e| e, |b| self.add_faults(&b))),
                    "DELETE" => {
                        self.lock().faults.clear();
                        Some(Response::json(200, &json!({"faults_pending": 0})))
                    }
                    _ => None,
                },
            ),
            "/sandbox/fail-next" => (
                "POST",
                (method == "POST").then(|| body().map_or_else(|e| e, |b| self.fail_next(&b))),
            ),
            "/sandbox/fn-status" => (
                "POST",
                (method == "POST").then(|| body().map_or_else(|e| e, |b| self.set_fn_status(&b))),
            ),
            "/sandbox/reset" => (
                "POST",
                (method == "POST").then(|| {
                    let mut state = self.lock();
                    state.reset();
                    // Under the state lock, as jobs are pushed: a document created just after
                    // the reset cannot lose its callback to this clear.
                    self.callbacks.clear();
                    Response::json(200, &json!({"ok": true}))
                }),
            ),
            _ => return control_error(404, &format!("unknown control endpoint {}", request.path)),
        };
        result.unwrap_or_else(|| {
            control_error(
                405,
                &format!("{method} is not supported here; use {allowed}"),
            )
            .header("Allow", allowed)
        })
    }

    fn counters(&self) -> Response {
        let state = self.lock();
        let documents: serde_json::Map<String, Value> = state
            .counters
            .iter()
            .map(|(id, c)| {
                (
                    id.clone(),
                    json!({"submissions": c.submissions, "created": c.created, "callback_attempts": c.callback_attempts}),
                )
            })
            .collect();
        Response::json(
            200,
            &json!({
                "requests": state.requests,
                "connections": state.connections,
                "faults_pending": state.faults.len(),
                "fail_next_pending": state.fail_next.len(),
                "documents": documents,
            }),
        )
    }

    fn add_faults(&self, body: &Value) -> Response {
        let Some(list) = body.get("faults").and_then(Value::as_array) else {
            return control_error(400, "faults: is required and must be an array");
        };
        let parsed: Result<Vec<Fault>, String> = list
            .iter()
            .enumerate()
            .map(|(i, f)| Fault::from_json(f, i))
            .collect();
        match parsed {
            Ok(faults) => {
                let mut state = self.lock();
                state.faults.extend(faults);
                Response::json(200, &json!({"faults_pending": state.faults.len()}))
            }
            Err(message) => control_error(400, &message),
        }
    }

    /// Sets the register's state. Leaving READY freezes `FNStatus.dateTime` and makes new
    /// documents wait in QUEUED; returning to READY starts their lifecycle from that moment.
    fn set_fn_status(&self, body: &Value) -> Response {
        let requested = body.get("status").and_then(Value::as_str);
        let Some(status) =
            requested.and_then(|s| FN_STATES.iter().copied().find(|known| *known == s))
        else {
            return control_error(
                400,
                &format!("status: must be one of {}", FN_STATES.join(", ")),
            );
        };
        let (now, wall_now) = (Instant::now(), SystemTime::now());
        let mut state = self.lock();
        if status == "READY" {
            if state.register.offline_since.take().is_some() {
                for (key, document) in state.documents.iter_mut() {
                    if document.run.waiting_for_register {
                        document.run.waiting_for_register = false;
                        document.run.started = now;
                        document.run.started_wall = wall_now;
                        self.schedule_callback(document, key);
                    }
                }
            }
        } else if state.register.offline_since.is_none() {
            state.register.offline_since = Some((now, wall_now));
        }
        state.register.state = status;
        Response::json(200, &json!({ "status": status }))
    }

    fn fail_next(&self, body: &Value) -> Response {
        let count = match body.get("count") {
            None => 1,
            Some(v) => match v.as_u64().filter(|c| *c <= 10_000) {
                Some(c) => c,
                None => return control_error(400, "count: must be an integer 0..=10000"),
            },
        };
        let failure_type = match body.get("type") {
            None => "FN_GENERIC_FAILURE".to_string(),
            Some(v) => match v.as_str().filter(|t| FAILURE_TYPES.contains(t)) {
                Some(t) => t.to_string(),
                None => {
                    return control_error(
                        400,
                        &format!("type: must be one of {}", FAILURE_TYPES.join(", ")),
                    )
                }
            },
        };
        let message = match body.get("message") {
            None => "Fiscal drive failure (injected by the sandbox)".to_string(),
            Some(v) => match v.as_str() {
                Some(m) => m.to_string(),
                None => return control_error(400, "message: must be a string"),
            },
        };
        let mut state = self.lock();
        for _ in 0..count {
            state.fail_next.push_back(PlannedFailure {
                failure_type: failure_type.clone(),
                message: message.clone(),
            });
        }
        Response::json(200, &json!({"fail_next_pending": state.fail_next.len()}))
    }
}
