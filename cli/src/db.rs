//! One small blocking interface over the three databases the outbox lives in: SQLite (rusqlite,
//! SQLite compiled in), PostgreSQL (`postgres`) and MySQL/MariaDB (`mysql`). Statements are written
//! once with `?` placeholders; PostgreSQL gets them renumbered as `$1, $2, ...`.

use std::time::Duration;

/// A statement parameter. Typed even when NULL: PostgreSQL checks a parameter's type.
#[derive(Debug, Clone)]
pub enum Val {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(Some(v.to_owned()))
    }
}

impl From<Option<&str>> for Val {
    fn from(v: Option<&str>) -> Self {
        Val::Text(v.map(str::to_owned))
    }
}

impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}

/// A value read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// A row read back, by column position.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Cell>);

impl Row {
    pub fn int(&self, i: usize) -> Option<i64> {
        match self.0.get(i)? {
            Cell::Int(v) => Some(*v),
            Cell::Text(t) => t.trim().parse().ok(),
            Cell::Null => None,
        }
    }

    pub fn text(&self, i: usize) -> Option<String> {
        match self.0.get(i)? {
            Cell::Text(t) => Some(t.clone()),
            Cell::Int(v) => Some(v.to_string()),
            Cell::Null => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
}

impl Dialect {
    /// The schema file of this database (sql/outbox/).
    pub fn schema(self) -> &'static str {
        match self {
            Dialect::Sqlite => include_str!("../../sql/outbox/sqlite.sql"),
            Dialect::Postgres => include_str!("../../sql/outbox/postgres.sql"),
            Dialect::Mysql => include_str!("../../sql/outbox/mysql.sql"),
        }
    }
}

/// A database error. Its text never holds the connection URL (which may hold a password).
#[derive(Debug)]
pub struct DbError(pub String);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DbError {}

pub type DbResult<T> = Result<T, DbError>;

/// One connection. Every statement outside `begin`/`commit` commits on its own.
pub trait Conn: Send {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Val]) -> DbResult<u64>;
    fn query(&mut self, sql: &str, params: &[Val]) -> DbResult<Vec<Row>>;
    fn begin(&mut self) -> DbResult<()>;
    fn commit(&mut self) -> DbResult<()>;
    fn rollback(&mut self) -> DbResult<()>;
}

/// `sqlite:PATH`, `postgres://…` (or `postgresql://…`) or `mysql://…` (MariaDB too).
pub fn connect(url: &str) -> DbResult<Box<dyn Conn>> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() {
            return Err(DbError("sqlite: needs a file path (sqlite:PATH)".into()));
        }
        return Ok(Box::new(Sqlite::open(path)?));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Box::new(Postgres::open(url)?));
    }
    if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        return Ok(Box::new(Mysql::open(url)?));
    }
    Err(DbError(format!(
        "unsupported database URL {}: use sqlite:PATH, postgres://… or mysql://…",
        redact_url(url)
    )))
}

/// The URL with any password replaced by `***`, for messages.
pub fn redact_url(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    let authority = &url[start..end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}:***{}",
                &url[..start],
                &authority[..colon],
                &url[start + at..]
            )
        }
        _ => url.to_owned(),
    }
}

struct Sqlite(rusqlite::Connection);

impl Sqlite {
    fn open(path: &str) -> DbResult<Self> {
        let conn = rusqlite::Connection::open(path)
            .map_err(|e| DbError(format!("sqlite: cannot open {path}: {e}")))?;
        // Many worker processes share the file: WAL lets readers run beside the one writer, and a
        // busy database is waited for rather than failed.
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(sqlite_err)?;
        // Switching a fresh file to WAL needs the database to itself, and SQLite answers BUSY at
        // once (without the busy handler) when another connection, e.g. a second worker thread
        // opening at the same instant, holds it: wait as for any busy database.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => break other.map_err(sqlite_err)?,
            }
        }
        conn.execute_batch("PRAGMA synchronous = FULL")
            .map_err(sqlite_err)?;
        Ok(Sqlite(conn))
    }
}

fn sqlite_err(e: rusqlite::Error) -> DbError {
    DbError(format!("sqlite: {e}"))
}

