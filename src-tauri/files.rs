//! Writing files on this computer without ever leaving half of one: the one way Strata writes a
//! file atomically ([`write_atomically`] for what is written at once, [`partial_beside`] for a
//! stream that arrives over time), where the user may write ([`check_destination`]), and a free
//! name for a new file ([`free_path_in`]). Both ways write a temporary file in the destination's
//! own folder (with `tempfile`) and rename it over the destination once it is complete, so a
//! reader sees the old file or the new one, never a mix, and a failure removes the temporary.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::engine::Os;
use crate::file_names;

/// Files are written through a buffer this large (a layer index is written in many small pieces).
const WRITE_BUFFER_BYTES: usize = 64 * 1024;

/// Writes the file at `path` from what `write` puts in it, all or nothing, creating its folder
/// if needed.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let folder = folder_of(path);
    std::fs::create_dir_all(folder)?;
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER_BYTES, tempfile::NamedTempFile::new_in(folder)?);
    write(&mut writer)?;
    let file = writer.into_inner().map_err(|error| error.into_error())?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// A fresh temporary name beside `path`, for writing that takes a while (a download, an export):
/// create the file there (nothing is there yet, so `create_new` works), write it, then
/// `persist(path)`. Dropped before that, whatever was written there is removed.
pub fn partial_beside(path: &Path) -> io::Result<tempfile::TempPath> {
    let folder = folder_of(path);
    std::fs::create_dir_all(folder)?;
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let reserved =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".partial").tempfile_in(folder)?.into_temp_path();
    // The random name stays reserved for us; the writer makes the file itself.
    std::fs::remove_file(&reserved)?;
    Ok(reserved)
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|folder| !folder.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A path in `folder` for a new file called after `name` (an image reference, a file's name):
/// separators and colons become `_`, and a number goes in front while the name is taken.
pub fn free_path_in(folder: &Path, name: &str) -> PathBuf {
    let name: String =
        name.chars().map(|c| if matches!(c, '/' | '\\' | ':') || c.is_control() { '_' } else { c }).collect();
    let name = if name.trim().is_empty() { "extracted".to_string() } else { file_names::safe_name(Os::CURRENT, &name) };
    let mut candidate = folder.join(&name);
    let mut number = 1;
    while candidate.exists() {
        candidate = folder.join(format!("{number}-{name}"));
        number += 1;
    }
    candidate
}

/// Why a destination cannot be written to, with the path.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// A destination the user may write to: an absolute path to a file that does not exist yet, in
/// a folder that does, under a name this system stores as it is (never `a:b` or `aux` on Windows,
/// which would write somewhere else).
pub fn check_destination(destination: &Path) -> Result<PathBuf, Refused> {
    let refuse = |why: &str| Err(Refused(format!("{}: {why}", destination.display())));
    if !destination.is_absolute() {
        return refuse("give a full path, starting at the root");
    }
    let name = destination.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    if let Some(why) = file_names::refusal(Os::CURRENT, &name) {
        return refuse(&format!("{why}; choose another name"));
    }
    if destination.exists() {
        return refuse("a file of that name already exists");
    }
    match destination.parent() {
        Some(folder) if folder.is_dir() => Ok(destination.to_path_buf()),
        _ => refuse("its folder does not exist"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_whole_file_or_leaves_it_as_it_was() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("deep/settings.json");
        write_atomically(&path, |out| out.write_all(b"first")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let failed = write_atomically(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("the disk filled up"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"first", "the old file is untouched");
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary left behind");
    }

    #[test]
    fn a_partial_file_becomes_the_file_or_disappears() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("export.tar");
        let partial = partial_beside(&path).unwrap();
        assert!(!partial.exists(), "the writer creates the file");
        std::fs::File::create_new(&partial).unwrap().write_all(b"done").unwrap();
        partial.persist(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"done");
        let abandoned = partial_beside(&folder.path().join("other.tar")).unwrap();
        let abandoned_path = abandoned.to_path_buf();
        std::fs::write(&abandoned, b"half").unwrap();
        drop(abandoned);
        assert!(!abandoned_path.exists());
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_free_name_never_overwrites() {
        let folder = tempfile::tempdir().unwrap();
        let first = free_path_in(folder.path(), "app:1.2");
        assert_eq!(first.file_name().unwrap(), "app_1.2");
        std::fs::write(&first, b"").unwrap();
        assert_eq!(free_path_in(folder.path(), "app:1.2").file_name().unwrap(), "1-app_1.2");
        assert_eq!(free_path_in(folder.path(), "  ").file_name().unwrap(), "extracted");
    }
}
