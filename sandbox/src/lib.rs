//! modulpos-sandbox: a local emulator of the Modul.Kassa (МодульКасса) fiscalization API, for
//! tests, demos and benchmarks. See `sandbox/README.md` for the API it serves, the control
//! interface (`/sandbox/...`) and the behaviours it picked where the service is undocumented.
//!
//! ```no_run
//! let sandbox = modulpos_sandbox::Sandbox::start(modulpos_sandbox::SandboxConfig::default()).unwrap();
//! println!("API root: {}", sandbox.base_url()); // http://127.0.0.1:PORT/api/fn
//! ```

pub mod app;
pub mod callback;
pub mod clock;
pub mod codes;
pub mod control;
pub mod credentials;
pub mod decimal;
pub mod document;
pub mod faults;
pub mod formats;
pub mod http;
pub mod http_client;
pub mod json;
pub mod server;
pub mod state;
pub mod validation;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::Arc;

/// The sandbox's account, retail points and timing.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Account credentials accepted by `POST /v1/associate/{retailPointId}`.
    pub login: String,
    pub password: String,
    /// Retail points that can be associated; others get 404.
    pub retail_points: Vec<String>,
    /// Time a new (or re-queued) document spends QUEUED (REQUEUED) before PENDING.
    pub queue_ms: u64,
    /// Time a document spends PENDING before PRINTED (or FAILED).
    pub print_ms: u64,
    /// Pause between callback attempts that did not get HTTP 200.
    pub callback_retry_ms: u64,
    /// Callback attempts per printed document (then it stays WAIT_FOR_CALLBACK).
    pub callback_max_attempts: u32,
    /// `name` and `address` returned by associate.
    pub retail_point_name: String,
    pub retail_point_address: String,
    /// How long an idle keep-alive connection is kept open.
    pub idle_timeout_ms: u64,
    /// Once a request has started: the longest wait for more bytes of it, and (×3) for all of
    /// it, so a client that stalls or trickles cannot hold a connection thread forever.
    pub read_timeout_ms: u64,
    /// Print one line per request to stderr (method, path without query, status, time).
    /// Credentials and bodies are never printed.
    pub log_requests: bool,
    /// Callback hosts that may be contacted although they are not loopback (the shop's container
    /// name, say); loopback targets are always allowed, every other one is refused.
    pub callback_allow: Vec<String>,
    /// Fixed addresses for callback host names, consulted before the system resolver (like
    /// curl's `--resolve`): a name given here needs no DNS or /etc/hosts entry.
    pub callback_resolve: Vec<(String, IpAddr)>,
}

pub const DEFAULT_LOGIN: &str = "sandbox-login";
pub const DEFAULT_PASSWORD: &str = "sandbox-password";
pub const DEFAULT_RETAIL_POINT: &str = "11111111-2222-4333-8444-555555555555";

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            login: DEFAULT_LOGIN.into(),
            password: DEFAULT_PASSWORD.into(),
            retail_points: vec![DEFAULT_RETAIL_POINT.into()],
            queue_ms: 300,
            print_ms: 300,
            callback_retry_ms: 500,
            callback_max_attempts: 5,
            retail_point_name: "Sandbox shop".into(),
            retail_point_address: "Moscow, Sandbox street 1".into(),
            idle_timeout_ms: 30_000,
            read_timeout_ms: 5_000,
            log_requests: false,
            callback_allow: Vec::new(),
            callback_resolve: Vec::new(),
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("login", &self.login)
            .field("password", &"<redacted>")
            .field("retail_points", &self.retail_points)
            .field("queue_ms", &self.queue_ms)
            .field("print_ms", &self.print_ms)
            .field("callback_retry_ms", &self.callback_retry_ms)
            .field("callback_max_attempts", &self.callback_max_attempts)
            .field("retail_point_name", &self.retail_point_name)
            .field("retail_point_address", &self.retail_point_address)
            .field("idle_timeout_ms", &self.idle_timeout_ms)
            .field("read_timeout_ms", &self.read_timeout_ms)
            .field("log_requests", &self.log_requests)
            .field("callback_allow", &self.callback_allow)
            .field("callback_resolve", &self.callback_resolve)
            .finish()
    }
}

/// A running sandbox. It stops (closing connections and joining its threads) on `stop()` or drop.
pub struct Sandbox {
    server: server::Server,
}

impl Sandbox {
    /// Starts on a free port of 127.0.0.1.
    pub fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        Sandbox::start_on("127.0.0.1:0", config)
    }

    pub fn start_on(addr: &str, config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(addr)?;
        let app = Arc::new(app::App::new(config));
        Ok(Sandbox {
            server: server::Server::start(listener, app)?,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:PORT` — the root of the control interface (`/sandbox/...`), as a client
    /// on this machine reaches it. Bound to all interfaces (0.0.0.0 or `::`), which is no address a
    /// client can connect to, it names the loopback address of that family instead.
    pub fn root_url(&self) -> String {
        let mut addr = self.addr();
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        format!("http://{addr}")
    }

    /// Whether it listens on every interface (bound to 0.0.0.0 or `::`), so other machines and
    /// containers reach it by this host's name or address.
    pub fn listens_on_all_interfaces(&self) -> bool {
        self.addr().ip().is_unspecified()
    }

    /// `http://127.0.0.1:PORT/api/fn` — the API root to give a client as its base URL.
    pub fn base_url(&self) -> String {
        format!("{}/api/fn", self.root_url())
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.server.app().config
    }

    /// Stops the server: closes connections, joins threads. Also done on drop.
    pub fn stop(mut self) {
        self.server.stop();
    }
}
