// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImageVulnerabilities, VulnFinding } from "./api";
import { databaseNote, severityTally, vulnsPane } from "./vulns-pane";
import { byId, choose, find, settle, texts, type, useRecordedClock } from "./testing/dom";
import { answer, channelOf, fail, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

function finding(id: string, severity: VulnFinding["severity"], pkg: string, layer: number, fixed: string | null): VulnFinding {
  return { id, aliases: [`CVE-2026-${layer}`], summary: `${id} summary`, severity, score: severity === "medium" ? 6.1 : null, ecosystem: "deb", package: pkg, version: "1.0", fixed, layer };
}

const DATABASE = { path: "/cache/vulns/osv.sqlite", ecosystems: [{ ecosystem: "Debian", origin: "https://osv", imported_at: "2026-12-04T12:00:00Z", advisories: 5, newest: "2026-12-03T00:00:00Z" }] };

const SCAN: ImageVulnerabilities = {
  database: DATABASE,
  report: {
    findings: [finding("DSA-1", "critical", "zlib1g", 2, "1.3"), finding("PYSEC-7", "medium", "requests", 3, null), finding("DSA-2", "high", "libssl3", 1, "3.0.12")],
    packages_checked: 90,
    not_covered: ["apk packages on debian"],
    not_compared: [],
  },
};

describe("the Vulnerabilities tab", () => {
  beforeEach(() => useRecordedClock());

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
    document.body.replaceChildren();
  });

  it("lists findings worst first with the fix and layer, sorts, filters, and a click shows the layer", async () => {
    answer("image_vulnerabilities", SCAN);
    const onLayer = vi.fn();
    document.body.append(await vulnsPane(onLayer, vi.fn()));
    expect(byId("vulns-tally").textContent).toBe("1 critical · 1 high · 1 medium");
    expect(texts("#vuln-list .vuln-row .vuln-id")).toEqual(["DSA-1 · CVE-2026-2", "DSA-2 · CVE-2026-1", "PYSEC-7 · CVE-2026-3"]);
    expect(texts("#vuln-list .vuln-row .vuln-fixed")).toEqual(["fixed in 1.3", "fixed in 3.0.12", "not fixed yet"]);
    expect(find('.vuln-row[data-id="PYSEC-7"]').title).toContain("CVSS 6.1");
    choose(byId<HTMLSelectElement>("vulns-sort"), "layer");
    expect(texts("#vuln-list .vuln-row .vuln-layer")).toEqual(["layer 1", "layer 2", "layer 3"]);
    type(byId<HTMLInputElement>("vulns-filter"), "requests");
    expect(texts("#vuln-list .vuln-row .vuln-package")).toEqual(["requests 1.0"]);
    type(byId<HTMLInputElement>("vulns-filter"), "nothing");
    expect(find("#vuln-list p.muted").textContent).toBe("No vulnerability matches the filter.");
    type(byId<HTMLInputElement>("vulns-filter"), "");
    expect(find("#vulns-pane").textContent).toContain("Not checked: apk packages on debian.");
    find<HTMLButtonElement>('.vuln-row[data-id="DSA-1"]').click();
    expect(onLayer).toHaveBeenCalledWith(2);
    expect(document.getElementById("vuln-list")).not.toBeNull();
  });

  it("says when nothing is known to be vulnerable, and how old the advisories are", async () => {
    expect(severityTally([])).toBe("No known vulnerabilities");
    const clean = { database: DATABASE, report: { findings: [], packages_checked: 12, not_covered: [], not_compared: [] } };
    expect(databaseNote(clean, Date.parse("2026-12-06T12:00:00Z"))).toBe("12 packages checked against OSV advisories: Debian 2 days ago");
    answer("image_vulnerabilities", clean);
    document.body.append(await vulnsPane(vi.fn(), vi.fn()));
    expect(find("#vuln-list p.muted").textContent).toBe("No installed package has a known vulnerability.");
  });

  it("offers to download the database when there is none, with progress, then shows the scan", async () => {
    answer("image_vulnerabilities", { database: null, report: null });
    let finish: (value: unknown) => void = () => undefined;
    answer("vulns_update", () => new Promise((resolve) => (finish = resolve)));
    document.body.append(await vulnsPane(vi.fn(), vi.fn()));
    expect(find("#vulns-pane p.muted").textContent).toBe("No vulnerability database yet.");
    byId("vulns-download").click();
    await settle();
    expect(byId<HTMLButtonElement>("vulns-download").disabled).toBe(true);
    channelOf("vulns_update", "onProgress").onmessage({ task: "Downloading https://osv/Debian/all.zip", done_bytes: 2048, total_bytes: 4096, bytes_per_second: 1, finished: false });
    expect(byId("vulns-download-status").textContent).toBe("Downloading https://osv/Debian/all.zip · 2.05 kB");
    answer("image_vulnerabilities", SCAN);
    finish({ advisories: 5, withdrawn: 0, skipped: 0, skipped_named: [], ecosystems: ["Debian"] });
    await settle();
    expect(texts("#vuln-list .vuln-row").length).toBe(3);
  });

  it("hands a failed download to the window and lets the user try again", async () => {
    answer("image_vulnerabilities", { database: null, report: null });
    fail("vulns_update", { message: "downloading https://osv/Debian/all.zip failed: the connection was cut", hint: "Run it again: it resumes." });
    const report = vi.fn();
    document.body.append(await vulnsPane(vi.fn(), report));
    byId("vulns-download").click();
    await settle();
    expect(report).toHaveBeenCalledWith("downloading https://osv/Debian/all.zip failed: the connection was cut", "Run it again: it resumes.");
    expect(byId<HTMLButtonElement>("vulns-download").disabled).toBe(false);
  });
});
