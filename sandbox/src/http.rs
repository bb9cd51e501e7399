//! HTTP/1.1 message reading and writing on a blocking stream: request heads (parsed by httparse)
//! with a size cap,
//! `Content-Length` and chunked bodies with a size cap, `Expect: 100-continue`, keep-alive.

use std::io::{self, BufRead, Write};
use std::time::Instant;

/// Largest request head (request line + headers) accepted; larger → 431.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Most header fields in a request; more → 431.
const MAX_HEADERS: usize = 100;
/// Largest request body accepted; larger → 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct Request {
    pub method: String,
    /// The path as sent, without the query (still percent-encoded).
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the client wants the connection kept open after the answer.
    pub keep_alive: bool,
}

/// Debug output redacts the `Authorization` header (it carries passwords) and the body.
impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if k.eq_ignore_ascii_case("Authorization") {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("keep_alive", &self.keep_alive)
            .finish()
    }
}

/// The first value of header `name` (case-insensitive), in requests and responses alike.
pub fn find_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The value of a query parameter, percent-decoded (`+` is a space, as in forms).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true).as_deref() == Some(name))
                .then(|| percent_decode(v, true))
                .flatten()
        })
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed (or went idle past the keep-alive timeout) between requests: no answer.
    Closed,
    /// The request was cut off or too slow; there is nobody to answer.
    Aborted,
    /// The request is invalid: answer with this status and a reason, then close.
    Reject(u16, String),
}

/// Reads one request. Waiting for its first byte is bounded by the caller's read timeout (the
/// keep-alive idle time); then `on_first_byte` is called, which returns the deadline for the whole
/// request (and may shorten the per-read timeout), so a client that trickles bytes cannot hold a
/// worker forever.
pub fn read_request<R: BufRead, W: Write>(
    reader: &mut R,
    writer: &mut W,
    on_first_byte: impl FnOnce() -> Instant,
) -> Result<Request, ReadError> {
    match reader.fill_buf() {
        Ok([]) | Err(_) => return Err(ReadError::Closed),
        Ok(_) => (),
    }
    let deadline = on_first_byte();
    let head = read_head(reader, deadline)?;
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut slots);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => (),
        Ok(httparse::Status::Partial) => {
            return Err(ReadError::Reject(400, "incomplete request head".into()))
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(ReadError::Reject(431, "too many header fields".into()))
        }
        Err(httparse::Error::Version) => {
            return Err(ReadError::Reject(
                505,
                "only HTTP/1.0 and HTTP/1.1 are served".into(),
            ))
        }
        Err(e) => {
            return Err(ReadError::Reject(
                400,
                format!("malformed request head: {e}"),
            ))
        }
    }
    let (Some(method), Some(target), Some(version)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Err(ReadError::Reject(400, "malformed request line".into()));
    };
    if !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ReadError::Reject(400, "malformed method".into()));
    }
    let http10 = version == 0;
    if !target.starts_with('/') {
        return Err(ReadError::Reject(
            400,
            "request target must be an absolute path".into(),
        ));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target.to_string(), None),
    };
    let mut headers = Vec::with_capacity(parsed.headers.len());
    for header in parsed.headers.iter() {
        let value = std::str::from_utf8(header.value)
            .map_err(|_| ReadError::Reject(400, "request head is not UTF-8".into()))?;
        headers.push((header.name.to_string(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body: Vec::new(),
        keep_alive: false,
    };
    let connection = request
        .header("Connection")
        .unwrap_or("")
        .to_ascii_lowercase();
    request.keep_alive = if http10 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };

    let chunked = match request.header("Transfer-Encoding") {
        None => false,
        Some(te) if te.eq_ignore_ascii_case("chunked") => true,
        Some(_) => {
            return Err(ReadError::Reject(
                501,
                "unsupported Transfer-Encoding".into(),
            ))
        }
    };
    let content_length = match request.header("Content-Length") {
        None => None,
        Some(_) if chunked => {
            return Err(ReadError::Reject(
                400,
                "both Content-Length and Transfer-Encoding".into(),
            ));
        }
        Some(v) => match v.parse::<u64>() {
            Ok(n) if v.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => return Err(ReadError::Reject(400, "invalid Content-Length".into())),
        },
    };
    if request
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .count()
        > 1
    {
        return Err(ReadError::Reject(400, "repeated Content-Length".into()));
    }
    if content_length.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(ReadError::Reject(
            413,
            format!("body larger than {MAX_BODY_BYTES} bytes"),
        ));
    }
    let expects_body = chunked || content_length.is_some_and(|n| n > 0);
    if expects_body
        && request
            .header("Expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        writer
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|_| ReadError::Aborted)?;
        writer.flush().map_err(|_| ReadError::Aborted)?;
    }
    if chunked {
        request.body = read_chunked(reader, deadline)?;
    } else if let Some(n) = content_length {
        request.body = read_exact(reader, n as usize, deadline)?;
    }
    Ok(request)
}

