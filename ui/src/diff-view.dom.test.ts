// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DiffQuery, DiffRow, DiffSummary, DiffTreeInfo, Progress } from "./api";
import { DiffView } from "./diff-view";
import * as recorded from "./fixtures";
import { byId, choose, find, mount, press, settle, text, texts, tick, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, channelOf, fail, lastCall, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

/** The engine's changed-paths tree over the recording: the boxes drop paths by change, the
 * search keeps the paths holding it, and a folder stays while anything under it does. */
function comparison(): { setQuery: (args: { query: DiffQuery }) => DiffTreeInfo; rows: (args: { offset: number; count: number }) => DiffRow[] } {
  let shown: DiffRow[] = recorded.diffRows;
  return {
    setQuery({ query }) {
      const kept = (row: DiffRow) => row.status !== "changed" && query[row.status] && row.path.includes(query.search);
      shown = recorded.diffRows.filter((row) => kept(row) || recorded.diffRows.some((below) => below.path.startsWith(`${row.path}/`) && kept(below)));
      return { query, rows: shown.length };
    },
    rows: ({ offset, count }) => shown.slice(offset, offset + count),
  };
}

/** The tree's rows as drawn: change mark, size change, fold caret, name, what changed. */
function treeLines(): string[] {
  return [...document.querySelectorAll("#diff-files .diff-row")].map((row) => [...row.children].map((part) => part.textContent).join("|"));
}

describe("the Diff screen", () => {
  let report: ReturnType<typeof vi.fn>;
  let view: DiffView;

  beforeEach(() => {
    useRecordedClock();
    const engine = comparison();
    // The engine's choices (inventory::comparison_choices): newest first, and for a reference,
    // its repository's other tags first.
    const tagged = ["api:1.4", "api:1.3", "debian:bookworm-slim", "busybox:1.36", "busybox:latest"];
    answer("diff_choices", ({ reference }: { reference: string | null }) =>
      reference === "api:1.4" ? ["api:1.3", "debian:bookworm-slim", "busybox:1.36", "busybox:latest"] : tagged,
    );
    answer("compare_images", recorded.diffSummary);
    answer("diff_set_query", engine.setQuery);
    answer("diff_rows", engine.rows);
    report = vi.fn();
    view = new DiffView(report);
    mount(view.element);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
    document.querySelector(".backdrop")?.remove();
  });

  /** Types both images and presses Enter in the second field. */
  async function compare(before = "api:1.3", after = "api:1.4"): Promise<void> {
    type(byId<HTMLInputElement>("diff-before"), before);
    type(byId<HTMLInputElement>("diff-after"), after);
    press(byId("diff-after"), "Enter");
    await settle();
  }

  it("offers the daemon's tags to compare, and says how to start", async () => {
    await view.refresh();
    expect([...byId("diff-choices").querySelectorAll("option")].map((option) => option.value)).toEqual([
      "api:1.4",
      "api:1.3",
      "debian:bookworm-slim",
      "busybox:1.36",
      "busybox:latest",
    ]);
    expect(text("#diff-empty h2")).toBe("Compare two images");
    expect(find("#diff-view .layers-content").hidden).toBe(true);
  });

  it("starts from an image with the other tag of its repository suggested", async () => {
    await view.startFrom("api:1.4");
    expect(byId<HTMLInputElement>("diff-before").value).toBe("api:1.4");
    expect(byId<HTMLInputElement>("diff-after").value).toBe("api:1.3");
    expect(document.activeElement).toBe(byId("diff-after"));
    // A field too narrow for a long reference gives it whole as a tooltip.
    expect(byId("diff-before").title).toBe("api:1.4");
    expect(byId("diff-after").title).toBe("api:1.3");
  });

  it("compares two tags: the summary, the biggest folders, config, packages and layers", async () => {
    let finish: (summary: DiffSummary) => void = () => undefined;
    answer("compare_images", () => new Promise((resolve) => (finish = resolve)));
    await compare();
    expect(lastCall("compare_images")).toMatchObject({ before: { kind: "daemon", value: "api:1.3" }, after: { kind: "daemon", value: "api:1.4" } });
    expect(byId("diff-progress").hidden).toBe(false);
    expect(text("#diff-progress .muted")).toBe("Reading the images…");
    const progress: Progress = { task: "Reading api:1.3 and api:1.4 from the daemon", done_bytes: 61_200_000, total_bytes: 315_343_810, bytes_per_second: 98_500_000, finished: false };
    channelOf<Progress>("compare_images", "onProgress").onmessage(progress);
    expect(text("#diff-progress .muted")).toBe("Reading api:1.3 and api:1.4 from the daemon — 61.2 MB of 315 MB · 98.5 MB/s");

    finish(recorded.diffSummary);
    await settle();
    expect(byId("diff-progress").hidden).toBe(true);
    expect(byId("diff-empty").hidden).toBe(true);
    expect(view.element.dataset.compared).toBe("api:1.3|api:1.4");
    expect(text("#diff-summary")).toBe("+14 files, −3, 9 modified, +1.22 MB of files · 4 layers shared");
    expect(byId("diff-summary").title).toBe("api:1.3 → api:1.4");
    expect(texts("#diff-folders > *")).toEqual([
      "Largest changes:",
      "/opt/venv/lib/python3.11/site-packages +1.04 MB",
      "/app +188 kB",
      "/usr/lib/x86_64-linux-gnu −12.2 kB",
    ]);
    expect(texts("#diff-config .diff-table-row")).toEqual([
      'cmd["/opt/venv/bin/python","server.py"]→["/opt/venv/bin/gunicorn","-c","gunicorn.conf.py","server:app"]',
      "env.APP_VERSION1.3.0→1.4.0",
      "exposed_ports.8000/tcp—→{}",
      "labels.org.opencontainers.image.version1.3.0→1.4.0",
    ]);
    expect(texts("#diff-packages .diff-table-row")).toEqual([
      "+pythongunicorn23.0.0",
      "+pythonpackaging24.2",
      "−pythonwaitress3.0.0",
      "~debcurl7.88.1-10+deb12u7 → 7.88.1-10+deb12u8",
      "~deblibcurl47.88.1-10+deb12u7 → 7.88.1-10+deb12u8",
    ]);
    expect(texts("#diff-vulns .diff-table-row")).toEqual(["fixedhighCVE-2023-5363libssl3 3.0.11-1~deb12u1", "newmediumCVE-2024-35195requests 2.31.0"]);
    expect(find("#diff-vulns h3").textContent).toBe("Vulnerabilities (3 in both)");
    const layers = [...document.querySelectorAll("#diff-layers .diff-table-row")].map((line) => [...line.children].map((cell) => cell.textContent));
    expect(layers.map(([side, index]) => `${side} ${index}`)).toEqual([
      "both #0",
      "both #1",
      "both #2",
      "both #3",
      "first #4",
      "first #5",
      "first #6",
      "first #7",
      "second #4",
      "second #5",
      "second #6",
      "second #7",
    ]);
    expect(layers[6][2]).toBe("COPY . /app # buildkit");

    expect(byId("diff-files").dataset.rows).toBe("16");
    expect(lastCall("diff_rows")).toEqual({ offset: 0, count: 200 });
    expect(treeLines()).toEqual([
      "|+188 kB|▾|app/|9 changed",
      "+|+375 B||gunicorn.conf.py|",
      "~|+14 B||requirements.txt|size, content",
      "~|+1.37 kB||server.py|size, content",
      "|+180 kB|▾|static/|4 changed",
      "~|+2.21 kB||app.css|size, content",
      "+|+206 kB||chart.min.js|",
      "~|||logo.png|mode",
      "−|−28.3 kB||plot.js|",
      "|+7.12 kB|▾|templates/|2 changed",
      "+|+7.01 kB||chart.html|",
      "~|+112 B||index.html|size, content",
      "|+1.04 MB|▾|opt/|215 changed",
      "|+1.04 MB|▸|venv/|215 changed",
      "|−12.2 kB|▾|usr/|2 changed",
      "|−12.2 kB|▸|lib/|2 changed",
    ]);
  });

  it("narrows the changed paths by kind of change, by search and by a folder chip", async () => {
    await compare();
    tick(byId<HTMLInputElement>("diff-filter-added"), false);
    tick(byId<HTMLInputElement>("diff-filter-removed"), false);
    await settle();
    expect(lastCall("diff_set_query").query).toEqual({ added: false, removed: false, modified: true, search: "", sort: "path" });
    expect(treeLines().map((line) => line.split("|")[3])).toEqual(["app/", "requirements.txt", "server.py", "static/", "app.css", "logo.png", "templates/", "index.html"]);

    type(byId<HTMLInputElement>("diff-search"), "templates");
    await settle(150);
    expect(lastCall("diff_set_query").query.search).toBe("templates");
    expect(treeLines().map((line) => line.split("|")[3])).toEqual(["app/", "templates/", "index.html"]);

    tick(byId<HTMLInputElement>("diff-filter-added"), true);
    tick(byId<HTMLInputElement>("diff-filter-removed"), true);
    [...document.querySelectorAll<HTMLButtonElement>("#diff-folders .chip")][1].click();
    await settle();
    expect(byId<HTMLInputElement>("diff-search").value).toBe("/app");
    expect(lastCall("diff_set_query").query).toEqual({ added: true, removed: true, modified: true, search: "/app", sort: "path" });
    expect(byId("diff-files").dataset.rows).toBe("12");

    choose(byId<HTMLSelectElement>("diff-sort"), "delta");
    await settle();
    expect(lastCall("diff_set_query").query.sort).toBe("delta");
  });

  it("shows a changed text file's unified diff", async () => {
    answer("diff_file", recorded.diffFile);
    await compare();
    find('#diff-files .diff-row[data-path="/app/requirements.txt"]').click();
    await settle();
    expect(find('#diff-files .diff-row[data-path="/app/requirements.txt"]').classList.contains("selected")).toBe(true);

    byId("diff-show-file").click();
    await settle();
    expect(callsOf("diff_file")).toEqual([{ path: "/app/requirements.txt" }]);
    expect(text(".dialog h2")).toBe("/app/requirements.txt");
    expect(text(".dialog p.muted")).toBe("+14 B · size, content");
    expect(texts("#file-viewer .diff-add")).toEqual(["+gunicorn==23.0.0\n", "+packaging==24.2\n"]);
    expect(texts("#file-viewer .diff-del")).toEqual(["-waitress==3.0.0\n"]);
    expect(texts("#file-viewer .diff-file")).toHaveLength(2);
    expect(texts("#file-viewer .diff-hunk")).toEqual(["@@ -1,6 +1,7 @@\n"]);
  });

  it("names each changed attribute with both values, and says why a path has no text", async () => {
    answer("diff_file", {
      path: "/app/server.py",
      attributes: [
        { name: "mode", before: "0644", after: "0755" },
        { name: "link target", before: "server-1.py", after: "server-2.py" },
      ],
      unified: null,
      note: "A symbolic link has no text of its own: what it points to is compared above.",
    });
    await compare();
    find('#diff-files .diff-row[data-path="/app/server.py"]').click();
    await settle();
    byId("diff-show-file").click();
    await settle();
    expect(text(".dialog p.muted")).toBe("A symbolic link has no text of its own: what it points to is compared above.");
    expect(texts("#compared-facts tbody tr").map((row) => row.replace(/\s+/g, " "))).toEqual([
      "mode06440755",
      "link targetserver-1.pyserver-2.py",
    ]);
    expect(texts("#compared-facts th")).toEqual(["", "Before", "After"]);
  });

  it("shows that it is comparing a file at once, and Escape cancels it", async () => {
    let finish: (value: unknown) => void = () => undefined;
    answer("diff_file", () => new Promise((resolve) => (finish = resolve)));
    answer("cancel_file_read", () => finish(Promise.reject({ code: "cancelled", message: "cancelled", hint: "" })));
    await compare();
    find('#diff-files .diff-row[data-path="/app/requirements.txt"]').click();
    await settle();
    byId("diff-show-file").click();
    await settle();
    expect(text("#working .working-label")).toBe("Comparing /app/requirements.txt…");
    press(document.body, "Escape");
    await settle();
    expect(callsOf("cancel_file_read")).toHaveLength(1);
    expect(document.getElementById("working")).toBeNull();
    expect(document.querySelector(".dialog")).toBeNull();
    expect(report).not.toHaveBeenCalled();
  });

  it("asks for a file when Show diff finds a folder or nothing selected", async () => {
    await compare();
    byId("diff-show-file").click();
    expect(report).toHaveBeenLastCalledWith("Select a changed file first.");

    find('#diff-files .diff-row[data-path="/app/static"]').click();
    await settle();
    byId("diff-show-file").click();
    expect(report).toHaveBeenLastCalledWith("/app/static is a folder", "Select a file in it to see its changes.");
    expect(callsOf("diff_file")).toEqual([]);
  });

  it("swaps the two images and compares again", async () => {
    await compare();
    byId("diff-swap").click();
    await settle();
    expect(byId<HTMLInputElement>("diff-before").value).toBe("api:1.4");
    expect(byId<HTMLInputElement>("diff-after").value).toBe("api:1.3");
    expect(lastCall("compare_images")).toMatchObject({ before: { value: "api:1.4" }, after: { value: "api:1.3" } });
  });

  it("explains why two images could not be compared", async () => {
    fail("compare_images", {
      code: "not-found",
      message: "the daemon answered 404: No such image: api:1.5",
      hint: "Check the name (`strata images` lists what there is); another tool may have removed it.",
    });
    await compare("api:1.4", "api:1.5");

    expect(byId("diff-problem").hidden).toBe(false);
    expect(texts("#diff-problem > *")).toEqual([
      "The images could not be compared",
      "the daemon answered 404: No such image: api:1.5",
      "Check the name (strata images lists what there is); another tool may have removed it.",
    ]);
    expect(byId("diff-empty").hidden).toBe(false);
    expect(byId("diff-progress").hidden).toBe(true);
    expect(view.element.dataset.compared).toBeUndefined();
  });

  it("drops an earlier result when the next comparison fails, and dims it while the fields name another pair", async () => {
    await compare("api:1.3", "api:1.4");
    expect(find("#diff-view .layers-content").hidden).toBe(false);
    type(byId<HTMLInputElement>("diff-after"), "api:1.5");
    expect(find("#diff-view .layers-content").classList.contains("stale")).toBe(true);
    fail("compare_images", { code: "not-found", message: "the daemon answered 404: No such image: api:1.5", hint: "" });
    press(byId("diff-after"), "Enter");
    await settle();
    expect(find("#diff-view .layers-content").hidden).toBe(true);
    expect(byId("diff-problem").hidden).toBe(false);
    expect(view.element.dataset.compared).toBeUndefined();
  });

  it("filters a new comparison as the toolbar still says", async () => {
    await compare("api:1.3", "api:1.4");
    byId<HTMLInputElement>("diff-filter-added").click();
    await settle();
    expect(lastCall("diff_set_query").query.added).toBe(false);
    const asked = callsOf("diff_set_query").length;
    await compare("api:1.3", "api:1.4");
    expect(callsOf("diff_set_query")).toHaveLength(asked + 1);
    expect(lastCall("diff_set_query").query).toEqual({ added: false, removed: true, modified: true, search: "", sort: "path" });
    expect(treeLines().some((line) => line.startsWith("+|"))).toBe(false);
  });

  it("waits for both images before comparing", async () => {
    type(byId<HTMLInputElement>("diff-before"), "api:1.3");
    press(byId("diff-before"), "Enter");
    await settle();
    expect(callsOf("compare_images")).toEqual([]);
    expect(document.activeElement).toBe(byId("diff-after"));
  });
});
