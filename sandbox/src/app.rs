//! Request handling: the emulated API under `/api/fn` and `/fn`, and fault injection in front of
//! it. The control interface under `/sandbox` is in `control.rs`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use serde_json::json;

use crate::callback::CallbackQueue;
use crate::clock;
use crate::credentials::{parse_basic, random_password, random_uuid, secrets_equal};
use crate::document::{CallbackState, Outcome, Run, Status, StoredDocument, Timing};
use crate::faults::{ErrorBody, Fault, FaultKind, Phase};
use crate::http::{percent_decode, reason_phrase, Request, Response, JSON_CONTENT_TYPE};
use crate::json;
use crate::state::{Association, DocumentKey, PlannedFailure, State};
use crate::validation::{validate_document, MAX_ID_CHARS};
use crate::SandboxConfig;

/// What the connection should do with a handled request.
#[derive(Debug)]
pub enum Reply {
    Respond(Response),
    /// Close the connection without answering.
    Drop,
    /// Send the head with the full Content-Length and half of the body, then close.
    Truncate(Response),
}

const API_PREFIXES: &[&str] = &["/api/fn", "/fn"];

pub struct App {
    pub config: SandboxConfig,
    pub state: Mutex<State>,
    pub callbacks: CallbackQueue,
    pub shutdown: AtomicBool,
}

/// A Spring Boot style error body.
pub fn spring_error(status: u16, message: &str, path: &str) -> Response {
    Response::json(
        status,
        &json!({
            "timestamp": clock::now().rfc3339_millis(),
            "status": status,
            "error": reason_phrase(status),
            "message": message,
            "path": path,
        }),
    )
}

fn unauthorized() -> Response {
    Response::new(401).header("WWW-Authenticate", "Basic realm=\"modulkassa\"")
}

impl App {
    pub fn new(config: SandboxConfig) -> App {
        App {
            config,
            state: Mutex::new(State::default()),
            callbacks: CallbackQueue::default(),
            shutdown: AtomicBool::new(false),
        }
    }

    pub fn timing(&self) -> Timing {
        Timing {
            queue: Duration::from_millis(self.config.queue_ms),
            print: Duration::from_millis(self.config.print_ms),
        }
    }

    /// Locks the state. A panic while holding the lock cannot leave it half-updated in a way that
    /// matters more than serving on, so a poisoned lock is taken over.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sleeps, waking early when the sandbox shuts down.
    fn sleep(&self, duration: Duration) {
        let end = Instant::now() + duration;
        while !self.shutdown.load(Ordering::Relaxed) {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        }
    }

    pub fn handle(&self, request: &Request) -> Reply {
        if request.path == "/sandbox" || request.path.starts_with("/sandbox/") {
            return Reply::Respond(self.control(request));
        }
        let fault = {
            let mut state = self.lock();
            state.requests += 1;
            state.take_fault(&request.path)
        };
        let Some(fault) = fault else {
            return Reply::Respond(self.api(request));
        };
        match fault.phase {
            Phase::Before => match fault.kind {
                FaultKind::Delay { ms } => {
                    self.sleep(Duration::from_millis(ms));
                    Reply::Respond(self.api(request))
                }
                _ => self.fault_reply(&fault, request, None),
            },
            Phase::After => {
                let response = self.api(request);
                if let FaultKind::Delay { ms } = fault.kind {
                    self.sleep(Duration::from_millis(ms));
                    return Reply::Respond(response);
                }
                self.fault_reply(&fault, request, Some(response))
            }
        }
    }

    /// The answer a fault gives instead of the real one (`real` is None when nothing was processed).
    fn fault_reply(&self, fault: &Fault, request: &Request, real: Option<Response>) -> Reply {
        match fault.kind {
            FaultKind::HttpStatus { status, body, retry_after } => Reply::Respond({
                let response = match body {
                ErrorBody::Json => spring_error(status, "Injected fault", &request.path),
                ErrorBody::Html => Response::with_body(
                    status,
                    "text/html",
                    format!(
                        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                        reason = reason_phrase(status)
                    )
                    .into_bytes(),
                ),
                ErrorBody::Empty => Response::new(status),
                };
                match retry_after {
                    Some(seconds) => response.header("Retry-After", &seconds.to_string()),
                    None => response,
                }
            }),
            FaultKind::Drop => Reply::Drop,
            FaultKind::Truncate => Reply::Truncate(real.unwrap_or_else(|| {
                // Nothing was processed: a plausible answer that will never arrive whole.
                Response::json(200, &json!({"status":"QUEUED","fnState":"READY","fiscalInfo":null,"failureInfo":null,"message":"Document queued for printing","timeStatusChanged":clock::now().rfc3339()}))
            })),
            FaultKind::Malformed => Reply::Respond(Response::with_body(
                200,
                JSON_CONTENT_TYPE,
                b"{\"status\":\"QUEUED\",\"fnState\":<html>not json".to_vec(),
            )),
            FaultKind::Delay { .. } => unreachable!("delays are applied by the caller"),
        }
    }

