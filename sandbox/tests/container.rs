//! The sandbox as a service in a container setup, with every address on this machine's loopback:
//! the binary configured only by environment variables, listening on 0.0.0.0 (reached
//! at 127.0.0.2, not the address it printed), and calling back the shop by a host name that
//! `MODULPOS_SANDBOX_CALLBACK_RESOLVE` maps to 127.0.0.2 — called only when that name is in
//! `MODULPOS_SANDBOX_CALLBACK_ALLOW`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{basic, valid_doc, wait_for_status, Client};
use modulpos_sandbox::http_client::Connection;
use modulpos_sandbox::DEFAULT_RETAIL_POINT;
use serde_json::json;

/// The shop, on 127.0.0.2: answers 200 to every request and reports each request line.
fn shop() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.2:0").expect("127.0.0.2 is loopback on Linux");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            if tx.send(request_line.trim_end().to_string()).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

struct Running {
    child: Child,
    port: u16,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with only environment variables (no flags) and returns the port it bound.
fn start_binary(env: &[(&str, &str)]) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modulpos-sandbox"));
    command.stdout(Stdio::piped()).stderr(Stdio::null());
    for (name, _) in std::env::vars() {
        if name.starts_with("MODULPOS_SANDBOX_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut first_line, mut second_line) = (String::new(), String::new());
    stdout.read_line(&mut first_line).unwrap();
    stdout.read_line(&mut second_line).unwrap();
    let addr: SocketAddr = first_line
        .trim_end()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {first_line}"))
        .parse()
        .unwrap();
    // Bound to 0.0.0.0, it prints a URL a client can use, and says it listens everywhere.
    assert_eq!(addr.ip().to_string(), "127.0.0.1", "{first_line}");
    assert!(
        second_line.starts_with(&format!(
            "listening on all interfaces (0.0.0.0:{}): ",
            addr.port()
        )),
        "second line: {second_line}"
    );
    let printed = Connection::connect(addr)
        .unwrap()
        .request("GET", "/sandbox/health", &[], b"")
        .unwrap();
    assert_eq!(printed.status, 200, "the printed URL answers");
    Running {
        child,
        port: addr.port(),
    }
}

/// A document with a callback to `http://shop.test:PORT/done`, sent through 127.0.0.2.
fn send_with_callback(port: u16, shop_port: u16, id: &str) -> Client {
    let addr: SocketAddr = format!("127.0.0.2:{port}").parse().unwrap();
    let mut connection = Connection::connect(addr).unwrap();
    let health = connection
        .request("GET", "/sandbox/health", &[], b"")
        .unwrap();
    assert_eq!(health.status, 200, "{}", health.text());

    let account = basic("sandbox-login", "sandbox-password");
    let association = connection
        .request(
            "POST",
            &format!("/api/fn/v1/associate/{DEFAULT_RETAIL_POINT}"),
            &[("Authorization", &account)],
            b"",
        )
        .unwrap();
    assert_eq!(association.status, 200, "{}", association.text());
    let association = association.json();
    let mut client = Client {
        addr,
        connection,
        auth: Some(basic(
            association["userName"].as_str().unwrap(),
            association["password"].as_str().unwrap(),
        )),
    };
    let mut doc = valid_doc(id);
    doc["responseURL"] = json!(format!("http://shop.test:{shop_port}/done?order=7"));
    let response = client.submit(&doc);
    assert_eq!(response.status, 200, "{}", response.text());
    client
}

#[test]
fn listens_on_all_addresses_and_calls_back_an_allowed_host_by_name() {
    let (shop_port, requests) = shop();
    let sandbox = start_binary(&[
        ("MODULPOS_SANDBOX_LISTEN", "0.0.0.0:0"),
        ("MODULPOS_SANDBOX_QUEUE_MS", "0"),
        ("MODULPOS_SANDBOX_PRINT_MS", "0"),
        ("MODULPOS_SANDBOX_CALLBACK_ALLOW", "shop.test"),
        ("MODULPOS_SANDBOX_CALLBACK_RESOLVE", "shop.test=127.0.0.2"),
    ]);
    let mut client = send_with_callback(sandbox.port, shop_port, "container-1");
    let request_line = requests
        .recv_timeout(Duration::from_secs(10))
        .expect("the shop is called back");
    assert!(
        request_line.starts_with("GET /done?order=7&status=SUCCESS&qr="),
        "{request_line}"
    );
    wait_for_status(
        &mut client,
        "container-1",
        "COMPLETED",
        Duration::from_secs(10),
    );
}

#[test]
fn a_host_name_that_is_not_allowed_is_never_called() {
    let (shop_port, requests) = shop();
    let sandbox = start_binary(&[
        ("MODULPOS_SANDBOX_LISTEN", "0.0.0.0:0"),
        ("MODULPOS_SANDBOX_QUEUE_MS", "0"),
        ("MODULPOS_SANDBOX_PRINT_MS", "0"),
        ("MODULPOS_SANDBOX_CALLBACK_RETRY_MS", "20"),
        ("MODULPOS_SANDBOX_CALLBACK_RESOLVE", "shop.test=127.0.0.2"),
    ]);
    let mut client = send_with_callback(sandbox.port, shop_port, "container-2");
    wait_for_status(
        &mut client,
        "container-2",
        "WAIT_FOR_CALLBACK",
        Duration::from_secs(10),
    );
    assert!(
        requests.recv_timeout(Duration::from_millis(500)).is_err(),
        "a host outside the allow-list was called"
    );
}
