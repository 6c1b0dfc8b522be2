// The Layers screen: an image as the stack of layers it is. The layer list sits beside a
// virtualized file tree (paged from the backend), with the image's figures above and a node's
// attributes below. The engine computes every row, size and figure; this file draws them and
// sends the user's choices back.
import {
  api,
  asUiError,
  Audit,
  AuditFinding,
  ChangeStatus,
  ImageAnalysis,
  ImageVulnerabilities,
  ImageSourceChoice,
  NodeDetails,
  Progress,
  Saved,
  TreeRow,
  UiError,
  ViewInfo,
  ViewOptions,
} from "./api";
import { viewerDialog } from "./dialog";
import { packagesPane } from "./packages-pane";
import { severityCounts, vulnsPane } from "./vulns-pane";
import { button, element, withCode, withTitle } from "./dom";
import { counted, formatSize } from "./format";
import { PagedRows, treeKey } from "./paged-rows";
import { whileWorking, workingLine } from "./working";

const ROW_HEIGHT = 24;

/** What the audit reads, said beside its findings. */
const AUDIT_SCOPE = "Secrets in the image's config, history and every file of every layer (deleted ones too), risky settings and files, and waste advice.";

/** Files the secret rules passed over, in words; empty when none were too large. */
function skippedNote(audit: Audit): string {
  const skipped = audit.skipped_files;
  if (skipped.too_large === 0) return "";
  return `${counted(skipped.too_large, "file")} over ${formatSize(skipped.size_limit)} (${formatSize(skipped.too_large_bytes)}) not read for secrets.`;
}

