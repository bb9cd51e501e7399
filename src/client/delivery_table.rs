//! The delivery loop under every fault at every position: a table-driven test (issue 10).
//!
//! A model service holds at most one document per id (a POST of a known id answers with the
//! stored status, as the sandbox does). Each of the first three requests of a send — the POST,
//! then the status check or the next POST, then the final check — gets every fault in turn: every
//! kind (dropped connection, truncated body, a 200 that is not JSON, a timeout, and the HTTP
//! statuses 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504), before the service processes
//! the request or after it did (a lost answer). A 4xx is the service's word that it processed
//! nothing, so a POST never gets a 4xx *after* it was processed; a status check, which changes
//! nothing, gets every fault. Each sequence runs with 1, 2 and 3 attempts, with a generous and a
//! tight deadline, and every result is checked against the model:
//! - a success names a document the service holds, with its status;
//! - an error's `may_exist` is true whenever the service holds the document;
//! - an error's `safe_to_resend` is its `retryable`; when true, sending again with the same id
//!   (no faults) delivers and the service still holds one document; when false, the last POST was
//!   refused outright by a non-transient 4xx.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use super::delivery::tests::{doc, FakeClock};
use super::delivery::{deliver, Limits};
use super::http::status_error;
use super::responses::Outcome;
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Drop,
    Truncate,
    Malformed,
    Timeout,
    Status(u16),
}

const KINDS: &[Kind] = &[
    Kind::Drop,
    Kind::Truncate,
    Kind::Malformed,
    Kind::Timeout,
    Kind::Status(400),
    Kind::Status(401),
    Kind::Status(403),
    Kind::Status(404),
    Kind::Status(408),
    Kind::Status(409),
    Kind::Status(429),
    Kind::Status(500),
    Kind::Status(502),
    Kind::Status(503),
    Kind::Status(504),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// The request is not processed.
    Before(Kind),
    /// The request is processed, then the answer is lost or replaced.
    After(Kind),
}

/// How long one request may take: a timeout fault uses all of it (or what is left).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Default)]
struct Service {
    exists: bool,
    creates: u32,
    /// The answer to the last POST, as the client saw it.
    last_post: Option<Fault>,
    /// A POST got a 4xx after it was processed (not a fault a service makes).
    unrealistic: bool,
}

fn fault_error(kind: Kind, clock: &FakeClock, left: Duration) -> Error {
    match kind {
        Kind::Drop => Error::Transport("connection closed without an answer".into()),
        Kind::Truncate => Error::Transport("the connection broke while reading the answer".into()),
        Kind::Malformed => Error::MalformedResponse {
            http_status: Some(200),
            detail: "the body is not valid JSON".into(),
        },
        Kind::Timeout => {
            clock.advance(REQUEST_TIMEOUT.min(left));
            Error::Timeout("no answer in time".into())
        }
        Kind::Status(status) => status_error(status, b"", "model", Some(1000)),
    }
}

/// One send against the model with `faults` for the first requests; returns the result.
fn send(
    service: &RefCell<Service>,
    faults: &[Fault],
    max_attempts: u32,
    deadline: Duration,
) -> crate::error::Result<(super::responses::DocumentStatus, super::responses::Delivery)> {
    let clock = FakeClock::new(deadline);
    let next = Cell::new(0usize);
    let take = || {
        let i = next.get();
        next.set(i + 1);
        faults.get(i).copied().unwrap_or(Fault::None)
    };
    let limits = Limits {
        max_attempts,
        first_backoff_ms: 200,
        deadline,
    };
    deliver(
        limits,
        &clock,
        |left| {
            let fault = take();
            let mut s = service.borrow_mut();
            s.last_post = Some(fault);
            if matches!(fault, Fault::After(Kind::Status(st)) if st < 500) {
                s.unrealistic = true;
            }
            if !matches!(fault, Fault::Before(_)) && !s.exists {
                s.exists = true;
                s.creates += 1;
            }
            match fault {
                Fault::None => Ok(doc("QUEUED")),
                Fault::Before(kind) | Fault::After(kind) => Err(fault_error(kind, &clock, left)),
            }
        },
        |left| {
            let fault = take();
            let s = service.borrow();
            match fault {
                Fault::None if s.exists => Ok(doc("QUEUED")),
                Fault::None => Err(Error::NotFound { message: None }),
                Fault::Before(kind) | Fault::After(kind) => Err(fault_error(kind, &clock, left)),
            }
        },
    )
}

