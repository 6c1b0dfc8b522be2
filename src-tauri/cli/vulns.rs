//! `strata vulns`: an image's known vulnerabilities from the local OSV database — a table worst
//! first (or `--json`), exit 1 with `--fail-on SEVERITY` when any is at or above it — and the
//! database itself: `vulns update` downloads OSV's dumps, `vulns import` reads dumps on disk,
//! `vulns status` says what is there and how old.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::layers::{confirm_platform, load_source, progress_bar, reporter_on, ImageArgs};
use super::{new_table, print_json, OutputArgs};
use crate::format;
use crate::image::IndexCache;
use crate::platform::Platform;
use crate::problem::Failure;
use crate::sbom::inventory;
use crate::vulns::download::{update as update_database, OSV_BASE_URL};
use crate::vulns::tally::remember_inventory;
use crate::vulns::{scan, Database, DatabaseStatus, ImportSummary, Severity, VulnError, VulnReport};

/// The characters of a summary shown in the table.
const SUMMARY_COLUMN_CHARS: usize = 60;

/// The options of `strata vulns`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct VulnsArgs {
    /// Manage the database instead of scanning an image.
    #[command(subcommand)]
    pub action: Option<VulnsAction>,
    #[command(flatten)]
    pub image: ImageArgs,
    /// Exit 1 when a vulnerability is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What `strata vulns` can do to the database.
#[derive(Debug, Subcommand)]
pub enum VulnsAction {
    /// Download OSV's dumps and replace the database's advisories for those ecosystems once all
    /// are complete (a cut download resumes on the next run).
    Update {
        /// Where the dumps are: `URL/ECOSYSTEM/all.zip` (osv.dev's bucket by default; also
        /// `STRATA_OSV_URL`).
        #[arg(long, value_name = "URL", env = "STRATA_OSV_URL", default_value = OSV_BASE_URL)]
        from: String,
        /// An ecosystem to download (OSV's name; repeat for more). Default: Debian, Ubuntu,
        /// Alpine, PyPI and npm.
        #[arg(long = "ecosystem", value_name = "NAME")]
        ecosystems: Vec<String>,
    },
    /// Import OSV dumps you have: `all.zip` files or folders of OSV JSON records.
    Import {
        /// The dumps.
        #[arg(required = true, value_name = "FILE.zip|DIR")]
        dumps: Vec<PathBuf>,
    },
    /// Show which ecosystems the database has, how many advisories, and how old they are.
    Status(OutputArgs),
}

/// Runs `strata vulns`; `Ok(false)` when `--fail-on` fails.
pub async fn vulns(endpoint: Option<String>, args: VulnsArgs) -> Result<bool, Failure> {
    let path = Database::default_path().ok_or_else(|| VulnError::File {
        path: "the cache folder".into(),
        reason: "this system names no cache folder; set STRATA_CACHE_DIR".into(),
    })?;
    match args.action {
        Some(VulnsAction::Update { from, ecosystems }) => update(&path, &from, ecosystems).await?,
        Some(VulnsAction::Import { dumps }) => import(&path, &dumps)?,
        Some(VulnsAction::Status(output)) => status(&path, output)?,
        None => return scan_image(endpoint, &path, &args.image, args.fail_on, &args.output).await,
    }
    Ok(true)
}

async fn scan_image(
    endpoint: Option<String>,
    path: &std::path::Path,
    image_args: &ImageArgs,
    fail_on: Option<Severity>,
    output: &OutputArgs,
) -> Result<bool, Failure> {
    let database = Database::open_existing(path)?.ok_or(VulnError::NoDatabase)?;
    let source = image_args.source();
    let image = load_source(endpoint, &source).await?;
    confirm_platform(&source, image_args.platform.as_ref(), Platform::of_config(&image.config))?;
    let packages = inventory(&image, &image.merged_tree());
    remember_inventory(&IndexCache::user(), &image.id, &packages);
    let report = scan(&database, &packages)?;
    let passed = fail_on.is_none_or(|severity| report.at_or_above(severity) == 0);
    if output.json {
        print_json(&serde_json::json!({ "image": source.label(), "passed": passed, "report": report }));
    } else {
        print_report(&source.label(), &report, &database.status()?);
        super::sbom::print_warnings(&packages.warnings);
    }
    Ok(passed)
}

