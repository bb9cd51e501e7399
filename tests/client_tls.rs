//! TLS certificate verification is always on: a server presenting a self-signed certificate
//! (tests/data/self_signed_localhost.*, a throwaway test key) is refused before any request or
//! credential is sent.

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use modulpos::{Client, Config, Secret};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Serve TLS with the self-signed certificate for one connection; returns the port and a handle
/// yielding the bytes of plaintext the server received.
fn self_signed_server() -> (u16, std::thread::JoinHandle<Vec<u8>>) {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(data.join("self_signed_localhost.crt"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_file(data.join("self_signed_localhost.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let connection = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        let mut stream = rustls::StreamOwned::new(connection, tcp);
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            received.extend_from_slice(&buf[..n]);
        }
        received
    });
    (port, handle)
}

#[test]
fn a_self_signed_certificate_is_refused_before_anything_is_sent() {
    let (port, server) = self_signed_server();
    let client = Client::new(Config {
        base_url: Some(format!("https://127.0.0.1:{port}/api/fn")),
        login: Some("user".into()),
        password: Some(Secret::new("tls-test-secret-9")),
        ..Config::default()
    })
    .unwrap();
    let e = client.service_status().unwrap_err();
    assert_eq!(e.code(), "transport", "{e}");
    let message = e.to_string().to_ascii_lowercase();
    assert!(
        message.contains("certificate") || message.contains("issuer"),
        "{message}"
    );
    assert!(!message.contains("tls-test-secret-9"));
    let received = server.join().unwrap();
    assert!(
        received.is_empty(),
        "the server got plaintext: {:?}",
        String::from_utf8_lossy(&received)
    );
}

#[test]
fn https_to_a_plain_http_server_is_a_transport_error() {
    let sb = modulpos_sandbox::Sandbox::start(Default::default()).unwrap();
    let base = sb.base_url().replace("http://", "https://");
    let client = Client::new(Config {
        base_url: Some(base),
        login: Some("user".into()),
        password: Some(Secret::new("p")),
        ..Config::default()
    })
    .unwrap();
    assert_eq!(client.service_status().unwrap_err().code(), "transport");
}
