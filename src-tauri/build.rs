//! Build script: with the `gui` feature, lets tauri-build read `tauri.conf.json` and the
//! capabilities so the window and its assets are compiled in, and declares the app's own commands
//! in an ACL manifest: each gets an `allow-…` permission, and the window may call only those its
//! capability (`capabilities/main-window.json`) lists. Without the feature there is nothing to do.

/// Every command `app::open` registers; a unit test in `app` checks the three lists agree.
#[cfg(feature = "gui")]
const COMMANDS: &[&str] = &[
    "endpoints",
    "select_endpoint",
    "rediscover_endpoints",
    "watch_state",
    "list_images",
    "list_containers",
    "container_action",
    "follow_logs",
    "stop_logs",
    "open_image",
    "cancel_open",
    "set_view",
    "tree_rows",
    "tree_toggle",
    "tree_set_expanded",
    "tree_expand_all",
    "node_details",
    "file_content",
    "extract_file",
    "export_layer",
    "choose_archive",
    "cache_usage",
    "clear_cache",
    "compare_images",
    "cancel_compare",
    "diff_set_query",
    "diff_rows",
    "diff_set_expanded",
    "diff_expand_all",
    "diff_file",
    "project_events",
    "project_list",
    "project_add",
    "project_choose",
    "project_save",
    "project_remove",
    "project_history",
    "project_build",
    "project_cancel",
    "project_watch",
    "stats_rows",
    "stats_chart",
    "stats_overview",
    "stats_export_csv",
    "stats_export_png",
    "stats_dismiss",
    "stats_host",
    "cleanup_survey",
    "cleanup_count_all",
    "cleanup_plan",
    "cleanup_apply",
    "cleanup_cancel",
    "cleanup_restore",
    "cleanup_archive_folder",
    "cleanup_choose_folder",
];

fn main() {
    #[cfg(feature = "gui")]
    {
        let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
            .expect("the Tauri configuration, capabilities and command permissions are valid");
    }
}
