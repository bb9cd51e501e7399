//! The client configuration: the config JSON keys and their defaults, base URL resolution, and
//! the checks that keep plain `http://` on loopback and every value in a sane range.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// Production API root, used when neither the config nor the environment names one.
pub const DEFAULT_BASE_URL: &str = "https://my.modulkassa.ru/api/fn";
/// Test (demo) API root, used in test mode when neither the config nor the environment names one.
pub const DEFAULT_TEST_BASE_URL: &str = "https://demo.modulpos.ru/api/fn";
/// Environment variable overriding the production API root.
pub const ENV_BASE_URL: &str = "MODULPOS_BASE_URL";
/// Environment variable overriding the test API root (read only in test mode).
pub const ENV_TEST_BASE_URL: &str = "MODULPOS_TEST_BASE_URL";

/// Upper bounds that keep a typo (`timeout_ms: 3e9`) from hanging a worker for a month.
const MAX_TIMEOUT_MS: u64 = 10 * 60 * 1000;
const MAX_ATTEMPTS: u32 = 10;
const MAX_BACKOFF_MS: u64 = 60 * 1000;
const MAX_DEADLINE_MS: u64 = 60 * 60 * 1000;
/// The default bound on one whole send: short enough that a checkout page waiting on it answers
/// well inside PHP's default 30 s `max_execution_time`, long enough for a lost answer, a status
/// check and a resend against a slow service. A worker sending in the background sets more.
pub const DEFAULT_DEADLINE_MS: u64 = 15_000;

/// A secret string (a password). Its `Debug` never shows the value, and it has no `Display`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; call only where it is put on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// Client configuration; every key of the config JSON (see the table in docs/c-api.md). Unknown
/// keys are an error, so a misspelt `timout_ms` is noticed instead of silently ignored.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Association user name (`userName` from associate). Not needed to associate.
    pub login: Option<String>,
    /// Association password (`password` from associate). Never shown by `Debug`.
    pub password: Option<Secret>,
    /// Use the test (demo) service instead of production.
    pub test_mode: bool,
    /// API root; overrides the environment and the built-in defaults.
    pub base_url: Option<String>,
    /// TCP + TLS connect timeout, milliseconds.
    pub connect_timeout_ms: u64,
    /// Whole-request timeout (connect, send, answer, body), milliseconds.
    pub timeout_ms: u64,
    /// How many times sending one document may be attempted (always with the same `id`).
    pub max_attempts: u32,
    /// First backoff between attempts, milliseconds; doubled per attempt.
    pub retry_backoff_ms: u64,
    /// One bound on a whole send, milliseconds: every POST, status check and wait included. When
    /// it is reached the send ends with a retryable `timeout` that says whether the document may
    /// exist. Each request's `timeout_ms` is cut to what is left of it.
    pub deadline_ms: u64,
    /// Allow `http://` to a host that is not loopback (never needed in production).
    pub allow_insecure_http: bool,
    /// Let enum values the tables do not know yet pass validation unchecked.
    pub allow_unknown_values: bool,
    /// Treat validation warnings (e.g. an INN check digit) as errors: nothing is sent.
    pub strict: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            login: None,
            password: None,
            test_mode: false,
            base_url: None,
            connect_timeout_ms: 5_000,
            timeout_ms: 30_000,
            max_attempts: 3,
            retry_backoff_ms: 200,
            deadline_ms: DEFAULT_DEADLINE_MS,
            allow_insecure_http: false,
            allow_unknown_values: false,
            strict: false,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("login", &self.login)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("test_mode", &self.test_mode)
            // Credentials in the URL are refused when the client is built, but Debug may come first.
            .field(
                "base_url",
                &self.base_url.as_deref().map(without_credentials),
            )
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_attempts", &self.max_attempts)
            .field("retry_backoff_ms", &self.retry_backoff_ms)
            .field("deadline_ms", &self.deadline_ms)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("allow_unknown_values", &self.allow_unknown_values)
            .field("strict", &self.strict)
            .finish()
    }
}

