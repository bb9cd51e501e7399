//! The HTTP server itself: the binary's contract, keep-alive, limits, malformed and slow clients,
//! concurrency and shutdown.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::panic::AssertUnwindSafe;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use modulpos_sandbox::http_client::Connection;
use modulpos_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

/// Sends raw bytes on a new connection and returns everything the server sent until it closed.
fn raw_exchange(sandbox: &Sandbox, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(sandbox.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received);
    String::from_utf8_lossy(&received).into_owned()
}

/// Runs the binary with `args`, gives `check` the address its first output line announces, then
/// kills it (also when `check` panics) and returns what it wrote to stderr.
fn with_binary(args: &[&str], check: impl FnOnce(SocketAddr)) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_modulpos-sandbox"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let url = first_line
            .trim_end()
            .strip_prefix("listening on http://")
            .expect(&first_line);
        assert_ne!(url, "127.0.0.1:0");
        check(url.parse().unwrap())
    }));
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn binary_prints_the_address_first_and_serves() {
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--queue-ms",
        "0",
        "--print-ms",
        "0",
        "--retail-point",
        "p-1",
        "--login",
        "L",
        "--password",
        "P",
        "--log",
    ];
    let log = with_binary(&args, |addr| {
        let mut connection = Connection::connect(addr).unwrap();
        let auth = basic("L", "P");
        let response = connection
            .request(
                "POST",
                "/api/fn/v1/associate/p-1",
                &[("Authorization", &auth)],
                b"",
            )
            .unwrap();
        assert_eq!(response.status, 200);
        let association = response.json();
        let auth = basic(
            association["userName"].as_str().unwrap(),
            association["password"].as_str().unwrap(),
        );
        let doc = valid_doc("bin-1").to_string();
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        assert_eq!(
            connection
                .request("POST", "/fn/v2/doc", &headers, doc.as_bytes())
                .unwrap()
                .status,
            200
        );
        std::thread::sleep(Duration::from_millis(20));
        let status = connection
            .request("GET", "/fn/v1/doc/bin-1/status", &headers, b"")
            .unwrap()
            .json();
        assert_eq!(
            status["status"], "PRINTED",
            "queue/print 0 ms prints at once"
        );
    });
    assert!(
        log.contains(" POST /api/fn/v1/associate/p-1 -> 200 ("),
        "{log}"
    );
    assert!(
        log.contains(" GET /fn/v1/doc/bin-1/status -> 200 ("),
        "{log}"
    );
    assert!(
        !log.contains("Basic") && !log.contains("buyer@example.com"),
        "no credentials or bodies: {log}"
    );
}

