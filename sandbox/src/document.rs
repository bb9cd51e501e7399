//! A stored document and its lifecycle, computed lazily from elapsed time:
//! QUEUED (or REQUEUED) → PENDING → PRINTED | FAILED, and with a `responseURL`
//! PRINTED → WAIT_FOR_CALLBACK → COMPLETED once the callback got HTTP 200.

use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Value};

use crate::clock::DateTime;
use crate::decimal::format_kopecks;

/// Fiscal data of a printed document (assigned when its processing run starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalData {
    pub shift_number: u32,
    pub check_number: u32,
    pub fn_doc_number: u32,
    /// Fiscal sign (ФПД), up to 10 digits.
    pub fn_doc_mark: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Print(FiscalData),
    Fail {
        failure_type: String,
        message: String,
    },
}

/// One processing run: from submission, or from a re-queue.
#[derive(Debug, Clone)]
pub struct Run {
    /// When the document entered QUEUED (or REQUEUED).
    pub queued_wall: SystemTime,
    /// When the register's timing started for it: the submission, or, for a document that was
    /// waiting for the register, the moment the register became READY again.
    pub started: Instant,
    pub started_wall: SystemTime,
    /// Submitted while the register was not READY: stays QUEUED (REQUEUED) until it is.
    pub waiting_for_register: bool,
    pub requeued: bool,
    pub outcome: Outcome,
    /// Increments with each run, so stale callback jobs can be recognized.
    pub generation: u32,
}

#[derive(Debug, Clone, Default)]
pub struct CallbackState {
    pub attempts: u32,
    pub completed_at: Option<SystemTime>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub id: String,
    pub doc_type: String,
    pub total_kopecks: i128,
    pub response_url: Option<String>,
    pub run: Run,
    pub callback: CallbackState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Queued,
    Requeued,
    Pending,
    Printed,
    WaitForCallback,
    Completed,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "QUEUED",
            Status::Requeued => "REQUEUED",
            Status::Pending => "PENDING",
            Status::Printed => "PRINTED",
            Status::WaitForCallback => "WAIT_FOR_CALLBACK",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
        }
    }
}

/// The timing of the lifecycle.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub queue: Duration,
    pub print: Duration,
}

/// The tax service's receipt type `n` of the QR code and the service's `checkType`.
fn receipt_kind(doc_type: &str) -> (u8, &'static str) {
    match doc_type {
        "SALE" => (1, "SALE"),
        "RETURN" => (2, "RETURN"),
        "BUY" => (3, "PURCHASE"),
        "BUY_RETURN" => (4, "RETURN_PURCHASE"),
        "SALE_CORRECTION" => (1, "SALE_CORRECTION"),
        "SALE_RETURN_CORRECTION" => (2, "RETURN_CORRECTION"),
        "BUY_CORRECTION" => (3, "PURCHASE_CORRECTION"),
        _ => (4, "RETURN_PURCHASE_CORRECTION"), // BUY_RETURN_CORRECTION, the last validated type
    }
}

/// Identity of the emulated register and fiscal drive (9999… is the test-drive number range).
pub const FN_NUMBER: &str = "9999078900012345";
pub const KKT_NUMBER: &str = "0000000000012345";
pub const ECR_REGISTRATION_NUMBER: &str = "0000000000012345";

impl StoredDocument {
    /// When the current run prints (or fails).
    pub fn print_instant(&self, timing: Timing) -> Instant {
        self.run.started + timing.queue + timing.print
    }

    pub fn status_at(&self, now: Instant, timing: Timing) -> Status {
        let elapsed = now.saturating_duration_since(self.run.started);
        if self.run.waiting_for_register || elapsed < timing.queue {
            if self.run.requeued {
                Status::Requeued
            } else {
                Status::Queued
            }
        } else if elapsed < timing.queue + timing.print {
            Status::Pending
        } else {
            match (&self.run.outcome, &self.response_url) {
                (Outcome::Fail { .. }, _) => Status::Failed,
                (Outcome::Print(_), None) => Status::Printed,
                (Outcome::Print(_), Some(_)) if self.callback.completed_at.is_some() => {
                    Status::Completed
                }
                (Outcome::Print(_), Some(_)) => Status::WaitForCallback,
            }
        }
    }

