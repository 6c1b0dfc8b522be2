// The backend's commands and the shapes they return. The window only renders these values and
// sends the user's intents back; every figure is computed in the Rust engine.
import { Channel, invoke } from "@tauri-apps/api/core";

export interface Endpoint {
  name: string;
  /** What it is, in words its users know: "Docker Desktop", "Colima (default)". */
  label: string;
  host: string;
  source: "docker-host-variable" | "context" | "default-socket" | "product";
  tls: { ca: string; cert: string; key: string } | null;
  origin: string;
  problem: string | null;
}

export interface EndpointsView {
  endpoints: Endpoint[];
  preferred: string;
  problems: string[];
  selected: string;
}

export interface ServerInfo {
  product: string;
  version: string;
  api_version: string;
  os: string;
  arch: string;
}

export type Status =
  | { kind: "connecting"; endpoint: Endpoint }
  | { kind: "connected"; endpoint: Endpoint; server: ServerInfo }
  | { kind: "disconnected"; endpoint: Endpoint; error: string; hint: string; attempts: number; retry_in_seconds: number };

export interface LiveState {
  generation: number;
  status: Status;
  image_count: number;
  container_count: number;
}

export interface ImageRow {
  key: string;
  id: string;
  short_id: string;
  repository: string;
  tag: string;
  created: number;
  size: number;
  shared_size: number | null;
  containers: number;
  dangling: boolean;
}

export type ImageSort = "repository" | "tag" | "id" | "created" | "size" | "shared_size" | "containers";

export interface ImageQuery {
  text: string;
  dangling_only: boolean;
  in_use_only: boolean;
  sort: ImageSort;
  descending: boolean;
}

export interface ContainerRow {
  id: string;
  short_id: string;
  name: string;
  image: string;
  image_id: string;
  state: string;
  status: string;
  ports: string;
  created: number;
}

export type ContainerAction = "start" | "stop" | "kill" | "restart" | "remove";

export interface UiError {
  message: string;
  hint: string;
}

export interface Progress {
  task: string;
  done_bytes: number;
  total_bytes: number | null;
  bytes_per_second: number;
  finished: boolean;
}

export interface LayerSummary {
  index: number;
  digest: string;
  command: string;
  size_bytes: number;
  added: number;
  modified: number;
  removed: number;
  hidden_bytes: number;
  hides_bytes: number;
}

export interface HiddenFile {
  path: string;
  size_bytes: number;
  layer: number;
  hidden_by: number;
}

export interface ImageAnalysis {
  reference: string;
  id: string;
  repo_tags: string[];
  layers: LayerSummary[];
  size_bytes: number;
  visible_size_bytes: number;
  efficiency: number;
  wasted_bytes: number;
  user_size_bytes: number;
  user_wasted_percent: number;
  inefficiencies: { path: string; count: number; cumulative_size: number }[];
  hidden_bytes: number;
  hidden_file_count: number;
  hidden_files: HiddenFile[];
}

export type ChangeStatus = "added" | "modified" | "removed" | "unmodified";

export interface ViewOptions {
  layer: number;
  aggregated: boolean;
  filter: { added: boolean; modified: boolean; removed: boolean; unmodified: boolean };
  search: string;
  regex: boolean;
  sort: "name" | "size";
}

export interface ViewInfo {
  options: ViewOptions;
  rows: number;
  counts: { added: number; modified: number; removed: number; unmodified: number };
}

export interface TreeRow {
  id: number;
  depth: number;
  name: string;
  kind: string;
  size_bytes: number;
  status: ChangeStatus;
  expandable: boolean;
  expanded: boolean;
  link_target: string | null;
}

export interface NodeDetails {
  path: string;
  kind: string;
  status: ChangeStatus;
  size_bytes: number;
  permissions: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  content_hash: string;
  layer: number;
  link_target: string | null;
  children: number;
}

/** A file written where the user chose in the file dialog. */
export interface Saved {
  path: string;
  bytes: number;
}

export interface FileContent {
  path: string;
  size_bytes: number;
  kind: "text" | "hex";
  body: string;
  truncated: boolean;
}

export interface CacheUsage {
  directory: string;
  bytes: number;
  layers: number;
  images: number;
}

export interface FileChange {
  path: string;
  kind_before: string | null;
  kind_after: string | null;
  size_before: number;
  size_after: number;
  changes: string[];
}

export type DiffStatus = "added" | "removed" | "modified" | "changed";

