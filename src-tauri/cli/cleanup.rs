//! `strata space` (where the space is, and the family tree of images), `strata prune` (a plan
//! with the exact bytes each item frees, then `--apply`) and `strata load` (an archive back).

use std::path::PathBuf;

use clap::Args;

use super::{connect, new_table, print_json, ErrorCode, Failure, OutputArgs};
use crate::cleanup::{self, ApplyEvent, ApplyOptions, Branch, Outcome, Plan, Policy, Retention, Space};
use crate::format;
use crate::inventory::shared::LayerCache;
use crate::progress::Cancel;

/// The categories and the retention policy, the same for `space` (which images are old) and
/// `prune` (what to remove).
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Remove untagged images no container uses.
    #[arg(long)]
    pub dangling: bool,
    /// Remove tagged images no container uses.
    #[arg(long)]
    pub unused: bool,
    /// Old tags: keep only this many of the newest tags in each repository.
    #[arg(long, value_name = "N")]
    pub keep_newest: Option<usize>,
    /// Old tags: those created more than this many days ago (unless among the newest kept).
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<u64>,
    /// Never count these tags as old (repeatable; `*` stands for any text: `latest`, `v*`).
    #[arg(long, value_name = "PATTERN")]
    pub keep_tag: Vec<String>,
    /// A repository's own retention rules, replacing the ones above for it (repeatable):
    /// `app=keep-newest:3,older-than:30,keep-tag:v*`.
    #[arg(long = "repo", value_name = "REPO=RULES", value_parser = cleanup::parse_repository_rule)]
    pub repositories: Vec<(String, Retention)>,
    /// Remove stopped containers created more than this many days ago (0: every stopped one).
    #[arg(long, value_name = "DAYS")]
    pub containers_older_than: Option<u64>,
    /// Remove the build cache no build is using (the daemon counts it, which may take a while).
    #[arg(long)]
    pub build_cache: bool,
    /// Touch only images and containers with this label (`key` or `key=value`).
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,
    /// Remove this image (reference, id) or stopped container (name, id) too (repeatable).
    #[arg(long, value_name = "NAME")]
    pub pick: Vec<String>,
    /// Never remove this image or container, whatever the options above say (repeatable).
    #[arg(long, value_name = "NAME")]
    pub exclude: Vec<String>,
}

impl PolicyArgs {
    fn policy(&self) -> Policy {
        Policy {
            dangling: self.dangling,
            unused: self.unused,
            retention: Retention {
                keep_newest: self.keep_newest,
                older_than_days: self.older_than,
                keep_tags: self.keep_tag.clone(),
            },
            repositories: self.repositories.iter().cloned().collect(),
            containers_older_than_days: self.containers_older_than,
            build_cache: self.build_cache,
            label: self.label.clone(),
            chosen: self.pick.clone(),
            excluded: self.exclude.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct SpaceArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also print the family tree: images arranged by the base layers they share.
    #[arg(long)]
    pub tree: bool,
    /// Skip volumes and the build cache, which only the daemon's slow `/system/df` can count.
    #[arg(long)]
    pub quick: bool,
    /// Also draw the treemap of image space (repositories → images, coloured by category) to
    /// this SVG file.
    #[arg(long, value_name = "FILE")]
    pub treemap: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Carry the plan out (without it, the plan is only shown).
    #[arg(long)]
    pub apply: bool,
    /// Only show the plan (the default; says so in scripts).
    #[arg(long, conflicts_with = "apply")]
    pub plan: bool,
    /// With --apply: save each image to an archive in this folder before removing it
    /// (`strata load FILE` brings it back).
    #[arg(long, value_name = "FOLDER", requires = "apply")]
    pub save_to: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// An archive made by `strata prune --save-to` or `docker save`.
    pub archive: PathBuf,
}

#[derive(serde::Serialize)]
struct SpaceReport<'a> {
    #[serde(flatten)]
    space: &'a Space,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<Vec<Branch>>,
}

pub async fn space(endpoint: Option<String>, args: SpaceArgs) -> Result<(), Failure> {
    let connection = connect(endpoint).await?;
    let (facts, usage) = cleanup::survey(&connection.docker, &LayerCache::user(), !args.quick).await?;
    let space = cleanup::space(&facts, usage.map(|u| u.volumes), &args.policy.policy(), format::now());
    let family = args.tree.then(|| cleanup::family_tree(&facts.images));
    if let Some(file) = &args.treemap {
        let map = cleanup::space::treemap(&space, crate::chart::ChartTheme::Light, (1200, 700))
            .map_err(|e| Failure::new(ErrorCode::FileSystem, e.to_string()))?;
        std::fs::write(file, map.svg)
            .map_err(|e| Failure::new(ErrorCode::FileSystem, format!("cannot write {}: {e}", file.display())))?;
    }
    if args.output.json {
        print_json(&SpaceReport { space: &space, family });
        return Ok(());
    }
    print_space(&space);
    if let Some(family) = family {
        println!("\nFamily tree (bytes each branch adds, and with everything built on it):");
        for branch in &family {
            print_branch(branch, 0);
        }
    }
    Ok(())
}

fn print_space(space: &Space) {
    let mut table = new_table(&["KIND", "COUNT", "SIZE", "RECLAIMABLE"]);
    for category in &space.categories {
        let name = serde_json::to_value(category.category).ok().and_then(|v| v.as_str().map(String::from));
        table.add_row(vec![
            format!("images, {}", name.unwrap_or_default()),
            category.images.to_string(),
            format::size(category.size),
            format::size(category.reclaimable),
        ]);
    }
    table.add_row(vec![
        "containers".into(),
        space.containers.len().to_string(),
        format::size(space.container_bytes),
        format::size(space.stopped_container_bytes),
    ]);
    if let (Some(volumes), Some(bytes), Some(unused)) = (&space.volumes, space.volume_bytes, space.unused_volume_bytes)
    {
        table.add_row(vec!["volumes".into(), volumes.len().to_string(), format::size(bytes), format::size(unused)]);
    }
    if let Some(cache) = &space.build_cache {
        table.add_row(vec![
            "build cache".into(),
            cache.records.to_string(),
            format::size(cache.total),
            format::size(cache.reclaimable),
        ]);
    }
    println!("{table}");
    println!("\nImages take {} (shared layers once). By repository:", format::size(space.image_bytes));
    let mut table = new_table(&["REPOSITORY", "IMAGES", "SIZE", "UNIQUE"]);
    for repository in &space.repositories {
        table.add_row(vec![
            repository.repository.clone(),
            repository.images.len().to_string(),
            format::size(repository.size),
            format::size(repository.unique),
        ]);
    }
    println!("{table}");
}

fn print_branch(branch: &Branch, depth: usize) {
    let names: Vec<&str> = branch.images.iter().map(|i| i.name.as_str()).collect();
    let layers = if branch.layers == 1 { "1 layer".to_string() } else { format!("{} layers", branch.layers) };
    let names = if names.is_empty() { String::new() } else { format!("  {}", names.join(", ")) };
    println!(
        "{}+{} ({layers}; {} with what is built on it){names}",
        "  ".repeat(depth),
        format::size(branch.bytes),
        format::size(branch.branch_bytes)
    );
    for child in &branch.children {
        print_branch(child, depth + 1);
    }
}

/// Shows the plan, or applies it; `Ok(false)` when an item failed.
pub async fn prune(endpoint: Option<String>, args: PruneArgs) -> Result<bool, Failure> {
    let connection = connect(endpoint).await?;
    let policy = args.policy.policy();
    let (facts, _) = cleanup::survey(&connection.docker, &LayerCache::user(), policy.build_cache).await?;
    let plan = cleanup::plan(&facts, &policy, format::now());
    if !args.apply {
        if args.output.json {
            print_json(&plan);
        } else {
            print_plan(&plan);
        }
        return Ok(true);
    }
    let options = ApplyOptions { save_to: args.save_to };
    let mut on_event = |event: ApplyEvent| report_event(&plan, event);
    let report = cleanup::apply(&connection.docker, &plan, &options, &Cancel::new(), &mut on_event).await;
    if args.output.json {
        #[derive(serde::Serialize)]
        struct Applied<'a> {
            plan: &'a Plan,
            report: &'a cleanup::ApplyReport,
        }
        print_json(&Applied { plan: &plan, report: &report });
    }
    eprintln!(
        "{} removed, {} skipped, {} failed, {} not attempted; {} freed",
        report.removed,
        report.skipped,
        report.failed,
        report.not_attempted,
        format::size(report.bytes_freed)
    );
    Ok(report.failed == 0 && report.not_attempted == 0)
}

