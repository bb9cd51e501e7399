//! The one error type of the library, and its stable string codes.
//!
//! Every failure a caller can see is an [`Error`]. Its [`Error::code`] is a stable string that
//! wrappers (the C ABI envelope, the PHP exceptions) map on; the table in [`CODES`] is the only
//! list of them. Messages never contain a password or an `Authorization` header.
//!
//! Every error also states two truths about the document a send was about (README "Errors"):
//! - [`Error::may_exist`]: the service may hold a document with this id because of this call (or
//!   of an earlier POST of it whose answer was lost). `false` only when the call certainly created
//!   nothing: nothing was sent, or the service refused every POST outright with a 4xx (other than
//!   409, which may name an existing document). Calls that send no document always say `false`.
//! - [`Error::safe_to_resend`]: sending the same document again with the **same id**, unchanged,
//!   may succeed and cannot create a second receipt. `false` means the same call will be refused
//!   the same way until something is fixed (the document, the config, the credentials); when
//!   `may_exist` is true as well, ask the document's status before anything else. Never resend a
//!   document whose `may_exist` is true under a new id.

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
        "HTTP 4xx: the service refused the request, with its message (408 and 429 are transient: \
         safe to retry, after retry_after_ms when given)",
    ),
    (
        "server_error",
        "HTTP 5xx: the service failed; safe to retry",
    ),
    (
        "transport",
        "the connection failed or was dropped; safe to retry",
    ),
    (
        "timeout",
        "no answer in time, or a send's deadline_ms was reached; safe to retry",
    ),
    (
        "malformed_response",
        "the service answered with something that is not the expected JSON (a send whose answer \
         this was is safe to resend: see safe_to_resend)",
    ),
    (
        "internal",
        "a bug in this library (a caught panic); please report it",
    ),
    (
        "callback_signature",
        "an incoming callback is not signed for its document (mk_doc/mk_sig): answer it with 403",
    ),
];

/// The library's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The receipt breaks one or more rules; nothing was sent.
    /// `issues` holds at most [`MAX_LISTED_ISSUES`] of them; `total` counts every one.
    #[error("invalid receipt: {}", join_issues(.issues, *.total))]
    Validation {
        issues: Vec<FieldIssue>,
        total: usize,
    },
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
        /// The answer's `Retry-After`, in milliseconds (delta-seconds form only).
        retry_after_ms: Option<u64>,
    },
    #[error("service error (HTTP {http_status}){}", message_suffix(.message))]
    ServerError {
        http_status: u16,
        message: Option<String>,
        /// The answer's `Retry-After`, in milliseconds (delta-seconds form only).
        retry_after_ms: Option<u64>,
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
    /// A send that ended without a document status: `cause` ended it (its code, status and
    /// message are this error's); `may_exist` and `safe_to_resend` are what is known about the
    /// document (a garbled answer to a POST is `malformed_response` but safe to resend); `note`
    /// says what else happened (e.g. a status check that failed too).
    #[error("{cause}{}{}", note_suffix(.note), may_exist_suffix(*.may_exist))]
    Undelivered {
        cause: Box<Error>,
        may_exist: bool,
        safe_to_resend: bool,
        note: Option<String>,
    },
    /// An incoming callback's `mk_doc`/`mk_sig` are missing or do not match (see
    /// `client::callback`); nothing was asked of the service.
    #[error("callback refused: {0}")]
    CallbackSignature(String),
}

