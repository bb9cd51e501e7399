//! Each fault kind of the sandbox against the client: the right error for one-shot calls, and for
//! sending a document recovery without a lost or a doubled receipt — in particular the "answer
//! lost after the document was created" case (phase "after": drop, 503, truncation, garbage,
//! delay beyond the timeout), which must end `found_existing` with the document created once.

mod common;

use common::*;
use modulpos::client::Outcome;
use modulpos::Client;
use serde_json::json;

fn doc_fault(kind: serde_json::Value) -> serde_json::Value {
    let mut f = kind;
    f["path_contains"] = json!("/v2/doc");
    f
}

/// Send one receipt after queuing `fault` for the POST; returns (outcome, attempts, the status
/// the client reported, how many times the sandbox stored a submission of the id).
fn send_with_fault(fault: serde_json::Value, timeout_ms: u64) -> (Outcome, u32, String, u64) {
    let sb = sandbox();
    let (client, password) = associated_client(&sb, |c| {
        c.timeout_ms = timeout_ms;
        c.max_attempts = 3;
    });
    faults(&sb, json!([doc_fault(fault.clone())]));
    let id = unique_id("fault");
    let sent = client
        .send_document_json(&receipt(&id))
        .unwrap_or_else(|e| {
            assert_no_secret(&e, &[&password]);
            panic!("{fault}: {e}")
        });
    let (submissions, created) = document_counters(&sb, &id);
    assert!(created, "{fault}: document not created");
    assert_eq!(sent.document_id, id);
    (
        sent.delivery.outcome,
        sent.delivery.attempts,
        sent.document_status.status().to_owned(),
        submissions,
    )
}

#[test]
fn answer_lost_after_creation_is_found_not_resent() {
    for fault in [
        json!({"kind": "drop", "phase": "after"}),
        json!({"kind": "http_status", "status": 503, "body": "html", "phase": "after"}),
        json!({"kind": "http_status", "status": 502, "body": "json", "phase": "after"}),
        json!({"kind": "http_status", "status": 500, "body": "empty", "phase": "after"}),
        json!({"kind": "truncate", "phase": "after"}),
        json!({"kind": "malformed", "phase": "after"}),
    ] {
        let (outcome, attempts, status, submissions) = send_with_fault(fault.clone(), 5_000);
        assert_eq!(outcome, Outcome::FoundExisting, "{fault}");
        assert_eq!(attempts, 1, "{fault}");
        assert_eq!(submissions, 1, "{fault}: the document was posted again");
        assert!(!status.is_empty());
    }
}

#[test]
fn answer_delayed_beyond_the_timeout_is_found_not_resent() {
    let (outcome, attempts, _, submissions) =
        send_with_fault(json!({"kind": "delay", "ms": 2500, "phase": "after"}), 1000);
    assert_eq!(outcome, Outcome::FoundExisting);
    assert_eq!(attempts, 1);
    assert_eq!(submissions, 1);
}

#[test]
fn request_lost_before_creation_is_resent_once() {
    for fault in [
        json!({"kind": "drop", "phase": "before"}),
        json!({"kind": "http_status", "status": 503, "body": "json", "phase": "before"}),
        json!({"kind": "truncate", "phase": "before"}),
        json!({"kind": "malformed", "phase": "before"}),
    ] {
        let (outcome, attempts, _, submissions) = send_with_fault(fault.clone(), 5_000);
        assert_eq!(outcome, Outcome::Resent, "{fault}");
        assert_eq!(attempts, 2, "{fault}");
        assert_eq!(submissions, 1, "{fault}: only the resend reached the store");
    }
}

#[test]
fn a_short_delay_within_the_timeout_is_just_slow() {
    let (outcome, attempts, _, submissions) = send_with_fault(
        json!({"kind": "delay", "ms": 200, "phase": "before"}),
        5_000,
    );
    assert_eq!((outcome, attempts, submissions), (Outcome::Accepted, 1, 1));
}

#[test]
fn a_failing_status_check_is_retried_within_the_bound() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |c| c.max_attempts = 3);
    // The POST's answer is lost after creation, the first status check fails too.
    faults(
        &sb,
        json!([
            doc_fault(json!({"kind": "drop", "phase": "after"})),
            {"kind": "http_status", "status": 503, "body": "html", "path_contains": "/status"},
        ]),
    );
    let id = unique_id("statusfail");
    let sent = client.send_document_json(&receipt(&id)).unwrap();
    assert_eq!(sent.delivery.outcome, Outcome::FoundExisting);
    assert_eq!(sent.delivery.attempts, 1);
    assert_eq!(document_counters(&sb, &id), (1, true));
}

