// The Cleanup screen: where the space is (figures by category, a treemap of repositories → images
// coloured by category, the family tree of images by shared base layers), the policy that picks
// what to remove, and the plan with the exact bytes each item frees; then Apply, item by item.
// The engine computes every figure and the plan; this file draws them and sends choices back.
import { ApplyEvent, Branch, CleanupData, CleanupPolicy, CleanupRequest, cleanupApi, Outcome, Plan, PlanItem, asUiError } from "./api";
import { confirmDialog } from "./dialog";
import { button, element, withCode } from "./dom";
import { counted, formatSize } from "./format";
import { onThemeChange, shownTheme } from "./theme";

const REASONS: Record<PlanItem["reason"], string> = {
  dangling: "dangling",
  unused: "unused",
  old: "old tag",
  stopped: "stopped container",
  "build-cache": "build cache",
  chosen: "picked by hand",
};

/** What a plan frees of all Docker holds: "Frees 29.4 MB of the 240 MB Docker holds: 240 MB →
 * 210 MB". "542 MB → 542 MB" would say nothing, so a change too small to show at that scale is
 * given as a share. */
export function totalsText(plan: Plan): string {
  const [before, after] = [formatSize(plan.bytes_before), formatSize(plan.bytes_after)];
  const freed = formatSize(plan.total_bytes_freed);
  const of = `Frees ${freed} of the ${before} Docker holds`;
  if (before !== after || plan.total_bytes_freed === 0) return `${of}: ${before} → ${after}`;
  const share = (100 * plan.total_bytes_freed) / plan.bytes_before;
  return `${of} (${share < 0.01 ? "under 0.01" : share.toFixed(2)} %)`;
}

/** What "Docker holds" counts, for the totals' tooltip. */
export const HOLDS =
  "What Docker holds: its images (a layer two images share counted once), the containers' writable layers and, once counted, the build cache; volumes are not in it";

/** What a plan removes, in a line: "app:1 (1.05 GB), web (3 kB) and 4 more". */
export function listedItems(items: PlanItem[], shown = 8): string {
  const named = items.slice(0, shown).map((item) => `${item.name} (${formatSize(item.bytes_freed)})`);
  const more = items.length - named.length;
  if (more > 0) return `${named.join(", ")} and ${more} more`;
  return named.length > 1 ? `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}` : named.join("");
}

/** An outcome in a few words. */
export function outcomeText(outcome: Outcome): string {
  switch (outcome.outcome) {
    case "removed":
      return outcome.archive ? `removed · saved to ${outcome.archive}` : "removed";
    case "skipped":
      return `kept: ${outcome.why}`;
    case "failed":
      return `failed: ${outcome.error}`;
    case "not-attempted":
      return "not attempted";
  }
}

/** A number field's value, or null when empty. */
function numberOrNull(input: HTMLInputElement): number | null {
  const value = input.value.trim();
  if (value === "") return null;
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : null;
}

export class CleanupView {
  readonly element: HTMLElement;
  private readonly summary = element("span", "summary");
  private readonly cards = element("div", "cleanup-cards");
  private readonly treemap = element("div", "cleanup-treemap");
  private readonly legend = element("div", "cleanup-legend");
  private readonly family = element("div", "cleanup-family");
  private readonly planRows = element("div", "cleanup-plan");
  private readonly totals = element("div", "cleanup-totals");
  private readonly progress = element("progress", "cleanup-progress") as HTMLProgressElement;
  private readonly result = element("div", "cleanup-result");
  private readonly empty = element("div", "empty-state");
  private readonly body = element("div", "cleanup-body");
  private readonly applyButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly saveToggle = element("input") as HTMLInputElement;
  private readonly saveFolder = element("input", "wide-input") as HTMLInputElement;
  private readonly fields: Record<string, HTMLInputElement> = {};
  private readonly repositoryRules = element("textarea", "cleanup-rules") as HTMLTextAreaElement;
  private policy: CleanupPolicy = {
    dangling: true,
    unused: false,
    retention: { keep_newest: null, older_than_days: null, keep_tags: ["latest"] },
    repositories: {},
    containers_older_than_days: null,
    build_cache: false,
    label: null,
    chosen: [],
    excluded: [],
  };
  private data: CleanupData | null = null;
  private surveyed = false;
  private applying = false;
  private outcomes = new Map<number, string>();
  private replanTimer = 0;

