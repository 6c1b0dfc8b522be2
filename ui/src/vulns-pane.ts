// The open image's known vulnerabilities, as the Vulnerabilities tab of the Layers screen's
// security panel: worst first (or by package or layer), filtered as the user types, each with the
// version that fixes it and the layer that installed the package (a click shows that layer). With
// no database yet it says so and offers to download OSV's advisories, with a progress bar. The
// engine scans; this only shows what it found.
import { api, asUiError, ImageVulnerabilities, Progress, VulnFinding, VulnSeverity } from "./api";
import { button, element } from "./dom";
import { formatAgo, formatSize } from "./format";

const SEVERITY_RANK: Record<VulnSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };
type SortBy = "severity" | "package" | "layer";

/** How many findings of each severity there are, worst first, those with none left out. */
export function severityCounts(findings: VulnFinding[]): [VulnSeverity, number][] {
  const order: VulnSeverity[] = ["critical", "high", "medium", "low", "unknown"];
  return order.map((severity): [VulnSeverity, number] => [severity, findings.filter((f) => f.severity === severity).length]).filter(([, count]) => count > 0);
}

/** "2 critical · 1 high · 5 medium", or "No known vulnerabilities". */
export function severityTally(findings: VulnFinding[]): string {
  if (findings.length === 0) return "No known vulnerabilities";
  return severityCounts(findings)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(" · ");
}

/** What the database holds and how old it is, in one line. */
export function databaseNote(scan: ImageVulnerabilities, nowMs: number = Date.now()): string {
  if (!scan.database) return "No vulnerability database yet.";
  const sources = scan.database.ecosystems.map((e) => `${e.ecosystem} ${formatAgo(Date.parse(e.imported_at) / 1000, nowMs).toLowerCase()}`);
  const checked = scan.report ? `${scan.report.packages_checked} packages checked against ` : "";
  return `${checked}OSV advisories: ${sources.join(", ")}`;
}

function sorted(findings: VulnFinding[], by: SortBy): VulnFinding[] {
  const compare = {
    severity: (a: VulnFinding, b: VulnFinding) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.package.localeCompare(b.package),
    package: (a: VulnFinding, b: VulnFinding) => a.package.localeCompare(b.package) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
    layer: (a: VulnFinding, b: VulnFinding) => a.layer - b.layer || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  }[by];
  return [...findings].sort(compare);
}

/** One finding: severity, id (and CVE), package and version, "fixed in …", layer. */
function findingRow(finding: VulnFinding, onLayer: (layer: number) => void): HTMLElement {
  const row = element("button", "vuln-row");
  row.dataset.id = finding.id;
  row.dataset.layer = String(finding.layer);
  const cve = finding.aliases.find((a) => a.startsWith("CVE-") && a !== finding.id);
  const score = finding.score === null ? "" : ` (CVSS ${finding.score.toFixed(1)})`;
  row.title = [`${finding.id}${cve ? ` · ${cve}` : ""}${score}`, finding.summary, `Click to show layer ${finding.layer}`].filter(Boolean).join("\n");
  row.append(
    element("span", `severity ${finding.severity}`, finding.severity),
    element("span", "vuln-id", cve ? `${finding.id} · ${cve}` : finding.id),
    element("span", "vuln-package", `${finding.package} ${finding.version}`),
    element("span", "vuln-fixed", finding.fixed ? `fixed in ${finding.fixed}` : "not fixed yet"),
    element("span", "vuln-layer", `layer ${finding.layer}`),
  );
  row.addEventListener("click", () => onLayer(finding.layer));
  return row;
}