fn item_name(plan: &Plan, index: usize) -> String {
    plan.items[index].name.clone()
}

fn report_event(plan: &Plan, event: ApplyEvent) {
    match event {
        ApplyEvent::Started { .. } => {}
        ApplyEvent::Saving { index, archive } => {
            eprintln!("saving {} to {}", item_name(plan, index), archive.display())
        }
        ApplyEvent::Finished { index, outcome } => {
            let name = item_name(plan, index);
            match outcome {
                Outcome::Removed { bytes_freed, .. } => eprintln!("removed {name} ({})", format::size(bytes_freed)),
                Outcome::Skipped { why } => eprintln!("kept {name}: {why}"),
                Outcome::Failed { error } => eprintln!("failed {name}: {error}"),
                Outcome::NotAttempted => eprintln!("not attempted: {name}"),
            }
        }
    }
}

fn print_plan(plan: &Plan) {
    if plan.items.is_empty() {
        println!("Nothing to remove. Choose what to: --dangling, --unused, --keep-newest N, --older-than DAYS, --containers-older-than DAYS, --build-cache, --pick NAME.");
    } else {
        let mut table = new_table(&["KIND", "NAME", "ID", "REASON", "FREES"]);
        for (index, item) in plan.items.iter().enumerate() {
            let kind = serde_json::to_value(item.kind).ok().and_then(|v| v.as_str().map(String::from));
            let reason = serde_json::to_value(item.reason).ok().and_then(|v| v.as_str().map(String::from));
            table.add_row(vec![
                kind.unwrap_or_default(),
                item_name(plan, index),
                crate::inventory::short_id(&item.id),
                reason.unwrap_or_default(),
                format::size(item.bytes_freed),
            ]);
        }
        println!("{table}");
    }
    for skipped in &plan.skipped {
        println!("kept {}: {}", skipped.name, skipped.why);
    }
    println!(
        "\nFrees {} of {} ({} after). `strata prune --apply` with the same options carries it out.",
        format::size(plan.total_bytes_freed),
        format::size(plan.bytes_before),
        format::size(plan.bytes_after)
    );
}

pub async fn load(endpoint: Option<String>, args: LoadArgs) -> Result<(), Failure> {
    let connection = connect(endpoint).await?;
    for line in cleanup::restore(&connection.docker, &args.archive).await? {
        println!("{line}");
    }
    Ok(())
}
