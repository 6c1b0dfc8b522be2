// The backend's commands and the shapes they return. The window only renders these values and
// sends the user's intents back; every figure is computed in the Rust engine.
import { Channel, invoke } from "@tauri-apps/api/core";
import type * as Engine from "./contract";

// Every value the engine sends or takes is typed in contract.ts, generated from the Rust
// definitions; the views import them from here.
export type * from "./contract";

/** Calls a command by a name the Rust side declares (a typo fails to compile). */
function call<T>(command: Engine.Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(command, args);
}

export const api = {
  endpoints: () => call<Engine.EndpointsView>("endpoints"),
  rediscoverEndpoints: () => call<Engine.EndpointsView>("rediscover_endpoints"),
  selectEndpoint: (name: string) => call<void>("select_endpoint", { name }),
  watchState(onChange: (state: Engine.LiveState) => void): void {
    const channel = new Channel<Engine.LiveState>();
    channel.onmessage = onChange;
    void call<void>("watch_state", { onChange: channel });
  },
  listImages: (query: Engine.ImageQuery) => call<Engine.ImageRow[]>("list_images", { query }),
  /** The audit tallies kept for those of these image ids that were audited before. */
  /** Vulnerability counts of those images whose packages were read before; empty with no database. */
  vulnTallies: (ids: string[]) => call<Partial<Record<string, Engine.VulnTally>>>("vuln_tallies", { ids }),
  auditTallies: (ids: string[]) => call<Partial<Record<string, Engine.AuditTally>>>("audit_tallies", { ids }),
  listContainers: () => call<Engine.ContainerRow[]>("list_containers"),
  /** Reads the container list again: the statuses' ages ("Up 3 seconds") move with no event. */
  rereadContainers: () => call<void>("reread_containers"),
  containerAction: (id: string, action: Engine.ContainerAction) => call<void>("container_action", { id, action }),
  followLogs(id: string, tail: number, onEvent: (event: Engine.LogEvent) => void): Promise<number> {
    const channel = new Channel<Engine.LogEvent>();
    channel.onmessage = onEvent;
    return call<number>("follow_logs", { id, tail, onEvent: channel });
  },
  stopLogs: (follower: number) => call<void>("stop_logs", { follower }),
  openImage(source: Engine.ImageSourceChoice, onProgress: (progress: Engine.Progress) => void): Promise<Engine.ImageAnalysis> {
    const channel = new Channel<Engine.Progress>();
    channel.onmessage = onProgress;
    return call<Engine.ImageAnalysis>("open_image", { source, onProgress: channel });
  },
  cancelOpen: () => call<void>("cancel_open"),
  setView: (options: Engine.ViewOptions) => call<Engine.ViewInfo>("set_view", { options }),
  treeRows: (offset: number, count: number) => call<Engine.TreeRow[]>("tree_rows", { offset, count }),
  treeToggle: (id: number) => call<Engine.ViewInfo>("tree_toggle", { id }),
  treeSetExpanded: (id: number, expanded: boolean) => call<Engine.ViewInfo>("tree_set_expanded", { id, expanded }),
  treeExpandAll: (expanded: boolean) => call<Engine.ViewInfo>("tree_expand_all", { expanded }),
  nodeDetails: (id: number) => call<Engine.NodeDetails>("node_details", { id }),
  /** The open image's audit: secrets in its config and files, risky settings, waste advice. */
  imageAudit: () => call<Engine.Audit>("image_audit"),
  /** What the open image has installed, each package with the layer that installed it. */
  imagePackages: () => call<Engine.Inventory>("image_packages"),
  /** Asks where to save the open image's SBOM (offered as `name`); null: cancelled. */
  saveSbom: (format: Engine.SbomFormat, name: string) => call<Engine.Saved | null>("image_save_sbom", { format, name }),
  /** The open image's known vulnerabilities, or that there is no database yet. */
  imageVulnerabilities: () => call<Engine.ImageVulnerabilities>("image_vulnerabilities"),
  /** Downloads OSV's advisories into the local database, reporting progress. */
  updateVulnerabilities(onProgress: (progress: Engine.Progress) => void): Promise<Engine.ImportSummary> {
    const channel = new Channel<Engine.Progress>();
    channel.onmessage = onProgress;
    return call<Engine.ImportSummary>("vulns_update", { onProgress: channel });
  },
  fileContent: (id: number) => call<Engine.FileContent>("file_content", { id }),
  /** Stops the file read for View or Show diff. */
  cancelFileRead: () => call<void>("cancel_file_read"),
  // Saving asks where in the system's file dialog (opened by the app, not the page): `name` is
  // only the file name offered; null means the user cancelled.
  // `onWriting` hears the chosen path once the user picked it: the writing starts.
  extractFile(id: number, name: string, onWriting: (path: string) => void = () => undefined): Promise<Engine.Saved | null> {
    const channel = new Channel<string>();
    channel.onmessage = onWriting;
    return call<Engine.Saved | null>("extract_file", { id, name, onWriting: channel });
  },
  exportLayer(layer: number, name: string, onWriting: (path: string) => void = () => undefined): Promise<Engine.Saved | null> {
    const channel = new Channel<string>();
    channel.onmessage = onWriting;
    return call<Engine.Saved | null>("export_layer", { layer, name, onWriting: channel });
  },
  /** The archive the user picked in the file dialog (null: cancelled); only such paths open. */
  chooseArchive: () => call<string | null>("choose_archive"),
  cacheUsage: () => call<Engine.CacheUsage>("cache_usage"),
  compareImages(before: Engine.ImageSourceChoice, after: Engine.ImageSourceChoice, onProgress: (progress: Engine.Progress) => void): Promise<Engine.DiffSummary> {
    const channel = new Channel<Engine.Progress>();
    channel.onmessage = onProgress;
    return call<Engine.DiffSummary>("compare_images", { before, after, onProgress: channel });
  },
  cancelCompare: () => call<void>("cancel_compare"),
  projectEvents(onEvent: (event: Engine.ProjectEvent) => void): void {
    const channel = new Channel<Engine.ProjectEvent>();
    channel.onmessage = onEvent;
    void call<void>("project_events", { onEvent: channel });
  },
  projectList: () => call<Engine.ProjectSummary[]>("project_list"),
  // Charts come drawn for `theme`, the one the window shows (theme.ts `shownTheme`).
  statsRows: (theme: Engine.ChartTheme) => call<Engine.StatsRow[]>("stats_rows", { theme }),
  // `width`: the CSS pixels the chart is shown at, so its text is drawn at its true size.
  statsChart: (id: string, metric: Engine.StatsMetric, seconds: number, theme: Engine.ChartTheme, width: number) =>
    call<string>("stats_chart", { id, metric, seconds, theme, width }),
  statsOverview: (metric: Engine.StatsMetric, seconds: number, theme: Engine.ChartTheme, width: number) =>
    call<string>("stats_overview", { metric, seconds, theme, width }),
  statsExportCsv: (id: string, name: string) => call<Engine.Saved | null>("stats_export_csv", { id, name }),
  statsExportPng: (id: string, metric: Engine.StatsMetric, seconds: number, name: string) =>
    call<Engine.Saved | null>("stats_export_png", { id, metric, seconds, name }),
  statsDismiss: (id: string) => call<void>("stats_dismiss", { id }),
  statsHost: () => call<Engine.HostFigures>("stats_host"),
  /** Adds a path dropped on the window (the app refuses any other). */
  projectAdd: (path: string) => call<Engine.Project>("project_add", { path }),
  /** Asks for a folder in the file dialog and adds it (null: cancelled). */
  projectChoose: () => call<Engine.Project | null>("project_choose"),
  projectSave: (project: Engine.Project) => call<void>("project_save", { project }),
  projectRemove: (folder: string) => call<void>("project_remove", { folder }),
  projectHistory: (folder: string) => call<Engine.BuildRecord[]>("project_history", { folder }),
  /** The timeline of the build that began at `shown` (null: the latest timed one) and the trend. */
  projectBuildCharts: (folder: string, shown: number | null, theme: Engine.ChartTheme, width: number) =>
    call<Engine.BuildCharts>("project_build_charts", { folder, shown, theme, width }),
  projectBuild: (folder: string, publish: boolean) => call<Engine.BuildRecord>("project_build", { folder, publish }),
  projectCancel: (folder: string) => call<void>("project_cancel", { folder }),
  projectWatch: (folder: string, on: boolean) => call<void>("project_watch", { folder, on }),
  diffSetQuery: (query: Engine.DiffQuery) => call<Engine.DiffTreeInfo>("diff_set_query", { query }),
  diffRows: (offset: number, count: number) => call<Engine.DiffRow[]>("diff_rows", { offset, count }),
  /** Unfolds (true), folds (false) or toggles (null) a folder. */
  diffSetExpanded: (id: number, expanded: boolean | null) => call<Engine.DiffTreeInfo>("diff_set_expanded", { id, expanded }),
  diffExpandAll: (expanded: boolean) => call<Engine.DiffTreeInfo>("diff_expand_all", { expanded }),
  diffFile: (path: string) => call<Engine.PathComparison>("diff_file", { path }),
  /** Images to compare with, newest first; with `reference`, its repository's other tags first. */
  diffChoices: (reference: string | null) => call<string[]>("diff_choices", { reference }),
  clearCache: () => call<number>("clear_cache"),
};

