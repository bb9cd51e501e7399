//! Injected faults: what the next matching API request gets instead of (or besides) a normal answer.

use serde_json::Value;

/// The body of an injected HTTP error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorBody {
    /// A Spring-style JSON error body.
    Json,
    /// An HTML page, as a reverse proxy in front of the service would send.
    Html,
    Empty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    HttpStatus {
        status: u16,
        body: ErrorBody,
        /// A `Retry-After` header (delta-seconds), as a 429 or 503 may carry.
        retry_after: Option<u64>,
    },
    Delay {
        ms: u64,
    },
    /// Close the connection without answering.
    Drop,
    /// Send the head with the full Content-Length but only half of the body, then close.
    Truncate,
    /// Answer 200 with a body that is not JSON.
    Malformed,
}

/// Whether the request is processed before the fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The request is not processed (for `delay`: processed after the delay).
    Before,
    /// The request is processed, then the fault replaces or delays the answer ("lost answer").
    After,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub phase: Phase,
    /// Only requests whose path contains this string match (others do not consume the fault).
    pub path_contains: Option<String>,
}

/// Longest injectable delay, so a typo cannot hang a test run for hours.
pub const MAX_DELAY_MS: u64 = 120_000;
/// Longest injectable `Retry-After`, in seconds.
pub const MAX_RETRY_AFTER_S: u64 = 86_400;

impl Fault {
    pub fn matches(&self, path: &str) -> bool {
        self.path_contains
            .as_deref()
            .is_none_or(|needle| path.contains(needle))
    }

    /// Parses one fault of the control interface; errors name the offending key.
    pub fn from_json(value: &Value, index: usize) -> Result<Fault, String> {
        let at = |key: &str| format!("faults[{index}].{key}");
        let object = value
            .as_object()
            .ok_or_else(|| format!("faults[{index}]: must be an object"))?;
        for key in object.keys() {
            if ![
                "kind",
                "status",
                "body",
                "phase",
                "ms",
                "path_contains",
                "retry_after",
            ]
            .contains(&key.as_str())
            {
                return Err(format!("{}: unknown key", at(key)));
            }
        }
        let kind_name = object
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{}: is required", at("kind")))?;
        let kind = match kind_name {
            "http_status" => {
                let status = object.get("status").map_or(Some(503), Value::as_u64).filter(|s| (400..=599).contains(s));
                let status = status.ok_or_else(|| format!("{}: must be an integer 400..=599", at("status")))? as u16;
                let body = match object.get("body").map(|b| b.as_str()) {
                    None | Some(Some("json")) => ErrorBody::Json,
                    Some(Some("html")) => ErrorBody::Html,
                    Some(Some("empty")) => ErrorBody::Empty,
                    _ => return Err(format!("{}: must be \"json\", \"html\" or \"empty\"", at("body"))),
                };
                let retry_after = match object.get("retry_after") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(
                        v.as_u64()
                            .filter(|s| *s <= MAX_RETRY_AFTER_S)
                            .ok_or_else(|| format!("{}: must be an integer 0..={MAX_RETRY_AFTER_S} (seconds)", at("retry_after")))?,
                    ),
                };
                FaultKind::HttpStatus { status, body, retry_after }
            }
            "delay" => {
                let ms = object.get("ms").and_then(Value::as_u64).filter(|ms| *ms <= MAX_DELAY_MS);
                FaultKind::Delay { ms: ms.ok_or_else(|| format!("{}: must be an integer 0..={MAX_DELAY_MS}", at("ms")))? }
            }
            "drop" => FaultKind::Drop,
            "truncate" => FaultKind::Truncate,
            "malformed" => FaultKind::Malformed,
            other => {
                return Err(format!(
                    "{}: unknown kind \"{other}\" (allowed: http_status, delay, drop, truncate, malformed)",
                    at("kind")
                ))
            }
        };
        let phase = match object.get("phase").map(|p| p.as_str()) {
            None | Some(Some("before")) => Phase::Before,
            Some(Some("after")) => Phase::After,
            _ => return Err(format!("{}: must be \"before\" or \"after\"", at("phase"))),
        };
        let path_contains = match object.get("path_contains") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(format!("{}: must be a string", at("path_contains"))),
        };
        Ok(Fault {
            kind,
            phase,
            path_contains,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_kind_with_defaults() {
        let f = Fault::from_json(&json!({"kind":"http_status"}), 0).unwrap();
        assert_eq!(
            f.kind,
            FaultKind::HttpStatus {
                status: 503,
                body: ErrorBody::Json,
                retry_after: None
            }
        );
        assert_eq!(f.phase, Phase::Before);
        let f = Fault::from_json(
            &json!({"kind":"http_status","status":502,"body":"html","phase":"after"}),
            0,
        )
        .unwrap();
        assert_eq!(
            f.kind,
            FaultKind::HttpStatus {
                status: 502,
                body: ErrorBody::Html,
                retry_after: None
            }
        );
        assert_eq!(f.phase, Phase::After);
        let f = Fault::from_json(
            &json!({"kind":"http_status","status":429,"retry_after":2}),
            0,
        )
        .unwrap();
        assert_eq!(
            f.kind,
            FaultKind::HttpStatus {
                status: 429,
                body: ErrorBody::Json,
                retry_after: Some(2)
            }
        );
        let f =
            Fault::from_json(&json!({"kind":"delay","ms":10,"path_contains":"/doc"}), 0).unwrap();
        assert_eq!(f.kind, FaultKind::Delay { ms: 10 });
        assert!(f.matches("/api/fn/v2/doc") && !f.matches("/api/fn/v1/status"));
        for kind in ["drop", "truncate", "malformed"] {
            assert!(Fault::from_json(&json!({ "kind": kind }), 0).is_ok());
        }
    }

    #[test]
    fn rejects_bad_faults_naming_the_key() {
        let err = |v: Value| Fault::from_json(&v, 2).unwrap_err();
        assert!(err(json!({"kind":"explode"})).starts_with("faults[2].kind"));
        assert!(err(json!({})).starts_with("faults[2].kind"));
        assert!(err(json!({"kind":"http_status","status":200})).starts_with("faults[2].status"));
        assert!(err(json!({"kind":"http_status","body":"xml"})).starts_with("faults[2].body"));
        assert!(err(json!({"kind":"delay"})).starts_with("faults[2].ms"));
        assert!(err(json!({"kind":"http_status","retry_after":-1}))
            .starts_with("faults[2].retry_after"));
        assert!(err(json!({"kind":"http_status","retry_after":"soon"}))
            .starts_with("faults[2].retry_after"));
        assert!(err(json!({"kind":"delay","ms":999999999})).starts_with("faults[2].ms"));
        assert!(err(json!({"kind":"drop","phase":"during"})).starts_with("faults[2].phase"));
        assert!(err(json!({"kind":"drop","extra":1})).starts_with("faults[2].extra"));
        assert!(err(json!("drop")).starts_with("faults[2]"));
    }
}
