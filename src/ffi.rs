//! The C ABI: the only `extern "C"` and `unsafe` code of the crate.
//!
//! Conventions (see docs/c-api.md):
//! - Inputs are borrowed, NUL-terminated UTF-8 strings, read only during the call and never kept.
//! - Every call that can fail returns a newly allocated JSON envelope, `{"ok":true,"data":...}`
//!   or `{"ok":false,"error":{code,message,retryable,http_status,field,service_message,issues,
//!   issue_count,may_exist,safe_to_resend,retry_after_ms}}` (`may_exist`: the service may hold
//!   the document; `safe_to_resend`: sending it again with the same id is safe; see README "Errors"),
//!   which the caller frees with [`mk_string_free`] (never `free()`). These calls never return
//!   NULL.
//! - A NULL argument, invalid UTF-8, an input over 1 MiB, malformed or too deeply nested JSON
//!   and wrong JSON types all come back as `invalid_argument` (or `validation`) envelopes.
//! - Every export runs inside [`std::panic::catch_unwind`]: a panic comes back as an `internal`
//!   envelope and never unwinds into C.
//! - An [`MkClient`] is thread-safe: one handle may be used from many threads at once, and
//!   freed once, after every call on it has returned.

#![deny(unsafe_op_in_unsafe_fn)]

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

pub use crate::client::transport::MkExchange;
use crate::client::transport::{request_json, HostResponse, Transport};
use crate::client::{callback, AssociateRequest, AttemptEvent, AuditHook, Client, Config};
use crate::error::{Error, FieldIssue, Result, CODES, MAX_LISTED_ISSUES};
use crate::receipt::{self, ValidationOptions};

/// The version of this C ABI; wrappers check it when they load the library. It changes only when
/// a signature or the meaning of an existing call changes.
pub const MK_ABI_VERSION: u32 = 1;

/// The largest accepted input string, in bytes (without the terminating NUL).
pub const MK_MAX_INPUT_BYTES: usize = 1024 * 1024;

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the package version contains a NUL byte"),
    };

/// Sent when even the envelope cannot be built (it cannot contain a NUL; this is a last resort).
const FALLBACK_ENVELOPE: &str = r#"{"ok":false,"error":{"code":"internal","message":"internal error: the result could not be encoded","retryable":false,"http_status":null,"field":null,"service_message":null,"issues":[],"issue_count":0,"may_exist":false,"safe_to_resend":false,"retry_after_ms":null}}"#;

/// An opaque client handle: one HTTP agent (connection pool) and the credentials of one
/// association. Created by `mk_client_new`, freed by `mk_client_free`. Thread-safe.
pub struct MkClient {
    client: Client,
}

// ---------------------------------------------------------------------------------------------
// Helpers: reading inputs, building envelopes, the panic boundary.

/// Read a borrowed C string argument: not NULL, at most [`MK_MAX_INPUT_BYTES`], valid UTF-8.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string (the scan stops after
/// `MK_MAX_INPUT_BYTES + 1` bytes, so a longer string is refused without being read to its end).
unsafe fn read_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(Some(name), "must not be NULL"));
    }
    // SAFETY: `ptr` is non-NULL and NUL-terminated (caller contract); strnlen reads at most
    // MK_MAX_INPUT_BYTES + 1 bytes and stops at the NUL.
    let len = unsafe { libc::strnlen(ptr, MK_MAX_INPUT_BYTES + 1) };
    if len > MK_MAX_INPUT_BYTES {
        return Err(Error::invalid_argument(
            Some(name),
            format!("is larger than {MK_MAX_INPUT_BYTES} bytes"),
        ));
    }
    // SAFETY: the `len` bytes before the NUL were just measured and are borrowed for the call.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid_argument(
            Some(name),
            format!("is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// Like [`read_str`], but NULL means "not given".
unsafe fn read_optional_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: same contract as `read_str`, passed on.
        unsafe { read_str(ptr, name) }.map(Some)
    }
}

