//! The document endpoints: submit, the lifecycle QUEUED → PENDING → PRINTED, repeated ids,
//! per-point documents, status of an unknown id, planned failures (fail-next) and re-queue.

mod common;

use std::time::Duration;

use common::*;
use modulpos_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

#[test]
fn document_walks_queued_pending_printed() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let response = client.submit(&valid_doc("life-1"));
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["status"], "QUEUED");
    assert_eq!(body["message"], "Document queued for printing");
    assert_eq!(body["fiscalInfo"], Value::Null);
    assert_eq!(body["failureInfo"], Value::Null);
    assert_eq!(body["fnState"], "READY");
    assert!(modulpos_sandbox::clock::is_valid_date_time_with_offset(
        body["timeStatusChanged"].as_str().unwrap()
    ));

    let pending = wait_for_status(&mut client, "life-1", "PENDING", Duration::from_secs(2));
    assert_eq!(pending["fiscalInfo"], Value::Null);
    let printed = wait_for_status(&mut client, "life-1", "PRINTED", Duration::from_secs(2));
    let fiscal = &printed["fiscalInfo"];
    assert_eq!(fiscal["sum"], "46.80");
    assert_eq!(fiscal["checkType"], "SALE");
    assert_eq!(fiscal["fnNumber"].as_str().unwrap().len(), 16);
    assert!(fiscal["shiftNumber"].as_u64().unwrap() >= 1);
    assert!(fiscal["checkNumber"].as_u64().unwrap() >= 1);
    let doc_number = fiscal["fnDocNumber"].as_u64().unwrap();
    let sign = fiscal["fnDocMark"].as_u64().unwrap();
    let qr = fiscal["qr"].as_str().unwrap();
    let date = fiscal["date"].as_str().unwrap();
    // t=YYYYMMDDTHHMM from the fiscal date (minute precision).
    let t = format!(
        "{}{}{}T{}{}",
        &date[0..4],
        &date[5..7],
        &date[8..10],
        &date[11..13],
        &date[14..16]
    );
    assert_eq!(
        qr,
        format!(
            "t={t}&s=46.80&fn={}&i={doc_number}&fp={sign}&n=1",
            fiscal["fnNumber"].as_str().unwrap()
        )
    );
    assert!(date.ends_with(":00+00:00"));
    // Without a responseURL PRINTED is final.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(client.status_of("life-1").json()["status"], "PRINTED");
}

#[test]
fn v1_doc_is_accepted_like_v2_and_check_types_map() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let cases = [
        ("SALE", "SALE", 1),
        ("RETURN", "RETURN", 2),
        ("BUY", "PURCHASE", 3),
        ("BUY_RETURN", "RETURN_PURCHASE", 4),
    ];
    for (i, (doc_type, check_type, n)) in cases.iter().enumerate() {
        let mut doc = valid_doc(&format!("type-{i}"));
        doc["docType"] = json!(doc_type);
        let path = if i % 2 == 0 {
            "/api/fn/v1/doc"
        } else {
            "/fn/v2/doc"
        };
        assert_eq!(client.post(path, &doc).status, 200);
        let printed = wait_for_status(
            &mut client,
            &format!("type-{i}"),
            "PRINTED",
            Duration::from_secs(2),
        );
        assert_eq!(printed["fiscalInfo"]["checkType"], *check_type);
        assert!(printed["fiscalInfo"]["qr"]
            .as_str()
            .unwrap()
            .ends_with(&format!("&n={n}")));
    }
    let mut correction = valid_doc("corr-1");
    correction["docType"] = json!("BUY_RETURN_CORRECTION");
    correction["correctionInfo"] =
        json!({"reason": "BY_ORDER", "documentDate": "2024-01-31", "documentNum": "7"});
    assert_eq!(client.submit(&correction).status, 200);
    let printed = wait_for_status(&mut client, "corr-1", "PRINTED", Duration::from_secs(2));
    assert_eq!(
        printed["fiscalInfo"]["checkType"],
        "RETURN_PURCHASE_CORRECTION"
    );
}

