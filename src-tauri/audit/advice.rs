//! Waste advice: the bytes an image ships for nothing, each turned into the Dockerfile fix that
//! saves them — package managers' caches and lists kept in a layer, a file deleted by a later
//! layer (it still ships), a file written again in several layers, a layer that only changes the
//! permissions or owner of files below. Every figure comes from the layer index.

use rustc_hash::FxHashMap;

use super::files::entries;
use super::walk::Walk;
use super::{Finding, Kind, Place, Severity};
use crate::format::size;
use crate::image::{EntryKind, LayerChange, TreePath};

/// Less than this is not worth a change to the Dockerfile.
const WORTH_SAVING: u64 = 1_000_000;
/// From this much on, advice is `low` rather than `info`.
const LOW_FROM: u64 = 10_000_000;

/// The caches and lists package managers leave behind, with what removes them.
const CACHES: [(&str, &str, &str); 7] = [
    (
        "var/lib/apt/lists",
        "apt's package lists",
        "remove them in the same RUN (`rm -rf /var/lib/apt/lists/*`), or use a cache mount",
    ),
    ("var/cache/apt", "apt's downloaded packages", "run `apt-get clean` in the same RUN, or use a cache mount"),
    ("var/cache/apk", "apk's cache", "install with `apk add --no-cache`"),
    ("root/.cache/pip", "pip's cache", "install with `pip install --no-cache-dir`, or use a cache mount"),
    ("root/.npm", "npm's cache", "run `npm cache clean --force` in the same RUN, or use a cache mount"),
    ("usr/local/share/.cache/yarn", "yarn's cache", "run `yarn cache clean` in the same RUN, or use a cache mount"),
    ("root/.cache/go-build", "Go's build cache", "use a cache mount for /root/.cache/go-build"),
];

/// Every piece of advice for the image whose layers are `layers` and whose layers' commands are
/// `commands` (bottom first), largest saving first.
pub fn advice(layers: &[&[LayerChange]], commands: &[String], walk: &Walk) -> Vec<Finding> {
    let step = |layer: usize| match commands.get(layer).map(String::as_str) {
        Some("") | None => String::new(),
        Some(command) => format!(" (`{}`)", shortened(command)),
    };
    let mut found = caches_kept(layers, &step);
    found.extend(deleted_later(walk, &step));
    found.extend(written_again(walk));
    found.extend(metadata_only_layers(walk, &step));
    found.sort_by_key(|f| std::cmp::Reverse(f.bytes_saved));
    found
}

fn caches_kept(layers: &[&[LayerChange]], step: &dyn Fn(usize) -> String) -> Vec<Finding> {
    let mut bytes: FxHashMap<(usize, usize), u64> = FxHashMap::default();
    for (layer, entry) in entries(layers) {
        if entry.kind != EntryKind::File || entry.size == 0 {
            continue;
        }
        if let Some(cache) = CACHES.iter().position(|(folder, ..)| under(&entry.path, folder)) {
            *bytes.entry((layer, cache)).or_default() += entry.size;
        }
    }
    let mut found: Vec<Finding> = bytes
        .into_iter()
        .filter(|(_, bytes)| *bytes >= WORTH_SAVING)
        .map(|((layer, cache), bytes)| {
            let (folder, what, fix) = CACHES[cache];
            let message = format!("{} of {what} (/{folder}) in layer {layer}{}: {fix}", size(bytes), step(layer));
            advise("package-cache-kept", &format!("/{folder}"), layer, bytes, &message)
        })
        .collect();
    found.sort_by_key(|f| f.layer_added);
    found
}

fn deleted_later(walk: &Walk, step: &dyn Fn(usize) -> String) -> Vec<Finding> {
    walk.hidden
        .iter()
        .filter(|h| h.deleted && h.size >= WORTH_SAVING && !CACHES.iter().any(|(folder, ..)| under(&h.path, folder)))
        .map(|h| {
            let path = h.path.display();
            let message = format!(
                "{path}, {}, added in layer {}{} and deleted in layer {}: it is still shipped; delete it in the RUN that made it, or build it in an earlier stage",
                size(h.size),
                h.layer,
                step(h.layer),
                h.hidden_by
            );
            let mut finding = advise("deleted-in-later-layer", &path, h.layer, h.size, &message);
            finding.layer_hidden = Some(h.hidden_by);
            finding
        })
        .collect()
}

