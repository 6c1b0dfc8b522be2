// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImageAnalysis, Progress, TreeRow, ViewInfo, ViewOptions } from "./api";
import * as recorded from "./fixtures";
import { LayersView } from "./layers-view";
import { byId, find, mount, press, settle, text, texts, tick, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, channelOf, fail, lastCall, resetEngine, type EngineFailure } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

/**
 * The engine's explorer over the recorded tree: the filter drops rows by change, the search keeps
 * the rows whose name holds it and the folders on the way; counts are the recording's, or (while
 * searching) the rows kept.
 */
function explorer(): { setView: (args: { options: ViewOptions }) => ViewInfo; treeRows: (args: { offset: number; count: number }) => TreeRow[] } {
  let shown: TreeRow[] = recorded.treeRows;
  return {
    setView({ options }) {
      shown = recorded.treeRows.filter((row) => options.filter[row.status]);
      if (options.search) {
        const kept = new Set<TreeRow>();
        shown.forEach((row, index) => {
          if (!row.name.includes(options.search)) return;
          kept.add(row);
          for (let at = index - 1, depth = row.depth; at >= 0 && depth > 0; at--) {
            if (shown[at].depth >= depth) continue;
            kept.add(shown[at]);
            depth = shown[at].depth;
          }
        });
        shown = shown.filter((row) => kept.has(row));
      }
      const counts = { ...recorded.viewInfo.counts };
      for (const status of ["added", "modified", "removed", "unmodified"] as const) {
        if (options.search) counts[status] = shown.filter((row) => row.status === status).length;
        if (!options.filter[status]) counts[status] = 0;
      }
      return { options: { ...options, layer: Math.min(options.layer, 7) }, rows: shown.length, counts };
    },
    treeRows: ({ offset, count }) => shown.slice(offset, offset + count),
  };
}

/** The tree's rows as drawn: change mark, size, fold caret, name. */
function treeLines(): string[] {
  return [...document.querySelectorAll("#tree .tree-row")].map((row) => [...row.children].map((part) => part.textContent).join("|"));
}

function treeRow(name: string): HTMLElement {
  return find(`#tree .tree-row[data-name="${name}"]`);
}

