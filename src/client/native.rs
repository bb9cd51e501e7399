//! The native HTTP/1.1 client for direct connections: one agent per agent key (`agents.rs`), so
//! one host; a pool of its idle keep-alive connections (`wire.rs` carries the exchanges), new
//! connections through [`CachingResolver`], with `TCP_NODELAY`, and rustls for https with the
//! same roots and checks ureq uses (webpki roots, TLS 1.2 and 1.3, the ring provider, SNI),
//! certificate verification never relaxed, and sessions resumed (rustls's in-memory cache, shared
//! by every agent of the process).
//!
//! A request goes out on the most recently used idle connection that passes a one-syscall check
//! (`Conn::is_reusable`), or on a new one. Connections idle for longer than
//! [`agents::MAX_IDLE`] are never reused; at most [`POOL_IDLE_PER_HOST`] are kept.
//!
//! Proxies: a host reached through a proxy from the environment goes through ureq instead
//! (`proxied.rs`), see `http.rs`.

use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;

use super::agents;
use super::config::BaseUrl;
use super::http::POOL_IDLE_PER_HOST;
use super::resolver::CachingResolver;
use super::wire::{Answer, Conn, WireError};

pub struct NativeAgent {
    https: bool,
    /// The host as resolved (IPv6 without brackets) and its port.
    host: String,
    port: u16,
    /// `Host:` header value and the path of the API root: both as written in the base URL.
    authority: String,
    root_path: String,
    tls: Option<(Arc<rustls::ClientConfig>, ServerName<'static>)>,
    connect_timeout: Duration,
    resolver: CachingResolver,
    /// Idle connections, the most recently used last.
    idle: Mutex<Vec<Conn>>,
}

/// The process's TLS client settings (built once: the root store takes a while to build, and one
/// config means one session cache for resumption).
fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_protocol_versions(rustls::ALL_VERSIONS)
            .expect("ring supports TLS 1.2 and 1.3")
            .with_root_certificates(roots)
            .with_no_client_auth();
            Arc::new(config)
        })
        .clone()
}

impl NativeAgent {
    /// An agent for the API root `base` (already checked by `config.rs`).
    pub fn new(base: &BaseUrl, connect_timeout_ms: u64) -> Result<NativeAgent, String> {
        let url = base.as_str();
        let (scheme, rest) = url.split_once("://").ok_or("the base URL has no scheme")?;
        let https = scheme.eq_ignore_ascii_case("https");
        let (authority, root_path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            let (host, after) = inner.split_once(']').ok_or("a bad IPv6 host")?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        let port = match port {
            Some(p) => p.parse().map_err(|_| "a bad port")?,
            None if https => 443,
            None => 80,
        };
        let tls = if https {
            let name = ServerName::try_from(host.to_owned())
                .map_err(|_| "the host is not a valid TLS server name")?;
            Some((tls_config(), name))
        } else {
            None
        };
        Ok(NativeAgent {
            https,
            host: host.to_owned(),
            port,
            authority: authority.to_owned(),
            root_path: root_path.to_owned(),
            tls,
            connect_timeout: Duration::from_millis(connect_timeout_ms),
            resolver: CachingResolver::default(),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// The request's bytes: head and body in one buffer, so they go out in one write.
    pub fn request_bytes(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        with_length: bool,
    ) -> Vec<u8> {
        let body = body.unwrap_or_default();
        let mut r = Vec::with_capacity(256 + path.len() + body.len());
        for part in [method, " ", &self.root_path, path, " HTTP/1.1\r\nHost: "] {
            r.extend_from_slice(part.as_bytes());
        }
        r.extend_from_slice(self.authority.as_bytes());
        r.extend_from_slice(b"\r\n");
        for (name, value) in headers {
            for part in [*name, ": ", *value, "\r\n"] {
                r.extend_from_slice(part.as_bytes());
            }
        }
        if with_length {
            r.extend_from_slice(b"Content-Length: ");
            r.extend_from_slice(body.len().to_string().as_bytes());
            r.extend_from_slice(b"\r\n");
        }
        r.extend_from_slice(b"\r\n");
        r.extend_from_slice(body);
        r
    }

    /// One exchange before `deadline`, on a pooled connection or a new one.
    pub fn exchange(
        &self,
        request: &[u8],
        deadline: Instant,
        max_body: u64,
    ) -> Result<Answer, WireError> {
        let mut conn = match self.take_idle() {
            Some(conn) => conn,
            None => self.connect(deadline)?,
        };
        let (answer, reusable) = conn.exchange(request, deadline, max_body)?;
        if reusable {
            self.put_idle(conn);
        }
        Ok(answer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Conn>> {
        // Every update is one push or pop: a poisoned pool is still consistent.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The most recently used idle connection that is still usable; the others found on the way
    /// are closed (outside the lock).
    fn take_idle(&self) -> Option<Conn> {
        loop {
            let mut conn = self.lock().pop()?;
            if conn.last_used.elapsed() <= agents::MAX_IDLE && conn.is_reusable() {
                return Some(conn);
            }
        }
    }

    fn put_idle(&self, conn: Conn) {
        let mut idle = self.lock();
        idle.push(conn);
        let expired = idle
            .iter()
            .take_while(|c| c.last_used.elapsed() > agents::MAX_IDLE)
            .count();
        let surplus = idle.len().saturating_sub(POOL_IDLE_PER_HOST);
        let closed: Vec<Conn> = idle.drain(..expired.max(surplus)).collect();
        drop(idle);
        drop(closed);
    }

    fn connect(&self, deadline: Instant) -> Result<Conn, WireError> {
        let left = deadline.saturating_duration_since(Instant::now());
        let addrs = self
            .resolver
            .lookup(self.https, &self.host, self.port, left)
            .map_err(|e| WireError::Connect(std::io::Error::other(e)))?;
        let tcp = self.connect_any(&addrs, deadline)?;
        tcp.set_nodelay(true).map_err(WireError::Connect)?;
        match &self.tls {
            None => Ok(Conn::plain(tcp)),
            Some((config, name)) => Conn::tls(tcp, config.clone(), name.clone(), deadline),
        }
    }

    /// The first address that accepts, each tried within the connect timeout and the deadline.
    fn connect_any(&self, addrs: &[SocketAddr], deadline: Instant) -> Result<TcpStream, WireError> {
        let mut last = None;
        for addr in addrs {
            let left = deadline.saturating_duration_since(Instant::now());
            let bound = self.connect_timeout.min(left);
            if bound.is_zero() {
                return Err(WireError::Timeout);
            }
            match TcpStream::connect_timeout(addr, bound) {
                Ok(tcp) => return Ok(tcp),
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) if super::wire::is_timeout(&e) => WireError::Timeout,
            Some(e) => WireError::Connect(e),
            None => WireError::Connect(std::io::Error::other("the host has no address")),
        })
    }
}

#[cfg(test)]
impl NativeAgent {
    /// The same agent trusting other roots (the tests' self-signed certificate).
    fn with_tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        if let Some((_, name)) = self.tls.take() {
            self.tls = Some((config, name));
        }
        self
    }

    /// How many idle connections the pool holds.
    fn idle_count(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
#[path = "native_tests.rs"]
mod tests;
