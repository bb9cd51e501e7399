//! The service's answers: `RetailPointAssociation`, `FNStatus`, `DocumentStatus` (API section 4),
//! and the result of sending a document. Each keeps every field the service sent (`fields`), so
//! callers see new fields the day the service adds them, and offers typed access to the ones the
//! library relies on.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

fn expect_object(value: Value, what: &str, status: u16) -> Result<Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(malformed(what, status, "is not a JSON object")),
    }
}

fn malformed(what: &str, status: u16, why: &str) -> Error {
    Error::MalformedResponse {
        http_status: Some(status),
        detail: format!("{what}: the answer {why}"),
    }
}

fn required_string(map: &Map<String, Value>, key: &str, what: &str, status: u16) -> Result<String> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(malformed(what, status, &format!("has no `{key}` string"))),
    }
}

fn optional_str<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// The answer of associate: the association credentials for every other call.
/// `Debug` hides the password; serializing it (to hand it to the caller) keeps it.
#[derive(Clone, Serialize)]
#[serde(transparent)]
pub struct Association {
    fields: Map<String, Value>,
}

impl Association {
    pub(crate) fn from_json(value: Value, what: &str, status: u16) -> Result<Self> {
        let fields = expect_object(value, what, status)?;
        required_string(&fields, "userName", what, status)?;
        required_string(&fields, "password", what, status)?;
        Ok(Association { fields })
    }

    /// Association login (`userName`), for the config's `login`.
    pub fn user_name(&self) -> &str {
        optional_str(&self.fields, "userName").unwrap_or_default()
    }

    /// Association password, for the config's `password`.
    pub fn password(&self) -> &str {
        optional_str(&self.fields, "password").unwrap_or_default()
    }

    /// The retail point's name, if sent.
    pub fn name(&self) -> Option<&str> {
        optional_str(&self.fields, "name")
    }

    /// The retail point's address, if sent.
    pub fn address(&self) -> Option<&str> {
        optional_str(&self.fields, "address")
    }

    /// Every field as the service sent it (including the password).
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }
}

impl fmt::Debug for Association {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Association")
            .field("userName", &self.user_name())
            .field("password", &"***")
            .field("name", &self.name())
            .field("address", &self.address())
            .finish()
    }
}

/// The fiscal service's state (`FNStatus`): `status` (`ASSOCIATED`, `READY`, `DISABLED`,
/// `FAILED`; upper-cased here, since old servers sent lower case) and `dateTime`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct ServiceStatus {
    fields: Map<String, Value>,
}

impl ServiceStatus {
    pub(crate) fn from_json(value: Value, what: &str, status: u16) -> Result<Self> {
        let mut fields = expect_object(value, what, status)?;
        let upper = required_string(&fields, "status", what, status)?.to_ascii_uppercase();
        fields.insert("status".into(), Value::String(upper));
        Ok(ServiceStatus { fields })
    }

    pub fn status(&self) -> &str {
        optional_str(&self.fields, "status").unwrap_or_default()
    }

    /// When the register last reported, as sent (ISO-8601).
    pub fn date_time(&self) -> Option<&str> {
        optional_str(&self.fields, "dateTime")
    }

    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }
}

/// A document's state (`DocumentStatus`): `status`, `fnState`, `fiscalInfo`, `failureInfo`,
/// `message`, `timeStatusChanged`, and whatever else the service sends.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct DocumentStatus {
    fields: Map<String, Value>,
}

impl DocumentStatus {
    pub(crate) fn from_json(value: Value, what: &str, status: u16) -> Result<Self> {
        let fields = expect_object(value, what, status)?;
        required_string(&fields, "status", what, status)?;
        Ok(DocumentStatus { fields })
    }

    /// The answer of `GET /v1/doc/{id}/status`, taken as the document's only when it is one: its
    /// `status` is one of [`DOCUMENT_STATUSES`] and it is not shaped like the service's own status
    /// (`FNStatus`: `status` and `dateTime`, none of a document's fields). Anything else is
    /// `malformed_response`, which the delivery loop treats as "unknown", never as "found".
    pub(crate) fn from_status_answer(value: Value, what: &str, status: u16) -> Result<Self> {
        let document = DocumentStatus::from_json(value, what, status)?;
        if !DOCUMENT_STATUSES.contains(&document.status()) {
            return Err(malformed(
                what,
                status,
                &format!(
                    "has a `status` that is not a document status: {:?}",
                    document.status().chars().take(40).collect::<String>()
                ),
            ));
        }
        let fields = &document.fields;
        let document_keys = ["fnState", "timeStatusChanged", "fiscalInfo", "failureInfo"];
        if fields.contains_key("dateTime") && !document_keys.iter().any(|k| fields.contains_key(*k))
        {
            return Err(malformed(
                what,
                status,
                "is the service's status (`dateTime`, no document fields), not a document's",
            ));
        }
        Ok(document)
    }

    /// `QUEUED`, `PENDING`, `PRINTED`, `WAIT_FOR_CALLBACK`, `COMPLETED`, `FAILED`, `REQUEUED`, or
    /// a status newer than this library.
    pub fn status(&self) -> &str {
        optional_str(&self.fields, "status").unwrap_or_default()
    }

