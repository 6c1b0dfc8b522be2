//! Build script: with the `gui` feature, lets tauri-build read `tauri.conf.json` and the
//! capabilities so the window and its assets are compiled in. Without it there is nothing to do.

fn main() {
    #[cfg(feature = "gui")]
    tauri_build::build();
}
