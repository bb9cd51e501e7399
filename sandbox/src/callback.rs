//! The `responseURL` callback: after a document prints, a background worker sends
//! `GET <responseURL>[?&]status=SUCCESS&qr=<urlencoded qr>`. HTTP 200 completes the document;
//! anything else is retried every `callback_retry_ms`, at most `callback_max_attempts` times, and
//! the document stays WAIT_FOR_CALLBACK. Only `http://` targets on loopback, or on a host the
//! operator allowed (`--callback-allow`, for a shop in another container), are ever contacted:
//! the sandbox never sends traffic anywhere a document alone asks it to.

use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::app::App;
use crate::document::{Outcome, Status};
use crate::http::percent_encode;
use crate::http_client::Connection;
use crate::state::DocumentKey;

#[derive(Debug, Clone)]
struct Job {
    due: Instant,
    key: DocumentKey,
    generation: u32,
}

#[derive(Debug, Default)]
pub struct CallbackQueue {
    jobs: Mutex<Vec<Job>>,
    wake: Condvar,
    /// The socket of the callback being sent, so that `interrupt` can cut it short.
    in_flight: Mutex<Option<TcpStream>>,
}

impl CallbackQueue {
    pub fn push(&self, due: Instant, key: DocumentKey, generation: u32) {
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Job {
                due,
                key,
                generation,
            });
        self.wake.notify_all();
    }

    pub fn clear(&self) {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// For shutdown, once the stop flag is set: wakes the worker to look at it again and cuts
    /// short the callback it may be sending. The jobs lock is taken first: a worker that has just
    /// seen "not stopped" is then already waiting, so the notification cannot fall between its
    /// check and its wait (and leave it asleep for up to an hour).
    pub fn interrupt(&self) {
        drop(self.jobs.lock().unwrap_or_else(|p| p.into_inner()));
        self.wake.notify_all();
        if let Some(stream) = self.lock_in_flight().as_ref() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn lock_in_flight(&self) -> std::sync::MutexGuard<'_, Option<TcpStream>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for the earliest due job; None once `stop()` says so.
    fn next_due(&self, stop: impl Fn() -> bool) -> Option<Job> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if stop() {
                return None;
            }
            let now = Instant::now();
            let earliest = jobs
                .iter()
                .enumerate()
                .min_by_key(|(_, j)| j.due)
                .map(|(i, j)| (i, j.due));
            let wait = match earliest {
                Some((i, due)) if due <= now => return Some(jobs.swap_remove(i)),
                Some((_, due)) => due - now,
                None => Duration::from_secs(3600),
            };
            jobs = self
                .wake
                .wait_timeout(jobs, wait)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// The URL the callback is sent to: the shop's URL with `status` and `qr` appended to its query.
pub fn callback_url(response_url: &str, qr: &str) -> String {
    // A fragment is never sent to a server.
    let base = response_url.split('#').next().unwrap_or(response_url);
    let separator = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{base}{separator}status=SUCCESS&qr={}", percent_encode(qr))
}

/// Splits `http://host[:port]/path?query` into a loopback socket address and the request target;
/// every other host is refused (no allow-list).
pub fn loopback_target(url: &str) -> Result<(SocketAddr, String), String> {
    callback_target(url, &[], &[])
}

/// Splits `http://host[:port]/path?query` into the socket address to call and the request target.
/// Called without asking: a loopback address and `localhost`. Any other host name, and any
/// non-loopback address, only when it is in `allow`. An allowed name is looked up in `resolve`
/// first, then by the system resolver; a name that is not allowed is never looked up.
pub fn callback_target(
    url: &str,
    allow: &[String],
    resolve: &[(String, IpAddr)],
) -> Result<(SocketAddr, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("refused: only http:// callback URLs are called by the sandbox")?;
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], rest[i..].to_string()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_string()),
    };
    if authority.contains('@') {
        return Err("refused: user info in callback URL".into());
    }
    let (host, port) = split_host_port(authority)?;
    let allowed = allow.iter().any(|a| a.eq_ignore_ascii_case(host));
    let refused = || {
        format!("refused: callback host {host} is not a loopback address (allow it with --callback-allow)")
    };
    let fixed = resolve
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(host))
        .map(|(_, ip)| *ip);
    let literal = host.parse::<IpAddr>().ok();
    if literal.is_none() && !allowed && !host.eq_ignore_ascii_case("localhost") {
        // A document alone never makes the sandbox look a name up or call it.
        return Err(refused());
    }
    let candidates: Vec<SocketAddr> = match fixed.or(literal) {
        Some(ip) => vec![SocketAddr::new(ip, port)],
        None => (host, port)
            .to_socket_addrs()
            .map_err(|e| format!("bad callback address: {e}"))?
            .collect(),
    };
    candidates
        .into_iter()
        .find(|a| allowed || a.ip().is_loopback())
        .map(|addr| (addr, target))
        .ok_or_else(refused)
}

