//! Output and memory of the C entry points stay bounded relative to their input (issue 10, item
//! 4): `mk_validate` on a 1 MB document of 340,000 empty positions once returned a 149 MB envelope
//! and raised the peak RSS by 413 MiB. One test in its own binary, so the process's peak RSS is
//! this test's.

use std::ffi::{CStr, CString};

use modulpos::ffi::*;
use serde_json::Value;

/// The process's peak resident set, from /proc (Linux), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[test]
fn a_megabyte_of_empty_positions_gives_a_small_envelope_in_bounded_memory() {
    let positions = vec!["{}"; 340_000].join(",");
    let document = format!(
        r#"{{"id":"bounds-1","docNum":"1","docType":"SALE","checkoutDateTime":"2026-11-28T10:00:00+03:00","email":"a@b.ru","inventPositions":[{positions}],"moneyPositions":[]}}"#
    );
    assert!(
        document.len() > 1_000_000 && document.len() <= 1 << 20,
        "{}",
        document.len()
    );
    let input = CString::new(document.clone()).unwrap();
    let before = peak_rss();
    for call in ["mk_validate", "mk_send_check"] {
        let ptr = match call {
            "mk_validate" => unsafe { mk_validate(input.as_ptr(), std::ptr::null()) },
            _ => {
                // No request is made: validation fails first.
                let config = CString::new(
                    r#"{"login":"u","password":"p","base_url":"http://127.0.0.1:9/api/fn"}"#,
                )
                .unwrap();
                let mut client = std::ptr::null_mut();
                let created = unsafe { mk_client_new(config.as_ptr(), &mut client) };
                unsafe { mk_string_free(created) };
                let out = unsafe { mk_send_check(client, input.as_ptr()) };
                unsafe { mk_client_free(client) };
                out
            }
        };
        let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        unsafe { mk_string_free(ptr) };
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["code"], "validation", "{call}");
        assert_eq!(
            v["error"]["issues"].as_array().unwrap().len(),
            100,
            "{call}"
        );
        assert!(
            v["error"]["issue_count"].as_u64().unwrap() >= 340_000,
            "{call}"
        );
        // The envelope is a few kilobytes, not 146 times the input.
        assert!(
            text.len() < 32 * 1024,
            "{call}: the envelope is {} bytes",
            text.len()
        );
    }
    let grown = peak_rss().saturating_sub(before);
    // serde_json's tree of 340,000 empty objects is about 20 bytes of memory per byte of input
    // at most; the audit saw 413 MiB.
    assert!(
        grown < 40 * (1 << 20),
        "peak RSS grew by {} MiB for a {} byte input",
        grown >> 20,
        document.len()
    );
    println!("peak RSS grew by {} KiB", grown >> 10);
}
