//! The native client against scripted loopback servers: keep-alive reuse and its limits, framing
//! (Content-Length, chunked, to the end of the connection, interim 1xx), the body cap, failures
//! before and during an answer, the deadline, and TLS (verification with the given roots, session
//! resumption, reuse).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::*;
use crate::client::config::Config;

/// What a scripted connection does after reading each request.
#[derive(Clone)]
enum Step {
    /// Write these bytes and keep the connection.
    Answer(Vec<u8>),
    /// Write these bytes, then close.
    AnswerAndClose(Vec<u8>),
    /// Close without answering.
    Close,
    /// Read the request, answer nothing, hold the connection open for this long.
    Stall(Duration),
}

/// Read one request (head and Content-Length body); false at the end of the stream.
fn read_request(stream: &mut impl Read) -> bool {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&seen).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse::<usize>().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).is_ok()
}

/// Serve each connection's script (one list of steps per accepted connection, in order); counts
/// accepted connections.
fn scripted(scripts: Vec<Vec<Step>>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/fn", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    thread::spawn(move || {
        for script in scripts {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            serve(&mut stream, script);
        }
    });
    (base, accepted)
}

fn serve(stream: &mut (impl Read + Write), script: Vec<Step>) {
    for step in script {
        if !read_request(stream) {
            return;
        }
        match step {
            Step::Answer(bytes) => stream.write_all(&bytes).unwrap(),
            Step::AnswerAndClose(bytes) => {
                stream.write_all(&bytes).unwrap();
                return;
            }
            Step::Close => return,
            Step::Stall(d) => thread::sleep(d),
        }
        stream.flush().unwrap();
    }
    // Hold the connection until the client closes it.
    let mut rest = [0u8; 64];
    while matches!(stream.read(&mut rest), Ok(n) if n > 0) {}
}

fn ok(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn agent(base: &str) -> NativeAgent {
    let root = Config {
        base_url: Some(base.to_owned()),
        ..Config::default()
    }
    .resolved_base_url()
    .unwrap();
    NativeAgent::new(&root, 2000).unwrap()
}

fn get(agent: &NativeAgent, max_body: u64) -> Result<Answer, WireError> {
    let request = agent.request_bytes("GET", "/v1/status", &[("Accept", "*/*")], None, false);
    agent.exchange(&request, Instant::now() + Duration::from_secs(3), max_body)
}

#[test]
fn the_request_is_one_buffer_with_host_path_headers_and_length() {
    let a = agent("http://127.0.0.1:8080/api/fn");
    let r = a.request_bytes("POST", "/v2/doc", &[("X-A", "1")], Some(b"{}"), true);
    assert_eq!(
        String::from_utf8(r).unwrap(),
        "POST /api/fn/v2/doc HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: 1\r\nContent-Length: 2\r\n\r\n{}"
    );
    let a = agent("http://[::1]/x");
    assert_eq!((a.host.as_str(), a.port), ("::1", 80));
    let r = a.request_bytes("GET", "/s", &[], None, false);
    assert_eq!(
        String::from_utf8(r).unwrap(),
        "GET /x/s HTTP/1.1\r\nHost: [::1]\r\n\r\n"
    );
}

#[test]
fn keep_alive_reuses_one_connection_and_decodes_chunked_bodies() {
    let chunked = b"HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\nRetry-After: 7\r\n\r\n\
                    4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n"
        .to_vec();
    let interim = [b"HTTP/1.1 100 Continue\r\n\r\n".as_slice(), &ok("third")].concat();
    let (base, accepted) = scripted(vec![vec![
        Step::Answer(ok("first")),
        Step::Answer(chunked),
        Step::Answer(interim),
    ]]);
    let a = agent(&base);
    assert_eq!(get(&a, 100).ok().unwrap().body, b"first");
    let answer = get(&a, 100).ok().unwrap();
    assert_eq!(answer.status, 503);
    assert_eq!(answer.retry_after.as_deref(), Some("7"));
    assert_eq!(answer.body, b"{\"a\":1}");
    assert_eq!(get(&a, 100).ok().unwrap().body, b"third");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    assert_eq!(a.idle_count(), 1);
}

#[test]
fn a_connection_the_server_closed_or_ended_is_not_reused() {
    let (base, accepted) = scripted(vec![
        // Closes after answering, without saying so: the reuse check must notice.
        vec![Step::AnswerAndClose(ok("a"))],
        // Says Connection: close.
        vec![Step::Answer(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nb".to_vec(),
        )],
        // HTTP/1.0, body to the end of the connection.
        vec![Step::AnswerAndClose(b"HTTP/1.0 200 OK\r\n\r\nc".to_vec())],
        vec![Step::Answer(ok("d"))],
    ]);
    let a = agent(&base);
    assert_eq!(get(&a, 100).ok().unwrap().body, b"a");
    thread::sleep(Duration::from_millis(100)); // the server's FIN arrives
    assert_eq!(get(&a, 100).ok().unwrap().body, b"b");
    assert_eq!(a.idle_count(), 0);
    assert_eq!(get(&a, 100).ok().unwrap().body, b"c");
    assert_eq!(a.idle_count(), 0);
    assert_eq!(get(&a, 100).ok().unwrap().body, b"d");
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
}

#[test]
fn bodies_over_the_cap_are_refused_whatever_their_framing() {
    let big = "x".repeat(101);
    let chunked =
        format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n{big}\r\n0\r\n\r\n");
    let (base, _) = scripted(vec![
        vec![Step::Answer(ok(&big))],
        vec![Step::Answer(chunked.into_bytes())],
        vec![Step::AnswerAndClose(
            format!("HTTP/1.1 200 OK\r\n\r\n{big}").into_bytes(),
        )],
        vec![Step::Answer(ok(&big[..100]))],
    ]);
    let a = agent(&base);
    for _ in 0..3 {
        assert!(matches!(get(&a, 100), Err(WireError::TooLarge(200))));
    }
    assert_eq!(get(&a, 100).ok().unwrap().body.len(), 100);
}

#[test]
fn failures_before_and_during_an_answer_are_told_apart() {
    let (base, _) = scripted(vec![
        vec![Step::Close],
        vec![Step::AnswerAndClose(
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".to_vec(),
        )],
        vec![Step::AnswerAndClose(b"SMTP ready\r\n\r\n".to_vec())],
        vec![Step::Stall(Duration::from_secs(2))],
    ]);
    let a = agent(&base);
    assert!(matches!(
        get(&a, 100),
        Err(WireError::ClosedBeforeAnswer(_))
    ));
    assert!(matches!(get(&a, 100), Err(WireError::Broken(_))));
    assert!(matches!(get(&a, 100), Err(WireError::Protocol(_))));
    let request = a.request_bytes("GET", "/", &[], None, false);
    let started = Instant::now();
    let e = a.exchange(&request, started + Duration::from_millis(300), 100);
    assert!(matches!(e, Err(WireError::Timeout)));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(290) && took < Duration::from_millis(1000),
        "{took:?}"
    );
    // An error status with a broken body is still that status (the body is only its message).
    let (base, _) = scripted(vec![vec![Step::AnswerAndClose(
        b"HTTP/1.1 500 Oops\r\nContent-Length: 10\r\n\r\nabc".to_vec(),
    )]]);
    assert_eq!(get(&agent(&base), 100).ok().unwrap().status, 500);
    // Nothing listening: a connect failure.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let a = agent(&format!("http://127.0.0.1:{port}/api/fn"));
    assert!(matches!(get(&a, 100), Err(WireError::Connect(_))));
}

