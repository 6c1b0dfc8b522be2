//! The cleanup plan: what to remove, chosen by category (dangling, unused and old images, stopped
//! containers, build cache) or by hand, and the exact bytes each item frees.
//!
//! Bytes are counted by layer: two images share a layer exactly when their layer stacks agree up
//! to it (its *chain*), and a layer's bytes are freed only when every image using it goes. The plan
//! frees, in its order, each layer whose last user it removes, so each item's figure is what it
//! frees given the items before it and the images that stay, and the items add up to the total.
//! Containers come first, so an image whose only containers the plan removes counts as unused;
//! an image a remaining container uses (running or stopped) is never in a plan.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::facts::{layer_users, ContainerFacts, Facts, ImageFacts};
use crate::names::{split_reference, ImageReference};

const DAY: i64 = 86_400;

/// Which tags of a repository count as old. Nothing is old when neither limit is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Retention {
    /// Keep this many of the newest tags.
    pub keep_newest: Option<usize>,
    /// Tags older than this many days are old (unless among the newest kept).
    pub older_than_days: Option<u64>,
    /// Tags never old: exact tags, or patterns where `*` stands for any text (`v*`, `latest`).
    pub keep_tags: Vec<String>,
}

impl Retention {
    fn is_set(&self) -> bool {
        self.keep_newest.is_some() || self.older_than_days.is_some()
    }

    /// Reads rules written `keep-newest:3,older-than:30,keep-tag:v*`.
    pub fn parse(rules: &str) -> Result<Retention, RuleError> {
        let mut retention = Retention::default();
        for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            let (name, value) = rule.split_once(':').ok_or_else(|| RuleError(format!("`{rule}` is not NAME:VALUE")))?;
            let number = || {
                value.trim().parse::<u64>().map_err(|_| RuleError(format!("`{rule}`: {value} is not a whole number")))
            };
            match name.trim() {
                "keep-newest" => retention.keep_newest = Some(number()? as usize),
                "older-than" => retention.older_than_days = Some(number()?),
                "keep-tag" => retention.keep_tags.push(value.trim().to_string()),
                other => {
                    return Err(RuleError(format!(
                        "`{other}` is not a rule (use keep-newest:N, older-than:DAYS, keep-tag:PATTERN)"
                    )))
                }
            }
        }
        Ok(retention)
    }
}

/// A retention rule Strata cannot read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(String);

impl crate::problem::Problem for RuleError {
    fn code(&self) -> crate::problem::ErrorCode {
        crate::problem::ErrorCode::InvalidInput
    }

    fn hint(&self) -> String {
        "Write one rule a line: app=keep-newest:3,older-than:30,keep-tag:v*".into()
    }
}

/// What to remove. The default removes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "CleanupPolicy")]
#[serde(default)]
pub struct Policy {
    /// Untagged images no container uses.
    pub dangling: bool,
    /// Tagged images no container uses.
    pub unused: bool,
    /// Old tags, for every repository without a rule of its own.
    pub retention: Retention,
    /// Rules for single repositories, replacing `retention` for them.
    pub repositories: BTreeMap<String, Retention>,
    /// Stopped containers created more than this many days ago.
    pub containers_older_than_days: Option<u64>,
    /// The build cache no build is using.
    pub build_cache: bool,
    /// Only images and containers carrying this label (`key` or `key=value`).
    pub label: Option<String>,
    /// Images (id, id prefix or reference) and containers (id prefix or name) picked by hand.
    pub chosen: Vec<String>,
    /// Images and containers (named the same ways) never to remove, whatever else says so.
    pub excluded: Vec<String>,
}

/// Reads a repository's rule written `REPOSITORY=RULES` (see [`Retention::parse`]).
pub fn parse_repository_rule(text: &str) -> Result<(String, Retention), RuleError> {
    let (repository, rules) = text
        .split_once('=')
        .ok_or_else(|| RuleError(format!("`{text}` is not REPOSITORY=RULES (app=keep-newest:3)")))?;
    Ok((repository.trim().to_string(), Retention::parse(rules)?))
}

/// What a plan item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A stopped container.
    Container,
    /// The build cache no build is using (one item for all of it).
    BuildCache,
    /// An image, with all its tags.
    Image,
}

/// Why an item is in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// No tag, no container.
    Dangling,
    /// Tagged, but no container uses it.
    Unused,
    /// Older than the retention policy keeps.
    Old,
    /// A stopped container older than the policy keeps.
    Stopped,
    /// Build cache no build is using.
    BuildCache,
    /// Picked by hand.
    Chosen,
}

