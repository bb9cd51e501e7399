//! Helpers shared by the sandbox's integration tests: a started sandbox with fast timing, an
//! associated client speaking raw HTTP/1.1 with keep-alive, and a valid document.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use modulpos_sandbox::credentials::base64_encode;
use modulpos_sandbox::http_client::{Connection, HttpResponse};
use modulpos_sandbox::{Sandbox, SandboxConfig, DEFAULT_RETAIL_POINT};
use serde_json::{json, Value};

/// Windows wide enough to observe QUEUED and PENDING by polling, even on a loaded CI machine.
pub const QUEUE_MS: u64 = 200;
pub const PRINT_MS: u64 = 300;

pub fn fast_config() -> SandboxConfig {
    SandboxConfig {
        queue_ms: QUEUE_MS,
        print_ms: PRINT_MS,
        callback_retry_ms: 50,
        callback_max_attempts: 3,
        ..SandboxConfig::default()
    }
}

pub fn start() -> Sandbox {
    Sandbox::start(fast_config()).expect("sandbox starts")
}

pub fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64_encode(format!("{user}:{password}").as_bytes())
    )
}

/// A keep-alive connection with optional Basic credentials.
pub struct Client {
    pub addr: SocketAddr,
    pub connection: Connection,
    pub auth: Option<String>,
}

impl Client {
    pub fn new(sandbox: &Sandbox) -> Client {
        Client {
            addr: sandbox.addr(),
            connection: Connection::connect(sandbox.addr()).unwrap(),
            auth: None,
        }
    }

    pub fn with_auth(sandbox: &Sandbox, user: &str, password: &str) -> Client {
        Client {
            auth: Some(basic(user, password)),
            ..Client::new(sandbox)
        }
    }

    /// Associates the default retail point with the account credentials and returns a client
    /// using the association credentials.
    pub fn associated(sandbox: &Sandbox) -> Client {
        let association = associate(sandbox, DEFAULT_RETAIL_POINT, None);
        Client::with_auth(
            sandbox,
            association["userName"].as_str().unwrap(),
            association["password"].as_str().unwrap(),
        )
    }

    pub fn send(&mut self, method: &str, target: &str, body: Option<&Value>) -> HttpResponse {
        let body_bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.send_bytes(method, target, &body_bytes)
    }

    pub fn send_bytes(&mut self, method: &str, target: &str, body: &[u8]) -> HttpResponse {
        match self.try_send_bytes(method, target, body) {
            Ok(response) => response,
            Err(_) => {
                // The server may close an idle or faulted connection: reconnect once.
                self.reconnect();
                self.try_send_bytes(method, target, body).expect("request")
            }
        }
    }

    /// One attempt on the current connection, its error returned: for answers meant to fail.
    pub fn try_send_bytes(
        &mut self,
        method: &str,
        target: &str,
        body: &[u8],
    ) -> std::io::Result<HttpResponse> {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(auth) = self.auth.as_deref() {
            headers.push(("Authorization", auth));
        }
        self.connection.request(method, target, &headers, body)
    }

    pub fn get(&mut self, target: &str) -> HttpResponse {
        self.send("GET", target, None)
    }

    pub fn post(&mut self, target: &str, body: &Value) -> HttpResponse {
        self.send("POST", target, Some(body))
    }

    pub fn submit(&mut self, doc: &Value) -> HttpResponse {
        self.post("/api/fn/v2/doc", doc)
    }

    pub fn status_of(&mut self, id: &str) -> HttpResponse {
        self.get(&format!("/api/fn/v1/doc/{id}/status"))
    }

    pub fn reconnect(&mut self) {
        self.connection = Connection::connect(self.addr).unwrap();
    }
}

pub fn associate(sandbox: &Sandbox, point: &str, client_id: Option<&str>) -> Value {
    let mut account = Client::with_auth(sandbox, "sandbox-login", "sandbox-password");
    let target = match client_id {
        Some(c) => format!("/api/fn/v1/associate/{point}?clientId={c}"),
        None => format!("/api/fn/v1/associate/{point}"),
    };
    let response = account.send("POST", &target, None);
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

/// A control-interface call on a fresh connection (no credentials needed).
pub fn control(sandbox: &Sandbox, method: &str, path: &str, body: Option<Value>) -> HttpResponse {
    let mut client = Client::new(sandbox);
    client.send(method, path, body.as_ref())
}

pub fn counters(sandbox: &Sandbox) -> Value {
    control(sandbox, "GET", "/sandbox/counters", None).json()
}

pub fn add_faults(sandbox: &Sandbox, faults: Value) {
    let response = control(
        sandbox,
        "POST",
        "/sandbox/faults",
        Some(json!({ "faults": faults })),
    );
    assert_eq!(response.status, 200, "{}", response.text());
}

/// The Ruby gem's example: 52 × 1 − 5.20 = 46.80.
pub fn valid_doc(id: &str) -> Value {
    json!({
        "id": id,
        "docNum": "SALE-12345",
        "docType": "SALE",
        "checkoutDateTime": "2020-02-26T06:41:04+07:00",
        "email": "buyer@example.com",
        "printReceipt": false,
        "taxMode": "SIMPLIFIED",
        "inventPositions": [
            {"name": "Tea", "price": 52, "quantity": 1, "discSum": 5.2, "vatTag": 1105,
             "paymentObject": "commodity", "paymentMethod": "full_payment"}
        ],
        "moneyPositions": [{"paymentType": "CARD", "sum": 46.8}]
    })
}

/// Polls the document's status until it equals `want` (or panics after `within`).
pub fn wait_for_status(client: &mut Client, id: &str, want: &str, within: Duration) -> Value {
    let end = Instant::now() + within;
    loop {
        let response = client.status_of(id);
        assert_eq!(response.status, 200, "{}", response.text());
        let body = response.json();
        if body["status"] == want {
            return body;
        }
        assert!(
            Instant::now() < end,
            "status stayed {} instead of {want}",
            body["status"]
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
