// The Diff screen: two images compared. The engine computes every change; this file draws the
// summary line, the tree of changed paths (paged from the backend, which filters, sorts, folds
// and rolls sizes up per folder), a text file's unified diff, and the config, package and layer
// differences as tables.
import { api, asUiError, DiffQuery, DiffRow, DiffStatus, DiffSummary, DiffTreeInfo, Progress, VulnFinding } from "./api";
import { unifiedLineClass, viewerDialog } from "./dialog";
import { button, element, withCode } from "./dom";
import { counted, formatCount, signedSize } from "./format";
import { progressText, sourceOf } from "./layers-view";
import { PagedRows, treeKey } from "./paged-rows";
import { whileWorking } from "./working";

const ROW_HEIGHT = 24;
const MARK: Record<DiffStatus, string> = { added: "+", removed: "−", modified: "~", changed: "" };

/** "+12 files, −3, 40 modified, +18.4 MB of files · 4 layers shared" */
export function summaryLine(summary: DiffSummary): string {
  const shared = `${counted(summary.history.shared_layers, "layer")} shared`;
  return `+${counted(summary.added, "file")}, −${formatCount(summary.removed)}, ${formatCount(summary.modified)} modified, ${signedSize(summary.size_delta_bytes)} of files · ${shared}`;
}

/** What the summary's size counts, beside the images' sizes the Images screen shows. */
export const SIZE_DELTA_MEANS =
  "The size change counts the files both images show. The Images screen's sizes also count what the layers " +
  "store but later layers hide or delete, and each folder, so the two images' sizes can differ by more (or less).";


export class DiffView {
  readonly element = element("section", "view");
  private readonly before = element("input");
  private readonly after = element("input");
  private readonly choices = element("datalist");
  private readonly progress = element("div", "progress-line");
  private readonly progressBar = element("progress");
  private readonly progressLabel = element("span", "muted");
  private readonly problem = element("div", "banner inline");
  private readonly empty = element("div", "empty-state");
  private readonly content = element("div", "layers-content");
  private readonly summary = element("div", "diff-summary");
  private readonly folders = element("div", "diff-folders");
  private readonly tables = element("div", "diff-tables");
  private readonly viewport = element("div", "tree");
  private readonly list: PagedRows<DiffRow>;
  private query: DiffQuery = { added: true, removed: true, modified: true, search: "", sort: "path" };
  private references: string[] = [];
  private selected = -1;
  /** Counts the comparisons asked for; only the latest one's outcome is shown. */
  private comparing = 0;
  private searchTimer = 0;

  constructor(private readonly report: (message: string, hint?: string) => void) {
    this.element.id = "diff-view";
    this.before.id = "diff-before";
    this.after.id = "diff-after";
    this.choices.id = "diff-choices";
    this.before.placeholder = "First image (name:tag or id)";
    this.after.placeholder = "Second image";
    for (const input of [this.before, this.after]) {
      input.setAttribute("list", this.choices.id);
      input.addEventListener("keydown", (e) => e.key === "Enter" && void this.compare());
      // The result below is of the pair compared, not of what the fields now say.
      input.addEventListener("input", () => this.markStale());
      // A reference too long for the field is given whole in its tooltip.
      input.addEventListener("change", () => (input.title = input.value));
    }
    const swap = button("⇄", "diff-swap", () => this.swap(), "Swap the two images");
    const go = button("Compare", "diff-compare", () => void this.compare());
    go.classList.add("primary");
    const toolbar = element("div", "toolbar");
    // Archives come from the file dialog: the app opens no archive path the user did not pick.
    const archive = (input: HTMLInputElement, id: string) =>
      button("…", id, () => void this.pickArchive(input), "Pick an image archive (docker save, OCI) instead");
    toolbar.append(this.before, archive(this.before, "diff-before-archive"), swap, this.after, archive(this.after, "diff-after-archive"), go, this.choices, this.progress);
    this.buildProgress();
    this.problem.hidden = true;
    this.problem.id = "diff-problem";
    this.empty.id = "diff-empty";
    this.empty.innerHTML =
      "<h2>Compare two images</h2><p>Type two tags or ids above and press <kbd>Enter</kbd>. " +
      "For an image archive (<code>docker save</code>, OCI), pick it with the <b>…</b> button beside a field: " +
      "Strata opens only archives picked there. " +
      "Or select an image on the Images screen and press <kbd>C</kbd> to compare it with another tag.</p>";
    this.viewport.id = "diff-files";
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute("role", "tree");
    this.viewport.addEventListener("keydown", (e) => void this.onKey(e));
    this.list = new PagedRows<DiffRow>(this.viewport, ROW_HEIGHT, (offset, count) => api.diffRows(offset, count), (row, index) => this.drawRow(row, index));
    this.summary.id = "diff-summary";
    this.folders.id = "diff-folders";
    const files = element("div", "layers-right");
    files.append(this.filesToolbar(), this.viewport);
    const body = element("div", "diff-body");
    body.append(files, this.tables);
    this.content.append(this.summary, this.folders, body);
    this.content.hidden = true;
    this.element.append(toolbar, this.problem, this.empty, this.content);
  }

