//! The daemon's image export (`GET /images/get?names=…`: one image, or several with the layers
//! they share stored once), or a container's (`GET /containers/{id}/export`: its whole
//! filesystem), as a blocking `BufRead` for the archive reader's thread.
//!
//! A daemon on a Unix socket or named pipe (the local case) is read straight off it by that thread
//! ([`SocketGet`]). Others go through bollard, whose HTTP body arrives in small chunks (a few kilobytes); handing each one to
//! another thread costs two context switches, which for a 1 GB image is more CPU than reading it.
//! So a task on the async runtime gathers the chunks into batches of 1 MiB or more and passes them through a
//! short queue (four batches: bounded memory), and the reader thread wakes once per batch.

use std::collections::VecDeque;
use std::io::{BufRead, Read};

use bollard::Docker;
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::engine::socket_get::SocketGet;
use crate::engine::Connection;

/// Bytes gathered before they are handed over.
const BATCH_BYTES: usize = 1 << 20;
/// Batches waiting for the reader at most.
const QUEUE_BATCHES: usize = 4;

/// The export of `references` from the daemon `connection` talks to, as it arrives; must be
/// called within the async runtime.
pub fn export_reader(connection: &Connection, references: &[&str]) -> Box<dyn BufRead + Send> {
    if let Some(socket) = connection.local_socket() {
        return Box::new(SocketGet::new(socket, export_path(&connection.server.api_version, references)));
    }
    Box::new(batched_export(&connection.docker, references))
}

/// A container's whole filesystem (`GET /containers/{id}/export`), as it arrives; `id` must be
/// checked ([`crate::names::check_container`]) and the call made within the async runtime.
pub fn container_export_reader(connection: &Connection, id: &str) -> Box<dyn BufRead + Send> {
    if let Some(socket) = connection.local_socket() {
        let path = format!("/v{}/containers/{id}/export", connection.server.api_version);
        return Box::new(SocketGet::new(socket, path));
    }
    Box::new(batched(connection.docker.export_container(id)))
}

/// `/v1.41/images/get?names=a&names=b`.
fn export_path(api_version: &str, references: &[&str]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for reference in references {
        query.append_pair("names", reference);
    }
    format!("/v{api_version}/images/get?{}", query.finish())
}

/// Starts streaming the export of `references` through bollard.
fn batched_export(docker: &Docker, references: &[&str]) -> ExportReader {
    batched(docker.export_images(references))
}

/// Reads an export bollard streams, in batches.
fn batched(
    stream: impl futures_util::Stream<Item = Result<Bytes, bollard::errors::Error>> + Send + 'static,
) -> ExportReader {
    let (sender, receiver) = mpsc::channel::<std::io::Result<Vec<Bytes>>>(QUEUE_BATCHES);
    let mut stream = Box::pin(stream);
    tokio::spawn(async move {
        // Chunks are gathered, not copied: a batch is the list of chunks as hyper made them.
        let mut batch: Vec<Bytes> = Vec::new();
        let mut batched = 0;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => {
                    batched += chunk.len();
                    batch.push(chunk);
                    if batched >= BATCH_BYTES {
                        batched = 0;
                        if sender.send(Ok(std::mem::take(&mut batch))).await.is_err() {
                            return; // the reader stopped: dropping the stream ends the export
                        }
                    }
                }
                Err(error) => {
                    let _ = sender.send(Err(std::io::Error::other(error))).await;
                    return;
                }
            }
        }
        if !batch.is_empty() {
            let _ = sender.send(Ok(batch)).await;
        }
    });
    ExportReader { receiver, batch: VecDeque::new() }
}

/// The reading end of the bollard path: blocks (on a thread that may block) until the next batch arrives.
pub struct ExportReader {
    receiver: mpsc::Receiver<std::io::Result<Vec<Bytes>>>,
    batch: VecDeque<Bytes>,
}

impl BufRead for ExportReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.batch.front().is_none_or(Bytes::is_empty) {
            if self.batch.pop_front().is_none() {
                match self.receiver.blocking_recv() {
                    Some(Ok(batch)) => self.batch = batch.into(),
                    Some(Err(error)) => return Err(error),
                    None => return Ok(&[]),
                }
            }
        }
        Ok(self.batch.front().map(|chunk| chunk.as_ref()).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        if let Some(chunk) = self.batch.front_mut() {
            bytes::Buf::advance(chunk, amount);
        }
    }
}

impl Read for ExportReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        crate::in_place::read_from_buffer(self, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_path_names_each_image_escaped() {
        assert_eq!(
            export_path("1.41", &["app:1", "registry:5000/app@sha256:ab"]),
            "/v1.41/images/get?names=app%3A1&names=registry%3A5000%2Fapp%40sha256%3Aab"
        );
    }
}
