//! The process-wide agent cache: one HTTP agent per (base URL, credentials, agent settings) per
//! process, shared by every [`Client`](super::Client) built with the same ones.
//!
//! Why: PHP builds a new `Client` (a new native handle) per web request, while the library stays
//! loaded in the PHP-FPM worker between requests. With an agent per handle every receipt paid a
//! TCP (and TLS) handshake; with the agent kept here, consecutive requests of one worker reuse its
//! keep-alive connection.
//!
//! Rules:
//! - The key holds everything the agent is built from plus the credentials, compared exactly: a
//!   changed password, base URL or timeout gets another agent, never a connection of the old one.
//! - Fork safety: the cache remembers the pid that filled it. A lookup from another pid (a child
//!   after `fork()`, e.g. a PHP-FPM worker forked from a master that made a call) starts an empty
//!   cache and never touches the parent's agents. Their pooled sockets are left alone in the child
//!   (forgotten, not dropped): dropping could end a TLS session the parent still uses.
//!   A handle keeps only its key, never an agent, so a handle made before the fork is safe too.
//! - Bounds: an agent idle for longer than [`MAX_IDLE`] is dropped at the next lookup (closing
//!   its connections), and at most [`MAX_AGENTS`] agents are kept (the least recently used goes).
//!   Neither agent kind (`native.rs`, or ureq behind a proxy) reuses a connection idle for longer
//!   than [`MAX_IDLE`].
//! - Dropping a handle does nothing here (`mk_client_free` stays cheap): its agent stays for the
//!   next handle with the same key.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::config::BaseUrl;
use super::http::{Agent, Credentials};

/// An idle connection, and an agent no handle used, are dropped after this long.
pub const MAX_IDLE: Duration = Duration::from_secs(15);
/// The most agents kept per process (distinct base URL / credentials / settings in use at once).
pub const MAX_AGENTS: usize = 16;

/// What identifies an agent. No `Debug`: it holds the password.
#[derive(Clone)]
pub struct AgentKey {
    pub base: BaseUrl,
    pub credentials: Option<Credentials>,
    pub connect_timeout_ms: u64,
    pub timeout_ms: u64,
}

impl AgentKey {
    fn same_as(&self, other: &AgentKey) -> bool {
        self.base.as_str() == other.base.as_str()
            && self.connect_timeout_ms == other.connect_timeout_ms
            && self.timeout_ms == other.timeout_ms
            && match (&self.credentials, &other.credentials) {
                (None, None) => true,
                (Some(a), Some(b)) => a.same_as(b),
                _ => false,
            }
    }
}

struct Entry {
    key: AgentKey,
    agent: Arc<Agent>,
    last_used: Instant,
}

struct Cache {
    pid: u32,
    entries: Vec<Entry>,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    pid: 0,
    entries: Vec::new(),
});

fn lock() -> MutexGuard<'static, Cache> {
    // A panic while the lock was held cannot leave the cache inconsistent (every update is one
    // push, remove or field write), so a poisoned lock is still usable.
    CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The agent for `key`: the cached one of this process, or a new one made by `build` and kept.
pub fn shared(key: &AgentKey, build: impl FnOnce(&AgentKey) -> Agent) -> Arc<Agent> {
    let now = Instant::now();
    let pid = std::process::id();
    let mut cache = lock();
    if cache.pid != pid {
        // First use, or a child after fork(): never use (nor close) what the parent opened.
        std::mem::forget(std::mem::take(&mut cache.entries));
        cache.pid = pid;
    }
    cache
        .entries
        .retain(|e| now.saturating_duration_since(e.last_used) <= MAX_IDLE);
    if let Some(entry) = cache.entries.iter_mut().find(|e| e.key.same_as(key)) {
        entry.last_used = now;
        return entry.agent.clone();
    }
    if cache.entries.len() >= MAX_AGENTS {
        let oldest = (0..cache.entries.len())
            .min_by_key(|&i| cache.entries[i].last_used)
            .expect("the cache is full, so not empty");
        cache.entries.swap_remove(oldest);
    }
    let agent = Arc::new(build(key));
    cache.entries.push(Entry {
        key: key.clone(),
        agent: agent.clone(),
        last_used: now,
    });
    agent
}

/// How many agents this process keeps now.
#[cfg(test)]
fn count() -> usize {
    let cache = lock();
    if cache.pid == std::process::id() {
        cache.entries.len()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::config::{Config, Secret};

    fn key(base: &str, password: Option<&str>, timeout_ms: u64) -> AgentKey {
        let config = Config {
            base_url: Some(base.to_owned()),
            ..Config::default()
        };
        AgentKey {
            base: config.resolved_base_url().unwrap(),
            credentials: password.map(|p| Credentials::new("user", Secret::new(p))),
            connect_timeout_ms: 1000,
            timeout_ms,
        }
    }

    fn build(_: &AgentKey) -> Agent {
        Agent::Proxied(ureq::Agent::new_with_defaults())
    }

    // One test, so no other test of this module races on the process-wide cache.
    #[test]
    fn one_agent_per_key_and_another_for_any_change() {
        let a = key("http://127.0.0.1:1/api/fn", Some("p1"), 5000);
        let first = shared(&a, build);
        assert!(Arc::ptr_eq(&first, &shared(&a.clone(), build)));
        for other in [
            key("http://127.0.0.1:1/api/fn", Some("p2"), 5000),
            key("http://127.0.0.1:2/api/fn", Some("p1"), 5000),
            key("http://127.0.0.1:1/api/fn", None, 5000),
            key("http://127.0.0.1:1/api/fn", Some("p1"), 6000),
        ] {
            assert!(!Arc::ptr_eq(&first, &shared(&other, build)));
        }
        // Bounded: many keys never keep more than MAX_AGENTS agents.
        for i in 0..(MAX_AGENTS as u64 * 2) {
            shared(
                &key("http://127.0.0.1:3/api/fn", Some("p"), 1000 + i),
                build,
            );
        }
        assert!(count() <= MAX_AGENTS);
    }
}
