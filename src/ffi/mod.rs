//! The C ABI: the only `extern "C"` and `unsafe` code of the crate.
//!
//! One file per part of the API (`cargo xtask headers` reads them all; see `cbindgen.toml`):
//! - `arguments`: reading C strings, JSON text and client handles;
//! - `envelope`: the JSON envelope every call answers, the panic boundary, `mk_string_free`;
//! - `client`: creating and freeing a handle, associating, the service status;
//! - `host_transport`: a host's transport callback and its answers (`mk_exchange_*`);
//! - `documents`: sending a receipt, its status, re-queueing;
//! - `validation`: validating without a client, the code tables;
//! - `audit_log`: the log callback (audit trail);
//! - `trusted_callbacks`: signing callback URLs and checking incoming callbacks;
//! - `version`: the library and C ABI versions.
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

/// The version of this C ABI; wrappers check it when they load the library. It changes only when
/// a signature or the meaning of an existing call changes.
pub const MK_ABI_VERSION: u32 = 1;

/// The largest accepted input string, in bytes (without the terminating NUL).
pub const MK_MAX_INPUT_BYTES: usize = 1024 * 1024;

// The order of these modules is the order of the functions in the generated header (cbindgen
// reads them in declaration order), kept as it was when this was one file. Blank lines keep
// rustfmt from sorting them.
mod arguments;

mod client;

mod host_transport;

mod documents;

mod validation;

mod audit_log;

mod trusted_callbacks;

mod envelope;

mod version;

#[cfg(test)]
mod pointer_tests;

pub use audit_log::{mk_client_set_log_callback, MkLogCallback};
pub use client::{
    mk_associate, mk_client_free, mk_client_new, mk_delete_association, mk_service_status, MkClient,
};
pub use documents::{mk_document_status, mk_requeue, mk_send_check, mk_status};
pub use envelope::{envelope_string, mk_string_free};
pub use host_transport::{
    mk_client_set_transport, mk_exchange_fail, mk_exchange_header, mk_exchange_respond,
};
pub use trusted_callbacks::{mk_callback_url, mk_callback_verify};
pub use validation::{mk_tables, mk_validate};
pub use version::{mk_abi_version, mk_version};

pub use crate::client::transport::MkExchange;
// The fuzz targets (`fuzzing.rs`) reach the JSON reader of the C ABI.
#[cfg(feature = "fuzzing")]
pub(crate) use arguments::parse_json;