/// One thing the plan removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PlanItem {
    /// Whether it is a container, the build cache or an image.
    pub kind: ItemKind,
    /// The full image or container id; `build-cache` for the build cache.
    pub id: String,
    /// An image's references, a container's name.
    pub refs: Vec<String>,
    /// What people call it: the first reference or name, an untagged image's short id, "Build cache".
    pub name: String,
    /// Why it is in the plan.
    pub reason: Reason,
    /// The bytes removing it frees, given the items before it and what stays.
    pub bytes_freed: u64,
}

/// Something picked by hand that the plan leaves alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Skipped {
    /// The image or container as people know it, or the name as given when nothing has it.
    pub name: String,
    /// The reason, in words for people ("it is running").
    pub why: String,
}

/// What to remove, in order, and the bytes it frees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Plan {
    /// What to remove, in the order to remove it: containers, the build cache, then images.
    pub items: Vec<PlanItem>,
    /// What was picked by hand but stays, and why.
    pub skipped: Vec<Skipped>,
    /// Bytes the whole plan frees: the sum of the items' `bytes_freed`.
    pub total_bytes_freed: u64,
    /// Images (shared layers once), containers' writable layers and the build cache when counted,
    /// before and after.
    pub bytes_before: u64,
    /// Bytes left once the plan is carried out.
    pub bytes_after: u64,
}

/// The plan `policy` makes of `facts` at time `now` (seconds since 1970).
pub fn plan(facts: &Facts, policy: &Policy, now: i64) -> Plan {
    let mut plan = Plan::default();
    let mut unmatched: Vec<&str> = policy.chosen.iter().map(String::as_str).collect();
    let removed_containers = plan_containers(facts, policy, now, &mut plan, &mut unmatched);
    if let Some(cache) = facts.build_cache.filter(|_| policy.build_cache) {
        plan.items.push(PlanItem {
            kind: ItemKind::BuildCache,
            id: "build-cache".into(),
            refs: vec![],
            name: "Build cache".into(),
            reason: Reason::BuildCache,
            bytes_freed: cache.reclaimable,
        });
    }
    plan_images(facts, policy, now, &removed_containers, &mut plan, &mut unmatched);
    plan.skipped.extend(
        unmatched
            .into_iter()
            .map(|name| Skipped { name: name.to_string(), why: "no image or container has this name".into() }),
    );
    let layers: u64 = layer_users(&facts.images).values().map(|(size, _)| size).sum();
    let containers: u64 = facts.containers.iter().map(|c| c.size_rw).sum();
    plan.bytes_before = layers + containers + facts.build_cache.map_or(0, |c| c.total);
    plan.total_bytes_freed = plan.items.iter().map(|i| i.bytes_freed).sum();
    plan.bytes_after = plan.bytes_before.saturating_sub(plan.total_bytes_freed);
    plan
}

/// Stopped containers old enough or picked by hand; returns their ids.
fn plan_containers<'a>(
    facts: &'a Facts,
    policy: &Policy,
    now: i64,
    plan: &mut Plan,
    unmatched: &mut Vec<&str>,
) -> HashSet<&'a str> {
    let mut removed = HashSet::new();
    for container in &facts.containers {
        let chosen = take_match(unmatched, |name| names_container(name, container));
        let old = policy.containers_older_than_days.is_some_and(|days| now - container.created >= days as i64 * DAY);
        let excluded = policy.excluded.iter().any(|name| names_container(name, container));
        if !(chosen || old) || excluded || !has_label(&container.labels, policy.label.as_deref()) {
            continue;
        }
        if container.running {
            if chosen {
                plan.skipped.push(Skipped { name: container.name.clone(), why: "it is running".into() });
            }
            continue;
        }
        removed.insert(container.id.as_str());
        plan.items.push(PlanItem {
            kind: ItemKind::Container,
            id: container.id.clone(),
            refs: vec![container.name.clone()],
            name: container.name.clone(),
            reason: if old { Reason::Stopped } else { Reason::Chosen },
            bytes_freed: container.size_rw,
        });
    }
    removed
}

