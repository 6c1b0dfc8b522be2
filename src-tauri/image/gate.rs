//! The CI gate: an image's figures against limits, with dive's rule names so an existing
//! `.dive-ci` works unchanged — `lowest-efficiency`, `highest-wasted-bytes`,
//! `highest-user-wasted-percent` — plus Strata's own `highest-hidden-bytes`.
//!
//! `.dive-ci` is a YAML file, but only its flat `rules:` map of scalars is meaningful, so that
//! subset is read here rather than pulling in a YAML parser: `key: value` lines under `rules:`,
//! `#` comments, optional quotes. Values follow dive: ratios for the efficiency and the
//! user-wasted share (`0.1` is 10 %), sizes as go-humanize reads them (`20MB` is 20,000,000
//! bytes, `20MiB` is 20,971,520), and `disabled` to switch a rule off.

use serde::Serialize;

use super::analysis::ImageAnalysis;

/// The rules and their limits; `None` is a disabled rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// The efficiency score (0 to 1) the image must reach at least: dive's `lowest-efficiency`.
    pub lowest_efficiency: Option<f64>,
    /// The most bytes the image may waste: dive's `highest-wasted-bytes`.
    pub highest_wasted_bytes: Option<u64>,
    /// The largest share (0 to 1, so `0.1` is 10 %) of the user size that may be wasted: dive's
    /// `highest-user-wasted-percent`.
    pub highest_user_wasted_ratio: Option<f64>,
    /// The most bytes the image may hide (stored, then overwritten or deleted): `highest-hidden-bytes`.
    pub highest_hidden_bytes: Option<u64>,
}

impl Default for Rules {
    /// dive's defaults when no configuration is found; hidden bytes off.
    fn default() -> Self {
        Rules {
            lowest_efficiency: Some(0.9),
            highest_wasted_bytes: None,
            highest_user_wasted_ratio: Some(0.1),
            highest_hidden_bytes: None,
        }
    }
}

/// How one rule went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The image is within the limit.
    Pass,
    /// The image is over the limit (or under it, for the efficiency).
    Fail,
    /// The rule is disabled, so it was not checked.
    Skip,
}

/// One rule checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    /// The rule's name as `.dive-ci` spells it (`lowest-efficiency`).
    pub rule: &'static str,
    /// Whether the image passed it.
    pub outcome: Outcome,
    /// The limit and the image's figure, as people read them.
    pub limit: String,
    /// The image's figure, as people read it (`93.50 %`, `1048576 bytes`).
    pub actual: String,
}

/// A rules file Strata cannot read, with the line and what is wrong on it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RulesError(String);

impl crate::problem::Problem for RulesError {
    fn code(&self) -> crate::problem::ErrorCode {
        crate::problem::ErrorCode::InvalidInput
    }

    fn hint(&self) -> String {
        "Rules are lowest-efficiency, highest-wasted-bytes, highest-user-wasted-percent and highest-hidden-bytes."
            .into()
    }
}

impl Rules {
    /// Reads a `.dive-ci` file's text; keys it does not know are refused, to catch typos.
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        let mut rules = Rules::default();
        let mut in_rules = false;
        for (number, raw) in text.lines().enumerate() {
            let line = raw.split(" #").next().unwrap_or_default().trim_end();
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            let (key, value) = line.trim().split_once(':').ok_or_else(|| {
                RulesError(format!("line {}: expected `key: value`, found `{}`", number + 1, raw.trim()))
            })?;
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            if !indented {
                in_rules = key == "rules";
                continue;
            }
            if !in_rules {
                continue;
            }
            let at = |e: String| RulesError(format!("line {}: {key}: {e}", number + 1));
            match key.trim() {
                "lowest-efficiency" => rules.lowest_efficiency = parse_ratio(value).map_err(at)?,
                "highest-wasted-bytes" => rules.highest_wasted_bytes = parse_bytes(value).map_err(at)?,
                "highest-user-wasted-percent" => rules.highest_user_wasted_ratio = parse_ratio(value).map_err(at)?,
                "highest-hidden-bytes" => rules.highest_hidden_bytes = parse_bytes(value).map_err(at)?,
                other => return Err(RulesError(format!("line {}: unknown rule `{other}`", number + 1))),
            }
        }
        Ok(rules)
    }

    /// Checks the image against every rule, in a fixed order, a disabled one included (as skipped).
    pub fn check(&self, analysis: &ImageAnalysis) -> Vec<RuleResult> {
        let user_ratio = analysis.user_wasted_percent / 100.0;
        vec![
            lower_limit("lowest-efficiency", self.lowest_efficiency, analysis.efficiency),
            upper_bytes("highest-wasted-bytes", self.highest_wasted_bytes, analysis.wasted_bytes),
            upper_ratio("highest-user-wasted-percent", self.highest_user_wasted_ratio, user_ratio),
            upper_bytes("highest-hidden-bytes", self.highest_hidden_bytes, analysis.hidden_bytes),
        ]
    }
}

