//! Everything the sandbox remembers: associations, documents, counters, pending faults and
//! failures, and the emulated fiscal drive's numbering.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use crate::credentials::random_u64;
use crate::document::{FiscalData, StoredDocument};
use crate::faults::Fault;

/// Association credentials of one retail point (and optional client id). Debug hides the password.
#[derive(Clone)]
pub struct Association {
    pub retail_point: String,
    pub client_id: Option<String>,
    pub user_name: String,
    pub password: String,
}

impl fmt::Debug for Association {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Association")
            .field("retail_point", &self.retail_point)
            .field("client_id", &self.client_id)
            .field("user_name", &self.user_name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Per document id, across retail points.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentCounter {
    /// POSTs that carried this id (whether or not they created a document).
    pub submissions: u64,
    pub created: bool,
    pub callback_attempts: u64,
}

/// A failure queued by `POST /sandbox/fail-next`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFailure {
    pub failure_type: String,
    pub message: String,
}

/// Numbering of the emulated fiscal drive. A shift lasts at most 24 hours, as on a real register.
#[derive(Debug, Clone)]
pub struct FiscalCounters {
    pub shift_number: u32,
    pub shift_opened: Instant,
    pub check_number: u32,
    pub fn_doc_number: u32,
}

const SHIFT_LENGTH: Duration = Duration::from_secs(24 * 3600);

impl FiscalCounters {
    pub fn new() -> FiscalCounters {
        FiscalCounters {
            shift_number: 1,
            shift_opened: Instant::now(),
            check_number: 0,
            fn_doc_number: 0,
        }
    }

    /// Numbers for the next printed document (rotating the shift when it is 24 hours old).
    pub fn assign(&mut self) -> FiscalData {
        if self.shift_opened.elapsed() >= SHIFT_LENGTH {
            self.shift_number += 1;
            self.shift_opened = Instant::now();
            self.check_number = 0;
        }
        self.check_number += 1;
        self.fn_doc_number += 1;
        // A fiscal sign is a 32-bit value printed in decimal (up to 10 digits), never 0.
        let fn_doc_mark = (random_u64() as u32).max(1);
        FiscalData {
            shift_number: self.shift_number,
            check_number: self.check_number,
            fn_doc_number: self.fn_doc_number,
            fn_doc_mark,
        }
    }
}

impl Default for FiscalCounters {
    fn default() -> Self {
        FiscalCounters::new()
    }
}

/// The states of the fiscal service / register (`FNStatus.status`, `DocumentStatus.fnState`).
pub const FN_STATES: &[&str] = &["ASSOCIATED", "READY", "DISABLED", "FAILED"];

/// The emulated register. When it is not READY (e.g. no register attached: ASSOCIATED), new
/// documents stay QUEUED and `FNStatus.dateTime` stays at its last report.
#[derive(Debug, Clone)]
pub struct Register {
    pub state: &'static str,
    /// When it stopped being READY (monotonic and wall clock).
    pub offline_since: Option<(Instant, SystemTime)>,
}

impl Default for Register {
    fn default() -> Self {
        Register {
            state: "READY",
            offline_since: None,
        }
    }
}

/// Documents are keyed by (retail point, document id): each point has its own documents.
pub type DocumentKey = (String, String);

#[derive(Debug, Default)]
pub struct State {
    pub associations: Vec<Association>,
    pub documents: HashMap<DocumentKey, StoredDocument>,
    /// API requests seen (control requests are not counted).
    pub requests: u64,
    /// TCP connections accepted (API and control alike): with keep-alive, far fewer than requests.
    pub connections: u64,
    pub counters: BTreeMap<String, DocumentCounter>,
    pub faults: VecDeque<Fault>,
    pub fail_next: VecDeque<PlannedFailure>,
    pub fiscal: FiscalCounters,
    pub register: Register,
    /// Source of run generations (see `document::Run::generation`).
    pub generations: u32,
}

impl State {
    /// Removes and returns the first pending fault that matches `path` (FIFO among matches).
    pub fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let index = self.faults.iter().position(|f| f.matches(path))?;
        self.faults.remove(index)
    }

    pub fn next_generation(&mut self) -> u32 {
        self.generations = self.generations.wrapping_add(1);
        self.generations
    }

    /// The association whose credentials these are.
    pub fn association_by_credentials(&self, user: &str, password: &str) -> Option<&Association> {
        self.associations.iter().find(|a| {
            a.user_name == user && crate::credentials::secrets_equal(&a.password, password)
        })
    }

    /// Forgets everything but the generation source, so a callback that was in flight during the
    /// reset can never be mistaken for one of a new document with the same id.
    pub fn reset(&mut self) {
        let generations = self.generations;
        *self = State {
            generations,
            ..State::default()
        };
    }
}
