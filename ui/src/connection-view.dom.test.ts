// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveState } from "./api";
import { ConnectionView } from "./connection-view";
import * as recorded from "./fixtures";
import { byId, choose, find, mount, settle, text, texts, useRecordedClock } from "./testing/dom";
import { answer, callsOf, fail, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

describe("the daemon bar", () => {
  let view: ConnectionView;

  beforeEach(() => {
    useRecordedClock();
    answer("endpoints", recorded.endpoints);
    answer("select_endpoint", null);
    view = new ConnectionView();
    mount(view.bar, view.banner);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
  });

  it("says why a switch failed and puts the picker back", async () => {
    const report = vi.fn();
    view = new ConnectionView(report);
    mount(view.bar, view.banner);
    await view.load();
    fail("select_endpoint", { code: "not-found", message: "there is no endpoint podman-rootless any more", hint: "Press Rescan." });
    choose(byId<HTMLSelectElement>("endpoint-picker"), recorded.endpoints.endpoints[1].name);
    await settle();
    expect(report).toHaveBeenCalledWith(
      `Could not switch to ${recorded.endpoints.endpoints[1].name}: there is no endpoint podman-rootless any more`,
      "Press Rescan.",
    );
    expect(byId<HTMLSelectElement>("endpoint-picker").value).toBe("default");
    expect(byId("endpoint-picker").title).toContain("Docker Engine (system socket)");

    // After a switch that worked, a failed one goes back to the endpoint in use, not the first.
    view.show({ ...recorded.connected, status: { ...recorded.connected.status, endpoint: recorded.endpoints.endpoints[1] } });
    choose(byId<HTMLSelectElement>("endpoint-picker"), "default");
    await settle();
    expect(byId<HTMLSelectElement>("endpoint-picker").value).toBe(recorded.endpoints.endpoints[1].name);
  });

  it("offers every endpoint found, marks docker's choice, and names the daemon it talks to", async () => {
    await view.load();
    expect(texts("#endpoint-picker option")).toEqual([
      "Docker Engine (system socket) — unix:///var/run/docker.sock (docker's choice)",
      "Podman (rootless) — unix:///run/user/1000/podman/podman.sock",
    ]);
    expect(byId<HTMLSelectElement>("endpoint-picker").value).toBe("default");

    view.show(recorded.connected);
    expect(text("#connection-status")).toBe("Docker Engine 27.3.1 · API 1.47");
    expect(byId("connection-status").title).toBe("Docker Engine 27.3.1 · API 1.47 · unix:///var/run/docker.sock");
    expect(find(".daemon-bar .light").className).toBe("light connected");
    expect(byId("daemon-banner").hidden).toBe(true);
  });

  it("switches to the endpoint picked", async () => {
    await view.load();
    choose(byId<HTMLSelectElement>("endpoint-picker"), "podman");
    await settle();
    expect(callsOf("select_endpoint")).toEqual([{ name: "podman" }]);

    const connecting: LiveState = { ...recorded.connected, status: { kind: "connecting", endpoint: recorded.endpoints.endpoints[1] } };
    view.show(connecting);
    expect(text("#connection-status")).toBe("Connecting to Podman (rootless)…");
    expect(find(".daemon-bar .light").className).toBe("light connecting");
  });

  it("explains a daemon that does not answer: where, why, what to do, and the other endpoints", async () => {
    await view.load();
    view.show(recorded.disconnected);

    expect(text("#connection-status")).toBe("Disconnected from Docker Engine (system socket) — retrying");
    expect(find(".daemon-bar .light").className).toBe("light disconnected");
    expect(byId("daemon-banner").hidden).toBe(false);
    expect(texts("#daemon-banner > h2, #daemon-banner > p")).toEqual([
      "No answer from the daemon at unix:///var/run/docker.sock",
      "Docker Engine (system socket) (endpoint “default”), the default socket.",
      "cannot reach the daemon at unix:///var/run/docker.sock: error trying to connect: Connection refused (os error 111)",
      "Start Docker (sudo systemctl start docker, or open Docker Desktop), set DOCKER_HOST, or pick another endpoint.",
      "Trying again every 4 s (attempt 3). The lists below are as last read.",
    ]);
    expect(find("#daemon-banner .error-text").textContent).toContain("Connection refused");
    // The command the hint quotes is shown as code, its backticks gone.
    expect(texts("#daemon-banner code")).toEqual(["sudo systemctl start docker"]);

    // An endpoint set by a variable of its own name says so once.
    const status = structuredClone(recorded.disconnected);
    if (status.status.kind !== "disconnected") throw new Error("the fixture is of a daemon that does not answer");
    Object.assign(status.status.endpoint, { label: "DOCKER_HOST", origin: "from DOCKER_HOST" });
    view.show({ ...status, generation: status.generation + 1 });
    expect(texts("#daemon-banner > p")[0]).toBe("Set by DOCKER_HOST (endpoint “default”).");
    view.show(recorded.disconnected);

    const other = find<HTMLButtonElement>("#daemon-banner .choices button");
    expect(texts("#daemon-banner .choices button")).toEqual(["Use Podman (rootless)"]);
    expect(other.title).toBe("unix:///run/user/1000/podman/podman.sock");
    other.click();
    await settle();
    expect(callsOf("select_endpoint")).toEqual([{ name: "podman" }]);

    view.show(recorded.connected);
    expect(byId("daemon-banner").hidden).toBe(true);
  });

  it("lists the endpoints again on Rescan", async () => {
    await view.load();
    const desktop = {
      ...recorded.endpoints.endpoints[1],
      name: "docker-desktop",
      label: "Docker Desktop",
      host: "unix:///home/dev/.docker/desktop/docker.sock",
      origin: "Docker Desktop's socket at /home/dev/.docker/desktop/docker.sock",
    };
    answer("rediscover_endpoints", { ...recorded.endpoints, endpoints: [...recorded.endpoints.endpoints, desktop] });
    find<HTMLButtonElement>(".daemon-bar button").click();
    await settle();
    expect(texts("#endpoint-picker option")).toHaveLength(3);
    expect(texts("#endpoint-picker option")[2]).toBe("Docker Desktop — unix:///home/dev/.docker/desktop/docker.sock");
  });

  it("hands a failed listing of endpoints to the window and offers none", async () => {
    const failure = { code: "internal", message: "the endpoints could not be listed", hint: "" };
    fail("endpoints", failure);
    await expect(view.load()).rejects.toEqual(failure);
    expect(texts("#endpoint-picker option")).toEqual([]);
  });
});
