// Generated from the Rust definitions by src-tauri/app/contract.rs (`make contract`). Do not edit.

/** Every command the window may call (`window_commands!` in src-tauri/app/mod.rs). */
export type Command =
  | "endpoints"
  | "select_endpoint"
  | "rediscover_endpoints"
  | "watch_state"
  | "list_images"
  | "list_containers"
  | "container_action"
  | "follow_logs"
  | "stop_logs"
  | "open_image"
  | "cancel_open"
  | "set_view"
  | "tree_rows"
  | "tree_toggle"
  | "tree_set_expanded"
  | "tree_expand_all"
  | "node_details"
  | "file_content"
  | "extract_file"
  | "export_layer"
  | "choose_archive"
  | "cache_usage"
  | "clear_cache"
  | "compare_images"
  | "cancel_compare"
  | "diff_set_query"
  | "diff_rows"
  | "diff_set_expanded"
  | "diff_expand_all"
  | "diff_file"
  | "diff_choices"
  | "project_events"
  | "project_list"
  | "project_add"
  | "project_choose"
  | "project_save"
  | "project_remove"
  | "project_history"
  | "project_build"
  | "project_cancel"
  | "project_watch"
  | "stats_rows"
  | "stats_chart"
  | "stats_overview"
  | "stats_export_csv"
  | "stats_export_png"
  | "stats_dismiss"
  | "stats_host"
  | "cleanup_survey"
  | "cleanup_count_all"
  | "cleanup_plan"
  | "cleanup_apply"
  | "cleanup_cancel"
  | "cleanup_restore"
  | "cleanup_archive_folder"
  | "cleanup_choose_folder";

/**
 * What the window and the CLI hear while a plan is applied.
 */
export type ApplyEvent = { "kind": "started", index: number, } | { "kind": "saving", index: number, archive: string, } | { "kind": "finished", index: number, outcome: Outcome, };

/**
 * The outcome of every item, in the plan's order.
 */
export type ApplyReport = { outcomes: Array<Outcome>, bytes_freed: number, removed: number, skipped: number, failed: number, not_attempted: number, };

/**
 * A stretch of layers with no fork and no image inside it, and what grows from its top.
 */
export type Branch = { 
/**
 * Layers in the stretch (one or more; none only for an image without layers).
 */
layers: number, 
/**
 * Bytes the stretch adds.
 */
bytes: number, 
/**
 * Bytes of the stretch and all branches above it: what removing every image of this branch
 * would free.
 */
branch_bytes: number, 
/**
 * The command that made the stretch's top layer.
 */
command: string, 
/**
 * Images whose top layer is the stretch's top.
 */
images: Array<FamilyImage>, 
/**
 * Branches built on it, largest first.
 */
children: Array<Branch>, };

/**
 * The build cache as the daemon counts it (`/system/df`).
 */
export type BuildCacheFacts = { 
/**
 * Bytes of all records not shared with image layers.
 */
total: number, 
/**
 * Of those, the bytes no build is using now: what pruning frees.
 */
reclaimable: number, records: number, };

/**
 * A finished build.
 */
export type BuildOutcome = { image_id: string, seconds: number, context: ContextFigures, labels: { [key in string]: string }, builder: Builder, };

/**
 * One build as the history keeps it.
 */
export type BuildRecord = { 
/**
 * Seconds since 1970.
 */
started: number, seconds: number, passed: boolean, image_id: string | null, tags: Array<string>, size_bytes: number | null, 
/**
 * Against the image the build replaced.
 */
size_delta_bytes: number | null, 
/**
 * How much longer (or shorter, negative) it took than the last good build before it.
 */
seconds_delta: number | null, layer_changes: Array<LayerChange>, 
/**
 * The edits that started it (none for a build asked for by hand).
 */
trigger: Trigger | null, error: string | null, };

/**
 * The daemon's builder a build went to.
 */
export type Builder = "classic" | "buildkit";

/**
 * How much the cache holds.
 */
