// The Images screen: every tag on the daemon with its size, shared size, users and what its last
// audit found, and — for images named after a registry in the Registries list — whether the
// registry's tag is the same image; filtered and sorted by the backend as the user types and clicks.
import { api, AuditTally, ImageQuery, ImageRow, ImageSort, InRegistry, registryApi, VulnTally } from "./api";
import { button } from "./dom";
import { counted, formatAgo, formatCount, formatSize } from "./format";
import { badge, Table } from "./table";

/** How often the ages on screen are written again. */
const AGES_TICK_MS = 30_000;
/** How long a registry's answer about an image is shown before it is asked again. */
const REGISTRY_ANSWER_MS = 5 * 60_000;

export class ImagesView {
  readonly element: HTMLElement;
  private readonly table: Table<ImageRow>;
  private readonly summary: HTMLElement;
  private readonly empty: HTMLElement;
  /** How many rows the list shows (`null` before the first listing). */
  private shown: number | null = null;
  private readonly filter: HTMLInputElement;
  private query: ImageQuery = { text: "", dangling_only: false, in_use_only: false, sort: "created", descending: true };
  private total = 0;
  private connected = false;
  /** What the last audit of each image found, by image id; only images audited before. */
  private tallies: Partial<Record<string, AuditTally>> = {};
  private vulns: Partial<Record<string, VulnTally>> = {};
  /** What the registries said of each image, by reference and id, and when. */
  private readonly inRegistry = new Map<string, { state: InRegistry; at: number }>();

  /**
   * `explore` opens an image (by reference, or id when it has no tag) in the Layers screen;
   * `compare` starts a comparison from it on the Diff screen.
   */
  constructor(
    private readonly explore: (reference: string) => void,
    private readonly compare: (reference: string) => void,
  ) {
    this.element = document.createElement("section");
    this.element.className = "view";
    this.element.id = "images-view";
    const toolbar = document.createElement("div");
    toolbar.className = "toolbar";
    this.filter = document.createElement("input");
    this.filter.type = "search";
    this.filter.id = "image-filter";
    this.filter.placeholder = "Filter by name, tag or id  ( / )";
    this.filter.addEventListener("input", () => {
      this.query.text = this.filter.value;
      void this.refresh();
    });
    const dangling = toggle("Dangling only", "toggle-dangling", (on) => {
      this.query.dangling_only = on;
      void this.refresh();
    });
    const inUse = toggle("In use only", "toggle-in-use", (on) => {
      this.query.in_use_only = on;
      void this.refresh();
    });
    this.summary = document.createElement("span");
    this.summary.className = "summary";
    const compareButton = button("Compare…", "compare-image", () => this.compareSelected(), "Compare the selected image with another tag (C)");
    const keys = document.createElement("span");
    keys.className = "muted keys-hint";
    keys.id = "images-keys-hint";
    keys.textContent = "Enter or double-click opens an image in Layers · C compares it with another tag";
    toolbar.append(this.filter, dangling, inUse, compareButton, this.summary);

    this.table = new Table<ImageRow>({
      columns: [
        { title: "Repository", width: "minmax(130px, 2.2fr)", sortKey: "repository", cell: (r) => repositoryCell(r) },
        { title: "Tag", width: "minmax(75px, 1fr)", sortKey: "tag", cell: (r) => r.tag },
        { title: "Image ID", width: "100px", sortKey: "id", cell: (r) => r.short_id },
        { title: "Created", width: "95px", sortKey: "created", cell: (r) => formatAgo(r.created) },
        { title: "Size", width: "76px", sortKey: "size", align: "right", cell: (r) => formatSize(r.size) },
        { title: "Shared", width: "80px", sortKey: "shared_size", align: "right", cell: (r) => formatSize(r.shared_size) },
        { title: "Containers", width: "90px", sortKey: "containers", align: "right", cell: (r) => String(r.containers) },
        { title: "Audit", width: "88px", cell: (r) => auditCell(this.tallies[r.id]) },
        { title: "Vulns", width: "78px", cell: (r) => vulnCell(this.vulns[r.id]) },
        { title: "Registry", width: "115px", cell: (r) => registryCell(this.inRegistry.get(registryKey(r))?.state) },
      ],
      // Narrower, the shared size goes first, then the image id, then the registry, then the
      // vulnerabilities; the name, the age, the size, the containers and the audit stay on
      // screen. (Each level is where the columns' least widths, 12 px gaps and 28 px of padding
      // no longer fit.)
      narrow: [
        { below: 1063, hide: [5] },
        { below: 971, hide: [2] },
        { below: 859, hide: [9] },
        { below: 732, hide: [8] },
      ],
      rowKey: (r) => r.key,
      rowData: (r) => ({ ref: `${r.repository}:${r.tag}`, id: r.short_id }),
      onOpen: (r) => this.explore(referenceOf(r)),
      onSort: (key) => this.sortBy(key as ImageSort),
    });
    this.empty = document.createElement("div");
    this.empty.className = "empty";
    this.table.element.append(this.empty);
    this.table.element.addEventListener("keydown", (e) => {
      if (e.key.toLowerCase() === "c" && !e.ctrlKey && !e.metaKey) this.compareSelected();
    });
    // Under the list, where it does not crowd the toolbar.
    this.element.append(toolbar, this.table.element, keys);
    this.table.drawHeader(this.query.sort, this.query.descending);
    // "Created 2 hours ago" moves on while the screen stays open.
    window.setInterval(() => this.table.refreshTexts(), AGES_TICK_MS);
  }

