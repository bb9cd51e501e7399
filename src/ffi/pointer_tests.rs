//! The boundary's pointer and string handling, in tests small enough for miri (tests/miri/run.sh
//! runs every `ffi::` unit test under it): NULL in every pointer argument, strings that are not
//! UTF-8, envelopes handed out and taken back, a handle created, used and freed, and a host's
//! answer copied out of its buffer. Nothing here touches the network.

use std::ffi::{c_char, CStr};
use std::ptr;

use serde_json::Value;

use super::*;

/// Take an envelope back from C: parse it, free it.
fn take(envelope: *mut c_char) -> Value {
    assert!(!envelope.is_null());
    // SAFETY: an envelope is a NUL-terminated string the caller owns until mk_string_free.
    let text = unsafe { CStr::from_ptr(envelope) }
        .to_str()
        .unwrap()
        .to_owned();
    unsafe { mk_string_free(envelope) };
    serde_json::from_str(&text).unwrap()
}

fn code_and_field(v: &Value) -> (&str, &str) {
    (
        v["error"]["code"].as_str().unwrap_or("ok"),
        v["error"]["field"].as_str().unwrap_or(""),
    )
}

#[test]
fn null_pointers_are_invalid_arguments_named_never_a_crash() {
    let document = c"{}";
    let v = take(unsafe { mk_validate(ptr::null(), ptr::null()) });
    assert_eq!(code_and_field(&v), ("invalid_argument", "document_json"));
    let v = take(unsafe { mk_send_check(ptr::null(), document.as_ptr()) });
    assert_eq!(code_and_field(&v), ("invalid_argument", "client"));
    let v = take(unsafe { mk_client_new(ptr::null(), ptr::null_mut()) });
    assert_eq!(code_and_field(&v), ("invalid_argument", "out_client"));
    let v = take(unsafe { mk_status(ptr::null(), ptr::null()) });
    assert_eq!(code_and_field(&v).0, "invalid_argument");
    // Freeing NULL is a no-op; answering through a NULL exchange is refused.
    unsafe { mk_string_free(ptr::null_mut()) };
    unsafe { mk_client_free(ptr::null_mut()) };
    assert_eq!(
        unsafe { mk_exchange_respond(ptr::null_mut(), 200, ptr::null(), 0) },
        -1
    );
    assert_eq!(
        unsafe { mk_exchange_fail(ptr::null_mut(), ptr::null()) },
        -1
    );
}

#[test]
fn text_that_is_not_utf8_is_refused_at_its_byte() {
    let bytes = b"{\"id\":\"\xff\"}\0";
    let v = take(unsafe { mk_validate(bytes.as_ptr().cast(), ptr::null()) });
    assert_eq!(code_and_field(&v), ("invalid_argument", "document_json"));
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("at byte 7"), "{message}");
}

#[test]
fn a_handle_is_created_used_and_freed_once() {
    // Nothing listens on port 9; an invalid document is refused before any request.
    let config = c"{\"base_url\":\"http://127.0.0.1:9/api/fn\",\"max_attempts\":1}";
    let mut client = ptr::dangling_mut::<MkClient>();
    let v = take(unsafe { mk_client_new(config.as_ptr(), &mut client) });
    assert_eq!(v["ok"], true, "{v}");
    assert!(!client.is_null());
    let v = take(unsafe { mk_send_check(client, c"{\"id\":\"..\"}".as_ptr()) });
    assert_eq!(v["ok"], false, "{v}");
    unsafe { mk_client_free(client) };
    // A refused config leaves *out_client NULL, not dangling.
    let mut refused = ptr::dangling_mut::<MkClient>();
    let v = take(unsafe { mk_client_new(c"{\"base_url\":1}".as_ptr(), &mut refused) });
    assert_eq!(code_and_field(&v).0, "invalid_argument");
    assert!(refused.is_null());
}

#[test]
fn a_hosts_answer_is_copied_out_of_its_buffer() {
    let mut exchange = MkExchange::new();
    let body = b"{\"status\":\"READY\"}".to_vec();
    let rc = unsafe { mk_exchange_respond(&mut exchange, 200, body.as_ptr().cast(), body.len()) };
    assert_eq!(rc, 0);
    drop(body); // the host's buffer is gone; the library kept a copy
    let answer = exchange.outcome().ok().unwrap();
    assert_eq!(
        (answer.status, &answer.body[..]),
        (200, &b"{\"status\":\"READY\"}"[..])
    );

    // A status out of range, or a NULL body with a length, fails the exchange.
    let mut exchange = MkExchange::new();
    assert_eq!(
        unsafe { mk_exchange_respond(&mut exchange, 99, ptr::null(), 0) },
        -1
    );
    assert!(exchange.outcome().is_err());
    let mut exchange = MkExchange::new();
    assert_eq!(
        unsafe { mk_exchange_respond(&mut exchange, 200, ptr::null(), 3) },
        -1
    );
    assert!(exchange.outcome().is_err());

    // A failure message that is not UTF-8 is kept, lossily.
    let mut exchange = MkExchange::new();
    let message = b"proxy \xff down\0";
    assert_eq!(
        unsafe { mk_exchange_fail(&mut exchange, message.as_ptr().cast()) },
        0
    );
    assert_eq!(exchange.outcome().err().unwrap(), "proxy \u{fffd} down");
}