fn sqlite_params(params: &[Val]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    params
        .iter()
        .map(|p| match p {
            Val::Int(Some(v)) => Value::Integer(*v),
            Val::Text(Some(t)) => Value::Text(t.clone()),
            Val::Int(None) | Val::Text(None) => Value::Null,
        })
        .collect()
}

impl Conn for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Val]) -> DbResult<u64> {
        let params = sqlite_params(params);
        self.0
            .execute(sql, rusqlite::params_from_iter(params.iter()))
            .map(|n| n as u64)
            .map_err(sqlite_err)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> DbResult<Vec<Row>> {
        use rusqlite::types::ValueRef;
        let params = sqlite_params(params);
        let mut statement = self.0.prepare(sql).map_err(sqlite_err)?;
        let columns = statement.column_count();
        let mut rows = statement
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(sqlite_err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite_err)? {
            let mut cells = Vec::with_capacity(columns);
            for i in 0..columns {
                cells.push(match row.get_ref(i).map_err(sqlite_err)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Int(v as i64),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Cell::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(Row(cells));
        }
        Ok(out)
    }

    fn begin(&mut self) -> DbResult<()> {
        // IMMEDIATE takes the write lock now, so the transaction cannot fail half-way on a lock.
        self.0.execute_batch("BEGIN IMMEDIATE").map_err(sqlite_err)
    }

    fn commit(&mut self) -> DbResult<()> {
        self.0.execute_batch("COMMIT").map_err(sqlite_err)
    }

    fn rollback(&mut self) -> DbResult<()> {
        self.0.execute_batch("ROLLBACK").map_err(sqlite_err)
    }
}

struct Postgres(postgres::Client);

impl Postgres {
    fn open(url: &str) -> DbResult<Self> {
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e| DbError(format!("postgres: bad URL {}: {e}", redact_url(url))))?;
        config.connect_timeout(Duration::from_secs(10));
        let client = config.connect(postgres::NoTls).map_err(|e| {
            DbError(format!(
                "postgres: cannot connect to {}: {e}",
                redact_url(url)
            ))
        })?;
        Ok(Postgres(client))
    }
}

fn pg_err(e: postgres::Error) -> DbError {
    DbError(format!("postgres: {e}"))
}

/// `?` → `$1, $2, ...` (the statements here have no `?` inside literals).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

impl Postgres {
    fn run<R>(
        &mut self,
        sql: &str,
        params: &[Val],
        f: impl FnOnce(&mut postgres::Client, &str, &[&(dyn postgres::types::ToSql + Sync)]) -> R,
    ) -> R {
        let sql = numbered(sql);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| match p {
                Val::Int(v) => v as &(dyn postgres::types::ToSql + Sync),
                Val::Text(v) => v as &(dyn postgres::types::ToSql + Sync),
            })
            .collect();
        f(&mut self.0, &sql, &refs)
    }
}

impl Conn for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Val]) -> DbResult<u64> {
        self.run(sql, params, |c, sql, p| c.execute(sql, p))
            .map_err(pg_err)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> DbResult<Vec<Row>> {
        use postgres::types::Type;
        let rows = self
            .run(sql, params, |c, sql, p| c.query(sql, p))
            .map_err(pg_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut cells = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                let cell = if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(i).map(|v| v.map(Cell::Int))
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(i)
                        .map(|v| v.map(|v| Cell::Int(v.into())))
                } else if *ty == Type::INT2 {
                    row.try_get::<_, Option<i16>>(i)
                        .map(|v| v.map(|v| Cell::Int(v.into())))
                } else {
                    row.try_get::<_, Option<String>>(i)
                        .map(|v| v.map(Cell::Text))
                };
                cells.push(cell.map_err(pg_err)?.unwrap_or(Cell::Null));
            }
            out.push(Row(cells));
        }
        Ok(out)
    }

    fn begin(&mut self) -> DbResult<()> {
        self.0.batch_execute("BEGIN").map_err(pg_err)
    }

    fn commit(&mut self) -> DbResult<()> {
        self.0.batch_execute("COMMIT").map_err(pg_err)
    }

    fn rollback(&mut self) -> DbResult<()> {
        self.0.batch_execute("ROLLBACK").map_err(pg_err)
    }
}