fn plan_images(
    facts: &Facts,
    policy: &Policy,
    now: i64,
    removed_containers: &HashSet<&str>,
    plan: &mut Plan,
    unmatched: &mut Vec<&str>,
) {
    let mut users = layer_users(&facts.images);
    let old = old_images(&facts.images, policy, now);
    let mut remaining_users: HashMap<&str, Vec<&ContainerFacts>> = facts.users();
    for containers in remaining_users.values_mut() {
        containers.retain(|c| !removed_containers.contains(c.id.as_str()));
    }
    let mut chosen: Vec<(&ImageFacts, Reason)> = Vec::new();
    for image in &facts.images {
        let by_hand = take_match(unmatched, |name| names_image(name, image));
        let reason = if image.refs.is_empty() {
            policy.dangling.then_some(Reason::Dangling)
        } else if old.contains(image.id.as_str()) {
            Some(Reason::Old)
        } else {
            policy.unused.then_some(Reason::Unused)
        };
        let Some(reason) = reason.or(by_hand.then_some(Reason::Chosen)) else { continue };
        if policy.excluded.iter().any(|name| names_image(name, image)) {
            continue;
        }
        if !has_label(&image.labels, policy.label.as_deref()) {
            if by_hand {
                plan.skipped.push(Skipped { name: display_name(image), why: "it lacks the label asked for".into() });
            }
            continue;
        }
        if let Some(user) = remaining_users.get(image.id.as_str()).and_then(|u| u.first()) {
            if by_hand {
                let why = format!("container {} uses it", user.name);
                plan.skipped.push(Skipped { name: display_name(image), why });
            }
            continue;
        }
        chosen.push((image, reason));
    }
    // An image built on another has at least its layers and is newer: so most layers first,
    // then newest first, removes children before their parents, as the daemon requires.
    chosen.sort_by(|(a, _), (b, _)| b.layers.len().cmp(&a.layers.len()).then(b.created.cmp(&a.created)));
    for (image, reason) in chosen {
        let mut freed = 0;
        for layer in &image.layers {
            let (size, count) = users.get_mut(layer.chain.as_str()).expect("every layer is counted");
            *count -= 1;
            if *count == 0 {
                freed += *size;
            }
        }
        plan.items.push(PlanItem {
            kind: ItemKind::Image,
            id: image.id.clone(),
            refs: image.refs.clone(),
            name: display_name(image),
            reason,
            bytes_freed: freed,
        });
    }
}

/// Removes from `names` the first one `matches` accepts; says whether there was one.
fn take_match(names: &mut Vec<&str>, matches: impl Fn(&str) -> bool) -> bool {
    match names.iter().position(|name| matches(name)) {
        Some(at) => {
            names.remove(at);
            true
        }
        None => false,
    }
}

/// An image's first reference, or its short id.
pub fn display_name(image: &ImageFacts) -> String {
    image.refs.first().cloned().unwrap_or_else(|| crate::inventory::short_id(&image.id))
}

/// Whether `name` (an id, an id prefix of four or more digits, or a reference) names `image`.
fn names_image(name: &str, image: &ImageFacts) -> bool {
    let digits = name.trim_start_matches("sha256:");
    if image.id == name || (digits.len() >= 4 && image.id.trim_start_matches("sha256:").starts_with(digits)) {
        return true;
    }
    // Podman writes `docker.io/library/app:1` for `app:1`; a name without a tag means `latest`.
    let Ok(wanted) = ImageReference::parse(name) else { return false };
    image.refs.iter().filter_map(|r| ImageReference::parse(r).ok()).any(|r| r.same_tag_as(&wanted))
}

fn names_container(name: &str, container: &ContainerFacts) -> bool {
    container.id == name
        || container.name == name.trim_start_matches('/')
        || (name.len() >= 4 && container.id.starts_with(name))
}

/// Whether `labels` carry `wanted` (`key` or `key=value`); anything does when nothing is wanted.
fn has_label(labels: &BTreeMap<String, String>, wanted: Option<&str>) -> bool {
    match wanted.map(|w| w.split_once('=').unwrap_or((w, ""))) {
        None => true,
        Some((key, "")) => labels.contains_key(key),
        Some((key, value)) => labels.get(key).is_some_and(|v| v == value),
    }
}

