// @vitest-environment happy-dom
// The window as main.ts lays it out from the screen registry (screens.ts) and the shortcut table
// (shortcuts.ts): its sidebar, the screens shown by click and by Ctrl+N, the live counts, and the
// problems it shows. The tests run in order on one window.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveState } from "./api";
import * as recorded from "./fixtures";
import { SCREENS } from "./screens";
import { byId, doubleClick, find, press, settle, text, texts, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, channelOf, fail, lastCall } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

type DragDrop = { payload: { type: "enter" | "over" | "drop" | "leave"; paths?: string[] } };
const drops = vi.hoisted(() => ({ handler: (_event: DragDrop) => undefined as void }));
vi.mock("@tauri-apps/api/webview", () => ({
  getCurrentWebview: () => ({
    onDragDropEvent: async (handler: (event: DragDrop) => void) => {
      drops.handler = handler;
      return () => undefined;
    },
  }),
}));

const IDS = ["images", "containers", "layers", "diff", "projects", "cleanup", "registries"];

/** The screen shown: the one view not hidden, and the nav button marked active. */
function shown(): string {
  const views = IDS.filter((id) => !byId(`${id}-view`).hidden);
  const active = [...document.querySelectorAll(".sidebar .nav.active")].map((nav) => nav.id.replace("nav-", ""));
  expect(active).toEqual(views);
  return views.join(",");
}

function ctrl(key: string, shiftKey = false): KeyboardEvent {
  return press(document.activeElement ?? document.body, key, { ctrlKey: true, shiftKey });
}

