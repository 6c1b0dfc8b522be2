//! A blocking `GET` on a local daemon's Unix socket or Windows named pipe whose response body is
//! read as it arrives, for
//! the one request where the async client costs more than the work it feeds: an image export,
//! gigabytes long, read by a parser on a thread of its own. Through hyper the body comes in
//! chunks of a few kilobytes, each freshly allocated on one thread and handed to another; here
//! the parser's thread reads the socket itself, into the buffers it reuses — measured in
//! `make bench`, half the CPU time of the whole inspect.
//!
//! Only what the export needs: HTTP/1.1, a `200` with a chunked, sized or until-close body, any
//! other status read as the daemon's error message. TCP, TLS and SSH keep using bollard. A named
//! pipe is opened as a file (Windows reads and writes a pipe like one), so Docker Desktop on
//! Windows gets the same path; a pipe has no read timeout, so a daemon that stops answering in the
//! middle of an export leaves the reading thread waiting until the pipe closes. The body is also a `BufRead` over the socket's own buffer (the chunked framing is
//! taken off in place), so the archive reader can hash file content without copying it out.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
#[cfg(unix)]
use std::time::Duration;

/// How long a read may wait for the daemon before the export is given up (Unix sockets).
#[cfg(unix)]
const READ_TIMEOUT: Duration = Duration::from_secs(120);
/// The socket is read in pieces this large (when the caller's buffer is smaller). Small enough
/// that the kernel copies into memory still in the core's cache: with 256 KiB the same export
/// took a third more system time (the 1 GB bench image, alternate runs: 0.49–0.53 s against
/// 0.35–0.37 s), more than the extra reads cost.
const BUFFER_BYTES: usize = 64 * 1024;
/// A response head larger than this is not the daemon's.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Where a daemon on this computer listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalSocket {
    /// A Unix socket's path.
    Unix(PathBuf),
    /// A named pipe as Windows writes it: `\\.\pipe\docker_engine`.
    Pipe(String),
}

impl std::fmt::Display for LocalSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocalSocket::Unix(path) => write!(f, "{}", path.display()),
            LocalSocket::Pipe(pipe) => f.write_str(pipe),
        }
    }
}

/// The body of `GET path_and_query` on the daemon at `socket`, opened on the first read.
pub struct SocketGet {
    state: State,
}

enum State {
    NotSent { socket: LocalSocket, path_and_query: String },
    Reading(Box<dyn BufRead + Send>),
    Failed,
}

impl SocketGet {
    /// Nothing is sent until the first read, so this can be made on the async runtime and read
    /// on a blocking thread.
    pub fn new(socket: LocalSocket, path_and_query: String) -> SocketGet {
        SocketGet { state: State::NotSent { socket, path_and_query } }
    }
}

impl SocketGet {
    /// The body, the request sent on first use.
    fn body(&mut self) -> std::io::Result<&mut (dyn BufRead + Send)> {
        if let State::NotSent { socket, path_and_query } = &self.state {
            match open(socket, path_and_query) {
                Ok(body) => self.state = State::Reading(body),
                Err(error) => {
                    self.state = State::Failed;
                    return Err(error);
                }
            }
        }
        match &mut self.state {
            State::Reading(body) => Ok(body.as_mut()),
            _ => Err(std::io::Error::other("the request to the daemon failed")),
        }
    }
}

impl Read for SocketGet {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.body()?.read(buf)
    }
}

impl BufRead for SocketGet {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.body()?.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let State::Reading(body) = &mut self.state {
            body.consume(amount);
        }
    }
}

/// A connection to a local daemon, read and written like a file.
trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// Opens the socket or pipe.
fn connect(socket: &LocalSocket) -> std::io::Result<Box<dyn Stream>> {
    let cannot = |e: std::io::Error| std::io::Error::new(e.kind(), format!("cannot connect to {socket}: {e}"));
    match socket {
        #[cfg(unix)]
        LocalSocket::Unix(path) => {
            let stream = std::os::unix::net::UnixStream::connect(path).map_err(cannot)?;
            stream.set_read_timeout(Some(READ_TIMEOUT))?;
            Ok(Box::new(stream))
        }
        #[cfg(windows)]
        LocalSocket::Pipe(pipe) => Ok(Box::new(open_pipe(pipe).map_err(cannot)?)),
        #[allow(unreachable_patterns)]
        other => Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!("{other} is not a kind of socket this system has"),
        )),
    }
}

/// Opens a named pipe for reading and writing. A pipe whose every instance is taken answers
/// "busy" (ERROR_PIPE_BUSY) until its server offers another: tried again for up to a second.
#[cfg(windows)]
fn open_pipe(pipe: &str) -> std::io::Result<std::fs::File> {
    const ERROR_PIPE_BUSY: i32 = 231;
    let mut tries = 0;
    loop {
        match std::fs::OpenOptions::new().read(true).write(true).open(pipe) {
            Err(error) if error.raw_os_error() == Some(ERROR_PIPE_BUSY) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            opened => return opened,
        }
    }
}