/// Images whose every tag the retention rules let go (the repository's own rule, or the default).
pub fn old_images<'a>(images: &'a [ImageFacts], policy: &Policy, now: i64) -> HashSet<&'a str> {
    // Each repository's tags, newest first.
    let mut repositories: HashMap<String, Vec<(String, &ImageFacts)>> = HashMap::new();
    for image in images {
        for reference in &image.refs {
            let (repository, tag) = split_reference(reference);
            repositories.entry(repository).or_default().push((tag, image));
        }
    }
    let mut kept: HashSet<&str> = HashSet::new();
    let mut judged: HashSet<&str> = HashSet::new();
    for (repository, tags) in repositories.iter_mut() {
        let retention = policy.repositories.get(repository).unwrap_or(&policy.retention);
        for (_, image) in tags.iter() {
            judged.insert(image.id.as_str());
        }
        if !retention.is_set() {
            kept.extend(tags.iter().map(|(_, image)| image.id.as_str()));
            continue;
        }
        // Newest first; tags made in the same second, the greater name first (`2` before `1`).
        tags.sort_by(|a, b| b.1.created.cmp(&a.1.created).then(b.0.cmp(&a.0)));
        for (rank, (tag, image)) in tags.iter().enumerate() {
            let newest = retention.keep_newest.is_some_and(|n| rank < n);
            let young = retention.older_than_days.is_some_and(|days| now - image.created < days as i64 * DAY);
            let protected = retention.keep_tags.iter().any(|pattern| wildcard_match(pattern, tag));
            // With both limits, a tag goes when it is neither among the newest nor young enough.
            if protected || newest || young {
                kept.insert(image.id.as_str());
            }
        }
    }
    judged.difference(&kept).copied().collect()
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, refs: &[&str], days_old: i64, chains: &[(&str, u64)]) -> ImageFacts {
        super::super::facts::test_image(id, refs, 100 * DAY - days_old * DAY, chains)
    }

    fn container(id: &str, image_id: &str, days_old: i64, running: bool, size_rw: u64) -> ContainerFacts {
        ContainerFacts {
            id: id.into(),
            name: format!("c-{id}"),
            image_id: image_id.into(),
            created: 100 * DAY - days_old * DAY,
            running,
            size_rw,
            labels: BTreeMap::new(),
        }
    }

    /// base (100) shared by app:1, app:2 and app:3; each adds its own layer; a dangling leftover;
    /// app:3 has a running container.
    fn facts() -> Facts {
        Facts {
            images: vec![
                image("a1", &["app:1"], 30, &[("base", 100), ("a1", 10)]),
                image("a2", &["app:2"], 10, &[("base", 100), ("a2", 20)]),
                image("a3", &["app:3", "app:latest"], 1, &[("base", 100), ("a3", 30)]),
                image("d", &[], 50, &[("base", 100), ("d", 5)]),
            ],
            containers: vec![container("c3", "a3", 1, true, 7)],
            build_cache: None,
        }
    }

    fn now() -> i64 {
        100 * DAY
    }

    fn ids(plan: &Plan) -> Vec<(&str, Reason)> {
        plan.items.iter().map(|i| (i.id.as_str(), i.reason)).collect()
    }

    #[test]
    fn bytes_are_freed_by_the_item_that_removes_a_layers_last_user() {
        let policy = Policy { dangling: true, unused: true, ..Default::default() };
        let plan = plan(&facts(), &policy, now());
        let freed: Vec<(&str, u64)> = plan.items.iter().map(|i| (i.id.as_str(), i.bytes_freed)).collect();
        assert_eq!(freed, [("a2", 20), ("a1", 10), ("d", 5)], "newest first; the base stays: app:3 uses it");
        assert_eq!((plan.bytes_before, plan.total_bytes_freed, plan.bytes_after), (172, 35, 137));
    }

    #[test]
    fn every_item_is_named_as_people_know_it() {
        let mut facts = facts();
        facts.containers.push(container("c9", "a3", 90, false, 1));
        facts.build_cache = Some(crate::cleanup::BuildCacheFacts { total: 9, reclaimable: 4, records: 2 });
        let policy =
            Policy { dangling: true, build_cache: true, containers_older_than_days: Some(30), ..Default::default() };
        let names: Vec<String> = plan(&facts, &policy, now()).items.into_iter().map(|i| i.name).collect();
        assert_eq!(names, ["c-c9", "Build cache", "d"], "a container's name, the cache, an untagged image's short id");
    }

    #[test]
    fn the_last_users_of_a_shared_layer_free_it() {
        let mut facts = facts();
        facts.containers.clear();
        let plan = plan(&facts, &Policy { dangling: true, unused: true, ..Default::default() }, now());
        assert_eq!(plan.total_bytes_freed, 165);
        assert_eq!(plan.items.last().map(|i| i.bytes_freed), Some(105), "the last to go, d, frees the base");
    }

    #[test]
    fn an_image_in_use_is_never_in_a_plan_even_picked_by_hand() {
        let policy = Policy { chosen: vec!["app:3".into(), "nothing:here".into()], ..Default::default() };
        let plan = plan(&facts(), &policy, now());
        assert!(plan.items.is_empty());
        assert_eq!(plan.skipped.len(), 2);
        assert_eq!(plan.skipped[0].why, "container c-c3 uses it");
        assert_eq!(plan.skipped[1].name, "nothing:here");
    }

    #[test]
    fn removing_a_stopped_container_makes_its_image_unused() {
        let mut facts = facts();
        facts.containers = vec![container("c2", "a2", 40, false, 3), container("c1", "a1", 2, false, 4)];
        let policy = Policy { unused: true, containers_older_than_days: Some(30), ..Default::default() };
        let plan = plan(&facts, &policy, now());
        assert_eq!(
            ids(&plan),
            [("c2", Reason::Stopped), ("a3", Reason::Unused), ("a2", Reason::Unused)],
            "c1 is young, so app:1 stays in use"
        );
        assert_eq!(plan.items[0].bytes_freed, 3);
    }

    #[test]
    fn categories_and_the_retention_policy_choose_images() {
        let select = |policy: Policy| {
            plan(&facts(), &policy, now()).items.iter().map(|i| (i.id.clone(), i.reason)).collect::<Vec<_>>()
        };
        let pick = |id: &str, reason| (id.to_string(), reason);
        assert_eq!(select(Policy { dangling: true, ..Default::default() }), [pick("d", Reason::Dangling)]);
        let retention = |keep_newest, older_than_days, keep_tags: &[&str]| Policy {
            retention: Retention {
                keep_newest,
                older_than_days,
                keep_tags: keep_tags.iter().map(|t| t.to_string()).collect(),
            },
            ..Default::default()
        };
        // app:latest, app:3 (both a3), app:2 are the newest three tags; with two, app:2 goes too.
        assert_eq!(select(retention(Some(3), None, &[])), [pick("a1", Reason::Old)]);
        assert_eq!(select(retention(Some(2), None, &[])), [pick("a2", Reason::Old), pick("a1", Reason::Old)]);
        assert_eq!(select(retention(None, Some(20), &[])), [pick("a1", Reason::Old)]);
        assert_eq!(select(retention(None, Some(5), &["1*"])), [pick("a2", Reason::Old)], "app:1 matches 1*");
        // Both limits: a tag goes when it is neither among the newest two nor younger than 20 days.
        assert_eq!(select(retention(Some(2), Some(20), &[])), [pick("a1", Reason::Old)]);
    }

    #[test]
    fn a_repositorys_own_rule_replaces_the_default() {
        let mut facts = facts();
        facts.images.push(image("t1", &["tool:1"], 60, &[("t1", 50)]));
        let policy = Policy {
            retention: Retention { older_than_days: Some(20), ..Default::default() },
            repositories: [("tool".to_string(), Retention::parse("keep-newest:1").unwrap())].into(),
            ..Default::default()
        };
        let plan = plan(&facts, &policy, now());
        assert_eq!(ids(&plan), [("a1", Reason::Old)], "tool:1 is tool's newest");
        assert_eq!(
            parse_repository_rule("localhost:5000/app=older-than:7,keep-tag:v*").unwrap().0,
            "localhost:5000/app"
        );
        assert!(Retention::parse("keep-newest:x").is_err());
        assert!(parse_repository_rule("app").is_err());
    }

    #[test]
    fn what_is_excluded_stays_whatever_the_categories_say() {
        let policy =
            Policy { dangling: true, unused: true, excluded: vec!["app:1".into(), "d".into()], ..Default::default() };
        assert_eq!(ids(&plan(&facts(), &policy, now())), [("a2", Reason::Unused)]);
    }

    #[test]
    fn a_label_limits_what_is_touched() {
        let mut facts = facts();
        facts.images[0].labels.insert("strata.test".into(), "1".into());
        let policy = Policy { dangling: true, unused: true, label: Some("strata.test=1".into()), ..Default::default() };
        assert_eq!(ids(&plan(&facts, &policy, now())), [("a1", Reason::Unused)]);
    }

    #[test]
    fn build_cache_is_planned_when_counted_and_asked_for() {
        let mut facts = facts();
        facts.build_cache = Some(super::super::df::BuildCacheFacts { total: 50, reclaimable: 40, records: 3 });
        let plan = plan(&facts, &Policy { build_cache: true, ..Default::default() }, now());
        assert_eq!(ids(&plan), [("build-cache", Reason::BuildCache)]);
        assert_eq!((plan.bytes_before, plan.total_bytes_freed), (222, 40));
    }

    #[test]
    fn wildcards_and_references() {
        assert!(wildcard_match("v*", "v1.2"));
        assert!(wildcard_match("*-rc*", "1.0-rc2"));
        assert!(!wildcard_match("latest", "latest2"));
        assert!(wildcard_match("*", ""));
        let a1 = image("sha256:abcdef", &["app:latest"], 0, &[]);
        assert!(names_image("app", &a1) && names_image("abcd", &a1) && !names_image("abc", &a1));
        let podman = image("sha256:0123", &["docker.io/team/app:2"], 0, &[]);
        assert!(names_image("team/app:2", &podman) && names_image("docker.io/team/app:2", &podman));
    }
}
