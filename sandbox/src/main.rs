//! `modulpos-sandbox --listen 127.0.0.1:0 ...`: serves the emulated Modul.Kassa API until killed.
//! The first line of standard output is `listening on http://HOST:PORT`, a URL a client on this
//! machine can use (127.0.0.1 when listening on 0.0.0.0, said on a second line). Every flag can also be
//! given as an environment variable (`--queue-ms` = `MODULPOS_SANDBOX_QUEUE_MS`), for containers
//! and CI services; a flag on the command line wins over its variable.

use std::io::Write;
use std::net::IpAddr;
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
  --callback-allow HOST         a non-loopback host callbacks may be sent to (the shop's container
                                name); repeat for several. Loopback hosts are always allowed.
  --callback-resolve HOST=ADDR  use ADDR for callback host HOST instead of the system resolver
                                (like curl --resolve); repeat for several
  --log                         print one line per request to stderr (no credentials, no bodies)
  -h, --help                    print this help

Every flag is also read from the environment: MODULPOS_SANDBOX_ and the flag's name in capitals
with `_` for `-` (MODULPOS_SANDBOX_LISTEN=0.0.0.0:8080, MODULPOS_SANDBOX_LOG=1); repeatable flags
take a comma-separated list. A flag given on the command line wins over its variable.

The first line printed is `listening on http://HOST:PORT`, a URL a client on this machine can
use: with --listen 0.0.0.0:PORT it is http://127.0.0.1:PORT, and a second line says it listens on
all interfaces (other machines use this host's name or address). The API is served under
/api/fn/... and /fn/...; the control interface under /sandbox/..., with GET /sandbox/health for
readiness checks (see sandbox/README.md). Stop it with SIGINT or SIGTERM.",
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

/// Flags that take a value; the repeatable ones collect a list.
const VALUE_FLAGS: &[&str] = &[
    "--listen",
    "--login",
    "--password",
    "--retail-point",
    "--queue-ms",
    "--print-ms",
    "--callback-retry-ms",
    "--callback-max-attempts",
    "--idle-timeout-ms",
    "--read-timeout-ms",
    "--callback-allow",
    "--callback-resolve",
];
const LIST_FLAGS: &[&str] = &["--retail-point", "--callback-allow", "--callback-resolve"];

/// `--queue-ms` → `MODULPOS_SANDBOX_QUEUE_MS`.
fn env_name(flag: &str) -> String {
    format!(
        "MODULPOS_SANDBOX_{}",
        flag.trim_start_matches('-')
            .to_ascii_uppercase()
            .replace('-', "_")
    )
}

/// The environment's settings as command-line arguments (lists split at commas).
fn env_args(env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    for flag in VALUE_FLAGS {
        let Some(value) = env(&env_name(flag)) else {
            continue;
        };
        if LIST_FLAGS.contains(flag) {
            for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                args.extend([flag.to_string(), item.to_string()]);
            }
        } else {
            args.extend([flag.to_string(), value]);
        }
    }
    match env(&env_name("--log")).as_deref() {
        None | Some("" | "0" | "false") => (),
        Some("1" | "true") => args.push("--log".into()),
        Some(other) => {
            return Err(format!(
                "{}: expected 1 or 0, not {other}",
                env_name("--log")
            ))
        }
    }
    Ok(args)
}

/// What the command line and the environment set.
#[derive(Debug, Clone)]
struct Settings {
    listen: String,
    config: SandboxConfig,
    retail_points: Vec<String>,
    callback_allow: Vec<String>,
    callback_resolve: Vec<(String, IpAddr)>,
}

