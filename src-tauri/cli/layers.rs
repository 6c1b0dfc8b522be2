//! The layer explorer's subcommands: `inspect` (layers, efficiency, hidden bytes), `tree` (one
//! layer's files or the merged tree), `check` (the CI gate) and `cache` (the index cache).

use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::{connect, new_table, print_json, OutputArgs};
use crate::engine::Connection;
use crate::format;
use crate::image::gate::{Outcome, Rules};
use crate::image::{self, Image, ImageAnalysis, ImageSource, IndexCache, TreeView, ViewOptions};
use crate::platform::{confirm_held, Platform};
use crate::problem::{ErrorCode, Failure};
use crate::progress::{Cancel, Reporter};

/// Which image: one the daemon has, one in a registry, or an archive file read with no daemon.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The image: a reference (`name:tag`), an id, or `registry://HOST/REPOSITORY:TAG`.
    #[arg(required_unless_present = "archive", conflicts_with = "archive")]
    pub image: Option<String>,
    /// Read a `docker save` or OCI archive file instead (no daemon needed).
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// Which platform of a multi-platform image in a registry or archive (default: this machine's);
    /// for a daemon's image, a check that it is that platform.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]", value_parser = parse_platform)]
    pub platform: Option<Platform>,
}

impl ImageArgs {
    /// The image these arguments name: an archive file, or a reference the daemon or a registry knows.
    pub(super) fn source(&self) -> ImageSource {
        let source = match (&self.image, &self.archive) {
            (_, Some(path)) => ImageSource::Archive(path.clone(), None),
            (Some(reference), None) => ImageSource::named(reference),
            (None, None) => unreachable!("clap requires one of them"),
        };
        source.on_platform(self.platform.clone())
    }
}

/// `--platform` for a daemon's image or a container's, checked against the platform it is
/// (`held`): the daemon keeps one platform of an image, so there it confirms, never chooses.
pub(super) fn confirm_platform(
    source: &ImageSource,
    wanted: Option<&Platform>,
    held: Option<Platform>,
) -> Result<(), Failure> {
    if !source.needs_daemon() {
        return Ok(());
    }
    Ok(confirm_held(wanted, held)?)
}

