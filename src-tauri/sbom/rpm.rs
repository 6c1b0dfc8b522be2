//! rpm's package database as rpm 4.16 and later keep it: `rpmdb.sqlite`, whose `Packages` table
//! holds one header per installed package. A header is rpm's own binary format: a count of index
//! entries and the size of the data after them (both big-endian), then each entry's tag, type,
//! offset into the data and count, then the data. Strata reads the few tags an SBOM needs.
//!
//! The older BerkeleyDB (`Packages`) and NDB (`Packages.db`) databases are not read: no
//! well-kept Rust crate reads them, and the inventory says so instead.

use std::io::Write as _;

/// One installed rpm package, as its header gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpmPackage {
    /// Its name.
    pub name: String,
    /// `[epoch:]version-release`.
    pub version: String,
    /// Its epoch, when it has one.
    pub epoch: Option<u32>,
    /// Its architecture (`x86_64`, `noarch`).
    pub architecture: Option<String>,
    /// Its licence, as the header writes it.
    pub licence: Option<String>,
    /// The source package's name (from `hello-1.2-3.src.rpm`).
    pub source: Option<String>,
    /// The files it owns, whole paths.
    pub files: Vec<String>,
}

const NAME: u32 = 1000;
const VERSION: u32 = 1001;
const RELEASE: u32 = 1002;
const EPOCH: u32 = 1003;
const LICENSE: u32 = 1014;
const ARCH: u32 = 1022;
const SOURCE_RPM: u32 = 1044;
const DIR_INDEXES: u32 = 1116;
const BASE_NAMES: u32 = 1117;
const DIR_NAMES: u32 = 1118;

/// rpm's header data types Strata reads.
const INT32: u32 = 4;
const STRING: u32 = 6;
const STRING_ARRAY: u32 = 8;
const I18N_STRING: u32 = 9;

/// The packages of an `rpmdb.sqlite` file's content, and what could not be read. SQLite reads
/// files, not memory: the content is written to a temporary file first.
pub fn packages(database: &[u8]) -> (Vec<RpmPackage>, Vec<String>) {
    match read_database(database) {
        Ok((packages, unread)) => (packages, unread),
        Err(reason) => (Vec::new(), vec![format!("the rpm database cannot be read ({reason})")]),
    }
}

fn read_database(database: &[u8]) -> Result<(Vec<RpmPackage>, Vec<String>), String> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    file.write_all(database).map_err(|e| e.to_string())?;
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let connection = rusqlite::Connection::open_with_flags(file.path(), flags).map_err(|e| e.to_string())?;
    let mut query = connection.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum").map_err(|e| e.to_string())?;
    let rows =
        query.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))).map_err(|e| e.to_string())?;
    let (mut packages, mut unread) = (Vec::new(), Vec::new());
    for row in rows {
        let (number, blob) = row.map_err(|e| e.to_string())?;
        match Header::parse(&blob).and_then(|header| header.package()) {
            Some(package) if package.name == "gpg-pubkey" => {} // an imported signing key, not a package
            Some(package) => packages.push(package),
            None => unread.push(format!("header {number} cannot be read")),
        }
    }
    Ok((packages, unread))
}

/// A header's index entries and data.
struct Header<'h> {
    entries: Vec<(u32, u32, usize, usize)>,
    data: &'h [u8],
}

