//! `modulpos-sandbox --listen 127.0.0.1:0 ...`: serves the emulated Modul.Kassa API until killed.
//! The first line of standard output is `listening on http://HOST:PORT`.

use std::io::Write;
use std::process::ExitCode;

use modulpos_sandbox::{Sandbox, SandboxConfig};

fn usage() -> String {
    let d = SandboxConfig::default();
    format!(
        "modulpos-sandbox: a local emulator of the Modul.Kassa fiscalization API

Usage: modulpos-sandbox [OPTIONS]

Options:
  --listen ADDR                 address to bind (default 127.0.0.1:0 = a free port)
  --login LOGIN                 account login for associate (default {login})
  --password PASSWORD           account password for associate (default {password})
  --retail-point ID             a retail point id that can be associated; repeat for several
                                (default {point})
  --queue-ms N                  time a document stays QUEUED/REQUEUED (default {queue})
  --print-ms N                  time a document stays PENDING before PRINTED/FAILED (default {print})
  --callback-retry-ms N         pause between callback attempts (default {retry})
  --callback-max-attempts N     callback attempts per document (default {attempts})
  --idle-timeout-ms N           close keep-alive connections idle this long (default {idle})
  --read-timeout-ms N           longest stall inside a request; 3x bounds the whole request
                                (default {read})
  --log                         print one line per request to stderr (no credentials, no bodies)
  -h, --help                    print this help

The first line printed is `listening on http://HOST:PORT`. The API is served under
/api/fn/... and /fn/...; the control interface under /sandbox/... (see sandbox/README.md).
Stop it with SIGINT or SIGTERM.",
        login = d.login,
        password = d.password,
        point = d.retail_points[0],
        queue = d.queue_ms,
        print = d.print_ms,
        retry = d.callback_retry_ms,
        attempts = d.callback_max_attempts,
        idle = d.idle_timeout_ms,
        read = d.read_timeout_ms,
    )
}

/// Parsed command line: the address to bind and the configuration.
fn parse_args(args: &[String]) -> Result<Option<(String, SandboxConfig)>, String> {
    let mut config = SandboxConfig::default();
    let mut listen = "127.0.0.1:0".to_string();
    let mut retail_points = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        if flag == "--log" {
            config.log_requests = true;
            i += 1;
            continue;
        }
        let (name, mut inline) = match flag.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (flag, None),
        };
        // Taken only by a known flag, so an unknown one is named as such even when it is last.
        let mut value = || match inline.take() {
            Some(v) => Ok(v),
            None => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            }
        };
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: not a non-negative integer: {v}"))
        };
        match name {
            "--listen" => listen = value()?,
            "--login" => config.login = value()?,
            "--password" => config.password = value()?,
            "--retail-point" => retail_points.push(value()?),
            "--queue-ms" => config.queue_ms = number(&value()?)?,
            "--print-ms" => config.print_ms = number(&value()?)?,
            "--callback-retry-ms" => config.callback_retry_ms = number(&value()?)?,
            "--idle-timeout-ms" => config.idle_timeout_ms = number(&value()?)?,
            "--read-timeout-ms" => config.read_timeout_ms = number(&value()?)?,
            "--callback-max-attempts" => {
                let v = value()?;
                config.callback_max_attempts =
                    u32::try_from(number(&v)?).map_err(|_| format!("{name}: too large: {v}"))?
            }
            _ => return Err(format!("unknown option {name}")),
        }
        i += 1;
    }
    if !retail_points.is_empty() {
        config.retail_points = retail_points;
    }
    Ok(Some((listen, config)))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (listen, config) = match parse_args(&args) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("modulpos-sandbox: {message}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start_on(&listen, config) {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("modulpos-sandbox: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {}", sandbox.root_url());
    let _ = stdout.flush();
    // Serve until killed: SIGINT/SIGTERM end the process (their default action).
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_flags() {
        let (listen, c) = parse_args(&args(&[
            "--listen",
            "127.0.0.1:9",
            "--retail-point",
            "a",
            "--retail-point=b",
            "--queue-ms",
            "0",
            "--print-ms=5",
            "--callback-max-attempts",
            "2",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(listen, "127.0.0.1:9");
        assert_eq!(c.retail_points, vec!["a", "b"]);
        assert_eq!((c.queue_ms, c.print_ms, c.callback_max_attempts), (0, 5, 2));
        assert_eq!(c.login, "sandbox-login");
        assert!(!c.log_requests);
        let (_, c) = parse_args(&args(&["--log", "--print-ms", "1"]))
            .unwrap()
            .unwrap();
        assert!(c.log_requests);
        assert_eq!(c.print_ms, 1);
    }

    #[test]
    fn rejects_bad_flags() {
        assert!(parse_args(&args(&["--queue-ms", "x"])).is_err());
        assert!(parse_args(&args(&["--queue-ms"])).is_err());
        assert_eq!(
            parse_args(&args(&["--bogus"])).unwrap_err(),
            "unknown option --bogus"
        );
        assert!(parse_args(&args(&["--help"])).unwrap().is_none());
    }
}
