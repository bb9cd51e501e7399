//! Fault injection: every kind, both phases, FIFO order, path matching, and the counters that
//! let a client's test prove it recovered from a lost answer without a duplicate.

mod common;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use common::*;
use modulpos_sandbox::http_client::Connection;
use serde_json::json;

#[test]
fn http_status_faults_with_each_body() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    add_faults(
        &sandbox,
        json!([
            {"kind": "http_status", "status": 503, "body": "json"},
            {"kind": "http_status", "status": 502, "body": "html"},
            {"kind": "http_status", "status": 500, "body": "empty"}
        ]),
    );
    let json_error = client.get("/api/fn/v1/status");
    assert_eq!(json_error.status, 503);
    let body = json_error.json();
    assert_eq!(
        (body["status"].clone(), body["error"].clone()),
        (json!(503), json!("Service Unavailable"))
    );
    assert_eq!(body["path"], "/api/fn/v1/status");
    let html = client.get("/api/fn/v1/status");
    assert_eq!(html.status, 502);
    assert_eq!(html.header("Content-Type"), Some("text/html"));
    assert!(html.text().contains("<h1>502 Bad Gateway</h1>"));
    let empty = client.get("/api/fn/v1/status");
    assert_eq!(empty.status, 500);
    assert!(empty.body.is_empty());
    // Faults are used up; the keep-alive connection still works.
    assert_eq!(client.get("/api/fn/v1/status").status, 200);
}

#[test]
fn http_status_faults_carry_retry_after_when_asked() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    add_faults(
        &sandbox,
        json!([
            {"kind": "http_status", "status": 429, "retry_after": 2},
            {"kind": "http_status", "status": 408, "body": "empty", "retry_after": 0},
            {"kind": "http_status", "status": 429}
        ]),
    );
    let throttled = client.get("/api/fn/v1/status");
    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.header("Retry-After"), Some("2"));
    let timed_out = client.get("/api/fn/v1/status");
    assert_eq!(timed_out.status, 408);
    assert_eq!(timed_out.header("Retry-After"), Some("0"));
    let plain = client.get("/api/fn/v1/status");
    assert_eq!(plain.status, 429);
    assert_eq!(plain.header("Retry-After"), None);
}

#[test]
fn before_phase_processes_nothing_after_phase_processes_the_request() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    add_faults(
        &sandbox,
        json!([{"kind": "http_status", "status": 503, "path_contains": "/doc"}]),
    );
    assert_eq!(client.submit(&valid_doc("lost-0")).status, 503);
    assert_eq!(counters(&sandbox)["documents"], json!({}));
    assert_eq!(client.status_of("lost-0").status, 404);

    add_faults(
        &sandbox,
        json!([{"kind": "http_status", "status": 502, "phase": "after", "path_contains": "/doc"}]),
    );
    assert_eq!(client.submit(&valid_doc("lost-1")).status, 502);
    // The answer was lost but the document exists; re-sending creates nothing new.
    assert_eq!(client.status_of("lost-1").status, 200);
    assert_eq!(client.submit(&valid_doc("lost-1")).status, 200);
    assert_eq!(
        counters(&sandbox)["documents"]["lost-1"],
        json!({"submissions": 2, "created": true, "callback_attempts": 0})
    );
}

/// How an answer replaced by a fault reaches the client.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Seen {
    /// The connection is closed without an answer.
    NoAnswer,
    /// The head arrives with the full Content-Length, then the connection closes mid-body.
    CutBody,
    /// 200 with a body that is not JSON.
    NotJson,
}

#[test]
fn drop_truncate_and_malformed_before_and_after_processing() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    // (kind, phase, document id, what the client sees). Each fault takes the next submission;
    // `before` leaves the document uncreated, `after` creates it and only the answer is lost.
    let cases = [
        ("drop", "before", "drop-1", Seen::NoAnswer),
        ("drop", "after", "drop-1", Seen::NoAnswer),
        ("truncate", "after", "trunc-1", Seen::CutBody),
        ("truncate", "before", "trunc-2", Seen::CutBody),
        ("malformed", "before", "bad-1", Seen::NotJson),
        ("malformed", "after", "bad-1", Seen::NotJson),
    ];
    // All pending at once, filtered on /v2/doc: the status lookups in between
    // (/v1/doc/{id}/status) must pass them by.
    let faults = cases
        .iter()
        .map(|(kind, phase, ..)| json!({"kind": kind, "phase": phase, "path_contains": "/v2/doc"}))
        .collect();
    add_faults(&sandbox, faults);
    for (kind, phase, id, seen) in cases {
        let case = format!("{kind}, {phase}");
        let body = valid_doc(id).to_string();
        let answer = client.try_send_bytes("POST", "/api/fn/v2/doc", body.as_bytes());
        match seen {
            Seen::NoAnswer => {
                let err = answer.unwrap_err();
                assert!(
                    matches!(
                        err.kind(),
                        ErrorKind::ConnectionAborted
                            | ErrorKind::ConnectionReset
                            | ErrorKind::UnexpectedEof
                    ),
                    "{case}: {err}"
                );
            }
            Seen::CutBody => {
                let err = answer.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{case}: {err}");
            }
            Seen::NotJson => {
                let response = answer.unwrap();
                assert_eq!(response.status, 200, "{case}");
                assert!(
                    serde_json::from_slice::<serde_json::Value>(&response.body).is_err(),
                    "{case}"
                );
            }
        }
        if seen != Seen::NotJson {
            client.reconnect();
        }
        let (want, processed) = match phase {
            "before" => (404, "before: not processed"),
            _ => (200, "after: processed"),
        };
        assert_eq!(client.status_of(id).status, want, "{case}: {processed}");
    }
    assert_eq!(counters(&sandbox)["faults_pending"], 0);
}

