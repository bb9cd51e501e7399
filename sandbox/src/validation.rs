//! The service's checks on a submitted `Document` (API spec section 3), implemented independently
//! of the client library so the sandbox can act as a test oracle for it.
//!
//! The first problem found is reported as `"<field path>: <reason>"`, e.g.
//! `inventPositions[0].price: has more than 2 decimals`, the way a Spring service reports one
//! binding error. Absent fields and `null` are treated alike (Jackson does the same); unknown
//! fields are ignored (several real clients send extra keys and work).

use crate::codes::{
    AGENT_TYPES, CORRECTION_REASONS, DOC_TYPES, MONEY_TYPES, PAYMENT_METHODS, PAYMENT_OBJECTS,
    TAX_MODES, VAT_TAGS,
};
use crate::decimal::{format_kopecks, round_to_kopecks, Decimal};
use crate::formats::{
    is_http_url, is_valid_agent_phone, is_valid_email, is_valid_nomenclature_code,
    is_valid_phone_ru,
};
use crate::json::Json;

/// What the sandbox keeps from an accepted document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedDocument {
    pub id: String,
    pub doc_type: String,
    /// Total of the receipt in kopecks (equals the sum of `moneyPositions`).
    pub total_kopecks: i128,
    pub response_url: Option<String>,
}

/// A rejected document: the JSON path of the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub field: String,
    pub reason: String,
}

impl Rejection {
    pub fn message(&self) -> String {
        format!("{}: {}", self.field, self.reason)
    }
}

type Check<T> = Result<T, Rejection>;

fn reject<T>(field: &str, reason: impl Into<String>) -> Check<T> {
    Err(Rejection {
        field: field.to_string(),
        reason: reason.into(),
    })
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// A field present with a non-null value.
fn field<'a>(object: &'a Json, key: &str) -> Option<&'a Json> {
    object.get(key).filter(|v| **v != Json::Null)
}

fn required<'a>(object: &'a Json, key: &str, path: &str) -> Check<&'a Json> {
    match field(object, key) {
        Some(v) => Ok(v),
        None => reject(path, "is required"),
    }
}

fn as_object<'a>(value: &'a Json, path: &str) -> Check<&'a Json> {
    match value {
        Json::Object(_) => Ok(value),
        other => reject(
            path,
            format!("must be an object, not {}", other.type_name()),
        ),
    }
}

fn as_array<'a>(value: &'a Json, path: &str) -> Check<&'a [Json]> {
    match value {
        Json::Array(items) => Ok(items),
        other => reject(path, format!("must be an array, not {}", other.type_name())),
    }
}

/// A string field. Like Jackson's default binding, a JSON number is read as its text
/// (`"docNum": 123456` is `"123456"`): the original PHP client sends order numbers that way.
fn as_string<'a>(value: &'a Json, path: &str) -> Check<&'a str> {
    match value {
        Json::String(s) => Ok(s),
        Json::Number(text) => Ok(text),
        other => reject(path, format!("must be a string, not {}", other.type_name())),
    }
}

/// A number field. Like Jackson's default binding, a string holding a number is read as that
/// number (`"price": "12.30"`); any other string is refused.
fn as_decimal(value: &Json, path: &str) -> Check<Decimal> {
    match value {
        Json::Number(text) => Decimal::parse(text).or_else(|reason| reject(path, reason)),
        Json::String(text) => Decimal::parse(text)
            .or_else(|_| reject(path, "must be a number, not a non-numeric string")),
        other => reject(path, format!("must be a number, not {}", other.type_name())),
    }
}

/// An optional string of at most `max` characters (None = unlimited).
fn optional_string<'a>(
    object: &'a Json,
    key: &str,
    parent: &str,
    max: Option<usize>,
) -> Check<Option<&'a str>> {
    let path = join(parent, key);
    let Some(value) = field(object, key) else {
        return Ok(None);
    };
    let s = as_string(value, &path)?;
    check_length(s, &path, max)?;
    Ok(Some(s))
}

fn check_length(s: &str, path: &str, max: Option<usize>) -> Check<()> {
    if let Some(max) = max {
        if s.chars().count() > max {
            return reject(path, format!("is longer than {max} characters"));
        }
    }
    Ok(())
}