  /** Offers the daemon's images as choices for both fields. */
  async refresh(): Promise<void> {
    const references = await api.diffChoices(null);
    if (references.join("\n") === this.references.join("\n")) return;
    this.references = references;
    this.choices.replaceChildren(...references.map((r) => new Option(r, r)));
  }

  focus(): void {
    (this.before.value ? this.after : this.before).focus();
  }

  /** Starts a comparison from `reference`: the second field offers its repository's other tags first. */
  async startFrom(reference: string): Promise<void> {
    await this.refresh().catch(() => undefined);
    if (!reference) {
      this.before.focus();
      return;
    }
    fill(this.before, reference);
    // The engine knows which tags are the same repository's (a registry's port is not a tag).
    const [suggestion] = await api.diffChoices(reference).catch(() => [] as string[]);
    fill(this.after, suggestion ?? "");
    this.after.focus();
    this.after.select();
  }

  /** Fills both images in and compares them (two registry tags, from the Registries screen). */
  async comparePair(before: string, after: string): Promise<void> {
    fill(this.before, before);
    fill(this.after, after);
    await this.compare();
  }

  private async pickArchive(input: HTMLInputElement): Promise<void> {
    try {
      const path = await api.chooseArchive();
      if (path !== null) fill(input, path);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  private swap(): void {
    const [before, after] = [this.after.value, this.before.value];
    fill(this.before, before);
    fill(this.after, after);
    if (!this.content.hidden) void this.compare();
  }

  private buildProgress(): void {
    this.progress.id = "diff-progress";
    this.progress.hidden = true;
    const cancel = button("Cancel", "diff-cancel", () => void api.cancelCompare());
    this.progress.append(this.progressBar, this.progressLabel, cancel);
  }

  private showProgress(progress: Progress): void {
    if (progress.total_bytes) {
      this.progressBar.max = progress.total_bytes;
      this.progressBar.value = Math.min(progress.done_bytes, progress.total_bytes);
    } else {
      this.progressBar.removeAttribute("value");
    }
    this.progressLabel.textContent = progressText(progress);
  }

  private async compare(): Promise<void> {
    if (!this.before.value.trim() || !this.after.value.trim()) {
      (this.before.value.trim() ? this.after : this.before).focus();
      return;
    }
    // A comparison superseded by a later one says nothing and leaves the screen to it.
    const comparing = ++this.comparing;
    this.problem.hidden = true;
    this.progress.hidden = false;
    this.progressBar.removeAttribute("value");
    this.progressLabel.textContent = "Reading the images…";
    try {
      const summary = await api.compareImages(sourceOf(this.before.value), sourceOf(this.after.value), (p) => this.showProgress(p));
      this.content.classList.remove("stale");
      this.summary.textContent = summaryLine(summary);
      this.summary.title = SIZE_DELTA_MEANS;
      this.summary.title = `${summary.before} → ${summary.after}`;
      this.drawFolders(summary);
      this.drawTables(summary);
      this.empty.hidden = true;
      this.content.hidden = false;
      this.element.dataset.compared = `${summary.before}|${summary.after}`;
      this.selected = -1;
      // The new comparison is filtered, searched and sorted as the toolbar says.
      const wanted = this.toolbarQuery();
      if (JSON.stringify(wanted) !== JSON.stringify(summary.tree.query)) await this.setQuery(wanted);
      else this.showTree(summary.tree);
      this.viewport.focus();
    } catch (error) {
      if (comparing !== this.comparing) return;
      const problem = asUiError(error);
      if (problem.code === "cancelled") this.report("Stopped comparing.");
      else {
        this.problem.replaceChildren(element("h2", "", "The images could not be compared"), element("p", "error-text", problem.message), withCode("p", "", problem.hint));
        this.problem.hidden = false;
        // No earlier result stays under the error as if it answered this pair.
        this.content.hidden = true;
        this.empty.hidden = false;
        delete this.element.dataset.compared;
      }
    } finally {
      if (comparing === this.comparing) this.progress.hidden = true;
    }
  }

  private filesToolbar(): HTMLElement {
    const bar = element("div", "tree-toolbar");
    for (const status of ["added", "removed", "modified"] as const) {
      const label = element("label", `toggle status-${status}`);
      const box = element("input");
      box.type = "checkbox";
      box.checked = true;
      box.id = `diff-filter-${status}`;
      box.addEventListener("change", () => void this.setQuery({ ...this.query, [status]: box.checked }));
      label.append(box, `${MARK[status]} ${status}`);
      bar.append(label);
    }
    const search = element("input");
    search.type = "search";
    search.id = "diff-search";
    search.placeholder = "Search paths";
    search.addEventListener("input", () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.setQuery({ ...this.query, search: search.value }), 150);
    });
    const sort = element("select");
    sort.id = "diff-sort";
    sort.append(new Option("Sort by name", "path"), new Option("Sort by size change", "delta"));
    sort.addEventListener("change", () => void this.setQuery({ ...this.query, sort: sort.value as DiffQuery["sort"] }));
    const expand = button("Expand all", "diff-expand-all", () => void this.expandAll(true));
    const collapse = button("Collapse all", "diff-collapse-all", () => void this.expandAll(false));
    const show = button("Show diff", "diff-show-file", () => void this.showFileDiff(), "The selected text file's changes (Enter)");
    bar.append(search, sort, expand, collapse, show);
    return bar;
  }

