//! `strata sbom` on an image the daemon built: dpkg (a status file and a distroless `status.d/`
//! paragraph), apk, Python and Node packages and `os-release`, each package with the layer that
//! installed or last changed it; the CycloneDX 1.6 and SPDX 2.3 documents checked by the
//! formats' own tooling from PyPI (cyclonedx-python-lib's validator, spdx-tools' pyspdxtools).

mod common;

use std::path::Path;
use std::process::Command;

use common::package_image::{files, DOCKERFILE};
use common::{json, strata, Fixtures};

fn venv_tool(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin").join(name)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_images_packages_are_listed_with_their_layer_and_written_as_valid_cyclonedx_and_spdx() {
    let mut fixtures = Fixtures::new("sbom").await;
    let image = fixtures.image_from("packages", DOCKERFILE, &files()).await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];

    let found = json(&strata(&["sbom", &image, "--json"], &env));
    assert_eq!(found["os"]["pretty_name"], "Debian GNU/Linux 12 (bookworm)");
    let packages = found["packages"].as_array().unwrap();
    let listed: Vec<(&str, &str, &str, u64)> = packages
        .iter()
        .map(|p| {
            (
                p["ecosystem"].as_str().unwrap(),
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap(),
                p["layer"].as_u64().unwrap(),
            )
        })
        .collect();
    // Layer 0 is busybox, 1 the base, 2 the upgrade.
    assert_eq!(
        listed,
        [
            ("deb", "base-files", "12.4+deb12u5", 2),
            ("deb", "bash", "5.2.15-2+b2", 1),
            ("deb", "libssl3", "3.0.11-1~deb12u2", 2),
            ("deb", "zlib1g", "1:1.2.13.dfsg-1", 2),
            ("apk", "musl", "1.2.4-r2", 1),
            ("python", "requests", "2.31.0", 1),
            ("node", "@types/node", "20.1.0", 1),
        ],
        "a configuration-only remnant is not installed: {found}"
    );
    let libssl = &packages[2];
    assert_eq!(libssl["source"], "openssl");
    assert_eq!(libssl["purl"], "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
    assert_eq!(packages[4]["files"], serde_json::json!(["/lib/ld-musl-x86_64.so.1"]));
    assert_eq!(packages[6]["purl"], "pkg:npm/%40types/node@20.1.0");
    let table = String::from_utf8_lossy(&strata(&["sbom", &image], &env).stdout).to_string();
    assert!(
        table.contains("Debian GNU/Linux 12 (bookworm) · 7 packages") && table.contains("pkg:pypi/requests@2.31.0"),
        "{table}"
    );

    // CycloneDX 1.6, checked by cyclonedx-python-lib's strict JSON validator.
    let dir = tempfile::tempdir().unwrap();
    let cyclonedx = dir.path().join("sbom.cdx.json");
    let written = strata(&["sbom", &image, "--format", "cyclonedx", "-o", cyclonedx.to_str().unwrap()], &env);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let check = "import sys\nfrom cyclonedx.schema import SchemaVersion\nfrom cyclonedx.validation.json import JsonStrictValidator\n\
        errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())\n\
        print(errors or 'valid'); sys.exit(1 if errors else 0)\n";
    let validated = Command::new(venv_tool("python3")).args(["-c", check]).arg(&cyclonedx).output().unwrap();
    assert!(
        validated.status.success(),
        "CycloneDX: {}{}",
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&std::fs::read(&cyclonedx).unwrap()).unwrap();
    let components = document["components"].as_array().unwrap();
    assert_eq!(components.len(), 8, "the OS and seven packages");
    assert_eq!(components[0]["type"], "operating-system");
    let musl = components.iter().find(|c| c["name"] == "musl").unwrap();
    assert_eq!(musl["licenses"][0]["expression"], "MIT");
    assert!(musl["properties"].as_array().unwrap().iter().any(|p| p["name"] == "strata:layer" && p["value"] == "1"));

    // SPDX 2.3, checked by spdx-tools (it parses, then validates, the document).
    let spdx = dir.path().join("sbom.spdx.json");
    let written = strata(&["sbom", &image, "--format", "spdx", "-o", spdx.to_str().unwrap()], &env);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let validated = Command::new(venv_tool("pyspdxtools")).arg("-i").arg(&spdx).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&validated.stdout), String::from_utf8_lossy(&validated.stderr));
    assert!(validated.status.success() && !said.contains("ERROR"), "SPDX: {said}");
    let document: serde_json::Value = serde_json::from_slice(&std::fs::read(&spdx).unwrap()).unwrap();
    let requests = document["packages"].as_array().unwrap().iter().find(|p| p["name"] == "requests").unwrap();
    assert_eq!(requests["licenseDeclared"], "NOASSERTION", "`Apache 2.0` is not an SPDX expression");
    assert_eq!(requests["licenseComments"], "Declared as: Apache 2.0");

    // Bad input: a file that cannot be written.
    let refused = strata(&["sbom", &image, "--format", "spdx", "-o", "/proc/strata/sbom.json"], &env);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(said.contains("could not be written"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_debian_images_packages_are_what_dpkg_query_says_inside_it() {
    let mut fixtures = Fixtures::new("sbom-debian").await;
    let image = common::debian::import(&mut fixtures, "bookworm").await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    let found = json(&strata(&["sbom", &image, "--json"], &env));
    let mut ours: Vec<String> = found["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ecosystem"] == "deb")
        .map(|p| format!("{} {}", p["name"].as_str().unwrap(), p["version"].as_str().unwrap()))
        .collect();
    ours.sort();
    // dpkg itself, in a container of the image: the installed packages (`db:Status-Status`).
    let queried = Command::new("docker")
        .args(["run", "--rm", "--label", "strata.test=1", "--network", "none", &image])
        .args(["dpkg-query", "-W", "-f", "${db:Status-Status} ${Package} ${Version}\\n"])
        .output()
        .unwrap();
    assert!(queried.status.success(), "{}", String::from_utf8_lossy(&queried.stderr));
    let mut theirs: Vec<String> = String::from_utf8_lossy(&queried.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("installed "))
        .map(str::to_string)
        .collect();
    theirs.sort();
    assert!(theirs.len() > 80, "a minbase system: {}", theirs.len());
    assert_eq!(ours, theirs);
    assert_eq!(found["os"]["id"], "debian");
    assert_eq!(found["os"]["version_id"], "12");
    let libc = found["packages"].as_array().unwrap().iter().find(|p| p["name"] == "libc6").unwrap();
    assert_eq!(libc["source"], "glibc");
    assert!(libc["purl"].as_str().unwrap().ends_with("?arch=amd64&distro=debian-12"), "{libc}");
    // Its files, from dpkg's list, are what `dpkg -L` says inside it.
    let listed = Command::new("docker")
        .args(["run", "--rm", "--label", "strata.test=1", "--network", "none", &image, "dpkg", "-L", "libc6"])
        .output()
        .unwrap();
    let theirs: Vec<String> =
        String::from_utf8_lossy(&listed.stdout).lines().filter(|l| *l != "/.").map(str::to_string).collect();
    let ours: Vec<String> = libc["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
    assert!(theirs.len() > 20 && theirs.iter().any(|f| f.ends_with("/libc.so.6")), "{theirs:?}");
    assert_eq!(ours, theirs);
}

/// Runs a command that must succeed; its standard output.
fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?} cannot run: {e}"));
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every file under `root`, as (path inside it, content).
fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.is_file() {
                found.push((
                    path.strip_prefix(root).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&path).unwrap(),
                ));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn an_rpm_databases_packages_are_what_rpm_says() {
    // A package built with rpmbuild and installed with rpm into a root of its own, whose
    // rpmdb.sqlite goes into the image.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("strata-hello.spec");
    std::fs::write(
        &spec,
        "Name: strata-hello\nVersion: 1.2.3\nRelease: 4\nEpoch: 2\nSummary: test\nLicense: MIT\nBuildArch: noarch\n\n\
         %description\ntest\n\n%install\nmkdir -p %{buildroot}/usr/share/strata-hello\n\
         echo hi > %{buildroot}/usr/share/strata-hello/README\n\n%files\n/usr/share/strata-hello/README\n",
    )
    .unwrap();
    let top = dir.path().join("build");
    run(Command::new("rpmbuild").arg("--define").arg(format!("_topdir {}", top.display())).arg("-bb").arg(&spec));
    let root = dir.path().join("root");
    let rpm =
        |args: &[&str]| run(Command::new("rpm").arg("--root").arg(&root).args(["--dbpath", "/var/lib/rpm"]).args(args));
    rpm(&["--initdb"]);
    rpm(&["-i", "--nodeps", "--noscripts", top.join("RPMS/noarch/strata-hello-1.2.3-4.noarch.rpm").to_str().unwrap()]);
    assert!(root.join("var/lib/rpm/rpmdb.sqlite").exists(), "rpm keeps its database in SQLite");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), "ID=fedora\nVERSION_ID=40\nPRETTY_NAME=\"Fedora Linux 40\"\n").unwrap();

    let mut fixtures = Fixtures::new("sbom-rpm").await;
    let owned = files_under(&root);
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(path, content)| (path.as_str(), content.as_slice())).collect();
    let image = fixtures.image_from("rpm", "FROM scratch\nCOPY data/ /\n", &files).await;
    let cache = tempfile::tempdir().unwrap();
    let found = json(&strata(&["sbom", &image, "--json"], &[("STRATA_CACHE_DIR", cache.path().to_str().unwrap())]));
    let packages = found["packages"].as_array().unwrap();
    let ours: Vec<String> = packages
        .iter()
        .map(|p| format!("{} {}", p["name"].as_str().unwrap(), p["version"].as_str().unwrap()))
        .collect();
    let theirs: Vec<String> =
        rpm(&["-qa", "--qf", "%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE}\\n"]).lines().map(str::to_string).collect();
    assert_eq!(ours, theirs);
    let hello = &packages[0];
    assert_eq!(
        (&hello["ecosystem"], &hello["licence"], &hello["source"]),
        (&serde_json::json!("rpm"), &serde_json::json!("MIT"), &serde_json::json!("strata-hello"))
    );
    let listed: Vec<String> = rpm(&["-ql", "strata-hello"]).lines().map(str::to_string).collect();
    assert_eq!(hello["files"], serde_json::json!(listed));
    assert_eq!(hello["purl"], "pkg:rpm/fedora/strata-hello@1.2.3-4?arch=noarch&distro=fedora-40&epoch=2");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_modules_built_into_go_and_rust_programs_are_listed_and_checked_for_vulnerabilities() {
    use common::programs::{go_program, rust_program, GO_DEPENDENCY, RUST_CRATES};
    let dir = tempfile::tempdir().unwrap();
    let (go, go_says) = go_program(&dir.path().join("go"));
    let rust = rust_program(&dir.path().join("rust"));
    let (go_binary, rust_binary) = (std::fs::read(&go).unwrap(), std::fs::read(&rust).unwrap());
    let mut fixtures = Fixtures::new("sbom-programs").await;
    let files: [(&str, &[u8]); 2] = [("go/hello", &go_binary), ("rust/hello-rs", &rust_binary)];
    let dockerfile =
        "FROM scratch\nCOPY data/go/hello /usr/local/bin/hello\nCOPY data/rust/hello-rs /usr/bin/hello-rs\n";
    let image = fixtures.image_from("programs", dockerfile, &files).await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];

    let found = json(&strata(&["sbom", &image, "--json"], &env));
    let listed = |ecosystem: &str| -> Vec<(String, String, u64, String)> {
        found["packages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["ecosystem"] == ecosystem)
            .map(|p| {
                let text = |key: &str| p[key].as_str().unwrap().to_string();
                (text("name"), text("version"), p["layer"].as_u64().unwrap(), text("database"))
            })
            .collect()
    };
    // What `go version -m` says: the compiler (`hello: go1.19.8`) and each `dep` line.
    let go_version = go_says.lines().next().unwrap().rsplit(' ').next().unwrap().trim_start_matches("go").to_string();
    let mut theirs: Vec<(String, String, u64, String)> = go_says
        .lines()
        .filter_map(|line| line.trim().strip_prefix("dep\t"))
        .map(|dep| {
            let mut fields = dep.split('\t');
            (fields.next().unwrap().into(), fields.next().unwrap().into(), 0, "/usr/local/bin/hello".into())
        })
        .collect();
    theirs.push(("stdlib".into(), go_version.clone(), 0, "/usr/local/bin/hello".into()));
    assert_eq!(listed("go"), theirs, "{go_says}");
    assert_eq!(theirs[0].0, GO_DEPENDENCY.0);
    // The program's own crate is a local one, not crates.io's: only its dependency is listed.
    let crates: Vec<_> =
        RUST_CRATES[1..].iter().map(|(n, v)| (n.to_string(), v.to_string(), 1, "/usr/bin/hello-rs".into())).collect();
    assert_eq!(listed("cargo"), crates);
    let purls: Vec<&str> = found["packages"].as_array().unwrap().iter().map(|p| p["purl"].as_str().unwrap()).collect();
    assert!(purls.contains(&"pkg:golang/example.com/greeting@v1.4.2"), "{purls:?}");
    assert!(purls.contains(&"pkg:cargo/smallvec@1.6.0"), "{purls:?}");

    // Each is looked up in OSV's Go and crates.io advisories by SemVer; the standard library's
    // fix is the release after the compiler's.
    let (minor, patch) = go_version.rsplit_once('.').unwrap();
    let stdlib_fixed = format!("{minor}.{}", patch.parse::<u32>().unwrap() + 1);
    let records = dir.path().join("records");
    std::fs::create_dir_all(&records).unwrap();
    let semver =
        |events| serde_json::json!({"affected": [{"package": {}, "ranges": [{"type": "SEMVER", "events": events}]}]});
    let advisories = [
        ("GO-2026-0001", "Go", GO_DEPENDENCY.0, serde_json::json!([{"introduced": "0"}, {"fixed": "1.5.0"}])),
        ("GO-2026-0002", "Go", "stdlib", serde_json::json!([{"introduced": "1.0.0"}, {"fixed": stdlib_fixed}])),
        ("GO-2026-0003", "Go", "stdlib", serde_json::json!([{"introduced": "0"}, {"fixed": go_version}])),
        (
            "RUSTSEC-2026-0001",
            "crates.io",
            "smallvec",
            serde_json::json!([{"introduced": "1.6.0"}, {"fixed": "1.6.1"}]),
        ),
    ];
    for (id, ecosystem, name, events) in advisories {
        let mut record = common::osv::record(id, ecosystem, name, serde_json::json!([]), serde_json::json!({}));
        record["affected"] = semver(events)["affected"].clone();
        record["affected"][0]["package"] = serde_json::json!({"ecosystem": ecosystem, "name": name});
        std::fs::write(records.join(format!("{id}.json")), serde_json::to_vec(&record).unwrap()).unwrap();
    }
    assert!(strata(&["vulns", "import", records.to_str().unwrap()], &env).status.success());
    let report = json(&strata(&["vulns", &image, "--json"], &env));
    let mut findings: Vec<(String, String, String, u64)> = report["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or("none").to_string();
            (text("id"), text("package"), text("fixed"), f["layer"].as_u64().unwrap())
        })
        .collect();
    findings.sort();
    let expected = [
        ("GO-2026-0001", GO_DEPENDENCY.0, "1.5.0", 0),
        ("GO-2026-0002", "stdlib", stdlib_fixed.as_str(), 0),
        ("RUSTSEC-2026-0001", "smallvec", "1.6.1", 1),
    ]
    .map(|(id, package, fixed, layer)| (id.to_string(), package.to_string(), fixed.to_string(), layer));
    assert_eq!(findings, expected, "{report}");
}
