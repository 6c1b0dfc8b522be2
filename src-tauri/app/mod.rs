//! The desktop shell: a thin Tauri adapter over the engine. It starts the [`Live`] view, exposes
//! the commands the window calls, and streams state and logs to it over `tauri::ipc::Channel`.
//! It is the only module that names Tauri.

mod background;
mod choices;
mod cleanup;
mod commands;
#[cfg(test)]
mod contract;
mod diff;
mod explorer;
mod projects;
mod registries;
mod stats;
mod vulns;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::Manager;
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::live::Live;

/// Declares the commands the window may call, each once: `window_commands!` makes the handler
/// Tauri dispatches to and [`COMMANDS`], their names. The build script reads this same list (the
/// lines between `window_commands! {` and `}`) to declare each command's permission and to grant
/// it in the window's capability, and `contract.rs` writes the names into the TypeScript contract.
/// Adding a command is one function and one line here.
macro_rules! window_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        /// The name of every command the window may call.
        pub const COMMANDS: &[&str] = &[$(stringify!($command)),*];

        fn window_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),*]
        }
    };
}

window_commands! {
    commands::endpoints,
    commands::select_endpoint,
    commands::rediscover_endpoints,
    commands::watch_state,
    commands::list_images,
    commands::audit_tallies,
    commands::list_containers,
    commands::reread_containers,
    commands::container_action,
    commands::follow_logs,
    commands::stop_logs,
    explorer::open_image,
    explorer::cancel_open,
    explorer::set_view,
    explorer::tree_rows,
    explorer::tree_toggle,
    explorer::tree_set_expanded,
    explorer::tree_expand_all,
    explorer::node_details,
    explorer::image_audit,
    explorer::image_packages,
    explorer::image_save_sbom,
    vulns::image_vulnerabilities,
    vulns::vulns_update,
    vulns::vuln_tallies,
    explorer::file_content,
    explorer::cancel_file_read,
    explorer::extract_file,
    explorer::export_layer,
    explorer::choose_archive,
    explorer::cache_usage,
    explorer::clear_cache,
    diff::compare_images,
    diff::cancel_compare,
    diff::diff_set_query,
    diff::diff_rows,
    diff::diff_set_expanded,
    diff::diff_expand_all,
    diff::diff_file,
    diff::diff_choices,
    projects::project_events,
    projects::project_list,
    projects::project_add,
    projects::project_choose,
    projects::project_save,
    projects::project_remove,
    projects::project_history,
    projects::project_build_charts,
    projects::project_build,
    projects::project_cancel,
    projects::project_watch,
    stats::stats_rows,
    stats::stats_chart,
    stats::stats_overview,
    stats::stats_export_csv,
    stats::stats_export_png,
    stats::stats_dismiss,
    stats::stats_host,
    registries::registries_known,
    registries::registry_add,
    registries::registry_repositories,
    registries::registry_tags,
    registries::images_against_registries,
    registries::registry_sign_in,
    registries::registry_pull,
    registries::registry_push,
    cleanup::cleanup_survey,
    cleanup::cleanup_count_all,
    cleanup::cleanup_plan,
    cleanup::cleanup_apply,
    cleanup::cleanup_cancel,
    cleanup::cleanup_restore,
    cleanup::cleanup_archive_folder,
    cleanup::cleanup_choose_folder,
}

/// Opens the main window and runs until it closes. `endpoint` picks a daemon other than the
/// preferred one.
pub fn run(endpoint: Option<String>) -> Result<(), String> {
    check_display()?;
    // GTK panics when the display cannot be opened; turn that into the one clear line it deserves.
    std::panic::catch_unwind(move || open(endpoint)).unwrap_or_else(|_| {
        Err("the window could not be opened on this display; run a subcommand instead (`strata --help`)".into())
    })
}

/// Saves the window's size and place half a second after it last moved or changed size, not only
/// when it closes: an app that is killed or crashes still opens where it was.
fn save_window_place_soon(app: &tauri::AppHandle) {
    static LATEST_CHANGE: AtomicU64 = AtomicU64::new(0);
    let change = LATEST_CHANGE.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if LATEST_CHANGE.load(Ordering::SeqCst) == change {
            if let Err(error) = app.save_window_state(StateFlags::all()) {
                tracing::warn!("the window's size and place could not be saved: {error}");
            }
        }
    });
}

/// On Linux and the BSDs a window needs an X11 or Wayland display.
fn check_display() -> Result<(), String> {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return Ok(());
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return Ok(());
    }
    Err("there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); \
         run a subcommand (`strata --help`), or use `xvfb-run strata` on a machine without a screen"
        .into())
}

fn open(endpoint: Option<String>) -> Result<(), String> {
    tauri::Builder::default()
        // The window opens where and as large as it was last closed (saved in the config dir).
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Native file dialogs, opened from Rust only: the window has no permission to open them.
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_) => {
                save_window_place_soon(window.app_handle())
            }
            // Dropped paths reach Rust before the page hears of them: they count as chosen.
            tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) => {
                let chosen = window.state::<choices::Chosen>();
                paths.iter().for_each(|path| chosen.remember(path));
            }
            _ => {}
        })
        .setup(move |app| {
            let (live, supervise) = Live::new(endpoint.clone());
            tauri::async_runtime::spawn(supervise);
            app.manage(live);
            app.manage(choices::Chosen::default());
            app.manage(commands::LogFollowers::default());
            app.manage(explorer::Explorer::default());
            app.manage(explorer::FileReads::default());
            app.manage(diff::Comparison::default());
            app.manage(projects::Workshop::default());
            app.manage(stats::StatsBoard::default());
            app.manage(cleanup::Cleanup::default());
            stats::follow_containers(app.handle().clone());
            Ok(())
        })
        .invoke_handler(window_handler())
        .run(tauri::generate_context!())
        .map_err(|error| format!("the window could not be opened: {error}"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The build script granted exactly the commands the handler serves: the window's capability
    /// (written by build.rs from the `window_commands!` list) names each one, and nothing else.
    #[test]
    fn every_command_is_granted_and_nothing_else() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/main-window.json")).unwrap();
        let granted: BTreeSet<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
            .collect();
        let served: BTreeSet<String> = super::COMMANDS.iter().map(|c| c.to_string()).collect();
        assert!(served.len() > 50);
        assert_eq!(served, granted, "capabilities/main-window.json and window_commands! differ");
    }
}