/** The empty state with no database: what to do, and a button that downloads it. */
function noDatabase(onDone: () => void, report: (message: string, hint?: string) => void): HTMLElement {
  const box = element("div", "vuln-empty");
  box.id = "vulns-no-database";
  const bar = element("progress");
  bar.hidden = true;
  const status = element("span", "muted");
  status.id = "vulns-download-status";
  const download = button("Download advisories", "vulns-download", async () => {
    download.disabled = true;
    bar.hidden = false;
    try {
      const summary = await api.updateVulnerabilities((p: Progress) => {
        bar.max = p.total_bytes ?? 0;
        if (p.total_bytes) bar.value = p.done_bytes;
        else bar.removeAttribute("value");
        status.textContent = `${p.task} · ${formatSize(p.done_bytes)}`;
      });
      status.textContent = `Imported ${summary.advisories} advisories for ${summary.ecosystems.join(", ")}.`;
      onDone();
    } catch (error) {
      const failure = asUiError(error);
      status.textContent = "";
      report(failure.message, failure.hint);
      download.disabled = false;
    } finally {
      bar.hidden = true;
    }
  });
  download.classList.add("primary");
  download.title = "From osv.dev (or STRATA_OSV_URL); a cut download resumes where it stopped";
  const actions = element("div", "toolbar");
  actions.append(download, bar, status);
  box.append(element("p", "", "Strata matches packages against OSV's advisories offline, from a database on this computer. Download OSV's advisories for Debian, Ubuntu, Alpine, PyPI, npm, Go and crates.io, or import dumps you already have with strata vulns import."), actions);
  return box;
}

/** The tab's content for the open image; `onLayer` shows a layer, `onScanned` hears each scan
 * (the security line counts it). After a download it shows the scan in place. */
export async function vulnsPane(
  onLayer: (layer: number) => void,
  report: (message: string, hint?: string) => void,
  onScanned: (scan: ImageVulnerabilities) => void = () => undefined,
): Promise<HTMLElement> {
  const pane = element("div", "security-pane-content");
  pane.id = "vulns-pane";
  const fill = async () => {
    const scan = await api.imageVulnerabilities();
    onScanned(scan);
    const note = element("p", "muted", databaseNote(scan));
    if (!scan.report) {
      pane.replaceChildren(note, noDatabase(() => void fill().catch(reportFailure), report));
      return;
    }
    pane.replaceChildren(note, ...findingsList(scan, onLayer));
  };
  const reportFailure = (error: unknown) => {
    const failure = asUiError(error);
    report(failure.message, failure.hint);
  };
  await fill();
  return pane;
}

/** The findings' tally, filter and sort, list, and what was not checked. */
function findingsList(scan: ImageVulnerabilities, onLayer: (layer: number) => void): HTMLElement[] {
  const findings = scan.report?.findings ?? [];
  const filter = element("input");
  filter.type = "search";
  filter.id = "vulns-filter";
  filter.placeholder = "Filter by id, package or version";
  const sortBy = element("select");
  sortBy.id = "vulns-sort";
  sortBy.setAttribute("aria-label", "Sort by");
  for (const [value, label] of [["severity", "Worst first"], ["package", "By package"], ["layer", "By layer"]]) {
    sortBy.append(Object.assign(element("option"), { value, textContent: label }));
  }
  const list = element("div", "vuln-list");
  list.id = "vuln-list";
  const draw = () => {
    const text = filter.value.trim().toLowerCase();
    const shown = sorted(findings, sortBy.value as SortBy).filter((f) =>
      `${f.id} ${f.aliases.join(" ")} ${f.package} ${f.version} ${f.summary}`.toLowerCase().includes(text),
    );
    list.replaceChildren(...shown.map((f) => findingRow(f, onLayer)));
    if (shown.length === 0) list.append(element("p", "muted", findings.length === 0 ? "No installed package has a known vulnerability." : "No vulnerability matches the filter."));
  };
  filter.addEventListener("input", draw);
  sortBy.addEventListener("change", draw);
  const tally = element("strong", "vuln-tally", severityTally(findings));
  tally.id = "vulns-tally";
  const actions = element("div", "toolbar");
  actions.append(tally, filter, sortBy);
  const notes = (scan.report?.not_covered ?? []).map((what) => `Not checked: ${what}.`);
  const notCompared = scan.report?.not_compared.length ?? 0;
  if (notCompared > 0) notes.push(`${notCompared} versions could not be compared with an advisory's ranges.`);
  draw();
  return [actions, list, element("p", "muted", notes.join(" "))];
}
