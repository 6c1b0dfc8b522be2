//! Image rows (one per tag, like `docker images`) and the query that filters and sorts them.

use std::cmp::Ordering;
use std::collections::HashMap;

use bollard::models::{ContainerSummary, ImageSummary};
use serde::{Deserialize, Serialize};

use crate::names::ImageReference;

use super::short_id;

/// One line of the Images screen and of `strata images`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImageRow {
    /// Unique per row: the id and the reference.
    pub key: String,
    /// The full image id (`sha256:…`).
    pub id: String,
    /// The id's first 12 digits, as `docker images` shows it.
    pub short_id: String,
    /// `<none>` for untagged images.
    pub repository: String,
    /// `<none>` for untagged images.
    pub tag: String,
    /// Unix seconds.
    pub created: i64,
    /// Bytes of all its layers.
    pub size: u64,
    /// Bytes of layers it shares with at least one other local image; `None` until computed.
    pub shared_size: Option<u64>,
    /// Containers, running or stopped, created from it.
    pub containers: u32,
    /// No tag and no digest points at it.
    pub dangling: bool,
}

impl ImageRow {
    /// `repository:tag` as the row shows them (`<none>:<none>` for a dangling image).
    pub fn reference(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }

    /// Whether a container, running or stopped, was created from it.
    pub fn in_use(&self) -> bool {
        self.containers > 0
    }
}

/// Builds one row per tag, counting the containers that use each image.
pub fn image_rows(images: &[ImageSummary], containers: &[ContainerSummary]) -> Vec<ImageRow> {
    let mut users: HashMap<&str, u32> = HashMap::new();
    for container in containers {
        if let Some(image_id) = container.image_id.as_deref() {
            *users.entry(image_id).or_default() += 1;
        }
    }
    images
        .iter()
        .flat_map(|image| {
            let containers = users.get(image.id.as_str()).copied().unwrap_or(0);
            references(image).into_iter().map(move |(repository, tag)| ImageRow {
                key: format!("{}|{repository}:{tag}", image.id),
                id: image.id.clone(),
                short_id: short_id(&image.id),
                dangling: repository == "<none>" && tag == "<none>",
                repository,
                tag,
                created: image.created,
                size: image.size.max(0) as u64,
                shared_size: None,
                containers,
            })
        })
        .collect()
}

/// The (repository, tag) pairs an image is known by; `<none>` where Docker shows `<none>`.
fn references(image: &ImageSummary) -> Vec<(String, String)> {
    let tags: Vec<(String, String)> = image
        .repo_tags
        .iter()
        .filter(|t| t.as_str() != "<none>:<none>")
        .map(|t| {
            let (repository, tag) = crate::names::split_reference(t);
            (repository.to_string(), tag.to_string())
        })
        .collect();
    if !tags.is_empty() {
        return tags;
    }
    let digested = image
        .repo_digests
        .iter()
        .filter(|d| d.as_str() != "<none>@<none>")
        .filter_map(|d| d.split_once('@'))
        .map(|(repo, _)| (repo.to_string(), "<none>".to_string()))
        .next();
    vec![digested.unwrap_or_else(|| ("<none>".into(), "<none>".into()))]
}

/// Columns rows can be sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ImageSort {
    /// By repository name.
    Repository,
    /// By tag.
    Tag,
    /// By image id.
    Id,
    /// By when the image was created.
    #[default]
    Created,
    /// By the bytes of all its layers.
    Size,
    /// By the bytes it shares with other images (not yet counted sorts as smallest).
    SharedSize,
    /// By how many containers use it.
    Containers,
}

/// What the user asked to see.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct ImageQuery {
    /// Case-insensitive text found in the reference or the id.
    pub text: String,
    /// Keep only dangling images (no tag, no digest).
    pub dangling_only: bool,
    /// Keep only images a container (running or stopped) was created from.
    pub in_use_only: bool,
    /// The column to sort by.
    pub sort: ImageSort,
    /// Reverse the order: largest, newest or last in the alphabet first.
    pub descending: bool,
}