/** Turns whatever a failed command threw into the `{code, message, hint}` shape. */
export function asUiError(error: unknown): Engine.UiError {
  if (error && typeof error === "object" && "message" in error) {
    const e = error as { code?: unknown; message: unknown; hint?: unknown };
    const code = typeof e.code === "string" ? (e.code as Engine.UiError["code"]) : "internal";
    return { code, message: String(e.message), hint: typeof e.hint === "string" ? e.hint : "" };
  }
  return { code: "internal", message: String(error), hint: "" };
}

// ---- Cleanup ----

export const cleanupApi = {
  survey: (request: Engine.CleanupRequest) => call<Engine.CleanupData>("cleanup_survey", { request }),
  countAll: (request: Engine.CleanupRequest) => call<Engine.CleanupData>("cleanup_count_all", { request }),
  plan: (request: Engine.CleanupRequest) => call<Engine.CleanupData>("cleanup_plan", { request }),
  apply(request: Engine.CleanupRequest, saveTo: string | null, onEvent: (event: Engine.ApplyEvent) => void): Promise<Engine.ApplyReport> {
    const channel = new Channel<Engine.ApplyEvent>();
    channel.onmessage = onEvent;
    return call<Engine.ApplyReport>("cleanup_apply", { request, saveTo, onEvent: channel });
  },
  cancel: () => call<void>("cleanup_cancel"),
  /** Asks for an archive in the file dialog and loads it (null: cancelled). */
  restore: () => call<string[] | null>("cleanup_restore"),
  archiveFolder: () => call<string>("cleanup_archive_folder"),
  chooseFolder: () => call<string | null>("cleanup_choose_folder"),
};