  constructor(private readonly showProblem: (message: string, hint?: string) => void) {
    this.element = element("section", "view");
    this.element.id = "cleanup-view";
    this.element.hidden = true;
    const toolbar = element("div", "toolbar");
    toolbar.append(
      button("Refresh", "cleanup-refresh", () => void this.survey(), "Read the daemon's images and containers again"),
      button("Restore from archive…", "cleanup-restore", () => void this.restore(), "Load an image saved before a cleanup"),
      this.summary,
    );
    this.treemap.id = "cleanup-treemap";
    this.cards.id = "cleanup-cards";
    this.family.id = "cleanup-family";
    this.planRows.id = "cleanup-plan";
    this.totals.id = "cleanup-totals";
    this.totals.title = HOLDS;
    this.result.id = "cleanup-result";
    this.progress.id = "cleanup-progress";
    this.progress.hidden = true;
    this.empty.id = "cleanup-empty";
    this.empty.hidden = true;
    this.applyButton = button("Apply plan…", "cleanup-apply", () => void this.apply(), "Remove what the plan lists");
    this.applyButton.classList.add("primary");
    this.cancelButton = button("Stop", "cleanup-cancel", () => void cleanupApi.cancel(), "Stop after the item under way");
    this.cancelButton.hidden = true;

    const left = element("div", "cleanup-left");
    left.append(element("h3", "", "Where the space is"), this.cards, this.treemap, this.legend, element("h3", "", "Family tree"), this.family);
    const right = element("div", "cleanup-right");
    right.append(element("h3", "", "What to remove"), this.policyForm(), element("h3", "", "Plan"), this.pickField(), this.planRows, this.totals, this.applyRow(), this.progress, this.result);
    this.body.append(left, right);
    this.element.append(toolbar, this.empty, this.body);
    onThemeChange(() => void this.replan());
    this.followWidth();
  }

  /** Asks for the treemap again at the width it has once that changes (the window resized, or the
   * columns stacked); meanwhile the picture scales, its tiles with it. */
  private followWidth(): void {
    if (typeof ResizeObserver === "undefined") return;
    new ResizeObserver(() => {
      const drawn = this.data?.treemap.width;
      if (drawn !== undefined && Math.abs(this.treemapWidth() - drawn) >= 8) this.replanSoon();
    }).observe(this.treemap);
  }

  /** The width the treemap has on screen (640 while the screen is hidden). */
  private treemapWidth(): number {
    return Math.max(320, Math.floor(this.treemap.clientWidth || 640));
  }

  focus(): void {
    this.fields.dangling?.focus();
  }

  async refresh(): Promise<void> {
    if (!this.surveyed && !this.applying) await this.survey();
  }

  private request(): CleanupRequest {
    return { policy: this.policy, repository_rules: this.repositoryRules.value, width: this.treemapWidth(), height: 300, theme: shownTheme() };
  }

  /** Lists and histories first (quick); then volumes and build cache, which the daemon counts slowly. */
  async survey(): Promise<void> {
    this.surveyed = true;
    this.summary.textContent = "Reading images and containers…";
    try {
      this.show(await cleanupApi.survey(this.request()));
    } catch (error) {
      this.surveyed = false;
      const problem = asUiError(error);
      this.showEmpty(`${problem.message}. ${problem.hint}`);
      return;
    }
    this.summary.textContent = "Counting volumes and build cache (the daemon may take a while)…";
    try {
      this.show(await cleanupApi.countAll(this.request()));
    } catch (error) {
      const problem = asUiError(error);
      this.summary.textContent = `Volumes and build cache could not be counted: ${problem.message}`;
    }
  }