export type CacheUsage = { directory: string, bytes: number, layers: number, images: number, };

export type Category = "in-use" | "unused" | "dangling" | "old";

export type CategorySpace = { category: Category, images: number, unique: number, attributed: number, 
/**
 * What removing every image of the category frees: layers all of whose users are in it
 * (none for images in use, which are never removed).
 */
reclaimable: number, };

export type ChangeSort = "path" | "delta";

export type ChangeStatus = "added" | "modified" | "removed" | "unmodified";

/**
 * Everything the screen shows.
 */
export type CleanupData = { space: Space, plan: Plan, family: Array<Branch>, treemap: Treemap, legend: Array<LegendEntry>, 
/**
 * Whether volumes and the build cache have been counted.
 */
counted: boolean, };

/**
 * What to remove. The default removes nothing.
 */
export type CleanupPolicy = { 
/**
 * Untagged images no container uses.
 */
dangling: boolean, 
/**
 * Tagged images no container uses.
 */
unused: boolean, 
/**
 * Old tags, for every repository without a rule of its own.
 */
retention: Retention, 
/**
 * Rules for single repositories, replacing `retention` for them.
 */
repositories: { [key in string]: Retention }, 
/**
 * Stopped containers created more than this many days ago.
 */
containers_older_than_days: number | null, 
/**
 * The build cache no build is using.
 */
build_cache: boolean, 
/**
 * Only images and containers carrying this label (`key` or `key=value`).
 */
label: string | null, 
/**
 * Images (id, id prefix or reference) and containers (id prefix or name) picked by hand.
 */
chosen: Array<string>, 
/**
 * Images and containers (named the same ways) never to remove, whatever else says so.
 */
excluded: Array<string>, };

/**
 * The policy and the size the treemap is drawn at.
 */
export type CleanupRequest = { policy: CleanupPolicy, 
/**
 * Repositories' own rules as the user typed them, one a line: `app=keep-newest:3`.
 */
repository_rules: string, width: number, height: number, };

/**
 * One config field that differs; `before`/`after` are JSON `null` where the field is absent.
 */
export type ConfigChange = { 
/**
 * `cmd`, `user`, `env.PATH`, `labels.org.opencontainers.image.version`, `exposed_ports.80/tcp`…
 */
field: string, before: JsonValue, after: JsonValue, };

/**
 * What a user can do to a container from the list.
 */
export type ContainerAction = "start" | "stop" | "kill" | "restart" | "remove";

/**
 * One line of the Containers screen and of `strata containers`.
 */
export type ContainerRow = { id: string, short_id: string, name: string, 
/**
 * The image as the container was created from it (a reference, or an id).
 */
image: string, image_id: string, 
/**
 * `created`, `running`, `paused`, `restarting`, `exited`, `removing` or `dead`.
 */
state: string, 
/**
 * The daemon's words: "Up 3 minutes", "Exited (0) 2 hours ago".
 */
status: string, 
/**
 * As `docker ps` prints them: `0.0.0.0:8080->80/tcp, 443/tcp`.
 */
ports: string, 
/**
 * Unix seconds.
 */
created: number, };

export type ContainerSpace = { id: string, name: string, running: boolean, size_rw: number, };

export type ContentKind = "text" | "hex";

export type ContextFigures = { files: number, bytes: number, };

/**
 * The data disk's figures.
 */
export type DataDisk = { 
/**
 * Docker's data root, as the daemon names it.
 */
docker_root: string, 
/**
 * Where the filesystem holding it is mounted.
 */
mount_point: string, free_bytes: number, total_bytes: number, low: boolean, };

/**
 * Which changed paths to show, and in which order.
 */
export type DiffQuery = { added: boolean, removed: boolean, modified: boolean, 
/**
 * Keep paths containing this text.
 */
search: string, sort: ChangeSort, };

/**
 * One visible line of the tree.
 */