/// Parse JSON text; serde_json's recursion limit (128) refuses deep nesting, and a key twice in
/// one object is refused naming it (`field` is then the key's path).
pub(crate) fn parse_json(text: &str, name: &str) -> Result<Value> {
    crate::json::from_str_strict(text).map_err(|e| match e {
        crate::json::JsonError::DuplicateKey(path) => Error::invalid_argument(
            Some(&path),
            format!("`{name}` has the key `{path}` twice; give every key once"),
        ),
        syntax => Error::invalid_argument(Some(name), syntax.to_string()),
    })
}

/// # Safety
/// `ptr` is NULL or a handle from `mk_client_new` not yet freed.
unsafe fn client_ref<'a>(ptr: *const MkClient) -> Result<&'a Client> {
    // SAFETY: `ptr` is NULL or a live handle from `mk_client_new` (caller contract).
    unsafe { ptr.as_ref() }
        .map(|handle| &handle.client)
        .ok_or_else(|| Error::invalid_argument(Some("client"), "must not be NULL"))
}

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
    let encoded = match result {
        Ok(data) => serde_json::to_string(&Envelope {
            ok: true,
            data: Some(data),
            error: None,
        }),
        Err(e) => serde_json::to_string(&Envelope::<()> {
            ok: false,
            data: None,
            error: Some(e.into()),
        }),
    };
    match encoded {
        Ok(text) => text,
        // A result that cannot be encoded (a map with non-string keys, say) is a bug here.
        Err(e) => envelope_string::<()>(&Err(Error::Internal(format!(
            "cannot encode the result: {e}"
        )))),
    }
}

/// Hand an envelope to C; it comes back through `mk_string_free`.
fn into_c_string(s: String) -> *mut c_char {
    CString::new(s)
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
fn envelope_call<T: Serialize>(f: impl FnOnce() -> Result<T>) -> *mut c_char {
    let result = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(Error::Internal(panic_message(payload.as_ref()))),
    };
    // Building the envelope cannot panic in practice; guard it anyway.
    match catch_unwind(AssertUnwindSafe(|| into_c_string(envelope_string(&result)))) {
        Ok(ptr) => ptr,
        Err(_) => into_c_string(FALLBACK_ENVELOPE.to_owned()),
    }
}

/// Every code table, plus the error codes.
fn tables() -> Value {
    // An object: `tables_json` lists every table by name.
    let mut tables = receipt::tables_json();
    tables["error_codes"] = receipt::tables::table_json(CODES);
    tables["rules"] = receipt::rules::rules_json();
    tables
}

// ---------------------------------------------------------------------------------------------
// Exports.

