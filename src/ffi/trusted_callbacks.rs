//! Trusted callbacks: signing a document's callback URL, and checking an incoming callback before
//! asking the service for the document's real status.

use std::ffi::c_char;

use serde_json::json;

use super::arguments::{client_ref, parse_json, read_str};
use super::envelope::envelope_call;
use super::MkClient;
use crate::client::callback;

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
