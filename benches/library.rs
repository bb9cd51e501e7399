//! Benchmark of the library in client CPU per call, as ratios against baselines run side by side:
//!
//! - sending a receipt (1, 5, 100 lines): `mk_send_check` (parse, validation, exactly-once delivery,
//!   envelope) against a bare keep-alive `ureq` POST of the same JSON, the library's native HTTP
//!   client alone (`src/client/native.rs`) and the limit, a raw blocking socket write/read of the
//!   same request bytes;
//! - a document's status: `mk_status` against the same GET through bare `ureq`, the native client
//!   and a raw socket;
//! - validation: `mk_validate` (parse, every rule, the normalized document in the envelope) against
//!   a plain `serde_json::from_str::<Value>` of the same text;
//! - memory: RSS over `BENCH_RSS_CALLS` (default 100,000) `mk_send_check` calls in this process.
//!
//! CPU is `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)` of this process (the sandbox runs in its own
//! process, so none of its work is counted); wall time is reported beside it. Every comparison runs
//! its arms in alternating rounds and reports medians; a ratio is the median of per-round ratios.
//!
//! Run it through `bash benches/run.sh`, which builds, starts the sandbox binary on loopback and
//! sets `MODULPOS_TEST_BASE_URL`. `BENCH_CALLS` (calls per arm per round, default 2000; a fifth of
//! that for 100-line receipts) and `BENCH_RSS_CALLS` scale it down for a smoke run;
//! `BENCH_ONLY=validate|send|status|memory` runs one part (e.g. under `perf record`).

use std::ffi::{c_char, CStr, CString};
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use modulpos::client::native::NativeAgent;
use modulpos::ffi;
use serde_json::{json, Value};

const ROUNDS: usize = 5;

