//! The receipt model: serde types for the wire JSON, exact money, the code tables and every
//! validation rule.
//!
//! - [`money`]: [`Money`] (kopecks) and [`Quantity`] (thousandths), exact parsing and JSON form.
//! - [`tables`]: every code table (doc types, VAT tags, payment objects, ...) as data.
//! - [`document`]: the [`Document`] and its parts, serialized exactly as the service expects.
//! - [`formats`]: format checks (date-time, e-mail/phone, INN checksum, ...).
//! - [`rules`]: every validation rule's stable code and severity (error or warning).
//! - [`validate`]: [`parse_document`] / [`parse_document_str`], JSON in, checked document out.

pub mod document;
pub mod formats;
pub mod money;
mod options;
pub mod rules;
pub mod tables;
pub mod validate;

pub use document::{
    AgentInfo, CorrectionInfo, Document, IndustryRequisite, MoneyPosition, MoneyTransferOperator,
    PayingAgent, Position, ReceivePaymentsOperator, SupplierInfo,
};
pub use money::{Money, NumberError, Quantity};
pub use rules::{Severity, RULES};
pub use tables::tables_json;
pub use validate::{
    check_document, check_document_id, check_document_str, check_path_segment, parse_document,
    parse_document_str, Checked, ValidationOptions, MAX_DOCUMENT_BYTES, MAX_ID_CHARS,
};
