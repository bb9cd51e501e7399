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
//!   checksum; phones `+` and digits, at most 19 characters; `responseURL` an absolute http(s)
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
//! Keys the model does not know are ignored, as the service ignores them. Values of a wrong JSON
//! type are issues ("must be a string"), except that code-like text (`docNum`, `inventCode`,
//! `barcode`, `originCountryCode`) also accepts a JSON integer and `vatTag` a string of digits,
//! as hosts often hold those as numbers (the service's JSON reader accepts both too).

use serde_json::{Map, Value};

use super::document::{
    AgentInfo, CorrectionInfo, Document, IndustryRequisite, MoneyPosition, MoneyTransferOperator,
    PayingAgent, Position, ReceivePaymentsOperator, SupplierInfo,
};
use super::money::{line_gross_kopecks, Money, Quantity};
use super::{formats, tables};
use crate::error::{Error, FieldIssue};

/// Largest JSON text [`parse_document_str`] accepts (1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// Longest document `id`, in characters (a UUID has 36).
pub const MAX_ID_CHARS: usize = 64;

/// How strict validation is.
#[derive(Debug, Clone, Default)]
pub struct ValidationOptions {
    /// Let codes the tables do not know (a new VAT rate, a new payment object) pass unchecked.
    pub allow_unknown_values: bool,
}

/// Parses and validates JSON text. Malformed JSON, a non-object, a text over
/// [`MAX_DOCUMENT_BYTES`] or nesting deeper than serde_json's limit (128) give
/// [`Error::InvalidArgument`]; broken rules give [`Error::Validation`].
pub fn parse_document_str(json: &str, options: &ValidationOptions) -> Result<Document, Error> {
    if json.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid_argument(
            None,
            format!(
                "the document is {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted",
                json.len()
            ),
        ));
    }
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Error::invalid_argument(None, format!("malformed JSON: {e}")))?;
    parse_document(&value, options)
}