fn env_count(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU time of the whole process so far.
fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer; CLOCK_PROCESS_CPUTIME_ID exists on every Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Resident set size of this process, in KiB (from /proc/self/status).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU and wall time per call, in µs.
#[derive(Clone, Copy)]
struct PerCall {
    cpu: f64,
    wall: f64,
}

fn measure(calls: u32, f: &mut dyn FnMut()) -> PerCall {
    let (cpu0, wall0) = (process_cpu(), Instant::now());
    for _ in 0..calls {
        f();
    }
    let (cpu, wall) = (process_cpu() - cpu0, wall0.elapsed());
    PerCall {
        cpu: cpu.as_secs_f64() * 1e6 / calls as f64,
        wall: wall.as_secs_f64() * 1e6 / calls as f64,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Run every arm once per round, alternating; the first arm is the reference of the ratios.
/// `BENCH_ARM=TEXT` keeps only the arms whose name contains TEXT (e.g. under `strace -c`).
fn compare(title: &str, calls: u32, arms: &mut [(&str, &mut dyn FnMut())]) {
    let only = std::env::var("BENCH_ARM").unwrap_or_default();
    let mut arms: Vec<&mut (&str, &mut dyn FnMut())> = arms
        .iter_mut()
        .filter(|(name, _)| name.contains(&*only))
        .collect();
    let n = arms.len();
    if n == 0 {
        return;
    }
    let mut cpu = vec![Vec::new(); n];
    let mut wall = vec![Vec::new(); n];
    let mut ratio = vec![Vec::new(); n];
    // One warm-up round (connections, caches, allocator) that is not reported.
    for (_, f) in arms.iter_mut() {
        measure(calls.div_ceil(10), *f);
    }
    for _ in 0..ROUNDS {
        let round: Vec<PerCall> = arms.iter_mut().map(|(_, f)| measure(calls, *f)).collect();
        for (i, m) in round.iter().enumerate() {
            cpu[i].push(m.cpu);
            wall[i].push(m.wall);
            ratio[i].push(m.cpu / round[0].cpu);
        }
    }
    println!("{title}");
    for (i, (name, _)) in arms.iter().enumerate() {
        println!(
            "  {name:<34} cpu {:>8.2} µs/call  wall {:>8.2} µs/call  cpu ratio {:>5.2}×",
            median(cpu[i].clone()),
            median(wall[i].clone()),
            median(ratio[i].clone())
        );
    }
}

/// A receipt of `lines` lines (discounts, codes, one payment), as the text before and after its id,
/// so every call can send a fresh id at the cost of one small concatenation in every arm.
struct Receipt {
    head: String,
    tail: String,
}

impl Receipt {
    fn new(lines: usize) -> Receipt {
        let positions: Vec<Value> = (0..lines)
            .map(|i| {
                json!({
                    "name": format!("Товар №{i} — чай листовой, 100 г"),
                    "price": 199.90 + i as f64,
                    "quantity": 1.5,
                    "discSum": 0.35,
                    "vatTag": 1102,
                    "paymentObject": "commodity",
                    "paymentMethod": "full_payment",
                    "measure": "pcs",
                    "inventCode": format!("ART-{i:05}"),
                })
            })
            .collect();
        // Line i: round((199.90 + i) × 1.5, 2) − 0.35 = 299.50 + 1.5 i.
        let total = 299.50 * lines as f64 + 1.5 * (lines * (lines - 1) / 2) as f64;
        let text = json!({
            "id": "@ID@", "docNum": "BENCH-1", "docType": "SALE",
            "checkoutDateTime": "2026-11-28T12:00:00+03:00", "email": "buyer@example.com",
            "taxMode": "COMMON", "cashierName": "Иванова А. А.",
            "inventPositions": positions,
            "moneyPositions": [{"paymentType": "CARD", "sum": total}],
        })
        .to_string();
        let (head, tail) = text.split_once("@ID@").unwrap();
        Receipt {
            head: head.to_owned(),
            tail: tail.to_owned(),
        }
    }

    fn with_id(&self, id: &str) -> String {
        let mut s = String::with_capacity(self.head.len() + id.len() + self.tail.len());
        s.push_str(&self.head);
        s.push_str(id);
        s.push_str(&self.tail);
        s
    }
}

/// Fresh document ids: the sandbox answers a repeated id from its store instead of creating it.
struct Ids {
    prefix: String,
    n: u64,
}

impl Ids {
    fn next(&mut self) -> String {
        self.n += 1;
        format!("{}-{}", self.prefix, self.n)
    }
}

/// The limit: one keep-alive TCP connection, the request written with one `write_all`, the answer
/// read until its `Content-Length` is complete. No TLS, no parsing beyond the status and length.
struct RawHttp {
    stream: TcpStream,
    host: String,
    path_prefix: String,
    auth: String,
    buf: Vec<u8>,
}

impl RawHttp {
    fn connect(base: &str, auth: &str) -> RawHttp {
        let rest = base
            .strip_prefix("http://")
            .expect("an http:// sandbox URL");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let stream = TcpStream::connect(host).expect("connect to the sandbox");
        stream.set_nodelay(true).unwrap();
        RawHttp {
            stream,
            host: host.to_owned(),
            path_prefix: format!("/{path}"),
            auth: auth.to_owned(),
            buf: Vec::with_capacity(8192),
        }
    }

    /// One request; returns the status and the body. A connection the sandbox closed while idle
    /// (its idle timeout) is replaced once, as any keep-alive client does.
    fn request(&mut self, method: &str, path: &str, body: Option<&[u8]>) -> (u16, Vec<u8>) {
        let mut req = Vec::with_capacity(256 + body.map_or(0, <[u8]>::len));
        write!(
            req,
            "{method} {}{path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\nAccept: application/json\r\n",
            self.path_prefix, self.host, self.auth
        )
        .unwrap();
        if let Some(body) = body {
            write!(
                req,
                "Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .unwrap();
            req.extend_from_slice(body);
        } else {
            req.extend_from_slice(b"\r\n");
        }
        if let Some(answer) = self.exchange(&req) {
            return answer;
        }
        self.stream = TcpStream::connect(&self.host).expect("reconnect to the sandbox");
        self.stream.set_nodelay(true).unwrap();
        self.exchange(&req)
            .expect("the sandbox closed a fresh connection")
    }

    /// Write the request, read the answer; `None` if the connection was closed before it.
    fn exchange(&mut self, req: &[u8]) -> Option<(u16, Vec<u8>)> {
        self.stream.write_all(req).ok()?;
        self.buf.clear();
        let mut chunk = [0u8; 8192];
        loop {
            let n = self.stream.read(&mut chunk).ok()?;
            if n == 0 {
                assert!(
                    self.buf.is_empty(),
                    "the sandbox closed the connection mid-answer"
                );
                return None;
            }
            self.buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).unwrap();
                let status: u16 = head[9..12].parse().unwrap();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().unwrap())
                    })
                    .expect("a Content-Length");
                while self.buf.len() < end + 4 + length {
                    let n = self.stream.read(&mut chunk).unwrap();
                    assert!(n > 0, "the sandbox closed the connection mid-answer");
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                return Some((status, self.buf[end + 4..end + 4 + length].to_vec()));
            }
        }
    }
}