/// Reads the request head, through the empty line that ends it, within [`MAX_HEAD_BYTES`].
/// Empty lines before the request line are kept (httparse skips them, as RFC 9112 §2.2 asks).
fn read_head<R: BufRead>(reader: &mut R, deadline: Instant) -> Result<Vec<u8>, ReadError> {
    let mut head = Vec::new();
    let mut line_start = 0;
    let mut seen_request_line = false;
    loop {
        let buf = fill(reader, deadline)?;
        let (take, line_done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if head.len() + take > MAX_HEAD_BYTES {
            return Err(ReadError::Reject(
                431,
                format!("request head larger than {MAX_HEAD_BYTES} bytes"),
            ));
        }
        head.extend_from_slice(&buf[..take]);
        reader.consume(take);
        if !line_done {
            continue;
        }
        let line = &head[line_start..];
        let empty = line == b"\n" || line == b"\r\n";
        if empty && seen_request_line {
            return Ok(head);
        }
        seen_request_line |= !empty;
        line_start = head.len();
    }
}

/// The next buffered bytes of the request (never empty). Each wait is bounded by the read
/// timeout; past `deadline`, or when the peer closes or fails, the request is aborted.
fn fill<R: BufRead>(reader: &mut R, deadline: Instant) -> Result<&[u8], ReadError> {
    loop {
        if Instant::now() > deadline {
            return Err(ReadError::Aborted);
        }
        match reader.fill_buf() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Ok([]) | Err(_) => return Err(ReadError::Aborted),
            Ok(_) => break,
        }
    }
    // Bytes are buffered now, so this returns them without reading. (Returning the slice from
    // inside the loop is what the borrow checker refuses, because of the retry.)
    reader.fill_buf().map_err(|_| ReadError::Aborted)
}

/// Reads a CRLF- (or LF-) terminated line of at most `budget` bytes, charged to the budget.
fn read_line<R: BufRead>(
    reader: &mut R,
    budget: &mut usize,
    deadline: Instant,
) -> Result<String, ReadError> {
    let mut line = Vec::new();
    loop {
        let buf = fill(reader, deadline)?;
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if take > *budget {
            return Err(ReadError::Reject(
                431,
                format!("request head larger than {MAX_HEAD_BYTES} bytes"),
            ));
        }
        *budget -= take;
        line.extend_from_slice(&buf[..take]);
        reader.consume(take);
        if done {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return String::from_utf8(line)
                .map_err(|_| ReadError::Reject(400, "request head is not UTF-8".into()));
        }
    }
}

fn read_exact<R: BufRead>(
    reader: &mut R,
    n: usize,
    deadline: Instant,
) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::with_capacity(n.min(64 * 1024));
    while body.len() < n {
        let buf = fill(reader, deadline)?;
        let take = buf.len().min(n - body.len());
        body.extend_from_slice(&buf[..take]);
        reader.consume(take);
    }
    Ok(body)
}

fn read_chunked<R: BufRead>(reader: &mut R, deadline: Instant) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let mut budget = MAX_HEAD_BYTES; // for chunk-size lines and trailers
    loop {
        let line = read_line(reader, &mut budget, deadline)?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = parse_hex(size_text)
            .filter(|_| size_text.len() <= 8)
            .ok_or_else(|| ReadError::Reject(400, "invalid chunk size".into()))?;
        if size == 0 {
            // Trailers until an empty line.
            while !read_line(reader, &mut budget, deadline)?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(ReadError::Reject(
                413,
                format!("body larger than {MAX_BODY_BYTES} bytes"),
            ));
        }
        body.extend(read_exact(reader, size, deadline)?);
        if !read_line(reader, &mut budget, deadline)?.is_empty() {
            return Err(ReadError::Reject(400, "chunk not followed by CRLF".into()));
        }
    }
}

/// Hex digits only: `from_str_radix` alone also takes a leading `+` (`+a` would be 10).
fn parse_hex(text: &str) -> Option<usize> {
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    usize::from_str_radix(text, 16).ok()
}

