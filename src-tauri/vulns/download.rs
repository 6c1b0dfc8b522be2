//! Downloading OSV's dumps (`BASE/ECOSYSTEM/all.zip`, as osv.dev's bucket lays them out) into
//! the database's `downloads/` folder, resumably: a cut download is kept as `ECOSYSTEM.zip.part`
//! with the server's validator (ETag or Last-Modified) beside it, and the next attempt asks only
//! for the rest — `If-Range`, so a dump that changed meanwhile starts again from the beginning.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, ETAG, IF_RANGE, LAST_MODIFIED, RANGE};
use reqwest::StatusCode;

use super::database::{Database, ImportSummary};
use super::VulnError;
use crate::progress::Reporter;

/// Where osv.dev publishes its dumps.
pub const OSV_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems downloaded when none are named: those whose packages Strata reads.
pub const DEFAULT_ECOSYSTEMS: [&str; 7] = ["Debian", "Ubuntu", "Alpine", "PyPI", "npm", "Go", "crates.io"];

/// Where dumps are downloaded from: `STRATA_OSV_URL` when set, else osv.dev.
pub fn osv_base_url() -> String {
    std::env::var("STRATA_OSV_URL").ok().filter(|url| !url.is_empty()).unwrap_or_else(|| OSV_BASE_URL.to_string())
}

/// Downloads `ecosystems`' dumps from `base` (all of [`DEFAULT_ECOSYSTEMS`] when empty) beside
/// the database at `database`, then imports them all at once, replacing those ecosystems'
/// advisories, and removes the downloaded files. A failure leaves the database as it was.
/// Must run on a multi-threaded runtime (the import blocks its thread).
pub async fn update(
    database: &Path,
    base: &str,
    ecosystems: &[String],
    reporter: &mut Reporter,
) -> Result<ImportSummary, VulnError> {
    let ecosystems: Vec<String> =
        if ecosystems.is_empty() { DEFAULT_ECOSYSTEMS.map(String::from).to_vec() } else { ecosystems.to_vec() };
    let folder = database.with_file_name("downloads");
    let dumps = download_dumps(base, &ecosystems, &folder, reporter).await?;
    let summary = tokio::task::block_in_place(|| Database::open(database)?.import(&dumps, reporter))?;
    for (file, _) in &dumps {
        let _ = std::fs::remove_file(file);
    }
    Ok(summary)
}

/// The URL of one ecosystem's dump under `base`.
pub fn dump_url(base: &str, ecosystem: &str) -> String {
    format!("{}/{ecosystem}/all.zip", base.trim_end_matches('/'))
}

/// Downloads each ecosystem's dump from `base` into `folder`, resuming any cut before; returns
/// each finished file with the URL it came from. A failure leaves the finished and partial files
/// for the next attempt.
async fn download_dumps(
    base: &str,
    ecosystems: &[String],
    folder: &Path,
    reporter: &mut Reporter,
) -> Result<Vec<(PathBuf, String)>, VulnError> {
    std::fs::create_dir_all(folder).map_err(|e| VulnError::file(folder, e))?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| VulnError::Download { url: base.to_string(), reason: e.to_string() })?;
    let mut finished = Vec::new();
    for ecosystem in ecosystems {
        let url = dump_url(base, ecosystem);
        let file = download_one(&http, &url, &folder.join(format!("{ecosystem}.zip")), reporter).await?;
        finished.push((file, url));
    }
    Ok(finished)
}

/// One download into `target`, by way of `target.part`.
async fn download_one(
    http: &reqwest::Client,
    url: &str,
    target: &Path,
    reporter: &mut Reporter,
) -> Result<PathBuf, VulnError> {
    let part = target.with_extension("zip.part");
    let validator_file = target.with_extension("zip.part.validator");
    let cut = |reason: String| VulnError::Download { url: url.to_string(), reason };
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let validator = std::fs::read_to_string(&validator_file).ok().filter(|v| !v.is_empty());
    let mut request = http.get(url);
    if let (true, Some(validator)) = (have > 0, &validator) {
        request = request.header(RANGE, format!("bytes={have}-")).header(IF_RANGE, validator.as_str());
    }
    let mut response = request.send().await.map_err(|e| cut(e.to_string()))?;
    let resumed = response.status() == StatusCode::PARTIAL_CONTENT;
    if !resumed && !response.status().is_success() {
        return Err(cut(format!("the server answered {}", response.status())));
    }
    let length = response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let start = if resumed { have } else { 0 };
    let total = length.map(|length| start + length);
    if !resumed {
        let validator =
            [ETAG, LAST_MODIFIED].iter().find_map(|h| response.headers().get(h)?.to_str().ok().map(str::to_string));
        std::fs::write(&validator_file, validator.unwrap_or_default())
            .map_err(|e| VulnError::file(&validator_file, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(resumed)
        .truncate(!resumed)
        .open(&part)
        .map_err(|e| VulnError::file(&part, e))?;
    reporter.start(&format!("Downloading {url}"), total);
    let mut done = start;
    loop {
        let chunk =
            response.chunk().await.map_err(|e| cut(format!("the connection was cut after {done} bytes ({e})")))?;
        let Some(chunk) = chunk else { break };
        file.write_all(&chunk).map_err(|e| VulnError::file(&part, e))?;
        done += chunk.len() as u64;
        reporter.update(done).map_err(|_| VulnError::Cancelled)?;
    }
    file.sync_all().map_err(|e| VulnError::file(&part, e))?;
    if let Some(total) = total.filter(|total| done != *total) {
        return Err(cut(format!("the connection was cut after {done} of {total} bytes")));
    }
    reporter.finish(done);
    std::fs::rename(&part, target).map_err(|e| VulnError::file(target, e))?;
    let _ = std::fs::remove_file(&validator_file);
    Ok(target.to_path_buf())
}