    // ---------------------------------------------------------------- the emulated API

    fn api(&self, request: &Request) -> Response {
        let Some(rest) = API_PREFIXES
            .iter()
            .find_map(|p| request.path.strip_prefix(p))
        else {
            return spring_error(404, "No message available", &request.path);
        };
        let segments: Vec<&str> = rest.split('/').skip(1).collect();
        let method = request.method.as_str();
        let allowed = match segments.as_slice() {
            ["v1", "associate", point] => {
                if method == "POST" {
                    return self.associate(request, point);
                }
                "POST"
            }
            ["v1", "associate"] => {
                if method == "DELETE" {
                    return self.delete_association(request);
                }
                "DELETE"
            }
            ["v1", "status"] => {
                if method == "GET" {
                    return self.service_status(request);
                }
                "GET"
            }
            ["v1" | "v2", "doc"] => {
                if method == "POST" {
                    return self.submit(request);
                }
                "POST"
            }
            ["v1", "doc", id, "status"] => {
                if method == "GET" {
                    return self.document_status(request, id);
                }
                "GET"
            }
            ["v1", "doc", id, "re-queue"] => {
                if method == "PUT" {
                    return self.requeue(request, id);
                }
                "PUT"
            }
            _ => return spring_error(404, "No message available", &request.path),
        };
        spring_error(
            405,
            &format!("Request method '{method}' is not supported"),
            &request.path,
        )
        .header("Allow", allowed)
    }

    /// The association the request's Basic credentials belong to.
    fn authenticate(&self, state: &State, request: &Request) -> Option<Association> {
        let credentials = parse_basic(request.header("Authorization"))?;
        state
            .association_by_credentials(&credentials.user, &credentials.password)
            .cloned()
    }

    fn associate(&self, request: &Request, point: &str) -> Response {
        let account_ok = parse_basic(request.header("Authorization")).is_some_and(|c| {
            secrets_equal(&c.user, &self.config.login)
                && secrets_equal(&c.password, &self.config.password)
        });
        if !account_ok {
            return unauthorized();
        }
        let Some(point) = percent_decode(point, false) else {
            return Response::new(404);
        };
        if !self.config.retail_points.contains(&point) {
            return Response::new(404);
        }
        let client_id = request.query_param("clientId").filter(|c| !c.is_empty());
        let mut state = self.lock();
        let password = random_password(12);
        let existing = state
            .associations
            .iter_mut()
            .find(|a| a.retail_point == point && a.client_id == client_id);
        let user_name = match existing {
            Some(association) => {
                association.password = password.clone();
                association.user_name.clone()
            }
            None => {
                let user_name = random_uuid();
                state.associations.push(Association {
                    retail_point: point,
                    client_id,
                    user_name: user_name.clone(),
                    password: password.clone(),
                });
                user_name
            }
        };
        Response::json(
            200,
            &json!({
                "userName": user_name,
                "password": password,
                "name": self.config.retail_point_name,
                "address": self.config.retail_point_address,
            }),
        )
    }

    fn delete_association(&self, request: &Request) -> Response {
        let mut state = self.lock();
        let Some(association) = self.authenticate(&state, request) else {
            return unauthorized();
        };
        state
            .associations
            .retain(|a| a.user_name != association.user_name);
        Response::new(200)
    }

    fn service_status(&self, request: &Request) -> Response {
        let state = self.lock();
        if self.authenticate(&state, request).is_none() {
            return unauthorized();
        }
        // `dateTime` is when the register last reported: now if it is READY, else when it stopped.
        let last_report = match state.register.offline_since {
            Some((_, wall)) => clock::DateTime::from_system(wall),
            None => clock::now(),
        };
        Response::json(
            200,
            &json!({ "status": state.register.state, "dateTime": last_report.rfc3339() }),
        )
    }