  private compareSelected(): void {
    const row = this.table.selected();
    this.compare(row ? referenceOf(row) : "");
  }

  focusFilter(): void {
    this.filter.focus();
    this.filter.select();
  }

  /** Told at each change of the daemon's state: the empty list says why it is empty at once. */
  setTotal(total: number, connected: boolean): void {
    this.total = total;
    this.connected = connected;
    this.drawEmpty();
  }

  async refresh(): Promise<void> {
    const rows = await api.listImages(this.query);
    // Only the cache is read: an image never audited shows a dash, never a hidden export.
    const ids = [...new Set(rows.map((r) => r.id))];
    [this.tallies, this.vulns] = await Promise.all([api.auditTallies(ids).catch(() => ({})), api.vulnTallies(ids).catch(() => ({}))]);
    this.table.setRows(rows);
    void this.askRegistries(rows);
    const filtered = rows.length !== this.total;
    this.summary.textContent = filtered ? `${formatCount(rows.length)} of ${counted(this.total, "image")}` : counted(this.total, "image");
    this.shown = rows.length;
    this.drawEmpty();
  }

  private drawEmpty(): void {
    // Before the first listing only "not connected" is known to be true.
    this.empty.hidden = this.connected ? this.shown === null || this.shown > 0 : (this.shown ?? 0) > 0;
    this.empty.textContent = !this.connected
      ? "Not connected to a daemon: see above for what Strata tried and how to fix it."
      : this.total === 0
        ? "No images on this daemon yet. Build or load one and it appears here at once."
        : "No image matches the filter.";
  }

  /**
   * Asks the registries about the images shown whose answer is missing or old. The engine
   * answers only for names in a listed registry, at once for the others (which are asked again
   * each time: a registry added since may list them). The column fills in when they answer.
   */
  private async askRegistries(rows: ImageRow[]): Promise<void> {
    const now = Date.now();
    const due = rows.filter((r) => !r.dangling && now - (this.inRegistry.get(registryKey(r))?.at ?? -Infinity) > REGISTRY_ANSWER_MS);
    if (due.length === 0) return;
    let answers;
    try {
      answers = await registryApi.againstImages(due.map(referenceOf));
    } catch {
      return; // no daemon: asked again at the next refresh
    }
    const ids = new Map(due.map((row) => [referenceOf(row), row.id]));
    for (const answer of answers) this.inRegistry.set(`${answer.reference}@${ids.get(answer.reference)}`, { state: answer.state, at: now });
    if (answers.length > 0) this.table.refreshTexts();
  }

