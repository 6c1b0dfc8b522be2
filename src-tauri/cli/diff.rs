//! `strata diff A B`: what changed between two images — files, config, packages, history — as a summary
//! and lists, or JSON. Each operand is an image the daemon knows, `registry://…`, or an archive
//! file's path; `--platform` chooses in a multi-platform one (twice: two platforms of one tag).

use std::path::Path;

use clap::Args;

use super::layers::{confirm_platform, load_sources, parse_platform};
use super::{connect, print_json, Failure, OutputArgs};
use crate::diff::text::{file_diff, PathComparison, Side};
use crate::diff::{compare, FileChange, ImageDiff};
use crate::format;
use crate::image::content::Reading;
use crate::image::layer_copies::LayerCopies;
use crate::image::{ImageSource, IndexCache};
use crate::platform::Platform;
use crate::problem::ErrorCode;

/// How many paths of each kind the table lists (JSON lists them all).
const LISTED: usize = 40;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first image: a reference, an id, or the path of an archive file.
    pub before: String,
    /// The second image, the same way.
    pub after: String,
    /// Compare this one path instead (`/etc/os-release`): the attributes that differ with both
    /// values, then a text file's unified diff.
    #[arg(long, value_name = "PATH")]
    pub file: Option<String>,
    /// Which platform of a multi-platform image in a registry or archive: once for both sides,
    /// or twice, before then after, to compare two platforms of one tag.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]", value_parser = parse_platform, num_args = 1, action = clap::ArgAction::Append)]
    pub platform: Vec<Platform>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// An operand that names an existing file is an archive; anything else, an image as users name
/// them (a reference, or `registry://…`).
fn source_of(operand: &str) -> ImageSource {
    if Path::new(operand).is_file() {
        ImageSource::Archive(operand.into(), None)
    } else {
        ImageSource::named(operand)
    }
}

/// The platforms each side is read as: `--platform` given once holds for both.
fn platforms_of(args: &DiffArgs) -> Result<(Option<Platform>, Option<Platform>), Failure> {
    match args.platform.as_slice() {
        [] => Ok((None, None)),
        [both] => Ok((Some(both.clone()), Some(both.clone()))),
        [before, after] => Ok((Some(before.clone()), Some(after.clone()))),
        _ => Err(Failure::new(ErrorCode::InvalidInput, "--platform is given more than twice")
            .with_hint("Give it once for both images, or twice: the first image's, then the second's")),
    }
}

pub async fn diff(endpoint: Option<String>, args: DiffArgs) -> Result<(), Failure> {
    let (before_platform, after_platform) = platforms_of(&args)?;
    let before_source = source_of(&args.before).on_platform(before_platform.clone());
    let after_source = source_of(&args.after).on_platform(after_platform.clone());
    let mut images = load_sources(endpoint.clone(), &[before_source.clone(), after_source.clone()]).await?;
    let (after, before) = (images.pop().expect("two images"), images.pop().expect("two images"));
    confirm_platform(&before_source, before_platform.as_ref(), Platform::of_config(&before.config))?;
    confirm_platform(&after_source, after_platform.as_ref(), Platform::of_config(&after.config))?;
    // As the user named them, with the platform when one was asked for.
    let (before_name, after_name) = (before_source.label(), after_source.label());
    if let Some(path) = &args.file {
        let needs_daemon = [&before_source, &after_source].iter().any(|s| matches!(s, ImageSource::Daemon(_)));
        let daemon = if needs_daemon { Some(connect(endpoint).await?) } else { None };
        let before = Side { name: &before_name, source: &before_source, image: &before };
        let after = Side { name: &after_name, source: &after_source, image: &after };
        // A layer read from the daemon is copied into the cache: the next look at a file in it is instant.
        let reading = Reading { copies: Some(LayerCopies::in_cache(IndexCache::user())), ..Reading::default() };
        let comparison = file_diff(daemon.as_ref(), before, after, path, &reading).await?;
        if args.output.json {
            print_json(&comparison);
        } else {
            print_path_comparison(&comparison);
        }
        return Ok(());
    }
    let result = compare(&before_name, &before, &after_name, &after);
    if args.output.json {
        print_json(&result);
    } else {
        print_report(&result);
    }
    Ok(())
}