fn non_empty_string<'a>(
    object: &'a Json,
    key: &str,
    parent: &str,
    max: Option<usize>,
) -> Check<&'a str> {
    let path = join(parent, key);
    let s = as_string(required(object, key, &path)?, &path)?;
    if s.trim().is_empty() {
        return reject(&path, "must not be empty");
    }
    check_length(s, &path, max)?;
    Ok(s)
}

fn enum_value<'a>(value: &'a Json, path: &str, allowed: &[&str]) -> Check<&'a str> {
    let s = as_string(value, path)?;
    if allowed.contains(&s) {
        Ok(s)
    } else {
        reject(
            path,
            format!("unknown value \"{s}\" (allowed: {})", allowed.join(", ")),
        )
    }
}

fn optional_enum<'a>(
    object: &'a Json,
    key: &str,
    parent: &str,
    allowed: &[&str],
) -> Check<Option<&'a str>> {
    match field(object, key) {
        Some(v) => enum_value(v, &join(parent, key), allowed).map(Some),
        None => Ok(None),
    }
}

/// A money amount: ≥ 0 with at most 2 decimals, in kopecks.
fn money(value: &Json, path: &str) -> Check<i128> {
    let d = as_decimal(value, path)?;
    if d.is_negative() {
        return reject(path, "must not be negative");
    }
    d.to_scaled(2)
        .map_or_else(|| reject(path, "has more than 2 decimals"), Ok)
}

fn optional_money(object: &Json, key: &str, parent: &str) -> Check<Option<i128>> {
    field(object, key)
        .map(|v| money(v, &join(parent, key)))
        .transpose()
}

/// An INN field: 10 or 12 digits. The check digits are not enforced: the service's own API
/// example (`"cashierInn": "0123456789"`) fails them, and nothing shows the service refusing a
/// mismatch ([`crate::formats::is_valid_inn`] is there for shops that want to check).
fn optional_inn(object: &Json, key: &str, parent: &str) -> Check<()> {
    if let Some(inn) = optional_string(object, key, parent, None)? {
        if !matches!(inn.len(), 10 | 12) || !inn.bytes().all(|b| b.is_ascii_digit()) {
            return reject(&join(parent, key), "is not a valid INN (10 or 12 digits)");
        }
    }
    Ok(())
}

fn optional_phones(object: &Json, parent: &str) -> Check<()> {
    let path = join(parent, "phones");
    let Some(value) = field(object, "phones") else {
        return Ok(());
    };
    for (i, phone) in as_array(value, &path)?.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        if !is_valid_agent_phone(as_string(phone, &item_path)?) {
            return reject(
                &item_path,
                "must be digits with an optional leading '+', at most 19 characters",
            );
        }
    }
    Ok(())
}

fn agent_info(value: &Json, path: &str) -> Check<()> {
    let object = as_object(value, path)?;
    if let Some(types) = field(object, "types") {
        let types_path = join(path, "types");
        for (i, t) in as_array(types, &types_path)?.iter().enumerate() {
            enum_value(t, &format!("{types_path}[{i}]"), AGENT_TYPES)?;
        }
    }
    if let Some(paying) = field(object, "payingAgent") {
        let p = join(path, "payingAgent");
        as_object(paying, &p)?;
        optional_string(paying, "operation", &p, Some(24))?;
        optional_phones(paying, &p)?;
    }
    if let Some(operator) = field(object, "receivePaymentsOperator") {
        let p = join(path, "receivePaymentsOperator");
        as_object(operator, &p)?;
        optional_phones(operator, &p)?;
    }
    if let Some(operator) = field(object, "moneyTransferOperator") {
        let p = join(path, "moneyTransferOperator");
        as_object(operator, &p)?;
        optional_phones(operator, &p)?;
        optional_string(operator, "name", &p, Some(64))?;
        optional_string(operator, "address", &p, Some(255))?;
        optional_inn(operator, "inn", &p)?;
    }
    Ok(())
}

fn supplier_info(value: &Json, path: &str) -> Check<()> {
    let object = as_object(value, path)?;
    optional_phones(object, path)?;
    optional_string(object, "name", path, Some(255))?;
    optional_inn(object, "inn", path)
}

