//! The TCP side: an acceptor thread, one thread per connection (bounded), keep-alive, timeouts,
//! and a clean shutdown that closes every connection and joins every thread.

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::app::{spring_error, App, Reply};
use crate::http::{read_request, ReadError, Response};

const WRITE_TIMEOUT: Duration = Duration::from_secs(15);
/// Connections served at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 256;

#[derive(Default)]
struct Connections {
    next_id: u64,
    /// Clones of the live streams, to shut them down on stop.
    streams: HashMap<u64, TcpStream>,
    threads: Vec<JoinHandle<()>>,
}

impl Connections {
    fn reap_finished(&mut self) {
        let (done, running): (Vec<_>, Vec<_>) =
            self.threads.drain(..).partition(|t| t.is_finished());
        self.threads = running;
        for thread in done {
            let _ = thread.join();
        }
    }
}

/// A connection's place in the registry, given up when its thread ends, by a panic too: a
/// request that panics must not keep one of the `MAX_CONNECTIONS` places for good.
struct Registered {
    connections: Arc<Mutex<Connections>>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&self.connections).streams.remove(&self.id);
    }
}

pub struct Server {
    app: Arc<App>,
    addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
    callback_worker: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Connections>>,
}

fn lock(connections: &Mutex<Connections>) -> std::sync::MutexGuard<'_, Connections> {
    connections.lock().unwrap_or_else(|p| p.into_inner())
}

impl Server {
    pub fn start(listener: TcpListener, app: Arc<App>) -> std::io::Result<Server> {
        let addr = listener.local_addr()?;
        let connections = Arc::new(Mutex::new(Connections::default()));
        let callback_worker = {
            let app = app.clone();
            std::thread::Builder::new()
                .name("sandbox-callbacks".into())
                .spawn(move || crate::callback::run_worker(app))?
        };
        let acceptor = {
            let (app, connections) = (app.clone(), connections.clone());
            std::thread::Builder::new()
                .name("sandbox-accept".into())
                .spawn(move || accept_loop(listener, app, connections))?
        };
        Ok(Server {
            app,
            addr,
            acceptor: Some(acceptor),
            callback_worker: Some(callback_worker),
            connections,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Stops accepting, closes every connection, joins every thread. Idempotent.
    pub fn stop(&mut self) {
        if self.app.shutdown.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the acceptor with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                [127, 0, 0, 1].into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let threads = {
            let mut connections = lock(&self.connections);
            for stream in connections.streams.values() {
                let _ = stream.shutdown(Shutdown::Both);
            }
            std::mem::take(&mut connections.threads)
        };
        for thread in threads {
            let _ = thread.join();
        }
        self.app.callbacks.interrupt();
        if let Some(worker) = self.callback_worker.take() {
            let _ = worker.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(listener: TcpListener, app: Arc<App>, connections: Arc<Mutex<Connections>>) {
    for stream in listener.incoming() {
        if app.shutdown.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors and the like: back off instead of spinning.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        app.lock().connections += 1;
        let mut registry = lock(&connections);
        registry.reap_finished();
        if registry.streams.len() >= MAX_CONNECTIONS {
            drop(registry);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = spring_error(503, "too many connections", "").write_to(&mut &stream, false);
            continue;
        }
        let Ok(clone) = stream.try_clone() else {
            continue;
        };
        let id = registry.next_id;
        registry.next_id += 1;
        registry.streams.insert(id, clone);
        let (app, connections_for_thread) = (app.clone(), connections.clone());
        let spawned = std::thread::Builder::new()
            .name("sandbox-conn".into())
            .spawn(move || {
                // Made in the thread: if the spawn fails, dropping the closure must not take the
                // registry lock this loop is holding.
                let _registered = Registered {
                    connections: connections_for_thread,
                    id,
                };
                serve_connection(stream, &app);
            });
        match spawned {
            Ok(handle) => registry.threads.push(handle),
            Err(_) => {
                registry.streams.remove(&id);
            }
        }
    }
}

fn serve_connection(stream: TcpStream, app: &App) {
    // Zero would mean "no timeout" to std; keep at least a millisecond.
    let idle_timeout = Duration::from_millis(app.config.idle_timeout_ms.max(1));
    let read_timeout = Duration::from_millis(app.config.read_timeout_ms.max(1));
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut reader = BufReader::new(&stream);
    let mut writer = &stream;
    loop {
        if app.shutdown.load(Ordering::Relaxed)
            || stream.set_read_timeout(Some(idle_timeout)).is_err()
        {
            break;
        }
        let on_first_byte = || {
            let _ = stream.set_read_timeout(Some(read_timeout));
            Instant::now() + read_timeout * 3
        };
        let request = match read_request(&mut reader, &mut writer, on_first_byte) {
            Ok(request) => request,
            Err(ReadError::Closed | ReadError::Aborted) => break,
            Err(ReadError::Reject(status, reason)) => {
                let _ = spring_error(status, &reason, "").write_to(&mut writer, false);
                break;
            }
        };
        let keep_alive = request.keep_alive;
        let started = Instant::now();
        let reply = app.handle(&request);
        if app.config.log_requests {
            log_request(&request, &reply, started.elapsed());
        }
        match reply {
            Reply::Respond(response) => {
                let keep_alive = keep_alive && !app.shutdown.load(Ordering::Relaxed);
                if response.write_to(&mut writer, keep_alive).is_err() || !keep_alive {
                    break;
                }
            }
            Reply::Drop => break,
            Reply::Truncate(response) => {
                write_truncated(&mut writer, &response);
                break;
            }
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// One line on stderr: time, method, path (never the query, headers or body), outcome.
fn log_request(request: &crate::http::Request, reply: &Reply, took: Duration) {
    let outcome = match reply {
        Reply::Respond(response) => response.status.to_string(),
        Reply::Drop => "dropped".to_string(),
        Reply::Truncate(response) => format!("{} truncated", response.status),
    };
    eprintln!(
        "{} {} {} -> {} ({:.1} ms)",
        crate::clock::now().rfc3339_millis(),
        request.method,
        request.path,
        outcome,
        took.as_secs_f64() * 1000.0
    );
}

/// Head with the full Content-Length, then half of the body, then the connection is closed.
fn write_truncated(writer: &mut &TcpStream, response: &Response) {
    let mut bytes = response.head_bytes(false);
    bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
    let _ = writer.write_all(&bytes);
    let _ = writer.flush();
}