  private async replan(): Promise<void> {
    if (!this.data) return;
    try {
      this.show(await cleanupApi.plan(this.request()));
    } catch (error) {
      const problem = asUiError(error);
      this.showProblem(problem.message, problem.hint);
    }
  }

  private replanSoon(): void {
    window.clearTimeout(this.replanTimer);
    this.replanTimer = window.setTimeout(() => void this.replan(), 150);
  }

  private showEmpty(text: string): void {
    this.empty.textContent = text;
    this.empty.hidden = false;
    this.body.hidden = true;
    this.summary.textContent = "";
  }

  private show(data: CleanupData): void {
    this.data = data;
    if (data.space.images.length === 0 && data.space.containers.length === 0) {
      this.showEmpty("No images or containers on this daemon yet: nothing takes space. Build or pull an image and it shows here.");
      return;
    }
    this.empty.hidden = true;
    this.body.hidden = false;
    this.summary.textContent = data.counted ? "" : "Volumes and build cache not counted yet";
    this.drawCards(data);
    this.drawTreemap(data);
    this.drawFamily(data.family);
    this.drawPlan(data);
  }

  private drawCards(data: CleanupData): void {
    const space = data.space;
    const cards: [string, string, string, string?][] = data.space.categories.map((c) => {
      const label = data.legend.find((l) => l.category === c.category)?.label ?? c.category;
      const reclaim = c.category === "in-use" ? "never removed" : `${formatSize(c.reclaimable)} reclaimable`;
      const what =
        `${formatSize(c.size)}: every layer of these images, a layer they share counted once (one image: its full size).\n` +
        `${formatSize(c.unique)} of it is no other image's; their share of the disk, shared layers split among all their users: ${formatSize(c.attributed)}.`;
      return [`Images ${label}`, `${c.images} · ${formatSize(c.size)}`, reclaim, what];
    });
    cards.push(["Containers", `${space.containers.length} · ${formatSize(space.container_bytes)}`, `${space.stopped_containers} stopped · ${formatSize(space.stopped_container_bytes)}`]);
    if (space.volumes) {
      cards.push(["Volumes", `${space.volumes.length} · ${formatSize(space.volume_bytes)}`, `${space.unused_volumes ?? 0} unused (shown, never removed)`]);
    } else cards.push(["Volumes", "counting…", ""]);
    if (space.build_cache) {
      cards.push(["Build cache", formatSize(space.build_cache.total), `${formatSize(space.build_cache.reclaimable)} reclaimable`]);
    } else cards.push(["Build cache", "counting…", ""]);
    this.cards.replaceChildren(
      ...cards.map(([title, figure, note, what]) => {
        const card = element("div", "cleanup-card");
        card.append(element("div", "label", title), element("div", "card-figure", figure), element("div", "muted", note));
        if (what) card.title = what;
        return card;
      }),
    );
  }

  private drawTreemap(data: CleanupData): void {
    const picture = element("div", "treemap-picture");
    picture.innerHTML = data.treemap.svg;
    // The picture scales to its column (CSS); the tiles, placed in shares of it, stay on their images.
    const { width, height } = data.treemap;
    const share = (pixels: number, of: number) => `${((100 * pixels) / of).toFixed(3)}%`;
    const byId = new Map(data.space.images.map((i) => [i.id, i]));
    const chosen = new Set(this.policy.chosen);
    const excluded = new Set(this.policy.excluded);
    for (const tile of data.treemap.tiles) {
      const image = byId.get(tile.key);
      if (!image) continue;
      const spot = element("button", "treemap-tile");
      Object.assign(spot.style, { left: share(tile.x, width), top: share(tile.y, height), width: share(tile.w, width), height: share(tile.h, height) });
      spot.title = `${image.name}\n${image.category} · ${formatSize(image.size)} (unique ${formatSize(image.unique)}, shared ${formatSize(image.shared)})\nClick to add it to the plan, or take it out`;
      spot.dataset.id = image.id;
      spot.classList.toggle("picked", chosen.has(image.id));
      spot.classList.toggle("excluded", excluded.has(image.id));
      spot.addEventListener("click", () => this.togglePick(image.id, data));
      picture.append(spot);
    }
    this.treemap.replaceChildren(picture);
    this.legend.replaceChildren(
      ...data.legend.map((entry) => {
        const item = element("span", "legend-item", entry.label);
        const swatch = element("span", "swatch");
        swatch.style.background = entry.colour;
        item.prepend(swatch);
        return item;
      }),
      element("span", "muted", `Area: each image's own bytes plus its part of shared layers (a small image still gets a tile to click); ${formatSize(data.space.image_bytes)} in all.`),
    );
  }