impl ImageQuery {
    fn matches(&self, row: &ImageRow, needle: &str) -> bool {
        (!self.dangling_only || row.dangling)
            && (!self.in_use_only || row.in_use())
            && (needle.is_empty()
                || row.reference().to_lowercase().contains(needle)
                || row.id.trim_start_matches("sha256:").starts_with(needle))
    }

    /// The rows that match, in the asked order (ties broken by reference, then id).
    pub fn apply(&self, rows: &[ImageRow]) -> Vec<ImageRow> {
        let needle = self.text.trim().to_lowercase();
        let mut kept: Vec<ImageRow> = rows.iter().filter(|r| self.matches(r, &needle)).cloned().collect();
        kept.sort_by(|a, b| {
            let primary = compare_by(self.sort, a, b);
            let primary = if self.descending { primary.reverse() } else { primary };
            primary.then_with(|| a.reference().cmp(&b.reference())).then_with(|| a.id.cmp(&b.id))
        });
        kept
    }
}

/// The references to compare with, newest first: when `reference` is given, its repository's
/// other tags come first (however the repository is spelt: `docker.io/library/app` is `app`),
/// then every other tagged image; `reference` itself is left out.
pub fn comparison_choices(rows: &[ImageRow], reference: Option<&str>) -> Vec<String> {
    let mut tagged: Vec<&ImageRow> = rows.iter().filter(|row| !row.dangling).collect();
    tagged.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.reference().cmp(&b.reference())));
    let wanted = reference.and_then(|r| ImageReference::parse(r).ok());
    let repository_of = |row: &ImageRow| ImageReference::parse(&row.reference()).ok().map(|r| r.familiar_repository());
    let same_repository = |row: &ImageRow| {
        wanted.as_ref().is_some_and(|wanted| repository_of(row).as_deref() == Some(&*wanted.familiar_repository()))
    };
    let is_reference = |row: &ImageRow| {
        let parsed = ImageReference::parse(&row.reference()).ok();
        matches!((&wanted, parsed), (Some(wanted), Some(row)) if wanted.same_tag_as(&row))
    };
    let (first, rest): (Vec<&ImageRow>, Vec<&ImageRow>) =
        tagged.into_iter().filter(|row| !is_reference(row)).partition(|row| same_repository(row));
    let mut choices: Vec<String> = Vec::new();
    for row in first.into_iter().chain(rest) {
        let text = row.reference();
        if !choices.contains(&text) {
            choices.push(text);
        }
    }
    choices
}

