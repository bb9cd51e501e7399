//! Randomized inputs through the C ABI: tens of thousands of mutated receipts and configs, each
//! of which must come back as a well-formed envelope — never a crash, never NULL, never an
//! `internal` error (a caught panic would be one). Deterministic (a fixed-seed xorshift), bounded
//! in count, no network: only the calls that parse input without sending it.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use common::{replace_a_node, Rng};
use modulpos::ffi::*;
use serde_json::{json, Value};

/// Free an envelope and check its shape; returns it parsed.
fn check_envelope(ptr: *mut c_char, input: &[u8]) -> Value {
    assert!(
        !ptr.is_null(),
        "NULL envelope for {:?}",
        String::from_utf8_lossy(input)
    );
    let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
    unsafe { mk_string_free(ptr) };
    let v: Value = serde_json::from_str(&text).expect("the envelope is JSON");
    match v["ok"].as_bool() {
        Some(true) => assert!(v.get("data").is_some(), "{text}"),
        Some(false) => {
            let code = v["error"]["code"].as_str().unwrap();
            assert_ne!(
                code,
                "internal",
                "{text}\ninput: {:?}",
                String::from_utf8_lossy(input)
            );
            assert_eq!(v["error"].as_object().unwrap().len(), 11, "{text}");
        }
        None => panic!("no ok flag: {text}"),
    }
    v
}

fn valid_receipt() -> Value {
    json!({
        "id": "fuzz-1", "docNum": "F-1", "docType": "SALE_CORRECTION",
        "checkoutDateTime": "2026-11-28T12:00:00+03:00", "email": "+79991234567",
        "taxMode": "COMMON", "cashierName": "Иванова", "cashierInn": "500100732259",
        "responseURL": "https://shop.example/cb?x=1", "printReceipt": true,
        "correctionInfo": {"reason": "BY_ORDER", "documentDate": "2026-11-27", "documentNum": "12"},
        "agentInfo": {"types": ["attorney"], "payingAgent": {"operation": "op", "phones": ["+74951234567"]}},
        "inventPositions": [
            {"name": "Чай", "price": 0.1 + 0.2, "quantity": 3, "vatTag": 1105, "discSum": 0.3,
             "paymentObject": "commodity", "paymentMethod": "full_payment", "measure": "pcs",
             "supplierInfo": {"name": "ООО Поставщик", "inn": "7707083893", "phones": ["+74950000000"]},
             "nomenclatureCode": "00 01 ab", "originCountryCode": "643"},
            {"name": "Кружка", "price": "199.99", "quantity": 1.5, "vatTag": "1113"}
        ],
        "moneyPositions": [{"paymentType": "CARD", "sum": 300.59}, {"paymentType": "PREPAID", "sum": 0}]
    })
}

/// Byte-level mutations of a text: flips, insertions of JSON-significant or hostile bytes,
/// deletions, duplications of a slice.
fn mutate_bytes(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    const INTERESTING: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"-",
        b".",
        b"e9999",
        b"1e-400",
        b"null",
        b"\\u0000",
        b"\\ud800",
        b"\xff",
        b"\xc3",
        b"\xe2\x82",
        b"\t",
        b"99999999999999999999",
    ];
    let mut out = text.to_vec();
    for _ in 0..1 + rng.below(4) {
        if out.is_empty() {
            out.extend_from_slice(b"{");
        }
        let at = rng.below(out.len());
        match rng.below(4) {
            0 => out[at] = (rng.next() & 0xff) as u8,
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            2 => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at..end);
            }
            _ => {
                let end = (at + 1 + rng.below(32)).min(out.len());
                let slice = out[at..end].to_vec();
                out.splice(at..at, slice);
            }
        }
    }
    // A C string ends at the first NUL: keep the input one string.
    out.retain(|&b| b != 0);
    out
}