export type DiffRow = { id: number, depth: number, name: string, path: string, status: DiffStatus, 
/**
 * `ls -l`'s letter for what the path is (in the second image, or the first when removed).
 */
kind: string, 
/**
 * The size change of this path and everything under it.
 */
delta_bytes: number, size_before: number, size_after: number, 
/**
 * What differs, for a modified path (`content`, `mode`, …).
 */
changes: Array<string>, 
/**
 * Changed paths under this one.
 */
changed_below: number, expandable: boolean, expanded: boolean, };

export type DiffStatus = "added" | "removed" | "modified" | "changed";

/**
 * Everything but the changed paths, which the window pages through with [`diff_rows`].
 */
export type DiffSummary = { before: string, after: string, added: number, removed: number, modified: number, size_delta_bytes: number, config: Array<ConfigChange>, packages: PackageDiff, history: HistoryDiff, 
/**
 * The folders whose contents changed size the most (the first few).
 */
folders: Array<FolderDelta>, tree: DiffTreeInfo, };

/**
 * The changed-paths tree's shape after a change.
 */
export type DiffTreeInfo = { query: DiffQuery, rows: number, };

/**
 * One daemon Strata can talk to.
 */
export type Endpoint = { 
/**
 * Stable name used to pick it: `DOCKER_HOST`, a context name, `default`, `colima`, `podman`…
 */
name: string, 
/**
 * What it is, in words its users know: "Docker Desktop", "Colima (default)", "context prod".
 */
label: string, 
/**
 * The address as written: `unix:///…`, `tcp://…`, `ssh://…`, `npipe://…`.
 */
host: string, source: EndpointSource, 
/**
 * Set for TLS connections; certificates are checked against `ca`.
 */
tls: TlsFiles | null, 
/**
 * Human words on how it was found (`from DOCKER_CONTEXT`, `current context in config.json`).
 */
origin: string, 
/**
 * Why this endpoint cannot be used as it is (a missing or broken context), if it cannot.
 */
problem: string | null, };

/**
 * Where an endpoint came from, in the order the docker CLI gives them precedence.
 */
export type EndpointSource = "docker-host-variable" | "context" | "default-socket" | "product";

/**
 * The endpoints found and the one in use.
 */
export type EndpointsView = { selected: string, 
/**
 * The preferred endpoint comes first.
 */
endpoints: Array<Endpoint>, 
/**
 * Name of the endpoint the docker CLI would use.
 */
preferred: string, 
/**
 * Broken files and ignored settings, in words for the user.
 */
problems: Array<string>, };

/**
 * What kind of thing went wrong, as a word that does not change when the message's wording
 * does. The window and scripts branch on it; people read the message.
 */
export type ErrorCode = "bad-endpoint" | "daemon-unreachable" | "daemon-refused" | "not-found" | "invalid-input" | "damaged" | "file-system" | "cancelled" | "build-failed" | "internal";

export type FamilyImage = { id: string, name: string, refs: Array<string>, };

/**
 * A file as the viewer shows it.
 */
export type FileContent = { path: string, size_bytes: number, kind: ContentKind, 
/**
 * The text, or a hex dump (`offset  bytes  |ascii|` lines).
 */
body: string, 
/**
 * Only the first part is shown.
 */
truncated: boolean, };

/**
 * A folder's rolled-up size change, for the command line and JSON.
 */
export type FolderDelta = { path: string, delta_bytes: number, 
/**
 * Changed paths under it.
 */
changed_paths: number, };

/**
 * A hidden file as the user sees it.
 */
export type HiddenFile = { path: string, size_bytes: number, 
/**
 * The layer that stored it.
 */
layer: number, 
/**
 * The layer that overwrote or deleted it.
 */
hidden_by: number, };

export type HistoryDiff = { 
/**
 * How many bottom layers the two images have in common (same digests, same order).
 */
shared_layers: number, 
/**
 * Those layers, with the commands that made them.
 */
shared: Array<LayerRef>, only_before: Array<LayerRef>, only_after: Array<LayerRef>, };

/**
 * The host's figures at one moment.
 */
