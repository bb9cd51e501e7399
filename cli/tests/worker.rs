//! The worker against the sandbox, on SQLite (and MariaDB/PostgreSQL when tests/outbox/run.sh
//! started them): sends once, survives lost answers and 5xx, re-queues FAILED documents by the
//! policy, honours leases, finishes the in-flight send on SIGTERM, and the operator commands.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

fn worker_args<'a>(url: &'a str, table: &'a str, config: &'a str) -> Vec<&'a str> {
    vec![
        "worker",
        "--database",
        url,
        "--table",
        table,
        "--config",
        config,
        "--poll-ms",
        "30",
        "--idle-ms",
        "30",
        "--backoff-ms",
        "20",
        "--max-backoff-ms",
        "200",
        "--requeue-delay-ms",
        "0",
        "--lease-ms",
        "60000",
        "--quiet",
    ]
}

#[test]
fn once_drains_through_faults_and_failures_sending_each_id_once() {
    let sb = sandbox(20, 20);
    let dir = temp_dir("drain");
    let (config, var, password) = config_file(&sb, &dir);
    let config = config.to_str().unwrap();
    for url in databases(&dir) {
        let table = table_name();
        let mut s = store(&url, &table);
        let ids: Vec<String> = (0..24).map(|_| unique("drain")).collect();
        for (n, id) in ids.iter().enumerate() {
            assert!(s.enqueue(id, &receipt(id, n)).unwrap());
        }
        assert!(
            !s.enqueue(&ids[0], &receipt(&ids[0], 0)).unwrap(),
            "same id twice is one entry"
        );
        // Lost answers (the document is created, the answer dropped), a 503, a truncated status
        // answer, and two documents that end FAILED at the service.
        faults(
            &sb,
            json!([
                {"kind": "drop", "phase": "after", "path_contains": "/v2/doc"},
                {"kind": "http_status", "status": 503, "path_contains": "/v2/doc"},
                {"kind": "truncate", "phase": "after", "path_contains": "/v2/doc"},
                {"kind": "drop", "phase": "before", "path_contains": "/status"},
            ]),
        );
        fail_next(&sb, 2);
        let mut args = worker_args(&url, &table, config);
        args.extend(["--once", "--concurrency", "3"]);
        let out = run(&args, (&var, &password));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let counters = counters(&sb);
        let stats = s.stats().unwrap();
        assert_eq!(stats["states"]["done"], 24, "{stats}");
        assert_eq!(
            stats["requeues"], 2,
            "the two FAILED documents were re-queued: {stats}"
        );
        for id in &ids {
            let d = &counters["documents"][id];
            assert_eq!(d["created"], true, "{id}");
            let entry = s.show(id).unwrap().unwrap();
            assert_eq!(entry["doc_status"], "PRINTED", "{entry}");
            assert!(entry["document_status"]["fiscalInfo"]["fnDocMark"].is_number());
            let events = entry["events"].as_array().unwrap();
            assert_eq!(events[0]["event"], "enqueued");
            let send = events.iter().find(|e| e["event"] == "send").unwrap();
            assert!(send["duration_ms"].is_number(), "{entry}");
        }
        // Every POST after the first one of an id was the library's resend of a lost answer,
        // which the service answered with the existing document.
        let submissions: u64 = ids
            .iter()
            .map(|id| counters["documents"][id]["submissions"].as_u64().unwrap())
            .sum();
        assert!(
            submissions <= 24 + 3,
            "{submissions} POSTs for 24 documents"
        );
        // The password never reaches the output or the table.
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&password));
        assert!(!serde_json::to_string(&s.show(&ids[0]).unwrap())
            .unwrap()
            .contains(&password));
        clear_faults(&sb);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_lease_held_by_a_dead_worker_is_resumed_after_it_expires() {
    let sb = sandbox(20, 20);
    let dir = temp_dir("lease");
    let (config, var, password) = config_file(&sb, &dir);
    let url = format!("sqlite:{}", dir.join("outbox.db").display());
    let table = table_name();
    let mut s = store(&url, &table);
    let id = unique("lease");
    s.enqueue(&id, &receipt(&id, 1)).unwrap();
    // A worker that claimed it and died (SIGKILL) leaves its lease behind.
    let claimed = s.claim("dead-worker", 1500).unwrap().expect("claimed");
    assert_eq!(claimed.id, id);
    assert!(
        s.claim("other", 1500).unwrap().is_none(),
        "a held lease is not claimable"
    );
    let started = Instant::now();
    let mut args = worker_args(&url, &table, config.to_str().unwrap());
    args.push("--once");
    let out = run(&args, (&var, &password));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "sent before the lease expired"
    );
    assert_eq!(s.show(&id).unwrap().unwrap()["state"], "done");
    assert_eq!(counters(&sb)["documents"][&id]["submissions"], 1);
    // The dead worker's late write is fenced off.
    let step = modulpos_cli::store::Step {
        state: "pending".into(),
        ..Default::default()
    };
    let event = modulpos_cli::store::Event {
        event: "send",
        ..Default::default()
    };
    assert!(!s.record("dead-worker", &claimed, &step, &event).unwrap());
    assert_eq!(s.show(&id).unwrap().unwrap()["state"], "done");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sigterm_finishes_the_send_in_flight_then_exits() {
    let sb = sandbox(20, 20);
    let dir = temp_dir("term");
    let (config, var, password) = config_file(&sb, &dir);
    let url = format!("sqlite:{}", dir.join("outbox.db").display());
    let table = table_name();
    let mut s = store(&url, &table);
    let id = unique("term");
    s.enqueue(&id, &receipt(&id, 1)).unwrap();
    faults(
        &sb,
        json!([{"kind": "delay", "ms": 1500, "phase": "after", "path_contains": "/v2/doc"}]),
    );
    let mut child = Command::new(BIN)
        .args(worker_args(&url, &table, config.to_str().unwrap()))
        .env(&var, &password)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the POST is at the service, then ask the worker to stop.
    let deadline = Instant::now() + Duration::from_secs(10);
    while counters(&sb)["documents"][&id]["submissions"] != 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let entry = s.show(&id).unwrap().unwrap();
    assert!(
        entry["state"] == "sent" || entry["state"] == "done",
        "the answer was recorded before exiting: {entry}"
    );
    assert_eq!(entry["attempts"], 1);
    assert!(
        entry["lease_until"].is_null(),
        "the lease was released: {entry}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_document_failed_beyond_the_policy_is_failed_and_retry_starts_again() {
    let sb = sandbox(20, 20);
    let dir = temp_dir("failed");
    let (config, var, password) = config_file(&sb, &dir);
    let config = config.to_str().unwrap();
    let url = format!("sqlite:{}", dir.join("outbox.db").display());
    let table = table_name();
    let mut s = store(&url, &table);
    let id = unique("failed");
    s.enqueue(&id, &receipt(&id, 1)).unwrap();
    fail_next(&sb, 1);
    let mut args = worker_args(&url, &table, config);
    args.extend(["--once", "--max-requeues", "0"]);
    assert!(run(&args, (&var, &password)).status.success());
    let entry = s.show(&id).unwrap().unwrap();
    assert_eq!(entry["state"], "failed", "{entry}");
    assert_eq!(entry["last_error_code"], "document_failed");
    assert_eq!(
        entry["document_status"]["failureInfo"]["type"],
        "FN_GENERIC_FAILURE"
    );

    // The operator: stats, list, show, retry, then a worker with the default policy.
    let db = ["--database", url.as_str(), "--table", table.as_str()];
    let json_of = |args: &[&str]| -> Value {
        let out = run(args, (&var, &password));
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let stats = json_of(&[&["--json", "outbox", "stats"][..], &db].concat());
    assert_eq!(stats["states"]["failed"], 1);
    let list = json_of(&[&["--json", "outbox", "list", "--state", "failed"][..], &db].concat());
    assert_eq!(list[0]["id"], id.as_str());
    let human = run(
        &[&["outbox", "show", id.as_str()][..], &db].concat(),
        (&var, &password),
    );
    assert!(String::from_utf8_lossy(&human.stdout).contains("state: failed"));
    let retried = json_of(&[&["--json", "outbox", "retry", id.as_str()][..], &db].concat());
    assert_eq!(retried["from"], "failed");
    let mut args = worker_args(&url, &table, config);
    args.push("--once");
    assert!(run(&args, (&var, &password)).status.success());
    let entry = s.show(&id).unwrap().unwrap();
    assert_eq!(entry["state"], "done", "{entry}");
    assert_eq!(entry["doc_status"], "PRINTED");
    assert_eq!(
        counters(&sb)["documents"][&id]["submissions"],
        2,
        "the retry's POST found the document"
    );
    // A done entry cannot be retried.
    let out = run(
        &[&["outbox", "retry", id.as_str()][..], &db].concat(),
        (&var, &password),
    );
    assert!(!out.status.success());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn operator_commands_talk_to_the_service_without_printing_a_password() {
    let sb = sandbox(20, 20);
    let dir = temp_dir("ops");
    let (config, var, password) = config_file(&sb, &dir);
    let config = config.to_str().unwrap();
    let pw = (var.as_str(), password.as_str());
    let out = run(&["--json", "service-status", "--config", config], pw);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "READY");
    let out = run(&["service-status", "--config", config], pw);
    assert!(String::from_utf8_lossy(&out.stdout).contains("status: READY"));

    // doc-status of an unknown id: a clear error, exit 1.
    let out = run(&["doc-status", "no-such-doc", "--config", config], pw);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));

    // requeue of a FAILED document through the service (and the outbox entry with it).
    let url = format!("sqlite:{}", dir.join("outbox.db").display());
    let table = table_name();
    let mut s = store(&url, &table);
    let id = unique("ops");
    s.enqueue(&id, &receipt(&id, 1)).unwrap();
    fail_next(&sb, 1);
    let mut args = worker_args(&url, &table, config);
    args.extend(["--once", "--max-requeues", "0"]);
    assert!(run(&args, pw).status.success());
    let out = run(&["--json", "doc-status", &id, "--config", config], pw);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["status"],
        "FAILED"
    );
    let out = run(
        &[
            "--json",
            "requeue",
            &id,
            "--config",
            config,
            "--database",
            &url,
            "--table",
            &table,
        ],
        pw,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "REQUEUED");
    assert_eq!(v["outbox"]["from"], "failed");

    // associate writes the new credentials to a private file and prints no password.
    let written = dir.join("associated.json");
    let base = dir.join("base.json");
    std::fs::write(&base, json!({"base_url": sb.base_url()}).to_string()).unwrap();
    let out = Command::new(BIN)
        .args([
            "associate",
            "--config",
            base.to_str().unwrap(),
            "--login",
            modulpos_sandbox::DEFAULT_LOGIN,
            "--password-env",
            "ACCOUNT_PW",
            "--retail-point",
            modulpos_sandbox::DEFAULT_RETAIL_POINT,
            "--client-id",
            "ops-test",
            "--write-config",
            written.to_str().unwrap(),
        ])
        .env("ACCOUNT_PW", modulpos_sandbox::DEFAULT_PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    let new_password = file["password"].as_str().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains(file["login"].as_str().unwrap()));
    assert!(
        !printed.contains(new_password) && !printed.contains(modulpos_sandbox::DEFAULT_PASSWORD)
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&written).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the file with the password is private");
    }
    let out = run(
        &[
            "--json",
            "service-status",
            "--config",
            written.to_str().unwrap(),
        ],
        pw,
    );
    assert!(out.status.success(), "the written config works");

    // A bad password in the config: an error that does not echo it.
    std::fs::write(
        dir.join("bad.json"),
        json!({"login": "x", "password": "very-secret-pw", "base_url": sb.base_url()}).to_string(),
    )
    .unwrap();
    let bad = dir.join("bad.json");
    let out = run(&["service-status", "--config", bad.to_str().unwrap()], pw);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("very-secret-pw"));
    // Usage errors exit 2 and name the problem.
    let out = run(&["outbox", "stats", "--databse", "x"], pw);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--databse"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_lease_shorter_than_a_send_is_refused() {
    let dir = temp_dir("short");
    std::fs::write(
        dir.join("c.json"),
        r#"{"login":"a","password":"b","timeout_ms":30000}"#,
    )
    .unwrap();
    let url = format!("sqlite:{}", dir.join("x.db").display());
    let out = run(
        &[
            "worker",
            "--database",
            &url,
            "--config",
            dir.join("c.json").to_str().unwrap(),
            "--lease-ms",
            "5000",
        ],
        ("UNUSED", ""),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lease"));
    std::fs::remove_dir_all(&dir).ok();
}