/// Returns the position's total in units of 10^-5 roubles (price × quantity − discSum).
fn invent_position(value: &Json, path: &str) -> Check<i128> {
    let position = as_object(value, path)?;
    non_empty_string(position, "name", path, Some(128))?;

    let price_path = join(path, "price");
    let price = money(required(position, "price", &price_path)?, &price_path)?;

    let quantity_path = join(path, "quantity");
    let quantity = as_decimal(
        required(position, "quantity", &quantity_path)?,
        &quantity_path,
    )?;
    if quantity.is_negative() || quantity.is_zero() {
        return reject(&quantity_path, "must be greater than 0");
    }
    let quantity = match quantity.to_scaled(3) {
        Some(q) => q,
        None => return reject(&quantity_path, "has more than 3 decimals"),
    };

    let disc_sum = optional_money(position, "discSum", path)?.unwrap_or(0);

    let vat_path = join(path, "vatTag");
    let vat = as_decimal(required(position, "vatTag", &vat_path)?, &vat_path)?;
    match vat.to_scaled(0) {
        Some(code) if VAT_TAGS.contains(&code) => (),
        _ => {
            let allowed: Vec<String> = VAT_TAGS.iter().map(i128::to_string).collect();
            return reject(
                &vat_path,
                format!("unknown VAT code (allowed: {})", allowed.join(", ")),
            );
        }
    }
    optional_money(position, "vatSum", path)?;
    optional_enum(position, "paymentObject", path, PAYMENT_OBJECTS)?;
    optional_enum(position, "paymentMethod", path, PAYMENT_METHODS)?;
    optional_string(position, "inventCode", path, None)?;
    optional_string(position, "barcode", path, None)?;
    optional_string(position, "description", path, None)?;
    optional_string(position, "measure", path, None)?;
    optional_string(position, "vatRevision", path, None)?;
    if let Some(code) = optional_string(position, "originCountryCode", path, None)? {
        if code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return reject(
                &join(path, "originCountryCode"),
                "must be 1 to 3 digits (OKSM code)",
            );
        }
    }
    optional_string(position, "customsDeclarationNumber", path, Some(32))?;
    if let Some(code) = optional_string(position, "nomenclatureCode", path, None)? {
        if !is_valid_nomenclature_code(code) {
            return reject(
                &join(path, "nomenclatureCode"),
                "must be at most 32 bytes as two hex digits each, separated by spaces",
            );
        }
    }
    optional_string(position, "productMark", path, Some(255))?;
    if let Some(requisite) = field(position, "industryRequisite") {
        let p = join(path, "industryRequisite");
        as_object(requisite, &p)?;
        for key in ["foivId", "docDateTime", "docNumber", "docData"] {
            optional_string(requisite, key, &p, None)?;
        }
    }
    if let Some(agent) = field(position, "agentInfo") {
        agent_info(agent, &join(path, "agentInfo"))?;
    }
    if let Some(supplier) = field(position, "supplierInfo") {
        supplier_info(supplier, &join(path, "supplierInfo"))?;
    }

    // price has scale 2, quantity scale 3: the product has scale 5.
    let total = price * quantity - disc_sum * 1000;
    if total < 0 {
        return reject(&join(path, "discSum"), "is larger than price × quantity");
    }
    Ok(total)
}

fn correction_info(value: &Json, path: &str) -> Check<()> {
    let info = as_object(value, path)?;
    let reason_path = join(path, "reason");
    let reason = enum_value(
        required(info, "reason", &reason_path)?,
        &reason_path,
        CORRECTION_REASONS,
    )?;
    let date_path = join(path, "documentDate");
    let date = as_string(required(info, "documentDate", &date_path)?, &date_path)?;
    if !crate::clock::is_valid_date(date) && !crate::clock::is_valid_date_time_with_offset(date) {
        return reject(
            &date_path,
            "must be a date (YYYY-MM-DD) or a date-time with offset",
        );
    }
    if reason == "BY_ORDER" {
        non_empty_string(info, "documentNum", path, None)?;
    } else {
        optional_string(info, "documentNum", path, None)?;
    }
    if let Some(sign) = optional_string(info, "fiscalSign", path, None)? {
        if sign.is_empty() || sign.len() > 10 || !sign.bytes().all(|b| b.is_ascii_digit()) {
            return reject(&join(path, "fiscalSign"), "must be 1 to 10 digits");
        }
    }
    Ok(())
}

/// The longest document id, in characters.
pub const MAX_ID_CHARS: usize = 128;

/// The document id is used in URLs (`/v1/doc/{id}/status`), so it must be usable in a path. A
/// space is fine (percent-encoded): PHP clients send `microtime()` strings such as
/// `0.52454700 1582723456` as ids.
fn check_id(id: &str) -> Check<()> {
    if id.chars().count() > MAX_ID_CHARS {
        return reject("id", format!("is longer than {MAX_ID_CHARS} characters"));
    }
    if id.chars().any(|c| c.is_control() || c == '/') {
        return reject("id", "must not contain control characters or '/'");
    }
    Ok(())
}