fn compare_by(sort: ImageSort, a: &ImageRow, b: &ImageRow) -> Ordering {
    match sort {
        ImageSort::Repository => a.repository.cmp(&b.repository),
        ImageSort::Tag => a.tag.cmp(&b.tag),
        ImageSort::Id => a.id.cmp(&b.id),
        ImageSort::Created => a.created.cmp(&b.created),
        ImageSort::Size => a.size.cmp(&b.size),
        ImageSort::SharedSize => a.shared_size.cmp(&b.shared_size),
        ImageSort::Containers => a.containers.cmp(&b.containers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(reference: &str, created: i64) -> ImageRow {
        let (repository, tag) = crate::names::split_reference(reference);
        ImageRow {
            key: reference.into(),
            id: format!("sha256:{created}"),
            short_id: created.to_string(),
            repository,
            tag,
            created,
            size: 1,
            shared_size: None,
            containers: 0,
            dangling: false,
        }
    }

    #[test]
    fn a_repositorys_other_tags_are_offered_first_for_a_comparison() {
        let rows = [row("web:3", 9), row("api:1", 8), row("web:2", 7), row("web:1", 6), row("base:latest", 5)];
        assert_eq!(comparison_choices(&rows, Some("web:2")), ["web:3", "web:1", "api:1", "base:latest"]);
        let registry = [row("app:1", 3), row("registry:5000/team/app:2", 2), row("registry:5000/team/app:1", 1)];
        assert_eq!(
            comparison_choices(&registry, Some("registry:5000/team/app:1")),
            ["registry:5000/team/app:2", "app:1"],
            "a registry's port is not a tag"
        );
        assert_eq!(
            comparison_choices(&registry, Some("docker.io/library/app:1")),
            ["registry:5000/team/app:2", "registry:5000/team/app:1"]
        );
        assert_eq!(comparison_choices(&rows, None).len(), 5);
    }

    fn summary(id: &str, tags: &[&str], size: i64, created: i64) -> ImageSummary {
        ImageSummary {
            id: id.into(),
            repo_tags: tags.iter().map(|t| t.to_string()).collect(),
            size,
            created,
            ..Default::default()
        }
    }

    fn used_by(image_id: &str) -> ContainerSummary {
        ContainerSummary { image_id: Some(image_id.into()), ..Default::default() }
    }

    #[test]
    fn one_row_per_tag_and_untagged_images_are_dangling() {
        let images = [
            summary("sha256:aaaa1111bbbb2222", &["app:1", "registry:5000/team/app:2"], 10, 1),
            summary("sha256:cccc", &["<none>:<none>"], 5, 2),
            summary("sha256:dddd", &[], 5, 3),
        ];
        let rows = image_rows(&images, &[used_by("sha256:aaaa1111bbbb2222"), used_by("sha256:aaaa1111bbbb2222")]);
        let refs: Vec<_> = rows.iter().map(|r| (r.repository.as_str(), r.tag.as_str(), r.dangling)).collect();
        assert_eq!(
            refs,
            [
                ("app", "1", false),
                ("registry:5000/team/app", "2", false),
                ("<none>", "<none>", true),
                ("<none>", "<none>", true)
            ]
        );
        assert_eq!(rows[0].containers, 2);
        assert_eq!(rows[0].short_id, "aaaa1111bbbb");
        assert_eq!(rows[2].containers, 0);
    }

    #[test]
    fn an_image_known_only_by_digest_is_not_dangling() {
        let mut image = summary("sha256:eeee", &[], 1, 1);
        image.repo_digests = vec!["debian@sha256:1234".into()];
        let rows = image_rows(&[image], &[]);
        assert_eq!((rows[0].repository.as_str(), rows[0].tag.as_str(), rows[0].dangling), ("debian", "<none>", false));
    }

    #[test]
    fn query_filters_by_text_dangling_and_use_then_sorts() {
        let images = [
            summary("sha256:1111", &["web:latest"], 300, 30),
            summary("sha256:2222", &["worker:latest"], 100, 10),
            summary("sha256:3333", &[], 200, 20),
        ];
        let rows = image_rows(&images, &[used_by("sha256:2222")]);
        let by_size = ImageQuery { sort: ImageSort::Size, descending: true, ..Default::default() };
        assert_eq!(by_size.apply(&rows).iter().map(|r| r.size).collect::<Vec<_>>(), [300, 200, 100]);
        let text = ImageQuery { text: "WEB".into(), ..Default::default() };
        assert_eq!(text.apply(&rows).len(), 1);
        let by_id = ImageQuery { text: "3333".into(), ..Default::default() };
        assert!(by_id.apply(&rows)[0].dangling);
        let dangling = ImageQuery { dangling_only: true, ..Default::default() };
        assert_eq!(dangling.apply(&rows).len(), 1);
        let in_use = ImageQuery { in_use_only: true, ..Default::default() };
        assert_eq!(in_use.apply(&rows)[0].repository, "worker");
    }

    #[test]
    fn sorting_a_thousand_rows_keeps_every_row() {
        let images: Vec<_> =
            (0..1000).map(|i| summary(&format!("sha256:{i:04}"), &[&format!("r{}:t", i % 7)], i, 1000 - i)).collect();
        let rows = image_rows(&images, &[]);
        for sort in [ImageSort::Repository, ImageSort::Created, ImageSort::Size, ImageSort::SharedSize] {
            assert_eq!(ImageQuery { sort, ..Default::default() }.apply(&rows).len(), 1000);
        }
    }
}
