// The Containers screen: every container with its state and ports, the actions a user takes on
// one (start, stop, kill, restart, remove after a confirmation) and its logs, followed live.
import { api, asUiError, ContainerAction, ContainerRow } from "./api";
import { confirmDialog } from "./dialog";
import { badge, Table } from "./table";

export class ContainersView {
  readonly element: HTMLElement;
  private readonly table: Table<ContainerRow>;
  private readonly summary: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly logs: LogsPanel;

  constructor(private readonly report: (message: string, hint?: string) => void) {
    this.element = document.createElement("section");
    this.element.className = "view";
    this.element.id = "containers-view";
    const toolbar = document.createElement("div");
    toolbar.className = "toolbar";
    this.summary = document.createElement("span");
    this.summary.className = "summary";
    toolbar.append(this.summary);
    this.table = new Table<ContainerRow>({
      columns: [
        { title: "Name", width: "minmax(140px, 2fr)", cell: (r) => r.name },
        { title: "Image", width: "minmax(140px, 1.5fr)", cell: (r) => r.image },
        { title: "State", width: "90px", cell: (r) => badge(r.state, stateKind(r.state)) },
        { title: "Status", width: "minmax(120px, 1.2fr)", cell: (r) => r.status },
        { title: "Ports", width: "minmax(80px, 1fr)", cell: (r) => r.ports || "—" },
        { title: "", width: "290px", cell: (r) => this.actions(r) },
      ],
      rowKey: (r) => r.id,
      rowData: (r) => ({ name: r.name, state: r.state }),
      onOpen: (r) => this.logs.open(r),
    });
    this.empty = document.createElement("div");
    this.empty.className = "empty";
    this.empty.textContent = "No containers on this daemon. Start one with `docker run` and it appears here at once.";
    this.logs = new LogsPanel(report);
    this.table.element.append(this.empty);
    this.element.append(toolbar, this.table.element, this.logs.element);
  }

  async refresh(): Promise<void> {
    const rows = await api.listContainers();
    this.table.setRows(rows);
    const running = rows.filter((r) => r.state === "running").length;
    this.summary.textContent = `${rows.length} containers, ${running} running`;
    this.empty.hidden = rows.length > 0;
  }

  private actions(row: ContainerRow): HTMLElement {
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
    if (running) {
      add("Stop", () => void this.run(row, "stop"));
      add("Kill", () => void this.run(row, "kill"));
      add("Restart", () => void this.run(row, "restart"));
    } else {
      add("Start", () => void this.run(row, "start"));
    }
    add("Logs", () => this.logs.open(row));
    add("Remove", () => void this.remove(row, running));
    return box;
  }

  private async remove(row: ContainerRow, running: boolean): Promise<void> {
    const body = running
      ? `“${row.name}” is running. Removing it stops it first and deletes its writable layer; its image stays.`
      : `“${row.name}” and its writable layer will be deleted; its image stays.`;
    if (await confirmDialog(`Remove ${row.name}?`, body, "Remove")) await this.run(row, "remove");
  }

  private async run(row: ContainerRow, action: ContainerAction): Promise<void> {
    try {
      await api.containerAction(row.id, action);
    } catch (error) {
      const e = asUiError(error);
      this.report(`Could not ${action} ${row.name}: ${e.message}`, e.hint);
    }
  }
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
