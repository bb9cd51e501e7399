//! `mk_client_new` with any config text: an envelope and, on success, a handle; never a crash,
//! never a secret in the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modulpos::ffi::{mk_client_free, mk_client_new};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let config = common::c_string(data);
    let mut client = std::ptr::null_mut();
    let envelope = unsafe { mk_client_new(config.as_ptr(), &mut client) };
    let e = common::check_envelope(envelope, data.len());
    assert_eq!(e.ok, !client.is_null(), "a handle iff ok");
    if let Some(code) = e.code {
        assert_eq!(code, "invalid_argument");
    }
    unsafe { mk_client_free(client) };
});
