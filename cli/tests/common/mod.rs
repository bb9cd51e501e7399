//! Shared helpers of the `modulpos` program's tests: an in-process sandbox and its control
//! interface, the databases to run on, receipts, and running the built binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

use modulpos_cli::db;
use modulpos_cli::store::Store;
use modulpos_sandbox::http_client::Connection;
use modulpos_sandbox::{
    Sandbox, SandboxConfig, DEFAULT_LOGIN, DEFAULT_PASSWORD, DEFAULT_RETAIL_POINT,
};
use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_modulpos");

/// A sandbox with a fast document lifecycle.
pub fn sandbox(queue_ms: u64, print_ms: u64) -> Sandbox {
    Sandbox::start(SandboxConfig {
        queue_ms,
        print_ms,
        ..SandboxConfig::default()
    })
    .expect("sandbox starts")
}

/// A temp dir of this test, removed by the caller when it passes.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "modulpos-cli-{name}-{}-{}",
        std::process::id(),
        unique("d")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}-{n}", std::process::id())
}

/// The databases to run on: a SQLite file always; MariaDB and PostgreSQL when tests/outbox/run.sh
/// started them (MODULPOS_TEST_MYSQL_URL, MODULPOS_TEST_POSTGRES_URL).
pub fn databases(dir: &Path) -> Vec<String> {
    let mut urls = vec![format!("sqlite:{}", dir.join("outbox.db").display())];
    for var in ["MODULPOS_TEST_MYSQL_URL", "MODULPOS_TEST_POSTGRES_URL"] {
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => urls.push(url),
            _ => eprintln!("{var} not set: that database is skipped (tests/outbox/run.sh sets it)"),
        }
    }
    urls
}

/// A fresh table of this test in the database, installed.
pub fn store(url: &str, table: &str) -> Store {
    let mut s = Store::new(db::connect(url).expect("database"), table).unwrap();
    s.install().expect("install");
    s
}

/// A table name of its own for each test (the servers are shared by the tests of a run).
pub fn table_name() -> String {
    unique("ob").replace('-', "_")
}

/// Associates with the sandbox and writes a config file for the worker; the password is read
/// from an environment variable (`password_env`), as operators are told to do.
pub fn config_file(sb: &Sandbox, dir: &Path) -> (PathBuf, String, String) {
    config_file_with(sb, dir, 2000)
}

/// [`config_file`] with a request timeout (the connect timeout is half of it).
pub fn config_file_with(sb: &Sandbox, dir: &Path, timeout_ms: u64) -> (PathBuf, String, String) {
    let client = modulpos::Client::new(modulpos::Config {
        base_url: Some(sb.base_url()),
        ..modulpos::Config::default()
    })
    .unwrap();
    let a = client
        .associate(&modulpos::AssociateRequest {
            login: DEFAULT_LOGIN.into(),
            password: modulpos::Secret::new(DEFAULT_PASSWORD),
            retail_point_id: DEFAULT_RETAIL_POINT.into(),
            client_id: Some(unique("cli")),
        })
        .unwrap();
    let var = format!("MODULPOS_TEST_PW_{}", std::process::id());
    let path = dir.join("config.json");
    std::fs::write(
        &path,
        json!({
            "login": a.user_name(),
            "password_env": var,
            "base_url": sb.base_url(),
            "timeout_ms": timeout_ms,
            "connect_timeout_ms": timeout_ms / 2,
            "max_attempts": 3,
            "retry_backoff_ms": 20,
        })
        .to_string(),
    )
    .unwrap();
    (path, var, a.password().to_owned())
}

/// A valid receipt; `n` varies its number.
pub fn receipt(id: &str, n: usize) -> String {
    json!({
        "id": id, "docNum": format!("ORDER-{n}"), "docType": "SALE",
        "checkoutDateTime": "2026-11-28T10:00:00+03:00", "email": "buyer@example.com",
        "inventPositions": [{"name": "Tea", "price": 100.5, "quantity": 2, "vatTag": 1105,
                             "paymentObject": "commodity", "paymentMethod": "full_payment"}],
        "moneyPositions": [{"paymentType": "CARD", "sum": 201}]
    })
    .to_string()
}

/// Runs the binary to its end with the password in the environment.
pub fn run(args: &[&str], password: (&str, &str)) -> Output {
    Command::new(BIN)
        .args(args)
        .env(password.0, password.1)
        .output()
        .expect("modulpos runs")
}

fn control(sb: &Sandbox, method: &str, path: &str, body: Value) -> Value {
    let mut c = Connection::connect(sb.addr()).expect("control connection");
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let r = c
        .request(method, path, &[("Content-Type", "application/json")], &body)
        .expect("control request");
    r.json()
}

pub fn faults(sb: &Sandbox, faults: Value) {
    control(sb, "POST", "/sandbox/faults", json!({ "faults": faults }));
}

pub fn clear_faults(sb: &Sandbox) {
    control(sb, "DELETE", "/sandbox/faults", Value::Null);
}

pub fn fail_next(sb: &Sandbox, count: u64) {
    control(sb, "POST", "/sandbox/fail-next", json!({"count": count}));
}

pub fn counters(sb: &Sandbox) -> Value {
    control(sb, "GET", "/sandbox/counters", Value::Null)
}
