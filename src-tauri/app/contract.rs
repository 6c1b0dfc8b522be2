//! The window's contract, written out once: the TypeScript the window compiles against
//! (`ui/src/contract.ts`) is generated from the Rust definitions of every value that crosses
//! the IPC boundary (with `ts-rs`), plus the names of the commands (from `window_commands!`).
//! Nothing in it is written by hand: `make contract` rewrites it, and a test fails when it is
//! stale, so a field renamed in Rust breaks the window's type check instead of the window.

use std::collections::BTreeMap;

use ts_rs::{Config, TypeVisitor, TS};

/// Where the contract lives, from the crate's root.
pub const CONTRACT_FILE: &str = "ui/src/contract.ts";

/// The values commands take and return, and what their channels carry. The types these refer
/// to are found and written too.
fn visit_roots(types: &mut Types) {
    use super::{choices, cleanup, commands, diff, explorer, projects, registries, stats, vulns};
    types.visit::<commands::EndpointsView>();
    types.visit::<crate::live::LiveState>();
    types.visit::<crate::problem::Failure>();
    types.visit::<commands::LogEvent>();
    types.visit::<crate::inventory::ImageQuery>();
    types.visit::<crate::inventory::ImageRow>();
    types.visit::<crate::inventory::ContainerRow>();
    types.visit::<crate::inventory::ContainerAction>();
    types.visit::<crate::progress::Progress>();
    types.visit::<explorer::SourceChoice>();
    types.visit::<explorer::ViewInfo>();
    types.visit::<crate::image::ImageAnalysis>();
    types.visit::<crate::image::ViewOptions>();
    types.visit::<crate::image::Row>();
    types.visit::<crate::image::NodeDetails>();
    types.visit::<crate::image::content::FileContent>();
    types.visit::<crate::audit::Audit>();
    types.visit::<crate::audit::tally::AuditTally>();
    types.visit::<crate::image::CacheUsage>();
    types.visit::<choices::Saved>();
    types.visit::<diff::DiffSummary>();
    types.visit::<diff::TreeInfo>();
    types.visit::<crate::diff::ChangeQuery>();
    types.visit::<crate::diff::ChangeRow>();
    types.visit::<crate::diff::text::PathComparison>();
    types.visit::<projects::ProjectSummary>();
    types.visit::<projects::ProjectEvent>();
    types.visit::<crate::project::settings::Project>();
    types.visit::<crate::project::settings::BuildRecord>();
    types.visit::<crate::project::build_charts::BuildCharts>();
    types.visit::<stats::StatsRow>();
    types.visit::<crate::stats::charts::Metric>();
    types.visit::<crate::chart::ChartTheme>();
    types.visit::<crate::stats::host::HostFigures>();
    types.visit::<crate::registry::known::KnownRegistry>();
    types.visit::<crate::registry::Listed>();
    types.visit::<registries::RegistryTags>();
    types.visit::<crate::sbom::Inventory>();
    types.visit::<crate::sbom::SbomFormat>();
    types.visit::<vulns::ImageVulnerabilities>();
    types.visit::<crate::vulns::ImportSummary>();
    types.visit::<crate::vulns::tally::VulnTally>();
    types.visit::<crate::inventory::local_copies::RegistryCopy>();
    types.visit::<registries::SignedIn>();
    types.visit::<crate::inventory::pull::PullState>();
    types.visit::<crate::project::publish::Published>();
    types.visit::<cleanup::CleanupRequest>();
    types.visit::<cleanup::CleanupView>();
    types.visit::<crate::cleanup::ApplyEvent>();
    types.visit::<crate::cleanup::ApplyReport>();
}

/// Every declaration reached from the roots, by TypeScript name. Two Rust types with one
/// TypeScript name are refused: the window could not tell them apart.
struct Types {
    config: Config,
    declared: BTreeMap<String, (&'static str, String)>,
}

impl TypeVisitor for Types {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only derived types have a place of their own; numbers, strings, lists are inline.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(&self.config);
        let rust = std::any::type_name::<T>();
        if let Some((seen, _)) = self.declared.get(&name) {
            // serde_json's `Value` is declared through ts-rs's own stand-in of the same name.
            let ours = |path: &str| path.starts_with("strata::");
            assert!(
                *seen == rust || !(ours(seen) && ours(rust)),
                "{seen} and {rust} are both `{name}` in TypeScript; rename one with #[ts(rename)]"
            );
            return;
        }
        let docs = T::docs().unwrap_or_default();
        self.declared.insert(name, (rust, format!("{docs}export {}", T::decl(&self.config))));
        T::visit_dependencies(self);
    }
}

/// The whole contract file.
pub fn typescript() -> String {
    // JSON numbers: every count and size the engine sends is far below 2^53.
    let mut types = Types { config: Config::new().with_large_int("number"), declared: BTreeMap::new() };
    visit_roots(&mut types);
    let commands = super::COMMANDS.iter().map(|name| format!("\n  | \"{name}\"")).collect::<String>();
    let declarations = types.declared.into_values().map(|(_, text)| text).collect::<Vec<_>>().join("\n\n");
    format!(
        "// Generated from the Rust definitions by src-tauri/app/contract.rs (`make contract`). Do not edit.\n\n\
         /** Every command the window may call (`window_commands!` in src-tauri/app/mod.rs). */\n\
         export type Command ={commands};\n\n{declarations}\n"
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The checked-in contract is what the Rust definitions say today. `STRATA_WRITE_CONTRACT=1`
    /// (what `make contract` sets) rewrites it instead of failing.
    #[test]
    fn the_window_contract_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(super::CONTRACT_FILE);
        let generated = super::typescript();
        if std::env::var_os("STRATA_WRITE_CONTRACT").is_some() {
            std::fs::write(&path, generated).unwrap();
            return;
        }
        // A Windows checkout may have CRLF line ends.
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
        assert!(
            on_disk == generated,
            "{} is stale: the Rust types crossing to the window changed. Run `make contract` and commit it.",
            super::CONTRACT_FILE
        );
    }

    /// Every command the handler serves is called by the window's API, and it calls no other
    /// (the TypeScript compiler checks the second half too: `invoke` takes a `Command`).
    #[test]
    fn the_window_calls_every_command() {
        let api = include_str!("../../ui/src/api.ts");
        let called: std::collections::BTreeSet<&str> =
            api.split("call<").skip(1).filter_map(|rest| rest.split('"').nth(1)).collect();
        let served: std::collections::BTreeSet<&str> = super::super::COMMANDS.iter().copied().collect();
        assert_eq!(called, served, "ui/src/api.ts and window_commands! name different commands");
    }
}
