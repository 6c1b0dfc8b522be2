//! The local vulnerability database: OSV advisories kept in one SQLite file under the cache
//! folder, indexed by ecosystem and package name so a scan reads only the advisories of the
//! packages it asks about.
//!
//! Importing reads OSV dumps (osv.dev's per-ecosystem `all.zip`, or a folder of `*.json`
//! records) one record at a time, in a single transaction: the ecosystems a dump brings replace
//! what the database held for them, and a dump that turns out cut or damaged leaves the database
//! as it was. Records that are not OSV's schema are skipped and counted; withdrawn ones dropped.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::osv::{read_record, Advisory, AffectedPackage, Read};
use super::VulnError;
use crate::progress::Reporter;

/// The database's schema version (SQLite's `user_version`); a file of another version is rebuilt.
const SCHEMA_VERSION: i64 = 2;

/// A record larger than this is not an advisory (osv.dev's largest are a few hundred KB).
const RECORD_LIMIT_BYTES: u64 = 16 << 20;

/// How many skipped records are named in an import's summary (all are counted).
const SKIPPED_NAMED: usize = 10;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS advisories (id TEXT PRIMARY KEY, body BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS affects (
        ecosystem TEXT NOT NULL, name TEXT NOT NULL, release TEXT NOT NULL, advisory TEXT NOT NULL,
        versions BLOB NOT NULL);
    CREATE INDEX IF NOT EXISTS affects_package ON affects (ecosystem, name);
    CREATE INDEX IF NOT EXISTS affects_advisory ON affects (advisory);
    CREATE TABLE IF NOT EXISTS sources (
        ecosystem TEXT PRIMARY KEY, origin TEXT NOT NULL, imported_at TEXT NOT NULL,
        advisories INTEGER NOT NULL, newest TEXT NOT NULL);
";

/// The vulnerability database, open.
pub struct Database {
    connection: Connection,
    path: PathBuf,
}

/// What the database holds for one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct EcosystemStatus {
    /// OSV's name for it (`Debian`, `PyPI`).
    pub ecosystem: String,
    /// Where its advisories came from (a file, a folder or a URL).
    pub origin: String,
    /// When they were imported (RFC 3339).
    pub imported_at: String,
    /// How many advisories it has.
    pub advisories: u64,
    /// When its newest advisory last changed (RFC 3339): how current the data is.
    pub newest: String,
}

/// What the database holds: one line per ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DatabaseStatus {
    /// The database file.
    pub path: String,
    /// Its ecosystems, by name.
    pub ecosystems: Vec<EcosystemStatus>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportSummary {
    /// Advisories stored.
    pub advisories: u64,
    /// Withdrawn records left out.
    pub withdrawn: u64,
    /// Records that could not be read as OSV's schema, left out.
    pub skipped: u64,
    /// The first few of those, with why.
    pub skipped_named: Vec<String>,
    /// The ecosystems imported, each replacing what was there.
    pub ecosystems: Vec<String>,
}

impl Database {
    /// Where the database lives: `vulns/osv.sqlite` in Strata's cache folder.
    pub fn default_path() -> Option<PathBuf> {
        crate::image::cache::user_cache_dir().map(|dir| dir.join("vulns").join("osv.sqlite"))
    }

    /// Opens the database at `path` if it exists; `None` when there is none yet.
    pub fn open_existing(path: &Path) -> Result<Option<Database>, VulnError> {
        if !path.exists() {
            return Ok(None);
        }
        let database = Database::open(path)?;
        Ok(Some(database).filter(|d| d.has_data()))
    }

