//! An inventory as an SPDX 2.3 JSON document: the document describes the image (a package whose
//! purpose is `CONTAINER`), which contains the OS and each package, each with its package URL
//! as an external reference, its declared licence when it is an SPDX expression (else the words
//! in `licenseComments`), its source package and the layer that installed it.

use serde_json::{json, Value};

use super::packages::{InstalledPackage, Inventory};
use super::{document_uuid, is_licence_expression, TOOL};

/// The document for the image `name` (id `image_id`), made at `now` (RFC 3339, whole seconds).
pub fn document(name: &str, image_id: &str, inventory: &Inventory, now: &str) -> Value {
    let mut packages = vec![json!({
        "SPDXID": "SPDXRef-Image",
        "name": name,
        "versionInfo": image_id,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "primaryPackagePurpose": "CONTAINER",
    })];
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Image",
    })];
    let contains = |id: &str| json!({ "spdxElementId": "SPDXRef-Image", "relationshipType": "CONTAINS", "relatedSpdxElement": id });
    if let Some(os) = &inventory.os {
        packages.push(json!({
            "SPDXID": "SPDXRef-OperatingSystem",
            "name": os.id,
            "versionInfo": os.version_id,
            "description": os.pretty_name,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "primaryPackagePurpose": "OPERATING-SYSTEM",
        }));
        relationships.push(contains("SPDXRef-OperatingSystem"));
    }
    for (index, package) in inventory.packages.iter().enumerate() {
        let id = format!("SPDXRef-Package-{index}");
        packages.push(package_of(package, &id));
        relationships.push(contains(&id));
    }
    let namespace_name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-._".contains(c) { c } else { '-' }).collect();
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": format!("https://strata.invalid/spdx/{namespace_name}-{}", document_uuid(image_id, now)),
        "creationInfo": { "created": now, "creators": [format!("Tool: {TOOL}-{}", env!("CARGO_PKG_VERSION"))] },
        "packages": packages,
        "relationships": relationships,
    })
}

fn package_of(package: &InstalledPackage, id: &str) -> Value {
    let mut entry = json!({
        "SPDXID": id,
        "name": package.name,
        "versionInfo": package.version,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "primaryPackagePurpose": "LIBRARY",
        "externalRefs": [{ "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": package.purl }],
        "comment": format!("Installed or last changed by layer {}; read from {}", package.layer, package.database),
    });
    match &package.licence {
        Some(licence) if is_licence_expression(licence) => entry["licenseDeclared"] = json!(licence),
        Some(licence) => entry["licenseComments"] = json!(format!("Declared as: {licence}")),
        None => {}
    }
    if let Some(source) = &package.source {
        entry["sourceInfo"] = json!(format!("built from the source package {source}"));
    }
    entry
}