#[test]
fn retries_are_bounded_and_end_with_a_retryable_error() {
    let sb = sandbox();
    let (client, password) = associated_client(&sb, |c| c.max_attempts = 2);
    let before = requests(&sb);
    faults(
        &sb,
        json!([
            {"kind": "http_status", "status": 503, "body": "json", "path_contains": "/v2/doc"},
            {"kind": "http_status", "status": 503, "body": "json", "path_contains": "/v2/doc"},
            {"kind": "http_status", "status": 503, "body": "json", "path_contains": "/v2/doc"},
        ]),
    );
    let id = unique_id("bounded");
    let e = client.send_document_json(&receipt(&id)).unwrap_err();
    assert_eq!(e.code(), "server_error");
    assert_eq!(e.http_status(), Some(503));
    assert!(e.retryable());
    assert_no_secret(&e, &[&password]);
    // 2 POSTs, the status check between them and the final one after the last lost answer
    // (both 404: not created), nothing more.
    assert_eq!(requests(&sb) - before, 4);
    assert_eq!(document_counters(&sb, &id), (0, false));
    assert_eq!(counters(&sb)["faults_pending"], 1);
}

#[test]
fn definite_errors_are_not_retried() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |c| c.max_attempts = 5);
    for (status, code) in [
        (401, "authentication"),
        (403, "forbidden"),
        (400, "rejected"),
    ] {
        let before = requests(&sb);
        faults(
            &sb,
            json!([{"kind": "http_status", "status": status, "body": "json", "path_contains": "/v2/doc"}]),
        );
        let id = unique_id("definite");
        let e = client.send_document_json(&receipt(&id)).unwrap_err();
        assert_eq!(e.code(), code);
        assert_eq!(e.http_status(), Some(status));
        assert!(!e.retryable());
        assert_eq!(requests(&sb) - before, 1, "HTTP {status} was retried");
    }
}

#[test]
fn one_shot_calls_map_each_fault_to_its_error() {
    let sb = sandbox();
    let (client, password) = associated_client(&sb, |c| c.timeout_ms = 1000);
    let cases = [
        (
            json!({"kind": "http_status", "status": 503, "body": "html"}),
            "server_error",
        ),
        (
            json!({"kind": "http_status", "status": 500, "body": "json"}),
            "server_error",
        ),
        (
            json!({"kind": "http_status", "status": 403, "body": "empty"}),
            "forbidden",
        ),
        (
            json!({"kind": "http_status", "status": 429, "body": "json"}),
            "rejected",
        ),
        (json!({"kind": "drop"}), "transport"),
        (json!({"kind": "truncate"}), "transport"),
        (json!({"kind": "malformed"}), "malformed_response"),
        (json!({"kind": "delay", "ms": 2500}), "timeout"),
    ];
    for (fault, code) in cases {
        // A GET whose connection closes before any answer is asked once more (issue 10: a stale
        // kept-alive connection), so a dropped connection must strike twice to be seen.
        let times = if fault["kind"] == "drop" { 2 } else { 1 };
        faults(&sb, json!(vec![fault.clone(); times]));
        let e = client.service_status().unwrap_err();
        assert_eq!(e.code(), code, "{fault}: {e}");
        assert_no_secret(&e, &[&password]);
        // The next call is served normally: a broken connection is not reused.
        client.service_status().unwrap();
    }
    // A Spring JSON body's message is kept.
    faults(
        &sb,
        json!([{"kind": "http_status", "status": 500, "body": "json"}]),
    );
    let e = client.service_status().unwrap_err();
    assert!(e.service_message().is_some(), "{e:?}");
}

#[test]
fn nothing_listening_is_a_transport_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = modulpos::Config {
        base_url: Some(format!("http://127.0.0.1:{port}/api/fn")),
        login: Some("u".into()),
        password: Some(modulpos::client::Secret::new("p4ss-never-shown")),
        max_attempts: 2,
        retry_backoff_ms: 1,
        ..modulpos::Config::default()
    };
    let client = Client::new(config).unwrap();
    let e = client.service_status().unwrap_err();
    assert_eq!(e.code(), "transport");
    assert!(e.retryable());
    assert_no_secret(&e, &["p4ss-never-shown"]);
    let e = client
        .send_document_json(&receipt(&unique_id("refused")))
        .unwrap_err();
    assert_eq!(e.code(), "transport");
}