/// Pins this shared library in memory once a client exists: PHP's `FFI::cdef` (FPM with
/// `ffi.enable=true`, no preload) dlcloses the library at the end of every request, which would
/// unload the process-wide agent cache (`client/agents.rs`): a new connection per request, and the
/// descriptors of the pooled sockets leaked. `RTLD_NODELETE` keeps it, so the next request's
/// `dlopen` finds the same copy, cache and connections included.
fn keep_library_loaded() {
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

/// A host's transport callback (see `mk_client_set_transport`).
type MkTransportFn = unsafe extern "C" fn(
    user_data: *mut std::ffi::c_void,
    exchange: *mut MkExchange,
    request_json: *const c_char,
);

/// A C callback and its user data, as a [`Transport`].
struct CallbackTransport {
    callback: MkTransportFn,
    user_data: *mut std::ffi::c_void,
}

// SAFETY: the registering host promises (see `mk_client_set_transport`) that the callback may be
// called with `user_data` from any thread that uses the client handle; the library never touches
// `user_data` itself.
unsafe impl Send for CallbackTransport {}
// SAFETY: as above; calls are made through a shared reference only.
unsafe impl Sync for CallbackTransport {}

impl Transport for CallbackTransport {
    fn exchange(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> std::result::Result<HostResponse, String> {
        // JSON text never contains a NUL byte (it is escaped as \u0000).
        let request = CString::new(request_json(method, url, headers, body))
            .map_err(|_| "the request could not be handed to the host".to_owned())?;
        let mut exchange = MkExchange::new();
        // SAFETY: `mk_client_set_transport`'s caller guaranteed the callback and user data;
        // `exchange` and `request` outlive the call, and the host must not keep them.
        unsafe { (self.callback)(self.user_data, &mut exchange, request.as_ptr()) };
        exchange.outcome()
    }
}

/// Route every HTTP exchange of `client` through the host (e.g. PHP's Guzzle client), or back
/// through the native agent when `callback` is NULL. The library still builds each request,
/// validates, maps statuses onto errors and runs the exactly-once delivery; the host only moves
/// bytes. For each exchange the library calls `callback(user_data, exchange, request_json)` with
/// `{"method","url","headers":{name: value},"body": text | null}`; before returning, the callback
/// calls `mk_exchange_respond` (status and body) or `mk_exchange_fail` (no answer: a `transport`
/// error; the document may exist and resending the same id is safe). The `Authorization` header
/// in `headers` holds the credentials: the host must not log it. `timeout_ms` and
/// `connect_timeout_ms` do not apply; the host's own timeouts do. `data` is `null`.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
///
/// # Safety
/// `client` is NULL or a live handle. `callback` is NULL or callable with `user_data` from every
/// thread that uses `client`, until it is replaced or `client` is freed.
#[no_mangle]
pub unsafe extern "C" fn mk_client_set_transport(
    client: *const MkClient,
    callback: Option<
        unsafe extern "C" fn(
            user_data: *mut std::ffi::c_void,
            exchange: *mut MkExchange,
            request_json: *const c_char,
        ),
    >,
    user_data: *mut std::ffi::c_void,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let client = unsafe { client_ref(client) }?;
        // The caller guarantees the callback is callable with user_data until replaced or freed.
        let transport = callback.map(|callback| {
            std::sync::Arc::new(CallbackTransport {
                callback,
                user_data,
            }) as std::sync::Arc<dyn Transport>
        });
        client.set_transport(transport);
        Ok(Value::Null)
    })
}

/// The host's answer to one exchange (inside its transport callback): the HTTP `status`
/// (100-599) and `body_len` bytes at `body` (NULL when `body_len` is 0). Returns 0, or -1 when
/// an argument is invalid (then the exchange counts as failed).
///
/// # Safety
/// `exchange` is the pointer the callback received, during the callback; `body` points to
/// `body_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn mk_exchange_respond(
    exchange: *mut MkExchange,
    status: u16,
    body: *const c_char,
    body_len: usize,
) -> i32 {
    // SAFETY: caller contract (see `# Safety`).
    let Some(exchange) = (unsafe { exchange.as_mut() }) else {
        return -1;
    };
    if !(100..=599).contains(&status) || (body.is_null() && body_len > 0) {
        exchange.fail(format!(
            "the host answered an invalid status {status} or body"
        ));
        return -1;
    }
    let bytes = if body_len == 0 {
        Vec::new()
    } else {
        // SAFETY: non-NULL and `body_len` readable bytes (caller contract).
        unsafe { std::slice::from_raw_parts(body.cast::<u8>(), body_len) }.to_vec()
    };
    exchange.respond(status, bytes);
    0
}

/// The host could not complete one exchange (inside its transport callback): `message` (UTF-8,
/// may be NULL) says why; it becomes part of a `transport` error, so it must not hold a
/// credential. Returns 0, or -1 when `exchange` is NULL.
///
/// # Safety
/// `exchange` is the pointer the callback received, during the callback; `message` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mk_exchange_fail(
    exchange: *mut MkExchange,
    message: *const c_char,
) -> i32 {
    // SAFETY: caller contract (see `# Safety`).
    let Some(exchange) = (unsafe { exchange.as_mut() }) else {
        return -1;
    };
    let text = if message.is_null() {
        "no reason given".to_owned()
    } else {
        // SAFETY: non-NULL and NUL-terminated (caller contract).
        let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
        text.chars().take(500).collect()
    };
    exchange.fail(text);
    0
}