    /// Opens the database at `path`, making it (and its folder) when absent.
    pub fn open(path: &Path) -> Result<Database, VulnError> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| VulnError::file(folder, e))?;
        }
        let connection = Connection::open(path).map_err(|e| VulnError::database(path, e))?;
        let database = Database { connection, path: path.to_path_buf() };
        database.prepare_schema()?;
        Ok(database)
    }

    fn prepare_schema(&self) -> Result<(), VulnError> {
        let fail = |e| VulnError::database(&self.path, e);
        let version: i64 = self.connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(fail)?;
        if version == SCHEMA_VERSION {
            // Opening to read writes nothing.
            return Ok(());
        }
        self.connection
            .execute_batch(
                "DROP TABLE IF EXISTS advisories; DROP TABLE IF EXISTS affects; DROP TABLE IF EXISTS sources;",
            )
            .map_err(fail)?;
        self.connection.execute_batch(SCHEMA).map_err(fail)?;
        self.connection.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(fail)
    }

    fn has_data(&self) -> bool {
        self.connection.query_row("SELECT 1 FROM sources LIMIT 1", [], |_| Ok(())).optional().ok().flatten().is_some()
    }

    /// What the database holds.
    pub fn status(&self) -> Result<DatabaseStatus, VulnError> {
        let fail = |e| VulnError::database(&self.path, e);
        let mut query = self
            .connection
            .prepare("SELECT ecosystem, origin, imported_at, advisories, newest FROM sources ORDER BY ecosystem")
            .map_err(fail)?;
        let rows = query
            .query_map([], |row| {
                Ok(EcosystemStatus {
                    ecosystem: row.get(0)?,
                    origin: row.get(1)?,
                    imported_at: row.get(2)?,
                    advisories: row.get::<_, i64>(3)?.max(0) as u64,
                    newest: row.get(4)?,
                })
            })
            .map_err(fail)?;
        let ecosystems = rows.collect::<Result<Vec<_>, _>>().map_err(fail)?;
        Ok(DatabaseStatus { path: self.path.display().to_string(), ecosystems })
    }

    /// Every affected-package entry naming package `name` in `ecosystem` (OSV's name, without a
    /// release) for a release `for_release` keeps, with its advisory's id: what a scan compares
    /// versions with. The advisory itself is read only for a match ([`advisory`](Self::advisory)).
    pub fn affected_entries(
        &self,
        ecosystem: &str,
        name: &str,
        for_release: impl Fn(&str) -> bool,
    ) -> Result<Vec<(String, AffectedPackage)>, VulnError> {
        let fail = |e| VulnError::database(&self.path, e);
        let mut query = self
            .connection
            .prepare_cached("SELECT advisory, release, versions FROM affects WHERE ecosystem = ?1 AND name = ?2")
            .map_err(fail)?;
        let rows = query
            .query_map(params![ecosystem, name], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Vec<u8>>(2)?))
            })
            .map_err(fail)?;
        let mut entries = Vec::new();
        for row in rows {
            let (advisory, release, versions) = row.map_err(fail)?;
            if !for_release(&release) {
                continue;
            }
            let (ranges, versions) = serde_json::from_slice(&versions).map_err(|e| self.damaged(e))?;
            let entry =
                AffectedPackage { ecosystem: ecosystem.to_string(), release, name: name.to_string(), ranges, versions };
            entries.push((advisory, entry));
        }
        Ok(entries)
    }

    /// The advisory `id` (without its affected packages), if the database has it.
    pub fn advisory(&self, id: &str) -> Result<Option<Advisory>, VulnError> {
        let fail = |e| VulnError::database(&self.path, e);
        let mut query = self.connection.prepare_cached("SELECT body FROM advisories WHERE id = ?1").map_err(fail)?;
        let body: Option<Vec<u8>> = query.query_row(params![id], |row| row.get(0)).optional().map_err(fail)?;
        body.map(|body| serde_json::from_slice(&body).map_err(|e| self.damaged(e))).transpose()
    }

    /// What a body written by this version of Strata (the schema version says so) that does not
    /// read back means: a damaged file.
    fn damaged(&self, error: serde_json::Error) -> VulnError {
        VulnError::Damaged { path: self.path.display().to_string(), reason: error.to_string() }
    }

    /// Imports OSV dumps — zip files or folders of JSON records — in one transaction: each
    /// ecosystem they bring replaces the database's, and any failure leaves it as it was.
    /// `origin` is what `status` will say they came from (the file, or a download's URL).
    pub fn import(&mut self, dumps: &[(PathBuf, String)], reporter: &mut Reporter) -> Result<ImportSummary, VulnError> {
        let path = self.path.clone();
        let fail = |e| VulnError::database(&path, e);
        let transaction = self.connection.transaction().map_err(fail)?;
        transaction
            .execute_batch("CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY); DELETE FROM seen;")
            .map_err(fail)?;
        let mut import = Import { summary: ImportSummary::default(), origins: Vec::new() };
        for (dump, origin) in dumps {
            let brought = import.read_dump(&transaction, dump, reporter)?;
            import.origins.extend(brought.into_iter().map(|(ecosystem, newest)| (ecosystem, origin.clone(), newest)));
        }
        import.replace_old(&transaction).map_err(fail)?;
        transaction.commit().map_err(fail)?;
        Ok(import.summary)
    }
}

/// One import under way.
struct Import {
    summary: ImportSummary,
    /// Each ecosystem brought: its name, origin and newest change.
    origins: Vec<(String, String, String)>,
}