impl<'h> Header<'h> {
    fn parse(blob: &'h [u8]) -> Option<Header<'h>> {
        let number = |at: usize| Some(u32::from_be_bytes(blob.get(at..at + 4)?.try_into().ok()?));
        let (count, size) = (number(0)? as usize, number(4)? as usize);
        let data_start = 8usize.checked_add(count.checked_mul(16)?)?;
        let data = blob.get(data_start..data_start.checked_add(size)?)?;
        let entries = (0..count)
            .map(|i| {
                let at = 8 + i * 16;
                Some((number(at)?, number(at + 4)?, number(at + 8)? as usize, number(at + 12)? as usize))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<(u32, usize, usize)> {
        self.entries.iter().find(|(t, ..)| *t == tag).map(|(_, kind, offset, count)| (*kind, *offset, *count))
    }

    /// A string tag (the first of an array or an i18n table).
    fn string(&self, tag: u32) -> Option<String> {
        self.strings(tag)?.into_iter().next()
    }

    fn strings(&self, tag: u32) -> Option<Vec<String>> {
        let (kind, offset, count) = self.entry(tag)?;
        if !matches!(kind, STRING | STRING_ARRAY | I18N_STRING) {
            return None;
        }
        let count = if kind == STRING { 1 } else { count };
        let mut rest = self.data.get(offset..)?;
        let mut strings = Vec::with_capacity(count.min(rest.len()));
        for _ in 0..count {
            let end = rest.iter().position(|b| *b == 0)?;
            strings.push(String::from_utf8_lossy(&rest[..end]).into_owned());
            rest = &rest[end + 1..];
        }
        Some(strings)
    }

    fn numbers(&self, tag: u32) -> Option<Vec<u32>> {
        let (kind, offset, count) = self.entry(tag)?;
        if kind != INT32 {
            return None;
        }
        let bytes = self.data.get(offset..offset.checked_add(count.checked_mul(4)?)?)?;
        Some(bytes.chunks_exact(4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).collect())
    }

    fn package(&self) -> Option<RpmPackage> {
        let name = self.string(NAME)?;
        let (version, release) = (self.string(VERSION)?, self.string(RELEASE)?);
        let epoch = self.numbers(EPOCH).and_then(|n| n.first().copied());
        let version = match epoch {
            Some(epoch) => format!("{epoch}:{version}-{release}"),
            None => format!("{version}-{release}"),
        };
        let source = self.string(SOURCE_RPM).and_then(|rpm| {
            let stem = rpm.strip_suffix(".src.rpm").or(rpm.strip_suffix(".nosrc.rpm"))?;
            Some(stem.rsplitn(3, '-').nth(2)?.to_string())
        });
        Some(RpmPackage {
            name,
            version,
            epoch,
            architecture: self.string(ARCH),
            licence: self.string(LICENSE),
            source,
            files: self.files(),
        })
    }

    /// The files: each base name joined to the folder its index names.
    fn files(&self) -> Vec<String> {
        let (Some(bases), Some(folders), Some(indexes)) =
            (self.strings(BASE_NAMES), self.strings(DIR_NAMES), self.numbers(DIR_INDEXES))
        else {
            return Vec::new();
        };
        bases
            .iter()
            .zip(indexes)
            .filter_map(|(base, index)| Some(format!("{}{base}", folders.get(index as usize)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with `strings` (tag, type, values) and `numbers` (tag, values), laid out as rpm does.
    fn header(strings: &[(u32, u32, &[&str])], numbers: &[(u32, &[u32])]) -> Vec<u8> {
        let (mut index, mut data) = (Vec::new(), Vec::new());
        for (tag, kind, values) in strings {
            index.push((*tag, *kind, data.len(), values.len()));
            for value in *values {
                data.extend_from_slice(value.as_bytes());
                data.push(0);
            }
        }
        for (tag, values) in numbers {
            while data.len() % 4 != 0 {
                data.push(0);
            }
            index.push((*tag, INT32, data.len(), values.len()));
            values.iter().for_each(|v| data.extend_from_slice(&v.to_be_bytes()));
        }
        let mut blob = Vec::new();
        blob.extend_from_slice(&(index.len() as u32).to_be_bytes());
        blob.extend_from_slice(&(data.len() as u32).to_be_bytes());
        for (tag, kind, offset, count) in index {
            for n in [tag, kind, offset as u32, count as u32] {
                blob.extend_from_slice(&n.to_be_bytes());
            }
        }
        blob.extend_from_slice(&data);
        blob
    }

    #[test]
    fn a_header_gives_the_name_version_source_and_files() {
        let blob = header(
            &[
                (NAME, STRING, &["bash"]),
                (VERSION, STRING, &["5.2.26"]),
                (RELEASE, STRING, &["3.fc40"]),
                (LICENSE, STRING, &["GPL-3.0-or-later"]),
                (ARCH, STRING, &["x86_64"]),
                (SOURCE_RPM, STRING, &["bash-5.2.26-3.fc40.src.rpm"]),
                (BASE_NAMES, STRING_ARRAY, &["bash", "bashbug"]),
                (DIR_NAMES, STRING_ARRAY, &["/usr/bin/"]),
            ],
            &[(EPOCH, &[1]), (DIR_INDEXES, &[0, 0])],
        );
        let package = Header::parse(&blob).unwrap().package().unwrap();
        assert_eq!((package.name.as_str(), package.version.as_str()), ("bash", "1:5.2.26-3.fc40"));
        assert_eq!(package.source.as_deref(), Some("bash"));
        assert_eq!(package.files, ["/usr/bin/bash", "/usr/bin/bashbug"]);
    }

    #[test]
    fn a_cut_header_or_a_database_that_is_not_sqlite_is_told_not_trusted() {
        let blob = header(&[(NAME, STRING, &["bash"])], &[]);
        assert!(Header::parse(&blob[..blob.len() - 2]).is_none());
        assert!(Header::parse(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]).is_none(), "a count past the end");
        let (found, unread) = packages(b"not a database at all");
        assert!(found.is_empty() && unread[0].starts_with("the rpm database cannot be read"), "{unread:?}");
    }
}
