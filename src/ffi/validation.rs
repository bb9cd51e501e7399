//! The calls that need no client and no network: validating a receipt, and every code table
//! (with the error codes and the validation rules).

use std::ffi::c_char;

use serde_json::Value;

use super::arguments::{parse_json, read_optional_str, read_str};
use super::envelope::envelope_call;
use crate::error::CODES;
use crate::receipt::{self, ValidationOptions};

/// Every code table, plus the error codes.
fn tables() -> Value {
    // An object: `tables_json` lists every table by name.
    let mut tables = receipt::tables_json();
    tables["error_codes"] = receipt::tables::table_json(CODES);
    tables["rules"] = receipt::rules::rules_json();
    tables
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

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};

    use serde_json::json;

    use super::*;
    use crate::ffi::mk_string_free;

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