/// Values put in place of a random node: every JSON type and hostile extremes.
fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(1e300),
        json!(0.000_000_1),
        json!(u64::MAX),
        json!(""),
        json!("x".repeat(5000)),
        json!([]),
        json!({}),
        json!([[[[[]]]]]),
        json!("2026-02-30T25:61:00+99:00"),
    ]
}

#[test]
fn mutated_receipts_always_come_back_as_envelopes() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let replacements = replacements();
    let base = valid_receipt();
    let base_text = base.to_string().into_bytes();
    // The unmutated receipt is valid, so the mutations start from the deep end of the rules.
    let v = check_envelope(
        unsafe {
            mk_validate(
                CString::new(base_text.clone()).unwrap().as_ptr(),
                ptr::null(),
            )
        },
        &base_text,
    );
    assert_eq!(v["ok"], true, "{v}");

    let (mut accepted, mut rejected) = (0, 0);
    for i in 0..30_000 {
        let input = if i % 2 == 0 {
            mutate_bytes(&mut rng, &base_text)
        } else {
            let mut doc = base.clone();
            for _ in 0..1 + rng.below(3) {
                replace_a_node(&mut rng, &mut doc, &replacements);
            }
            doc.to_string().into_bytes()
        };
        let c_input = CString::new(input.clone()).unwrap();
        let options = if i % 7 == 0 {
            c"{\"allow_unknown_values\": true}".as_ptr()
        } else {
            ptr::null()
        };
        let v = check_envelope(unsafe { mk_validate(c_input.as_ptr(), options) }, &input);
        if v["ok"] == true {
            accepted += 1;
            // What validation accepts, validation accepts again, unchanged.
            let again = v["data"]["document"].to_string();
            let c_again = CString::new(again.clone()).unwrap();
            let w = check_envelope(
                unsafe { mk_validate(c_again.as_ptr(), options) },
                again.as_bytes(),
            );
            assert_eq!(
                w["data"]["document"], v["data"]["document"],
                "not stable: {again}"
            );
            // Normalizing never adds a warning (it may drop a field a warning was about).
            let before = v["data"]["warnings"].as_array().unwrap();
            for warning in w["data"]["warnings"].as_array().unwrap() {
                assert!(before.contains(warning), "new warning {warning}: {again}");
            }
        } else {
            rejected += 1;
        }
    }
    eprintln!("accepted {accepted}, rejected {rejected}");
    // Both sides were exercised.
    assert!(
        accepted > 100 && rejected > 10_000,
        "{accepted} / {rejected}"
    );
}

#[test]
fn mutated_configs_and_requests_always_come_back_as_envelopes() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let config = json!({
        "login": "u", "password": "p", "test_mode": true, "base_url": "http://127.0.0.1:9/api/fn",
        "connect_timeout_ms": 1000, "timeout_ms": 2000, "max_attempts": 2, "retry_backoff_ms": 5,
        "allow_insecure_http": false, "allow_unknown_values": false
    })
    .to_string()
    .into_bytes();
    for _ in 0..10_000 {
        let input = mutate_bytes(&mut rng, &config);
        let c_input = CString::new(input.clone()).unwrap();
        let mut handle: *mut MkClient = ptr::null_mut();
        let v = check_envelope(
            unsafe { mk_client_new(c_input.as_ptr(), &mut handle) },
            &input,
        );
        assert_eq!(v["ok"] == true, !handle.is_null(), "{v}");
        // Ids that are not valid for the status URL are refused before any request is made.
        // (A `/` is always kept in, so no mutation makes a valid id and no request is sent.)
        let mut id = mutate_bytes(&mut rng, b"doc/../1 \x7f");
        id.push(b'/');
        let c_id = CString::new(id.clone()).unwrap();
        if !handle.is_null() {
            let v = check_envelope(unsafe { mk_status(handle, c_id.as_ptr()) }, &id);
            assert_eq!(v["error"]["code"], "invalid_argument", "{v}");
        }
        unsafe { mk_client_free(handle) };
    }
}