/// A TLS server with the tests' self-signed certificate, serving `scripts` (one per connection).
fn tls_server(scripts: Vec<Vec<Step>>) -> (u16, Arc<AtomicUsize>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(data.join("self_signed_localhost.crt"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_file(data.join("self_signed_localhost.key")).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    thread::spawn(move || {
        for script in scripts {
            let Ok((tcp, _)) = listener.accept() else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            serve(&mut rustls::StreamOwned::new(connection, tcp), script);
        }
    });
    (port, accepted)
}

/// The production TLS config with the self-signed certificate as its only root.
fn trusting_the_test_certificate() -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/self_signed_localhost.crt");
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth(),
    )
}

#[test]
fn tls_exchanges_reuse_the_connection_and_resume_sessions() {
    let (port, accepted) = tls_server(vec![
        vec![Step::Answer(ok("one")), Step::AnswerAndClose(ok("two"))],
        vec![Step::Answer(ok("three"))],
    ]);
    let a = agent(&format!("https://localhost:{port}/api/fn"))
        .with_tls_config(trusting_the_test_certificate());
    assert_eq!(get(&a, 100).ok().unwrap().body, b"one");
    // The server's session tickets may be waiting on the idle connection: still reusable.
    thread::sleep(Duration::from_millis(50));
    assert_eq!(get(&a, 100).ok().unwrap().body, b"two");
    assert_eq!(a.lock().last().unwrap().resumed(), Some(false));
    thread::sleep(Duration::from_millis(100));
    // The server closed: a new connection, which resumes the session.
    assert_eq!(get(&a, 100).ok().unwrap().body, b"three");
    assert_eq!(a.lock().last().unwrap().resumed(), Some(true));
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn tls_with_the_webpki_roots_refuses_the_self_signed_certificate() {
    let (port, _) = tls_server(vec![vec![Step::Answer(ok("never"))]]);
    let a = agent(&format!("https://localhost:{port}/api/fn"));
    match get(&a, 100) {
        Err(WireError::Connect(e)) => assert!(e.to_string().contains("certificate"), "{e}"),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a self-signed certificate was accepted"),
    }
}