export type HostFigures = { cpus: number, cpu_percent: number, memory_used_bytes: number, memory_total_bytes: number, 
/**
 * `None` when the daemon's disk is not on this machine (or could not be found).
 */
data_disk: DataDisk | null, 
/**
 * Where Docker's data is when its disk is not shown, in words: "inside Docker Desktop's
 * virtual machine (4 CPUs, 7.7 GiB): its disk cannot be seen from here".
 */
data_elsewhere: string | null, };

export type ImageAnalysis = { 
/**
 * What the user asked for: a reference or an archive path.
 */
reference: string, id: string, repo_tags: Array<string>, layers: Array<LayerSummary>, 
/**
 * Bytes of every file every layer stores.
 */
size_bytes: number, 
/**
 * Bytes of the files in the final filesystem.
 */
visible_size_bytes: number, 
/**
 * dive's efficiency score, 0 to 1.
 */
efficiency: number, 
/**
 * dive's wasted bytes: every copy of every path seen in two or more layers.
 */
wasted_bytes: number, 
/**
 * Bytes of every layer but the first.
 */
user_size_bytes: number, 
/**
 * Wasted bytes as a percentage (0–100) of the user size, as dive computes it.
 */
user_wasted_percent: number, 
/**
 * Paths seen in two or more layers, largest first (at most [`TOP_FILES`]).
 */
inefficiencies: Array<Inefficiency>, 
/**
 * Bytes stored in the layers but invisible in the final filesystem:
 * `size_bytes - visible_size_bytes`.
 */
hidden_bytes: number, 
/**
 * How many stored files are hidden.
 */
hidden_file_count: number, 
/**
 * The largest hidden files (at most [`TOP_FILES`]).
 */
hidden_files: Array<HiddenFile>, };

/**
 * What the user asked to see.
 */
export type ImageQuery = { 
/**
 * Case-insensitive text found in the reference or the id.
 */
text: string, dangling_only: boolean, in_use_only: boolean, sort: ImageSort, descending: boolean, };

/**
 * One line of the Images screen and of `strata images`.
 */
export type ImageRow = { 
/**
 * Unique per row: the id and the reference.
 */
key: string, id: string, short_id: string, 
/**
 * `<none>` for untagged images.
 */
repository: string, tag: string, 
/**
 * Unix seconds.
 */
created: number, 
/**
 * Bytes of all its layers.
 */
size: number, 
/**
 * Bytes of layers it shares with at least one other local image; `None` until computed.
 */
shared_size: number | null, 
/**
 * Containers, running or stopped, created from it.
 */
containers: number, 
/**
 * No tag and no digest points at it.
 */
dangling: boolean, };

/**
 * Columns rows can be sorted by.
 */
export type ImageSort = "repository" | "tag" | "id" | "created" | "size" | "shared_size" | "containers";

/**
 * What the user asked to open: a reference the daemon knows, or an archive file.
 */
export type ImageSourceChoice = { "kind": "daemon", "value": string } | { "kind": "archive", "value": string };

export type ImageSpace = { id: string, short_id: string, refs: Array<string>, 
/**
 * Its references joined, or its short id when it has none.
 */
name: string, created: number, category: Category, containers: number, 
/**
 * Bytes of all its layers.
 */
size: number, 
/**
 * Bytes of its layers another image also uses.
 */
shared: number, 
/**
 * Bytes only it uses: what removing it alone frees.
 */
unique: number, 
/**
 * Its unique bytes plus an equal part of each shared layer: these add up to the disk used.
 */
attributed: number, };

/**
 * A path that more than one layer wrote or deleted.
 */
export type Inefficiency = { path: string, 
/**
 * In how many layers it appears.
 */
count: number, 
/**
 * All its weights added up: the bytes it wastes.
 */
cumulative_size: number, };

export type ItemKind = "container" | "build-cache" | "image";

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * One layer whose size changed, against the layer at the same place in the previous image.
 */
export type LayerChange = { index: number, command: string, size_bytes: number, delta_bytes: number, };

/**
 * A layer one image has and the other does not (above the shared base).
 */