/// Checks a parsed document body. On success returns what the sandbox keeps.
pub fn validate_document(doc: &Json) -> Result<AcceptedDocument, Rejection> {
    if !matches!(doc, Json::Object(_)) {
        return reject(
            "document",
            format!("must be a JSON object, not {}", doc.type_name()),
        );
    }
    let id = non_empty_string(doc, "id", "", None)?;
    check_id(id)?;
    non_empty_string(doc, "docNum", "", None)?;
    let doc_type = enum_value(required(doc, "docType", "docType")?, "docType", DOC_TYPES)?;

    let checkout = as_string(
        required(doc, "checkoutDateTime", "checkoutDateTime")?,
        "checkoutDateTime",
    )?;
    if !crate::clock::is_valid_date_time_with_offset(checkout) {
        return reject(
            "checkoutDateTime",
            "must be an ISO-8601 date-time with offset, e.g. 2020-02-26T06:41:04+07:00",
        );
    }
    let contact = as_string(required(doc, "email", "email")?, "email")?;
    if !is_valid_email(contact) && !is_valid_phone_ru(contact) {
        return reject(
            "email",
            "must be an e-mail address or a phone number +7XXXXXXXXXX",
        );
    }
    if let Some(v) = field(doc, "printReceipt") {
        if !matches!(v, Json::Bool(_)) {
            return reject(
                "printReceipt",
                format!("must be a boolean, not {}", v.type_name()),
            );
        }
    }
    let response_url = optional_string(doc, "responseURL", "", Some(2048))?;
    if let Some(url) = response_url {
        if !is_http_url(url) {
            return reject("responseURL", "must be an http:// or https:// URL");
        }
    }
    optional_enum(doc, "taxMode", "", TAX_MODES)?;
    optional_string(doc, "cashierName", "", Some(64))?;
    optional_inn(doc, "cashierInn", "")?;
    optional_string(doc, "cashierPosition", "", Some(64))?;
    optional_string(doc, "textToPrint", "", Some(3000))?;
    optional_string(doc, "clientName", "", None)?;
    optional_inn(doc, "clientInn", "")?;
    if let Some(agent) = field(doc, "agentInfo") {
        agent_info(agent, "agentInfo")?;
    }
    match field(doc, "correctionInfo") {
        Some(info) => correction_info(info, "correctionInfo")?,
        None if doc_type.ends_with("_CORRECTION") => {
            return reject("correctionInfo", format!("is required for {doc_type}"));
        }
        None => (),
    }

    let positions = as_array(
        required(doc, "inventPositions", "inventPositions")?,
        "inventPositions",
    )?;
    if positions.is_empty() {
        return reject("inventPositions", "must contain at least 1 position");
    }
    let mut positions_total = 0i128; // kopecks
    for (i, position) in positions.iter().enumerate() {
        let line = invent_position(position, &format!("inventPositions[{i}]"))?;
        positions_total += round_to_kopecks(line, 5);
    }

    let payments = as_array(
        required(doc, "moneyPositions", "moneyPositions")?,
        "moneyPositions",
    )?;
    if payments.is_empty() {
        return reject("moneyPositions", "must contain at least 1 payment");
    }
    let mut payments_total = 0i128;
    for (i, payment) in payments.iter().enumerate() {
        let path = format!("moneyPositions[{i}]");
        let payment = as_object(payment, &path)?;
        let type_path = join(&path, "paymentType");
        enum_value(
            required(payment, "paymentType", &type_path)?,
            &type_path,
            MONEY_TYPES,
        )?;
        let sum_path = join(&path, "sum");
        payments_total += money(required(payment, "sum", &sum_path)?, &sum_path)?;
    }
    if payments_total != positions_total {
        return reject(
            "moneyPositions",
            format!(
                "the payments total {} does not equal the positions total {} (sum of price × quantity − discSum, rounded to kopecks)",
                format_kopecks(payments_total),
                format_kopecks(positions_total)
            ),
        );
    }

    Ok(AcceptedDocument {
        id: id.to_string(),
        doc_type: doc_type.to_string(),
        total_kopecks: payments_total,
        response_url: response_url.map(str::to_string),
    })
}
