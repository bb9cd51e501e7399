//! modulpos — a client for the Modul.Kassa (МодульКасса) cloud fiscalization API.
//!
//! Layout (data flows top to bottom):
//! - [`ffi`]: the only `extern "C"` code and all `unsafe` code but one `recv` call (the native HTTP
//!   client's non-blocking check of a pooled connection, `client/wire.rs`); JSON in, envelope
//!   out, panic boundary.
//! - [`receipt`]: the receipt model, exact money, every validation rule and the code tables.
//! - [`client`]: a shared HTTP agent per base URL and credentials (a native HTTP/1.1 client, ureq
//!   behind a proxy), one function per endpoint, retries without doubles.
//! - [`error`]: the one error type, with stable codes.

#![deny(unsafe_code)]

pub mod client;
pub mod error;
// The C ABI is the one place that needs `unsafe` (raw pointers in, owned C strings out).
#[allow(unsafe_code)]
pub mod ffi;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod json;
pub mod receipt;

pub use client::{
    AssociateRequest, Association, AttemptEvent, CallbackKey, Client, Config, ConfirmedCallback,
    Delivery, DocumentStatus, Outcome, Secret, SendResult, ServiceStatus,
};
pub use error::{Error, FieldIssue};
