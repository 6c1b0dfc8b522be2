// The Containers screen: every container with its state and ports, its CPU over the last minute
// and its memory, the actions a user takes on one (start, stop, kill, restart, remove after a
// confirmation), its logs followed live and its stats charted; the host's figures above.
import { api, asUiError, ContainerAction, ContainerRow, StatsRow } from "./api";
import { confirmDialog } from "./dialog";
import { counted, formatSize } from "./format";
import { hostLine, StatsPanel } from "./stats-panel";
import { badge, Table } from "./table";
import { menuButton, MenuItem } from "./menu";
import { onThemeChange, shownTheme } from "./theme";

/** A container with its latest stats, when it has some, and the action it is waiting for. */
type Row = ContainerRow & { stats?: StatsRow; pending?: string };

/** What a container is doing while an action runs (Stop waits up to 10 s for it). */
const PENDING: Record<ContainerAction, string> = {
  start: "starting…",
  stop: "stopping…",
  kill: "killing…",
  restart: "restarting…",
  remove: "removing…",
};

export class ContainersView {
  readonly element: HTMLElement;
  private readonly table: Table<Row>;
  private readonly host = document.createElement("span");
  private readonly stats: StatsPanel;
  private containers: ContainerRow[] = [];
  /** Containers with an action under way, and what it is doing. */
  private readonly pending = new Map<string, string>();
  /** Seconds since the host's figures were last read (every few seconds is enough). */
  private hostAge = Infinity;
  private statusAge = 0;
  private readonly summary: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly logs: LogsPanel;

  /** `explore` opens what a container has written, on its image, in the Layers screen. */
  constructor(
    private readonly report: (message: string, hint?: string) => void,
    private readonly explore: (reference: string) => void = () => undefined,
  ) {
    this.element = document.createElement("section");
    this.element.className = "view";
    this.element.id = "containers-view";
    const toolbar = document.createElement("div");
    toolbar.className = "toolbar";
    this.summary = document.createElement("span");
    this.summary.className = "summary";
    this.host.className = "muted host-line";
    this.host.id = "host-line";
    const overview = document.createElement("button");
    overview.className = "small";
    overview.id = "stats-overview";
    overview.textContent = "Overview";
    overview.title = "CPU and memory of every running container, stacked";
    overview.addEventListener("click", () => this.stats.openOverview());
    toolbar.append(this.summary, overview, this.host);
    this.table = new Table<Row>({
      columns: [
        { title: "Name", width: "minmax(110px, 2fr)", cell: (r) => r.name },
        { title: "Image", width: "minmax(120px, 1.3fr)", cell: (r) => r.image },
        { title: "State", width: "84px", cell: (r) => badge(r.state, stateKind(r.state)) },
        { title: "Status", width: "minmax(110px, 1fr)", cell: (r) => r.pending ?? r.status },
        { title: "Ports", width: "minmax(70px, 0.8fr)", cell: (r) => r.ports || "—" },
        { title: "CPU (1 min)", width: "150px", cell: (r) => cpuCell(r) },
        // A stopped or killed container holds no memory, whatever its last reading said.
        { title: "Memory", width: "80px", align: "right", cell: (r) => (r.stats?.running && r.stats.point ? formatSize(r.stats.point.memory_bytes) : "") },
        // Six buttons, or three and "⋯" in a narrow table (style.css sets the width).
        { title: "", width: "var(--actions-width)", cell: (r) => this.actions(r) },
      ],
      // Narrower (the window's first size among them), the image and ports go first and the
      // row's rarer actions move into a "⋯" menu, leaving the name room; then the status, the
      // memory, the state. The name, the CPU and the actions always stay on screen.
      narrow: [
        { below: 1190, hide: [1, 4], className: "compact-actions" },
        { below: 940, hide: [3] },
        { below: 680, hide: [6] },
        { below: 590, hide: [2] },
      ],
      rowKey: (r) => r.id,
      rowData: (r) => ({ name: r.name, state: r.state }),
      onOpen: (r) => this.logs.open(r),
    });
    this.empty = document.createElement("div");
    this.empty.className = "empty";
    this.empty.textContent = "No containers on this daemon. Start one with `docker run` and it appears here at once.";
    this.logs = new LogsPanel(report);
    this.stats = new StatsPanel(report);
    this.table.element.append(this.empty);
    this.element.append(toolbar, this.table.element, this.stats.element, this.logs.element);
    // The stats move every second; the list changes with the daemon's events, and its statuses'
    // ages ("Up 3 seconds") are read again every other second while the list is shown.
    window.setInterval(() => {
      void this.drawStats();
      if (!this.element.hidden && ++this.statusAge % 2 === 0) void api.rereadContainers().catch(() => undefined);
    }, 1000);
    onThemeChange(() => void this.drawStats());
  }

