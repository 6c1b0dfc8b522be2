//! An image read from the daemon as a stream and summed up: each layer with the command that
//! made it, its size and what it added, modified and removed; the merged tree's size; and the
//! efficiency figures. The export (`GET /images/{name}/get`) is read as it arrives and never held
//! whole in memory or on disk.

use bollard::Docker;
use futures_util::TryStreamExt;
use serde::Serialize;
use tokio_util::io::{StreamReader, SyncIoBridge};

use super::archive::{read_archive, ImageArchive};
use super::efficiency::{efficiency, layer_size, Efficiency};
use super::tree::FileTree;
use super::ImageError;
use crate::engine::EngineError;

/// One layer as the user sees it.
#[derive(Debug, Clone, Serialize)]
pub struct LayerSummary {
    pub index: usize,
    /// The Dockerfile step that made it, from the image history.
    pub command: String,
    /// Bytes of the files it writes.
    pub size: u64,
    pub added: usize,
    pub modified: usize,
    pub removed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageAnalysis {
    pub reference: String,
    pub layers: Vec<LayerSummary>,
    /// Bytes of the files in the final filesystem.
    pub visible_size: u64,
    pub efficiency: Efficiency,
}

/// Exports `reference` from the daemon and analyses it as the bytes arrive. `progress` hears
/// the archive bytes read so far.
pub async fn analyze(
    docker: &Docker,
    reference: &str,
    progress: impl FnMut(u64) + Send + 'static,
) -> Result<ImageAnalysis, ImageError> {
    docker.inspect_image(reference).await.map_err(|e| ImageError::Engine(EngineError::from_api(e)))?;
    let stream = docker.export_image(reference).map_err(std::io::Error::other);
    let reader = SyncIoBridge::new(StreamReader::new(stream));
    let archive = tokio::task::spawn_blocking(move || read_archive(reader, progress))
        .await
        .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))??;
    Ok(summarize(reference, &archive))
}

/// Sums up an archive already read.
pub fn summarize(reference: &str, archive: &ImageArchive) -> ImageAnalysis {
    let commands = layer_commands(&archive.config, archive.layers.len());
    let mut tree = FileTree::new();
    let layers = archive
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let diff = tree.apply(index, &layer.changes);
            LayerSummary {
                index,
                command: commands[index].clone(),
                size: layer_size(&layer.changes),
                added: diff.added.len(),
                modified: diff.modified.len(),
                removed: diff.removed.len(),
            }
        })
        .collect();
    let changes: Vec<&[_]> = archive.layers.iter().map(|l| l.changes.as_slice()).collect();
    ImageAnalysis {
        reference: reference.to_string(),
        layers,
        visible_size: tree.total_size(),
        efficiency: efficiency(&changes),
    }
}

/// The history steps that made layers (those not marked `empty_layer`), one per layer; steps
/// missing from the history read as empty.
fn layer_commands(config: &serde_json::Value, layers: usize) -> Vec<String> {
    let mut commands: Vec<String> = config["history"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .filter(|step| !step["empty_layer"].as_bool().unwrap_or(false))
                .map(|step| clean_command(step["created_by"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    commands.resize(layers, String::new());
    commands
}

/// `/bin/sh -c #(nop) COPY file:ab12 in /` reads better as `COPY file:ab12 in /`, and
/// `/bin/sh -c apt-get …` as `RUN apt-get …`.
fn clean_command(created_by: &str) -> String {
    let step = created_by.trim();
    match step.strip_prefix("/bin/sh -c ") {
        Some(rest) => match rest.trim_start().strip_prefix("#(nop)") {
            Some(instruction) => instruction.trim().to_string(),
            None => format!("RUN {}", rest.trim()),
        },
        None => step.trim_end_matches(" # buildkit").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_steps_read_as_dockerfile_instructions() {
        assert_eq!(clean_command("/bin/sh -c #(nop) COPY file:ab in / "), "COPY file:ab in /");
        assert_eq!(clean_command("/bin/sh -c apt-get update"), "RUN apt-get update");
        assert_eq!(clean_command("RUN /bin/sh -c make # buildkit"), "RUN /bin/sh -c make");
    }

    #[test]
    fn empty_layer_steps_are_skipped_when_pairing_commands_with_layers() {
        let config = serde_json::json!({"history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:1 in /"},
            {"created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": true},
            {"created_by": "/bin/sh -c make"}
        ]});
        assert_eq!(layer_commands(&config, 3), ["ADD file:1 in /", "RUN make", ""]);
    }
}