/// `host[:port]` or `[v6][:port]` → (host without brackets, port; 80 when absent).
fn split_host_port(authority: &str) -> Result<(&str, u16), String> {
    let bad = || format!("bad callback address: {authority}");
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':').ok_or_else(bad)?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => 80,
        Some(p) => p.parse().map_err(|_| bad())?,
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host, port))
}

/// Sends one callback; Ok(()) when the shop answered HTTP 200. While it waits for the answer its
/// socket is in `queue.in_flight`, where `interrupt` (shutdown) finds it; `stop` is checked under
/// the same lock, so a shutdown cannot slip between the two.
fn send_callback(app: &App, url: &str, stop: impl Fn() -> bool) -> Result<(), String> {
    let queue = &app.callbacks;
    let (addr, target) = callback_target(
        url,
        &app.config.callback_allow,
        &app.config.callback_resolve,
    )?;
    let failed = |e: std::io::Error| format!("callback failed: {e}");
    let mut connection =
        Connection::connect_timeout(addr, Duration::from_secs(2), Duration::from_secs(5))
            .map_err(failed)?;
    {
        let mut in_flight = queue.lock_in_flight();
        if stop() {
            return Err("callback not sent: the sandbox is stopping".into());
        }
        *in_flight = Some(connection.try_clone_stream().map_err(failed)?);
    }
    let answer = connection.request(
        "GET",
        &target,
        &[("Connection", "close"), ("User-Agent", "modulpos-sandbox")],
        b"",
    );
    *queue.lock_in_flight() = None;
    let response = answer.map_err(failed)?;
    if response.status == 200 {
        Ok(())
    } else {
        Err(format!("callback answered HTTP {}", response.status))
    }
}

