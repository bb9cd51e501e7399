//! The outbox table's statements: install, claim with a lease, record a step, and the operator's
//! views. Columns and states: sql/outbox/README.md.
//!
//! Claims are leases: an entry is due when its state is `pending` or `sent`, its `next_at` has
//! come and no unexpired lease is on it. A worker takes one with a conditional UPDATE (one winner
//! whatever the database), and every later write is fenced by `lease_owner`: a worker whose lease
//! expired and was taken over can no longer change the entry.

use serde_json::{json, Value};

use crate::db::{Cell, Conn, DbError, DbResult, Row, Val};

/// States of an entry.
pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";
pub const REJECTED: &str = "rejected";
pub const STATES: [&str; 5] = [PENDING, SENT, DONE, FAILED, REJECTED];

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The outbox table of one database.
pub struct Store {
    pub conn: Box<dyn Conn>,
    table: String,
}

/// A claimed entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub document: String,
    pub state: String,
    pub attempts: i64,
    pub requeues: i64,
    pub doc_status: Option<String>,
}

/// What one step of the worker leaves in the entry.
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub state: String,
    pub attempts_added: i64,
    pub requeues_added: i64,
    pub next_at: i64,
    pub error_code: Option<String>,
    pub error: Option<String>,
    pub http_status: Option<i64>,
    pub doc_status: Option<String>,
    pub doc_status_json: Option<String>,
}

/// One line of the events table.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub event: &'static str,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub http_status: Option<i64>,
    pub duration_ms: Option<i64>,
    pub outcome: Option<String>,
    pub doc_status: Option<String>,
    pub message: Option<String>,
}

/// Checks a table name: it is put into statements as it is.
pub fn check_table(table: &str) -> Result<(), String> {
    let ok = !table.is_empty()
        && table.len() <= 49
        && !table.starts_with(|c: char| c.is_ascii_digit())
        && table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "bad table name {table:?}: 1 to 49 letters, digits or _, not starting with a digit"
        ))
    }
}

/// The schema's statements with the table name applied (comments dropped, split on `;`).
pub fn schema_statements(schema: &str, table: &str) -> Vec<String> {
    let text: Vec<&str> = schema
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect();
    text.join("\n")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("modulpos_outbox", table))
        .collect()
}

impl Store {
    pub fn new(conn: Box<dyn Conn>, table: &str) -> Result<Store, String> {
        check_table(table)?;
        Ok(Store {
            conn,
            table: table.to_owned(),
        })
    }

    pub fn install(&mut self) -> DbResult<()> {
        for sql in schema_statements(self.conn.dialect().schema(), &self.table) {
            self.conn.execute(&sql, &[])?;
        }
        Ok(())
    }

    /// Queues a document (its JSON, already validated) under its id, as PHP's `Outbox::enqueue`
    /// does; an id already queued is left as it is. Returns whether a row was added.
    pub fn enqueue(&mut self, id: &str, document: &str) -> DbResult<bool> {
        let t = &self.table;
        let now = now_ms();
        let columns = "(id, document, state, attempts, requeues, next_at, created_at, updated_at)";
        let values = "(?, ?, 'pending', 0, 0, ?, ?, ?)";
        let sql = match self.conn.dialect() {
            crate::db::Dialect::Sqlite => {
                format!("INSERT OR IGNORE INTO {t} {columns} VALUES {values}")
            }
            crate::db::Dialect::Mysql => {
                format!("INSERT INTO {t} {columns} VALUES {values} ON DUPLICATE KEY UPDATE id = id")
            }
            crate::db::Dialect::Postgres => {
                format!("INSERT INTO {t} {columns} VALUES {values} ON CONFLICT (id) DO NOTHING")
            }
        };
        let added = self.conn.execute(
            &sql,
            &[
                id.into(),
                document.into(),
                now.into(),
                now.into(),
                now.into(),
            ],
        )? == 1;
        if added {
            let event = Event {
                event: "enqueued",
                to_state: Some(PENDING.into()),
                ..Event::default()
            };
            self.insert_event(id, None, &event, now)?;
        }
        Ok(added)
    }