/// The attributes that differ, one per line, then the text diff or why there is none.
fn print_path_comparison(comparison: &PathComparison) {
    for change in &comparison.attributes {
        println!("{}: {} → {}", change.name, change.before, change.after);
    }
    match &comparison.unified {
        Some(unified) => print!("{unified}"),
        None => println!("{}", comparison.note),
    }
}

fn print_report(diff: &ImageDiff) {
    let files = &diff.files;
    println!(
        "{} → {}: +{} files, −{}, {} modified, {}   ({} shared)",
        diff.before,
        diff.after,
        files.added.len(),
        files.removed.len(),
        files.modified.len(),
        format::signed_size(diff.size_delta_bytes),
        match diff.history.shared_layers {
            1 => "1 layer".to_string(),
            n => format!("{n} layers"),
        }
    );
    print_folders(diff);
    print_paths("Added", '+', &files.added, |c| format::size(c.size_after));
    print_paths("Removed", '-', &files.removed, |c| format::size(c.size_before));
    print_paths("Modified", '~', &files.modified, |c| c.changes.join(", "));
    if !diff.config.is_empty() {
        println!("\nConfig");
        for change in &diff.config {
            println!("  {:<28} {} → {}", change.field, change.before, change.after);
        }
    }
    let packages = &diff.packages;
    if !(packages.added.is_empty() && packages.removed.is_empty() && packages.upgraded.is_empty()) {
        println!("\nPackages");
        for package in &packages.added {
            println!("  + {:<6} {} {}", package.ecosystem, package.name, package.version);
        }
        for package in &packages.removed {
            println!("  - {:<6} {} {}", package.ecosystem, package.name, package.version);
        }
        for change in &packages.upgraded {
            println!("  ~ {:<6} {} {} → {}", change.ecosystem, change.name, change.before, change.after);
        }
    }
    print_vulnerabilities(diff);
    for (title, layers) in [
        ("Layers both share", &diff.history.shared),
        ("Layers only in the first", &diff.history.only_before),
        ("Layers only in the second", &diff.history.only_after),
    ] {
        if !layers.is_empty() {
            println!("\n{title}");
            for layer in layers {
                println!("  #{:<3} {}", layer.index, layer.command.chars().take(100).collect::<String>());
            }
        }
    }
}

/// Known vulnerabilities fixed and introduced, when there is a database to tell.
fn print_vulnerabilities(diff: &ImageDiff) {
    let Some(vulns) = &diff.vulnerabilities else { return };
    if vulns.fixed.is_empty() && vulns.introduced.is_empty() {
        return;
    }
    println!("\nVulnerabilities ({} in both)", vulns.unchanged);
    for (mark, findings) in [('-', &vulns.fixed), ('+', &vulns.introduced)] {
        for finding in findings {
            println!(
                "  {mark} {:<8} {} {} {}",
                finding.severity.as_str(),
                finding.id,
                finding.package,
                finding.version
            );
        }
    }
}

/// The folders whose contents grew or shrank the most.
fn print_folders(diff: &ImageDiff) {
    const FOLDERS: usize = 10;
    let folders: Vec<_> = diff.folders.iter().filter(|f| f.delta_bytes != 0).take(FOLDERS).collect();
    if folders.is_empty() {
        return;
    }
    println!("\nLargest size changes by folder");
    for folder in folders {
        let size = format::signed_size(folder.delta_bytes);
        println!("  {size:>10}  {}  ({} changed)", folder.path, folder.changed_paths);
    }
}

fn print_paths(title: &str, mark: char, changes: &[FileChange], detail: impl Fn(&FileChange) -> String) {
    if changes.is_empty() {
        return;
    }
    println!("\n{title} ({})", changes.len());
    for change in changes.iter().take(LISTED) {
        println!("  {mark} {}  {}", change.path, detail(change));
    }
    if changes.len() > LISTED {
        println!("  … and {} more (--json lists them all)", changes.len() - LISTED);
    }
}