/** "Security: 1 critical, 2 medium — a secret in /root/.aws/credentials", or that nothing was found. */
export function auditLine(audit: Audit): HTMLElement[] {
  const label = element("span", "label", "Security");
  const scope = [AUDIT_SCOPE, skippedNote(audit)].filter(Boolean).join(" ");
  const open = audit.findings.filter((f) => !f.allowed);
  if (open.length === 0) {
    const said = audit.findings.length > 0 ? "nothing found but what the allow-list allows" : "nothing found";
    return [label, withTitle(element("span", "muted", said), scope)];
  }
  const order: AuditFinding["severity"][] = ["critical", "high", "medium", "low", "info"];
  const counts = order
    .map((severity) => [severity, open.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => element("span", `severity ${severity}`, `${count} ${severity}`));
  const secrets = open.filter((f) => f.kind === "secret");
  const note = secrets.length > 0 ? `${secrets.length === 1 ? "a secret" : `${secrets.length} secrets`} in ${[...new Set(secrets.map((f) => f.path))].join(", ")}` : "no secrets";
  return [label, ...counts, withTitle(element("span", "muted audit-note", note), `${note}. ${scope}`)];
}

const MARK: Record<ChangeStatus, string> = { added: "+", modified: "~", removed: "−", unmodified: " " };

/** An archive path or an image reference, told apart the way a user types them. */
export function sourceOf(text: string): ImageSourceChoice {
  const value = text.trim();
  const looksLikePath = value.startsWith("/") || value.startsWith("~") || value.startsWith(".") || /\.(tar|tar\.gz|tgz|oci)$/i.test(value);
  return looksLikePath ? { kind: "archive", value } : { kind: "daemon", value };
}

/** "12 MB of 1.2 GB · 85 MB/s" */
export function progressText(progress: Progress): string {
  const done = formatSize(progress.done_bytes);
  const total = progress.total_bytes ? ` of ${formatSize(progress.total_bytes)}` : "";
  return `${progress.task} — ${done}${total} · ${formatSize(Math.round(progress.bytes_per_second))}/s`;
}


/** Every hidden file the analysis lists, largest first, in a dialog. */
function hiddenFilesDialog(analysis: ImageAnalysis): void {
  const lines = analysis.hidden_files.map((file) => `${formatSize(file.size_bytes).padStart(9)}  layer ${file.layer} → ${file.hidden_by}  ${file.path}`);
  const note = `${formatSize(analysis.hidden_bytes)} in ${counted(analysis.hidden_file_count, "file")}, stored by one layer and hidden by a later one`;
  viewerDialog("Hidden files", note, lines.join("\n"));
}

/** The tabs of the Layers screen's security panel. */
type SecurityTab = "audit" | "packages" | "vulns";
const SECURITY_TABS: [SecurityTab, string][] = [["audit", "Audit"], ["packages", "Packages"], ["vulns", "Vulnerabilities"]];

export class LayersView {
  readonly element: HTMLElement;
  private readonly source: HTMLInputElement;
  private readonly progress = element("div", "progress-line");
  private readonly progressBar = element("progress");
  private readonly progressLabel = element("span", "muted");
  private readonly problem = element("div", "banner inline");
  private readonly empty = element("div", "empty-state");
  private readonly content = element("div", "layers-content");
  /** One line: what the audit found in the open image, and a button for the list. */
  private readonly audit = element("div", "audit-line");
  /** The security panel under the audit line: tabs for the audit's findings, the packages and
   * their vulnerabilities, one shown at a time. */
  private readonly security = element("div", "security-panel");
  private readonly securityTabs = new Map<SecurityTab, HTMLButtonElement>();
  /** The findings, grouped by kind; a file's finding opens the file at the layer that added it. */
  private readonly auditPanel = element("div", "audit-panel security-pane");
  private readonly packagesPanel = element("div", "security-pane");
  private readonly vulnsPanel = element("div", "security-pane");
  private openTab: SecurityTab | null = null;
  private audited: Audit | null = null;
  private readonly summary = element("div", "image-summary");
  private readonly layerList = element("div", "layer-list");
  private readonly counts = new Map<ChangeStatus, HTMLElement>();
  private readonly details = element("div", "node-details");
  private readonly cacheLine = element("div", "cache-line");
  private readonly treeViewport = element("div", "tree");
  private readonly tree: PagedRows<TreeRow>;
  private readonly search: HTMLInputElement;
  private analysis: ImageAnalysis | null = null;
  private options: ViewOptions = {
    layer: 0,
    aggregated: true,
    filter: { added: true, modified: true, removed: true, unmodified: true },
    search: "",
    regex: false,
    sort: "name",
  };
  private selected = -1;
  /** Counts the opens asked for; only the latest one's outcome is shown. */
  private opening = 0;
  private selectedDetails: NodeDetails | null = null;
  private searchTimer = 0;

  constructor(private readonly report: (message: string, hint?: string) => void) {
    this.element = element("section", "view");
    this.element.id = "layers-view";
    this.source = element("input");
    this.source.id = "layers-source";
    this.source.placeholder = "Image name:tag or id, registry://… or container://…";
    this.source.addEventListener("keydown", (e) => e.key === "Enter" && void this.open(this.source.value));
    const open = button("Open", "layers-open", () => void this.open(this.source.value));
    const archive = button("Open archive…", "layers-open-archive", () => void this.openArchive(), "Open a docker save or OCI archive file (Ctrl+O)");
    const toolbar = element("div", "toolbar");
    toolbar.append(this.source, open, archive, this.progress, this.cacheLine);
    this.buildProgress();
    this.problem.id = "layers-problem";
    this.problem.hidden = true;
    this.empty.id = "layers-empty";
    this.empty.innerHTML =
      "<h2>No image open</h2><p>Select an image on the Images screen and press <kbd>Enter</kbd>, " +
      "type a name or an id above, or open a <code>docker save</code> or OCI archive with <b>Open archive…</b> (<kbd>Ctrl</kbd>+<kbd>O</kbd>).</p>";
    this.search = element("input");
    this.tree = new PagedRows<TreeRow>(
      this.treeViewport,
      ROW_HEIGHT,
      (offset, count) => api.treeRows(offset, count),
      (row, index) => this.drawTreeRow(row, index),
    );
    this.buildContent();
    this.cacheLine.id = "cache-line";
    this.element.append(toolbar, this.problem, this.empty, this.content);
    this.content.hidden = true;
  }

  async refresh(): Promise<void> {
    await this.drawCache();
  }

  /** The layer index cache's folder and size, with a way to empty it. */
  private async drawCache(): Promise<void> {
    const usage = await api.cacheUsage();
    const text = element("span", "muted", usage.directory
      ? `Cache ${formatSize(usage.bytes)} in ${usage.layers} layers`
      : "Cache off (no cache folder)");
    text.title = usage.directory ? `The layer index cache, in ${usage.directory}` : "";
    text.id = "cache-usage";
    const clear = button("Clear", "clear-cache", () => void this.clearCache(), "Empty the layer index cache");
    clear.disabled = usage.bytes === 0;
    this.cacheLine.replaceChildren(text, clear);
  }

  private async clearCache(): Promise<void> {
    try {
      const freed = await api.clearCache();
      this.report(`Cleared the layer index cache: ${formatSize(freed)} freed. Images will be read again when opened.`);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
    await this.drawCache();
  }

  focusSearch(): void {
    if (this.content.hidden) this.focusSource();
    else this.search.focus();
  }

  focusSource(): void {
    this.source.focus();
    this.source.select();
  }

  /** Asks for an archive in the system's file dialog, then opens it. */
  async openArchive(): Promise<void> {
    try {
      const path = await api.chooseArchive();
      if (path !== null) await this.open(path);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  /** Opens an image by reference, or an archive by the path the file dialog gave. */
  async open(text: string): Promise<void> {
    const source = sourceOf(text);
    // An open superseded by a later one says nothing and leaves the screen to it.
    const opening = ++this.opening;
    this.source.value = source.value;
    this.showProblem(null);
    this.progress.hidden = false;
    this.progressBar.removeAttribute("value");
    this.progressLabel.textContent = `Opening ${source.value}…`;
    try {
      const analysis = await api.openImage(source, (p) => this.showProgress(p));
      this.analysis = analysis;
      this.options = { ...this.options, layer: analysis.layers.length - 1, aggregated: true, search: "" };
      this.search.value = "";
      this.selected = -1;
      this.drawSummary(analysis);
      this.drawLayers(analysis);
      await this.drawAudit(analysis.reference);
      this.clearDetails();
      this.empty.hidden = true;
      this.content.hidden = false;
      await this.applyView(this.options);
      await this.drawCache();
      // The mark that the image is open and its tree drawn: set last, so nothing that follows it
      // (a click on Expand all, a test's wait) races the first view.
      this.element.dataset.image = analysis.reference;
      this.treeViewport.focus();
    } catch (error) {
      if (opening !== this.opening) return;
      const problem = asUiError(error);
      if (problem.code === "cancelled") this.report(`Stopped reading ${source.value}.`);
      else this.showProblem(problem);
    } finally {
      if (opening === this.opening) this.progress.hidden = true;
    }
  }

  private buildProgress(): void {
    this.progress.id = "layers-progress";
    this.progress.hidden = true;
    const cancel = button("Cancel", "layers-cancel", () => void api.cancelOpen());
    this.progress.append(this.progressBar, this.progressLabel, cancel);
  }

  private showProgress(progress: Progress): void {
    if (progress.total_bytes) {
      this.progressBar.max = progress.total_bytes;
      this.progressBar.value = Math.min(progress.done_bytes, progress.total_bytes);
    }
    this.progressLabel.textContent = progressText(progress);
  }

  private showProblem(error: UiError | null): void {
    this.problem.hidden = error === null;
    if (!error) return;
    this.problem.replaceChildren(element("h2", "", "The image could not be opened"), element("p", "error-text", error.message), withCode("p", "", error.hint));
  }

  private buildContent(): void {
    const left = element("div", "layers-left");
    left.append(element("h3", "", "Layers"), this.layerList);
    this.layerList.id = "layer-list";
    this.layerList.tabIndex = 0;
    this.layerList.addEventListener("keydown", (e) => this.onLayerKey(e));
    const right = element("div", "layers-right");
    this.treeViewport.id = "tree";
    this.treeViewport.tabIndex = 0;
    this.treeViewport.setAttribute("role", "tree");
    this.treeViewport.addEventListener("keydown", (e) => void this.onTreeKey(e));
    this.details.id = "node-details";
    right.append(this.treeToolbar(), this.treeViewport, this.details);
    this.summary.id = "image-summary";
    this.audit.id = "audit-line";
    this.buildSecurityPanel();
    const body = element("div", "layers-body");
    body.append(left, right);
    this.content.append(this.summary, this.audit, this.security, body);
  }

  /** The tab strip (arrow keys move between tabs, Escape closes) and one pane per tab. */
  private buildSecurityPanel(): void {
    this.security.id = "security-panel";
    this.security.hidden = true;
    const strip = element("div", "security-tabs");
    strip.setAttribute("role", "tablist");
    strip.setAttribute("aria-label", "Security");
    const panes: Record<SecurityTab, HTMLElement> = { audit: this.auditPanel, packages: this.packagesPanel, vulns: this.vulnsPanel };
    for (const [tab, label] of SECURITY_TABS) {
      const tabButton = button(label, `tab-${tab}`, () => void this.showSecurityTab(tab));
      tabButton.setAttribute("role", "tab");
      tabButton.setAttribute("aria-controls", `${tab}-panel`);
      this.securityTabs.set(tab, tabButton);
      strip.append(tabButton);
      panes[tab].id = `${tab}-panel`;
      panes[tab].setAttribute("role", "tabpanel");
      panes[tab].hidden = true;
    }
    strip.addEventListener("keydown", (e) => this.onSecurityKey(e));
    const close = button("×", "security-close", () => this.closeSecurity(), "Close the panel (Escape)");
    close.setAttribute("aria-label", "Close the security panel");
    strip.append(close);
    this.security.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.closeSecurity();
      }
    });
    this.security.append(strip, this.auditPanel, this.packagesPanel, this.vulnsPanel);
  }

  private onSecurityKey(e: KeyboardEvent): void {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const order = SECURITY_TABS.map(([tab]) => tab);
    const at = order.indexOf(this.openTab ?? "audit");
    const next = order[(at + (e.key === "ArrowRight" ? 1 : order.length - 1)) % order.length];
    e.preventDefault();
    void this.showSecurityTab(next).then(() => this.securityTabs.get(next)?.focus());
  }

  /** The audit line's buttons: open the panel at `tab`, or close it when that tab is showing. */
  private toggleSecurityTab(tab: SecurityTab): void {
    if (!this.security.hidden && this.openTab === tab) this.closeSecurity();
    else void this.showSecurityTab(tab);
  }

  private closeSecurity(): void {
    this.security.hidden = true;
    this.openTab = null;
    this.markSecurityButtons();
  }

  /** Shows `tab`, reading its content afresh (the packages and findings come from the engine). */
  private async showSecurityTab(tab: SecurityTab): Promise<void> {
    this.openTab = tab;
    this.security.hidden = false;
    for (const [name, tabButton] of this.securityTabs) {
      tabButton.setAttribute("aria-selected", String(name === tab));
      tabButton.tabIndex = name === tab ? 0 : -1;
    }
    this.auditPanel.hidden = tab !== "audit";
    this.packagesPanel.hidden = tab !== "packages";
    this.vulnsPanel.hidden = tab !== "vulns";
    this.markSecurityButtons();
    if (tab === "audit") return;
    const pane = tab === "packages" ? this.packagesPanel : this.vulnsPanel;
    const opening = this.opening;
    pane.replaceChildren(element("p", "muted", tab === "packages" ? "Reading the packages…" : "Checking the packages against the advisories…"));
    const onLayer = (layer: number) => void this.selectLayer(layer);
    try {
      const content = tab === "packages" ? await packagesPane(this.element.dataset.image ?? "image", onLayer, this.report) : await vulnsPane(onLayer, this.report, (scan) => opening === this.opening && this.drawVulnTally(scan));
      if (opening !== this.opening || this.openTab !== tab) return;
      pane.replaceChildren(content);
      content.querySelector<HTMLInputElement>("input[type=search]")?.focus();
    } catch (error) {
      // A failure for an image or tab no longer showing is not this tab's.
      if (opening !== this.opening || this.openTab !== tab) return;
      const failure = asUiError(error);
      pane.replaceChildren(element("p", "error-text", failure.message), withCode("p", "muted", failure.hint ?? ""));
    }
  }

  /** The audit line's buttons say whether their tab is showing. */
  private markSecurityButtons(): void {
    for (const [id, tab] of [["audit-details", "audit"], ["open-packages", "packages"], ["open-vulns", "vulns"]] as const) {
      document.getElementById(id)?.setAttribute("aria-expanded", String(!this.security.hidden && this.openTab === tab));
    }
  }

  private treeToolbar(): HTMLElement {
    const bar = element("div", "tree-toolbar");
    const mode = element("div", "segmented");
    const layerOnly = button("This layer", "mode-layer", () => void this.applyView({ ...this.options, aggregated: false }), "Only what the selected layer holds");
    const aggregated = button("Aggregated", "mode-aggregated", () => void this.applyView({ ...this.options, aggregated: true }), "Everything up to the selected layer");
    mode.append(layerOnly, aggregated);
    const filters = element("div", "filters");
    for (const status of ["added", "modified", "removed", "unmodified"] as ChangeStatus[]) {
      const label = element("label", `toggle status-${status}`);
      const box = element("input");
      box.type = "checkbox";
      box.checked = true;
      box.id = `filter-${status}`;
      box.addEventListener("change", () => void this.applyView({ ...this.options, filter: { ...this.options.filter, [status]: box.checked } }));
      const count = element("span", "count");
      count.title = "Paths in the tree: everything under a deleted or added folder counts too";
      this.counts.set(status, count);
      label.append(box, `${MARK[status].trim() || "·"} ${status}`, count);
      filters.append(label);
    }
    this.search.type = "search";
    this.search.id = "tree-search";
    this.search.placeholder = "Search paths";
    this.search.addEventListener("input", () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.applyView({ ...this.options, search: this.search.value }), 150);
    });
    const regex = element("label", "toggle");
    const regexBox = element("input");
    regexBox.type = "checkbox";
    regexBox.id = "tree-regex";
    regexBox.addEventListener("change", () => void this.applyView({ ...this.options, regex: regexBox.checked }));
    regex.append(regexBox, ".*");
    regex.title = "Search with a regular expression";
    const sort = element("select");
    sort.id = "tree-sort";
    sort.append(new Option("Sort by name", "name"), new Option("Sort by size", "size"));
    sort.addEventListener("change", () => void this.applyView({ ...this.options, sort: sort.value as "name" | "size" }));
    const expand = button("Expand all", "expand-all", () => void this.expandAll(true));
    const collapse = button("Collapse all", "collapse-all", () => void this.expandAll(false));
    bar.append(mode, filters, this.search, regex, sort, expand, collapse);
    return bar;
  }

  /** The audit's line: the findings counted by severity, and *Details…* for the list. */
  private async drawAudit(reference: string): Promise<void> {
    let audit: Audit;
    this.audited = null;
    this.closeSecurity();
    try {
      audit = await api.imageAudit();
    } catch (error) {
      this.audit.replaceChildren(element("span", "muted", `Security: not audited (${asUiError(error).message})`));
      this.drawConfigFindings(null);
      return;
    }
    this.audited = audit;
    this.drawConfigFindings(audit);
    this.audit.replaceChildren(...auditLine(audit));
    this.audit.dataset.findings = String(audit.findings.length);
    const packages = button("Packages", "open-packages", () => this.toggleSecurityTab("packages"));
    packages.title = "What the image has installed, each package with the layer that installed it; save it as an SBOM (CycloneDX, SPDX)";
    const vulnerabilities = button("Vulnerabilities", "open-vulns", () => this.toggleSecurityTab("vulns"));
    vulnerabilities.title = "Known vulnerabilities of the installed packages, from OSV's advisories on this computer, with the layer that installed each";
    if (audit.findings.length > 0 || skippedNote(audit)) {
      const details = button("Details", "audit-details", () => this.toggleSecurityTab("audit"));
      details.title = `The findings of ${reference}, by kind; a finding in a file opens it at the layer that added it`;
      this.audit.append(details);
    }
    this.audit.append(packages, vulnerabilities);
    this.markSecurityButtons();
    this.drawAuditPanel(audit);
    this.markAuditedLayers();
    // Counted once the scan answers, if no other image was opened meanwhile; the image is shown
    // at once.
    const opening = this.opening;
    void api.imageVulnerabilities().then(
      (scan) => opening === this.opening && this.drawVulnTally(scan),
      () => undefined,
    );
  }

  /** The open image's known vulnerabilities counted on the security line, beside the audit's
   * findings, when there is a database to match against (else the line says nothing of them). */
  private drawVulnTally(scan: ImageVulnerabilities): void {
    if (!scan.report) return;
    const findings = scan.report.findings;
    const tally = element("span", "audit-vulns");
    tally.id = "audit-vulns";
    tally.title = "Known vulnerabilities of the installed packages, from OSV's advisories on this computer: Vulnerabilities lists them";
    if (findings.length === 0) tally.append(element("span", "muted", "no known vulnerabilities"));
    for (const [severity, count] of severityCounts(findings)) tally.append(element("span", `severity ${severity}`, `${count} ${severity}`));
    if (findings.length > 0) tally.append(element("span", "muted", findings.length === 1 ? "vulnerability" : "vulnerabilities"));
    this.audit.querySelector("#audit-vulns")?.remove();
    this.audit.insertBefore(tally, this.audit.querySelector("button"));
  }

  /** The findings as rows by kind, most severe first; a file's row opens it in the tree. */
  private drawAuditPanel(audit: Audit): void {
    const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
    const kinds: [AuditFinding["kind"], string][] = [["secret", "Secrets"], ["setting", "Risky settings"], ["advice", "Waste advice"]];
    const sections = kinds.flatMap(([kind, heading]) => {
      const found = audit.findings.filter((f) => f.kind === kind).sort((a, b) => rank[a.severity] - rank[b.severity]);
      if (found.length === 0) return [];
      const section = element("section", "audit-kind");
      section.append(element("h4", "", `${heading} (${found.length})`), ...found.map((f) => this.auditRow(f)));
      return [section];
    });
    const skipped = skippedNote(audit);
    const nothing = sections.length === 0 ? [element("p", "muted", "Nothing found: no secrets, risky settings or waste to point out.")] : [];
    this.auditPanel.replaceChildren(...nothing, ...sections, ...(skipped ? [element("div", "muted", skipped)] : []));
    const count = audit.findings.length;
    this.securityTabs.get("audit")?.replaceChildren(count > 0 ? `Audit (${count})` : "Audit");
  }

  private auditRow(finding: AuditFinding): HTMLElement {
    const opens = finding.where === "file" && finding.path.startsWith("/") && finding.layer_added !== null;
    const row = element(opens ? "button" : "div", `audit-row${finding.allowed ? " allowed" : ""}`);
    row.dataset.rule = finding.rule;
    const where = `${finding.path}${finding.layer_added === null ? "" : ` · layer ${finding.layer_added}`}`;
    row.append(
      element("span", `severity ${finding.severity}`, finding.severity),
      element("span", "rule", finding.rule),
      element("span", "where", where),
      element("span", "message", `${finding.message}${finding.preview ? ` (${finding.preview})` : ""}`),
    );
    if (finding.allowed_because) row.append(element("span", "muted", `allowed: ${finding.allowed_because}`));
    if (opens) {
      row.title = `Open ${finding.path} in layer ${finding.layer_added}, the layer that added it`;
      row.addEventListener("click", () => void this.openAt(finding.path, finding.layer_added ?? 0));
    }
    return row;
  }

  /** Shows `path` in the tree of layer `layer` alone (where a file a later layer deleted still
   * is), with every status shown, and selects it. */
  private async openAt(path: string, layer: number): Promise<void> {
    for (const box of this.element.querySelectorAll<HTMLInputElement>(".filters input")) box.checked = true;
    this.search.value = path;
    const regex = this.element.querySelector<HTMLInputElement>("#tree-regex");
    if (regex) regex.checked = false;
    const filter = { added: true, modified: true, removed: true, unmodified: true };
    await this.applyView({ ...this.options, layer, aggregated: false, filter, search: path, regex: false });
    await this.expandAll(true);
    const name = path.split("/").pop() ?? "";
    for (let index = this.tree.length - 1; index >= 0; index--) {
      const row = await this.tree.rowAt(index);
      if (row && row.name === name && row.kind !== "d") {
        await this.select(index);
        this.treeViewport.focus();
        return;
      }
    }
  }

  /** Each layer row's count of findings the layer brought (not allowed ones). */
  private markAuditedLayers(): void {
    for (const row of this.layerList.querySelectorAll<HTMLElement>(".layer-row")) {
      row.querySelector(".audit-badge")?.remove();
      const index = Number(row.dataset.index);
      const found = (this.audited?.findings ?? []).filter((f) => f.layer_added === index && !f.allowed && f.kind !== "advice");
      if (found.length === 0) continue;
      const secrets = found.filter((f) => f.kind === "secret").length;
      const badge = element("span", `audit-badge${secrets > 0 ? " secret" : ""}`, secrets > 0 ? counted(secrets, "secret") : `${found.length} to check`);
      badge.title = found.map((f) => `${f.severity}: ${f.rule} in ${f.path}`).join("\n");
      row.querySelector(".layer-head")?.append(badge);
    }
  }

  private drawSummary(analysis: ImageAnalysis): void {
    const card = (id: string, label: string, value: string, note = "") => {
      const node = element("div", "figure");
      node.id = id;
      node.append(element("span", "label", label), element("strong", "", value));
      if (note) node.append(element("span", "muted", note));
      return node;
    };
    const offenders = element("div", "offenders");
    offenders.id = "hidden-offenders";
    offenders.append(element("span", "label", "Largest hidden files"));
    for (const file of analysis.hidden_files.slice(0, 5)) {
      const line = element("div", "offender");
      // A long path is cut; the tooltip and "Show all" have it whole.
      line.append(element("span", "size", formatSize(file.size_bytes)), element("span", "path", file.path), element("span", "muted", `layer ${file.layer} → ${file.hidden_by}`));
      line.title = `${file.path}\nStored by layer ${file.layer}, overwritten or deleted by layer ${file.hidden_by}`;
      offenders.append(line);
    }
    if (analysis.hidden_file_count > 5) {
      const listed = analysis.hidden_files.length;
      const label = listed < analysis.hidden_file_count ? `Show the largest ${listed} of ${analysis.hidden_file_count}` : `Show all ${analysis.hidden_file_count}`;
      offenders.append(button(label, "hidden-show-all", () => hiddenFilesDialog(analysis)));
    }
    if (analysis.hidden_files.length === 0) offenders.append(element("div", "muted", "None: every stored byte is visible."));
    this.summary.replaceChildren(
      withTitle(
        card("summary-size", "Image size", formatSize(analysis.size_bytes), `${analysis.layers.length} layers · ${platformNote(analysis)}`),
        "The bytes of every file the layers store, hidden ones included. Docker's size (the Images screen) also counts each folder, so it is a little larger." +
          platformsTitle(analysis),
      ),
      card("summary-efficiency", "Efficiency", `${(analysis.efficiency * 100).toFixed(2)} %`, "as dive scores it"),
      card("summary-wasted", "Wasted", formatSize(analysis.wasted_bytes), `${analysis.user_wasted_percent.toFixed(1)} % of what the image adds`),
      card("summary-hidden", "Hidden", formatSize(analysis.hidden_bytes), `${counted(analysis.hidden_file_count, "file")} nobody can see`),
      card("summary-config", "Config", "…", "being audited"),
      offenders,
    );
  }

  /** The audit's findings in the config (ENV, labels, history, settings) beside the figures. */
  private drawConfigFindings(audit: Audit | null): void {
    const card = this.summary.querySelector<HTMLElement>("#summary-config");
    if (!card) return;
    const label = element("span", "label", "Config");
    if (!audit) {
      card.replaceChildren(label, element("strong", "", "—"), element("span", "muted", "not audited"));
      return;
    }
    const inConfig = audit.findings.filter((f) => f.where !== "file" && !f.allowed);
    const secrets = inConfig.filter((f) => f.kind === "secret").length;
    const headline = secrets > 0 ? counted(secrets, "secret") : inConfig.length > 0 ? `${inConfig.length} to check` : "clean";
    const lines = inConfig.slice(0, 3).map((f) => {
      const line = element("div", "config-finding");
      line.append(element("span", `severity ${f.severity}`, f.severity), element("span", "path", f.path));
      line.title = `${f.rule}: ${f.message}${f.preview ? ` (${f.preview})` : ""}`;
      return line;
    });
    const more = inConfig.length > 3 ? [element("span", "muted", `${inConfig.length - 3} more under Details`)] : [];
    const none = inConfig.length === 0 ? [element("span", "muted", "env, labels, history, user")] : [];
    card.replaceChildren(label, element("strong", secrets > 0 ? "danger-text" : "", headline), ...lines, ...more, ...none);
    card.dataset.findings = String(inConfig.length);
  }

  private drawLayers(analysis: ImageAnalysis): void {
    const rows = analysis.layers.map((layer) => {
      const row = element("div", "layer-row");
      row.dataset.index = String(layer.index);
      const head = element("div", "layer-head");
      head.append(
        element("span", "index", `#${layer.index}`),
        element("span", "size", formatSize(layer.size_bytes)),
        withTitle(
          element("span", "changes", `+${layer.added} ~${layer.modified} −${layer.removed}`),
          `Adds ${layer.added} paths, changes ${layer.modified}, deletes ${layer.removed} (a deleted folder counts once; the tree's counts include what was under it)`,
        ),
      );
      const command = element("div", "command", layer.command || "(no command recorded)");
      command.title = `${layer.command}\n${layer.digest}`;
      const digest = element("div", "digest", layer.digest.replace("sha256:", "").slice(0, 12));
      row.append(head, command, digest);
      row.addEventListener("click", () => void this.selectLayer(layer.index));
      return row;
    });
    this.layerList.replaceChildren(...rows);
  }

  private markLayer(): void {
    for (const row of this.layerList.querySelectorAll<HTMLElement>(".layer-row")) {
      row.classList.toggle("selected", Number(row.dataset.index) === this.options.layer);
    }
    document.getElementById("mode-layer")?.classList.toggle("active", !this.options.aggregated);
    document.getElementById("mode-aggregated")?.classList.toggle("active", this.options.aggregated);
  }

  private async selectLayer(index: number): Promise<void> {
    if (!this.analysis || index < 0 || index >= this.analysis.layers.length) return;
    await this.applyView({ ...this.options, layer: index });
  }

  private onLayerKey(event: KeyboardEvent): void {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    void this.selectLayer(this.options.layer + moves[event.key]);
  }

  private async applyView(options: ViewOptions): Promise<void> {
    try {
      const info = await api.setView(options);
      this.search.classList.remove("invalid");
      this.showView(info, true);
    } catch (error) {
      const problem = asUiError(error);
      this.search.classList.add("invalid");
      this.search.title = problem.message;
      this.options = options;
    }
  }

  private showView(info: ViewInfo, reset: boolean): void {
    this.options = info.options;
    for (const [status, count] of this.counts) count.textContent = String(info.counts[status]);
    this.markLayer();
    if (reset) this.selected = Math.min(this.selected, info.rows - 1);
    this.tree.reset(info.rows);
    this.element.dataset.rows = String(info.rows);
    this.treeViewport.dataset.rows = String(info.rows);
    // Another filter puts another file at the highlighted place: the panel follows the highlight.
    if (reset && this.selected >= 0) void this.select(this.selected);
    else if (reset) this.clearDetails();
  }

  private clearDetails(): void {
    this.selectedDetails = null;
    this.details.replaceChildren(element("div", "muted", "Select a file or folder to see its attributes; Enter views a file."));
  }

  private drawTreeRow(row: TreeRow, index: number): HTMLElement {
    const line = element("div", `tree-row status-${row.status}`);
    if (index === this.selected) line.classList.add("selected");
    line.dataset.name = row.name;
    line.dataset.status = row.status;
    line.setAttribute("role", "treeitem");
    const caret = element("span", "caret", row.expandable ? (row.expanded ? "▾" : "▸") : "");
    caret.addEventListener("click", (e) => {
      e.stopPropagation();
      void this.toggle(row.id);
    });
    const name = element("span", "name", row.name + (row.kind === "d" ? "/" : ""));
    if (row.link_target) name.append(element("span", "muted", ` → ${row.link_target}`));
    line.append(element("span", "mark", MARK[row.status]), element("span", "size", formatSize(row.size_bytes)), caret, name);
    line.style.setProperty("--depth", String(row.depth));
    line.addEventListener("click", () => void this.select(index));
    line.addEventListener("dblclick", () => void (row.expandable ? this.toggle(row.id) : this.viewFile()));
    return line;
  }

  private async toggle(id: number): Promise<void> {
    this.showView(await api.treeToggle(id), false);
  }

  private async expandAll(expanded: boolean): Promise<void> {
    this.showView(await api.treeExpandAll(expanded), false);
  }

  private async select(index: number): Promise<void> {
    if (index < 0 || index >= this.tree.length) return;
    this.selected = index;
    this.tree.reveal(index);
    const row = await this.tree.rowAt(index);
    this.tree.redraw();
    if (!row) return;
    try {
      this.selectedDetails = await api.nodeDetails(row.id);
      this.drawDetails(this.selectedDetails, row.id);
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  private drawDetails(details: NodeDetails, id: number): void {
    const field = (label: string, value: string) => {
      const node = element("div", "field");
      node.append(element("span", "label", label), element("span", "value", value));
      return node;
    };
    const when = details.mtime ? new Date(details.mtime * 1000).toISOString().replace("T", " ").slice(0, 19) : "—";
    const fields = [
      field("Path", details.path),
      field("Change", details.status),
      field("Mode", `${details.permissions} (${details.mode.toString(8).padStart(4, "0")})`),
      field("Owner", `${details.uid}:${details.gid}`),
      field("Size", formatSize(details.size_bytes)),
      field("Modified", when),
      field("Set by", `layer ${details.layer}`),
    ];
    if (details.link_target) fields.push(field("Points to", details.link_target));
    if (details.content_hash) fields.push(field("xxh3-128", details.content_hash));
    const actions = element("div", "detail-actions");
    const isFile = details.kind === "-" || details.kind === "h";
    const view = button("View", "view-file", () => void this.viewFile());
    const extract = button("Extract…", "extract-file", () => void this.extract(id, details));
    view.disabled = extract.disabled = !isFile;
    const exportLayer = button("Export layer as tar…", "export-layer", () => void this.exportLayer());
    actions.append(view, extract, exportLayer);
    this.details.replaceChildren(...fields, actions);
  }

  private async viewFile(): Promise<void> {
    const row = this.tree.row(this.selected);
    if (!row || !this.selectedDetails) return;
    try {
      const content = await whileWorking(`Reading ${this.selectedDetails.path}…`, () => api.fileContent(row.id), () => void api.cancelFileRead());
      const note = `${formatSize(content.size_bytes)}${content.truncated ? " — only the beginning is shown" : ""}${content.kind === "hex" ? " · binary, shown in hex" : ""}`;
      viewerDialog(content.path, note, content.body);
    } catch (error) {
      const problem = asUiError(error);
      if (problem.code !== "cancelled") this.report(problem.message, problem.hint);
    }
  }

  private async extract(id: number, details: NodeDetails): Promise<void> {
    const name = details.path.split("/").pop() ?? "file";
    await this.saving(`Extracting ${details.path}…`, (onWriting) => api.extractFile(id, name, onWriting), (saved) => `Saved ${formatSize(saved.bytes)} to ${saved.path}`);
  }

  private async exportLayer(): Promise<void> {
    const layer = this.options.layer;
    await this.saving(`Exporting layer #${layer}…`, (onWriting) => api.exportLayer(layer, `layer-${layer}.tar`, onWriting), (saved) => `Saved layer #${layer} (${formatSize(saved.bytes)}) to ${saved.path}`);
  }

  /** A save that asks where first: the working line (with Cancel) shows once a path is picked. */
  private async saving(label: string, save: (onWriting: () => void) => Promise<Saved | null>, done: (saved: Saved) => string): Promise<void> {
    const line = workingLine(label, () => void api.cancelFileRead());
    try {
      const saved = await save(line.show);
      if (saved) this.report(done(saved));
    } catch (error) {
      const problem = asUiError(error);
      if (problem.code === "cancelled") this.report("Stopped: nothing was saved.");
      else this.report(problem.message, problem.hint);
    } finally {
      line.end();
    }
  }

  private async onTreeKey(event: KeyboardEvent): Promise<void> {
    const row = this.tree.row(this.selected);
    const key = treeKey(event.key, this.selected, this.tree.length, row);
    if (!key) return;
    event.preventDefault();
    if ("select" in key) await this.select(key.select);
    else if ("expand" in key && row) this.showView(await api.treeSetExpanded(row.id, key.expand), false);
    else if (row?.expandable) await this.toggle(row.id);
    else await this.viewFile();
  }

}

/** The platforms of the index the image was read from, each with its size as stored. */
function platformsTitle(analysis: ImageAnalysis): string {
  if (analysis.platforms.length === 0) return "";
  const lines = analysis.platforms.map(
    (listed) => `${listed.platform}${listed.platform === analysis.platform ? " (this one)" : ""}: ${listed.compressed_bytes === null ? "size not known" : `${formatSize(listed.compressed_bytes)} stored`}`,
  );
  return `\n\nThe index lists:\n${lines.join("\n")}`;
}

/** Which platform was read, when the image is one of several in an index; else what the size counts. */
function platformNote(analysis: ImageAnalysis): string {
  if (analysis.platforms.length === 0) return "the bytes of their files";
  return `${analysis.platform}, one of ${analysis.platforms.length} platforms`;
}
