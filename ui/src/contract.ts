// Generated from the Rust definitions by src-tauri/app/contract.rs (`make contract`). Do not edit.

/** Every command the window may call (`window_commands!` in src-tauri/app/mod.rs). */
export type Command =
  | "endpoints"
  | "select_endpoint"
  | "rediscover_endpoints"
  | "watch_state"
  | "list_images"
  | "audit_tallies"
  | "list_containers"
  | "reread_containers"
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
  | "image_audit"
  | "image_packages"
  | "image_save_sbom"
  | "image_vulnerabilities"
  | "vulns_update"
  | "vuln_tallies"
  | "file_content"
  | "cancel_file_read"
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
  | "project_build_charts"
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
  | "registries_known"
  | "registry_add"
  | "registry_repositories"
  | "registry_tags"
  | "images_against_registries"
  | "registry_sign_in"
  | "registry_pull"
  | "registry_push"
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
export type ApplyEvent = { "kind": "started", 
/**
 * The item's position in the plan's items, from 0.
 */
index: number, } | { "kind": "saving", 
/**
 * The item's position in the plan's items, from 0.
 */
index: number, 
/**
 * The archive file being written.
 */
archive: string, } | { "kind": "finished", 
/**
 * The item's position in the plan's items, from 0.
 */
index: number, 
/**
 * How the item ended.
 */
outcome: Outcome, };

/**
 * The outcome of every item, in the plan's order.
 */
export type ApplyReport = { 
/**
 * One for each item of the plan, in the same order.
 */
outcomes: Array<Outcome>, 
/**
 * Bytes freed by the removed items, together.
 */
bytes_freed: number, 
/**
 * How many items were removed.
 */
removed: number, 
/**
 * How many items were left alone on purpose.
 */
skipped: number, 
/**
 * How many items failed: the daemon refused or erred, or saving the image did not work.
 */
failed: number, 
/**
 * How many items were not tried because the run was cancelled or the daemon went away.
 */
not_attempted: number, };

/**
 * One attribute that differs, with its value in each image ("—" where the path is absent).
 */
export type AttributeChange = { 
/**
 * What it is, in words: `type`, `size`, `mode`, `owner`, `group`, `link target`.
 */
name: string, 
/**
 * Its value in the first image.
 */
before: string, 
/**
 * Its value in the second image.
 */
after: string, };

/**
 * An image's audit: every finding, most severe first, and the files the secret rules skipped.
 */
export type Audit = { 
/**
 * Secrets, risky settings and advice.
 */
findings: Array<AuditFinding>, 
/**
 * Files not read for secrets: too large, or binary.
 */
skipped_files: SkippedFiles, };

/**
 * One finding.
 */
export type AuditFinding = { 
/**
 * The rule's stable id: `github-token`, `runs-as-root`.
 */
rule: string, 
/**
 * Secret, setting or advice.
 */
kind: Kind, 
/**
 * How bad it is.
 */
severity: Severity, 
/**
 * Where it is: a file, a variable, a label, the history, another config field.
 */
where: Place, 
/**
 * The file's path, or the key (`env.API_TOKEN`, `labels.deploy`, `history.3`, `user`).
 */
path: string, 
/**
 * The layer that put it there, counted from 0 at the bottom (None for the config).
 */
layer_added: number | null, 
/**
 * For a file, the later layer that deleted or overwrote it (it still ships in its layer).
 */
layer_hidden: number | null, 
/**
 * What was found, in words.
 */
message: string, 
/**
 * A secret's first 4 characters, `…` and its length; None for anything else.
 */
preview: string | null, 
/**
 * A secret's `sha256:` fingerprint; None for anything else.
 */
fingerprint: string | null, 
/**
 * For advice: the bytes the fix would save.
 */
bytes_saved: number | null, 
/**
 * An allow-list entry covers it: shown as allowed, never dropped.
 */
allowed: boolean, 
/**
 * The allow-list entry's reason, when one covers it.
 */
allowed_because: string | null, };

/**
 * How many findings of each kind an audit had (before any allow-list), and the worst severity.
 */
export type AuditTally = { 
/**
 * Secrets in the config or in files.
 */
secrets: number, 
/**
 * Risky settings and files.
 */
settings: number, 
/**
 * Waste advice.
 */
advice: number, 
/**
 * The most severe finding's severity; `None` when there is no finding.
 */
highest: Severity | null, };

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
reclaimable: number, 
/**
 * How many records the cache holds, shared ones included.
 */
records: number, };

/**
 * The charts of one project's build times.
 */
export type BuildCharts = { 
/**
 * The build the timeline shows (its start, seconds since 1970; `None`: no build was timed).
 */
shown: number | null, 
/**
 * Its steps on a timeline, as an SVG document.
 */
timeline: string | null, 
/**
 * How many of its steps came from the cache, and of how many (FROM not counted).
 */
cached_steps: [number, number], 
/**
 * The last builds' duration, size and cache misses (`None`: fewer than two builds).
 */
trend: TrendChart | null, 
/**
 * The build each trend column stands for (its start), in the columns' order.
 */
trend_builds: Array<number>, };

/**
 * A finished build.
 */
export type BuildOutcome = { 
/**
 * The new image's id, as the builder named it (`sha256:…`, or a short id); not tagged yet.
 */
image_id: string, 
/**
 * How long the build took, in seconds.
 */
seconds: number, 
/**
 * How much context was sent to the builder.
 */
context: ContextFigures, 
/**
 * Every label set on the image: the project's own and the OCI ones.
 */
labels: { [key in string]: string }, 
/**
 * The builder that built it.
 */
builder: Builder, };

/**
 * One build as the history keeps it.
 */
export type BuildRecord = { 
/**
 * Seconds since 1970.
 */
started: number, 
/**
 * How long the build step took, in seconds (for a failed run, whole seconds from the start
 * until it failed).
 */
seconds: number, 
/**
 * Whether the whole pipeline succeeded: build, verification, tags, and the restart and push
 * when asked for.
 */
passed: boolean, 
/**
 * The image built (`None`: the run failed).
 */
image_id: string | null, 
/**
 * The tags moved to the new image (empty when the run failed).
 */
tags: Array<string>, 
/**
 * The new image's size, in bytes (`None`: the run failed).
 */
size_bytes: number | null, 
/**
 * Against the image the build replaced.
 */
size_delta_bytes: number | null, 
/**
 * How much longer (or shorter, negative) it took than the last good build before it.
 */
seconds_delta: number | null, 
/**
 * The (at most five) layers that changed most against the image the build replaced.
 */
layer_changes: Array<LayerChange>, 
/**
 * The edits that started it (none for a build asked for by hand).
 */
trigger: Trigger | null, 
/**
 * Why the run failed, in words for the user (`None`: it passed).
 */
error: string | null, 
/**
 * A live sync, not a build: what was copied into which container. The build's fields are
 * then empty.
 */
synced: SyncReport | null, 
/**
 * Each Dockerfile step: when it ran, how long, cached or not, the changed files it took.
 */
steps: Array<BuildStep>, 
/**
 * Why the cache first missed, against the build before.
 */
cache_miss: CacheMiss | null, 
/**
 * Advice on the Dockerfile's order, when an early copy of the whole context cost a rerun.
 */
hint: string | null, };