    /// Claims one due entry for `lease_ms`, or returns None when none is due.
    pub fn claim(&mut self, worker: &str, lease_ms: i64) -> DbResult<Option<Entry>> {
        let t = &self.table;
        let now = now_ms();
        let due = "state IN ('pending', 'sent') AND next_at <= ? \
                   AND (lease_until IS NULL OR lease_until < ?)";
        // A few candidates, so that workers racing for the oldest one still find another.
        let candidates = self.conn.query(
            &format!("SELECT id FROM {t} WHERE {due} ORDER BY next_at LIMIT 16"),
            &[now.into(), now.into()],
        )?;
        let skip = (pseudo_random() % candidates.len().max(1) as u64) as usize;
        for row in candidates.iter().cycle().skip(skip).take(candidates.len()) {
            let Some(id) = row.text(0) else { continue };
            let won = self.conn.execute(
                &format!(
                    "UPDATE {t} SET lease_owner = ?, lease_until = ?, updated_at = ? \
                     WHERE id = ? AND {due}"
                ),
                &[
                    worker.into(),
                    (now + lease_ms).into(),
                    now.into(),
                    id.as_str().into(),
                    now.into(),
                    now.into(),
                ],
            )?;
            if won == 1 {
                let rows = self.conn.query(
                    &format!(
                        "SELECT id, document, state, attempts, requeues, doc_status FROM {t} \
                         WHERE id = ? AND lease_owner = ?"
                    ),
                    &[id.as_str().into(), worker.into()],
                )?;
                if let Some(r) = rows.first() {
                    return Ok(Some(Entry {
                        id: r.text(0).unwrap_or_default(),
                        document: r.text(1).unwrap_or_default(),
                        state: r.text(2).unwrap_or_default(),
                        attempts: r.int(3).unwrap_or(0),
                        requeues: r.int(4).unwrap_or(0),
                        doc_status: r.text(5),
                    }));
                }
            }
        }
        Ok(None)
    }

    /// Records a step of a claimed entry and releases its lease, with its event, in one
    /// transaction. Returns false (and changes nothing) when the lease was lost meanwhile.
    pub fn record(
        &mut self,
        worker: &str,
        entry: &Entry,
        step: &Step,
        event: &Event,
    ) -> DbResult<bool> {
        let t = self.table.clone();
        let now = now_ms();
        self.conn.begin()?;
        let result = self.record_in_transaction(&t, worker, entry, step, event, now);
        match result {
            Ok(true) => self.conn.commit().map(|_| true),
            Ok(false) => self.conn.rollback().map(|_| false),
            Err(e) => {
                let _ = self.conn.rollback();
                Err(e)
            }
        }
    }

    fn record_in_transaction(
        &mut self,
        t: &str,
        worker: &str,
        entry: &Entry,
        step: &Step,
        event: &Event,
        now: i64,
    ) -> DbResult<bool> {
        let changed = self.conn.execute(
            &format!(
                "UPDATE {t} SET state = ?, attempts = attempts + ?, requeues = requeues + ?, \
                 next_at = ?, last_error_code = ?, last_error = ?, last_http_status = ?, \
                 doc_status = COALESCE(?, doc_status), \
                 doc_status_json = COALESCE(?, doc_status_json), \
                 lease_owner = NULL, lease_until = NULL, updated_at = ? \
                 WHERE id = ? AND lease_owner = ?"
            ),
            &[
                step.state.as_str().into(),
                step.attempts_added.into(),
                step.requeues_added.into(),
                step.next_at.into(),
                step.error_code.as_deref().into(),
                step.error.as_deref().into(),
                step.http_status.into(),
                step.doc_status.as_deref().into(),
                step.doc_status_json.as_deref().into(),
                now.into(),
                entry.id.as_str().into(),
                worker.into(),
            ],
        )?;
        if changed != 1 {
            return Ok(false);
        }
        self.insert_event(&entry.id, Some(worker), event, now)?;
        Ok(true)
    }

    /// Gives a claimed entry back untouched (e.g. at shutdown before it was worked on).
    pub fn release(&mut self, worker: &str, id: &str) -> DbResult<()> {
        let t = &self.table;
        self.conn
            .execute(
                &format!(
                    "UPDATE {t} SET lease_owner = NULL, lease_until = NULL \
                     WHERE id = ? AND lease_owner = ?"
                ),
                &[id.into(), worker.into()],
            )
            .map(|_| ())
    }

