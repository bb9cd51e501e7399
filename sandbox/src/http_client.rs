//! A minimal blocking HTTP/1.1 client over std::net: used by the callback worker, and public so
//! the sandbox's own tests and benchmark (and other tests that want a raw view of the wire) can
//! talk to it with keep-alive and see exactly what came back, truncated bodies included.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::http::find_header(&self.headers, name)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (panics with the body text if it is not JSON: for tests).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }
}

/// One keep-alive connection.
pub struct Connection {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Connection {
    pub fn connect(addr: SocketAddr) -> io::Result<Connection> {
        Connection::connect_timeout(addr, Duration::from_secs(5), Duration::from_secs(30))
    }

    pub fn connect_timeout(
        addr: SocketAddr,
        connect: Duration,
        read: Duration,
    ) -> io::Result<Connection> {
        let stream = TcpStream::connect_timeout(&addr, connect)?;
        stream.set_read_timeout(Some(read))?;
        stream.set_write_timeout(Some(read))?;
        stream.set_nodelay(true)?;
        let reader = BufReader::new(stream.try_clone()?);
        Ok(Connection { stream, reader })
    }

    /// Sends a request with `Content-Length` (always, also for an empty body) and reads the answer.
    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<HttpResponse> {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: sandbox\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        self.send_raw(&bytes)?;
        self.read_response(method == "HEAD")
    }

    /// Another handle on the socket, e.g. to shut it down from another thread.
    pub fn try_clone_stream(&self) -> io::Result<TcpStream> {
        self.stream.try_clone()
    }

    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Reads one response. A body shorter than its Content-Length is an `UnexpectedEof` error; a
    /// connection closed before any byte is `ConnectionAborted`.
    pub fn read_response(&mut self, head_only: bool) -> io::Result<HttpResponse> {
        loop {
            let response = self.read_one(head_only)?;
            if response.status != 100 {
                return Ok(response);
            }
        }
    }

    fn read_line(&mut self) -> io::Result<String> {
        let mut line = Vec::new();
        (&mut self.reader)
            .take(64 * 1024)
            .read_until(b'\n', &mut line)?;
        if !line.ends_with(b"\n") {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed mid-line",
            ));
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        String::from_utf8(line)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "non-UTF-8 head"))
    }

    fn read_one(&mut self, head_only: bool) -> io::Result<HttpResponse> {
        if self.reader.fill_buf()?.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "connection closed without an answer",
            ));
        }
        let status_line = self.read_line()?;
        let status = status_line
            .strip_prefix("HTTP/1.")
            .and_then(|rest| rest.get(2..5))
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("bad status line {status_line:?}"),
                )
            })?;
        let mut headers = Vec::new();
        loop {
            let line = self.read_line()?;
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let mut response = HttpResponse {
            status,
            headers,
            body: Vec::new(),
        };
        if head_only || status == 100 || status == 204 || status == 304 {
            return Ok(response);
        }
        if response
            .header("Transfer-Encoding")
            .is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
        {
            response.body = self.read_chunked()?;
        } else if let Some(length) = response.header("Content-Length") {
            let length: u64 = length
                .parse()
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length"))?;
            self.read_body_part(length, &mut response.body)?;
        } else {
            self.reader.read_to_end(&mut response.body)?;
        }
        Ok(response)
    }

    fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line()?;
            let size = u64::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                while !self.read_line()?.is_empty() {}
                return Ok(body);
            }
            self.read_body_part(size, &mut body)?;
            self.read_line()?;
        }
    }

    /// Appends exactly `length` more body bytes. The buffer grows with what arrives, never by
    /// the length the peer announced: `Content-Length: 99999999999999` must not abort the
    /// process (the callback worker reads whatever a local shop answers).
    fn read_body_part(&mut self, length: u64, body: &mut Vec<u8>) -> io::Result<()> {
        let wanted = (body.len() as u64).saturating_add(length);
        (&mut self.reader).take(length).read_to_end(body)?;
        if (body.len() as u64) < wanted {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed mid-body",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// What reading `answer` (sent by a peer that then closes) gives.
    fn read_answer(answer: &'static str) -> io::Result<HttpResponse> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut connection = Connection::connect(listener.local_addr().unwrap()).unwrap();
        let (mut peer, _) = listener.accept().unwrap();
        peer.write_all(answer.as_bytes()).unwrap();
        drop(peer);
        connection.read_response(false)
    }

    #[test]
    fn announced_lengths_are_not_trusted_for_allocation() {
        for answer in [
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\nOK",
            "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nOK",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nOK",
        ] {
            let err = read_answer(answer).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{answer}: {err}");
        }
        let whole = read_answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKextra").unwrap();
        assert_eq!(whole.body, b"OK");
        let chunked = read_answer(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n1\r\n!\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(chunked.body, b"OK!");
    }
}
