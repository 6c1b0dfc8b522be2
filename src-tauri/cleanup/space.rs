//! Where the space is: every image's total, shared and unique bytes, each repository's (shared
//! layers counted once), the category each image falls in (in use, unused, dangling, old by the
//! retention policy), containers' writable layers, and, when the daemon was asked, volumes and
//! the build cache.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::df::BuildCacheFacts;
use super::df::VolumeUsage;
use super::facts::{layer_users, Facts};
use super::plan::{old_images, Policy};
use crate::chart::treemap::{Tile, TileGroup, Treemap};
use crate::chart::{ChartError, ChartTheme};
use crate::inventory::short_id;
use crate::names::split_reference;

/// The cleanup category of an image, by what uses it and what the retention policy says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// A container, running or stopped, uses it.
    InUse,
    /// Tagged, no container uses it.
    Unused,
    /// No tag, no container.
    Dangling,
    /// The retention policy lets all its tags go.
    Old,
}

impl Category {
    /// Every category, in the legend's order.
    pub const ALL: [Category; 4] = [Category::InUse, Category::Unused, Category::Dangling, Category::Old];

    /// Its colour in the treemap and the legend (red-green safe: blue, grey, orange, purple).
    pub fn colour(self) -> (u8, u8, u8) {
        match self {
            Category::InUse => (37, 99, 170),
            Category::Unused => (120, 128, 140),
            Category::Dangling => (214, 120, 30),
            Category::Old => (140, 80, 170),
        }
    }

    /// Its name in words ("in use", "unused", "dangling", "old").
    pub fn label(self) -> &'static str {
        match self {
            Category::InUse => "in use",
            Category::Unused => "unused",
            Category::Dangling => "dangling",
            Category::Old => "old",
        }
    }
}

/// One image's bytes, and the category it falls in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImageSpace {
    /// The full image id.
    pub id: String,
    /// The id's first 12 digits, as `docker images` shows it.
    pub short_id: String,
    /// Its `repository:tag` references; none for a dangling image.
    pub refs: Vec<String>,
    /// Its references joined, or its short id when it has none.
    pub name: String,
    /// Seconds since 1970.
    pub created: i64,
    /// The category it falls in.
    pub category: Category,
    /// How many containers (running or not) use it.
    pub containers: usize,
    /// Bytes of all its layers.
    pub size: u64,
    /// Bytes of its layers another image also uses.
    pub shared: u64,
    /// Bytes only it uses: what removing it alone frees.
    pub unique: u64,
    /// Its unique bytes plus an equal part of each shared layer: these add up to the disk used.
    pub attributed: u64,
}

/// The bytes of one repository's images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RepositorySpace {
    /// `<none>` for dangling images.
    pub repository: String,
    /// Indexes into [`Space::images`] of the images filed here (by their first reference).
    pub images: Vec<usize>,
    /// Bytes of its images' layers, shared ones once.
    pub size: u64,
    /// Bytes no image of another repository uses.
    pub unique: u64,
}

/// The bytes of every image in one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CategorySpace {
    /// The category counted.
    pub category: Category,
    /// How many images are in it.
    pub images: usize,
    /// Bytes of its images' layers, a layer two of them share counted once: for one image, its
    /// full size. It changes only when the category's own images change.
    pub size: u64,
    /// Sum of its images' unique bytes.
    pub unique: u64,
    /// Sum of its images' attributed bytes (see [`ImageSpace::attributed`]): their part of the
    /// disk, which moves when other images sharing their layers come and go.
    pub attributed: u64,
    /// What removing every image of the category frees: layers all of whose users are in it
    /// (none for images in use, which are never removed).
    pub reclaimable: u64,
}

/// One container's writable layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ContainerSpace {
    /// The full container id.
    pub id: String,
    /// Its name, without the leading `/`.
    pub name: String,
    /// Whether it is running (or paused, restarting or being removed).
    pub running: bool,
    /// Bytes of its writable layer.
    pub size_rw: u64,
}

