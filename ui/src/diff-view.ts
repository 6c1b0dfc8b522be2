// The Diff screen: two images compared. The engine computes every change; this file draws the
// summary line, the changed paths (paged from the backend, filtered and sorted there), and the
// config, package and layer differences as tables.
import { api, asUiError, DiffQuery, DiffRow, DiffSummary } from "./api";
import { element } from "./dom";
import { formatSize } from "./format";
import { progressText, sourceOf } from "./layers-view";
import { PagedRows } from "./paged-rows";

const ROW_HEIGHT = 24;
const MARK: Record<DiffRow["status"], string> = { added: "+", removed: "−", modified: "~" };

/** "+12 files, −3, 40 modified, +18.4 MB · 4 layers shared" */
export function summaryLine(summary: DiffSummary): string {
  const sign = summary.size_delta_bytes < 0 ? "−" : "+";
  const shared = summary.history.shared_layers === 1 ? "1 layer shared" : `${summary.history.shared_layers} layers shared`;
  return `+${summary.added} files, −${summary.removed}, ${summary.modified} modified, ${sign}${formatSize(Math.abs(summary.size_delta_bytes))} · ${shared}`;
}

export class DiffView {
  readonly element = element("section", "view");
  private readonly before = element("input");
  private readonly after = element("input");
  private readonly progress = element("span", "muted");
  private readonly problem = element("div", "banner inline");
  private readonly empty = element("div", "empty-state");
  private readonly content = element("div", "layers-content");
  private readonly summary = element("div", "diff-summary");
  private readonly tables = element("div", "diff-tables");
  private readonly viewport = element("div", "tree");
  private readonly list: PagedRows<DiffRow>;
  private query: DiffQuery = { added: true, removed: true, modified: true, search: "", sort: "path" };
  private searchTimer = 0;

  constructor() {
    this.element.id = "diff-view";
    this.before.id = "diff-before";
    this.after.id = "diff-after";
    this.before.placeholder = "First image (name:tag, id or archive path)";
    this.after.placeholder = "Second image";
    for (const input of [this.before, this.after]) input.addEventListener("keydown", (e) => e.key === "Enter" && void this.compare());
    const go = element("button", "small", "Compare");
    go.id = "diff-compare";
    go.addEventListener("click", () => void this.compare());
    this.progress.id = "diff-progress";
    const toolbar = element("div", "toolbar");
    toolbar.append(this.before, element("span", "muted", "→"), this.after, go, this.progress);
    this.problem.hidden = true;
    this.problem.id = "diff-problem";
    this.empty.id = "diff-empty";
    this.empty.innerHTML = "<h2>Compare two images</h2><p>Type two tags, ids or archive paths above and press <kbd>Enter</kbd>.</p>";
    this.viewport.id = "diff-files";
    this.viewport.tabIndex = 0;
    this.list = new PagedRows<DiffRow>(
      this.viewport,
      ROW_HEIGHT,
      async (offset, count) => (await api.diffRows(this.query, offset, count)).rows,
      (row) => this.drawRow(row),
    );
    this.summary.id = "diff-summary";
    const files = element("div", "layers-right");
    files.append(this.filesToolbar(), this.viewport);
    const body = element("div", "diff-body");
    body.append(files, this.tables);
    this.content.append(this.summary, body);
    this.content.hidden = true;
    this.element.append(toolbar, this.problem, this.empty, this.content);
  }

  async refresh(): Promise<void> {}

  focus(): void {
    (this.before.value ? this.after : this.before).focus();
  }

  private async compare(): Promise<void> {
    if (!this.before.value.trim() || !this.after.value.trim()) return;
    this.problem.hidden = true;
    this.progress.textContent = "Reading the images…";
    try {
      const summary = await api.compareImages(sourceOf(this.before.value), sourceOf(this.after.value), (p) => {
        this.progress.textContent = progressText(p);
      });
      this.summary.textContent = summaryLine(summary);
      this.drawTables(summary);
      this.empty.hidden = true;
      this.content.hidden = false;
      this.element.dataset.compared = `${summary.before}|${summary.after}`;
      await this.reload();
    } catch (error) {
      const problem = asUiError(error);
      this.problem.replaceChildren(element("h2", "", "The images could not be compared"), element("p", "error-text", problem.message), element("p", "", problem.hint));
      this.problem.hidden = false;
    } finally {
      this.progress.textContent = "";
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
      box.addEventListener("change", () => {
        this.query = { ...this.query, [status]: box.checked };
        void this.reload();
      });
      label.append(box, `${MARK[status]} ${status}`);
      bar.append(label);
    }
    const search = element("input");
    search.type = "search";
    search.id = "diff-search";
    search.placeholder = "Search paths";
    search.addEventListener("input", () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => {
        this.query = { ...this.query, search: search.value };
        void this.reload();
      }, 150);
    });
    const sort = element("select");
    sort.id = "diff-sort";
    sort.append(new Option("Sort by path", "path"), new Option("Sort by size change", "delta"));
    sort.addEventListener("change", () => {
      this.query = { ...this.query, sort: sort.value as DiffQuery["sort"] };
      void this.reload();
    });
    bar.append(search, sort);
    return bar;
  }

  private async reload(): Promise<void> {
    const first = await api.diffRows(this.query, 0, 1);
    this.viewport.dataset.rows = String(first.total);
    this.list.reset(first.total);
  }

  private drawRow(row: DiffRow): HTMLElement {
    const line = element("div", `tree-row diff-row status-${row.status}`);
    line.dataset.path = row.path;
    line.dataset.status = row.status;
    const delta = row.delta_bytes === 0 ? "" : `${row.delta_bytes > 0 ? "+" : "−"}${formatSize(Math.abs(row.delta_bytes))}`;
    const name = element("span", "name", row.path + (row.kind_after === "d" || (!row.kind_after && row.kind_before === "d") ? "/" : ""));
    line.append(element("span", "mark", MARK[row.status]), element("span", "size", delta), name, element("span", "muted", row.changes.join(", ")));
    return line;
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
      section("Layers above the shared base", "diff-layers", [
        ...summary.history.only_before.map((l) => ["first", `#${l.index}`, l.command]),
        ...summary.history.only_after.map((l) => ["second", `#${l.index}`, l.command]),
      ]),
    );
  }
}
