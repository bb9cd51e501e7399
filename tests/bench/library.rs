//! Benchmark of the library, reported as ratios against baselines measured in the same run:
//!
//! 1. validation — `receipt::parse_document_str` (parse + every rule) and `mk_validate` (the same
//!    through the C ABI, with the envelope) against plain `serde_json::from_str::<Value>` of the
//!    same receipt text: what the rules cost on top of reading the JSON at all;
//! 2. sending — `mk_send_check` (validation, the delivery loop, the envelope) against a bare
//!    keep-alive `ureq` POST of the same JSON to the same in-process sandbox: what the library adds
//!    on top of the HTTP request it has to make anyway.
//!
//! Run: `cargo bench --bench library` (release profile; loopback only; bounded iteration counts).
//! Each pair is measured in alternating rounds; the reported ratio is the median of the rounds.

#[path = "../common/mod.rs"]
mod common;

use std::ffi::{CStr, CString};
use std::hint::black_box;
use std::time::{Duration, Instant};

use modulpos::ffi;
use modulpos::receipt::{self, ValidationOptions};
use serde_json::{json, Value};

const ROUNDS: usize = 5;

/// A realistic receipt: 10 lines with discounts, VAT and codes, two payments.
fn receipt_json(id: &str) -> String {
    let lines: Vec<Value> = (0..10)
        .map(|i| {
            json!({
                "name": format!("Товар №{i} — чай листовой, 100 г"),
                "price": 199.90 + i as f64,
                "quantity": 1.5,
                "discSum": 0.35,
                "vatTag": 1102,
                "vatSum": 49.92,
                "paymentObject": "commodity",
                "paymentMethod": "full_payment",
                "measure": "pcs",
                "inventCode": format!("ART-{i:05}"),
            })
        })
        .collect();
    // Σ round(price × 1.5) − 0.35 over i = 0..9 = Σ (299.85 + 1.5 i) − 3.50 = 2998.50 + 67.50 − 3.50.
    json!({
        "id": id, "docNum": "BENCH-1", "docType": "SALE",
        "checkoutDateTime": "2026-11-28T12:00:00+03:00", "email": "buyer@example.com",
        "taxMode": "COMMON", "cashierName": "Иванова А. А.",
        "inventPositions": lines,
        "moneyPositions": [{"paymentType": "CARD", "sum": 3000.00}, {"paymentType": "PREPAID", "sum": 62.50}],
    })
    .to_string()
}

/// Time `iterations` calls of `f`.
fn time(iterations: u32, mut f: impl FnMut(u32)) -> Duration {
    let start = Instant::now();
    for i in 0..iterations {
        f(i);
    }
    start.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Measure `subject` against `baseline` in alternating rounds; print per-call times and the ratio.
fn compare(
    name: &str,
    iterations: u32,
    mut baseline: impl FnMut(u32),
    mut subject: impl FnMut(u32),
) {
    let (mut base_us, mut subj_us, mut ratios) = (vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        let b = time(iterations, &mut baseline).as_secs_f64() * 1e6 / iterations as f64;
        let s = time(iterations, &mut subject).as_secs_f64() * 1e6 / iterations as f64;
        base_us.push(b);
        subj_us.push(s);
        ratios.push(s / b);
    }
    println!(
        "{name:<44} baseline {:>9.2} µs/call   subject {:>9.2} µs/call   ratio {:>5.2}×",
        median(base_us),
        median(subj_us),
        median(ratios)
    );
}

/// Call an FFI function returning an envelope, check it is `ok`, free it.
fn expect_ok(ptr: *mut std::ffi::c_char) {
    // SAFETY: every envelope-returning export returns a live, NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap();
    assert!(text.starts_with("{\"ok\":true,"), "{text}");
    // SAFETY: `ptr` came from the library and is freed once.
    unsafe { ffi::mk_string_free(ptr) };
}

fn main() {
    println!("modulpos library benchmark ({ROUNDS} alternating rounds, medians)");

    // 1. Validation against plain JSON parsing.
    let text = receipt_json("bench-validate-1");
    let c_text = CString::new(text.clone()).unwrap();
    let options = ValidationOptions::default();
    receipt::parse_document_str(&text, &options).expect("the bench receipt is valid");
    compare(
        "parse_document_str vs serde_json Value",
        20_000,
        |_| {
            black_box(serde_json::from_str::<Value>(black_box(&text)).unwrap());
        },
        |_| {
            black_box(receipt::parse_document_str(black_box(&text), &options).unwrap());
        },
    );
    compare(
        "mk_validate (C ABI) vs serde_json Value",
        20_000,
        |_| {
            black_box(serde_json::from_str::<Value>(black_box(&text)).unwrap());
        },
        // SAFETY: a valid NUL-terminated input and a NULL options pointer, as the header allows.
        |_| expect_ok(unsafe { ffi::mk_validate(c_text.as_ptr(), std::ptr::null()) }),
    );

    // 2. Sending against a bare HTTP POST, both to one in-process sandbox.
    let sb = common::sandbox();
    let (login, password) = common::associate(&sb);
    let config = CString::new(
        json!({"base_url": sb.base_url(), "login": login, "password": password}).to_string(),
    )
    .unwrap();
    let mut handle = std::ptr::null_mut();
    // SAFETY: valid config string and out-pointer.
    expect_ok(unsafe { ffi::mk_client_new(config.as_ptr(), &mut handle) });
    assert!(!handle.is_null());

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let doc_url = format!("{}/v2/doc", sb.base_url());
    let auth = common::basic_auth(&login, &password);
    // Every document needs a fresh id (a repeated one is answered from the store, not created).
    let run = std::process::id();
    let (mut raw_n, mut ffi_n) = (0u64, 0u64);
    compare(
        "mk_send_check (C ABI) vs bare ureq POST",
        1_500,
        |_| {
            raw_n += 1;
            let body = receipt_json(&format!("bench-raw-{run}-{raw_n}"));
            let mut r = agent
                .post(&doc_url)
                .header("Authorization", &auth)
                .header("Content-Type", "application/json")
                .send(body.as_bytes())
                .unwrap();
            assert_eq!(r.status(), 200);
            black_box(r.body_mut().read_to_string().unwrap());
        },
        |_| {
            ffi_n += 1;
            let body = CString::new(receipt_json(&format!("bench-ffi-{run}-{ffi_n}"))).unwrap();
            // SAFETY: a live handle and a valid NUL-terminated document.
            expect_ok(unsafe { ffi::mk_send_check(handle, body.as_ptr()) });
        },
    );
    // SAFETY: the handle from mk_client_new, freed once after its last use.
    unsafe { ffi::mk_client_free(handle) };
}
