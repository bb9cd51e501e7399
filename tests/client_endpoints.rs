//! Every endpoint of the client against the in-process sandbox: associate (ok, 401, 404,
//! rotation, clientId), delete association, service status, send + status through the whole
//! lifecycle, re-queue of a failed document, server-side rejection, and validation that never
//! reaches the network.

mod common;

use common::*;
use modulpos::client::{AssociateRequest, Outcome, Secret};
use modulpos::Client;
use serde_json::json;

fn account(point: &str, password: &str, client_id: Option<&str>) -> AssociateRequest {
    AssociateRequest {
        login: ACCOUNT_LOGIN.into(),
        password: Secret::new(password),
        retail_point_id: point.into(),
        client_id: client_id.map(str::to_owned),
    }
}

#[test]
fn associate_returns_credentials_that_work() {
    let sb = sandbox();
    let client = Client::new(config(&sb)).unwrap();
    let a = client
        .associate(&account(RETAIL_POINT, ACCOUNT_PASSWORD, None))
        .unwrap();
    assert!(!a.user_name().is_empty());
    assert!(a.password().len() >= 10);
    assert_eq!(a.name(), Some("Sandbox shop"));
    assert!(a.address().is_some());
    assert!(!format!("{a:?}").contains(a.password()));

    let mut c = config(&sb);
    c.login = Some(a.user_name().into());
    c.password = Some(Secret::new(a.password()));
    let status = Client::new(c).unwrap().service_status().unwrap();
    assert_eq!(status.status(), "READY");
    assert!(status.date_time().unwrap().contains('T'));
}

#[test]
fn associate_with_wrong_account_password_is_authentication_without_the_secret() {
    let sb = sandbox();
    let client = Client::new(config(&sb)).unwrap();
    let e = client
        .associate(&account(RETAIL_POINT, "wrong-Pa55word-42", None))
        .unwrap_err();
    assert_eq!(e.code(), "authentication");
    assert_eq!(e.http_status(), Some(401));
    assert!(!e.retryable());
    assert_no_secret(&e, &["wrong-Pa55word-42"]);
}

#[test]
fn associate_unknown_point_is_not_found() {
    let sb = sandbox();
    let client = Client::new(config(&sb)).unwrap();
    let e = client
        .associate(&account(
            "99999999-2222-4333-8444-555555555555",
            ACCOUNT_PASSWORD,
            None,
        ))
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(e.http_status(), Some(404));
    // Path parts are encoded: a slash cannot walk to another endpoint.
    let e = client
        .associate(&account("../status", ACCOUNT_PASSWORD, None))
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[test]
fn associating_again_rotates_the_password() {
    let sb = sandbox();
    let (old_client, old_password) = associated_client(&sb, |_| {});
    old_client.service_status().unwrap();
    let (new_client, _) = associated_client(&sb, |_| {});
    new_client.service_status().unwrap();
    let e = old_client.service_status().unwrap_err();
    assert_eq!(e.code(), "authentication");
    assert_no_secret(&e, &[&old_password]);
}

#[test]
fn client_id_gives_a_separate_association() {
    let sb = sandbox();
    let plain = Client::new(config(&sb)).unwrap();
    let a = plain
        .associate(&account(
            RETAIL_POINT,
            ACCOUNT_PASSWORD,
            Some("shop/1 &x=y"),
        ))
        .unwrap();
    let b = plain
        .associate(&account(RETAIL_POINT, ACCOUNT_PASSWORD, Some("other-app")))
        .unwrap();
    for assoc in [&a, &b] {
        let mut c = config(&sb);
        c.login = Some(assoc.user_name().into());
        c.password = Some(Secret::new(assoc.password()));
        Client::new(c).unwrap().service_status().unwrap();
    }
}

#[test]
fn delete_association_revokes_the_credentials() {
    let sb = sandbox();
    let (client, password) = associated_client(&sb, |_| {});
    client.delete_association().unwrap();
    let e = client.service_status().unwrap_err();
    assert_eq!(e.code(), "authentication");
    assert_no_secret(&e, &[&password]);
    let e = client.delete_association().unwrap_err();
    assert_eq!(e.code(), "authentication");
}

#[test]
fn send_then_follow_the_document_to_printed() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let id = unique_id("life");
    let sent = client.send_document_json(&receipt(&id)).unwrap();
    assert_eq!(sent.document_id, id);
    assert_eq!(sent.delivery.attempts, 1);
    assert_eq!(sent.delivery.outcome, Outcome::Accepted);
    assert_eq!(sent.document_status.status(), "QUEUED");

    let printed = wait_for(&client, &id, |s| s == "PRINTED");
    assert_eq!(printed.status(), "PRINTED");
    assert!(printed.is_fiscalized());
    let fiscal = printed.fiscal_info().expect("fiscalInfo when printed");
    let qr = fiscal["qr"].as_str().unwrap();
    assert!(qr.contains("s=300.00"), "{qr}");
    assert!(qr.ends_with("n=1"), "{qr}");
    assert_eq!(document_counters(&sb, &id), (1, true));
}

#[test]
fn ids_that_need_encoding_in_the_status_url_round_trip() {
    // PHP shops send microtime() strings ("msec sec", with a space) and order numbers with
    // characters a URL path must encode.
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    for id in [
        format!("0.52454700 {}", unique_id("mt")),
        unique_id("заказ#17?x=1&y%"),
    ] {
        client.send_document_json(&receipt(&id)).unwrap();
        // Found under the same id (whatever its lifecycle step by now).
        let status = client.document_status(&id).unwrap();
        assert!(
            ["QUEUED", "PENDING", "PRINTED"].contains(&status.status()),
            "{id}: {}",
            status.status()
        );
        assert_eq!(document_counters(&sb, &id), (1, true), "{id}");
    }
}

