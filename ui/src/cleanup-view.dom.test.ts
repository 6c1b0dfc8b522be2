// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ApplyEvent, CleanupData, CleanupRequest } from "./api";
import { CleanupView } from "./cleanup-view";
import { applyTheme } from "./theme";
import * as recorded from "./fixtures";
import { byId, find, mount, press, settle, text, texts, tick, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, channelOf, fail, lastCall, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

const DANGLING = recorded.images[1].id;
const API14 = recorded.images[0].id;

/** The cards' title, figure and note. */
function cards(): string[] {
  return [...document.querySelectorAll("#cleanup-cards .cleanup-card")].map((card) => [...card.children].map((part) => part.textContent).join(" | "));
}

/** The plan's rows: kind, name, reason, bytes freed and (while applying) how it went. */
function planRows(): string[] {
  return [...document.querySelectorAll("#cleanup-plan .plan-row")].map((row) => [...row.querySelectorAll("span")].map((part) => part.textContent).join(" | "));
}

describe("the Cleanup screen", () => {
  let report: ReturnType<typeof vi.fn>;
  let view: CleanupView;

  beforeEach(() => {
    useRecordedClock();
    answer("cleanup_survey", recorded.cleanupSurvey);
    answer("cleanup_count_all", recorded.cleanupCounted);
    report = vi.fn();
    view = new CleanupView(report);
    view.element.hidden = false;
    mount(view.element);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
    document.querySelector(".backdrop")?.remove();
  });

  it("shows where the space is as soon as images are read, then volumes and build cache once counted", async () => {
    let counted: (data: CleanupData) => void = () => undefined;
    answer("cleanup_count_all", () => new Promise((resolve) => (counted = resolve)));
    void view.refresh();
    await settle();

    expect(lastCall("cleanup_survey").request).toMatchObject({
      policy: { dangling: true, unused: false, build_cache: false, chosen: [], excluded: [] },
      repository_rules: "",
      width: 640,
      height: 300,
      theme: "light",
    });
    expect(text("#cleanup-view .summary")).toBe("Counting volumes and build cache (the daemon may take a while)…");
    expect(cards()).toEqual([
      "Images in use | 1 · 4.26 MB | never removed",
      "Images unused | 3 · 188 MB | 59.9 MB reclaimable",
      "Images dangling | 1 · 157 MB | 29.4 MB reclaimable",
      "Containers | 3 · 18.4 MB | 1 stopped · 18.4 MB",
      "Volumes | counting… | ",
      "Build cache | counting… | ",
    ]);
    expect(texts("#cleanup-view .cleanup-legend > *")).toEqual(["in use", "unused", "dangling", "old", "Area: each image's own bytes plus its part of shared layers (a small image still gets a tile to click); 221 MB in all."]);
    const tiles = [...document.querySelectorAll<HTMLElement>("#cleanup-treemap .treemap-tile")];
    expect(tiles.map((tile) => tile.title.split("\n").slice(0, 2).join(" / "))).toEqual([
      "api:1.4 / unused · 158 MB (unique 30.6 MB, shared 128 MB)",
      "api:1.3 / unused · 157 MB (unique 29.3 MB, shared 128 MB)",
      "fb91ee0c62cc / dangling · 157 MB (unique 29.4 MB, shared 128 MB)",
      "debian:bookworm-slim / unused · 74.8 MB (unique 0 B, shared 74.8 MB)",
      "busybox:1.36, busybox:latest / in-use · 4.26 MB (unique 4.26 MB, shared 0 B)",
    ]);
    // In shares of the picture, which scales to its column: the tiles stay on their images.
    expect([tiles[0].style.left, tiles[0].style.top, tiles[0].style.width, tiles[0].style.height]).toEqual(["0.000%", "6.000%", "39.594%", "47.000%"]);
    expect(texts("#cleanup-family .family-line")).toEqual([
      "+74.8 MB 1 layer debian:bookworm-slim · 217 MB with all built on it",
      "+52.9 MB 2 layers · 142 MB with all built on it",
      "+198 B 1 layer · 58.7 MB with all built on it",
      "+29.4 MB 2 layers fb91ee0c62cc",
      "+29.3 MB 2 layers api:1.3",
      "+30.6 MB 3 layers api:1.4",
      "+4.26 MB 1 layer busybox:1.36",
    ]);
    expect(planRows()).toEqual(["image | fb91ee0c62cc | dangling | 29.4 MB | "]);
    expect(text("#cleanup-totals")).toBe("Frees 29.4 MB of the 240 MB Docker holds: 240 MB → 210 MB");
    expect(byId<HTMLButtonElement>("cleanup-apply").disabled).toBe(false);

    counted(recorded.cleanupCounted);
    await settle();
    expect(text("#cleanup-view .summary")).toBe("");
    expect(cards().slice(4)).toEqual(["Volumes | 2 · 52.4 MB | 1 unused (shown, never removed)", "Build cache | 1.87 GB | 1.6 GB reclaimable"]);
    expect(text("#cleanup-totals")).toBe("Frees 29.4 MB of the 2.11 GB Docker holds: 2.11 GB → 2.08 GB");

  });

  it("plans again when a category is ticked, and when an item is unticked", async () => {
    answer("cleanup_plan", ({ request }: { request: CleanupRequest }) => ({
      ...recorded.cleanupCounted,
      plan: request.policy.unused ? recorded.cleanupPlanUnused : recorded.cleanupCounted.plan,
    }));
    await view.refresh();
    await settle();

    tick(byId<HTMLInputElement>("cleanup-unused"), true);
    await settle(100);
    expect(callsOf("cleanup_plan")).toEqual([]);
    await settle(50);
    expect(lastCall("cleanup_plan").request.policy).toMatchObject({ dangling: true, unused: true });
    expect(planRows()).toEqual([
      "image | api:1.3 | unused | 29.3 MB | ",
      "image | fb91ee0c62cc | dangling | 29.4 MB | ",
      "image | api:1.4 | unused | 83.6 MB | ",
      "image | debian:bookworm-slim | unused | 74.8 MB | ",
    ]);
    expect(text("#cleanup-totals")).toBe("Frees 217 MB of the 2.11 GB Docker holds: 2.11 GB → 1.9 GB");

    tick(find<HTMLInputElement>('#cleanup-plan .plan-row[data-index="2"] input'), false);
    await settle();
    expect(lastCall("cleanup_plan").request.policy.excluded).toEqual([API14]);
  });

  it("says why an image or container picked by hand stays", async () => {
    answer("cleanup_plan", ({ request }: { request: CleanupRequest }) => ({
      ...recorded.cleanupCounted,
      plan: request.policy.chosen.includes("web") ? recorded.cleanupPlanPicked : recorded.cleanupCounted.plan,
    }));
    await view.refresh();
    await settle();

    const pick = byId<HTMLInputElement>("cleanup-pick");
    type(pick, "web");
    press(pick, "Enter");
    await settle();
    expect(lastCall("cleanup_plan").request.policy.chosen).toEqual(["web"]);
    expect(pick.value).toBe("");
    expect(texts("#cleanup-plan > .muted")).toEqual(["kept web: it is running"]);
  });

  it("adds an image to the plan when its tile is clicked, and takes a planned one out", async () => {
    answer("cleanup_plan", recorded.cleanupCounted);
    await view.refresh();
    await settle();

    find<HTMLButtonElement>(`#cleanup-treemap .treemap-tile[data-id="${API14}"]`).click();
    await settle();
    expect(lastCall("cleanup_plan").request.policy).toMatchObject({ chosen: [API14], excluded: [] });
    expect(find(`#cleanup-treemap .treemap-tile[data-id="${API14}"]`).classList.contains("picked")).toBe(true);

    find<HTMLButtonElement>(`#cleanup-treemap .treemap-tile[data-id="${DANGLING}"]`).click();
    await settle();
    expect(lastCall("cleanup_plan").request.policy).toMatchObject({ chosen: [API14], excluded: [DANGLING] });
    expect(find(`#cleanup-treemap .treemap-tile[data-id="${DANGLING}"]`).classList.contains("excluded")).toBe(true);
  });

  it("applies the plan once confirmed, item by item, then reads the daemon again", async () => {
    let finish: (report: typeof recorded.cleanupApplyReport) => void = () => undefined;
    answer("cleanup_apply", () => new Promise((resolve) => (finish = resolve)));
    await view.refresh();
    await settle();

    byId("cleanup-apply").click();
    await settle();
    expect(text(".dialog h2")).toBe("Apply the cleanup plan?");
    expect(text(".dialog p")).toBe(
      "1 item will be removed, freeing 29.4 MB: fb91ee0c62cc (29.4 MB). Each image is checked again right before it goes: one a container uses by then is kept. Nothing is saved first.",
    );
    byId("confirm-action").click();
    await settle();
    expect(lastCall("cleanup_apply")).toMatchObject({ saveTo: null, request: { policy: { dangling: true } } });
    expect(byId("cleanup-cancel").hidden).toBe(false);
    expect(byId<HTMLButtonElement>("cleanup-apply").disabled).toBe(true);

    const events = channelOf<ApplyEvent>("cleanup_apply", "onEvent");
    events.onmessage(recorded.cleanupApplyEvents[0]);
    expect(planRows()).toEqual(["image | fb91ee0c62cc | dangling | 29.4 MB | removing…"]);
    events.onmessage(recorded.cleanupApplyEvents[1]);
    expect(planRows()).toEqual(["image | fb91ee0c62cc | dangling | 29.4 MB | removed"]);
    expect(find("#cleanup-plan .plan-status").dataset.outcome).toBe("removed");

    // The daemon is read again; counting volumes and build cache takes it a while.
    answer("cleanup_survey", recorded.cleanupAfterApply);
    answer("cleanup_count_all", () => new Promise(() => undefined));
    finish(recorded.cleanupApplyReport);
    await settle();
    expect(text("#cleanup-result")).toBe("Removed 1, kept 0, failed 0 — freed 29.4 MB.");
    expect(byId("cleanup-cancel").hidden).toBe(true);
    expect(callsOf("cleanup_survey")).toHaveLength(2);
    expect(cards()[2]).toBe("Containers | 3 · 18.4 MB | 1 stopped · 18.4 MB");
    expect(texts("#cleanup-plan > .muted")).toEqual([
      "Nothing to remove with these choices. Tick a category, set a retention rule, or click an image in the treemap.",
    ]);
    expect(byId<HTMLButtonElement>("cleanup-apply").disabled).toBe(true);
  });

  it("lists what the apply did once the daemon is read again, and no outcome on the new plan's rows", async () => {
    const api13 = recorded.cleanupPlanUnused.items[0];
    const dangling = recorded.cleanupSurvey.plan.items[0];
    const twoItems = { ...recorded.cleanupSurvey.plan, items: [dangling, api13] };
    answer("cleanup_survey", { ...recorded.cleanupSurvey, plan: twoItems });
    answer("cleanup_count_all", { ...recorded.cleanupCounted, plan: twoItems });
    const refused = 'the daemon answered 409: conflict: unable to remove repository reference "api:1.3" (must force) - container 4b1f0e2d9c3a is using its referenced image 7c37486b8ea2';
    answer("cleanup_apply", ({ onEvent }: { onEvent: { onmessage: (event: ApplyEvent) => void } }) => {
      onEvent.onmessage({ kind: "finished", index: 0, outcome: { outcome: "removed", bytes_freed: dangling.bytes_freed, archive: null } });
      onEvent.onmessage({ kind: "finished", index: 1, outcome: { outcome: "failed", error: refused } });
      return { ...recorded.cleanupApplyReport, outcomes: [], removed: 1, failed: 1 };
    });
    await view.refresh();
    await settle();
    byId("cleanup-apply").click();
    await settle();
    // Read again after the apply, api:1.3 is still there, first in the new plan: it was not the
    // item removed.
    answer("cleanup_survey", { ...recorded.cleanupAfterApply, plan: { ...recorded.cleanupAfterApply.plan, items: [api13] } });
    answer("cleanup_count_all", { ...recorded.cleanupAfterApply, plan: { ...recorded.cleanupAfterApply.plan, items: [api13] }, counted: true });
    byId("confirm-action").click();
    await settle();
    expect(texts("#cleanup-done li")).toEqual(["fb91ee0c62cc: removed", `api:1.3: failed: ${refused}`]);
    expect(find("#cleanup-result").classList.contains("error-text")).toBe(true);
    expect(planRows()).toEqual(["image | api:1.3 | unused | 29.3 MB | "]);
  });

  it("removes nothing when the confirmation is cancelled", async () => {
    await view.refresh();
    await settle();
    byId("cleanup-apply").click();
    await settle();
    find<HTMLButtonElement>(".dialog button:not(#confirm-action)").click();
    await settle();
    expect(callsOf("cleanup_apply")).toEqual([]);
  });

  it("says when the daemon holds nothing", async () => {
    answer("cleanup_survey", recorded.cleanupEmpty);
    answer("cleanup_count_all", recorded.cleanupEmpty);
    await view.refresh();
    expect(byId("cleanup-empty").hidden).toBe(false);
    expect(text("#cleanup-empty")).toBe("No images or containers on this daemon yet: nothing takes space. Build or pull an image and it shows here.");
    expect(find("#cleanup-view .cleanup-body").hidden).toBe(true);
  });

  it("explains a survey that failed, and tries again on the next visit", async () => {
    fail("cleanup_survey", {
      code: "daemon-unreachable",
      message: "cannot reach the daemon at unix:///var/run/docker.sock: error trying to connect: Connection refused (os error 111)",
      hint: "Start Docker (`sudo systemctl start docker`, or open Docker Desktop), set DOCKER_HOST, or pick another endpoint.",
    });
    await view.refresh();
    expect(byId("cleanup-empty").hidden).toBe(false);
    expect(text("#cleanup-empty")).toBe(
      "cannot reach the daemon at unix:///var/run/docker.sock: error trying to connect: Connection refused (os error 111). Start Docker (`sudo systemctl start docker`, or open Docker Desktop), set DOCKER_HOST, or pick another endpoint.",
    );
    expect(find("#cleanup-view .cleanup-body").hidden).toBe(true);
    expect(callsOf("cleanup_count_all")).toEqual([]);

    answer("cleanup_survey", recorded.cleanupSurvey);
    await view.refresh();
    expect(byId("cleanup-empty").hidden).toBe(true);
    expect(planRows()).toEqual(["image | fb91ee0c62cc | dangling | 29.4 MB | "]);
  });

  it("keeps the survey and says so when volumes and build cache cannot be counted", async () => {
    fail("cleanup_count_all", { code: "daemon-refused", message: "the daemon answered 500: a disk usage operation is already running", hint: "The daemon refused the request; its message says why." });
    await view.refresh();
    expect(text("#cleanup-view .summary")).toBe("Volumes and build cache could not be counted: the daemon answered 500: a disk usage operation is already running");
    expect(cards().slice(4)).toEqual(["Volumes | counting… | ", "Build cache | counting… | "]);
  });

  it("reports a plan the engine refuses", async () => {
    await view.refresh();
    await settle();
    fail("cleanup_plan", { code: "invalid-input", message: "`keep-newst` is not a rule (use keep-newest:N, older-than:DAYS, keep-tag:PATTERN)", hint: "Write one rule a line: app=keep-newest:3,older-than:30,keep-tag:v*" });
    type(byId<HTMLTextAreaElement>("cleanup-repository-rules"), "api=keep-newst:2");
    await settle(150);
    expect(lastCall("cleanup_plan").request.repository_rules).toBe("api=keep-newst:2");
    expect(report).toHaveBeenCalledWith(
      "`keep-newst` is not a rule (use keep-newest:N, older-than:DAYS, keep-tag:PATTERN)",
      "Write one rule a line: app=keep-newest:3,older-than:30,keep-tag:v*",
    );
  });

  it("gives an image in use its full size, and says in the card what the figure counts", async () => {
    // busybox (1.99 MB) shares its base layer with images the daemon also holds: 120 kB is its
    // own, 284 kB its share of the disk, which moves when those others come and go.
    const shared: CleanupData = structuredClone(recorded.cleanupSurvey);
    Object.assign(shared.space.categories[0], { size: 1_990_000, unique: 120_000, attributed: 284_000 });
    answer("cleanup_survey", shared);
    answer("cleanup_count_all", shared);
    await view.refresh();
    await settle();

    expect(cards()[0]).toBe("Images in use | 1 · 1.99 MB | never removed");
    const card = find<HTMLElement>("#cleanup-cards .cleanup-card");
    expect(card.title).toBe(
      "1.99 MB: every layer of these images, a layer they share counted once (one image: its full size).\n" +
        "120 kB of it is no other image's; their share of the disk, shared layers split among all their users: 284 kB.",
    );
  });

  it("lays out the treemap beside the plan, or above it, scaled to its column", async () => {
    let resized: () => void = () => undefined;
    vi.stubGlobal(
      "ResizeObserver",
      class {
        constructor(callback: () => void) {
          resized = callback;
        }
        observe(): void {}
      },
    );
    const narrow = new CleanupView(report);
    narrow.element.hidden = false;
    mount(narrow.element);
    // The engine draws at the width asked for.
    answer("cleanup_plan", ({ request }: { request: CleanupRequest }) => ({ ...recorded.cleanupCounted, treemap: { ...recorded.cleanupCounted.treemap, width: request.width } }));
    await narrow.refresh();
    await settle();

    const body = narrow.element.querySelector(".cleanup-body")!;
    expect([...body.children].map((column) => column.className)).toEqual(["cleanup-left", "cleanup-right"]);
    expect(body.querySelector(".cleanup-left #cleanup-treemap .treemap-picture svg")).not.toBeNull();
    expect(body.querySelector(".cleanup-right #cleanup-plan")).not.toBeNull();
    for (const tile of narrow.element.querySelectorAll<HTMLElement>(".treemap-tile")) {
      for (const place of [tile.style.left, tile.style.top, tile.style.width, tile.style.height]) expect(place).toMatch(/^[\d.]+%$/);
    }

    // The columns stacked at 900 px: the treemap's column is now 656 px, and it is drawn for that.
    const treemap = narrow.element.querySelector<HTMLElement>("#cleanup-treemap")!;
    const widen = async (width: number) => {
      Object.defineProperty(treemap, "clientWidth", { value: width, configurable: true });
      resized();
      await settle(150);
    };
    await widen(656);
    expect(callsOf("cleanup_plan").map((call) => call.request.width)).toEqual([656]);
    await widen(660); // a few pixels: the picture scales, no new drawing
    await widen(400);
    expect(callsOf("cleanup_plan").map((call) => call.request.width)).toEqual([656, 400]);
    vi.unstubAllGlobals();
    narrow.element.remove();
  });

  it("draws the treemap again in the theme the window switches to", async () => {
    answer("cleanup_plan", recorded.cleanupCounted);
    await view.refresh();
    await settle();
    applyTheme("dark");
    await settle();
    expect(lastCall("cleanup_plan").request.theme).toBe("dark");
    applyTheme("system");
    await settle();
    expect(lastCall("cleanup_plan").request.theme).toBe("light");
  });
});
