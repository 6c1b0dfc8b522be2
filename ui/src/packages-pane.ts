// The open image's packages (its SBOM), as the Packages tab of the Layers screen's security
// panel: filtered as the user types, each with the layer that installed it (a click shows that
// layer), and saved as CycloneDX or SPDX. The engine reads and writes everything; this only
// shows it.
import { api, asUiError, Inventory, InstalledPackage, SbomFormat } from "./api";
import { button, element } from "./dom";
import { counted } from "./format";

/** "openssl 3.0.11-1~deb12u2 · deb · layer 2" and the package URL, as one row. */
function packageRow(pkg: InstalledPackage, onLayer: (layer: number) => void): HTMLElement {
  const row = element("button", "package-row");
  row.dataset.name = pkg.name;
  row.dataset.layer = String(pkg.layer);
  row.title = [pkg.purl, pkg.source ? `source package ${pkg.source}` : "", pkg.licence ? `licence ${pkg.licence}` : "", `read from ${pkg.database}`]
    .filter(Boolean)
    .join("\n");
  row.append(
    element("span", "package-ecosystem", pkg.ecosystem),
    element("span", "package-name", pkg.name),
    element("span", "package-version", pkg.version),
    element("span", "package-layer", `layer ${pkg.layer}`),
  );
  row.addEventListener("click", () => onLayer(pkg.layer));
  return row;
}

/** What the inventory holds, in words. */
export function inventoryNote(inventory: Inventory): string {
  const os = inventory.os ? inventory.os.pretty_name || `${inventory.os.id} ${inventory.os.version_id}` : "no os-release";
  const count = inventory.packages.length;
  return `${os} · ${counted(count, "package")} (dpkg, apk, rpm, Python, Node, Go and Rust programs)`;
}

/** The tab's content for the open image (`name` offers the file names); `onLayer` shows a layer. */
export async function packagesPane(name: string, onLayer: (layer: number) => void, report: (message: string, hint?: string) => void): Promise<HTMLElement> {
  const inventory = await api.imagePackages();
  const filter = element("input");
  filter.type = "search";
  filter.id = "packages-filter";
  filter.placeholder = "Filter by name or version";
  const list = element("div", "package-list");
  list.id = "package-list";
  const draw = () => {
    const text = filter.value.trim().toLowerCase();
    const shown = inventory.packages.filter((p) => `${p.name} ${p.version} ${p.ecosystem}`.toLowerCase().includes(text));
    list.replaceChildren(...shown.map((p) => packageRow(p, onLayer)));
    if (shown.length === 0) list.append(element("p", "muted", inventory.packages.length === 0 ? "No package database in this image." : "No package matches the filter."));
  };
  filter.addEventListener("input", draw);
  const saved = element("span", "muted");
  saved.id = "sbom-saved";
  const save = (format: SbomFormat, extension: string) => async () => {
    try {
      const done = await api.saveSbom(format, `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}.${extension}`);
      if (done) saved.textContent = `Saved ${done.path}`;
    } catch (error) {
      const failure = asUiError(error);
      report(failure.message, failure.hint);
    }
  };
  const actions = element("div", "toolbar");
  actions.append(
    filter,
    button("Save CycloneDX…", "save-cyclonedx", save("cyclonedx", "cdx.json"), "CycloneDX 1.6 JSON"),
    button("Save SPDX…", "save-spdx", save("spdx", "spdx.json"), "SPDX 2.3 JSON"),
    saved,
  );
  const warnings = element("ul", "package-warnings");
  warnings.id = "package-warnings";
  warnings.hidden = inventory.warnings.length === 0;
  warnings.append(...inventory.warnings.map((w) => element("li", "", `${w} — the list may be incomplete`)));
  const pane = element("div", "security-pane-content");
  pane.id = "packages-pane";
  pane.append(element("p", "muted", inventoryNote(inventory)), actions, warnings, list);
  draw();
  return pane;
}