  /** Clicking an image adds it to the plan by hand, or takes it out when the plan has it. */
  private togglePick(id: string, data: CleanupData): void {
    const planned = data.plan.items.some((item) => item.id === id);
    const without = (list: string[]) => list.filter((x) => x !== id);
    if (this.policy.chosen.includes(id)) this.policy.chosen = without(this.policy.chosen);
    else if (this.policy.excluded.includes(id)) this.policy.excluded = without(this.policy.excluded);
    else if (planned) this.policy.excluded = [...this.policy.excluded, id];
    else this.policy.chosen = [...this.policy.chosen, id];
    void this.replan();
  }

  private drawFamily(family: Branch[]): void {
    if (family.length === 0) {
      this.family.replaceChildren(element("div", "muted", "No images."));
      return;
    }
    const list = element("ul", "family-tree");
    const add = (branch: Branch, parent: HTMLElement) => {
      const item = element("li");
      const names = branch.images.map((i) => i.name).join(", ");
      const layers = counted(branch.layers, "layer");
      const line = element("div", "family-line");
      line.append(element("span", "family-bytes", `+${formatSize(branch.bytes)}`), element("span", "muted", ` ${layers}`));
      if (names) line.append(element("span", "family-names", ` ${names}`));
      if (branch.children.length) line.append(element("span", "muted", ` · ${formatSize(branch.branch_bytes)} with all built on it`));
      line.title = branch.command;
      item.append(line);
      if (branch.children.length) {
        const children = element("ul");
        for (const child of branch.children) add(child, children);
        item.append(children);
      }
      parent.append(item);
    };
    for (const branch of family) add(branch, list);
    this.family.replaceChildren(list);
  }

  private drawPlan(data: CleanupData): void {
    const plan = data.plan;
    if (plan.items.length === 0) {
      this.planRows.replaceChildren(element("div", "muted", "Nothing to remove with these choices. Tick a category, set a retention rule, or click an image in the treemap."));
    } else {
      const rows = plan.items.map((item, index) => {
        const row = element("label", "plan-row");
        row.dataset.index = String(index);
        const box = element("input") as HTMLInputElement;
        box.type = "checkbox";
        box.checked = true;
        box.disabled = this.applying;
        box.title = "Untick to keep it";
        box.addEventListener("change", () => {
          if (item.kind === "build-cache") this.setField("build_cache", false);
          else this.policy.excluded = [...this.policy.excluded, item.id];
          void this.replan();
        });
        const status = element("span", "plan-status", this.outcomes.get(index) ?? "");
        row.append(box, element("span", "plan-kind", item.kind.replace("-", " ")), element("span", "plan-name", item.name), element("span", "plan-reason", REASONS[item.reason]), element("span", "plan-bytes", formatSize(item.bytes_freed)), status);
        return row;
      });
      this.planRows.replaceChildren(...rows);
    }
    for (const skipped of plan.skipped) this.planRows.append(element("div", "muted", `kept ${skipped.name}: ${skipped.why}`));
    this.totals.textContent = totalsText(plan);
    this.applyButton.disabled = this.applying || plan.items.length === 0;
  }

  private setField(name: "build_cache", value: boolean): void {
    this.policy.build_cache = value;
    const box = this.fields[name];
    if (box) box.checked = value;
  }