/// Sends the request and reads the response head; returns the body.
fn open(socket: &LocalSocket, path_and_query: &str) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut stream = connect(socket)?;
    write!(stream, "GET {path_and_query} HTTP/1.1\r\nHost: docker\r\nUser-Agent: strata\r\nConnection: close\r\n\r\n")?;
    stream.flush()?;
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, stream);
    let head = read_head(&mut reader)?;
    let body: Box<dyn BufRead + Send> = match head.framing {
        Framing::Chunked => Box::new(ChunkedBody::new(reader)),
        Framing::Length(length) => Box::new(reader.take(length)),
        Framing::UntilClose => Box::new(reader),
    };
    if head.status == 200 {
        return Ok(body);
    }
    Err(std::io::Error::other(daemon_error(head.status, body)))
}

/// A chunked body with its framing taken off in place: each chunk's bytes are handed out from
/// the socket's buffer. It ends with its empty last chunk, never with the connection: the
/// socket closing before that is a cut, not an end.
struct ChunkedBody<R> {
    inner: R,
    state: Chunk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Before a chunk's size line (after the first, behind the previous chunk's CRLF).
    Size {
        first: bool,
    },
    /// Inside a chunk, with this many bytes left.
    Data(u64),
    Done,
}

/// A chunk-size line longer than this is not HTTP.
const MAX_CHUNK_LINE: u64 = 1024;

impl<R: BufRead> ChunkedBody<R> {
    fn new(inner: R) -> Self {
        ChunkedBody { inner, state: Chunk::Size { first: true } }
    }

    /// Reads a line (without its CRLF); a cut connection is an error.
    fn line(&mut self) -> std::io::Result<Vec<u8>> {
        let mut line = Vec::new();
        (&mut self.inner).take(MAX_CHUNK_LINE).read_until(b'\n', &mut line)?;
        if !line.ends_with(b"\n") {
            return Err(if line.len() as u64 >= MAX_CHUNK_LINE { bad_chunk() } else { cut_export() });
        }
        line.truncate(line.len() - 1);
        if line.ends_with(b"\r") {
            line.pop();
        }
        Ok(line)
    }

    /// Reads the next chunk's size line (and, after the last chunk, the trailers).
    fn next_chunk(&mut self, first: bool) -> std::io::Result<()> {
        if !first && !self.line()?.is_empty() {
            return Err(bad_chunk());
        }
        let line = self.line()?;
        let size = line.split(|b| *b == b';').next().unwrap_or_default().trim_ascii();
        let size =
            std::str::from_utf8(size).ok().and_then(|s| u64::from_str_radix(s, 16).ok()).ok_or_else(bad_chunk)?;
        if size > 0 {
            self.state = Chunk::Data(size);
            return Ok(());
        }
        while !self.line()?.is_empty() {} // trailers
        self.state = Chunk::Done;
        Ok(())
    }
}

impl<R: BufRead> BufRead for ChunkedBody<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        loop {
            match self.state {
                Chunk::Size { first } => self.next_chunk(first)?,
                Chunk::Data(0) => self.state = Chunk::Size { first: false },
                Chunk::Data(left) => {
                    let available = self.inner.fill_buf()?;
                    if available.is_empty() {
                        return Err(cut_export());
                    }
                    return Ok(&available[..available.len().min(usize::try_from(left).unwrap_or(usize::MAX))]);
                }
                Chunk::Done => return Ok(&[]),
            }
        }
    }

    fn consume(&mut self, amount: usize) {
        if let Chunk::Data(left) = &mut self.state {
            self.inner.consume(amount);
            *left -= amount as u64;
        }
    }
}

impl<R: BufRead> Read for ChunkedBody<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        crate::in_place::read_from_buffer(self, buf)
    }
}

fn cut_export() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the daemon closed the connection before the end of the export",
    )
}

fn bad_chunk() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "the daemon's chunked response is malformed")
}

/// What the response head says: the status and how the body ends.
struct Head {
    status: u16,
    framing: Framing,
}

enum Framing {
    Chunked,
    Length(u64),
    UntilClose,
}

fn read_head(reader: &mut impl BufRead) -> std::io::Result<Head> {
    let mut bytes = Vec::new();
    while !bytes.ends_with(b"\r\n\r\n") {
        if reader.read_until(b'\n', &mut bytes)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the daemon closed the connection without a response",
            ));
        }
        if bytes.len() > MAX_HEAD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the daemon's response headers run over {} KiB, more than any daemon sends",
                    MAX_HEAD_BYTES / 1024
                ),
            ));
        }
    }
    parse_head(&bytes)
}

fn parse_head(bytes: &[u8]) -> std::io::Result<Head> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    match response.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(bad("the daemon's response head is incomplete".into())),
        Err(error) => return Err(bad(format!("the daemon's response is not HTTP: {error}"))),
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let framing = if header("transfer-encoding").is_some_and(|v| v.ends_with("chunked")) {
        Framing::Chunked
    } else if let Some(length) = header("content-length") {
        Framing::Length(length.parse().map_err(|_| bad(format!("a Content-Length of {length:?}")))?)
    } else {
        Framing::UntilClose
    };
    Ok(Head { status: response.code.unwrap_or_default(), framing })
}

