//! `modulpos`: the outbox worker and the operator's commands (cli/README.md).

use std::process::ExitCode;

use serde_json::{json, Value};

use modulpos_cli::args::Args;
use modulpos_cli::{db, store, worker};

const USAGE: &str = "\
usage: modulpos [--json] COMMAND [OPTIONS]

commands:
  worker --database URL --config FILE [--once] [--concurrency N]
         [--lease-ms N] [--poll-ms N] [--idle-ms N] [--backoff-ms N] [--max-backoff-ms N]
         [--max-requeues N] [--requeue-delay-ms N] [--quiet]
  associate --config FILE --login LOGIN --password-env VAR --retail-point ID
            [--client-id ID] --write-config FILE
  service-status --config FILE
  doc-status ID --config FILE
  requeue ID --config FILE [--database URL]
  outbox install --database URL
  outbox stats --database URL
  outbox list --database URL [--state STATE] [--limit N]
  outbox show ID --database URL
  outbox retry ID --database URL

  --database URL  sqlite:PATH, postgres://USER:PASS@HOST:PORT/DB or mysql://USER:PASS@HOST:PORT/DB
                  (default: the MODULPOS_DATABASE_URL environment variable)
  --config FILE   the JSON object mk_client_new takes (login, password, test_mode, base_url, ...);
                  \"password_env\": \"VAR\" reads the password from that environment variable
  --table NAME    the outbox table (default modulpos_outbox)
  --json          JSON output
";