#[test]
fn fiscal_numbers_increase() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    for id in ["num-1", "num-2"] {
        client.submit(&valid_doc(id));
    }
    let a = wait_for_status(&mut client, "num-1", "PRINTED", Duration::from_secs(2));
    let b = wait_for_status(&mut client, "num-2", "PRINTED", Duration::from_secs(2));
    assert_eq!(
        b["fiscalInfo"]["fnDocNumber"].as_u64(),
        a["fiscalInfo"]["fnDocNumber"].as_u64().map(|n| n + 1)
    );
    assert_eq!(
        b["fiscalInfo"]["checkNumber"].as_u64(),
        a["fiscalInfo"]["checkNumber"].as_u64().map(|n| n + 1)
    );
}

#[test]
fn repeated_id_creates_nothing_and_returns_the_current_status() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    assert_eq!(
        client.submit(&valid_doc("idem-1")).json()["status"],
        "QUEUED"
    );
    let printed = wait_for_status(&mut client, "idem-1", "PRINTED", Duration::from_secs(2));
    // Even with another (invalid) body, the same id answers with the stored document.
    let mut changed = valid_doc("idem-1");
    changed["moneyPositions"][0]["sum"] = json!(1);
    let again = client.submit(&changed);
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), printed);
    let counters = counters(&sandbox);
    assert_eq!(
        counters["documents"]["idem-1"],
        json!({"submissions": 2, "created": true, "callback_attempts": 0})
    );
}

#[test]
fn rejected_submissions_are_counted_unless_the_id_is_over_its_limit() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let longest = "x".repeat(128);
    let too_long = "y".repeat(129);
    for id in [&longest, &too_long] {
        let mut doc = valid_doc(id);
        doc["docNum"] = json!(""); // rejected by the checks either way
        assert_eq!(client.submit(&doc).status, 400);
    }
    let documents = &counters(&sandbox)["documents"];
    assert_eq!(
        documents[&longest],
        json!({"submissions": 1, "created": false, "callback_attempts": 0})
    );
    assert_eq!(documents.get(&too_long), None, "{documents}");
}

#[test]
fn documents_are_per_retail_point() {
    let config = SandboxConfig {
        retail_points: vec!["p-1".into(), "p-2".into()],
        ..fast_config()
    };
    let sandbox = Sandbox::start(config).unwrap();
    let login = |point: &str| {
        let a = associate(&sandbox, point, None);
        Client::with_auth(
            &sandbox,
            a["userName"].as_str().unwrap(),
            a["password"].as_str().unwrap(),
        )
    };
    let (mut one, mut two) = (login("p-1"), login("p-2"));
    assert_eq!(one.submit(&valid_doc("shared")).status, 200);
    assert_eq!(two.status_of("shared").status, 404);
    assert_eq!(one.status_of("shared").status, 200);
}

#[test]
fn unknown_document_is_404_with_spring_body() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let response = client.status_of("nope");
    assert_eq!(response.status, 404);
    let body = response.json();
    assert_eq!(body["status"], 404);
    assert_eq!(body["error"], "Not Found");
    assert_eq!(body["path"], "/api/fn/v1/doc/nope/status");
    assert!(body["message"].as_str().unwrap().contains("nope"));
    assert!(body["timestamp"].is_string());
    assert_eq!(
        client.send("PUT", "/fn/v1/doc/nope/re-queue", None).status,
        404
    );
    // Ids are percent-decoded.
    assert_eq!(client.submit(&valid_doc("a+b?c")).status, 200);
    assert_eq!(client.status_of("a%2Bb%3Fc").status, 200);
    // Unauthenticated lookups never reveal anything.
    assert_eq!(
        Client::new(&sandbox)
            .get("/api/fn/v1/doc/nope/status")
            .status,
        401
    );
}

