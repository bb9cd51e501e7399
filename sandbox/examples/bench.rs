//! Throughput of the sandbox on loopback: N client threads, one keep-alive connection each, a
//! fixed number of requests per endpoint; prints requests/second and latency percentiles for
//! `GET /v1/status` and `POST /v2/doc`.
//!
//! cargo run --release -p modulpos-sandbox --example bench -- [--threads N] [--requests N]

use std::time::{Duration, Instant};

use modulpos_sandbox::credentials::base64_encode;
use modulpos_sandbox::http_client::Connection;
use modulpos_sandbox::{Sandbox, SandboxConfig, DEFAULT_RETAIL_POINT};
use serde_json::json;

fn document(id: &str) -> String {
    json!({
        "id": id,
        "docNum": "BENCH-1",
        "docType": "SALE",
        "checkoutDateTime": "2020-02-26T06:41:04+07:00",
        "email": "buyer@example.com",
        "taxMode": "COMMON",
        "inventPositions": [
            {"name": "Tea", "price": 52, "quantity": 1, "discSum": 5.2, "vatTag": 1102, "paymentObject": "commodity", "paymentMethod": "full_payment"},
            {"name": "Cup", "price": 199.99, "quantity": 2.5, "vatTag": 1103}
        ],
        "moneyPositions": [{"paymentType": "CARD", "sum": 546.78}]
    })
    .to_string()
}

struct Outcome {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

/// Runs `total` requests split over `threads` connections; `request(thread, i)` builds each one.
fn run(
    sandbox: &Sandbox,
    threads: usize,
    total: usize,
    auth: &str,
    request: fn(usize, usize) -> (&'static str, &'static str, Vec<u8>),
) -> Outcome {
    let per_thread = total / threads;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (addr, auth, barrier) = (sandbox.addr(), auth.to_string(), barrier.clone());
            std::thread::spawn(move || {
                let mut connection = Connection::connect(addr).expect("connect");
                let headers = [
                    ("Authorization", auth.as_str()),
                    ("Content-Type", "application/json"),
                ];
                let mut latencies = Vec::with_capacity(per_thread);
                barrier.wait();
                for i in 0..per_thread {
                    let (method, target, body) = request(t, i);
                    let started = Instant::now();
                    let response = connection
                        .request(method, target, &headers, &body)
                        .expect("request");
                    latencies.push(started.elapsed());
                    assert_eq!(response.status, 200, "{}", response.text());
                }
                latencies
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut latencies: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("client thread"))
        .collect();
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Outcome { elapsed, latencies }
}

fn report(name: &str, threads: usize, outcome: &Outcome) {
    let n = outcome.latencies.len();
    let percentile = |p: usize| outcome.latencies[(n * p / 100).min(n - 1)];
    println!(
        "{name:<16} {n:>7} requests, {threads} threads, keep-alive: {:>8.0} req/s  (latency p50 {:?}, p99 {:?})",
        n as f64 / outcome.elapsed.as_secs_f64(),
        percentile(50),
        percentile(99),
    );
}

fn main() {
    let mut threads = 8usize;
    let mut requests = 40_000usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse().ok());
        match (args[i].as_str(), value) {
            ("--threads", Some(v)) if v > 0 => threads = v,
            ("--requests", Some(v)) if v > 0 => requests = v,
            _ => {
                eprintln!("usage: bench [--threads N] [--requests N]");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    requests = requests / threads * threads;

    let sandbox = Sandbox::start(SandboxConfig::default()).expect("start sandbox");
    let mut account = Connection::connect(sandbox.addr()).expect("connect");
    let account_auth = format!("Basic {}", base64_encode(b"sandbox-login:sandbox-password"));
    let association = account
        .request(
            "POST",
            &format!("/api/fn/v1/associate/{DEFAULT_RETAIL_POINT}"),
            &[("Authorization", &account_auth)],
            b"",
        )
        .expect("associate")
        .json();
    let credentials = format!(
        "{}:{}",
        association["userName"].as_str().unwrap(),
        association["password"].as_str().unwrap()
    );
    let auth = format!("Basic {}", base64_encode(credentials.as_bytes()));

    println!(
        "modulpos-sandbox throughput on loopback ({} CPUs)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    // Warm-up, not reported.
    run(&sandbox, threads, requests / 10, &auth, |_, _| {
        ("GET", "/api/fn/v1/status", Vec::new())
    });
    let status = run(&sandbox, threads, requests, &auth, |_, _| {
        ("GET", "/api/fn/v1/status", Vec::new())
    });
    report("GET /v1/status", threads, &status);
    let submit = run(&sandbox, threads, requests, &auth, |t, i| {
        (
            "POST",
            "/api/fn/v2/doc",
            document(&format!("bench-{t}-{i}")).into_bytes(),
        )
    });
    report("POST /v2/doc", threads, &submit);
    sandbox.stop();
}