/// `--platform linux/arm64`, as clap reads it.
pub(super) fn parse_platform(text: &str) -> Result<Platform, String> {
    Platform::parse(text).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub image: ImageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct TreeArgs {
    #[command(flatten)]
    pub image: ImageArgs,
    /// The layer to show, counted from 0 at the bottom (default: the top layer).
    #[arg(long, value_name = "N")]
    pub layer: Option<usize>,
    /// Show everything up to that layer, not only what the layer itself holds.
    #[arg(long)]
    pub aggregated: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub image: ImageArgs,
    /// The rules file, in dive's `.dive-ci` format (default: `.dive-ci` when it exists, else
    /// dive's defaults).
    #[arg(long, value_name = "FILE")]
    pub ci_config: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Remove everything the cache holds.
    #[arg(long)]
    pub clear: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A progress bar on the terminal (drawn only when stderr is one).
pub(super) fn progress_bar() -> ProgressBar {
    ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
            .expect("the template is valid"),
    )
}

/// A reporter drawing on `bar`.
pub(super) fn reporter_on(bar: &ProgressBar) -> Reporter {
    let shown = bar.clone();
    Reporter::new(
        "",
        move |progress| {
            shown.set_message(progress.task.clone());
            shown.set_length(progress.total_bytes.unwrap_or(0).max(progress.done_bytes));
            shown.set_position(progress.done_bytes);
        },
        Cancel::new(),
    )
}

async fn connect_for(endpoint: Option<String>, source: &ImageSource) -> Result<Option<Connection>, Failure> {
    Ok(if source.needs_daemon() { Some(connect(endpoint).await?) } else { None })
}

/// Loads an image's layers through the user's cache.
async fn load(endpoint: Option<String>, args: &ImageArgs) -> Result<Image, Failure> {
    let source = args.source();
    let image = load_source(endpoint, &source).await?;
    confirm_platform(&source, args.platform.as_ref(), Platform::of_config(&image.config))?;
    Ok(image)
}

/// Loads the image `source` names through the user's cache, with a progress bar.
pub(super) async fn load_source(endpoint: Option<String>, source: &ImageSource) -> Result<Image, Failure> {
    let (daemon, reporter, bar) = prepare(endpoint, source).await?;
    let image = image::load(daemon.as_ref(), source, &IndexCache::user(), reporter).await;
    bar.finish_and_clear();
    Ok(image?)
}

/// Loads the images `sources` name through the user's cache, with one progress bar; those the
/// daemon must export are exported together, so layers they share are read once.
pub(super) async fn load_sources(endpoint: Option<String>, sources: &[ImageSource]) -> Result<Vec<Image>, Failure> {
    let needs_daemon = sources.iter().any(|source| matches!(source, ImageSource::Daemon(_)));
    let daemon = if needs_daemon { Some(connect(endpoint).await?) } else { None };
    let bar = progress_bar();
    let images = image::load_all(daemon.as_ref(), sources, &IndexCache::user(), &|| reporter_on(&bar)).await;
    bar.finish_and_clear();
    Ok(images?)
}

/// An image's figures, from the cache when it was summed up before.
async fn summary(endpoint: Option<String>, args: &ImageArgs) -> Result<ImageAnalysis, Failure> {
    let source = args.source();
    let (daemon, reporter, bar) = prepare(endpoint, &source).await?;
    let analysis = image::inspect(daemon.as_ref(), &source, &IndexCache::user(), reporter).await;
    bar.finish_and_clear();
    let analysis = analysis?;
    confirm_platform(&source, args.platform.as_ref(), Platform::parse(&analysis.platform).ok())?;
    Ok(analysis)
}

/// What reading an image needs: the daemon (for a daemon image) and a progress bar.
async fn prepare(
    endpoint: Option<String>,
    source: &ImageSource,
) -> Result<(Option<Connection>, Reporter, ProgressBar), Failure> {
    let daemon = connect_for(endpoint, source).await?;
    let bar = progress_bar();
    Ok((daemon, reporter_on(&bar), bar))
}

pub async fn inspect(endpoint: Option<String>, args: InspectArgs) -> Result<(), Failure> {
    let analysis = summary(endpoint, &args.image).await?;
    if args.output.json {
        print_json(&analysis);
        return Ok(());
    }
    print_layers(&analysis);
    print_summary(&analysis);
    Ok(())
}

fn print_layers(analysis: &ImageAnalysis) {
    let mut table = new_table(&["#", "SIZE", "ADDED", "MODIFIED", "REMOVED", "HIDDEN LATER", "DIGEST", "COMMAND"]);
    for layer in &analysis.layers {
        table.add_row(vec![
            layer.index.to_string(),
            format::size(layer.size_bytes),
            layer.added.to_string(),
            layer.modified.to_string(),
            layer.removed.to_string(),
            format::size(layer.hidden_bytes),
            short_digest(&layer.digest),
            layer.command.chars().take(100).collect(),
        ]);
    }
    println!("{table}");
}

fn short_digest(digest: &str) -> String {
    digest.trim_start_matches("sha256:").chars().take(12).collect()
}

fn print_summary(analysis: &ImageAnalysis) {
    println!();
    println!(
        "Image size {}   final files {}   efficiency {:.2} %   wasted {} ({:.1} % of the {} above the base)",
        format::size(analysis.size_bytes),
        format::size(analysis.visible_size_bytes),
        analysis.efficiency * 100.0,
        format::size(analysis.wasted_bytes),
        analysis.user_wasted_percent,
        format::size(analysis.user_size_bytes),
    );
    println!(
        "Hidden {} in {} files: stored in a layer, overwritten or deleted by a later one",
        format::size(analysis.hidden_bytes),
        analysis.hidden_file_count
    );
    print_hidden_files(analysis, 10);
    if !analysis.platforms.is_empty() {
        println!("Platform {} (the index also lists: {})", analysis.platform, others(analysis));
    }
}

/// The index's other platforms with their sizes as stored, or "nothing else".
fn others(analysis: &ImageAnalysis) -> String {
    let others: Vec<String> = analysis
        .platforms
        .iter()
        .filter(|listed| listed.platform != analysis.platform)
        .map(|listed| match listed.compressed_bytes {
            Some(bytes) => format!("{} ({} stored)", listed.platform, format::size(bytes)),
            None => listed.platform.clone(),
        })
        .collect();
    if others.is_empty() {
        "nothing else".into()
    } else {
        others.join(", ")
    }
}

/// The largest hidden files, one per line: size, path, the layer that stored it and the one that hid it.
fn print_hidden_files(analysis: &ImageAnalysis, count: usize) {
    for file in analysis.hidden_files.iter().take(count) {
        println!(
            "  {:>9}  {}  (layer {}, hidden by layer {})",
            format::size(file.size_bytes),
            file.path,
            file.layer,
            file.hidden_by
        );
    }
}

pub async fn tree(endpoint: Option<String>, args: TreeArgs) -> Result<(), Failure> {
    let image = load(endpoint, &args.image).await?;
    let top = image.layers.len().saturating_sub(1);
    let layer = args.layer.unwrap_or(top);
    if layer > top {
        return Err(Failure::new(
            ErrorCode::InvalidInput,
            format!("the image has layers 0 to {top}; there is no layer {layer}"),
        )
        .with_hint("Pick a layer from `strata inspect`."));
    }
    let options = ViewOptions { layer, aggregated: args.aggregated, ..ViewOptions::default() };
    let mut view = TreeView::build(&image, options)?;
    let rows = view.all_rows();
    if args.output.json {
        // Every attribute of every node: path, kind, status, size, mode, owner, mtime, hash, layer.
        let entries: Vec<_> = rows.iter().filter_map(|(_, row)| view.details(row.id)).collect();
        print_json(&entries);
        return Ok(());
    }
    for (_, row) in &rows {
        let marker = match row.status {
            image::Status::Added => '+',
            image::Status::Modified => '~',
            image::Status::Removed => '-',
            image::Status::Unmodified => ' ',
        };
        let link = row.link_target.as_ref().map(|t| format!(" → {t}")).unwrap_or_default();
        println!(
            "{marker} {} {:>9}  {}{}{link}",
            row.kind,
            format::size(row.size_bytes),
            "  ".repeat(row.depth as usize),
            row.name
        );
    }
    Ok(())
}

pub async fn check(endpoint: Option<String>, args: CheckArgs) -> Result<bool, Failure> {
    let rules = read_rules(args.ci_config.as_deref())?;
    let analysis = summary(endpoint, &args.image).await?;
    let label = analysis.reference.clone();
    let results = rules.check(&analysis);
    let passed = results.iter().all(|r| r.outcome != Outcome::Fail);
    if args.output.json {
        print_json(&serde_json::json!({ "passed": passed, "rules": results }));
        return Ok(passed);
    }
    let mut table = new_table(&["RESULT", "RULE", "LIMIT", "IMAGE"]);
    for result in &results {
        let word = match result.outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        };
        table.add_row(vec![word.into(), result.rule.to_string(), result.limit.clone(), result.actual.clone()]);
    }
    println!("{table}");
    println!("{}: {}", label, if passed { "passed" } else { "FAILED" });
    if !passed && !analysis.hidden_files.is_empty() {
        println!("Largest hidden files:");
        print_hidden_files(&analysis, 5);
    }
    Ok(passed)
}