/// The daemon's words for a failed request: its JSON `message`, or the body as text.
fn daemon_error(status: u16, body: Box<dyn BufRead + Send>) -> String {
    let mut text = String::new();
    let _ = body.take(MAX_HEAD_BYTES as u64).read_to_string(&mut text);
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|json| json.get("message").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_else(|| text.trim().to_string());
    format!("the daemon answered {status}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Serves one connection with `response` from a socket in `dir`; returns the socket.
    #[cfg(unix)]
    fn serve_once(dir: &Path, response: &'static [u8]) -> LocalSocket {
        let path = dir.join("daemon.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            // The whole request first, as a daemon reads it: answering and closing while the
            // client still writes would reset the connection under it.
            let (mut request, mut chunk) = (Vec::new(), [0u8; 1024]);
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => request.extend_from_slice(&chunk[..read]),
                }
            }
            stream.write_all(response).unwrap();
        });
        LocalSocket::Unix(path)
    }

    /// Serves one connection with `response` from a named pipe of its own (tokio's pipe server,
    /// as a daemon's would be); returns the pipe. The pipe exists before this returns.
    #[cfg(windows)]
    fn serve_once(dir: &Path, response: &'static [u8]) -> LocalSocket {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let name = format!(r"\\.\pipe\strata-test-{}", dir.file_name().unwrap().to_string_lossy());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut server = {
            let _entered = runtime.enter();
            tokio::net::windows::named_pipe::ServerOptions::new().first_pipe_instance(true).create(&name).unwrap()
        };
        std::thread::spawn(move || {
            runtime.block_on(async move {
                server.connect().await.unwrap();
                let mut request = [0u8; 1024];
                let _ = server.read(&mut request).await;
                // Closed without DisconnectNamedPipe, which would throw away what the client
                // has not read yet: the client reads it all, then the end of the pipe.
                let _ = server.write_all(response).await;
            })
        });
        LocalSocket::Pipe(name)
    }

    fn body_of(response: &'static [u8]) -> std::io::Result<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        let socket = serve_once(dir.path(), response);
        let mut body = Vec::new();
        SocketGet::new(socket, "/v1.41/images/get?names=a".into()).read_to_end(&mut body)?;
        Ok(body)
    }

    #[test]
    fn a_chunked_body_is_decoded() {
        let body =
            body_of(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                .unwrap();
        assert_eq!(body, b"hello world");
    }

    #[test]
    fn a_sized_body_stops_at_its_length() {
        let body = body_of(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, and more").unwrap();
        assert_eq!(body, b"hello");
    }

    #[test]
    fn a_body_without_framing_is_read_until_the_daemon_closes() {
        assert_eq!(body_of(b"HTTP/1.1 200 OK\r\n\r\nall of it").unwrap(), b"all of it");
    }

    #[test]
    fn a_failed_request_gives_the_daemons_message() {
        let error = body_of(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 40\r\n\r\n{\"message\":\"reference does not exist\"}\n\n",
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "the daemon answered 404: reference does not exist");
    }

    #[test]
    fn chunk_extensions_trailers_and_bare_newlines_are_read() {
        let body = body_of(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;name=x\r\nabc\r\nA\n0123456789\n0\r\nX-Trailer: 1\r\n\r\n",
        )
        .unwrap();
        assert_eq!(body, b"abc0123456789");
    }

    #[test]
    fn a_chunked_body_is_handed_out_in_place_chunk_by_chunk() {
        let mut body = ChunkedBody::new(&b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nnext response"[..]);
        assert_eq!(body.fill_buf().unwrap(), b"hello");
        body.consume(2);
        assert_eq!(body.fill_buf().unwrap(), b"llo");
        body.consume(3);
        assert_eq!(body.fill_buf().unwrap(), b" world");
        body.consume(6);
        assert_eq!(body.fill_buf().unwrap(), b"");
    }

    #[test]
    fn malformed_chunks_are_errors() {
        for response in [
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX6\r\n world\r\n0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        ] {
            assert!(body_of(response).is_err(), "{}", String::from_utf8_lossy(response));
        }
    }

    #[test]
    fn a_chunked_body_cut_short_is_an_error_not_an_end() {
        assert!(body_of(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part").is_err());
    }

    #[test]
    fn a_closed_connection_or_garbage_is_an_error() {
        assert!(body_of(b"").is_err());
        assert!(body_of(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
    }

    #[test]
    fn a_missing_socket_says_which() {
        let missing = if cfg!(windows) {
            LocalSocket::Pipe(r"\\.\pipe\strata-no-such-pipe".into())
        } else {
            LocalSocket::Unix("/nonexistent/strata.sock".into())
        };
        let error = SocketGet::new(missing.clone(), "/".into()).read(&mut [0; 8]).unwrap_err();
        assert!(error.to_string().contains(&missing.to_string()), "{error}");
    }
}