#[test]
fn the_same_id_twice_creates_one_document() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let id = unique_id("twice");
    client.send_document_json(&receipt(&id)).unwrap();
    let again = client.send_document_json(&receipt(&id)).unwrap();
    assert_eq!(again.delivery.outcome, Outcome::Accepted);
    assert_eq!(document_counters(&sb, &id), (2, true));
}

#[test]
fn unknown_document_is_not_found() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let e = client.document_status("no-such-document").unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(e.http_status(), Some(404));
    let e = client.requeue("no-such-document").unwrap_err();
    assert!(["not_found", "rejected"].contains(&e.code()), "{e}");
}

#[test]
fn a_failed_document_is_requeued_and_then_printed() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    control_post(
        &sb,
        "/sandbox/fail-next",
        json!({"count": 1, "type": "FN_GENERIC_FAILURE", "message": "paper jam"}),
    );
    let id = unique_id("requeue");
    client.send_document_json(&receipt(&id)).unwrap();
    let failed = wait_for(&client, &id, |s| s == "FAILED");
    assert_eq!(failed.status(), "FAILED");
    let failure = failed.failure_info().expect("failureInfo");
    assert_eq!(failure["type"], "FN_GENERIC_FAILURE");

    let requeued = client.requeue(&id).unwrap();
    assert!(
        ["REQUEUED", "QUEUED", "PENDING"].contains(&requeued.status()),
        "{requeued:?}"
    );
    let printed = wait_for(&client, &id, |s| s == "PRINTED");
    assert_eq!(printed.status(), "PRINTED");
    assert_eq!(document_counters(&sb, &id), (1, true));
}

#[test]
fn requeue_of_a_document_that_did_not_fail_is_rejected_with_the_service_message() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let id = unique_id("norequeue");
    client.send_document_json(&receipt(&id)).unwrap();
    let e = client.requeue(&id).unwrap_err();
    assert_eq!(e.code(), "rejected");
    assert_eq!(e.http_status(), Some(400));
    assert!(e.service_message().is_some(), "{e:?}");
    assert!(!e.retryable());
}

#[test]
fn a_value_only_the_server_refuses_comes_back_rejected() {
    // With allow_unknown_values a docType the tables do not know passes our validation; the
    // sandbox (an independent check) refuses it with a Spring 400 body.
    let sb = sandbox();
    let (client, password) = associated_client(&sb, |c| c.allow_unknown_values = true);
    let id = unique_id("unknown-type");
    let mut doc = receipt(&id);
    doc["docType"] = json!("SALE_OF_THE_FUTURE");
    let e = client.send_document_json(&doc).unwrap_err();
    assert_eq!(e.code(), "rejected");
    assert_eq!(e.http_status(), Some(400));
    let message = e.service_message().expect("service message");
    assert!(message.contains("docType"), "{message}");
    assert_no_secret(&e, &[&password]);
    assert_eq!(document_counters(&sb, &id), (1, false));
}

#[test]
fn invalid_receipts_never_reach_the_network() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let before = requests(&sb);
    let id = unique_id("invalid");
    let mut doc = receipt(&id);
    doc["inventPositions"][0]["price"] = json!(10.005);
    doc["moneyPositions"][0]["sum"] = json!(1);
    doc["email"] = json!("not-an-email");
    let e = client.send_document_json(&doc).unwrap_err();
    assert_eq!(e.code(), "validation");
    let fields: Vec<&str> = e.issues().iter().map(|i| i.field.as_str()).collect();
    assert!(fields.contains(&"inventPositions[0].price"), "{fields:?}");
    assert!(fields.contains(&"email"), "{fields:?}");
    let e = client.send_document_json(&json!({"id": id})).unwrap_err();
    assert_eq!(e.code(), "validation");
    assert_eq!(requests(&sb), before, "a request reached the sandbox");
    assert_eq!(document_counters(&sb, &id), (0, false));
}

#[test]
fn wrong_association_credentials_are_authentication_everywhere_without_the_secret() {
    let sb = sandbox();
    let secret = "Zq8-not-the-real-password";
    let mut c = config(&sb);
    c.login = Some("someone".into());
    c.password = Some(Secret::new(secret));
    let client = Client::new(c).unwrap();
    let id = unique_id("auth");
    let errors = [
        client.service_status().unwrap_err(),
        client.send_document_json(&receipt(&id)).unwrap_err(),
        client.document_status(&id).unwrap_err(),
        client.requeue(&id).unwrap_err(),
        client.delete_association().unwrap_err(),
    ];
    for e in &errors {
        assert_eq!(e.code(), "authentication", "{e}");
        assert_no_secret(e, &[secret]);
    }
    // 401 is definite: the send was not retried.
    assert_eq!(document_counters(&sb, &id), (0, false));
}

#[test]
fn one_client_shared_by_threads() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let client = std::sync::Arc::new(client);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let client = client.clone();
            std::thread::spawn(move || {
                for i in 0..5 {
                    let id = unique_id(&format!("thread{t}-{i}"));
                    let sent = client.send_document_json(&receipt(&id)).unwrap();
                    assert_eq!(sent.delivery.outcome, Outcome::Accepted);
                    client.document_status(&id).unwrap();
                    client.service_status().unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let c = counters(&sb);
    assert_eq!(c["documents"].as_object().unwrap().len(), 20);
}
