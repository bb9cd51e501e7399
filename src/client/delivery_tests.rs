//! Tests of the delivery loop (`delivery.rs`): retries, status checks, backoff, and the fakes
//! (`FakeClock`, `doc`) that `delivery_table.rs` also uses.

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