export type LayerRef = { index: number, digest: string, command: string, };

/**
 * One layer as the user sees it.
 */
export type LayerSummary = { index: number, 
/**
 * Digest of the uncompressed layer (`sha256:…`).
 */
digest: string, 
/**
 * The Dockerfile step that made it, from the image history.
 */
command: string, 
/**
 * Bytes of the files it writes.
 */
size_bytes: number, added: number, modified: number, removed: number, 
/**
 * Bytes this layer stores that later layers overwrite or delete.
 */
hidden_bytes: number, 
/**
 * Bytes of lower layers this layer overwrites or deletes.
 */
hides_bytes: number, };

/**
 * A category's name and colour, for the legend.
 */
export type LegendEntry = { category: Category, label: string, colour: string, };

/**
 * What the window shows about the daemon; `generation` grows with every change.
 */
export type LiveState = { generation: number, status: Status, image_count: number, container_count: number, };

/**
 * A batch of log lines, or the end of the stream with the reason.
 */
export type LogEvent = { "kind": "lines", lines: Array<string>, } | { "kind": "ended", error: UiError | null, };

/**
 * Everything known of one node, for the attributes panel.
 */
export type NodeDetails = { path: string, kind: string, status: ChangeStatus, size_bytes: number, 
/**
 * `-rwxr-xr-x`, with setuid/setgid/sticky bits.
 */
permissions: string, mode: number, uid: number, gid: number, mtime: number, 
/**
 * xxh3-128 of a regular file's content, hex; empty otherwise.
 */
content_hash: string, 
/**
 * The layer whose version of this node is shown.
 */
layer: number, link_target: string | null, children: number, };

/**
 * How one item ended.
 */
export type Outcome = { "outcome": "removed", bytes_freed: number, archive: string | null, } | { "outcome": "skipped", why: string, } | { "outcome": "failed", error: string, } | { "outcome": "not-attempted" };

export type Package = { 
/**
 * `deb`, `apk`, `python` or `node`.
 */
ecosystem: string, name: string, version: string, };

export type PackageDiff = { added: Array<Package>, removed: Array<Package>, upgraded: Array<VersionChange>, };

export type PipelineOutcome = { build: BuildOutcome, verification: Verification | null, tags: Array<string>, size_bytes: number, previous: Previous | null, 
/**
 * Layers that differ from the previous image's, largest change first.
 */
layer_changes: Array<LayerChange>, 
/**
 * The previous image, when it was removed.
 */
removed: string | null, 
/**
 * The tags pushed, when publishing.
 */
published: Array<Published>, 
/**
 * The container made again from the new image: (name, new id).
 */
restarted: [string, string] | null, };

export type PlacedTile = { key: string, x: number, y: number, w: number, h: number, };

export type Plan = { items: Array<PlanItem>, skipped: Array<Skipped>, total_bytes_freed: number, 
/**
 * Images (shared layers once), containers' writable layers and the build cache when counted,
 * before and after.
 */
bytes_before: number, bytes_after: number, };

export type PlanItem = { kind: ItemKind, id: string, 
/**
 * An image's references, a container's name.
 */
refs: Array<string>, 
/**
 * What people call it: the first reference or name, an untagged image's short id, "Build cache".
 */
name: string, reason: Reason, 
/**
 * The bytes removing it frees, given the items before it and what stays.
 */
bytes_freed: number, };

/**
 * The image the first tag named before this build.
 */
export type Previous = { image_id: string, size_bytes: number, };

/**
 * Where a piece of long work stands.
 */
export type Progress = { 
/**
 * What is being done, in a few words ("Reading the image from the daemon").
 */
task: string, 
/**
 * Bytes done so far.
 */
done_bytes: number, 
/**
 * Bytes expected in all, when known.
 */
total_bytes: number | null, 
/**
 * Average since the start.
 */
bytes_per_second: number, finished: boolean, };

/**
 * How one project folder is built.
 */