fn print_report(name: &str, report: &VulnReport, status: &DatabaseStatus) {
    let counts: Vec<String> = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Unknown]
        .iter()
        .map(|s| (s, report.findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, count)| *count > 0)
        .map(|(s, count)| format!("{count} {}", s.as_str()))
        .collect();
    let tally = if counts.is_empty() { String::new() } else { format!(" ({})", counts.join(", ")) };
    println!(
        "{name}: {} vulnerabilities{tally} in {} packages checked",
        report.findings.len(),
        report.packages_checked
    );
    if !report.findings.is_empty() {
        let mut table = new_table(&["SEVERITY", "ID", "PACKAGE", "VERSION", "FIXED IN", "LAYER", "SUMMARY"]);
        for finding in &report.findings {
            let id = match finding.aliases.first().filter(|a| a.starts_with("CVE-")) {
                Some(cve) if *cve != finding.id => format!("{} ({cve})", finding.id),
                _ => finding.id.clone(),
            };
            table.add_row(vec![
                finding.severity.as_str().to_string(),
                id,
                finding.package.clone(),
                finding.version.clone(),
                finding.fixed.clone().unwrap_or_else(|| "not fixed".into()),
                finding.layer.to_string(),
                shortened(&finding.summary),
            ]);
        }
        println!("{table}");
    }
    for what in &report.not_covered {
        println!("Not checked: {what} (no advisories for it).");
    }
    if !report.not_compared.is_empty() {
        println!(
            "{} package versions could not be compared with an advisory's ranges (see --json).",
            report.not_compared.len()
        );
    }
    let sources: Vec<String> =
        status.ecosystems.iter().map(|e| format!("{} ({})", e.ecosystem, age_of(&e.imported_at))).collect();
    println!("Advisories: {}.", sources.join(", "));
}

fn shortened(summary: &str) -> String {
    match summary.char_indices().nth(SUMMARY_COLUMN_CHARS) {
        Some((cut, _)) => format!("{}…", &summary[..cut]),
        None => summary.to_string(),
    }
}

/// "imported 3 days ago", from an RFC 3339 time.
fn age_of(imported_at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(imported_at) {
        Ok(then) => format!("imported {}", format::ago(then.timestamp(), chrono::Utc::now().timestamp())),
        Err(_) => "import time unknown".into(),
    }
}

async fn update(path: &std::path::Path, base: &str, ecosystems: Vec<String>) -> Result<(), Failure> {
    let bar = progress_bar();
    let updated = update_database(path, base, &ecosystems, &mut reporter_on(&bar)).await;
    bar.finish_and_clear();
    print_import(&updated?);
    Ok(())
}

fn import(path: &std::path::Path, dumps: &[PathBuf]) -> Result<(), Failure> {
    let named: Vec<(PathBuf, String)> = dumps.iter().map(|dump| (dump.clone(), dump.display().to_string())).collect();
    print_import(&import_dumps(path, &named)?);
    Ok(())
}

fn import_dumps(path: &std::path::Path, dumps: &[(PathBuf, String)]) -> Result<ImportSummary, VulnError> {
    let bar = progress_bar();
    let mut reporter = reporter_on(&bar);
    let imported = Database::open(path)?.import(dumps, &mut reporter);
    bar.finish_and_clear();
    imported
}

fn print_import(summary: &ImportSummary) {
    println!(
        "Imported {} advisories for {} ({} withdrawn left out).",
        summary.advisories,
        summary.ecosystems.join(", "),
        summary.withdrawn
    );
    if summary.skipped > 0 {
        println!("Skipped {} records that are not OSV's schema:", summary.skipped);
        for reason in &summary.skipped_named {
            println!("  {reason}");
        }
    }
}

fn status(path: &std::path::Path, output: OutputArgs) -> Result<(), Failure> {
    let Some(database) = Database::open_existing(path)? else {
        return Err(VulnError::NoDatabase.into());
    };
    let status = database.status()?;
    if output.json {
        print_json(&status);
        return Ok(());
    }
    println!("{}", status.path);
    let mut table = new_table(&["ECOSYSTEM", "ADVISORIES", "IMPORTED", "NEWEST ADVISORY", "FROM"]);
    for ecosystem in &status.ecosystems {
        table.add_row(vec![
            ecosystem.ecosystem.clone(),
            ecosystem.advisories.to_string(),
            age_of(&ecosystem.imported_at),
            ecosystem.newest.clone(),
            ecosystem.origin.clone(),
        ]);
    }
    println!("{table}");
    Ok(())
}