/// Parsed settings: the address to bind and the configuration; None for `--help`. `env` reads
/// an environment variable; a flag on the command line wins over its variable (for repeatable
/// flags, the command line's list replaces the variable's).
fn parse_args(
    args: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(String, SandboxConfig)>, String> {
    let mut settings = Settings {
        listen: "127.0.0.1:0".to_string(),
        config: SandboxConfig::default(),
        retail_points: Vec::new(),
        callback_allow: Vec::new(),
        callback_resolve: Vec::new(),
    };
    apply(&env_args(env)?, &mut settings).map_err(|e| format!("{e} (from the environment)"))?;
    let from_env = settings.clone();
    settings.retail_points.clear();
    settings.callback_allow.clear();
    settings.callback_resolve.clear();
    if !apply(args, &mut settings)? {
        return Ok(None);
    }
    fn or_env<T>(cli: Vec<T>, env: Vec<T>) -> Vec<T> {
        if cli.is_empty() {
            env
        } else {
            cli
        }
    }
    let mut config = settings.config;
    let points = or_env(settings.retail_points, from_env.retail_points);
    if !points.is_empty() {
        config.retail_points = points;
    }
    config.callback_allow = or_env(settings.callback_allow, from_env.callback_allow);
    config.callback_resolve = or_env(settings.callback_resolve, from_env.callback_resolve);
    Ok(Some((settings.listen, config)))
}

/// Applies flags to `settings`; false when `--help` was asked for.
fn apply(args: &[String], settings: &mut Settings) -> Result<bool, String> {
    let config = &mut settings.config;
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "-h" || flag == "--help" {
            return Ok(false);
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
            "--listen" => settings.listen = value()?,
            "--login" => config.login = value()?,
            "--password" => config.password = value()?,
            "--retail-point" => settings.retail_points.push(value()?),
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
            "--callback-allow" => {
                let host = value()?;
                if host.is_empty() || host.contains(['/', ':', '@', ' ']) {
                    return Err(format!("{name}: a host name or address, not {host}"));
                }
                settings.callback_allow.push(host);
            }
            "--callback-resolve" => {
                let v = value()?;
                let parsed = v
                    .split_once('=')
                    .and_then(|(host, addr)| Some((host.to_string(), addr.parse().ok()?)))
                    .filter(|(host, _)| !host.is_empty());
                settings
                    .callback_resolve
                    .push(parsed.ok_or_else(|| format!("{name}: expected HOST=ADDR, not {v}"))?);
            }
            _ => return Err(format!("unknown option {name}")),
        }
        i += 1;
    }
    Ok(true)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env = |name: &str| std::env::var(name).ok();
    let (listen, config) = match parse_args(&args, &env) {
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
    if sandbox.listens_on_all_interfaces() {
        // The first line names a URL a client can use; 0.0.0.0 is none. Say what it means.
        let _ = writeln!(
            stdout,
            "listening on all interfaces ({}): from another machine or container, use this host's name or address and port {}",
            sandbox.addr(),
            sandbox.addr().port()
        );
    }
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

    fn parse_args(args: &[String]) -> Result<Option<(String, SandboxConfig)>, String> {
        super::parse_args(args, &|_| None)
    }

    fn parse_with_env(
        list: &[&str],
        vars: &[(&str, &str)],
    ) -> Result<Option<(String, SandboxConfig)>, String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        super::parse_args(&args(list), &|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn every_flag_is_also_an_environment_variable() {
        let (listen, c) = parse_with_env(
            &[],
            &[
                ("MODULPOS_SANDBOX_LISTEN", "0.0.0.0:8080"),
                ("MODULPOS_SANDBOX_QUEUE_MS", "7"),
                ("MODULPOS_SANDBOX_CALLBACK_MAX_ATTEMPTS", "3"),
                ("MODULPOS_SANDBOX_RETAIL_POINT", "a, b"),
                ("MODULPOS_SANDBOX_CALLBACK_ALLOW", "shop"),
                ("MODULPOS_SANDBOX_CALLBACK_RESOLVE", "shop=127.0.0.2"),
                ("MODULPOS_SANDBOX_LOG", "1"),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(listen, "0.0.0.0:8080");
        assert_eq!((c.queue_ms, c.callback_max_attempts), (7, 3));
        assert_eq!(c.retail_points, vec!["a", "b"]);
        assert_eq!(c.callback_allow, vec!["shop"]);
        assert_eq!(
            c.callback_resolve,
            vec![("shop".to_string(), "127.0.0.2".parse().unwrap())]
        );
        assert!(c.log_requests);
        // Every value flag has a variable the help names by pattern; check the mapping itself.
        for flag in VALUE_FLAGS {
            assert!(env_name(flag).starts_with("MODULPOS_SANDBOX_"), "{flag}");
        }
        assert_eq!(
            env_name("--callback-retry-ms"),
            "MODULPOS_SANDBOX_CALLBACK_RETRY_MS"
        );
    }

    #[test]
    fn the_command_line_wins_over_the_environment() {
        let (listen, c) = parse_with_env(
            &[
                "--listen",
                "127.0.0.1:9",
                "--retail-point",
                "c",
                "--print-ms=2",
            ],
            &[
                ("MODULPOS_SANDBOX_LISTEN", "0.0.0.0:8080"),
                ("MODULPOS_SANDBOX_RETAIL_POINT", "a,b"),
                ("MODULPOS_SANDBOX_PRINT_MS", "9"),
                ("MODULPOS_SANDBOX_QUEUE_MS", "4"),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(listen, "127.0.0.1:9");
        assert_eq!(c.retail_points, vec!["c"]);
        assert_eq!((c.print_ms, c.queue_ms), (2, 4));
        let e = parse_with_env(&[], &[("MODULPOS_SANDBOX_QUEUE_MS", "x")]).unwrap_err();
        assert!(e.contains("from the environment"), "{e}");
        assert!(parse_with_env(&[], &[("MODULPOS_SANDBOX_LOG", "yes")]).is_err());
        assert!(parse_args(&args(&["--callback-resolve", "shop"])).is_err());
        assert!(parse_args(&args(&["--callback-resolve", "shop=not-an-ip"])).is_err());
        assert!(parse_args(&args(&["--callback-allow", "http://shop/"])).is_err());
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
