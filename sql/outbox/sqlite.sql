-- modulpos outbox, schema version 1, SQLite 3.24+.
-- Applied by `Outbox::install()` (PHP) and `modulpos outbox install` (CLI); every statement is
-- idempotent. `modulpos_outbox` is replaced by the configured table name everywhere.
-- Times are milliseconds since the Unix epoch (UTC), written by the application.
-- Columns and states: sql/outbox/README.md.
CREATE TABLE IF NOT EXISTS modulpos_outbox (
    id               VARCHAR(128) NOT NULL PRIMARY KEY,
    document         TEXT         NOT NULL,
    state            VARCHAR(16)  NOT NULL DEFAULT 'pending',
    attempts         INTEGER      NOT NULL DEFAULT 0,
    requeues         INTEGER      NOT NULL DEFAULT 0,
    next_at          BIGINT       NOT NULL,
    lease_owner      VARCHAR(64),
    lease_until      BIGINT,
    last_error_code  VARCHAR(32),
    last_error       TEXT,
    last_http_status INTEGER,
    doc_status       VARCHAR(32),
    doc_status_json  TEXT,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS modulpos_outbox_due ON modulpos_outbox (state, next_at);
CREATE TABLE IF NOT EXISTS modulpos_outbox_events (
    seq          INTEGER      NOT NULL PRIMARY KEY AUTOINCREMENT,
    document_id  VARCHAR(128) NOT NULL,
    at           BIGINT       NOT NULL,
    worker       VARCHAR(64),
    event        VARCHAR(16)  NOT NULL,
    from_state   VARCHAR(16),
    to_state     VARCHAR(16),
    http_status  INTEGER,
    duration_ms  BIGINT,
    outcome      VARCHAR(32),
    doc_status   VARCHAR(32),
    message      TEXT
);
CREATE INDEX IF NOT EXISTS modulpos_outbox_events_doc ON modulpos_outbox_events (document_id, seq);