  /** What the toolbar's boxes, search and sort ask for now. */
  private toolbarQuery(): DiffQuery {
    const checked = (status: string) => this.element.querySelector<HTMLInputElement>(`#diff-filter-${status}`)?.checked ?? true;
    const search = this.element.querySelector<HTMLInputElement>("#diff-search")?.value ?? "";
    const sort = (this.element.querySelector<HTMLSelectElement>("#diff-sort")?.value ?? "path") as DiffQuery["sort"];
    return { added: checked("added"), removed: checked("removed"), modified: checked("modified"), search, sort };
  }

  /** Marks the result as answering the pair compared before, once the fields say another. */
  private markStale(): void {
    if (this.content.hidden) return;
    const [before, after] = (this.element.dataset.compared ?? "|").split("|");
    const stale = this.before.value.trim() !== before || this.after.value.trim() !== after;
    this.content.classList.toggle("stale", stale);
    this.content.title = stale ? `Showing ${before} → ${after}; press Compare (Enter) for the new pair` : "";
  }

  private async setQuery(query: DiffQuery): Promise<void> {
    this.query = query;
    this.showTree(await api.diffSetQuery(query), true);
  }

  private async expandAll(expanded: boolean): Promise<void> {
    this.showTree(await api.diffExpandAll(expanded));
  }

  private showTree(info: DiffTreeInfo, reset = false): void {
    this.query = info.query;
    if (reset) this.selected = Math.min(this.selected, info.rows - 1);
    this.viewport.dataset.rows = String(info.rows);
    this.list.reset(info.rows);
  }

  private drawRow(row: DiffRow, index: number): HTMLElement {
    const line = element("div", `tree-row diff-row status-${row.status}`);
    if (index === this.selected) line.classList.add("selected");
    line.dataset.path = row.path;
    line.dataset.status = row.status;
    line.setAttribute("role", "treeitem");
    const caret = element("span", "caret", row.expandable ? (row.expanded ? "▾" : "▸") : "");
    caret.addEventListener("click", (e) => {
      e.stopPropagation();
      void this.setExpanded(row.id, null);
    });
    const name = element("span", "name", row.name + (row.kind === "d" ? "/" : ""));
    name.title = row.path;
    const detail = row.changes.length > 0 ? row.changes.join(", ") : row.changed_below > 0 ? `${row.changed_below} changed` : "";
    line.append(element("span", "mark", MARK[row.status]), element("span", "size", row.delta_bytes === 0 ? "" : signedSize(row.delta_bytes)), caret, name, element("span", "muted detail", detail));
    line.style.setProperty("--depth", String(row.depth));
    line.addEventListener("click", () => void this.select(index));
    line.addEventListener("dblclick", () => void (row.expandable ? this.setExpanded(row.id, null) : this.showFileDiff()));
    return line;
  }

  private async setExpanded(id: number, expanded: boolean | null): Promise<void> {
    this.showTree(await api.diffSetExpanded(id, expanded));
  }

  private async select(index: number): Promise<void> {
    if (index < 0 || index >= this.list.length) return;
    this.selected = index;
    this.list.reveal(index);
    await this.list.rowAt(index);
    this.list.redraw();
  }