/// `url` with any `user:password@` before its host shown as `***@`.
fn without_credentials(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
}

/// Keys whose values must never be echoed in an error message.
const SECRET_KEYS: &[&str] = &["password"];

impl Config {
    /// Read a config from its JSON text (`null` or `{}` give the defaults).
    pub fn from_json_str(json: &str) -> Result<Config> {
        let value: Value = crate::json::from_str_strict(json).map_err(|e| match e {
            crate::json::JsonError::DuplicateKey(path) => Error::invalid_argument(
                Some(&path),
                format!("the config has the key `{path}` twice; give every key once"),
            ),
            crate::json::JsonError::Syntax(e) => {
                Error::invalid_argument(Some("config"), format!("not valid JSON: {e}"))
            }
        })?;
        Config::from_json_value(&value)
    }

    /// Read a config from a JSON value, naming the offending key on any error and never echoing a
    /// secret value.
    pub fn from_json_value(value: &Value) -> Result<Config> {
        let map = match value {
            Value::Null => return Ok(Config::default()),
            Value::Object(map) => map,
            _ => {
                return Err(Error::invalid_argument(
                    Some("config"),
                    "must be a JSON object",
                ))
            }
        };
        // Check key by key first (every key has a default, so a one-key object is a whole
        // config): this names the key, which serde's own message does not.
        for (key, v) in map {
            let single = Value::Object([(key.clone(), v.clone())].into_iter().collect());
            if let Err(e) = Config::deserialize(&single) {
                let message = if SECRET_KEYS.contains(&key.as_str()) {
                    "must be a string".to_owned()
                } else {
                    e.to_string()
                };
                return Err(Error::invalid_argument(Some(key), message));
            }
        }
        Config::deserialize(value)
            .map_err(|e| Error::invalid_argument(Some("config"), e.to_string()))
    }

    /// Check every value's range; called by `Client::new`.
    pub fn check(&self) -> Result<()> {
        check_range(
            "connect_timeout_ms",
            self.connect_timeout_ms,
            1,
            MAX_TIMEOUT_MS,
        )?;
        check_range("timeout_ms", self.timeout_ms, 1, MAX_TIMEOUT_MS)?;
        check_range(
            "max_attempts",
            u64::from(self.max_attempts),
            1,
            u64::from(MAX_ATTEMPTS),
        )?;
        check_range("retry_backoff_ms", self.retry_backoff_ms, 0, MAX_BACKOFF_MS)?;
        check_range("deadline_ms", self.deadline_ms, 1, MAX_DEADLINE_MS)?;
        if let Some(login) = &self.login {
            check_login(login)?;
        }
        Ok(())
    }

    /// The API root this config points at, resolved and checked (see [`resolve_base_url`]).
    pub fn resolved_base_url(&self) -> Result<BaseUrl> {
        resolve_base_url(self, |name| std::env::var(name).ok())
    }
}

/// A Basic-auth login cannot contain `:` (RFC 7617: the first `:` ends the login, so
/// `user:x` + password would authenticate as `user` with password `x:...`), nor control characters.
pub fn check_login(login: &str) -> Result<()> {
    if login.contains(':') {
        return Err(Error::invalid_argument(
            Some("login"),
            "must not contain `:` (HTTP Basic auth cannot carry it in a login)",
        ));
    }
    if login.chars().any(char::is_control) {
        return Err(Error::invalid_argument(
            Some("login"),
            "must not contain control characters",
        ));
    }
    Ok(())
}