/// Validate and send a receipt: `POST /v2/doc`.
///
/// `document_json`: a `Document` (API section 3). It is validated first; a `validation` error
/// means nothing was sent. A lost answer is retried with the same `id` (asking the document's
/// status before any resend), at most `max_attempts` times. `data` is
/// `{"document_id", "document_status": {...}, "delivery": {"attempts": N, "outcome":
/// "accepted" | "resent" | "found_existing"}, "warnings": [{"field", "rule", "reason"}]}`
/// (`warnings`: the rules of severity `warning` the document broke; it was sent anyway).
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe; blocks for up to 2 × `max_attempts` × `timeout_ms` plus backoff (after a lost
/// answer, each attempt first asks for the status, and the last one is followed by one more ask).
///
/// # Safety
/// `client` is NULL or a live handle; `document_json` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mk_send_check(
    client: *const MkClient,
    document_json: *const c_char,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let client = unsafe { client_ref(client) }?;
        let document = parse_json(
            unsafe { read_str(document_json, "document_json") }?,
            "document_json",
        )?;
        client.send_document_json(&document)
    })
}

/// A document's state: `GET /v1/doc/{id}/status` (`Client::document_status` in Rust).
///
/// `document_id`: the document's `id` as plain UTF-8 text (not JSON). `data` is the service's
/// `DocumentStatus` (`status`, `fnState`, `fiscalInfo`, `failureInfo`, `message`,
/// `timeStatusChanged`, ...). An unknown id is a `not_found` error.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `client` is NULL or a live handle; `document_id` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mk_document_status(
    client: *const MkClient,
    document_id: *const c_char,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let client = unsafe { client_ref(client) }?;
        client.document_status(unsafe { read_str(document_id, "document_id") }?)
    })
}

/// The earlier name of `mk_document_status`, kept so existing callers keep working: the same
/// call, the same result.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// As `mk_document_status`.
#[no_mangle]
pub unsafe extern "C" fn mk_status(
    client: *const MkClient,
    document_id: *const c_char,
) -> *mut c_char {
    // SAFETY: the same contract as mk_document_status.
    unsafe { mk_document_status(client, document_id) }
}

/// Re-queue a `FAILED` document: `PUT /v1/doc/{id}/re-queue`.
///
/// `document_id`: the document's `id` as plain UTF-8 text (not JSON). `data` is the service's
/// `DocumentStatus`. A document in another state is refused by the service (`rejected`).
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `client` is NULL or a live handle; `document_id` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mk_requeue(
    client: *const MkClient,
    document_id: *const c_char,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let client = unsafe { client_ref(client) }?;
        client.requeue(unsafe { read_str(document_id, "document_id") }?)
    })
}

/// Validate a receipt without sending it (no client, no network).
///
/// `document_json`: a `Document`; `options_json`: NULL or `{"allow_unknown_values": bool,
/// "strict": bool}`. `data` is `{"document": {...}, "warnings": [{"field", "rule", "reason"}]}`:
/// the normalized document, exactly as `mk_send_check` would send it, and the broken rules of
/// severity `warning` (errors under `strict`). A `validation` error lists every issue in
/// `issues` (`field` is the JSON path, `rule` the stable rule code, `reason` why).
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// Both arguments are NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn mk_validate(
    document_json: *const c_char,
    options_json: *const c_char,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let options = match unsafe { read_optional_str(options_json, "options_json") }? {
            None => ValidationOptions::default(),
            Some(text) => ValidationOptions::from_json(&parse_json(text, "options_json")?)?,
        };
        let document = parse_json(
            unsafe { read_str(document_json, "document_json") }?,
            "document_json",
        )?;
        receipt::check_document(&document, &options)
    })
}

/// Every code table: document types, tax modes, VAT tags, payment objects and methods, money
/// position types, agent types, correction reasons, measure units, statuses, ... and the error
/// codes (`error_codes`), each as a list of `{"code", "description"}`; and every validation rule
/// (`rules`) as a list of `{"code", "severity": "error" | "warning", "description"}`.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn mk_tables() -> *mut c_char {
    envelope_call(|| Ok(tables()))
}

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