export type Project = { folder: string, 
/**
 * The Dockerfile, relative to the folder (default `Dockerfile`).
 */
dockerfile: string | null, 
/**
 * The build context, relative to the folder (default the folder itself).
 */
context: string | null, 
/**
 * A multi-stage Dockerfile's stage to build (`--target`).
 */
target: string | null, build_args: { [key in string]: string }, labels: { [key in string]: string }, 
/**
 * The repository the tags are in (`app`, `registry:5000/team/app`).
 */
image: string, 
/**
 * The tags each good build gets; `{git}` is the commit's short hash.
 */
tags: Array<string>, 
/**
 * Run in a throwaway container of each new image; it must exit 0.
 */
verify: string | null, 
/**
 * Replace this container with one of the new image after each good build.
 */
restart_container: string | null, 
/**
 * Remove the image a build replaced, when nothing else uses it.
 */
remove_superseded: boolean, };

/**
 * What the window hears about builds and watches.
 */
export type ProjectEvent = { "kind": "started", folder: string, trigger: Trigger | null, } | { "kind": "stage", folder: string, name: string, } | { "kind": "step", folder: string, number: number, total: number, instruction: string, } | { "kind": "line", folder: string, line: string, } | { "kind": "finished", folder: string, record: BuildRecord, outcome: PipelineOutcome | null, hint: string | null, } | { "kind": "watching", folder: string, on: boolean, reason: string | null, };

/**
 * A project as the list shows it.
 */
export type ProjectSummary = { project: Project, building: boolean, watching: boolean, last: BuildRecord | null, };

/**
 * A pushed tag.
 */
export type Published = { reference: string, 
/**
 * The manifest digest the registry stored, when it said.
 */
digest: string | null, };

/**
 * The figures of one reading.
 */
export type Reading = { 
/**
 * Seconds since 1970 (with fractions) when the daemon took it.
 */
at: number, cpu_percent: number, memory_bytes: number, memory_limit_bytes: number, memory_percent: number, 
/**
 * Totals since the container started.
 */
net_rx_bytes: number, net_tx_bytes: number, block_read_bytes: number, block_write_bytes: number, pids: number, };

export type Reason = "dangling" | "unused" | "old" | "stopped" | "build-cache" | "chosen";

export type RepositorySpace = { 
/**
 * `<none>` for dangling images.
 */
repository: string, 
/**
 * Indexes into [`Space::images`] of the images filed here (by their first reference).
 */
images: Array<number>, 
/**
 * Bytes of its images' layers, shared ones once.
 */
size: number, 
/**
 * Bytes no image of another repository uses.
 */
unique: number, };

/**
 * Which tags of a repository count as old. Nothing is old when neither limit is set.
 */
export type Retention = { 
/**
 * Keep this many of the newest tags.
 */
keep_newest: number | null, 
/**
 * Tags older than this many days are old (unless among the newest kept).
 */
older_than_days: number | null, 
/**
 * Tags never old: exact tags, or patterns where `*` stands for any text (`v*`, `latest`).
 */
keep_tags: Array<string>, };

/**
 * A file written where the user chose.
 */
export type Saved = { path: string, bytes: number, };

/**
 * What the daemon says about itself.
 */
export type ServerInfo = { 
/**
 * "Docker Engine" or "Podman Engine".
 */
product: string, version: string, 
/**
 * The API version both sides now speak.
 */
api_version: string, os: string, arch: string, };

/**
 * Something picked by hand that the plan leaves alone, and why.
 */
export type Skipped = { name: string, why: string, };

export type SortBy = "name" | "size";

export type Space = { images: Array<ImageSpace>, 
/**
 * Largest first.
 */
repositories: Array<RepositorySpace>, categories: Array<CategorySpace>, 
/**
 * Bytes of all images, shared layers once.
 */
image_bytes: number, containers: Array<ContainerSpace>, container_bytes: number, 
/**
 * Stopped containers, and the bytes of their own layers.
 */
stopped_containers: number, stopped_container_bytes: number, 
/**
 * `None` until the daemon's accounting was read.
 */
build_cache: BuildCacheFacts | null, volumes: Array<VolumeUsage> | null, 
/**
 * The volumes' bytes (those the daemon could size), and those of volumes no container
 * uses; `None` until counted.
 */
volume_bytes: number | null, unused_volume_bytes: number | null, unused_volumes: number | null, };

