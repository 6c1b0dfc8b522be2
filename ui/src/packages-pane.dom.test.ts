// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Inventory } from "./api";
import { inventoryNote, packagesPane } from "./packages-pane";
import { byId, find, settle, texts, type, useRecordedClock } from "./testing/dom";
import { answer, fail, lastCall, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

const INVENTORY: Inventory = {
  os: { id: "debian", version_id: "12", pretty_name: "Debian GNU/Linux 12 (bookworm)" },
  packages: [
    { ecosystem: "deb", name: "libssl3", version: "3.0.11-1~deb12u2", source: "openssl", licence: null, architecture: "amd64", purl: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", files: [], layer: 2, database: "/var/lib/dpkg/status" },
    { ecosystem: "python", name: "requests", version: "2.31.0", source: null, licence: "Apache-2.0", architecture: null, purl: "pkg:pypi/requests@2.31.0", files: [], layer: 3, database: "/usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA" },
  ],
  warnings: [],
};

describe("the Packages tab", () => {
  beforeEach(() => useRecordedClock());

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
    document.body.replaceChildren();
  });

  it("lists each package with its layer, filters as the user types, and a click shows the layer", async () => {
    answer("image_packages", INVENTORY);
    const onLayer = vi.fn();
    document.body.append(await packagesPane("api:1.4", onLayer, vi.fn()));
    expect(find("#packages-pane p.muted").textContent).toBe("Debian GNU/Linux 12 (bookworm) · 2 packages (dpkg, apk, rpm, Python, Node, Go and Rust programs)");
    expect(texts("#package-list .package-row")).toEqual(["deblibssl33.0.11-1~deb12u2layer 2", "pythonrequests2.31.0layer 3"]);
    expect(find('.package-row[data-name="libssl3"]').title).toContain("source package openssl");
    type(byId<HTMLInputElement>("packages-filter"), "requ");
    expect(texts("#package-list .package-row .package-name")).toEqual(["requests"]);
    type(byId<HTMLInputElement>("packages-filter"), "nothing-like-it");
    expect(find("#package-list p.muted").textContent).toBe("No package matches the filter.");
    type(byId<HTMLInputElement>("packages-filter"), "");
    find<HTMLButtonElement>('.package-row[data-name="requests"]').click();
    expect(onLayer).toHaveBeenCalledWith(3);
    expect(document.getElementById("packages-pane")).not.toBeNull();
  });

  it("saves the SBOM in the format asked, offering a file name, and says where", async () => {
    answer("image_packages", INVENTORY);
    answer("image_save_sbom", { path: "/home/me/api-1.4.cdx.json", bytes: 5120 });
    document.body.append(await packagesPane("api:1.4", vi.fn(), vi.fn()));
    byId("save-cyclonedx").click();
    await settle();
    expect(lastCall("image_save_sbom")).toEqual({ format: "cyclonedx", name: "api-1.4.cdx.json" });
    expect(byId("sbom-saved").textContent).toBe("Saved /home/me/api-1.4.cdx.json");
  });

  it("hands a failed save to the window, and says when an image has no package database", async () => {
    answer("image_packages", { os: null, packages: [], warnings: ["/var/lib/dpkg/status: libc6 has no Version"] });
    fail("image_save_sbom", { message: "/x cannot be written: permission denied", hint: "Choose another file name or folder." });
    const report = vi.fn();
    document.body.append(await packagesPane("scratch:1", vi.fn(), report));
    expect(inventoryNote({ os: null, packages: [], warnings: [] })).toBe("no os-release · 0 packages (dpkg, apk, rpm, Python, Node, Go and Rust programs)");
    expect(find("#package-list p.muted").textContent).toBe("No package database in this image.");
    expect(find("#package-warnings li").textContent).toBe("/var/lib/dpkg/status: libc6 has no Version — the list may be incomplete");
    byId("save-spdx").click();
    await settle();
    expect(report).toHaveBeenCalledWith("/x cannot be written: permission denied", "Choose another file name or folder.");
  });
});