    fn insert_event(&mut self, id: &str, worker: Option<&str>, e: &Event, at: i64) -> DbResult<()> {
        let t = &self.table;
        self.conn.execute(
            &format!(
                "INSERT INTO {t}_events (document_id, at, worker, event, from_state, to_state, \
                 http_status, duration_ms, outcome, doc_status, message) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            &[
                id.into(),
                at.into(),
                worker.into(),
                e.event.into(),
                e.from_state.as_deref().into(),
                e.to_state.as_deref().into(),
                e.http_status.into(),
                e.duration_ms.into(),
                e.outcome.as_deref().into(),
                e.doc_status.as_deref().into(),
                e.message.as_deref().into(),
            ],
        )?;
        Ok(())
    }

    /// Entries not yet in a final state (pending or sent).
    pub fn unfinished(&mut self) -> DbResult<i64> {
        let t = &self.table;
        let rows = self.conn.query(
            &format!("SELECT COUNT(*) FROM {t} WHERE state IN ('pending', 'sent')"),
            &[],
        )?;
        Ok(rows.first().and_then(|r| r.int(0)).unwrap_or(0))
    }

    /// Counts by state, leases held now, the oldest unfinished entry's age.
    pub fn stats(&mut self) -> DbResult<Value> {
        let t = &self.table;
        let now = now_ms();
        let mut by_state = serde_json::Map::new();
        for s in STATES {
            by_state.insert(s.into(), json!(0));
        }
        for r in self.conn.query(
            &format!("SELECT state, COUNT(*) FROM {t} GROUP BY state"),
            &[],
        )? {
            by_state.insert(r.text(0).unwrap_or_default(), json!(r.int(1).unwrap_or(0)));
        }
        // SUM of a BIGINT is NUMERIC/DECIMAL in PostgreSQL/MySQL: cast back to an integer.
        let sum = |column: &str| match self.conn.dialect() {
            crate::db::Dialect::Sqlite => format!("COALESCE(SUM({column}), 0)"),
            crate::db::Dialect::Postgres => format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"),
            crate::db::Dialect::Mysql => format!("CAST(COALESCE(SUM({column}), 0) AS SIGNED)"),
        };
        let (attempts, requeues) = (sum("attempts"), sum("requeues"));
        let totals = self.conn.query(
            &format!(
                "SELECT COUNT(*), {attempts}, {requeues}, \
                 (SELECT COUNT(*) FROM {t} WHERE lease_until >= ?), \
                 (SELECT MIN(created_at) FROM {t} WHERE state IN ('pending', 'sent')) FROM {t}"
            ),
            &[now.into()],
        )?;
        let r = totals.first().cloned().unwrap_or(Row(vec![Cell::Null; 5]));
        Ok(json!({
            "table": self.table,
            "total": r.int(0).unwrap_or(0),
            "states": by_state,
            "attempts": r.int(1).unwrap_or(0),
            "requeues": r.int(2).unwrap_or(0),
            "leased": r.int(3).unwrap_or(0),
            "oldest_unfinished_age_ms": r.int(4).map(|c| now - c),
        }))
    }

