//! Shared helpers of the integration tests: an in-process sandbox, its control interface, sample
//! receipts, and the check that no secret leaks into an error.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use modulpos::{Client, Config, Error};
use modulpos_sandbox::{
    Sandbox, SandboxConfig, DEFAULT_LOGIN, DEFAULT_PASSWORD, DEFAULT_RETAIL_POINT,
};
use serde_json::{json, Value};

pub const ACCOUNT_LOGIN: &str = DEFAULT_LOGIN;
pub const ACCOUNT_PASSWORD: &str = DEFAULT_PASSWORD;
pub const RETAIL_POINT: &str = DEFAULT_RETAIL_POINT;

/// A sandbox with fast document timing (QUEUED → PENDING → PRINTED in ~40 ms).
pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        queue_ms: 20,
        print_ms: 20,
        callback_retry_ms: 20,
        ..Default::default()
    })
    .expect("sandbox starts")
}

/// A config pointing at the sandbox, without credentials.
pub fn config(sb: &Sandbox) -> Config {
    Config {
        base_url: Some(sb.base_url()),
        timeout_ms: 5_000,
        retry_backoff_ms: 10,
        ..Config::default()
    }
}

/// Associate with the sandbox's retail point; returns (userName, password).
pub fn associate(sb: &Sandbox) -> (String, String) {
    let client = Client::new(config(sb)).unwrap();
    let a = client
        .associate(&modulpos::client::AssociateRequest {
            login: DEFAULT_LOGIN.into(),
            password: modulpos::client::Secret::new(DEFAULT_PASSWORD),
            retail_point_id: RETAIL_POINT.into(),
            client_id: None,
        })
        .expect("associate");
    (a.user_name().to_owned(), a.password().to_owned())
}

/// A client with fresh association credentials, plus its password (to check it never leaks).
pub fn associated_client(sb: &Sandbox, tweak: impl FnOnce(&mut Config)) -> (Client, String) {
    let (login, password) = associate(sb);
    let mut c = config(sb);
    c.login = Some(login);
    c.password = Some(modulpos::client::Secret::new(password.clone()));
    tweak(&mut c);
    (Client::new(c).unwrap(), password)
}

/// The `Authorization` header value for raw requests that bypass the library (baselines, oracles).
pub fn basic_auth(login: &str, password: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{login}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// A document id unique across tests and runs.
pub fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}-{n}", std::process::id())
}

/// A valid SALE receipt: 2 × 150.50 − 1.00 discount, paid 300.00 by card.
pub fn receipt(id: &str) -> Value {
    json!({
        "id": id,
        "docNum": "SALE-1",
        "docType": "SALE",
        "checkoutDateTime": "2026-11-28T10:00:00+03:00",
        "email": "buyer@example.com",
        "taxMode": "COMMON",
        "inventPositions": [
            {"name": "Кофе в зёрнах", "price": 150.5, "quantity": 2, "discSum": 1, "vatTag": 1105,
             "paymentObject": "commodity", "paymentMethod": "full_payment", "measure": "pcs"}
        ],
        "moneyPositions": [{"paymentType": "CARD", "sum": 300}]
    })
}

/// `POST {root}{path}` with a JSON body to the sandbox's control interface.
pub fn control_post(sb: &Sandbox, path: &str, body: Value) -> Value {
    let mut response = ureq::post(&format!("{}{path}", sb.root_url()))
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())
        .expect("control request");
    let text = response.body_mut().read_to_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Queue faults (each applies to one later API request).
pub fn faults(sb: &Sandbox, faults: Value) {
    control_post(sb, "/sandbox/faults", json!({ "faults": faults }));
}

/// `GET /sandbox/counters`.
pub fn counters(sb: &Sandbox) -> Value {
    let mut response = ureq::get(&format!("{}/sandbox/counters", sb.root_url()))
        .call()
        .expect("counters");
    serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
}

/// API requests the sandbox has seen.
pub fn requests(sb: &Sandbox) -> u64 {
    counters(sb)["requests"].as_u64().unwrap()
}

/// (submissions, created) of one document id; (0, false) when never seen.
pub fn document_counters(sb: &Sandbox, id: &str) -> (u64, bool) {
    let c = counters(sb);
    let d = &c["documents"][id];
    (
        d["submissions"].as_u64().unwrap_or(0),
        d["created"].as_bool().unwrap_or(false),
    )
}

/// Poll a document until `done(status)` or 5 s pass; returns the last status.
pub fn wait_for(
    client: &Client,
    id: &str,
    done: impl Fn(&str) -> bool,
) -> modulpos::client::DocumentStatus {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = client.document_status(id).expect("document status");
        if done(status.status()) || Instant::now() > deadline {
            return status;
        }
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// Assert no secret (password, Authorization header, its base64) is in an error's text.
pub fn assert_no_secret(e: &Error, secrets: &[&str]) {
    let shown = format!("{e} || {e:?}");
    assert!(
        !shown.contains("Basic "),
        "Authorization header in: {shown}"
    );
    assert!(
        !shown.to_ascii_lowercase().contains("authorization"),
        "{shown}"
    );
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!shown.contains(secret), "secret in: {shown}");
    }
}

/// xorshift64*: a small deterministic generator for the randomized tests (same sequence every run).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Replace a random node of `value` (any depth) with one of `replacements`.
pub fn replace_a_node(rng: &mut Rng, value: &mut Value, replacements: &[Value]) {
    let mut node = value;
    loop {
        let children = match node {
            Value::Object(map) if !map.is_empty() => map.len(),
            Value::Array(items) if !items.is_empty() => items.len(),
            _ => 0,
        };
        if children == 0 || rng.below(3) == 0 {
            *node = replacements[rng.below(replacements.len())].clone();
            return;
        }
        let pick = rng.below(children);
        node = match node {
            Value::Object(map) => map.values_mut().nth(pick).unwrap(),
            Value::Array(items) => &mut items[pick],
            _ => unreachable!(),
        };
    }
}

/// Drop one key of a random object (a missing field rather than a wrong one).
pub fn remove_a_key(rng: &mut Rng, value: &mut Value) {
    let mut node = value;
    loop {
        let next = match node {
            Value::Object(map) if !map.is_empty() => {
                if rng.below(3) == 0 {
                    let key = map.keys().nth(rng.below(map.len())).unwrap().clone();
                    map.remove(&key);
                    return;
                }
                let pick = rng.below(map.len());
                map.values_mut().nth(pick).unwrap()
            }
            Value::Array(items) if !items.is_empty() => {
                let pick = rng.below(items.len());
                &mut items[pick]
            }
            _ => return,
        };
        node = next;
    }
}