describe("the window", () => {
  beforeAll(async () => {
    useRecordedClock();
    window.localStorage.clear();
    document.body.innerHTML = '<div id="app"></div>';
    answer("endpoints", recorded.endpoints);
    answer("watch_state", null);
    answer("project_events", null);
    answer("list_images", recorded.images);
    // What the engine offers to compare with api:1.3: its repository's other tag first.
    answer("diff_choices", ({ reference }: { reference: string | null }) =>
      reference === "api:1.3" ? ["api:1.4", "debian:bookworm-slim"] : ["api:1.4", "api:1.3", "debian:bookworm-slim"],
    );
    answer("list_containers", recorded.containers);
    answer("stats_rows", recorded.statsRows);
    answer("stats_host", recorded.statsHost);
    answer("cache_usage", recorded.cacheUsage);
    answer("project_list", []);
    answer("project_history", []);
    answer("project_build_charts", { shown: null, timeline: null, cached_steps: [0, 0], trend: null, trend_builds: [] });
    answer("cleanup_survey", recorded.cleanupSurvey);
    answer("cleanup_count_all", recorded.cleanupCounted);
    await import("./main");
    await settle();
  });

  afterAll(() => vi.useRealTimers());

  it("has a nav button per screen of the registry, in its order, with its Ctrl+N", () => {
    expect(SCREENS.map((screen) => screen.id)).toEqual(IDS);
    const navs = [...document.querySelectorAll<HTMLButtonElement>(".sidebar > button")];
    expect(navs.map((nav) => nav.id)).toEqual([...IDS.map((id) => `nav-${id}`), "theme-switch", "shortcuts-button"]);
    expect(navs.slice(0, 7).map((nav) => nav.title)).toEqual([
      "Images (Ctrl+1)",
      "Containers (Ctrl+2)",
      "Layers (Ctrl+3)",
      "Diff (Ctrl+4)",
      "Projects (Ctrl+5)",
      "Cleanup (Ctrl+6)",
      "Registries (Ctrl+7)",
    ]);
    expect(navs.slice(0, 7).map((nav) => nav.firstElementChild?.textContent)).toEqual(["Images", "Containers", "Layers", "Diff", "Projects", "Cleanup", "Registries"]);
    expect(navs.slice(0, 7).map((nav) => nav.querySelector(".count")?.id)).toEqual(IDS.map((id) => `count-${id}`));
    expect(text(".sidebar .brand")).toBe("Strata");

    const main = find("#app > main");
    expect([...main.children].map((child) => child.id || child.className)).toEqual([
      "daemon-bar",
      "daemon-banner",
      ...IDS.map((id) => `${id}-view`),
      "toast",
      "drop-overlay",
    ]);
  });

  it("opens on Images and follows the daemon's live state", async () => {
    expect(shown()).toBe("images");
    expect(callsOf("list_images")).toHaveLength(1);
    expect(texts("#endpoint-picker option")).toHaveLength(2);

    channelOf<LiveState>("watch_state", "onChange").onmessage(recorded.connected);
    await settle();
    expect(text("#count-images")).toBe("6");
    expect(text("#count-containers")).toBe("3");
    expect(document.body.dataset.connection).toBe("connected");
    expect(document.body.dataset.endpoint).toBe("default");
    expect(text("#connection-status")).toBe("Docker Engine 27.3.1 · API 1.47");
    expect(text("#images-view .summary")).toBe("6 images");
    expect(callsOf("list_images")).toHaveLength(2);
  });

  it("empties a filter on Escape and shows everything again; a second Escape leaves the field", async () => {
    byId("nav-images").click();
    await settle();
    const filter = byId<HTMLInputElement>("image-filter");
    type(filter, "api");
    await settle();
    expect(lastCall("list_images").query.text).toBe("api");
    const escape = press(filter, "Escape");
    await settle();
    expect(filter.value).toBe("");
    expect(escape.defaultPrevented).toBe(true);
    expect(lastCall("list_images").query.text).toBe(""); // asked for again, unfiltered
    expect(document.activeElement).toBe(filter);
    press(filter, "Escape");
    expect(document.activeElement).not.toBe(filter);
  });

  it("shows a screen when its nav button is clicked, and draws it again", async () => {
    byId("nav-containers").click();
    await settle();
    expect(shown()).toBe("containers");
    expect(text("#containers-view .summary")).toBe("3 containers, 2 running");

    byId("nav-layers").click();
    await settle();
    expect(shown()).toBe("layers");
    expect(text("#cache-usage")).toBe("Cache 412 MB in 57 layers");
  });

  it("shows the Nth screen on Ctrl+N, and puts the focus where that screen wants it", async () => {
    byId("nav-images").click();
    await settle();

    const third = ctrl("3");
    await settle();
    expect(shown()).toBe("layers");
    expect(document.activeElement?.id).toBe("layers-source");
    expect(third.defaultPrevented).toBe(false);

    ctrl("4");
    await settle();
    expect(shown()).toBe("diff");
    expect(document.activeElement?.id).toBe("diff-before");

    ctrl("5");
    await settle();
    expect(shown()).toBe("projects");
    expect(document.activeElement?.id).toBe("project-add");

    ctrl("6");
    await settle();
    expect(shown()).toBe("cleanup");
    expect(document.activeElement?.id).toBe("cleanup-dangling");

    ctrl("2");
    await settle();
    expect(shown()).toBe("containers");
    ctrl("1");
    await settle();
    expect(shown()).toBe("images");

    ctrl("7");
    await settle();
    expect(shown()).toBe("registries");
    expect(document.activeElement?.id).toBe("registry-add");

    ctrl("8");
    await settle();
    expect(shown()).toBe("registries");
  });

  it("searches with / and leaves the field with Escape", async () => {
    document.body.focus();
    ctrl("2");
    await settle();
    const slash = press(document.body, "/");
    await settle();
    expect(shown()).toBe("images");
    expect(document.activeElement?.id).toBe("image-filter");
    expect(slash.defaultPrevented).toBe(true);

    press(byId("image-filter"), "Escape");
    expect(document.activeElement?.id).not.toBe("image-filter");
  });

  it("opens an image on Layers, and compares it on Diff, from the Images screen", async () => {
    answer("open_image", recorded.imageAnalysis);
    answer("set_view", recorded.viewInfo);
    answer("tree_rows", recorded.treeRows);
    doubleClick(find('#images-view .tr[data-ref="api:1.4"]'));
    await settle();
    expect(shown()).toBe("layers");
    expect(lastCall("open_image").source).toEqual({ kind: "daemon", value: "api:1.4" });
    expect(byId("layers-view").dataset.image).toBe("api:1.4");

    ctrl("1");
    await settle();
    find('#images-view .tr[data-ref="api:1.3"]').click();
    byId("compare-image").click();
    await settle();
    expect(shown()).toBe("diff");
    expect((byId("diff-before") as HTMLInputElement).value).toBe("api:1.3");
    expect((byId("diff-after") as HTMLInputElement).value).toBe("api:1.4");
  });

  it("opens an archive on Ctrl+O, on the Layers screen", async () => {
    answer("choose_archive", null);
    const open = ctrl("o");
    await settle();
    expect(shown()).toBe("layers");
    expect(callsOf("choose_archive")).toHaveLength(1);
    expect(open.defaultPrevented).toBe(true);
  });

  it("lists the shortcuts on ?, with the screens named from the registry", async () => {
    press(document.body, "?", { shiftKey: true });
    expect(byId("shortcut-sheet")).toBeTruthy();
    const rows = [...document.querySelectorAll("#shortcut-sheet table")][0].querySelectorAll("tr");
    expect([...rows[0].cells].map((cell) => cell.textContent?.trim())).toEqual(["Ctrl+1 … Ctrl+7", "Images, Containers, Layers, Diff, Projects, Cleanup, Registries"]);
    press(document.body, "Escape");
    expect(document.getElementById("shortcut-sheet")).toBeNull();
  });

  it("switches the theme on Ctrl+Shift+L", () => {
    expect(text("#theme-switch")).toBe("Theme: system");
    ctrl("L", true);
    expect(text("#theme-switch")).toBe("Theme: light");
    expect(document.documentElement.dataset.theme).toBe("light");
    ctrl("L", true);
    ctrl("L", true);
    expect(text("#theme-switch")).toBe("Theme: system");
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("shows a screen's failure, and what to do about it, in the toast for a while", async () => {
    fail("list_containers", {
      code: "daemon-unreachable",
      message: "not connected: the daemon at unix:///var/run/docker.sock went away",
      hint: "The daemon may have stopped; Strata reconnects when it is back.",
    });
    byId("nav-containers").click();
    await settle();
    const toast = find("#app .toast");
    expect(toast.hidden).toBe(false);
    expect(toast.textContent).toBe(
      "not connected: the daemon at unix:///var/run/docker.sock went away — The daemon may have stopped; Strata reconnects when it is back.",
    );
    await settle(8000);
    expect(toast.hidden).toBe(true);
    answer("list_containers", recorded.containers);
  });

  it("builds a folder dropped on the window, on the Projects screen", async () => {
    const project = recorded.projects[0].project;
    answer("project_add", project);
    answer("project_list", [{ ...recorded.projects[0], last: null, watching: false }]);
    answer("project_build", recorded.projectHistory[3]);

    drops.handler({ payload: { type: "over" } });
    expect(byId("drop-overlay").hidden).toBe(false);
    drops.handler({ payload: { type: "drop", paths: [project.folder] } });
    await settle();
    expect(byId("drop-overlay").hidden).toBe(true);
    expect(shown()).toBe("projects");
    expect(callsOf("project_add")).toEqual([{ path: project.folder }]);
    expect(callsOf("project_build")).toEqual([{ folder: project.folder, publish: false }]);
    expect(text("#project-detail h2")).toBe("api");
  });
});
