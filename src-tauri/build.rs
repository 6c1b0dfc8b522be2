//! Build script: with the `gui` feature, lets tauri-build read `tauri.conf.json` and the
//! capabilities so the window and its assets are compiled in, and declares the app's own commands
//! in an ACL manifest: each gets an `allow-…` permission, and the window may call only those its
//! capability (`capabilities/main-window.json`) grants.
//!
//! The commands are listed once, in `window_commands!` in `src-tauri/app/mod.rs`. This script
//! reads that list, declares it, and writes the capability from it, so the three cannot differ.
//! Without the feature there is nothing to do.

#[cfg(feature = "gui")]
const COMMAND_LIST: &str = "src-tauri/app/mod.rs";
#[cfg(feature = "gui")]
const CAPABILITY: &str = "capabilities/main-window.json";

/// The command names between `window_commands! {` and the closing `}`: one `module::name,` a line.
#[cfg(feature = "gui")]
fn command_names(source: &str) -> Vec<String> {
    let opening = "\nwindow_commands! {\n";
    let start = source.find(opening).expect("src-tauri/app/mod.rs declares window_commands! { … }") + opening.len();
    let list = &source[start..start + source[start..].find('}').expect("window_commands! closes")];
    list.split(',')
        .filter_map(|item| item.trim().rsplit("::").next().filter(|name| !name.is_empty()).map(str::to_string))
        .collect()
}

/// The window's capability: what it may do, and nothing more.
#[cfg(feature = "gui")]
fn capability(commands: &[String]) -> String {
    let mut permissions = vec!["core:event:allow-listen".to_string(), "core:event:allow-unlisten".to_string()];
    permissions.extend(commands.iter().map(|command| format!("allow-{}", command.replace('_', "-"))));
    let listed = permissions.iter().map(|p| format!("    \"{p}\"")).collect::<Vec<_>>().join(",\n");
    format!(
        r#"{{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "main-window",
  "description": "Written by src-tauri/build.rs from window_commands! in src-tauri/app/mod.rs; do not edit. What the main window may do, and nothing more: Strata's own commands (each listed; a command not here is refused) and listening to events (files dropped on the window). No shell, no file system plugin, no dialog permission (file dialogs open from Rust, so every path comes from the user), no remote content.",
  "windows": [
    "main"
  ],
  "local": true,
  "permissions": [
{listed}
  ]
}}
"#
    )
}

fn main() {
    #[cfg(feature = "gui")]
    {
        println!("cargo:rerun-if-changed={COMMAND_LIST}");
        // A Windows checkout may have CRLF line ends.
        let source =
            std::fs::read_to_string(COMMAND_LIST).expect("src-tauri/app/mod.rs is readable").replace("\r\n", "\n");
        let commands = command_names(&source);
        let granted = capability(&commands);
        // Written only when it changes, so tauri-build (which watches the file) rebuilds only then.
        if std::fs::read_to_string(CAPABILITY).ok().as_deref() != Some(granted.as_str()) {
            std::fs::write(CAPABILITY, granted).expect("capabilities/main-window.json is writable");
        }
        // The manifest wants a list that lives as long as the build script: it does.
        let names: &'static [&'static str] =
            commands.into_iter().map(|name| &*Box::leak(name.into_boxed_str())).collect::<Vec<_>>().leak();
        let manifest = tauri_build::AppManifest::new().commands(names);
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
            .expect("the Tauri configuration, capabilities and command permissions are valid");
    }
}