struct Mysql(mysql::Conn);

impl Mysql {
    fn open(url: &str) -> DbResult<Self> {
        let url = url.replacen("mariadb://", "mysql://", 1);
        let opts = mysql::Opts::from_url(&url)
            .map_err(|_| DbError(format!("mysql: bad URL {}", redact_url(&url))))?;
        let opts = mysql::OptsBuilder::from_opts(opts)
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            .prefer_socket(false);
        let conn = mysql::Conn::new(opts).map_err(|e| {
            DbError(format!(
                "mysql: cannot connect to {}: {e}",
                redact_url(&url)
            ))
        })?;
        Ok(Mysql(conn))
    }
}

fn my_err(e: mysql::Error) -> DbError {
    DbError(format!("mysql: {e}"))
}

fn mysql_params(params: &[Val]) -> mysql::Params {
    if params.is_empty() {
        return mysql::Params::Empty;
    }
    mysql::Params::Positional(
        params
            .iter()
            .map(|p| match p {
                Val::Int(Some(v)) => mysql::Value::Int(*v),
                Val::Text(Some(t)) => mysql::Value::Bytes(t.as_bytes().to_vec()),
                Val::Int(None) | Val::Text(None) => mysql::Value::NULL,
            })
            .collect(),
    )
}

impl Conn for Mysql {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn execute(&mut self, sql: &str, params: &[Val]) -> DbResult<u64> {
        use mysql::prelude::Queryable;
        let result = self
            .0
            .exec_iter(sql, mysql_params(params))
            .map_err(my_err)?;
        Ok(result.affected_rows())
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> DbResult<Vec<Row>> {
        use mysql::prelude::Queryable;
        let rows: Vec<mysql::Row> = self.0.exec(sql, mysql_params(params)).map_err(my_err)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                Row(row
                    .unwrap()
                    .into_iter()
                    .map(|v| match v {
                        mysql::Value::NULL => Cell::Null,
                        mysql::Value::Int(i) => Cell::Int(i),
                        mysql::Value::UInt(u) => Cell::Int(u as i64),
                        mysql::Value::Bytes(b) => {
                            Cell::Text(String::from_utf8_lossy(&b).into_owned())
                        }
                        other => Cell::Text(other.as_sql(true)),
                    })
                    .collect())
            })
            .collect())
    }

    fn begin(&mut self) -> DbResult<()> {
        use mysql::prelude::Queryable;
        self.0.query_drop("START TRANSACTION").map_err(my_err)
    }

    fn commit(&mut self) -> DbResult<()> {
        use mysql::prelude::Queryable;
        self.0.query_drop("COMMIT").map_err(my_err)
    }

    fn rollback(&mut self) -> DbResult<()> {
        use mysql::prelude::Queryable;
        self.0.query_drop("ROLLBACK").map_err(my_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            numbered("UPDATE t SET a = ? WHERE b = ? AND c = ?"),
            "UPDATE t SET a = $1 WHERE b = $2 AND c = $3"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://shop:s3cret@127.0.0.1:5432/db"),
            "postgres://shop:***@127.0.0.1:5432/db"
        );
        assert_eq!(
            redact_url("mysql://shop@127.0.0.1/db"),
            "mysql://shop@127.0.0.1/db"
        );
        assert_eq!(redact_url("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }

    #[test]
    fn sqlite_round_trip() {
        let dir = std::env::temp_dir().join(format!("modulpos-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite:{}", dir.join("t.db").display());
        let mut c = connect(&url).unwrap();
        c.execute("CREATE TABLE IF NOT EXISTS t (a BIGINT, b TEXT)", &[])
            .unwrap();
        c.execute("DELETE FROM t", &[]).unwrap();
        assert_eq!(
            c.execute("INSERT INTO t VALUES (?, ?)", &[7.into(), Val::Text(None)])
                .unwrap(),
            1
        );
        let rows = c.query("SELECT a, b FROM t", &[]).unwrap();
        assert_eq!(rows[0].int(0), Some(7));
        assert_eq!(rows[0].text(1), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