/// Parses and validates a JSON value, collecting every issue (not just the first).
pub fn parse_document(value: &Value, options: &ValidationOptions) -> Result<Document, Error> {
    let Some(map) = value.as_object() else {
        return Err(Error::invalid_argument(
            None,
            "the document must be a JSON object",
        ));
    };
    let mut checker = Checker {
        options,
        issues: Vec::new(),
    };
    let document = checker.document(&Obj {
        map,
        path: String::new(),
    });
    match document {
        _ if !checker.issues.is_empty() => Err(Error::Validation(checker.issues)),
        Some(document) => Ok(document),
        None => Err(Error::Internal(
            "receipt validation produced neither a document nor an issue".to_owned(),
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
    if id.starts_with(char::is_whitespace) || id.ends_with(char::is_whitespace) {
        return Err("must not start or end with whitespace".to_owned());
    }
    Ok(())
}

/// A JSON object and its path in the document.
struct Obj<'v> {
    map: &'v Map<String, Value>,
    path: String,
}

impl<'v> Obj<'v> {
    fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`; `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
}

/// Whether a text field also accepts a JSON integer (code-like values).
#[derive(Clone, Copy, PartialEq)]
enum Integers {
    Accepted,
    Rejected,
}

struct Checker<'o> {
    options: &'o ValidationOptions,
    issues: Vec<FieldIssue>,
}

impl Checker<'_> {
    fn issue(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.issues.push(FieldIssue::new(path, reason));
    }

    fn check(&mut self, path: &str, result: Result<(), String>) {
        if let Err(reason) = result {
            self.issue(path, reason);
        }
    }

    // ---- primitive readers ----

    fn text_value(&mut self, path: &str, value: &Value, integers: Integers) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) if integers == Integers::Accepted && (n.is_i64() || n.is_u64()) => {
                Some(n.to_string())
            }
            _ => {
                self.issue(path, "must be a string");
                None
            }
        }
    }

    fn required_text(&mut self, obj: &Obj, key: &str, integers: Integers) -> Option<String> {
        let path = obj.path_of(key);
        let Some(value) = obj.get(key) else {
            self.issue(path, "is required");
            return None;
        };
        let text = self.text_value(&path, value, integers)?;
        if text.trim().is_empty() {
            self.issue(path, "must not be empty");
            return None;
        }
        Some(text)
    }

    fn optional_text(&mut self, obj: &Obj, key: &str, integers: Integers) -> Option<String> {
        let value = obj.get(key)?;
        let text = self.text_value(&obj.path_of(key), value, integers)?;
        if text.is_empty() {
            None
        } else {
            Some(text)
        }
    }

    /// An optional text of at most `max` characters.
    fn bounded_text(&mut self, obj: &Obj, key: &str, max: usize) -> Option<String> {
        let text = self.optional_text(obj, key, Integers::Rejected)?;
        self.max_chars(&obj.path_of(key), &text, max);
        Some(text)
    }

    fn max_chars(&mut self, path: &str, text: &str, max: usize) {
        let count = text.chars().count();
        if count > max {
            self.issue(
                path,
                format!("is longer than {max} characters (has {count})"),
            );
        }
    }

    fn code(&mut self, path: &str, value: &str, table: tables::TextTable) {
        if !self.options.allow_unknown_values && !tables::contains(table, value) {
            self.issue(
                path,
                format!(
                    "must be one of {} (got \"{}\")",
                    tables::codes(table),
                    shorten(value)
                ),
            );
        }
    }

    fn optional_code(&mut self, obj: &Obj, key: &str, table: tables::TextTable) -> Option<String> {
        let text = self.optional_text(obj, key, Integers::Rejected)?;
        self.code(&obj.path_of(key), &text, table);
        Some(text)
    }

    fn optional_inn(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let text = self.optional_text(obj, key, Integers::Rejected)?;
        self.check(&obj.path_of(key), formats::check_inn(&text));
        Some(text)
    }

    fn optional_bool(&mut self, obj: &Obj, key: &str) -> Option<bool> {
        match obj.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.issue(obj.path_of(key), "must be true or false");
                None
            }
        }
    }

    fn object<'v>(&mut self, path: String, value: &'v Value) -> Option<Obj<'v>> {
        match value {
            Value::Object(map) => Some(Obj { map, path }),
            _ => {
                self.issue(path, "must be an object");
                None
            }
        }
    }

    fn optional_object<'v>(&mut self, obj: &Obj<'v>, key: &str) -> Option<Obj<'v>> {
        let value = obj.get(key)?;
        self.object(obj.path_of(key), value)
    }

    fn array<'v>(&mut self, obj: &Obj<'v>, key: &str) -> Option<&'v Vec<Value>> {
        match obj.get(key)? {
            Value::Array(items) => Some(items),
            _ => {
                self.issue(obj.path_of(key), "must be an array");
                None
            }
        }
    }

    /// A money field: `Ok(None)` when absent (and optional), `Err(())` when broken.
    fn money(&mut self, obj: &Obj, key: &str, required: bool) -> Result<Option<Money>, ()> {
        let path = obj.path_of(key);
        let Some(value) = obj.get(key) else {
            if required {
                self.issue(path, "is required");
                return Err(());
            }
            return Ok(None);
        };
        match Money::from_json(value) {
            Ok(m) if m.is_negative() => {
                self.issue(path, "must not be negative");
                Err(())
            }
            Ok(m) => Ok(Some(m)),
            Err(reason) => {
                self.issue(path, reason);
                Err(())
            }
        }
    }

    fn phones(&mut self, obj: &Obj, key: &str) -> Option<Vec<String>> {
        let items = self.array(obj, key)?;
        let base = obj.path_of(key);
        let mut phones = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{base}[{i}]");
            if let Some(phone) = self.text_value(&path, item, Integers::Rejected) {
                self.check(&path, formats::check_phone(&phone));
                phones.push(phone);
            }
        }
        Some(phones)
    }

    // ---- the document ----

    fn document(&mut self, obj: &Obj) -> Option<Document> {
        let id = self.required_text(obj, "id", Integers::Rejected);
        if let Some(id) = &id {
            self.check("id", check_document_id(id));
        }
        let doc_num = self.required_text(obj, "docNum", Integers::Accepted);
        let doc_type = self.required_text(obj, "docType", Integers::Rejected);
        if let Some(doc_type) = &doc_type {
            self.code("docType", doc_type, tables::DOC_TYPES);
        }
        let checkout_date_time = self.required_text(obj, "checkoutDateTime", Integers::Rejected);
        if let Some(text) = &checkout_date_time {
            self.check("checkoutDateTime", formats::check_date_time(text));
        }
        let email = self.required_text(obj, "email", Integers::Rejected);
        if let Some(email) = &email {
            self.check("email", formats::check_contact(email));
            self.max_chars("email", email, 64);
        }
        let print_receipt = self.optional_bool(obj, "printReceipt");
        let response_url = self.optional_text(obj, "responseURL", Integers::Rejected);
        if let Some(url) = &response_url {
            self.check("responseURL", formats::check_url(url));
        }
        let tax_mode = self.optional_code(obj, "taxMode", tables::TAX_MODES);
        let cashier_name = self.bounded_text(obj, "cashierName", 64);
        let cashier_inn = self.optional_inn(obj, "cashierInn");
        let cashier_position = self.bounded_text(obj, "cashierPosition", 64);
        let text_to_print = self.bounded_text(obj, "textToPrint", 3000);
        let client_name = self.bounded_text(obj, "clientName", 256);
        let client_inn = self.optional_inn(obj, "clientInn");
        let agent_info = self
            .optional_object(obj, "agentInfo")
            .map(|o| self.agent_info(&o));

        let is_correction = doc_type
            .as_deref()
            .is_some_and(tables::is_correction_doc_type);
        let correction_info = match self.optional_object(obj, "correctionInfo") {
            Some(o) if is_correction => self.correction_info(&o),
            Some(_) if doc_type.is_some() => {
                self.issue(
                    "correctionInfo",
                    "is only allowed for the correction document types (*_CORRECTION)",
                );
                None
            }
            Some(o) => self.correction_info(&o),
            None => {
                if is_correction && obj.get("correctionInfo").is_none() {
                    self.issue("correctionInfo", "is required for a correction document");
                }
                None
            }
        };

        let mut amounts = Some(Vec::new());
        let mut positions = Vec::new();
        match self.array(obj, "inventPositions") {
            None if obj.get("inventPositions").is_none() => {
                self.issue("inventPositions", "is required");
                amounts = None;
            }
            None => amounts = None,
            Some(items) if items.is_empty() => {
                self.issue("inventPositions", "must contain at least one position");
                amounts = None;
            }
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = format!("inventPositions[{i}]");
                    let (position, amount) = match self.object(path, item) {
                        Some(o) => self.position(&o),
                        None => (None, None),
                    };
                    positions.extend(position);
                    match (amount, amounts.as_mut()) {
                        (Some(a), Some(list)) => list.push(a),
                        _ => amounts = None,
                    }
                }
            }
        }

        let mut sums = Some(Vec::new());
        let mut payments = Vec::new();
        match self.array(obj, "moneyPositions") {
            None if obj.get("moneyPositions").is_none() => {
                self.issue("moneyPositions", "is required");
                sums = None;
            }
            None => sums = None,
            Some(items) if items.is_empty() => {
                self.issue("moneyPositions", "must contain at least one payment");
                sums = None;
            }
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = format!("moneyPositions[{i}]");
                    let (payment, sum) = match self.object(path, item) {
                        Some(o) => self.money_position(&o),
                        None => (None, None),
                    };
                    payments.extend(payment);
                    match (sum, sums.as_mut()) {
                        (Some(s), Some(list)) => list.push(s),
                        _ => sums = None,
                    }
                }
            }
        }

        if let (Some(amounts), Some(sums)) = (amounts, sums) {
            self.totals(&amounts, &sums);
        }

        Some(Document {
            id: id?,
            doc_num: doc_num?,
            doc_type: doc_type?,
            checkout_date_time: checkout_date_time?,
            email: email?,
            print_receipt,
            response_url,
            tax_mode,
            cashier_name,
            cashier_inn,
            cashier_position,
            text_to_print,
            client_name,
            client_inn,
            agent_info,
            correction_info,
            invent_positions: positions,
            money_positions: payments,
        })
    }

    /// The totals rule, given every line amount and every payment sum (all in range).
    fn totals(&mut self, amounts: &[Money], sums: &[Money]) {
        let positions_total: i128 = amounts.iter().map(|m| m.kopecks() as i128).sum();
        let payments_total: i128 = sums.iter().map(|m| m.kopecks() as i128).sum();
        let (Some(positions), Some(payments)) = (
            Money::from_i128(positions_total),
            Money::from_i128(payments_total),
        ) else {
            if Money::from_i128(positions_total).is_none() {
                self.issue(
                    "inventPositions",
                    format!("the positions total exceeds the maximum sum {}", Money::MAX),
                );
            }
            if Money::from_i128(payments_total).is_none() {
                self.issue(
                    "moneyPositions",
                    format!("the payments total exceeds the maximum sum {}", Money::MAX),
                );
            }
            return;
        };
        if positions != payments {
            self.issue(
                "moneyPositions",
                format!("payments total {payments} does not equal positions total {positions}"),
            );
        }
    }

    /// A line, and its amount when its money fields are all valid and in range.
    fn position(&mut self, obj: &Obj) -> (Option<Position>, Option<Money>) {
        let name = self.required_text(obj, "name", Integers::Rejected);
        if let Some(name) = &name {
            self.max_chars(&obj.path_of("name"), name, 128);
        }
        let price = self.money(obj, "price", true);
        let quantity = self.quantity(obj);
        let disc_sum = self.money(obj, "discSum", false);
        let vat_tag = self.vat_tag(obj);
        let vat_sum = self.money(obj, "vatSum", false).ok().flatten();
        let payment_object = self.optional_code(obj, "paymentObject", tables::PAYMENT_OBJECTS);
        let payment_method = self.optional_code(obj, "paymentMethod", tables::PAYMENT_METHODS);
        let invent_code = self.optional_text(obj, "inventCode", Integers::Accepted);
        let barcode = self.optional_text(obj, "barcode", Integers::Accepted);
        let description = self.optional_text(obj, "description", Integers::Rejected);
        let origin_country_code = self.optional_text(obj, "originCountryCode", Integers::Accepted);
        if let Some(code) = &origin_country_code {
            self.check(
                &obj.path_of("originCountryCode"),
                formats::check_country_code(code),
            );
        }
        let customs_declaration_number = self.bounded_text(obj, "customsDeclarationNumber", 32);
        let nomenclature_code = self.optional_text(obj, "nomenclatureCode", Integers::Rejected);
        if let Some(code) = &nomenclature_code {
            self.check(
                &obj.path_of("nomenclatureCode"),
                formats::check_nomenclature_code(code),
            );
        }
        let product_mark = self.bounded_text(obj, "productMark", 255);
        let industry_requisite = self
            .optional_object(obj, "industryRequisite")
            .and_then(|o| self.industry_requisite(&o));
        let measure = self.optional_code(obj, "measure", tables::MEASURES);
        let agent_info = self
            .optional_object(obj, "agentInfo")
            .map(|o| self.agent_info(&o));
        let supplier_info = self
            .optional_object(obj, "supplierInfo")
            .map(|o| self.supplier_info(&o));
        let vat_revision = self.optional_text(obj, "vatRevision", Integers::Accepted);

        let amount = match (price, quantity, disc_sum) {
            (Ok(Some(price)), Some(quantity), Ok(disc_sum)) => {
                self.line_amount(obj, price, quantity, disc_sum.unwrap_or(Money::ZERO))
            }
            _ => None,
        };
        let required = (name, price.ok().flatten(), quantity, vat_tag);
        let (Some(name), Some(price), Some(quantity), Some(vat_tag)) = required else {
            return (None, amount);
        };
        let position = Position {
            name,
            price,
            quantity,
            disc_sum: disc_sum.ok().flatten(),
            vat_tag,
            vat_sum,
            payment_object,
            payment_method,
            invent_code,
            barcode,
            description,
            origin_country_code,
            customs_declaration_number,
            nomenclature_code,
            product_mark,
            industry_requisite,
            measure,
            agent_info,
            supplier_info,
            vat_revision,
        };
        (Some(position), amount)
    }

    /// `round_half_up(price × quantity) − discSum`, checked: the gross within range and the
    /// discount not above it.
    fn line_amount(
        &mut self,
        obj: &Obj,
        price: Money,
        quantity: Quantity,
        disc_sum: Money,
    ) -> Option<Money> {
        let gross_kopecks = line_gross_kopecks(price, quantity);
        let Some(gross) = Money::from_i128(gross_kopecks) else {
            self.issue(
                obj.path_of("quantity"),
                format!(
                    "price × quantity exceeds the maximum sum {} (price {price}, quantity {quantity})",
                    Money::MAX
                ),
            );
            return None;
        };
        if disc_sum > gross {
            self.issue(
                obj.path_of("discSum"),
                format!("{disc_sum} is more than price × quantity {gross}"),
            );
            return None;
        }
        Some(Money::from_kopecks(gross.kopecks() - disc_sum.kopecks()))
    }

    fn quantity(&mut self, obj: &Obj) -> Option<Quantity> {
        let path = obj.path_of("quantity");
        let Some(value) = obj.get("quantity") else {
            self.issue(path, "is required");
            return None;
        };
        match Quantity::from_json(value) {
            Ok(q) if q.thousandths() <= 0 => {
                self.issue(path, "must be greater than 0");
                None
            }
            Ok(q) => Some(q),
            Err(reason) => {
                self.issue(path, reason);
                None
            }
        }
    }

    fn vat_tag(&mut self, obj: &Obj) -> Option<u32> {
        let path = obj.path_of("vatTag");
        let Some(value) = obj.get("vatTag") else {
            self.issue(path, "is required");
            return None;
        };
        let tag = match value {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse::<u32>().ok()
            }
            _ => None,
        };
        let Some(tag) = tag else {
            self.issue(path, "must be an integer VAT code, e.g. 1105");
            return None;
        };
        if !self.options.allow_unknown_values && !tables::is_vat_tag(tag) {
            self.issue(
                path,
                format!("must be one of {} (got {tag})", tables::vat_tag_codes()),
            );
        }
        Some(tag)
    }

    fn money_position(&mut self, obj: &Obj) -> (Option<MoneyPosition>, Option<Money>) {
        let payment_type = self.required_text(obj, "paymentType", Integers::Rejected);
        if let Some(payment_type) = &payment_type {
            self.code(
                &obj.path_of("paymentType"),
                payment_type,
                tables::PAYMENT_TYPES,
            );
        }
        let sum = self.money(obj, "sum", true).ok().flatten();
        let payment = payment_type
            .zip(sum)
            .map(|(payment_type, sum)| MoneyPosition { payment_type, sum });
        (payment, sum)
    }

    fn agent_info(&mut self, obj: &Obj) -> AgentInfo {
        let types = self.array(obj, "types").map(|items| {
            let base = obj.path_of("types");
            if items.is_empty() {
                self.issue(base.clone(), "must not be empty");
            }
            let mut types = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let path = format!("{base}[{i}]");
                if let Some(kind) = self.text_value(&path, item, Integers::Rejected) {
                    self.code(&path, &kind, tables::AGENT_TYPES);
                    types.push(kind);
                }
            }
            types
        });
        let paying_agent = self
            .optional_object(obj, "payingAgent")
            .map(|o| PayingAgent {
                operation: self.bounded_text(&o, "operation", 24),
                phones: self.phones(&o, "phones"),
            });
        let receive_payments_operator =
            self.optional_object(obj, "receivePaymentsOperator")
                .map(|o| ReceivePaymentsOperator {
                    phones: self.phones(&o, "phones"),
                });
        let money_transfer_operator =
            self.optional_object(obj, "moneyTransferOperator")
                .map(|o| MoneyTransferOperator {
                    phones: self.phones(&o, "phones"),
                    name: self.bounded_text(&o, "name", 64),
                    address: self.bounded_text(&o, "address", 255),
                    inn: self.optional_inn(&o, "inn"),
                });
        AgentInfo {
            types,
            paying_agent,
            receive_payments_operator,
            money_transfer_operator,
        }
    }

    fn supplier_info(&mut self, obj: &Obj) -> SupplierInfo {
        SupplierInfo {
            phones: self.phones(obj, "phones"),
            name: self.bounded_text(obj, "name", 255),
            inn: self.optional_inn(obj, "inn"),
        }
    }

    fn correction_info(&mut self, obj: &Obj) -> Option<CorrectionInfo> {
        let reason = self.required_text(obj, "reason", Integers::Rejected);
        if let Some(reason) = &reason {
            self.code(&obj.path_of("reason"), reason, tables::CORRECTION_REASONS);
        }
        let document_date = self.required_text(obj, "documentDate", Integers::Rejected);
        if let Some(date) = &document_date {
            self.check(&obj.path_of("documentDate"), formats::check_date(date));
        }
        let document_num = self.optional_text(obj, "documentNum", Integers::Accepted);
        if let Some(num) = &document_num {
            self.max_chars(&obj.path_of("documentNum"), num, 32);
        } else if reason.as_deref() == Some("BY_ORDER") {
            self.issue(
                obj.path_of("documentNum"),
                "is required when the reason is BY_ORDER",
            );
        }
        let fiscal_sign = self.optional_text(obj, "fiscalSign", Integers::Accepted);
        if let Some(sign) = &fiscal_sign {
            if !(1..=10).contains(&sign.len()) || !sign.bytes().all(|b| b.is_ascii_digit()) {
                self.issue(obj.path_of("fiscalSign"), "must be 1 to 10 digits");
            }
        }
        Some(CorrectionInfo {
            reason: reason?,
            document_date: document_date?,
            document_num,
            fiscal_sign,
        })
    }

    fn industry_requisite(&mut self, obj: &Obj) -> Option<IndustryRequisite> {
        let foiv_id = self.required_text(obj, "foivId", Integers::Rejected);
        if let Some(id) = &foiv_id {
            if id.len() != 3 || !id.bytes().all(|b| b.is_ascii_digit()) {
                self.issue(obj.path_of("foivId"), "must be 3 digits, e.g. 030");
            }
        }
        let doc_date_time = self.required_text(obj, "docDateTime", Integers::Rejected);
        let doc_number = self.required_text(obj, "docNumber", Integers::Accepted);
        if let Some(number) = &doc_number {
            self.max_chars(&obj.path_of("docNumber"), number, 32);
        }
        let doc_data = self.required_text(obj, "docData", Integers::Rejected);
        if let Some(data) = &doc_data {
            self.max_chars(&obj.path_of("docData"), data, 256);
        }
        Some(IndustryRequisite {
            foiv_id: foiv_id?,
            doc_date_time: doc_date_time?,
            doc_number: doc_number?,
            doc_data: doc_data?,
        })
    }
}

/// A received value quoted in a message, cut to 40 characters.
fn shorten(value: &str) -> String {
    if value.chars().count() <= 40 {
        value.to_owned()
    } else {
        let mut cut: String = value.chars().take(40).collect();
        cut.push('…');
        cut
    }
}