/// Make a document's signed callback URL (its `responseURL`; README, "Trusted callbacks"). No
/// client, no network.
///
/// `request_json`: `{"secret": "<the shop's secret, at least 16 bytes>", "base_url":
/// "https://shop.example/modulpos/callback?order=7", "document_id": "<the document's id>"}`.
/// `data` is `{"url": "<base_url>&mk_doc=<id>&mk_sig=<signature>"}`. The secret never appears in
/// a result or an error.
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mk_callback_url(request_json: *const c_char) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let text = unsafe { read_str(request_json, "request_json") }?;
        let request = callback::UrlRequest::from_json(&parse_json(text, "request_json")?)?;
        let url = request.key.url(&request.base_url, &request.document_id)?;
        Ok(json!({ "url": url }))
    })
}

/// Check an incoming callback, then ask the service: first its `mk_doc`/`mk_sig` against the
/// secret (constant-time; a wrong or missing signature is a `callback_signature` error and no
/// request is made), then `GET /v1/doc/{mk_doc}/status` with the handle's credentials.
///
/// `request_json`: `{"secret": "...", "request": "<the callback's query string, or its URL>"}`.
/// `data` is `{"document_id", "document_status": {the service's DocumentStatus}, "fiscalized":
/// bool, "claimed": {"document_id","status","qr"}, "claim_agrees": bool}`. Act on
/// `document_status` only; `claimed` is what the request said. Answer the callback with HTTP 200
/// on success, 403 on `callback_signature`, 503 on a retryable error (the service calls again).
///
/// Returns an envelope owned by the caller (free with `mk_string_free`); never NULL.
/// Thread-safe; blocks for up to `timeout_ms`.
///
/// # Safety
/// `client` is NULL or a live handle; `request_json` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mk_callback_verify(
    client: *const MkClient,
    request_json: *const c_char,
) -> *mut c_char {
    envelope_call(|| {
        // SAFETY: caller contract of this export (see `# Safety`).
        let client = unsafe { client_ref(client) }?;
        let text = unsafe { read_str(request_json, "request_json") }?;
        let request = callback::VerifyRequest::from_json(&parse_json(text, "request_json")?)?;
        client.confirm_callback(&request.key, &request.request)
    })
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

/// The library version (e.g. `"0.1.0"`): a static string, never freed. Thread-safe.
#[no_mangle]
pub extern "C" fn mk_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The C ABI version: 1. Wrappers check it when they load the library. Thread-safe.
#[no_mangle]
pub extern "C" fn mk_abi_version() -> u32 {
    MK_ABI_VERSION
}

#[cfg(test)]
mod tests {
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
    fn version_strings() {
        let v = unsafe { CStr::from_ptr(mk_version()) }.to_str().unwrap();
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
        assert_eq!(mk_abi_version(), 1);
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

    #[test]
    fn validate_answers_the_normalized_document_in_wire_order() {
        let text = json!({
            "id": "a-1", "docNum": 17, "docType": "SALE", "checkoutDateTime": "2020-02-26T06:41:04Z",
            "email": "b@example.com", "responseURL": "https://e.ru/cb", "taxMode": "COMMON",
            "inventPositions": [
                {"name": "Чай \"Z\"", "price": 0.1 + 0.2, "quantity": 1.5, "discSum": "0.05",
                 "vatTag": "1105", "agentInfo": {"types": ["attorney"]}},
                {"name": "B", "price": 1e2, "quantity": 2, "vatTag": 1102}
            ],
            "moneyPositions": [{"paymentType": "CARD", "sum": 200.4}]
        })
        .to_string();
        let c_text = CString::new(text.clone()).unwrap();
        let ptr = unsafe { mk_validate(c_text.as_ptr(), std::ptr::null()) };
        let answer = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        unsafe { mk_string_free(ptr) };
        let document = receipt::parse_document_str(&text, &ValidationOptions::default()).unwrap();
        assert_eq!(
            answer,
            format!(
                r#"{{"ok":true,"data":{{"document":{},"warnings":[]}}}}"#,
                serde_json::to_string(&document).unwrap()
            )
        );
        assert!(
            answer.starts_with(r#"{"ok":true,"data":{"document":{"id":"a-1","docNum":"17","#),
            "{answer}"
        );
    }
}