fn read_rules(path: Option<&std::path::Path>) -> Result<Rules, Failure> {
    let default = std::path::Path::new(".dive-ci");
    let (path, required) = match path {
        Some(path) => (path, true),
        None => (default, false),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if !required && error.kind() == std::io::ErrorKind::NotFound => return Ok(Rules::default()),
        Err(error) => {
            return Err(Failure::new(ErrorCode::FileSystem, format!("cannot read {}: {error}", path.display()))
                .with_hint("Name a readable rules file with --ci-config."))
        }
    };
    Rules::parse(&text).map_err(|error| {
        let failure = Failure::from(error);
        Failure { message: format!("{}: {}", path.display(), failure.message), ..failure }
    })
}

pub fn cache(args: CacheArgs) -> Result<(), Failure> {
    let cache = IndexCache::user();
    let usage = cache.usage();
    if args.clear {
        let freed = cache.clear().map_err(|e| {
            Failure::new(ErrorCode::FileSystem, format!("cannot clear the cache: {e}"))
                .with_hint("Check the permissions of the cache directory.")
        })?;
        if args.output.json {
            print_json(&serde_json::json!({ "freed_bytes": freed }));
        } else {
            println!("Cleared the layer index cache: {} freed", format::size(freed));
        }
        return Ok(());
    }
    if args.output.json {
        print_json(&usage);
    } else {
        println!(
            "{}: {} in {} layer indexes and {} image records",
            if usage.directory.is_empty() { "(no cache directory)" } else { &usage.directory },
            format::size(usage.bytes),
            usage.layers,
            usage.images
        );
    }
    Ok(())
}