/**
 * What a chart shows.
 */
export type StatsMetric = "cpu" | "memory" | "network" | "block";

/**
 * One second of one container.
 */
export type StatsPoint = { 
/**
 * Seconds since 1970.
 */
at: number, cpu_percent: number, memory_bytes: number, memory_limit_bytes: number, net_rx_per_second: number, net_tx_per_second: number, block_read_per_second: number, block_write_per_second: number, pids: number, };

/**
 * One container's latest figures and its CPU over the last minute.
 */
export type StatsRow = { cpu_sparkline: string, id: string, name: string, running: boolean, point: StatsPoint | null, 
/**
 * The last reading's totals (network and block I/O since the container started).
 */
reading: Reading | null, points: number, };

/**
 * Whether Strata is talking to its daemon.
 */
export type Status = { "kind": "connecting", endpoint: Endpoint, } | { "kind": "connected", endpoint: Endpoint, server: ServerInfo, } | { "kind": "disconnected", endpoint: Endpoint, error: string, hint: string, attempts: number, retry_in_seconds: number, };

/**
 * How many visible nodes of each kind of change the view has.
 */
export type StatusCounts = { added: number, modified: number, removed: number, unmodified: number, };

/**
 * Which changes to show.
 */
export type StatusFilter = { added: boolean, modified: boolean, removed: boolean, unmodified: boolean, };

/**
 * The TLS material for a `tcp://` endpoint.
 */
export type TlsFiles = { ca: string, cert: string, key: string, };

/**
 * One visible line of the tree.
 */
export type TreeRow = { id: number, depth: number, name: string, 
/**
 * `ls -l`'s letter: `-`, `d`, `l`, `h`, `p`, `c`, `b`.
 */
kind: string, 
/**
 * Own size, plus everything under it for a directory.
 */
size_bytes: number, status: ChangeStatus, expandable: boolean, expanded: boolean, link_target: string | null, };

export type Treemap = { svg: string, tiles: Array<PlacedTile>, };

/**
 * Why a build should run: the files whose edits triggered it.
 */
export type Trigger = { 
/**
 * Relative paths, `/`-separated, sorted (at most [`Trigger::LISTED`]).
 */
paths: Array<string>, 
/**
 * How many paths changed in all.
 */
count: number, };

/**
 * A failure as reported: in the window (which calls it `UiError`), and in the CLI's message.
 */
export type UiError = { 
/**
 * The stable kind of failure.
 */
code: ErrorCode, 
/**
 * What happened, in a sentence.
 */
message: string, 
/**
 * What to do about it; empty when the message says all there is.
 */
hint: string, };

/**
 * How a verification went.
 */
export type Verification = { command: string, passed: boolean, exit_code: number, output: string, seconds: number, };

/**
 * A package in both images at other versions (an upgrade or a downgrade).
 */
export type VersionChange = { ecosystem: string, name: string, before: string, after: string, };

/**
 * The tree's shape after a change: how many rows, of which kinds.
 */
export type ViewInfo = { options: ViewOptions, rows: number, counts: StatusCounts, };

/**
 * What the explorer shows: which layer, how, and which nodes.
 */
export type ViewOptions = { layer: number, 
/**
 * Everything up to `layer` (true) or only what `layer` holds (false).
 */
aggregated: boolean, filter: StatusFilter, 
/**
 * Keep nodes whose full path contains this text (or matches it, with `regex`).
 */
search: string, regex: boolean, sort: SortBy, };

export type VolumeUsage = { name: string, 
/**
 * Bytes, when the driver can tell (`None` for remote drivers).
 */
size: number | null, 
/**
 * Containers that mount it.
 */
containers: number, };
