//! `strata audit IMAGE|--archive FILE`: the security audit as a table or JSON, and as a CI gate —
//! exit 1 when the findings fail the policy `--fail-on` names (any secret, by default). It reads
//! the image's config and history from the index cache, so an image read before needs no export.

use clap::Args;

use super::layers::{load_source, ImageArgs};
use super::{new_table, print_json, OutputArgs};
use crate::audit::config::audit_config;
use crate::audit::{FailOn, Finding};
use crate::problem::Failure;

/// The options of `strata audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub image: ImageArgs,
    /// What fails the audit (exit 1): `secrets` (any secret), a severity (`info` … `critical`:
    /// any finding at or above it), or `never`.
    #[arg(long, value_name = "POLICY", default_value = "secrets")]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What an audit looked at, for the report: it names what it did not read yet.
const SCANNED: [&str; 2] = ["config (environment, labels, command, entrypoint, healthcheck, user, ports)", "history"];
const NOT_SCANNED: [&str; 1] = ["the files of the layers"];

/// Audits the image; `Ok(false)` when the findings fail the policy.
pub async fn audit(endpoint: Option<String>, args: AuditArgs) -> Result<bool, Failure> {
    let source = args.image.source();
    let image = load_source(endpoint, &source).await?;
    let findings = audit_config(&image.config);
    let passed = !args.fail_on.fails(&findings);
    if args.output.json {
        print_json(&serde_json::json!({
            "image": source.label(),
            "passed": passed,
            "scanned": SCANNED,
            "not_scanned": NOT_SCANNED,
            "findings": findings,
        }));
    } else {
        print_findings(&source.label(), &findings, passed);
    }
    Ok(passed)
}

fn print_findings(label: &str, findings: &[Finding], passed: bool) {
    if findings.is_empty() {
        println!("{label}: no findings in its {}.", SCANNED.join(" or its "));
    } else {
        let mut table = new_table(&["SEVERITY", "KIND", "RULE", "WHERE", "LAYER", "FOUND"]);
        for finding in findings {
            let severity = serde_json::to_value(finding.severity).ok();
            let kind = serde_json::to_value(finding.kind).ok();
            let found = match &finding.preview {
                Some(preview) => format!("{} ({preview})", finding.message),
                None => finding.message.clone(),
            };
            table.add_row(vec![
                severity.and_then(|v| v.as_str().map(str::to_uppercase)).unwrap_or_default(),
                kind.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                finding.rule.clone(),
                finding.path.clone(),
                finding.layer_added.map(|layer| layer.to_string()).unwrap_or_default(),
                found,
            ]);
        }
        println!("{table}");
    }
    println!("Not read yet: {}.", NOT_SCANNED.join(", "));
    println!("{label}: {}", if passed { "passed" } else { "FAILED" });
}
