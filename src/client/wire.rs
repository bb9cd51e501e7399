//! One HTTP/1.1 connection of the native client (`native.rs`): a TCP stream (with rustls over it
//! for https), the request written with one write, the answer read through one buffer and its head
//! parsed by `httparse`, bodies framed by `Content-Length`, chunked encoding or the end of the
//! connection, and capped.
//!
//! Why not ureq for this: on a keep-alive loopback POST ureq spent ~3× the CPU of a raw socket
//! (12 system calls a call: head and body in two writes, a blocking/non-blocking probe of the pooled
//! connection twice, three `setsockopt` a call). Here a reused connection costs one `recv` probe,
//! one write and the reads the answer needs; the socket timeout is set only when it must change.
//!
//! Nothing here formats a request header into an error: the `Authorization` value never leaves
//! the request buffer.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use rustls::{ClientConnection, StreamOwned};

/// How far past its deadline one blocking read or write may end. The socket timeout is left as it
/// is while it ends within this of the deadline, so consecutive calls with the same timeout set
/// it once, not per call (the kernel's own timer granularity is a few ms anyway).
const SLACK: Duration = Duration::from_millis(10);
/// The longest response head read.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// At most this many headers in an answer.
const MAX_HEADERS: usize = 64;
const READ_CHUNK: usize = 16 * 1024;

/// How an exchange failed. No variant holds request bytes.
#[derive(Debug)]
pub enum WireError {
    /// The connection ended or broke before any byte of an answer: what a kept-alive connection
    /// the server closed just as it was reused looks like (or a dropped request).
    ClosedBeforeAnswer(io::Error),
    /// The deadline passed (connecting, writing or reading).
    Timeout,
    /// No connection could be made (refused, unreachable, TLS handshake or certificate failure).
    Connect(io::Error),
    /// The connection broke in the middle of an answer.
    Broken(io::Error),
    /// The answer is not HTTP/1.x as framed by its headers.
    Protocol(String),
    /// The body is longer than the cap (status of the answer).
    TooLarge(u16),
}

impl WireError {
    pub fn from_io(e: io::Error, answered: bool) -> WireError {
        if is_timeout(&e) {
            WireError::Timeout
        } else if answered {
            WireError::Broken(e)
        } else {
            WireError::ClosedBeforeAnswer(e)
        }
    }
}

pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// One answer: status, `Retry-After` (raw value), body.
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, Sock>>),
}

/// The TCP stream under rustls. rustls writes with `write_vectored`, which std implements with
/// `writev`: on a connection the peer reset, that raises SIGPIPE, and a host process (PHP, C,
/// Python) that has not ignored SIGPIPE dies of it. std's `write` is `send(MSG_NOSIGNAL)`; this
/// keeps the default `write_vectored`, which goes through `write`.
struct Sock(TcpStream);

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock.0,
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A connection with its read buffer (bytes `start..end` of `buf` are read but not consumed).
pub struct Conn {
    stream: Stream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The read/write timeout set on the socket now.
    timeout: Option<Duration>,
    pub last_used: Instant,
}

impl Conn {
    pub fn plain(tcp: TcpStream) -> Conn {
        Conn::new(Stream::Plain(tcp))
    }

    /// A TLS connection over `tcp`, its handshake completed before `deadline` (certificate checks
    /// are rustls's, with the roots of the given config).
    pub fn tls(
        tcp: TcpStream,
        config: std::sync::Arc<rustls::ClientConfig>,
        name: rustls::pki_types::ServerName<'static>,
        deadline: Instant,
    ) -> Result<Conn, WireError> {
        let connection = ClientConnection::new(config, name)
            .map_err(|e| WireError::Connect(io::Error::new(io::ErrorKind::InvalidData, e)))?;
        let stream = StreamOwned::new(connection, Sock(tcp));
        let mut conn = Conn::new(Stream::Tls(Box::new(stream)));
        while let Stream::Tls(s) = &conn.stream {
            if !s.conn.is_handshaking() {
                break;
            }
            conn.arm(deadline).map_err(|_| WireError::Timeout)?;
            let Stream::Tls(s) = &mut conn.stream else {
                unreachable!()
            };
            s.conn
                .complete_io(&mut s.sock)
                .map_err(|e| match is_timeout(&e) {
                    true => WireError::Timeout,
                    false => WireError::Connect(e),
                })?;
        }
        Ok(conn)
    }

