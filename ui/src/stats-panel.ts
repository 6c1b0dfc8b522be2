// One container's stats, under the Containers list: CPU, memory against its limit, network and
// block I/O over the last minute to hour, charted by the engine (plotters SVG) and redrawn every
// second; the history can be saved as CSV. The host's figures sit in the screen's toolbar.
import { api, asUiError, HostFigures, StatsMetric } from "./api";
import { button, element, withCode } from "./dom";
import { formatSize } from "./format";
import { onThemeChange, shownTheme } from "./theme";

const WINDOWS: [string, number][] = [["1 min", 60], ["5 min", 300], ["15 min", 900], ["1 h", 3600]];
const METRICS: StatsMetric[] = ["cpu", "memory", "network", "block"];
/** The widths charts are drawn at before the window has laid them out (one column, the whole row). */
const CHART = 560;
const WIDE_CHART = 1120;

/** "2 CPUs at 12 % · memory 3.2 GB of 24 GB · Docker data: 51 GB free of 271 GB" */
export function hostLine(host: HostFigures): string {
  const parts = [
    `${host.cpus} CPUs at ${host.cpu_percent.toFixed(0)} %`,
    `memory ${formatSize(host.memory_used_bytes)} of ${formatSize(host.memory_total_bytes)}`,
  ];
  const disk = host.data_disk;
  if (disk) parts.push(`${disk.low ? "LOW SPACE — " : ""}Docker data: ${formatSize(disk.free_bytes)} free of ${formatSize(disk.total_bytes)}`);
  else if (host.data_elsewhere) parts.push(`Docker data: ${host.data_elsewhere}`);
  return parts.join(" · ");
}

export class StatsPanel {
  readonly element = element("div", "stats-panel");
  private readonly title = element("strong");
  private readonly charts = element("div", "stats-charts");
  private readonly windowButtons = new Map<number, HTMLButtonElement>();
  private readonly csv = button("Save CSV…", "stats-csv", () => void this.exportCsv(), "The history (one row a second) as CSV");
  private readonly dismiss = button("Dismiss", "stats-dismiss", () => void this.forget(), "Forget this stopped container's stats");
  private container: { id: string; name: string } | null = null;
  /** Every running container stacked, instead of one container. */
  private overview = false;
  private seconds = 300;
  private timer = 0;

  constructor(private readonly report: (message: string, hint?: string) => void) {
    this.element.id = "stats-panel";
    this.element.hidden = true;
    const bar = element("div", "stats-bar");
    const windows = element("div", "segmented");
    for (const [label, seconds] of WINDOWS) {
      const choice = button(label, `stats-window-${seconds}`, () => this.setWindow(seconds));
      this.windowButtons.set(seconds, choice);
      windows.append(choice);
    }
    const csv = this.csv;
    const close = button("Close", "stats-close", () => this.close());
    this.dismiss.hidden = true;
    bar.append(this.title, windows, csv, this.dismiss, close);
    this.charts.id = "stats-charts";
    this.element.append(bar, this.charts);
    this.markWindow();
    onThemeChange(() => void this.draw());
  }

  /** The overview: CPU and memory of every running container, stacked. */
  openOverview(): void {
    this.container = null;
    this.overview = true;
    this.title.textContent = "Every running container";
    this.dismiss.hidden = true;
    this.csv.hidden = true;
    this.start();
  }

  open(id: string, name: string, running: boolean): void {
    this.container = { id, name };
    this.overview = false;
    this.title.textContent = running ? `Stats of ${name}` : `Stats of ${name} (stopped)`;
    this.dismiss.hidden = running;
    this.csv.hidden = false;
    this.start();
  }

  private start(): void {
    this.element.hidden = false;
    window.clearInterval(this.timer);
    this.timer = window.setInterval(() => void this.draw(), 1000);
    void this.draw();
  }

  /** Closes the panel if it shows a container not among `ids` (removed meanwhile). */
  keepOnly(ids: Set<string>): void {
    if (this.container && !ids.has(this.container.id)) this.close();
  }

  close(): void {
    window.clearInterval(this.timer);
    this.container = null;
    this.overview = false;
    this.element.hidden = true;
  }

  private async forget(): Promise<void> {
    if (!this.container) return;
    await api.statsDismiss(this.container.id);
    this.close();
  }

  private setWindow(seconds: number): void {
    this.seconds = seconds;
    this.markWindow();
    void this.draw();
  }

  private markWindow(): void {
    for (const [seconds, choice] of this.windowButtons) choice.classList.toggle("active", seconds === this.seconds);
  }

  /** The width of one chart's column in the grid (style.css lays them out), to draw it at. */
  private chartWidth(): number {
    const firstColumn = parseFloat(getComputedStyle(this.charts).gridTemplateColumns);
    return Number.isFinite(firstColumn) && firstColumn > 0 ? Math.round(firstColumn) : CHART;
  }

  /** Draws the charts again, if they are on screen. */
  async draw(): Promise<void> {
    if (this.element.offsetParent === null) return;
    if (this.overview) return this.drawOverview();
    if (!this.container) return;
    try {
      const width = this.chartWidth();
      const svgs = await Promise.all(METRICS.map((metric) => api.statsChart(this.container!.id, metric, this.seconds, shownTheme(), width)));
      const boxes = svgs.map((svg, index) => {
        const metric = METRICS[index];
        const box = element("div", "stats-chart");
        box.dataset.metric = metric;
        box.innerHTML = svg;
        const png = button("PNG…", `stats-png-${metric}`, () => void this.exportPng(metric), "Save this chart as a PNG image");
        png.classList.add("chart-save");
        box.append(png);
        return box;
      });
      this.charts.replaceChildren(...boxes);
    } catch (error) {
      const problem = asUiError(error);
      this.charts.replaceChildren(withCode("div", "muted", `${problem.message}. ${problem.hint}`));
    }
  }

  private async drawOverview(): Promise<void> {
    try {
      const width = Math.round(this.charts.clientWidth) || WIDE_CHART;
      const svgs = await Promise.all((["cpu", "memory"] as StatsMetric[]).map((metric) => api.statsOverview(metric, this.seconds, shownTheme(), width)));
      this.charts.replaceChildren(
        ...svgs.map((svg, index) => {
          const box = element("div", "stats-chart wide");
          box.dataset.metric = index === 0 ? "overview-cpu" : "overview-memory";
          box.innerHTML = svg;
          return box;
        }),
      );
    } catch (error) {
      const problem = asUiError(error);
      this.charts.replaceChildren(withCode("div", "muted", `${problem.message}. ${problem.hint}`));
    }
  }

  private async exportPng(metric: StatsMetric): Promise<void> {
    if (!this.container) return;
    try {
      const saved = await api.statsExportPng(this.container.id, metric, this.seconds, `${this.container.name}-${metric}.png`);
      if (saved) this.report(`Saved the chart (${formatSize(saved.bytes)}) to ${saved.path}`);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  private async exportCsv(): Promise<void> {
    if (!this.container) return;
    try {
      const saved = await api.statsExportCsv(this.container.id, `${this.container.name}-stats.csv`);
      if (saved) this.report(`Saved ${formatSize(saved.bytes)} of stats to ${saved.path}`);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }
}
