import { describe as suite, expect, it } from "vitest";
import type { Endpoint } from "./api";
import { describe } from "./connection-view";

const endpoint: Endpoint = {
  name: "default",
  label: "Docker Engine (system socket)",
  host: "unix:///var/run/docker.sock",
  source: "default-socket",
  tls: null,
  origin: "the default socket",
  problem: null,
};

suite("the daemon bar's words", () => {
  it("names the engine, its version and API when connected", () => {
    const server = { product: "Docker Engine", version: "20.10.24", api_version: "1.41", os: "linux", arch: "amd64" };
    expect(describe({ kind: "connected", endpoint, server })).toBe(
      "Docker Engine 20.10.24 · API 1.41",
    );
  });
  it("says it is retrying when disconnected", () => {
    const status = { kind: "disconnected" as const, endpoint, error: "refused", hint: "start it", attempts: 3, retry_in_seconds: 2 };
    expect(describe(status)).toBe("Disconnected from Docker Engine (system socket) — retrying");
  });
});