    fn new(stream: Stream) -> Conn {
        Conn {
            stream,
            buf: Vec::new(),
            start: 0,
            end: 0,
            timeout: None,
            last_used: Instant::now(),
        }
    }

    /// Whether this TLS connection's handshake resumed an earlier session (`None`: plain TCP).
    #[cfg(test)]
    pub fn resumed(&self) -> Option<bool> {
        match &self.stream {
            Stream::Plain(_) => None,
            Stream::Tls(s) => Some(s.conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed)),
        }
    }

    /// Bound the next blocking read or write by `deadline` (plus at most [`SLACK`]), changing the
    /// socket's timeout only when the one set would end before the deadline or too long after it.
    fn arm(&mut self, deadline: Instant) -> io::Result<()> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        if matches!(self.timeout, Some(t) if t >= left && t <= left + SLACK) {
            return Ok(());
        }
        let t = left + SLACK / 2;
        let tcp = self.stream.tcp();
        tcp.set_read_timeout(Some(t))?;
        tcp.set_write_timeout(Some(t))?;
        self.timeout = Some(t);
        Ok(())
    }

    /// Whether a pooled connection can still carry a request: nothing to read and not closed,
    /// checked with one non-blocking `recv(MSG_PEEK)`. Data waiting on a TLS connection may be
    /// session tickets or a close_notify; rustls reads it without blocking and decides.
    pub fn is_reusable(&mut self) -> bool {
        if self.start != self.end {
            return false;
        }
        let mut byte = [0u8; 1];
        let n = recv_nowait(self.stream.tcp(), &mut byte, libc::MSG_PEEK);
        match n {
            Err(e) => return e.kind() == io::ErrorKind::WouldBlock,
            Ok(0) => return false,
            Ok(_) => {}
        }
        match &mut self.stream {
            Stream::Plain(_) => false,
            Stream::Tls(s) => {
                let StreamOwned { conn, sock } = &mut **s;
                loop {
                    match conn.read_tls(&mut NoWait(&sock.0)) {
                        Ok(0) => return false,
                        Ok(_) => {}
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(_) => return false,
                    }
                    match conn.process_new_packets() {
                        Ok(state)
                            if state.plaintext_bytes_to_read() == 0 && !state.peer_has_closed() => {
                        }
                        _ => return false,
                    }
                }
                true
            }
        }
    }

    /// Send one request (`request`: head and body, one buffer, one write) and read its answer,
    /// before `deadline`. The body is capped at `max_body` bytes. Returns the answer and whether
    /// the connection may carry another request.
    pub fn exchange(
        &mut self,
        request: &[u8],
        deadline: Instant,
        max_body: u64,
    ) -> Result<(Answer, bool), WireError> {
        self.arm(deadline)
            .map_err(|e| WireError::from_io(e, false))?;
        self.stream
            .write_all(request)
            .and_then(|()| self.stream.flush())
            .map_err(|e| WireError::from_io(e, false))?;
        loop {
            let (head, consumed) = self.read_head(deadline)?;
            self.start += consumed;
            // An interim answer (100 Continue, 103 Early Hints) is followed by the real one.
            if (100..200).contains(&head.status) && head.status != 101 {
                continue;
            }
            let (body, reusable) = match self.read_body(&head, deadline, max_body) {
                Ok(read) => read,
                // An error status stands on its own; a broken body only loses its message.
                Err(_) if !(200..300).contains(&head.status) => (Vec::new(), false),
                Err(e) => return Err(e),
            };
            self.last_used = Instant::now();
            let answer = Answer {
                status: head.status,
                retry_after: head.retry_after,
                body,
            };
            return Ok((answer, reusable && head.keep_alive));
        }
    }

    /// Read more bytes into the buffer; 0 at the end of the stream.
    fn fill(&mut self, deadline: Instant) -> io::Result<usize> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.start > 0 && self.buf.len() - self.end < READ_CHUNK / 4 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < READ_CHUNK / 4 {
            self.buf.resize(self.end + READ_CHUNK, 0);
        }
        self.arm(deadline)?;
        loop {
            match self.stream.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn read_head(&mut self, deadline: Instant) -> Result<(Head, usize), WireError> {
        loop {
            if self.end > self.start {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut response = httparse::Response::new(&mut headers);
                match response.parse(&self.buf[self.start..self.end]) {
                    Ok(httparse::Status::Complete(n)) => return Ok((Head::of(&response)?, n)),
                    Ok(httparse::Status::Partial) => {}
                    Err(e) => {
                        return Err(WireError::Protocol(format!("the answer is not HTTP ({e})")))
                    }
                }
                if self.end - self.start > MAX_HEAD_BYTES {
                    return Err(WireError::Protocol(format!(
                        "the answer's head is longer than {MAX_HEAD_BYTES} bytes"
                    )));
                }
            }
            let answered = self.end > self.start;
            match self.fill(deadline) {
                Ok(0) => {
                    let e = io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the connection closed before a complete answer head",
                    );
                    return Err(WireError::from_io(e, answered));
                }
                Ok(_) => {}
                Err(e) => return Err(WireError::from_io(e, answered)),
            }
        }
    }

    fn read_body(
        &mut self,
        head: &Head,
        deadline: Instant,
        max_body: u64,
    ) -> Result<(Vec<u8>, bool), WireError> {
        if head.status == 204 || head.status == 304 {
            return Ok((Vec::new(), true));
        }
        if head.chunked {
            return self.read_chunked(head.status, deadline, max_body);
        }
        if let Some(length) = head.content_length {
            if length > max_body {
                return Err(WireError::TooLarge(head.status));
            }
            let mut body = Vec::with_capacity(length as usize);
            self.take_into(&mut body, length as usize, deadline)?;
            return Ok((body, true));
        }
        // Neither: the body runs to the end of the connection, which cannot be reused.
        let mut body = Vec::new();
        loop {
            let n = self.end - self.start;
            if (body.len() + n) as u64 > max_body {
                return Err(WireError::TooLarge(head.status));
            }
            body.extend_from_slice(&self.buf[self.start..self.end]);
            self.start = self.end;
            match self.fill(deadline) {
                Ok(0) => return Ok((body, false)),
                Ok(_) => {}
                Err(e) => return Err(WireError::from_io(e, true)),
            }
        }
    }

    /// Move exactly `n` more bytes of the stream onto `out`.
    fn take_into(
        &mut self,
        out: &mut Vec<u8>,
        n: usize,
        deadline: Instant,
    ) -> Result<(), WireError> {
        let mut left = n;
        loop {
            let here = (self.end - self.start).min(left);
            out.extend_from_slice(&self.buf[self.start..self.start + here]);
            self.start += here;
            left -= here;
            if left == 0 {
                return Ok(());
            }
            match self.fill(deadline) {
                Ok(0) => {
                    return Err(WireError::Broken(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the connection closed before the whole body arrived",
                    )))
                }
                Ok(_) => {}
                Err(e) => return Err(WireError::from_io(e, true)),
            }
        }
    }

    /// One CRLF-terminated line (without it), e.g. a chunk size line or a trailer.
    fn line(&mut self, deadline: Instant) -> Result<Vec<u8>, WireError> {
        loop {
            if let Some(i) = self.buf[self.start..self.end]
                .iter()
                .position(|&b| b == b'\n')
            {
                let line = self.buf[self.start..self.start + i].to_vec();
                self.start += i + 1;
                let line = line.strip_suffix(b"\r").map(<[u8]>::to_vec).unwrap_or(line);
                return Ok(line);
            }
            if self.end - self.start > 4096 {
                return Err(WireError::Protocol("a chunk line is too long".into()));
            }
            match self.fill(deadline) {
                Ok(0) => {
                    return Err(WireError::Broken(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the connection closed inside a chunked body",
                    )))
                }
                Ok(_) => {}
                Err(e) => return Err(WireError::from_io(e, true)),
            }
        }
    }

    fn read_chunked(
        &mut self,
        status: u16,
        deadline: Instant,
        max_body: u64,
    ) -> Result<(Vec<u8>, bool), WireError> {
        let mut body = Vec::new();
        loop {
            let line = self.line(deadline)?;
            let size = line.split(|&b| b == b';').next().unwrap_or_default();
            let size = std::str::from_utf8(size)
                .ok()
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= 16)
                .and_then(|s| u64::from_str_radix(s, 16).ok())
                .ok_or_else(|| WireError::Protocol("a chunk size is not hexadecimal".into()))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !self.line(deadline)?.is_empty() {}
                return Ok((body, true));
            }
            if body.len() as u64 + size > max_body {
                return Err(WireError::TooLarge(status));
            }
            self.take_into(&mut body, size as usize, deadline)?;
            if !self.line(deadline)?.is_empty() {
                return Err(WireError::Protocol("a chunk does not end with CRLF".into()));
            }
        }
    }
}

