//! The audit trail: a C log callback that receives one JSON line per HTTP request a handle makes.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use serde_json::Value;

use super::arguments::client_ref;
use super::envelope::envelope_call;
use super::MkClient;
use crate::client::{AttemptEvent, AuditHook};

/// A log callback (see `mk_client_set_log_callback`). `level`: 1 error, 2 warn, 3 info, 4 debug,
/// 5 trace (an HTTP attempt that succeeded is 3, one that failed is 2). `json_line`: one JSON
/// object, NUL-terminated, valid only during the call (copy it to keep it). `user_data`: as given
/// to `mk_client_set_log_callback`.
pub type MkLogCallback =
    Option<unsafe extern "C" fn(level: u32, json_line: *const c_char, user_data: *mut c_void)>;

/// The C callback and its user data, as an audit hook.
struct CLogger {
    callback: unsafe extern "C" fn(u32, *const c_char, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: the caller of mk_client_set_log_callback promises that `callback` may be called with
// `user_data` from any thread that uses the handle (documented there).
unsafe impl Send for CLogger {}
unsafe impl Sync for CLogger {}

impl CLogger {
    fn log(&self, event: &AttemptEvent) {
        // A JSON line has no NUL byte (serde escapes it as \u0000).
        let Ok(line) = CString::new(event.to_json_line()) else {
            return;
        };
        // SAFETY: the callback and user data are valid while set (caller contract); the line
        // lives until the call returns.
        unsafe { (self.callback)(event.level() as u32, line.as_ptr(), self.user_data) }
    }
}

/// Set, replace or (with a NULL `callback`) remove the handle's log callback. It receives one
/// line per HTTP request the handle makes (the audit trail): `{"event":"http_attempt",
/// "operation","endpoint","method","document_id","attempt","http_status","duration_ms",
/// "outcome":"ok"|"error","error_code","may_have_taken_effect","message"}` (see README, "Audit
/// trail"). A line never holds a password, an `Authorization` header or a body.
///
/// The callback runs on the thread that made the call on the handle, before that call returns;
/// with a handle shared by threads it may run on several threads at once. It must not unwind and
/// must not call `mk_client_set_log_callback` on the same handle (that would wait for itself).
/// When this function returns, no call of the previous callback is running and none will start,
/// so its `user_data` may be released. `user_data` must stay valid until the callback is
/// replaced or removed, or the handle is freed. `data` is `null`.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `client` is NULL or a live handle; `callback` is NULL or a function that may be called as
/// described above with `user_data`.
#[no_mangle]
pub unsafe extern "C" fn mk_client_set_log_callback(
    client: *const MkClient,
    callback: MkLogCallback,
    user_data: *mut c_void,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let client = unsafe { client_ref(client) }?;
        let hook: Option<AuditHook> = callback.map(|callback| {
            let logger = CLogger {
                callback,
                user_data,
            };
            Arc::new(move |event: &AttemptEvent| logger.log(event)) as AuditHook
        });
        client.set_audit_hook(hook);
        Ok(Value::Null)
    })
}
