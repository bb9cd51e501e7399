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

use std::fmt;

use serde_json::{Map, Value};

use super::document::{
    AgentInfo, CorrectionInfo, Document, IndustryRequisite, MoneyPosition, MoneyTransferOperator,
    PayingAgent, Position, ReceivePaymentsOperator, SupplierInfo,
};
use super::money::{line_gross_kopecks, Money, Quantity};
use super::{formats, rules, tables};
use crate::error::{Error, FieldIssue, MAX_LISTED_ISSUES};

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
    let mut checker = Checker {
        options,
        issues: Vec::new(),
        total: 0,
        stops: false,
        listed_warnings: 0,
    };
    let document = checker.document(&Obj {
        map,
        path: Path::Root,
    });
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

/// The JSON path of a value, e.g. `inventPositions[0].price`: borrowed parts, written out as
/// text only when an issue is recorded, so a valid field costs no string.
#[derive(Clone, Copy)]
enum Path<'p> {
    /// The document itself (the empty path).
    Root,
    /// `parent.key`, or just `key` under the root.
    Key(&'p Path<'p>, &'p str),
    /// `parent.key[index]`.
    Item(&'p Path<'p>, &'p str, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => {
                if !matches!(parent, Path::Root) {
                    write!(f, "{parent}.")?;
                }
                f.write_str(key)
            }
            Path::Item(parent, key, index) => write!(f, "{}[{index}]", Path::Key(parent, key)),
        }
    }
}

/// A JSON object and its path in the document.
struct Obj<'v, 'p> {
    map: &'v Map<String, Value>,
    path: Path<'p>,
}

impl<'v> Obj<'v, '_> {
    /// The path of `key` in this object.
    fn path_of<'s>(&'s self, key: &'s str) -> Path<'s> {
        Path::Key(&self.path, key)
    }

    /// The path of item `index` of the array at `key` in this object.
    fn item_path<'s>(&'s self, key: &'s str, index: usize) -> Path<'s> {
        Path::Item(&self.path, key, index)
    }

    /// The value of `key`; `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
}

struct Checker<'o> {
    options: &'o ValidationOptions,
    /// The first [`MAX_LISTED_ISSUES`] issues: a huge broken document (340,000 empty positions)
    /// must not become a huge error.
    issues: Vec<FieldIssue>,
    /// Every issue found, listed or not.
    total: usize,
    /// Whether an issue stops the document (an error, or any issue under `strict`).
    stops: bool,
    /// How many listed issues are warnings (a full list trades them for errors).
    listed_warnings: usize,
}