fn all_faults() -> Vec<Fault> {
    let mut all = vec![Fault::None];
    for &kind in KINDS {
        all.push(Fault::Before(kind));
        all.push(Fault::After(kind));
    }
    all
}

fn is_definite_refusal(fault: Option<Fault>) -> bool {
    matches!(fault, Some(Fault::Before(Kind::Status(s))) if (400..500).contains(&s) && s != 408 && s != 429)
}

#[test]
fn every_fault_at_every_position_keeps_both_truths() {
    let faults = all_faults();
    let mut sequences = 0u32;
    let mut outcomes = [0u32; 5]; // accepted, resent, found_existing, error may exist, error not
    for &a in &faults {
        for &b in &faults {
            for &c in &faults {
                for max_attempts in [1, 2, 3] {
                    for deadline in [Duration::from_secs(600), Duration::from_secs(4)] {
                        let plan = [a, b, c];
                        let service = RefCell::new(Service::default());
                        let result = send(&service, &plan, max_attempts, deadline);
                        // A POST that got a 4xx after being processed is not a fault a service
                        // makes (see the module docs): such a sequence is not counted.
                        let s = service.borrow();
                        if s.unrealistic {
                            continue;
                        }
                        sequences += 1;
                        let what =
                            format!("{plan:?} attempts {max_attempts} deadline {deadline:?}");
                        assert!(s.creates <= 1, "{what}: created twice");
                        match &result {
                            Ok((status, delivery)) => {
                                assert!(s.exists, "{what}: success without a document");
                                assert_eq!(status.status(), "QUEUED", "{what}");
                                match delivery.outcome {
                                    Outcome::Accepted => {
                                        assert_eq!(delivery.attempts, 1, "{what}");
                                        outcomes[0] += 1;
                                    }
                                    Outcome::Resent => {
                                        assert!(delivery.attempts >= 2, "{what}");
                                        outcomes[1] += 1;
                                    }
                                    Outcome::FoundExisting => {
                                        assert!(delivery.attempts >= 1, "{what}");
                                        outcomes[2] += 1;
                                    }
                                }
                            }
                            Err(e) => {
                                assert!(matches!(e, Error::Undelivered { .. }), "{what}: {e}");
                                if s.exists {
                                    assert!(e.may_exist(), "{what}: exists but {e}");
                                }
                                assert_eq!(e.safe_to_resend(), e.retryable(), "{what}");
                                if e.safe_to_resend() {
                                    drop(s);
                                    let again = send(&service, &[], 3, Duration::from_secs(600));
                                    assert!(again.is_ok(), "{what}: resend failed");
                                    let s = service.borrow();
                                    assert!(s.exists && s.creates == 1, "{what}: resend");
                                } else {
                                    assert!(is_definite_refusal(s.last_post), "{what}: {e}");
                                }
                                outcomes[if e.may_exist() { 3 } else { 4 }] += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    // The size of the table, for the closing note (`--nocapture` shows it).
    println!(
        "fault table: {} faults x 3 positions x 3 attempt bounds x 2 deadlines: {sequences} \
         sequences; accepted {}, resent {}, found_existing {}, errors may_exist {}, errors not {}",
        faults.len(),
        outcomes[0],
        outcomes[1],
        outcomes[2],
        outcomes[3],
        outcomes[4]
    );
    assert!(sequences > 100_000, "{sequences}");
    assert!(outcomes.iter().all(|&n| n > 0), "{outcomes:?}");
}