impl Import {
    /// Stores every record of one dump; returns the ecosystems it brought with their newest change.
    fn read_dump(
        &mut self,
        transaction: &rusqlite::Transaction<'_>,
        dump: &Path,
        reporter: &mut Reporter,
    ) -> Result<Vec<(String, String)>, VulnError> {
        let mut brought: std::collections::BTreeMap<String, String> = Default::default();
        reporter.start(&format!("Importing {}", dump.display()), None);
        let mut store = |name: &str, json: Vec<u8>, summary: &mut ImportSummary| -> Result<(), VulnError> {
            match read_record(&json) {
                Ok(Read::Withdrawn) => summary.withdrawn += 1,
                Ok(Read::Advisory(advisory)) if advisory.affected.is_empty() => summary.skipped += 1,
                Ok(Read::Advisory(advisory)) => {
                    for affected in &advisory.affected {
                        let newest = brought.entry(affected.ecosystem.clone()).or_default();
                        if advisory.modified > *newest {
                            *newest = advisory.modified.clone();
                        }
                    }
                    store_advisory(transaction, advisory).map_err(|e| VulnError::database(dump, e))?;
                    summary.advisories += 1;
                }
                Err(reason) => {
                    summary.skipped += 1;
                    if summary.skipped_named.len() < SKIPPED_NAMED {
                        summary.skipped_named.push(format!("{name}: {reason}"));
                    }
                }
            }
            Ok(())
        };
        let summary = &mut self.summary;
        let mut done = 0u64;
        for_each_record(dump, |name, json| {
            done += json.len() as u64;
            reporter.update(done).map_err(|_| VulnError::Cancelled)?;
            store(name, json, summary)
        })?;
        reporter.finish(done);
        Ok(brought.into_iter().collect())
    }

    /// Drops what the brought ecosystems held before, and notes where they came from.
    fn replace_old(&mut self, transaction: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let ecosystems: BTreeSet<&String> = self.origins.iter().map(|(ecosystem, _, _)| ecosystem).collect();
        for ecosystem in &ecosystems {
            transaction.execute(
                "DELETE FROM affects WHERE ecosystem = ?1 AND advisory NOT IN (SELECT id FROM seen)",
                params![ecosystem],
            )?;
        }
        transaction.execute("DELETE FROM advisories WHERE id NOT IN (SELECT advisory FROM affects)", [])?;
        for (ecosystem, origin, newest) in &self.origins {
            let advisories: i64 = transaction.query_row(
                "SELECT COUNT(DISTINCT advisory) FROM affects WHERE ecosystem = ?1",
                params![ecosystem],
                |row| row.get(0),
            )?;
            transaction.execute(
                "INSERT OR REPLACE INTO sources (ecosystem, origin, imported_at, advisories, newest) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![ecosystem, origin, now, advisories, newest],
            )?;
        }
        self.summary.ecosystems = ecosystems.into_iter().cloned().collect();
        Ok(())
    }
}

/// Stores one advisory (its body without the affected packages) and each affected package's
/// ranges and versions, replacing an earlier copy of it.
fn store_advisory(transaction: &rusqlite::Transaction<'_>, mut advisory: Advisory) -> rusqlite::Result<()> {
    let affected = std::mem::take(&mut advisory.affected);
    let body = serde_json::to_vec(&advisory).expect("an advisory serializes");
    transaction.execute("INSERT OR REPLACE INTO advisories (id, body) VALUES (?1, ?2)", params![advisory.id, body])?;
    transaction.execute("DELETE FROM affects WHERE advisory = ?1", params![advisory.id])?;
    let mut insert = transaction.prepare_cached(
        "INSERT INTO affects (ecosystem, name, release, advisory, versions) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for entry in &affected {
        let versions = serde_json::to_vec(&(&entry.ranges, &entry.versions)).expect("ranges serialize");
        insert.execute(params![entry.ecosystem, entry.name, entry.release, advisory.id, versions])?;
    }
    transaction.execute("INSERT OR IGNORE INTO seen (id) VALUES (?1)", params![advisory.id])?;
    Ok(())
}

/// Calls `each` with every JSON record of a dump (a zip file or a folder), in the dump's order.
fn for_each_record(dump: &Path, mut each: impl FnMut(&str, Vec<u8>) -> Result<(), VulnError>) -> Result<(), VulnError> {
    if dump.is_dir() {
        return for_each_file(dump, &mut each);
    }
    let damaged = |reason: String| VulnError::Damaged { path: dump.display().to_string(), reason };
    let file = File::open(dump).map_err(|e| VulnError::file(dump, e))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| damaged(format!("not a zip archive, or cut short ({e})")))?;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| damaged(e.to_string()))?;
        let name = entry.name().map_err(|e| damaged(e.to_string()))?.to_string();
        if !entry.is_file() || !name.ends_with(".json") {
            continue;
        }
        let mut json = Vec::with_capacity(entry.size().min(RECORD_LIMIT_BYTES) as usize);
        (&mut entry).take(RECORD_LIMIT_BYTES).read_to_end(&mut json).map_err(|e| damaged(format!("{name}: {e}")))?;
        each(&name, json)?;
    }
    Ok(())
}

/// [`for_each_record`] for a folder: every `*.json` file under it, in name order.
fn for_each_file(
    folder: &Path,
    each: &mut impl FnMut(&str, Vec<u8>) -> Result<(), VulnError>,
) -> Result<(), VulnError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| VulnError::file(folder, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            for_each_file(&path, each)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            let json = std::fs::read(&path).map_err(|e| VulnError::file(&path, e))?;
            each(&path.display().to_string(), json)?;
        }
    }
    Ok(())
}