/// Decodes `%XX` escapes (and `+` as space when `plus_is_space`); None if an escape is not
/// two hex digits or the result is not UTF-8. (The `percent-encoding` crate passes a bad escape
/// through unchanged; a request carrying one is refused here instead.)
pub fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let escapes_valid = bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != b'%' || text.get(i + 1..i + 3).and_then(parse_hex).is_some());
    if !escapes_valid {
        return None;
    }
    let spaced;
    let text = if plus_is_space && text.contains('+') {
        spaced = text.replace('+', " ");
        spaced.as_str()
    } else {
        text
    };
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// Everything but the RFC 3986 unreserved characters (letters, digits, `-`, `.`, `_`, `~`).
const NOT_UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::with_body(status, JSON_CONTENT_TYPE, value.to_string().into_bytes())
    }

    pub fn with_body(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Serializes the head. `Content-Length` is always the full body length.
    pub fn head_bytes(&self, keep_alive: bool) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        head.into_bytes()
    }

    pub fn write_to<W: Write>(&self, writer: &mut W, keep_alive: bool) -> io::Result<()> {
        let mut bytes = self.head_bytes(keep_alive);
        bytes.extend_from_slice(&self.body);
        writer.write_all(&bytes)?;
        writer.flush()
    }
}

pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;
    use std::time::Duration;

    fn read(raw: &str) -> (Result<Request, ReadError>, Vec<u8>) {
        let mut reader = BufReader::new(raw.as_bytes());
        let mut written = Vec::new();
        let result = read_request(&mut reader, &mut written, || {
            Instant::now() + Duration::from_secs(5)
        });
        (result, written)
    }

    #[test]
    fn reads_a_request_with_body_and_query() {
        let (r, _) = read("POST /api/fn/v2/doc?clientId=a%20b+c HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcdEXTRA");
        let r = r.unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/api/fn/v2/doc");
        assert_eq!(r.query_param("clientId").as_deref(), Some("a b c"));
        assert_eq!(r.body, b"abcd");
        assert!(r.keep_alive);
    }

    #[test]
    fn reads_chunked_bodies_and_answers_expect_continue() {
        let (r, written) = read(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
        );
        assert_eq!(r.unwrap().body, b"abcde");
        assert_eq!(written, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn empty_lines_before_the_request_line_are_skipped() {
        let (r, _) = read("\r\n\nGET /x?a=1 HTTP/1.1\nHost: h\n\n");
        let r = r.unwrap();
        assert_eq!((r.path.as_str(), r.query.as_deref()), ("/x", Some("a=1")));
        assert_eq!(r.header("host"), Some("h"));
    }

    #[test]
    fn http10_closes_by_default() {
        let (r, _) = read("GET / HTTP/1.0\r\n\r\n");
        assert!(!r.unwrap().keep_alive);
        let (r, _) = read("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(!r.unwrap().keep_alive);
    }

    #[test]
    fn rejects_bad_and_oversized_requests() {
        let status = |raw: &str| match read(raw).0 {
            Err(ReadError::Reject(s, _)) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(status("GARBAGE\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/2.0\r\n\r\n"), 505);
        assert_eq!(status("GET / HTTP/1.1\r\nBad Header\r\n\r\n"), 400);
        assert_eq!(status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
        assert_eq!(
            status("POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"),
            413
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
            501
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n0\r\n\r\n"),
            400
        );
        let huge = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD_BYTES)
        );
        assert_eq!(status(&huge), 431);
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: 1\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(status(&many), 431);
        assert_eq!(status("GET / HTTP/1.1\r\nX: a\u{0}b\r\n\r\n"), 400);
        assert!(matches!(read("").0, Err(ReadError::Closed)));
        assert!(matches!(
            read("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc").0,
            Err(ReadError::Aborted)
        ));
    }

    #[test]
    fn debug_output_hides_credentials() {
        let (r, _) = read("GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpzZWNyZXQ=\r\n\r\n");
        let shown = format!("{:?}", r.unwrap());
        assert!(!shown.contains("dXNlcjpzZWNyZXQ="), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn percent_coding_round_trips() {
        assert_eq!(
            percent_decode(&percent_encode("t=2019&s=1.00 ж"), false).unwrap(),
            "t=2019&s=1.00 ж"
        );
        assert_eq!(percent_encode("a&b=c"), "a%26b%3Dc");
        assert_eq!(percent_decode("%zz", false), None);
        assert_eq!(percent_decode("%+1", false), None);
        assert_eq!(percent_decode("%4", false), None);
        assert_eq!(percent_decode("a+%2B", true).as_deref(), Some("a +"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%FF", false), None); // not UTF-8
    }
}
