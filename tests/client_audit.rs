//! The audit trail against the in-process sandbox: one event per HTTP attempt (numbered per
//! endpoint, with the document id, HTTP status, duration and outcome), through the client's hook
//! and the `log` facade, and never a password or an Authorization header.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use modulpos::client::{AssociateRequest, AuditHook};
use modulpos::{AttemptEvent, CallbackKey, Client, Secret};
use serde_json::{json, Value};

/// Every line the `log` facade got for the audit target (one logger per test binary).
static LOG_LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Collect;

impl log::Log for Collect {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        if record.target() == "modulpos::audit" {
            LOG_LINES
                .lock()
                .unwrap()
                .push(format!("{} {}", record.level(), record.args()));
        }
    }
    fn flush(&self) {}
}

fn install_logger() {
    let _ = log::set_logger(&Collect);
    log::set_max_level(log::LevelFilter::Trace);
}

fn recording(client: &Client) -> Arc<Mutex<Vec<AttemptEvent>>> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let hook: AuditHook = Arc::new(move |e: &AttemptEvent| sink.lock().unwrap().push(e.clone()));
    client.set_audit_hook(Some(hook));
    events
}

fn summary(events: &[AttemptEvent]) -> Vec<(String, String, u32, Option<u16>, String)> {
    events
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).unwrap();
            (
                v["operation"].as_str().unwrap().to_owned(),
                format!("{} {}", e.method, v["endpoint"].as_str().unwrap()),
                e.attempt,
                e.http_status,
                e.error_code.unwrap_or("ok").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_attempt_of_a_send_is_recorded_in_order() {
    install_logger();
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let events = recording(&client);
    let id = unique_id("audit");
    // The first POST is refused with 503 before processing; the status check then finds nothing
    // (404) and the second POST is accepted.
    faults(
        &sb,
        json!([{"kind": "http_status", "status": 503, "path_contains": "/v2/doc"}]),
    );
    let sent = client.send_document_json(&receipt(&id)).unwrap();
    assert_eq!(sent.delivery.attempts, 2);
    let events = events.lock().unwrap().clone();
    let s = |op: &str, what: &str, n, status, code: &str| {
        (op.to_owned(), what.to_owned(), n, status, code.to_owned())
    };
    assert_eq!(
        summary(&events),
        vec![
            s(
                "send_document",
                "POST send_document",
                1,
                Some(503),
                "server_error"
            ),
            s(
                "send_document",
                "GET document_status",
                1,
                Some(404),
                "not_found"
            ),
            s("send_document", "POST send_document", 2, Some(200), "ok"),
        ]
    );
    for e in &events {
        assert_eq!(e.document_id.as_deref(), Some(id.as_str()));
        assert!(e.duration_ms < 5_000);
    }
    assert!(events[0].may_have_taken_effect, "a 5xx leaves it unknown");
    assert!(!events[1].may_have_taken_effect);
    assert_eq!(events[2].outcome, "ok");

    // The same events reached the log facade, as JSON lines at warn (failed) and info (ok).
    let lines = LOG_LINES.lock().unwrap().clone();
    let ours: Vec<&String> = lines.iter().filter(|l| l.contains(&id)).collect();
    assert_eq!(ours.len(), 3, "{lines:?}");
    assert!(
        ours[0].starts_with("WARN {\"event\":\"http_attempt\""),
        "{}",
        ours[0]
    );
    assert!(ours[2].starts_with("INFO {"), "{}", ours[2]);
    let parsed: Value = serde_json::from_str(ours[2].split_once(' ').unwrap().1).unwrap();
    assert_eq!(parsed["http_status"], 200);
}

#[test]
fn no_password_or_authorization_header_reaches_an_event() {
    install_logger();
    let sb = sandbox();
    let client = Client::new(config(&sb)).unwrap();
    let events = recording(&client);
    let association = client
        .associate(&AssociateRequest {
            login: ACCOUNT_LOGIN.into(),
            password: Secret::new(ACCOUNT_PASSWORD),
            retail_point_id: RETAIL_POINT.into(),
            client_id: None,
        })
        .unwrap();
    // A failing associate too (wrong password: 401).
    let _ = client.associate(&AssociateRequest {
        login: ACCOUNT_LOGIN.into(),
        password: Secret::new("wrong-password-xyz"),
        retail_point_id: RETAIL_POINT.into(),
        client_id: None,
    });
    let mut c = config(&sb);
    c.login = Some(association.user_name().to_owned());
    c.password = Some(Secret::new(association.password()));
    let associated = Client::new(c).unwrap();
    let more = recording(&associated);
    let id = unique_id("audit-secret");
    associated.send_document_json(&receipt(&id)).unwrap();
    associated.document_status(&id).unwrap();
    associated.service_status().unwrap();
    let key = CallbackKey::new(&Secret::new("callback-secret-0123456789")).unwrap();
    let url = key.url("http://127.0.0.1:1/cb", &id).unwrap();
    associated.confirm_callback(&key, &url).unwrap();
    let _ = associated.requeue(&id);
    associated.delete_association().unwrap();
    let _ = associated.service_status(); // 401 now

    let mut all: Vec<AttemptEvent> = events.lock().unwrap().clone();
    all.extend(more.lock().unwrap().iter().cloned());
    let kinds: Vec<String> = summary(&all).into_iter().map(|s| s.1).collect();
    assert_eq!(
        kinds,
        [
            "POST associate",
            "POST associate",
            "POST send_document",
            "GET document_status",
            "GET service_status",
            "GET document_status",
            "PUT requeue",
            "DELETE delete_association",
            "GET service_status",
        ]
    );
    assert_eq!(all[1].error_code, Some("authentication"));
    assert_eq!(
        all[5].operation,
        modulpos::client::audit::Kind::ConfirmCallback
    );
    let mut text: Vec<String> = all.iter().map(AttemptEvent::to_json_line).collect();
    text.extend(LOG_LINES.lock().unwrap().iter().cloned());
    let text = text.join("\n");
    let login_pairs = [
        basic_auth(ACCOUNT_LOGIN, ACCOUNT_PASSWORD),
        basic_auth(association.user_name(), association.password()),
    ];
    for secret in [
        ACCOUNT_PASSWORD,
        "wrong-password-xyz",
        association.password(),
        "callback-secret-0123456789",
        login_pairs[0].trim_start_matches("Basic "),
        login_pairs[1].trim_start_matches("Basic "),
    ] {
        assert!(!text.contains(secret), "a secret reached the audit trail");
    }
    assert!(!text.contains("Basic "));
    assert!(!text.to_ascii_lowercase().contains("authorization"));
}
