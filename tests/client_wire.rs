//! What the client puts on the wire and how it reads answers the sandbox never gives, checked
//! with a one-shot raw HTTP server: request line, Basic auth, headers and body; redirects not
//! followed; oversized, non-JSON and wrong-shape 2xx answers are `malformed_response`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use modulpos::client::AssociateRequest;
use modulpos::{Client, Config, Secret};
use serde_json::json;

/// One request as the server saw it.
#[derive(Debug)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Serve `responses` (raw HTTP bytes), one per connection, in order; report each request.
fn canned(responses: Vec<Vec<u8>>) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/fn", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for response in responses {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            let length = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse::<usize>().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = tx.send(Seen {
                request_line: request_line.trim_end().to_owned(),
                headers,
                body,
            });
            let mut stream = stream;
            let _ = stream.write_all(&response);
            let _ = stream.flush();
        }
    });
    (base, rx)
}

fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

fn json_ok(body: serde_json::Value) -> Vec<u8> {
    response(
        "200 OK",
        "application/json;charset=UTF-8",
        body.to_string().as_bytes(),
    )
}

fn client(base: &str) -> Client {
    Client::new(Config {
        base_url: Some(base.to_owned()),
        login: Some("assoc-user".into()),
        password: Some(Secret::new("assoc-pass")),
        max_attempts: 1,
        timeout_ms: 3_000,
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn requests_carry_the_method_path_auth_and_body_the_api_expects() {
    let document_status = json!({"status": "QUEUED", "message": "Document queued for printing",
                                 "fiscalInfo": null, "newField": [1]});
    let (base, seen) = canned(vec![
        json_ok(json!({"userName": "u", "password": "p", "name": "n", "address": "a"})),
        json_ok(json!({"status": "ready", "dateTime": "2019-09-17T03:31:56+00:00"})),
        json_ok(document_status.clone()),
        json_ok(document_status.clone()),
        json_ok(document_status.clone()),
        response("200 OK", "application/json", b""),
    ]);
    let client = client(&base);

    let a = client
        .associate(&AssociateRequest {
            login: "account".into(),
            password: Secret::new("account-pass"),
            retail_point_id: "point 1/2".into(),
            client_id: Some("app&id=1".into()),
        })
        .unwrap();
    assert_eq!(a.user_name(), "u");
    let r = seen.recv().unwrap();
    assert_eq!(
        r.request_line,
        "POST /api/fn/v1/associate/point%201%2F2?clientId=app%26id%3D1 HTTP/1.1"
    );
    // base64("account:account-pass")
    assert_eq!(
        r.header("authorization"),
        Some("Basic YWNjb3VudDphY2NvdW50LXBhc3M=")
    );
    assert!(r.header("user-agent").unwrap().starts_with("modulpos/"));

    let status = client.service_status().unwrap();
    assert_eq!(status.status(), "READY");
    let r = seen.recv().unwrap();
    assert_eq!(r.request_line, "GET /api/fn/v1/status HTTP/1.1");
    // base64("assoc-user:assoc-pass")
    assert_eq!(
        r.header("authorization"),
        Some("Basic YXNzb2MtdXNlcjphc3NvYy1wYXNz")
    );

    let doc = json!({
        "id": "wire-1", "docNum": "N-1", "docType": "SALE",
        "checkoutDateTime": "2026-11-28T10:00:00+03:00", "email": "a@example.com",
        "inventPositions": [{"name": "Tea", "price": 0.30000000000000004, "quantity": 1, "vatTag": 1105}],
        "moneyPositions": [{"paymentType": "CASH", "sum": 0.3}]
    });
    let sent = client.send_document_json(&doc).unwrap();
    // Every field the service sent is passed through, including ones newer than this library.
    assert_eq!(
        serde_json::to_value(&sent.document_status).unwrap(),
        document_status
    );
    let r = seen.recv().unwrap();
    assert_eq!(r.request_line, "POST /api/fn/v2/doc HTTP/1.1");
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["id"], "wire-1");
    // Host float noise went out as the kopeck value it meant.
    assert_eq!(body["inventPositions"][0]["price"].to_string(), "0.3");

    client.document_status("id with space+ü").unwrap();
    let r = seen.recv().unwrap();
    assert_eq!(
        r.request_line,
        "GET /api/fn/v1/doc/id%20with%20space%2B%C3%BC/status HTTP/1.1"
    );
    client.requeue("wire-1").unwrap();
    let r = seen.recv().unwrap();
    assert_eq!(
        r.request_line,
        "PUT /api/fn/v1/doc/wire-1/re-queue HTTP/1.1"
    );

    client.delete_association().unwrap();
    let r = seen.recv().unwrap();
    assert_eq!(r.request_line, "DELETE /api/fn/v1/associate HTTP/1.1");
}

#[test]
fn redirects_are_not_followed() {
    // Following it would end in a refused connection (a transport error), not this 302.
    let redirect = b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/api/fn/v1/status\r\n\
                     Content-Length: 0\r\nConnection: close\r\n\r\n"
        .to_vec();
    let (base, seen) = canned(vec![redirect]);
    let e = client(&base).service_status().unwrap_err();
    assert_eq!(e.code(), "malformed_response", "{e}");
    assert_eq!(e.http_status(), Some(302));
    assert!(seen
        .recv()
        .unwrap()
        .request_line
        .starts_with("GET /api/fn/v1/status"));
}

#[test]
fn malformed_2xx_answers_are_malformed_response() {
    let huge = vec![b' '; 5 * 1024 * 1024];
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (response("200 OK", "application/json", &huge), "larger than"),
        (
            response("200 OK", "text/html", b"<html>ok</html>"),
            "not valid JSON",
        ),
        (json_ok(json!({"dateTime": "x"})), "status"),
        (json_ok(json!(["READY"])), "object"),
        (json_ok(json!({"status": 5})), "status"),
    ];
    for (canned_response, expected) in cases {
        let (base, _seen) = canned(vec![canned_response]);
        let e = client(&base).service_status().unwrap_err();
        assert_eq!(e.code(), "malformed_response", "{e}");
        assert!(e.to_string().contains(expected), "{e}");
        assert!(!e.retryable());
    }
}

#[test]
fn error_statuses_keep_the_spring_message_and_never_the_credentials() {
    let spring = json!({"timestamp": "2026-11-28T10:00:00.000+0000", "status": 400,
        "error": "Bad Request", "message": "inventPositions[0].name: must not be blank",
        "path": "/api/fn/v2/doc"});
    let (base, _seen) = canned(vec![response(
        "400 Bad Request",
        "application/json",
        spring.to_string().as_bytes(),
    )]);
    let e = client(&base).service_status().unwrap_err();
    assert_eq!(e.code(), "rejected");
    assert_eq!(
        e.service_message(),
        Some("inventPositions[0].name: must not be blank")
    );
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("assoc-pass") && !shown.contains("YXNzb2"));
}