/**
 * One Dockerfile step of a build.
 */
export type BuildStep = { 
/**
 * The step's number, as the builder counts them (from 1; BuildKit counts each stage's own).
 */
index: number, 
/**
 * The stage it belongs to, as BuildKit names it (`builder`, `stage-1`); `None` for a
 * single-stage build and for the classic builder, which numbers all steps together.
 */
stage: string | null, 
/**
 * The instruction as the builder prints it (`COPY . /app`).
 */
instruction: string, 
/**
 * When it began, in seconds after the builder began its work on this build (BuildKit counts
 * from its first vertex, its own preparations included).
 */
started: number, 
/**
 * How long it took, in seconds.
 */
seconds: number, 
/**
 * Whether the builder reused its cache for it instead of running it.
 */
cached: boolean, 
/**
 * For a COPY or ADD that ran: the context files it takes that changed since the last build
 * (added, edited or deleted), at most [`CHANGED_KEPT`] of them.
 */
changed_files: Array<string>, 
/**
 * How many there were in all.
 */
changed_count: number, };

/**
 * The daemon's builder a build went to.
 */
export type Builder = "classic" | "buildkit";

/**
 * Why the cache missed where it first did, and what that cost.
 */
export type CacheMiss = { 
/**
 * The first step that ran instead of coming from the cache.
 */
step: number, 
/**
 * Its stage, as [`BuildStep::stage`].
 */
stage: string | null, 
/**
 * Its instruction.
 */
instruction: string, 
/**
 * Why, in words: "src/main.rs changed", "the Dockerfile changed here".
 */
reason: string, 
/**
 * How many steps ran from it on (itself included).
 */
reran: number, 
/**
 * How long they took together, in seconds.
 */
reran_seconds: number, 
/**
 * The whole story in one sentence, as the window and the CLI show it.
 */
summary: string, };

/**
 * How much the cache holds.
 */
export type CacheUsage = { 
/**
 * The folder of the cache's current format version; empty when caching is off.
 */
directory: string, 
/**
 * Bytes on disk of every cached layer index, image record, summary and layer copy.
 */
bytes: number, 
/**
 * How many layer indexes are stored.
 */
layers: number, 
/**
 * How many images' records (tags, config, layer places) are stored.
 */
images: number, };

/**
 * The cleanup category of an image, by what uses it and what the retention policy says.
 */
export type Category = "in-use" | "unused" | "dangling" | "old";

/**
 * The bytes of every image in one category.
 */
export type CategorySpace = { 
/**
 * The category counted.
 */
category: Category, 
/**
 * How many images are in it.
 */
images: number, 
/**
 * Bytes of its images' layers, a layer two of them share counted once: for one image, its
 * full size. It changes only when the category's own images change.
 */
size: number, 
/**
 * Sum of its images' unique bytes.
 */
unique: number, 
/**
 * Sum of its images' attributed bytes (see [`ImageSpace::attributed`]): their part of the
 * disk, which moves when other images sharing their layers come and go.
 */
attributed: number, 
/**
 * What removing every image of the category frees: layers all of whose users are in it
 * (none for images in use, which are never removed).
 */
reclaimable: number, };

/**
 * The order of the rows under each folder.
 */
export type ChangeSort = "path" | "delta";

/**
 * What the layer shown did to a node, against the layers below it.
 */
export type ChangeStatus = "added" | "modified" | "removed" | "unmodified";

/**
 * The theme a chart is drawn for: the one the window shows.
 */
export type ChartTheme = "light" | "dark";

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
 * The policy, and the size and theme the treemap is drawn in.
 */
export type CleanupRequest = { policy: CleanupPolicy, 
/**
 * Repositories' own rules as the user typed them, one per line: `app=keep-newest:3`.
 */
repository_rules: string, width: number, height: number, 
/**
 * The theme the window shows.
 */
theme: ChartTheme, };

/**
 * One config field that differs; `before`/`after` are JSON `null` where the field is absent.
 */
export type ConfigChange = { 
/**
 * `cmd`, `user`, `env.PATH`, `labels.org.opencontainers.image.version`, `exposed_ports.80/tcp`…
 */
field: string, 
/**
 * The field's value in the first image; `null` where it is absent.
 */
before: JsonValue, 
/**
 * The field's value in the second image; `null` where it is absent.
 */
after: JsonValue, };

/**
 * What a user can do to a container from the list.
 */
export type ContainerAction = "start" | "stop" | "kill" | "restart" | "remove";

/**
 * One line of the Containers screen and of `strata containers`.
 */
export type ContainerRow = { 
/**
 * The full container id.
 */
id: string, 
/**
 * The id's first 12 digits, as `docker ps` shows it.
 */
short_id: string, 
/**
 * Its name without the leading `/`; its short id when it has none.
 */
name: string, 
/**
 * The image as the container was created from it (a reference, or an id).
 */
image: string, 
/**
 * The full id of the image it was created from.
 */
image_id: string, 
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

/**
 * One container's writable layer.
 */
export type ContainerSpace = { 
/**
 * The full container id.
 */
id: string, 
/**
 * Its name, without the leading `/`.
 */
name: string, 
/**
 * Whether it is running (or paused, restarting or being removed).
 */
running: boolean, 
/**
 * Bytes of its writable layer.
 */
size_rw: number, };

/**
 * How the viewer shows a file's bytes.
 */
export type ContentKind = "text" | "hex";

/**
 * How much a build's context held.
 */
export type ContextFigures = { 
/**
 * Regular files sent (folders and symlinks not counted).
 */
files: number, 
/**
 * Bytes of those files' contents.
 */
bytes: number, };

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
mount_point: string, 
/**
 * Bytes still free for Docker's data (what a non-root user could write).
 */
free_bytes: number, 
/**
 * The filesystem's size, in bytes.
 */
total_bytes: number, 
/**
 * Free space is under a tenth of the disk or under 5 GB: builds and pulls may soon fail.
 */
low: boolean, };

/**
 * What the database holds: one line per ecosystem.
 */
export type DatabaseStatus = { 
/**
 * The database file.
 */
path: string, 
/**
 * Its ecosystems, by name.
 */
ecosystems: Array<EcosystemStatus>, };

/**
 * Which changed paths to show, and in which order.
 */
export type DiffQuery = { 
/**
 * Show paths only the second image has.
 */
added: boolean, 
/**
 * Show paths only the first image has.
 */
removed: boolean, 
/**
 * Show paths both images have, but not the same.
 */
modified: boolean, 
/**
 * Keep paths containing this text.
 */
search: string, 
/**
 * The order of the rows under each folder.
 */
sort: ChangeSort, };

/**
 * One visible line of the tree.
 */
