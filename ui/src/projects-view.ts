// The Projects screen: project folders built into images. The list of projects sits beside the
// selected one: its pipeline (prepare → build → verify → tag → publish) as it runs, the builder's
// log, what the last build changed, its settings and its build history. Builds and watches run in
// the engine; this file draws what it reports and sends the user's choices back.
import { api, asUiError, BuildRecord, UiError, PipelineOutcome, Project, ProjectEvent, ProjectSummary, SyncAction, SyncRule, VulnSeverity } from "./api";
import { button, element, withCode } from "./dom";
import { counted, formatAgo, formatSize, signedSeconds, signedSize } from "./format";
import { onThemeChange, shownTheme } from "./theme";

const STAGES = ["prepare", "build", "verify", "security", "tag", "publish"] as const;

/** The *verify security* stage's choices, as the project keeps them. */
const AUDIT_POLICIES: [string, string][] = [
  ["secrets", "Fail on any secret"],
  ["critical", "Fail on critical findings"],
  ["high", "Fail on high or worse"],
  ["medium", "Fail on medium or worse"],
  ["low", "Fail on low or worse"],
  ["never", "Report only"],
  ["off", "Off"],
];
/** The vulnerability gate's choices: the lowest severity that fails the build. */
const VULN_THRESHOLDS: [VulnSeverity | "off", string][] = [
  ["off", "Off"],
  ["critical", "Fail on critical"],
  ["high", "Fail on high or worse"],
  ["medium", "Fail on medium or worse"],
  ["low", "Fail on low or worse"],
];
/** Live sync's actions, in compose's words. */
const SYNC_ACTIONS: [SyncAction, string][] = [
  ["sync", "sync"],
  ["sync+restart", "sync + restart"],
  ["sync+exec", "sync + exec"],
  ["rebuild", "rebuild"],
];
/** Log lines kept per project (the end of a long build). */
const LOG_LINES = 2000;

/** "KEY=value" lines as a map; blank lines skipped, a line without `=` refused. */
export function parsePairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    if (at <= 0) throw new Error(`"${line}" is not KEY=value`);
    pairs[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return pairs;
}

export function pairsText(pairs: Record<string, string>): string {
  return Object.entries(pairs).map(([key, value]) => `${key}=${value}`).join("\n");
}

/** One history line: "✓ 4.2 s · 12 MB (+1.2 MB) · 3 files changed", "⇄ synced 3 files into web
 * (84 ms)", or "✓ 9.1 s · rebuilt: package.json changed". */
export function recordText(record: BuildRecord): string {
  if (record.synced) return `⇄ ${record.synced.summary}`;
  const slower = record.seconds_delta === null ? "" : ` (${signedSeconds(record.seconds_delta)})`;
  const parts = [record.passed ? "✓" : "✗", `${record.seconds.toFixed(1)} s${slower}`];
  if (record.size_bytes !== null) parts.push(formatSize(record.size_bytes) + (record.size_delta_bytes ? ` (${signedSize(record.size_delta_bytes)})` : ""));
  if (record.trigger?.reason) parts.push(`rebuilt: ${record.trigger.reason}`);
  else if (record.trigger) parts.push(record.trigger.count === 1 ? `${record.trigger.paths[0]} changed` : `${record.trigger.count} files changed`);
  if (record.error) parts.push(record.error);
  return parts.join(" · ");
}

/** A command's words as one line a shell splits back into them: a word with anything a shell
 * reads specially in it is put in single quotes (a quote in it as '\''). */