/// Where the disk space goes: images, containers, and volumes and build cache when counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Space {
    /// Every image, in the order the daemon listed them.
    pub images: Vec<ImageSpace>,
    /// Largest first.
    pub repositories: Vec<RepositorySpace>,
    /// One entry for each category that has images, in [`Category::ALL`] order.
    pub categories: Vec<CategorySpace>,
    /// Bytes of all images, shared layers once.
    pub image_bytes: u64,
    /// Every container, running or not.
    pub containers: Vec<ContainerSpace>,
    /// Bytes of all containers' writable layers.
    pub container_bytes: u64,
    /// Stopped containers, and the bytes of their own layers.
    pub stopped_containers: usize,
    /// Bytes of the stopped containers' writable layers.
    pub stopped_container_bytes: u64,
    /// `None` until the daemon's accounting was read.
    pub build_cache: Option<BuildCacheFacts>,
    /// Every volume; `None` until the daemon's accounting was read.
    pub volumes: Option<Vec<VolumeUsage>>,
    /// The volumes' bytes (those the daemon could size), and those of volumes no container
    /// uses; `None` until counted.
    pub volume_bytes: Option<u64>,
    /// Bytes of the volumes no container mounts; `None` until counted.
    pub unused_volume_bytes: Option<u64>,
    /// How many volumes no container mounts; `None` until counted.
    pub unused_volumes: Option<usize>,
}

/// Where the space of `facts` is; `policy` says which images count as old.
pub fn space(facts: &Facts, volumes: Option<Vec<VolumeUsage>>, policy: &Policy, now: i64) -> Space {
    let layers = layer_users(&facts.images);
    let old = old_images(&facts.images, policy, now);
    let users = facts.users();
    let images: Vec<ImageSpace> = facts
        .images
        .iter()
        .map(|image| {
            let containers = users.get(image.id.as_str()).map_or(0, Vec::len);
            let category = if containers > 0 {
                Category::InUse
            } else if image.refs.is_empty() {
                Category::Dangling
            } else if old.contains(image.id.as_str()) {
                Category::Old
            } else {
                Category::Unused
            };
            let (mut size, mut shared, mut attributed) = (0, 0, 0);
            for layer in &image.layers {
                let (bytes, count) = layers[layer.chain.as_str()];
                size += bytes;
                attributed += bytes / count as u64;
                if count > 1 {
                    shared += bytes;
                }
            }
            ImageSpace {
                id: image.id.clone(),
                short_id: short_id(&image.id),
                refs: image.refs.clone(),
                name: if image.refs.is_empty() { short_id(&image.id) } else { image.refs.join(", ") },
                created: image.created,
                category,
                containers,
                size,
                shared,
                unique: size - shared,
                attributed,
            }
        })
        .collect();
    let containers: Vec<ContainerSpace> = facts
        .containers
        .iter()
        .map(|c| ContainerSpace { id: c.id.clone(), name: c.name.clone(), running: c.running, size_rw: c.size_rw })
        .collect();
    let stopped = || containers.iter().filter(|c| !c.running);
    let volume_sum = |unused_only: bool| {
        let volumes = volumes.as_ref()?;
        Some(volumes.iter().filter(|v| !unused_only || v.containers == 0).filter_map(|v| v.size).sum())
    };
    Space {
        repositories: repositories(facts, &images),
        categories: categories(facts, &images),
        image_bytes: layers.values().map(|(size, _)| size).sum(),
        container_bytes: containers.iter().map(|c| c.size_rw).sum(),
        stopped_containers: stopped().count(),
        stopped_container_bytes: stopped().map(|c| c.size_rw).sum(),
        volume_bytes: volume_sum(false),
        unused_volume_bytes: volume_sum(true),
        unused_volumes: volumes.as_ref().map(|v| v.iter().filter(|v| v.containers == 0).count()),
        containers,
        images,
        build_cache: facts.build_cache,
        volumes,
    }
}

/// The treemap of image space in `theme`: a block per repository, a tile per image sized by its
/// attributed bytes (so the areas add up to the disk used; a small image still gets a tile to
/// click) and coloured by category.
pub fn treemap(space: &Space, theme: ChartTheme, size: (u32, u32)) -> Result<Treemap, ChartError> {
    let groups: Vec<TileGroup> = space
        .repositories
        .iter()
        .map(|repository| TileGroup {
            label: format!("{} {}", repository.repository, crate::format::size(repository.size)),
            tiles: repository
                .images
                .iter()
                .map(|&index| {
                    let image = &space.images[index];
                    let tags: Vec<String> = image.refs.iter().map(|r| split_reference(r).1).collect();
                    let name = if tags.is_empty() { image.short_id.clone() } else { tags.join(", ") };
                    Tile {
                        key: image.id.clone(),
                        label: name,
                        bytes: image.attributed,
                        colour: image.category.colour(),
                    }
                })
                .collect(),
        })
        .collect();
    crate::chart::treemap::treemap(&groups, theme, size)
}