  /** The selected file's unified diff, in a viewer. */
  private async showFileDiff(): Promise<void> {
    const row = this.list.row(this.selected);
    if (!row) {
      this.report("Select a changed file first.");
      return;
    }
    if (row.kind === "d") {
      this.report(`${row.path} is a folder`, "Select a file in it to see its changes.");
      return;
    }
    try {
      const compared = await whileWorking(`Comparing ${row.path}…`, () => api.diffFile(row.path), () => void api.cancelFileRead());
      const size = row.delta_bytes === 0 ? "same size" : signedSize(row.delta_bytes);
      const note = compared.unified ? `${size} · ${row.changes.join(", ") || row.status}` : compared.note;
      viewerDialog(row.path, note, compared.unified ?? "", unifiedLineClass, compared.attributes);
    } catch (error) {
      const problem = asUiError(error);
      if (problem.code !== "cancelled") this.report(problem.message, problem.hint);
    }
  }

  private async onKey(event: KeyboardEvent): Promise<void> {
    const row = this.list.row(this.selected);
    const key = treeKey(event.key, this.selected, this.list.length, row);
    if (!key) return;
    event.preventDefault();
    if ("select" in key) await this.select(key.select);
    else if ("expand" in key && row) await this.setExpanded(row.id, key.expand);
    else if (row?.expandable) await this.setExpanded(row.id, null);
    else await this.showFileDiff();
  }


  /** The folders that grew or shrank the most; clicking one searches for it. */
  private drawFolders(summary: DiffSummary): void {
    const items = summary.folders.map((folder) => {
      const chip = element("button", "chip", `${folder.path} ${signedSize(folder.delta_bytes)}`);
      chip.title = `${folder.changed_paths} changed paths under ${folder.path}: show only them`;
      chip.addEventListener("click", () => {
        const search = document.getElementById("diff-search") as HTMLInputElement;
        search.value = folder.path;
        void this.setQuery({ ...this.query, search: folder.path });
      });
      return chip;
    });
    this.folders.replaceChildren(...(items.length ? [element("span", "muted", "Largest changes:"), ...items] : []));
  }

  private drawTables(summary: DiffSummary): void {
    const section = (title: string, id: string, rows: string[][]) => {
      const box = element("div", "diff-table");
      box.id = id;
      box.append(element("h3", "", title));
      if (rows.length === 0) box.append(element("div", "muted", "No differences."));
      for (const cells of rows) {
        const line = element("div", "diff-table-row");
        for (const cell of cells) line.append(element("span", "", cell));
        line.title = cells.join(" ");
        box.append(line);
      }
      return box;
    };
    const show = (value: unknown) => (value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));
    const packages = summary.packages;
    this.tables.replaceChildren(
      section("Config", "diff-config", summary.config.map((c) => [c.field, show(c.before), "→", show(c.after)])),
      section("Packages", "diff-packages", [
        ...packages.added.map((p) => ["+", p.ecosystem, p.name, p.version]),
        ...packages.removed.map((p) => ["−", p.ecosystem, p.name, p.version]),
        ...packages.upgraded.map((p) => ["~", p.ecosystem, p.name, `${p.before} → ${p.after}`]),
      ]),
      vulnerabilitySection(summary.vulnerabilities, section),
      section("Layers", "diff-layers", [
        ...summary.history.shared.map((l) => ["both", `#${l.index}`, l.command]),
        ...summary.history.only_before.map((l) => ["first", `#${l.index}`, l.command]),
        ...summary.history.only_after.map((l) => ["second", `#${l.index}`, l.command]),
      ]),
    );
  }
}

/** Known vulnerabilities the second image fixed (−) and introduced (+), or why none are shown. */
function vulnerabilitySection(vulns: DiffSummary["vulnerabilities"], section: (title: string, id: string, rows: string[][]) => HTMLElement): HTMLElement {
  if (vulns === null) {
    const box = section("Vulnerabilities", "diff-vulns", []);
    box.querySelector(".muted")!.textContent = "No vulnerability database: run strata vulns update, or Download advisories from the Layers screen's Vulnerabilities.";
    return box;
  }
  const row = (mark: string, f: VulnFinding) => [mark, f.severity, f.aliases.find((a) => a.startsWith("CVE-")) ?? f.id, `${f.package} ${f.version}`];
  const box = section(`Vulnerabilities (${vulns.unchanged} in both)`, "diff-vulns", [...vulns.fixed.map((f) => row("fixed", f)), ...vulns.introduced.map((f) => row("new", f))]);
  for (const line of box.querySelectorAll<HTMLElement>(".diff-table-row")) line.classList.add(line.firstElementChild?.textContent === "new" ? "vuln-introduced" : "vuln-fixed-row");
  return box;
}

/** Puts `value` in a reference field, and whole in its tooltip (a long one is cut). */
function fill(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.title = value;
}