/** One line of the changed-paths tree; `changed` is a folder that holds changes. */
export interface DiffRow {
  id: number;
  depth: number;
  name: string;
  path: string;
  status: DiffStatus;
  kind: string;
  delta_bytes: number;
  size_before: number;
  size_after: number;
  changes: string[];
  changed_below: number;
  expandable: boolean;
  expanded: boolean;
}

export interface DiffTreeInfo {
  query: DiffQuery;
  rows: number;
}

export interface DiffSummary {
  before: string;
  after: string;
  added: number;
  removed: number;
  modified: number;
  size_delta_bytes: number;
  config: { field: string; before: unknown; after: unknown }[];
  packages: {
    added: { ecosystem: string; name: string; version: string }[];
    removed: { ecosystem: string; name: string; version: string }[];
    upgraded: { ecosystem: string; name: string; before: string; after: string }[];
  };
  history: {
    shared_layers: number;
    shared: { index: number; digest: string; command: string }[];
    only_before: { index: number; digest: string; command: string }[];
    only_after: { index: number; digest: string; command: string }[];
  };
  folders: { path: string; delta_bytes: number; changed_paths: number }[];
  tree: DiffTreeInfo;
}

export interface DiffQuery {
  added: boolean;
  removed: boolean;
  modified: boolean;
  search: string;
  sort: "path" | "delta";
}

export interface Project {
  folder: string;
  dockerfile: string | null;
  context: string | null;
  target: string | null;
  build_args: Record<string, string>;
  labels: Record<string, string>;
  image: string;
  tags: string[];
  verify: string | null;
  restart_container: string | null;
  remove_superseded: boolean;
}

export interface Trigger {
  paths: string[];
  count: number;
}

export interface LayerChange {
  index: number;
  command: string;
  size_bytes: number;
  delta_bytes: number;
}

export interface BuildRecord {
  started: number;
  seconds: number;
  passed: boolean;
  image_id: string | null;
  tags: string[];
  size_bytes: number | null;
  size_delta_bytes: number | null;
  seconds_delta: number | null;
  layer_changes: LayerChange[];
  trigger: Trigger | null;
  error: string | null;
}

export interface PipelineOutcome {
  build: { image_id: string; seconds: number; context: { files: number; bytes: number }; labels: Record<string, string> };
  verification: { command: string; passed: boolean; exit_code: number; output: string; seconds: number } | null;
  tags: string[];
  size_bytes: number;
  previous: { image_id: string; size_bytes: number } | null;
  layer_changes: LayerChange[];
  removed: string | null;
  published: { reference: string; digest: string | null }[];
  restarted: [string, string] | null;
}

export interface ProjectSummary {
  project: Project;
  building: boolean;
  watching: boolean;
  last: BuildRecord | null;
}

export type ProjectEvent =
  | { kind: "started"; folder: string; trigger: Trigger | null }
  | { kind: "stage"; folder: string; name: string }
  | { kind: "step"; folder: string; number: number; total: number; instruction: string }
  | { kind: "line"; folder: string; line: string }
  | { kind: "finished"; folder: string; record: BuildRecord; outcome: PipelineOutcome | null; hint: string | null }
  | { kind: "watching"; folder: string; on: boolean; reason: string | null };

export interface StatsPoint {
  at: number;
  cpu_percent: number;
  memory_bytes: number;
  memory_limit_bytes: number;
  net_rx_per_second: number;
  net_tx_per_second: number;
  block_read_per_second: number;
  block_write_per_second: number;
  pids: number;
}

export interface StatsRow {
  id: string;
  name: string;
  running: boolean;
  point: StatsPoint | null;
  points: number;
  cpu_sparkline: string;
}

export type StatsMetric = "cpu" | "memory" | "network" | "block";

export interface HostFigures {
  cpus: number;
  cpu_percent: number;
  memory_used_bytes: number;
  memory_total_bytes: number;
  data_disk: { docker_root: string; mount_point: string; free_bytes: number; total_bytes: number; low: boolean } | null;
  /** Where Docker's data is when its disk is not this computer's, in words. */
  data_elsewhere: string | null;
}

export type ImageSourceChoice = { kind: "daemon"; value: string } | { kind: "archive"; value: string };

export type LogEvent = { kind: "lines"; lines: string[] } | { kind: "ended"; error: UiError | null };