/// Images filed by their first reference's repository, each repository's bytes counted once.
fn repositories(facts: &Facts, images: &[ImageSpace]) -> Vec<RepositorySpace> {
    let mut filed: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, image) in images.iter().enumerate() {
        let repository = image.refs.first().map_or_else(|| "<none>".to_string(), |r| split_reference(r).0);
        filed.entry(repository).or_default().push(index);
    }
    // Which repositories use each layer.
    let mut owners: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (repository, members) in &filed {
        for &index in members {
            for layer in &facts.images[index].layers {
                owners.entry(layer.chain.as_str()).or_default().insert(repository.as_str());
            }
        }
    }
    let mut repositories: Vec<RepositorySpace> = filed
        .iter()
        .map(|(repository, members)| {
            let mut seen = HashSet::new();
            let (mut size, mut unique) = (0, 0);
            for &index in members {
                for layer in &facts.images[index].layers {
                    if seen.insert(layer.chain.as_str()) {
                        size += layer.size;
                        if owners[layer.chain.as_str()].len() == 1 {
                            unique += layer.size;
                        }
                    }
                }
            }
            RepositorySpace { repository: repository.clone(), images: members.clone(), size, unique }
        })
        .collect();
    repositories.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.repository.cmp(&b.repository)));
    repositories
}

