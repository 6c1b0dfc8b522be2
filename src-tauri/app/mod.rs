//! The desktop shell: a thin Tauri adapter over the engine. It starts the [`Live`] view, exposes
//! the commands the window calls, and streams state and logs to it over `tauri::ipc::Channel`.
//! It is the only module that names Tauri.

mod commands;

use tauri::Manager;

use crate::live::Live;

/// Opens the main window and runs until it closes. `endpoint` picks a daemon other than the
/// preferred one.
pub fn run(endpoint: Option<String>) -> Result<(), String> {
    tauri::Builder::default()
        .setup(move |app| {
            let (live, supervise) = Live::new(endpoint.clone());
            tauri::async_runtime::spawn(supervise);
            app.manage(live);
            app.manage(commands::LogFollowers::default());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::endpoints,
            commands::select_endpoint,
            commands::rediscover_endpoints,
            commands::watch_state,
            commands::list_images,
            commands::list_containers,
            commands::container_action,
            commands::follow_logs,
            commands::stop_logs,
        ])
        .run(tauri::generate_context!())
        .map_err(|error| format!("the window could not be opened: {error}"))
}