export const api = {
  endpoints: () => invoke<EndpointsView>("endpoints"),
  rediscoverEndpoints: () => invoke<EndpointsView>("rediscover_endpoints"),
  selectEndpoint: (name: string) => invoke<void>("select_endpoint", { name }),
  watchState(onChange: (state: LiveState) => void): void {
    const channel = new Channel<LiveState>();
    channel.onmessage = onChange;
    void invoke("watch_state", { onChange: channel });
  },
  listImages: (query: ImageQuery) => invoke<ImageRow[]>("list_images", { query }),
  listContainers: () => invoke<ContainerRow[]>("list_containers"),
  containerAction: (id: string, action: ContainerAction) => invoke<void>("container_action", { id, action }),
  followLogs(id: string, tail: number, onEvent: (event: LogEvent) => void): Promise<number> {
    const channel = new Channel<LogEvent>();
    channel.onmessage = onEvent;
    return invoke<number>("follow_logs", { id, tail, onEvent: channel });
  },
  stopLogs: (follower: number) => invoke<void>("stop_logs", { follower }),
  openImage(source: ImageSourceChoice, onProgress: (progress: Progress) => void): Promise<ImageAnalysis> {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return invoke<ImageAnalysis>("open_image", { source, onProgress: channel });
  },
  cancelOpen: () => invoke<void>("cancel_open"),
  setView: (options: ViewOptions) => invoke<ViewInfo>("set_view", { options }),
  treeRows: (offset: number, count: number) => invoke<TreeRow[]>("tree_rows", { offset, count }),
  treeToggle: (id: number) => invoke<ViewInfo>("tree_toggle", { id }),
  treeSetExpanded: (id: number, expanded: boolean) => invoke<ViewInfo>("tree_set_expanded", { id, expanded }),
  treeExpandAll: (expanded: boolean) => invoke<ViewInfo>("tree_expand_all", { expanded }),
  nodeDetails: (id: number) => invoke<NodeDetails>("node_details", { id }),
  fileContent: (id: number) => invoke<FileContent>("file_content", { id }),
  // Saving asks where in the system's file dialog (opened by the app, not the page): `name` is
  // only the file name offered; null means the user cancelled.
  extractFile: (id: number, name: string) => invoke<Saved | null>("extract_file", { id, name }),
  exportLayer: (layer: number, name: string) => invoke<Saved | null>("export_layer", { layer, name }),
  /** The archive the user picked in the file dialog (null: cancelled); only such paths open. */
  chooseArchive: () => invoke<string | null>("choose_archive"),
  cacheUsage: () => invoke<CacheUsage>("cache_usage"),
  compareImages(before: ImageSourceChoice, after: ImageSourceChoice, onProgress: (progress: Progress) => void): Promise<DiffSummary> {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return invoke<DiffSummary>("compare_images", { before, after, onProgress: channel });
  },
  cancelCompare: () => invoke<void>("cancel_compare"),
  projectEvents(onEvent: (event: ProjectEvent) => void): void {
    const channel = new Channel<ProjectEvent>();
    channel.onmessage = onEvent;
    void invoke("project_events", { onEvent: channel });
  },
  projectList: () => invoke<ProjectSummary[]>("project_list"),
  statsRows: () => invoke<StatsRow[]>("stats_rows"),
  statsChart: (id: string, metric: StatsMetric, seconds: number) => invoke<string>("stats_chart", { id, metric, seconds }),
  statsOverview: (metric: StatsMetric, seconds: number) => invoke<string>("stats_overview", { metric, seconds }),
  statsExportCsv: (id: string, name: string) => invoke<Saved | null>("stats_export_csv", { id, name }),
  statsExportPng: (id: string, metric: StatsMetric, seconds: number, name: string) =>
    invoke<Saved | null>("stats_export_png", { id, metric, seconds, name }),
  statsDismiss: (id: string) => invoke<void>("stats_dismiss", { id }),
  statsHost: () => invoke<HostFigures>("stats_host"),
  /** Adds a path dropped on the window (the app refuses any other). */
  projectAdd: (path: string) => invoke<Project>("project_add", { path }),
  /** Asks for a folder in the file dialog and adds it (null: cancelled). */
  projectChoose: () => invoke<Project | null>("project_choose"),
  projectSave: (project: Project) => invoke<void>("project_save", { project }),
  projectRemove: (folder: string) => invoke<void>("project_remove", { folder }),
  projectHistory: (folder: string) => invoke<BuildRecord[]>("project_history", { folder }),
  projectBuild: (folder: string, publish: boolean) => invoke<BuildRecord>("project_build", { folder, publish }),
  projectCancel: (folder: string) => invoke<void>("project_cancel", { folder }),
  projectWatch: (folder: string, on: boolean) => invoke<void>("project_watch", { folder, on }),
  diffSetQuery: (query: DiffQuery) => invoke<DiffTreeInfo>("diff_set_query", { query }),
  diffRows: (offset: number, count: number) => invoke<DiffRow[]>("diff_rows", { offset, count }),
  /** Unfolds (true), folds (false) or toggles (null) a folder. */
  diffSetExpanded: (id: number, expanded: boolean | null) => invoke<DiffTreeInfo>("diff_set_expanded", { id, expanded }),
  diffExpandAll: (expanded: boolean) => invoke<DiffTreeInfo>("diff_expand_all", { expanded }),
  diffFile: (path: string) => invoke<string>("diff_file", { path }),
  clearCache: () => invoke<number>("clear_cache"),
};