fn main() -> ExitCode {
    let mut args = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    if args.flag("help") || args.positional.is_empty() {
        print!("{USAGE}");
        return if args.flag("help") {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    let json = args.flag("json");
    match run(&mut args) {
        Ok(output) => {
            if let Some(out) = output {
                print_output(&out, json);
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(e)) => usage_error(&e),
        Err(Failure::Run(e)) => {
            if json {
                println!("{}", json!({"ok": false, "error": e}));
            } else {
                eprintln!("modulpos: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

fn usage_error(e: &str) -> ExitCode {
    eprintln!("modulpos: {e}\n\n{USAGE}");
    ExitCode::from(2)
}

enum Failure {
    Usage(String),
    Run(String),
}

/// The errors of argument parsing (`Args`) are usage errors.
impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Usage(s)
    }
}

fn run(args: &mut Args) -> Result<Option<Value>, Failure> {
    let command = args.positional[0].clone();
    match command.as_str() {
        "worker" => worker_command(args).map(|_| None),
        "associate" => associate(args).map(Some),
        "service-status" => {
            let client = client(args)?;
            args.done(1)?;
            client
                .service_status()
                .map(|s| Some(serde_json::to_value(s).unwrap_or_default()))
                .map_err(|e| Failure::Run(e.to_string()))
        }
        "doc-status" => {
            let id = args.arg(1, "ID")?;
            let client = client(args)?;
            args.done(2)?;
            client
                .document_status(&id)
                .map(|s| Some(serde_json::to_value(s).unwrap_or_default()))
                .map_err(|e| Failure::Run(e.to_string()))
        }
        "requeue" => requeue(args).map(Some),
        "outbox" => outbox(args).map(Some),
        other => Err(Failure::Usage(format!("unknown command {other}"))),
    }
}

/// The client from `--config FILE`.
fn client(args: &mut Args) -> Result<modulpos::Client, Failure> {
    let config = config(args)?;
    modulpos::Client::new(config).map_err(|e| Failure::Run(format!("config: {e}")))
}

fn config(args: &mut Args) -> Result<modulpos::Config, Failure> {
    let path = args
        .value("config")
        .ok_or_else(|| Failure::Usage("--config FILE is required".into()))?;
    let value = read_config_value(&path)?;
    modulpos::Config::from_json_value(&value)
        .map_err(|e| Failure::Run(format!("config {path}: {e}")))
}

/// The config file's JSON object, with `password_env` replaced by `password` from the environment.
fn read_config_value(path: &str) -> Result<Value, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Run(format!("cannot read the config {path}: {e}")))?;
    let mut value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Run(format!("config {path} is not JSON: {e}")))?;
    if let Some(map) = value.as_object_mut() {
        if let Some(var) = map.remove("password_env") {
            let var = var.as_str().ok_or_else(|| {
                Failure::Run(format!("config {path}: password_env must be a string"))
            })?;
            let password = std::env::var(var).map_err(|_| {
                Failure::Run(format!(
                    "config {path}: the environment variable {var} (password_env) is not set"
                ))
            })?;
            map.insert("password".into(), Value::String(password));
        }
    }
    Ok(value)
}

fn database(args: &mut Args) -> Result<String, Failure> {
    args.value("database")
        .or_else(|| std::env::var("MODULPOS_DATABASE_URL").ok())
        .ok_or_else(|| {
            Failure::Usage("--database URL (or MODULPOS_DATABASE_URL) is required".into())
        })
}

/// The outbox store from `--database` and `--table`; `positionals` is the command's count, checked
/// (with every option) before connecting, so a typo is named rather than a missing option.
fn store(args: &mut Args, positionals: usize) -> Result<store::Store, Failure> {
    let url = args
        .value("database")
        .or_else(|| std::env::var("MODULPOS_DATABASE_URL").ok());
    let table = args
        .value("table")
        .unwrap_or_else(|| "modulpos_outbox".into());
    args.done(positionals)?;
    let url = url.ok_or_else(|| {
        Failure::Usage("--database URL (or MODULPOS_DATABASE_URL) is required".into())
    })?;
    let conn = db::connect(&url).map_err(|e| Failure::Run(e.to_string()))?;
    store::Store::new(conn, &table).map_err(Failure::Usage)
}

fn worker_command(args: &mut Args) -> Result<(), Failure> {
    let config = config(args)?;
    let longest = worker::longest_send_ms(&config);
    let client = modulpos::Client::new(config).map_err(|e| Failure::Run(format!("config: {e}")))?;
    let d = worker::Options::default();
    let options = worker::Options {
        database: database(args)?,
        table: args
            .value("table")
            .unwrap_or_else(|| "modulpos_outbox".into()),
        once: args.flag("once"),
        concurrency: args.number("concurrency", d.concurrency as i64, 1, 256)? as usize,
        lease_ms: args.number("lease-ms", d.lease_ms, 1_000, 86_400_000)?,
        poll_ms: args.number("poll-ms", d.poll_ms, 10, 3_600_000)?,
        idle_ms: args.number("idle-ms", d.idle_ms as i64, 10, 60_000)? as u64,
        backoff_ms: args.number("backoff-ms", d.backoff_ms, 1, 3_600_000)?,
        max_backoff_ms: args.number("max-backoff-ms", d.max_backoff_ms, 1, 86_400_000)?,
        max_requeues: args.number("max-requeues", d.max_requeues, 0, 1_000)?,
        requeue_delay_ms: args.number("requeue-delay-ms", d.requeue_delay_ms, 0, 86_400_000)?,
        quiet: args.flag("quiet"),
    };
    args.done(1)?;
    store::check_table(&options.table).map_err(Failure::Usage)?;
    if options.lease_ms <= longest {
        return Err(Failure::Usage(format!(
            "--lease-ms {} is not longer than one send can take with this config ({longest} ms: \
             max_attempts × (connect_timeout_ms + timeout_ms) with status checks and backoff); \
             a lease must outlast a send, or two workers could send one entry at once",
            options.lease_ms
        )));
    }
    worker::install_signal_handlers();
    worker::run(client, options).map_err(Failure::Run)
}

fn associate(args: &mut Args) -> Result<Value, Failure> {
    let config_path = args
        .value("config")
        .ok_or_else(|| Failure::Usage("--config FILE is required".into()))?;
    let mut base = read_config_value(&config_path)?;
    let out = args
        .value("write-config")
        .ok_or_else(|| Failure::Usage("--write-config FILE is required: the association password goes there, never to the output".into()))?;
    let login = args
        .value("login")
        .ok_or_else(|| Failure::Usage("--login LOGIN is required".into()))?;
    let var = args
        .value("password-env")
        .ok_or_else(|| Failure::Usage("--password-env VAR is required".into()))?;
    let point = args
        .value("retail-point")
        .ok_or_else(|| Failure::Usage("--retail-point ID is required".into()))?;
    let client_id = args.value("client-id");
    args.done(1)?;
    let password = std::env::var(&var)
        .map_err(|_| Failure::Run(format!("the environment variable {var} is not set")))?;
    if let Some(map) = base.as_object_mut() {
        map.remove("login");
        map.remove("password");
    }
    let config = modulpos::Config::from_json_value(&base)
        .map_err(|e| Failure::Run(format!("config {config_path}: {e}")))?;
    let client = modulpos::Client::new(config).map_err(|e| Failure::Run(format!("config: {e}")))?;
    let association = client
        .associate(&modulpos::AssociateRequest {
            login,
            password: modulpos::Secret::new(password),
            retail_point_id: point,
            client_id,
        })
        .map_err(|e| Failure::Run(e.to_string()))?;
    if let Some(map) = base.as_object_mut() {
        map.insert("login".into(), json!(association.user_name()));
        map.insert("password".into(), json!(association.password()));
    }
    write_private(&out, &format!("{base:#}\n"))?;
    Ok(json!({
        "userName": association.user_name(),
        "name": association.name(),
        "address": association.address(),
        "config_written": out,
    }))
}

/// Writes a file only its owner can read (it holds a password).
fn write_private(path: &str, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Failure::Run(format!("cannot write {path}: {e}")))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Failure::Run(format!("cannot write {path}: {e}")))
}

fn requeue(args: &mut Args) -> Result<Value, Failure> {
    let id = args.arg(1, "ID")?;
    let client = client(args)?;
    let mut store = if args.has("database") || std::env::var("MODULPOS_DATABASE_URL").is_ok() {
        Some(store(args, 2)?)
    } else {
        args.done(2)?;
        None
    };
    let status = client
        .requeue(&id)
        .map_err(|e| Failure::Run(e.to_string()))?;
    let mut out = serde_json::to_value(&status).unwrap_or_default();
    if let Some(store) = store.as_mut() {
        // The worker follows it again from here (its POST with the same id creates nothing).
        let result = store
            .retry(&id, "modulpos requeue")
            .map_err(|e| Failure::Run(e.to_string()))?;
        out["outbox"] = match result {
            Ok(from) => json!({"from": from, "to": store::PENDING}),
            Err(why) => json!({"unchanged": why}),
        };
    }
    Ok(out)
}

fn outbox(args: &mut Args) -> Result<Value, Failure> {
    let sub = args.arg(1, "install|stats|list|show|retry")?;
    match sub.as_str() {
        "install" => {
            let mut s = store(args, 2)?;
            s.install().map_err(|e| Failure::Run(e.to_string()))?;
            Ok(json!({"installed": true}))
        }
        "stats" => {
            let mut s = store(args, 2)?;
            s.stats().map_err(|e| Failure::Run(e.to_string()))
        }
        "list" => {
            let state = args.value("state");
            if let Some(st) = &state {
                if !store::STATES.contains(&st.as_str()) {
                    return Err(Failure::Usage(format!(
                        "--state must be one of {}",
                        store::STATES.join(", ")
                    )));
                }
            }
            let limit = args.number("limit", 50, 1, 100_000)?;
            let mut s = store(args, 2)?;
            s.list(state.as_deref(), limit)
                .map(Value::from)
                .map_err(|e| Failure::Run(e.to_string()))
        }
        "show" => {
            let id = args.arg(2, "ID")?;
            let mut s = store(args, 3)?;
            s.show(&id)
                .map_err(|e| Failure::Run(e.to_string()))?
                .ok_or_else(|| Failure::Run(format!("no outbox entry with the id {id}")))
        }
        "retry" => {
            let id = args.arg(2, "ID")?;
            let mut s = store(args, 3)?;
            match s
                .retry(&id, "modulpos outbox retry")
                .map_err(|e| Failure::Run(e.to_string()))?
            {
                Ok(from) => Ok(json!({"id": id, "from": from, "to": store::PENDING})),
                Err(why) => Err(Failure::Run(why)),
            }
        }
        other => Err(Failure::Usage(format!("unknown outbox command {other}"))),
    }
}

/// JSON as it is; otherwise `key: value` lines (objects), one line per entry (lists).
fn print_output(value: &Value, json: bool) {
    if json {
        println!("{value}");
        return;
    }
    match value {
        Value::Array(items) if items.is_empty() => println!("(none)"),
        Value::Array(items) => {
            for item in items {
                println!("{}", one_line(item));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::Array(items) => {
                        println!("{k}:");
                        for item in items {
                            println!("  {}", one_line(item));
                        }
                    }
                    Value::Object(_) => println!("{k}: {}", one_line(v)),
                    _ => println!("{k}: {}", scalar(v)),
                }
            }
        }
        other => println!("{}", scalar(other)),
    }
}

fn one_line(v: &Value) -> String {
    match v {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::Object(_) | Value::Array(_) => format!("{k}={v}"),
                _ => format!("{k}={}", scalar(v)),
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => scalar(v),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}