/// What the client needs of an answer's head.
struct Head {
    status: u16,
    retry_after: Option<String>,
    content_length: Option<u64>,
    chunked: bool,
    keep_alive: bool,
}

impl Head {
    fn of(response: &httparse::Response) -> Result<Head, WireError> {
        let status = response.code.unwrap_or(0);
        let mut head = Head {
            status,
            retry_after: None,
            content_length: None,
            chunked: false,
            // HTTP/1.0 closes unless it says otherwise.
            keep_alive: response.version == Some(1),
        };
        for h in response.headers.iter() {
            let value = || std::str::from_utf8(h.value).map(str::trim);
            if h.name.eq_ignore_ascii_case("content-length") {
                let length = value()
                    .ok()
                    .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| WireError::Protocol("a bad Content-Length".into()))?;
                if head.content_length.is_some_and(|l| l != length) {
                    return Err(WireError::Protocol("conflicting Content-Length".into()));
                }
                head.content_length = Some(length);
            } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                let v = value().unwrap_or_default();
                if v.rsplit(',')
                    .next()
                    .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
                {
                    head.chunked = true;
                } else {
                    return Err(WireError::Protocol(format!(
                        "an unsupported Transfer-Encoding ({})",
                        v.chars().take(40).collect::<String>()
                    )));
                }
            } else if h.name.eq_ignore_ascii_case("connection") {
                for token in value().unwrap_or_default().split(',') {
                    if token.trim().eq_ignore_ascii_case("close") {
                        head.keep_alive = false;
                    } else if token.trim().eq_ignore_ascii_case("keep-alive") {
                        head.keep_alive = true;
                    }
                }
            } else if h.name.eq_ignore_ascii_case("retry-after") {
                head.retry_after = value().ok().map(str::to_owned);
            }
        }
        if head.chunked {
            // Chunked framing wins over a Content-Length (RFC 9112 6.3).
            head.content_length = None;
        }
        Ok(head)
    }
}

/// A socket read that never blocks (for rustls's `read_tls` in the reuse check).
struct NoWait<'a>(&'a TcpStream);

impl Read for NoWait<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        recv_nowait(self.0, buf, 0)
    }
}

/// One `recv(MSG_DONTWAIT | flags)`: never blocks, whatever the socket's mode (std has no such
/// call; setting the socket non-blocking and back would cost two more system calls).
#[allow(unsafe_code)]
fn recv_nowait(socket: &TcpStream, buf: &mut [u8], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: a valid, open fd and a writable buffer of `buf.len()` bytes.
    let n = unsafe {
        libc::recv(
            socket.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT | flags,
        )
    };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
