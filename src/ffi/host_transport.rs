//! The host transport: a host (PHP's Guzzle, say) moves the bytes of every HTTP exchange through
//! its callback, and answers each exchange with `mk_exchange_respond` or `mk_exchange_fail`.

use std::ffi::{c_char, CStr, CString};

use serde_json::Value;

use super::arguments::{client_ref, read_str};
use super::envelope::envelope_call;
use super::MkClient;
use crate::client::transport::{request_json, HostResponse, MkExchange, Transport};

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
/// calls `mk_exchange_respond` (status and body; `mk_exchange_header` passes `Retry-After`) or `mk_exchange_fail` (no answer: a `transport`
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

/// One header of the host's answer to one exchange (inside its transport callback, before or
/// after `mk_exchange_respond`): `name` and `value` are NUL-terminated UTF-8. The library reads
/// `Retry-After` (delta-seconds; a 408, 429 or 503 then waits that long within the send's
/// deadline, as on the native path); other headers are ignored, so a host may pass only that
/// one. Returns 0, or -1 when an argument is NULL or not UTF-8 (the header is then ignored).
///
/// # Safety
/// `exchange` is the pointer the callback received, during the callback; `name` and `value` are
/// NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn mk_exchange_header(
    exchange: *mut MkExchange,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    // SAFETY: caller contract (see `# Safety`).
    let Some(exchange) = (unsafe { exchange.as_mut() }) else {
        return -1;
    };
    // SAFETY: NULL or NUL-terminated (caller contract).
    let read = unsafe { (read_str(name, "name"), read_str(value, "value")) };
    let (Ok(name), Ok(value)) = read else {
        return -1;
    };
    exchange.header(name, value);
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
