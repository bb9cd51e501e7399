//! The client handle: creating and freeing it, and the calls about the association and the
//! fiscal service itself (associate, revoke, service status).

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{json, Value};

use super::arguments::{client_ref, parse_json, read_optional_str, read_str};
use super::envelope::envelope_call;
use crate::client::{AssociateRequest, Client, Config};
use crate::error::Error;

/// An opaque client handle: one HTTP agent (connection pool) and the credentials of one
/// association. Created by `mk_client_new`, freed by `mk_client_free`. Thread-safe.
pub struct MkClient {
    pub(super) client: Client,
}

/// Pins this shared library in memory once a client exists: PHP's `FFI::cdef` (FPM with
/// `ffi.enable=true`, no preload) dlcloses the library at the end of every request, which would
/// unload the process-wide agent cache (`client/agents.rs`): a new connection per request, and the
/// descriptors of the pooled sockets leaked. `RTLD_NODELETE` keeps it, so the next request's
/// `dlopen` finds the same copy, cache and connections included.
fn keep_library_loaded() {
    // Under miri (tests/miri/run.sh) there is no shared library, and no dlopen to call.
    if cfg!(miri) {
        return;
    }
    static PINNED: std::sync::Once = std::sync::Once::new();
    PINNED.call_once(|| {
        // SAFETY: dladdr only reads the address (of a function of this library) and fills `info`;
        // dlopen with RTLD_NOLOAD never loads anything, it only takes one more reference to the
        // object that is already loaded (this library), now flagged NODELETE. The handle is kept
        // on purpose (never dlclosed).
        unsafe {
            let mut info: libc::Dl_info = std::mem::zeroed();
            let here = keep_library_loaded as *const () as *const libc::c_void;
            if libc::dladdr(here, &mut info) != 0 && !info.dli_fname.is_null() {
                libc::dlopen(
                    info.dli_fname,
                    libc::RTLD_NOW | libc::RTLD_NOLOAD | libc::RTLD_NODELETE,
                );
            }
        }
    });
}

/// Create a client.
///
/// `config_json`: the config object (keys in docs/c-api.md: `login`, `password`, `test_mode`,
/// `base_url`, `connect_timeout_ms`, `timeout_ms`, `max_attempts`, `retry_backoff_ms`,
/// `allow_insecure_http`, `allow_unknown_values`); NULL or `{}` gives the defaults. Unknown keys
/// are an `invalid_argument` error. No request is made.
///
/// On success `*out_client` receives a new handle, owned by the caller and freed with
/// `mk_client_free`, and `data` is `{"base_url": "..."}`. On error `*out_client` is set to NULL.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out_client` is NULL (an error) or points to
/// writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn mk_client_new(
    config_json: *const c_char,
    out_client: *mut *mut MkClient,
) -> *mut c_char {
    envelope_call(|| {
        if out_client.is_null() {
            return Err(Error::invalid_argument(
                Some("out_client"),
                "must not be NULL",
            ));
        }
        // SAFETY: `out_client` is non-NULL and writable (caller contract).
        unsafe { *out_client = std::ptr::null_mut() };
        // SAFETY: `config_json` is NULL or NUL-terminated (caller contract).
        let config = match unsafe { read_optional_str(config_json, "config_json") }? {
            None => Config::default(),
            Some(text) => Config::from_json_value(&parse_json(text, "config_json")?)?,
        };
        let client = Client::new(config)?;
        keep_library_loaded();
        let data = json!({ "base_url": client.base_url() });
        // SAFETY: as above; ownership of the box passes to the caller until mk_client_free.
        unsafe { *out_client = Box::into_raw(Box::new(MkClient { client })) };
        Ok(data)
    })
}

/// Free a client handle. NULL is ignored. Call it once, after every call using the handle has
/// returned; the handle must not be used afterwards.
///
/// # Safety
/// `client` is NULL or a handle from `mk_client_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn mk_client_free(client: *mut MkClient) {
    if client.is_null() {
        return;
    }
    // SAFETY: `client` came from Box::into_raw in mk_client_new and is freed once (contract).
    let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(client) })));
}

/// Associate with a retail point: `POST /v1/associate/{retail_point_id}[?clientId=]`.
///
/// `request_json`: `{"login": "...", "password": "...", "retail_point_id": "<uuid>",
/// "client_id": "..." (optional)}` — the *account* credentials. `data` is the service's
/// `RetailPointAssociation` (`userName`, `password`, `name`, `address`, ...): pass `userName` and
/// `password` as `login` and `password` to `mk_client_new` for every other call. Associating
/// again rotates the password. The handle's own credentials are not used or changed.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `client` is NULL or a live handle; `request_json` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mk_associate(
    client: *const MkClient,
    request_json: *const c_char,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let client = unsafe { client_ref(client) }?;
        let request = AssociateRequest::from_json(&parse_json(
            unsafe { read_str(request_json, "request_json") }?,
            "request_json",
        )?)?;
        client.associate(&request)
    })
}

/// Revoke the handle's association: `DELETE /v1/associate`. `data` is `null`.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn mk_delete_association(client: *const MkClient) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        unsafe { client_ref(client) }?.delete_association()?;
        Ok(Value::Null)
    })
}

/// The fiscal service's state: `GET /v1/status`. `data` is the service's `FNStatus`
/// (`status`: `ASSOCIATED` | `READY` | `DISABLED` | `FAILED`, `dateTime`, ...).
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn mk_service_status(client: *const MkClient) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        unsafe { client_ref(client) }?.service_status()
    })
}