    fn printed_wall(&self, timing: Timing) -> SystemTime {
        self.run.started_wall + timing.queue + timing.print
    }

    /// The fiscal QR string: `t=YYYYMMDDTHHMM&s=200.00&fn=…&i=<doc no>&fp=<sign>&n=1`.
    pub fn qr(&self, fiscal: &FiscalData, timing: Timing) -> String {
        let date = DateTime::from_system(self.printed_wall(timing));
        format!(
            "t={}&s={}&fn={}&i={}&fp={}&n={}",
            date.qr_time(),
            format_kopecks(self.total_kopecks),
            FN_NUMBER,
            fiscal.fn_doc_number,
            fiscal.fn_doc_mark,
            receipt_kind(&self.doc_type).0
        )
    }

    /// The service's `DocumentStatus` as of `now`; `fn_state` is the register's current state.
    pub fn status_json(&self, now: Instant, timing: Timing, fn_state: &str) -> Value {
        let status = self.status_at(now, timing);
        let since = match status {
            Status::Queued | Status::Requeued => self.run.queued_wall,
            Status::Pending => self.run.started_wall + timing.queue,
            Status::Completed => self
                .callback
                .completed_at
                .unwrap_or_else(|| self.printed_wall(timing)),
            Status::Printed | Status::WaitForCallback | Status::Failed => self.printed_wall(timing),
        };
        let message = match (status, &self.run.outcome) {
            (Status::Queued, _) => "Document queued for printing".to_string(),
            (Status::Requeued, _) => "Document re-queued for printing".to_string(),
            (Status::Pending, _) => "Document is being printed".to_string(),
            (Status::Printed, _) => "Document printed".to_string(),
            (Status::WaitForCallback, _) => {
                "Document printed, waiting for the callback to be acknowledged".to_string()
            }
            (Status::Completed, _) => "Document successfully completed with callback".to_string(),
            (Status::Failed, Outcome::Fail { message, .. }) => message.clone(),
            (Status::Failed, Outcome::Print(_)) => {
                unreachable!("FAILED only with a failing outcome")
            }
        };
        let fiscal_info = match (&self.run.outcome, status) {
            (
                Outcome::Print(fiscal),
                Status::Printed | Status::WaitForCallback | Status::Completed,
            ) => {
                let date = DateTime::from_system(self.printed_wall(timing)).to_minute();
                json!({
                    "shiftNumber": fiscal.shift_number,
                    "checkNumber": fiscal.check_number,
                    "kktNumber": KKT_NUMBER,
                    "fnNumber": FN_NUMBER,
                    "fnDocNumber": fiscal.fn_doc_number,
                    "fnDocMark": fiscal.fn_doc_mark,
                    "date": date.rfc3339(),
                    "sum": format_kopecks(self.total_kopecks),
                    "checkType": receipt_kind(&self.doc_type).1,
                    "qr": self.qr(fiscal, timing),
                    "ecrRegistrationNumber": ECR_REGISTRATION_NUMBER,
                })
            }
            _ => Value::Null,
        };
        let failure_info = match (&self.run.outcome, status) {
            (
                Outcome::Fail {
                    failure_type,
                    message,
                },
                Status::Failed,
            ) => {
                json!({ "type": failure_type, "message": message })
            }
            _ => Value::Null,
        };
        json!({
            "status": status.as_str(),
            "fnState": fn_state,
            "fiscalInfo": fiscal_info,
            "failureInfo": failure_info,
            "message": message,
            "timeStatusChanged": DateTime::from_system(since).rfc3339(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(outcome: Outcome, response_url: Option<&str>) -> StoredDocument {
        StoredDocument {
            id: "d1".into(),
            doc_type: "BUY".into(),
            total_kopecks: 20000,
            response_url: response_url.map(str::to_string),
            run: Run {
                queued_wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_567_581_240),
                started: Instant::now(),
                started_wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_567_581_240),
                waiting_for_register: false,
                requeued: false,
                outcome,
                generation: 1,
            },
            callback: CallbackState::default(),
        }
    }

    const TIMING: Timing = Timing {
        queue: Duration::from_millis(100),
        print: Duration::from_millis(100),
    };

    fn fiscal() -> FiscalData {
        FiscalData {
            shift_number: 1,
            check_number: 7,
            fn_doc_number: 571,
            fn_doc_mark: 3125146288,
        }
    }

    #[test]
    fn walks_the_lifecycle_by_time() {
        let d = doc(Outcome::Print(fiscal()), None);
        let t0 = d.run.started;
        assert_eq!(d.status_at(t0, TIMING), Status::Queued);
        assert_eq!(
            d.status_at(t0 + Duration::from_millis(150), TIMING),
            Status::Pending
        );
        assert_eq!(
            d.status_at(t0 + Duration::from_millis(200), TIMING),
            Status::Printed
        );
        let mut d = doc(Outcome::Print(fiscal()), Some("http://127.0.0.1:1/cb"));
        assert_eq!(
            d.status_at(t0 + Duration::from_secs(5), TIMING),
            Status::WaitForCallback
        );
        d.callback.completed_at = Some(SystemTime::now());
        assert_eq!(
            d.status_at(t0 + Duration::from_secs(5), TIMING),
            Status::Completed
        );
        let mut d = doc(
            Outcome::Fail {
                failure_type: "FN_EXPIRED".into(),
                message: "m".into(),
            },
            None,
        );
        assert_eq!(
            d.status_at(t0 + Duration::from_secs(5), TIMING),
            Status::Failed
        );
        d.run.requeued = true;
        assert_eq!(d.status_at(t0, TIMING), Status::Requeued);
        d.run.waiting_for_register = true;
        assert_eq!(
            d.status_at(t0 + Duration::from_secs(5), TIMING),
            Status::Requeued
        );
        d.run.requeued = false;
        assert_eq!(
            d.status_at(t0 + Duration::from_secs(5), TIMING),
            Status::Queued
        );
    }

    #[test]
    fn renders_fiscal_info_and_qr() {
        let d = doc(Outcome::Print(fiscal()), None);
        let v = d.status_json(d.run.started + Duration::from_secs(1), TIMING, "READY");
        assert_eq!(v["status"], "PRINTED");
        assert_eq!(v["failureInfo"], Value::Null);
        let fi = &v["fiscalInfo"];
        assert_eq!(fi["checkType"], "PURCHASE");
        assert_eq!(fi["sum"], "200.00");
        assert_eq!(fi["date"], "2019-09-04T07:14:00+00:00");
        assert_eq!(
            fi["qr"],
            "t=20190904T0714&s=200.00&fn=9999078900012345&i=571&fp=3125146288&n=3"
        );
        let queued = d.status_json(d.run.started, TIMING, "ASSOCIATED");
        assert_eq!(queued["fnState"], "ASSOCIATED");
        assert_eq!(queued["fiscalInfo"], Value::Null);
        assert_eq!(queued["message"], "Document queued for printing");
        assert_eq!(queued["timeStatusChanged"], "2019-09-04T07:14:00+00:00");
    }

    #[test]
    fn renders_failure_info() {
        let d = doc(
            Outcome::Fail {
                failure_type: "FN_EXPIRED".into(),
                message: "drive expired".into(),
            },
            None,
        );
        let v = d.status_json(d.run.started + Duration::from_secs(1), TIMING, "READY");
        assert_eq!(v["status"], "FAILED");
        assert_eq!(
            v["failureInfo"],
            json!({"type":"FN_EXPIRED","message":"drive expired"})
        );
        assert_eq!(v["fiscalInfo"], Value::Null);
        assert_eq!(v["message"], "drive expired");
    }
}