    fn submit(&self, request: &Request) -> Response {
        let association = {
            let state = self.lock();
            match self.authenticate(&state, request) {
                Some(a) => a,
                None => return unauthorized(),
            }
        };
        if let Some(content_type) = request.header("Content-Type") {
            if !content_type.to_ascii_lowercase().contains("json") {
                return spring_error(
                    415,
                    &format!("Content type '{content_type}' not supported"),
                    &request.path,
                );
            }
        }
        let Ok(text) = std::str::from_utf8(&request.body) else {
            return spring_error(
                400,
                "JSON parse error: the body is not UTF-8",
                &request.path,
            );
        };
        if text.trim().is_empty() {
            return spring_error(400, "Required request body is missing", &request.path);
        }
        let document = match json::parse(text) {
            Ok(document) => document,
            Err(e) => return spring_error(400, &format!("JSON parse error: {e}"), &request.path),
        };

        // The checks are pure: run them before taking the lock, so submissions validate in parallel.
        let validated = validate_document(&document);
        let now = Instant::now();
        let timing = self.timing();
        let mut state = self.lock();
        // Idempotency: a stored document's status wins over whatever the checks said. An id over
        // the length limit can name no document and is not counted: a counter per such id would
        // keep up to a whole 1 MiB body in memory for each request.
        let countable_id = match document.get("id") {
            Some(json::Json::String(id)) if id.chars().count() <= MAX_ID_CHARS => Some(id),
            _ => None,
        };
        if let Some(id) = countable_id {
            state.counters.entry(id.clone()).or_default().submissions += 1;
            let key: DocumentKey = (association.retail_point.clone(), id.clone());
            if let Some(existing) = state.documents.get(&key) {
                return Response::json(
                    200,
                    &existing.status_json(now, timing, state.register.state),
                );
            }
        }
        let accepted = match validated {
            Ok(accepted) => accepted,
            Err(rejection) => return spring_error(400, &rejection.message(), &request.path),
        };
        let outcome = match state.fail_next.pop_front() {
            Some(PlannedFailure {
                failure_type,
                message,
            }) => Outcome::Fail {
                failure_type,
                message,
            },
            None => Outcome::Print(state.fiscal.assign()),
        };
        let generation = state.next_generation();
        let wall_now = SystemTime::now();
        let stored = StoredDocument {
            id: accepted.id.clone(),
            doc_type: accepted.doc_type,
            total_kopecks: accepted.total_kopecks,
            response_url: accepted.response_url,
            run: Run {
                queued_wall: wall_now,
                started: now,
                started_wall: wall_now,
                waiting_for_register: state.register.offline_since.is_some(),
                requeued: false,
                outcome,
                generation,
            },
            callback: CallbackState::default(),
        };
        let body = stored.status_json(now, timing, state.register.state);
        let key: DocumentKey = (association.retail_point, accepted.id.clone());
        self.schedule_callback(&stored, &key);
        state.documents.insert(key, stored);
        state.counters.entry(accepted.id).or_default().created = true;
        Response::json(200, &body)
    }

    /// Queues the first callback attempt for when the document prints, if it has a responseURL.
    /// (A document waiting for the register gets its callback scheduled when the register is back.)
    pub(crate) fn schedule_callback(&self, document: &StoredDocument, key: &DocumentKey) {
        if document.response_url.is_some()
            && matches!(document.run.outcome, Outcome::Print(_))
            && !document.run.waiting_for_register
        {
            self.callbacks.push(
                document.print_instant(self.timing()),
                key.clone(),
                document.run.generation,
            );
        }
    }

    /// Looks a document up for the request's association: Ok((key)) or the error response.
    fn find_document(
        &self,
        state: &State,
        request: &Request,
        id: &str,
    ) -> Result<DocumentKey, Response> {
        let Some(association) = self.authenticate(state, request) else {
            return Err(unauthorized());
        };
        let Some(id) = percent_decode(id, false) else {
            return Err(spring_error(
                400,
                "id: is not valid percent-encoded UTF-8",
                &request.path,
            ));
        };
        let key: DocumentKey = (association.retail_point, id);
        if state.documents.contains_key(&key) {
            Ok(key)
        } else {
            Err(spring_error(
                404,
                &format!("Document with id {} not found", key.1),
                &request.path,
            ))
        }
    }

    fn document_status(&self, request: &Request, id: &str) -> Response {
        let state = self.lock();
        match self.find_document(&state, request, id) {
            Ok(key) => Response::json(
                200,
                &state.documents[&key].status_json(
                    Instant::now(),
                    self.timing(),
                    state.register.state,
                ),
            ),
            Err(response) => response,
        }
    }

    fn requeue(&self, request: &Request, id: &str) -> Response {
        let mut state = self.lock();
        let key = match self.find_document(&state, request, id) {
            Ok(key) => key,
            Err(response) => return response,
        };
        let now = Instant::now();
        let timing = self.timing();
        let status = state.documents[&key].status_at(now, timing);
        if status != Status::Failed {
            return spring_error(
                400,
                &format!(
                    "Document with id {} has status {}; only FAILED documents can be re-queued",
                    key.1,
                    status.as_str()
                ),
                &request.path,
            );
        }
        let fiscal = state.fiscal.assign();
        let generation = state.next_generation();
        let (fn_state, waiting_for_register) =
            (state.register.state, state.register.offline_since.is_some());
        let wall_now = SystemTime::now();
        let document = state.documents.get_mut(&key).expect("found above");
        document.run = Run {
            queued_wall: wall_now,
            started: now,
            started_wall: wall_now,
            waiting_for_register,
            requeued: true,
            outcome: Outcome::Print(fiscal),
            generation,
        };
        document.callback = CallbackState::default();
        let body = document.status_json(now, timing, fn_state);
        self.schedule_callback(document, &key);
        Response::json(200, &body)
    }
}
