//! The control interface under `/sandbox`: reset, health and its errors.

mod common;

use common::*;
use serde_json::json;

#[test]
fn reset_clears_everything() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    client.submit(&valid_doc("r-1"));
    add_faults(
        &sandbox,
        json!([{"kind": "drop", "path_contains": "/never"}]),
    );
    control(
        &sandbox,
        "POST",
        "/sandbox/fail-next",
        Some(json!({"count": 3})),
    );
    let response = control(&sandbox, "POST", "/sandbox/reset", None);
    assert_eq!(response.json(), json!({"ok": true}));
    assert_eq!(
        counters(&sandbox),
        // "connections": 1 is the connection of this very request.
        json!({"requests": 0, "connections": 1, "faults_pending": 0, "fail_next_pending": 0, "documents": {}})
    );
    // Associations are gone too.
    assert_eq!(client.get("/api/fn/v1/status").status, 401);
    let mut client = Client::associated(&sandbox);
    assert_eq!(client.status_of("r-1").status, 404);
}

#[test]
fn control_interface_health_and_errors() {
    let sandbox = start();
    let health = control(&sandbox, "GET", "/sandbox/health", None);
    assert_eq!((health.status, health.json()), (200, json!({"ok": true})));
    assert_eq!(control(&sandbox, "GET", "/sandbox/nope", None).status, 404);
    let wrong = control(&sandbox, "GET", "/sandbox/reset", None);
    assert_eq!((wrong.status, wrong.header("Allow")), (405, Some("POST")));
    assert_eq!(
        control(
            &sandbox,
            "POST",
            "/sandbox/faults",
            Some(json!({"faults": [{"kind": "boom"}]}))
        )
        .status,
        400
    );
    assert_eq!(
        control(&sandbox, "POST", "/sandbox/faults", Some(json!({}))).status,
        400
    );
    let mut client = Client::new(&sandbox);
    assert_eq!(
        client
            .send_bytes("POST", "/sandbox/faults", b"{nope")
            .status,
        400
    );
    // Control requests are not API requests.
    assert_eq!(counters(&sandbox)["requests"], 0);
}
