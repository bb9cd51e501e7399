//! `modulpos worker`: claims due outbox entries, sends each with the library's exactly-once
//! delivery (same document id on every resend), follows it to a final status, re-queues FAILED
//! documents by the policy below, and records every step in the table.
//!
//! Policy (cli/README.md, "Outbox"):
//! - `pending` → POST (the library retries a lost answer with the same id, asking the status first).
//!   Answered → `sent` (or straight to a final state when the answer already is one). A retryable
//!   error (transport, timeout, 5xx) → stays `pending`, due after a backoff; the worker also pauses
//!   claiming while the service is down. The service refused the document (validation, 4xx) →
//!   `rejected` (final; `outbox retry ID` after fixing the cause). Authentication/403 → `pending`
//!   with the longest backoff: a config problem must not burn receipts.
//! - `sent` → GET status every `poll_ms`. PRINTED, WAIT_FOR_CALLBACK (fiscalized, the shop's callback
//!   pending) and COMPLETED → `done`. FAILED → seen once: wait `requeue_delay_ms × 2^requeues`;
//!   still FAILED then: PUT re-queue (at most `max_requeues` times) → `sent`; beyond → `failed`
//!   (final; `outbox retry ID` starts the count again). 404 → `pending` (the service has no such
//!   document, so sending it with the same id is safe).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modulpos::{Client, DocumentStatus, Error};

use crate::db;
use crate::store::{self, now_ms, Entry, Event, Step, Store};

/// Set by SIGTERM/SIGINT: finish the in-flight entry, claim no more, exit.
pub static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

pub fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub database: String,
    pub table: String,
    pub once: bool,
    pub concurrency: usize,
    pub lease_ms: i64,
    pub poll_ms: i64,
    pub idle_ms: u64,
    pub backoff_ms: i64,
    pub max_backoff_ms: i64,
    pub max_requeues: i64,
    pub requeue_delay_ms: i64,
    pub quiet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            database: String::new(),
            table: "modulpos_outbox".into(),
            once: false,
            concurrency: 1,
            lease_ms: 300_000,
            poll_ms: 1_000,
            idle_ms: 500,
            backoff_ms: 1_000,
            max_backoff_ms: 60_000,
            max_requeues: 3,
            requeue_delay_ms: 60_000,
            quiet: false,
        }
    }
}

/// The pause shared by a worker's threads while the service is down.
struct Backoff {
    failures: u32,
    until: Option<Instant>,
}

struct Shared {
    client: Client,
    options: Options,
    worker: String,
    backoff: Mutex<Backoff>,
}

impl Shared {
    fn delay_after(&self, failures: u32) -> i64 {
        let exp = self
            .options
            .backoff_ms
            .saturating_mul(1i64 << failures.min(20));
        let capped = exp.min(self.options.max_backoff_ms).max(1);
        // ±25 % jitter so that many workers do not hit a recovering service together.
        let jitter = (store::pseudo_random() % (capped as u64 / 2 + 1)) as i64;
        capped * 3 / 4 + jitter
    }

    fn service_failed(&self) -> i64 {
        let mut b = self.backoff.lock().unwrap_or_else(|p| p.into_inner());
        b.failures = b.failures.saturating_add(1);
        let delay = self.delay_after(b.failures - 1);
        b.until = Some(Instant::now() + Duration::from_millis(delay as u64));
        delay
    }

    fn service_answered(&self) {
        let mut b = self.backoff.lock().unwrap_or_else(|p| p.into_inner());
        b.failures = 0;
        b.until = None;
    }

    fn paused_for(&self) -> Option<Duration> {
        let b = self.backoff.lock().unwrap_or_else(|p| p.into_inner());
        b.until
            .and_then(|u| u.checked_duration_since(Instant::now()))
    }

    fn say(&self, line: &str) {
        if !self.options.quiet {
            eprintln!("{} {line}", self.worker);
        }
    }
}

/// The longest one send can take with this config, to check the lease against.
pub fn longest_send_ms(config: &modulpos::Config) -> i64 {
    let per_attempt = (config.connect_timeout_ms + config.timeout_ms) as i64;
    let attempts = i64::from(config.max_attempts);
    // Each attempt may be followed by a status check (another request) and a backoff sleep.
    attempts * 2 * per_attempt + attempts * (config.retry_backoff_ms as i64) * 4
}

pub fn worker_id() -> String {
    let mut buf = [0u8; 64];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it or fails.
    let host = if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) } == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        "host".into()
    };
    let host: String = host.chars().take(40).collect();
    format!(
        "{host}:{}:{:04x}",
        std::process::id(),
        store::pseudo_random() & 0xffff
    )
}

