//! The responseURL callback: GET with status=SUCCESS and the QR appended, HTTP 200 completes the
//! document, other answers are retried with a bounded schedule, only loopback targets are called.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use modulpos_sandbox::http::percent_decode;
use serde_json::json;

/// A loopback HTTP listener answering each request with the next status of `statuses` (the
/// last one repeats); it reports every request line it received.
fn shop(statuses: Vec<u16>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut answered = 0usize;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let status = statuses[answered.min(statuses.len() - 1)];
            answered += 1;
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"
            );
            if tx.send(request_line.trim_end().to_string()).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

#[test]
fn callback_with_200_completes_the_document() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let (url, requests) = shop(vec![200]);
    let mut doc = valid_doc("cb-1");
    doc["responseURL"] = json!(format!("{url}/receipt/done?order=42"));
    assert_eq!(client.submit(&doc).json()["status"], "QUEUED");

    let request_line = requests
        .recv_timeout(Duration::from_secs(5))
        .expect("callback arrives");
    let completed = wait_for_status(&mut client, "cb-1", "COMPLETED", Duration::from_secs(2));
    assert_eq!(
        completed["message"],
        "Document successfully completed with callback"
    );
    let qr = completed["fiscalInfo"]["qr"].as_str().unwrap();
    let target = request_line
        .strip_prefix("GET ")
        .unwrap()
        .strip_suffix(" HTTP/1.1")
        .unwrap();
    let (path, query) = target.split_once('?').unwrap();
    assert_eq!(path, "/receipt/done");
    let params: Vec<(String, String)> = query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), percent_decode(v, false).unwrap())
        })
        .collect();
    assert_eq!(
        params,
        vec![
            ("order".into(), "42".into()),
            ("status".into(), "SUCCESS".into()),
            ("qr".into(), qr.to_string())
        ]
    );
    assert_eq!(
        counters(&sandbox)["documents"]["cb-1"]["callback_attempts"],
        1
    );
}

#[test]
fn failing_callback_is_retried_then_completes() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let (url, requests) = shop(vec![500, 404, 200]);
    let mut doc = valid_doc("cb-2");
    doc["responseURL"] = json!(format!("{url}/cb"));
    client.submit(&doc);
    let printed = wait_for_status(
        &mut client,
        "cb-2",
        "WAIT_FOR_CALLBACK",
        Duration::from_secs(2),
    );
    assert!(
        printed["fiscalInfo"]["qr"].is_string(),
        "fiscal data is there while waiting"
    );
    for _ in 0..3 {
        let line = requests
            .recv_timeout(Duration::from_secs(5))
            .expect("attempt");
        assert!(line.starts_with("GET /cb?status=SUCCESS&qr=t%3D"), "{line}");
    }
    wait_for_status(&mut client, "cb-2", "COMPLETED", Duration::from_secs(2));
    assert_eq!(
        counters(&sandbox)["documents"]["cb-2"]["callback_attempts"],
        3
    );
}

#[test]
fn callback_attempts_are_bounded_and_the_document_keeps_waiting() {
    let sandbox = start(); // callback_max_attempts = 3, retry every 50 ms
    let mut client = Client::associated(&sandbox);
    let (url, requests) = shop(vec![503]);
    let mut doc = valid_doc("cb-3");
    doc["responseURL"] = json!(format!("{url}/cb?"));
    client.submit(&doc);
    for _ in 0..3 {
        requests
            .recv_timeout(Duration::from_secs(5))
            .expect("attempt");
    }
    assert!(
        requests.recv_timeout(Duration::from_millis(500)).is_err(),
        "no fourth attempt"
    );
    assert_eq!(
        client.status_of("cb-3").json()["status"],
        "WAIT_FOR_CALLBACK"
    );
    assert_eq!(
        counters(&sandbox)["documents"]["cb-3"]["callback_attempts"],
        3
    );
}