fn outcome(limit: Option<bool>) -> Outcome {
    match limit {
        None => Outcome::Skip,
        Some(true) => Outcome::Pass,
        Some(false) => Outcome::Fail,
    }
}

fn lower_limit(rule: &'static str, limit: Option<f64>, actual: f64) -> RuleResult {
    RuleResult {
        rule,
        outcome: outcome(limit.map(|l| actual >= l)),
        limit: limit.map(|l| format!("≥ {:.2} %", l * 100.0)).unwrap_or_else(|| "disabled".into()),
        actual: format!("{:.2} %", actual * 100.0),
    }
}

fn upper_ratio(rule: &'static str, limit: Option<f64>, actual: f64) -> RuleResult {
    RuleResult {
        rule,
        outcome: outcome(limit.map(|l| actual <= l)),
        limit: limit.map(|l| format!("≤ {:.2} %", l * 100.0)).unwrap_or_else(|| "disabled".into()),
        actual: format!("{:.2} %", actual * 100.0),
    }
}

fn upper_bytes(rule: &'static str, limit: Option<u64>, actual: u64) -> RuleResult {
    RuleResult {
        rule,
        outcome: outcome(limit.map(|l| actual <= l)),
        limit: limit.map(|l| format!("≤ {l} bytes")).unwrap_or_else(|| "disabled".into()),
        actual: format!("{actual} bytes"),
    }
}

fn parse_ratio(value: &str) -> Result<Option<f64>, String> {
    if value.eq_ignore_ascii_case("disabled") {
        return Ok(None);
    }
    match value.parse::<f64>() {
        Ok(ratio) if (0.0..=1.0).contains(&ratio) => Ok(Some(ratio)),
        _ => Err(format!("`{value}` is not a ratio between 0 and 1 (or `disabled`)")),
    }
}

/// Sizes as go-humanize's `ParseBytes` reads them: SI units are powers of 1000, IEC ones
/// (`KiB`, `MiB`…) powers of 1024, case does not matter, a space may stand before the unit.
pub fn parse_bytes(value: &str) -> Result<Option<u64>, String> {
    if value.eq_ignore_ascii_case("disabled") {
        return Ok(None);
    }
    let invalid = || format!("`{value}` is not a size such as 20MB or 1.5GiB (or `disabled`)");
    let split = value.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().map_err(|_| invalid())?;
    let unit = unit.trim().to_ascii_lowercase();
    let scale: f64 = match unit.as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "ki" | "kib" => 1024.0,
        "mi" | "mib" => 1024.0 * 1024.0,
        "gi" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "ti" | "tib" => 1024f64.powi(4),
        _ => return Err(invalid()),
    };
    Ok(Some((number * scale) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_dive_ci_file_with_comments_quotes_and_disabled_rules() {
        let rules = Rules::parse(
            "# dive settings\nrules:\n  # If the efficiency is measured below X%, mark as failed.\n  lowest-efficiency: 0.95\n  highest-wasted-bytes: \"20MB\"\n  highest-user-wasted-percent: disabled\n  highest-hidden-bytes: 1.5 MiB\n",
        )
        .unwrap();
        assert_eq!(rules.lowest_efficiency, Some(0.95));
        assert_eq!(rules.highest_wasted_bytes, Some(20_000_000));
        assert_eq!(rules.highest_user_wasted_ratio, None);
        assert_eq!(rules.highest_hidden_bytes, Some(1_572_864));
    }

    #[test]
    fn unknown_rules_and_bad_values_are_refused_with_their_line() {
        assert!(Rules::parse("rules:\n  lowest-eficiency: 0.9\n").unwrap_err().to_string().contains("line 2"));
        assert!(Rules::parse("rules:\n  lowest-efficiency: 95\n").unwrap_err().to_string().contains("between 0 and 1"));
        assert!(Rules::parse("rules:\n  highest-wasted-bytes: lots\n").is_err());
        assert_eq!(Rules::parse("").unwrap(), Rules::default());
    }

    #[test]
    fn sizes_read_as_go_humanize_reads_them() {
        assert_eq!(parse_bytes("20MB"), Ok(Some(20_000_000)));
        assert_eq!(parse_bytes("20 mb"), Ok(Some(20_000_000)));
        assert_eq!(parse_bytes("1KiB"), Ok(Some(1024)));
        assert_eq!(parse_bytes("512"), Ok(Some(512)));
        assert_eq!(parse_bytes("disabled"), Ok(None));
    }
}
