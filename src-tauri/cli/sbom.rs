//! `strata sbom IMAGE`: what an image has installed — a table of its packages (ecosystem, name,
//! version, the layer that installed it, its package URL), Strata's inventory with `--json`, or a
//! CycloneDX 1.6 / SPDX 2.3 document with `--format`, printed or written to `-o FILE`.

use std::path::PathBuf;

use clap::Args;

use super::layers::{confirm_platform, load_source, ImageArgs};
use super::{new_table, print_json, OutputArgs};
use crate::platform::Platform;
use crate::problem::{ErrorCode, Failure};
use crate::sbom::{document, inventory, Inventory, SbomFormat};

/// The options of `strata sbom`.
#[derive(Debug, Args)]
pub struct SbomArgs {
    #[command(flatten)]
    pub image: ImageArgs,
    /// Write a standard document instead of the table: `cyclonedx` (1.6, JSON) or `spdx` (2.3, JSON).
    #[arg(long, value_enum)]
    pub format: Option<SbomFormat>,
    /// Write the document (or the JSON) to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `strata sbom`.
pub async fn sbom(endpoint: Option<String>, args: SbomArgs) -> Result<(), Failure> {
    let source = args.image.source();
    let image = load_source(endpoint, &source).await?;
    confirm_platform(&source, args.image.platform.as_ref(), Platform::of_config(&image.config))?;
    let found = inventory(&image, &image.merged_tree());
    let name = source.label();
    let written = match args.format {
        Some(format) => Some(document(format, &name, &image.id, &found)),
        None if args.output.json || args.output_file.is_some() => Some(serde_json::to_value(&found).expect("JSON")),
        None => None,
    };
    match (written, &args.output_file) {
        (Some(document), Some(path)) => write_file(path, &document)?,
        (Some(document), None) => print_json(&document),
        (None, _) => print_table(&name, &found),
    }
    Ok(())
}

fn write_file(path: &std::path::Path, document: &serde_json::Value) -> Result<(), Failure> {
    crate::files::write_atomically(path, |file| serde_json::to_writer_pretty(file, document).map_err(Into::into))
        .map_err(|e| {
            Failure::new(ErrorCode::FileSystem, format!("{} could not be written: {e}", path.display()))
                .with_hint("Choose a folder you may write in")
        })
}

fn print_table(name: &str, found: &Inventory) {
    match &found.os {
        Some(os) => println!("{name}: {} · {} packages", os.pretty_name, found.packages.len()),
        None => println!("{name}: no os-release · {} packages", found.packages.len()),
    }
    let mut table = new_table(&["ECOSYSTEM", "NAME", "VERSION", "LAYER", "PURL"]);
    for package in &found.packages {
        table.add_row(vec![
            package.ecosystem.as_str().to_string(),
            package.name.clone(),
            package.version.clone(),
            package.layer.to_string(),
            package.purl.clone(),
        ]);
    }
    println!("{table}");
    print_warnings(&found.warnings);
}

/// What the package databases hold that could not be read: the list may be incomplete.
pub(super) fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        println!("Warning: {warning} (the list may be incomplete)");
    }
}