/// Runs the worker until SIGTERM (or, with `once`, until the outbox is drained).
pub fn run(client: Client, options: Options) -> Result<(), String> {
    let shared = Arc::new(Shared {
        client,
        worker: worker_id(),
        backoff: Mutex::new(Backoff {
            failures: 0,
            until: None,
        }),
        options,
    });
    shared.say(&format!(
        "started: {} threads on {} (table {})",
        shared.options.concurrency,
        db::redact_url(&shared.options.database),
        shared.options.table
    ));
    let threads: Vec<_> = (0..shared.options.concurrency)
        .map(|_| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || work(&shared))
        })
        .collect();
    let mut first_error = None;
    for t in threads {
        match t.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                STOP.store(true, Ordering::SeqCst);
                first_error.get_or_insert(e);
            }
            Err(_) => {
                STOP.store(true, Ordering::SeqCst);
                first_error.get_or_insert_with(|| "a worker thread panicked".into());
            }
        }
    }
    shared.say("stopped");
    first_error.map_or(Ok(()), Err)
}

fn work(shared: &Shared) -> Result<(), String> {
    let o = &shared.options;
    let mut store = connect(o)?;
    let mut db_failures = 0u32;
    while !STOP.load(Ordering::SeqCst) {
        if let Some(pause) = shared.paused_for() {
            sleep_unless_stopped(pause.min(Duration::from_millis(o.idle_ms.max(50))));
            continue;
        }
        let claimed = match store.claim(&shared.worker, o.lease_ms) {
            Ok(c) => c,
            Err(e) => {
                // The database is away: wait and reconnect; the leases protect the entries.
                db_failures += 1;
                shared.say(&format!("database error, retrying: {e}"));
                if db_failures > 30 {
                    return Err(format!("the database keeps failing: {e}"));
                }
                sleep_unless_stopped(Duration::from_millis(1000));
                if let Ok(s) = connect(o) {
                    store = s;
                }
                continue;
            }
        };
        db_failures = 0;
        match claimed {
            Some(entry) => {
                let (step, event) = process(shared, &entry);
                match store.record(&shared.worker, &entry, &step, &event) {
                    Ok(true) => {}
                    Ok(false) => shared.say(&format!(
                        "{}: lease lost before the result was recorded (another worker took it \
                         over; it resumes with the same id)",
                        entry.id
                    )),
                    Err(e) => shared.say(&format!(
                        "{}: cannot record the result ({e}); the lease expires and the entry is \
                         resumed with the same id",
                        entry.id
                    )),
                }
            }
            None => {
                if o.once {
                    match store.unfinished() {
                        Ok(0) => return Ok(()),
                        Ok(_) => {}
                        Err(e) => shared.say(&format!("database error: {e}")),
                    }
                }
                sleep_unless_stopped(Duration::from_millis(o.idle_ms));
            }
        }
    }
    Ok(())
}

fn connect(o: &Options) -> Result<Store, String> {
    let conn = db::connect(&o.database).map_err(|e| e.to_string())?;
    Store::new(conn, &o.table)
}

