//! The cleanup plan: images chosen by category (dangling, unused, old by a retention policy) or
//! by hand, and the exact bytes each frees.
//!
//! Bytes are counted by layer: two images share a layer exactly when their layer stacks agree up
//! to it (its *chain*), and a layer's bytes are freed only when every image using it goes. The plan
//! frees, in its order, each layer whose last user it removes, so each item's figure is what it
//! frees given the items before it and the images that stay, and the items add up to the total.
//! An image a container uses (running or stopped) is never chosen.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::inventory::shared::Layer;

/// What the plan needs to know of one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    pub id: String,
    /// `repository:tag` references; none for a dangling image.
    pub refs: Vec<String>,
    /// Seconds since 1970.
    pub created: i64,
    /// Bottom first, keyed by chain.
    pub layers: Vec<Layer>,
    /// Containers (running or stopped) created from it.
    pub containers: usize,
}

/// Which images count as old.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub dangling: bool,
    pub unused: bool,
    /// Keep this many of the newest tags in each repository.
    pub keep_newest: Option<usize>,
    /// Remove tags older than this many days.
    pub older_than_days: Option<u64>,
    /// Tags never removed by age (`latest`, `v1.2`): exact tags, or prefixes ending in `*`.
    pub keep_tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// No tag, no container.
    Dangling,
    /// Tagged, but no container uses it.
    Unused,
    /// Older than the policy keeps.
    Old,
    /// Picked by hand.
    Chosen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanItem {
    pub id: String,
    pub refs: Vec<String>,
    pub reason: Reason,
    /// The bytes removing it frees, given the items before it and the images that stay.
    pub bytes_freed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub items: Vec<PlanItem>,
    pub total_bytes_freed: u64,
    /// All images' bytes (shared layers once), before and after.
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// The images `policy` chooses, each with its reason (an image in use is never chosen).
pub fn select(images: &[ImageFacts], policy: &Policy, now: i64) -> Vec<(String, Reason)> {
    let old = old_images(images, policy, now);
    images
        .iter()
        .filter(|image| image.containers == 0)
        .filter_map(|image| {
            let reason = if image.refs.is_empty() {
                policy.dangling.then_some(Reason::Dangling)
            } else if old.contains(image.id.as_str()) {
                Some(Reason::Old)
            } else {
                policy.unused.then_some(Reason::Unused)
            };
            Some((image.id.clone(), reason?))
        })
        .collect()
}

/// Images whose every tag the retention policy lets go.
fn old_images<'a>(images: &'a [ImageFacts], policy: &Policy, now: i64) -> HashSet<&'a str> {
    if policy.keep_newest.is_none() && policy.older_than_days.is_none() {
        return HashSet::new();
    }
    // Each repository's tags, newest first.
    let mut repositories: HashMap<&str, Vec<(&str, &ImageFacts)>> = HashMap::new();
    for image in images {
        for reference in &image.refs {
            let (repository, tag) = reference.rsplit_once(':').unwrap_or((reference, "latest"));
            repositories.entry(repository).or_default().push((tag, image));
        }
    }
    let mut kept: HashSet<&str> = HashSet::new();
    for tags in repositories.values_mut() {
        tags.sort_by(|a, b| b.1.created.cmp(&a.1.created).then(a.0.cmp(b.0)));
        for (rank, (tag, image)) in tags.iter().enumerate() {
            let newest = policy.keep_newest.is_some_and(|n| rank < n);
            let young = policy.older_than_days.is_none_or(|days| now - image.created < days as i64 * 86_400);
            let protected = policy.keep_tags.iter().any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => tag.starts_with(prefix),
                None => tag == pattern,
            });
            // A tag stays when a keep pattern names it, when it is among the newest N, or when it is
            // younger than the age limit.
            let keep = protected || newest || (policy.older_than_days.is_some() && young);
            if keep {
                kept.insert(image.id.as_str());
            }
        }
    }
    images.iter().filter(|i| !i.refs.is_empty() && !kept.contains(i.id.as_str())).map(|i| i.id.as_str()).collect()
}

