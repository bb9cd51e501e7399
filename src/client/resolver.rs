//! Name resolution for the HTTP agent.
//!
//! ureq resolves the host before every request, even one that then reuses a kept-alive
//! connection, and with a timeout set its default resolver does each lookup on a new thread. So
//! every call paid a thread spawn and a `getaddrinfo`. This resolver:
//! - answers an IP-literal host (`127.0.0.1`, `[::1]`) at once, with no lookup and no thread;
//! - remembers a name's addresses for [`TTL`], so a busy client looks its host up at most twice a
//!   minute; the lookup itself is still ureq's, bounded by the request's timeout.
//!
//! The native client (`native.rs`) asks it through [`CachingResolver::lookup`], only when it opens
//! a connection.
//!
//! Failed lookups are not remembered. Addresses are only used to open new connections, so a
//! cached entry never pins an open connection to an old address.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a looked-up name's addresses are reused.
pub const TTL: Duration = Duration::from_secs(30);

/// At most this many names are remembered (a client talks to one host; this only bounds misuse).
const MAX_ENTRIES: usize = 16;

#[derive(Debug, Default)]
pub struct CachingResolver {
    lookup: DefaultResolver,
    cache: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            // Not a full URL: let ureq's resolver report it.
            return self.lookup.resolve(uri, config, timeout);
        };
        let port = authority
            .port_u16()
            .unwrap_or(if scheme.as_str() == "https" { 443 } else { 80 });
        let host = authority.host();
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }

        let key = format!("{scheme}://{host}:{port}");
        if let Some(addrs) = self.cached(&key) {
            return Ok(addrs);
        }
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

impl CachingResolver {
    /// The addresses of `host` (IPv6 without brackets) at `port`, for the native client: the same
    /// answers (literal, cached or looked up) as for ureq, the lookup bounded by `timeout`.
    pub fn lookup(
        &self,
        https: bool,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let scheme = if https { "https" } else { "http" };
        let uri: Uri = if host.contains(':') {
            format!("{scheme}://[{host}]:{port}/")
        } else {
            format!("{scheme}://{host}:{port}/")
        }
        .parse()
        .map_err(|_| ureq::Error::BadUri(host.to_owned()))?;
        let timeout = NextTimeout {
            after: timeout.into(),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        let config = Config::default();
        Ok(self
            .resolve(&uri, &config, timeout)?
            .iter()
            .copied()
            .collect())
    }

    fn cached(&self, key: &str) -> Option<ResolvedSocketAddrs> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(key)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, addrs)| addrs.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::time::Duration as UreqDuration;

    fn resolve(resolver: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().unwrap();
        let config = Config::default();
        let timeout = NextTimeout {
            after: UreqDuration::from_secs(5),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        resolver
            .resolve(&uri, &config, timeout)
            .unwrap()
            .iter()
            .copied()
            .collect()
    }

    #[test]
    fn ip_literals_need_no_lookup_and_no_cache_entry() {
        let r = CachingResolver::default();
        assert_eq!(
            resolve(&r, "http://127.0.0.1:8080/api/fn"),
            vec!["127.0.0.1:8080".parse().unwrap()]
        );
        assert_eq!(
            resolve(&r, "https://[::1]/x"),
            vec!["[::1]:443".parse().unwrap()]
        );
        assert_eq!(
            resolve(&r, "http://10.1.2.3/x"),
            vec!["10.1.2.3:80".parse().unwrap()]
        );
        assert!(r.cache.lock().unwrap().is_empty());
    }

    #[test]
    fn names_are_looked_up_once_then_served_from_the_cache() {
        let r = CachingResolver::default();
        let first = resolve(&r, "http://localhost:9/x");
        assert!(first.iter().all(|a| a.ip().is_loopback() && a.port() == 9));
        assert_eq!(r.cache.lock().unwrap().len(), 1);
        // Replace the entry: a second resolve must answer from the cache, not look up again.
        let marker: SocketAddr = "192.0.2.1:9".parse().unwrap();
        let mut fake = r.empty();
        fake.push(marker);
        r.cache
            .lock()
            .unwrap()
            .insert("http://localhost:9".into(), (Instant::now(), fake.clone()));
        assert_eq!(resolve(&r, "http://localhost:9/y"), vec![marker]);
        // An expired entry is looked up again.
        r.cache.lock().unwrap().insert(
            "http://localhost:9".into(),
            (Instant::now() - TTL - Duration::from_secs(1), fake),
        );
        assert_eq!(resolve(&r, "http://localhost:9/z"), first);
    }
}