fn sleep_unless_stopped(d: Duration) {
    let end = Instant::now() + d;
    while !STOP.load(Ordering::SeqCst) {
        let Some(left) = end.checked_duration_since(Instant::now()) else {
            return;
        };
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

/// Works on one claimed entry: one network step, and what to record.
fn process(shared: &Shared, entry: &Entry) -> (Step, Event) {
    if entry.state == store::PENDING {
        send(shared, entry)
    } else {
        follow(shared, entry)
    }
}

fn send(shared: &Shared, entry: &Entry) -> (Step, Event) {
    let started = Instant::now();
    let result = serde_json::from_str(&entry.document)
        .map_err(|e| Error::Internal(format!("the stored document is not JSON: {e}")))
        .and_then(|doc| shared.client.send_document_json(&doc));
    let duration = started.elapsed().as_millis() as i64;
    match result {
        Ok(sent) => {
            shared.service_answered();
            let outcome = serde_json::to_value(sent.delivery.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            let (mut step, mut event) = after_status(shared, entry, &sent.document_status, "send");
            step.attempts_added = i64::from(sent.delivery.attempts);
            event.http_status = Some(200);
            event.duration_ms = Some(duration);
            event.outcome = outcome;
            shared.say(&format!(
                "{}: sent ({} attempt(s), {}), {}",
                entry.id,
                sent.delivery.attempts,
                event.outcome.as_deref().unwrap_or("?"),
                sent.document_status.status()
            ));
            (step, event)
        }
        Err(e) => {
            let (state, next_at) = if e.retryable() {
                (store::PENDING, now_ms() + shared.service_failed())
            } else if !e.may_exist()
                && matches!(e.cause(), Error::Validation { .. } | Error::Rejected { .. })
            {
                // Refused outright and certainly not created: the document's own fault.
                (store::REJECTED, now_ms())
            } else {
                // Credentials, config, an odd answer, or a refusal of a document that may exist:
                // not known to be the document's fault. Keep it; a resend uses the same id.
                shared.service_failed();
                (store::PENDING, now_ms() + shared.options.max_backoff_ms)
            };
            shared.say(&format!("{}: send failed → {state}: {e}", entry.id));
            failed_step(entry, "send", state, next_at, &e, Some(duration), 1)
        }
    }
}

fn follow(shared: &Shared, entry: &Entry) -> (Step, Event) {
    let started = Instant::now();
    let result = shared.client.document_status(&entry.id);
    let duration = started.elapsed().as_millis() as i64;
    match result {
        Ok(status) => {
            shared.service_answered();
            if status.status() == "FAILED"
                && entry.doc_status.as_deref() == Some("FAILED")
                && entry.requeues < shared.options.max_requeues
            {
                return requeue(shared, entry);
            }
            let (step, mut event) = after_status(shared, entry, &status, "poll");
            event.http_status = Some(200);
            event.duration_ms = Some(duration);
            (step, event)
        }
        Err(e @ Error::NotFound { .. }) => {
            shared.say(&format!(
                "{}: unknown to the service; sending it again",
                entry.id
            ));
            failed_step(
                entry,
                "poll",
                store::PENDING,
                now_ms(),
                &e,
                Some(duration),
                0,
            )
        }
        Err(e) => {
            let next_at = if e.retryable() {
                now_ms() + shared.service_failed()
            } else {
                now_ms() + shared.options.max_backoff_ms
            };
            failed_step(entry, "poll", store::SENT, next_at, &e, Some(duration), 0)
        }
    }
}

fn requeue(shared: &Shared, entry: &Entry) -> (Step, Event) {
    let started = Instant::now();
    let result = shared.client.requeue(&entry.id);
    let duration = started.elapsed().as_millis() as i64;
    match result {
        Ok(status) => {
            shared.service_answered();
            shared.say(&format!(
                "{}: FAILED at the service, re-queued ({} of {})",
                entry.id,
                entry.requeues + 1,
                shared.options.max_requeues
            ));
            let (mut step, mut event) = after_status(shared, entry, &status, "requeue");
            step.requeues_added = 1;
            event.http_status = Some(200);
            event.duration_ms = Some(duration);
            (step, event)
        }
        Err(e) => {
            // A 400 means it is no longer FAILED (someone re-queued it): follow it again.
            let next_at = if e.retryable() {
                now_ms() + shared.service_failed()
            } else {
                now_ms() + shared.options.poll_ms
            };
            failed_step(
                entry,
                "requeue",
                store::SENT,
                next_at,
                &e,
                Some(duration),
                0,
            )
        }
    }
}

/// The step after the service told a document's status.
fn after_status(
    shared: &Shared,
    entry: &Entry,
    status: &DocumentStatus,
    event: &'static str,
) -> (Step, Event) {
    let o = &shared.options;
    let name = status.status().to_owned();
    let now = now_ms();
    let (state, next_at) = match name.as_str() {
        "PRINTED" | "WAIT_FOR_CALLBACK" | "COMPLETED" => (store::DONE, now),
        "FAILED" if entry.requeues >= o.max_requeues => (store::FAILED, now),
        "FAILED" => (
            store::SENT,
            now + o
                .requeue_delay_ms
                .saturating_mul(1i64 << entry.requeues.clamp(0, 20)),
        ),
        _ => (store::SENT, now + o.poll_ms),
    };
    if state != entry.state.as_str() {
        shared.say(&format!("{}: {} → {state} ({name})", entry.id, entry.state));
    }
    let failure = status
        .failure_info()
        .map(|f| f.to_string())
        .or_else(|| status.message().map(str::to_owned));
    let step = Step {
        state: state.into(),
        next_at,
        error_code: (name == "FAILED").then(|| "document_failed".into()),
        error: (name == "FAILED").then(|| failure.clone().unwrap_or_default()),
        http_status: Some(200),
        doc_status: Some(name.clone()),
        doc_status_json: serde_json::to_string(status).ok(),
        ..Step::default()
    };
    let event = Event {
        event,
        from_state: Some(entry.state.clone()),
        to_state: Some(state.into()),
        outcome: Some("ok".into()),
        doc_status: Some(name),
        message: if state == store::FAILED || step.error.is_some() {
            failure
        } else {
            None
        },
        ..Event::default()
    };
    (step, event)
}

fn failed_step(
    entry: &Entry,
    event: &'static str,
    state: &str,
    next_at: i64,
    e: &Error,
    duration: Option<i64>,
    attempts: i64,
) -> (Step, Event) {
    let http = e.http_status().map(i64::from);
    let step = Step {
        state: state.into(),
        attempts_added: attempts,
        next_at,
        error_code: Some(e.code().into()),
        error: Some(e.to_string()),
        http_status: http,
        ..Step::default()
    };
    let event = Event {
        event,
        from_state: Some(entry.state.clone()),
        to_state: Some(state.into()),
        http_status: http,
        duration_ms: duration,
        outcome: Some(e.code().into()),
        message: Some(e.to_string()),
        ..Event::default()
    };
    (step, event)
}