/** Turns whatever a failed command threw into the `{message, hint}` shape. */
export function asUiError(error: unknown): UiError {
  if (error && typeof error === "object" && "message" in error) {
    const e = error as { message: unknown; hint?: unknown };
    return { message: String(e.message), hint: typeof e.hint === "string" ? e.hint : "" };
  }
  return { message: String(error), hint: "" };
}

// ---- Cleanup ----

export type Category = "in-use" | "unused" | "dangling" | "old";

export interface Retention {
  keep_newest: number | null;
  older_than_days: number | null;
  keep_tags: string[];
}

export interface CleanupPolicy {
  dangling: boolean;
  unused: boolean;
  retention: Retention;
  containers_older_than_days: number | null;
  build_cache: boolean;
  label: string | null;
  chosen: string[];
  excluded: string[];
}

export interface CleanupRequest {
  policy: CleanupPolicy;
  repository_rules: string;
  width: number;
  height: number;
}

export interface ImageSpace {
  id: string;
  short_id: string;
  refs: string[];
  created: number;
  category: Category;
  containers: number;
  size: number;
  shared: number;
  unique: number;
  attributed: number;
}

export interface Space {
  images: ImageSpace[];
  repositories: { repository: string; images: number[]; size: number; unique: number }[];
  categories: { category: Category; images: number; unique: number; attributed: number; reclaimable: number }[];
  image_bytes: number;
  containers: { id: string; name: string; running: boolean; size_rw: number }[];
  container_bytes: number;
  build_cache: { total: number; reclaimable: number; records: number } | null;
  volumes: { name: string; size: number | null; containers: number }[] | null;
}

export interface PlanItem {
  kind: "container" | "build-cache" | "image";
  id: string;
  refs: string[];
  reason: "dangling" | "unused" | "old" | "stopped" | "build-cache" | "chosen";
  bytes_freed: number;
}

export interface Plan {
  items: PlanItem[];
  skipped: { name: string; why: string }[];
  total_bytes_freed: number;
  bytes_before: number;
  bytes_after: number;
}

export interface Branch {
  layers: number;
  bytes: number;
  branch_bytes: number;
  command: string;
  images: { id: string; name: string; refs: string[] }[];
  children: Branch[];
}

export interface CleanupData {
  space: Space;
  plan: Plan;
  family: Branch[];
  treemap: { svg: string; tiles: { key: string; x: number; y: number; w: number; h: number }[] };
  legend: { category: Category; label: string; colour: string }[];
  counted: boolean;
}

export type Outcome =
  | { outcome: "removed"; bytes_freed: number; archive: string | null }
  | { outcome: "skipped"; why: string }
  | { outcome: "failed"; error: string }
  | { outcome: "not-attempted" };

export type ApplyEvent =
  | { kind: "started"; index: number }
  | { kind: "saving"; index: number; archive: string }
  | ({ kind: "finished"; index: number; outcome: Outcome });

export interface ApplyReport {
  outcomes: Outcome[];
  bytes_freed: number;
  removed: number;
  skipped: number;
  failed: number;
  not_attempted: number;
}

export const cleanupApi = {
  survey: (request: CleanupRequest) => invoke<CleanupData>("cleanup_survey", { request }),
  countAll: (request: CleanupRequest) => invoke<CleanupData>("cleanup_count_all", { request }),
  plan: (request: CleanupRequest) => invoke<CleanupData>("cleanup_plan", { request }),
  apply(request: CleanupRequest, saveTo: string | null, onEvent: (event: ApplyEvent) => void): Promise<ApplyReport> {
    const channel = new Channel<ApplyEvent>();
    channel.onmessage = onEvent;
    return invoke<ApplyReport>("cleanup_apply", { request, saveTo, onEvent: channel });
  },
  cancel: () => invoke<void>("cleanup_cancel"),
  /** Asks for an archive in the file dialog and loads it (null: cancelled). */
  restore: () => invoke<string[] | null>("cleanup_restore"),
  archiveFolder: () => invoke<string>("cleanup_archive_folder"),
  chooseFolder: () => invoke<string | null>("cleanup_choose_folder"),
};