  private policyForm(): HTMLElement {
    const form = element("div", "cleanup-policy");
    form.id = "cleanup-policy";
    const check = (key: "dangling" | "unused" | "build_cache", label: string) => {
      const box = element("input") as HTMLInputElement;
      box.type = "checkbox";
      box.id = `cleanup-${key.replace("_", "-")}`;
      box.checked = this.policy[key];
      box.addEventListener("change", () => {
        this.policy[key] = box.checked;
        this.replanSoon();
      });
      this.fields[key] = box;
      const wrap = element("label", "toggle");
      wrap.append(box, document.createTextNode(` ${label}`));
      return wrap;
    };
    const number = (id: string, label: string, set: (value: number | null) => void) => {
      const input = element("input") as HTMLInputElement;
      input.type = "number";
      input.min = "0";
      input.id = id;
      input.placeholder = "—";
      input.addEventListener("input", () => {
        set(numberOrNull(input));
        this.replanSoon();
      });
      this.fields[id] = input;
      const wrap = element("label", "cleanup-field", label);
      wrap.append(input);
      return wrap;
    };
    const keepTags = element("input", "wide-input") as HTMLInputElement;
    keepTags.id = "cleanup-keep-tags";
    keepTags.value = this.policy.retention.keep_tags.join(", ");
    keepTags.addEventListener("input", () => {
      this.policy.retention.keep_tags = keepTags.value.split(",").map((t) => t.trim()).filter(Boolean);
      this.replanSoon();
    });
    const tagsLabel = element("label", "cleanup-field", "Tags never old");
    tagsLabel.append(keepTags);
    this.repositoryRules.id = "cleanup-repository-rules";
    this.repositoryRules.rows = 2;
    this.repositoryRules.placeholder = "Per repository, one per line: app=keep-newest:3,older-than:30";
    this.repositoryRules.addEventListener("input", () => this.replanSoon());
    form.append(
      check("dangling", "Dangling images (no tag, no container)"),
      check("unused", "Unused images (no container uses them)"),
      number("cleanup-containers-older", "Stopped containers older than (days)", (v) => (this.policy.containers_older_than_days = v)),
      check("build_cache", "Build cache no build is using"),
      element("div", "label", "Old tags"),
      number("cleanup-keep-newest", "Keep the newest (per repository)", (v) => (this.policy.retention.keep_newest = v)),
      number("cleanup-older-than", "Older than (days)", (v) => (this.policy.retention.older_than_days = v)),
      tagsLabel,
      this.repositoryRules,
    );
    return form;
  }

