//! The answer of every call that can fail: a JSON envelope, `{"ok":true,"data":...}` or
//! `{"ok":false,"error":{...}}`, handed to C as an owned string (freed by `mk_string_free`), and
//! the panic boundary that makes sure a panic becomes an `internal` envelope, never an unwind
//! into C.

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::Serialize;

use crate::error::{Error, FieldIssue, Result, MAX_LISTED_ISSUES};

/// Sent when even the envelope cannot be built (it cannot contain a NUL; this is a last resort).
const FALLBACK_ENVELOPE: &str = r#"{"ok":false,"error":{"code":"internal","message":"internal error: the result could not be encoded","retryable":false,"http_status":null,"field":null,"service_message":null,"issues":[],"issue_count":0,"may_exist":false,"safe_to_resend":false,"retry_after_ms":null}}"#;

/// The `error` object of an envelope: all eleven keys, always, in this order. `issues` lists at
/// most [`MAX_LISTED_ISSUES`]; `issue_count` counts them all.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'static str,
    message: String,
    retryable: bool,
    http_status: Option<u16>,
    field: Option<&'a str>,
    service_message: Option<&'a str>,
    issues: &'a [FieldIssue],
    issue_count: usize,
    may_exist: bool,
    safe_to_resend: bool,
    retry_after_ms: Option<u64>,
}

impl<'a> From<&'a Error> for ErrorBody<'a> {
    fn from(e: &'a Error) -> Self {
        ErrorBody {
            code: e.code(),
            message: e.to_string(),
            retryable: e.retryable(),
            http_status: e.http_status(),
            field: e.field(),
            service_message: e.service_message(),
            issues: &e.issues()[..e.issues().len().min(MAX_LISTED_ISSUES)],
            issue_count: e.issue_count().max(e.issues().len()),
            may_exist: e.may_exist(),
            safe_to_resend: e.safe_to_resend(),
            retry_after_ms: e.retry_after_ms(),
        }
    }
}

/// `{"ok":true,"data":...}` or `{"ok":false,"error":{...}}`, serialized straight from the typed
/// result (no intermediate `Value` tree).
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorBody<'a>>,
}

/// The envelope of a result, as JSON text.
pub fn envelope_string<T: Serialize>(result: &Result<T>) -> String {
    let bytes = envelope_bytes(result);
    // serde_json writes only UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| FALLBACK_ENVELOPE.to_owned())
}

/// The envelope as JSON bytes, with one spare byte of capacity for the C string's NUL.
fn envelope_bytes<T: Serialize>(result: &Result<T>) -> Vec<u8> {
    // Most envelopes (a status, a send's result) fit: no regrowth on the hot path.
    let mut out = Vec::with_capacity(1024);
    let encoded = match result {
        Ok(data) => serde_json::to_writer(
            &mut out,
            &Envelope {
                ok: true,
                data: Some(data),
                error: None,
            },
        ),
        Err(e) => serde_json::to_writer(
            &mut out,
            &Envelope::<()> {
                ok: false,
                data: None,
                error: Some(e.into()),
            },
        ),
    };
    match encoded {
        Ok(()) => out,
        // A result that cannot be encoded (a map with non-string keys, say) is a bug here.
        Err(e) => envelope_bytes::<()>(&Err(Error::Internal(format!(
            "cannot encode the result: {e}"
        )))),
    }
}

/// Hand an envelope to C; it comes back through `mk_string_free`. JSON text never holds a NUL
/// byte (serde_json writes it as \u0000), so the NUL is appended in place, without a copy.
fn into_c_string(mut bytes: Vec<u8>) -> *mut c_char {
    bytes.push(0);
    CString::from_vec_with_nul(bytes)
        .unwrap_or_else(|_| CString::new(FALLBACK_ENVELOPE).expect("fallback has no NUL"))
        .into_raw()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    let short: String = text.chars().take(500).collect();
    format!("a panic was caught at the C boundary: {short}")
}

