//! Sending one document without losing or doubling it: the retry loop of `send_document`.
//!
//! Every attempt POSTs the same document (same `id`). When an answer is lost — a transport error,
//! a timeout, a 5xx, a malformed or truncated 2xx — the document may or may not exist at the
//! service, so before sending again the loop asks for the document's status: found → that status
//! is the result (`found_existing`); 404 → it was never created, send again (`resent`); the status
//! call failing too → back off and ask again. After the last lost answer it asks once more, without
//! sending. Errors that cannot change by repeating (validation, 400, 401, 403) end the loop at
//! once. At most `max_attempts` POSTs, with exponential backoff between rounds.

use std::time::Duration;

use super::responses::{Delivery, DocumentStatus, Outcome};
use crate::error::{Error, Result};

/// The longest single backoff, whatever the config says.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Whether an error leaves it unknown if the service created the document.
pub fn is_ambiguous(e: &Error) -> bool {
    matches!(
        e,
        Error::Transport(_)
            | Error::Timeout(_)
            | Error::ServerError { .. }
            | Error::MalformedResponse { .. }
    )
}

/// Backoff before round `round` (1-based; round 0 has none): `first × 2^(round-1)`, capped.
pub fn backoff(first_ms: u64, round: u32) -> Duration {
    if round == 0 {
        return Duration::ZERO;
    }
    let factor = 1u64.checked_shl(round - 1).unwrap_or(u64::MAX);
    Duration::from_millis(first_ms.saturating_mul(factor)).min(MAX_BACKOFF)
}

