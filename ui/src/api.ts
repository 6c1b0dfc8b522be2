// The backend's commands and the shapes they return. The window only renders these values and
// sends the user's intents back; every figure is computed in the Rust engine.
import { Channel, invoke } from "@tauri-apps/api/core";

export interface Endpoint {
  name: string;
  host: string;
  source: "docker-host-variable" | "context" | "default-socket" | "podman";
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
};

/** Turns whatever a failed command threw into the `{message, hint}` shape. */
export function asUiError(error: unknown): UiError {
  if (error && typeof error === "object" && "message" in error) {
    const e = error as { message: unknown; hint?: unknown };
    return { message: String(e.message), hint: typeof e.hint === "string" ? e.hint : "" };
  }
  return { message: String(error), hint: "" };
}
