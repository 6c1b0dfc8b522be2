//! An image with a package of every kind Strata reads, for the SBOM and vulnerability tests:
//! dpkg (a status file, upgraded in a second layer, and a distroless `status.d/` paragraph),
//! apk, Python and Node packages, and a Debian 12 `os-release`.

/// Two steps: the base (dpkg, apk, Python, Node, os-release), then one that upgrades a dpkg
/// package, installs another and adds a distroless paragraph.
pub const DOCKERFILE: &str = "FROM scratch\nCOPY busybox /bin/busybox\nCOPY data/base/ /\nCOPY data/upgrade/ /\n";

const BASE_STATUS: &str = "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n\n\
Package: libssl3\nStatus: install ok installed\nSource: openssl (3.0.11-1~deb12u1)\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u1\n\n\
Package: oldconf\nStatus: deinstall ok config-files\nArchitecture: all\nVersion: 1.0\n";
const UPGRADED_STATUS: &str = "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n\n\
Package: libssl3\nStatus: install ok installed\nSource: openssl (3.0.11-1~deb12u2)\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n\n\
Package: zlib1g\nStatus: install ok installed\nSource: zlib\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n";
const OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\nID=debian\n";
const APK: &str = "P:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\n\n";

pub fn files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("base/var/lib/dpkg/status", BASE_STATUS.as_bytes()),
        ("base/etc/os-release", OS_RELEASE.as_bytes()),
        ("base/lib/apk/db/installed", APK.as_bytes()),
        (
            "base/usr/lib/python3/dist-packages/Requests-2.31.0.dist-info/METADATA",
            b"Metadata-Version: 2.1\nName: Requests\nVersion: 2.31.0\nLicense: Apache 2.0\n\nbody\n",
        ),
        (
            "base/app/node_modules/@types/node/package.json",
            br#"{"name":"@types/node","version":"20.1.0","license":"MIT"}"#,
        ),
        ("upgrade/var/lib/dpkg/status", UPGRADED_STATUS.as_bytes()),
        (
            "upgrade/var/lib/dpkg/status.d/base-files",
            b"Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n",
        ),
    ]
}
