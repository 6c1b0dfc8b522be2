//! OSV records and dumps for the vulnerability tests: records in OSV's schema, zips laid out as
//! osv.dev's `all.zip`, and a local server laid out as its bucket.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

/// An OSV record affecting one package.
pub fn record(id: &str, ecosystem: &str, name: &str, events: Value, extra: Value) -> Value {
    let mut record = json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2026-11-30T12:00:00Z",
        "summary": format!("{id} in {name}"),
        "affected": [{"package": {"ecosystem": ecosystem, "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": events}]}],
    });
    for (key, value) in extra.as_object().unwrap() {
        record[key] = value.clone();
    }
    record
}

/// Writes `entries` (name, content) as a zip, as osv.dev's `all.zip` holds one JSON per record.
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, content) in entries {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap();
}

pub fn as_entry(record: &Value) -> (String, Vec<u8>) {
    (format!("{}.json", record["id"].as_str().unwrap()), serde_json::to_vec_pretty(record).unwrap())
}

fn empty_zip() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("README", zip::write::SimpleFileOptions::default()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A server on 127.0.0.1 laid out as osv.dev's bucket: `/ECOSYSTEM/all.zip` for each of `dumps`
/// (an empty zip for any other ecosystem, 404 for other paths). With `cut_first`, its first
/// answer stops halfway; it honours `Range`, and records each request's `Range` header.
pub fn serve_dumps(dumps: Vec<(String, Vec<u8>)>, cut_first: bool) -> (u16, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = ranges.clone();
    std::thread::spawn(move || {
        for (answered, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut range = None;
            let mut path = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                if line.starts_with("GET ") {
                    path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range = Some(value.trim().trim_end_matches('-').to_string());
                }
            }
            seen.lock().unwrap().push(range.clone());
            let Some(ecosystem) = path.strip_prefix('/').and_then(|p| p.strip_suffix("/all.zip")) else {
                let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                continue;
            };
            let dump =
                dumps.iter().find(|(name, _)| name == ecosystem).map_or_else(empty_zip, |(_, dump)| dump.clone());
            let from: usize = range.and_then(|r| r.parse().ok()).unwrap_or(0);
            let head = if from > 0 {
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {from}-{}/{}\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n",
                    dump.len() - from,
                    dump.len() - 1,
                    dump.len()
                )
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n",
                    dump.len()
                )
            };
            let _ = stream.write_all(head.as_bytes());
            let body = if answered == 0 && cut_first { &dump[..dump.len() / 2] } else { &dump[from..] };
            let _ = stream.write_all(body);
            let _ = stream.flush();
        }
    });
    (port, ranges)
}
