//! What an image has installed — its software bill of materials. [`packages`] reads the package
//! databases the layer index keeps (dpkg, distroless `status.d`, apk, rpm's SQLite database ([`rpm`]),
//! Python, Node) and
//! `os-release` into one [`Inventory`], each package with the layer that installed or last
//! changed it and its package URL; [`cyclonedx`] and [`spdx`] write that inventory as CycloneDX
//! 1.6 JSON and SPDX 2.3 JSON. The image diff compares two inventories' packages.

pub mod cyclonedx;
pub mod packages;
pub mod rpm;
pub mod spdx;

pub use packages::{inventory, Ecosystem, InstalledPackage, Inventory, OsRelease};

/// The formats an SBOM is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SbomFormat {
    /// CycloneDX 1.6, JSON.
    Cyclonedx,
    /// SPDX 2.3, JSON.
    Spdx,
}

/// Who wrote the document, as both formats name the tool.
const TOOL: &str = "strata";

/// A UUID for one document (CycloneDX's serial number, SPDX's namespace), from the image and the
/// time it was written: the same image written twice a second apart gets two.
fn document_uuid(image_id: &str, now: &str) -> String {
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(format!("{image_id} {now}").as_bytes()));
    // Version 4's layout (random bits from the digest; `4` and the variant set).
    let variant = ["8", "9", "a", "b"][usize::from(digest.as_bytes()[16]) % 4];
    format!("{}-{}-4{}-{variant}{}-{}", &digest[..8], &digest[8..12], &digest[13..16], &digest[17..20], &digest[20..32])
}

/// Whether a declared licence is an SPDX licence expression (`MIT`, `Apache-2.0 OR MIT`), which
/// both formats may carry as one; other words (`BSD License`) are kept as text.
fn is_licence_expression(licence: &str) -> bool {
    ::spdx::Expression::parse(licence).is_ok()
}

/// `inventory` of the image `name` (id `image_id`) as a document in `format`, made now.
pub fn document(format: SbomFormat, name: &str, image_id: &str, inventory: &Inventory) -> serde_json::Value {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match format {
        SbomFormat::Cyclonedx => cyclonedx::document(name, image_id, inventory, &now),
        SbomFormat::Spdx => spdx::document(name, image_id, inventory, &now),
    }
}