#[test]
fn binary_help_and_bad_flags() {
    let help = Command::new(env!("CARGO_BIN_EXE_modulpos-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--listen",
        "--login",
        "--password",
        "--retail-point",
        "--queue-ms",
        "--print-ms",
        "--callback-retry-ms",
        "--callback-max-attempts",
        "--idle-timeout-ms",
        "--read-timeout-ms",
        "--log",
        "(default 300)",
        "(default sandbox-login)",
        "11111111-2222-4333-8444-555555555555",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_modulpos-sandbox"))
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown option --frobnicate"));
    let taken = Sandbox::start(SandboxConfig::default()).unwrap();
    let busy = Command::new(env!("CARGO_BIN_EXE_modulpos-sandbox"))
        .args(["--listen", &taken.addr().to_string()])
        .output()
        .unwrap();
    assert_eq!(busy.status.code(), Some(1));
    assert!(busy.stdout.is_empty());
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    for _ in 0..200 {
        assert_eq!(client.get("/api/fn/v1/status").status, 200);
    }
    // Pipelined requests are answered in order.
    let auth = client.auth.clone().unwrap();
    let one = format!("GET /api/fn/v1/status HTTP/1.1\r\nAuthorization: {auth}\r\n\r\n");
    let two = "GET /api/fn/v1/nope HTTP/1.1\r\n\r\n";
    client
        .connection
        .send_raw(format!("{one}{two}").as_bytes())
        .unwrap();
    assert_eq!(client.connection.read_response(false).unwrap().status, 200);
    assert_eq!(client.connection.read_response(false).unwrap().status, 404);
}

#[test]
fn connection_close_and_http10_are_honoured() {
    let sandbox = start();
    let answer = raw_exchange(
        &sandbox,
        b"GET /sandbox/health HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("Connection: close\r\n"));
    assert!(answer.ends_with("{\"ok\":true}"));
    let answer = raw_exchange(&sandbox, b"GET /sandbox/health HTTP/1.0\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
}

#[test]
fn expect_continue_and_chunked_bodies() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let auth = client.auth.clone().unwrap();
    let body = valid_doc("chunked-1").to_string();
    let (a, b) = body.split_at(body.len() / 2);
    let request = format!(
        "POST /api/fn/v2/doc HTTP/1.1\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    client.connection.send_raw(request.as_bytes()).unwrap();
    let response = client.connection.read_response(false).unwrap();
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(client.status_of("chunked-1").status, 200);
}

#[test]
fn oversized_bodies_get_413_without_being_read() {
    let sandbox = start();
    let answer = raw_exchange(
        &sandbox,
        b"POST /api/fn/v2/doc HTTP/1.1\r\nContent-Length: 104857600\r\n\r\n",
    );
    assert!(
        answer.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{answer}"
    );
    assert!(answer.contains("\"status\":413"));
    let mut chunked =
        b"POST /api/fn/v2/doc HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..5 {
        chunked.extend_from_slice(format!("40000\r\n{}\r\n", "a".repeat(0x40000)).as_bytes());
    }
    let answer = raw_exchange(&sandbox, &chunked);
    assert!(
        answer.starts_with("HTTP/1.1 413 "),
        "{}",
        &answer[..answer.len().min(200)]
    );
    // Just under the cap is read (and then rejected as JSON, not as size).
    let mut client = Client::associated(&sandbox);
    let big = format!(
        "{{\"id\":\"big\",\"pad\":\"{}\"}}",
        "x".repeat(1024 * 1024 - 40)
    );
    let response = client.send_bytes("POST", "/api/fn/v2/doc", big.as_bytes());
    assert_eq!(response.status, 400, "{}", &response.text()[..100]);
    assert_eq!(response.json()["message"], "docNum: is required");
}

#[test]
fn malformed_requests_get_4xx_and_never_crash_the_server() {
    let sandbox = start();
    let huge_header = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(20_000));
    let cases: &[(&[u8], &str)] = &[
        (b"NONSENSE\r\n\r\n", "HTTP/1.1 400 "),
        (b"GET / HTTP/3.0\r\n\r\n", "HTTP/1.1 505 "),
        (b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "HTTP/1.1 400 "),
        (
            b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "HTTP/1.1 400 ",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
            "HTTP/1.1 400 ",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            "HTTP/1.1 501 ",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 400 ",
        ),
        (b"GET /\xff\xfe HTTP/1.1\r\n\r\n", "HTTP/1.1 400 "),
        (b"GET http://x/ HTTP/1.1\r\n\r\n", "HTTP/1.1 400 "),
        (huge_header.as_bytes(), "HTTP/1.1 431 "),
    ];
    for (request, want) in cases {
        let answer = raw_exchange(&sandbox, request);
        assert!(
            answer.starts_with(want),
            "{:?} → {answer:?}",
            String::from_utf8_lossy(&request[..request.len().min(60)])
        );
    }
    // Bodies of the wrong JSON shape or types are 400 too.
    let mut client = Client::associated(&sandbox);
    for body in [
        &b"null"[..],
        b"\"doc\"",
        b"{\"id\":{\"deep\":[[[[]]]]}}",
        b"{\"id\":\"x\",\"inventPositions\":\"many\"}",
    ] {
        assert_eq!(
            client.send_bytes("POST", "/api/fn/v2/doc", body).status,
            400
        );
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let response = client.send_bytes("POST", "/api/fn/v2/doc", deep.as_bytes());
    assert_eq!(response.status, 400);
    assert!(response.json()["message"]
        .as_str()
        .unwrap()
        .contains("nesting too deep"));
    assert_eq!(
        control(&sandbox, "GET", "/sandbox/health", None).status,
        200
    );
}

#[test]
fn stalled_and_idle_clients_are_cut_off_without_blocking_others() {
    let config = SandboxConfig {
        idle_timeout_ms: 400,
        read_timeout_ms: 200,
        ..fast_config()
    };
    let sandbox = Sandbox::start(config).unwrap();
    // A request head that never finishes.
    let mut stalled = TcpStream::connect(sandbox.addr()).unwrap();
    stalled
        .write_all(b"POST /api/fn/v2/doc HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"id\"")
        .unwrap();
    // A client trickling a byte every 100 ms (each read succeeds, the whole request takes too long).
    let trickle_addr = sandbox.addr();
    let trickler = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(trickle_addr).unwrap();
        let started = Instant::now();
        for byte in
            b"GET /sandbox/health HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
        {
            if stream.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut rest = Vec::new();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let _ = stream.read_to_end(&mut rest);
        (started.elapsed(), rest)
    });
    // Meanwhile others are served at once.
    let started = Instant::now();
    assert_eq!(
        control(&sandbox, "GET", "/sandbox/health", None).status,
        200
    );
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "served while another request stalls"
    );
    // The stalled request is dropped after the read timeout.
    stalled
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = stalled.read_to_end(&mut buf);
    assert!(buf.is_empty(), "no answer to a cut request");
    assert!(started.elapsed() < Duration::from_secs(3));
    let (took, rest) = trickler.join().unwrap();
    assert!(rest.is_empty(), "the trickler is cut off, not answered");
    assert!(
        took < Duration::from_secs(5),
        "cut off by the request deadline (3 × 200 ms), not after its 6 s: {took:?}"
    );
    // An idle keep-alive connection is closed after the idle timeout.
    let mut idle = Connection::connect(sandbox.addr()).unwrap();
    assert_eq!(
        idle.request("GET", "/sandbox/health", &[], b"")
            .unwrap()
            .status,
        200
    );
    std::thread::sleep(Duration::from_millis(700));
    assert!(idle.request("GET", "/sandbox/health", &[], b"").is_err());
}

#[test]
fn concurrent_clients_get_distinct_documents_and_numbers() {
    let sandbox = Sandbox::start(SandboxConfig {
        queue_ms: 0,
        print_ms: 0,
        ..fast_config()
    })
    .unwrap();
    let association = associate(&sandbox, modulpos_sandbox::DEFAULT_RETAIL_POINT, None);
    let (user, password) = (
        association["userName"].as_str().unwrap().to_string(),
        association["password"].as_str().unwrap().to_string(),
    );
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (addr, auth) = (sandbox.addr(), basic(&user, &password));
            std::thread::spawn(move || {
                let mut connection = Connection::connect(addr).unwrap();
                let headers = [
                    ("Authorization", auth.as_str()),
                    ("Content-Type", "application/json"),
                ];
                let mut numbers = Vec::new();
                for i in 0..40 {
                    let id = format!("conc-{t}-{i}");
                    let body = valid_doc(&id).to_string();
                    // Every document is sent twice: the second answer must be the same document.
                    assert_eq!(
                        connection
                            .request("POST", "/api/fn/v2/doc", &headers, body.as_bytes())
                            .unwrap()
                            .status,
                        200
                    );
                    let again = connection
                        .request("POST", "/api/fn/v2/doc", &headers, body.as_bytes())
                        .unwrap()
                        .json();
                    numbers.push(again["fiscalInfo"]["fnDocNumber"].as_u64().unwrap());
                }
                numbers
            })
        })
        .collect();
    let mut all: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(
        all.len(),
        320,
        "every document has its own fiscal document number"
    );
    let counters = counters(&sandbox);
    let documents = counters["documents"].as_object().unwrap();
    assert_eq!(documents.len(), 320);
    assert!(documents
        .values()
        .all(|d| d == &json!({"submissions": 2, "created": true, "callback_attempts": 0})));
    assert_eq!(counters["requests"], 641);
    // Keep-alive: one connection per thread's 80 requests, plus the associate call's and this one's.
    assert_eq!(counters["connections"], 8 + 2);
}

