//! A registry that answers what the test tells it to, on 127.0.0.1: for the answers a real
//! registry seldom gives on purpose — server errors, rate limits, a manifest or blob whose digest
//! does not match, a blob cut short, a redirect to another host, a tag list that pages forever.
//! Each connection gets one answer and is closed; each request is recorded.

use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

/// One request as the fake registry read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path and query (`/v2/app/tags/list?n=1000`).
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// An answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Answer {
        Answer { status, headers: Vec::new(), body: body.into() }
    }

    pub fn with(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The registry API's error envelope.
    pub fn error(status: u16, code: &str, message: &str) -> Answer {
        let body = serde_json::json!({"errors": [{"code": code, "message": message}]}).to_string();
        Answer::new(status, body).with("Content-Type", "application/json")
    }
}

type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

/// A running fake registry.
pub struct FakeRegistry {
    /// `127.0.0.1:PORT`.
    pub address: String,
    handler: Arc<Mutex<Arc<Handler>>>,
    seen: Arc<Mutex<Vec<Request>>>,
}

impl FakeRegistry {
    /// Starts answering with `handler`, on a thread of its own.
    pub fn start(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> FakeRegistry {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let handler: Arc<Mutex<Arc<Handler>>> = Arc::new(Mutex::new(Arc::new(handler)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (serving, recording) = (handler.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, seen) = (serving.lock().unwrap().clone(), recording.clone());
                std::thread::spawn(move || {
                    let _ = serve_one(stream, &*handler, &seen);
                });
            }
        });
        FakeRegistry { address, handler, seen }
    }

    /// Answers with `handler` from now on.
    pub fn answer_with(&self, handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) {
        *self.handler.lock().unwrap() = Arc::new(handler);
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve_one(mut stream: std::net::TcpStream, handler: &Handler, seen: &Mutex<Vec<Request>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string());
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let request = Request { method, target, headers };
    seen.lock().unwrap().push(request.clone());
    let answer = handler(&request);
    let mut head = format!("HTTP/1.1 {} Fake\r\nConnection: close\r\n", answer.status);
    let has_length = answer.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if !has_length {
        head.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
    }
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if request.method != "HEAD" {
        stream.write_all(&answer.body)?;
    }
    stream.flush()
}
