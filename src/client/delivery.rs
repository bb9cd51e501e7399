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
#[path = "delivery_tests.rs"]
pub(crate) mod tests;
