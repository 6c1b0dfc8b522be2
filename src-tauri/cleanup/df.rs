//! The daemon's own disk accounting, `GET /system/df`: the only source for volume sizes and the
//! build cache, and the figure a plan's promised bytes are checked against. The daemon walks
//! every volume to answer, which can take minutes, so Strata asks only when these are wanted, and
//! the window asks in the background.
//!
//! bollard's `df` call decodes the newest API's answer, which has another shape than the
//! API 1.41 answer of Docker 20.10 and Podman; so the raw body is read and decoded here.

use std::time::Duration;

use bollard::Docker;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

use crate::engine::EngineError;

/// Time the daemon gets to count (volumes on a big host take long).
const DF_TIMEOUT: Duration = Duration::from_secs(600);
/// A name no image has: bollard's export call, rewritten to `/system/df`, carries it.
const PLACEHOLDER: &str = "strata-system-df-placeholder";

/// What `/system/df` says, in the parts Strata uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DaemonUsage {
    /// Bytes of all image layers, each once.
    pub layers_size: u64,
    /// The build cache's bytes and records.
    pub build_cache: BuildCacheFacts,
    /// Every volume, with its bytes and how many containers mount it.
    pub volumes: Vec<VolumeUsage>,
}

/// The build cache as the daemon counts it (`/system/df`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BuildCacheFacts {
    /// Bytes of all records not shared with image layers.
    pub total: u64,
    /// Of those, the bytes no build is using now: what pruning frees.
    pub reclaimable: u64,
    /// How many records the cache holds, shared ones included.
    pub records: usize,
}

/// One volume's size and users, as the daemon counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct VolumeUsage {
    /// The volume's name.
    pub name: String,
    /// Bytes, when the driver can tell (`None` for remote drivers).
    pub size: Option<u64>,
    /// Containers that mount it.
    pub containers: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawUsage {
    #[serde(default)]
    layers_size: i64,
    #[serde(default)]
    volumes: Option<Vec<RawVolume>>,
    #[serde(default)]
    build_cache: Option<Vec<RawCacheRecord>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawVolume {
    name: String,
    #[serde(default)]
    usage_data: Option<RawVolumeUsage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawVolumeUsage {
    size: i64,
    ref_count: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawCacheRecord {
    #[serde(default)]
    in_use: bool,
    #[serde(default)]
    shared: bool,
    #[serde(default)]
    size: i64,
}

/// Asks the daemon for its disk accounting.
pub async fn daemon_usage(docker: &Docker) -> Result<DaemonUsage, EngineError> {
    let rewritten = docker.clone().with_timeout(DF_TIMEOUT).with_request_modifier(|mut request| {
        let uri = request.uri().to_string();
        if let Some(at) = uri.find(&format!("/images/get?names={PLACEHOLDER}")) {
            if let Ok(new_uri) = format!("{}/system/df", &uri[..at]).parse() {
                *request.uri_mut() = new_uri;
            }
        }
        request
    });
    let chunks: Vec<bytes::Bytes> =
        rewritten.export_images(&[PLACEHOLDER]).try_collect().await.map_err(EngineError::from_api)?;
    decode(&chunks.concat())
}

fn decode(body: &[u8]) -> Result<DaemonUsage, EngineError> {
    let raw: RawUsage = serde_json::from_slice(body).map_err(|error| EngineError::Daemon {
        status: 200,
        message: format!("its disk usage answer could not be read: {error}"),
    })?;
    let records = raw.build_cache.unwrap_or_default();
    let unshared = records.iter().filter(|r| !r.shared);
    let build_cache = BuildCacheFacts {
        total: unshared.clone().map(|r| r.size.max(0) as u64).sum(),
        reclaimable: unshared.filter(|r| !r.in_use).map(|r| r.size.max(0) as u64).sum(),
        records: records.len(),
    };
    let volumes = raw
        .volumes
        .unwrap_or_default()
        .into_iter()
        .map(|volume| VolumeUsage {
            name: volume.name,
            size: volume.usage_data.as_ref().and_then(|u| u64::try_from(u.size).ok()),
            containers: volume.usage_data.map_or(0, |u| u.ref_count.max(0) as u64),
        })
        .collect();
    Ok(DaemonUsage { layers_size: raw.layers_size.max(0) as u64, build_cache, volumes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_1_41_answer_is_read_as_docker_counts_it() {
        let body = br#"{"LayersSize": 1000, "Images": [], "Containers": [],
            "Volumes": [{"Name": "data", "UsageData": {"Size": 42, "RefCount": 1}},
                        {"Name": "remote", "UsageData": {"Size": -1, "RefCount": 0}}],
            "BuildCache": [{"ID": "a", "InUse": false, "Shared": false, "Size": 10},
                           {"ID": "b", "InUse": true, "Shared": false, "Size": 20},
                           {"ID": "c", "InUse": false, "Shared": true, "Size": 40}]}"#;
        let usage = decode(body).unwrap();
        assert_eq!(usage.layers_size, 1000);
        assert_eq!(usage.build_cache, BuildCacheFacts { total: 30, reclaimable: 10, records: 3 });
        assert_eq!(usage.volumes[0], VolumeUsage { name: "data".into(), size: Some(42), containers: 1 });
        assert_eq!(usage.volumes[1].size, None);
        assert!(decode(b"{").is_err());
        assert_eq!(decode(br#"{"Volumes": null, "BuildCache": null}"#).unwrap(), DaemonUsage::default());
    }
}
