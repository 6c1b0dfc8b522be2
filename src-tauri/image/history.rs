//! An image's history as the API gives it (`/images/{id}/history`, newest first), paired with its
//! layers: which steps made a layer, the bytes each adds, and the key of each layer's stack (its
//! "chain"), which two images share exactly when their stacks agree up to that layer.

use bollard::models::ImageHistoryResponseItem;
use sha2::{Digest, Sha256};

/// One layer of an image: the key of its chain, the bytes it adds and the step that made it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layer {
    /// The key of the stack up to this layer (hex SHA-256 of the diff ids below and its own): two
    /// images share this layer exactly when their chains are equal.
    pub chain: String,
    /// Bytes the layer adds, as the history says; 0 when no history step matched it.
    pub size: u64,
    /// The Dockerfile step that made it (`RUN make`); empty when the history does not say.
    pub command: String,
}

/// Pairs each layer (by diff id, bottom first) with its size from the history (newest first, as
/// the API returns it). The API does not say which history steps made a layer; a step did when
/// it has bytes or is a RUN/COPY/ADD. If that count does not match the layers, the steps with
/// bytes are laid on the top layers, the safer guess for sharing (bases are often empty-free).
pub fn chain_layers(diff_ids: &[String], history: &[ImageHistoryResponseItem]) -> Vec<Layer> {
    let oldest_first: Vec<&ImageHistoryResponseItem> = history.iter().rev().collect();
    let mut steps: Vec<&ImageHistoryResponseItem> =
        oldest_first.iter().copied().filter(|step| step.size > 0 || makes_layer(&step.created_by)).collect();
    if steps.len() != diff_ids.len() {
        steps = oldest_first.iter().copied().filter(|step| step.size > 0).collect();
        let skip = steps.len().saturating_sub(diff_ids.len());
        steps.drain(..skip);
    }
    // Steps are missing at the bottom when the history says less than the layers.
    let missing = diff_ids.len().saturating_sub(steps.len());
    let mut chain = String::new();
    diff_ids
        .iter()
        .enumerate()
        .map(|(index, diff_id)| {
            chain = hex::encode(Sha256::digest(format!("{chain} {diff_id}").as_bytes()));
            let step = index.checked_sub(missing).and_then(|at| steps.get(at));
            Layer {
                chain: chain.clone(),
                size: step.map_or(0, |s| s.size.max(0) as u64),
                command: step.map(|s| clean_command(&s.created_by)).unwrap_or_default(),
            }
        })
        .collect()
}

fn makes_layer(created_by: &str) -> bool {
    let step = created_by.trim_start_matches("/bin/sh -c ").trim();
    let instruction = step.trim_start_matches("#(nop)").trim_start();
    let first = instruction.split_whitespace().next().unwrap_or("");
    match first {
        "COPY" | "ADD" | "RUN" => true,
        _ => !step.starts_with("#(nop)") && !is_metadata(first),
    }
}

fn is_metadata(word: &str) -> bool {
    matches!(
        word,
        "ENV"
            | "LABEL"
            | "CMD"
            | "ENTRYPOINT"
            | "EXPOSE"
            | "USER"
            | "WORKDIR"
            | "ARG"
            | "VOLUME"
            | "STOPSIGNAL"
            | "HEALTHCHECK"
            | "SHELL"
            | "ONBUILD"
            | "MAINTAINER"
    )
}

/// `/bin/sh -c #(nop) COPY file:ab12 in /` reads better as `COPY file:ab12 in /`, and
/// `/bin/sh -c apt-get …` as `RUN apt-get …`.
pub fn clean_command(created_by: &str) -> String {
    let step = created_by.trim();
    match step.strip_prefix("/bin/sh -c ") {
        Some(rest) => match rest.trim_start().strip_prefix("#(nop)") {
            Some(instruction) => instruction.trim().to_string(),
            None => format!("RUN {}", rest.trim()),
        },
        None => {
            let step = step.trim_end_matches(" # buildkit");
            let first = step.split_whitespace().next().unwrap_or_default();
            let is_instruction = !first.is_empty() && first.bytes().all(|b| b.is_ascii_uppercase());
            // The classic builder records an exec-form RUN as its bare argument list.
            if is_instruction || step.is_empty() {
                step.to_string()
            } else {
                format!("RUN {step}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(created_by: &str, size: i64) -> ImageHistoryResponseItem {
        ImageHistoryResponseItem { created_by: created_by.into(), size, ..Default::default() }
    }

    #[test]
    fn layers_pair_with_the_history_steps_that_made_them() {
        // newest first, as the API answers
        let history = [
            step("/bin/sh -c #(nop)  CMD [\"sh\"]", 0),
            step("/bin/sh -c touch /x", 0),
            step("/bin/sh -c #(nop) COPY file:abc in /bin/busybox ", 1000),
            step("ENV A=1", 0),
        ];
        let layers = chain_layers(&["d1".into(), "d2".into()], &history);
        assert_eq!(layers.iter().map(|l| l.size).collect::<Vec<_>>(), [1000, 0]);
        assert_ne!(layers[0].chain, layers[1].chain);
    }

    #[test]
    fn history_steps_read_as_dockerfile_instructions() {
        assert_eq!(clean_command("/bin/sh -c #(nop) COPY file:ab in / "), "COPY file:ab in /");
        assert_eq!(clean_command("/bin/sh -c apt-get update"), "RUN apt-get update");
        assert_eq!(clean_command("RUN /bin/sh -c make # buildkit"), "RUN /bin/sh -c make");
        assert_eq!(clean_command("/bin/busybox sh -c true"), "RUN /bin/busybox sh -c true");
        assert_eq!(clean_command(""), "");
    }
}
