-- modulpos outbox, schema version 1, MySQL 5.7+ / MariaDB 10.2+ (InnoDB).
-- Applied by `Outbox::install()` (PHP) and `modulpos outbox install` (CLI); every statement is
-- idempotent (indexes are declared inside CREATE TABLE: MySQL has no CREATE INDEX IF NOT EXISTS).
-- DDL commits implicitly in MySQL: install outside the order's transaction (at deploy time).
-- `modulpos_outbox` is replaced by the configured table name everywhere.
-- Times are milliseconds since the Unix epoch (UTC), written by the application.
-- Ids compare byte for byte (utf8mb4_bin), as the service does.
-- Columns and states: sql/outbox/README.md.
CREATE TABLE IF NOT EXISTS modulpos_outbox (
    id               VARCHAR(128) NOT NULL PRIMARY KEY,
    document         MEDIUMTEXT   NOT NULL,
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
    doc_status_json  MEDIUMTEXT,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    INDEX modulpos_outbox_due (state, next_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS modulpos_outbox_events (
    seq          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
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
    message      TEXT,
    INDEX modulpos_outbox_events_doc (document_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