    pub fn message(&self) -> Option<&str> {
        optional_str(&self.fields, "message")
    }

    /// `fiscalInfo` when present and not null.
    pub fn fiscal_info(&self) -> Option<&Value> {
        self.fields.get("fiscalInfo").filter(|v| !v.is_null())
    }

    /// `failureInfo` when present and not null.
    pub fn failure_info(&self) -> Option<&Value> {
        self.fields.get("failureInfo").filter(|v| !v.is_null())
    }

    /// Whether the receipt is fiscalized (`PRINTED`, `WAIT_FOR_CALLBACK` or `COMPLETED`).
    pub fn is_fiscalized(&self) -> bool {
        matches!(self.status(), "PRINTED" | "WAIT_FOR_CALLBACK" | "COMPLETED")
    }

    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }
}

/// Every document status the API documents (section 4.1).
pub const DOCUMENT_STATUSES: &[&str] = &[
    "QUEUED",
    "PENDING",
    "PRINTED",
    "WAIT_FOR_CALLBACK",
    "COMPLETED",
    "FAILED",
    "REQUEUED",
];

/// How a sent document reached the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The first POST was answered.
    Accepted,
    /// An earlier POST got no usable answer and the service did not know the document, so it
    /// was sent again (same `id`) and that was answered.
    Resent,
    /// A POST got no usable answer, then a status check found the document: its status is
    /// returned. The service holds exactly one document with this id (the id deduplicates),
    /// whichever POST created it; `attempts` counts the POSTs made, which may be more than one
    /// (e.g. a lost answer, a status check that did not find it yet, a resend whose answer was
    /// lost too). It does not mean "sent once".
    FoundExisting,
}

/// Attempts and outcome of sending one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// How many times the document was POSTed (1 when the first answer arrived).
    pub attempts: u32,
    pub outcome: Outcome,
}

/// The result of [`crate::Client::send_document`].
#[derive(Debug, Clone, Serialize)]
pub struct SendResult {
    pub document_id: String,
    pub document_status: DocumentStatus,
    pub delivery: Delivery,
    /// The validation warnings of the document sent (rules of severity `warning`).
    pub warnings: Vec<crate::error::FieldIssue>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn association_keeps_every_field_but_hides_password_in_debug() {
        let a = Association::from_json(
            json!({"userName":"u-1","password":"s3cr3t-pw","name":"Shop","address":"Moscow","extra":1}),
            "POST /v1/associate/x",
            200,
        )
        .unwrap();
        assert_eq!(a.user_name(), "u-1");
        assert_eq!(a.password(), "s3cr3t-pw");
        assert_eq!(serde_json::to_value(&a).unwrap()["extra"], 1);
        assert!(!format!("{a:?}").contains("s3cr3t"));
        for bad in [json!([]), json!({"userName":"u"}), json!({"password":"p"})] {
            let e = Association::from_json(bad, "x", 200).unwrap_err();
            assert_eq!(e.code(), "malformed_response");
        }
    }

    #[test]
    fn service_status_is_upper_cased_and_passed_through() {
        let s = ServiceStatus::from_json(
            json!({"status":"ready","dateTime":"2019-09-17T03:31:56+00:00","message":"m"}),
            "x",
            200,
        )
        .unwrap();
        assert_eq!(s.status(), "READY");
        assert_eq!(s.date_time(), Some("2019-09-17T03:31:56+00:00"));
        assert_eq!(serde_json::to_value(&s).unwrap()["message"], "m");
        assert!(ServiceStatus::from_json(json!({"dateTime":"x"}), "x", 200).is_err());
    }

    #[test]
    fn document_status_typed_view() {
        let d = DocumentStatus::from_json(
            json!({"status":"PRINTED","fiscalInfo":{"qr":"t=1"},"failureInfo":null,"message":"ok"}),
            "x",
            200,
        )
        .unwrap();
        assert!(d.is_fiscalized());
        assert_eq!(d.fiscal_info().unwrap()["qr"], "t=1");
        assert!(d.failure_info().is_none());
        assert_eq!(
            serde_json::to_value(&d).unwrap()["failureInfo"],
            Value::Null
        );
        assert!(DocumentStatus::from_json(json!({"status":5}), "x", 200).is_err());
        // A status check's answer must be a document's status (issue 10, item 2).
        let answer = |v: Value| DocumentStatus::from_status_answer(v, "x", 200);
        assert!(answer(json!({"status":"READY","dateTime":"2019-09-17T03:31:56+00:00"})).is_err());
        assert!(answer(json!({"status":"FAILED","dateTime":"2019-09-17T03:31:56+00:00"})).is_err());
        assert!(answer(json!({"status":"SOMETHING_NEW"})).is_err());
        assert!(answer(json!({"status":"FAILED","fnState":"READY","dateTime":"x"})).is_ok());
        assert!(answer(json!({"status":"QUEUED"})).is_ok());
        let r = SendResult {
            document_id: "id".into(),
            document_status: d,
            delivery: Delivery {
                attempts: 2,
                outcome: Outcome::FoundExisting,
            },
            warnings: vec![],
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            v["delivery"],
            json!({"attempts":2,"outcome":"found_existing"})
        );
        assert_eq!(v["document_status"]["status"], "PRINTED");
    }
}
