//! The one error type of the library, and its stable string codes.
//!
//! Every failure a caller can see is an [`Error`]. Its [`Error::code`] is a stable string that
//! wrappers (the C ABI envelope, the PHP exceptions) map on; the table in [`CODES`] is the only
//! list of them. Messages never contain a password or an `Authorization` header.

use serde::Serialize;

/// One problem with one field of a receipt (or of a request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    /// JSON path of the field, e.g. `inventPositions[0].price` (empty for the document itself).
    pub field: String,
    /// The stable code of the rule broken, e.g. `required` or `inn_checksum` (one of
    /// [`crate::receipt::rules::RULES`]): what wrappers map on, never the reason's text.
    pub rule: &'static str,
    /// Why it is wrong, in plain English, e.g. `is required` or `has more than 2 decimals`.
    pub reason: String,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, rule: &'static str, reason: impl Into<String>) -> Self {
        FieldIssue {
            field: field.into(),
            rule,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.field, self.reason)
        }
    }
}

/// Every stable error code with a one-line description (`mk_tables` lists them as `error_codes`;
/// whether an error may be retried is [`Error::retryable`]).
pub const CODES: &[(&str, &str)] = &[
    (
        "validation",
        "the receipt breaks a rule of the service; nothing was sent",
    ),
    (
        "invalid_argument",
        "a bad argument or configuration (NULL, bad UTF-8, bad JSON, wrong type)",
    ),
    (
        "authentication",
        "HTTP 401: wrong login/password or association credentials",
    ),
    (
        "forbidden",
        "HTTP 403: no rights for this retail point, or credentials of the other environment",
    ),
    ("not_found", "HTTP 404: unknown retail point or document"),
    (
        "rejected",
        "HTTP 4xx: the service refused the request, with its message",
    ),
    (
        "server_error",
        "HTTP 5xx: the service failed; safe to retry",
    ),
    (
        "transport",
        "the connection failed or was dropped; safe to retry",
    ),
    ("timeout", "no answer in time; safe to retry"),
    (
        "malformed_response",
        "the service answered with something that is not the expected JSON",
    ),
    (
        "internal",
        "a bug in this library (a caught panic); please report it",
    ),
];

/// The library's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The receipt breaks one or more rules; nothing was sent.
    #[error("invalid receipt: {}", join_issues(.0))]
    Validation(Vec<FieldIssue>),
    /// A bad argument or configuration.
    #[error("invalid argument{}: {message}", field_suffix(.field))]
    InvalidArgument {
        field: Option<String>,
        message: String,
    },
    #[error("authentication failed (HTTP 401): check the login and password")]
    Authentication,
    #[error("forbidden (HTTP 403){}", message_suffix(.message))]
    Forbidden { message: Option<String> },
    #[error("not found (HTTP 404){}", message_suffix(.message))]
    NotFound { message: Option<String> },
    /// Any other 4xx; `message` is the service's own message when it sent one.
    #[error("rejected by the service (HTTP {http_status}){}", message_suffix(.message))]
    Rejected {
        http_status: u16,
        message: Option<String>,
    },
    #[error("service error (HTTP {http_status}){}", message_suffix(.message))]
    ServerError {
        http_status: u16,
        message: Option<String>,
    },
    #[error("transport error: {0}")]
    Transport(String),
    #[error("timeout: {0}")]
    Timeout(String),
    #[error("malformed response{}: {detail}", status_suffix(.http_status))]
    MalformedResponse {
        http_status: Option<u16>,
        detail: String,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable string code (one of [`CODES`]).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::Authentication => "authentication",
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not_found",
            Error::Rejected { .. } => "rejected",
            Error::ServerError { .. } => "server_error",
            Error::Transport(_) => "transport",
            Error::Timeout(_) => "timeout",
            Error::MalformedResponse { .. } => "malformed_response",
            Error::Internal(_) => "internal",
        }
    }

    /// Whether repeating the same call may succeed. Sending a document is only ever repeated
    /// with the same document `id`, so a retry can never create a second receipt.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            Error::ServerError { .. } | Error::Transport(_) | Error::Timeout(_)
        )
    }

    /// The HTTP status the service answered with, where there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Authentication => Some(401),
            Error::Forbidden { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::Rejected { http_status, .. } | Error::ServerError { http_status, .. } => {
                Some(*http_status)
            }
            Error::MalformedResponse { http_status, .. } => *http_status,
            _ => None,
        }
    }

    /// The service's own message (from its JSON error body), where it sent one.
    pub fn service_message(&self) -> Option<&str> {
        match self {
            Error::Forbidden { message }
            | Error::NotFound { message }
            | Error::Rejected { message, .. }
            | Error::ServerError { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// The JSON path of the offending field: the first issue of a validation error, or the
    /// argument's field.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation(issues) => issues.first().map(|i| i.field.as_str()),
            Error::InvalidArgument { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// Every field issue of a validation error (empty for other errors).
    pub fn issues(&self) -> &[FieldIssue] {
        match self {
            Error::Validation(issues) => issues,
            _ => &[],
        }
    }

    /// Shorthand for an [`Error::InvalidArgument`].
    pub fn invalid_argument(field: Option<&str>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

fn join_issues(issues: &[FieldIssue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn field_suffix(field: &Option<String>) -> String {
    field
        .as_ref()
        .map(|f| format!(" `{f}`"))
        .unwrap_or_default()
}

fn message_suffix(message: &Option<String>) -> String {
    message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

fn status_suffix(status: &Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_listed_code() {
        let all = [
            Error::Validation(vec![FieldIssue::new("id", "required", "is required")]),
            Error::invalid_argument(None, "x"),
            Error::Authentication,
            Error::Forbidden { message: None },
            Error::NotFound { message: None },
            Error::Rejected {
                http_status: 400,
                message: None,
            },
            Error::ServerError {
                http_status: 503,
                message: None,
            },
            Error::Transport("x".into()),
            Error::Timeout("x".into()),
            Error::MalformedResponse {
                http_status: None,
                detail: "x".into(),
            },
            Error::Internal("x".into()),
        ];
        for e in &all {
            assert!(CODES.iter().any(|(c, _)| *c == e.code()), "{}", e.code());
        }
        assert_eq!(all.len(), CODES.len());
    }

    #[test]
    fn validation_message_names_field_and_reason() {
        let e = Error::Validation(vec![
            FieldIssue::new(
                "inventPositions[0].price",
                "decimals",
                "has more than 2 decimals",
            ),
            FieldIssue::new("email", "required", "is required"),
        ]);
        assert_eq!(
            e.to_string(),
            "invalid receipt: inventPositions[0].price: has more than 2 decimals; email: is required"
        );
        assert_eq!(e.field(), Some("inventPositions[0].price"));
        assert!(!e.retryable());
    }
}
