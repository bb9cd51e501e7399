//! Parsing and validation of a receipt: JSON in, a checked [`Document`] out, or every broken
//! rule at once as [`Error::Validation`] with the JSON path and reason of each.
//!
//! The rules (API section 3; lengths count Unicode characters, not bytes):
//! - required: `id`, `docNum`, `docType`, `checkoutDateTime`, `email`, `inventPositions` (≥ 1),
//!   `moneyPositions` (≥ 1); per line `name`, `price`, `quantity`, `vatTag`; per payment
//!   `paymentType`, `sum`. `null` counts as absent; an empty string in an optional text field
//!   counts as absent too (PHP hosts send `""` for "not set").
//! - `id`: 1–[`MAX_ID_CHARS`] characters, no control characters, no `/` or `\`, no surrounding
//!   whitespace — it becomes part of the status URL `/v1/doc/{id}/status`.
//! - codes (`docType`, `taxMode`, `vatTag`, `paymentObject`, `paymentMethod`, `measure`,
//!   `paymentType`, agent `types`, correction `reason`) must be in [`super::tables`] unless
//!   [`ValidationOptions::allow_unknown_values`] is set.
//! - formats: `checkoutDateTime` a date-time with offset; `email` an e-mail address or `+7` and 10
//!   digits, at most 64 characters (fiscal tag 1008); every INN 10 or 12 digits with a valid
//!   checksum (the checksum a warning); phones `+` and digits, at most 19 characters; `responseURL` an absolute http(s)
//!   URL; `originCountryCode` 1–3 digits; `nomenclatureCode` hex bytes (≤ 32) separated by spaces.
//! - lengths: `cashierName` 64, `cashierPosition` 64, `textToPrint` 3000, `clientName` 256 (tag
//!   1227), line `name` 128, `productMark` 255, `customsDeclarationNumber` 32, supplier `name`
//!   255, money transfer operator `name` 64 and `address` 255, paying agent `operation` 24,
//!   correction `documentNum` 32 (tag 1179), industry requisite `docNumber` 32 and `docData` 256.
//! - money: `price`, `discSum`, `vatSum`, `sum` ≥ 0 with at most 2 decimals; `quantity` > 0 with at
//!   most 3; `discSum` at most the line's `price × quantity`; see [`super::money`] for noise.
//! - `correctionInfo` is required for the `*_CORRECTION` document types and rejected for the
//!   others (it would be silently dropped or misread by the service): `reason` from the table,
//!   `documentDate` a date, `documentNum` required for `BY_ORDER`, `fiscalSign` 1–10 digits.
//! - totals: Σ over lines of `round_half_up(price × quantity) − discSum` must equal Σ of the
//!   payments' `sum`, exactly, in kopecks; each line and each total at most [`Money::MAX`].
//! - `industryRequisite`: `foivId` (3 digits, tag 1262), `docDateTime`, `docNumber`, `docData`
//!   all required.
//!
//! Keys the model does not know are ignored, as the service ignores them.
//!
//! **Lenient in, strict out.** What hosts really send is accepted and sent in the form the
//! service surely parses: a JSON integer in any text field is read as its decimal text and sent
//! as a string (`"docNum": 123456` → `"123456"`, as the service's Jackson reader coerces it);
//! numeric strings in amounts and `vatTag` are read as numbers; date-times in
//! `checkoutDateTime` and `correctionInfo.documentDate` without seconds or with a `+0300` offset
//! are sent as `…:00` and `+03:00`. Other wrong JSON types are `type` issues.
//!
//! **Severity.** Every issue names its rule ([`super::rules`]). Rules of severity `warning` (INN
//! check digits, limits only the fiscal data format or other clients state) do not stop the
//! document: [`check_document`] returns them with it, unless [`ValidationOptions::strict`].
//!
//! Files: `path.rs` (the JSON path of a value, written out only for an issue), `checker.rs` (the
//! issue list and the readers of single values: text, codes, formats, money, objects),
//! `document.rs` (the document, its lists and the totals rule), `lines.rs` (a line and a
//! payment), `details.rs` (agent, supplier, correction and industry requisite objects).

mod checker;
mod details;
mod document;
mod lines;
mod path;

use serde_json::Value;

use super::document::Document;
use crate::error::{Error, FieldIssue};
use checker::Checker;
use path::{Obj, Path};

