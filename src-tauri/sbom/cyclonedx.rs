//! An inventory as a CycloneDX 1.6 JSON document: the image as the metadata's `container`
//! component, the OS as an `operating-system` component, each package as a `library` with its
//! package URL, declared licence, where it was found (`evidence.occurrences`: the files it owns,
//! else its database) and Strata's own facts as properties (`strata:layer`, `strata:source`).

use serde_json::{json, Value};

use super::packages::{InstalledPackage, Inventory};
use super::{document_uuid, is_licence_expression, TOOL};

/// The document for the image `name` (id `image_id`), made at `now` (RFC 3339).
pub fn document(name: &str, image_id: &str, inventory: &Inventory, now: &str) -> Value {
    let image_ref = format!("image:{image_id}");
    let mut components = Vec::new();
    if let Some(os) = &inventory.os {
        components.push(json!({
            "type": "operating-system",
            "bom-ref": format!("os:{}", os.id),
            "name": os.id,
            "version": os.version_id,
            "description": os.pretty_name,
        }));
    }
    let mut refs = Vec::new();
    for (index, package) in inventory.packages.iter().enumerate() {
        let bom_ref = format!("pkg:{index}:{}", package.purl);
        components.push(component(package, &bom_ref));
        refs.push(bom_ref);
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", document_uuid(image_id, now)),
        "version": 1,
        "metadata": {
            "timestamp": now,
            "tools": { "components": [{ "type": "application", "name": TOOL, "version": env!("CARGO_PKG_VERSION") }] },
            "component": { "type": "container", "bom-ref": image_ref, "name": name, "version": image_id },
        },
        "components": components,
        "dependencies": [{ "ref": image_ref, "dependsOn": refs }],
    })
}

fn component(package: &InstalledPackage, bom_ref: &str) -> Value {
    let mut component = json!({
        "type": "library",
        "bom-ref": bom_ref,
        "name": package.name,
        "version": package.version,
        "purl": package.purl,
    });
    if let Some(licence) = &package.licence {
        component["licenses"] = if is_licence_expression(licence) {
            json!([{ "expression": licence }])
        } else {
            json!([{ "license": { "name": licence } }])
        };
    }
    let locations: Vec<&str> = if package.files.is_empty() {
        vec![package.database.as_str()]
    } else {
        package.files.iter().map(String::as_str).collect()
    };
    component["evidence"] =
        json!({ "occurrences": locations.iter().map(|l| json!({ "location": l })).collect::<Vec<_>>() });
    let mut properties = vec![
        json!({ "name": "strata:layer", "value": package.layer.to_string() }),
        json!({ "name": "strata:ecosystem", "value": package.ecosystem.as_str() }),
    ];
    if let Some(source) = &package.source {
        properties.push(json!({ "name": "strata:source", "value": source }));
    }
    component["properties"] = Value::from(properties);
    component
}