fn written_again(walk: &Walk) -> Vec<Finding> {
    let mut copies: FxHashMap<&TreePath, (Vec<usize>, u64)> = FxHashMap::default();
    for h in walk.hidden.iter().filter(|h| !h.deleted && !walk.only_changes_metadata(h.hidden_by)) {
        let (layers, bytes) = copies.entry(&h.path).or_default();
        layers.push(h.layer);
        *bytes += h.size;
    }
    let mut found: Vec<Finding> = copies
        .into_iter()
        .filter(|(_, (_, bytes))| *bytes >= WORTH_SAVING)
        .map(|(path, (layers, bytes))| {
            let last = walk.top.info(path).map(|now| now.layer);
            let path = path.display();
            let mut all: Vec<String> = layers.iter().map(usize::to_string).collect();
            all.extend(last.map(|layer| layer.to_string()));
            let message = format!(
                "{path} is written in {} layers ({}): {} of earlier copies still ship; write it once, in the last step that needs it",
                all.len(),
                all.join(", "),
                size(bytes)
            );
            advise("written-in-several-layers", &path, layers[0], bytes, &message)
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn metadata_only_layers(walk: &Walk, step: &dyn Fn(usize) -> String) -> Vec<Finding> {
    (0..walk.rewrites.len())
        .filter(|&layer| walk.only_changes_metadata(layer))
        .filter(|&layer| walk.rewrites[layer].metadata_only_bytes >= WORTH_SAVING)
        .map(|layer| {
            let rewrites = &walk.rewrites[layer];
            let message = format!(
                "Layer {layer}{} only changes the permissions or owner of {} files of earlier layers, storing their {} again: use `COPY --chown`/`--chmod`, or change them in the RUN that made them",
                step(layer),
                rewrites.metadata_only,
                size(rewrites.metadata_only_bytes)
            );
            advise("permissions-only-layer", &format!("layer {layer}"), layer, rewrites.metadata_only_bytes, &message)
        })
        .collect()
}

fn advise(rule: &str, path: &str, layer: usize, bytes: u64, message: &str) -> Finding {
    let severity = if bytes >= LOW_FROM { Severity::Low } else { Severity::Info };
    let mut finding = Finding::new(rule, Kind::Advice, severity, Place::File, path, message);
    finding.layer_added = Some(layer);
    finding.bytes_saved = Some(bytes);
    finding
}

/// Whether `path` is `folder` or inside it.
fn under(path: &TreePath, folder: &str) -> bool {
    path.as_bytes().strip_prefix(folder.as_bytes()).is_some_and(|rest| rest.is_empty() || rest.starts_with(b"/"))
}

/// A command cut to 60 characters, for a message.
fn shortened(command: &str) -> String {
    let mut chars = command.chars();
    let head: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::walk::walk;
    use crate::image::layer::tests::changes_of;

    #[test]
    fn caches_deleted_files_copies_and_a_chmod_layer_each_get_their_fix() {
        let big = vec![b'x'; 2_000_000];
        let base = changes_of(&[(b"app/bundle.js", "file", &big), (b"tmp/build.tar.gz", "file", &big)]);
        let apt = changes_of(&[(b"var/lib/apt/lists/deb_InRelease", "file", &big)]);
        let later = changes_of(&[(b"tmp/.wh.build.tar.gz", "file", b""), (b"app/bundle.js", "file", &big[1..])]);
        let mut chmod = changes_of(&[(b"app/bundle.js", "file", &big[1..])]);
        if let LayerChange::Entry(entry) = &mut chmod[0] {
            entry.mode = 0o600;
        }
        let layers: Vec<&[LayerChange]> = vec![&base, &apt, &later, &chmod];
        let commands = [
            "ADD rootfs.tar /",
            "RUN apt-get update && apt-get install -y curl",
            "RUN make",
            "RUN chmod -R go-rwx /app",
        ]
        .map(String::from);
        let found = advice(&layers, &commands, &walk(&layers));
        let rules: Vec<(&str, Option<usize>, Option<u64>)> =
            found.iter().map(|f| (f.rule.as_str(), f.layer_added, f.bytes_saved)).collect();
        assert!(rules.contains(&("package-cache-kept", Some(1), Some(2_000_000))), "{rules:?}");
        assert!(rules.contains(&("deleted-in-later-layer", Some(0), Some(2_000_000))), "{rules:?}");
        assert!(rules.contains(&("written-in-several-layers", Some(0), Some(2_000_000))), "{rules:?}");
        assert!(rules.contains(&("permissions-only-layer", Some(3), Some(1_999_999))), "{rules:?}");
        assert_eq!(found.len(), 4, "{found:?}");
        let apt_advice = found.iter().find(|f| f.rule == "package-cache-kept").unwrap();
        assert_eq!(
            apt_advice.message,
            "2 MB of apt's package lists (/var/lib/apt/lists) in layer 1 (`RUN apt-get update && apt-get install -y curl`): remove them in the same RUN (`rm -rf /var/lib/apt/lists/*`), or use a cache mount"
        );
    }
}