export type DiffRow = { 
/**
 * The path's id in this tree, to fold or unfold it by.
 */
id: number, 
/**
 * How deep it is: 0 for what is right under `/`.
 */
depth: number, 
/**
 * The last part of the path.
 */
name: string, 
/**
 * The full path, from `/`.
 */
path: string, 
/**
 * How it changed; `changed` for a folder that is the same but holds changes.
 */
status: DiffStatus, 
/**
 * `ls -l`'s letter for what the path is (in the second image, or the first when removed).
 */
kind: string, 
/**
 * The size change of this path and everything under it.
 */
delta_bytes: number, 
/**
 * Bytes in the first image (its own, or all under a folder); 0 when absent or unchanged.
 */
size_before: number, 
/**
 * Bytes in the second image (its own, or all under a folder); 0 when absent or unchanged.
 */
size_after: number, 
/**
 * What differs, for a modified path (`content`, `mode`, …).
 */
changes: Array<string>, 
/**
 * Changed paths under this one.
 */
changed_below: number, 
/**
 * It has rows under it to unfold.
 */
expandable: boolean, 
/**
 * It is unfolded: the rows under it are shown.
 */
expanded: boolean, };

/**
 * How a path of the tree changed.
 */
export type DiffStatus = "added" | "removed" | "modified" | "changed";

/**
 * Everything but the changed paths, which the window pages through with [`diff_rows`].
 */
export type DiffSummary = { before: string, after: string, added: number, removed: number, modified: number, size_delta_bytes: number, config: Array<ConfigChange>, packages: PackageDiff, 
/**
 * Known vulnerabilities fixed and introduced; `null` when there is no vulnerability database.
 */
vulnerabilities: VulnDiff | null, history: HistoryDiff, 
/**
 * The folders whose contents changed size the most (the first few).
 */
folders: Array<FolderDelta>, tree: DiffTreeInfo, };

/**
 * The changed-paths tree's shape after a change.
 */
export type DiffTreeInfo = { query: DiffQuery, rows: number, };

/**
 * The package managers Strata reads.
 */
export type Ecosystem = "deb" | "apk" | "python" | "node" | "rpm" | "go" | "cargo";

/**
 * What the database holds for one ecosystem.
 */
export type EcosystemStatus = { 
/**
 * OSV's name for it (`Debian`, `PyPI`).
 */
ecosystem: string, 
/**
 * Where its advisories came from (a file, a folder or a URL).
 */
origin: string, 
/**
 * When they were imported (RFC 3339).
 */
imported_at: string, 
/**
 * How many advisories it has.
 */
advisories: number, 
/**
 * When its newest advisory last changed (RFC 3339): how current the data is.
 */
newest: string, };

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
host: string, 
/**
 * Where it was found: `DOCKER_HOST`, a context, the default socket or a product's socket.
 */
source: EndpointSource, 
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
export type ErrorCode = "bad-endpoint" | "daemon-unreachable" | "daemon-refused" | "not-found" | "invalid-input" | "damaged" | "file-system" | "cancelled" | "build-failed" | "registry-failed" | "internal";

/**
 * An image as the family tree shows it.
 */
export type FamilyImage = { 
/**
 * The full image id.
 */
id: string, 
/**
 * Its first reference, or its short id when it has none.
 */
name: string, 
/**
 * All its `repository:tag` references; none for a dangling image.
 */
refs: Array<string>, };

/**
 * A file as the viewer shows it.
 */
