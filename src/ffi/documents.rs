//! The document calls: send a receipt, ask its status (and the older name of that call),
//! re-queue a failed one.

use std::ffi::c_char;

use super::arguments::{client_ref, parse_json, read_str};
use super::envelope::envelope_call;
use super::MkClient;

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