  private sortBy(sort: ImageSort): void {
    if (this.query.sort === sort) {
      this.query.descending = !this.query.descending;
    } else {
      this.query.sort = sort;
      this.query.descending = sort === "created" || sort === "size" || sort === "shared_size" || sort === "containers";
    }
    this.table.drawHeader(this.query.sort, this.query.descending);
    void this.refresh();
  }
}

/** How to name an image to the daemon: by tag, or by id when it has none. */
function referenceOf(row: ImageRow): string {
  return row.dangling ? row.id : `${row.repository}:${row.tag}`;
}

/** Where the registries' answer about an image is kept: its reference and its id. */
function registryKey(row: ImageRow): string {
  return `${referenceOf(row)}@${row.id}`;
}

/** The Registry column: how the registry's tag compares, or nothing for names in no listed registry. */
function registryCell(state: InRegistry | undefined): HTMLElement | string {
  if (!state) return "";
  const cell = document.createElement("span");
  cell.className = "registry-cell";
  cell.dataset.registry = state.kind;
  switch (state.kind) {
    case "same":
      cell.append(badge("same", "ok"));
      cell.title = "The registry's tag is this image";
      break;
    case "differs":
      cell.append(badge(`${counted(state.layers, "layer")} differ`, "warn"));
      cell.title = "The registry's tag is another image: layers in only one of the two";
      break;
    case "not-there":
      cell.append(badge("not pushed", "muted"));
      cell.title = "The registry has no such tag";
      break;
    case "unreadable":
      cell.append(badge("unreadable", "danger"));
      cell.title = state.reason;
      break;
  }
  return cell;
}

function repositoryCell(row: ImageRow): HTMLElement {
  const cell = document.createElement("span");
  cell.textContent = row.repository;
  if (row.dangling) cell.append(" ", badge("dangling", "warn"));
  if (row.containers > 0) cell.append(" ", badge("in use", "ok"));
  return cell;
}

/** The Audit column: what the image's last audit found, or a dash when it was never audited. */
function auditCell(tally: AuditTally | undefined): HTMLElement {
  const cell = document.createElement("span");
  cell.className = "audit-cell";
  if (!tally) {
    cell.textContent = "—";
    cell.title = "Not audited yet: open it in Layers, or run `strata audit`";
    cell.dataset.audit = "none";
    return cell;
  }
  const checks = tally.settings + tally.advice;
  const shown =
    tally.secrets > 0
      ? badge(counted(tally.secrets, "secret"), "danger")
      : checks > 0
        ? badge(`${checks} to check`, "warn")
        : badge("clean", "ok");
  cell.append(shown);
  cell.title = `Last audit: ${tally.secrets} secrets, ${tally.settings} risky settings, ${tally.advice} waste advice (before any allow-list)`;
  cell.dataset.audit = `${tally.secrets}/${tally.settings}/${tally.advice}`;
  return cell;
}

/** The Vulns column: the worst severity's count, or a dash when the image's packages were never
 * read (or there is no vulnerability database). */
function vulnCell(tally: VulnTally | undefined): HTMLElement {
  const cell = document.createElement("span");
  cell.className = "vuln-cell";
  if (!tally) {
    cell.textContent = "—";
    cell.title = "Not checked: open it in Layers (Vulnerabilities), or run `strata vulns IMAGE`";
    cell.dataset.vulns = "none";
    return cell;
  }
  const levels: [keyof VulnTally, string][] = [["critical", "danger"], ["high", "danger"], ["medium", "warn"], ["low", "muted"], ["unknown", "muted"]];
  const worst = levels.find(([level]) => tally[level] > 0);
  cell.append(worst ? badge(`${tally[worst[0]]} ${worst[0]}`, worst[1]) : badge("none known", "ok"));
  cell.title = `Known vulnerabilities: ${levels.map(([level]) => `${tally[level]} ${level}`).join(", ")}`;
  cell.dataset.vulns = levels.map(([level]) => tally[level]).join("/");
  return cell;
}

export function toggle(label: string, id: string, onChange: (on: boolean) => void): HTMLElement {
  const wrapper = document.createElement("label");
  wrapper.className = "toggle";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = id;
  box.addEventListener("change", () => onChange(box.checked));
  wrapper.append(box, ` ${label}`);
  return wrapper;
}