  async refresh(): Promise<void> {
    this.containers = await api.listContainers();
    const running = this.containers.filter((r) => r.state === "running").length;
    const count = this.containers.length;
    this.summary.textContent = `${counted(count, "container")}, ${running} running`;
    this.empty.hidden = this.containers.length > 0;
    // The stats of a container that is gone from the daemon are closed with it.
    this.stats.keepOnly(new Set(this.containers.map((c) => c.id)));
    // Shown again (or told of a change): the charts too, at once, in the theme shown now.
    await Promise.all([this.drawStats(true), this.stats.draw()]);
  }

  /** Joins the latest stats to the rows and the host's figures to the toolbar. */
  private async drawStats(always = false): Promise<void> {
    if (!always && this.element.hidden) return;
    const stats = new Map((await api.statsRows(shownTheme())).map((row) => [row.id, row]));
    this.table.setRows(this.containers.map((row) => ({ ...row, stats: stats.get(row.id), pending: this.pending.get(row.id) })));
    if (++this.hostAge < 5) return;
    this.hostAge = 0;
    try {
      this.host.textContent = hostLine(await api.statsHost());
    } catch {
      this.host.textContent = "";
    }
  }

  private actions(row: Row): HTMLElement {
    const running = row.state === "running" || row.state === "restarting" || row.state === "paused";
    const box = document.createElement("div");
    box.className = "actions";
    const add = (label: string, action: () => void) => {
      const button = document.createElement("button");
      button.textContent = label;
      button.className = "small";
      button.dataset.action = label.toLowerCase();
      button.addEventListener("click", (e) => {
        e.stopPropagation();
        action();
      });
      box.appendChild(button);
    };
    const rarer: MenuItem[] = [];
    // In a narrow table, Kill, Restart and Remove go into the "⋯" menu.
    const compact = this.table.element.classList.contains("compact-actions");
    const addRare = (label: string, action: () => void) => (compact ? rarer.push({ label, action }) : add(label, action));
    if (running) {
      add("Stop", () => void this.run(row, "stop"));
      addRare("Kill", () => void this.run(row, "kill"));
      addRare("Restart", () => void this.run(row, "restart"));
    } else {
      add("Start", () => void this.run(row, "start"));
    }
    add("Logs", () => this.logs.open(row));

    // A stopped container keeps the stats it had while Strata watched it, until dismissed.
    if (running || (row.stats?.points ?? 0) > 0) add("Stats", () => this.stats.open(row.id, row.name, running));
    addRare("Remove", () => void this.remove(row, running));
    // What it wrote, as a layer on its image's, with its files to view and extract: always in
    // the menu, which the wide table shows for it alone.
    rarer.push({ label: "Changes in Layers", action: () => this.explore(`container://${row.name}`) });
    if (rarer.length > 0) box.appendChild(menuButton("⋯", `More for ${row.name}: ${rarer.map((item) => item.label).join(", ")}`, rarer));
    return box;
  }