#[test]
fn zero_callback_attempts_means_no_callback() {
    let sandbox = modulpos_sandbox::Sandbox::start(modulpos_sandbox::SandboxConfig {
        callback_max_attempts: 0,
        ..fast_config()
    })
    .unwrap();
    let mut client = Client::associated(&sandbox);
    let (url, requests) = shop(vec![200]);
    let mut doc = valid_doc("cb-none");
    doc["responseURL"] = json!(url);
    client.submit(&doc);
    assert!(
        requests
            .recv_timeout(Duration::from_millis(QUEUE_MS + PRINT_MS + 500))
            .is_err(),
        "no attempt"
    );
    assert_eq!(
        client.status_of("cb-none").json()["status"],
        "WAIT_FOR_CALLBACK"
    );
    assert_eq!(
        counters(&sandbox)["documents"]["cb-none"]["callback_attempts"],
        0
    );
}

#[test]
fn unreachable_and_non_loopback_targets_are_not_called_and_keep_waiting() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    // A closed loopback port, an https URL and a public address: all count as failed attempts.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for (id, url) in [
        ("cb-closed", format!("http://{closed}/cb")),
        ("cb-https", "https://127.0.0.1/cb".to_string()),
        ("cb-public", "http://192.0.2.1/cb".to_string()),
    ] {
        let mut doc = valid_doc(id);
        doc["responseURL"] = json!(url);
        assert_eq!(client.submit(&doc).status, 200);
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    for id in ["cb-closed", "cb-https", "cb-public"] {
        while counters(&sandbox)["documents"][id]["callback_attempts"] != 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "{id}: {}",
                counters(&sandbox)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            client.status_of(id).json()["status"],
            "WAIT_FOR_CALLBACK",
            "{id}"
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    for id in ["cb-closed", "cb-https", "cb-public"] {
        assert_eq!(
            counters(&sandbox)["documents"][id]["callback_attempts"],
            3,
            "bounded: {id}"
        );
    }
}

#[test]
fn failed_documents_get_no_callback_until_requeued() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let (url, requests) = shop(vec![200]);
    control(
        &sandbox,
        "POST",
        "/sandbox/fail-next",
        Some(json!({"count": 1})),
    );
    let mut doc = valid_doc("cb-4");
    doc["responseURL"] = json!(url);
    client.submit(&doc);
    wait_for_status(&mut client, "cb-4", "FAILED", Duration::from_secs(2));
    assert!(requests.recv_timeout(Duration::from_millis(200)).is_err());
    assert_eq!(
        client
            .send("PUT", "/api/fn/v1/doc/cb-4/re-queue", None)
            .json()["status"],
        "REQUEUED"
    );
    let line = requests
        .recv_timeout(Duration::from_secs(5))
        .expect("callback after re-queue");
    assert!(line.starts_with("GET /?status=SUCCESS&qr="), "{line}");
    wait_for_status(&mut client, "cb-4", "COMPLETED", Duration::from_secs(2));
}

#[test]
fn stop_does_not_wait_for_pending_callbacks() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let mut doc = valid_doc("cb-5");
    doc["responseURL"] = json!("http://127.0.0.1:9/cb");
    client.submit(&doc);
    let started = std::time::Instant::now();
    sandbox.stop();
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn stop_cuts_short_a_callback_the_shop_never_answers() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    // A shop that takes the connection and the request, then never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut doc = valid_doc("cb-silent");
    doc["responseURL"] = json!(format!("http://{}/cb", listener.local_addr().unwrap()));
    assert_eq!(client.submit(&doc).status, 200);
    let (_held, _) = listener.accept().unwrap();
    let started = std::time::Instant::now();
    sandbox.stop();
    // Without the cut the worker waits out its 5 s answer timeout.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn callback_waits_for_the_register() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let (url, requests) = shop(vec![200]);
    let set = |status: &str| {
        control(
            &sandbox,
            "POST",
            "/sandbox/fn-status",
            Some(json!({ "status": status })),
        )
    };
    assert_eq!(set("ASSOCIATED").status, 200);
    let mut doc = valid_doc("cb-6");
    doc["responseURL"] = json!(url);
    client.submit(&doc);
    assert!(
        requests
            .recv_timeout(Duration::from_millis(QUEUE_MS + PRINT_MS + 300))
            .is_err(),
        "not printed, no callback"
    );
    assert_eq!(
        counters(&sandbox)["documents"]["cb-6"]["callback_attempts"],
        0
    );
    assert_eq!(set("READY").status, 200);
    requests
        .recv_timeout(Duration::from_secs(5))
        .expect("callback once printed");
    wait_for_status(&mut client, "cb-6", "COMPLETED", Duration::from_secs(2));
}
