//! The checker: the list of issues found so far (errors and warnings, bounded) and the readers of
//! single values (text, codes, formats, money, booleans, objects, arrays, phones), each of which
//! records an issue and answers `None` when the value breaks a rule.

use std::fmt;

use serde_json::Value;

use super::super::money::Money;
use super::super::{formats, rules, tables};
use super::path::{Obj, Path};
use super::ValidationOptions;
use crate::error::{FieldIssue, MAX_LISTED_ISSUES};

pub(super) struct Checker<'o> {
    pub(super) options: &'o ValidationOptions,
    /// The first [`MAX_LISTED_ISSUES`] issues: a huge broken document (340,000 empty positions)
    /// must not become a huge error.
    pub(super) issues: Vec<FieldIssue>,
    /// Every issue found, listed or not.
    pub(super) total: usize,
    /// Whether an issue stops the document (an error, or any issue under `strict`).
    pub(super) stops: bool,
    /// How many listed issues are warnings (a full list trades them for errors).
    pub(super) listed_warnings: usize,
}

impl<'o> Checker<'o> {
    pub(super) fn new(options: &'o ValidationOptions) -> Self {
        Checker {
            options,
            issues: Vec::new(),
            total: 0,
            stops: false,
            listed_warnings: 0,
        }
    }
}

impl Checker<'_> {
    pub(super) fn issue(
        &mut self,
        path: impl fmt::Display,
        rule: &'static str,
        reason: impl Into<String>,
    ) {
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

    pub(super) fn is_stopping(&self, issue: &FieldIssue) -> bool {
        self.options.strict || rules::severity(issue.rule) == rules::Severity::Error
    }

    pub(super) fn check(
        &mut self,
        path: impl fmt::Display,
        rule: &'static str,
        result: Result<(), String>,
    ) {
        if let Err(reason) = result {
            self.issue(path, rule, reason);
        }
    }

    // ---- primitive readers ----

    /// A text value. A JSON integer is read as its decimal text (lenient in: hosts hold order
    /// numbers and codes as integers, and the service's JSON reader coerces them too) and is
    /// sent as a string (strict out).
    pub(super) fn text_value(&mut self, path: impl fmt::Display, value: &Value) -> Option<String> {
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
    pub(super) fn required<'v>(&mut self, obj: &Obj<'v, '_>, key: &str) -> Option<&'v Value> {
        let value = obj.get(key);
        if value.is_none() {
            self.issue(obj.path_of(key), "required", "is required");
        }
        value
    }

    pub(super) fn required_text(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let value = self.required(obj, key)?;
        let path = obj.path_of(key);
        let text = self.text_value(path, value)?;
        if text.trim().is_empty() {
            self.issue(path, "required", "must not be empty");
            return None;
        }
        Some(text)
    }

    pub(super) fn optional_text(&mut self, obj: &Obj, key: &str) -> Option<String> {
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
    pub(super) fn bounded_text(
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

    pub(super) fn max_chars(
        &mut self,
        path: impl fmt::Display,
        text: &str,
        max: usize,
        rule: &'static str,
    ) {
        let count = text.chars().count();
        if count > max {
            self.issue(
                path,
                rule,
                format!("is longer than {max} characters (has {count})"),
            );
        }
    }

    pub(super) fn code(&mut self, path: impl fmt::Display, value: &str, table: tables::TextTable) {
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

    pub(super) fn required_code(
        &mut self,
        obj: &Obj,
        key: &str,
        table: tables::TextTable,
    ) -> Option<String> {
        let text = self.required_text(obj, key)?;
        self.code(obj.path_of(key), &text, table);
        Some(text)
    }

    pub(super) fn optional_code(
        &mut self,
        obj: &Obj,
        key: &str,
        table: tables::TextTable,
    ) -> Option<String> {
        let text = self.optional_text(obj, key)?;
        self.code(obj.path_of(key), &text, table);
        Some(text)
    }

    /// A required text that must pass the format check `format` (one of [`formats`]).
    pub(super) fn required_format(
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
    pub(super) fn required_date_time(
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
    pub(super) fn optional_format(
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
    pub(super) fn optional_inn(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let text = self.optional_text(obj, key)?;
        let path = obj.path_of(key);
        match formats::check_inn_format(&text) {
            Ok(()) => self.check(path, "inn_checksum", formats::check_inn_checksum(&text)),
            Err(reason) => self.issue(path, "inn_format", reason),
        }
        Some(text)
    }

    pub(super) fn optional_bool(&mut self, obj: &Obj, key: &str) -> Option<bool> {
        match obj.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.issue(obj.path_of(key), "type", "must be true or false");
                None
            }
        }
    }

    pub(super) fn object<'v, 'p>(
        &mut self,
        path: Path<'p>,
        value: &'v Value,
    ) -> Option<Obj<'v, 'p>> {
        match value {
            Value::Object(map) => Some(Obj::new(map, path)),
            _ => {
                self.issue(path, "type", "must be an object");
                None
            }
        }
    }

    pub(super) fn optional_object<'v, 's>(
        &mut self,
        obj: &'s Obj<'v, '_>,
        key: &'s str,
    ) -> Option<Obj<'v, 's>> {
        let value = obj.get(key)?;
        self.object(obj.path_of(key), value)
    }

    pub(super) fn array<'v>(&mut self, obj: &Obj<'v, '_>, key: &str) -> Option<&'v Vec<Value>> {
        match obj.get(key)? {
            Value::Array(items) => Some(items),
            _ => {
                self.issue(obj.path_of(key), "type", "must be an array");
                None
            }
        }
    }

    /// A money field: `Ok(None)` when absent (and optional), `Err(())` when broken.
    pub(super) fn money(
        &mut self,
        obj: &Obj,
        key: &str,
        required: bool,
    ) -> Result<Option<Money>, ()> {
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

    pub(super) fn phones(&mut self, obj: &Obj, key: &str) -> Option<Vec<String>> {
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
