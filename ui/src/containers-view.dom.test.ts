// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LogEvent, StatsRow } from "./api";
import { ContainersView } from "./containers-view";
import * as recorded from "./fixtures";
import { byId, doubleClick, find, isHidden, mount, press, settle, text, texts, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, channelOf, fail, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

const WEB = recorded.containers[0].id;

/** Each row's cells as the user reads them (the CPU cell's sparkline is a picture, no text). */
function rows(): string[][] {
  return [...document.querySelectorAll("#containers-view .tr")].map((row) =>
    [...row.children].map((cell) => (cell.textContent ?? "").trim()),
  );
}

function row(name: string): HTMLElement {
  return find(`#containers-view .tr[data-name="${name}"]`);
}

function action(name: string, label: string): HTMLButtonElement {
  return find<HTMLButtonElement>(`[data-action="${label}"]`, row(name));
}

describe("the Containers screen", () => {
  let report: ReturnType<typeof vi.fn>;
  let explore: ReturnType<typeof vi.fn>;
  let view: ContainersView;

  beforeEach(() => {
    useRecordedClock();
    answer("list_containers", recorded.containers);
    answer("stats_rows", recorded.statsRows);
    answer("stats_host", recorded.statsHost);
    report = vi.fn();
    explore = vi.fn();
    view = new ContainersView(report, explore);
    mount(view.element);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
    document.querySelector(".backdrop")?.remove();
  });

  it("lists the containers newest first, with state, ports, CPU, memory and what can be done", async () => {
    await view.refresh();

    expect(text("#containers-view .summary")).toBe("3 containers, 2 running");
    expect(rows()).toEqual([
      ["web", "busybox:1.36", "running", "Up 2 hours", "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp", "2.5 %", "1.5 MB", "StopKillRestartLogsStatsRemove⋯"],
      ["ticker", "busybox:latest", "running", "Up 5 minutes", "—", "0.1 %", "713 kB", "StopKillRestartLogsStatsRemove⋯"],
      // Stopped while Strata watched it: its stats stay until dismissed.
      ["batch-job", "busybox:1.36", "exited", "Exited (0) 3 days ago", "—", "stopped · history kept", "", "StartLogsStatsRemove⋯"],
    ]);
    expect(find(".badge", row("web")).className).toBe("badge ok");
    expect(find(".badge", row("batch-job")).className).toBe("badge muted");
    expect(find(".spark svg polyline", row("web"))).toBeTruthy();
    expect(text("#host-line")).toBe("8 CPUs at 12 % · memory 6.42 GB of 16.6 GB · Docker data: 51.2 GB free of 250 GB");
    expect(find("#containers-view .empty").hidden).toBe(true);
  });

  it("redraws the stats every second while shown", async () => {
    await view.refresh();
    const busier: StatsRow[] = structuredClone(recorded.statsRows);
    busier[0].point!.cpu_percent = 41.25;
    busier[0].point!.memory_bytes = 24_117_248;
    answer("stats_rows", busier);

    await settle(1000);
    expect(rows()[0].slice(5, 7)).toEqual(["41.3 %", "24.1 MB"]);

    view.element.hidden = true;
    answer("stats_rows", recorded.statsRows);
    await settle(1000);
    expect(rows()[0].slice(5, 7)).toEqual(["41.3 %", "24.1 MB"]);
  });

  it("asks for the statuses again every other second while shown, and updates them in place", async () => {
    answer("reread_containers", null);
    await view.refresh();
    const webRow = row("web");
    await settle(2000);
    expect(callsOf("reread_containers")).toHaveLength(1);
    // The engine published a newer list: "Up 2 hours" became "Up 3 hours".
    const older = structuredClone(recorded.containers);
    older[0].status = "Up 3 hours";
    answer("list_containers", older);
    await view.refresh();
    expect(rows()[0][3]).toBe("Up 3 hours");
    expect(row("web")).toBe(webRow);

    view.element.hidden = true;
    await settle(4000);
    expect(callsOf("reread_containers")).toHaveLength(1);
  });

  it("moves Kill, Restart and Remove into a menu when the table is narrow", async () => {
    answer("container_action", null);
    await view.refresh();
    const table = find("#containers-view .table");
    const resize = (width: number) => (view as unknown as { table: { fitColumns(w: number): void } }).table.fitColumns(width);
    resize(1300);
    expect(table.classList.contains("compact-actions")).toBe(false);
    // The window's first size (1200 px, a table about 990 px wide) leaves the name room.
    resize(990);
    expect(table.classList.contains("compact-actions")).toBe(true);
    resize(900);
    expect(table.classList.contains("compact-actions")).toBe(true);
    expect(texts("button", row("web"))).toEqual(["Stop", "Logs", "Stats", "⋯"]);
    expect(texts("button", row("batch-job"))).toEqual(["Start", "Logs", "Stats", "⋯"]);

    find("button[data-action='more']", row("web")).click();
    expect(texts("#popup-menu button")).toEqual(["Kill", "Restart", "Remove", "Changes in Layers"]);
    expect(document.activeElement?.textContent).toBe("Kill");
    press(document.activeElement!, "ArrowDown");
    expect(document.activeElement?.textContent).toBe("Restart");
    (document.activeElement as HTMLElement).click();
    await settle();
    expect(callsOf("container_action")).toEqual([{ id: WEB, action: "restart" }]);
    expect(document.getElementById("popup-menu")).toBeNull();

    find("button[data-action='more']", row("web")).click();
    press(document.activeElement!, "Escape");
    expect(document.getElementById("popup-menu")).toBeNull();

    resize(1300);
    expect(texts("button", row("web"))).toEqual(["Stop", "Kill", "Restart", "Logs", "Stats", "Remove", "⋯"]);
    // Wide, the menu holds what the container wrote, opened in the Layers screen.
    find("button[data-action='more']", row("web")).click();
    expect(texts("#popup-menu button")).toEqual(["Changes in Layers"]);
    (document.activeElement as HTMLElement).click();
    expect(explore).toHaveBeenCalledWith("container://web");
  });

  it("stops, starts and restarts a container when its buttons are clicked", async () => {
    answer("container_action", null);
    await view.refresh();

    action("web", "stop").click();
    action("batch-job", "start").click();
    action("ticker", "restart").click();
    await settle();
    expect(callsOf("container_action")).toEqual([
      { id: WEB, action: "stop" },
      { id: recorded.containers[2].id, action: "start" },
      { id: recorded.containers[1].id, action: "restart" },
    ]);
    expect(report).not.toHaveBeenCalled();
  });

  it("says a container is stopping while the daemon takes its time", async () => {
    let answerStop: (value: null) => void = () => undefined;
    answer("container_action", () => new Promise<null>((resolve) => (answerStop = resolve)));
    await view.refresh();
    const status = () => find('.tr[data-name="web"]').children[3].textContent;
    const before = status();
    action("web", "stop").click();
    await settle();
    expect(status()).toBe("stopping…");
    answerStop(null);
    await settle();
    expect(status()).toBe(before);
  });

  it("reports what the daemon said when an action fails", async () => {
    await view.refresh();
    fail("container_action", {
      code: "daemon-refused",
      message: `the daemon answered 409: cannot kill container: ${WEB}: container ${WEB} is not running`,
      hint: "It is in use or in the wrong state for this; stop or remove what uses it first.",
    });

    action("web", "kill").click();
    await settle();
    expect(report).toHaveBeenCalledWith(
      `Could not kill web: the daemon answered 409: cannot kill container: ${WEB}: container ${WEB} is not running`,
      "It is in use or in the wrong state for this; stop or remove what uses it first.",
    );
  });

  it("asks before removing a container, and removes it only when confirmed", async () => {
    answer("container_action", null);
    await view.refresh();

    action("batch-job", "remove").click();
    await settle();
    expect(text(".dialog h2")).toBe("Remove batch-job?");
    expect(text(".dialog p")).toBe("“batch-job” and its writable layer will be deleted; its image stays.");
    find<HTMLButtonElement>(".dialog button:not(#confirm-action)").click();
    await settle();
    expect(document.querySelector(".dialog")).toBeNull();
    expect(callsOf("container_action")).toEqual([]);

    action("web", "remove").click();
    await settle();
    expect(text(".dialog p")).toBe("“web” is running. Removing it stops it first and deletes its writable layer; its image stays.");
    byId("confirm-action").click();
    await settle();
    expect(callsOf("container_action")).toEqual([{ id: WEB, action: "remove" }]);
  });

  it("follows a container's logs, searches them, and stops following on Escape", async () => {
    answer("follow_logs", 7);
    answer("stop_logs", null);
    await view.refresh();
    const panel = find("#containers-view .logs");
    expect(panel.hidden).toBe(true);

    doubleClick(row("web"));
    await settle();
    expect(panel.hidden).toBe(false);
    expect(text("strong", panel)).toBe("Logs of web");
    expect(callsOf("follow_logs")[0]).toMatchObject({ id: WEB, tail: 1000 });
    expect(text("#logs-output")).toBe("(no output yet)");

    const logs = channelOf<LogEvent>("follow_logs", "onEvent");
    logs.onmessage({ kind: "lines", lines: ['172.17.0.1 - - [04/Dec/2026:20:58:01 +0000] "GET / HTTP/1.1" 200 612', '172.17.0.1 - - [04/Dec/2026:20:58:03 +0000] "GET /favicon.ico HTTP/1.1" 404 0'] });
    expect(text("#logs-output")).toBe('172.17.0.1 - - [04/Dec/2026:20:58:01 +0000] "GET / HTTP/1.1" 200 612\n172.17.0.1 - - [04/Dec/2026:20:58:03 +0000] "GET /favicon.ico HTTP/1.1" 404 0');

    type(find<HTMLInputElement>("input[type=search]", panel), "404");
    expect(text("#logs-output")).toBe('172.17.0.1 - - [04/Dec/2026:20:58:03 +0000] "GET /favicon.ico HTTP/1.1" 404 0');
    type(find<HTMLInputElement>("input[type=search]", panel), "");

    logs.onmessage({ kind: "ended", error: null });
    expect(text("#logs-output").endsWith("404 0\n— the container stopped writing (it exited)")).toBe(true);

    press(find<HTMLInputElement>("input[type=search]", panel), "Escape");
    await settle();
    expect(panel.hidden).toBe(true);
    expect(callsOf("stop_logs")).toEqual([{ follower: 7 }]);
  });

  it("opens a container's stats, and the overview of every running one", async () => {
    answer("stats_chart", ({ metric }: { metric: string }) => recorded.statsCharts[metric]);
    answer("stats_overview", ({ metric }: { metric: string }) => recorded.statsCharts[`overview-${metric}`]);
    await view.refresh();
    const panel = byId("stats-panel");
    expect(isHidden(panel)).toBe(true);

    action("web", "stats").click();
    await settle();
    expect(isHidden(panel)).toBe(false);
    expect(text("strong", panel)).toBe("Stats of web");
    expect(callsOf("stats_chart").map((args) => [args.id, args.metric])).toEqual([
      [WEB, "cpu"],
      [WEB, "memory"],
      [WEB, "network"],
      [WEB, "block"],
    ]);

    byId("stats-overview").click();
    await settle();
    expect(text("strong", panel)).toBe("Every running container");
    expect([...panel.querySelectorAll<HTMLElement>(".stats-chart")].map((chart) => chart.dataset.metric)).toEqual(["overview-cpu", "overview-memory"]);

    // A container's stats close when the container is removed.
    action("web", "stats").click();
    await settle();
    expect(isHidden(panel)).toBe(false);
    answer("list_containers", recorded.containers.filter((container) => container.name !== "web"));
    await view.refresh();
    expect(isHidden(panel)).toBe(true);
  });

  it("says the daemon has no containers, and clears the host line it cannot read", async () => {
    answer("list_containers", []);
    answer("stats_rows", []);
    fail("stats_host", { code: "daemon-unreachable", message: "not connected: no daemon", hint: "" });
    await view.refresh();

    expect(text("#containers-view .summary")).toBe("0 containers, 0 running");
    expect(rows()).toEqual([]);
    expect(find("#containers-view .empty").hidden).toBe(false);
    expect(text("#containers-view .empty")).toBe("No containers on this daemon. Start one with `docker run` and it appears here at once.");
    expect(text("#host-line")).toBe("");
  });

  it("hands a failed listing to the window", async () => {
    const failure = { code: "daemon-unreachable", message: "not connected: the daemon went away", hint: "The daemon may have stopped; Strata reconnects when it is back." };
    fail("list_containers", failure);
    await expect(view.refresh()).rejects.toEqual(failure);
    expect(rows()).toEqual([]);
  });
});
