//! The emulated register's state (`POST /sandbox/fn-status`): when it is not READY, the service
//! status says so with a stale `dateTime`, and new documents wait in QUEUED until it is back.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

fn set_fn_status(sandbox: &modulpos_sandbox::Sandbox, status: &str) {
    let response = control(
        sandbox,
        "POST",
        "/sandbox/fn-status",
        Some(json!({ "status": status })),
    );
    assert_eq!(response.json(), json!({ "status": status }));
}

#[test]
fn service_status_reports_the_state_with_the_last_report_time() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    for status in ["ASSOCIATED", "DISABLED", "FAILED"] {
        set_fn_status(&sandbox, status);
        assert_eq!(client.get("/api/fn/v1/status").json()["status"], status);
    }
    let frozen = client.get("/api/fn/v1/status").json()["dateTime"].clone();
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        client.get("/api/fn/v1/status").json()["dateTime"],
        frozen,
        "stale while not READY"
    );
    set_fn_status(&sandbox, "READY");
    let ready = client.get("/api/fn/v1/status").json();
    assert_eq!(ready["status"], "READY");
    assert_ne!(ready["dateTime"], frozen, "reports again once READY");
    for bad in [
        json!({"status": "ready"}),
        json!({"status": "GONE"}),
        json!({}),
    ] {
        assert_eq!(
            control(&sandbox, "POST", "/sandbox/fn-status", Some(bad)).status,
            400
        );
    }
}

#[test]
fn documents_wait_in_queued_until_the_register_is_ready() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    client.submit(&valid_doc("before"));
    set_fn_status(&sandbox, "ASSOCIATED");
    let queued = client.submit(&valid_doc("while-away")).json();
    assert_eq!(
        (queued["status"].clone(), queued["fnState"].clone()),
        (json!("QUEUED"), json!("ASSOCIATED"))
    );
    std::thread::sleep(Duration::from_millis(QUEUE_MS + PRINT_MS + 200));
    let still = client.status_of("while-away").json();
    assert_eq!(still["status"], "QUEUED");
    assert_eq!(still["timeStatusChanged"], queued["timeStatusChanged"]);
    // A document submitted before the register went away carries on.
    let before = client.status_of("before").json();
    assert_eq!(
        (before["status"].clone(), before["fnState"].clone()),
        (json!("PRINTED"), json!("ASSOCIATED"))
    );

    set_fn_status(&sandbox, "READY");
    let pending = wait_for_status(&mut client, "while-away", "PENDING", Duration::from_secs(3));
    assert_eq!(pending["fnState"], "READY");
    let printed = wait_for_status(&mut client, "while-away", "PRINTED", Duration::from_secs(3));
    assert!(printed["fiscalInfo"]["qr"].is_string());
}

#[test]
fn requeued_documents_wait_too_and_reset_makes_the_register_ready() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    control(
        &sandbox,
        "POST",
        "/sandbox/fail-next",
        Some(json!({"count": 1})),
    );
    client.submit(&valid_doc("rq"));
    wait_for_status(&mut client, "rq", "FAILED", Duration::from_secs(3));
    set_fn_status(&sandbox, "DISABLED");
    assert_eq!(
        client
            .send("PUT", "/api/fn/v1/doc/rq/re-queue", None)
            .json()["status"],
        "REQUEUED"
    );
    std::thread::sleep(Duration::from_millis(QUEUE_MS + PRINT_MS + 200));
    assert_eq!(client.status_of("rq").json()["status"], "REQUEUED");
    set_fn_status(&sandbox, "READY");
    wait_for_status(&mut client, "rq", "PRINTED", Duration::from_secs(3));

    set_fn_status(&sandbox, "FAILED");
    control(&sandbox, "POST", "/sandbox/reset", None);
    let mut client = Client::associated(&sandbox);
    assert_eq!(client.get("/api/fn/v1/status").json()["status"], "READY");
}