fn categories(facts: &Facts, images: &[ImageSpace]) -> Vec<CategorySpace> {
    // The categories of each layer's users.
    let mut layer_categories: HashMap<&str, (u64, HashSet<Category>)> = HashMap::new();
    for (facts, image) in facts.images.iter().zip(images) {
        for layer in &facts.layers {
            let entry = layer_categories.entry(layer.chain.as_str()).or_insert((layer.size, HashSet::new()));
            entry.1.insert(image.category);
        }
    }
    let mut totals: BTreeMap<Category, CategorySpace> = BTreeMap::new();
    for image in images {
        let total = totals.entry(image.category).or_insert(CategorySpace {
            category: image.category,
            images: 0,
            size: 0,
            unique: 0,
            attributed: 0,
            reclaimable: 0,
        });
        total.images += 1;
        total.unique += image.unique;
        total.attributed += image.attributed;
    }
    for (size, categories) in layer_categories.values() {
        for category in categories {
            totals.get_mut(category).expect("counted above").size += size;
        }
        if categories.len() == 1 {
            let category = *categories.iter().next().expect("one category");
            if category != Category::InUse {
                totals.get_mut(&category).expect("counted above").reclaimable += size;
            }
        }
    }
    totals.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cleanup::facts::{test_image, ContainerFacts, ImageFacts};

    fn image(id: &str, refs: &[&str], chains: &[(&str, u64)]) -> ImageFacts {
        test_image(id, refs, 0, chains)
    }

    #[test]
    fn the_totals_the_window_shows_come_with_the_space() {
        let container = |id: &str, running: bool, size_rw: u64| crate::cleanup::ContainerFacts {
            id: id.into(),
            name: id.into(),
            image_id: "a1".into(),
            created: 0,
            running,
            size_rw,
            labels: Default::default(),
        };
        let facts = Facts {
            images: vec![image("a1", &["app:1", "app:latest"], &[("a1", 10)]), image("d", &[], &[("d", 5)])],
            containers: vec![container("web", true, 7), container("old", false, 3), container("older", false, 2)],
            build_cache: None,
        };
        let volume =
            |name: &str, size: Option<u64>, containers: u64| VolumeUsage { name: name.into(), size, containers };
        let volumes = vec![volume("data", Some(100), 1), volume("cache", Some(40), 0), volume("nfs", None, 0)];
        let space = space(&facts, Some(volumes), &Policy::default(), 0);
        assert_eq!((space.stopped_containers, space.stopped_container_bytes), (2, 5));
        assert_eq!(
            (space.volume_bytes, space.unused_volume_bytes, space.unused_volumes),
            (Some(140), Some(40), Some(2))
        );
        assert_eq!(space.images[0].name, "app:1, app:latest");
        assert_eq!(space.images[1].name, "d", "an untagged image goes by its short id");
        let uncounted = super::space(&facts, None, &Policy::default(), 0);
        assert_eq!((uncounted.volume_bytes, uncounted.unused_volumes), (None, None));
    }

    #[test]
    fn shared_layers_count_once_and_attributed_bytes_add_up_to_the_disk() {
        let facts = Facts {
            images: vec![
                image("a1", &["app:1"], &[("base", 100), ("a1", 10)]),
                image("a2", &["app:2"], &[("base", 100), ("a2", 20)]),
                image("t", &["tool:1"], &[("base", 100), ("t", 1)]),
                image("d", &[], &[("d", 5)]),
            ],
            containers: vec![ContainerFacts {
                id: "c".into(),
                name: "web".into(),
                image_id: "t".into(),
                created: 0,
                running: false,
                size_rw: 9,
                labels: Default::default(),
            }],
            build_cache: None,
        };
        let space = space(&facts, None, &Policy::default(), 0);
        assert_eq!(space.image_bytes, 136);
        assert_eq!(space.images.iter().map(|i| i.attributed).sum::<u64>(), 135, "100 split three ways rounds down");
        let a1 = &space.images[0];
        assert_eq!((a1.size, a1.shared, a1.unique, a1.category), (110, 100, 10, Category::Unused));
        assert_eq!(space.images[2].category, Category::InUse);
        assert_eq!(space.images[3].category, Category::Dangling);
        let app = &space.repositories[0];
        assert_eq!((app.repository.as_str(), app.size, app.unique), ("app", 130, 30), "the base is tool's too");
        assert_eq!(space.container_bytes, 9);
        let kinds: Vec<(Category, usize)> = space.categories.iter().map(|c| (c.category, c.images)).collect();
        assert_eq!(kinds, [(Category::InUse, 1), (Category::Unused, 2), (Category::Dangling, 1)]);
        let reclaimable: Vec<u64> = space.categories.iter().map(|c| c.reclaimable).collect();
        assert_eq!(reclaimable, [0, 30, 5], "the base stays with the image in use");
        let sizes: Vec<(u64, u64)> = space.categories.iter().map(|c| (c.size, c.attributed)).collect();
        assert_eq!(sizes, [(101, 34), (130, 96), (5, 5)], "in use: tool's full 101, its part 34");
    }

    #[test]
    fn an_image_in_use_counts_its_full_size_whatever_else_shares_its_layers() {
        let busybox = image("b", &["busybox:1.36"], &[("base", 1_700_000), ("own", 290_000)]);
        let user = ContainerFacts {
            id: "c".into(),
            name: "web".into(),
            image_id: "b".into(),
            created: 0,
            running: true,
            size_rw: 0,
            labels: Default::default(),
        };
        let sharing = |others: usize| Facts {
            images: std::iter::once(busybox.clone())
                .chain((0..others).map(|n| image(&format!("o{n}"), &[&format!("other:{n}")], &[("base", 1_700_000)])))
                .collect(),
            containers: vec![user.clone()],
            build_cache: None,
        };
        for others in [0, 1, 5] {
            let space = space(&sharing(others), None, &Policy::default(), 0);
            let in_use = &space.categories[0];
            assert_eq!(
                (in_use.category, in_use.images, in_use.size),
                (Category::InUse, 1, 1_990_000),
                "{others} others"
            );
            assert_eq!(in_use.attributed, 290_000 + 1_700_000 / (others as u64 + 1), "its part moves with the others");
        }
    }

    #[test]
    fn a_small_image_in_use_has_a_tile_in_either_theme() {
        let facts = Facts {
            images: vec![
                image("big", &["debian:12"], &[("debian", 75_000_000)]),
                image("b", &["busybox:1.36"], &[("debian", 75_000_000), ("own", 284_000)]),
            ],
            containers: vec![],
            build_cache: None,
        };
        let space = space(&facts, None, &Policy::default(), 0);
        for theme in [ChartTheme::Light, ChartTheme::Dark] {
            let map = treemap(&space, theme, (640, 300)).unwrap();
            let tile = map.tiles.iter().find(|t| t.key == "b").expect("busybox's tile");
            assert!(tile.rect.w >= 8.0 && tile.rect.h >= 8.0, "{:?}", tile.rect);
        }
    }
}