#[test]
fn connections_past_the_cap_get_503_and_places_free_up_when_clients_leave() {
    // In its own process: 256 connections use about 512 descriptors on the server side.
    with_binary(&[], |addr| {
        let health = |stream: &mut TcpStream| {
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            stream
                .write_all(b"GET /sandbox/health HTTP/1.1\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            String::from_utf8_lossy(&answer).into_owned()
        };
        // Each held connection is answered once, so it is registered before the next one.
        let mut held: Vec<Connection> = (0..modulpos_sandbox::server::MAX_CONNECTIONS)
            .map(|_| {
                let mut c = Connection::connect(addr).unwrap();
                assert_eq!(
                    c.request("GET", "/sandbox/health", &[], b"")
                        .unwrap()
                        .status,
                    200
                );
                c
            })
            .collect();
        let refused = health(&mut TcpStream::connect(addr).unwrap());
        assert!(refused.starts_with("HTTP/1.1 503 "), "{refused}");
        assert!(refused.contains("too many connections"), "{refused}");
        held.clear();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let answer = health(&mut TcpStream::connect(addr).unwrap());
            if answer.starts_with("HTTP/1.1 200 ") {
                break;
            }
            assert!(Instant::now() < deadline, "places never freed: {answer}");
            std::thread::sleep(Duration::from_millis(20));
        }
    });
}

#[test]
fn stop_and_drop_close_open_connections_promptly() {
    let sandbox = start();
    let addr = sandbox.addr();
    let mut idle = Connection::connect(addr).unwrap();
    assert_eq!(
        idle.request("GET", "/sandbox/health", &[], b"")
            .unwrap()
            .status,
        200
    );
    let mut half = TcpStream::connect(addr).unwrap();
    half.write_all(b"GET /sandbox/health HTTP/1.1\r\n").unwrap();
    add_faults(&sandbox, json!([{"kind": "delay", "ms": 60000}]));
    let delayed = std::thread::spawn(move || {
        let mut c = Connection::connect(addr).unwrap();
        c.request("GET", "/api/fn/v1/status", &[], b"")
    });
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    sandbox.stop();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(idle.request("GET", "/sandbox/health", &[], b"").is_err());
    // The delayed request was answered (delay cut short) or closed; either way it is over.
    let _ = delayed.join().unwrap();
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err(),
        "port closed"
    );

    let sandbox = start();
    let addr = sandbox.addr();
    let _open = Connection::connect(addr).unwrap();
    drop(sandbox);
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err());
}