#[test]
fn fail_next_then_requeue() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let response = control(
        &sandbox,
        "POST",
        "/sandbox/fail-next",
        Some(json!({"count": 1, "type": "FN_EXPIRED", "message": "The fiscal drive expired"})),
    );
    assert_eq!(response.json(), json!({"fail_next_pending": 1}));
    client.submit(&valid_doc("fail-1"));
    client.submit(&valid_doc("ok-after"));
    // Before it fails, a document cannot be re-queued.
    let early = client.send("PUT", "/api/fn/v1/doc/fail-1/re-queue", None);
    assert_eq!(early.status, 400);
    let early = early.json();
    assert_eq!(early["error"], "Bad Request");
    assert!(
        early["message"].as_str().unwrap().contains("QUEUED"),
        "{early}"
    );

    let failed = wait_for_status(&mut client, "fail-1", "FAILED", Duration::from_secs(2));
    assert_eq!(
        failed["failureInfo"],
        json!({"type": "FN_EXPIRED", "message": "The fiscal drive expired"})
    );
    assert_eq!(failed["fiscalInfo"], Value::Null);
    assert_eq!(
        wait_for_status(&mut client, "ok-after", "PRINTED", Duration::from_secs(2))["status"],
        "PRINTED"
    );

    let requeued = client.send("PUT", "/api/fn/v1/doc/fail-1/re-queue", None);
    assert_eq!(requeued.status, 200);
    let requeued = requeued.json();
    assert_eq!(requeued["status"], "REQUEUED");
    assert_eq!(requeued["failureInfo"], Value::Null);
    wait_for_status(&mut client, "fail-1", "PENDING", Duration::from_secs(2));
    let printed = wait_for_status(&mut client, "fail-1", "PRINTED", Duration::from_secs(2));
    assert!(printed["fiscalInfo"]["qr"].is_string());
    // PRINTED cannot be re-queued.
    let again = client.send("PUT", "/fn/v1/doc/fail-1/re-queue", None);
    assert_eq!(again.status, 400);
    assert!(again.json()["message"]
        .as_str()
        .unwrap()
        .contains("PRINTED"));
    assert_eq!(
        Client::new(&sandbox)
            .send("PUT", "/fn/v1/doc/fail-1/re-queue", None)
            .status,
        401
    );
}

#[test]
fn fail_next_defaults_and_counts() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    assert_eq!(
        control(
            &sandbox,
            "POST",
            "/sandbox/fail-next",
            Some(json!({"count": 2}))
        )
        .status,
        200
    );
    for id in ["f-1", "f-2", "f-3"] {
        client.submit(&valid_doc(id));
    }
    let failed = wait_for_status(&mut client, "f-2", "FAILED", Duration::from_secs(2));
    assert_eq!(failed["failureInfo"]["type"], "FN_GENERIC_FAILURE");
    assert!(failed["failureInfo"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(
        wait_for_status(&mut client, "f-1", "FAILED", Duration::from_secs(2))["status"],
        "FAILED"
    );
    assert_eq!(
        wait_for_status(&mut client, "f-3", "PRINTED", Duration::from_secs(2))["status"],
        "PRINTED"
    );
    // An empty body means one generic failure.
    assert_eq!(
        control(&sandbox, "POST", "/sandbox/fail-next", None).json(),
        json!({"fail_next_pending": 1})
    );
    for bad in [
        json!({"type": "BOOM"}),
        json!({"count": -1}),
        json!({"message": 5}),
    ] {
        assert_eq!(
            control(&sandbox, "POST", "/sandbox/fail-next", Some(bad)).status,
            400
        );
    }
}

#[test]
fn submit_requires_auth_json_and_a_body() {
    let sandbox = start();
    let mut anonymous = Client::new(&sandbox);
    assert_eq!(anonymous.submit(&valid_doc("x")).status, 401);
    let mut client = Client::associated(&sandbox);
    let empty = client.send_bytes("POST", "/api/fn/v2/doc", b"");
    assert_eq!(empty.status, 400);
    assert_eq!(empty.json()["message"], "Required request body is missing");
    let bad = client.send_bytes("POST", "/api/fn/v2/doc", b"{\"id\": \"x\",");
    assert_eq!(bad.status, 400);
    let bad = bad.json();
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .starts_with("JSON parse error:"),
        "{bad}"
    );
    assert_eq!(bad["path"], "/api/fn/v2/doc");
    let not_utf8 = client.send_bytes("POST", "/fn/v1/doc", b"{\"id\":\"\xff\"}");
    assert_eq!(not_utf8.status, 400);
    assert_eq!(not_utf8.json()["path"], "/fn/v1/doc");
    let auth = client.auth.clone().unwrap();
    let wrong_type = client
        .connection
        .request(
            "POST",
            "/api/fn/v2/doc",
            &[("Authorization", &auth), ("Content-Type", "text/plain")],
            b"{}",
        )
        .unwrap();
    assert_eq!(wrong_type.status, 415);
    assert_eq!(counters(&sandbox)["documents"], json!({}));
}