export function commandLine(words: string[] | string | null): string {
  if (words === null) return "";
  if (typeof words === "string") return words;
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** A labelled checkbox: the label (to place) and the box (to read). */
function toggle(checked: boolean, words: string): [HTMLLabelElement, HTMLInputElement] {
  const label = element("label", "toggle");
  const box = element("input");
  box.type = "checkbox";
  box.checked = checked;
  label.append(box, words);
  return [label, box];
}

/** The state of each stage chip, given the stage running (or where it stopped); a project with
 * no verify command skips verification, one with no audit policy the security stage, and one not
 * publishing skips publish. */
export function stageStates(current: string | null, finished: "passed" | "failed" | null, publishing: boolean, verifying = true, auditing = true): Record<string, string> {
  const states: Record<string, string> = {};
  const at = current ? STAGES.indexOf(current as (typeof STAGES)[number]) : -1;
  STAGES.forEach((stage, index) => {
    if (stage === "publish" && !publishing) states[stage] = "skipped";
    else if (stage === "verify" && !verifying) states[stage] = "skipped";
    else if (stage === "security" && !auditing) states[stage] = "skipped";
    else if (finished === "passed") states[stage] = "done";
    else if (index < at) states[stage] = "done";
    else if (index === at) states[stage] = finished === "failed" ? "failed" : "current";
    else states[stage] = "waiting";
  });
  return states;
}

/** Why a stage is skipped, for its chip's tooltip. */
const SKIPPED_BECAUSE: Record<string, string> = {
  verify: "Skipped: no verify command (Settings)",
  security: "Skipped: no security policy (Settings: Verify security)",
  publish: "Skipped: Build does not push; Build & push does",
};

/** A stage chip drawn in `state`, a skipped one saying why. */
function markStage(chip: HTMLElement, state: string): void {
  chip.className = `stage ${state}`;
  chip.dataset.state = state;
  chip.title = state === "skipped" ? (SKIPPED_BECAUSE[chip.dataset.stage ?? ""] ?? "Skipped") : "";
}

/** What the window remembers of a project's current or last build. */
interface Run {
  log: string[];
  stage: string | null;
  step: { number: number; total: number; instruction: string } | null;
  started: number;
  finished: "passed" | "failed" | null;
  publishing: boolean;
  outcome: PipelineOutcome | null;
  record: BuildRecord | null;
  error: { message: string; hint: string } | null;
}

export class ProjectsView {
  readonly element = element("section", "view");
  private readonly addButton = button("Add a folder…", "project-add", () => void this.choose(), "Pick a folder with a Dockerfile");
  private readonly list = element("div", "project-list");
  private readonly detail = element("div", "project-detail");
  private readonly empty = element("div", "empty-state");
  private readonly body = element("div", "projects-body");
  private projects: ProjectSummary[] = [];
  private selected: string | null = null;
  private readonly runs = new Map<string, Run>();
  private timer = 0;
  private settingsOpen = false;
  /** The build whose timeline each project shows (by its start; absent: the latest). */
  private readonly shownBuild = new Map<string, number>();

  constructor(private readonly report: (message: string, hint?: string) => void) {
    this.element.id = "projects-view";
    const toolbar = element("div", "toolbar");
    toolbar.append(this.addButton, element("span", "muted", "or drop a folder or a Dockerfile on the window"));
    this.empty.id = "projects-empty";
    this.empty.innerHTML =
      "<h2>No projects yet</h2><p>Add a folder with a Dockerfile (<b>Add a folder…</b> above), or drop the folder (or the Dockerfile) " +
      "anywhere on this window: Strata builds it, and can rebuild it on every change.</p>";
    this.list.id = "project-list";
    this.list.tabIndex = 0;
    this.list.addEventListener("keydown", (e) => this.onListKey(e));
    this.detail.id = "project-detail";
    this.body.append(this.list, this.detail);
    // No projects until the first list says otherwise (a first empty list draws nothing new).
    this.body.hidden = true;
    this.element.append(toolbar, this.empty, this.body);
    this.element.addEventListener("keydown", (e) => {
      if (e.ctrlKey && e.key.toLowerCase() === "b" && this.selected) {
        e.preventDefault();
        void this.build(false);
      }
    });
    api.projectEvents((event) => this.onEvent(event));
    onThemeChange(() => void this.redrawTimes());
    // The charts are drawn at the pane's width: a resized window gets them drawn again.
    let resizing = 0;
    window.addEventListener("resize", () => {
      window.clearTimeout(resizing);
      resizing = window.setTimeout(() => void this.redrawTimes(), 250);
    });
  }

  /** Redraws when the projects changed (or `force`): daemon events call this often, and a redraw
   * would lose what the user is typing in the settings. */
  async refresh(force = false): Promise<void> {
    const projects = await api.projectList();
    const unchanged = JSON.stringify(projects) === JSON.stringify(this.projects);
    this.projects = projects;
    if (unchanged && !force) return;
    if (!this.selected && this.projects.length > 0) this.selected = this.projects[0].project.folder;
    if (this.selected && !this.projects.some((p) => p.project.folder === this.selected)) this.selected = this.projects[0]?.project.folder ?? null;
    this.empty.hidden = this.projects.length > 0;
    this.body.hidden = this.projects.length === 0;
    this.drawList();
    await this.drawDetail();
  }

  focus(): void {
    (this.projects.length ? this.list : this.addButton).focus();
  }

  /** Asks for a folder in the system's file dialog and adds it as a project. */
  private async choose(): Promise<void> {
    try {
      const project = await api.projectChoose();
      if (project === null) return;
      this.selected = project.folder;
      await this.refresh(true);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  /** Adds a project dropped on the window and, when asked, builds it at once. */
  async add(path: string, buildNow = false): Promise<void> {
    try {
      const project = await api.projectAdd(path);
      this.selected = project.folder;
      await this.refresh(true);
      if (buildNow) await this.build(false);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  private summary(): ProjectSummary | undefined {
    return this.projects.find((p) => p.project.folder === this.selected);
  }

  private drawList(): void {
    const rows = this.projects.map((summary) => {
      const row = element("div", "project-row");
      row.dataset.folder = summary.project.folder;
      row.classList.toggle("selected", summary.project.folder === this.selected);
      const state = summary.building ? "building" : summary.watching ? "watching" : summary.last ? (summary.last.passed ? "passed" : "failed") : "new";
      row.dataset.state = state;
      const name = element("div", "project-name", summary.project.image);
      const status = element("div", "muted", summary.building ? "building…" : summary.last ? `${summary.last.passed ? "✓" : "✗"} ${formatAgo(summary.last.started)}${summary.watching ? " · watching" : ""}` : summary.watching ? "watching" : "not built yet");
      const folder = element("div", "project-folder", summary.project.folder);
      row.append(element("span", `dot ${state}`), name, status, folder);
      row.addEventListener("click", () => {
        this.selected = summary.project.folder;
        void this.refresh(true);
      });
      return row;
    });
    this.list.replaceChildren(...rows);
  }

  private onListKey(event: KeyboardEvent): void {
    const index = this.projects.findIndex((p) => p.project.folder === this.selected);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) {
      event.preventDefault();
      const next = this.projects[Math.min(this.projects.length - 1, Math.max(0, index + moves[event.key]))];
      if (next) {
        this.selected = next.project.folder;
        void this.refresh(true);
      }
    } else if (event.key === "Enter") {
      void this.build(false);
    }
  }

  private run(folder: string): Run {
    let run = this.runs.get(folder);
    if (!run) {
      run = { log: [], stage: null, step: null, started: 0, finished: null, publishing: false, outcome: null, record: null, error: null };
      this.runs.set(folder, run);
    }
    return run;
  }

  private async drawDetail(): Promise<void> {
    const summary = this.summary();
    if (!summary) {
      this.detail.replaceChildren();
      return;
    }
    const { project } = summary;
    const run = this.run(project.folder);
    const header = element("div", "project-header");
    const title = element("div", "");
    title.append(element("h2", "", project.image), element("div", "muted", project.folder));
    const actions = element("div", "project-actions");
    const build = button("Build", "project-build", () => void this.build(false), "Build, verify and tag (Ctrl+B)");
    build.classList.add("primary");
    const push = button("Build & push", "project-push", () => void this.build(true), "Build, verify, tag, and push the tags");
    const cancel = button("Cancel", "project-cancel", () => void api.projectCancel(project.folder));
    build.disabled = push.disabled = summary.building;
    cancel.hidden = !summary.building;
    const watch = element("label", "toggle");
    const watchBox = element("input");
    watchBox.type = "checkbox";
    watchBox.id = "project-watch";
    watchBox.checked = summary.watching;
    watchBox.addEventListener("change", () => void this.setWatch(project.folder, watchBox.checked));
    watch.append(watchBox, " Rebuild on change");
    const remove = button("Remove", "project-remove", () => void this.remove(project.folder), "Forget this project (its folder and images stay)");
    actions.append(build, push, cancel, watch, remove);
    header.append(title, actions);

    const stages = element("div", "stages");
    stages.id = "project-stages";
    const states = stageStates(run.stage, run.finished, run.publishing, project.verify !== null, project.audit_fail_on !== null || project.vulns_fail_on !== null);
    for (const stage of STAGES) {
      const chip = element("span", "", stage === "security" ? "verify security" : stage);
      chip.dataset.stage = stage;
      markStage(chip, states[stage]);
      stages.append(chip);
    }
    const progress = element("div", "project-progress");
    const bar = element("progress");
    bar.id = "project-progress";
    if (run.step) {
      bar.max = run.step.total;
      bar.value = run.step.number;
    } else if (run.finished) {
      bar.max = 1;
      bar.value = 1;
    } else bar.removeAttribute("value");
    // A finished run's bar is still, and says how it ended (red when it failed).
    if (run.finished) bar.dataset.state = run.finished;
    const label = element("span", "muted");
    label.id = "project-step";
    label.textContent = this.stepText(run, summary.building);
    progress.append(bar, label);
    progress.hidden = !summary.building && !run.finished;

    const result = element("div", "project-result");
    result.id = "project-result";
    this.drawResult(result, run);
    const log = element("pre", "project-log");
    log.id = "project-log";
    log.textContent = run.log.join("\n");
    log.hidden = run.log.length === 0;
    const history = element("div", "project-history");
    history.id = "project-history";
    const times = element("section", "project-times");
    times.id = "project-times";
    times.hidden = true;
    this.detail.replaceChildren(header, stages, progress, result, times, log, this.settingsForm(project), history);
    log.scrollTop = log.scrollHeight;
    window.clearInterval(this.timer);
    if (summary.building) this.timer = window.setInterval(() => (label.textContent = this.stepText(run, true)), 1000);
    const records = await api.projectHistory(project.folder);
    this.drawHistory(history, project.folder, records);
    await this.drawTimes(times, project.folder, records);
  }

  /** Where the build's time went: why the cache missed, a hint, the steps' timeline, and the
   * trend over the last builds (a click on a build's column shows its timeline). */
  private async drawTimes(box: HTMLElement, folder: string, records: BuildRecord[]): Promise<void> {
    const width = Math.max(480, Math.round((this.detail.clientWidth || 760) - 28));
    let charts;
    try {
      charts = await api.projectBuildCharts(folder, this.shownBuild.get(folder) ?? null, shownTheme(), width);
    } catch (error) {
      box.hidden = false;
      box.replaceChildren(element("div", "error-text", `The build charts cannot be drawn: ${asUiError(error).message}`));
      return;
    }
    box.hidden = charts.timeline === null && charts.trend === null;
    const record = records.find((r) => r.started === charts.shown && !r.synced);
    const heading = element("div", "times-heading");
    heading.append(element("h3", "", "Where the time went"));
    const [cached, steps] = charts.cached_steps;
    if (record) heading.append(element("span", "muted", `build of ${formatAgo(record.started)} · ${record.seconds.toFixed(1)} s · ${cached} of ${counted(steps, "step")} cached`));
    const parts: HTMLElement[] = [heading];
    if (record?.cache_miss) {
      const miss = element("div", "cache-miss", record.cache_miss.summary);
      miss.id = "project-cache-miss";
      parts.push(miss);
    } else if (record && !record.passed) {
      parts.push(element("div", "error-text", `It failed after ${counted(record.steps.length, "step")}: ${record.error ?? ""}`));
    } else if (record) parts.push(element("div", "muted", "Every step came from the cache."));
    if (record?.hint) {
      const hint = withCode("div", "build-hint", `Hint: ${record.hint}`);
      hint.id = "project-hint";
      parts.push(hint);
    }
    if (charts.timeline) {
      const timeline = element("div", "chart-picture");
      timeline.id = "project-timeline";
      timeline.innerHTML = charts.timeline;
      parts.push(timeline);
    }
    if (charts.trend) {
      const trend = charts.trend;
      const picture = element("div", "chart-picture trend-picture");
      picture.id = "project-trend";
      picture.innerHTML = trend.svg;
      const share = (pixels: number, of: number) => `${((100 * pixels) / of).toFixed(3)}%`;
      trend.columns.forEach((column, index) => {
        const started = charts.trend_builds[index];
        const build = records.find((r) => r.started === started && !r.synced);
        const spot = element("button", "trend-column");
        Object.assign(spot.style, { left: share(column.x, trend.width), top: share(column.y, trend.height), width: share(column.w, trend.width), height: share(column.h, trend.height) });
        spot.dataset.started = String(started);
        spot.classList.toggle("picked", started === charts.shown);
        spot.title = `${formatAgo(started)}: ${build ? recordText(build) : ""}\nClick to see its steps`;
        spot.addEventListener("click", () => this.showBuild(folder, started));
        picture.append(spot);
      });
      parts.push(picture);
    }
    box.replaceChildren(...parts);
  }

  /** Shows the timeline of the build that began at `started`. */
  private showBuild(folder: string, started: number): void {
    this.shownBuild.set(folder, started);
    void this.redrawTimes();
  }

  private async redrawTimes(): Promise<void> {
    const box = this.detail.querySelector<HTMLElement>("#project-times");
    // A hidden screen has no width to draw at; it scales what it has until it is shown again.
    if (!box || !this.selected || this.element.closest("[hidden]")) return;
    await this.drawTimes(box, this.selected, await api.projectHistory(this.selected));
  }

  private stepText(run: Run, building: boolean): string {
    const elapsed = run.started ? Math.round((Date.now() - run.started) / 1000) : 0;
    if (!building) return run.finished === "passed" ? "Done" : run.finished === "failed" ? "Stopped" : "";
    const step = run.step ? `step ${run.step.number}/${run.step.total}: ${run.step.instruction}` : run.stage ?? "starting";
    return `${step} · ${elapsed} s`;
  }

  private drawResult(box: HTMLElement, run: Run): void {
    if (run.error) {
      box.className = "project-result failed";
      box.replaceChildren(element("strong", "error-text", run.error.message), withCode("div", "", run.error.hint));
      return;
    }
    const outcome = run.outcome;
    if (!outcome) {
      box.replaceChildren();
      return;
    }
    box.className = "project-result passed";
    const id = outcome.build.image_id.replace("sha256:", "").slice(0, 12);
    const change = outcome.previous ? ` (${signedSize(outcome.size_bytes - outcome.previous.size_bytes)})` : "";
    const lines = [
      element("strong", "", `Built ${id} in ${outcome.build.seconds.toFixed(1)} s${this.slower(run)} · ${formatSize(outcome.size_bytes)}${change}`),
      element("div", "muted", `Context: ${outcome.build.context.files} files, ${formatSize(outcome.build.context.bytes)}`),
    ];
    if (outcome.tags.length) lines.push(element("div", "", `Tagged ${outcome.tags.join(", ")}`));
    for (const layer of outcome.layer_changes.filter((l) => l.delta_bytes !== 0).slice(0, 5)) {
      lines.push(element("div", "layer-change", `${signedSize(layer.delta_bytes)} in layer ${layer.index}: ${layer.command}`));
    }
    if (outcome.verification) lines.push(element("div", "", `Verified in ${outcome.verification.seconds.toFixed(1)} s: ${outcome.verification.command}`));
    for (const pushed of outcome.published) lines.push(element("div", "", `Pushed ${pushed.reference} ${pushed.digest ?? ""}`));
    if (outcome.restarted) lines.push(element("div", "", `Restarted the container ${outcome.restarted[0]}`));
    box.replaceChildren(...lines);
  }

  /** " (+1.3 s)" against the last good build, from the record the engine kept. */
  private slower(run: Run): string {
    const delta = run.record?.seconds_delta;
    if (delta === null || delta === undefined) return "";
    return ` (${signedSeconds(delta)})`;
  }

  private settingsForm(project: Project): HTMLElement {
    const form = element("details", "project-settings");
    form.id = "project-settings";
    form.open = this.settingsOpen;
    form.addEventListener("toggle", () => (this.settingsOpen = form.open));
    form.append(element("summary", "", "Settings"));
    const field = (label: string, id: string, value: string, multiline = false, placeholder = "") => {
      const input = multiline ? element("textarea") : element("input");
      input.id = id;
      input.value = value;
      input.placeholder = placeholder;
      const row = element("label", "field");
      row.append(element("span", "label", label), input);
      form.append(row);
      return input;
    };
    const image = field("Image", "setting-image", project.image);
    const tags = field("Tags", "setting-tags", project.tags.join(", "), false, "dev, {git}");
    const dockerfile = field("Dockerfile", "setting-dockerfile", project.dockerfile ?? "", false, "Dockerfile");
    const context = field("Context", "setting-context", project.context ?? "", false, ". (the folder)");
    const target = field("Target stage", "setting-target", project.target ?? "", false, "(the last stage)");
    const args = field("Build args", "setting-build-args", pairsText(project.build_args), true, "KEY=value, one per line");
    const labels = field("Labels", "setting-labels", pairsText(project.labels), true, "KEY=value, one per line");
    const verify = field("Verify command", "setting-verify", project.verify ?? "", false, 'run in the new image, e.g. app --version or ["/app", "--check"]');
    const restart = field("Restart container", "setting-restart", project.restart_container ?? "", false, "a container to recreate from each new image");
    const syncInto = field("Sync into", "setting-sync-container", project.sync_container ?? "", false, "a running container for live sync (default: the restart container)");
    const rules = this.rulesEditor(project.watch_rules);
    form.append(rules.element);
    const [superseded, supersededBox] = toggle(project.remove_superseded, " Remove the image a build replaces (when nothing uses it)");
    supersededBox.id = "setting-remove-superseded";
    const choice = (label: string, id: string, options: [string, string][], value: string, title: string) => {
      const select = element("select");
      select.id = id;
      for (const [option, text] of options) select.append(new Option(text, option));
      select.value = value;
      select.title = title;
      const row = element("label", "field");
      row.append(element("span", "label", label), select);
      return { row, select };
    };
    const { row: auditRow, select: audit } = choice("Verify security", "setting-audit", AUDIT_POLICIES, project.audit_fail_on ?? "off",
      "The audit of each new image (secrets, risky settings, waste advice); a failing audit leaves the tags on the last good image. Findings can be allowed, with a reason, in .strata-audit.yaml.");
    const { row: vulnsRow, select: vulns } = choice("Vulnerabilities", "setting-vulns", VULN_THRESHOLDS, project.vulns_fail_on ?? "off",
      "Check each new image's packages against OSV's advisories on this computer (strata vulns update); a vulnerability at or above the level chosen leaves the tags on the last good image.");
    const save = button("Save", "setting-save", () => {
      const optional = (input: HTMLInputElement | HTMLTextAreaElement) => input.value.trim() || null;
      try {
        void this.save({
          ...project,
          image: image.value.trim(),
          tags: tags.value.split(",").map((t) => t.trim()).filter(Boolean),
          dockerfile: optional(dockerfile),
          context: optional(context),
          target: optional(target),
          build_args: parsePairs(args.value),
          labels: parsePairs(labels.value),
          verify: optional(verify),
          restart_container: optional(restart),
          sync_container: optional(syncInto),
          watch_rules: rules.read(),
          remove_superseded: supersededBox.checked,
          audit_fail_on: audit.value === "off" ? null : audit.value,
          vulns_fail_on: vulns.value === "off" ? null : (vulns.value as VulnSeverity),
        });
      } catch (error) {
        this.report(String((error as Error).message), "Write one KEY=value a line.");
      }
    });
    form.append(auditRow, vulnsRow, superseded, save);
    return form;
  }

  /** Live sync's rules, one row each: the action, the folder, the target in the container, the
   * patterns it ignores, the command a sync + exec runs, and whether watching starts with a full
   * copy. The engine checks them when they are saved. */
  private rulesEditor(initial: SyncRule[]): { element: HTMLElement; read: () => SyncRule[] } {
    const box = element("div", "watch-rules");
    box.id = "setting-watch-rules";
    const list = element("div", "rule-list");
    const rows: (() => SyncRule)[] = [];
    const input = (value: string, placeholder: string, name: string) => {
      const field = element("input");
      field.value = value;
      field.placeholder = placeholder;
      field.name = name;
      field.title = placeholder;
      return field;
    };
    const addRow = (rule: SyncRule) => {
      const row = element("div", "rule-row");
      const action = element("select");
      action.name = "action";
      action.title = "What an edit under the folder does";
      for (const [value, label] of SYNC_ACTIONS) action.append(new Option(label, value));
      action.value = rule.action;
      const path = input(rule.path, "folder, e.g. src", "path");
      const target = input(rule.target ?? "", "path in the container, e.g. /app/src", "target");
      const ignore = input(rule.ignore.join(", "), "ignore, e.g. *.tmp, node_modules", "ignore");
      const exec = input(commandLine(rule.exec), "command run after the copy, e.g. nginx -s reload", "exec");
      const [initial, initialBox] = toggle(rule.initial_sync, " copy all at start");
      initialBox.name = "initial_sync";
      const shown = () => {
        target.hidden = initial.hidden = action.value === "rebuild";
        exec.hidden = action.value !== "sync+exec";
      };
      action.addEventListener("change", shown);
      shown();
      const read = (): SyncRule => ({
        action: action.value as SyncAction,
        path: path.value.trim(),
        target: action.value === "rebuild" ? null : target.value.trim() || null,
        ignore: ignore.value.split(",").map((p) => p.trim()).filter(Boolean),
        exec: action.value === "sync+exec" ? exec.value.trim() || null : null,
        initial_sync: action.value !== "rebuild" && initialBox.checked,
      });
      const remove = button("✕", "", () => {
        rows.splice(rows.indexOf(read), 1);
        row.remove();
      }, "Remove this rule");
      remove.classList.add("rule-remove");
      row.append(action, path, target, ignore, exec, initial, remove);
      rows.push(read);
      list.append(row);
      return row;
    };
    initial.forEach(addRow);
    const add = button("Add a rule", "setting-add-rule", () => {
      addRow({ action: "sync", path: "", target: null, ignore: [], exec: null, initial_sync: false }).querySelector<HTMLInputElement>("input[name='path']")?.focus();
    }, "A folder whose edits are copied into the running container, or rebuild");
    const head = element("div", "rule-head");
    head.append(element("span", "label", "Watch rules"), add);
    box.append(
      head,
      element("div", "muted", "What an edit does while watching, in compose's words; a file under no rule rebuilds. With no rules here, the compose file's develop.watch is used."),
      list,
    );
    return { element: box, read: () => rows.map((read) => read()) };
  }

  private drawHistory(box: HTMLElement, folder: string, records: BuildRecord[]): void {
    box.append(element("h3", "", "Builds"));
    if (records.length === 0) box.append(element("div", "muted", "No builds yet."));
    for (const record of records.slice(-20).reverse()) {
      const row = element("div", `history-row ${record.synced ? "synced" : record.passed ? "passed" : "failed"}`);
      row.append(element("span", "muted", formatAgo(record.started)), element("span", "", recordText(record)));
      const lines = record.trigger ? [...record.trigger.paths] : [];
      if (record.steps.length > 0) {
        // A timed build opens its steps on the timeline above.
        row.classList.add("timed");
        row.tabIndex = 0;
        row.dataset.started = String(record.started);
        lines.push("Click to see where its time went");
        row.addEventListener("click", () => this.showBuild(folder, record.started));
        row.addEventListener("keydown", (e) => {
          if (e.key === "Enter") this.showBuild(folder, record.started);
        });
      }
      row.title = lines.join("\n");
      box.append(row);
    }
  }

  private async build(publish: boolean): Promise<void> {
    const folder = this.selected;
    if (!folder) return;
    try {
      this.run(folder).publishing = publish;
      await api.projectBuild(folder, publish);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  private async setWatch(folder: string, on: boolean): Promise<void> {
    try {
      await api.projectWatch(folder, on);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
    await this.refresh();
  }

  private async save(project: Project): Promise<void> {
    try {
      await api.projectSave(project);
      this.report(`Saved the settings of ${project.image}.`);
      await this.refresh();
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  private async remove(folder: string): Promise<void> {
    await api.projectRemove(folder);
    this.selected = null;
    await this.refresh(true);
  }

  private onEvent(event: ProjectEvent): void {
    const run = this.run(event.folder);
    switch (event.kind) {
      case "started":
        Object.assign(run, { log: [], stage: "prepare", step: null, started: Date.now(), finished: null, outcome: null, record: null, error: null });
        if (event.trigger?.reason) run.log.push(`Rebuilding: ${event.trigger.reason}`);
        else if (event.trigger) run.log.push(`${event.trigger.count} changed: ${event.trigger.paths.slice(0, 5).join(", ")}${event.trigger.count > 5 ? " …" : ""}`);
        void this.refresh(true);
        return;
      case "stage":
        run.stage = event.name;
        break;
      case "step":
        run.step = { number: event.number, total: event.total, instruction: event.instruction };
        run.log.push(`Step ${event.number}/${event.total} : ${event.instruction}`);
        break;
      case "line":
        run.log.push(event.line);
        break;
      case "finished":
        this.shownBuild.delete(event.folder);
        run.finished = event.record.passed ? "passed" : "failed";
        run.outcome = event.outcome;
        run.record = event.record;
        run.error = event.record.passed ? null : { message: event.record.error ?? "the build failed", hint: event.hint ?? "" };
        if (event.not_saved) this.reportNotSaved(event.folder, "This build", event.not_saved);
        void this.refresh(true);
        return;
      case "synced":
        run.log.push(`${event.record.synced?.summary ?? "synced"}: ${event.record.trigger?.paths.slice(0, 5).join(", ") ?? ""}`);
        if (event.not_saved) this.reportNotSaved(event.folder, "This sync", event.not_saved);
        void this.refresh(true);
        break;
      case "watching":
        if (!event.on && event.reason) this.report(`Stopped watching: ${event.reason}`);
        if (event.on && event.sync) run.log.push(`Live sync: the watch rules of ${event.sync}`);
        void this.refresh();
        return;
    }
    if (run.log.length > LOG_LINES) run.log.splice(0, run.log.length - LOG_LINES);
    if (event.folder === this.selected) this.drawLive(run);
  }

  /** Says that a build or sync happened but is missing from the project's history, and why. */
  private reportNotSaved(folder: string, what: string, problem: UiError): void {
    const name = this.projects.find((p) => p.project.folder === folder)?.project.image ?? folder;
    this.report(`${what} of ${name} is not in its history: ${problem.message}`, problem.hint);
  }

  /** Redraws only what a running build changes: the stages, the step and the log's end. */
  private drawLive(run: Run): void {
    const selected = this.projects.find((p) => p.project.folder === this.selected)?.project;
    const states = stageStates(run.stage, run.finished, run.publishing, selected?.verify != null, selected?.audit_fail_on != null || selected?.vulns_fail_on != null);
    for (const chip of this.detail.querySelectorAll<HTMLElement>(".stage")) {
      markStage(chip, states[chip.dataset.stage ?? ""]);
    }
    const bar = this.detail.querySelector<HTMLProgressElement>("#project-progress");
    if (bar && run.step) {
      bar.max = run.step.total;
      bar.value = run.step.number;
    }
    const label = this.detail.querySelector("#project-step");
    if (label) label.textContent = this.stepText(run, true);
    const log = this.detail.querySelector<HTMLElement>("#project-log");
    if (log) {
      log.hidden = false;
      log.textContent = run.log.join("\n");
      log.scrollTop = log.scrollHeight;
    }
  }
}
