//! A layer's blob as it arrives from the registry, checked and resumed. The bytes are hashed as
//! they pass, and at the end their count and digest must be the manifest's, or the blob is
//! refused with both digests named. A connection that breaks mid-blob is picked up where it
//! stopped with an HTTP range request (a registry that ignores the range sends the whole blob
//! again, and the part already read is skipped); a sign-in that expires mid-transfer is renewed
//! once.

use std::io;

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt};
use oci_client::client::BlobResponse;
use oci_client::errors::{DigestError, OciDistributionError};
use oci_client::manifest::OciDescriptor;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};
use sha2::{Digest, Sha256};

use super::error::RegistryError;

/// How many times a broken transfer is picked up again before the read fails.
const RESUMES: u32 = 3;

/// Where one blob's transfer stands.
pub(super) struct BlobTransfer {
    pub(super) client: Client,
    pub(super) auth: RegistryAuth,
    pub(super) host: String,
    pub(super) reference: Reference,
    pub(super) descriptor: OciDescriptor,
    /// Bytes passed on so far.
    received: u64,
    /// Bytes of a whole answer (to a resume the registry did not honour) to pass over.
    skip: u64,
    hasher: Sha256,
    body: Option<BoxStream<'static, io::Result<Bytes>>>,
    resumes_left: u32,
    signed_in_again: bool,
    finished: bool,
}

impl BlobTransfer {
    pub(super) fn new(
        client: Client,
        auth: RegistryAuth,
        host: String,
        reference: Reference,
        descriptor: OciDescriptor,
    ) -> BlobTransfer {
        BlobTransfer {
            client,
            auth,
            host,
            reference,
            descriptor,
            received: 0,
            skip: 0,
            hasher: Sha256::new(),
            body: None,
            resumes_left: RESUMES,
            signed_in_again: false,
            finished: false,
        }
    }

    /// The blob's bytes, in order, ending with an error when it cannot be had whole and right.
    pub(super) fn into_stream(self) -> BoxStream<'static, io::Result<Bytes>> {
        futures_util::stream::unfold(self, |mut transfer| async move {
            let next = transfer.next_chunk().await?;
            Some((next, transfer))
        })
        .boxed()
    }

    async fn next_chunk(&mut self) -> Option<io::Result<Bytes>> {
        while !self.finished {
            if self.body.is_none() {
                if let Err(error) = self.open().await {
                    self.finished = true;
                    return Some(Err(error));
                }
            }
            let body = self.body.as_mut().expect("opened above");
            match body.next().await {
                Some(Ok(bytes)) => match self.take(bytes) {
                    Ok(Some(bytes)) => return Some(Ok(bytes)),
                    Ok(None) => continue,
                    Err(error) => return Some(Err(self.fail(error))),
                },
                // The body ended and `oci-client`'s own digest check failed: no transport broke,
                // so nothing is resumed. Say what Strata's check finds.
                Some(Err(error)) if error.get_ref().is_some_and(|inner| inner.is::<DigestError>()) => {
                    self.finished = true;
                    return Some(Err(self.check_whole().err().unwrap_or(error)));
                }
                Some(Err(error)) if self.resumes_left > 0 => {
                    tracing::debug!(
                        "{} broke after {} bytes ({error}); resuming",
                        self.descriptor.digest,
                        self.received
                    );
                    self.resumes_left -= 1;
                    self.body = None;
                }
                Some(Err(error)) => return Some(Err(self.fail(error))),
                None => {
                    self.finished = true;
                    return self.check_whole().err().map(Err);
                }
            }
        }
        None
    }

    fn fail(&mut self, error: io::Error) -> io::Error {
        self.finished = true;
        error
    }

    /// Asks for the blob from where the transfer stands.
    async fn open(&mut self) -> io::Result<()> {
        let answer = match Self::ask(&self.client, &self.reference, &self.descriptor, self.received).await {
            Err(OciDistributionError::UnauthorizedError { .. }) if !self.signed_in_again => {
                // A token that expired mid-transfer: sign in again, once.
                self.signed_in_again = true;
                self.client
                    .auth(&self.reference, &self.auth, RegistryOperation::Pull)
                    .await
                    .map_err(|e| io_error(&self.host, e))?;
                Self::ask(&self.client, &self.reference, &self.descriptor, self.received).await
            }
            other => other,
        };
        let (sized, skip) = match answer.map_err(|e| io_error(&self.host, e))? {
            BlobResponse::Full(sized) => (sized, self.received),
            BlobResponse::Partial(sized) => (sized, 0),
        };
        self.skip = skip;
        self.body = Some(sized.stream);
        Ok(())
    }

    /// Asks for the rest of the blob. Takes fields, not `&self`: the body stream is not `Sync`.
    async fn ask(
        client: &Client,
        reference: &Reference,
        descriptor: &OciDescriptor,
        from: u64,
    ) -> Result<BlobResponse, OciDistributionError> {
        client.pull_blob_stream_partial(reference, descriptor, from, None).await
    }

    /// The part of `bytes` not yet passed on, hashed; refuses a blob longer than the manifest says.
    fn take(&mut self, mut bytes: Bytes) -> io::Result<Option<Bytes>> {
        let skipped = self.skip.min(bytes.len() as u64) as usize;
        self.skip -= skipped as u64;
        let bytes = bytes.split_off(skipped);
        if bytes.is_empty() {
            return Ok(None);
        }
        self.received += bytes.len() as u64;
        if self.received > self.expected_size() {
            return Err(self.refused(format!("is longer than the {} bytes its manifest gives", self.expected_size())));
        }
        self.hasher.update(&bytes);
        Ok(Some(bytes))
    }

    fn expected_size(&self) -> u64 {
        u64::try_from(self.descriptor.size).unwrap_or(u64::MAX)
    }

    /// At the end: the size and digest must be the manifest's.
    fn check_whole(&mut self) -> io::Result<()> {
        if self.received != self.expected_size() {
            return Err(self.refused(format!(
                "ended after {} of the {} bytes its manifest gives",
                self.received,
                self.expected_size()
            )));
        }
        let digest = format!("sha256:{}", hex::encode(std::mem::take(&mut self.hasher).finalize()));
        if self.descriptor.digest.starts_with("sha256:") && digest != self.descriptor.digest {
            return Err(self.refused(format!("arrived with the digest {digest}")));
        }
        Ok(())
    }

    fn refused(&self, what: String) -> io::Error {
        let refused =
            RegistryError::BadBlob { registry: self.host.clone(), digest: self.descriptor.digest.clone(), what };
        io::Error::new(io::ErrorKind::InvalidData, refused)
    }
}

fn io_error(host: &str, error: OciDistributionError) -> io::Error {
    io::Error::other(RegistryError::from_client(host, error))
}