  /** Adds an image (reference or id) or a stopped container (name) to the plan by hand. */
  private pickField(): HTMLElement {
    const input = element("input", "wide-input") as HTMLInputElement;
    input.id = "cleanup-pick";
    input.placeholder = "Add an image or container by name, then Enter (or click a tile)";
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !input.value.trim()) return;
      const name = input.value.trim();
      this.policy.excluded = this.policy.excluded.filter((x) => x !== name);
      if (!this.policy.chosen.includes(name)) this.policy.chosen = [...this.policy.chosen, name];
      input.value = "";
      void this.replan();
    });
    return input;
  }

  private applyRow(): HTMLElement {
    const row = element("div", "cleanup-apply-row");
    this.saveToggle.type = "checkbox";
    this.saveToggle.id = "cleanup-save";
    this.saveFolder.id = "cleanup-save-folder";
    this.saveFolder.disabled = true;
    // The folder comes from the file dialog, never from typing: the app writes only where the user chose.
    this.saveFolder.readOnly = true;
    const choose = button("Choose…", "cleanup-save-choose", () => void this.chooseFolder(), "Pick the folder for the archives");
    choose.disabled = true;
    this.saveToggle.addEventListener("change", async () => {
      this.saveFolder.disabled = choose.disabled = !this.saveToggle.checked;
      if (this.saveToggle.checked && !this.saveFolder.value) this.saveFolder.value = await cleanupApi.archiveFolder();
    });
    const save = element("label", "toggle");
    save.append(this.saveToggle, document.createTextNode(" Save images to archives first, in"));
    row.append(save, this.saveFolder, choose, this.applyButton, this.cancelButton);
    return row;
  }

  private async apply(): Promise<void> {
    const plan = this.data?.plan;
    if (!plan || plan.items.length === 0 || this.applying) return;
    const saving = this.saveToggle.checked ? this.saveFolder.value.trim() : null;
    const body =
      `${counted(plan.items.length, "item")} will be removed, freeing ${formatSize(plan.total_bytes_freed)}: ` +
      `${listedItems(plan.items)}. ` +
      "Each image is checked again right before it goes: one a container uses by then is kept. " +
      (saving ? `Images are saved to ${saving} first.` : "Nothing is saved first.");
    if (!(await confirmDialog("Apply the cleanup plan?", body, "Remove"))) return;
    this.applying = true;
    this.outcomes.clear();
    this.applyButton.disabled = true;
    this.cancelButton.hidden = false;
    this.progress.hidden = false;
    this.progress.max = plan.items.length;
    this.progress.value = 0;
    this.result.textContent = "";
    this.drawPlan(this.data!);
    try {
      const report = await cleanupApi.apply(this.request(), saving, (event) => this.onApplyEvent(event));
      const parts = [`Removed ${report.removed}`, `kept ${report.skipped}`, `failed ${report.failed}`];
      if (report.not_attempted) parts.push(`not attempted ${report.not_attempted}`);
      this.result.textContent = `${parts.join(", ")} — freed ${formatSize(report.bytes_freed)}.`;
      this.result.classList.toggle("error-text", report.failed > 0);
    } catch (error) {
      const problem = asUiError(error);
      this.result.replaceChildren(withCode("span", "", `${problem.message}. ${problem.hint}`));
      this.result.classList.add("error-text");
    } finally {
      this.applying = false;
      this.cancelButton.hidden = true;
      this.progress.hidden = true;
      this.policy.chosen = [];
      this.policy.excluded = [];
    }
    // The outcomes go to the list under the result: the next survey's plan is another list (its
    // first row need not be the item that was first here).
    const finished = new Map(this.outcomes);
    this.outcomes.clear();
    const items = plan.items;
    await this.survey();
    this.showFinished(items, finished);
  }

  private onApplyEvent(event: ApplyEvent): void {
    const row = this.planRows.querySelector<HTMLElement>(`.plan-row[data-index="${event.index}"] .plan-status`);
    let text = "";
    if (event.kind === "started") text = "removing…";
    else if (event.kind === "saving") text = `saving to ${event.archive}…`;
    else {
      text = outcomeText(event.outcome);
      this.progress.value = event.index + 1;
    }
    this.outcomes.set(event.index, text);
    if (row) {
      row.textContent = text;
      row.dataset.outcome = event.kind === "finished" ? event.outcome.outcome : "running";
    }
  }

  /** After the fresh survey, lists what the last apply did under the new plan. */
  private showFinished(items: PlanItem[], outcomes: Map<number, string>): void {
    const list = element("ul", "cleanup-done");
    list.id = "cleanup-done";
    items.forEach((item, index) => list.append(element("li", "", `${item.name}: ${outcomes.get(index) ?? "not attempted"}`)));
    this.result.append(list);
  }

  private async chooseFolder(): Promise<void> {
    try {
      const folder = await cleanupApi.chooseFolder();
      if (folder !== null) this.saveFolder.value = folder;
    } catch (error) {
      const problem = asUiError(error);
      this.showProblem(problem.message, problem.hint);
    }
  }

  /** Asks for an archive in the file dialog and loads it back into the daemon. */
  private async restore(): Promise<void> {
    try {
      const loaded = await cleanupApi.restore();
      if (loaded === null) return;
      this.showProblem(loaded.join("; ") || "Loaded.");
      this.surveyed = false;
      await this.survey();
    } catch (error) {
      const problem = asUiError(error);
      this.showProblem(problem.message, problem.hint);
    }
  }
}

