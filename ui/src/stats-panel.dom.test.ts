// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as recorded from "./fixtures";
import { StatsPanel } from "./stats-panel";
import { applyTheme } from "./theme";
import { byId, find, mount, settle, text, texts, useRecordedClock } from "./testing/dom";
import { answer, callsOf, fail, lastCall, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

const [web, , batch] = recorded.containers;

/** The charts drawn: their metric and the title inside the engine's SVG. */
function charts(): string[] {
  return [...document.querySelectorAll<HTMLElement>("#stats-charts .stats-chart")].map((chart) => `${chart.dataset.metric}: ${chart.querySelector("svg text")?.textContent}`);
}

describe("the stats panel", () => {
  let report: ReturnType<typeof vi.fn>;
  let panel: StatsPanel;

  beforeEach(() => {
    useRecordedClock();
    answer("stats_chart", ({ metric }: { metric: string }) => recorded.statsCharts[metric]);
    answer("stats_overview", ({ metric }: { metric: string }) => recorded.statsCharts[`overview-${metric}`]);
    report = vi.fn();
    panel = new StatsPanel(report);
    mount(panel.element);
  });

  afterEach(() => {
    panel.close();
    vi.useRealTimers();
    resetEngine();
  });

  it("charts a running container's CPU, memory, network and block I/O over the last 5 minutes", async () => {
    expect(panel.element.hidden).toBe(true);
    panel.open(web.id, "web", true);
    await settle();

    expect(panel.element.hidden).toBe(false);
    expect(text("#stats-panel strong")).toBe("Stats of web");
    expect(charts()).toEqual([
      "cpu: CPU — now 3.2 %, peak 41 %",
      "memory: Memory — now 201 MB, peak 214 MB",
      "network: Network — received 1.2 kB/s, sent 310 B/s now",
      "block: Block I/O — read 0 B/s, written 4.1 kB/s now",
    ]);
    // Before the window lays the grid out, a chart is drawn at one column's usual width.
    expect(callsOf("stats_chart")).toEqual(["cpu", "memory", "network", "block"].map((metric) => ({ id: web.id, metric, seconds: 300, theme: "light", width: 560 })));
    expect(texts("#stats-panel .segmented button.active")).toEqual(["5 min"]);
    expect(texts("#stats-charts .chart-save")).toEqual(["PNG…", "PNG…", "PNG…", "PNG…"]);
    expect(byId("stats-csv").hidden).toBe(false);
    expect(byId("stats-dismiss").hidden).toBe(true);
  });

  it("redraws every second, over the window picked", async () => {
    panel.open(web.id, "web", true);
    await settle();
    await settle(1000);
    expect(callsOf("stats_chart")).toHaveLength(8);

    byId("stats-window-3600").click();
    await settle();
    expect(texts("#stats-panel .segmented button.active")).toEqual(["1 h"]);
    expect(lastCall("stats_chart")).toEqual({ id: web.id, metric: "block", seconds: 3600, theme: "light", width: 560 });

    panel.close();
    await settle(3000);
    expect(callsOf("stats_chart")).toHaveLength(12);
    expect(panel.element.hidden).toBe(true);
  });

  it("asks for the charts again in the theme the window switches to", async () => {
    panel.open(web.id, "web", true);
    await settle();
    applyTheme("dark");
    await settle();
    expect(callsOf("stats_chart").slice(4).map((args) => `${args.metric} ${args.theme}`)).toEqual(["cpu dark", "memory dark", "network dark", "block dark"]);
    applyTheme("system");
    await settle();
    expect(lastCall("stats_chart").theme).toBe("light");
  });

  it("keeps a stopped container's history until it is dismissed", async () => {
    answer("stats_dismiss", null);
    panel.open(batch.id, "batch-job", false);
    await settle();
    expect(text("#stats-panel strong")).toBe("Stats of batch-job (stopped)");
    expect(byId("stats-dismiss").hidden).toBe(false);

    byId("stats-dismiss").click();
    await settle();
    expect(callsOf("stats_dismiss")).toEqual([{ id: batch.id }]);
    expect(panel.element.hidden).toBe(true);
  });

  it("stacks every running container in the overview, without a CSV to save", async () => {
    panel.openOverview();
    await settle();
    expect(text("#stats-panel strong")).toBe("Every running container");
    expect(charts()).toEqual(["overview-cpu: CPU of every running container", "overview-memory: Memory of every running container"]);
    expect(callsOf("stats_overview")).toEqual([{ metric: "cpu", seconds: 300, theme: "light", width: 1120 }, { metric: "memory", seconds: 300, theme: "light", width: 1120 }]);
    expect(byId("stats-csv").hidden).toBe(true);
    expect(callsOf("stats_chart")).toEqual([]);
  });

  it("saves the history as CSV and a chart as PNG where the user chose, and says so", async () => {
    answer("stats_export_csv", { path: "/home/dev/Downloads/web-stats.csv", bytes: 118_734 });
    answer("stats_export_png", { path: "/home/dev/Downloads/web-memory.png", bytes: 24_912 });
    panel.open(web.id, "web", true);
    await settle();

    byId("stats-csv").click();
    await settle();
    expect(callsOf("stats_export_csv")).toEqual([{ id: web.id, name: "web-stats.csv" }]);
    expect(report).toHaveBeenLastCalledWith("Saved 119 kB of stats to /home/dev/Downloads/web-stats.csv");

    find('#stats-charts .stats-chart[data-metric="memory"] .chart-save').click();
    await settle();
    expect(callsOf("stats_export_png")).toEqual([{ id: web.id, metric: "memory", seconds: 300, name: "web-memory.png" }]);
    expect(report).toHaveBeenLastCalledWith("Saved the chart (24.9 kB) to /home/dev/Downloads/web-memory.png");

    // Cancelled in the file dialog: nothing said.
    answer("stats_export_csv", null);
    byId("stats-csv").click();
    await settle();
    expect(report).toHaveBeenCalledTimes(2);
  });

  it("says why there is nothing to chart", async () => {
    fail("stats_chart", {
      code: "not-found",
      message: "no stats for that container",
      hint: "Stats are kept for containers that ran while Strata was open.",
    });
    panel.open(batch.id, "batch-job", false);
    await settle();
    expect(charts()).toEqual([]);
    expect(text("#stats-charts")).toBe("no stats for that container. Stats are kept for containers that ran while Strata was open.");
  });

  it("reports a file that could not be written", async () => {
    fail("stats_export_csv", { code: "file-system", message: "cannot write there: /mnt/usb/web-stats.csv: Read-only file system (os error 30)", hint: "Choose another file name or folder." });
    panel.open(web.id, "web", true);
    await settle();
    byId("stats-csv").click();
    await settle();
    expect(report).toHaveBeenCalledWith("cannot write there: /mnt/usb/web-stats.csv: Read-only file system (os error 30)", "Choose another file name or folder.");
  });
});
