//! An audit as SARIF 2.1.0, the format code scanning services (GitHub's among them) read: one run
//! of the tool "Strata", its rules, and a result per finding. A file's finding points at the path
//! inside the image; a config finding names its key as a logical location. Allowed findings carry
//! a suppression with the allow-list's reason. Secrets appear only as preview and fingerprint.

use serde_json::{json, Value};

use super::{Audit, Finding, Place, Severity};

/// The SARIF document for the audit of `image` (its reference or archive).
pub fn report(image: &str, audit: &Audit) -> Value {
    let mut rule_ids: Vec<&str> = audit.findings.iter().map(|f| f.rule.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids.iter().map(|id| rule(id, &audit.findings)).collect();
    let results: Vec<Value> = audit
        .findings
        .iter()
        .map(|finding| result(finding, rule_ids.binary_search(&finding.rule.as_str()).unwrap_or(0)))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "Strata",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": {"id": format!("strata-audit/{image}")},
            "properties": {"image": image, "skippedFiles": audit.skipped_files},
            "results": results,
        }],
    })
}

fn rule(id: &str, findings: &[Finding]) -> Value {
    let first = findings.iter().find(|f| f.rule == id).expect("a rule of a finding");
    json!({
        "id": id,
        "name": id,
        "shortDescription": {"text": format!("{} ({})", id.replace('-', " "), first.kind.word())},
        "defaultConfiguration": {"level": level(first.severity)},
        "properties": {"tags": ["security", first.kind.word()]},
    })
}

fn result(finding: &Finding, rule_index: usize) -> Value {
    let mut message = finding.message.clone();
    if let Some(preview) = &finding.preview {
        message = format!("{message} ({preview})");
    }
    let mut result = json!({
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": message},
        "properties": {
            "severity": finding.severity,
            "kind": finding.kind,
            "layerAdded": finding.layer_added,
            "layerHidden": finding.layer_hidden,
            "bytesSaved": finding.bytes_saved,
        },
    });
    let location = match finding.place {
        Place::File if finding.path.starts_with('/') => json!({"physicalLocation": {
            "artifactLocation": {"uri": finding.path.trim_start_matches('/'), "uriBaseId": "IMAGEROOT"},
        }}),
        _ => json!({"logicalLocations": [{"fullyQualifiedName": finding.path, "kind": "variable"}]}),
    };
    result["locations"] = json!([location]);
    if let Some(fingerprint) = &finding.fingerprint {
        result["partialFingerprints"] = json!({"secretSha256/v1": fingerprint});
    }
    if let Some(reason) = &finding.allowed_because {
        result["suppressions"] = json!([{"kind": "external", "justification": reason}]);
    }
    result
}

/// SARIF's levels: `error` for what must be fixed, `warning`, and `note` for the rest.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::files::SkippedFiles;
    use crate::audit::Kind;

    #[test]
    fn findings_become_results_with_rules_levels_locations_and_suppressions() {
        let mut secret = Finding::new("github-token", Kind::Secret, Severity::Critical, Place::File, "/app/.env", "m");
        secret.fingerprint = Some("sha256:ab".into());
        secret.preview = Some("ghp_…(40)".into());
        let mut root = Finding::new("runs-as-root", Kind::Setting, Severity::Medium, Place::Config, "user", "root");
        root.allowed_because = Some("drops privileges".into());
        let audit = Audit { findings: vec![secret, root], skipped_files: SkippedFiles::default() };
        let sarif = report("app:1", &audit);
        let run = &sarif["runs"][0];
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "github-token");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app/.env");
        assert_eq!(results[0]["message"]["text"], "m (ghp_…(40))");
        assert_eq!(results[1]["ruleIndex"], 1);
        assert_eq!(results[1]["suppressions"][0]["justification"], "drops privileges");
        assert_eq!(results[1]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], "user");
    }
}
