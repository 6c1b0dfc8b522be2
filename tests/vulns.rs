//! `strata vulns`: OSV records written here, in OSV's schema, against the packages of images the
//! daemon built — dpkg by source package with epochs and `~`, apk on an Alpine release, Python
//! and Node — imported from a zip and a folder, matched with each finding's layer, and
//! `--fail-on`; a real Debian image's packages against records made from its own versions;
//! `vulns update` from a local HTTP server whose first answer is cut mid-download; damaged dumps
//! and malformed records.

mod common;

use common::osv::{as_entry, record, serve_dumps, write_zip};
use common::package_image::{files, DOCKERFILE};
use common::{json, strata, Fixtures};
use serde_json::{json, Value};

/// The records the package image is checked against, and what each should give.
fn package_image_records() -> Vec<Value> {
    vec![
        // libssl3 3.0.11-1~deb12u2 (source openssl, layer 2): before the fix, by `~`.
        record(
            "DEBIAN-CVE-2026-0001",
            "Debian:12",
            "openssl",
            json!([{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u3"}]),
            json!({"upstream": ["CVE-2026-0001"], "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u3"}]}],
                "ecosystem_specific": {"urgency": "high"}}]}),
        ),
        // The installed version is the fix.
        record(
            "DEBIAN-CVE-2026-0002",
            "Debian:12",
            "openssl",
            json!([{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u2"}]),
            json!({}),
        ),
        // Another release's advisory.
        record(
            "DEBIAN-CVE-2026-0003",
            "Debian:11",
            "zlib",
            json!([{"introduced": "0"}, {"fixed": "1:9.9-1"}]),
            json!({}),
        ),
        // zlib1g 1:1.2.13.dfsg-1: affected, the fix carries the epoch…
        record(
            "DEBIAN-CVE-2026-0004",
            "Debian:12",
            "zlib",
            json!([{"introduced": "0"}, {"fixed": "1:1.2.13.dfsg-1+deb12u1"}]),
            json!({}),
        ),
        // …and a fix without one is older than any epoch-1 version.
        record(
            "DEBIAN-CVE-2026-0005",
            "Debian:12",
            "zlib",
            json!([{"introduced": "0"}, {"fixed": "1.3-1"}]),
            json!({}),
        ),
        // Requests 2.31.0, by its normalised name, with a CVSS 3.1 vector (6.1, medium).
        record(
            "PYSEC-2026-7",
            "PyPI",
            "requests",
            json!([{"introduced": "2.0"}, {"fixed": "2.32.0"}]),
            json!({"aliases": ["CVE-2026-0007"], "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}]}),
        ),
        // @types/node 20.1.0 is the last affected version; the database calls it critical.
        record(
            "GHSA-aaaa-bbbb-cccc",
            "npm",
            "@types/node",
            json!([{"introduced": "0"}, {"last_affected": "20.1.0"}]),
            json!({"database_specific": {"severity": "CRITICAL"}}),
        ),
        // Withdrawn: it no longer applies.
        record(
            "GHSA-dddd-eeee-ffff",
            "npm",
            "@types/node",
            json!([{"introduced": "0"}]),
            json!({"withdrawn": "2026-11-01T00:00:00Z"}),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn an_images_packages_are_matched_against_imported_osv_records_with_their_layer() {
    let mut fixtures = Fixtures::new("vulns").await;
    let image = fixtures.image_from("packages", DOCKERFILE, &files()).await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];

    // No database yet: one line saying how to get one, exit 1.
    let none = strata(&["vulns", &image], &env);
    let said = String::from_utf8_lossy(&none.stderr);
    assert_eq!((none.status.code(), said.lines().count()), (Some(1), 1), "{said}");
    assert!(said.contains("no vulnerability database") && said.contains("strata vulns update"), "{said}");

    // A dump with two records that are not OSV's schema, skipped and counted.
    let dumps = tempfile::tempdir().unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = package_image_records().iter().map(as_entry).collect();
    entries.push(("BROKEN-1.json".into(), b"{\"id\": \"BROKEN-1\", \"affected\": [".to_vec()));
    let bad_range = json!({"id": "BROKEN-2", "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"sometime": "1.0"}]}]}]});
    entries.push(as_entry(&bad_range));
    let zip = dumps.path().join("all.zip");
    write_zip(&zip, &entries);
    let imported = strata(&["vulns", "import", zip.to_str().unwrap()], &env);
    let said = String::from_utf8_lossy(&imported.stdout);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(said.contains("Imported 7 advisories") && said.contains("1 withdrawn"), "{said}");
    assert!(said.contains("Skipped 2 records") && said.contains("BROKEN-1.json"), "{said}");

    let found = json(&strata(&["vulns", &image, "--json"], &env));
    /// id, package, severity, fixed in, layer, installed version
    type Row<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, u64, &'a str);
    let findings: Vec<Row> = found["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["package"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["fixed"].as_str(),
                f["layer"].as_u64().unwrap(),
                f["version"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("GHSA-aaaa-bbbb-cccc", "@types/node", "critical", None, 1, "20.1.0"),
            ("DEBIAN-CVE-2026-0001", "libssl3", "high", Some("3.0.11-1~deb12u3"), 2, "3.0.11-1~deb12u2"),
            ("PYSEC-2026-7", "requests", "medium", Some("2.32.0"), 1, "2.31.0"),
            ("DEBIAN-CVE-2026-0004", "zlib1g", "unknown", Some("1:1.2.13.dfsg-1+deb12u1"), 2, "1:1.2.13.dfsg-1"),
        ],
        "{found}"
    );
    let pysec = &found["report"]["findings"][2];
    assert_eq!((pysec["score"].as_f64(), &pysec["aliases"][0]), (Some(6.1), &json!("CVE-2026-0007")));
    assert_eq!(found["report"]["findings"][1]["aliases"][0], "CVE-2026-0001", "Debian's upstream ids are aliases");
    assert_eq!(found["report"]["not_covered"], json!(["apk packages on debian"]));
    assert_eq!(found["passed"], true, "no --fail-on");

    // The table, and the gate.
    let table = strata(&["vulns", &image], &env);
    let said = String::from_utf8_lossy(&table.stdout);
    assert!(table.status.success(), "{said}");
    assert!(said.contains("4 vulnerabilities (1 critical, 1 high, 1 medium, 1 unknown)"), "{said}");
    assert!(said.contains("DEBIAN-CVE-2026-0001 (CVE-2026-0001)") && said.contains("not fixed"), "{said}");
    assert!(said.contains("Not checked: apk packages on debian"), "{said}");
    assert_eq!(strata(&["vulns", &image, "--fail-on", "critical"], &env).status.code(), Some(1));
    assert_eq!(strata(&["vulns", &image, "--fail-on", "high", "--json"], &env).status.code(), Some(1));

    // Status: each ecosystem, its count and newest record.
    let status = json(&strata(&["vulns", "status", "--json"], &env));
    let ecosystems: Vec<(&str, u64)> = status["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["ecosystem"].as_str().unwrap(), e["advisories"].as_u64().unwrap()))
        .collect();
    assert_eq!(ecosystems, [("Debian", 5), ("PyPI", 1), ("npm", 1)]);
    assert_eq!(status["ecosystems"][0]["newest"], "2026-11-30T12:00:00Z");

    // A damaged dump: a clear error, and the database as it was.
    let bytes = std::fs::read(&zip).unwrap();
    let cut = dumps.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let refused = strata(&["vulns", "import", cut.to_str().unwrap()], &env);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(said.contains("damaged") && said.contains("cut.zip"), "{said}");
    assert_eq!(json(&strata(&["vulns", "status", "--json"], &env))["ecosystems"], status["ecosystems"]);

    // A folder of records for PyPI replaces PyPI's advisories only: the fix is now older.
    let folder = dumps.path().join("pypi");
    std::fs::create_dir_all(folder.join("nested")).unwrap();
    let replaced =
        record("PYSEC-2026-8", "PyPI", "Requests", json!([{"introduced": "0"}, {"fixed": "2.30.0"}]), json!({}));
    std::fs::write(folder.join("nested/PYSEC-2026-8.json"), replaced.to_string()).unwrap();
    assert!(strata(&["vulns", "import", folder.to_str().unwrap()], &env).status.success());
    let found = json(&strata(&["vulns", &image, "--json"], &env));
    let ids: Vec<&str> =
        found["report"]["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["GHSA-aaaa-bbbb-cccc", "DEBIAN-CVE-2026-0001", "DEBIAN-CVE-2026-0004"]);

    // The diff: an image that upgrades libssl3 past the fix has fixed one vulnerability.
    let status = "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n\n\
        Package: libssl3\nStatus: install ok installed\nSource: openssl\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u3\n\n\
        Package: zlib1g\nStatus: install ok installed\nSource: zlib\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n";
    let upgraded = fixtures
        .image_from("upgraded", &format!("FROM {image}\nCOPY data/ /\n"), &[("var/lib/dpkg/status", status.as_bytes())])
        .await;
    let diff = json(&strata(&["diff", &image, &upgraded, "--json"], &env));
    let vulns = &diff["vulnerabilities"];
    assert_eq!(vulns["fixed"].as_array().unwrap().len(), 1, "{vulns}");
    assert_eq!(
        (&vulns["fixed"][0]["id"], &vulns["fixed"][0]["package"]),
        (&json!("DEBIAN-CVE-2026-0001"), &json!("libssl3"))
    );
    assert_eq!((vulns["introduced"].as_array().unwrap().len(), &vulns["unchanged"]), (0, &json!(2)));
    let table = String::from_utf8_lossy(&strata(&["diff", &image, &upgraded], &env).stdout).to_string();
    assert!(
        table.contains("Vulnerabilities (2 in both)") && table.contains("- high     DEBIAN-CVE-2026-0001 libssl3"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apk_packages_are_matched_by_origin_on_their_alpine_release() {
    let mut fixtures = Fixtures::new("vulns-alpine").await;
    let installed =
        "P:libcrypto3\nV:3.1.4-r1\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\n";
    let image = fixtures
        .image_from(
            "alpine",
            "FROM scratch\nCOPY data/ /\n",
            &[
                ("etc/os-release", b"ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n"),
                ("lib/apk/db/installed", installed.as_bytes()),
            ],
        )
        .await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    let dumps = tempfile::tempdir().unwrap();
    let records = [
        record("ALPINE-1", "Alpine:v3.19", "openssl", json!([{"introduced": "0"}, {"fixed": "3.1.4-r2"}]), json!({})),
        record("ALPINE-2", "Alpine:v3.18", "openssl", json!([{"introduced": "0"}, {"fixed": "3.1.9-r0"}]), json!({})),
        // `_git` sorts after the plain release: 1.2.4_git… is past the fix 1.2.4-r4.
        record("ALPINE-3", "Alpine:v3.19", "musl", json!([{"introduced": "0"}, {"fixed": "1.2.4-r4"}]), json!({})),
        record(
            "ALPINE-4",
            "Alpine:v3.19",
            "musl",
            json!([{"introduced": "0"}, {"fixed": "1.2.4_git20230718-r0"}]),
            json!({}),
        ),
    ];
    let zip = dumps.path().join("all.zip");
    write_zip(&zip, &records.iter().map(as_entry).collect::<Vec<_>>());
    assert!(strata(&["vulns", "import", zip.to_str().unwrap()], &env).status.success());
    let found = json(&strata(&["vulns", &image, "--json"], &env));
    let findings: Vec<(&str, &str)> = found["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["package"].as_str().unwrap()))
        .collect();
    assert_eq!(findings, [("ALPINE-1", "libcrypto3"), ("ALPINE-4", "musl")], "{found}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_debian_images_packages_match_records_made_from_their_own_versions() {
    let mut fixtures = Fixtures::new("vulns-debian").await;
    let image = common::debian::import(&mut fixtures, "bookworm").await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    let sbom = json(&strata(&["sbom", &image, "--json"], &env));
    let libc = sbom["packages"].as_array().unwrap().iter().find(|p| p["name"] == "libc6").unwrap();
    let version = libc["version"].as_str().unwrap();
    // A fix one step after the installed glibc (`+`), and one just before it (`~`).
    let dumps = tempfile::tempdir().unwrap();
    let after = record(
        "DEBIAN-CVE-2026-1000",
        "Debian:12",
        "glibc",
        json!([{"introduced": "0"}, {"fixed": format!("{version}+strata1")}]),
        json!({}),
    );
    let before = record(
        "DEBIAN-CVE-2026-1001",
        "Debian:12",
        "glibc",
        json!([{"introduced": "0"}, {"fixed": format!("{version}~strata1")}]),
        json!({}),
    );
    std::fs::write(dumps.path().join("a.json"), after.to_string()).unwrap();
    std::fs::write(dumps.path().join("b.json"), before.to_string()).unwrap();
    assert!(strata(&["vulns", "import", dumps.path().to_str().unwrap()], &env).status.success());
    let found = json(&strata(&["vulns", &image, "--json"], &env));
    let mut hit: Vec<(&str, &str)> = found["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["package"].as_str().unwrap()))
        .collect();
    hit.sort();
    // Every binary package built from glibc, and nothing else.
    assert_eq!(hit, [("DEBIAN-CVE-2026-1000", "libc-bin"), ("DEBIAN-CVE-2026-1000", "libc6")], "{found}");
    assert!(found["report"]["packages_checked"].as_u64().unwrap() > 80);
}

#[test]
fn an_update_cut_mid_download_keeps_the_old_database_and_resumes() {
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    // The database before: one old Debian advisory, from a folder.
    let old = tempfile::tempdir().unwrap();
    let stale = record("DEBIAN-CVE-2020-0001", "Debian:12", "bash", json!([{"introduced": "0"}]), json!({}));
    std::fs::write(old.path().join("old.json"), stale.to_string()).unwrap();
    assert!(strata(&["vulns", "import", old.path().to_str().unwrap()], &env).status.success());
    let before = json(&strata(&["vulns", "status", "--json"], &env));

    // A dump big enough to be cut: many records, stored uncompressed-ish by their variety.
    let dumps = tempfile::tempdir().unwrap();
    let entries: Vec<(String, Vec<u8>)> = (0..400)
        .map(|n| {
            let name = format!("package-{n}");
            as_entry(&record(
                &format!("DEBIAN-CVE-2026-{n:05}"),
                "Debian:12",
                &name,
                json!([{"introduced": "0"}, {"fixed": format!("{n}.0-1")}]),
                json!({}),
            ))
        })
        .collect();
    let zip = dumps.path().join("all.zip");
    write_zip(&zip, &entries);
    let (port, ranges) = serve_dumps(vec![("Debian".into(), std::fs::read(&zip).unwrap())], true);
    let base = format!("http://127.0.0.1:{port}");

    let cut = strata(&["vulns", "update", "--from", &base, "--ecosystem", "Debian"], &env);
    let said = String::from_utf8_lossy(&cut.stderr);
    assert_eq!(cut.status.code(), Some(1), "{said}");
    assert!(said.contains("cut after") && said.contains("resumes"), "{said}");
    assert_eq!(json(&strata(&["vulns", "status", "--json"], &env)), before, "the old database is kept");

    let resumed = strata(&["vulns", "update", "--from", &base, "--ecosystem", "Debian"], &env);
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let half = (std::fs::metadata(&zip).unwrap().len() / 2).to_string();
    assert_eq!(*ranges.lock().unwrap(), [None, Some(half)], "the second request asks for the rest only");
    let after = json(&strata(&["vulns", "status", "--json"], &env));
    assert_eq!(after["ecosystems"][0]["advisories"], 400, "the stale advisory is replaced: {after}");
    assert_eq!(after["ecosystems"][0]["origin"], format!("{base}/Debian/all.zip"));
    let downloads = cache.path().join("vulns/downloads");
    assert_eq!(std::fs::read_dir(&downloads).unwrap().count(), 0, "the dump is removed once imported");

    // A server that is not there: a clear error.
    let gone = strata(&["vulns", "update", "--from", "http://127.0.0.1:9", "--ecosystem", "PyPI"], &env);
    let said = String::from_utf8_lossy(&gone.stderr);
    assert_eq!(gone.status.code(), Some(1));
    assert!(said.contains("downloading http://127.0.0.1:9/PyPI/all.zip failed"), "{said}");
}