#[test]
fn truncated_answer_declares_the_full_length() {
    let sandbox = start();
    let client = Client::associated(&sandbox);
    add_faults(&sandbox, json!([{"kind": "truncate", "phase": "after"}]));
    let auth = client.auth.clone().unwrap();
    let mut raw = std::net::TcpStream::connect(sandbox.addr()).unwrap();
    use std::io::{Read, Write};
    write!(
        raw,
        "GET /api/fn/v1/status HTTP/1.1\r\nAuthorization: {auth}\r\n\r\n"
    )
    .unwrap();
    let mut received = Vec::new();
    raw.read_to_end(&mut received).unwrap();
    let text = String::from_utf8(received).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"));
    assert_eq!(body.len(), length / 2);
    assert!(body.starts_with('{'));
}

#[test]
fn delay_before_and_after() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    add_faults(
        &sandbox,
        json!([{"kind": "delay", "ms": 1000}, {"kind": "delay", "ms": 1000, "phase": "after"}]),
    );
    for _ in 0..2 {
        let started = Instant::now();
        assert_eq!(client.get("/api/fn/v1/status").status, 200);
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(1000), "{took:?}");
        assert!(took < Duration::from_millis(5000), "{took:?}");
    }
    let started = Instant::now();
    client.get("/api/fn/v1/status");
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "no delay left"
    );
}

#[test]
fn delay_lets_a_client_time_out_while_the_document_is_created() {
    let sandbox = start();
    let client = Client::associated(&sandbox);
    add_faults(
        &sandbox,
        json!([{"kind": "delay", "ms": 1000, "phase": "after"}]),
    );
    let mut impatient = Connection::connect_timeout(
        sandbox.addr(),
        Duration::from_secs(1),
        Duration::from_millis(200),
    )
    .unwrap();
    let auth = client.auth.clone().unwrap();
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let err = impatient
        .request(
            "POST",
            "/api/fn/v2/doc",
            &headers,
            valid_doc("slow-1").to_string().as_bytes(),
        )
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    let mut other = Client::associated(&sandbox); // a new association of the same point
    assert_eq!(other.status_of("slow-1").status, 200);
}

#[test]
fn faults_are_fifo_and_path_filtered_and_control_requests_never_consume_them() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    add_faults(
        &sandbox,
        json!([
            {"kind": "http_status", "status": 500, "path_contains": "/doc"},
            {"kind": "http_status", "status": 502},
            {"kind": "http_status", "status": 503}
        ]),
    );
    assert_eq!(counters(&sandbox)["faults_pending"], 3);
    assert_eq!(
        control(&sandbox, "GET", "/sandbox/health", None).status,
        200
    );
    // /v1/status does not match the first fault: it takes the second.
    assert_eq!(client.get("/api/fn/v1/status").status, 502);
    assert_eq!(client.submit(&valid_doc("fifo-1")).status, 500);
    assert_eq!(client.get("/api/fn/v1/status").status, 503);
    assert_eq!(client.get("/api/fn/v1/status").status, 200);
    let counters = counters(&sandbox);
    assert_eq!(counters["faults_pending"], 0);
    assert_eq!(counters["requests"], 5); // with the associate call
}

#[test]
fn delete_clears_pending_faults() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    add_faults(&sandbox, json!([{"kind": "drop"}, {"kind": "drop"}]));
    assert_eq!(
        control(&sandbox, "DELETE", "/sandbox/faults", None).json(),
        json!({"faults_pending": 0})
    );
    assert_eq!(client.get("/api/fn/v1/status").status, 200);
}

#[test]
fn requests_are_counted_including_faulted_ones() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox); // 1 request
    add_faults(&sandbox, json!([{"kind": "http_status", "status": 503}]));
    client.get("/api/fn/v1/status");
    client.get("/api/fn/v1/status");
    client.submit(&valid_doc("count-1"));
    assert_eq!(counters(&sandbox)["requests"], 4);
}