/// Largest JSON text [`parse_document_str`] accepts (1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// Longest document `id`, in characters (a UUID has 36).
pub const MAX_ID_CHARS: usize = 64;

/// How strict validation is.
#[derive(Debug, Clone, Default)]
pub struct ValidationOptions {
    /// Let codes the tables do not know (a new VAT rate, a new payment object) pass unchecked.
    pub allow_unknown_values: bool,
    /// Treat every warning (a rule of severity `warning`, see [`super::rules`]) as an error.
    pub strict: bool,
}

/// A document that passed validation, and the warnings it raised (rules of severity
/// `warning`; none under [`ValidationOptions::strict`], where they are errors).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Checked {
    pub document: Document,
    pub warnings: Vec<FieldIssue>,
}

/// Parses and validates JSON text. Malformed JSON, a non-object, a text over
/// [`MAX_DOCUMENT_BYTES`] or nesting deeper than serde_json's limit (128) give
/// [`Error::InvalidArgument`]; broken rules give [`Error::Validation`].
pub fn parse_document_str(json: &str, options: &ValidationOptions) -> Result<Document, Error> {
    check_document_str(json, options).map(|checked| checked.document)
}

/// [`parse_document_str`], keeping the warnings.
pub fn check_document_str(json: &str, options: &ValidationOptions) -> Result<Checked, Error> {
    if json.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid_argument(
            None,
            format!(
                "the document is {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted",
                json.len()
            ),
        ));
    }
    let value: Value = crate::json::from_str_strict(json).map_err(|e| match e {
        crate::json::JsonError::DuplicateKey(path) => Error::invalid_argument(
            Some(&path),
            format!("the document has the key `{path}` twice; give every key once"),
        ),
        crate::json::JsonError::Syntax(e) => {
            Error::invalid_argument(None, format!("malformed JSON: {e}"))
        }
    })?;
    check_document(&value, options)
}

/// Parses and validates a JSON value, collecting every issue (not just the first); warnings
/// are dropped (see [`check_document`]).
pub fn parse_document(value: &Value, options: &ValidationOptions) -> Result<Document, Error> {
    check_document(value, options).map(|checked| checked.document)
}

/// Parses and validates a JSON value. Any issue of severity `error` (or any issue at all under
/// [`ValidationOptions::strict`]) gives [`Error::Validation`] listing every issue, warnings
/// included; otherwise the document comes back with its warnings.
pub fn check_document(value: &Value, options: &ValidationOptions) -> Result<Checked, Error> {
    let Some(map) = value.as_object() else {
        return Err(Error::invalid_argument(
            None,
            "the document must be a JSON object",
        ));
    };
    let mut checker = Checker::new(options);
    let document = checker.document(&Obj::new(map, Path::Root));
    if checker.stops {
        return Err(Error::Validation {
            issues: checker.issues,
            total: checker.total,
        });
    }
    let issues = checker.issues;
    match document {
        Some(document) => Ok(Checked {
            document,
            warnings: issues,
        }),
        None => Err(Error::Internal(
            "receipt validation produced neither a document nor an error".to_owned(),
        )),
    }
}

/// The rules for a document id (also for ids given to the status and re-queue calls).
pub fn check_document_id(id: &str) -> Result<(), String> {
    let count = id.chars().count();
    if count == 0 {
        return Err("must not be empty".to_owned());
    }
    if count > MAX_ID_CHARS {
        return Err(format!(
            "is longer than {MAX_ID_CHARS} characters (has {count})"
        ));
    }
    if id.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    if id.contains(['/', '\\']) {
        return Err("must not contain / or \\ (it becomes part of the status URL)".to_owned());
    }
    check_path_segment(id)?;
    if id.starts_with(char::is_whitespace) || id.ends_with(char::is_whitespace) {
        return Err("must not start or end with whitespace".to_owned());
    }
    Ok(())
}

/// Refuse a value that becomes one URL path segment but that no encoding can keep one: `.` and
/// `..` (RFC 3986 normalization, in any proxy or server, decodes `%2E` and removes dot segments,
/// so `/v1/doc/../status` would reach `/v1/status`).
pub fn check_path_segment(segment: &str) -> Result<(), String> {
    if segment == "." || segment == ".." {
        return Err(format!(
            "must not be `{segment}` (a dot segment: it changes the URL it is put in)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
