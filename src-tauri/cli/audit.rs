//! `strata audit IMAGE|--archive FILE`: the security audit as a table, JSON or SARIF, and as a CI
//! gate — exit 1 when the findings fail the policy `--fail-on` names (any secret, by default).
//! It reads the image as `strata inspect` does, so an image read before needs no export.

use std::path::PathBuf;

use clap::Args;

use super::layers::{confirm_platform, load_source, ImageArgs};
use super::{new_table, print_json, OutputArgs};
use crate::audit::allow::{AllowList, FILE_NAME};
use crate::audit::{audit_and_remember, sarif, Audit, FailOn, Finding};
use crate::format::{plural, size};
use crate::image::gate::parse_bytes;
use crate::image::IndexCache;
use crate::platform::Platform;
use crate::problem::Failure;
use crate::secrets::set_file_size_limit;

/// The options of `strata audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub image: ImageArgs,
    /// What fails the audit (exit 1): `secrets` (any secret), a severity (`info` … `critical`:
    /// any finding at or above it), or `never`.
    #[arg(long, value_name = "POLICY", default_value = "secrets")]
    pub fail_on: FailOn,
    /// The allow-list (default: `.strata-audit.yaml` in the current folder, when there is one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Files larger than this are not read for secrets, and are counted as skipped: a size such
    /// as 10MiB (the default) or 1GB, or `disabled` to read every file whole.
    #[arg(long, value_name = "SIZE", value_parser = size_limit)]
    pub max_file_size: Option<u64>,
    /// Print SARIF 2.1.0 (what code scanning services read) instead of a table.
    #[arg(long, conflicts_with = "json")]
    pub sarif: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Audits the image; `Ok(false)` when the findings fail the policy.
pub async fn audit(endpoint: Option<String>, args: AuditArgs) -> Result<bool, Failure> {
    let allow = match &args.config {
        Some(path) => AllowList::read(path)?,
        None => AllowList::in_folder(&std::env::current_dir().unwrap_or_default())?,
    };
    if let Some(limit) = args.max_file_size {
        set_file_size_limit(limit);
    }
    let source = args.image.source();
    let image = load_source(endpoint, &source).await?;
    confirm_platform(&source, args.image.platform.as_ref(), Platform::of_config(&image.config))?;
    let mut audit = audit_and_remember(&image, &IndexCache::user());
    allow.apply(&mut audit.findings);
    let passed = !args.fail_on.fails(&audit.findings);
    if args.sarif {
        print_json(&sarif::report(&source.label(), &audit));
    } else if args.output.json {
        print_json(&serde_json::json!({
            "image": source.label(),
            "passed": passed,
            "findings": audit.findings,
            "skipped_files": audit.skipped_files,
        }));
    } else {
        print_findings(&source.label(), &audit, passed);
    }
    Ok(passed)
}

/// `--max-file-size`: a size, or `disabled` for no limit.
fn size_limit(value: &str) -> Result<u64, String> {
    Ok(parse_bytes(value)?.unwrap_or(u64::MAX))
}

fn print_findings(label: &str, audit: &Audit, passed: bool) {
    if audit.findings.is_empty() {
        println!("{label}: no findings in its config, history or files.");
    } else {
        let mut table = new_table(&["SEVERITY", "KIND", "RULE", "WHERE", "LAYER", "FOUND"]);
        for finding in &audit.findings {
            table.add_row(row(finding));
        }
        println!("{table}");
    }
    let skipped = &audit.skipped_files;
    if skipped.too_large > 0 {
        println!(
            "Not read for secrets: {} over {} ({} in all).",
            plural(skipped.too_large, "file"),
            size(skipped.size_limit),
            size(skipped.too_large_bytes)
        );
    }
    let allowed = audit.findings.iter().filter(|f| f.allowed).count();
    if allowed > 0 {
        println!("{allowed} findings allowed by the allow-list ({FILE_NAME}).");
    }
    println!("{label}: {}", if passed { "passed" } else { "FAILED" });
}

fn row(finding: &Finding) -> Vec<String> {
    let mut found = match &finding.preview {
        Some(preview) => format!("{} ({preview})", finding.message),
        None => finding.message.clone(),
    };
    if let Some(reason) = &finding.allowed_because {
        found = format!("allowed: {reason} — {found}");
    }
    vec![
        finding.severity.word().to_uppercase(),
        finding.kind.word().to_string(),
        finding.rule.clone(),
        finding.path.clone(),
        finding.layer_added.map(|layer| layer.to_string()).unwrap_or_default(),
        found,
    ]
}