  private async remove(row: ContainerRow, running: boolean): Promise<void> {
    const body = running
      ? `“${row.name}” is running. Removing it stops it first and deletes its writable layer; its image stays.`
      : `“${row.name}” and its writable layer will be deleted; its image stays.`;
    if (await confirmDialog(`Remove ${row.name}?`, body, "Remove")) await this.run(row, "remove");
  }

  private async run(row: ContainerRow, action: ContainerAction): Promise<void> {
    const doing = PENDING[action];
    this.pending.set(row.id, doing);
    await this.drawStats(true).catch(() => undefined);
    try {
      await api.containerAction(row.id, action);
    } catch (error) {
      const e = asUiError(error);
      this.report(`Could not ${action} ${row.name}: ${e.message}`, e.hint);
    } finally {
      // A later action on the same container keeps its own word until it ends.
      if (this.pending.get(row.id) === doing) this.pending.delete(row.id);
      await this.drawStats(true).catch(() => undefined);
    }
  }
}

/** The CPU sparkline the engine drew, and the latest figure. */
function cpuCell(row: Row): HTMLElement | string {
  if (row.stats && !row.stats.running && row.stats.points > 0) return "stopped · history kept";
  const stats = row.stats;
  if (!stats?.point || !stats.running) return "";
  const cell = document.createElement("span");
  cell.className = "spark";
  const line = document.createElement("span");
  line.innerHTML = stats.cpu_sparkline;
  cell.append(line, ` ${stats.point.cpu_percent.toFixed(1)} %`);
  return cell;
}

function stateKind(state: string): string {
  if (state === "running") return "ok";
  if (state === "exited" || state === "dead") return "muted";
  return "warn";
}

/** The bottom panel with one container's output, followed as it is written. */
class LogsPanel {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly output: HTMLElement;
  private readonly search: HTMLInputElement;
  private follower: number | null = null;
  private lines: string[] = [];

  constructor(private readonly report: (message: string, hint?: string) => void) {
    this.element = document.createElement("div");
    this.element.className = "logs";
    this.element.hidden = true;
    const bar = document.createElement("div");
    bar.className = "logs-bar";
    this.title = document.createElement("strong");
    this.search = document.createElement("input");
    this.search.type = "search";
    this.search.placeholder = "Search the logs";
    this.search.addEventListener("input", () => this.draw());
    const close = document.createElement("button");
    close.textContent = "Close";
    close.className = "small";
    close.addEventListener("click", () => this.close());
    bar.append(this.title, this.search, close);
    this.output = document.createElement("pre");
    this.output.id = "logs-output";
    this.element.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.close();
    });
    this.element.append(bar, this.output);
  }

  async open(row: ContainerRow): Promise<void> {
    this.close();
    this.lines = [];
    this.title.textContent = `Logs of ${row.name}`;
    this.element.hidden = false;
    this.draw();
    try {
      this.follower = await api.followLogs(row.id, 1000, (event) => {
        if (event.kind === "lines") {
          this.lines.push(...event.lines);
          if (this.lines.length > 20_000) this.lines.splice(0, this.lines.length - 20_000);
        } else if (event.error) {
          this.lines.push(`— the log stream ended: ${event.error.message}`);
        } else {
          this.lines.push("— the container stopped writing (it exited)");
        }
        this.draw();
      });
    } catch (error) {
      const e = asUiError(error);
      this.report(`Could not read the logs of ${row.name}: ${e.message}`, e.hint);
    }
  }

  close(): void {
    if (this.follower !== null) void api.stopLogs(this.follower);
    this.follower = null;
    this.element.hidden = true;
  }

  private draw(): void {
    const needle = this.search.value.toLowerCase();
    const shown = needle ? this.lines.filter((l) => l.toLowerCase().includes(needle)) : this.lines;
    const atBottom = this.output.scrollTop + this.output.clientHeight >= this.output.scrollHeight - 4;
    this.output.textContent = shown.length ? shown.join("\n") : "(no output yet)";
    if (atBottom) this.output.scrollTop = this.output.scrollHeight;
  }
}
