//! modulpos — a client for the Modul.Kassa (МодульКасса) cloud fiscalization API.
//!
//! Layout (data flows top to bottom):
//! - [`ffi`]: the only `extern "C"` / `unsafe` code; JSON in, envelope out, panic boundary.
//! - [`receipt`]: the receipt model, exact money, every validation rule and the code tables.
//! - [`client`]: one HTTP agent per client, one function per endpoint, retries without doubles.
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