export type FileContent = { 
/**
 * The file's path in the image, as shown (`/etc/passwd`).
 */
path: string, 
/**
 * The whole file's size, in bytes, however much of it is shown.
 */
size_bytes: number, 
/**
 * Whether `body` is text or a hex dump.
 */
kind: ContentKind, 
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
export type FolderDelta = { 
/**
 * The folder's full path, from `/`.
 */
path: string, 
/**
 * The size change of everything under it, in bytes (negative: smaller).
 */
delta_bytes: number, 
/**
 * Changed paths under it.
 */
changed_paths: number, };

/**
 * A hidden file as the user sees it.
 */
export type HiddenFile = { 
/**
 * The file's path in the image, as shown (`/etc/passwd`).
 */
path: string, 
/**
 * Bytes of the file as the lower layer stored it.
 */
size_bytes: number, 
/**
 * The layer that stored it.
 */
layer: number, 
/**
 * The layer that overwrote or deleted it.
 */
hidden_by: number, };

/**
 * The two images' layer stacks compared: the common base and what each adds on top.
 */
export type HistoryDiff = { 
/**
 * How many bottom layers the two images have in common (same digests, same order).
 */
shared_layers: number, 
/**
 * Those layers, with the commands that made them.
 */
shared: Array<LayerRef>, 
/**
 * The first image's layers above the shared ones, bottom first.
 */
only_before: Array<LayerRef>, 
/**
 * The second image's layers above the shared ones, bottom first.
 */
only_after: Array<LayerRef>, };

/**
 * The host's figures at one moment.
 */
export type HostFigures = { 
/**
 * How many CPUs this computer has.
 */
cpus: number, 
/**
 * How busy this computer's CPUs are together, in percent (0 to 100).
 */
cpu_percent: number, 
/**
 * This computer's memory in use, in bytes.
 */
memory_used_bytes: number, 
/**
 * This computer's memory, in bytes.
 */
memory_total_bytes: number, 
/**
 * `None` when the daemon's disk is not on this machine (or could not be found).
 */
data_disk: DataDisk | null, 
/**
 * Where Docker's data is when its disk is not shown, in words: "inside Docker Desktop's
 * virtual machine (4 CPUs, 7.7 GiB): its disk cannot be seen from here".
 */
data_elsewhere: string | null, };

/**
 * An image summed up: its layers, its size, dive's efficiency figures and its hidden bytes.
 */
export type ImageAnalysis = { 
/**
 * What the user asked for: a reference or an archive path.
 */
reference: string, 
/**
 * The image id: `sha256:` and the digest of its config.
 */
id: string, 
/**
 * The image's tags (`name:tag`); empty for an untagged image.
 */
repo_tags: Array<string>, 
/**
 * Every layer, bottom first.
 */
layers: Array<LayerSummary>, 
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
hidden_files: Array<HiddenFile>, 
/**
 * The platform the image is for, as its config says (`linux/amd64`); empty when it does not.
 */
platform: string, 
/**
 * When it was read from an index of several platforms, each image listed there: its
 * platform and its size as stored.
 */
platforms: Array<ListedImage>, };

/**
 * What the user asked to see.
 */
export type ImageQuery = { 
/**
 * Case-insensitive text found in the reference or the id.
 */
text: string, 
/**
 * Keep only dangling images (no tag, no digest).
 */
dangling_only: boolean, 
/**
 * Keep only images a container (running or stopped) was created from.
 */
in_use_only: boolean, 
/**
 * The column to sort by.
 */
sort: ImageSort, 
/**
 * Reverse the order: largest, newest or last in the alphabet first.
 */
descending: boolean, };

/**
 * One line of the Images screen and of `strata images`.
 */
export type ImageRow = { 
/**
 * Unique per row: the id and the reference.
 */
key: string, 
/**
 * The full image id (`sha256:…`).
 */
id: string, 
/**
 * The id's first 12 digits, as `docker images` shows it.
 */
short_id: string, 
/**
 * `<none>` for untagged images.
 */
repository: string, 
/**
 * `<none>` for untagged images.
 */
tag: string, 
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

/**
 * One image's bytes, and the category it falls in.
 */
export type ImageSpace = { 
/**
 * The full image id.
 */
id: string, 
/**
 * The id's first 12 digits, as `docker images` shows it.
 */
short_id: string, 
/**
 * Its `repository:tag` references; none for a dangling image.
 */
refs: Array<string>, 
/**
 * Its references joined, or its short id when it has none.
 */
name: string, 
/**
 * Seconds since 1970.
 */
created: number, 
/**
 * The category it falls in.
 */
category: Category, 
/**
 * How many containers (running or not) use it.
 */
containers: number, 
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
 * The open image against the vulnerability database.
 */
export type ImageVulnerabilities = { 
/**
 * What the database holds; `None` when there is none yet (then there is no report).
 */
database: DatabaseStatus | null, 
/**
 * What the scan found.
 */
report: VulnReport | null, };

/**
 * What an import did.
 */
export type ImportSummary = { 
/**
 * Advisories stored.
 */
advisories: number, 
/**
 * Withdrawn records left out.
 */
withdrawn: number, 
/**
 * Records that could not be read as OSV's schema, left out.
 */
skipped: number, 
/**
 * The first few of those, with why.
 */
skipped_named: Array<string>, 
/**
 * The ecosystems imported, each replacing what was there.
 */
ecosystems: Array<string>, };

/**
 * How one of the daemon's images compares with its tag in the registry its name gives.
 */
export type InRegistry = { "kind": "same" } | { "kind": "differs", 
/**
 * Layers (by diff id) found in only one of the two.
 */
layers: number, } | { "kind": "not-there" } | { "kind": "unreadable", 
/**
 * Why, in one line.
 */
reason: string, };

/**
 * A path that more than one layer wrote or deleted.
 */
export type Inefficiency = { 
/**
 * The path in the image, as shown (`/var/cache/apt`).
 */
path: string, 
/**
 * In how many layers it appears.
 */
count: number, 
/**
 * All its weights added up: the bytes it wastes.
 */
cumulative_size: number, };

/**
 * One installed package.
 */
export type InstalledPackage = { 
/**
 * Its package manager.
 */
ecosystem: Ecosystem, 
/**
 * Its name, as the package manager writes it (Python's normalised: lower case, `-`).
 */
name: string, 
/**
 * The installed version.
 */
version: string, 
/**
 * The source package it was built from, where the database says (dpkg `Source:`, apk
 * origin).
 */
source: string | null, 
/**
 * Its licence, where the database declares one.
 */
licence: string | null, 
/**
 * Its architecture, where the database says.
 */
architecture: string | null, 
/**
 * Its package URL (`pkg:deb/debian/bash@5.2-1?arch=amd64&distro=debian-12`).
 */
purl: string, 
/**
 * The files it owns, where the database lists them (apk's does); for a module built into a
 * program, the program.
 */
files: Array<string>, 
/**
 * The layer that installed or last changed it (0 is the bottom layer).
 */
layer: number, 
/**
 * The database it was read from (`/var/lib/dpkg/status`), or the program it is built into
 * (`/usr/local/bin/app`).
 */
database: string, };

/**
 * What an image has installed.
 */
export type Inventory = { 
/**
 * The OS, when the image has an `os-release`.
 */
os: OsRelease | null, 
/**
 * Every package, by ecosystem, name and version.
 */
packages: Array<InstalledPackage>, 
/**
 * What could not be read in the databases (a cut or garbled entry), one line each: the
 * packages listed may be incomplete.
 */
warnings: Array<string>, };

/**
 * What a plan item is.
 */
export type ItemKind = "container" | "build-cache" | "image";

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * What a finding is.
 */
export type Kind = "secret" | "setting" | "advice";

/**
 * A registry the window lists.
 */
export type KnownRegistry = { 
/**
 * Its host, with the port when it has one (`127.0.0.1:5000`, `docker.io`).
 */
host: string, 
/**
 * Whether the docker config keeps a sign-in (or names a helper) for it.
 */
signed_in: boolean, 
/**
 * Marked insecure (added as `http://HOST`): reached over plain HTTP.
 */
insecure: boolean, };

/**
 * One layer whose size changed, against the layer at the same place in the previous image.
 */
export type LayerChange = { 
/**
 * The layer's place in the new image, counted from 0 at the bottom.
 */
index: number, 
/**
 * The Dockerfile instruction that made it, as the image history records it.
 */
command: string, 
/**
 * The new layer's size, in bytes.
 */
size_bytes: number, 
/**
 * Its size minus the old layer's at the same place, in bytes (its whole size when the old
 * image has no layer there).
 */
delta_bytes: number, };

/**
 * One layer's progress in a pull.
 */
export type LayerPull = { 
/**
 * The daemon's short id for the layer (the first 12 digits of its blob's digest).
 */
layer: string, 
/**
 * The daemon's word for where it is: "Waiting", "Downloading", "Extracting", "Pull complete"…
 */
status: string, 
/**
 * Bytes done of this step, when the daemon counts them.
 */
current: number, 
/**
 * Bytes of this step in all, when known.
 */
total: number | null, };

/**
 * A layer one image has and the other does not (above the shared base).
 */
export type LayerRef = { 
/**
 * Its position in the image's layers, from 0 at the bottom.
 */
index: number, 
/**
 * The layer's diff id: the `sha256:` digest of its uncompressed content.
 */
digest: string, 
/**
 * The history step that made it; empty when the history does not say.
 */
command: string, };

/**
 * One layer as the user sees it.
 */
export type LayerSummary = { 
/**
 * Position in the image, 0 for the bottom (base) layer.
 */
index: number, 
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
size_bytes: number, 
/**
 * How many paths it adds that the layers below lack (directories it implies included).
 */
added: number, 
/**
 * How many paths of the layers below it writes again (content or metadata).
 */
modified: number, 
/**
 * How many paths of the layers below it deletes; a deleted directory counts once, not its contents.
 */
removed: number, 
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
 * A list the registry gave in pages: what it held, and whether Strata stopped before its end.
 */
export type Listed = { 
/**
 * The names, in the registry's order.
 */
names: Array<string>, 
/**
 * More pages than [`MOST_PAGES`] of [`PAGE`] names: the rest was not asked for.
 */
cut: boolean, };

/**
 * One image an index lists: its platform, and what its blobs take as stored.
 */
export type ListedImage = { 
/**
 * Its platform (`linux/arm64/v8`).
 */
platform: string, 
/**
 * Its config's and layers' blobs, compressed as stored; `None` when its manifest was not
 * at hand (absent from an archive, or the registry did not give it).
 */
compressed_bytes: number | null, };

/**
 * What the window shows about the daemon; `generation` grows with every change.
 */
export type LiveState = { 
/**
 * 0 at start, one more with every change published.
 */
generation: number, 
/**
 * Whether the daemon answers, and which endpoint this is about.
 */
status: Status, 
/**
 * How many image rows (one per tag) the inventory holds.
 */
image_count: number, 
/**
 * How many containers, running or stopped, the inventory holds.
 */
container_count: number, };

/**
 * How the daemon's copy of one tag compares with the registry's.
 */
export type LocalCopy = { "kind": "absent" } | { "kind": "same" } | { "kind": "differs", 
/**
 * Layers (by diff id) found in only one of the two.
 */
layers: number, };

/**
 * A batch of log lines, or the end of the stream with the reason.
 */
export type LogEvent = { "kind": "lines", lines: Array<string>, } | { "kind": "ended", error: UiError | null, };

/**
 * Everything known of one node, for the attributes panel.
 */
export type NodeDetails = { 
/**
 * The node's full path, as shown (`/etc/passwd`).
 */
path: string, 
/**
 * `ls -l`'s letter: `-`, `d`, `l`, `h`, `p`, `c`, `b`.
 */
kind: string, 
/**
 * What the layer did to it.
 */
status: ChangeStatus, 
/**
 * Own size, plus everything under it for a directory (children the layer removed not counted).
 */
size_bytes: number, 
/**
 * `-rwxr-xr-x`, with setuid/setgid/sticky bits.
 */
permissions: string, 
/**
 * Permission bits as a number (`0o755`), without the file-type bits.
 */
mode: number, 
/**
 * Owner's user id, as a number.
 */
uid: number, 
/**
 * Owner's group id, as a number.
 */
gid: number, 
/**
 * Modification time, seconds since the epoch (0 when the tar gives none).
 */
mtime: number, 
/**
 * xxh3-128 of a regular file's content, hex; empty otherwise.
 */
content_hash: string, 
/**
 * The layer whose version of this node is shown.
 */
layer: number, 
/**
 * Where a symbolic or hard link points; `None` for anything else.
 */
link_target: string | null, 
/**
 * How many nodes are directly under it in this view, hidden and removed ones included.
 */
children: number, };

/**
 * A package whose version could not be compared with an advisory's ranges.
 */
export type NotCompared = { 
/**
 * The package's name.
 */
package: string, 
/**
 * Its installed version.
 */
version: string, 
/**
 * The advisory whose ranges could not be read against it.
 */
advisory: string, };

/**
 * The OS an image is built on, from `os-release`.
 */
export type OsRelease = { 
/**
 * `debian`, `alpine`, `ubuntu`, …
 */
id: string, 
/**
 * `12`, `3.19.1`, … (empty when the file gives none, as on Debian testing).
 */
version_id: string, 
/**
 * `Debian GNU/Linux 12 (bookworm)`.
 */
pretty_name: string, };

/**
 * How one item ended.
 */
export type Outcome = { "outcome": "removed", 
/**
 * Bytes its removal freed.
 */
bytes_freed: number, 
/**
 * The archive the image was saved to first; `None` when it was not saved.
 */
archive: string | null, } | { "outcome": "skipped", 
/**
 * The reason, in words for people ("it is running now").
 */
why: string, } | { "outcome": "failed", 
/**
 * What went wrong, as the daemon (or the file system) said it.
 */
error: string, } | { "outcome": "not-attempted" };

/**
 * A package installed in an image.
 */
export type Package = { 
/**
 * `deb`, `apk`, `python` or `node`.
 */
ecosystem: string, 
/**
 * The package's name, as its package manager writes it.
 */
name: string, 
/**
 * The installed version; several installed versions read as `1.0, 2.0`.
 */
version: string, };

/**
 * The packages of two images compared, each list by ecosystem, then name.
 */
export type PackageDiff = { 
/**
 * Packages only the second image has.
 */
added: Array<Package>, 
/**
 * Packages only the first image has.
 */
removed: Array<Package>, 
/**
 * Packages both have, at other versions.
 */
upgraded: Array<VersionChange>, };

/**
 * One path compared between the two images.
 */
export type PathComparison = { 
/**
 * The path from the root, as shown (`/etc/passwd`).
 */
path: string, 
/**
 * Every attribute that differs, in a fixed order; empty when only the content changed.
 */
attributes: Array<AttributeChange>, 
/**
 * `diff -u` of the two texts (a side without the file reads as empty); `None` when there
 * is no text to compare — `note` says why.
 */
unified: string | null, 
/**
 * Why there is no text diff ("The content is the same", "a symbolic link has no text", "not
 * a text file"); empty when `unified` is there.
 */
note: string, };

/**
 * What a successful pipeline run did: the build, the verification, the tags moved, and what
 * changed against the image the first tag named before.
 */
export type PipelineOutcome = { 
/**
 * The build's own outcome: image id, time, context, labels, builder.
 */
build: BuildOutcome, 
/**
 * The verify command's result (`None`: there was no verify command).
 */
verification: Verification | null, 
/**
 * The security audit of the new image (`None`: the project skips it).
 */
audit: Audit | null, 
/**
 * The tags now pointing at the new image.
 */
tags: Array<string>, 
/**
 * The new image's size, in bytes.
 */
size_bytes: number, 
/**
 * The image the first tag named before (`None`: there was none, it was the same image, or
 * its layers could not be read).
 */
previous: Previous | null, 
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
restarted: [string, string] | null, 
/**
 * Where the build's time went: each Dockerfile step, timed, cached or not, with the
 * changed files a COPY that ran took (named once the history is read: [`super::session`]).
 */
steps: Array<BuildStep>, 
/**
 * Why the cache first missed, against the project's last build.
 */
cache_miss: CacheMiss | null, 
/**
 * Advice on the Dockerfile's order, when an early copy of the whole context cost a rerun.
 */
hint: string | null, };

/**
 * Where in the image a finding is.
 */
export type Place = "file" | "env" | "label" | "history" | "config";

/**
 * Where a tile was drawn in the treemap, so the window can make it clickable.
 */
export type PlacedTile = { 
/**
 * The [`Tile::key`] of the tile drawn here.
 */
key: string, 
/**
 * Pixels from the left edge.
 */
x: number, 
/**
 * Pixels from the top edge.
 */
y: number, 
/**
 * Width in pixels.
 */
w: number, 
/**
 * Height in pixels.
 */
h: number, };

/**
 * What to remove, in order, and the bytes it frees.
 */
export type Plan = { 
/**
 * What to remove, in the order to remove it: containers, the build cache, then images.
 */
items: Array<PlanItem>, 
/**
 * What was picked by hand but stays, and why.
 */
skipped: Array<Skipped>, 
/**
 * Bytes the whole plan frees: the sum of the items' `bytes_freed`.
 */
total_bytes_freed: number, 
/**
 * Images (shared layers once), containers' writable layers and the build cache when counted,
 * before and after.
 */
bytes_before: number, 
/**
 * Bytes left once the plan is carried out.
 */
bytes_after: number, };

/**
 * One thing the plan removes.
 */
export type PlanItem = { 
/**
 * Whether it is a container, the build cache or an image.
 */
kind: ItemKind, 
/**
 * The full image or container id; `build-cache` for the build cache.
 */
id: string, 
/**
 * An image's references, a container's name.
 */
refs: Array<string>, 
/**
 * What people call it: the first reference or name, an untagged image's short id, "Build cache".
 */
name: string, 
/**
 * Why it is in the plan.
 */
reason: Reason, 
/**
 * The bytes removing it frees, given the items before it and what stays.
 */
bytes_freed: number, };

/**
 * The image the first tag named before this build.
 */
export type Previous = { 
/**
 * Its id (`sha256:…`).
 */
image_id: string, 
/**
 * Its size, in bytes.
 */
size_bytes: number, };

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
bytes_per_second: number, 
/**
 * Whether the task is done: this is its last update.
 */
finished: boolean, };

/**
 * How one project folder is built.
 */
export type Project = { 
/**
 * The project's folder, as an absolute path; one project per folder.
 */
folder: string, 
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
target: string | null, 
/**
 * Values for the Dockerfile's `ARG`s (`--build-arg`), by name.
 */
build_args: { [key in string]: string }, 
/**
 * Labels put on each image; the OCI labels Strata adds never replace them.
 */
labels: { [key in string]: string }, 
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
remove_superseded: boolean, 
/**
 * The *verify security* stage's policy: what fails it (`secrets`, a severity, `never` to
 * report only); `null` skips the stage. Any secret fails it unless the project says otherwise.
 */
audit_fail_on: string | null, 
/**
 * The *verify security* stage's vulnerability gate: fail when a known vulnerability of the
 * new image is at or above this severity; `null` (the default) checks none.
 */
vulns_fail_on: VulnSeverity | null, 
/**
 * Live sync: what an edit does, as compose's `develop.watch` rules say it. Empty: the rules
 * of the project's compose file, if it has any; else every edit rebuilds.
 */
watch_rules: Array<SyncRule>, 
/**
 * The running container live sync copies edits into; `None`: the one it restarts.
 */
sync_container: string | null, };

/**
 * What the window hears about builds and watches.
 */
export type ProjectEvent = { "kind": "started", folder: string, trigger: Trigger | null, } | { "kind": "stage", folder: string, name: string, } | { "kind": "step", folder: string, number: number, total: number, instruction: string, } | { "kind": "line", folder: string, line: string, } | { "kind": "finished", folder: string, record: BuildRecord, outcome: PipelineOutcome | null, hint: string | null, 
/**
 * Why the record could not be kept in the project's history, if it could not.
 */
not_saved: UiError | null, } | { "kind": "synced", folder: string, record: BuildRecord, 
/**
 * Why the record could not be kept in the project's history, if it could not.
 */
not_saved: UiError | null, } | { "kind": "watching", folder: string, on: boolean, reason: string | null, sync: string | null, };

/**
 * A project as the list shows it.
 */
export type ProjectSummary = { project: Project, building: boolean, watching: boolean, last: BuildRecord | null, };

/**
 * A pushed tag.
 */
export type Published = { 
/**
 * The reference pushed, as given (`name:tag`).
 */
reference: string, 
/**
 * The manifest digest the registry stored, when it said.
 */
digest: string | null, };

/**
 * What a pull has done so far: each layer, in the order the daemon first named them, and its
 * last word on the image ("Digest: …", "Status: Downloaded newer image for …").
 */
export type PullState = { 
/**
 * The layers.
 */
layers: Array<LayerPull>, 
/**
 * The daemon's latest line about the whole image.
 */
status: string, };

/**
 * The figures of one reading.
 */
export type Reading = { 
/**
 * Seconds since 1970 (with fractions) when the daemon took it.
 */
at: number, 
/**
 * CPU use in percent of one CPU, as `docker stats` shows it (200: two CPUs busy).
 */
cpu_percent: number, 
/**
 * Memory in use, without the inactive page cache, as `docker stats` counts it.
 */
memory_bytes: number, 
/**
 * The memory limit in bytes (the host's memory when none is set); 0 when unknown.
 */
memory_limit_bytes: number, 
/**
 * `memory_bytes` in percent of the limit; 0 without a limit.
 */
memory_percent: number, 
/**
 * Totals since the container started.
 */
net_rx_bytes: number, 
/**
 * Bytes sent over all its network interfaces since it started.
 */
net_tx_bytes: number, 
/**
 * Bytes read from block devices (disks) since it started.
 */
block_read_bytes: number, 
/**
 * Bytes written to block devices (disks) since it started.
 */
block_write_bytes: number, 
/**
 * How many processes and threads run in it.
 */
pids: number, };

/**
 * Why an item is in the plan.
 */
export type Reason = "dangling" | "unused" | "old" | "stopped" | "build-cache" | "chosen";

/**
 * A rectangle in pixels, from the top left.
 */
export type Rect = { 
/**
 * Pixels from the left edge.
 */
x: number, 
/**
 * Pixels from the top edge.
 */
y: number, 
/**
 * Width in pixels.
 */
w: number, 
/**
 * Height in pixels.
 */
h: number, };

/**
 * One local image's reference and how it compares with its registry.
 */
export type RegistryCopy = { 
/**
 * The reference as given (`HOST/PATH:TAG`).
 */
reference: string, 
/**
 * How the registry's tag compares with the daemon's image.
 */
state: InRegistry, };

/**
 * A repository's tags, and how the daemon's copy of each compares.
 */
export type RegistryTags = { 
/**
 * The tags, the first ones with their details.
 */
list: TagList, 
/**
 * The daemon's copy of each detailed tag, in the same order; `None` with no daemon.
 */
here: Array<LocalCopy> | null, };

/**
 * The bytes of one repository's images.
 */
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
 * The formats an SBOM is written in.
 */
export type SbomFormat = "cyclonedx" | "spdx";

/**
 * What the daemon says about itself.
 */
export type ServerInfo = { 
/**
 * "Docker Engine" or "Podman Engine".
 */
product: string, 
/**
 * The daemon's release, such as "27.3.1" (empty when it does not say).
 */
version: string, 
/**
 * The API version both sides now speak.
 */
api_version: string, 
/**
 * The daemon's operating system, as Go names it: "linux" or "windows" (empty when it does
 * not say).
 */
os: string, 
/**
 * The daemon's CPU architecture, as Go names it: "amd64", "arm64"… (empty when it does not
 * say).
 */
arch: string, };

/**
 * How bad a finding is, least first.
 */
export type Severity = "info" | "low" | "medium" | "high" | "critical";

/**
 * Where a sign-in was saved.
 */
export type SignedIn = { 
/**
 * The registry.
 */
host: string, 
/**
 * The credential helper that keeps it, or the docker config file.
 */
saved_in: string, };

/**
 * Something picked by hand that the plan leaves alone, and why.
 */
export type Skipped = { 
/**
 * The image or container as people know it, or the name as given when nothing has it.
 */
name: string, 
/**
 * The reason, in words for people ("it is running").
 */
why: string, };

/**
 * Files the secret rules did not read, counted so that a report never passes them over
 * silently.
 */
export type SkippedFiles = { 
/**
 * Files over the size limit, in every layer.
 */
too_large: number, 
/**
 * Their bytes.
 */
too_large_bytes: number, 
/**
 * The size limit, in bytes.
 */
size_limit: number, 
/**
 * Binary files (a NUL among their first bytes), passed over.
 */
binary: number, };

/**
 * The order of each directory's children in the explorer.
 */
export type SortBy = "name" | "size";

/**
 * Where the disk space goes: images, containers, and volumes and build cache when counted.
 */
export type Space = { 
/**
 * Every image, in the order the daemon listed them.
 */
images: Array<ImageSpace>, 
/**
 * Largest first.
 */
repositories: Array<RepositorySpace>, 
/**
 * One entry for each category that has images, in [`Category::ALL`] order.
 */
categories: Array<CategorySpace>, 
/**
 * Bytes of all images, shared layers once.
 */
image_bytes: number, 
/**
 * Every container, running or not.
 */
containers: Array<ContainerSpace>, 
/**
 * Bytes of all containers' writable layers.
 */
container_bytes: number, 
/**
 * Stopped containers, and the bytes of their own layers.
 */
stopped_containers: number, 
/**
 * Bytes of the stopped containers' writable layers.
 */
stopped_container_bytes: number, 
/**
 * `None` until the daemon's accounting was read.
 */
build_cache: BuildCacheFacts | null, 
/**
 * Every volume; `None` until the daemon's accounting was read.
 */
volumes: Array<VolumeUsage> | null, 
/**
 * The volumes' bytes (those the daemon could size), and those of volumes no container
 * uses; `None` until counted.
 */
volume_bytes: number | null, 
/**
 * Bytes of the volumes no container mounts; `None` until counted.
 */
unused_volume_bytes: number | null, 
/**
 * How many volumes no container mounts; `None` until counted.
 */
unused_volumes: number | null, };

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
at: number, 
/**
 * CPU use in percent of one CPU (200: two CPUs busy).
 */
cpu_percent: number, 
/**
 * Memory in use, without the inactive page cache.
 */
memory_bytes: number, 
/**
 * The memory limit in bytes (the host's memory when none is set); 0 when unknown.
 */
memory_limit_bytes: number, 
/**
 * Bytes received a second since the point before (0 for the first point).
 */
net_rx_per_second: number, 
/**
 * Bytes sent a second since the point before (0 for the first point).
 */
net_tx_per_second: number, 
/**
 * Bytes read from disk a second since the point before (0 for the first point).
 */
block_read_per_second: number, 
/**
 * Bytes written to disk a second since the point before (0 for the first point).
 */
block_write_per_second: number, 
/**
 * How many processes and threads run in the container.
 */
pids: number, };

/**
 * One container's latest figures and its CPU over the last minute.
 */
export type StatsRow = { cpu_sparkline: string, 
/**
 * The full container id.
 */
id: string, 
/**
 * Its name, without the leading `/`.
 */
name: string, 
/**
 * Whether its stats stream is open; false once it stopped (the history stays).
 */
running: boolean, 
/**
 * Its newest point; `None` before the first reading.
 */
point: StatsPoint | null, 
/**
 * The last reading's totals (network and block I/O since the container started).
 */
reading: Reading | null, 
/**
 * How many points its history holds (at most an hour's).
 */
points: number, };

/**
 * Whether Strata is talking to its daemon.
 */
export type Status = { "kind": "connecting", 
/**
 * The endpoint being tried.
 */
endpoint: Endpoint, } | { "kind": "connected", 
/**
 * The endpoint in use.
 */
endpoint: Endpoint, 
/**
 * What the daemon said about itself.
 */
server: ServerInfo, } | { "kind": "disconnected", 
/**
 * The endpoint that failed.
 */
endpoint: Endpoint, 
/**
 * What went wrong, in one line.
 */
error: string, 
/**
 * What the user can do about it, in one sentence.
 */
hint: string, 
/**
 * How many attempts in a row have failed (1 after the first failure).
 */
attempts: number, 
/**
 * Seconds until the next attempt.
 */
retry_in_seconds: number, };

/**
 * How many visible nodes of each kind of change the view has.
 */
export type StatusCounts = { 
/**
 * Visible nodes the layer added.
 */
added: number, 
/**
 * Visible nodes the layer modified.
 */
modified: number, 
/**
 * Visible nodes the layer removed.
 */
removed: number, 
/**
 * Visible nodes the layer left unmodified.
 */
unmodified: number, };

/**
 * Which changes to show.
 */
export type StatusFilter = { 
/**
 * Show nodes the layer added.
 */
added: boolean, 
/**
 * Show nodes the layer modified.
 */
modified: boolean, 
/**
 * Show nodes the layer removed.
 */
removed: boolean, 
/**
 * Show nodes the layer left unmodified.
 */
unmodified: boolean, };

/**
 * What a rule does with the files it takes.
 */
export type SyncAction = "sync" | "sync+restart" | "sync+exec" | "rebuild";

/**
 * What one batch's copy did.
 */
export type SyncReport = { 
/**
 * The container it went into.
 */
container: string, 
/**
 * Files (and links) copied.
 */
copied: number, 
/**
 * Paths removed from the container.
 */
removed: number, 
/**
 * Links left out because they point out of the rule's folder.
 */
links_not_followed: Array<string>, 
/**
 * What ran after the copy: `restarted`, or the command.
 */
then: string | null, 
/**
 * How long it took, from the first read to the last answer.
 */
millis: number, 
/**
 * All of it in one line, for the history and the CLI: "synced 3 files into web (84 ms),
 * then restarted it".
 */
summary: string, };

/**
 * One rule: a folder (or file) of the project and what its edits do.
 */
export type SyncRule = { 
/**
 * What to do.
 */
action: SyncAction, 
/**
 * The folder or file watched, relative to the project folder, `/`-separated (`src`, `.`).
 */
path: string, 
/**
 * Where `path` goes in the container (`/app/src`); needed by every action but `rebuild`.
 */
target: string | null, 
/**
 * Patterns (`.dockerignore` syntax) relative to `path` whose files the rule leaves alone.
 */
ignore: Array<string>, 
/**
 * For `sync+exec`: the command run in the container after the copy — its words, or (as
 * the window sends it) one line split as a shell splits it.
 */
exec: string[] | string | null, 
/**
 * Copy everything under `path` once when watching starts, not only what changes.
 */
initial_sync: boolean, };

/**
 * What one tag is: one image, or an index of several platforms' images.
 */
export type TagDetails = { 
/**
 * The tag.
 */
tag: string, 
/**
 * The digest its manifest (or index) has.
 */
digest: string, 
/**
 * Each image of it, in the index's order.
 */
images: Array<TagImage>, 
/**
 * Attestation manifests the index holds besides the images.
 */
attestations: number, };

/**
 * One image of a tag.
 */
export type TagImage = { 
/**
 * Its platform, as its config says (`linux/amd64`); empty when it does not.
 */
platform: string, 
/**
 * Its manifest's digest.
 */
digest: string, 
/**
 * Its config's and layers' blobs, as stored (compressed).
 */
compressed_bytes: number, 
/**
 * When it was made, as its config says.
 */
created: string | null, 
/**
 * Its labels.
 */
labels: { [key in string]: string }, 
/**
 * Its config's digest: the image id a daemon gives it once pulled.
 */
config: string, 
/**
 * Its layers' diff ids (uncompressed digests), bottom first.
 */
diff_ids: Array<string>, };

/**
 * A repository's tags: the first [`DETAILED_TAGS`] with their details, the rest by name.
 */
export type TagList = { 
/**
 * The first tags, in the registry's order, with their details.
 */
tags: Array<TagDetails>, 
/**
 * The tags after them, by name only.
 */
rest: Array<string>, 
/**
 * Tags among the first whose manifest or config could not be read (another kind of
 * artifact, say), each with why; the others are listed all the same.
 */
unread: Array<UnreadTag>, 
/**
 * The registry had more tags than Strata asked for.
 */
cut: boolean, };

/**
 * The TLS material for a `tcp://` endpoint.
 */
export type TlsFiles = { 
/**
 * The certificate authority the daemon's certificate must be signed by (`ca.pem`).
 */
ca: string, 
/**
 * Strata's client certificate (`cert.pem`).
 */
cert: string, 
/**
 * The private key of the client certificate (`key.pem`).
 */
key: string, };

/**
 * One visible line of the tree.
 */
export type TreeRow = { 
/**
 * The node's id in this view, to unfold it or ask for its details; valid until the view is rebuilt.
 */
id: number, 
/**
 * How deep it is: 0 for the top level, one more per directory down.
 */
depth: number, 
/**
 * Its own name, not its path; bytes that are not UTF-8 are escaped as `\xNN`.
 */
name: string, 
/**
 * `ls -l`'s letter: `-`, `d`, `l`, `h`, `p`, `c`, `b`.
 */
kind: string, 
/**
 * Own size, plus everything under it for a directory.
 */
size_bytes: number, 
/**
 * What the layer did to it.
 */
status: ChangeStatus, 
/**
 * Whether it has visible children to unfold.
 */
expandable: boolean, 
/**
 * Whether its children are listed below it (unfolded, or on the way to a search match).
 */
expanded: boolean, 
/**
 * Where a symbolic or hard link points; `None` for anything else.
 */
link_target: string | null, };

/**
 * A drawn treemap and the place of each of its tiles.
 */
export type Treemap = { 
/**
 * The treemap as an SVG document, to show as it is (or scaled: it has a `viewBox`).
 */
svg: string, 
/**
 * The width it was drawn at, in pixels: the tiles' places are within it.
 */
width: number, 
/**
 * The height it was drawn at, in pixels.
 */
height: number, 
/**
 * Every tile, with its place.
 */
tiles: Array<PlacedTile>, };

/**
 * A drawn trend and where each build's column is, oldest first.
 */
export type TrendChart = { 
/**
 * The chart as an SVG document.
 */
svg: string, 
/**
 * The width it was drawn at, in pixels.
 */
width: number, 
/**
 * The height it was drawn at, in pixels.
 */
height: number, 
/**
 * Each build's column, in the order the points were given.
 */
columns: Array<Rect>, };

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
count: number, 
/**
 * In a project with live-sync rules, why these edits rebuilt rather than synced
 * (`package.json changed`, `the container web is not running`).
 */
reason: string | null, };

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
 * A tag whose details could not be read.
 */
export type UnreadTag = { 
/**
 * The tag.
 */
tag: string, 
/**
 * Why, in one line.
 */
reason: string, };

/**
 * How a verification went.
 */
export type Verification = { 
/**
 * The command as the project gives it (shell text, or a JSON array).
 */
command: string, 
/**
 * Whether it exited 0.
 */
passed: boolean, 
/**
 * The command's exit code (-1 when the daemon did not say).
 */
exit_code: number, 
/**
 * What it printed, stdout and stderr together; only the last 64 KiB, after a `…`, when
 * there was more.
 */
output: string, 
/**
 * How long it took, container creation included, in seconds.
 */
seconds: number, };

/**
 * A package in both images at other versions (an upgrade or a downgrade).
 */
export type VersionChange = { 
/**
 * `deb`, `apk`, `python` or `node`.
 */
ecosystem: string, 
/**
 * The package's name, as its package manager writes it.
 */
name: string, 
/**
 * Its version in the first image.
 */
before: string, 
/**
 * Its version in the second image.
 */
after: string, };

/**
 * The tree's shape after a change: how many rows, of which kinds.
 */
export type ViewInfo = { options: ViewOptions, rows: number, counts: StatusCounts, };

/**
 * What the explorer shows: which layer, how, and which nodes.
 */
export type ViewOptions = { 
/**
 * The layer shown, 0 for the bottom one; a number past the last layer shows the last.
 */
layer: number, 
/**
 * Everything up to `layer` (true) or only what `layer` holds (false).
 */
aggregated: boolean, 
/**
 * Which changes to show; the directories on the way to a shown node are shown too.
 */
filter: StatusFilter, 
/**
 * Keep nodes whose full path contains this text (or matches it, with `regex`).
 */
search: string, 
/**
 * Read `search` as a regular expression (on paths like `etc/passwd`) instead of plain text.
 */
regex: boolean, 
/**
 * The order of each directory's children.
 */
sort: SortBy, };

/**
 * One volume's size and users, as the daemon counts them.
 */
export type VolumeUsage = { 
/**
 * The volume's name.
 */
name: string, 
/**
 * Bytes, when the driver can tell (`None` for remote drivers).
 */
size: number | null, 
/**
 * Containers that mount it.
 */
containers: number, };

/**
 * The vulnerabilities two images differ by.
 */
export type VulnDiff = { 
/**
 * Findings of the first image the second no longer has, worst first.
 */
fixed: Array<VulnFinding>, 
/**
 * Findings of the second image the first did not have, worst first.
 */
introduced: Array<VulnFinding>, 
/**
 * How many findings both have.
 */
unchanged: number, };

/**
 * One installed package with one known vulnerability.
 */
export type VulnFinding = { 
/**
 * The advisory's OSV id.
 */
id: string, 
/**
 * Its other ids, CVE ids first.
 */
aliases: Array<string>, 
/**
 * One line on what is wrong.
 */
summary: string, 
/**
 * How bad it is.
 */
severity: VulnSeverity, 
/**
 * The CVSS base score, when the advisory gives a vector.
 */
score: number | null, 
/**
 * The package's ecosystem.
 */
ecosystem: Ecosystem, 
/**
 * The installed package's name.
 */
package: string, 
/**
 * The installed version.
 */
version: string, 
/**
 * The version that fixes it, when there is one.
 */
fixed: string | null, 
/**
 * The layer that installed or last changed the package.
 */
layer: number, };

/**
 * What a scan found.
 */
export type VulnReport = { 
/**
 * The findings, worst first.
 */
findings: Array<VulnFinding>, 
/**
 * How many packages were looked up.
 */
packages_checked: number, 
/**
 * Packages the database has no advisories source for (an OS it does not know), by ecosystem.
 */
not_covered: Array<string>, 
/**
 * Versions no ordering could place in an advisory's ranges.
 */
not_compared: Array<NotCompared>, };

/**
 * How bad a vulnerability is, lowest first: CVSS's rating of the base score, or the level the
 * advisory's database writes; `unknown` when the advisory says neither.
 */
export type VulnSeverity = "unknown" | "low" | "medium" | "high" | "critical";

/**
 * How many known vulnerabilities an image has, by severity.
 */
export type VulnTally = { 
/**
 * Critical ones.
 */
critical: number, 
/**
 * High ones.
 */
high: number, 
/**
 * Medium ones.
 */
medium: number, 
/**
 * Low ones.
 */
low: number, 
/**
 * Ones whose advisory gives no severity.
 */
unknown: number, };
