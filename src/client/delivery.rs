//! Sending one document without losing or doubling it: the retry loop of `send_document`.
//!
//! Every attempt POSTs the same document (same `id`). When an answer is lost — a transport error,
//! a timeout, a 5xx, a malformed or truncated 2xx — the document may or may not exist at the
//! service, so before sending again the loop asks for the document's status: found → that status
//! is the result (`found_existing`); 404 → it was never created, send again (`resent`); the status
//! check failing too (transport, timeout, 5xx, 408, 429, an answer that is not a document status)
//! → back off and ask again. After the last lost answer it asks once more, without sending.
//! A 408 or 429 on the POST means "not now": the service processed nothing; the loop waits for
//! the longer of its backoff and the answer's `Retry-After`, then sends again.
//! Errors that cannot change by repeating (validation, 400, 401, 403, 409, ...) end the loop at
//! once. At most `max_attempts` POSTs, with exponential backoff between rounds, and never past
//! the deadline: every request's timeout is cut to what is left of it.
//!
//! Every error the loop returns is an [`Error::Undelivered`] carrying the truth about the
//! document: `may_exist` is true as soon as one POST's answer was lost (or a POST was answered
//! 409), whatever a later status check said, since a 404 cannot prove that a POST still in flight
//! will not land; and the cause is the last POST's error (a failing status check never replaces
//! it: the caller asked to send), so `safe_to_resend` is the POST error's `retryable` (or true
//! for a garbled answer, which is a lost one).

use std::time::{Duration, Instant};

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

/// The bounds of one send.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// At most this many POSTs.
    pub max_attempts: u32,
    /// The first backoff, doubled per round.
    pub first_backoff_ms: u64,
    /// The whole send, retries, waits and status checks included.
    pub deadline: Duration,
}

/// Time as the loop sees it: a parameter so tests run without waiting.
pub trait Clock {
    /// What is left of the deadline.
    fn remaining(&self) -> Duration;
    fn sleep(&self, d: Duration);
}

/// The real clock: the deadline counts from when the send started.
pub struct RealClock {
    end: Instant,
}

impl RealClock {
    pub fn starting_now(deadline: Duration) -> RealClock {
        let now = Instant::now();
        RealClock {
            end: now.checked_add(deadline).unwrap_or(now),
        }
    }
}