impl Checker<'_> {
    fn issue(&mut self, path: impl fmt::Display, rule: &'static str, reason: impl Into<String>) {
        self.total += 1;
        let stops = self.options.strict || rules::severity(rule) == rules::Severity::Error;
        self.stops |= stops;
        if self.issues.len() < MAX_LISTED_ISSUES {
            self.issues
                .push(FieldIssue::new(path.to_string(), rule, reason));
        } else if stops && self.listed_warnings > 0 {
            // A full list keeps errors before warnings: the error is why the document stops.
            if let Some(i) = self
                .issues
                .iter()
                .rposition(|issue| !self.is_stopping(issue))
            {
                self.issues.remove(i);
                self.listed_warnings -= 1;
                self.issues
                    .push(FieldIssue::new(path.to_string(), rule, reason));
            }
            return;
        } else {
            return;
        }
        if !stops {
            self.listed_warnings += 1;
        }
    }

    fn is_stopping(&self, issue: &FieldIssue) -> bool {
        self.options.strict || rules::severity(issue.rule) == rules::Severity::Error
    }

    fn check(&mut self, path: impl fmt::Display, rule: &'static str, result: Result<(), String>) {
        if let Err(reason) = result {
            self.issue(path, rule, reason);
        }
    }

    // ---- primitive readers ----

    /// A text value. A JSON integer is read as its decimal text (lenient in: hosts hold order
    /// numbers and codes as integers, and the service's JSON reader coerces them too) and is
    /// sent as a string (strict out).
    fn text_value(&mut self, path: impl fmt::Display, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            _ => {
                self.issue(path, "type", "must be a string");
                None
            }
        }
    }

    /// The value of a required `key`, or an issue when it is absent (or `null`).
    fn required<'v>(&mut self, obj: &Obj<'v, '_>, key: &str) -> Option<&'v Value> {
        let value = obj.get(key);
        if value.is_none() {
            self.issue(obj.path_of(key), "required", "is required");
        }
        value
    }

    fn required_text(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let value = self.required(obj, key)?;
        let path = obj.path_of(key);
        let text = self.text_value(path, value)?;
        if text.trim().is_empty() {
            self.issue(path, "required", "must not be empty");
            return None;
        }
        Some(text)
    }

    fn optional_text(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let value = obj.get(key)?;
        let text = self.text_value(obj.path_of(key), value)?;
        if text.is_empty() {
            None
        } else {
            Some(text)
        }
    }

    /// An optional text of at most `max` characters (`rule`: `max_length` for a limit the
    /// service documents, `length_advisory` for one it does not).
    fn bounded_text(
        &mut self,
        obj: &Obj,
        key: &str,
        max: usize,
        rule: &'static str,
    ) -> Option<String> {
        let text = self.optional_text(obj, key)?;
        self.max_chars(obj.path_of(key), &text, max, rule);
        Some(text)
    }

    fn max_chars(&mut self, path: impl fmt::Display, text: &str, max: usize, rule: &'static str) {
        let count = text.chars().count();
        if count > max {
            self.issue(
                path,
                rule,
                format!("is longer than {max} characters (has {count})"),
            );
        }
    }

    fn code(&mut self, path: impl fmt::Display, value: &str, table: tables::TextTable) {
        if !self.options.allow_unknown_values && !tables::contains(table, value) {
            self.issue(
                path,
                "table_value",
                format!(
                    "must be one of {} (got \"{}\")",
                    tables::codes(table),
                    shorten(value)
                ),
            );
        }
    }

    fn required_code(&mut self, obj: &Obj, key: &str, table: tables::TextTable) -> Option<String> {
        let text = self.required_text(obj, key)?;
        self.code(obj.path_of(key), &text, table);
        Some(text)
    }

    fn optional_code(&mut self, obj: &Obj, key: &str, table: tables::TextTable) -> Option<String> {
        let text = self.optional_text(obj, key)?;
        self.code(obj.path_of(key), &text, table);
        Some(text)
    }

    /// A required text that must pass the format check `format` (one of [`formats`]).
    fn required_format(
        &mut self,
        obj: &Obj,
        key: &str,
        rule: &'static str,
        format: fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        let text = self.required_text(obj, key)?;
        self.check(obj.path_of(key), rule, format(&text));
        Some(text)
    }

    /// A required date-time (or date, with `format` = [`formats::check_date`]), normalized
    /// first ([`formats::normalize_date_time`]: `+0300` → `+03:00`, missing seconds → `:00`).
    fn required_date_time(
        &mut self,
        obj: &Obj,
        key: &str,
        format: fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        let text = formats::normalize_date_time(&self.required_text(obj, key)?);
        self.check(obj.path_of(key), "date_time", format(&text));
        Some(text)
    }

    /// An optional text that must pass the format check `format` (one of [`formats`]).
    fn optional_format(
        &mut self,
        obj: &Obj,
        key: &str,
        rule: &'static str,
        format: fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        let text = self.optional_text(obj, key)?;
        self.check(obj.path_of(key), rule, format(&text));
        Some(text)
    }

    /// An INN: its shape is an error (`inn_format`), its check digits only a warning
    /// (`inn_checksum`: the service's own example INN fails them).
    fn optional_inn(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let text = self.optional_text(obj, key)?;
        let path = obj.path_of(key);
        match formats::check_inn_format(&text) {
            Ok(()) => self.check(path, "inn_checksum", formats::check_inn_checksum(&text)),
            Err(reason) => self.issue(path, "inn_format", reason),
        }
        Some(text)
    }

    fn optional_bool(&mut self, obj: &Obj, key: &str) -> Option<bool> {
        match obj.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.issue(obj.path_of(key), "type", "must be true or false");
                None
            }
        }
    }

    fn object<'v, 'p>(&mut self, path: Path<'p>, value: &'v Value) -> Option<Obj<'v, 'p>> {
        match value {
            Value::Object(map) => Some(Obj { map, path }),
            _ => {
                self.issue(path, "type", "must be an object");
                None
            }
        }
    }

    fn optional_object<'v, 's>(
        &mut self,
        obj: &'s Obj<'v, '_>,
        key: &'s str,
    ) -> Option<Obj<'v, 's>> {
        let value = obj.get(key)?;
        self.object(obj.path_of(key), value)
    }

    fn array<'v>(&mut self, obj: &Obj<'v, '_>, key: &str) -> Option<&'v Vec<Value>> {
        match obj.get(key)? {
            Value::Array(items) => Some(items),
            _ => {
                self.issue(obj.path_of(key), "type", "must be an array");
                None
            }
        }
    }

    /// A money field: `Ok(None)` when absent (and optional), `Err(())` when broken.
    fn money(&mut self, obj: &Obj, key: &str, required: bool) -> Result<Option<Money>, ()> {
        let path = obj.path_of(key);
        let Some(value) = obj.get(key) else {
            if required {
                self.issue(path, "required", "is required");
                return Err(());
            }
            return Ok(None);
        };
        match Money::from_json(value) {
            Ok(m) if m.is_negative() => {
                self.issue(path, "negative", "must not be negative");
                Err(())
            }
            Ok(m) => Ok(Some(m)),
            Err(e) => {
                self.issue(path, e.rule, e.reason);
                Err(())
            }
        }
    }

    fn phones(&mut self, obj: &Obj, key: &str) -> Option<Vec<String>> {
        let items = self.array(obj, key)?;
        let mut phones = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = obj.item_path(key, i);
            if let Some(phone) = self.text_value(path, item) {
                self.check(path, "phone", formats::check_phone(&phone));
                phones.push(phone);
            }
        }
        Some(phones)
    }

    // ---- the document ----

    fn document(&mut self, obj: &Obj) -> Option<Document> {
        let id = self.required_text(obj, "id");
        if let Some(id) = &id {
            self.check("id", "id_format", check_document_id(id));
        }
        let doc_num = self.required_text(obj, "docNum");
        let doc_type = self.required_code(obj, "docType", tables::DOC_TYPES);
        let checkout_date_time =
            self.required_date_time(obj, "checkoutDateTime", formats::check_date_time);
        let email = self.required_format(obj, "email", "contact", formats::check_contact);
        if let Some(email) = &email {
            self.max_chars("email", email, 64, "length_advisory");
        }
        let print_receipt = self.optional_bool(obj, "printReceipt");
        let response_url = self.optional_format(obj, "responseURL", "url", formats::check_url);
        let tax_mode = self.optional_code(obj, "taxMode", tables::TAX_MODES);
        let cashier_name = self.bounded_text(obj, "cashierName", 64, "max_length");
        let cashier_inn = self.optional_inn(obj, "cashierInn");
        let cashier_position = self.bounded_text(obj, "cashierPosition", 64, "max_length");
        let text_to_print = self.bounded_text(obj, "textToPrint", 3000, "max_length");
        let client_name = self.bounded_text(obj, "clientName", 256, "length_advisory");
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
                    "correction_info",
                    "is only allowed for the correction document types (*_CORRECTION)",
                );
                None
            }
            Some(o) => self.correction_info(&o),
            None => {
                if is_correction && obj.get("correctionInfo").is_none() {
                    self.issue(
                        "correctionInfo",
                        "correction_required",
                        "is required for a correction document",
                    );
                }
                None
            }
        };

        let (positions, amounts) = self.entries(
            obj,
            "inventPositions",
            "must contain at least one position",
            Self::position,
        );
        let (payments, sums) = self.entries(
            obj,
            "moneyPositions",
            "must contain at least one payment",
            Self::money_position,
        );
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

    /// A required, non-empty array of objects (the lines or the payments), each read by `read`
    /// into the entry (when valid) and its amount (when its money fields are). The amounts come
    /// back only when every entry has one: otherwise the totals rule cannot be checked.
    fn entries<T>(
        &mut self,
        obj: &Obj,
        key: &str,
        empty: &str,
        read: impl Fn(&mut Self, &Obj) -> (Option<T>, Option<Money>),
    ) -> (Vec<T>, Option<Vec<Money>>) {
        let Some(items) = self.array(obj, key) else {
            if obj.get(key).is_none() {
                self.issue(obj.path_of(key), "required", "is required");
            }
            return (Vec::new(), None);
        };
        if items.is_empty() {
            self.issue(obj.path_of(key), "required", empty);
            return (Vec::new(), None);
        }
        let mut entries = Vec::with_capacity(items.len());
        let mut amounts = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.iter().enumerate() {
            let (entry, amount) = match self.object(obj.item_path(key, i), item) {
                Some(o) => read(self, &o),
                None => (None, None),
            };
            entries.extend(entry);
            match (amount, amounts.as_mut()) {
                (Some(a), Some(list)) => list.push(a),
                _ => amounts = None,
            }
        }
        (entries, amounts)
    }

    /// The totals rule, given every line amount and every payment sum (all in range).
    fn totals(&mut self, amounts: &[Money], sums: &[Money]) {
        let total =
            |list: &[Money]| Money::from_i128(list.iter().map(|m| m.kopecks() as i128).sum());
        let (positions, payments) = (total(amounts), total(sums));
        if positions.is_none() {
            self.issue(
                "inventPositions",
                "too_large",
                format!("the positions total exceeds the maximum sum {}", Money::MAX),
            );
        }
        if payments.is_none() {
            self.issue(
                "moneyPositions",
                "too_large",
                format!("the payments total exceeds the maximum sum {}", Money::MAX),
            );
        }
        let (Some(positions), Some(payments)) = (positions, payments) else {
            return;
        };
        if positions != payments {
            self.issue(
                "moneyPositions",
                "totals_mismatch",
                format!("payments total {payments} does not equal positions total {positions}"),
            );
        }
    }

    /// A line, and its amount when its money fields are all valid and in range.
    fn position(&mut self, obj: &Obj) -> (Option<Position>, Option<Money>) {
        let name = self.required_text(obj, "name");
        if let Some(name) = &name {
            self.max_chars(obj.path_of("name"), name, 128, "length_advisory");
        }
        let price = self.money(obj, "price", true);
        let quantity = self.quantity(obj);
        let disc_sum = self.money(obj, "discSum", false);
        let vat_tag = self.vat_tag(obj);
        let vat_sum = self.money(obj, "vatSum", false).ok().flatten();
        let payment_object = self.optional_code(obj, "paymentObject", tables::PAYMENT_OBJECTS);
        let payment_method = self.optional_code(obj, "paymentMethod", tables::PAYMENT_METHODS);
        let invent_code = self.optional_text(obj, "inventCode");
        let barcode = self.optional_text(obj, "barcode");
        let description = self.optional_text(obj, "description");
        let origin_country_code = self.optional_format(
            obj,
            "originCountryCode",
            "country_code",
            formats::check_country_code,
        );
        let customs_declaration_number =
            self.bounded_text(obj, "customsDeclarationNumber", 32, "length_advisory");
        let nomenclature_code = self.optional_format(
            obj,
            "nomenclatureCode",
            "nomenclature_code",
            formats::check_nomenclature_code,
        );
        let product_mark = self.bounded_text(obj, "productMark", 255, "max_length");
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
        let vat_revision = self.optional_text(obj, "vatRevision");

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
                obj.path,
                "too_large",
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
                "discount_exceeds",
                format!("{disc_sum} is more than price × quantity {gross}"),
            );
            return None;
        }
        Some(Money::from_kopecks(gross.kopecks() - disc_sum.kopecks()))
    }

    fn quantity(&mut self, obj: &Obj) -> Option<Quantity> {
        let value = self.required(obj, "quantity")?;
        let path = obj.path_of("quantity");
        match Quantity::from_json(value) {
            // Zero is no quantity at all (hosts send 0 for "not set"); below zero is a sign error.
            Ok(q) if q.thousandths() == 0 => {
                self.issue(path, "required", "must be greater than 0");
                None
            }
            Ok(q) if q.thousandths() < 0 => {
                self.issue(path, "negative", "must be greater than 0");
                None
            }
            Ok(q) => Some(q),
            Err(e) => {
                self.issue(path, e.rule, e.reason);
                None
            }
        }
    }

    fn vat_tag(&mut self, obj: &Obj) -> Option<u32> {
        let value = self.required(obj, "vatTag")?;
        let path = obj.path_of("vatTag");
        let tag = match value {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse::<u32>().ok()
            }
            _ => None,
        };
        let Some(tag) = tag else {
            self.issue(path, "type", "must be an integer VAT code, e.g. 1105");
            return None;
        };
        if !self.options.allow_unknown_values && !tables::is_vat_tag(tag) {
            self.issue(
                path,
                "table_value",
                format!("must be one of {} (got {tag})", tables::vat_tag_codes()),
            );
        }
        Some(tag)
    }

    fn money_position(&mut self, obj: &Obj) -> (Option<MoneyPosition>, Option<Money>) {
        let payment_type = self.required_code(obj, "paymentType", tables::PAYMENT_TYPES);
        let sum = self.money(obj, "sum", true).ok().flatten();
        let payment = payment_type
            .zip(sum)
            .map(|(payment_type, sum)| MoneyPosition { payment_type, sum });
        (payment, sum)
    }

    fn agent_info(&mut self, obj: &Obj) -> AgentInfo {
        let types = self.array(obj, "types").map(|items| {
            if items.is_empty() {
                self.issue(obj.path_of("types"), "required", "must not be empty");
            }
            let mut types = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let path = obj.item_path("types", i);
                if let Some(kind) = self.text_value(path, item) {
                    self.code(path, &kind, tables::AGENT_TYPES);
                    types.push(kind);
                }
            }
            types
        });
        let paying_agent = self
            .optional_object(obj, "payingAgent")
            .map(|o| PayingAgent {
                operation: self.bounded_text(&o, "operation", 24, "max_length"),
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
                    name: self.bounded_text(&o, "name", 64, "length_advisory"),
                    address: self.bounded_text(&o, "address", 255, "length_advisory"),
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
            name: self.bounded_text(obj, "name", 255, "length_advisory"),
            inn: self.optional_inn(obj, "inn"),
        }
    }

    fn correction_info(&mut self, obj: &Obj) -> Option<CorrectionInfo> {
        let reason = self.required_code(obj, "reason", tables::CORRECTION_REASONS);
        let document_date = self.required_date_time(obj, "documentDate", formats::check_date);
        let document_num = self.optional_text(obj, "documentNum");
        if let Some(num) = &document_num {
            self.max_chars(obj.path_of("documentNum"), num, 32, "length_advisory");
        } else if reason.as_deref() == Some("BY_ORDER") {
            self.issue(
                obj.path_of("documentNum"),
                "correction_info",
                "is required when the reason is BY_ORDER",
            );
        }
        let fiscal_sign = self.optional_text(obj, "fiscalSign");
        if let Some(sign) = &fiscal_sign {
            if !(1..=10).contains(&sign.len()) || !sign.bytes().all(|b| b.is_ascii_digit()) {
                self.issue(
                    obj.path_of("fiscalSign"),
                    "fiscal_sign",
                    "must be 1 to 10 digits",
                );
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
        let foiv_id = self.required_text(obj, "foivId");
        if let Some(id) = &foiv_id {
            if id.len() != 3 || !id.bytes().all(|b| b.is_ascii_digit()) {
                self.issue(
                    obj.path_of("foivId"),
                    "foiv_id",
                    "must be 3 digits, e.g. 030",
                );
            }
        }
        let doc_date_time = self.required_text(obj, "docDateTime");
        let doc_number = self.required_text(obj, "docNumber");
        if let Some(number) = &doc_number {
            self.max_chars(obj.path_of("docNumber"), number, 32, "length_advisory");
        }
        let doc_data = self.required_text(obj, "docData");
        if let Some(data) = &doc_data {
            self.max_chars(obj.path_of("docData"), data, 256, "length_advisory");
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

#[cfg(test)]
mod tests;