/// Call an envelope-returning export, check it is `ok`, free it.
fn expect_ok(ptr: *mut c_char) {
    // SAFETY: every envelope-returning export returns a live, NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    assert!(
        text.starts_with(b"{\"ok\":true,"),
        "{}",
        String::from_utf8_lossy(text)
    );
    // SAFETY: `ptr` came from the library and is freed once.
    unsafe { ffi::mk_string_free(ptr) };
}

fn main() {
    let base = std::env::var("MODULPOS_TEST_BASE_URL")
        .expect("MODULPOS_TEST_BASE_URL: run this through `bash benches/run.sh`");
    let calls = env_count("BENCH_CALLS", 2000);
    let rss_calls = env_count("BENCH_RSS_CALLS", 100_000);
    println!(
        "modulpos library benchmark: client CPU per call (this process only), {ROUNDS} alternating \
         rounds of {calls} calls, medians; ratio = arm / first arm"
    );

    // Association credentials from the sandbox's account.
    let setup = modulpos::Client::new(modulpos::Config {
        base_url: Some(base.clone()),
        ..modulpos::Config::default()
    })
    .unwrap();
    let association = setup
        .associate(&modulpos::client::AssociateRequest {
            login: std::env::var("MODULPOS_LOGIN").unwrap_or("sandbox-login".into()),
            password: modulpos::Secret::new(
                std::env::var("MODULPOS_PASSWORD").unwrap_or("sandbox-password".into()),
            ),
            retail_point_id: std::env::var("MODULPOS_RETAIL_POINT_UUID")
                .unwrap_or("11111111-2222-4333-8444-555555555555".into()),
            client_id: None,
        })
        .expect("associate with the sandbox");
    let (login, password) = (association.user_name(), association.password());
    let auth = {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))
        )
    };
    let config =
        CString::new(json!({"base_url": base, "login": login, "password": password}).to_string())
            .unwrap();
    let mut handle = std::ptr::null_mut();
    // SAFETY: a valid config string and out-pointer.
    expect_ok(unsafe { ffi::mk_client_new(config.as_ptr(), &mut handle) });
    assert!(!handle.is_null());
    let handle = handle as *const ffi::MkClient;

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut raw = RawHttp::connect(&base, &auth);
    // The library's native HTTP/1.1 client (src/client/native.rs) on its own: keep-alive pool,
    // reuse check, deadline, body cap; the same request headers as the library sends.
    let native = {
        let root = modulpos::Config {
            base_url: Some(base.clone()),
            ..modulpos::Config::default()
        }
        .resolved_base_url()
        .unwrap();
        NativeAgent::new(&root, 5000).unwrap()
    };
    let native_call = |method: &str, path: &str, body: Option<&[u8]>| {
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Accept", "application/json"),
            ("User-Agent", "modulpos-bench"),
        ];
        if body.is_some() {
            headers.push(("Content-Type", "application/json; charset=utf-8"));
        }
        let request = native.request_bytes(method, path, &headers, body, body.is_some());
        let deadline = Instant::now() + Duration::from_secs(5);
        native
            .exchange(&request, deadline, modulpos::client::MAX_RESPONSE_BYTES)
            .unwrap()
    };
    let run = format!("bench-{}", std::process::id());
    // A 100-line receipt costs ~20 times a 5-line one: a fifth of the calls keeps rounds short.
    let calls_for = |lines: usize| {
        if lines >= 100 {
            (calls / 5).max(1)
        } else {
            calls
        }
    };
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let part = |name: &str| only.is_empty() || only == name;
    // `BENCH_LINES=5` sends only 5-line receipts (e.g. to count system calls per call).
    let sizes: Vec<usize> = match std::env::var("BENCH_LINES") {
        Ok(v) if !v.is_empty() => v.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        _ => vec![1, 5, 100],
    };

    // Validation.
    for lines in [1, 5, 100].into_iter().filter(|_| part("validate")) {
        let text = Receipt::new(lines).with_id("bench-validate-1");
        let c_text = CString::new(text.clone()).unwrap();
        compare(
            &format!("validate, {lines}-line receipt ({} bytes)", text.len()),
            calls_for(lines) * 5,
            &mut [
                ("serde_json::from_str::<Value>", &mut || {
                    black_box(serde_json::from_str::<Value>(black_box(&text)).unwrap());
                }),
                // SAFETY: a valid NUL-terminated document and NULL options, as the header allows.
                ("mk_validate", &mut || {
                    expect_ok(unsafe { ffi::mk_validate(c_text.as_ptr(), std::ptr::null()) })
                }),
            ],
        );
    }

    // Sending.
    let doc_url = format!("{base}/v2/doc");
    for lines in [1, 5, 100]
        .into_iter()
        .filter(|&l| part("send") && sizes.contains(&l))
    {
        let receipt = Receipt::new(lines);
        let mut ids = Ids {
            prefix: format!("{run}-{lines}"),
            n: 0,
        };
        let ids = std::cell::RefCell::new(&mut ids);
        compare(
            &format!(
                "send, {lines}-line receipt ({} bytes)",
                receipt.with_id("x").len()
            ),
            calls_for(lines),
            &mut [
                ("raw socket POST", &mut || {
                    let body = receipt.with_id(&ids.borrow_mut().next());
                    let (status, answer) = raw.request("POST", "/v2/doc", Some(body.as_bytes()));
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
                    black_box(answer);
                }),
                ("bare ureq POST", &mut || {
                    let body = receipt.with_id(&ids.borrow_mut().next());
                    let mut r = agent
                        .post(&doc_url)
                        .header("Authorization", &auth)
                        .header("Content-Type", "application/json; charset=utf-8")
                        .send(body.as_bytes())
                        .unwrap();
                    assert_eq!(r.status(), 200);
                    black_box(r.body_mut().read_to_vec().unwrap());
                }),
                ("native client POST", &mut || {
                    let body = receipt.with_id(&ids.borrow_mut().next());
                    let answer = native_call("POST", "/v2/doc", Some(body.as_bytes()));
                    assert_eq!(answer.status, 200);
                    black_box(answer.body);
                }),
                ("mk_send_check", &mut || {
                    let body = CString::new(receipt.with_id(&ids.borrow_mut().next())).unwrap();
                    // SAFETY: a live handle and a valid NUL-terminated document.
                    expect_ok(unsafe { ffi::mk_send_check(handle, body.as_ptr()) });
                }),
            ],
        );
    }

    // Status of one existing document.
    if part("status") {
        let status_id = format!("{run}-status");
        let c_status_id = CString::new(status_id.clone()).unwrap();
        let body = CString::new(Receipt::new(5).with_id(&status_id)).unwrap();
        // SAFETY: a live handle and a valid NUL-terminated document.
        expect_ok(unsafe { ffi::mk_send_check(handle, body.as_ptr()) });
        let status_path = format!("/v1/doc/{status_id}/status");
        let status_url = format!("{base}{status_path}");
        compare(
            "document status",
            calls,
            &mut [
                ("raw socket GET", &mut || {
                    let (status, answer) = raw.request("GET", &status_path, None);
                    assert_eq!(status, 200);
                    black_box(answer);
                }),
                ("bare ureq GET", &mut || {
                    let mut r = agent
                        .get(&status_url)
                        .header("Authorization", &auth)
                        .call()
                        .unwrap();
                    assert_eq!(r.status(), 200);
                    black_box(r.body_mut().read_to_vec().unwrap());
                }),
                ("native client GET", &mut || {
                    let answer = native_call("GET", &status_path, None);
                    assert_eq!(answer.status, 200);
                    black_box(answer.body);
                }),
                // SAFETY: a live handle and a valid NUL-terminated id.
                ("mk_status", &mut || {
                    expect_ok(unsafe { ffi::mk_status(handle, c_status_id.as_ptr()) })
                }),
            ],
        );
    }

    // Memory over many calls in one process.
    if part("memory") {
        let receipt = Receipt::new(5);
        let mut rss = vec![(0u32, rss_kib())];
        let (cpu0, wall0) = (process_cpu(), Instant::now());
        for i in 1..=rss_calls {
            let body = CString::new(receipt.with_id(&format!("{run}-rss-{i}"))).unwrap();
            // SAFETY: a live handle and a valid NUL-terminated document.
            expect_ok(unsafe { ffi::mk_send_check(handle, body.as_ptr()) });
            if i == rss_calls || (i % (rss_calls / 4).max(1) == 0) {
                rss.push((i, rss_kib()));
            }
        }
        let per = |d: Duration| d.as_secs_f64() * 1e6 / rss_calls.max(1) as f64;
        println!(
        "memory: {rss_calls} mk_send_check calls (5 lines), cpu {:.2} µs/call, wall {:.2} µs/call; RSS KiB: {}",
        per(process_cpu() - cpu0),
        per(wall0.elapsed()),
        rss.iter()
            .map(|(i, kib)| format!("{i}→{kib}"))
            .collect::<Vec<_>>()
            .join("  ")
    );
    }

    // SAFETY: the handle from mk_client_new, freed once after its last use.
    unsafe { ffi::mk_client_free(handle as *mut ffi::MkClient) };
}