impl Clock for RealClock {
    fn remaining(&self) -> Duration {
        self.end.saturating_duration_since(Instant::now())
    }

    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// What a status check told the loop.
enum Check {
    Found(DocumentStatus),
    Absent,
    /// The check failed in a way that may pass (transport, timeout, 5xx, 408, 429, malformed).
    Unknown(Error),
    /// The check failed in a way that will not pass by asking again (401, 403, other 4xx).
    Refused(Error),
}

fn check(result: Result<DocumentStatus>) -> Check {
    match result {
        Ok(found) => Check::Found(found),
        Err(Error::NotFound { .. }) => Check::Absent,
        Err(e) if is_ambiguous(&e) || e.retryable() => Check::Unknown(e),
        Err(e) => Check::Refused(e),
    }
}

/// Run the loop. `post` sends the document once; `status` asks for its status once; each gets
/// the time left of the deadline, to bound its request by.
pub fn deliver(
    limits: Limits,
    clock: &impl Clock,
    mut post: impl FnMut(Duration) -> Result<DocumentStatus>,
    mut status: impl FnMut(Duration) -> Result<DocumentStatus>,
) -> Result<(DocumentStatus, Delivery)> {
    let mut posts = 0u32;
    // The error of the last POST; what the caller sees if the loop gives up.
    let mut last_error: Option<Error> = None;
    // Whether the last POST's answer was lost: the next round asks for the status first.
    let mut unknown = false;
    // Whether any POST's answer was lost or was a 409: the document may exist.
    let mut may_exist = false;
    // What a failing status check said, for the message.
    let mut note: Option<String> = None;
    // Whether the deadline (not the attempts) ended the loop.
    let mut out_of_time = false;
    let rounds = limits.max_attempts.max(1);
    // Resending the same id is safe after an answer that was lost (the id deduplicates) or a
    // "not now" (408, 429): the same as the cause's `retryable`, except that a garbled answer
    // (`malformed_response`, not retryable as a one-shot call) is a lost answer here.
    let give_up = |cause: Error, may_exist: bool, note: Option<String>| Error::Undelivered {
        safe_to_resend: is_ambiguous(&cause) || cause.retryable(),
        cause: Box::new(cause),
        may_exist,
        note,
    };
    for round in 0..rounds {
        if round > 0 {
            let hint = last_error
                .as_ref()
                .and_then(Error::retry_after_ms)
                .map_or(Duration::ZERO, Duration::from_millis);
            let pause = backoff(limits.first_backoff_ms, round).max(hint);
            if pause >= clock.remaining() {
                // A Retry-After beyond the deadline: the refusal itself is the answer (it says
                // when to come back); a backoff beyond it: the deadline is.
                out_of_time = pause > hint;
                break;
            }
            clock.sleep(pause);
        }
        if unknown {
            let left = clock.remaining();
            if left.is_zero() {
                out_of_time = true;
                break;
            }
            match check(status(left)) {
                Check::Found(found) => return Ok(found_existing(found, posts)),
                Check::Absent => unknown = false,
                Check::Unknown(e) => {
                    note = Some(format!("the status check failed too: {e}"));
                    continue;
                }
                Check::Refused(e) => {
                    let note = Some(format!("the status check was refused: {e}"));
                    return Err(give_up(last_error.unwrap_or(e), may_exist, note));
                }
            }
        }
        let left = clock.remaining();
        if left.is_zero() {
            out_of_time = true;
            break;
        }
        posts += 1;
        match post(left) {
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
            Err(e) if is_ambiguous(&e) => {
                unknown = true;
                may_exist = true;
                last_error = Some(e);
            }
            Err(e) if e.retryable() => last_error = Some(e),
            Err(e) => {
                let conflict = e.http_status() == Some(409);
                return Err(give_up(e, may_exist || conflict, note));
            }
        }
    }
    // Out of attempts or of time. If the last answer was lost, ask once more without sending (after
    // the backoff, if there is time for it), so a document the service did create is reported as
    // delivered rather than as an error the caller would have to resolve.
    if unknown {
        let pause = backoff(limits.first_backoff_ms, rounds);
        if pause < clock.remaining() {
            clock.sleep(pause);
        }
        let left = clock.remaining();
        if !left.is_zero() {
            match check(status(left)) {
                Check::Found(found) => return Ok(found_existing(found, posts)),
                Check::Absent => {}
                Check::Unknown(e) | Check::Refused(e) => {
                    note = Some(format!("the status check failed too: {e}"));
                }
            }
        }
    }
    if clock.remaining().is_zero() {
        out_of_time = true;
    }
    let cause = match last_error {
        // Time ran out before the attempts did: that is a timeout, whatever the last POST said.
        Some(e) if !out_of_time => e,
        Some(e) => Error::Timeout(format!(
            "the send's deadline of {} ms was reached after {posts} POST(s); the last one: {e}",
            limits.deadline.as_millis()
        )),
        None => Error::Timeout(format!(
            "the send's deadline of {} ms was reached before the document could be sent",
            limits.deadline.as_millis()
        )),
    };
    Err(give_up(cause, may_exist, note))
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
pub(crate) mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;

    /// A clock that only moves when the loop sleeps or a request says it took time.
    pub(crate) struct FakeClock {
        pub now: Cell<Duration>,
        pub deadline: Duration,
        pub sleeps: RefCell<Vec<Duration>>,
    }

    impl FakeClock {
        pub fn new(deadline: Duration) -> FakeClock {
            FakeClock {
                now: Cell::new(Duration::ZERO),
                deadline,
                sleeps: RefCell::new(Vec::new()),
            }
        }

        pub fn advance(&self, d: Duration) {
            self.now.set(self.now.get() + d);
        }
    }

    impl Clock for FakeClock {
        fn remaining(&self) -> Duration {
            self.deadline.saturating_sub(self.now.get())
        }

        fn sleep(&self, d: Duration) {
            self.sleeps.borrow_mut().push(d);
            self.advance(d);
        }
    }

    pub(crate) fn doc(status: &str) -> DocumentStatus {
        DocumentStatus::from_json(json!({ "status": status }), "t", 200).unwrap()
    }

    fn timeout() -> Error {
        Error::Timeout("t".into())
    }

    fn not_found() -> Error {
        Error::NotFound { message: None }
    }

    fn rejected(status: u16, retry_after_ms: Option<u64>) -> Error {
        Error::Rejected {
            http_status: status,
            message: None,
            retry_after_ms,
        }
    }

    type Outcome3 = (
        Result<(DocumentStatus, Delivery)>,
        usize,
        usize,
        Vec<Duration>,
    );

    /// Run the loop against scripted answers (each request takes no time); returns the result,
    /// POSTs made, status calls made and the sleeps.
    fn run_within(
        max_attempts: u32,
        deadline: Duration,
        posts: Vec<Result<DocumentStatus>>,
        statuses: Vec<Result<DocumentStatus>>,
    ) -> Outcome3 {
        let posts = RefCell::new(VecDeque::from(posts));
        let statuses = RefCell::new(VecDeque::from(statuses));
        let (n_post, n_status) = (Cell::new(0), Cell::new(0));
        let clock = FakeClock::new(deadline);
        let limits = Limits {
            max_attempts,
            first_backoff_ms: 100,
            deadline,
        };
        let result = deliver(
            limits,
            &clock,
            |_| {
                n_post.set(n_post.get() + 1);
                posts.borrow_mut().pop_front().expect("unexpected POST")
            },
            |_| {
                n_status.set(n_status.get() + 1);
                statuses
                    .borrow_mut()
                    .pop_front()
                    .expect("unexpected status call")
            },
        );
        let sleeps = clock.sleeps.borrow().clone();
        (result, n_post.get(), n_status.get(), sleeps)
    }

    fn run(
        max_attempts: u32,
        posts: Vec<Result<DocumentStatus>>,
        statuses: Vec<Result<DocumentStatus>>,
    ) -> Outcome3 {
        run_within(max_attempts, Duration::from_secs(600), posts, statuses)
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
                    retry_after_ms: None,
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
        let e = r.unwrap_err();
        assert_eq!(e.code(), "timeout");
        assert!(e.may_exist() && e.safe_to_resend());
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
    fn definite_errors_end_at_once_and_created_nothing() {
        for e in [
            Error::Authentication,
            Error::Forbidden { message: None },
            rejected(400, None),
        ] {
            let code = e.code();
            let (r, p, s, _) = run(5, vec![Err(e)], vec![]);
            let e = r.unwrap_err();
            assert_eq!(e.code(), code);
            assert!(!e.may_exist() && !e.safe_to_resend(), "{e}");
            assert_eq!((p, s), (1, 0));
        }
        // 409 may name an existing document.
        let (r, _, _, _) = run(5, vec![Err(rejected(409, None))], vec![]);
        let e = r.unwrap_err();
        assert!(e.may_exist() && !e.safe_to_resend());
    }

    /// Issue 10, lie 2: a refused status check after a lost POST replaced the POST's error.
    #[test]
    fn a_refused_status_check_keeps_the_post_error_and_its_truths() {
        let (r, p, s, _) = run(5, vec![Err(timeout())], vec![Err(Error::Authentication)]);
        let e = r.unwrap_err();
        assert_eq!(e.code(), "timeout");
        assert!(e.may_exist() && e.safe_to_resend());
        assert!(e.to_string().contains("status check was refused"), "{e}");
        assert_eq!((p, s), (1, 1));
        // 429 and 409 on the status check: asked again, and the POST's error stays.
        for status in [429, 409] {
            let (r, _, s, _) = run(
                1,
                vec![Err(Error::Transport("dropped".into()))],
                vec![Err(rejected(status, None))],
            );
            let e = r.unwrap_err();
            assert_eq!(e.code(), "transport", "{status}");
            assert!(e.may_exist() && e.safe_to_resend(), "{status}");
            assert_eq!(s, 1);
        }
    }

    /// Issue 10, lie 1: a 200 with a garbled body, then a 404 status check.
    #[test]
    fn a_garbled_200_then_404_is_retryable_and_may_exist() {
        let garbled = Error::MalformedResponse {
            http_status: Some(200),
            detail: "not JSON".into(),
        };
        let (r, _, _, _) = run(1, vec![Err(garbled)], vec![Err(not_found())]);
        let e = r.unwrap_err();
        assert_eq!(e.code(), "malformed_response");
        assert!(e.retryable() && e.safe_to_resend() && e.may_exist(), "{e}");
    }

    /// Issue 10, lie 3: 408 and 429 on the POST are transient and honour Retry-After.
    #[test]
    fn transient_refusals_are_resent_after_retry_after() {
        let (r, p, s, sleeps) = run(
            3,
            vec![Err(rejected(429, Some(1500))), Ok(doc("QUEUED"))],
            vec![],
        );
        let (_, d) = r.unwrap();
        assert_eq!((d.attempts, d.outcome), (2, Outcome::Resent));
        assert_eq!((p, s), (2, 0), "nothing was lost, so no status check");
        assert_eq!(sleeps, vec![Duration::from_millis(1500)]);
        // Out of attempts: the refusal, retryable, nothing created.
        let (r, _, _, _) = run(
            2,
            vec![Err(rejected(408, None)), Err(rejected(408, None))],
            vec![],
        );
        let e = r.unwrap_err();
        assert_eq!(e.http_status(), Some(408));
        assert!(e.safe_to_resend() && !e.may_exist());
        // A Retry-After beyond the deadline ends the send with the refusal, without waiting.
        let (r, p, _, sleeps) = run_within(
            3,
            Duration::from_secs(2),
            vec![Err(rejected(429, Some(5000)))],
            vec![],
        );
        let e = r.unwrap_err();
        assert_eq!(
            (e.http_status(), e.retry_after_ms()),
            (Some(429), Some(5000))
        );
        assert!(e.safe_to_resend());
        assert_eq!(p, 1);
        assert!(sleeps.is_empty());
    }

    /// Issue 9, item 1: the deadline bounds the whole send and ends it as a retryable timeout.
    #[test]
    fn the_deadline_ends_the_send_as_a_timeout() {
        // Backoff 100, 200 ms; a deadline of 250 ms leaves no time for the third round.
        let (r, p, s, sleeps) = run_within(
            5,
            Duration::from_millis(250),
            vec![Err(timeout()), Err(timeout())],
            vec![Err(not_found()), Err(not_found())],
        );
        let e = r.unwrap_err();
        assert_eq!(e.code(), "timeout");
        assert!(e.to_string().contains("deadline of 250 ms"), "{e}");
        assert!(e.may_exist() && e.safe_to_resend());
        assert_eq!((p, s), (2, 2));
        assert_eq!(
            sleeps,
            vec![Duration::from_millis(100)],
            "no sleep that passes the deadline"
        );
        // Nothing was ever POSTed when the deadline is already gone: the document cannot exist.
        let (r, p, _, _) = run_within(3, Duration::ZERO, vec![], vec![]);
        let e = r.unwrap_err();
        assert_eq!(e.code(), "timeout");
        assert!(!e.may_exist() && e.safe_to_resend());
        assert_eq!(p, 0);
    }

    #[test]
    fn every_request_is_bounded_by_what_is_left() {
        let clock = FakeClock::new(Duration::from_millis(1000));
        let limits = Limits {
            max_attempts: 3,
            first_backoff_ms: 100,
            deadline: Duration::from_millis(1000),
        };
        let seen = RefCell::new(Vec::new());
        let r = deliver(
            limits,
            &clock,
            |left| {
                seen.borrow_mut().push(left);
                clock.advance(Duration::from_millis(300));
                Err(timeout())
            },
            |left| {
                seen.borrow_mut().push(left);
                Err(not_found())
            },
        );
        assert_eq!(r.unwrap_err().code(), "timeout");
        let ms: Vec<u128> = seen.borrow().iter().map(Duration::as_millis).collect();
        // POST 1000 → 700 left; sleep 100 → check 600, POST 600 → 300 left; sleep 200 → check
        // 100, POST 100 → 0 left: no final check.
        assert_eq!(ms, vec![1000, 600, 600, 100, 100]);
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
