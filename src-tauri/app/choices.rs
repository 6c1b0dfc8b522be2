//! Paths come from the user, never from the page. Every file or folder the window reads from or
//! writes to is picked in the system's own file dialog, opened from here (tauri-plugin-dialog), or
//! dropped on the window (the drop event reaches Rust before the page). The page may show such a
//! path and send it back, but a command given any other path refuses it: a compromised page
//! cannot make Strata write, read or build anywhere the user did not point at.
//!
//! Files are written under a temporary name in the chosen folder and renamed over the chosen name
//! once complete (the dialog has already asked the user before replacing a file), so a failed or
//! cancelled write never leaves half a file, and a link at the chosen name is replaced, not
//! followed.
//!
//! Tests cannot click through GTK's file chooser, so when `STRATA_TEST_CHOICES` names a file, the
//! dialogs are not shown: the file's content is the user's answer (one path), taken once; no file
//! means the user cancelled. Only whoever starts the app sets its environment; the page cannot.

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};

use crate::problem::{ErrorCode, Failure};

/// The environment variable that answers the dialogs in tests.
const TEST_ANSWERS: &str = "STRATA_TEST_CHOICES";

/// The paths the user chose or dropped in this run of the app.
#[derive(Default)]
pub struct Chosen {
    paths: Mutex<HashSet<PathBuf>>,
}

impl Chosen {
    pub fn remember(&self, path: &Path) {
        self.paths.lock().expect("chosen paths lock").insert(path.to_path_buf());
    }

    /// `path` when the user chose or dropped it; an error that says how to choose it otherwise.
    pub fn check(&self, path: &str) -> Result<PathBuf, Failure> {
        let path = PathBuf::from(path.trim());
        if self.paths.lock().expect("chosen paths lock").contains(&path) {
            return Ok(path);
        }
        Err(Failure::new(ErrorCode::InvalidInput, format!("{} was not chosen in a file dialog", path.display()))
            .with_hint(
                "Strata reads and writes only files and folders picked in its file dialogs or dropped on the window.",
            ))
    }
}

/// What a dialog asks for.
pub enum Ask<'a> {
    /// A new or replaced file, offered under `name` in the Downloads folder.
    SaveFile { title: &'a str, name: &'a str },
    /// An existing file, with a filter on its extensions.
    OpenFile { title: &'a str, kind: &'a str, extensions: &'a [&'a str] },
    /// An existing folder.
    Folder { title: &'a str },
}

/// A file written where the user chose.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Saved {
    pub path: String,
    pub bytes: u64,
}

/// Shows the dialog and waits for the user; `None` when they cancelled. The path is remembered
/// as chosen.
pub async fn ask(app: &AppHandle, ask: Ask<'_>) -> Result<Option<PathBuf>, Failure> {
    let answer = match std::env::var_os(TEST_ANSWERS) {
        Some(answers) => test_answer(Path::new(&answers))?,
        None => show(app, ask).await,
    };
    if let Some(path) = &answer {
        app.state::<Chosen>().remember(path);
    }
    Ok(answer)
}

async fn show(app: &AppHandle, ask: Ask<'_>) -> Option<PathBuf> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file();
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let reply = move |path: Option<tauri_plugin_dialog::FilePath>| {
        let _ = sender.send(path.and_then(|p| p.into_path().ok()));
    };
    match ask {
        Ask::SaveFile { title, name } => starting_folder(dialog.set_title(title)).set_file_name(name).save_file(reply),
        Ask::OpenFile { title, kind, extensions } => {
            starting_folder(dialog.set_title(title)).add_filter(kind, extensions).pick_file(reply)
        }
        Ask::Folder { title } => starting_folder(dialog.set_title(title)).pick_folder(reply),
    }
    receiver.await.ok().flatten()
}

/// Dialogs open in Downloads (else home).
fn starting_folder(dialog: FileDialogBuilder<tauri::Wry>) -> FileDialogBuilder<tauri::Wry> {
    match dirs::download_dir().filter(|d| d.is_dir()).or_else(dirs::home_dir) {
        Some(folder) => dialog.set_directory(folder),
        None => dialog,
    }
}