/// The worker loop; returns when the app shuts down.
pub fn run_worker(app: Arc<App>) {
    let stop = || app.shutdown.load(Ordering::Relaxed);
    while let Some(job) = app.callbacks.next_due(stop) {
        // Read what to send, without holding the lock during the HTTP call.
        let url = {
            let state = app.lock();
            let Some(document) = state.documents.get(&job.key) else {
                continue;
            };
            let (Some(response_url), Outcome::Print(fiscal)) =
                (&document.response_url, &document.run.outcome)
            else {
                continue;
            };
            // Not (yet) printed: a document waiting for the register gets a new job when it is back.
            // The attempt bound is kept here, where attempts are made: 0 means none at all.
            if document.run.generation != job.generation
                || document.callback.completed_at.is_some()
                || document.callback.attempts >= app.config.callback_max_attempts
                || document.status_at(Instant::now(), app.timing()) != Status::WaitForCallback
            {
                continue;
            }
            callback_url(response_url, &document.qr(fiscal, app.timing()))
        };
        let result = send_callback(&app, &url, stop);
        let mut state = app.lock();
        let Some(document) = state.documents.get_mut(&job.key) else {
            continue;
        };
        if document.run.generation != job.generation {
            continue;
        }
        document.callback.attempts += 1;
        let attempts = document.callback.attempts;
        match result {
            Ok(()) => {
                document.callback.completed_at = Some(SystemTime::now());
                document.callback.last_error = None;
            }
            Err(error) => {
                document.callback.last_error = Some(error);
                if attempts < app.config.callback_max_attempts {
                    let due = Instant::now() + Duration::from_millis(app.config.callback_retry_ms);
                    app.callbacks.push(due, job.key.clone(), job.generation);
                }
            }
        }
        if let Some(counter) = state.counters.get_mut(&job.key.1) {
            counter.callback_attempts += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_status_and_qr_to_the_query() {
        let qr = "t=20190904T0714&s=200.00&fn=1&i=2&fp=3&n=1";
        let enc = "t%3D20190904T0714%26s%3D200.00%26fn%3D1%26i%3D2%26fp%3D3%26n%3D1";
        assert_eq!(
            callback_url("http://127.0.0.1:8/cb", qr),
            format!("http://127.0.0.1:8/cb?status=SUCCESS&qr={enc}")
        );
        assert_eq!(
            callback_url("http://h/cb?order=5", qr),
            format!("http://h/cb?order=5&status=SUCCESS&qr={enc}")
        );
        assert_eq!(
            callback_url("http://h/cb?", qr),
            format!("http://h/cb?status=SUCCESS&qr={enc}")
        );
        assert_eq!(
            callback_url("http://h/cb?a=1#frag", qr),
            format!("http://h/cb?a=1&status=SUCCESS&qr={enc}")
        );
    }

    #[test]
    fn calls_only_loopback_http_targets() {
        let (addr, target) = loopback_target("http://127.0.0.1:8080/cb?x=1").unwrap();
        assert_eq!(
            (addr.to_string().as_str(), target.as_str()),
            ("127.0.0.1:8080", "/cb?x=1")
        );
        let (addr, target) = loopback_target("http://[::1]:81?x=1").unwrap();
        assert_eq!(
            (addr.to_string().as_str(), target.as_str()),
            ("[::1]:81", "/?x=1")
        );
        assert_eq!(loopback_target("http://127.0.0.2").unwrap().0.port(), 80);
        assert!(loopback_target("http://localhost:9/").is_ok());
        for refused in [
            "https://127.0.0.1/cb",
            "http://10.0.0.1/cb",
            "http://example.com/cb",
            "http://user@127.0.0.1/cb",
            "http://8.8.8.8:80/",
        ] {
            assert!(
                loopback_target(refused).unwrap_err().starts_with("refused"),
                "{refused}"
            );
        }
    }

    #[test]
    fn calls_allowed_hosts_and_resolves_fixed_names() {
        let shop: IpAddr = "127.0.0.2".parse().unwrap();
        let allow = vec!["Shop.Test".to_string()];
        let resolve = vec![("shop.test".to_string(), shop)];
        let (addr, target) = callback_target("http://shop.test:8081/cb", &allow, &resolve).unwrap();
        assert_eq!(
            (addr.to_string().as_str(), target.as_str()),
            ("127.0.0.2:8081", "/cb")
        );
        // A name is called only when allowed, even when its fixed address is loopback.
        assert!(callback_target("http://shop.test/", &[], &resolve)
            .unwrap_err()
            .starts_with("refused"));
        // A non-loopback address needs the allow-list; it is never contacted here, only checked.
        let far = vec![("far.test".to_string(), "10.1.2.3".parse().unwrap())];
        assert!(callback_target("http://far.test/", &[], &far)
            .unwrap_err()
            .starts_with("refused"));
        let allow_far = vec!["far.test".to_string()];
        assert_eq!(
            callback_target("http://far.test/", &allow_far, &far)
                .unwrap()
                .0
                .to_string(),
            "10.1.2.3:80"
        );
        // A name neither allowed nor fixed is refused before any lookup.
        assert!(callback_target("http://other.test/", &allow, &resolve)
            .unwrap_err()
            .starts_with("refused"));
        assert!(callback_target("http://[::1/", &[], &[]).is_err());
        assert!(callback_target("http://:80/", &[], &[]).is_err());
    }
}
