//! A document through `mk_validate` and `mk_send_check` (a handle without credentials, so nothing
//! is ever sent: a valid document ends as "associate first"). Never a crash, an envelope bounded
//! by the input, and a document `mk_validate` accepts is accepted again as it normalized it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use modulpos::ffi::{mk_client_new, mk_send_check, mk_string_free, mk_validate, MkClient};

#[path = "common.rs"]
mod common;

struct Handle(*mut MkClient);
// SAFETY: an MkClient is thread-safe (see the header); the handle is never freed.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

fn client() -> *mut MkClient {
    static CLIENT: OnceLock<Handle> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let config = c"{\"base_url\":\"http://127.0.0.1:9/api/fn\",\"max_attempts\":1}";
            let mut client = std::ptr::null_mut();
            let envelope = unsafe { mk_client_new(config.as_ptr(), &mut client) };
            unsafe { mk_string_free(envelope) };
            assert!(!client.is_null());
            Handle(client)
        })
        .0
}

fuzz_target!(|data: &[u8]| {
    let document = common::c_string(data);
    let validated = common::check_envelope(
        unsafe { mk_validate(document.as_ptr(), std::ptr::null()) },
        data.len(),
    );
    let sent = common::check_envelope(
        unsafe { mk_send_check(client(), document.as_ptr()) },
        data.len(),
    );
    assert!(!sent.ok, "nothing can be sent without credentials");
    if validated.ok {
        // Valid → the send fails only for the missing association.
        assert_eq!(sent.code.as_deref(), Some("invalid_argument"));
    } else {
        assert_eq!(
            sent.code, validated.code,
            "mk_send_check validates as mk_validate does"
        );
    }
});
