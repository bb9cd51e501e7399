//! The network-free entry points of the fuzz targets (`fuzz/`), built only with the `fuzzing`
//! feature. The config and document targets call the C ABI itself; these reach the two JSON
//! inputs that would otherwise need a server: the associate request (parsed and checked as
//! `mk_associate` does before it sends anything) and the service's answers (every parser a
//! response body goes through).

use crate::client::http::service_message;
use crate::client::{Association, DocumentStatus, ServiceStatus};
use crate::error::Result;

/// `mk_associate`'s request JSON, parsed and checked; returns the envelope `mk_associate` would
/// return if it failed before sending, or the request path it would use.
pub fn associate_request(text: &str) -> String {
    let result: Result<String> = crate::ffi::parse_json(text, "request_json")
        .and_then(|v| crate::client::AssociateRequest::from_json(&v))
        .and_then(|request| request.path());
    crate::ffi::envelope_string(&result)
}

/// One response body through every parser an answer meets: the error-body message, and the
/// associate, service status and document status answers (including the status check's stricter
/// reading). Returns how many parsers accepted it.
pub fn response_body(body: &[u8], http_status: u16) -> usize {
    let mut accepted = usize::from(service_message(body).is_some());
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return accepted;
    };
    let what = "fuzz";
    accepted += usize::from(Association::from_json(value.clone(), what, http_status).is_ok());
    accepted += usize::from(ServiceStatus::from_json(value.clone(), what, http_status).is_ok());
    accepted += usize::from(DocumentStatus::from_json(value.clone(), what, http_status).is_ok());
    if let Ok(status) = DocumentStatus::from_status_answer(value, what, http_status) {
        // What the caller then reads of it must not panic either.
        let _ = (
            status.is_fiscalized(),
            status.message(),
            status.fiscal_info(),
        );
        let _ = serde_json::to_string(&status);
        accepted += 1;
    }
    accepted
}