    /// Entries, newest change first, optionally of one state.
    pub fn list(&mut self, state: Option<&str>, limit: i64) -> DbResult<Vec<Value>> {
        let t = &self.table;
        let (filter, mut params): (&str, Vec<Val>) = match state {
            Some(s) => ("WHERE state = ?", vec![s.into()]),
            None => ("", vec![]),
        };
        params.push(limit.into());
        let rows = self.conn.query(
            &format!(
                "SELECT id, state, attempts, requeues, doc_status, last_error_code, \
                 last_http_status, next_at, updated_at FROM {t} {filter} \
                 ORDER BY updated_at DESC LIMIT ?"
            ),
            &params,
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                json!({
                    "id": r.text(0), "state": r.text(1), "attempts": r.int(2),
                    "requeues": r.int(3), "doc_status": r.text(4), "last_error_code": r.text(5),
                    "last_http_status": r.int(6), "next_at": r.int(7), "updated_at": r.int(8),
                })
            })
            .collect())
    }

    /// One entry with its events (oldest first), or None.
    pub fn show(&mut self, id: &str) -> DbResult<Option<Value>> {
        let t = &self.table;
        let rows = self.conn.query(
            &format!(
                "SELECT id, state, attempts, requeues, doc_status, last_error_code, last_error, \
                 last_http_status, doc_status_json, next_at, lease_until, created_at, updated_at \
                 FROM {t} WHERE id = ?"
            ),
            &[id.into()],
        )?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let events = self.conn.query(
            &format!(
                "SELECT at, worker, event, from_state, to_state, http_status, duration_ms, \
                 outcome, doc_status, message FROM {t}_events WHERE document_id = ? ORDER BY seq"
            ),
            &[id.into()],
        )?;
        let document_status = r
            .text(8)
            .and_then(|s| serde_json::from_str::<Value>(&s).ok());
        Ok(Some(json!({
            "id": r.text(0), "state": r.text(1), "attempts": r.int(2), "requeues": r.int(3),
            "doc_status": r.text(4), "last_error_code": r.text(5), "last_error": r.text(6),
            "last_http_status": r.int(7), "document_status": document_status,
            "next_at": r.int(9), "lease_until": r.int(10), "created_at": r.int(11),
            "updated_at": r.int(12),
            "events": events.iter().map(|e| json!({
                "at": e.int(0), "worker": e.text(1), "event": e.text(2), "from": e.text(3),
                "to": e.text(4), "http_status": e.int(5), "duration_ms": e.int(6),
                "outcome": e.text(7), "doc_status": e.text(8), "message": e.text(9),
            })).collect::<Vec<_>>(),
        })))
    }

    /// Puts an entry back to `pending`, due now, with its requeue count reset: the worker sends
    /// it again with the same id (the service answers with the existing document if it has it,
    /// and a FAILED one is re-queued by the policy). Refused for `done` entries and for entries a
    /// worker holds now.
    pub fn retry(&mut self, id: &str, by: &str) -> DbResult<Result<String, String>> {
        let t = self.table.clone();
        let now = now_ms();
        let Some(state) = self
            .conn
            .query(&format!("SELECT state FROM {t} WHERE id = ?"), &[id.into()])?
            .first()
            .and_then(|r| r.text(0))
        else {
            return Ok(Err(format!("no outbox entry with the id {id}")));
        };
        if state == DONE {
            return Ok(Err(format!("{id} is done: its receipt is fiscalized")));
        }
        self.conn.begin()?;
        let changed = self.conn.execute(
            &format!(
                "UPDATE {t} SET state = 'pending', requeues = 0, next_at = ?, updated_at = ? \
                 WHERE id = ? AND state = ? AND (lease_until IS NULL OR lease_until < ?)"
            ),
            &[
                now.into(),
                now.into(),
                id.into(),
                state.as_str().into(),
                now.into(),
            ],
        );
        let changed = match changed {
            Ok(n) => n,
            Err(e) => {
                let _ = self.conn.rollback();
                return Err(e);
            }
        };
        if changed != 1 {
            self.conn.rollback()?;
            return Ok(Err(format!(
                "{id} is being worked on by a worker now (or changed meanwhile); try again"
            )));
        }
        let event = Event {
            event: "retry",
            from_state: Some(state.clone()),
            to_state: Some(PENDING.into()),
            message: Some(format!("by {by}")),
            ..Event::default()
        };
        if let Err(e) = self.insert_event(id, None, &event, now) {
            let _ = self.conn.rollback();
            return Err(e);
        }
        self.conn.commit()?;
        Ok(Ok(state))
    }
}

/// A cheap random number for jitter and for spreading claims (no cryptographic use).
pub fn pseudo_random() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(std::time::Instant::now().elapsed().as_nanos());
    h.write_i64(now_ms());
    h.finish()
}

impl From<String> for DbError {
    fn from(s: String) -> Self {
        DbError(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_statements_apply_the_table_name() {
        let s = schema_statements(crate::db::Dialect::Sqlite.schema(), "shop_receipts");
        assert_eq!(s.len(), 4);
        assert!(s[0].starts_with("CREATE TABLE IF NOT EXISTS shop_receipts ("));
        assert!(s[3].contains("shop_receipts_events"));
        assert!(s.iter().all(|x| !x.contains("modulpos_outbox")));
    }

    #[test]
    fn table_names_are_checked() {
        assert!(check_table("modulpos_outbox").is_ok());
        for bad in ["", "1x", "a-b", "a;drop", &"x".repeat(50)] {
            assert!(check_table(bad).is_err(), "{bad}");
        }
    }
}
