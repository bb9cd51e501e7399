//! Requests through a proxy from the environment (`ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY`, with
//! `NO_PROXY`): these go through a `ureq` agent, exactly as every request did before the native
//! client (`native.rs`). ureq speaks HTTP CONNECT and SOCKS to the proxy and applies `NO_PROXY`;
//! a host behind a proxy pays a network round trip far larger than ureq's own CPU, so the native
//! client does not reimplement proxying. TLS: ureq's rustls defaults (webpki roots, verification
//! on), never relaxed here.

use std::time::Duration;

use ureq::unversioned::transport::DefaultConnector;

use super::agents::{self, AgentKey};
use super::http::{What, MAX_RESPONSE_BYTES, POOL_IDLE_PER_HOST, USER_AGENT};
use super::resolver::CachingResolver;
use super::wire::{is_timeout, Answer};
use crate::error::Error;

/// Whether requests of `key` go through a proxy from the environment (never for loopback).
pub fn wanted(key: &AgentKey) -> bool {
    !key.base.is_loopback() && ureq::Proxy::try_from_env().is_some()
}

/// A ureq agent for `key`: everything it is built from is in the key.
pub fn build_agent(key: &AgentKey) -> ureq::Agent {
    let mut builder = ureq::Agent::config_builder()
        // Read 4xx/5xx bodies ourselves: the service's message lives there.
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_millis(key.connect_timeout_ms)))
        .timeout_global(Some(Duration::from_millis(key.timeout_ms)))
        .max_idle_age(agents::MAX_IDLE)
        .max_idle_connections(POOL_IDLE_PER_HOST)
        .max_idle_connections_per_host(POOL_IDLE_PER_HOST)
        // An API answers; it does not redirect. A redirect would also drop the auth header.
        .max_redirects(0)
        .user_agent(USER_AGENT)
        .accept("application/json");
    if key.base.is_loopback() {
        // A proxy from the environment must never see loopback traffic.
        builder = builder.proxy(None);
    }
    ureq::Agent::with_parts(
        builder.build(),
        DefaultConnector::default(),
        CachingResolver::default(),
    )
}

/// One exchange through `agent`, bounded by `timeout`. `stale` is set when the connection
/// closed before any answer.
#[allow(clippy::too_many_arguments)]
pub fn call(
    agent: &ureq::Agent,
    key: &AgentKey,
    url: &str,
    what: What,
    authorization: &str,
    json_body: Option<&[u8]>,
    timeout: Duration,
    stale: &mut bool,
) -> Result<Answer, Error> {
    use super::http::Method;
    let result = match what.0 {
        Method::Get => agent
            .get(url)
            .config()
            .timeout_global(Some(timeout))
            .build()
            .header("Authorization", authorization)
            .call(),
        Method::Delete => agent
            .delete(url)
            .config()
            .timeout_global(Some(timeout))
            .build()
            .header("Authorization", authorization)
            .call(),
        Method::Post | Method::Put => {
            let request = if what.0 == Method::Post {
                agent.post(url)
            } else {
                agent.put(url)
            };
            let request = request
                .config()
                .timeout_global(Some(timeout))
                .build()
                .header("Authorization", authorization);
            match json_body {
                Some(body) => request
                    .header("Content-Type", "application/json; charset=utf-8")
                    .send(body),
                None => request.send_empty(),
            }
        }
    };
    let mut response = result.map_err(|e| {
        *stale = closed_before_answer(&e);
        map_transport_error(key, what, e, timeout)
    })?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = if (200..300).contains(&status) {
        read_body(&mut response, what, status)?
    } else {
        // An error status stands on its own; a broken body only loses the service's message.
        read_body(&mut response, what, status).unwrap_or_default()
    };
    Ok(Answer {
        status,
        retry_after,
        body,
    })
}

fn map_transport_error(key: &AgentKey, what: What, e: ureq::Error, timeout: Duration) -> Error {
    let bound = super::http::bound_text(key, timeout);
    match e {
        ureq::Error::Timeout(kind) => {
            Error::Timeout(format!("{what}: no answer in time ({kind:?}; {bound})"))
        }
        ureq::Error::Io(io) if is_timeout(&io) => {
            Error::Timeout(format!("{what}: no answer in time ({bound})"))
        }
        ureq::Error::BodyExceedsLimit(limit) => Error::MalformedResponse {
            http_status: None,
            detail: format!("{what}: the answer is larger than {limit} bytes"),
        },
        other => Error::Transport(format!("{what}: {other}")),
    }
}

/// Whether the connection closed before any answer: what a kept-alive connection the server
/// closed just as it was reused looks like. A refused connection, a TLS failure or a broken
/// answer is not that.
fn closed_before_answer(e: &ureq::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    matches!(e, ureq::Error::Io(io) if matches!(io.kind(), UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe))
}

fn read_body(
    response: &mut ureq::http::Response<ureq::Body>,
    what: What,
    status: u16,
) -> Result<Vec<u8>, Error> {
    response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Error::MalformedResponse {
                http_status: Some(status),
                detail: format!("{what}: the answer is larger than {MAX_RESPONSE_BYTES} bytes"),
            },
            ureq::Error::Timeout(_) => {
                Error::Timeout(format!("{what}: the answer's body did not arrive in time"))
            }
            ureq::Error::Io(io) if is_timeout(&io) => {
                Error::Timeout(format!("{what}: the answer's body did not arrive in time"))
            }
            other => Error::Transport(format!(
                "{what}: the connection broke while reading the answer (HTTP {status}): {other}"
            )),
        })
}