/// The tests' stand-in for the user: the answer file's path, taken once.
fn test_answer(answers: &Path) -> Result<Option<PathBuf>, Failure> {
    match std::fs::read_to_string(answers) {
        Ok(text) => {
            let _ = std::fs::remove_file(answers);
            Ok(Some(PathBuf::from(text.trim())))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Failure::new(ErrorCode::FileSystem, format!("{TEST_ANSWERS}: {error}"))),
    }
}

/// A bare file name to offer in a save dialog: the last part of `suggested`, never a path, made
/// one this system takes (`aux` is offered as `aux_` on Windows).
pub fn file_name(suggested: &str, fallback: &str) -> String {
    let name = Path::new(suggested)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| fallback.to_string());
    crate::file_names::safe_name(crate::engine::Os::CURRENT, &name)
}

/// Asks where to save, then has `write` fill a new file beside the chosen one and renames it over
/// the chosen name once complete. `None` when the user cancelled.
pub async fn save<F, Fut>(app: &AppHandle, title: &str, name: &str, write: F) -> Result<Option<Saved>, Failure>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = Result<u64, Failure>>,
{
    let Some(chosen) = ask(app, Ask::SaveFile { title, name }).await? else {
        return Ok(None);
    };
    let bytes = write_then_rename(&chosen, write).await?;
    Ok(Some(Saved { path: chosen.display().to_string(), bytes }))
}

fn cannot_write(path: &Path, error: std::io::Error) -> Failure {
    Failure::new(ErrorCode::FileSystem, format!("{} cannot be written: {error}", path.display()))
        .with_hint("Choose another file name or folder.")
}

async fn write_then_rename<F, Fut>(chosen: &Path, write: F) -> Result<u64, Failure>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = Result<u64, Failure>>,
{
    chosen.parent().filter(|f| f.is_dir()).ok_or_else(|| {
        Failure::new(ErrorCode::FileSystem, format!("{}: its folder does not exist", chosen.display()))
            .with_hint("Choose a file in an existing folder.")
    })?;
    let partial = crate::files::partial_beside(chosen).map_err(|e| cannot_write(chosen, e))?;
    let bytes = write(partial.to_path_buf()).await?;
    partial.persist(chosen).map_err(|e| cannot_write(chosen, e.error))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::content::write_new_file;

    #[test]
    fn only_chosen_paths_pass() {
        let chosen = Chosen::default();
        chosen.remember(Path::new("/home/me/image.tar"));
        assert_eq!(chosen.check(" /home/me/image.tar ").unwrap(), PathBuf::from("/home/me/image.tar"));
        let refused = chosen.check("/etc/passwd").unwrap_err();
        assert!(refused.message.contains("/etc/passwd was not chosen"), "{}", refused.message);
    }

    #[test]
    fn a_suggested_name_is_never_a_path() {
        assert_eq!(file_name("../../.bashrc", "x"), ".bashrc");
        assert_eq!(file_name("/etc/cron.d/job", "x"), "job");
        assert_eq!(file_name("web-memory.png", "x"), "web-memory.png");
        assert_eq!(file_name("..", "chart.png"), "chart.png");
        assert_eq!(file_name("", "chart.png"), "chart.png");
    }

    #[tokio::test]
    async fn a_write_replaces_the_chosen_file_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let chosen = dir.path().join("chart.png");
        std::fs::write(&chosen, "old").unwrap();
        let failed = write_then_rename(&chosen, |partial| async move {
            write_new_file(&b"half"[..], &partial)?;
            Err(Failure::new(ErrorCode::DaemonUnreachable, "the daemon went away"))
        })
        .await;
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&chosen).unwrap(), "old", "a failed write keeps the old file");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "and leaves no partial file");
        let bytes = write_then_rename(&chosen, |partial| async move { Ok(write_new_file(&b"new"[..], &partial)?) })
            .await
            .unwrap();
        assert_eq!((bytes, std::fs::read_to_string(&chosen).unwrap()), (3, "new".to_string()));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_link_at_the_chosen_name_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "keep").unwrap();
        let chosen = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&elsewhere, &chosen).unwrap();
        write_then_rename(&chosen, |partial| async move { Ok(write_new_file(&b"csv"[..], &partial)?) }).await.unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep");
        assert!(!std::fs::symlink_metadata(&chosen).unwrap().file_type().is_symlink());
    }
}