describe("the Layers screen", () => {
  let report: ReturnType<typeof vi.fn>;
  let view: LayersView;

  beforeEach(() => {
    useRecordedClock();
    const engine = explorer();
    answer("set_view", engine.setView);
    answer("tree_rows", engine.treeRows);
    answer("cache_usage", recorded.cacheUsage);
    answer("open_image", recorded.imageAnalysis);
    report = vi.fn();
    view = new LayersView(report);
    mount(view.element);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
    // A dialog left open is closed as the user closes it, so its Escape handler goes too.
    if (document.querySelector(".backdrop")) document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
  });

  /** Types the image's name and presses Enter, as the user does. */
  async function open(reference = "api:1.4"): Promise<void> {
    type(byId<HTMLInputElement>("layers-source"), reference);
    press(byId("layers-source"), "Enter");
    await settle();
  }

  it("shows how to open an image, and the layer cache's size, before one is open", async () => {
    await view.refresh();
    expect(text("#layers-empty h2")).toBe("No image open");
    expect(byId("layers-empty").hidden).toBe(false);
    expect(find("#layers-view .layers-content").hidden).toBe(true);
    expect(text("#cache-usage")).toBe("Cache 412 MB in 57 layers");
    expect(byId("cache-usage").title).toBe("The layer index cache, in /home/dev/.cache/strata");
    expect(byId<HTMLButtonElement>("clear-cache").disabled).toBe(false);
  });

  it("shows the reading's progress, then the image's figures, layers and files", async () => {
    let finish: (analysis: ImageAnalysis) => void = () => undefined;
    answer("open_image", () => new Promise((resolve) => (finish = resolve)));
    await open();
    expect(lastCall("open_image").source).toEqual({ kind: "daemon", value: "api:1.4" });
    expect(byId("layers-progress").hidden).toBe(false);
    expect(text("#layers-progress .muted")).toBe("Opening api:1.4…");
    const progress: Progress = { task: "Reading api:1.4 from the daemon", done_bytes: 52_000_000, total_bytes: 158_339_860, bytes_per_second: 104_000_000, finished: false };
    channelOf<Progress>("open_image", "onProgress").onmessage(progress);
    expect(text("#layers-progress .muted")).toBe("Reading api:1.4 from the daemon — 52 MB of 158 MB · 104 MB/s");

    finish(recorded.imageAnalysis);
    await settle();
    expect(byId("layers-progress").hidden).toBe(true);
    expect(byId("layers-empty").hidden).toBe(true);
    expect(view.element.dataset.image).toBe("api:1.4");

    expect(texts("#image-summary .figure")).toEqual([
      "Image size158 MB8 layers · the bytes of their files",
      "Efficiency97.91 %as dive scores it",
      "Wasted3.9 MB4.7 % of what the image adds",
      "Hidden2.62 MB214 files nobody can see",
      // This test gives no audit: the card says so rather than staying blank.
      "Config—not audited",
    ]);
    expect(texts("#hidden-offenders .offender")).toEqual([
      "1.1 MB/app/.git/objects/pack/pack-5e1f0c2d9a7b.packlayer 6 → 7",
      "1.09 MB/var/lib/dpkg/statuslayer 0 → 1",
      "197 kB/app/tests/fixtures/orders.dblayer 6 → 7",
      "110 kB/var/cache/debconf/templates.datlayer 0 → 1",
      "18.9 kB/app/.git/indexlayer 6 → 7",
    ]);
    byId("hidden-show-all").click();
    expect(text(".dialog h2")).toBe("Hidden files");
    expect(text("#file-viewer").split("\n")[0]).toBe("   1.1 MB  layer 6 → 7  /app/.git/objects/pack/pack-5e1f0c2d9a7b.pack");
    document.querySelector(".backdrop")?.remove();

    expect(texts("#layer-list .layer-head")).toEqual([
      "#074.8 MB+5102 ~0 −0",
      "#152.9 MB+3611 ~9 −0",
      "#28.93 kB+3 ~5 −0",
      "#30 B+1 ~0 −0",
      "#4212 B+1 ~0 −0",
      "#528.4 MB+2870 ~0 −0",
      "#62.23 MB+146 ~0 −0",
      "#70 B+0 ~1 −2",
    ]);
    expect(text('#layer-list .layer-row[data-index="5"] .command')).toBe(
      "RUN /bin/sh -c python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt # buildkit",
    );
    expect(texts("#layer-list .layer-row.selected .index")).toEqual(["#7"]);
    expect(byId("mode-aggregated").classList.contains("active")).toBe(true);

    // The top layer, everything up to it: the whole tree, the rows the engine pages out.
    expect(lastCall("set_view").options).toMatchObject({ layer: 7, aggregated: true, search: "" });
    expect(byId("tree").dataset.rows).toBe("56");
    expect(texts("#layers-view .filters .count")).toEqual(["0", "1", "231", "11873"]);
    expect(lastCall("tree_rows")).toEqual({ offset: 0, count: 200 });
    expect(treeLines().slice(0, 10)).toEqual([
      "~|2.23 MB|▾|app/",
      " |61 B||.dockerignore",
      "−|1.22 MB|▸|.git/",
      " |375 B||gunicorn.conf.py",
      " |212 B||requirements.txt",
      " |18.2 kB||server.py",
      " |771 kB|▸|static/",
      " |31.9 kB|▸|templates/",
      "−|188 kB|▸|tests/",
      " |0 B||bin → usr/bin",
    ]);
    // Only the rows in view are drawn: happy-dom lays nothing out, so the tree counts as 600 px
    // high, 25 rows, plus 20 drawn ahead.
    expect(treeLines()).toHaveLength(45);
    expect(text("#node-details")).toBe("Select a file or folder to see its attributes; Enter views a file.");
  });

  it("shows another layer, or only what a layer holds, when the user picks it", async () => {
    await open();
    find('#layer-list .layer-row[data-index="1"]').click();
    await settle();
    expect(lastCall("set_view").options).toMatchObject({ layer: 1, aggregated: true });
    expect(texts("#layer-list .layer-row.selected .index")).toEqual(["#1"]);

    press(byId("layer-list"), "ArrowDown");
    await settle();
    expect(lastCall("set_view").options).toMatchObject({ layer: 2 });
    expect(texts("#layer-list .layer-row.selected .index")).toEqual(["#2"]);

    byId("mode-layer").click();
    await settle();
    expect(lastCall("set_view").options).toMatchObject({ layer: 2, aggregated: false });
    expect(byId("mode-layer").classList.contains("active")).toBe(true);
    expect(byId("mode-aggregated").classList.contains("active")).toBe(false);
  });

  it("hides removed files when that box is unticked, and finds paths as the user types", async () => {
    await open();
    tick(byId<HTMLInputElement>("filter-removed"), false);
    await settle();
    expect(lastCall("set_view").options.filter).toEqual({ added: true, modified: true, removed: false, unmodified: true });
    expect(texts("#layers-view .filters .count")).toEqual(["0", "1", "0", "11873"]);
    expect(document.querySelector('#tree .tree-row[data-name=".git"]')).toBeNull();
    expect(document.querySelector('#tree .tree-row[data-name="tests"]')).toBeNull();
    expect(byId("tree").dataset.rows).toBe("54");

    type(byId<HTMLInputElement>("tree-search"), "gunicorn");
    await settle(100);
    expect(lastCall("set_view").options.search).toBe("");
    await settle(100);
    expect(lastCall("set_view").options.search).toBe("gunicorn");
    expect(treeLines()).toEqual(["~|2.23 MB|▾|app/", " |375 B||gunicorn.conf.py"]);
  });

  it("keeps the details panel on the highlighted row when a filter changes what is at its place", async () => {
    const byRowId = new Map(recorded.treeRows.map((row) => [row.id, row.name]));
    answer("node_details", ({ id }: { id: number }) => ({ ...recorded.nodeDetails, path: `/${byRowId.get(id)}` }));
    await open();
    const rows = [...document.querySelectorAll<HTMLElement>("#tree .tree-row")];
    const picked = rows.findIndex((row) => row.dataset.name === "tests");
    rows[picked].click();
    await settle();
    tick(byId<HTMLInputElement>("filter-removed"), false);
    await settle();
    const highlighted = find("#tree .tree-row.selected").dataset.name;
    expect(highlighted).not.toBe("tests");
    expect(texts("#node-details .field")[0]).toBe(`Path/${highlighted}`);
  });

  it("marks the search field when the engine refuses the pattern", async () => {
    await open();
    tick(byId<HTMLInputElement>("tree-regex"), true);
    await settle();
    const refused: EngineFailure = {
      code: "invalid-input",
      message: "the search is not a valid regular expression: error: unclosed group",
      hint: "Fix the pattern, or turn off regular expressions to search for plain text.",
    };
    fail("set_view", refused);
    type(byId<HTMLInputElement>("tree-search"), "(gunicorn");
    await settle(150);

    expect(byId("tree-search").classList.contains("invalid")).toBe(true);
    expect(byId("tree-search").title).toBe("the search is not a valid regular expression: error: unclosed group");
    expect(byId("tree").dataset.rows).toBe("56");
    expect(treeLines().slice(0, 3)).toEqual(["~|2.23 MB|▾|app/", " |61 B||.dockerignore", "−|1.22 MB|▸|.git/"]);
  });

  it("shows a file's attributes when it is selected, and the file itself on View", async () => {
    const conf = recorded.treeRows.find((row) => row.name === "gunicorn.conf.py")!;
    answer("node_details", ({ id }: { id: number }) => (id === conf.id ? recorded.nodeDetails : Promise.reject({ message: "that entry is gone", hint: "Select it again in the tree." })));
    answer("file_content", recorded.fileContent);
    await open();

    treeRow("gunicorn.conf.py").click();
    await settle();
    expect(lastCall("node_details")).toEqual({ id: conf.id });
    expect(treeRow("gunicorn.conf.py").classList.contains("selected")).toBe(true);
    expect(texts("#node-details .field")).toEqual([
      "Path/app/gunicorn.conf.py",
      "Changeunmodified",
      "Mode-rw-r--r-- (0644)",
      "Owner0:0",
      "Size375 B",
      "Modified2026-12-04 18:58:12",
      "Set bylayer 6",
      "xxh3-1286f1d3c0e8b2a49d7c5e0f4a1b3d2e9c8",
    ]);
    expect(byId<HTMLButtonElement>("view-file").disabled).toBe(false);

    byId("view-file").click();
    await settle();
    expect(text(".dialog h2")).toBe("/app/gunicorn.conf.py");
    expect(text(".dialog p.muted")).toBe("375 B");
    expect(text("#file-viewer").split("\n")[4]).toBe('bind = "0.0.0.0:8000"');
  });

  it("shows it is extracting once a path is picked, and Cancel stops it with nothing saved", async () => {
    answer("node_details", recorded.nodeDetails);
    let stop: (failure: EngineFailure) => void = () => undefined;
    answer("extract_file", (args: { onWriting: { onmessage: (path: string) => void } }) => {
      // The user picked a path in the dialog: the engine says so, then copies.
      args.onWriting.onmessage("/home/me/gunicorn.conf.py");
      return new Promise((_, reject) => (stop = reject));
    });
    answer("cancel_file_read", () => stop({ code: "cancelled", message: "cancelled", hint: "" }));
    await open();
    treeRow("gunicorn.conf.py").click();
    await settle();

    byId("extract-file").click();
    await settle();
    expect(text("#working .working-label")).toBe("Extracting /app/gunicorn.conf.py…");
    byId("working-cancel").click();
    await settle();
    expect(callsOf("cancel_file_read")).toHaveLength(1);
    expect(document.getElementById("working")).toBeNull();
    expect(report).toHaveBeenLastCalledWith("Stopped: nothing was saved.");
  });

  it("says what the audit found under the image's figures, and lists it on Details", async () => {
    const finding = (rule: string, kind: "secret" | "setting", severity: "critical" | "medium" | "low", path: string, extra = {}) => ({
      rule, kind, severity, where: "env" as const, path, layer_added: null, layer_hidden: null, message: `${rule} at ${path}`,
      preview: null, fingerprint: null, bytes_saved: null, allowed: false, allowed_because: null, ...extra,
    });
    const skipped_files = { too_large: 1, too_large_bytes: 12_000_000, size_limit: 10_485_760, binary: 40 };
    answer("image_audit", {
      findings: [
        finding("no-healthcheck", "setting", "low", "healthcheck"),
        finding("github-token", "secret", "critical", "/root/.config/gh/hosts.yml", { where: "file", layer_added: 1, layer_hidden: 2, preview: "ghp_…(40)", fingerprint: "sha256:ab" }),
        finding("runs-as-root", "setting", "medium", "user", { allowed: true, allowed_because: "drops to www-data" }),
      ],
      skipped_files,
    });
    await open();

    expect(text("#audit-line")).toBe("Security1 critical1 lowa secret in /root/.config/gh/hosts.ymlDetailsPackagesVulnerabilities");
    expect(byId("security-panel").hidden).toBe(true);
    byId("audit-details").click();
    await settle();
    expect(byId("security-panel").hidden).toBe(false);
    expect(byId("audit-panel").hidden).toBe(false);
    expect(byId("tab-audit").getAttribute("aria-selected")).toBe("true");
    expect(byId("tab-audit").textContent).toBe("Audit (3)");
    expect(byId("audit-details").getAttribute("aria-expanded")).toBe("true");
    expect(texts("#audit-panel h4")).toEqual(["Secrets (1)", "Risky settings (2)"]);
    const rows = [...document.querySelectorAll<HTMLElement>("#audit-panel .audit-row")];
    expect(rows.map((row) => row.dataset.rule)).toEqual(["github-token", "runs-as-root", "no-healthcheck"]);
    expect(rows[0].textContent).toContain("/root/.config/gh/hosts.yml · layer 1");
    expect(rows[0].textContent).toContain("ghp_…(40)");
    expect(rows[1].textContent).toContain("allowed: drops to www-data");
    expect(text("#audit-panel > .muted")).toBe("1 file over 10.5 MB (12 MB) not read for secrets.");
    // The config's findings sit beside the figures (the allowed one left out).
    expect(text("#summary-config strong")).toBe("1 to check");
    expect(texts("#summary-config .config-finding")).toEqual(["lowhealthcheck"]);
    // The layer that brought the secret says so in the list of layers.
    expect(text(".layer-row[data-index='1'] .audit-badge")).toBe("1 secret");

    // A file's finding opens the file in the tree of the layer that added it.
    answer("tree_expand_all", () => ({ options: lastCall("set_view").options, rows: 0, counts: recorded.viewInfo.counts }));
    rows[0].click();
    await settle();
    expect(lastCall("set_view").options).toMatchObject({ layer: 1, aggregated: false, search: "/root/.config/gh/hosts.yml" });
    expect(byId<HTMLInputElement>("tree-search").value).toBe("/root/.config/gh/hosts.yml");
  });

  it("says which platform of an index it read, and lists each one's size where the size is", async () => {
    answer("open_image", {
      ...recorded.imageAnalysis,
      platform: "linux/arm64/v8",
      platforms: [
        { platform: "linux/amd64", compressed_bytes: 52_400_000 },
        { platform: "linux/arm64/v8", compressed_bytes: 50_100_000 },
        { platform: "linux/arm/v7", compressed_bytes: null },
      ],
    });
    await open("registry://127.0.0.1:5000/team/api:1.4");
    expect(text("#summary-size")).toContain("8 layers · linux/arm64/v8, one of 3 platforms");
    expect(byId("summary-size").title.split("\n").slice(-4)).toEqual([
      "The index lists:",
      "linux/amd64: 52.4 MB stored",
      "linux/arm64/v8 (this one): 50.1 MB stored",
      "linux/arm/v7: size not known",
    ]);
  });

  it("says the audit found nothing, and what it read", async () => {
    answer("image_audit", { findings: [], skipped_files: { too_large: 0, too_large_bytes: 0, size_limit: 10_485_760, binary: 0 } });
    answer("image_vulnerabilities", { database: null, report: null });
    await open();
    await settle();
    expect(text("#audit-line")).toBe("Securitynothing foundPackagesVulnerabilities");
    // No database: the line says nothing of vulnerabilities.
    expect(document.getElementById("audit-vulns")).toBeNull();
    answer("image_packages", { os: null, packages: [{ ecosystem: "deb", name: "bash", version: "5.2", source: null, licence: null, architecture: "amd64", purl: "pkg:deb/debian/bash@5.2", files: [], layer: 1, database: "/var/lib/dpkg/status" }], warnings: [] });
    answer("set_view", () => recorded.viewInfo);
    byId("open-packages").click();
    await settle();
    expect(byId("tab-packages").getAttribute("aria-selected")).toBe("true");
    expect(byId("packages-panel").hidden).toBe(false);
    expect(byId("audit-panel").hidden).toBe(true);
    find<HTMLButtonElement>('.package-row[data-name="bash"]').click();
    await settle();
    expect(lastCall("set_view").options.layer).toBe(1);
    expect(byId("security-panel").hidden).toBe(false);
    // The tabs move with the arrow keys; the audit's tab says it found nothing; Escape closes.
    answer("image_vulnerabilities", { database: null, report: null });
    byId("tab-packages").dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    await settle();
    expect(byId("tab-vulns").getAttribute("aria-selected")).toBe("true");
    expect(text("#vulns-panel p.muted")).toBe("No vulnerability database yet.");
    byId("tab-vulns").dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    await settle();
    expect(text("#audit-panel p.muted")).toBe("Nothing found: no secrets, risky settings or waste to point out.");
    byId("tab-audit").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(byId("security-panel").hidden).toBe(true);
    expect(byId("open-packages").getAttribute("aria-expanded")).toBe("false");
    expect(text("#summary-config")).toBe("Configcleanenv, labels, history, user");
    expect(document.getElementById("audit-details")).toBeNull();
  });

  it("counts the known vulnerabilities on the security line when there is a database", async () => {
    answer("image_audit", { findings: [], skipped_files: { too_large: 0, too_large_bytes: 0, size_limit: 10_485_760, binary: 0 } });
    const finding = (id: string, severity: "high" | "low") => ({
      id, aliases: [], summary: "", severity, score: null, ecosystem: "deb", package: "libssl3", version: "3.0", fixed: null, layer: 1,
    });
    const database = { path: "/cache/osv.sqlite", ecosystems: [] };
    const report = (findings: ReturnType<typeof finding>[]) => ({ database, report: { findings, packages_checked: 3, not_covered: [], not_compared: [] } });
    // The image is shown before the scan answers; the count comes when it does.
    let finish: (value: unknown) => void = () => undefined;
    answer("image_vulnerabilities", () => new Promise((resolve) => (finish = resolve)));
    await open();
    expect(find("#layers-view .layers-content").hidden).toBe(false);
    expect(document.getElementById("audit-vulns")).toBeNull();
    finish(report([finding("DSA-1", "high"), finding("DSA-2", "low"), finding("DSA-3", "low")]));
    await settle();
    expect(texts("#audit-vulns > *")).toEqual(["1 high", "2 low", "vulnerabilities"]);
    // It sits before the buttons, the Vulnerabilities one among them.
    expect(byId("audit-vulns").nextElementSibling?.tagName).toBe("BUTTON");
    answer("image_vulnerabilities", report([]));
    await open();
    await settle();
    expect(text("#audit-vulns")).toBe("no known vulnerabilities");

    // A scan that answers after another image was opened is not counted on that image's line.
    answer("image_vulnerabilities", () => new Promise((resolve) => (finish = resolve)));
    await open();
    const late = finish;
    answer("image_vulnerabilities", { database: null, report: null });
    await open("api:1.3");
    late(report([finding("DSA-9", "high")]));
    await settle();
    expect(document.getElementById("audit-vulns")).toBeNull();
  });

  it("explains why an image could not be opened, and what to do", async () => {
    fail("open_image", {
      code: "not-found",
      message: "the daemon answered 404: No such image: api:9.9",
      hint: "Check the name (`strata images` lists what there is); another tool may have removed it.",
    });
    await open("api:9.9");

    expect(byId("layers-problem").hidden).toBe(false);
    expect(texts("#layers-problem > *")).toEqual([
      "The image could not be opened",
      "the daemon answered 404: No such image: api:9.9",
      "Check the name (strata images lists what there is); another tool may have removed it.",
    ]);
    expect(byId("layers-empty").hidden).toBe(false);
    expect(find("#layers-view .layers-content").hidden).toBe(true);
    expect(byId("layers-progress").hidden).toBe(true);
    expect(view.element.dataset.image).toBeUndefined();

    // Opening another image clears the problem.
    answer("open_image", recorded.imageAnalysis);
    await open();
    expect(byId("layers-problem").hidden).toBe(true);
  });

  it("lets a newer open have the screen: the one it replaced ends quietly", async () => {
    let answerFirst: (value: unknown) => void = () => undefined;
    answer("open_image", ({ source }: { source: { value: string } }) =>
      source.value === "api:1.3" ? new Promise((_, reject) => (answerFirst = reject)) : new Promise(() => undefined),
    );
    void view.open("api:1.3");
    await settle();
    void view.open("api:1.4");
    await settle();
    answerFirst({ code: "cancelled", message: "stopped before the end, as asked", hint: "" });
    await settle();
    expect(report).not.toHaveBeenCalled();
    expect(byId("layers-progress").hidden).toBe(false);
    expect(text("#layers-progress")).toContain("Opening api:1.4");
  });

  it("says only that it stopped when the user cancelled the reading", async () => {
    fail("open_image", { code: "cancelled", message: "stopped before the end, as asked", hint: "Start it again when you are ready." });
    await open();
    expect(report).toHaveBeenCalledWith("Stopped reading api:1.4.");
    expect(byId("layers-problem").hidden).toBe(true);
  });

  it("empties the layer cache when asked, and says how much it freed", async () => {
    await view.refresh();
    answer("clear_cache", 412_003_840);
    answer("cache_usage", { ...recorded.cacheUsage, bytes: 0, layers: 0, images: 0 });
    byId("clear-cache").click();
    await settle();
    expect(report).toHaveBeenCalledWith("Cleared the layer index cache: 412 MB freed. Images will be read again when opened.");
    expect(text("#cache-usage")).toBe("Cache 0 B in 0 layers");
    expect(byId<HTMLButtonElement>("clear-cache").disabled).toBe(true);

    answer("cache_usage", { directory: "", bytes: 0, layers: 0, images: 0 });
    await view.refresh();
    expect(text("#cache-usage")).toBe("Cache off (no cache folder)");
  });

  it("asks the engine for nothing more than the first page of a long tree", async () => {
    await open();
    expect(callsOf("tree_rows")).toEqual([{ offset: 0, count: 200 }]);
  });
});
