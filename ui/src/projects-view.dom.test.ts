// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProjectEvent, ProjectSummary } from "./api";
import * as recorded from "./fixtures";
import { ProjectsView } from "./projects-view";
import { byId, choose, find, mount, settle, text, texts, tick, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, channelOf, fail, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

const API = "/home/dev/src/api";
const WORKER = "/home/dev/src/worker";

function stages(): string[] {
  return [...document.querySelectorAll<HTMLElement>("#project-stages .stage")].map((chip) => `${chip.dataset.stage} ${chip.dataset.state}`);
}

/** The builds of the recorded history, as the trend's columns stand for them. */
const BUILDS = recorded.projectHistory.map((record) => record.started);
const NO_CHARTS = { shown: null, timeline: null, cached_steps: [0, 0] as [number, number], trend: null, trend_builds: [] };

/** What project_build_charts answers: a timeline naming the build shown, and a trend of four columns. */
function charts(shown: number | null) {
  const picked = shown ?? BUILDS[BUILDS.length - 1];
  return {
    shown: picked,
    timeline: `<svg width="720" height="188" viewBox="0 0 720 188"><text>timeline of ${picked}</text></svg>`,
    cached_steps: (picked === BUILDS[3] ? [4, 5] : [0, 5]) as [number, number],
    trend: { svg: '<svg width="720" height="260" viewBox="0 0 720 260"></svg>', width: 720, height: 260, columns: BUILDS.map((_, i) => ({ x: 72 + 160 * i, y: 0, w: 160, h: 260 })) },
    trend_builds: BUILDS,
  };
}

function field(id: string): HTMLInputElement {
  return byId<HTMLInputElement>(id);
}

describe("the Projects screen", () => {
  let report: ReturnType<typeof vi.fn>;
  let view: ProjectsView;
  /** What project_list answers: the recording, with the api folder building or not. */
  let list: ProjectSummary[];

  beforeEach(() => {
    useRecordedClock();
    list = structuredClone(recorded.projects);
    answer("project_events", null);
    answer("project_list", () => list);
    answer("project_history", ({ folder }: { folder: string }) => (folder === API ? recorded.projectHistory : []));
    answer("project_build_charts", ({ folder, shown }: { folder: string; shown: number | null }) => (folder === API ? charts(shown) : NO_CHARTS));
    report = vi.fn();
    view = new ProjectsView(report);
    mount(view.element);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
  });

  /** Sends the engine's project events, as project_events streams them. */
  async function stream(events: ProjectEvent[]): Promise<void> {
    const channel = channelOf<ProjectEvent>("project_events", "onEvent");
    for (const event of events) {
      channel.onmessage(event);
      await settle(500);
    }
  }

  it("lists the projects with their last build, and shows the first one's pipeline, settings and builds", async () => {
    await view.refresh();

    expect([...document.querySelectorAll<HTMLElement>(".project-row")].map((row) => [row.dataset.state, ...[...row.children].map((part) => part.textContent)])).toEqual([
      ["watching", "", "api", "✓ 2 hours ago · watching", API],
      ["new", "", "registry.example.com:5000/team/worker", "not built yet", WORKER],
    ]);
    expect(find(".project-row.selected").dataset.folder).toBe(API);
    expect(byId("projects-empty").hidden).toBe(true);
    expect(find("#projects-view .projects-body").hidden).toBe(false);

    expect(text("#project-detail h2")).toBe("api");
    expect(byId<HTMLButtonElement>("project-build").disabled).toBe(false);
    expect(byId("project-cancel").hidden).toBe(true);
    expect(field("project-watch").checked).toBe(true);
    expect(stages()).toEqual(["prepare waiting", "build waiting", "verify waiting", "security waiting", "tag waiting", "publish skipped"]);
    // A skipped stage says why; the others have no tooltip.
    expect(find('.stage[data-stage="publish"]').title).toBe("Skipped: Build does not push; Build & push does");
    expect(find('.stage[data-stage="build"]').title).toBe("");
    expect(find("#project-detail .project-progress").hidden).toBe(true);
    expect(text("#project-result")).toBe("");
    expect(byId("project-log").hidden).toBe(true);

    expect(field("setting-image").value).toBe("api");
    expect(field("setting-tags").value).toBe("dev, {git}");
    expect(field("setting-dockerfile").value).toBe("");
    expect(field("setting-labels").value).toBe("org.opencontainers.image.source=https://git.example.com/team/api");
    expect(field("setting-verify").value).toBe("python3 -c 'import server'");
    expect(field("setting-remove-superseded").checked).toBe(false);

    expect(text("#project-history h3")).toBe("Builds");
    expect([...document.querySelectorAll("#project-history .history-row")].map((row) => `${row.className} | ${row.textContent}`)).toEqual([
      "history-row passed timed | 2 hours ago✓ · 12.9 s (−18.5 s) · 158 MB (+1.22 MB) · 3 files changed",
      "history-row passed timed | 1 day ago✓ · 31.4 s (−17.3 s) · 157 MB (+114 kB) · requirements.txt changed",
      "history-row failed | 2 days ago✗ · 6.2 s · requirements.txt changed · the build failed at Dockerfile line 9: process \"/bin/sh -c python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt\" did not complete successfully: exit code: 1",
      "history-row passed timed | 3 days ago✓ · 48.7 s · 157 MB",
    ]);
    expect(find("#project-history .history-row").title).toBe("server.py\ntemplates/chart.html\ntemplates/index.html\nClick to see where its time went");
  });

  it("shows where the latest build's time went, and another build's when its column or row is clicked", async () => {
    await view.refresh();
    await settle();

    expect(byId("project-times").hidden).toBe(false);
    expect(text("#project-times h3")).toBe("Where the time went");
    expect(text("#project-times .times-heading .muted")).toBe("build of 2 hours ago · 12.9 s · 4 of 5 steps cached");
    expect(text("#project-cache-miss")).toBe("Step 5 (COPY . .) was not cached: server.py and 2 more files changed, and the step after it ran again (10 s).");
    expect(text("#project-timeline")).toBe(`timeline of ${BUILDS[3]}`);
    const columns = [...document.querySelectorAll<HTMLButtonElement>("#project-trend .trend-column")];
    expect(columns.map((c) => [c.dataset.started, c.style.left, c.style.width, c.classList.contains("picked")])).toEqual([
      [String(BUILDS[0]), "10.000%", "22.222%", false],
      [String(BUILDS[1]), "32.222%", "22.222%", false],
      [String(BUILDS[2]), "54.444%", "22.222%", false],
      [String(BUILDS[3]), "76.667%", "22.222%", true],
    ]);
    expect(columns[2].title).toBe("1 day ago: ✓ · 31.4 s (−17.3 s) · 157 MB (+114 kB) · requirements.txt changed\nClick to see its steps");

    columns[2].click();
    await settle();
    expect(callsOf("project_build_charts").slice(-1)[0]).toMatchObject({ folder: API, shown: BUILDS[2], theme: "light" });
    expect(text("#project-cache-miss")).toBe("Step 3 (COPY requirements.txt .) was not cached: requirements.txt changed, and the 3 steps after it ran again (31 s).");
    expect(text("#project-timeline")).toBe(`timeline of ${BUILDS[2]}`);
    expect(find(`#project-trend .trend-column[data-started="${BUILDS[2]}"]`).classList.contains("picked")).toBe(true);

    // The oldest build, from its history row: it had nothing to reuse.
    find(`#project-history .history-row[data-started="${BUILDS[0]}"]`).click();
    await settle();
    expect(text("#project-cache-miss")).toBe("Step 2 (WORKDIR /app) was not cached: there was no earlier timed build to compare with, and the 4 steps after it ran (42 s).");
    // A failed build has no steps: its row opens nothing.
    expect(document.querySelector(`#project-history .history-row[data-started="${BUILDS[1]}"]`)).toBeNull();
  });

  it("shows the steps a failed build went through", async () => {
    const failed = { ...recorded.projectHistory[1], steps: [{ index: 1, stage: null, instruction: "RUN pip install -r requirements.txt", started: 0, seconds: 6.1, cached: false, changed_files: [], changed_count: 0 }] };
    answer("project_history", () => [failed]);
    answer("project_build_charts", () => ({ ...charts(failed.started), trend: null, trend_builds: [failed.started], cached_steps: [0, 1] }));
    await view.refresh();
    await settle();
    expect(text("#project-times .error-text")).toBe(`It failed after 1 step: ${failed.error}`);
    expect(find("#project-history .history-row.failed").classList.contains("timed")).toBe(true);
  });

  it("says so when the build charts cannot be drawn, and hides them for a project never timed", async () => {
    fail("project_build_charts", { code: "internal", message: "the chart could not be drawn: no font", hint: "" });
    await view.refresh();
    await settle();
    expect(text("#project-times")).toBe("The build charts cannot be drawn: the chart could not be drawn: no font");
    answer("project_build_charts", NO_CHARTS);
    find(`.project-row[data-folder="${WORKER}"]`).click();
    await settle();
    expect(byId("project-times").hidden).toBe(true);
  });

  it("shows another project when it is clicked", async () => {
    await view.refresh();
    find(`.project-row[data-folder="${WORKER}"]`).click();
    await settle();

    expect(find(".project-row.selected").dataset.folder).toBe(WORKER);
    expect(text("#project-detail h2")).toBe("registry.example.com:5000/team/worker");
    expect(field("project-watch").checked).toBe(false);
    expect(field("setting-dockerfile").value).toBe("docker/Dockerfile");
    expect(field("setting-target").value).toBe("runtime");
    expect(field("setting-build-args").value).toBe("PYTHON_VERSION=3.11");
    expect(field("setting-remove-superseded").checked).toBe(true);
    expect(texts("#project-history > *")).toEqual(["Builds", "No builds yet."]);
    expect(stages()[2]).toBe("verify skipped"); // it has no verify command
  });

  it("builds on Build and follows the pipeline the engine streams, to what the build changed", async () => {
    const finished = recorded.buildEvents.find((event) => event.kind === "finished");
    answer("project_build", finished?.kind === "finished" ? finished.record : null);
    await view.refresh();

    byId("project-build").click();
    await settle();
    expect(callsOf("project_build")).toEqual([{ folder: API, publish: false }]);

    list[0].building = true;
    await stream(recorded.buildEvents.slice(0, 4));
    expect(byId<HTMLButtonElement>("project-build").disabled).toBe(true);
    expect(byId("project-cancel").hidden).toBe(false);
    expect(stages()).toEqual(["prepare done", "build current", "verify waiting", "security waiting", "tag waiting", "publish skipped"]);
    expect(find("#project-detail .project-progress").hidden).toBe(false);
    expect(text("#project-step")).toBe("step 7/8: COPY . /app · 2 s");
    expect(byId<HTMLProgressElement>("project-progress").value).toBe(7);

    await stream(recorded.buildEvents.slice(4, 6));
    expect(text("#project-log")).toBe("Step 7/8 : COPY . /app\n#11 [7/8] COPY . /app\n#11 DONE 0.1s");

    list[0].building = false;
    list[0].last = recorded.projectHistory[0];
    await stream(recorded.buildEvents.slice(6));
    expect(stages()).toEqual(["prepare done", "build done", "verify done", "security done", "tag done", "publish skipped"]);
    expect(text("#project-step")).toBe("Done");
    expect(find("#project-result").className).toBe("project-result passed");
    expect(texts("#project-result > *")).toEqual([
      "Built fd4a49d34333 in 11.9 s (+0.7 s) · 158 MB (+4.1 kB)",
      "Context: 152 files, 3.12 MB",
      "Tagged api:dev, api:5e1f0c2",
      "+4.1 kB in layer 6: COPY . /app # buildkit",
      "Verified in 0.8 s: python3 -c 'import server'",
    ]);
  });

  it("shows why a build failed and what to do", async () => {
    await view.refresh();
    await stream(recorded.failedEvents);

    expect(stages()).toEqual(["prepare done", "build done", "verify failed", "security waiting", "tag waiting", "publish skipped"]);
    expect(text("#project-step")).toBe("Stopped");
    expect(byId("project-progress").dataset.state).toBe("failed");
    expect(find("#project-result").className).toBe("project-result failed");
    expect(texts("#project-result > *")).toEqual([
      "verification failed with exit code 1: ModuleNotFoundError: No module named 'server'",
      "The new image was built but not tagged; fix it (or the verify command) and build again.",
    ]);
  });

  it("stops watching when the box is unticked, and says why the engine stopped on its own", async () => {
    answer("project_watch", null);
    await view.refresh();
    tick(field("project-watch"), false);
    await settle();
    expect(callsOf("project_watch")).toEqual([{ folder: API, on: false }]);

    await stream([{ kind: "watching", folder: API, on: false, reason: `${API} is gone`, sync: null }]);
    expect(report).toHaveBeenCalledWith(`Stopped watching: ${API} is gone`);
  });

  it("shows an edit synced into the container in the log and the history, and a rebuild's reason", async () => {
    await view.refresh();
    const synced = {
      started: 1_700_000_000, seconds: 0.012, passed: true, image_id: null, tags: [], size_bytes: null, size_delta_bytes: null,
      seconds_delta: null, layer_changes: [], trigger: { paths: ["src/app.js"], count: 1, reason: null }, error: null,
      synced: { container: "web", copied: 1, removed: 0, links_not_followed: [], then: null, millis: 12, summary: "synced 1 file into web (12 ms)" },
      steps: [], cache_miss: null, hint: null,
    };
    answer("project_history", () => [...recorded.projectHistory, synced]);
    await stream([
      { kind: "watching", folder: API, on: true, reason: null, sync: "compose.yaml, service web" },
      { kind: "synced", folder: API, record: synced, not_saved: null },
    ]);
    expect(text("#project-log")).toBe("Live sync: the watch rules of compose.yaml, service web\nsynced 1 file into web (12 ms): src/app.js");
    const row = find("#project-history .history-row");
    expect(`${row.className} | ${row.textContent}`).toContain("history-row synced | ");
    expect(row.textContent).toContain("⇄ synced 1 file into web (12 ms)");
    await stream([{ kind: "started", folder: API, trigger: { paths: ["Dockerfile"], count: 1, reason: "Dockerfile changed" } }]);
    expect(text("#project-log")).toBe("Rebuilding: Dockerfile changed");
  });

  it("says when a build or a sync could not be kept in the history, and why", async () => {
    await view.refresh();
    const image = recorded.projects.find((summary) => summary.project.folder === API)?.project.image;
    const notSaved = {
      code: "file-system" as const,
      message: "/home/dev/.config/strata/history/3f2a.json cannot be written: Permission denied (os error 13)",
      hint: "Check that Strata's config folder (STRATA_CONFIG_DIR, else the user's config folder) can be written and its disk has space; a damaged file can be deleted.",
    };
    const finished = recorded.buildEvents.find((event) => event.kind === "finished")!;
    await stream([{ ...finished, folder: API, not_saved: notSaved }]);
    expect(report).toHaveBeenCalledWith(`This build of ${image} is not in its history: ${notSaved.message}`, notSaved.hint);
  });

  it("reports a watch the engine cannot start", async () => {
    fail("project_watch", {
      code: "file-system",
      message: "/home/dev/src/worker cannot be watched: inotify watch limit reached",
      hint: "Check the folder and the Dockerfile path, and that the files are readable.",
    });
    await view.refresh();
    find(`.project-row[data-folder="${WORKER}"]`).click();
    await settle();
    tick(field("project-watch"), true);
    await settle();
    expect(report).toHaveBeenCalledWith(
      "/home/dev/src/worker cannot be watched: inotify watch limit reached",
      "Check the folder and the Dockerfile path, and that the files are readable.",
    );
  });

  it("saves the settings typed, and refuses build args that are not KEY=value", async () => {
    answer("project_save", null);
    await view.refresh();
    type(field("setting-tags"), "dev, latest");
    type(field("setting-build-args"), "PIP_INDEX_URL=https://pypi.example.com/simple\n\nDEBUG=0");
    expect(byId<HTMLSelectElement>("setting-vulns").value).toBe("off");
    choose(byId<HTMLSelectElement>("setting-vulns"), "high");
    byId("setting-save").click();
    await settle();
    expect(callsOf("project_save")).toEqual([
      {
        project: {
          ...recorded.projects[0].project,
          tags: ["dev", "latest"],
          build_args: { PIP_INDEX_URL: "https://pypi.example.com/simple", DEBUG: "0" },
          vulns_fail_on: "high",
        },
      },
    ]);
    expect(report).toHaveBeenCalledWith("Saved the settings of api.");

    type(field("setting-build-args"), "DEBUG");
    byId("setting-save").click();
    await settle();
    expect(report).toHaveBeenLastCalledWith('"DEBUG" is not KEY=value', "Write one KEY=value a line.");
    expect(callsOf("project_save")).toHaveLength(1);
  });

  it("edits the watch rules and the container to sync into, and shows a rule the engine refuses", async () => {
    answer("project_save", null);
    list[0].project.watch_rules = [{ action: "sync+exec", path: "src", target: "/app/src", ignore: ["*.tmp"], exec: ["sh", "-c", "kill -HUP 1"], initial_sync: false }];
    await view.refresh();
    const rows = () => [...document.querySelectorAll<HTMLElement>("#setting-watch-rules .rule-row")];
    const part = (row: HTMLElement, name: string) => find<HTMLInputElement>(`[name='${name}']`, row);
    expect(rows()).toHaveLength(1);
    expect([part(rows()[0], "action").value, part(rows()[0], "path").value, part(rows()[0], "target").value, part(rows()[0], "ignore").value, part(rows()[0], "exec").value])
      .toEqual(["sync+exec", "src", "/app/src", "*.tmp", "sh -c 'kill -HUP 1'"]);

    byId("setting-add-rule").click();
    const added = rows()[1];
    expect(part(added, "exec").hidden).toBe(true);
    type(part(added, "path"), "requirements.txt");
    choose(find<HTMLSelectElement>("[name='action']", added), "rebuild");
    expect(part(added, "target").hidden).toBe(true);
    type(part(rows()[0], "exec"), "nginx -s reload");
    type(field("setting-sync-container"), "api-dev");
    byId("setting-save").click();
    await settle();
    expect(callsOf("project_save")[0].project).toMatchObject({
      sync_container: "api-dev",
      watch_rules: [
        { action: "sync+exec", path: "src", target: "/app/src", ignore: ["*.tmp"], exec: "nginx -s reload", initial_sync: false },
        { action: "rebuild", path: "requirements.txt", target: null, ignore: [], exec: null, initial_sync: false },
      ],
    });

    find<HTMLButtonElement>(".rule-remove", rows()[1]).click();
    expect(rows()).toHaveLength(1);
    fail("project_save", { code: "invalid-input", message: "the project's settings: watch rule 1 (src): sync+exec needs a command to run", hint: "Fix the rule." });
    type(part(rows()[0], "exec"), "");
    byId("setting-save").click();
    await settle();
    expect(report).toHaveBeenLastCalledWith("the project's settings: watch rule 1 (src): sync+exec needs a command to run", "Fix the rule.");
  });

  it("says how to add a project when there is none", async () => {
    list = [];
    await view.refresh();
    expect(byId("projects-empty").hidden).toBe(false);
    expect(text("#projects-empty h2")).toBe("No projects yet");
    expect(find("#projects-view .projects-body").hidden).toBe(true);
  });

  it("hands a failed listing to the window", async () => {
    const failure = { code: "file-system", message: "/home/dev/.config/strata/projects.json cannot be read: Permission denied (os error 13)", hint: "" };
    fail("project_list", failure);
    await expect(view.refresh()).rejects.toEqual(failure);
    expect(document.querySelectorAll(".project-row")).toHaveLength(0);
  });
});