/// Run the loop. `post` sends the document once; `status` asks for its status once; `sleep`
/// waits (a parameter so tests run without waiting).
pub fn deliver(
    max_attempts: u32,
    first_backoff_ms: u64,
    mut sleep: impl FnMut(Duration),
    mut post: impl FnMut() -> Result<DocumentStatus>,
    mut status: impl FnMut() -> Result<DocumentStatus>,
) -> Result<(DocumentStatus, Delivery)> {
    let mut posts = 0u32;
    // The error of the last POST whose answer was lost; while it is set, a round asks for the
    // status before it sends. It is what the caller sees if the loop gives up: a failing status
    // check does not replace it, since the caller asked to send, not to read a status.
    let mut post_error = None;
    let rounds = max_attempts.max(1);
    for round in 0..rounds {
        if round > 0 {
            sleep(backoff(first_backoff_ms, round));
        }
        if post_error.is_some() {
            match status() {
                Ok(found) => return Ok(found_existing(found, posts)),
                Err(Error::NotFound { .. }) => {}
                Err(e) if is_ambiguous(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        posts += 1;
        match post() {
            Ok(accepted) => {
                let outcome = if posts == 1 {
                    Outcome::Accepted
                } else {
                    Outcome::Resent
                };
                return Ok((
                    accepted,
                    Delivery {
                        attempts: posts,
                        outcome,
                    },
                ));
            }
            Err(e) if is_ambiguous(&e) => post_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    // Every round that did not return lost a POST's answer (a round skips its POST only after
    // one was lost), so the error is set here.
    let Some(post_error) = post_error else {
        return Err(Error::Internal("delivery loop ran no round".into()));
    };
    // The last answer was lost too: ask once more without sending, so a document the service did
    // create is reported as delivered rather than as an error the caller would have to resolve.
    sleep(backoff(first_backoff_ms, rounds));
    match status() {
        Ok(found) => Ok(found_existing(found, posts)),
        Err(_) => Err(post_error),
    }
}

fn found_existing(status: DocumentStatus, posts: u32) -> (DocumentStatus, Delivery) {
    (
        status,
        Delivery {
            attempts: posts,
            outcome: Outcome::FoundExisting,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::RefCell;
    use std::collections::VecDeque;

    fn doc(status: &str) -> DocumentStatus {
        DocumentStatus::from_json(json!({ "status": status }), "t", 200).unwrap()
    }

    fn timeout() -> Error {
        Error::Timeout("t".into())
    }

    fn not_found() -> Error {
        Error::NotFound { message: None }
    }

    /// Run the loop against scripted answers; returns the result, POSTs made, status calls made
    /// and the sleeps.
    fn run(
        max_attempts: u32,
        posts: Vec<Result<DocumentStatus>>,
        statuses: Vec<Result<DocumentStatus>>,
    ) -> (
        Result<(DocumentStatus, Delivery)>,
        usize,
        usize,
        Vec<Duration>,
    ) {
        let posts = RefCell::new(VecDeque::from(posts));
        let statuses = RefCell::new(VecDeque::from(statuses));
        let (mut n_post, mut n_status) = (0, 0);
        let mut sleeps = Vec::new();
        let result = deliver(
            max_attempts,
            100,
            |d| sleeps.push(d),
            || {
                n_post += 1;
                posts.borrow_mut().pop_front().expect("unexpected POST")
            },
            || {
                n_status += 1;
                statuses
                    .borrow_mut()
                    .pop_front()
                    .expect("unexpected status call")
            },
        );
        (result, n_post, n_status, sleeps)
    }

    #[test]
    fn first_answer_is_accepted() {
        let (r, p, s, sleeps) = run(3, vec![Ok(doc("QUEUED"))], vec![]);
        let (st, d) = r.unwrap();
        assert_eq!(st.status(), "QUEUED");
        assert_eq!((d.attempts, d.outcome), (1, Outcome::Accepted));
        assert_eq!((p, s), (1, 0));
        assert!(sleeps.is_empty());
    }

    #[test]
    fn lost_answer_found_existing_is_not_resent() {
        let (r, p, s, _) = run(3, vec![Err(timeout())], vec![Ok(doc("PENDING"))]);
        let (st, d) = r.unwrap();
        assert_eq!(st.status(), "PENDING");
        assert_eq!((d.attempts, d.outcome), (1, Outcome::FoundExisting));
        assert_eq!((p, s), (1, 1));
    }

    #[test]
    fn lost_answer_unknown_document_is_resent() {
        let (r, p, s, sleeps) = run(
            3,
            vec![
                Err(Error::ServerError {
                    http_status: 503,
                    message: None,
                }),
                Ok(doc("QUEUED")),
            ],
            vec![Err(not_found())],
        );
        let (_, d) = r.unwrap();
        assert_eq!((d.attempts, d.outcome), (2, Outcome::Resent));
        assert_eq!((p, s), (2, 1));
        assert_eq!(sleeps, vec![Duration::from_millis(100)]);
    }

    #[test]
    fn failing_status_call_is_retried_within_the_bound() {
        let (r, p, s, sleeps) = run(
            3,
            vec![Err(Error::Transport("reset".into()))],
            vec![Err(timeout()), Ok(doc("PRINTED"))],
        );
        let (_, d) = r.unwrap();
        assert_eq!((d.attempts, d.outcome), (1, Outcome::FoundExisting));
        assert_eq!((p, s), (1, 2));
        assert_eq!(
            sleeps,
            vec![Duration::from_millis(100), Duration::from_millis(200)]
        );
    }

    #[test]
    fn bound_is_kept_and_last_error_returned() {
        let (r, p, s, sleeps) = run(
            3,
            vec![Err(timeout()), Err(timeout()), Err(timeout())],
            vec![Err(not_found()), Err(not_found()), Err(not_found())],
        );
        assert_eq!(r.unwrap_err().code(), "timeout");
        assert_eq!((p, s), (3, 3));
        assert_eq!(sleeps.len(), 3);
        // The POST's error is returned, not the failing status check's.
        let (r, p, s, _) = run(
            1,
            vec![Err(timeout())],
            vec![Err(Error::Transport("reset".into()))],
        );
        assert_eq!(r.unwrap_err().code(), "timeout");
        assert_eq!((p, s), (1, 1));
    }

    #[test]
    fn last_lost_answer_is_resolved_by_a_final_status_check() {
        let (r, p, s, _) = run(
            2,
            vec![Err(timeout()), Err(Error::Transport("reset".into()))],
            vec![Err(not_found()), Ok(doc("QUEUED"))],
        );
        let (st, d) = r.unwrap();
        assert_eq!(st.status(), "QUEUED");
        assert_eq!((d.attempts, d.outcome), (2, Outcome::FoundExisting));
        assert_eq!((p, s), (2, 2));
    }

    #[test]
    fn definite_errors_end_at_once() {
        for e in [
            Error::Authentication,
            Error::Forbidden { message: None },
            Error::Rejected {
                http_status: 400,
                message: Some("bad".into()),
            },
        ] {
            let code = e.code();
            let (r, p, s, _) = run(5, vec![Err(e)], vec![]);
            assert_eq!(r.unwrap_err().code(), code);
            assert_eq!((p, s), (1, 0));
        }
        // A definite error from the status call also ends the loop.
        let (r, p, s, _) = run(5, vec![Err(timeout())], vec![Err(Error::Authentication)]);
        assert_eq!(r.unwrap_err().code(), "authentication");
        assert_eq!((p, s), (1, 1));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(200, 0), Duration::ZERO);
        assert_eq!(backoff(200, 1), Duration::from_millis(200));
        assert_eq!(backoff(200, 2), Duration::from_millis(400));
        assert_eq!(backoff(200, 3), Duration::from_millis(800));
        assert_eq!(backoff(200, 40), MAX_BACKOFF);
        assert_eq!(backoff(u64::MAX, 70), MAX_BACKOFF);
        assert_eq!(backoff(0, 5), Duration::ZERO);
    }
}