fn check_range(field: &str, value: u64, min: u64, max: u64) -> Result<()> {
    if value < min || value > max {
        return Err(Error::invalid_argument(
            Some(field),
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(())
}

/// A checked API root: `scheme://host[:port][/path]`, no trailing slash, no credentials, query or
/// fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    url: String,
    loopback: bool,
}

impl BaseUrl {
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Whether the host is loopback (`localhost`, `127.0.0.0/8`, `::1`).
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// `path` (starting with `/`) appended to the root.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// Pick the API root: the explicit `base_url`, else `MODULPOS_TEST_BASE_URL` (test mode) /
/// `MODULPOS_BASE_URL` (production), else the built-in default; then check it. `env` looks a
/// variable up (a parameter so tests need not touch the process environment); empty values count
/// as unset.
pub fn resolve_base_url(config: &Config, env: impl Fn(&str) -> Option<String>) -> Result<BaseUrl> {
    let (field, raw) = if let Some(explicit) = &config.base_url {
        ("base_url", explicit.clone())
    } else {
        let (var, default) = if config.test_mode {
            (ENV_TEST_BASE_URL, DEFAULT_TEST_BASE_URL)
        } else {
            (ENV_BASE_URL, DEFAULT_BASE_URL)
        };
        match env(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
        {
            Some(v) => (var, v),
            None => ("base_url", default.to_owned()),
        }
    };
    parse_base_url(field, &raw, config.allow_insecure_http)
}

/// Parse an API root strictly: `http(s)://host[:port][/path]`, where the host is a name, an
/// IPv4 address or a bracketed IPv6 address, the port is 1–65535, and there is no userinfo, query,
/// fragment, whitespace or dot segment. Anything else is refused, never guessed at (`:99999` once
/// went to port 80).
fn parse_base_url(field: &str, raw: &str, allow_insecure_http: bool) -> Result<BaseUrl> {
    let bad = |why: &str| Error::invalid_argument(Some(field), why.to_owned());
    let trimmed = raw.trim().trim_end_matches('/');
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return Err(bad(
            "is not a valid URL (expected e.g. https://my.modulkassa.ru/api/fn)",
        ));
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    if authority.contains('@') {
        return Err(bad(
            "must not contain credentials; pass login and password in the config",
        ));
    }
    if trimmed.contains(['?', '#']) {
        return Err(bad("must not contain a query or fragment"));
    }
    let (host, port) = split_host_port(authority).map_err(|why| bad(&why))?;
    check_url_path(path).map_err(|why| bad(&why))?;
    let loopback = is_loopback_host(host);
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if loopback || allow_insecure_http => {}
        "http" => {
            return Err(bad(
                "plain http:// is only allowed for a loopback host (set allow_insecure_http to override)",
            ))
        }
        _ => return Err(bad("must use https:// (or http:// for a loopback host)")),
    }
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(BaseUrl {
        url: format!("{}://{host}{port}{path}", scheme.to_ascii_lowercase()),
        loopback,
    })
}

/// `host[:port]` → the host (IPv6 with its brackets) and the port, both checked.
fn split_host_port(authority: &str) -> std::result::Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let end = inner
            .find(']')
            .ok_or("has an IPv6 host without its closing `]`")?;
        inner[..end]
            .parse::<std::net::Ipv6Addr>()
            .map_err(|_| "has an IPv6 host that is not an IPv6 address")?;
        let after = &inner[end + 1..];
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or("has text after its IPv6 host")?,
            ),
        };
        (&authority[..end + 2], port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("has no host".into());
    }
    if !host.starts_with('[') {
        let valid = host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !host.starts_with(['.', '-'])
            && !host.contains("..");
        if !valid {
            return Err("has a host that is not a DNS name or an IP address".into());
        }
    }
    let port = match port {
        None => None,
        Some(p) => {
            let digits = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
            match p.parse::<u16>() {
                Ok(n) if digits && n >= 1 => Some(n),
                _ => return Err(format!("has an invalid port `{p}` (expected 1-65535)")),
            }
        }
    };
    Ok((host, port))
}

/// The path of an API root: RFC 3986 path characters only, no empty or dot segments.
fn check_url_path(path: &str) -> std::result::Result<(), String> {
    if path.is_empty() {
        return Ok(());
    }
    for segment in path[1..].split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err("has an empty or dot segment in its path".into());
        }
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:@".contains(&b);
        if !segment.bytes().all(allowed) {
            return Err("has a character in its path that must be percent-encoded".into());
        }
    }
    Ok(())
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