/// The panic boundary of every envelope-returning export: runs `f`, turns a panic into an
/// `internal` error, and hands the envelope to C.
pub(super) fn envelope_call<T: Serialize>(f: impl FnOnce() -> Result<T>) -> *mut c_char {
    let result = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(Error::Internal(panic_message(payload.as_ref()))),
    };
    // Building the envelope cannot panic in practice; guard it anyway.
    match catch_unwind(AssertUnwindSafe(|| into_c_string(envelope_bytes(&result)))) {
        Ok(ptr) => ptr,
        Err(_) => into_c_string(FALLBACK_ENVELOPE.as_bytes().to_vec()),
    }
}

/// Free a string returned by this library. NULL is ignored. Pass only strings this library
/// returned, each once; never pass them to `free()`.
///
/// # Safety
/// `s` is NULL or a string returned by an `mk_*` call and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn mk_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: `s` came from CString::into_raw in this library and is freed once (contract).
    let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { CString::from_raw(s) })));
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use serde_json::{json, Value};

    use super::*;

    /// Take an envelope back from C, parse it, free it.
    fn take(ptr: *mut c_char) -> Value {
        assert!(!ptr.is_null());
        let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        unsafe { mk_string_free(ptr) };
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_panic_becomes_an_internal_envelope() {
        let v = take(envelope_call::<()>(|| panic!("boom")));
        assert_eq!(v["ok"], false);
        assert_eq!(v["error"]["code"], "internal");
        assert!(v["error"]["message"].as_str().unwrap().contains("boom"));
    }

    #[test]
    fn envelopes_always_carry_all_eleven_error_keys() {
        let v = take(envelope_call::<()>(|| Err(Error::Authentication)));
        let error = v["error"].as_object().unwrap();
        let mut keys: Vec<&str> = error.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code",
                "field",
                "http_status",
                "issue_count",
                "issues",
                "may_exist",
                "message",
                "retry_after_ms",
                "retryable",
                "safe_to_resend",
                "service_message"
            ]
        );
        assert_eq!(error["http_status"], 401);
        // The truths of a send come through.
        let v = take(envelope_call::<()>(|| {
            Err(Error::Undelivered {
                cause: Box::new(Error::Transport("dropped".into())),
                may_exist: true,
                safe_to_resend: true,
                note: None,
            })
        }));
        assert_eq!(v["error"]["code"], "transport");
        assert_eq!(v["error"]["may_exist"], true);
        assert_eq!(v["error"]["safe_to_resend"], true);
        let v = take(envelope_call(|| Ok(json!([1, 2]))));
        assert_eq!(v, json!({"ok": true, "data": [1, 2]}));
    }

    #[test]
    fn fallback_envelope_is_valid_json_with_all_keys() {
        let v: Value = serde_json::from_str(FALLBACK_ENVELOPE).unwrap();
        assert_eq!(v["error"].as_object().unwrap().len(), 11);
    }

    #[test]
    fn an_envelope_lists_at_most_the_cap_of_issues_and_counts_all() {
        let issues: Vec<FieldIssue> = (0..250)
            .map(|i| {
                FieldIssue::new(
                    format!("inventPositions[{i}].name"),
                    "required",
                    "is required",
                )
            })
            .collect();
        let v = take(envelope_call::<()>(|| {
            Err(Error::Validation { issues, total: 250 })
        }));
        assert_eq!(
            v["error"]["issues"].as_array().unwrap().len(),
            MAX_LISTED_ISSUES
        );
        assert_eq!(v["error"]["issue_count"], 250);
    }

    #[test]
    fn envelopes_put_ok_first_and_keep_the_error_keys_in_order() {
        let ok = envelope_string(&Ok(json!({"a": 1})));
        assert_eq!(ok, r#"{"ok":true,"data":{"a":1}}"#);
        assert_eq!(envelope_string(&Ok(())), r#"{"ok":true,"data":null}"#);
        let err = envelope_string::<()>(&Err(Error::Authentication));
        assert!(
            err.starts_with(r#"{"ok":false,"error":{"code":"authentication","message":"#),
            "{err}"
        );
        assert!(
            err.ends_with(r#""retryable":false,"http_status":401,"field":null,"service_message":null,"issues":[],"issue_count":0,"may_exist":false,"safe_to_resend":false,"retry_after_ms":null}}"#),
            "{err}"
        );
    }
}