impl Error {
    /// The stable string code (one of [`CODES`]).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Undelivered { cause, .. } => cause.code(),
            Error::Validation { .. } => "validation",
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
            Error::CallbackSignature(_) => "callback_signature",
        }
    }

    /// Whether repeating the same call may succeed (for a send: [`Error::safe_to_resend`]).
    /// Sending a document is only ever repeated with the same document `id`, so a retry can never
    /// create a second receipt. 408 (request timeout) and 429 (too many requests) are transient.
    pub fn retryable(&self) -> bool {
        match self {
            Error::ServerError { .. } | Error::Transport(_) | Error::Timeout(_) => true,
            Error::Rejected { http_status, .. } => is_transient_refusal(*http_status),
            Error::Undelivered { safe_to_resend, .. } => *safe_to_resend,
            _ => false,
        }
    }

    /// Whether the service may hold the document this call was about (see the module docs).
    pub fn may_exist(&self) -> bool {
        match self {
            Error::Undelivered { may_exist, .. } => *may_exist,
            _ => false,
        }
    }

    /// Whether sending the same document again with the same id is safe and may succeed (see
    /// the module docs); the same as [`Error::retryable`].
    pub fn safe_to_resend(&self) -> bool {
        self.retryable()
    }

    /// How long the service asked to wait before the next request (`Retry-After`), if it did.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Error::Rejected { retry_after_ms, .. } | Error::ServerError { retry_after_ms, .. } => {
                *retry_after_ms
            }
            Error::Undelivered { cause, .. } => cause.retry_after_ms(),
            _ => None,
        }
    }

    /// The error that ended a send, without its verdict (itself for any other error).
    pub fn cause(&self) -> &Error {
        match self {
            Error::Undelivered { cause, .. } => cause.cause(),
            other => other,
        }
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
            Error::Undelivered { cause, .. } => cause.http_status(),
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
            Error::Undelivered { cause, .. } => cause.service_message(),
            _ => None,
        }
    }

    /// The JSON path of the offending field: the first issue of a validation error, or the
    /// argument's field.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { issues, .. } => issues.first().map(|i| i.field.as_str()),
            Error::InvalidArgument { field, .. } => field.as_deref(),
            Error::Undelivered { cause, .. } => cause.field(),
            _ => None,
        }
    }

    /// The field issues of a validation error (at most [`MAX_LISTED_ISSUES`]; empty for other
    /// errors); [`Error::issue_count`] counts them all.
    pub fn issues(&self) -> &[FieldIssue] {
        match self {
            Error::Validation { issues, .. } => issues,
            Error::Undelivered { cause, .. } => cause.issues(),
            _ => &[],
        }
    }

    /// How many issues a validation error found, listed or not (0 for other errors).
    pub fn issue_count(&self) -> usize {
        match self {
            Error::Validation { total, .. } => *total,
            Error::Undelivered { cause, .. } => cause.issue_count(),
            _ => 0,
        }
    }

    /// A validation error listing `issues` (the first [`MAX_LISTED_ISSUES`]) and counting them.
    pub fn validation(mut issues: Vec<FieldIssue>) -> Self {
        let total = issues.len();
        issues.truncate(MAX_LISTED_ISSUES);
        Error::Validation { issues, total }
    }

    /// Shorthand for an [`Error::InvalidArgument`].
    pub fn invalid_argument(field: Option<&str>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// Whether a 4xx is transient: 408 (request timeout) and 429 (too many requests) say "not now",
/// not "never"; the service processed nothing.
pub fn is_transient_refusal(http_status: u16) -> bool {
    matches!(http_status, 408 | 429)
}

/// The most issues a message (or an envelope) lists; the rest are counted.
pub const MAX_LISTED_ISSUES: usize = 100;

fn join_issues(issues: &[FieldIssue], total: usize) -> String {
    let mut text = issues
        .iter()
        .take(MAX_LISTED_ISSUES)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    let listed = issues.len().min(MAX_LISTED_ISSUES);
    if total > listed {
        text.push_str(&format!("; and {} more issues", total - listed));
    }
    text
}

fn note_suffix(note: &Option<String>) -> String {
    note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
}

fn may_exist_suffix(may_exist: bool) -> &'static str {
    if may_exist {
        " (the document may exist at the service: ask its status, or send it again with the same id; never with a new id)"
    } else {
        " (the service did not create the document)"
    }
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
            Error::validation(vec![FieldIssue::new("id", "required", "is required")]),
            Error::invalid_argument(None, "x"),
            Error::Authentication,
            Error::Forbidden { message: None },
            Error::NotFound { message: None },
            Error::Rejected {
                http_status: 400,
                message: None,
                retry_after_ms: None,
            },
            Error::ServerError {
                http_status: 503,
                message: None,
                retry_after_ms: None,
            },
            Error::Transport("x".into()),
            Error::Timeout("x".into()),
            Error::MalformedResponse {
                http_status: None,
                detail: "x".into(),
            },
            Error::Internal("x".into()),
            Error::CallbackSignature("x".into()),
        ];
        for e in &all {
            assert!(CODES.iter().any(|(c, _)| *c == e.code()), "{}", e.code());
        }
        assert_eq!(all.len(), CODES.len());
        // A send's verdict keeps its cause's code and adds only the truths.
        for e in all {
            let (code, retryable) = (e.code(), e.retryable());
            assert!(!e.may_exist());
            let wrapped = Error::Undelivered {
                cause: Box::new(e),
                may_exist: true,
                safe_to_resend: retryable,
                note: None,
            };
            assert_eq!(wrapped.code(), code);
            assert_eq!(wrapped.safe_to_resend(), retryable);
            assert_eq!(wrapped.retryable(), retryable);
            assert!(wrapped.may_exist());
        }
    }

    #[test]
    fn only_408_and_429_are_transient_refusals() {
        let rejected = |status| Error::Rejected {
            http_status: status,
            message: None,
            retry_after_ms: Some(1000),
        };
        assert!(rejected(408).retryable() && rejected(429).retryable());
        for status in [400, 409, 410, 413, 422, 499] {
            assert!(!rejected(status).retryable(), "{status}");
        }
        assert_eq!(rejected(429).retry_after_ms(), Some(1000));
    }

    #[test]
    fn a_message_lists_at_most_the_cap_of_issues() {
        let issues: Vec<FieldIssue> = (0..1000)
            .map(|i| {
                FieldIssue::new(
                    format!("inventPositions[{i}].name"),
                    "required",
                    "is required",
                )
            })
            .collect();
        let e = Error::validation(issues);
        assert_eq!((e.issues().len(), e.issue_count()), (100, 1000));
        let text = e.to_string();
        assert!(
            text.ends_with("; and 900 more issues"),
            "{}",
            &text[text.len() - 60..]
        );
        assert!(text.len() < 100 * 60, "{}", text.len());
    }

    #[test]
    fn validation_message_names_field_and_reason() {
        let e = Error::validation(vec![
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
