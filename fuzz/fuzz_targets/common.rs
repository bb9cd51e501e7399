//! Shared by the targets: the C string a fuzz input becomes, and the envelope check.
// Each target uses only some of these helpers.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};

/// The input as a C string: cut at the first NUL (a C caller cannot pass one either).
pub fn c_string(data: &[u8]) -> CString {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    CString::new(&data[..end]).expect("no NUL before end")
}

/// Take an envelope: it must be non-NULL UTF-8 JSON with `ok`, an error must carry every key and
/// be a stable code, and its size must stay within a bound of the input's. Frees it.
pub fn check_envelope(ptr: *mut c_char, input_len: usize) -> serde_json_lite::Envelope {
    assert!(!ptr.is_null(), "an envelope call returned NULL");
    let text = unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .expect("the envelope is UTF-8")
        .to_owned();
    unsafe { modulpos::ffi::mk_string_free(ptr) };
    assert!(
        text.len() <= 64 * 1024 + 8 * input_len,
        "an envelope of {} bytes for {} bytes of input",
        text.len(),
        input_len
    );
    serde_json_lite::parse(&text)
}

/// The few facts of an envelope the targets check, read without a JSON dependency of our own
/// (the library's serde_json is not re-exported).
pub mod serde_json_lite {
    pub struct Envelope {
        pub ok: bool,
        pub code: Option<String>,
    }

    pub fn parse(text: &str) -> Envelope {
        let ok = text.starts_with(r#"{"ok":true"#);
        assert!(
            ok || text.starts_with(r#"{"ok":false,"error":{"code":""#),
            "{text}"
        );
        let code = (!ok).then(|| {
            let rest = &text[r#"{"ok":false,"error":{"code":""#.len()..];
            rest[..rest.find('"').expect("code ends")].to_owned()
        });
        if let Some(code) = &code {
            assert_ne!(
                code, "internal",
                "a panic or a bug reached the boundary: {text}"
            );
            for key in [
                "\"message\":",
                "\"retryable\":",
                "\"may_exist\":",
                "\"safe_to_resend\":",
                "\"issues\":",
                "\"issue_count\":",
            ] {
                assert!(text.contains(key), "{key} missing: {text}");
            }
        }
        Envelope { ok, code }
    }
}
