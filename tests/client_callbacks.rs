//! Trusted callbacks against the in-process sandbox: the sandbox calls a signed `responseURL` on a
//! real loopback HTTP endpoint, which checks it with `Client::confirm_callback`; forged and
//! cross-document replays are refused without a request; the result is the service's status,
//! never the callback's own claim.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use modulpos::{CallbackKey, Client, Secret};

const SECRET: &str = "shop-callback-secret-0123456789";

/// A loopback HTTP endpoint that checks every request with `confirm_callback` and answers 200,
/// 403 (callback_signature) or 503 (anything else), as the README tells shops to. Each checked
/// request comes out of the channel as (request target, result code or "ok", confirmed status).
fn callback_endpoint(
    client: Arc<Client>,
    key: Arc<CallbackKey>,
) -> (String, mpsc::Receiver<(String, String, Option<String>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/modulpos/callback?order=7",
        listener.local_addr().unwrap()
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Skip the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let target = request_line.split(' ').nth(1).unwrap_or("").to_owned();
            let (status, code, confirmed) = match client.confirm_callback(&key, &target) {
                Ok(c) => (
                    200,
                    "ok".to_owned(),
                    Some(c.document_status.status().to_owned()),
                ),
                Err(e) if e.code() == "callback_signature" => (403, e.code().to_owned(), None),
                Err(e) => (503, e.code().to_owned(), None),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            if tx.send((target, code, confirmed)).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

#[test]
fn the_sandbox_callback_is_verified_and_confirmed_with_the_service() {
    let sb = sandbox();
    let (client, _) = associated_client(&sb, |_| {});
    let client = Arc::new(client);
    let key = Arc::new(CallbackKey::new(&Secret::new(SECRET)).unwrap());
    let (base, callbacks) = callback_endpoint(client.clone(), key.clone());

    let id = unique_id("cb");
    let mut document = receipt(&id);
    document["responseURL"] = key.url(&base, &id).unwrap().into();
    client.send_document_json(&document).unwrap();

    let (target, code, confirmed) = callbacks
        .recv_timeout(Duration::from_secs(10))
        .expect("the sandbox calls the responseURL");
    assert_eq!(code, "ok", "{target}");
    // At the callback the service waits for our 200: the document is fiscalized, not completed.
    assert_eq!(confirmed.as_deref(), Some("WAIT_FOR_CALLBACK"));
    assert!(
        target.starts_with("/modulpos/callback?order=7&mk_doc="),
        "{target}"
    );
    assert!(target.contains("&status=SUCCESS&qr="), "{target}");
    let confirmed = client.confirm_callback(&key, &target).unwrap();
    assert_eq!(confirmed.document_id, id);
    assert!(confirmed.fiscalized);
    assert!(confirmed.claim_agrees);
    assert_eq!(confirmed.claimed.status.as_deref(), Some("SUCCESS"));
    // Our 200 completed the document at the service.
    let done = wait_for(&client, &id, |s| s == "COMPLETED");
    assert_eq!(done.status(), "COMPLETED");

    // A replay of this genuine callback for another document is refused without a request.
    let other = unique_id("cb-other");
    client.send_document_json(&receipt(&other)).unwrap();
    let encoded_id = target
        .split('&')
        .find_map(|p| p.strip_prefix("mk_doc="))
        .unwrap()
        .to_owned();
    let replayed = target.replace(&format!("mk_doc={encoded_id}"), &format!("mk_doc={other}"));
    let before = requests(&sb);
    let e = client.confirm_callback(&key, &replayed).unwrap_err();
    assert_eq!(e.code(), "callback_signature");
    // Forged: no signature, or one made with another secret.
    let unsigned = format!("/modulpos/callback?order=7&mk_doc={other}&status=SUCCESS");
    assert_eq!(
        client.confirm_callback(&key, &unsigned).unwrap_err().code(),
        "callback_signature"
    );
    let wrong_key = CallbackKey::new(&Secret::new("a-guessed-secret-of-the-shop")).unwrap();
    let forged = format!("{}&status=SUCCESS", wrong_key.url(&base, &other).unwrap());
    assert_eq!(
        client.confirm_callback(&key, &forged).unwrap_err().code(),
        "callback_signature"
    );
    assert_eq!(requests(&sb), before, "a refused callback asks nothing");
    assert!(!e.to_string().contains(SECRET));
}

#[test]
fn the_result_is_the_services_status_not_the_callbacks_claim() {
    // Documents stay QUEUED long enough to be checked before they print.
    let sb = modulpos_sandbox::Sandbox::start(modulpos_sandbox::SandboxConfig {
        queue_ms: 5_000,
        ..Default::default()
    })
    .unwrap();
    let (client, _) = associated_client(&sb, |_| {});
    let key = CallbackKey::new(&Secret::new(SECRET)).unwrap();
    let id = unique_id("cb-claim");
    client.send_document_json(&receipt(&id)).unwrap();
    // A genuine URL of this document, with a made-up "SUCCESS" and QR (someone replaying it).
    let url = key.url("http://127.0.0.1:1/cb", &id).unwrap();
    let confirmed = client
        .confirm_callback(&key, &format!("{url}&status=SUCCESS&qr=t%3D1%26s%3D999.00"))
        .unwrap();
    assert_eq!(confirmed.document_status.status(), "QUEUED");
    assert!(!confirmed.fiscalized);
    assert!(!confirmed.claim_agrees);
    // A signed id the service does not know is the service's not_found, not a success.
    let unknown = key.url("http://127.0.0.1:1/cb", "never-sent").unwrap();
    let e = client
        .confirm_callback(&key, &format!("{unknown}&status=SUCCESS"))
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
}