/// The plan for removing `chosen` (in that order): each item's bytes and the totals.
pub fn plan(images: &[ImageFacts], chosen: &[(String, Reason)]) -> Plan {
    let by_id: HashMap<&str, &ImageFacts> = images.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut users: HashMap<&str, usize> = HashMap::new();
    let mut sizes: HashMap<&str, u64> = HashMap::new();
    for image in images {
        for layer in &image.layers {
            *users.entry(layer.chain.as_str()).or_default() += 1;
            sizes.insert(layer.chain.as_str(), layer.size);
        }
    }
    let bytes_before = sizes.values().sum();
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    for (id, reason) in chosen {
        let Some(image) = by_id.get(id.as_str()) else { continue };
        if image.containers > 0 || !seen.insert(id.as_str()) {
            continue; // never an image in use; each image once
        }
        let mut freed = 0;
        for layer in &image.layers {
            let count = users.get_mut(layer.chain.as_str()).expect("counted above");
            *count -= 1;
            if *count == 0 {
                freed += layer.size;
            }
        }
        items.push(PlanItem { id: id.clone(), refs: image.refs.clone(), reason: *reason, bytes_freed: freed });
    }
    let total_bytes_freed = items.iter().map(|i| i.bytes_freed).sum();
    Plan { items, total_bytes_freed, bytes_before, bytes_after: bytes_before - total_bytes_freed }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn image(id: &str, refs: &[&str], days_old: i64, chains: &[(&str, u64)], containers: usize) -> ImageFacts {
        ImageFacts {
            id: id.into(),
            refs: refs.iter().map(|r| r.to_string()).collect(),
            created: 100 * DAY - days_old * DAY,
            layers: chains
                .iter()
                .map(|(c, s)| Layer { chain: c.to_string(), size: *s, command: String::new() })
                .collect(),
            containers,
        }
    }

    /// base (100) shared by app:1, app:2 and app:3; each adds its own layer; a dangling leftover.
    fn images() -> Vec<ImageFacts> {
        vec![
            image("a1", &["app:1"], 30, &[("base", 100), ("a1", 10)], 0),
            image("a2", &["app:2"], 10, &[("base", 100), ("a2", 20)], 0),
            image("a3", &["app:3", "app:latest"], 1, &[("base", 100), ("a3", 30)], 1),
            image("d", &[], 50, &[("base", 100), ("d", 5)], 0),
        ]
    }

    #[test]
    fn bytes_are_freed_by_the_item_that_removes_a_layers_last_user() {
        let chosen = vec![
            ("a1".to_string(), Reason::Chosen),
            ("a2".to_string(), Reason::Chosen),
            ("d".to_string(), Reason::Dangling),
        ];
        let plan = plan(&images(), &chosen);
        let freed: Vec<(&str, u64)> = plan.items.iter().map(|i| (i.id.as_str(), i.bytes_freed)).collect();
        assert_eq!(freed, [("a1", 10), ("a2", 20), ("d", 5)], "the base stays: app:3 uses it");
        assert_eq!((plan.bytes_before, plan.total_bytes_freed, plan.bytes_after), (165, 35, 130));
    }

    #[test]
    fn an_image_in_use_is_never_in_a_plan() {
        let plan = plan(&images(), &[("a3".to_string(), Reason::Chosen)]);
        assert!(plan.items.is_empty());
        assert_eq!(plan.total_bytes_freed, 0);
    }

    #[test]
    fn categories_and_the_retention_policy_choose_images() {
        let dangling = select(&images(), &Policy { dangling: true, ..Default::default() }, 100 * DAY);
        assert_eq!(dangling, [("d".to_string(), Reason::Dangling)]);
        let unused = select(&images(), &Policy { unused: true, ..Default::default() }, 100 * DAY);
        assert_eq!(unused.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["a1", "a2"], "app:3 is in use");
        // app:latest, app:3 (both a3), app:2 are the newest three tags; with two, app:2 goes too.
        let newest_three = Policy { keep_newest: Some(3), ..Default::default() };
        assert_eq!(select(&images(), &newest_three, 100 * DAY), [("a1".to_string(), Reason::Old)]);
        let newest_two = Policy { keep_newest: Some(2), ..Default::default() };
        assert_eq!(select(&images(), &newest_two, 100 * DAY).len(), 2);
        let younger_than_20_days = Policy { older_than_days: Some(20), ..Default::default() };
        assert_eq!(select(&images(), &younger_than_20_days, 100 * DAY), [("a1".to_string(), Reason::Old)]);
        let keep_release = Policy { older_than_days: Some(5), keep_tags: vec!["1*".into()], ..Default::default() };
        assert_eq!(select(&images(), &keep_release, 100 * DAY), [("a2".to_string(), Reason::Old)], "app:1 matches 1*");
    }
}