// ---- Registries ----

export const registryApi = {
  /** The docker config's registries and those added here, in name order. */
  known: () => call<Engine.KnownRegistry[]>("registries_known"),
  add: (host: string) => call<Engine.KnownRegistry[]>("registry_add", { host }),
  repositories: (host: string) => call<Engine.Listed>("registry_repositories", { host }),
  /** `repository` is `HOST/PATH`. */
  tags: (repository: string) => call<Engine.RegistryTags>("registry_tags", { repository }),
  /** How each local image named after a listed registry compares with the registry's tag. */
  againstImages: (references: string[]) => call<Engine.RegistryCopy[]>("images_against_registries", { references }),
  /** Checked against the registry, then saved where the docker CLI would save it. */
  signIn: (host: string, username: string, password: string) => call<Engine.SignedIn>("registry_sign_in", { host, username, password }),
  /** Pulls `reference` into the daemon; `onProgress` hears each layer's progress. */
  pull(reference: string, onProgress: (state: Engine.PullState) => void): Promise<Engine.PullState> {
    const channel = new Channel<Engine.PullState>();
    channel.onmessage = onProgress;
    return call<Engine.PullState>("registry_pull", { reference, onProgress: channel });
  },
  /** Tags the local `image` as `target` (`HOST/REPOSITORY:TAG`) and pushes it. */
  push(image: string, target: string, onStatus: (line: string) => void): Promise<Engine.Published> {
    const channel = new Channel<string>();
    channel.onmessage = onStatus;
    return call<Engine.Published>("registry_push", { image, target, onStatus: channel });
  },
};
